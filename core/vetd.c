/*
 * vetd: the FastCGI server. It reads one configuration file and runs the
 * master and its workers in the foreground (systemd, or a terminal), with
 * logs on stderr. `vetd -n` only checks the configuration.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "server.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: vetd [-nV] [-f file]\n"
	    "  -f file  configuration (default %s/vetd.conf)\n"
	    "  -n       check the configuration and exit\n"
	    "  -V       print the version and exit\n", VETD_SYSCONFDIR);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*file = VETD_SYSCONFDIR "/vetd.conf";
	struct config	*cfg;
	char		 err[512];
	int		 ch, check = 0;

	while ((ch = getopt(argc, argv, "f:nV")) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'V':
			printf("vetd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (sodium_init() == -1) {
		fprintf(stderr, "vetd: libsodium cannot start\n");
		return 1;
	}

	if (config_load(file, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "vetd: %s: %s\n", file, err);
		return 1;
	}
	if (check) {
		printf("vetd: configuration ok\n");
		config_free(cfg);
		return 0;
	}
	return server_run(cfg);
}
