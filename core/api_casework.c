/*
 * api_casework: changing a case: opening it, writing its sections, asking
 * the policy what is missing, moving it through the organization's
 * workflow, and assigning the people who work on it.
 *
 * The workflow is declared in the organization's Lua (workflow.lua) and
 * enforced here: a transition must be declared from the current state, be
 * open to a role the caller holds on this case, and pass its guard; any
 * refusal is 409 with the reason. After a transition the policy's on_event
 * says what follows (hold, release, a deadline, a notice to someone), and
 * vetd carries it out in the same transaction.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include "api.h"
#include "outbox.h"
#include "case.h"
#include "log.h"
#include "org.h"
#include "person.h"
#include "section.h"

#define NOT_FOUND(c, what)	response_error((c)->resp, 404, "not_found", \
				    what, NULL)

/* The active policy of the case's organization and site, or NULL having
 * answered 503. */
struct policy *
api_case_policy(struct api_ctx *c, const char *site)
{
	struct policy	*p;
	char		 err[1024];

	if ((p = policy_get(c->policies, c->store, c->org_slug,
	    site && site[0] ? site : NULL, c->now, err, sizeof(err))) == NULL)
		response_error(c->resp, 503, "policy_unavailable",
		    util_pool_strdup(c->req->pool, err), NULL);
	return p;
}

/* Is the string s in the JSON array (or equal to the string) a? */
static int
listed(json_t *a, const char *s)
{
	size_t	 i;
	json_t	*v;

	if (json_is_string(a))
		return strcmp(json_string_value(a), s) == 0;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* A state list from the settings, or the default. */
static int
state_allowed(json_t *settings, const char *key, const char *const *dflt,
    const char *state)
{
	json_t			*a = json_object_get(settings, key);
	const char *const	*d;

	if (json_is_array(a))
		return listed(a, state);
	for (d = dflt; *d != NULL; d++)
		if (strcmp(*d, state) == 0)
			return 1;
	return 0;
}

static const char *const case_kinds[] = { "new", "renewal", "upgrade",
	"transfer_in", "review_for_cause", NULL };
static const char *const applicant_states[] = { "draft", "returned", NULL };
static const char *const closed_states[] = { "issued", "denied", "withdrawn",
	NULL };

/* Load the case and the caller's roles on it (read access checked). */
int
api_case_load(struct api_ctx *c, struct case_row *row, unsigned *roles, char *target,
    size_t tlen)
{
	struct access_object	obj;
	long long		id;

	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1) {
		NOT_FOUND(c, "no such case");
		return -1;
	}
	switch (case_get(c->store, c->who.org_id, id, row)) {
	case CASE_OK:
		break;
	case CASE_NOT_FOUND:
		NOT_FOUND(c, "no such case");
		return -1;
	default:
		api_unavailable(c);
		return -1;
	}
	snprintf(target, tlen, "case:%lld", id);
	obj.org_id = row->org_id;
	obj.owner = row->applicant;
	obj.assigned = case_assigned_roles(c->store, id, c->who.username);
	if (api_allow(c, ACT_CASE_READ, &obj, target) == -1)
		return -1;
	*roles = access_case_roles(&c->who, &obj);
	return 0;
}

/* --- opening ------------------------------------------------------------- */

