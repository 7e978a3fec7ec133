/*
 * incident: the incident store (see incident.h). The JSON an incident is
 * shown as is built by SQLite's json functions from one row, so the
 * handler and the policy see the same shape.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "incident.h"
#include "util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const char *const types[] = { "security_incident", "security_breach",
    "security_contact", "change_of_circumstances", "change_of_behaviour",
    NULL };
static const char *const circumstances[] = { "conviction", "charge",
    "citizenship", "cohabitation", "foreign_travel", "foreign_contact",
    "financial", "other", NULL };

int
incident_type_valid(const char *s)
{
	return util_one_of(s, types);
}

int
incident_circumstance_valid(const char *s)
{
	return util_one_of(s, circumstances);
}

/* What a one-row change did: changed, changed nothing, failed. */
static enum incident_status
changed(int n)
{
	return n < 0 ? INC_ERROR : n > 0 ? INC_OK : INC_CONFLICT;
}

/* The first column of sql's row (bound with one id) as JSON, or NULL. */
static json_t *
json_row(struct store *st, const char *sql, long long id)
{
	sqlite3_stmt	*s;
	json_t		*j = NULL;

	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		j = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	store_done(s);
	return j;
}

enum incident_status
incident_insert(struct store *st, const struct incident_new *n, long long *id)
{
	static const char sql[] = "INSERT INTO incidents (org_id, type, state,"
	    " occurred_on, location, description, involved, reporter,"
	    " confidential, subject, clearance_id, named, sensitive_material,"
	    " circumstance, holder_factors, reported_at, updated_at) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " NOW ", " NOW ")";
	sqlite3_stmt	*s;
	char		*named, *factors = NULL;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return INC_ERROR;
	named = n->named ? json_dumps(n->named, JSON_COMPACT) : xstrdup("[]");
	if (n->holder_factors != NULL)
		factors = json_dumps(n->holder_factors, JSON_COMPACT |
		    JSON_SORT_KEYS);
	sqlite3_bind_int64(s, 1, n->org_id);
	sqlite3_bind_text(s, 2, n->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, n->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, n->occurred_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, n->location, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, n->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, n->involved, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, n->reporter, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, n->confidential);
	sqlite3_bind_text(s, 10, n->subject, -1, SQLITE_STATIC);
	if (n->clearance_id > 0)
		sqlite3_bind_int64(s, 11, n->clearance_id);
	sqlite3_bind_text(s, 12, named, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, n->sensitive_material);
	sqlite3_bind_text(s, 14, n->circumstance, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 15, factors, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	free(named);
	free(factors);
	if (rc != SQLITE_DONE)
		return INC_ERROR;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return INC_OK;
}

enum incident_status
incident_get(struct store *st, long long org_id, long long id,
    struct incident *inc)
{
	static const char sql[] = "SELECT id, org_id, type, state, reporter,"
	    " coalesce(subject, ''), confidential, coalesce(clearance_id, 0),"
	    " coalesce(review_case_id, 0), named, cause IS NOT NULL,"
	    " report_sent_on IS NOT NULL FROM incidents WHERE id = ? AND"
	    " org_id = ?";
	sqlite3_stmt		*s;
	enum incident_status	 rc = INC_ERROR;
	int			 step;

	memset(inc, 0, sizeof(*inc));
	if ((s = store_prepare(st, sql)) == NULL)
		return INC_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org_id);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		inc->id = sqlite3_column_int64(s, 0);
		inc->org_id = sqlite3_column_int64(s, 1);
		snprintf(inc->type, sizeof(inc->type), "%s",
		    sqlite3_column_text(s, 2));
		snprintf(inc->state, sizeof(inc->state), "%s",
		    sqlite3_column_text(s, 3));
		snprintf(inc->reporter, sizeof(inc->reporter), "%s",
		    sqlite3_column_text(s, 4));
		snprintf(inc->subject, sizeof(inc->subject), "%s",
		    sqlite3_column_text(s, 5));
		inc->confidential = sqlite3_column_int(s, 6);
		inc->clearance_id = sqlite3_column_int64(s, 7);
		inc->review_case_id = sqlite3_column_int64(s, 8);
		inc->named = json_loads((const char *)sqlite3_column_text(s, 9),
		    0, NULL);
		inc->cause_recorded = sqlite3_column_int(s, 10);
		inc->report_sent = sqlite3_column_int(s, 11);
		rc = INC_OK;
	} else if (step == SQLITE_DONE)
		rc = INC_NOT_FOUND;
	store_done(s);
	return rc;
}

