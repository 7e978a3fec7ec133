/*
 * session: sessions and sign-in throttling in the store. See session.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "session.h"
#include "util.h"

void
session_token_new(char out[SESSION_TOKEN_SIZE])
{
	unsigned char	raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_SIZE, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void
session_token_hash(const char *token, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

static int
step_done(struct store *st, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		log_error("event=sql_error error=%s",
		    log_quote_tmp(sqlite3_errmsg(store_db(st))));
	store_done(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int
session_create(struct store *st, const struct auth_identity *id,
    long long org_id, long long now, long long refresh_every,
    char token[SESSION_TOKEN_SIZE], struct session *out)
{
	static const char sql[] = "INSERT INTO sessions (token_hash,"
	    " csrf_token, username, user_dn, display_name, org_id, roles,"
	    " created_at, last_seen, refresh_due) VALUES (?,?,?,?,?,?,?,?,?,?)";
	unsigned char	 hash[32];
	sqlite3_stmt	*s;

	memset(out, 0, sizeof(*out));
	session_token_new(token);
	session_token_hash(token, hash);
	session_token_new(out->csrf);
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, out->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, id->dn, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, id->display_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, org_id);
	sqlite3_bind_int64(s, 7, id->roles);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_int64(s, 10, now + refresh_every);
	if (step_done(st, s) == -1)
		return -1;
	out->id = sqlite3_last_insert_rowid(store_db(st));
	snprintf(out->username, sizeof(out->username), "%s", id->username);
	snprintf(out->display_name, sizeof(out->display_name), "%s",
	    id->display_name);
	out->org_id = org_id;
	out->roles = id->roles;
	out->created_at = out->last_seen = now;
	out->refresh_due = now + refresh_every;
	return 0;
}

enum session_status
session_find(struct store *st, const char *token, long long now,
    long long idle, long long absolute, struct session *out)
{
	static const char sql[] = "SELECT id, csrf_token, username,"
	    " display_name, org_id, roles, created_at, last_seen, refresh_due"
	    " FROM sessions WHERE token_hash = ?";
	unsigned char	 hash[32];
	sqlite3_stmt	*s;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (token == NULL || strlen(token) != SESSION_TOKEN_SIZE - 1)
		return SESSION_NONE;
	session_token_hash(token, hash);
	if ((s = store_prepare(st, sql)) == NULL)
		return SESSION_ERROR;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		snprintf(out->csrf, sizeof(out->csrf), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		snprintf(out->username, sizeof(out->username), "%s",
		    (const char *)sqlite3_column_text(s, 2));
		snprintf(out->display_name, sizeof(out->display_name), "%s",
		    (const char *)sqlite3_column_text(s, 3));
		out->org_id = sqlite3_column_int64(s, 4);
		out->roles = (unsigned)sqlite3_column_int64(s, 5);
		out->created_at = sqlite3_column_int64(s, 6);
		out->last_seen = sqlite3_column_int64(s, 7);
		out->refresh_due = sqlite3_column_int64(s, 8);
	}
	store_done(s);
	if (rc == SQLITE_DONE)
		return SESSION_NONE;
	if (rc != SQLITE_ROW)
		return SESSION_ERROR;
	if (now - out->last_seen >= idle || now - out->created_at >= absolute) {
		session_delete(st, out->id);
		return SESSION_EXPIRED;
	}
	return SESSION_OK;
}

int
session_touch(struct store *st, long long id, long long now)
{
	static const char sql[] =
	    "UPDATE sessions SET last_seen = ? WHERE id = ?";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	return step_done(st, s);
}

int
session_set_roles(struct store *st, long long id, unsigned roles,
    const char *display_name, long long refresh_due)
{
	static const char sql[] = "UPDATE sessions SET roles = ?,"
	    " display_name = ?, refresh_due = ? WHERE id = ?";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, roles);
	sqlite3_bind_text(s, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, refresh_due);
	sqlite3_bind_int64(s, 4, id);
	return step_done(st, s);
}

int
session_defer_refresh(struct store *st, long long id, long long due)
{
	static const char sql[] =
	    "UPDATE sessions SET refresh_due = ? WHERE id = ?";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, due);
	sqlite3_bind_int64(s, 2, id);
	return step_done(st, s);
}

int
session_delete(struct store *st, long long id)
{
	static const char sql[] = "DELETE FROM sessions WHERE id = ?";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return step_done(st, s);
}

/* --- throttling ----------------------------------------------------------- */

/* The two keys: SHA-256 of "u:" + lowercased username, and "a:" + addr. */
static void
throttle_keys(const char *user, const char *addr, unsigned char ukey[32],
    unsigned char akey[32])
{
	crypto_hash_sha256_state	h;
	size_t				i;
	unsigned char			c;

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)"u:", 2);
	for (i = 0; user[i] != '\0'; i++) {
		c = (unsigned char)tolower((unsigned char)user[i]);
		crypto_hash_sha256_update(&h, &c, 1);
	}
	crypto_hash_sha256_final(&h, ukey);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)"a:", 2);
	crypto_hash_sha256_update(&h, (const unsigned char *)addr, strlen(addr));
	crypto_hash_sha256_final(&h, akey);
}

long long
session_throttle_delay(long long failures, long long free_failures)
{
	if (failures < free_failures)
		return 0;
	if (failures - free_failures >= 6)
		return 60;
	return 1LL << (failures - free_failures);
}

static long long
key_wait(struct store *st, const unsigned char key[32], long long now,
    long long free_failures)
{
	static const char sql[] =
	    "SELECT failures, last_at FROM auth_failures WHERE key = ?";
	sqlite3_stmt	*s;
	long long	 wait = 0, until;

	if ((s = store_prepare(st, sql)) == NULL)
		return 0;
	sqlite3_bind_blob(s, 1, key, 32, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		until = sqlite3_column_int64(s, 1) + session_throttle_delay(
		    sqlite3_column_int64(s, 0), free_failures);
		if (until > now)
			wait = until - now;
	}
	store_done(s);
	return wait;
}

long long
session_throttle_wait(struct store *st, const char *user, const char *addr,
    long long now)
{
	unsigned char	uk[32], ak[32];
	long long	a, b;

	throttle_keys(user, addr, uk, ak);
	a = key_wait(st, uk, now, SESSION_FREE_FAILURES_USER);
	b = key_wait(st, ak, now, SESSION_FREE_FAILURES_ADDR);
	return a > b ? a : b;
}

static int
key_fail(struct store *st, const unsigned char key[32], long long now)
{
	/* A day without failures starts the count again. */
	static const char sql[] = "INSERT INTO auth_failures (key, failures,"
	    " last_at) VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET"
	    " failures = CASE WHEN ?2 - last_at > 86400 THEN 1"
	    " ELSE failures + 1 END, last_at = ?2";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, key, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	return step_done(st, s);
}

int
session_throttle_fail(struct store *st, const char *user, const char *addr,
    long long now)
{
	unsigned char	uk[32], ak[32];

	throttle_keys(user, addr, uk, ak);
	return key_fail(st, uk, now) == 0 && key_fail(st, ak, now) == 0 ? 0 : -1;
}

int
session_throttle_clear(struct store *st, const char *user, const char *addr)
{
	static const char sql[] = "DELETE FROM auth_failures WHERE key IN (?, ?)";
	unsigned char	 uk[32], ak[32];
	sqlite3_stmt	*s;

	throttle_keys(user, addr, uk, ak);
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, uk, 32, SQLITE_TRANSIENT);
	sqlite3_bind_blob(s, 2, ak, 32, SQLITE_TRANSIENT);
	return step_done(st, s);
}
