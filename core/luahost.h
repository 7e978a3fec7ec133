/*
 * luahost: runs an organization's rules, written in Lua 5.4, in a sandbox.
 *
 * A policy set is the Lua of one organization (or one of its sites): the
 * modules found in policies/<org>/sites/<site>/, then policies/<org>/, then
 * policies/default/, with the shared library in scripts/. It lives in one
 * lua_State per worker. The sandbox allows the safe base functions and the
 * string (without dump), table, math and utf8 libraries; no io, os, debug,
 * package, dofile or loadfile, and load reads text only. require() loads
 * only from the set's directories and scripts/. Everything shared (the
 * libraries, required modules, the globals) is read-only. Every call runs
 * under an instruction budget and a memory cap; a script that overruns,
 * fails or answers something that is not plain data gives an error naming
 * the file and line, and the state lives on.
 *
 * Modules: policy.lua returns a table of functions (requirements,
 * interview_triggers, adjudicate, on_event); a set's policy.lua tables are
 * merged by function name, site over organization over default, so a file
 * may override one function. workflow.lua and settings.lua are taken from
 * the first directory that has them (settings merged key by key).
 *
 * The version of a set is the SHA-256 over the names and contents of its
 * files, hex.
 */
#ifndef VETD_LUAHOST_H
#define VETD_LUAHOST_H

#include <stddef.h>

#include <jansson.h>

struct policy;

/* Where a set's files are and what it may use. */
struct policy_source {
	const char	*scripts_dir;
	const char	*dirs[3];	/* most specific first; NULL-terminated */
	const char	*labels[3];	/* names used in messages: "acme/" */
	long long	 budget;	/* instructions per call */
	long long	 memory;	/* bytes */
};

/* Load and check a set. Returns NULL with err (file:line: message). */
struct policy	*luahost_load(const struct policy_source *, char *err,
		    size_t errlen);
void		 luahost_free(struct policy *);

const char	*luahost_version(const struct policy *);
/* {"default/policy.lua": "...", ...}: the set's files, for the archive. */
json_t		*luahost_files(const struct policy *);

/*
 * Compute the version the files of src have now, without loading them.
 * 0, or -1 with err.
 */
int		 luahost_source_version(const struct policy_source *,
		    char out[65], char *err, size_t errlen);

/*
 * Call policy function fn with args (borrowed). On success *out is a new
 * JSON value (caller decrefs). Returns 0; 1 when the set has no such
 * function; -1 on an error, with err naming the file and line.
 */
int		 luahost_call(struct policy *, const char *fn, json_t **args,
		    size_t nargs, json_t **out, char *err, size_t errlen);

/*
 * Call the workflow's guard `name` (workflow.guards[name]; "incidents:G"
 * is guard G of the incident workflow) with args. It answers true, or
 * false and a reason. Returns 0 with *ok and reason set,
 * or -1 with err (no such guard, or the guard failed).
 */
int		 luahost_guard(struct policy *, const char *name, json_t **args,
		    size_t nargs, int *ok, char *reason, size_t reasonlen,
		    char *err, size_t errlen);

/* The "workflow", "incidents" (the incident workflow) or "settings" table,
 * or the "guidelines" catalog (scripts/guidelines.lua), as JSON (new
 * reference), or NULL. Code in it is left out; a workflow's guards are
 * listed by name. */
json_t		*luahost_table(struct policy *, const char *name);

#endif
