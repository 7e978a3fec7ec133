/*
 * report: the reports to the regulator (REGDOC-2.12.2 6.1, 6.2). One is
 * drafted, in the transaction of the decision that calls for it:
 *   - a grant made despite concerns (an NRT-insufficient notice, history
 *     gaps explained rather than traced, a recommendation other than a
 *     plain grant, or a decision departing from it), with the concerns
 *     named and the authority's justification;
 *   - a denial, and a revocation: the level of risk (the recommendation
 *     and the guideline conditions it cites), the sources of the
 *     information (the agency's notices: type, date, reference), related
 *     investigations, and the agency brief's reference.
 * Only what the form needs goes in: no section text, no reason text.
 */
#ifndef VETD_REPORT_H
#define VETD_REPORT_H

#include <jansson.h>

#include "store.h"

/*
 * After the decision on case_id (decision: the decision section as
 * stored), draft the report it calls for, if any. Inside the caller's
 * transaction. Sets *id to the report's id, or 0 when none is due. 0 or
 * -1.
 */
int	report_draft_decision(struct store *, long long org_id,
	    long long case_id, json_t *decision, const char *actor,
	    long long *id);

/* Draft the report of a revocation. Inside the caller's transaction. */
int	report_draft_revocation(struct store *, long long org_id,
	    long long clearance_id, const char *level, const char *grounds,
	    const char *reason, const char *actor, long long *id);

/* The organization's reports, newest first (new reference). */
json_t	*report_list(struct store *, long long org_id);
/* One report, or NULL. */
json_t	*report_get(struct store *, long long org_id, long long id);

/* Mark report id sent (once). 1 marked, 0 already sent or no such
 * report, -1 error. Inside the caller's transaction. */
int	report_mark_sent(struct store *, long long org_id, long long id,
	    const char *sent_on, const char *how, const char *actor);

/* A printable HTML page of report r (from report_get); caller frees. */
char	*report_html(json_t *r);

#endif
