/*
 * Unit tests of session, on a migrated database in a temporary directory,
 * with the clock given as numbers: tokens (43 base64url characters, never
 * two alike, SHA-256 as documented), create then find at the same instant,
 * idle expiry exactly at last_seen + idle and not one second before,
 * absolute expiry at created_at + absolute even for a session kept busy,
 * an expired session deleted (found once as expired, then not at all),
 * touch, set_roles, defer_refresh, delete, only the token's hash kept in
 * the sessions table, tokens of the wrong length or unknown; and the
 * sign-in throttle: the delay table, the waits after failures per username
 * (any letter case) and per client address (20 free), clearing both, and a
 * count that starts again after a day without failures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "access.h"
#include "log.h"
#include "org.h"
#include "session.h"
#include "util.h"

#include "fixture.h"

#define T0	1700000000LL	/* an arbitrary "now" */
#define IDLE	900LL
#define ABS	43200LL
#define REFRESH	300LL

static char tmpdir[] = "/tmp/vetd-unit-session-XXXXXX";
static struct store *st;
static long long org;

static void setup(void)
{
	char path[600];

	log_set_level(LOG_LVL_WARN);
	cr_assert_neq(sodium_init(), -1);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/vetd.db", tmpdir);
	st = fixture_db_open(path);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(session, .init = setup, .fini = teardown, .timeout = 30);

/* The first column of the first row of sql, as an integer. */
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

static int is_b64url(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* Does [b, b+n) contain the n2 bytes of s? */
static int contains(const void *b, size_t n, const char *s, size_t n2)
{
	const unsigned char *p = b;
	size_t i;

	for (i = 0; n2 <= n && i <= n - n2; i++)
		if (memcmp(p + i, s, n2) == 0)
			return 1;
	return 0;
}

/* Create a session for user at now in its own transaction. */
static void make(const char *user, unsigned roles, long long now,
		 char token[SESSION_TOKEN_SIZE], struct session *out)
{
	struct auth_identity id;

	memset(&id, 0, sizeof(id));
	snprintf(id.username, sizeof(id.username), "%s", user);
	snprintf(id.dn, sizeof(id.dn), "uid=%s,ou=people,dc=example", user);
	snprintf(id.display_name, sizeof(id.display_name), "User %s", user);
	id.roles = roles;
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(session_create(st, &id, org, now, REFRESH, token, out), 0);
	cr_assert_eq(store_commit(st), 0);
}

static enum session_status find(const char *token, long long now,
				struct session *out)
{
	return session_find(st, token, now, IDLE, ABS, out);
}

/* --- tokens ------------------------------------------------------------- */

Test(session, token_is_43_base64url_characters)
{
	char t[SESSION_TOKEN_SIZE];
	int i;

	for (i = 0; i < 50; i++) {
		memset(t, 'X', sizeof(t));
		session_token_new(t);
		cr_assert_eq(strlen(t), 43, "length %zu", strlen(t));
		cr_assert(is_b64url(t), "not base64url: %s", t);
	}
}

Test(session, tokens_are_never_equal)
{
	static char t[200][SESSION_TOKEN_SIZE];
	int i, j;

	for (i = 0; i < 200; i++)
		session_token_new(t[i]);
	for (i = 0; i < 200; i++)
		for (j = i + 1; j < 200; j++)
			cr_assert_str_neq(t[i], t[j], "tokens %d and %d", i, j);
}

Test(session, token_hash_is_sha256)
{
	static const unsigned char abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};
	unsigned char h[32];

	session_token_hash("abc", h);
	cr_assert_eq(memcmp(h, abc, 32), 0);
}

/* --- create and find ---------------------------------------------------- */

Test(session, create_then_find_at_the_same_instant)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;

	make("alice", ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUDITOR), T0, tok, &s);
	cr_assert_gt(s.id, 0);
	cr_assert_eq(strlen(tok), 43);
	cr_assert(is_b64url(tok));
	cr_assert_eq(strlen(s.csrf), 43);
	cr_assert_str_neq(s.csrf, tok, "the CSRF token is the session token");
	cr_assert_eq(s.created_at, T0);
	cr_assert_eq(s.last_seen, T0);
	cr_assert_eq(s.refresh_due, T0 + REFRESH);

	cr_assert_eq(find(tok, T0, &f), SESSION_OK);
	cr_assert_eq(f.id, s.id);
	cr_assert_str_eq(f.username, "alice");
	cr_assert_str_eq(f.display_name, "User alice");
	cr_assert_eq(f.org_id, org);
	cr_assert_eq(f.roles, ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUDITOR));
	cr_assert_str_eq(f.csrf, s.csrf);
	cr_assert_eq(f.created_at, T0);
	cr_assert_eq(f.last_seen, T0);
	cr_assert_eq(f.refresh_due, T0 + REFRESH);
}

