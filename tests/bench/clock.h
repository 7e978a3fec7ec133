/*
 * clock: the monotonic clock in seconds, for the bench references that
 * time themselves (sqlitecommit, aeadspeed).
 */
#ifndef VETD_BENCH_CLOCK_H
#define VETD_BENCH_CLOCK_H

#include <time.h>

static inline double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
