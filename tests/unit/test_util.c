/*
 * Unit tests of util: xasprintf, the growable buffer (growth across its
 * first capacity, NUL termination after every kind of append, reset and
 * free), the request pool (many small allocations that must not overlap,
 * allocations larger than a chunk, alignment, zeroing, strdup/strndup),
 * util_parse_ll (bounds, sign, junk, overflow, empty input),
 * util_pct_decode (valid escapes, bad and truncated escapes, the encoded
 * NUL, '+' as a space only when asked) and util_memeq.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "util.h"

/* --- xasprintf ---------------------------------------------------------- */

Test(util, xasprintf_formats)
{
	char *s = xasprintf("%s-%d-%05.1f", "abc", -42, 3.14159);

	cr_assert_str_eq(s, "abc--42-003.1");
	free(s);
	s = xasprintf("%s", "");
	cr_assert_str_eq(s, "");
	free(s);
}

Test(util, xasprintf_long_output)
{
	char *s = xasprintf("%5000d|", 7);

	cr_assert_eq(strlen(s), 5001);
	cr_assert_eq(s[4999], '7');
	cr_assert_eq(s[5000], '|');
	free(s);
}

Test(util, xstrndup_cuts)
{
	char *s = xstrndup("abcdef", 3);

	cr_assert_str_eq(s, "abc");
	free(s);
}

/* --- buffers ------------------------------------------------------------ */

Test(util, buf_starts_empty)
{
	struct buf b;

	util_buf_init(&b);
	cr_assert_null(b.data);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	util_buf_free(&b);
}

Test(util, buf_empty_add_is_terminated)
{
	struct buf b;

	util_buf_init(&b);
	util_buf_add(&b, "", 0);
	cr_assert_not_null(b.data);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.data[0], '\0');
	util_buf_free(&b);
}

Test(util, buf_grows_and_stays_terminated)
{
	struct buf b;
	size_t i;

	util_buf_init(&b);
	for (i = 0; i < 10000; i++) {
		util_buf_add(&b, &"0123456789"[i % 10], 1);
		cr_assert_eq(b.len, i + 1);
		cr_assert_gt(b.cap, b.len, "no room for the NUL at len %zu", b.len);
		cr_assert_eq(b.data[b.len], '\0', "not terminated at len %zu", b.len);
	}
	for (i = 0; i < 10000; i++)
		cr_assert_eq(b.data[i], "0123456789"[i % 10], "byte %zu", i);
	cr_assert_eq(strlen(b.data), 10000);
	util_buf_free(&b);
	cr_assert_null(b.data);
	cr_assert_eq(b.len, 0);
}

Test(util, buf_one_big_add)
{
	struct buf b;
	char *big = malloc(100000);

	memset(big, 'x', 100000);
	util_buf_init(&b);
	util_buf_adds(&b, "head:");
	util_buf_add(&b, big, 100000);
	cr_assert_eq(b.len, 100005);
	cr_assert_eq(b.data[b.len], '\0');
	cr_assert_eq(strncmp(b.data, "head:xxx", 8), 0);
	cr_assert_eq(b.data[b.len - 1], 'x');
	free(big);
	util_buf_free(&b);
}

Test(util, buf_add_keeps_embedded_nul)
{
	struct buf b;

	util_buf_init(&b);
	util_buf_add(&b, "a\0b", 3);
	cr_assert_eq(b.len, 3);
	cr_assert_eq(memcmp(b.data, "a\0b", 4), 0);
	util_buf_free(&b);
}

Test(util, buf_addf_appends_and_grows)
{
	struct buf b;
	int i;

	util_buf_init(&b);
	util_buf_addf(&b, "%s=%d;", "a", 1);
	cr_assert_str_eq(b.data, "a=1;");
	cr_assert_eq(b.len, 4);
	for (i = 0; i < 200; i++)
		util_buf_addf(&b, "%04d", i);
	cr_assert_eq(b.len, 4 + 800);
	cr_assert_eq(strlen(b.data), b.len);
	cr_assert_eq(strncmp(b.data + b.len - 8, "01980199", 8), 0);
	util_buf_addf(&b, "%s", "");
	cr_assert_eq(b.len, 804);
	cr_assert_eq(b.data[b.len], '\0');
	util_buf_free(&b);
}

