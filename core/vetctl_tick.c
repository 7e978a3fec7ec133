/*
 * vetctl_tick: the commands for the scheduled work. See vetctl_tick.h.
 *
 *   vetctl tick [--today YYYY-MM-DD]
 *   vetctl outbox list [--status pending|all]
 *   vetctl outbox deliver
 *   vetctl stats ORG [--from D] [--to D] [--level L]
 *   vetctl keys show ORG
 *   vetctl keys trust ORG PEER PUBLIC-KEY
 *   vetctl keys rotate | versions | retire VERSION   (the documents' master
 *                                                     keys)
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "document.h"
#include "luahost.h"
#include "org.h"
#include "stats.h"
#include "store.h"
#include "transfer.h"
#include "outbox.h"
#include "policy.h"
#include "tick.h"
#include "util.h"
#include "validate.h"
#include "vetctl_tick.h"

static int	on_tty;

/* Progress on a terminal: one line, rewritten. */
static void
progress(const char *step, long long n)
{
	if (on_tty)
		fprintf(stderr, "\rtick: %s %lld   ", step, n);
}

int
vetctl_tick(const struct config *cfg, struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--today", NULL };
	struct policy_registry	*pol;
	struct tick_report	 r;
	const char		*given;
	char			 today[11], err[1024];
	time_t			 now = time(NULL);
	struct tm		 tm;
	int			 rc;

	if (!cli_args_ok(argc, argv, 0, allowed))
		return 2;
	if ((given = cli_opt(argc, argv, "--today")) != NULL) {
		if (!validate_date(given)) {
			fprintf(stderr, "vetctl: tick: --today is a date "
			    "(YYYY-MM-DD)\n");
			return 2;
		}
		snprintf(today, sizeof(today), "%s", given);
	} else {
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	}
	on_tty = isatty(STDERR_FILENO);
	pol = policy_registry_new(cfg);
	rc = tick_run(st, cfg, pol, today, progress, &r, err, sizeof(err));
	policy_registry_free(pol);
	if (on_tty)
		fprintf(stderr, "\r%40s\r", "");
	printf("tick %s: %lld clearances expired, %lld renewal cases opened, "
	    "%lld restriction reviews flagged, %lld response windows closed, "
	    "%lld appeal windows closed, %lld files purged (%lld documents "
	    "shredded), %lld notifications queued, %lld orphaned document files "
	    "removed\n", today, r.expired, r.renewals, r.reviews, r.windows,
	    r.appeals, r.purged, r.shredded, r.notices, r.swept);
	if (rc == -1) {
		fprintf(stderr, "vetctl: tick: %s\n", err);
		return 1;
	}
	return 0;
}

static void
print_msg(const struct outbox_msg *m, void *arg)
{
	(void)arg;
	printf("%lld\t%s\t%s\t%s\t%s\tattempts=%lld%s%s\t%s\n", m->id, m->kind,
	    m->recipient, m->created_at, m->sent_at[0] ? m->sent_at :
	    "pending", m->attempts, m->last_error[0] ? " error=" : "",
	    m->last_error, m->subject);
}

int
vetctl_outbox_list(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	static const char *const allowed[] = { "--status", NULL };
	const char	*status;

	(void)cfg;
	if (!cli_args_ok(argc, argv, 0, allowed))
		return 2;
	status = cli_opt(argc, argv, "--status");
	if (status != NULL && strcmp(status, "pending") != 0 &&
	    strcmp(status, "all") != 0) {
		fprintf(stderr, "vetctl: outbox list: --status is pending or "
		    "all\n");
		return 2;
	}
	return outbox_list(st, status == NULL || strcmp(status, "pending") ==
	    0, print_msg, NULL) == 0 ? 0 : 1;
}

int
vetctl_outbox_deliver(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	struct outbox_result	r;
	char			now[40];

	(void)argv;
	if (argc != 0)
		return 2;
	if (cfg->mail_sendmail == NULL || cfg->mail_from == NULL ||
	    cfg->mail_domain == NULL) {
		fprintf(stderr, "vetctl: outbox deliver: mail is not configured "
		    "(mail.sendmail, mail.from, mail.domain); the messages "
		    "wait in the outbox\n");
		return 1;
	}
	util_now_iso(now, sizeof(now));
	if (outbox_deliver(st, cfg, now, &r) == -1) {
		fprintf(stderr, "vetctl: outbox deliver: database error\n");
		return 1;
	}
	printf("outbox: %lld sent, %lld failed (kept for a retry), %lld "
	    "waiting for their retry time\n", r.sent, r.failed, r.waiting);
	return r.failed > 0 ? 1 : 0;
}

