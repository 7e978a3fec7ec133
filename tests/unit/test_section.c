/*
 * Unit tests of section, with no database: the catalog (the expected
 * names, each found by section_find, unknown and differently spelled names
 * not found, writers limited to screening and the CSO with the applicant
 * by flag only on the applicant's own sections), each section's shape
 * accepting a good example and refusing a bad one with the right path,
 * list bounds and the wrong JSON type for list and object sections, every
 * dated list item checked from <= to, and the protected grounds: walking
 * every shape (and the person's) recursively, no field is named for
 * gender, sex, sexual orientation, ethnicity, race, disability or marital
 * status, and sending one is refused as an unknown field.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "access.h"
#include "section.h"

static struct vresult vr;

static void dump_errors(char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < vr.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "[%s: %s] ",
					vr.e[i].path, vr.e[i].message);
}

/* Validate json (text) as section name; the result is in vr. */
static int check(const char *name, const char *json)
{
	const struct section *s = section_find(name);
	json_error_t je;
	json_t *j;
	int rc;

	cr_assert_not_null(s, "no section %s", name);
	j = json_loads(json, JSON_DECODE_ANY, &je);
	cr_assert_not_null(j, "%s: %s", json, je.text);
	memset(&vr, 0, sizeof(vr));
	rc = section_validate(s, j, &vr);
	json_decref(j);
	return rc;
}

static void good(const char *name, const char *json)
{
	char all[2048];
	int rc = check(name, json);

	dump_errors(all, sizeof(all));
	cr_expect_eq(rc, 0, "%s refused %s: %s", name, json, all);
	cr_expect_eq(vr.n, 0);
}

/* Refused with exactly one error at path whose message contains msg. */
static void bad(const char *name, const char *json, const char *path,
		const char *msg)
{
	char all[2048];
	int rc = check(name, json);

	dump_errors(all, sizeof(all));
	cr_expect_eq(rc, -1, "%s accepted %s", name, json);
	cr_expect(vr.n == 1 && strcmp(vr.e[0].path, path) == 0 &&
		  strstr(vr.e[0].message, msg) != NULL,
		  "%s, %s: want [%s: %s], got %s", name, json, path, msg, all);
}

/* --- the catalog -------------------------------------------------------- */

static const char *const names[] = { "personal", "consent", "residences",
	"employment", "education", "identity_documents", "convictions",
	"history_gaps_explained", "crnc", "credit_check", "position",
	"adverse", NULL };

Test(section, catalog_names_and_find)
{
	const struct section *s;
	const char *const *n;
	size_t count = 0;

	for (n = names; *n != NULL; n++) {
		s = section_find(*n);
		cr_assert_not_null(s, "section %s not found", *n);
		cr_assert_str_eq(s->name, *n);
		cr_assert_not_null(s->shape, "%s has no shape", *n);
	}
	for (s = section_catalog; s->name != NULL; s++) {
		for (n = names; *n != NULL && strcmp(*n, s->name) != 0; n++)
			;
		cr_assert_not_null(*n, "unexpected section %s", s->name);
		cr_assert_eq(section_find(s->name), s, "%s listed twice",
			     s->name);
		count++;
	}
	cr_assert_eq(count, sizeof(names) / sizeof(names[0]) - 1);
}

Test(section, unknown_names_are_not_found)
{
	cr_assert_null(section_find(""));
	cr_assert_null(section_find("Personal"));
	cr_assert_null(section_find("personal "));
	cr_assert_null(section_find("person"));
	cr_assert_null(section_find("residence"));
	cr_assert_null(section_find("residences[0]"));
	cr_assert_null(section_find("gender"));
	cr_assert_null(section_find("no_such_section"));
}

