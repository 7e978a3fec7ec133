/*
 * Integration tests of the foundation: the HTTP surface every later feature
 * relies on (health, errors, body limits, metrics, the sign-in input
 * checks) and the life of the server processes (worker respawn, graceful
 * SIGTERM and SIGHUP, configuration checks). Each test runs against its own
 * nginx + vetd stack, started by the harness; nothing is mocked.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(foundation, .fini = vt_stop, .timeout = 90);

static const char *const json_content[] = { "Content-Type: application/json", NULL };

static const char health_total[] =
	"vetd_requests_total{route=\"/api/v1/health\",method=\"GET\",status=\"200\"}";

/* --- shared checks ---------------------------------------------------- */

/* s, or "(none)" when it is NULL, for string comparisons. */
static const char *or_none(const char *s)
{
	return s != NULL ? s : "(none)";
}

/* The headers every vetd answer carries (nginx's own JSON errors too). */
static void assert_security_headers(const struct vt_response *r)
{
	const char *csp = vt_header(r, "Content-Security-Policy");
	const char *rid = vt_header(r, "X-Request-Id");

	cr_assert_not_null(csp, "no Content-Security-Policy");
	cr_assert_not_null(strstr(csp, "default-src 'none'"), "CSP is %s", csp);
	cr_assert_str_eq(or_none(vt_header(r, "X-Content-Type-Options")), "nosniff");
	cr_assert_str_eq(or_none(vt_header(r, "Referrer-Policy")), "no-referrer");
	cr_assert_str_eq(or_none(vt_header(r, "Cache-Control")), "no-store");
	cr_assert_not_null(rid, "no X-Request-Id");
	cr_assert_eq(strlen(rid), 32, "X-Request-Id %s is not nginx's $request_id", rid);
	cr_assert_eq(strspn(rid, "0123456789abcdef"), 32, "X-Request-Id %s", rid);
	cr_assert_eq(vt_header_count(r, "X-Request-Id"), 1, "X-Request-Id sent twice");
	cr_assert_eq(vt_header_count(r, "X-Content-Type-Options"), 1,
		     "X-Content-Type-Options sent twice");
}

/* r is a JSON error in the contract's shape with this status and code. */
static void assert_error(struct vt_response *r, long status, const char *code)
{
	const char *type = vt_header(r, "Content-Type");
	const char *message;

	cr_assert_eq(r->status, status, "expected %ld %s, got %ld: %s",
		     status, code, r->status, r->body);
	cr_assert_not_null(type, "no Content-Type");
	cr_assert_eq(strncmp(type, "application/json", 16), 0, "Content-Type %s", type);
	cr_assert_str_eq(or_none(vt_json_str(r, "error.code")), code,
			 "body: %s", r->body);
	message = vt_json_str(r, "error.message");
	cr_assert(message != NULL && *message != '\0', "no error.message: %s", r->body);
	assert_security_headers(r);
}

/* The JSON error's field, or "(none)". */
static const char *error_field(struct vt_response *r)
{
	return or_none(vt_json_str(r, "error.field"));
}

/* POST to the sign-in route with a content type (NULL: none). */
static struct vt_response *post_session(const char *type, const char *body, size_t len)
{
	char header[128];
	const char *headers[] = { header, NULL };

	if (type == NULL)
		return vt_request("POST", "/api/v1/session", NULL, body, len);
	snprintf(header, sizeof header, "Content-Type: %s", type);
	return vt_request("POST", "/api/v1/session", headers, body, len);
}

/* A well-formed JSON sign-in body of exactly size bytes (padded with
 * whitespace, so that only its size can be wrong). */
static char *padded_sign_in(size_t size)
{
	static const char json[] = "{\"username\":\"alice\",\"password\":\"secret\"}";
	char *body = malloc(size + 1);

	cr_assert_not_null(body);
	cr_assert_geq(size, sizeof json - 1);
	memset(body, ' ', size);
	memcpy(body, json, sizeof json - 1);
	body[size] = '\0';
	return body;
}

