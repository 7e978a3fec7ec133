/*
 * Unit tests of report, on a migrated database: a revocation's report is
 * drafted with its fields, listed and read back; it is marked sent once;
 * another organization does not see it; the printable page escapes what
 * it shows (markup in a justification stays text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "log.h"
#include "org.h"
#include "report.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-report-XXXXXX";
static char dbpath[600];
static struct store *st;
static long long org, other;

static void setup(void)
{
	log_set_level(LOG_LVL_ERROR);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
	cr_assert_eq(org_add(st, "other", "Other"), ORG_OK);
	cr_assert_eq(org_id(st, "other", &other), ORG_OK);
}

static void teardown(void)
{
	store_close(st);
	fixture_rmdir(tmpdir);
}

TestSuite(report, .init = setup, .fini = teardown, .timeout = 30);

static long long revocation(const char *reason)
{
	long long id = 0;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(report_draft_revocation(st, org, 0, "SECRET",
		     "refused_interview", reason, "user:auth", &id), 0);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_gt(id, 0);
	return id;
}

Test(report, a_revocation_is_drafted_listed_and_sent_once)
{
	long long id = revocation("refused the interview");
	json_t *r;

	r = report_get(st, org, id);
	cr_assert_not_null(r);
	cr_assert_str_eq(json_string_value(json_object_get(r, "kind")), "revocation");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r,
		"data"), "grounds")), "refused_interview");
	cr_assert(json_is_null(json_object_get(r, "sent_on")));
	json_decref(r);
	cr_assert_null(report_get(st, other, id), "another organization's report");
	r = report_list(st, org);
	cr_assert_eq(json_array_size(r), 1);
	json_decref(r);

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(report_mark_sent(st, org, id, "2026-01-02", "e-mail",
		     "user:cso"), 1);
	cr_assert_eq(report_mark_sent(st, org, id, "2026-01-03", "again",
		     "user:cso"), 0, "marked sent twice");
	cr_assert_eq(report_mark_sent(st, other, id, "2026-01-03", "x", "x"), 0);
	cr_assert_eq(store_commit(st), 0);
	r = report_get(st, org, id);
	cr_assert_str_eq(json_string_value(json_object_get(r, "sent_how")), "e-mail");
	json_decref(r);
}

Test(report, the_printable_page_escapes_what_it_shows)
{
	long long id = revocation("<script>alert('x')</script> & more");
	json_t *r = report_get(st, org, id);
	char *html = report_html(r);

	cr_assert_not_null(html);
	cr_assert_null(strstr(html, "<script>"), "%s", html);
	cr_assert_not_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)"
				  "&lt;/script&gt; &amp; more"), "%s", html);
	cr_assert_not_null(strstr(html, "<!DOCTYPE html>"));
	free(html);
	json_decref(r);
}
