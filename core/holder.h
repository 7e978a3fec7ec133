/*
 * holder: what happens to a clearance after the decision (REGDOC-2.12.2
 * 5.4-10): its restrictions changed (5.4.2), alternative work or suspension
 * with a review_for_cause case (5.4.3), reinstatement on that case's grant,
 * revocation by the authority (5.5), termination with the debriefing
 * (10.0). Each change is one row of the clearance's history
 * (clearance_events) in the caller's transaction; the rules of which
 * status may go where are here, in C.
 */
#ifndef VETD_HOLDER_H
#define VETD_HOLDER_H

#include <jansson.h>

#include "store.h"

struct holder_row {
	long long	 id;
	long long	 org_id;
	long long	 person_id;
	long long	 site_id;	/* 0: none */
	char		 site[64];	/* "" when none */
	char		 level[65];
	char		 status[20];
	char		 holder[257];	/* the person's username, "" if none */
	int		 restricted;	/* restrictions not empty */
};

enum holder_status { HOLDER_OK, HOLDER_NOT_FOUND, HOLDER_ERROR };

/* Clearance id of org_id into r. */
enum holder_status holder_get(struct store *, long long org_id, long long id,
		    struct holder_row *r);

/* Is the status one a clearance can still change from (not revoked,
 * expired, terminated or transferred)? */
int	holder_live(const char *status);

/* Set the status (and restrictions, when not NULL). Inside a transaction.
 * 0 or -1. */
int	holder_set(struct store *, long long id, const char *status,
	    json_t *restrictions);

/* Add a row to the clearance's history. Inside a transaction. 0 or -1. */
int	holder_event(struct store *, long long id, const char *actor,
	    const char *type, json_t *detail);

/* The clearance's history, oldest first (new reference). */
json_t	*holder_events(struct store *, long long id);

/*
 * The review_for_cause case the last suspension or alternative work of the
 * clearance opened, or 0 when none.
 */
long long holder_review_case(struct store *, long long id);

#endif