/* The sum of the samples of metric whose labels include every label given
 * ("route=\"unmatched\"", ...; NULL-terminated). */
static double metric_sum(const struct vt_response *m, const char *metric,
			 const char *const *labels)
{
	size_t n = strlen(metric), len;
	const char *line = m->body, *value;
	const char *const *l;
	char copy[512];
	double sum = 0;

	for (; *line != '\0'; line += len + (line[len] == '\n')) {
		len = strcspn(line, "\n");
		if (len >= sizeof copy || strncmp(line, metric, n) != 0 || line[n] != '{')
			continue;
		memcpy(copy, line, len);
		copy[len] = '\0';
		value = strrchr(copy, ' ');
		for (l = labels; *l != NULL && strstr(copy, *l) != NULL; l++)
			;
		if (value != NULL && *l == NULL)
			sum += strtod(value + 1, NULL);
	}
	return sum;
}

/* Fetch /metrics and check that it is Prometheus text. */
static struct vt_response *metrics(void)
{
	struct vt_response *r = vt_get("/metrics");
	const char *type = vt_header(r, "Content-Type");

	cr_assert_eq(r->status, 200, "GET /metrics: %ld %s", r->status, r->body);
	cr_assert_not_null(type);
	cr_assert_eq(strncmp(type, "text/plain", 10), 0, "Content-Type %s", type);
	cr_assert_not_null(strstr(type, "version=0.0.4"), "Content-Type %s", type);
	return r;
}

/* Sends a signal once the upload has passed a given offset. */
struct signal_at {
	pid_t pid;
	int sig;
	size_t offset;
	long long sent_at;    /* ms, 0 until sent */
};

static void send_signal_at(size_t sent, void *arg)
{
	struct signal_at *s = arg;

	if (s->sent_at == 0 && sent >= s->offset) {
		kill(s->pid, s->sig);
		s->sent_at = vt_now_ms();
	}
}

/* A sign-in whose body trickles in over about 1.2 s, with sig sent to pid
 * after 20 bytes, when vetd is busy reading it. Returns the response. */
static struct vt_response *sign_in_across_signal(pid_t pid, int sig)
{
	static const char body[] =
		"{\"username\":\"alice\",\"password\":\"correct horse battery\"}";
	struct signal_at s = { pid, sig, 20, 0 };
	struct vt_request req = {
		.method = "POST", .path = "/api/v1/session", .headers = json_content,
		.body = body, .len = sizeof body - 1,
		.chunk = 4, .pause_ms = 80,
		.on_progress = send_signal_at, .arg = &s,
	};
	struct vt_response *r = vt_request_ex(&req);

	cr_assert_neq(s.sent_at, 0, "the signal was never sent");
	return r;
}

