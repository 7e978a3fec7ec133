/*
 * Unit tests of policy, each on a throwaway policy tree and database in a
 * temporary directory. The tree's default policy echoes an answer the test
 * puts in its input (worksheet.answer, case.answer, event.answer), so the
 * checks of answers can be driven from JSON. Covered: where a set's files
 * are (lookup order, labels, configured and draft directories, the tests/
 * directory used), loading with checks (the four functions, the set's own
 * fixtures, under the organization's and site's context), the checks of
 * each function's answer, the decision ceiling, the fixture runner (every
 * kind of expectation passing and failing, files that are not fixtures),
 * the registry (first load and archive, the status row, reuse, reload after
 * the check interval or invalidation, a broken version kept out with its
 * error recorded, repair), and replay of an archived version after the
 * files changed.
 */
#include "autoconf.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "config.h"
#include "log.h"
#include "luahost.h"
#include "policy.h"
#include "store.h"
#include "util.h"

#include "fixture.h"

static char root[64];
static char d_pol[PATH_MAX], d_scripts[PATH_MAX], dbpath[PATH_MAX];
static char err[4096];
static struct config cfg;
static struct config_org orgs[1];
static struct store *st;
static struct policy_registry *reg;
static struct policy *pol;
static struct policy_paths pp;

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void setup(void)
{
	log_set_level(LOG_LVL_ERROR);
	snprintf(root, sizeof(root), "/tmp/vetd-unit-policy-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp");
	snprintf(d_pol, sizeof(d_pol), "%s/policies", root);
	snprintf(d_scripts, sizeof(d_scripts), "%s/scripts", root);
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", root);
	memset(&cfg, 0, sizeof(cfg));
	memset(orgs, 0, sizeof(orgs));
	cfg.policy_dir = d_pol;
	cfg.scripts_dir = d_scripts;
	cfg.policy_check = 1;
	cfg.policy_budget = 2000000;
	cfg.policy_memory = 16LL * 1024 * 1024;
	st = NULL;
	reg = NULL;
	pol = NULL;
}

static void teardown(void)
{
	luahost_free(pol);
	pol = NULL;
	policy_registry_free(reg);
	reg = NULL;
	store_close(st);
	st = NULL;
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(policy, .init = setup, .fini = teardown, .timeout = 30);

/* Write text to root/rel, making the directories on the way. */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *fp;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "fopen %s", path);
	cr_assert_eq(fwrite(text, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

/* put() for JSON written with ' for " (readable fixtures). */
static void putj(const char *rel, const char *text)
{
	char *t = xstrdup(text), *s;

	for (s = t; *s != '\0'; s++)
		if (*s == '\'')
			*s = '"';
	put(rel, t);
	free(t);
}

/* JSON from text written with ' for ". */
static json_t *jq(const char *text)
{
	char *t = xstrdup(text), *s;
	json_error_t jerr;
	json_t *j;

	for (s = t; *s != '\0'; s++)
		if (*s == '\'')
			*s = '"';
	j = json_loads(t, JSON_DECODE_ANY, &jerr);
	cr_assert_not_null(j, "bad test JSON %s: %s", t, jerr.text);
	free(t);
	return j;
}

/* The default policy: each function answers what its input carries. */
static const char echo_policy[] =
    "return {\n"
    "  requirements = function(case, ctx)\n"
    "    if case and case.answer ~= nil then return case.answer end\n"
    "    return {}\n"
    "  end,\n"
    "  interview_triggers = function(case, ctx)\n"
    "    if case and case.answer ~= nil then return case.answer end\n"
    "    return { needed = false, two_interviewers = false, reasons = {} }\n"
    "  end,\n"
    "  adjudicate = function(case, ws, ctx)\n"
    "    if ws and ws.answer ~= nil then return ws.answer end\n"
    "    return { recommendation = 'grant',\n"
    "      reasons = { { text = 'default', cites = { 'A1' } } } }\n"
    "  end,\n"
    "  on_event = function(ev, case, ctx)\n"
    "    if ev and ev.answer ~= nil then return ev.answer end\n"
    "    return {}\n"
    "  end,\n"
    "}\n";

/* An organization policy whose adjudicate cites `tag` (with a script). */
static void write_acme(const char *tag)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "local lib = require('lib')\n"
		 "return {\n"
		 "  adjudicate = function(case, ws, ctx)\n"
		 "    return { recommendation = lib.rec,\n"
		 "      reasons = { { text = 'acme', cites = { '%s' } } } }\n"
		 "  end,\n"
		 "}\n", tag);
	put("policies/acme/policy.lua", text);
}

static void write_base(void)
{
	put("policies/default/policy.lua", echo_policy);
	put("policies/default/settings.lua",
	    "return { response_days = 20, levels = { 'SASC' } }\n");
	put("scripts/lib.lua", "return { rec = 'grant' }\n");
}

static struct store *open_db(void)
{
	st = fixture_db_open(dbpath);
	return st;
}

/* The first column of the first row of sql with ?1 = a, ?2 = b; a new
 * string, or NULL for SQL NULL or no row. */
