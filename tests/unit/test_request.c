/*
 * Unit tests of request, without a server: FastCGI parameters come from a
 * small name -> value table and the body from a memory buffer that can be
 * handed out in small pieces or fail part way. Covered: method and remote
 * address defaults, the path and its percent-decoded segments (%2F stays
 * inside a segment, encoded NUL and bad escapes refused, empty and
 * trailing segments, depth limit), the query (order kept, first value wins,
 * '+' as space, malformed or too many pairs refused), cookies, the request
 * id (taken when hex, generated otherwise), headers, Content-Length, the
 * streamed body (request_body_read limits) and request_json (content
 * types, size limits with and without Content-Length, invalid JSON,
 * duplicate keys, \u0000, read errors).
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "request.h"
#include "util.h"

/* --- a fake FastCGI connection ----------------------------------------- */

struct fake {
	const char *params[40][2];	/* name, value; NULL-terminated */
	const char *body;
	size_t len;
	size_t off;
	size_t piece;			/* at most this much a read; 0: any */
	long long fail_at;		/* -1 once off reaches this; <0: never */
	int reads;
};

static const char *fake_param(void *ctx, const char *name)
{
	struct fake *f = ctx;
	size_t i;

	for (i = 0; i < nitems(f->params) && f->params[i][0] != NULL; i++)
		if (strcmp(f->params[i][0], name) == 0)
			return f->params[i][1];
	return NULL;
}

