/*
 * Unit tests for core/vault.c: the master key file (creation, versions,
 * rotation, retirement, permissions), key wrapping bound to the document
 * and the version, and the content format: round trips of every size
 * around the chunk, and each kind of damage (bit flip, truncation, chunk
 * swapped in from another document, wrong associated data, trailing
 * bytes) refused with no output at all.
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "vault.h"

static char dir[] = "/tmp/vetd-test-vault.XXXXXX";
static char keyfile[300];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(keyfile, sizeof(keyfile), "%s/master", dir);
	cr_assert_eq(sodium_init() >= 0, 1);
}

static void teardown(void)
{
	fixture_rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

TestSuite(vault, .init = setup, .fini = teardown);

/* A sink collecting the output. */
struct out {
	unsigned char	*buf;
	size_t		 len;
	int		 ready;
};

static int sink(void *arg, const void *p, size_t n)
{
	struct out *o = arg;

	o->buf = realloc(o->buf, o->len + n + 1);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int ready(void *arg)
{
	((struct out *)arg)->ready = 1;
	return 0;
}

/* Encrypt len pseudo-random bytes (seeded by seed) as document id. */
static unsigned char *store_doc(const char *id, const unsigned char *key,
				size_t len, unsigned seed, size_t piece)
{
	struct vault_writer *w;
	unsigned char *p = malloc(len + 1);
	char err[256];
	size_t i, off;

	srand(seed);
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)rand();
	w = vault_writer_new(dir, id, key, err, sizeof(err));
	cr_assert_not_null(w, "%s", err);
	for (off = 0; off < len; off += piece)
		cr_assert_eq(vault_writer_push(w, p + off,
			     len - off < piece ? len - off : piece), 0);
	cr_assert_eq(vault_writer_finish(w), 0);
	return p;
}

static char *path_of(const char *id)
{
	static char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, id);
	return p;
}

static void expect_refused(const char *id, const unsigned char *key,
			   size_t size, const char *what)
{
	struct out o = { NULL, 0, 0 };
	enum vault_status st = vault_read(dir, id, key, size, ready, sink, &o);

	cr_expect_eq(st, VAULT_CORRUPT, "%s: status %d", what, (int)st);
	cr_expect_eq(o.len, 0, "%s: %zu bytes came out", what, o.len);
	cr_expect_eq(o.ready, 0, "%s: ready was called", what);
	free(o.buf);
}

Test(vault, round_trip_sizes_around_the_chunk)
{
	static const size_t sizes[] = { 0, 1, 100, VAULT_CHUNK - 1, VAULT_CHUNK,
		VAULT_CHUNK + 1, 3 * VAULT_CHUNK, 3 * VAULT_CHUNK + 17 };
	unsigned char key[VAULT_KEYBYTES], *plain;
	char id[VAULT_IDLEN + 1];
	struct out o;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		vault_new_id(id);
		vault_new_key(key);
		/* pushed in uneven pieces: the chunking is the writer's */
		plain = store_doc(id, key, sizes[i], (unsigned)i, 7919);
		memset(&o, 0, sizeof(o));
		cr_assert_eq(vault_read(dir, id, key, sizes[i], ready, sink, &o),
			     VAULT_OK, "size %zu", sizes[i]);
		cr_assert_eq(o.len, sizes[i]);
		cr_assert_eq(o.ready, 1);
		cr_assert(sizes[i] == 0 || memcmp(o.buf, plain, sizes[i]) == 0);
		/* checked only: no sink */
		cr_assert_eq(vault_read(dir, id, key, sizes[i], NULL, NULL,
			     NULL), VAULT_OK);
		/* a wrong size claim is refused */
		expect_refused(id, key, sizes[i] + 1, "size + 1");
		free(o.buf);
		free(plain);
	}
}

