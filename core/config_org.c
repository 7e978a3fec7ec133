/*
 * config_org: the organizations section of the configuration: for each
 * organization (by its slug), how its directory users are recognised (an
 * OU or a group), the group of each role, the roles that see all cases,
 * what automation may decide, and where its policy lives. See config.h for
 * the resulting struct config_org and conf/vetd.conf for the keys.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "config.h"
#include "config_org.h"
#include "util.h"

/* A string at the top of L, 1..max bytes without NUL, or an error. */
static int
cfg_str(lua_State *L, const char *kp, size_t max, char **out, char *err,
    size_t errlen)
{
	const char	*s;
	size_t		 len;

	if (lua_type(L, -1) != LUA_TSTRING) {
		snprintf(err, errlen, "%s: must be a string", kp);
		return -1;
	}
	s = lua_tolstring(L, -1, &len);
	if (len == 0 || len > max || strlen(s) != len) {
		snprintf(err, errlen, "%s: must be 1 to %zu bytes, no NUL", kp,
		    max);
		return -1;
	}
	free(*out);
	*out = xstrdup(s);
	return 0;
}

/*
 * A table from role names to strings of at most max bytes, into dst:
 * organizations.<slug>.roles = { cso = "cn=...", ... } and .ceilings =
 * { screening = "Secret", ... }.
 */
static int
cfg_org_role_map(lua_State *L, char *dst[ROLE_COUNT], size_t max,
    const char *prefix, char *err, size_t errlen)
{
	char		 kp[192];
	enum role	 r;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING ||
		    access_role_parse(lua_tostring(L, -2), &r) == -1) {
			config_keypath(kp, sizeof(kp), prefix,
			    lua_type(L, -2) == LUA_TSTRING ?
			    lua_tostring(L, -2) : "?");
			snprintf(err, errlen, "%s: not a role (applicant, "
			    "screening, interviewer, adjudicator, authority, cso, "
			    "appeals, auditor, admin)", kp);
			return -1;
		}
		config_keypath(kp, sizeof(kp), prefix, access_role_name(r));
		if (cfg_str(L, kp, max, &dst[r], err, errlen) == -1)
			return -1;
		lua_pop(L, 1);
	}
	return 0;
}

/* organizations.<slug>.see_all = { "screening", ... } */
static int
cfg_org_see_all(lua_State *L, struct config_org *o, const char *kp,
    char *err, size_t errlen)
{
	enum role	r;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (!lua_isinteger(L, -2) || lua_type(L, -1) != LUA_TSTRING ||
		    access_role_parse(lua_tostring(L, -1), &r) == -1) {
			snprintf(err, errlen, "%s: must be a list of role names",
			    kp);
			return -1;
		}
		o->see_all |= ROLE_BIT(r);
		lua_pop(L, 1);
	}
	return 0;
}

/*
 * organizations.<slug>.automation = { "grant" }: the outcomes a policy may
 * reach without a person. Deny is never one of them.
 */
static int
cfg_org_automation(lua_State *L, struct config_org *o, const char *kp,
    char *err, size_t errlen)
{
	int	oc;

	o->automation = 0;
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (!lua_isinteger(L, -2) || lua_type(L, -1) != LUA_TSTRING ||
		    (oc = config_outcome_parse(lua_tostring(L, -1))) < 0) {
			snprintf(err, errlen, "%s: must be a list of outcomes "
			    "(grant, grant_with_restrictions, grant_with_warning, "
			    "refer)", kp);
			return -1;
		}
		if (oc == OUTCOME_DENY) {
			snprintf(err, errlen, "%s: deny can never be automated",
			    kp);
			return -1;
		}
		o->automation |= 1u << oc;
		lua_pop(L, 1);
	}
	return 0;
}

