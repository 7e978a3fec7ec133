/*
 * api_auth: who is calling, and what happens when they may not. Every route
 * marked ROUTE_AUTH goes through api_authenticate() before its handler, and
 * every handler asks api_allow() before it touches an object.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "audit.h"
#include "log.h"
#include "org.h"
#include "token.h"

/* A session whose directory check failed for want of the directory is
 * checked again this much later. */
#define REFRESH_RETRY	30

const char *
api_cookie_name(const struct api_ctx *c)
{
	/* The __Host- prefix makes browsers insist on Secure, Path=/ and no
	 * Domain; a plain-http demo cannot have it. */
	return c->cfg->insecure_cookie ? "vetd_session" : "__Host-vetd_session";
}

json_t *
api_roles_json(unsigned roles)
{
	json_t	*a = json_array();
	int	 r;

	for (r = 0; r < ROLE_COUNT; r++)
		if (roles & ROLE_BIT(r))
			json_array_append_new(a,
			    json_string(access_role_name((enum role)r)));
	return a;
}

void
api_audit_event(struct api_ctx *c, struct audit_event *ev, const char *action,
    const char *target, json_t *detail)
{
	ev->actor = c->actor[0] ? c->actor : "anonymous";
	ev->org_id = c->who.org_id;
	ev->action = action;
	ev->target = target;
	ev->client_addr = c->req->remote_addr;
	ev->request_id = c->req->rid;
	ev->detail = detail;
}

int
api_audit(struct api_ctx *c, const char *action, const char *target,
    json_t *detail)
{
	struct audit_event	ev;

	api_audit_event(c, &ev, action, target, detail);
	return audit_record(c->store, &ev);
}

int
api_refuse(struct api_ctx *c, int status, const char *code, const char *message,
    const char *reason, const char *target)
{
	json_t	*detail;

	detail = json_pack("{s:s, s:s, s:s}", "reason", reason, "route",
	    c->route < api_nroutes ? api_routes[c->route].pattern : "",
	    "method", c->req->method);
	if (api_audit(c, "access.denied", target, detail) == -1) {
		json_decref(detail);
		response_error(c->resp, 503, "unavailable",
		    "the refusal could not be recorded", NULL);
		return -1;
	}
	json_decref(detail);
	response_error(c->resp, status, code, message, NULL);
	return -1;
}

int
api_allow(struct api_ctx *c, enum access_action act,
    const struct access_object *obj, const char *target)
{
	enum access_decision	 d;
	const char		*reason;

	d = access_check(c->signed_in ? &c->who : NULL, act, obj, &reason);
	if (d == ACCESS_ALLOW)
		return 0;
	if (d == ACCESS_NOT_FOUND)
		return api_refuse(c, 404, "not_found", "no such resource", reason,
		    target);
	return api_refuse(c, 403, "forbidden", reason, reason, target);
}

static int
unauthorized(struct api_ctx *c, const char *code, const char *msg)
{
	char	cookie[128];

	/* Tell the browser to drop a cookie that no longer works. */
	if (c->via_cookie) {
		snprintf(cookie, sizeof(cookie), "%s=; Path=/; Max-Age=0; "
		    "HttpOnly; SameSite=Strict%s", api_cookie_name(c),
		    c->cfg->insecure_cookie ? "" : "; Secure");
		response_header(c->resp, "Set-Cookie", cookie);
	}
	response_error(c->resp, 401, code, msg, NULL);
	return -1;
}

