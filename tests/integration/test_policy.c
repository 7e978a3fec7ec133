/*
 * Policy engine scenarios against the running stack (nginx, vetd, slapd):
 * a policy that loops, allocates without bound, fails or answers nonsense
 * is stopped with its file and line while the worker keeps serving; a
 * changed policy goes live without a restart, a broken one is refused and
 * the last good version stays (and vetctl policy status says why);
 * vetctl policy diff finds exactly the cases a draft changes; vetctl
 * policy test runs fixtures and fails on a failing one.
 *
 * Each test runs vetd on a policy tree of its own, written into the test's
 * directory, with the repository's scripts/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(policy, .fini = vt_stop, .timeout = 120);

/* A small policy whose adjudicate misbehaves on request (case.mode). */
static const char misbehaving_policy[] =
    "-- a policy for the tests: case.mode picks a way to misbehave\n"
    "local P = {}\n"
    "function P.requirements() return {} end\n"
    "function P.interview_triggers() return { needed = false,\n"
    "  two_interviewers = false, reasons = {} } end\n"
    "function P.on_event() return {} end\n"
    "function P.adjudicate(case, ws, ctx)\n"
    "  if case.mode == 'loop' then while true do end end\n"          /* 8 */
    "  if case.mode == 'bomb' then local t = {} for i = 1, 1e9 do\n" /* 9 */
    "    t[i] = string.rep('x', 64) .. i end end\n"                    /* 10 */
    "  if case.mode == 'error' then error('deliberate failure') end\n" /* 11 */
    "  if case.mode == 'nonsense' then return { recommendation = 'maybe',\n"
    "    reasons = {} } end\n"
    "  if case.mode == 'escape' then return { recommendation =\n"
    "    tostring(io) .. tostring(os), reasons = {} } end\n"
    "  if case.mode == 'outside' then require('../../etc/passwd') end\n"
    "  return { recommendation = 'VERDICT', reasons = {\n"
    "    { text = 'test policy', cites = { 'test' } } } }\n"
    "end\n"
    "return P\n";

/* Write the default policy with VERDICT replaced by verdict. */
static void
write_policy(const char *verdict)
{
	char	*text, *p;
	size_t	 n = sizeof(misbehaving_policy) + 64;

	text = calloc(1, n);
	cr_assert_not_null(text);
	p = strstr(misbehaving_policy, "VERDICT");
	snprintf(text, n, "%.*s%s%s", (int)(p - misbehaving_policy),
	    misbehaving_policy, verdict, p + strlen("VERDICT"));
	vt_write_file("policies/default/policy.lua.new", text);
	free(text);
	/* appear at once, never half written */
	cr_assert_eq(vt_run(NULL, "mv policies/default/policy.lua.new "
	    "policies/default/policy.lua"), 0);
}

static void
write_fixture(const char *expect)
{
	char	buf[256];

	snprintf(buf, sizeof(buf), "{\"name\":\"clean case\",\"case\":{},"
	    "\"expect\":{\"recommendation\":\"%s\"}}\n", expect);
	vt_write_file("policies/default/tests/clean.json", buf);
}

/* Start the stack with its own policy tree (checked every second). */
static void
start_with_policy(const char *verdict)
{
	struct vt_options	o = { 0 };
	char			extra[8500];

	o.ldap.enabled = true;
	o.workers = 2;
	vt_prepare(&o);
	cr_assert_eq(vt_run(NULL, "mkdir -p policies/default/tests"), 0);
	write_policy(verdict);
	write_fixture(verdict);
	snprintf(extra, sizeof(extra), "policies = { dir = \"%s\", scripts = "
	    "\"%s/scripts\", check_interval = 1, instruction_budget = 2000000,"
	    " memory_cap = 8388608 }\n", vt_path("policies"), vt.srcdir);
	o.extra_config = extra;
	vt_write_config(&o);
	vt_start(&o);
}