/* organizations.<slug>.markings = { "Unclassified", ... }, lowest first */
static int
cfg_org_markings(lua_State *L, struct config_org *o, const char *kp,
    char *err, size_t errlen)
{
	char		 ikp[192];
	lua_Integer	 n = (lua_Integer)lua_rawlen(L, -1), i;
	int		 k;

	if (n < 1 || n > CONFIG_MAX_MARKINGS) {
		snprintf(err, errlen, "%s: must list 1 to %d markings, lowest "
		    "first", kp, CONFIG_MAX_MARKINGS);
		return -1;
	}
	for (i = 1; i <= n; i++) {
		snprintf(ikp, sizeof(ikp), "%s[%lld]", kp, (long long)i);
		lua_rawgeti(L, -1, i);
		o->markings[i - 1] = NULL;
		if (cfg_str(L, ikp, 64, &o->markings[i - 1], err, errlen) == -1) {
			lua_pop(L, 1);
			return -1;
		}
		o->nmarkings = (int)i;
		lua_pop(L, 1);
		for (k = 0; k < i - 1; k++)
			if (strcmp(o->markings[k], o->markings[i - 1]) == 0) {
				snprintf(err, errlen, "%s: repeats a marking",
				    ikp);
				return -1;
			}
	}
	return 0;
}

int
config_marking_rank(const struct config_org *o, const char *marking)
{
	int	i;

	for (i = 0; i < o->nmarkings; i++)
		if (strcmp(o->markings[i], marking) == 0)
			return i;
	return -1;
}

/* The REGDOC appendix D scale and the default ceilings, unless given; every
 * named marking must be on the scale. */
static int
cfg_org_documents(struct config_org *o, const char *prefix, char *err,
    size_t errlen)
{
	static const char *const scale[] = { "Unclassified", "Prescribed",
	    "Protected A", "Protected B", "Protected C", "Confidential",
	    "Secret", "Top Secret" };
	static const char *const ceiling[ROLE_COUNT] = {
	    [ROLE_APPLICANT] = "Unclassified", [ROLE_SCREENING] = "Secret",
	    [ROLE_INTERVIEWER] = "Secret", [ROLE_ADJUDICATOR] = "Top Secret",
	    [ROLE_AUTHORITY] = "Top Secret", [ROLE_CSO] = "Top Secret",
	    [ROLE_APPEALS] = "Top Secret", [ROLE_AUDITOR] = "Protected B" };
	int	r, i;

	if (o->nmarkings == 0) {
		for (i = 0; i < (int)nitems(scale); i++)
			o->markings[i] = xstrdup(scale[i]);
		o->nmarkings = (int)nitems(scale);
	}
	for (r = 0; r < ROLE_COUNT; r++) {
		const char *m = o->ceiling_name[r] ? o->ceiling_name[r] :
		    ceiling[r];

		o->ceiling[r] = -1;
		if (m == NULL)
			continue;
		if ((o->ceiling[r] = config_marking_rank(o, m)) == -1) {
			if (o->ceiling_name[r] == NULL) {
				/* a default not on the org's own scale:
				 * that role reads nothing marked */
				continue;
			}
			snprintf(err, errlen, "%s.ceilings.%s: \"%s\" is not "
			    "one of the markings", prefix, access_role_name(r),
			    m);
			return -1;
		}
	}
	o->two_person = o->nmarkings - 1;
	if (o->two_person_name != NULL && (o->two_person =
	    config_marking_rank(o, o->two_person_name)) == -1) {
		snprintf(err, errlen, "%s.two_person: \"%s\" is not one of the "
		    "markings", prefix, o->two_person_name);
		return -1;
	}
	return 0;
}

