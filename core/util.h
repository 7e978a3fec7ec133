/*
 * util: the small pieces every subsystem uses. Allocation wrappers that die
 * on out-of-memory, fatal()/fatalx() for the impossible, a growable byte
 * buffer, a per-request memory pool, bounded number parsing and a few string
 * helpers. Nothing here knows about HTTP, SQLite or Lua.
 */
#ifndef VETD_UTIL_H
#define VETD_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Log and exit(1). fatal() adds strerror(errno). Never for bad input. */
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Growable byte buffer, always NUL-terminated. Owner frees with buf_free. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 util_buf_init(struct buf *);
void	 util_buf_add(struct buf *, const void *, size_t);
void	 util_buf_adds(struct buf *, const char *);
void	 util_buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 util_buf_reset(struct buf *);
void	 util_buf_free(struct buf *);

/*
 * Pool: memory that lives as long as one request. Everything allocated from
 * a pool is released at once by pool_free(); nothing is freed one by one.
 */
struct pool;
struct pool	*util_pool_new(void);
void		*util_pool_alloc(struct pool *, size_t);
char		*util_pool_strdup(struct pool *, const char *);
char		*util_pool_strndup(struct pool *, const char *, size_t);
void		 util_pool_free(struct pool *);

/*
 * Parse a whole decimal string into *out within [min, max]. Returns 0, or -1
 * for anything else (empty, trailing junk, sign where min >= 0, overflow).
 */
int	 util_parse_ll(const char *, long long min, long long max, long long *out);

/* Constant-time comparison of two equal-length byte strings (libsodium). */
int	 util_memeq(const void *, const void *, size_t);

/* Current UTC time as ISO 8601 with milliseconds into buf (>= 32 bytes). */
void	 util_now_iso(char *buf, size_t len);
/* date (YYYY-MM-DD) plus days (may be negative), as YYYY-MM-DD in out. */
void	 util_date_add(const char *date, long long days, char out[11]);
/* Monotonic clock in microseconds. */
uint64_t util_now_us(void);

/* Is s (may be NULL) one of the NULL-terminated list? */
int	 util_one_of(const char *s, const char *const *list);

/* Write all of buf to fd, retrying on EINTR and short writes. 0 or -1. */
int	 util_write_all(int fd, const void *buf, size_t len);

/* Is [s, s+len) well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF)? */
int	 util_utf8_valid(const char *s, size_t len);

/* Percent-decode [s, s+len) into a fresh pool string. '+' becomes a space
 * when plus_space is set. Returns NULL on a bad escape or an encoded NUL. */
char	*util_pct_decode(struct pool *, const char *s, size_t len, int plus_space);

#endif
