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

#include "luahost.h"
#include "util.h"

#define HOOK_EVERY	1000	/* instructions between budget checks */
#define MAX_FILES	256
#define MAX_FILE_SIZE	(1024 * 1024)
#define MAX_DEPTH	32	/* nesting of data crossing the boundary */
#define FROZEN_KEY	"__vetd_frozen"

struct pfile {
	char	*name;		/* label + relative path: "acme/policy.lua" */
	char	*data;
	size_t	 len;
};

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
	int		 policy_ref;	/* merged policy functions */
	int		 workflow_ref;
	int		 settings_ref;
	int		 env_ref;	/* the read-only _ENV proxy */
	int		 loaded_ref;	/* require()'s cache */
	int		 frozen_ref;	/* real table -> proxy, weak keys */
	/* lookup order for require: labels of the set's directories */
	char		*labels[4];
	size_t		 nlabels;
};

static char	json_null_sentinel;

static struct policy *
policy_of(lua_State *L)
{
	return *(struct policy **)lua_getextraspace(L);
}

/* --- memory and instruction limits ------------------------------------- */

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
	if (nsize > osize && p->mem_used + (nsize - osize) > p->mem_cap)
		return NULL;
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
	if (p->used > p->budget)
		luaL_error(L, "instruction budget exceeded");
}

/* --- files and versions ------------------------------------------------------ */

static int
pfile_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pfile *)a)->name,
	    ((const struct pfile *)b)->name);
}

static int
read_whole(const char *path, char **data, size_t *len, char *err,
    size_t errlen)
{
	FILE		*fp;
	struct stat	 sb;
	char		*d;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &sb) == -1 || sb.st_size > MAX_FILE_SIZE) {
		fclose(fp);
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
		return -1;
	}
	d = xmalloc((size_t)sb.st_size + 1);
	if (fread(d, 1, (size_t)sb.st_size, fp) != (size_t)sb.st_size) {
		fclose(fp);
		free(d);
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	fclose(fp);
	d[sb.st_size] = '\0';
	*data = d;
	*len = (size_t)sb.st_size;
	return 0;
}

struct filelist {
	struct pfile	*v;
	size_t		 n;
};

static void
filelist_free(struct filelist *fl)
{
	size_t	i;

	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].name);
		free(fl->v[i].data);
	}
	free(fl->v);
	fl->v = NULL;
	fl->n = 0;
}

/*
 * Add every *.lua file under dir (into subdirectories up to depth, but
 * never "sites" or "tests") to fl, named label + relative path.
 */
static int
collect(struct filelist *fl, const char *dir, const char *label, int depth,
    char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path, *name;
	size_t		 len;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		name = xasprintf("%s%s", label, e->d_name);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (depth > 0 && strcmp(e->d_name, "sites") != 0 &&
			    strcmp(e->d_name, "tests") != 0) {
				free(name);
				name = xasprintf("%s%s/", label, e->d_name);
				rc = collect(fl, path, name, depth - 1, err,
				    errlen);
			}
		} else if ((len = strlen(e->d_name)) > 4 &&
		    strcmp(e->d_name + len - 4, ".lua") == 0 &&
		    S_ISREG(sb.st_mode)) {
			if (fl->n == MAX_FILES) {
				snprintf(err, errlen, "%s: too many files", dir);
				rc = -1;
			} else {
				fl->v = xrealloc(fl->v, (fl->n + 1) *
				    sizeof(*fl->v));
				if (read_whole(path, &fl->v[fl->n].data,
				    &fl->v[fl->n].len, err, errlen) == -1)
					rc = -1;
				else {
					fl->v[fl->n].name = name;
					name = NULL;
					fl->n++;
				}
			}
		}
		free(name);
		free(path);
	}
	closedir(d);
	return rc;
}