Test(session, two_sessions_find_their_own)
{
	char t1[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE];
	struct session a, b, f;

	make("alice", 0, T0, t1, &a);
	make("alice", 0, T0, t2, &b);
	cr_assert_neq(a.id, b.id);
	cr_assert_str_neq(t1, t2);
	cr_assert_str_neq(a.csrf, b.csrf);
	cr_assert_eq(find(t1, T0, &f), SESSION_OK);
	cr_assert_eq(f.id, a.id);
	cr_assert_eq(find(t2, T0, &f), SESSION_OK);
	cr_assert_eq(f.id, b.id);
}

Test(session, create_for_unknown_org_fails)
{
	struct auth_identity id;
	struct session s;
	char tok[SESSION_TOKEN_SIZE];

	memset(&id, 0, sizeof(id));
	snprintf(id.username, sizeof(id.username), "mallory");
	cr_assert_eq(store_begin(st), 0);
	fixture_quiet(1);
	cr_assert_eq(session_create(st, &id, org + 100, T0, REFRESH, tok, &s),
		     -1);
	fixture_quiet(0);
	store_rollback(st);
	cr_assert_eq(count("SELECT count(*) FROM sessions"), 0);
}

/* --- expiry ------------------------------------------------------------- */

Test(session, idle_expiry_is_exactly_at_last_seen_plus_idle)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;

	make("alice", 0, T0, tok, &s);
	cr_assert_eq(find(tok, T0 + IDLE - 1, &f), SESSION_OK,
		     "expired one second early");
	cr_assert_eq(find(tok, T0 + IDLE, &f), SESSION_EXPIRED);
	cr_assert_eq(find(tok, T0 + IDLE, &f), SESSION_NONE,
		     "an expired session was kept");
	cr_assert_eq(count("SELECT count(*) FROM sessions"), 0);
}

Test(session, expired_session_is_deleted_whoever_looks_later)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;

	make("alice", 0, T0, tok, &s);
	cr_assert_eq(find(tok, T0 + 10 * ABS, &f), SESSION_EXPIRED);
	/* even with the clock turned back, it is gone */
	cr_assert_eq(find(tok, T0, &f), SESSION_NONE);
}

Test(session, touch_keeps_it_idle_fresh)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;

	make("alice", 0, T0, tok, &s);
	cr_assert_eq(session_touch(st, s.id, T0 + 500), 0);
	cr_assert_eq(find(tok, T0 + 500, &f), SESSION_OK);
	cr_assert_eq(f.last_seen, T0 + 500);
	cr_assert_eq(f.created_at, T0, "touch moved created_at");
	cr_assert_eq(find(tok, T0 + 500 + IDLE - 1, &f), SESSION_OK,
		     "expired though touched");
	cr_assert_eq(find(tok, T0 + 500 + IDLE, &f), SESSION_EXPIRED);
}

Test(session, find_does_not_touch)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;

	make("alice", 0, T0, tok, &s);
	cr_assert_eq(find(tok, T0 + IDLE - 1, &f), SESSION_OK);
	cr_assert_eq(f.last_seen, T0);
	cr_assert_eq(find(tok, T0 + IDLE, &f), SESSION_EXPIRED);
}

