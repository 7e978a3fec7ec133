/*
 * Unit tests of case, on a migrated database in a temporary directory
 * with two organizations, a site and a few persons: opening (with and
 * without a site; a kind the schema refuses or a person that does not
 * exist stores nothing), case_get (another organization's case or an
 * unknown id is not found), the state's compare-and-set (the wrong `from`
 * is a conflict that changes nothing; submitted_at stamped once), hold and
 * the response deadline, sections with versions (0 creates, a stale
 * version is a conflict and leaves the data as it was), events in order,
 * assignments and the roles they give, case_row_json, the policy's view
 * (sections at the top level, the person from the personal section when
 * there is one and from the person record otherwise, dates not times,
 * holder for renewal and review_for_cause only), and the list: scopes
 * (all, assigned, own), filters, paging, and never another organization.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "access.h"
#include "case.h"
#include "log.h"
#include "org.h"
#include "person.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-case-XXXXXX";
static struct store *st;
static long long acme, beta, hq;
static long long alice, bob, nameless, carol;	/* persons */

static long long person(long long org, const char *username, const char *name)
{
	json_t *d = json_pack("{s:s, s:s, s:s}", "name", name,
			      "date_of_birth", "1990-01-01", "occupation",
			      "Engineer");
	long long id = 0;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(person_create(st, org, d, username, &id), PERSON_OK);
	cr_assert_eq(store_commit(st), 0);
	json_decref(d);
	return id;
}

static void setup(void)
{
	char path[600];

	log_set_level(LOG_LVL_WARN);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/vetd.db", tmpdir);
	st = fixture_db_open(path);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_add(st, "beta", "Beta"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &acme), ORG_OK);
	cr_assert_eq(org_id(st, "beta", &beta), ORG_OK);
	cr_assert_eq(org_site_add(st, "acme", "hq", "Head Office"), ORG_OK);
	cr_assert_eq(org_site_id(st, acme, "hq", &hq), ORG_OK);
	alice = person(acme, "alice", "Alice Example");
	bob = person(acme, "bob", "Bob Example");
	nameless = person(acme, NULL, "No Account");
	carol = person(beta, "carol", "Carol Other");
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(case, .init = setup, .fini = teardown, .timeout = 30);

static long long count(const char *sql)
{
	sqlite3_stmt *s;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void exec(const char *sql)
{
	char *msg = NULL;

	cr_assert_eq(sqlite3_exec(store_db(st), sql, NULL, NULL, &msg),
		     SQLITE_OK, "%s: %s", sql, msg ? msg : "");
}

static long long open_case(long long org, long long who, long long site,
			   const char *kind, const char *level,
			   const char *state)
{
	long long id = 0;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(case_open(st, org, who, site, kind, level, state,
		     "user:cso", &id), CASE_OK);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_gt(id, 0);
	return id;
}

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	cr_assert_not_null(j, "%s: %s", text, je.text);
	return j;
}

/* Is j equal to the JSON text? */
static int same(json_t *j, const char *text)
{
	json_t *w = parse(text);
	int eq = json_equal(j, w);

	json_decref(w);
	return eq;
}

static char *show(json_t *j)
{
	static char buf[4096];
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	free(s);
	return buf;
}

static int is_iso(const char *s)
{
	return strlen(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	    s[19] == 'Z';
}

/* --- opening and getting ------------------------------------------------ */

Test(case, open_then_get)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");

	memset(&c, 'X', sizeof(c));
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_eq(c.id, id);
	cr_assert_eq(c.org_id, acme);
	cr_assert_eq(c.person_id, alice);
	cr_assert_eq(c.site_id, hq);
	cr_assert_str_eq(c.site, "hq");
	cr_assert_str_eq(c.kind, "new");
	cr_assert_str_eq(c.level, "secret");
	cr_assert_str_eq(c.state, "draft");
	cr_assert_eq(c.on_hold, 0);
	cr_assert_str_eq(c.response_due, "");
	cr_assert(is_iso(c.opened_at), "opened_at %s", c.opened_at);
	cr_assert_str_eq(c.submitted_at, "");
	cr_assert_str_eq(c.applicant, "alice");
	cr_assert_eq(count("SELECT count(*) FROM cases WHERE created_by ="
			   " 'user:cso'"), 1);
}

