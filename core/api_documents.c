/*
 * api_documents: supporting documents in the encrypted vault.
 *   POST /api/v1/{cases,appeals}/{id}/documents?kind=&classification=
 *        &filename=[&language=]      the raw file as the body, streamed
 *   GET  /api/v1/{cases,appeals}/{id}/documents
 *   GET  /api/v1/documents/{id}[?release=R], /api/v1/documents/{id}/meta
 * (the changes to a stored document are api_document_changes.c's)
 * Access is need-to-know on the file the document belongs to plus the
 * marking within the role's ceiling (REGDOC appendix D), decided by
 * access_check(); from the organization's two_person marking up, each
 * release needs a second authorised person. An upload is encrypted as it
 * arrives (worker memory stays flat), its type told from its bytes
 * (libmagic); a download is checked whole before its first byte goes out.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>
#include <openssl/evp.h>

#include "api.h"
#include "api_documents.h"
#include "case.h"
#include "config.h"
#include "document.h"
#include "incident.h"
#include "log.h"
#include "luahost.h"
#include "validate.h"
#include "vault.h"

#define SNIFF		VAULT_CHUNK	/* bytes libmagic looks at */

/* The worker's vault and libmagic cookie: opened on first use, kept for
 * the life of the process. */
static struct vault	*vault;
static magic_t		 magic;

static int
unavailable(struct api_ctx *c, const char *what)
{
	log_error("event=documents_unavailable reason=%s", log_quote_tmp(what));
	response_error(c->resp, 503, "unavailable", "the document store is "
	    "unavailable", NULL);
	return -1;
}

/* Open the vault (making the key file and the directory the first time)
 * and libmagic. 0, or -1 having answered 503. */
static int
docs_ready(struct api_ctx *c)
{
	char	err[512];

	if (vault == NULL && vault_open(c->cfg->doc_key_file, 1, &vault, err,
	    sizeof(err)) == -1)
		return unavailable(c, err);
	if (mkdir(c->cfg->doc_dir, 0700) == -1 && errno != EEXIST)
		return unavailable(c, "cannot make the documents directory");
	if (magic == NULL) {
		if ((magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) ==
		    NULL)
			return unavailable(c, "magic_open");
		if (magic_load(magic, NULL) == -1) {
			magic_close(magic);
			magic = NULL;
			return unavailable(c, "magic_load");
		}
	}
	return 0;
}

const struct config_org *
api_documents_org(struct api_ctx *c)
{
	const struct config_org	*o = config_org_find(c->cfg, c->org_slug);

	if (o == NULL)
		response_error(c->resp, 503, "unavailable", "the organization "
		    "has no configuration", NULL);
	return o;
}

/* The caller's roles on case id (no refusal here). */
static int
owner_case(struct api_ctx *c, long long id, struct api_doc_owner *o)
{
	struct access_object	obj = { .org_id = 0 };
	struct case_row		row;

	switch (case_get(c->store, c->who.org_id, id, &row)) {
	case CASE_OK:
		break;
	case CASE_NOT_FOUND:
		return 0;
	default:
		return -1;
	}
	obj.org_id = row.org_id;
	obj.owner = row.applicant;
	obj.assigned = case_assigned_roles(c->store, id, c->who.username);
	o->roles = access_case_roles(&c->who, &obj);
	o->applicant = access_is_own(&c->who, &obj);
	o->person_id = row.person_id;
	o->case_id = id;
	snprintf(o->site, sizeof(o->site), "%s", row.site);
	return 1;
}

/* Appeals are seen by the appeals role, the cso, the auditor, and the
 * appellant (api_appeals.c). */
static int
owner_appeal(struct api_ctx *c, long long id, struct api_doc_owner *o)
{
	static const char sql[] = "SELECT appellant || '|' ||"
	    " coalesce(case_id, 0) FROM appeals WHERE id = ? AND org_id = ?";
	char	row[320], *bar;

	switch (store_run(c->store, row, sizeof(row), sql, "ii", id,
	    c->who.org_id)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		return 0;
	default:
		return -1;
	}
	bar = strrchr(row, '|');
	*bar++ = '\0';
	o->case_id = strtoll(bar, NULL, 10);
	o->roles = c->who.roles & (ROLE_BIT(ROLE_APPEALS) | ROLE_BIT(ROLE_CSO) |
	    ROLE_BIT(ROLE_AUDITOR));
	if ((c->who.roles & ROLE_BIT(ROLE_APPLICANT)) && c->who.username &&
	    strcmp(c->who.username, row) == 0) {
		o->roles |= ROLE_BIT(ROLE_APPLICANT);
		o->applicant = 1;
	}
	return 1;
}

