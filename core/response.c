/*
 * response: status line, headers and body in FastCGI's CGI-style framing.
 * See response.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "response.h"

/*
 * Every API answer is data, never a page: nothing may load, frame it or
 * sniff it, and no cache may keep it.
 */
static const char security_headers[] =
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cache-Control: no-store\r\n";

void
response_init(struct response *r, response_write_fn fn, void *io)
{
	memset(r, 0, sizeof(*r));
	r->write = fn;
	r->io = io;
	util_buf_init(&r->headers);
}

void
response_free(struct response *r)
{
	util_buf_free(&r->headers);
}

const char *
response_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static int
header_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int
response_header(struct response *r, const char *name, const char *value)
{
	if (r->started || !header_safe(name) || !header_safe(value) ||
	    *name == '\0' || strchr(name, ':') != NULL)
		return -1;
	util_buf_addf(&r->headers, "%s: %s\r\n", name, value);
	return 0;
}

static int
emit(struct response *r, const char *p, size_t n)
{
	if (r->failed)
		return -1;
	if (n > 0 && r->write(r->io, p, n) == -1) {
		r->failed = 1;
		return -1;
	}
	return 0;
}

int
response_begin(struct response *r, int status, const char *content_type)
{
	struct buf	b;
	int		rc;

	if (r->started)
		return -1;
	r->started = 1;
	r->status = status;
	util_buf_init(&b);
	util_buf_addf(&b, "Status: %d %s\r\n", status, response_reason(status));
	if (content_type != NULL && header_safe(content_type))
		util_buf_addf(&b, "Content-Type: %s\r\n", content_type);
	util_buf_adds(&b, security_headers);
	if (r->headers.len > 0)
		util_buf_add(&b, r->headers.data, r->headers.len);
	util_buf_adds(&b, "\r\n");
	rc = emit(r, b.data, b.len);
	util_buf_free(&b);
	return rc;
}

int
response_write(struct response *r, const void *p, size_t n)
{
	if (!r->started)
		return -1;
	r->body_bytes += n;
	return emit(r, p, n);
}

int
response_json(struct response *r, int status, json_t *j)
{
	char	*s;
	int	 rc = -1;

	if (j == NULL)
		return response_error(r, 500, "internal", "internal error", NULL);
	s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (s == NULL)
		return -1;
	if (response_begin(r, status, "application/json") == 0 &&
	    response_write(r, s, strlen(s)) == 0 &&
	    response_write(r, "\n", 1) == 0)
		rc = 0;
	free(s);
	return rc;
}

int
response_error(struct response *r, int status, const char *code,
    const char *message, const char *field)
{
	json_t	*e;

	e = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (e != NULL && field != NULL)
		json_object_set_new(e, "field", json_string(field));
	return response_json(r, status, json_pack("{s:o}", "error", e));
}
