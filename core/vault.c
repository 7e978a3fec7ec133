/*
 * vault: document encryption and the master keys (see vault.h). Nothing
 * here knows about the database: the document store (document.c) keeps
 * the wrapped keys and calls this for the bytes.
 */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vault.h"

#define MAGIC		"VETDDOC1"
#define MAGICLEN	8
#define HDRLEN		crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES		crypto_secretstream_xchacha20poly1305_ABYTES
#define NPUB		crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define MKEYBYTES	crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define B64LEN		sodium_base64_ENCODED_LEN(MKEYBYTES, \
			    sodium_base64_VARIANT_ORIGINAL)

/* The keys themselves sit in sodium_malloc'd memory: locked, guarded,
 * zeroed when freed. */
struct keyset {
	int		n;
	int		ver[VAULT_MAXVERSIONS];
	unsigned char	key[VAULT_MAXVERSIONS][MKEYBYTES];
};

struct vault {
	char		*path;
	struct keyset	*ks;
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 mtime;
	off_t		 size;
};

struct vault_writer {
	int		 fd;
	char		*tmp, *final, *dir;
	char		 id[VAULT_IDLEN + 1];
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char	 in[VAULT_CHUNK];
	size_t		 inlen;
	unsigned char	 out[VAULT_CHUNK + ABYTES];
	off_t		 written;	/* bytes in the file so far */
	off_t		 kicked;	/* bytes whose writeback has begun */
};

/* Start the disk's writeback of a file this often while it is written. */
#define WRITEBACK_STEP	((off_t)8 << 20)

/* --- the key file ---------------------------------------------------------- */

/* Parse the text of a key file into ks. 0, or -1 with err. */
static int
keys_parse(char *text, struct keyset *ks, char *err, size_t errlen)
{
	char		*line, *save = NULL, *sp, *end;
	size_t		 klen;
	long		 v;
	int		 lineno = 0, i;

	ks->n = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((sp = strchr(line, ' ')) == NULL)
			goto bad;
		*sp++ = '\0';
		errno = 0;
		v = strtol(line, &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > INT_MAX)
			goto bad;
		if (ks->n == VAULT_MAXVERSIONS) {
			snprintf(err, errlen, "too many key versions (at most "
			    "%d)", VAULT_MAXVERSIONS);
			return -1;
		}
		for (i = 0; i < ks->n; i++)
			if (ks->ver[i] >= v)
				goto bad;	/* ascending, no repeats */
		if (sodium_base642bin(ks->key[ks->n], MKEYBYTES, sp, strlen(sp),
		    NULL, &klen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    klen != MKEYBYTES)
			goto bad;
		ks->ver[ks->n++] = (int)v;
	}
	if (ks->n == 0) {
		snprintf(err, errlen, "no key in the key file");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "line %d: expected \"<version> <base64 key>\", "
	    "versions ascending", lineno);
	return -1;
}