/* An incident's documents: the cso, the authority and the auditor (as
 * for the incident), and the reporter with their roles, unless named in
 * it (access.c, incidents). */
static int
owner_incident(struct api_ctx *c, long long id, struct api_doc_owner *o)
{
	struct incident	inc;
	char		row[32];

	switch (incident_get(c->store, c->who.org_id, id, &inc)) {
	case INC_OK:
		break;
	case INC_NOT_FOUND:
		return 0;
	default:
		return -1;
	}
	o->named = incident_names(&inc, c->who.username);
	if (inc.subject[0] && store_run(c->store, row, sizeof(row), "SELECT id"
	    " FROM persons WHERE org_id = ? AND username = ?", "is",
	    c->who.org_id, inc.subject) == SQLITE_ROW)
		o->person_id = strtoll(row, NULL, 10);
	if (!o->named) {
		o->roles = c->who.roles & (ROLE_BIT(ROLE_CSO) |
		    ROLE_BIT(ROLE_AUTHORITY) | ROLE_BIT(ROLE_AUDITOR));
		if (c->who.username != NULL &&
		    strcmp(inc.reporter, c->who.username) == 0) {
			o->roles = c->who.roles;
			o->applicant = 1;
		} else if (inc.confidential &&
		    !(c->who.roles & ROLE_BIT(ROLE_CSO)))
			snprintf(o->hidden, sizeof(o->hidden), "%s",
			    inc.reporter);
	}
	incident_clear(&inc);
	return 1;
}

/* Owner kind/id: 1 found (roles set), 0 not found, -1 store error. */
static int
owner_load(struct api_ctx *c, const char *kind, long long id,
    struct api_doc_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = strcmp(kind, "case") == 0 ? "case" :
	    strcmp(kind, "incident") == 0 ? "incident" : "appeal";
	o->id = id;
	snprintf(o->target, sizeof(o->target), "%s:%lld", o->kind, id);
	return o->kind[0] == 'c' ? owner_case(c, id, o) : o->kind[0] == 'i' ?
	    owner_incident(c, id, o) : owner_appeal(c, id, o);
}

/* The owner named by the route (/cases/{id}/... or /appeals/{id}/...),
 * with need-to-know on it checked. 0, or -1 having answered. */
static int
route_owner(struct api_ctx *c, struct api_doc_owner *o)
{
	long long	id;
	const char	*kind = c->req->nsegs > 2 &&
	    strcmp(c->req->segs[2], "appeals") == 0 ? "appeal" :
	    c->req->nsegs > 2 && strcmp(c->req->segs[2], "incidents") == 0 ?
	    "incident" : "case";
	char		msg[32];
	int		rc;

	snprintf(msg, sizeof(msg), "no such %s", kind);
	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1 || (rc = owner_load(c, kind, id, o)) == 0) {
		response_error(c->resp, 404, "not_found",
		    util_pool_strdup(c->req->pool, msg), NULL);
		return -1;
	}
	if (rc == -1) {
		api_unavailable(c);
		return -1;
	}
	if (o->roles == 0) {
		if (o->named || (c->who.roles & ~ROLE_BIT(ROLE_APPLICANT)) ==
		    0) {
			(void)api_refuse(c, 404, "not_found",
			    util_pool_strdup(c->req->pool, msg),
			    "not the applicant's own file", o->target);
			return -1;
		}
		return api_refuse(c, 403, "forbidden", "no need to know: not "
		    "assigned to this file", "no need to know", o->target);
	}
	return 0;
}

/* May the uploader read their own upload? The policy's settings say, by
 * documents_uploader_reads (default true). */
static int
uploader_reads(struct api_ctx *c, const struct api_doc_owner *o)
{
	struct policy	*p;
	json_t		*settings, *v;
	char		 err[256];
	int		 yes = 1;

	/* no policy to ask: the rule does not apply */
	if ((p = policy_get(c->policies, c->store, c->org_slug,
	    o->site[0] ? o->site : NULL, c->now, err, sizeof(err))) == NULL)
		return 0;
	settings = luahost_table(p, "settings");
	v = json_object_get(settings, "documents_uploader_reads");
	if (json_is_boolean(v))
		yes = json_is_true(v);
	json_decref(settings);
	return yes;
}