Test(case, open_without_site_or_username)
{
	struct case_row c;
	long long id = open_case(acme, nameless, 0, "upgrade", "top_secret",
				 "draft");

	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_eq(c.site_id, 0);
	cr_assert_str_eq(c.site, "");
	cr_assert_str_eq(c.applicant, "");
	cr_assert_eq(count("SELECT count(*) FROM cases WHERE site_id IS NULL"),
		     1, "site 0 stored as a site");
}

Test(case, get_from_another_org_is_not_found)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");

	memset(&c, 'X', sizeof(c));
	cr_assert_eq(case_get(st, beta, id, &c), CASE_NOT_FOUND);
	cr_assert_eq(c.id, 0, "row not cleared");
	cr_assert_str_eq(c.state, "");
	cr_assert_eq(case_get(st, acme, id + 100, &c), CASE_NOT_FOUND);
	cr_assert_eq(case_get(st, acme, 0, &c), CASE_NOT_FOUND);
	cr_assert_eq(case_get(st, acme, -1, &c), CASE_NOT_FOUND);
}

Test(case, open_refuses_what_the_schema_refuses)
{
	long long id = 0;

	cr_assert_eq(store_begin(st), 0);
	fixture_quiet(1);
	cr_assert_eq(case_open(st, acme, alice, 0, "promotion", "secret",
		     "draft", "user:cso", &id), CASE_ERROR, "unknown kind");
	cr_assert_eq(case_open(st, acme, alice + 1000, 0, "new", "secret",
		     "draft", "user:cso", &id), CASE_ERROR, "unknown person");
	cr_assert_eq(case_open(st, acme, alice, hq + 1000, "new", "secret",
		     "draft", "user:cso", &id), CASE_ERROR, "unknown site");
	fixture_quiet(0);
	store_rollback(st);
	cr_assert_eq(count("SELECT count(*) FROM cases"), 0);
}

Test(case, every_kind_opens)
{
	static const char *const kinds[] = { "new", "renewal", "upgrade",
		"transfer_in", "review_for_cause", NULL };
	const char *const *k;
	struct case_row c;

	for (k = kinds; *k != NULL; k++) {
		long long id = open_case(acme, alice, 0, *k, "secret", "draft");

		cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
		cr_assert_str_eq(c.kind, *k);
	}
}

/* --- state, hold, deadline ---------------------------------------------- */

Test(case, set_state_compare_and_set)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");

	cr_assert_eq(case_set_state(st, id, "draft", "screening", 0), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_str_eq(c.state, "screening");
	cr_assert_str_eq(c.submitted_at, "", "stamped without submitted");

	cr_assert_eq(case_set_state(st, id, "draft", "decided", 0),
		     CASE_CONFLICT, "moved from a state it is not in");
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_str_eq(c.state, "screening");

	cr_assert_eq(case_set_state(st, id + 100, "screening", "x", 0),
		     CASE_CONFLICT, "unknown case");
	cr_assert_eq(case_set_state(st, id, "Screening", "x", 0),
		     CASE_CONFLICT, "state names compared without case");
}

Test(case, set_state_only_moves_its_case)
{
	struct case_row c;
	long long a = open_case(acme, alice, hq, "new", "secret", "draft");
	long long b = open_case(acme, bob, hq, "new", "secret", "draft");

	cr_assert_eq(case_set_state(st, a, "draft", "submitted", 1), CASE_OK);
	cr_assert_eq(case_get(st, acme, b, &c), CASE_OK);
	cr_assert_str_eq(c.state, "draft");
	cr_assert_str_eq(c.submitted_at, "");
}

