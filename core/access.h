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
	unsigned	 see_all;	/* roles the org lets see all cases */
};

enum access_action {
	ACT_SELF_READ,		/* own identity: GET /me */
	ACT_SELF_SIGN_OUT,
	ACT_AUDIT_READ,		/* the audit trail */
	ACT_POLICY_READ,	/* the active policy's version and status */
	ACT_POLICY_EVALUATE,	/* run the policy on a supplied case */
	ACT_PERSON_CREATE,
	ACT_PERSON_READ,	/* object: owner = the person's username */
	ACT_CASE_OPEN,
	ACT_CASE_LIST,		/* the list itself is scoped by access_case_scope */
	ACT_CASE_READ,		/* object: owner, assigned */
	ACT_CASE_ASSIGN,
	ACT_CLEARANCE_CHANGE,	/* restrictions, suspension, reinstatement,
				 * termination: the cso */
	ACT_CLEARANCE_REVOKE,	/* the authority (REGDOC 5.5) */
	ACT_STATS_READ,		/* timeliness figures: no personal data */
	ACT_HOLD_MANAGE,	/* legal holds: the cso and admin */
	ACT_REPORT_READ,	/* reports to the regulator */
	ACT_REPORT_SEND,	/* marking one sent: the cso */
	ACT_APPEAL_RUN,		/* the appeals role runs an appeal */
	ACT_DOC_UPLOAD,		/* object: owner file and obj->doc */
	ACT_DOC_READ,		/* content and metadata */
	ACT_DOC_RELEASE,	/* ask for or approve a two-person release */
	ACT_DOC_VERIFY,		/* record a certified copy: screening, cso */
	ACT_DOC_LINK,		/* link a translation */
	ACT_DOC_DESTROY,	/* a destruction order: the authority */
	ACT_INCIDENT_FILE,	/* a report: any signed-in person */
	ACT_INCIDENT_READ,	/* object: obj->incident */
	ACT_INCIDENT_HANDLE,	/* the inquiry, steps, report: the cso */
	ACT_COUNT
};

enum access_decision { ACCESS_ALLOW, ACCESS_DENY, ACCESS_NOT_FOUND };

/* What is acted on: its organization (0: none) and, for a case or a
 * person, the username of the person it is about and the roles the caller
 * is assigned on it. */
struct access_document;
struct access_incident;

struct access_object {
	long long	 org_id;
	const char	*owner;		/* NULL or "" when none */
	unsigned	 assigned;	/* ROLE_BIT set */
	const struct access_document *doc;	/* the ACT_DOC_* actions */
	const struct access_incident *incident;	/* ACT_INCIDENT_READ, _HANDLE */
};

/*
 * An incident as access sees it, from the caller's side: did they file
 * it, is it about them, are they named in it (then they never see it), is
 * the reporter to be kept from all but the cso (a confidential
 * third-party report).
 */
struct access_incident {
	int	reporter;
	int	subject;
	int	named;
	int	confidential;
};

/* May p see who reported inc? The cso and the reporter always; others
 * only when the report is not confidential. */
int		access_incident_reporter(const struct principal *p,
		    const struct access_incident *inc);

/*
 * A document as access sees it: the roles the caller holds on the file it
 * belongs to (access_case_roles() for a case), its marking's rank on the
 * organization's scale (-1: not on it), the highest rank each role may
 * read (-1: none), and whether the caller uploaded it and may then read
 * it whatever its marking.
 */
struct access_document {
	unsigned	 roles;
	int		 rank;
	const int	*ceiling;	/* [ROLE_COUNT] */
	int		 uploader;
	int		 uploader_reads;
};

/* The highest rank the roles may read: the best of their ceilings, -1
 * when none may read anything marked. */
int		access_ceiling(unsigned roles, const int *ceiling);

/* Roles that work a case only when assigned to it (or see_all). */
#define ROLES_ASSIGNED	(ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_INTERVIEWER) | \
			 ROLE_BIT(ROLE_ADJUDICATOR) | ROLE_BIT(ROLE_APPEALS))
/* Roles that see every case of their organization. */
#define ROLES_ALL_CASES	(ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUTHORITY) | \
			 ROLE_BIT(ROLE_AUDITOR))

/*
 * The roles p may act in on obj: the all-cases roles, the assigned roles it
 * holds (or that see all), and applicant when obj is p's own file.
 */
unsigned	access_case_roles(const struct principal *p,
		    const struct access_object *obj);

/* Which cases p's list shows: 0 all, 1 assigned, 2 own, -1 none. */
int		access_case_scope(const struct principal *p);

/* Is obj p's own file? */
int		access_is_own(const struct principal *p,
		    const struct access_object *obj);

/*
 * The check every handler calls. Returns the decision; on deny or not
 * found, *reason says why in words fit for the audit trail.
 */
enum access_decision access_check(const struct principal *,
		    enum access_action, const struct access_object *,
		    const char **reason);

#endif
