/*
 * Unit tests of access, with no database: role names (both ways, and
 * names that are not roles), the full table of every action against every
 * single role on an object of the principal's organization that is
 * someone else's and unassigned, then the same for the principal's own
 * file and for assigned cases; tenancy (another organization's object is
 * "not found" for every action and every role, also with all roles at
 * once); need-to-know through access_case_roles (own file, assignment,
 * the see_all roles, the all-cases roles, admin never) and
 * access_case_scope for each role; an applicant asking for another's case
 * learns nothing (not found), staff without assignment are denied; every
 * refusal has a reason and every allow has none.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "access.h"

#define A	ACCESS_ALLOW
#define D	ACCESS_DENY
#define N	ACCESS_NOT_FOUND

#define ORG	7
#define OTHER	8

static const char *const act_names[ACT_COUNT] = {
	"self_read", "self_sign_out", "audit_read", "policy_read",
	"policy_evaluate", "person_create", "person_read", "case_open",
	"case_list", "case_read", "case_assign", "clearance_change",
	"clearance_revoke", "stats_read", "hold_manage", "report_read",
	"report_send", "appeal_run", "doc_upload", "doc_read", "doc_release",
	"doc_verify", "doc_link", "doc_destroy", "incident_file",
	"incident_read", "incident_handle"
};

static struct principal who(unsigned roles, const char *username)
{
	struct principal p;

	memset(&p, 0, sizeof(p));
	p.org_id = ORG;
	p.org_slug = "acme";
	p.roles = roles;
	p.actor = "user:alice";
	p.username = username;
	p.session_id = 1;
	return p;
}

/* Check one decision and that the reason is there exactly when refused. */
static void expect(const struct principal *p, enum access_action act,
		   const struct access_object *obj, enum access_decision want,
		   const char *what)
{
	const char *reason = "unset";
	enum access_decision got = access_check(p, act, obj, &reason);

	cr_expect_eq(got, want, "%s, %s: got %d, want %d (%s)", what,
		     act_names[act], got, want, reason ? reason : "no reason");
	if (got == ACCESS_ALLOW)
		cr_expect_null(reason, "%s, %s: allowed with a reason",
			       what, act_names[act]);
	else
		cr_expect(reason != NULL && reason[0] != '\0',
			  "%s, %s: refused without a reason", what,
			  act_names[act]);
}

/* --- role names --------------------------------------------------------- */

Test(access, role_names_both_ways)
{
	static const char *const names[ROLE_COUNT] = { "applicant", "screening",
		"interviewer", "adjudicator", "authority", "cso", "appeals",
		"auditor", "admin" };
	enum role r;
	int i;

	for (i = 0; i < ROLE_COUNT; i++) {
		cr_assert_str_eq(access_role_name((enum role)i), names[i]);
		r = ROLE_COUNT;
		cr_assert_eq(access_role_parse(names[i], &r), 0);
		cr_assert_eq(r, (enum role)i);
	}
	cr_assert_null(access_role_name(ROLE_COUNT));
	cr_assert_null(access_role_name((enum role)-1));
	r = ROLE_CSO;
	cr_assert_eq(access_role_parse("Admin", &r), -1);
	cr_assert_eq(access_role_parse("", &r), -1);
	cr_assert_eq(access_role_parse("admin ", &r), -1);
	cr_assert_eq(access_role_parse("superuser", &r), -1);
	cr_assert_eq(r, ROLE_CSO, "a failed parse wrote the role");
}

/* --- the table ---------------------------------------------------------- */

/* Rows: actions in enum order. Columns: roles in enum order, applicant
 * screening interviewer adjudicator authority cso appeals auditor admin.
 * The object is of the principal's organization, someone else's file, and
 * the principal is not assigned to it. */
