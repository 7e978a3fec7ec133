/*
 * luafiles: the files of a policy set. Every *.lua file of the set's
 * directories (not their sites/ or tests/) and of scripts/ (three levels
 * deep) is read once, named by its directory's label and relative path
 * ("acme/policy.lua", "scripts/dates.lua"), and sorted; the version of the
 * set is the SHA-256 over every name, length and content, in hex. At most
 * 256 files of at most 1 MiB each.
 */
#ifndef VETD_LUAFILES_H
#define VETD_LUAFILES_H

#include <stddef.h>

#include "luahost.h"

struct pfile {
	char	*name;
	char	*data;
	size_t	 len;
};

struct luafiles {
	struct pfile	*v;
	size_t		 n;
};

/* Read the files of src into fl (sorted by name). 0, or -1 with err. */
int	luafiles_collect(const struct policy_source *src, struct luafiles *fl,
	    char *err, size_t errlen);
void	luafiles_free(struct luafiles *);
void	luafiles_version(const struct luafiles *, char out[65]);
/* Order of two struct pfile by name (for qsort and bsearch). */
int	luafiles_cmp(const void *, const void *);

#endif
