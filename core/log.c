/*
 * log: key=value event lines on stderr. Each line is formatted in full and
 * written with one write(2), so lines from several worker processes sharing
 * stderr never interleave.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static enum log_level	 cur_level = LOG_LVL_INFO;
static char		 cur_proc[16] = "vetd";
static char		 cur_rid[65];
static long		 cur_pid;	/* set by log_init: getpid() is a syscall */

static const char *level_names[] = { "debug", "info", "warn", "error" };

void
log_init(const char *proc, enum log_level lvl)
{
	snprintf(cur_proc, sizeof(cur_proc), "%s", proc);
	cur_level = lvl;
	cur_pid = (long)getpid();
}

void
log_set_level(enum log_level lvl)
{
	cur_level = lvl;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < nitems(level_names); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_set_rid(const char *rid)
{
	snprintf(cur_rid, sizeof(cur_rid), "%s", rid == NULL ? "" : rid);
}

static void __attribute__((format(printf, 2, 0)))
vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char	line[2048];
	char	ts[40];
	int	n, m;

	if (lvl < cur_level)
		return;
	util_now_iso(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "ts=%s level=%s proc=%s pid=%ld ",
	    ts, level_names[lvl], cur_proc, cur_pid ? cur_pid : (long)getpid());
	if (cur_rid[0] != '\0')
		n += snprintf(line + n, sizeof(line) - n, "rid=%s ", cur_rid);
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

#define LOG_FN(name, lvl)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	ap;						\
	va_start(ap, fmt);					\
	vlog(lvl, fmt, ap);					\
	va_end(ap);						\
}

LOG_FN(log_debug, LOG_LVL_DEBUG)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_error, LOG_LVL_ERROR)

const char *
log_quote_tmp(const char *s)
{
	static char	 bufs[4][256];
	static int	 next;
	char		*b = bufs[next];
	const char	*p;
	size_t		 o = 0, lim = 200;
	int		 bare = *s != '\0';

	next = (next + 1) % 4;
	for (p = s; *p != '\0'; p++) {
		if (!(( *p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._/:@{}-", *p) != NULL)) {
			bare = 0;
			break;
		}
	}
	if (bare) {
		snprintf(b, 256, "%.*s", (int)lim, s);
		return b;
	}
	b[o++] = '"';
	for (p = s; *p != '\0' && o < lim; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			b[o++] = '\\';
			b[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += snprintf(b + o, 256 - o, "\\x%02x", c);
		} else
			b[o++] = (char)c;
	}
	b[o++] = '"';
	b[o] = '\0';
	return b;
}