/* One line of figures; "-" where no case went through the stage. */
static void
print_figures(const char *name, json_t *f)
{
	long long	n = (long long)json_integer_value(json_object_get(f,
			    "cases"));

	if (n == 0)
		printf("%-14s %8lld %12s %12s\n", name, n, "-", "-");
	else
		printf("%-14s %8lld %12.1f %12.1f\n", name, n,
		    json_real_value(json_object_get(f, "median_days")),
		    json_real_value(json_object_get(f, "p90_days")));
}

int
vetctl_stats(const struct config *cfg, struct store *st, int argc, char **argv)
{
	static const char *const allowed[] = { "--from", "--to", "--level",
	    NULL };
	struct policy_registry	*pol;
	struct policy		*p;
	struct stats_filter	 f;
	json_t			*settings, *out, *row, *e;
	long long		 org;
	char			 err[1024];
	size_t			 i;
	int			 rc = 1;

	if (!cli_args_ok(argc, argv, 1, allowed))
		return 2;
	f.from = cli_opt(argc, argv, "--from");
	f.to = cli_opt(argc, argv, "--to");
	f.level = cli_opt(argc, argv, "--level");
	if ((f.from && !validate_date(f.from)) || (f.to &&
	    !validate_date(f.to))) {
		fprintf(stderr, "vetctl: stats: --from and --to are dates "
		    "(YYYY-MM-DD)\n");
		return 2;
	}
	if (org_id(st, argv[0], &org) != ORG_OK) {
		fprintf(stderr, "vetctl: stats: no organization %s\n", argv[0]);
		return 1;
	}
	pol = policy_registry_new(cfg);
	if ((p = policy_get(pol, st, argv[0], NULL, (long long)time(NULL), err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "vetctl: stats: %s\n", err);
		goto out;
	}
	settings = luahost_table(p, "settings");
	out = stats_timeliness(st, org, settings, &f);
	json_decref(settings);
	if (out == NULL) {
		fprintf(stderr, "vetctl: stats: database error\n");
		goto out;
	}
	printf("%-14s %8s %12s %12s\n", "stage", "cases", "median days",
	    "90th pct");
	json_array_foreach(json_object_get(out, "stages"), i, row)
		print_figures(json_string_value(json_object_get(row, "stage")),
		    row);
	e = json_object_get(out, "end_to_end");
	print_figures("end to end", e);
	json_decref(out);
	rc = 0;
out:
	policy_registry_free(pol);
	return rc;
}

int
vetctl_keys_show(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	char	hex[65], err[300];
	long long id;

	if (argc != 1)
		return 2;
	if (org_id(st, argv[0], &id) != ORG_OK) {
		fprintf(stderr, "vetctl: keys: no organization %s\n", argv[0]);
		return 1;
	}
	if (transfer_public_key(cfg->database, argv[0], hex, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: keys: %s\n", err);
		return 1;
	}
	printf("%s\n", hex);
	return 0;
}

int
vetctl_keys_trust(const struct config *cfg, struct store *st, int argc,
    char **argv, const char *actor)
{
	long long	id;

	(void)cfg;
	if (argc != 3)
		return 2;
	if (org_id(st, argv[0], &id) != ORG_OK) {
		fprintf(stderr, "vetctl: keys: no organization %s\n", argv[0]);
		return 1;
	}
	if (store_begin(st) == -1 || transfer_trust(st, id, argv[1], argv[2],
	    actor) == -1 || store_commit(st) == -1) {
		store_rollback(st);
		fprintf(stderr, "vetctl: keys trust: PEER is an organization's "
		    "name (a slug) and PUBLIC-KEY its 64 hex digits (vetctl "
		    "keys show on its side)\n");
		return 1;
	}
	printf("%s now accepts transfer packages signed by %s\n", argv[0],
	    argv[1]);
	return 0;
}

/* --- the documents' master keys -------------------------------------------- */

/* Rewrap every document key under an older version than the newest:
 * batches until none is left. The count, or -1. */
static long long
rewrap_all(struct store *st, struct vault *v, const char *actor)
{
	long long	n, total = 0;

	while ((n = document_rewrap(st, v, 500, actor)) > 0) {
		total += n;
		progress("rewrapped", total);
	}
	if (on_tty)
		fputc('\n', stderr);
	return n == -1 ? -1 : total;
}

static struct vault *
open_vault(const struct config *cfg, int create)
{
	struct vault	*v;
	char		 err[512];

	if (vault_open(cfg->doc_key_file, create, &v, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: keys: %s\n", err);
		return NULL;
	}
	return v;
}

/*
 * vetctl keys rotate: a new master key version, then every document key
 * rewrapped under it (the contents are not touched). The service goes on
 * serving: it reads the key file again when a version it meets is new.
 */
int
vetctl_keys_rotate(const struct config *cfg, struct store *st, int argc,
    char **argv, const char *actor)
{
	struct vault	*v;
	char		 err[512];
	long long	 n;
	int		 ver;

	(void)argv;
	if (argc != 0)
		return 2;
	on_tty = isatty(STDERR_FILENO);
	if ((v = open_vault(cfg, 1)) == NULL)
		return 1;
	if (vault_add_version(cfg->doc_key_file, &ver, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: keys rotate: %s\n", err);
		vault_free(v);
		return 1;
	}
	if (vault_refresh(v) == -1 || (n = rewrap_all(st, v, actor)) == -1) {
		fprintf(stderr, "vetctl: keys rotate: version %d added, but the "
		    "document keys could not all be rewrapped; run it again\n",
		    ver);
		vault_free(v);
		return 1;
	}
	vault_free(v);
	printf("master key version %d: %lld document keys rewrapped\n", ver, n);
	return 0;
}

/* vetctl keys versions: each version and how many document keys it wraps. */
int
vetctl_keys_versions(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	struct vault	*v;
	json_t		*counts;
	int		 vers[VAULT_MAXVERSIONS], n, i;
	char		 k[16];

	(void)argv;
	if (argc != 0)
		return 2;
	if ((v = open_vault(cfg, 0)) == NULL)
		return 1;
	counts = document_key_counts(st);
	n = vault_versions(v, vers, VAULT_MAXVERSIONS);
	for (i = 0; i < n; i++) {
		snprintf(k, sizeof(k), "%d", vers[i]);
		printf("%d %lld%s\n", vers[i], (long long)json_integer_value(
		    json_object_get(counts, k)), i == n - 1 ? " current" : "");
	}
	json_decref(counts);
	vault_free(v);
	return 0;
}

/*
 * vetctl keys retire VERSION: the old version leaves the key file, once
 * no document key is wrapped under it (those left are rewrapped first).
 */
int
vetctl_keys_retire(const struct config *cfg, struct store *st, int argc,
    char **argv, const char *actor)
{
	struct vault	*v;
	json_t		*counts;
	long long	 ver, left;
	char		 err[512];

	if (argc != 1)
		return 2;
	if (util_parse_ll(argv[0], 1, 2147483647, &ver) == -1) {
		fprintf(stderr, "vetctl: keys retire: VERSION is a number\n");
		return 2;
	}
	on_tty = isatty(STDERR_FILENO);
	if ((v = open_vault(cfg, 0)) == NULL)
		return 1;
	if (!vault_has(v, (int)ver) || ver == vault_current(v)) {
		fprintf(stderr, "vetctl: keys retire: %s\n", !vault_has(v,
		    (int)ver) ? "no such version" : "that is the current "
		    "version; rotate first");
		vault_free(v);
		return 1;
	}
	if (rewrap_all(st, v, actor) == -1) {
		fprintf(stderr, "vetctl: keys retire: the document keys could "
		    "not be rewrapped\n");
		vault_free(v);
		return 1;
	}
	vault_free(v);
	counts = document_key_counts(st);
	snprintf(err, sizeof(err), "%lld", ver);
	left = json_integer_value(json_object_get(counts, err));
	json_decref(counts);
	if (left > 0) {
		fprintf(stderr, "vetctl: keys retire: %lld document keys are "
		    "still wrapped under version %lld\n", left, ver);
		return 1;
	}
	if (vault_drop_version(cfg->doc_key_file, (int)ver, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "vetctl: keys retire: %s\n", err);
		return 1;
	}
	printf("master key version %lld retired\n", ver);
	return 0;
}