void
api_case_open(struct api_ctx *c)
{
	struct policy	*p;
	json_t		*body, *v, *settings = NULL, *wf = NULL, *pos;
	const char	*kind, *level, *site, *const *k;
	const char	*state;
	long long	 person_id, site_id = 0, id;
	char		 owner[AUTH_USERNAME_MAX + 1], target[32];
	struct vresult	 vr = { .n = 0 };
	struct audit_event ev;
	struct case_row	 row;

	if (api_allow(c, ACT_CASE_OPEN, NULL, "cases") == -1 ||
	    (body = api_body_object(c)) == NULL ||
	    api_string(c, body, "kind", 1, 1, 20, &kind) == -1 ||
	    api_string(c, body, "level", 1, 1, 64, &level) == -1 ||
	    api_string(c, body, "site", 0, 1, 63, &site) == -1)
		return;
	json_object_foreach(body, kind, v)	/* unknown fields */
		if (strcmp(kind, "person_id") && strcmp(kind, "kind") &&
		    strcmp(kind, "level") && strcmp(kind, "site") &&
		    strcmp(kind, "position")) {
			response_error(c->resp, 400, "bad_request",
			    "is not a known field", util_pool_strdup(
			    c->req->pool, kind));
			return;
		}
	kind = json_string_value(json_object_get(body, "kind"));
	v = json_object_get(body, "person_id");
	if (!json_is_integer(v) || (person_id = json_integer_value(v)) < 1) {
		response_error(c->resp, 400, "bad_request",
		    "person_id must be the id of a person", "person_id");
		return;
	}
	for (k = case_kinds; *k != NULL && strcmp(*k, kind) != 0; k++)
		;
	if (*k == NULL) {
		response_error(c->resp, 400, "bad_request", "kind is new, "
		    "renewal, upgrade, transfer_in or review_for_cause", "kind");
		return;
	}
	if ((pos = json_object_get(body, "position")) != NULL &&
	    section_validate(section_find("position"), pos, &vr) == -1) {
		response_error(c->resp, 400, "bad_request", vr.e[0].message,
		    util_pool_strdup(c->req->pool, vr.e[0].path));
		return;
	}
	if (site != NULL && (!org_slug_valid(site) ||
	    org_site_id(c->store, c->who.org_id, site, &site_id) != ORG_OK)) {
		response_error(c->resp, 422, "unknown_site",
		    "the organization has no such site", "site");
		return;
	}
	if (person_username(c->store, c->who.org_id, person_id, owner,
	    sizeof(owner)) != PERSON_OK) {
		response_error(c->resp, 422, "unknown_person",
		    "the organization has no such person", "person_id");
		return;
	}
	if ((p = api_case_policy(c, site)) == NULL)
		return;
	settings = luahost_table(p, "settings");
	wf = luahost_table(p, "workflow");
	if (!api_level_known(settings, level)) {
		response_error(c->resp, 422, "unknown_level", "the "
		    "organization's policy has no such clearance level", "level");
		goto out;
	}
	if ((state = json_string_value(json_object_get(wf, "initial"))) ==
	    NULL) {
		response_error(c->resp, 503, "policy_unavailable",
		    "the policy declares no workflow", NULL);
		goto out;
	}
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		goto out;
	}
	if (case_open(c->store, c->who.org_id, person_id, site_id, kind, level,
	    state, c->actor, &id) != CASE_OK ||
	    case_event(c->store, id, c->actor, "opened", body) != CASE_OK ||
	    (pos != NULL && case_section_put(c->store, id, "position", pos, 0,
	    c->actor, &(long long){ 0 }) != CASE_OK)) {
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	snprintf(target, sizeof(target), "case:%lld", id);
	api_audit_event(c, &ev, "case.open", target, NULL);
	if (audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	if (case_get(c->store, c->who.org_id, id, &row) == CASE_OK)
		response_json(c->resp, 201, json_pack("{s:o}", "case",
		    case_row_json(&row)));
	else
		api_unavailable(c);
out:
	json_decref(settings);
	json_decref(wf);
}

/* --- sections -------------------------------------------------------------- */

/*
 * Consent (REGDOC 5.1): the applicant signs parts B and C, the office A, D
 * and E. The signer is whoever writes the part; parts already signed by
 * the other side are kept. Returns the merged data, or NULL having
 * answered 403 for a part the caller may not sign.
 */
static json_t *
consent_merge(struct api_ctx *c, struct case_row *row, json_t *data,
    unsigned roles)
{
	json_t		*old, *parts, *merged, *mparts, *v;
	const char	*k;
	long long	 ver;
	int		 office = (roles & (ROLE_BIT(ROLE_SCREENING) |
	    ROLE_BIT(ROLE_CSO))) != 0;

	old = case_section_get(c->store, row->id, "consent", &ver);
	merged = old ? old : json_pack("{s:{}}", "parts");
	if (!json_is_object(json_object_get(merged, "parts")))
		json_object_set_new(merged, "parts", json_object());
	mparts = json_object_get(merged, "parts");
	parts = json_object_get(data, "parts");
	json_object_foreach(parts, k, v) {
		int own = strcmp(k, "B") == 0 || strcmp(k, "C") == 0;
		if (own ? !(roles & ROLE_BIT(ROLE_APPLICANT)) : !office) {
			json_decref(merged);
			response_error(c->resp, 403, "forbidden", own ?
			    "parts B and C are signed by the applicant" :
			    "parts A, D and E are signed by the office",
			    util_pool_strdup(c->req->pool, own ?
			    (k[0] == 'B' ? "consent.parts.B" : "consent.parts.C") :
			    "consent.parts"));
			return NULL;
		}
		/* signed_by: the side (as the policy contract has it);
		 * signer: who it was */
		v = json_deep_copy(v);
		json_object_set_new(v, "signed_by", json_string(own ? "applicant" :
		    "office"));
		json_object_set_new(v, "signer", json_string(c->who.username ?
		    c->who.username : c->actor));
		json_object_set_new(mparts, k, v);
	}
	return merged;
}

void
api_case_section_put(struct api_ctx *c)
{
	const struct section	*sec;
	struct case_row		 row;
	struct policy		*p;
	struct vresult		 vr = { .n = 0 };
	json_t			*body, *data, *settings, *detail, *stored = NULL;
	json_int_t		 expect;
	const char		*name = request_param(c->req, "name");
	unsigned		 roles;
	long long		 version;
	char			 target[32];
	int			 as_applicant, ok = 0;
	struct audit_event	 ev;

	if ((sec = section_find(name)) == NULL) {
		NOT_FOUND(c, "no such section");
		return;
	}
	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1)
		return;
	if (!(roles & sec->writers) && !((sec->flags & SECTION_APPLICANT) &&
	    (roles & ROLE_BIT(ROLE_APPLICANT)))) {
		api_refuse(c, 403, "forbidden", "your role may not write this "
		    "section", "section not writable by the caller's roles",
		    target);
		return;
	}
	if ((body = api_body_object(c)) == NULL)
		return;
	if (!json_is_integer(json_object_get(body, "version")) ||
	    (expect = json_integer_value(json_object_get(body, "version"))) <
	    0) {
		response_error(c->resp, 400, "bad_request", "version must be the "
		    "section's version as read (0 for a new section)", "version");
		return;
	}
	data = json_object_get(body, "data");
	if (data == NULL || json_object_size(body) != 2) {
		response_error(c->resp, 400, "bad_request",
		    "the body is { \"version\": N, \"data\": ... }", "data");
		return;
	}
	if (section_validate(sec, data, &vr) == -1) {
		api_shape_error(c, &vr);
		return;
	}
	if ((p = api_case_policy(c, row.site)) == NULL)
		return;
	settings = luahost_table(p, "settings");
	as_applicant = !(roles & sec->writers);
	if (as_applicant ? !state_allowed(settings, "applicant_edit_states",
	    applicant_states, row.state) :
	    state_allowed(settings, "closed_states", closed_states, row.state)) {
		json_decref(settings);
		response_error(c->resp, 409, "refused", as_applicant ?
		    "the application can be changed only while it is with the "
		    "applicant" : "the case is closed", NULL);
		return;
	}
	json_decref(settings);
	if (strcmp(sec->name, "consent") == 0) {
		if ((stored = consent_merge(c, &row, data, roles)) == NULL)
			return;
	} else
		stored = json_incref(data);

	detail = json_pack("{s:s}", "section", sec->name);
	api_audit_event(c, &ev, "case.section.write", target, detail);
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		goto out;
	}
	switch (case_section_put(c->store, row.id, sec->name, stored, expect,
	    c->actor, &version)) {
	case CASE_OK:
		break;
	case CASE_CONFLICT:
		store_rollback(c->store);
		response_error(c->resp, 409, "conflict", "the section was changed "
		    "since you read it; read it again", "version");
		goto out;
	default:
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	json_object_set_new(detail, "version", json_integer(version));
	if (case_event(c->store, row.id, c->actor, "section_updated",
	    detail) != CASE_OK || audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	ok = 1;
out:
	if (ok)
		response_json(c->resp, 200, json_pack("{s:s, s:I, s:O}", "name",
		    sec->name, "version", (json_int_t)version, "data", stored));
	json_decref(stored);
	json_decref(detail);
}

/* --- requirements ---------------------------------------------------------- */

void
api_case_requirements(struct api_ctx *c)
{
	struct case_row	 row;
	struct policy	*p;
	json_t		*view, *ctx, *args[2], *r;
	unsigned	 roles;
	char		 target[32], today[11], err[1024];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    (p = api_case_policy(c, row.site)) == NULL)
		return;
	api_today(c, today);
	view = case_policy_view(c->store, &row);
	ctx = policy_ctx(p, c->org_slug, row.site[0] ? row.site : NULL, today,
	    0);
	args[0] = view;
	args[1] = ctx;
	if (policy_call(p, "requirements", args, 2, &r, err, sizeof(err)) ==
	    -1) {
		json_decref(view);
		json_decref(ctx);
		response_error(c->resp, 422, "policy_error",
		    util_pool_strdup(c->req->pool, err), NULL);
		return;
	}
	json_decref(view);
	json_decref(ctx);
	if (api_audit(c, "case.requirements", target, NULL) == -1) {
		json_decref(r);
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:s, s:o}", "version",
	    luahost_version(p), "requirements", r));
}

