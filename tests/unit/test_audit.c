/*
 * Unit tests of audit, on a migrated database in a temporary directory:
 * the chain (ids from 1, the first event chained to 32 zero bytes, each
 * hash recomputed here from the canonical form that audit.c documents),
 * defaults for absent fields, canonical details (sorted keys, ASCII), the
 * triggers that refuse UPDATE and DELETE, and tampering done the way an
 * attacker with the file would (a second connection, triggers dropped):
 * an edited field, a deleted first or middle event, two events' ids
 * swapped, forged events appended; each must make audit_verify name the
 * right event with a reason. Then checkpoints: the key file created 0600
 * and reused, the checkpoint's fields, verifying it (also after more
 * events, with the right public key in any letter case), a trail cut short
 * or rewritten after it, and checkpoint files that are tampered with, not
 * checkpoints, or signed by another key, all refused; a broken trail gets
 * no checkpoint. audit_record commits on its own outside a transaction and
 * refuses to run inside one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "log.h"
#include "org.h"
#include "util.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-audit-XXXXXX";
static char dbpath[600], keypath[600], cppath[600];
static char err[512];
static struct store *st;
static long long org;

static void setup(void)
{
	log_set_level(LOG_LVL_WARN);
	cr_assert_neq(sodium_init(), -1);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	snprintf(keypath, sizeof(keypath), "%s/audit.key", tmpdir);
	snprintf(cppath, sizeof(cppath), "%s/checkpoint.json", tmpdir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	fixture_rmdir(tmpdir);
}

TestSuite(audit, .init = setup, .fini = teardown, .timeout = 30);

static long long count(const char *sql)
{
	sqlite3_stmt *s;
	long long v;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void text(const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *s;
	const unsigned char *t;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
		     SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
	t = sqlite3_column_text(s, 0);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
	sqlite3_finalize(s);
}

/* Run sql on a connection of its own, as someone holding the file would. */
static void raw(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	int rc;

	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
	sqlite3_free(msg);
	sqlite3_close(db);
}

/* Drop the append-only triggers, as an attacker with the file can. */
static void untrigger(void)
{
	raw("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
}

static struct audit_event event(const char *action, json_t *detail)
{
	struct audit_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.actor = "user:alice";
	ev.org_id = org;
	ev.action = action;
	ev.target = "case:12";
	ev.client_addr = "192.0.2.1";
	ev.request_id = "req-1";
	ev.detail = detail;
	return ev;
}

/* Append n events numbered from `from` in one transaction. */
static void append_n(int from, int n)
{
	struct audit_event ev;
	char action[32];
	json_t *d;
	int i;

	cr_assert_eq(store_begin(st), 0);
	for (i = from; i < from + n; i++) {
		snprintf(action, sizeof(action), "test.event%d", i);
		d = json_pack("{s:i, s:s}", "n", i, "why", "testing");
		ev = event(action, d);
		cr_assert_eq(audit_append(st, &ev), 0, "append %d", i);
		json_decref(d);
	}
	cr_assert_eq(store_commit(st), 0);
}

static int verify(struct audit_verify_result *r)
{
	return audit_verify(st, r);
}

/* Expect the chain broken at bad with a reason containing what. */
static void expect_broken(long long bad, const char *what)
{
	struct audit_verify_result r;

	cr_assert_eq(verify(&r), 1, "tampering not detected");
	cr_assert_eq(r.bad_id, bad, "bad_id %lld, expected %lld (%s)", r.bad_id,
		     bad, r.reason);
	cr_assert_neq(r.reason[0], '\0');
	cr_assert_not_null(strstr(r.reason, what), "reason: %s", r.reason);
}

/* The canonical hash of stored row id, computed here from scratch. */
static void canon_field(crypto_hash_sha256_state *h, const char *s)
{
	char len[32];

	snprintf(len, sizeof(len), "%zu:", strlen(s));
	crypto_hash_sha256_update(h, (const unsigned char *)len, strlen(len));
	crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void expected_hash(long long id, const unsigned char prev[32],
			  unsigned char out[32], unsigned char stored_prev[32],
			  unsigned char stored[32])
{
	sqlite3_stmt *s;
	crypto_hash_sha256_state h;
	char num[32];
	int i;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), "SELECT id, ts, actor,"
		     " coalesce(org_id, ''), action, target, client_addr,"
		     " request_id, detail, prev_hash, hash FROM audit_events"
		     " WHERE id = ?", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, prev, 32);
	crypto_hash_sha256_update(&h, (const unsigned char *)"vetd-audit-v1\n",
				  14);
	snprintf(num, sizeof(num), "%lld", id);
	canon_field(&h, num);
	for (i = 1; i <= 8; i++)
		canon_field(&h, (const char *)sqlite3_column_text(s, i));
	crypto_hash_sha256_final(&h, out);
	cr_assert_eq(sqlite3_column_bytes(s, 9), 32);
	cr_assert_eq(sqlite3_column_bytes(s, 10), 32);
	memcpy(stored_prev, sqlite3_column_blob(s, 9), 32);
	memcpy(stored, sqlite3_column_blob(s, 10), 32);
	sqlite3_finalize(s);
}

