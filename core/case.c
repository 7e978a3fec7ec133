/*
 * case: cases, sections, assignments and events in the store. See case.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "case.h"
#include "document.h"
#include "log.h"
#include "person.h"
#include "util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static void
col(sqlite3_stmt *s, int i, char *dst, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

static enum case_status
step(struct store *st, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	store_done(s);
	if (rc == SQLITE_DONE)
		return CASE_OK;
	log_error("event=sql_error error=%s",
	    log_quote_tmp(sqlite3_errmsg(store_db(st))));
	return CASE_ERROR;
}

enum case_status
case_get(struct store *st, long long org_id, long long id, struct case_row *c)
{
	static const char sql[] = "SELECT c.id, c.org_id, c.person_id,"
	    " coalesce(c.site_id, 0), coalesce(s.slug, ''), c.kind, c.level,"
	    " c.state, c.on_hold, coalesce(c.response_due, ''), c.opened_at,"
	    " coalesce(c.submitted_at, ''), coalesce(p.username, '')"
	    " FROM cases c JOIN persons p ON p.id = c.person_id"
	    " LEFT JOIN sites s ON s.id = c.site_id"
	    " WHERE c.id = ? AND c.org_id = ?";
	sqlite3_stmt		*s;
	enum case_status	 r = CASE_NOT_FOUND;
	int			 rc;

	memset(c, 0, sizeof(*c));
	if ((s = store_prepare(st, sql)) == NULL)
		return CASE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		c->id = sqlite3_column_int64(s, 0);
		c->org_id = sqlite3_column_int64(s, 1);
		c->person_id = sqlite3_column_int64(s, 2);
		c->site_id = sqlite3_column_int64(s, 3);
		col(s, 4, c->site, sizeof(c->site));
		col(s, 5, c->kind, sizeof(c->kind));
		col(s, 6, c->level, sizeof(c->level));
		col(s, 7, c->state, sizeof(c->state));
		c->on_hold = sqlite3_column_int(s, 8);
		col(s, 9, c->response_due, sizeof(c->response_due));
		col(s, 10, c->opened_at, sizeof(c->opened_at));
		col(s, 11, c->submitted_at, sizeof(c->submitted_at));
		col(s, 12, c->applicant, sizeof(c->applicant));
		r = CASE_OK;
	} else if (rc != SQLITE_DONE)
		r = CASE_ERROR;
	store_done(s);
	return r;
}

enum case_status
case_open(struct store *st, long long org_id, long long person_id,
    long long site_id, const char *kind, const char *level, const char *state,
    const char *actor, long long *id)
{
	static const char sql[] = "INSERT INTO cases (org_id, person_id,"
	    " site_id, kind, level, state, opened_at, created_by, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, " NOW ", ?, " NOW ")";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return CASE_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, person_id);
	if (site_id > 0)
		sqlite3_bind_int64(s, 3, site_id);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, level, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, actor, -1, SQLITE_STATIC);
	if (step(st, s) != CASE_OK)
		return CASE_ERROR;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return CASE_OK;
}

enum case_status
case_set_state(struct store *st, long long id, const char *from,
    const char *to, int submitted)
{
	static const char sql[] = "UPDATE cases SET state = ?, updated_at = "
	    NOW ", submitted_at = CASE WHEN ? AND submitted_at IS NULL THEN "
	    NOW " ELSE submitted_at END WHERE id = ? AND state = ?";
	sqlite3_stmt		*s;
	enum case_status	 r;

	if ((s = store_prepare(st, sql)) == NULL)
		return CASE_ERROR;
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, submitted);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_text(s, 4, from, -1, SQLITE_STATIC);
	if ((r = step(st, s)) != CASE_OK)
		return r;
	return sqlite3_changes(store_db(st)) == 1 ? CASE_OK : CASE_CONFLICT;
}

enum case_status
case_set_hold(struct store *st, long long id, int on, const char *reason)
{
	static const char sql[] = "UPDATE cases SET on_hold = ?, hold_reason ="
	    " ?, updated_at = " NOW " WHERE id = ?";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return CASE_ERROR;
	sqlite3_bind_int(s, 1, on);
	if (on && reason != NULL)
		sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	return step(st, s);
}

enum case_status
case_set_response_due(struct store *st, long long id, const char *date)
{
	static const char sql[] = "UPDATE cases SET response_due = ?,"
	    " updated_at = " NOW " WHERE id = ?";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return CASE_ERROR;
	if (date != NULL)
		sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	return step(st, s);
}

enum case_status
case_event(struct store *st, long long case_id, const char *actor,
    const char *type, json_t *detail)
{
	static const char sql[] = "INSERT INTO case_events (case_id, ts, actor,"
	    " type, detail) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ','now'),"
	    " ?, ?, ?)";
	sqlite3_stmt		*s;
	char			*text;
	enum case_status	 r;

	text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) :
	    xstrdup("{}");
	if (text == NULL || (s = store_prepare(st, sql)) == NULL) {
		free(text);
		return CASE_ERROR;
	}
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	r = step(st, s);
	free(text);
	return r;
}

json_t *
case_events(struct store *st, long long case_id)
{
	static const char sql[] = "SELECT id, ts, actor, type, detail FROM"
	    " case_events WHERE case_id = ? ORDER BY id";
	sqlite3_stmt	*s;
	json_t		*a = json_array(), *d;

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, case_id);
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

json_t *
case_sections(struct store *st, long long case_id)
{
	static const char sql[] = "SELECT name, data, version, updated_at,"
	    " updated_by FROM case_sections WHERE case_id = ? ORDER BY name";
	sqlite3_stmt	*s;
	json_t		*o = json_object(), *d;

	if ((s = store_prepare(st, sql)) == NULL)
		return o;
	sqlite3_bind_int64(s, 1, case_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		d = json_loads((const char *)sqlite3_column_text(s, 1), 0, NULL);
		json_object_set_new(o, (const char *)sqlite3_column_text(s, 0),
		    json_pack("{s:o, s:I, s:s, s:s}", "data",
		    d ? d : json_null(), "version",
		    (json_int_t)sqlite3_column_int64(s, 2),
		    "updated_at", sqlite3_column_text(s, 3),
		    "updated_by", sqlite3_column_text(s, 4)));
	}
	store_done(s);
	return o;
}

json_t *
case_section_get(struct store *st, long long case_id, const char *name,
    long long *version)
{
	static const char sql[] = "SELECT data, version FROM case_sections"
	    " WHERE case_id = ? AND name = ?";
	sqlite3_stmt	*s;
	json_t		*d = NULL;

	*version = 0;
	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		d = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
		*version = sqlite3_column_int64(s, 1);
	}
	store_done(s);
	return d;
}

enum case_status
case_section_put(struct store *st, long long case_id, const char *name,
    json_t *data, long long expect, const char *actor, long long *version)
{
	static const char upd[] = "UPDATE case_sections SET data = ?,"
	    " version = version + 1, updated_at = " NOW ", updated_by = ?"
	    " WHERE case_id = ? AND name = ? AND version = ?";
	static const char ins[] = "INSERT INTO case_sections (case_id, name,"
	    " data, version, updated_at, updated_by) VALUES (?, ?, ?, 1, "
	    NOW ", ?) ON CONFLICT DO NOTHING";
	sqlite3_stmt		*s;
	char			*text;
	enum case_status	 r = CASE_ERROR;

	if ((text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return CASE_ERROR;
	if (expect == 0) {
		if ((s = store_prepare(st, ins)) == NULL)
			goto out;
		sqlite3_bind_int64(s, 1, case_id);
		sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	} else {
		if ((s = store_prepare(st, upd)) == NULL)
			goto out;
		sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, case_id);
		sqlite3_bind_text(s, 4, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, expect);
	}
	if ((r = step(st, s)) != CASE_OK)
		goto out;
	/* No row changed: someone else wrote the section first. */
	if (sqlite3_changes(store_db(st)) != 1) {
		r = CASE_CONFLICT;
		goto out;
	}
	*version = expect + 1;
