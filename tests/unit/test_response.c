/*
 * Unit tests of response, with a write callback that appends to a buffer
 * (and can be told to fail): the Status line and reason, Content-Type, the
 * security headers every response carries, custom headers in order, header
 * injection refused (CR or LF in a name or value, a colon or nothing in a
 * name, a CR/LF content type dropped), no header or second begin once
 * started, no body before the headers, response_json and the
 * response_error shape with and without field (the body parsed with
 * jansson), response_json(NULL) answering 500, and a failing write that
 * marks the response failed so that later writes return -1.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "response.h"
#include "util.h"

struct sink {
	struct buf out;
	int calls;
	int fail_after;		/* calls that succeed before failing; <0: never */
};

static int sink_write(void *ctx, const char *p, size_t n)
{
	struct sink *s = ctx;

	s->calls++;
	if (s->fail_after >= 0 && s->calls > s->fail_after)
		return -1;
	util_buf_add(&s->out, p, n);
	return 0;
}

static struct sink sk;
static struct response resp;

static void setup(void)
{
	util_buf_init(&sk.out);
	sk.calls = 0;
	sk.fail_after = -1;
	response_init(&resp, sink_write, &sk);
}

static void teardown(void)
{
	response_free(&resp);
	util_buf_free(&sk.out);
}

TestSuite(response, .init = setup, .fini = teardown);

/* The output so far ("" before any write). */
static const char *out(void)
{
	return sk.out.data ? sk.out.data : "";
}

/* The header block (up to the blank line, which must be there). */
static const char *head(void)
{
	static char h[4096];
	const char *end = strstr(out(), "\r\n\r\n");

	cr_assert_not_null(end, "no end of headers in: %s", out());
	cr_assert_lt((size_t)(end - out()) + 2, sizeof(h));
	memcpy(h, out(), (size_t)(end - out()) + 2);
	h[end - out() + 2] = '\0';
	return h;
}

/* The body (after the blank line). */
static const char *body(void)
{
	const char *end = strstr(out(), "\r\n\r\n");

	cr_assert_not_null(end, "no end of headers in: %s", out());
	return end + 4;
}

/* How many times line (with its CRLF) appears in the headers. */
static int header_count(const char *line)
{
	const char *h = head(), *p;
	char want[512];
	int n = 0;

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	/* the first line has no CRLF before it */
	if (strncmp(h, want + 2, strlen(want + 2)) == 0)
		n++;
	for (p = h; (p = strstr(p, want)) != NULL; p += 2)
		n++;
	return n;
}

static void assert_header(const char *line)
{
	cr_assert_eq(header_count(line), 1, "\"%s\" not once in:\n%s", line,
		     head());
}

