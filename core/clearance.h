/*
 * clearance: the register of who holds which clearance, at which level and
 * site, granted when and valid until when (by default five years from the
 * agency's notice, REGDOC 5.2.6), with its restrictions and status. Queries
 * stay indexed by organization and expiry, so "expiring within 180 days"
 * is fast over a million rows.
 */
#ifndef VETD_CLEARANCE_H
#define VETD_CLEARANCE_H

#include <jansson.h>

#include "store.h"

/* Record a clearance; inside the caller's transaction. */
int	clearance_issue(struct store *, long long org_id, long long person_id,
	    long long case_id, long long site_id, const char *level,
	    const char *granted_on, const char *expires_on, json_t *restrictions,
	    long long *id);

struct clearance_filter {
	const char	*status;
	const char	*level;
	const char	*site;
	const char	*expiring_before;	/* YYYY-MM-DD */
	const char	*holder;	/* username: the holder's own only */
	int		 review_due;	/* only those with a flagged review */
	long long	 before;
	long long	 limit;
};

/* The organization's clearances matching f, newest first. */
json_t	*clearance_list(struct store *, long long org_id,
	    const struct clearance_filter *f);
/* One clearance, or NULL. */
json_t	*clearance_get(struct store *, long long org_id, long long id);

#endif