static ssize_t fake_read(void *ctx, char *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n;

	f->reads++;
	if (f->fail_at >= 0 && f->off >= (size_t)f->fail_at)
		return -1;
	n = f->len - f->off;
	if (n > len)
		n = len;
	if (f->piece > 0 && n > f->piece)
		n = f->piece;
	if (f->fail_at >= 0 && f->off + n > (size_t)f->fail_at)
		n = (size_t)f->fail_at - f->off;
	memcpy(buf, f->body + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

static struct pool *pool;
static struct request req;
static struct fake fk;
static struct request_error rerr;

static void setup(void)
{
	pool = util_pool_new();
	memset(&fk, 0, sizeof(fk));
	fk.fail_at = -1;
	memset(&rerr, 0, sizeof(rerr));
}

static void teardown(void)
{
	request_end(&req);
	util_pool_free(pool);
}

TestSuite(request, .init = setup, .fini = teardown, .timeout = 30);

static void param(const char *name, const char *value)
{
	size_t i;

	for (i = 0; fk.params[i][0] != NULL; i++)
		;
	cr_assert_lt(i + 1, nitems(fk.params));
	fk.params[i][0] = name;
	fk.params[i][1] = value;
}

static void body(const char *b)
{
	fk.body = b;
	fk.len = strlen(b);
}

/* Initialise req over fk and parse it; returns request_parse's result. */
static int parse(long long max_body)
{
	request_init(&req, pool, fake_param, fake_read, &fk, max_body);
	return request_parse(&req, &rerr);
}

/* Parse a GET of uri, which must succeed. */
static void get(const char *uri)
{
	param("REQUEST_METHOD", "GET");
	param("REQUEST_URI", uri);
	cr_assert_eq(parse(1024), 0, "%s refused: %d %s", uri, rerr.status,
		     rerr.message ? rerr.message : "");
}

/* Parse uri, which must fail with 400 and code. */
static void get_fails(const char *uri, const char *code)
{
	param("REQUEST_URI", uri);
	cr_assert_eq(parse(1024), -1, "%s accepted", uri);
	cr_assert_eq(rerr.status, 400, "%s: status %d", uri, rerr.status);
	cr_assert_str_eq(rerr.code, code, "%s", uri);
	cr_assert_not_null(rerr.message);
	cr_assert_null(rerr.field);
}

/* A JSON POST of b with Content-Length when with_cl is set. */
static void post_json(const char *b, int with_cl, long long max_body)
{
	static char cl[32];

	param("REQUEST_METHOD", "POST");
	param("REQUEST_URI", "/api/v1/session");
	param("CONTENT_TYPE", "application/json");
	if (with_cl) {
		snprintf(cl, sizeof(cl), "%zu", strlen(b));
		param("CONTENT_LENGTH", cl);
	}
	body(b);
	cr_assert_eq(parse(max_body), 0);
}

/* --- basics ------------------------------------------------------------- */

Test(request, init_defaults)
{
	request_init(&req, pool, fake_param, fake_read, &fk, 4096);
	cr_assert_eq(req.content_length, -1);
	cr_assert_eq(req.max_body, 4096);
	cr_assert_eq(req.body_read, 0);
	cr_assert_null(req.json);
	cr_assert_eq(req.pool, pool);
}

Test(request, method_and_remote_addr)
{
	param("REQUEST_METHOD", "DELETE");
	param("REMOTE_ADDR", "127.0.0.1");
	param("REQUEST_URI", "/x");
	cr_assert_eq(parse(1024), 0);
	cr_assert_str_eq(req.method, "DELETE");
	cr_assert_str_eq(req.remote_addr, "127.0.0.1");
}

Test(request, method_and_remote_addr_defaults)
{
	param("REQUEST_URI", "/x");
	cr_assert_eq(parse(1024), 0);
	cr_assert_str_eq(req.method, "GET");
	cr_assert_str_eq(req.remote_addr, "-");
}

Test(request, missing_uri_is_400)
{
	cr_assert_eq(parse(1024), -1);
	cr_assert_eq(rerr.status, 400);
	cr_assert_str_eq(rerr.code, "bad_request");
}

Test(request, uri_not_starting_with_slash_is_400)
{
	get_fails("api/v1/health", "bad_request");
}

Test(request, absolute_form_uri_is_400)
{
	get_fails("http://example.org/api", "bad_request");
}

Test(request, empty_uri_is_400)
{
	get_fails("", "bad_request");
}

/* --- path --------------------------------------------------------------- */

Test(request, path_segments)
{
	get("/api/v1/orgs?x=1");
	cr_assert_str_eq(req.path, "/api/v1/orgs");
	cr_assert_eq(req.nsegs, 3);
	cr_assert_str_eq(req.segs[0], "api");
	cr_assert_str_eq(req.segs[1], "v1");
	cr_assert_str_eq(req.segs[2], "orgs");
}

Test(request, root_has_no_segments)
{
	get("/");
	cr_assert_str_eq(req.path, "/");
	cr_assert_eq(req.nsegs, 0);
}

Test(request, root_with_query_has_no_segments)
{
	get("/?a=b");
	cr_assert_str_eq(req.path, "/");
	cr_assert_eq(req.nsegs, 0);
	cr_assert_str_eq(request_query(&req, "a"), "b");
}

Test(request, segments_are_percent_decoded)
{
	get("/a%20b/caf%C3%A9/x+y/%7e");
	cr_assert_eq(req.nsegs, 4);
	cr_assert_str_eq(req.segs[0], "a b");
	cr_assert_str_eq(req.segs[1], "caf\xc3\xa9");
	cr_assert_str_eq(req.segs[2], "x+y", "'+' is not a space in a path");
	cr_assert_str_eq(req.segs[3], "~");
	cr_assert_str_eq(req.path, "/a%20b/caf%C3%A9/x+y/%7e", "path is raw");
}

Test(request, encoded_slash_stays_in_its_segment)
{
	get("/files/a%2Fb/c%2fd");
	cr_assert_eq(req.nsegs, 3);
	cr_assert_str_eq(req.segs[0], "files");
	cr_assert_str_eq(req.segs[1], "a/b");
	cr_assert_str_eq(req.segs[2], "c/d");
}

Test(request, encoded_nul_in_path_is_400)
{
	get_fails("/a%00b", "bad_request");
}

Test(request, bad_escapes_in_path_are_400)
{
	get_fails("/a%zz", "bad_request");
}

Test(request, truncated_escape_in_path_is_400)
{
	get_fails("/a/%4", "bad_request");
}

Test(request, truncated_escape_before_query_is_400)
{
	get_fails("/a%4?x=1", "bad_request");
}

Test(request, empty_middle_segment_is_kept)
{
	get("/a//b");
	cr_assert_eq(req.nsegs, 3);
	cr_assert_str_eq(req.segs[0], "a");
	cr_assert_str_eq(req.segs[1], "");
	cr_assert_str_eq(req.segs[2], "b");
}

/* Every '/' starts a segment: "/a//" is "a", "", "". */
Test(request, double_trailing_slash_keeps_empty_segments)
{
	get("/a//");
	cr_assert_eq(req.nsegs, 3);
	cr_assert_str_eq(req.segs[0], "a");
	cr_assert_str_eq(req.segs[1], "");
	cr_assert_str_eq(req.segs[2], "");
}

/*
 * "/a/b/" splits into "a", "b", "": the same rule as "/a//b" and "/a//"
 * above. Dropping the last empty segment makes "/a/b/" the same request as
 * "/a/b", so a route matches with a trailing slash, while "/a/b//" does not.
 */
Test(request, trailing_slash_is_an_empty_segment)
{
	get("/a/b/");
	cr_assert_str_eq(req.path, "/a/b/");
	cr_expect_eq(req.nsegs, 3, "\"/a/b/\" has %zu segments", req.nsegs);
	if (req.nsegs == 3)
		cr_expect_str_eq(req.segs[2], "");
}

Test(request, path_depth_limit)
{
	char uri[256] = "";
	int i;

	for (i = 0; i < 32; i++)
		strcat(uri, "/s");
	get(uri);
	cr_assert_eq(req.nsegs, 32);
	cr_assert_str_eq(req.segs[31], "s");
}

Test(request, too_deep_path_is_400)
{
	char uri[256] = "";
	int i;

	for (i = 0; i < 33; i++)
		strcat(uri, "/s");
	get_fails(uri, "bad_request");
	cr_assert_not_null(strstr(rerr.message, "deep"), "%s", rerr.message);
}

Test(request, very_deep_path_is_400)
{
	char uri[4096] = "";
	int i;

	for (i = 0; i < 1000; i++)
		strcat(uri, "//");
	get_fails(uri, "bad_request");
}

/* --- query -------------------------------------------------------------- */

Test(request, query_pairs_in_order_first_wins)
{
	get("/x?a=1&b=two&a=2&c");
	cr_assert_eq(req.nquery, 4);
	cr_assert_str_eq(request_query(&req, "a"), "1");
	cr_assert_str_eq(request_query(&req, "b"), "two");
	cr_assert_str_eq(request_query(&req, "c"), "", "key without '='");
	cr_assert_null(request_query(&req, "d"));
	cr_assert_str_eq(req.query[2].key, "a");
	cr_assert_str_eq(req.query[2].val, "2");
	cr_assert_str_eq(req.query[3].key, "c");
}

Test(request, query_decoding)
{
	get("/x?q=hello+world&k%20ey=a%2Bb&eq=a=b&e=");
	cr_assert_str_eq(request_query(&req, "q"), "hello world");
	cr_assert_str_eq(request_query(&req, "k ey"), "a+b");
	cr_assert_str_eq(request_query(&req, "eq"), "a=b",
			 "only the first '=' separates");
	cr_assert_str_eq(request_query(&req, "e"), "");
}

Test(request, query_empty_pairs_skipped)
{
	get("/x?&&a=1&&");
	cr_assert_eq(req.nquery, 1);
	cr_assert_str_eq(request_query(&req, "a"), "1");
}

Test(request, empty_query)
{
	get("/x?");
	cr_assert_eq(req.nquery, 0);
	cr_assert_null(request_query(&req, "a"));
	cr_assert_str_eq(req.path, "/x");
}

Test(request, no_query)
{
	get("/x");
	cr_assert_eq(req.nquery, 0);
	cr_assert_null(request_query(&req, ""));
}

Test(request, malformed_query_is_400)
{
	get_fails("/x?a=%zz", "bad_query");
}

Test(request, malformed_query_key_is_400)
{
	get_fails("/x?%4=1", "bad_query");
}

Test(request, query_nul_is_400)
{
	get_fails("/x?a=1%00", "bad_query");
}

Test(request, query_64_pairs_accepted)
{
	char uri[1024] = "/x?";
	int i;

	for (i = 0; i < 64; i++)
		snprintf(uri + strlen(uri), sizeof(uri) - strlen(uri), "%sk%d=%d",
			 i ? "&" : "", i, i);
	get(uri);
	cr_assert_eq(req.nquery, 64);
	cr_assert_str_eq(request_query(&req, "k63"), "63");
}

Test(request, query_65_pairs_is_400)
{
	char uri[1024] = "/x?";
	int i;

	for (i = 0; i < 65; i++)
		snprintf(uri + strlen(uri), sizeof(uri) - strlen(uri), "%sk%d=%d",
			 i ? "&" : "", i, i);
	get_fails(uri, "bad_query");
}

/* --- cookies ------------------------------------------------------------ */

Test(request, cookies)
{
	param("HTTP_COOKIE", "sid=abc123; theme=dark;lang=en; enc=%41+b");
	get("/x");
	cr_assert_eq(req.ncookies, 4);
	cr_assert_str_eq(request_cookie(&req, "sid"), "abc123");
	cr_assert_str_eq(request_cookie(&req, "theme"), "dark");
	cr_assert_str_eq(request_cookie(&req, "lang"), "en");
	cr_assert_str_eq(request_cookie(&req, "enc"), "%41+b", "cookies are raw");
	cr_assert_null(request_cookie(&req, "SID"));
	cr_assert_null(request_cookie(&req, "none"));
}

Test(request, cookie_first_wins_and_odd_shapes)
{
	param("HTTP_COOKIE", "  a=1;;  a=2; flag; b=x=y ; ");
	get("/x");
	cr_assert_str_eq(request_cookie(&req, "a"), "1");
	cr_assert_str_eq(request_cookie(&req, "flag"), "");
	cr_assert_str_eq(request_cookie(&req, "b"), "x=y ");
}

Test(request, no_cookie_header)
{
	get("/x");
	cr_assert_eq(req.ncookies, 0);
	cr_assert_null(request_cookie(&req, "sid"));
}

Test(request, too_many_cookies_are_ignored)
{
	char c[2048] = "";
	int i;

	for (i = 0; i < 65; i++)
		snprintf(c + strlen(c), sizeof(c) - strlen(c), "c%d=%d; ", i, i);
	param("HTTP_COOKIE", c);
	get("/x");
	cr_assert_eq(req.ncookies, 0);
	cr_assert_null(request_cookie(&req, "c0"));
}

/* --- request id --------------------------------------------------------- */

static int all_hex(const char *s)
{
	return strspn(s, "0123456789abcdef") == strlen(s);
}

Test(request, rid_taken_when_hex)
{
	param("REQUEST_ID", "0123456789abcdef0123456789ABCDEF");
	get("/x");
	cr_assert_str_eq(req.rid, "0123456789abcdef0123456789ABCDEF");
}

Test(request, rid_of_64_hex_taken)
{
	static const char rid[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	param("REQUEST_ID", rid);
	get("/x");
	cr_assert_str_eq(req.rid, rid);
}

static void check_generated_rid(const char *given)
{
	if (given != NULL)
		param("REQUEST_ID", given);
	get("/x");
	cr_assert_eq(strlen(req.rid), 32, "rid %s for %s", req.rid,
		     given ? given : "(none)");
	cr_assert(all_hex(req.rid), "rid %s", req.rid);
	if (given != NULL)
		cr_assert_str_neq(req.rid, given);
}

Test(request, rid_generated_when_missing)
{
	check_generated_rid(NULL);
}

Test(request, rid_generated_when_empty)
{
	check_generated_rid("");
}

Test(request, rid_generated_when_not_hex)
{
	check_generated_rid("abc-123");
}

Test(request, rid_generated_when_it_would_inject)
{
	check_generated_rid("abc event=forged");
}

Test(request, rid_generated_when_too_long)
{
	check_generated_rid(
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0");
}

Test(request, generated_rids_differ)
{
	char first[65];

	get("/x");
	snprintf(first, sizeof(first), "%s", req.rid);
	request_init(&req, pool, fake_param, fake_read, &fk, 1024);
	cr_assert_eq(request_parse(&req, &rerr), 0);
	cr_assert_str_neq(req.rid, first);
}

Test(request, rid_set_even_when_parse_fails)
{
	param("REQUEST_ID", "abcdef");
	get_fails("/a%zz", "bad_request");
	cr_assert_str_eq(req.rid, "abcdef");
}

/* --- headers ------------------------------------------------------------ */

Test(request, headers)
{
	param("CONTENT_TYPE", "application/json");
	param("CONTENT_LENGTH", "12");
	param("HTTP_USER_AGENT", "curl/8");
	param("HTTP_X_FORWARDED_FOR", "10.0.0.1");
	param("HTTP_CONTENT_TYPE", "wrong/one");
	get("/x");
	cr_assert_str_eq(request_header(&req, "Content-Type"), "application/json");
	cr_assert_str_eq(request_header(&req, "content-type"), "application/json");
	cr_assert_str_eq(request_header(&req, "Content-Length"), "12");
	cr_assert_str_eq(request_header(&req, "User-Agent"), "curl/8");
	cr_assert_str_eq(request_header(&req, "user-agent"), "curl/8");
	cr_assert_str_eq(request_header(&req, "X-Forwarded-For"), "10.0.0.1");
	cr_assert_null(request_header(&req, "Authorization"));
}

Test(request, params_empty_before_routing)
{
	get("/x");
	cr_assert_null(request_param(&req, "id"));
}

/* --- Content-Length ----------------------------------------------------- */

Test(request, content_length_parsed)
{
	param("CONTENT_LENGTH", "1234");
	get("/x");
	cr_assert_eq(req.content_length, 1234);
}

Test(request, content_length_absent_or_empty)
{
	get("/x");
	cr_assert_eq(req.content_length, -1);
	memset(&fk, 0, sizeof(fk));
	fk.fail_at = -1;
	param("CONTENT_LENGTH", "");
	get("/x");
	cr_assert_eq(req.content_length, -1);
}

Test(request, bad_content_length_is_400)
{
	static const char *const bad[] = { "abc", "-1", "12x", " 12", "+12",
	    "1e3", "99999999999999999999", "1125899906842625" };
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		memset(&fk, 0, sizeof(fk));
		fk.fail_at = -1;
		param("REQUEST_URI", "/x");
		param("CONTENT_LENGTH", bad[i]);
		cr_assert_eq(parse(1024), -1, "Content-Length \"%s\" accepted",
			     bad[i]);
		cr_assert_eq(rerr.status, 400);
		cr_assert_str_eq(rerr.code, "bad_request");
	}
}

/* --- streamed body ------------------------------------------------------ */

Test(request, body_read_stops_at_content_length)
{
	char buf[64];

	param("CONTENT_LENGTH", "5");
	body("helloEXTRA");
	get("/x");
	cr_assert_eq(request_body_read(&req, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(request_body_read(&req, buf, sizeof(buf)), 0);
	cr_assert_eq(req.body_read, 5);
}

Test(request, body_read_without_content_length)
{
	char buf[64];
	ssize_t n;
	size_t total = 0;

	body("0123456789");
	fk.piece = 3;
	get("/x");
	while ((n = request_body_read(&req, buf + total, sizeof(buf) - total)) > 0) {
		cr_assert_leq(n, 3);
		total += (size_t)n;
	}
	cr_assert_eq(n, 0);
	cr_assert_eq(total, 10);
	cr_assert_eq(memcmp(buf, "0123456789", 10), 0);
}

Test(request, body_read_past_max_body_is_minus_2)
{
	char big[3000];
	char buf[512];
	ssize_t n;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	body(big);
	param("REQUEST_URI", "/x");
	cr_assert_eq(parse(1024), 0);
	while ((n = request_body_read(&req, buf, sizeof(buf))) > 0)
		;
	cr_assert_eq(n, -2);
	cr_assert_gt(req.body_read, 1024);
}

Test(request, body_read_exactly_max_body)
{
	char b[1025];
	char buf[4096];

	memset(b, 'x', 1024);
	b[1024] = '\0';
	body(b);
	param("REQUEST_URI", "/x");
	cr_assert_eq(parse(1024), 0);
	cr_assert_eq(request_body_read(&req, buf, sizeof(buf)), 1024);
	cr_assert_eq(request_body_read(&req, buf, sizeof(buf)), 0);
}

Test(request, body_read_content_length_over_max_body_is_minus_2)
{
	char big[3000];
	char buf[4096];
	ssize_t n;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	body(big);
	param("REQUEST_URI", "/x");
	param("CONTENT_LENGTH", "2999");
	cr_assert_eq(parse(1024), 0);
	while ((n = request_body_read(&req, buf, 100)) > 0)
		;
	cr_assert_eq(n, -2);
}

Test(request, body_read_error_is_minus_1)
{
	char buf[64];

	body("abcdefgh");
	fk.fail_at = 4;
	get("/x");
	cr_assert_eq(request_body_read(&req, buf, sizeof(buf)), 4);
	cr_assert_eq(request_body_read(&req, buf, sizeof(buf)), -1);
}

/* --- request_json ------------------------------------------------------- */

Test(request, json_good_object)
{
	json_t *j;

	post_json("{\"a\": 1, \"b\": \"x\", \"c\": [true, null]}", 1, 1024);
	j = request_json(&req, &rerr);
	cr_assert_not_null(j, "%d %s", rerr.status, rerr.message);
	cr_assert(json_is_object(j));
	cr_assert_eq(json_integer_value(json_object_get(j, "a")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(j, "b")), "x");
	cr_assert_eq(req.json, j, "the request does not own the value");
}

Test(request, json_without_content_length)
{
	json_t *j;

	post_json("{\"k\":\"v\"}", 0, 1024);
	j = request_json(&req, &rerr);
	cr_assert_not_null(j, "%d %s", rerr.status, rerr.message);
	cr_assert_str_eq(json_string_value(json_object_get(j, "k")), "v");
}

Test(request, json_in_one_byte_pieces)
{
	json_t *j;

	post_json("{\"name\": \"caf\\u00e9\", \"n\": [1,2,3]}", 1, 1024);
	fk.piece = 1;
	j = request_json(&req, &rerr);
	cr_assert_not_null(j, "%d %s", rerr.status, rerr.message);
	cr_assert_str_eq(json_string_value(json_object_get(j, "name")),
			 "caf\xc3\xa9");
	cr_assert_gt(fk.reads, 30);
}

Test(request, json_reads_only_content_length)
{
	json_t *j;

	param("CONTENT_LENGTH", "7");
	post_json("{\"a\":1}garbage", 0, 1024);
	j = request_json(&req, &rerr);
	cr_assert_not_null(j, "%d %s", rerr.status, rerr.message);
	cr_assert_eq(fk.off, 7);
}

Test(request, json_end_frees_and_is_idempotent)
{
	post_json("{}", 1, 1024);
	cr_assert_not_null(request_json(&req, &rerr));
	request_end(&req);
	cr_assert_null(req.json);
	request_end(&req);
}

static void check_json_type(const char *ct, int ok)
{
	json_t *j;

	param("REQUEST_METHOD", "POST");
	param("REQUEST_URI", "/x");
	if (ct != NULL)
		param("CONTENT_TYPE", ct);
	body("{}");
	cr_assert_eq(parse(1024), 0);
	j = request_json(&req, &rerr);
	if (ok) {
		cr_assert_not_null(j, "Content-Type %s refused", ct);
		return;
	}
	cr_assert_null(j, "Content-Type %s accepted", ct ? ct : "(none)");
	cr_assert_eq(rerr.status, 415);
	cr_assert_str_eq(rerr.code, "unsupported_media_type");
	cr_assert_eq(fk.reads, 0, "the body was read");
}

Test(request, json_wrong_content_type_415)
{
	check_json_type("text/plain", 0);
}

Test(request, json_missing_content_type_415)
{
	check_json_type(NULL, 0);
}

Test(request, json_form_content_type_415)
{
	check_json_type("application/x-www-form-urlencoded", 0);
}

Test(request, json_jsonp_content_type_415)
{
	check_json_type("application/jsonp", 0);
}

Test(request, json_prefix_content_type_415)
{
	check_json_type("application/jso", 0);
}

Test(request, json_charset_accepted)
{
	check_json_type("application/json; charset=utf-8", 1);
}

Test(request, json_type_case_insensitive)
{
	check_json_type("Application/JSON", 1);
}

Test(request, json_content_length_over_max_is_413_without_reading)
{
	param("CONTENT_LENGTH", "2000");
	post_json("{}", 0, 1024);
	cr_assert_null(request_json(&req, &rerr));
	cr_assert_eq(rerr.status, 413);
	cr_assert_str_eq(rerr.code, "body_too_large");
	cr_assert_eq(fk.reads, 0, "the body was read");
}

Test(request, json_streamed_over_max_is_413)
{
	char big[4096];

	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 2] = '}';
	big[sizeof(big) - 1] = '\0';
	post_json(big, 0, 1024);
	fk.piece = 100;
	cr_assert_null(request_json(&req, &rerr));
	cr_assert_eq(rerr.status, 413);
	cr_assert_str_eq(rerr.code, "body_too_large");
	cr_assert_lt(fk.off, sizeof(big) - 1, "read to the end past the limit");
}

Test(request, json_exactly_max_body_accepted)
{
	char b[1025];

	memset(b, ' ', 1024);
	b[0] = '{';
	b[1023] = '}';
	b[1024] = '\0';
	post_json(b, 1, 1024);
	cr_assert_not_null(request_json(&req, &rerr), "%d %s", rerr.status,
			   rerr.message);
}

static void json_invalid(const char *b)
{
	post_json(b, 1, 1024);
	cr_assert_null(request_json(&req, &rerr), "%s accepted", b);
	cr_assert_eq(rerr.status, 400, "%s: %d", b, rerr.status);
	cr_assert_str_eq(rerr.code, "invalid_json", "%s", b);
	cr_assert_not_null(rerr.message);
	cr_assert_null(req.json);
}

Test(request, json_invalid_syntax)
{
	json_invalid("{\"a\":");
}

Test(request, json_empty_body)
{
	json_invalid("");
}

Test(request, json_trailing_garbage)
{
	json_invalid("{} {}");
}

Test(request, json_single_quotes)
{
	json_invalid("{'a': 1}");
}

Test(request, json_bad_utf8)
{
	json_invalid("{\"a\": \"\xff\"}");
}

Test(request, json_duplicate_keys)
{
	json_invalid("{\"a\": 1, \"a\": 2}");
}

Test(request, json_nested_duplicate_keys)
{
	json_invalid("{\"x\": {\"a\": 1, \"b\": 2, \"a\": 3}}");
}

Test(request, json_escaped_nul)
{
	json_invalid("{\"password\": \"abc\\u0000def\"}");
	cr_assert_not_null(strstr(rerr.message, "NUL"), "message: %s",
			   rerr.message);
}

Test(request, json_escaped_nul_in_key)
{
	json_invalid("{\"a\\u0000b\": 1}");
}

Test(request, json_raw_nul_byte)
{
	static const char b[] = "{\"a\": \"x\0y\"}";

	param("REQUEST_METHOD", "POST");
	param("REQUEST_URI", "/x");
	param("CONTENT_TYPE", "application/json");
	fk.body = b;
	fk.len = sizeof(b) - 1;
	cr_assert_eq(parse(1024), 0);
	cr_assert_null(request_json(&req, &rerr));
	cr_assert_eq(rerr.status, 400);
	cr_assert_str_eq(rerr.code, "invalid_json");
}

Test(request, json_read_error_is_400)
{
	post_json("{\"a\": \"some longer value\"}", 1, 1024);
	fk.fail_at = 5;
	cr_assert_null(request_json(&req, &rerr));
	cr_assert_eq(rerr.status, 400);
	cr_assert_str_eq(rerr.code, "bad_request");
	cr_assert_null(req.json);
}

Test(request, json_read_error_at_once_is_400)
{
	post_json("{}", 0, 1024);
	fk.fail_at = 0;
	cr_assert_null(request_json(&req, &rerr));
	cr_assert_eq(rerr.status, 400);
}
