/*
 * config: load conf/vetd.conf. The file is Lua evaluated as data: it runs in
 * a fresh state with an empty environment, so it can assign values (strings,
 * numbers, booleans, tables) and nothing else, under a memory cap and an
 * instruction budget. The resulting globals are walked with a schema (below)
 * that knows every key, its type and its range.
 */
#include "autoconf.h"

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "util.h"

#define CFG_MEM_CAP	(4 * 1024 * 1024)
#define CFG_STEPS	1000000

enum cfg_type { CFG_INT, CFG_STRING, CFG_PATH, CFG_OCTAL, CFG_LOGLEVEL,
    CFG_TABLE };

struct cfg_field {
	const char		*key;
	enum cfg_type		 type;
	size_t			 off;	/* into struct config */
	long long		 min, max;
	const struct cfg_field	*sub;	/* CFG_TABLE */
};

#define F(k, t, m, lo, hi) { k, t, offsetof(struct config, m), lo, hi, NULL }

static const struct cfg_field listen_fields[] = {
	F("socket", CFG_PATH, socket_path, 1, 107),
	F("mode", CFG_OCTAL, socket_mode, 0, 0777),
	F("group", CFG_STRING, socket_group, 1, 64),
	F("tcp", CFG_STRING, tcp_host, 3, 64),
	F("backlog", CFG_INT, backlog, 1, 65535),
	{ NULL, 0, 0, 0, 0, NULL }
};

static const struct cfg_field top_fields[] = {
	{ "listen", CFG_TABLE, 0, 0, 0, listen_fields },
	F("workers", CFG_INT, workers, 1, 64),
	F("database", CFG_PATH, database, 1, 4096),
	F("max_body", CFG_INT, max_body, 1024, 1073741824LL),
	F("drain_timeout", CFG_INT, drain_timeout, 1, 3600),
	F("busy_timeout", CFG_INT, busy_timeout, 0, 60000),
	F("log_level", CFG_LOGLEVEL, log_level, 0, 0),
	{ NULL, 0, 0, 0, 0, NULL }
};

struct budget {
	size_t	used;
	size_t	cap;
};

static void *
cfg_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct budget	*b = ud;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		b->used -= osize;
		return NULL;
	}
	if (nsize > osize && b->used + (nsize - osize) > b->cap)
		return NULL;
	ptr = realloc(ptr, nsize);
	if (ptr != NULL)
		b->used = b->used - osize + nsize;
	return ptr;
}

static void
cfg_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	luaL_error(L, "configuration runs too long");
}

static char *
resolve_path(const struct config *c, const char *p)
{
	if (p[0] == '/')
		return xstrdup(p);
	return xasprintf("%s/%s", c->dir, p);
}

/* Check the value at the top of L against f and store it in c. */
static int
cfg_field_set(lua_State *L, struct config *c, const struct cfg_field *f,
    const char *kp, char *err, size_t errlen)
{
	void		*dst = (char *)c + f->off;
	long long	 v;
	const char	*s = NULL;
	size_t		 len = 0;
	char		*end;
	enum log_level	 lvl;

	switch (f->type) {
	case CFG_INT:
		if (!lua_isinteger(L, -1)) {
			snprintf(err, errlen, "%s: must be a whole number", kp);
			return -1;
		}
		v = lua_tointeger(L, -1);
		if (v < f->min || v > f->max) {
			snprintf(err, errlen, "%s: must be between %lld and %lld",
			    kp, f->min, f->max);
			return -1;
		}
		*(long long *)dst = v;
		return 0;
	case CFG_STRING:
	case CFG_PATH:
	case CFG_OCTAL:
	case CFG_LOGLEVEL:
		if (lua_type(L, -1) != LUA_TSTRING) {
			snprintf(err, errlen, "%s: must be a string", kp);
			return -1;
		}
		s = lua_tolstring(L, -1, &len);
		if (strlen(s) != len) {
			snprintf(err, errlen, "%s: must not contain NUL", kp);
			return -1;
		}
		break;
	case CFG_TABLE:
		return -1;	/* handled by the caller */
	}

	if (f->type == CFG_LOGLEVEL) {
		if (log_level_parse(s, &lvl) == -1) {
			snprintf(err, errlen,
			    "%s: must be one of debug, info, warn, error", kp);
			return -1;
		}
		*(enum log_level *)dst = lvl;
		return 0;
	}
	if (f->type == CFG_OCTAL) {
		errno = 0;
		v = strtoll(s, &end, 8);
		if (*s == '\0' || *end != '\0' || errno != 0 || *s == '-' ||
		    v < f->min || v > f->max) {
			snprintf(err, errlen,
			    "%s: must be an octal mode between 0000 and 0777", kp);
			return -1;
		}
		*(long long *)dst = v;
		return 0;
	}
	if ((long long)len < f->min || (long long)len > f->max) {
		snprintf(err, errlen, "%s: length must be between %lld and %lld",
		    kp, f->min, f->max);
		return -1;
	}
	free(*(char **)dst);
	*(char **)dst = f->type == CFG_PATH ? resolve_path(c, s) : xstrdup(s);
	return 0;
}

/*
 * Walk the table at the top of L with schema fields; prefix is the key path
 * of the table ("" at the top). Every key must be a known string.
 */