static void write_checkpoint(const char *path)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	err[0] = '\0';
	cr_assert_eq(audit_checkpoint(st, keypath, fp, err, sizeof(err)), 0,
		     "audit_checkpoint: %s", err);
	fclose(fp);
}

static int check(const char *path, const char *pk,
		 struct audit_verify_result *r)
{
	err[0] = '\0';
	return audit_verify_checkpoint(st, path, pk, r, err, sizeof(err));
}

/* Rewrite the checkpoint's field with a string or an integer value. */
static void edit_checkpoint(const char *field, json_t *value)
{
	json_error_t je;
	json_t *j = json_load_file(cppath, 0, &je);

	cr_assert_not_null(j, "%s", je.text);
	cr_assert_not_null(json_object_get(j, field), "no field %s", field);
	json_object_set_new(j, field, value);
	cr_assert_eq(json_dump_file(j, cppath, JSON_INDENT(2) |
		     JSON_PRESERVE_ORDER), 0);
	json_decref(j);
}

static const char *cp_string(const char *field, char *buf, size_t len)
{
	json_error_t je;
	json_t *j = json_load_file(cppath, 0, &je);

	cr_assert_not_null(j, "%s", je.text);
	cr_assert(json_is_string(json_object_get(j, field)), "field %s", field);
	snprintf(buf, len, "%s", json_string_value(json_object_get(j, field)));
	json_decref(j);
	return buf;
}

static void write_file(const char *path, const char *content)
{
	FILE *fp = fopen(path, "w");

	cr_assert_not_null(fp);
	fputs(content, fp);
	fclose(fp);
}

/* --- the chain ---------------------------------------------------------- */

Test(audit, empty_trail_is_intact)
{
	struct audit_verify_result r;

	cr_assert_eq(verify(&r), 0);
	cr_assert_eq(r.count, 0);
	cr_assert_eq(r.bad_id, 0);
	cr_assert_eq(r.head_id, 0);
}

Test(audit, append_builds_a_chain_from_one)
{
	struct audit_verify_result r;
	unsigned char prev[32] = { 0 }, want[32], sprev[32], shash[32];
	long long id;

	append_n(1, 4);
	cr_assert_eq(count("SELECT min(id) FROM audit_events"), 1);
	cr_assert_eq(count("SELECT max(id) FROM audit_events"), 4);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 4);
	for (id = 1; id <= 4; id++) {
		expected_hash(id, prev, want, sprev, shash);
		cr_assert_eq(memcmp(sprev, prev, 32), 0,
			     "event %lld: prev_hash is not the hash before", id);
		cr_assert_eq(memcmp(shash, want, 32), 0,
			     "event %lld: hash is not the canonical form's", id);
		memcpy(prev, shash, 32);
	}
	cr_assert_eq(verify(&r), 0, "%s", r.reason);
	cr_assert_eq(r.count, 4);
	cr_assert_eq(r.head_id, 4);
	cr_assert_eq(r.bad_id, 0);
	cr_assert_eq(memcmp(r.head, prev, 32), 0);
}

Test(audit, chain_continues_across_transactions)
{
	struct audit_verify_result r;

	append_n(1, 2);
	append_n(3, 3);
	cr_assert_eq(verify(&r), 0, "%s", r.reason);
	cr_assert_eq(r.count, 5);
	cr_assert_eq(count("SELECT count(*) FROM audit_events a JOIN"
			   " audit_events b ON b.id = a.id + 1"
			   " WHERE b.prev_hash = a.hash"), 4);
}

