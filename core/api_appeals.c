/*
 * api_appeals: appeals against a denial or a revocation (REGDOC-2.12.2
 * 11.0). The person concerned lodges one within the policy's appeal_days
 * of the decision; the appeals role names the panel and the date it
 * decides by, asks for information, and decides (upheld or overturned,
 * with reasons); the appellant answers with submissions and sees the
 * process and the status of their own appeal. Overturning a denial takes
 * the case back to decision; overturning a revocation puts the clearance
 * back in force. Every step is an appeal event, audited.
 *   POST /api/v1/appeals                   {"case_id"|"clearance_id", "grounds"}
 *   GET  /api/v1/appeals, /api/v1/appeals/{id}
 *   POST /api/v1/appeals/{id}/panel        {"members": [...], "due_on"}
 *   POST /api/v1/appeals/{id}/requests     {"text", "due_on"}
 *   POST /api/v1/appeals/{id}/submissions  {"text"}
 *   POST /api/v1/appeals/{id}/decision     {"outcome", "reasons"}
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "case.h"
#include "holder.h"
#include "luahost.h"
#include "outbox.h"
#include "validate.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

#define PROCESS "An appeal is heard by a panel of the organization's " \
	"appeals officers who took no part in the decision. The panel may ask " \
	"you for information, and you may send submissions until it decides. " \
	"It upholds the decision or overturns it, with its reasons; an " \
	"overturned denial goes back to decision, an overturned revocation " \
	"puts the clearance back in force (REGDOC-2.12.2 11.0)."

static int
event(struct api_ctx *c, long long id, const char *type, json_t *detail)
{
	static const char sql[] = "INSERT INTO appeal_events (appeal_id, ts,"
	    " actor, type, detail) VALUES (?, " NOW ", ?, ?, ?)";
	struct audit_event	 ev;
	char			*d, target[48], action[48];
	int			 rc;

	if ((d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return -1;
	rc = store_run(c->store, NULL, 0, sql, "isss", id, c->actor, type, d);
	free(d);
	snprintf(target, sizeof(target), "appeal:%lld", id);
	snprintf(action, sizeof(action), "appeal.%s", type);
	api_audit_event(c, &ev, action, target, detail);
	return rc == SQLITE_DONE && audit_append(c->store, &ev) == 0 ? 0 : -1;
}

static const struct vfield lodge_body[] = {
	{ "case_id", V_INT, 0, 1, (long long)1 << 53, NULL, NULL, 0, 0 },
	{ "clearance_id", V_INT, 0, 1, (long long)1 << 53, NULL, NULL, 0, 0 },
	{ "grounds", V_TEXT, V_REQUIRED, 1, 20000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_appeals_lodge(struct api_ctx *c)
{
	/* the decision appealed and whose it is */
	static const char case_sql[] = "SELECT coalesce(p.username, '') ||"
	    " '|' || c.state || '|' || coalesce((SELECT json_extract(s.data,"
	    " '$.decided_on') FROM case_sections s WHERE s.case_id = c.id AND"
	    " s.name = 'decision'), '') FROM cases c JOIN persons p ON p.id ="
	    " c.person_id WHERE c.id = ? AND c.org_id = ?";
	static const char cl_sql[] = "SELECT coalesce(p.username, '') || '|'"
	    " || c.status || '|' || coalesce((SELECT substr(e.ts, 1, 10) FROM"
	    " clearance_events e WHERE e.clearance_id = c.id AND e.type ="
	    " 'revoked' ORDER BY e.id DESC LIMIT 1), '') FROM clearances c"
	    " JOIN persons p ON p.id = c.person_id WHERE c.id = ? AND"
	    " c.org_id = ?";
	static const char open_sql[] = "SELECT 1 FROM appeals WHERE org_id = ?"
	    " AND (case_id = ? OR clearance_id = ?) AND status <> 'decided'";
	static const char ins[] = "INSERT INTO appeals (org_id, case_id,"
	    " clearance_id, appellant, grounds, lodged_on, status) VALUES"
	    " (?, ?, ?, ?, ?, ?, 'lodged')";
	struct policy	*p;
	json_t		*b, *settings, *detail;
	long long	 case_id, cl_id, days, id;
	char		 row[600], *who, *state, *when, last[11], today[11];
	char		 msg[160];
	int		 is_case;

	if ((b = api_body_shaped(c, lodge_body)) == NULL)
		return;
	case_id = json_integer_value(json_object_get(b, "case_id"));
	cl_id = json_integer_value(json_object_get(b, "clearance_id"));
	if ((case_id > 0) == (cl_id > 0)) {
		response_error(c->resp, 400, "bad_request", "name the denied "
		    "case (case_id) or the revoked clearance (clearance_id)",
		    "case_id");
		return;
	}
	is_case = case_id > 0;
	if (store_run(c->store, row, sizeof(row), is_case ? case_sql : cl_sql, "ii",
	    is_case ? case_id : cl_id, c->who.org_id) != SQLITE_ROW) {
		response_error(c->resp, 404, "not_found", is_case ? "no such "
		    "case" : "no such clearance", NULL);
		return;
	}
	who = row;
	state = strchr(who, '|');
	*state++ = '\0';
	when = strchr(state, '|');
	*when++ = '\0';
	/* only the person concerned appeals; anyone else learns nothing */
	if (c->who.username == NULL || strcmp(c->who.username, who) != 0) {
		response_error(c->resp, 404, "not_found", is_case ? "no such "
		    "case" : "no such clearance", NULL);
		return;
	}
	if (strcmp(state, is_case ? "denied" : "revoked") != 0 ||
	    when[0] == '\0') {
		response_error(c->resp, 409, "refused", is_case ? "only a denial "
		    "is appealed" : "only a revocation is appealed", NULL);
		return;
	}
	if ((p = api_case_policy(c, NULL)) == NULL)
		return;
	settings = luahost_table(p, "settings");
	days = json_is_integer(json_object_get(settings, "appeal_days")) ?
	    json_integer_value(json_object_get(settings, "appeal_days")) : 30;
	json_decref(settings);
	util_date_add(when, days, last);
	api_today(c, today);
	if (strcmp(today, last) > 0) {
		snprintf(msg, sizeof(msg), "the period to appeal ended on %s",
		    last);
		response_error(c->resp, 409, "refused", util_pool_strdup(
		    c->req->pool, msg), NULL);
		return;
	}
	if (store_run(c->store, NULL, 0, open_sql, "iii", c->who.org_id, case_id,
	    cl_id) == SQLITE_ROW) {
		response_error(c->resp, 409, "refused", "an appeal of this "
		    "decision is open already", NULL);
		return;
	}
	detail = json_pack("{s:I, s:I, s:I}", "case", (json_int_t)case_id,
	    "clearance", (json_int_t)cl_id, "appeal_days", (json_int_t)days);
	if (store_begin(c->store) == -1 || store_run(c->store, NULL, 0, ins, "iIIsss",
	    c->who.org_id, case_id, cl_id, c->who.username,
	    json_string_value(json_object_get(b, "grounds")), today) !=
	    SQLITE_DONE)
		goto fail;
	id = sqlite3_last_insert_rowid(store_db(c->store));
	snprintf(msg, sizeof(msg), "appeal:%lld:lodged", id);
	if (event(c, id, "lodged", detail) == -1 ||
	    outbox_add(c->store, c->who.org_id, "notice", "role:appeals",
	    "Appeal lodged", "An appeal was lodged; a panel is to be named.",
	    msg) == OUTBOX_ERROR || store_commit(c->store) == -1)
		goto fail;
	json_decref(detail);
	response_json(c->resp, 201, json_pack("{s:{s:I, s:s, s:s, s:s}}",
	    "appeal", "id", (json_int_t)id, "status", "lodged", "lodged_on",
	    today, "process", PROCESS));
	return;
