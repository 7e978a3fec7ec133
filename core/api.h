/*
 * api: the HTTP API's route table and dispatch. A handler gets an api_ctx
 * with the parsed request, the response to write and the worker's
 * resources; it parses its input, checks access, calls the domain function
 * and writes JSON. Handlers live in api_<area>.c.
 */
#ifndef VETD_API_H
#define VETD_API_H

#include <stddef.h>

#include <jansson.h>

#include "access.h"
#include "auth.h"
#include "config.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "audit.h"
#include "policy.h"
#include "session.h"
#include "store.h"

struct vfield;

/* Route flags. */
#define ROUTE_AUTH	0x1	/* needs a signed-in user or an API token */
#define ROUTE_SNAPSHOT	0x2	/* reads only: one read snapshot (store.h) */

struct api_ctx {
	struct request		*req;
	struct response		*resp;
	struct store		*store;
	const struct config	*cfg;
	struct auth		*auth;
	struct policy_registry	*policies;
	long long		 now;		/* unix seconds, for this request */
	size_t			 route;		/* index, api_nroutes: none */

	/* Set by api_authenticate(). */
	int			 signed_in;
	int			 via_cookie;
	struct principal	 who;
	struct session		 sess;
	char			 org_slug[64];
	char			 actor[300];
};

extern const struct route	api_routes[];
extern const size_t		api_nroutes;

/* Parse the request, find its route and run it. Always answers. */
void	api_dispatch(struct api_ctx *);

/*
 * Read the body as a JSON object. On any problem the error response is sent
 * and NULL is returned; the object belongs to the request.
 */
json_t	*api_body_object(struct api_ctx *);
/* api_body_object, then checked against fields (validate.h): NULL having
 * answered 400 with the field errors. The body belongs to the request. */
json_t	*api_body_shaped(struct api_ctx *, const struct vfield *fields);
/* Is level one of the clearance levels in the policy's settings? */
int	api_level_known(json_t *settings, const char *level);

/*
 * Take a string member of obj: required or not, length in bytes within
 * [min, max], no control characters other than tab when text is set.
 * Returns 0 with *out (NULL when absent and optional), or -1 having sent a
 * 400 naming the field.
 */
int	api_string(struct api_ctx *, json_t *obj, const char *key, int required,
	    size_t min, size_t max, const char **out);

/*
 * Find who is calling: a Bearer token, or the session cookie (checked for
 * expiry, refreshed against the directory when due, and for state changes
 * CSRF-checked). Returns 0 with c->who set, or -1 having answered 401/403.
 */
int	api_authenticate(struct api_ctx *);

/*
 * The access check with its consequences: 0 when allowed; otherwise the
 * refusal is audited and answered (403, or 404 for another organization's
 * object) and -1 returned. target names the object for the audit trail.
 */
int	api_allow(struct api_ctx *, enum access_action,
	    const struct access_object *, const char *target);

/* Audit a refusal (access.denied, with reason) and answer it with status,
 * code and message. Always -1. */
int	api_refuse(struct api_ctx *, int status, const char *code,
	    const char *message, const char *reason, const char *target);

/* Audit an event by the caller in its own transaction (reads, refusals).
 * detail is borrowed. 0 or -1. */
int	api_audit(struct api_ctx *, const char *action, const char *target,
	    json_t *detail);
/* The audit event for the caller, to append inside a transaction. */
void	api_audit_event(struct api_ctx *, struct audit_event *,
	    const char *action, const char *target, json_t *detail);

/* A sign-in with an Origin header must come from our own origin. */
int	api_sign_in_origin_ok(struct api_ctx *);

/* Name of the session cookie (depends on session.insecure_cookie). */
const char *api_cookie_name(const struct api_ctx *);
/* JSON array of role names for a role bit set. */
json_t	*api_roles_json(unsigned roles);

struct case_row;
struct vresult;

/* Today (UTC) of the request, YYYY-MM-DD. */
void	api_today(struct api_ctx *, char out[11]);
/* 503: the database did not answer. */
void	api_unavailable(struct api_ctx *);
/* Query parameter key: absent (*out NULL), or 1..max bytes; else 400
 * naming it. 0 or -1 having answered. */
int	api_query(struct api_ctx *, const char *key, size_t max,
	    const char **out);
/* 400 for input of the wrong shape: the first problem, and all of them. */
void	api_shape_error(struct api_ctx *, const struct vresult *);
/* Load case {id} with read access checked; the caller's roles on it. */
int	api_case_load(struct api_ctx *, struct case_row *, unsigned *roles,
	    char *target, size_t tlen);
/* The active policy for the case's site (or the organization's). */
struct policy *api_case_policy(struct api_ctx *, const char *site);

/* api_holder.c: a clearance after the decision */
void	api_holder_restrictions(struct api_ctx *);
void	api_holder_suspension(struct api_ctx *);
void	api_holder_reinstatement(struct api_ctx *);
void	api_holder_revocation(struct api_ctx *);
void	api_holder_termination(struct api_ctx *);
void	api_holder_events(struct api_ctx *);

/* api_holds.c: legal holds */
void	api_holds_list(struct api_ctx *);
void	api_holds_place(struct api_ctx *);
void	api_holds_lift(struct api_ctx *);

/* api_reports.c: reports to the regulator */
void	api_reports_list(struct api_ctx *);
void	api_reports_get(struct api_ctx *);
void	api_reports_sent(struct api_ctx *);

