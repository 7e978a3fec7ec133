/*
 * tick: the scheduled pass of `vetctl tick`. See tick.h.
 */
#include "autoconf.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "case.h"
#include "holder.h"
#include "log.h"
#include "luahost.h"
#include "org.h"
#include "outbox.h"
#include "document.h"
#include "tick.h"
#include "util.h"

#define ACTOR		"system:tick"
#define LIVE		"('active', 'restricted', 'alternative_work', 'suspended')"

/* An organization or one of its sites: whose policy decides. */
struct scope {
	long long	 org_id;
	char		*org;
	long long	 site_id;	/* 0: the organization itself */
	char		*site;		/* NULL: the organization itself */
};

struct scopes {
	struct scope	*v;
	size_t		 n, cap;
};

static void
scope_add(struct scopes *ss, long long org_id, const char *org,
    long long site_id, const char *site)
{
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 8;
		ss->v = xrealloc(ss->v, ss->cap * sizeof(*ss->v));
	}
	ss->v[ss->n].org_id = org_id;
	ss->v[ss->n].org = xstrdup(org);
	ss->v[ss->n].site_id = site_id;
	ss->v[ss->n].site = site ? xstrdup(site) : NULL;
	ss->n++;
}

static void
on_org(const struct org *o, void *arg)
{
	scope_add(arg, o->id, o->slug, 0, NULL);
}

struct site_arg {
	struct scopes	*ss;
	long long	 org_id;
};

static void
on_site(const struct site *s, void *arg)
{
	struct site_arg	*a = arg;

	scope_add(a->ss, a->org_id, s->org_slug, s->id, s->slug);
}

static void
scopes_free(struct scopes *ss)
{
	size_t	i;

	for (i = 0; i < ss->n; i++) {
		free(ss->v[i].org);
		free(ss->v[i].site);
	}
	free(ss->v);
}

/* Every organization, then every site of each. 0 or -1. */
static int
scopes_load(struct store *st, struct scopes *ss)
{
	size_t		norgs, i;
	struct site_arg	a;

	memset(ss, 0, sizeof(*ss));
	if (org_list(st, on_org, ss) == -1)
		return -1;
	norgs = ss->n;
	for (i = 0; i < norgs; i++) {
		a.ss = ss;
		a.org_id = ss->v[i].org_id;
		if (org_site_list(st, ss->v[i].org, on_site, &a) == -1)
			return -1;
	}
	return 0;
}

/* What a scope's policy says for the pass. */
struct rules {
	long long	 lead;		/* renewal_lead_days */
	long long	 appeal_days;	/* appeal_days */
	long long	 retention;	/* retention_years */
	char		 initial[65];	/* the state a new case starts in */
	char		*closed;	/* JSON array of the closed states */
};

/* Read r from the scope's policy. 0, or -1 with err; the caller frees
 * r->closed either way. */
static int
scope_policy(struct policy_registry *pol, struct store *st,
    const struct scope *sc, struct rules *r, char *err, size_t errlen)
{
	struct policy	*p;
	json_t		*settings, *wf, *v;
	const char	*s;

	memset(r, 0, sizeof(*r));
	if ((p = policy_get(pol, st, sc->org, sc->site, (long long)time(NULL),
	    err, errlen)) == NULL)
		return -1;
	settings = luahost_table(p, "settings");
	wf = luahost_table(p, "workflow");
	v = json_object_get(settings, "renewal_lead_days");
	r->lead = json_is_integer(v) ? json_integer_value(v) : 180;
	if (r->lead < 1 || r->lead > 3650)
		r->lead = 180;
	v = json_object_get(settings, "appeal_days");
	r->appeal_days = json_is_integer(v) ? json_integer_value(v) : 30;
	if (r->appeal_days < 1 || r->appeal_days > 3650)
		r->appeal_days = 30;
	/* the regulation's floor is a year (REGDOC 9.0) */
	v = json_object_get(settings, "retention_years");
	r->retention = json_is_integer(v) ? json_integer_value(v) : 1;
	if (r->retention < 1 || r->retention > 100)
		r->retention = 1;
	v = json_object_get(settings, "closed_states");
	r->closed = json_is_array(v) && json_array_size(v) > 0 ?
	    json_dumps(v, JSON_COMPACT) :
	    xstrdup("[\"issued\",\"denied\",\"withdrawn\"]");
	s = json_string_value(json_object_get(wf, "initial"));
	snprintf(r->initial, sizeof(r->initial), "%s", s ? s : "");
	json_decref(settings);
	json_decref(wf);
	if (r->closed == NULL || r->initial[0] == '\0') {
		snprintf(err, errlen, "%s%s%s: the policy declares no workflow",
		    sc->org, sc->site ? "/" : "", sc->site ? sc->site : "");
		return -1;
	}
	return 0;
}

