/*
 * vetctl_policy: `vetctl policy` commands.
 *
 *   policy test ORG [--site S] [--dir DIR]   run a set's fixtures
 *   policy status                            versions, load errors, reloads
 *   policy replay ID                         re-run a stored recommendation
 *                                            under its version and today's
 *   policy diff ORG --draft DIR [--site S] [--cases PATH] [--jobs N]
 *                                            which recommendations a draft
 *                                            would change; changes nothing
 *
 * ORG "default" names the default set alone. --dir tests a directory in
 * place of the organization's own; --cases is a directory of JSON files or
 * a JSON Lines file, each case an object { "name", "case", "worksheet",
 * "ctx" } (the fixture format). Without --cases, diff reads the
 * organization's stored recommendations.
 */
#include "autoconf.h"

#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "org.h"
#include "policy.h"
#include "util.h"
#include "vetctl_policy.h"

static const char *
org_arg(const char *s)
{
	return strcmp(s, "default") == 0 ? NULL : s;
}

int
vetctl_policy_test(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	static const char *const allowed[] = { "--site", "--dir", NULL };
	struct policy_paths	 pp;
	struct policy		*p;
	const char		*org, *site, *dir;
	char			 err[2048], tests[PATH_MAX + 8];
	int			 npass = 0, nfail = 0;

	(void)st;
	if (!cli_args_ok(argc, argv, 1, allowed)) {
		fprintf(stderr, "usage: vetctl policy test ORG [--site S] "
		    "[--dir DIR]\n");
		return 2;
	}
	org = org_arg(argv[0]);
	site = cli_opt(argc, argv, "--site");
	if (site != NULL && org == NULL) {
		fprintf(stderr, "vetctl: the default policy has no sites\n");
		return 2;
	}
	policy_paths(cfg, org, site, cli_opt(argc, argv, "--dir"), &pp);
	if ((p = luahost_load(&pp.src, err, sizeof(err))) == NULL) {
		printf("FAIL load: %s\n", err);
		printf("policy %s%s%s: 0 passed, 1 failed\n", argv[0],
		    site ? "/" : "", site ? site : "");
		return 1;
	}
	printf("policy %s%s%s version %s\n", argv[0], site ? "/" : "",
	    site ? site : "", luahost_version(p));
	if ((dir = policy_tests_dir(&pp, tests, sizeof(tests))) == NULL) {
		printf("FAIL no fixtures: none of the set's directories has "
		    "tests/\n");
		luahost_free(p);
		return 1;
	}
	policy_run_fixtures(p, dir, org ? org : "default", site, stdout, &npass,
	    &nfail);
	printf("%d passed, %d failed\n", npass, nfail);
	luahost_free(p);
	return nfail == 0 && npass > 0 ? 0 : 1;
}

/* --- status ------------------------------------------------------------ */

static void
status_line(const struct config *cfg, struct store *st, const char *org,
    const char *site)
{
	static const char sql[] = "SELECT version, loaded_at, error,"
	    " error_version, error_at FROM policy_status WHERE org = ? AND"
	    " site = ?";
	struct policy_paths	 pp;
	struct policy		*p;
	sqlite3_stmt		*s;
	char			 err[1024], name[200];

	snprintf(name, sizeof(name), "%s%s%s", org ? org : "default",
	    site ? "/" : "", site ? site : "");
	policy_paths(cfg, org, site, NULL, &pp);
	if ((p = policy_load_checked(&pp, err, sizeof(err))) != NULL) {
		printf("%-32s files %.12s  ok\n", name, luahost_version(p));
		luahost_free(p);
	} else
		printf("%-32s files do NOT pass: %s\n", name, err);
	if ((s = store_prepare(st, sql)) == NULL)
		return;
	sqlite3_bind_text(s, 1, org ? org : "default", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, site ? site : "", -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			printf("%-32s active %.12s  since %s\n", "",
			    sqlite3_column_text(s, 0), sqlite3_column_text(s, 1));
		else
			printf("%-32s active: none yet\n", "");
		if (sqlite3_column_type(s, 2) != SQLITE_NULL)
			printf("%-32s last rejected %.12s at %s: %s\n", "",
			    sqlite3_column_text(s, 3), sqlite3_column_text(s, 4),
			    sqlite3_column_text(s, 2));
	} else
		printf("%-32s not loaded by vetd yet\n", "");
	store_done(s);
}

