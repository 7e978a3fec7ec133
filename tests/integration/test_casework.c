/*
 * Casework scenarios, through nginx to vetd with a real directory, each
 * step taken by the person whose job it is, signed in as themselves: the
 * life of a clearance case from the application to the register, under
 * the default policy and under the northbridge-nuclear example policy; one
 * scenario for each rule of REGDOC-2.12.2 the policies apply (traceable
 * history and its gaps, the window back to age 16 for the under-21s, a
 * criminal record name check for six months abroad, two identity
 * documents, the agency's notices, the security interview and its two
 * interviewers, a refusal to be interviewed, restrictions); every kind of
 * refused step; separation of duties; procedural fairness before a denial;
 * two writers of one section; need-to-know and tenancy; and bad input on
 * every endpoint, which must change nothing. Request bodies are written
 * with single quotes for readability (json() makes them JSON), and dates
 * are counted back from today, as the policies count them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "text.h"

#define PW VT_DEMO_PASSWORD

/* --- memory, text and dates --------------------------------------------- */

static void casework_fini(void)
{
	text_release();
	vt_stop();
}

TestSuite(casework, .fini = casework_fini, .timeout = 120);

/* The day years years and days days before today (UTC; negative numbers
 * count forward), as YYYY-MM-DD. */
static const char *ago(int years, int days)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	tm.tm_year -= years;
	tm.tm_mday -= days;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return str("%s", buf);
}

static const char *today(void)
{
	return ago(0, 0);
}

