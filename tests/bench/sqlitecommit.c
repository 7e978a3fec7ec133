/*
 * sqlitecommit: the reference for durable writes. It opens (creating) an
 * SQLite database as vetd does (1 KiB pages, WAL, durable commits: here
 * synchronous=FULL, which syncs the WAL at each commit) and commits one
 * single-row insert per transaction, one after the other, for about
 * SECONDS; it prints the commits per second. A durable section update
 * (one transaction with its audit rows) is held against this.
 *
 *   sqlitecommit FILE SECONDS
 */
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "clock.h"

int
main(int argc, char *argv[])
{
	sqlite3		*db;
	sqlite3_stmt	*ins;
	double		 t0, secs;
	long		 n = 0;

	if (argc != 3 || (secs = atof(argv[2])) <= 0) {
		fprintf(stderr, "usage: sqlitecommit FILE SECONDS\n");
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA page_size=1024; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)",
	    NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES ('x')", -1, &ins,
	    NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlitecommit: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = bench_now();
	while (bench_now() - t0 < secs) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_step(ins);
		sqlite3_reset(ins);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
		n++;
	}
	printf("%.1f\n", n / (bench_now() - t0));
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