Test(case, submitted_at_is_stamped_once)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");

	cr_assert_eq(case_set_state(st, id, "draft", "submitted", 1), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert(is_iso(c.submitted_at), "submitted_at '%s'", c.submitted_at);
	exec("UPDATE cases SET submitted_at = '2001-02-03T04:05:06Z'");
	cr_assert_eq(case_set_state(st, id, "submitted", "draft", 0), CASE_OK);
	cr_assert_eq(case_set_state(st, id, "draft", "submitted", 1), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_str_eq(c.submitted_at, "2001-02-03T04:05:06Z",
			 "resubmission moved the first submission");
}

Test(case, hold_and_release)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");

	cr_assert_eq(case_set_hold(st, id, 1, "awaiting agency"), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_eq(c.on_hold, 1);
	cr_assert_eq(count("SELECT count(*) FROM cases WHERE hold_reason ="
			   " 'awaiting agency'"), 1);
	cr_assert_eq(case_set_hold(st, id, 0, "ignored"), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_eq(c.on_hold, 0);
	cr_assert_eq(count("SELECT count(*) FROM cases WHERE hold_reason IS"
			   " NULL"), 1, "a released case keeps its reason");
	cr_assert_str_eq(c.state, "draft");
}

Test(case, response_due_set_and_cleared)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");

	cr_assert_eq(case_set_response_due(st, id, "2025-03-31"), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_str_eq(c.response_due, "2025-03-31");
	cr_assert_eq(case_set_response_due(st, id, NULL), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	cr_assert_str_eq(c.response_due, "");
}

/* --- sections ----------------------------------------------------------- */

static enum case_status put(long long id, const char *name, const char *json,
			    long long expect, long long *version)
{
	json_t *d = parse(json);
	enum case_status r;

	cr_assert_eq(store_begin(st), 0);
	r = case_section_put(st, id, name, d, expect, "user:alice", version);
	if (r == CASE_OK)
		cr_assert_eq(store_commit(st), 0);
	else
		store_rollback(st);
	json_decref(d);
	return r;
}

Test(case, section_versions)
{
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");
	long long v = -1, got = -1;
	json_t *d;

	cr_assert_null(case_section_get(st, id, "personal", &got));
	cr_assert_eq(got, 0, "version of a section never written");

	cr_assert_eq(put(id, "personal", "{\"name\":\"A\"}", 0, &v), CASE_OK);
	cr_assert_eq(v, 1);
	d = case_section_get(st, id, "personal", &got);
	cr_assert(same(d, "{\"name\":\"A\"}"), "%s", show(d));
	cr_assert_eq(got, 1);
	json_decref(d);

	/* 0 again: someone created it meanwhile */
	v = -1;
	cr_assert_eq(put(id, "personal", "{\"name\":\"B\"}", 0, &v),
		     CASE_CONFLICT);
	cr_assert_eq(v, -1, "version written on a conflict");

	cr_assert_eq(put(id, "personal", "{\"name\":\"C\"}", 1, &v), CASE_OK);
	cr_assert_eq(v, 2);

	/* stale and future versions */
	cr_assert_eq(put(id, "personal", "{\"name\":\"D\"}", 1, &v),
		     CASE_CONFLICT);
	cr_assert_eq(put(id, "personal", "{\"name\":\"E\"}", 3, &v),
		     CASE_CONFLICT);
	cr_assert_eq(put(id, "personal", "{\"name\":\"F\"}", -1, &v),
		     CASE_CONFLICT);
	d = case_section_get(st, id, "personal", &got);
	cr_assert(same(d, "{\"name\":\"C\"}"), "a refused write changed the "
		  "data: %s", show(d));
	cr_assert_eq(got, 2);
	json_decref(d);
}

Test(case, section_put_updates_the_writer)
{
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");
	long long v;
	json_t *d;

	cr_assert_eq(store_begin(st), 0);
	d = parse("[1]");
	cr_assert_eq(case_section_put(st, id, "crnc", d, 0, "user:sam", &v),
		     CASE_OK);
	json_decref(d);
	d = parse("[2]");
	cr_assert_eq(case_section_put(st, id, "crnc", d, 1, "user:tim", &v),
		     CASE_OK);
	json_decref(d);
	cr_assert_eq(store_commit(st), 0);
	d = case_sections(st, id);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(d,
			 "crnc"), "updated_by")), "user:tim");
	json_decref(d);
}