static int
cfg_walk(lua_State *L, struct config *c, const struct cfg_field *fields,
    const char *prefix, char *err, size_t errlen)
{
	const struct cfg_field	*f;
	char			 kp[128];
	const char		*k;

	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING) {
			snprintf(err, errlen, "%s%skey: must be a name",
			    prefix, *prefix ? "." : "");
			return -1;
		}
		k = lua_tostring(L, -2);
		snprintf(kp, sizeof(kp), "%s%s%s", prefix, *prefix ? "." : "", k);
		for (f = fields; f->key != NULL; f++)
			if (strcmp(f->key, k) == 0)
				break;
		if (f->key == NULL) {
			snprintf(err, errlen, "%s: unknown key", kp);
			return -1;
		}
		if (f->type == CFG_TABLE) {
			if (!lua_istable(L, -1)) {
				snprintf(err, errlen, "%s: must be a table", kp);
				return -1;
			}
			if (cfg_walk(L, c, f->sub, kp, err, errlen) == -1)
				return -1;
		} else if (cfg_field_set(L, c, f, kp, err, errlen) == -1)
			return -1;
		lua_pop(L, 1);
	}
	return 0;
}

/* Split "host:port" for a loopback TCP listener. */
static int
cfg_check_tcp(struct config *c, char *err, size_t errlen)
{
	char		*colon, *host;
	long long	 port;
	struct in_addr	 a4;

	if ((colon = strrchr(c->tcp_host, ':')) == NULL ||
	    util_parse_ll(colon + 1, 1, 65535, &port) == -1) {
		snprintf(err, errlen, "listen.tcp: must be \"127.0.0.1:PORT\"");
		return -1;
	}
	host = xstrndup(c->tcp_host, (size_t)(colon - c->tcp_host));
	if (inet_pton(AF_INET, host, &a4) != 1 ||
	    (ntohl(a4.s_addr) >> 24) != 127) {
		free(host);
		snprintf(err, errlen,
		    "listen.tcp: only a loopback IPv4 address is allowed");
		return -1;
	}
	free(c->tcp_host);
	c->tcp_host = host;
	c->tcp_port = port;
	return 0;
}

static int
cfg_check(struct config *c, char *err, size_t errlen)
{
	if (c->socket_path == NULL && c->tcp_host == NULL) {
		snprintf(err, errlen, "listen: needs socket or tcp");
		return -1;
	}
	if (c->socket_path != NULL && c->tcp_host != NULL) {
		snprintf(err, errlen, "listen: socket and tcp are exclusive");
		return -1;
	}
	if (c->socket_path != NULL && strlen(c->socket_path) > 107) {
		snprintf(err, errlen, "listen.socket: path too long once resolved");
		return -1;
	}
	if (c->tcp_host != NULL && cfg_check_tcp(c, err, errlen) == -1)
		return -1;
	if (c->database == NULL) {
		snprintf(err, errlen, "database: required");
		return -1;
	}
	return 0;
}

static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE	*fp;
	char	*data = NULL;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    n > 1024 * 1024 || fseek(fp, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "cannot read (or larger than 1 MiB)");
		goto out;
	}
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, fp) != (size_t)n) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		free(data);
		data = NULL;
		goto out;
	}
	data[n] = '\0';
	*len = (size_t)n;
out:
	fclose(fp);
	return data;
}

int
config_load(const char *file, struct config **out, char *err, size_t errlen)
{
	struct config	*c;
	struct budget	 b = { 0, CFG_MEM_CAP };
	lua_State	*L = NULL;
	char		*data = NULL, *slash, chunk[256];
	size_t		 len;
	int		 rc = -1;

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(file);
	if ((slash = strrchr(c->path, '/')) == NULL)
		c->dir = xstrdup(".");
	else if (slash == c->path)
		c->dir = xstrdup("/");
	else
		c->dir = xstrndup(c->path, (size_t)(slash - c->path));
	c->socket_mode = 0660;
	c->backlog = 128;
	c->workers = 4;
	c->max_body = 1024 * 1024;
	c->drain_timeout = 30;
	c->busy_timeout = 5000;
	c->log_level = LOG_LVL_INFO;

	if ((data = read_file(file, &len, err, errlen)) == NULL)
		goto out;
	if ((L = lua_newstate(cfg_alloc, &b)) == NULL)
		fatalx("lua_newstate");
	snprintf(chunk, sizeof(chunk), "=%s", file);
	if (luaL_loadbufferx(L, data, len, chunk, "t") != LUA_OK) {
		snprintf(err, errlen, "%s", lua_tostring(L, -1));
		goto out;
	}
	lua_newtable(L);		/* the chunk's _ENV: empty */
	lua_pushvalue(L, -1);
	lua_setupvalue(L, -3, 1);
	lua_insert(L, -2);		/* env, chunk */
	lua_sethook(L, cfg_hook, LUA_MASKCOUNT, CFG_STEPS);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		snprintf(err, errlen, "%s", lua_isstring(L, -1) ?
		    lua_tostring(L, -1) : "error while evaluating");
		goto out;
	}
	lua_sethook(L, NULL, 0, 0);
	if (cfg_walk(L, c, top_fields, "", err, errlen) == -1)
		goto out;
	if (cfg_check(c, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	if (L != NULL)
		lua_close(L);
	free(data);
	if (rc == 0)
		*out = c;
	else
		config_free(c);
	return rc;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	free(c->socket_path);
	free(c->socket_group);
	free(c->tcp_host);
	free(c->database);
	free(c);
}