/* --- transitions ------------------------------------------------------------ */

/* Does the caller hold one of t's roles on this case? */
static int
role_ok(json_t *t, unsigned roles)
{
	json_t	*rs = json_object_get(t, "roles"), *v;
	size_t	 i;
	enum role r;

	json_array_foreach(rs, i, v)
		if (json_is_string(v) &&
		    access_role_parse(json_string_value(v), &r) == 0 &&
		    (roles & ROLE_BIT(r)))
			return 1;
	return 0;
}

/*
 * Run t's guard (if any). 1 allowed, 0 refused (reason set), -1 the guard
 * failed (err set).
 */
static int
guard_ok(struct policy *p, json_t *t, json_t *view, json_t *ctx,
    char *reason, size_t rlen, char *err, size_t elen)
{
	const char	*g = json_string_value(json_object_get(t, "guard"));
	json_t		*args[2] = { view, ctx };
	int		 ok;

	reason[0] = '\0';
	if (g == NULL)
		return 1;
	if (luahost_guard(p, g, args, 2, &ok, reason, rlen, err, elen) == -1)
		return -1;
	return ok;
}

/*
 * Steps with rules of their own, taken only through their endpoints: the
 * generic transitions endpoint refuses them.
 */
static const struct {
	const char	*name;
	const char	*endpoint;
} reserved[] = {
	{ "send_concerns", "concerns" },
	{ "response_received", "response" },
	{ "grant", "decision" },
	{ "deny", "decision" },
	{ "acknowledge_briefing", "briefing" },
};

