/*
 * store: the SQLite database. One connection per process, opened with WAL,
 * synchronous=FULL, foreign keys, secure_delete and a busy timeout. Numbered
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

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. 0 or -1. */
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);

/*
 * Commit durability for the next transactions: FULL (the default: every
 * commit reaches the disk before it returns) or, with relaxed set, NORMAL
 * (WAL mode: the commit survives a crash of the program, and the next
 * FULL commit takes it to the disk with it; an operating-system crash
 * could lose it). Only for records of things that changed nothing.
 */
void		 store_relaxed(struct store *, int relaxed);

/* Run SQL with no result rows (DDL, pragmas). 0 or -1 with err. */
int		 store_exec(struct store *, const char *sql, char *err, size_t);

#endif
