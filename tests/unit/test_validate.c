/*
 * Unit tests of validate, with no database: calendar dates (leap years,
 * the 1900..2199 range, month lengths, separators, padding, text around or
 * inside the date), country codes, enums, string lengths in bytes, control
 * characters (refused in one-line strings, newline and tab allowed in
 * text, C0, DEL and C1 refused in both), whole numbers and their bounds,
 * booleans, lists (bounds, items of each type, item paths), nested objects
 * with paths like "a.b[2].c", unknown fields, required and nullable
 * fields, V_INTERVAL objects and list items (from after to), any-object
 * size, a body that is not an object, more problems than are kept (`more`
 * counted, "and more problems" at the end of the JSON), accumulation over
 * several calls, and the shape of validate_errors_json.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "validate.h"

#define END	{ NULL, 0, 0, 0, 0, NULL, NULL, 0, 0 }

static const char *const colours[] = { "red", "green", "dark-blue", NULL };

static const struct vfield c_fields[] = {
	{ "c", V_INT, V_REQUIRED, 0, 10, NULL, NULL, 0, 0 },
	{ "note", V_TEXT, 0, 1, 50, NULL, NULL, 0, 0 },
	END
};

static const struct vfield b_fields[] = {
	{ "b", V_LIST, 0, 0, 5, NULL, c_fields, V_OBJECT, 0 },
	{ "name", V_STRING, V_REQUIRED, 2, 5, NULL, NULL, 0, 0 },
	END
};

static const struct vfield span_fields[] = {
	{ "from", V_DATE, V_REQUIRED, 0, 0, NULL, NULL, 0, 0 },
	{ "to", V_DATE, V_NULLABLE, 0, 0, NULL, NULL, 0, 0 },
	{ "where", V_COUNTRY, 0, 0, 0, NULL, NULL, 0, 0 },
	END
};

static const struct vfield top_fields[] = {
	{ "a", V_OBJECT, 0, 0, 0, NULL, b_fields, 0, 0 },
	{ "title", V_STRING, V_REQUIRED, 0, 10, NULL, NULL, 0, 0 },
	{ "colour", V_ENUM, V_NULLABLE, 0, 0, colours, NULL, 0, 0 },
	{ "count", V_INT, 0, -5, 10, NULL, NULL, 0, 0 },
	{ "flag", V_BOOL, V_NULLABLE, 0, 0, NULL, NULL, 0, 0 },
	{ "born", V_DATE, V_NULLABLE, 0, 0, NULL, NULL, 0, 0 },
	{ "country", V_COUNTRY, 0, 0, 0, NULL, NULL, 0, 0 },
	{ "text", V_TEXT, 0, 0, 20, NULL, NULL, 0, 0 },
	{ "tags", V_LIST, 0, 1, 3, NULL, NULL, V_STRING, 0 },
	{ "nations", V_LIST, 0, 0, 4, NULL, NULL, V_COUNTRY, 0 },
	{ "shades", V_LIST, 0, 0, 4, colours, NULL, V_ENUM, 0 },
	{ "spans", V_LIST, 0, 0, 10, NULL, span_fields, V_OBJECT, V_INTERVAL },
	{ "span", V_OBJECT, 0, 0, 0, NULL, span_fields, 0, V_INTERVAL },
	{ "extra", V_ANY_OBJECT, 0, 0, 30, NULL, NULL, 0, 0 },
	END
};

static struct vresult vr;

/* Validate json (text) against top_fields; the result is in vr. */
static int run_prefix(const char *prefix, const char *json)
{
	json_error_t je;
	json_t *j = json_loads(json, JSON_DECODE_ANY, &je);
	int rc;

	cr_assert_not_null(j, "%s: %s", json, je.text);
	memset(&vr, 0, sizeof(vr));
	rc = validate_object(j, top_fields, 0, prefix, &vr);
	json_decref(j);
	return rc;
}

static int run(const char *json)
{
	return run_prefix("", json);
}

/* Is there an error at path whose message contains msg? */
static int has(const char *path, const char *msg)
{
	size_t i;

	for (i = 0; i < vr.n; i++)
		if (strcmp(vr.e[i].path, path) == 0 &&
		    strstr(vr.e[i].message, msg) != NULL)
			return 1;
	return 0;
}

