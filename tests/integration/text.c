/*
 * text: see text.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "text.h"

static void	**kept;
static size_t	  nkept, kept_cap;

void *
keep(void *p)
{
	void	**grown;

	cr_assert_not_null(p, "out of memory");
	if (nkept == kept_cap) {
		kept_cap = kept_cap ? kept_cap * 2 : 256;
		grown = realloc(kept, kept_cap * sizeof *grown);
		cr_assert_not_null(grown, "out of memory");
		kept = grown;
	}
	kept[nkept++] = p;
	return p;
}

void
text_release(void)
{
	size_t	i;

	for (i = 0; i < nkept; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	nkept = kept_cap = 0;
}

char *
vformat(const char *fmt, va_list ap)
{
	va_list	 again;
	char	*s;
	int	 n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	cr_assert_geq(n, 0, "bad format %s", fmt);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

const char *
str(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return keep(s);
}

const char *
json(const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *p;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return keep(s);
}

const char *
letters(size_t n)
{
	char	*s = keep(malloc(n + 1));

	memset(s, 'x', n);
	s[n] = '\0';
	return s;
}

const char *
replace(const char *s, const char *token, const char *value)
{
	const char	*hit;
	size_t		 from = 0;

	while ((hit = strstr(s + from, token)) != NULL) {
		from = (size_t)(hit - s) + strlen(value);
		s = str("%.*s%s%s", (int)(hit - s), s, value, hit + strlen(token));
	}
	return s;
}

const char *
or_none(const char *s)
{
	return s != NULL ? s : "(none)";
}
