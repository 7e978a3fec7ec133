/*
 * auditspool: group commit for the audit records of reads and refusals.
 * See auditspool.h.
 *
 * Spool file format: one record a line, each a compact JSON object
 * {"seq":N,"ts":"...","actor":"...","org_id":N|null,"action":"...",
 * "target":"...","addr":"...","rid":"...","detail":"<canonical text>"}.
 * jansson escapes newlines inside strings, so a line is a record. A line
 * that does not parse (a write torn by a power failure) is skipped and
 * counted in the log; nothing personal is logged.
 */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "auditspool.h"
#include "log.h"
#include "util.h"

#define SPOOL_PREFIX	"spool-"

/* A record written to the spool and not yet committed: the event's
 * fields, all in one allocation (blob). */
struct rec {
	long long	 seq;
	long long	 org_id;	/* 0: none */
	const char	*ts, *actor, *action, *target, *addr, *rid, *detail;
	char		*blob;
};

struct spool {
	char		*dir;
	char		*path;
	char		*name;		/* file name: the key in audit_spools */
	int		 fd;
	off_t		 size;		/* bytes written since the last commit */
	long long	 seq;		/* last record written */
	struct rec	*pending;	/* written, not yet committed */
	size_t		 npending;
	size_t		 cappending;
	struct buf	 line;		/* reused for each line written */
	uint64_t	 oldest_us;	/* when the first pending was written */
};

/* This process's spool; owned by auditspool_open/auditspool_close. */
static struct spool	*sp;

static void
pending_clear(struct spool *s)
{
	size_t	i;

	for (i = 0; i < s->npending; i++)
		free(s->pending[i].blob);
	s->npending = 0;
}

static void
spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	pending_clear(s);
	free(s->pending);
	util_buf_free(&s->line);
	free(s->dir);
	free(s->path);
	free(s->name);
	free(s);
}

char *
auditspool_dir(const char *database)
{
	return xasprintf("%s.spool", database);
}

int
auditspool_open(const char *dir)
{
	unsigned char	 rnd[8];
	char		 hex[sizeof(rnd) * 2 + 1], name[64], tmpname[80];
	char		*tmp;
	struct spool	*s;

	if (sp != NULL)
		return 0;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_error("event=audit_spool_failed error=%s",
		    log_quote_tmp(strerror(errno)));
		return -1;
	}
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(name, sizeof(name), SPOOL_PREFIX "%ld-%s", (long)getpid(),
	    hex);
	s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	s->dir = xstrdup(dir);
	s->name = xstrdup(name);
	s->path = xasprintf("%s/%s", dir, name);
	util_buf_init(&s->line);
	/* locked before it has the name recovery looks for */
	snprintf(tmpname, sizeof(tmpname), "new-%s", name);
	tmp = xasprintf("%s/%s", dir, tmpname);
	if ((s->fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
	    O_CLOEXEC, 0600)) == -1 || flock(s->fd, LOCK_EX | LOCK_NB) == -1 ||
	    rename(tmp, s->path) == -1) {
		log_error("event=audit_spool_failed error=%s",
		    log_quote_tmp(strerror(errno)));
		if (s->fd != -1)
			unlink(tmp);
		free(tmp);
		spool_free(s);
		return -1;
	}
	free(tmp);
	sp = s;
	return 0;
}

/*
 * Append s to b as a JSON string. Returns -1, having added nothing of it,
 * when s has a byte outside ASCII: the caller then lets jansson write the
 * line, which checks and keeps UTF-8.
 */
static int
json_ascii(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char	*p, *run;
	char			 u[6] = { '\\', 'u', '0', '0', 0, 0 };

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p >= 0x80)
			return -1;
	util_buf_add(b, "\"", 1);
	for (p = run = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20 && *p != 0x7f)
			continue;
		util_buf_add(b, run, (size_t)(p - run));
		if (*p == '"' || *p == '\\') {
			util_buf_add(b, "\\", 1);
			util_buf_add(b, p, 1);
		} else {
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 0xf];
			util_buf_add(b, u, sizeof(u));
		}
		run = p + 1;
	}
	util_buf_add(b, run, (size_t)(p - run));
	util_buf_add(b, "\"", 1);
	return 0;
}

