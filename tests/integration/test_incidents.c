/*
 * Incidents and self-reports (issue 8), through nginx to vetd with a real
 * directory and the repository's policies, each step taken by the person
 * whose job it is, signed in as themselves: every report type filed and
 * triaged by the default policy (a breach and a security contact are
 * urgent, with a deadline a day away); who sees a report and its reporter
 * (a confidential third-party report hides the reporter from all but the
 * cso and the reporter; whoever a report names never sees it, even the
 * cso); a breach carried from the report through the preliminary inquiry
 * and its written record, the report to the authority, the investigation
 * and its corrective measures to closing, and a plain incident closed
 * without them; the report drafted for the authority (no reporter in it,
 * nothing above Protected A attached); a holder's change of circumstances
 * reaching their clearance's history and opening a review for cause when
 * it is a conviction; an incident linked to a clearance that it suspends;
 * and bad input on every endpoint, which must change nothing. Request
 * bodies are written with single quotes for readability (json() makes
 * them JSON).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "text.h"

#define PW VT_DEMO_PASSWORD

/* What vetd tells every reporter: the spec's guidance ("Do not include
 * protected or classified information ..."), in the words that matter. */
#define GUIDANCE "protected or classified information"

/* --- memory, text and dates --------------------------------------------- */

static void incidents_fini(void)
{
	text_release();
	vt_stop();
}

TestSuite(incidents, .fini = incidents_fini, .timeout = 60);

/* The day days days before today (UTC; negative: after), as YYYY-MM-DD. */
static const char *ago(int days)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	tm.tm_mday -= days;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return str("%s", buf);
}

static const char *today(void)
{
	return ago(0);
}

/* An ISO 8601 UTC time ("2026-11-22T08:00:00Z", fractions allowed) in
 * seconds since the epoch. */
static time_t when(const char *iso)
{
	struct tm tm = { 0 };
	const char *rest;

	cr_assert_not_null(iso, "no time");
	rest = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	cr_assert_not_null(rest, "not an ISO 8601 time: %s", iso);
	return timegm(&tm);
}

/* --- the database --------------------------------------------------------- */

/* Run the query on vetd's database with the sqlite3 shell; returns the
 * output without its last newline. */
__attribute__((format(printf, 1, 2)))
static const char *sql(const char *fmt, ...)
{
	char *query, *out = NULL;
	va_list ap;
	size_t n;
	int rc;

	va_start(ap, fmt);
	query = keep(vformat(fmt, ap));
	va_end(ap);
	rc = vt_run(&out, "sqlite3 -batch '%s' <<'SQL'\n.timeout 5000\n%s\nSQL", vt.db, query);
	cr_assert_eq(rc, 0, "sqlite3 failed (exit %d) on %s: %s", rc, query, out);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return out;
}

__attribute__((format(printf, 1, 2)))
static long long sql_number(const char *fmt, ...)
{
	const char *out;
	char *query, *end;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	query = keep(vformat(fmt, ap));
	va_end(ap);
	out = sql("%s", query);
	v = strtoll(out, &end, 10);
	cr_assert(end != out && *end == '\0', "%s gave %s, not a number", query, out);
	return v;
}

/* Everything an incident request could write, in one line: every column
 * of every incident, its history, inquiry record and measures, and what a
 * report, a triage or a link touches elsewhere (cases, clearances and
 * their history, notifications, documents). Bad input leaves it as it
 * was. (The audit trail is left out: a refusal is audited.) */
static const char *snapshot(void)
{
	return sql("SELECT (SELECT coalesce(group_concat(i, ' | '), '') FROM (SELECT"
		   "  json_array(id, type, state, urgency, due_at, occurred_on, location,"
		   "  description, involved, reporter, confidential, subject, clearance_id,"
		   "  named, sensitive_material, sensitive_arranged, circumstance,"
		   "  holder_factors, review_case_id, cause, cause_by, cause_at,"
		   "  report_sent_on, report_how, report_reference, report_by, reported_at,"
		   "  closed_at, updated_at) AS i FROM incidents ORDER BY id)) || '; ' ||"
		   " (SELECT count(*) FROM incident_events) || ' events; ' ||"
		   " (SELECT count(*) FROM incident_inquiry) || ' entries; ' ||"
		   " (SELECT coalesce(group_concat(id || ':' || coalesce(done_on, '-') ||"
		   "  ':' || coalesce(waived, '-'), ' '), '') FROM incident_measures) ||"
		   " ' measures; ' ||"
		   " (SELECT count(*) FROM cases) || ' cases; ' ||"
		   " (SELECT coalesce(group_concat(id || ':' || status, ' '), '') FROM"
		   "  clearances) || ' clearances; ' ||"
		   " (SELECT count(*) FROM clearance_events) || ' clearance events; ' ||"
		   " (SELECT count(*) FROM outbox) || ' notifications; ' ||"
		   " (SELECT count(*) FROM documents) || ' documents'");
}

/* Audit events of action on incident id. */
static long long audited(const char *action, long long id)
{
	return sql_number("SELECT count(*) FROM audit_events WHERE action = '%s' AND"
			  " target = 'incident:%lld'", action, id);
}

/* Notifications waiting for the cso. */
static long long cso_notifications(void)
{
	return sql_number("SELECT count(*) FROM outbox WHERE recipient = 'role:cso'");
}

static long long review_cases(void)
{
	return sql_number("SELECT count(*) FROM cases WHERE kind = 'review_for_cause'");
}

/* --- the people ----------------------------------------------------------- */

/* An organization's people, each signed in as themselves. */
struct office {
	const char *org;
	struct vt_who cso, screening, interviewer, interviewer2, authority,
		applicant, applicant2, auditor;
};

static struct vt_who sign_in(const char *org, const char *who)
{
	return vt_sign_in(str("%s-%s", org, who), PW, NULL);
}

/* How vetd names who in the records it keeps (audit, "by" fields). */
static const char *actor(const struct vt_who *who)
{
	return str("user:%s", who->name);
}

/* A "by" field names who: as the username or as vetd's actor. */
static bool names(const char *by, const struct vt_who *who)
{
	return by != NULL && (strcmp(by, who->name) == 0 || strcmp(by, actor(who)) == 0);
}

static void staff(struct office *o, const char *org)
{
	o->org = org;
	o->cso = sign_in(org, "cso");
	o->screening = sign_in(org, "screening");
	o->interviewer = sign_in(org, "interviewer");
	o->interviewer2 = sign_in(org, "interviewer2");
	o->authority = sign_in(org, "authority");
	o->applicant = sign_in(org, "applicant");
	o->applicant2 = sign_in(org, "applicant2");
	o->auditor = sign_in(org, "auditor");
}

/* A stack with the demo directory and the repository's policies (the
 * default policy triages the reports). */
static void start(void)
{
	struct vt_options o = { .ldap = { .enabled = true }, .policies = "policies" };

	vt_start(&o);
}

/* --- requests --------------------------------------------------------- */

/* The checks below name the line of the scenario that called them and the
 * last request made, in their failure messages. */
static char last[512];

static struct vt_response *call(const struct vt_who *who, const char *method,
				const char *path, const char *body)
{
	snprintf(last, sizeof last, "%s %s as %s%s%.200s", method, path,
		 who != NULL ? who->name : "nobody", body ? " with " : "", body ? body : "");
	return vt_call(method, path, who, NULL, body);
}

/* r has the status. */
#define expect(r, status) expect_at(__LINE__, (r), (status))
static struct vt_response *expect_at(int line, struct vt_response *r, long status)
{
	cr_assert_eq(r->status, status, "line %d: %s: expected %ld, got %ld: %.800s", line,
		     last, status, r->status, r->body);
	return r;
}

/* r is an error with the status and code (NULL: any), and a message. */
#define expect_error(r, status, code) expect_error_at(__LINE__, (r), (status), (code))
static struct vt_response *expect_error_at(int line, struct vt_response *r, long status,
					   const char *code)
{
	expect_at(line, r, status);
	cr_assert(vt_json_str(r, "error.code") != NULL, "line %d: %s: no error code: %s",
		  line, last, r->body);
	if (code != NULL)
		cr_assert_str_eq(or_none(vt_json_str(r, "error.code")), code,
				 "line %d: %s: %s", line, last, r->body);
	cr_assert(vt_json_str(r, "error.message") != NULL, "line %d: %s: no message: %s",
		  line, last, r->body);
	return r;
}

/* r refuses the step (409) with a reason that says because. */
#define expect_refused(r, because) expect_refused_at(__LINE__, (r), (because))
static void expect_refused_at(int line, struct vt_response *r, const char *because)
{
	const char *why;

	expect_error_at(line, r, 409, NULL);
	why = or_none(vt_json_str(r, "error.message"));
	cr_assert_not_null(strcasestr(why, because),
			   "line %d: %s: the reason \"%s\" does not say \"%s\"", line, last,
			   why, because);
}

static long long number(struct vt_response *r, const char *path)
{
	json_t *v = vt_json_get(r, path);

	cr_assert(json_is_integer(v), "%s: no number at %s: %.500s", last, path, r->body);
	return json_integer_value(v);
}

static const char *text(struct vt_response *r, const char *path)
{
	return or_none(vt_json_str(r, path));
}