Test(case, sections_are_per_case)
{
	long long a = open_case(acme, alice, hq, "new", "secret", "draft");
	long long b = open_case(acme, bob, hq, "new", "secret", "draft");
	long long v, got;
	json_t *s, *e;

	cr_assert_eq(put(a, "residences", "[{\"from\":\"2020-01-01\"}]", 0, &v),
		     CASE_OK);
	cr_assert_eq(put(a, "consent", "{\"parts\":{}}", 0, &v), CASE_OK);
	cr_assert_eq(put(b, "consent", "{\"b\":1,\"a\":2}", 0, &v), CASE_OK,
		     "the same section of another case");
	cr_assert_null(case_section_get(st, b, "residences", &got));

	s = case_sections(st, a);
	cr_assert_eq(json_object_size(s), 2, "%s", show(s));
	e = json_object_get(s, "residences");
	cr_assert(same(json_object_get(e, "data"),
		  "[{\"from\":\"2020-01-01\"}]"), "%s", show(e));
	cr_assert_eq(json_integer_value(json_object_get(e, "version")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(e, "updated_by")),
			 "user:alice");
	cr_assert(is_iso(json_string_value(json_object_get(e, "updated_at"))));
	cr_assert_eq(json_object_size(e), 4);
	json_decref(s);

	/* stored canonically */
	cr_assert_eq(count("SELECT count(*) FROM case_sections WHERE data ="
			   " '{\"a\":2,\"b\":1}'"), 1);
	s = case_sections(st, b + 100);
	cr_assert_eq(json_object_size(s), 0);
	json_decref(s);
}

/* --- events ------------------------------------------------------------- */

Test(case, events_in_order)
{
	long long a = open_case(acme, alice, hq, "new", "secret", "draft");
	long long b = open_case(acme, bob, hq, "new", "secret", "draft");
	json_t *d = json_pack("{s:s, s:i}", "to", "screening", "n", 1);
	json_t *ev, *e;
	size_t i;

	cr_assert_eq(case_event(st, a, "user:cso", "opened", NULL), CASE_OK);
	cr_assert_eq(case_event(st, b, "user:cso", "opened", NULL), CASE_OK);
	cr_assert_eq(case_event(st, a, "user:alice", "submitted", d), CASE_OK);
	cr_assert_eq(case_event(st, a, "user:sam", "note", NULL), CASE_OK);
	json_decref(d);

	ev = case_events(st, a);
	cr_assert_eq(json_array_size(ev), 3, "%s", show(ev));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(ev, 0),
			 "type")), "opened");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(ev, 1),
			 "type")), "submitted");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(ev, 2),
			 "type")), "note");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(ev, 1),
			 "actor")), "user:alice");
	cr_assert(same(json_object_get(json_array_get(ev, 1), "detail"),
		  "{\"n\":1,\"to\":\"screening\"}"));
	cr_assert(same(json_object_get(json_array_get(ev, 0), "detail"), "{}"));
	json_array_foreach(ev, i, e) {
		const char *ts = json_string_value(json_object_get(e, "ts"));

		cr_assert_not_null(ts);
		cr_assert_eq(strlen(ts), 24, "ts %s", ts);
		if (i > 0)
			cr_assert_gt(json_integer_value(json_object_get(e, "id")),
				     json_integer_value(json_object_get(
				     json_array_get(ev, i - 1), "id")));
	}
	json_decref(ev);

	ev = case_events(st, b);
	cr_assert_eq(json_array_size(ev), 1);
	json_decref(ev);
	ev = case_events(st, b + 100);
	cr_assert_eq(json_array_size(ev), 0);
	json_decref(ev);
}

/* --- assignments -------------------------------------------------------- */

Test(case, assignments_and_roles)
{
	long long a = open_case(acme, alice, hq, "new", "secret", "draft");
	long long b = open_case(acme, bob, hq, "new", "secret", "draft");
	json_t *l;

	cr_assert_eq(case_assign(st, a, "screening", "sam", "user:cso"),
		     CASE_OK);
	cr_assert_eq(case_assign(st, a, "interviewer", "sam", "user:cso"),
		     CASE_OK);
	cr_assert_eq(case_assign(st, a, "adjudicator", "tim", "user:cso"),
		     CASE_OK);
	cr_assert_eq(case_assign(st, a, "screening", "sam", "user:other"),
		     CASE_OK, "assigning twice");
	cr_assert_eq(case_assign(st, b, "appeals", "sam", "user:cso"), CASE_OK);
	cr_assert_eq(count("SELECT count(*) FROM case_assignments"), 4);

	l = case_assignments(st, a);
	cr_assert_eq(json_array_size(l), 3, "%s", show(l));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 0),
			 "role")), "adjudicator");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 1),
			 "role")), "interviewer");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 2),
			 "username")), "sam");
	cr_assert(is_iso(json_string_value(json_object_get(json_array_get(l, 0),
		  "assigned_at"))));
	json_decref(l);

	cr_assert_eq(case_assigned_roles(st, a, "sam"), ROLE_BIT(ROLE_SCREENING)
		     | ROLE_BIT(ROLE_INTERVIEWER));
	cr_assert_eq(case_assigned_roles(st, a, "tim"),
		     ROLE_BIT(ROLE_ADJUDICATOR));
	cr_assert_eq(case_assigned_roles(st, b, "sam"), ROLE_BIT(ROLE_APPEALS));
	cr_assert_eq(case_assigned_roles(st, b, "tim"), 0);
	cr_assert_eq(case_assigned_roles(st, a, "SAM"), 0);
	cr_assert_eq(case_assigned_roles(st, a, NULL), 0);
}

