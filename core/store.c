/*
 * store: SQLite connection, migrations and the prepared statement cache.
 * See store.h for the contract.
 */
#include "autoconf.h"

#include <sys/mman.h>

#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"
#include "util.h"

/*
 * Group sync: the workers of one server generation share this page, so
 * that one WAL sync can stand for every commit written before it. See
 * store_commit.
 */
struct syncshare {
	pthread_mutex_t	 mu;		/* robust, process-shared */
	uint64_t	 committed;	/* commits whose frames are written */
	uint64_t	 synced;	/* commits known to be on the disk */
};

/* This process's group, inherited over fork; NULL: sync alone. */
static struct syncshare	*share;

struct cached {
	const char	*sql;
	sqlite3_stmt	*stmt;
};

struct store {
	sqlite3		*db;
	int		 busy_ms;	/* give up waiting for a lock after this */
	int		 relaxed;	/* commits skip the WAL sync */
	unsigned long	 syncs;		/* WAL syncs made by store_commit */
	struct cached	*cache;
	size_t		 ncache;
	size_t		 capcache;
};

/*
 * Waiting for another process's lock. vetd's transactions last tens of
 * microseconds, so wait in steps of that size first; SQLite's own busy
 * timeout sleeps whole milliseconds from the start, which under load
 * costs far more than the lock ever does. Gives up after busy_ms.
 */
static int
store_busy(void *arg, int count)
{
	struct store	*st = arg;
	struct timespec	 ts;
	long		 us;
	uint64_t	 waited;

	/* 50 us steps for the first 200 tries (10 ms), then 1 ms steps */
	if (count < 200) {
		us = 50;
		waited = (uint64_t)count * 50;
	} else {
		us = 1000;
		waited = 10000 + (uint64_t)(count - 200) * 1000;
	}
	if (waited >= (uint64_t)st->busy_ms * 1000)
		return 0;
	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
	return 1;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

int
store_exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err != NULL)
			snprintf(err, errlen, "%s", msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *path, int busy_ms, char *err, size_t errlen)
{
	struct store	*st;
	char		 pragmas[512];

	st = xcalloc(1, sizeof(*st));
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database: %s",
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	st->busy_ms = busy_ms;
	sqlite3_busy_handler(st->db, store_busy, st);
	snprintf(pragmas, sizeof(pragmas),
	    /* a new database gets 1 KiB pages: vetd's rows are small, and a
	     * commit writes (and syncs) every page it touches whole; an
	     * existing database keeps its page size */
	    "PRAGMA page_size=1024;"
	    "PRAGMA journal_mode=WAL;"
	    /* COMMIT does not wait for the disk; store_commit does, after
	     * the write lock is released (see there) */
	    "PRAGMA synchronous=NORMAL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA secure_delete=ON;"
	    "PRAGMA trusted_schema=OFF;"
	    /* keep the WAL from growing without end under steady load */
	    "PRAGMA journal_size_limit=67108864;");
	if (store_exec(st, pragmas, err, errlen) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	size_t	i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	free(st->cache);
	sqlite3_close(st->db);
	free(st);
}

int
store_schema_latest(void)
{
	return store_migrations[store_nmigrations - 1].version;
}

int
store_schema_version(struct store *st, int *v)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_prepare(st, "PRAGMA user_version")) == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*v = sqlite3_column_int(s, 0);
		rc = 0;
	}
	store_done(s);
	return rc;
}