Test(audit, absent_fields_get_defaults)
{
	struct audit_event ev;
	struct audit_verify_result r;
	char buf[200];

	memset(&ev, 0, sizeof(ev));
	ev.action = "system.start";
	cr_assert_eq(audit_record(st, &ev), 0);
	text("SELECT actor || '|' || coalesce(org_id, 'NULL') || '|' || target"
	     " || '|' || client_addr || '|' || request_id || '|' || detail"
	     " FROM audit_events", buf, sizeof(buf));
	cr_assert_str_eq(buf, "system|NULL||||{}");
	cr_assert_eq(verify(&r), 0, "%s", r.reason);
}

Test(audit, org_zero_and_none_differ_in_the_hash)
{
	/* A NULL org_id hashes as "", so setting it to 0 is an edit. */
	struct audit_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = "system.start";
	cr_assert_eq(audit_record(st, &ev), 0);
	untrigger();
	raw("UPDATE audit_events SET org_id = 0 WHERE id = 1");
	expect_broken(1, "modified");
}

Test(audit, details_are_canonical)
{
	struct audit_event ev;
	json_t *a, *b;
	char da[200], db[200];

	a = json_object();
	json_object_set_new(a, "zeta", json_integer(1));
	json_object_set_new(a, "alpha", json_pack("{s:s, s:i}", "y", "caf\xc3\xa9",
		     "x", 2));
	b = json_object();
	json_object_set_new(b, "alpha", json_pack("{s:i, s:s}", "x", 2, "y",
		     "caf\xc3\xa9"));
	json_object_set_new(b, "zeta", json_integer(1));
	ev = event("test.a", a);
	cr_assert_eq(audit_record(st, &ev), 0);
	ev = event("test.b", b);
	cr_assert_eq(audit_record(st, &ev), 0);
	json_decref(a);
	json_decref(b);
	text("SELECT detail FROM audit_events WHERE id = 1", da, sizeof(da));
	text("SELECT detail FROM audit_events WHERE id = 2", db, sizeof(db));
	cr_assert_str_eq(da, db, "the same detail stored two ways");
	cr_assert_str_eq(da, "{\"alpha\":{\"x\":2,\"y\":\"caf\\u00E9\"},"
			 "\"zeta\":1}");
}

Test(audit, record_outside_a_transaction)
{
	struct audit_event ev = event("case.read", NULL);
	struct audit_verify_result r;

	cr_assert(sqlite3_get_autocommit(store_db(st)));
	cr_assert_eq(audit_record(st, &ev), 0);
	cr_assert_eq(audit_record(st, &ev), 0);
	cr_assert(sqlite3_get_autocommit(store_db(st)), "left a transaction");
	/* the relaxed commit of a record is not left on for the next */
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_exec(st, "DELETE FROM audit_spools", NULL, 0), 0);
	{
		unsigned long before = store_syncs(st);

		cr_assert_eq(store_commit(st), 0);
		cr_assert_eq(store_syncs(st), before + 1,
			     "durability not set back after a record");
	}
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 2);
	cr_assert_eq(verify(&r), 0, "%s", r.reason);
	cr_assert_eq(r.count, 2);
}

Test(audit, record_inside_a_transaction_is_refused)
{
	struct audit_event ev = event("case.read", NULL);

	cr_assert_eq(store_begin(st), 0);
	fixture_quiet(1);
	cr_assert_eq(audit_record(st, &ev), -1);
	fixture_quiet(0);
	cr_assert_not(sqlite3_get_autocommit(store_db(st)),
		      "ended the caller's transaction");
	store_rollback(st);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 0);
}

Test(audit, rolled_back_append_leaves_no_hole)
{
	struct audit_event ev = event("case.update", NULL);
	struct audit_verify_result r;

	append_n(1, 2);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(audit_append(st, &ev), 0);
	store_rollback(st);
	append_n(3, 1);
	cr_assert_eq(verify(&r), 0, "%s", r.reason);
	cr_assert_eq(r.count, 3);
	cr_assert_eq(r.head_id, 3);
}

/* --- the triggers ------------------------------------------------------- */

