/*
 * response: the answer to one request, written as a FastCGI (CGI-style)
 * response: "Status:" and headers, a blank line, the body. Headers are
 * buffered until the body starts; the security headers every response
 * carries are added then. Output goes through a write callback, so the
 * writer can be tested without a server.
 */
#ifndef VETD_RESPONSE_H
#define VETD_RESPONSE_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "util.h"

/* Write all of buf; returns 0 or -1. */
typedef int (*response_write_fn)(void *ctx, const char *buf, size_t len);

struct response {
	response_write_fn	 write;
	void			*io;
	int			 status;
	int			 started;	/* headers sent */
	int			 failed;	/* a write failed */
	struct buf		 headers;
	size_t			 body_bytes;
};

void	response_init(struct response *, response_write_fn, void *io);
void	response_free(struct response *);

/* Add a header. Refuses (-1) names or values with CR, LF or NUL, or once
 * the headers are sent. */
int	response_header(struct response *, const char *name, const char *value);
/* Send the status and headers with content_type (NULL: none). */
int	response_begin(struct response *, int status, const char *content_type);
int	response_write(struct response *, const void *, size_t);

/* Send a whole JSON response. Takes ownership of j (decref'd here). */
int	response_json(struct response *, int status, json_t *j);
/* Send {"error":{"code":..,"message":..,"field":..}}; field may be NULL. */
int	response_error(struct response *, int status, const char *code,
	    const char *message, const char *field);

const char *response_reason(int status);

#endif