out:
	free(text);
	return r;
}

enum case_status
case_assign(struct store *st, long long case_id, const char *role,
    const char *username, const char *actor)
{
	static const char sql[] = "INSERT INTO case_assignments (case_id, role,"
	    " username, assigned_at, assigned_by) VALUES (?, ?, ?, " NOW ", ?)"
	    " ON CONFLICT DO NOTHING";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, sql)) == NULL)
		return CASE_ERROR;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	return step(st, s);
}

json_t *
case_assignments(struct store *st, long long case_id)
{
	static const char sql[] = "SELECT role, username, assigned_at FROM"
	    " case_assignments WHERE case_id = ? ORDER BY role, username";
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, case_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "role",
		    sqlite3_column_text(s, 0), "username",
		    sqlite3_column_text(s, 1), "assigned_at",
		    sqlite3_column_text(s, 2)));
	store_done(s);
	return a;
}

unsigned
case_assigned_roles(struct store *st, long long case_id, const char *username)
{
	static const char sql[] = "SELECT role FROM case_assignments WHERE"
	    " case_id = ? AND username = ?";
	sqlite3_stmt	*s;
	unsigned	 roles = 0;
	enum role	 r;

	if (username == NULL || (s = store_prepare(st, sql)) == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, case_id);
	sqlite3_bind_text(s, 2, username, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (access_role_parse((const char *)sqlite3_column_text(s, 0),
		    &r) == 0)
			roles |= ROLE_BIT(r);
	store_done(s);
	return roles;
}

json_t *
case_row_json(const struct case_row *c)
{
	return json_pack("{s:I, s:s, s:s, s:s?, s:s, s:b, s:s?, s:s, s:s?,"
	    " s:I, s:s?}", "id", (json_int_t)c->id, "kind", c->kind, "level",
	    c->level, "site", c->site[0] ? c->site : NULL, "state", c->state,
	    "on_hold", c->on_hold, "response_due",
	    c->response_due[0] ? c->response_due : NULL, "opened_at",
	    c->opened_at, "submitted_at",
	    c->submitted_at[0] ? c->submitted_at : NULL, "person_id",
	    (json_int_t)c->person_id, "applicant",
	    c->applicant[0] ? c->applicant : NULL);
}

json_t *
case_policy_view(struct store *st, const struct case_row *c)
{
	json_t		*v, *sections, *sec, *person;
	const char	*name;
	long long	 ver;

	v = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s, s:s?, s:b}",
	    "id", (json_int_t)c->id, "kind", c->kind, "level", c->level,
	    "site", c->site[0] ? c->site : NULL, "state", c->state,
	    "opened", c->opened_at, "submitted",
	    c->submitted_at[0] ? c->submitted_at : NULL, "holder",
	    strcmp(c->kind, "renewal") == 0 ||
	    strcmp(c->kind, "review_for_cause") == 0);
	/* Dates, not times, for the policy. */
	json_object_set_new(v, "opened", json_stringn(c->opened_at, 10));
	if (c->submitted_at[0])
		json_object_set_new(v, "submitted",
		    json_stringn(c->submitted_at, 10));
	sections = case_sections(st, c->id);
	json_object_foreach(sections, name, sec)
		json_object_set(v, name, json_object_get(sec, "data"));
	json_decref(sections);
	/* The person: what the applicant declared, else the office's record. */
	if ((person = case_section_get(st, c->id, "personal", &ver)) == NULL)
		person = person_data_of(st, c->org_id, c->person_id);
	json_object_del(v, "personal");
	if (person != NULL)
		json_object_set_new(v, "person", person);
	/* its documents: kinds, languages, verification, translations */
	json_object_set_new(v, "documents", document_policy_list(st, "case",
	    c->id));
	return v;
}

