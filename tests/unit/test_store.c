/*
 * Unit tests of store, on a database in a temporary directory: opening
 * (and failing to open), the connection pragmas (WAL, synchronous=NORMAL
 * with store_commit syncing the WAL itself, foreign keys, secure_delete),
 * durable commits (one WAL sync each, none when relaxed, none for a failed
 * COMMIT), the sync group (processes forked after store_share_syncs
 * committing at once: every row there, never more syncs than commits),
 * read snapshots (one state for every read, no writes inside, ending
 * harmlessly when none is open), migrations (all applied once, none on the
 * second run, the version reached is store_schema_latest()), store_health
 * and store_migrate refusing a database whose schema is newer than the
 * program, the prepared statement cache (same statement for the same SQL
 * pointer, reset by store_done, NULL for bad SQL), store_exec errors and
 * transaction semantics (a rolled back insert is not visible, a committed
 * one is, also from a second connection).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"
#include "store.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-store-XXXXXX";
static char dbpath[600];
static char err[512];
static struct store *st;

static void setup(void)
{
	log_set_level(LOG_LVL_WARN);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	st = NULL;
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(store, .init = setup, .fini = teardown, .timeout = 30);

static struct store *open_db(void)
{
	struct store *s = store_open(dbpath, 1000, err, sizeof(err));

	cr_assert_not_null(s, "store_open: %s", err);
	return s;
}

static void migrate(struct store *s)
{
	int applied = -1;

	cr_assert_eq(store_migrate(s, &applied, err, sizeof(err)), 0,
		     "store_migrate: %s", err);
}

/* The first column of the first row of sql, as an integer. */
static long long query_int(struct store *s, const char *sql)
{
	sqlite3_stmt *stmt;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(store_db(s), sql, -1, &stmt, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(s)));
	cr_assert_eq(sqlite3_step(stmt), SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* --- opening ------------------------------------------------------------ */

Test(store, open_creates_the_file)
{
	st = open_db();
	cr_assert_eq(access(dbpath, F_OK), 0);
	cr_assert_not_null(store_db(st));
}

Test(store, open_fails_with_error)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/no/such/dir/vetd.db", tmpdir);
	err[0] = '\0';
	cr_assert_null(store_open(path, 1000, err, sizeof(err)));
	cr_assert_not_null(strstr(err, "cannot open database"), "error: %s", err);
}

Test(store, open_fails_on_a_file_that_is_not_a_database)
{
	FILE *fp = fopen(dbpath, "w");

	cr_assert_not_null(fp);
	fputs("this is certainly not an SQLite database, but plain text "
	      "long enough to fill a header of one hundred bytes ..........\n",
	      fp);
	fclose(fp);
	err[0] = '\0';
	cr_assert_null(store_open(dbpath, 1000, err, sizeof(err)));
	cr_assert_neq(err[0], '\0');
}

Test(store, pragmas_set)
{
	sqlite3_stmt *s;

	st = open_db();
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "PRAGMA journal_mode", -1,
		     &s, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	/* NORMAL: COMMIT leaves the sync to store_commit */
	cr_assert_eq(query_int(st, "PRAGMA synchronous"), 1, "not NORMAL");
	cr_assert_eq(query_int(st, "PRAGMA page_size"), 1024,
		     "a new database has 1 KiB pages");
	cr_assert_eq(query_int(st, "PRAGMA foreign_keys"), 1);
	cr_assert_eq(query_int(st, "PRAGMA secure_delete"), 1);
	cr_assert_eq(query_int(st, "PRAGMA trusted_schema"), 0);
}

/* A writer waits for another's lock at most busy_timeout, then gives up;
 * once the lock is free it goes ahead. */
Test(store, busy_timeout_bounds_the_wait_for_a_lock)
{
	struct store *other;

	st = store_open(dbpath, 200, err, sizeof(err));
	cr_assert_not_null(st, "%s", err);
	other = store_open(dbpath, 200, err, sizeof(err));
	cr_assert_not_null(other, "%s", err);
	cr_assert_eq(store_begin(other), 0);
	cr_assert_eq(store_begin(st), -1, "took a lock another holds");
	store_commit(other);
	cr_assert_eq(store_begin(st), 0, "could not take a free lock");
	store_commit(st);
	store_close(other);
}

