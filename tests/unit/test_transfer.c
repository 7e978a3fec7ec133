/*
 * Unit tests of transfer, on a migrated database with two organizations:
 * the key pair is made once and kept 0600; a package exported by one
 * verifies at the other once its key is registered, and not before; an
 * altered package, a signature from another key, a missing or malformed
 * signature are each refused by name; a bad public key is not registered;
 * the criteria name each failure (expired, adverse, due for update, no
 * declaration).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "log.h"
#include "org.h"
#include "transfer.h"

#include "fixture.h"

static char tmpdir[] = "/tmp/vetd-unit-transfer-XXXXXX";
static char dbpath[600];
static struct store *st;
static long long a, b;

static void setup(void)
{
	log_set_level(LOG_LVL_ERROR);
	cr_assert_neq(sodium_init(), -1);
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", tmpdir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "sender", "Sender"), ORG_OK);
	cr_assert_eq(org_id(st, "sender", &a), ORG_OK);
	cr_assert_eq(org_add(st, "receiver", "Receiver"), ORG_OK);
	cr_assert_eq(org_id(st, "receiver", &b), ORG_OK);
	cr_assert_eq(sqlite3_exec(store_db(st), "INSERT INTO persons (org_id, data,"
		     " created_at, updated_at) VALUES (1, '{\"name\":\"H\"}', 'x',"
		     " 'x'); INSERT INTO clearances (org_id, person_id, level, status,"
		     " granted_on, expires_on, created_at, updated_at) VALUES (1, 1,"
		     " 'SECRET', 'active', '2024-01-01', '2029-01-01', 'x', 'x')",
		     NULL, NULL, NULL), SQLITE_OK);
}

static void teardown(void)
{
	char keys[700];

	store_close(st);
	snprintf(keys, sizeof(keys), "%s.keys", dbpath);
	fixture_rmdir(keys);
	fixture_rmdir(tmpdir);
}

TestSuite(transfer, .init = setup, .fini = teardown, .timeout = 30);

static void trust(const char *hex)
{
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(transfer_trust(st, b, "sender", hex, "x"), 0);
	cr_assert_eq(store_commit(st), 0);
}

static json_t *export(void)
{
	char err[300];
	json_t *p = transfer_export(st, dbpath, a, "sender", 1, "receiver",
				    "2026-11-22", err, sizeof(err));

	cr_assert_not_null(p, "%s", err);
	return p;
}

Test(transfer, the_key_pair_is_made_once_and_kept_private)
{
	char h1[65], h2[65], err[300], path[700];
	struct stat sb;

	cr_assert_eq(transfer_public_key(dbpath, "sender", h1, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(transfer_public_key(dbpath, "sender", h2, err, sizeof(err)), 0);
	cr_assert_str_eq(h1, h2, "a second pair was made");
	snprintf(path, sizeof(path), "%s.keys/sender.ed25519", dbpath);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
}

Test(transfer, a_package_verifies_only_against_the_registered_key)
{
	char hex[65], err[300];
	json_t *pkg = export(), *got;

	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_UNKNOWN_SENDER);
	cr_assert_eq(transfer_public_key(dbpath, "sender", hex, err, sizeof(err)), 0);
	trust(hex);
	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_OK);
	cr_assert_str_eq(json_string_value(json_object_get(got, "to")), "receiver");
	/* altered */
	json_object_set_new(json_object_get(json_object_get(pkg, "package"),
		"clearance"), "expires_on", json_string("2099-01-01"));
	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_BAD_SIGNATURE);
	json_decref(pkg);
	/* signed by another key: the receiver's own */
	cr_assert_eq(transfer_public_key(dbpath, "receiver", hex, err, sizeof(err)), 0);
	pkg = export();
	trust(hex);
	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_BAD_SIGNATURE);
	/* no signature, a malformed one, no package */
	json_object_set_new(pkg, "signature", json_string(""));
	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_UNSIGNED);
	json_object_set_new(pkg, "signature", json_string("abcd"));
	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_BAD_SIGNATURE);
	json_object_del(pkg, "package");
	cr_assert_eq(transfer_verify(st, b, pkg, &got), TRANSFER_MALFORMED);
	json_decref(pkg);
}

Test(transfer, a_bad_public_key_is_not_registered)
{
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(transfer_trust(st, b, "sender", "zz", "x"), -1);
	cr_assert_eq(transfer_trust(st, b, "Bad Name", "00000000000000000000000000000000"
				    "00000000000000000000000000000000", "x"), -1);
	store_rollback(st);
}

static int met(json_t *list, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(list, i, c)
		if (strcmp(json_string_value(json_object_get(c, "criterion")), name) == 0)
			return json_is_true(json_object_get(c, "met"));
	cr_assert_fail("no %s", name);
	return 0;
}

Test(transfer, each_failed_criterion_is_named)
{
	json_t *pkg = json_pack("{s:{s:s, s:s}, s:b}", "clearance", "status",
				"active", "expires_on", "2029-01-01",
				"adverse_information", 0);
	json_t *decl = json_pack("{s:b, s:s}", "no_change_in_criminal_history", 1,
				 "date", "2026-11-01");
	json_t *c;
	int all;

	c = transfer_criteria(pkg, decl, "2026-11-22", 90, &all);
	cr_assert(all);
	json_decref(c);
	c = transfer_criteria(pkg, NULL, "2028-11-01", 90, &all);
	cr_assert_not(all);
	cr_assert_not(met(c, "self_declaration"));
	cr_assert_not(met(c, "not_due_for_update"));
	cr_assert(met(c, "valid"));
	json_decref(c);
	json_object_set_new(json_object_get(pkg, "clearance"), "status",
			    json_string("suspended"));
	json_object_set_new(pkg, "adverse_information", json_true());
	c = transfer_criteria(pkg, decl, "2026-11-22", 90, &all);
	cr_assert_not(met(c, "valid"));
	cr_assert_not(met(c, "no_adverse_information"));
	json_decref(c);
	json_decref(pkg);
	json_decref(decl);
}