void
incident_clear(struct incident *inc)
{
	json_decref(inc->named);
	inc->named = NULL;
}

int
incident_names(const struct incident *inc, const char *username)
{
	json_t	*v;
	size_t	 i;

	if (username == NULL)
		return 0;
	json_array_foreach(inc->named, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), username) ==
		    0)
			return 1;
	return 0;
}

json_t *
incident_json(struct store *st, long long id, int with_reporter, int full)
{
	static const char sql[] = "SELECT json_object('id', id, 'type', type,"
	    " 'state', state, 'urgency', urgency, 'due_at', due_at,"
	    " 'occurred_on', occurred_on, 'location', location, 'description',"
	    " description, 'involved', involved, 'subject', subject,"
	    " 'clearance_id', clearance_id, 'named', json(named),"
	    " 'confidential', json(CASE confidential WHEN 0 THEN 'false' ELSE"
	    " 'true' END), 'reporter', reporter, 'sensitive_material',"
	    " json(CASE sensitive_material WHEN 0 THEN 'false' ELSE 'true' END),"
	    " 'circumstance', circumstance, 'holder_factors',"
	    " json(holder_factors), 'tasks', CASE sensitive_material WHEN 0 THEN"
	    " json('[]') ELSE json_array(json_object('kind',"
	    " 'arrange_sensitive_material', 'done', json(CASE sensitive_arranged"
	    " WHEN 0 THEN 'false' ELSE 'true' END))) END, 'review_case_id',"
	    " review_case_id, 'cause', CASE WHEN cause IS NULL THEN NULL ELSE"
	    " json_object('finding', cause, 'by', cause_by, 'at', cause_at) END,"
	    " 'authority_report', CASE WHEN report_sent_on IS NULL THEN NULL"
	    " ELSE json_object('sent_on', report_sent_on, 'how', report_how,"
	    " 'reference', report_reference, 'by', report_by) END,"
	    " 'reported_at', reported_at, 'closed_at', closed_at) FROM"
	    " incidents WHERE id = ?";
	static const char inq[] = "SELECT json_group_array(json_object('id',"
	    " id, 'ts', ts, 'author', author, 'what', what, 'spoken_to',"
	    " spoken_to, 'findings', findings, 'final', json(CASE final WHEN 0"
	    " THEN 'false' ELSE 'true' END), 'corrects', corrects)) FROM (SELECT"
	    " * FROM incident_inquiry WHERE incident_id = ? ORDER BY id)";
	static const char mea[] = "SELECT json_group_array(json(m)) FROM"
	    " (SELECT " "json_object('id', id, 'description', description,"
	    " 'owner', owner, 'due_on', due_on, 'done_on', done_on, 'waived',"
	    " waived, 'status', CASE WHEN done_on IS NOT NULL THEN 'done' WHEN"
	    " waived IS NOT NULL THEN 'waived' ELSE 'open' END) AS m FROM"
	    " incident_measures WHERE incident_id = ? ORDER BY id)";
	static const char ev[] = "SELECT json_group_array(json_object('ts', ts,"
	    " 'actor', actor, 'type', type, 'detail', json(detail))) FROM"
	    " (SELECT * FROM incident_events WHERE incident_id = ? ORDER BY"
	    " id)";
	json_t	*j;

	if ((j = json_row(st, sql, id)) == NULL)
		return NULL;
	if (!with_reporter)
		json_object_del(j, "reporter");
	if (full) {
		json_object_set_new(j, "inquiry", json_row(st, inq, id));
		json_object_set_new(j, "measures", json_row(st, mea, id));
		/* the history names actors; without the reporter, not the
		 * reporter's filing */
		if (with_reporter)
			json_object_set_new(j, "events", json_row(st, ev, id));
	}
	return j;
}

