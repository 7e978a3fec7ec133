/*
 * Unit tests of router over a small route table with {param} patterns.
 * Requests are built with request_parse from a method and a URI (or, to
 * test the router alone, from hand-made segments). Covered: exact matches,
 * parameters extracted (decoded, %2F kept inside one), 404 for unknown
 * paths, extra or missing segments and case differences, 405 with an
 * Allow header listing each method of the path once, a small or absent
 * Allow buffer, trailing empty segments and empty segments that must not
 * match a {param}, and the table order (a literal route listed before a
 * {param} route wins, the first of two identical routes wins).
 */
#include <stdarg.h>
#include <string.h>

#include <criterion/criterion.h>

#include "request.h"
#include "router.h"
#include "util.h"

static const struct route routes[] = {
	{ "GET",	"/api/v1/health",			NULL, 0 },	/* 0 */
	{ "GET",	"/api/v1/orgs",				NULL, 0 },	/* 1 */
	{ "POST",	"/api/v1/orgs",				NULL, 0 },	/* 2 */
	{ "GET",	"/api/v1/orgs/new",			NULL, 0 },	/* 3 */
	{ "GET",	"/api/v1/orgs/{org}",			NULL, 0 },	/* 4 */
	{ "DELETE",	"/api/v1/orgs/{org}",			NULL, 0 },	/* 5 */
	{ "PUT",	"/api/v1/orgs/{org}",			NULL, 0 },	/* 6 */
	{ "GET",	"/api/v1/orgs/{org}/sites/{site}",	NULL, 0 },	/* 7 */
	{ "DELETE",	"/api/v1/orgs/{org}/sites/{site}",	NULL, 0 },	/* 8 */
	{ "GET",	"/api/v1/orgs/{org}/sites/{site}",	NULL, 1 },	/* 9 */
	{ "PATCH",	"/api/v1/orgs/{org}/sites/{site}",	NULL, 0 },	/* 10 */
	{ "DELETE",	"/api/v1/orgs/{org}/sites/{site}",	NULL, 1 },	/* 11 */
	{ "GET",	"/",					NULL, 0 },	/* 12 */
	{ "GET",	"/p/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}",	NULL, 0 },	/* 13 */
};

static struct pool *pool;
static struct request req;
static const char *params[4][2];
static char allow[128];
static size_t idx;

static const char *fake_param(void *ctx, const char *name)
{
	size_t i;

	for (i = 0; i < nitems(params); i++)
		if (params[i][0] != NULL && strcmp(params[i][0], name) == 0)
			return params[i][1];
	return NULL;
}

static ssize_t fake_read(void *ctx, char *buf, size_t len)
{
	return 0;
}

static void setup(void)
{
	pool = util_pool_new();
	memset(params, 0, sizeof(params));
	memset(allow, 'X', sizeof(allow));
	idx = 9999;
}

static void teardown(void)
{
	util_pool_free(pool);
}

TestSuite(router, .init = setup, .fini = teardown);

/* Route method + uri through the table. */
static enum router_result route(const char *method, const char *uri)
{
	struct request_error e;

	params[0][0] = "REQUEST_METHOD";
	params[0][1] = method;
	params[1][0] = "REQUEST_URI";
	params[1][1] = uri;
	request_init(&req, pool, fake_param, fake_read, NULL, 1024);
	cr_assert_eq(request_parse(&req, &e), 0, "%s %s: %s", method, uri,
		     e.message);
	return router_match(routes, nitems(routes), &req, &idx, allow,
	    sizeof(allow));
}

/* Route method and the given decoded segments (NULL-terminated). */
static enum router_result route_segs(const char *method, ...)
{
	va_list ap;
	const char *s;

	request_init(&req, pool, fake_param, fake_read, NULL, 1024);
	req.method = method;
	req.segs = util_pool_alloc(pool, 16 * sizeof(char *));
	va_start(ap, method);
	while ((s = va_arg(ap, const char *)) != NULL) {
		cr_assert_lt(req.nsegs, 16);
		req.segs[req.nsegs++] = util_pool_strdup(pool, s);
	}
	va_end(ap);
	return router_match(routes, nitems(routes), &req, &idx, allow,
	    sizeof(allow));
}

static void found(const char *method, const char *uri, size_t want)
{
	enum router_result rr = route(method, uri);

	cr_assert_eq(rr, ROUTER_FOUND, "%s %s: result %d", method, uri, rr);
	cr_assert_eq(idx, want, "%s %s: route %zu, expected %zu", method, uri,
		     idx, want);
}