static int
by_token(struct api_ctx *c, const char *secret)
{
	struct token		t;
	struct audit_event	ev;
	json_t			*detail;
	int			rc = -1;

	switch (token_find(c->store, secret, &t)) {
	case TOKEN_OK:
		break;
	case TOKEN_NONE:
		return unauthorized(c, "bad_token",
		    "the API token is not valid or was revoked");
	default:
		response_error(c->resp, 503, "unavailable",
		    "the database is unavailable", NULL);
		return -1;
	}
	c->signed_in = 1;
	c->who.org_id = t.org_id;
	c->who.roles = t.roles;
	c->who.token_id = t.id;
	snprintf(c->org_slug, sizeof(c->org_slug), "%s", t.org_slug);
	snprintf(c->actor, sizeof(c->actor), "token:%s", t.name);
	c->who.org_slug = c->org_slug;
	c->who.actor = c->actor;

	detail = json_pack("{s:s, s:s}", "route", api_routes[c->route].pattern,
	    "method", c->req->method);
	api_audit_event(c, &ev, "token.use", "token", detail);
	if (store_begin(c->store) == 0 && audit_append(c->store, &ev) == 0 &&
	    token_touch(c->store, &t) == 0 && store_commit(c->store) == 0)
		rc = 0;
	else {
		store_rollback(c->store);
		response_error(c->resp, 503, "unavailable",
		    "the token use could not be recorded", NULL);
	}
	json_decref(detail);
	return rc;
}

/* The directory no longer lets this user in: end the session. */
static int
session_revoked(struct api_ctx *c, const char *why)
{
	struct audit_event	 ev;
	json_t			*detail = json_pack("{s:s}", "reason", why);

	api_audit_event(c, &ev, "session.ended_by_directory", "session", detail);
	if (store_begin(c->store) == 0) {
		if (session_delete(c->store, c->sess.id) == 0 &&
		    audit_append(c->store, &ev) == 0)
			store_commit(c->store);
		else
			store_rollback(c->store);
	}
	json_decref(detail);
	c->signed_in = 0;
	return unauthorized(c, "session_expired",
	    "your directory account no longer gives you access; sign in again");
}

/* Re-read the user's groups when due (directory.refresh). 0 or -1. */
static int
refresh_roles(struct api_ctx *c)
{
	struct auth_identity	 id;
	struct audit_event	 ev;
	json_t			*detail;

	if (c->now < c->sess.refresh_due)
		return 0;
	switch (auth_lookup(c->auth, c->sess.username, &id)) {
	case AUTH_OK:
		break;
	case AUTH_UNAVAILABLE:
		/* Keep working on the roles we have; try again shortly. */
		session_defer_refresh(c->store, c->sess.id,
		    c->now + REFRESH_RETRY);
		return 0;
	case AUTH_BAD_CREDENTIALS:
		return session_revoked(c, "user not found or disabled");
	case AUTH_NO_ACCESS:
	default:
		return session_revoked(c, "no organization or role");
	}
	if (strcmp(id.org->slug, c->org_slug) != 0)
		return session_revoked(c, "organization changed");
	if (id.roles != c->sess.roles) {
		detail = json_pack("{s:o, s:o}", "from",
		    api_roles_json(c->sess.roles), "to", api_roles_json(id.roles));
		api_audit_event(c, &ev, "session.roles_changed", "session",
		    detail);
		if (store_begin(c->store) == 0 &&
		    session_set_roles(c->store, c->sess.id, id.roles,
		    id.display_name, c->now + c->cfg->dir.refresh) == 0 &&
		    audit_append(c->store, &ev) == 0)
			store_commit(c->store);
		else
			store_rollback(c->store);
		json_decref(detail);
		c->sess.roles = id.roles;
	} else
		session_set_roles(c->store, c->sess.id, id.roles,
		    id.display_name, c->now + c->cfg->dir.refresh);
	return 0;
}

/*
 * Same origin as this request: Origin equals scheme://host[:port], built
 * from what nginx says of the request (REQUEST_SCHEME, HTTP_HOST without
 * its port, SERVER_PORT). Browsers leave out a default port, and so may
 * HTTP_HOST carry none.
 */