static bool contains_pid(const pid_t *pids, size_t n, pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* --- the HTTP surface ------------------------------------------------- */

Test(foundation, health_reports_status_version_and_schema)
{
	struct vt_response *r, *again;
	char *version_out = NULL;
	const char *version, *type;
	json_t *schema;

	vt_start(NULL);
	r = vt_get("/api/v1/health");

	cr_assert_eq(r->status, 200, "health: %ld %s", r->status, r->body);
	type = vt_header(r, "Content-Type");
	cr_assert_not_null(type);
	cr_assert_eq(strncmp(type, "application/json", 16), 0, "Content-Type %s", type);
	cr_assert_str_eq(or_none(vt_json_str(r, "status")), "ok", "body: %s", r->body);

	version = vt_json_str(r, "version");
	cr_assert(version != NULL && *version != '\0', "no version: %s", r->body);
	cr_assert_eq(vt_run(&version_out, "'%s' -V", vt.vetd_bin), 0);
	cr_assert_not_null(strstr(version_out, version),
			   "health says version %s, vetd -V says %s", version, version_out);

	schema = vt_json_get(r, "schema");
	cr_assert(json_is_integer(schema), "schema is not an integer: %s", r->body);
	cr_assert_geq(json_integer_value(schema), 1);

	assert_security_headers(r);
	again = vt_get("/api/v1/health");
	cr_assert_str_neq(vt_header(r, "X-Request-Id"), vt_header(again, "X-Request-Id"),
			  "two requests share a request id");
}

Test(foundation, unknown_route_is_a_json_404)
{
	vt_start(NULL);
	assert_error(vt_get("/api/v1/no-such-thing"), 404, "not_found");
	assert_error(vt_get("/api/v1/healthz"), 404, "not_found");
	assert_error(vt_get("/api/v2/health"), 404, "not_found");
	assert_error(vt_request("DELETE", "/api/v1/nothing/here", NULL, NULL, 0),
		     404, "not_found");
}

Test(foundation, wrong_method_is_405_with_allow)
{
	struct vt_response *r;

	vt_start(NULL);

	r = vt_request("POST", "/api/v1/health", json_content, "{}", 2);
	assert_error(r, 405, "method_not_allowed");
	cr_assert_str_eq(or_none(vt_header(r, "Allow")), "GET");

	r = vt_get("/api/v1/session");
	assert_error(r, 405, "method_not_allowed");
	cr_assert_str_eq(or_none(vt_header(r, "Allow")), "POST, DELETE");

	r = vt_request("PUT", "/api/v1/session", json_content, "{}", 2);
	assert_error(r, 405, "method_not_allowed");
	cr_assert_str_eq(or_none(vt_header(r, "Allow")), "POST, DELETE");
}

Test(foundation, well_formed_sign_in_waits_for_the_directory)
{
	static const char body[] = "{\"username\":\"alice\",\"password\":\"secret\"}";

	vt_start(NULL);
	assert_error(vt_post_json("/api/v1/session", body), 503, "directory_unavailable");
	/* media type parameters are fine */
	assert_error(post_session("application/json; charset=utf-8", body, strlen(body)),
		     503, "directory_unavailable");
}

Test(foundation, sign_in_needs_json_content_type)
{
	static const char body[] = "{\"username\":\"alice\",\"password\":\"secret\"}";

	vt_start(NULL);
	assert_error(post_session("text/plain", body, strlen(body)),
		     415, "unsupported_media_type");
	assert_error(post_session("application/x-www-form-urlencoded",
				  "username=alice&password=secret", 30),
		     415, "unsupported_media_type");
	assert_error(post_session("application/jsonx", body, strlen(body)),
		     415, "unsupported_media_type");
	assert_error(post_session(NULL, body, strlen(body)), 415, "unsupported_media_type");
}

Test(foundation, malformed_sign_in_bodies_are_400)
{
	static const struct {
		const char *what;
		const char *body;
		const char *code;     /* NULL: any */
		const char *field;    /* NULL: must have none */
	} cases[] = {
		{ "truncated JSON", "{\"username\":\"alice\",", "invalid_json", NULL },
		{ "form data", "username=alice&password=secret", "invalid_json", NULL },
		{ "an empty body", "", "invalid_json", NULL },
		{ "two documents", "{} {}", "invalid_json", NULL },
		{ "a duplicate key",
		  "{\"username\":\"a\",\"username\":\"b\",\"password\":\"p\"}",
		  "invalid_json", NULL },
		{ "an array", "[\"alice\",\"secret\"]", "bad_request", NULL },
		{ "a string", "\"alice\"", "bad_request", NULL },
		{ "null", "null", "bad_request", NULL },
		{ "a missing password", "{\"username\":\"alice\"}", "bad_request", "password" },
		{ "a missing username", "{\"password\":\"secret\"}", "bad_request", "username" },
		{ "a numeric username", "{\"username\":42,\"password\":\"secret\"}",
		  "bad_request", "username" },
		{ "an object as password", "{\"username\":\"alice\",\"password\":{}}",
		  "bad_request", "password" },
		{ "an empty username", "{\"username\":\"\",\"password\":\"secret\"}",
		  "bad_request", "username" },
		/* vetd's JSON parser refuses \u0000 outright, so no string
		 * with a NUL can reach code that would cut it short. */
		{ "a NUL in the password",
		  "{\"username\":\"alice\",\"password\":\"sec\\u0000ret\"}",
		  "invalid_json", NULL },
	};
	size_t i;

	vt_start(NULL);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *body = cases[i].body;
		struct vt_response *r = post_session("application/json", body, strlen(body));
		const char *code = vt_json_str(r, "error.code");

		cr_expect_eq(r->status, 400, "%s: expected 400, got %ld %s",
			     cases[i].what, r->status, r->body);
		if (cases[i].code != NULL)
			cr_expect_str_eq(or_none(code), cases[i].code, "%s: %s",
					 cases[i].what, r->body);
		cr_expect_str_eq(error_field(r), cases[i].field ? cases[i].field : "(none)",
				 "%s: wrong error.field: %s", cases[i].what, r->body);
		cr_expect_not_null(vt_header(r, "X-Request-Id"), "%s", cases[i].what);
	}
}

