/*
 * session: signed-in sessions and sign-in throttling. A session is named by
 * a 256-bit random token (libsodium) that only the browser holds, in a
 * cookie; the database keeps its SHA-256. Sessions end when idle too long,
 * when too old, at sign-out, or when a role refresh finds the user gone.
 * Every function takes the time as `now` (unix seconds) from its caller, so
 * expiry can be tested with any clock.
 *
 * Throttling counts failed sign-ins per username and per client address and
 * answers with growing waits (no hard lockout that an attacker could turn
 * against a victim): after 3 failures for a username, 1 s, then 2, 4 ...
 * up to 60 s. A client address, which a whole office behind one NAT may
 * share, has 20 failures before its waits begin.
 */
#ifndef VETD_SESSION_H
#define VETD_SESSION_H

#include "auth.h"
#include "store.h"

#define SESSION_TOKEN_SIZE	44	/* base64url of 32 bytes, with NUL */

struct session {
	long long	id;
	char		username[AUTH_USERNAME_MAX + 1];
	char		display_name[257];
	long long	org_id;
	unsigned	roles;
	char		csrf[SESSION_TOKEN_SIZE];
	long long	created_at;
	long long	last_seen;
	long long	refresh_due;
};

enum session_status { SESSION_OK, SESSION_NONE, SESSION_EXPIRED,
    SESSION_ERROR };

/* A fresh random token, base64url without padding, into out. */
void	session_token_new(char out[SESSION_TOKEN_SIZE]);
/* SHA-256 of a token string. */
void	session_token_hash(const char *token, unsigned char out[32]);

/* Create a session for id in org_id. Inside the caller's transaction.
 * Writes the cookie token to token and fills *out. 0 or -1. */
int	session_create(struct store *, const struct auth_identity *id,
	    long long org_id, long long now, long long refresh_every,
	    char token[SESSION_TOKEN_SIZE], struct session *out);

/*
 * Find the session for a cookie token. An idle or too old session is
 * deleted and reported SESSION_EXPIRED. Its own writes, no transaction
 * needed.
 */
enum session_status session_find(struct store *, const char *token,
	    long long now, long long idle, long long absolute,
	    struct session *out);

int	session_touch(struct store *, long long id, long long now);
int	session_set_roles(struct store *, long long id, unsigned roles,
	    const char *display_name, long long refresh_due);
int	session_defer_refresh(struct store *, long long id, long long due);
int	session_delete(struct store *, long long id);

/* Seconds the next sign-in for username from addr must wait; 0: go on. */
long long session_throttle_wait(struct store *, const char *username,
	    const char *addr, long long now);
/* Count a failure (inside the caller's transaction). 0 or -1. */
int	session_throttle_fail(struct store *, const char *username,
	    const char *addr, long long now);
/* A success clears the username's and the address's counts. */
int	session_throttle_clear(struct store *, const char *username,
	    const char *addr);
#define SESSION_FREE_FAILURES_USER	3
#define SESSION_FREE_FAILURES_ADDR	20

/* The wait after failures, the first free_failures of them costing none. */
long long session_throttle_delay(long long failures, long long free_failures);

#endif
