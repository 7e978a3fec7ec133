/*
 * vetctl: the administration command line. It uses the same core library,
 * configuration and database as vetd, and can run while vetd runs.
 *
 *   vetctl [-f file] db migrate | db status
 *   vetctl [-f file] org add SLUG NAME | org list
 *   vetctl [-f file] site add ORG SLUG NAME | site list [ORG]
 *
 * Exit status: 0 done, 1 failed (the reason on stderr), 2 usage.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "org.h"
#include "store.h"
#include "util.h"

struct cmd {
	const char	*group;
	const char	*verb;
	int		 minargs, maxargs;
	int		 (*fn)(struct store *, int, char **);
	const char	*help;
};

static int
cmd_db_migrate(struct store *st, int argc, char **argv)
{
	char	err[512];
	int	applied;

	if (store_migrate(st, &applied, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: migrate: %s\n", err);
		return 1;
	}
	printf("schema %d (%d migration%s applied)\n", store_schema_latest(),
	    applied, applied == 1 ? "" : "s");
	return 0;
}

static int
cmd_db_status(struct store *st, int argc, char **argv)
{
	int	v;

	if (store_schema_version(st, &v) == -1) {
		fprintf(stderr, "vetctl: cannot read the schema version: %s\n",
		    sqlite3_errmsg(store_db(st)));
		return 1;
	}
	printf("schema %d\n", v);
	if (v < store_schema_latest())
		printf("pending migrations: %d (run: vetctl db migrate)\n",
		    store_schema_latest() - v);
	else if (v > store_schema_latest())
		printf("database is newer than this program (%d)\n",
		    store_schema_latest());
	return 0;
}

static int
report(enum org_status s, const char *what)
{
	switch (s) {
	case ORG_OK:
		return 0;
	case ORG_INVALID:
		fprintf(stderr, "vetctl: %s: the slug must be a-z, 0-9 or '-', "
		    "start with a letter, at most 63 bytes; the name 1-200 bytes "
		    "without control characters\n", what);
		return 1;
	case ORG_EXISTS:
		fprintf(stderr, "vetctl: %s: already exists\n", what);
		return 1;
	case ORG_NOT_FOUND:
		fprintf(stderr, "vetctl: %s: no such organization\n", what);
		return 1;
	case ORG_ERROR:
	default:
		fprintf(stderr, "vetctl: %s: database error\n", what);
		return 1;
	}
}

static int
cmd_org_add(struct store *st, int argc, char **argv)
{
	if (report(org_add(st, argv[0], argv[1]), "org add") != 0)
		return 1;
	printf("organization %s added\n", argv[0]);
	return 0;
}

static void
print_org(const struct org *o, void *arg)
{
	(void)arg;
	printf("%-24s %-40s %s\n", o->slug, o->name, o->created_at);
}

static int
cmd_org_list(struct store *st, int argc, char **argv)
{
	return org_list(st, print_org, NULL) == 0 ? 0 : 1;
}

static int
cmd_site_add(struct store *st, int argc, char **argv)
{
	if (report(org_site_add(st, argv[0], argv[1], argv[2]),
	    "site add") != 0)
		return 1;
	printf("site %s/%s added\n", argv[0], argv[1]);
	return 0;
}

static void
print_site(const struct site *s, void *arg)
{
	(void)arg;
	printf("%-24s %-24s %-40s %s\n", s->org_slug, s->slug, s->name,
	    s->created_at);
}

static int
cmd_site_list(struct store *st, int argc, char **argv)
{
	long long	id;

	if (argc == 1 && org_id(st, argv[0], &id) != ORG_OK)
		return report(ORG_NOT_FOUND, "site list");
	return org_site_list(st, argc ? argv[0] : NULL, print_site, NULL) == 0 ?
	    0 : 1;
}

static const struct cmd cmds[] = {
	{ "db", "migrate", 0, 0, cmd_db_migrate, "db migrate" },
	{ "db", "status", 0, 0, cmd_db_status, "db status" },
	{ "org", "add", 2, 2, cmd_org_add, "org add SLUG NAME" },
	{ "org", "list", 0, 0, cmd_org_list, "org list" },
	{ "site", "add", 3, 3, cmd_site_add, "site add ORG SLUG NAME" },
	{ "site", "list", 0, 1, cmd_site_list, "site list [ORG]" },
};

static void __attribute__((noreturn))
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: vetctl [-f file] command\ncommands:\n");
	for (i = 0; i < nitems(cmds); i++)
		fprintf(stderr, "  %s\n", cmds[i].help);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char		*file = getenv("VETD_CONF");
	const struct cmd	*c = NULL;
	struct config		*cfg;
	struct store		*st;
	char			 err[512];
	size_t			 i;
	int			 ch, rc, nargs;

	if (file == NULL)
		file = VETD_SYSCONFDIR "/vetd.conf";
	while ((ch = getopt(argc, argv, "f:")) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	for (i = 0; i < nitems(cmds); i++)
		if (strcmp(cmds[i].group, argv[0]) == 0 &&
		    strcmp(cmds[i].verb, argv[1]) == 0)
			c = &cmds[i];
	nargs = argc - 2;
	if (c == NULL || nargs < c->minargs || nargs > c->maxargs)
		usage();

	log_init("vetctl", LOG_LVL_WARN);
	if (config_load(file, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: %s: %s\n", file, err);
		return 1;
	}
	log_set_level(cfg->log_level > LOG_LVL_WARN ? cfg->log_level :
	    LOG_LVL_WARN);
	if ((st = store_open(cfg->database, (int)cfg->busy_timeout, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "vetctl: %s\n", err);
		config_free(cfg);
		return 1;
	}
	/* Every command but migrate and status needs the current schema. */
	if (strcmp(c->group, "db") != 0 &&
	    store_health(st, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: %s (run: vetctl db migrate)\n", err);
		rc = 1;
	} else
		rc = c->fn(st, nargs, argv + 2);
	store_close(st);
	config_free(cfg);
	return rc;
}