static bool listed(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p;

	for (p = list; (p = strstr(p, item)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* The actions of a response, by name, comma-joined. */
/* Keep a JSON value until the suite ends (its reference is dropped then
 * with the rest: the value is small and the process ends). */
static json_t *keep_json(json_t *j)
{
	static json_t *all;

	if (all == NULL)
		all = json_array();
	if (j != NULL)
		json_array_append_new(all, j);
	return j;
}

static const char *actions_of(struct vt_response *r)
{
	/* the answer lists them for the cso only; the history keeps them */
	return sql("SELECT coalesce(group_concat(type, ','), '') FROM (SELECT type"
		   " FROM incident_events WHERE incident_id = %lld AND actor ="
		   " 'policy' ORDER BY id)", number(r, "incident.id"));
}

/* The first action called name the triage took on r's incident, as the
 * history keeps it (its JSON), or NULL. */
static json_t *action_in(struct vt_response *r, const char *name)
{
	const char *d = sql("SELECT coalesce((SELECT detail FROM incident_events"
			    " WHERE incident_id = %lld AND actor = 'policy' AND type"
			    " = '%s' ORDER BY id LIMIT 1), '')",
			    number(r, "incident.id"), name);

	return d[0] ? keep_json(json_loads(d, 0, NULL)) : NULL;
}

/* --- persons, cases and clearances ---------------------------------------- */

/* The cso records who as a screened person with a new case (the person
 * record ties the username to a person); returns the person's id. */
static long long person_for(struct office *o, const struct vt_who *who, const char *name,
			    long long *case_id)
{
	struct vt_response *r;
	long long person;

	r = expect(call(&o->cso, "POST", "/api/v1/persons",
			json("{'name': '%s', 'date_of_birth': '1984-03-02', 'username': '%s'}",
			     name, who->name)), 201);
	person = number(r, "id");
	r = expect(call(&o->cso, "POST", "/api/v1/cases",
			json("{'person_id': %lld, 'kind': 'new', 'level': 'SECRET'}",
			     person)), 201);
	if (case_id != NULL)
		*case_id = number(r, "case.id");
	return person;
}

/* An issued clearance in the register for the case's person, as a grant
 * and briefing leave it (written directly, as the casework tests do: the
 * life of a case to its grant is theirs). Returns its id. */
static long long issued_clearance(long long case_id)
{
	sql("UPDATE cases SET state = 'issued' WHERE id = %lld", case_id);
	sql("INSERT INTO clearances (org_id, person_id, case_id, level, status,"
	    " granted_on, expires_on, restrictions, created_at, updated_at)"
	    " SELECT org_id, person_id, id, level, 'active', date('now', '-400 days'),"
	    " date('now', '+1400 days'), '[]', 'x', 'x' FROM cases WHERE id = %lld",
	    case_id);
	return sql_number("SELECT max(id) FROM clearances");
}

/* The clearance's history as the cso reads it: the events of type whose
 * detail names incident id (as "incident" or "incident_id"). */
static long long clearance_events_on(const struct vt_who *cso, long long clearance,
				     const char *type, long long id)
{
	struct vt_response *r = expect(call(cso, "GET", str("/api/v1/clearances/%lld/events",
							      clearance), NULL), 200);
	json_t *ev, *detail, *inc;
	size_t i;
	long long n = 0;

	json_array_foreach(vt_json_get(r, "events"), i, ev) {
		if (strcmp(or_none(json_string_value(json_object_get(ev, "type"))), type) != 0)
			continue;
		detail = json_object_get(ev, "detail");
		inc = json_object_get(detail, "incident");
		if (inc == NULL)
			inc = json_object_get(detail, "incident_id");
		if (json_is_integer(inc) && json_integer_value(inc) == id)
			n++;
	}
	return n;
}

/* --- incidents ------------------------------------------------------------ */

static const char *inc_path(long long id)
{
	return str("/api/v1/incidents/%lld", id);
}

/* A report of type: when (three days ago), what, and the extra members (a
 * JSON fragment in single quotes starting with ", ", or ""). The answer
 * to "do you have sensitive material to provide?" is no unless extra
 * gives it. */
static const char *report_of(const char *type, const char *extra)
{
	return json("{'type': '%s', 'occurred_on': '%s', 'description': 'The door of"
		    " the records room in block C was found unlocked after hours.'%s%s}",
		    type, ago(3), strstr(extra, "sensitive_material") ? "" :
		    ", 'sensitive_material': false", extra);
}

/* who files the report, which must be accepted. */
#define file_report(who, body) expect_at(__LINE__, call((who), "POST", "/api/v1/incidents", \
							 (body)), 201)

/* who files a report of type; returns the incident's id. */
#define file_id(who, type, extra) \
	number(file_report((who), report_of((type), (extra))), "incident.id")

/* GET /incidents/{id} as who. */
static struct vt_response *read_incident(const struct vt_who *who, long long id)
{
	return call(who, "GET", inc_path(id), NULL);
}

/* A request on the incident: sub is what follows its path ("/inquiry"). */
static struct vt_response *on(const struct vt_who *who, const char *method, long long id,
			      const char *sub, const char *body)
{
	return call(who, method, str("%s%s", inc_path(id), sub), body);
}

/* The incident id in who's list (GET /incidents with query), or NULL. */
static json_t *in_list(const struct vt_who *who, long long id, const char *query)
{
	struct vt_response *r = expect(call(who, "GET", str("/api/v1/incidents%s", query),
					    NULL), 200);
	json_t *x;
	size_t i;

	cr_assert(json_is_array(vt_json_get(r, "incidents")), "%s: %.500s", last, r->body);
	json_array_foreach(vt_json_get(r, "incidents"), i, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			return x;
	return NULL;
}

/* The ids of who's list (GET /incidents with query), comma-joined, in
 * the order given. */
static const char *list_ids(const struct vt_who *who, const char *query)
{
	struct vt_response *r = expect(call(who, "GET", str("/api/v1/incidents%s", query),
					    NULL), 200);
	json_t *x;
	size_t i;
	const char *out = "";

	cr_assert(json_is_array(vt_json_get(r, "incidents")), "%s: %.500s", last, r->body);
	json_array_foreach(vt_json_get(r, "incidents"), i, x)
		out = str("%s%s%lld", out, i ? "," : "",
			  (long long)json_integer_value(json_object_get(x, "id")));
	return out;
}

static const char *dump(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	return s != NULL ? keep(s) : "(null)";
}

/* The INCIDENT at path has every member the spec names, each of its
 * type; reporter only when it should be shown (then naming reporter). */
#define check_shape(r, path, reporter) check_shape_at(__LINE__, (r), (path), (reporter))
static void check_shape_at(int line, struct vt_response *r, const char *path,
			   const struct vt_who *reporter)
{
	static const char *const strings[] = { "type", "state", "urgency", "occurred_on",
		"description", "reported_at" };
	static const char *const nullable_strings[] = { "due_at", "location", "involved",
		"subject", "circumstance", "closed_at" };
	static const char *const nullable_numbers[] = { "clearance_id", "review_case_id" };
	static const char *const nullable_objects[] = { "cause", "authority_report",
		"holder_factors" };
	json_t *inc = vt_json_get(r, path), *v;
	const char *body = dump(inc);
	size_t i;

	cr_assert(json_is_object(inc), "line %d: %s: no %s: %.800s", line, last, path, r->body);
	cr_assert(json_is_integer(json_object_get(inc, "id")), "line %d: id: %s", line, body);
	for (i = 0; i < sizeof strings / sizeof *strings; i++)
		cr_assert(json_is_string(json_object_get(inc, strings[i])),
			  "line %d: %s: %s is not a string: %s", line, last, strings[i], body);
	for (i = 0; i < sizeof nullable_strings / sizeof *nullable_strings; i++) {
		v = json_object_get(inc, nullable_strings[i]);
		cr_assert(json_is_string(v) || json_is_null(v),
			  "line %d: %s: %s is missing or no string: %s", line, last,
			  nullable_strings[i], body);
	}
	for (i = 0; i < sizeof nullable_numbers / sizeof *nullable_numbers; i++) {
		v = json_object_get(inc, nullable_numbers[i]);
		cr_assert(json_is_integer(v) || json_is_null(v),
			  "line %d: %s: %s is missing or no number: %s", line, last,
			  nullable_numbers[i], body);
	}
	for (i = 0; i < sizeof nullable_objects / sizeof *nullable_objects; i++) {
		v = json_object_get(inc, nullable_objects[i]);
		cr_assert(json_is_object(v) || json_is_null(v),
			  "line %d: %s: %s is missing or no object: %s", line, last,
			  nullable_objects[i], body);
	}
	cr_assert(json_is_array(json_object_get(inc, "named")), "line %d: named: %s", line,
		  body);
	cr_assert(json_is_array(json_object_get(inc, "tasks")), "line %d: tasks: %s", line,
		  body);
	cr_assert(json_is_boolean(json_object_get(inc, "confidential")),
		  "line %d: confidential: %s", line, body);
	cr_assert(json_is_boolean(json_object_get(inc, "sensitive_material")),
		  "line %d: sensitive_material: %s", line, body);
	when(json_string_value(json_object_get(inc, "reported_at")));
	if (reporter != NULL)
		cr_assert(names(json_string_value(json_object_get(inc, "reporter")), reporter),
			  "line %d: %s: the reporter should be %s: %s", line, last,
			  reporter->name, body);
	else
		cr_assert_null(json_object_get(inc, "reporter"),
			       "line %d: %s: the reporter is shown: %s", line, last, body);
}

/* The incident's tasks of kind, as "kind:done" (comma-joined). */
static const char *tasks_of(struct vt_response *r, const char *path)
{
	json_t *t;
	size_t i;
	const char *out = "";

	json_array_foreach(json_object_get(vt_json_get(r, path), "tasks"), i, t)
		out = str("%s%s%s:%s", out, i ? "," : "",
			  or_none(json_string_value(json_object_get(t, "kind"))),
			  json_is_true(json_object_get(t, "done")) ? "done" :
			  json_is_false(json_object_get(t, "done")) ? "open" : "?");
	return out;
}

/* who asks for the transition called name. */
static struct vt_response *take(const struct vt_who *who, long long id, const char *name)
{
	return on(who, "POST", id, "/transitions", json("{'name': '%s'}", name));
}

/* who takes the transition, which brings the incident to state to. */
#define move(who, id, name, to) move_at(__LINE__, (who), (id), (name), (to))
static void move_at(int line, const struct vt_who *who, long long id, const char *name,
		    const char *to)
{
	struct vt_response *r = expect_at(line, take(who, id, name), 200);

	cr_assert_str_eq(text(r, "incident.state"), to, "line %d: %s: %s", line, last, r->body);
}

/* The transition called name in GET .../transitions, or NULL. */
static json_t *transition_in(struct vt_response *r, const char *name)
{
	json_t *t;
	size_t i;

	json_array_foreach(vt_json_get(r, "transitions"), i, t)
		if (strcmp(or_none(json_string_value(json_object_get(t, "name"))), name) == 0)
			return t;
	return NULL;
}

/* An inquiry entry; returns its id. */
#define entry(who, id, body) number(expect_at(__LINE__, on((who), "POST", (id), "/inquiry", \
							   (body)), 201), "entry.id")

/* The incident's state as vetd stored it. */
static const char *state_of(long long id)
{
	return sql("SELECT state FROM incidents WHERE id = %lld", id);
}

/* POST <owner>/documents?<query>, a text/plain body, as who. */
static struct vt_response *upload(const struct vt_who *who, long long id,
				  const char *marking, const char *filename, const char *body)
{
	const char *headers[4];
	struct vt_request req = {
		.method = "POST",
		.path = str("%s/documents?kind=other&classification=%s&filename=%s",
			    inc_path(id), replace(marking, " ", "%20"), filename),
		.headers = headers, .body = body, .len = strlen(body),
	};

	headers[0] = str("Cookie: %s", who->cookie);
	headers[1] = str("X-CSRF-Token: %s", who->csrf);
	headers[2] = "Content-Type: text/plain";
	headers[3] = NULL;
	snprintf(last, sizeof last, "POST %s as %s", req.path, who->name);
	return vt_request_ex(&req);
}

