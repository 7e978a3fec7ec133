/*
 * Unit tests for core/incident.c: a report stored and read back, the
 * reporter left out when asked, the named list, the filters, the
 * workflow's state change with its conflict, the preliminary inquiry's
 * record (entries never changed, corrections only after the final one),
 * a breach's cause once, measures settled once, and what the guards see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "fixture.h"
#include "incident.h"
#include "org.h"
#include "store.h"

static char dir[] = "/tmp/vetd-test-incident.XXXXXX";
static char dbpath[300];
static struct store *st;
static long long org;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", dir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	store_close(st);
	fixture_rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

TestSuite(incident, .init = setup, .fini = teardown);

static long long file(const char *type, const char *reporter, int confidential)
{
	struct incident_new n;
	json_t *named = json_pack("[s]", "bob");
	long long id;

	memset(&n, 0, sizeof(n));
	n.org_id = org;
	n.type = type;
	n.state = "reported";
	n.occurred_on = "2026-11-01";
	n.description = "a laptop left unlocked";
	n.reporter = reporter;
	n.subject = "carol";
	n.named = named;
	n.confidential = confidential;
	n.sensitive_material = 1;
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(incident_insert(st, &n, &id), INC_OK);
	cr_assert_eq(incident_event(st, id, "user:x", "reported", NULL), INC_OK);
	cr_assert_eq(store_commit(st), 0);
	json_decref(named);
	return id;
}

Test(incident, stored_and_shown_with_or_without_the_reporter)
{
	long long id = file("security_incident", "alice", 1);
	struct incident inc;
	json_t *j;

	cr_assert_eq(incident_get(st, org, id, &inc), INC_OK);
	cr_assert_str_eq(inc.reporter, "alice");
	cr_assert_str_eq(inc.subject, "carol");
	cr_assert(inc.confidential);
	cr_assert(incident_names(&inc, "bob"));
	cr_assert_not(incident_names(&inc, "alice"));
	cr_assert_not(incident_names(&inc, NULL));
	incident_clear(&inc);
	cr_assert_eq(incident_get(st, org + 1, id, &inc), INC_NOT_FOUND);
	incident_clear(&inc);

	j = incident_json(st, id, 1, 1);
	cr_assert_str_eq(json_string_value(json_object_get(j, "reporter")),
			 "alice");
	cr_assert(json_is_array(json_object_get(j, "events")));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
			 json_object_get(j, "tasks"), 0), "kind")),
			 "arrange_sensitive_material");
	json_decref(j);
	j = incident_json(st, id, 0, 1);
	cr_assert_null(json_object_get(j, "reporter"), "the reporter shown");
	cr_assert_null(json_object_get(j, "events"),
		       "the history names the reporter");
	cr_assert(json_is_true(json_object_get(j, "confidential")));
	json_decref(j);
}

Test(incident, filters_and_newest_first)
{
	long long a = file("security_incident", "alice", 0);
	long long b = file("security_breach", "alice", 0);
	json_t *ids;

	ids = incident_ids(st, org, NULL, NULL, NULL, NULL, NULL, 10);
	cr_assert_eq(json_array_size(ids), 2);
	cr_assert_eq(json_integer_value(json_array_get(ids, 0)), b);
	json_decref(ids);
	ids = incident_ids(st, org, "security_incident", NULL, NULL, NULL, NULL,
			   10);
	cr_assert_eq(json_array_size(ids), 1);
	cr_assert_eq(json_integer_value(json_array_get(ids, 0)), a);
	json_decref(ids);
	ids = incident_ids(st, org, NULL, NULL, "urgent", NULL, NULL, 10);
	cr_assert_eq(json_array_size(ids), 0);
	json_decref(ids);
	cr_assert_eq(incident_set_urgent(st, b, 24), INC_OK);
	ids = incident_ids(st, org, NULL, NULL, "urgent", NULL, NULL, 10);
	cr_assert_eq(json_array_size(ids), 1);
	json_decref(ids);
	ids = incident_ids(st, org, NULL, NULL, NULL, "2999-01-01", NULL, 10);
	cr_assert_eq(json_array_size(ids), 0);
	json_decref(ids);
	ids = incident_ids(st, org + 1, NULL, NULL, NULL, NULL, NULL, 10);
	cr_assert_eq(json_array_size(ids), 0, "another organization's");
	json_decref(ids);
}

Test(incident, state_moves_only_from_where_it_is)
{
	long long id = file("security_incident", "alice", 0);
	json_t *j;

	cr_assert_eq(incident_set_state(st, id, "reported",
		     "preliminary_inquiry", 0), INC_OK);
	cr_assert_eq(incident_set_state(st, id, "reported", "closed", 1),
		     INC_CONFLICT, "moved from a state it has left");
	cr_assert_eq(incident_set_state(st, id, "preliminary_inquiry",
		     "closed", 1), INC_OK);
	j = incident_json(st, id, 1, 0);
	cr_assert(json_is_string(json_object_get(j, "closed_at")));
	json_decref(j);
}

Test(incident, inquiry_record_is_append_only)
{
	long long id = file("security_incident", "alice", 0);
	long long other = file("security_incident", "alice", 0);
	long long e1, e2, e3, x;
	char *err = NULL;
	json_t *v;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(incident_inquiry_add(st, id, "user:cso", "spoke to A",
		     "A", "it was left unlocked", 0, 0, &e1), INC_OK);
	cr_assert_eq(incident_inquiry_add(st, id, "user:cso", "checked logs",
		     NULL, "no access", 1, 0, &e2), INC_OK);
	/* final: only corrections now, naming an entry of this record */
	cr_assert_eq(incident_inquiry_add(st, id, "user:cso", "more", NULL,
		     NULL, 0, 0, &x), INC_CONFLICT);
	cr_assert_eq(incident_inquiry_add(st, other, "user:cso", "first", NULL,
		     NULL, 0, 0, &x), INC_OK);
	cr_assert_eq(incident_inquiry_add(st, id, "user:cso", "fix", NULL,
		     NULL, 0, x, &e3), INC_CONFLICT, "corrects another's entry");
	cr_assert_eq(incident_inquiry_add(st, id, "user:cso", "fix", NULL,
		     "someone did look", 0, e2, &e3), INC_OK);
	cr_assert_eq(store_commit(st), 0);
	/* the database itself refuses to change or drop an entry */
	cr_assert_neq(sqlite3_exec(store_db(st), "UPDATE incident_inquiry SET"
		      " findings = 'x'", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	cr_assert_neq(sqlite3_exec(store_db(st), "DELETE FROM incident_inquiry",
		      NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	v = incident_findings(st, id);
	cr_assert_eq(json_array_size(v), 3);
	cr_assert_str_eq(json_string_value(json_array_get(v, 2)),
			 "someone did look");
	json_decref(v);
	v = incident_view(st, id);
	cr_assert(json_is_true(json_object_get(v, "inquiry_final")));
	cr_assert(json_is_false(json_object_get(v, "report_sent")));
	json_decref(v);
	v = incident_inquiry_entry(st, e3);
	cr_assert_eq(json_integer_value(json_object_get(v, "corrects")), e2);
	json_decref(v);
}

Test(incident, cause_once_and_measures_settled_once)
{
	long long id = file("security_breach", "alice", 0), m1, m2;
	json_t *v;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(incident_set_cause(st, id, "no encryption", "user:cso"),
		     INC_OK);
	cr_assert_eq(incident_set_cause(st, id, "again", "user:cso"),
		     INC_CONFLICT);
	cr_assert_eq(incident_measure_add(st, id, "encrypt", "dave",
		     "2026-12-01", "user:cso", &m1), INC_OK);
	cr_assert_eq(incident_measure_add(st, id, "train", "erin",
		     "2026-12-01", "user:cso", &m2), INC_OK);
	cr_assert_eq(incident_measures_open(st, id), 2);
	cr_assert_eq(incident_measure_settle(st, id, m1, "2026-11-20", NULL),
		     INC_OK);
	cr_assert_eq(incident_measure_settle(st, id, m1, NULL, "late"),
		     INC_CONFLICT, "settled twice");
	cr_assert_eq(incident_measure_settle(st, id + 99, m2, NULL, "x"),
		     INC_NOT_FOUND, "another incident's measure");
	cr_assert_eq(incident_measures_open(st, id), 1);
	cr_assert_eq(incident_measure_settle(st, id, m2, NULL, "not needed"),
		     INC_OK);
	cr_assert_eq(incident_measures_open(st, id), 0);
	cr_assert_eq(incident_report_sent(st, id, "2026-11-21", "email",
		     "CSP-1", "user:cso"), INC_OK);
	cr_assert_eq(store_commit(st), 0);
	v = incident_measure_json(st, m2);
	cr_assert_str_eq(json_string_value(json_object_get(v, "status")),
			 "waived");
	json_decref(v);
	v = incident_view(st, id);
	cr_assert(json_is_true(json_object_get(v, "cause_recorded")));
	cr_assert(json_is_true(json_object_get(v, "report_sent")));
	cr_assert_eq(json_integer_value(json_object_get(v, "measures_open")), 0);
	json_decref(v);
}

Test(incident, the_sensitive_material_task_is_done_once)
{
	long long id = file("security_contact", "alice", 0);
	json_t *j;

	cr_assert_eq(incident_sensitive_arranged(st, id), INC_OK);
	cr_assert_eq(incident_sensitive_arranged(st, id), INC_CONFLICT);
	j = incident_json(st, id, 1, 0);
	cr_assert(json_is_true(json_object_get(json_array_get(json_object_get(
		  j, "tasks"), 0), "done")));
	json_decref(j);
}

Test(incident, types_and_circumstances)
{
	cr_assert(incident_type_valid("security_contact"));
	cr_assert_not(incident_type_valid("rumour"));
	cr_assert(incident_circumstance_valid("foreign_travel"));
	cr_assert_not(incident_circumstance_valid("marriage_to_report"));
}
