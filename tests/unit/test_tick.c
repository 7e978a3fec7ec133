/*
 * Unit tests of tick, on a migrated database with the repository's default
 * policy (renewal_lead_days 180) for an organization "acme": a clearance
 * expiring within the lead time gets one renewal case (kind renewal, the
 * workflow's first state, its event, audit row and two notifications) and
 * a second pass does nothing; one outside the lead time, or not active,
 * gets none; a clearance past its date expires; a restriction past its
 * review date is flagged once; a response window that ran out unanswered
 * is closed once, and an answered one is left alone; two passes at once
 * open each renewal once; the trail stays intact.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "document.h"
#include "log.h"
#include "org.h"
#include "policy.h"
#include "tick.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-tick-XXXXXX";
static char dbpath[600], poldir[600], scriptdir[600], docdir[600];
static struct config cfg;
static struct store *st;
static struct policy_registry *reg;
static long long org;

static void setup(void)
{
	const char *src = getenv("VETD_SRCDIR");

	log_set_level(LOG_LVL_ERROR);
	cr_assert_neq(sodium_init(), -1);
	cr_assert_not_null(src, "VETD_SRCDIR names the source tree");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	snprintf(poldir, sizeof(poldir), "%s/policies", src);
	snprintf(scriptdir, sizeof(scriptdir), "%s/scripts", src);
	memset(&cfg, 0, sizeof(cfg));
	cfg.database = dbpath;
	snprintf(docdir, sizeof(docdir), "%s/docs", tmpdir);
	cfg.doc_dir = docdir;
	cfg.busy_timeout = 5000;
	cfg.policy_dir = poldir;
	cfg.scripts_dir = scriptdir;
	cfg.policy_check = 1;
	cfg.policy_budget = 10000000;
	cfg.policy_memory = 64LL * 1024 * 1024;
	st = fixture_db_open(dbpath);
	reg = policy_registry_new(&cfg);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	policy_registry_free(reg);
	store_close(st);
	fixture_rmdir(docdir);
	fixture_rmdir(tmpdir);
}

TestSuite(tick, .init = setup, .fini = teardown, .timeout = 60);

#define count(...) fixture_count(st, __VA_ARGS__)

static void exec(const char *fmt, ...)
{
	char sql[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	cr_assert_eq(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
}

/* today + days as YYYY-MM-DD, in buf. */
static const char *day(long long days, char *buf)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
	return buf;
}

static char today[11];

/* A person (with a username) and a clearance of theirs; its id. */
static long long clearance(const char *status, long long expires_in,
			   const char *restrictions)
{
	char d[11];
	long long person;

	exec("INSERT INTO persons (org_id, data, username, created_at,"
	     " updated_at) VALUES (%lld, '{\"name\":\"Holder\"}', 'holder%lld',"
	     " 'x', 'x')", org, count("SELECT count(*) + 1 FROM persons"));
	person = sqlite3_last_insert_rowid(store_db(st));
	exec("INSERT INTO clearances (org_id, person_id, level, status,"
	     " granted_on, expires_on, restrictions, created_at, updated_at)"
	     " VALUES (%lld, %lld, 'SECRET', '%s', '2020-01-01', '%s', '%s',"
	     " 'x', 'x')", org, person, status, day(expires_in, d),
	     restrictions ? restrictions : "[]");
	return sqlite3_last_insert_rowid(store_db(st));
}

static struct tick_report run(void)
{
	struct tick_report r;
	char err[1024] = "";

	day(0, today);
	cr_assert_eq(tick_run(st, &cfg, reg, today, NULL, &r, err,
		     sizeof(err)), 0, "tick: %s", err);
	return r;
}

static void intact(void)
{
	struct audit_verify_result v;

	cr_assert_eq(audit_verify(st, &v), 0, "%s", v.reason);
}

