/*
 * document: the rows of the document store (see document.h). Writes run
 * inside the caller's transaction unless noted; reads are single
 * statements.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "document.h"
#include "log.h"
#include "util.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const char *const kinds[] = { "passport", "birth_certificate", "crnc",
    "translation", "credit_report", "interview_record", "other", NULL };
static const char *const methods[] = { "original_seen",
    "trusted_third_party", "notarised", NULL };

int
document_kind_valid(const char *kind)
{
	return util_one_of(kind, kinds);
}

int
document_method_valid(const char *method)
{
	return util_one_of(method, methods);
}

/*
 * The length of the UTF-8 sequence at u when it is a character that moves
 * or hides text rather than showing it: the C1 controls (U+0080..U+009F),
 * the line and paragraph separators (U+2028, U+2029) and the bidirectional
 * controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069). 0 otherwise.
 */
static size_t
invisible(const unsigned char *u)
{
	if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x8e || u[2] == 0x8f ||
	    (u[2] >= 0xa8 && u[2] <= 0xae)))
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9)
		return 3;
	return 0;
}

int
document_filename_clean(const char *in, char *out, size_t outlen)
{
	const char	*base = in, *p;
	size_t		 n = 0, skip;

	for (p = in; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	while (*base == '.' || *base == ' ')
		base++;
	if (!util_utf8_valid(base, strlen(base)))
		return -1;
	for (p = base; *p; p += skip) {
		const unsigned char *u = (const unsigned char *)p;

		if (n + 1 >= outlen || n >= 255)
			return -1;
		if ((skip = invisible(u)) == 0) {
			skip = 1;
			if (*u >= 0x20 && *u != 0x7f && *u != '"' && *u != ';') {
				out[n++] = (char)*u;
				continue;
			}
		}
		out[n++] = '_';
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n == 0 ? -1 : 0;
}

char *
document_disposition(const char *filename)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf		 b;
	const unsigned char	*p;

	util_buf_init(&b);
	util_buf_adds(&b, "attachment; filename=\"");
	for (p = (const unsigned char *)filename; *p; p++) {
		char ch = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ?
		    (char)*p : '_';

		util_buf_add(&b, &ch, 1);
	}
	util_buf_adds(&b, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)filename; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p))
			util_buf_add(&b, p, 1);
		else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			util_buf_add(&b, e, 3);
		}
	}
	return b.data;
}

const char *
document_type_normal(const char *detected)
{
	static const char *const text[] = { "text/html", "text/xml",
	    "text/javascript", "text/x-php", "text/x-shellscript", NULL };

	if (detected == NULL)
		return "application/octet-stream";
	if (strcmp(detected, "application/x-empty") == 0 ||
	    strcmp(detected, "inode/x-empty") == 0)
		return "text/plain";
	if (strncmp(detected, "text/", 5) == 0 && !util_one_of(detected, text))
		return "text/plain";
	return detected;
}

static void
col(sqlite3_stmt *s, int i, char *out, size_t len)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	snprintf(out, len, "%s", t ? (const char *)t : "");
}

enum document_status
document_get(struct store *st, long long org_id, long long id,
    struct document *d)
{
	static const char sql[] = "SELECT id, org_id, owner_kind, owner_id,"
	    " vault_id, kind, filename, size, content_type, sha256,"
	    " classification, language, translation_id, uploaded_by,"
	    " uploaded_at, key_version, wrapped_key, shredded_at IS NOT NULL,"
	    " verified_at IS NOT NULL FROM documents WHERE id = ? AND"
	    " org_id = ?";
	sqlite3_stmt		*s;
	enum document_status	 rc = DOC_ERROR;
	int			 step;

