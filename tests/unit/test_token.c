/*
 * Unit tests of token, on a migrated database with two organizations in a
 * temporary directory: the secret ("vetd_" and 43 base64url characters,
 * different every time, only its SHA-256 stored), finding a token by its
 * secret (and not by a wrong, short, long or unknown one), names unique in
 * an organization but free across organizations, names the schema refuses,
 * revoking (then not found; twice, unknown, or in the wrong organization:
 * TOKEN_NONE), the list (per organization or all, in order, with
 * revoked_at) and touch (sets last_used_at, at most once a minute).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "access.h"
#include "log.h"
#include "org.h"
#include "token.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-token-XXXXXX";
static struct store *st;
static long long acme, beta;

static void setup(void)
{
	char path[600];

	log_set_level(LOG_LVL_WARN);
	cr_assert_neq(sodium_init(), -1);
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

TestSuite(token, .init = setup, .fini = teardown, .timeout = 30);

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

/* One text value of sql into buf ("" for NULL). */
static void text(const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *s;
	const unsigned char *t;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
	t = sqlite3_column_text(s, 0);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
	sqlite3_finalize(s);
}

static void exec(const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(store_db(st), sql, NULL, NULL, &msg),
		     SQLITE_OK, "%s: %s", sql, msg ? msg : "");
}

static int is_b64url(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static int contains(const void *b, size_t n, const char *s, size_t n2)
{
	const unsigned char *p = b;
	size_t i;

	for (i = 0; n2 <= n && i <= n - n2; i++)
		if (memcmp(p + i, s, n2) == 0)
			return 1;
	return 0;
}

/* Is s an ISO 8601 UTC time to the second? */
static int is_iso(const char *s)
{
	return strlen(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && s[19] == 'Z';
}

static void create(long long org, const char *name, unsigned roles,
		   char out[TOKEN_SIZE])
{
	cr_assert_eq(token_create(st, org, name, roles, out), TOKEN_OK,
		     "token_create %s", name);
}

/* --- creating and finding ----------------------------------------------- */

Test(token, secret_format)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE];

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), a);
	create(acme, "ci2", ROLE_BIT(ROLE_AUDITOR), b);
	cr_assert_eq(strlen(a), 48, "length %zu", strlen(a));
	cr_assert_eq(strncmp(a, "vetd_", 5), 0, "%s", a);
	cr_assert(is_b64url(a + 5), "%s", a);
	cr_assert_str_neq(a, b);
	cr_assert_str_neq(a + 5, b + 5);
}

Test(token, only_the_hash_is_stored)
{
	char sec[TOKEN_SIZE];
	unsigned char h[32];
	sqlite3_stmt *q;
	int i;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), sec);
	crypto_hash_sha256(h, (const unsigned char *)sec, strlen(sec));
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "SELECT * FROM api_tokens",
		     -1, &q, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	for (i = 0; i < sqlite3_column_count(q); i++) {
		const void *b = sqlite3_column_blob(q, i);
		size_t n = (size_t)sqlite3_column_bytes(q, i);

		if (b == NULL)
			continue;
		cr_assert_not(contains(b, n, sec + 5, 20), "column %s holds the "
			      "secret", sqlite3_column_name(q, i));
		if (strcmp(sqlite3_column_name(q, i), "token_hash") == 0) {
			cr_assert_eq(n, 32);
			cr_assert_eq(memcmp(b, h, 32), 0,
				     "not SHA-256 of the whole secret");
		}
	}
	cr_assert_eq(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
}

Test(token, find_by_secret)
{
	char sec[TOKEN_SIZE];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_CSO), sec);
	memset(&t, 0, sizeof(t));
	cr_assert_eq(token_find(st, sec, &t), TOKEN_OK);
	cr_assert_gt(t.id, 0);
	cr_assert_eq(t.org_id, acme);
	cr_assert_str_eq(t.org_slug, "acme");
	cr_assert_str_eq(t.name, "ci");
	cr_assert_eq(t.roles, ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_CSO));
	cr_assert(is_iso(t.created_at), "created_at %s", t.created_at);
	cr_assert_str_eq(t.revoked_at, "");
	cr_assert_str_eq(t.last_used_at, "");
}