static int
collect_source(const struct policy_source *src, struct filelist *fl,
    char *err, size_t errlen)
{
	size_t	i;

	memset(fl, 0, sizeof(*fl));
	for (i = 0; i < 3 && src->dirs[i] != NULL; i++)
		if (collect(fl, src->dirs[i], src->labels[i], 0, err,
		    errlen) == -1)
			goto fail;
	if (collect(fl, src->scripts_dir, "scripts/", 3, err, errlen) == -1)
		goto fail;
	qsort(fl->v, fl->n, sizeof(*fl->v), pfile_cmp);
	return 0;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "cannot read the policy files");
	filelist_free(fl);
	return -1;
}

static void
version_of(const struct filelist *fl, char out[65])
{
	crypto_hash_sha256_state	h;
	unsigned char			d[32];
	char				num[32];
	size_t				i;
	int				n;

	crypto_hash_sha256_init(&h);
	for (i = 0; i < fl->n; i++) {
		n = snprintf(num, sizeof(num), "%zu", fl->v[i].len);
		crypto_hash_sha256_update(&h, (const unsigned char *)fl->v[i].name,
		    strlen(fl->v[i].name) + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)num,
		    (size_t)n + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)fl->v[i].data,
		    fl->v[i].len);
	}
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

int
luahost_source_version(const struct policy_source *src, char out[65],
    char *err, size_t errlen)
{
	struct filelist	fl;

	err[0] = '\0';
	if (collect_source(src, &fl, err, errlen) == -1)
		return -1;
	version_of(&fl, out);
	filelist_free(&fl);
	return 0;
}

static const struct pfile *
find_file(const struct policy *p, const char *name)
{
	struct pfile	key = { (char *)name, NULL, 0 };

	return bsearch(&key, p->files, p->nfiles, sizeof(*p->files), pfile_cmp);
}

/* --- read-only tables ----------------------------------------------------- */

static int
ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to change a read-only table");
}

static int
ro_len(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, FROZEN_KEY);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

static int
ro_pairs(lua_State *L)
{
	lua_getglobal(L, "next");	/* the real next, from the real _G */
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, FROZEN_KEY);
	lua_remove(L, -2);
	lua_pushnil(L);
	return 3;
}

/*
 * Replace the table at the top of the stack with a read-only proxy of it;
 * nested tables are frozen too. The proxy of a table is made once.
 */
static void
freeze(lua_State *L, struct policy *p, int depth)
{
	int	real;

	if (!lua_istable(L, -1) || depth > MAX_DEPTH)
		return;
	if (lua_getmetatable(L, -1)) {		/* already a proxy? */
		lua_getfield(L, -1, FROZEN_KEY);
		if (!lua_isnil(L, -1)) {
			lua_pop(L, 2);
			return;
		}
		lua_pop(L, 2);
	}
	real = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, p->frozen_ref);
	lua_pushvalue(L, real);
	if (lua_rawget(L, -2) == LUA_TTABLE) {	/* made before */
		lua_replace(L, real);
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	/* freeze the values first */
	lua_pushnil(L);
	while (lua_next(L, real) != 0) {
		if (lua_istable(L, -1)) {
			freeze(L, p, depth + 1);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, real);
		} else
			lua_pop(L, 1);
	}
	lua_newtable(L);			/* proxy */
	lua_createtable(L, 0, 6);		/* its metatable */
	lua_pushvalue(L, real);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, real);
	lua_setfield(L, -2, FROZEN_KEY);
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_len);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	/* remember real -> proxy, then leave the proxy where real was */
	lua_pushvalue(L, real);
	lua_pushvalue(L, -2);
	lua_rawset(L, -4);
	lua_replace(L, real);
	lua_settop(L, real);
}

/* The real table behind a proxy at idx, or idx itself. Pushes it. */
static void
push_real(lua_State *L, int idx)
{
	if (lua_getmetatable(L, idx)) {
		if (lua_getfield(L, -1, FROZEN_KEY) == LUA_TTABLE) {
			lua_remove(L, -2);
			return;
		}
		lua_pop(L, 2);
	}
	lua_pushvalue(L, idx);
}

