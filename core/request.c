/*
 * request: parse the FastCGI parameters of one request into method, path
 * segments, query, cookies and headers, and read its body. See request.h.
 */
#include "autoconf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "request.h"

#define MAX_SEGS	32
#define MAX_PAIRS	64

void
request_init(struct request *r, struct pool *pool, request_param_fn gp,
    request_read_fn rd, void *io, long long max_body)
{
	memset(r, 0, sizeof(*r));
	r->pool = pool;
	r->getparam = gp;
	r->readbody = rd;
	r->io = io;
	r->max_body = max_body;
	r->content_length = -1;
}

void
request_end(struct request *r)
{
	if (r->json != NULL)
		json_decref(r->json);
	r->json = NULL;
}

static void
set_error(struct request_error *e, int status, const char *code,
    const char *msg, const char *field)
{
	e->status = status;
	e->code = code;
	e->message = msg;
	e->field = field;
}

/* Split "a=1&b=2" (or cookies "a=1; b=2") into decoded pairs. */
static int
parse_pairs(struct request *r, const char *s, char sep, int decode,
    struct kv **out, size_t *nout)
{
	struct kv	*kv;
	const char	*p = s, *end, *eq;
	size_t		 n = 0;

	kv = util_pool_alloc(r->pool, MAX_PAIRS * sizeof(*kv));
	while (*p != '\0') {
		while (sep == ';' && *p == ' ')
			p++;
		end = strchr(p, sep);
		if (end == NULL)
			end = p + strlen(p);
		if (end > p) {
			if (n == MAX_PAIRS)
				return -1;
			eq = memchr(p, '=', (size_t)(end - p));
			if (eq == NULL)
				eq = end;
			if (decode) {
				kv[n].key = util_pct_decode(r->pool, p,
				    (size_t)(eq - p), 1);
				kv[n].val = eq < end ? util_pct_decode(r->pool,
				    eq + 1, (size_t)(end - eq - 1), 1) : "";
			} else {
				kv[n].key = util_pool_strndup(r->pool, p,
				    (size_t)(eq - p));
				kv[n].val = eq < end ? util_pool_strndup(r->pool,
				    eq + 1, (size_t)(end - eq - 1)) : "";
			}
			if (kv[n].key == NULL || kv[n].val == NULL)
				return -1;
			n++;
		}
		p = *end ? end + 1 : end;
	}
	*out = kv;
	*nout = n;
	return 0;
}

/* Accept the request id nginx gives when it is 1-64 hex digits. */
static int
rid_ok(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 64 || !isxdigit((unsigned char)s[i]))
			return 0;
	return i > 0;
}

int
request_parse(struct request *r, struct request_error *e)
{
	const char	*uri, *q, *p, *slash, *rid, *cl, *cookie;
	size_t		 n = 0;
	long long	 len;
	unsigned char	 rnd[16];

	r->method = r->getparam(r->io, "REQUEST_METHOD");
	if (r->method == NULL)
		r->method = "GET";
	r->remote_addr = r->getparam(r->io, "REMOTE_ADDR");
	if (r->remote_addr == NULL)
		r->remote_addr = "-";

	rid = r->getparam(r->io, "REQUEST_ID");
	if (rid != NULL && rid_ok(rid))
		snprintf(r->rid, sizeof(r->rid), "%s", rid);
	else {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(r->rid, sizeof(r->rid), rnd, sizeof(rnd));
	}

	uri = r->getparam(r->io, "REQUEST_URI");
	if (uri == NULL || uri[0] != '/') {
		set_error(e, 400, "bad_request", "request path is missing", NULL);
		return -1;
	}
	q = strchr(uri, '?');
	r->path = util_pool_strndup(r->pool, uri,
	    q ? (size_t)(q - uri) : strlen(uri));

	/* "/" has no segment; otherwise every '/' starts one, so "/a/" is
	 * "a" and "" and does not match the route "/a". */
	r->segs = util_pool_alloc(r->pool, MAX_SEGS * sizeof(char *));
	for (p = r->path + 1; r->path[1] != '\0'; p = slash + 1) {
		slash = strchr(p, '/');
		if (slash == NULL)
			slash = p + strlen(p);
		if (n == MAX_SEGS) {
			set_error(e, 400, "bad_request", "path too deep", NULL);
			return -1;
		}
		r->segs[n] = util_pct_decode(r->pool, p, (size_t)(slash - p), 0);
		if (r->segs[n] == NULL) {
			set_error(e, 400, "bad_request",
			    "path has a malformed escape", NULL);
			return -1;
		}
		n++;
		if (*slash == '\0')
			break;
	}
	r->nsegs = n;

	if (q != NULL && parse_pairs(r, q + 1, '&', 1, &r->query,
	    &r->nquery) == -1) {
		set_error(e, 400, "bad_query",
		    "query string is malformed or has too many parameters", NULL);
		return -1;
	}
	cookie = r->getparam(r->io, "HTTP_COOKIE");
	if (cookie != NULL && parse_pairs(r, cookie, ';', 0, &r->cookies,
	    &r->ncookies) == -1) {
		r->ncookies = 0;	/* ignore a cookie header we cannot read */
	}

	cl = r->getparam(r->io, "CONTENT_LENGTH");
	if (cl != NULL && *cl != '\0') {
		if (util_parse_ll(cl, 0, (long long)1 << 50, &len) == -1) {
			set_error(e, 400, "bad_request",
			    "Content-Length is not a number", NULL);
			return -1;
		}
		r->content_length = len;
	}
	return 0;
}

