/*
 * Unit tests of metrics: nothing is counted or rendered before
 * metrics_init; after it, metrics_request for a few routes, statuses and
 * durations must show up in metrics_render as exact counter lines (an
 * unknown status as "other", the unmatched slot as route="unmatched"),
 * cumulative histogram buckets at the documented bounds (le="0.001" ...
 * le="5", +Inf equal to _count, the sum in seconds), the worker restart
 * counter, the workers and schema gauges; route indexes out of range are
 * ignored, counts made by a forked child are seen by the parent, and no
 * series appears twice in the exposition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "metrics.h"
#include "util.h"

static const struct route routes[] = {
	{ "GET",	"/a",		NULL, 0 },
	{ "POST",	"/b",		NULL, 0 },
	{ "GET",	"/c/{id}",	NULL, 0 },
};
#define NROUTES	nitems(routes)

static struct buf out;

static void setup(void)
{
	util_buf_init(&out);
}

static void teardown(void)
{
	util_buf_free(&out);
}

TestSuite(metrics, .init = setup, .fini = teardown);

static const char *render(int schema, int workers)
{
	util_buf_reset(&out);
	metrics_render(&out, routes, NROUTES, schema, workers);
	cr_assert_not_null(out.data);
	return out.data;
}

/* The text has line as a whole line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

#define assert_line(text, line)						\
	cr_assert(has_line(text, line), "no line \"%s\" in:\n%s", line, text)
#define assert_no_line_with(text, part)					\
	cr_assert_null(strstr(text, part), "\"%s\" in:\n%s", part, text)

/* --- before init -------------------------------------------------------- */

Test(metrics, nothing_before_init)
{
	const char *m;

	metrics_request(0, 200, 10);
	metrics_worker_restart();
	cr_assert_eq(metrics_worker_restarts(), 0);
	m = render(3, 2);
	assert_no_line_with(m, "vetd_requests_total{");
	assert_no_line_with(m, "_bucket{");
	assert_line(m, "vetd_worker_restarts_total 0");
	assert_line(m, "vetd_workers 2");
	assert_line(m, "vetd_schema_version 3");
}

/* --- counters ----------------------------------------------------------- */

Test(metrics, init_is_idempotent)
{
	cr_assert_eq(metrics_init(NROUTES), 0);
	metrics_request(0, 200, 10);
	cr_assert_eq(metrics_init(NROUTES), 0);
	assert_line(render(1, 1),
	    "vetd_requests_total{route=\"/a\",method=\"GET\",status=\"200\"} 1");
}

Test(metrics, request_counters)
{
	const char *m;

	cr_assert_eq(metrics_init(NROUTES), 0);
	metrics_request(0, 200, 500);
	metrics_request(0, 200, 1000);
	metrics_request(0, 404, 1001);
	metrics_request(1, 201, 3000000);
	metrics_request(1, 418, 10000000);
	metrics_request(1, 302, 1);
	metrics_request(NROUTES, 404, 2000);
	m = render(1, 4);

	assert_line(m, "# TYPE vetd_requests_total counter");
	assert_line(m, "vetd_requests_total{route=\"/a\",method=\"GET\","
	    "status=\"200\"} 2");
	assert_line(m, "vetd_requests_total{route=\"/a\",method=\"GET\","
	    "status=\"404\"} 1");
	assert_line(m, "vetd_requests_total{route=\"/b\",method=\"POST\","
	    "status=\"201\"} 1");
	assert_line(m, "vetd_requests_total{route=\"/b\",method=\"POST\","
	    "status=\"other\"} 2");
	assert_line(m, "vetd_requests_total{route=\"unmatched\",method=\"any\","
	    "status=\"404\"} 1");
	/* nothing counted: no line */
	assert_no_line_with(m, "route=\"/c/{id}\"");
	assert_no_line_with(m, "status=\"500\"");
	assert_no_line_with(m, "status=\"418\"");
}

Test(metrics, every_tracked_status)
{
	static const int st[] = { 200, 201, 204, 400, 401, 403, 404, 405, 409,
	    413, 415, 422, 429, 500, 503 };
	char line[256];
	const char *m;
	size_t i;

	cr_assert_eq(metrics_init(NROUTES), 0);
	for (i = 0; i < nitems(st); i++)
		metrics_request(2, st[i], 1);
	m = render(1, 1);
	for (i = 0; i < nitems(st); i++) {
		snprintf(line, sizeof(line), "vetd_requests_total{route=\"/c/{id}\","
		    "method=\"GET\",status=\"%d\"} 1", st[i]);
		assert_line(m, line);
	}
	assert_no_line_with(m, "status=\"other\"");
}