Test(foundation, body_over_max_body_is_413_from_vetd)
{
	char *body = padded_sign_in(8192);
	struct vt_request chunked = {
		.method = "POST", .path = "/api/v1/session", .headers = json_content,
		.body = body, .len = 8192, .chunked = true,
	};
	static const char series[] =
		"vetd_requests_total{route=\"/api/v1/session\",method=\"POST\",status=\"413\"}";

	vt_start(&(struct vt_options){ .max_body = 4096 });

	assert_error(vt_post_json("/api/v1/session", body), 413, "body_too_large");
	/* without Content-Length vetd has to count while reading */
	assert_error(vt_request_ex(&chunked), 413, "body_too_large");
	/* vetd, not nginx, answered both */
	cr_assert_eq(vt_metric(metrics(), series), 2, "%s is not 2", series);
	/* a body under the limit is still read */
	free(body);
	body = padded_sign_in(4000);
	assert_error(vt_post_json("/api/v1/session", body), 503, "directory_unavailable");
	free(body);
}

Test(foundation, body_over_nginx_limit_is_a_json_413)
{
	size_t size = 17u << 20;
	char *body = padded_sign_in(size);
	static const char *const expect[] = {
		"Content-Type: application/json", "Expect: 100-continue", NULL,
	};
	static const char *const session[] = { "route=\"/api/v1/session\"", NULL };
	struct vt_response *r;

	vt_start(NULL);
	r = vt_request("POST", "/api/v1/session", expect, body, size);
	assert_error(r, 413, "body_too_large");
	/* and with the whole body sent regardless */
	r = vt_request("POST", "/api/v1/session", json_content, body, size);
	assert_error(r, 413, "body_too_large");
	/* nginx answered: vetd never saw them */
	cr_assert_eq(metric_sum(metrics(), "vetd_requests_total", session), 0);
	free(body);
}

