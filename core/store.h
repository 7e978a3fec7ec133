/*
 * store: the SQLite database. One connection per process, opened with WAL,
 * foreign keys, secure_delete and a busy timeout; commits are durable
 * (store_commit syncs the WAL, see there). Numbered
 * migrations are compiled in (migrations.c) and tracked in PRAGMA
 * user_version. Prepared statements are cached per connection, keyed by the
 * SQL text the caller passes (a string literal).
 */
#ifndef VETD_STORE_H
#define VETD_STORE_H

#include <stddef.h>

#include <sqlite3.h>

struct store;

struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};
extern const struct migration	store_migrations[];
extern const int		store_nmigrations;

/* Open (creating if needed) the database at path. Returns NULL with err. */
struct store	*store_open(const char *path, int busy_timeout_ms,
		    char *err, size_t errlen);
void		 store_close(struct store *);
sqlite3		*store_db(struct store *);

/* Apply every migration above the current version, each in its own
 * transaction. Returns 0, or -1 with err; *applied counts what ran. */
int		 store_migrate(struct store *, int *applied, char *err, size_t);
/* The schema version this binary expects. */
int		 store_schema_latest(void);
/* Read the schema version from the database. Returns 0 or -1. */
int		 store_schema_version(struct store *, int *);
/* 0 when the database answers and its schema is the expected one. */
int		 store_health(struct store *, char *err, size_t errlen);

/*
 * A cached, reset statement for sql (compiled on first use). The caller
 * binds, steps and must call store_done() (reset + clear bindings) when
 * finished. Returns NULL and logs when sql does not compile.
 */
sqlite3_stmt	*store_prepare(struct store *, const char *sql);
void		 store_done(sqlite3_stmt *);

/*
 * Step sql once with binds given by fmt: 'i' a long long, 'I' an id (0
 * binds NULL), 's' text (NULL binds NULL). With out, the first column of
 * a row is copied there. Returns sqlite3_step's code (SQLITE_ERROR when
 * sql does not compile).
 */
int		 store_run(struct store *, char *out, size_t outlen,
		    const char *sql, const char *fmt, ...);
/* A change (INSERT, UPDATE, DELETE) with binds as store_run: the number of
 * rows it changed, or -1. */
int		 store_change(struct store *, const char *sql, const char *fmt,
		    ...);

/*
 * Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. 0 or -1. store_commit
 * returns once the transaction is on the disk: COMMIT releases the write
 * lock without waiting (synchronous=NORMAL), then the WAL is synced outside
 * the lock, so concurrent writers share the disk's flushes. -1 when either
 * fails (a failed sync leaves the transaction committed but not known to
 * be durable; the caller reports failure).
 */
int		 store_begin(struct store *);
int		 store_commit(struct store *);
/*
 * Make the processes forked from now on one sync group (store_commit):
 * a shared page, kept until exit or replaced by the next call (a server
 * calls it once per worker generation, so a group never spans two
 * databases). 0 or -1 (mmap failed; commits then sync alone).
 */
int		 store_share_syncs(void);
/* Checkpoint the WAL when a commit leaves more than pages frames in it
 * (SQLite's default: 1000); the checkpoint runs inside that commit. */
void		 store_autocheckpoint(struct store *, int pages);

/*
 * A read snapshot: the reads between store_read_begin and store_read_end
 * see one state of the database and take SQLite's locks once, not once a
 * statement. Nothing may be written inside (store_read_end rolls back and
 * logs a write it finds). store_read_end does nothing when no transaction
 * is open (audit_record may have ended the snapshot early).
 */
int		 store_read_begin(struct store *);
void		 store_read_end(struct store *);
/* WAL syncs store_commit has made on this connection (for tests). */
unsigned long	 store_syncs(struct store *);
void		 store_rollback(struct store *);

/*
 * Commit durability for the next transactions: durable (the default: every
 * commit reaches the disk before store_commit returns) or, with relaxed
 * set, without the sync (the commit survives a crash of the program, and
 * the next durable commit takes it to the disk with it; an operating-system
 * crash could lose it). Only for records of things that changed nothing.
 */
void		 store_relaxed(struct store *, int relaxed);

/* Run SQL with no result rows (DDL, pragmas). 0 or -1 with err. */
int		 store_exec(struct store *, const char *sql, char *err, size_t);

#endif
