/*
 * section: the shapes of the case file's sections. See section.h. Lengths
 * are generous but bounded; dates are YYYY-MM-DD; countries assigned ISO 3166
 * alpha-2. REGDOC-2.12.2 paragraphs name what each section holds.
 */
#include "autoconf.h"

#include <string.h>

#include "section.h"

#define TXT(n, max)		{ n, V_STRING, 0, 1, max, NULL, NULL, 0, 0 }
#define TXT_REQ(n, max)		{ n, V_STRING, V_REQUIRED, 1, max, NULL, NULL, 0, 0 }
#define NOTE(n, max)		{ n, V_TEXT, 0, 1, max, NULL, NULL, 0, 0 }
#define NOTE_REQ(n, max)	{ n, V_TEXT, V_REQUIRED, 1, max, NULL, NULL, 0, 0 }
#define DATE(n)			{ n, V_DATE, V_NULLABLE, 0, 0, NULL, NULL, 0, 0 }
#define DATE_REQ(n)		{ n, V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 }
#define ENUM_REQ(n, c)		{ n, V_ENUM, V_REQUIRED, 0, 0, c, NULL, 0, 0 }
#define ENUM(n, c)		{ n, V_ENUM, 0, 0, 0, c, NULL, 0, 0 }
#define BOOL(n)			{ n, V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 }
#define COUNTRY(n)		{ n, V_COUNTRY, 0, 0, 0, NULL, NULL, 0, 0 }
#define COUNTRY_REQ(n)		{ n, V_COUNTRY, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 }
#define OBJ(n, sub)		{ n, V_OBJECT, 0, 0, 0, NULL, sub, 0, 0 }
#define END			{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }

/* --- the person (REGDOC 5.2.1) --------------------------------------------- */

static const struct vfield place_fields[] = {
	TXT("city", 200), TXT("region", 200), COUNTRY("country"), END
};

static const struct vfield address_fields[] = {
	TXT("line", 300), TXT("city", 200), TXT("region", 200),
	TXT("postal_code", 20), COUNTRY("country"), END
};

const struct vfield section_person_fields[] = {
	TXT_REQ("name", 300),
	{ "other_names", V_LIST, 0, 0, 20, NULL, NULL, V_STRING, 0 },
	DATE_REQ("date_of_birth"),
	OBJ("place_of_birth", place_fields),
	{ "citizenships", V_LIST, 0, 0, 10, NULL, NULL, V_COUNTRY, 0 },
	OBJ("address", address_fields),
	TXT("occupation", 200),
	END
};

/* --- the applicant's sections --------------------------------------------- */

static const struct vfield residence_fields[] = {
	DATE_REQ("from"), DATE("to"), COUNTRY_REQ("country"),
	TXT("address", 300), TXT("city", 200), TXT("region", 200), END
};

static const struct vfield employment_fields[] = {
	DATE_REQ("from"), DATE("to"), TXT_REQ("employer", 300),
	COUNTRY("country"), TXT("position", 200), TXT("address", 300), END
};

static const struct vfield education_fields[] = {
	DATE("from"), DATE("to"), TXT_REQ("institution", 300),
	TXT("qualification", 300), COUNTRY("country"), END
};

static const char *const id_types[] = {
	"passport", "birth_certificate", "citizenship_certificate",
	"driver_licence", "provincial_id", "permanent_resident_card",
	"work_permit", "other", NULL
};

static const struct vfield identity_fields[] = {
	ENUM_REQ("type", id_types), TXT_REQ("number", 100),
	COUNTRY_REQ("issuer"), DATE("expiry"), BOOL("photo"),
	{ "language", V_STRING, 0, 2, 3, NULL, NULL, 0, 0 },
	BOOL("translation"), END
};

static const char *const conviction_classes[] = { "indictable", "summary",
	NULL };

static const struct vfield conviction_fields[] = {
	TXT_REQ("offence", 300), DATE_REQ("date"),
	ENUM_REQ("class", conviction_classes), TXT("disposition", 300),
	COUNTRY("country"), END
};