/* Read and parse keyfile into a fresh locked keyset; st gets its stat. */
static struct keyset *
keys_read(const char *keyfile, struct stat *st, char *err, size_t errlen)
{
	struct keyset	*ks = NULL;
	char		*text = NULL;
	ssize_t		 n;
	size_t		 have = 0;
	int		 fd;

	if ((fd = open(keyfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", keyfile, strerror(errno));
		return NULL;
	}
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", keyfile);
		goto out;
	}
	if (st->st_mode & 077) {
		snprintf(err, errlen, "%s: must be readable by its owner only "
		    "(chmod 600)", keyfile);
		goto out;
	}
	if (st->st_size > 64 * 1024) {
		snprintf(err, errlen, "%s: too large for a key file", keyfile);
		goto out;
	}
	if ((text = sodium_malloc((size_t)st->st_size + 1)) == NULL)
		fatal("sodium_malloc");
	while (have < (size_t)st->st_size &&
	    (n = read(fd, text + have, (size_t)st->st_size - have)) > 0)
		have += (size_t)n;
	text[have] = '\0';
	if ((ks = sodium_malloc(sizeof(*ks))) == NULL)
		fatal("sodium_malloc");
	if (keys_parse(text, ks, err, errlen) == -1) {
		char	msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", keyfile, msg);
		sodium_free(ks);
		ks = NULL;
	}
out:
	if (text != NULL)
		sodium_free(text);
	close(fd);
	return ks;
}

/* Write ks to keyfile: a temporary file, fsync, then rename (replace) or
 * link (create: fails with EEXIST when someone was first). */
static int
keys_write(const char *keyfile, const struct keyset *ks, int create,
    char *err, size_t errlen)
{
	char	*tmp, *dir, *slash, b64[B64LEN];
	char	 line[B64LEN + 32];
	int	 fd, i, rc = -1, dfd;

	tmp = xasprintf("%s.%ld.tmp", keyfile, (long)getpid());
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (util_write_all(fd, "# vetd master keys: <version> <base64 key>, "
	    "newest last; keep 0600\n", 67) == -1)
		goto fail;
	for (i = 0; i < ks->n; i++) {
		sodium_bin2base64(b64, sizeof(b64), ks->key[i], MKEYBYTES,
		    sodium_base64_VARIANT_ORIGINAL);
		snprintf(line, sizeof(line), "%d %s\n", ks->ver[i], b64);
		if (util_write_all(fd, line, strlen(line)) == -1)
			goto fail;
	}
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(line, sizeof(line));
	if (fsync(fd) == -1)
		goto fail;
	close(fd);
	fd = -1;
	if (create ? link(tmp, keyfile) : rename(tmp, keyfile)) {
		if (create && errno == EEXIST)
			rc = 0;		/* someone else made it first */
		else
			snprintf(err, errlen, "%s: %s", keyfile,
			    strerror(errno));
		(void)unlink(tmp);
		if (rc == -1)
			goto out;
	} else if (create)
		(void)unlink(tmp);
	dir = xstrdup(keyfile);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if ((dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) != -1) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	free(dir);
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(line, sizeof(line));
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
out:
	free(tmp);
	return rc;
}

/* Hold an exclusive lock on "<keyfile>.lock": returns the fd or -1. */
static int
keys_lock(const char *keyfile, char *err, size_t errlen)
{
	char	*p = xasprintf("%s.lock", keyfile);
	int	 fd;

	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || flock(fd, LOCK_EX) == -1) {
		snprintf(err, errlen, "%s: %s", p, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	free(p);
	return fd;
}

/* Lock keyfile against other writers and read it: returns the lock's fd
 * (the caller closes it) with *ks (NULL with err when unreadable), or -1
 * with err. */
static int
keys_open_locked(const char *keyfile, struct keyset **ks, char *err,
    size_t errlen)
{
	struct stat	st;
	int		lock;

	if (sodium_init() < 0)
		fatalx("sodium_init");
	if ((lock = keys_lock(keyfile, err, errlen)) != -1)
		*ks = keys_read(keyfile, &st, err, errlen);
	return lock;
}

/* Make keyfile's directory (one level, 0700) when it is missing. */
static void
keys_mkdir(const char *keyfile)
{
	char	*dir = xstrdup(keyfile), *slash;

	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0700);
	}
	free(dir);
}

int
vault_open(const char *keyfile, int create, struct vault **out, char *err,
    size_t errlen)
{
	struct vault	*v;
	struct keyset	*ks;
	struct stat	 st;

	*out = NULL;
	if (sodium_init() < 0)		/* sodium_malloc needs it */
		fatalx("sodium_init");
	if (create && access(keyfile, F_OK) == -1 && errno == ENOENT) {
		if ((ks = sodium_malloc(sizeof(*ks))) == NULL)
			fatal("sodium_malloc");
		ks->n = 1;
		ks->ver[0] = 1;
		crypto_aead_xchacha20poly1305_ietf_keygen(ks->key[0]);
		keys_mkdir(keyfile);
		if (keys_write(keyfile, ks, 1, err, errlen) == -1) {
			sodium_free(ks);
			return -1;
		}
		sodium_free(ks);
	}
	if ((ks = keys_read(keyfile, &st, err, errlen)) == NULL)
		return -1;
	v = xcalloc(1, sizeof(*v));
	v->path = xstrdup(keyfile);
	v->ks = ks;
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	v->mtime = st.st_mtim;
	v->size = st.st_size;
	*out = v;
	return 0;
}

void
vault_free(struct vault *v)
{
	if (v == NULL)
		return;
	sodium_free(v->ks);
	free(v->path);
	free(v);
}

int
vault_refresh(struct vault *v)
{
	struct keyset	*ks;
	struct stat	 st;
	char		 err[256];

	if (stat(v->path, &st) == -1)
		return -1;
	if (st.st_dev == v->dev && st.st_ino == v->ino &&
	    st.st_size == v->size && st.st_mtim.tv_sec == v->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == v->mtime.tv_nsec)
		return 0;
	if ((ks = keys_read(v->path, &st, err, sizeof(err))) == NULL)
		return -1;
	sodium_free(v->ks);
	v->ks = ks;
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	v->mtime = st.st_mtim;
	v->size = st.st_size;
	return 0;
}

