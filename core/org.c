/*
 * org: organizations and sites in the store. See org.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "org.h"
#include "util.h"

int
org_slug_valid(const char *s)
{
	size_t	i;

	if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 63)
			return 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return 1;
}

int
org_name_valid(const char *s)
{
	size_t	i;

	if (s == NULL || s[0] == '\0' || strlen(s) > 200 ||
	    !util_utf8_valid(s, strlen(s)))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
		/* C1 controls, U+0080..U+009F, are \xc2\x80..\xc2\x9f */
		if ((unsigned char)s[i] == 0xc2 &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return 0;
	}
	return 1;
}

static enum org_status
step_insert(struct store *st, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	store_done(s);
	if (rc == SQLITE_DONE)
		return ORG_OK;
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return ORG_EXISTS;
	log_error("event=sql_error op=insert error=%s",
	    log_quote_tmp(sqlite3_errmsg(store_db(st))));
	return ORG_ERROR;
}

enum org_status
org_add(struct store *st, const char *slug, const char *name)
{
	static const char sql[] = "INSERT INTO organizations"
	    " (slug, name, created_at)"
	    " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))";
	sqlite3_stmt	*s;

	if (!org_slug_valid(slug) || !org_name_valid(name))
		return ORG_INVALID;
	if ((s = store_prepare(st, sql)) == NULL)
		return ORG_ERROR;
	sqlite3_bind_text(s, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	return step_insert(st, s);
}

enum org_status
org_id(struct store *st, const char *slug, long long *id)
{
	static const char sql[] = "SELECT id FROM organizations WHERE slug = ?";
	sqlite3_stmt		*s;
	enum org_status		 r = ORG_NOT_FOUND;
	int			 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return ORG_ERROR;
	sqlite3_bind_text(s, 1, slug, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		r = ORG_OK;
	} else if (rc != SQLITE_DONE)
		r = ORG_ERROR;
	store_done(s);
	return r;
}

enum org_status
org_slug_by_id(struct store *st, long long id, char *buf, size_t len)
{
	static const char sql[] = "SELECT slug FROM organizations WHERE id = ?";
	sqlite3_stmt		*s;
	enum org_status		 r = ORG_NOT_FOUND;
	int			 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return ORG_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s, 0));
		r = ORG_OK;
	} else if (rc != SQLITE_DONE)
		r = ORG_ERROR;
	store_done(s);
	return r;
}

enum org_status
org_site_id(struct store *st, long long org_id, const char *slug,
    long long *id)
{
	static const char sql[] =
	    "SELECT id FROM sites WHERE org_id = ? AND slug = ?";
	sqlite3_stmt		*s;
	enum org_status		 r = ORG_NOT_FOUND;
	int			 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return ORG_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, slug, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		r = ORG_OK;
	} else if (rc != SQLITE_DONE)
		r = ORG_ERROR;
	store_done(s);
	return r;
}

int
org_site_exists(struct store *st, long long org_id, const char *slug)
{
	static const char sql[] =
	    "SELECT 1 FROM sites WHERE org_id = ? AND slug = ?";
	sqlite3_stmt	*s;
	int		 found;

	if ((s = store_prepare(st, sql)) == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, slug, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	store_done(s);
	return found;
}

enum org_status
org_site_add(struct store *st, const char *org_slug, const char *slug,
    const char *name)
{
	static const char sql[] = "INSERT INTO sites"
	    " (org_id, slug, name, created_at)"
	    " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))";
	sqlite3_stmt	*s;
	long long	 oid;
	enum org_status	 r;

	if (!org_slug_valid(slug) || !org_name_valid(name))
		return ORG_INVALID;
	if ((r = org_id(st, org_slug, &oid)) != ORG_OK)
		return r;
	if ((s = store_prepare(st, sql)) == NULL)
		return ORG_ERROR;
	sqlite3_bind_int64(s, 1, oid);
	sqlite3_bind_text(s, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	return step_insert(st, s);
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int
org_list(struct store *st, void (*fn)(const struct org *, void *), void *arg)
{
	static const char sql[] = "SELECT id, slug, name, created_at"
	    " FROM organizations ORDER BY slug";
	sqlite3_stmt	*s;
	struct org	 o;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		o.id = sqlite3_column_int64(s, 0);
		o.slug = col(s, 1);
		o.name = col(s, 2);
		o.created_at = col(s, 3);
		fn(&o, arg);
	}
	store_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
org_site_list(struct store *st, const char *org_slug,
    void (*fn)(const struct site *, void *), void *arg)
{
	static const char sql[] = "SELECT s.id, o.slug, s.slug, s.name,"
	    " s.created_at FROM sites s JOIN organizations o ON o.id = s.org_id"
	    " WHERE ?1 IS NULL OR o.slug = ?1 ORDER BY o.slug, s.slug";
	sqlite3_stmt	*s;
	struct site	 si;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	if (org_slug != NULL)
		sqlite3_bind_text(s, 1, org_slug, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		si.id = sqlite3_column_int64(s, 0);
		si.org_slug = col(s, 1);
		si.slug = col(s, 2);
		si.name = col(s, 3);
		si.created_at = col(s, 4);
		fn(&si, arg);
	}
	store_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}