static const char *const while_held_default[] = { "withdraw", "hold", NULL };

/* The endpoint a reserved step is taken through, or NULL. */
static const char *
reserved_endpoint(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(reserved); i++)
		if (strcmp(reserved[i].name, name) == 0)
			return reserved[i].endpoint;
	return NULL;
}

void
api_case_transitions(struct api_ctx *c)
{
	struct case_row	 row;
	struct policy	*p;
	json_t		*wf, *view, *ctx, *out, *t, *settings;
	const char	*name;
	unsigned	 roles;
	size_t		 i;
	char		 target[32], today[11], reason[300], err[1024];
	int		 g;

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    (p = api_case_policy(c, row.site)) == NULL)
		return;
	wf = luahost_table(p, "workflow");
	api_today(c, today);
	view = case_policy_view(c->store, &row);
	ctx = policy_ctx(p, c->org_slug, row.site[0] ? row.site : NULL, today,
	    0);
	out = json_array();
	settings = luahost_table(p, "settings");
	json_array_foreach(json_object_get(wf, "transitions"), i, t) {
		name = json_string_value(json_object_get(t, "name"));
		if (name == NULL ||
		    !listed(json_object_get(t, "from"), row.state) ||
		    !role_ok(t, roles))
			continue;
		/* the same rules as taking it: a held file first */
		if (row.on_hold && !state_allowed(settings, "while_held",
		    while_held_default, name)) {
			g = 0;
			snprintf(reason, sizeof(reason), "the file is on hold "
			    "until the follow-up is recorded");
		} else
			g = guard_ok(p, t, view, ctx, reason, sizeof(reason), err,
			    sizeof(err));
		json_array_append_new(out, json_pack("{s:s, s:O, s:b, s:s?, s:s?}",
		    "name", name, "to", json_object_get(t, "to"), "allowed",
		    g == 1, "reason", g == 1 ? NULL : g == 0 ? reason : err,
		    "via", reserved_endpoint(name)));
	}
	json_decref(settings);
	json_decref(wf);
	json_decref(view);
	json_decref(ctx);
	response_json(c->resp, 200, json_pack("{s:s, s:o}", "state", row.state,
	    "transitions", out));
}

