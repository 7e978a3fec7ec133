/*
 * request: one incoming HTTP request as nginx hands it over FastCGI. It
 * gives the method, the path split into percent-decoded segments, the query
 * (decoded, repeated keys kept in order), cookies, headers, route
 * parameters, and the body either streamed (request_body_read) or parsed as
 * JSON with a size limit (request_json). Parameters and body bytes come
 * through two callbacks so the parser can be tested without a server.
 * Everything a request allocates lives in its pool.
 */
#ifndef VETD_REQUEST_H
#define VETD_REQUEST_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "util.h"

struct kv {
	const char	*key;
	const char	*val;
};

/* Returns the FastCGI parameter's value or NULL. */
typedef const char *(*request_param_fn)(void *ctx, const char *name);
/* Reads up to len body bytes: returns n > 0, 0 at the end, -1 on error. */
typedef ssize_t (*request_read_fn)(void *ctx, char *buf, size_t len);

struct request {
	struct pool		*pool;
	request_param_fn	 getparam;
	request_read_fn		 readbody;
	void			*io;

	const char		*method;
	const char		*path;		/* raw, without the query */
	char			**segs;		/* decoded path segments */
	size_t			 nsegs;
	struct kv		*query;
	size_t			 nquery;
	struct kv		*cookies;
	size_t			 ncookies;
	struct kv		*params;	/* from the route pattern */
	size_t			 nparams;
	const char		*remote_addr;
	char			 rid[65];

	long long		 content_length; /* -1 when not given */
	long long		 max_body;
	long long		 body_read;
	json_t			*json;		/* parsed body; freed at end */
};

/* What went wrong while reading a request, for the error response. */
struct request_error {
	int		 status;
	const char	*code;
	const char	*message;
	const char	*field;
};

void	request_init(struct request *, struct pool *, request_param_fn,
	    request_read_fn, void *io, long long max_body);
/* Parse method, path, query, cookies and request id. 0, or -1 with e set
 * (400 for a malformed path or query). */
int	request_parse(struct request *, struct request_error *e);
void	request_end(struct request *);

const char	*request_header(struct request *, const char *name);
const char	*request_query(struct request *, const char *key);
const char	*request_cookie(struct request *, const char *name);
const char	*request_param(struct request *, const char *name);

/*
 * Stream up to len bytes of the body. Returns n > 0, 0 at the end, -1 on a
 * read error, -2 when the body runs past max_body.
 */
ssize_t	request_body_read(struct request *, char *buf, size_t len);

/*
 * Read the whole body as JSON (Content-Type application/json, at most
 * max_body bytes, duplicate keys rejected). Returns the value, owned by the
 * request, or NULL with e set: 413, 415 or 400.
 */
json_t	*request_json(struct request *, struct request_error *e);

#endif
