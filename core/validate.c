/*
 * validate: declared shapes for JSON input. See validate.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "validate.h"

static void
add(struct vresult *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct vresult *r, const char *path, const char *fmt, ...)
{
	va_list	ap;

	if (r->n == VALIDATE_MAX_ERRORS) {
		r->more++;
		return;
	}
	snprintf(r->e[r->n].path, sizeof(r->e[r->n].path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(r->e[r->n].message, sizeof(r->e[r->n].message), fmt, ap);
	va_end(ap);
	r->n++;
}

int
validate_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	y, m, d, leap, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* No control characters; newline and tab too when text is set. */
static int
clean_text(const char *s, size_t len, int text)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x7f || (c < 0x20 && !(text && (c == '\n' ||
		    c == '\t' || c == '\r'))))
			return 0;
		/* C1 controls, U+0080..U+009F, are \xc2\x80..\xc2\x9f */
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return 0;
	}
	return 1;
}

/*
 * The officially assigned ISO 3166-1 alpha-2 codes (249, as published in
 * Debian's iso-codes 4.15), sorted, two letters each, plus XK: the
 * user-assigned code the EU and the IMF use for Kosovo, which applicants
 * name as a place of residence or travel.
 */
static const char countries[] =
	    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBS"
	    "BTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEE"
	    "EGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHM"
	    "HNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLC"
	    "LILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNA"
	    "NCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURW"
	    "SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTO"
	    "TRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

/* Returns 1 when the two bytes at s name a country in countries[]. */
static int
known_country(const char *s)
{
	size_t	lo = 0, hi = (sizeof(countries) - 1) / 2, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = memcmp(s, countries + 2 * mid, 2)) == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static void
sub_path(char *out, size_t len, const char *prefix, const char *name)
{
	if (*prefix == '\0')
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%s.%s", prefix, name);
}

int
validate_value(json_t *v, const struct vfield *f, const char *path,
    struct vresult *r)
{
	const char *const	*c;
	const char		*s;
	char			 ip[200];
	size_t			 len, i, before = r->n + r->more;
	json_t			*item;
	struct vfield		 itf;
	char			*dump;
	long long		 n;

	switch (f->type) {
	case V_STRING:
	case V_TEXT:
	case V_DATE:
	case V_ENUM:
	case V_COUNTRY:
		if (!json_is_string(v)) {
			add(r, path, "must be a string");
			break;
		}
		s = json_string_value(v);
		len = json_string_length(v);
		if (strlen(s) != len) {
			add(r, path, "must not contain NUL");
			break;
		}
		if (f->type == V_DATE) {
			if (!validate_date(s))
				add(r, path, "must be a date written YYYY-MM-DD");
		} else if (f->type == V_COUNTRY) {
			if (len != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
			    s[1] > 'Z')
				add(r, path, "must be a two-letter country code "
				    "(ISO 3166, e.g. CA)");
			else if (!known_country(s))
				add(r, path, "is not an assigned ISO 3166 "
				    "country code");
		} else if (f->type == V_ENUM) {
			for (c = f->choices; *c != NULL && strcmp(*c, s) != 0;
			    c++)
				;
			if (*c == NULL)
				add(r, path, "is not one of the allowed values");
		} else if ((long long)len < (f->min ? f->min : 1) ||
		    (long long)len > f->max)
			add(r, path, "must be %lld to %lld bytes long",
			    f->min ? f->min : 1, f->max);
		else if (!clean_text(s, len, f->type == V_TEXT))
			add(r, path, "must not contain control characters");
		break;
	case V_BOOL:
		if (!json_is_boolean(v))
			add(r, path, "must be true or false");
		break;
	case V_INT:
		if (!json_is_integer(v)) {
			add(r, path, "must be a whole number");
			break;
		}
		n = json_integer_value(v);
		if (n < f->min || n > f->max)
			add(r, path, "must be between %lld and %lld", f->min,
			    f->max);
		break;
	case V_OBJECT:
		if (!json_is_object(v)) {
			add(r, path, "must be an object");
			break;
		}
		validate_object(v, f->sub, f->item_flags, path, r);
		break;
	case V_ANY_OBJECT:
		if (!json_is_object(v)) {
			add(r, path, "must be an object");
			break;
		}
		dump = json_dumps(v, JSON_COMPACT);
		if (dump == NULL || (long long)strlen(dump) > f->max)
			add(r, path, "is larger than %lld bytes", f->max);
		free(dump);
		break;
	case V_LIST:
		if (!json_is_array(v)) {
			add(r, path, "must be a list");
			break;
		}
		if ((long long)json_array_size(v) < f->min ||
		    (long long)json_array_size(v) > f->max) {
			add(r, path, "must have %lld to %lld items", f->min,
			    f->max);
			break;
		}
		memset(&itf, 0, sizeof(itf));
		itf.type = f->item;
		itf.sub = f->sub;
		itf.choices = f->choices;
		itf.item_flags = f->item_flags;
		itf.max = f->item == V_INT ? f->max : 1000;
		if (f->item == V_STRING || f->item == V_TEXT)
			itf.max = 500;
		json_array_foreach(v, i, item) {
			snprintf(ip, sizeof(ip), "%s[%zu]", path, i);
			validate_value(item, &itf, ip, r);
		}
		break;
	}
	return r->n + r->more == before ? 0 : -1;
}

int
validate_object(json_t *obj, const struct vfield *fields, unsigned flags,
    const char *prefix, struct vresult *r)
{
	const struct vfield	*f;
	const char		*key, *from, *to;
	json_t			*v;
	char			 path[200];

	if (!json_is_object(obj)) {
		add(r, *prefix ? prefix : "(body)", "must be an object");
		return -1;
	}
	json_object_foreach(obj, key, v) {
		for (f = fields; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				break;
		sub_path(path, sizeof(path), prefix, key);
		if (f->name == NULL) {
			add(r, path, "is not a known field");
			continue;
		}
		if (json_is_null(v)) {
			if (!(f->flags & V_NULLABLE) || (f->flags & V_REQUIRED))
				add(r, path, "must not be null");
			continue;
		}
		validate_value(v, f, path, r);
	}
	for (f = fields; f->name != NULL; f++) {
		if ((f->flags & V_REQUIRED) && json_object_get(obj, f->name) ==
		    NULL) {
			sub_path(path, sizeof(path), prefix, f->name);
			add(r, path, "is required");
		}
	}
	if (flags & V_INTERVAL) {
		from = json_string_value(json_object_get(obj, "from"));
		to = json_string_value(json_object_get(obj, "to"));
		if (from && to && validate_date(from) && validate_date(to) &&
		    strcmp(from, to) > 0) {
			sub_path(path, sizeof(path), prefix, "to");
			add(r, path, "must not be before from");
		}
	}
	return r->n + r->more == 0 ? 0 : -1;
}

json_t *
validate_errors_json(const struct vresult *r)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < r->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "field",
		    r->e[i].path, "message", r->e[i].message));
	if (r->more > 0)
		json_array_append_new(a, json_pack("{s:s, s:s}", "field", "",
		    "message", "and more problems"));
	return a;
}
