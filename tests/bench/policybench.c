/*
 * policybench: the policy engine's benchmarks.
 *
 *   policybench calls SCRIPTS POLICIES SECONDS
 *	Loads the default policy set (POLICIES/default with SCRIPTS) and calls
 *	adjudicate in-process on a representative case, one core, for about
 *	SECONDS; then does the same with a reference set whose adjudicate only
 *	returns a constant answer (the cost of crossing into Lua and back,
 *	checking the answer and the ceiling). Prints calls per second of each.
 *
 *   policybench gen N SEED
 *	Writes N generated cases (JSON Lines: {"name","case","worksheet"}) for
 *	`vetctl policy diff --cases`, a mix of clean cases and findings.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

static const char reference_policy[] =
    "return {\n"
    "  requirements = function() return {} end,\n"
    "  interview_triggers = function() return { needed = false,"
    " two_interviewers = false, reasons = {} } end,\n"
    "  on_event = function() return {} end,\n"
    "  adjudicate = function(case, ws, ctx) return { recommendation ="
    " 'grant', reasons = { { text = 'reference', cites = { 'none' } } },"
    " restrictions = {}, would_change = {} } end,\n"
    "}\n";

static json_t *
sample_case(void)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:b,"
	    " s:{s:s, s:s, s:{s:s, s:s}, s:[s]},"
	    " s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}],"
	    " s:[{s:s, s:s, s:s}],"
	    " s:[{s:s, s:s, s:s, s:s, s:b, s:s}, {s:s, s:s, s:s, s:s, s:b, s:s}],"
	    " s:[{s:s, s:s, s:s, s:s}]}",
	    "id", 1, "kind", "new", "level", "SECRET", "state", "adjudication",
	    "holder", 0,
	    "person", "name", "Sample Person", "date_of_birth", "1985-03-14",
	    "place_of_birth", "city", "Ottawa", "country", "CA",
	    "citizenships", "CA",
	    "residences", "from", "2015-01-01", "to", "2020-06-30", "country",
	    "CA", "from", "2020-07-01", "country", "CA", "address", "x",
	    "employment", "from", "2012-01-01", "employer", "Example Ltd",
	    "country", "CA",
	    "identity_documents", "type", "passport", "number", "X1",
	    "issuer", "CA", "expiry", "2030-01-01", "photo", 1, "language",
	    "en", "type", "birth_certificate", "number", "B2", "issuer",
	    "CA", "expiry", "2099-01-01", "photo", 0, "language", "en",
	    "convictions", "offence", "impaired driving", "date",
	    "2017-05-01", "class", "summary", "disposition", "fine");
}

static json_t *
sample_worksheet(void)
{
	return json_pack("{s:{s:{s:[{s:s, s:s, s:s}], s:[s]}},"
	    " s:{s:s, s:s}, s:[]}",
	    "guidelines", "D", "disqualifying", "id", "D6", "date",
	    "2017-05-01", "facts", "one impaired driving conviction",
	    "mitigating", "D17",
	    "conduct", "seriousness", "moderate", "recency", "old",
	    "patterns");
}

static double
now_s(void)
{
	return (double)util_now_us() / 1e6;
}

/* Calls of adjudicate per second on p over about secs seconds. */
static double
rate(struct policy *p, double secs, json_t *kase, json_t *ws)
{
	json_t		*ctx = policy_ctx(p, "bench", NULL, "2026-06-01", 1), *r;
	double		 t0 = now_s(), t;
	long		 n = 0;
	char		 err[1024];

	do {
		for (int i = 0; i < 1000; i++) {
			if (policy_adjudicate(p, kase, ws, ctx, 1u << OUTCOME_GRANT,
			    1, &r, err, sizeof(err)) == -1) {
				fprintf(stderr, "policybench: %s\n", err);
				exit(1);
			}
			json_decref(r);
		}
		n += 1000;
	} while ((t = now_s() - t0) < secs);
	json_decref(ctx);
	return n / t;
}

