/*
 * api_session: signing in and out, and "who am I".
 *
 * POST /api/v1/session checks its input before anything goes near the
 * directory: a username of 1-256 bytes and a password of 1-1024 bytes (JSON
 * with an embedded NUL never parses; an empty password would be an
 * unauthenticated bind). Sign-ins too quick after failures are told to wait
 * (429). An unknown user and a wrong password get the same answer. Every
 * attempt, good or bad, is audited.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "org.h"

/* Audit a failed or refused sign-in (with the throttle count when asked). */
static void
sign_in_failed(struct api_ctx *c, const char *user, const char *why,
    int count_failure)
{
	struct audit_event	 ev;
	json_t			*detail = json_pack("{s:s}", "reason", why);

	snprintf(c->actor, sizeof(c->actor), "user:%s", user);
	api_audit_event(c, &ev, "session.sign_in_failed", "session", detail);
	if (store_begin(c->store) == 0) {
		if ((!count_failure || session_throttle_fail(c->store, user,
		    c->req->remote_addr, c->now) == 0) &&
		    audit_append(c->store, &ev) == 0)
			store_commit(c->store);
		else
			store_rollback(c->store);
	}
	json_decref(detail);
}

static void
set_cookie(struct api_ctx *c, const char *token)
{
	char	v[256];

	snprintf(v, sizeof(v), "%s=%s; Path=/; Max-Age=%lld; HttpOnly; "
	    "SameSite=Strict%s", api_cookie_name(c), token,
	    c->cfg->session_absolute, c->cfg->insecure_cookie ? "" : "; Secure");
	response_header(c->resp, "Set-Cookie", v);
}

static json_t *
me_json(struct api_ctx *c)
{
	return json_pack("{s:{s:s, s:s}, s:s, s:o, s:s, s:{s:I, s:I}}",
	    "user", "name", c->sess.username, "display_name",
	    c->sess.display_name, "organization", c->org_slug, "roles",
	    api_roles_json(c->sess.roles), "csrf_token", c->sess.csrf,
	    "session", "idle_timeout", (json_int_t)c->cfg->session_idle,
	    "expires_at", (json_int_t)(c->sess.created_at +
	    c->cfg->session_absolute));
}

void
api_session_create(struct api_ctx *c)
{
	struct auth_identity	 id;
	struct audit_event	 ev;
	char			 token[SESSION_TOKEN_SIZE], wait[24];
	const char		*user, *pass;
	json_t			*body;
	long long		 w, oid;
	int			 ok = 0;

	if ((body = api_body_object(c)) == NULL)
		return;
	if (api_string(c, body, "username", 1, 1, AUTH_USERNAME_MAX,
	    &user) == -1 ||
	    api_string(c, body, "password", 1, 1, 1024, &pass) == -1 ||
	    (user = api_username(c, user, "username")) == NULL)
		return;
	if (!api_sign_in_origin_ok(c)) {
		sign_in_failed(c, user, "foreign origin", 0);
		response_error(c->resp, 403, "csrf_failed",
		    "sign in from vetd's own pages", NULL);
		return;
	}
	if ((w = session_throttle_wait(c->store, user, c->req->remote_addr,
	    c->now)) > 0) {
		sign_in_failed(c, user, "throttled", 0);
		snprintf(wait, sizeof(wait), "%lld", w);
		response_header(c->resp, "Retry-After", wait);
		response_error(c->resp, 429, "too_many_attempts",
		    "too many failed sign-ins; wait before trying again", NULL);
		return;
	}

	switch (auth_login(c->auth, user, strlen(user), pass, strlen(pass),
	    &id)) {
	case AUTH_OK:
		break;
	case AUTH_UNAVAILABLE:
		sign_in_failed(c, user, "directory unavailable", 0);
		response_error(c->resp, 503, "directory_unavailable",
		    "the directory cannot be reached; try again shortly", NULL);
		return;
	case AUTH_NO_ACCESS:
		sign_in_failed(c, user, "no organization or role", 0);
		response_error(c->resp, 403, "no_access",
		    "your directory account has no role in vetd", NULL);
		return;
	case AUTH_BAD_CREDENTIALS:
	default:
		sign_in_failed(c, user, "bad credentials", 1);
		response_error(c->resp, 401, "bad_credentials",
		    "the username or password is not right", NULL);
		return;
	}
	if (org_id(c->store, id.org->slug, &oid) != ORG_OK) {
		log_error("event=org_not_registered org=%s",
		    log_quote_tmp(id.org->slug));
		sign_in_failed(c, user, "organization not registered", 0);
		response_error(c->resp, 403, "no_access",
		    "your organization is not set up in vetd", NULL);
		return;
	}

	snprintf(c->actor, sizeof(c->actor), "user:%s", id.username);
	snprintf(c->org_slug, sizeof(c->org_slug), "%s", id.org->slug);
	c->who.org_id = oid;
	api_audit_event(c, &ev, "session.sign_in", "session", NULL);
	if (store_begin(c->store) == 0) {
		if (session_create(c->store, &id, oid, c->now,
		    c->cfg->dir.refresh, token, &c->sess) == 0 &&
		    session_throttle_clear(c->store, user,
		    c->req->remote_addr) == 0 &&
		    audit_append(c->store, &ev) == 0 &&
		    store_commit(c->store) == 0)
			ok = 1;
		else
			store_rollback(c->store);
	}
	if (!ok) {
		response_error(c->resp, 503, "unavailable",
		    "the session could not be stored", NULL);
		return;
	}
	set_cookie(c, token);
	response_json(c->resp, 200, me_json(c));
}

void
api_session_delete(struct api_ctx *c)
{
	struct audit_event	ev;
	char			v[160];

	if (api_allow(c, ACT_SELF_SIGN_OUT, NULL, "session") == -1)
		return;
	if (!c->via_cookie) {
		response_error(c->resp, 400, "bad_request",
		    "an API token has no session; revoke it with vetctl", NULL);
		return;
	}
	api_audit_event(c, &ev, "session.sign_out", "session", NULL);
	if (store_begin(c->store) == -1 ||
	    session_delete(c->store, c->sess.id) == -1 ||
	    audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		response_error(c->resp, 503, "unavailable",
		    "the session could not be ended", NULL);
		return;
	}
	snprintf(v, sizeof(v), "%s=; Path=/; Max-Age=0; HttpOnly; "
	    "SameSite=Strict%s", api_cookie_name(c),
	    c->cfg->insecure_cookie ? "" : "; Secure");
	response_header(c->resp, "Set-Cookie", v);
	response_json(c->resp, 200, json_pack("{s:b}", "signed_out", 1));
}

void
api_me(struct api_ctx *c)
{
	if (api_allow(c, ACT_SELF_READ, NULL, "me") == -1)
		return;
	if (!c->via_cookie) {
		response_json(c->resp, 200, json_pack("{s:{s:s}, s:s, s:o}",
		    "token", "name", c->actor + strlen("token:"),
		    "organization", c->org_slug, "roles",
		    api_roles_json(c->who.roles)));
		return;
	}
	response_json(c->resp, 200, me_json(c));
}