Test(metrics, out_of_range_route_ignored)
{
	const char *m;

	cr_assert_eq(metrics_init(NROUTES), 0);
	metrics_request(NROUTES + 1, 200, 1);
	metrics_request(1000, 200, 1);
	metrics_request((size_t)-1, 200, 1);
	m = render(1, 1);
	assert_no_line_with(m, "vetd_requests_total{");
	assert_no_line_with(m, "_bucket{");
}

/* --- histogram ---------------------------------------------------------- */

Test(metrics, histogram_buckets_are_cumulative)
{
	static const char *const le_a[][2] = {
		{ "0.001", "2" }, { "0.0025", "3" }, { "0.005", "3" },
		{ "0.01", "3" }, { "0.025", "3" }, { "0.05", "3" },
		{ "0.1", "3" }, { "0.25", "3" }, { "0.5", "3" }, { "1", "3" },
		{ "2.5", "3" }, { "5", "4" }, { "+Inf", "5" },
	};
	char line[256];
	const char *m;
	size_t i;

	cr_assert_eq(metrics_init(NROUTES), 0);
	metrics_request(0, 200, 0);
	metrics_request(0, 200, 1000);		/* on the bound: le 0.001 */
	metrics_request(0, 200, 1001);		/* just above: le 0.0025 */
	metrics_request(0, 200, 5000000);	/* le 5 */
	metrics_request(0, 500, 5000001);	/* +Inf only */
	m = render(1, 1);

	assert_line(m, "# TYPE vetd_request_duration_seconds histogram");
	for (i = 0; i < nitems(le_a); i++) {
		snprintf(line, sizeof(line), "vetd_request_duration_seconds_bucket"
		    "{route=\"/a\",method=\"GET\",le=\"%s\"} %s", le_a[i][0], le_a[i][1]);
		assert_line(m, line);
	}
	assert_line(m, "vetd_request_duration_seconds_count{route=\"/a\",method=\"GET\"} 5");
	assert_line(m, "vetd_request_duration_seconds_sum{route=\"/a\",method=\"GET\"} 10.002002");
}

Test(metrics, histogram_unmatched_and_other_routes)
{
	const char *m;

	cr_assert_eq(metrics_init(NROUTES), 0);
	metrics_request(NROUTES, 404, 30000);
	metrics_request(NROUTES, 405, 30000);
	metrics_request(1, 201, 250000);
	m = render(1, 1);
	assert_line(m, "vetd_request_duration_seconds_bucket{route=\"unmatched\","
	    "method=\"any\",le=\"0.025\"} 0");
	assert_line(m, "vetd_request_duration_seconds_bucket{route=\"unmatched\","
	    "method=\"any\",le=\"0.05\"} 2");
	assert_line(m, "vetd_request_duration_seconds_bucket{route=\"unmatched\","
	    "method=\"any\",le=\"+Inf\"} 2");
	assert_line(m, "vetd_request_duration_seconds_count{route=\"unmatched\",method=\"any\"} 2");
	assert_line(m, "vetd_request_duration_seconds_sum{route=\"unmatched\",method=\"any\"} "
	    "0.060000");
	assert_line(m, "vetd_request_duration_seconds_bucket{route=\"/b\","
	    "method=\"POST\",le=\"0.1\"} 0");
	assert_line(m, "vetd_request_duration_seconds_bucket{route=\"/b\","
	    "method=\"POST\",le=\"0.25\"} 1");
	assert_line(m, "vetd_request_duration_seconds_count{route=\"/b\",method=\"POST\"} 1");
	assert_no_line_with(m, "route=\"/a\"");
	assert_no_line_with(m, "route=\"/c/{id}\"");
}