Test(util, buf_reset_keeps_memory)
{
	struct buf b;
	size_t cap;

	util_buf_init(&b);
	util_buf_reset(&b);		/* on a buffer that never allocated */
	cr_assert_eq(b.len, 0);
	util_buf_adds(&b, "some text");
	cap = b.cap;
	util_buf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	cr_assert_eq(b.cap, cap);
	util_buf_adds(&b, "xy");
	cr_assert_str_eq(b.data, "xy");
	util_buf_free(&b);
}

/* --- pool --------------------------------------------------------------- */

Test(util, pool_many_small_allocations_do_not_overlap)
{
	struct pool *p = util_pool_new();
	unsigned char *ptrs[3000];
	size_t i, j, n;

	for (i = 0; i < nitems(ptrs); i++) {
		n = i % 37 + 1;
		ptrs[i] = util_pool_alloc(p, n);
		cr_assert_not_null(ptrs[i]);
		cr_assert_eq((uintptr_t)ptrs[i] % _Alignof(max_align_t), 0,
			     "allocation %zu misaligned", i);
		for (j = 0; j < n; j++)
			cr_assert_eq(ptrs[i][j], 0, "allocation %zu not zeroed", i);
		memset(ptrs[i], (int)(i & 0xff), n);
	}
	for (i = 0; i < nitems(ptrs); i++) {
		n = i % 37 + 1;
		for (j = 0; j < n; j++)
			cr_assert_eq(ptrs[i][j], (unsigned char)(i & 0xff),
				     "allocation %zu was overwritten", i);
	}
	util_pool_free(p);
}

Test(util, pool_allocation_larger_than_a_chunk)
{
	struct pool *p = util_pool_new();
	char *small1 = util_pool_alloc(p, 16);
	char *big = util_pool_alloc(p, 100000);
	char *small2 = util_pool_alloc(p, 16);
	size_t i;

	for (i = 0; i < 100000; i++)
		cr_assert_eq(big[i], 0, "byte %zu not zeroed", i);
	memset(small1, 'a', 16);
	memset(big, 'b', 100000);
	memset(small2, 'c', 16);
	for (i = 0; i < 16; i++) {
		cr_assert_eq(small1[i], 'a');
		cr_assert_eq(small2[i], 'c');
	}
	for (i = 0; i < 100000; i++)
		cr_assert_eq(big[i], 'b', "byte %zu", i);
	util_pool_free(p);
}

Test(util, pool_zero_size_gives_distinct_pointers)
{
	struct pool *p = util_pool_new();
	void *a = util_pool_alloc(p, 0);
	void *b = util_pool_alloc(p, 0);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	util_pool_free(p);
}

Test(util, pool_strdup_and_strndup)
{
	struct pool *p = util_pool_new();
	char src[] = "hello world";
	char *a = util_pool_strdup(p, src);
	char *b = util_pool_strndup(p, src, 5);
	char *c = util_pool_strdup(p, "");
	char *d = util_pool_strndup(p, "a\0bc", 4);

	cr_assert_str_eq(a, "hello world");
	cr_assert_neq(a, src);
	src[0] = 'J';
	cr_assert_str_eq(a, "hello world", "the copy follows the source");
	cr_assert_str_eq(b, "hello");
	cr_assert_str_eq(c, "");
	cr_assert_eq(memcmp(d, "a\0bc\0", 5), 0);
	util_pool_free(p);
}

Test(util, pool_free_null_is_harmless)
{
	util_pool_free(NULL);
}

/* --- util_parse_ll ------------------------------------------------------ */

