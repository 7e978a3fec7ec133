/*
 * api_incidents: reports of security incidents, breaches and contacts,
 * and of changes in a screened person's circumstances or behaviour
 * (reference 000; REGDOC-2.12.2 5.4.3, 6.1).
 *   POST /api/v1/incidents                        file a report
 *   GET  /api/v1/incidents, /api/v1/incidents/{id}
 *   GET, POST /api/v1/incidents/{id}/transitions  the incident workflow
 *   POST /api/v1/incidents/{id}/inquiry           the cso's written record
 *   POST /api/v1/incidents/{id}/measures          a breach's measures
 *   GET  /api/v1/incidents/{id}/report            to the authority
 *   POST /api/v1/incidents/{id}/report/sent
 *   POST /api/v1/incidents/{id}/link              to a clearance
 * Who sees a report, and whether they see who made it, is access.c's
 * (a confidential reporter is the cso's to know; anyone named never sees
 * it). The workflow and the triage are the organization's Lua: the
 * incident workflow (incidents.lua) and on_event("incident_reported").
 * What never changes is here: a breach does not close with a measure
 * open, nothing above Protected A goes into a report to the authority.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "case.h"
#include "document.h"
#include "holder.h"
#include "incident.h"
#include "log.h"
#include "luahost.h"
#include "outbox.h"
#include "validate.h"

#define GUIDANCE "Do not put protected or classified information in a " \
	"report. If you have sensitive material to give, say so: the company " \
	"security officer will arrange to receive it through proper channels."

int
api_incidents_load(struct api_ctx *c, enum access_action act,
    struct incident *inc, struct access_incident *ai, char *target,
    size_t tlen)
{
	struct access_object	obj = { .org_id = 0 };
	long long		id;

	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1) {
		response_error(c->resp, 404, "not_found", "no such incident",
		    NULL);
		return -1;
	}
	switch (incident_get(c->store, c->who.org_id, id, inc)) {
	case INC_OK:
		break;
	case INC_NOT_FOUND:
		response_error(c->resp, 404, "not_found", "no such incident",
		    NULL);
		return -1;
	default:
		api_unavailable(c);
		return -1;
	}
	snprintf(target, tlen, "incident:%lld", id);
	ai->reporter = c->who.username != NULL &&
	    strcmp(inc->reporter, c->who.username) == 0;
	ai->subject = c->who.username != NULL && inc->subject[0] &&
	    strcmp(inc->subject, c->who.username) == 0;
	ai->named = incident_names(inc, c->who.username);
	ai->confidential = inc->confidential;
	obj.org_id = inc->org_id;
	obj.incident = ai;
	if (api_allow(c, act, &obj, target) == -1) {
		incident_clear(inc);
		return -1;
	}
	return 0;
}

/*
 * What a report says of the subject's clearance (which one, a review it
 * opened) is for the cso, the authority, the auditor and the subject; not
 * for a third party who reported them.
 */
static void
redact(struct api_ctx *c, json_t *j, int subject)
{
	if (subject || (c->who.roles & (ROLE_BIT(ROLE_CSO) |
	    ROLE_BIT(ROLE_AUTHORITY) | ROLE_BIT(ROLE_AUDITOR))))
		return;
	json_object_set_new(j, "clearance_id", json_null());
	json_object_set_new(j, "review_case_id", json_null());
}

/* --- filing --------------------------------------------------------------- */

/* Is the string s in the array a? */
static int
listed(json_t *a, const char *s)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static const char *const type_values[] = { "security_incident",
    "security_breach", "security_contact", "change_of_circumstances",
    "change_of_behaviour", NULL };
static const char *const circumstance_values[] = { "conviction", "charge",
    "citizenship", "cohabitation", "foreign_travel", "foreign_contact",
    "financial", "other", NULL };