Test(foundation, passwords_and_usernames_stay_out_of_the_log)
{
	static const char user[] = "zq-applicant-5521";
	static const char pass[] = "pw-7f3a9c-Tr0ub4dor&3";
	char body[256];
	const char *log, *rid;
	struct vt_response *r;
	int status;

	vt_start(&(struct vt_options){ .log_level = "debug" });

	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pass);
	r = vt_post_json("/api/v1/session", body);
	assert_error(r, 503, "directory_unavailable");
	rid = vt_header(r, "X-Request-Id");
	/* rejected attempts must not log what they rejected either */
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"", user, pass);
	assert_error(vt_post_json("/api/v1/session", body), 400, "invalid_json");
	snprintf(body, sizeof body, "{\"username\":[\"%s\"],\"password\":\"%s\"}", user, pass);
	assert_error(vt_post_json("/api/v1/session", body), 400, "bad_request");
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":7,\"x\":\"%s\"}",
		 user, pass);
	assert_error(vt_post_json("/api/v1/session", body), 400, "bad_request");
	assert_error(post_session("text/plain", body, strlen(body)),
		     415, "unsupported_media_type");

	/* stop vetd so that everything it had to say is in the file */
	vt_signal(vt_master(), SIGTERM);
	cr_assert(vt_wait_exit(vt.vetd_pid, 10000, &status), "vetd did not stop");
	log = vt_log();
	cr_assert_not_null(strstr(log, rid),
			   "the sign-in request %s is not in the log at all:\n%s", rid, log);
	cr_assert_null(strstr(log, pass), "the password is in the log:\n%s", log);
	cr_assert_null(strstr(log, user), "the username is in the log:\n%s", log);
}

Test(foundation, metrics_count_requests_and_show_the_schema)
{
	static const char *const unmatched[] = {
		"route=\"unmatched\"", "status=\"404\"", NULL,
	};
	struct vt_response *health, *before, *after;
	double count;
	int i;

	vt_start(NULL);
	before = metrics();
	count = vt_metric(before, health_total);
	cr_assert_geq(count, 1, "start-up checked health, yet %s is %g", health_total, count);

	for (i = 0; i < 5; i++)
		cr_assert_eq(vt_get("/api/v1/health")->status, 200);
	cr_assert_eq(vt_get("/api/v1/nope")->status, 404);
	health = vt_get("/api/v1/health");
	after = metrics();

	/* every worker's count is in the total */
	cr_assert_eq(vt_metric(after, health_total), count + 6,
		     "%s went from %g to %g after 6 requests",
		     health_total, count, vt_metric(after, health_total));
	cr_assert_eq(metric_sum(after, "vetd_requests_total", unmatched), 1,
		     "unmatched 404s are not counted:\n%s", after->body);
	cr_assert_eq(vt_metric(after, "vetd_schema_version"),
		     (double)json_integer_value(vt_json_get(health, "schema")),
		     "metrics:\n%s", after->body);
	cr_assert_geq(vt_metric(after,
				"vetd_request_duration_seconds_count{route=\"/api/v1/health\",method=\"GET\"}"),
		      6, "metrics:\n%s", after->body);
	cr_assert_eq(vt_metric(after, "vetd_worker_restarts_total"), 0);
}

Test(foundation, database_with_another_schema_makes_health_503)
{
	char *out = NULL;
	int i;

	vt_start(NULL);
	cr_assert_eq(vt_run(&out, "sqlite3 '%s' 'PRAGMA user_version=999'", vt.db), 0,
		     "sqlite3: %s", out);
	/* both workers notice */
	for (i = 0; i < 4; i++) {
		struct vt_response *r = vt_get("/api/v1/health");

		assert_error(r, 503, "database_unavailable");
		cr_assert_str_eq(or_none(vt_json_str(r, "status")), "unavailable");
	}
}

Test(foundation, web_ui_is_served_with_its_own_policy)
{
	struct vt_response *page, *route;
	const char *csp;

	vt_start(NULL);
	page = vt_get("/");
	cr_assert_eq(page->status, 200, "GET /: %ld", page->status);
	cr_assert_eq(strncmp(or_none(vt_header(page, "Content-Type")), "text/html", 9), 0);
	cr_assert_not_null(strstr(page->body, "<html"), "GET / is not the UI: %s", page->body);
	csp = or_none(vt_header(page, "Content-Security-Policy"));
	cr_assert_not_null(strstr(csp, "default-src 'self'"), "CSP of the UI: %s", csp);
	cr_assert_null(strstr(csp, "unsafe-inline"), "CSP of the UI: %s", csp);
	cr_assert_str_eq(or_none(vt_header(page, "X-Content-Type-Options")), "nosniff");

	/* client-side routes get the same page */
	route = vt_get("/cases/123/documents");
	cr_assert_eq(route->status, 200, "GET /cases/123/documents: %ld", route->status);
	cr_assert_str_eq(route->body, page->body);
}