static void not_found(const char *method, const char *uri)
{
	enum router_result rr = route(method, uri);

	cr_assert_eq(rr, ROUTER_NOT_FOUND, "%s %s: result %d (route %zu)",
		     method, uri, rr, idx);
	cr_assert_str_eq(allow, "", "Allow set for a 404");
}

static void bad_method(const char *method, const char *uri, const char *want)
{
	enum router_result rr = route(method, uri);

	cr_assert_eq(rr, ROUTER_BAD_METHOD, "%s %s: result %d (route %zu)",
		     method, uri, rr, idx);
	cr_assert_str_eq(allow, want, "%s %s", method, uri);
}

/* --- found -------------------------------------------------------------- */

Test(router, exact_match)
{
	found("GET", "/api/v1/health", 0);
	cr_assert_eq(req.nparams, 0);
	cr_assert_null(request_param(&req, "org"));
}

Test(router, exact_match_with_query)
{
	found("GET", "/api/v1/health?verbose=1", 0);
}

Test(router, same_path_by_method)
{
	found("GET", "/api/v1/orgs", 1);
	found("POST", "/api/v1/orgs", 2);
}

Test(router, root)
{
	found("GET", "/", 12);
}

Test(router, one_param)
{
	found("GET", "/api/v1/orgs/acme", 4);
	cr_assert_eq(req.nparams, 1);
	cr_assert_str_eq(request_param(&req, "org"), "acme");
	found("DELETE", "/api/v1/orgs/beta", 5);
	cr_assert_str_eq(request_param(&req, "org"), "beta");
	found("PUT", "/api/v1/orgs/gamma", 6);
}

Test(router, two_params)
{
	found("GET", "/api/v1/orgs/acme/sites/hq", 7);
	cr_assert_eq(req.nparams, 2);
	cr_assert_str_eq(request_param(&req, "org"), "acme");
	cr_assert_str_eq(request_param(&req, "site"), "hq");
	cr_assert_null(request_param(&req, "sites"));
	cr_assert_null(request_param(&req, "{org}"));
}

Test(router, params_are_decoded)
{
	found("GET", "/api/v1/orgs/a%20b/sites/x%2Fy", 7);
	cr_assert_str_eq(request_param(&req, "org"), "a b");
	cr_assert_str_eq(request_param(&req, "site"), "x/y");
}

Test(router, encoded_slash_is_one_param)
{
	found("GET", "/api/v1/orgs/acme%2Fsites%2Fhq", 4);
	cr_assert_str_eq(request_param(&req, "org"), "acme/sites/hq");
}

Test(router, literal_segment_must_match_exactly)
{
	/* "new" is a literal, but a {param} route after it takes the rest */
	found("GET", "/api/v1/orgs/new", 3);
	cr_assert_eq(req.nparams, 0);
	found("GET", "/api/v1/orgs/newer", 4);
	found("GET", "/api/v1/orgs/ne", 4);
}

Test(router, eight_params)
{
	found("GET", "/p/1/2/3/4/5/6/7/8", 13);
	cr_assert_eq(req.nparams, 8);
	cr_assert_str_eq(request_param(&req, "a"), "1");
	cr_assert_str_eq(request_param(&req, "h"), "8");
}

/* --- table order -------------------------------------------------------- */

Test(router, table_order_first_wins)
{
	/* routes 7 and 9 are the same; 8 and 11 too */
	found("GET", "/api/v1/orgs/a/sites/b", 7);
	found("DELETE", "/api/v1/orgs/a/sites/b", 8);
	found("PATCH", "/api/v1/orgs/a/sites/b", 10);
}

Test(router, literal_before_param_wins)
{
	static const struct route t[] = {
		{ "GET", "/x/{id}", NULL, 0 },
		{ "GET", "/x/me", NULL, 0 },
	};

	route("GET", "/x/me");
	cr_assert_eq(router_match(t, nitems(t), &req, &idx, allow,
		     sizeof(allow)), ROUTER_FOUND);
	cr_assert_eq(idx, 0, "the earlier {id} route must win");
	cr_assert_str_eq(request_param(&req, "id"), "me");
}

/* --- not found ---------------------------------------------------------- */

