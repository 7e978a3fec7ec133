/*
 * api_policy: the organization's rules as the API shows them.
 *
 * GET /api/v1/policy[?site=S] gives the active version, its settings and
 * its workflow (and the last error when a newer version was refused).
 * GET /api/v1/guidelines gives the catalog of the NZSIS adjudicative
 * guidelines A-G that worksheets cite (scripts/guidelines.lua): each
 * guideline with its numbered conditions, then the conduct factors, the
 * patterns and the holder factors, for the worksheet's forms.
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

/* The catalog as the worksheet screen wants it: guidelines in order, each
 * with its items in document order. cat is require("guidelines") as JSON.
 * Returns a new reference, or NULL when the catalog lacks its parts. */
static json_t *
guidelines_json(json_t *cat)
{
	json_t		*letters, *order, *items, *by, *out, *list, *l, *g;
	json_t		*item, *x;
	const char	*letter, *id;
	size_t		 i, k;

	letters = json_object_get(cat, "letters");
	order = json_object_get(cat, "order");
	items = json_object_get(cat, "items");
	by = json_object_get(cat, "guidelines");
	if (!json_is_array(letters) || !json_is_array(order) ||
	    !json_is_object(items) || !json_is_object(by))
		return NULL;
	list = json_array();
	json_array_foreach(letters, i, l) {
		if ((letter = json_string_value(l)) == NULL ||
		    !json_is_object(g = json_object_get(by, letter)))
			continue;
		x = json_array();
		json_array_foreach(order, k, item) {
			if ((id = json_string_value(item)) == NULL ||
			    !json_is_object(item = json_object_get(items, id)) ||
			    !json_equal(json_object_get(item, "guideline"), l))
				continue;
			json_array_append_new(x, json_pack("{s:s, s:O, s:O, s:b}",
			    "id", id, "kind", json_object_get(item, "kind"),
			    "title", json_object_get(item, "title"), "protective",
			    json_is_true(json_object_get(item, "protective"))));
		}
		json_array_append_new(list, json_pack("{s:s, s:O, s:o}", "id",
		    letter, "title", json_object_get(g, "title"), "items", x));
	}
	out = json_pack("{s:o}", "guidelines", list);
	for (i = 0; i < 3; i++) {
		static const char *const keys[] = { "conduct_factors",
		    "patterns", "holder_factors" };
		x = json_object_get(cat, keys[i]);
		json_object_set(out, keys[i], json_is_array(x) ? x :
		    json_array());
	}
	return out;
}

void
api_policy_guidelines(struct api_ctx *c)
{
	struct policy	*p;
	json_t		*cat, *out = NULL;

	if (api_allow(c, ACT_POLICY_READ, NULL, "policy") == -1 ||
	    (p = active(c, NULL)) == NULL)
		return;
	if ((cat = luahost_table(p, "guidelines")) != NULL)
		out = guidelines_json(cat);
	json_decref(cat);
	if (out == NULL) {
		response_error(c->resp, 503, "policy_unavailable",
		    "the guideline catalog could not be read", NULL);
		return;
	}
	response_json(c->resp, 200, out);
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
