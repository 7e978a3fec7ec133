/*
 * api: the HTTP API's route table and dispatch. A handler gets an api_ctx
 * with the parsed request, the response to write and the worker's
 * resources; it parses its input, checks access, calls the domain function
 * and writes JSON. Handlers live in api_<area>.c.
 */
#ifndef VETD_API_H
#define VETD_API_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "store.h"

struct api_ctx {
	struct request		*req;
	struct response		*resp;
	struct store		*store;
	const struct config	*cfg;
	size_t			 route;		/* index, api_nroutes: none */
};

extern const struct route	api_routes[];
extern const size_t		api_nroutes;

/* Parse the request, find its route and run it. Always answers. */
void	api_dispatch(struct api_ctx *);

/*
 * Read the body as a JSON object. On any problem the error response is sent
 * and NULL is returned; the object belongs to the request.
 */
json_t	*api_body_object(struct api_ctx *);

/*
 * Take a string member of obj: required or not, length in bytes within
 * [min, max], no control characters other than tab when text is set.
 * Returns 0 with *out (NULL when absent and optional), or -1 having sent a
 * 400 naming the field.
 */
int	api_string(struct api_ctx *, json_t *obj, const char *key, int required,
	    size_t min, size_t max, const char **out);

/* Handlers. */
void	api_health(struct api_ctx *);
void	api_metrics(struct api_ctx *);
void	api_session_create(struct api_ctx *);

#endif
