/*
 * transfer: clearances moving between licensees (REGDOC-2.12.2 8.0). Each
 * organization has an Ed25519 key pair, its secret key in a file of the
 * key directory (<database>.keys/<org>.ed25519, 0600, made on first use);
 * each registers the public keys of the organizations it accepts
 * transfers from (peer_keys). The sender exports a package (the holder's
 * identity, the level, the dates, the restrictions and whether there is
 * adverse information) signed over its canonical JSON; the receiver
 * verifies the signature against the registered key, then checks the
 * criteria: the clearance is valid, there is no adverse information, it
 * is not due for update within the policy's transfer_window_days, and the
 * holder declared in writing no change in their criminal history.
 */
#ifndef VETD_TRANSFER_H
#define VETD_TRANSFER_H

#include <jansson.h>

#include "store.h"

/* The organization's public key as 64 hex digits into hex (65 bytes),
 * making the pair when there is none. 0, or -1 with err. */
int	transfer_public_key(const char *database, const char *org, char *hex,
	    char *err, size_t errlen);

/* Register (or replace) peer's public key for org_id. Inside the caller's
 * transaction. 0, or -1 (bad key: not 64 hex digits). */
int	transfer_trust(struct store *, long long org_id, const char *peer,
	    const char *hex, const char *actor);

/*
 * The signed package of clearance id of org (slug org) for peer: {
 * "package": {...}, "signature": hex } (new reference), or NULL with err.
 */
json_t	*transfer_export(struct store *, const char *database,
	    long long org_id, const char *org, long long id, const char *peer,
	    const char *today, char *err, size_t errlen);

enum transfer_check { TRANSFER_OK, TRANSFER_UNSIGNED, TRANSFER_UNKNOWN_SENDER,
	TRANSFER_BAD_SIGNATURE, TRANSFER_MALFORMED, TRANSFER_ERROR };

/* Verify a received {package, signature} against org_id's registered keys.
 * On TRANSFER_OK *package borrows the package. */
enum transfer_check transfer_verify(struct store *, long long org_id,
		    json_t *received, json_t **package);

/*
 * The criteria for package as of today (transfer_window_days from the
 * policy; declaration: the holder's, may be NULL): [{criterion, met,
 * message}] (new reference); *all_met says whether every one is.
 */
json_t	*transfer_criteria(json_t *package, json_t *declaration,
	    const char *today, long long window_days, int *all_met);

#endif