/* Append v in decimal. */
static void
add_ll(struct buf *b, long long v)
{
	char	num[24];
	int	n;

	n = snprintf(num, sizeof(num), "%lld", v);
	util_buf_add(b, num, (size_t)n);
}

/* The spool line of r into b (cleared first), newline included. */
static int
rec_line(const struct rec *r, struct buf *b)
{
	const char	*keys[] = { "ts", "actor", "action", "target", "addr",
			    "rid", "detail" };
	const char	*vals[] = { r->ts, r->actor, r->action, r->target,
			    r->addr, r->rid, r->detail };
	json_t		*o;
	char		*text;
	size_t		 i;

	util_buf_reset(b);
	util_buf_adds(b, "{\"seq\":");
	add_ll(b, r->seq);
	util_buf_adds(b, ",\"org_id\":");
	if (r->org_id != 0)
		add_ll(b, r->org_id);
	else
		util_buf_adds(b, "null");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		util_buf_adds(b, ",\"");
		util_buf_adds(b, keys[i]);
		util_buf_adds(b, "\":");
		if (json_ascii(b, vals[i]) == -1)
			goto jansson;
	}
	util_buf_adds(b, "}\n");
	return 0;
jansson:
	o = json_pack("{s:I, s:o}", "seq", (json_int_t)r->seq, "org_id",
	    r->org_id ? json_integer(r->org_id) : json_null());
	for (i = 0; o != NULL && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_set_new(o, keys[i], json_string(vals[i])) ==
		    -1) {
			/* not UTF-8: not a record we can keep as text */
			json_decref(o);
			return -1;
		}
	if (o == NULL || (text = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return -1;
	}
	json_decref(o);
	util_buf_reset(b);
	util_buf_adds(b, text);
	util_buf_adds(b, "\n");
	free(text);
	return 0;
}

/* A pending record with ev's fields copied into one allocation. */
static void
rec_fill(struct rec *r, long long seq, const char *ts,
    const struct audit_event *ev, char *detail)
{
	const char	*src[7];
	const char	**dst[7];
	size_t		 len[7], total = 0, i;
	char		*p;

	src[0] = ts;
	src[1] = ev->actor ? ev->actor : "system";
	src[2] = ev->action;
	src[3] = ev->target ? ev->target : "";
	src[4] = ev->client_addr ? ev->client_addr : "";
	src[5] = ev->request_id ? ev->request_id : "";
	src[6] = detail;
	dst[0] = &r->ts;
	dst[1] = &r->actor;
	dst[2] = &r->action;
	dst[3] = &r->target;
	dst[4] = &r->addr;
	dst[5] = &r->rid;
	dst[6] = &r->detail;
	for (i = 0; i < 7; i++)
		total += (len[i] = strlen(src[i])) + 1;
	p = r->blob = xmalloc(total);
	for (i = 0; i < 7; i++) {
		memcpy(p, src[i], len[i] + 1);
		*dst[i] = p;
		p += len[i] + 1;
	}
	r->seq = seq;
	r->org_id = ev->org_id;
}

int
auditspool_add(const struct audit_event *ev)
{
	struct rec	 r;
	char		*detail, ts[40];
	ssize_t		 n;

	if (sp == NULL)
		return 1;
	if ((detail = audit_detail_text(ev->detail)) == NULL)
		return -1;
	util_now_iso(ts, sizeof(ts));
	rec_fill(&r, sp->seq + 1, ts, ev, detail);
	free(detail);
	if (rec_line(&r, &sp->line) == -1)
		goto fail;
	if ((n = write(sp->fd, sp->line.data, sp->line.len)) !=
	    (ssize_t)sp->line.len) {
		/* leave no torn line for the next record to run into */
		log_error("event=audit_spool_write_failed error=%s",
		    log_quote_tmp(n == -1 ? strerror(errno) : "short write"));
		if (n > 0 && ftruncate(sp->fd, sp->size) == -1)
			log_error("event=audit_spool_truncate_failed");
		goto fail;
	}
	sp->size += (off_t)sp->line.len;
	sp->seq++;
	if (sp->npending == 0)
		sp->oldest_us = util_now_us();
	if (sp->npending == sp->cappending) {
		sp->cappending = sp->cappending ? sp->cappending * 2 : 64;
		sp->pending = xrealloc(sp->pending, sp->cappending *
		    sizeof(*sp->pending));
	}
	sp->pending[sp->npending++] = r;
	return 0;
fail:
	free(r.blob);
	return -1;
}