Test(session, absolute_expiry_ends_a_busy_session)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;
	long long now;

	make("alice", 0, T0, tok, &s);
	/* used every ten minutes: never idle */
	for (now = T0 + 600; now < T0 + ABS; now += 600) {
		cr_assert_eq(find(tok, now, &f), SESSION_OK, "at +%lld",
			     now - T0);
		cr_assert_eq(session_touch(st, s.id, now), 0);
	}
	cr_assert_eq(session_touch(st, s.id, T0 + ABS - 1), 0);
	cr_assert_eq(find(tok, T0 + ABS - 1, &f), SESSION_OK);
	cr_assert_eq(find(tok, T0 + ABS, &f), SESSION_EXPIRED,
		     "touched, so idle-fresh, but too old");
	cr_assert_eq(find(tok, T0 + ABS, &f), SESSION_NONE);
}

/* --- changes ------------------------------------------------------------ */

Test(session, set_roles_and_defer_refresh)
{
	char tok[SESSION_TOKEN_SIZE];
	struct session s, f;

	make("alice", ROLE_BIT(ROLE_APPLICANT), T0, tok, &s);
	cr_assert_eq(session_set_roles(st, s.id, ROLE_BIT(ROLE_SCREENING) |
		     ROLE_BIT(ROLE_INTERVIEWER), "Alice Smith", T0 + 999), 0);
	cr_assert_eq(find(tok, T0, &f), SESSION_OK);
	cr_assert_eq(f.roles, ROLE_BIT(ROLE_SCREENING) |
		     ROLE_BIT(ROLE_INTERVIEWER));
	cr_assert_str_eq(f.display_name, "Alice Smith");
	cr_assert_eq(f.refresh_due, T0 + 999);
	cr_assert_eq(f.last_seen, T0);

	cr_assert_eq(session_defer_refresh(st, s.id, T0 + 4242), 0);
	cr_assert_eq(find(tok, T0, &f), SESSION_OK);
	cr_assert_eq(f.refresh_due, T0 + 4242);
	cr_assert_eq(f.roles, ROLE_BIT(ROLE_SCREENING) |
		     ROLE_BIT(ROLE_INTERVIEWER), "defer changed the roles");
	cr_assert_str_eq(f.display_name, "Alice Smith");

	cr_assert_eq(session_set_roles(st, s.id, 0, "Alice", T0 + 1), 0);
	cr_assert_eq(find(tok, T0, &f), SESSION_OK);
	cr_assert_eq(f.roles, 0);
}

Test(session, changes_touch_only_their_session)
{
	char t1[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE];
	struct session a, b, f;

	make("alice", ROLE_BIT(ROLE_CSO), T0, t1, &a);
	make("bob", ROLE_BIT(ROLE_CSO), T0, t2, &b);
	cr_assert_eq(session_set_roles(st, a.id, 0, "A", T0 + 1), 0);
	cr_assert_eq(session_touch(st, a.id, T0 + 100), 0);
	cr_assert_eq(find(t2, T0, &f), SESSION_OK);
	cr_assert_eq(f.roles, ROLE_BIT(ROLE_CSO));
	cr_assert_eq(f.last_seen, T0);
	cr_assert_str_eq(f.display_name, "User bob");
}

Test(session, delete_ends_it)
{
	char t1[SESSION_TOKEN_SIZE], t2[SESSION_TOKEN_SIZE];
	struct session a, b, f;

	make("alice", 0, T0, t1, &a);
	make("bob", 0, T0, t2, &b);
	cr_assert_eq(session_delete(st, a.id), 0);
	cr_assert_eq(find(t1, T0, &f), SESSION_NONE);
	cr_assert_eq(f.id, 0, "out not cleared");
	cr_assert_eq(find(t2, T0, &f), SESSION_OK, "deleted the wrong one");
	cr_assert_eq(session_delete(st, a.id), 0, "deleting twice");
	cr_assert_eq(count("SELECT count(*) FROM sessions"), 1);
}

/* --- what is stored ----------------------------------------------------- */

