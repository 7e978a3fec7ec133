/*
 * report: reports to the regulator, in the store. See report.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "report.h"
#include "util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

static int
insert(struct store *st, long long org_id, const char *kind,
    long long case_id, long long clearance_id, json_t *data,
    const char *actor, long long *id)
{
	static const char sql[] = "INSERT INTO regulator_reports (org_id,"
	    " kind, case_id, clearance_id, data, drafted_at, drafted_by)"
	    " VALUES (?, ?, ?, ?, ?, " NOW ", ?)";
	sqlite3_stmt	*s;
	char		*text;
	int		 rc;

	if ((text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return -1;
	if ((s = store_prepare(st, sql)) == NULL) {
		free(text);
		return -1;
	}
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	if (case_id > 0)
		sqlite3_bind_int64(s, 3, case_id);
	if (clearance_id > 0)
		sqlite3_bind_int64(s, 4, clearance_id);
	sqlite3_bind_text(s, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, actor, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	free(text);
	if (rc != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return 0;
}

/* The agency's notices of a case as sources: type, date, reference. Sets
 * *insufficient when one is NRT-insufficient and *brief to the reference
 * of an NOA brief (borrowed from notices, "" when none). */
static json_t *
sources(json_t *notices, int *insufficient, const char **brief)
{
	json_t		*a = json_array(), *n;
	const char	*type, *ref;
	size_t		 i;

	*insufficient = 0;
	*brief = "";
	json_array_foreach(notices, i, n) {
		type = json_string_value(json_object_get(n, "type"));
		ref = json_string_value(json_object_get(n, "reference"));
		if (type == NULL)
			continue;
		if (strcmp(type, "NRT_INSUFFICIENT") == 0)
			*insufficient = 1;
		if (strcmp(type, "NOA_BRIEF") == 0 && ref != NULL)
			*brief = ref;
		json_array_append_new(a, json_pack("{s:s, s:O?, s:s?}",
		    "type", type, "date", json_object_get(n, "date"),
		    "reference", ref));
	}
	return a;
}

/* The guideline conditions a recommendation cites, once each. */
static json_t *
cited(json_t *result)
{
	json_t		*out = json_array(), *r, *c;
	size_t		 i, j, k;
	int		 seen;

	json_array_foreach(json_object_get(result, "reasons"), i, r)
		json_array_foreach(json_object_get(r, "cites"), j, c) {
			seen = 0;
			for (k = 0; k < json_array_size(out); k++)
				seen |= json_equal(json_array_get(out, k), c);
			if (!seen && json_is_string(c))
				json_array_append(out, c);
		}
	return out;
}

int
report_draft_decision(struct store *st, long long org_id, long long case_id,
    json_t *decision, const char *actor, long long *id)
{
	json_t		*notices, *rec, *result, *data, *gaps, *concerns;
	const char	*outcome, *recd, *brief, *kind = NULL;
	long long	 ver;
	int		 insufficient, rc = 0;

	*id = 0;
	outcome = json_string_value(json_object_get(decision, "outcome"));
	if (outcome == NULL)
		return -1;
	notices = case_section_get(st, case_id, "notices", &ver);
	rec = case_section_get(st, case_id, "recommendation", &ver);
	result = json_object_get(rec, "result");
	recd = json_string_value(json_object_get(result, "recommendation"));
	data = json_pack("{s:o}", "sources", sources(json_is_array(notices) ?
	    notices : json_object_get(notices, "items"), &insufficient,
	    &brief));
	/* what makes a grant one despite concerns (REGDOC 6.1) */
	gaps = case_section_get(st, case_id, "history_gaps_explained", &ver);
	concerns = json_array();
	if (insufficient)
		json_array_append_new(concerns, json_string("nrt_insufficient"));
	if (json_array_size(gaps) > 0)
		json_array_append_new(concerns, json_string("history_gaps"));
	if (recd == NULL || strcmp(recd, "grant") != 0)
		json_array_append_new(concerns,
		    json_string("adverse_information"));
	if (recd == NULL || strcmp(recd, outcome) != 0)
		json_array_append_new(concerns,
		    json_string("departs_from_recommendation"));
	json_decref(gaps);
	json_object_set_new(data, "concerns", concerns);
	if (strcmp(outcome, "deny") == 0)
		kind = "denial";
	else if (json_array_size(concerns) > 0)
		kind = "grant_with_concerns";
	if (kind != NULL) {
		json_object_set_new(data, "outcome", json_string(outcome));
		json_object_set(data, "level", json_object_get(decision,
		    "level"));
		json_object_set(data, "decided_on", json_object_get(decision,
		    "decided_on"));
		json_object_set(data, "justification", json_object_get(decision,
		    "justification"));
		json_object_set_new(data, "risk", json_pack("{s:s?, s:o}",
		    "recommendation", recd, "conditions", cited(result)));
		json_object_set_new(data, "nrt_insufficient",
		    json_boolean(insufficient));
		json_object_set_new(data, "agency_brief_reference",
		    brief[0] ? json_string(brief) : json_null());
		/* incidents are not linked to cases yet */
		json_object_set_new(data, "related_investigations",
		    json_array());
		rc = insert(st, org_id, kind, case_id, 0, data, actor, id);
	}
	json_decref(data);
	json_decref(notices);
	json_decref(rec);
	return rc;
}