const char *
request_header(struct request *r, const char *name)
{
	char	key[128];
	size_t	i, o;

	o = (size_t)snprintf(key, sizeof(key), "HTTP_");
	for (i = 0; name[i] != '\0' && o < sizeof(key) - 1; i++)
		key[o++] = name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	key[o] = '\0';
	if (strcmp(key, "HTTP_CONTENT_TYPE") == 0)
		return r->getparam(r->io, "CONTENT_TYPE");
	if (strcmp(key, "HTTP_CONTENT_LENGTH") == 0)
		return r->getparam(r->io, "CONTENT_LENGTH");
	return r->getparam(r->io, key);
}

static const char *
kv_find(const struct kv *kv, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

const char *
request_query(struct request *r, const char *key)
{
	return kv_find(r->query, r->nquery, key);
}

const char *
request_cookie(struct request *r, const char *name)
{
	return kv_find(r->cookies, r->ncookies, name);
}

const char *
request_param(struct request *r, const char *name)
{
	return kv_find(r->params, r->nparams, name);
}

ssize_t
request_body_read(struct request *r, char *buf, size_t len)
{
	ssize_t		n;
	long long	left;

	if (r->content_length >= 0) {
		left = r->content_length - r->body_read;
		if (left <= 0)
			return 0;
		if ((long long)len > left)
			len = (size_t)left;
	}
	n = r->readbody(r->io, buf, len);
	if (n < 0)
		return -1;
	r->body_read += n;
	if (r->body_read > r->max_body)
		return -2;
	return n;
}

/* Is the media type application/json (parameters such as charset allowed)? */
static int
is_json_type(const char *ct)
{
	size_t	n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

json_t *
request_json(struct request *r, struct request_error *e)
{
	struct buf	 b;
	char		 chunk[16384];
	ssize_t		 n;
	json_error_t	 jerr;
	json_t		*j = NULL;

	if (!is_json_type(request_header(r, "Content-Type"))) {
		set_error(e, 415, "unsupported_media_type",
		    "the body must be application/json", NULL);
		return NULL;
	}
	if (r->content_length > r->max_body) {
		set_error(e, 413, "body_too_large",
		    "the request body is larger than allowed", NULL);
		return NULL;
	}
	util_buf_init(&b);
	while ((n = request_body_read(r, chunk, sizeof(chunk))) > 0)
		util_buf_add(&b, chunk, (size_t)n);
	if (n == -2) {
		set_error(e, 413, "body_too_large",
		    "the request body is larger than allowed", NULL);
		goto out;
	}
	if (n == -1) {
		set_error(e, 400, "bad_request", "the request body was cut short",
		    NULL);
		goto out;
	}
	j = json_loadb(b.data ? b.data : "", b.len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (j == NULL) {
		snprintf(chunk, sizeof(chunk), "the body is not valid JSON "
		    "(line %d, column %d): %s", jerr.line, jerr.column,
		    strstr(jerr.text, "\\u0000") ? "NUL is not allowed in a "
		    "string" : "syntax error");
		set_error(e, 400, "invalid_json",
		    util_pool_strdup(r->pool, chunk), NULL);
		goto out;
	}
	r->json = j;
out:
	util_buf_free(&b);
	return j;
}
