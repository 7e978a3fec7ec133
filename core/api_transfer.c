/*
 * api_transfer: clearances between licensees (REGDOC-2.12.2 8.0; see
 * transfer.h), for the cso:
 *   POST /api/v1/clearances/{id}/transfer-package  {"to": peer}: the
 *        clearance's package, signed with the organization's key
 *   POST /api/v1/transfers  {"package", "signature", "self_declaration":
 *        {"no_change_in_criminal_history": true, "date"}}: verified against
 *        the sender's registered key (a package unsigned, tampered with or
 *        from an unknown sender is refused, and nothing is written); then a
 *        transfer_in case opens for the holder with each criterion's result
 */
#include "autoconf.h"

#include <string.h>

#include "api.h"
#include "org.h"
#include "case.h"
#include "holder.h"
#include "luahost.h"
#include "person.h"
#include "section.h"
#include "transfer.h"
#include "validate.h"

static const struct vfield export_body[] = {
	{ "to", V_STRING, V_REQUIRED, 1, 63, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_transfer_export(struct api_ctx *c)
{
	struct audit_event	 ev;
	struct access_object	 obj;
	struct holder_row	 h;
	json_t			*b, *out, *detail;
	long long		 id;
	const char		*to;
	char			 target[48], today[11], err[300];

	if (util_parse_ll(request_param(c->req, "id"), 1, (long long)1 << 53,
	    &id) == -1 || holder_get(c->store, c->who.org_id, id, &h) !=
	    HOLDER_OK) {
		response_error(c->resp, 404, "not_found", "no such clearance",
		    NULL);
		return;
	}
	snprintf(target, sizeof(target), "clearance:%lld", id);
	memset(&obj, 0, sizeof(obj));
	obj.org_id = h.org_id;
	if (api_allow(c, ACT_CLEARANCE_CHANGE, &obj, target) == -1 ||
	    (b = api_body_shaped(c, export_body)) == NULL)
		return;
	to = json_string_value(json_object_get(b, "to"));
	if (!org_slug_valid(to)) {
		response_error(c->resp, 400, "bad_request", "to is the receiving "
		    "organization's name (a slug)", "to");
		return;
	}
	api_today(c, today);
	if ((out = transfer_export(c->store, c->cfg->database, h.org_id,
	    c->org_slug, id, to, today, err, sizeof(err))) == NULL) {
		api_unavailable(c);
		return;
	}
	detail = json_pack("{s:s}", "to", to);
	api_audit_event(c, &ev, "clearance.transfer_exported", target, detail);
	if (store_begin(c->store) == -1 || holder_event(c->store, id,
	    c->actor, "transfer_exported", detail) == -1 ||
	    audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		json_decref(out);
		api_unavailable(c);
	} else
		response_json(c->resp, 200, out);
	json_decref(detail);
}

static const struct vfield declaration_fields[] = {
	{ "no_change_in_criminal_history", V_BOOL, V_REQUIRED, 0, 0, NULL,
	    NULL, 0, 0 },
	{ "date", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield import_body[] = {
	{ "package", V_ANY_OBJECT, V_REQUIRED, 0, 65536, NULL, NULL, 0, 0 },
	{ "signature", V_STRING, 0, 0, 256, NULL, NULL, 0, 0 },
	{ "self_declaration", V_OBJECT, 0, 0, 0, NULL, declaration_fields, 0,
	    0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_transfer_import(struct api_ctx *c)
{
	struct audit_event	 ev;
	struct vresult		 vr = { .n = 0 };
	struct policy		*p;
	json_t			*b, *pkg, *holder, *decl, *criteria = NULL;
	json_t			*settings = NULL, *section = NULL, *detail = NULL;
	json_t			*wf = NULL;
	const char		*level, *from, *initial;
	long long		 person, kase, window, ver;
	char			 target[48], today[11];
	int			 all;

	if (api_allow(c, ACT_CLEARANCE_CHANGE, NULL, "transfers") == -1 ||
	    (b = api_body_shaped(c, import_body)) == NULL)
		return;
	switch (transfer_verify(c->store, c->who.org_id, b, &pkg)) {
	case TRANSFER_OK:
		break;
	case TRANSFER_UNSIGNED:
		response_error(c->resp, 422, "unsigned_package", "the package "
		    "is not signed", "signature");
		return;
	case TRANSFER_UNKNOWN_SENDER:
		response_error(c->resp, 422, "unknown_sender", "no public key "
		    "is registered for the sending organization",
		    "package.from");
		return;
	case TRANSFER_BAD_SIGNATURE:
		response_error(c->resp, 422, "bad_signature", "the signature "
		    "does not match the package: it was altered, or signed by "
		    "another key", "signature");
		return;
	case TRANSFER_MALFORMED:
		response_error(c->resp, 400, "bad_request", "the package is not "
		    "a transfer package", "package");
		return;
	default:
		api_unavailable(c);
		return;
	}
	holder = json_object_get(pkg, "holder");
	level = json_string_value(json_object_get(json_object_get(pkg,
	    "clearance"), "level"));
	from = json_string_value(json_object_get(pkg, "from"));
	if (!json_is_object(holder) || level == NULL ||
	    validate_object(holder, section_person_fields, 0, "package.holder",
	    &vr) == -1) {
		if (vr.n > 0)
			api_shape_error(c, &vr);
		else
			response_error(c->resp, 400, "bad_request", "the package "
			    "names no holder or level", "package");
		return;
	}
	if ((p = api_case_policy(c, NULL)) == NULL)
		return;
	settings = luahost_table(p, "settings");
	if (!api_level_known(settings, level)) {
		response_error(c->resp, 422, "unknown_level", "the organization's "
		    "policy has no such clearance level", "package.clearance.level");
		goto out;
	}
	window = json_is_integer(json_object_get(settings,
	    "transfer_window_days")) ? json_integer_value(json_object_get(
	    settings, "transfer_window_days")) : 90;
	api_today(c, today);
	decl = json_object_get(b, "self_declaration");
	criteria = transfer_criteria(pkg, decl, today, window, &all);
	section = json_pack("{s:O, s:O, s:O?, s:O, s:b, s:s}", "package", pkg,
	    "signature", json_object_get(b, "signature"), "self_declaration",
	    decl, "criteria", criteria, "accepted", all, "checked_on", today);
	detail = json_pack("{s:s, s:s, s:b}", "kind", "transfer_in", "from",
	    from, "accepted", all);
	wf = luahost_table(p, "workflow");
	if ((initial = json_string_value(json_object_get(wf, "initial"))) ==
	    NULL) {
		response_error(c->resp, 503, "policy_unavailable",
		    "the policy declares no workflow", NULL);
		goto out;
	}
	if (store_begin(c->store) == -1 || person_create(c->store,
	    c->who.org_id, holder, NULL, &person) != PERSON_OK ||
	    case_open(c->store, c->who.org_id, person, 0, "transfer_in", level,
	    initial, c->actor, &kase) != CASE_OK ||
	    case_section_put(c->store, kase, "transfer", section, 0, c->actor,
	    &ver) != CASE_OK || case_event(c->store, kase, c->actor, "opened",
	    detail) != CASE_OK)
		goto fail;
	snprintf(target, sizeof(target), "case:%lld", kase);
	api_audit_event(c, &ev, "case.open", target, detail);
	if (audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1)
		goto fail;
	response_json(c->resp, 201, json_pack("{s:{s:I, s:I}, s:b, s:O}",
	    "case", "id", (json_int_t)kase, "person_id", (json_int_t)person,
	    "accepted", all, "criteria", criteria));
	goto out;
fail:
	store_rollback(c->store);
	api_unavailable(c);
out:
	json_decref(wf);
	json_decref(settings);
	json_decref(section);
	json_decref(detail);
	json_decref(criteria);
}
