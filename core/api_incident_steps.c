/*
 * api_incident_steps: the cso's handling of an incident (reference 000):
 * the workflow's steps, the written record of the preliminary inquiry
 * (entries never changed; after the final one, corrections only), a
 * breach's cause and corrective measures, the report to the authority
 * (drafted here, nothing above Protected A in it, marked sent by the cso)
 * and the link to a clearance (REGDOC 5.4.3: a review, and alternative
 * work or suspension). Each step is an incident event and audited.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "document.h"
#include "holder.h"
#include "incident.h"
#include "luahost.h"
#include "validate.h"

#define REPORT_CEILING	"Protected A"	/* nothing above goes out */

/* Is the string s in the JSON array (or equal to the string) a? */
static int
listed(json_t *a, const char *s)
{
	json_t	*v;
	size_t	 i;

	if (json_is_string(a))
		return strcmp(json_string_value(a), s) == 0;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* Commit the step: the event (detail borrowed) and its audit record, in
 * the transaction the caller began. 0, or -1 having rolled back. */
static int
commit_step(struct api_ctx *c, const struct incident *inc,
    const char *target, const char *action, const char *type, json_t *detail)
{
	struct audit_event	ev;

	api_audit_event(c, &ev, action, target, detail);
	if (incident_event(c->store, inc->id, c->actor, type, detail) !=
	    INC_OK || audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		return -1;
	}
	return 0;
}

/* commit_step, then answer {key: extra} (taken over), or with the
 * incident when extra is NULL. */
static void
commit(struct api_ctx *c, const struct incident *inc, const char *target,
    const char *action, const char *type, json_t *detail, int status,
    const char *key, json_t *extra)
{
	json_t	*j;

	if (commit_step(c, inc, target, action, type, detail) == -1) {
		json_decref(extra);
		api_unavailable(c);
		return;
	}
	if (extra != NULL) {
		response_json(c->resp, status, json_pack("{s:o}", key, extra));
		return;
	}
	if ((j = incident_json(c->store, inc->id, 1, 1)) == NULL)
		api_unavailable(c);
	else
		response_json(c->resp, status, json_pack("{s:o}", "incident",
		    j));
}

/* In the transaction the caller began: is the incident still open (it
 * may have closed since it was read)? 0, or -1 having rolled back and
 * answered. */
static int
still_open(struct api_ctx *c, const struct incident *inc)
{
	char	state[64];

	if (store_run(c->store, state, sizeof(state), "SELECT state FROM"
	    " incidents WHERE id = ?", "i", inc->id) != SQLITE_ROW) {
		store_rollback(c->store);
		api_unavailable(c);
		return -1;
	}
	if (strcmp(state, "closed") == 0) {
		store_rollback(c->store);
		response_error(c->resp, 409, "refused", "the incident is closed",
		    NULL);
		return -1;
	}
	return 0;
}

/* --- the workflow --------------------------------------------------------- */

/* Transition t of the incident workflow: open to the cso, guard passed?
 * 1, 0 with reason, -1 with err. */
static int
step_ok(struct policy *p, json_t *t, json_t *view, json_t *ctx, char *reason,
    size_t rlen, char *err, size_t elen)
{
	const char	*g = json_string_value(json_object_get(t, "guard"));
	json_t		*args[2] = { view, ctx };
	char		 name[128];
	int		 ok;

	reason[0] = '\0';
	if (!listed(json_object_get(t, "roles"), "cso")) {
		snprintf(reason, rlen, "this step is not the cso's");
		return 0;
	}
	if (g == NULL)
		return 1;
	snprintf(name, sizeof(name), "incidents:%s", g);
	if (luahost_guard(p, name, args, 2, &ok, reason, rlen, err, elen) == -1)
		return -1;
	return ok;
}

void
api_incident_steps_transitions(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	struct policy		*p;
	json_t			*wf, *view, *ctx, *out, *t;
	size_t			 i;
	char			 target[40], today[11], reason[300], err[1024];
	int			 g;

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if ((p = api_case_policy(c, NULL)) == NULL) {
		incident_clear(&inc);
		return;
	}
	api_today(c, today);
	wf = luahost_table(p, "incidents");
	if ((view = incident_view(c->store, inc.id)) == NULL) {
		json_decref(wf);
		incident_clear(&inc);
		api_unavailable(c);
		return;
	}
	ctx = policy_ctx(p, c->org_slug, NULL, today, 0);
	out = json_array();
	json_array_foreach(json_object_get(wf, "transitions"), i, t) {
		if (!listed(json_object_get(t, "from"), inc.state))
			continue;
		g = step_ok(p, t, view, ctx, reason, sizeof(reason), err,
		    sizeof(err));
		json_array_append_new(out, json_pack("{s:O, s:O, s:b, s:s?}",
		    "name", json_object_get(t, "name"), "to",
		    json_object_get(t, "to"), "allowed", g == 1, "reason",
		    g == 1 ? NULL : g == 0 ? reason : err));
	}
	response_json(c->resp, 200, json_pack("{s:s, s:o}", "state", inc.state,
	    "transitions", out));
	json_decref(wf);
	json_decref(view);
	json_decref(ctx);
	incident_clear(&inc);
}

static const struct vfield transition_body[] = {
	{ "name", V_STRING, V_REQUIRED, 1, 64, NULL, NULL, 0, 0 },
	{ "note", V_TEXT, 0, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_incident_steps_transition(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	struct policy		*p;
	json_t			*b, *wf = NULL, *view = NULL, *ctx = NULL, *t = NULL;
	json_t			*x, *detail;
	const char		*name, *to;
	size_t			 i;
	char			 target[40], today[11], reason[300], err[1024];
	long long		 open;
	int			 g;

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if ((b = api_body_shaped(c, transition_body)) == NULL ||
	    (p = api_case_policy(c, NULL)) == NULL)
		goto out;
	name = json_string_value(json_object_get(b, "name"));
	wf = luahost_table(p, "incidents");
	json_array_foreach(json_object_get(wf, "transitions"), i, x)
		if (listed(json_object_get(x, "name"), name) &&
		    listed(json_object_get(x, "from"), inc.state)) {
			t = x;
			break;
		}
	if (t == NULL) {
		response_error(c->resp, 409, "refused", "the incident workflow "
		    "has no such step from this state", "name");
		goto out;
	}
	api_today(c, today);
	if ((view = incident_view(c->store, inc.id)) == NULL) {
		api_unavailable(c);
		goto out;
	}
	ctx = policy_ctx(p, c->org_slug, NULL, today, 0);
	if ((g = step_ok(p, t, view, ctx, reason, sizeof(reason), err,
	    sizeof(err))) != 1) {
		response_error(c->resp, g == 0 ? 409 : 422, g == 0 ? "refused" :
		    "policy_error", util_pool_strdup(c->req->pool, g == 0 ?
		    reason : err), NULL);
		goto out;
	}
	if ((to = json_string_value(json_object_get(t, "to"))) == NULL) {
		response_error(c->resp, 422, "policy_error", "the incident "
		    "workflow's step names no state to go to", "name");
		goto out;
	}
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		goto out;
	}
	/* whatever the policy says: a breach closes with its corrective
	 * measures done or waived (reference 000, the third step); counted
	 * in the transaction, so no measure slips in meanwhile */
	if (strcmp(to, "closed") == 0 && strcmp(inc.type, "security_breach") ==
	    0 && (open = incident_measures_open(c->store, inc.id)) != 0) {
		store_rollback(c->store);
		response_error(c->resp, 409, "refused", open > 0 ? "a breach "
		    "closes once every corrective measure is done or waived" :
		    "the measures could not be read", NULL);
		goto out;
	}
	switch (incident_set_state(c->store, inc.id, inc.state, to,
	    strcmp(to, "closed") == 0)) {
	case INC_OK:
		break;
	case INC_CONFLICT:
		store_rollback(c->store);
		response_error(c->resp, 409, "conflict", "the incident moved on "
		    "meanwhile; read it again", NULL);
		goto out;
	default:
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	detail = json_pack("{s:s, s:s, s:s, s:O?}", "name", name, "from",
	    inc.state, "to", to, "note", json_object_get(b, "note"));
	commit(c, &inc, target, "incident.transition", "transition", detail,
	    200, NULL, NULL);
	json_decref(detail);
out:
	json_decref(wf);
	json_decref(view);
	json_decref(ctx);
	incident_clear(&inc);
}

/* --- the inquiry record and the cause ------------------------------------- */

static const struct vfield inquiry_body[] = {
	{ "what", V_TEXT, 0, 1, 5000, NULL, NULL, 0, 0 },
	{ "spoken_to", V_TEXT, 0, 1, 2000, NULL, NULL, 0, 0 },
	{ "findings", V_TEXT, 0, 1, 10000, NULL, NULL, 0, 0 },
	{ "final", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "corrects", V_INT, 0, 1, (long long)1 << 53, NULL, NULL, 0, 0 },
	{ "cause", V_TEXT, 0, 1, 10000, NULL, NULL, 0, 0 },
	{ "sensitive_material_arranged", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_incident_steps_inquiry(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	json_t			*b, *detail, *entry;
	const char		*what, *cause;
	long long		 id;
	char			 target[40];
	enum incident_status	 st;

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if ((b = api_body_shaped(c, inquiry_body)) == NULL)
		goto out;
	what = json_string_value(json_object_get(b, "what"));
	cause = json_string_value(json_object_get(b, "cause"));
	if ((what == NULL) == (cause == NULL)) {
		response_error(c->resp, 400, "bad_request", "an entry says what "
		    "was done (what), or records a breach's cause (cause)",
		    "what");
		goto out;
	}
	if (strcmp(inc.state, "closed") == 0) {
		response_error(c->resp, 409, "refused", "the incident is closed",
		    NULL);
		goto out;
	}
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		goto out;
	}
	if (still_open(c, &inc) == -1)
		goto out;
	if (cause != NULL) {
		/* reference 000, the second step of a breach */
		st = strcmp(inc.type, "security_breach") != 0 ? INC_CONFLICT :
		    incident_set_cause(c->store, inc.id, cause, c->actor);
		if (st != INC_OK) {
			store_rollback(c->store);
			if (st == INC_CONFLICT)
				response_error(c->resp, 409, "refused", "a cause "
				    "is recorded once, for a breach", "cause");
			else
				api_unavailable(c);
			goto out;
		}
		detail = json_pack("{s:s}", "cause", "recorded");
		commit(c, &inc, target, "incident.cause", "cause_recorded",
		    detail, 200, NULL, NULL);
		json_decref(detail);
		goto out;
	}
	/* the reporter's sensitive material was received through proper
	 * channels: the cso's task is done, and the entry says how */
	if (json_is_true(json_object_get(b, "sensitive_material_arranged")) &&
	    (st = incident_sensitive_arranged(c->store, inc.id)) != INC_OK) {
		store_rollback(c->store);
		if (st == INC_CONFLICT)
			response_error(c->resp, 409, "refused", "no sensitive "
			    "material is waiting to be arranged",
			    "sensitive_material_arranged");
		else
			api_unavailable(c);
		goto out;
	}
	st = incident_inquiry_add(c->store, inc.id, c->actor, what,
	    json_string_value(json_object_get(b, "spoken_to")),
	    json_string_value(json_object_get(b, "findings")),
	    json_is_true(json_object_get(b, "final")),
	    json_integer_value(json_object_get(b, "corrects")), &id);
	if (st != INC_OK) {
		store_rollback(c->store);
		if (st == INC_CONFLICT)
			response_error(c->resp, 409, "refused", "the record is "
			    "final: add a correction naming the entry it "
			    "corrects (corrects), an entry of this record",
			    "corrects");
		else
			api_unavailable(c);
		goto out;
	}
	detail = json_pack("{s:I, s:b}", "entry", (json_int_t)id, "final",
	    json_is_true(json_object_get(b, "final")));
	entry = incident_inquiry_entry(c->store, id);
	commit(c, &inc, target, "incident.inquiry", "inquiry_entry", detail,
	    201, "entry", entry);
	json_decref(detail);
out:
	incident_clear(&inc);
}

/* --- corrective measures -------------------------------------------------- */

static const struct vfield measure_body[] = {
	{ "description", V_TEXT, 0, 1, 2000, NULL, NULL, 0, 0 },
	{ "owner", V_STRING, 0, 1, 256, NULL, NULL, 0, 0 },
	{ "due_on", V_DATE, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "measure_id", V_INT, 0, 1, (long long)1 << 53, NULL, NULL, 0, 0 },
	{ "done_on", V_DATE, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "waived", V_TEXT, 0, 1, 2000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_incident_steps_measures(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	json_t			*b, *detail;
	const char		*desc, *owner, *due, *done, *waived;
	long long		 mid, id;
	char			 target[40], today[11];
	enum incident_status	 st;

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if ((b = api_body_shaped(c, measure_body)) == NULL)
		goto out;
	desc = json_string_value(json_object_get(b, "description"));
	owner = json_string_value(json_object_get(b, "owner"));
	due = json_string_value(json_object_get(b, "due_on"));
	done = json_string_value(json_object_get(b, "done_on"));
	waived = json_string_value(json_object_get(b, "waived"));
	mid = json_integer_value(json_object_get(b, "measure_id"));
	if (mid == 0 ? (desc == NULL || owner == NULL || due == NULL ||
	    done || waived) : (desc || owner || due || (done == NULL) ==
	    (waived == NULL))) {
		response_error(c->resp, 400, "bad_request", "add a measure with "
		    "description, owner and due_on; settle one with measure_id "
		    "and done_on or waived", mid != 0 ? "measure_id" :
		    desc == NULL ? "description" : owner == NULL ? "owner" :
		    due == NULL ? "due_on" : done ? "done_on" : "waived");
		goto out;
	}
	if (strcmp(inc.type, "security_breach") != 0 ||
	    strcmp(inc.state, "closed") == 0) {
		response_error(c->resp, 409, "refused", "corrective measures "
		    "are a breach's, while it is open", NULL);
		goto out;
	}
	api_today(c, today);
	if (done != NULL && strcmp(done, today) > 0) {
		response_error(c->resp, 400, "bad_request", "done_on is in the "
		    "future", "done_on");
		goto out;
	}
	if (owner != NULL && (owner = api_username(c, owner, "owner")) == NULL)
		goto out;
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		goto out;
	}
	if (still_open(c, &inc) == -1)
		goto out;
	st = mid == 0 ? incident_measure_add(c->store, inc.id, desc, owner, due,
	    c->actor, &id) : incident_measure_settle(c->store, inc.id, mid,
	    done, waived);
	if (st != INC_OK) {
		store_rollback(c->store);
		if (st == INC_NOT_FOUND)
			response_error(c->resp, 404, "not_found", "no such "
			    "measure", "measure_id");
		else if (st == INC_CONFLICT)
			response_error(c->resp, 409, "conflict", "the measure is "
			    "already done or waived", "measure_id");
		else
			api_unavailable(c);
		goto out;
	}
	if (mid == 0)
		mid = id;
	detail = json_pack("{s:I, s:s}", "measure", (json_int_t)mid, "status",
	    done ? "done" : waived ? "waived" : "open");
	commit(c, &inc, target, "incident.measure", "measure", detail,
	    desc ? 201 : 200, "measure", incident_measure_json(c->store, mid));
	json_decref(detail);
out:
	incident_clear(&inc);
}

/* --- the report to the authority ------------------------------------------ */

/*
 * The documents of ?attach=ID,ID: each of this incident, none above
 * Protected A. Their list (new reference), or NULL having answered 422.
 */
static json_t *
attachments(struct api_ctx *c, const struct incident *inc)
{
	const struct config_org	*org = config_org_find(c->cfg, c->org_slug);
	const char		*q = request_query(c->req, "attach"), *p;
	struct document		 d;
	json_t			*out = json_array();
	long long		 id;
	char			 one[24];
	size_t			 n;
	int			 limit;

	limit = org != NULL ? config_marking_rank(org, REPORT_CEILING) : -1;
	for (p = q; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		snprintf(one, sizeof(one), "%.*s", (int)(n < 23 ? n : 23), p);
		if (n >= sizeof(one) || util_parse_ll(one, 1, (long long)1 << 53,
		    &id) == -1) {
			response_error(c->resp, 400, "bad_request", "attach is a "
			    "list of document ids separated by commas", "attach");
			goto fail;
		}
		if (document_get(c->store, c->who.org_id, id, &d) !=
		    DOC_OK || strcmp(d.owner_kind, "incident") != 0 ||
		    d.owner_id != inc->id || d.shredded) {
			response_error(c->resp, 422, "invalid", "attach lists "
			    "documents of this incident", "attach");
			goto fail;
		}
		if (org == NULL || config_marking_rank(org, d.classification) <
		    0 || config_marking_rank(org, d.classification) > limit) {
			response_error(c->resp, 422, "invalid", "nothing marked "
			    "above Protected A goes into a report to the "
			    "authority: arrange it through proper channels",
			    "attach");
			goto fail;
		}
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)d.id, "kind", d.kind, "classification",
		    d.classification, "filename", d.filename));
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* Append text to b with HTML's special characters escaped. */
static void
html(struct buf *b, const char *label, json_t *v)
{
	const char	*s = json_is_string(v) ? json_string_value(v) : NULL;
	char		 num[32];

	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		s = num;
	} else if (json_is_boolean(v))
		s = json_is_true(v) ? "yes" : "no";
	util_buf_addf(b, "<dt>%s</dt><dd>", label);
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '<': util_buf_adds(b, "&lt;"); break;
		case '>': util_buf_adds(b, "&gt;"); break;
		case '&': util_buf_adds(b, "&amp;"); break;
		case '"': util_buf_adds(b, "&quot;"); break;
		default: util_buf_add(b, s, 1);
		}
	}
	util_buf_adds(b, "</dd>\n");
}

void
api_incident_steps_report(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	const char		*fmt = request_query(c->req, "format");
	json_t			*j, *att, *r, *v;
	struct buf		 b;
	char			 target[40];
	size_t			 i;

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if (fmt != NULL && strcmp(fmt, "html") != 0 && strcmp(fmt, "json") !=
	    0) {
		response_error(c->resp, 400, "bad_request", "format is json or "
		    "html", "format");
		goto out;
	}
	if ((att = attachments(c, &inc)) == NULL)
		goto out;
	if ((j = incident_json(c->store, inc.id, 0, 0)) == NULL) {
		json_decref(att);
		api_unavailable(c);
		goto out;
	}
	/* the fields the program asks for; never the reporter's name */
	r = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:o, s:O, s:O, s:o}",
	    "incident_id", (json_int_t)inc.id, "type", json_object_get(j,
	    "type"), "when", json_object_get(j, "occurred_on"), "where",
	    json_object_get(j, "location"), "what", json_object_get(j,
	    "description"), "who", json_object_get(j, "involved"),
	    "preliminary_findings", incident_findings(c->store, inc.id),
	    "sensitive_material", json_object_get(j, "sensitive_material"),
	    "reporter_confidential", json_object_get(j, "confidential"),
	    "attachments", att);
	json_decref(j);
	if (api_audit(c, "incident.report", target, NULL) == -1) {
		json_decref(r);
		api_unavailable(c);
		goto out;
	}
	if (fmt == NULL || strcmp(fmt, "json") == 0) {
		response_json(c->resp, 200, json_pack("{s:o}", "report", r));
		goto out;
	}
	util_buf_init(&b);
	util_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\"><title>Security incident report</title></head>"
	    "<body><h1>Security incident report</h1>\n<dl>\n");
	html(&b, "Incident", json_object_get(r, "incident_id"));
	html(&b, "Type", json_object_get(r, "type"));
	html(&b, "When", json_object_get(r, "when"));
	html(&b, "Where", json_object_get(r, "where"));
	html(&b, "What", json_object_get(r, "what"));
	html(&b, "Who", json_object_get(r, "who"));
	json_array_foreach(json_object_get(r, "preliminary_findings"), i, v)
		html(&b, "Preliminary finding", v);
	html(&b, "Sensitive material to provide",
	    json_object_get(r, "sensitive_material"));
	json_array_foreach(json_object_get(r, "attachments"), i, v)
		html(&b, "Attachment", json_object_get(v, "filename"));
	util_buf_adds(&b, "</dl></body></html>\n");
	json_decref(r);
	response_begin(c->resp, 200, "text/html; charset=utf-8");
	response_write(c->resp, b.data, b.len);
	util_buf_free(&b);
