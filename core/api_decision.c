/*
 * api_decision: the work on a case from screening to the register:
 * agency notices (REGDOC 5.2.6), security interviews (5.3), the
 * adjudication worksheet and the policy's recommendation, procedural
 * fairness (the concerns put to the applicant and their answer), the
 * authority's decision (5.3.6, 5.4), the briefing acknowledgement (5.6)
 * and the clearance it issues.
 *
 * What must never bend is checked here in C: who may do each step, that
 * interviewers are different people holding the interviewer role on the
 * case, that the decider is not the adjudicator who recommended (unless
 * the organization relaxes it, which is audited), that a departure from
 * the recommendation is justified in writing, and that nobody is denied
 * before the concerns were put to them and their response period is over.
 */
#include "autoconf.h"

#include <string.h>
#include <time.h>

#include "api.h"
#include "report.h"
#include "outbox.h"
#include "person.h"
#include "case.h"
#include "clearance.h"
#include "org.h"
#include "validate.h"

#define HAS(roles, r)	((roles) & ROLE_BIT(r))

/* Refuse (audited) unless the caller holds one of `need` on the case. */
static int
need_role(struct api_ctx *c, unsigned roles, unsigned need, const char *what,
    const char *target)
{
	if (roles & need)
		return 0;
	return api_refuse(c, 403, "forbidden", what, what, target);
}

static int
refuse409(struct api_ctx *c, const char *msg)
{
	response_error(c->resp, 409, "refused", msg, NULL);
	return -1;
}

/* Append item to the list section name; inside the transaction. */
static int
append_item(struct api_ctx *c, long long case_id, const char *name,
    json_t *item)
{
	json_t		*list;
	long long	 ver, nv;
	int		 rc;

	list = case_section_get(c->store, case_id, name, &ver);
	if (!json_is_array(list)) {
		json_decref(list);
		list = json_array();
	}
	json_array_append(list, item);
	rc = case_section_put(c->store, case_id, name, list, ver, c->actor,
	    &nv) == CASE_OK ? 0 : -1;
	json_decref(list);
	return rc;
}

/* Replace section name with data whatever its version; in the transaction. */
static int
put_section(struct api_ctx *c, long long case_id, const char *name,
    json_t *data)
{
	json_t		*old;
	long long	 ver, nv;

	old = case_section_get(c->store, case_id, name, &ver);
	json_decref(old);
	return case_section_put(c->store, case_id, name, data, ver, c->actor,
	    &nv) == CASE_OK ? 0 : -1;
}

static int
closed(const char *state)
{
	return strcmp(state, "issued") == 0 || strcmp(state, "denied") == 0 ||
	    strcmp(state, "withdrawn") == 0;
}

/* date + years/days as YYYY-MM-DD (Feb 29 + 1 year is Feb 28). */
static void
date_add(const char *date, int years, int days, char out[11])
{
	struct tm	tm;
	time_t		t;
	int		mday;

	memset(&tm, 0, sizeof(tm));
	strptime(date, "%Y-%m-%d", &tm);
	mday = tm.tm_mday;
	tm.tm_year += years;
	tm.tm_mday = 1;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	tm.tm_mday = mday;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	if (tm.tm_mday != mday) {	/* ran into the next month */
		tm.tm_mday = 0;
		t = timegm(&tm);
		gmtime_r(&t, &tm);
	}
	t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* --- notices (REGDOC 5.2.6) -------------------------------------------- */

static const char *const notice_types[] = { "NRT", "NRT_INSUFFICIENT",
	"NOA_BRIEF", NULL };

static const struct vfield notice_fields[] = {
	{ "type", V_ENUM, V_REQUIRED, 0, 0, notice_types, NULL, 0, 0 },
	{ "date", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "reference", V_STRING, 0, 1, 100, NULL, NULL, 0, 0 },
	{ "follow_up", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static int
add_notice(struct api_ctx *c, struct case_row *row, void *item)
{
	return append_item(c, row->id, "notices", item);
}

void
api_case_notice(struct api_ctx *c)
{
	struct case_row	 row;
	json_t		*b, *actions = NULL;
	unsigned	 roles;
	char		 target[32];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_CSO),
	    "agency notices are recorded by screening or the cso", target) ==
	    -1 || (b = api_body_shaped(c, notice_fields)) == NULL)
		return;
	if (closed(row.state)) {
		refuse409(c, "the case is closed");
		return;
	}
	if (api_case_run_event(c, &row, "notice_recorded", b, "case.notice",
	    add_notice, b, &actions) == 0)
		api_case_answer(c, row.id, actions, 201);
}

