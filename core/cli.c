/*
 * cli: option parsing for vetctl's commands. See cli.h.
 */
#include "autoconf.h"

#include <string.h>

#include "cli.h"

const char *
cli_opt(int argc, char **argv, const char *name)
{
	int	i;

	for (i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

int
cli_args_ok(int argc, char **argv, int npos, const char *const *allowed)
{
	const char *const	*a;
	int			 i;

	if (argc < npos || (argc - npos) % 2 != 0)
		return 0;
	for (i = npos; i < argc; i += 2) {
		for (a = allowed; *a != NULL; a++)
			if (strcmp(argv[i], *a) == 0)
				break;
		if (*a == NULL)
			return 0;
	}
	return 1;
}
