/*
 * api_stats: GET /api/v1/stats/timeliness?from=&to=&level= (stats.h), for
 * the cso, authority, auditor and admin. from and to are dates bounding
 * when the cases were opened; level, one clearance level. The stages are
 * the organization's policy's. Reading the figures is audited.
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"
#include "luahost.h"
#include "stats.h"
#include "validate.h"

void
api_stats_timeliness(struct api_ctx *c)
{
	struct stats_filter	 f;
	struct policy		*p;
	json_t			*settings, *out;
	const char		*bad = NULL;

	if (api_allow(c, ACT_STATS_READ, NULL, "stats") == -1)
		return;
	f.from = request_query(c->req, "from");
	f.to = request_query(c->req, "to");
	f.level = request_query(c->req, "level");
	if (f.from != NULL && !validate_date(f.from))
		bad = "from";
	else if (f.to != NULL && !validate_date(f.to))
		bad = "to";
	else if (f.level != NULL && (f.level[0] == '\0' ||
	    strlen(f.level) > 64))
		bad = "level";
	if (bad != NULL) {
		response_error(c->resp, 400, "bad_request", strcmp(bad,
		    "level") == 0 ? "level is a clearance level" :
		    "from and to are dates YYYY-MM-DD", bad);
		return;
	}
	if (f.from != NULL && f.to != NULL && strcmp(f.from, f.to) >= 0) {
		response_error(c->resp, 400, "bad_request", "from comes before "
		    "to", "to");
		return;
	}
	if ((p = api_case_policy(c, NULL)) == NULL)
		return;
	settings = luahost_table(p, "settings");
	out = stats_timeliness(c->store, c->who.org_id, settings, &f);
	json_decref(settings);
	if (out == NULL || api_audit(c, "stats.read", "stats", NULL) == -1) {
		json_decref(out);
		api_unavailable(c);
		return;
	}
	json_object_set_new(out, "from", f.from ? json_string(f.from) :
	    json_null());
	json_object_set_new(out, "to", f.to ? json_string(f.to) : json_null());
	json_object_set_new(out, "level", f.level ? json_string(f.level) :
	    json_null());
	response_json(c->resp, 200, out);
}