/*
 * A policy's notify action ({ action = "notify", role = R | user = U,
 * kind = K, message = M }) as a message in the outbox, keyed by the case
 * event just written so that it is queued once. Inside the transaction.
 */
static int
notify_action(struct api_ctx *c, struct case_row *row, json_t *a)
{
	static const char *const kinds[] = { "hold", "decision",
	    "renewal_due", "review_due", "window_closed", NULL };
	const char	*role = json_string_value(json_object_get(a, "role"));
	const char	*user = json_string_value(json_object_get(a, "user"));
	const char	*kind = json_string_value(json_object_get(a, "kind"));
	const char	*msg = json_string_value(json_object_get(a, "message"));
	const char	*const *k;
	enum role	 r;
	char		 to[300], subject[120], dedup[64];

	for (k = kinds; kind != NULL && *k != NULL && strcmp(*k, kind) != 0;
	    k++)
		;
	if (kind == NULL || *k == NULL)
		kind = "notice";
	if (role != NULL && access_role_parse(role, &r) == 0)
		snprintf(to, sizeof(to), "role:%s", role);
	else if (user != NULL && user[0] != '\0' && strlen(user) < 256)
		snprintf(to, sizeof(to), "%s", user);
	else
		snprintf(to, sizeof(to), "role:cso");
	snprintf(subject, sizeof(subject), "Case %lld: %s", row->id, kind);
	snprintf(dedup, sizeof(dedup), "event:%lld",
	    (long long)sqlite3_last_insert_rowid(store_db(c->store)));
	return outbox_add(c->store, row->org_id, kind, to, subject,
	    msg ? msg : subject, dedup) == OUTBOX_ERROR ? -1 : 0;
}

/* Carry out the policy's actions after an event. Inside the transaction. */
static int
apply_actions(struct api_ctx *c, struct case_row *row, json_t *actions,
    const char *today, json_t *settings)
{
	json_t		*a;
	const char	*what;
	size_t		 i;
	long long	 days;
	char		 due[11];
	struct tm	 tm;
	time_t		 t;

	json_array_foreach(actions, i, a) {
		what = json_string_value(json_object_get(a, "action"));
		if (strcmp(what, "hold") == 0) {
			if (case_set_hold(c->store, row->id, 1,
			    json_string_value(json_object_get(a, "reason"))) !=
			    CASE_OK)
				return -1;
		} else if (strcmp(what, "release_hold") == 0) {
			if (case_set_hold(c->store, row->id, 0, NULL) != CASE_OK)
				return -1;
		} else if (strcmp(what, "set_deadline") == 0) {
			days = json_is_integer(json_object_get(a, "days")) ?
			    json_integer_value(json_object_get(a, "days")) :
			    json_integer_value(json_object_get(settings,
			    "response_days"));
			if (days < 1 || days > 3650)
				days = 20;
			memset(&tm, 0, sizeof(tm));
			strptime(today, "%Y-%m-%d", &tm);
			t = timegm(&tm) + days * 86400;
			gmtime_r(&t, &tm);
			strftime(due, sizeof(due), "%Y-%m-%d", &tm);
			if (case_set_response_due(c->store, row->id, due) !=
			    CASE_OK)
				return -1;
		}
		/* Every action, carried out or for later (notify, assign,
		 * flag, open_renewal), is in the case's history. */
		if (case_event(c->store, row->id, "policy", what, a) != CASE_OK)
			return -1;
		if (strcmp(what, "notify") == 0 &&
		    notify_action(c, row, a) == -1)
			return -1;
	}
	return 0;
}