static const enum access_decision table[ACT_COUNT][ROLE_COUNT] = {
	/* self_read */		{ A, A, A, A, A, A, A, A, A },
	/* self_sign_out */	{ A, A, A, A, A, A, A, A, A },
	/* audit_read */	{ D, D, D, D, D, D, D, A, A },
	/* policy_read */	{ D, D, D, A, A, A, D, A, A },
	/* policy_evaluate */	{ D, D, D, A, D, D, D, D, A },
	/* person_create */	{ D, A, D, D, D, A, D, D, D },
	/* person_read */	{ N, D, D, D, A, A, D, A, D },
	/* case_open */		{ D, D, D, D, D, A, D, D, D },
	/* case_list */		{ A, A, A, A, A, A, A, A, D },
	/* case_read */		{ N, D, D, D, A, A, D, A, D },
	/* case_assign */	{ D, D, D, D, D, A, D, D, D },
	/* clearance_change */	{ D, D, D, D, D, A, D, D, D },
	/* clearance_revoke */	{ D, D, D, D, A, D, D, D, D },
	/* stats_read */	{ D, D, D, D, A, A, D, A, A },
	/* hold_manage */	{ D, D, D, D, D, A, D, D, A },
	/* report_read */	{ D, D, D, D, A, A, D, A, D },
	/* report_send */	{ D, D, D, D, D, A, D, D, D },
	/* appeal_run */	{ D, D, D, D, D, D, A, D, D },
	/* the document actions need a document (see the matrix below) */
	/* doc_upload */	{ D, D, D, D, D, D, D, D, D },
	/* doc_read */		{ D, D, D, D, D, D, D, D, D },
	/* doc_release */	{ D, D, D, D, D, D, D, D, D },
	/* doc_verify */	{ D, D, D, D, D, D, D, D, D },
	/* doc_link */		{ D, D, D, D, D, D, D, D, D },
	/* doc_destroy */	{ D, D, D, D, D, D, D, D, D },
	/* anyone signed in files a report; reading and handling one need
	 * the incident (see the matrix below) */
	/* incident_file */	{ A, A, A, A, A, A, A, A, A },
	/* incident_read */	{ D, D, D, D, D, D, D, D, D },
	/* incident_handle */	{ D, D, D, D, D, D, D, D, D },
};

Test(access, role_action_table)
{
	struct access_object obj = { ORG, "bob", 0, NULL, NULL };
	struct principal p;
	char what[64];
	int a, r;

	for (r = 0; r < ROLE_COUNT; r++) {
		p = who(ROLE_BIT(r), "alice");
		snprintf(what, sizeof(what), "role %s",
			 access_role_name((enum role)r));
		for (a = 0; a < ACT_COUNT; a++)
			expect(&p, (enum access_action)a, &obj, table[a][r], what);
	}
}

Test(access, role_action_table_without_object_owner)
{
	/* An object with no owner is nobody's own file: reads as above. */
	struct access_object obj = { ORG, NULL, 0, NULL, NULL };
	struct access_object empty = { ORG, "", 0, NULL, NULL };
	struct principal p;
	char what[64];
	int a, r;

	for (r = 0; r < ROLE_COUNT; r++) {
		p = who(ROLE_BIT(r), "alice");
		snprintf(what, sizeof(what), "role %s, no owner",
			 access_role_name((enum role)r));
		for (a = 0; a < ACT_COUNT; a++) {
			expect(&p, (enum access_action)a, &obj, table[a][r],
			       what);
			expect(&p, (enum access_action)a, &empty, table[a][r],
			       what);
		}
	}
}

Test(access, own_file)
{
	struct access_object own = { ORG, "alice", 0, NULL, NULL };
	struct principal p;
	char what[64];
	int r;

	for (r = 0; r < ROLE_COUNT; r++) {
		enum access_decision want = table[ACT_CASE_READ][r];

		p = who(ROLE_BIT(r), "alice");
		snprintf(what, sizeof(what), "role %s, own file",
			 access_role_name((enum role)r));
		/* only the applicant role reads a file by owning it */
		if (r == ROLE_APPLICANT)
			want = A;
		expect(&p, ACT_CASE_READ, &own, want, what);
		expect(&p, ACT_PERSON_READ, &own, want, what);
		/* owning a file opens or assigns nothing */
		expect(&p, ACT_CASE_ASSIGN, &own, table[ACT_CASE_ASSIGN][r],
		       what);
		expect(&p, ACT_CASE_OPEN, &own, table[ACT_CASE_OPEN][r], what);
	}
}

