/*
 * audit: the audit trail. Every read of a personal file, every change and
 * every refusal is one event, written in the same transaction as what it
 * records. Events are chained: each row's hash is SHA-256 over the previous
 * row's hash and the row's canonical form, so editing, deleting, inserting
 * or reordering rows breaks the chain at that row; a signed checkpoint
 * (event count and head hash, Ed25519) kept elsewhere also reveals a trail
 * cut short. Details are JSON and never hold secrets.
 */
#ifndef VETD_AUDIT_H
#define VETD_AUDIT_H

#include <stdio.h>

#include <jansson.h>

#include "store.h"

struct audit_event {
	const char	*actor;		/* "user:alice", "token:ci", "system" */
	long long	 org_id;	/* 0: none */
	const char	*action;	/* "session.sign_in", "access.denied" */
	const char	*target;	/* "session", "case:12", "" */
	const char	*client_addr;
	const char	*request_id;
	json_t		*detail;	/* borrowed; NULL for {} */
};

/* Append ev. Must run inside the caller's write transaction (BEGIN
 * IMMEDIATE), which orders the chain. 0 or -1. */
int	audit_append(struct store *, const struct audit_event *);

/* The chain's last id and hash, carried through a batch of appends in one
 * transaction so each need not read it back; start with known = 0. */
struct audit_head {
	int		known;
	long long	id;
	unsigned char	hash[32];
};

/*
 * audit_append with the event's time (ISO 8601 UTC as util_now_iso writes
 * it) and its detail as canonical text (audit_detail_text) given; either
 * may be NULL for now / ev->detail. head, when not NULL, carries the
 * chain's head from one call to the next within the caller's transaction
 * (it must not be reused after a rollback). For spooled records.
 */
int	audit_append_at(struct store *, const struct audit_event *,
	    const char *when, const char *detail_text, struct audit_head *);

/* The canonical text of a detail (compact, sorted keys, ASCII; "{}" for
 * NULL), as the chain hashes it. Caller frees; NULL on error. */
char	*audit_detail_text(json_t *detail);

/*
 * Record ev, for refusals and reads that change nothing else; never inside
 * a transaction (-1). In a worker with a spool (auditspool.c) the record
 * is written to the spool file and committed with others shortly after;
 * otherwise, or when the spool cannot be written, it is committed here in
 * a transaction of its own, without an fsync of its own (store_relaxed).
 * Either way it survives a crash of the program once this returns 0.
 */
int	audit_record(struct store *, const struct audit_event *);

struct audit_verify_result {
	long long	 count;		/* events checked */
	long long	 bad_id;	/* first bad event's id, 0 when intact */
	char		 reason[160];
	unsigned char	 head[32];	/* hash of the last event */
	long long	 head_id;
};

/*
 * Recompute the whole chain. Returns 0 when intact, 1 when broken (the
 * result names the first bad event), -1 on a database error.
 */
int	audit_verify(struct store *, struct audit_verify_result *);

/*
 * Write a checkpoint of the current head to out, signed with the Ed25519
 * key in keyfile (created, mode 0600, when it does not exist). 0 or -1
 * with err.
 */
int	audit_checkpoint(struct store *, const char *keyfile, FILE *out,
	    char *err, size_t errlen);

/*
 * Check the chain against a checkpoint file: its signature, and that the
 * event it names is still there with the same hash (so the trail was not
 * cut short or rewritten before it). pubkey_hex, when not NULL, must match
 * the checkpoint's key. 0 intact, 1 broken (reason in r), -1 error (err).
 */
int	audit_verify_checkpoint(struct store *, const char *file,
	    const char *pubkey_hex, struct audit_verify_result *r,
	    char *err, size_t errlen);

/*
 * Load the Ed25519 secret key kept (hex) in path into sk, creating the
 * file (0600) with a new key pair when there is none. 0, or -1 with err.
 * Also used for the organizations' transfer keys (transfer.h).
 */
int	audit_key_load(const char *path, unsigned char *sk, char *err,
	    size_t errlen);

#endif