/* --- interviews (REGDOC 5.3) -------------------------------------------- */

static const char *const interview_outcomes[] = { "completed", "refused",
	"inconclusive", NULL };

static const struct vfield interview_fields[] = {
	{ "date", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "interviewers", V_LIST, V_REQUIRED, 1, 2, NULL, NULL, V_STRING, 0 },
	{ "outcome", V_ENUM, V_REQUIRED, 0, 0, interview_outcomes, NULL, 0, 0 },
	{ "notes", V_TEXT, 0, 1, 20000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static int
add_interview(struct api_ctx *c, struct case_row *row, void *item)
{
	return append_item(c, row->id, "interviews", item);
}

void
api_case_interview(struct api_ctx *c)
{
	struct case_row	 row;
	json_t		*b, *who, *v, *actions = NULL;
	const char	*u, *u0;
	unsigned	 roles;
	size_t		 i;
	int		 me = 0;
	char		 target[32], msg[400];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_INTERVIEWER), "interviews are "
	    "recorded by an interviewer of the case", target) == -1 ||
	    (b = api_body_shaped(c, interview_fields)) == NULL)
		return;
	if (closed(row.state)) {
		refuse409(c, "the case is closed");
		return;
	}
	/* Interviewers: people holding the interviewer role on this case,
	 * two different ones when there are two, the recorder among them. */
	who = json_object_get(b, "interviewers");
	u0 = json_string_value(json_array_get(who, 0));
	json_array_foreach(who, i, v) {
		u = json_string_value(v);
		if (i == 1 && strcmp(u, u0) == 0) {
			response_error(c->resp, 422, "interviewers_not_distinct",
			    "the two interviewers must be different people",
			    "interviewers[1]");
			return;
		}
		if (!(case_assigned_roles(c->store, row.id, u) &
		    ROLE_BIT(ROLE_INTERVIEWER))) {
			snprintf(msg, sizeof(msg), "%s is not an interviewer of "
			    "this case", u);
			response_error(c->resp, 422, "not_an_interviewer",
			    util_pool_strdup(c->req->pool, msg),
			    i ? "interviewers[1]" : "interviewers[0]");
			return;
		}
		if (c->who.username && strcmp(u, c->who.username) == 0)
			me = 1;
	}
	if (!me) {
		response_error(c->resp, 422, "not_an_interviewer", "you record "
		    "only interviews you conducted", "interviewers");
		return;
	}
	if (api_case_run_event(c, &row, "interview_recorded", b,
	    "case.interview", add_interview, b, &actions) == 0)
		api_case_answer(c, row.id, actions, 201);
}

/* --- the worksheet (NZSIS guidelines A-G) ---------------------------------- */