Test(audit, triggers_forbid_update_and_delete)
{
	struct audit_verify_result r;
	int rc;

	append_n(1, 3);
	rc = sqlite3_exec(store_db(st), "UPDATE audit_events SET actor = 'x'"
			  " WHERE id = 2", NULL, NULL, NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_TRIGGER, "UPDATE: rc %d", rc);
	cr_assert_not_null(strstr(sqlite3_errmsg(store_db(st)), "append-only"));
	rc = sqlite3_exec(store_db(st), "DELETE FROM audit_events WHERE id = 3",
			  NULL, NULL, NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_TRIGGER, "DELETE: rc %d", rc);
	rc = sqlite3_exec(store_db(st), "DELETE FROM audit_events", NULL, NULL,
			  NULL);
	cr_assert_eq(rc, SQLITE_CONSTRAINT_TRIGGER, "DELETE all: rc %d", rc);
	cr_assert_eq(count("SELECT count(*) FROM audit_events"), 3);
	cr_assert_eq(count("SELECT count(*) FROM audit_events WHERE actor = 'x'"),
		     0);
	cr_assert_eq(verify(&r), 0, "%s", r.reason);
}

/* --- tampering ---------------------------------------------------------- */

Test(audit, edited_field_is_found)
{
	append_n(1, 4);
	untrigger();
	raw("UPDATE audit_events SET actor = 'user:mallory' WHERE id = 2");
	expect_broken(2, "event 2 was modified");
}

Test(audit, edited_detail_of_the_last_event_is_found)
{
	append_n(1, 3);
	untrigger();
	raw("UPDATE audit_events SET detail = '{\"n\":3}' WHERE id = 3");
	expect_broken(3, "modified");
}

Test(audit, edited_timestamp_is_found)
{
	append_n(1, 3);
	untrigger();
	raw("UPDATE audit_events SET ts = '2000-01-01T00:00:00.000Z'"
	    " WHERE id = 1");
	expect_broken(1, "modified");
}

Test(audit, edit_with_rehash_breaks_the_next_link)
{
	/* Recomputing the edited row's hash moves the break to the next. */
	unsigned char prev[32] = { 0 }, want[32], sprev[32], shash[32];
	sqlite3 *db;
	sqlite3_stmt *s;

	append_n(1, 3);
	untrigger();
	raw("UPDATE audit_events SET action = 'test.innocent' WHERE id = 1");
	expected_hash(1, prev, want, sprev, shash);
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "UPDATE audit_events SET hash = ?"
		     " WHERE id = 1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_blob(s, 1, want, 32, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
	expect_broken(2, "does not chain");
}

Test(audit, deleted_middle_event_is_found)
{
	append_n(1, 4);
	untrigger();
	raw("DELETE FROM audit_events WHERE id = 2");
	expect_broken(3, "missing");
}

Test(audit, deleted_first_event_is_found)
{
	append_n(1, 3);
	untrigger();
	raw("DELETE FROM audit_events WHERE id = 1");
	expect_broken(2, "follows event 0");
}

Test(audit, swapped_ids_are_found)
{
	append_n(1, 4);
	untrigger();
	raw("UPDATE audit_events SET id = 100 WHERE id = 2;"
	    "UPDATE audit_events SET id = 2 WHERE id = 3;"
	    "UPDATE audit_events SET id = 3 WHERE id = 100");
	expect_broken(2, "does not chain");
}

Test(audit, forged_event_appended_is_found)
{
	/* INSERT needs no trigger dropped: the chain itself must tell. */
	append_n(1, 3);
	raw("INSERT INTO audit_events (id, ts, actor, org_id, action, target,"
	    " client_addr, request_id, detail, prev_hash, hash)"
	    " SELECT 4, ts, 'user:mallory', org_id, 'case.grant', target,"
	    " client_addr, request_id, '{}', hash, randomblob(32)"
	    " FROM audit_events WHERE id = 3");
	expect_broken(4, "modified");
}

Test(audit, forged_event_with_a_gap_is_found)
{
	append_n(1, 3);
	raw("INSERT INTO audit_events (id, ts, actor, org_id, action, target,"
	    " client_addr, request_id, detail, prev_hash, hash)"
	    " SELECT 7, ts, actor, org_id, action, target, client_addr,"
	    " request_id, detail, hash, hash FROM audit_events WHERE id = 3");
	expect_broken(7, "follows event 3");
}

Test(audit, forged_event_with_a_wrong_link_is_found)
{
	append_n(1, 3);
	raw("INSERT INTO audit_events (id, ts, actor, org_id, action, target,"
	    " client_addr, request_id, detail, prev_hash, hash)"
	    " SELECT 4, ts, actor, org_id, action, target, client_addr,"
	    " request_id, detail, prev_hash, hash FROM audit_events"
	    " WHERE id = 3");
	expect_broken(4, "does not chain");
}