/* --- 1. filing and triage ------------------------------------------------ */

/*
 * Each of the five report types, filed by whoever saw it: 201 with the
 * whole INCIDENT, the policy's triage actions and the guidance not to put
 * classified information in the report; the filing is audited and the cso
 * told. A breach and a security contact are urgent, due a day after the
 * report; an incident, a change of circumstances and a change of
 * behaviour are not. The list is newest first and its filters work.
 */
Test(incidents, every_type_is_filed_and_triaged)
{
	struct office nb;
	struct vt_response *r;
	long long ids[5], told;
	time_t reported, due;
	json_t *urgent;
	size_t k;
	const char *all;

	start();
	staff(&nb, "northbridge");
	person_for(&nb, &nb.applicant, "Alex Martin", NULL);
	{
		const struct {
			const char *type;
			const struct vt_who *by;
			const char *extra;
			bool urgent;
		} reports[] = {
			{ "security_incident", &nb.screening,
			  ", 'location': 'Block C, records room', 'involved': 'the night"
			  " guard'", false },
			{ "security_breach", &nb.interviewer,
			  ", 'location': 'Block C', 'sensitive_material': true", true },
			{ "security_contact", &nb.authority,
			  ", 'location': 'A conference in Vienna', 'involved': 'a man who"
			  " said he was a trade attache'", true },
			{ "change_of_circumstances", &nb.applicant,
			  ", 'circumstance': 'cohabitation', 'holder_factors':"
			  " {'reported_voluntarily': true, 'truthful': true, 'sought_help':"
			  " false, 'resolved': false}", false },
			{ "change_of_behaviour", &nb.screening,
			  ", 'subject': 'northbridge-applicant', 'involved': 'a colleague'",
			  false },
		};

		for (k = 0; k < 5; k++) {
			told = cso_notifications();
			r = file_report(reports[k].by, report_of(reports[k].type,
								 reports[k].extra));
			check_shape(r, "incident", reports[k].by);
			ids[k] = number(r, "incident.id");
			cr_assert_str_eq(text(r, "incident.type"), reports[k].type);
			cr_assert_str_eq(text(r, "incident.state"), "reported", "%s", r->body);
			cr_assert_str_eq(text(r, "incident.occurred_on"), ago(3));
			cr_assert(strstr(text(r, "incident.description"), "block C"), "%s",
				  r->body);
			cr_assert(json_is_false(vt_json_get(r, "incident.confidential")));
			cr_assert_eq(json_array_size(vt_json_get(r, "incident.named")), 0);
			cr_assert(json_is_null(vt_json_get(r, "incident.cause")), "%s", r->body);
			cr_assert(json_is_null(vt_json_get(r, "incident.authority_report")));
			cr_assert(json_is_null(vt_json_get(r, "incident.closed_at")));
			cr_assert(json_is_null(vt_json_get(r, "incident.review_case_id")),
				  "nobody here holds a clearance: %s", r->body);
			cr_assert(json_is_array(vt_json_get(r, "actions")), "%s", r->body);
			/* the triage's actions are the cso's to see */
			if (strcmp(reports[k].by->name, nb.cso.name) != 0)
				cr_assert_eq(json_array_size(vt_json_get(r, "actions")), 0,
					     "%s", r->body);
			cr_assert_not_null(strstr(text(r, "guidance"), GUIDANCE), "%s", r->body);

			/* triage */
			cr_assert(listed(actions_of(r), "notify"),
				  "%s: every report notifies the cso; actions [%s]",
				  reports[k].type, actions_of(r));
			cr_assert_gt(cso_notifications(), told, "%s: the cso was not told",
				     reports[k].type);
			if (reports[k].urgent) {
				cr_assert_str_eq(text(r, "incident.urgency"), "urgent", "%s: %s",
						 reports[k].type, r->body);
				urgent = action_in(r, "urgent");
				cr_assert_not_null(urgent, "%s: actions [%s]", reports[k].type,
						   actions_of(r));
				cr_assert_eq(json_integer_value(json_object_get(urgent, "hours")),
					     24, "%s", r->body);
				reported = when(vt_json_str(r, "incident.reported_at"));
				due = when(vt_json_str(r, "incident.due_at"));
				cr_assert(due - reported >= 24 * 3600 - 120 &&
					  due - reported <= 24 * 3600 + 120,
					  "%s: due %s, reported %s: not a day later",
					  reports[k].type, text(r, "incident.due_at"),
					  text(r, "incident.reported_at"));
			} else {
				cr_assert_str_eq(text(r, "incident.urgency"), "normal", "%s: %s",
						 reports[k].type, r->body);
				cr_assert(json_is_null(vt_json_get(r, "incident.due_at")),
					  "%s: %s", reports[k].type, r->body);
				cr_assert(!listed(actions_of(r), "urgent"), "%s: actions [%s]",
					  reports[k].type, actions_of(r));
			}

			/* the filing is audited, by the reporter */
			cr_assert_eq(audited("incident.file", ids[k]), 1, "%s: %lld events",
				     reports[k].type, audited("incident.file", ids[k]));
			cr_assert_str_eq(sql("SELECT actor FROM audit_events WHERE action ="
					     " 'incident.file' AND target = 'incident:%lld'",
					     ids[k]), actor(reports[k].by));

			/* and the reporter reads it back, with its (empty) record */
			r = expect(read_incident(reports[k].by, ids[k]), 200);
			check_shape(r, "incident", reports[k].by);
			cr_assert(json_is_array(vt_json_get(r, "incident.inquiry")) &&
				  json_array_size(vt_json_get(r, "incident.inquiry")) == 0, "%s", r->body);
			cr_assert(json_is_array(vt_json_get(r, "incident.measures")) &&
				  json_array_size(vt_json_get(r, "incident.measures")) == 0, "%s",
				  r->body);
			cr_assert(json_is_array(vt_json_get(r, "incident.events")) &&
				  json_array_size(vt_json_get(r, "incident.events")) > 0,
				  "no history: %s", r->body);
		}
	}

	/* the incident, as filed */
	r = expect(read_incident(&nb.screening, ids[0]), 200);
	cr_assert_str_eq(text(r, "incident.location"), "Block C, records room");
	cr_assert_str_eq(text(r, "incident.involved"), "the night guard");
	cr_assert(json_is_null(vt_json_get(r, "incident.subject")), "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, "incident.circumstance")), "%s", r->body);
	cr_assert_str_eq(tasks_of(r, "incident"), "", "no sensitive material, no task");
	/* the breach: sensitive material to arrange, a task for the cso */
	r = expect(read_incident(&nb.cso, ids[1]), 200);
	cr_assert(json_is_true(vt_json_get(r, "incident.sensitive_material")));
	cr_assert_str_eq(tasks_of(r, "incident"), "arrange_sensitive_material:open", "%s",
			 r->body);
	/* the cso records how it was received: the task is done, once */
	expect(on(&nb.cso, "POST", ids[1], "/inquiry",
		  json("{'what': 'received the sealed envelope by hand',"
		       " 'sensitive_material_arranged': true}")), 201);
	r = expect(read_incident(&nb.cso, ids[1]), 200);
	cr_assert_str_eq(tasks_of(r, "incident"), "arrange_sensitive_material:done",
			 "%s", r->body);
	expect_error(on(&nb.cso, "POST", ids[1], "/inquiry",
			json("{'what': 'again', 'sensitive_material_arranged': true}")),
		     409, "refused");
	expect_error(on(&nb.cso, "POST", ids[0], "/inquiry",
			json("{'what': 'none', 'sensitive_material_arranged': true}")),
		     409, "refused");
	/* the self-report: about the reporter, with the holder factors */
	r = expect(read_incident(&nb.applicant, ids[3]), 200);
	cr_assert_str_eq(text(r, "incident.subject"), nb.applicant.name, "%s", r->body);
	cr_assert_str_eq(text(r, "incident.circumstance"), "cohabitation");
	cr_assert(json_is_true(vt_json_get(r, "incident.holder_factors.reported_voluntarily")) &&
		  json_is_false(vt_json_get(r, "incident.holder_factors.resolved")), "%s",
		  r->body);
	cr_assert(json_is_null(vt_json_get(r, "incident.clearance_id")), "%s", r->body);
	/* the change of behaviour: about the applicant */
	r = expect(read_incident(&nb.cso, ids[4]), 200);
	cr_assert_str_eq(text(r, "incident.subject"), nb.applicant.name, "%s", r->body);

	/* the cso's list: all five, newest first, reporters shown */
	all = str("%lld,%lld,%lld,%lld,%lld", ids[4], ids[3], ids[2], ids[1], ids[0]);
	cr_assert_str_eq(list_ids(&nb.cso, ""), all);
	cr_assert(names(json_string_value(json_object_get(in_list(&nb.cso, ids[2], ""),
							     "reporter")), &nb.authority));
	cr_assert_gt(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'incident.list'"), 0, "the list is not audited");
	cr_assert_str_eq(list_ids(&nb.cso, "?type=security_breach"), str("%lld", ids[1]));
	cr_assert_str_eq(list_ids(&nb.cso, "?urgency=urgent"), str("%lld,%lld", ids[2],
								     ids[1]));
	cr_assert_str_eq(list_ids(&nb.cso, "?state=reported"), all);
	cr_assert_str_eq(list_ids(&nb.cso, str("?from=%s&to=%s", today(), today())), all);
	cr_assert_str_eq(list_ids(&nb.cso, str("?to=%s", ago(1))), "");
	cr_assert_str_eq(list_ids(&nb.cso, str("?from=%s", ago(-1))), "");
	cr_assert_str_eq(list_ids(&nb.cso, "?limit=2"), str("%lld,%lld", ids[4], ids[3]));
	/* the applicant's list: their own report only */
	cr_assert_str_eq(list_ids(&nb.applicant2, ""), "");
}

/* --- 2. who sees what ------------------------------------------------------ */

/* who reads incident id (200) and does not see who reported it:
 * no reporter member and the reporter's name nowhere in the answer. */
#define sees_without_reporter(who, id, reporter) \
	sees_without_reporter_at(__LINE__, (who), (id), (reporter))
static void sees_without_reporter_at(int line, const struct vt_who *who, long long id,
				     const struct vt_who *reporter)
{
	struct vt_response *r = expect_at(line, read_incident(who, id), 200);
	json_t *x;

	check_shape_at(line, r, "incident", NULL);
	cr_assert_null(strstr(r->body, reporter->name),
		       "line %d: %s: the confidential reporter is named in the answer: %s",
		       line, last, r->body);
	x = in_list(who, id, "");
	cr_assert_not_null(x, "line %d: %s: not in %s's list", line, last, who->name);
	cr_assert_null(strstr(dump(x), reporter->name),
		       "line %d: %s: the list names the confidential reporter: %s", line,
		       last, dump(x));
}

/* who may not know of incident id: 404, and it is not in their list. */
#define never_sees(who, id) never_sees_at(__LINE__, (who), (id), 404)
#define refused_to(who, id, status) never_sees_at(__LINE__, (who), (id), (status))
static void never_sees_at(int line, const struct vt_who *who, long long id, long status)
{
	struct vt_response *r = read_incident(who, id);

	expect_error_at(line, r, status, status == 404 ? "not_found" : "forbidden");
	cr_assert_null(in_list(who, id, ""), "line %d: %s: it is in %s's list", line, last,
		       who->name);
}

/*
 * A colleague reports, in confidence, a change in the applicant's
 * behaviour, and names the screening officer assigned to the applicant's
 * case as involved. The cso sees who reported it; the applicant (the
 * subject), the auditor and the authority see the report but not its
 * reporter; the screening officer never learns of it; the reporter sees
 * their own report. Others see nothing, and another organization does not
 * know the id. A report that names the cso is hidden from the cso too.
 */
Test(incidents, confidential_reports_hide_the_reporter_and_the_named_see_nothing)
{
	struct office nb, acme;
	struct vt_response *r;
	long long case_id, id, open_id, named_subject, about_cso;
	const char *before;

	start();
	staff(&nb, "northbridge");
	staff(&acme, "acme");
	person_for(&nb, &nb.applicant, "Alex Martin", &case_id);
	expect(call(&nb.cso, "POST", str("/api/v1/cases/%lld/assignments", case_id),
		    json("{'role': 'screening', 'username': '%s'}", nb.screening.name)), 200);

	r = file_report(&nb.interviewer2, report_of("change_of_behaviour",
		json(", 'subject': '%s', 'confidential': true, 'named': ['%s'],"
		     " 'involved': 'the applicant and their screening officer'",
		     nb.applicant.name, nb.screening.name)));
	id = number(r, "incident.id");
	check_shape(r, "incident", &nb.interviewer2);
	cr_assert(json_is_true(vt_json_get(r, "incident.confidential")));
	cr_assert_str_eq(dump(vt_json_get(r, "incident.named")),
			 str("[\"%s\"]", nb.screening.name));

	/* the cso: the reporter included */
	r = expect(read_incident(&nb.cso, id), 200);
	check_shape(r, "incident", &nb.interviewer2);
	cr_assert(names(json_string_value(json_object_get(in_list(&nb.cso, id, ""),
							     "reporter")), &nb.interviewer2));
	/* the reporter: their own report, as its reporter */
	r = expect(read_incident(&nb.interviewer2, id), 200);
	check_shape(r, "incident", &nb.interviewer2);
	cr_assert_not_null(in_list(&nb.interviewer2, id, ""));
	/* the subject, the auditor and the authority: no reporter */
	sees_without_reporter(&nb.applicant, id, &nb.interviewer2);
	sees_without_reporter(&nb.auditor, id, &nb.interviewer2);
	sees_without_reporter(&nb.authority, id, &nb.interviewer2);
	/* named: nothing at all, although assigned to the subject's case */
	never_sees(&nb.screening, id);
	/* others: an applicant learns nothing, staff are refused */
	never_sees(&nb.applicant2, id);
	refused_to(&nb.interviewer, id, 403);
	/* another organization: no such incident */
	never_sees(&acme.cso, id);
	never_sees(&acme.auditor, id);
	/* every read is audited */
	cr_assert_geq(audited("incident.read", id), 5, "%lld reads audited",
		      audited("incident.read", id));

	/* the same colleague's report, not in confidence: the subject sees who */
	open_id = file_id(&nb.interviewer2, "change_of_behaviour",
			  json(", 'subject': '%s'", nb.applicant.name));
	r = expect(read_incident(&nb.applicant, open_id), 200);
	check_shape(r, "incident", &nb.interviewer2);

	/* the subject named in a report about them: named wins */
	named_subject = file_id(&nb.interviewer2, "change_of_behaviour",
				json(", 'subject': '%s', 'named': ['%s']", nb.applicant.name,
				     nb.applicant.name));
	never_sees(&nb.applicant, named_subject);

	/* a report that names the cso (as the reporter typed the name): the cso
	 * never sees it, nor handles it, nor its documents */
	r = file_report(&nb.screening, report_of("security_contact",
		", 'confidential': true, 'named': ['Northbridge-CSO'], 'involved': 'the"
		" cso met a foreign official alone'"));
	about_cso = number(r, "incident.id");
	expect(upload(&nb.screening, about_cso, "Protected A", "notes.txt", "Notes.\n"), 201);
	never_sees(&nb.cso, about_cso);
	r = on(&nb.cso, "GET", about_cso, "/documents", NULL);
	cr_expect_eq(r->status, 404, "%s: the named cso should not learn of the report: %ld"
		     " %.300s", last, r->status, r->body);
	before = snapshot();
	r = upload(&nb.cso, about_cso, "Protected A", "x.txt", "x\n");
	cr_expect_eq(r->status, 404, "%s: the named cso should not learn of the report: %ld"
		     " %.300s", last, r->status, r->body);
	cr_assert_str_eq(snapshot(), before, "the named cso added a document");
	expect_error(on(&nb.cso, "GET", about_cso, "/transitions", NULL), 404, "not_found");
	expect_error(take(&nb.cso, about_cso, "start_inquiry"), 404, "not_found");
	expect_error(on(&nb.cso, "GET", about_cso, "/report", NULL), 404, "not_found");
	expect_error(on(&nb.cso, "POST", about_cso, "/inquiry", json("{'what': 'x'}")), 404,
		     "not_found");
	cr_assert_str_eq(state_of(about_cso), "reported");
	/* its reporter and the auditor still see it; the auditor not who */
	r = expect(read_incident(&nb.screening, about_cso), 200);
	check_shape(r, "incident", &nb.screening);
	sees_without_reporter(&nb.auditor, about_cso, &nb.screening);
	cr_assert_gt(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'access.denied' AND actor = '%s'", actor(&nb.cso)), 0,
		     "the cso's refusals are not audited");

	/* the list's limit counts what the caller sees: the reporter's newest
	 * report is their first, whatever others filed since */
	{
		const char *got = list_ids(&nb.interviewer2, "?limit=1");

		cr_expect_str_eq(got, str("%lld", named_subject), "%s: [%s], not [%lld]:"
				 " the limit is taken before the reports the caller may not"
				 " see are left out", last, got, named_subject);
	}
}

/* --- 3. the workflow ------------------------------------------------------- */

/*
 * A breach from the report to closing: the preliminary inquiry and its
 * written record (entries never changed; after the final one only
 * corrections), the report to the authority once the record is final and
 * the report sent, the investigation, its cause, the corrective measures;
 * the breach does not close while a measure is open. A plain incident
 * closes once reported to the authority, and neither investigates nor
 * takes measures or a cause.
 */
Test(incidents, a_breach_closes_only_when_every_measure_is_settled)
{
	struct office nb;
	struct vt_response *r;
	json_t *t;
	long long id, first, final, fix, m1, m2, plain;
	const char *before;

	start();
	staff(&nb, "northbridge");
	id = file_id(&nb.screening, "security_breach", ", 'location': 'Block C'");

	/* reported: the inquiry starts; nothing further yet */
	r = expect(on(&nb.cso, "GET", id, "/transitions", NULL), 200);
	cr_assert_str_eq(text(r, "state"), "reported", "%s", r->body);
	t = transition_in(r, "start_inquiry");
	cr_assert_not_null(t, "%s", r->body);
	cr_assert(json_is_true(json_object_get(t, "allowed")), "%s", r->body);
	cr_assert_str_eq(or_none(json_string_value(json_object_get(t, "to"))),
			 "preliminary_inquiry");
	expect_error(take(&nb.screening, id, "start_inquiry"), 403, "forbidden");
	expect_error(take(&nb.cso, id, "close"), 409, NULL);
	move(&nb.cso, id, "start_inquiry", "preliminary_inquiry");
	cr_assert_eq(audited("incident.transition", id), 1);

	/* the record is not final: the authority cannot be told yet */
	r = expect(on(&nb.cso, "GET", id, "/transitions", NULL), 200);
	t = transition_in(r, "report_to_authority");
	cr_assert_not_null(t, "%s", r->body);
	cr_assert(json_is_false(json_object_get(t, "allowed")), "%s", r->body);
	cr_assert(json_string_length(json_object_get(t, "reason")) > 0, "no reason: %s",
		  r->body);
	expect_refused(take(&nb.cso, id, "report_to_authority"), "");
	cr_assert_str_eq(state_of(id), "preliminary_inquiry");

	/* the written record */
	r = expect(on(&nb.cso, "POST", id, "/inquiry",
		      json("{'what': 'Interviewed the night guard', 'spoken_to': 'the night"
			   " guard', 'findings': 'The lock was faulty since Monday',"
			   " 'final': false}")), 201);
	first = number(r, "entry.id");
	cr_assert_str_eq(text(r, "entry.what"), "Interviewed the night guard");
	cr_assert_str_eq(text(r, "entry.spoken_to"), "the night guard");
	cr_assert_str_eq(text(r, "entry.findings"), "The lock was faulty since Monday");
	cr_assert(json_is_false(vt_json_get(r, "entry.final")), "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, "entry.corrects")), "%s", r->body);
	cr_assert(names(vt_json_str(r, "entry.author"), &nb.cso), "%s", r->body);
	when(vt_json_str(r, "entry.ts"));
	final = entry(&nb.cso, id, json("{'what': 'Checked the access log', 'findings':"
					" 'No entry after 18:00; nothing taken', 'final': true}"));
	before = snapshot();
	expect_error(on(&nb.cso, "POST", id, "/inquiry",
			json("{'what': 'One more thing', 'findings': 'late'}")), 409, NULL);
	cr_assert_str_eq(snapshot(), before, "a refused entry was written");
	r = expect(on(&nb.cso, "POST", id, "/inquiry",
		      json("{'what': 'Correction', 'findings': 'The lock was faulty since"
			   " Sunday', 'corrects': %lld}", first)), 201);
	fix = number(r, "entry.id");
	cr_assert_eq(number(r, "entry.corrects"), first, "%s", r->body);
	cr_assert_eq(audited("incident.inquiry", id), 3);
	/* entries are never changed: the first still reads as written */
	r = expect(read_incident(&nb.cso, id), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "incident.inquiry")), 3, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(
		vt_json_get(r, "incident.inquiry"), 0), "id")), first, "%s", r->body);
	cr_assert_str_eq(or_none(json_string_value(json_object_get(json_array_get(
		vt_json_get(r, "incident.inquiry"), 0), "findings"))), "The lock was faulty since Monday");
	cr_assert(final < fix, "entry ids: final %lld, correction %lld", final, fix);

	/* final, but the report is not sent yet */
	expect_refused(take(&nb.cso, id, "report_to_authority"), "");
	r = expect(on(&nb.cso, "POST", id, "/report/sent",
		      json("{'sent_on': '%s', 'how': 'secure email to the CNSC', 'reference':"
			   " 'CNSC-2026-117'}", today())), 200);
	cr_assert_str_eq(text(r, "incident.authority_report.sent_on"), today(), "%s", r->body);
	cr_assert_str_eq(text(r, "incident.authority_report.how"), "secure email to the CNSC");
	cr_assert_str_eq(text(r, "incident.authority_report.reference"), "CNSC-2026-117");
	cr_assert(names(vt_json_str(r, "incident.authority_report.by"), &nb.cso), "%s",
		  r->body);
	cr_assert_eq(audited("incident.report_sent", id), 1);
	move(&nb.cso, id, "report_to_authority", "reported_to_authority");
	/* a breach does not close here: it is investigated */
	expect_error(take(&nb.cso, id, "close"), 409, NULL);
	move(&nb.cso, id, "investigate", "investigation");

	/* no measures before the cause is found */
	expect_refused(take(&nb.cso, id, "to_measures"), "");
	r = on(&nb.cso, "POST", id, "/inquiry",
	       json("{'cause': 'The lock of the records room had failed and the failure was"
		    " not reported'}"));
	cr_assert(r->status == 200 || r->status == 201, "%s: %ld %s", last, r->status, r->body);
	r = expect(read_incident(&nb.cso, id), 200);
	cr_assert_str_eq(text(r, "incident.cause.finding"), "The lock of the records room had"
			 " failed and the failure was not reported", "%s", r->body);
	cr_assert(names(vt_json_str(r, "incident.cause.by"), &nb.cso), "%s", r->body);
	when(vt_json_str(r, "incident.cause.at"));
	move(&nb.cso, id, "to_measures", "corrective_measures");

	/* two measures; the breach stays open until both are settled */
	r = expect(on(&nb.cso, "POST", id, "/measures",
		      json("{'description': 'Replace the lock of the records room', 'owner':"
			   " '%s', 'due_on': '%s'}", nb.screening.name, ago(-14))), 201);
	m1 = number(r, "measure.id");
	cr_assert_str_eq(text(r, "measure.status"), "open", "%s", r->body);
	cr_assert_str_eq(text(r, "measure.owner"), nb.screening.name);
	cr_assert_str_eq(text(r, "measure.due_on"), ago(-14));
	cr_assert(json_is_null(vt_json_get(r, "measure.done_on")), "%s", r->body);
	r = expect(on(&nb.cso, "POST", id, "/measures",
		      json("{'description': 'Brief the night guards on reporting faults',"
			   " 'owner': '%s', 'due_on': '%s'}", nb.cso.name, ago(-30))), 201);
	m2 = number(r, "measure.id");
	before = snapshot();
	expect_refused(take(&nb.cso, id, "close"), "measure");
	cr_assert_str_eq(snapshot(), before, "a refused close changed something");
	r = expect(on(&nb.cso, "POST", id, "/measures",
		      json("{'measure_id': %lld, 'done_on': '%s'}", m1, today())), 200);
	cr_assert_str_eq(text(r, "measure.status"), "done", "%s", r->body);
	cr_assert_str_eq(text(r, "measure.done_on"), today(), "%s", r->body);
	expect_refused(take(&nb.cso, id, "close"), "measure");
	cr_assert_str_eq(state_of(id), "corrective_measures");
	r = expect(on(&nb.cso, "POST", id, "/measures",
		      json("{'measure_id': %lld, 'waived': 'The guards were briefed by the"
			   " site owner instead'}", m2)), 200);
	cr_assert_str_eq(text(r, "measure.status"), "waived", "%s", r->body);
	cr_assert_eq(audited("incident.measure", id), 4);
	/* a settled measure stays settled */
	expect_error(on(&nb.cso, "POST", id, "/measures",
			json("{'measure_id': %lld, 'done_on': '%s'}", m2, today())), 409, NULL);
	r = expect(take(&nb.cso, id, "close"), 200);
	cr_assert_str_eq(text(r, "incident.state"), "closed", "%s", r->body);
	when(vt_json_str(r, "incident.closed_at"));

	/* the whole record, as it stands */
	r = expect(read_incident(&nb.cso, id), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "incident.measures")), 2, "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "incident.inquiry")), 3, "%s", r->body);
	cr_assert_eq(audited("incident.transition", id), 5);

	/* a plain incident: closes once reported; no investigation, measures
	 * or cause */
	plain = file_id(&nb.screening, "security_incident", "");
	move(&nb.cso, plain, "start_inquiry", "preliminary_inquiry");
	entry(&nb.cso, plain, json("{'what': 'Looked at it', 'findings': 'A visitor badge"
				   " was not returned', 'final': true}"));
	expect(on(&nb.cso, "POST", plain, "/report/sent",
		  json("{'sent_on': '%s', 'how': 'letter', 'reference': 'L-1'}", ago(1))), 200);
	move(&nb.cso, plain, "report_to_authority", "reported_to_authority");
	r = expect(on(&nb.cso, "GET", plain, "/transitions", NULL), 200);
	t = transition_in(r, "investigate");
	cr_assert(t == NULL || json_is_false(json_object_get(t, "allowed")), "%s", r->body);
	before = snapshot();
	expect_refused(take(&nb.cso, plain, "investigate"), "breach");
	expect_error(on(&nb.cso, "POST", plain, "/measures",
			json("{'description': 'x', 'owner': '%s', 'due_on': '%s'}",
			     nb.cso.name, ago(-5))), 409, NULL);
	expect_error(on(&nb.cso, "POST", plain, "/inquiry", json("{'cause': 'x'}")), 409,
		     NULL);
	cr_assert_str_eq(snapshot(), before, "refusals changed something");
	move(&nb.cso, plain, "close", "closed");
}

