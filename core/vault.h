/*
 * vault: the cryptography of the document store. Each document has its own
 * random key; its content is encrypted with libsodium's secretstream
 * (XChaCha20-Poly1305) in chunks of VAULT_CHUNK bytes, the document's vault
 * id and the format version bound to every chunk as associated data, the
 * last chunk tagged final. The document key is wrapped (XChaCha20-Poly1305
 * AEAD, the vault id and the master key version as associated data) by a
 * master key. The master keys, by version, live in a key file outside the
 * database (0600), loaded into locked memory (sodium_malloc).
 *
 * A ciphertext file is "<dir>/<vault id>": the magic "VETDDOC1", the
 * secretstream header, then the chunks. It is written under a temporary
 * name and renamed once complete and on disk.
 */
#ifndef VETD_VAULT_H
#define VETD_VAULT_H

#include <stddef.h>

#include <sodium.h>

#define VAULT_KEYBYTES		crypto_secretstream_xchacha20poly1305_KEYBYTES
#define VAULT_WRAPPEDBYTES	(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + \
				 VAULT_KEYBYTES + \
				 crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define VAULT_IDLEN		32	/* hex characters of a vault id */
#define VAULT_CHUNK		65536	/* plaintext bytes a chunk */
#define VAULT_MAXVERSIONS	256

struct vault;

/*
 * Load the master keys of keyfile. With create, a missing file is made
 * with version 1 (0600; two processes racing both end with the same file).
 * Returns 0 with *out (vault_free() it), or -1 with err.
 */
int	vault_open(const char *keyfile, int create, struct vault **out,
	    char *err, size_t errlen);
void	vault_free(struct vault *);
/* Re-read the key file when it changed on disk (rotate, retire). 0 / -1. */
int	vault_refresh(struct vault *);
/* The newest master key version: the one new keys are wrapped with. */
int	vault_current(const struct vault *);
/* Is version ver loaded? */
int	vault_has(const struct vault *, int ver);
/* The versions loaded, oldest first; returns how many (at most max). */
int	vault_versions(const struct vault *, int *out, int max);

/* Add a new master key version to keyfile (written whole, then renamed).
 * 0 with *ver, or -1 with err. */
int	vault_add_version(const char *keyfile, int *ver, char *err,
	    size_t errlen);
/* Remove version ver from keyfile; refuses the newest. 0 or -1 with err. */
int	vault_drop_version(const char *keyfile, int ver, char *err,
	    size_t errlen);

/* A fresh vault id (hex) and a fresh document key. */
void	vault_new_id(char id[VAULT_IDLEN + 1]);
void	vault_new_key(unsigned char key[VAULT_KEYBYTES]);
/* Is s a well-formed vault id? */
int	vault_id_valid(const char *s);

/* Wrap key for document id under the newest master key: 0 with *ver and
 * out, -1 on failure. */
int	vault_wrap(struct vault *, const char *id,
	    const unsigned char key[VAULT_KEYBYTES], int *ver,
	    unsigned char out[VAULT_WRAPPEDBYTES]);
/* Unwrap: 0 with key, -1 when version ver is unknown (after a refresh)
 * or the wrapped key does not authenticate for id and ver. */
int	vault_unwrap(struct vault *, const char *id, int ver,
	    const unsigned char *wrapped, size_t wlen,
	    unsigned char key[VAULT_KEYBYTES]);

/* Streaming encryption of one document into dir. */
struct vault_writer;
/* NULL with err when the temporary file cannot be made. */
struct vault_writer *vault_writer_new(const char *dir, const char *id,
	    const unsigned char key[VAULT_KEYBYTES], char *err, size_t errlen);
/* Encrypt len more bytes. 0, or -1 (write error). */
int	vault_writer_push(struct vault_writer *, const void *buf, size_t len);
/* Write the final chunk, fsync, rename into place, fsync the directory;
 * frees w. 0, or -1 having removed the temporary file. */
int	vault_writer_finish(struct vault_writer *);
/* Drop the document: remove the temporary file and free w. */
void	vault_writer_abort(struct vault_writer *);

enum vault_status {
	VAULT_OK,
	VAULT_MISSING,		/* no such file */
	VAULT_CORRUPT,		/* does not authenticate: nothing was output */
	VAULT_TORN,		/* failed after output began (changed on disk
				 * between the check and the read) */
	VAULT_SINK,		/* the sink refused (client gone) */
	VAULT_IOERR
};

/* Where decrypted bytes go: 0, or -1 to stop. */
typedef int (*vault_sink_fn)(void *arg, const void *buf, size_t len);
/* Called once the whole file has checked out, before any output: 0 to
 * go on, -1 to stop (VAULT_SINK). */
typedef int (*vault_ready_fn)(void *arg);

/*
 * Decrypt document id of dir to sink. The whole file is first checked
 * (every chunk authenticates, the final tag is there with nothing after
 * it, and the plaintext is size bytes long); only then, after ready (may
 * be NULL), is it decrypted again into sink (may be NULL: check only), so
 * a damaged file gives VAULT_CORRUPT and no output.
 */
enum vault_status vault_read(const char *dir, const char *id,
	    const unsigned char key[VAULT_KEYBYTES], unsigned long long size,
	    vault_ready_fn ready, vault_sink_fn sink, void *arg);

/* Remove the ciphertext of id (0 also when it is already gone). */
int	vault_remove(const char *dir, const char *id);

#endif