/* Parse every bucket line of route and check order, monotony and +Inf. */
Test(metrics, inf_bucket_equals_count_and_buckets_never_decrease)
{
	const char *m, *p;
	char prefix[128];
	unsigned long long prev = 0, v, inf = 0, count = 0;
	int n = 0, i;

	cr_assert_eq(metrics_init(NROUTES), 0);
	for (i = 0; i < 500; i++)
		metrics_request(2, 200, (uint64_t)i * i * 37);
	m = render(1, 1);
	snprintf(prefix, sizeof(prefix),
	    "vetd_request_duration_seconds_bucket{route=\"/c/{id}\",method=\"GET\",le=\"");
	for (p = m; (p = strstr(p, prefix)) != NULL; p++) {
		const char *sp = strchr(p, ' ');

		cr_assert_not_null(sp);
		v = strtoull(sp + 1, NULL, 10);
		cr_assert_geq(v, prev, "bucket decreased at: %.80s", p);
		prev = v;
		n++;
		if (strncmp(p + strlen(prefix), "+Inf\"", 5) == 0)
			inf = v;
	}
	cr_assert_eq(n, 13, "%d bucket lines", n);
	p = strstr(m, "vetd_request_duration_seconds_count{route=\"/c/{id}\",method=\"GET\"} ");
	cr_assert_not_null(p);
	count = strtoull(strchr(p, ' ') + 1, NULL, 10);
	cr_assert_eq(count, 500);
	cr_assert_eq(inf, count);
}

/* --- gauges and restarts ------------------------------------------------ */

Test(metrics, restarts_counter)
{
	const char *m;

	cr_assert_eq(metrics_init(NROUTES), 0);
	cr_assert_eq(metrics_worker_restarts(), 0);
	metrics_worker_restart();
	metrics_worker_restart();
	metrics_worker_restart();
	cr_assert_eq(metrics_worker_restarts(), 3);
	m = render(1, 1);
	assert_line(m, "# TYPE vetd_worker_restarts_total counter");
	assert_line(m, "vetd_worker_restarts_total 3");
}

Test(metrics, schema_and_workers_gauges)
{
	const char *m;

	cr_assert_eq(metrics_init(NROUTES), 0);
	m = render(7, 16);
	assert_line(m, "# TYPE vetd_schema_version gauge");
	assert_line(m, "vetd_schema_version 7");
	assert_line(m, "# TYPE vetd_workers gauge");
	assert_line(m, "vetd_workers 16");
	m = render(-1, 16);
	assert_line(m, "vetd_schema_version -1");
}

Test(metrics, render_appends)
{
	cr_assert_eq(metrics_init(NROUTES), 0);
	util_buf_adds(&out, "before\n");
	metrics_render(&out, routes, NROUTES, 1, 1);
	cr_assert_eq(strncmp(out.data, "before\n# HELP ", 14), 0);
	cr_assert_eq(out.data[out.len - 1], '\n');
}

/* --- shared between processes ------------------------------------------- */

Test(metrics, counts_from_a_child_are_shared)
{
	pid_t pid;
	int status;

	cr_assert_eq(metrics_init(NROUTES), 0);
	metrics_request(0, 200, 1);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		metrics_request(0, 200, 1);
		metrics_request(0, 200, 1);
		metrics_worker_restart();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_line(render(1, 1), "vetd_requests_total{route=\"/a\","
	    "method=\"GET\",status=\"200\"} 3");
	cr_assert_eq(metrics_worker_restarts(), 1);
}

/* --- exposition validity ------------------------------------------------ */

/*
 * Every sample (metric name and label set) must appear once. Two routes
 * with the same pattern and different methods, as a REST table has them,
 * must not produce two histograms with identical labels.
 */
Test(metrics, no_series_twice)
{
	static const struct route rest[] = {
		{ "GET",	"/api/v1/orgs",	NULL, 0 },
		{ "POST",	"/api/v1/orgs",	NULL, 0 },
	};
	char seen[64][256], first[256] = "";
	size_t nseen = 0, i, len, dups = 0;
	const char *p, *sp;

	cr_assert_eq(metrics_init(nitems(rest)), 0);
	metrics_request(0, 200, 1000);
	metrics_request(1, 201, 1000);
	metrics_render(&out, rest, nitems(rest), 1, 1);

	for (p = out.data; *p != '\0'; p += len + 1) {
		len = strcspn(p, "\n");
		if (*p == '#' || len == 0)
			continue;
		sp = memchr(p, ' ', len);
		cr_assert_not_null(sp, "sample without a value: %.*s", (int)len, p);
		cr_assert_lt((size_t)(sp - p), sizeof(seen[0]));
		cr_assert_lt(nseen, nitems(seen));
		snprintf(seen[nseen], sizeof(seen[0]), "%.*s", (int)(sp - p), p);
		for (i = 0; i < nseen; i++)
			if (strcmp(seen[i], seen[nseen]) == 0 && dups++ == 0)
				memcpy(first, seen[i], sizeof(first));
		nseen++;
	}
	cr_expect_eq(dups, 0, "%zu samples repeat a series, the first: %s\n%s",
		     dups, first, out.data);
	cr_assert_gt(nseen, 4);
}