Test(vault, ciphertext_has_no_plaintext_and_file_is_private)
{
	unsigned char key[VAULT_KEYBYTES];
	char id[VAULT_IDLEN + 1], err[256], buf[4096];
	static const char marker[] = "MARKER-d41d8cd98f00b204";
	struct vault_writer *w;
	struct stat st;
	ssize_t n;
	int fd, i;

	vault_new_id(id);
	vault_new_key(key);
	w = vault_writer_new(dir, id, key, err, sizeof(err));
	cr_assert_not_null(w);
	for (i = 0; i < 50; i++)
		cr_assert_eq(vault_writer_push(w, marker, strlen(marker)), 0);
	cr_assert_eq(vault_writer_finish(w), 0);
	cr_assert_eq(stat(path_of(id), &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	fd = open(path_of(id), O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	cr_assert_gt(n, 50 * (ssize_t)strlen(marker));
	cr_assert_null(memmem(buf, (size_t)n, "MARKER", 6));
	/* no temporary file is left */
	snprintf(buf, sizeof(buf), "%s/.%s.part", dir, id);
	cr_assert_eq(access(buf, F_OK), -1);
}

Test(vault, abort_leaves_nothing)
{
	unsigned char key[VAULT_KEYBYTES];
	char id[VAULT_IDLEN + 1], err[256], tmp[400];
	struct vault_writer *w;

	vault_new_id(id);
	vault_new_key(key);
	w = vault_writer_new(dir, id, key, err, sizeof(err));
	cr_assert_not_null(w);
	cr_assert_eq(vault_writer_push(w, "abc", 3), 0);
	snprintf(tmp, sizeof(tmp), "%s/.%s.part", dir, id);
	cr_assert_eq(access(tmp, F_OK), 0);
	vault_writer_abort(w);
	cr_assert_eq(access(tmp, F_OK), -1);
	cr_assert_eq(access(path_of(id), F_OK), -1);
	cr_assert_eq(vault_read(dir, id, key, 3, NULL, NULL, NULL),
		     VAULT_MISSING);
}

/* Flip one bit at off. */
static void flip(const char *id, off_t off)
{
	int fd = open(path_of(id), O_RDWR);
	unsigned char b;

	cr_assert_eq(pread(fd, &b, 1, off), 1);
	b ^= 0x10;
	cr_assert_eq(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

Test(vault, bit_flips_anywhere_are_refused)
{
	unsigned char key[VAULT_KEYBYTES], *p;
	char id[VAULT_IDLEN + 1];
	size_t len = 2 * VAULT_CHUNK + 500;
	struct stat st;
	off_t offs[6];
	int i;

	vault_new_id(id);
	vault_new_key(key);
	p = store_doc(id, key, len, 1, len);
	cr_assert_eq(stat(path_of(id), &st), 0);
	/* the magic, the header, the first chunk, the last byte of a full
	 * chunk (its tag), the final chunk, the very last byte */
	offs[0] = 3;
	offs[1] = 20;
	offs[2] = 100;
	offs[3] = 8 + 24 + VAULT_CHUNK + 17 - 1;
	offs[4] = st.st_size - 200;
	offs[5] = st.st_size - 1;
	for (i = 0; i < 6; i++) {
		flip(id, offs[i]);
		expect_refused(id, key, len, "bit flip");
		flip(id, offs[i]);	/* back: it reads again */
		cr_assert_eq(vault_read(dir, id, key, len, NULL, NULL, NULL),
			     VAULT_OK);
	}
	free(p);
}

Test(vault, truncation_is_refused_even_at_a_chunk_boundary)
{
	unsigned char key[VAULT_KEYBYTES], *p;
	char id[VAULT_IDLEN + 1];
	size_t len = 2 * VAULT_CHUNK + 10;
	off_t cuts[4];
	int i;

	vault_new_id(id);
	vault_new_key(key);
	p = store_doc(id, key, len, 2, 4096);
	cuts[0] = 8 + 24 + 2 * ((off_t)VAULT_CHUNK + 17);	/* whole chunks */
	cuts[1] = 8 + 24 + (off_t)VAULT_CHUNK + 17;
	cuts[2] = cuts[0] + 5;				/* inside the last */
	cuts[3] = 10;					/* inside the header */
	for (i = 0; i < 4; i++) {
		cr_assert_eq(truncate(path_of(id), cuts[i]), 0);
		expect_refused(id, key, len, "truncated");
	}
	free(p);
}

Test(vault, trailing_bytes_after_the_final_chunk_are_refused)
{
	unsigned char key[VAULT_KEYBYTES], *p;
	char id[VAULT_IDLEN + 1];
	int fd;

	vault_new_id(id);
	vault_new_key(key);
	p = store_doc(id, key, 1000, 3, 1000);
	fd = open(path_of(id), O_WRONLY | O_APPEND);
	cr_assert_eq(write(fd, "x", 1), 1);
	close(fd);
	expect_refused(id, key, 1000, "trailing byte");
	free(p);
}

/* Copy chunk 1 of document a over chunk 1 of document b. */
static void swap_chunk(const char *a, const char *b)
{
	size_t clen = VAULT_CHUNK + 17;
	off_t off = 8 + 24 + (off_t)clen;
	unsigned char *buf = malloc(clen);
	int fa = open(path_of(a), O_RDONLY), fb = open(path_of(b), O_RDWR);

	cr_assert_eq(pread(fa, buf, clen, off), (ssize_t)clen);
	cr_assert_eq(pwrite(fb, buf, clen, off), (ssize_t)clen);
	close(fa);
	close(fb);
	free(buf);
}

Test(vault, chunk_swapped_between_documents_is_refused)
{
	unsigned char ka[VAULT_KEYBYTES], *pa, *pb;
	char a[VAULT_IDLEN + 1], b[VAULT_IDLEN + 1];
	size_t len = 3 * VAULT_CHUNK;

	vault_new_id(a);
	vault_new_id(b);
	vault_new_key(ka);
	/* even under the same key, another document's chunk does not fit */
	pa = store_doc(a, ka, len, 4, len);
	pb = store_doc(b, ka, len, 5, len);
	swap_chunk(a, b);
	expect_refused(b, ka, len, "chunk from another document");
	free(pa);
	free(pb);
}

Test(vault, chunks_reordered_within_a_document_are_refused)
{
	unsigned char key[VAULT_KEYBYTES], *p, *c1, *c2;
	char id[VAULT_IDLEN + 1];
	size_t clen = VAULT_CHUNK + 17, len = 3 * VAULT_CHUNK;
	off_t o1 = 8 + 24, o2 = o1 + (off_t)clen;
	int fd;

	vault_new_id(id);
	vault_new_key(key);
	p = store_doc(id, key, len, 6, len);
	c1 = malloc(clen);
	c2 = malloc(clen);
	fd = open(path_of(id), O_RDWR);
	cr_assert_eq(pread(fd, c1, clen, o1), (ssize_t)clen);
	cr_assert_eq(pread(fd, c2, clen, o2), (ssize_t)clen);
	cr_assert_eq(pwrite(fd, c2, clen, o1), (ssize_t)clen);
	cr_assert_eq(pwrite(fd, c1, clen, o2), (ssize_t)clen);
	close(fd);
	expect_refused(id, key, len, "chunks reordered");
	free(c1);
	free(c2);
	free(p);
}

Test(vault, wrong_associated_data_or_key_is_refused)
{
	unsigned char key[VAULT_KEYBYTES], other[VAULT_KEYBYTES], *p;
	char id[VAULT_IDLEN + 1], id2[VAULT_IDLEN + 1], to[400];

	vault_new_id(id);
	vault_new_id(id2);
	vault_new_key(key);
	vault_new_key(other);
	p = store_doc(id, key, 5000, 7, 5000);
	expect_refused(id, other, 5000, "wrong key");
	/* the same bytes under another document's id: the associated data
	 * (the id) no longer matches */
	snprintf(to, sizeof(to), "%s/%s", dir, id2);
	cr_assert_eq(link(path_of(id), to), 0);
	expect_refused(id2, key, 5000, "another id");
	free(p);
}

Test(vault, sink_stop_and_bad_ids)
{
	unsigned char key[VAULT_KEYBYTES], *p;
	char id[VAULT_IDLEN + 1], err[128];

	vault_new_id(id);
	vault_new_key(key);
	p = store_doc(id, key, 10, 8, 10);
	cr_assert_eq(vault_read(dir, "../etc/passwd", key, 10, NULL, NULL,
		     NULL), VAULT_MISSING);
	cr_assert_not(vault_id_valid("0123456789abcdef0123456789ABCDEF"));
	cr_assert_not(vault_id_valid("0123456789abcdef"));
	cr_assert(vault_id_valid(id));
	cr_assert_null(vault_writer_new(dir, "../x", key, err, sizeof(err)));
	cr_assert_eq(vault_remove(dir, "../x"), -1);
	cr_assert_eq(vault_remove(dir, id), 0);
	cr_assert_eq(vault_remove(dir, id), 0, "already gone is no error");
	cr_assert_eq(vault_read(dir, id, key, 10, NULL, NULL, NULL),
		     VAULT_MISSING);
	free(p);
}

/* --- the master keys ------------------------------------------------------ */

Test(vault, key_file_made_once_private_and_stable)
{
	struct vault *v1, *v2;
	struct stat st;
	char err[256];

	cr_assert_eq(vault_open(keyfile, 0, &v1, err, sizeof(err)), -1,
		     "no file, no create");
	cr_assert_eq(vault_open(keyfile, 1, &v1, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(stat(keyfile, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(vault_current(v1), 1);
	/* a second create finds it and keeps it */
	cr_assert_eq(vault_open(keyfile, 1, &v2, err, sizeof(err)), 0);
	{
		unsigned char key[VAULT_KEYBYTES], w[VAULT_WRAPPEDBYTES],
			back[VAULT_KEYBYTES];
		char id[VAULT_IDLEN + 1];
		int ver;

		vault_new_id(id);
		vault_new_key(key);
		cr_assert_eq(vault_wrap(v1, id, key, &ver, w), 0);
		cr_assert_eq(vault_unwrap(v2, id, ver, w, sizeof(w), back), 0);
		cr_assert_eq(memcmp(key, back, sizeof(key)), 0);
	}
	vault_free(v1);
	vault_free(v2);
	/* group- or world-readable: refused */
	cr_assert_eq(chmod(keyfile, 0640), 0);
	cr_assert_eq(vault_open(keyfile, 0, &v1, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "600"));
}

Test(vault, malformed_key_files_are_refused)
{
	static const char *const bad[] = { "", "# only a comment\n",
		"1 notbase64!\n", "1 AAAA\n", "x AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"2 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
		"1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" };
	struct vault *v;
	char err[256];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unlink(keyfile);
		fd = open(keyfile, O_WRONLY | O_CREAT | O_EXCL, 0600);
		cr_assert_eq(write(fd, bad[i], strlen(bad[i])),
			     (ssize_t)strlen(bad[i]));
		close(fd);
		cr_expect_eq(vault_open(keyfile, 0, &v, err, sizeof(err)), -1,
			     "accepted: %s", bad[i]);
	}
}

Test(vault, wrap_is_bound_to_document_and_version)
{
	struct vault *v;
	unsigned char key[VAULT_KEYBYTES], w[VAULT_WRAPPEDBYTES],
		back[VAULT_KEYBYTES];
	char id[VAULT_IDLEN + 1], id2[VAULT_IDLEN + 1], err[256];
	int ver, nv;

	cr_assert_eq(vault_open(keyfile, 1, &v, err, sizeof(err)), 0);
	vault_new_id(id);
	vault_new_id(id2);
	vault_new_key(key);
	cr_assert_eq(vault_wrap(v, id, key, &ver, w), 0);
	cr_assert_eq(ver, 1);
	cr_assert_eq(vault_unwrap(v, id2, ver, w, sizeof(w), back), -1,
		     "another document's id");
	cr_assert_eq(vault_add_version(keyfile, &nv, err, sizeof(err)), 0);
	cr_assert_eq(nv, 2);
	cr_assert_eq(vault_unwrap(v, id, 2, w, sizeof(w), back), -1,
		     "claimed under another version");
	cr_assert_eq(vault_unwrap(v, id, 1, w, sizeof(w) - 1, back), -1,
		     "short");
	w[30] ^= 1;
	cr_assert_eq(vault_unwrap(v, id, 1, w, sizeof(w), back), -1,
		     "altered");
	w[30] ^= 1;
	cr_assert_eq(vault_unwrap(v, id, 1, w, sizeof(w), back), 0);
	cr_assert_eq(memcmp(key, back, sizeof(key)), 0);
	cr_assert_eq(vault_unwrap(v, id, 9, w, sizeof(w), back), -1,
		     "unknown version");
	vault_free(v);
}

Test(vault, rotation_is_seen_by_a_running_vault_and_retire_drops)
{
	struct vault *v, *other;
	unsigned char key[VAULT_KEYBYTES], w1[VAULT_WRAPPEDBYTES],
		w2[VAULT_WRAPPEDBYTES], back[VAULT_KEYBYTES];
	char id[VAULT_IDLEN + 1], err[256];
	int ver, nv, vers[8];

	cr_assert_eq(vault_open(keyfile, 1, &v, err, sizeof(err)), 0);
	cr_assert_eq(vault_open(keyfile, 0, &other, err, sizeof(err)), 0);
	vault_new_id(id);
	vault_new_key(key);
	cr_assert_eq(vault_wrap(v, id, key, &ver, w1), 0);
	/* another process rotates */
	cr_assert_eq(vault_add_version(keyfile, &nv, err, sizeof(err)), 0);
	cr_assert_eq(vault_wrap(other, id, key, &ver, w2), 0);
	cr_assert_eq(ver, 2, "a wrap after a rotation uses the new version");
	/* v loaded before the rotation: it reads the file again on meeting
	 * version 2 */
	cr_assert_eq(vault_unwrap(v, id, 2, w2, sizeof(w2), back), 0);
	cr_assert_eq(vault_current(v), 2);
	cr_assert_eq(vault_versions(v, vers, 8), 2);
	cr_assert_eq(vers[0], 1);
	cr_assert_eq(vers[1], 2);
	/* the current version is never retired */
	cr_assert_eq(vault_drop_version(keyfile, 2, err, sizeof(err)), -1);
	cr_assert_eq(vault_drop_version(keyfile, 7, err, sizeof(err)), -1);
	cr_assert_eq(vault_drop_version(keyfile, 1, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(vault_refresh(v), 0);
	cr_assert_not(vault_has(v, 1));
	cr_assert_eq(vault_unwrap(v, id, 1, w1, sizeof(w1), back), -1,
		     "version 1 is gone");
	cr_assert_eq(vault_unwrap(v, id, 2, w2, sizeof(w2), back), 0);
	vault_free(v);
	vault_free(other);
}