/* api_transfer.c: clearances between licensees */
void	api_transfer_export(struct api_ctx *);
void	api_transfer_import(struct api_ctx *);

/* api_appeals.c: appeals */
void	api_appeals_lodge(struct api_ctx *);
void	api_appeals_list(struct api_ctx *);
void	api_appeals_get(struct api_ctx *);
void	api_appeals_panel(struct api_ctx *);
void	api_appeals_request(struct api_ctx *);
void	api_appeals_submission(struct api_ctx *);
void	api_appeals_decide(struct api_ctx *);

/* api_documents.c: the encrypted vault */
void	api_documents_upload(struct api_ctx *);
void	api_documents_list(struct api_ctx *);
void	api_documents_get(struct api_ctx *);
void	api_documents_meta(struct api_ctx *);
/* api_document_changes.c */
void	api_document_changes_release(struct api_ctx *);
void	api_document_changes_approve(struct api_ctx *);
void	api_document_changes_verify(struct api_ctx *);
void	api_document_changes_translation(struct api_ctx *);
void	api_document_changes_destroy(struct api_ctx *);

/* api_incidents.c, api_incident_steps.c: incidents and self-reports */
struct incident;
struct access_incident;
/* The incident {id} with the caller's view of it checked for act: 0 with
 * inc (incident_clear() it) and ai, or -1 having answered. target gets
 * "incident:<id>". */
int	api_incidents_load(struct api_ctx *, enum access_action,
	    struct incident *inc, struct access_incident *ai, char *target,
	    size_t tlen);
/* Open a review_for_cause case for clearance cl because of incident, as
 * actor ("policy" for the triage), with status (NULL: none; applied only
 * to a clearance active or restricted) for the holder, and the holder's
 * factors (reference 002; borrowed, may be NULL) in its opening event. In
 * the caller's transaction: the case's id, 0 when the clearance is no
 * longer in force, or -1. */
long long api_incidents_review(struct api_ctx *, const char *actor,
	    long long cl, long long incident, const char *status,
	    const char *reason, json_t *factors);
void	api_incidents_file(struct api_ctx *);
void	api_incidents_list(struct api_ctx *);
void	api_incidents_get(struct api_ctx *);
void	api_incident_steps_transitions(struct api_ctx *);
void	api_incident_steps_transition(struct api_ctx *);
void	api_incident_steps_inquiry(struct api_ctx *);
void	api_incident_steps_measures(struct api_ctx *);
void	api_incident_steps_report(struct api_ctx *);
void	api_incident_steps_report_sent(struct api_ctx *);
void	api_incident_steps_link(struct api_ctx *);

/* api_stats.c */
void	api_stats_timeliness(struct api_ctx *);
/*
 * Take transition name: declared from the case's state, open to one of
 * roles, not while the file is held (but for settings.while_held), guard
 * passed; then the state changes, on_event(event_type or a name derived
 * from the transition, event_data) is asked what follows and its actions
 * carried out, and extra() makes the caller's writes, all in one
 * transaction. event_data (may be NULL) is taken over: freed here; it goes
 * to the policy's event and to the case's history. 0, or -1 having
 * answered.
 */
int	api_case_run_transition(struct api_ctx *, struct case_row *,
	    unsigned roles, const char *name, const char *event_type,
	    json_t *event_data,
	    int (*extra)(struct api_ctx *, struct case_row *, void *),
	    void *arg, json_t **actions_out);
int	api_case_run_event(struct api_ctx *, struct case_row *,
	    const char *type, json_t *data, const char *action,
	    int (*extra)(struct api_ctx *, struct case_row *, void *),
	    void *arg, json_t **actions_out);
void	api_case_answer(struct api_ctx *, long long id, json_t *actions,
	    int status);

/*
 * A username in canonical form: no white space at either end or twice in
 * a row, ASCII upper case folded to lower (directories compare usernames
 * that way). Returns a pool copy, or NULL having answered 400 for field.
 */
const char *api_username(struct api_ctx *, const char *u, const char *field);

/* Handlers. */
void	api_health(struct api_ctx *);
void	api_metrics(struct api_ctx *);
void	api_session_create(struct api_ctx *);
void	api_session_delete(struct api_ctx *);
void	api_me(struct api_ctx *);
void	api_audit_list(struct api_ctx *);
void	api_policy_get(struct api_ctx *);
void	api_policy_guidelines(struct api_ctx *);
void	api_person_create(struct api_ctx *);
void	api_person_get(struct api_ctx *);
void	api_case_open(struct api_ctx *);
void	api_case_list(struct api_ctx *);
void	api_case_get(struct api_ctx *);
void	api_case_events(struct api_ctx *);
void	api_case_section_put(struct api_ctx *);
void	api_case_requirements(struct api_ctx *);
void	api_case_transitions(struct api_ctx *);
void	api_case_transition(struct api_ctx *);
void	api_case_assign(struct api_ctx *);
void	api_case_notice(struct api_ctx *);
void	api_case_interview(struct api_ctx *);
void	api_case_worksheet(struct api_ctx *);
void	api_case_recommend(struct api_ctx *);
void	api_case_concerns(struct api_ctx *);
void	api_case_response(struct api_ctx *);
void	api_case_decide(struct api_ctx *);
void	api_case_briefing(struct api_ctx *);
void	api_clearance_list(struct api_ctx *);
void	api_clearance_get(struct api_ctx *);
void	api_policy_evaluate(struct api_ctx *);

#endif
