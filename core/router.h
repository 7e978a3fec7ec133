/*
 * router: a table of method + path pattern -> handler. Patterns are split on
 * '/', and a segment written {name} matches any one non-empty segment, whose
 * decoded value becomes the request parameter "name". An unknown path is
 * ROUTER_NOT_FOUND; a known path with another method is ROUTER_BAD_METHOD
 * with the methods it does allow, for the Allow header.
 */
#ifndef VETD_ROUTER_H
#define VETD_ROUTER_H

#include <stddef.h>

#include "request.h"

struct api_ctx;
typedef void (*route_fn)(struct api_ctx *);

struct route {
	const char	*method;
	const char	*pattern;
	route_fn	 fn;
	unsigned	 flags;		/* for the access layer */
};

enum router_result { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD };

/*
 * Find the route for r. On ROUTER_FOUND, *idx is its index and r->params
 * holds the {name} values (pool memory). On ROUTER_BAD_METHOD, allow gets
 * e.g. "GET, POST".
 */
enum router_result router_match(const struct route *, size_t n,
		    struct request *r, size_t *idx, char *allow, size_t allowlen);

#endif