static char *query_text(const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *s;
	char *v = NULL;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	if (a != NULL)
		sqlite3_bind_text(s, 1, a, -1, SQLITE_TRANSIENT);
	if (b != NULL)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

static long long query_int(const char *sql, const char *a)
{
	char *v = query_text(sql, a, NULL);
	long long n;

	cr_assert_not_null(v, "%s: no value", sql);
	n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

/* The version the files of (org, site) have now. */
static const char *version_now(const char *org, const char *site)
{
	static char v[65];
	struct policy_paths p;

	policy_paths(&cfg, org, site, NULL, &p);
	cr_assert_eq(luahost_source_version(&p.src, v, err, sizeof(err)), 0,
		     "%s", err);
	return v;
}

/* Load (org, site) with checks; it must load. */
static struct policy *load_checked(const char *org, const char *site)
{
	struct policy *p;

	policy_paths(&cfg, org, site, NULL, &pp);
	err[0] = '\0';
	p = policy_load_checked(&pp, err, sizeof(err));
	cr_assert_not_null(p, "policy_load_checked: %s", err);
	return p;
}

/* Loading (org, site) with checks fails with an error holding want. */
static void load_checked_fails(const char *org, const char *site,
			       const char *want)
{
	struct policy *p;

	policy_paths(&cfg, org, site, NULL, &pp);
	err[0] = '\0';
	p = policy_load_checked(&pp, err, sizeof(err));
	if (p != NULL)
		luahost_free(p);
	cr_assert_null(p, "the set passed its checks; expected \"%s\"", want);
	cr_assert_not_null(strstr(err, want), "error \"%s\" lacks \"%s\"", err,
			   want);
}

/* adjudicate's cites, flattened into one array (new). */
static json_t *cites_of(json_t *r)
{
	json_t *out = json_array(), *reason, *c;
	size_t i, j;

	json_array_foreach(json_object_get(r, "reasons"), i, reason)
		json_array_foreach(json_object_get(reason, "cites"), j, c)
			json_array_append(out, c);
	return out;
}

static int has_string(json_t *a, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The recommendation of r. */
static const char *rec_of(json_t *r)
{
	json_t *v = json_object_get(r, "recommendation");

	cr_assert(json_is_string(v), "no recommendation");
	return json_string_value(v);
}

/* adjudicate of p on an empty case; must succeed. A new answer. */
static json_t *adjudicate(struct policy *p, const char *ws_text,
			  unsigned automation, int automated)
{
	json_t *kase = json_object(), *ws = jq(ws_text), *ctx, *r = NULL;

	ctx = policy_ctx(p, "acme", NULL, "2026-06-01", automated);
	err[0] = '\0';
	cr_assert_eq(policy_adjudicate(p, kase, ws, ctx, automation, automated,
		     &r, err, sizeof(err)), 0, "policy_adjudicate: %s", err);
	cr_assert_not_null(r);
	json_decref(kase);
	json_decref(ws);
	json_decref(ctx);
	return r;
}

/* The first cite of the adjudication of p (an empty worksheet). */
static char *first_cite(struct policy *p)
{
	json_t *r = adjudicate(p, "{}", 0, 0), *c = cites_of(r);
	char *s;

	cr_assert_gt(json_array_size(c), 0);
	s = xstrdup(json_string_value(json_array_get(c, 0)));
	json_decref(c);
	json_decref(r);
	return s;
}

/* --- where the files are -------------------------------------------------- */

Test(policy, paths_of_the_default_set)
{
	char want[PATH_MAX + 16];

	policy_paths(&cfg, NULL, NULL, NULL, &pp);
	snprintf(want, sizeof(want), "%s/default", d_pol);
	cr_assert_str_eq(pp.src.dirs[0], want);
	cr_assert_str_eq(pp.src.labels[0], "default/");
	cr_assert_null(pp.src.dirs[1]);
	cr_assert_str_eq(pp.src.scripts_dir, d_scripts);
	cr_assert_eq(pp.src.budget, cfg.policy_budget);
	cr_assert_eq(pp.src.memory, cfg.policy_memory);
	cr_assert_eq(pp.org_label[0], '\0');
}

Test(policy, paths_of_an_org_and_a_site)
{
	char want[PATH_MAX + 64];

	policy_paths(&cfg, "acme", NULL, NULL, &pp);
	snprintf(want, sizeof(want), "%s/acme", d_pol);
	cr_assert_str_eq(pp.src.dirs[0], want);
	cr_assert_str_eq(pp.src.labels[0], "acme/");
	snprintf(want, sizeof(want), "%s/default", d_pol);
	cr_assert_str_eq(pp.src.dirs[1], want);
	cr_assert_str_eq(pp.src.labels[1], "default/");
	cr_assert_null(pp.src.dirs[2]);

	policy_paths(&cfg, "acme", "plant-a", NULL, &pp);
	snprintf(want, sizeof(want), "%s/acme/sites/plant-a", d_pol);
	cr_assert_str_eq(pp.src.dirs[0], want);
	cr_assert_str_eq(pp.src.labels[0], "acme/sites/plant-a/");
	snprintf(want, sizeof(want), "%s/acme", d_pol);
	cr_assert_str_eq(pp.src.dirs[1], want);
	cr_assert_str_eq(pp.src.labels[1], "acme/");
	snprintf(want, sizeof(want), "%s/default", d_pol);
	cr_assert_str_eq(pp.src.dirs[2], want);
	cr_assert_str_eq(pp.src.labels[2], "default/");
	cr_assert_str_eq(pp.src.scripts_dir, d_scripts);
}

Test(policy, paths_of_a_configured_and_a_draft_dir)
{
	char want[PATH_MAX + 64];

	orgs[0].slug = "acme";
	orgs[0].policies = "/srv/rules/acme-2026";
	orgs[0].automation = 1u << OUTCOME_GRANT;
	cfg.orgs = orgs;
	cfg.norgs = 1;
	policy_paths(&cfg, "acme", "plant-a", NULL, &pp);
	cr_assert_str_eq(pp.src.dirs[0], "/srv/rules/acme-2026/sites/plant-a");
	cr_assert_str_eq(pp.src.labels[0], "acme/sites/plant-a/");
	cr_assert_str_eq(pp.src.dirs[1], "/srv/rules/acme-2026");
	cr_assert_str_eq(pp.src.labels[1], "acme/");
	snprintf(want, sizeof(want), "%s/default", d_pol);
	cr_assert_str_eq(pp.src.dirs[2], want);
	/* another org still lives under the policies directory */
	policy_paths(&cfg, "other", NULL, NULL, &pp);
	snprintf(want, sizeof(want), "%s/other", d_pol);
	cr_assert_str_eq(pp.src.dirs[0], want);
	/* a draft replaces the organization's directory */
	policy_paths(&cfg, "acme", NULL, "/home/me/draft", &pp);
	cr_assert_str_eq(pp.src.dirs[0], "/home/me/draft");
	cr_assert_str_eq(pp.src.labels[0], "acme/");
	policy_paths(&cfg, "acme", "plant-a", "/home/me/draft", &pp);
	cr_assert_str_eq(pp.src.dirs[0], "/home/me/draft/sites/plant-a");
	cr_assert_str_eq(pp.src.dirs[1], "/home/me/draft");
}

Test(policy, tests_dir_is_the_most_specific_with_tests)
{
	char buf[PATH_MAX + 16], want[PATH_MAX + 64];

	policy_paths(&cfg, "acme", "plant-a", NULL, &pp);
	cr_assert_null(policy_tests_dir(&pp, buf, sizeof(buf)));
	put("policies/default/tests/a.json", "[]");
	snprintf(want, sizeof(want), "%s/default/tests", d_pol);
	cr_assert_str_eq(policy_tests_dir(&pp, buf, sizeof(buf)), want);
	put("policies/acme/tests/a.json", "[]");
	snprintf(want, sizeof(want), "%s/acme/tests", d_pol);
	cr_assert_str_eq(policy_tests_dir(&pp, buf, sizeof(buf)), want);
	put("policies/acme/sites/plant-a/tests/a.json", "[]");
	snprintf(want, sizeof(want), "%s/acme/sites/plant-a/tests", d_pol);
	cr_assert_str_eq(policy_tests_dir(&pp, buf, sizeof(buf)), want);
	/* the org set does not see the site's */
	policy_paths(&cfg, "acme", NULL, NULL, &pp);
	snprintf(want, sizeof(want), "%s/acme/tests", d_pol);
	cr_assert_str_eq(policy_tests_dir(&pp, buf, sizeof(buf)), want);
	policy_paths(&cfg, NULL, NULL, NULL, &pp);
	snprintf(want, sizeof(want), "%s/default/tests", d_pol);
	cr_assert_str_eq(policy_tests_dir(&pp, buf, sizeof(buf)), want);
	/* a plain file named tests is not a directory of fixtures */
	put("policies/other/tests", "x");
	policy_paths(&cfg, "other", NULL, NULL, &pp);
	snprintf(want, sizeof(want), "%s/default/tests", d_pol);
	cr_assert_str_eq(policy_tests_dir(&pp, buf, sizeof(buf)), want);
}

/* --- loading with checks -------------------------------------------------- */

Test(policy, load_checked_accepts_a_good_set)
{
	write_base();
	write_acme("ACME1");
	putj("policies/acme/tests/one.json",
	     "{ 'name': 'acme grants', 'expect': { 'recommendation': 'grant',"
	     "  'cites': ['ACME1'] } }");
	pol = load_checked("acme", NULL);
	cr_assert_str_eq(luahost_version(pol), version_now("acme", NULL));
	luahost_free(pol);
	pol = load_checked(NULL, NULL);
}

Test(policy, load_checked_needs_every_function)
{
	static const char *const fns[] = {
		"requirements", "interview_triggers", "adjudicate", "on_event",
		NULL
	};
	const char *const *fn;
	char text[512], want[100];

	for (fn = fns; *fn != NULL; fn++) {
		snprintf(text, sizeof(text), "local p = {\n"
			 "  requirements = function() return {} end,\n"
			 "  interview_triggers = function() return {} end,\n"
			 "  adjudicate = function() return {} end,\n"
			 "  on_event = function() return {} end,\n"
			 "}\np['%s'] = nil\nreturn p\n", *fn);
		put("policies/default/policy.lua", text);
		snprintf(want, sizeof(want), "does not define %s", *fn);
		load_checked_fails(NULL, NULL, want);
		load_checked_fails("acme", "plant-a", want);
	}
	/* the org may define one function and take the rest from default */
	put("policies/default/policy.lua", echo_policy);
	put("scripts/lib.lua", "return { rec = 'grant' }\n");
	write_acme("X");
	pol = load_checked("acme", NULL);
}

Test(policy, load_checked_refuses_a_failing_fixture)
{
	write_base();
	write_acme("ACME1");
	putj("policies/acme/tests/a.json",
	     "[{ 'name': 'grants', 'expect': { 'recommendation': 'grant' } },"
	     " { 'name': 'cites the rule ACME2', 'expect': { 'cites': ['ACME2'] } }]");
	load_checked_fails("acme", NULL, "cites the rule ACME2");
	cr_assert_not_null(strstr(err, "1 of 2"), "%s", err);
	cr_assert_not_null(strstr(err, "ACME2 missing"), "%s", err);
	/* a fixture file that is not JSON fails the set too */
	putj("policies/acme/tests/a.json",
	     "{ 'name': 'grants', 'expect': { 'recommendation': 'grant' } }");
	put("policies/acme/tests/b.json", "{ \"name\": ");
	load_checked_fails("acme", NULL, "b.json");
}

/* The set's own fixtures run as `vetctl policy test` runs them: ctx.org is
 * the organization's slug. */
Test(policy, load_checked_runs_fixtures_as_the_org)
{
	write_base();
	put("policies/acme/policy.lua",
	    "return { adjudicate = function(case, ws, ctx)\n"
	    "  return { recommendation = ctx.org == 'acme' and 'grant' or 'refer',\n"
	    "    reasons = { { text = 'org ' .. tostring(ctx.org),\n"
	    "                  cites = { 'ORG' } } } }\n"
	    "end }\n");
	putj("policies/acme/tests/org.json",
	     "{ 'name': 'acme is acme', 'expect': { 'recommendation': 'grant' } }");
	pol = load_checked("acme", NULL);
}

/* A site's fixtures run with ctx.site set to the site. */
Test(policy, load_checked_runs_site_fixtures_as_the_site)
{
	write_base();
	put("policies/acme/sites/plant-a/policy.lua",
	    "return { adjudicate = function(case, ws, ctx)\n"
	    "  return { recommendation = ctx.site == 'plant-a' and 'grant' or 'refer',\n"
	    "    reasons = { { text = 'site ' .. tostring(ctx.site),\n"
	    "                  cites = { 'SITE' } } } }\n"
	    "end }\n");
	putj("policies/acme/sites/plant-a/tests/site.json",
	     "{ 'name': 'plant-a is plant-a', 'expect': { 'recommendation': 'grant' } }");
	pol = load_checked("acme", "plant-a");
}

/* --- answers are checked ----------------------------------------------------- */

/* policy_call of fn with (in, ctx) or (event, case, ctx); rc, err. */
static int call_fn(struct policy *p, const char *fn, const char *answer,
		   json_t **out)
{
	json_t *in = json_object(), *ctx, *args[3], *r = NULL;
	int rc;

	json_object_set_new(in, "answer", jq(answer));
	ctx = policy_ctx(p, "acme", NULL, "2026-06-01", 0);
	err[0] = '\0';
	if (strcmp(fn, "on_event") == 0) {
		args[0] = in;
		args[1] = json_object();
		args[2] = ctx;
		rc = policy_call(p, fn, args, 3, &r, err, sizeof(err));
		json_decref(args[1]);
	} else {
		args[0] = in;
		args[1] = ctx;
		rc = policy_call(p, fn, args, 2, &r, err, sizeof(err));
	}
	json_decref(in);
	json_decref(ctx);
	if (rc != 0)
		cr_assert_null(r, "an answer with an error");
	if (out != NULL)
		*out = r;
	else
		json_decref(r);
	return rc;
}

static void answer_ok(struct policy *p, const char *fn, const char *answer)
{
	json_t *r = NULL;

	cr_assert_eq(call_fn(p, fn, answer, &r), 0, "%s %s refused: %s", fn,
		     answer, err);
	json_decref(r);
}

static void answer_bad(struct policy *p, const char *fn, const char *answer)
{
	cr_assert_eq(call_fn(p, fn, answer, NULL), -1, "%s %s accepted", fn,
		     answer);
	cr_assert_not_null(strstr(err, "malformed answer"), "%s: %s", answer,
			   err);
	cr_assert_not_null(strstr(err, fn), "%s: %s", answer, err);
}

/* The adjudication answer must be refused. */
static void adjudication_bad(struct policy *p, const char *answer)
{
	json_t *kase = json_object(), *ws = json_object(), *ctx, *r = NULL;

	json_object_set_new(ws, "answer", jq(answer));
	ctx = policy_ctx(p, "acme", NULL, "2026-06-01", 0);
	err[0] = '\0';
	cr_assert_eq(policy_adjudicate(p, kase, ws, ctx, 1u << OUTCOME_GRANT,
		     0, &r, err, sizeof(err)), -1, "accepted: %s", answer);
	cr_assert_null(r);
	cr_assert_not_null(strstr(err, "malformed answer"), "%s: %s", answer,
			   err);
	json_decref(kase);
	json_decref(ws);
	json_decref(ctx);
}

#define REASON	"'reasons': [{ 'text': 't', 'cites': ['E2'] }]"

Test(policy, adjudicate_answers_are_checked)
{
	json_t *r;

	write_base();
	pol = load_checked(NULL, NULL);
	r = adjudicate(pol, "{ 'answer': { 'recommendation': "
		       "'grant_with_restrictions', " REASON ", 'restrictions': "
		       "[{ 'type': 'hours', 'detail': 'days', 'review_months': 12 }],"
		       " 'would_change': [{ 'text': 'w', 'cites': ['E8'] }],"
		       " 'flags': ['regulator_report'] } }", 0, 0);
	cr_assert_str_eq(rec_of(r), "grant_with_restrictions");
	json_decref(r);
	r = adjudicate(pol, "{ 'answer': { 'recommendation': 'refer', "
		       REASON ", 'restrictions': {} } }", 0, 0);
	json_decref(r);

	adjudication_bad(pol, "{ 'recommendation': 'maybe', " REASON " }");
	adjudication_bad(pol, "{ 'recommendation': 'GRANT', " REASON " }");
	adjudication_bad(pol, "{ 'recommendation': 1, " REASON " }");
	adjudication_bad(pol, "{ " REASON " }");
	adjudication_bad(pol, "{ 'recommendation': 'grant' }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', 'reasons': [] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', 'reasons': {} }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', "
			 "'reasons': [{ 'text': 'no cites' }] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', "
			 "'reasons': [{ 'text': 't', 'cites': 'E2' }] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', "
			 "'reasons': [{ 'text': 't', 'cites': [2] }] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', "
			 "'reasons': [{ 'cites': ['E2'] }] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', "
			 "'reasons': ['E2'] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant_with_restrictions', "
			 REASON ", 'restrictions': ['hours'] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant_with_restrictions', "
			 REASON ", 'restrictions': [{ 'detail': 'no type' }] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant_with_restrictions', "
			 REASON ", 'restrictions': { 'type': 'hours' } }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', " REASON ", "
			 "'would_change': [{ 'text': 'w' }] }");
	adjudication_bad(pol, "{ 'recommendation': 'grant', " REASON ", "
			 "'flags': [1] }");
	adjudication_bad(pol, "['grant']");
	adjudication_bad(pol, "'grant'");
}

/* "every reason cites condition IDs / rules": an empty cites list is a
 * reason that cites nothing. */
Test(policy, adjudicate_reason_with_empty_cites_is_refused)
{
	write_base();
	pol = load_checked(NULL, NULL);
	adjudication_bad(pol, "{ 'recommendation': 'grant', "
			 "'reasons': [{ 'text': 'cites nothing', 'cites': [] }] }");
}

Test(policy, other_answers_are_checked)
{
	write_base();
	pol = load_checked(NULL, NULL);
	answer_ok(pol, "requirements", "[]");
	answer_ok(pol, "requirements", "[{ 'code': 'history_gap', 'message': "
		  "'m', 'path': 'residences[2].to', 'severity': 'error', "
		  "'cites': ['REGDOC 4.3'] }]");
	answer_bad(pol, "requirements", "{ 'code': 'history_gap', 'message': 'm' }");
	answer_bad(pol, "requirements", "[{ 'code': 'history_gap' }]");
	answer_bad(pol, "requirements", "[{ 'message': 'm' }]");
	answer_bad(pol, "requirements", "['history_gap']");
	answer_bad(pol, "requirements", "[{ 'code': 1, 'message': 'm' }]");
	answer_bad(pol, "requirements", "true");

	answer_ok(pol, "interview_triggers", "{ 'needed': true, "
		  "'two_interviewers': false, 'reasons': [{ 'code': 'adverse', "
		  "'message': 'm' }] }");
	answer_ok(pol, "interview_triggers", "{ 'needed': false, "
		  "'two_interviewers': false }");
	answer_bad(pol, "interview_triggers", "{ 'needed': true }");
	answer_bad(pol, "interview_triggers", "{ 'two_interviewers': true }");
	answer_bad(pol, "interview_triggers", "{ 'needed': 'yes', "
		   "'two_interviewers': false }");
	answer_bad(pol, "interview_triggers", "{ 'needed': 1, "
		   "'two_interviewers': 0 }");
	answer_bad(pol, "interview_triggers", "{ 'needed': true, "
		   "'two_interviewers': false, 'reasons': ['adverse'] }");
	answer_bad(pol, "interview_triggers", "[]");

	answer_ok(pol, "on_event", "[]");
	answer_ok(pol, "on_event", "[{ 'action': 'hold', 'reason': 'r' },"
		  " { 'action': 'set_deadline', 'what': 'response', 'days': 20 }]");
	answer_bad(pol, "on_event", "[{ 'what': 'hold' }]");
	answer_bad(pol, "on_event", "[{ 'action': 'hold' }, { 'reason': 'x' }]");
	answer_bad(pol, "on_event", "{ 'action': 'hold' }");
	answer_bad(pol, "on_event", "[{ 'action': 5 }]");
	answer_bad(pol, "on_event", "'hold'");
}

Test(policy, errors_of_the_function_pass_through)
{
	json_t *r = NULL;

	write_base();
	put("policies/acme/policy.lua",
	    "return { on_event = function() error('no such event') end }\n");
	pol = load_checked("acme", NULL);
	cr_assert_eq(call_fn(pol, "on_event", "[]", &r), -1);
	cr_assert_not_null(strstr(err, "acme/policy.lua:1: no such event"),
			   "%s", err);
	/* a function the set does not have */
	cr_assert_eq(call_fn(pol, "nope", "[]", &r), -1);
	cr_assert_null(r);
}

/* --- the decision ceiling ---------------------------------------------------- */

#define ANSWER(rec) "{ 'answer': { 'recommendation': '" rec "', " REASON " } }"

static void assert_ceiling(json_t *r, const char *policy_rec)
{
	json_t *c = cites_of(r);

	cr_assert_str_eq(rec_of(r), "refer", "the ceiling let %s through",
			 policy_rec);
	cr_assert(json_is_string(json_object_get(r, "policy_recommendation")));
	cr_assert_str_eq(json_string_value(json_object_get(r,
			 "policy_recommendation")), policy_rec);
	cr_assert(has_string(c, "decision ceiling"), "no ceiling cite");
	cr_assert(has_string(c, "E2"), "the policy's reasons were lost");
	json_decref(c);
}

static void assert_no_ceiling(json_t *r, const char *rec)
{
	json_t *c = cites_of(r);

	cr_assert_str_eq(rec_of(r), rec);
	cr_assert_null(json_object_get(r, "policy_recommendation"));
	cr_assert_not(has_string(c, "decision ceiling"));
	json_decref(c);
}

Test(policy, decision_ceiling)
{
	const unsigned grant = 1u << OUTCOME_GRANT;
	const unsigned gww = 1u << OUTCOME_GRANT_WITH_WARNING;
	const unsigned deny = 1u << OUTCOME_DENY;
	const unsigned all = (1u << OUTCOME_COUNT) - 1;
	json_t *r;

	write_base();
	pol = load_checked(NULL, NULL);

	r = adjudicate(pol, ANSWER("deny"), grant, 1);
	assert_ceiling(r, "deny");
	json_decref(r);
	r = adjudicate(pol, ANSWER("grant_with_warning"), grant, 1);
	assert_ceiling(r, "grant_with_warning");
	json_decref(r);
	r = adjudicate(pol, ANSWER("grant_with_restrictions"), grant | gww, 1);
	assert_ceiling(r, "grant_with_restrictions");
	json_decref(r);
	r = adjudicate(pol, ANSWER("grant"), 0, 1);
	assert_ceiling(r, "grant");
	json_decref(r);

	r = adjudicate(pol, ANSWER("grant_with_warning"), grant | gww, 1);
	assert_no_ceiling(r, "grant_with_warning");
	json_decref(r);
	r = adjudicate(pol, ANSWER("grant"), grant, 1);
	assert_no_ceiling(r, "grant");
	json_decref(r);

	/* deny is never automated, whatever the mask */
	r = adjudicate(pol, ANSWER("deny"), grant | deny, 1);
	assert_ceiling(r, "deny");
	json_decref(r);
	r = adjudicate(pol, ANSWER("deny"), all, 1);
	assert_ceiling(r, "deny");
	json_decref(r);

	/* a person's request is not held to the ceiling */
	r = adjudicate(pol, ANSWER("deny"), grant, 0);
	assert_no_ceiling(r, "deny");
	json_decref(r);
	r = adjudicate(pol, ANSWER("deny"), 0, 0);
	assert_no_ceiling(r, "deny");
	json_decref(r);
	r = adjudicate(pol, ANSWER("grant_with_warning"), 0, 0);
	assert_no_ceiling(r, "grant_with_warning");
	json_decref(r);
}

Test(policy, ctx_for_calls)
{
	json_t *c;

	write_base();
	put("policies/acme/settings.lua", "return { response_days = 30 }\n");
	pol = load_checked("acme", NULL);
	c = policy_ctx(pol, "acme", "plant-a", "2026-11-22", 1);
	cr_assert_str_eq(json_string_value(json_object_get(c, "today")),
			 "2026-11-22");
	cr_assert_str_eq(json_string_value(json_object_get(c, "org")), "acme");
	cr_assert_str_eq(json_string_value(json_object_get(c, "site")),
			 "plant-a");
	cr_assert(json_is_true(json_object_get(c, "automated")));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(c,
		     "settings"), "response_days")), 30);
	cr_assert(json_is_array(json_object_get(json_object_get(c, "settings"),
		  "levels")));
	json_decref(c);
	c = policy_ctx(pol, "acme", NULL, "2026-11-22", 0);
	cr_assert(json_object_get(c, "site") == NULL ||
		  json_is_null(json_object_get(c, "site")));
	cr_assert(json_is_false(json_object_get(c, "automated")));
	json_decref(c);
}

