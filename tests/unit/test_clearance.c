/*
 * Unit tests of clearance, on a migrated database in a temporary
 * directory with two organizations, two sites, persons and their cases:
 * issuing (active without restrictions, also with an empty list;
 * restricted when restrictions are given, and they come back as given; an
 * unknown person or organization stores nothing), clearance_get (every
 * field, holder and site null when there are none, another organization's
 * or an unknown id is NULL) and clearance_list: newest first, only the
 * organization's own, filtered by status, level, site and holder, paged
 * with before and limit, and with expiring_before a range strictly before
 * the date, soonest first, combined with the other filters.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "case.h"
#include "clearance.h"
#include "log.h"
#include "org.h"
#include "person.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-clearance-XXXXXX";
static struct store *st;
static long long acme, beta, hq, lab;
static long long alice, bob, nameless, carol;	/* persons */
static long long case_alice, case_bob, case_nameless, case_carol;

static long long person(long long org, const char *username, const char *name,
			long long *case_id)
{
	json_t *d = json_pack("{s:s, s:s}", "name", name, "date_of_birth",
			      "1990-01-01");
	long long id = 0;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(person_create(st, org, d, username, &id), PERSON_OK);
	cr_assert_eq(case_open(st, org, id, 0, "new", "secret", "decided",
		     "user:cso", case_id), CASE_OK);
	cr_assert_eq(store_commit(st), 0);
	json_decref(d);
	return id;
}

static void setup(void)
{
	char path[600];

	log_set_level(LOG_LVL_WARN);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/vetd.db", tmpdir);
	st = fixture_db_open(path);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_add(st, "beta", "Beta"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &acme), ORG_OK);
	cr_assert_eq(org_id(st, "beta", &beta), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "hq", "Head Office"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "lab", "Laboratory"), ORG_OK);
	cr_assert_eq(org_site_id(st, acme, "hq", &hq), ORG_OK);
	cr_assert_eq(org_site_id(st, acme, "lab", &lab), ORG_OK);
	alice = person(acme, "alice", "Alice Example", &case_alice);
	bob = person(acme, "bob", "Bob Example", &case_bob);
	nameless = person(acme, NULL, "No Account", &case_nameless);
	carol = person(beta, "carol", "Carol Other", &case_carol);
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(clearance, .init = setup, .fini = teardown, .timeout = 30);