/* date plus years, as the policies count it: 29 February becomes 28. */
static const char *add_years(const char *date, int years)
{
	int y, m, d;

	cr_assert_eq(sscanf(date, "%d-%d-%d", &y, &m, &d), 3, "not a date: %s", date);
	y += years;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		d = 28;
	return str("%04d-%02d-%02d", y, m, d);
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

/* Everything casework writes, in one line: persons, cases with their
 * state, hold and deadline, every section with its version, assignments,
 * case events, recommendations and clearances. Bad input leaves it as it
 * was. (The audit trail is left out: a refusal is audited.) */
static const char *snapshot(void)
{
	return sql("SELECT (SELECT count(*) FROM persons) || ' persons; ' ||"
		   " (SELECT coalesce(group_concat(id || ':' || state || ':' || on_hold ||"
		   "  ':' || coalesce(response_due, '-'), ' '), '') FROM cases) || '; ' ||"
		   " (SELECT coalesce(group_concat(case_id || '.' || name || '@' || version,"
		   "  ' '), '') FROM case_sections) || '; ' ||"
		   " (SELECT count(*) FROM case_assignments) || ' assignments; ' ||"
		   " (SELECT count(*) FROM case_events) || ' events; ' ||"
		   " (SELECT count(*) FROM recommendations) || ' recommendations; ' ||"
		   " (SELECT count(*) FROM clearances) || ' clearances'");
}

/* --- the people ----------------------------------------------------------- */

/* An organization's people, each signed in as themselves. */
struct office {
	const char *org;
	struct vt_who cso, screening, interviewer, interviewer2, adjudicator,
		authority, applicant, applicant2, auditor, admin;
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

static void staff(struct office *o, const char *org)
{
	o->org = org;
	o->cso = sign_in(org, "cso");
	o->screening = sign_in(org, "screening");
	o->interviewer = sign_in(org, "interviewer");
	o->interviewer2 = sign_in(org, "interviewer2");
	o->adjudicator = sign_in(org, "adjudicator");
	o->authority = sign_in(org, "authority");
	o->applicant = sign_in(org, "applicant");
	o->applicant2 = sign_in(org, "applicant2");
	o->auditor = sign_in(org, "auditor");
	o->admin = sign_in(org, "admin");
}

/* A stack with the demo directory and the repository's policies;
 * northbridge may get a policy directory of its own and more settings. */
static void start(const char *northbridge_policies, const char *northbridge_extra)
{
	struct vt_options o = { .ldap = { .enabled = true }, .policies = "policies" };

	o.org_policies[0] = northbridge_policies;
	o.org_extra[0] = northbridge_extra;
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

/* r is an error with the status and code, and a message. */
#define expect_error(r, status, code) expect_error_at(__LINE__, (r), (status), (code))
static struct vt_response *expect_error_at(int line, struct vt_response *r, long status,
					   const char *code)
{
	expect_at(line, r, status);
	cr_assert_str_eq(or_none(vt_json_str(r, "error.code")), code, "line %d: %s: %s", line,
			 last, r->body);
	cr_assert(vt_json_str(r, "error.message") != NULL, "line %d: %s: no message: %s",
		  line, last, r->body);
	return r;
}

/* r refuses the step (409 refused) with a reason that says because. */
#define expect_refused(r, because) expect_refused_at(__LINE__, (r), (because))
static void expect_refused_at(int line, struct vt_response *r, const char *because)
{
	const char *why;

	expect_error_at(line, r, 409, "refused");
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

/* --- a case file ---------------------------------------------------------- */

struct file {
	struct office *o;
	const struct vt_who *applicant;
	const char *name, *born;  /* the applicant's */
	long long id;             /* the case */
	long long person;         /* the person record */
	const char *path;         /* /api/v1/cases/<id> */
};

/* A request on the case: sub is what follows its path ("/events"). */
static struct vt_response *on(const struct vt_who *who, const char *method,
			      struct file *f, const char *sub, const char *body)
{
	return call(who, method, str("%s%s", f->path, sub), body);
}

/* The cso records the person, linked to the applicant's username, and
 * opens a new case at level for them; nobody is assigned yet. */
static struct file open_case(struct office *o, const struct vt_who *applicant,
			     const char *name, const char *born, const char *level)
{
	struct file f = { .o = o, .applicant = applicant, .name = name, .born = born };
	struct vt_response *r;

	r = expect(call(&o->cso, "POST", "/api/v1/persons",
			json("{'name': '%s', 'date_of_birth': '%s', 'username': '%s'}",
			     name, born, applicant->name)), 201);
	f.person = number(r, "id");
	r = expect(call(&o->cso, "POST", "/api/v1/cases",
			json("{'person_id': %lld, 'kind': 'new', 'level': '%s'}",
			     f.person, level)), 201);
	f.id = number(r, "case.id");
	f.path = str("/api/v1/cases/%lld", f.id);
	cr_assert_str_eq(text(r, "case.state"), "draft");
	cr_assert_str_eq(text(r, "case.level"), level);
	return f;
}

static void assign(struct file *f, const char *role, const struct vt_who *who)
{
	expect(on(&f->o->cso, "POST", f, "/assignments",
		  json("{'role': '%s', 'username': '%s'}", role, who->name)), 200);
}

/* The cso puts the office's people on the case. */
static void assign_team(struct file *f)
{
	assign(f, "screening", &f->o->screening);
	assign(f, "interviewer", &f->o->interviewer);
	assign(f, "interviewer", &f->o->interviewer2);
	assign(f, "adjudicator", &f->o->adjudicator);
	assign(f, "authority", &f->o->authority);
}

/* The case's state as vetd stored it. */
static const char *state_of(struct file *f)
{
	return sql("SELECT state FROM cases WHERE id = %lld", f->id);
}

static long long events_of(struct file *f)
{
	return sql_number("SELECT count(*) FROM case_events WHERE case_id = %lld", f->id);
}

/* The version of a section as who reads it (0: not written yet). */
static long long version_of(const struct vt_who *who, struct file *f, const char *section)
{
	struct vt_response *r = expect(on(who, "GET", f, "", NULL), 200);
	json_t *v = json_object_get(json_object_get(vt_json_get(r, "sections"), section),
				    "version");

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static struct vt_response *put_section(const struct vt_who *who, struct file *f,
				       const char *section, long long version,
				       const char *data)
{
	return on(who, "PUT", f, str("/sections/%s", section),
		  str("{\"version\": %lld, \"data\": %s}", version, data));
}

/* who reads the section and writes data over it. */
#define write_section(who, f, section, data) \
	write_section_at(__LINE__, (who), (f), (section), (data))
static void write_section_at(int line, const struct vt_who *who, struct file *f,
			     const char *section, const char *data)
{
	expect_at(line, put_section(who, f, section, version_of(who, f, section), data), 200);
}

static struct vt_response *take(const struct vt_who *who, struct file *f, const char *transition)
{
	return on(who, "POST", f, "/transitions", json("{'name': '%s'}", transition));
}

/* who takes the transition, which brings the case to state to. */
#define move(who, f, transition, to) move_at(__LINE__, (who), (f), (transition), (to))
static void move_at(int line, const struct vt_who *who, struct file *f,
		    const char *transition, const char *to)
{
	struct vt_response *r = expect_at(line, take(who, f, transition), 200);

	cr_assert_str_eq(text(r, "case.state"), to, "line %d: %s: %s", line, last, r->body);
}

/* The actions of a response ({case, actions}), by name, comma-joined. */
static const char *actions_of(struct vt_response *r)
{
	json_t *a;
	size_t i;
	const char *out = "";

	json_array_foreach(vt_json_get(r, "actions"), i, a)
		out = str("%s%s%s", out, i ? "," : "",
			  or_none(json_string_value(json_object_get(a, "action"))));
	return out;
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

/* --- what the policy says is missing -------------------------------------- */

static struct vt_response *requirements(const struct vt_who *who, struct file *f)
{
	return expect(on(who, "GET", f, "/requirements", NULL), 200);
}

/* The requirements of severity (NULL: any) with code (NULL: any), as
 * "code path: message" lines. */
static const char *items(struct vt_response *r, const char *code, const char *severity)
{
	json_t *item;
	size_t i;
	const char *out = "", *c, *s;

	json_array_foreach(vt_json_get(r, "requirements"), i, item) {
		c = or_none(json_string_value(json_object_get(item, "code")));
		s = or_none(json_string_value(json_object_get(item, "severity")));
		if ((code == NULL || strcmp(c, code) == 0) &&
		    (severity == NULL || strcmp(s, severity) == 0))
			out = str("%s%s %s: %s\n", out, c,
				  or_none(json_string_value(json_object_get(item, "path"))),
				  or_none(json_string_value(json_object_get(item, "message"))));
	}
	return out;
}

static bool requires(struct vt_response *r, const char *code)
{
	return *items(r, code, "error") != '\0';
}

static size_t errors_in(struct vt_response *r)
{
	const char *all = items(r, NULL, "error"), *p;
	size_t n = 0;

	for (p = all; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	return n;
}

/* After a step, who sees fewer errors than *count, none of them code
 * (unless NULL); *count becomes the new number. */
static void shrinks(const struct vt_who *who, struct file *f, size_t *count, const char *code)
{
	struct vt_response *r = requirements(who, f);
	size_t now = errors_in(r);

	cr_assert_lt(now, *count, "%s: still %zu errors (was %zu):\n%s", last, now, *count,
		     items(r, NULL, "error"));
	if (code != NULL)
		cr_assert(!requires(r, code), "%s: %s is still required:\n%s", last, code,
			  items(r, code, NULL));
	*count = now;
}

/* --- the application ------------------------------------------------------ */

static const char *personal_data(const char *name, const char *born)
{
	return json("{'name': '%s', 'date_of_birth': '%s',"
		    " 'place_of_birth': {'city': 'Kingston', 'region': 'ON', 'country': 'CA'},"
		    " 'citizenships': ['CA'],"
		    " 'address': {'line': '12 Lakeshore Road', 'city': 'Bowmanville',"
		    "  'region': 'ON', 'postal_code': 'L1C 3K3', 'country': 'CA'},"
		    " 'occupation': 'Reactor operator'}", name, born);
}

/* One address in Canada from a day on, up to now. */
static const char *home_since(const char *from)
{
	return json("[{'from': '%s', 'country': 'CA', 'address': '12 Lakeshore Road',"
		    " 'city': 'Bowmanville', 'region': 'ON'}]", from);
}

static const char *employed_since(const char *from)
{
	return json("[{'from': '%s', 'employer': 'Northbridge Nuclear', 'country': 'CA',"
		    " 'position': 'Reactor operator'}]", from);
}

/* A passport with a photo and a birth certificate, both in English. */
static const char *passport_and_birth_certificate(void)
{
	return json("[{'type': 'passport', 'number': 'AB123456', 'issuer': 'CA',"
		    "  'expiry': '%s', 'photo': true, 'language': 'en'},"
		    " {'type': 'birth_certificate', 'number': 'ON-85-11223', 'issuer': 'CA',"
		    "  'photo': false, 'language': 'en'}]", ago(-4, 0));
}

/* The applicant signs parts B and C of the consent form (REGDOC 5.1). */
static void applicant_consents(struct file *f)
{
	write_section(f->applicant, f, "consent",
		      json("{'parts': {'B': {'date': '%s'}, 'C': {'date': '%s'}}}",
			   today(), today()));
}

/* The office signs parts A, D and E (REGDOC 5.1). */
static void office_consents(struct file *f)
{
	write_section(&f->o->screening, f, "consent",
		      json("{'parts': {'A': {'date': '%s'}, 'D': {'date': '%s'},"
			   " 'E': {'date': '%s'}}}", today(), today(), today()));
}

/* The applicant fills in a complete application: personal data, ten years
 * at one address, twelve at one employer, two identity documents, and
 * their parts of the consent. */
static void fill_application(struct file *f)
{
	write_section(f->applicant, f, "personal", personal_data(f->name, f->born));
	write_section(f->applicant, f, "residences", home_since(ago(10, 0)));
	write_section(f->applicant, f, "employment", employed_since(ago(12, 0)));
	write_section(f->applicant, f, "identity_documents", passport_and_birth_certificate());
	applicant_consents(f);
}

static struct vt_response *notice(struct file *f, const char *type, const char *date,
				  bool follow_up)
{
	return expect(on(&f->o->screening, "POST", f, "/notices",
			 json("{'type': '%s', 'date': '%s', 'reference': 'CSIS-%lld-%s'%s}",
			      type, date, f->id, type, follow_up ? ", 'follow_up': true" : "")),
		      201);
}

/* Submitted, and screening has started: the office has signed its parts
 * of the consent. */
static void submit_and_screen(struct file *f)
{
	move(f->applicant, f, "submit", "submitted");
	move(&f->o->screening, f, "start_screening", "screening");
	office_consents(f);
}

/* A clean application all the way to adjudication, with the agency's
 * NRT dated a month ago. */
static void to_adjudication(struct file *f)
{
	fill_application(f);
	submit_and_screen(f);
	notice(f, "NRT", ago(0, 30), false);
	move(&f->o->screening, f, "to_adjudication", "adjudication");
}

/* An old bankruptcy answered by events beyond the applicant's control:
 * the default policy recommends a grant. */
static const char *settled_bankruptcy(void)
{
	return json("{'guidelines': {'C': {'disqualifying': [{'id': 'C7', 'date': '%s',"
		    "  'facts': 'Bankruptcy after the family business failed'}],"
		    "  'mitigating': ['C15']}},"
		    " 'conduct': {'seriousness': 'moderate', 'recency': 'old',"
		    "  'recurrence': 'unlikely'}}", ago(12, 0));
}

/* A recent, serious offence with nothing to answer it: a denial. */
static const char *serious_recent_offence(void)
{
	return json("{'guidelines': {'E': {'disqualifying': [{'id': 'E2', 'date': '%s',"
		    "  'facts': 'Assault causing bodily harm'}]}},"
		    " 'conduct': {'seriousness': 'high', 'recency': 'recent',"
		    "  'recurrence': 'likely'}}", ago(1, 0));
}

/* The adjudicator (who) fills the worksheet and asks for the policy's
 * recommendation; returns it. */
static struct vt_response *recommendation(const struct vt_who *who, struct file *f,
					  const char *worksheet)
{
	expect(on(who, "PUT", f, "/worksheet",
		  str("{\"version\": %lld, \"data\": %s}", version_of(who, f, "worksheet"),
		      worksheet)), 200);
	return expect(on(who, "POST", f, "/recommendation", "{}"), 201);
}

/* From adjudication to the authority's desk with the worksheet's
 * recommendation, which must be expected. */
static void to_decision(struct file *f, const char *worksheet, const char *expected)
{
	struct vt_response *r = recommendation(&f->o->adjudicator, f, worksheet);

	cr_assert_str_eq(text(r, "recommendation.result.recommendation"), expected,
			 "%s", r->body);
	move(&f->o->adjudicator, f, "recommend", "decision");
}

/* Every reason's cites, comma-joined. */
static const char *cites_of(struct vt_response *r, const char *reasons_path)
{
	json_t *reason, *cite;
	size_t i, j;
	const char *out = "";

	json_array_foreach(vt_json_get(r, reasons_path), i, reason)
		json_array_foreach(json_object_get(reason, "cites"), j, cite)
			out = str("%s%s%s", out, *out ? "," : "",
				  or_none(json_string_value(cite)));
	return out;
}

/* The transitions of the case's events, in order, comma-joined. */
static const char *transitions_in(struct vt_response *events)
{
	json_t *ev;
	size_t i;
	const char *out = "";

	json_array_foreach(vt_json_get(events, "events"), i, ev)
		if (strcmp(or_none(json_string_value(json_object_get(ev, "type"))),
			   "transition") == 0)
			out = str("%s%s%s", out, *out ? "," : "", or_none(json_string_value(
				  json_object_get(json_object_get(ev, "detail"), "name"))));
	return out;
}

/* The event types of the case, comma-joined. */
static const char *event_types(struct vt_response *events)
{
	json_t *ev;
	size_t i;
	const char *out = "";

	json_array_foreach(vt_json_get(events, "events"), i, ev)
		out = str("%s%s%s", out, i ? "," : "",
			  or_none(json_string_value(json_object_get(ev, "type"))));
	return out;
}

/* The clearance of the case in who's view of the register, or NULL. */
static json_t *clearance_in_register(const struct vt_who *who, struct file *f,
				     const char *query)
{
	struct vt_response *r = expect(call(who, "GET", str("/api/v1/clearances%s", query),
					    NULL), 200);
	json_t *c;
	size_t i;

	json_array_foreach(vt_json_get(r, "clearances"), i, c)
		if (json_integer_value(json_object_get(c, "case_id")) == f->id)
			return c;
	return NULL;
}

static const char *member_str(json_t *o, const char *key)
{
	return or_none(json_string_value(json_object_get(o, key)));
}

/* The authority's decision, then the applicant's acknowledgement of the
 * briefing; returns the clearance issued. */
static struct vt_response *decide_and_brief(struct file *f, const char *decision)
{
	struct vt_response *r;

	r = expect(on(&f->o->authority, "POST", f, "/decision", decision), 200);
	cr_assert_str_eq(text(r, "case.state"), "briefing", "%s", r->body);
	r = expect(on(f->applicant, "POST", f, "/briefing",
		      json("{'date': '%s'}", today())), 201);
	cr_assert_str_eq(state_of(f), "issued");
	return r;
}

/* --- the whole life of a case --------------------------------------------- */

/* The default policy: the applicant fills in the application and watches
 * what is missing shrink; screening checks it and records the agency's
 * notice; the adjudicator weighs the file; the authority grants; the
 * applicant acknowledges the briefing; the register holds the clearance,
 * valid five years from the agency's notice (REGDOC 5.2.6). */
Test(casework, default_policy_takes_a_case_from_application_to_the_register)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *nrt = ago(0, 20), *rid, *types;
	char *out = NULL;
	size_t missing;
	json_t *c;
	int rc;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);

	/* the applicant's view of what is missing, section by section */
	r = requirements(&nb.applicant, &f);
	missing = errors_in(r);
	cr_assert(requires(r, "person_incomplete") && requires(r, "history_gap") &&
		  requires(r, "employment_gap") && requires(r, "identity_documents_missing") &&
		  requires(r, "photo_id_missing") && requires(r, "consent_unsigned"),
		  "an empty application lacks less than expected:\n%s", items(r, NULL, NULL));
	write_section(&nb.applicant, &f, "personal", personal_data(f.name, f.born));
	shrinks(&nb.applicant, &f, &missing, "person_incomplete");
	write_section(&nb.applicant, &f, "residences", home_since(ago(10, 0)));
	shrinks(&nb.applicant, &f, &missing, "history_gap");
	write_section(&nb.applicant, &f, "employment", employed_since(ago(12, 0)));
	shrinks(&nb.applicant, &f, &missing, "employment_gap");
	write_section(&nb.applicant, &f, "identity_documents", passport_and_birth_certificate());
	shrinks(&nb.applicant, &f, &missing, "identity_documents_missing");
	cr_assert(!requires(requirements(&nb.applicant, &f), "photo_id_missing"));
	applicant_consents(&f);
	shrinks(&nb.applicant, &f, &missing, NULL);
	/* what is left is the office's: consent parts A, D and E */
	r = requirements(&nb.applicant, &f);
	cr_assert_str_eq(items(r, NULL, "error"), items(r, "consent_unsigned", "error"));
	cr_assert_eq(errors_in(r), 3, "%s", items(r, NULL, "error"));
	cr_assert(strstr(items(r, NULL, "error"), "consent.parts.A") &&
		  strstr(items(r, NULL, "error"), "consent.parts.D") &&
		  strstr(items(r, NULL, "error"), "consent.parts.E"), "%s", items(r, NULL, NULL));

	/* submitted; the policy tells the cso a new application is waiting */
	r = expect(take(&nb.applicant, &f, "submit"), 200);
	cr_assert_str_eq(text(r, "case.state"), "submitted");
	cr_assert_neq(vt_json_get(r, "case.submitted_at"), NULL, "%s", r->body);
	cr_expect(listed(actions_of(r), "notify"), "submitting should tell the cso (the"
		  " policy's on_event for \"submitted\"); actions: [%s]", actions_of(r));

	/* screening: the office's parts of the consent, the agency's notice */
	move(&nb.screening, &f, "start_screening", "screening");
	office_consents(&f);
	r = requirements(&nb.screening, &f);
	cr_assert_eq(errors_in(r), 0, "the file is still incomplete:\n%s", items(r, NULL, NULL));
	r = expect(on(&nb.screening, "GET", &f, "", NULL), 200);
	/* each part says which side signed it (REGDOC 5.1) and who */
	cr_assert_str_eq(text(r, "sections.consent.data.parts.B.signed_by"), "applicant");
	cr_assert_str_eq(text(r, "sections.consent.data.parts.C.signed_by"), "applicant");
	cr_assert_str_eq(text(r, "sections.consent.data.parts.A.signed_by"), "office");
	cr_assert_str_eq(text(r, "sections.consent.data.parts.E.signed_by"), "office");
	cr_assert_str_eq(text(r, "sections.consent.data.parts.B.signer"), nb.applicant.name);
	cr_assert_str_eq(text(r, "sections.consent.data.parts.C.signer"), nb.applicant.name);
	cr_assert_str_eq(text(r, "sections.consent.data.parts.A.signer"), nb.screening.name);
	cr_assert_str_eq(text(r, "sections.consent.data.parts.E.signer"), nb.screening.name);
	r = notice(&f, "NRT", nrt, false);
	cr_assert(json_is_false(vt_json_get(r, "case.on_hold")), "%s", r->body);
	move(&nb.screening, &f, "to_adjudication", "adjudication");

	/* the adjudicator: an old bankruptcy, answered; the policy says grant */
	r = recommendation(&nb.adjudicator, &f, settled_bankruptcy());
	cr_assert_str_eq(text(r, "recommendation.result.recommendation"), "grant", "%s", r->body);
	cr_assert(listed(cites_of(r, "recommendation.result.reasons"), "C7") &&
		  listed(cites_of(r, "recommendation.result.reasons"), "C15"), "%s", r->body);
	cr_assert_str_eq(text(r, "recommendation.by"), actor(&nb.adjudicator));
	cr_assert_eq(strlen(text(r, "recommendation.policy_version")), 64, "%s", r->body);
	rid = str("%lld", number(r, "recommendation.id"));
	move(&nb.adjudicator, &f, "recommend", "decision");

	/* the authority grants; the applicant acknowledges the briefing */
	r = decide_and_brief(&f, "{\"outcome\": \"grant\"}");
	cr_assert_str_eq(text(r, "clearance.level"), "SECRET", "%s", r->body);
	cr_assert_str_eq(text(r, "clearance.status"), "active", "%s", r->body);
	cr_assert_str_eq(text(r, "clearance.holder"), nb.applicant.name, "%s", r->body);
	cr_assert_str_eq(text(r, "clearance.granted_on"), today(), "%s", r->body);
	cr_assert_str_eq(text(r, "clearance.expires_on"), add_years(nrt, 5),
			 "valid five years from the NRT of %s: %s", nrt, r->body);
	/* the file is closed: nobody writes in it any more */
	expect_refused(put_section(&nb.screening, &f, "crnc", 0, "[]"), "closed");
	expect_refused(put_section(&nb.applicant, &f, "residences",
				   version_of(&nb.applicant, &f, "residences"),
				   home_since(ago(9, 0))), "");

	/* the register, as the cso and as the holder see it */
	c = clearance_in_register(&nb.cso, &f, "");
	cr_assert_not_null(c, "the clearance is not in the register");
	cr_assert_str_eq(member_str(c, "expires_on"), add_years(nrt, 5));
	cr_assert_str_eq(member_str(c, "status"), "active");
	cr_assert_not_null(clearance_in_register(&nb.applicant, &f, ""));
	cr_assert_null(clearance_in_register(&nb.applicant2, &f, ""),
		       "another applicant sees the clearance");

	/* the history, step by step */
	r = expect(on(&nb.auditor, "GET", &f, "/events", NULL), 200);
	cr_assert_str_eq(transitions_in(r), "submit,start_screening,to_adjudication,"
			 "recommend,grant,acknowledge_briefing");
	types = event_types(r);
	cr_assert(listed(types, "opened") && listed(types, "assigned") &&
		  listed(types, "section_updated") && listed(types, "notice_recorded") &&
		  listed(types, "worksheet_updated") && listed(types, "recommendation"),
		  "events: %s", types);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'case.transition' AND target = 'case:%lld'", f.id), 6);

	/* the audit trail holds, and the recommendation replays */
	rc = vt_vetctl(&out, "audit verify");
	cr_assert_eq(rc, 0, "audit verify: exit %d: %s", rc, out);
	cr_assert_not_null(strstr(out, "audit trail intact"), "%s", out);
	rc = vt_vetctl(&out, "policy replay %s", rid);
	cr_assert_eq(rc, 0, "policy replay %s: exit %d: %s", rid, rc, out);
	cr_assert_not_null(strstr(out, "same as the stored answer"), "%s", out);
	/* a clean grant as recommended needs no report to the regulator */
	cr_assert_eq(sql_number("SELECT count(*) FROM regulator_reports WHERE case_id ="
				" %lld", f.id), 0);
}

/* The same life under the northbridge-nuclear policy (level SASC): a
 * criminal record name check from Canada is part of a complete file
 * (REGDOC 4.3), and the clearance runs five years from the agency's
 * notice. */
Test(casework, nuclear_policy_takes_a_case_from_application_to_the_register)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *nrt = ago(0, 15), *rid;
	char *out = NULL;
	int rc;

	start("examples/policies/northbridge-nuclear", NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SASC");
	expect_error(call(&nb.cso, "POST", "/api/v1/cases",
			  json("{'person_id': %lld, 'kind': 'new', 'level': 'SECRET'}", f.person)),
		     422, "unknown_level");
	assign_team(&f);

	/* under this policy the name check from Canada is part of a complete
	 * application (REGDOC 4.3): screening records it before submission */
	fill_application(&f);
	r = requirements(&nb.applicant, &f);
	cr_assert(requires(r, "crnc_needed"), "no name check from Canada asked for:\n%s",
		  items(r, NULL, NULL));
	write_section(&nb.screening, &f, "crnc",
		      json("[{'country': 'CA', 'jurisdiction': 'RCMP', 'result': 'no_record',"
			   " 'date': '%s'}]", ago(0, 2)));
	r = requirements(&nb.applicant, &f);
	cr_assert(!requires(r, "crnc_needed"), "%s", items(r, NULL, NULL));
	move(&nb.applicant, &f, "submit", "submitted");
	move(&nb.screening, &f, "start_screening", "screening");
	office_consents(&f);
	r = requirements(&nb.screening, &f);
	cr_assert_eq(errors_in(r), 0, "the file is still incomplete:\n%s", items(r, NULL, NULL));
	notice(&f, "NRT", nrt, false);
	move(&nb.screening, &f, "to_adjudication", "adjudication");

	r = recommendation(&nb.adjudicator, &f, "{\"guidelines\": {}}");
	cr_assert_str_eq(text(r, "recommendation.result.recommendation"), "grant", "%s", r->body);
	rid = str("%lld", number(r, "recommendation.id"));
	move(&nb.adjudicator, &f, "recommend", "decision");

	/* the policy calls the applicant to the briefing (REGDOC 5.6) */
	r = expect(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"grant\"}"), 200);
	cr_assert_str_eq(text(r, "case.state"), "briefing");
	cr_expect(listed(actions_of(r), "notify"), "a grant should call the applicant to the"
		  " briefing (the policy's on_event for \"decided\"); actions: [%s]",
		  actions_of(r));
	r = expect(on(&nb.applicant, "POST", &f, "/briefing", json("{'date': '%s'}", today())),
		   201);
	cr_assert_str_eq(state_of(&f), "issued");
	cr_assert_str_eq(text(r, "clearance.level"), "SASC", "%s", r->body);
	cr_assert_str_eq(text(r, "clearance.status"), "active", "%s", r->body);
	cr_assert_str_eq(text(r, "clearance.expires_on"), add_years(nrt, 5), "%s", r->body);
	cr_assert_not_null(clearance_in_register(&nb.authority, &f, "?level=SASC"));

	r = expect(on(&nb.cso, "GET", &f, "/events", NULL), 200);
	cr_assert_str_eq(transitions_in(r), "submit,start_screening,to_adjudication,"
			 "recommend,grant,acknowledge_briefing");
	rc = vt_vetctl(&out, "audit verify");
	cr_assert_eq(rc, 0, "audit verify: exit %d: %s", rc, out);
	rc = vt_vetctl(&out, "policy replay %s", rid);
	cr_assert_eq(rc, 0, "policy replay %s: exit %d: %s", rid, rc, out);
	cr_assert_not_null(strstr(out, "same as the stored answer"), "%s", out);
}

/* --- one scenario per REGDOC rule ----------------------------------------- */

/* REGDOC 4.3, 4.4: a year with no address is a gap; the application
 * cannot be submitted until it is filled or explained. */
Test(casework, residence_gap_blocks_submission_until_explained)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	long long events;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	fill_application(&f);
	write_section(&nb.applicant, &f, "residences",
		      json("[{'from': '%s', 'to': '%s', 'country': 'CA', 'city': 'Kingston'},"
			   " {'from': '%s', 'country': 'CA', 'city': 'Bowmanville'}]",
			   ago(10, 0), ago(3, 0), ago(2, 0)));
	r = requirements(&nb.applicant, &f);
	cr_assert(requires(r, "history_gap"), "%s", items(r, NULL, NULL));
	cr_assert_not_null(strstr(items(r, "history_gap", NULL), ago(3, -1)),
			   "the gap should start the day after %s:\n%s", ago(3, 0),
			   items(r, "history_gap", NULL));

	events = events_of(&f);
	expect_refused(take(&nb.applicant, &f, "submit"), "No residence is recorded from");
	cr_assert_str_eq(state_of(&f), "draft");
	cr_assert_eq(events_of(&f), events, "a refused submission left an event");

	/* the applicant explains the year */
	write_section(&nb.applicant, &f, "history_gaps_explained",
		      json("[{'from': '%s', 'to': '%s', 'explanation':"
			   " 'Travelling in Canada between two jobs, no fixed address'}]",
			   ago(3, 0), ago(2, 0)));
	r = requirements(&nb.applicant, &f);
	cr_assert(!requires(r, "history_gap"), "%s", items(r, NULL, NULL));
	move(&nb.applicant, &f, "submit", "submitted");
}

/* REGDOC 4.3: for someone under 21 the history is needed only from age
 * 16; for anyone older, five full years. */
Test(casework, under_21_history_reaches_back_only_to_age_16)
{
	struct office nb;
	struct file young, older;
	struct vt_response *r;
	const char *born = ago(19, 40), *sixteen = add_years(born, 16);

	start(NULL, NULL);
	staff(&nb, "northbridge");

	/* 19 years old: an address and school since the 16th birthday suffice */
	young = open_case(&nb, &nb.applicant, "Sam Young", born, "CV");
	fill_application(&young);
	write_section(&nb.applicant, &young, "residences", home_since(sixteen));
	write_section(&nb.applicant, &young, "employment", "[]");
	write_section(&nb.applicant, &young, "education",
		      json("[{'from': '%s', 'institution': 'Durham College',"
			   " 'qualification': 'Diploma', 'country': 'CA'}]", sixteen));
	r = requirements(&nb.applicant, &young);
	cr_assert(!requires(r, "history_gap") && !requires(r, "employment_gap"),
		  "history asked for before age 16 (%s):\n%s", sixteen, items(r, NULL, NULL));
	move(&nb.applicant, &young, "submit", "submitted");

	/* a year after the 16th birthday is not enough: the gap starts at 16 */
	write_section(&nb.cso, &young, "residences", home_since(add_years(born, 17)));
	r = requirements(&nb.cso, &young);
	cr_assert(requires(r, "history_gap"), "%s", items(r, NULL, NULL));
	cr_assert_not_null(strstr(items(r, "history_gap", NULL), sixteen),
			   "the window should start at the 16th birthday %s:\n%s", sixteen,
			   items(r, "history_gap", NULL));

	/* 30 years old with the same three years: five are needed */
	older = open_case(&nb, &nb.applicant2, "Kim Older", ago(30, 0), "CV");
	fill_application(&older);
	write_section(&nb.applicant2, &older, "residences", home_since(sixteen));
	r = requirements(&nb.applicant2, &older);
	cr_assert(requires(r, "history_gap"), "%s", items(r, NULL, NULL));
	cr_assert_not_null(strstr(items(r, "history_gap", NULL), ago(5, 0)),
			   "the window should start five years ago (%s):\n%s", ago(5, 0),
			   items(r, "history_gap", NULL));
	expect_refused(take(&nb.applicant2, &older, "submit"), "No residence is recorded");
}

/* REGDOC 5.2.2: six months or more abroad from age 16 calls for that
 * country's criminal record name check; a short stay does not. */
Test(casework, foreign_residence_over_six_months_needs_a_crnc)
{
	struct office nb;
	struct file f;
	struct vt_response *r;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign(&f, "screening", &nb.screening);
	fill_application(&f);
	write_section(&nb.applicant, &f, "residences",
		      json("[{'from': '%s', 'to': '%s', 'country': 'CA', 'city': 'Kingston'},"
			   " {'from': '%s', 'to': '%s', 'country': 'FR', 'city': 'Lyon'},"
			   " {'from': '%s', 'to': '%s', 'country': 'CA', 'city': 'Kingston'},"
			   " {'from': '%s', 'to': '%s', 'country': 'GB', 'city': 'Leeds'},"
			   " {'from': '%s', 'country': 'CA', 'city': 'Bowmanville'}]",
			   ago(10, 0), ago(4, 0), ago(4, -1), ago(3, 275),
			   ago(3, 274), ago(2, 0), ago(2, -1), ago(1, 0), ago(1, -1)));
	r = requirements(&nb.applicant, &f);
	cr_assert(!requires(r, "history_gap"), "%s", items(r, NULL, NULL));
	cr_assert(requires(r, "crnc_needed"), "a year in GB needs no check:\n%s",
		  items(r, NULL, NULL));
	cr_assert_not_null(strstr(items(r, "crnc_needed", "error"), "GB"), "%s",
			   items(r, "crnc_needed", NULL));
	cr_assert_null(strstr(items(r, "crnc_needed", NULL), "FR"),
		       "three months in FR should need no check:\n%s",
		       items(r, "crnc_needed", NULL));

	/* asked for: a warning while it is awaited; returned: nothing */
	write_section(&nb.screening, &f, "crnc",
		      json("[{'country': 'GB', 'jurisdiction': 'ACRO', 'result': 'pending'}]"));
	r = requirements(&nb.applicant, &f);
	cr_assert(!requires(r, "crnc_needed") && *items(r, "crnc_needed", "warning") != '\0',
		  "%s", items(r, NULL, NULL));
	write_section(&nb.screening, &f, "crnc",
		      json("[{'country': 'GB', 'jurisdiction': 'ACRO', 'result': 'no_record',"
			   " 'date': '%s'}]", today()));
	r = requirements(&nb.applicant, &f);
	cr_assert_str_eq(items(r, "crnc_needed", NULL), "");
	move(&nb.applicant, &f, "submit", "submitted");
}

/* REGDOC 5.2.1: two pieces of valid government identification, at least
 * one with a photo; an expired document does not count. */
Test(casework, two_identity_documents_one_with_a_photo)
{
	struct office nb;
	struct file f;
	struct vt_response *r;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	fill_application(&f);

	write_section(&nb.applicant, &f, "identity_documents",
		      json("[{'type': 'birth_certificate', 'number': 'ON-85-11223',"
			   " 'issuer': 'CA', 'photo': false}]"));
	r = requirements(&nb.applicant, &f);
	cr_assert(requires(r, "identity_documents_missing") && requires(r, "photo_id_missing"),
		  "%s", items(r, NULL, NULL));
	expect_refused(take(&nb.applicant, &f, "submit"), "Two pieces of valid government");

	write_section(&nb.applicant, &f, "identity_documents",
		      json("[{'type': 'passport', 'number': 'AB123456', 'issuer': 'CA',"
			   " 'expiry': '%s', 'photo': true}]", ago(-3, 0)));
	r = requirements(&nb.applicant, &f);
	cr_assert(requires(r, "identity_documents_missing") && !requires(r, "photo_id_missing"),
		  "%s", items(r, NULL, NULL));

	write_section(&nb.applicant, &f, "identity_documents",
		      json("[{'type': 'passport', 'number': 'AB123456', 'issuer': 'CA',"
			   " 'expiry': '%s', 'photo': true},"
			   " {'type': 'birth_certificate', 'number': 'ON-85-11223',"
			   "  'issuer': 'CA'}]",
			   ago(0, 10)));
	r = requirements(&nb.applicant, &f);
	cr_assert(requires(r, "identity_documents_missing") && requires(r, "photo_id_missing"),
		  "an expired passport counted:\n%s", items(r, NULL, NULL));

	write_section(&nb.applicant, &f, "identity_documents", passport_and_birth_certificate());
	r = requirements(&nb.applicant, &f);
	cr_assert(!requires(r, "identity_documents_missing") && !requires(r, "photo_id_missing"),
		  "%s", items(r, NULL, NULL));
	move(&nb.applicant, &f, "submit", "submitted");
}

/* REGDOC 5.2.6: a NOA - brief holds the file until the agency's follow-up
 * is recorded; an adverse notice also calls for an interview. */
Test(casework, noa_brief_holds_the_file_until_the_follow_up)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *types;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	submit_and_screen(&f);

	r = notice(&f, "NOA_BRIEF", ago(0, 5), false);
	cr_assert(json_is_true(vt_json_get(r, "case.on_hold")), "not held: %s", r->body);
	cr_assert(listed(actions_of(r), "hold"), "actions: %s", actions_of(r));
	r = expect(on(&nb.cso, "GET", &f, "", NULL), 200);
	cr_assert(json_is_true(vt_json_get(r, "case.on_hold")), "%s", r->body);
	/* a held file does not move (REGDOC 5.2.6) */
	expect_refused(take(&nb.screening, &f, "to_adjudication"), "on hold");
	expect_refused(take(&nb.screening, &f, "to_interview"), "on hold");

	r = notice(&f, "NRT", ago(0, 1), true);
	cr_assert(json_is_false(vt_json_get(r, "case.on_hold")), "still held: %s", r->body);
	cr_assert(listed(actions_of(r), "release_hold"), "actions: %s", actions_of(r));
	types = event_types(expect(on(&nb.cso, "GET", &f, "/events", NULL), 200));
	cr_assert(strstr(types, "notice_recorded,hold") &&
		  strstr(types, "notice_recorded,release_hold"), "events: %s", types);
	cr_assert_eq(sql_number("SELECT on_hold FROM cases WHERE id = %lld", f.id), 0);
}

/* REGDOC 5.2.6: "the licensee must hold the file" on a NOA - brief. A held
 * file does not move on until the follow-up is recorded. */
Test(casework, held_file_does_not_move_until_the_follow_up)
{
	struct office nb;
	struct file f;
	const char *before;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	submit_and_screen(&f);
	notice(&f, "NOA_BRIEF", ago(0, 5), false);

	before = snapshot();
	expect_refused(take(&nb.screening, &f, "to_interview"), "");
	cr_assert_str_eq(state_of(&f), "screening");
	cr_assert_str_eq(snapshot(), before, "a held file moved on");

	notice(&f, "NRT", ago(0, 1), true);
	move(&nb.screening, &f, "to_interview", "interview");
}

/* The applicant declares an indictable conviction (the offence of 5.3.2's
 * example). */
static void declare_indictable_conviction(struct file *f)
{
	write_section(f->applicant, f, "convictions",
		      json("[{'offence': 'Fraud over 5000 dollars', 'date': '%s',"
			   " 'class': 'indictable', 'disposition': 'Conditional sentence',"
			   " 'country': 'CA'}]", ago(8, 0)));
}

/* REGDOC 4.4, 5.2.5: an indictable conviction calls for a security
 * interview; the file does not go to adjudication before it. */
Test(casework, indictable_conviction_calls_for_an_interview)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	json_t *t;
	size_t i;
	bool seen = false;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	declare_indictable_conviction(&f);
	submit_and_screen(&f);
	notice(&f, "NRT", ago(0, 30), false);

	expect_refused(take(&nb.screening, &f, "to_adjudication"),
		       "An indictable conviction is on file");
	r = expect(on(&nb.screening, "GET", &f, "/transitions", NULL), 200);
	json_array_foreach(vt_json_get(r, "transitions"), i, t)
		if (strcmp(member_str(t, "name"), "to_adjudication") == 0) {
			seen = true;
			cr_assert(json_is_false(json_object_get(t, "allowed")), "%s", r->body);
			cr_assert_not_null(strstr(member_str(t, "reason"), "interview"), "%s",
					   r->body);
		}
	cr_assert(seen, "screening is not offered to_adjudication: %s", r->body);

	move(&nb.screening, &f, "to_interview", "interview");
	expect(on(&nb.interviewer, "POST", &f, "/interviews",
		  json("{'date': '%s', 'interviewers': ['%s', '%s'], 'outcome': 'completed',"
		       " 'notes': 'Conviction discussed; circumstances consistent with the"
		       " record'}",
		       today(), nb.interviewer.name, nb.interviewer2.name)), 201);
	move(&nb.interviewer, &f, "interview_done", "adjudication");
}

/* REGDOC 5.3.2: the elevated risk of an indictable conviction needs two
 * interviewers, two different people assigned to the case. */
Test(casework, elevated_risk_interview_needs_two_different_interviewers)
{
	struct office nb;
	struct file f;
	const char *before;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	declare_indictable_conviction(&f);
	submit_and_screen(&f);
	notice(&f, "NRT", ago(0, 30), false);
	move(&nb.screening, &f, "to_interview", "interview");

	/* one interviewer: recorded, but not enough to finish the interview */
	expect(on(&nb.interviewer, "POST", &f, "/interviews",
		  json("{'date': '%s', 'interviewers': ['%s'], 'outcome': 'completed'}",
		       today(), nb.interviewer.name)), 201);
	expect_refused(take(&nb.interviewer, &f, "interview_done"), "two interviewers");
	cr_assert_str_eq(state_of(&f), "interview");

	/* the same person twice, someone not assigned, someone else's record */
	before = snapshot();
	expect_error(on(&nb.interviewer, "POST", &f, "/interviews",
			json("{'date': '%s', 'interviewers': ['%s', '%s'], 'outcome': 'completed'}",
			     today(), nb.interviewer.name, nb.interviewer.name)),
		     422, "interviewers_not_distinct");
	expect_error(on(&nb.interviewer, "POST", &f, "/interviews",
			json("{'date': '%s', 'interviewers': ['%s', '%s'], 'outcome': 'completed'}",
			     today(), nb.interviewer.name, nb.cso.name)),
		     422, "not_an_interviewer");
	expect_error(on(&nb.interviewer, "POST", &f, "/interviews",
			json("{'date': '%s', 'interviewers': ['%s'], 'outcome': 'completed'}",
			     today(), nb.interviewer2.name)),
		     422, "not_an_interviewer");
	expect_error(on(&nb.screening, "POST", &f, "/interviews",
			json("{'date': '%s', 'interviewers': ['%s', '%s'], 'outcome': 'completed'}",
			     today(), nb.interviewer.name, nb.interviewer2.name)),
		     403, "forbidden");
	cr_assert_str_eq(snapshot(), before, "a refused interview record changed the file");

	/* two different interviewers of the case */
	expect(on(&nb.interviewer2, "POST", &f, "/interviews",
		  json("{'date': '%s', 'interviewers': ['%s', '%s'], 'outcome': 'completed'}",
		       today(), nb.interviewer2.name, nb.interviewer.name)), 201);
	move(&nb.interviewer2, &f, "interview_done", "adjudication");
}

/* The interviewers of record are the office's interviewers on the case:
 * never the applicant, nor someone of another organization, even when
 * the cso has put their name on the case. */
Test(casework, applicant_and_outsiders_are_never_interviewers)
{
	struct office nb;
	struct file f;
	const char *before;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	declare_indictable_conviction(&f);
	submit_and_screen(&f);
	notice(&f, "NRT", ago(0, 30), false);
	move(&nb.screening, &f, "to_interview", "interview");

	/* whether or not vetd takes these assignments, they make no interviewer */
	on(&nb.cso, "POST", &f, "/assignments",
	   json("{'role': 'interviewer', 'username': '%s'}", nb.applicant.name));
	on(&nb.cso, "POST", &f, "/assignments",
	   json("{'role': 'interviewer', 'username': 'acme-interviewer'}"));
	before = snapshot();
	expect_error(on(&nb.interviewer, "POST", &f, "/interviews",
			json("{'date': '%s', 'interviewers': ['%s', '%s'], 'outcome': 'completed'}",
			     today(), nb.interviewer.name, nb.applicant.name)),
		     422, "not_an_interviewer");
	expect_error(on(&nb.interviewer, "POST", &f, "/interviews",
			json("{'date': '%s', 'interviewers': ['%s', 'acme-interviewer'],"
			     " 'outcome': 'completed'}", today(), nb.interviewer.name)),
		     422, "not_an_interviewer");
	cr_assert_str_eq(snapshot(), before, "an interview was recorded");
	expect_refused(take(&nb.interviewer, &f, "interview_done"), "two interviewers");
}

/* REGDOC 5.4.4, NZSIS B2: no clearance for someone who refuses to be
 * interviewed. The refusal leads to a deny recommendation; once the
 * applicant has declined to answer the concerns, the authority denies. */
Test(casework, refusal_to_be_interviewed_leads_to_a_denial)
{
	struct office nb;
	struct file f;
	struct vt_response *r;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	declare_indictable_conviction(&f);
	submit_and_screen(&f);
	notice(&f, "NRT", ago(0, 30), false);
	move(&nb.screening, &f, "to_interview", "interview");
	expect(on(&nb.interviewer, "POST", &f, "/interviews",
		  json("{'date': '%s', 'interviewers': ['%s'], 'outcome': 'refused',"
		       " 'notes': 'The applicant declined to attend'}",
		       today(), nb.interviewer.name)), 201);
	move(&nb.interviewer, &f, "interview_done", "adjudication");

	r = recommendation(&nb.adjudicator, &f, json("{'guidelines': {'E': {'disqualifying':"
			   " [{'id': 'E2', 'date': '%s'}], 'mitigating': ['E11']}}}", ago(8, 0)));
	cr_assert_str_eq(text(r, "recommendation.result.recommendation"), "deny", "%s", r->body);
	cr_assert(listed(cites_of(r, "recommendation.result.reasons"), "B2"), "%s", r->body);

	/* procedural fairness: the concerns are put, the applicant declines */
	expect(on(&nb.adjudicator, "POST", &f, "/concerns",
		  json("{'text': 'You refused the security interview required for your"
		       " indictable conviction.'}")), 200);
	expect(on(&nb.applicant, "POST", &f, "/response", "{\"declines\": true}"), 200);
	cr_assert_str_eq(state_of(&f), "adjudication");
	move(&nb.adjudicator, &f, "recommend", "decision");
	r = expect(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"deny\"}"), 200);
	cr_assert_str_eq(text(r, "case.state"), "denied");
	cr_assert_eq(sql_number("SELECT count(*) FROM clearances"), 0);
	expect_refused(on(&nb.applicant, "POST", &f, "/briefing",
			  json("{'date': '%s'}", today())), "no such transition");
	/* the denial is reported to the regulator (REGDOC 6.2), with the
	 * conditions cited and no text of the file */
	cr_assert_eq(sql_number("SELECT count(*) FROM regulator_reports WHERE kind ="
				" 'denial' AND case_id = %lld AND data LIKE '%%B2%%' AND"
				" data NOT LIKE '%%security interview required%%'",
				f.id), 1);
	/* and the applicant is told there is a decision */
	cr_assert_eq(sql_number("SELECT count(*) FROM outbox WHERE kind = 'decision'"
				" AND recipient = '%s' AND dedup = 'decision:%lld'",
				nb.applicant.name, f.id), 1);
}

