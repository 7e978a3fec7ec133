/*
 * api_holds: legal holds (REGDOC 9.0): while a hold on a person or a case
 * is in place, `vetctl tick` purges nothing of theirs. For the cso and
 * admin; placing and lifting are audited, and a hold is never deleted.
 *   GET  /api/v1/holds             the organization's holds, newest first
 *   POST /api/v1/holds             {"kind": "person"|"case", "id", "reason"}
 *   POST /api/v1/holds/{id}/lift   {"reason"}
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"
#include "validate.h"

static const char *const hold_kinds[] = { "person", "case", NULL };

static const struct vfield hold_body[] = {
	{ "kind", V_ENUM, V_REQUIRED, 0, 0, hold_kinds, NULL, 0, 0 },
	{ "id", V_INT, V_REQUIRED, 1, (long long)1 << 53, NULL, NULL, 0, 0 },
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield lift_body[] = {
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

void
api_holds_list(struct api_ctx *c)
{
	static const char sql[] = "SELECT id, kind, target_id, reason,"
	    " placed_by, placed_at, lifted_by, lifted_at, lift_reason FROM"
	    " legal_holds WHERE org_id = ? ORDER BY id DESC LIMIT 500";
	sqlite3_stmt	*s;
	json_t		*a;

	if (api_allow(c, ACT_HOLD_MANAGE, NULL, "holds") == -1)
		return;
	if (api_audit(c, "hold.list", "holds", NULL) == -1 ||
	    (s = store_prepare(c->store, sql)) == NULL) {
		api_unavailable(c);
		return;
	}
	a = json_array();
	sqlite3_bind_int64(s, 1, c->who.org_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:s, s:s,"
		    " s:s, s:s?, s:s?, s:s?}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "kind", sqlite3_column_text(s, 1),
		    "target_id", (json_int_t)sqlite3_column_int64(s, 2),
		    "reason", sqlite3_column_text(s, 3),
		    "placed_by", sqlite3_column_text(s, 4),
		    "placed_at", sqlite3_column_text(s, 5),
		    "lifted_by", sqlite3_column_text(s, 6),
		    "lifted_at", sqlite3_column_text(s, 7),
		    "lift_reason", sqlite3_column_text(s, 8)));
	store_done(s);
	response_json(c->resp, 200, json_pack("{s:o}", "holds", a));
}

void
api_holds_place(struct api_ctx *c)
{
	static const char person_sql[] = "SELECT 1 FROM persons WHERE id = ?"
	    " AND org_id = ?";
	static const char case_sql[] = "SELECT 1 FROM cases WHERE id = ? AND"
	    " org_id = ?";
	static const char ins[] = "INSERT INTO legal_holds (org_id, kind,"
	    " target_id, reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, "
	    NOW ")";
	struct audit_event	 ev;
	json_t			*b, *detail;
	const char		*kind;
	long long		 target_id, id;
	char			 target[48];

	if (api_allow(c, ACT_HOLD_MANAGE, NULL, "holds") == -1 ||
	    (b = api_body_shaped(c, hold_body)) == NULL)
		return;
	kind = json_string_value(json_object_get(b, "kind"));
	target_id = json_integer_value(json_object_get(b, "id"));
	/* another organization's person or case does not exist here */
	if (store_run(c->store, NULL, 0, strcmp(kind, "person") == 0 ?
	    person_sql : case_sql, "ii", target_id, c->who.org_id) !=
	    SQLITE_ROW) {
		response_error(c->resp, 422, "unknown_target", strcmp(kind,
		    "person") == 0 ? "the organization has no such person" :
		    "the organization has no such case", "id");
		return;
	}
	snprintf(target, sizeof(target), "%s:%lld", kind, target_id);
	detail = json_pack("{s:O}", "reason", json_object_get(b, "reason"));
	api_audit_event(c, &ev, "hold.place", target, detail);
	if (store_begin(c->store) == -1 || store_run(c->store, NULL, 0, ins, "isiss",
	    c->who.org_id, kind, target_id, json_string_value(
	    json_object_get(b, "reason")), c->actor) != SQLITE_DONE) {
		store_rollback(c->store);
		api_unavailable(c);
		json_decref(detail);
		return;
	}
	id = sqlite3_last_insert_rowid(store_db(c->store));
	if (audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		response_json(c->resp, 201, json_pack("{s:{s:I, s:s, s:I}}",
		    "hold", "id", (json_int_t)id, "kind", kind, "target_id",
		    (json_int_t)target_id));
	json_decref(detail);
}

void
api_holds_lift(struct api_ctx *c)
{
	static const char upd[] = "UPDATE legal_holds SET lifted_by = ?,"
	    " lifted_at = " NOW ", lift_reason = ? WHERE id = ? AND org_id = ?"
	    " AND lifted_at IS NULL";
	static const char exists[] = "SELECT 1 FROM legal_holds WHERE id = ?"
	    " AND org_id = ?";
	struct audit_event	 ev;
	json_t			*b, *detail;
	long long		 id;
	char			 target[48];

	if (api_allow(c, ACT_HOLD_MANAGE, NULL, "holds") == -1)
		return;
	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1 || store_run(c->store, NULL, 0, exists, "ii", id,
	    c->who.org_id) != SQLITE_ROW) {
		response_error(c->resp, 404, "not_found", "no such hold", NULL);
		return;
	}
	if ((b = api_body_shaped(c, lift_body)) == NULL)
		return;
	snprintf(target, sizeof(target), "hold:%lld", id);
	detail = json_pack("{s:O}", "reason", json_object_get(b, "reason"));
	api_audit_event(c, &ev, "hold.lift", target, detail);
	if (store_begin(c->store) == -1 || store_run(c->store, NULL, 0, upd, "ssii",
	    c->actor, json_string_value(json_object_get(b, "reason")), id,
	    c->who.org_id) != SQLITE_DONE) {
		store_rollback(c->store);
		api_unavailable(c);
	} else if (sqlite3_changes(store_db(c->store)) != 1) {
		store_rollback(c->store);
		response_error(c->resp, 409, "refused", "the hold was lifted "
		    "already", NULL);
	} else if (audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		response_json(c->resp, 200, json_pack("{s:{s:I, s:b}}", "hold",
		    "id", (json_int_t)id, "lifted", 1));
	json_decref(detail);
}