static void dump_errors(char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < vr.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "[%s: %s] ",
					vr.e[i].path, vr.e[i].message);
}

/* Exactly one error, at path, saying msg. */
static void only(const char *json, const char *path, const char *msg)
{
	char all[2048];
	int rc = run(json);

	dump_errors(all, sizeof(all));
	cr_expect_eq(rc, -1, "%s: accepted", json);
	cr_expect_eq(vr.n, 1, "%s: %zu errors: %s", json, vr.n, all);
	cr_expect(has(path, msg), "%s: want [%s: %s], got %s", json, path, msg,
		  all);
}

static void ok(const char *json)
{
	char all[2048];
	int rc = run(json);

	dump_errors(all, sizeof(all));
	cr_expect_eq(rc, 0, "%s: refused: %s", json, all);
	cr_expect_eq(vr.n, 0);
	cr_expect_eq(vr.more, 0);
}

/* Check one value against one field alone; v is consumed. */
static int value(const struct vfield *f, json_t *v)
{
	int rc;

	cr_assert_not_null(v);
	memset(&vr, 0, sizeof(vr));
	rc = validate_value(v, f, "v", &vr);
	json_decref(v);
	cr_assert_eq(rc == 0, vr.n == 0, "return and errors disagree");
	return rc;
}

/* --- dates -------------------------------------------------------------- */

Test(validate, good_dates)
{
	static const char *const good[] = { "2024-02-29", "2000-02-29",
		"1904-02-29", "2196-02-29", "1900-01-01", "2199-12-31",
		"2023-12-31", "2023-04-30", "2023-01-31", "2023-02-28",
		"1999-09-09", NULL };
	const char *const *d;

	for (d = good; *d != NULL; d++)
		cr_expect(validate_date(*d), "%s refused", *d);
}

Test(validate, bad_dates)
{
	static const char *const bad[] = { "2023-02-29", "1900-02-29",
		"2100-02-29", "2024-02-30", "1899-12-31", "2200-01-01",
		"0000-01-01", "9999-12-31", "2023-04-31", "2023-06-31",
		"2023-09-31", "2023-11-31", "2023-13-01", "2023-00-10",
		"2023-01-00", "2023-01-32", "2023/01/01", "2023.01.01",
		"2023_01_01", "2023/01-01", "2023-01/01", "2023 01-01",
		"2023-01 01", "2023001-01", "2023-01001", "20230101", "2023-1-01", "2023-01-1",
		"23-01-01", " 2023-01-01", "2023-01-01 ", "2023-01-01T00:00:00Z",
		"", "abcd-ef-gh", "+023-01-01", "-2023-01-01", "2023--01-01",
		"2023-0a-01", "2023-01-0 ", "2023-+1-01", "2023-01-+1",
		"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x93-01-01", NULL };
	const char *const *d;

	for (d = bad; *d != NULL; d++)
		cr_expect_not(validate_date(*d), "%s accepted", *d);
}

Test(validate, date_field)
{
	struct vfield f = { "d", V_DATE, 0, 0, 0, NULL, NULL, 0, 0 };

	cr_assert_eq(value(&f, json_string("2024-02-29")), 0);
	cr_assert_eq(value(&f, json_string("2023-02-29")), -1);
	cr_assert_str_eq(vr.e[0].path, "v");
	cr_assert_not_null(strstr(vr.e[0].message, "YYYY-MM-DD"));
	cr_assert_eq(value(&f, json_integer(20240229)), -1);
	cr_assert_not_null(strstr(vr.e[0].message, "must be a string"));
}

Test(validate, date_with_a_nul_inside_is_refused)
{
	/* "2024-01-01\0junk": the date must be the whole string. */
	struct vfield f = { "d", V_DATE, 0, 0, 0, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_stringn("2024-01-01\0junk", 15)), -1,
		     "a date followed by NUL and more text was accepted");
}

/* --- countries and enums ------------------------------------------------ */