static const struct vfield finding_fields[] = {
	{ "id", V_STRING, V_REQUIRED, 2, 4, NULL, NULL, 0, 0 },
	{ "date", V_DATE, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "facts", V_TEXT, 0, 1, 4000, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield guideline_fields[] = {
	{ "disqualifying", V_LIST, 0, 0, 40, NULL, finding_fields, V_OBJECT, 0 },
	{ "mitigating", V_LIST, 0, 0, 40, NULL, NULL, V_STRING, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

#define G(l) { l, V_OBJECT, 0, 0, 0, NULL, guideline_fields, 0, 0 }
static const struct vfield guidelines_fields[] = {
	G("A"), G("B"), G("C"), G("D"), G("E"), G("F"), G("G"),
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

#define CF(n) { n, V_STRING, 0, 1, 64, NULL, NULL, 0, 0 }
static const struct vfield conduct_fields[] = {
	CF("seriousness"), CF("recency"), CF("frequency"), CF("age_maturity"),
	CF("rehabilitation"), CF("participation"), CF("motivation"),
	CF("coercion"), CF("recurrence"),
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield worksheet_fields[] = {
	{ "guidelines", V_OBJECT, 0, 0, 0, NULL, guidelines_fields, 0, 0 },
	{ "conduct", V_OBJECT, 0, 0, 0, NULL, conduct_fields, 0, 0 },
	{ "patterns", V_LIST, 0, 0, 7, NULL, NULL, V_STRING, 0 },
	{ "holder_factors", V_LIST, 0, 0, 5, NULL, NULL, V_STRING, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

void
api_case_worksheet(struct api_ctx *c)
{
	struct case_row		 row;
	struct audit_event	 ev;
	struct vresult		 vr = { .n = 0 };
	json_t			*b, *data;
	json_int_t		 expect;
	unsigned		 roles;
	long long		 version;
	char			 target[32];
	enum case_status	 cs;

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_ADJUDICATOR), "the worksheet is "
	    "the adjudicator's", target) == -1 ||
	    (b = api_body_object(c)) == NULL)
		return;
	if (!json_is_integer(json_object_get(b, "version")) ||
	    (expect = json_integer_value(json_object_get(b, "version"))) < 0 ||
	    !json_is_object(data = json_object_get(b, "data")) ||
	    json_object_size(b) != 2) {
		response_error(c->resp, 400, "bad_request", "the body is "
		    "{ \"version\": N, \"data\": { ... } }", "data");
		return;
	}
	if (validate_object(data, worksheet_fields, 0, "worksheet", &vr) == -1) {
		api_shape_error(c, &vr);
		return;
	}
	if (closed(row.state)) {
		refuse409(c, "the case is closed");
		return;
	}
	api_audit_event(c, &ev, "case.worksheet", target, NULL);
	if (store_begin(c->store) == -1) {
		api_unavailable(c);
		return;
	}
	cs = case_section_put(c->store, row.id, "worksheet", data, expect,
	    c->actor, &version);
	if (cs != CASE_OK || case_event(c->store, row.id, c->actor,
	    "worksheet_updated", NULL) != CASE_OK ||
	    audit_append(c->store, &ev) == -1 || store_commit(c->store) == -1) {
		store_rollback(c->store);
		if (cs == CASE_CONFLICT)
			response_error(c->resp, 409, "conflict", "the worksheet "
			    "was changed since you read it", "version");
		else
			api_unavailable(c);
		return;
	}
	response_json(c->resp, 200, json_pack("{s:I}", "version",
	    (json_int_t)version));
}

/* --- the recommendation -------------------------------------------------- */

struct rec_args {
	struct policy	*p;
	json_t		*input;
	json_t		*result;
	int		 automated;
	long long	 id;
};

void
api_case_recommend(struct api_ctx *c)
{
	const struct config_org	*co;
	struct case_row		 row;
	struct policy		*p;
	struct audit_event	 ev;
	json_t			*b, *ws, *view, *ctx, *r = NULL, *input, *sec;
	unsigned		 roles;
	long long		 ver, rid;
	char			 target[32], today[11], err[1024];
	int			 automated;

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    (b = api_body_object(c)) == NULL)
		return;
	automated = json_is_true(json_object_get(b, "automated"));
	if (need_role(c, roles, ROLE_BIT(ROLE_ADJUDICATOR) | (automated ?
	    ROLE_BIT(ROLE_CSO) : 0), "recommendations are the adjudicator's",
	    target) == -1)
		return;
	if (json_object_size(b) > 1 || (json_object_size(b) == 1 &&
	    !json_is_boolean(json_object_get(b, "automated")))) {
		response_error(c->resp, 400, "bad_request",
		    "the body is {} or { \"automated\": true }", "automated");
		return;
	}
	if (strcmp(row.state, "adjudication") != 0) {
		refuse409(c, "a recommendation is made during adjudication");
		return;
	}
	if ((p = api_case_policy(c, row.site)) == NULL)
		return;
	api_today(c, today);
	ws = case_section_get(c->store, row.id, "worksheet", &ver);
	if (ws == NULL)
		ws = json_object();
	view = case_policy_view(c->store, &row);
	ctx = policy_ctx(p, c->org_slug, row.site[0] ? row.site : NULL, today,
	    automated);
	co = config_org_find(c->cfg, c->org_slug);
	if (policy_adjudicate(p, view, ws, ctx, co ? co->automation :
	    1u << OUTCOME_GRANT, automated, &r, err, sizeof(err)) == -1) {
		response_error(c->resp, 422, "policy_error",
		    util_pool_strdup(c->req->pool, err), NULL);
		goto out;
	}
	input = json_pack("{s:O, s:O, s:O}", "case", view, "worksheet", ws,
	    "ctx", ctx);
	api_audit_event(c, &ev, "case.recommendation", target, NULL);
	if (store_begin(c->store) == -1) {
		json_decref(input);
		api_unavailable(c);
		goto out;
	}
	rid = policy_record(c->store, row.org_id, row.id,
	    row.site[0] ? row.site : NULL, p, input, r, automated,
	    automated ? "automation" : c->actor);
	json_decref(input);
	sec = json_pack("{s:I, s:O, s:s, s:s, s:b, s:s}", "id", (json_int_t)rid,
	    "result", r, "policy_version", luahost_version(p), "by",
	    automated ? "automation" : c->actor, "automated", automated,
	    "made_on", today);
	if (rid < 0 || put_section(c, row.id, "recommendation", sec) == -1 ||
	    case_event(c->store, row.id, c->actor, "recommendation", sec) !=
	    CASE_OK || audit_append(c->store, &ev) == -1 ||
	    store_commit(c->store) == -1) {
		store_rollback(c->store);
		json_decref(sec);
		api_unavailable(c);
		goto out;
	}
	response_json(c->resp, 201, json_pack("{s:o}", "recommendation", sec));
out:
	json_decref(r);
	json_decref(ws);
	json_decref(view);
	json_decref(ctx);
}

/* --- procedural fairness ------------------------------------------------ */

struct concerns_args {
	json_t	*section;
	char	 due[11];
};

static int
store_concerns(struct api_ctx *c, struct case_row *row, void *arg)
{
	struct concerns_args	*a = arg;

	return put_section(c, row->id, "concerns", a->section) == 0 &&
	    case_set_response_due(c->store, row->id, a->due) == CASE_OK ?
	    0 : -1;
}

void
api_case_concerns(struct api_ctx *c)
{
	struct case_row		 row;
	struct concerns_args	 a;
	struct policy		*p;
	json_t			*b, *settings, *actions = NULL;
	const char		*text;
	unsigned		 roles;
	long long		 days = 20;
	char			 target[32], today[11];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_ADJUDICATOR), "concerns are put "
	    "by the adjudicator", target) == -1 ||
	    (b = api_body_object(c)) == NULL ||
	    api_string(c, b, "text", 1, 1, 20000, &text) == -1 ||
	    (p = api_case_policy(c, row.site)) == NULL)
		return;
	if (json_object_size(b) != 1) {
		response_error(c->resp, 400, "bad_request",
		    "the body is { \"text\" }", NULL);
		return;
	}
	settings = luahost_table(p, "settings");
	if (json_is_integer(json_object_get(settings, "response_days")) &&
	    json_integer_value(json_object_get(settings, "response_days")) > 0)
		days = json_integer_value(json_object_get(settings,
		    "response_days"));
	json_decref(settings);
	api_today(c, today);
	date_add(today, 0, (int)days, a.due);
	a.section = json_pack("{s:s, s:s, s:s, s:s}", "text", text, "sent_on",
	    today, "due", a.due, "by", c->actor);
	if (api_case_run_transition(c, &row, roles, "send_concerns",
	    "concerns_sent", json_pack("{s:s}", "due", a.due), store_concerns,
	    &a, &actions) == 0)
		api_case_answer(c, row.id, actions, 200);
	json_decref(a.section);
}

static int
store_response(struct api_ctx *c, struct case_row *row, void *arg)
{
	return put_section(c, row->id, "response", arg);
}

void
api_case_response(struct api_ctx *c)
{
	struct case_row	 row;
	json_t		*b, *concerns, *old, *sec, *actions = NULL;
	const char	*text;
	unsigned	 roles;
	long long	 ver;
	int		 declines;
	char		 target[32], today[11];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_APPLICANT), "only the applicant "
	    "answers the concerns", target) == -1 ||
	    (b = api_body_object(c)) == NULL ||
	    api_string(c, b, "text", 0, 1, 20000, &text) == -1)
		return;
	declines = json_is_true(json_object_get(b, "declines"));
	if ((text == NULL) == !declines || json_object_size(b) != 1) {
		response_error(c->resp, 400, "bad_request", "the body is "
		    "{ \"text\": \"...\" } or { \"declines\": true }", "text");
		return;
	}
	concerns = case_section_get(c->store, row.id, "concerns", &ver);
	old = case_section_get(c->store, row.id, "response", &ver);
	api_today(c, today);
	if (concerns == NULL || old != NULL) {
		json_decref(concerns);
		json_decref(old);
		refuse409(c, concerns == NULL ? "no concerns were put to you" :
		    "you have answered already");
		return;
	}
	json_decref(concerns);
	if (row.response_due[0] && strcmp(today, row.response_due) > 0) {
		refuse409(c, "the response period has ended");
		return;
	}
	sec = declines ? json_pack("{s:b, s:s}", "declined", 1, "received_on",
	    today) : json_pack("{s:s, s:s}", "text", text, "received_on", today);
	if (api_case_run_transition(c, &row, roles, "response_received", NULL,
	    NULL, store_response, sec, &actions) == 0)
		api_case_answer(c, row.id, actions, 200);
	json_decref(sec);
}

