/*
 * vetctl: the administration command line. It uses the same core library,
 * configuration and database as vetd, and can run while vetd runs.
 *
 *   vetctl [-f file] db migrate | db status
 *   vetctl [-f file] org add SLUG NAME | org list
 *   vetctl [-f file] site add ORG SLUG NAME | site list [ORG]
 *   vetctl [-f file] token create --org O --role R[,R...] --name N
 *   vetctl [-f file] token list [--org O] | token revoke --org O --name N
 *   vetctl [-f file] audit verify [--checkpoint FILE [--public-key HEX]]
 *   vetctl [-f file] audit checkpoint --key KEYFILE [--out FILE]
 *   vetctl [-f file] tick [--today YYYY-MM-DD]
 *   vetctl [-f file] outbox list [--status pending|all]
 *   vetctl [-f file] outbox deliver
 *   vetctl [-f file] stats ORG [--from D] [--to D] [--level L]
 *   vetctl [-f file] keys show ORG
 *   vetctl [-f file] keys trust ORG PEER PUBLIC-KEY
 *   vetctl [-f file] keys rotate | versions | retire VERSION
 *   vetctl [-f file] policy test ORG [--site S] [--dir DIR]
 *   vetctl [-f file] policy status | policy replay ID
 *   vetctl [-f file] policy diff ORG --draft DIR [--site S] [--cases PATH]
 *
 * Every change made here is audited with the actor "vetctl:<login>".
 *
 * Exit status: 0 done, 1 failed (the reason on stderr), 2 usage.
 */
#include "autoconf.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "auditspool.h"
#include "cli.h"
#include "config.h"
#include "log.h"
#include "org.h"
#include "store.h"
#include "token.h"
#include "util.h"
#include "vetctl_policy.h"
#include "vetctl_tick.h"

#include <sodium.h>

static char			 actor[128];
static const struct config	*g_cfg;	/* for the commands that need it */

/* Run change() and its audit event in one transaction. */
static int
audited(struct store *st, const char *action, const char *target,
    long long org_id, json_t *detail, int (*change)(struct store *, void *),
    void *arg)
{
	struct audit_event	ev = { actor, org_id, action, target, "cli", "",
	    detail };
	int			rc;

	if (store_begin(st) == -1) {
		fprintf(stderr, "vetctl: the database is busy\n");
		return 1;
	}
	if ((rc = change(st, arg)) != 0) {
		store_rollback(st);
		return rc;
	}
	if (audit_append(st, &ev) == -1 || store_commit(st) == -1) {
		store_rollback(st);
		fprintf(stderr, "vetctl: could not record the change\n");
		return 1;
	}
	return 0;
}

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
do_org_add(struct store *st, void *arg)
{
	char	**argv = arg;

	return report(org_add(st, argv[0], argv[1]), "org add");
}

