/*
 * Unit tests for core/document.c: filenames made safe, the
 * Content-Disposition header, detected types as the allow-list names them,
 * and the rows: insert, read, verification once, shredding (the wrapped key
 * leaves the row), the policy's view with translations, releases under the
 * two-person rule, and rewrapping under a new master key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "document.h"
#include "fixture.h"
#include "org.h"
#include "store.h"

/* --- filenames, headers, types ---------------------------------------------- */

Test(document, filenames_are_made_safe)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "passport.pdf", "passport.pdf" },
		{ "../../etc/passwd", "passwd" },
		{ "C:\\Users\\me\\scan.png", "scan.png" },
		{ "..hidden", "hidden" },
		{ "a\nb\rc\td.txt", "a_b_c_d.txt" },
		{ "say \"hi\"; rm.txt", "say _hi__ rm.txt" },
		{ "pi\xc3\xa8" "ce.pdf", "pi\xc3\xa8" "ce.pdf" },
		{ "name  ", "name" },
		/* C1 controls, line separators, bidirectional overrides */
		{ "nel\xc2\x85" "csi\xc2\x9b" "x.txt", "nel_csi_x.txt" },
		{ "a\xe2\x80\xa8" "b.txt", "a_b.txt" },
		{ "invoice\xe2\x80\xae" "fdp.exe", "invoice_fdp.exe" },
		{ "x\xe2\x81\xa6" "y", "x_y" },
		{ "caf\xc3\xa9\xe2\x80\x94ok", "caf\xc3\xa9\xe2\x80\x94ok" },
	};
	static const char *const bad[] = { "", "/", "dir/", "...", "  ",
		"\xff\xfe.txt", "a/\xc3" };
	char out[256], longname[400];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(document_filename_clean(ok[i].in, out, sizeof(out)),
			     0, "%s refused", ok[i].in);
		cr_expect_str_eq(out, ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(document_filename_clean(bad[i], out, sizeof(out)),
			     -1, "accepted %s", bad[i]);
	memset(longname, 'a', 300);
	longname[300] = '\0';
	cr_expect_eq(document_filename_clean(longname, out, sizeof(out)), -1);
	longname[255] = '\0';
	cr_expect_eq(document_filename_clean(longname, out, sizeof(out)), 0);
}

Test(document, disposition_is_one_safe_header_value)
{
	char *d = document_disposition("r\xc3\xa9sum\xc3\xa9 (1).pdf");

	cr_assert_str_eq(d, "attachment; filename=\"r__sum__ (1).pdf\"; "
			 "filename*=UTF-8''r%C3%A9sum%C3%A9%20%281%29.pdf");
	free(d);
	d = document_disposition("a\\b.txt");
	cr_assert_null(strchr(d, '\\'));
	cr_assert_null(strpbrk(d, "\r\n"));
	free(d);
}

Test(document, detected_types_as_the_allow_list_names_them)
{
	cr_assert_str_eq(document_type_normal("text/x-c"), "text/plain");
	cr_assert_str_eq(document_type_normal("text/plain"), "text/plain");
	cr_assert_str_eq(document_type_normal("application/x-empty"),
			 "text/plain");
	cr_assert_str_eq(document_type_normal("text/html"), "text/html");
	cr_assert_str_eq(document_type_normal("application/pdf"),
			 "application/pdf");
	cr_assert_str_eq(document_type_normal(NULL),
			 "application/octet-stream");
	cr_assert(document_kind_valid("crnc"));
	cr_assert_not(document_kind_valid("selfie"));
	cr_assert(document_method_valid("notarised"));
	cr_assert_not(document_method_valid("looked at it"));
}

/* --- rows ----------------------------------------------------------------- */

static char dir[] = "/tmp/vetd-test-document.XXXXXX";
static char dbpath[300], keyfile[300];
static struct store *st;
static long long org;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/vetd.db", dir);
	snprintf(keyfile, sizeof(keyfile), "%s/master", dir);
	st = fixture_db_open(dbpath);
	cr_assert_eq(org_add(st, "acme", "Acme"), ORG_OK);
	cr_assert_eq(org_id(st, "acme", &org), ORG_OK);
}