Test(audit, first_of_two_tamperings_is_named)
{
	append_n(1, 5);
	untrigger();
	raw("UPDATE audit_events SET target = 'case:99' WHERE id IN (2, 4)");
	expect_broken(2, "modified");
}

Test(audit, truncated_hash_is_found)
{
	append_n(1, 2);
	untrigger();
	raw("UPDATE audit_events SET hash = substr(hash, 1, 31) WHERE id = 2");
	expect_broken(2, "modified");
}

/* --- checkpoints -------------------------------------------------------- */

Test(audit, checkpoint_creates_a_private_key_and_verifies)
{
	struct audit_verify_result r, v;
	struct stat sb;
	char buf[200], head[65];
	json_error_t je;
	json_t *j;

	append_n(1, 3);
	cr_assert_eq(access(keypath, F_OK), -1);
	write_checkpoint(cppath);
	cr_assert_eq(stat(keypath, &sb), 0, "no key file");
	cr_assert_eq(sb.st_mode & 0777, 0600, "key file mode %o",
		     (unsigned)(sb.st_mode & 0777));
	cr_assert_eq(sb.st_size, 129, "key file of %lld bytes",
		     (long long)sb.st_size);

	cr_assert_eq(verify(&v), 0);
	sodium_bin2hex(head, sizeof(head), v.head, 32);
	j = json_load_file(cppath, JSON_REJECT_DUPLICATES, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "format")),
			 "vetd-audit-checkpoint-1");
	cr_assert_eq(json_integer_value(json_object_get(j, "count")), 3);
	cr_assert_eq(json_integer_value(json_object_get(j, "head_id")), 3);
	cr_assert_str_eq(json_string_value(json_object_get(j, "head_hash")),
			 head);
	cr_assert_eq(strlen(json_string_value(json_object_get(j,
		     "public_key"))), 64);
	cr_assert_eq(strlen(json_string_value(json_object_get(j,
		     "signature"))), 128);
	json_decref(j);

	cr_assert_eq(check(cppath, NULL, &r), 0, "%s %s", err, r.reason);
	cr_assert_eq(r.count, 3);
	cr_assert_eq(check(cppath, cp_string("public_key", buf, sizeof(buf)),
		     &r), 0, "%s", err);
}

Test(audit, public_key_matches_the_key_file)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char hex[200], pkhex[65], buf[200];
	FILE *fp;

	append_n(1, 1);
	write_checkpoint(cppath);
	fp = fopen(keypath, "r");
	cr_assert_not_null(fp);
	cr_assert_not_null(fgets(hex, sizeof(hex), fp));
	fclose(fp);
	cr_assert_eq(sodium_hex2bin(sk, sizeof(sk), hex, 128, NULL, NULL, NULL),
		     0);
	cr_assert_eq(crypto_sign_ed25519_sk_to_pk(pk, sk), 0);
	sodium_bin2hex(pkhex, sizeof(pkhex), pk, sizeof(pk));
	cr_assert_str_eq(cp_string("public_key", buf, sizeof(buf)), pkhex);
}

Test(audit, key_file_is_reused)
{
	char a[100], b[100];
	char second[700];
	struct audit_verify_result r;

	append_n(1, 2);
	write_checkpoint(cppath);
	cp_string("public_key", a, sizeof(a));
	append_n(3, 2);
	snprintf(second, sizeof(second), "%s/second.json", tmpdir);
	write_checkpoint(second);
	cr_assert_eq(check(second, a, &r), 0, "%s", err);
	cr_assert_eq(r.count, 4);
	cp_string("public_key", b, sizeof(b));
	cr_assert_str_eq(a, b);
}

Test(audit, bad_key_file_is_refused)
{
	FILE *fp;
	char nodir[700];

	append_n(1, 1);
	write_file(keypath, "not a key\n");
	fp = fopen(cppath, "w");
	cr_assert_not_null(fp);
	err[0] = '\0';
	cr_assert_eq(audit_checkpoint(st, keypath, fp, err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "not a signing key"), "error: %s", err);
	snprintf(nodir, sizeof(nodir), "%s/no/such/dir/key", tmpdir);
	err[0] = '\0';
	cr_assert_eq(audit_checkpoint(st, nodir, fp, err, sizeof(err)), -1);
	cr_assert_neq(err[0], '\0');
	fclose(fp);
}

