/*
 * text: the small text helpers the integration scenarios share. Strings
 * they hand out are kept until text_release() (each suite's .fini calls
 * it), so a scenario can build requests without freeing each one. Every
 * function fails the current test when memory runs out.
 */
#ifndef VETD_TEST_TEXT_H
#define VETD_TEST_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* Remember p (malloc'd) until text_release(); returns p. */
void		*keep(void *p);
/* Free everything kept. */
void		 text_release(void);
/* The text fmt makes (malloc'd; the caller frees it). */
char		*vformat(const char *fmt, va_list ap);
/* printf into a kept string. */
const char	*str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A JSON body written with single quotes: every ' becomes ". Kept. */
const char	*json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* n letters x: longer than any field allows. Kept. */
const char	*letters(size_t n);
/* s with every occurrence of token replaced by value. Kept. */
const char	*replace(const char *s, const char *token, const char *value);
/* s, or "(none)" for NULL. */
const char	*or_none(const char *s);

#endif
