/*
 * log: one line per event on stderr, as key=value pairs:
 *   ts=2026-11-22T10:00:00.123Z level=info proc=worker pid=42 rid=ab12.. event=request ...
 * Callers write their own key=value pairs in the format string and quote
 * free text with log_quote_tmp(). Never pass personal data (names, dates of
 * birth, addresses, passwords, raw paths or query strings) to these.
 */
#ifndef VETD_LOG_H
#define VETD_LOG_H

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

void	log_init(const char *proc, enum log_level);
void	log_set_level(enum log_level);
int	log_level_parse(const char *, enum log_level *);
/* Request id included in every line until cleared with NULL. Copied. */
void	log_set_rid(const char *);

void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Quote s for a value: bare when it is only [A-Za-z0-9._/:@{}-], otherwise
 * in double quotes with \" \\ and control characters escaped, cut at 200
 * bytes. Returns one of four rotating static buffers, so up to four quoted
 * values may appear in one log call.
 */
const char *log_quote_tmp(const char *s);

#endif