int
store_health(struct store *st, char *err, size_t errlen)
{
	int	v;

	if (store_schema_version(st, &v) == -1) {
		snprintf(err, errlen, "database does not answer: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (v != store_schema_latest()) {
		snprintf(err, errlen, "schema version %d, expected %d", v,
		    store_schema_latest());
		return -1;
	}
	return 0;
}

int
store_migrate(struct store *st, int *applied, char *err, size_t errlen)
{
	int	i, v;
	char	sql[64];

	*applied = 0;
	if (store_schema_version(st, &v) == -1) {
		snprintf(err, errlen, "cannot read schema version: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (v > store_schema_latest()) {
		snprintf(err, errlen, "database schema %d is newer than this "
		    "program (%d)", v, store_schema_latest());
		return -1;
	}
	for (i = 0; i < store_nmigrations; i++) {
		if (store_migrations[i].version <= v)
			continue;
		if (store_begin(st) == -1) {
			snprintf(err, errlen, "begin: %s", sqlite3_errmsg(st->db));
			return -1;
		}
		/* Another process may have migrated while we waited. */
		if (store_schema_version(st, &v) == -1) {
			snprintf(err, errlen, "cannot read schema version: %s",
			    sqlite3_errmsg(st->db));
			goto fail;
		}
		if (store_migrations[i].version <= v) {
			store_rollback(st);
			continue;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d",
		    store_migrations[i].version);
		if (store_exec(st, store_migrations[i].sql, err, errlen) == -1 ||
		    store_exec(st, sql, err, errlen) == -1 ||
		    store_commit(st) == -1)
			goto fail;
		log_info("event=migrate version=%d name=%s",
		    store_migrations[i].version,
		    log_quote_tmp(store_migrations[i].name));
		(*applied)++;
	}
	return 0;
fail:
	store_rollback(st);
	return -1;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	size_t		 i;
	sqlite3_stmt	*s;

	for (i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql)
			return st->cache[i].stmt;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		log_error("event=sql_prepare error=%s",
		    log_quote_tmp(sqlite3_errmsg(st->db)));
		return NULL;
	}
	if (st->ncache == st->capcache) {
		st->capcache = st->capcache ? st->capcache * 2 : 32;
		st->cache = xrealloc(st->cache,
		    st->capcache * sizeof(*st->cache));
	}
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].stmt = s;
	st->ncache++;
	return s;
}

/* store_run with the binds in ap. */
static int
store_runv(struct store *st, char *out, size_t outlen, const char *sql,
    const char *fmt, va_list ap)
{
	sqlite3_stmt	*s;
	const char	*t;
	long long	 v;
	int		 i, rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return SQLITE_ERROR;
	for (i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 'i' || fmt[i] == 'I') {
			v = va_arg(ap, long long);
			if (fmt[i] == 'i' || v != 0)
				sqlite3_bind_int64(s, i + 1, v);
		} else if ((t = va_arg(ap, const char *)) != NULL)
			sqlite3_bind_text(s, i + 1, t, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && out != NULL) {
		t = (const char *)sqlite3_column_text(s, 0);
		snprintf(out, outlen, "%s", t ? t : "");
	}
	store_done(s);
	return rc;
}

int
store_run(struct store *st, char *out, size_t outlen, const char *sql,
    const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = store_runv(st, out, outlen, sql, fmt, ap);
	va_end(ap);
	return rc;
}

int
store_change(struct store *st, const char *sql, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = store_runv(st, NULL, 0, sql, fmt, ap);
	va_end(ap);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(st->db);
}

void
store_done(sqlite3_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void
store_relaxed(struct store *st, int relaxed)
{
	st->relaxed = relaxed != 0;
}

unsigned long
store_syncs(struct store *st)
{
	return st->syncs;
}

/*
 * Run a transaction statement (BEGIN, COMMIT, ...) from the statement
 * cache: they run several times a request, and compiling each time costs
 * more than running. 0 or -1.
 */
static int
txn(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_begin(struct store *st)
{
	return txn(st, "BEGIN IMMEDIATE");
}

int
store_share_syncs(void)
{
	struct syncshare	*sh;
	pthread_mutexattr_t	 a;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return -1;
	if (pthread_mutexattr_init(&a) != 0 ||
	    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) != 0 ||
	    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) != 0 ||
	    pthread_mutex_init(&sh->mu, &a) != 0) {
		munmap(sh, sizeof(*sh));
		return -1;
	}
	pthread_mutexattr_destroy(&a);
	/* processes forked earlier keep the group they were given */
	if (share != NULL)
		munmap(share, sizeof(*share));
	share = sh;
	return 0;
}