Test(case, unknown_role_names_give_no_role)
{
	long long a = open_case(acme, alice, hq, "new", "secret", "draft");

	cr_assert_eq(case_assign(st, a, "wizard", "sam", "user:cso"), CASE_OK);
	cr_assert_eq(case_assign(st, a, "Screening", "sam", "user:cso"),
		     CASE_OK);
	cr_assert_eq(case_assigned_roles(st, a, "sam"), 0);
}

/* --- the case as JSON --------------------------------------------------- */

Test(case, row_json)
{
	struct case_row c;
	long long a = open_case(acme, alice, hq, "renewal", "secret", "draft");
	long long b = open_case(acme, nameless, 0, "new", "reliability",
				"draft");
	json_t *j;

	cr_assert_eq(case_set_response_due(st, a, "2025-01-31"), CASE_OK);
	cr_assert_eq(case_set_state(st, a, "draft", "submitted", 1), CASE_OK);
	cr_assert_eq(case_get(st, acme, a, &c), CASE_OK);
	j = case_row_json(&c);
	cr_assert_eq(json_integer_value(json_object_get(j, "id")), a);
	cr_assert_str_eq(json_string_value(json_object_get(j, "kind")),
			 "renewal");
	cr_assert_str_eq(json_string_value(json_object_get(j, "site")), "hq");
	cr_assert_str_eq(json_string_value(json_object_get(j, "state")),
			 "submitted");
	cr_assert(json_is_false(json_object_get(j, "on_hold")));
	cr_assert_str_eq(json_string_value(json_object_get(j, "response_due")),
			 "2025-01-31");
	cr_assert(is_iso(json_string_value(json_object_get(j,
		  "submitted_at"))));
	cr_assert_eq(json_integer_value(json_object_get(j, "person_id")), alice);
	cr_assert_str_eq(json_string_value(json_object_get(j, "applicant")),
			 "alice");
	json_decref(j);

	cr_assert_eq(case_get(st, acme, b, &c), CASE_OK);
	j = case_row_json(&c);
	cr_assert(json_is_null(json_object_get(j, "site")), "%s", show(j));
	cr_assert(json_is_null(json_object_get(j, "response_due")));
	cr_assert(json_is_null(json_object_get(j, "submitted_at")));
	cr_assert(json_is_null(json_object_get(j, "applicant")));
	cr_assert_str_eq(json_string_value(json_object_get(j, "level")),
			 "reliability");
	json_decref(j);
}

