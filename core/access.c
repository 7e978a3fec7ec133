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

int
access_ceiling(unsigned roles, const int *ceiling)
{
	int	r, best = -1;

	for (r = 0; r < ROLE_COUNT; r++)
		if ((roles & ROLE_BIT(r)) && ceiling[r] > best)
			best = ceiling[r];
	return best;
}

/* Roles that work on a file's documents (the auditor reads only). */
#define ROLES_DOC_WORK	(ROLE_BIT(ROLE_APPLICANT) | ROLE_BIT(ROLE_SCREENING) | \
			 ROLE_BIT(ROLE_INTERVIEWER) | ROLE_BIT(ROLE_ADJUDICATOR) | \
			 ROLE_BIT(ROLE_AUTHORITY) | ROLE_BIT(ROLE_CSO) | \
			 ROLE_BIT(ROLE_APPEALS))

/*
 * The document actions: need-to-know on the file (roles held on it), then
 * the marking within the ceiling of the roles that give that need
 * (REGDOC appendix D). The two-person rule is the release's, on top.
 */
static enum access_decision
access_document(const struct principal *p, enum access_action act,
    const struct access_document *d, const char **reason)
{
	unsigned	use = d->roles;

	if (act == ACT_DOC_DESTROY && !(p->roles & ROLE_BIT(ROLE_AUTHORITY))) {
		*reason = "destroying a document is ordered by the authority";
		return ACCESS_DENY;
	}
	/* the applicant reads what they uploaded to their own file */
	if (act == ACT_DOC_READ && d->uploader && d->uploader_reads &&
	    (d->roles & ROLE_BIT(ROLE_APPLICANT)))
		return ACCESS_ALLOW;
	if (d->roles == 0) {
		if ((p->roles & ~ROLE_BIT(ROLE_APPLICANT)) == 0) {
			*reason = "not the applicant's own file";
			return ACCESS_NOT_FOUND;
		}
		*reason = "no need to know: not assigned to this file";
		return ACCESS_DENY;
	}
	switch (act) {
	case ACT_DOC_UPLOAD:
	case ACT_DOC_LINK:
		use &= ROLES_DOC_WORK;
		*reason = "the auditor does not add to a file";
		break;
	case ACT_DOC_VERIFY:
		use &= ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_CSO);
		*reason = "recording a certified copy is for screening and the "
		    "cso";
		break;
	case ACT_DOC_DESTROY:
		/* the order needs no reading: the need to know on the file
		 * is enough, whatever the marking */
		return ACCESS_ALLOW;
	default:
		break;
	}
	if (use == 0)
		return ACCESS_DENY;
	if (d->rank < 0) {
		*reason = "the marking is not on the organization's scale";
		return ACCESS_DENY;
	}
	if (d->rank > access_ceiling(use, d->ceiling)) {
		*reason = "the marking is above what the role may see";
		return ACCESS_DENY;
	}
	*reason = NULL;
	return ACCESS_ALLOW;
}

int
access_incident_reporter(const struct principal *p,
    const struct access_incident *inc)
{
	return inc->reporter || (p->roles & ROLE_BIT(ROLE_CSO)) ||
	    !inc->confidential;
}

/*
 * Incidents (reference 000): the cso handles them and sees them all; the
 * reporter sees their own, the subject those about them, the authority
 * and the auditor all of them (without a confidential reporter). Anyone
 * named in a report never sees it, whatever their roles.
 */
static enum access_decision
access_incident(const struct principal *p, enum access_action act,
    const struct access_incident *inc, const char **reason)
{
	int	reads;

	if (inc->named && !inc->reporter) {
		*reason = "named in the report";
		return ACCESS_NOT_FOUND;
	}
	reads = (p->roles & (ROLE_BIT(ROLE_CSO) | ROLE_BIT(ROLE_AUTHORITY) |
	    ROLE_BIT(ROLE_AUDITOR))) || inc->reporter || inc->subject;
	if (act == ACT_INCIDENT_HANDLE && (p->roles & ROLE_BIT(ROLE_CSO)))
		return ACCESS_ALLOW;
	if (act == ACT_INCIDENT_READ && reads)
		return ACCESS_ALLOW;
	if (!reads && (p->roles & ~ROLE_BIT(ROLE_APPLICANT)) == 0) {
		*reason = "not a report of theirs or about them";
		return ACCESS_NOT_FOUND;
	}
	*reason = act == ACT_INCIDENT_HANDLE ? "incidents are handled by the "
	    "cso" : "incidents are for the cso, the authority, the auditor, "
	    "the reporter and the person concerned";
	return ACCESS_DENY;
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
	case ACT_DOC_UPLOAD:
	case ACT_DOC_READ:
	case ACT_DOC_RELEASE:
	case ACT_DOC_VERIFY:
	case ACT_DOC_LINK:
	case ACT_DOC_DESTROY:
		if (obj == NULL || obj->doc == NULL) {
			*reason = "no document";
			return ACCESS_DENY;
		}
		return access_document(p, act, obj->doc, reason);
	case ACT_INCIDENT_FILE:
		if (p->username != NULL && p->roles != 0)
			return ACCESS_ALLOW;
		*reason = "a report is filed by a person signed in, not an API "
		    "token";
		return ACCESS_DENY;
	case ACT_INCIDENT_READ:
	case ACT_INCIDENT_HANDLE:
		if (obj == NULL || obj->incident == NULL) {
			*reason = "no incident";
			return ACCESS_DENY;
		}
		return access_incident(p, act, obj->incident, reason);
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
