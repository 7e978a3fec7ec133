/*
 * api_audit: GET /api/v1/audit, the audit trail of the caller's
 * organization for the auditor and admin roles. Filters: actor, target,
 * action (exact), from and to (on the timestamp, as ISO 8601 text or a
 * date), before (an event id, for the next page) and limit (1-500, default
 * 100). Newest first. Reading the trail is itself audited.
 */
#include "autoconf.h"

#include <ctype.h>
#include <string.h>

#include "api.h"
#include "auditspool.h"
#include "log.h"
#include "validate.h"

/*
 * A time bound: a real date "YYYY-MM-DD", alone or followed by the time of
 * day of an ISO 8601 UTC timestamp ("T12:30", "T12:30:00.000Z"), hours
 * and minutes in range. 1 or 0.
 */
static int
time_ok(const char *s)
{
	char	day[11];
	size_t	n = strlen(s), t;

	if (n < 10 || n > 24)
		return 0;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!validate_date(day))
		return 0;
	if (n == 10)
		return 1;
	t = n - 11;
	if (s[10] != 'T' || strspn(s + 11, "0123456789:.Z") != t || t < 2)
		return 0;
	/* the hour, then the minutes when given */
	if (s[11] > '2' || (s[11] == '2' && s[12] > '3') ||
	    !isdigit((unsigned char)s[12]))
		return 0;
	return t < 5 || (s[13] == ':' && s[14] <= '5' &&
	    isdigit((unsigned char)s[14]));
}

/*
 * Is this event's actor the reporter of a confidential report it is about
 * (the incident, or one of its documents), to be kept from all but the
 * cso (reference 000, third-party reports)?
 */
static int
confidential_reporter(struct api_ctx *c, const char *actor,
    const char *target)
{
	static const char inc[] = "SELECT 1 FROM incidents WHERE id = ? AND"
	    " org_id = ? AND confidential = 1 AND 'user:' || reporter = ?";
	static const char doc[] = "SELECT 1 FROM documents d JOIN incidents i"
	    " ON i.id = d.owner_id WHERE d.id = ? AND d.owner_kind = 'incident'"
	    " AND i.org_id = ? AND i.confidential = 1 AND 'user:' ||"
	    " i.reporter = ?";
	long long	id;
	const char	*num;

	if ((c->who.roles & ROLE_BIT(ROLE_CSO)) || actor == NULL ||
	    target == NULL || strncmp(actor, "user:", 5) != 0)
		return 0;
	if (strncmp(target, "incident:", 9) == 0)
		num = target + 9;
	else if (strncmp(target, "document:", 9) == 0)
		num = target + 9;
	else
		return 0;
	if (util_parse_ll(num, 1, (long long)1 << 53, &id) == -1)
		return 0;
	return store_run(c->store, NULL, 0, target[0] == 'i' ? inc : doc,
	    "iis", id, c->who.org_id, actor) == SQLITE_ROW;
}