	if ((s = store_prepare(st, sql)) == NULL)
		return DOC_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org_id);
	memset(d, 0, sizeof(*d));
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		d->id = sqlite3_column_int64(s, 0);
		d->org_id = sqlite3_column_int64(s, 1);
		col(s, 2, d->owner_kind, sizeof(d->owner_kind));
		d->owner_id = sqlite3_column_int64(s, 3);
		col(s, 4, d->vault_id, sizeof(d->vault_id));
		col(s, 5, d->kind, sizeof(d->kind));
		col(s, 6, d->filename, sizeof(d->filename));
		d->size = sqlite3_column_int64(s, 7);
		col(s, 8, d->content_type, sizeof(d->content_type));
		col(s, 9, d->sha256, sizeof(d->sha256));
		col(s, 10, d->classification, sizeof(d->classification));
		col(s, 11, d->language, sizeof(d->language));
		d->translation_id = sqlite3_column_int64(s, 12);
		col(s, 13, d->uploaded_by, sizeof(d->uploaded_by));
		col(s, 14, d->uploaded_at, sizeof(d->uploaded_at));
		d->key_version = sqlite3_column_int(s, 15);
		if (sqlite3_column_bytes(s, 16) == VAULT_WRAPPEDBYTES)
			memcpy(d->wrapped, sqlite3_column_blob(s, 16),
			    VAULT_WRAPPEDBYTES);
		d->shredded = sqlite3_column_int(s, 17);
		d->verified = sqlite3_column_int(s, 18);
		rc = DOC_OK;
	} else if (step == SQLITE_DONE)
		rc = DOC_NOT_FOUND;
	store_done(s);
	return rc;
}

enum document_status
document_insert(struct store *st, const struct document *d, long long *id)
{
	static const char sql[] = "INSERT INTO documents (org_id, owner_kind,"
	    " owner_id, vault_id, kind, filename, size, content_type, sha256,"
	    " classification, language, uploaded_by, uploaded_at, key_version,"
	    " wrapped_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " NOW
	    ", ?, ?)";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return DOC_ERROR;
	sqlite3_bind_int64(s, 1, d->org_id);
	sqlite3_bind_text(s, 2, d->owner_kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, d->owner_id);
	sqlite3_bind_text(s, 4, d->vault_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, d->filename, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, d->size);
	sqlite3_bind_text(s, 8, d->content_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, d->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, d->classification, -1, SQLITE_STATIC);
	if (d->language[0])
		sqlite3_bind_text(s, 11, d->language, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, d->uploaded_by, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, d->key_version);
	sqlite3_bind_blob(s, 14, d->wrapped, VAULT_WRAPPEDBYTES, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	if (rc != SQLITE_DONE)
		return DOC_ERROR;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return DOC_OK;
}

json_t *
document_ids(struct store *st, long long org_id, const char *owner_kind,
    long long owner_id)
{
	static const char sql[] = "SELECT id FROM documents WHERE org_id = ?"
	    " AND owner_kind = ? AND owner_id = ? ORDER BY id";
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	if ((s = store_prepare(st, sql)) == NULL)
		return a;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, owner_kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, owner_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, json_integer(sqlite3_column_int64(s,
		    0)));
	store_done(s);
	return a;
}

json_t *
document_meta(struct store *st, long long id, int two_person)
{
	static const char sql[] = "SELECT json_object('id', id, 'owner',"
	    " json_object('kind', owner_kind, 'id', owner_id), 'kind', kind,"
	    " 'filename', filename, 'size', size, 'content_type', content_type,"
	    " 'sha256', sha256, 'classification', classification, 'language',"
	    " language, 'translation_id', translation_id, 'uploaded_by',"
	    " uploaded_by, 'uploaded_at', uploaded_at, 'key_version',"
	    " key_version, 'verification', CASE WHEN verified_at IS NULL THEN"
	    " NULL ELSE json_object('method', verification_method, 'by',"
	    " verified_by, 'at', verified_at, 'note', verification_note) END,"
	    " 'shredded', CASE WHEN shredded_at IS NULL THEN NULL ELSE"
	    " json_object('at', shredded_at, 'by', shredded_by, 'reason',"
	    " shred_reason, 'order', shred_order) END) FROM documents WHERE"
	    " id = ?";
	sqlite3_stmt	*s;
	json_t		*j = NULL;

	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		j = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	store_done(s);
	if (j != NULL)
		json_object_set_new(j, "two_person", json_boolean(two_person));
	return j;
}

