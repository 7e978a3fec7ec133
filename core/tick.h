/*
 * tick: the scheduled work of `vetctl tick`, run from cron or a systemd
 * timer. One pass:
 *   - expires the clearances whose date has passed;
 *   - opens a renewal case for every clearance expiring within the
 *     policy's renewal_lead_days (default 180, REGDOC 7.0) that has none,
 *     once (the renewals table);
 *   - flags each restriction whose review date has passed, once (REGDOC
 *     5.4.2), for the CSO;
 *   - closes the procedural-fairness windows that ran out unanswered, and
 *     the appeal windows of denials and revocations that ran out with no
 *     appeal (REGDOC 11.0);
 *   - purges the files whose retention (the policy's retention_years, at
 *     least one, REGDOC 9.0) ran out, unless a legal hold stops it, and
 *     keeps them in the permanent listing;
 *   - queues a notification in the outbox for each of these but expiry.
 * Every change is audited (actor "system:tick") with its case event, in
 * transactions of at most TICK_BATCH items. A second pass finds nothing
 * to do; two at once are serialized by a lock file next to the database,
 * and the unique keys make a double renewal impossible in any case.
 */
#ifndef VETD_TICK_H
#define VETD_TICK_H

#include "config.h"
#include "policy.h"
#include "store.h"

#define TICK_BATCH	500

struct tick_report {
	long long	expired;
	long long	renewals;
	long long	reviews;
	long long	windows;
	long long	appeals;
	long long	purged;
	long long	shredded;	/* documents of purged files */
	long long	swept;		/* orphaned document files */
	long long	notices;
};

/*
 * Run one pass as of today (YYYY-MM-DD). progress, when not NULL, is
 * called after each batch with the step's name and its count so far.
 * Returns 0, or -1 with err (what was committed before stays).
 */
int	tick_run(struct store *, const struct config *,
	    struct policy_registry *, const char *today,
	    void (*progress)(const char *step, long long n),
	    struct tick_report *, char *err, size_t errlen);

#endif