static const struct vfield gap_fields[] = {
	DATE_REQ("from"), DATE_REQ("to"), NOTE_REQ("explanation", 2000), END
};

/* Consent (REGDOC 5.1): parts A, D and E are the office's, B and C the
 * applicant's; a part is signed by whoever writes it (recorded by vetd). */
static const struct vfield consent_part_fields[] = {
	DATE_REQ("date"), TXT("signed_by", 20), TXT("signer", 300), END
};

static const struct vfield consent_parts_fields[] = {
	OBJ("A", consent_part_fields), OBJ("B", consent_part_fields),
	OBJ("C", consent_part_fields), OBJ("D", consent_part_fields),
	OBJ("E", consent_part_fields), END
};

static const struct vfield consent_fields[] = {
	OBJ("parts", consent_parts_fields), END
};

/* --- the office's sections ------------------------------------------------- */

static const char *const crnc_results[] = { "no_record", "record", "pending",
	"unavailable", NULL };

static const struct vfield crnc_fields[] = {
	COUNTRY_REQ("country"), TXT("jurisdiction", 200),
	ENUM_REQ("result", crnc_results), DATE("date"), END
};

static const char *const credit_results[] = { "satisfactory", "adverse",
	NULL };

static const struct vfield credit_fields[] = {
	DATE_REQ("date"), ENUM_REQ("result", credit_results),
	NOTE("notes", 2000), END
};

static const struct vfield position_fields[] = {
	TXT("title", 200), BOOL("credit_check_required"), END
};

static const char *const adverse_sources[] = { "agency", "self",
	"reference", "records", "other", NULL };

static const struct vfield adverse_fields[] = {
	ENUM_REQ("source", adverse_sources), TXT_REQ("summary_code", 64),
	DATE("date"), END
};

#define APPLICANT_WRITES	(ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_CSO))
#define OFFICE_WRITES		(ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_CSO))

const struct section section_catalog[] = {
	{ "personal", section_person_fields, 0, 0, 0, APPLICANT_WRITES,
	    SECTION_APPLICANT },
	{ "consent", consent_fields, 0, 0, 0, APPLICANT_WRITES,
	    SECTION_APPLICANT },
	{ "residences", residence_fields, 1, V_INTERVAL, 60, APPLICANT_WRITES,
	    SECTION_APPLICANT },
	{ "employment", employment_fields, 1, V_INTERVAL, 60,
	    APPLICANT_WRITES, SECTION_APPLICANT },
	{ "education", education_fields, 1, V_INTERVAL, 30, APPLICANT_WRITES,
	    SECTION_APPLICANT },
	{ "identity_documents", identity_fields, 1, 0, 10, APPLICANT_WRITES,
	    SECTION_APPLICANT },
	{ "convictions", conviction_fields, 1, 0, 50, APPLICANT_WRITES,
	    SECTION_APPLICANT },
	{ "history_gaps_explained", gap_fields, 1, V_INTERVAL, 30,
	    APPLICANT_WRITES, SECTION_APPLICANT },
	{ "crnc", crnc_fields, 1, 0, 50, OFFICE_WRITES, 0 },
	{ "credit_check", credit_fields, 0, 0, 0, OFFICE_WRITES, 0 },
	{ "position", position_fields, 0, 0, 0, ROLE_BIT(ROLE_CSO), 0 },
	{ "adverse", adverse_fields, 1, 0, 50, OFFICE_WRITES, 0 },
	{ NULL, NULL, 0, 0, 0, 0, 0 }
};

const struct section *
section_find(const char *name)
{
	const struct section	*s;

	for (s = section_catalog; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

int
section_validate(const struct section *sec, json_t *data, struct vresult *r)
{
	struct vfield	f;

	memset(&f, 0, sizeof(f));
	f.name = sec->name;
	if (sec->list) {
		f.type = V_LIST;
		f.item = V_OBJECT;
		f.sub = sec->shape;
		f.item_flags = sec->list_flags;
		f.max = sec->max_items;
		return validate_value(data, &f, sec->name, r);
	}
	return validate_object(data, sec->shape, 0, sec->name, r);
}