static int
cmd_org_add(struct store *st, int argc, char **argv)
{
	json_t	*d = json_pack("{s:s}", "slug", argv[0]);
	int	 rc;

	rc = audited(st, "org.add", "organization", 0, d, do_org_add, argv);
	json_decref(d);
	if (rc == 0)
		printf("organization %s added\n", argv[0]);
	return rc;
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
do_site_add(struct store *st, void *arg)
{
	char	**argv = arg;

	return report(org_site_add(st, argv[0], argv[1], argv[2]), "site add");
}

static int
cmd_site_add(struct store *st, int argc, char **argv)
{
	long long	 oid = 0;
	json_t		*d = json_pack("{s:s}", "site", argv[1]);
	int		 rc;

	(void)org_id(st, argv[0], &oid);
	rc = audited(st, "site.add", "site", oid, d, do_site_add, argv);
	json_decref(d);
	if (rc == 0)
		printf("site %s/%s added\n", argv[0], argv[1]);
	return rc;
}

/* --- tokens ------------------------------------------------------------- */

struct token_args {
	long long	 org_id;
	const char	*name;
	unsigned	 roles;
	char		 secret[TOKEN_SIZE];
};

/* "cso,auditor" -> role bits; 0 when any name is not a role. */
static unsigned
parse_roles(const char *list)
{
	char		*copy = xstrdup(list), *p, *save = NULL;
	unsigned	 bits = 0;
	enum role	 r;

	for (p = strtok_r(copy, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		if (access_role_parse(p, &r) == -1) {
			bits = 0;
			break;
		}
		bits |= ROLE_BIT(r);
	}
	free(copy);
	return bits;
}

static int
do_token_create(struct store *st, void *arg)
{
	struct token_args	*t = arg;

	switch (token_create(st, t->org_id, t->name, t->roles, t->secret)) {
	case TOKEN_OK:
		return 0;
	case TOKEN_EXISTS:
		fprintf(stderr, "vetctl: token create: a token named %s exists "
		    "in that organization\n", t->name);
		return 1;
	default:
		fprintf(stderr, "vetctl: token create: database error\n");
		return 1;
	}
}

static int
org_arg(struct store *st, const char *slug, long long *id)
{
	if (slug == NULL)
		return -1;
	if (org_id(st, slug, id) != ORG_OK) {
		fprintf(stderr, "vetctl: %s: no such organization\n", slug);
		return -1;
	}
	return 0;
}

static int
cmd_token_create(struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--org", "--role", "--name",
	    NULL };
	struct token_args	 t;
	const char		*roles;
	json_t			*d;
	int			 rc;

	memset(&t, 0, sizeof(t));
	if (!cli_args_ok(argc, argv, 0, allowed) ||
	    cli_opt(argc, argv, "--org") == NULL ||
	    (roles = cli_opt(argc, argv, "--role")) == NULL ||
	    (t.name = cli_opt(argc, argv, "--name")) == NULL) {
		fprintf(stderr, "usage: vetctl token create --org O --role "
		    "R[,R...] --name N\n");
		return 2;
	}
	if (org_arg(st, cli_opt(argc, argv, "--org"), &t.org_id) == -1)
		return 1;
	if ((t.roles = parse_roles(roles)) == 0) {
		fprintf(stderr, "vetctl: token create: --role takes role names "
		    "(applicant, screening, interviewer, adjudicator, authority, "
		    "cso, appeals, auditor, admin)\n");
		return 1;
	}
	if (!org_slug_valid(t.name)) {
		fprintf(stderr, "vetctl: token create: the name must be a-z, "
		    "0-9 or '-', start with a letter, at most 63 bytes\n");
		return 1;
	}
	d = json_pack("{s:s, s:s}", "name", t.name, "roles", roles);
	rc = audited(st, "token.create", "token", t.org_id, d, do_token_create,
	    &t);
	json_decref(d);
	if (rc == 0)
		printf("%s\n", t.secret);
	sodium_memzero(t.secret, sizeof(t.secret));
	return rc;
}

static void
print_token(const struct token *t, void *arg)
{
	char	roles[256] = "";
	int	r;

	(void)arg;
	for (r = 0; r < ROLE_COUNT; r++)
		if (t->roles & ROLE_BIT(r)) {
			if (roles[0] != '\0')
				strncat(roles, ",", sizeof(roles) - strlen(roles) - 1);
			strncat(roles, access_role_name((enum role)r),
			    sizeof(roles) - strlen(roles) - 1);
		}
	printf("%-20s %-24s %-30s created=%s last_used=%s%s%s\n", t->org_slug,
	    t->name, roles, t->created_at,
	    t->last_used_at[0] ? t->last_used_at : "never",
	    t->revoked_at[0] ? " revoked=" : "", t->revoked_at);
}

static int
cmd_token_list(struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--org", NULL };
	long long	oid = 0;

	if (!cli_args_ok(argc, argv, 0, allowed))
		return 2;
	if (argc == 2 && org_arg(st, argv[1], &oid) == -1)
		return 1;
	return token_list(st, oid, print_token, NULL) == 0 ? 0 : 1;
}

static int
do_token_revoke(struct store *st, void *arg)
{
	struct token_args	*t = arg;

	switch (token_revoke(st, t->org_id, t->name)) {
	case TOKEN_OK:
		return 0;
	case TOKEN_NONE:
		fprintf(stderr, "vetctl: token revoke: no valid token named "
		    "%s\n", t->name);
		return 1;
	default:
		fprintf(stderr, "vetctl: token revoke: database error\n");
		return 1;
	}
}

static int
cmd_token_revoke(struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--org", "--name", NULL };
	struct token_args	 t;
	json_t			*d;
	int			 rc;

	memset(&t, 0, sizeof(t));
	if (!cli_args_ok(argc, argv, 0, allowed) ||
	    cli_opt(argc, argv, "--org") == NULL ||
	    (t.name = cli_opt(argc, argv, "--name")) == NULL) {
		fprintf(stderr, "usage: vetctl token revoke --org O --name N\n");
		return 2;
	}
	if (org_arg(st, cli_opt(argc, argv, "--org"), &t.org_id) == -1)
		return 1;
	d = json_pack("{s:s}", "name", t.name);
	rc = audited(st, "token.revoke", "token", t.org_id, d, do_token_revoke,
	    &t);
	json_decref(d);
	if (rc == 0)
		printf("token %s revoked\n", t.name);
	return rc;
}

/* --- audit trail ---------------------------------------------------------- */

/* Replay the spools of workers that are gone, so the trail is whole. */
static void
recover_spools(struct store *st)
{
	char		*dir = auditspool_dir(g_cfg->database);
	long long	 n = 0;

	if (auditspool_recover(st, dir, &n) == -1)
		fprintf(stderr, "vetctl: warning: an audit spool in %s could "
		    "not be replayed\n", dir);
	else if (n > 0)
		fprintf(stderr, "vetctl: replayed %lld audit records left in "
		    "spools by stopped workers\n", n);
	free(dir);
}

static int
cmd_audit_verify(struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--checkpoint", "--public-key",
	    NULL };
	struct audit_verify_result	 r;
	const char			*cp;
	char				 err[512];
	int				 rc;

	if (!cli_args_ok(argc, argv, 0, allowed))
		return 2;
	recover_spools(st);
	if ((cp = cli_opt(argc, argv, "--checkpoint")) != NULL)
		rc = audit_verify_checkpoint(st, cp,
		    cli_opt(argc, argv, "--public-key"), &r, err, sizeof(err));
	else
		rc = audit_verify(st, &r);
	if (rc == -1) {
		fprintf(stderr, "vetctl: audit verify: %s\n",
		    cp ? err : "database error");
		return 1;
	}
	if (rc == 1) {
		printf("audit trail BROKEN at event %lld: %s\n", r.bad_id,
		    r.reason);
		return 1;
	}
	printf("audit trail intact: %lld events%s\n", r.count,
	    cp ? ", consistent with the checkpoint" : "");
	return 0;
}