/* A grant with two restrictions, one reviewed in a year; with a
 * justification unless NULL (the policy recommended a plain grant). */
static const char *restricted_grant(const char *justification)
{
	return json("{'outcome': 'grant_with_restrictions',"
		    " 'restrictions': [{'type': 'hours',"
		    "   'detail': 'Day shift only, 07:00 to 19:00',"
		    "   'review_date': '%s'},"
		    "  {'type': 'no_prescribed_information',"
		    "   'detail': 'No access to prescribed information until the review'}]"
		    "%s%s%s}", ago(-1, 0), justification ? ", 'justification': '" : "",
		    justification ? justification : "", justification ? "'" : "");
}

/* REGDOC 5.4.2: the authority may grant with restrictions, recorded with
 * their review; the register shows a restricted clearance. */
Test(casework, grant_with_restrictions_gives_a_restricted_clearance)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *before;
	json_t *c;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	to_adjudication(&f);
	to_decision(&f, settled_bankruptcy(), "grant");

	before = snapshot();
	expect_error(on(&nb.authority, "POST", &f, "/decision",
			"{\"outcome\": \"grant_with_restrictions\"}"), 422, "restrictions");
	expect_error(on(&nb.authority, "POST", &f, "/decision", restricted_grant(NULL)),
		     422, "justification_required");
	cr_assert_str_eq(snapshot(), before);

	r = decide_and_brief(&f, restricted_grant("Shift work only while the financial"
						  " review completes"));
	cr_assert_str_eq(text(r, "clearance.status"), "restricted", "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "clearance.restrictions")), 2, "%s", r->body);
	c = clearance_in_register(&nb.cso, &f, "?status=restricted");
	cr_assert_not_null(c, "no restricted clearance in the register");
	cr_assert_str_eq(member_str(json_array_get(json_object_get(c, "restrictions"), 0),
				    "type"), "hours");
	cr_assert_null(clearance_in_register(&nb.cso, &f, "?status=active"));
	/* a grant departing from a clean recommendation is reported, with
	 * the justification (REGDOC 6.1) */
	cr_assert_eq(sql_number("SELECT count(*) FROM regulator_reports WHERE kind ="
				" 'grant_with_concerns' AND case_id = %lld AND data LIKE"
				" '%%departs_from_recommendation%%' AND data LIKE '%%Shift"
				" work only%%'", f.id), 1);
}