Test(access, own_file_is_matched_exactly)
{
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	struct access_object o1 = { ORG, "Alice", 0, NULL, NULL };
	struct access_object o2 = { ORG, "alice2", 0, NULL, NULL };
	struct access_object o3 = { ORG, "alic", 0, NULL, NULL };

	expect(&p, ACT_CASE_READ, &o1, N, "owner Alice");
	expect(&p, ACT_CASE_READ, &o2, N, "owner alice2");
	expect(&p, ACT_CASE_READ, &o3, N, "owner alic");
}

Test(access, token_applicant_owns_nothing)
{
	/* A token has no username: no file is its own, not even an
	 * ownerless one. */
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), NULL);
	struct access_object none = { ORG, "", 0, NULL, NULL };
	struct access_object bob = { ORG, "bob", 0, NULL, NULL };

	p.actor = "token:ci";
	p.session_id = 0;
	p.token_id = 3;
	expect(&p, ACT_CASE_READ, &none, N, "token, empty owner");
	expect(&p, ACT_CASE_READ, &bob, N, "token, bob's file");
	expect(&p, ACT_CASE_LIST, NULL, D, "token applicant lists");
	cr_assert_eq(access_is_own(&p, &none), 0);
}

Test(access, assigned_roles_read)
{
	static const enum role staff[] = { ROLE_SCREENING, ROLE_INTERVIEWER,
		ROLE_ADJUDICATOR, ROLE_APPEALS };
	struct access_object obj = { ORG, "bob", 0, NULL, NULL };
	struct principal p;
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(staff) / sizeof(staff[0]); i++) {
		p = who(ROLE_BIT(staff[i]), "alice");
		snprintf(what, sizeof(what), "%s", access_role_name(staff[i]));
		obj.assigned = 0;
		expect(&p, ACT_CASE_READ, &obj, D, what);
		obj.assigned = ROLE_BIT(staff[i]);
		expect(&p, ACT_CASE_READ, &obj, A, what);
		expect(&p, ACT_PERSON_READ, &obj, A, what);
		/* assigned in a role the principal does not hold */
		obj.assigned = ROLE_BIT(ROLE_ADJUDICATOR) |
		    ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_INTERVIEWER) |
		    ROLE_BIT(ROLE_APPEALS);
		obj.assigned &= ~ROLE_BIT(staff[i]);
		expect(&p, ACT_CASE_READ, &obj, D, what);
	}
}

Test(access, assignment_gives_nothing_to_applicant_or_admin)
{
	struct access_object obj = { ORG, "bob", ROLE_BIT(ROLE_APPLICANT) |
		ROLE_BIT(ROLE_ADMIN), NULL, NULL };
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), "alice");

	expect(&p, ACT_CASE_READ, &obj, N, "applicant 'assigned'");
	p = who(ROLE_BIT(ROLE_ADMIN), "alice");
	expect(&p, ACT_CASE_READ, &obj, D, "admin 'assigned'");
}

Test(access, see_all_lets_assigned_roles_read_unassigned)
{
	struct access_object obj = { ORG, "bob", 0, NULL, NULL };
	struct principal p = who(ROLE_BIT(ROLE_SCREENING), "alice");

	p.see_all = ROLE_BIT(ROLE_SCREENING);
	expect(&p, ACT_CASE_READ, &obj, A, "screening, see_all screening");
	p.see_all = ROLE_BIT(ROLE_ADJUDICATOR);
	expect(&p, ACT_CASE_READ, &obj, D, "screening, see_all adjudicator");
	/* see_all does not make an admin or applicant see everything */
	p = who(ROLE_BIT(ROLE_ADMIN), "alice");
	p.see_all = ~0u;
	expect(&p, ACT_CASE_READ, &obj, D, "admin, see_all everything");
	p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	p.see_all = ~0u;
	expect(&p, ACT_CASE_READ, &obj, N, "applicant, see_all everything");
}

Test(access, applicant_with_staff_role_is_denied_not_hidden)
{
	/* Holding any other role, the refusal may say "forbidden". */
	struct access_object obj = { ORG, "bob", 0, NULL, NULL };
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT) |
				 ROLE_BIT(ROLE_SCREENING), "alice");

	expect(&p, ACT_CASE_READ, &obj, D, "applicant+screening");
	obj.owner = "alice";
	expect(&p, ACT_CASE_READ, &obj, A, "applicant+screening, own");
}

/* --- tenancy ------------------------------------------------------------ */