json_t *
incident_view(struct store *st, long long id)
{
	json_t		*j = incident_json(st, id, 0, 0);
	long long	 open;
	char		 row[8];

	if (j == NULL)
		return NULL;
	open = incident_measures_open(st, id);
	/* a count that failed is not "none open" */
	json_object_set_new(j, "measures_open", json_integer(open));
	json_object_set_new(j, "inquiry_final", json_boolean(store_run(st,
	    row, sizeof(row), "SELECT 1 FROM incident_inquiry WHERE"
	    " incident_id = ? AND final = 1", "i", id) == SQLITE_ROW));
	json_object_set_new(j, "report_sent", json_boolean(
	    !json_is_null(json_object_get(j, "authority_report"))));
	json_object_set_new(j, "cause_recorded", json_boolean(
	    !json_is_null(json_object_get(j, "cause"))));
	return j;
}

json_t *
incident_ids(struct store *st, long long org_id, const char *type,
    const char *state, const char *urgency, const char *from, const char *to,
    long long limit)
{
	static const char sql[] = "SELECT id FROM incidents WHERE org_id = ?1"
	    " AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR state = ?3) AND"
	    " (?4 IS NULL OR urgency = ?4) AND (?5 IS NULL OR"
	    " substr(reported_at, 1, 10) >= ?5) AND (?6 IS NULL OR"
	    " substr(reported_at, 1, 10) <= ?6) ORDER BY id DESC LIMIT ?7";
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, urgency, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, limit);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_integer(sqlite3_column_int64(s,
		    0)));
	store_done(s);
	return a;
}

enum incident_status
incident_event(struct store *st, long long id, const char *actor,
    const char *type, json_t *detail)
{
	char			*d = detail ? json_dumps(detail, JSON_COMPACT |
	    JSON_SORT_KEYS) : xstrdup("{}");
	enum incident_status	 rc;

	rc = changed(store_change(st,
	    "INSERT INTO incident_events (incident_id, ts, actor,"
	    " type, detail) VALUES (?, " NOW ", ?, ?, ?)", "isss", id, actor,
	    type, d));
	free(d);
	return rc == INC_OK ? INC_OK : INC_ERROR;
}

enum incident_status
incident_set_state(struct store *st, long long id, const char *from,
    const char *to, int closed)
{
	return changed(store_change(st,
	    "UPDATE incidents SET state = ?3, updated_at = " NOW
	    ", closed_at = CASE WHEN ?4 THEN " NOW " ELSE NULL END WHERE"
	    " id = ?1 AND state = ?2", "issi", id, from, to, (long long)closed));
}

enum incident_status
incident_set_urgent(struct store *st, long long id, long long hours)
{
	return changed(store_change(st,
	    "UPDATE incidents SET urgency = 'urgent', due_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || ?2 || ' hours')"
	    " WHERE id = ?1", "ii", id, hours));
}

enum incident_status
incident_set_review(struct store *st, long long id, long long case_id)
{
	return changed(store_change(st,
	    "UPDATE incidents SET review_case_id = ?2,"
	    " updated_at = " NOW " WHERE id = ?1", "ii", id, case_id));
}

enum incident_status
incident_sensitive_arranged(struct store *st, long long id)
{
	return changed(store_change(st, "UPDATE incidents SET"
	    " sensitive_arranged = 1, updated_at = " NOW " WHERE id = ?1 AND"
	    " sensitive_material = 1 AND sensitive_arranged = 0", "i", id));
}

enum incident_status
incident_set_clearance(struct store *st, long long id, long long cl)
{
	return changed(store_change(st, "UPDATE incidents SET clearance_id ="
	    " ?2, updated_at = " NOW " WHERE id = ?1", "ii", id, cl));
}