/* An organization's own incident workflow that lets a breach close with
 * no regard to its measures (and skips the steps between). */
static const char lax_incidents[] =
	"local wf = require(\"workflow\")\n"
	"local incidents = wf.define {\n"
	"  initial = \"reported\",\n"
	"  states = { \"reported\", \"corrective_measures\", \"closed\" },\n"
	"  transitions = {\n"
	"    { name = \"to_measures\", from = \"reported\",\n"
	"      to = \"corrective_measures\", roles = { \"cso\" } },\n"
	"    { name = \"close\", from = \"corrective_measures\", to = \"closed\",\n"
	"      roles = { \"cso\" } },\n"
	"  },\n"
	"}\n"
	"return incidents\n";

/*
 * Northbridge's own incidents.lua closes a breach whatever its measures
 * say; vetd still refuses while one is open, and closes it once the
 * measure is settled.
 */
Test(incidents, a_breach_never_closes_with_an_open_measure_whatever_the_policy)
{
	struct vt_options o = { .ldap = { .enabled = true }, .policies = "policies" };
	struct office nb;
	struct vt_response *r;
	const char *before;
	long long id, m;

	vt_prepare(&o);
	cr_assert_eq(vt_run(NULL, "mkdir -p lax"), 0);
	vt_write_file("lax/incidents.lua", lax_incidents);
	o.org_policies[0] = vt_path("lax");
	vt_start(&o);
	staff(&nb, "northbridge");

	id = file_id(&nb.screening, "security_breach", "");
	move(&nb.cso, id, "to_measures", "corrective_measures");
	r = expect(on(&nb.cso, "POST", id, "/measures",
		      json("{'description': 'Replace the lock', 'owner': '%s', 'due_on':"
			   " '%s'}", nb.cso.name, ago(-7))), 201);
	m = number(r, "measure.id");
	before = snapshot();
	expect_refused(take(&nb.cso, id, "close"), "measure");
	cr_assert_str_eq(snapshot(), before, "a refused close changed something");
	expect(on(&nb.cso, "POST", id, "/measures",
		  json("{'measure_id': %lld, 'waived': 'The room is no longer used'}", m)), 200);
	move(&nb.cso, id, "close", "closed");
}