/* --- refused steps -------------------------------------------------------- */

/* Every way a step is refused, each 409 "refused" with the reason, and
 * nothing changes: the wrong role, a failing guard, the wrong state, a
 * step the workflow does not have. */
Test(casework, refused_transitions_say_why_and_change_nothing)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *before;
	json_t *t;
	size_t i;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	write_section(&nb.applicant, &f, "residences", home_since(ago(10, 0)));
	before = snapshot();

	/* a failing guard: the application is incomplete */
	expect_refused(take(&nb.applicant, &f, "submit"), "missing");
	r = expect(on(&nb.applicant, "GET", &f, "/transitions", NULL), 200);
	cr_assert_str_eq(text(r, "state"), "draft");
	json_array_foreach(vt_json_get(r, "transitions"), i, t) {
		cr_assert_str_eq(member_str(t, "name"), "submit", "%s", r->body);
		cr_assert(json_is_false(json_object_get(t, "allowed")), "%s", r->body);
		cr_assert_str_neq(member_str(t, "reason"), "(none)", "%s", r->body);
	}
	/* the wrong role */
	expect_refused(take(&nb.screening, &f, "submit"), "not open to your role");
	/* the wrong state: nothing to grant, screen or recommend in a draft */
	/* the decision's steps are taken only through their endpoints */
	expect_refused(take(&nb.authority, &f, "grant"), "rules of its own");
	expect_refused(take(&nb.authority, &f, "recommend"),
		       "no such transition from this state");
	expect_refused(take(&nb.screening, &f, "start_screening"),
		       "no such transition from this state");
	expect_refused(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"grant\"}"),
		       "no recommendation");
	expect_refused(on(&nb.adjudicator, "POST", &f, "/recommendation", "{}"),
		       "during adjudication");
	expect_refused(on(&nb.applicant, "POST", &f, "/briefing",
			  json("{'date': '%s'}", today())), "no decision");
	expect_refused(on(&nb.applicant, "POST", &f, "/response", "{\"text\": \"I disagree\"}"),
		       "no concerns");
	/* a step the workflow does not have */
	expect_refused(take(&nb.cso, &f, "approve_everything"), "no such transition");
	cr_assert_str_eq(snapshot(), before, "a refused step changed something");

	/* submitted: the applicant may not screen, nor change the application */
	fill_application(&f);
	move(&nb.applicant, &f, "submit", "submitted");
	before = snapshot();
	expect_refused(take(&nb.applicant, &f, "start_screening"), "not open to your role");
	expect_refused(take(&nb.adjudicator, &f, "start_screening"), "not open to your role");
	expect_refused(take(&nb.applicant, &f, "submit"), "no such transition from this state");
	expect_refused(put_section(&nb.applicant, &f, "residences",
				   version_of(&nb.applicant, &f, "residences"),
				   home_since(ago(9, 0))), "with the applicant");
	/* a guard the office fails: the office's consent parts are unsigned */
	move(&nb.screening, &f, "start_screening", "screening");
	before = snapshot();
	expect_refused(take(&nb.screening, &f, "to_adjudication"), "consent");
	cr_assert_str_eq(snapshot(), before, "a refused step changed something");
}

/* The steps that carry a record of their own are taken only through
 * their endpoint: a grant or a denial through the decision (with its
 * recommendation, separation of duties and procedural fairness), the
 * briefing through its acknowledgement (which issues the clearance). As
 * bare transitions they are refused and change nothing. */
Test(casework, decision_steps_are_not_bare_transitions)
{
	struct office nb;
	struct file f;
	const char *before;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	to_adjudication(&f);
	to_decision(&f, serious_recent_offence(), "deny");

	/* no concerns were put: a denial would skip procedural fairness */
	before = snapshot();
	expect_error(take(&nb.authority, &f, "deny"), 409, "refused");
	expect_error(take(&nb.authority, &f, "grant"), 409, "refused");
	cr_assert_str_eq(snapshot(), before, "a bare transition decided the case");

	/* granted through the decision: the clearance comes with the briefing */
	expect(on(&nb.authority, "POST", &f, "/decision",
		  json("{'outcome': 'grant', 'justification': 'The offence was provoked;"
		       " see the witness statements on file'}")), 200);
	before = snapshot();
	expect_error(take(&nb.applicant, &f, "acknowledge_briefing"), 409, "refused");
	cr_assert_str_eq(snapshot(), before, "the case was issued without a clearance");
	expect(on(&nb.applicant, "POST", &f, "/briefing", json("{'date': '%s'}", today())), 201);
	cr_assert_eq(sql_number("SELECT count(*) FROM clearances WHERE case_id = %lld", f.id), 1);
}

/* --- separation of duties ------------------------------------------------- */

/* The adjudicator is also made an authority through the directory. */
static void adjudicator_becomes_authority(void)
{
	vt_ldap_modify(str("dn: %s\nchangetype: modify\nadd: member\nmember: %s\n-\n",
			   vt_group_dn("northbridge-authority"),
			   vt_user_dn("northbridge-adjudicator")));
}

/* One person holding both roles on a case does not decide on their own
 * recommendation; another authority does. */
Test(casework, adjudicator_may_not_decide_on_own_recommendation)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *before;

	start(NULL, NULL);
	adjudicator_becomes_authority();
	staff(&nb, "northbridge");
	r = expect(call(&nb.adjudicator, "GET", "/api/v1/me", NULL), 200);
	cr_assert_not_null(strstr(r->body, "\"authority\""), "not an authority: %s", r->body);
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	assign(&f, "authority", &nb.adjudicator);
	to_adjudication(&f);
	to_decision(&f, settled_bankruptcy(), "grant");

	before = snapshot();
	expect_refused(on(&nb.adjudicator, "POST", &f, "/decision", "{\"outcome\": \"grant\"}"),
		       "may not also decide");
	cr_assert_str_eq(snapshot(), before);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'decision.separation_relaxed'"), 0);
	r = expect(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"grant\"}"), 200);
	cr_assert_str_eq(text(r, "case.state"), "briefing");
}

/* An organization too small to separate the duties says so in its
 * configuration; the decision is then allowed, and audited. */
Test(casework, relaxed_separation_is_allowed_and_audited)
{
	struct office nb;
	struct file f;
	struct vt_response *r;

	start(NULL, "relax_separation = true");
	adjudicator_becomes_authority();
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	assign(&f, "authority", &nb.adjudicator);
	to_adjudication(&f);
	to_decision(&f, settled_bankruptcy(), "grant");

	r = expect(on(&nb.adjudicator, "POST", &f, "/decision", "{\"outcome\": \"grant\"}"), 200);
	cr_assert_str_eq(text(r, "case.state"), "briefing");
	r = expect(on(&nb.cso, "GET", &f, "", NULL), 200);
	cr_assert(json_is_true(vt_json_get(r, "sections.decision.data.separation_relaxed")),
		  "%s", r->body);
	cr_assert_str_eq(text(r, "sections.decision.data.by"), actor(&nb.adjudicator));
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'decision.separation_relaxed' AND target = 'case:%lld'"
				" AND actor = '%s'", f.id, actor(&nb.adjudicator)), 1);
}

/* --- procedural fairness -------------------------------------------------- */

/* Nobody is denied before the concerns were put to them and they had
 * their say: no denial without concerns, none while the response period
 * runs, and one once the applicant has answered. */
Test(casework, deny_waits_for_the_applicants_answer_to_the_concerns)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *before, *due = ago(0, -20);

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	to_adjudication(&f);
	to_decision(&f, serious_recent_offence(), "deny");

	before = snapshot();
	expect_refused(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"deny\"}"),
		       "concerns must be put to the applicant");
	cr_assert_str_eq(snapshot(), before);

	/* back to the adjudicator, who puts the concerns */
	move(&nb.authority, &f, "refer_back", "adjudication");
	r = expect(on(&nb.adjudicator, "POST", &f, "/concerns",
		      json("{'text': 'The assault of last year is serious and recent;"
			   " tell us anything that bears on it.'}")), 200);
	cr_assert_str_eq(text(r, "case.state"), "fairness");
	cr_assert_str_eq(text(r, "case.response_due"), due, "%s", r->body);

	before = snapshot();
	expect_refused(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"deny\"}"),
		       str("may answer the concerns until %s", due));
	cr_assert_str_eq(snapshot(), before);

	/* the applicant answers; the case goes back to the authority */
	r = expect(on(&nb.applicant, "POST", &f, "/response",
		      json("{'text': 'I was acquitted of a related charge; the court"
			   " records are attached.'}")), 200);
	cr_assert_str_eq(text(r, "case.state"), "adjudication");
	expect_refused(on(&nb.applicant, "POST", &f, "/response",
			  "{\"text\": \"One more thing\"}"), "answered already");
	move(&nb.adjudicator, &f, "recommend", "decision");
	r = expect(on(&nb.authority, "POST", &f, "/decision", "{\"outcome\": \"deny\"}"), 200);
	cr_assert_str_eq(text(r, "case.state"), "denied");
	r = expect(on(&nb.cso, "GET", &f, "", NULL), 200);
	cr_assert_str_eq(text(r, "sections.decision.data.outcome"), "deny");
	cr_assert_str_eq(text(r, "sections.response.data.received_on"), today());
}

/* --- two writers ---------------------------------------------------------- */

/* Two people write the same section from the same version: the second
 * is told it changed meanwhile, and the first one's data stays. */
