/*
 * outbox: notifications (renewal due, restriction review due, decision,
 * hold, response window closed) written in the same transaction as the
 * change they announce, and sent later by `vetctl outbox deliver` through
 * the local sendmail. A message is never deleted: delivery marks it sent,
 * or records the failure and when to try again (backing off from a minute
 * to a day). Each carries a dedup key naming the event, so an event is
 * notified once however often it is seen. Messages name cases and
 * clearances by number only: no personal data leaves in them.
 */
#ifndef VETD_OUTBOX_H
#define VETD_OUTBOX_H

#include "config.h"
#include "store.h"

enum outbox_status { OUTBOX_OK, OUTBOX_DUPLICATE, OUTBOX_ERROR };

/*
 * Queue a message in the caller's transaction. recipient is a username or
 * "role:<role>" (the organization's people holding it). OUTBOX_DUPLICATE
 * when dedup was queued before (nothing added).
 */
enum outbox_status outbox_add(struct store *, long long org_id,
		    const char *kind, const char *recipient, const char *subject,
		    const char *body, const char *dedup);

struct outbox_msg {
	long long	 id;
	long long	 org_id;
	const char	*kind, *recipient, *subject, *body, *created_at;
	long long	 attempts;
	const char	*next_attempt_at, *last_error, *sent_at; /* "" if none */
};

/* Call fn for each message (pending only, or all), oldest first. The
 * strings live until fn returns. 0 or -1. */
int	outbox_list(struct store *, int pending_only,
	    void (*fn)(const struct outbox_msg *, void *), void *arg);

struct outbox_result {
	long long	sent;
	long long	failed;		/* kept, to be retried */
	long long	waiting;	/* not due yet */
};

/*
 * Send every pending message that is due (now: ISO 8601 UTC), one
 * sendmail run each: the address is recipient@mail.domain for a username,
 * and role messages go to role-<role>@mail.domain (a list the office
 * keeps). Each outcome is committed before the next message. -1 when mail
 * is not configured or the database fails.
 */
int	outbox_deliver(struct store *, const struct config *, const char *now,
	    struct outbox_result *);

#endif