static void assert_security_headers(void)
{
	assert_header("Content-Security-Policy: default-src 'none'; "
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
	assert_header("X-Content-Type-Options: nosniff");
	assert_header("X-Frame-Options: DENY");
	assert_header("Referrer-Policy: no-referrer");
	assert_header("Cache-Control: no-store");
}

/* Parse the body as JSON (an object). */
static json_t *body_json(void)
{
	json_error_t e;
	json_t *j = json_loads(body(), 0, &e);

	cr_assert_not_null(j, "body is not JSON (%s): %s", e.text, body());
	cr_assert(json_is_object(j));
	return j;
}

/* --- status and headers ------------------------------------------------- */

Test(response, status_line_first)
{
	cr_assert_eq(response_begin(&resp, 200, "text/plain"), 0);
	cr_assert_eq(strncmp(out(), "Status: 200 OK\r\n", 16), 0, "%s", out());
	assert_header("Content-Type: text/plain");
	assert_security_headers();
	cr_assert_str_eq(body(), "");
	cr_assert_eq(resp.status, 200);
	cr_assert(resp.started);
	cr_assert_not(resp.failed);
}

Test(response, reasons)
{
	cr_assert_str_eq(response_reason(201), "Created");
	cr_assert_str_eq(response_reason(204), "No Content");
	cr_assert_str_eq(response_reason(404), "Not Found");
	cr_assert_str_eq(response_reason(405), "Method Not Allowed");
	cr_assert_str_eq(response_reason(413), "Content Too Large");
	cr_assert_str_eq(response_reason(415), "Unsupported Media Type");
	cr_assert_str_eq(response_reason(422), "Unprocessable Content");
	cr_assert_str_eq(response_reason(503), "Service Unavailable");
	cr_assert_str_eq(response_reason(299), "Unknown");
	cr_assert_str_eq(response_reason(-1), "Unknown");
}

Test(response, unknown_status_line)
{
	cr_assert_eq(response_begin(&resp, 418, NULL), 0);
	cr_assert_eq(strncmp(out(), "Status: 418 Unknown\r\n", 21), 0, "%s", out());
}

Test(response, no_content_type)
{
	cr_assert_eq(response_begin(&resp, 204, NULL), 0);
	cr_assert_null(strstr(head(), "\r\nContent-Type:"), "%s", head());
	assert_security_headers();
}

Test(response, security_headers_on_errors_too)
{
	cr_assert_eq(response_error(&resp, 404, "not_found", "no such thing",
		     NULL), 0);
	assert_security_headers();
}

Test(response, custom_headers_in_order)
{
	const char *h, *a, *b;

	cr_assert_eq(response_header(&resp, "X-Request-Id", "abc123"), 0);
	cr_assert_eq(response_header(&resp, "Allow", "GET, POST"), 0);
	cr_assert_eq(response_begin(&resp, 405, "application/json"), 0);
	assert_header("X-Request-Id: abc123");
	assert_header("Allow: GET, POST");
	assert_security_headers();
	h = head();
	a = strstr(h, "X-Request-Id");
	b = strstr(h, "Allow:");
	cr_assert_lt(a, b, "headers out of order:\n%s", h);
}

Test(response, header_value_may_be_empty)
{
	cr_assert_eq(response_header(&resp, "X-Empty", ""), 0);
	cr_assert_eq(response_begin(&resp, 200, NULL), 0);
	assert_header("X-Empty: ");
}

Test(response, header_injection_refused)
{
	cr_assert_eq(response_header(&resp, "X-A", "v\r\nSet-Cookie: x=1"), -1);
	cr_assert_eq(response_header(&resp, "X-A", "v\nSet-Cookie: x=1"), -1);
	cr_assert_eq(response_header(&resp, "X-A", "v\rx"), -1);
	cr_assert_eq(response_header(&resp, "X-A\r\nSet-Cookie", "x=1"), -1);
	cr_assert_eq(response_header(&resp, "X-A\n", "v"), -1);
	cr_assert_eq(response_header(&resp, "Set-Cookie: x=1\r\nX-B", "v"), -1);
	cr_assert_eq(response_header(&resp, "X-A: evil", "v"), -1);
	cr_assert_eq(response_header(&resp, "X-A:", "v"), -1);
	cr_assert_eq(response_header(&resp, "", "v"), -1);
	cr_assert_eq(response_begin(&resp, 200, NULL), 0);
	cr_assert_null(strstr(out(), "Set-Cookie"), "%s", out());
	cr_assert_null(strstr(out(), "X-A"), "%s", out());
	cr_assert_null(strstr(out(), "evil"), "%s", out());
}

Test(response, content_type_injection_dropped)
{
	cr_assert_eq(response_begin(&resp, 200, "text/plain\r\nSet-Cookie: a=b"), 0);
	cr_assert_null(strstr(out(), "Set-Cookie"), "%s", out());
	cr_assert_null(strstr(head(), "\r\nContent-Type:"), "%s", head());
}

Test(response, no_header_after_start)
{
	cr_assert_eq(response_begin(&resp, 200, NULL), 0);
	cr_assert_eq(response_header(&resp, "X-Late", "1"), -1);
	cr_assert_eq(response_write(&resp, "body", 4), 0);
	cr_assert_null(strstr(out(), "X-Late"), "%s", out());
}

Test(response, begin_only_once)
{
	cr_assert_eq(response_begin(&resp, 200, NULL), 0);
	cr_assert_eq(response_begin(&resp, 500, NULL), -1);
	cr_assert_eq(resp.status, 200);
	cr_assert_null(strstr(out(), "500"), "%s", out());
}

Test(response, no_body_before_headers)
{
	cr_assert_eq(response_write(&resp, "early", 5), -1);
	cr_assert_eq(sk.calls, 0);
	cr_assert_eq(sk.out.len, 0);
}

Test(response, body_bytes_counted)
{
	cr_assert_eq(response_begin(&resp, 200, "text/plain"), 0);
	cr_assert_eq(response_write(&resp, "hello ", 6), 0);
	cr_assert_eq(response_write(&resp, "world", 5), 0);
	cr_assert_eq(response_write(&resp, "", 0), 0);
	cr_assert_str_eq(body(), "hello world");
	cr_assert_eq(resp.body_bytes, 11);
}

/* --- JSON --------------------------------------------------------------- */

Test(response, json_body)
{
	json_t *j;

	cr_assert_eq(response_json(&resp, 201, json_pack("{s:s, s:i}", "name",
		     "caf\xc3\xa9", "n", 3)), 0);
	cr_assert_eq(strncmp(out(), "Status: 201 Created\r\n", 21), 0);
	assert_header("Content-Type: application/json");
	assert_security_headers();
	cr_assert_null(strchr(body(), '\xc3'), "not ASCII: %s", body());
	cr_assert_eq(body()[strlen(body()) - 1], '\n');
	j = body_json();
	cr_assert_str_eq(json_string_value(json_object_get(j, "name")),
			 "caf\xc3\xa9");
	cr_assert_eq(json_integer_value(json_object_get(j, "n")), 3);
	json_decref(j);
}

Test(response, json_null_is_500)
{
	json_t *j, *e;

	cr_assert_eq(response_json(&resp, 200, NULL), 0);
	cr_assert_eq(resp.status, 500);
	cr_assert_eq(strncmp(out(), "Status: 500 Internal Server Error\r\n", 35),
		     0, "%s", out());
	j = body_json();
	e = json_object_get(j, "error");
	cr_assert(json_is_object(e));
	cr_assert_str_eq(json_string_value(json_object_get(e, "code")),
			 "internal");
	json_decref(j);
}

Test(response, error_shape_without_field)
{
	json_t *j, *e;

	cr_assert_eq(response_error(&resp, 404, "not_found", "no such resource",
		     NULL), 0);
	cr_assert_eq(strncmp(out(), "Status: 404 Not Found\r\n", 23), 0);
	assert_header("Content-Type: application/json");
	j = body_json();
	cr_assert_eq(json_object_size(j), 1, "body: %s", body());
	e = json_object_get(j, "error");
	cr_assert(json_is_object(e), "body: %s", body());
	cr_assert_eq(json_object_size(e), 2, "body: %s", body());
	cr_assert_str_eq(json_string_value(json_object_get(e, "code")),
			 "not_found");
	cr_assert_str_eq(json_string_value(json_object_get(e, "message")),
			 "no such resource");
	cr_assert_null(json_object_get(e, "field"));
	json_decref(j);
}

Test(response, error_shape_with_field)
{
	json_t *j, *e;

	cr_assert_eq(response_error(&resp, 400, "bad_request",
		     "username is required", "username"), 0);
	cr_assert_eq(strncmp(out(), "Status: 400 Bad Request\r\n", 25), 0);
	j = body_json();
	e = json_object_get(j, "error");
	cr_assert(json_is_object(e));
	cr_assert_eq(json_object_size(e), 3, "body: %s", body());
	cr_assert_str_eq(json_string_value(json_object_get(e, "code")),
			 "bad_request");
	cr_assert_str_eq(json_string_value(json_object_get(e, "message")),
			 "username is required");
	cr_assert_str_eq(json_string_value(json_object_get(e, "field")),
			 "username");
	json_decref(j);
}

Test(response, error_message_is_escaped)
{
	json_t *j;

	cr_assert_eq(response_error(&resp, 400, "bad_request",
		     "quote \" backslash \\ newline \n end", NULL), 0);
	j = body_json();
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "error"), "message")), "quote \" backslash \\ newline \n end");
	cr_assert_eq(strchr(body(), '\n'), body() + strlen(body()) - 1,
		     "raw newline inside the JSON: %s", body());
	json_decref(j);
}