struct sites {
	const struct config	*cfg;
	struct store		*st;
};

static void
site_status(const struct site *si, void *arg)
{
	struct sites	*ss = arg;

	status_line(ss->cfg, ss->st, si->org_slug, si->slug);
}

int
vetctl_policy_status(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	struct sites	ss = { cfg, st };
	size_t		i;

	(void)argv;
	if (argc != 0)
		return 2;
	status_line(cfg, st, NULL, NULL);
	for (i = 0; i < cfg->norgs; i++) {
		status_line(cfg, st, cfg->orgs[i].slug, NULL);
		org_site_list(st, cfg->orgs[i].slug, site_status, &ss);
	}
	return 0;
}

/* --- replay -------------------------------------------------------------- */

static void
show(const char *title, json_t *r)
{
	char	*text = json_dumps(r, JSON_INDENT(2) | JSON_SORT_KEYS);

	printf("== %s\n%s\n", title, text ? text : "(none)");
	free(text);
}

int
vetctl_policy_replay(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	static const char sql[] = "SELECT r.policy_version, r.input, r.result,"
	    " r.automated, o.slug, r.site FROM recommendations r JOIN"
	    " organizations o ON o.id = r.org_id WHERE r.id = ?";
	const struct config_org	*co;
	struct policy_paths	 pp;
	struct policy		*old = NULL, *cur = NULL;
	sqlite3_stmt		*s;
	long long		 id;
	json_t			*input = NULL, *stored = NULL, *r1 = NULL, *r2 = NULL;
	char			 version[65] = "", org[64] = "", site[64] = "";
	char			 err[2048];
	int			 automated = 0, rc = 1, has_site = 0;
	unsigned		 automation;

	if (argc != 1 || util_parse_ll(argv[0], 1, (long long)1 << 62, &id)) {
		fprintf(stderr, "usage: vetctl policy replay ID\n");
		return 2;
	}
	if ((s = store_prepare(st, sql)) == NULL)
		return 1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(version, sizeof(version), "%s", sqlite3_column_text(s, 0));
		input = json_loads((const char *)sqlite3_column_text(s, 1), 0,
		    NULL);
		stored = json_loads((const char *)sqlite3_column_text(s, 2), 0,
		    NULL);
		automated = sqlite3_column_int(s, 3);
		snprintf(org, sizeof(org), "%s", sqlite3_column_text(s, 4));
		if ((has_site = sqlite3_column_type(s, 5) != SQLITE_NULL))
			snprintf(site, sizeof(site), "%s",
			    sqlite3_column_text(s, 5));
	}
	store_done(s);
	if (input == NULL || stored == NULL) {
		fprintf(stderr, "vetctl: no recommendation %lld\n", id);
		goto out;
	}
	co = config_org_find(cfg, org);
	automation = co ? co->automation : 1u << OUTCOME_GRANT;
	if ((old = policy_load_archived(st, cfg, version, org,
	    has_site ? site : NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vetctl: %s\n", err);
		goto out;
	}
	policy_paths(cfg, org, has_site ? site : NULL, NULL, &pp);
	if ((cur = luahost_load(&pp.src, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vetctl: the current policy does not load: %s\n",
		    err);
		goto out;
	}
	if (policy_adjudicate(old, json_object_get(input, "case"),
	    json_object_get(input, "worksheet"), json_object_get(input, "ctx"),
	    automation, automated, &r1, err, sizeof(err)) == -1)
		fprintf(stderr, "vetctl: under %.12s: %s\n", version, err);
	if (policy_adjudicate(cur, json_object_get(input, "case"),
	    json_object_get(input, "worksheet"), json_object_get(input, "ctx"),
	    automation, automated, &r2, err, sizeof(err)) == -1)
		fprintf(stderr, "vetctl: under the current version: %s\n", err);
	printf("recommendation %lld, organization %s, made under %.12s\n", id,
	    org, version);
	show("stored", stored);
	show("replayed under its own version", r1);
	printf("(%s the stored answer)\n", r1 && json_equal(r1, stored) ?
	    "same as" : "DIFFERENT from");
	printf("current version %.12s\n", luahost_version(cur));
	show("under the current version", r2);
	printf("(%s the stored answer)\n", r2 && json_equal(r2, stored) ?
	    "same as" : "DIFFERENT from");
	rc = r1 && r2 ? 0 : 1;
out:
	json_decref(input);
	json_decref(stored);
	json_decref(r1);
	json_decref(r2);
	luahost_free(old);
	luahost_free(cur);
	return rc;
}

/* --- diff -------------------------------------------------------------- */

struct item {
	char	*name;
	json_t	*fx;		/* { case, worksheet, ctx } */
};

struct items {
	struct item	*v;
	size_t		 n;
};

static void
items_add(struct items *it, const char *name, json_t *fx)
{
	if (it->n % 1024 == 0)
		it->v = xrealloc(it->v, (it->n + 1024) * sizeof(*it->v));
	it->v[it->n].name = xstrdup(name);
	it->v[it->n].fx = fx;
	it->n++;
}

/* Cases from a directory of JSON files or a JSON Lines file. */
static int
load_cases(const char *path, struct items *it)
{
	DIR		*d;
	struct dirent	*e;
	json_error_t	 jerr;
	json_t		*doc, *fx;
	FILE		*fp;
	char		*line = NULL, *p, name[300];
	size_t		 cap = 0, i, len;
	long		 lineno = 0;

	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			len = strlen(e->d_name);
			if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
				continue;
			p = xasprintf("%s/%s", path, e->d_name);
			doc = json_load_file(p, JSON_REJECT_DUPLICATES, &jerr);
			free(p);
			if (doc == NULL) {
				fprintf(stderr, "vetctl: %s: %s\n", e->d_name,
				    jerr.text);
				closedir(d);
				return -1;
			}
			if (!json_is_array(doc)) {
				json_t *a = json_array();
				json_array_append_new(a, doc);
				doc = a;
			}
			json_array_foreach(doc, i, fx) {
				if (json_is_string(json_object_get(fx, "name")))
					snprintf(name, sizeof(name), "%s",
					    json_string_value(json_object_get(fx,
					    "name")));
				else if (json_array_size(doc) > 1)
					snprintf(name, sizeof(name), "%s[%zu]",
					    e->d_name, i);
				else
					snprintf(name, sizeof(name), "%s",
					    e->d_name);
				items_add(it, name, json_incref(fx));
			}
			json_decref(doc);
		}
		closedir(d);
		return 0;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "vetctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if ((doc = json_loads(line, JSON_REJECT_DUPLICATES, &jerr)) ==
		    NULL) {
			fprintf(stderr, "vetctl: %s:%ld: %s\n", path, lineno,
			    jerr.text);
			free(line);
			fclose(fp);
			return -1;
		}
		if (json_is_string(json_object_get(doc, "name")))
			snprintf(name, sizeof(name), "%s",
			    json_string_value(json_object_get(doc, "name")));
		else
			snprintf(name, sizeof(name), "line %ld", lineno);
		items_add(it, name, doc);
	}
	free(line);
	fclose(fp);
	return 0;
}