/* Audit an action of the pass as system:tick; head, when not NULL, carries
 * the chain's head through a batch. */
static int
audit_at(struct store *st, long long org_id, const char *action,
    const char *target, json_t *detail, struct audit_head *head)
{
	struct audit_event	ev = { ACTOR, org_id, action, target, "", "",
	    detail };

	return audit_append_at(st, &ev, NULL, NULL, head);
}

/* Queue one notification; a duplicate is not an error. 1 queued, 0 a
 * duplicate, -1 an error. */
static int
notify(struct store *st, long long org_id, const char *kind,
    const char *recipient, const char *subject, const char *body,
    const char *dedup)
{
	switch (outbox_add(st, org_id, kind, recipient, subject, body, dedup)) {
	case OUTBOX_OK:
		return 1;
	case OUTBOX_DUPLICATE:
		return 0;
	default:
		return -1;
	}
}

/* --- the steps: each takes up to TICK_BATCH items in one transaction and
 * returns how many it did (0: nothing left), or -1 --------------------- */

static long long
expire_batch(struct store *st, long long org_id, const char *today)
{
	static const char pick[] = "SELECT id FROM clearances WHERE"
	    " org_id = ? AND status IN " LIVE " AND expires_on < ? LIMIT ?";
	static const char upd[] = "UPDATE clearances SET status = 'expired',"
	    " updated_at = ? WHERE id = ?";
	sqlite3_stmt	*s, *u;
	long long	 n = 0, ids[TICK_BATCH], i;
	char		 now[40], target[48];
	int		 rc;

	util_now_iso(now, sizeof(now));
	if (store_begin(st) == -1 || (s = store_prepare(st, pick)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, TICK_BATCH);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(s, 0);
	store_done(s);
	if (rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((u = store_prepare(st, upd)) == NULL)
			goto fail;
		sqlite3_bind_text(u, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(u, 2, ids[i]);
		rc = sqlite3_step(u);
		store_done(u);
		snprintf(target, sizeof(target), "clearance:%lld", ids[i]);
		if (rc != SQLITE_DONE ||
		    audit_at(st, org_id, "clearance.expire", target, NULL, NULL) == -1)
			goto fail;
	}
	if (store_commit(st) == -1)
		goto fail;
	return n;
fail:
	store_rollback(st);
	return -1;
}

struct due {
	long long	 id, person_id;
	char		 level[65], username[257], expires[11];
};

/* Where a renewal walk stands: the status being walked and the last
 * (expiry, id) seen. */
struct cursor {
	const char	*status;
	char		 expires[11];
	long long	 id;
};

static long long
renew_batch(struct store *st, const struct scope *sc, const char *today,
    const char *horizon, const char *initial, struct cursor *cur,
    long long *notices)
{
	struct audit_head	 head = { .known = 0 };
	/* walks the (org, status, expiry) index from where the last batch
	 * stopped, so a pass reads each candidate once */
	static const char pick[] = "SELECT c.id, c.person_id, c.level,"
	    " c.expires_on, coalesce((SELECT p.username FROM persons p"
	    " WHERE p.id = c.person_id), '') FROM clearances c"
	    " WHERE c.org_id = ?1 AND c.status = ?6"
	    " AND c.expires_on >= ?2 AND c.expires_on <= ?3"
	    " AND (c.expires_on > ?7 OR (c.expires_on = ?7 AND c.id > ?8))"
	    " AND c.site_id IS ?4 AND NOT EXISTS (SELECT 1 FROM renewals r"
	    " WHERE r.clearance_id = c.id) ORDER BY c.expires_on, c.id LIMIT ?5";
	static const char mark[] = "INSERT INTO renewals (clearance_id,"
	    " case_id, opened_at) VALUES (?, ?, ?)";
	static struct due	 due[TICK_BATCH];
	sqlite3_stmt		*s;
	long long		 n = 0, i, case_id;
	char			 now[40], target[48], subject[160], body[400];
	char			 dedup[64];
	json_t			*detail;
	int			 rc, q;

	util_now_iso(now, sizeof(now));
	if (store_begin(st) == -1 || (s = store_prepare(st, pick)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, sc->org_id);
	sqlite3_bind_text(s, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, horizon, -1, SQLITE_STATIC);
	if (sc->site_id)
		sqlite3_bind_int64(s, 4, sc->site_id);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int(s, 5, TICK_BATCH);
	sqlite3_bind_text(s, 6, cur->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, cur->expires, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, cur->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		due[n].id = sqlite3_column_int64(s, 0);
		due[n].person_id = sqlite3_column_int64(s, 1);
		snprintf(due[n].level, sizeof(due[n].level), "%s",
		    sqlite3_column_text(s, 2));
		snprintf(due[n].expires, sizeof(due[n].expires), "%s",
		    sqlite3_column_text(s, 3));
		snprintf(due[n].username, sizeof(due[n].username), "%s",
		    sqlite3_column_text(s, 4));
		n++;
	}
	store_done(s);
	if (rc != SQLITE_DONE)
		goto fail;
	if (n > 0) {
		snprintf(cur->expires, sizeof(cur->expires), "%s",
		    due[n - 1].expires);
		cur->id = due[n - 1].id;
	}
	for (i = 0; i < n; i++) {
		snprintf(target, sizeof(target), "clearance:%lld", due[i].id);
		detail = json_pack("{s:s, s:s, s:s}", "kind", "renewal",
		    "renews", target, "expires_on", due[i].expires);
		if (case_open(st, sc->org_id, due[i].person_id, sc->site_id,
		    "renewal", due[i].level, initial, ACTOR, &case_id) !=
		    CASE_OK || case_event(st, case_id, ACTOR, "opened",
		    detail) != CASE_OK) {
			json_decref(detail);
			goto fail;
		}
		if ((s = store_prepare(st, mark)) == NULL) {
			json_decref(detail);
			goto fail;
		}
		sqlite3_bind_int64(s, 1, due[i].id);
		sqlite3_bind_int64(s, 2, case_id);
		sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		store_done(s);
		snprintf(target, sizeof(target), "case:%lld", case_id);
		if (rc != SQLITE_DONE || audit_at(st, sc->org_id, "case.open",
		    target, detail, &head) == -1) {
			json_decref(detail);
			goto fail;
		}
		json_decref(detail);
		snprintf(subject, sizeof(subject), "Clearance renewal due: "
		    "case %lld", case_id);
		snprintf(body, sizeof(body), "Clearance %lld expires on %s. "
		    "Renewal case %lld has been opened (REGDOC-2.12.2 7.0).",
		    due[i].id, due[i].expires, case_id);
		snprintf(dedup, sizeof(dedup), "renewal:%lld:cso", due[i].id);
		if ((q = notify(st, sc->org_id, "renewal_due", "role:cso",
		    subject, body, dedup)) == -1)
			goto fail;
		*notices += q;
		if (due[i].username[0] != '\0') {
			snprintf(dedup, sizeof(dedup), "renewal:%lld:holder",
			    due[i].id);
			if ((q = notify(st, sc->org_id, "renewal_due",
			    due[i].username, subject, body, dedup)) == -1)
				goto fail;
			*notices += q;
		}
	}
	if (store_commit(st) == -1)
		goto fail;
	return n;
fail:
	store_rollback(st);
	return -1;
}

/*
 * Run pick, a query bound with (org_id, today, TICK_BATCH[, extra]) that
 * yields an id and a date, keeping both. The number of rows (at most TICK_BATCH),
 * or -1.
 */
static long long
pick_dated(struct store *st, const char *pick, long long org_id,
    const char *today, const char *extra, long long *ids, char (*dates)[11])
{
	sqlite3_stmt	*s;
	long long	 n = 0;
	int		 rc;

	if ((s = store_prepare(st, pick)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, TICK_BATCH);
	if (extra != NULL)
		sqlite3_bind_text(s, 4, extra, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(s, 0);
		snprintf(dates[n], sizeof(dates[n]), "%s",
		    sqlite3_column_text(s, 1));
		n++;
	}
	store_done(s);
	return rc == SQLITE_DONE ? n : -1;
}

static long long
review_batch(struct store *st, long long org_id, const char *today,
    long long *notices)
{
	static const char pick[] = "SELECT c.id, json_extract(j.value,"
	    " '$.review_date') AS d FROM clearances c, json_each(c.restrictions) j"
	    " WHERE c.org_id = ?1 AND c.status IN " LIVE
	    " AND c.restrictions <> '[]' AND json_valid(c.restrictions)"
	    " AND typeof(d) = 'text' AND d < ?2 AND NOT EXISTS (SELECT 1"
	    " FROM restriction_reviews r WHERE r.clearance_id = c.id AND"
	    " r.review_date = d) LIMIT ?3";
	static const char mark[] = "INSERT INTO restriction_reviews"
	    " (clearance_id, review_date, flagged_at) VALUES (?, ?, ?)"
	    " ON CONFLICT DO NOTHING";
	static long long	 ids[TICK_BATCH];
	static char		 dates[TICK_BATCH][11];
	sqlite3_stmt		*s;
	long long		 n = 0, i;
	char			 now[40], target[48], subject[160], body[300];
	char			 dedup[80];
	json_t			*detail;
	int			 rc, q;

	util_now_iso(now, sizeof(now));
	if (store_begin(st) == -1 ||
	    (n = pick_dated(st, pick, org_id, today, NULL, ids, dates)) ==
	    -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((s = store_prepare(st, mark)) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, ids[i]);
		sqlite3_bind_text(s, 2, dates[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		store_done(s);
		snprintf(target, sizeof(target), "clearance:%lld", ids[i]);
		detail = json_pack("{s:s}", "review_date", dates[i]);
		if (rc != SQLITE_DONE || audit_at(st, org_id,
		    "clearance.review_due", target, detail, NULL) == -1) {
			json_decref(detail);
			goto fail;
		}
		json_decref(detail);
		snprintf(subject, sizeof(subject), "Restriction review due: "
		    "clearance %lld", ids[i]);
		snprintf(body, sizeof(body), "A restriction on clearance %lld "
		    "was due for review on %.10s (REGDOC-2.12.2 5.4.2).", ids[i],
		    dates[i]);
		snprintf(dedup, sizeof(dedup), "review:%lld:%.10s", ids[i],
		    dates[i]);
		if ((q = notify(st, org_id, "review_due", "role:cso", subject,
		    body, dedup)) == -1)
			goto fail;
		*notices += q;
	}
	if (store_commit(st) == -1)
		goto fail;
	return n;
fail:
	store_rollback(st);
	return -1;
}

static long long
window_batch(struct store *st, long long org_id, const char *today,
    const char *closed, long long *notices)
{
	static const char pick[] = "SELECT c.id, c.response_due FROM cases c"
	    " WHERE c.org_id = ?1 AND c.response_due IS NOT NULL AND"
	    " c.response_due < ?2 AND c.state NOT IN (SELECT value FROM"
	    " json_each(?4)) AND NOT EXISTS"
	    " (SELECT 1 FROM case_sections s WHERE s.case_id = c.id AND"
	    " s.name = 'response') AND NOT EXISTS (SELECT 1 FROM case_events e"
	    " WHERE e.case_id = c.id AND e.type = 'response_window_closed'"
	    " AND json_extract(e.detail, '$.due') = c.response_due) LIMIT ?3";
	static long long	 ids[TICK_BATCH];
	static char		 dues[TICK_BATCH][11];
	long long		 n = 0, i;
	char			 target[48], subject[160], body[300], dedup[80];
	json_t			*detail;
	int			 q;

	if (store_begin(st) == -1 ||
	    (n = pick_dated(st, pick, org_id, today, closed, ids, dues)) ==
	    -1)
		goto fail;
	for (i = 0; i < n; i++) {
		detail = json_pack("{s:s}", "due", dues[i]);
		snprintf(target, sizeof(target), "case:%lld", ids[i]);
		if (case_event(st, ids[i], ACTOR, "response_window_closed",
		    detail) != CASE_OK || audit_at(st, org_id,
		    "case.window_closed", target, detail, NULL) == -1) {
			json_decref(detail);
			goto fail;
		}
		json_decref(detail);
		snprintf(subject, sizeof(subject), "Response period over: "
		    "case %lld", ids[i]);
		snprintf(body, sizeof(body), "The period to answer the concerns "
		    "in case %lld ended on %.10s without an answer; the case may "
		    "go to decision.", ids[i], dues[i]);
		snprintf(dedup, sizeof(dedup), "window:%lld:%.10s", ids[i],
		    dues[i]);
		if ((q = notify(st, org_id, "window_closed", "role:adjudicator",
		    subject, body, dedup)) == -1)
			goto fail;
		*notices += q;
	}
	if (store_commit(st) == -1)
		goto fail;
	return n;
fail:
	store_rollback(st);
	return -1;
}

/*
 * Retention (REGDOC 9.0): a closed file whose clearance has ended (or
 * that never had one) is purged retention years after: its sections, its
 * events' details and the input of its recommendations are cleared
 * (secure_delete zeroes them in the file), the person's record is cut to
 * the name when nothing else of theirs is kept, and the permanent listing
 * keeps name, level, outcome and dates. A legal hold on the case or the
 * person stops it.
 */
static long long
purge_batch(struct store *st, long long org_id, const char *today,
    const struct rules *ru, const char *docdir, long long *shredded)
{
	static const char pick[] = "SELECT c.id, c.person_id, c.level,"
	    " c.state, substr(c.updated_at, 1, 10), cl.status, cl.granted_on,"
	    " substr(cl.updated_at, 1, 10), coalesce(json_extract(p.data,"
	    " '$.name'), '') FROM cases c JOIN persons p ON p.id = c.person_id"
	    " LEFT JOIN clearances cl ON cl.case_id = c.id"
	    " WHERE c.org_id = ?1 AND c.state IN (SELECT value FROM"
	    " json_each(?2)) AND NOT EXISTS (SELECT 1 FROM purges u WHERE"
	    " u.case_id = c.id) AND ((cl.id IS NULL AND date(c.updated_at, '+'"
	    " || ?3 || ' years') <= ?4) OR (cl.status IN ('expired', 'revoked',"
	    " 'terminated', 'transferred') AND date(cl.updated_at, '+' || ?3 ||"
	    " ' years') <= ?4)) AND NOT EXISTS (SELECT 1 FROM legal_holds h"
	    " WHERE h.lifted_at IS NULL AND ((h.kind = 'case' AND h.target_id ="
	    " c.id) OR (h.kind = 'person' AND h.target_id = c.person_id)))"
	    " LIMIT ?5";
	static const char *const wipe[] = {
	    "DELETE FROM case_sections WHERE case_id = ?1",
	    "UPDATE case_events SET detail = '{}' WHERE case_id = ?1",
	    "UPDATE recommendations SET input = '{}' WHERE case_id = ?1",
	    "INSERT INTO purges (case_id, purged_at) VALUES (?1,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
	    NULL };
	/* the person's record keeps the name only once nothing else of
	 * theirs is kept: no other unpurged case, no clearance in force */
	static const char person_sql[] = "UPDATE persons SET data ="
	    " json_object('name', json_extract(data, '$.name')), updated_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 AND NOT EXISTS"
	    " (SELECT 1 FROM cases c WHERE c.person_id = ?1 AND NOT EXISTS"
	    " (SELECT 1 FROM purges u WHERE u.case_id = c.id)) AND NOT EXISTS"
	    " (SELECT 1 FROM clearances cl WHERE cl.person_id = ?1 AND"
	    " cl.status IN " LIVE ")";
	static const char list_sql[] = "INSERT INTO register_listing (org_id,"
	    " case_id, name, level, outcome, granted_on, ended_on, listed_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ',"
	    " 'now'))";
	struct victim {
		long long	 id, person;
		char		 level[65], outcome[20], name[256];
		char		 granted[11], ended[11];
	};
	static struct victim	 v[TICK_BATCH];
	struct audit_head	 head = { .known = 0 };
	const char *const	*w;
	sqlite3_stmt		*s;
	long long		 n = 0, i;
	char			 target[48];
	json_t			*detail, *vids = json_array(), *vid;
	size_t			 k;
	int			 rc;

	if (store_begin(st) == -1 || (s = store_prepare(st, pick)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, ru->closed, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, ru->retention);
	sqlite3_bind_text(s, 4, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, TICK_BATCH);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *cl = (const char *)sqlite3_column_text(s, 5);

		v[n].id = sqlite3_column_int64(s, 0);
		v[n].person = sqlite3_column_int64(s, 1);
		snprintf(v[n].level, sizeof(v[n].level), "%s",
		    sqlite3_column_text(s, 2));
		/* granted and then ended (expired, revoked, ...), or the
		 * case's own end (denied, withdrawn) */
		snprintf(v[n].outcome, sizeof(v[n].outcome), "%s", cl ? cl :
		    (const char *)sqlite3_column_text(s, 3));
		snprintf(v[n].granted, sizeof(v[n].granted), "%s", cl ?
		    (const char *)sqlite3_column_text(s, 6) : "");
		snprintf(v[n].ended, sizeof(v[n].ended), "%s",
		    sqlite3_column_text(s, cl ? 7 : 4));
		snprintf(v[n].name, sizeof(v[n].name), "%s",
		    sqlite3_column_text(s, 8));
		n++;
	}
	store_done(s);
	if (rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((s = store_prepare(st, list_sql)) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, org_id);
		sqlite3_bind_int64(s, 2, v[i].id);
		sqlite3_bind_text(s, 3, v[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, v[i].level, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, v[i].outcome, -1, SQLITE_STATIC);
		if (v[i].granted[0])
			sqlite3_bind_text(s, 6, v[i].granted, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, v[i].ended, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		store_done(s);
		if (rc != SQLITE_DONE)
			goto fail;
		for (w = wipe; *w != NULL; w++) {
			if ((s = store_prepare(st, *w)) == NULL)
				goto fail;
			sqlite3_bind_int64(s, 1, v[i].id);
			rc = sqlite3_step(s);
			store_done(s);
			if (rc != SQLITE_DONE)
				goto fail;
		}
		/* its documents are crypto-shredded: keys out now, the
		 * ciphertexts once this commits */
		k = json_array_size(vids);
		if (document_shred_owner(st, org_id, "case", v[i].id, ACTOR,
		    "retention period ended (REGDOC 9.0)", vids) != DOC_OK)
			goto fail;
		if ((s = store_prepare(st, person_sql)) == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, v[i].person);
		rc = sqlite3_step(s);
		store_done(s);
		snprintf(target, sizeof(target), "case:%lld", v[i].id);
		detail = json_pack("{s:I, s:s, s:I}", "retention_years",
		    (json_int_t)ru->retention, "outcome", v[i].outcome,
		    "documents_shredded", (json_int_t)(json_array_size(vids) -
		    k));
		if (rc != SQLITE_DONE || audit_at(st, org_id, "case.purge",
		    target, detail, &head) == -1) {
			json_decref(detail);
			goto fail;
		}
		json_decref(detail);
	}
	if (store_commit(st) == -1)
		goto fail;
	json_array_foreach(vids, k, vid)
		if (vault_remove(docdir, json_string_value(vid)) == -1)
			log_error("event=shred_unlink_failed");
	*shredded += (long long)json_array_size(vids);
	json_decref(vids);
	return n;
fail:
	store_rollback(st);
	json_decref(vids);
	return -1;
}

/*
 * Appeal windows (REGDOC 11.0): a denial or revocation whose appeal_days
 * passed with no appeal lodged gets its window closed, once: a case event
 * for a denied case, a history row for a revoked clearance.
 */
static long long
appeal_batch(struct store *st, long long org_id, const char *today,
    const struct rules *ru)
{
	static const char pick[] = "SELECT 'case', c.id FROM cases c WHERE"
	    " c.org_id = ?1 AND c.state = 'denied' AND date((SELECT"
	    " json_extract(s.data, '$.decided_on') FROM case_sections s WHERE"
	    " s.case_id = c.id AND s.name = 'decision'), '+' || ?2 || ' days')"
	    " < ?3 AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.case_id ="
	    " c.id) AND NOT EXISTS (SELECT 1 FROM case_events e WHERE"
	    " e.case_id = c.id AND e.type = 'appeal_window_closed')"
	    " UNION ALL SELECT 'clearance', l.id FROM clearances l WHERE"
	    " l.org_id = ?1 AND l.status = 'revoked' AND date((SELECT e.ts FROM"
	    " clearance_events e WHERE e.clearance_id = l.id AND e.type ="
	    " 'revoked' ORDER BY e.id DESC LIMIT 1), '+' || ?2 || ' days') < ?3"
	    " AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.clearance_id ="
	    " l.id) AND NOT EXISTS (SELECT 1 FROM clearance_events e WHERE"
	    " e.clearance_id = l.id AND e.type = 'appeal_window_closed')"
	    " LIMIT ?4";
	static long long	 ids[TICK_BATCH];
	static int		 is_case[TICK_BATCH];
	struct audit_head	 head = { .known = 0 };
	sqlite3_stmt		*s;
	long long		 n = 0, i;
	char			 target[48];
	json_t			*detail;
	int			 rc;

	if (store_begin(st) == -1 || (s = store_prepare(st, pick)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, ru->appeal_days);
	sqlite3_bind_text(s, 3, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, TICK_BATCH);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		is_case[n] = strcmp((const char *)sqlite3_column_text(s, 0),
		    "case") == 0;
		ids[n++] = sqlite3_column_int64(s, 1);
	}
	store_done(s);
	if (rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < n; i++) {
		detail = json_pack("{s:I}", "appeal_days",
		    (json_int_t)ru->appeal_days);
		snprintf(target, sizeof(target), "%s:%lld", is_case[i] ?
		    "case" : "clearance", ids[i]);
		rc = is_case[i] ? (case_event(st, ids[i], ACTOR,
		    "appeal_window_closed", detail) == CASE_OK ? 0 : -1) :
		    holder_event(st, ids[i], ACTOR, "appeal_window_closed",
		    detail);
		if (rc == -1 || audit_at(st, org_id, "appeal.window_closed",
		    target, detail, &head) == -1) {
			json_decref(detail);
			goto fail;
		}
		json_decref(detail);
	}
	if (store_commit(st) == -1)
		goto fail;
	return n;
fail:
	store_rollback(st);
	return -1;
}

/* Run step until it has nothing left; adds to *total. 0 or -1. */
#define DRAIN(total, name, call) do {					\
	long long	 _n;						\
	while ((_n = (call)) > 0) {					\
		*(total) += _n;						\
		if (progress != NULL)					\
			progress((name), *(total));			\
	}								\
	if (_n == -1) {							\
		snprintf(err, errlen, "%s: database error", (name));	\
		goto out;						\
	}								\
} while (0)

int
tick_run(struct store *st, const struct config *cfg,
    struct policy_registry *pol, const char *today,
    void (*progress)(const char *step, long long n),
    struct tick_report *r, char *err, size_t errlen)
{
	struct scopes	 ss;
	struct cursor	 cur;
	struct rules	 ru = { .closed = NULL };
	char		 horizon[11], *lockpath;
	size_t		 i;
	int		 k, lockfd, rc = -1;

	memset(r, 0, sizeof(*r));
	/* one pass at a time: a second waits, then finds nothing to do */
	lockpath = xasprintf("%s.tick.lock", cfg->database);
	if ((lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1 || flock(lockfd, LOCK_EX) == -1) {
		snprintf(err, errlen, "%s: %s", lockpath, strerror(errno));
		if (lockfd != -1)
			close(lockfd);
		free(lockpath);
		return -1;
	}
	free(lockpath);
	if (scopes_load(st, &ss) == -1) {
		snprintf(err, errlen, "cannot list the organizations");
		goto out;
	}
	for (i = 0; i < ss.n; i++) {
		free(ru.closed);
		if (scope_policy(pol, st, &ss.v[i], &ru, err, errlen) == -1)
			goto out;
		if (ss.v[i].site == NULL) {
			DRAIN(&r->expired, "expired",
			    expire_batch(st, ss.v[i].org_id, today));
			DRAIN(&r->reviews, "reviews", review_batch(st,
			    ss.v[i].org_id, today, &r->notices));
			DRAIN(&r->windows, "windows", window_batch(st,
			    ss.v[i].org_id, today, ru.closed, &r->notices));
			DRAIN(&r->appeals, "appeal windows", appeal_batch(st,
			    ss.v[i].org_id, today, &ru));
			DRAIN(&r->purged, "purged", purge_batch(st,
			    ss.v[i].org_id, today, &ru, cfg->doc_dir,
			    &r->shredded));
		}
		util_date_add(today, ru.lead, horizon);
		for (k = 0; k < 2; k++) {
			cur.status = k == 0 ? "active" : "restricted";
			cur.expires[0] = '\0';
			cur.id = 0;
			DRAIN(&r->renewals, "renewals", renew_batch(st,
			    &ss.v[i], today, horizon, ru.initial, &cur,
			    &r->notices));
		}
	}
	/* document files no row keeps (a crash mid-upload, a failed unlink
	 * after a shred), an hour old at least */
	if (cfg->doc_dir != NULL &&
	    (r->swept = document_sweep(st, cfg->doc_dir, 3600)) == -1) {
		snprintf(err, errlen, "documents: database error");
		goto out;
	}
	/* purged values must not linger in the WAL: copy it back and empty
	 * it (the database file's freed space is zeroed by secure_delete) */
	if (r->purged > 0 && store_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)",
	    NULL, 0) == -1)
		log_warn("event=tick_checkpoint_failed");
	rc = 0;
out:
	free(ru.closed);
	scopes_free(&ss);
	close(lockfd);
	return rc;
}