static int
origin_ok(struct api_ctx *c, const char *origin)
{
	const char	*host = request_header(c->req, "Host");
	const char	*scheme = c->req->getparam(c->req->io, "REQUEST_SCHEME");
	const char	*port = c->req->getparam(c->req->io, "SERVER_PORT");
	char		 want[512];
	int		 dflt;

	if (host == NULL || scheme == NULL || strchr(host, '/') != NULL)
		return 0;
	dflt = port == NULL || (strcmp(scheme, "http") == 0 &&
	    strcmp(port, "80") == 0) || (strcmp(scheme, "https") == 0 &&
	    strcmp(port, "443") == 0);
	if (dflt || strchr(host, ':') != NULL)
		snprintf(want, sizeof(want), "%s://%s", scheme, host);
	else
		snprintf(want, sizeof(want), "%s://%s:%s", scheme, host, port);
	return strcasecmp(origin, want) == 0;
}

/*
 * A cookie carries itself: a state change made with it must prove it comes
 * from our own pages, by an Origin of our own or the session's CSRF token
 * echoed in X-CSRF-Token.
 */
static int
csrf_ok(struct api_ctx *c)
{
	const char	*m = c->req->method, *tok, *origin;

	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		return 1;
	tok = request_header(c->req, "X-CSRF-Token");
	if (tok != NULL && strlen(tok) == SESSION_TOKEN_SIZE - 1 &&
	    util_memeq(tok, c->sess.csrf, SESSION_TOKEN_SIZE - 1))
		return 1;
	origin = request_header(c->req, "Origin");
	return origin != NULL && origin_ok(c, origin);
}

int
api_sign_in_origin_ok(struct api_ctx *c)
{
	const char	*origin = request_header(c->req, "Origin");

	return origin == NULL || origin_ok(c, origin);
}

int
api_authenticate(struct api_ctx *c)
{
	const char		*authz, *cookie;
	const struct config_org	*o;
	long long		 touch_every;

	authz = request_header(c->req, "Authorization");
	if (authz != NULL) {
		if (strncasecmp(authz, "Bearer ", 7) != 0)
			return unauthorized(c, "bad_token",
			    "Authorization must be a Bearer token");
		return by_token(c, authz + 7);
	}
	if ((cookie = request_cookie(c->req, api_cookie_name(c))) == NULL)
		return unauthorized(c, "not_signed_in", "sign in first");
	c->via_cookie = 1;
	switch (session_find(c->store, cookie, c->now, c->cfg->session_idle,
	    c->cfg->session_absolute, &c->sess)) {
	case SESSION_OK:
		break;
	case SESSION_NONE:
		return unauthorized(c, "not_signed_in", "sign in first");
	case SESSION_EXPIRED:
		return unauthorized(c, "session_expired",
		    "your session has expired; sign in again");
	default:
		response_error(c->resp, 503, "unavailable",
		    "the database is unavailable", NULL);
		return -1;
	}
	if (org_slug_by_id(c->store, c->sess.org_id, c->org_slug,
	    sizeof(c->org_slug)) != ORG_OK)
		return unauthorized(c, "not_signed_in", "sign in first");
	c->signed_in = 1;
	c->who.org_id = c->sess.org_id;
	c->who.org_slug = c->org_slug;
	c->who.username = c->sess.username;
	c->who.session_id = c->sess.id;
	snprintf(c->actor, sizeof(c->actor), "user:%s", c->sess.username);
	c->who.actor = c->actor;
	if (refresh_roles(c) == -1)
		return -1;
	c->who.roles = c->sess.roles;
	if ((o = config_org_find(c->cfg, c->org_slug)) != NULL)
		c->who.see_all = o->see_all & c->who.roles;

	if (!csrf_ok(c))
		return api_refuse(c, 403, "csrf_failed", "this change must come "
		    "from vetd's own pages (Origin) or carry X-CSRF-Token",
		    "csrf check failed", "session");
	/* Idle time is kept to the nearest quarter of the idle timeout (at
	 * most a minute), not written on every request. */
	touch_every = c->cfg->session_idle / 4;
	if (touch_every > 60)
		touch_every = 60;
	if (c->now - c->sess.last_seen >= touch_every)
		session_touch(c->store, c->sess.id, c->now);
	return 0;
}
