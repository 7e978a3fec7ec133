/*
 * metrics: request counters and latency histograms shared by the master and
 * every worker. The master maps one anonymous shared region before it forks;
 * workers add to it with atomic operations, so /metrics served by any
 * worker shows the whole server, and a worker's death loses nothing.
 */
#ifndef VETD_METRICS_H
#define VETD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "router.h"
#include "util.h"

/* Map the shared region for nroutes routes (+1 for unmatched). Once, in
 * the master before forking. 0 or -1. */
int	metrics_init(size_t nroutes);
/* Count one request. route == nroutes means "unmatched". */
void	metrics_request(size_t route, int status, uint64_t dur_us);
void	metrics_worker_restart(void);
uint64_t metrics_worker_restarts(void);
/* Append the Prometheus text exposition to b. schema < 0: unknown. */
void	metrics_render(struct buf *b, const struct route *, size_t nroutes,
	    int schema, int workers);

#endif