Test(access, another_org_is_not_found_for_every_action)
{
	struct access_object obj = { OTHER, "alice", 0, NULL, NULL };
	struct principal p;
	char what[64];
	int a, r;

	obj.assigned = ~0u;
	for (r = 0; r <= ROLE_COUNT; r++) {
		/* each role alone, then all of them at once */
		p = who(r < ROLE_COUNT ? ROLE_BIT(r) : ROLE_BIT(ROLE_COUNT) - 1,
			"alice");
		p.see_all = ~0u;
		snprintf(what, sizeof(what), "other org, role %s",
			 r < ROLE_COUNT ? access_role_name((enum role)r) :
			 "all");
		for (a = 0; a < ACT_COUNT; a++)
			expect(&p, (enum access_action)a, &obj, N, what);
	}
}

Test(access, org_zero_object_is_nobodys)
{
	/* An object without an organization is not another org's. */
	struct access_object obj = { 0, NULL, 0, NULL, NULL };
	struct principal p = who(ROLE_BIT(ROLE_AUDITOR), "alice");

	expect(&p, ACT_AUDIT_READ, &obj, A, "org 0 object");
	expect(&p, ACT_AUDIT_READ, NULL, A, "no object");
}

Test(access, not_signed_in_and_unknown_action)
{
	struct principal p = who(ROLE_BIT(ROLE_COUNT) - 1, "alice");
	const char *reason = NULL;

	cr_assert_eq(access_check(NULL, ACT_SELF_READ, NULL, &reason), D);
	cr_assert_not_null(reason);
	reason = NULL;
	cr_assert_eq(access_check(&p, ACT_COUNT, NULL, &reason), D);
	cr_assert_not_null(reason);
	reason = NULL;
	cr_assert_eq(access_check(&p, (enum access_action)99, NULL, &reason), D);
	cr_assert_not_null(reason);
}

Test(access, no_roles_gets_only_self)
{
	struct access_object obj = { ORG, "bob", 0, NULL, NULL };
	struct principal p = who(0, "alice");
	int a;

	/* a file read is "not found": no role, nothing to learn */
	for (a = 0; a < ACT_COUNT; a++)
		expect(&p, (enum access_action)a, &obj,
		       a == ACT_SELF_READ || a == ACT_SELF_SIGN_OUT ? A :
		       a == ACT_CASE_READ || a == ACT_PERSON_READ ? N : D,
		       "no roles");
}

/* --- need to know ------------------------------------------------------- */

Test(access, case_roles)
{
	struct access_object other = { ORG, "bob", 0, NULL, NULL };
	struct access_object own = { ORG, "alice", 0, NULL, NULL };
	struct access_object asg = { ORG, "bob", ROLE_BIT(ROLE_SCREENING) |
		ROLE_BIT(ROLE_APPEALS), NULL, NULL };
	struct principal p;

	p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	cr_assert_eq(access_case_roles(&p, &own), ROLE_BIT(ROLE_APPLICANT));
	cr_assert_eq(access_case_roles(&p, &other), 0);
	cr_assert_eq(access_case_roles(&p, NULL), 0);

	p = who(ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_ADJUDICATOR), "alice");
	cr_assert_eq(access_case_roles(&p, &other), 0);
	cr_assert_eq(access_case_roles(&p, &asg), ROLE_BIT(ROLE_SCREENING),
		     "assigned in a role not held (appeals) counted");
	cr_assert_eq(access_case_roles(&p, &own), 0,
		     "staff own file without the applicant role");
	p.see_all = ROLE_BIT(ROLE_ADJUDICATOR);
	cr_assert_eq(access_case_roles(&p, &other), ROLE_BIT(ROLE_ADJUDICATOR));
	cr_assert_eq(access_case_roles(&p, &asg), ROLE_BIT(ROLE_SCREENING) |
		     ROLE_BIT(ROLE_ADJUDICATOR));

	/* cso, authority and auditor: always, even with no object */
	p = who(ROLES_ALL_CASES, "alice");
	cr_assert_eq(access_case_roles(&p, &other), ROLES_ALL_CASES);
	cr_assert_eq(access_case_roles(&p, NULL), ROLES_ALL_CASES);
	p = who(ROLE_BIT(ROLE_AUDITOR), "alice");
	cr_assert_eq(access_case_roles(&p, &other), ROLE_BIT(ROLE_AUDITOR));

	/* admin: never */
	p = who(ROLE_BIT(ROLE_ADMIN), "alice");
	p.see_all = ~0u;
	own.assigned = ~0u;
	cr_assert_eq(access_case_roles(&p, &own), 0);
	cr_assert_eq(access_case_roles(&p, NULL), 0);

	/* everything at once, on one's own file assigned in every role */
	p = who(ROLE_BIT(ROLE_COUNT) - 1, "alice");
	p.see_all = 0;
	cr_assert_eq(access_case_roles(&p, &own),
		     (ROLE_BIT(ROLE_COUNT) - 1) & ~ROLE_BIT(ROLE_ADMIN));
}