/* --- 4. the report to the authority --------------------------------------- */

/*
 * The cso drafts the report to the authority from a confidential breach
 * report: its fields, the inquiry's findings, no reporter; a printable
 * HTML page that escapes what the reporter typed; an attachment above
 * Protected A is refused, one at Protected A is listed.
 */
Test(incidents, report_to_the_authority_leaves_out_the_reporter_and_secrets)
{
	struct office nb;
	struct vt_response *r;
	json_t *a;
	long long id, secret, pa;
	const char *ctype;

	start();
	staff(&nb, "northbridge");
	/* what the reporter typed has markup, to be escaped in the page */
	r = file_report(&nb.interviewer2, json("{'type': 'security_breach', 'occurred_on':"
		" '%s', 'description': 'Papers from the records room were left on a desk"
		" <b>urgent</b>', 'location': 'Block C', 'involved': 'a contractor of the"
		" cleaning company', 'confidential': true, 'sensitive_material': true}",
		ago(3)));
	id = number(r, "incident.id");
	move(&nb.cso, id, "start_inquiry", "preliminary_inquiry");
	entry(&nb.cso, id, json("{'what': 'Spoke to the contractor', 'findings': 'Papers were"
				" left on a desk overnight', 'final': true}"));

	r = expect(on(&nb.cso, "GET", id, "/report", NULL), 200);
	cr_assert_eq(number(r, "report.incident_id"), id);
	cr_assert_str_eq(text(r, "report.type"), "security_breach");
	cr_assert_str_eq(text(r, "report.when"), ago(3), "%s", r->body);
	cr_assert_str_eq(text(r, "report.where"), "Block C", "%s", r->body);
	cr_assert(strstr(text(r, "report.what"), "records room"), "%s", r->body);
	cr_assert_str_eq(text(r, "report.who"), "a contractor of the cleaning company");
	cr_assert_str_eq(dump(vt_json_get(r, "report.preliminary_findings")),
			 "[\"Papers were left on a desk overnight\"]", "%s", r->body);
	cr_assert(json_is_true(vt_json_get(r, "report.sensitive_material")), "%s", r->body);
	cr_assert(json_is_true(vt_json_get(r, "report.reporter_confidential")), "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "report.attachments")), 0, "%s", r->body);
	cr_assert_null(strstr(r->body, nb.interviewer2.name),
		       "the report names its reporter: %s", r->body);
	cr_assert_eq(audited("incident.report", id), 1);
	/* the report is the cso's */
	expect_error(on(&nb.auditor, "GET", id, "/report", NULL), 403, "forbidden");
	expect_error(on(&nb.interviewer2, "GET", id, "/report", NULL), 403, "forbidden");

	/* printable */
	r = expect(on(&nb.cso, "GET", id, "/report?format=html", NULL), 200);
	ctype = vt_header(r, "Content-Type");
	cr_assert(ctype != NULL && strncmp(ctype, "text/html", 9) == 0, "Content-Type: %s",
		  or_none(ctype));
	cr_assert_not_null(strstr(r->body, "Papers were left on a desk overnight"), "%s",
			   r->body);
	cr_assert_null(strstr(r->body, "<b>urgent</b>"),
		       "what the reporter typed is not escaped in the page: %s", r->body);
	cr_assert_not_null(strstr(r->body, "&lt;b&gt;urgent"), "%s", r->body);
	cr_assert_null(strstr(r->body, nb.interviewer2.name),
		       "the page names the reporter: %s", r->body);

	/* attachments: above Protected A refused, Protected A listed */
	r = expect(upload(&nb.cso, id, "Secret", "x.txt", "The papers, as found.\n"), 201);
	secret = number(r, "document.id");
	r = expect(upload(&nb.cso, id, "Protected A", "floor-plan.txt",
			  "Block C, ground floor.\n"), 201);
	pa = number(r, "document.id");
	r = expect_error(on(&nb.cso, "GET", id, str("/report?attach=%lld", secret), NULL),
			 422, NULL);
	cr_assert_str_eq(text(r, "error.field"), "attach", "%s", r->body);
	r = expect_error(on(&nb.cso, "GET", id, str("/report?attach=%lld,%lld", pa, secret),
			    NULL), 422, NULL);
	cr_assert_str_eq(text(r, "error.field"), "attach", "%s", r->body);
	r = expect_error(on(&nb.cso, "GET", id, str("/report?attach=%lld&format=html",
						    secret), NULL), 422, NULL);
	r = expect(on(&nb.cso, "GET", id, str("/report?attach=%lld", pa), NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "report.attachments")), 1, "%s", r->body);
	a = json_array_get(vt_json_get(r, "report.attachments"), 0);
	cr_assert_eq(json_integer_value(json_object_get(a, "id")), pa, "%s", r->body);
	cr_assert_str_eq(or_none(json_string_value(json_object_get(a, "kind"))), "other");
	cr_assert_str_eq(or_none(json_string_value(json_object_get(a, "classification"))),
			 "Protected A");
	cr_assert_str_eq(or_none(json_string_value(json_object_get(a, "filename"))),
			 "floor-plan.txt");
	r = expect(on(&nb.cso, "GET", id, str("/report?attach=%lld&format=html", pa), NULL),
		   200);
	cr_assert_not_null(strstr(r->body, "floor-plan.txt"), "%s", r->body);
	/* the reporter may add a document to their report too; who added it
	 * is as confidential as who reported */
	r = expect(upload(&nb.interviewer2, id, "Protected A", "photo.txt", "A photo.\n"), 201);
	{
		long long photo = number(r, "document.id");

		r = expect(on(&nb.auditor, "GET", id, "/documents", NULL), 200);
		cr_expect_null(strstr(r->body, nb.interviewer2.name), "%s: the document list"
			       " names the confidential reporter: %.600s", last, r->body);
		r = expect(call(&nb.auditor, "GET", str("/api/v1/documents/%lld/meta",
							  photo), NULL), 200);
		cr_expect_null(strstr(r->body, nb.interviewer2.name), "%s: the document"
			       " names the confidential reporter: %.600s", last, r->body);
		/* nor does the incident's history, now that the reporter added to it */
		sees_without_reporter(&nb.auditor, id, &nb.interviewer2);
	}
	/* a document of another incident is not an attachment of this one */
	{
		long long other = file_id(&nb.screening, "security_incident", "");
		long long doc = number(expect(upload(&nb.cso, other, "Protected A", "y.txt",
						     "Other.\n"), 201), "document.id");

		expect_error(on(&nb.cso, "GET", id, str("/report?attach=%lld", doc), NULL),
			     422, NULL);
	}
}

