/*
 * Unit tests of outbox, on a migrated database in a temporary directory,
 * with stand-in sendmail programs (shell scripts written by the test):
 * a message is queued once per dedup key; delivery without mail settings
 * refuses; a sendmail that takes the message marks it sent (and gets the
 * address, the headers and the body); a failing one leaves it pending
 * with the error, one more attempt and a later retry time, and a second
 * run before then does not try again; once due, it is sent. Nothing is
 * ever deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "config.h"
#include "log.h"
#include "org.h"
#include "outbox.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-outbox-XXXXXX";
static char dbpath[600], good[600], bad[600], mailfile[600];
static struct config cfg;
static struct store *st;
static long long org;

static void script(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(chmod(path, 0700), 0);
}

static void setup(void)
{
	char text[1400];

	log_set_level(LOG_LVL_ERROR);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	snprintf(good, sizeof(good), "%s/sendmail-ok", tmpdir);
	snprintf(bad, sizeof(bad), "%s/sendmail-fail", tmpdir);
	snprintf(mailfile, sizeof(mailfile), "%s/mail.txt", tmpdir);
	snprintf(text, sizeof(text), "#!/bin/sh\nprintf 'ARGS: %%s\\n' \"$*\""
		 " >> '%s'\ncat >> '%s'\nexit 0\n", mailfile, mailfile);
	script(good, text);
	script(bad, "#!/bin/sh\ncat > /dev/null\nexit 75\n");
	memset(&cfg, 0, sizeof(cfg));
	cfg.mail_from = "vetd@example.org";
	cfg.mail_domain = "example.org";
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	store_close(st);
	fixture_rmdir(tmpdir);
}

TestSuite(outbox, .init = setup, .fini = teardown, .timeout = 30);

#define count(...) fixture_count(st, __VA_ARGS__)

static void queue(const char *to, const char *dedup)
{
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(outbox_add(st, org, "renewal_due", to, "Renewal due: case 7",
				"Case 7 was opened.", dedup), OUTBOX_OK);
	cr_assert_eq(store_commit(st), 0);
}

static struct outbox_result deliver(const char *sendmail)
{
	struct outbox_result r;
	char now[40];

	cfg.mail_sendmail = (char *)sendmail;
	util_now_iso(now, sizeof(now));
	cr_assert_eq(outbox_deliver(st, &cfg, now, &r), 0);
	return r;
}

Test(outbox, one_message_per_event)
{
	queue("alice", "renewal:1:holder");
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(outbox_add(st, org, "renewal_due", "alice", "again", "again",
				"renewal:1:holder"), OUTBOX_DUPLICATE);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(count("SELECT count(*) FROM outbox"), 1);
}

Test(outbox, no_mail_settings_no_delivery)
{
	struct outbox_result r;

	queue("alice", "a");
	cfg.mail_sendmail = NULL;
	cr_assert_eq(outbox_deliver(st, &cfg, "2999-01-01T00:00:00.000Z", &r), -1);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 1);
}

Test(outbox, sendmail_gets_the_message_and_it_is_marked_sent)
{
	struct outbox_result r;
	char text[2000] = "";
	FILE *fp;
	size_t n;

	queue("alice", "a");
	queue("role:cso", "b");
	r = deliver(good);
	cr_assert_eq(r.sent, 2);
	cr_assert_eq(r.failed, 0);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"
			   " AND attempts = 1"), 2);
	fp = fopen(mailfile, "r");
	cr_assert_not_null(fp, "sendmail was not run");
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	cr_assert(strstr(text, "ARGS: -oi -f vetd@example.org -- alice@example.org"),
		  "%s", text);
	cr_assert(strstr(text, "-- role-cso@example.org"), "%s", text);
	cr_assert(strstr(text, "Subject: Renewal due: case 7\n"), "%s", text);
	cr_assert(strstr(text, "\n\nCase 7 was opened.\n"), "%s", text);
	/* sent once */
	r = deliver(good);
	cr_assert_eq(r.sent + r.failed + r.waiting, 0);
}

Test(outbox, a_failure_is_kept_and_retried_later)
{
	struct outbox_result r;

	queue("alice", "a");
	r = deliver(bad);
	cr_assert_eq(r.failed, 1);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND"
			   " attempts = 1 AND last_error = 'sendmail exited with 75'"
			   " AND next_attempt_at > created_at"), 1);
	/* not due again yet: not tried */
	r = deliver(good);
	cr_assert_eq(r.waiting, 1);
	cr_assert_eq(r.sent, 0);
	cr_assert_eq(access(mailfile, F_OK), -1, "tried before its time");
	/* once due, it goes */
	cr_assert_eq(sqlite3_exec(store_db(st), "UPDATE outbox SET"
				  " next_attempt_at = '2000-01-01T00:00:00.000Z'",
				  NULL, NULL, NULL), SQLITE_OK);
	r = deliver(good);
	cr_assert_eq(r.sent, 1);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"
			   " AND attempts = 2 AND last_error IS NULL"), 1);
	cr_assert_eq(count("SELECT count(*) FROM outbox"), 1, "a message was lost");
}

Test(outbox, a_recipient_that_is_not_a_plain_name_is_not_sent)
{
	struct outbox_result r;

	queue("alice@evil.example -bcc", "a");
	r = deliver(good);
	cr_assert_eq(r.failed, 1);
	cr_assert_eq(count("SELECT count(*) FROM outbox WHERE last_error ="
			   " 'bad recipient'"), 1);
	cr_assert_eq(access(mailfile, F_OK), -1, "sendmail was run");
}
