/*
 * fixture: shared set-up for the unit tests. See fixture.h.
 */
#include "autoconf.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "fixture.h"

struct store *
fixture_db_open(const char *path)
{
	struct store	*st;
	char		 err[512];
	int		 applied;

	st = store_open(path, 1000, err, sizeof(err));
	cr_assert_not_null(st, "store_open: %s", err);
	cr_assert_eq(store_migrate(st, &applied, err, sizeof(err)), 0,
	    "store_migrate: %s", err);
	return st;
}

void
fixture_rmdir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[700];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

void
fixture_quiet(int on)
{
	static int	saved = -1;
	int		fd;

	fflush(stderr);
	if (on) {
		saved = dup(STDERR_FILENO);
		fd = open("/dev/null", O_WRONLY);
		cr_assert_geq(fd, 0);
		dup2(fd, STDERR_FILENO);
		close(fd);
	} else if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
		saved = -1;
	}
}

long long
fixture_count(struct store *st, const char *fmt, ...)
{
	char		 sql[2048];
	va_list		 ap;
	sqlite3_stmt	*s;
	long long	 v;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}
