/*
 * document: the document store's rows. A document belongs to a case, an
 * incident or an appeal of one organization; its row holds the metadata,
 * the wrapped key and the master key version, the verification record,
 * the link to its certified translation and, once shredded, who ordered
 * it and why. Releases under the two-person rule are here too. The bytes
 * and the cryptography are vault.c's.
 */
#ifndef VETD_DOCUMENT_H
#define VETD_DOCUMENT_H

#include <jansson.h>

#include "store.h"
#include "vault.h"

struct document {
	long long	 id;
	long long	 org_id;
	char		 owner_kind[12];
	long long	 owner_id;
	char		 vault_id[VAULT_IDLEN + 1];
	char		 kind[24];
	char		 filename[256];
	long long	 size;
	char		 content_type[64];
	char		 sha256[65];
	char		 classification[65];
	char		 language[4];		/* "" when not stated */
	long long	 translation_id;	/* 0: none */
	char		 uploaded_by[300];
	char		 uploaded_at[32];
	int		 key_version;
	unsigned char	 wrapped[VAULT_WRAPPEDBYTES];
	int		 shredded;
	int		 verified;
};

enum document_status { DOC_OK, DOC_NOT_FOUND, DOC_CONFLICT, DOC_ERROR };

/*
 * A user's filename made safe to keep and to send back: the part after the
 * last '/' or '\\', control characters and the characters " ; replaced by
 * '_', leading dots and spaces dropped. 0 with out, or -1 when it is not
 * UTF-8 or is empty or longer than 255 bytes after that.
 */
int	document_filename_clean(const char *in, char *out, size_t outlen);
/* The Content-Disposition value for filename: attachment, an ASCII
 * fallback and the RFC 6266 / 8187 UTF-8 form. Caller frees. */
char	*document_disposition(const char *filename);
/* The type libmagic detected, as the allow-list names it: text of any
 * plain kind is text/plain, an empty file too. Returns a static string
 * or detected itself. */
const char *document_type_normal(const char *detected);

/* Is kind one of the document kinds? */
int	document_kind_valid(const char *kind);
/* Is method one of the verification methods (REGDOC 5.2.4)? */
int	document_method_valid(const char *method);

/* Document id of org into d. */
enum document_status document_get(struct store *, long long org_id,
	    long long id, struct document *d);
/* Insert d (id ignored) inside the caller's transaction; *id gets it. */
enum document_status document_insert(struct store *, const struct document *d,
	    long long *id);
/* The ids of an owner's documents, oldest first (caller decrefs). */
json_t	*document_ids(struct store *, long long org_id, const char *owner_kind,
	    long long owner_id);
/* The metadata as the API shows it (new reference), or NULL. */
json_t	*document_meta(struct store *, long long id, int two_person);

/* Record the verification; DOC_CONFLICT when it already has one. In the
 * caller's transaction. */
enum document_status document_verify(struct store *, long long id,
	    const char *method, const char *note, const char *actor);
/* Link translation tid to id. In the caller's transaction. */
enum document_status document_link(struct store *, long long id,
	    long long tid);
/* Crypto-shred: drop the wrapped key, record who ordered it and why.
 * DOC_CONFLICT when already shredded. In the caller's transaction; the
 * caller removes the ciphertext after the commit. */
enum document_status document_shred(struct store *, long long id,
	    const char *actor, const char *reason, const char *order);
/* Shred every live document of an owner (retention), for a case those of
 * its appeals too; the vault ids of those shredded are appended to ids.
 * In the caller's transaction. */
enum document_status document_shred_owner(struct store *, long long org_id,
	    const char *owner_kind, long long owner_id, const char *actor,
	    const char *reason, json_t *ids);

/*
 * Remove what no document row keeps alive from dir: ciphertexts without a
 * live row (a crash between the file and its commit, an unlink that
 * failed after a shred) and partial uploads, once older than age seconds
 * (an upload in flight is younger). Returns how many, or -1.
 */
long long document_sweep(struct store *, const char *dir, long long age);

/* The policy's view of an owner's documents: [{id, kind, language,
 * verified, translation: null | {id, verified}}] (caller decrefs). */
json_t	*document_policy_list(struct store *, const char *owner_kind,
	    long long owner_id);

/* Releases (two-person rule). */
struct document_release {
	long long	id;
	long long	document_id;
	char		requested_by[300];
	char		approved_by[300];	/* "" when pending */
	char		expires_at[32];
	int		used;
};
enum document_status document_release_new(struct store *, long long doc,
	    const char *actor, const char *reason, long long *id);
enum document_status document_release_get(struct store *, long long doc,
	    long long id, struct document_release *);
/* Approve: valid for hours from now. DOC_CONFLICT when not pending. */
enum document_status document_release_approve(struct store *, long long id,
	    const char *actor, int hours);
/* Use it once: DOC_CONFLICT when used, not approved or expired. */
enum document_status document_release_use(struct store *, long long id);
json_t	*document_release_json(struct store *, long long id);

/*
 * Rewrap up to limit document keys wrapped under a version older than the
 * vault's current one, in one transaction, audited per organization as
 * actor. Returns how many were rewrapped, or -1.
 */
long long document_rewrap(struct store *, struct vault *, int limit,
	    const char *actor);
/* How many live document keys each version wraps: {"1": n, ...}. */
json_t	*document_key_counts(struct store *);

#endif