Test(casework, second_writer_of_a_section_gets_a_conflict)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	long long v, events;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);

	/* both start a new residence history */
	cr_assert_eq(version_of(&nb.applicant, &f, "residences"), 0);
	cr_assert_eq(version_of(&nb.screening, &f, "residences"), 0);
	r = expect(put_section(&nb.applicant, &f, "residences", 0, home_since("2015-03-01")), 200);
	cr_assert_eq(number(r, "version"), 1);
	events = events_of(&f);
	expect_error(put_section(&nb.screening, &f, "residences", 0, home_since("2016-04-01")),
		     409, "conflict");
	cr_assert_eq(events_of(&f), events);
	cr_assert_str_eq(sql("SELECT json_extract(data, '$[0].from') || ' v' || version"
			     " FROM case_sections WHERE case_id = %lld AND name = 'residences'",
			     f.id), "2015-03-01 v1");

	/* both read version 1; screening writes first this time */
	v = version_of(&nb.applicant, &f, "residences");
	cr_assert_eq(version_of(&nb.screening, &f, "residences"), v);
	expect(put_section(&nb.screening, &f, "residences", v, home_since("2014-02-01")), 200);
	expect_error(put_section(&nb.applicant, &f, "residences", v, home_since("2013-01-01")),
		     409, "conflict");
	cr_assert_str_eq(sql("SELECT json_extract(data, '$[0].from') || ' v' || version"
			     " FROM case_sections WHERE case_id = %lld AND name = 'residences'",
			     f.id), "2014-02-01 v2");
	r = expect(on(&nb.applicant, "GET", &f, "", NULL), 200);
	cr_assert_str_eq(text(r, "sections.residences.updated_by"), actor(&nb.screening));

	/* a version from the future is stale too */
	expect_error(put_section(&nb.applicant, &f, "residences", 7, home_since("2013-01-01")),
		     409, "conflict");

	/* the adjudicator's worksheet works the same way */
	expect(on(&nb.adjudicator, "PUT", &f, "/worksheet",
		  "{\"version\": 0, \"data\": {\"guidelines\": {}}}"), 200);
	expect_error(on(&nb.adjudicator, "PUT", &f, "/worksheet",
			"{\"version\": 0, \"data\": {\"patterns\": [\"dishonesty\"]}}"),
		     409, "conflict");
	cr_assert_str_eq(sql("SELECT data FROM case_sections WHERE case_id = %lld"
			     " AND name = 'worksheet'", f.id), "{\"guidelines\":{}}");
}

/* --- need-to-know and tenancy --------------------------------------------- */

static const char *case_ids(const struct vt_who *who)
{
	struct vt_response *r = expect(call(who, "GET", "/api/v1/cases", NULL), 200);
	json_t *c;
	size_t i;
	const char *out = "";

	json_array_foreach(vt_json_get(r, "cases"), i, c)
		out = str("%s%s%lld", out, i ? "," : "",
			  (long long)json_integer_value(json_object_get(c, "id")));
	return out;
}

/* Staff see a case when assigned to it (403 before), an applicant only
 * their own (404 for anyone else's), no one another organization's (404),
 * and the admin no case at all; lists show only what one may see. */
Test(casework, cases_are_need_to_know_and_stay_in_their_organization)
{
	struct office nb, acme;
	struct file mine, theirs, other_org;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	staff(&acme, "acme");
	mine = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	theirs = open_case(&nb, &nb.applicant2, "Kim Other", ago(35, 0), "CV");
	other_org = open_case(&acme, &acme.applicant, "Robin Acme", ago(29, 0), "TS");

	/* screening, not assigned: forbidden, and the refusal is audited */
	expect_error(on(&nb.screening, "GET", &mine, "", NULL), 403, "forbidden");
	expect_error(on(&nb.screening, "GET", &mine, "/requirements", NULL), 403, "forbidden");
	expect_error(put_section(&nb.screening, &mine, "crnc", 0, "[]"), 403, "forbidden");
	cr_assert_str_eq(case_ids(&nb.screening), "");
	cr_assert_geq(sql_number("SELECT count(*) FROM audit_events WHERE action = 'access.denied'"
				 " AND actor = '%s' AND target = 'case:%lld'",
				 actor(&nb.screening), mine.id), 1);
	expect_error(on(&nb.interviewer, "GET", &mine, "", NULL), 403, "forbidden");
	expect_error(on(&nb.adjudicator, "GET", &mine, "/events", NULL), 403, "forbidden");

	/* assigned: the case, and only that one, is theirs to see */
	assign(&mine, "screening", &nb.screening);
	expect(on(&nb.screening, "GET", &mine, "", NULL), 200);
	cr_assert_str_eq(case_ids(&nb.screening), str("%lld", mine.id));
	expect_error(on(&nb.screening, "GET", &theirs, "", NULL), 403, "forbidden");

	/* applicants: their own file only; another's does not exist */
	expect(on(&nb.applicant, "GET", &mine, "", NULL), 200);
	expect_error(on(&nb.applicant2, "GET", &mine, "", NULL), 404, "not_found");
	expect_error(on(&nb.applicant2, "GET", &mine, "/requirements", NULL), 404, "not_found");
	expect_error(call(&nb.applicant2, "GET", str("/api/v1/persons/%lld", mine.person), NULL),
		     404, "not_found");
	cr_assert_str_eq(case_ids(&nb.applicant), str("%lld", mine.id));
	cr_assert_str_eq(case_ids(&nb.applicant2), str("%lld", theirs.id));

	/* the whole office: cso, authority and auditor */
	cr_assert_str_eq(case_ids(&nb.cso), str("%lld,%lld", theirs.id, mine.id));
	cr_assert_str_eq(case_ids(&nb.auditor), str("%lld,%lld", theirs.id, mine.id));
	expect(on(&nb.authority, "GET", &mine, "", NULL), 200);

	/* another organization: nothing of northbridge exists for acme */
	expect_error(on(&acme.cso, "GET", &mine, "", NULL), 404, "not_found");
	expect_error(on(&acme.auditor, "GET", &mine, "/events", NULL), 404, "not_found");
	expect_error(on(&acme.applicant, "GET", &mine, "", NULL), 404, "not_found");
	expect_error(call(&acme.cso, "GET", str("/api/v1/persons/%lld", mine.person), NULL),
		     404, "not_found");
	expect_error(call(&acme.cso, "POST", "/api/v1/cases",
			  json("{'person_id': %lld, 'kind': 'new', 'level': 'SECRET'}",
			       mine.person)), 422, "unknown_person");
	cr_assert_str_eq(case_ids(&acme.cso), str("%lld", other_org.id));
	expect_error(on(&nb.cso, "GET", &other_org, "", NULL), 404, "not_found");

	/* the admin runs the system, not the cases */
	expect_error(call(&nb.admin, "GET", "/api/v1/cases", NULL), 403, "forbidden");
	expect_error(on(&nb.admin, "GET", &mine, "", NULL), 403, "forbidden");
}

/* --- bad input ------------------------------------------------------------ */

/* One bad request: who makes it (a role of northbridge's office), how,
 * the error expected, and the body. In paths and bodies, {case} is a northbridge case in
 * draft, {person} its person, {acme-case} and {acme-person} acme's, and
 * {today} today. */
struct bad {
	const char *who;
	const char *method;
	const char *path;
	long status;
	const char *code;
	const char *body;
};

static const struct bad bad_requests[] = {
	/* persons */
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '2026-02-30'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '1990-13-01'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01', 'gender': 'female'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01', 'marital_status': 'single'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 42, 'date_of_birth': '1990-01-01'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'date_of_birth': '1990-01-01'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01', 'citizenships': 'CA'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01', 'citizenships': ['Canada']}" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01', 'address': {'line': 'x',"
	  " 'ethnicity': 'y'}}" },
	{ "cso", "POST", "/api/v1/persons", 409, "conflict",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01', 'username': 'northbridge-applicant'}" },
	{ "cso", "POST", "/api/v1/persons", 400, "invalid_json",
	  "{'name': 'Lee'" },
	{ "cso", "POST", "/api/v1/persons", 400, "bad_request",
	  "['Lee']" },
	{ "applicant", "POST", "/api/v1/persons", 403, "forbidden",
	  "{'name': 'Lee', 'date_of_birth': '1990-01-01'}" },
	/* cases */
	{ "cso", "POST", "/api/v1/cases", 400, "bad_request",
	  "{'person_id': '{person}', 'kind': 'new', 'level': 'SECRET'}" },
	{ "cso", "POST", "/api/v1/cases", 400, "bad_request",
	  "{'person_id': {person}, 'kind': 'fresh', 'level': 'SECRET'}" },
	{ "cso", "POST", "/api/v1/cases", 400, "bad_request",
	  "{'person_id': {person}, 'kind': 'new', 'level': 7}" },
	{ "cso", "POST", "/api/v1/cases", 422, "unknown_level",
	  "{'person_id': {person}, 'kind': 'new', 'level': 'COSMIC'}" },
	{ "cso", "POST", "/api/v1/cases", 422, "unknown_person",
	  "{'person_id': 999999, 'kind': 'new', 'level': 'SECRET'}" },
	{ "cso", "POST", "/api/v1/cases", 422, "unknown_person",
	  "{'person_id': {acme-person}, 'kind': 'new', 'level': 'SECRET'}" },
	{ "cso", "POST", "/api/v1/cases", 422, "unknown_site",
	  "{'person_id': {person}, 'kind': 'new', 'level': 'SECRET', 'site': 'nowhere'}" },
	{ "cso", "POST", "/api/v1/cases", 400, "bad_request",
	  "{'person_id': {person}, 'kind': 'new', 'level': 'SECRET', 'priority': 'high'}" },
	{ "cso", "POST", "/api/v1/cases", 400, "bad_request",
	  "{'person_id': {person}, 'kind': 'new', 'level': 'SECRET', 'position': {'title': 'x',"
	  " 'salary': 1}}" },
	{ "screening", "POST", "/api/v1/cases", 403, "forbidden",
	  "{'person_id': {person}, 'kind': 'new', 'level': 'SECRET'}" },
	/* sections */
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 'one', 'data': []}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': [], 'note': 'x'}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': {}}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': [{'from': '2026-02-30', 'country': 'CA'}]}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': [{'from': '2020-01-01', 'to': '2019-01-01', 'country': 'CA'}]}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': [{'from': '2020-01-01', 'country': 'CA', 'gender': 'male'}]}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': [{'from': '2020-01-01', 'country': 'Canada'}]}" },
	{ "applicant", "PUT", "{case}/sections/residences", 400, "bad_request",
	  "{'version': 1, 'data': [{'from': 20200101, 'country': 'CA'}]}" },
	{ "applicant", "PUT", "{case}/sections/personal", 400, "bad_request",
	  "{'version': 0, 'data': {'name': 'Alex', 'date_of_birth': '1985-01-01',"
	  " 'gender': 'male'}}" },
	{ "applicant", "PUT", "{case}/sections/identity_documents", 400, "bad_request",
	  "{'version': 0, 'data': [{'type': 'library_card', 'number': '1', 'issuer': 'CA'}]}" },
	{ "applicant", "PUT", "{case}/sections/identity_documents", 400, "bad_request",
	  "{'version': 0, 'data': [{'type': 'passport', 'number': '1', 'issuer': 'CA',"
	  " 'photo': 'yes'}]}" },
	{ "applicant", "PUT", "{case}/sections/convictions", 400, "bad_request",
	  "{'version': 0, 'data': [{'offence': 'x', 'date': '2020-01-01', 'class': 'felony'}]}" },
	{ "applicant", "PUT", "{case}/sections/consent", 400, "bad_request",
	  "{'version': 0, 'data': {'parts': {'F': {'date': '{today}'}}}}" },
	{ "applicant", "PUT", "{case}/sections/consent", 403, "forbidden",
	  "{'version': 0, 'data': {'parts': {'A': {'date': '{today}'}}}}" },
	{ "screening", "PUT", "{case}/sections/consent", 403, "forbidden",
	  "{'version': 0, 'data': {'parts': {'C': {'date': '{today}'}}}}" },
	{ "applicant", "PUT", "{case}/sections/crnc", 403, "forbidden",
	  "{'version': 0, 'data': [{'country': 'CA', 'result': 'no_record'}]}" },
	{ "screening", "PUT", "{case}/sections/crnc", 400, "bad_request",
	  "{'version': 0, 'data': [{'country': 'CA', 'result': 'clean'}]}" },
	{ "applicant", "PUT", "{case}/sections/hobbies", 404, "not_found",
	  "{'version': 0, 'data': []}" },
	{ "applicant", "PUT", "/api/v1/cases/abc/sections/residences", 404, "not_found",
	  "{'version': 0, 'data': []}" },
	{ "cso", "PUT", "{acme-case}/sections/position", 404, "not_found",
	  "{'version': 0, 'data': {'title': 'x'}}" },
	/* transitions and assignments */
	{ "applicant", "POST", "{case}/transitions", 400, "bad_request",
	  "{'name': 7}" },
	{ "applicant", "POST", "{case}/transitions", 400, "bad_request",
	  "{}" },
	{ "applicant", "POST", "/api/v1/cases/0/transitions", 404, "not_found",
	  "{'name': 'submit'}" },
	{ "cso", "POST", "{acme-case}/transitions", 404, "not_found",
	  "{'name': 'withdraw'}" },
	{ "cso", "POST", "{case}/assignments", 400, "bad_request",
	  "{'role': 'janitor', 'username': 'northbridge-screening'}" },
	{ "cso", "POST", "{case}/assignments", 400, "bad_request",
	  "{'role': 'cso', 'username': 'northbridge-screening'}" },
	{ "cso", "POST", "{case}/assignments", 400, "bad_request",
	  "{'role': 'screening'}" },
	{ "cso", "POST", "{case}/assignments", 400, "bad_request",
	  "{'role': 'screening', 'username': 'northbridge-screening', 'until': '2030-01-01'}" },
	{ "cso", "POST", "{case}/assignments", 400, "bad_request",
	  "{'role': 'screening', 'username': ' northbridge-screening'}" },
	{ "cso", "POST", "{acme-case}/assignments", 404, "not_found",
	  "{'role': 'screening', 'username': 'northbridge-screening'}" },
	{ "applicant", "POST", "{case}/assignments", 403, "forbidden",
	  "{'role': 'screening', 'username': 'northbridge-applicant'}" },
	/* notices */
	{ "screening", "POST", "{case}/notices", 400, "bad_request",
	  "{'type': 'NRT', 'date': '2026-02-30'}" },
	{ "screening", "POST", "{case}/notices", 400, "bad_request",
	  "{'type': 'NOA', 'date': '{today}'}" },
	{ "screening", "POST", "{case}/notices", 400, "bad_request",
	  "{'type': 'NRT'}" },
	{ "screening", "POST", "{case}/notices", 400, "bad_request",
	  "{'type': 'NRT', 'date': '{today}', 'follow_up': 'yes'}" },
	{ "screening", "POST", "{case}/notices", 400, "bad_request",
	  "{'type': 'NRT', 'date': '{today}', 'source': 'CSIS'}" },
	{ "applicant", "POST", "{case}/notices", 403, "forbidden",
	  "{'type': 'NRT', 'date': '{today}'}" },
	/* interviews */
	{ "interviewer", "POST", "{case}/interviews", 400, "bad_request",
	  "{'date': '{today}', 'interviewers': [], 'outcome': 'completed'}" },
	{ "interviewer", "POST", "{case}/interviews", 400, "bad_request",
	  "{'date': '{today}', 'interviewers': ['a', 'b', 'c'], 'outcome': 'completed'}" },
	{ "interviewer", "POST", "{case}/interviews", 400, "bad_request",
	  "{'date': '{today}', 'interviewers': ['northbridge-interviewer'], 'outcome': 'great'}" },
	{ "interviewer", "POST", "{case}/interviews", 400, "bad_request",
	  "{'date': '2026-02-30', 'interviewers': ['northbridge-interviewer'],"
	  " 'outcome': 'completed'}" },
	{ "interviewer", "POST", "{case}/interviews", 400, "bad_request",
	  "{'date': '{today}', 'interviewers': 'northbridge-interviewer',"
	  " 'outcome': 'completed'}" },
	{ "interviewer", "POST", "{case}/interviews", 400, "bad_request",
	  "{'date': '{today}', 'interviewers': ['northbridge-interviewer'],"
	  " 'outcome': 'completed', 'rating': 5}" },
	{ "interviewer", "POST", "{case}/interviews", 422, "interviewers_not_distinct",
	  "{'date': '{today}', 'interviewers': ['northbridge-interviewer',"
	  " 'northbridge-interviewer'], 'outcome': 'completed'}" },
	{ "interviewer", "POST", "{case}/interviews", 422, "not_an_interviewer",
	  "{'date': '{today}', 'interviewers': ['northbridge-interviewer', 'northbridge-cso'],"
	  " 'outcome': 'completed'}" },
	/* the worksheet and the recommendation */
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': 0, 'data': {'guidelines': {'H': {}}}}" },
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': 0, 'data': {'guidelines': {'E': {'disqualifying': [{'id': 'E2',"
	  " 'date': '2026-02-30'}]}}}}" },
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': 0, 'data': {'guidelines': {'E': {'mitigating': 'E11'}}}}" },
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': 0, 'data': {'conduct': {'mood': 'calm'}}}" },
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': 0, 'data': {'verdict': 'grant'}}" },
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': 0, 'data': []}" },
	{ "adjudicator", "PUT", "{case}/worksheet", 400, "bad_request",
	  "{'version': -1, 'data': {}}" },
	{ "screening", "PUT", "{case}/worksheet", 403, "forbidden",
	  "{'version': 0, 'data': {}}" },
	{ "adjudicator", "POST", "{case}/recommendation", 400, "bad_request",
	  "{'automated': 'yes'}" },
	{ "adjudicator", "POST", "{case}/recommendation", 400, "bad_request",
	  "{'verdict': 'grant'}" },
	{ "applicant", "POST", "{case}/recommendation", 403, "forbidden",
	  "{}" },
	/* fairness and the decision */
	{ "adjudicator", "POST", "{case}/concerns", 400, "bad_request",
	  "{'text': 5}" },
	{ "adjudicator", "POST", "{case}/concerns", 400, "bad_request",
	  "{}" },
	{ "adjudicator", "POST", "{case}/concerns", 400, "bad_request",
	  "{'text': 'Concerns', 'due': '2030-01-01'}" },
	{ "adjudicator", "POST", "{case}/concerns", 409, "refused",
	  "{'text': 'Concerns'}" },
	{ "applicant", "POST", "{case}/response", 400, "bad_request",
	  "{}" },
	{ "applicant", "POST", "{case}/response", 400, "bad_request",
	  "{'text': 'No', 'declines': true}" },
	{ "applicant", "POST", "{case}/response", 400, "bad_request",
	  "{'declines': 'yes'}" },
	{ "authority", "POST", "{case}/decision", 400, "bad_request",
	  "{'outcome': 'approve'}" },
	{ "authority", "POST", "{case}/decision", 400, "bad_request",
	  "{'outcome': 'grant', 'reason': 'fine'}" },
	{ "authority", "POST", "{case}/decision", 400, "bad_request",
	  "{'outcome': 'grant_with_restrictions', 'restrictions': [{'type': 'curfew',"
	  " 'detail': 'x'}]}" },
	{ "authority", "POST", "{case}/decision", 400, "bad_request",
	  "{'outcome': 'grant_with_restrictions', 'restrictions': [{'type': 'hours',"
	  " 'detail': 'x', 'review_date': '2027-02-30'}]}" },
	{ "authority", "POST", "{case}/decision", 422, "restrictions",
	  "{'outcome': 'grant_with_restrictions'}" },
	{ "adjudicator", "POST", "{case}/decision", 403, "forbidden",
	  "{'outcome': 'grant'}" },
	{ "applicant", "POST", "{case}/briefing", 400, "bad_request",
	  "{'date': '2026-02-30'}" },
	{ "applicant", "POST", "{case}/briefing", 400, "bad_request",
	  "{'date': 'tomorrow'}" },
	{ "applicant", "POST", "{case}/briefing", 400, "bad_request",
	  "{'date': '{today}', 'signed': true}" },
	/* reading: malformed and foreign ids, bad filters */
	{ "cso", "GET", "/api/v1/cases/abc", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases/0", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases/-1", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases/1.5", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases/99999999", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases/99999999999999999999", 404, "not_found", NULL },
	{ "cso", "GET", "{acme-case}", 404, "not_found", NULL },
	{ "cso", "GET", "{acme-case}/events", 404, "not_found", NULL },
	{ "cso", "GET", "{acme-case}/requirements", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases/abc/transitions", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/persons/abc", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/persons/{acme-person}", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/clearances/abc", 404, "not_found", NULL },
	{ "cso", "GET", "/api/v1/cases?limit=0", 400, "bad_request", NULL },
	{ "cso", "GET", "/api/v1/cases?limit=many", 400, "bad_request", NULL },
	{ "cso", "GET", "/api/v1/cases?kind=fresh", 400, "bad_request", NULL },
	{ "cso", "GET", "/api/v1/cases?before=x", 400, "bad_request", NULL },
	{ "cso", "GET", "/api/v1/clearances?expiring_before=2026-02-30", 400, "bad_request", NULL },
	{ "cso", "GET", "/api/v1/clearances?status=glorious", 400, "bad_request", NULL },
};