/* The stored recommendations of org, newest per case, as items. */
static int
stored_cases(struct store *st, const char *org, struct items *it)
{
	static const char sql[] = "SELECT r.id, r.case_id, r.input FROM"
	    " recommendations r JOIN organizations o ON o.id = r.org_id"
	    " WHERE o.slug = ? AND r.id IN (SELECT max(id) FROM recommendations"
	    " GROUP BY org_id, coalesce(case_id, -id)) ORDER BY r.id";
	sqlite3_stmt	*s;
	json_t		*in;
	char		 name[64];

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, org, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((in = json_loads((const char *)sqlite3_column_text(s, 2), 0,
		    NULL)) == NULL)
			continue;
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			snprintf(name, sizeof(name), "case %lld",
			    (long long)sqlite3_column_int64(s, 1));
		else
			snprintf(name, sizeof(name), "recommendation %lld",
			    (long long)sqlite3_column_int64(s, 0));
		items_add(it, name, in);
	}
	store_done(s);
	return 0;
}

/* One evaluation: the two recommendations, or NULL on an error. */
static const char *
rec_of(struct policy *p, json_t *fx, const char *org, const char *site,
    char *err, size_t errlen, json_t **keep)
{
	json_t		*ctx, *r = NULL, *c = json_object_get(fx, "ctx"), *k, *w;
	const char	*today = "2026-06-01";
	int		 rc;

	if (json_is_string(json_object_get(c, "today")))
		today = json_string_value(json_object_get(c, "today"));
	ctx = policy_ctx(p, org, site, today, 0);
	k = json_object_get(fx, "case");
	k = k ? json_incref(k) : json_object();
	w = json_object_get(fx, "worksheet");
	w = w ? json_incref(w) : json_object();
	rc = policy_adjudicate(p, k, w, ctx, 0, 0, &r, err, errlen);
	json_decref(k);
	json_decref(w);
	json_decref(ctx);
	if (rc == -1)
		return NULL;
	*keep = r;
	return json_string_value(json_object_get(r, "recommendation"));
}