static struct vt_response *
evaluate(const struct vt_who *who, const char *mode)
{
	char	body[256];

	snprintf(body, sizeof(body), "{\"function\":\"adjudicate\","
	    "\"case\":{\"mode\":\"%s\"},\"worksheet\":{}}", mode);
	return vt_call("POST", "/api/v1/policy/evaluate", who, NULL, body);
}

/* The running version, as GET /api/v1/policy says. */
static const char *
version(const struct vt_who *who)
{
	struct vt_response *r = vt_call("GET", "/api/v1/policy", who, NULL,
	    NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	return vt_json_str(r, "version");
}

Test(policy, runaway_scripts_are_stopped_and_the_worker_lives)
{
	static const struct {
		const char *mode;
		const char *want;	/* in the error message */
		const char *line;	/* file:line it must name */
	} cases[] = {
		{ "loop", "instruction budget exceeded", "default/policy.lua:8" },
		{ "bomb", "memory cap exceeded", "default/policy.lua:" },
		{ "error", "deliberate failure", "default/policy.lua:11" },
		{ "nonsense", "malformed answer", NULL },
		{ "escape", "malformed answer", NULL },
		{ "outside", "not allowed", "default/policy.lua:" },
	};
	struct vt_who		 adj;
	struct vt_response	*r;
	pid_t			 before[8], after[8];
	size_t			 nb, na, i;

	start_with_policy("grant");
	adj = vt_sign_in("northbridge-adjudicator", VT_DEMO_PASSWORD, NULL);
	nb = vt_workers(before, 8);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = evaluate(&adj, cases[i].mode);
		cr_expect_eq(r->status, 422, "%s: %ld %s", cases[i].mode,
		    r->status, r->body);
		cr_expect_str_eq(vt_json_str(r, "error.code"), "policy_error",
		    "%s", cases[i].mode);
		cr_expect_not_null(strstr(r->body, cases[i].want), "%s: %s",
		    cases[i].mode, r->body);
		if (cases[i].line != NULL)
			cr_expect_not_null(strstr(r->body, cases[i].line),
			    "%s: no %s in %s", cases[i].mode, cases[i].line,
			    r->body);
		/* the same worker answers a good call right after */
		r = evaluate(&adj, "fine");
		cr_expect_eq(r->status, 200, "after %s: %s", cases[i].mode,
		    r->body);
		cr_expect_str_eq(vt_json_str(r, "result.recommendation"),
		    "grant");
	}
	na = vt_workers(after, 8);
	cr_assert_eq(na, nb);
	for (i = 0; i < na; i++)
		cr_expect_eq(after[i], before[i], "a worker was replaced");
	r = vt_get("/metrics");
	cr_expect_eq(vt_metric(r, "vetd_worker_restarts_total"), 0);
}

/* Poll GET /api/v1/policy until the version is not `old` (10 s). */
static const char *
wait_new_version(const struct vt_who *who, const char *old)
{
	long long	deadline = vt_now_ms() + 10000;
	const char	*v;

	do {
		v = version(who);
		if (v != NULL && strcmp(v, old) != 0)
			return v;
		vt_sleep_ms(200);
	} while (vt_now_ms() < deadline);
	cr_assert_fail("the policy version did not change from %.12s", old);
	return NULL;
}

/*
 * Each worker looks at the files on its own, every check_interval (1 s
 * here), and one may have refused the new files in the moment between the
 * policy and its fixture being written: after two intervals every worker
 * has looked again. Then several calls in a row must run version v.
 */
static void
wait_everywhere(const struct vt_who *who, const char *v)
{
	long long		 deadline = vt_now_ms() + 10000;
	struct vt_response	*r;
	int			 streak = 0;

	vt_sleep_ms(2500);
	while (streak < 6) {
		r = evaluate(who, "fine");
		streak = r->status == 200 &&
		    strcmp(vt_json_str(r, "version"), v) == 0 ? streak + 1 : 0;
		if (vt_now_ms() > deadline)
			cr_assert_fail("not every worker runs %.12s", v);
		if (streak == 0)
			vt_sleep_ms(200);
	}
}