/*
 * The access check for act on document d (NULL: one about to be uploaded
 * with marking rank) of owner o: 0 when allowed, or -1 having answered
 * and audited the refusal.
 */
int
api_documents_allow(struct api_ctx *c, enum access_action act,
    const struct config_org *org, const struct api_doc_owner *o,
    const struct document *d, int rank, const char *target)
{
	struct access_document	ad;
	struct access_object	obj = { .org_id = c->who.org_id };

	/* named in the incident: it does not exist for them */
	if (o->named)
		return api_refuse(c, 404, "not_found", "no such document",
		    "named in the incident", target);
	ad.roles = o->roles;
	ad.rank = d ? config_marking_rank(org, d->classification) : rank;
	ad.ceiling = org->ceiling;
	ad.uploader = d && c->who.username &&
	    strcmp(d->uploaded_by, c->who.username) == 0;
	ad.uploader_reads = act == ACT_DOC_READ && ad.uploader &&
	    o->applicant ? uploader_reads(c, o) : 0;
	obj.doc = &ad;
	return api_allow(c, act, &obj, target);
}

/* Same check, silent: for filtering a list. */
static int
doc_visible(struct api_ctx *c, const struct config_org *org,
    const struct api_doc_owner *o, const struct document *d)
{
	struct access_document	ad;
	struct access_object	obj = { .org_id = c->who.org_id };
	const char		*why;

	ad.roles = o->roles;
	ad.rank = config_marking_rank(org, d->classification);
	ad.ceiling = org->ceiling;
	ad.uploader = c->who.username &&
	    strcmp(d->uploaded_by, c->who.username) == 0;
	ad.uploader_reads = ad.uploader && o->applicant ?
	    uploader_reads(c, o) : 0;
	obj.doc = &ad;
	return access_check(&c->who, ACT_DOC_READ, &obj, &why) ==
	    ACCESS_ALLOW;
}

int
api_documents_two_person(const struct config_org *org, const struct document *d)
{
	int	rank = config_marking_rank(org, d->classification);

	return rank < 0 || rank >= org->two_person;
}