out:
	incident_clear(&inc);
}

static const struct vfield sent_body[] = {
	{ "sent_on", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "how", V_STRING, V_REQUIRED, 1, 200, NULL, NULL, 0, 0 },
	{ "reference", V_STRING, 0, 1, 200, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_incident_steps_report_sent(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	json_t			*b, *detail;
	const char		*on;
	char			 target[40], today[11];

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if ((b = api_body_shaped(c, sent_body)) == NULL)
		goto out;
	on = json_string_value(json_object_get(b, "sent_on"));
	api_today(c, today);
	if (strcmp(on, today) > 0) {
		response_error(c->resp, 400, "bad_request", "sent_on is in the "
		    "future", "sent_on");
		goto out;
	}
	if (store_begin(c->store) == -1 || incident_report_sent(c->store,
	    inc.id, on, json_string_value(json_object_get(b, "how")),
	    json_string_value(json_object_get(b, "reference")), c->actor) !=
	    INC_OK) {
		store_rollback(c->store);
		api_unavailable(c);
		goto out;
	}
	detail = json_pack("{s:s, s:O}", "sent_on", on, "how",
	    json_object_get(b, "how"));
	commit(c, &inc, target, "incident.report_sent", "report_sent", detail,
	    200, NULL, NULL);
	json_decref(detail);
out:
	incident_clear(&inc);
}

/* --- the link to a clearance ---------------------------------------------- */

static const char *const link_statuses[] = { "alternative_work",
    "suspended", NULL };
static const struct vfield link_body[] = {
	{ "clearance_id", V_INT, V_REQUIRED, 1, (long long)1 << 53, NULL, NULL,
	    0, 0 },
	{ "open_review", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "status", V_ENUM, 0, 0, 0, link_statuses, NULL, 0, 0 },
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_incident_steps_link(struct api_ctx *c)
{
	struct incident		 inc;
	struct access_incident	 ai;
	struct holder_row	 h;
	json_t			*b, *detail;
	const char		*status, *reason;
	long long		 cl, review = 0;
	char			 target[40];

	if (api_incidents_load(c, ACT_INCIDENT_HANDLE, &inc, &ai, target,
	    sizeof(target)) == -1)
		return;
	if ((b = api_body_shaped(c, link_body)) == NULL)
		goto out;
	cl = json_integer_value(json_object_get(b, "clearance_id"));
	status = json_string_value(json_object_get(b, "status"));
	reason = json_string_value(json_object_get(b, "reason"));
	if (holder_get(c->store, c->who.org_id, cl, &h) != HOLDER_OK) {
		response_error(c->resp, 404, "not_found", "no such clearance",
		    "clearance_id");
		goto out;
	}
	/* REGDOC 5.4.3: the holder's status moves only from in force */
	if (status != NULL && strcmp(h.status, "active") != 0 &&
	    strcmp(h.status, "restricted") != 0) {
		response_error(c->resp, 409, "refused", "the clearance is not in "
		    "force as active or restricted", "status");
		goto out;
	}
	if (status != NULL && !json_is_true(json_object_get(b,
	    "open_review"))) {
		response_error(c->resp, 400, "bad_request", "alternative work or "
		    "suspension comes with a review: set open_review",
		    "open_review");
		goto out;
	}
	if (store_begin(c->store) == -1)
		goto fail;
	detail = json_pack("{s:I, s:s}", "incident", (json_int_t)inc.id,
	    "reason", reason);
	if (holder_event(c->store, cl, c->actor, "incident_linked", detail) ==
	    -1) {
		json_decref(detail);
		goto fail;
	}
	if (json_is_true(json_object_get(b, "open_review")) && ((review =
	    api_incidents_review(c, c->actor, cl, inc.id, status, reason,
	    NULL)) <= 0 ||
	    incident_set_review(c->store, inc.id, review) != INC_OK)) {
		json_decref(detail);
		if (review == 0) {
			store_rollback(c->store);
			response_error(c->resp, 409, "refused", "the clearance "
			    "is no longer in force", "clearance_id");
			goto out;
		}
		goto fail;
	}
	json_object_set_new(detail, "clearance", json_integer(cl));
	if (review > 0)
		json_object_set_new(detail, "review_case", json_integer(review));
	if (incident_set_clearance(c->store, inc.id, cl) != INC_OK ||
	    commit_step(c, &inc, target, "incident.link", "linked", detail) ==
	    -1) {
		json_decref(detail);
		goto fail;
	}
	json_decref(detail);
	if ((detail = incident_json(c->store, inc.id, 1, 1)) == NULL)
		api_unavailable(c);
	else
		response_json(c->resp, 200, json_pack("{s:o, s:o}", "incident",
		    detail, "review_case_id", review > 0 ?
		    json_integer(review) : json_null()));
	goto out;
fail:
	store_rollback(c->store);
	if (!c->resp->started)
		api_unavailable(c);
out:
	incident_clear(&inc);
}