/* fdatasync the WAL through SQLite's own file object. 0 or -1. */
static int
wal_sync(struct store *st)
{
	sqlite3_file	*wal = NULL;
	int		 rc;

	if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
	    &wal) != SQLITE_OK || wal == NULL || wal->pMethods == NULL) {
		log_error("event=store_sync_failed error=\"no WAL file\"");
		return -1;
	}
	if ((rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL)) !=
	    SQLITE_OK) {
		log_error("event=store_sync_failed error=%s",
		    log_quote_tmp(sqlite3_errstr(rc)));
		return -1;
	}
	st->syncs++;
	return 0;
}

/*
 * Make this process's last commit durable, sharing syncs with the group:
 * count the commit, then under the group's lock either find that a sync
 * begun after it has already finished, or sync once for every commit
 * counted so far. A commit is counted only after its frames are written,
 * so the sync that follows covers it. A member that died holding the lock
 * leaves it to the next one (robust mutex); its sync is simply redone.
 */
static int
group_sync(struct store *st)
{
	uint64_t	my, upto;
	int		rc;

	my = __atomic_add_fetch(&share->committed, 1, __ATOMIC_SEQ_CST);
	rc = pthread_mutex_lock(&share->mu);
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(&share->mu);
	else if (rc != 0)
		return wal_sync(st);
	if (__atomic_load_n(&share->synced, __ATOMIC_SEQ_CST) >= my) {
		pthread_mutex_unlock(&share->mu);
		return 0;
	}
	upto = __atomic_load_n(&share->committed, __ATOMIC_SEQ_CST);
	if ((rc = wal_sync(st)) == 0)
		__atomic_store_n(&share->synced, upto, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&share->mu);
	return rc;
}

/*
 * Durable commit with the disk wait outside the write lock. The connection
 * runs with synchronous=NORMAL, so COMMIT appends the transaction's frames
 * to the WAL and releases SQLite's write lock without waiting for the
 * disk; then, before returning, the WAL is synced here. Another process
 * can write its transaction meanwhile, and one sync carries every frame
 * written before it, so the workers of a server share syncs (group_sync)
 * instead of queueing for the disk one by one under the write lock.
 *
 * Durability is that of synchronous=FULL for the caller: nothing is
 * reported committed before its frames are on the disk. If a checkpoint
 * reset the WAL in between, the frames were first copied into the database
 * file and that file synced by the checkpoint (SQLite does both in NORMAL
 * mode), so the transaction is on the disk either way. A failed sync
 * returns -1: the transaction is visible but may not survive a power
 * failure, and the caller reports the request as failed.
 */
int
store_commit(struct store *st)
{
	if (txn(st, "COMMIT") == -1)
		return -1;
	if (st->relaxed)
		return 0;
	return share != NULL ? group_sync(st) : wal_sync(st);
}

void
store_autocheckpoint(struct store *st, int pages)
{
	sqlite3_wal_autocheckpoint(st->db, pages);
}

int
store_read_begin(struct store *st)
{
	return txn(st, "BEGIN DEFERRED");
}

void
store_read_end(struct store *st)
{
	/* A snapshot in which nothing was read has begun (autocommit is
	 * off) without taking a read lock yet (SQLITE_TXN_NONE): it must be
	 * ended all the same, or the worker's next write would run inside a
	 * transaction that never commits. */
	if (sqlite3_get_autocommit(st->db))
		return;
	switch (sqlite3_txn_state(st->db, NULL)) {
	case SQLITE_TXN_NONE:
	case SQLITE_TXN_READ:
		(void)txn(st, "COMMIT");
		return;
	default:
		log_error("event=store_write_in_read_snapshot");
		(void)txn(st, "ROLLBACK");
	}
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		(void)txn(st, "ROLLBACK");
}