/* Borrow an audit_event from a spool line's record. 0, or -1 if malformed. */
static int
line_event(json_t *rec, struct audit_event *ev, const char **ts,
    const char **detail, long long *seq)
{
	json_t	*org = json_object_get(rec, "org_id");

	memset(ev, 0, sizeof(*ev));
	*ts = json_string_value(json_object_get(rec, "ts"));
	*detail = json_string_value(json_object_get(rec, "detail"));
	ev->actor = json_string_value(json_object_get(rec, "actor"));
	ev->action = json_string_value(json_object_get(rec, "action"));
	ev->target = json_string_value(json_object_get(rec, "target"));
	ev->client_addr = json_string_value(json_object_get(rec, "addr"));
	ev->request_id = json_string_value(json_object_get(rec, "rid"));
	*seq = json_integer_value(json_object_get(rec, "seq"));
	if (json_is_integer(org))
		ev->org_id = json_integer_value(org);
	else if (!json_is_null(org))
		return -1;
	if (*ts == NULL || *detail == NULL || ev->actor == NULL ||
	    ev->action == NULL || ev->target == NULL ||
	    ev->client_addr == NULL || ev->request_id == NULL || *seq < 1)
		return -1;
	return 0;
}

/* Record in audit_spools that name is committed up to seq (in the
 * caller's transaction). 0 or -1. */
static int
mark(struct store *st, const char *name, long long seq)
{
	static const char sql[] = "INSERT INTO audit_spools (name, seq)"
	    " VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, seq);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	store_done(s);
	return rc;
}

static int
unmark(struct store *st, const char *name)
{
	static const char sql[] = "DELETE FROM audit_spools WHERE name = ?";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	store_done(s);
	return rc;
}

/* The audit_event of a pending record (borrowing its strings). */
static void
rec_event_of(const struct rec *r, struct audit_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->actor = r->actor;
	ev->org_id = r->org_id;
	ev->action = r->action;
	ev->target = r->target;
	ev->client_addr = r->addr;
	ev->request_id = r->rid;
}

int
auditspool_flush(struct store *st)
{
	struct audit_event	 ev;
	struct audit_head	 head = { .known = 0 };
	size_t			 i;

	if (sp == NULL || sp->npending == 0)
		return 0;
	/* a record of reads: no fsync of its own (see audit_record) */
	store_relaxed(st, 1);
	if (store_begin(st) == -1)
		goto fail;
	for (i = 0; i < sp->npending; i++) {
		rec_event_of(&sp->pending[i], &ev);
		if (audit_append_at(st, &ev, sp->pending[i].ts,
		    sp->pending[i].detail, &head) == -1)
			goto fail;
	}
	if (mark(st, sp->name, sp->pending[sp->npending - 1].seq) == -1 ||
	    store_commit(st) == -1)
		goto fail;
	store_relaxed(st, 0);
	pending_clear(sp);
	/* committed: the lines are no longer needed (a crash before this
	 * truncation is harmless, the replay skips them by sequence) */
	if (ftruncate(sp->fd, 0) == -1)
		log_warn("event=audit_spool_truncate_failed");
	else
		sp->size = 0;
	return 0;
fail:
	store_rollback(st);
	store_relaxed(st, 0);
	log_warn("event=audit_spool_flush_failed pending=%zu", sp->npending);
	return -1;
}

void
auditspool_after_request(struct store *st, int busy)
{
	size_t	n;

	if (sp == NULL || (n = sp->npending) == 0)
		return;
	if (busy && n < SPOOL_BATCH &&
	    util_now_us() - sp->oldest_us < (uint64_t)SPOOL_AGE_MS * 1000)
		return;
	(void)auditspool_flush(st);
}

int
auditspool_due_ms(void)
{
	uint64_t	age;

	if (sp == NULL || sp->npending == 0)
		return -1;
	age = util_now_us() - sp->oldest_us;
	if (age >= (uint64_t)SPOOL_AGE_MS * 1000)
		return 0;
	return (int)(((uint64_t)SPOOL_AGE_MS * 1000 - age) / 1000) + 1;
}

