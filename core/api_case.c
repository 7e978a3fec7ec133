/*
 * api_case: persons and cases: opening, listing, reading, the sections the
 * applicant and the office fill in, what the policy says is still missing,
 * the workflow's transitions, assignments and the event history.
 *
 * Every handler: parse, check access (tenancy, role, need-to-know), call the
 * domain, audit, answer. A case of another organization is 404. Every read
 * of a person's or case's data is audited, and every change is written
 * with its audit event and case event in one transaction.
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"
#include "case.h"
#include "org.h"
#include "person.h"
#include "section.h"

static const char *const case_kinds[] = { "new", "renewal", "upgrade",
	"transfer_in", "review_for_cause", NULL };

/* The {id} route parameter as a case or person id; 404 when malformed. */
static int
id_param(struct api_ctx *c, long long *id)
{
	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    id) == -1) {
		response_error(c->resp, 404, "not_found", "no such resource",
		    NULL);
		return -1;
	}
	return 0;
}

/*
 * Run change() between BEGIN and COMMIT with an audit event; on failure
 * roll back and answer 503. Returns 0 when committed.
 */
static int
write_audited(struct api_ctx *c, const char *action, const char *target,
    json_t *detail)
{
	struct audit_event	ev;

	api_audit_event(c, &ev, action, target, detail);
	if (audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
		return -1;
	}
	return 0;
}

/* --- persons ------------------------------------------------------------ */

void
api_person_create(struct api_ctx *c)
{
	struct vresult	 vr = { .n = 0 };
	json_t		*body, *data;
	const char	*username = NULL;
	long long	 id;
	char		 target[32];
	enum person_status ps;

	if (api_allow(c, ACT_PERSON_CREATE, NULL, "person") == -1 ||
	    (body = api_body_object(c)) == NULL ||
	    api_string(c, body, "username", 0, 1, AUTH_USERNAME_MAX,
	    &username) == -1 || (username != NULL &&
	    (username = api_username(c, username, "username")) == NULL))
		return;
	data = json_deep_copy(body);
	json_object_del(data, "username");
	if (validate_object(data, section_person_fields, 0, "", &vr) == -1) {
		json_decref(data);
		api_shape_error(c, &vr);
		return;
	}
	if (store_begin(c->store) == -1) {
		json_decref(data);
		api_unavailable(c);
		return;
	}
	ps = person_create(c->store, c->who.org_id, data, username, &id);
	json_decref(data);
	if (ps != PERSON_OK) {
		store_rollback(c->store);
		if (ps == PERSON_EXISTS)
			response_error(c->resp, 409, "conflict", "a person with "
			    "that username exists already", "username");
		else
			api_unavailable(c);
		return;
	}
	snprintf(target, sizeof(target), "person:%lld", id);
	if (write_audited(c, "person.create", target, NULL) == 0)
		response_json(c->resp, 201, person_get(c->store, c->who.org_id,
		    id));
}

void
api_person_get(struct api_ctx *c)
{
	struct access_object	 obj = { 0, NULL, 0, NULL, NULL };
	char			 owner[AUTH_USERNAME_MAX + 1], target[32];
	long long		 id;
	json_t			*p;

	if (id_param(c, &id) == -1)
		return;
	switch (person_username(c->store, c->who.org_id, id, owner,
	    sizeof(owner))) {
	case PERSON_OK:
		break;
	case PERSON_NOT_FOUND:
		response_error(c->resp, 404, "not_found", "no such person",
		    NULL);
		return;
	default:
		api_unavailable(c);
		return;
	}
	snprintf(target, sizeof(target), "person:%lld", id);
	obj.org_id = c->who.org_id;
	obj.owner = owner;
	if (api_allow(c, ACT_PERSON_READ, &obj, target) == -1)
		return;
	if ((p = person_get(c->store, c->who.org_id, id)) == NULL ||
	    api_audit(c, "person.read", target, NULL) == -1) {
		json_decref(p);
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, p);
}

/* --- reading a case ----------------------------------------------------- */

/*
 * Load case {id} and check `act` on it. Fills row and obj. Returns 0, or -1
 * having answered (404 for another organization's or a malformed id).
 */