Test(case, policy_view_with_personal_section)
{
	struct case_row c;
	long long id = open_case(acme, alice, hq, "new", "secret", "draft");
	long long v;
	json_t *pv;

	cr_assert_eq(put(id, "personal", "{\"name\":\"Alice Declared\","
		     "\"date_of_birth\":\"1991-02-03\"}", 0, &v), CASE_OK);
	cr_assert_eq(put(id, "residences", "[{\"from\":\"2020-01-01\","
		     "\"country\":\"CA\"}]", 0, &v), CASE_OK);
	cr_assert_eq(put(id, "position", "{\"credit_check_required\":true}", 0,
		     &v), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	pv = case_policy_view(st, &c);
	cr_assert_not_null(pv);
	cr_assert_eq(json_integer_value(json_object_get(pv, "id")), id);
	cr_assert_str_eq(json_string_value(json_object_get(pv, "kind")), "new");
	cr_assert_str_eq(json_string_value(json_object_get(pv, "level")),
			 "secret");
	cr_assert_str_eq(json_string_value(json_object_get(pv, "site")), "hq");
	cr_assert_str_eq(json_string_value(json_object_get(pv, "state")),
			 "draft");
	cr_assert(json_is_false(json_object_get(pv, "holder")));
	cr_assert_eq(strlen(json_string_value(json_object_get(pv, "opened"))),
		     10, "opened is a date: %s", show(pv));
	cr_assert_eq(strncmp(json_string_value(json_object_get(pv, "opened")),
		     c.opened_at, 10), 0);
	cr_assert(json_is_null(json_object_get(pv, "submitted")));
	/* sections at the top level */
	cr_assert(same(json_object_get(pv, "residences"),
		  "[{\"country\":\"CA\",\"from\":\"2020-01-01\"}]"), "%s",
		  show(pv));
	cr_assert(same(json_object_get(pv, "position"),
		  "{\"credit_check_required\":true}"));
	/* the person from the declared section, not the record */
	cr_assert_null(json_object_get(pv, "personal"), "%s", show(pv));
	cr_assert(same(json_object_get(pv, "person"),
		  "{\"name\":\"Alice Declared\",\"date_of_birth\":"
		  "\"1991-02-03\"}"), "%s", show(pv));
	json_decref(pv);
}

Test(case, policy_view_with_person_record)
{
	struct case_row c;
	long long id = open_case(acme, bob, 0, "renewal", "secret", "draft");
	json_t *pv;

	cr_assert_eq(case_set_state(st, id, "draft", "submitted", 1), CASE_OK);
	cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
	pv = case_policy_view(st, &c);
	cr_assert(same(json_object_get(pv, "person"), "{\"name\":\"Bob Example\","
		  "\"date_of_birth\":\"1990-01-01\",\"occupation\":"
		  "\"Engineer\"}"), "the record's data alone: %s", show(pv));
	cr_assert(json_is_true(json_object_get(pv, "holder")));
	cr_assert(json_is_null(json_object_get(pv, "site")), "%s", show(pv));
	cr_assert_eq(strlen(json_string_value(json_object_get(pv,
		     "submitted"))), 10, "%s", show(pv));
	cr_assert_null(json_object_get(pv, "personal"));
	json_decref(pv);
}

Test(case, policy_view_holder_by_kind)
{
	static const struct { const char *kind; int holder; } k[] = {
		{ "new", 0 }, { "renewal", 1 }, { "upgrade", 0 },
		{ "transfer_in", 0 }, { "review_for_cause", 1 }
	};
	struct case_row c;
	size_t i;
	json_t *pv;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		long long id = open_case(acme, alice, 0, k[i].kind, "secret",
					 "draft");

		cr_assert_eq(case_get(st, acme, id, &c), CASE_OK);
		pv = case_policy_view(st, &c);
		cr_assert(json_is_boolean(json_object_get(pv, "holder")));
		cr_assert_eq(json_is_true(json_object_get(pv, "holder")),
			     k[i].holder, "kind %s", k[i].kind);
		json_decref(pv);
	}
}

/* --- the list ----------------------------------------------------------- */

/* The ids in a case_list answer, as "3,2,1". */
static const char *ids(json_t *a)
{
	static char buf[512];
	size_t i, off = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(a, i, e)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%lld",
					i ? "," : "", (long long)
					json_integer_value(json_object_get(e,
					"id")));
	json_decref(a);
	return buf;
}

struct fixture {
	long long c[6];
};

/* Six cases: acme alice new/secret, alice renewal/top_secret, bob new
 * secret, nameless upgrade secret (screening), beta carol new secret,
 * acme bob review_for_cause secret. Sam is assigned to 0 and 2, tim to 2
 * and to carol's. */
static struct fixture cases(void)
{
	struct fixture f;

	f.c[0] = open_case(acme, alice, hq, "new", "secret", "draft");
	f.c[1] = open_case(acme, alice, 0, "renewal", "top_secret", "draft");
	f.c[2] = open_case(acme, bob, hq, "new", "secret", "draft");
	f.c[3] = open_case(acme, nameless, 0, "upgrade", "secret", "screening");
	f.c[4] = open_case(beta, carol, 0, "new", "secret", "draft");
	f.c[5] = open_case(acme, bob, 0, "review_for_cause", "secret", "draft");
	cr_assert_eq(case_assign(st, f.c[0], "screening", "sam", "x"), CASE_OK);
	cr_assert_eq(case_assign(st, f.c[2], "screening", "sam", "x"), CASE_OK);
	cr_assert_eq(case_assign(st, f.c[2], "adjudicator", "tim", "x"),
		     CASE_OK);
	cr_assert_eq(case_assign(st, f.c[4], "screening", "tim", "x"), CASE_OK);
	return f;
}

