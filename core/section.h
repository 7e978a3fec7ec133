/*
 * section: the parts of a case file. Each section has a declared shape
 * (validate.h), checked in C before anything is stored, and a set of roles
 * that may write it: the applicant writes their own application; screening
 * and the CSO write the office's parts. What a complete application needs
 * is the policy's business (requirements()); here only the shape counts.
 * No section has a field for gender, sexual orientation, ethnicity,
 * physical disability or marital status, so no policy can use them.
 */
#ifndef VETD_SECTION_H
#define VETD_SECTION_H

#include "access.h"
#include "validate.h"

/* Who may write a section (besides the roles in `writers`). */
#define SECTION_APPLICANT	0x1	/* the case's own applicant */

struct section {
	const char		*name;
	const struct vfield	*shape;	/* V_OBJECT fields, or a list item */
	int			 list;	/* data is a list of shape objects */
	unsigned		 list_flags;	/* V_INTERVAL for dated items */
	long long		 max_items;
	unsigned		 writers;	/* ROLE_BIT set */
	unsigned		 flags;		/* SECTION_APPLICANT */
};

/* The section called name, or NULL. */
const struct section *section_find(const char *name);
/* All sections, NULL-terminated by name. */
extern const struct section section_catalog[];

/* Check data against the section's shape. 0, or -1 with r filled. */
int	section_validate(const struct section *, json_t *data,
	    struct vresult *r);

/* The shape of a new person (POST /persons), also the "personal" section. */
extern const struct vfield section_person_fields[];

#endif