Test(section, writers)
{
	static const char *const office[] = { "crnc", "credit_check",
		"position", "adverse", NULL };
	const unsigned staff = ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_CSO);
	const struct section *s;
	const char *const *n;
	int is_office;

	for (s = section_catalog; s->name != NULL; s++) {
		cr_assert_neq(s->writers, 0, "%s: nobody writes it", s->name);
		cr_assert_eq(s->writers & ~staff, 0, "%s: written by roles "
			     "other than screening and cso (0x%x)", s->name,
			     s->writers);
		cr_assert(s->writers & ROLE_BIT(ROLE_CSO), "%s: not the cso",
			  s->name);
		for (is_office = 0, n = office; *n != NULL; n++)
			if (strcmp(*n, s->name) == 0)
				is_office = 1;
		if (is_office)
			cr_assert_eq(s->flags & SECTION_APPLICANT, 0,
				     "%s: the applicant writes an office "
				     "section", s->name);
		else
			cr_assert(s->flags & SECTION_APPLICANT,
				  "%s: the applicant cannot write it", s->name);
	}
	cr_assert_eq(section_find("position")->writers, ROLE_BIT(ROLE_CSO));
}

/* Does fields (one level) have a field called name? */
static const struct vfield *field(const struct vfield *fields,
				  const char *name)
{
	for (; fields->name != NULL; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

Test(section, dated_list_items_are_intervals)
{
	const struct section *s;

	for (s = section_catalog; s->name != NULL; s++) {
		if (!s->list) {
			cr_assert_eq(s->max_items, 0, "%s", s->name);
			continue;
		}
		cr_assert_gt(s->max_items, 0, "%s: no item limit", s->name);
		if (field(s->shape, "from") && field(s->shape, "to"))
			cr_assert(s->list_flags & V_INTERVAL,
				  "%s: from and to not checked in order",
				  s->name);
	}
}

/* --- the protected grounds ---------------------------------------------- */

/* Lower-cased name contains one of the protected grounds? */
static const char *protected_ground(const char *name)
{
	static const char *const grounds[] = { "gender", "sex",
		"sexual_orientation", "orientation", "ethnic", "race",
		"disabilit", "disabled", "marital", "spouse", "married", NULL };
	char low[128];
	size_t i;
	const char *const *g;

	for (i = 0; name[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	for (g = grounds; *g != NULL; g++)
		if (strstr(low, *g) != NULL)
			return *g;
	return NULL;
}

/* Walk fields and every shape inside; returns the number of fields. */
static int walk(const struct vfield *fields, const char *where, int depth)
{
	char path[300];
	const char *g;
	int n = 0;

	cr_assert_lt(depth, 10, "%s: shapes nested too deep", where);
	for (; fields->name != NULL; fields++) {
		n++;
		snprintf(path, sizeof(path), "%s.%s", where, fields->name);
		g = protected_ground(fields->name);
		cr_assert_null(g, "%s: a field for a protected ground (%s)",
			       path, g);
		if (fields->sub != NULL)
			n += walk(fields->sub, path, depth + 1);
		if (fields->choices != NULL) {
			const char *const *c;

			for (c = fields->choices; *c != NULL; c++)
				cr_assert_null(protected_ground(*c),
					       "%s: choice %s", path, *c);
		}
	}
	return n;
}

Test(section, protected_grounds_are_never_collected)
{
	const struct section *s;
	int n = 0;

	for (s = section_catalog; s->name != NULL; s++)
		n += walk(s->shape, s->name, 0);
	n += walk(section_person_fields, "person", 0);
	/* the walk saw the nested shapes, not just the top level */
	cr_assert_gt(n, 60, "only %d fields walked", n);
}

Test(section, protected_grounds_are_refused_as_unknown)
{
	static const char *const keys[] = { "gender", "sex",
		"sexual_orientation", "ethnicity", "race", "disability",
		"marital_status", NULL };
	const char *const *k;
	char json[300], path[100];

	for (k = keys; *k != NULL; k++) {
		snprintf(json, sizeof(json), "{\"name\":\"A\",\"date_of_birth\":"
			 "\"1990-01-01\",\"%s\":\"x\"}", *k);
		snprintf(path, sizeof(path), "personal.%s", *k);
		bad("personal", json, path, "not a known field");
		snprintf(json, sizeof(json), "{\"name\":\"A\",\"date_of_birth\":"
			 "\"1990-01-01\",\"address\":{\"%s\":\"x\"}}", *k);
		snprintf(path, sizeof(path), "personal.address.%s", *k);
		bad("personal", json, path, "not a known field");
		snprintf(json, sizeof(json), "[{\"from\":\"2020-01-01\","
			 "\"country\":\"CA\",\"%s\":\"x\"}]", *k);
		snprintf(path, sizeof(path), "residences[0].%s", *k);
		bad("residences", json, path, "not a known field");
	}
}

/* --- each section's shape ----------------------------------------------- */

Test(section, personal)
{
	good("personal", "{\"name\":\"Alice Example\",\"other_names\":"
	     "[\"Alice Smith\"],\"date_of_birth\":\"1990-05-17\","
	     "\"place_of_birth\":{\"city\":\"Ottawa\",\"region\":\"ON\","
	     "\"country\":\"CA\"},\"citizenships\":[\"CA\",\"NZ\"],"
	     "\"address\":{\"line\":\"1 Main St\",\"city\":\"Ottawa\","
	     "\"region\":\"ON\",\"postal_code\":\"K1A 0A1\",\"country\":\"CA\"},"
	     "\"occupation\":\"Engineer\"}");
	good("personal", "{\"name\":\"A\",\"date_of_birth\":\"2000-02-29\"}");
	bad("personal", "{\"name\":\"A\",\"date_of_birth\":\"1990-02-30\"}",
	    "personal.date_of_birth", "YYYY-MM-DD");
	bad("personal", "{\"date_of_birth\":\"1990-02-03\"}", "personal.name",
	    "is required");
	bad("personal", "{\"name\":\"A\"}", "personal.date_of_birth",
	    "is required");
	bad("personal", "{\"name\":\"A\",\"date_of_birth\":\"1990-01-01\","
	    "\"citizenships\":[\"CA\",\"nz\"]}", "personal.citizenships[1]",
	    "country");
	bad("personal", "{\"name\":\"A\",\"date_of_birth\":\"1990-01-01\","
	    "\"place_of_birth\":{\"country\":\"Canada\"}}",
	    "personal.place_of_birth.country", "country");
	bad("personal", "{\"name\":\"A\\nB\",\"date_of_birth\":\"1990-01-01\"}",
	    "personal.name", "control characters");
	bad("personal", "[]", "personal", "must be an object");
}

Test(section, person_shape_for_new_persons)
{
	json_t *j = json_pack("{s:s, s:s, s:[s,s,s,s,s,s,s,s,s,s,s]}", "name",
			      "A", "date_of_birth", "1990-01-01", "citizenships",
			      "CA", "NZ", "GB", "US", "FR", "DE", "IT", "ES",
			      "PT", "IE", "NL");

	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, section_person_fields, 0, "", &vr), -1);
	cr_assert_eq(vr.n, 1);
	cr_assert_str_eq(vr.e[0].path, "citizenships");
	json_array_remove(json_object_get(j, "citizenships"), 0);
	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, section_person_fields, 0, "", &vr), 0,
		     "ten citizenships refused");
	json_decref(j);
}

