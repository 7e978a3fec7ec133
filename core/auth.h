/*
 * auth: signing in against the corporate directory (LDAP or Active
 * Directory). A service account searches for the user with the configured
 * filter, the username escaped by libldap (RFC 4515); exactly one entry
 * must match; then vetd binds as that entry with the user's password on a
 * fresh connection. The user's groups (memberOf, a group search, and an
 * optional nested-group filter) give the organization and the roles, per
 * the configuration. Transport is ldap://, ldaps:// or StartTLS, with the
 * certificate always verified and no fallback to plaintext.
 */
#ifndef VETD_AUTH_H
#define VETD_AUTH_H

#include "config.h"

#define AUTH_USERNAME_MAX	256

enum auth_status {
	AUTH_OK,
	AUTH_BAD_CREDENTIALS,	/* unknown user, wrong password: one answer */
	AUTH_NO_ACCESS,		/* signed in, but in no organization/role */
	AUTH_UNAVAILABLE	/* directory unreachable or misconfigured */
};

struct auth_identity {
	char			 dn[1024];
	char			 username[AUTH_USERNAME_MAX + 1];
	char			 display_name[257];
	const struct config_org	*org;
	unsigned		 roles;
};

struct auth;

/* One per worker; keeps the service connection open. cfg must outlive it. */
struct auth	*auth_new(const struct config *);
void		 auth_free(struct auth *);

/*
 * Check username and password. Refuses without contacting the directory an
 * empty password, a username of 0 or more than AUTH_USERNAME_MAX bytes, and
 * either one with a NUL byte (ulen and plen are the byte lengths).
 */
enum auth_status auth_login(struct auth *, const char *user, size_t ulen,
		    const char *pass, size_t plen, struct auth_identity *);

/* Re-read a signed-in user's entry and groups (no password), for the role
 * refresh. AUTH_BAD_CREDENTIALS when the user is gone or disabled. */
enum auth_status auth_lookup(struct auth *, const char *user,
		    struct auth_identity *);

#endif