Test(access, is_own)
{
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	struct access_object o = { ORG, "alice", 0, NULL, NULL };

	cr_assert(access_is_own(&p, &o));
	cr_assert_not(access_is_own(&p, NULL));
	o.owner = NULL;
	cr_assert_not(access_is_own(&p, &o));
	o.owner = "";
	cr_assert_not(access_is_own(&p, &o));
	p.username = "";
	cr_assert_not(access_is_own(&p, &o), "empty username owns empty owner");
	o.owner = "bob";
	p.username = "bob";
	cr_assert(access_is_own(&p, &o));
}

Test(access, case_scope_per_role)
{
	static const int want[ROLE_COUNT] = {
		/* applicant */ 2, /* screening */ 1, /* interviewer */ 1,
		/* adjudicator */ 1, /* authority */ 0, /* cso */ 0,
		/* appeals */ 1, /* auditor */ 0, /* admin */ -1
	};
	struct principal p;
	int r;

	for (r = 0; r < ROLE_COUNT; r++) {
		p = who(ROLE_BIT(r), "alice");
		cr_expect_eq(access_case_scope(&p), want[r], "role %s: %d",
			     access_role_name((enum role)r),
			     access_case_scope(&p));
	}
	p = who(0, "alice");
	cr_assert_eq(access_case_scope(&p), -1);
	p = who(ROLE_BIT(ROLE_APPLICANT), NULL);
	cr_assert_eq(access_case_scope(&p), -1, "applicant without username");
	p = who(ROLE_BIT(ROLE_APPLICANT) | ROLE_BIT(ROLE_INTERVIEWER), "alice");
	cr_assert_eq(access_case_scope(&p), 1);
	p = who(ROLE_BIT(ROLE_INTERVIEWER) | ROLE_BIT(ROLE_AUDITOR), "alice");
	cr_assert_eq(access_case_scope(&p), 0);
	p = who(ROLE_BIT(ROLE_SCREENING), "alice");
	p.see_all = ROLE_BIT(ROLE_SCREENING);
	cr_assert_eq(access_case_scope(&p), 0);
	p.see_all = ROLE_BIT(ROLE_APPEALS);
	cr_assert_eq(access_case_scope(&p), 1, "see_all of a role not held");
	p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	p.see_all = ~0u;
	cr_assert_eq(access_case_scope(&p), 2, "see_all widened an applicant");
	p = who(ROLE_BIT(ROLE_ADMIN), "alice");
	p.see_all = ~0u;
	cr_assert_eq(access_case_scope(&p), -1, "see_all widened an admin");
}

Test(access, applicant_and_staff_on_another_file)
{
	struct access_object obj = { ORG, "bob", 0, NULL, NULL };
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	const char *reason = NULL;

	cr_assert_eq(access_check(&p, ACT_CASE_READ, &obj, &reason), N);
	cr_assert_not_null(reason);
	p = who(ROLE_BIT(ROLE_INTERVIEWER), "carol");
	reason = NULL;
	cr_assert_eq(access_check(&p, ACT_CASE_READ, &obj, &reason), D);
	cr_assert_not_null(strstr(reason, "assigned"), "reason: %s", reason);
}

/* --- documents (REGDOC appendix D) -------------------------------------- */

/* The default scale: 0 Unclassified .. 3 Protected B .. 6 Secret, 7 Top
 * Secret; the default ceilings per role (admin: none). */
static const int ceilings[ROLE_COUNT] = { 0, 6, 6, 7, 7, 7, 7, 3, -1 };

