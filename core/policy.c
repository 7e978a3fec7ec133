/*
 * policy: paths, the per-worker registry with hot reload, answer checks,
 * the decision ceiling and the fixture runner. See policy.h.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "log.h"
#include "policy.h"
#include "util.h"

/* The date fixtures are judged on when they give none. */
#define FIXTURE_TODAY	"2026-06-01"
#define MAX_SETS	256

/* --- where the files are ------------------------------------------------- */

void
policy_paths(const struct config *c, const char *org, const char *site,
    const char *draft, struct policy_paths *pp)
{
	const struct config_org	*o = org ? config_org_find(c, org) : NULL;
	size_t			 n = 0;

	memset(pp, 0, sizeof(*pp));
	snprintf(pp->orgname, sizeof(pp->orgname), "%s", org ? org : "");
	snprintf(pp->sitename, sizeof(pp->sitename), "%s",
	    org && site ? site : "");
	if (org != NULL) {
		if (draft != NULL)
			snprintf(pp->org, sizeof(pp->org), "%s", draft);
		else if (o != NULL && o->policies != NULL)
			snprintf(pp->org, sizeof(pp->org), "%s", o->policies);
		else
			if (snprintf(pp->org, sizeof(pp->org), "%s/%s",
			    c->policy_dir, org) >= (int)sizeof(pp->org))
				pp->org[0] = '\0';
		snprintf(pp->org_label, sizeof(pp->org_label), "%s/", org);
		if (site != NULL) {
			if (snprintf(pp->site, sizeof(pp->site), "%s/sites/%s",
			    pp->org, site) >= (int)sizeof(pp->site))
				pp->site[0] = '\0';	/* too long: no such dir */
			snprintf(pp->site_label, sizeof(pp->site_label),
			    "%s/sites/%s/", org, site);
			pp->src.dirs[n] = pp->site;
			pp->src.labels[n++] = pp->site_label;
		}
		pp->src.dirs[n] = pp->org;
		pp->src.labels[n++] = pp->org_label;
	}
	if (snprintf(pp->def, sizeof(pp->def), "%s/default", c->policy_dir) >=
	    (int)sizeof(pp->def))
		pp->def[0] = '\0';
	pp->src.dirs[n] = pp->def;
	pp->src.labels[n] = "default/";
	pp->src.scripts_dir = c->scripts_dir;
	pp->src.budget = c->policy_budget;
	pp->src.memory = c->policy_memory;
}

static int
is_dir(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *
policy_tests_dir(const struct policy_paths *pp, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < 3 && pp->src.dirs[i] != NULL; i++) {
		if (snprintf(buf, len, "%s/tests", pp->src.dirs[i]) >= (int)len)
			continue;
		if (is_dir(buf))
			return buf;
	}
	return NULL;
}

/* --- checking answers ------------------------------------------------------ */

static int
str_list(json_t *a)
{
	size_t	 i;
	json_t	*v;

	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

/* Every element of a is an object with a string `key`. */
static int
objects_with(json_t *a, const char *key)
{
	size_t	 i;
	json_t	*v;

	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v)
		if (!json_is_object(v) || !json_is_string(json_object_get(v, key)))
			return 0;
	return 1;
}

/* Items {text, cites[]}. */
static int
cited_list(json_t *a)
{
	size_t	 i;
	json_t	*v;

	if (!objects_with(a, "text"))
		return 0;
	json_array_foreach(a, i, v)
		if (!str_list(json_object_get(v, "cites")))
			return 0;
	return 1;
}