/* --- fixtures ----------------------------------------------------------------- */

#define ADJ "'worksheet': { 'answer': { 'recommendation': 'grant', " \
	"'reasons': [{ 'text': 't', 'cites': ['E2', 'E8'] }], " \
	"'flags': ['regulator_report'] } }"
#define REQ "'function': 'requirements', 'case': { 'answer': [" \
	"{ 'code': 'history_gap', 'message': 'm' }," \
	"{ 'code': 'crnc_needed', 'message': 'm' }] }"
#define INT "'function': 'interview_triggers', 'case': { 'answer': " \
	"{ 'needed': true, 'two_interviewers': false, " \
	"'reasons': [{ 'code': 'adverse', 'message': 'm' }] } }"
#define EVT "'function': 'on_event', 'event': { 'answer': [" \
	"{ 'action': 'hold', 'reason': 'r' }," \
	"{ 'action': 'flag', 'flag': 'regulator_report', 'reason': 'r' }] }"
#define BAD "'worksheet': { 'answer': { 'recommendation': 'maybe', " \
	"'reasons': [{ 'text': 't', 'cites': ['E2'] }] } }"

static void write_fixtures(void)
{
	putj("fx/01-adjudicate.json", "[\n"
	     "{ 'name': 'P rec', " ADJ ", 'expect': { 'recommendation': 'grant' } },\n"
	     "{ 'name': 'F rec', " ADJ ", 'expect': { 'recommendation': 'deny' } },\n"
	     "{ 'name': 'P cites', " ADJ ", 'expect': { 'cites': ['E2', 'E8'] } },\n"
	     "{ 'name': 'F cites', " ADJ ", 'expect': { 'cites': ['E2', 'E9'] } },\n"
	     "{ 'name': 'P not_cites', " ADJ ", 'expect': { 'not_cites': ['E9'] } },\n"
	     "{ 'name': 'F not_cites', " ADJ ", 'expect': { 'not_cites': ['E8'] } },\n"
	     "{ 'name': 'P flags', " ADJ ", 'expect': { 'flags': ['regulator_report'] } },\n"
	     "{ 'name': 'F flags', " ADJ ", 'expect': { 'flags': ['other'] } },\n"
	     "{ 'name': 'P ceiling', 'ctx': { 'automated': true },"
	     "  'worksheet': { 'answer': { 'recommendation': 'deny',"
	     "  'reasons': [{ 'text': 't', 'cites': ['E2'] }] } },"
	     "  'expect': { 'recommendation': 'refer', 'cites': ['decision ceiling'] } },\n"
	     "{ 'name': 'P mask', 'ctx': { 'automated': true },"
	     "  'automation': ['grant', 'grant_with_warning'],"
	     "  'worksheet': { 'answer': { 'recommendation': 'grant_with_warning',"
	     "  'reasons': [{ 'text': 't', 'cites': ['E2'] }] } },"
	     "  'expect': { 'recommendation': 'grant_with_warning',"
	     "  'not_cites': ['decision ceiling'] } }\n"
	     "]\n");
	putj("fx/02-requirements.json", "[\n"
	     "{ 'name': 'P codes', " REQ ", 'expect': { 'codes': ['history_gap', 'crnc_needed'] } },\n"
	     "{ 'name': 'F codes', " REQ ", 'expect': { 'codes': ['photo_id_missing'] } },\n"
	     "{ 'name': 'P not_codes', " REQ ", 'expect': { 'not_codes': ['photo_id_missing'] } },\n"
	     "{ 'name': 'F not_codes', " REQ ", 'expect': { 'not_codes': ['crnc_needed'] } }\n"
	     "]\n");
	putj("fx/03-interview.json", "[\n"
	     "{ 'name': 'P needed', " INT ", 'expect': { 'needed': true } },\n"
	     "{ 'name': 'F needed', " INT ", 'expect': { 'needed': false } },\n"
	     "{ 'name': 'P two', " INT ", 'expect': { 'two_interviewers': false } },\n"
	     "{ 'name': 'F two', " INT ", 'expect': { 'two_interviewers': true } },\n"
	     "{ 'name': 'P reasons', " INT ", 'expect': { 'codes': ['adverse'],"
	     "  'not_codes': ['foreign_travel'] } },\n"
	     "{ 'name': 'F reasons', " INT ", 'expect': { 'codes': ['foreign_travel'] } }\n"
	     "]\n");
	putj("fx/04-on_event.json", "[\n"
	     "{ 'name': 'P actions', " EVT ", 'expect': { 'actions': ['hold', 'flag'] } },\n"
	     "{ 'name': 'F actions', " EVT ", 'expect': { 'actions': ['assign'] } },\n"
	     "{ 'name': 'P flags ev', " EVT ", 'expect': { 'flags': ['regulator_report'] } },\n"
	     "{ 'name': 'F flags ev', " EVT ", 'expect': { 'flags': ['other'] } }\n"
	     "]\n");
	putj("fx/05-error.json", "[\n"
	     "{ 'name': 'P error', " BAD ", 'expect': { 'error': 'malformed answer' } },\n"
	     "{ 'name': 'F error none', " ADJ ", 'expect': { 'error': 'malformed' } },\n"
	     "{ 'name': 'F error text', " BAD ", 'expect': { 'error': 'out of memory' } },\n"
	     "{ 'name': 'F unexpected error', " BAD ", 'expect': { 'recommendation': 'grant' } },\n"
	     "{ 'name': 'F no function', 'function': 'nope', 'expect': {} }\n"
	     "]\n");
	putj("fx/06-one.json",
	     "{ 'name': 'P single object', " ADJ ", 'expect': { 'recommendation': 'grant' } }\n");
	put("fx/07-broken.json", "[ { \"name\": \"half\", ");
	putj("fx/08-noexpect.json", "{ 'name': 'F no expect', " ADJ " }\n");
	put("fx/notes.txt", "not a fixture\n");
}