Test(policy, reload_switches_without_restart_and_keeps_the_last_good)
{
	struct vt_who		 adj;
	struct vt_response	*r;
	char			 v1[65], v2[65], *out = NULL;
	pid_t			 master;
	int			 i;

	start_with_policy("grant");
	master = vt_master();
	adj = vt_sign_in("northbridge-adjudicator", VT_DEMO_PASSWORD, NULL);
	snprintf(v1, sizeof(v1), "%s", version(&adj));
	cr_assert_eq(strlen(v1), 64);

	/* a good change goes live, no restart */
	write_policy("refer");
	write_fixture("refer");
	snprintf(v2, sizeof(v2), "%s", wait_new_version(&adj, v1));
	wait_everywhere(&adj, v2);
	r = evaluate(&adj, "fine");
	cr_assert_str_eq(vt_json_str(r, "result.recommendation"), "refer");
	cr_assert_str_eq(vt_json_str(r, "version"), v2);
	cr_assert_eq(vt_master(), master);

	/* a syntax error is refused: v2 stays, every worker keeps it */
	vt_write_file("policies/default/policy.lua", "return { this is not lua");
	vt_sleep_ms(2500);
	for (i = 0; i < 6; i++) {
		cr_expect_str_eq(version(&adj), v2);
		r = evaluate(&adj, "fine");
		cr_expect_str_eq(vt_json_str(r, "result.recommendation"),
		    "refer");
	}
	cr_assert_eq(vt_vetctl(&out, "policy status"), 0);
	cr_expect_not_null(strstr(out, "default/policy.lua:1"), "%s", out);
	cr_expect_not_null(strstr(out, "do NOT pass"), "%s", out);

	/* a version whose own fixture fails is refused too */
	write_policy("deny");
	vt_sleep_ms(2500);
	cr_expect_str_eq(version(&adj), v2);
	cr_assert_eq(vt_vetctl(&out, "policy status"), 0);
	cr_expect_not_null(strstr(out, "fixtures fail"), "%s", out);

	/* fixing the fixture lets it live */
	write_fixture("deny");
	wait_everywhere(&adj, wait_new_version(&adj, v2));
	r = evaluate(&adj, "fine");
	cr_expect_str_eq(vt_json_str(r, "result.recommendation"), "deny");
	cr_assert_eq(vt_master(), master);
}

