/*
 * Unit tests of org, on a migrated database in a temporary directory: slug
 * validation (63 and 64 bytes, uppercase, a leading digit or '-', other
 * characters), name validation (empty, 200 and 201 bytes, control
 * characters), adding and listing organizations (slug order, duplicates are
 * ORG_EXISTS, invalid input changes nothing), sites (unknown organization
 * is ORG_NOT_FOUND, duplicates in one organization, the same slug in two
 * organizations, listing filtered by organization), org_id, and the
 * foreign key from sites to organizations.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"
#include "org.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-org-XXXXXX";
static struct store *st;

static void setup(void)
{
	char path[600];

	log_set_level(LOG_LVL_WARN);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/vetd.db", tmpdir);
	st = fixture_db_open(path);
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(org, .init = setup, .fini = teardown, .timeout = 30);

/* A string of n copies of c (static, n < 512). */
static const char *rep(char c, size_t n)
{
	static char s[2][512];
	static int next;
	char *b = s[next];

	next = !next;
	memset(b, c, n);
	b[n] = '\0';
	return b;
}

/* Rows collected by the list callbacks, "slug|name" or "org/slug|name". */
struct rows {
	char row[32][300];
	long long id[32];
	size_t n;
};

static void collect_org(const struct org *o, void *arg)
{
	struct rows *r = arg;

	cr_assert_lt(r->n, 32);
	cr_assert_gt(o->id, 0);
	cr_assert_eq(strlen(o->created_at), 20, "created_at %s", o->created_at);
	cr_assert_eq(o->created_at[19], 'Z');
	r->id[r->n] = o->id;
	snprintf(r->row[r->n++], sizeof(r->row[0]), "%s|%s", o->slug, o->name);
}

static void collect_site(const struct site *s, void *arg)
{
	struct rows *r = arg;

	cr_assert_lt(r->n, 32);
	cr_assert_gt(s->id, 0);
	cr_assert_eq(strlen(s->created_at), 20, "created_at %s", s->created_at);
	r->id[r->n] = s->id;
	snprintf(r->row[r->n++], sizeof(r->row[0]), "%s/%s|%s", s->org_slug,
		 s->slug, s->name);
}

static long long count(const char *sql)
{
	sqlite3_stmt *s;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* --- validation --------------------------------------------------------- */

Test(org, slug_valid)
{
	static const char *const good[] = { "a", "acme", "acme-corp", "a1",
	    "x-1-y", "z9-", "a--b" };
	size_t i;

	for (i = 0; i < nitems(good); i++)
		cr_assert(org_slug_valid(good[i]), "\"%s\" refused", good[i]);
	cr_assert(org_slug_valid(rep('a', 63)), "63 bytes refused");
}

Test(org, slug_invalid)
{
	static const char *const bad[] = { "", "Acme", "acmE", "1acme", "-acme",
	    "acme corp", "acme_corp", "acme.corp", "acme/x", "ac\xc3\xa9",
	    "acme\n", " acme", "\t", "a:b", "a%20" };
	size_t i;

	cr_assert_not(org_slug_valid(NULL));
	for (i = 0; i < nitems(bad); i++)
		cr_assert_not(org_slug_valid(bad[i]), "\"%s\" accepted", bad[i]);
	cr_assert_not(org_slug_valid(rep('a', 64)), "64 bytes accepted");
	cr_assert_not(org_slug_valid(rep('a', 300)));
}

Test(org, name_valid)
{
	cr_assert(org_name_valid("A"));
	cr_assert(org_name_valid("Acme Corp. (Wellington) & Sons"));
	cr_assert(org_name_valid("Caf\xc3\xa9 M\xc4\x81ori"));
	cr_assert(org_name_valid(rep('n', 200)), "200 bytes refused");
}

Test(org, name_invalid)
{
	static const char *const bad[] = { "", "a\nb", "a\rb", "tab\there",
	    "\x01", "del\x7f", "esc\x1b[31m", "trailing\n" };
	size_t i;

	cr_assert_not(org_name_valid(NULL));
	for (i = 0; i < nitems(bad); i++)
		cr_assert_not(org_name_valid(bad[i]), "\"%s\" accepted", bad[i]);
	cr_assert_not(org_name_valid(rep('n', 201)), "201 bytes accepted");
}

/* --- organizations ------------------------------------------------------ */

Test(org, add_and_list_in_slug_order)
{
	struct rows r = { .n = 0 };

	cr_assert_eq(org_add(st, "zeta", "Zeta Ltd"), ORG_OK);
	cr_assert_eq(org_add(st, "acme", "Acme Corp"), ORG_OK);
	cr_assert_eq(org_add(st, "m-9", "Em Nine"), ORG_OK);
	cr_assert_eq(org_list(st, collect_org, &r), 0);
	cr_assert_eq(r.n, 3);
	cr_assert_str_eq(r.row[0], "acme|Acme Corp");
	cr_assert_str_eq(r.row[1], "m-9|Em Nine");
	cr_assert_str_eq(r.row[2], "zeta|Zeta Ltd");
	cr_assert_neq(r.id[0], r.id[1]);
	cr_assert_neq(r.id[1], r.id[2]);
}

Test(org, list_empty)
{
	struct rows r = { .n = 0 };

	cr_assert_eq(org_list(st, collect_org, &r), 0);
	cr_assert_eq(r.n, 0);
}

Test(org, list_twice)
{
	struct rows r = { .n = 0 };

	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_list(st, collect_org, &r), 0);
	cr_assert_eq(org_list(st, collect_org, &r), 0);
	cr_assert_eq(r.n, 2, "the cached statement was not reset");
}