Test(section, consent)
{
	good("consent", "{\"parts\":{\"A\":{\"date\":\"2024-01-10\","
	     "\"signed_by\":\"J. Officer\"},\"B\":{\"date\":\"2024-01-11\"},"
	     "\"E\":{\"date\":\"2024-01-12\"}}}");
	good("consent", "{}");
	bad("consent", "{\"parts\":{\"F\":{\"date\":\"2024-01-10\"}}}",
	    "consent.parts.F", "not a known field");
	bad("consent", "{\"parts\":{\"B\":{\"signed_by\":\"me\"}}}",
	    "consent.parts.B.date", "is required");
	bad("consent", "{\"parts\":{\"C\":{\"date\":\"10/01/2024\"}}}",
	    "consent.parts.C.date", "YYYY-MM-DD");
}

Test(section, residences)
{
	good("residences", "[{\"from\":\"2019-01-01\",\"to\":\"2021-06-30\","
	     "\"country\":\"CA\",\"address\":\"1 Main St\",\"city\":\"Ottawa\","
	     "\"region\":\"ON\"},{\"from\":\"2021-07-01\",\"to\":null,"
	     "\"country\":\"NZ\"}]");
	good("residences", "[]");
	bad("residences", "[{\"from\":\"2019-01-01\",\"country\":\"CA\"},"
	    "{\"from\":\"2021-07-01\",\"to\":\"2021-06-01\",\"country\":\"NZ\"}]",
	    "residences[1].to", "before from");
	bad("residences", "[{\"from\":\"2019-01-01\"}]", "residences[0].country",
	    "is required");
	bad("residences", "{\"from\":\"2019-01-01\",\"country\":\"CA\"}",
	    "residences", "must be a list");
}