Test(token, wrong_secrets_find_nothing)
{
	char sec[TOKEN_SIZE], buf[100];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), sec);
	cr_assert_eq(token_find(st, "", &t), TOKEN_NONE);
	cr_assert_eq(token_find(st, "vetd_", &t), TOKEN_NONE);
	snprintf(buf, sizeof(buf), "%.47s", sec);
	cr_assert_eq(token_find(st, buf, &t), TOKEN_NONE, "one short");
	snprintf(buf, sizeof(buf), "%sx", sec);
	cr_assert_eq(token_find(st, buf, &t), TOKEN_NONE, "one too many");
	snprintf(buf, sizeof(buf), "VETD_%s", sec + 5);
	cr_assert_eq(token_find(st, buf, &t), TOKEN_NONE, "prefix case");
	snprintf(buf, sizeof(buf), "%s", sec);
	buf[20] = buf[20] == 'A' ? 'B' : 'A';
	cr_assert_eq(token_find(st, buf, &t), TOKEN_NONE, "one changed");
	/* the bare 43 characters without the prefix */
	cr_assert_eq(token_find(st, sec + 5, &t), TOKEN_NONE);
	cr_assert_eq(token_find(st, sec, &t), TOKEN_OK);
}

Test(token, duplicate_name_in_one_org)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), a);
	memset(b, 'X', sizeof(b));
	cr_assert_eq(token_create(st, acme, "ci", ROLE_BIT(ROLE_ADMIN), b),
		     TOKEN_EXISTS);
	cr_assert_eq(b[0], '\0', "a secret that was never stored was shown");
	cr_assert_eq(count("SELECT count(*) FROM api_tokens"), 1);
	cr_assert_eq(token_find(st, a, &t), TOKEN_OK);
	cr_assert_eq(t.roles, ROLE_BIT(ROLE_AUDITOR), "the first was replaced");
}

Test(token, same_name_in_two_orgs)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), a);
	create(beta, "ci", ROLE_BIT(ROLE_CSO), b);
	cr_assert_eq(token_find(st, a, &t), TOKEN_OK);
	cr_assert_eq(t.org_id, acme);
	cr_assert_eq(token_find(st, b, &t), TOKEN_OK);
	cr_assert_eq(t.org_id, beta);
	cr_assert_str_eq(t.org_slug, "beta");
	cr_assert_eq(t.roles, ROLE_BIT(ROLE_CSO));
}

Test(token, names_the_schema_refuses)
{
	char out[TOKEN_SIZE], name[80];

	memset(name, 'n', 64);
	name[64] = '\0';
	cr_assert_eq(token_create(st, acme, "", 0, out), TOKEN_ERROR);
	cr_assert_eq(out[0], '\0');
	cr_assert_eq(token_create(st, acme, name, 0, out), TOKEN_ERROR);
	cr_assert_eq(token_create(st, acme + beta + 100, "ci", 0, out),
		     TOKEN_ERROR, "a token for no organization");
	cr_assert_eq(count("SELECT count(*) FROM api_tokens"), 0);
	name[63] = '\0';
	cr_assert_eq(token_create(st, acme, name, 0, out), TOKEN_OK);
}

/* --- revoking ----------------------------------------------------------- */

Test(token, revoke_then_not_found)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE], when[40];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), a);
	create(acme, "backup", ROLE_BIT(ROLE_AUDITOR), b);
	cr_assert_eq(token_revoke(st, acme, "ci"), TOKEN_OK);
	cr_assert_eq(token_find(st, a, &t), TOKEN_NONE);
	cr_assert_eq(token_find(st, b, &t), TOKEN_OK, "revoked the wrong one");
	text("SELECT revoked_at FROM api_tokens WHERE name = 'ci'", when,
	     sizeof(when));
	cr_assert(is_iso(when), "revoked_at %s", when);
	cr_assert_eq(token_revoke(st, acme, "ci"), TOKEN_NONE, "revoked twice");
	cr_assert_eq(count("SELECT count(*) FROM api_tokens"), 2,
		     "revoking deletes the record");
}

Test(token, revoke_unknown_or_in_another_org)
{
	char a[TOKEN_SIZE];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), a);
	cr_assert_eq(token_revoke(st, acme, "nope"), TOKEN_NONE);
	cr_assert_eq(token_revoke(st, beta, "ci"), TOKEN_NONE);
	cr_assert_eq(token_revoke(st, 9999, "ci"), TOKEN_NONE);
	cr_assert_eq(token_find(st, a, &t), TOKEN_OK);
	cr_assert_eq(count("SELECT count(*) FROM api_tokens"
			   " WHERE revoked_at IS NOT NULL"), 0);
}

