/*
 * api_policy: the organization's rules as the API shows them.
 *
 * GET /api/v1/policy[?site=S] gives the active version, its settings and
 * its workflow (and the last error when a newer version was refused).
 * POST /api/v1/policy/evaluate runs one function of the active policy on a
 * case the caller supplies ({"function", "case", "worksheet", "event",
 * "site"}): adjudicators and admins use it to see what the rules say about
 * a situation. It stores nothing; the call itself is audited (without the
 * data). A policy that fails, overruns or answers nonsense gives 422
 * policy_error naming the file and line.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include "api.h"
#include "org.h"

/* The site named by the caller (query or body), checked; NULL for none.
 * Returns -1 having answered when it is not one of the org's sites. */
static int
site_arg(struct api_ctx *c, const char *site, const char **out)
{
	*out = NULL;
	if (site == NULL)
		return 0;
	if (!org_slug_valid(site) ||
	    !org_site_exists(c->store, c->who.org_id, site)) {
		response_error(c->resp, 404, "not_found", "no such site", "site");
		return -1;
	}
	*out = site;
	return 0;
}

static struct policy *
active(struct api_ctx *c, const char *site)
{
	struct policy	*p;
	char		 err[1024];

	if ((p = policy_get(c->policies, c->store, c->org_slug, site, c->now,
	    err, sizeof(err))) == NULL)
		response_error(c->resp, 503, "policy_unavailable",
		    util_pool_strdup(c->req->pool, err), NULL);
	return p;
}

void
api_policy_get(struct api_ctx *c)
{
	struct policy	*p;
	const char	*site;
	json_t		*settings, *workflow;

	if (api_allow(c, ACT_POLICY_READ, NULL, "policy") == -1 ||
	    site_arg(c, request_query(c->req, "site"), &site) == -1 ||
	    (p = active(c, site)) == NULL)
		return;
	settings = luahost_table(p, "settings");
	workflow = luahost_table(p, "workflow");
	response_json(c->resp, 200, json_pack("{s:s, s:s?, s:s, s:o, s:o}",
	    "organization", c->org_slug, "site", site, "version",
	    luahost_version(p), "settings", settings ? settings : json_object(),
	    "workflow", workflow ? workflow : json_null()));
}

static const char *const evaluable[] = {
	"adjudicate", "requirements", "interview_triggers", "on_event", NULL
};

void
api_policy_evaluate(struct api_ctx *c)
{
	const struct config_org	 *co;
	struct policy		 *p;
	const char		 *fn, *site, *const *e;
	json_t			 *body, *kase, *ws, *ev, *ctx, *args[3], *r = NULL;
	json_t			 *detail, *empty;
	char			  today[11], err[1024];
	int			  rc;

	if (api_allow(c, ACT_POLICY_EVALUATE, NULL, "policy") == -1 ||
	    (body = api_body_object(c)) == NULL ||
	    api_string(c, body, "function", 1, 1, 32, &fn) == -1 ||
	    api_string(c, body, "site", 0, 1, 63, &site) == -1)
		return;
	for (e = evaluable; *e != NULL && strcmp(*e, fn) != 0; e++)
		;
	if (*e == NULL) {
		response_error(c->resp, 400, "bad_request", "function must be "
		    "adjudicate, requirements, interview_triggers or on_event",
		    "function");
		return;
	}
	kase = json_object_get(body, "case");
	ws = json_object_get(body, "worksheet");
	ev = json_object_get(body, "event");
	if (!json_is_object(kase) || (ws != NULL && !json_is_object(ws)) ||
	    (ev != NULL && !json_is_object(ev))) {
		response_error(c->resp, 400, "bad_request", "case (and worksheet, "
		    "event when given) must be objects",
		    !json_is_object(kase) ? "case" : ws && !json_is_object(ws) ?
		    "worksheet" : "event");
		return;
	}
	if (site_arg(c, site, &site) == -1 || (p = active(c, site)) == NULL)
		return;

	api_today(c, today);
	ctx = policy_ctx(p, c->org_slug, site, today, 0);
	empty = json_object();
	co = config_org_find(c->cfg, c->org_slug);
	if (strcmp(fn, "adjudicate") == 0)
		rc = policy_adjudicate(p, kase, ws ? ws : empty, ctx,
		    co ? co->automation : 0, 0, &r, err, sizeof(err));
	else if (strcmp(fn, "on_event") == 0) {
		args[0] = ev ? ev : empty;
		args[1] = kase;
		args[2] = ctx;
		rc = policy_call(p, fn, args, 3, &r, err, sizeof(err));
	} else {
		args[0] = kase;
		args[1] = ctx;
		rc = policy_call(p, fn, args, 2, &r, err, sizeof(err));
	}
	json_decref(ctx);
	json_decref(empty);

	detail = json_pack("{s:s, s:s, s:b}", "function", fn, "version",
	    luahost_version(p), "ok", rc == 0);
	if (api_audit(c, "policy.evaluate", "policy", detail) == -1) {
		json_decref(detail);
		json_decref(r);
		response_error(c->resp, 503, "unavailable",
		    "the call could not be recorded", NULL);
		return;
	}
	json_decref(detail);
	if (rc == -1) {
		response_error(c->resp, 422, "policy_error",
		    util_pool_strdup(c->req->pool, err), NULL);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:s, s:o}", "version",
	    luahost_version(p), "result", r));
}