/* --- migrations --------------------------------------------------------- */

Test(store, migrate_then_nothing_to_do)
{
	int applied = -1, v = -1;

	st = open_db();
	cr_assert_eq(store_schema_version(st, &v), 0);
	cr_assert_eq(v, 0, "a fresh database has version %d", v);
	cr_assert_eq(store_migrate(st, &applied, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(applied, store_nmigrations);
	cr_assert_gt(applied, 0);
	cr_assert_eq(store_schema_version(st, &v), 0);
	cr_assert_eq(v, store_schema_latest());

	applied = -1;
	cr_assert_eq(store_migrate(st, &applied, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(applied, 0);
	cr_assert_eq(store_schema_version(st, &v), 0);
	cr_assert_eq(v, store_schema_latest());
}

Test(store, migrate_again_after_reopen)
{
	int applied = -1;

	st = open_db();
	migrate(st);
	store_close(st);
	st = open_db();
	cr_assert_eq(store_migrate(st, &applied, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(applied, 0);
	cr_assert_eq(store_health(st, err, sizeof(err)), 0, "%s", err);
}

Test(store, migrations_are_numbered_in_order)
{
	int i;

	cr_assert_gt(store_nmigrations, 0);
	for (i = 0; i < store_nmigrations; i++) {
		cr_assert_eq(store_migrations[i].version, i + 1,
			     "migration %d has version %d", i,
			     store_migrations[i].version);
		cr_assert_not_null(store_migrations[i].name);
		cr_assert_not_null(store_migrations[i].sql);
	}
	cr_assert_eq(store_schema_latest(), store_nmigrations);
}

Test(store, migration_creates_tables)
{
	st = open_db();
	migrate(st);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table' AND name IN ('organizations', 'sites')"), 2);
}

Test(store, health_ok_after_migrate)
{
	st = open_db();
	err[0] = '\0';
	cr_assert_eq(store_health(st, err, sizeof(err)), -1,
		     "an empty database is healthy");
	cr_assert_not_null(strstr(err, "schema version 0"), "error: %s", err);
	migrate(st);
	cr_assert_eq(store_health(st, err, sizeof(err)), 0, "%s", err);
}

Test(store, newer_schema_is_refused)
{
	int applied = -1, v = -1;
	char want[64];

	st = open_db();
	migrate(st);
	cr_assert_eq(store_exec(st, "PRAGMA user_version=999", err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(store_schema_version(st, &v), 0);
	cr_assert_eq(v, 999);

	err[0] = '\0';
	cr_assert_eq(store_health(st, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "schema version 999, expected %d",
		 store_schema_latest());
	cr_assert_not_null(strstr(err, want), "error: %s", err);

	err[0] = '\0';
	cr_assert_eq(store_migrate(st, &applied, err, sizeof(err)), -1);
	cr_assert_eq(applied, 0);
	cr_assert_not_null(strstr(err, "newer than this program"), "error: %s",
			   err);
	cr_assert_eq(store_schema_version(st, &v), 0);
	cr_assert_eq(v, 999, "store_migrate changed the version");
}

Test(store, failed_migration_leaves_no_transaction)
{
	int applied = -1;

	st = open_db();
	/* A table the first migration wants to create already exists. */
	cr_assert_eq(store_exec(st, "CREATE TABLE organizations (x)", err,
		     sizeof(err)), 0, "%s", err);
	err[0] = '\0';
	cr_assert_eq(store_migrate(st, &applied, err, sizeof(err)), -1);
	cr_assert_eq(applied, 0);
	cr_assert_not_null(strstr(err, "organizations"), "error: %s", err);
	cr_assert(sqlite3_get_autocommit(store_db(st)),
		  "a transaction was left open");
	cr_assert_eq(query_int(st, "PRAGMA user_version"), 0);
}

/* --- statements --------------------------------------------------------- */

Test(store, prepare_caches_by_pointer)
{
	static const char sql[] = "SELECT 1";
	sqlite3_stmt *a, *b, *c;

	st = open_db();
	a = store_prepare(st, sql);
	cr_assert_not_null(a);
	b = store_prepare(st, sql);
	cr_assert_eq(a, b, "same SQL pointer, another statement");
	c = store_prepare(st, "SELECT 2");
	cr_assert_not_null(c);
	cr_assert_neq(a, c);
	cr_assert_eq(sqlite3_step(c), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(c, 0), 2);
	store_done(c);
}

Test(store, prepare_many_statements)
{
	char *sqls[100];
	sqlite3_stmt *first[100];
	int i;

	st = open_db();
	for (i = 0; i < 100; i++) {
		sqls[i] = xasprintf("SELECT %d", i);
		first[i] = store_prepare(st, sqls[i]);
		cr_assert_not_null(first[i]);
	}
	for (i = 0; i < 100; i++) {
		cr_assert_eq(store_prepare(st, sqls[i]), first[i], "entry %d", i);
		cr_assert_eq(sqlite3_step(first[i]), SQLITE_ROW);
		cr_assert_eq(sqlite3_column_int(first[i], 0), i);
		store_done(first[i]);
	}
	/* the statements live until store_close: the strings must too */
	store_close(st);
	st = NULL;
	for (i = 0; i < 100; i++)
		free(sqls[i]);
}

Test(store, done_resets_and_clears_bindings)
{
	static const char sql[] = "SELECT ?1";
	sqlite3_stmt *s;

	st = open_db();
	s = store_prepare(st, sql);
	cr_assert_not_null(s);
	sqlite3_bind_int(s, 1, 42);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(s, 0), 42);
	store_done(s);
	s = store_prepare(st, sql);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "not reset");
	cr_assert_eq(sqlite3_column_type(s, 0), SQLITE_NULL,
		     "bindings not cleared");
	store_done(s);
	store_done(NULL);
}

Test(store, prepare_bad_sql_is_null)
{
	static const char bad[] = "SELEC nonsense FROM";
	static const char missing[] = "SELECT * FROM no_such_table";

	st = open_db();
	fixture_quiet(1);
	cr_assert_null(store_prepare(st, bad));
	cr_assert_null(store_prepare(st, bad), "a failure was cached");
	cr_assert_null(store_prepare(st, missing));
	fixture_quiet(0);
	/* once the table exists the same SQL compiles */
	cr_assert_eq(store_exec(st, "CREATE TABLE no_such_table (x)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_not_null(store_prepare(st, missing));
}

Test(store, exec_error_message)
{
	st = open_db();
	err[0] = '\0';
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x); INSERT INTO nope VALUES (1)",
		     err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "nope"), "error: %s", err);
	cr_assert_eq(store_exec(st, "SELEC 1", NULL, 0), -1, "NULL err");
}

/* --- transactions ------------------------------------------------------- */

Test(store, rollback_hides_the_insert)
{
	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_not(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (1)", err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 1);
	store_rollback(st);
	cr_assert(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 0,
		     "rolled back insert is visible");
}

Test(store, commit_keeps_the_insert)
{
	struct store *other;

	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (7)", err, sizeof(err)),
		     0, "%s", err);

	other = open_db();
	cr_assert_eq(query_int(other, "SELECT count(*) FROM t"), 0,
		     "uncommitted insert seen from another connection");
	cr_assert_eq(store_commit(st), 0);
	cr_assert(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(query_int(other, "SELECT count(*) FROM t"), 1);
	cr_assert_eq(query_int(other, "SELECT x FROM t"), 7);
	store_close(other);
}

Test(store, commit_and_rollback_without_begin)
{
	st = open_db();
	cr_assert_eq(store_commit(st), -1, "COMMIT outside a transaction");
	store_rollback(st);		/* nothing to roll back: harmless */
	cr_assert(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_begin(st), -1, "nested BEGIN");
	store_rollback(st);
	cr_assert(sqlite3_get_autocommit(store_db(st)));
}

Test(store, begin_immediate_takes_the_write_lock)
{
	struct store *other;

	st = open_db();
	other = store_open(dbpath, 0, err, sizeof(err));
	cr_assert_not_null(other, "%s", err);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_begin(other), -1,
		     "two writers in BEGIN IMMEDIATE at once");
	store_rollback(st);
	cr_assert_eq(store_begin(other), 0);
	store_rollback(other);
	store_close(other);
}

Test(store, close_null)
{
	store_close(NULL);
}

Test(store, commit_syncs_the_wal_unless_relaxed)
{
	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_syncs(st), 0);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (1)", NULL, 0), 0);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(store_syncs(st), 1, "a durable commit syncs once");
	store_relaxed(st, 1);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (2)", NULL, 0), 0);
	cr_assert_eq(store_commit(st), 0);
	store_relaxed(st, 0);
	cr_assert_eq(store_syncs(st), 1, "a relaxed commit does not sync");
	cr_assert_eq(store_commit(st), -1, "COMMIT with no transaction");
	cr_assert_eq(store_syncs(st), 1, "nothing committed, nothing synced");
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 2);
}

/*
 * Children forked after store_share_syncs commit at the same time, each
 * on its own connection. Every row must be there, and the group never
 * syncs more often than it commits (each child reports its syncs in its
 * exit status).
 */
Test(store, sync_group_shares_syncs_and_loses_nothing)
{
	enum { CHILDREN = 4, COMMITS = 50 };
	pid_t pids[CHILDREN];
	int i, status;
	long syncs = 0;

	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_share_syncs(), 0);
	for (i = 0; i < CHILDREN; i++) {
		cr_assert_neq(pids[i] = fork(), -1);
		if (pids[i] == 0) {
			struct store *c = store_open(dbpath, 10000, err,
			    sizeof(err));
			int k;

			if (c == NULL)
				_exit(255);
			for (k = 0; k < COMMITS; k++) {
				if (store_begin(c) == -1 ||
				    store_exec(c, "INSERT INTO t VALUES (1)",
				    NULL, 0) == -1 || store_commit(c) == -1)
					_exit(255);
			}
			_exit((int)store_syncs(c));
		}
	}
	for (i = 0; i < CHILDREN; i++) {
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 255,
			  "child %d failed", i);
		syncs += WEXITSTATUS(status);
	}
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"),
		     CHILDREN * COMMITS);
	cr_assert_leq(syncs, CHILDREN * COMMITS, "more syncs than commits");
	cr_assert_gt(syncs, 0, "no child synced at all");
}

Test(store, read_snapshot_sees_one_state)
{
	struct store *other;

	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	other = open_db();
	cr_assert_eq(store_read_begin(st), 0);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 0);
	/* another connection commits while the snapshot is open */
	cr_assert_eq(store_begin(other), 0);
	cr_assert_eq(store_exec(other, "INSERT INTO t VALUES (1)", NULL, 0),
		     0);
	cr_assert_eq(store_commit(other), 0);
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 0,
		     "the snapshot moved");
	cr_assert_eq(store_begin(st), -1, "a write transaction inside it");
	store_read_end(st);
	cr_assert(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 1);
	store_read_end(st);		/* none open: harmless */
	cr_assert(sqlite3_get_autocommit(store_db(st)));
	store_close(other);
}

/* A handler that answers before reading anything (a bad query string)
 * still ends its snapshot: the connection's next write commits. */
Test(store, read_snapshot_with_no_read_is_ended)
{
	struct store *other;

	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_read_begin(st), 0);
	cr_assert(!sqlite3_get_autocommit(store_db(st)));
	store_read_end(st);
	cr_assert(sqlite3_get_autocommit(store_db(st)),
		  "the empty snapshot was left open");
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (1)", NULL, 0), 0);
	cr_assert_eq(store_commit(st), 0);
	other = open_db();
	cr_assert_eq(query_int(other, "SELECT count(*) FROM t"), 1,
		     "the write after the snapshot was not committed");
	store_close(other);
}

Test(store, read_snapshot_end_undoes_a_stray_write)
{
	st = open_db();
	cr_assert_eq(store_exec(st, "CREATE TABLE t (x INTEGER)", err,
		     sizeof(err)), 0, "%s", err);
	cr_assert_eq(store_read_begin(st), 0);
	cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (1)", NULL, 0), 0);
	fixture_quiet(1);
	store_read_end(st);
	fixture_quiet(0);
	cr_assert(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(query_int(st, "SELECT count(*) FROM t"), 0,
		     "a write inside a read snapshot was kept");
}
