/*
 * api_holder: a clearance after the decision (REGDOC-2.12.2 5.4-10), under
 * /api/v1/clearances/{id}:
 *   PUT  .../restrictions   the cso sets the restrictions (5.4.2), each
 *                           with a review date and who reviews it
 *   POST .../suspension     the cso puts the holder on alternative work or
 *                           suspends the clearance, with the reason; a
 *                           review_for_cause case opens (5.4.3)
 *   POST .../reinstatement  the cso reinstates it once that case was
 *                           decided with a grant
 *   POST .../revocation     the authority revokes it, with the reason and
 *                           its grounds (5.5; a refused interview is one)
 *   POST .../termination    the cso closes it on departure, with the
 *                           debriefing, or why none could be held (10.0)
 *   GET  .../events         its history
 * Each change is checked here against the clearance's status, recorded in
 * its history, audited and (for the holder and the cso) notified, in one
 * transaction; a refusal is a 409 with the reason.
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"
#include "case.h"
#include "clearance.h"
#include "holder.h"
#include "luahost.h"
#include "outbox.h"
#include "report.h"
#include "validate.h"

/* Clearance {id} of the caller's organization, for act. 0, or -1 having
 * answered (404 also for another organization's). */
static int
load(struct api_ctx *c, enum access_action act, struct holder_row *h,
    char *target, size_t tlen)
{
	struct access_object	obj;
	long long		id;

	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1) {
		response_error(c->resp, 404, "not_found", "no such clearance",
		    NULL);
		return -1;
	}
	switch (holder_get(c->store, c->who.org_id, id, h)) {
	case HOLDER_OK:
		break;
	case HOLDER_NOT_FOUND:
		response_error(c->resp, 404, "not_found", "no such clearance",
		    NULL);
		return -1;
	default:
		api_unavailable(c);
		return -1;
	}
	snprintf(target, tlen, "clearance:%lld", id);
	memset(&obj, 0, sizeof(obj));
	obj.org_id = h->org_id;
	return api_allow(c, act, &obj, target);
}

static void
refused(struct api_ctx *c, const char *msg)
{
	response_error(c->resp, 409, "refused", msg, NULL);
}

/*
 * Record the change: history row, audit row and the notifications, then
 * commit and answer with the clearance. Inside the transaction the caller
 * began; on failure it is rolled back and 503 answered.
 */
static void
finish(struct api_ctx *c, struct holder_row *h, const char *target,
    const char *type, json_t *detail, const char *notice_kind,
    const char *subject)
{
	struct audit_event	 ev;
	char			 action[48], dedup[80], body[300];
	long long		 event;

	snprintf(action, sizeof(action), "clearance.%s", type);
	api_audit_event(c, &ev, action, target, detail);
	if (holder_event(c->store, h->id, c->actor, type, detail) == -1)
		goto fail;
	event = (long long)sqlite3_last_insert_rowid(store_db(c->store));
	if (audit_append(c->store, &ev) == -1)
		goto fail;
	if (notice_kind != NULL) {
		snprintf(body, sizeof(body), "%s (clearance %lld).", subject,
		    h->id);
		snprintf(dedup, sizeof(dedup), "clearance-event:%lld:cso",
		    event);
		if (outbox_add(c->store, h->org_id, notice_kind, "role:cso",
		    subject, body, dedup) == OUTBOX_ERROR)
			goto fail;
		snprintf(dedup, sizeof(dedup), "clearance-event:%lld:holder",
		    event);
		if (h->holder[0] != '\0' && outbox_add(c->store, h->org_id,
		    notice_kind, h->holder, subject, body, dedup) ==
		    OUTBOX_ERROR)
			goto fail;
	}
	if (store_commit(c->store) == -1)
		goto fail;
	response_json(c->resp, 200, json_pack("{s:o}", "clearance",
	    clearance_get(c->store, h->org_id, h->id)));
	return;
fail:
	store_rollback(c->store);
	api_unavailable(c);
}

/* --- restrictions (5.4.2) -------------------------------------------------- */

