/*
 * luahost: the Lua sandbox. See luahost.h for what a policy set is and what
 * a script may do.
 *
 * Layout of one state: the real globals hold the opened libraries and are
 * never seen by scripts. Scripts run with _ENV set to a read-only proxy of
 * a sandbox table that holds only the allowed functions and read-only
 * proxies of the libraries. Every file the set may run is read once, when
 * the set is loaded, and hashed into its version; require() serves from
 * those copies, so what runs is exactly what the version names.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <sodium.h>

#include "luadata.h"
#include "luafiles.h"
#include "luahost.h"
#include "util.h"

#define HOOK_EVERY	1000	/* instructions between budget checks */

struct policy {
	lua_State	*L;
	char		 version[65];
	struct pfile	*files;
	size_t		 nfiles;
	size_t		 mem_used;
	size_t		 mem_cap;
	long long	 budget;
	long long	 used;
	char		 where[256];	/* last source:line the hook saw */
	char		 fallback[256];	/* where the running call is written */
	int		 policy_ref;	/* merged policy functions */
	int		 workflow_ref;
	int		 incidents_ref;	/* the incident workflow */
	int		 settings_ref;
	int		 env_ref;	/* the read-only _ENV proxy */
	int		 loaded_ref;	/* require()'s cache */
	int		 frozen_ref;	/* real table -> proxy, weak keys */
	/* lookup order for require: labels of the set's directories */
	char		*labels[4];
	size_t		 nlabels;
};


static struct policy *
policy_of(lua_State *L)
{
	return *(struct policy **)lua_getextraspace(L);
}

/* --- memory and instruction limits ------------------------------------- */

/*
 * Remember the Lua line running now, for an error that will get no message
 * handler (a refused allocation). Only reads the call stack: lua_getstack
 * and lua_getinfo with "Sl" allocate nothing.
 */
static void
note_where(struct policy *p)
{
	lua_Debug	ar;
	int		level;

	if (p->L == NULL)
		return;
	for (level = 0; level < 8 && lua_getstack(p->L, level, &ar); level++) {
		if (lua_getinfo(p->L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(p->where, sizeof(p->where), "%s:%d",
			    ar.short_src, ar.currentline);
			return;
		}
	}
}

static void *
lh_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct policy	*p = ud;
	void		*n;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		p->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && p->mem_used + (nsize - osize) > p->mem_cap) {
		note_where(p);
		return NULL;
	}
	if ((n = realloc(ptr, nsize)) != NULL)
		p->mem_used = p->mem_used - osize + nsize;
	return n;
}

static void
lh_hook(lua_State *L, lua_Debug *ar)
{
	struct policy	*p = policy_of(L);

	p->used += HOOK_EVERY;
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		snprintf(p->where, sizeof(p->where), "%s:%d", ar->short_src,
		    ar->currentline);
	if (p->used > p->budget) {
		/* The line running now, not its caller's (luaL_error's). */
		lua_pushfstring(L, "%s: instruction budget exceeded", p->where);
		lua_error(L);
	}
}

/*
 * pcall and xpcall for the sandbox: as Lua's, but a spent instruction
 * budget is raised again past them, so no script can catch its way out of
 * the limit. (No continuations: policies do not yield.)
 */
static int
respent(lua_State *L)
{
	struct policy	*p = policy_of(L);

	lua_pushfstring(L, "%s: instruction budget exceeded", p->where);
	return lua_error(L);
}

static int
l_pcall(lua_State *L)
{
	struct policy	*p = policy_of(L);
	int		 status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (p->used > p->budget)
		return respent(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_insert(L, 1);
	return lua_gettop(L);
}

static int
l_xpcall(lua_State *L)
{
	struct policy	*p = policy_of(L);
	int		 status, n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);		/* f */
	lua_copy(L, 2, 1);		/* msgh to 1 */
	lua_replace(L, 2);		/* f to 2 */
	status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
	if (p->used > p->budget)
		return respent(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_replace(L, 1);		/* over msgh */
	return lua_gettop(L);
}

int
luahost_source_version(const struct policy_source *src, char out[65],
    char *err, size_t errlen)
{
	struct luafiles	fl;

	err[0] = '\0';
	if (luafiles_collect(src, &fl, err, errlen) == -1)
		return -1;
	luafiles_version(&fl, out);
	luafiles_free(&fl);
	return 0;
}

static const struct pfile *
find_file(const struct policy *p, const char *name)
{
	struct pfile	key = { (char *)name, NULL, 0 };

	return bsearch(&key, p->files, p->nfiles, sizeof(*p->files), luafiles_cmp);
}

/* --- the sandbox --------------------------------------------------------- */

/* Prefix msg with the innermost Lua position when it has none. */
static int
lh_msgh(lua_State *L)
{
	struct policy	*p = policy_of(L);
	const char	*msg = lua_tostring(L, 1);
	lua_Debug	 ar;
	int		 level;

	if (msg == NULL)
		msg = "error object is not a string";
	if (strstr(msg, ".lua:") != NULL) {
		lua_pushstring(L, msg);
		return 1;
	}
	for (level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			lua_pushfstring(L, "%s:%d: %s", ar.short_src,
			    ar.currentline, msg);
			return 1;
		}
	}
	if (p->where[0] != '\0')
		lua_pushfstring(L, "%s: %s", p->where, msg);
	else
		lua_pushstring(L, msg);
	return 1;
}