int
report_draft_revocation(struct store *st, long long org_id,
    long long clearance_id, const char *level, const char *grounds,
    const char *reason, const char *actor, long long *id)
{
	json_t	*data;
	int	 rc;

	data = json_pack("{s:s, s:s, s:s, s:s, s:[], s:n}", "outcome",
	    "revoked", "level", level, "grounds", grounds, "justification",
	    reason, "related_investigations", "agency_brief_reference");
	rc = insert(st, org_id, "revocation", 0, clearance_id, data, actor, id);
	json_decref(data);
	return rc;
}

#define COLS "SELECT id, kind, case_id, clearance_id, data, drafted_at," \
	" drafted_by, sent_on, sent_how, sent_by FROM regulator_reports"

static json_t *
row(sqlite3_stmt *s)
{
	json_t	*d = json_loads((const char *)sqlite3_column_text(s, 4), 0,
	    NULL);

	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s, s:s?, s:s?,"
	    " s:s?}", "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "kind", sqlite3_column_text(s, 1),
	    "case_id", sqlite3_column_type(s, 2) == SQLITE_NULL ? json_null() :
	    json_integer(sqlite3_column_int64(s, 2)),
	    "clearance_id", sqlite3_column_type(s, 3) == SQLITE_NULL ?
	    json_null() : json_integer(sqlite3_column_int64(s, 3)),
	    "data", d ? d : json_object(),
	    "drafted_at", sqlite3_column_text(s, 5),
	    "drafted_by", sqlite3_column_text(s, 6),
	    "sent_on", sqlite3_column_text(s, 7),
	    "sent_how", sqlite3_column_text(s, 8),
	    "sent_by", sqlite3_column_text(s, 9));
}

json_t *
report_list(struct store *st, long long org_id)
{
	static const char sql[] = COLS " WHERE org_id = ? ORDER BY id DESC"
	    " LIMIT 500";
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, org_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, row(s));
	store_done(s);
	return a;
}

json_t *
report_get(struct store *st, long long org_id, long long id)
{
	static const char sql[] = COLS " WHERE org_id = ? AND id = ?";
	sqlite3_stmt	*s;
	json_t		*r = NULL;

	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = row(s);
	store_done(s);
	return r;
}

int
report_mark_sent(struct store *st, long long org_id, long long id,
    const char *sent_on, const char *how, const char *actor)
{
	static const char sql[] = "UPDATE regulator_reports SET sent_on = ?,"
	    " sent_how = ?, sent_by = ? WHERE org_id = ? AND id = ? AND"
	    " sent_on IS NULL";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, sent_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, how, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, org_id);
	sqlite3_bind_int64(s, 5, id);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(store_db(st)) == 1;
}

/* Append s to b with &, <, >, " and ' escaped. */
static void
esc(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': util_buf_adds(b, "&amp;"); break;
		case '<': util_buf_adds(b, "&lt;"); break;
		case '>': util_buf_adds(b, "&gt;"); break;
		case '"': util_buf_adds(b, "&quot;"); break;
		case '\'': util_buf_adds(b, "&#39;"); break;
		default: util_buf_add(b, s, 1);
		}
	}
}

/* One row of the table: label, and v as text (strings as they are, the
 * rest as compact JSON). */
static void
field(struct buf *b, const char *label, json_t *v)
{
	char	*t;

	util_buf_adds(b, "<tr><th>");
	esc(b, label);
	util_buf_adds(b, "</th><td>");
	if (json_is_string(v))
		esc(b, json_string_value(v));
	else if (v != NULL && !json_is_null(v)) {
		t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		esc(b, t);
		free(t);
	} else
		util_buf_adds(b, "&mdash;");
	util_buf_adds(b, "</td></tr>\n");
}

char *
report_html(json_t *r)
{
	static const char *const keys[] = { "outcome", "level", "decided_on",
	    "grounds", "justification", "concerns", "risk", "nrt_insufficient",
	    "sources",
	    "agency_brief_reference", "related_investigations", NULL };
	const char *const	*k;
	json_t			*d = json_object_get(r, "data");
	struct buf		 b;
	char			 num[32];

	util_buf_init(&b);
	util_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\"><title>Report to the regulator ");
	snprintf(num, sizeof(num), "%lld",
	    (long long)json_integer_value(json_object_get(r, "id")));
	util_buf_adds(&b, num);
	util_buf_adds(&b, "</title></head><body>\n<h1>Report to the regulator "
	    "(REGDOC-2.12.2 6.1, 6.2)</h1>\n<table>\n");
	field(&b, "report", json_object_get(r, "id"));
	field(&b, "kind", json_object_get(r, "kind"));
	field(&b, "case", json_object_get(r, "case_id"));
	field(&b, "clearance", json_object_get(r, "clearance_id"));
	for (k = keys; *k != NULL; k++)
		if (json_object_get(d, *k) != NULL)
			field(&b, *k, json_object_get(d, *k));
	field(&b, "drafted", json_object_get(r, "drafted_at"));
	field(&b, "sent on", json_object_get(r, "sent_on"));
	field(&b, "sent how", json_object_get(r, "sent_how"));
	util_buf_adds(&b, "</table>\n</body></html>\n");
	return b.data;
}