/* --- the processes ---------------------------------------------------- */

Test(foundation, killed_worker_is_replaced_within_a_second)
{
	pid_t before[4], after[4];
	size_t n;
	long long killed, deadline;
	struct vt_response *r;

	vt_start(&(struct vt_options){ .workers = 1 });
	cr_assert_eq(vt_workers(before, 4), 1);

	vt_signal(before[0], SIGKILL);
	killed = vt_now_ms();
	deadline = killed + 1000;
	for (;;) {
		r = vt_get("/api/v1/health");
		if (r->status == 200 || vt_now_ms() >= deadline)
			break;
		vt_sleep_ms(20);
	}
	cr_assert_eq(r->status, 200, "no answer 1 s after the worker died: %ld %s",
		     r->status, r->body);
	cr_assert_leq(vt_now_ms() - killed, 1000, "the first answer took %lld ms",
		      vt_now_ms() - killed);

	n = vt_workers(after, 4);
	cr_assert_eq(n, 1, "%zu workers after the respawn", n);
	cr_assert_neq(after[0], before[0]);
	cr_assert_eq(vt_metric(metrics(), "vetd_worker_restarts_total"), 1);
}

Test(foundation, sigterm_finishes_the_request_in_flight)
{
	struct vt_response *r;
	pid_t master;
	int status;

	vt_start(&(struct vt_options){ .workers = 1, .drain_timeout = 5 });
	master = vt_master();

	r = sign_in_across_signal(master, SIGTERM);
	/* vetd's complete answer, not nginx's 502 */
	assert_error(r, 503, "directory_unavailable");

	cr_assert(vt_wait_exit(master, 5000, &status),
		  "vetd still runs 5 s (the drain timeout) after SIGTERM");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "vetd ended with wait status %#x", status);
	cr_assert(access(vt.socket, F_OK) != 0 && errno == ENOENT,
		  "the socket %s is still there", vt.socket);
	/* with vetd gone, nginx says so in JSON */
	assert_error(vt_get("/api/v1/health"), 502, "upstream_unavailable");
}

Test(foundation, sighup_applies_a_new_config_without_dropping_requests)
{
	pid_t old[8], now[8];
	size_t n = 0, i;
	long long deadline;
	int requests = 0;
	pid_t master;

	vt_start(&(struct vt_options){ .workers = 1 });
	master = vt_master();
	cr_assert_eq(vt_workers(old, 8), 1);

	/* 1 -> 2 workers, with requests going on all the while */
	vt_write_config(&(struct vt_options){ .workers = 2 });
	vt_signal(master, SIGHUP);
	deadline = vt_now_ms() + 5000;
	for (;;) {
		struct vt_response *r = vt_get("/api/v1/health");

		requests++;
		cr_assert_eq(r->status, 200, "request %d during the reload: %ld %s",
			     requests, r->status, r->body);
		n = vt_workers(now, 8);
		if (requests >= 20 && n == 2 && !contains_pid(now, n, old[0]))
			break;
		cr_assert_lt(vt_now_ms(), deadline,
			     "after 5 s: %zu workers, old worker %s", n,
			     contains_pid(now, n, old[0]) ? "still there" : "gone");
	}
	cr_assert(vt_wait_exit(old[0], 5000, NULL), "the old worker did not exit");

	/* 2 -> 3 workers while a request is being read */
	memcpy(old, now, sizeof now);
	vt_write_config(&(struct vt_options){ .workers = 3 });
	assert_error(sign_in_across_signal(master, SIGHUP), 503, "directory_unavailable");
	deadline = vt_now_ms() + 5000;
	while (n = vt_workers(now, 8), n != 3 || contains_pid(now, n, old[0]) ||
	       contains_pid(now, n, old[1])) {
		cr_assert_lt(vt_now_ms(), deadline, "%zu workers 5 s after SIGHUP", n);
		vt_sleep_ms(20);
	}
	for (i = 0; i < 6; i++)
		cr_assert_eq(vt_get("/api/v1/health")->status, 200);
	cr_assert_eq(vt_master(), master);
}

