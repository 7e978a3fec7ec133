/*
 * incident: security incidents, breaches, contacts and changes in a
 * screened person's circumstances or behaviour (reference 000), in the
 * store: the report, its history, the cso's preliminary inquiry record
 * (entries never changed), a breach's cause and corrective measures, the
 * report to the authority. Everything takes the organization. Writes run
 * in the caller's transaction.
 */
#ifndef VETD_INCIDENT_H
#define VETD_INCIDENT_H

#include <jansson.h>

#include "store.h"

struct incident {
	long long	id;
	long long	org_id;
	char		type[32];
	char		state[64];
	char		reporter[300];	/* the reporter's username */
	char		subject[257];	/* "" when none */
	int		confidential;
	long long	clearance_id;	/* 0: none */
	long long	review_case_id;	/* 0: none */
	json_t		*named;		/* usernames; owned: incident_clear */
	int		cause_recorded;
	int		report_sent;
};

enum incident_status { INC_OK, INC_NOT_FOUND, INC_CONFLICT, INC_ERROR };

/* Is type one of the report types? circumstance one of the kinds? */
int	incident_type_valid(const char *);
int	incident_circumstance_valid(const char *);

/* Report fields, as checked by the handler. */
struct incident_new {
	long long	 org_id;
	const char	*type, *state, *occurred_on, *location, *description;
	const char	*involved, *reporter, *subject, *circumstance;
	long long	 clearance_id;	/* the subject's live clearance, 0 */
	json_t		*named;		/* borrowed */
	json_t		*holder_factors;	/* borrowed, may be NULL */
	int		 confidential, sensitive_material;
};
enum incident_status incident_insert(struct store *, const struct incident_new *,
	    long long *id);

/* Incident id of org into inc (incident_clear() it). */
enum incident_status incident_get(struct store *, long long org_id,
	    long long id, struct incident *inc);
void	incident_clear(struct incident *);
/* Is username in inc's named list? */
int	incident_names(const struct incident *, const char *username);

/*
 * The incident as the API shows it (new reference): with_reporter adds the
 * reporter; full adds the inquiry record, the measures and the history.
 */
json_t	*incident_json(struct store *, long long id, int with_reporter,
	    int full);
/* What the workflow's guards see: the JSON plus inquiry_final,
 * report_sent, cause_recorded and measures_open. */
json_t	*incident_view(struct store *, long long id);

/* The ids of org's incidents, newest first, filtered (NULL: any). */
json_t	*incident_ids(struct store *, long long org_id, const char *type,
	    const char *state, const char *urgency, const char *from,
	    const char *to, long long limit);

enum incident_status incident_event(struct store *, long long id,
	    const char *actor, const char *type, json_t *detail);
/* Move from state `from` to `to` (INC_CONFLICT when it moved meanwhile);
 * closed stamps closed_at. */
enum incident_status incident_set_state(struct store *, long long id,
	    const char *from, const char *to, int closed);
/* Urgent, due within hours from now. */
enum incident_status incident_set_urgent(struct store *, long long id,
	    long long hours);
enum incident_status incident_set_review(struct store *, long long id,
	    long long case_id);
/* The task to arrange the reporter's sensitive material is done
 * (INC_CONFLICT when there was none, or it was done). */
enum incident_status incident_sensitive_arranged(struct store *, long long id);
/* The clearance the incident is linked to. */
enum incident_status incident_set_clearance(struct store *, long long id,
	    long long clearance_id);

/* An inquiry entry; INC_CONFLICT when the record is final and corrects
 * is 0, or corrects is not an entry of this incident. *entry gets its id. */
enum incident_status incident_inquiry_add(struct store *, long long id,
	    const char *author, const char *what, const char *spoken_to,
	    const char *findings, int final, long long corrects,
	    long long *entry);
json_t	*incident_inquiry_entry(struct store *, long long entry);
/* A breach's cause (INC_CONFLICT once recorded). */
enum incident_status incident_set_cause(struct store *, long long id,
	    const char *finding, const char *actor);

enum incident_status incident_measure_add(struct store *, long long id,
	    const char *description, const char *owner, const char *due_on,
	    const char *actor, long long *measure);
/* Done on a date, or waived with a reason (one of them); INC_CONFLICT
 * when it is not open, INC_NOT_FOUND when not this incident's. */
enum incident_status incident_measure_settle(struct store *, long long id,
	    long long measure, const char *done_on, const char *waived);
json_t	*incident_measure_json(struct store *, long long measure);
/* Measures neither done nor waived. -1 on error. */
long long incident_measures_open(struct store *, long long id);

enum incident_status incident_report_sent(struct store *, long long id,
	    const char *sent_on, const char *how, const char *reference,
	    const char *actor);
/* The findings of the inquiry's entries (corrections included), in
 * order (caller decrefs). */
json_t	*incident_findings(struct store *, long long id);

#endif