Test(session, only_the_hash_is_stored)
{
	char tok[SESSION_TOKEN_SIZE];
	unsigned char h[32];
	struct session s;
	sqlite3_stmt *q;
	int i, rows = 0;

	make("alice", 0, T0, tok, &s);
	session_token_hash(tok, h);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "SELECT * FROM sessions",
		     -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		rows++;
		for (i = 0; i < sqlite3_column_count(q); i++) {
			const void *b = sqlite3_column_blob(q, i);
			int n = sqlite3_column_bytes(q, i);

			if (b == NULL)
				continue;
			cr_assert_not(contains(b, (size_t)n, tok, strlen(tok)),
				       "column %s holds the token",
				       sqlite3_column_name(q, i));
			/* nor its first half, in case of a partial copy */
			cr_assert_not(contains(b, (size_t)n, tok, 20),
				       "column %s holds part of the token",
				       sqlite3_column_name(q, i));
		}
	}
	sqlite3_finalize(q);
	cr_assert_eq(rows, 1);

	cr_assert_eq(sqlite3_prepare_v2(store_db(st),
		     "SELECT token_hash FROM sessions", -1, &q, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_bytes(q, 0), 32);
	cr_assert_eq(memcmp(sqlite3_column_blob(q, 0), h, 32), 0,
		     "the stored hash is not SHA-256 of the token");
	sqlite3_finalize(q);
}

Test(session, bad_and_unknown_tokens_are_none)
{
	char tok[SESSION_TOKEN_SIZE], other[SESSION_TOKEN_SIZE], buf[100];
	struct session s, f;

	make("alice", 0, T0, tok, &s);
	cr_assert_eq(find(NULL, T0, &f), SESSION_NONE);
	cr_assert_eq(find("", T0, &f), SESSION_NONE);
	/* one character short and one too many */
	snprintf(buf, sizeof(buf), "%.42s", tok);
	cr_assert_eq(find(buf, T0, &f), SESSION_NONE);
	snprintf(buf, sizeof(buf), "%sA", tok);
	cr_assert_eq(find(buf, T0, &f), SESSION_NONE);
	/* right length, one character changed */
	snprintf(buf, sizeof(buf), "%s", tok);
	buf[10] = buf[10] == 'A' ? 'B' : 'A';
	cr_assert_eq(find(buf, T0, &f), SESSION_NONE);
	/* a fresh token never issued */
	session_token_new(other);
	cr_assert_eq(find(other, T0, &f), SESSION_NONE);
	cr_assert_eq(f.id, 0);
	/* the CSRF token does not open the session */
	cr_assert_eq(find(s.csrf, T0, &f), SESSION_NONE);
	/* nothing above harmed the real one */
	cr_assert_eq(find(tok, T0, &f), SESSION_OK);
}

/* --- throttling --------------------------------------------------------- */

Test(session, throttle_delay_table)
{
	static const long long user[] = { 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60,
		60 };
	long long i;

	for (i = 0; i < (long long)(sizeof(user) / sizeof(user[0])); i++)
		cr_assert_eq(session_throttle_delay(i, 3), user[i],
			     "%lld failures: %lld", i,
			     session_throttle_delay(i, 3));
	cr_assert_eq(session_throttle_delay(1000, 3), 60);
	cr_assert_eq(session_throttle_delay(19, 20), 0);
	cr_assert_eq(session_throttle_delay(20, 20), 1);
	cr_assert_eq(session_throttle_delay(21, 20), 2);
	cr_assert_eq(session_throttle_delay(25, 20), 32);
	cr_assert_eq(session_throttle_delay(26, 20), 60);
	cr_assert_eq(session_throttle_delay(0, 0), 1);
	cr_assert_eq(session_throttle_delay(1LL << 40, 3), 60);
}

static void fail_n(const char *user, const char *addr, long long now, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		cr_assert_eq(store_begin(st), 0);
		cr_assert_eq(session_throttle_fail(st, user, addr, now), 0);
		cr_assert_eq(store_commit(st), 0);
	}
}

Test(session, throttle_username_after_three_failures)
{
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0), 0);
	fail_n("alice", "10.0.0.1", T0, 2);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0), 0,
		     "two failures are free");
	fail_n("alice", "10.0.0.1", T0, 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0), 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0 + 1), 0,
		     "waited long enough");
	fail_n("alice", "10.0.0.1", T0 + 1, 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0 + 1), 2);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0 + 2), 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0 + 3), 0);
	/* the same username from anywhere else waits too */
	fail_n("alice", "10.0.0.1", T0 + 3, 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "192.0.2.7", T0 + 3), 4);
	/* someone else from the same address does not */
	cr_assert_eq(session_throttle_wait(st, "bob", "10.0.0.1", T0 + 3), 0);
}

