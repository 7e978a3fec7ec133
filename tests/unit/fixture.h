/*
 * fixture: what the unit tests of the database-backed subsystems share: a
 * migrated database in a temporary directory, its removal, and a switch
 * for stderr around calls expected to log an error.
 */
#ifndef VETD_TEST_FIXTURE_H
#define VETD_TEST_FIXTURE_H

struct store;

/* Opens the database at path (creating it) and applies every migration;
 * the test fails when either fails. The caller closes it (store_close). */
struct store	*fixture_db_open(const char *path);

/* Removes the files in dir, then dir itself (one level: the tests make
 * no subdirectories in it). A dir that is not there is no error. */
void		 fixture_rmdir(const char *dir);

/* The first column of the first row of the query (printf-style); the
 * test fails when it does not run or yields no row. */
long long	 fixture_count(struct store *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Sends stderr to /dev/null (on) or back (off), for expected error lines. */
void		 fixture_quiet(int on);

#endif