static int
cfg_org(lua_State *L, const struct config *c, struct config_org *o,
    const char *prefix, char *err, size_t errlen)
{
	char		 kp[160];
	const char	*k;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		config_keypath(kp, sizeof(kp), prefix, k);
		if (strcmp(k, "ou") == 0) {
			if (cfg_str(L, kp, 1024, &o->ou, err, errlen) == -1)
				return -1;
		} else if (strcmp(k, "group") == 0) {
			if (cfg_str(L, kp, 1024, &o->group, err, errlen) == -1)
				return -1;
		} else if (strcmp(k, "relax_separation") == 0) {
			if (!lua_isboolean(L, -1)) {
				snprintf(err, errlen, "%s: must be true or false", kp);
				return -1;
			}
			o->relax_separation = lua_toboolean(L, -1);
		} else if (strcmp(k, "policies") == 0) {
			if (cfg_str(L, kp, 4096, &o->policies, err, errlen) == -1)
				return -1;
			if (o->policies[0] != '/') {
				char *abs = xasprintf("%s/%s", c->confdir, o->policies);
				free(o->policies);
				o->policies = abs;
			}
		} else if (strcmp(k, "two_person") == 0) {
			if (cfg_str(L, kp, 64, &o->two_person_name, err,
			    errlen) == -1)
				return -1;
		} else if (strcmp(k, "markings") == 0 ||
		    strcmp(k, "ceilings") == 0) {
			if (!lua_istable(L, -1)) {
				snprintf(err, errlen, "%s: must be a table", kp);
				return -1;
			}
			if ((k[0] == 'm' ? cfg_org_markings(L, o, kp, err,
			    errlen) : cfg_org_role_map(L, o->ceiling_name, 64, kp,
			    err, errlen)) == -1)
				return -1;
		} else if (strcmp(k, "roles") == 0 || strcmp(k, "see_all") == 0 ||
		    strcmp(k, "automation") == 0) {
			if (!lua_istable(L, -1)) {
				snprintf(err, errlen, "%s: must be a table", kp);
				return -1;
			}
			if ((k[0] == 'r' ? cfg_org_role_map(L, o->roles, 1024, kp,
			    err, errlen) :
			    k[0] == 's' ? cfg_org_see_all(L, o, kp, err, errlen) :
			    cfg_org_automation(L, o, kp, err, errlen)) == -1)
				return -1;
		} else {
			snprintf(err, errlen, "%s: unknown key", kp);
			return -1;
		}
		lua_pop(L, 1);
	}
	if ((o->ou == NULL) == (o->group == NULL)) {
		snprintf(err, errlen, "%s: needs exactly one of ou or group",
		    prefix);
		return -1;
	}
	return cfg_org_documents(o, prefix, err, errlen);
}

int
config_org_parse(lua_State *L, struct config *c, const char *prefix,
    char *err, size_t errlen)
{
	struct config_org	*o;
	char			 kp[128];
	const char		*slug;
	size_t			 i, len;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		slug = lua_type(L, -2) == LUA_TSTRING ?
		    lua_tolstring(L, -2, &len) : NULL;
		config_keypath(kp, sizeof(kp), prefix, slug ? slug : "?");
		if (slug == NULL || len == 0 || len > 63 ||
		    strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    len || !(slug[0] >= 'a' && slug[0] <= 'z')) {
			snprintf(err, errlen, "%s: not an organization slug "
			    "(a-z, 0-9, '-')", kp);
			return -1;
		}
		if (!lua_istable(L, -1)) {
			snprintf(err, errlen, "%s: must be a table", kp);
			return -1;
		}
		if (c->norgs == 64) {
			snprintf(err, errlen, "%s: too many organizations", prefix);
			return -1;
		}
		c->orgs = xrealloc(c->orgs, (c->norgs + 1) * sizeof(*c->orgs));
		o = &c->orgs[c->norgs++];
		memset(o, 0, sizeof(*o));
		o->slug = xstrdup(slug);
		o->automation = 1u << OUTCOME_GRANT;
		for (i = 0; i + 1 < c->norgs; i++)
			if (strcmp(c->orgs[i].slug, slug) == 0)
				return -1;	/* Lua tables cannot repeat keys */
		if (cfg_org(L, c, o, kp, err, errlen) == -1)
			return -1;
		lua_pop(L, 1);
	}
	return 0;
}


const struct config_org *
config_org_find(const struct config *c, const char *slug)
{
	size_t	i;

	for (i = 0; i < c->norgs; i++)
		if (strcmp(c->orgs[i].slug, slug) == 0)
			return &c->orgs[i];
	return NULL;
}

