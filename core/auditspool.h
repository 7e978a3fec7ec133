/*
 * auditspool: group commit for the audit records of reads and refusals.
 *
 * A read of a personal file must leave an audit record before the file is
 * released, but one SQLite transaction per read makes every read a writer
 * and puts the workers in a queue for the write lock. Instead, a worker
 * appends each such record to a spool file of its own (one write(2): once
 * it returns the record survives a crash of the worker, as a commit
 * without fsync does) and commits the spooled records to the hash-chained
 * trail together: when no other request is waiting (so at light load every
 * record is in the trail before its response leaves), after SPOOL_BATCH
 * records, or when the oldest has waited SPOOL_AGE_MS. Changes never use
 * the spool: their audit rows are in their own transactions.
 *
 * Each record carries its spool sequence number; audit_spools (migration
 * 5) remembers, in the same transaction as the rows, how far each spool
 * was committed, so a spool left behind by a crash is replayed from there
 * by auditspool_recover, and nothing twice. A spool's owner holds an
 * exclusive flock on it for life: a spool whose lock can be taken has no
 * owner any more. Records keep the time they were made, so the trail's
 * order (by id) can differ from the order of times by the spool's delay.
 *
 * One spool per process (a worker), opened with auditspool_open and ended
 * with auditspool_close; in other processes auditspool_add declines and
 * audit_record commits directly.
 */
#ifndef VETD_AUDITSPOOL_H
#define VETD_AUDITSPOOL_H

#include "audit.h"
#include "store.h"

#define SPOOL_BATCH	256	/* records that force a commit */
#define SPOOL_AGE_MS	200	/* the longest a record waits under load */

/* The spool directory of the database at path. Caller frees. */
char	*auditspool_dir(const char *database);

/* Start this process's spool in dir (created 0700). 0 or -1 (logged). */
int	auditspool_open(const char *dir);

/* Commit what is pending, remove the spool, release it. */
void	auditspool_close(struct store *);

/* Spool ev: 0 spooled; 1 no spool in this process; -1 the spool could
 * not be written (nothing was added; the caller commits directly). */
int	auditspool_add(const struct audit_event *);

/* Commit every pending record in one transaction. 0 or -1 (they stay
 * pending and are tried again). */
int	auditspool_flush(struct store *);

/*
 * Called after each request, before its response is finished: commit the
 * pending records unless other requests are waiting (busy), the batch is
 * not full and the oldest record is young.
 */
void	auditspool_after_request(struct store *, int busy);

/* Milliseconds until the oldest pending record is due (0 when overdue),
 * or -1 when nothing is pending: how long an idle worker may wait. */
int	auditspool_due_ms(void);

/*
 * Commit this process's pending records, then wait (at most max_ms) until
 * every other live spool in the directory is empty, so that a search of
 * the trail sees the reads made before it. 0, or 1 when some spool still
 * held records at the deadline.
 */
int	auditspool_settle(struct store *, int max_ms);

/*
 * Replay every spool in dir whose owner is gone into the trail (records
 * past the committed sequence only), then remove it. *records counts the
 * records added. 0, or -1 when a spool could not be replayed (it is kept
 * for the next try).
 */
int	auditspool_recover(struct store *, const char *dir, long long *records);

#endif