static int
cmd_calls(const char *scripts, const char *policies, double secs)
{
	struct config		 cfg;
	struct policy_paths	 pp;
	struct policy		*p, *ref;
	char			 err[2048], dir[] = "/tmp/vetd-pbench.XXXXXX";
	char			 path[PATH_MAX], *def;
	json_t			*kase = sample_case(), *ws = sample_worksheet();
	FILE			*fp;

	memset(&cfg, 0, sizeof(cfg));
	cfg.policy_dir = (char *)policies;
	cfg.scripts_dir = (char *)scripts;
	cfg.policy_budget = 50000000;
	cfg.policy_memory = 32 << 20;
	policy_paths(&cfg, NULL, NULL, NULL, &pp);
	if ((p = luahost_load(&pp.src, err, sizeof(err))) == NULL) {
		fprintf(stderr, "policybench: %s\n", err);
		return 1;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	def = xasprintf("%s/default", dir);
	snprintf(path, sizeof(path), "%s/policy.lua", def);
	if (mkdir(def, 0700) == -1 || (fp = fopen(path, "w")) == NULL)
		return 1;
	fputs(reference_policy, fp);
	fclose(fp);
	cfg.policy_dir = dir;
	policy_paths(&cfg, NULL, NULL, NULL, &pp);
	ref = luahost_load(&pp.src, err, sizeof(err));
	unlink(path);
	rmdir(def);
	rmdir(dir);
	free(def);
	if (ref == NULL) {
		fprintf(stderr, "policybench: %s\n", err);
		return 1;
	}
	rate(p, 0.3, kase, ws);			/* warm up */
	printf("adjudicate %.0f\n", rate(p, secs, kase, ws));
	printf("reference %.0f\n", rate(ref, secs, kase, ws));
	luahost_free(p);
	luahost_free(ref);
	json_decref(kase);
	json_decref(ws);
	return 0;
}

/* A small deterministic generator (xorshift). */
static unsigned long long	seed;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

static int
cmd_gen(long n, unsigned long long s)
{
	/* A disqualifying condition and a mitigating condition of the same
	 * guideline, from the NZSIS catalog (scripts/guidelines.lua). */
	static const char *const pairs[][2] = {
		{ "C6", "C14" }, { "D6", "D17" }, { "E2", "E8" }, { "F4", "F16" },
		{ "B8", "B14" }, { "A9", "A23" }, { "G3", "G7" },
	};
	json_t	*kase = sample_case(), *ws, *line, *g;
	char	*text, name[32];
	long	 i;
	unsigned k;

	seed = s ? s : 88172645463325252ULL;
	for (i = 0; i < n; i++) {
		ws = json_pack("{s:{}, s:{s:s, s:s}, s:[]}", "guidelines",
		    "conduct", "seriousness", rnd(2) ? "low" : "moderate",
		    "recency", rnd(2) ? "old" : "recent", "patterns");
		if (rnd(3) != 0) {
			k = rnd(sizeof(pairs) / sizeof(pairs[0]));
			g = json_pack("{s:[{s:s, s:s, s:s}], s:[]}",
			    "disqualifying", "id", pairs[k][0], "date",
			    rnd(2) ? "2016-01-01" : "2025-01-01", "facts",
			    "generated", "mitigating");
			if (rnd(2))
				json_array_append_new(json_object_get(g,
				    "mitigating"), json_string(pairs[k][1]));
			json_object_set_new(json_object_get(ws, "guidelines"),
			    (char[2]){ pairs[k][0][0], '\0' }, g);
		}
		snprintf(name, sizeof(name), "generated-%ld", i);
		json_object_set_new(kase, "id", json_integer(i + 1));
		line = json_pack("{s:s, s:O, s:o}", "name", name, "case", kase,
		    "worksheet", ws);
		text = json_dumps(line, JSON_COMPACT);
		puts(text);
		free(text);
		json_decref(line);
	}
	json_decref(kase);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 5 && strcmp(argv[1], "calls") == 0)
		return cmd_calls(argv[2], argv[3], atof(argv[4]));
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return cmd_gen(atol(argv[2]), strtoull(argv[3], NULL, 10));
	fprintf(stderr, "usage: policybench calls SCRIPTS POLICIES SECONDS\n"
	    "       policybench gen N SEED\n");
	return 2;
}