/* Is t (a bare lower-case media type) on the allow-list? */
static int
type_allowed(const struct api_ctx *c, const char *t)
{
	const char	*p = c->cfg->doc_types;
	size_t		 n = strlen(t);

	while ((p = strstr(p, t)) != NULL) {
		if ((p == c->cfg->doc_types || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/* --- upload --------------------------------------------------------------- */

/* The claimed type from Content-Type: lower case, no parameters. */
static const char *
claimed_type(struct api_ctx *c)
{
	const char	*ct = request_header(c->req, "Content-Type");
	char		*t;
	size_t		 n, i;

	if (ct == NULL)
		return NULL;
	n = strcspn(ct, "; ");
	if (n == 0 || n > 100)
		return NULL;
	t = util_pool_strndup(c->req->pool, ct, n);
	for (i = 0; i < n; i++)
		if (t[i] >= 'A' && t[i] <= 'Z')
			t[i] = (char)(t[i] - 'A' + 'a');
	return t;
}

/* Answer a body read that failed: n -2 is too large, -1 cut short. */
static void
body_failed(struct api_ctx *c, ssize_t n)
{
	if (n == -2)
		response_error(c->resp, 413, "body_too_large", "the file is "
		    "larger than the server accepts", NULL);
	else
		response_error(c->resp, 400, "bad_request", "the upload was cut "
		    "short", NULL);
}

/* Read until buf is full or the body ends: bytes read, -1, -2 (too big). */
static ssize_t
read_some(struct api_ctx *c, char *buf, size_t len)
{
	size_t	have = 0;
	ssize_t	n;

	while (have < len) {
		n = request_body_read(c->req, buf + have, len - have);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

static int
bad_query(struct api_ctx *c, const char *field, const char *msg)
{
	response_error(c->resp, 400, "bad_request", msg, field);
	return -1;
}

/* Check the query of an upload into d. 0, or -1 having answered 400. */
static int
upload_query(struct api_ctx *c, const struct config_org *org,
    struct document *d, int *rank)
{
	const char	*kind, *cls, *name, *lang;

	if (api_query(c, "kind", 24, &kind) == -1 ||
	    api_query(c, "classification", 64, &cls) == -1 ||
	    api_query(c, "filename", 1024, &name) == -1 ||
	    api_query(c, "language", 3, &lang) == -1)
		return -1;
	if (kind == NULL || !document_kind_valid(kind))
		return bad_query(c, "kind", "kind must be one of passport, "
		    "birth_certificate, crnc, translation, credit_report, "
		    "interview_record, other");
	if (cls == NULL || (*rank = config_marking_rank(org, cls)) == -1)
		return bad_query(c, "classification", "classification must be "
		    "one of the organization's markings");
	if (name == NULL || document_filename_clean(name, d->filename,
	    sizeof(d->filename)) == -1)
		return bad_query(c, "filename", "filename is required: UTF-8, "
		    "1 to 255 bytes once directories and control characters "
		    "are taken out");
	if (lang != NULL && (strlen(lang) < 2 || strspn(lang,
	    "abcdefghijklmnopqrstuvwxyz") != strlen(lang)))
		return bad_query(c, "language", "language is an ISO 639 code "
		    "of 2 or 3 lower-case letters");
	snprintf(d->kind, sizeof(d->kind), "%s", kind);
	snprintf(d->classification, sizeof(d->classification), "%s", cls);
	snprintf(d->language, sizeof(d->language), "%s", lang ? lang : "");
	return 0;
}

/* The type check on the first bytes: 0, or -1 having answered 415. */
static int
upload_type(struct api_ctx *c, const char *claimed, const char *buf,
    size_t n, struct document *d)
{
	const char	*det;
	char		 msg[200];

	det = n == 0 ? "application/x-empty" : magic_buffer(magic, buf, n);
	det = document_type_normal(det);
	if (!type_allowed(c, det)) {
		snprintf(msg, sizeof(msg), "the file is %.80s, which is not "
		    "accepted", det);
		response_error(c->resp, 415, "unsupported_type",
		    util_pool_strdup(c->req->pool, msg), NULL);
		return -1;
	}
	if (strcmp(det, claimed) != 0) {
		snprintf(msg, sizeof(msg), "the file is %.80s, not the %.80s "
		    "claimed", det, claimed);
		response_error(c->resp, 415, "type_mismatch",
		    util_pool_strdup(c->req->pool, msg), NULL);
		return -1;
	}
	snprintf(d->content_type, sizeof(d->content_type), "%s", det);
	return 0;
}

/*
 * Stream the body through SHA-256 into a new ciphertext file; the first n
 * bytes are already in buf. 0 with the file in place and d's size, hash
 * and vault id set, or -1 having answered (and left nothing behind).
 */
static int
upload_stream(struct api_ctx *c, char *buf, size_t bufsz, ssize_t n,
    const unsigned char key[VAULT_KEYBYTES], struct document *d)
{
	struct vault_writer	*w;
	EVP_MD_CTX		*md;
	unsigned char		 dig[EVP_MAX_MD_SIZE];
	unsigned int		 dlen;
	char			 err[256];
	int			 rc = -1;

	vault_new_id(d->vault_id);
	if ((w = vault_writer_new(c->cfg->doc_dir, d->vault_id, key, err,
	    sizeof(err))) == NULL)
		return unavailable(c, err);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		fatalx("EVP_DigestInit_ex");
	d->size = 0;
	while (n > 0) {
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			fatalx("EVP_DigestUpdate");
		if (vault_writer_push(w, buf, (size_t)n) == -1) {
			vault_writer_abort(w);
			(void)unavailable(c, "cannot write a document");
			goto out;
		}
		d->size += n;
		n = request_body_read(c->req, buf, bufsz);
	}
	if (n < 0) {
		vault_writer_abort(w);
		body_failed(c, n);
		goto out;
	}
	if (vault_writer_finish(w) == -1) {
		(void)unavailable(c, "cannot finish a document");
		goto out;
	}
	if (EVP_DigestFinal_ex(md, dig, &dlen) != 1 || dlen != 32)
		fatalx("EVP_DigestFinal_ex");
	sodium_bin2hex(d->sha256, sizeof(d->sha256), dig, dlen);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/* In the upload's transaction: the row, the case's history, the audit. */
static int
upload_commit(struct api_ctx *c, const struct api_doc_owner *o,
    struct document *d)
{
	struct audit_event	 ev;
	json_t			*detail;
	char			 target[32];
	int			 rc = -1;

	if (store_begin(c->store) == -1)
		return -1;
	if (document_insert(c->store, d, &d->id) != DOC_OK)
		goto out;
	snprintf(target, sizeof(target), "document:%lld", d->id);
	detail = json_pack("{s:I, s:s, s:s, s:s, s:I}", "document",
	    (json_int_t)d->id, "kind", d->kind, "marking", d->classification,
	    "owner", o->target, "size", (json_int_t)d->size);
	api_audit_event(c, &ev, "document.upload", target, detail);
	if ((o->kind[0] != 'c' || case_event(c->store, o->id, c->actor,
	    "document_added", detail) == CASE_OK) &&
	    audit_append(c->store, &ev) == 0 && store_commit(c->store) == 0)
		rc = 0;
	json_decref(detail);
out:
	if (rc == -1)
		store_rollback(c->store);
	return rc;
}

void
api_documents_upload(struct api_ctx *c)
{
	const struct config_org	*org;
	struct api_doc_owner		 o;
	struct document		 d;
	const char		*claimed;
	unsigned char		 key[VAULT_KEYBYTES];
	char			*buf = NULL;
	ssize_t			 n;
	int			 rank = -1;
	json_t			*meta;

	memset(&d, 0, sizeof(d));
	if ((org = api_documents_org(c)) == NULL || upload_query(c, org, &d, &rank) ==
	    -1 || route_owner(c, &o) == -1 || api_documents_allow(c,
	    ACT_DOC_UPLOAD, org,
	    &o, NULL, rank, o.target) == -1)
		return;
	if ((claimed = claimed_type(c)) == NULL || !type_allowed(c, claimed)) {
		response_error(c->resp, 415, "unsupported_type", "Content-Type "
		    "must name one of the accepted types", NULL);
		return;
	}
	if (c->req->content_length > c->cfg->doc_max_size) {
		body_failed(c, -2);
		return;
	}
	if (docs_ready(c) == -1)
		return;
	c->req->max_body = c->cfg->doc_max_size;
	buf = xmalloc(SNIFF);
	if ((n = read_some(c, buf, SNIFF)) < 0) {
		body_failed(c, n);
		goto out;
	}
	if (upload_type(c, claimed, buf, (size_t)n, &d) == -1)
		goto out;
	d.org_id = c->who.org_id;
	snprintf(d.owner_kind, sizeof(d.owner_kind), "%s", o.kind);
	d.owner_id = o.id;
	snprintf(d.uploaded_by, sizeof(d.uploaded_by), "%s",
	    c->who.username ? c->who.username : c->actor);
	vault_new_key(key);
	if (upload_stream(c, buf, SNIFF, n, key, &d) == -1)
		goto out;
	if (vault_wrap(vault, d.vault_id, key, &d.key_version, d.wrapped) ==
	    -1 || upload_commit(c, &o, &d) == -1) {
		/* a commit whose sync failed is still committed: keep the file
		 * of a row that exists (tick sweeps the others anyway) */
		if (store_run(c->store, NULL, 0, "SELECT 1 FROM documents WHERE"
		    " vault_id = ?", "s", d.vault_id) == SQLITE_DONE)
			(void)vault_remove(c->cfg->doc_dir, d.vault_id);
		api_unavailable(c);
		goto out;
	}
	log_info("event=document_stored document=%lld bytes=%lld", d.id,
	    d.size);
	meta = api_documents_shown(c, org, &o, &d);
	response_json(c->resp, 201, json_pack("{s:o?}", "document", meta));
out:
	sodium_memzero(key, sizeof(key));
	if (buf != NULL)
		sodium_memzero(buf, SNIFF);	/* it held plaintext */
	free(buf);
}

/* --- reading -------------------------------------------------------------- */

/*
 * Load document {id} of the caller's organization and its owner. 0, or -1
 * having answered 404 / 503. target gets "document:<id>".
 */
int
api_documents_load(struct api_ctx *c, const char *param, struct document *d,
    struct api_doc_owner *o, char *target, size_t tlen)
{
	long long	id;
	int		rc;

	if (util_parse_ll(request_param(c->req, param), 1, (long long)1 << 53,
	    &id) == -1) {
		response_error(c->resp, 404, "not_found", "no such document",
		    NULL);
		return -1;
	}
	switch (document_get(c->store, c->who.org_id, id, d)) {
	case DOC_OK:
		break;
	case DOC_NOT_FOUND:
		response_error(c->resp, 404, "not_found", "no such document",
		    NULL);
		return -1;
	default:
		api_unavailable(c);
		return -1;
	}
	snprintf(target, tlen, "document:%lld", id);
	if ((rc = owner_load(c, d->owner_kind, d->owner_id, o)) == -1) {
		api_unavailable(c);
		return -1;
	}
	return 0;
}

void
api_documents_hide(const struct api_doc_owner *o, json_t *obj,
    const char *key)
{
	const char	*v = json_string_value(json_object_get(obj, key));

	if (v != NULL && o->hidden[0] && (strcmp(v, o->hidden) == 0 ||
	    (strncmp(v, "user:", 5) == 0 && strcmp(v + 5, o->hidden) == 0)))
		json_object_set_new(obj, key, json_null());
}

json_t *
api_documents_shown(struct api_ctx *c, const struct config_org *org,
    const struct api_doc_owner *o, const struct document *d)
{
	json_t	*m = document_meta(c->store, d->id,
	    api_documents_two_person(org, d));

	if (m != NULL && o->hidden[0]) {
		if (strcmp(d->uploaded_by, o->hidden) == 0)
			json_object_set_new(m, "uploaded_by", json_null());
		api_documents_hide(o, json_object_get(m, "verification"),
		    "by");
		api_documents_hide(o, json_object_get(m, "shredded"), "by");
	}
	return m;
}

json_t *
api_documents_detail(const struct document *d)
{
	return json_pack("{s:I, s:s}", "document", (json_int_t)d->id, "marking",
	    d->classification);
}

void
api_documents_meta(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d;
	struct api_doc_owner		 o;
	char			 target[32];
	json_t			*detail, *meta;

	if ((org = api_documents_org(c)) == NULL || api_documents_load(c,
	    "id", &d, &o, target, sizeof(target)) == -1 ||
	    api_documents_allow(c, ACT_DOC_READ, org, &o, &d, 0,
	    target) == -1)
		return;
	detail = api_documents_detail(&d);
	if (api_audit(c, "document.meta", target, detail) == -1 ||
	    (meta = api_documents_shown(c, org, &o, &d)) ==
	    NULL) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	json_decref(detail);
	response_json(c->resp, 200, json_pack("{s:o}", "document", meta));
}

void
api_documents_list(struct api_ctx *c)
{
	const struct config_org	*org;
	struct api_doc_owner		 o;
	struct document		 d;
	json_t			*ids, *v, *out, *meta;
	size_t			 i;

	if ((org = api_documents_org(c)) == NULL || route_owner(c, &o) == -1)
		return;
	if (api_audit(c, "document.list", o.target, NULL) == -1) {
		api_unavailable(c);
		return;
	}
	ids = document_ids(c->store, c->who.org_id, o.kind, o.id);
	out = json_array();
	json_array_foreach(ids, i, v) {
		if (document_get(c->store, c->who.org_id, json_integer_value(v),
		    &d) != DOC_OK || !doc_visible(c, org, &o, &d))
			continue;
		if ((meta = api_documents_shown(c, org, &o, &d))
		    != NULL)
			json_array_append_new(out, meta);
	}
	json_decref(ids);
	response_json(c->resp, 200, json_pack("{s:o}", "documents", out));
}

/* What the download does once the file checked out: use the release and
 * record the read, then send the headers. */
struct dl {
	struct api_ctx		*c;
	const struct document	*d;
	long long		 release;
	const char		*target;
	int			 answered;
};

static int
dl_ready(void *arg)
{
	struct dl		*x = arg;
	struct api_ctx		*c = x->c;
	struct audit_event	 ev;
	json_t			*detail = api_documents_detail(x->d);
	char			 len[32], *disp;
	enum document_status	 st = DOC_OK;

	if (x->release > 0)
		json_object_set_new(detail, "release", json_integer(x->release));
	api_audit_event(c, &ev, "document.read", x->target, detail);
	if (x->release > 0) {
		if (store_begin(c->store) == -1)
			goto fail;
		if ((st = document_release_use(c->store, x->release)) !=
		    DOC_OK || audit_append(c->store, &ev) == -1 ||
		    store_commit(c->store) == -1) {
			store_rollback(c->store);
			goto fail;
		}
	} else if (audit_record(c->store, &ev) == -1)
		goto fail;
	json_decref(detail);
	snprintf(len, sizeof(len), "%lld", x->d->size);
	disp = document_disposition(x->d->filename);
	response_header(c->resp, "Content-Length", len);
	response_header(c->resp, "Content-Disposition", disp);
	free(disp);
	x->answered = 1;
	return response_begin(c->resp, 200, x->d->content_type);
fail:
	json_decref(detail);
	x->answered = 1;
	if (st == DOC_CONFLICT)
		response_error(c->resp, 403, "two_person_required", "the "
		    "release has been used or has expired", NULL);
	else
		api_unavailable(c);
	return -1;
}

static int
dl_sink(void *arg, const void *buf, size_t len)
{
	struct dl	*x = arg;

	return response_write(x->c->resp, buf, len);
}

/* The release ?release=R for this caller, approved, unused, unexpired:
 * its id, or 0 having answered 403. */
static long long
release_for(struct api_ctx *c, const struct document *d, const char *target)
{
	struct document_release	 r;
	const char		*q = request_query(c->req, "release");
	long long		 id;
	char			 now[32];

	util_now_iso(now, sizeof(now));
	if (q == NULL || util_parse_ll(q, 1, (long long)1 << 53, &id) == -1 ||
	    document_release_get(c->store, d->id, id, &r) != DOC_OK ||
	    strcmp(r.requested_by, c->actor) != 0 || r.approved_by[0] == '\0' ||
	    r.used || strcmp(r.expires_at, now) <= 0) {
		(void)api_refuse(c, 403, "two_person_required", "this document "
		    "is released only with a second person's approval: request "
		    "a release and have it approved", "no approved release",
		    target);
		return 0;
	}
	return id;
}

/*
 * Unwrap d's key. A rotation may have rewrapped it (and a retirement
 * dropped the version read) since the row was read: on failure the row is
 * read again and, when its version moved, tried once more. 0 or -1.
 */
static int
doc_unwrap(struct api_ctx *c, struct document *d,
    unsigned char key[VAULT_KEYBYTES])
{
	struct document	again;

	if (vault_unwrap(vault, d->vault_id, d->key_version, d->wrapped,
	    sizeof(d->wrapped), key) == 0)
		return 0;
	if (document_get(c->store, d->org_id, d->id, &again) != DOC_OK ||
	    again.shredded || again.key_version == d->key_version)
		return -1;
	d->key_version = again.key_version;
	memcpy(d->wrapped, again.wrapped, sizeof(d->wrapped));
	return vault_unwrap(vault, d->vault_id, d->key_version, d->wrapped,
	    sizeof(d->wrapped), key);
}

void
api_documents_get(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d;
	struct api_doc_owner		 o;
	struct dl		 x = { .c = c };
	unsigned char		 key[VAULT_KEYBYTES];
	char			 target[32];
	enum vault_status	 vs;
	json_t			*detail;

	if ((org = api_documents_org(c)) == NULL || api_documents_load(c,
	    "id", &d, &o, target, sizeof(target)) == -1 ||
	    api_documents_allow(c, ACT_DOC_READ, org, &o, &d, 0,
	    target) == -1)
		return;
	if (d.shredded) {
		response_error(c->resp, 410, "shredded", "the document was "
		    "destroyed", NULL);
		return;
	}
	if (api_documents_two_person(org, &d) && (x.release = release_for(c, &d,
	    target)) == 0)
		return;
	if (docs_ready(c) == -1)
		return;
	x.d = &d;
	x.target = target;
	if (doc_unwrap(c, &d, key) == -1)
		vs = VAULT_CORRUPT;
	else
		vs = vault_read(c->cfg->doc_dir, d.vault_id, key,
		    (unsigned long long)d.size, dl_ready, dl_sink, &x);
	sodium_memzero(key, sizeof(key));
	switch (vs) {
	case VAULT_OK:
		return;
	case VAULT_SINK:
		if (!x.answered)
			api_unavailable(c);
		/* else the client went away, or the read was refused */
		return;
	case VAULT_TORN:
		/* the headers are out: only a cut connection says so now */
		log_error("event=document_torn document=%lld", d.id);
		c->resp->failed = 1;
		return;
	default:
		break;
	}
	log_error("event=document_integrity document=%lld status=%d", d.id,
	    (int)vs);
	if (x.answered) {
		/* the headers are out: only a cut connection says so now */
		c->resp->failed = 1;
		return;
	}
	detail = api_documents_detail(&d);
	(void)api_audit(c, "document.integrity_failure", target, detail);
	json_decref(detail);
	response_error(c->resp, 500, "integrity", "the document failed its "
	    "integrity check and is not served", NULL);
}