int
vault_current(const struct vault *v)
{
	return v->ks->ver[v->ks->n - 1];
}

int
vault_has(const struct vault *v, int ver)
{
	int	i;

	for (i = 0; i < v->ks->n; i++)
		if (v->ks->ver[i] == ver)
			return 1;
	return 0;
}

int
vault_versions(const struct vault *v, int *out, int max)
{
	int	i;

	for (i = 0; i < v->ks->n && i < max; i++)
		out[i] = v->ks->ver[i];
	return i;
}

int
vault_add_version(const char *keyfile, int *ver, char *err, size_t errlen)
{
	struct keyset	*ks;
	int		 lock, rc = -1;

	if ((lock = keys_open_locked(keyfile, &ks, err, errlen)) == -1)
		return -1;
	if (ks == NULL)
		goto out;
	if (ks->n == VAULT_MAXVERSIONS) {
		snprintf(err, errlen, "%s: %d versions already; retire old "
		    "ones first", keyfile, VAULT_MAXVERSIONS);
		goto out;
	}
	ks->ver[ks->n] = ks->ver[ks->n - 1] + 1;
	crypto_aead_xchacha20poly1305_ietf_keygen(ks->key[ks->n]);
	ks->n++;
	if (keys_write(keyfile, ks, 0, err, errlen) == -1)
		goto out;
	*ver = ks->ver[ks->n - 1];
	rc = 0;
out:
	if (ks != NULL)
		sodium_free(ks);
	close(lock);
	return rc;
}

int
vault_drop_version(const char *keyfile, int ver, char *err, size_t errlen)
{
	struct keyset	*ks;
	int		 lock, rc = -1, i;

	if ((lock = keys_open_locked(keyfile, &ks, err, errlen)) == -1)
		return -1;
	if (ks == NULL)
		goto out;
	for (i = 0; i < ks->n && ks->ver[i] != ver; i++)
		;
	if (i == ks->n) {
		snprintf(err, errlen, "no master key version %d", ver);
		goto out;
	}
	if (i == ks->n - 1) {
		snprintf(err, errlen, "version %d is the current master key; "
		    "rotate first", ver);
		goto out;
	}
	memmove(&ks->ver[i], &ks->ver[i + 1], (size_t)(ks->n - i - 1) *
	    sizeof(ks->ver[0]));
	memmove(ks->key[i], ks->key[i + 1], (size_t)(ks->n - i - 1) *
	    sizeof(ks->key[0]));
	ks->n--;
	sodium_memzero(ks->key[ks->n], sizeof(ks->key[0]));
	rc = keys_write(keyfile, ks, 0, err, errlen);
out:
	if (ks != NULL)
		sodium_free(ks);
	close(lock);
	return rc;
}

/* --- document keys --------------------------------------------------------- */

void
vault_new_id(char id[VAULT_IDLEN + 1])
{
	unsigned char	raw[VAULT_IDLEN / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, VAULT_IDLEN + 1, raw, sizeof(raw));
}

void
vault_new_key(unsigned char key[VAULT_KEYBYTES])
{
	crypto_secretstream_xchacha20poly1305_keygen(key);
}

int
vault_id_valid(const char *s)
{
	return s != NULL && strlen(s) == VAULT_IDLEN &&
	    strspn(s, "0123456789abcdef") == VAULT_IDLEN;
}

/* The associated data of a wrapped key: the id and the key version. */
static size_t
wrap_ad(char *ad, size_t len, const char *id, int ver)
{
	int	n = snprintf(ad, len, "vetd-key/1/%s/%d", id, ver);

	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

static const unsigned char *
version_key(const struct vault *v, int ver)
{
	int	i;

	for (i = 0; i < v->ks->n; i++)
		if (v->ks->ver[i] == ver)
			return v->ks->key[i];
	return NULL;
}

int
vault_wrap(struct vault *v, const char *id,
    const unsigned char key[VAULT_KEYBYTES], int *ver,
    unsigned char out[VAULT_WRAPPEDBYTES])
{
	char		 ad[80];
	size_t		 adlen;

	(void)vault_refresh(v);
	*ver = vault_current(v);
	if (!vault_id_valid(id) || (adlen = wrap_ad(ad, sizeof(ad), id,
	    *ver)) == 0)
		return -1;
	randombytes_buf(out, NPUB);
	return crypto_aead_xchacha20poly1305_ietf_encrypt(out + NPUB, NULL,
	    key, VAULT_KEYBYTES, (unsigned char *)ad, adlen, NULL, out,
	    version_key(v, *ver)) == 0 ? 0 : -1;
}

int
vault_unwrap(struct vault *v, const char *id, int ver,
    const unsigned char *wrapped, size_t wlen,
    unsigned char key[VAULT_KEYBYTES])
{
	const unsigned char	*mk;
	char			 ad[80];
	size_t			 adlen;

	if (wlen != VAULT_WRAPPEDBYTES || !vault_id_valid(id) ||
	    (adlen = wrap_ad(ad, sizeof(ad), id, ver)) == 0)
		return -1;
	if ((mk = version_key(v, ver)) == NULL) {
		/* a rotation added it since we loaded */
		if (vault_refresh(v) == -1 || (mk = version_key(v, ver)) == NULL)
			return -1;
	}
	return crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL,
	    wrapped + NPUB, wlen - NPUB, (unsigned char *)ad, adlen, wrapped,
	    mk) == 0 ? 0 : -1;
}