/* --- JSON <-> Lua --------------------------------------------------------- */

static void
push_json(lua_State *L, json_t *j, int depth)
{
	const char	*k;
	json_t		*v;
	size_t		 i;

	if (depth > MAX_DEPTH)
		luaL_error(L, "input nested too deep");
	luaL_checkstack(L, 4, "input nested too deep");
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		lua_createtable(L, 0, (int)json_object_size(j));
		json_object_foreach(j, k, v) {
			push_json(L, v, depth + 1);
			lua_setfield(L, -2, k);
		}
		break;
	case JSON_ARRAY:
		lua_createtable(L, (int)json_array_size(j), 0);
		json_array_foreach(j, i, v) {
			push_json(L, v, depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(j));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(j));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		lua_pushboolean(L, json_is_true(j));
		break;
	case JSON_NULL:
		lua_pushlightuserdata(L, &json_null_sentinel);
		break;
	}
}

static json_t	*to_json_x(lua_State *, int, int, int, char *, size_t);

/*
 * The value at idx as JSON, or NULL with why set: only nil (as null at the
 * top), booleans, finite numbers, UTF-8 strings, and tables that are
 * sequences (arrays) or have only string keys (objects) may cross.
 */
static json_t *
to_json(lua_State *L, int idx, int depth, char *why, size_t whylen)
{
	return to_json_x(L, idx, depth, 0, why, whylen);
}

/*
 * As to_json; with skip_fns, object members that are functions are left
 * out (for declarations such as the workflow, whose guards are code).
 */
