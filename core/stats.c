/*
 * stats: timeliness figures from the cases' histories. See stats.h.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"
#include "util.h"

static const char *const stages[] = { "application", "screening", "agency",
	"interview", "adjudication", "decision" };
#define NSTAGES	(sizeof(stages) / sizeof(stages[0]))
#define END	NSTAGES		/* the slot for end to end */

/* Growable list of per-case durations, in days. */
struct series {
	double	*v;
	size_t	 n, cap;
};

static void
series_add(struct series *s, double d)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = d;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* {"cases", "median_days", "p90_days"} of s (sorted here). The 90th
 * percentile is the nearest rank: the value at or below which 90 % of
 * the cases fall. */
static json_t *
figures(struct series *s)
{
	double	med, p90;
	size_t	r;

	if (s->n == 0)
		return json_pack("{s:i, s:n, s:n}", "cases", 0, "median_days",
		    "p90_days");
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	med = s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] +
	    s->v[s->n / 2]) / 2;
	r = (s->n * 9 + 9) / 10;	/* ceil(0.9 n) */
	p90 = s->v[r - 1];
	return json_pack("{s:I, s:f, s:f}", "cases", (json_int_t)s->n,
	    "median_days", (double)(long long)(med * 10 + 0.5) / 10,
	    "p90_days", (double)(long long)(p90 * 10 + 0.5) / 10);
}

/* The stage slot of state (0..NSTAGES-1), or -1 when it is in none. */
static int
stage_of(json_t *map, const char *state)
{
	json_t	*states, *v;
	size_t	 i, j;

	for (i = 0; i < NSTAGES; i++) {
		states = json_object_get(map, stages[i]);
		json_array_foreach(states, j, v)
			if (json_is_string(v) &&
			    strcmp(json_string_value(v), state) == 0)
				return (int)i;
	}
	return -1;
}

static int
is_end(json_t *ends, const char *state)
{
	size_t	 i;
	json_t	*v;

	json_array_foreach(ends, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), state) == 0)
			return 1;
	return 0;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS..." (UTC); -1 if not. */
static long long
epoch(const char *ts)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (ts == NULL || strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return -1;
	return (long long)timegm(&tm);
}

json_t *
stats_timeliness(struct store *st, long long org_id, json_t *settings,
    const struct stats_filter *f)
{
	static const char sql[] = "SELECT c.id, c.opened_at, e.ts,"
	    " json_extract(e.detail, '$.from'), json_extract(e.detail, '$.to')"
	    " FROM cases c JOIN case_events e ON e.case_id = c.id"
	    " WHERE c.org_id = ?1 AND (?2 IS NULL OR c.opened_at >= ?2)"
	    " AND (?3 IS NULL OR c.opened_at < ?3)"
	    " AND (?4 IS NULL OR c.level = ?4) AND e.type = 'transition'"
	    " ORDER BY c.id, e.id";
	struct series	 ser[NSTAGES + 1];
	double		 per[NSTAGES];
	json_t		*map = json_object_get(settings, "timeliness_stages");
	json_t		*ends = json_object_get(settings, "timeliness_end");
	json_t		*out = NULL, *list;
	sqlite3_stmt	*s;
	long long	 cur = 0, id, opened = 0, since = 0, t;
	const char	*from, *to;
	int		 rc, k, seen[NSTAGES], ended = 0;
	size_t		 i;

	memset(ser, 0, sizeof(ser));
	memset(per, 0, sizeof(per));
	memset(seen, 0, sizeof(seen));
	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, org_id);
	if (f->from)
		sqlite3_bind_text(s, 2, f->from, -1, SQLITE_STATIC);
	if (f->to)
		sqlite3_bind_text(s, 3, f->to, -1, SQLITE_STATIC);
	if (f->level)
		sqlite3_bind_text(s, 4, f->level, -1, SQLITE_STATIC);
	for (;;) {
		rc = sqlite3_step(s);
		id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		if (id != cur && cur != 0) {
			/* the last case is complete: its figures count */
			for (i = 0; i < NSTAGES; i++)
				if (seen[i])
					series_add(&ser[i], per[i] / 86400);
			if (ended)
				series_add(&ser[END], (double)(since - opened) /
				    86400);
		}
		if (rc != SQLITE_ROW)
			break;
		if (id != cur) {
			cur = id;
			memset(per, 0, sizeof(per));
			memset(seen, 0, sizeof(seen));
			ended = 0;
			since = opened = epoch((const char *)
			    sqlite3_column_text(s, 1));
		}
		t = epoch((const char *)sqlite3_column_text(s, 2));
		from = (const char *)sqlite3_column_text(s, 3);
		to = (const char *)sqlite3_column_text(s, 4);
		if (t < 0 || since < 0 || from == NULL || to == NULL)
			continue;
		if ((k = stage_of(map, from)) >= 0 && t >= since) {
			per[k] += (double)(t - since);
			seen[k] = 1;
		}
		since = t;
		ended = is_end(ends, to);
	}
	store_done(s);
	if (rc != SQLITE_DONE)
		goto out;
	list = json_array();
	for (i = 0; i < NSTAGES; i++) {
		json_t *fig = figures(&ser[i]);

		json_object_set_new(fig, "stage", json_string(stages[i]));
		json_array_append_new(list, fig);
	}
	out = json_pack("{s:o, s:o}", "stages", list, "end_to_end",
	    figures(&ser[END]));
out:
	for (i = 0; i <= NSTAGES; i++)
		free(ser[i].v);
	return out;
}