Test(policy, fixtures_count_passes_and_failures)
{
	static const char *const pass[] = {
		"P rec", "P cites", "P not_cites", "P flags", "P ceiling",
		"P mask", "P codes", "P not_codes", "P needed", "P two",
		"P reasons", "P actions", "P flags ev", "P error",
		"P single object", NULL
	};
	static const char *const fail[] = {
		"F rec", "F cites", "F not_cites", "F flags", "F codes",
		"F not_codes", "F needed", "F two", "F reasons", "F actions",
		"F flags ev", "F error none", "F error text",
		"F unexpected error", "F no function", "F no expect", NULL
	};
	const char *const *n;
	char dir[PATH_MAX + 8], line[200], *report = NULL;
	size_t rlen = 0;
	int npass = -1, nfail = -1, rc, np = 0, nf = 0;
	FILE *mem;

	write_base();
	write_fixtures();
	pol = load_checked(NULL, NULL);
	snprintf(dir, sizeof(dir), "%s/fx", root);
	mem = open_memstream(&report, &rlen);
	cr_assert_not_null(mem);
	rc = policy_run_fixtures(pol, dir, "acme", NULL, mem, &npass, &nfail);
	fclose(mem);
	for (n = pass; *n != NULL; n++, np++) {
		snprintf(line, sizeof(line), "PASS %s\n", *n);
		cr_expect_not_null(strstr(report, line), "%s did not pass:\n%s",
				   *n, report);
	}
	for (n = fail; *n != NULL; n++, nf++) {
		snprintf(line, sizeof(line), "FAIL %s (", *n);
		cr_expect_not_null(strstr(report, line), "%s did not fail:\n%s",
				   *n, report);
	}
	cr_expect_not_null(strstr(report, "FAIL 07-broken.json"), "%s", report);
	cr_assert_eq(npass, np, "passed %d, expected %d\n%s", npass, np, report);
	cr_assert_eq(nfail, nf + 1, "failed %d, expected %d\n%s", nfail, nf + 1,
		     report);
	cr_assert_eq(rc, -1);
	free(report);
}