static void teardown(void)
{
	store_close(st);
	fixture_rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

TestSuite(document_rows, .init = setup, .fini = teardown);

static long long add(struct vault *v, const char *kind, const char *lang)
{
	struct document d;
	unsigned char key[VAULT_KEYBYTES];
	long long id;

	memset(&d, 0, sizeof(d));
	d.org_id = org;
	strcpy(d.owner_kind, "case");
	d.owner_id = 1;
	vault_new_id(d.vault_id);
	snprintf(d.kind, sizeof(d.kind), "%s", kind);
	strcpy(d.filename, "f.pdf");
	d.size = 10;
	strcpy(d.content_type, "application/pdf");
	memset(d.sha256, 'a', 64);
	strcpy(d.classification, "Secret");
	snprintf(d.language, sizeof(d.language), "%s", lang);
	strcpy(d.uploaded_by, "alice");
	vault_new_key(key);
	cr_assert_eq(vault_wrap(v, d.vault_id, key, &d.key_version,
		     d.wrapped), 0);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_insert(st, &d, &id), DOC_OK);
	cr_assert_eq(store_commit(st), 0);
	return id;
}

static struct vault *open_vault(void)
{
	struct vault *v;
	char err[256];

	cr_assert_eq(vault_open(keyfile, 1, &v, err, sizeof(err)), 0, "%s",
		     err);
	return v;
}

Test(document_rows, insert_get_verify_once_and_shred)
{
	struct vault *v = open_vault();
	struct document d;
	json_t *m, *ids = json_array();
	long long id = add(v, "passport", "");

	cr_assert_eq(document_get(st, org, id, &d), DOC_OK);
	cr_assert_str_eq(d.kind, "passport");
	cr_assert_eq(d.language[0], '\0');
	cr_assert_eq(d.key_version, 1);
	cr_assert_eq(document_get(st, org + 1, id, &d), DOC_NOT_FOUND,
		     "another organization's");
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_verify(st, id, "notarised", NULL, "user:bob"),
		     DOC_OK);
	cr_assert_eq(document_verify(st, id, "original_seen", NULL,
		     "user:bob"), DOC_CONFLICT, "verified twice");
	cr_assert_eq(store_commit(st), 0);
	m = document_meta(st, id, 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(m,
			 "verification"), "method")), "notarised");
	cr_assert(json_is_null(json_object_get(m, "shredded")));
	json_decref(m);

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_shred(st, id, "user:carol", "order", "O-1"),
		     DOC_OK);
	cr_assert_eq(document_shred(st, id, "user:carol", "again", "O-2"),
		     DOC_CONFLICT);
	cr_assert_eq(document_shred_owner(st, org, "case", 1, "system",
		     "retention", ids), DOC_OK);
	cr_assert_eq(json_array_size(ids), 0, "nothing left to shred");
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(fixture_count(st, "SELECT count(*) FROM documents WHERE "
		     "id = %lld AND wrapped_key IS NULL AND key_version IS NULL",
		     id), 1);
	cr_assert_eq(document_get(st, org, id, &d), DOC_OK);
	cr_assert(d.shredded);
	m = document_meta(st, id, 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(m,
			 "shredded"), "order")), "O-1");
	json_decref(m);
	json_decref(ids);
	vault_free(v);
}

Test(document_rows, retention_shreds_every_live_document_of_the_case)
{
	struct vault *v = open_vault();
	json_t *ids = json_array();

	add(v, "passport", "");
	add(v, "crnc", "es");
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_shred_owner(st, org, "case", 1, "system:tick",
		     "retention", ids), DOC_OK);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(json_array_size(ids), 2);
	cr_assert(vault_id_valid(json_string_value(json_array_get(ids, 0))));
	cr_assert_eq(fixture_count(st, "SELECT count(*) FROM documents WHERE "
		     "wrapped_key IS NOT NULL"), 0);
	json_decref(ids);
	vault_free(v);
}