/* Rows: the document actions; columns: roles. The caller holds the role
 * on the file (assigned, or its own file for the applicant). */
static const enum access_decision doc_secret[6][ROLE_COUNT] = {
	/* doc_upload */	{ D, A, A, A, A, A, A, D, D },
	/* doc_read */		{ D, A, A, A, A, A, A, D, D },
	/* doc_release */	{ D, A, A, A, A, A, A, D, D },
	/* doc_verify */	{ D, A, D, D, D, A, D, D, D },
	/* doc_link */		{ D, A, A, A, A, A, A, D, D },
	/* doc_destroy */	{ D, D, D, D, A, D, D, D, D },
};

Test(access, document_matrix_secret)
{
	struct access_document d = { 0, 6, ceilings, 0, 1 };
	struct access_object obj = { ORG, "bob", 0, &d, NULL };
	struct principal p;
	char what[64];
	int a, r;

	for (r = 0; r < ROLE_COUNT; r++) {
		p = who(ROLE_BIT(r), "alice");
		d.roles = ROLE_BIT(r);
		snprintf(what, sizeof(what), "secret document, role %s",
			 access_role_name((enum role)r));
		for (a = 0; a < 6; a++)
			expect(&p, (enum access_action)(ACT_DOC_UPLOAD + a), &obj,
			       doc_secret[a][r], what);
	}
}

Test(access, document_marking_ceiling)
{
	struct access_document d = { ROLE_BIT(ROLE_AUDITOR), 3, ceilings, 0, 1 };
	struct access_object obj = { ORG, "bob", 0, &d, NULL };
	struct principal p = who(ROLE_BIT(ROLE_AUDITOR), "alice");

	expect(&p, ACT_DOC_READ, &obj, A, "auditor, Protected B");
	d.rank = 4;
	expect(&p, ACT_DOC_READ, &obj, D, "auditor, Protected C");
	/* a marking not on the scale is refused to everyone */
	p = who(ROLE_BIT(ROLE_CSO), "alice");
	d.roles = ROLE_BIT(ROLE_CSO);
	d.rank = -1;
	expect(&p, ACT_DOC_READ, &obj, D, "cso, unknown marking");
	/* the best ceiling of the roles held on the file counts, not of
	 * roles held elsewhere */
	p = who(ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_ADJUDICATOR), "alice");
	d.roles = ROLE_BIT(ROLE_SCREENING);
	d.rank = 7;
	expect(&p, ACT_DOC_READ, &obj, D, "screening here, adjudicator elsewhere");
	d.roles |= ROLE_BIT(ROLE_ADJUDICATOR);
	expect(&p, ACT_DOC_READ, &obj, A, "adjudicator here");
	cr_assert_eq(access_ceiling(0, ceilings), -1);
	cr_assert_eq(access_ceiling(ROLE_BIT(ROLE_ADMIN), ceilings), -1);
	cr_assert_eq(access_ceiling(ROLE_BIT(ROLE_APPLICANT) |
		     ROLE_BIT(ROLE_AUDITOR), ceilings), 3);
}

Test(access, document_need_to_know)
{
	struct access_document d = { 0, 0, ceilings, 0, 1 };
	struct access_object obj = { ORG, "bob", 0, &d, NULL };
	struct principal p;

	/* no role on the file: the applicant learns nothing, others 403 */
	p = who(ROLE_BIT(ROLE_APPLICANT), "alice");
	expect(&p, ACT_DOC_READ, &obj, N, "applicant, another's file");
	expect(&p, ACT_DOC_UPLOAD, &obj, N, "applicant, another's file");
	p = who(ROLE_BIT(ROLE_SCREENING), "alice");
	expect(&p, ACT_DOC_READ, &obj, D, "screening, not assigned");
	/* the authority's order needs the file's need to know, not the
	 * marking */
	p = who(ROLE_BIT(ROLE_AUTHORITY), "alice");
	expect(&p, ACT_DOC_DESTROY, &obj, D, "authority, no need to know");
	d.roles = ROLE_BIT(ROLE_AUTHORITY);
	d.rank = 99;
	expect(&p, ACT_DOC_DESTROY, &obj, A, "authority destroys");
	expect(&p, ACT_DOC_READ, &obj, D, "authority reads above the scale");
	/* tenancy first */
	obj.org_id = OTHER;
	expect(&p, ACT_DOC_DESTROY, &obj, N, "authority, another org");
	/* no document: refused */
	obj.org_id = ORG;
	obj.doc = NULL;
	expect(&p, ACT_DOC_DESTROY, &obj, D, "no document");
}