Test(session, throttle_wait_is_capped_at_a_minute)
{
	fail_n("alice", "10.0.0.1", T0, 15);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.2", T0), 60);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.2", T0 + 59), 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.2", T0 + 60), 0);
}

Test(session, throttle_username_ignores_letter_case)
{
	fail_n("Alice", "10.0.0.1", T0, 1);
	fail_n("ALICE", "10.0.0.2", T0, 1);
	fail_n("alice", "10.0.0.3", T0, 1);
	cr_assert_eq(session_throttle_wait(st, "aLiCe", "10.0.0.4", T0), 1,
		     "the three spellings did not share a count");
	cr_assert_eq(count("SELECT count(*) FROM auth_failures"), 4,
		     "one username key and three address keys");
}

Test(session, throttle_address_has_twenty_free_failures)
{
	char user[32];
	int i;

	for (i = 0; i < 19; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		fail_n(user, "198.51.100.9", T0, 1);
	}
	cr_assert_eq(session_throttle_wait(st, "newcomer", "198.51.100.9", T0),
		     0, "19 failures from an address are free");
	fail_n("user19", "198.51.100.9", T0, 1);
	cr_assert_eq(session_throttle_wait(st, "newcomer", "198.51.100.9", T0),
		     1);
	cr_assert_eq(session_throttle_wait(st, "newcomer", "198.51.100.10", T0),
		     0, "another address shares the count");
	cr_assert_eq(session_throttle_wait(st, "newcomer", "198.51.100.9",
		     T0 + 1), 0);
	fail_n("user20", "198.51.100.9", T0, 1);
	cr_assert_eq(session_throttle_wait(st, "newcomer", "198.51.100.9", T0),
		     2);
}

Test(session, throttle_clear_resets_both_keys)
{
	fail_n("alice", "10.0.0.1", T0, 25);
	cr_assert_gt(session_throttle_wait(st, "alice", "10.0.0.9", T0), 0);
	cr_assert_gt(session_throttle_wait(st, "bob", "10.0.0.1", T0), 0);
	cr_assert_eq(session_throttle_clear(st, "ALICE", "10.0.0.1"), 0);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.9", T0), 0);
	cr_assert_eq(session_throttle_wait(st, "bob", "10.0.0.1", T0), 0);
	cr_assert_eq(count("SELECT count(*) FROM auth_failures"), 0);
	/* counting starts again from one */
	fail_n("alice", "10.0.0.1", T0, 2);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0), 0);
}

Test(session, throttle_clear_leaves_others)
{
	fail_n("alice", "10.0.0.1", T0, 3);
	fail_n("bob", "10.0.0.2", T0, 3);
	cr_assert_eq(session_throttle_clear(st, "alice", "10.0.0.1"), 0);
	cr_assert_eq(session_throttle_wait(st, "bob", "10.0.0.2", T0), 1);
	cr_assert_eq(count("SELECT count(*) FROM auth_failures"), 2);
}

Test(session, throttle_count_restarts_after_a_day)
{
	fail_n("alice", "10.0.0.1", T0, 6);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0), 8);
	/* an hour later the count goes on */
	fail_n("alice", "10.0.0.1", T0 + 3600, 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1", T0 + 3600),
		     16);
	/* more than a day after the last failure it starts again at one */
	fail_n("alice", "10.0.0.1", T0 + 3600 + 86401, 1);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1",
		     T0 + 3600 + 86401), 0);
	cr_assert_eq(count("SELECT max(failures) FROM auth_failures"), 1);
	fail_n("alice", "10.0.0.1", T0 + 3600 + 86401, 2);
	cr_assert_eq(session_throttle_wait(st, "alice", "10.0.0.1",
		     T0 + 3600 + 86401), 1);
}

Test(session, throttle_stores_no_username)
{
	sqlite3_stmt *q;

	fail_n("alice.secret-name", "203.0.113.5", T0, 1);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st),
		     "SELECT key FROM auth_failures", -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		cr_assert_eq(sqlite3_column_bytes(q, 0), 32);
		cr_assert_not(contains(sqlite3_column_blob(q, 0), 32, "alice",
			      5));
	}
	sqlite3_finalize(q);
}