Test(document_rows, policy_view_follows_translations)
{
	struct vault *v = open_vault();
	long long es = add(v, "crnc", "es"), tr = add(v, "translation", "en");
	json_t *a, *t;

	a = document_policy_list(st, "case", 1);
	cr_assert_eq(json_array_size(a), 2);
	cr_assert(json_is_null(json_object_get(json_array_get(a, 0),
		  "translation")));
	json_decref(a);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_link(st, es, tr), DOC_OK);
	cr_assert_eq(store_commit(st), 0);
	a = document_policy_list(st, "case", 1);
	t = json_object_get(json_array_get(a, 0), "translation");
	cr_assert_eq(json_integer_value(json_object_get(t, "id")), tr);
	cr_assert(json_is_false(json_object_get(t, "verified")));
	json_decref(a);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_verify(st, tr, "notarised", "sworn", "user:b"),
		     DOC_OK);
	cr_assert_eq(store_commit(st), 0);
	a = document_policy_list(st, "case", 1);
	t = json_object_get(json_array_get(a, 0), "translation");
	cr_assert(json_is_true(json_object_get(t, "verified")));
	json_decref(a);
	/* another owner sees none */
	a = document_policy_list(st, "case", 2);
	cr_assert_eq(json_array_size(a), 0);
	json_decref(a);
	vault_free(v);
}

Test(document_rows, releases_need_another_person_and_serve_once)
{
	struct vault *v = open_vault();
	long long id = add(v, "other", ""), rid;
	struct document_release r;

	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(document_release_new(st, id, "user:a", "audit", &rid),
		     DOC_OK);
	cr_assert_eq(document_release_use(st, rid), DOC_CONFLICT,
		     "not approved yet");
	cr_assert_eq(document_release_approve(st, rid, "user:a", 1),
		     DOC_CONFLICT, "approved by the one who asked");
	cr_assert_eq(document_release_approve(st, rid, "user:b", 1), DOC_OK);
	cr_assert_eq(document_release_approve(st, rid, "user:c", 1),
		     DOC_CONFLICT, "approved twice");
	cr_assert_eq(document_release_get(st, id, rid, &r), DOC_OK);
	cr_assert_str_eq(r.approved_by, "user:b");
	cr_assert_eq(document_release_get(st, id + 1, rid, &r), DOC_NOT_FOUND);
	cr_assert_eq(document_release_use(st, rid), DOC_OK);
	cr_assert_eq(document_release_use(st, rid), DOC_CONFLICT, "used twice");
	cr_assert_eq(store_commit(st), 0);
	vault_free(v);
}

Test(document_rows, rewrap_moves_every_key_to_the_new_version)
{
	struct vault *v = open_vault();
	struct document d;
	unsigned char key[VAULT_KEYBYTES];
	char err[256];
	long long ids[3], n;
	json_t *counts;
	int i, nv;

	for (i = 0; i < 3; i++)
		ids[i] = add(v, "other", "");
	cr_assert_eq(vault_add_version(keyfile, &nv, err, sizeof(err)), 0);
	n = document_rewrap(st, v, 2, "vetctl:test");
	cr_assert_eq(n, 2, "a batch is at most the limit");
	cr_assert_eq(document_rewrap(st, v, 2, "vetctl:test"), 1);
	cr_assert_eq(document_rewrap(st, v, 2, "vetctl:test"), 0);
	counts = document_key_counts(st);
	cr_assert_eq(json_integer_value(json_object_get(counts, "2")), 3);
	/* each batch is in the organization's trail */
	cr_assert_eq(fixture_count(st, "SELECT count(*) FROM audit_events WHERE"
		     " action = 'document.rewrap' AND actor = 'vetctl:test'"
		     " AND org_id = %lld", org), 2);
	cr_assert_null(json_object_get(counts, "1"));
	json_decref(counts);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(document_get(st, org, ids[i], &d), DOC_OK);
		cr_assert_eq(d.key_version, 2);
		cr_assert_eq(vault_unwrap(v, d.vault_id, 2, d.wrapped,
			     sizeof(d.wrapped), key), 0);
	}
	vault_free(v);
}