/*
 * Run transition `name` on the case: declared from its state, open to a
 * role the caller holds on it, guard passed; then the state changes, the
 * policy's on_event actions are carried out, and `extra` (when not NULL)
 * makes the endpoint's own writes, all in one transaction with the audit
 * event. Returns 0 having changed the case (nothing answered yet), or -1
 * having answered (409 with the reason for a refusal).
 */

int
api_case_run_transition(struct api_ctx *c, struct case_row *row,
    unsigned roles, const char *name, const char *event_type,
    json_t *event_data,
    int (*extra)(struct api_ctx *, struct case_row *, void *), void *arg,
    json_t **actions_out)
{
	struct policy		*p;
	struct audit_event	 ev;
	json_t			*wf = NULL, *view = NULL, *ctx = NULL, *t = NULL;
	json_t			*x, *detail = NULL, *actions = NULL, *settings = NULL;
	json_t			*args[3], *event, *hist;
	const char		*to;
	size_t			 i;
	char			 target[32], today[11], reason[300], err[1024];
	int			 g, rc = -1;

	if ((p = api_case_policy(c, row->site)) == NULL) {
		json_decref(event_data);
		return -1;
	}
	snprintf(target, sizeof(target), "case:%lld", row->id);
	wf = luahost_table(p, "workflow");
	settings = luahost_table(p, "settings");
	json_array_foreach(json_object_get(wf, "transitions"), i, x)
		if (listed(json_object_get(x, "name"), name) &&
		    listed(json_object_get(x, "from"), row->state)) {
			t = x;
			break;
		}
	if (t == NULL) {
		response_error(c->resp, 409, "refused", util_pool_strdup(
		    c->req->pool, "the workflow has no such transition from "
		    "this state"), "name");
		goto out;
	}
	if (!role_ok(t, roles)) {
		response_error(c->resp, 409, "refused", "this transition is not "
		    "open to your role on this case", "name");
		goto out;
	}
	/* A held file (REGDOC 5.2.6: a NOA - brief) does not move until the
	 * follow-up releases it, but for the steps the policy lists. */
	if (row->on_hold && !state_allowed(settings, "while_held",
	    while_held_default, name)) {
		response_error(c->resp, 409, "refused", "the file is on hold "
		    "until the follow-up is recorded", "name");
		goto out;
	}
	api_today(c, today);
	view = case_policy_view(c->store, row);
	ctx = policy_ctx(p, c->org_slug, row->site[0] ? row->site : NULL,
	    today, 0);
	if ((g = guard_ok(p, t, view, ctx, reason, sizeof(reason), err,
	    sizeof(err))) != 1) {
		response_error(c->resp, g == 0 ? 409 : 422, g == 0 ? "refused" :
		    "policy_error", util_pool_strdup(c->req->pool,
		    g == 0 ? reason : err), NULL);
		goto out;
	}
	to = json_string_value(json_object_get(t, "to"));
	if (event_type == NULL)
		event_type = strcmp(to, "submitted") == 0 ? "submitted" : name;
	event = json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", event_type,
	    "data", "name", name, "from", row->state, "to", to);
	if (event_data != NULL)
		json_object_update(json_object_get(event, "data"), event_data);
	args[0] = event;
	args[1] = view;
	args[2] = ctx;
	if (policy_call(p, "on_event", args, 3, &actions, err,
	    sizeof(err)) == -1) {
		json_decref(event);
		response_error(c->resp, 422, "policy_error",
		    util_pool_strdup(c->req->pool, err), NULL);
		goto out;
	}
	json_decref(event);
	detail = json_pack("{s:s, s:s, s:s}", "name", name, "from", row->state,
	    "to", to);
	api_audit_event(c, &ev, "case.transition", target, detail);
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		goto out;
	}
	switch (case_set_state(c->store, row->id, row->state, to,
	    strcmp(to, "submitted") == 0)) {
	case CASE_OK:
		break;
	case CASE_CONFLICT:
		store_rollback(c->store);
		response_error(c->resp, 409, "conflict", "the case moved on "
		    "meanwhile; read it again", NULL);
		goto out;
	default:
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	/* The case's history also keeps what came with the step (a note of
	 * what is missing, REGDOC 4.4); the audit detail stays free of it. */
	hist = json_deep_copy(detail);
	if (event_data != NULL)
		json_object_update(hist, event_data);
	g = case_event(c->store, row->id, c->actor, "transition", hist) ==
	    CASE_OK ? 0 : -1;
	json_decref(hist);
	if (g == -1 || apply_actions(c, row, actions, today, settings) == -1 ||
	    (extra != NULL && extra(c, row, arg) == -1) ||
	    audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		if (!c->resp->started)
			api_unavailable(c);
		goto out;
	}
	snprintf(row->state, sizeof(row->state), "%s", to);
	if (actions_out != NULL) {
		*actions_out = actions;
		actions = NULL;
	}
	rc = 0;
out:
	json_decref(event_data);
	json_decref(wf);
	json_decref(settings);
	json_decref(view);
	json_decref(ctx);
	json_decref(detail);
	json_decref(actions);
	return rc;
}