fail:
	json_decref(detail);
	store_rollback(c->store);
	api_unavailable(c);
}

/* --- reading ------------------------------------------------------------ */

#define APPEAL_COLS "SELECT id, case_id, clearance_id, appellant, grounds," \
	" lodged_on, status, panel, due_on, outcome, reasons, decided_on" \
	" FROM appeals"

static json_t *
appeal_row(sqlite3_stmt *s)
{
	json_t	*panel = json_loads((const char *)sqlite3_column_text(s, 7), 0,
	    NULL);

	return json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:s?,"
	    " s:s?, s:s?, s:s?}", "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "case_id", sqlite3_column_type(s, 1) == SQLITE_NULL ? json_null() :
	    json_integer(sqlite3_column_int64(s, 1)),
	    "clearance_id", sqlite3_column_type(s, 2) == SQLITE_NULL ?
	    json_null() : json_integer(sqlite3_column_int64(s, 2)),
	    "appellant", sqlite3_column_text(s, 3),
	    "grounds", sqlite3_column_text(s, 4),
	    "lodged_on", sqlite3_column_text(s, 5),
	    "status", sqlite3_column_text(s, 6),
	    "panel", panel ? panel : json_array(),
	    "due_on", sqlite3_column_text(s, 8),
	    "outcome", sqlite3_column_text(s, 9),
	    "reasons", sqlite3_column_text(s, 10),
	    "decided_on", sqlite3_column_text(s, 11));
}