static const char *const restriction_types[] = { "hours", "areas",
	"no_prescribed_information", "standalone_computer", "escort", "other",
	NULL };

static const struct vfield restriction_fields[] = {
	{ "type", V_ENUM, V_REQUIRED, 0, 0, restriction_types, NULL, 0, 0 },
	{ "detail", V_TEXT, V_REQUIRED, 1, 2000, NULL, NULL, 0, 0 },
	{ "review_date", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "reviewer", V_STRING, 0, 1, 256, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield restrictions_body[] = {
	{ "restrictions", V_LIST, V_REQUIRED, 0, 20, NULL, restriction_fields,
	    V_OBJECT, 0 },
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_holder_restrictions(struct api_ctx *c)
{
	struct holder_row	 h;
	json_t			*b, *list, *r, *old, *detail;
	const char		*status;
	char			 target[48], today[11];
	size_t			 i;

	if (load(c, ACT_CLEARANCE_CHANGE, &h, target, sizeof(target)) == -1 ||
	    (b = api_body_shaped(c, restrictions_body)) == NULL)
		return;
	if (!holder_live(h.status)) {
		refused(c, "the clearance is no longer in force");
		return;
	}
	list = json_object_get(b, "restrictions");
	api_today(c, today);
	json_array_foreach(list, i, r) {
		if (strcmp(json_string_value(json_object_get(r,
		    "review_date")), today) < 0) {
			response_error(c->resp, 422, "bad_date", "a review date "
			    "is today or later", util_pool_strdup(c->req->pool,
			    "restrictions[].review_date"));
			return;
		}
	}
	/* restricted or not follows the list, unless the holder is off
	 * normal duties */
	status = strcmp(h.status, "active") == 0 ||
	    strcmp(h.status, "restricted") == 0 ?
	    (json_array_size(list) > 0 ? "restricted" : "active") : h.status;
	old = clearance_get(c->store, h.org_id, h.id);
	detail = json_pack("{s:O, s:O, s:O, s:s}", "from",
	    json_object_get(old, "restrictions"), "to", list, "reason",
	    json_object_get(b, "reason"), "status", status);
	json_decref(old);
	if (store_begin(c->store) == -1 ||
	    holder_set(c->store, h.id, status, list) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		finish(c, &h, target, "restrictions_changed", detail,
		    "notice", "Clearance restrictions changed");
	json_decref(detail);
}

/* --- alternative work and suspension (5.4.3) ------------------------------- */

static const char *const suspension_statuses[] = { "alternative_work",
	"suspended", NULL };

static const struct vfield suspension_body[] = {
	{ "status", V_ENUM, V_REQUIRED, 0, 0, suspension_statuses, NULL, 0,
	    0 },
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_holder_suspension(struct api_ctx *c)
{
	struct holder_row	 h;
	struct policy		*p;
	json_t			*b, *wf, *detail = NULL;
	const char		*status, *initial;
	char			 target[48];
	long long		 review;

	if (load(c, ACT_CLEARANCE_CHANGE, &h, target, sizeof(target)) == -1 ||
	    (b = api_body_shaped(c, suspension_body)) == NULL)
		return;
	status = json_string_value(json_object_get(b, "status"));
	if (strcmp(h.status, "active") != 0 &&
	    strcmp(h.status, "restricted") != 0) {
		refused(c, holder_live(h.status) ? "the holder is already on "
		    "alternative work or suspended" : "the clearance is no "
		    "longer in force");
		return;
	}
	if ((p = api_case_policy(c, h.site)) == NULL)
		return;
	wf = luahost_table(p, "workflow");
	if ((initial = json_string_value(json_object_get(wf, "initial"))) ==
	    NULL) {
		json_decref(wf);
		response_error(c->resp, 503, "policy_unavailable",
		    "the policy declares no workflow", NULL);
		return;
	}
	if (store_begin(c->store) == -1 ||
	    case_open(c->store, h.org_id, h.person_id, h.site_id,
	    "review_for_cause", h.level, initial, c->actor, &review) !=
	    CASE_OK)
		goto fail;
	detail = json_pack("{s:s, s:O, s:s, s:I}", "from", h.status, "reason",
	    json_object_get(b, "reason"), "to", status, "review_case",
	    (json_int_t)review);
	if (case_event(c->store, review, c->actor, "opened", detail) !=
	    CASE_OK || holder_set(c->store, h.id, status, NULL) == -1)
		goto fail;
	finish(c, &h, target, status, detail, "hold",
	    strcmp(status, "suspended") == 0 ? "Clearance suspended" :
	    "Holder placed on alternative work");
	json_decref(detail);
	json_decref(wf);
	return;
fail:
	store_rollback(c->store);
	api_unavailable(c);
	json_decref(detail);
	json_decref(wf);
}

/* --- reinstatement --------------------------------------------------------- */

/* Does case_id record an interview the holder refused? */
static int
refused_interview(struct api_ctx *c, long long case_id)
{
	json_t		*list, *i;
	long long	 ver;
	size_t		 k;
	int		 refused = 0;

	list = case_section_get(c->store, case_id, "interviews", &ver);
	json_array_foreach(json_is_array(list) ? list : json_object_get(list,
	    "items"), k, i)
		if (json_is_string(json_object_get(i, "outcome")) &&
		    strcmp(json_string_value(json_object_get(i, "outcome")),
		    "refused") == 0)
			refused = 1;
	json_decref(list);
	return refused;
}

static const struct vfield reason_body[] = {
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_holder_reinstatement(struct api_ctx *c)
{
	struct holder_row	 h;
	json_t			*b, *decision, *detail;
	const char		*outcome;
	char			 target[48];
	long long		 review, ver;

	if (load(c, ACT_CLEARANCE_CHANGE, &h, target, sizeof(target)) == -1 ||
	    (b = api_body_shaped(c, reason_body)) == NULL)
		return;
	if (strcmp(h.status, "alternative_work") != 0 &&
	    strcmp(h.status, "suspended") != 0) {
		refused(c, "only a holder on alternative work or suspended is "
		    "reinstated");
		return;
	}
	review = holder_review_case(c->store, h.id);
	/* a holder who refused to be interviewed is not reinstated: the
	 * refusal calls for revocation (REGDOC 5.5) */
	if (review && refused_interview(c, review)) {
		refused(c, "the holder refused to be interviewed in the review: "
		    "the clearance is to be revoked, not reinstated");
		return;
	}
	decision = review ? case_section_get(c->store, review, "decision",
	    &ver) : NULL;
	outcome = json_string_value(json_object_get(decision, "outcome"));
	if (outcome == NULL || strncmp(outcome, "grant", 5) != 0) {
		json_decref(decision);
		refused(c, "reinstating needs the review_for_cause case decided "
		    "with a grant");
		return;
	}
	detail = json_pack("{s:s, s:I, s:s, s:O}", "from", h.status,
	    "review_case", (json_int_t)review, "outcome", outcome, "reason",
	    json_object_get(b, "reason"));
	json_decref(decision);
	if (store_begin(c->store) == -1 || holder_set(c->store, h.id,
	    h.restricted ? "restricted" : "active", NULL) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		finish(c, &h, target, "reinstated", detail, "decision",
		    "Clearance reinstated");
	json_decref(detail);
}

/* --- revocation (5.5) ------------------------------------------------------ */

static const char *const revocation_grounds[] = { "adverse_information",
	"refused_interview", "other", NULL };

static const struct vfield revocation_body[] = {
	{ "grounds", V_ENUM, V_REQUIRED, 0, 0, revocation_grounds, NULL, 0,
	    0 },
	{ "reason", V_TEXT, V_REQUIRED, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_holder_revocation(struct api_ctx *c)
{
	struct holder_row	 h;
	json_t			*b, *detail;
	char			 target[48];
	long long		 report;

	if (load(c, ACT_CLEARANCE_REVOKE, &h, target, sizeof(target)) == -1 ||
	    (b = api_body_shaped(c, revocation_body)) == NULL)
		return;
	if (!holder_live(h.status)) {
		refused(c, "the clearance is no longer in force");
		return;
	}
	detail = json_pack("{s:s, s:O, s:O}", "from", h.status, "grounds",
	    json_object_get(b, "grounds"), "reason",
	    json_object_get(b, "reason"));
	if (store_begin(c->store) == -1 ||
	    holder_set(c->store, h.id, "revoked", NULL) == -1 ||
	    report_draft_revocation(c->store, h.org_id, h.id, h.level,
	    json_string_value(json_object_get(b, "grounds")),
	    json_string_value(json_object_get(b, "reason")), c->actor,
	    &report) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		finish(c, &h, target, "revoked", detail, "decision",
		    "Clearance revoked");
	json_decref(detail);
}

/* --- termination (10.0) ---------------------------------------------------- */

static const struct vfield debriefing_fields[] = {
	{ "date", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "by", V_STRING, V_REQUIRED, 1, 256, NULL, NULL, 0, 0 },
	{ "acknowledged", V_BOOL, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield termination_body[] = {
	{ "debriefing", V_OBJECT, 0, 0, 0, NULL, debriefing_fields, 0, 0 },
	{ "could_not_debrief", V_TEXT, 0, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_holder_termination(struct api_ctx *c)
{
	struct holder_row	 h;
	json_t			*b, *deb, *why, *detail;
	char			 target[48], today[11];

	if (load(c, ACT_CLEARANCE_CHANGE, &h, target, sizeof(target)) == -1 ||
	    (b = api_body_shaped(c, termination_body)) == NULL)
		return;
	deb = json_object_get(b, "debriefing");
	why = json_object_get(b, "could_not_debrief");
	if ((deb == NULL) == (why == NULL)) {
		response_error(c->resp, 422, "debriefing_required", "give the "
		    "debriefing (date, by, acknowledged) or, when none could be "
		    "held, could_not_debrief with the reason", "debriefing");
		return;
	}
	api_today(c, today);
	if (deb != NULL && (!json_is_true(json_object_get(deb,
	    "acknowledged")) || strcmp(json_string_value(json_object_get(deb,
	    "date")), today) > 0)) {
		response_error(c->resp, 422, "debriefing_incomplete", "the "
		    "debriefing is held (not in the future) and acknowledged by "
		    "the holder; otherwise say why it could not be", json_is_true(
		    json_object_get(deb, "acknowledged")) ? "debriefing.date" :
		    "debriefing.acknowledged");
		return;
	}
	if (!holder_live(h.status)) {
		refused(c, "the clearance is no longer in force");
		return;
	}
	detail = json_pack("{s:s, s:O?, s:O?}", "from", h.status, "debriefing",
	    deb, "could_not_debrief", why);
	if (store_begin(c->store) == -1 ||
	    holder_set(c->store, h.id, "terminated", NULL) == -1) {
		store_rollback(c->store);
		api_unavailable(c);
	} else
		finish(c, &h, target, "terminated", detail, NULL, NULL);
	json_decref(detail);
}

/* --- history --------------------------------------------------------------- */

void
api_holder_events(struct api_ctx *c)
{
	struct holder_row	h;
	char			target[48];

	/* the register's readers; a holder, their own */
	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &h.id) == -1 || holder_get(c->store, c->who.org_id, h.id, &h) !=
	    HOLDER_OK || (!(c->who.roles & (ROLE_BIT(ROLE_CSO) |
	    ROLE_BIT(ROLE_AUTHORITY) | ROLE_BIT(ROLE_AUDITOR) |
	    ROLE_BIT(ROLE_SCREENING))) && (c->who.username == NULL ||
	    strcmp(c->who.username, h.holder) != 0))) {
		response_error(c->resp, 404, "not_found", "no such clearance",
		    NULL);
		return;
	}
	snprintf(target, sizeof(target), "clearance:%lld", h.id);
	if (api_audit(c, "clearance.events.read", target, NULL) == -1) {
		api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:o}", "events",
	    holder_events(c->store, h.id)));
}