/* --- 5. change of circumstances --------------------------------------------- */

/*
 * A holder of a clearance self-reports a conviction: the policy opens a
 * review for cause of their clearance, and the report is in the
 * clearance's history. Foreign travel goes into the history too, with no
 * review. A conviction reported by someone who holds no clearance opens
 * nothing.
 */
Test(incidents, a_holders_conviction_opens_a_review_of_their_clearance)
{
	struct office nb;
	struct vt_response *r;
	long long case_id, person, clearance, id, review, travel, reviews, other;

	start();
	staff(&nb, "northbridge");
	person = person_for(&nb, &nb.applicant, "Alex Martin", &case_id);
	clearance = issued_clearance(case_id);
	person_for(&nb, &nb.applicant2, "Sam Other", NULL);
	reviews = review_cases();

	/* a conviction: a review for cause */
	r = file_report(&nb.applicant, report_of("change_of_circumstances",
		", 'circumstance': 'conviction', 'holder_factors': {'reported_voluntarily':"
		" true, 'truthful': true}"));
	check_shape(r, "incident", &nb.applicant);
	id = number(r, "incident.id");
	cr_assert_str_eq(text(r, "incident.subject"), nb.applicant.name, "%s", r->body);
	cr_assert(json_is_integer(vt_json_get(r, "incident.clearance_id")) &&
		  number(r, "incident.clearance_id") == clearance,
		  "the report is not tied to the holder's clearance %lld: %s", clearance,
		  r->body);
	cr_assert(listed(actions_of(r), "open_review"), "actions [%s]", actions_of(r));
	cr_assert(json_is_integer(vt_json_get(r, "incident.review_case_id")),
		  "no review case: %s", r->body);
	review = number(r, "incident.review_case_id");
	cr_assert_eq(review_cases(), reviews + 1);
	cr_assert_str_eq(sql("SELECT kind || ' ' || person_id FROM cases WHERE id = %lld",
			     review), str("review_for_cause %lld", person));
	expect(call(&nb.cso, "GET", str("/api/v1/cases/%lld", review), NULL), 200);
	cr_assert_eq(clearance_events_on(&nb.cso, clearance, "change_of_circumstances", id),
		     1, "the clearance's history does not have the report");
	r = expect(read_incident(&nb.cso, id), 200);
	cr_assert_eq(number(r, "incident.review_case_id"), review, "%s", r->body);

	/* a third party's report about the holder: what it says of their
	 * clearance is not the reporter's to see, but the cso's */
	r = file_report(&nb.applicant2, report_of("change_of_behaviour",
		str(", 'subject': '%s'", nb.applicant.name)));
	cr_assert(json_is_null(vt_json_get(r, "incident.clearance_id")), "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "actions")), 0, "%s", r->body);
	r = expect(read_incident(&nb.cso, number(r, "incident.id")), 200);
	cr_assert_eq(number(r, "incident.clearance_id"), clearance, "%s", r->body);

	/* foreign travel: into the history, no review */
	r = file_report(&nb.applicant, report_of("change_of_circumstances",
		", 'circumstance': 'foreign_travel'"));
	travel = number(r, "incident.id");
	cr_assert(json_is_null(vt_json_get(r, "incident.review_case_id")), "%s", r->body);
	cr_assert(!listed(actions_of(r), "open_review"), "actions [%s]", actions_of(r));
	cr_assert_eq(review_cases(), reviews + 1, "foreign travel opened a review");
	cr_assert_eq(clearance_events_on(&nb.cso, clearance, "change_of_circumstances",
					 travel), 1,
		     "the clearance's history does not have the travel");

	/* no clearance, no review */
	r = file_report(&nb.applicant2, report_of("change_of_circumstances",
		", 'circumstance': 'conviction'"));
	other = number(r, "incident.id");
	cr_assert_str_eq(text(r, "incident.subject"), nb.applicant2.name, "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, "incident.review_case_id")), "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, "incident.clearance_id")), "%s", r->body);
	cr_assert(!listed(actions_of(r), "open_review"), "actions [%s]", actions_of(r));
	cr_assert_eq(review_cases(), reviews + 1, "a non-holder's report opened a review");
	cr_assert_eq(clearance_events_on(&nb.cso, clearance, "change_of_circumstances",
					 other), 0);
	cr_assert_eq(sql_number("SELECT count(*) FROM clearance_events WHERE"
				" clearance_id = %lld AND type = 'change_of_circumstances'",
				clearance), 2);
}

/* --- 6. linking to a clearance ---------------------------------------------- */

/*
 * The cso links an incident to a clearance, opening a review and
 * suspending the holder: the clearance is suspended, a review for cause
 * opens, the clearance's history has the link. Only the cso links; a
 * suspended clearance is not suspended again; another organization's
 * clearance is not found.
 */
/*
 * An organization's triage may go further: Northbridge's puts a holder who
 * reports a charge on alternative work with the review (REGDOC 5.4.3),
 * and vetd does so only from a clearance in force.
 */
