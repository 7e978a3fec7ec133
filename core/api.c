/*
 * api: the route table and the dispatch every request goes through, plus
 * the input helpers handlers share.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include "api.h"
#include "log.h"
#include "validate.h"

const struct route api_routes[] = {
	{ "GET",	"/api/v1/health",	api_health,		0 },
	{ "POST",	"/api/v1/session",	api_session_create,	0 },
	{ "DELETE",	"/api/v1/session",	api_session_delete,	ROUTE_AUTH },
	{ "GET",	"/api/v1/me",		api_me,			ROUTE_AUTH },
	{ "GET",	"/api/v1/audit",	api_audit_list,		ROUTE_AUTH },
	{ "GET",	"/api/v1/policy",	api_policy_get,		ROUTE_AUTH },
	{ "GET",	"/api/v1/guidelines",	api_policy_guidelines,	ROUTE_AUTH },
	{ "POST",	"/api/v1/policy/evaluate", api_policy_evaluate,	ROUTE_AUTH },
	{ "POST",	"/api/v1/persons",	api_person_create,	ROUTE_AUTH },
	{ "GET",	"/api/v1/persons/{id}",	api_person_get,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "POST",	"/api/v1/cases",	api_case_open,		ROUTE_AUTH },
	{ "GET",	"/api/v1/cases",	api_case_list,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "GET",	"/api/v1/cases/{id}",	api_case_get,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "PUT",	"/api/v1/cases/{id}/sections/{name}",
	    api_case_section_put, ROUTE_AUTH },
	{ "GET",	"/api/v1/cases/{id}/requirements",
	    api_case_requirements, ROUTE_AUTH },
	{ "GET",	"/api/v1/cases/{id}/transitions",
	    api_case_transitions, ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/transitions",
	    api_case_transition, ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/assignments", api_case_assign,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/cases/{id}/events", api_case_events,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "POST",	"/api/v1/cases/{id}/notices", api_case_notice,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/interviews", api_case_interview,
	    ROUTE_AUTH },
	{ "PUT",	"/api/v1/cases/{id}/worksheet", api_case_worksheet,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/recommendation", api_case_recommend,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/concerns", api_case_concerns,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/response", api_case_response,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/decision", api_case_decide,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/briefing", api_case_briefing,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/clearances",	api_clearance_list,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "GET",	"/api/v1/clearances/{id}", api_clearance_get,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "GET",	"/api/v1/stats/timeliness", api_stats_timeliness,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/clearances/{id}/transfer-package",
	    api_transfer_export, ROUTE_AUTH },
	{ "POST",	"/api/v1/transfers",	api_transfer_import,	ROUTE_AUTH },
	{ "POST",	"/api/v1/appeals",	api_appeals_lodge,	ROUTE_AUTH },
	{ "GET",	"/api/v1/appeals",	api_appeals_list,	ROUTE_AUTH },
	{ "GET",	"/api/v1/appeals/{id}",	api_appeals_get,	ROUTE_AUTH },
	{ "POST",	"/api/v1/appeals/{id}/panel", api_appeals_panel,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/appeals/{id}/requests", api_appeals_request,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/appeals/{id}/submissions",
	    api_appeals_submission, ROUTE_AUTH },
	{ "POST",	"/api/v1/appeals/{id}/decision", api_appeals_decide,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/reports",	api_reports_list,	ROUTE_AUTH },
	{ "GET",	"/api/v1/reports/{id}",	api_reports_get,	ROUTE_AUTH },
	{ "POST",	"/api/v1/reports/{id}/sent", api_reports_sent,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/holds",	api_holds_list,		ROUTE_AUTH },
	{ "POST",	"/api/v1/holds",	api_holds_place,	ROUTE_AUTH },
	{ "POST",	"/api/v1/holds/{id}/lift", api_holds_lift,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/clearances/{id}/events", api_holder_events,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "PUT",	"/api/v1/clearances/{id}/restrictions",
	    api_holder_restrictions, ROUTE_AUTH },
	{ "POST",	"/api/v1/clearances/{id}/suspension",
	    api_holder_suspension, ROUTE_AUTH },
	{ "POST",	"/api/v1/clearances/{id}/reinstatement",
	    api_holder_reinstatement, ROUTE_AUTH },
	{ "POST",	"/api/v1/clearances/{id}/revocation",
	    api_holder_revocation, ROUTE_AUTH },
	{ "POST",	"/api/v1/clearances/{id}/termination",
	    api_holder_termination, ROUTE_AUTH },
	{ "POST",	"/api/v1/cases/{id}/documents", api_documents_upload,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/cases/{id}/documents", api_documents_list,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/appeals/{id}/documents", api_documents_upload,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/appeals/{id}/documents", api_documents_list,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/documents/{id}", api_documents_get,	ROUTE_AUTH },
	{ "GET",	"/api/v1/documents/{id}/meta", api_documents_meta,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/documents/{id}/releases",
	    api_document_changes_release, ROUTE_AUTH },
	{ "POST",	"/api/v1/documents/{id}/releases/{rid}/approval",
	    api_document_changes_approve, ROUTE_AUTH },
	{ "POST",	"/api/v1/documents/{id}/verification",
	    api_document_changes_verify, ROUTE_AUTH },
	{ "POST",	"/api/v1/documents/{id}/translation",
	    api_document_changes_translation, ROUTE_AUTH },
	{ "POST",	"/api/v1/documents/{id}/destruction",
	    api_document_changes_destroy, ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents",	api_incidents_file,	ROUTE_AUTH },
	/* not one read snapshot: a state filter loads the policy, which may
	 * archive its version (a write) */
	{ "GET",	"/api/v1/incidents",	api_incidents_list,	ROUTE_AUTH },
	{ "GET",	"/api/v1/incidents/{id}", api_incidents_get,
	    ROUTE_AUTH | ROUTE_SNAPSHOT },
	{ "GET",	"/api/v1/incidents/{id}/transitions",
	    api_incident_steps_transitions, ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents/{id}/transitions",
	    api_incident_steps_transition, ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents/{id}/inquiry",
	    api_incident_steps_inquiry, ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents/{id}/measures",
	    api_incident_steps_measures, ROUTE_AUTH },
	{ "GET",	"/api/v1/incidents/{id}/report",
	    api_incident_steps_report, ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents/{id}/report/sent",
	    api_incident_steps_report_sent, ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents/{id}/link", api_incident_steps_link,
	    ROUTE_AUTH },
	{ "POST",	"/api/v1/incidents/{id}/documents", api_documents_upload,
	    ROUTE_AUTH },
	{ "GET",	"/api/v1/incidents/{id}/documents", api_documents_list,
	    ROUTE_AUTH },
	{ "GET",	"/metrics",		api_metrics,		0 },
};
const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);