Test(policy, fixtures_all_passing_and_none)
{
	char dir[PATH_MAX + 8];
	int npass = -1, nfail = -1;

	write_base();
	pol = load_checked(NULL, NULL);
	snprintf(dir, sizeof(dir), "%s/fx", root);
	mkdir(dir, 0700);
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", NULL, NULL, &npass,
		     &nfail), -1, "no fixtures is not a pass");
	cr_assert_eq(npass, 0);
	cr_assert_eq(nfail, 0);
	put("fx/readme.txt", "{}");
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", NULL, NULL, &npass,
		     &nfail), -1);
	cr_assert_eq(npass + nfail, 0);
	putj("fx/a.json", "[{ 'name': 'a', " ADJ ", 'expect': { "
	     "'recommendation': 'grant', 'cites': ['E8'] } },"
	     " { 'name': 'b', " REQ ", 'expect': { 'codes': ['history_gap'] } }]");
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", NULL, NULL, &npass,
		     &nfail), 0);
	cr_assert_eq(npass, 2);
	cr_assert_eq(nfail, 0);
	snprintf(dir, sizeof(dir), "%s/no-such-dir", root);
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", NULL, NULL, &npass,
		     &nfail), -1);
	cr_assert_eq(npass, 0);
}

Test(policy, fixtures_see_org_site_and_today)
{
	char dir[PATH_MAX + 8];
	int npass = -1, nfail = -1;

	write_base();
	put("policies/default/policy.lua",
	    "local p = {}\n"
	    "for k, v in pairs(require('echo')) do p[k] = v end\n"
	    "p.adjudicate = function(case, ws, ctx)\n"
	    "  return { recommendation = 'grant', reasons = { { text = 't',\n"
	    "    cites = { 'org:' .. tostring(ctx.org), 'site:' .. tostring(ctx.site),\n"
	    "      'today:' .. ctx.today, 'days:' .. ctx.settings.response_days } } } }\n"
	    "end\n"
	    "return p\n");
	put("scripts/echo.lua", echo_policy);
	pol = load_checked(NULL, NULL);
	putj("fx/a.json", "[{ 'name': 'a', 'expect': { 'cites': ['org:acme',"
	     " 'site:plant-a', 'today:2026-11-22', 'days:20'] },"
	     " 'ctx': { 'today': '2026-11-22' } },"
	     " { 'name': 'b', 'expect': { 'cites': ['site:plant-b'] },"
	     " 'ctx': { 'site': 'plant-b' } },"
	     " { 'name': 'c', 'expect': { 'not_cites': ['today:2026-11-22'] } }]");
	snprintf(dir, sizeof(dir), "%s/fx", root);
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", "plant-a", NULL,
		     &npass, &nfail), 0);
	cr_assert_eq(npass, 3);
}