Test(org, add_boundary_lengths)
{
	cr_assert_eq(org_add(st, rep('a', 63), rep('N', 200)), ORG_OK);
	cr_assert_eq(org_add(st, rep('b', 64), "B"), ORG_INVALID);
	cr_assert_eq(org_add(st, "c", rep('N', 201)), ORG_INVALID);
	cr_assert_eq(count("SELECT count(*) FROM organizations"), 1);
}

Test(org, add_duplicate_is_exists)
{
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_add(st, "acme", "Another Acme"), ORG_EXISTS);
	cr_assert_eq(count("SELECT count(*) FROM organizations"), 1);
	cr_assert_eq(count("SELECT count(*) FROM organizations"
	    " WHERE name = 'Acme'"), 1, "the first name was replaced");
	/* the statement is usable after the constraint failure */
	cr_assert_eq(org_add(st, "beta", "Beta"), ORG_OK);
}

Test(org, add_invalid_changes_nothing)
{
	cr_assert_eq(org_add(st, "Acme", "Acme"), ORG_INVALID);
	cr_assert_eq(org_add(st, "acme", ""), ORG_INVALID);
	cr_assert_eq(org_add(st, "acme", "bad\nname"), ORG_INVALID);
	cr_assert_eq(org_add(st, NULL, "x"), ORG_INVALID);
	cr_assert_eq(org_add(st, "acme", NULL), ORG_INVALID);
	cr_assert_eq(count("SELECT count(*) FROM organizations"), 0);
}

Test(org, org_id_lookup)
{
	long long id = -1, id2 = -1;

	cr_assert_eq(org_id(st, "acme", &id), ORG_NOT_FOUND);
	cr_assert_eq(id, -1);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_add(st, "beta", "Beta"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &id), ORG_OK);
	cr_assert_eq(org_id(st, "beta", &id2), ORG_OK);
	cr_assert_gt(id, 0);
	cr_assert_neq(id, id2);
	cr_assert_eq(org_id(st, "ACME", &id), ORG_NOT_FOUND);
}

Test(org, slug_by_id)
{
	long long id = 0;
	char buf[64], small[4];

	cr_assert_eq(org_add(st, "acme-corp", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme-corp", &id), ORG_OK);
	memset(buf, 'X', sizeof(buf));
	cr_assert_eq(org_slug_by_id(st, id, buf, sizeof(buf)), ORG_OK);
	cr_assert_str_eq(buf, "acme-corp");
	cr_assert_eq(org_slug_by_id(st, id, small, sizeof(small)), ORG_OK);
	cr_assert_str_eq(small, "acm", "not cut to the buffer");
	strcpy(buf, "untouched");
	cr_assert_eq(org_slug_by_id(st, id + 1000, buf, sizeof(buf)),
		     ORG_NOT_FOUND);
	cr_assert_str_eq(buf, "untouched");
	cr_assert_eq(org_slug_by_id(st, 0, buf, sizeof(buf)), ORG_NOT_FOUND);
	cr_assert_eq(org_slug_by_id(st, -1, buf, sizeof(buf)), ORG_NOT_FOUND);
}

/* --- sites -------------------------------------------------------------- */

Test(org, site_add_unknown_org)
{
	cr_assert_eq(org_site_add(st, "nobody", "hq", "Head Office"),
		     ORG_NOT_FOUND);
	cr_assert_eq(count("SELECT count(*) FROM sites"), 0);
}

Test(org, site_add_invalid)
{
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "HQ", "Head Office"), ORG_INVALID);
	cr_assert_eq(org_site_add(st, "acme", "9hq", "Head Office"), ORG_INVALID);
	cr_assert_eq(org_site_add(st, "acme", rep('s', 64), "x"), ORG_INVALID);
	cr_assert_eq(org_site_add(st, "acme", "hq", ""), ORG_INVALID);
	cr_assert_eq(org_site_add(st, "acme", "hq", "a\x1f"), ORG_INVALID);
	cr_assert_eq(org_site_add(st, "acme", "hq", rep('n', 201)), ORG_INVALID);
	cr_assert_eq(count("SELECT count(*) FROM sites"), 0);
	cr_assert_eq(org_site_add(st, "acme", rep('s', 63), rep('n', 200)),
		     ORG_OK);
}