/* Load the text chunk data as name with the sandbox _ENV. Leaves the
 * function (or an error message) on the stack; returns the Lua status. */
static int
load_chunk(lua_State *L, struct policy *p, const char *data, size_t len,
    const char *name)
{
	char	chunk[300];
	int	rc;

	snprintf(chunk, sizeof(chunk), "@%s", name);
	rc = luaL_loadbufferx(L, data, len, chunk, "t");
	if (rc != LUA_OK)
		return rc;
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->env_ref);
	if (lua_setupvalue(L, -2, 1) == NULL)
		lua_pop(L, 1);
	return LUA_OK;
}

/* require(name): a module of the set's directories or scripts/, read-only. */
static int
l_require(lua_State *L)
{
	struct policy		*p = policy_of(L);
	size_t			 n;
	const char		*name = luaL_checklstring(L, 1, &n);
	const struct pfile	*f = NULL;
	char			 rel[128], path[300];
	size_t			 i;

	if (n == 0 || n > 64 || strlen(name) != n || strspn(name,
	    "abcdefghijklmnopqrstuvwxyz0123456789_.") != n ||
	    name[0] == '.' || name[n - 1] == '.' || strstr(name, "..") != NULL)
		return luaL_error(L, "module name '%s' is not allowed", name);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->loaded_ref);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	for (i = 0; i < n; i++)
		rel[i] = name[i] == '.' ? '/' : name[i];
	rel[n] = '\0';
	/*
	 * The shared library first, so that no set can shadow it (the
	 * guideline catalog stays the one in scripts/); then the set's own
	 * modules, most specific first. A set's policy, workflow and settings
	 * files are what the set is, not modules to require.
	 */
	snprintf(path, sizeof(path), "scripts/%s.lua", rel);
	f = find_file(p, path);
	if (f == NULL && strcmp(rel, "policy") != 0 &&
	    strcmp(rel, "workflow") != 0 && strcmp(rel, "settings") != 0 &&
	    strcmp(rel, "incidents") != 0) {
		for (i = 0; i < p->nlabels && f == NULL; i++) {
			snprintf(path, sizeof(path), "%s%s.lua", p->labels[i],
			    rel);
			f = find_file(p, path);
		}
	}
	if (f == NULL)
		return luaL_error(L, "module '%s' not found in the policy "
		    "directories or scripts/", name);
	if (load_chunk(L, p, f->data, f->len, f->name) != LUA_OK)
		return lua_error(L);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	luadata_freeze(L, p->frozen_ref);
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

/* load(text [, name [, mode [, env]]]): text chunks only. */
static int
l_load(lua_State *L)
{
	struct policy	*p = policy_of(L);
	size_t		 len;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*name = luaL_optstring(L, 2, "=(load)");
	const char	*mode = luaL_optstring(L, 3, "t");

	if (strcmp(mode, "t") != 0)
		return luaL_error(L, "load: only text chunks may be loaded");
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnoneornil(L, 4))
		lua_pushvalue(L, 4);
	else
		lua_rawgeti(L, LUA_REGISTRYINDEX, p->env_ref);
	if (lua_setupvalue(L, -2, 1) == NULL)
		lua_pop(L, 1);
	return 1;
}

static const char *const base_allowed[] = {
	"assert", "error", "ipairs", "next", "pairs", "rawequal",
	"rawget", "rawlen", "select", "tonumber", "tostring", "type",
	"setmetatable", "getmetatable", "_VERSION", NULL
};