/* An expectation of the wrong type is a failing fixture, not a crash. */
Test(policy, fixture_with_a_non_string_error_expectation)
{
	char dir[PATH_MAX + 8];
	int npass = -1, nfail = -1;

	write_base();
	pol = load_checked(NULL, NULL);
	putj("fx/a.json", "[{ 'name': 'error true', " BAD ", 'expect': { 'error': true } },"
	     " { 'name': 'error number', " ADJ ", 'expect': { 'error': 1 } }]");
	snprintf(dir, sizeof(dir), "%s/fx", root);
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", NULL, NULL, &npass,
		     &nfail), -1);
	cr_assert_eq(npass, 0);
	cr_assert_eq(nfail, 2);
}

/* A list expectation given as a string does not pass without checking. */
Test(policy, fixture_with_a_string_for_a_list_fails)
{
	char dir[PATH_MAX + 8];
	int npass = -1, nfail = -1;

	write_base();
	pol = load_checked(NULL, NULL);
	putj("fx/a.json", "[{ 'name': 'cites as a string', " ADJ ","
	     " 'expect': { 'cites': 'E9' } },"
	     " { 'name': 'codes as a string', " REQ ","
	     " 'expect': { 'codes': 'photo_id_missing' } }]");
	snprintf(dir, sizeof(dir), "%s/fx", root);
	cr_assert_eq(policy_run_fixtures(pol, dir, "acme", NULL, NULL, &npass,
		     &nfail), -1);
	cr_assert_eq(npass, 0, "%d fixtures passed unchecked", npass);
	cr_assert_eq(nfail, 2);
}

/* --- the registry and hot reload -------------------------------------------- */

/* policy_get of acme (no site) at now; must give a set. */
static struct policy *get(const char *org, const char *site, long long now)
{
	struct policy *p;

	err[0] = '\0';
	fixture_quiet(1);
	p = policy_get(reg, st, org, site, now, err, sizeof(err));
	fixture_quiet(0);
	cr_assert_not_null(p, "policy_get: %s", err);
	return p;
}

static char *status_of(const char *col, const char *org, const char *site)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT %s FROM policy_status"
		 " WHERE org = ?1 AND site = ?2", col);
	return query_text(sql, org, site);
}

/* Is the column col of the status row of (org, site) set? */
static int status_set(const char *col, const char *org, const char *site)
{
	char *s = status_of(col, org, site);

	free(s);
	return s != NULL;
}

static void start_registry(void)
{
	write_base();
	write_acme("V1");
	putj("policies/acme/tests/a.json",
	     "{ 'name': 'acme grants', 'expect': { 'recommendation': 'grant' } }");
	open_db();
	reg = policy_registry_new(&cfg);
}

