/*
 * api_audit: GET /api/v1/audit, the audit trail of the caller's
 * organization for the auditor and admin roles. Filters: actor, target,
 * action (exact), from and to (on the timestamp, as ISO 8601 text or a
 * date), before (an event id, for the next page) and limit (1-500, default
 * 100). Newest first. Reading the trail is itself audited.
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"

/* A time bound: "YYYY-MM-DD" or a longer ISO 8601 UTC prefix. */
static int
time_ok(const char *s)
{
	size_t	n = strlen(s);

	return n >= 10 && n <= 24 && strspn(s, "0123456789-T:.Z") == n &&
	    s[4] == '-' && s[7] == '-';
}

void
api_audit_list(struct api_ctx *c)
{
	static const char sql[] = "SELECT id, ts, actor, action, target,"
	    " client_addr, request_id, detail FROM audit_events"
	    " WHERE org_id = ?1"
	    " AND (?2 IS NULL OR actor = ?2) AND (?3 IS NULL OR target = ?3)"
	    " AND (?4 IS NULL OR action = ?4) AND (?5 IS NULL OR ts >= ?5)"
	    " AND (?6 IS NULL OR ts < ?6) AND (?7 IS NULL OR id < ?7)"
	    " ORDER BY id DESC LIMIT ?8";
	const char	*actor, *target, *action, *from, *to, *v;
	long long	 before = 0, limit = 100, last = 0;
	sqlite3_stmt	*s;
	json_t		*events, *detail, *filters;
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
		detail = json_loads((const char *)sqlite3_column_text(s, 7), 0,
		    NULL);
		last = sqlite3_column_int64(s, 0);
		json_array_append_new(events, json_pack("{s:I, s:s, s:s, s:s,"
		    " s:s, s:s, s:s, s:o}", "id", (json_int_t)last,
		    "ts", sqlite3_column_text(s, 1),
		    "actor", sqlite3_column_text(s, 2),
		    "action", sqlite3_column_text(s, 3),
		    "target", sqlite3_column_text(s, 4),
		    "client_addr", sqlite3_column_text(s, 5),
		    "request_id", sqlite3_column_text(s, 6),
		    "detail", detail ? detail : json_object()));
		n++;
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