static const struct vt_who *role_of(struct office *o, const char *role)
{
	if (strcmp(role, "cso") == 0)
		return &o->cso;
	if (strcmp(role, "screening") == 0)
		return &o->screening;
	if (strcmp(role, "interviewer") == 0)
		return &o->interviewer;
	if (strcmp(role, "adjudicator") == 0)
		return &o->adjudicator;
	if (strcmp(role, "authority") == 0)
		return &o->authority;
	if (strcmp(role, "applicant") == 0)
		return &o->applicant;
	cr_assert_fail("no such role in the table: %s", role);
	return NULL;
}

/* Make one bad request (placeholders filled in) and check its error and
 * that nothing was written. */
static void bad_request(struct office *o, const char *method, const char *path,
			const char *body, const char *who, long status, const char *code)
{
	const char *before = snapshot();

	expect_error(call(role_of(o, who), method, path, body), status, code);
	cr_assert_str_eq(snapshot(), before, "%s changed the database", last);
}

static const char *fill_in(const char *s, struct file *f, struct file *acme)
{
	s = replace(s, "{case}", f->path);
	s = replace(s, "{person}", str("%lld", f->person));
	s = replace(s, "{acme-case}", acme->path);
	s = replace(s, "{acme-person}", str("%lld", acme->person));
	s = replace(s, "{today}", today());
	return s;
}

/* Every endpoint with wrong types, impossible dates, unknown fields
 * (including the grounds the product never collects), unknown values,
 * other organizations' ids and malformed ids: each gets its error, and
 * nothing is written. */
Test(casework, bad_input_on_every_endpoint_changes_nothing)
{
	struct office nb, acme;
	struct file f, other_org;
	const struct bad *b;
	const char *body;
	size_t i;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	staff(&acme, "acme");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	write_section(&nb.applicant, &f, "residences", home_since(ago(10, 0)));
	other_org = open_case(&acme, &acme.applicant, "Robin Acme", ago(29, 0), "TS");

	for (i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++) {
		b = &bad_requests[i];
		body = b->body != NULL ? json("%s", fill_in(b->body, &f, &other_org)) : NULL;
		bad_request(&nb, b->method, fill_in(b->path, &f, &other_org), body, b->who,
			    b->status, b->code);
	}
}

/* Text beyond every limit: refused with the field named, nothing written;
 * a body beyond the server's limit is refused whole. */
Test(casework, oversized_input_changes_nothing)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *before;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);

	bad_request(&nb, "POST", "/api/v1/persons",
		    json("{'name': '%s', 'date_of_birth': '1990-01-01'}", letters(301)),
		    "cso", 400, "bad_request");
	bad_request(&nb, "POST", "/api/v1/persons",
		    json("{'name': 'Lee', 'date_of_birth': '1990-01-01', 'other_names': [%s]}",
			 str("%s'Al'", replace(letters(20), "x", "'Al', ")) /* 21 names */),
		    "cso", 400, "bad_request");
	bad_request(&nb, "PUT", str("%s/sections/residences", f.path),
		    json("{'version': 0, 'data': [{'from': '2020-01-01', 'country': 'CA',"
			 " 'address': '%s'}]}", letters(301)), "applicant", 400, "bad_request");
	bad_request(&nb, "PUT", str("%s/sections/history_gaps_explained", f.path),
		    json("{'version': 0, 'data': [{'from': '2020-01-01', 'to': '2020-02-01',"
			 " 'explanation': '%s'}]}", letters(2001)),
		    "applicant", 400, "bad_request");
	bad_request(&nb, "POST", str("%s/notices", f.path),
		    json("{'type': 'NRT', 'date': '%s', 'reference': '%s'}", today(), letters(101)),
		    "screening", 400, "bad_request");
	bad_request(&nb, "POST", str("%s/interviews", f.path),
		    json("{'date': '%s', 'interviewers': ['%s'], 'outcome': 'completed',"
			 " 'notes': '%s'}", today(), nb.interviewer.name, letters(20001)),
		    "interviewer", 400, "bad_request");
	bad_request(&nb, "POST", str("%s/concerns", f.path),
		    json("{'text': '%s'}", letters(20001)), "adjudicator", 400, "bad_request");
	bad_request(&nb, "POST", str("%s/decision", f.path),
		    json("{'outcome': 'deny', 'justification': '%s'}", letters(20001)),
		    "authority", 400, "bad_request");
	r = requirements(&nb.applicant, &f);
	cr_assert(requires(r, "history_gap"), "%s", items(r, NULL, NULL));

	/* two megabytes of residences */
	before = snapshot();
	r = put_section(&nb.applicant, &f, "residences", 0,
			json("[{'from': '2020-01-01', 'country': 'CA', 'address': '%s'}]",
			     letters(2 * 1024 * 1024)));
	cr_assert_eq(r->status, 413, "%s: expected 413, got %ld: %.300s", last, r->status, r->body);
	cr_assert_str_eq(snapshot(), before);
}


/* REGDOC 4.4: screening returns an incomplete file to the applicant saying
 * what is missing; the note is in the case's history (not the audit
 * trail's detail) and the applicant can work on the file again. */
Test(casework, a_file_returned_to_the_applicant_says_what_is_missing)
{
	struct office nb;
	struct file f;
	struct vt_response *r;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin", ago(41, 20), "SECRET");
	assign_team(&f);
	fill_application(&f);
	submit_and_screen(&f);
	r = on(&nb.screening, "POST", &f, "/transitions",
	       "{\"name\": \"return_to_applicant\", \"note\": \"The 2019 "
	       "employment gap needs an explanation.\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(vt_json_str(r, "case.state"), "returned");
	r = on(&nb.applicant, "GET", &f, "/events", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_not_null(strstr(r->body, "2019 employment gap"), "%s", r->body);
	cr_assert_eq(vt_run(NULL, "test \"$(sqlite3 vetd.db \"SELECT count(*) FROM "
			    "audit_events WHERE detail LIKE '%%employment gap%%'\")\" = 0"),
		     0, "the note went into the audit trail");
	/* a note that is not text, or an unknown field, changes nothing */
	r = on(&nb.applicant, "POST", &f, "/transitions",
	       "{\"name\": \"submit\", \"note\": 5}");
	cr_assert_eq(r->status, 400, "%s", r->body);
	r = on(&nb.applicant, "POST", &f, "/transitions",
	       "{\"name\": \"submit\", \"reason\": \"x\"}");
	cr_assert_eq(r->status, 400, "%s", r->body);
	r = on(&nb.cso, "GET", &f, "", NULL);
	cr_assert_str_eq(vt_json_str(r, "case.state"), "returned");
}

/*
 * Reads made under load wait in the workers' audit spools for a group
 * commit (core/auditspool.h). A worker killed in the middle of it leaves
 * its spool to the master, which replays it into the trail. Every read
 * answered 200 is in the trail, once; the request the killed worker was
 * serving may be recorded without having been answered. The chain holds.
 */
Test(casework, every_read_answered_is_audited_even_when_a_worker_is_killed)
{
	enum { CLIENTS = 4, READS = 150 };
	struct office nb;
	struct file f;
	pid_t kids[CLIENTS], workers[8];
	int fds[CLIENTS][2], i, status;
	long long answered = 0, n, recorded, deadline;
	char *out = NULL;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Robin Reader", "1984-06-01", "SECRET");
	for (i = 0; i < CLIENTS; i++) {
		cr_assert_eq(pipe(fds[i]), 0);
		cr_assert_neq(kids[i] = fork(), -1);
		if (kids[i] == 0) {
			long long ok = 0;
			int k;

			for (k = 0; k < READS; k++)
				if (vt_call("GET", f.path, &nb.cso, NULL, NULL)->status == 200)
					ok++;
			_exit(write(fds[i][1], &ok, sizeof ok) == sizeof ok ? 0 : 1);
		}
	}
	vt_sleep_ms(300);
	cr_assert_geq(vt_workers(workers, 8), 1, "no worker to kill");
	vt_signal(workers[0], SIGKILL);
	for (i = 0; i < CLIENTS; i++) {
		cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		cr_assert_eq(read(fds[i][0], &n, sizeof n), (ssize_t)sizeof n);
		answered += n;
	}
	cr_assert_gt(answered, CLIENTS * READS / 2, "only %lld reads answered", answered);

	/* the master replays the dead worker's spool; the live one commits
	 * its own within SPOOL_AGE_MS of going idle */
	deadline = vt_now_ms() + 10000;
	do {
		recorded = sql_number("SELECT count(*) FROM audit_events WHERE action ="
				      " 'case.read' AND target = 'case:%lld'", f.id);
		if (recorded >= answered)
			break;
		vt_sleep_ms(50);
	} while (vt_now_ms() < deadline);
	cr_assert(recorded >= answered && recorded <= answered + 1,
		  "%lld reads answered, %lld recorded", answered, recorded);
	/* the live workers' spools keep their marks; the dead one's goes
	 * once the master has reaped it and replayed its spool */
	deadline = vt_now_ms() + 10000;
	while (sql_number("SELECT count(*) FROM audit_spools") >
	       (long long)vt_workers(workers, 8) && vt_now_ms() < deadline)
		vt_sleep_ms(50);
	cr_assert_leq(sql_number("SELECT count(*) FROM audit_spools"),
		      (long long)vt_workers(workers, 8),
		      "a spool was replayed but its mark kept");
	cr_assert_eq(vt_vetctl(&out, "audit verify"), 0, "%s", out);
	cr_assert(strstr(out, "intact") != NULL, "%s", out);
}

/*
 * A spool left behind by a worker that died before committing it (here
 * written as the worker writes it: one JSON record a line, see
 * core/auditspool.c; the second line torn, as by a power failure) is
 * replayed by the master when a worker dies, and only its whole records.
 */
Test(casework, master_replays_a_spool_left_by_a_dead_worker)
{
	pid_t workers[8];
	char *out = NULL;
	long long deadline, n = 0;

	start(NULL, NULL);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE target ="
				" 'case:424242'"), 0);
	vt_write_file("vetd.db.spool/spool-999999-00000000deadbeef",
		      "{\"seq\":1,\"ts\":\"2026-11-22T08:00:00.000Z\",\"actor\":"
		      "\"user:northbridge-cso\",\"org_id\":null,\"action\":"
		      "\"case.read\",\"target\":\"case:424242\",\"addr\":"
		      "\"127.0.0.1\",\"rid\":\"feedface\",\"detail\":\"{}\"}\n"
		      "{\"seq\":2,\"ts\":\"2026-11-");
	cr_assert_geq(vt_workers(workers, 8), 1, "no worker to kill");
	vt_signal(workers[0], SIGKILL);
	deadline = vt_now_ms() + 10000;
	while (vt_now_ms() < deadline &&
	       (n = sql_number("SELECT count(*) FROM audit_events WHERE target ="
			       " 'case:424242'")) == 0)
		vt_sleep_ms(50);
	cr_assert_eq(n, 1, "the spool's whole record was not replayed once");
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE target ="
				" 'case:424242' AND ts = '2026-11-22T08:00:00.000Z'"
				" AND request_id = 'feedface'"), 1,
		     "the replayed record lost its time or request id");
	/* the master says so, and removes the spool, just after the commit */
	while (vt_now_ms() < deadline &&
	       (strstr(vt_log(), "event=audit_spool_recovered records=1") == NULL ||
		access(vt_path("vetd.db.spool/spool-999999-00000000deadbeef"), F_OK) == 0))
		vt_sleep_ms(50);
	cr_assert(strstr(vt_log(), "event=audit_spool_recovered records=1") != NULL,
		  "the master did not say it replayed a spool");
	cr_assert(access(vt_path("vetd.db.spool/spool-999999-00000000deadbeef"), F_OK) != 0,
		  "the replayed spool is still there");
	cr_assert_eq(vt_vetctl(&out, "audit verify"), 0, "%s", out);
}