Test(policy, first_get_loads_and_archives)
{
	struct policy *p;
	char v[65], *s;
	json_t *files, *stored;

	start_registry();
	snprintf(v, sizeof(v), "%s", version_now("acme", NULL));
	p = get("acme", NULL, 1000);
	cr_assert_str_eq(luahost_version(p), v);
	s = first_cite(p);
	cr_assert_str_eq(s, "V1");
	free(s);

	cr_assert_eq(query_int("SELECT count(*) FROM policy_versions", NULL), 1);
	s = query_text("SELECT files FROM policy_versions WHERE version = ?1",
		       v, NULL);
	cr_assert_not_null(s, "version not archived");
	stored = json_loads(s, 0, NULL);
	free(s);
	files = luahost_files(p);
	cr_assert(json_equal(stored, files), "the archive's files differ");
	cr_assert_not_null(json_object_get(stored, "acme/policy.lua"));
	cr_assert_not_null(json_object_get(stored, "scripts/lib.lua"));
	json_decref(stored);
	json_decref(files);
	s = query_text("SELECT first_used_at FROM policy_versions"
		       " WHERE version = ?1", v, NULL);
	cr_assert_not_null(s);
	free(s);

	s = status_of("version", "acme", "");
	cr_assert_not_null(s, "no policy_status row");
	cr_assert_str_eq(s, v);
	free(s);
	cr_assert_not(status_set("error", "acme", ""));
	cr_assert(status_set("loaded_at", "acme", ""));

	/* the same object while nothing changes */
	cr_assert_eq(get("acme", NULL, 1000), p);
	cr_assert_eq(get("acme", NULL, 1001), p);
	cr_assert_eq(get("acme", NULL, 5000), p);
	policy_registry_invalidate(reg);
	cr_assert_eq(get("acme", NULL, 5000), p);
	cr_assert_eq(query_int("SELECT count(*) FROM policy_versions", NULL), 1);

	/* the default set and a site set are sets of their own */
	p = get(NULL, NULL, 1000);
	cr_assert_str_eq(luahost_version(p), version_now(NULL, NULL));
	s = status_of("version", "default", "");
	cr_assert_not_null(s);
	cr_assert_str_eq(s, version_now(NULL, NULL));
	free(s);
	put("policies/acme/sites/plant-a/settings.lua", "return { s = 1 }\n");
	p = get("acme", "plant-a", 1000);
	cr_assert_str_eq(luahost_version(p), version_now("acme", "plant-a"));
	s = status_of("version", "acme", "plant-a");
	cr_assert_not_null(s);
	cr_assert_str_eq(s, version_now("acme", "plant-a"));
	free(s);
}

