/*
 * config_org: parsing the organizations section of the configuration (a
 * part of config.c's loader, in a file of its own).
 */
#ifndef VETD_CONFIG_ORG_H
#define VETD_CONFIG_ORG_H

#include <stddef.h>

#include <lua.h>

#include "config.h"

/*
 * Walk organizations = { <slug> = { ... }, ... } (the table at the top of
 * L) into c->orgs. prefix is the key path ("organizations"). 0, or -1 with
 * err naming the key.
 */
int	config_org_parse(lua_State *, struct config *c, const char *prefix,
	    char *err, size_t errlen);

/* out = prefix "." key (key alone when prefix is empty), cut to fit. */
void	config_keypath(char *out, size_t outlen, const char *prefix,
	    const char *key);

#endif