/* What a one-row change did: changed, changed nothing, failed. */
static enum document_status
changed(int n)
{
	return n < 0 ? DOC_ERROR : n > 0 ? DOC_OK : DOC_CONFLICT;
}

enum document_status
document_verify(struct store *st, long long id, const char *method,
    const char *note, const char *actor)
{
	return changed(store_change(st,
	    "UPDATE documents SET verification_method = ?2,"
	    " verification_note = ?3, verified_by = ?4, verified_at = " NOW
	    " WHERE id = ?1 AND verified_at IS NULL AND shredded_at IS NULL",
	    "isss", id, method, note, actor));
}

enum document_status
document_link(struct store *st, long long id, long long tid)
{
	return changed(store_change(st,
	    "UPDATE documents SET translation_id = ?2 WHERE"
	    " id = ?1 AND shredded_at IS NULL", "ii", id, tid));
}

enum document_status
document_shred(struct store *st, long long id, const char *actor,
    const char *reason, const char *order)
{
	return changed(store_change(st,
	    "UPDATE documents SET wrapped_key = NULL,"
	    " key_version = NULL, shredded_at = " NOW ", shredded_by = ?2,"
	    " shred_reason = ?3, shred_order = ?4 WHERE id = ?1 AND"
	    " shredded_at IS NULL", "isss", id, actor, reason, order));
}

enum document_status
document_shred_owner(struct store *st, long long org_id,
    const char *owner_kind, long long owner_id, const char *actor,
    const char *reason, json_t *ids)
{
	static const char sql[] = "UPDATE documents SET wrapped_key = NULL,"
	    " key_version = NULL, shredded_at = " NOW ", shredded_by = ?4,"
	    " shred_reason = ?5 WHERE org_id = ?1 AND shredded_at IS NULL AND"
	    " ((owner_kind = ?2 AND owner_id = ?3) OR (?2 = 'case' AND"
	    " owner_kind = 'appeal' AND owner_id IN (SELECT id FROM appeals"
	    " WHERE case_id = ?3))) RETURNING vault_id";
	sqlite3_stmt	*s;
	int		 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return DOC_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, owner_kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, owner_id);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(ids, json_string((const char *)
		    sqlite3_column_text(s, 0)));
	store_done(s);
	return rc == SQLITE_DONE ? DOC_OK : DOC_ERROR;
}

json_t *
document_policy_list(struct store *st, const char *owner_kind,
    long long owner_id)
{
	static const char sql[] = "SELECT json_group_array(json_object('id',"
	    " d.id, 'kind', d.kind, 'language', d.language, 'verified',"
	    " json(CASE WHEN d.verified_at IS NULL THEN 'false' ELSE 'true'"
	    " END), 'translation', CASE WHEN t.id IS NULL THEN NULL ELSE"
	    " json_object('id', t.id, 'verified', json(CASE WHEN t.verified_at"
	    " IS NULL THEN 'false' ELSE 'true' END)) END)) FROM (SELECT * FROM"
	    " documents WHERE owner_kind = ? AND owner_id = ? AND shredded_at"
	    " IS NULL ORDER BY id) d LEFT JOIN documents t ON t.id ="
	    " d.translation_id AND t.shredded_at IS NULL";
	sqlite3_stmt	*s;
	json_t		*a = NULL;

	if ((s = store_prepare(st, sql)) != NULL) {
		sqlite3_bind_text(s, 1, owner_kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, owner_id);
		if (sqlite3_step(s) == SQLITE_ROW)
			a = json_loads((const char *)sqlite3_column_text(s, 0),
			    0, NULL);
		store_done(s);
	}
	return a != NULL ? a : json_array();
}