void
api_dispatch(struct api_ctx *c)
{
	struct request_error	e;
	char			allow[64];
	int			rc;

	c->route = api_nroutes;
	rc = request_parse(c->req, &e);
	log_set_rid(c->req->rid);
	response_header(c->resp, "X-Request-Id", c->req->rid);
	if (rc == -1) {
		response_error(c->resp, e.status, e.code, e.message, e.field);
		return;
	}
	switch (router_match(api_routes, api_nroutes, c->req, &c->route,
	    allow, sizeof(allow))) {
	case ROUTER_NOT_FOUND:
		response_error(c->resp, 404, "not_found", "no such resource",
		    NULL);
		return;
	case ROUTER_BAD_METHOD:
		response_header(c->resp, "Allow", allow);
		response_error(c->resp, 405, "method_not_allowed",
		    "this resource does not take that method", NULL);
		return;
	case ROUTER_FOUND:
		break;
	}
	if ((api_routes[c->route].flags & ROUTE_AUTH) &&
	    api_authenticate(c) == -1)
		return;
	if (api_routes[c->route].flags & ROUTE_SNAPSHOT) {
		(void)store_read_begin(c->store);
		api_routes[c->route].fn(c);
		store_read_end(c->store);
	} else
		api_routes[c->route].fn(c);
	if (!c->resp->started) {
		log_error("event=handler_bug route=%s msg=\"no response\"",
		    api_routes[c->route].pattern);
		response_error(c->resp, 500, "internal", "internal error", NULL);
	}
}