Test(policy, diff_finds_exactly_the_changed_cases)
{
	struct vt_options	 o = { 0 };
	char			*out = NULL, name[64], body[256], extra[8500];
	int			 i;

	o.workers = 1;
	vt_prepare(&o);
	cr_assert_eq(vt_run(NULL, "mkdir -p policies/default policies/acme "
	    "draft cases"), 0);
	vt_write_file("policies/default/policy.lua",
	    "return {\n"
	    " requirements = function() return {} end,\n"
	    " interview_triggers = function() return { needed = false,\n"
	    "   two_interviewers = false } end,\n"
	    " on_event = function() return {} end,\n"
	    " adjudicate = function(case) return { recommendation =\n"
	    "   case.score > 5 and 'deny' or 'grant', reasons = {\n"
	    "   { text = 'score', cites = { 'score' } } } } end }\n");
	/* the draft moves the line from 5 to 7: scores 6 and 7 change */
	vt_write_file("draft/policy.lua",
	    "return { adjudicate = function(case) return { recommendation =\n"
	    "  case.score > 7 and 'deny' or 'grant', reasons = {\n"
	    "  { text = 'score', cites = { 'score' } } } } end }\n");
	for (i = 0; i <= 10; i++) {
		snprintf(name, sizeof(name), "cases/score-%02d.json", i);
		snprintf(body, sizeof(body), "{\"name\":\"score %d\",\"case\":"
		    "{\"score\":%d},\"worksheet\":{}}", i, i);
		vt_write_file(name, body);
	}
	snprintf(extra, sizeof(extra), "policies = { dir = \"%s\", scripts = "
	    "\"%s/scripts\" }\n", vt_path("policies"), vt.srcdir);
	o.extra_config = extra;
	vt_write_config(&o);
	cr_assert_eq(vt_vetctl(NULL, "db migrate"), 0);

	cr_assert_eq(vt_vetctl(&out, "policy diff acme --draft %s --cases %s",
	    vt_path("draft"), vt_path("cases")), 0, "%s", out);
	cr_expect_not_null(strstr(out, "11 cases, 2 would change, 0 errors"),
	    "%s", out);
	cr_expect_not_null(strstr(out, "score 6: deny -> grant"), "%s", out);
	cr_expect_not_null(strstr(out, "score 7: deny -> grant"), "%s", out);
	cr_expect_null(strstr(out, "score 5:"), "%s", out);
	cr_expect_null(strstr(out, "score 8:"), "%s", out);
	cr_expect_not_null(strstr(out, "deny -> grant"), "%s", out);

	/* it changes nothing: the same diff again gives the same answer */
	cr_assert_eq(vt_vetctl(&out, "policy diff acme --draft %s --cases %s "
	    "--jobs 1", vt_path("draft"), vt_path("cases")), 0, "%s", out);
	cr_expect_not_null(strstr(out, "11 cases, 2 would change, 0 errors"),
	    "%s", out);
	/* a draft that does not load is an error, not a silent pass */
	vt_write_file("draft/policy.lua", "return {");
	cr_expect_neq(vt_vetctl(&out, "policy diff acme --draft %s --cases %s",
	    vt_path("draft"), vt_path("cases")), 0, "%s", out);
}

Test(policy, test_command_reports_and_fails_on_a_failing_fixture)
{
	struct vt_options	 o = { 0 };
	char			*out = NULL, extra[8500];

	vt_prepare(&o);
	cr_assert_eq(vt_run(NULL, "mkdir -p policies/default/tests"), 0);
	write_policy("grant");
	write_fixture("grant");
	snprintf(extra, sizeof(extra), "policies = { dir = \"%s\", scripts = "
	    "\"%s/scripts\" }\n", vt_path("policies"), vt.srcdir);
	o.extra_config = extra;
	vt_write_config(&o);
	cr_assert_eq(vt_vetctl(NULL, "db migrate"), 0);
	cr_assert_eq(vt_vetctl(&out, "policy test default"), 0, "%s", out);
	cr_expect_not_null(strstr(out, "PASS clean case"), "%s", out);
	cr_expect_not_null(strstr(out, "1 passed, 0 failed"), "%s", out);
	write_fixture("deny");
	cr_assert_eq(vt_vetctl(&out, "policy test default"), 1, "%s", out);
	cr_expect_not_null(strstr(out, "FAIL clean case"), "%s", out);
	cr_expect_not_null(strstr(out, "recommendation grant, expected deny"),
	    "%s", out);
	cr_expect_not_null(strstr(out, "0 passed, 1 failed"), "%s", out);
}

/*
 * GET /api/v1/guidelines: the catalog the worksheet screen draws (NZSIS
 * guidelines A-G, reference 002), from scripts/guidelines.lua: each
 * guideline with its items in document order and their kinds, the
 * protections marked, the conduct factors with their values; a role that
 * may not read the policy gets 403.
 */