static void
progress(size_t done, size_t total)
{
	int	width = 40, fill;

	if (total == 0)
		return;
	fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu", fill,
	    "########################################", width - fill, "", done,
	    total);
	if (done == total)
		fputc('\n', stderr);
}

/*
 * Evaluate items [from, to) under both sets; write one line per case to
 * out: "name\told\tnew" (or "name\t!error\t..."), for the parent to tally.
 */
static void
diff_range(struct policy *cur, struct policy *draft, struct items *it,
    size_t from, size_t to, const char *org, const char *site, FILE *out,
    int show_progress)
{
	const char	*a, *b;
	json_t		*ra = NULL, *rb = NULL;
	char		 err[1024];
	size_t		 i;

	for (i = from; i < to; i++) {
		a = rec_of(cur, it->v[i].fx, org, site, err, sizeof(err), &ra);
		if (a == NULL) {
			fprintf(out, "%s\t!error\tactive: %s\n", it->v[i].name,
			    err);
			continue;
		}
		b = rec_of(draft, it->v[i].fx, org, site, err, sizeof(err), &rb);
		if (b == NULL)
			fprintf(out, "%s\t!error\tdraft: %s\n", it->v[i].name, err);
		else
			fprintf(out, "%s\t%s\t%s\n", it->v[i].name, a, b);
		json_decref(ra);
		json_decref(rb);
		ra = rb = NULL;
		if (show_progress && (i - from) % 512 == 0)
			progress(i - from, to - from);
	}
	if (show_progress)
		progress(to - from, to - from);
}

struct tally {
	char	*kind;
	long	 n;
};

