/*
 * api_document_changes: what is done to a stored document.
 *   POST /api/v1/documents/{id}/releases              {"reason"}
 *   POST /api/v1/documents/{id}/releases/{rid}/approval {}
 *   POST /api/v1/documents/{id}/verification          {"method", "note"?}
 *   POST /api/v1/documents/{id}/translation           {"translation_id"}
 *   POST /api/v1/documents/{id}/destruction           {"reason", "order"}
 * A release is the two-person rule of REGDOC appendix D: one authorised
 * person asks, another approves, the first downloads once within
 * RELEASE_HOURS. Verification records a certified copy (REGDOC 5.2.4);
 * a translation link is what clears a document in neither official
 * language (5.2). Destruction is crypto-shredding by the authority's
 * order. Each is a case event (for a case's document) and audited.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_documents.h"
#include "case.h"
#include "log.h"
#include "validate.h"
#include "vault.h"

#define RELEASE_HOURS	1	/* an approved release serves within this */

/* The body shapes. */
static const struct vfield release_body[] = {
	{ "reason", V_TEXT, V_REQUIRED, 1, 1000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};
static const struct vfield approval_body[] = {
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};
static const char *const method_values[] = { "original_seen",
    "trusted_third_party", "notarised", NULL };
static const struct vfield verify_body[] = {
	{ "method", V_ENUM, V_REQUIRED, 0, 0, method_values, NULL, 0, 0 },
	{ "note", V_TEXT, 0, 1, 1000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};
static const struct vfield link_body[] = {
	{ "translation_id", V_INT, V_REQUIRED, 1, (long long)1 << 53, NULL, NULL,
	    0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};
static const struct vfield destroy_body[] = {
	{ "reason", V_TEXT, V_REQUIRED, 1, 1000, NULL, NULL, 0, 0 },
	{ "order", V_TEXT, V_REQUIRED, 1, 200, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

/*
 * The common start of a change to document {id}: load it, check act,
 * refuse a shredded one, read the body against shape. 0 with *body, or
 * -1 having answered.
 */
static int
change_start(struct api_ctx *c, enum access_action act,
    const struct vfield *shape, const struct config_org **org,
    struct document *d, struct api_doc_owner *o, char *target, size_t tlen,
    json_t **body)
{
	if ((*org = api_documents_org(c)) == NULL || api_documents_load(c,
	    "id", d, o, target,
	    tlen) == -1 || api_documents_allow(c, act, *org, o, d, 0, target) == -1)
		return -1;
	if (d->shredded) {
		response_error(c->resp, 410, "shredded", "the document was "
		    "destroyed", NULL);
		return -1;
	}
	return (*body = api_body_shaped(c, shape)) == NULL ? -1 : 0;
}

/*
 * Commit a change: the audit event (action, detail borrowed) and, for a
 * case's document, a case event of type; run inside the transaction the
 * caller began. 0, or -1 having rolled back.
 */
static int
change_commit(struct api_ctx *c, const struct api_doc_owner *o,
    const char *target,
    const char *action, const char *type, json_t *detail)
{
	struct audit_event	ev;

	api_audit_event(c, &ev, action, target, detail);
	if ((o->kind[0] == 'c' && case_event(c->store, o->id, c->actor, type,
	    detail) != CASE_OK) || audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		return -1;
	}
	return 0;
}

static void
answer_meta(struct api_ctx *c, const struct config_org *org,
    const struct api_doc_owner *o, const struct document *d, int status)
{
	json_t	*meta = api_documents_shown(c, org, o, d);

	if (meta == NULL)
		api_unavailable(c);
	else
		response_json(c->resp, status, json_pack("{s:o}", "document",
		    meta));
}

/* The two people of a release are people: an API token is no one in
 * particular (one operator may hold two). 0, or -1 having refused. */
static int
person_only(struct api_ctx *c, const char *target)
{
	if (c->who.username != NULL)
		return 0;
	return api_refuse(c, 403, "forbidden", "a release is asked for and "
	    "approved by people signed in, not by API tokens",
	    "release by an API token", target);
}

void
api_document_changes_release(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d;
	struct api_doc_owner	 o;
	char			 target[32];
	json_t			*b, *detail, *r;
	long long		 id;

	if (change_start(c, ACT_DOC_RELEASE, release_body, &org, &d, &o,
	    target, sizeof(target), &b) == -1 || person_only(c, target) == -1)
		return;
	if (!api_documents_two_person(org, &d)) {
		response_error(c->resp, 409, "not_needed", "this document is "
		    "below the two-person marking: read it directly", NULL);
		return;
	}
	detail = api_documents_detail(&d);
	if (store_begin(c->store) == -1 || document_release_new(c->store, d.id,
	    c->actor, json_string_value(json_object_get(b, "reason")), &id) !=
	    DOC_OK) {
		store_rollback(c->store);
		goto fail;
	}
	json_object_set_new(detail, "release", json_integer(id));
	if (change_commit(c, &o, target, "document.release.request",
	    "document_release_requested", detail) == -1 ||
	    (r = document_release_json(c->store, id)) == NULL)
		goto fail;
	api_documents_hide(&o, r, "requested_by");
	json_decref(detail);
	response_json(c->resp, 201, json_pack("{s:o}", "release", r));
	return;
fail:
	json_decref(detail);
	api_unavailable(c);
}

void
api_document_changes_approve(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d;
	struct api_doc_owner	 o;
	struct document_release	 rel;
	char			 target[32];
	json_t			*b, *detail, *r;
	long long		 rid;
	enum document_status	 st;

	if (change_start(c, ACT_DOC_RELEASE, approval_body, &org, &d, &o,
	    target, sizeof(target), &b) == -1 || person_only(c, target) == -1)
		return;
	if (util_parse_ll(request_param(c->req, "rid"), 1, (long long)1 << 53,
	    &rid) == -1 || document_release_get(c->store, d.id, rid, &rel) !=
	    DOC_OK) {
		response_error(c->resp, 404, "not_found", "no such release",
		    NULL);
		return;
	}
	/* the two-person rule: the second person is another person */
	if (strcmp(rel.requested_by, c->actor) == 0) {
		(void)api_refuse(c, 403, "same_person", "a release is approved "
		    "by a second person, not by the one who asked",
		    "approving one's own release", target);
		return;
	}
	detail = api_documents_detail(&d);
	json_object_set_new(detail, "release", json_integer(rid));
	json_object_set_new(detail, "requested_by",
	    json_string(rel.requested_by));
	/* not the name of a reporter the approver may not know */
	api_documents_hide(&o, detail, "requested_by");
	if (store_begin(c->store) == -1) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	if ((st = document_release_approve(c->store, rid, c->actor,
	    RELEASE_HOURS)) != DOC_OK) {
		store_rollback(c->store);
		json_decref(detail);
		if (st == DOC_CONFLICT)
			response_error(c->resp, 409, "conflict", "the release "
			    "is not waiting for approval", NULL);
		else
			api_unavailable(c);
		return;
	}
	if (change_commit(c, &o, target, "document.release.approve",
	    "document_release_approved", detail) == -1 ||
	    (r = document_release_json(c->store, rid)) == NULL) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	json_decref(detail);
	api_documents_hide(&o, r, "requested_by");
	response_json(c->resp, 200, json_pack("{s:o}", "release", r));
}

void
api_document_changes_verify(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d;
	struct api_doc_owner	 o;
	char			 target[32];
	json_t			*b, *detail;
	const char		*method, *note;
	enum document_status	 st;

	if (change_start(c, ACT_DOC_VERIFY, verify_body, &org, &d, &o, target,
	    sizeof(target), &b) == -1)
		return;
	method = json_string_value(json_object_get(b, "method"));
	note = json_string_value(json_object_get(b, "note"));
	detail = api_documents_detail(&d);
	json_object_set_new(detail, "method", json_string(method));
	if (store_begin(c->store) == -1) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	if ((st = document_verify(c->store, d.id, method, note, c->actor)) !=
	    DOC_OK) {
		store_rollback(c->store);
		json_decref(detail);
		if (st == DOC_CONFLICT)
			response_error(c->resp, 409, "conflict", "the document's "
			    "verification is already recorded", NULL);
		else
			api_unavailable(c);
		return;
	}
	if (change_commit(c, &o, target, "document.verify",
	    "document_verified", detail) == -1) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	json_decref(detail);
	answer_meta(c, org, &o, &d, 200);
}

void
api_document_changes_translation(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d, t;
	struct api_doc_owner	 o;
	char			 target[32], ttarget[32];
	json_t			*b, *detail;
	long long		 tid;

	if (change_start(c, ACT_DOC_LINK, link_body, &org, &d, &o, target,
	    sizeof(target), &b) == -1)
		return;
	tid = json_integer_value(json_object_get(b, "translation_id"));
	if (tid == d.id || document_get(c->store, c->who.org_id, tid, &t) !=
	    DOC_OK || strcmp(t.owner_kind, d.owner_kind) != 0 ||
	    t.owner_id != d.owner_id || strcmp(t.kind, "translation") != 0 ||
	    t.shredded) {
		response_error(c->resp, 422, "invalid", "translation_id must be "
		    "another document of kind translation on the same file",
		    "translation_id");
		return;
	}
	/* a translation above the caller's ceiling is not theirs to link */
	snprintf(ttarget, sizeof(ttarget), "document:%lld", tid);
	if (api_documents_allow(c, ACT_DOC_LINK, org, &o, &t, 0, ttarget) ==
	    -1)
		return;
	detail = api_documents_detail(&d);
	json_object_set_new(detail, "translation", json_integer(tid));
	if (store_begin(c->store) == -1 || document_link(c->store, d.id, tid) !=
	    DOC_OK) {
		store_rollback(c->store);
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	if (change_commit(c, &o, target, "document.translation",
	    "document_translation_linked", detail) == -1) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	json_decref(detail);
	d.translation_id = tid;
	answer_meta(c, org, &o, &d, 200);
}

/* Is the file under a legal hold (its case, or the person)? 1, 0, -1. */
static int
held(struct api_ctx *c, const struct api_doc_owner *o)
{
	static const char sql[] = "SELECT 1 FROM legal_holds WHERE org_id = ?1"
	    " AND lifted_at IS NULL AND ((kind = 'case' AND target_id = ?2) OR"
	    " (kind = 'person' AND (target_id = ?3 OR target_id = (SELECT"
	    " person_id FROM cases WHERE id = ?2))))";

	switch (store_run(c->store, NULL, 0, sql, "iii", c->who.org_id,
	    o->case_id, o->person_id)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return -1;
	}
}

/*
 * Crypto-shredding by an authority's order: the wrapped key leaves the
 * database (secure_delete zeroes it in the file; the checkpoint empties
 * the WAL that still holds it) and the ciphertext file is removed. Without
 * the key a copy of the file never decrypts.
 */
void
api_document_changes_destroy(struct api_ctx *c)
{
	const struct config_org	*org;
	struct document		 d;
	struct api_doc_owner	 o;
	char			 target[32];
	json_t			*b, *detail;
	enum document_status	 st;
	char			 busy[16];
	int			 h;

	if (change_start(c, ACT_DOC_DESTROY, destroy_body, &org, &d, &o, target,
	    sizeof(target), &b) == -1)
		return;
	if ((h = held(c, &o)) != 0) {
		if (h == 1)
			response_error(c->resp, 409, "held", "the file is under "
			    "a legal hold: nothing of it is destroyed until the "
			    "hold is lifted", NULL);
		else
			api_unavailable(c);
		return;
	}
	detail = api_documents_detail(&d);
	json_object_set(detail, "reason", json_object_get(b, "reason"));
	json_object_set(detail, "order", json_object_get(b, "order"));
	if (store_begin(c->store) == -1) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	if ((st = document_shred(c->store, d.id, c->actor, json_string_value(
	    json_object_get(b, "reason")), json_string_value(json_object_get(b,
	    "order")))) != DOC_OK) {
		store_rollback(c->store);
		json_decref(detail);
		if (st == DOC_CONFLICT)
			response_error(c->resp, 410, "shredded", "the document "
			    "was destroyed", NULL);
		else
			api_unavailable(c);
		return;
	}
	if (change_commit(c, &o, target, "document.shred", "document_shredded",
	    detail) == -1) {
		json_decref(detail);
		api_unavailable(c);
		return;
	}
	json_decref(detail);
	/* a reader may hold the old frames: then the key stays in the WAL
	 * until a later checkpoint (tick's, or the next shred) */
	if (store_run(c->store, busy, sizeof(busy),
	    "PRAGMA wal_checkpoint(TRUNCATE)", "") != SQLITE_ROW ||
	    strcmp(busy, "0") != 0)
		log_warn("event=shred_checkpoint_busy document=%lld", d.id);
	if (vault_remove(c->cfg->doc_dir, d.vault_id) == -1)
		log_error("event=shred_unlink_failed document=%lld", d.id);
	log_info("event=document_shredded document=%lld", d.id);
	answer_meta(c, org, &o, &d, 200);
}