Test(policy, guidelines_catalog_is_served_for_the_worksheet)
{
	struct vt_who		 adj, app;
	struct vt_response	*r;
	json_t			*g, *items, *it, *c = NULL, *b = NULL, *f;
	size_t			 i, k;
	int			 c7 = -1, c15 = -1, b4_protective = 0;

	start_with_policy("grant");
	adj = vt_sign_in("northbridge-adjudicator", VT_DEMO_PASSWORD, NULL);
	r = vt_call("GET", "/api/v1/guidelines", &adj, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	g = vt_json_get(r, "guidelines");
	cr_assert(json_is_array(g) && json_array_size(g) == 7, "%s", r->body);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(g, 0),
	    "id")), "A");
	json_array_foreach(g, i, it) {
		const char *id = json_string_value(json_object_get(it, "id"));
		if (strcmp(id, "C") == 0)
			c = it;
		if (strcmp(id, "B") == 0)
			b = it;
	}
	cr_assert_not_null(c);
	cr_assert_not_null(b);
	cr_expect_str_eq(json_string_value(json_object_get(c, "title")),
	    "Financial considerations");
	items = json_object_get(c, "items");
	json_array_foreach(items, k, it) {
		const char *id = json_string_value(json_object_get(it, "id"));
		const char *kind = json_string_value(json_object_get(it, "kind"));
		cr_expect_eq(id[0], 'C', "%s is not guideline C's", id);
		if (strcmp(id, "C7") == 0) {
			c7 = (int)k;
			cr_expect_str_eq(kind, "disqualifying");
		}
		if (strcmp(id, "C15") == 0) {
			c15 = (int)k;
			cr_expect_str_eq(kind, "mitigating");
		}
	}
	cr_expect(c7 >= 0 && c15 > c7, "C7 and C15 in document order: %d %d",
	    c7, c15);
	json_array_foreach(json_object_get(b, "items"), k, it)
		if (strcmp(json_string_value(json_object_get(it, "id")),
		    "B4") == 0)
			b4_protective = json_is_true(json_object_get(it,
			    "protective"));
	cr_expect(b4_protective, "B4 is a protection");
	f = vt_json_get(r, "conduct_factors");
	cr_assert(json_is_array(f) && json_array_size(f) == 9, "%s", r->body);
	cr_expect(json_is_array(json_object_get(json_array_get(f, 0),
	    "values")));
	cr_expect_eq(json_array_size(vt_json_get(r, "patterns")), 7);
	cr_expect(json_array_size(vt_json_get(r, "holder_factors")) >= 4);

	app = vt_sign_in("northbridge-applicant", VT_DEMO_PASSWORD, NULL);
	r = vt_call("GET", "/api/v1/guidelines", &app, NULL, NULL);
	cr_expect_eq(r->status, 403, "%s", r->body);
	cr_expect_str_eq(vt_json_str(r, "error.code"), "forbidden");
}

/*
 * A read-only route that refuses its query string before reading anything
 * (GET /api/v1/cases?limit=999) used to leave its worker inside an empty
 * read snapshot: the worker's next write never committed and held the
 * write lock, so every sign-in after it answered 503. Both workers take
 * several such requests; sign-ins and a change still work.
 */
Test(policy, a_refused_query_leaves_no_transaction_open)
{
	struct vt_who		 cso, who;
	struct vt_response	*r;
	int			 i;

	struct vt_options	 o = { 0 };

	/* one worker, so that the sign-in meets the refused request's */
	o.ldap.enabled = true;
	o.workers = 1;
	vt_prepare(&o);
	vt_write_config(&o);
	vt_start(&o);
	cso = vt_sign_in("northbridge-cso", VT_DEMO_PASSWORD, NULL);
	for (i = 0; i < 3; i++) {
		r = vt_call("GET", "/api/v1/cases?limit=999", &cso, NULL, NULL);
		cr_assert_eq(r->status, 400, "%s", r->body);
		r = vt_post_json("/api/v1/session", "{\"username\":"
		    "\"northbridge-screening\",\"password\":\"vetd-demo\"}");
		cr_assert_eq(r->status, 200, "sign-in after a refused query: "
		    "%s", r->body);
	}
	who = vt_sign_in("northbridge-screening", VT_DEMO_PASSWORD, NULL);
	r = vt_call("GET", "/api/v1/me", &who, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	r = vt_call("POST", "/api/v1/persons", &cso, NULL,
	    "{\"name\":\"Avery Quinn\",\"date_of_birth\":\"1990-01-02\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
}