/* --- the decision (REGDOC 5.3.6, 5.4) ------------------------------------ */

static const char *const decision_outcomes[] = { "grant",
	"grant_with_restrictions", "grant_with_warning", "grant_lower_level",
	"deny", NULL };

static const char *const restriction_types[] = { "hours", "areas",
	"no_prescribed_information", "standalone_computer", "escort", "other",
	NULL };

static const struct vfield restriction_fields[] = {
	{ "type", V_ENUM, V_REQUIRED, 0, 0, restriction_types, NULL, 0, 0 },
	{ "detail", V_TEXT, V_REQUIRED, 1, 2000, NULL, NULL, 0, 0 },
	{ "review_date", V_DATE, 0, 0, 0, NULL, NULL, 0, 0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static const struct vfield decision_fields[] = {
	{ "outcome", V_ENUM, V_REQUIRED, 0, 0, decision_outcomes, NULL, 0, 0 },
	{ "level", V_STRING, 0, 1, 64, NULL, NULL, 0, 0 },
	{ "justification", V_TEXT, 0, 1, 20000, NULL, NULL, 0, 0 },
	{ "restrictions", V_LIST, 0, 0, 20, NULL, restriction_fields, V_OBJECT,
	    0 },
	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }
};

static int
store_decision(struct api_ctx *c, struct case_row *row, void *arg)
{
	struct audit_event	 ev;
	char			 target[32], dedup[48], subject[80], who[257];
	long long		 report;

	/* The relaxation of separation of duties is recorded with the
	 * decision it allowed, in its transaction. */
	if (json_is_true(json_object_get(arg, "separation_relaxed"))) {
		snprintf(target, sizeof(target), "case:%lld", row->id);
		api_audit_event(c, &ev, "decision.separation_relaxed", target,
		    NULL);
		if (audit_append(c->store, &ev) == -1)
			return -1;
	}
	/* the report to the regulator a denial or a grant despite concerns
	 * calls for (REGDOC 6.1, 6.2), drafted with the decision */
	if (put_section(c, row->id, "decision", arg) == -1 ||
	    report_draft_decision(c->store, row->org_id, row->id, arg, c->actor,
	    &report) == -1)
		return -1;
	/* the applicant is told there is a decision (not what it is: that
	 * is in the file they can read) */
	snprintf(dedup, sizeof(dedup), "decision:%lld", row->id);
	snprintf(subject, sizeof(subject), "Case %lld: a decision was made",
	    row->id);
	if (person_username(c->store, row->org_id, row->person_id, who,
	    sizeof(who)) == PERSON_OK && who[0] != '\0' &&
	    outbox_add(c->store, row->org_id, "decision", who, subject,
	    "A decision was made on your security clearance application; "
	    "sign in to read it.", dedup) == OUTBOX_ERROR)
		return -1;
	return 0;
}

void
api_case_decide(struct api_ctx *c)
{
	const struct config_org	*co;
	struct case_row		 row;
	struct policy		*p;
	json_t			*b, *rec, *concerns, *resp, *settings, *sec;
	json_t			*restr, *actions = NULL;
	const char		*outcome, *level, *just, *recd, *by;
	unsigned		 roles;
	long long		 ver;
	int			 departs, relaxed = 0;
	char			 target[32], today[11], msg[200];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_AUTHORITY), "decisions are the "
	    "authority's", target) == -1 ||
	    (b = api_body_shaped(c, decision_fields)) == NULL ||
	    (p = api_case_policy(c, row.site)) == NULL)
		return;
	outcome = json_string_value(json_object_get(b, "outcome"));
	level = json_string_value(json_object_get(b, "level"));
	just = json_string_value(json_object_get(b, "justification"));
	restr = json_object_get(b, "restrictions");
	if ((strcmp(outcome, "grant_with_restrictions") == 0) !=
	    (json_array_size(restr) > 0) &&
	    strcmp(outcome, "grant_lower_level") != 0) {
		response_error(c->resp, 422, "restrictions", "restrictions go "
		    "with grant_with_restrictions, and it needs at least one",
		    "restrictions");
		return;
	}
	rec = case_section_get(c->store, row.id, "recommendation", &ver);
	if (rec == NULL) {
		refuse409(c, "there is no recommendation to decide on yet");
		return;
	}
	recd = json_string_value(json_object_get(json_object_get(rec, "result"),
	    "recommendation"));
	by = json_string_value(json_object_get(rec, "by"));
	co = config_org_find(c->cfg, c->org_slug);
	/* Separation of duties: the adjudicator who recommended does not
	 * decide, unless the organization is too small and says so. */
	if (by != NULL && strcmp(by, c->actor) == 0) {
		if (co == NULL || !co->relax_separation) {
			json_decref(rec);
			refuse409(c, "the adjudicator who made the recommendation "
			    "may not also decide");
			return;
		}
		relaxed = 1;
	}
	departs = recd == NULL || strcmp(recd, outcome) != 0;
	if (departs && (just == NULL || strlen(just) < 10)) {
		json_decref(rec);
		response_error(c->resp, 422, "justification_required", "a "
		    "decision that departs from the recommendation needs a "
		    "written justification", "justification");
		return;
	}
	settings = luahost_table(p, "settings");
	if (strcmp(outcome, "grant_lower_level") == 0 && (level == NULL ||
	    strcmp(level, row.level) == 0 || !api_level_known(settings, level))) {
		json_decref(settings);
		json_decref(rec);
		response_error(c->resp, 422, "bad_level", "a grant at a lower "
		    "level names another level of the policy", "level");
		return;
	}
	json_decref(settings);
	api_today(c, today);
	if (strcmp(outcome, "deny") == 0) {
		/* Procedural fairness: the concerns were put, and the period to
		 * answer them is over (answered, declined, or run out). */
		concerns = case_section_get(c->store, row.id, "concerns", &ver);
		resp = case_section_get(c->store, row.id, "response", &ver);
		if (concerns == NULL)
			snprintf(msg, sizeof(msg), "the concerns must be put to "
			    "the applicant before any denial");
		else if (resp == NULL && row.response_due[0] &&
		    strcmp(today, row.response_due) <= 0)
			snprintf(msg, sizeof(msg), "the applicant may answer the "
			    "concerns until %s", row.response_due);
		else
			msg[0] = '\0';
		json_decref(concerns);
		json_decref(resp);
		if (msg[0] != '\0') {
			json_decref(rec);
			refuse409(c, util_pool_strdup(c->req->pool, msg));
			return;
		}
	}
	sec = json_pack("{s:s, s:s, s:s?, s:O, s:O, s:s, s:s, s:s, s:b}",
	    "outcome", outcome, "level", level ? level : row.level,
	    "justification", just, "restrictions", restr ? restr :
	    json_array(), "recommendation_id", json_object_get(rec, "id"),
	    "policy_version", json_string_value(json_object_get(rec,
	    "policy_version")) ? json_string_value(json_object_get(rec,
	    "policy_version")) : "", "by", c->actor, "decided_on", today,
	    "separation_relaxed", relaxed);
	json_decref(rec);
	if (api_case_run_transition(c, &row, roles,
	    strcmp(outcome, "deny") == 0 ? "deny" : "grant", "decided",
	    json_pack("{s:s, s:s}", "decision", outcome, "outcome", outcome),
	    store_decision, sec, &actions) == 0)
		api_case_answer(c, row.id, actions, 200);
	json_decref(sec);
}

