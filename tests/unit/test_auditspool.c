/*
 * Unit tests of auditspool, on a migrated database and a spool directory
 * in a temporary directory: audit_record goes to the spool once one is
 * open (nothing in the trail yet, one line in the file); a flush commits
 * every pending record in order with the time it was made, marks the
 * spool's sequence and empties the file, and the chain stays intact;
 * auditspool_after_request keeps records while requests queue and commits
 * them when none does, when the batch is full or when the oldest is old;
 * a spool left by a worker that died is replayed exactly once (records
 * already committed are skipped by sequence, a torn line is skipped), a
 * live worker's spool is left alone, and closing a spool commits what is
 * pending and removes the file and its mark; control characters and text
 * outside ASCII come through a spool line unchanged.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "audit.h"
#include "auditspool.h"
#include "log.h"
#include "org.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-auditspool-XXXXXX";
static char dbpath[600], spooldir[600];
static struct store *st;
static long long org;

static void setup(void)
{
	log_set_level(LOG_LVL_WARN);
	cr_assert_neq(sodium_init(), -1);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	snprintf(spooldir, sizeof(spooldir), "%s/spool", tmpdir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	auditspool_close(st);
	store_close(st);
	st = NULL;
	fixture_rmdir(spooldir);
	fixture_rmdir(tmpdir);
}

TestSuite(auditspool, .init = setup, .fini = teardown, .timeout = 30);

#define count(...) fixture_count(st, __VA_ARGS__)

static struct audit_event event(const char *target)
{
	struct audit_event ev = {
		.actor = "user:alice", .org_id = org, .action = "case.read",
		.target = target, .client_addr = "127.0.0.1",
		.request_id = "0123456789abcdef0123456789abcdef",
	};

	return ev;
}

static void record(const char *target)
{
	struct audit_event ev = event(target);

	cr_assert_eq(audit_record(st, &ev), 0);
}

/* The one spool file in spooldir (other than skip), into buf; 0 if none. */
static int spool_file(char *buf, size_t len, const char *skip)
{
	DIR *d = opendir(spooldir);
	struct dirent *e;
	int found = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "spool-", 6) != 0 ||
		    (skip && strstr(skip, e->d_name)))
			continue;
		snprintf(buf, len, "%s/%s", spooldir, e->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

static off_t file_size(const char *path)
{
	struct stat sb;

	cr_assert_eq(stat(path, &sb), 0, "%s", path);
	return sb.st_size;
}

static void verify_intact(long long events)
{
	struct audit_verify_result r;

	cr_assert_eq(audit_verify(st, &r), 0, "%s", r.reason);
	cr_assert_eq(r.count, events);
}

Test(auditspool, records_wait_in_the_spool_until_flushed)
{
	char path[1024];

	cr_assert_eq(auditspool_open(spooldir), 0);
	cr_assert(spool_file(path, sizeof(path), NULL));
	cr_assert_eq(file_size(path), 0);
	record("case:1");
	record("case:2");
	record("case:3");
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 0,
		     "a spooled record went to the trail at once");
	cr_assert_gt(file_size(path), 0, "the record is not in the file");
	cr_assert_eq(auditspool_flush(st), 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 3);
	cr_assert_eq(count("SELECT count(*) FROM audit_events WHERE id = 3 AND"
			   " target = 'case:3' AND actor = 'user:alice'"), 1,
		     "not in the order made");
	cr_assert_eq(count("SELECT seq FROM audit_spools"), 3);
	cr_assert_eq(file_size(path), 0, "the committed lines were kept");
	cr_assert_eq(auditspool_flush(st), 0, "nothing pending: no-op");
	verify_intact(3);
}

Test(auditspool, a_record_keeps_the_time_it_was_made)
{
	char made[40], stored[64];
	sqlite3_stmt *s;

	cr_assert_eq(auditspool_open(spooldir), 0);
	record("case:1");
	util_now_iso(made, sizeof(made));
	sleep(1);
	cr_assert_eq(auditspool_flush(st), 0);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st),
		     "SELECT ts FROM audit_events WHERE id = 1", -1, &s, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	snprintf(stored, sizeof(stored), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	/* made at most a moment before `made`, not a second later */
	cr_assert_leq(strcmp(stored, made), 0, "stored %s, made by %s",
		      stored, made);
}

Test(auditspool, after_request_waits_while_requests_queue)
{
	int i;

	cr_assert_eq(auditspool_open(spooldir), 0);
	cr_assert_eq(auditspool_due_ms(), -1, "due with nothing pending");
	record("case:1");
	cr_assert(auditspool_due_ms() > 0 && auditspool_due_ms() <=
		  SPOOL_AGE_MS + 1, "due in %d ms", auditspool_due_ms());
	auditspool_after_request(st, 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 0,
		     "committed although requests were waiting");
	auditspool_after_request(st, 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 1,
		     "not committed when idle");

	/* a full batch is committed even under load */
	for (i = 0; i < SPOOL_BATCH; i++)
		record("case:2");
	auditspool_after_request(st, 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"),
		     1 + SPOOL_BATCH, "a full batch waited");

	/* and so is a record older than SPOOL_AGE_MS */
	record("case:3");
	auditspool_after_request(st, 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"),
		     1 + SPOOL_BATCH);
	usleep((SPOOL_AGE_MS + 50) * 1000);
	cr_assert_eq(auditspool_due_ms(), 0, "an old record is not due");
	auditspool_after_request(st, 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"),
		     2 + SPOOL_BATCH, "an old record waited");
	verify_intact(2 + SPOOL_BATCH);
}

