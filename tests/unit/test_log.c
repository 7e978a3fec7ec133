/*
 * Unit tests of log: log_quote_tmp (bare values, quoting of spaces, quotes
 * and backslashes, control characters escaped, long values cut, the four
 * rotating buffers), log_level_parse, and the lines themselves: stderr is
 * redirected into a pipe to check that a line carries ts=, level=, proc=,
 * the request id set with log_set_rid (and not after it is cleared), ends
 * in one newline, and that a level below the threshold prints nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"
#include "util.h"

/* --- capturing stderr --------------------------------------------------- */

struct capture {
	int saved;
	int rd;
};

static void capture_start(struct capture *c)
{
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	c->saved = dup(STDERR_FILENO);
	cr_assert_geq(c->saved, 0);
	cr_assert_geq(dup2(fds[1], STDERR_FILENO), 0);
	close(fds[1]);
	c->rd = fds[0];
}

/* Restore stderr and return what was written (at most len - 1 bytes). */
static const char *capture_end(struct capture *c, char *out, size_t len)
{
	size_t o = 0;
	ssize_t n;

	cr_assert_geq(dup2(c->saved, STDERR_FILENO), 0);
	close(c->saved);
	while (o < len - 1 && (n = read(c->rd, out + o, len - 1 - o)) > 0)
		o += (size_t)n;
	close(c->rd);
	out[o] = '\0';
	return out;
}

/* --- log_quote_tmp ------------------------------------------------------ */

Test(log, quote_bare_values)
{
	cr_assert_str_eq(log_quote_tmp("abc"), "abc");
	cr_assert_str_eq(log_quote_tmp("A-Z_0.9"), "A-Z_0.9");
	cr_assert_str_eq(log_quote_tmp("/api/v1/{id}"), "/api/v1/{id}");
	cr_assert_str_eq(log_quote_tmp("user@host:8080"), "user@host:8080");
	cr_assert_str_eq(log_quote_tmp("1.2-3"), "1.2-3");
}

Test(log, quote_empty_is_quoted)
{
	cr_assert_str_eq(log_quote_tmp(""), "\"\"");
}

Test(log, quote_spaces_and_specials)
{
	cr_assert_str_eq(log_quote_tmp("a b"), "\"a b\"");
	cr_assert_str_eq(log_quote_tmp("a=b"), "\"a=b\"");
	cr_assert_str_eq(log_quote_tmp("a,b"), "\"a,b\"");
	cr_assert_str_eq(log_quote_tmp("50%"), "\"50%\"");
	cr_assert_str_eq(log_quote_tmp("say \"hi\""), "\"say \\\"hi\\\"\"");
	cr_assert_str_eq(log_quote_tmp("c:\\dir"), "\"c:\\\\dir\"");
}

Test(log, quote_escapes_control_characters)
{
	cr_assert_str_eq(log_quote_tmp("a\nb"), "\"a\\x0ab\"");
	cr_assert_str_eq(log_quote_tmp("\r\t"), "\"\\x0d\\x09\"");
	cr_assert_str_eq(log_quote_tmp("x\x1by"), "\"x\\x1by\"");
	cr_assert_str_eq(log_quote_tmp("del\x7f"), "\"del\\x7f\"");
	cr_assert_null(strchr(log_quote_tmp("a\nb\rc"), '\n'));
}

