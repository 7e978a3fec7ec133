/*
 * token: API tokens for machine clients, sent as "Authorization: Bearer".
 * A token belongs to one organization, carries a set of roles and a name,
 * and is shown once when created; the database keeps its SHA-256. Tokens
 * are listed and revoked with vetctl; every use is audited.
 */
#ifndef VETD_TOKEN_H
#define VETD_TOKEN_H

#include "store.h"

#define TOKEN_PREFIX	"vetd_"
#define TOKEN_SIZE	(5 + 43 + 1)

struct token {
	long long	 id;
	long long	 org_id;
	char		 org_slug[64];
	char		 name[64];
	unsigned	 roles;
	char		 created_at[32];
	char		 revoked_at[32];	/* "" while valid */
	char		 last_used_at[32];	/* "" when never used */
};

enum token_status { TOKEN_OK, TOKEN_NONE, TOKEN_EXISTS, TOKEN_ERROR };

/* Create a token; the secret goes to out (shown once). Own transaction. */
enum token_status token_create(struct store *, long long org_id,
		    const char *name, unsigned roles, char out[TOKEN_SIZE]);
/* Find a valid (unrevoked) token by its secret. */
enum token_status token_find(struct store *, const char *secret,
		    struct token *t);
enum token_status token_revoke(struct store *, long long org_id,
		    const char *name);
/* Record a use (at most once a minute per token, to spare the disk). */
int		 token_touch(struct store *, const struct token *);
int		 token_list(struct store *, long long org_id,
		    void (*fn)(const struct token *, void *), void *arg);

#endif
