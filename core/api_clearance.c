/*
 * api_clearance: the register of clearances: GET /api/v1/clearances with
 * filters (status, level, site, expiring_before, paging) and GET
 * /api/v1/clearances/{id}. The cso, authority, auditor and screening see
 * the organization's register; a holder sees only their own clearances.
 * Every read is audited.
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"
#include "clearance.h"
#include "org.h"
#include "validate.h"

/* --- the register ---------------------------------------------------------- */

static int
register_scope(struct api_ctx *c, const char **holder)
{
	*holder = NULL;
	if (c->who.roles & (ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUTHORITY) |
	    ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_SCREENING)))
		return 0;
	if ((c->who.roles & ROLE_BIT(ROLE_APPLICANT)) && c->who.username) {
		*holder = c->who.username;	/* a holder sees their own */
		return 0;
	}
	return api_refuse(c, 403, "forbidden", "the register is for the cso, "
	    "authority, auditor and screening", "register not for this role",
	    "clearances");
}

void
api_clearance_list(struct api_ctx *c)
{
	static const char *const statuses[] = { "active", "restricted",
	    "alternative_work", "suspended", "revoked", "expired", "terminated",
	    "transferred", NULL };
	struct clearance_filter	 f = { NULL, NULL, NULL, NULL, NULL, 0, 0,
	    100 };
	const char *const	*s;
	const char		*v;

	if (register_scope(c, &f.holder) == -1)
		return;
	f.status = request_query(c->req, "status");
	f.level = request_query(c->req, "level");
	f.site = request_query(c->req, "site");
	f.expiring_before = request_query(c->req, "expiring_before");
	if (f.status != NULL) {
		for (s = statuses; *s != NULL && strcmp(*s, f.status); s++)
			;
		if (*s == NULL) {
			response_error(c->resp, 400, "bad_request",
			    "no such status", "status");
			return;
		}
	}
	if ((f.level && (*f.level == '\0' || strlen(f.level) > 64)) ||
	    (f.site && !org_slug_valid(f.site))) {
		response_error(c->resp, 400, "bad_request", "bad filter",
		    f.site && !org_slug_valid(f.site) ? "site" : "level");
		return;
	}
	if (f.expiring_before && !validate_date(f.expiring_before)) {
		response_error(c->resp, 400, "bad_request",
		    "expiring_before is a date YYYY-MM-DD", "expiring_before");
		return;
	}
	/* the CSO's queue of restriction reviews that are due (vetctl tick
	 * flags them, REGDOC 5.4.2) */
	if ((v = request_query(c->req, "review_due")) != NULL) {
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
			response_error(c->resp, 400, "bad_request",
			    "review_due is true or false", "review_due");
			return;
		}
		f.review_due = strcmp(v, "true") == 0;
	}
	if ((v = request_query(c->req, "before")) != NULL &&
	    util_parse_ll(v, 1, (long long)1 << 53, &f.before) == -1) {
		response_error(c->resp, 400, "bad_request",
		    "before is a clearance id", "before");
		return;
	}
	if ((v = request_query(c->req, "limit")) != NULL &&
	    util_parse_ll(v, 1, 500, &f.limit) == -1) {
		response_error(c->resp, 400, "bad_request",
		    "limit is a number from 1 to 500", "limit");
		return;
	}
	if (api_audit(c, "register.read", "clearances", NULL) == -1) {
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o}", "clearances",
	    clearance_list(c->store, c->who.org_id, &f)));
}

void
api_clearance_get(struct api_ctx *c)
{
	const char	*holder, *h;
	json_t		*cl;
	long long	 id;
	char		 target[40];

	if (register_scope(c, &holder) == -1)
		return;
	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1 || (cl = clearance_get(c->store, c->who.org_id,
	    id)) == NULL) {
		response_error(c->resp, 404, "not_found", "no such clearance",
		    NULL);
		return;
	}
	h = json_string_value(json_object_get(cl, "holder"));
	if (holder != NULL && (h == NULL || strcmp(h, holder) != 0)) {
		json_decref(cl);
		response_error(c->resp, 404, "not_found", "no such clearance",
		    NULL);
		return;
	}
	snprintf(target, sizeof(target), "clearance:%lld", id);
	if (api_audit(c, "register.read", target, NULL) == -1) {
		json_decref(cl);
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, cl);
}