Test(incidents, a_policy_puts_a_charged_holder_on_alternative_work)
{
	struct vt_options o = { .ldap = { .enabled = true }, .policies = "policies",
				.org_policies = { "examples/policies/northbridge-nuclear",
						  NULL } };
	struct office nb;
	struct vt_response *r;
	long long person, case_id, clearance;

	vt_start(&o);
	staff(&nb, "northbridge");
	r = expect(call(&nb.cso, "POST", "/api/v1/persons",
			json("{'name': 'Robin Lee', 'date_of_birth': '1984-03-02',"
			     " 'username': '%s'}", nb.applicant.name)), 201);
	person = number(r, "id");
	r = expect(call(&nb.cso, "POST", "/api/v1/cases",
			json("{'person_id': %lld, 'kind': 'new', 'level': 'SASC'}",
			     person)), 201);
	case_id = number(r, "case.id");
	clearance = issued_clearance(case_id);

	r = file_report(&nb.applicant, report_of("change_of_circumstances",
		", 'circumstance': 'charge'"));
	cr_assert(listed(actions_of(r), "open_review"), "actions [%s]", actions_of(r));
	cr_assert(json_is_integer(vt_json_get(r, "incident.review_case_id")),
		  "no review case: %s", r->body);
	cr_assert_str_eq(sql("SELECT status FROM clearances WHERE id = %lld", clearance),
			 "alternative_work");
	cr_assert_eq(clearance_events_on(&nb.cso, clearance, "alternative_work",
					 number(r, "incident.id")), 1,
		     "the clearance's history does not say why");
	cr_assert_str_eq(sql("SELECT actor FROM case_events WHERE case_id = %lld AND"
			     " type = 'opened'", number(r, "incident.review_case_id")),
			 "policy");

	/* already on alternative work: a second charge opens a review, the
	 * status stays */
	r = file_report(&nb.applicant, report_of("change_of_circumstances",
		", 'circumstance': 'conviction'"));
	cr_assert(json_is_integer(vt_json_get(r, "incident.review_case_id")),
		  "no review case: %s", r->body);
	cr_assert_str_eq(sql("SELECT status FROM clearances WHERE id = %lld", clearance),
			 "alternative_work");
}

Test(incidents, linking_an_incident_suspends_the_clearance_and_opens_a_review)
{
	struct office nb, acme;
	struct vt_response *r;
	long long case_id, person, clearance, acme_case, acme_clearance, id, second, review,
		reviews;
	const char *before, *link;

	start();
	staff(&nb, "northbridge");
	staff(&acme, "acme");
	person = person_for(&nb, &nb.applicant, "Alex Martin", &case_id);
	clearance = issued_clearance(case_id);
	person_for(&acme, &acme.applicant, "Robin Acme", &acme_case);
	acme_clearance = issued_clearance(acme_case);
	id = file_id(&nb.screening, "security_incident",
		     json(", 'involved': 'the holder left papers on a train'"));
	reviews = review_cases();
	link = json("{'clearance_id': %lld, 'open_review': true, 'status': 'suspended',"
		    " 'reason': 'classified papers left on a train'}", clearance);

	before = snapshot();
	expect_error(on(&nb.authority, "POST", id, "/link", link), 403, "forbidden");
	expect_error(on(&nb.screening, "POST", id, "/link", link), 403, "forbidden");
	expect_error(on(&nb.auditor, "POST", id, "/link", link), 403, "forbidden");
	expect_error(on(&nb.cso, "POST", id, "/link",
			json("{'clearance_id': %lld, 'open_review': true, 'status':"
			     " 'suspended', 'reason': 'x'}", acme_clearance)), 404, NULL);
	cr_assert_str_eq(snapshot(), before, "a refused link changed something");

	r = expect(on(&nb.cso, "POST", id, "/link", link), 200);
	cr_expect(json_integer_value(vt_json_get(r, "incident.clearance_id")) == clearance,
		  "the linked incident does not name the clearance %lld: %.300s", clearance,
		  r->body);
	cr_expect(json_is_integer(vt_json_get(r, "review_case_id")),
		  "the answer has no review_case_id beside the incident: %.300s", r->body);
	review = json_is_integer(vt_json_get(r, "review_case_id")) ?
		 number(r, "review_case_id") : number(r, "incident.review_case_id");
	cr_assert_eq(number(r, "incident.review_case_id"), review, "%s", r->body);
	cr_assert_str_eq(sql("SELECT status FROM clearances WHERE id = %lld", clearance),
			 "suspended");
	r = expect(call(&nb.cso, "GET", str("/api/v1/clearances/%lld", clearance), NULL), 200);
	cr_assert_not_null(strstr(r->body, "\"suspended\""), "%s", r->body);
	cr_assert_eq(review_cases(), reviews + 1);
	cr_assert_str_eq(sql("SELECT kind || ' ' || person_id FROM cases WHERE id = %lld",
			     review), str("review_for_cause %lld", person));
	cr_assert_eq(clearance_events_on(&nb.cso, clearance, "incident_linked", id), 1);
	cr_assert_eq(audited("incident.link", id), 1);
	cr_assert_str_eq(sql("SELECT status FROM clearances WHERE id = %lld", acme_clearance),
			 "active");

	/* suspended already: the After-the-decision rules refuse it */
	second = file_id(&nb.screening, "security_incident", "");
	before = snapshot();
	expect_error(on(&nb.cso, "POST", second, "/link",
			json("{'clearance_id': %lld, 'open_review': false, 'status':"
			     " 'suspended', 'reason': 'again'}", clearance)), 409, NULL);
	cr_assert_str_eq(snapshot(), before, "a refused link changed something");
	/* linked only: into the history, nothing else */
	r = expect(on(&nb.cso, "POST", second, "/link",
		      json("{'clearance_id': %lld, 'open_review': false, 'reason': 'same"
			   " holder'}", clearance)), 200);
	cr_expect(json_is_null(vt_json_get(r, "review_case_id")),
		  "the answer has no review_case_id (null) beside the incident: %.300s",
		  r->body);
	cr_assert(json_is_null(vt_json_get(r, "incident.review_case_id")), "%s", r->body);
	cr_assert_eq(review_cases(), reviews + 1);
	cr_assert_eq(clearance_events_on(&nb.cso, clearance, "incident_linked", second), 1);
	cr_assert_str_eq(sql("SELECT status FROM clearances WHERE id = %lld", clearance),
			 "suspended");
}

/* --- 7. bad input ------------------------------------------------------------ */

/* One bad request: who makes it (a role of northbridge's office), how, the
 * status, code (NULL: any) and field (NULL: not checked) expected, and
 * the body. In paths and bodies, {breach} is a northbridge breach in its
 * preliminary inquiry with one open measure {measure}, {acme} an acme
 * incident, {clearance} a northbridge clearance, {today} today and
 * {tomorrow} tomorrow. */
struct bad {
	const char *who;
	const char *method;
	const char *path;
	long status;
	const char *code;
	const char *field;
	const char *body;
};

#define REPORT "'occurred_on': '{today}', 'description': 'Door open', 'sensitive_material': false"
#define COC "'type': 'change_of_circumstances', " REPORT