static long long count(const char *sql)
{
	sqlite3_stmt *s;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static char *show(json_t *j)
{
	static char buf[4096];
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	free(s);
	return buf;
}

static long long issue(long long org, long long who, long long case_id,
		       long long site, const char *level, const char *granted,
		       const char *expires, json_t *restrictions)
{
	long long id = 0;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(clearance_issue(st, org, who, case_id, site, level,
		     granted, expires, restrictions, &id), 0);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_gt(id, 0);
	return id;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* --- issuing and getting ------------------------------------------------ */

Test(clearance, issue_and_get)
{
	long long id = issue(acme, alice, case_alice, hq, "secret",
			     "2024-01-15", "2029-01-15", NULL);
	json_t *c = clearance_get(st, acme, id);

	cr_assert_not_null(c);
	cr_assert_eq(json_integer_value(json_object_get(c, "id")), id);
	cr_assert_eq(json_integer_value(json_object_get(c, "person_id")), alice);
	cr_assert_str_eq(str(c, "holder"), "alice");
	cr_assert_str_eq(str(c, "name"), "Alice Example");
	cr_assert_eq(json_integer_value(json_object_get(c, "case_id")),
		     case_alice);
	cr_assert_str_eq(str(c, "site"), "hq");
	cr_assert_str_eq(str(c, "level"), "secret");
	cr_assert_str_eq(str(c, "status"), "active");
	cr_assert_str_eq(str(c, "granted_on"), "2024-01-15");
	cr_assert_str_eq(str(c, "expires_on"), "2029-01-15");
	cr_assert(json_is_array(json_object_get(c, "restrictions")));
	cr_assert_eq(json_array_size(json_object_get(c, "restrictions")), 0);
	cr_assert_eq(json_object_size(c), 11, "%s", show(c));
	json_decref(c);
}

Test(clearance, holder_and_site_null_when_none)
{
	long long id = issue(acme, nameless, case_nameless, 0, "reliability",
			     "2024-01-15", "2034-01-15", NULL);
	json_t *c = clearance_get(st, acme, id);

	cr_assert_not_null(c);
	cr_assert(json_is_null(json_object_get(c, "holder")), "%s", show(c));
	cr_assert(json_is_null(json_object_get(c, "site")), "%s", show(c));
	cr_assert_str_eq(str(c, "name"), "No Account");
	json_decref(c);
	cr_assert_eq(count("SELECT count(*) FROM clearances WHERE site_id IS"
			   " NULL"), 1);
}

Test(clearance, restrictions_make_it_restricted)
{
	json_t *r = json_pack("[{s:s, s:s}]", "text", "no foreign travel",
			      "review_on", "2026-01-01");
	json_t *empty = json_array();
	long long a = issue(acme, alice, case_alice, hq, "secret", "2024-01-15",
			    "2029-01-15", r);
	long long b = issue(acme, bob, case_bob, hq, "secret", "2024-01-15",
			    "2029-01-15", empty);
	json_t *c;

	c = clearance_get(st, acme, a);
	cr_assert_str_eq(str(c, "status"), "restricted");
	cr_assert(json_equal(json_object_get(c, "restrictions"), r), "%s",
		  show(c));
	json_decref(c);
	c = clearance_get(st, acme, b);
	cr_assert_str_eq(str(c, "status"), "active", "an empty list restricts");
	json_decref(c);
	json_decref(r);
	json_decref(empty);
}

Test(clearance, get_across_orgs_or_unknown)
{
	long long id = issue(acme, alice, case_alice, hq, "secret", "2024-01-15",
			     "2029-01-15", NULL);

	cr_assert_null(clearance_get(st, beta, id));
	cr_assert_null(clearance_get(st, acme, id + 1));
	cr_assert_null(clearance_get(st, acme, 0));
}

Test(clearance, issue_refused_stores_nothing)
{
	long long id = -1;

	cr_assert_eq(store_begin(st), 0);
	fixture_quiet(1);
	cr_assert_eq(clearance_issue(st, acme, alice + 1000, case_alice, hq,
		     "secret", "2024-01-01", "2029-01-01", NULL, &id), -1,
		     "unknown person");
	cr_assert_eq(clearance_issue(st, acme + beta + 100, alice, case_alice,
		     hq, "secret", "2024-01-01", "2029-01-01", NULL, &id), -1,
		     "unknown organization");
	cr_assert_eq(clearance_issue(st, acme, alice, case_alice, hq, NULL,
		     "2024-01-01", "2029-01-01", NULL, &id), -1, "no level");
	fixture_quiet(0);
	store_rollback(st);
	cr_assert_eq(id, -1);
	cr_assert_eq(count("SELECT count(*) FROM clearances"), 0);
}

/* --- the list ----------------------------------------------------------- */

/* The ids of a list answer, as "3,2,1" (consumes a). */
static const char *ids(json_t *a)
{
	static char buf[512];
	size_t i, off = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(a, i, e)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%lld",
					i ? "," : "", (long long)
					json_integer_value(json_object_get(e,
					"id")));
	json_decref(a);
	return buf;
}

static long long cl[6];

/* 0: alice secret hq, expires 2025-06-30, active
 * 1: bob top_secret lab, expires 2025-01-31, restricted
 * 2: nameless secret none, expires 2025-06-30, active
 * 3: carol (beta) secret, expires 2025-01-01
 * 4: alice reliability hq, expires 2030-01-01, active
 * 5: bob secret hq, expires 2024-12-31, active */
static void fill_register(void)
{
	json_t *r = json_pack("[{s:s}]", "text", "supervised access");

	cl[0] = issue(acme, alice, case_alice, hq, "secret", "2020-07-01",
		      "2025-06-30", NULL);
	cl[1] = issue(acme, bob, case_bob, lab, "top_secret", "2020-02-01",
		      "2025-01-31", r);
	cl[2] = issue(acme, nameless, case_nameless, 0, "secret", "2020-07-01",
		      "2025-06-30", NULL);
	cl[3] = issue(beta, carol, case_carol, 0, "secret", "2020-01-01",
		      "2025-01-01", NULL);
	cl[4] = issue(acme, alice, case_alice, hq, "reliability", "2020-01-01",
		      "2030-01-01", NULL);
	cl[5] = issue(acme, bob, case_bob, hq, "secret", "2019-12-31",
		      "2024-12-31", NULL);
	json_decref(r);
}

static const char *want(const char *which)
{
	static char buf[512];
	size_t off = 0;
	const char *p;

	buf[0] = '\0';
	for (p = which; *p != '\0'; p++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%lld",
					p == which ? "" : ",", cl[*p - '0']);
	return buf;
}

static const char *list(const struct clearance_filter *f)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s", ids(clearance_list(st, acme, f)));
	return buf;
}