/* Who may see appeals: the appeals role, the cso and auditor all of the
 * organization's; an applicant their own. NULL appellant: all. 0, or -1
 * having answered 403. */
static int
scope(struct api_ctx *c, const char **appellant)
{
	*appellant = NULL;
	if (c->who.roles & (ROLE_BIT(ROLE_APPEALS) | ROLE_BIT(ROLE_CSO) |
	    ROLE_BIT(ROLE_AUDITOR)))
		return 0;
	if ((c->who.roles & ROLE_BIT(ROLE_APPLICANT)) && c->who.username) {
		*appellant = c->who.username;
		return 0;
	}
	return api_refuse(c, 403, "forbidden", "appeals are for the appeals "
	    "role, the cso, the auditor and the appellant",
	    "appeals not for this role", "appeals");
}

void
api_appeals_list(struct api_ctx *c)
{
	static const char sql[] = APPEAL_COLS " WHERE org_id = ?1 AND"
	    " (?2 IS NULL OR appellant = ?2) ORDER BY id DESC LIMIT 500";
	const char	*appellant;
	sqlite3_stmt	*s;
	json_t		*a;

	if (scope(c, &appellant) == -1)
		return;
	if (api_audit(c, "appeal.list", "appeals", NULL) == -1 ||
	    (s = store_prepare(c->store, sql)) == NULL) {
		api_unavailable(c);
		return;
	}
	sqlite3_bind_int64(s, 1, c->who.org_id);
	if (appellant)
		sqlite3_bind_text(s, 2, appellant, -1, SQLITE_STATIC);
	a = json_array();
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, appeal_row(s));
	store_done(s);
	response_json(c->resp, 200, json_pack("{s:o}", "appeals", a));
}

/* Appeal {id} visible to the caller as JSON (with its events), or NULL
 * having answered 404. */
static json_t *
load(struct api_ctx *c, long long *id, const char *appellant)
{
	static const char sql[] = APPEAL_COLS " WHERE id = ?1 AND org_id = ?2"
	    " AND (?3 IS NULL OR appellant = ?3)";
	static const char ev_sql[] = "SELECT ts, actor, type, detail FROM"
	    " appeal_events WHERE appeal_id = ? ORDER BY id";
	sqlite3_stmt	*s;
	json_t		*a = NULL, *events, *d;

	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    id) == 0 && (s = store_prepare(c->store, sql)) != NULL) {
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_int64(s, 2, c->who.org_id);
		if (appellant)
			sqlite3_bind_text(s, 3, appellant, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			a = appeal_row(s);
		store_done(s);
	}
	if (a == NULL) {
		response_error(c->resp, 404, "not_found", "no such appeal", NULL);
		return NULL;
	}
	events = json_array();
	if ((s = store_prepare(c->store, ev_sql)) != NULL) {
		sqlite3_bind_int64(s, 1, *id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			d = json_loads((const char *)sqlite3_column_text(s, 3), 0,
			    NULL);
			json_array_append_new(events, json_pack("{s:s, s:s, s:s,"
			    " s:o}", "ts", sqlite3_column_text(s, 0), "actor",
			    sqlite3_column_text(s, 1), "type",
			    sqlite3_column_text(s, 2), "detail", d ? d :
			    json_object()));
		}
		store_done(s);
	}
	json_object_set_new(a, "events", events);
	json_object_set_new(a, "process", json_string(PROCESS));
	return a;
}