static const struct bad bad_requests[] = {
	/* filing */
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "type",
	  "{'type': 'theft', " REPORT "}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "type",
	  "{" REPORT "}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "type",
	  "{'type': 7, " REPORT "}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "description",
	  "{'type': 'security_incident', 'occurred_on': '{today}', 'sensitive_material':"
	  " false}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "description",
	  "{'type': 'security_incident', 'occurred_on': '{today}', 'description': '',"
	  " 'sensitive_material': false}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "occurred_on",
	  "{'type': 'security_incident', 'occurred_on': '{tomorrow}', 'description': 'x',"
	  " 'sensitive_material': false}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "occurred_on",
	  "{'type': 'security_incident', 'occurred_on': '2026-02-30', 'description': 'x',"
	  " 'sensitive_material': false}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "occurred_on",
	  "{'type': 'security_incident', 'occurred_on': 'last week', 'description': 'x',"
	  " 'sensitive_material': false}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "occurred_on",
	  "{'type': 'security_incident', 'description': 'x', 'sensitive_material': false}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "sensitive_material",
	  "{'type': 'security_incident', 'occurred_on': '{today}', 'description': 'x'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "sensitive_material",
	  "{'type': 'security_incident', 'occurred_on': '{today}', 'description': 'x',"
	  " 'sensitive_material': 'no'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", NULL,
	  "{'type': 'security_incident', " REPORT ", 'gender': 'female'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", NULL,
	  "{'type': 'security_incident', " REPORT ", 'reporter': 'northbridge-cso'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", NULL,
	  "{'type': 'security_incident', " REPORT ", 'state': 'closed'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "location",
	  "{'type': 'security_incident', " REPORT ", 'location': '{501}'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "involved",
	  "{'type': 'security_incident', " REPORT ", 'involved': '{2001}'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "named",
	  "{'type': 'security_incident', " REPORT ", 'named': 'northbridge-cso'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "named",
	  "{'type': 'security_incident', " REPORT ", 'named': [{21 names}]}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "confidential",
	  "{'type': 'security_incident', " REPORT ", 'confidential': 'yes'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "subject",
	  "{'type': 'change_of_behaviour', " REPORT "}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", "subject",
	  "{'type': 'change_of_behaviour', " REPORT ", 'subject': 42}" },
	{ "applicant", "POST", "/api/v1/incidents", 400, "bad_request", "circumstance",
	  "{" COC "}" },
	{ "applicant", "POST", "/api/v1/incidents", 400, "bad_request", "circumstance",
	  "{" COC ", 'circumstance': 'divorce'}" },
	{ "applicant", "POST", "/api/v1/incidents", 400, "bad_request", "holder_factors",
	  "{" COC ", 'circumstance': 'financial', 'holder_factors': {'remorse': true}}" },
	{ "applicant", "POST", "/api/v1/incidents", 400, "bad_request", "holder_factors",
	  "{" COC ", 'circumstance': 'financial', 'holder_factors': {'truthful': 'yes'}}" },
	/* a self-report is about oneself: only the cso reports someone else's */
	{ "applicant", "POST", "/api/v1/incidents", 403, "forbidden", NULL,
	  "{" COC ", 'circumstance': 'financial', 'subject': 'northbridge-applicant2'}" },
	{ "screening", "POST", "/api/v1/incidents", 403, "forbidden", NULL,
	  "{" COC ", 'circumstance': 'conviction', 'subject': 'northbridge-applicant'}" },
	{ "screening", "POST", "/api/v1/incidents", 400, "invalid_json", NULL,
	  "{'type': 'security_incident'" },
	{ "screening", "POST", "/api/v1/incidents", 400, "bad_request", NULL,
	  "['security_incident']" },
	/* the list */
	{ "cso", "GET", "/api/v1/incidents?limit=0", 400, "bad_request", "limit", NULL },
	{ "cso", "GET", "/api/v1/incidents?limit=501", 400, "bad_request", "limit", NULL },
	{ "cso", "GET", "/api/v1/incidents?limit=many", 400, "bad_request", "limit", NULL },
	{ "cso", "GET", "/api/v1/incidents?type=theft", 400, "bad_request", "type", NULL },
	{ "cso", "GET", "/api/v1/incidents?urgency=very", 400, "bad_request", "urgency", NULL },
	{ "cso", "GET", "/api/v1/incidents?from=2026-02-30", 400, "bad_request", "from", NULL },
	{ "cso", "GET", "/api/v1/incidents?to=tomorrow", 400, "bad_request", "to", NULL },
	/* one incident */
	{ "cso", "GET", "/api/v1/incidents/abc", 404, "not_found", NULL, NULL },
	{ "cso", "GET", "/api/v1/incidents/0", 404, "not_found", NULL, NULL },
	{ "cso", "GET", "/api/v1/incidents/999999", 404, "not_found", NULL, NULL },
	{ "cso", "GET", "{acme}", 404, "not_found", NULL, NULL },
	/* transitions */
	{ "cso", "POST", "{breach}/transitions", 409, "refused", NULL,
	  "{'name': 'teleport'}" },
	{ "cso", "POST", "{breach}/transitions", 409, "refused", NULL,
	  "{'name': 'start_inquiry'}" },
	{ "cso", "POST", "{breach}/transitions", 400, "bad_request", "name",
	  "{'name': 7}" },
	{ "cso", "POST", "{breach}/transitions", 400, "bad_request", "name", "{}" },
	{ "cso", "POST", "{breach}/transitions", 400, "bad_request", NULL,
	  "{'name': 'report_to_authority', 'force': true}" },
	{ "screening", "POST", "{breach}/transitions", 403, "forbidden", NULL,
	  "{'name': 'report_to_authority'}" },
	{ "cso", "POST", "{acme}/transitions", 404, "not_found", NULL,
	  "{'name': 'start_inquiry'}" },
	{ "cso", "POST", "/api/v1/incidents/abc/transitions", 404, "not_found", NULL,
	  "{'name': 'start_inquiry'}" },
	/* the inquiry record */
	{ "cso", "POST", "{breach}/inquiry", 400, "bad_request", "what",
	  "{'spoken_to': 'the guard', 'findings': 'x'}" },
	{ "cso", "POST", "{breach}/inquiry", 400, "bad_request", "what",
	  "{'what': ''}" },
	{ "cso", "POST", "{breach}/inquiry", 400, "bad_request", "what",
	  "{'what': '{5001}'}" },
	{ "cso", "POST", "{breach}/inquiry", 400, "bad_request", "spoken_to",
	  "{'what': 'x', 'spoken_to': '{2001}'}" },
	{ "cso", "POST", "{breach}/inquiry", 400, "bad_request", "final",
	  "{'what': 'x', 'final': 'yes'}" },
	{ "cso", "POST", "{breach}/inquiry", 400, "bad_request", NULL,
	  "{'what': 'x', 'mood': 'tense'}" },
	{ "screening", "POST", "{breach}/inquiry", 403, "forbidden", NULL,
	  "{'what': 'x'}" },
	{ "cso", "POST", "{acme}/inquiry", 404, "not_found", NULL, "{'what': 'x'}" },
	/* measures */
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "due_on",
	  "{'description': 'New lock', 'owner': 'northbridge-screening', 'due_on':"
	  " '2026-13-01'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "due_on",
	  "{'description': 'New lock', 'owner': 'northbridge-screening', 'due_on': 'soon'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "due_on",
	  "{'description': 'New lock', 'owner': 'northbridge-screening'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "description",
	  "{'owner': 'northbridge-screening', 'due_on': '{tomorrow}'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "description",
	  "{'description': '{2001}', 'owner': 'northbridge-screening', 'due_on':"
	  " '{tomorrow}'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "done_on",
	  "{'measure_id': {measure}, 'done_on': '{tomorrow}'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", "done_on",
	  "{'measure_id': {measure}, 'done_on': '2026-02-30'}" },
	{ "cso", "POST", "{breach}/measures", 400, "bad_request", NULL,
	  "{'measure_id': {measure}, 'done_on': '{today}', 'waived': 'both'}" },
	{ "screening", "POST", "{breach}/measures", 403, "forbidden", NULL,
	  "{'measure_id': {measure}, 'done_on': '{today}'}" },
	/* the report and its sending */
	{ "cso", "POST", "{breach}/report/sent", 400, "bad_request", "sent_on",
	  "{'sent_on': '2026-02-30', 'how': 'email', 'reference': 'R-1'}" },
	{ "cso", "POST", "{breach}/report/sent", 400, "bad_request", "sent_on",
	  "{'sent_on': '22/11/2026', 'how': 'email', 'reference': 'R-1'}" },
	{ "cso", "POST", "{breach}/report/sent", 400, "bad_request", "how",
	  "{'sent_on': '{today}', 'how': '{201}', 'reference': 'R-1'}" },
	{ "cso", "POST", "{breach}/report/sent", 400, "bad_request", "reference",
	  "{'sent_on': '{today}', 'how': 'email', 'reference': '{201}'}" },
	{ "screening", "POST", "{breach}/report/sent", 403, "forbidden", NULL,
	  "{'sent_on': '{today}', 'how': 'email', 'reference': 'R-1'}" },
	{ "cso", "GET", "{breach}/report?attach=abc", 400, "bad_request", "attach", NULL },
	{ "cso", "GET", "{breach}/report?attach=999999", 422, NULL, "attach", NULL },
	{ "screening", "GET", "{breach}/report", 403, "forbidden", NULL, NULL },
	/* links */
	{ "cso", "POST", "{breach}/link", 400, "bad_request", "clearance_id",
	  "{'clearance_id': 'x', 'open_review': false, 'reason': 'r'}" },
	{ "cso", "POST", "{breach}/link", 400, "bad_request", "status",
	  "{'clearance_id': {clearance}, 'open_review': false, 'status': 'fired',"
	  " 'reason': 'r'}" },
	{ "cso", "POST", "{breach}/link", 400, "bad_request", "open_review",
	  "{'clearance_id': {clearance}, 'open_review': 'yes', 'reason': 'r'}" },
	{ "cso", "POST", "{breach}/link", 404, "not_found", NULL,
	  "{'clearance_id': 999999, 'open_review': true, 'reason': 'r'}" },
	{ "screening", "POST", "{breach}/link", 403, "forbidden", NULL,
	  "{'clearance_id': {clearance}, 'open_review': true, 'reason': 'r'}" },
};

/* An error's field names field, or a member of it ("holder_factors.x"). */
static bool field_is(const char *got, const char *field)
{
	size_t n = strlen(field);

	return strncmp(got, field, n) == 0 && (got[n] == '\0' || got[n] == '.' ||
					       got[n] == '[');
}

static const struct vt_who *role_of(struct office *o, const char *role)
{
	if (strcmp(role, "cso") == 0)
		return &o->cso;
	if (strcmp(role, "screening") == 0)
		return &o->screening;
	if (strcmp(role, "applicant") == 0)
		return &o->applicant;
	cr_assert_fail("no such role in the table: %s", role);
	return NULL;
}

struct places {
	long long breach, measure, acme, clearance;
};

static const char *fill_in(const char *s, const struct places *p)
{
	const char *many = "";
	int i;

	for (i = 0; i < 21; i++)
		many = str("%s%s'northbridge-auditor'", many, i ? ", " : "");
	s = replace(s, "{breach}", inc_path(p->breach));
	s = replace(s, "{acme}", inc_path(p->acme));
	s = replace(s, "{measure}", str("%lld", p->measure));
	s = replace(s, "{clearance}", str("%lld", p->clearance));
	s = replace(s, "{today}", today());
	s = replace(s, "{tomorrow}", ago(-1));
	s = replace(s, "{21 names}", many);
	s = replace(s, "{501}", letters(501));
	s = replace(s, "{2001}", letters(2001));
	s = replace(s, "{5001}", letters(5001));
	s = replace(s, "{201}", letters(201));
	return s;
}

/*
 * Every endpoint with a bad type, missing and unknown fields, impossible
 * and future dates, text over its limit, unknown transitions, the wrong
 * role, another organization's ids: each gets its error (the field named
 * where there is one), and nothing is written. An API token may not file
 * a report, and nobody signed out may.
 */
Test(incidents, bad_input_on_every_endpoint_changes_nothing)
{
	struct office nb, acme;
	struct places p;
	struct vt_response *r;
	const struct bad *b;
	const char *before, *body;
	struct vt_who token = { .name = "token incident-bot" };
	char *out = NULL;
	long long case_id;
	size_t i, n;

	start();
	staff(&nb, "northbridge");
	staff(&acme, "acme");
	person_for(&nb, &nb.applicant, "Alex Martin", &case_id);
	p.clearance = issued_clearance(case_id);
	p.breach = file_id(&nb.screening, "security_breach", "");
	move(&nb.cso, p.breach, "start_inquiry", "preliminary_inquiry");
	p.measure = number(expect(on(&nb.cso, "POST", p.breach, "/measures",
				     json("{'description': 'New lock', 'owner': '%s',"
					  " 'due_on': '%s'}", nb.screening.name, ago(-7))),
				  201), "measure.id");
	p.acme = file_id(&acme.screening, "security_incident", "");

	for (i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++) {
		b = &bad_requests[i];
		body = b->body != NULL ? json("%s", fill_in(b->body, &p)) : NULL;
		before = snapshot();
		r = call(role_of(&nb, b->who), b->method, fill_in(b->path, &p), body);
		/* every request is tried; each failure is reported */
		cr_expect_str_eq(snapshot(), before, "bad request %zu: %s changed the"
				 " database", i, last);
		if (r->status != b->status) {
			cr_expect_fail("bad request %zu: %s: expected %ld, got %ld: %.300s", i,
				       last, b->status, r->status, r->body);
			continue;
		}
		cr_expect(vt_json_str(r, "error.message") != NULL, "bad request %zu: %s: no"
			  " error message: %.300s", i, last, r->body);
		if (b->code != NULL)
			cr_expect_str_eq(text(r, "error.code"), b->code, "bad request %zu: %s:"
					 " %.300s", i, last, r->body);
		if (b->field != NULL)
			cr_expect(field_is(text(r, "error.field"), b->field), "bad request %zu:"
				  " %s: the field is not %s: %.300s", i, last, b->field, r->body);
	}

	/* an API token is not a person: it files nothing; nor does nobody */
	cr_assert_eq(vt_vetctl(&out, "token create --org northbridge --role cso --name"
			       " incident-bot"), 0, "%s", out);
	n = strcspn(out, "\n");
	out[n] = '\0';
	token.bearer = str("%s", out);
	before = snapshot();
	expect_error(call(&token, "POST", "/api/v1/incidents",
			  report_of("security_incident", "")), 403, "forbidden");
	expect_error(call(NULL, "POST", "/api/v1/incidents",
			  report_of("security_incident", "")), 401, NULL);
	cr_assert_str_eq(snapshot(), before, "a refused report was written");
	cr_assert_str_eq(list_ids(&nb.cso, ""), str("%lld", p.breach));
}