long long
document_sweep(struct store *st, const char *dir, long long age)
{
	static const char sql[] = "SELECT 1 FROM documents WHERE vault_id = ?"
	    " AND shredded_at IS NULL";
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 id[VAULT_IDLEN + 1];
	long long	 n = 0;
	time_t		 now = time(NULL);
	int		 dfd, live;
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return 0;	/* no documents yet */
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		/* "<id>" or ".<id>.part"; nothing else is ours */
		if (len == VAULT_IDLEN)
			memcpy(id, e->d_name, VAULT_IDLEN);
		else if (len == VAULT_IDLEN + 6 && e->d_name[0] == '.' &&
		    strcmp(e->d_name + 1 + VAULT_IDLEN, ".part") == 0)
			memcpy(id, e->d_name + 1, VAULT_IDLEN);
		else
			continue;
		id[VAULT_IDLEN] = '\0';
		if (!vault_id_valid(id) || fstatat(dfd, e->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(sb.st_mode) ||
		    now - sb.st_mtime < age)
			continue;
		live = 0;
		if (len == VAULT_IDLEN) {
			switch (store_run(st, NULL, 0, sql, "s", id)) {
			case SQLITE_ROW:
				live = 1;
				break;
			case SQLITE_DONE:
				break;
			default:
				closedir(d);
				return -1;
			}
		}
		if (!live && unlinkat(dfd, e->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* --- releases ------------------------------------------------------------- */

enum document_status
document_release_new(struct store *st, long long doc, const char *actor,
    const char *reason, long long *id)
{
	enum document_status	rc;

	rc = changed(store_change(st,
	    "INSERT INTO document_releases (document_id,"
	    " requested_by, requested_at, reason) VALUES (?, ?, " NOW ", ?)",
	    "iss", doc, actor, reason));
	if (rc == DOC_OK)
		*id = sqlite3_last_insert_rowid(store_db(st));
	return rc == DOC_CONFLICT ? DOC_ERROR : rc;
}

enum document_status
document_release_get(struct store *st, long long doc, long long id,
    struct document_release *r)
{
	static const char sql[] = "SELECT id, document_id, requested_by,"
	    " coalesce(approved_by, ''), coalesce(expires_at, ''), used_at IS"
	    " NOT NULL FROM document_releases WHERE id = ? AND document_id = ?";
	sqlite3_stmt		*s;
	enum document_status	 rc = DOC_ERROR;
	int			 step;

	if ((s = store_prepare(st, sql)) == NULL)
		return DOC_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, doc);
	memset(r, 0, sizeof(*r));
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		r->id = sqlite3_column_int64(s, 0);
		r->document_id = sqlite3_column_int64(s, 1);
		col(s, 2, r->requested_by, sizeof(r->requested_by));
		col(s, 3, r->approved_by, sizeof(r->approved_by));
		col(s, 4, r->expires_at, sizeof(r->expires_at));
		r->used = sqlite3_column_int(s, 5);
		rc = DOC_OK;
	} else if (step == SQLITE_DONE)
		rc = DOC_NOT_FOUND;
	store_done(s);
	return rc;
}

enum document_status
document_release_approve(struct store *st, long long id, const char *actor,
    int hours)
{
	return changed(store_change(st,
	    "UPDATE document_releases SET approved_by = ?2,"
	    " approved_at = " NOW ", expires_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
	    " 'now', '+' || ?3 || ' hours') WHERE id = ?1 AND approved_by IS"
	    " NULL AND requested_by <> ?2", "isi", id, actor, (long long)hours));
}

enum document_status
document_release_use(struct store *st, long long id)
{
	return changed(store_change(st,
	    "UPDATE document_releases SET used_at = " NOW
	    " WHERE id = ?1 AND used_at IS NULL AND approved_by IS NOT NULL"
	    " AND expires_at > " NOW, "i", id));
}

json_t *
document_release_json(struct store *st, long long id)
{
	static const char sql[] = "SELECT json_object('id', id, 'document_id',"
	    " document_id, 'requested_by', requested_by, 'requested_at',"
	    " requested_at, 'reason', reason, 'approved_by', approved_by,"
	    " 'approved_at', approved_at, 'expires_at', expires_at, 'used_at',"
	    " used_at, 'status', CASE WHEN used_at IS NOT NULL THEN 'used'"
	    " WHEN approved_by IS NULL THEN 'pending' WHEN expires_at <= " NOW
	    " THEN 'expired' ELSE 'approved' END) FROM document_releases"
	    " WHERE id = ?";
	sqlite3_stmt	*s;
	json_t		*j = NULL;

	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		j = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	store_done(s);
	return j;
}

/* --- master key rotation -------------------------------------------------- */

long long
document_rewrap(struct store *st, struct vault *v, int limit,
    const char *actor)
{
	static const char pick[] = "SELECT id, vault_id, key_version,"
	    " wrapped_key, org_id FROM documents WHERE wrapped_key IS NOT NULL"
	    " AND key_version < ? ORDER BY id LIMIT ?";
	static const char upd[] = "UPDATE documents SET key_version = ?,"
	    " wrapped_key = ? WHERE id = ? AND key_version = ?";
	sqlite3_stmt	*s, *u;
	unsigned char	 key[VAULT_KEYBYTES], wrapped[VAULT_WRAPPEDBYTES];
	long long	 n = 0;
	int		 cur, ver, rc;
	json_t		*orgs = json_object(), *cnt;
	const char	*org;
	char		 k[32];
	struct audit_event ev = { actor, 0, "document.rewrap", "vault", "", "",
	    NULL };

	(void)vault_refresh(v);
	cur = vault_current(v);
	if (store_begin(st) == -1) {
		json_decref(orgs);
		return -1;
	}
	if ((s = store_prepare(st, pick)) == NULL)
		goto fail;
	sqlite3_bind_int(s, 1, cur);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 1);

		ver = sqlite3_column_int(s, 2);
		if (vault_unwrap(v, id, ver, sqlite3_column_blob(s, 3),
		    (size_t)sqlite3_column_bytes(s, 3), key) == -1) {
			log_error("event=rewrap_failed document=%lld "
			    "key_version=%d", sqlite3_column_int64(s, 0), ver);
			store_done(s);
			goto fail;
		}
		if (vault_wrap(v, id, key, &ver, wrapped) == -1 || ver != cur) {
			sodium_memzero(key, sizeof(key));
			store_done(s);
			goto fail;
		}
		sodium_memzero(key, sizeof(key));
		if ((u = store_prepare(st, upd)) == NULL) {
			store_done(s);
			goto fail;
		}
		sqlite3_bind_int(u, 1, cur);
		sqlite3_bind_blob(u, 2, wrapped, sizeof(wrapped), SQLITE_STATIC);
		sqlite3_bind_int64(u, 3, sqlite3_column_int64(s, 0));
		sqlite3_bind_int(u, 4, sqlite3_column_int(s, 2));
		rc = sqlite3_step(u);
		store_done(u);
		if (rc != SQLITE_DONE) {
			store_done(s);
			goto fail;
		}
		snprintf(k, sizeof(k), "%lld", sqlite3_column_int64(s, 4));
		cnt = json_object_get(orgs, k);
		json_object_set_new(orgs, k, json_integer(cnt ?
		    json_integer_value(cnt) + 1 : 1));
		n++;
	}
	store_done(s);
	if (rc != SQLITE_DONE)
		goto fail;
	/* each organization's trail says its keys were rewrapped */
	json_object_foreach(orgs, org, cnt) {
		ev.org_id = strtoll(org, NULL, 10);
		ev.detail = json_pack("{s:i, s:O}", "key_version", cur,
		    "documents", cnt);
		rc = audit_append(st, &ev);
		json_decref(ev.detail);
		if (rc == -1)
			goto fail;
	}
	if (store_commit(st) == -1)
		goto fail;
	json_decref(orgs);
	return n;
fail:
	store_rollback(st);
	json_decref(orgs);
	return -1;
}

json_t *
document_key_counts(struct store *st)
{
	static const char sql[] = "SELECT key_version, count(*) FROM documents"
	    " WHERE wrapped_key IS NOT NULL GROUP BY key_version";
	sqlite3_stmt	*s;
	json_t		*o = json_object();
	char		 k[16];

	if ((s = store_prepare(st, sql)) == NULL)
		return o;
	while (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(k, sizeof(k), "%d", sqlite3_column_int(s, 0));
		json_object_set_new(o, k, json_integer(sqlite3_column_int64(s,
		    1)));
	}
	store_done(s);
	return o;
}