void
api_appeals_get(struct api_ctx *c)
{
	const char	*appellant;
	long long	 id;
	json_t		*a;
	char		 target[48];

	if (scope(c, &appellant) == -1 || (a = load(c, &id, appellant)) ==
	    NULL)
		return;
	snprintf(target, sizeof(target), "appeal:%lld", id);
	if (api_audit(c, "appeal.read", target, NULL) == -1) {
		json_decref(a);
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o}", "appeal", a));
}

/* --- running it --------------------------------------------------------- */

/* Appeal {id} for a step: run by the appeals role (appellant NULL) or the
 * appellant's own; not decided. Returns it (caller decrefs), or NULL
 * having answered. */
static json_t *
open_appeal(struct api_ctx *c, long long *id, int by_appellant)
{
	json_t	*a;

	if (!by_appellant &&
	    api_allow(c, ACT_APPEAL_RUN, NULL, "appeals") == -1)
		return NULL;
	if (by_appellant && c->who.username == NULL) {
		response_error(c->resp, 404, "not_found", "no such appeal", NULL);
		return NULL;
	}
	if ((a = load(c, id, by_appellant ? c->who.username : NULL)) == NULL)
		return NULL;
	if (strcmp(json_string_value(json_object_get(a, "status")),
	    "decided") == 0) {
		json_decref(a);
		response_error(c->resp, 409, "refused", "the appeal is decided",
		    NULL);
		return NULL;
	}
	return a;
}

/* Commit the step and answer with the appeal as it now is. */
static void
done(struct api_ctx *c, long long id, const char *appellant)
{
	json_t	*a;

	if (store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
		return;
	}
	if ((a = load(c, &id, appellant)) != NULL)
		response_json(c->resp, 200, json_pack("{s:o}", "appeal", a));
}

