/*
 * api_reports: the reports to the regulator (report.h).
 *   GET  /api/v1/reports            cso, authority, auditor
 *   GET  /api/v1/reports/{id}       the same; ?format=html for a printable
 *                                   page
 *   POST /api/v1/reports/{id}/sent  cso: {"sent_on": date, "how": text}
 * Every read and the marking are audited.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "report.h"
#include "validate.h"

static const struct vfield sent_body[] = {
	{ "sent_on", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "how", V_STRING, V_REQUIRED, 1, 200, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_reports_list(struct api_ctx *c)
{
	if (api_allow(c, ACT_REPORT_READ, NULL, "reports") == -1)
		return;
	if (api_audit(c, "report.list", "reports", NULL) == -1) {
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o}", "reports",
	    report_list(c->store, c->who.org_id)));
}

/* Report {id} of the caller's organization, or NULL having answered. */
static json_t *
load(struct api_ctx *c, long long *id, char *target, size_t tlen)
{
	json_t	*r;

	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    id) == -1 || (r = report_get(c->store, c->who.org_id, *id)) ==
	    NULL) {
		response_error(c->resp, 404, "not_found", "no such report", NULL);
		return NULL;
	}
	snprintf(target, tlen, "report:%lld", *id);
	return r;
}

void
api_reports_get(struct api_ctx *c)
{
	const char	*format = request_query(c->req, "format");
	json_t		*r;
	long long	 id;
	char		 target[48], *html;

	if (api_allow(c, ACT_REPORT_READ, NULL, "reports") == -1)
		return;
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0) {
		response_error(c->resp, 400, "bad_request", "format is json or "
		    "html", "format");
		return;
	}
	if ((r = load(c, &id, target, sizeof(target))) == NULL)
		return;
	if (api_audit(c, "report.read", target, NULL) == -1) {
		json_decref(r);
		api_unavailable(c);
		return;
	}
	if (format != NULL && strcmp(format, "html") == 0) {
		html = report_html(r);
		json_decref(r);
		if (response_begin(c->resp, 200, "text/html; charset=utf-8") ==
		    0)
			(void)response_write(c->resp, html, strlen(html));
		free(html);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o}", "report", r));
}

void
api_reports_sent(struct api_ctx *c)
{
	struct audit_event	 ev;
	json_t			*r, *b, *detail;
	long long		 id;
	char			 target[48];
	int			 rc;

	if (api_allow(c, ACT_REPORT_SEND, NULL, "reports") == -1)
		return;
	if ((r = load(c, &id, target, sizeof(target))) == NULL)
		return;
	json_decref(r);
	if ((b = api_body_shaped(c, sent_body)) == NULL)
		return;
	detail = json_pack("{s:O, s:O}", "sent_on", json_object_get(b,
	    "sent_on"), "how", json_object_get(b, "how"));
	api_audit_event(c, &ev, "report.sent", target, detail);
	if (store_begin(c->store) == -1 || (rc = report_mark_sent(c->store,
	    c->who.org_id, id, json_string_value(json_object_get(b,
	    "sent_on")), json_string_value(json_object_get(b, "how")),
	    c->actor)) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else if (rc == 0) {
		store_rollback(c->store);
		response_error(c->resp, 409, "refused", "the report was marked "
		    "sent already", NULL);
	} else if (audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		response_json(c->resp, 200, json_pack("{s:o}", "report",
		    report_get(c->store, c->who.org_id, id)));
	json_decref(detail);
}