static json_t *
to_json_x(lua_State *L, int idx, int depth, int skip_fns, char *why,
    size_t whylen)
{
	json_t		*out, *v;
	size_t		 n, count = 0, len;
	const char	*s;
	lua_Number	 d;
	int		 t;

	idx = lua_absindex(L, idx);
	if (depth > MAX_DEPTH) {
		snprintf(why, whylen, "nested too deep (or a cycle)");
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return json_null();
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer((json_int_t)lua_tointeger(L, idx));
		d = lua_tonumber(L, idx);
		if (!isfinite(d)) {
			snprintf(why, whylen, "a number that is not finite");
			return NULL;
		}
		return json_real(d);
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if ((v = json_stringn(s, len)) == NULL)
			snprintf(why, whylen, "a string that is not UTF-8 text");
		return v;
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == &json_null_sentinel)
			return json_null();
		break;
	case LUA_TTABLE:
		luaL_checkstack(L, 6, "answer nested too deep");
		push_real(L, idx);
		t = lua_gettop(L);
		n = lua_rawlen(L, t);
		lua_pushnil(L);
		while (lua_next(L, t) != 0) {
			count++;
			lua_pop(L, 1);
		}
		if (count == n) {
			out = json_array();
			for (size_t i = 1; i <= n; i++) {
				lua_rawgeti(L, t, (lua_Integer)i);
				v = to_json_x(L, -1, depth + 1, skip_fns, why,
				    whylen);
				lua_pop(L, 1);
				if (v == NULL) {
					json_decref(out);
					lua_pop(L, 1);
					return NULL;
				}
				json_array_append_new(out, v);
			}
			lua_pop(L, 1);
			return out;
		}
		out = json_object();
		lua_pushnil(L);
		while (lua_next(L, t) != 0) {
			if (lua_type(L, -2) != LUA_TSTRING) {
				snprintf(why, whylen, "a table mixing list items "
				    "and keys that are not names");
				lua_pop(L, 3);
				json_decref(out);
				return NULL;
			}
			if (skip_fns && lua_isfunction(L, -1)) {
				lua_pop(L, 1);
				continue;
			}
			v = to_json_x(L, -1, depth + 1, skip_fns, why, whylen);
			if (v == NULL) {
				lua_pop(L, 3);
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, lua_tostring(L, -2), v);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		return out;
	default:
		break;
	}
	snprintf(why, whylen, "a %s, which is not data", luaL_typename(L, idx));
	return NULL;
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
	const char		*name = luaL_checkstring(L, 1);
	const struct pfile	*f = NULL;
	char			 rel[128], path[300];
	size_t			 i, n = strlen(name);

	if (n == 0 || n > 64 || strspn(name,
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
	    strcmp(rel, "workflow") != 0 && strcmp(rel, "settings") != 0) {
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
	freeze(L, p, 0);
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
	"assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
	"rawget", "rawlen", "select", "tonumber", "tostring", "type", "xpcall",
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
		freeze(L, p, 0);
		lua_setfield(L, env, libs[i].name);
	}
	lua_pushcfunction(L, l_require);
	lua_setfield(L, env, "require");
	lua_pushcfunction(L, l_load);
	lua_setfield(L, env, "load");
	lua_pushlightuserdata(L, &json_null_sentinel);
	lua_setfield(L, env, "null");
	freeze(L, p, 0);
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
 * directories (least specific first, merging). Runs protected.
 */
static int
load_modules(lua_State *L)
{
	struct policy	*p = policy_of(L);
	char		 name[300];
	size_t		 i;
	int		 merged, settings, workflow = 0;

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
			push_real(L, -1);
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
			if (workflow)
				lua_remove(L, workflow);
			workflow = lua_gettop(L);
		} else
			lua_pop(L, 1);
	}
	if (workflow == 0) {
		lua_pushnil(L);
		workflow = lua_gettop(L);
	}
	lua_pushvalue(L, workflow);
	p->workflow_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pushvalue(L, settings);
	freeze(L, p, 0);
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
	lua_settop(L, 0);
	lua_pushcfunction(L, lh_msgh);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	rc = lua_pcall(L, 1, 0, 1);
	if (rc != LUA_OK) {
		if (rc == LUA_ERRMEM)
			snprintf(err, errlen, "%s%smemory cap exceeded", p->where,
			    p->where[0] ? ": " : "");
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
	struct filelist	 fl;
	size_t		 i;

	err[0] = '\0';
	if (collect_source(src, &fl, err, errlen) == -1)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->files = fl.v;
	p->nfiles = fl.n;
	version_of(&fl, p->version);
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
	if (lua_getinfo(L, ">S", &ar))
		snprintf(c->defined, sizeof(c->defined), "%s:%d", ar.short_src,
		    ar.linedefined);
	for (i = 0; i < c->nargs; i++)
		push_json(L, c->args[i], 0);
	lua_call(L, (int)c->nargs, 1);
	if ((c->out = to_json(L, -1, 0, c->why, sizeof(c->why))) == NULL)
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
	if ((t->out = to_json_x(L, -1, 0, 1, t->why, sizeof(t->why))) == NULL)
		return luaL_error(L, "%s", t->why);
	push_real(L, -1);
	tbl = lua_gettop(L);
	if (lua_getfield(L, tbl, "guards") == LUA_TTABLE &&
	    json_is_object(t->out)) {
		names = json_array();
		push_real(L, -1);
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

	lua_rawgeti(L, LUA_REGISTRYINDEX, p->workflow_ref);
	if (!lua_istable(L, -1) || lua_getfield(L, -1, "guards") != LUA_TTABLE ||
	    lua_getfield(L, -1, g->name) != LUA_TFUNCTION) {
		g->missing = 1;
		return 0;
	}
	for (i = 0; i < g->nargs; i++)
		push_json(L, g->args[i], 0);
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

json_t *
luahost_table(struct policy *p, const char *name)
{
	struct tablereq	t = { 0, NULL, "" };
	char		err[256];

	if (strcmp(name, "workflow") == 0)
		t.ref = p->workflow_ref;
	else if (strcmp(name, "settings") == 0)
		t.ref = p->settings_ref;
	else
		return NULL;
	if (protected(p, lh_table, &t, err, sizeof(err)) == -1)
		return NULL;
	return t.out;
}