void
api_audit_list(struct api_ctx *c)
{
#define AUDIT_COLS "SELECT id, ts, actor, action, target, client_addr," \
	" request_id, detail FROM audit_events"
#define AUDIT_REST " AND (?2 IS NULL OR actor = ?2)" \
	" AND (?3 IS NULL OR target = ?3) AND (?4 IS NULL OR action = ?4)" \
	" AND (?5 IS NULL OR ts >= ?5) AND (?6 IS NULL OR ts < ?6)" \
	" AND (?7 IS NULL OR id < ?7) ORDER BY id DESC LIMIT ?8"
	/* One statement per leading filter, so that each walks its index
	 * (which ends in the id) newest first and stops at the limit. */
	static const char by_target[] = AUDIT_COLS
	    " WHERE org_id = ?1 AND target = ?3" AUDIT_REST;
	static const char by_actor[] = AUDIT_COLS
	    " WHERE org_id = ?1 AND actor = ?2" AUDIT_REST;
	static const char by_time[] = AUDIT_COLS
	    " WHERE org_id = ?1 AND ts >= coalesce(?5, '') AND"
	    " ts < coalesce(?6, '9')" AUDIT_REST;
	static const char newest[] = AUDIT_COLS
	    " WHERE +org_id = ?1" AUDIT_REST;	/* the table, newest first */
	const char	*sql;
	const char	*actor, *target, *action, *from, *to, *v;
	long long	 before = 0, limit = 100, last = 0;
	sqlite3_stmt	*s;
	json_t		*events, *detail, *filters;
	int		 hide;
	int		 rc, n = 0;

	if (api_allow(c, ACT_AUDIT_READ, NULL, "audit") == -1)
		return;
	if (api_query(c, "actor", 300, &actor) == -1 ||
	    api_query(c, "target", 200, &target) == -1 ||
	    api_query(c, "action", 64, &action) == -1 ||
	    api_query(c, "from", 24, &from) == -1 ||
	    api_query(c, "to", 24, &to) == -1)
		return;
	if ((from != NULL && !time_ok(from)) || (to != NULL && !time_ok(to))) {
		response_error(c->resp, 400, "bad_request",
		    "from and to are dates (YYYY-MM-DD) or ISO 8601 times",
		    from != NULL && !time_ok(from) ? "from" : "to");
		return;
	}
	if ((v = request_query(c->req, "before")) != NULL &&
	    util_parse_ll(v, 1, (long long)1 << 62, &before) == -1) {
		response_error(c->resp, 400, "bad_request",
		    "before is an event id", "before");
		return;
	}
	if ((v = request_query(c->req, "limit")) != NULL &&
	    util_parse_ll(v, 1, 500, &limit) == -1) {
		response_error(c->resp, 400, "bad_request",
		    "limit is a number from 1 to 500", "limit");
		return;
	}

	filters = json_object();
	if (actor) json_object_set_new(filters, "actor", json_string(actor));
	if (target) json_object_set_new(filters, "target", json_string(target));
	if (action) json_object_set_new(filters, "action", json_string(action));
	if (api_audit(c, "audit.read", "audit", filters) == -1) {
		json_decref(filters);
		response_error(c->resp, 503, "unavailable",
		    "the read could not be recorded", NULL);
		return;
	}
	json_decref(filters);
	/* reads recorded a moment ago may still wait in a worker's spool */
	if (auditspool_settle(c->store, 200) == 1)
		log_warn("event=audit_spool_settle_timeout");

	sql = target ? by_target : actor ? by_actor : (from || to) ? by_time :
	    newest;
	if ((s = store_prepare(c->store, sql)) == NULL) {
		response_error(c->resp, 503, "unavailable",
		    "the database is unavailable", NULL);
		return;
	}
	sqlite3_bind_int64(s, 1, c->who.org_id);
	if (actor) sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
	if (target) sqlite3_bind_text(s, 3, target, -1, SQLITE_STATIC);
	if (action) sqlite3_bind_text(s, 4, action, -1, SQLITE_STATIC);
	if (from) sqlite3_bind_text(s, 5, from, -1, SQLITE_STATIC);
	if (to) sqlite3_bind_text(s, 6, to, -1, SQLITE_STATIC);
	if (before) sqlite3_bind_int64(s, 7, before);
	sqlite3_bind_int64(s, 8, limit);
	events = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		last = sqlite3_column_int64(s, 0);
		n++;
		hide = confidential_reporter(c, (const char *)
		    sqlite3_column_text(s, 2), (const char *)
		    sqlite3_column_text(s, 4));
		/* a search by that actor must not tell either */
		if (hide && actor != NULL)
			continue;
		detail = json_loads((const char *)sqlite3_column_text(s, 7), 0,
		    NULL);
		json_array_append_new(events, json_pack("{s:I, s:s, s:s, s:s,"
		    " s:s, s:s, s:s, s:o}", "id", (json_int_t)last,
		    "ts", sqlite3_column_text(s, 1),
		    "actor", hide ? "confidential reporter" :
		    (const char *)sqlite3_column_text(s, 2),
		    "action", sqlite3_column_text(s, 3),
		    "target", sqlite3_column_text(s, 4),
		    "client_addr", sqlite3_column_text(s, 5),
		    "request_id", sqlite3_column_text(s, 6),
		    "detail", detail ? detail : json_object()));
	}
	store_done(s);
	if (rc != SQLITE_DONE) {
		json_decref(events);
		response_error(c->resp, 503, "unavailable",
		    "the database is unavailable", NULL);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o, s:o}", "events", events,
	    "next_before", n == limit ? json_integer(last) : json_null()));
}