Test(section, residences_item_limit)
{
	char json[8000];
	size_t off = 0;
	int i;

	off += (size_t)snprintf(json + off, sizeof(json) - off, "[");
	for (i = 0; i < 61; i++)
		off += (size_t)snprintf(json + off, sizeof(json) - off,
					"%s{\"from\":\"2000-01-01\",\"country\":"
					"\"CA\"}", i ? "," : "");
	snprintf(json + off, sizeof(json) - off, "]");
	bad("residences", json, "residences", "0 to 60 items");
	/* sixty are fine */
	json[off - strlen(",{\"from\":\"2000-01-01\",\"country\":\"CA\"}")] =
	    '\0';
	cr_assert_lt(strlen(json), off);
	off = strlen(json);
	snprintf(json + off, sizeof(json) - off, "]");
	good("residences", json);
}

Test(section, employment)
{
	good("employment", "[{\"from\":\"2018-01-01\",\"to\":null,"
	     "\"employer\":\"Acme Ltd\",\"country\":\"CA\",\"position\":"
	     "\"Developer\",\"address\":\"2 Side St\"}]");
	bad("employment", "[{\"from\":\"2018-01-01\"}]",
	    "employment[0].employer", "is required");
	bad("employment", "[{\"from\":\"2018-01-01\",\"to\":\"2017-12-31\","
	    "\"employer\":\"Acme\"}]", "employment[0].to", "before from");
	bad("employment", "[{\"from\":\"2018-01-01\",\"employer\":\"Acme\","
	    "\"salary\":100}]", "employment[0].salary", "not a known field");
}

Test(section, education)
{
	good("education", "[{\"institution\":\"University of Toronto\","
	     "\"qualification\":\"BSc\",\"from\":\"2010-09-01\","
	     "\"to\":\"2014-06-30\",\"country\":\"CA\"},"
	     "{\"institution\":\"Night school\"}]");
	bad("education", "[{\"institution\":\"U\",\"from\":\"2014-09-01\","
	    "\"to\":\"2010-06-30\"}]", "education[0].to", "before from");
	bad("education", "[{\"qualification\":\"BSc\"}]",
	    "education[0].institution", "is required");
}

Test(section, identity_documents)
{
	good("identity_documents", "[{\"type\":\"passport\",\"number\":"
	     "\"AB123456\",\"issuer\":\"CA\",\"expiry\":\"2030-01-01\","
	     "\"photo\":true,\"language\":\"en\",\"translation\":false},"
	     "{\"type\":\"driver_licence\",\"number\":\"D1\",\"issuer\":\"US\","
	     "\"language\":\"fra\"}]");
	bad("identity_documents", "[{\"type\":\"visa\",\"number\":\"1\","
	    "\"issuer\":\"CA\"}]", "identity_documents[0].type",
	    "allowed values");
	bad("identity_documents", "[{\"type\":\"passport\",\"number\":\"1\","
	    "\"issuer\":\"CA\",\"language\":\"e\"}]",
	    "identity_documents[0].language", "2 to 3 bytes");
	bad("identity_documents", "[{\"type\":\"passport\",\"number\":\"1\","
	    "\"issuer\":\"CA\",\"language\":\"engl\"}]",
	    "identity_documents[0].language", "2 to 3 bytes");
	bad("identity_documents", "[{\"type\":\"passport\",\"number\":\"1\","
	    "\"issuer\":\"CA\",\"photo\":\"yes\"}]",
	    "identity_documents[0].photo", "true or false");
	bad("identity_documents", "[{\"type\":\"passport\",\"number\":\"1\"}]",
	    "identity_documents[0].issuer", "is required");
}

