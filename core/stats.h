/*
 * stats: the timeliness of casework (REGDOC-2.12.2 asks that screening be
 * timely; issue "After the decision"). For each stage (application,
 * screening, agency, interview, adjudication, decision) the median and the
 * 90th percentile of the days the cases spent in it, and the same end to
 * end, over every case of the organization opened in the period (not only
 * the fastest). Which workflow states make up a stage, and which end a
 * case, is the policy's (settings.timeliness_stages, timeliness_end); the
 * stages themselves are fixed here. Time spent in a state a case is still
 * in does not count; a case counts end to end once it reached an end.
 */
#ifndef VETD_STATS_H
#define VETD_STATS_H

#include <jansson.h>

#include "store.h"

struct stats_filter {
	const char	*from;		/* YYYY-MM-DD: opened on or after */
	const char	*to;		/* YYYY-MM-DD: opened before */
	const char	*level;
};

/*
 * The figures as JSON {"stages": [{"stage", "cases", "median_days",
 * "p90_days"}...], "end_to_end": {...}} (new reference; a stage no case
 * went through has cases 0 and null figures). settings is the policy's
 * settings table. NULL on a database error.
 */
json_t	*stats_timeliness(struct store *, long long org_id, json_t *settings,
	    const struct stats_filter *);

#endif