/* NULL when r is a well-formed answer of fn, or what is wrong with it. */
static const char *
answer_problem(const char *fn, json_t *r)
{
	json_t	*v;
	size_t	 i;

	if (strcmp(fn, "adjudicate") == 0) {
		if (!json_is_object(r))
			return "not a table";
		v = json_object_get(r, "recommendation");
		if (!json_is_string(v) ||
		    config_outcome_parse(json_string_value(v)) < 0)
			return "recommendation is not one of grant, "
			    "grant_with_restrictions, grant_with_warning, deny, "
			    "refer";
		if (!cited_list(json_object_get(r, "reasons")) ||
		    json_array_size(json_object_get(r, "reasons")) == 0)
			return "reasons must be a non-empty list of "
			    "{ text, cites = {...} }";
		json_array_foreach(json_object_get(r, "reasons"), i, v)
			if (json_array_size(json_object_get(v, "cites")) == 0)
				return "every reason must cite what it rests on";
		if ((v = json_object_get(r, "would_change")) != NULL &&
		    !cited_list(v))
			return "would_change must be a list of { text, cites }";
		if ((v = json_object_get(r, "restrictions")) != NULL &&
		    !objects_with(v, "type"))
			return "restrictions must be a list of { type, detail }";
		if ((v = json_object_get(r, "flags")) != NULL && !str_list(v))
			return "flags must be a list of names";
		return NULL;
	}
	if (strcmp(fn, "requirements") == 0) {
		if (!objects_with(r, "code") || !objects_with(r, "message"))
			return "must be a list of { code, message, path, "
			    "severity }";
		return NULL;
	}
	if (strcmp(fn, "interview_triggers") == 0) {
		if (!json_is_object(r) ||
		    !json_is_boolean(json_object_get(r, "needed")) ||
		    !json_is_boolean(json_object_get(r, "two_interviewers")))
			return "must be { needed = bool, two_interviewers = bool, "
			    "reasons = {...} }";
		if ((v = json_object_get(r, "reasons")) != NULL &&
		    !objects_with(v, "code"))
			return "reasons must be a list of { code, message }";
		return NULL;
	}
	if (strcmp(fn, "on_event") == 0) {
		if (!objects_with(r, "action"))
			return "must be a list of { action = ... }";
		return NULL;
	}
	return NULL;
}