Test(org, site_duplicate_in_one_org)
{
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "hq", "Head Office"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "hq", "Other"), ORG_EXISTS);
	cr_assert_eq(count("SELECT count(*) FROM sites"), 1);
}

Test(org, same_site_slug_in_two_orgs)
{
	struct rows r = { .n = 0 };

	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_add(st, "beta", "Beta"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "hq", "Acme HQ"), ORG_OK);
	cr_assert_eq(org_site_add(st, "beta", "hq", "Beta HQ"), ORG_OK);
	cr_assert_eq(org_site_list(st, NULL, collect_site, &r), 0);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.row[0], "acme/hq|Acme HQ");
	cr_assert_str_eq(r.row[1], "beta/hq|Beta HQ");
	cr_assert_neq(r.id[0], r.id[1]);
}

Test(org, site_list_filtered_and_ordered)
{
	struct rows r = { .n = 0 };

	cr_assert_eq(org_add(st, "beta", "Beta"), ORG_OK);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_site_add(st, "beta", "south", "South"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "west", "West"), ORG_OK);
	cr_assert_eq(org_site_add(st, "beta", "north", "North"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "east", "East"), ORG_OK);

	cr_assert_eq(org_site_list(st, "beta", collect_site, &r), 0);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.row[0], "beta/north|North");
	cr_assert_str_eq(r.row[1], "beta/south|South");

	r.n = 0;
	cr_assert_eq(org_site_list(st, NULL, collect_site, &r), 0,
		     "the filter's binding was kept");
	cr_assert_eq(r.n, 4);
	cr_assert_str_eq(r.row[0], "acme/east|East");
	cr_assert_str_eq(r.row[1], "acme/west|West");
	cr_assert_str_eq(r.row[2], "beta/north|North");
	cr_assert_str_eq(r.row[3], "beta/south|South");

	r.n = 0;
	cr_assert_eq(org_site_list(st, "gamma", collect_site, &r), 0);
	cr_assert_eq(r.n, 0);
}

Test(org, foreign_keys_enforced)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(store_db(st), "INSERT INTO sites"
	    " (org_id, slug, name, created_at) VALUES (999, 'x', 'X', 'now')",
	    NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_FOREIGNKEY, "rc %d: %s", rc,
		     msg ? msg : "");
	sqlite3_free(msg);
	cr_assert_eq(count("SELECT count(*) FROM sites"), 0);

	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "hq", "HQ"), ORG_OK);
	rc = sqlite3_exec(store_db(st), "DELETE FROM organizations", NULL, NULL,
	    NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_FOREIGNKEY,
		     "an organization with sites was deleted (rc %d)", rc);
	cr_assert_eq(count("SELECT count(*) FROM organizations"), 1);
}

Test(org, schema_checks_back_the_validation)
{
	int rc;

	rc = sqlite3_exec(store_db(st), "INSERT INTO organizations"
	    " (slug, name, created_at) VALUES ('', 'X', 'now')", NULL, NULL, NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_CHECK, "rc %d", rc);
	rc = sqlite3_exec(store_db(st), "INSERT INTO organizations"
	    " (slug, name, created_at)"
	    " VALUES ('x', substr(hex(zeroblob(101)), 1, 201), 'now')",
	    NULL, NULL, NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_CHECK, "201-byte name: rc %d", rc);
	rc = sqlite3_exec(store_db(st), "INSERT INTO organizations"
	    " (slug, name, created_at) VALUES ('x', x'0102', 'now')",
	    NULL, NULL, NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_DATATYPE, "blob name: rc %d", rc);
}

Test(org, name_must_be_utf8_without_c1_controls)
{
	cr_expect(org_name_valid("Montr\xc3\xa9" "al Site"));
	cr_expect_not(org_name_valid("bad \xff byte"));
	cr_expect_not(org_name_valid("C1 \xc2\x85 control"));
	cr_expect_not(org_name_valid("cut \xc3"));
}
