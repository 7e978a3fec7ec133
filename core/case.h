/*
 * case: clearance cases in the store: a case row (kind, level, site,
 * workflow state, hold, the procedural-fairness deadline), its sections
 * (validated JSON, each with a version for optimistic concurrency), its
 * assignments (who works on it in which role) and its event history.
 * Everything takes the organization, so a case of another organization is
 * simply not found.
 */
#ifndef VETD_CASE_H
#define VETD_CASE_H

#include <jansson.h>

#include "store.h"

struct case_row {
	long long	id;
	long long	org_id;
	long long	person_id;
	long long	site_id;	/* 0: none */
	char		site[64];	/* its slug, "" when none */
	char		kind[20];
	char		level[64];
	char		state[64];
	int		on_hold;
	char		response_due[11];	/* "" when none */
	char		opened_at[32];
	char		submitted_at[32];	/* "" when not yet */
	char		applicant[257];	/* the person's username, "" if none */
};

enum case_status { CASE_OK, CASE_NOT_FOUND, CASE_CONFLICT, CASE_ERROR };

enum case_status case_get(struct store *, long long org_id, long long id,
		    struct case_row *);
/* Open a case in state; inside the caller's transaction. */
enum case_status case_open(struct store *, long long org_id,
		    long long person_id, long long site_id, const char *kind,
		    const char *level, const char *state, const char *actor,
		    long long *id);
/* Move case id from state `from` to `to` (CASE_CONFLICT when it is no
 * longer in `from`); submitted stamps submitted_at the first time. */
enum case_status case_set_state(struct store *, long long id,
		    const char *from, const char *to, int submitted);
/* Hold or release (on_hold), with a reason. */
enum case_status case_set_hold(struct store *, long long id, int on,
		    const char *reason);
/* The procedural-fairness deadline (YYYY-MM-DD, NULL to clear). */
enum case_status case_set_response_due(struct store *, long long id,
		    const char *date);
/* Record an event (detail borrowed, may be NULL). */
enum case_status case_event(struct store *, long long case_id,
		    const char *actor, const char *type, json_t *detail);
/* [{id, ts, actor, type, detail}] oldest first. */
json_t		*case_events(struct store *, long long case_id);

/* {name: {data, version, updated_at, updated_by}} */
json_t		*case_sections(struct store *, long long case_id);
/*
 * Replace section name with data when its version is still expect (0 for
 * a section never written). *version gets the new version. CASE_CONFLICT
 * when someone wrote it meanwhile. Inside the caller's transaction.
 */
enum case_status case_section_put(struct store *, long long case_id,
		    const char *name, json_t *data, long long expect,
		    const char *actor, long long *version);
/* The data of one section (new reference) and its version, or NULL. */
json_t		*case_section_get(struct store *, long long case_id,
		    const char *name, long long *version);

enum case_status case_assign(struct store *, long long case_id,
		    const char *role, const char *username, const char *actor);
/* [{role, username, assigned_at}] */
json_t		*case_assignments(struct store *, long long case_id);
/* The roles (ROLE_BIT set) username is assigned on case_id. */
unsigned	 case_assigned_roles(struct store *, long long case_id,
		    const char *username);

/* The case as the policy sees it (DESIGN: the Lua contract). */
json_t		*case_policy_view(struct store *, const struct case_row *);
/* The case row as the API shows it. */
json_t		*case_row_json(const struct case_row *);

/* Which cases a list shows. */
enum case_scope { CASE_SCOPE_ALL, CASE_SCOPE_ASSIGNED, CASE_SCOPE_OWN };

struct case_filter {
	const char	*state;
	const char	*assignee;
	const char	*level;
	const char	*kind;
	long long	 before;	/* id, 0: from the newest */
	long long	 limit;
};

/* The cases of org_id the scope lets `username` see, newest first. */
json_t		*case_list(struct store *, long long org_id,
		    enum case_scope, const char *username,
		    const struct case_filter *);

#endif
