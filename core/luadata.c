/*
 * luadata: what crosses between C and the Lua sandbox, and read-only
 * tables. See luadata.h.
 */
#include "autoconf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "luadata.h"

#define MAX_DEPTH	32	/* nesting of data crossing the boundary */
#define FROZEN_KEY	"__vetd_frozen"

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

/* The iterator pairs() gives for a proxy: next() over the real table,
 * which it keeps as an upvalue, so the real table never reaches Lua. */
static int
ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)) == 0) {
		lua_pushnil(L);
		return 1;
	}
	return 2;
}

static int
ro_pairs(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, FROZEN_KEY);
	lua_pushcclosure(L, ro_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/*
 * Replace the table at the top of the stack with a read-only proxy of it;
 * nested tables are frozen too. The proxy of a table is made once.
 */
static void
freeze(lua_State *L, int frozen_ref, int depth)
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
	lua_rawgeti(L, LUA_REGISTRYINDEX, frozen_ref);
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
			freeze(L, frozen_ref, depth + 1);
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

void
luadata_freeze(lua_State *L, int frozen_ref)
{
	freeze(L, frozen_ref, 0);
}

void
luadata_push_real(lua_State *L, int idx)
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
		luadata_push_null(L);
		break;
	}
}


/*
 * See luadata.h. Only nil (as null at the top), booleans, finite numbers,
 * UTF-8 strings, and tables that are sequences (arrays) or have only
 * string keys (objects) may cross.
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
		if (luadata_is_null(L, idx))
			return json_null();
		break;
	case LUA_TTABLE:
		luaL_checkstack(L, 6, "answer nested too deep");
		luadata_push_real(L, idx);
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
			s = lua_tolstring(L, -2, &len);
			if (strlen(s) != len ||
			    json_object_setn_new(out, s, len, v) == -1) {
				snprintf(why, whylen, "a key that is not UTF-8 text");
				lua_pop(L, 3);
				json_decref(out);
				return NULL;
			}
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


void
luadata_push_json(lua_State *L, json_t *j)
{
	push_json(L, j, 0);
}

json_t *
luadata_to_json(lua_State *L, int idx, int skip_fns, char *why,
    size_t whylen)
{
	return to_json_x(L, idx, 0, skip_fns, why, whylen);
}

/* The address of this byte is JSON null inside Lua. */
static char	null_sentinel;

void
luadata_push_null(lua_State *L)
{
	lua_pushlightuserdata(L, &null_sentinel);
}

int
luadata_is_null(lua_State *L, int idx)
{
	return lua_touserdata(L, idx) == &null_sentinel;
}