/* --- listing ------------------------------------------------------------ */

struct rows {
	char row[16][200];
	size_t n;
};

static void collect(const struct token *t, void *arg)
{
	struct rows *r = arg;

	cr_assert_lt(r->n, 16);
	snprintf(r->row[r->n++], sizeof(r->row[0]), "%s/%s|%u|%s", t->org_slug,
		 t->name, t->roles, t->revoked_at[0] ? "revoked" : "valid");
	cr_assert(is_iso(t->created_at));
	cr_assert(t->revoked_at[0] == '\0' || is_iso(t->revoked_at));
}

Test(token, list_per_org_and_all)
{
	char out[TOKEN_SIZE];
	struct rows r = { .n = 0 };

	create(beta, "zeta", 1, out);
	create(acme, "ops", 2, out);
	create(acme, "ci", 4, out);
	create(beta, "alpha", 8, out);
	cr_assert_eq(token_revoke(st, acme, "ops"), TOKEN_OK);

	cr_assert_eq(token_list(st, acme, collect, &r), 0);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.row[0], "acme/ci|4|valid");
	cr_assert_str_eq(r.row[1], "acme/ops|2|revoked");

	r.n = 0;
	cr_assert_eq(token_list(st, 0, collect, &r), 0);
	cr_assert_eq(r.n, 4);
	cr_assert_str_eq(r.row[0], "acme/ci|4|valid");
	cr_assert_str_eq(r.row[1], "acme/ops|2|revoked");
	cr_assert_str_eq(r.row[2], "beta/alpha|8|valid");
	cr_assert_str_eq(r.row[3], "beta/zeta|1|valid");

	r.n = 0;
	cr_assert_eq(token_list(st, 9999, collect, &r), 0);
	cr_assert_eq(r.n, 0);
}

/* --- touching ----------------------------------------------------------- */

Test(token, touch_sets_last_used_at)
{
	char sec[TOKEN_SIZE], when[40];
	struct token t;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), sec);
	cr_assert_eq(token_find(st, sec, &t), TOKEN_OK);
	cr_assert_str_eq(t.last_used_at, "");
	cr_assert_eq(token_touch(st, &t), 0);
	cr_assert_eq(token_find(st, sec, &t), TOKEN_OK);
	cr_assert(is_iso(t.last_used_at), "last_used_at %s", t.last_used_at);

	/* an old use is replaced by now */
	exec("UPDATE api_tokens SET last_used_at = '2001-01-01T00:00:00Z'");
	cr_assert_eq(token_touch(st, &t), 0);
	text("SELECT last_used_at FROM api_tokens", when, sizeof(when));
	cr_assert_str_neq(when, "2001-01-01T00:00:00Z");
	cr_assert(is_iso(when));
	cr_assert_gt(strcmp(when, "2020"), 0);
}

Test(token, touch_at_most_once_a_minute)
{
	char sec[TOKEN_SIZE], when[40], recent[40];
	struct token t;
	sqlite3_stmt *s;

	create(acme, "ci", ROLE_BIT(ROLE_AUDITOR), sec);
	cr_assert_eq(token_find(st, sec, &t), TOKEN_OK);
	/* a use 30 seconds ago: no new write */
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "SELECT strftime("
		     "'%Y-%m-%dT%H:%M:%SZ', 'now', '-30 seconds')", -1, &s,
		     NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	snprintf(recent, sizeof(recent), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "UPDATE api_tokens SET"
		     " last_used_at = ?", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, recent, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	cr_assert_eq(token_touch(st, &t), 0);
	text("SELECT last_used_at FROM api_tokens", when, sizeof(when));
	cr_assert_str_eq(when, recent, "rewritten within the minute");
}

Test(token, touch_one_token_only)
{
	char a[TOKEN_SIZE], b[TOKEN_SIZE];
	struct token t;

	create(acme, "a", 1, a);
	create(acme, "b", 1, b);
	cr_assert_eq(token_find(st, a, &t), TOKEN_OK);
	cr_assert_eq(token_touch(st, &t), 0);
	cr_assert_eq(count("SELECT count(*) FROM api_tokens"
			   " WHERE last_used_at IS NOT NULL"), 1);
	cr_assert_eq(token_find(st, b, &t), TOKEN_OK);
	cr_assert_str_eq(t.last_used_at, "");
}