/* Build the state's libraries and the sandbox. Runs protected. */
static int
build_sandbox(lua_State *L)
{
	struct policy		*p = policy_of(L);
	const char *const	*b;
	static const struct { const char *name; lua_CFunction fn; } libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
	};
	size_t			 i;
	int			 env;

	for (i = 0; i < nitems(libs); i++) {
		luaL_requiref(L, libs[i].name, libs[i].fn, 1);
		lua_pop(L, 1);
	}
	/* string.dump is reachable through every string's metatable, so it
	 * goes from the real table. */
	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_newtable(L);
	p->frozen_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->frozen_ref);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
	lua_newtable(L);
	p->loaded_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	lua_newtable(L);
	env = lua_gettop(L);
	for (b = base_allowed; *b != NULL; b++) {
		lua_getglobal(L, *b);
		lua_setfield(L, env, *b);
	}
	for (i = 1; i < nitems(libs); i++) {
		lua_getglobal(L, libs[i].name);
		luadata_freeze(L, p->frozen_ref);
		lua_setfield(L, env, libs[i].name);
	}
	lua_pushcfunction(L, l_pcall);
	lua_setfield(L, env, "pcall");
	lua_pushcfunction(L, l_xpcall);
	lua_setfield(L, env, "xpcall");
	lua_pushcfunction(L, l_require);
	lua_setfield(L, env, "require");
	lua_pushcfunction(L, l_load);
	lua_setfield(L, env, "load");
	luadata_push_null(L);
	lua_setfield(L, env, "null");
	luadata_freeze(L, p->frozen_ref);
	p->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Run the module file name (if the set has it); leaves its value or nil. */
static int
run_module(lua_State *L, struct policy *p, const char *name)
{
	const struct pfile	*f = find_file(p, name);

	if (f == NULL) {
		lua_pushnil(L);
		return 0;
	}
	if (load_chunk(L, p, f->data, f->len, f->name) != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s: must return a table", name);
	return 0;
}

/*
 * Load policy.lua, workflow.lua and settings.lua from the set's
 * directories (least specific first, merging), and incidents.lua, the
 * incident workflow: the most specific set's, else scripts/incidents.lua.
 * Runs protected.
 */
static int
load_modules(lua_State *L)
{
	struct policy	*p = policy_of(L);
	char		 name[300];
	size_t		 i;
	int		 merged, settings, workflow = 0, incidents = 0;

	lua_newtable(L);
	merged = lua_gettop(L);
	lua_newtable(L);
	settings = lua_gettop(L);
	for (i = p->nlabels; i-- > 0;) {
		snprintf(name, sizeof(name), "%spolicy.lua", p->labels[i]);
		run_module(L, p, name);
		if (lua_istable(L, -1)) {
			lua_pushnil(L);
			while (lua_next(L, -2) != 0) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, merged);
			}
		}
		lua_pop(L, 1);
		snprintf(name, sizeof(name), "%ssettings.lua", p->labels[i]);
		run_module(L, p, name);
		if (lua_istable(L, -1)) {
			luadata_push_real(L, -1);
			lua_pushnil(L);
			while (lua_next(L, -2) != 0) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, settings);
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		snprintf(name, sizeof(name), "%sworkflow.lua", p->labels[i]);
		run_module(L, p, name);
		if (lua_istable(L, -1)) {
			if (workflow) {
				lua_remove(L, workflow);
				if (incidents > workflow)
					incidents--;	/* shifted down */
			}
			workflow = lua_gettop(L);
		} else
			lua_pop(L, 1);
		snprintf(name, sizeof(name), "%sincidents.lua", p->labels[i]);
		run_module(L, p, name);
		if (lua_istable(L, -1)) {
			if (incidents) {
				lua_remove(L, incidents);
				if (workflow > incidents)
					workflow--;	/* shifted down */
			}
			incidents = lua_gettop(L);
		} else
			lua_pop(L, 1);
	}
	if (incidents == 0) {
		run_module(L, p, "scripts/incidents.lua");
		incidents = lua_gettop(L);
	}
	lua_pushvalue(L, incidents);
	p->incidents_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	if (workflow == 0) {
		lua_pushnil(L);
		workflow = lua_gettop(L);
	}
	lua_pushvalue(L, workflow);
	p->workflow_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, settings);
	luadata_freeze(L, p->frozen_ref);
	p->settings_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, merged);
	p->policy_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* pcall fn with the budget reset and the message handler. */
