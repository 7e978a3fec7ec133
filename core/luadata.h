/*
 * luadata: data crossing between C and the Lua sandbox, as JSON only, and
 * read-only tables.
 *
 * JSON goes in as plain tables (null as the sentinel `null`); answers come
 * out as JSON when they are data: nil (null at the top), booleans, finite
 * numbers, UTF-8 strings, sequences (arrays) and tables with string keys
 * (objects), nested at most 32 deep. Anything else is refused with a reason.
 *
 * A frozen table is an empty proxy whose metatable reads through to the
 * real table and refuses writes (__newindex), with __len and __pairs so
 * that # and pairs() work; its metatable is protected. Nested tables are
 * frozen too, each once (a weak table maps real to proxy).
 */
#ifndef VETD_LUADATA_H
#define VETD_LUADATA_H

#include <stddef.h>

#include <jansson.h>
#include <lua.h>

/* Push j as Lua values; may raise a Lua error (run it protected). */
void	luadata_push_json(lua_State *, json_t *j);
/* The value at idx as JSON (new reference), or NULL with why. skip_fns
 * leaves out object members that are functions. */
json_t	*luadata_to_json(lua_State *, int idx, int skip_fns, char *why,
	    size_t whylen);
/* Replace the table at the top of the stack with its read-only proxy.
 * frozen_ref: registry ref of the weak-keyed real -> proxy table. */
void	luadata_freeze(lua_State *, int frozen_ref);
/* Push the real table behind the proxy at idx, or the value itself. */
void	luadata_push_real(lua_State *, int idx);
void	luadata_push_null(lua_State *);
int	luadata_is_null(lua_State *, int idx);

#endif