void
auditspool_close(struct store *st)
{
	if (sp == NULL)
		return;
	if (auditspool_flush(st) == 0) {
		/* everything is in the trail: the spool and its mark go */
		unlink(sp->path);
		store_relaxed(st, 1);
		if (store_begin(st) == -1 || unmark(st, sp->name) == -1 ||
		    store_commit(st) == -1)
			store_rollback(st);
		store_relaxed(st, 0);
	}
	spool_free(sp);
	sp = NULL;
}

/* Bytes in spool file dir/name, or 0 when it is gone. */
static off_t
spool_size(const char *dir, const char *name)
{
	struct stat	 sb;
	char		*path = xasprintf("%s/%s", dir, name);
	int		 rc = stat(path, &sb);

	free(path);
	return rc == 0 ? sb.st_size : 0;
}

int
auditspool_settle(struct store *st, int max_ms)
{
	uint64_t	 deadline;
	DIR		*d;
	struct dirent	*e;
	int		 waiting;

	if (sp == NULL)
		return 0;
	(void)auditspool_flush(st);
	deadline = util_now_us() + (uint64_t)max_ms * 1000;
	for (;;) {
		waiting = 0;
		if ((d = opendir(sp->dir)) == NULL)
			return 0;
		while ((e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, SPOOL_PREFIX,
			    strlen(SPOOL_PREFIX)) != 0 ||
			    strcmp(e->d_name, sp->name) == 0)
				continue;
			if (spool_size(sp->dir, e->d_name) > 0)
				waiting = 1;
		}
		closedir(d);
		if (!waiting)
			return 0;
		if (util_now_us() >= deadline)
			return 1;
		usleep(1000);
	}
}

/*
 * Replay one ownerless spool (fd open on it, locked) named name: every
 * record past the committed sequence, in one durable transaction that
 * also drops its mark. 0 or -1.
 */
static int
replay(struct store *st, int fd, const char *name, long long *records)
{
	static const char done_sql[] =
	    "SELECT seq FROM audit_spools WHERE name = ?";
	struct audit_event	 ev;
	struct audit_head	 head = { .known = 0 };
	const char		*ts, *detail;
	sqlite3_stmt		*s;
	long long		 done = 0, seq, added = 0, bad = 0;
	char			*line = NULL;
	size_t			 cap = 0;
	ssize_t			 n;
	json_t			*rec;
	FILE			*f;
	int			 dupfd, rc = -1;

	if ((dupfd = dup(fd)) == -1 || (f = fdopen(dupfd, "r")) == NULL) {
		if (dupfd != -1)
			close(dupfd);
		return -1;
	}
	if (store_begin(st) == -1)
		goto out;
	if ((s = store_prepare(st, done_sql)) == NULL)
		goto out;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		done = sqlite3_column_int64(s, 0);
	store_done(s);
	while ((n = getline(&line, &cap, f)) > 0) {
		rec = json_loadb(line, (size_t)n, 0, NULL);
		if (rec == NULL || line_event(rec, &ev, &ts, &detail, &seq) ==
		    -1) {
			bad++;
			json_decref(rec);
			continue;
		}
		if (seq > done) {
			if (audit_append_at(st, &ev, ts, detail, &head) ==
			    -1) {
				json_decref(rec);
				goto out;
			}
			added++;
		}
		json_decref(rec);
	}
	if (ferror(f) || unmark(st, name) == -1 || store_commit(st) == -1)
		goto out;
	if (bad > 0)
		log_warn("event=audit_spool_bad_lines spool=%s lines=%lld",
		    log_quote_tmp(name), bad);
	*records += added;
	rc = 0;
out:
	if (rc == -1)
		store_rollback(st);
	free(line);
	fclose(f);
	return rc;
}

int
auditspool_recover(struct store *st, const char *dir, long long *records)
{
	DIR		*d;
	struct dirent	*e;
	char		*path;
	int		 fd, rc = 0;

	*records = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, SPOOL_PREFIX, strlen(SPOOL_PREFIX)) != 0 ||
		    (sp != NULL && strcmp(e->d_name, sp->name) == 0))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
		    -1) {
			free(path);
			continue;
		}
		/* a live owner holds the lock: not ours to touch */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (replay(st, fd, e->d_name, records) == 0)
				unlink(path);
			else
				rc = -1;
		}
		close(fd);
		free(path);
	}
	closedir(d);
	return rc;
}