/* --- content --------------------------------------------------------------- */

/* The associated data of every chunk: format version and id. */
static size_t
chunk_ad(char *ad, size_t len, const char *id)
{
	int	n = snprintf(ad, len, "vetd-doc/1/%s", id);

	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

struct vault_writer *
vault_writer_new(const char *dir, const char *id,
    const unsigned char key[VAULT_KEYBYTES], char *err, size_t errlen)
{
	struct vault_writer	*w;
	unsigned char		 hdr[MAGICLEN + HDRLEN];

	if (!vault_id_valid(id)) {
		snprintf(err, errlen, "not a vault id");
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->dir = xstrdup(dir);
	w->tmp = xasprintf("%s/.%s.part", dir, id);
	w->final = xasprintf("%s/%s", dir, id);
	memcpy(w->id, id, VAULT_IDLEN + 1);
	if ((w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		goto fail;
	}
	memcpy(hdr, MAGIC, MAGICLEN);
	crypto_secretstream_xchacha20poly1305_init_push(&w->st, hdr + MAGICLEN,
	    key);
	if (util_write_all(w->fd, hdr, sizeof(hdr)) == -1) {
		snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
		(void)unlink(w->tmp);
		goto fail;
	}
	w->written = sizeof(hdr);
	return w;
fail:
	if (w->fd != -1)
		close(w->fd);
	free(w->dir);
	free(w->tmp);
	free(w->final);
	sodium_memzero(w, sizeof(*w));
	free(w);
	return NULL;
}

/* Encrypt the buffered plaintext as one chunk with tag. */
static int
writer_flush(struct vault_writer *w, unsigned char tag)
{
	unsigned long long	clen;
	char			ad[64];
	size_t			adlen = chunk_ad(ad, sizeof(ad), w->id);

	crypto_secretstream_xchacha20poly1305_push(&w->st, w->out, &clen,
	    w->in, w->inlen, (unsigned char *)ad, adlen, tag);
	w->inlen = 0;
	if (util_write_all(w->fd, w->out, (size_t)clen) == -1)
		return -1;
	w->written += (off_t)clen;
	/*
	 * Have the kernel begin writing what is written so far, without
	 * waiting for it: the disk works while the rest arrives, and the
	 * fsync at the end waits only for the last stretch. Only a hint;
	 * the fsync alone decides durability.
	 */
	if (w->written - w->kicked >= WRITEBACK_STEP) {
		(void)sync_file_range(w->fd, w->kicked, w->written - w->kicked,
		    SYNC_FILE_RANGE_WRITE);
		w->kicked = w->written;
	}
	return 0;
}

int
vault_writer_push(struct vault_writer *w, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	size_t			 take;

	while (len > 0) {
		if (w->inlen == VAULT_CHUNK && writer_flush(w,
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) == -1)
			return -1;
		take = VAULT_CHUNK - w->inlen;
		if (take > len)
			take = len;
		memcpy(w->in + w->inlen, p, take);
		w->inlen += take;
		p += take;
		len -= take;
	}
	return 0;
}

static void
writer_free(struct vault_writer *w)
{
	free(w->dir);
	free(w->tmp);
	free(w->final);
	sodium_memzero(w, sizeof(*w));
	free(w);
}

int
vault_writer_finish(struct vault_writer *w)
{
	int	dfd, rc = -1;

	if (writer_flush(w, crypto_secretstream_xchacha20poly1305_TAG_FINAL) ==
	    -1 || fsync(w->fd) == -1)
		goto out;
	if (close(w->fd) == -1) {
		w->fd = -1;
		goto out;
	}
	w->fd = -1;
	if (rename(w->tmp, w->final) == -1)
		goto out;
	if ((dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (rc == -1) {
		if (w->fd != -1)
			close(w->fd);
		(void)unlink(w->tmp);
	}
	writer_free(w);
	return rc;
}

void
vault_writer_abort(struct vault_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	(void)unlink(w->tmp);
	writer_free(w);
}

/* Read up to len bytes (short only at the end of the file). */
static ssize_t
read_full(int fd, unsigned char *buf, size_t len)
{
	size_t	have = 0;
	ssize_t	n;

	while (have < len) {
		n = read(fd, buf + have, len - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

struct pass {
	unsigned char	c[VAULT_CHUNK + ABYTES];
	unsigned char	m[VAULT_CHUNK];
};

/*
 * One pass over the open file from its start: every chunk must
 * authenticate, the final tag must end it exactly, and the plaintext must
 * be size bytes. With a sink the plaintext goes there; *out counts what
 * was sent.
 */
static enum vault_status
pass_run(int fd, struct pass *b, const char *id,
    const unsigned char key[VAULT_KEYBYTES], unsigned long long size,
    vault_sink_fn sink, void *arg, unsigned long long *out)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char		 hdr[MAGICLEN + HDRLEN], tag = 0;
	unsigned long long	 mlen, total = 0;
	char			 ad[64];
	size_t			 adlen = chunk_ad(ad, sizeof(ad), id);
	ssize_t			 n;
	enum vault_status	 rc = VAULT_CORRUPT;

	*out = 0;
	if (lseek(fd, 0, SEEK_SET) == -1)
		return VAULT_IOERR;
	if ((n = read_full(fd, hdr, sizeof(hdr))) == -1)
		return VAULT_IOERR;
	if ((size_t)n != sizeof(hdr) || memcmp(hdr, MAGIC, MAGICLEN) != 0 ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st,
	    hdr + MAGICLEN, key) != 0)
		goto out;
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		if ((n = read_full(fd, b->c, sizeof(b->c))) == -1) {
			rc = VAULT_IOERR;
			goto out;
		}
		if ((size_t)n < ABYTES ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, b->m, &mlen,
		    &tag, b->c, (unsigned long long)n, (unsigned char *)ad,
		    adlen) != 0)
			goto out;	/* truncated, altered, another's */
		if ((size_t)n < sizeof(b->c) &&
		    tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			goto out;	/* short chunk that is not the last */
		total += mlen;
		if (total > size)
			goto out;
		if (sink != NULL && mlen > 0) {
			if (sink(arg, b->m, (size_t)mlen) == -1) {
				rc = VAULT_SINK;
				goto out;
			}
			*out += mlen;
		}
	}
	/* nothing may follow the final chunk */
	if ((n = read_full(fd, b->c, 1)) != 0 || total != size)
		goto out;
	rc = VAULT_OK;
out:
	sodium_memzero(&st, sizeof(st));
	return rc;
}

enum vault_status
vault_read(const char *dir, const char *id,
    const unsigned char key[VAULT_KEYBYTES], unsigned long long size,
    vault_ready_fn ready, vault_sink_fn sink, void *arg)
{
	struct pass		*b;
	char			*path;
	unsigned long long	 sent;
	enum vault_status	 rc;
	int			 fd;

	if (!vault_id_valid(id))
		return VAULT_MISSING;
	path = xasprintf("%s/%s", dir, id);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd == -1)
		return errno == ENOENT ? VAULT_MISSING : VAULT_IOERR;
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	b = xmalloc(sizeof(*b));
	rc = pass_run(fd, b, id, key, size, NULL, NULL, &sent);
	if (rc == VAULT_OK && ready != NULL && ready(arg) == -1)
		rc = VAULT_SINK;
	if (rc == VAULT_OK && sink != NULL) {
		rc = pass_run(fd, b, id, key, size, sink, arg, &sent);
		if (rc == VAULT_CORRUPT && sent > 0)
			rc = VAULT_TORN;
	}
	sodium_memzero(b->m, sizeof(b->m));
	free(b);
	close(fd);
	return rc;
}

int
vault_remove(const char *dir, const char *id)
{
	char	*path;
	int	 rc, dfd;

	if (!vault_id_valid(id))
		return -1;
	path = xasprintf("%s/%s", dir, id);
	rc = unlink(path) == -1 && errno != ENOENT ? -1 : 0;
	free(path);
	if (rc == 0 && (dfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return rc;
}