void
api_unavailable(struct api_ctx *c)
{
	response_error(c->resp, 503, "unavailable",
	    "the database is unavailable", NULL);
}

void
api_today(struct api_ctx *c, char out[11])
{
	time_t		t = (time_t)c->now;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
api_query(struct api_ctx *c, const char *key, size_t max, const char **out)
{
	const char	*v = request_query(c->req, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (*v == '\0' || strlen(v) > max) {
		response_error(c->resp, 400, "bad_request",
		    "filter value is empty or too long", key);
		return -1;
	}
	*out = v;
	return 0;
}

void
api_shape_error(struct api_ctx *c, const struct vresult *vr)
{
	response_json(c->resp, 400, json_pack("{s:{s:s, s:s, s:s, s:o}}",
	    "error", "code", "bad_request", "message",
	    vr->n ? vr->e[0].message : "the data does not have the right shape",
	    "field", vr->n ? vr->e[0].path : "", "problems",
	    validate_errors_json(vr)));
}

json_t *
api_body_object(struct api_ctx *c)
{
	struct request_error	 e;
	json_t			*j;

	if ((j = request_json(c->req, &e)) == NULL) {
		response_error(c->resp, e.status, e.code, e.message, e.field);
		return NULL;
	}
	if (!json_is_object(j)) {
		response_error(c->resp, 400, "bad_request",
		    "the body must be a JSON object", NULL);
		return NULL;
	}
	return j;
}

int
api_level_known(json_t *settings, const char *level)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(settings, "levels"), i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), level) == 0)
			return 1;
	return 0;
}

json_t *
api_body_shaped(struct api_ctx *c, const struct vfield *fields)
{
	struct vresult	 vr = { .n = 0 };
	json_t		*b;

	if ((b = api_body_object(c)) == NULL)
		return NULL;
	if (validate_object(b, fields, 0, "", &vr) == -1) {
		api_shape_error(c, &vr);
		return NULL;
	}
	return b;
}

const char *
api_username(struct api_ctx *c, const char *u, const char *field)
{
	char	*out;
	size_t	 i, n = strlen(u);

	if (n == 0 || u[0] == ' ' || u[n - 1] == ' ' || strstr(u, "  ") ||
	    strpbrk(u, "\t\r\n") != NULL) {
		response_error(c->resp, 400, "bad_request", "a username has no "
		    "spaces at its ends and none twice in a row", field);
		return NULL;
	}
	out = util_pool_strdup(c->req->pool, u);
	for (i = 0; i < n; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	return out;
}

int
api_string(struct api_ctx *c, json_t *obj, const char *key, int required,
    size_t min, size_t max, const char **out)
{
	json_t		*v = json_object_get(obj, key);
	const char	*s;
	size_t		 len;
	char		 msg[128];

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		snprintf(msg, sizeof(msg), "%s is required", key);
		goto bad;
	}
	if (!json_is_string(v)) {
		snprintf(msg, sizeof(msg), "%s must be a string", key);
		goto bad;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len < min || len > max) {
		snprintf(msg, sizeof(msg), "%s must be %zu to %zu bytes long",
		    key, min, max);
		goto bad;
	}
	*out = s;
	return 0;
bad:
	response_error(c->resp, 400, "bad_request",
	    util_pool_strdup(c->req->pool, msg), key);
	return -1;
}
