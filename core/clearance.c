/*
 * clearance: the register in the store. See clearance.h.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "clearance.h"
#include "util.h"

#define COLS "c.id, c.person_id, coalesce(p.username, ''),"		\
	" json_extract(p.data, '$.name'), c.case_id, coalesce(s.slug, ''),"	\
	" c.level, c.status, c.granted_on, c.expires_on, c.restrictions"	\
	" FROM clearances c JOIN persons p ON p.id = c.person_id"		\
	" LEFT JOIN sites s ON s.id = c.site_id"

int
clearance_issue(struct store *st, long long org_id, long long person_id,
    long long case_id, long long site_id, const char *level,
    const char *granted_on, const char *expires_on, json_t *restrictions,
    long long *id)
{
	static const char sql[] = "INSERT INTO clearances (org_id, person_id,"
	    " case_id, site_id, level, status, granted_on, expires_on,"
	    " restrictions, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'))";
	sqlite3_stmt	*s;
	char		*r;
	int		 rc;

	r = restrictions ? json_dumps(restrictions, JSON_COMPACT) :
	    xstrdup("[]");
	if (r == NULL || (s = store_prepare(st, sql)) == NULL) {
		free(r);
		return -1;
	}
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, person_id);
	if (case_id > 0)
		sqlite3_bind_int64(s, 3, case_id);
	if (site_id > 0)
		sqlite3_bind_int64(s, 4, site_id);
	sqlite3_bind_text(s, 5, level, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, json_array_size(restrictions) > 0 ?
	    "restricted" : "active", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, granted_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, expires_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, r, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	free(r);
	if (rc != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

static json_t *
row(sqlite3_stmt *s)
{
	json_t	*r = json_loads((const char *)sqlite3_column_text(s, 10), 0,
	    NULL);

	return json_pack("{s:I, s:I, s:s?, s:s?, s:I, s:s?, s:s, s:s, s:s,"
	    " s:s, s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "person_id", (json_int_t)sqlite3_column_int64(s, 1),
	    "holder", sqlite3_column_bytes(s, 2) ?
	    (const char *)sqlite3_column_text(s, 2) : NULL,
	    "name", (const char *)sqlite3_column_text(s, 3),
	    "case_id", (json_int_t)sqlite3_column_int64(s, 4),
	    "site", sqlite3_column_bytes(s, 5) ?
	    (const char *)sqlite3_column_text(s, 5) : NULL,
	    "level", sqlite3_column_text(s, 6),
	    "status", sqlite3_column_text(s, 7),
	    "granted_on", sqlite3_column_text(s, 8),
	    "expires_on", sqlite3_column_text(s, 9),
	    "restrictions", r ? r : json_array());
}

json_t *
clearance_list(struct store *st, long long org_id,
    const struct clearance_filter *f)
{
	/* With expiring_before, the index on (org_id, expires_on) serves a
	 * range scan; otherwise newest first by id. */
	static const char by_expiry[] = "SELECT " COLS " WHERE c.org_id = ?1"
	    " AND c.expires_on < ?5 AND (?2 IS NULL OR c.status = ?2)"
	    " AND (?3 IS NULL OR c.level = ?3) AND (?4 IS NULL OR s.slug = ?4)"
	    " AND (?6 IS NULL OR p.username = ?6) AND (?7 = 0 OR c.id < ?7)"
	    " AND (?9 = 0 OR EXISTS (SELECT 1 FROM restriction_reviews r"
	    " WHERE r.clearance_id = c.id AND r.done_at IS NULL))"
	    " ORDER BY c.expires_on, c.id LIMIT ?8";
	static const char by_id[] = "SELECT " COLS " WHERE c.org_id = ?1"
	    " AND (?2 IS NULL OR c.status = ?2)"
	    " AND (?3 IS NULL OR c.level = ?3) AND (?4 IS NULL OR s.slug = ?4)"
	    " AND (?6 IS NULL OR p.username = ?6) AND (?7 = 0 OR c.id < ?7)"
	    " AND (?9 = 0 OR EXISTS (SELECT 1 FROM restriction_reviews r"
	    " WHERE r.clearance_id = c.id AND r.done_at IS NULL))"
	    " ORDER BY c.id DESC LIMIT ?8";
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	if ((s = store_prepare(st, f->expiring_before ? by_expiry :
	    by_id)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, org_id);
	if (f->status)
		sqlite3_bind_text(s, 2, f->status, -1, SQLITE_STATIC);
	if (f->level)
		sqlite3_bind_text(s, 3, f->level, -1, SQLITE_STATIC);
	if (f->site)
		sqlite3_bind_text(s, 4, f->site, -1, SQLITE_STATIC);
	if (f->expiring_before)
		sqlite3_bind_text(s, 5, f->expiring_before, -1, SQLITE_STATIC);
	if (f->holder)
		sqlite3_bind_text(s, 6, f->holder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, f->before);
	sqlite3_bind_int64(s, 8, f->limit);
	sqlite3_bind_int(s, 9, f->review_due != 0);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, row(s));
	store_done(s);
	return a;
}

json_t *
clearance_get(struct store *st, long long org_id, long long id)
{
	static const char sql[] = "SELECT " COLS
	    " WHERE c.org_id = ? AND c.id = ?";
	sqlite3_stmt	*s;
	json_t		*j = NULL;

	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		j = row(s);
	store_done(s);
	return j;
}