/*
 * Record an event that moves no state (a notice, an interview): the
 * policy's on_event({type, data}) is asked what follows, and its actions,
 * `extra`'s writes and the audit event `action` are committed together.
 * Returns 0 (nothing answered yet) or -1 having answered.
 */
int
api_case_run_event(struct api_ctx *c, struct case_row *row, const char *type,
    json_t *data, const char *action,
    int (*extra)(struct api_ctx *, struct case_row *, void *), void *arg,
    json_t **actions_out)
{
	struct policy		*p;
	struct audit_event	 ev;
	json_t			*view, *ctx, *settings, *event, *args[3];
	json_t			*actions = NULL, *detail;
	char			 target[32], today[11], err[1024];
	int			 rc = -1;

	if ((p = api_case_policy(c, row->site)) == NULL)
		return -1;
	snprintf(target, sizeof(target), "case:%lld", row->id);
	api_today(c, today);
	/* The policy sees the case with the new item already in it. */
	view = case_policy_view(c->store, row);
	ctx = policy_ctx(p, c->org_slug, row->site[0] ? row->site : NULL,
	    today, 0);
	settings = luahost_table(p, "settings");
	event = json_pack("{s:s, s:O}", "type", type, "data", data);
	args[0] = event;
	args[1] = view;
	args[2] = ctx;
	if (policy_call(p, "on_event", args, 3, &actions, err, sizeof(err)) ==
	    -1) {
		response_error(c->resp, 422, "policy_error",
		    util_pool_strdup(c->req->pool, err), NULL);
		goto out;
	}
	detail = json_pack("{s:s}", "event", type);
	api_audit_event(c, &ev, action, target, detail);
	if (store_begin(c->store) == -1 ||
	    (extra != NULL && extra(c, row, arg) == -1) ||
	    case_event(c->store, row->id, c->actor, type, data) != CASE_OK ||
	    apply_actions(c, row, actions, today, settings) == -1 ||
	    audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		if (!c->resp->started)
			api_unavailable(c);
		json_decref(detail);
		goto out;
	}
	json_decref(detail);
	if (actions_out != NULL) {
		*actions_out = actions;
		actions = NULL;
	}
	rc = 0;
out:
	json_decref(event);
	json_decref(view);
	json_decref(ctx);
	json_decref(settings);
	json_decref(actions);
	return rc;
}

/* The case as it is now, with the policy's actions, as the answer. */
void
api_case_answer(struct api_ctx *c, long long id, json_t *actions, int status)
{
	struct case_row	row;

	if (case_get(c->store, c->who.org_id, id, &row) == CASE_OK)
		response_json(c->resp, status, json_pack("{s:o, s:o}", "case",
		    case_row_json(&row), "actions", actions ? actions :
		    json_array()));
	else {
		json_decref(actions);
		api_unavailable(c);
	}
}