/* --- the briefing and the clearance (REGDOC 5.6, 5.2.6) ------------------ */

struct brief_args {
	json_t		*section;
	const char	*level;
	json_t		*restrictions;
	char		 granted[11];
	char		 expires[11];
	long long	 clearance;
};

static int
issue(struct api_ctx *c, struct case_row *row, void *arg)
{
	struct brief_args	*a = arg;

	return put_section(c, row->id, "briefing", a->section) == 0 &&
	    clearance_issue(c->store, row->org_id, row->person_id, row->id,
	    row->site_id, a->level, a->granted, a->expires, a->restrictions,
	    &a->clearance) == 0 ? 0 : -1;
}

void
api_case_briefing(struct api_ctx *c)
{
	struct case_row		 row;
	struct brief_args	 a;
	struct policy		*p;
	json_t			*b, *decision, *notices, *settings, *n;
	json_t			*actions = NULL;
	const char		*date, *nd, *latest = NULL;
	unsigned		 roles;
	long long		 ver, years = 5;
	size_t			 i;
	char			 target[32];

	if (api_case_load(c, &row, &roles, target, sizeof(target)) == -1 ||
	    need_role(c, roles, ROLE_BIT(ROLE_APPLICANT), "the applicant "
	    "acknowledges the briefing", target) == -1 ||
	    (b = api_body_object(c)) == NULL ||
	    api_string(c, b, "date", 1, 10, 10, &date) == -1 ||
	    (p = api_case_policy(c, row.site)) == NULL)
		return;
	if (!validate_date(date) || json_object_size(b) != 1) {
		response_error(c->resp, 400, "bad_request", "the body is "
		    "{ \"date\": \"YYYY-MM-DD\" }", "date");
		return;
	}
	if ((decision = case_section_get(c->store, row.id, "decision",
	    &ver)) == NULL) {
		refuse409(c, "there is no decision to be briefed on");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.level = json_string_value(json_object_get(decision, "level"));
	a.restrictions = json_object_get(decision, "restrictions");
	snprintf(a.granted, sizeof(a.granted), "%s", json_string_value(
	    json_object_get(decision, "decided_on")));
	/* Valid from the agency's notice (REGDOC 5.2.6): its latest NRT or
	 * NRT - insufficient information; else from the decision. */
	notices = case_section_get(c->store, row.id, "notices", &ver);
	json_array_foreach(notices, i, n) {
		nd = json_string_value(json_object_get(n, "date"));
		if (nd != NULL && strncmp(json_string_value(json_object_get(n,
		    "type")), "NRT", 3) == 0 &&
		    (latest == NULL || strcmp(nd, latest) > 0))
			latest = nd;
	}
	settings = luahost_table(p, "settings");
	if (json_is_integer(json_object_get(settings, "validity_years")) &&
	    json_integer_value(json_object_get(settings, "validity_years")) > 0)
		years = json_integer_value(json_object_get(settings,
		    "validity_years"));
	json_decref(settings);
	date_add(latest ? latest : a.granted, (int)years, 0, a.expires);
	json_decref(notices);
	a.section = json_pack("{s:s, s:s}", "acknowledged_on", date, "by",
	    c->actor);
	if (api_case_run_transition(c, &row, roles, "acknowledge_briefing",
	    NULL, NULL, issue, &a, &actions) == 0) {
		json_decref(actions);
		response_json(c->resp, 201, json_pack("{s:o}", "clearance",
		    clearance_get(c->store, row.org_id, a.clearance)));
	}
	json_decref(a.section);
	json_decref(decision);
}