Test(router, unknown_path)
{
	not_found("GET", "/nope");
	not_found("GET", "/api");
	not_found("GET", "/api/v1");
	not_found("GET", "/api/v1/healthz");
	not_found("GET", "/api/v1/healt");
	not_found("GET", "/api/v2/health");
}

Test(router, case_matters)
{
	not_found("GET", "/API/v1/health");
	not_found("GET", "/api/v1/Health");
}

Test(router, extra_segment)
{
	not_found("GET", "/api/v1/health/x");
	not_found("GET", "/api/v1/orgs/acme/sites");
	not_found("GET", "/api/v1/orgs/acme/sites/hq/more");
	not_found("GET", "/api/v1/orgs/acme/other/hq");
}

Test(router, missing_segment)
{
	not_found("GET", "/api/v1/orgs/acme/sites");
	not_found("GET", "/p/1/2/3/4/5/6/7");
}

Test(router, empty_segment_does_not_match_param)
{
	not_found("GET", "/api/v1/orgs//sites/hq");
	not_found("GET", "/api/v1/orgs/acme/sites//");
	cr_assert_eq(req.nparams, 0);
}

Test(router, empty_segment_alone_does_not_match_param)
{
	cr_assert_eq(route_segs("GET", "api", "v1", "orgs", "", NULL),
		     ROUTER_NOT_FOUND, "route %zu", idx);
}

Test(router, trailing_empty_segment_does_not_match)
{
	cr_assert_eq(route_segs("GET", "api", "v1", "health", "", NULL),
		     ROUTER_NOT_FOUND, "route %zu", idx);
	cr_assert_eq(route_segs("GET", "api", "v1", "orgs", "acme", "", NULL),
		     ROUTER_NOT_FOUND, "route %zu", idx);
}

Test(router, hand_made_segments_match)
{
	cr_assert_eq(route_segs("GET", "api", "v1", "orgs", "acme", NULL),
		     ROUTER_FOUND);
	cr_assert_eq(idx, 4);
	cr_assert_str_eq(request_param(&req, "org"), "acme");
	cr_assert_eq(route_segs("GET", NULL), ROUTER_FOUND);
	cr_assert_eq(idx, 12);
}

Test(router, too_many_segments_for_root)
{
	not_found("GET", "/x");
}

/* --- bad method --------------------------------------------------------- */

Test(router, bad_method_allow)
{
	bad_method("PATCH", "/api/v1/orgs", "GET, POST");
	bad_method("POST", "/api/v1/health", "GET");
	bad_method("POST", "/", "GET");
}

Test(router, bad_method_allow_on_param_path)
{
	bad_method("POST", "/api/v1/orgs/acme", "GET, DELETE, PUT");
}

Test(router, allow_lists_each_method_once)
{
	bad_method("POST", "/api/v1/orgs/acme/sites/hq", "GET, DELETE, PATCH");
}

Test(router, allow_merges_literal_and_param_routes)
{
	/* /api/v1/orgs/new is route 3 (GET) and routes 4-6 */
	bad_method("POST", "/api/v1/orgs/new", "GET, DELETE, PUT");
}

Test(router, methods_are_case_sensitive)
{
	bad_method("get", "/api/v1/health", "GET");
}

Test(router, bad_method_sets_no_params)
{
	bad_method("POST", "/api/v1/orgs/acme", "GET, DELETE, PUT");
	cr_assert_eq(req.nparams, 0);
	cr_assert_null(request_param(&req, "org"));
}

Test(router, small_allow_buffer)
{
	char small[12];
	char *guard = small + 8;

	memset(small, 'G', sizeof(small));
	route("POST", "/api/v1/orgs/acme/sites/hq");
	cr_assert_eq(router_match(routes, nitems(routes), &req, &idx, small, 8),
		     ROUTER_BAD_METHOD);
	cr_assert_lt(strlen(small), 8, "Allow not terminated in its buffer");
	cr_assert_eq(strncmp(small, "GET, DE", 7), 0, "%s", small);
	cr_assert_eq(memcmp(guard, "GGGG", 4), 0, "wrote past the buffer");
}

Test(router, no_allow_buffer)
{
	route("PATCH", "/api/v1/orgs");
	cr_assert_eq(router_match(routes, nitems(routes), &req, &idx, NULL, 0),
		     ROUTER_BAD_METHOD);
}

Test(router, empty_table)
{
	route("GET", "/api/v1/health");
	cr_assert_eq(router_match(routes, 0, &req, &idx, allow, sizeof(allow)),
		     ROUTER_NOT_FOUND);
}