Test(tick, a_clearance_due_gets_one_renewal_case)
{
	long long c = clearance("active", 100, NULL), kase;
	struct tick_report r = run();

	cr_assert_eq(r.renewals, 1);
	cr_assert_eq(count("SELECT count(*) FROM renewals WHERE clearance_id"
			   " = %lld", c), 1);
	kase = count("SELECT case_id FROM renewals WHERE clearance_id = %lld", c);
	cr_assert_eq(count("SELECT count(*) FROM cases WHERE id = %lld AND kind"
			   " = 'renewal' AND level = 'SECRET' AND state = 'draft'"
			   " AND created_by = 'system:tick'", kase), 1);
	cr_assert_eq(count("SELECT count(*) FROM case_events WHERE case_id ="
			   " %lld AND type = 'opened' AND detail LIKE"
			   " '%%clearance:%lld%%'", kase, c), 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_events WHERE action ="
			   " 'case.open' AND target = 'case:%lld' AND actor ="
			   " 'system:tick'", kase), 1);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE kind ="
			   " 'renewal_due'"), 2, "the CSO and the holder");
	cr_assert_eq(r.notices, 2);

	r = run();
	cr_assert_eq(r.renewals + r.expired + r.reviews + r.windows + r.notices,
		     0, "a second pass changed something");
	cr_assert_eq(count("SELECT count(*) FROM cases"), 1);
	intact();
}

Test(tick, only_live_clearances_within_the_lead_time_renew)
{
	struct tick_report r;

	clearance("active", 200, NULL);		/* beyond 180 days */
	clearance("revoked", 30, NULL);
	clearance("suspended", 30, NULL);
	clearance("restricted", 179, NULL);
	r = run();
	cr_assert_eq(r.renewals, 1, "%lld renewals", r.renewals);
	cr_assert_eq(count("SELECT count(*) FROM cases"), 1);
}

Test(tick, a_clearance_past_its_date_expires)
{
	long long c = clearance("active", -1, NULL), d = clearance("active", 0, NULL);
	struct tick_report r = run();

	cr_assert_eq(r.expired, 1);
	cr_assert_eq(count("SELECT count(*) FROM clearances WHERE id = %lld AND"
			   " status = 'expired'", c), 1);
	cr_assert_eq(count("SELECT count(*) FROM clearances WHERE id = %lld AND"
			   " status = 'active'", d), 1, "expired on its last day");
	cr_assert_eq(count("SELECT count(*) FROM audit_events WHERE action ="
			   " 'clearance.expire' AND target = 'clearance:%lld'", c), 1);
	cr_assert_eq(count("SELECT count(*) FROM renewals WHERE clearance_id ="
			   " %lld", c), 0, "an expired clearance was renewed");
	cr_assert_eq(run().expired, 0);
	intact();
}

Test(tick, a_restriction_past_review_is_flagged_once)
{
	char past[11], later[11], text[300];
	long long c;

	snprintf(text, sizeof(text), "[{\"type\":\"hours\",\"detail\":\"days\","
		 "\"review_date\":\"%s\"},{\"type\":\"areas\",\"detail\":\"B\","
		 "\"review_date\":\"%s\"},{\"type\":\"escort\",\"detail\":\"x\"}]",
		 day(-3, past), day(30, later));
	c = clearance("restricted", 1000, text);
	cr_assert_eq(run().reviews, 1);
	cr_assert_eq(count("SELECT count(*) FROM restriction_reviews WHERE"
			   " clearance_id = %lld AND review_date = '%s'", c, past), 1);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE kind = 'review_due'"
			   " AND recipient = 'role:cso'"), 1);
	cr_assert_eq(run().reviews, 0, "flagged twice");
	intact();
}

Test(tick, a_response_window_that_ran_out_is_closed_once)
{
	long long c = clearance("active", 1000, NULL), open_case, answered;
	char past[11];

	exec("INSERT INTO cases (org_id, person_id, kind, level, state,"
	     " response_due, opened_at, created_by, updated_at) VALUES"
	     " (%lld, (SELECT person_id FROM clearances WHERE id = %lld), 'new',"
	     " 'SECRET', 'adjudication', '%s', 'x', 'x', 'x')", org, c, day(-1, past));
	open_case = sqlite3_last_insert_rowid(store_db(st));
	exec("INSERT INTO cases (org_id, person_id, kind, level, state,"
	     " response_due, opened_at, created_by, updated_at) VALUES"
	     " (%lld, (SELECT person_id FROM clearances WHERE id = %lld), 'new',"
	     " 'SECRET', 'adjudication', '%s', 'x', 'x', 'x')", org, c, past);
	answered = sqlite3_last_insert_rowid(store_db(st));
	exec("INSERT INTO case_sections (case_id, name, data, version,"
	     " updated_at, updated_by) VALUES (%lld, 'response', '{}', 1, 'x',"
	     " 'x')", answered);
	cr_assert_eq(run().windows, 1);
	cr_assert_eq(count("SELECT count(*) FROM case_events WHERE case_id ="
			   " %lld AND type = 'response_window_closed'", open_case), 1);
	cr_assert_eq(count("SELECT count(*) FROM case_events WHERE case_id ="
			   " %lld", answered), 0, "an answered window was closed");
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE kind ="
			   " 'window_closed'"), 1);
	cr_assert_eq(run().windows, 0, "closed twice");
	intact();
}

