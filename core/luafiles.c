/*
 * luafiles: the files of a policy set, read once, sorted, and hashed into
 * its version. See luafiles.h.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "luafiles.h"
#include "util.h"

#define MAX_FILES	256
#define MAX_FILE_SIZE	(1024 * 1024)

/* --- files and versions ------------------------------------------------------ */

int
luafiles_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pfile *)a)->name,
	    ((const struct pfile *)b)->name);
}

static int
read_whole(const char *path, char **data, size_t *len, char *err,
    size_t errlen)
{
	FILE		*fp;
	struct stat	 sb;
	char		*d;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &sb) == -1 || sb.st_size > MAX_FILE_SIZE) {
		fclose(fp);
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
		return -1;
	}
	d = xmalloc((size_t)sb.st_size + 1);
	if (fread(d, 1, (size_t)sb.st_size, fp) != (size_t)sb.st_size) {
		fclose(fp);
		free(d);
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	fclose(fp);
	d[sb.st_size] = '\0';
	*data = d;
	*len = (size_t)sb.st_size;
	return 0;
}

void
luafiles_free(struct luafiles *fl)
{
	size_t	i;

	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].name);
		free(fl->v[i].data);
	}
	free(fl->v);
	fl->v = NULL;
	fl->n = 0;
}

/*
 * Add every *.lua file under dir (into subdirectories up to depth, but
 * never "sites" or "tests") to fl, named label + relative path.
 */
static int
collect(struct luafiles *fl, const char *dir, const char *label, int depth,
    char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path, *name;
	size_t		 len;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		name = xasprintf("%s%s", label, e->d_name);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (depth > 0 && strcmp(e->d_name, "sites") != 0 &&
			    strcmp(e->d_name, "tests") != 0) {
				free(name);
				name = xasprintf("%s%s/", label, e->d_name);
				rc = collect(fl, path, name, depth - 1, err,
				    errlen);
			}
		} else if ((len = strlen(e->d_name)) > 4 &&
		    strcmp(e->d_name + len - 4, ".lua") == 0 &&
		    S_ISREG(sb.st_mode)) {
			if (fl->n == MAX_FILES) {
				snprintf(err, errlen, "%s: too many files", dir);
				rc = -1;
			} else {
				fl->v = xrealloc(fl->v, (fl->n + 1) *
				    sizeof(*fl->v));
				if (read_whole(path, &fl->v[fl->n].data,
				    &fl->v[fl->n].len, err, errlen) == -1)
					rc = -1;
				else {
					fl->v[fl->n].name = name;
					name = NULL;
					fl->n++;
				}
			}
		}
		free(name);
		free(path);
	}
	closedir(d);
	return rc;
}

int
luafiles_collect(const struct policy_source *src, struct luafiles *fl,
    char *err, size_t errlen)
{
	size_t	i;

	memset(fl, 0, sizeof(*fl));
	for (i = 0; i < 3 && src->dirs[i] != NULL; i++)
		if (collect(fl, src->dirs[i], src->labels[i], 2, err,
		    errlen) == -1)
			goto fail;
	if (collect(fl, src->scripts_dir, "scripts/", 3, err, errlen) == -1)
		goto fail;
	qsort(fl->v, fl->n, sizeof(*fl->v), luafiles_cmp);
	return 0;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "cannot read the policy files");
	luafiles_free(fl);
	return -1;
}

void
luafiles_version(const struct luafiles *fl, char out[65])
{
	crypto_hash_sha256_state	h;
	unsigned char			d[32];
	char				num[32];
	size_t				i;
	int				n;

	crypto_hash_sha256_init(&h);
	for (i = 0; i < fl->n; i++) {
		n = snprintf(num, sizeof(num), "%zu", fl->v[i].len);
		crypto_hash_sha256_update(&h, (const unsigned char *)fl->v[i].name,
		    strlen(fl->v[i].name) + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)num,
		    (size_t)n + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)fl->v[i].data,
		    fl->v[i].len);
	}
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof(d));
}



