/*
 * Unit tests of person, on a migrated database with two organizations in
 * a temporary directory: creating a person (data stored with sorted keys,
 * with or without a username; an unknown organization stores nothing),
 * usernames unique within an organization but free across them and any
 * number of persons without one, person_get (id, username or null,
 * created_at, the data; another organization's person or an unknown id is
 * NULL), person_data_of (the data alone) and person_username (the name, ""
 * when none, cut to the buffer, not found across organizations).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "log.h"
#include "org.h"
#include "person.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-person-XXXXXX";
static struct store *st;
static long long acme, beta;

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
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(person, .init = setup, .fini = teardown, .timeout = 30);

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

static json_t *data(const char *name)
{
	return json_pack("{s:s, s:s, s:[s,s], s:{s:s, s:s}}", "name", name,
			 "date_of_birth", "1990-01-01", "citizenships", "CA",
			 "NZ", "address", "city", "Ottawa", "country", "CA");
}

static enum person_status create(long long org, const char *name,
				 const char *username, long long *id)
{
	json_t *d = data(name);
	enum person_status r;

	cr_assert_eq(store_begin(st), 0);
	r = person_create(st, org, d, username, id);
	if (r == PERSON_OK)
		cr_assert_eq(store_commit(st), 0);
	else
		store_rollback(st);
	json_decref(d);
	return r;
}

static char *show(json_t *j)
{
	static char buf[2048];
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	free(s);
	return buf;
}

Test(person, create_and_get)
{
	long long id = 0;
	json_t *p, *d;
	const char *created;

	cr_assert_eq(create(acme, "Alice Example", "alice", &id), PERSON_OK);
	cr_assert_gt(id, 0);
	p = person_get(st, acme, id);
	cr_assert_not_null(p);
	cr_assert_eq(json_integer_value(json_object_get(p, "id")), id);
	cr_assert_str_eq(json_string_value(json_object_get(p, "username")),
			 "alice");
	created = json_string_value(json_object_get(p, "created_at"));
	cr_assert(created != NULL && strlen(created) == 20 &&
		  created[10] == 'T' && created[19] == 'Z', "%s", show(p));
	json_object_del(p, "id");
	json_object_del(p, "username");
	json_object_del(p, "created_at");
	d = data("Alice Example");
	cr_assert(json_equal(p, d), "%s", show(p));
	json_decref(d);
	json_decref(p);
	/* stored with sorted keys */
	cr_assert_eq(count("SELECT count(*) FROM persons WHERE data LIKE"
			   " '{\"address\":{\"city\":\"Ottawa\",\"country\":"
			   "\"CA\"},\"citizenships\":%'"), 1);
}

Test(person, without_username)
{
	long long a = 0, b = 0;
	json_t *p;
	char buf[64];

	cr_assert_eq(create(acme, "No Account", NULL, &a), PERSON_OK);
	cr_assert_eq(create(acme, "No Account Either", NULL, &b), PERSON_OK,
		     "two persons without a username");
	cr_assert_neq(a, b);
	p = person_get(st, acme, a);
	cr_assert(json_is_null(json_object_get(p, "username")), "%s", show(p));
	json_decref(p);
	snprintf(buf, sizeof(buf), "unchanged");
	cr_assert_eq(person_username(st, acme, a, buf, sizeof(buf)), PERSON_OK);
	cr_assert_str_eq(buf, "");
}

Test(person, username_unique_per_org)
{
	long long a = 0, b = -1, c = 0;

	cr_assert_eq(create(acme, "Alice", "alice", &a), PERSON_OK);
	cr_assert_eq(create(acme, "Alice Two", "alice", &b), PERSON_EXISTS);
	cr_assert_eq(b, -1, "id written for a refused person");
	cr_assert_eq(count("SELECT count(*) FROM persons"), 1);
	cr_assert_eq(create(beta, "Alice at Beta", "alice", &c), PERSON_OK,
		     "the same username in another organization");
	cr_assert_neq(a, c);
	/* the statement is usable after the constraint failure */
	cr_assert_eq(create(acme, "Bob", "bob", &b), PERSON_OK);
}

Test(person, unknown_org_stores_nothing)
{
	long long id = -1;

	cr_assert_eq(create(acme + beta + 100, "Nobody", "nobody", &id),
		     PERSON_ERROR);
	cr_assert_eq(id, -1);
	cr_assert_eq(count("SELECT count(*) FROM persons"), 0);
}

Test(person, another_org_is_not_found)
{
	long long id = 0;
	char buf[64];

	cr_assert_eq(create(acme, "Alice", "alice", &id), PERSON_OK);
	cr_assert_null(person_get(st, beta, id));
	cr_assert_null(person_data_of(st, beta, id));
	cr_assert_null(person_get(st, acme, id + 1));
	cr_assert_null(person_get(st, acme, 0));
	snprintf(buf, sizeof(buf), "unchanged");
	cr_assert_eq(person_username(st, beta, id, buf, sizeof(buf)),
		     PERSON_NOT_FOUND);
	cr_assert_str_eq(buf, "unchanged");
	cr_assert_eq(person_username(st, acme, id + 1, buf, sizeof(buf)),
		     PERSON_NOT_FOUND);
}

Test(person, data_of_is_the_data_alone)
{
	long long id = 0;
	json_t *d, *w;

	cr_assert_eq(create(acme, "Alice", "alice", &id), PERSON_OK);
	d = person_data_of(st, acme, id);
	w = data("Alice");
	cr_assert(json_equal(d, w), "%s", show(d));
	cr_assert_null(json_object_get(d, "id"));
	cr_assert_null(json_object_get(d, "username"));
	cr_assert_null(json_object_get(d, "created_at"));
	json_decref(d);
	json_decref(w);
}

Test(person, username_lookup)
{
	long long id = 0;
	char buf[64], small[4];

	cr_assert_eq(create(acme, "Alice", "alice.example", &id), PERSON_OK);
	cr_assert_eq(person_username(st, acme, id, buf, sizeof(buf)), PERSON_OK);
	cr_assert_str_eq(buf, "alice.example");
	cr_assert_eq(person_username(st, acme, id, small, sizeof(small)),
		     PERSON_OK);
	cr_assert_str_eq(small, "ali", "not cut to the buffer");
}
