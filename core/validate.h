/*
 * validate: check JSON input against a declared shape, reporting each
 * problem with its field path ("residences[2].to"). A shape is a table of
 * fields: name, type, required or not, bounds, choices, and for objects and
 * lists of objects the shape of what is inside. Unknown fields are errors.
 * Dates are real calendar dates written YYYY-MM-DD; an object marked
 * V_INTERVAL has from <= to. This checks shape only: whether something is
 * complete is the policy's business.
 */
#ifndef VETD_VALIDATE_H
#define VETD_VALIDATE_H

#include <stddef.h>

#include <jansson.h>

enum vtype {
	V_STRING,	/* one line of text, no control characters */
	V_TEXT,		/* free text: newlines and tabs allowed */
	V_DATE,		/* YYYY-MM-DD, 1900-01-01 .. 2199-12-31 */
	V_ENUM,		/* one of choices */
	V_BOOL,
	V_INT,		/* whole number in [min, max] */
	V_COUNTRY,	/* ISO 3166-1 alpha-2, upper case */
	V_OBJECT,	/* sub: its fields */
	V_LIST,		/* items of type item (sub for objects), min..max items */
	V_ANY_OBJECT	/* any JSON object up to max bytes when dumped */
};

#define V_REQUIRED	0x1
#define V_NULLABLE	0x2	/* null is allowed (and means "not given") */
#define V_INTERVAL	0x4	/* an object with from <= to (to may be absent) */

struct vfield {
	const char		*name;
	enum vtype		 type;
	unsigned		 flags;
	long long		 min;		/* length, items or value */
	long long		 max;
	const char *const	*choices;	/* V_ENUM, NULL-terminated */
	const struct vfield	*sub;		/* V_OBJECT, V_LIST of objects */
	enum vtype		 item;		/* V_LIST */
	unsigned		 item_flags;	/* V_LIST of objects: V_INTERVAL */
};

#define VALIDATE_MAX_ERRORS	20

struct verror {
	char	path[160];
	char	message[200];
};

struct vresult {
	struct verror	e[VALIDATE_MAX_ERRORS];
	size_t		n;
	size_t		more;		/* errors beyond those kept */
};

/*
 * Check obj against fields (flags: V_INTERVAL for obj itself). prefix is
 * the path of obj ("" at the top). Adds to r; returns 0 when r has no
 * errors afterwards.
 */
int	validate_object(json_t *obj, const struct vfield *fields, unsigned flags,
	    const char *prefix, struct vresult *r);

/* Check one value against one field's type and bounds. */
int	validate_value(json_t *v, const struct vfield *f, const char *path,
	    struct vresult *r);

/* Is s a calendar date YYYY-MM-DD in the accepted range? */
int	validate_date(const char *s);

/* The errors as a JSON array [{"field":..,"message":..}] (new reference). */
json_t	*validate_errors_json(const struct vresult *);

#endif