/*
 * The scheduled pass (vetctl tick, REGDOC 7.0) against the running stack:
 * a clearance expiring within the policy's lead time gets a renewal case,
 * which the CSO finds in the case list; a second pass opens nothing; the
 * CSO and the holder are notified through the outbox; a bad date is
 * refused and changes nothing; delivery without mail settings says so.
 */
Test(casework, tick_opens_a_renewal_once_and_notifies)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	char *out = NULL;
	long long cases;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Pat Holder", "1979-04-04", "SECRET");
	sql("INSERT INTO clearances (org_id, person_id, level, status, granted_on,"
	    " expires_on, restrictions, created_at, updated_at) SELECT org_id, id,"
	    " 'SECRET', 'active', date('now', '-1700 days'), date('now', '+90 days'),"
	    " '[]', 'x', 'x' FROM persons WHERE id = %lld", f.person);
	cases = sql_number("SELECT count(*) FROM cases");

	cr_assert_eq(vt_vetctl(&out, "tick --today 2026-13-45"), 2, "%s", out);
	cr_assert_eq(sql_number("SELECT count(*) FROM cases"), cases);

	cr_assert_eq(vt_vetctl(&out, "tick"), 0, "%s", out);
	cr_assert(strstr(out, " 1 renewal cases opened") != NULL, "%s", out);
	r = expect(call(&nb.cso, "GET", "/api/v1/cases?kind=renewal", NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "cases")), 1, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(
		vt_json_get(r, "cases"), 0), "person_id")), f.person, "%s", r->body);

	cr_assert_eq(vt_vetctl(&out, "tick"), 0, "%s", out);
	cr_assert(strstr(out, " 0 renewal cases opened") != NULL, "%s", out);
	cr_assert_eq(sql_number("SELECT count(*) FROM cases"), cases + 1);

	cr_assert_eq(vt_vetctl(&out, "outbox list"), 0, "%s", out);
	cr_assert(strstr(out, "renewal_due\trole:cso") != NULL, "%s", out);
	cr_assert(strstr(out, str("renewal_due\t%s", nb.applicant.name)) != NULL,
		  "%s", out);
	cr_assert_eq(vt_vetctl(&out, "outbox deliver"), 1, "%s", out);
	cr_assert(strstr(out, "not configured") != NULL, "%s", out);
	cr_assert_eq(sql_number("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 2);
}

/* --- after the decision (REGDOC 5.4-10) ------------------------------------ */

/* A clearance in the register for the file's person, as a decision leaves
 * it (written directly: the decision itself is the scenarios' above). */
static long long registered(struct file *f, const char *status)
{
	sql("INSERT INTO clearances (org_id, person_id, case_id, level, status,"
	    " granted_on, expires_on, restrictions, created_at, updated_at)"
	    " SELECT org_id, person_id, id, level, '%s', date('now', '-400 days'),"
	    " date('now', '+1400 days'), '[]', 'x', 'x' FROM cases WHERE id = %lld",
	    status, f->id);
	return sql_number("SELECT max(id) FROM clearances");
}

/* Everything about clearance id that a change would touch. */
static const char *clearance_state(long long id)
{
	return sql("SELECT status || ' ' || restrictions || ' ' ||"
		   " (SELECT count(*) FROM clearance_events WHERE clearance_id = %lld)"
		   " || ' ' || (SELECT count(*) FROM cases) || ' ' ||"
		   " (SELECT count(*) FROM outbox) FROM clearances WHERE id = %lld",
		   id, id);
}

Test(casework, restrictions_are_set_reviewed_and_recorded)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *path, *before;
	long long id;
	char later[11];
	time_t t = time(NULL) + 90 * 86400;

	strftime(later, sizeof later, "%Y-%m-%d", gmtime(&t));
	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Kim Restricted", "1981-05-05", "SECRET");
	id = registered(&f, "active");
	path = str("/api/v1/clearances/%lld/restrictions", id);
	before = clearance_state(id);

	/* bad input, wrong role, another organization: nothing changes */
	expect_error(call(&nb.cso, "PUT", path, "{}"), 400, "bad_request");
	expect_error(call(&nb.cso, "PUT", path, json("{'restrictions': [{'type':"
		     " 'hours', 'detail': 'days only'}], 'reason': 'r'}")), 400,
		     "bad_request");
	expect_error(call(&nb.cso, "PUT", path, json("{'restrictions': [{'type':"
		     " 'hours', 'detail': 'days only', 'review_date': '2001-01-01'}],"
		     " 'reason': 'r'}")), 422, "bad_date");
	expect_error(call(&nb.screening, "PUT", path, json("{'restrictions': [],"
		     " 'reason': 'r'}")), 403, "forbidden");
	expect_error(call(&nb.cso, "PUT", "/api/v1/clearances/999999/restrictions",
		     json("{'restrictions': [], 'reason': 'r'}")), 404, "not_found");
	cr_assert_str_eq(clearance_state(id), before);

	r = expect(call(&nb.cso, "PUT", path, json("{'restrictions': [{'type':"
		   " 'areas', 'detail': 'not in block B', 'review_date': '%s',"
		   " 'reviewer': 'northbridge-cso'}], 'reason': 'adverse"
		   " information under review'}", later)), 200);
	cr_assert_str_eq(text(r, "clearance.status"), "restricted");
	r = expect(call(&nb.cso, "GET", str("/api/v1/clearances/%lld/events", id),
			NULL), 200);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
		vt_json_get(r, "events"), 0), "type")), "restrictions_changed");
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'clearance.restrictions_changed' AND target ="
				" 'clearance:%lld'", id), 1);
	/* lifting them all makes it active again */
	r = expect(call(&nb.cso, "PUT", path, json("{'restrictions': [],"
		   " 'reason': 'review done'}")), 200);
	cr_assert_str_eq(text(r, "clearance.status"), "active");
}

Test(casework, suspension_opens_a_review_and_reinstatement_waits_for_its_grant)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *base, *before;
	long long id, review;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Lee Suspended", "1982-06-06", "SECRET");
	id = registered(&f, "active");
	base = str("/api/v1/clearances/%lld", id);
	before = clearance_state(id);
	expect_error(call(&nb.cso, "POST", str("%s/suspension", base),
		     json("{'status': 'on_leave', 'reason': 'charged'}")), 400,
		     "bad_request");
	expect_error(call(&nb.authority, "POST", str("%s/suspension", base),
		     json("{'status': 'suspended', 'reason': 'charged'}")), 403,
		     "forbidden");
	cr_assert_str_eq(clearance_state(id), before);

	r = expect(call(&nb.cso, "POST", str("%s/suspension", base),
			json("{'status': 'suspended', 'reason': 'holder charged"
			     " with an offence'}")), 200);
	cr_assert_str_eq(text(r, "clearance.status"), "suspended");
	review = sql_number("SELECT max(id) FROM cases WHERE kind = 'review_for_cause'");
	cr_assert_gt(review, f.id, "no review_for_cause case opened");
	cr_assert_eq(sql_number("SELECT count(*) FROM outbox WHERE kind = 'hold'"), 2,
		     "the cso and the holder are told");
	expect_refused(call(&nb.cso, "POST", str("%s/suspension", base),
			    json("{'status': 'alternative_work', 'reason': 'x'}")),
		       "already");
	/* no decision on the review yet */
	expect_refused(call(&nb.cso, "POST", str("%s/reinstatement", base),
			    json("{'reason': 'charges dropped'}")), "grant");
	sql("INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	    " updated_by) VALUES (%lld, 'decision', '{\"outcome\":\"deny\"}', 1,"
	    " 'x', 'x')", review);
	expect_refused(call(&nb.cso, "POST", str("%s/reinstatement", base),
			    json("{'reason': 'charges dropped'}")), "grant");
	sql("UPDATE case_sections SET data = '{\"outcome\":\"grant\"}' WHERE"
	    " case_id = %lld AND name = 'decision'", review);
	r = expect(call(&nb.cso, "POST", str("%s/reinstatement", base),
			json("{'reason': 'charges dropped'}")), 200);
	cr_assert_str_eq(text(r, "clearance.status"), "active");
	cr_assert_eq(sql_number("SELECT count(*) FROM clearance_events WHERE"
				" clearance_id = %lld", id), 2);
}

Test(casework, revocation_is_the_authoritys_and_termination_needs_a_debriefing)
{
	struct office nb;
	struct file f, g;
	const char *a, *b, *before;
	long long one, two, rep;
	struct vt_response *r;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Sam Revoked", "1983-07-07", "SECRET");
	g = open_case(&nb, &nb.applicant2, "Ari Leaving", "1984-08-08", "SECRET");
	one = registered(&f, "active");
	two = registered(&g, "restricted");
	a = str("/api/v1/clearances/%lld", one);
	b = str("/api/v1/clearances/%lld", two);

	before = clearance_state(one);
	expect_error(call(&nb.cso, "POST", str("%s/revocation", a),
		     json("{'grounds': 'refused_interview', 'reason': 'r'}")), 403,
		     "forbidden");
	expect_error(call(&nb.authority, "POST", str("%s/revocation", a),
		     json("{'grounds': 'dislike', 'reason': 'r'}")), 400, "bad_request");
	cr_assert_str_eq(clearance_state(one), before);
	r = expect(call(&nb.authority, "POST", str("%s/revocation", a),
			json("{'grounds': 'refused_interview', 'reason': 'the"
			     " holder refused the security interview'}")), 200);
	cr_assert_str_eq(text(r, "clearance.status"), "revoked");
	/* drafted for the regulator (REGDOC 6.2); read, printed, marked sent */
	r = expect(call(&nb.auditor, "GET", "/api/v1/reports", NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "reports")), 1, "%s", r->body);
	rep = json_integer_value(json_object_get(json_array_get(vt_json_get(r,
		"reports"), 0), "id"));
	r = expect(call(&nb.cso, "GET", str("/api/v1/reports/%lld?format=html", rep),
			NULL), 200);
	cr_assert(strstr(vt_header(r, "Content-Type"), "text/html") != NULL);
	cr_assert(strstr(r->body, "refused_interview") != NULL, "%s", r->body);
	expect_error(call(&nb.cso, "GET", str("/api/v1/reports/%lld?format=pdf", rep),
			  NULL), 400, "bad_request");
	expect_error(call(&nb.applicant, "GET", "/api/v1/reports", NULL), 403,
		     "forbidden");
	expect_error(call(&nb.cso, "POST", str("/api/v1/reports/%lld/sent", rep),
			  json("{'sent_on': 'today', 'how': 'e-mail'}")), 400,
		     "bad_request");
	expect_error(call(&nb.authority, "POST", str("/api/v1/reports/%lld/sent", rep),
			  json("{'sent_on': '2026-01-02', 'how': 'e-mail'}")), 403,
		     "forbidden");
	r = expect(call(&nb.cso, "POST", str("/api/v1/reports/%lld/sent", rep),
			json("{'sent_on': '2026-01-02', 'how': 'secure e-mail, ref"
			     " CNSC-42'}")), 200);
	cr_assert_str_eq(text(r, "report.sent_how"), "secure e-mail, ref CNSC-42");
	expect_refused(call(&nb.cso, "POST", str("/api/v1/reports/%lld/sent", rep),
			    json("{'sent_on': '2026-01-03', 'how': 'again'}")),
		       "already");
	expect_refused(call(&nb.cso, "POST", str("%s/termination", a),
			    json("{'could_not_debrief': 'left'}")), "no longer in force");

	before = clearance_state(two);
	expect_error(call(&nb.cso, "POST", str("%s/termination", b), "{}"), 422,
		     "debriefing_required");
	expect_error(call(&nb.cso, "POST", str("%s/termination", b),
		     json("{'debriefing': {'date': '2026-01-01', 'by':"
			  " 'northbridge-cso', 'acknowledged': false}}")), 422,
		     "debriefing_incomplete");
	expect_error(call(&nb.cso, "POST", str("%s/termination", b),
		     json("{'debriefing': {'date': '2199-01-01', 'by':"
			  " 'northbridge-cso', 'acknowledged': true}}")), 422,
		     "debriefing_incomplete");
	cr_assert_str_eq(clearance_state(two), before);
	r = expect(call(&nb.cso, "POST", str("%s/termination", b),
			json("{'debriefing': {'date': '2026-01-01', 'by':"
			     " 'northbridge-cso', 'acknowledged': true}}")), 200);
	cr_assert_str_eq(text(r, "clearance.status"), "terminated");
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'clearance.terminated' AND target = 'clearance:%lld'",
				two), 1);
}

/* Timeliness (the figures themselves are checked in tests/unit/test_stats.c):
 * through nginx for the cso, the six stages and end to end; bad periods
 * refused; the same from vetctl. */
Test(casework, timeliness_figures_per_stage)
{
	struct office nb;
	struct vt_response *r;
	char *out = NULL;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	open_case(&nb, &nb.applicant, "Tim Ely", "1985-01-01", "SECRET");
	r = expect(call(&nb.cso, "GET", "/api/v1/stats/timeliness", NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "stages")), 6, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
		vt_json_get(r, "stages"), 0), "stage")), "application");
	cr_assert_not_null(vt_json_get(r, "end_to_end"), "%s", r->body);
	expect_error(call(&nb.cso, "GET", "/api/v1/stats/timeliness?from=2026-13-01",
			  NULL), 400, "bad_request");
	expect_error(call(&nb.cso, "GET", "/api/v1/stats/timeliness?from=2026-02-01"
			  "&to=2026-01-01", NULL), 400, "bad_request");
	expect_error(call(&nb.applicant, "GET", "/api/v1/stats/timeliness", NULL),
		     403, "forbidden");
	cr_assert_eq(vt_vetctl(&out, "stats northbridge --level SECRET"), 0, "%s", out);
	cr_assert(strstr(out, "end to end") != NULL, "%s", out);
	cr_assert_eq(vt_vetctl(&out, "stats nosuchorg"), 1, "%s", out);
	cr_assert_eq(vt_vetctl(&out, "stats northbridge --from yesterday"), 2, "%s", out);
}

