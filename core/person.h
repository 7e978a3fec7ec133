/*
 * person: the identity of an applicant or holder, within one organization:
 * the data of section_person_fields, and the directory username that links
 * the person to their own file (an applicant sees only their own).
 */
#ifndef VETD_PERSON_H
#define VETD_PERSON_H

#include <jansson.h>

#include "store.h"

enum person_status { PERSON_OK, PERSON_NOT_FOUND, PERSON_EXISTS,
    PERSON_ERROR };

/* Store a person (data already validated). Inside the caller's transaction.
 * username may be NULL. */
enum person_status person_create(struct store *, long long org_id,
		    json_t *data, const char *username, long long *id);
/* The person as {id, username, ...data}, or NULL (not found in org_id). */
json_t		*person_get(struct store *, long long org_id, long long id);
/* The person's data alone (no id or username), or NULL. */
json_t		*person_data_of(struct store *, long long org_id, long long id);
/* The username linked to a person ("" when none). */
enum person_status person_username(struct store *, long long org_id,
		    long long id, char *buf, size_t len);

#endif