Test(policy, an_edit_goes_live_after_the_check_interval)
{
	struct policy *p;
	char v1[65], v2[65], *s;

	cfg.policy_check = 10;
	start_registry();
	p = get("acme", NULL, 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	write_acme("V2");
	snprintf(v2, sizeof(v2), "%s", version_now("acme", NULL));
	cr_assert_str_neq(v1, v2);
	/* not yet: the files are looked at every 10 s */
	p = get("acme", NULL, 1009);
	cr_assert_str_eq(luahost_version(p), v1);
	s = first_cite(p);
	cr_assert_str_eq(s, "V1");
	free(s);
	p = get("acme", NULL, 1010);
	cr_assert_str_eq(luahost_version(p), v2);
	s = first_cite(p);
	cr_assert_str_eq(s, "V2");
	free(s);
	s = status_of("version", "acme", "");
	cr_assert_str_eq(s, v2);
	free(s);
	cr_assert_eq(query_int("SELECT count(*) FROM policy_versions", NULL), 2);

	/* a change to a shared script is a new version too */
	put("scripts/lib.lua", "return { rec = 'grant', x = 1 }\n");
	p = get("acme", NULL, 1020);
	cr_assert_str_neq(luahost_version(p), v2);
	cr_assert_str_eq(luahost_version(p), version_now("acme", NULL));
}

Test(policy, invalidate_checks_at_once)
{
	struct policy *p;
	char *s;

	cfg.policy_check = 3600;
	start_registry();
	p = get("acme", NULL, 1000);
	write_acme("V2");
	p = get("acme", NULL, 1001);
	s = first_cite(p);
	cr_assert_str_eq(s, "V1");
	free(s);
	policy_registry_invalidate(reg);
	p = get("acme", NULL, 1001);
	cr_assert_str_eq(luahost_version(p), version_now("acme", NULL));
	s = first_cite(p);
	cr_assert_str_eq(s, "V2");
	free(s);
}

Test(policy, a_syntax_error_keeps_the_last_good_version)
{
	struct policy *p;
	char v1[65], bad[65], *s;

	start_registry();
	p = get("acme", NULL, 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	put("policies/acme/policy.lua",
	    "return {\n"
	    "  adjudicate = function(case, ws, ctx)\n"
	    "    return { recommendation = 'grant' reasons = {} }\n"
	    "  end,\n"
	    "}\n");
	snprintf(bad, sizeof(bad), "%s", version_now("acme", NULL));
	p = get("acme", NULL, 1001);
	cr_assert_str_eq(luahost_version(p), v1, "the broken version went live");
	s = first_cite(p);
	cr_assert_str_eq(s, "V1");
	free(s);
	s = status_of("version", "acme", "");
	cr_assert_str_eq(s, v1);
	free(s);
	s = status_of("error", "acme", "");
	cr_assert_not_null(s, "no error recorded");
	cr_assert_not_null(strstr(s, "acme/policy.lua:3:"), "error: %s", s);
	free(s);
	s = status_of("error_version", "acme", "");
	cr_assert_not_null(s);
	cr_assert_str_eq(s, bad);
	free(s);
	cr_assert(status_set("error_at", "acme", ""));
	/* still kept out later */
	p = get("acme", NULL, 1005);
	cr_assert_str_eq(luahost_version(p), v1);
	cr_assert_eq(query_int("SELECT count(*) FROM policy_versions", NULL), 1);

	/* repaired */
	write_acme("V3");
	p = get("acme", NULL, 1010);
	cr_assert_str_eq(luahost_version(p), version_now("acme", NULL));
	s = first_cite(p);
	cr_assert_str_eq(s, "V3");
	free(s);
	s = status_of("version", "acme", "");
	cr_assert_str_eq(s, version_now("acme", NULL));
	free(s);
}

Test(policy, a_runtime_failure_at_load_is_recorded_with_its_line)
{
	struct policy *p;
	char v1[65], *s;

	start_registry();
	p = get("acme", NULL, 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	put("scripts/lib.lua", "local x = nil\nreturn { rec = x.field }\n");
	p = get("acme", NULL, 1001);
	cr_assert_str_eq(luahost_version(p), v1);
	s = status_of("error", "acme", "");
	cr_assert_not_null(s);
	cr_assert_not_null(strstr(s, "scripts/lib.lua:2:"), "error: %s", s);
	free(s);
}

Test(policy, a_failing_fixture_keeps_the_last_good_version)
{
	struct policy *p;
	char v1[65], *s;

	start_registry();
	p = get("acme", NULL, 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	put("scripts/lib.lua", "return { rec = 'refer' }\n");
	p = get("acme", NULL, 1001);
	cr_assert_str_eq(luahost_version(p), v1, "a failing version went live");
	s = status_of("error", "acme", "");
	cr_assert_not_null(s, "no error recorded");
	cr_assert_not_null(strstr(s, "acme grants"), "error: %s", s);
	cr_assert_not_null(strstr(s, "refer"), "error: %s", s);
	free(s);
	/* a missing function is refused the same way */
	put("scripts/lib.lua", "return { rec = 'grant' }\n");
	put("policies/default/policy.lua",
	    "return { adjudicate = function() end }\n");
	p = get("acme", NULL, 1002);
	cr_assert_str_eq(luahost_version(p), v1);
	s = status_of("error", "acme", "");
	cr_assert_not_null(strstr(s, "does not define"), "error: %s", s);
	free(s);
	/* repaired */
	put("policies/default/policy.lua", echo_policy);
	put("scripts/lib.lua", "return { rec = 'grant' } -- fixed\n");
	p = get("acme", NULL, 1003);
	cr_assert_str_eq(luahost_version(p), version_now("acme", NULL));
	cr_assert_str_neq(luahost_version(p), v1);
}

/*
 * The code changes first and its fixture a moment later (two files, one
 * edit): the check in between fails, and once the fixture agrees the new
 * code goes live.
 */
Test(policy, a_repaired_fixture_lets_the_version_go_live)
{
	struct policy *p;
	char v2[65];

	start_registry();
	p = get("acme", NULL, 1000);
	put("scripts/lib.lua", "return { rec = 'refer' }\n");
	snprintf(v2, sizeof(v2), "%s", version_now("acme", NULL));
	p = get("acme", NULL, 1001);
	cr_assert_str_neq(luahost_version(p), v2);
	putj("policies/acme/tests/a.json",
	     "{ 'name': 'acme refers', 'expect': { 'recommendation': 'refer' } }");
	policy_registry_invalidate(reg);
	p = get("acme", NULL, 1010);
	cr_assert_str_eq(luahost_version(p), v2,
			 "the version stays out after its fixture was fixed");
}

Test(policy, no_good_version_is_an_error)
{
	struct policy *p;
	char *s;

	write_base();
	put("policies/acme/policy.lua", "return {\n  adjudicate = \n}\n");
	open_db();
	reg = policy_registry_new(&cfg);
	fixture_quiet(1);
	p = policy_get(reg, st, "acme", NULL, 1000, err, sizeof(err));
	fixture_quiet(0);
	cr_assert_null(p);
	cr_assert_not_null(strstr(err, "acme/policy.lua:3:"), "err: %s", err);
	s = status_of("error", "acme", "");
	cr_assert_not_null(s);
	free(s);
	cr_assert_not(status_set("version", "acme", ""));
	err[0] = '\0';
	fixture_quiet(1);
	p = policy_get(reg, st, "acme", NULL, 1001, err, sizeof(err));
	fixture_quiet(0);
	cr_assert_null(p);
	cr_assert_neq(err[0], '\0', "no error the second time");
	write_acme("V1");
	p = get("acme", NULL, 1002);
	cr_assert_str_eq(luahost_version(p), version_now("acme", NULL));
}

/* A file that cannot be read (too large) keeps the last good version and
 * records a sane error. */
Test(policy, an_unreadable_file_keeps_the_last_good_version)
{
	struct policy *p;
	char v1[65], *s, *big;
	size_t n = 1024 * 1024 + 10;

	start_registry();
	p = get("acme", NULL, 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	big = xmalloc(n + 1);
	memset(big, '-', n);
	big[n] = '\0';
	put("policies/acme/big.lua", big);
	free(big);
	p = get("acme", NULL, 1001);
	cr_assert_str_eq(luahost_version(p), v1);
	s = status_of("error", "acme", "");
	cr_assert_not_null(s);
	cr_assert_not_null(strstr(s, "big.lua"), "error: %s", s);
	free(s);
	/* no version could be computed: none is blamed, least of all the
	 * good one that stays active */
	s = status_of("error_version", "acme", "");
	cr_assert(s == NULL || s[0] == '\0' ||
		  (strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64),
		  "error_version is garbage: \"%s\"", s);
	cr_assert(s == NULL || strcmp(s, v1) != 0,
		  "the error is recorded against the good version %s", s);
	free(s);
}

/* --- replay ------------------------------------------------------------------- */

Test(policy, replay_of_an_archived_version)
{
	struct policy *p, *old;
	char v1[65], *s;
	json_t *kase, *ws, *ctx, *r, *input;
	long long id;

	start_registry();
	cr_assert_eq(store_exec(st, "INSERT INTO organizations (slug, name,"
		     " created_at) VALUES ('acme', 'Acme', '2026-01-01T00:00:00Z')",
		     err, sizeof(err)), 0, "%s", err);
	p = get("acme", NULL, 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	kase = json_object();
	ws = json_object();
	ctx = policy_ctx(p, "acme", NULL, "2026-06-01", 0);
	cr_assert_eq(policy_adjudicate(p, kase, ws, ctx, 1u << OUTCOME_GRANT, 0,
		     &r, err, sizeof(err)), 0, "%s", err);
	input = json_pack("{s:O, s:O, s:O}", "case", kase, "worksheet", ws,
			  "ctx", ctx);
	id = policy_record(st, 1, 0, NULL, p, input, r, 0, "tester");
	cr_assert_gt(id, 0);
	s = query_text("SELECT policy_version FROM recommendations WHERE id = ?1",
		       "1", NULL);
	cr_assert_not_null(s);
	cr_assert_str_eq(s, v1);
	free(s);
	json_decref(r);
	json_decref(input);

	/* the files change: a script and the policy */
	put("scripts/lib.lua", "return { rec = 'refer' }\n");
	write_acme("V2");
	putj("policies/acme/tests/a.json",
	     "{ 'name': 'acme refers', 'expect': { 'recommendation': 'refer' } }");
	policy_registry_invalidate(reg);
	p = get("acme", NULL, 1001);
	cr_assert_str_neq(luahost_version(p), v1);
	cr_assert_eq(policy_adjudicate(p, kase, ws, ctx, 1u << OUTCOME_GRANT, 0,
		     &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(rec_of(r), "refer");
	json_decref(r);

	err[0] = '\0';
	old = policy_load_archived(st, &cfg, v1, "acme", NULL, err, sizeof(err));
	cr_assert_not_null(old, "policy_load_archived: %s", err);
	cr_assert_str_eq(luahost_version(old), v1);
	cr_assert_eq(policy_adjudicate(old, kase, ws, ctx, 1u << OUTCOME_GRANT,
		     0, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(rec_of(r), "grant");
	s = first_cite(old);
	cr_assert_str_eq(s, "V1");
	free(s);
	json_decref(r);
	luahost_free(old);
	/* the current set is unchanged by the replay */
	s = first_cite(p);
	cr_assert_str_eq(s, "V2");
	free(s);
	json_decref(kase);
	json_decref(ws);
	json_decref(ctx);
}

Test(policy, replay_of_a_site_version)
{
	struct policy *p, *old;
	char v1[65], *s;

	write_base();
	write_acme("ORG");
	put("policies/acme/sites/plant-a/policy.lua",
	    "return { adjudicate = function()\n"
	    "  return { recommendation = 'grant',\n"
	    "    reasons = { { text = 's', cites = { 'SITE1' } } } }\n"
	    "end }\n");
	open_db();
	reg = policy_registry_new(&cfg);
	p = get("acme", "plant-a", 1000);
	snprintf(v1, sizeof(v1), "%s", luahost_version(p));
	cr_assert_eq(policy_archive(st, p), 0);
	put("policies/acme/sites/plant-a/policy.lua", "return {}\n");
	p = get("acme", "plant-a", 1001);
	s = first_cite(p);
	cr_assert_str_eq(s, "ORG");
	free(s);
	old = policy_load_archived(st, &cfg, v1, "acme", "plant-a", err,
				   sizeof(err));
	cr_assert_not_null(old, "%s", err);
	cr_assert_str_eq(luahost_version(old), v1);
	s = first_cite(old);
	cr_assert_str_eq(s, "SITE1");
	free(s);
	luahost_free(old);
}

Test(policy, replay_of_an_unknown_version_fails)
{
	struct policy *p;

	start_registry();
	(void)get("acme", NULL, 1000);
	err[0] = '\0';
	p = policy_load_archived(st, &cfg, "0000000000000000000000000000000000"
				 "000000000000000000000000000000", "acme", NULL,
				 err, sizeof(err));
	cr_assert_null(p);
	cr_assert_not_null(strstr(err, "not in the archive"), "%s", err);
	err[0] = '\0';
	p = policy_load_archived(st, &cfg, "nonsense", "acme", NULL, err,
				 sizeof(err));
	cr_assert_null(p);
	cr_assert_neq(err[0], '\0');
}