Test(response, error_after_start_fails)
{
	cr_assert_eq(response_begin(&resp, 200, NULL), 0);
	cr_assert_eq(response_error(&resp, 500, "internal", "x", NULL), -1);
	cr_assert_eq(resp.status, 200);
}

/* --- failing writes ----------------------------------------------------- */

Test(response, failing_write_sets_failed)
{
	sk.fail_after = 0;
	cr_assert_eq(response_begin(&resp, 200, "text/plain"), -1);
	cr_assert(resp.failed);
	cr_assert_eq(sk.calls, 1);
	cr_assert_eq(response_write(&resp, "x", 1), -1);
	cr_assert_eq(response_write(&resp, "y", 1), -1);
	cr_assert_eq(sk.calls, 1, "wrote again after a failure");
}

Test(response, failing_body_write_sets_failed)
{
	sk.fail_after = 2;
	cr_assert_eq(response_begin(&resp, 200, "text/plain"), 0);
	cr_assert_eq(response_write(&resp, "one", 3), 0);
	cr_assert_not(resp.failed);
	cr_assert_eq(response_write(&resp, "two", 3), -1);
	cr_assert(resp.failed);
	cr_assert_eq(response_write(&resp, "three", 5), -1);
	cr_assert_eq(sk.calls, 3);
	cr_assert_str_eq(body(), "one");
}

Test(response, failing_write_in_json)
{
	sk.fail_after = 1;
	cr_assert_eq(response_json(&resp, 200, json_pack("{s:b}", "ok", 1)), -1);
	cr_assert(resp.failed);
}