int
policy_call(struct policy *p, const char *fn, json_t **args, size_t nargs,
    json_t **out, char *err, size_t errlen)
{
	const char	*why;
	int		 rc;

	*out = NULL;
	if ((rc = luahost_call(p, fn, args, nargs, out, err, errlen)) != 0)
		return -1;
	if ((why = answer_problem(fn, *out)) != NULL) {
		snprintf(err, errlen, "%s (policy %.12s) returned a malformed "
		    "answer: %s", fn, luahost_version(p), why);
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
policy_adjudicate(struct policy *p, json_t *kase, json_t *worksheet,
    json_t *ctx, unsigned automation, int automated, json_t **out,
    char *err, size_t errlen)
{
	json_t		*args[3] = { kase, worksheet, ctx }, *r, *reasons;
	const char	*rec;
	int		 oc;
	char		 text[200];

	if (policy_call(p, "adjudicate", args, 3, &r, err, errlen) == -1)
		return -1;
	rec = json_string_value(json_object_get(r, "recommendation"));
	oc = config_outcome_parse(rec);
	/* Never deny by automation, whatever the configuration says. */
	automation &= ~(1u << OUTCOME_DENY);
	automation |= 1u << OUTCOME_REFER;
	if (automated && !(automation & (1u << oc))) {
		snprintf(text, sizeof(text), "automation may not reach '%s' for "
		    "this organization: a person decides", rec);
		json_object_set(r, "policy_recommendation",
		    json_object_get(r, "recommendation"));
		json_object_set_new(r, "recommendation", json_string("refer"));
		reasons = json_object_get(r, "reasons");
		json_array_append_new(reasons, json_pack("{s:s, s:[s]}", "text",
		    text, "cites", "decision ceiling"));
	}
	*out = r;
	return 0;
}

json_t *
policy_ctx(struct policy *p, const char *org, const char *site,
    const char *today, int automated)
{
	json_t	*settings = luahost_table(p, "settings");

	return json_pack("{s:s, s:s?, s:s?, s:b, s:o}", "today", today,
	    "org", org, "site", site, "automated", automated, "settings",
	    settings ? settings : json_object());
}

/* --- loading and checking a set -------------------------------------------- */

static const char *const required_fns[] = {
	"requirements", "interview_triggers", "adjudicate", "on_event", NULL
};

/* The functions vetd calls are there; the workflow, when present, is data. */
static int
check_exports(struct policy *p, char *err, size_t errlen)
{
	const char *const	*fn;
	json_t			*out = NULL, *args[1];
	char			 e[512];
	int			 rc;

	for (fn = required_fns; *fn != NULL; fn++) {
		/* Calling with no arguments tells "missing" from "present":
		 * a present function may fail on nil input, which is fine. */
		args[0] = json_null();
		rc = luahost_call(p, *fn, args, 0, &out, e, sizeof(e));
		json_decref(args[0]);
		json_decref(out);
		out = NULL;
		if (rc == 1) {
			snprintf(err, errlen, "the policy does not define %s",
			    *fn);
			return -1;
		}
	}
	return 0;
}

struct policy *
policy_load_checked(const struct policy_paths *pp, char *err, size_t errlen)
{
	struct policy	*p;
	char		 tests[PATH_MAX + 8], line[1024];
	const char	*dir;
	int		 npass = 0, nfail = 0;
	FILE		*mem;
	char		*report = NULL;
	size_t		 rlen = 0;

	if ((p = luahost_load(&pp->src, err, errlen)) == NULL)
		return NULL;
	if (check_exports(p, err, errlen) == -1)
		goto fail;
	if ((dir = policy_tests_dir(pp, tests, sizeof(tests))) == NULL)
		return p;
	if ((mem = open_memstream(&report, &rlen)) == NULL)
		fatal("open_memstream");
	policy_run_fixtures(p, dir, pp->orgname[0] ? pp->orgname : "default",
	    pp->sitename[0] ? pp->sitename : NULL, mem, &npass, &nfail);
	fclose(mem);
	if (nfail > 0) {
		/* the first failure says enough */
		const char *f = strstr(report, "FAIL ");
		snprintf(line, sizeof(line), "%s", f ? f : "fixtures failed");
		line[strcspn(line, "\n")] = '\0';
		snprintf(err, errlen, "%d of %d fixtures fail; %s", nfail,
		    npass + nfail, line);
		free(report);
		goto fail;
	}
	free(report);
	return p;
fail:
	luahost_free(p);
	return NULL;
}

int
policy_archive(struct store *st, struct policy *p)
{
	static const char sql[] = "INSERT INTO policy_versions (version, files,"
	    " first_used_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	    " ON CONFLICT (version) DO NOTHING";
	sqlite3_stmt	*s;
	json_t		*files;
	char		*text;
	int		 rc;

	files = luahost_files(p);
	text = json_dumps(files, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(files);
	if (text == NULL || (s = store_prepare(st, sql)) == NULL) {
		free(text);
		return -1;
	}
	sqlite3_bind_text(s, 1, luahost_version(p), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	free(text);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- the registry ------------------------------------------------------------ */

struct set {
	char		*org;		/* NULL: the default set */
	char		*site;
	struct policy	*active;
	long long	 checked_at;
	char		 rejected[65];	/* version + fixtures known not to pass */
};

/*
 * The key a refusal is remembered by: the version and the fixtures it was
 * checked with, hashed together, so that fixing a fixture (which is not
 * part of the version) gives the version another chance.
 */
static void
check_key(const struct policy_paths *pp, const char *version, char out[65])
{
	crypto_hash_sha256_state	 h;
	unsigned char			 d[32];
	char				 tests[PATH_MAX + 8], *path, *data;
	const char			*dir;
	DIR				*dd;
	struct dirent			*e;
	size_t				 len;
	FILE				*fp;
	char				**names = NULL;
	size_t				 n = 0, i;

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)version,
	    strlen(version));
	if ((dir = policy_tests_dir(pp, tests, sizeof(tests))) != NULL &&
	    (dd = opendir(dir)) != NULL) {
		while ((e = readdir(dd)) != NULL)
			if (e->d_name[0] != '.') {
				names = xrealloc(names, (n + 1) * sizeof(*names));
				names[n++] = xstrdup(e->d_name);
			}
		closedir(dd);
		qsort(names, n, sizeof(*names), name_cmp);
		for (i = 0; i < n; i++) {
			crypto_hash_sha256_update(&h,
			    (const unsigned char *)names[i], strlen(names[i]) + 1);
			path = xasprintf("%s/%s", dir, names[i]);
			if ((fp = fopen(path, "r")) != NULL) {
				data = NULL;
				len = 0;
				if (getdelim(&data, &len, '\0', fp) > 0)
					crypto_hash_sha256_update(&h,
					    (const unsigned char *)data,
					    strlen(data));
				free(data);
				fclose(fp);
			}
			free(path);
			free(names[i]);
		}
		free(names);
	}
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

struct policy_registry {
	const struct config	*cfg;
	struct set		*sets;
	size_t			 nsets;
	int			 invalid;
};

struct policy_registry *
policy_registry_new(const struct config *cfg)
{
	struct policy_registry	*r = xcalloc(1, sizeof(*r));

	r->cfg = cfg;
	return r;
}

void
policy_registry_free(struct policy_registry *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nsets; i++) {
		luahost_free(r->sets[i].active);
		free(r->sets[i].org);
		free(r->sets[i].site);
	}
	free(r->sets);
	free(r);
}

void
policy_registry_invalidate(struct policy_registry *r)
{
	r->invalid = 1;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static struct set *
set_find(struct policy_registry *r, const char *org, const char *site)
{
	size_t	i;

	for (i = 0; i < r->nsets; i++)
		if (same(r->sets[i].org, org) && same(r->sets[i].site, site))
			return &r->sets[i];
	if (r->nsets == MAX_SETS)
		return NULL;
	r->sets = xrealloc(r->sets, (r->nsets + 1) * sizeof(*r->sets));
	memset(&r->sets[r->nsets], 0, sizeof(*r->sets));
	r->sets[r->nsets].org = org ? xstrdup(org) : NULL;
	r->sets[r->nsets].site = site ? xstrdup(site) : NULL;
	return &r->sets[r->nsets++];
}

static void
status_record(struct store *st, const char *org, const char *site,
    const char *version, const char *error, const char *error_version)
{
	static const char ok_sql[] = "INSERT INTO policy_status (org, site,"
	    " version, loaded_at) VALUES (?1, ?2, ?3,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now')) ON CONFLICT (org, site)"
	    " DO UPDATE SET version = ?3, loaded_at = excluded.loaded_at,"
	    " error = NULL, error_version = NULL, error_at = NULL";
	static const char err_sql[] = "INSERT INTO policy_status (org, site,"
	    " error, error_version, error_at) VALUES (?1, ?2, ?3, ?4,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now')) ON CONFLICT (org, site)"
	    " DO UPDATE SET error = ?3, error_version = ?4,"
	    " error_at = excluded.error_at";
	sqlite3_stmt	*s;

	if ((s = store_prepare(st, error ? err_sql : ok_sql)) == NULL)
		return;
	sqlite3_bind_text(s, 1, org ? org : "default", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, site ? site : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, error ? error : version, -1, SQLITE_STATIC);
	if (error)
		sqlite3_bind_text(s, 4, error_version, -1, SQLITE_STATIC);
	(void)sqlite3_step(s);
	store_done(s);
}

/*
 * After a refusal: the last good version is the one any worker last put
 * live (policy_status), not whatever this worker happened to hold; a worker
 * that missed it loads it from the archive, so every worker serves the
 * same version.
 */
static void
last_good(struct policy_registry *r, struct store *st, struct set *s,
    const char *org, const char *site)
{
	static const char sql[] = "SELECT version FROM policy_status WHERE"
	    " org = ? AND site = ? AND version IS NOT NULL";
	sqlite3_stmt	*q;
	struct policy	*p;
	char		 v[65] = "", e[512];

	if ((q = store_prepare(st, sql)) == NULL)
		return;
	sqlite3_bind_text(q, 1, org ? org : "default", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, site ? site : "", -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(v, sizeof(v), "%s", sqlite3_column_text(q, 0));
	store_done(q);
	if (v[0] == '\0' || (s->active != NULL &&
	    strcmp(v, luahost_version(s->active)) == 0))
		return;
	if ((p = policy_load_archived(st, r->cfg, v, org, site, e,
	    sizeof(e))) == NULL) {
		log_warn("event=policy_archive_load_failed version=%.12s "
		    "reason=%s", v, log_quote_tmp(e));
		return;
	}
	luahost_free(s->active);
	s->active = p;
	log_info("event=policy_loaded_from_archive org=%s site=%s "
	    "version=%.12s", org ? org : "default", site ? site : "-", v);
}

struct policy *
policy_get(struct policy_registry *r, struct store *st, const char *org,
    const char *site, long long now, char *err, size_t errlen)
{
	struct policy_paths	 pp;
	struct policy		*p;
	struct set		*s;
	char			 v[65] = "", key[65] = "", e[1024];
	size_t			 i;

	if (r->invalid) {
		for (i = 0; i < r->nsets; i++)
			r->sets[i].checked_at = 0;
		r->invalid = 0;
	}
	if ((s = set_find(r, org, site)) == NULL) {
		snprintf(err, errlen, "too many policy sets");
		return NULL;
	}
	if (s->active != NULL && s->checked_at != 0 &&
	    now - s->checked_at < r->cfg->policy_check)
		return s->active;
	s->checked_at = now;
	policy_paths(r->cfg, org, site, NULL, &pp);
	e[0] = '\0';
	if (luahost_source_version(&pp.src, v, e, sizeof(e)) == -1)
		goto bad;
	if (s->active != NULL && strcmp(v, luahost_version(s->active)) == 0)
		return s->active;
	check_key(&pp, v, key);
	if (strcmp(key, s->rejected) == 0) {
		if (s->active != NULL)
			return s->active;
		snprintf(err, errlen, "the policy (version %.12s) does not pass "
		    "its checks; see vetctl policy status", v);
		return NULL;
	}
	if ((p = policy_load_checked(&pp, e, sizeof(e))) == NULL)
		goto bad;
	if (policy_archive(st, p) == -1)
		log_warn("event=policy_archive_failed version=%.12s",
		    luahost_version(p));
	luahost_free(s->active);
	s->active = p;
	s->rejected[0] = '\0';
	status_record(st, org, site, luahost_version(p), NULL, NULL);
	log_info("event=policy_loaded org=%s site=%s version=%.12s",
	    org ? org : "default", site ? site : "-", luahost_version(p));
	return p;
bad:
	/* An unreadable tree has no version: it is tried again next time. */
	snprintf(s->rejected, sizeof(s->rejected), "%s", key);
	status_record(st, org, site, NULL, e, v[0] ? v : NULL);
	log_error("event=policy_rejected org=%s site=%s version=%.12s "
	    "reason=%s", org ? org : "default", site ? site : "-", v,
	    log_quote_tmp(e));
	last_good(r, st, s, org, site);
	if (s->active != NULL)
		return s->active;
	snprintf(err, errlen, "%s", e);
	return NULL;
}

/* --- fixtures -------------------------------------------------------------- */

/* Does the string v appear in the array a? */
static int
in_list(json_t *a, const char *v)
{
	size_t	 i;
	json_t	*x;

	json_array_foreach(a, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), v) == 0)
			return 1;
	return 0;
}

/* Collect field `key` of each object in list into a new array. */
static json_t *
pluck(json_t *list, const char *key)
{
	json_t	*out = json_array(), *v, *f;
	size_t	 i;

	json_array_foreach(list, i, v)
		if ((f = json_object_get(v, key)) != NULL && json_is_string(f))
			json_array_append(out, f);
	return out;
}

/* Every cite of every reason of an adjudication. */
static json_t *
all_cites(json_t *r)
{
	json_t	*out = json_array(), *v, *c;
	size_t	 i, j;

	json_array_foreach(json_object_get(r, "reasons"), i, v)
		json_array_foreach(json_object_get(v, "cites"), j, c)
			json_array_append(out, c);
	return out;
}

/* Check that every string of want is (or, negate, is not) in have. */
static int
expect_set(json_t *want, json_t *have, int negate, const char *what,
    char *why, size_t whylen)
{
	size_t	 i;
	json_t	*v;

	if (want == NULL)
		return 0;
	if (!json_is_array(want)) {
		snprintf(why, whylen, "the fixture's %s expectation must be a "
		    "list", what);
		return -1;
	}
	json_array_foreach(want, i, v) {
		if (!json_is_string(v))
			continue;
		if (in_list(have, json_string_value(v)) == negate) {
			snprintf(why, whylen, "%s %s %s", what,
			    json_string_value(v), negate ? "present" : "missing");
			return -1;
		}
	}
	return 0;
}

static int
expect_bool(json_t *exp, json_t *r, const char *key, char *why, size_t len)
{
	json_t	*w = json_object_get(exp, key);

	if (w == NULL)
		return 0;
	if (!json_is_boolean(json_object_get(r, key)) ||
	    json_is_true(w) != json_is_true(json_object_get(r, key))) {
		snprintf(why, len, "%s: expected %s", key,
		    json_is_true(w) ? "true" : "false");
		return -1;
	}
	return 0;
}

/* Run one fixture; 0 pass, -1 fail with why. */
static int
fixture_run(struct policy *p, json_t *fx, const char *org, const char *site,
    char *why, size_t whylen)
{
	const char	*fn = "adjudicate", *today = FIXTURE_TODAY, *want, *got;
	json_t		*exp, *ctx, *kase, *ws, *ev, *r = NULL, *have = NULL;
	json_t		*fctx, *args[3], *v, *experr;
	unsigned	 automation = 1u << OUTCOME_GRANT;
	size_t		 i;
	int		 automated = 0, rc = -1, call;
	char		 err[1024];

	if (json_is_string(json_object_get(fx, "function")))
		fn = json_string_value(json_object_get(fx, "function"));
	exp = json_object_get(fx, "expect");
	if (!json_is_object(exp)) {
		snprintf(why, whylen, "no \"expect\" object");
		return -1;
	}
	fctx = json_object_get(fx, "ctx");
	if (json_is_string(json_object_get(fctx, "today")))
		today = json_string_value(json_object_get(fctx, "today"));
	if (json_is_string(json_object_get(fctx, "site")))
		site = json_string_value(json_object_get(fctx, "site"));
	automated = json_is_true(json_object_get(fctx, "automated"));
	if (json_is_array(json_object_get(fx, "automation"))) {
		automation = 0;
		json_array_foreach(json_object_get(fx, "automation"), i, v)
			if (json_is_string(v) &&
			    config_outcome_parse(json_string_value(v)) >= 0)
				automation |= 1u << config_outcome_parse(
				    json_string_value(v));
	}
	ctx = policy_ctx(p, org, site, today, automated);
	kase = json_object_get(fx, "case");
	ws = json_object_get(fx, "worksheet");
	ev = json_object_get(fx, "event");
	if (kase == NULL)
		kase = json_object();
	else
		json_incref(kase);

	if (strcmp(fn, "adjudicate") == 0) {
		ws = ws ? json_incref(ws) : json_object();
		call = policy_adjudicate(p, kase, ws, ctx, automation, automated,
		    &r, err, sizeof(err));
		json_decref(ws);
	} else if (strcmp(fn, "on_event") == 0) {
		args[0] = ev ? json_incref(ev) : json_object();
		args[1] = kase;
		args[2] = ctx;
		call = policy_call(p, fn, args, 3, &r, err, sizeof(err));
		json_decref(args[0]);
	} else {
		args[0] = kase;
		args[1] = ctx;
		call = policy_call(p, fn, args, 2, &r, err, sizeof(err));
	}
	if ((experr = json_object_get(exp, "error")) != NULL) {
		if (!json_is_string(experr))
			snprintf(why, whylen, "the fixture's error expectation "
			    "must be a string");
		else if (call == 0)
			snprintf(why, whylen, "expected an error containing '%s'",
			    json_string_value(experr));
		else if (strstr(err, json_string_value(experr)) == NULL)
			snprintf(why, whylen, "error '%.400s' lacks '%.100s'", err,
			    json_string_value(experr));
		else
			rc = 0;
		goto out;
	}
	if (call == -1) {
		snprintf(why, whylen, "%s", err);
		goto out;
	}

	if ((want = json_string_value(json_object_get(exp,
	    "recommendation"))) != NULL) {
		got = json_string_value(json_object_get(r, "recommendation"));
		if (got == NULL || strcmp(got, want) != 0) {
			snprintf(why, whylen, "recommendation %s, expected %s",
			    got ? got : "(none)", want);
			goto out;
		}
	}
	if (strcmp(fn, "adjudicate") == 0) {
		have = all_cites(r);
		if (expect_set(json_object_get(exp, "cites"), have, 0, "cite",
		    why, whylen) == -1 ||
		    expect_set(json_object_get(exp, "not_cites"), have, 1,
		    "cite", why, whylen) == -1)
			goto out;
		json_decref(have);
		have = json_object_get(r, "flags") ?
		    json_incref(json_object_get(r, "flags")) : json_array();
	} else if (strcmp(fn, "requirements") == 0)
		have = pluck(r, "code");
	else if (strcmp(fn, "interview_triggers") == 0) {
		if (expect_bool(exp, r, "needed", why, whylen) == -1 ||
		    expect_bool(exp, r, "two_interviewers", why, whylen) == -1)
			goto out;
		have = pluck(json_object_get(r, "reasons"), "code");
	} else if (strcmp(fn, "on_event") == 0) {
		have = pluck(r, "action");
		if (expect_set(json_object_get(exp, "actions"), have, 0,
		    "action", why, whylen) == -1 ||
		    expect_set(json_object_get(exp, "not_actions"), have, 1,
		    "action", why, whylen) == -1)
			goto out;
		json_decref(have);
		have = pluck(r, "flag");
	}
	if (have == NULL)
		have = json_array();
	if (strcmp(fn, "adjudicate") == 0 || strcmp(fn, "on_event") == 0) {
		if (expect_set(json_object_get(exp, "flags"), have, 0, "flag",
		    why, whylen) == -1 ||
		    expect_set(json_object_get(exp, "not_flags"), have, 1,
		    "flag", why, whylen) == -1)
			goto out;
	} else if (expect_set(json_object_get(exp, "codes"), have, 0, "code",
	    why, whylen) == -1 ||
	    expect_set(json_object_get(exp, "not_codes"), have, 1, "code",
	    why, whylen) == -1)
		goto out;
	rc = 0;
out:
	json_decref(have);
	json_decref(r);
	json_decref(kase);
	json_decref(ctx);
	return rc;
}

int
policy_run_fixtures(struct policy *p, const char *dir, const char *org,
    const char *site, FILE *out, int *npass, int *nfail)
{
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL, *path, why[1024];
	size_t		 n = 0, i, j, len;
	json_t		*doc, *fx;
	json_error_t	 jerr;
	const char	*name;

	*npass = *nfail = 0;
	if ((d = opendir(dir)) == NULL) {
		if (out)
			fprintf(out, "FAIL %s: cannot open\n", dir);
		(*nfail)++;
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
		free(path);
		if (doc == NULL) {
			if (out)
				fprintf(out, "FAIL %s: line %d: %s\n", names[i],
				    jerr.line, jerr.text);
			(*nfail)++;
			continue;
		}
		if (!json_is_array(doc)) {
			json_t *a = json_array();
			json_array_append_new(a, doc);
			doc = a;
		}
		json_array_foreach(doc, j, fx) {
			name = json_string_value(json_object_get(fx, "name"));
			if (name == NULL)
				name = names[i];
			if (fixture_run(p, fx, org, site, why, sizeof(why)) == 0) {
				(*npass)++;
				if (out)
					fprintf(out, "PASS %s\n", name);
			} else {
				(*nfail)++;
				if (out)
					fprintf(out, "FAIL %s (%s): %s\n", name,
					    names[i], why);
			}
		}
		json_decref(doc);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return *nfail == 0 && *npass > 0 ? 0 : -1;
}

/* --- recommendations and replay ------------------------------------------- */

long long
policy_record(struct store *st, long long org_id, long long case_id,
    const char *site, struct policy *p, json_t *input, json_t *result,
    int automated, const char *actor)
{
	static const char sql[] = "INSERT INTO recommendations (org_id, case_id,"
	    " site, policy_version, input, result, automated, created_at,"
	    " created_by) VALUES (?,?,?,?,?,?,?,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'),?)";
	sqlite3_stmt	*s;
	char		*in, *out;
	long long	 id = -1;

	if (policy_archive(st, p) == -1)
		return -1;
	in = json_dumps(input, JSON_COMPACT | JSON_SORT_KEYS);
	out = json_dumps(result, JSON_COMPACT | JSON_SORT_KEYS);
	if (in == NULL || out == NULL || (s = store_prepare(st, sql)) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, org_id);
	if (case_id > 0)
		sqlite3_bind_int64(s, 2, case_id);
	if (site != NULL)
		sqlite3_bind_text(s, 3, site, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, luahost_version(p), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, in, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, out, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, automated);
	sqlite3_bind_text(s, 8, actor, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(store_db(st));
	store_done(s);
out:
	free(in);
	free(out);
	return id;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Write "name" -> content pairs under root, making directories. */
static int
materialize(const char *root, json_t *files, char *err, size_t errlen)
{
	const char	*name;
	json_t		*v;
	char		*path, *slash;
	FILE		*fp;

	json_object_foreach(files, name, v) {
		if (!json_is_string(v) || strstr(name, "..") != NULL ||
		    name[0] == '/') {
			snprintf(err, errlen, "the archive holds a bad file name");
			return -1;
		}
		path = xasprintf("%s/%s", root, name);
		for (slash = strchr(path + strlen(root) + 1, '/'); slash != NULL;
		    slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			if (mkdir(path, 0700) == -1 && errno != EEXIST) {
				snprintf(err, errlen, "mkdir: %s", strerror(errno));
				free(path);
				return -1;
			}
			*slash = '/';
		}
		if ((fp = fopen(path, "w")) == NULL ||
		    fwrite(json_string_value(v), 1, json_string_length(v), fp) !=
		    json_string_length(v) || fclose(fp) != 0) {
			snprintf(err, errlen, "cannot write %s", name);
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

struct policy *
policy_load_archived(struct store *st, const struct config *c,
    const char *version, const char *org, const char *site, char *err,
    size_t errlen)
{
	static const char sql[] =
	    "SELECT files FROM policy_versions WHERE version = ?";
	struct policy_paths	 pp;
	struct config		 tmpcfg;
	struct policy		*p = NULL;
	sqlite3_stmt		*s;
	json_t			*files = NULL;
	char			 root[] = "/tmp/vetd-replay.XXXXXX";
	char			*pdir = NULL, *sdir = NULL;

	if ((s = store_prepare(st, sql)) == NULL) {
		snprintf(err, errlen, "database error");
		return NULL;
	}
	sqlite3_bind_text(s, 1, version, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		files = json_loads((const char *)sqlite3_column_text(s, 0), 0,
		    NULL);
	store_done(s);
	if (files == NULL) {
		snprintf(err, errlen, "version %.12s is not in the archive",
		    version);
		return NULL;
	}
	if (mkdtemp(root) == NULL) {
		snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
		json_decref(files);
		return NULL;
	}
	if (materialize(root, files, err, errlen) == -1)
		goto out;
	/* The archive's names are "<label><file>": lay them out so that the
	 * labels are directories under one root. */
	tmpcfg = *c;
	pdir = xasprintf("%s", root);
	sdir = xasprintf("%s/scripts", root);
	tmpcfg.policy_dir = pdir;
	tmpcfg.scripts_dir = sdir;
	tmpcfg.orgs = NULL;
	tmpcfg.norgs = 0;
	policy_paths(&tmpcfg, org, site, NULL, &pp);
	if ((p = luahost_load(&pp.src, err, errlen)) != NULL &&
	    strcmp(luahost_version(p), version) != 0) {
		snprintf(err, errlen, "the archived files of %.12s load as "
		    "version %.12s", version, luahost_version(p));
		luahost_free(p);
		p = NULL;
	}
out:
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(pdir);
	free(sdir);
	json_decref(files);
	return p;
}
