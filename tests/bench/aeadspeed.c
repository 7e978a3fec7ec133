/*
 * aeadspeed: the in-memory ceiling of vetd's document path, the reference
 * that shows what the upload and download can reach before any I/O. It
 * reads FILE into memory once, then, as vetd's vault does, passes it in
 * 64 KiB chunks through libsodium's secretstream (XChaCha20-Poly1305):
 * encryption together with the SHA-256 of the plaintext (what an upload
 * computes), then decryption (what a download computes). It prints two
 * numbers, MB/s (10^6 bytes) of each, best of three passes.
 *
 *   aeadspeed FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "clock.h"

#define CHUNK	65536

int
main(int argc, char *argv[])
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char	 key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char	 hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char	 dig[EVP_MAX_MD_SIZE], tag;
	unsigned char	*plain, *sealed, *out;
	unsigned long long clen, mlen;
	EVP_MD_CTX	*md;
	FILE		*f;
	size_t		 size, off, n, cap = 0, ns;
	double		 t0, enc = 0, dec = 0, r;
	int		 pass;

	if (argc != 2) {
		fprintf(stderr, "usage: aeadspeed FILE\n");
		return 2;
	}
	if (sodium_init() < 0 || (md = EVP_MD_CTX_new()) == NULL)
		return 1;
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	plain = NULL;
	size = 0;
	for (;;) {
		if (size == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((plain = realloc(plain, cap)) == NULL)
				return 1;
		}
		if ((n = fread(plain + size, 1, cap - size, f)) == 0)
			break;
		size += n;
	}
	fclose(f);
	if (size == 0)
		return 1;
	ns = (size + CHUNK - 1) / CHUNK;
	sealed = malloc(size + ns * crypto_secretstream_xchacha20poly1305_ABYTES);
	out = malloc(CHUNK);
	if (sealed == NULL || out == NULL)
		return 1;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	for (pass = 0; pass < 3; pass++) {
		unsigned char	*c = sealed;

		t0 = bench_now();
		crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, key);
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		for (off = 0; off < size; off += n) {
			n = size - off < CHUNK ? size - off : CHUNK;
			EVP_DigestUpdate(md, plain + off, n);
			crypto_secretstream_xchacha20poly1305_push(&st, c, &clen,
			    plain + off, n, NULL, 0, off + n == size ?
			    crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
			c += clen;
		}
		EVP_DigestFinal_ex(md, dig, NULL);
		r = size / (bench_now() - t0) / 1e6;
		enc = r > enc ? r : enc;

		t0 = bench_now();
		if (crypto_secretstream_xchacha20poly1305_init_pull(&st, hdr,
		    key) != 0)
			return 1;
		for (c = sealed, off = 0; off < size; off += n) {
			n = size - off < CHUNK ? size - off : CHUNK;
			if (crypto_secretstream_xchacha20poly1305_pull(&st, out,
			    &mlen, &tag, c, n +
			    crypto_secretstream_xchacha20poly1305_ABYTES, NULL,
			    0) != 0) {
				fprintf(stderr, "aeadspeed: chunk at %zu does "
				    "not verify\n", off);
				return 1;
			}
			c += n + crypto_secretstream_xchacha20poly1305_ABYTES;
		}
		r = size / (bench_now() - t0) / 1e6;
		dec = r > dec ? r : dec;
	}
	printf("%.1f %.1f\n", enc, dec);
	EVP_MD_CTX_free(md);
	free(plain);
	free(sealed);
	free(out);
	return 0;
}