Test(section, convictions)
{
	good("convictions", "[{\"offence\":\"Theft under $5000\",\"date\":"
	     "\"2010-03-04\",\"class\":\"summary\",\"disposition\":\"fine\","
	     "\"country\":\"CA\"}]");
	bad("convictions", "[{\"offence\":\"x\",\"date\":\"2010-03-04\","
	    "\"class\":\"felony\"}]", "convictions[0].class", "allowed values");
	bad("convictions", "[{\"offence\":\"x\",\"class\":\"indictable\"}]",
	    "convictions[0].date", "is required");
}

Test(section, history_gaps_explained)
{
	good("history_gaps_explained", "[{\"from\":\"2015-01-01\",\"to\":"
	     "\"2015-06-30\",\"explanation\":\"Travelling\\nin Asia\"}]");
	bad("history_gaps_explained", "[{\"from\":\"2015-01-01\","
	    "\"explanation\":\"x\"}]", "history_gaps_explained[0].to",
	    "is required");
	bad("history_gaps_explained", "[{\"from\":\"2015-07-01\",\"to\":"
	    "\"2015-06-30\",\"explanation\":\"x\"}]",
	    "history_gaps_explained[0].to", "before from");
	bad("history_gaps_explained", "[{\"from\":\"2015-01-01\",\"to\":"
	    "\"2015-06-30\",\"explanation\":\"bell\\u0007\"}]",
	    "history_gaps_explained[0].explanation", "control characters");
	bad("history_gaps_explained", "[{\"from\":\"2015-01-01\",\"to\":"
	    "null,\"explanation\":\"x\"}]", "history_gaps_explained[0].to",
	    "must not be null");
}

Test(section, crnc)
{
	good("crnc", "[{\"country\":\"GB\",\"jurisdiction\":\"England\","
	     "\"result\":\"no_record\",\"date\":\"2024-02-01\"},"
	     "{\"country\":\"FR\",\"result\":\"pending\"}]");
	bad("crnc", "[{\"country\":\"GB\",\"result\":\"clean\"}]",
	    "crnc[0].result", "allowed values");
	bad("crnc", "[{\"result\":\"record\"}]", "crnc[0].country",
	    "is required");
}

Test(section, credit_check)
{
	good("credit_check", "{\"date\":\"2024-01-01\",\"result\":"
	     "\"satisfactory\",\"notes\":\"Reviewed.\\nNo concerns.\"}");
	bad("credit_check", "{\"date\":\"2024-01-01\",\"result\":\"good\"}",
	    "credit_check.result", "allowed values");
	bad("credit_check", "{\"result\":\"adverse\"}", "credit_check.date",
	    "is required");
	bad("credit_check", "[]", "credit_check", "must be an object");
}

Test(section, position)
{
	good("position", "{\"title\":\"Reactor operator\","
	     "\"credit_check_required\":true}");
	good("position", "{}");
	bad("position", "{\"credit_check_required\":\"yes\"}",
	    "position.credit_check_required", "true or false");
	bad("position", "{\"title\":\"\"}", "position.title", "bytes long");
}

Test(section, adverse)
{
	good("adverse", "[{\"source\":\"agency\",\"summary_code\":\"B4-1\","
	     "\"date\":\"2023-01-01\"}]");
	bad("adverse", "[{\"source\":\"rumour\",\"summary_code\":\"x\"}]",
	    "adverse[0].source", "allowed values");
	bad("adverse", "[{\"source\":\"self\"}]", "adverse[0].summary_code",
	    "is required");
}

Test(section, every_section_refuses_unknown_fields)
{
	const struct section *s;
	char json[200], path[200];

	for (s = section_catalog; s->name != NULL; s++) {
		if (s->list) {
			snprintf(json, sizeof(json), "[{\"zz_unknown\":1}]");
			snprintf(path, sizeof(path), "%s[0].zz_unknown", s->name);
		} else {
			snprintf(json, sizeof(json), "{\"zz_unknown\":1}");
			snprintf(path, sizeof(path), "%s.zz_unknown", s->name);
		}
		cr_expect_eq(check(s->name, json), -1, "%s", s->name);
		cr_expect_str_eq(vr.e[0].path, path, "%s", s->name);
	}
}