Test(clearance, list_newest_first_own_org)
{
	struct clearance_filter f = { .limit = 50 };

	fill_register();
	cr_assert_str_eq(list(&f), want("54210"));
	cr_assert_str_eq(ids(clearance_list(st, beta, &f)), want("3"));
}

Test(clearance, list_filters)
{
	struct clearance_filter f = { .limit = 50 };

	fill_register();
	f.status = "restricted";
	cr_assert_str_eq(list(&f), want("1"));
	f.status = "active";
	cr_assert_str_eq(list(&f), want("5420"));
	f.status = "revoked";
	cr_assert_str_eq(list(&f), "");
	f.status = NULL;
	f.level = "secret";
	cr_assert_str_eq(list(&f), want("520"));
	f.level = NULL;
	f.site = "hq";
	cr_assert_str_eq(list(&f), want("540"));
	f.site = "lab";
	cr_assert_str_eq(list(&f), want("1"));
	f.site = NULL;
	f.holder = "alice";
	cr_assert_str_eq(list(&f), want("40"));
	f.holder = "carol";
	cr_assert_str_eq(list(&f), "", "another org's holder listed");
	f.holder = "bob";
	f.level = "secret";
	f.site = "hq";
	cr_assert_str_eq(list(&f), want("5"));
}

Test(clearance, list_paging)
{
	struct clearance_filter f = { .limit = 2 };

	fill_register();
	cr_assert_str_eq(list(&f), want("54"));
	f.before = cl[4];
	cr_assert_str_eq(list(&f), want("21"));
	f.before = cl[1];
	cr_assert_str_eq(list(&f), want("0"));
	f.before = cl[0];
	cr_assert_str_eq(list(&f), "");
	f.before = 0;
	f.limit = 0;
	cr_assert_str_eq(list(&f), "");
}

Test(clearance, list_expiring_before)
{
	struct clearance_filter f = { .limit = 50 };

	fill_register();
	f.expiring_before = "2025-07-01";
	/* soonest first, ties by id; carol's (beta) never */
	cr_assert_str_eq(list(&f), want("5102"));
	/* strictly before the date */
	f.expiring_before = "2025-06-30";
	cr_assert_str_eq(list(&f), want("51"));
	f.expiring_before = "2024-12-31";
	cr_assert_str_eq(list(&f), "");
	f.expiring_before = "2100-01-01";
	cr_assert_str_eq(list(&f), want("51024"));
	/* with the other filters */
	f.expiring_before = "2025-07-01";
	f.status = "active";
	cr_assert_str_eq(list(&f), want("502"));
	f.holder = "bob";
	cr_assert_str_eq(list(&f), want("5"));
	f.status = NULL;
	f.holder = NULL;
	f.site = "hq";
	cr_assert_str_eq(list(&f), want("50"));
	f.site = NULL;
	f.limit = 2;
	cr_assert_str_eq(list(&f), want("51"));
}

Test(clearance, list_entries_are_full)
{
	struct clearance_filter f = { .limit = 1, .holder = "bob",
		.level = "top_secret" };
	json_t *a, *e;

	fill_register();
	a = clearance_list(st, acme, &f);
	cr_assert_eq(json_array_size(a), 1);
	e = json_array_get(a, 0);
	cr_assert_str_eq(str(e, "status"), "restricted");
	cr_assert_str_eq(str(e, "site"), "lab");
	cr_assert_str_eq(str(e, "name"), "Bob Example");
	cr_assert_eq(json_array_size(json_object_get(e, "restrictions")), 1);
	json_decref(a);
}