int
vetctl_policy_diff(const struct config *cfg, struct store *st, int argc,
    char **argv)
{
	static const char *const allowed[] = { "--draft", "--site", "--cases",
	    "--jobs", NULL };
	struct policy_paths	 pa, pd;
	struct policy		*cur = NULL, *draft = NULL;
	struct items		 it = { NULL, 0 };
	struct tally		*t = NULL;
	const char		*org, *site, *draft_dir, *cases, *j;
	char			 err[2048], tmpl[] = "/tmp/vetd-diff.XXXXXX";
	char			*line = NULL, *name, *from, *to, kind[128];
	long long		 jobs = 2;
	size_t			 i, k, nt = 0, cap = 0, per;
	long			 changed = 0, errors = 0, total = 0;
	pid_t			 pids[16];
	FILE			*tmp[16] = { NULL }, *fp;
	int			 fd, rc = 1, status, tty;

	if (!cli_args_ok(argc, argv, 1, allowed) ||
	    (draft_dir = cli_opt(argc, argv, "--draft")) == NULL) {
		fprintf(stderr, "usage: vetctl policy diff ORG --draft DIR "
		    "[--site S] [--cases PATH] [--jobs N]\n");
		return 2;
	}
	org = org_arg(argv[0]);
	site = cli_opt(argc, argv, "--site");
	cases = cli_opt(argc, argv, "--cases");
	if ((j = cli_opt(argc, argv, "--jobs")) != NULL &&
	    util_parse_ll(j, 1, 16, &jobs) == -1) {
		fprintf(stderr, "vetctl: --jobs takes 1 to 16\n");
		return 2;
	}
	if (org == NULL) {
		fprintf(stderr, "vetctl: diff compares an organization's policy "
		    "with a draft of it\n");
		return 2;
	}
	policy_paths(cfg, org, site, NULL, &pa);
	policy_paths(cfg, org, site, draft_dir, &pd);
	if ((cur = luahost_load(&pa.src, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vetctl: the active policy does not load: %s\n",
		    err);
		goto out;
	}
	if ((draft = luahost_load(&pd.src, err, sizeof(err))) == NULL) {
		fprintf(stderr, "vetctl: the draft does not load: %s\n", err);
		goto out;
	}
	if ((cases ? load_cases(cases, &it) : stored_cases(st, org, &it)) == -1)
		goto out;
	fprintf(stderr, "comparing %s (%.12s) with the draft %s (%.12s) over "
	    "%zu cases\n", org, luahost_version(cur), draft_dir,
	    luahost_version(draft), it.n);
	tty = isatty(STDERR_FILENO);

	/* Split the cases among jobs processes; each writes its lines to a
	 * temporary file the parent reads in order. */
	if ((size_t)jobs > it.n)
		jobs = it.n ? (long long)it.n : 1;
	per = (it.n + (size_t)jobs - 1) / (size_t)jobs;
	for (k = 0; k < (size_t)jobs; k++) {
		if ((fd = mkstemp(tmpl)) == -1)
			fatal("mkstemp");
		unlink(tmpl);
		memcpy(tmpl + strlen(tmpl) - 6, "XXXXXX", 6);
		tmp[k] = fdopen(fd, "w+");
		fflush(NULL);
		if ((pids[k] = fork()) == -1)
			fatal("fork");
		if (pids[k] == 0) {
			diff_range(cur, draft, &it, k * per,
			    (k + 1) * per < it.n ? (k + 1) * per : it.n, org, site,
			    tmp[k], tty && k == 0);
			fflush(tmp[k]);
			_exit(0);
		}
	}
	for (k = 0; k < (size_t)jobs; k++)
		if (waitpid(pids[k], &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "vetctl: a diff job failed\n");
			goto out;
		}
	for (k = 0; k < (size_t)jobs; k++) {
		fp = tmp[k];
		rewind(fp);
		while (getline(&line, &cap, fp) > 0) {
			line[strcspn(line, "\n")] = '\0';
			name = line;
			if ((from = strchr(name, '\t')) == NULL)
				continue;
			*from++ = '\0';
			if ((to = strchr(from, '\t')) == NULL)
				continue;
			*to++ = '\0';
			total++;
			if (strcmp(from, "!error") == 0) {
				errors++;
				printf("%s: error: %s\n", name, to);
				continue;
			}
			if (strcmp(from, to) == 0)
				continue;
			changed++;
			printf("%s: %s -> %s\n", name, from, to);
			snprintf(kind, sizeof(kind), "%s -> %s", from, to);
			for (i = 0; i < nt && strcmp(t[i].kind, kind) != 0; i++)
				;
			if (i == nt) {
				t = xrealloc(t, (nt + 1) * sizeof(*t));
				t[nt].kind = xstrdup(kind);
				t[nt++].n = 0;
			}
			t[i].n++;
		}
	}
	printf("%ld cases, %ld would change, %ld errors\n", total, changed,
	    errors);
	for (i = 0; i < nt; i++)
		printf("  %-48s %ld\n", t[i].kind, t[i].n);
	rc = errors ? 1 : 0;
out:
	for (k = 0; k < 16; k++)
		if (tmp[k] != NULL)
			fclose(tmp[k]);
	for (i = 0; i < nt; i++)
		free(t[i].kind);
	free(t);
	free(line);
	for (i = 0; i < it.n; i++) {
		free(it.v[i].name);
		json_decref(it.v[i].fx);
	}
	free(it.v);
	luahost_free(cur);
	luahost_free(draft);
	return rc;
}