Test(validate, countries)
{
	struct vfield f = { "c", V_COUNTRY, 0, 0, 0, NULL, NULL, 0, 0 };
	/* both ends of the table, and the one user-assigned code kept */
	static const char *const good[] = { "CA", "NZ", "US", "GB", "AD",
		"ZW", "XK", "SS", "AX", NULL };
	static const char *const bad[] = { "ca", "Ca", "cA", "CAN", "C", "",
		"C1", "1C", "C-", " C", "\xc3\x89\xc3\x89", "\xc3\x89",
		/* two capitals, but not assigned (or withdrawn: YU, SU) */
		"XX", "AA", "ZZ", "QQ", "UK", "YU", "SU", "EU", "AC", "ZX",
		NULL };
	const char *const *c;

	for (c = good; *c != NULL; c++)
		cr_expect_eq(value(&f, json_string(*c)), 0, "%s refused", *c);
	for (c = bad; *c != NULL; c++) {
		cr_expect_eq(value(&f, json_string(*c)), -1, "%s accepted", *c);
		cr_expect(vr.n == 1 && strstr(vr.e[0].message, "country"),
			  "%s: wrong message", *c);
	}
	cr_expect_eq(value(&f, json_stringn("C\0", 2)), -1);
	cr_expect_eq(value(&f, json_integer(1)), -1);
	cr_expect_eq(value(&f, json_true()), -1);
}

Test(validate, enums)
{
	struct vfield f = { "e", V_ENUM, 0, 0, 0, colours, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_string("red")), 0);
	cr_expect_eq(value(&f, json_string("green")), 0);
	cr_expect_eq(value(&f, json_string("dark-blue")), 0);
	cr_expect_eq(value(&f, json_string("Red")), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "allowed values"));
	cr_expect_eq(value(&f, json_string("blue")), -1);
	cr_expect_eq(value(&f, json_string("dark")), -1, "a prefix matched");
	cr_expect_eq(value(&f, json_string("reds")), -1);
	cr_expect_eq(value(&f, json_string("")), -1);
	cr_expect_eq(value(&f, json_string(" red")), -1);
	cr_expect_eq(value(&f, json_integer(0)), -1);
	cr_expect_eq(value(&f, json_pack("[s]", "red")), -1);
}

Test(validate, enum_with_a_nul_inside_is_refused)
{
	struct vfield f = { "e", V_ENUM, 0, 0, 0, colours, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_stringn("red\0ish", 7)), -1,
		     "\"red\\0ish\" accepted as red");
}

/* --- strings and text --------------------------------------------------- */

Test(validate, string_lengths_in_bytes)
{
	struct vfield f = { "s", V_STRING, 0, 2, 5, NULL, NULL, 0, 0 };
	struct vfield g = { "s", V_STRING, 0, 0, 3, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_string("ab")), 0);
	cr_expect_eq(value(&f, json_string("abcde")), 0);
	cr_expect_eq(value(&f, json_string("a")), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "2 to 5 bytes"), "%s",
			   vr.e[0].message);
	cr_expect_eq(value(&f, json_string("abcdef")), -1);
	/* "éé" is four bytes, "ééé" six */
	cr_expect_eq(value(&f, json_string("\xc3\xa9\xc3\xa9")), 0);
	cr_expect_eq(value(&f, json_string("\xc3\xa9\xc3\xa9\xc3\xa9")), -1);
	/* min 0 means at least one byte: empty strings are refused */
	cr_expect_eq(value(&g, json_string("")), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "1 to 3 bytes"));
	cr_expect_eq(value(&g, json_string("x")), 0);
	cr_expect_eq(value(&g, json_string("xyzw")), -1);
	cr_expect_eq(value(&g, json_integer(3)), -1);
	cr_expect_eq(value(&g, json_null()), -1);
}

Test(validate, control_characters_in_strings)
{
	struct vfield f = { "s", V_STRING, 0, 1, 100, NULL, NULL, 0, 0 };
	static const char *const bad[] = { "a\nb", "a\tb", "a\rb", "\x01",
		"a\x1b[31m", "a\x7f", "\x1f", "end\n", NULL };
	const char *const *s;

	for (s = bad; *s != NULL; s++) {
		cr_expect_eq(value(&f, json_string(*s)), -1, "%zu-byte string "
			     "with a control character accepted", strlen(*s));
		cr_expect(vr.n == 1 && strstr(vr.e[0].message,
			  "control characters"), "wrong message");
	}
	cr_expect_eq(value(&f, json_stringn("a\0b", 3)), -1, "NUL accepted");
	cr_expect_eq(value(&f, json_string("Montr\xc3\xa9" "al, Qu\xc3\xa9" "bec")),
		     0);
	cr_expect_eq(value(&f, json_string("O'Brien-Smith ~ #1")), 0);
}