Test(log, quote_keeps_utf8)
{
	cr_assert_str_eq(log_quote_tmp("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

Test(log, quote_cuts_long_bare_values)
{
	char in[1000];
	const char *q;

	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	q = log_quote_tmp(in);
	cr_assert_eq(strlen(q), 200);
	cr_assert_eq(strspn(q, "a"), 200);
}

Test(log, quote_cuts_long_quoted_values)
{
	char in[1000];
	const char *q;
	size_t len;

	memset(in, ' ', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	q = log_quote_tmp(in);
	len = strlen(q);
	cr_assert_leq(len, 202, "quoted value is %zu bytes", len);
	cr_assert_geq(len, 190);
	cr_assert_eq(q[0], '"');
	cr_assert_eq(q[len - 1], '"');
}

Test(log, quote_cuts_long_escaped_values_without_overflow)
{
	char in[1000];
	const char *q;
	size_t len;

	memset(in, '\x01', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	q = log_quote_tmp(in);
	len = strlen(q);
	cr_assert_lt(len, 256);
	cr_assert_leq(len, 206, "escaped value is %zu bytes", len);
	cr_assert_eq(q[0], '"');
	cr_assert_eq(q[len - 1], '"');
	/* only whole escapes, then the closing quote */
	cr_assert_eq((len - 2) % 4, 0, "a cut escape: %s", q);

	memset(in, '"', sizeof(in) - 1);
	q = log_quote_tmp(in);
	len = strlen(q);
	cr_assert_leq(len, 204);
	cr_assert_eq((len - 2) % 2, 0, "a cut escape: %s", q);
}

Test(log, quote_four_rotating_buffers)
{
	const char *a = log_quote_tmp("one");
	const char *b = log_quote_tmp("two two");
	const char *c = log_quote_tmp("three");
	const char *d = log_quote_tmp("four\n");

	cr_assert_neq(a, b);
	cr_assert_neq(a, c);
	cr_assert_neq(a, d);
	cr_assert_neq(b, c);
	cr_assert_neq(b, d);
	cr_assert_neq(c, d);
	cr_assert_str_eq(a, "one");
	cr_assert_str_eq(b, "\"two two\"");
	cr_assert_str_eq(c, "three");
	cr_assert_str_eq(d, "\"four\\x0a\"");
	/* the fifth call reuses the first buffer */
	cr_assert_eq(log_quote_tmp("five"), a);
	cr_assert_str_eq(a, "five");
}

/* --- log_level_parse ---------------------------------------------------- */

Test(log, level_parse)
{
	enum log_level l = LOG_LVL_ERROR;

	cr_assert_eq(log_level_parse("debug", &l), 0);
	cr_assert_eq(l, LOG_LVL_DEBUG);
	cr_assert_eq(log_level_parse("info", &l), 0);
	cr_assert_eq(l, LOG_LVL_INFO);
	cr_assert_eq(log_level_parse("warn", &l), 0);
	cr_assert_eq(l, LOG_LVL_WARN);
	cr_assert_eq(log_level_parse("error", &l), 0);
	cr_assert_eq(l, LOG_LVL_ERROR);
}

Test(log, level_parse_rejects_others)
{
	static const char *const bad[] = { "", "INFO", "Info", "warning",
	    "err", "info ", " info", "fatal", "debug\n" };
	enum log_level l = LOG_LVL_WARN;
	size_t i;

	for (i = 0; i < nitems(bad); i++)
		cr_assert_eq(log_level_parse(bad[i], &l), -1, "\"%s\"", bad[i]);
	cr_assert_eq(l, LOG_LVL_WARN, "out was written on failure");
}

/* --- lines -------------------------------------------------------------- */

Test(log, line_has_fields_and_one_newline)
{
	struct capture c;
	char out[4096];
	char expect[64];

	log_init("tester", LOG_LVL_INFO);
	log_set_rid(NULL);
	capture_start(&c);
	log_info("event=hello n=%d", 7);
	capture_end(&c, out, sizeof(out));

	cr_assert_eq(strncmp(out, "ts=", 3), 0, "line: %s", out);
	cr_assert_eq(out[3 + 4], '-', "ts is not ISO 8601: %s", out);
	cr_assert_not_null(strstr(out, " level=info "), "line: %s", out);
	cr_assert_not_null(strstr(out, " proc=tester "), "line: %s", out);
	snprintf(expect, sizeof(expect), " pid=%ld ", (long)getpid());
	cr_assert_not_null(strstr(out, expect), "line: %s", out);
	cr_assert_null(strstr(out, "rid="), "line: %s", out);
	cr_assert_not_null(strstr(out, " event=hello n=7\n"), "line: %s", out);
	cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1,
		     "not exactly one line: %s", out);
}

Test(log, line_carries_rid_until_cleared)
{
	struct capture c;
	char out[4096];
	char *second;

	log_init("tester", LOG_LVL_DEBUG);
	log_set_rid("0123456789abcdef0123456789abcdef");
	capture_start(&c);
	log_warn("event=one");
	log_set_rid(NULL);
	log_error("event=two");
	capture_end(&c, out, sizeof(out));

	second = strchr(out, '\n');
	cr_assert_not_null(second, "output: %s", out);
	*second++ = '\0';
	cr_assert_not_null(strstr(out, " level=warn "), "line: %s", out);
	cr_assert_not_null(strstr(out,
	    " rid=0123456789abcdef0123456789abcdef event=one"), "line: %s", out);
	cr_assert_not_null(strstr(second, " level=error "), "line: %s", second);
	cr_assert_null(strstr(second, "rid="), "rid after clearing: %s", second);
}

Test(log, rid_is_copied)
{
	struct capture c;
	char out[4096];
	char rid[] = "abcdef";

	log_init("tester", LOG_LVL_INFO);
	log_set_rid(rid);
	rid[0] = 'X';
	capture_start(&c);
	log_info("event=x");
	capture_end(&c, out, sizeof(out));
	cr_assert_not_null(strstr(out, " rid=abcdef "), "line: %s", out);
}

Test(log, below_threshold_prints_nothing)
{
	struct capture c;
	char out[4096];

	log_init("tester", LOG_LVL_WARN);
	capture_start(&c);
	log_debug("event=debug_line");
	log_info("event=info_line");
	capture_end(&c, out, sizeof(out));
	cr_assert_str_eq(out, "");

	log_set_level(LOG_LVL_ERROR);
	capture_start(&c);
	log_warn("event=warn_line");
	log_error("event=error_line");
	capture_end(&c, out, sizeof(out));
	cr_assert_null(strstr(out, "warn_line"), "output: %s", out);
	cr_assert_not_null(strstr(out, "event=error_line"), "output: %s", out);

	log_set_level(LOG_LVL_DEBUG);
	capture_start(&c);
	log_debug("event=debug_line");
	capture_end(&c, out, sizeof(out));
	cr_assert_not_null(strstr(out, " level=debug "), "output: %s", out);
	cr_assert_not_null(strstr(out, " event=debug_line\n"), "output: %s", out);
}

Test(log, long_line_is_cut_but_ends_in_newline)
{
	struct capture c;
	char out[8192];
	char big[5000];
	size_t len;

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("tester", LOG_LVL_INFO);
	capture_start(&c);
	log_info("event=big v=%s", big);
	capture_end(&c, out, sizeof(out));
	len = strlen(out);
	cr_assert_lt(len, 2048, "line of %zu bytes", len);
	cr_assert_gt(len, 1000);
	cr_assert_eq(out[len - 1], '\n');
	cr_assert_eq(strchr(out, '\n'), out + len - 1);
}
