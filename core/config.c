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

#include "config_org.h"
#include "util.h"

#define CFG_MEM_CAP	(4 * 1024 * 1024)
#define CFG_STEPS	1000000

enum cfg_type { CFG_INT, CFG_STRING, CFG_PATH, CFG_OCTAL, CFG_LOGLEVEL,
    CFG_BOOL, CFG_TABLE, CFG_ORGS };

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

static const struct cfg_field directory_fields[] = {
	F("url", CFG_STRING, dir.url, 8, 512),
	F("starttls", CFG_BOOL, dir.starttls, 0, 0),
	F("ca_file", CFG_PATH, dir.ca_file, 1, 4096),
	F("bind_dn", CFG_STRING, dir.bind_dn, 1, 1024),
	F("bind_password_file", CFG_PATH, dir.bind_password_file, 1, 4096),
	F("base_dn", CFG_STRING, dir.base_dn, 1, 1024),
	F("user_filter", CFG_STRING, dir.user_filter, 3, 1024),
	F("name_attr", CFG_STRING, dir.name_attr, 1, 64),
	F("group_mode", CFG_STRING, dir.group_mode, 6, 8),
	F("group_base", CFG_STRING, dir.group_base, 1, 1024),
	F("group_filter", CFG_STRING, dir.group_filter, 3, 1024),
	F("nested_filter", CFG_STRING, dir.nested_filter, 3, 1024),
	F("network_timeout", CFG_INT, dir.network_timeout, 1, 120),
	F("timeout", CFG_INT, dir.timeout, 1, 300),
	F("refresh", CFG_INT, dir.refresh, 1, 86400),
	F("max_message", CFG_INT, dir.max_message, 4096, 67108864),
	{ NULL, 0, 0, 0, 0, NULL }
};

static const struct cfg_field session_fields[] = {
	F("idle_timeout", CFG_INT, session_idle, 1, 86400),
	F("absolute_timeout", CFG_INT, session_absolute, 1, 604800),
	F("insecure_cookie", CFG_BOOL, insecure_cookie, 0, 0),
	{ NULL, 0, 0, 0, 0, NULL }
};

static const struct cfg_field policy_fields[] = {
	F("dir", CFG_PATH, policy_dir, 1, 4096),
	F("scripts", CFG_PATH, scripts_dir, 1, 4096),
	F("check_interval", CFG_INT, policy_check, 1, 3600),
	F("instruction_budget", CFG_INT, policy_budget, 10000, 1000000000LL),
	F("memory_cap", CFG_INT, policy_memory, 1048576, 1073741824LL),
	{ NULL, 0, 0, 0, 0, NULL }
};

static const struct cfg_field mail_fields[] = {
	F("sendmail", CFG_PATH, mail_sendmail, 1, 4096),
	F("from", CFG_STRING, mail_from, 3, 254),
	F("domain", CFG_STRING, mail_domain, 1, 253),
	{ NULL, 0, 0, 0, 0, NULL }
};

static const struct cfg_field document_fields[] = {
	F("dir", CFG_PATH, doc_dir, 1, 4000),
	F("key_file", CFG_PATH, doc_key_file, 1, 4000),
	F("max_size", CFG_INT, doc_max_size, 1024, 1099511627776LL),
	F("types", CFG_STRING, doc_types, 3, 1024),
	{ NULL, 0, 0, 0, 0, NULL }
};