Test(validate, c1_control_characters_are_refused)
{
	/* U+0085 (NEL) and U+009B (CSI) are control characters too. */
	struct vfield f = { "s", V_STRING, 0, 1, 100, NULL, NULL, 0, 0 };
	struct vfield t = { "t", V_TEXT, 0, 1, 100, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_string("line\xc2\x85next")), -1,
		     "U+0085 accepted in a one-line string");
	cr_expect_eq(value(&f, json_string("\xc2\x9b" "31m")), -1,
		     "U+009B accepted in a one-line string");
	cr_expect_eq(value(&t, json_string("\xc2\x9b" "31m")), -1,
		     "U+009B accepted in text");
}

Test(validate, text_allows_newlines_and_tabs)
{
	struct vfield f = { "t", V_TEXT, 0, 1, 100, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_string("line one\nline two")), 0);
	cr_expect_eq(value(&f, json_string("a\tb\r\nc")), 0);
	cr_expect_eq(value(&f, json_string("bell\x07")), -1);
	cr_expect_eq(value(&f, json_string("del\x7f")), -1);
	cr_expect_eq(value(&f, json_string("esc\x1b")), -1);
	cr_expect_eq(value(&f, json_stringn("nul\0", 4)), -1);
	cr_expect_eq(value(&f, json_string("")), -1, "empty text");
}

/* --- numbers and booleans ----------------------------------------------- */

Test(validate, integers)
{
	struct vfield f = { "n", V_INT, 0, -5, 10, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_integer(-5)), 0);
	cr_expect_eq(value(&f, json_integer(0)), 0);
	cr_expect_eq(value(&f, json_integer(10)), 0);
	cr_expect_eq(value(&f, json_integer(-6)), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "between -5 and 10"), "%s",
			   vr.e[0].message);
	cr_expect_eq(value(&f, json_integer(11)), -1);
	cr_expect_eq(value(&f, json_integer(LLONG_MAX)), -1);
	cr_expect_eq(value(&f, json_integer(LLONG_MIN)), -1);
	cr_expect_eq(value(&f, json_real(1.0)), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "whole number"));
	cr_expect_eq(value(&f, json_real(2.5)), -1);
	cr_expect_eq(value(&f, json_string("3")), -1);
	cr_expect_eq(value(&f, json_true()), -1);
}

Test(validate, booleans)
{
	struct vfield f = { "b", V_BOOL, 0, 0, 0, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_true()), 0);
	cr_expect_eq(value(&f, json_false()), 0);
	cr_expect_eq(value(&f, json_integer(1)), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "true or false"));
	cr_expect_eq(value(&f, json_string("true")), -1);
	cr_expect_eq(value(&f, json_integer(0)), -1);
}

Test(validate, any_object_size)
{
	struct vfield f = { "o", V_ANY_OBJECT, 0, 0, 20, NULL, NULL, 0, 0 };

	cr_expect_eq(value(&f, json_object()), 0);
	/* {"k":"123456789"} is 17 bytes */
	cr_expect_eq(value(&f, json_pack("{s:s}", "k", "123456789")), 0);
	/* {"k":"123456789012"} is 20 bytes, one more is 21 */
	cr_expect_eq(value(&f, json_pack("{s:s}", "k", "123456789012")), 0);
	cr_expect_eq(value(&f, json_pack("{s:s}", "k", "1234567890123")), -1);
	cr_expect_not_null(strstr(vr.e[0].message, "larger than 20"));
	cr_expect_eq(value(&f, json_pack("[i]", 1)), -1);
	cr_expect_eq(value(&f, json_string("{}")), -1);
}

/* --- lists -------------------------------------------------------------- */

Test(validate, list_bounds)
{
	ok("{\"title\":\"t\",\"born\":null,\"tags\":[\"a\"]}");
	ok("{\"title\":\"t\",\"born\":null,\"tags\":[\"a\",\"b\",\"c\"]}");
	only("{\"title\":\"t\",\"born\":null,\"tags\":[]}", "tags",
	     "1 to 3 items");
	only("{\"title\":\"t\",\"born\":null,\"tags\":[\"a\",\"b\",\"c\",\"d\"]}",
	     "tags", "1 to 3 items");
	only("{\"title\":\"t\",\"born\":null,\"tags\":\"a\"}", "tags",
	     "must be a list");
	only("{\"title\":\"t\",\"born\":null,\"tags\":{\"0\":\"a\"}}", "tags",
	     "must be a list");
}