json_t *
case_list(struct store *st, long long org_id, enum case_scope scope,
    const char *username, const struct case_filter *f)
{
	static const char sql[] = "SELECT c.id FROM cases c"
	    " JOIN persons p ON p.id = c.person_id"
	    " WHERE c.org_id = ?1"
	    " AND (?2 = 0 OR (?2 = 2 AND p.username = ?3) OR (?2 = 1 AND"
	    "  EXISTS (SELECT 1 FROM case_assignments a WHERE a.case_id = c.id"
	    "   AND a.username = ?3)))"
	    " AND (?4 IS NULL OR c.state = ?4)"
	    " AND (?5 IS NULL OR EXISTS (SELECT 1 FROM case_assignments b"
	    "   WHERE b.case_id = c.id AND b.username = ?5))"
	    " AND (?6 IS NULL OR c.level = ?6) AND (?7 IS NULL OR c.kind = ?7)"
	    " AND (?8 = 0 OR c.id < ?8)"
	    " ORDER BY c.id DESC LIMIT ?9";
	sqlite3_stmt		*s;
	json_t			*a = json_array();
	long long		*ids = NULL;
	size_t			 n = 0, i;
	struct case_row		 c;

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int(s, 2, scope == CASE_SCOPE_ALL ? 0 :
	    scope == CASE_SCOPE_ASSIGNED ? 1 : 2);
	sqlite3_bind_text(s, 3, username ? username : "", -1, SQLITE_STATIC);
	if (f->state)
		sqlite3_bind_text(s, 4, f->state, -1, SQLITE_STATIC);
	if (f->assignee)
		sqlite3_bind_text(s, 5, f->assignee, -1, SQLITE_STATIC);
	if (f->level)
		sqlite3_bind_text(s, 6, f->level, -1, SQLITE_STATIC);
	if (f->kind)
		sqlite3_bind_text(s, 7, f->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, f->before);
	sqlite3_bind_int64(s, 9, f->limit);
	while (sqlite3_step(s) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	store_done(s);
	for (i = 0; i < n; i++)
		if (case_get(st, org_id, ids[i], &c) == CASE_OK)
			json_array_append_new(a, case_row_json(&c));
	free(ids);
	return a;
}
