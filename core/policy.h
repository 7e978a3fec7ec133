/*
 * policy: organizations' rules as vetd uses them, on top of luahost.
 *
 * - Where a set's files are: policies/<org>/sites/<site>/, policies/<org>/
 *   (or the organization's configured policies directory), policies/default/.
 * - The registry: each worker keeps the active set of each organization and
 *   site, checks its files at most every policies.check_interval seconds
 *   (and at once after SIGHUP), and puts a new version live only once it
 *   loads, exports the functions vetd calls, and passes its own fixtures.
 *   A version that fails stays out; the last good one serves, and the error
 *   is logged and recorded for `vetctl policy status`. Every version that
 *   goes live is archived in the database with its files.
 * - Answers are checked: a function that returns something of the wrong
 *   shape is an error, never a half-read answer.
 * - The decision ceiling: an automated recommendation may reach only the
 *   outcomes the organization allows automation (default: grant), and never
 *   deny; anything else becomes refer. C enforces it whatever the policy says.
 * - Fixtures: JSON cases with expected answers, run by `vetctl policy test`
 *   and before a version goes live.
 */
#ifndef VETD_POLICY_H
#define VETD_POLICY_H

#include <limits.h>
#include <stdio.h>

#include <jansson.h>

#include "config.h"
#include "luahost.h"
#include "store.h"

/* The directories of one set, and the source luahost loads it from. */
struct policy_paths {
	char			orgname[64];	/* "" for the default set */
	char			sitename[64];	/* "" for none */
	char			site[PATH_MAX];
	char			org[PATH_MAX];
	char			def[PATH_MAX];
	char			site_label[200];
	char			org_label[80];
	struct policy_source	src;
};

/* Fill pp for org (NULL: the default set alone) and site (NULL: none).
 * draft, when not NULL, replaces the organization's directory. */
void	policy_paths(const struct config *, const char *org, const char *site,
	    const char *draft, struct policy_paths *pp);
/* The fixtures of a set: the tests/ of its most specific directory that
 * has one, or NULL. */
const char *policy_tests_dir(const struct policy_paths *, char *buf,
	    size_t len);

struct policy_registry;
struct policy_registry *policy_registry_new(const struct config *);
void	policy_registry_free(struct policy_registry *);
/* Look at the files again at the next policy_get (SIGHUP). */
void	policy_registry_invalidate(struct policy_registry *);

/*
 * The active set of org (and site), loaded or reloaded as described above.
 * Returns NULL with err when there is no good version. The set belongs to
 * the registry and stays valid until the next policy_get for the same
 * organization and site.
 */
struct policy *policy_get(struct policy_registry *, struct store *,
	    const char *org, const char *site, long long now, char *err,
	    size_t errlen);

/* Load a set and check it (functions, workflow, its fixtures). */
struct policy *policy_load_checked(const struct policy_paths *, char *err,
	    size_t errlen);

/* Record a version and its files in the archive (once). 0 or -1. */
int	policy_archive(struct store *, struct policy *);

/*
 * Call fn of the set with its answer's shape checked. fn is one of
 * "requirements", "interview_triggers", "on_event" (args as the Lua
 * contract says). 0 with *out, or -1 with err.
 */
int	policy_call(struct policy *, const char *fn, json_t **args,
	    size_t nargs, json_t **out, char *err, size_t errlen);

/*
 * adjudicate(case, worksheet, ctx), its answer checked and, when automated,
 * held to the ceiling: outcomes outside `automation` (a bit set of enum
 * outcome; deny is never allowed) become refer, with a reason saying so and
 * the policy's own answer kept as "policy_recommendation". 0 or -1.
 */
int	policy_adjudicate(struct policy *, json_t *kase, json_t *worksheet,
	    json_t *ctx, unsigned automation, int automated, json_t **out,
	    char *err, size_t errlen);

/* A context object for calls: today, org, site, settings of the set. */
json_t	*policy_ctx(struct policy *, const char *org, const char *site,
	    const char *today, int automated);

/*
 * Run the fixtures (*.json) in dir against p. Each line of the report
 * ("PASS name" / "FAIL name: why") goes to out when not NULL. Returns 0
 * when every fixture passed and there was at least one.
 */
int	policy_run_fixtures(struct policy *, const char *dir, const char *org,
	    const char *site, FILE *out, int *npass, int *nfail);

/*
 * Store a recommendation: its input ({case, worksheet, ctx}), its answer,
 * the version that made it. Inside the caller's transaction; the version
 * must be archived. Returns the new id, or -1.
 */
long long policy_record(struct store *, long long org_id, long long case_id,
	    const char *site, struct policy *, json_t *input, json_t *result,
	    int automated, const char *actor);

/*
 * Load the archived version `version` (files from the database, written to
 * a temporary directory that is removed again). NULL with err.
 */
struct policy *policy_load_archived(struct store *, const struct config *,
	    const char *version, const char *org, const char *site, char *err,
	    size_t errlen);

#endif