static int
protected(struct policy *p, lua_CFunction fn, void *ud, char *err,
    size_t errlen)
{
	lua_State	*L = p->L;
	int		 rc;

	p->used = 0;
	p->where[0] = '\0';
	p->fallback[0] = '\0';
	lua_settop(L, 0);
	lua_pushcfunction(L, lh_msgh);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	rc = lua_pcall(L, 1, 0, 1);
	if (rc != LUA_OK) {
		if (rc == LUA_ERRMEM)
			snprintf(err, errlen, "%s%smemory cap exceeded",
			    p->where[0] ? p->where : p->fallback,
			    p->where[0] || p->fallback[0] ? ": " : "");
		else
			snprintf(err, errlen, "%s", lua_tostring(L, -1) ?
			    lua_tostring(L, -1) : "error");
		lua_settop(L, 0);
		lua_gc(L, LUA_GCCOLLECT);
		return -1;
	}
	lua_settop(L, 0);
	return 0;
}

static int
lh_setup(lua_State *L)
{
	build_sandbox(L);
	return load_modules(L);
}

struct policy *
luahost_load(const struct policy_source *src, char *err, size_t errlen)
{
	struct policy	*p;
	struct luafiles	 fl;
	size_t		 i;

	err[0] = '\0';
	if (luafiles_collect(src, &fl, err, errlen) == -1)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->files = fl.v;
	p->nfiles = fl.n;
	luafiles_version(&fl, p->version);
	p->mem_cap = (size_t)src->memory;
	p->budget = src->budget;
	for (i = 0; i < 3 && src->dirs[i] != NULL; i++)
		p->labels[p->nlabels++] = xstrdup(src->labels[i]);
	if ((p->L = lua_newstate(lh_alloc, p)) == NULL) {
		snprintf(err, errlen, "cannot create a Lua state");
		luahost_free(p);
		return NULL;
	}
	*(struct policy **)lua_getextraspace(p->L) = p;
	lua_sethook(p->L, lh_hook, LUA_MASKCOUNT, HOOK_EVERY);
	if (protected(p, lh_setup, NULL, err, errlen) == -1) {
		luahost_free(p);
		return NULL;
	}
	return p;
}

void
luahost_free(struct policy *p)
{
	size_t	i;

	if (p == NULL)
		return;
	if (p->L != NULL)
		lua_close(p->L);
	for (i = 0; i < p->nfiles; i++) {
		free(p->files[i].name);
		free(p->files[i].data);
	}
	free(p->files);
	for (i = 0; i < p->nlabels; i++)
		free(p->labels[i]);
	free(p);
}

const char *
luahost_version(const struct policy *p)
{
	return p->version;
}

json_t *
luahost_files(const struct policy *p)
{
	json_t	*o = json_object();
	size_t	 i;

	for (i = 0; i < p->nfiles; i++)
		json_object_set_new(o, p->files[i].name,
		    json_stringn(p->files[i].data, p->files[i].len));
	return o;
}

/* --- calls ---------------------------------------------------------------- */

struct call {
	const char	 *fn;
	json_t		**args;
	size_t		  nargs;
	json_t		 *out;
	int		  missing;
	char		  why[160];
	char		  defined[200];	/* where fn is written */
};

static int
lh_call(lua_State *L)
{
	struct policy	*p = policy_of(L);
	struct call	*c = lua_touserdata(L, 1);
	lua_Debug	 ar;
	size_t		 i;

	lua_rawgeti(L, LUA_REGISTRYINDEX, p->policy_ref);
	if (lua_getfield(L, -1, c->fn) != LUA_TFUNCTION) {
		c->missing = 1;
		return 0;
	}
	lua_pushvalue(L, -1);
	if (lua_getinfo(L, ">S", &ar)) {
		snprintf(c->defined, sizeof(c->defined), "%s:%d", ar.short_src,
		    ar.linedefined);
		snprintf(p->fallback, sizeof(p->fallback), "%s (in %s)",
		    c->defined, c->fn);
	}
	for (i = 0; i < c->nargs; i++)
		luadata_push_json(L, c->args[i]);
	lua_call(L, (int)c->nargs, 1);
	if ((c->out = luadata_to_json(L, -1, 0, c->why, sizeof(c->why))) == NULL)
		return luaL_error(L, "%s: %s returned a malformed answer: %s",
		    c->defined, c->fn, c->why);
	return 0;
}

int
luahost_call(struct policy *p, const char *fn, json_t **args, size_t nargs,
    json_t **out, char *err, size_t errlen)
{
	struct call	c;

	memset(&c, 0, sizeof(c));
	c.fn = fn;
	c.args = args;
	c.nargs = nargs;
	*out = NULL;
	if (protected(p, lh_call, &c, err, errlen) == -1) {
		json_decref(c.out);
		return -1;
	}
	if (c.missing) {
		snprintf(err, errlen, "the policy has no function %s", fn);
		return 1;
	}
	*out = c.out;
	return 0;
}

