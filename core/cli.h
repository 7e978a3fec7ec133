/*
 * cli: the small argument parsing vetctl's commands share: after a
 * command's positional arguments come only "--name value" pairs, each name
 * from the command's list.
 */
#ifndef VETD_CLI_H
#define VETD_CLI_H

/* The value of option name in argv, or NULL. */
const char	*cli_opt(int argc, char **argv, const char *name);
/* argv has npos positional arguments, then only allowed "--opt value"
 * pairs (allowed is NULL-terminated). 1 when it does, else 0. */
int		 cli_args_ok(int argc, char **argv, int npos,
		    const char *const *allowed);

#endif
