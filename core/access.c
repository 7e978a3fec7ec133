/*
 * access: roles and the central access check. Every handler asks
 * access_check() before it reads or changes anything; nothing relies on the
 * UI hiding what a role may not do.
 */
#include "autoconf.h"

#include <string.h>

#include "access.h"

static const char *role_names[ROLE_COUNT] = {
	"applicant", "screening", "interviewer", "adjudicator", "authority",
	"cso", "appeals", "auditor", "admin"
};

const char *
access_role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : NULL;
}

int
access_role_parse(const char *s, enum role *out)
{
	int	i;

	for (i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

int
access_is_own(const struct principal *p, const struct access_object *obj)
{
	return obj != NULL && obj->owner != NULL && obj->owner[0] != '\0' &&
	    p->username != NULL && strcmp(obj->owner, p->username) == 0;
}

unsigned
access_case_roles(const struct principal *p, const struct access_object *obj)
{
	unsigned	r = p->roles & ROLES_ALL_CASES;

	if (obj != NULL)
		r |= p->roles & ROLES_ASSIGNED & (obj->assigned | p->see_all);
	if ((p->roles & ROLE_BIT(ROLE_APPLICANT)) && access_is_own(p, obj))
		r |= ROLE_BIT(ROLE_APPLICANT);
	return r;
}

int
access_case_scope(const struct principal *p)
{
	if (p->roles & (ROLES_ALL_CASES | (ROLES_ASSIGNED & p->see_all)))
		return 0;
	if (p->roles & ROLES_ASSIGNED)
		return 1;
	if ((p->roles & ROLE_BIT(ROLE_APPLICANT)) && p->username != NULL)
		return 2;
	return -1;
}

enum access_decision
access_check(const struct principal *p, enum access_action act,
    const struct access_object *obj, const char **reason)
{
	*reason = NULL;
	if (p == NULL) {
		*reason = "not signed in";
		return ACCESS_DENY;
	}
	/* Tenancy: another organization's object does not exist for p. */
	if (obj != NULL && obj->org_id != 0 && obj->org_id != p->org_id) {
		*reason = "object of another organization";
		return ACCESS_NOT_FOUND;
	}
	switch (act) {
	case ACT_SELF_READ:
	case ACT_SELF_SIGN_OUT:
		return ACCESS_ALLOW;
	case ACT_AUDIT_READ:
		if (p->roles & (ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN)))
			return ACCESS_ALLOW;
		*reason = "the audit trail is for the auditor and admin roles";
		return ACCESS_DENY;
	case ACT_POLICY_READ:
		if (p->roles & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR) |
		    ROLE_BIT(ROLE_ADJUDICATOR) | ROLE_BIT(ROLE_AUTHORITY) |
		    ROLE_BIT(ROLE_CSO)))
			return ACCESS_ALLOW;
		*reason = "the policy status is for admin, auditor, adjudicator, "
		    "authority and cso";
		return ACCESS_DENY;
	case ACT_POLICY_EVALUATE:
		if (p->roles & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_ADJUDICATOR)))
			return ACCESS_ALLOW;
		*reason = "trying the policy is for admin and adjudicator";
		return ACCESS_DENY;
	case ACT_PERSON_CREATE:
	case ACT_CASE_OPEN:
		if (p->roles & ROLE_BIT(ROLE_CSO))
			return ACCESS_ALLOW;
		if (act == ACT_PERSON_CREATE &&
		    (p->roles & ROLE_BIT(ROLE_SCREENING)))
			return ACCESS_ALLOW;
		*reason = act == ACT_CASE_OPEN ? "opening a case is for the cso" :
		    "recording a person is for the cso and screening";
		return ACCESS_DENY;
	case ACT_CASE_ASSIGN:
		if (p->roles & ROLE_BIT(ROLE_CSO))
			return ACCESS_ALLOW;
		*reason = "assigning a case is for the cso";
		return ACCESS_DENY;
	case ACT_CLEARANCE_CHANGE:
		if (p->roles & ROLE_BIT(ROLE_CSO))
			return ACCESS_ALLOW;
		*reason = "changing a clearance is for the cso";
		return ACCESS_DENY;
	case ACT_CLEARANCE_REVOKE:
		if (p->roles & ROLE_BIT(ROLE_AUTHORITY))
			return ACCESS_ALLOW;
		*reason = "revoking a clearance is for the authority";
		return ACCESS_DENY;
	case ACT_STATS_READ:
		if (p->roles & (ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUTHORITY) |
		    ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_ADMIN)))
			return ACCESS_ALLOW;
		*reason = "the figures are for the cso, authority, auditor and "
		    "admin";
		return ACCESS_DENY;
	case ACT_HOLD_MANAGE:
		if (p->roles & (ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_ADMIN)))
			return ACCESS_ALLOW;
		*reason = "legal holds are for the cso and admin";
		return ACCESS_DENY;
	case ACT_REPORT_READ:
		if (p->roles & (ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUTHORITY) |
		    ROLE_BIT(ROLE_AUDITOR)))
			return ACCESS_ALLOW;
		*reason = "the reports to the regulator are for the cso, "
		    "authority and auditor";
		return ACCESS_DENY;
	case ACT_REPORT_SEND:
		if (p->roles & ROLE_BIT(ROLE_CSO))
			return ACCESS_ALLOW;
		*reason = "the cso sends the reports to the regulator";
		return ACCESS_DENY;
	case ACT_APPEAL_RUN:
		if (p->roles & ROLE_BIT(ROLE_APPEALS))
			return ACCESS_ALLOW;
		*reason = "appeals are run by the appeals role";
		return ACCESS_DENY;
	case ACT_CASE_LIST:
		if (access_case_scope(p) >= 0)
			return ACCESS_ALLOW;
		*reason = "cases are for the roles that work on them";
		return ACCESS_DENY;
	case ACT_PERSON_READ:
	case ACT_CASE_READ:
		if (access_case_roles(p, obj) != 0)
			return ACCESS_ALLOW;
		/* An applicant learns nothing of other files, not even
		 * that they exist. */
		if ((p->roles & ~ROLE_BIT(ROLE_APPLICANT)) == 0) {
			*reason = "not the applicant's own file";
			return ACCESS_NOT_FOUND;
		}
		*reason = "no need to know: not assigned to this case";
		return ACCESS_DENY;
	case ACT_COUNT:
		break;
	}
	*reason = "unknown action";
	return ACCESS_DENY;
}