struct tablereq {
	int	 ref;
	json_t	*out;
	char	 why[160];
};

/* The table as JSON; a "guards" member becomes the sorted list of its
 * names (the guards themselves are code). */
static int
lh_table(lua_State *L)
{
	struct tablereq	*t = lua_touserdata(L, 1);
	json_t		*names;
	int		 tbl;

	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ref);
	if (lua_isnil(L, -1))
		return 0;
	if ((t->out = luadata_to_json(L, -1, 1, t->why, sizeof(t->why))) == NULL)
		return luaL_error(L, "%s", t->why);
	luadata_push_real(L, -1);
	tbl = lua_gettop(L);
	if (lua_getfield(L, tbl, "guards") == LUA_TTABLE &&
	    json_is_object(t->out)) {
		names = json_array();
		luadata_push_real(L, -1);
		lua_pushnil(L);
		while (lua_next(L, -2) != 0) {
			if (lua_type(L, -2) == LUA_TSTRING)
				json_array_append_new(names,
				    json_string(lua_tostring(L, -2)));
			lua_pop(L, 1);
		}
		json_object_set_new(t->out, "guards", names);
	}
	return 0;
}

struct guardcall {
	const char	 *name;
	int		  incidents;	/* the incident workflow's guard */
	json_t		**args;
	size_t		  nargs;
	int		  missing;
	int		  ok;
	char		  reason[300];
};

static int
lh_guard(lua_State *L)
{
	struct policy		*p = policy_of(L);
	struct guardcall	*g = lua_touserdata(L, 1);
	size_t			 i;

	lua_rawgeti(L, LUA_REGISTRYINDEX, g->incidents ? p->incidents_ref :
	    p->workflow_ref);
	if (!lua_istable(L, -1) || lua_getfield(L, -1, "guards") != LUA_TTABLE ||
	    lua_getfield(L, -1, g->name) != LUA_TFUNCTION) {
		g->missing = 1;
		return 0;
	}
	for (i = 0; i < g->nargs; i++)
		luadata_push_json(L, g->args[i]);
	lua_call(L, (int)g->nargs, 2);
	g->ok = lua_toboolean(L, -2);
	if (!g->ok && lua_type(L, -1) == LUA_TSTRING)
		snprintf(g->reason, sizeof(g->reason), "%s", lua_tostring(L, -1));
	else if (!g->ok)
		snprintf(g->reason, sizeof(g->reason), "guard %s refused",
		    g->name);
	return 0;
}

int
luahost_guard(struct policy *p, const char *name, json_t **args,
    size_t nargs, int *ok, char *reason, size_t reasonlen, char *err,
    size_t errlen)
{
	struct guardcall	g;

	memset(&g, 0, sizeof(g));
	/* "incidents:NAME" is a guard of the incident workflow */
	if (strncmp(name, "incidents:", 10) == 0) {
		g.incidents = 1;
		name += 10;
	}
	g.name = name;
	g.args = args;
	g.nargs = nargs;
	if (protected(p, lh_guard, &g, err, errlen) == -1)
		return -1;
	if (g.missing) {
		snprintf(err, errlen, "the workflow has no guard %s", name);
		return -1;
	}
	*ok = g.ok;
	snprintf(reason, reasonlen, "%s", g.reason);
	return 0;
}

/* The guideline catalog: what require("guidelines") answers, as JSON
 * (its functions left out). */
static int
lh_guidelines(lua_State *L)
{
	struct tablereq	*t = lua_touserdata(L, 1);

	lua_pushcfunction(L, l_require);
	lua_pushliteral(L, "guidelines");
	lua_call(L, 1, 1);
	if ((t->out = luadata_to_json(L, -1, 1, t->why, sizeof(t->why))) == NULL)
		return luaL_error(L, "%s", t->why);
	return 0;
}

json_t *
luahost_table(struct policy *p, const char *name)
{
	struct tablereq	t = { 0, NULL, "" };
	char		err[256];

	if (strcmp(name, "guidelines") == 0)
		return protected(p, lh_guidelines, &t, err, sizeof(err)) == -1 ?
		    NULL : t.out;
	if (strcmp(name, "workflow") == 0)
		t.ref = p->workflow_ref;
	else if (strcmp(name, "incidents") == 0)
		t.ref = p->incidents_ref;
	else if (strcmp(name, "settings") == 0)
		t.ref = p->settings_ref;
	else
		return NULL;
	if (protected(p, lh_table, &t, err, sizeof(err)) == -1)
		return NULL;
	return t.out;
}