static char *list_ids(enum case_scope scope, const char *user,
		      const struct case_filter *flt)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s", ids(case_list(st, acme, scope, user,
		 flt)));
	return buf;
}

static const char *want(const struct fixture *f, const char *which)
{
	static char buf[512];
	size_t off = 0;
	const char *p;

	buf[0] = '\0';
	for (p = which; *p != '\0'; p++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%lld",
					p == which ? "" : ",", f->c[*p - '0']);
	return buf;
}

Test(case, list_scopes)
{
	struct fixture f = cases();
	struct case_filter all = { .limit = 50 };

	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, "whoever", &all),
			 want(&f, "53210"), "newest first, acme only");
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &all),
			 want(&f, "53210"));
	cr_assert_str_eq(list_ids(CASE_SCOPE_ASSIGNED, "sam", &all),
			 want(&f, "20"));
	cr_assert_str_eq(list_ids(CASE_SCOPE_ASSIGNED, "tim", &all),
			 want(&f, "2"), "another org's assignment listed");
	cr_assert_str_eq(list_ids(CASE_SCOPE_ASSIGNED, "nobody", &all), "");
	cr_assert_str_eq(list_ids(CASE_SCOPE_ASSIGNED, NULL, &all), "");
	cr_assert_str_eq(list_ids(CASE_SCOPE_OWN, "alice", &all),
			 want(&f, "10"));
	cr_assert_str_eq(list_ids(CASE_SCOPE_OWN, "bob", &all), want(&f, "52"));
	cr_assert_str_eq(list_ids(CASE_SCOPE_OWN, "carol", &all), "",
			 "another org's own case listed");
	cr_assert_str_eq(list_ids(CASE_SCOPE_OWN, NULL, &all), "",
			 "no username owns the cases of persons without one");
	cr_assert_str_eq(list_ids(CASE_SCOPE_OWN, "", &all), "");
	cr_assert_str_eq(ids(case_list(st, beta, CASE_SCOPE_ALL, NULL, &all)),
			 want(&f, "4"));
}

Test(case, list_filters)
{
	struct fixture f = cases();
	struct case_filter flt = { .limit = 50 };

	flt.state = "screening";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "3"));
	flt.state = "nonesuch";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), "");
	flt.state = NULL;
	flt.level = "top_secret";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "1"));
	flt.level = NULL;
	flt.kind = "new";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "20"));
	flt.kind = NULL;
	flt.assignee = "tim";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "2"));
	/* filters combine with each other and with the scope */
	flt.assignee = "sam";
	flt.kind = "new";
	flt.state = "draft";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "20"));
	cr_assert_str_eq(list_ids(CASE_SCOPE_OWN, "bob", &flt), want(&f, "2"));
	flt.level = "top_secret";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), "");
}

Test(case, list_paging)
{
	struct fixture f = cases();
	struct case_filter flt = { .limit = 2 };

	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "53"));
	flt.before = f.c[3];
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "21"));
	flt.before = f.c[1];
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "0"));
	flt.before = f.c[0];
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), "");
	flt.before = 0;
	flt.limit = 0;
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), "");
	flt.limit = 1;
	flt.kind = "new";
	cr_assert_str_eq(list_ids(CASE_SCOPE_ALL, NULL, &flt), want(&f, "2"));
}

Test(case, list_entries_are_rows)
{
	struct fixture f = cases();
	struct case_filter flt = { .limit = 1 };
	json_t *a = case_list(st, acme, CASE_SCOPE_ALL, NULL, &flt), *e;

	cr_assert_eq(json_array_size(a), 1);
	e = json_array_get(a, 0);
	cr_assert_eq(json_integer_value(json_object_get(e, "id")), f.c[5]);
	cr_assert_str_eq(json_string_value(json_object_get(e, "kind")),
			 "review_for_cause");
	cr_assert_str_eq(json_string_value(json_object_get(e, "applicant")),
			 "bob");
	cr_assert_eq(json_integer_value(json_object_get(e, "person_id")), bob);
	json_decref(a);
}
