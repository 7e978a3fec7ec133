/*
 * api_session: signing in and out. POST /api/v1/session takes a directory
 * username and password. The input is checked here, before anything goes
 * near the directory: a username of 1-256 bytes, a password of 1-1024
 * bytes (JSON with an embedded NUL never parses). Until a directory is
 * configured, a well-formed attempt is answered 503 directory_unavailable.
 */
#include "autoconf.h"

#include "api.h"

void
api_session_create(struct api_ctx *c)
{
	json_t		*body;
	const char	*user, *pass;

	if ((body = api_body_object(c)) == NULL)
		return;
	if (api_string(c, body, "username", 1, 1, 256, &user) == -1 ||
	    api_string(c, body, "password", 1, 1, 1024, &pass) == -1)
		return;
	response_error(c->resp, 503, "directory_unavailable",
	    "the directory cannot be reached", NULL);
}