Test(foundation, sighup_with_a_bad_config_keeps_the_old_one)
{
	pid_t before[8], after[8];
	size_t n, logged, i;
	long long deadline;
	pid_t master;

	vt_start(&(struct vt_options){ .workers = 2 });
	master = vt_master();
	n = vt_workers(before, 8);
	cr_assert_eq(n, 2);
	logged = strlen(vt_log());

	vt_write_config(&(struct vt_options){ .workers = 2, .extra_config = "wrokers = 3" });
	vt_signal(master, SIGHUP);
	deadline = vt_now_ms() + 3000;
	while (strstr(vt_log() + logged, "wrokers") == NULL) {
		cr_assert_lt(vt_now_ms(), deadline,
			     "no error naming wrokers in the log after SIGHUP:\n%s",
			     vt_log() + logged);
		vt_sleep_ms(20);
	}

	for (i = 0; i < 6; i++)
		cr_assert_eq(vt_get("/api/v1/health")->status, 200);
	cr_assert_eq(vt_master(), master);
	cr_assert_eq(vt_workers(after, 8), 2);
	for (i = 0; i < n; i++)
		cr_assert(contains_pid(after, 2, before[i]),
			  "worker %d was replaced although the config was refused",
			  (int)before[i]);
}

Test(foundation, config_check_names_the_bad_key)
{
	static const char base[] =
		"listen = { socket = \"vetd.sock\" }\n"
		"database = \"vetd.db\"\n";
	static const struct {
		const char *what;
		const char *lines;
		const char *key;
	} cases[] = {
		{ "an unknown key", "wrokers = 2\n", "wrokers" },
		{ "no workers", "workers = 0\n", "workers" },
		{ "too many workers", "workers = 65\n", "workers" },
		{ "workers as a string", "workers = \"four\"\n", "workers" },
		{ "fractional workers", "workers = 2.5\n", "workers" },
		{ "a tiny max_body", "max_body = 10\n", "max_body" },
		{ "an unknown log level", "log_level = \"loud\"\n", "log_level" },
		{ "drain_timeout as a table", "drain_timeout = {}\n", "drain_timeout" },
		{ "an unknown listen key", "listen = { sockett = \"x.sock\" }\n", "sockett" },
		{ "a zero backlog", "listen = { socket = \"vetd.sock\", backlog = 0 }\n",
		  "backlog" },
	};
	char name[32], text[512], *out = NULL;
	const char *path;
	size_t i;
	int rc;

	vt_prepare(NULL);
	rc = vt_run(&out, "'%s' -n -f '%s'", vt.vetd_bin, vt.conf);
	cr_assert_eq(rc, 0, "the harness's own config is refused: %s", out);
	cr_assert_not_null(strstr(out, "configuration ok"), "%s", out);

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(name, sizeof name, "bad%zu.conf", i);
		snprintf(text, sizeof text, "%s%s", base, cases[i].lines);
		path = vt_write_file(name, text);
		rc = vt_run(&out, "'%s' -n -f '%s'", vt.vetd_bin, path);
		cr_expect_eq(rc, 1, "%s: exit %d: %s", cases[i].what, rc, out);
		cr_expect_not_null(strstr(out, cases[i].key),
				   "%s: the message does not name %s: %s",
				   cases[i].what, cases[i].key, out);
		cr_expect_not_null(strstr(out, path), "%s: the message does not name the file: %s",
				   cases[i].what, out);
	}
}
