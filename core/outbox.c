/*
 * outbox: queued notifications and their delivery through sendmail. See
 * outbox.h.
 */
#include "autoconf.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "outbox.h"
#include "util.h"

#define BACKOFF_MIN	60	/* seconds before the first retry */
#define BACKOFF_MAX	86400	/* and never longer than a day */

enum outbox_status
outbox_add(struct store *st, long long org_id, const char *kind,
    const char *recipient, const char *subject, const char *body,
    const char *dedup)
{
	static const char sql[] = "INSERT INTO outbox (org_id, kind,"
	    " recipient, subject, body, dedup, created_at, next_attempt_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup) DO NOTHING";
	sqlite3_stmt	*s;
	char		 now[40];
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return OUTBOX_ERROR;
	util_now_iso(now, sizeof(now));
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, dedup, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc != SQLITE_DONE) {
		log_error("event=outbox_add_failed error=%s",
		    log_quote_tmp(sqlite3_errmsg(store_db(st))));
		return OUTBOX_ERROR;
	}
	return sqlite3_changes(store_db(st)) == 1 ? OUTBOX_OK :
	    OUTBOX_DUPLICATE;
}

static const char *
text(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static void
row_msg(sqlite3_stmt *s, struct outbox_msg *m)
{
	m->id = sqlite3_column_int64(s, 0);
	m->org_id = sqlite3_column_int64(s, 1);
	m->kind = text(s, 2);
	m->recipient = text(s, 3);
	m->subject = text(s, 4);
	m->body = text(s, 5);
	m->created_at = text(s, 6);
	m->attempts = sqlite3_column_int64(s, 7);
	m->next_attempt_at = text(s, 8);
	m->last_error = text(s, 9);
	m->sent_at = text(s, 10);
}

#define MSG_COLS "SELECT id, org_id, kind, recipient, subject, body," \
	" created_at, attempts, next_attempt_at, last_error, sent_at FROM outbox"

int
outbox_list(struct store *st, int pending_only,
    void (*fn)(const struct outbox_msg *, void *), void *arg)
{
	static const char all[] = MSG_COLS " ORDER BY id";
	static const char pending[] = MSG_COLS
	    " WHERE sent_at IS NULL ORDER BY id";
	struct outbox_msg	 m;
	sqlite3_stmt		*s;
	int			 rc;

	if ((s = store_prepare(st, pending_only ? pending : all)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_msg(s, &m);
		fn(&m, arg);
	}
	store_done(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* t as ISO 8601 UTC with milliseconds, as util_now_iso writes. */
static void
iso_at(time_t t, char *buf, size_t len)
{
	struct tm	tm;
	char		tmp[32];

	gmtime_r(&t, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.000Z", tmp);
}

/* Only what an address and a header may hold; nothing from outside. */
static int
safe_word(const char *s)
{
	return s[0] != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(s);
}

/*
 * Run sendmail for one message. Returns 0 when sendmail took it (exit 0),
 * or -1 with why (for the outbox's last_error; no personal data).
 */
static int
send_one(const struct config *cfg, const struct outbox_msg *m, char *why,
    size_t whylen)
{
	char		 to[320], *msg = NULL;
	const char	*local = m->recipient;
	int		 fds[2], status, rc = -1;
	pid_t		 pid;
	size_t		 len, off = 0;
	ssize_t		 n;

	if (strncmp(local, "role:", 5) == 0) {
		if (!safe_word(local + 5)) {
			snprintf(why, whylen, "bad recipient");
			return -1;
		}
		snprintf(to, sizeof(to), "role-%s@%s", local + 5,
		    cfg->mail_domain);
	} else {
		if (!safe_word(local)) {
			snprintf(why, whylen, "bad recipient");
			return -1;
		}
		snprintf(to, sizeof(to), "%s@%s", local, cfg->mail_domain);
	}
	if (strpbrk(m->subject, "\r\n") != NULL) {
		snprintf(why, whylen, "bad subject");
		return -1;
	}
	msg = xasprintf("From: %s\nTo: %s\nSubject: %s\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n\n%s\n", cfg->mail_from,
	    to, m->subject, m->body);
	len = strlen(msg);
	if (pipe(fds) == -1) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(cfg->mail_sendmail, "sendmail", "-oi", "-f",
		    cfg->mail_from, "--", to, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	while (off < len && (n = write(fds[1], msg + off, len - off)) > 0)
		off += (size_t)n;
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (off < len)
		snprintf(why, whylen, "sendmail did not read the message");
	else if (!WIFEXITED(status))
		snprintf(why, whylen, "sendmail was killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, whylen, "sendmail exited with %d",
		    WEXITSTATUS(status));
	else
		rc = 0;
out:
	free(msg);
	return rc;
}

/* Record one message's outcome in a transaction of its own. 0 or -1. */
static int
record(struct store *st, long long id, int ok, const char *why,
    long long attempts, time_t now)
{
	static const char sent_sql[] = "UPDATE outbox SET sent_at = ?,"
	    " attempts = attempts + 1, last_error = NULL WHERE id = ?"
	    " AND sent_at IS NULL";
	static const char fail_sql[] = "UPDATE outbox SET attempts ="
	    " attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"
	    " AND sent_at IS NULL";
	sqlite3_stmt	*s;
	char		 at[40], next[40];
	long long	 wait = BACKOFF_MIN;
	int		 rc;

	while (attempts-- > 0 && wait < BACKOFF_MAX)
		wait *= 2;
	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	iso_at(now, at, sizeof(at));
	iso_at(now + (time_t)wait, next, sizeof(next));
	if (store_begin(st) == -1)
		return -1;
	if ((s = store_prepare(st, ok ? sent_sql : fail_sql)) == NULL) {
		store_rollback(st);
		return -1;
	}
	if (ok) {
		sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
	} else {
		sqlite3_bind_text(s, 1, why, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, next, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, id);
	}
	rc = sqlite3_step(s);
	store_done(s);
	if (rc != SQLITE_DONE || store_commit(st) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
outbox_deliver(struct store *st, const struct config *cfg, const char *now,
    struct outbox_result *res)
{
	static const char due_sql[] = MSG_COLS
	    " WHERE sent_at IS NULL AND id > ? ORDER BY id LIMIT 1";
	struct outbox_msg	 m;
	sqlite3_stmt		*s;
	long long		 last = 0, id, attempts;
	char			 why[160];
	int			 rc, ok, due;
	void			(*old)(int);

	memset(res, 0, sizeof(*res));
	if (cfg->mail_sendmail == NULL || cfg->mail_from == NULL ||
	    cfg->mail_domain == NULL)
		return -1;
	/* a sendmail that dies early must not kill us on the next write */
	old = signal(SIGPIPE, SIG_IGN);
	for (;;) {
		if ((s = store_prepare(st, due_sql)) == NULL) {
			signal(SIGPIPE, old);
			return -1;
		}
		sqlite3_bind_int64(s, 1, last);
		if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
			store_done(s);
			break;
		}
		row_msg(s, &m);
		id = last = m.id;
		attempts = m.attempts;
		due = strcmp(m.next_attempt_at, now) <= 0;
		ok = due && send_one(cfg, &m, why, sizeof(why)) == 0;
		store_done(s);
		if (!due) {
			res->waiting++;
			continue;
		}
		if (record(st, id, ok, why, attempts, time(NULL)) == -1) {
			signal(SIGPIPE, old);
			return -1;
		}
		if (ok)
			res->sent++;
		else {
			res->failed++;
			log_warn("event=outbox_delivery_failed id=%lld error=%s",
			    id, log_quote_tmp(why));
		}
	}
	signal(SIGPIPE, old);
	return rc == SQLITE_DONE ? 0 : -1;
}
