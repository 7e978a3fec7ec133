/*
 * server: the FastCGI server. A master process opens the listening socket
 * (unix socket or loopback TCP), applies database migrations, maps the
 * shared metrics and forks the workers. It respawns a worker that dies,
 * re-reads the configuration on SIGHUP (a new generation of workers
 * replaces the old one, which finishes what it is doing), and on SIGTERM or
 * SIGINT lets every worker finish its request before exiting.
 *
 * A worker is single-threaded: it waits for a connection with ppoll(2),
 * the only place its stop signals are unblocked, so a request in progress
 * is never interrupted; then it accepts with FCGX_Accept_r on the
 * non-blocking socket, answers, and loops.
 */
#ifndef VETD_SERVER_H
#define VETD_SERVER_H

#include "config.h"

/* Run until stopped. Takes ownership of cfg. Returns the exit status. */
int	server_run(struct config *cfg);

#endif
