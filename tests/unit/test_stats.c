/*
 * Unit tests of stats, on a migrated database with cases and their
 * histories written directly: the days in each stage add up over the
 * states the settings put in it (a return to the applicant counts as
 * application time), time in the state a case is still in does not count,
 * end to end counts only the cases that reached an end, the median and
 * 90th percentile (nearest rank) are right, a stage no case went through
 * has no figures, and the level and the period filter the cases.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "log.h"
#include "org.h"
#include "stats.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-stats-XXXXXX";
static char dbpath[600];
static struct store *st;
static json_t *settings;
static long long org;

static void setup(void)
{
	log_set_level(LOG_LVL_ERROR);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
	settings = json_pack("{s:{s:[s,s], s:[s,s], s:[s], s:[s], s:[s,s],"
	    " s:[s,s]}, s:[s,s]}", "timeliness_stages",
	    "application", "draft", "returned", "screening", "submitted",
	    "screening", "agency", "on_hold", "interview", "interview",
	    "adjudication", "adjudication", "fairness", "decision", "decision",
	    "briefing", "timeliness_end", "issued", "denied");
	cr_assert_not_null(settings);
}

static void teardown(void)
{
	json_decref(settings);
	store_close(st);
	fixture_rmdir(tmpdir);
}

TestSuite(stats, .init = setup, .fini = teardown, .timeout = 30);

static void exec(const char *sql)
{
	cr_assert_eq(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
}

/* A case at level opened on day 0 (2026-01-01) with its transitions,
 * "from>to@day" separated by spaces; its id. */
static long long kase(const char *level, const char *opened, const char *steps)
{
	char sql[600], from[32], to[32];
	const char *p = steps;
	long long id;
	int day, n;

	snprintf(sql, sizeof(sql), "INSERT INTO persons (org_id, data,"
		 " created_at, updated_at) VALUES (%lld, '{}', 'x', 'x')", org);
	exec(sql);
	snprintf(sql, sizeof(sql), "INSERT INTO cases (org_id, person_id, kind,"
		 " level, state, opened_at, created_by, updated_at) VALUES (%lld,"
		 " last_insert_rowid(), 'new', '%s', 'draft', '%sT00:00:00Z', 'x',"
		 " 'x')", org, level, opened);
	exec(sql);
	id = sqlite3_last_insert_rowid(store_db(st));
	while (sscanf(p, " %31[a-z_]>%31[a-z_]@%d%n", from, to, &day, &n) == 3) {
		snprintf(sql, sizeof(sql), "INSERT INTO case_events (case_id, ts,"
			 " actor, type, detail) VALUES (%lld, strftime("
			 "'%%Y-%%m-%%dT%%H:%%M:%%SZ', '%s', '+%d days'), 'x',"
			 " 'transition', json_object('from', '%s', 'to', '%s'))",
			 id, opened, day, from, to);
		exec(sql);
		p += n;
	}
	return id;
}

static json_t *stage(json_t *out, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(out, "stages"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "stage")), name) == 0)
			return r;
	cr_assert_fail("no stage %s", name);
	return NULL;
}

static void expect_fig(json_t *r, long long cases, double med, double p90)
{
	cr_assert_eq(json_integer_value(json_object_get(r, "cases")), cases,
		     "%s", json_dumps(r, 0));
	if (cases == 0) {
		cr_assert(json_is_null(json_object_get(r, "median_days")));
		return;
	}
	cr_assert_float_eq(json_real_value(json_object_get(r, "median_days")),
			   med, 0.01, "%s", json_dumps(r, 0));
	cr_assert_float_eq(json_real_value(json_object_get(r, "p90_days")), p90,
			   0.01, "%s", json_dumps(r, 0));
}

static void two_cases(void)
{
	kase("SECRET", "2026-01-01", "draft>submitted@10 submitted>screening@12"
	     " screening>adjudication@20 adjudication>decision@30"
	     " decision>briefing@31 briefing>issued@33");
	/* returned once, still in screening */
	kase("SECRET", "2026-02-01", "draft>submitted@4 submitted>returned@5"
	     " returned>submitted@9");
}

Test(stats, stages_add_up_and_open_time_does_not_count)
{
	struct stats_filter f = { NULL, NULL, NULL };
	json_t *out;

	two_cases();
	out = stats_timeliness(st, org, settings, &f);
	cr_assert_not_null(out);
	expect_fig(stage(out, "application"), 2, 9, 10);	/* 10; 4 + 4 */
	expect_fig(stage(out, "screening"), 2, 5.5, 10);	/* 2 + 8; 1 */
	expect_fig(stage(out, "agency"), 0, 0, 0);
	expect_fig(stage(out, "interview"), 0, 0, 0);
	expect_fig(stage(out, "adjudication"), 1, 10, 10);
	expect_fig(stage(out, "decision"), 1, 3, 3);		/* 1 + 2 */
	expect_fig(json_object_get(out, "end_to_end"), 1, 33, 33);
	json_decref(out);
}

Test(stats, the_90th_percentile_takes_the_slow_cases_in)
{
	struct stats_filter f = { NULL, NULL, NULL };
	json_t *out;
	char steps[64];
	int i;

	/* ten cases of 1..10 days in application */
	for (i = 1; i <= 10; i++) {
		snprintf(steps, sizeof(steps), "draft>submitted@%d", i);
		kase("SECRET", "2026-03-01", steps);
	}
	out = stats_timeliness(st, org, settings, &f);
	expect_fig(stage(out, "application"), 10, 5.5, 9);
	json_decref(out);
}

Test(stats, level_and_period_filter_the_cases)
{
	struct stats_filter f = { NULL, NULL, "TS" };
	json_t *out;

	two_cases();
	kase("TS", "2026-05-01", "draft>submitted@7");
	out = stats_timeliness(st, org, settings, &f);
	expect_fig(stage(out, "application"), 1, 7, 7);
	json_decref(out);
	f.level = NULL;
	f.from = "2026-01-15";
	f.to = "2026-03-01";
	out = stats_timeliness(st, org, settings, &f);
	expect_fig(stage(out, "application"), 1, 8, 8);	/* the February case */
	expect_fig(json_object_get(out, "end_to_end"), 0, 0, 0);
	json_decref(out);
}