Test(util, parse_ll_accepts_in_range)
{
	long long v = 0;

	cr_assert_eq(util_parse_ll("0", 0, 10, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(util_parse_ll("10", 0, 10, &v), 0);
	cr_assert_eq(v, 10);
	cr_assert_eq(util_parse_ll("007", 0, 10, &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(util_parse_ll("-5", -10, 10, &v), 0);
	cr_assert_eq(v, -5);
	cr_assert_eq(util_parse_ll("9223372036854775807", 0, LLONG_MAX, &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(util_parse_ll("-9223372036854775808", LLONG_MIN, 0, &v), 0);
	cr_assert_eq(v, LLONG_MIN);
}

Test(util, parse_ll_rejects_out_of_range)
{
	long long v = 1234;

	cr_assert_eq(util_parse_ll("11", 0, 10, &v), -1);
	cr_assert_eq(util_parse_ll("4", 5, 10, &v), -1);
	cr_assert_eq(util_parse_ll("-11", -10, 10, &v), -1);
	cr_assert_eq(v, 1234, "out was written on failure");
}

Test(util, parse_ll_rejects_junk_and_empty)
{
	static const char *const bad[] = {
		"", " ", "abc", "12a", "1 ", " 1", "1.5", "0x10", "1e3",
		"--1", "-", "+", "1-", "12\n",
	};
	long long v = 1234;
	size_t i;

	cr_assert_eq(util_parse_ll(NULL, 0, 10, &v), -1);
	for (i = 0; i < nitems(bad); i++)
		cr_assert_eq(util_parse_ll(bad[i], -100, 100, &v), -1,
			     "\"%s\" was accepted", bad[i]);
	cr_assert_eq(v, 1234);
}

Test(util, parse_ll_rejects_sign_where_min_is_not_negative)
{
	long long v = 1234;

	cr_assert_eq(util_parse_ll("-0", 0, 10, &v), -1);
	cr_assert_eq(util_parse_ll("-1", 0, 10, &v), -1);
	cr_assert_eq(util_parse_ll("+1", 0, 10, &v), -1);
	cr_assert_eq(util_parse_ll("+1", -10, 10, &v), -1);
	cr_assert_eq(v, 1234);
}

Test(util, parse_ll_rejects_overflow)
{
	long long v = 1234;

	cr_assert_eq(util_parse_ll("9223372036854775808", 0, LLONG_MAX, &v), -1);
	cr_assert_eq(util_parse_ll("-9223372036854775809", LLONG_MIN, 0, &v), -1);
	cr_assert_eq(util_parse_ll("99999999999999999999999", 0, LLONG_MAX, &v),
		     -1);
	cr_assert_eq(v, 1234);
}

/*
 * Leading white space other than a plain space is junk too: strtoll skips
 * it, so it has to be refused before the call, as ' ' already is.
 */
Test(util, parse_ll_rejects_leading_whitespace)
{
	static const char *const bad[] = { "\t5", "\n5", "\r5", "\v5", "\f5",
	    "\t+5" };
	long long v = 1234;
	size_t i;

	for (i = 0; i < nitems(bad); i++)
		cr_expect_eq(util_parse_ll(bad[i], 0, 100, &v), -1,
			     "leading \\x%02x accepted (value %lld)",
			     (unsigned char)bad[i][0], v);
}

/* --- util_pct_decode ---------------------------------------------------- */

/* Decode a C string. */
static char *pct(struct pool *p, const char *s, int plus_space)
{
	return util_pct_decode(p, s, strlen(s), plus_space);
}

Test(util, pct_decode_valid)
{
	struct pool *p = util_pool_new();

	cr_assert_str_eq(pct(p, "", 0), "");
	cr_assert_str_eq(pct(p, "plain", 0), "plain");
	cr_assert_str_eq(pct(p, "a%20b", 0), "a b");
	cr_assert_str_eq(pct(p, "%41%62%7a%7A", 0), "Abzz");
	cr_assert_str_eq(pct(p, "%2F", 0), "/");
	cr_assert_str_eq(pct(p, "%25", 0), "%");
	cr_assert_str_eq(pct(p, "%C3%A9", 0), "\xc3\xa9");
	cr_assert_str_eq(pct(p, "%ff", 0), "\xff");
	cr_assert_str_eq(pct(p, "x%41", 0), "xA", "escape at the very end");
	util_pool_free(p);
}

Test(util, pct_decode_uses_only_len_bytes)
{
	struct pool *p = util_pool_new();
	char *s = util_pct_decode(p, "abc%41def", 6, 0);

	cr_assert_str_eq(s, "abcA");
	/* an escape cut by len is truncated even if the bytes after it are hex */
	cr_assert_null(util_pct_decode(p, "ab%41", 4, 0));
	cr_assert_null(util_pct_decode(p, "ab%41", 3, 0));
	cr_assert_str_eq(util_pct_decode(p, "a+b+", 2, 1), "a ");
	util_pool_free(p);
}

Test(util, pct_decode_bad_escapes)
{
	static const char *const bad[] = {
		"%zz", "%g1", "%1g", "%", "%4", "a%", "a%4", "%%", "%-1", "% 1",
	};
	struct pool *p = util_pool_new();
	size_t i;

	for (i = 0; i < nitems(bad); i++)
		cr_assert_null(pct(p, bad[i], 0), "\"%s\" decoded", bad[i]);
	util_pool_free(p);
}

Test(util, pct_decode_rejects_nul)
{
	struct pool *p = util_pool_new();

	cr_assert_null(pct(p, "%00", 0));
	cr_assert_null(pct(p, "abc%00def", 1));
	cr_assert_null(util_pct_decode(p, "ab\0c", 4, 0), "raw NUL decoded");
	cr_assert_str_eq(pct(p, "%01", 0), "\x01");
	cr_assert_str_eq(pct(p, "%10", 0), "\x10");
	util_pool_free(p);
}

Test(util, pct_decode_plus_space)
{
	struct pool *p = util_pool_new();

	cr_assert_str_eq(pct(p, "a+b", 1), "a b");
	cr_assert_str_eq(pct(p, "a+b", 0), "a+b");
	cr_assert_str_eq(pct(p, "a%2Bb", 1), "a+b", "%2B is a literal plus");
	cr_assert_str_eq(pct(p, "++", 1), "  ");
	util_pool_free(p);
}

/* --- util_memeq, time ------------------------------------------------- */

Test(util, memeq)
{
	cr_assert(util_memeq("abcdef", "abcdef", 6));
	cr_assert_not(util_memeq("abcdef", "abcdeg", 6));
	cr_assert_not(util_memeq("xbcdef", "abcdef", 6));
	cr_assert(util_memeq("abcX", "abcY", 3), "compares only n bytes");
	cr_assert(util_memeq("a\0b", "a\0b", 3));
	cr_assert_not(util_memeq("a\0b", "a\0c", 3), "stops at a NUL");
	cr_assert(util_memeq("x", "y", 0));
}

Test(util, now_iso_shape)
{
	char ts[32];

	util_now_iso(ts, sizeof(ts));
	cr_assert_eq(strlen(ts), 24, "%s", ts);
	cr_assert_eq(ts[4], '-');
	cr_assert_eq(ts[10], 'T');
	cr_assert_eq(ts[19], '.');
	cr_assert_eq(ts[23], 'Z');
}

Test(util, now_us_is_monotonic)
{
	uint64_t a = util_now_us(), b = util_now_us();

	cr_assert_geq(b, a);
	cr_assert_gt(a, 0);
}

Test(util, utf8_valid_accepts_text_and_refuses_malformed)
{
	static const struct { const char *s; int ok; } cases[] = {
		{ "plain ascii", 1 },
		{ "Qu\xc3\xa9" "bec", 1 },			/* é */
		{ "\xe2\x82\xac", 1 },				/* € */
		{ "\xf0\x9f\x94\x92", 1 },			/* U+1F512 */
		{ "\xc3", 0 },					/* cut short */
		{ "\xc0\xaf", 0 },				/* overlong '/' */
		{ "\xe0\x80\xaf", 0 },				/* overlong */
		{ "\xed\xa0\x80", 0 },				/* surrogate */
		{ "\xf4\x90\x80\x80", 0 },			/* > U+10FFFF */
		{ "\x80", 0 },					/* lone continuation */
		{ "ok\xff", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(util_utf8_valid(cases[i].s, strlen(cases[i].s)),
		    cases[i].ok, "case %zu", i);
}