void
api_case_transition(struct api_ctx *c)
{
	struct case_row	 row;
	json_t		*body, *actions = NULL;
	const char	*name, *via, *note;
	json_t		*data;
	unsigned	 roles;
	char		 target[32], msg[160];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    (body = api_body_object(c)) == NULL ||
	    api_string(c, body, "name", 1, 1, 64, &name) == -1 ||
	    api_string(c, body, "note", 0, 1, 4000, &note) == -1)
		return;
	if (json_object_size(body) != (note ? 2u : 1u)) {
		response_error(c->resp, 400, "bad_request", "the body is "
		    "{ \"name\", \"note\" (optional) }", NULL);
		return;
	}
	if ((via = reserved_endpoint(name)) != NULL) {
		snprintf(msg, sizeof(msg), "this step has rules of its own: POST "
		    "/api/v1/cases/%lld/%s", row.id, via);
		response_error(c->resp, 409, "refused",
		    util_pool_strdup(c->req->pool, msg), "name");
		return;
	}
	data = note ? json_pack("{s:s}", "note", note) : NULL;
	if (api_case_run_transition(c, &row, roles, name, NULL, data, NULL,
	    NULL, &actions) == 0)
		api_case_answer(c, row.id, actions, 200);
}

/* --- assignments ------------------------------------------------------------ */

/*
 * The assignee must hold the role in the directory, in this organization,
 * and must not be the case's own applicant. Returns 0, or -1 having
 * answered (422, or 503 when the directory cannot say).
 */
static int
assignee_ok(struct api_ctx *c, struct case_row *row, const char *role,
    const char *user)
{
	struct auth_identity	id;
	enum role		r;
	char			msg[400];

	if (strcmp(user, row->applicant) == 0) {
		response_error(c->resp, 422, "conflict_of_interest", "the "
		    "applicant cannot work on their own case", "username");
		return -1;
	}
	if (access_role_parse(role, &r) == -1)
		return -1;
	switch (auth_lookup(c->auth, user, &id)) {
	case AUTH_OK:
		if (strcmp(id.org->slug, c->org_slug) == 0 &&
		    (id.roles & ROLE_BIT(r)))
			return 0;
		break;
	case AUTH_UNAVAILABLE:
		response_error(c->resp, 503, "directory_unavailable", "the "
		    "directory cannot be reached to check the assignee", NULL);
		return -1;
	default:
		break;
	}
	snprintf(msg, sizeof(msg), "%s does not hold the %s role in this "
	    "organization", user, role);
	response_error(c->resp, 422, "not_in_role",
	    util_pool_strdup(c->req->pool, msg), "username");
	return -1;
}

void
api_case_assign(struct api_ctx *c)
{
	static const char *const assignable[] = { "screening", "interviewer",
	    "adjudicator", "authority", "appeals", NULL };
	struct case_row		 row;
	struct audit_event	 ev;
	const char *const	*a;
	const char		*role, *user;
	json_t			*body, *detail;
	unsigned		 roles;
	char			 target[32];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    api_allow(c, ACT_CASE_ASSIGN, NULL, target) == -1 ||
	    (body = api_body_object(c)) == NULL ||
	    api_string(c, body, "role", 1, 1, 32, &role) == -1 ||
	    api_string(c, body, "username", 1, 1, AUTH_USERNAME_MAX,
	    &user) == -1 || (user = api_username(c, user, "username")) == NULL)
		return;
	for (a = assignable; *a != NULL && strcmp(*a, role) != 0; a++)
		;
	if (*a == NULL) {
		response_error(c->resp, 400, "bad_request", "role is screening, "
		    "interviewer, adjudicator, authority or appeals", "role");
		return;
	}
	if (json_object_size(body) != 2) {
		response_error(c->resp, 400, "bad_request",
		    "the body is { \"role\", \"username\" }", NULL);
		return;
	}
	if (assignee_ok(c, &row, role, user) == -1)
		return;
	detail = json_pack("{s:s, s:s}", "role", role, "username", user);
	api_audit_event(c, &ev, "case.assign", target, detail);
	if (store_begin(c->store) == -1 ||
	    case_assign(c->store, row.id, role, user, c->actor) != CASE_OK ||
	    case_event(c->store, row.id, c->actor, "assigned", detail) !=
	    CASE_OK || audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	json_decref(detail);
	response_json(c->resp, 200, json_pack("{s:o}", "assignments",
	    case_assignments(c->store, row.id)));
}
