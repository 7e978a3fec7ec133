/*
 * holder: a clearance's life after the decision, in the store. See
 * holder.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holder.h"
#include "util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static void
col(sqlite3_stmt *s, int i, char *buf, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

enum holder_status
holder_get(struct store *st, long long org_id, long long id,
    struct holder_row *r)
{
	static const char sql[] = "SELECT c.id, c.org_id, c.person_id,"
	    " coalesce(c.site_id, 0), coalesce(s.slug, ''), c.level, c.status,"
	    " coalesce(p.username, ''), c.restrictions <> '[]'"
	    " FROM clearances c JOIN persons p ON p.id = c.person_id"
	    " LEFT JOIN sites s ON s.id = c.site_id"
	    " WHERE c.org_id = ? AND c.id = ?";
	sqlite3_stmt		*s;
	enum holder_status	 rc = HOLDER_NOT_FOUND;
	int			 step;

	memset(r, 0, sizeof(*r));
	if ((s = store_prepare(st, sql)) == NULL)
		return HOLDER_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, id);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(s, 0);
		r->org_id = sqlite3_column_int64(s, 1);
		r->person_id = sqlite3_column_int64(s, 2);
		r->site_id = sqlite3_column_int64(s, 3);
		col(s, 4, r->site, sizeof(r->site));
		col(s, 5, r->level, sizeof(r->level));
		col(s, 6, r->status, sizeof(r->status));
		col(s, 7, r->holder, sizeof(r->holder));
		r->restricted = sqlite3_column_int(s, 8);
		rc = HOLDER_OK;
	} else if (step != SQLITE_DONE)
		rc = HOLDER_ERROR;
	store_done(s);
	return rc;
}

int
holder_live(const char *status)
{
	return strcmp(status, "active") == 0 ||
	    strcmp(status, "restricted") == 0 ||
	    strcmp(status, "alternative_work") == 0 ||
	    strcmp(status, "suspended") == 0;
}

int
holder_set(struct store *st, long long id, const char *status,
    json_t *restrictions)
{
	static const char sql[] = "UPDATE clearances SET status = ?,"
	    " restrictions = coalesce(?, restrictions), updated_at = " NOW
	    " WHERE id = ?";
	sqlite3_stmt	*s;
	char		*r = NULL;
	int		 rc;

	if (restrictions != NULL &&
	    (r = json_dumps(restrictions, JSON_COMPACT)) == NULL)
		return -1;
	if ((s = store_prepare(st, sql)) == NULL) {
		free(r);
		return -1;
	}
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	if (r != NULL)
		sqlite3_bind_text(s, 2, r, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s) == SQLITE_DONE &&
	    sqlite3_changes(store_db(st)) == 1 ? 0 : -1;
	store_done(s);
	free(r);
	return rc;
}

int
holder_event(struct store *st, long long id, const char *actor,
    const char *type, json_t *detail)
{
	static const char sql[] = "INSERT INTO clearance_events (clearance_id,"
	    " ts, actor, type, detail) VALUES (?, " NOW ", ?, ?, ?)";
	sqlite3_stmt	*s;
	char		*d;
	int		 rc;

	if ((d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) :
	    xstrdup("{}")) == NULL)
		return -1;
	if ((s = store_prepare(st, sql)) == NULL) {
		free(d);
		return -1;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, d, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	store_done(s);
	free(d);
	return rc;
}

json_t *
holder_events(struct store *st, long long id)
{
	static const char sql[] = "SELECT id, ts, actor, type, detail FROM"
	    " clearance_events WHERE clearance_id = ? ORDER BY id";
	sqlite3_stmt	*s;
	json_t		*a = json_array(), *d;

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		d = json_loads((const char *)sqlite3_column_text(s, 4), 0, NULL);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "ts", sqlite3_column_text(s, 1),
		    "actor", sqlite3_column_text(s, 2),
		    "type", sqlite3_column_text(s, 3),
		    "detail", d ? d : json_object()));
	}
	store_done(s);
	return a;
}

long long
holder_review_case(struct store *st, long long id)
{
	static const char sql[] = "SELECT json_extract(detail,"
	    " '$.review_case') FROM clearance_events WHERE clearance_id = ?"
	    " AND type IN ('suspended', 'alternative_work') ORDER BY id DESC"
	    " LIMIT 1";
	sqlite3_stmt	*s;
	long long	 c = 0;

	if ((s = store_prepare(st, sql)) == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		c = sqlite3_column_int64(s, 0);
	store_done(s);
	return c;
}
