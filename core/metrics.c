/*
 * metrics: Prometheus counters in a MAP_SHARED region. Layout: for each
 * route (and one "unmatched" slot) a count per tracked status code, a
 * latency histogram with fixed buckets and a latency sum in microseconds;
 * then the worker restart count. All updates are relaxed atomic adds.
 */
#include "autoconf.h"

#include <string.h>
#include <sys/mman.h>

#include "metrics.h"

static const int statuses[] = {
	200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429,
	500, 503, 0 /* other */
};
#define NSTATUS	(sizeof(statuses) / sizeof(statuses[0]))

/* Bucket upper bounds in microseconds; the last bucket is +Inf. */
static const uint64_t bounds_us[] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000
};
#define NBOUNDS	(sizeof(bounds_us) / sizeof(bounds_us[0]))

struct route_slot {
	uint64_t	count[NSTATUS];
	uint64_t	bucket[NBOUNDS + 1];
	uint64_t	sum_us;
};

struct shm {
	uint64_t		restarts;
	size_t			nslots;
	struct route_slot	slots[];
};

static struct shm	*shm;

int
metrics_init(size_t nroutes)
{
	size_t	size = sizeof(struct shm) + (nroutes + 1) *
	    sizeof(struct route_slot);
	void	*p;

	if (shm != NULL)
		return 0;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, size);
	shm = p;
	shm->nslots = nroutes + 1;
	return 0;
}

static size_t
status_index(int status)
{
	size_t	i;

	for (i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void
metrics_request(size_t route, int status, uint64_t dur_us)
{
	struct route_slot	*s;
	size_t			 b;

	if (shm == NULL || route >= shm->nslots)
		return;
	s = &shm->slots[route];
	__atomic_fetch_add(&s->count[status_index(status)], 1,
	    __ATOMIC_RELAXED);
	for (b = 0; b < NBOUNDS && dur_us > bounds_us[b]; b++)
		;
	__atomic_fetch_add(&s->bucket[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->sum_us, dur_us, __ATOMIC_RELAXED);
}

void
metrics_worker_restart(void)
{
	if (shm != NULL)
		__atomic_fetch_add(&shm->restarts, 1, __ATOMIC_RELAXED);
}

uint64_t
metrics_worker_restarts(void)
{
	return shm ? __atomic_load_n(&shm->restarts, __ATOMIC_RELAXED) : 0;
}

static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void
metrics_render(struct buf *b, const struct route *routes, size_t nroutes,
    int schema, int workers)
{
	const struct route_slot	*s;
	const char		*name, *method;
	size_t			 r, i;
	uint64_t		 cum, v;

	util_buf_adds(b,
	    "# HELP vetd_requests_total Requests answered, by route, method "
	    "and status.\n# TYPE vetd_requests_total counter\n");
	for (r = 0; shm != NULL && r < shm->nslots && r <= nroutes; r++) {
		s = &shm->slots[r];
		name = r < nroutes ? routes[r].pattern : "unmatched";
		method = r < nroutes ? routes[r].method : "any";
		for (i = 0; i < NSTATUS; i++) {
			if ((v = ld(&s->count[i])) == 0)
				continue;
			if (statuses[i] != 0)
				util_buf_addf(b, "vetd_requests_total{route=\"%s\","
				    "method=\"%s\",status=\"%d\"} %llu\n", name,
				    method, statuses[i], (unsigned long long)v);
			else
				util_buf_addf(b, "vetd_requests_total{route=\"%s\","
				    "method=\"%s\",status=\"other\"} %llu\n", name,
				    method, (unsigned long long)v);
		}
	}

	util_buf_adds(b,
	    "# HELP vetd_request_duration_seconds Time from the request's "
	    "arrival to its last byte, by route.\n"
	    "# TYPE vetd_request_duration_seconds histogram\n");
	for (r = 0; shm != NULL && r < shm->nslots && r <= nroutes; r++) {
		s = &shm->slots[r];
		name = r < nroutes ? routes[r].pattern : "unmatched";
		method = r < nroutes ? routes[r].method : "any";
		cum = 0;
		for (i = 0; i <= NBOUNDS; i++)
			cum += ld(&s->bucket[i]);
		if (cum == 0)
			continue;
		cum = 0;
		for (i = 0; i < NBOUNDS; i++) {
			cum += ld(&s->bucket[i]);
			util_buf_addf(b, "vetd_request_duration_seconds_bucket"
			    "{route=\"%s\",method=\"%s\",le=\"%g\"} %llu\n", name,
			    method, (double)bounds_us[i] / 1e6,
			    (unsigned long long)cum);
		}
		cum += ld(&s->bucket[NBOUNDS]);
		util_buf_addf(b, "vetd_request_duration_seconds_bucket"
		    "{route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n", name,
		    method, (unsigned long long)cum);
		util_buf_addf(b, "vetd_request_duration_seconds_sum{route=\"%s\","
		    "method=\"%s\"} %.6f\n", name, method,
		    (double)ld(&s->sum_us) / 1e6);
		util_buf_addf(b, "vetd_request_duration_seconds_count"
		    "{route=\"%s\",method=\"%s\"} %llu\n", name, method,
		    (unsigned long long)cum);
	}

	util_buf_addf(b,
	    "# HELP vetd_worker_restarts_total Workers that died and were "
	    "replaced.\n# TYPE vetd_worker_restarts_total counter\n"
	    "vetd_worker_restarts_total %llu\n",
	    (unsigned long long)metrics_worker_restarts());
	util_buf_addf(b,
	    "# HELP vetd_workers Worker processes configured.\n"
	    "# TYPE vetd_workers gauge\nvetd_workers %d\n", workers);
	util_buf_adds(b,
	    "# HELP vetd_schema_version Database schema version (-1: "
	    "unreadable).\n# TYPE vetd_schema_version gauge\n");
	util_buf_addf(b, "vetd_schema_version %d\n", schema);
}