static const struct vfield panel_body[] = {
	{ "members", V_LIST, V_REQUIRED, 1, 7, NULL, NULL, V_STRING, 0 },
	{ "due_on", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_appeals_panel(struct api_ctx *c)
{
	json_t		*a, *b;
	long long	 id;
	char		*members;

	if ((a = open_appeal(c, &id, 0)) == NULL)
		return;
	json_decref(a);
	if ((b = api_body_shaped(c, panel_body)) == NULL)
		return;
	members = json_dumps(json_object_get(b, "members"), JSON_COMPACT);
	if (store_begin(c->store) == -1 || store_run(c->store, NULL, 0, "UPDATE"
	    " appeals SET panel = ?, due_on = ?, status = 'under_review'"
	    " WHERE id = ?", "ssi", members, json_string_value(
	    json_object_get(b, "due_on")), id) != SQLITE_DONE ||
	    event(c, id, "panel_named", b) == -1) {
		free(members);
		store_rollback(c->store);
		api_unavailable(c);
		return;
	}
	free(members);
	done(c, id, NULL);
}

static const struct vfield request_body[] = {
	{ "text", V_TEXT, V_REQUIRED, 1, 20000, NULL, NULL, 0, 0 },
	{ "due_on", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_appeals_request(struct api_ctx *c)
{
	json_t		*a, *b;
	long long	 id;
	char		 dedup[64];
	const char	*appellant;

	if ((a = open_appeal(c, &id, 0)) == NULL)
		return;
	if ((b = api_body_shaped(c, request_body)) == NULL) {
		json_decref(a);
		return;
	}
	appellant = json_string_value(json_object_get(a, "appellant"));
	snprintf(dedup, sizeof(dedup), "appeal:%lld:request:%lld", id,
	    (long long)json_array_size(json_object_get(a, "events")));
	if (store_begin(c->store) == -1 ||
	    event(c, id, "information_requested", b) == -1 ||
	    outbox_add(c->store, c->who.org_id, "notice", appellant,
	    "Your appeal: information requested", "The appeal panel asks you "
	    "for information; see your appeal.", dedup) == OUTBOX_ERROR) {
		json_decref(a);
		store_rollback(c->store);
		api_unavailable(c);
		return;
	}
	json_decref(a);
	done(c, id, NULL);
}

static const struct vfield submission_body[] = {
	{ "text", V_TEXT, V_REQUIRED, 1, 20000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_appeals_submission(struct api_ctx *c)
{
	json_t		*a, *b;
	long long	 id;

	if ((a = open_appeal(c, &id, 1)) == NULL)
		return;
	json_decref(a);
	if ((b = api_body_shaped(c, submission_body)) == NULL)
		return;
	if (store_begin(c->store) == -1 ||
	    event(c, id, "submission", b) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
		return;
	}
	done(c, id, c->who.username);
}

static const char *const outcomes[] = { "upheld", "overturned", NULL };

static const struct vfield decision_body[] = {
	{ "outcome", V_ENUM, V_REQUIRED, 0, 0, outcomes, NULL, 0, 0 },
	{ "reasons", V_TEXT, V_REQUIRED, 1, 20000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

/* An overturned decision undone: the case back to decision, or the
 * clearance back in force. Inside the transaction. 0 or -1. */
static int
overturn(struct api_ctx *c, json_t *a)
{
	json_t		*kase = json_object_get(a, "case_id");
	json_t		*cl = json_object_get(a, "clearance_id");
	json_t		*detail;
	struct holder_row h;
	int		 rc = -1;

	detail = json_pack("{s:I}", "appeal", (json_int_t)json_integer_value(
	    json_object_get(a, "id")));
	if (json_is_integer(kase)) {
		if (case_set_state(c->store, json_integer_value(kase), "denied",
		    "decision", 0) == CASE_OK && case_event(c->store,
		    json_integer_value(kase), c->actor, "appeal_overturned",
		    detail) == CASE_OK)
			rc = 0;
	} else if (holder_get(c->store, c->who.org_id, json_integer_value(cl),
	    &h) == HOLDER_OK && holder_set(c->store, h.id, h.restricted ?
	    "restricted" : "active", NULL) == 0 && holder_event(c->store, h.id,
	    c->actor, "reinstated_on_appeal", detail) == 0)
		rc = 0;
	json_decref(detail);
	return rc;
}

void
api_appeals_decide(struct api_ctx *c)
{
	json_t		*a, *b;
	long long	 id;
	const char	*outcome;
	char		 today[11], dedup[64];

	if ((a = open_appeal(c, &id, 0)) == NULL)
		return;
	if ((b = api_body_shaped(c, decision_body)) == NULL) {
		json_decref(a);
		return;
	}
	if (json_array_size(json_object_get(a, "panel")) == 0) {
		json_decref(a);
		response_error(c->resp, 409, "refused", "the panel must be named "
		    "before it decides", NULL);
		return;
	}
	outcome = json_string_value(json_object_get(b, "outcome"));
	api_today(c, today);
	snprintf(dedup, sizeof(dedup), "appeal:%lld:decided", id);
	if (store_begin(c->store) == -1 || store_run(c->store, NULL, 0, "UPDATE"
	    " appeals SET status = 'decided', outcome = ?, reasons = ?,"
	    " decided_on = ?, decided_by = ? WHERE id = ?", "ssssi", outcome,
	    json_string_value(json_object_get(b, "reasons")), today, c->actor,
	    id) != SQLITE_DONE || (strcmp(outcome, "overturned") == 0 &&
	    overturn(c, a) == -1) || event(c, id, "decided", b) == -1 ||
	    outbox_add(c->store, c->who.org_id, "decision",
	    json_string_value(json_object_get(a, "appellant")),
	    "Your appeal is decided", "The appeal panel decided your appeal; "
	    "see its reasons.", dedup) == OUTBOX_ERROR) {
		json_decref(a);
		store_rollback(c->store);
		api_unavailable(c);
		return;
	}
	json_decref(a);
	done(c, id, NULL);
}