Test(access, document_uploader_reads_own)
{
	/* the applicant's own upload, Secret: above the applicant's
	 * ceiling, readable because they uploaded it */
	struct access_document d = { ROLE_BIT(ROLE_APPLICANT), 6, ceilings, 1,
		1 };
	struct access_object obj = { ORG, "alice", 0, &d, NULL };
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), "alice");

	expect(&p, ACT_DOC_READ, &obj, A, "applicant's own upload");
	expect(&p, ACT_DOC_RELEASE, &obj, D, "no release by the uploader rule");
	d.uploader_reads = 0;
	expect(&p, ACT_DOC_READ, &obj, D, "the policy turned the rule off");
	d.uploader_reads = 1;
	d.uploader = 0;
	expect(&p, ACT_DOC_READ, &obj, D, "someone else's upload");
	/* the rule is the applicant's on their own file only */
	d.uploader = 1;
	d.roles = ROLE_BIT(ROLE_SCREENING);
	d.rank = 7;
	p = who(ROLE_BIT(ROLE_SCREENING), "alice");
	expect(&p, ACT_DOC_READ, &obj, D, "screening uploader, Top Secret");
}

/* --- incidents (reference 000) ------------------------------------------ */

/* Columns: roles; the caller is neither reporter, subject nor named. */
static const enum access_decision inc_read[ROLE_COUNT] =
	{ N, D, D, D, A, A, D, A, D };
static const enum access_decision inc_handle[ROLE_COUNT] =
	{ N, D, D, D, D, A, D, D, D };

Test(access, incident_matrix)
{
	struct access_incident inc = { 0, 0, 0, 1 };
	struct access_object obj = { ORG, NULL, 0, NULL, &inc };
	struct principal p;
	char what[64];
	int r;

	for (r = 0; r < ROLE_COUNT; r++) {
		p = who(ROLE_BIT(r), "alice");
		snprintf(what, sizeof(what), "incident, role %s",
			 access_role_name((enum role)r));
		expect(&p, ACT_INCIDENT_READ, &obj, inc_read[r], what);
		expect(&p, ACT_INCIDENT_HANDLE, &obj, inc_handle[r], what);
		cr_expect_eq(access_incident_reporter(&p, &inc),
			     r == ROLE_CSO, "%s: sees a confidential reporter",
			     what);
	}
}

Test(access, incident_reporter_subject_and_named)
{
	struct access_incident inc = { 1, 0, 0, 1 };
	struct access_object obj = { ORG, NULL, 0, NULL, &inc };
	struct principal p = who(ROLE_BIT(ROLE_APPLICANT), "alice");

	expect(&p, ACT_INCIDENT_READ, &obj, A, "the reporter");
	expect(&p, ACT_INCIDENT_HANDLE, &obj, D, "the reporter handles");
	cr_assert(access_incident_reporter(&p, &inc));
	inc.reporter = 0;
	inc.subject = 1;
	expect(&p, ACT_INCIDENT_READ, &obj, A, "the subject");
	cr_assert_not(access_incident_reporter(&p, &inc),
		      "the subject sees a confidential reporter");
	inc.confidential = 0;
	cr_assert(access_incident_reporter(&p, &inc));
	/* named: never, whatever the roles */
	inc.named = 1;
	expect(&p, ACT_INCIDENT_READ, &obj, N, "the subject, named");
	p = who(ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUDITOR), "alice");
	expect(&p, ACT_INCIDENT_READ, &obj, N, "a named cso");
	expect(&p, ACT_INCIDENT_HANDLE, &obj, N, "a named cso handles");
	/* a token files nothing */
	p = who(ROLE_BIT(ROLE_CSO), NULL);
	expect(&p, ACT_INCIDENT_FILE, NULL, D, "a token");
	/* no incident: refused */
	obj.incident = NULL;
	p = who(ROLE_BIT(ROLE_CSO), "alice");
	expect(&p, ACT_INCIDENT_READ, &obj, D, "no incident");
}