static int
load_case(struct api_ctx *c, enum access_action act, struct case_row *row,
    struct access_object *obj, char *target, size_t tlen)
{
	long long	id;

	if (id_param(c, &id) == -1)
		return -1;
	switch (case_get(c->store, c->who.org_id, id, row)) {
	case CASE_OK:
		break;
	case CASE_NOT_FOUND:
		response_error(c->resp, 404, "not_found", "no such case", NULL);
		return -1;
	default:
		api_unavailable(c);
		return -1;
	}
	snprintf(target, tlen, "case:%lld", id);
	obj->org_id = row->org_id;
	obj->owner = row->applicant;
	obj->assigned = case_assigned_roles(c->store, id, c->who.username);
	return api_allow(c, act, obj, target);
}

void
api_case_get(struct api_ctx *c)
{
	struct case_row		 row;
	struct access_object	 obj;
	char			 target[32];
	json_t			*out;

	if (load_case(c, ACT_CASE_READ, &row, &obj, target,
	    sizeof(target)) == -1)
		return;
	if (api_audit(c, "case.read", target, NULL) == -1) {
		api_unavailable(c);
		return;
	}
	out = json_pack("{s:o, s:o, s:o, s:o}", "case", case_row_json(&row),
	    "person", person_get(c->store, row.org_id, row.person_id),
	    "sections", case_sections(c->store, row.id), "assignments",
	    case_assignments(c->store, row.id));
	response_json(c->resp, 200, out);
}

void
api_case_events(struct api_ctx *c)
{
	struct case_row		row;
	struct access_object	obj;
	char			target[32];

	if (load_case(c, ACT_CASE_READ, &row, &obj, target,
	    sizeof(target)) == -1)
		return;
	if (api_audit(c, "case.events.read", target, NULL) == -1) {
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o}", "events",
	    case_events(c->store, row.id)));
}

void
api_case_list(struct api_ctx *c)
{
	struct case_filter	 f = { NULL, NULL, NULL, NULL, 0, 50 };
	const char		*v;
	const char *const	*k;
	json_t			*cases;
	int			 scope;

	if (api_allow(c, ACT_CASE_LIST, NULL, "cases") == -1)
		return;
	if (api_query(c, "state", 64, &f.state) == -1 ||
	    api_query(c, "assignee", AUTH_USERNAME_MAX, &f.assignee) == -1 ||
	    api_query(c, "level", 64, &f.level) == -1 ||
	    api_query(c, "kind", 20, &f.kind) == -1)
		return;
	if (f.kind != NULL) {
		for (k = case_kinds; *k != NULL && strcmp(*k, f.kind) != 0; k++)
			;
		if (*k == NULL) {
			response_error(c->resp, 400, "bad_request",
			    "kind is new, renewal, upgrade, transfer_in or "
			    "review_for_cause", "kind");
			return;
		}
	}
	if ((v = request_query(c->req, "before")) != NULL &&
	    util_parse_ll(v, 1, (long long)1 << 53, &f.before) == -1) {
		response_error(c->resp, 400, "bad_request",
		    "before is a case id", "before");
		return;
	}
	if ((v = request_query(c->req, "limit")) != NULL &&
	    util_parse_ll(v, 1, 200, &f.limit) == -1) {
		response_error(c->resp, 400, "bad_request",
		    "limit is a number from 1 to 200", "limit");
		return;
	}
	scope = access_case_scope(&c->who);
	if (api_audit(c, "case.list", "cases", NULL) == -1) {
		api_unavailable(c);
		return;
	}
	cases = case_list(c->store, c->who.org_id, scope == 0 ?
	    CASE_SCOPE_ALL : scope == 1 ? CASE_SCOPE_ASSIGNED : CASE_SCOPE_OWN,
	    c->who.username, &f);
	response_json(c->resp, 200, json_pack("{s:o, s:o}", "cases", cases,
	    "next_before", (long long)json_array_size(cases) == f.limit ?
	    json_object_get(json_array_get(cases, f.limit - 1), "id") ?
	    json_incref(json_object_get(json_array_get(cases, f.limit - 1),
	    "id")) : json_null() : json_null()));
}