Test(validate, list_items_and_their_paths)
{
	only("{\"title\":\"t\",\"born\":null,\"tags\":[\"a\",\"\"]}", "tags[1]",
	     "bytes long");
	only("{\"title\":\"t\",\"born\":null,\"tags\":[\"a\",\"b\\nc\"]}",
	     "tags[1]", "control characters");
	only("{\"title\":\"t\",\"born\":null,\"tags\":[1]}", "tags[0]",
	     "must be a string");
	only("{\"title\":\"t\",\"born\":null,\"nations\":[\"CA\",\"NZ\",\"nz\"]}",
	     "nations[2]", "country");
	only("{\"title\":\"t\",\"born\":null,\"shades\":[\"red\",\"pink\"]}",
	     "shades[1]", "allowed values");
	ok("{\"title\":\"t\",\"born\":null,\"nations\":[],\"shades\":[\"green\"]}");
	/* null is not an item */
	only("{\"title\":\"t\",\"born\":null,\"nations\":[null]}", "nations[0]",
	     "must be a string");
}

Test(validate, list_string_items_up_to_500_bytes)
{
	char json[1200], item[600];

	memset(item, 'x', 500);
	item[500] = '\0';
	snprintf(json, sizeof(json), "{\"title\":\"t\",\"born\":null,"
		 "\"tags\":[\"%s\"]}", item);
	ok(json);
	item[500] = 'x';
	item[501] = '\0';
	snprintf(json, sizeof(json), "{\"title\":\"t\",\"born\":null,"
		 "\"tags\":[\"%s\"]}", item);
	only(json, "tags[0]", "1 to 500 bytes");
}

/* --- objects, paths and fields ------------------------------------------ */

Test(validate, nested_paths)
{
	ok("{\"title\":\"t\",\"born\":null,\"a\":{\"name\":\"abc\","
	   "\"b\":[{\"c\":1},{\"c\":10,\"note\":\"x\\ny\"}]}}");
	only("{\"title\":\"t\",\"born\":null,\"a\":{\"name\":\"abc\","
	     "\"b\":[{\"c\":1},{\"c\":2},{\"c\":\"x\"}]}}", "a.b[2].c",
	     "whole number");
	only("{\"title\":\"t\",\"born\":null,\"a\":{\"name\":\"abc\","
	     "\"b\":[{\"c\":1},{\"c\":2},{\"c\":11}]}}", "a.b[2].c",
	     "between 0 and 10");
	only("{\"title\":\"t\",\"born\":null,\"a\":{\"name\":\"abc\","
	     "\"b\":[{\"c\":1},{}]}}", "a.b[1].c", "is required");
	only("{\"title\":\"t\",\"born\":null,\"a\":{\"name\":\"abc\","
	     "\"b\":[{\"c\":1,\"zzz\":0}]}}", "a.b[0].zzz", "not a known field");
	only("{\"title\":\"t\",\"born\":null,\"a\":{\"name\":\"abc\","
	     "\"b\":[3]}}", "a.b[0]", "must be an object");
	only("{\"title\":\"t\",\"born\":null,\"a\":{\"b\":[]}}", "a.name",
	     "is required");
	only("{\"title\":\"t\",\"born\":null,\"a\":[]}", "a", "must be an object");
}

Test(validate, nested_paths_with_a_prefix)
{
	cr_assert_eq(run_prefix("personal", "{\"title\":\"t\",\"born\":null,"
		     "\"a\":{\"name\":\"abc\",\"b\":[{\"c\":-1}]},\"x\":1}"), -1);
	cr_assert_eq(vr.n, 2);
	cr_assert(has("personal.a.b[0].c", "between"));
	cr_assert(has("personal.x", "not a known field"));
}

