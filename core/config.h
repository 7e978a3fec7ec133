/*
 * config: the one configuration file, conf/vetd.conf. It is a Lua chunk run
 * as data in an empty environment (no functions, no libraries, a small
 * instruction and memory budget); the globals it sets are checked against a
 * schema. Unknown keys, wrong types and out-of-range numbers are errors
 * naming the key ("listen.mode: ..."). Relative paths are resolved against
 * the directory of the configuration file.
 */
#ifndef VETD_CONFIG_H
#define VETD_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "log.h"

struct config {
	char		*path;		/* the file this came from */
	char		*dir;		/* its directory */

	/* listen: exactly one of socket_path or tcp_host */
	char		*socket_path;
	long long	 socket_mode;
	char		*socket_group;	/* NULL: leave the group alone */
	char		*tcp_host;
	long long	 tcp_port;
	long long	 backlog;

	long long	 workers;
	char		*database;
	long long	 max_body;
	long long	 drain_timeout;
	long long	 busy_timeout;
	enum log_level	 log_level;
};

/*
 * Read and check FILE. On success returns 0 and a config the caller frees
 * with config_free(). On failure returns -1 with "key: reason" (or a load
 * error with its line) in err.
 */
int	config_load(const char *file, struct config **out, char *err, size_t errlen);
void	config_free(struct config *);

#endif