Test(auditspool, record_in_a_write_transaction_is_refused)
{
	struct audit_event ev = event("case:1");

	cr_assert_eq(auditspool_open(spooldir), 0);
	cr_assert_eq(store_begin(st), 0);
	fixture_quiet(1);
	cr_assert_eq(audit_record(st, &ev), -1);
	fixture_quiet(0);
	store_rollback(st);
	cr_assert_eq(auditspool_flush(st), 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 0);
}

Test(auditspool, close_commits_and_removes_the_spool)
{
	char path[1024];

	cr_assert_eq(auditspool_open(spooldir), 0);
	cr_assert(spool_file(path, sizeof(path), NULL));
	record("case:1");
	auditspool_close(st);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 1);
	cr_assert_eq(count("SELECT count(*) FROM audit_spools"), 0,
		     "the mark outlived its spool");
	cr_assert_neq(access(path, F_OK), 0, "the spool file is still there");
	/* without a spool, records are committed at once */
	record("case:2");
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 2);
	verify_intact(2);
}

/*
 * A child opens a spool, records n records, commits the first `flushed`
 * of them, then (when torn) writes half a line, and dies without closing:
 * what a crashed worker leaves.
 */
static void crashed_worker(int n, int flushed, int torn)
{
	pid_t pid;
	int status;

	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		struct store *c;
		char err[256], path[700];
		int i, fd;

		if ((c = store_open(dbpath, 5000, err, sizeof(err))) == NULL ||
		    auditspool_open(spooldir) == -1)
			_exit(1);
		for (i = 0; i < n; i++) {
			struct audit_event ev = event("case:9");

			if (i == flushed && auditspool_flush(c) == -1)
				_exit(1);
			if (audit_record(c, &ev) != 0)
				_exit(1);
		}
		if (flushed == n && auditspool_flush(c) == -1)
			_exit(1);
		if (torn) {
			if (!spool_file(path, sizeof(path), NULL) ||
			    (fd = open(path, O_WRONLY | O_APPEND)) == -1)
				_exit(1);
			if (write(fd, "{\"seq\":99,\"ts\":\"20", 18) != 18)
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the crashing child failed before its crash");
}

Test(auditspool, a_dead_workers_spool_is_replayed_once)
{
	long long n = -1;
	char path[1024];

	crashed_worker(5, 2, 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 2);
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	cr_assert_eq(n, 3, "replayed %lld records, not the 3 uncommitted", n);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 5);
	cr_assert_eq(count("SELECT count(*) FROM audit_spools"), 0);
	cr_assert_not(spool_file(path, sizeof(path), NULL),
		      "the replayed spool is still there");
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	cr_assert_eq(n, 0, "replayed twice");
	verify_intact(5);
}

Test(auditspool, a_committed_spool_that_was_not_truncated_adds_nothing)
{
	long long n = -1;

	crashed_worker(4, 4, 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 4);
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 4);
	verify_intact(4);
}

Test(auditspool, a_torn_line_is_skipped)
{
	long long n = -1;

	crashed_worker(3, 0, 1);
	fixture_quiet(1);
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	fixture_quiet(0);
	cr_assert_eq(n, 3);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 3);
	verify_intact(3);
}

Test(auditspool, a_live_workers_spool_is_left_alone)
{
	int ready[2], go[2], status;
	long long n = -1;
	pid_t pid;
	char c = 0, path[700];

	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(go), 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		struct audit_event ev = event("case:5");

		/* spooled: the inherited connection is not used */
		if (auditspool_open(spooldir) == -1 ||
		    audit_record(st, &ev) != 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	cr_assert_eq(read(ready[0], &c, 1), 1);
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	cr_assert_eq(n, 0, "took records from a live worker's spool");
	cr_assert(spool_file(path, sizeof(path), NULL),
		  "removed a live worker's spool");
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	/* now its owner is gone: the record is replayed */
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	cr_assert_eq(n, 1);
	verify_intact(1);
}

/* Text outside ASCII (kept as UTF-8) and control characters (escaped)
 * survive the spool line and its replay, and hash as the trail expects. */
Test(auditspool, unusual_text_survives_the_spool)
{
	struct audit_event ascii = event("case:\"7\"\\\n\x01\x7f");
	struct audit_event utf8 = event("case:8");
	long long n = -1;
	char buf[256];
	sqlite3_stmt *s;
	pid_t pid;
	int status, i;
	const char *want[] = { "user:alice|case:\"7\"\\\n\x01\x7f",
			       "user:ren\xc3\xa9" "e|case:8" };

	utf8.actor = "user:ren\xc3\xa9" "e";
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		/* a worker that spools the records and dies */
		if (auditspool_open(spooldir) == -1 ||
		    audit_record(st, &ascii) != 0 || audit_record(st, &utf8) != 0)
			_exit(1);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(auditspool_recover(st, spooldir, &n), 0);
	cr_assert_eq(n, 2);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(sqlite3_prepare_v2(store_db(st), "SELECT actor ||"
			     " '|' || target FROM audit_events WHERE id = ?", -1,
			     &s, NULL), SQLITE_OK);
		sqlite3_bind_int(s, 1, i + 1);
		cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
		snprintf(buf, sizeof(buf), "%s", sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		cr_assert_str_eq(buf, want[i]);
	}
	verify_intact(2);
}