Test(validate, several_errors_all_reported)
{
	cr_assert_eq(run("{\"count\":99,\"colour\":\"blue\",\"flag\":1,"
			 "\"country\":\"xx\",\"bogus\":true}"), -1);
	cr_assert_eq(vr.n, 6, "%zu errors", vr.n);
	cr_assert(has("count", "between"));
	cr_assert(has("colour", "allowed values"));
	cr_assert(has("flag", "true or false"));
	cr_assert(has("country", "country"));
	cr_assert(has("bogus", "not a known field"));
	cr_assert(has("title", "is required"));
}

Test(validate, required_and_nullable)
{
	ok("{\"title\":\"t\",\"born\":null}");
	ok("{\"title\":\"t\",\"born\":\"2000-01-01\"}");
	ok("{\"title\":\"t\"}");
	only("{\"born\":null}", "title", "is required");
	/* title is required, not nullable */
	only("{\"title\":null,\"born\":null}", "title", "must not be null");
	/* nullable optional fields */
	ok("{\"title\":\"t\",\"born\":null,\"colour\":null,\"flag\":null}");
	/* not nullable optional fields */
	only("{\"title\":\"t\",\"born\":null,\"count\":null}", "count",
	     "must not be null");
	only("{\"title\":\"t\",\"born\":null,\"tags\":null}", "tags",
	     "must not be null");
	only("{\"title\":\"t\",\"born\":null,\"a\":null}", "a",
	     "must not be null");
}

Test(validate, required_and_nullable_field_given_null)
{
	/* V_REQUIRED | V_NULLABLE: null means "not given", which required
	 * forbids; absent is refused too. */
	static const struct vfield req_null[] = {
		{ "x", V_STRING, V_REQUIRED | V_NULLABLE, 1, 5, NULL, NULL, 0,
		  0 },
		END
	};
	json_t *j = json_pack("{s:n}", "x");

	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, req_null, 0, "", &vr), -1);
	cr_assert_eq(vr.n, 1);
	cr_assert_str_eq(vr.e[0].path, "x");
	cr_assert_not_null(strstr(vr.e[0].message, "must not be null"));
	json_decref(j);
	j = json_object();
	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, req_null, 0, "", &vr), -1);
	cr_assert_not_null(strstr(vr.e[0].message, "is required"));
	json_decref(j);
}

Test(validate, body_not_an_object)
{
	cr_assert_eq(run("[1,2]"), -1);
	cr_assert_eq(vr.n, 1);
	cr_assert_str_eq(vr.e[0].path, "(body)");
	cr_assert_not_null(strstr(vr.e[0].message, "must be an object"));
	cr_assert_eq(run_prefix("residences[0]", "\"x\""), -1);
	cr_assert_str_eq(vr.e[0].path, "residences[0]");
	cr_assert_eq(run("null"), -1);
	cr_assert_eq(run("3"), -1);
}

/* --- intervals ---------------------------------------------------------- */

Test(validate, interval_object)
{
	ok("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2020-01-01\","
	   "\"to\":\"2020-01-02\"}}");
	ok("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2020-01-01\","
	   "\"to\":\"2020-01-01\"}}");
	ok("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2020-01-01\"}}");
	ok("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2020-01-01\","
	   "\"to\":null}}");
	only("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2020-01-02\","
	     "\"to\":\"2020-01-01\"}}", "span.to", "must not be before from");
	only("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2021-01-01\","
	     "\"to\":\"2020-12-31\"}}", "span.to", "before from");
	/* a bad date is reported once, as a date */
	only("{\"title\":\"t\",\"born\":null,\"span\":{\"from\":\"2021-01-01\","
	     "\"to\":\"2020-13-01\"}}", "span.to", "YYYY-MM-DD");
}

Test(validate, interval_list_items)
{
	ok("{\"title\":\"t\",\"born\":null,\"spans\":[{\"from\":\"2001-01-01\","
	   "\"to\":\"2002-01-01\"},{\"from\":\"2002-01-01\"}]}");
	only("{\"title\":\"t\",\"born\":null,\"spans\":[{\"from\":\"2001-01-01\","
	     "\"to\":\"2002-01-01\"},{\"from\":\"2003-05-01\","
	     "\"to\":\"2003-04-30\"}]}", "spans[1].to", "before from");
	only("{\"title\":\"t\",\"born\":null,\"spans\":[{\"to\":\"2003-04-30\"}]}",
	     "spans[0].from", "is required");
}

