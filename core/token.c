/*
 * token: API tokens in the store. See token.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "session.h"
#include "token.h"
#include "util.h"

enum token_status
token_create(struct store *st, long long org_id, const char *name,
    unsigned roles, char out[TOKEN_SIZE])
{
	static const char sql[] = "INSERT INTO api_tokens (org_id, name, roles,"
	    " token_hash, created_at) VALUES (?, ?, ?, ?,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'))";
	char		 raw[SESSION_TOKEN_SIZE];
	unsigned char	 hash[32];
	sqlite3_stmt	*s;
	int		 rc;

	session_token_new(raw);
	snprintf(out, TOKEN_SIZE, "%s%s", TOKEN_PREFIX, raw);
	sodium_memzero(raw, sizeof(raw));
	session_token_hash(out, hash);
	if ((s = store_prepare(st, sql)) == NULL)
		return TOKEN_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, roles);
	sqlite3_bind_blob(s, 4, hash, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc == SQLITE_DONE)
		return TOKEN_OK;
	sodium_memzero(out, TOKEN_SIZE);
	return rc == SQLITE_CONSTRAINT_UNIQUE ? TOKEN_EXISTS : TOKEN_ERROR;
}

static void
col(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static void
fill(sqlite3_stmt *s, struct token *t)
{
	t->id = sqlite3_column_int64(s, 0);
	t->org_id = sqlite3_column_int64(s, 1);
	col(s, 2, t->org_slug, sizeof(t->org_slug));
	col(s, 3, t->name, sizeof(t->name));
	t->roles = (unsigned)sqlite3_column_int64(s, 4);
	col(s, 5, t->created_at, sizeof(t->created_at));
	col(s, 6, t->revoked_at, sizeof(t->revoked_at));
	col(s, 7, t->last_used_at, sizeof(t->last_used_at));
}

#define TOKEN_COLS "t.id, t.org_id, o.slug, t.name, t.roles, t.created_at," \
	" t.revoked_at, t.last_used_at FROM api_tokens t" \
	" JOIN organizations o ON o.id = t.org_id"

enum token_status
token_find(struct store *st, const char *secret, struct token *t)
{
	static const char sql[] = "SELECT " TOKEN_COLS
	    " WHERE t.token_hash = ? AND t.revoked_at IS NULL";
	unsigned char	 hash[32];
	sqlite3_stmt	*s;
	int		 rc;

	if (strncmp(secret, TOKEN_PREFIX, 5) != 0 ||
	    strlen(secret) != TOKEN_SIZE - 1)
		return TOKEN_NONE;
	session_token_hash(secret, hash);
	if ((s = store_prepare(st, sql)) == NULL)
		return TOKEN_ERROR;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fill(s, t);
	store_done(s);
	if (rc == SQLITE_ROW)
		return TOKEN_OK;
	return rc == SQLITE_DONE ? TOKEN_NONE : TOKEN_ERROR;
}

enum token_status
token_revoke(struct store *st, long long org_id, const char *name)
{
	static const char sql[] = "UPDATE api_tokens SET revoked_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE org_id = ? AND"
	    " name = ? AND revoked_at IS NULL";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return TOKEN_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc != SQLITE_DONE)
		return TOKEN_ERROR;
	return sqlite3_changes(store_db(st)) == 1 ? TOKEN_OK : TOKEN_NONE;
}

int
token_touch(struct store *st, const struct token *t)
{
	static const char sql[] = "UPDATE api_tokens SET last_used_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ? AND"
	    " (last_used_at IS NULL OR"
	    "  last_used_at < strftime('%Y-%m-%dT%H:%M:%SZ','now','-60 seconds'))";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, t->id);
	rc = sqlite3_step(s);
	store_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
token_list(struct store *st, long long org_id,
    void (*fn)(const struct token *, void *), void *arg)
{
	static const char sql[] = "SELECT " TOKEN_COLS
	    " WHERE ?1 = 0 OR t.org_id = ?1 ORDER BY o.slug, t.name";
	sqlite3_stmt	*s;
	struct token	 t;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		fill(s, &t);
		fn(&t, arg);
	}
	store_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}