static int
cmd_audit_checkpoint(struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--key", "--out", NULL };
	const char	*key, *out;
	FILE		*fp = stdout;
	char		 err[512];
	int		 rc;

	if (!cli_args_ok(argc, argv, 0, allowed) ||
	    (key = cli_opt(argc, argv, "--key")) == NULL) {
		fprintf(stderr, "usage: vetctl audit checkpoint --key KEYFILE "
		    "[--out FILE]\n");
		return 2;
	}
	if ((out = cli_opt(argc, argv, "--out")) != NULL &&
	    (fp = fopen(out, "wx")) == NULL) {
		fprintf(stderr, "vetctl: %s: cannot create (exists?)\n", out);
		return 1;
	}
	recover_spools(st);
	rc = audit_checkpoint(st, key, fp, err, sizeof(err));
	if (fp != stdout && fclose(fp) != 0)
		rc = -1;
	if (rc == -1) {
		fprintf(stderr, "vetctl: audit checkpoint: %s\n", err);
		if (out != NULL)
			unlink(out);
		return 1;
	}
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

static int
cmd_policy_test(struct store *st, int argc, char **argv)
{
	return vetctl_policy_test(g_cfg, st, argc, argv);
}

static int
cmd_policy_status(struct store *st, int argc, char **argv)
{
	return vetctl_policy_status(g_cfg, st, argc, argv);
}

static int
cmd_policy_replay(struct store *st, int argc, char **argv)
{
	return vetctl_policy_replay(g_cfg, st, argc, argv);
}

static int
cmd_policy_diff(struct store *st, int argc, char **argv)
{
	return vetctl_policy_diff(g_cfg, st, argc, argv);
}

static int
cmd_keys_show(struct store *st, int argc, char **argv)
{
	return vetctl_keys_show(g_cfg, st, argc, argv);
}

static int
cmd_keys_trust(struct store *st, int argc, char **argv)
{
	return vetctl_keys_trust(g_cfg, st, argc, argv, actor);
}

static int
cmd_keys_rotate(struct store *st, int argc, char **argv)
{
	return vetctl_keys_rotate(g_cfg, st, argc, argv, actor);
}

static int
cmd_keys_versions(struct store *st, int argc, char **argv)
{
	return vetctl_keys_versions(g_cfg, st, argc, argv);
}

static int
cmd_keys_retire(struct store *st, int argc, char **argv)
{
	return vetctl_keys_retire(g_cfg, st, argc, argv, actor);
}

static int
cmd_stats(struct store *st, int argc, char **argv)
{
	return vetctl_stats(g_cfg, st, argc, argv);
}

static int
cmd_tick(struct store *st, int argc, char **argv)
{
	return vetctl_tick(g_cfg, st, argc, argv);
}

static int
cmd_outbox_list(struct store *st, int argc, char **argv)
{
	return vetctl_outbox_list(g_cfg, st, argc, argv);
}

static int
cmd_outbox_deliver(struct store *st, int argc, char **argv)
{
	return vetctl_outbox_deliver(g_cfg, st, argc, argv);
}

static const struct cmd cmds[] = {
	{ "db", "migrate", 0, 0, cmd_db_migrate, "db migrate" },
	{ "db", "status", 0, 0, cmd_db_status, "db status" },
	{ "org", "add", 2, 2, cmd_org_add, "org add SLUG NAME" },
	{ "org", "list", 0, 0, cmd_org_list, "org list" },
	{ "site", "add", 3, 3, cmd_site_add, "site add ORG SLUG NAME" },
	{ "site", "list", 0, 1, cmd_site_list, "site list [ORG]" },
	{ "token", "create", 6, 6, cmd_token_create,
	    "token create --org O --role R[,R...] --name N" },
	{ "token", "list", 0, 2, cmd_token_list, "token list [--org O]" },
	{ "token", "revoke", 4, 4, cmd_token_revoke,
	    "token revoke --org O --name N" },
	{ "audit", "verify", 0, 4, cmd_audit_verify,
	    "audit verify [--checkpoint FILE [--public-key HEX]]" },
	{ "audit", "checkpoint", 2, 4, cmd_audit_checkpoint,
	    "audit checkpoint --key KEYFILE [--out FILE]" },
	{ "policy", "test", 1, 5, cmd_policy_test,
	    "policy test ORG [--site S] [--dir DIR]" },
	{ "policy", "status", 0, 0, cmd_policy_status, "policy status" },
	{ "policy", "replay", 1, 1, cmd_policy_replay, "policy replay ID" },
	{ "policy", "diff", 3, 9, cmd_policy_diff,
	    "policy diff ORG --draft DIR [--site S] [--cases PATH] [--jobs N]" },
	{ "tick", NULL, 0, 2, cmd_tick, "tick [--today YYYY-MM-DD]" },
	{ "outbox", "list", 0, 2, cmd_outbox_list,
	    "outbox list [--status pending|all]" },
	{ "outbox", "deliver", 0, 0, cmd_outbox_deliver, "outbox deliver" },
	{ "keys", "show", 1, 1, cmd_keys_show, "keys show ORG" },
	{ "keys", "trust", 3, 3, cmd_keys_trust,
	    "keys trust ORG PEER PUBLIC-KEY" },
	{ "keys", "rotate", 0, 0, cmd_keys_rotate, "keys rotate" },
	{ "keys", "versions", 0, 0, cmd_keys_versions, "keys versions" },
	{ "keys", "retire", 1, 1, cmd_keys_retire, "keys retire VERSION" },
	{ "stats", NULL, 1, 7, cmd_stats,
	    "stats ORG [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--level L]" },
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
	struct passwd		*pw;
	int			 ch, rc, nargs, skip = 2;

	if (file == NULL)
		file = VETD_SYSCONFDIR "/vetd.conf";
	while ((ch = getopt(argc, argv, "+f:")) != -1) {
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
	if (argc < 1)
		usage();
	/* "group verb args..." or, for a command without a verb, "group
	 * args..." */
	for (i = 0; i < nitems(cmds); i++) {
		if (strcmp(cmds[i].group, argv[0]) != 0)
			continue;
		if (cmds[i].verb == NULL) {
			c = &cmds[i];
			skip = 1;
		} else if (argc >= 2 && strcmp(cmds[i].verb, argv[1]) == 0) {
			c = &cmds[i];
			skip = 2;
		}
	}
	nargs = argc - skip;
	if (c == NULL || nargs < c->minargs || nargs > c->maxargs)
		usage();

	log_init("vetctl", LOG_LVL_WARN);
	if (sodium_init() == -1)
		fatalx("libsodium");
	pw = getpwuid(getuid());
	snprintf(actor, sizeof(actor), "vetctl:%s", pw ? pw->pw_name : "unknown");
	if (config_load(file, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: %s: %s\n", file, err);
		return 1;
	}
	log_set_level(cfg->log_level > LOG_LVL_WARN ? cfg->log_level :
	    LOG_LVL_WARN);
	g_cfg = cfg;
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
		rc = c->fn(st, nargs, argv + skip);
	store_close(st);
	config_free(cfg);
	return rc;
}