Test(validate, interval_flag_on_the_top_object)
{
	json_t *j = json_pack("{s:s, s:s}", "from", "2010-06-01", "to",
			      "2010-05-31");

	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, span_fields, V_INTERVAL, "", &vr), -1);
	cr_assert_eq(vr.n, 1);
	cr_assert_str_eq(vr.e[0].path, "to");
	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, span_fields, 0, "", &vr), 0,
		     "checked the order without V_INTERVAL");
	json_decref(j);
}

/* --- many errors and the JSON ------------------------------------------- */

Test(validate, more_problems_than_are_kept)
{
	json_t *j = json_object(), *a, *e;
	char key[16];
	size_t i;

	for (i = 0; i < VALIDATE_MAX_ERRORS + 5; i++) {
		snprintf(key, sizeof(key), "unknown%02zu", i);
		json_object_set_new(j, key, json_true());
	}
	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, top_fields, 0, "", &vr), -1);
	json_decref(j);
	/* 25 unknown fields, and title missing */
	cr_assert_eq(vr.n, VALIDATE_MAX_ERRORS);
	cr_assert_eq(vr.more, 6, "more = %zu", vr.more);

	a = validate_errors_json(&vr);
	cr_assert(json_is_array(a));
	cr_assert_eq(json_array_size(a), VALIDATE_MAX_ERRORS + 1);
	e = json_array_get(a, VALIDATE_MAX_ERRORS);
	cr_assert_str_eq(json_string_value(json_object_get(e, "field")), "");
	cr_assert_str_eq(json_string_value(json_object_get(e, "message")),
			 "and more problems");
	json_decref(a);
}

Test(validate, errors_json_shape)
{
	json_t *a, *e;
	size_t i;

	memset(&vr, 0, sizeof(vr));
	a = validate_errors_json(&vr);
	cr_assert(json_is_array(a));
	cr_assert_eq(json_array_size(a), 0);
	json_decref(a);

	cr_assert_eq(run("{\"title\":\"\",\"born\":null,\"x\":1}"), -1);
	a = validate_errors_json(&vr);
	cr_assert_eq(json_array_size(a), 2);
	json_array_foreach(a, i, e) {
		cr_assert(json_is_object(e));
		cr_assert_eq(json_object_size(e), 2, "keys besides field and "
			     "message");
		cr_assert(json_is_string(json_object_get(e, "field")));
		cr_assert(json_is_string(json_object_get(e, "message")));
		cr_assert_str_eq(json_string_value(json_object_get(e, "field")),
				 vr.e[i].path);
		cr_assert_str_eq(json_string_value(json_object_get(e,
				 "message")), vr.e[i].message);
	}
	json_decref(a);
}

Test(validate, results_accumulate)
{
	struct vfield f = { "n", V_INT, 0, 0, 1, NULL, NULL, 0, 0 };
	json_t *good = json_pack("{s:s, s:n}", "title", "t", "born");
	json_t *v;

	memset(&vr, 0, sizeof(vr));
	v = json_integer(5);
	cr_assert_eq(validate_value(v, &f, "first", &vr), -1);
	json_decref(v);
	/* a good value after a bad one: validate_value answers for itself */
	v = json_integer(1);
	cr_assert_eq(validate_value(v, &f, "second", &vr), 0);
	json_decref(v);
	/* validate_object answers for the whole result */
	cr_assert_eq(validate_object(good, top_fields, 0, "", &vr), -1);
	json_decref(good);
	cr_assert_eq(vr.n, 1);
	cr_assert_str_eq(vr.e[0].path, "first");
}

Test(validate, long_paths_are_cut_not_overrun)
{
	char prefix[400];
	json_t *j = json_pack("{s:i}", "x", 1);

	memset(prefix, 'p', sizeof(prefix) - 1);
	prefix[sizeof(prefix) - 1] = '\0';
	memset(&vr, 0, sizeof(vr));
	cr_assert_eq(validate_object(j, top_fields, 0, prefix, &vr), -1);
	json_decref(j);
	cr_assert_eq(vr.n, 2, "the unknown x and the missing title");
	cr_assert_lt(strlen(vr.e[0].path), sizeof(vr.e[0].path));
	cr_assert_eq(strncmp(vr.e[0].path, "ppp", 3), 0);
}
