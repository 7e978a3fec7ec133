/*
 * access: who may do what, decided in C on every request. A principal is a
 * signed-in user or an API token: an organization and a set of roles. The
 * single check, access_check(), takes the principal, an action and the
 * object acted on, and answers allow or deny with a reason. Tenancy comes
 * first: an object of another organization is "not found", never
 * "forbidden", so its existence is not confirmed.
 */
#ifndef VETD_ACCESS_H
#define VETD_ACCESS_H

enum role {
	ROLE_APPLICANT,
	ROLE_SCREENING,
	ROLE_INTERVIEWER,
	ROLE_ADJUDICATOR,
	ROLE_AUTHORITY,
	ROLE_CSO,
	ROLE_APPEALS,
	ROLE_AUDITOR,
	ROLE_ADMIN,
	ROLE_COUNT
};

#define ROLE_BIT(r)	(1u << (r))

/* "applicant" ... "admin" for a role, or NULL. */
const char	*access_role_name(enum role);
/* Parse a role name. 0 or -1. */
int		 access_role_parse(const char *, enum role *);

struct principal {
	long long	 org_id;
	const char	*org_slug;
	unsigned	 roles;		/* ROLE_BIT set */
	const char	*actor;		/* "user:<username>" or "token:<name>" */
	const char	*username;	/* NULL for a token */
	long long	 session_id;	/* 0 for a token */
	long long	 token_id;	/* 0 for a session */
	int		 see_all;	/* org lets these roles see all cases */
};

enum access_action {
	ACT_SELF_READ,		/* own identity: GET /me */
	ACT_SELF_SIGN_OUT,
	ACT_AUDIT_READ,		/* the audit trail */
	ACT_POLICY_READ,	/* the active policy's version and status */
	ACT_POLICY_EVALUATE,	/* run the policy on a supplied case */
	ACT_COUNT
};

enum access_decision { ACCESS_ALLOW, ACCESS_DENY, ACCESS_NOT_FOUND };

/* What is acted on: its organization (0: none) and, for case-like objects
 * later, its owner and assignees. */
struct access_object {
	long long	 org_id;
};

/*
 * The check every handler calls. Returns the decision; on deny or not
 * found, *reason says why in words fit for the audit trail.
 */
enum access_decision access_check(const struct principal *,
		    enum access_action, const struct access_object *,
		    const char **reason);

#endif
