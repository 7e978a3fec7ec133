/*
 * org: organizations (tenants) and their sites. An organization and a site
 * are named by a slug (a-z, 0-9 and '-', starting with a letter, at most 63
 * bytes) and carry a display name (1-200 bytes, no control characters).
 */
#ifndef VETD_ORG_H
#define VETD_ORG_H

#include "store.h"

struct org {
	long long	 id;
	const char	*slug;
	const char	*name;
	const char	*created_at;
};

struct site {
	long long	 id;
	const char	*org_slug;
	const char	*slug;
	const char	*name;
	const char	*created_at;
};

enum org_status { ORG_OK, ORG_INVALID, ORG_EXISTS, ORG_NOT_FOUND, ORG_ERROR };

int		org_slug_valid(const char *);
int		org_name_valid(const char *);

enum org_status	org_add(struct store *, const char *slug, const char *name);
enum org_status	org_site_add(struct store *, const char *org_slug,
		    const char *slug, const char *name);
/* Call fn for each row, in slug order; the row is valid only during the
 * call. Returns 0 or -1. */
int		org_list(struct store *, void (*fn)(const struct org *, void *),
		    void *arg);
int		org_site_list(struct store *, const char *org_slug,
		    void (*fn)(const struct site *, void *), void *arg);
/* The slug of organization id into buf. ORG_OK, ORG_NOT_FOUND, ORG_ERROR. */
enum org_status	org_slug_by_id(struct store *, long long id, char *buf,
		    size_t len);
/* The id of organization org_id's site slug. */
enum org_status	org_site_id(struct store *, long long org_id, const char *slug,
		    long long *id);
/* Does organization org_id have a site named slug? */
int		org_site_exists(struct store *, long long org_id, const char *slug);
/* Look up an organization id by slug. ORG_OK, ORG_NOT_FOUND or ORG_ERROR. */
enum org_status	org_id(struct store *, const char *slug, long long *id);

#endif
