/*
 * router: match a request's decoded path segments against the route table.
 * The table is small (tens of routes), so a linear walk is enough and keeps
 * the order of the table meaningful.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "router.h"

#define MAX_PARAMS	8

/*
 * Does pattern match the request's segments? When params is not NULL, the
 * {name} values are stored there (at most MAX_PARAMS) and counted in *np.
 */
static int
pattern_match(const char *pattern, struct request *r, struct kv *params,
    size_t *np)
{
	const char	*p = pattern + 1, *slash;
	size_t		 i = 0, len, n = 0;

	while (*p != '\0' || i < r->nsegs) {
		if (*p == '\0' || i >= r->nsegs)
			return 0;
		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
			if (r->segs[i][0] == '\0' || n == MAX_PARAMS)
				return 0;
			if (params != NULL) {
				params[n].key = util_pool_strndup(r->pool,
				    p + 1, len - 2);
				params[n].val = r->segs[i];
			}
			n++;
		} else if (strlen(r->segs[i]) != len ||
		    memcmp(p, r->segs[i], len) != 0)
			return 0;
		i++;
		p += len;
		if (*p == '/')
			p++;
	}
	if (np != NULL)
		*np = n;
	return 1;
}

enum router_result
router_match(const struct route *routes, size_t n, struct request *r,
    size_t *idx, char *allow, size_t allowlen)
{
	size_t	i, off = 0;
	int	path_known = 0;

	if (allowlen > 0)
		allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!pattern_match(routes[i].pattern, r, NULL, NULL))
			continue;
		if (strcmp(routes[i].method, r->method) == 0) {
			r->params = util_pool_alloc(r->pool,
			    MAX_PARAMS * sizeof(struct kv));
			pattern_match(routes[i].pattern, r, r->params,
			    &r->nparams);
			*idx = i;
			return ROUTER_FOUND;
		}
		path_known = 1;
		if (off < allowlen && strstr(allow, routes[i].method) == NULL)
			off += (size_t)snprintf(allow + off, allowlen - off,
			    "%s%s", off ? ", " : "", routes[i].method);
	}
	return path_known ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