/* Two passes at once, each its own process and connection: each renewal
 * is opened once. */
Test(tick, two_passes_at_once_open_each_renewal_once)
{
	pid_t kids[2];
	int i, status;

	for (i = 0; i < 600; i++)
		clearance("active", 10 + i % 100, NULL);
	day(0, today);
	for (i = 0; i < 2; i++) {
		cr_assert_neq(kids[i] = fork(), -1);
		if (kids[i] == 0) {
			struct store *c;
			struct policy_registry *p;
			struct tick_report r;
			char err[1024];

			if ((c = store_open(dbpath, 10000, err, sizeof(err))) == NULL)
				_exit(1);
			p = policy_registry_new(&cfg);
			_exit(tick_run(c, &cfg, p, today, NULL, &r, err,
				       sizeof(err)) == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < 2; i++) {
		cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			  "a pass failed");
	}
	cr_assert_eq(count("SELECT count(*) FROM renewals"), 600);
	cr_assert_eq(count("SELECT count(*) FROM cases"), 600, "a double renewal");
	cr_assert_eq(count("SELECT count(*) FROM outbox"), 1200);
	intact();
}

Test(tick, bad_date_in_the_database_is_not_a_crash)
{
	/* restrictions that are not JSON are skipped, not fatal */
	clearance("restricted", 1000, "not json");
	cr_assert_eq(run().reviews, 0);
}

/* --- retention (REGDOC 9.0) ------------------------------------------------ */

/* A closed case of a new person (data with a marker in it), decided
 * years_ago; with a clearance in status cl_status ended then, unless NULL.
 * Its id. */
static long long closed_file(const char *state, const char *cl_status,
			     int years_ago, const char *marker)
{
	long long person, kase;

	exec("INSERT INTO persons (org_id, data, username, created_at, updated_at)"
	     " VALUES (%lld, '{\"name\":\"Old File\",\"note\":\"%s\"}', NULL,"
	     " 'x', 'x')", org, marker);
	person = sqlite3_last_insert_rowid(store_db(st));
	exec("INSERT INTO cases (org_id, person_id, kind, level, state,"
	     " opened_at, created_by, updated_at) VALUES (%lld, %lld, 'new',"
	     " 'SECRET', '%s', 'x', 'x', strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
	     " 'now', '-%d years'))", org, person, state, years_ago);
	kase = sqlite3_last_insert_rowid(store_db(st));
	exec("INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	     " updated_by) VALUES (%lld, 'personal', '{\"secret\":\"%s\"}', 1,"
	     " 'x', 'x')", kase, marker);
	exec("INSERT INTO case_events (case_id, ts, actor, type, detail) VALUES"
	     " (%lld, 'x', 'x', 'transition', '{\"note\":\"%s\"}')", kase, marker);
	if (cl_status != NULL)
		exec("INSERT INTO clearances (org_id, person_id, case_id, level,"
		     " status, granted_on, expires_on, created_at, updated_at)"
		     " VALUES (%lld, %lld, %lld, 'SECRET', '%s', '2010-01-01',"
		     " '2015-01-01', 'x', strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now',"
		     " '-%d years'))", org, person, kase, cl_status, years_ago);
	return kase;
}

/* Does any of the database's files hold text? */
static int files_hold(const char *text)
{
	const char *suffix[] = { "", "-wal" };
	char path[700], *buf;
	FILE *fp;
	long len;
	size_t i, n, t = strlen(text);
	int found = 0;

	for (i = 0; i < 2 && !found; i++) {
		snprintf(path, sizeof(path), "%s%s", dbpath, suffix[i]);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		rewind(fp);
		buf = malloc((size_t)len + 1);
		n = fread(buf, 1, (size_t)len, fp);
		fclose(fp);
		for (size_t k = 0; k + t <= n && !found; k++)
			found = memcmp(buf + k, text, t) == 0;
		free(buf);
	}
	return found;
}

Test(tick, a_file_past_retention_is_purged_and_listed)
{
	long long denied = closed_file("denied", NULL, 2, "MARKER-DENIED-7731");
	long long revoked = closed_file("issued", "revoked", 2, "MARKER-REVOKED-7732");
	long long young = closed_file("denied", NULL, 0, "MARKER-YOUNG-7733");
	long long live = closed_file("issued", "active", 3, "MARKER-LIVE-7734");
	struct tick_report r;

	cr_assert(files_hold("MARKER-DENIED-7731"), "the test wrote no marker");
	r = run();
	cr_assert_eq(r.purged, 2, "%lld purged", r.purged);
	cr_assert_eq(count("SELECT count(*) FROM purges WHERE case_id IN (%lld,"
			   " %lld)", denied, revoked), 2);
	cr_assert_eq(count("SELECT count(*) FROM case_sections WHERE case_id IN"
			   " (%lld, %lld)", denied, revoked), 0);
	cr_assert_eq(count("SELECT count(*) FROM case_sections WHERE case_id IN"
			   " (%lld, %lld)", young, live), 2, "a file kept too short");
	cr_assert_eq(count("SELECT count(*) FROM register_listing WHERE name ="
			   " 'Old File' AND ((case_id = %lld AND outcome = 'denied')"
			   " OR (case_id = %lld AND outcome = 'revoked' AND"
			   " granted_on = '2010-01-01'))", denied, revoked), 2);
	cr_assert_eq(count("SELECT count(*) FROM audit_events WHERE action ="
			   " 'case.purge'"), 2);
	/* gone from the files, not only from the tables */
	cr_assert_not(files_hold("MARKER-DENIED-7731"));
	cr_assert_not(files_hold("MARKER-REVOKED-7732"));
	cr_assert(files_hold("MARKER-LIVE-7734"));
	cr_assert_eq(run().purged, 0, "purged twice");
	intact();
}

Test(tick, a_legal_hold_stops_the_purge_until_lifted)
{
	long long kase = closed_file("denied", NULL, 2, "MARKER-HELD-7735");

	exec("INSERT INTO legal_holds (org_id, kind, target_id, reason, placed_by,"
	     " placed_at) VALUES (%lld, 'person', (SELECT person_id FROM cases"
	     " WHERE id = %lld), 'litigation', 'x', 'x')", org, kase);
	cr_assert_eq(run().purged, 0, "purged under a hold");
	cr_assert(files_hold("MARKER-HELD-7735"));
	exec("UPDATE legal_holds SET lifted_at = 'x', lifted_by = 'x'");
	cr_assert_eq(run().purged, 1);
	cr_assert_not(files_hold("MARKER-HELD-7735"));
}

/* A document of case kase, its ciphertext in docdir: its vault id. */
static void document_of(long long kase, char id[VAULT_IDLEN + 1])
{
	unsigned char key[VAULT_KEYBYTES];
	struct vault_writer *w;
	char err[256];

	mkdir(docdir, 0700);
	vault_new_id(id);
	vault_new_key(key);
	cr_assert_not_null(w = vault_writer_new(docdir, id, key, err,
			   sizeof(err)));
	cr_assert_eq(vault_writer_push(w, "passport scan", 13), 0);
	cr_assert_eq(vault_writer_finish(w), 0);
	exec("INSERT INTO documents (org_id, owner_kind, owner_id, vault_id,"
	     " kind, filename, size, content_type, sha256, classification,"
	     " uploaded_by, uploaded_at, key_version, wrapped_key) VALUES (%lld,"
	     " 'case', %lld, '%s', 'passport', 'p.txt', 13, 'text/plain',"
	     " printf('%%064d', 0), 'Secret', 'x', 'x', 1, zeroblob(72))",
	     org, kase, id);
}

static int doc_file(const char *name)
{
	char p[700];

	snprintf(p, sizeof(p), "%s/%s", docdir, name);
	return access(p, F_OK) == 0;
}

Test(tick, a_purged_files_documents_are_shredded)
{
	long long old = closed_file("denied", NULL, 2, "MARKER-DOC-7736");
	long long young = closed_file("denied", NULL, 0, "MARKER-DOC-7737");
	char gone[VAULT_IDLEN + 1], kept[VAULT_IDLEN + 1];
	struct tick_report r;

	document_of(old, gone);
	document_of(young, kept);
	r = run();
	cr_assert_eq(r.purged, 1);
	cr_assert_eq(r.shredded, 1, "%lld shredded", r.shredded);
	cr_assert_eq(count("SELECT count(*) FROM documents WHERE vault_id = '%s'"
			   " AND wrapped_key IS NULL AND shredded_by = 'system:tick'",
			   gone), 1);
	cr_assert_eq(count("SELECT count(*) FROM documents WHERE vault_id = '%s'"
			   " AND wrapped_key IS NOT NULL", kept), 1);
	cr_assert_not(doc_file(gone), "the ciphertext is still there");
	cr_assert(doc_file(kept));
	cr_assert_eq(count("SELECT json_extract(detail, '$.documents_shredded')"
			   " FROM audit_events WHERE action = 'case.purge'"), 1);
	cr_assert_eq(run().shredded, 0, "shredded twice");
}

Test(tick, orphaned_document_files_are_swept_once_old)
{
	long long kase = closed_file("denied", NULL, 0, "MARKER-DOC-7738");
	char live[VAULT_IDLEN + 1], orphan[VAULT_IDLEN + 1], part[80],
		fresh[VAULT_IDLEN + 1], p[700];
	struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
	FILE *fp;

	document_of(kase, live);
	vault_new_id(orphan);
	vault_new_id(fresh);
	snprintf(part, sizeof(part), ".%s.part", fresh);
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 7200;
	/* an orphan two hours old, a partial upload as old, a fresh orphan
	 * (an upload about to commit), an unrelated file */
	const char *names[] = { orphan, part, fresh, "README" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", docdir, names[i]);
		cr_assert_not_null(fp = fopen(p, "w"));
		fclose(fp);
		if (i < 2)
			cr_assert_eq(utimensat(AT_FDCWD, p, old, 0), 0);
	}
	snprintf(p, sizeof(p), "%s/%s", docdir, live);
	cr_assert_eq(utimensat(AT_FDCWD, p, old, 0), 0);
	cr_assert_eq(run().swept, 2);
	cr_assert(doc_file(live), "a live document was swept");
	cr_assert_not(doc_file(orphan));
	cr_assert_not(doc_file(part));
	cr_assert(doc_file(fresh), "an upload in flight was swept");
	cr_assert(doc_file("README"), "a file not ours was swept");
	cr_assert_eq(run().swept, 0);
}

/* --- appeal windows (REGDOC 11.0) -------------------------------------------- */

Test(tick, an_appeal_window_that_ran_out_is_closed_once)
{
	long long old = closed_file("denied", NULL, 0, "a"), fresh;
	long long appealed;

	/* decided 40 and 10 days ago, and one appealed: appeal_days is 30 */
	exec("INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	     " updated_by) VALUES (%lld, 'decision', json_object('decided_on',"
	     " date('now', '-40 days')), 1, 'x', 'x')", old);
	fresh = closed_file("denied", NULL, 0, "b");
	exec("INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	     " updated_by) VALUES (%lld, 'decision', json_object('decided_on',"
	     " date('now', '-10 days')), 1, 'x', 'x')", fresh);
	appealed = closed_file("denied", NULL, 0, "c");
	exec("INSERT INTO case_sections (case_id, name, data, version, updated_at,"
	     " updated_by) VALUES (%lld, 'decision', json_object('decided_on',"
	     " date('now', '-40 days')), 1, 'x', 'x')", appealed);
	exec("INSERT INTO appeals (org_id, case_id, appellant, grounds, lodged_on,"
	     " status) VALUES (%lld, %lld, 'x', 'g', 'x', 'lodged')", org, appealed);
	cr_assert_eq(run().appeals, 1);
	cr_assert_eq(count("SELECT count(*) FROM case_events WHERE case_id = %lld"
			   " AND type = 'appeal_window_closed'", old), 1);
	cr_assert_eq(count("SELECT count(*) FROM case_events WHERE type ="
			   " 'appeal_window_closed'"), 1);
	cr_assert_eq(run().appeals, 0, "closed twice");
	intact();
}