static const struct vfield factor_fields[] = {
	{ "reported_voluntarily", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "truthful", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "sought_help", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "resolved", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};
static const struct vfield file_body[] = {
	{ "type", V_ENUM, V_REQUIRED, 0, 0, type_values, NULL, 0, 0 },
	{ "occurred_on", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "location", V_TEXT, 0, 1, 500, NULL, NULL, 0, 0 },
	{ "description", V_TEXT, V_REQUIRED, 1, 20000, NULL, NULL, 0, 0 },
	{ "involved", V_TEXT, 0, 1, 2000, NULL, NULL, 0, 0 },
	{ "subject", V_STRING, 0, 1, 256, NULL, NULL, 0, 0 },
	{ "named", V_LIST, 0, 0, 20, NULL, NULL, V_STRING, 0 },
	{ "confidential", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "sensitive_material", V_BOOL, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "circumstance", V_ENUM, 0, 0, 0, circumstance_values, NULL, 0, 0 },
	{ "holder_factors", V_OBJECT, 0, 0, 0, NULL, factor_fields, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

/* The subject's clearance in force (any live status), or 0. */
static long long
live_clearance(struct api_ctx *c, const char *username)
{
	char	row[32];

	if (username == NULL || store_run(c->store, row, sizeof(row),
	    "SELECT cl.id FROM clearances cl JOIN persons p ON p.id ="
	    " cl.person_id WHERE cl.org_id = ? AND p.username = ? AND"
	    " cl.status IN ('active', 'restricted', 'alternative_work',"
	    " 'suspended') ORDER BY cl.id DESC LIMIT 1", "is", c->who.org_id,
	    username) != SQLITE_ROW)
		return 0;
	return strtoll(row, NULL, 10);
}

/* REGDOC 5.4.3: see api.h. */
long long
api_incidents_review(struct api_ctx *c, const char *actor, long long cl,
    long long incident, const char *status, const char *reason,
    json_t *factors)
{
	struct holder_row	 h;
	struct policy		*p;
	json_t			*wf, *detail;
	const char		*initial;
	long long		 review = -1;

	if (holder_get(c->store, c->who.org_id, cl, &h) != HOLDER_OK)
		return -1;
	if (!holder_live(h.status))
		return 0;
	/* alternative work or suspension only from in force (5.4.3) */
	if (status != NULL && strcmp(h.status, "active") != 0 &&
	    strcmp(h.status, "restricted") != 0)
		status = NULL;
	if ((p = api_case_policy(c, h.site)) == NULL)
		return -1;
	wf = luahost_table(p, "workflow");
	if ((initial = json_string_value(json_object_get(wf, "initial"))) ==
	    NULL) {
		json_decref(wf);
		return -1;
	}
	detail = json_pack("{s:I, s:s, s:s?, s:O?}", "incident",
	    (json_int_t)incident, "reason", reason ? reason : "incident",
	    "status", status, "holder_factors", factors);
	if (case_open(c->store, h.org_id, h.person_id, h.site_id,
	    "review_for_cause", h.level, initial, actor, &review) !=
	    CASE_OK || case_event(c->store, review, actor, "opened",
	    detail) != CASE_OK || holder_event(c->store, cl, actor,
	    "review_opened", detail) == -1 || (status != NULL &&
	    (holder_set(c->store, cl, status, NULL) == -1 ||
	    holder_event(c->store, cl, actor, status, detail) == -1)))
		review = -1;
	json_decref(detail);
	json_decref(wf);
	return review;
}

/* Carry out the triage's actions on incident id. Inside the transaction.
 * 0 or -1. */
static int
triage(struct api_ctx *c, long long id, long long cl, json_t *factors,
    json_t *actions)
{
	json_t		*a;
	const char	*what, *role, *msg, *status;
	long long	 hours, review;
	size_t		 i;
	char		 to[300], subject[80], dedup[64];

	json_array_foreach(actions, i, a) {
		what = json_string_value(json_object_get(a, "action"));
		if (strcmp(what, "urgent") == 0) {
			hours = json_integer_value(json_object_get(a, "hours"));
			if (hours < 1 || hours > 24 * 365)
				hours = 24;
			if (incident_set_urgent(c->store, id, hours) != INC_OK)
				goto fail;
		} else if (strcmp(what, "open_review") == 0 && cl > 0) {
			status = json_string_value(json_object_get(a,
			    "status"));
			if (status != NULL && strcmp(status,
			    "alternative_work") != 0 && strcmp(status,
			    "suspended") != 0)
				status = NULL;
			if ((review = api_incidents_review(c, "policy", cl, id,
			    status,
			    json_string_value(json_object_get(a, "reason")),
			    factors)) ==
			    -1 || (review > 0 && incident_set_review(c->store,
			    id, review) != INC_OK))
				goto fail;
		} else if (strcmp(what, "notify") == 0) {
			role = json_string_value(json_object_get(a, "role"));
			msg = json_string_value(json_object_get(a, "message"));
			snprintf(to, sizeof(to), "role:%s", role ? role : "cso");
			snprintf(subject, sizeof(subject), "Incident %lld", id);
			snprintf(dedup, sizeof(dedup), "incident:%lld:%zu", id, i);
			if (outbox_add(c->store, c->who.org_id, "notice", to,
			    subject, msg ? msg : subject, dedup) ==
			    OUTBOX_ERROR)
				goto fail;
		}
		if (incident_event(c->store, id, "policy", what, a) != INC_OK)
			goto fail;
	}
	return 0;
fail:
	log_error("event=incident_triage_failed action=%s", log_quote_tmp(what));
	return -1;
}

/* Check the filer may file this report about this subject. 0, or -1
 * having answered. */
static int
file_subject(struct api_ctx *c, json_t *b, const char **subject)
{
	const char	*type = json_string_value(json_object_get(b, "type"));
	const char	*s = json_string_value(json_object_get(b, "subject"));

	*subject = s;
	if (s != NULL && (*subject = api_username(c, s, "subject")) == NULL)
		return -1;
	if (strcmp(type, "change_of_behaviour") == 0 && s == NULL) {
		response_error(c->resp, 400, "bad_request", "a change of "
		    "behaviour is reported about someone: subject is required",
		    "subject");
		return -1;
	}
	if (strcmp(type, "change_of_circumstances") == 0) {
		if (json_object_get(b, "circumstance") == NULL) {
			response_error(c->resp, 400, "bad_request", "circumstance "
			    "is required for a change of circumstances",
			    "circumstance");
			return -1;
		}
		if (s == NULL)
			*subject = c->who.username;	/* a self-report */
		else if (strcmp(*subject, c->who.username) != 0 &&
		    !(c->who.roles & ROLE_BIT(ROLE_CSO)))
			return api_refuse(c, 403, "forbidden", "a change of "
			    "circumstances is reported by the person concerned "
			    "or the cso", "report for someone else", "incidents");
	} else if (json_object_get(b, "circumstance") != NULL) {
		response_error(c->resp, 400, "bad_request", "circumstance is "
		    "for a change of circumstances", "circumstance");
		return -1;
	}
	return 0;
}

void
api_incidents_file(struct api_ctx *c)
{
	struct incident_new	 n;
	struct policy		*p;
	struct audit_event	 ev;
	json_t			*b, *wf = NULL, *view = NULL, *ctx = NULL;
	json_t			*event, *args[3], *actions = NULL, *detail;
	json_t			*named, *v, *out;
	char			 today[11], err[1024], target[40];
	const char		*step = "begin";
	json_t			*audit_detail = NULL;
	long long		 id;
	size_t			 i;

	if (api_allow(c, ACT_INCIDENT_FILE, NULL, "incidents") == -1 ||
	    (b = api_body_shaped(c, file_body)) == NULL)
		return;
	memset(&n, 0, sizeof(n));
	api_today(c, today);
	n.occurred_on = json_string_value(json_object_get(b, "occurred_on"));
	if (strcmp(n.occurred_on, today) > 0) {
		response_error(c->resp, 400, "bad_request", "occurred_on is in "
		    "the future", "occurred_on");
		return;
	}
	if (file_subject(c, b, &n.subject) == -1)
		return;
	/* the names, canonical, once each */
	named = json_array();
	json_array_foreach(json_object_get(b, "named"), i, v) {
		const char *u = api_username(c, json_string_value(v), "named");

		if (u == NULL) {
			json_decref(named);
			return;
		}
		if (!listed(named, u))
			json_array_append_new(named, json_string(u));
	}
	n.org_id = c->who.org_id;
	n.type = json_string_value(json_object_get(b, "type"));
	n.location = json_string_value(json_object_get(b, "location"));
	n.description = json_string_value(json_object_get(b, "description"));
	n.involved = json_string_value(json_object_get(b, "involved"));
	n.reporter = c->who.username;
	n.circumstance = json_string_value(json_object_get(b, "circumstance"));
	n.named = named;
	n.holder_factors = json_object_get(b, "holder_factors");
	n.confidential = json_is_true(json_object_get(b, "confidential"));
	n.sensitive_material = json_is_true(json_object_get(b,
	    "sensitive_material"));
	n.clearance_id = n.subject ? live_clearance(c, n.subject) : 0;

	/* the workflow's first state and the triage, before writing */
	if ((p = api_case_policy(c, NULL)) == NULL)
		goto out;
	wf = luahost_table(p, "incidents");
	if ((n.state = json_string_value(json_object_get(wf, "initial"))) ==
	    NULL) {
		response_error(c->resp, 503, "policy_unavailable", "the policy "
		    "declares no incident workflow", NULL);
		goto out;
	}
	view = json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:b, s:O}", "type",
	    n.type, "state", n.state, "subject", n.subject, "circumstance",
	    n.circumstance, "confidential", n.confidential,
	    "sensitive_material", n.sensitive_material, "named", named);
	ctx = policy_ctx(p, c->org_slug, NULL, today, 0);
	event = json_pack("{s:s, s:{s:s, s:s?, s:b}}", "type",
	    "incident_reported", "data", "incident_type", n.type,
	    "circumstance", n.circumstance, "holder", n.clearance_id > 0);
	args[0] = event;
	args[1] = view;
	args[2] = ctx;
	if (policy_call(p, "on_event", args, 3, &actions, err, sizeof(err)) ==
	    -1) {
		json_decref(event);
		response_error(c->resp, 422, "policy_error",
		    util_pool_strdup(c->req->pool, err), NULL);
		goto out;
	}
	json_decref(event);

	step = "insert";
	if (store_begin(c->store) == -1 || incident_insert(c->store, &n, &id) !=
	    INC_OK)
		goto fail;
	snprintf(target, sizeof(target), "incident:%lld", id);
	/* the audit event borrows audit_detail until it is appended */
	audit_detail = json_pack("{s:s, s:b}", "type", n.type, "confidential",
	    n.confidential);
	api_audit_event(c, &ev, "incident.file", target, audit_detail);
	step = "event";
	if (incident_event(c->store, id, c->actor, "reported", audit_detail) !=
	    INC_OK)
		goto fail;
	/* a holder's change of circumstances joins their clearance's history
	 * whatever the policy makes of it (REGDOC 6.1) */
	if (n.clearance_id > 0 && strcmp(n.type, "change_of_circumstances") ==
	    0) {
		step = "clearance history";
		/* with the holder's factors (reference 002) for whoever
		 * adjudicates a review */
		detail = json_pack("{s:I, s:s, s:O?}", "incident", (json_int_t)id,
		    "circumstance", n.circumstance, "holder_factors",
		    n.holder_factors);
		if (holder_event(c->store, n.clearance_id, c->actor,
		    "change_of_circumstances", detail) == -1) {
			json_decref(detail);
			goto fail;
		}
		json_decref(detail);
	}
	step = "notification";
	if (n.sensitive_material && outbox_add(c->store, c->who.org_id,
	    "notice", "role:cso", "Sensitive material to arrange",
	    "A report says its author has sensitive material to provide: "
	    "arrange to receive it through proper channels.", target) ==
	    OUTBOX_ERROR)
		goto fail;
	step = "triage";
	if (triage(c, id, strcmp(n.type, "change_of_circumstances") == 0 ?
	    n.clearance_id : 0, n.holder_factors, actions) == -1 ||
	    audit_append(c->store, &ev) == -1)
		goto fail;
	/* the answer is read in the transaction: no second snapshot */
	step = "commit";
	if ((out = incident_json(c->store, id, 1, 0)) == NULL)
		goto fail;
	if (store_commit(c->store) == -1) {
		json_decref(out);
		goto fail;
	}
	/* the triage's actions tell of the subject's standing: the cso's */
	redact(c, out, n.subject != NULL && strcmp(n.subject,
	    c->who.username) == 0);
	response_json(c->resp, 201, json_pack("{s:o, s:o, s:s}", "incident",
	    out, "actions", (c->who.roles & ROLE_BIT(ROLE_CSO)) ?
	    json_incref(actions) : json_array(), "guidance", GUIDANCE));
	goto out;
fail:
	store_rollback(c->store);
	log_error("event=incident_file_failed step=%s", step);
	if (!c->resp->started)
		api_unavailable(c);
out:
	json_decref(audit_detail);
	json_decref(named);
	json_decref(wf);
	json_decref(view);
	json_decref(ctx);
	json_decref(actions);
}

/* --- reading -------------------------------------------------------------- */

void
api_incidents_get(struct api_ctx *c)
{
	struct incident		inc;
	struct access_incident	ai;
	char			target[40];
	json_t			*j;

	if (api_incidents_load(c, ACT_INCIDENT_READ, &inc, &ai, target,
	    sizeof(target)) ==
	    -1)
		return;
	if (api_audit(c, "incident.read", target, NULL) == -1 ||
	    (j = incident_json(c->store, inc.id, access_incident_reporter(
	    &c->who, &ai), 1)) == NULL) {
		incident_clear(&inc);
		api_unavailable(c);
		return;
	}
	incident_clear(&inc);
	redact(c, j, ai.subject);
	response_json(c->resp, 200, json_pack("{s:o}", "incident", j));
}

/* Is state one of the incident workflow's? 1, or 0 having answered. */
static int
workflow_state(struct api_ctx *c, const char *state)
{
	struct policy	*p;
	json_t		*wf;
	int		 ok;

	if ((p = api_case_policy(c, NULL)) == NULL)
		return 0;
	wf = luahost_table(p, "incidents");
	ok = listed(json_object_get(wf, "states"), state);
	json_decref(wf);
	if (!ok)
		response_error(c->resp, 400, "bad_request", "no such state in "
		    "the incident workflow", "state");
	return ok;
}

void
api_incidents_list(struct api_ctx *c)
{
	struct access_object	 obj = { .org_id = 0 };
	struct access_incident	 ai;
	struct incident		 inc;
	const char		*type, *state, *urgency, *from, *to, *lim, *why;
	long long		 limit = 100;
	json_t			*ids, *v, *out, *j;
	size_t			 i;

	if (api_query(c, "type", 40, &type) == -1 ||
	    api_query(c, "state", 64, &state) == -1 ||
	    api_query(c, "urgency", 10, &urgency) == -1 ||
	    api_query(c, "from", 10, &from) == -1 ||
	    api_query(c, "to", 10, &to) == -1 ||
	    api_query(c, "limit", 3, &lim) == -1)
		return;
	if (lim != NULL && util_parse_ll(lim, 1, 500, &limit) == -1) {
		response_error(c->resp, 400, "bad_request", "limit is 1 to 500",
		    "limit");
		return;
	}
	if ((from != NULL && !validate_date(from)) || (to != NULL &&
	    !validate_date(to))) {
		response_error(c->resp, 400, "bad_request", "from and to are "
		    "dates, YYYY-MM-DD", from != NULL && !validate_date(from) ?
		    "from" : "to");
		return;
	}
	if (state != NULL && !workflow_state(c, state))
		return;
	if ((type != NULL && !incident_type_valid(type)) || (urgency != NULL &&
	    strcmp(urgency, "normal") != 0 && strcmp(urgency, "urgent") != 0)) {
		response_error(c->resp, 400, "bad_request", type != NULL &&
		    !incident_type_valid(type) ? "no such type" : "urgency is "
		    "normal or urgent", type != NULL && !incident_type_valid(type)
		    ? "type" : "urgency");
		return;
	}
	if (api_audit(c, "incident.list", "incidents", NULL) == -1) {
		api_unavailable(c);
		return;
	}
	/* the limit counts what the caller sees, not what there is */
	ids = incident_ids(c->store, c->who.org_id, type, state, urgency, from,
	    to, (long long)1 << 40);
	out = json_array();
	json_array_foreach(ids, i, v) {
		if ((long long)json_array_size(out) == limit)
			break;
		if (incident_get(c->store, c->who.org_id, json_integer_value(v),
		    &inc) != INC_OK)
			continue;
		ai.reporter = strcmp(inc.reporter, c->who.username ?
		    c->who.username : "") == 0;
		ai.subject = c->who.username && inc.subject[0] &&
		    strcmp(inc.subject, c->who.username) == 0;
		ai.named = incident_names(&inc, c->who.username);
		ai.confidential = inc.confidential;
		obj.org_id = inc.org_id;
		obj.incident = &ai;
		if (access_check(&c->who, ACT_INCIDENT_READ, &obj, &why) ==
		    ACCESS_ALLOW && (j = incident_json(c->store, inc.id,
		    access_incident_reporter(&c->who, &ai), 0)) != NULL) {
			redact(c, j, ai.subject);
			json_array_append_new(out, j);
		}
		incident_clear(&inc);
	}
	json_decref(ids);
	response_json(c->resp, 200, json_pack("{s:o}", "incidents", out));
}