Test(audit, broken_trail_gets_no_checkpoint)
{
	FILE *fp;

	append_n(1, 3);
	untrigger();
	raw("UPDATE audit_events SET action = 'x' WHERE id = 2");
	fp = fopen(cppath, "w");
	cr_assert_not_null(fp);
	err[0] = '\0';
	cr_assert_eq(audit_checkpoint(st, keypath, fp, err, sizeof(err)), -1);
	fclose(fp);
	cr_assert_not_null(strstr(err, "broken at event 2"), "error: %s", err);
}

Test(audit, checkpoint_still_verifies_after_more_events)
{
	struct audit_verify_result r;

	append_n(1, 3);
	write_checkpoint(cppath);
	append_n(4, 5);
	cr_assert_eq(check(cppath, NULL, &r), 0, "%s %s", err, r.reason);
	cr_assert_eq(r.count, 8);
}

Test(audit, checkpoint_of_an_empty_trail_verifies)
{
	/* A checkpoint taken before the first event (a fresh install) must
	 * verify, then and once events follow. */
	struct audit_verify_result r;

	write_checkpoint(cppath);
	cr_expect_eq(check(cppath, NULL, &r), 0, "empty trail: rc != 0: %s %s",
		     err, r.reason);
	append_n(1, 2);
	cr_expect_eq(check(cppath, NULL, &r), 0, "after two events: %s %s",
		     err, r.reason);
}

Test(audit, truncation_after_a_checkpoint_is_found)
{
	struct audit_verify_result r;

	append_n(1, 5);
	write_checkpoint(cppath);
	untrigger();
	raw("DELETE FROM audit_events WHERE id > 3");
	/* the chain that is left is consistent ... */
	cr_assert_eq(verify(&r), 0);
	cr_assert_eq(r.count, 3);
	/* ... but shorter than the checkpoint saw */
	cr_assert_eq(check(cppath, NULL, &r), 1, "cut short, not found: %s",
		     err);
	cr_assert_eq(r.bad_id, 4);
	cr_assert_not_null(strstr(r.reason, "cut short"), "%s", r.reason);
}

Test(audit, rewrite_after_a_checkpoint_is_found)
{
	struct audit_verify_result r;

	append_n(1, 3);
	write_checkpoint(cppath);
	untrigger();
	raw("DELETE FROM audit_events WHERE id = 3");
	append_n(100, 1);	/* a new, well chained event 3 */
	cr_assert_eq(verify(&r), 0);
	cr_assert_eq(r.count, 3);
	cr_assert_eq(check(cppath, NULL, &r), 1, "rewritten, not found: %s",
		     err);
	cr_assert_eq(r.bad_id, 3);
	cr_assert_not_null(strstr(r.reason, "rewritten"), "%s", r.reason);
}

Test(audit, checkpoint_check_reports_a_broken_chain)
{
	struct audit_verify_result r;

	append_n(1, 3);
	write_checkpoint(cppath);
	untrigger();
	raw("UPDATE audit_events SET actor = 'user:mallory' WHERE id = 2");
	cr_assert_eq(check(cppath, NULL, &r), 1);
	cr_assert_eq(r.bad_id, 2);
	cr_assert_not_null(strstr(r.reason, "modified"), "%s", r.reason);
}

Test(audit, tampered_count_is_refused)
{
	struct audit_verify_result r;

	append_n(1, 5);
	write_checkpoint(cppath);
	edit_checkpoint("count", json_integer(3));
	cr_assert_eq(check(cppath, NULL, &r), -1);
	cr_assert_not_null(strstr(err, "bad signature"), "error: %s", err);
}

Test(audit, tampered_head_is_refused)
{
	struct audit_verify_result r;
	char head[100];

	append_n(1, 3);
	write_checkpoint(cppath);
	cp_string("head_hash", head, sizeof(head));
	head[0] = head[0] == '0' ? '1' : '0';
	edit_checkpoint("head_hash", json_string(head));
	cr_assert_eq(check(cppath, NULL, &r), -1);
	cr_assert_not_null(strstr(err, "bad signature"), "error: %s", err);

	write_checkpoint(cppath);
	edit_checkpoint("head_id", json_integer(2));
	cr_assert_eq(check(cppath, NULL, &r), -1, "head_id edited");
}