/* Legal holds (REGDOC 9.0; their effect on the purge is in
 * tests/unit/test_tick.c): placed and lifted by the cso, audited, never
 * deleted; bad input and unknown targets change nothing. */
Test(casework, legal_holds_are_placed_and_lifted)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	long long id;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Hal Held", "1980-09-09", "SECRET");
	expect_error(call(&nb.cso, "POST", "/api/v1/holds", json("{'kind': 'file',"
		     " 'id': %lld, 'reason': 'r'}", f.id)), 400, "bad_request");
	expect_error(call(&nb.cso, "POST", "/api/v1/holds", json("{'kind': 'case',"
		     " 'id': 999999, 'reason': 'r'}")), 422, "unknown_target");
	expect_error(call(&nb.applicant, "POST", "/api/v1/holds", json("{'kind':"
		     " 'case', 'id': %lld, 'reason': 'r'}", f.id)), 403, "forbidden");
	cr_assert_eq(sql_number("SELECT count(*) FROM legal_holds"), 0);

	r = expect(call(&nb.cso, "POST", "/api/v1/holds", json("{'kind': 'person',"
		   " 'id': %lld, 'reason': 'litigation notice received'}", f.person)),
		   201);
	id = number(r, "hold.id");
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action ="
				" 'hold.place' AND target = 'person:%lld'", f.person), 1);
	r = expect(call(&nb.cso, "GET", "/api/v1/holds", NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "holds")), 1, "%s", r->body);
	expect_error(call(&nb.cso, "POST", str("/api/v1/holds/%lld/lift", id),
			  "{}"), 400, "bad_request");
	expect(call(&nb.cso, "POST", str("/api/v1/holds/%lld/lift", id),
		    json("{'reason': 'case settled'}")), 200);
	expect_refused(call(&nb.cso, "POST", str("/api/v1/holds/%lld/lift", id),
			    json("{'reason': 'again'}")), "already");
	cr_assert_eq(sql_number("SELECT count(*) FROM legal_holds WHERE lifted_at IS"
				" NOT NULL AND lift_reason = 'case settled'"), 1);
}

/* --- transfer between licensees (REGDOC 8.0) -------------------------------- */

/* The criterion's "met" in an import's answer. */
static int criterion_met(struct vt_response *r, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(vt_json_get(r, "criteria"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "criterion")), name) == 0)
			return json_is_true(json_object_get(c, "met"));
	cr_assert_fail("no criterion %s in %s", name, r->body);
	return 0;
}

Test(casework, a_signed_transfer_is_verified_and_its_criteria_named)
{
	struct office nb, acme;
	struct file f, g;
	struct vt_response *r;
	json_t *pkg;
	char *out = NULL, *hex, *body, *tampered;
	const char *decl = "\"self_declaration\": {\"no_change_in_criminal_history\":"
			   " true, \"date\": \"2026-11-01\"}";
	long long good, expiring, cases;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	staff(&acme, "acme");
	f = open_case(&nb, &nb.applicant, "Tara Transfer", "1986-02-02", "SECRET");
	g = open_case(&nb, &nb.applicant2, "Uma Soon", "1987-03-03", "SECRET");
	good = registered(&f, "active");
	expiring = registered(&g, "active");
	sql("UPDATE clearances SET expires_on = date('now', '+30 days') WHERE id = %lld",
	    expiring);

	/* the sender signs; only the cso exports */
	expect_error(call(&nb.authority, "POST", str("/api/v1/clearances/%lld/"
		     "transfer-package", good), json("{'to': 'acme'}")), 403, "forbidden");
	r = expect(call(&nb.cso, "POST", str("/api/v1/clearances/%lld/transfer-package",
		   good), json("{'to': 'acme'}")), 200);
	pkg = vt_json_get(r, "package");
	cr_assert_str_eq(json_string_value(json_object_get(pkg, "from")), "northbridge");
	cr_assert(json_is_false(json_object_get(pkg, "adverse_information")), "%s", r->body);
	body = keep(strdup(r->body));
	cases = sql_number("SELECT count(*) FROM cases");

	/* acme does not know northbridge's key yet */
	expect_error(call(&acme.cso, "POST", "/api/v1/transfers",
			  str("{\"package\": %s, \"signature\": \"%s\", %s}",
			      json_dumps(pkg, JSON_COMPACT), vt_json_str(r, "signature"),
			      decl)), 422, "unknown_sender");
	cr_assert_eq(vt_vetctl(&out, "keys show northbridge"), 0, "%s", out);
	hex = keep(strndup(out, 64));
	cr_assert_eq(vt_vetctl(&out, "keys trust acme northbridge %s", hex), 0, "%s", out);
	cr_assert_eq(vt_vetctl(&out, "keys trust acme northbridge not-a-key"), 1, "%s", out);

	/* unsigned, tampered with: refused, nothing written */
	expect_error(call(&acme.cso, "POST", "/api/v1/transfers",
			  str("{\"package\": %s, %s}", json_dumps(pkg, JSON_COMPACT), decl)),
		     422, "unsigned_package");
	json_object_set_new(json_object_get(pkg, "clearance"), "level", json_string("TS"));
	tampered = json_dumps(pkg, JSON_COMPACT);
	expect_error(call(&acme.cso, "POST", "/api/v1/transfers",
			  str("{\"package\": %s, \"signature\": \"%s\", %s}", tampered,
			      vt_json_str(r, "signature"), decl)), 422, "bad_signature");
	free(tampered);
	cr_assert_eq(sql_number("SELECT count(*) FROM cases"), cases);

	/* the genuine package: every criterion met, a transfer_in case opens */
	r = expect(call(&acme.cso, "POST", "/api/v1/transfers",
			str("{\"package\": %s, \"signature\": \"%s\", %s}",
			    json_dumps(json_object_get(json_loads(body, 0, NULL), "package"),
				       JSON_COMPACT),
			    json_string_value(json_object_get(json_loads(body, 0, NULL),
							      "signature")), decl)), 201);
	cr_assert(json_is_true(vt_json_get(r, "accepted")), "%s", r->body);
	cr_assert_eq(sql_number("SELECT count(*) FROM cases c JOIN organizations o ON"
				" o.id = c.org_id WHERE o.slug = 'acme' AND c.kind ="
				" 'transfer_in' AND c.id = %lld", number(r, "case.id")), 1);

	/* no self-declaration: the case opens, the criterion is named unmet */
	r = expect(call(&acme.cso, "POST", "/api/v1/transfers",
			str("{\"package\": %s, \"signature\": \"%s\"}",
			    json_dumps(json_object_get(json_loads(body, 0, NULL), "package"),
				       JSON_COMPACT),
			    json_string_value(json_object_get(json_loads(body, 0, NULL),
							      "signature")))), 201);
	cr_assert(json_is_false(vt_json_get(r, "accepted")), "%s", r->body);
	cr_assert_not(criterion_met(r, "self_declaration"));
	cr_assert(criterion_met(r, "valid"));

	/* due for update within the window; then revoked: not valid, adverse */
	r = expect(call(&nb.cso, "POST", str("/api/v1/clearances/%lld/transfer-package",
		   expiring), json("{'to': 'acme'}")), 200);
	r = expect(call(&acme.cso, "POST", "/api/v1/transfers",
			str("{\"package\": %s, \"signature\": \"%s\", %s}",
			    json_dumps(vt_json_get(r, "package"), JSON_COMPACT),
			    vt_json_str(r, "signature"), decl)), 201);
	cr_assert_not(criterion_met(r, "not_due_for_update"), "%s", r->body);
	cr_assert(criterion_met(r, "valid"));
	expect(call(&nb.authority, "POST", str("/api/v1/clearances/%lld/revocation", good),
		    json("{'grounds': 'adverse_information', 'reason': 'new information'}")),
	       200);
	r = expect(call(&nb.cso, "POST", str("/api/v1/clearances/%lld/transfer-package",
		   good), json("{'to': 'acme'}")), 200);
	r = expect(call(&acme.cso, "POST", "/api/v1/transfers",
			str("{\"package\": %s, \"signature\": \"%s\", %s}",
			    json_dumps(vt_json_get(r, "package"), JSON_COMPACT),
			    vt_json_str(r, "signature"), decl)), 201);
	cr_assert_not(criterion_met(r, "valid"), "%s", r->body);
	cr_assert_not(criterion_met(r, "no_adverse_information"), "%s", r->body);
}

/* --- appeals (REGDOC 11.0) -------------------------------------------------- */

Test(casework, an_appeal_is_lodged_in_time_heard_and_overturned)
{
	struct office nb;
	struct file f, late;
	struct vt_response *r;
	struct vt_who appeals;
	long long id;
	const char *path;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	appeals = sign_in("northbridge", "appeals");
	f = open_case(&nb, &nb.applicant, "Ada Appeal", "1988-04-04", "SECRET");
	late = open_case(&nb, &nb.applicant2, "Lou Late", "1989-05-05", "SECRET");
	/* both denied (the decision itself is the scenarios' above); one
	 * long ago */
	sql("UPDATE cases SET state = 'denied' WHERE id IN (%lld, %lld);"
	    " INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	    " updated_by) VALUES (%lld, 'decision', json_object('outcome', 'deny',"
	    " 'decided_on', date('now', '-3 days')), 1, 'x', 'x'), (%lld, 'decision',"
	    " json_object('outcome', 'deny', 'decided_on', date('now', '-90 days')),"
	    " 1, 'x', 'x')", f.id, late.id, f.id, late.id);

	/* only the person concerned, only in time, only once */
	expect_error(call(&nb.applicant2, "POST", "/api/v1/appeals",
		     json("{'case_id': %lld, 'grounds': 'g'}", f.id)), 404, "not_found");
	expect_error(call(&nb.cso, "POST", "/api/v1/appeals",
		     json("{'case_id': %lld, 'grounds': 'g'}", f.id)), 404, "not_found");
	expect_error(call(&nb.applicant, "POST", "/api/v1/appeals",
		     json("{'grounds': 'g'}")), 400, "bad_request");
	expect_refused(call(&nb.applicant2, "POST", "/api/v1/appeals",
			    json("{'case_id': %lld, 'grounds': 'g'}", late.id)),
		       "period to appeal ended");
	r = expect(call(&nb.applicant, "POST", "/api/v1/appeals",
			json("{'case_id': %lld, 'grounds': 'The interview was never"
			     " offered to me in writing.'}", f.id)), 201);
	id = number(r, "appeal.id");
	path = str("/api/v1/appeals/%lld", id);
	expect_refused(call(&nb.applicant, "POST", "/api/v1/appeals",
			    json("{'case_id': %lld, 'grounds': 'again'}", f.id)),
		       "open already");

	/* the appellant sees the process and the status of their own */
	r = expect(call(&nb.applicant, "GET", path, NULL), 200);
	cr_assert_str_eq(text(r, "appeal.status"), "lodged");
	cr_assert_not_null(strstr(text(r, "appeal.process"), "panel"));
	expect_error(call(&nb.applicant2, "GET", path, NULL), 404, "not_found");

	/* the appeals role runs it: panel first, then requests, submissions */
	expect_error(call(&nb.cso, "POST", str("%s/panel", path),
			  json("{'members': ['x'], 'due_on': '2027-01-01'}")), 403,
		     "forbidden");
	expect_refused(call(&appeals, "POST", str("%s/decision", path),
			    json("{'outcome': 'overturned', 'reasons': 'r'}")),
		       "panel");
	expect(call(&appeals, "POST", str("%s/panel", path),
		    json("{'members': ['northbridge-appeals'], 'due_on':"
			 " '2027-01-01'}")), 200);
	expect(call(&appeals, "POST", str("%s/requests", path),
		    json("{'text': 'Send the letter inviting you to interview.',"
			 " 'due_on': '2026-12-15'}")), 200);
	expect_error(call(&nb.applicant, "POST", str("%s/submissions", path), "{}"),
		     400, "bad_request");
	expect(call(&nb.applicant, "POST", str("%s/submissions", path),
		    json("{'text': 'No letter was ever sent; see attached.'}")), 200);
	expect_error(call(&appeals, "POST", str("%s/decision", path),
			  json("{'outcome': 'quashed', 'reasons': 'r'}")), 400,
		     "bad_request");
	r = expect(call(&appeals, "POST", str("%s/decision", path),
			json("{'outcome': 'overturned', 'reasons': 'The interview"
			     " was not offered.'}")), 200);
	cr_assert_str_eq(text(r, "appeal.status"), "decided");
	/* overturned: the case goes back to decision */
	cr_assert_str_eq(state_of(&f), "decision");
	expect_refused(call(&nb.applicant, "POST", str("%s/submissions", path),
			    json("{'text': 'late'}")), "decided");
	cr_assert_eq(sql_number("SELECT count(*) FROM appeal_events WHERE appeal_id ="
				" %lld", id), 5);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE target ="
				" 'appeal:%lld'", id), 5 + 1 /* the appellant's read */);
}

/* Overdue restriction reviews (REGDOC 5.4.2) reach the CSO's queue: tick
 * flags them, the register filters them. */
Test(casework, overdue_restriction_reviews_reach_the_cso_queue)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	char *out = NULL;
	long long id;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Rae Review", "1990-06-06", "SECRET");
	id = registered(&f, "restricted");
	registered(&f, "active");
	sql("UPDATE clearances SET restrictions = json_array(json_object('type',"
	    " 'hours', 'detail', 'days only', 'review_date', date('now', '-2 days')))"
	    " WHERE id = %lld", id);
	r = expect(call(&nb.cso, "GET", "/api/v1/clearances?review_due=true", NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "clearances")), 0, "%s", r->body);
	cr_assert_eq(vt_vetctl(&out, "tick"), 0, "%s", out);
	cr_assert(strstr(out, " 1 restriction reviews flagged") != NULL, "%s", out);
	r = expect(call(&nb.cso, "GET", "/api/v1/clearances?review_due=true", NULL), 200);
	cr_assert_eq(json_array_size(vt_json_get(r, "clearances")), 1, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(
		vt_json_get(r, "clearances"), 0), "id")), id);
	expect_error(call(&nb.cso, "GET", "/api/v1/clearances?review_due=maybe", NULL),
		     400, "bad_request");
}

/* A holder who refused to be interviewed in the review is not reinstated,
 * even on a grant: the refusal calls for revocation (REGDOC 5.5). */
Test(casework, a_refused_review_interview_blocks_reinstatement)
{
	struct office nb;
	struct file f;
	const char *base;
	long long id, review;

	start(NULL, NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Rex Refuses", "1979-07-07", "SECRET");
	id = registered(&f, "active");
	base = str("/api/v1/clearances/%lld", id);
	expect(call(&nb.cso, "POST", str("%s/suspension", base),
		    json("{'status': 'alternative_work', 'reason': 'adverse"
			 " information received'}")), 200);
	review = sql_number("SELECT max(id) FROM cases WHERE kind = 'review_for_cause'");
	sql("INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	    " updated_by) VALUES (%lld, 'interviews', '[{\"outcome\":\"refused\"}]',"
	    " 1, 'x', 'x'), (%lld, 'decision', '{\"outcome\":\"grant\"}', 1, 'x',"
	    " 'x')", review, review);
	expect_refused(call(&nb.cso, "POST", str("%s/reinstatement", base),
			    json("{'reason': 'r'}")), "revoked");
	cr_assert_eq(sql_number("SELECT count(*) FROM clearances WHERE id = %lld AND"
				" status = 'alternative_work'", id), 1);
}