static const struct cfg_field top_fields[] = {
	{ "documents", CFG_TABLE, 0, 0, 0, document_fields },
	{ "mail", CFG_TABLE, 0, 0, 0, mail_fields },
	{ "policies", CFG_TABLE, 0, 0, 0, policy_fields },
	{ "listen", CFG_TABLE, 0, 0, 0, listen_fields },
	{ "directory", CFG_TABLE, 0, 0, 0, directory_fields },
	{ "session", CFG_TABLE, 0, 0, 0, session_fields },
	{ "organizations", CFG_ORGS, 0, 0, 0, NULL },
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

void
config_keypath(char *out, size_t outlen, const char *prefix, const char *key)
{
	size_t	o = 0, n;

	n = strlen(prefix);
	if (n > 0) {
		if (n > outlen - 2)
			n = outlen - 2;
		memcpy(out, prefix, n);
		o = n;
		out[o++] = '.';
	}
	n = strlen(key);
	if (n > outlen - 1 - o)
		n = outlen - 1 - o;
	memcpy(out + o, key, n);
	out[o + n] = '\0';
}

static char *
resolve_path(const struct config *c, const char *p)
{
	if (p[0] == '/')
		return xstrdup(p);
	return xasprintf("%s/%s", c->confdir, p);
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
	case CFG_BOOL:
		if (!lua_isboolean(L, -1)) {
			snprintf(err, errlen, "%s: must be true or false", kp);
			return -1;
		}
		*(int *)dst = lua_toboolean(L, -1);
		return 0;
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
	case CFG_ORGS:
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
		if (*s == '\0' || strspn(s, "01234567") != strlen(s) ||
		    *end != '\0' || errno != 0 || v < f->min || v > f->max) {
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
		config_keypath(kp, sizeof(kp), prefix, k);
		for (f = fields; f->key != NULL; f++)
			if (strcmp(f->key, k) == 0)
				break;
		if (f->key == NULL) {
			snprintf(err, errlen, "%s: unknown key", kp);
			return -1;
		}
		if (f->type == CFG_TABLE || f->type == CFG_ORGS) {
			if (!lua_istable(L, -1)) {
				snprintf(err, errlen, "%s: must be a table", kp);
				return -1;
			}
			if (f->sub == directory_fields)
				c->has_directory = 1;
			if (f->type == CFG_ORGS) {
				if (config_org_parse(L, c, kp, err, errlen) == -1)
					return -1;
			} else if (cfg_walk(L, c, f->sub, kp, err, errlen) == -1)
				return -1;
		} else if (cfg_field_set(L, c, f, kp, err, errlen) == -1)
			return -1;
		lua_pop(L, 1);
	}
	return 0;
}

static const char *outcome_names[OUTCOME_COUNT] = {
	"grant", "grant_with_restrictions", "grant_with_warning", "deny", "refer"
};

int
config_outcome_parse(const char *s)
{
	int	i;

	for (i = 0; i < OUTCOME_COUNT; i++)
		if (strcmp(s, outcome_names[i]) == 0)
			return i;
	return -1;
}

const char *
config_outcome_name(int oc)
{
	return oc >= 0 && oc < OUTCOME_COUNT ? outcome_names[oc] : NULL;
}

/* Read the directory service account's password from its file: one line,
 * the trailing newline dropped. The file should be mode 0600 or 0640. */
static int
cfg_read_secret(struct config *c, char *err, size_t errlen)
{
	FILE	*fp;
	char	 line[1024];
	size_t	 n;

	if ((fp = fopen(c->dir.bind_password_file, "r")) == NULL) {
		snprintf(err, errlen, "directory.bind_password_file: cannot open: "
		    "%s", strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0) {
		snprintf(err, errlen, "directory.bind_password_file: empty");
		return -1;
	}
	c->dir.bind_password = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

/* The directory section: required keys and the filter placeholders. */
static int
cfg_check_directory(struct config *c, char *err, size_t errlen)
{
	struct config_directory	*d = &c->dir;

	if (d->url == NULL || d->bind_dn == NULL ||
	    d->bind_password_file == NULL || d->base_dn == NULL ||
	    d->user_filter == NULL) {
		snprintf(err, errlen, "directory: needs url, bind_dn, "
		    "bind_password_file, base_dn and user_filter");
		return -1;
	}
	if (strncmp(d->url, "ldap://", 7) != 0 &&
	    strncmp(d->url, "ldaps://", 8) != 0) {
		snprintf(err, errlen, "directory.url: must start with ldap:// or "
		    "ldaps://");
		return -1;
	}
	if (d->starttls && strncmp(d->url, "ldaps://", 8) == 0) {
		snprintf(err, errlen, "directory.starttls: not with ldaps://");
		return -1;
	}
	if (strstr(d->user_filter, "%s") == NULL) {
		snprintf(err, errlen, "directory.user_filter: needs %%s for the "
		    "username");
		return -1;
	}
	if (d->group_mode == NULL)
		d->group_mode = xstrdup("memberof");
	if (strcmp(d->group_mode, "memberof") != 0 &&
	    strcmp(d->group_mode, "search") != 0) {
		snprintf(err, errlen, "directory.group_mode: must be memberof or "
		    "search");
		return -1;
	}
	if (strcmp(d->group_mode, "search") == 0 &&
	    (d->group_base == NULL || d->group_filter == NULL)) {
		snprintf(err, errlen, "directory.group_mode: search needs "
		    "group_base and group_filter");
		return -1;
	}
	if (d->group_filter != NULL && strstr(d->group_filter, "%d") == NULL) {
		snprintf(err, errlen, "directory.group_filter: needs %%d for the "
		    "user's DN");
		return -1;
	}
	if (d->nested_filter != NULL && (strstr(d->nested_filter, "%d") ==
	    NULL || d->group_base == NULL)) {
		snprintf(err, errlen, "directory.nested_filter: needs %%d and "
		    "directory.group_base");
		return -1;
	}
	if (d->name_attr == NULL)
		d->name_attr = xstrdup("cn");
	return cfg_read_secret(c, err, errlen);
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
	if (c->session_absolute < c->session_idle) {
		snprintf(err, errlen, "session.absolute_timeout: must not be "
		    "shorter than session.idle_timeout");
		return -1;
	}
	if (c->has_directory && cfg_check_directory(c, err, errlen) == -1)
		return -1;
	if (c->policy_dir == NULL)
		c->policy_dir = xstrdup(VETD_DATADIR "/policies");
	if (c->scripts_dir == NULL)
		c->scripts_dir = xstrdup(VETD_DATADIR "/scripts");
	if (c->doc_dir == NULL)
		c->doc_dir = xasprintf("%s.docs", c->database);
	if (c->doc_key_file == NULL)
		c->doc_key_file = xasprintf("%s.keys/master", c->database);
	if (c->doc_types == NULL)
		c->doc_types = xstrdup("application/pdf image/jpeg image/png "
		    "image/tiff text/plain");
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
		c->confdir = xstrdup(".");
	else if (slash == c->path)
		c->confdir = xstrdup("/");
	else
		c->confdir = xstrndup(c->path, (size_t)(slash - c->path));
	c->socket_mode = 0660;
	c->backlog = 128;
	c->workers = 4;
	c->max_body = 1024 * 1024;
	c->drain_timeout = 30;
	c->busy_timeout = 5000;
	c->log_level = LOG_LVL_INFO;
	c->dir.network_timeout = 5;
	c->dir.timeout = 10;
	c->dir.refresh = 600;
	c->dir.max_message = 1024 * 1024;
	c->session_idle = 1800;
	c->session_absolute = 43200;
	c->policy_check = 2;
	c->policy_budget = 50000000;
	c->policy_memory = 32 * 1024 * 1024;
	c->doc_max_size = 256LL * 1024 * 1024;

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
	size_t	i;
	int	r;

	if (c == NULL)
		return;
	free(c->path);
	free(c->confdir);
	free(c->socket_path);
	free(c->socket_group);
	free(c->tcp_host);
	free(c->database);
	free(c->dir.url);
	free(c->dir.ca_file);
	free(c->dir.bind_dn);
	free(c->dir.bind_password_file);
	if (c->dir.bind_password != NULL) {
		explicit_bzero(c->dir.bind_password, strlen(c->dir.bind_password));
		free(c->dir.bind_password);
	}
	free(c->dir.base_dn);
	free(c->dir.user_filter);
	free(c->dir.name_attr);
	free(c->dir.group_mode);
	free(c->dir.group_base);
	free(c->dir.group_filter);
	free(c->dir.nested_filter);
	for (i = 0; i < c->norgs; i++) {
		free(c->orgs[i].slug);
		free(c->orgs[i].ou);
		free(c->orgs[i].group);
		free(c->orgs[i].policies);
		for (r = 0; r < ROLE_COUNT; r++) {
			free(c->orgs[i].roles[r]);
			free(c->orgs[i].ceiling_name[r]);
		}
		for (r = 0; r < c->orgs[i].nmarkings; r++)
			free(c->orgs[i].markings[r]);
		free(c->orgs[i].two_person_name);
	}
	free(c->orgs);
	free(c->policy_dir);
	free(c->mail_sendmail);
	free(c->mail_from);
	free(c->mail_domain);
	free(c->scripts_dir);
	free(c->doc_dir);
	free(c->doc_key_file);
	free(c->doc_types);
	free(c);
}