Test(audit, tampered_signature_is_refused)
{
	struct audit_verify_result r;
	char sig[200];

	append_n(1, 3);
	write_checkpoint(cppath);
	cp_string("signature", sig, sizeof(sig));
	sig[10] = sig[10] == 'a' ? 'b' : 'a';
	edit_checkpoint("signature", json_string(sig));
	cr_assert_eq(check(cppath, NULL, &r), -1);
	cr_assert_not_null(strstr(err, "bad signature"), "error: %s", err);

	write_checkpoint(cppath);
	edit_checkpoint("created_at", json_string("1999-01-01T00:00:00.000Z"));
	cr_assert_eq(check(cppath, NULL, &r), -1, "created_at edited");
}

Test(audit, another_public_key_is_refused)
{
	struct audit_verify_result r;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char hex[65], mine[100];
	size_t i;

	append_n(1, 2);
	write_checkpoint(cppath);
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	cr_assert_eq(check(cppath, hex, &r), -1);
	cr_assert_not_null(strstr(err, "another key"), "error: %s", err);
	cr_assert_eq(check(cppath, "", &r), -1, "an empty key matched");
	/* the right key in capitals is the same key */
	cp_string("public_key", mine, sizeof(mine));
	for (i = 0; mine[i] != '\0'; i++)
		if (mine[i] >= 'a' && mine[i] <= 'f')
			mine[i] = (char)(mine[i] - 'a' + 'A');
	cr_assert_eq(check(cppath, mine, &r), 0, "%s", err);
}

Test(audit, key_swapped_in_the_file_is_refused)
{
	/* Someone replaces the checkpoint's public key with theirs but cannot
	 * sign: the signature no longer verifies. */
	struct audit_verify_result r;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char hex[65];

	append_n(1, 2);
	write_checkpoint(cppath);
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	edit_checkpoint("public_key", json_string(hex));
	cr_assert_eq(check(cppath, NULL, &r), -1);
	cr_assert_not_null(strstr(err, "bad signature"), "error: %s", err);
}

Test(audit, files_that_are_not_checkpoints_are_refused)
{
	struct audit_verify_result r;
	char missing[700];

	append_n(1, 1);
	write_file(cppath, "this is not JSON\n");
	cr_assert_eq(check(cppath, NULL, &r), -1);
	cr_assert_neq(err[0], '\0');

	write_file(cppath, "{\"format\":\"something-else\",\"count\":1,"
		   "\"head_id\":1,\"head_hash\":\"00\",\"created_at\":\"x\","
		   "\"public_key\":\"00\",\"signature\":\"00\"}");
	cr_assert_eq(check(cppath, NULL, &r), -1);
	cr_assert_not_null(strstr(err, "not a vetd audit checkpoint"), "%s",
			   err);

	write_file(cppath, "{\"format\":\"vetd-audit-checkpoint-1\","
		   "\"count\":1}");
	cr_assert_eq(check(cppath, NULL, &r), -1, "fields missing");

	write_checkpoint(cppath);
	edit_checkpoint("count", json_string("1"));
	cr_assert_eq(check(cppath, NULL, &r), -1, "count as a string");

	write_checkpoint(cppath);
	edit_checkpoint("signature", json_string("not hex at all"));
	cr_assert_eq(check(cppath, NULL, &r), -1, "signature not hex");

	snprintf(missing, sizeof(missing), "%s/none.json", tmpdir);
	cr_assert_eq(check(missing, NULL, &r), -1);
	cr_assert_neq(err[0], '\0');
}

Test(audit, duplicate_fields_are_refused)
{
	struct audit_verify_result r;
	char *doc;
	FILE *fp;
	long n;

	append_n(1, 1);
	write_checkpoint(cppath);
	/* append a second "count" before the closing brace */
	fp = fopen(cppath, "r");
	cr_assert_not_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	doc = calloc(1, (size_t)n + 40);
	cr_assert_eq(fread(doc, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	while (n > 0 && doc[n - 1] != '}')
		n--;
	cr_assert_gt(n, 0);
	snprintf(doc + n - 1, 40, ",\"count\":0}\n");
	write_file(cppath, doc);
	free(doc);
	cr_assert_eq(check(cppath, NULL, &r), -1);
}