enum incident_status
incident_inquiry_add(struct store *st, long long id, const char *author,
    const char *what, const char *spoken_to, const char *findings, int final,
    long long corrects, long long *entry)
{
	char	row[8];
	int	rc;

	/* a correction names an entry of this record */
	if (corrects > 0 && (rc = store_run(st, row, sizeof(row), "SELECT 1"
	    " FROM incident_inquiry WHERE id = ? AND incident_id = ?", "ii",
	    corrects, id)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? INC_CONFLICT : INC_ERROR;
	/* after a final entry, only corrections */
	if (corrects == 0 && (rc = store_run(st, row, sizeof(row), "SELECT 1"
	    " FROM incident_inquiry WHERE incident_id = ? AND final = 1", "i",
	    id)) != SQLITE_DONE)
		return rc == SQLITE_ROW ? INC_CONFLICT : INC_ERROR;
	if (changed(store_change(st,
	    "INSERT INTO incident_inquiry (incident_id, ts, author,"
	    " what, spoken_to, findings, final, corrects) VALUES (?, " NOW ","
	    " ?, ?, ?, ?, ?, ?)", "issssiI", id, author, what, spoken_to,
	    findings, (long long)final, corrects)) != INC_OK)
		return INC_ERROR;
	*entry = sqlite3_last_insert_rowid(store_db(st));
	return INC_OK;
}

json_t *
incident_inquiry_entry(struct store *st, long long entry)
{
	return json_row(st, "SELECT json_object('id', id, 'ts', ts, 'author',"
	    " author, 'what', what, 'spoken_to', spoken_to, 'findings',"
	    " findings, 'final', json(CASE final WHEN 0 THEN 'false' ELSE"
	    " 'true' END), 'corrects', corrects) FROM incident_inquiry WHERE"
	    " id = ?", entry);
}

enum incident_status
incident_set_cause(struct store *st, long long id, const char *finding,
    const char *actor)
{
	return changed(store_change(st,
	    "UPDATE incidents SET cause = ?2, cause_by = ?3,"
	    " cause_at = " NOW ", updated_at = " NOW " WHERE id = ?1 AND"
	    " cause IS NULL", "iss", id, finding, actor));
}

enum incident_status
incident_measure_add(struct store *st, long long id, const char *description,
    const char *owner, const char *due_on, const char *actor,
    long long *measure)
{
	if (changed(store_change(st,
	    "INSERT INTO incident_measures (incident_id,"
	    " description, owner, due_on, created_by, created_at) VALUES (?, ?,"
	    " ?, ?, ?, " NOW ")", "issss", id, description, owner, due_on,
	    actor)) != INC_OK)
		return INC_ERROR;
	*measure = sqlite3_last_insert_rowid(store_db(st));
	return INC_OK;
}

enum incident_status
incident_measure_settle(struct store *st, long long id, long long measure,
    const char *done_on, const char *waived)
{
	char	row[8];
	int	rc;

	if ((rc = store_run(st, row, sizeof(row), "SELECT 1 FROM"
	    " incident_measures WHERE id = ? AND incident_id = ?", "ii",
	    measure, id)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? INC_NOT_FOUND : INC_ERROR;
	return changed(store_change(st,
	    "UPDATE incident_measures SET done_on = ?2, waived ="
	    " ?3 WHERE id = ?1 AND done_on IS NULL AND waived IS NULL", "iss",
	    measure, done_on, waived));
}

json_t *
incident_measure_json(struct store *st, long long measure)
{
	return json_row(st, "SELECT json_object('id', id, 'description',"
	    " description, 'owner', owner, 'due_on', due_on, 'done_on',"
	    " done_on, 'waived', waived, 'status', CASE WHEN done_on IS NOT"
	    " NULL THEN 'done' WHEN waived IS NOT NULL THEN 'waived' ELSE"
	    " 'open' END) FROM incident_measures WHERE id = ?", measure);
}

long long
incident_measures_open(struct store *st, long long id)
{
	char	row[32];

	if (store_run(st, row, sizeof(row), "SELECT count(*) FROM"
	    " incident_measures WHERE incident_id = ? AND done_on IS NULL AND"
	    " waived IS NULL", "i", id) != SQLITE_ROW)
		return -1;
	return strtoll(row, NULL, 10);
}

enum incident_status
incident_report_sent(struct store *st, long long id, const char *sent_on,
    const char *how, const char *reference, const char *actor)
{
	return changed(store_change(st,
	    "UPDATE incidents SET report_sent_on = ?2,"
	    " report_how = ?3, report_reference = ?4, report_by = ?5,"
	    " updated_at = " NOW " WHERE id = ?1", "issss", id, sent_on, how,
	    reference, actor));
}

json_t *
incident_findings(struct store *st, long long id)
{
	json_t	*j = json_row(st, "SELECT json_group_array(findings) FROM"
	    " (SELECT findings FROM incident_inquiry WHERE incident_id = ? AND"
	    " findings IS NOT NULL ORDER BY id)", id);

	return j != NULL ? j : json_array();
}
