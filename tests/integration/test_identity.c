/*
 * Integration tests of identity and access: signing in against a real
 * directory (a throwaway slapd seeded with examples/directory), sessions and
 * their cookies, CSRF, throttling, API tokens, role refresh from the
 * directory, TLS to the directory, the audit trail and its tamper checks, and
 * the matrix of every route against every role, token and organization.
 * Everything goes through nginx to vetd; nothing is mocked.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(identity, .fini = vt_stop, .timeout = 90);

#define PW VT_DEMO_PASSWORD

/* --- shared checks ---------------------------------------------------- */

/* s, or "(none)" when it is NULL, for string comparisons. */
static const char *or_none(const char *s)
{
	return s != NULL ? s : "(none)";
}

/* r is a JSON error in the contract's shape with this status and code. */
static void assert_error(struct vt_response *r, long status, const char *code)
{
	const char *message;

	cr_assert_eq(r->status, status, "expected %ld %s, got %ld: %s",
		     status, code, r->status, r->body);
	cr_assert_str_eq(or_none(vt_json_str(r, "error.code")), code,
			 "body: %s", r->body);
	message = vt_json_str(r, "error.message");
	cr_assert(message != NULL && *message != '\0', "no error.message: %s", r->body);
}

/* A stack with the demo directory and every other option at its default. */
static void start_with_directory(void)
{
	vt_start(&(struct vt_options){ .ldap = { .enabled = true } });
}

/* The roles of a sign-in or /me answer, joined with commas. */
static const char *roles_of(struct vt_response *r)
{
	static char out[256];
	json_t *roles = vt_json_get(r, "roles"), *role;
	size_t i;

	out[0] = '\0';
	if (!json_is_array(roles))
		return "(no roles array)";
	json_array_foreach(roles, i, role) {
		if (i > 0)
			strncat(out, ",", sizeof out - strlen(out) - 1);
		strncat(out, or_none(json_string_value(role)), sizeof out - strlen(out) - 1);
	}
	return out;
}

static struct vt_response *me(const struct vt_who *who)
{
	return vt_call("GET", "/api/v1/me", who, NULL, NULL);
}

/* Ask /me every 200 ms until the answer is not 200 or timeout_ms have
 * passed; returns the last answer. */
static struct vt_response *me_until_refused(const struct vt_who *who, int timeout_ms)
{
	long long deadline = vt_now_ms() + timeout_ms;
	struct vt_response *r;

	for (;;) {
		r = me(who);
		if (r->status != 200 || vt_now_ms() >= deadline)
			return r;
		vt_sleep_ms(200);
	}
}

/* Run SQL with the sqlite3 shell on db; returns its exit status and output. */
static int sqlite(const char *db, char **out, const char *query)
{
	return vt_run(out, "sqlite3 -batch '%s' <<'SQL'\n.timeout 5000\n%s\nSQL", db, query);
}

/* Run the SQL query on vetd's database, which must accept it; returns the
 * output without its last newline. */
static const char *sql_text(const char *query)
{
	char *out = NULL;
	size_t n;
	int rc;

	rc = sqlite(vt.db, &out, query);
	cr_assert_eq(rc, 0, "sqlite3 failed (exit %d) on %s: %s", rc, query, out);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return out;
}

/* The query made from fmt (malloc'd; the caller frees it). */
static char *vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	cr_assert_geq(n, 0, "bad format %s", fmt);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* sql_text() with a formatted query. */
__attribute__((format(printf, 1, 2)))
static const char *sql(const char *fmt, ...)
{
	const char *out;
	char *query;
	va_list ap;

	va_start(ap, fmt);
	query = vformat(fmt, ap);
	va_end(ap);
	out = sql_text(query);
	free(query);
	return out;
}

/* The number a formatted query answers (e.g. a count). */
__attribute__((format(printf, 1, 2)))
static long long sql_number(const char *fmt, ...)
{
	const char *out;
	char *query, *end;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	query = vformat(fmt, ap);
	va_end(ap);
	out = sql_text(query);
	v = strtoll(out, &end, 10);
	cr_assert(end != out && *end == '\0', "%s gave %s, not a number", query, out);
	free(query);
	return v;
}

/* Run vetctl, which must succeed; returns its output. */
__attribute__((format(printf, 1, 2)))
static const char *vetctl_ok(const char *fmt, ...)
{
	char args[1024], *out = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	rc = vt_vetctl(&out, "%s", args);
	cr_assert_eq(rc, 0, "vetctl %s: exit %d: %s", args, rc, out);
	return out;
}

/* vetctl token create; returns the secret it prints. */
static const char *create_token(const char *org, const char *roles, const char *name)
{
	const char *out = vetctl_ok("token create --org %s --role %s --name %s",
				    org, roles, name);
	size_t n = strcspn(out, "\n");

	cr_assert_eq(strncmp(out, "vetd_", 5), 0, "token create printed %s", out);
	cr_assert_eq(out[n], '\n', "token create printed %s", out);
	cr_assert_eq(out[n + 1], '\0', "token create printed more than the secret: %s", out);
	((char *)out)[n] = '\0';
	return out;
}

/* Every event of the audit trail that who may read with query (e.g.
 * "action=access.denied"), following next_before page by page. The array
 * belongs to the caller. */
static json_t *audit_events(const struct vt_who *who, const char *query)
{
	json_t *all = json_array(), *next;
	char path[512];
	long long before = 0;
	struct vt_response *r;

	do {
		if (before != 0)
			snprintf(path, sizeof path, "/api/v1/audit?limit=500&before=%lld%s%s",
				 before, *query ? "&" : "", query);
		else
			snprintf(path, sizeof path, "/api/v1/audit?limit=500%s%s",
				 *query ? "&" : "", query);
		r = vt_call("GET", path, who, NULL, NULL);
		cr_assert_eq(r->status, 200, "GET %s as %s: %ld %s", path, who->name,
			     r->status, r->body);
		cr_assert(json_is_array(vt_json_get(r, "events")), "%s", r->body);
		json_array_extend(all, vt_json_get(r, "events"));
		next = vt_json_get(r, "next_before");
		before = json_is_integer(next) ? json_integer_value(next) : 0;
	} while (before != 0);
	return all;
}

/* The first event in events whose member key equals value, or NULL. */
static json_t *find_event(json_t *events, const char *key, const char *value)
{
	json_t *ev;
	size_t i;

	json_array_foreach(events, i, ev)
		if (strcmp(or_none(json_string_value(json_object_get(ev, key))), value) == 0)
			return ev;
	return NULL;
}

/* A JSON sign-in body with a username of n bytes (n 'u's). */
static char *long_username_body(size_t n)
{
	size_t len = n + 64;
	char *body = malloc(len), *user = malloc(n + 1);

	cr_assert(body != NULL && user != NULL);
	memset(user, 'u', n);
	user[n] = '\0';
	snprintf(body, len, "{\"username\":\"%s\",\"password\":\"" PW "\"}", user);
	free(user);
	return body;
}

/* Wait until the wall clock is early in a second, so that the next few
 * quick requests happen within the same second of vetd's clock: a wait
 * after failed sign-ins runs from the second of the last failure. */
static void wait_for_a_fresh_second(void)
{
	struct timespec ts;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		if (ts.tv_nsec < 150000000L)
			return;
		vt_sleep_ms(10);
	}
}

/* Change the members of a demo group in one modification: add the user
 * add, then remove the user del (either may be NULL). */
static void change_members(const char *group, const char *add, const char *del)
{
	char ldif[1024];
	int n;

	n = snprintf(ldif, sizeof ldif, "dn: %s\nchangetype: modify\n", vt_group_dn(group));
	if (add != NULL)
		n += snprintf(ldif + n, sizeof ldif - (size_t)n,
			      "add: member\nmember: %s\n-\n", vt_user_dn(add));
	if (del != NULL)
		snprintf(ldif + n, sizeof ldif - (size_t)n,
			 "delete: member\nmember: %s\n-\n", vt_user_dn(del));
	vt_ldap_modify(ldif);
}

/* A header list with just "Origin: <origin>" (valid until the next call). */
static const char *const *origin_header(const char *origin)
{
	static char header[128];
	static const char *list[] = { header, NULL };

	snprintf(header, sizeof header, "Origin: %s", origin);
	return list;
}

/*
 * Fail to sign in failures times (as user, or as a new username each time
 * when user is NULL), then sign in as then with the right password;
 * returns that answer. vetd's wait runs from the second of the last
 * failure, so the last failure and the try are made early in one second;
 * should the machine be too slow for that (the wait was over before the
 * try), it is all done again.
 */
static struct vt_response *after_failures(const char *user, int failures, const char *then)
{
	struct vt_response *r = NULL;
	char name[64];
	time_t before = 0;
	int round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < failures; i++) {
			if (i == failures - 1) {
				wait_for_a_fresh_second();
				before = time(NULL);
			}
			if (user != NULL)
				snprintf(name, sizeof name, "%s", user);
			else
				snprintf(name, sizeof name, "guess-%d-%d", round, i);
			assert_error(vt_sign_in_as(name, "guess-again"), 401, "bad_credentials");
		}
		r = vt_sign_in_as(then, PW);
		if (r->status != 200 || time(NULL) == before)
			return r;
	}
	return r;
}

/* --- signing in ------------------------------------------------------- */

Test(identity, sign_in_gives_roles_and_a_strict_cookie)
{
	struct vt_response *r;
	struct vt_who auditor;
	const char *set, *csrf;
	char token[128];
	long long expires;

	start_with_directory();
	r = vt_sign_in_as("northbridge-cso", PW);
	cr_assert_eq(r->status, 200, "sign-in: %ld %s", r->status, r->body);
	cr_assert_str_eq(or_none(vt_json_str(r, "user.name")), "northbridge-cso");
	cr_assert_str_eq(or_none(vt_json_str(r, "user.display_name")), "Northbridge Cso");
	cr_assert_str_eq(or_none(vt_json_str(r, "organization")), "northbridge");
	cr_assert_str_eq(roles_of(r), "cso");
	csrf = vt_json_str(r, "csrf_token");
	cr_assert(csrf != NULL && strlen(csrf) >= 32, "csrf_token: %s", r->body);
	cr_assert_eq(json_integer_value(vt_json_get(r, "session.idle_timeout")), 1800);
	expires = json_integer_value(vt_json_get(r, "session.expires_at"));
	cr_assert(llabs(expires - ((long long)time(NULL) + 43200)) < 60,
		  "expires_at %lld is not 12 h from now", expires);

	set = vt_set_cookie(r, VT_COOKIE);
	cr_assert_not_null(set, "no Set-Cookie for " VT_COOKIE);
	snprintf(token, sizeof token, "%.*s", (int)(strcspn(set, ";") - strlen(VT_COOKIE "=")),
		 set + strlen(VT_COOKIE "="));
	cr_assert_geq(strlen(token), 32, "short token: %s", set);
	cr_assert_not_null(strstr(set, "; HttpOnly"), "Set-Cookie: %s", set);
	cr_assert_not_null(strstr(set, "; SameSite=Strict"), "Set-Cookie: %s", set);
	cr_assert_not_null(strstr(set, "; Path=/"), "Set-Cookie: %s", set);
	/* the token is in the cookie only, and nothing else is set */
	cr_assert_null(strstr(r->body, token), "the session token is in the body");
	cr_assert_str_neq(token, csrf, "the CSRF token is the session token");
	cr_assert_eq(vt_header_count(r, "Set-Cookie"), 1);

	/* the cookie alone is the session */
	auditor = vt_sign_in("northbridge-auditor", PW, NULL);
	auditor.csrf = NULL;
	r = me(&auditor);
	cr_assert_eq(r->status, 200, "/me: %ld %s", r->status, r->body);
	cr_assert_str_eq(or_none(vt_json_str(r, "user.name")), "northbridge-auditor");
	cr_assert_str_eq(roles_of(r), "auditor");
	cr_assert_str_eq(or_none(vt_json_str(r, "organization")), "northbridge");

	/* acme's users belong to it through a group, not an ou */
	r = vt_sign_in_as("acme-admin", PW);
	cr_assert_eq(r->status, 200, "acme sign-in: %ld %s", r->status, r->body);
	cr_assert_str_eq(or_none(vt_json_str(r, "organization")), "acme");
	cr_assert_str_eq(roles_of(r), "admin");
}

Test(identity, every_sign_in_gets_a_fresh_token)
{
	struct vt_response *first, *second;
	struct vt_who a, b;

	start_with_directory();
	a = vt_sign_in("northbridge-screening", PW, &first);
	b = vt_sign_in("northbridge-screening", PW, &second);
	cr_assert_str_neq(a.cookie, b.cookie, "two sign-ins got the same cookie");
	cr_assert_str_neq(a.csrf, b.csrf, "two sign-ins got the same CSRF token");
	/* both sessions live side by side */
	cr_assert_eq(me(&a)->status, 200);
	cr_assert_eq(me(&b)->status, 200);
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions WHERE username = 'northbridge-screening'"), 2);
	/* a cookie vetd never issued is no session */
	assert_error(me(&(struct vt_who){ .cookie = VT_COOKIE "=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
		     401, "not_signed_in");
}

Test(identity, wrong_password_and_unknown_user_look_the_same)
{
	struct vt_response *wrong, *unknown;

	start_with_directory();
	wrong = vt_sign_in_as("northbridge-cso", "not-the-password");
	unknown = vt_sign_in_as("nobody-at-all", PW);
	assert_error(wrong, 401, "bad_credentials");
	assert_error(unknown, 401, "bad_credentials");
	cr_assert_str_eq(vt_json_str(wrong, "error.message"), vt_json_str(unknown, "error.message"));
	cr_assert_null(vt_set_cookie(wrong, VT_COOKIE));
	cr_assert_null(vt_set_cookie(unknown, VT_COOKIE));
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, user_outside_every_organization_gets_no_access)
{
	start_with_directory();
	vt_ldap_modify("dn: uid=drifter,ou=people,dc=vetd,dc=example\n"
		       "changetype: add\n"
		       "objectClass: inetOrgPerson\n"
		       "uid: drifter\n"
		       "cn: Drifter\n"
		       "sn: Drifter\n"
		       "userPassword: " PW "\n");
	assert_error(vt_sign_in_as("drifter", PW), 403, "no_access");
	/* a wrong password is still just a wrong password */
	assert_error(vt_sign_in_as("drifter", "guess"), 401, "bad_credentials");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, refused_input_never_reaches_the_directory)
{
	static const struct {
		const char *what;
		const char *body;
		const char *code;
		const char *field;    /* NULL: none */
	} cases[] = {
		{ "an empty password",
		  "{\"username\":\"northbridge-cso\",\"password\":\"\"}", "bad_request", "password" },
		/* cut at the NUL it would be the right password */
		{ "a NUL in the password",
		  "{\"username\":\"northbridge-cso\",\"password\":\"" PW "\\u0000x\"}",
		  "invalid_json", NULL },
		{ "a NUL alone as the password",
		  "{\"username\":\"northbridge-cso\",\"password\":\"\\u0000\"}", "invalid_json", NULL },
	};
	char *too_long = long_username_body(257), *longest = long_username_body(256);
	struct vt_response *r;
	size_t i;
	int attempt;

	start_with_directory();
	/* more attempts each than the throttle lets through */
	for (attempt = 0; attempt < 4; attempt++) {
		for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			r = vt_post_json("/api/v1/session", cases[i].body);
			assert_error(r, 400, cases[i].code);
			cr_assert_str_eq(or_none(vt_json_str(r, "error.field")),
					 or_none(cases[i].field), "%s: %s", cases[i].what, r->body);
		}
		r = vt_post_json("/api/v1/session", too_long);
		assert_error(r, 400, "bad_request");
		cr_assert_str_eq(or_none(vt_json_str(r, "error.field")), "username");
	}
	cr_assert_eq(sql_number("SELECT count(*) FROM auth_failures"), 0,
		     "refused input was counted as failed sign-ins");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
	/* the throttle did not count them: the real password still works */
	cr_assert_eq(vt_sign_in_as("northbridge-cso", PW)->status, 200);

	/* 256 bytes is still a username, just nobody's */
	assert_error(vt_post_json("/api/v1/session", longest), 401, "bad_credentials");
	free(too_long);
	free(longest);
}

Test(identity, filter_metacharacters_in_usernames_match_nobody)
{
	static const char *const names[] = {
		"*", "x)(uid=*", "\\", "admin)(|(uid=*", "northbridge-cso)(uid=*",
		"northbridge-cs*", "*)(objectClass=*", "northbridge-cso\\2a",
	};
	struct vt_response *r;
	size_t i;

	start_with_directory();
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		r = vt_sign_in_as(names[i], PW);
		cr_expect_eq(r->status, 401, "username %s: %ld %s", names[i], r->status, r->body);
		cr_expect_str_eq(or_none(vt_json_str(r, "error.code")), "bad_credentials",
				 "username %s: %s", names[i], r->body);
		cr_expect_null(vt_set_cookie(r, VT_COOKIE), "username %s got a cookie", names[i]);
	}
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, empty_password_is_never_an_unauthenticated_bind)
{
	char *out = NULL;
	int rc;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.slapd_extra = "allow bind_anon_dn" } });
	/* this directory takes a DN with an empty password as anonymous */
	rc = vt_run(&out, "ldapwhoami -x -H ldap://127.0.0.1:%d -D '%s' -w ''",
		    vt.ldap_port, vt_user_dn("northbridge-cso"));
	cr_assert_eq(rc, 0, "slapd refused the unauthenticated bind: %s", out);
	cr_assert_not_null(strstr(out, "anonymous"), "%s", out);

	assert_error(vt_sign_in_as("northbridge-cso", ""), 400, "bad_request");
	assert_error(vt_sign_in_as("northbridge-cso", " "), 401, "bad_credentials");
	assert_error(vt_sign_in_as("northbridge-cso", "\t \t"), 401, "bad_credentials");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, group_search_mode_finds_the_same_roles)
{
	struct vt_response *r;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true, .group_search = true } });
	vt_sign_in("northbridge-interviewer2", PW, &r);
	cr_assert_str_eq(roles_of(r), "interviewer");
	vt_sign_in("acme-auditor", PW, &r);
	cr_assert_str_eq(or_none(vt_json_str(r, "organization")), "acme");
	cr_assert_str_eq(roles_of(r), "auditor");
}

/* --- the directory going away ----------------------------------------- */

Test(identity, directory_outage_gives_503_and_sessions_live_on)
{
	struct vt_response *r;
	struct vt_who cso;
	long long t0, took;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true, .refresh = 1,
		.network_timeout = 2 } });
	cso = vt_sign_in("northbridge-cso", PW, NULL);
	vt_slapd_stop();

	t0 = vt_now_ms();
	r = vt_sign_in_as("northbridge-auditor", PW);
	took = vt_now_ms() - t0;
	assert_error(r, 503, "directory_unavailable");
	cr_assert_lt(took, 3000, "the refusal took %lld ms (network_timeout is 2 s)", took);

	/* past the refresh time the session goes on with the roles it has */
	vt_sleep_ms(1500);
	r = me(&cso);
	cr_assert_eq(r->status, 200, "/me with the directory down: %ld %s", r->status, r->body);
	cr_assert_str_eq(roles_of(r), "cso");

	vt_slapd_start();
	r = vt_sign_in_as("northbridge-auditor", PW);
	cr_assert_eq(r->status, 200, "sign-in after the restart: %ld %s", r->status, r->body);
	cr_assert_eq(me(&cso)->status, 200);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action = "
				"'session.sign_in_failed' AND detail LIKE '%%unavailable%%'"), 1);
}

Test(identity, hung_directory_is_given_up_on_in_time)
{
	struct vt_response *r;
	long long t0, took;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.network_timeout = 2, .timeout = 2 } });
	/* the service connection is open and idle when slapd freezes */
	vt_sign_in("northbridge-cso", PW, NULL);
	vt_signal(vt.slapd_pid, SIGSTOP);

	t0 = vt_now_ms();
	r = vt_sign_in_as("northbridge-auditor", PW);
	took = vt_now_ms() - t0;
	assert_error(r, 503, "directory_unavailable");
	cr_assert_lt(took, 6500, "the refusal took %lld ms (timeouts of 2 s)", took);

	vt_signal(vt.slapd_pid, SIGCONT);
	r = vt_sign_in_as("northbridge-auditor", PW);
	cr_assert_eq(r->status, 200, "sign-in once slapd runs again: %ld %s", r->status, r->body);
}

/* --- role refresh from the directory ----------------------------------- */

Test(identity, removal_from_the_role_group_ends_the_session)
{
	struct vt_who cso;
	struct vt_response *r;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true, .refresh = 1 } });
	cso = vt_sign_in("northbridge-cso", PW, NULL);
	cr_assert_eq(me(&cso)->status, 200);

	/* a groupOfNames keeps at least one member: add one, remove the cso */
	change_members("northbridge-cso", "northbridge-appeals", "northbridge-cso");
	r = me_until_refused(&cso, 5000);
	assert_error(r, 401, "session_expired");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions WHERE username = 'northbridge-cso'"), 0);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action = "
				"'session.ended_by_directory' AND actor = 'user:northbridge-cso'"), 1);
	/* and a new sign-in finds no role */
	assert_error(vt_sign_in_as("northbridge-cso", PW), 403, "no_access");
}

Test(identity, losing_one_of_two_roles_keeps_the_other)
{
	struct vt_response *r;
	struct vt_who who;
	long long deadline;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true, .refresh = 1 } });
	change_members("northbridge-adjudicator", "northbridge-interviewer", NULL);
	who = vt_sign_in("northbridge-interviewer", PW, &r);
	cr_assert_str_eq(roles_of(r), "interviewer,adjudicator");

	change_members("northbridge-adjudicator", NULL, "northbridge-interviewer");
	deadline = vt_now_ms() + 5000;
	for (;;) {
		r = me(&who);
		cr_assert_eq(r->status, 200, "/me after losing one role: %ld %s", r->status, r->body);
		if (strcmp(roles_of(r), "interviewer") == 0)
			break;
		cr_assert_lt(vt_now_ms(), deadline, "roles still %s 5 s later", roles_of(r));
		vt_sleep_ms(200);
	}
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action = "
				"'session.roles_changed' AND actor = 'user:northbridge-interviewer'"), 1);
}

Test(identity, disabled_user_loses_access_at_the_next_refresh)
{
	struct vt_who who;
	char ldif[512];

	vt_start(&(struct vt_options){ .ldap = { .enabled = true, .refresh = 1,
		.user_filter = "(&(objectClass=inetOrgPerson)(uid=%s)(!(employeeType=disabled)))" } });
	who = vt_sign_in("northbridge-adjudicator", PW, NULL);
	cr_assert_eq(me(&who)->status, 200);

	snprintf(ldif, sizeof ldif, "dn: %s\nchangetype: modify\nadd: employeeType\n"
		 "employeeType: disabled\n-\n", vt_user_dn("northbridge-adjudicator"));
	vt_ldap_modify(ldif);
	assert_error(me_until_refused(&who, 5000), 401, "session_expired");
	assert_error(vt_sign_in_as("northbridge-adjudicator", PW), 401, "bad_credentials");
	/* the others are untouched */
	cr_assert_eq(vt_sign_in_as("northbridge-authority", PW)->status, 200);
}

/* --- the life of a session -------------------------------------------- */

Test(identity, sign_out_ends_the_session)
{
	struct vt_response *r;
	struct vt_who who;
	const char *set;

	start_with_directory();
	who = vt_sign_in("northbridge-appeals", PW, NULL);
	r = vt_call("DELETE", "/api/v1/session", &who, NULL, NULL);
	cr_assert_eq(r->status, 200, "sign-out: %ld %s", r->status, r->body);
	cr_assert(json_is_true(vt_json_get(r, "signed_out")), "%s", r->body);
	set = vt_set_cookie(r, VT_COOKIE);
	cr_assert_not_null(set, "the sign-out does not clear the cookie");
	cr_assert_eq(strncmp(set, VT_COOKIE "=;", strlen(VT_COOKIE) + 2), 0, "Set-Cookie: %s", set);
	cr_assert_not_null(strstr(set, "Max-Age=0"), "Set-Cookie: %s", set);

	assert_error(me(&who), 401, "not_signed_in");
	assert_error(vt_call("DELETE", "/api/v1/session", &who, NULL, NULL), 401, "not_signed_in");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, idle_session_expires)
{
	struct vt_response *r;
	struct vt_who who;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true },
		.idle_timeout = 2, .absolute_timeout = 60 });
	who = vt_sign_in("acme-cso", PW, &r);
	cr_assert_eq(json_integer_value(vt_json_get(r, "session.idle_timeout")), 2);
	cr_assert_eq(me(&who)->status, 200);
	vt_sleep_ms(3000);
	assert_error(me(&who), 401, "session_expired");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, absolute_timeout_ends_even_a_busy_session)
{
	struct vt_response *r;
	struct vt_who who;
	long long t0, lived, expires;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true },
		.idle_timeout = 2, .absolute_timeout = 3 });
	t0 = vt_now_ms();
	who = vt_sign_in("acme-cso", PW, &r);
	expires = json_integer_value(vt_json_get(r, "session.expires_at"));
	cr_assert(llabs(expires - ((long long)time(NULL) + 3)) <= 1, "expires_at %lld", expires);
	/* used every 250 ms it never idles, yet it ends */
	for (;;) {
		r = me(&who);
		lived = vt_now_ms() - t0;
		if (r->status != 200)
			break;
		cr_assert_lt(lived, 6000, "the session still works after %lld ms", lived);
		vt_sleep_ms(250);
	}
	assert_error(r, 401, "session_expired");
	cr_assert_geq(lived, 1900, "the session ended after %lld ms, before its time", lived);
}

/* --- CSRF ---------------------------------------------------------------- */

Test(identity, state_changes_need_our_origin_or_the_csrf_token)
{
	char other_port[64];
	struct vt_who who, bare, wrong;

	start_with_directory();
	who = vt_sign_in("northbridge-cso", PW, NULL);
	bare = who;
	bare.csrf = NULL;
	wrong = who;
	wrong.csrf = "0123456789abcdef0123456789abcdef0123456789a";
	snprintf(other_port, sizeof other_port, "http://127.0.0.1:%d", vt.port + 1);

	assert_error(vt_call("DELETE", "/api/v1/session", &bare, NULL, NULL), 403, "csrf_failed");
	cr_assert_eq(me(&who)->status, 200, "the refused sign-out ended the session");
	assert_error(vt_call("DELETE", "/api/v1/session", &bare,
			     origin_header("http://evil.example"), NULL), 403, "csrf_failed");
	assert_error(vt_call("DELETE", "/api/v1/session", &bare, origin_header(other_port), NULL),
		     403, "csrf_failed");
	assert_error(vt_call("DELETE", "/api/v1/session", &wrong, NULL, NULL), 403, "csrf_failed");
	cr_assert_eq(me(&who)->status, 200, "a refused sign-out ended the session");
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action = 'access.denied'"
				" AND actor = 'user:northbridge-cso' AND detail LIKE '%%csrf%%'"), 4);

	/* the token does it */
	cr_assert_eq(vt_call("DELETE", "/api/v1/session", &who, NULL, NULL)->status, 200);
	assert_error(me(&who), 401, "not_signed_in");

	/* so does our own origin */
	who = vt_sign_in("northbridge-cso", PW, NULL);
	bare = who;
	bare.csrf = NULL;
	cr_assert_eq(vt_call("DELETE", "/api/v1/session", &bare, origin_header(vt.origin),
			     NULL)->status, 200);
	assert_error(me(&who), 401, "not_signed_in");

	/* a sign-in from another site's page is refused */
	assert_error(vt_call("POST", "/api/v1/session", NULL, origin_header("http://evil.example"),
			     "{\"username\":\"northbridge-cso\",\"password\":\"" PW "\"}"),
		     403, "csrf_failed");
}

/* --- throttling ---------------------------------------------------------- */

Test(identity, repeated_failures_make_the_user_wait)
{
	struct vt_response *r;
	const char *retry;
	char *end;
	long wait;

	start_with_directory();
	r = after_failures("northbridge-cso", 3, "northbridge-cso");
	assert_error(r, 429, "too_many_attempts");
	cr_assert_null(vt_set_cookie(r, VT_COOKIE));
	retry = vt_header(r, "Retry-After");
	cr_assert_not_null(retry, "a 429 without Retry-After");
	wait = strtol(retry, &end, 10);
	cr_assert(end != retry && *end == '\0' && wait >= 1 && wait <= 60,
		  "Retry-After: %s", retry);
	/* another user from the same address is not held up */
	cr_assert_eq(vt_sign_in_as("northbridge-auditor", PW)->status, 200);

	vt_sleep_ms((int)wait * 1000);
	r = vt_sign_in_as("northbridge-cso", PW);
	cr_assert_eq(r->status, 200, "after waiting %ld s: %ld %s", wait, r->status, r->body);
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE action = "
				"'session.sign_in_failed' AND detail LIKE '%%throttled%%'"), 1);
}

/* The directory matches uid without regard to case or to leading and
 * trailing spaces, so all these name the user the throttle holds back:
 * vetd folds the case (and throttles), and refuses spaces at the ends. */
Test(identity, throttle_cannot_be_dodged_by_respelling_the_username)
{
	static const struct { const char *name; long status; } spellings[] = {
		{ "Northbridge-CSO", 429 }, { " northbridge-cso", 400 },
		{ "northbridge-cso ", 400 }, { "northbridge-cso  ", 400 },
		{ "northbridge-cso\t", 400 },
	};
	struct vt_response *r;
	size_t i;

	start_with_directory();
	/*
	 * Five failures hold the user back 4 s from the last one (1 s after
	 * the third, 2 s after the fourth: each is waited out), long enough
	 * that a loaded machine still tries every spelling inside the hold.
	 */
	for (i = 0; i < 5; i++) {
		if (i == 3)
			vt_sleep_ms(1100);
		if (i == 4) {
			vt_sleep_ms(2100);
			wait_for_a_fresh_second();
		}
		assert_error(vt_sign_in_as("northbridge-cso", "guess-again"), 401, "bad_credentials");
	}
	for (i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		r = vt_sign_in_as(spellings[i].name, PW);
		cr_expect_eq(r->status, spellings[i].status,
			     "\"%s\" while \"northbridge-cso\" waits: %ld %s",
			     spellings[i].name, r->status, r->body);
	}
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0,
		     "a respelt username got a session while the user was held back");
}

Test(identity, many_failures_from_one_address_slow_it_down)
{
	struct vt_response *r;

	start_with_directory();
	/* 20 usernames, one failure each: no user reaches its own limit */
	r = after_failures(NULL, 20, "northbridge-cso");
	assert_error(r, 429, "too_many_attempts");
	cr_assert_not_null(vt_header(r, "Retry-After"));
}

/* --- API tokens ----------------------------------------------------------- */

Test(identity, api_token_works_until_revoked)
{
	struct vt_who bearer = { .name = "token ci-reader" };
	struct vt_response *r;
	const char *list;

	start_with_directory();
	bearer.bearer = create_token("northbridge", "auditor", "ci-reader");

	r = vt_call("GET", "/api/v1/audit", &bearer, NULL, NULL);
	cr_assert_eq(r->status, 200, "audit with the token: %ld %s", r->status, r->body);
	r = me(&bearer);
	cr_assert_eq(r->status, 200, "/me with the token: %ld %s", r->status, r->body);
	cr_assert_str_eq(or_none(vt_json_str(r, "token.name")), "ci-reader");
	cr_assert_str_eq(or_none(vt_json_str(r, "organization")), "northbridge");
	cr_assert_str_eq(roles_of(r), "auditor");
	/* a token has no cookie to protect: no CSRF proof needed, none set */
	cr_assert_null(vt_set_cookie(r, VT_COOKIE));

	list = vetctl_ok("token list");
	cr_assert_not_null(strstr(list, "ci-reader"), "token list: %s", list);
	cr_assert_not_null(strstr(list, "auditor"), "token list: %s", list);
	cr_assert_null(strstr(list, "last_used=never"), "the use is not recorded: %s", list);
	cr_assert_null(strstr(list, bearer.bearer), "token list shows the secret");
	list = vetctl_ok("token list --org acme");
	cr_assert_null(strstr(list, "ci-reader"), "acme's list: %s", list);
	cr_assert_geq(sql_number("SELECT count(*) FROM audit_events WHERE action = 'token.use'"
				 " AND actor = 'token:ci-reader'"), 2);

	vetctl_ok("token revoke --org northbridge --name ci-reader");
	assert_error(vt_call("GET", "/api/v1/audit", &bearer, NULL, NULL), 401, "bad_token");
	assert_error(me(&bearer), 401, "bad_token");
	list = vetctl_ok("token list --org northbridge");
	cr_assert_not_null(strstr(list, "revoked="), "token list: %s", list);
}

Test(identity, malformed_authorization_is_401)
{
	char values[10][160];
	const char *secret, *headers[] = { NULL, NULL };
	struct vt_response *r;
	struct vt_who cso;
	size_t n = 0, i;

	start_with_directory();
	secret = create_token("northbridge", "auditor", "good-one");
	cso = vt_sign_in("northbridge-cso", PW, NULL);
	snprintf(values[n++], sizeof values[0], "Authorization: Basic dXNlcjp2ZXRkLWRlbW8=");
	snprintf(values[n++], sizeof values[0], "Authorization: Basic %s", secret);
	snprintf(values[n++], sizeof values[0], "Authorization: Token %s", secret);
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer");
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer vetd_");
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer vetd_short");
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer %sx", secret);
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer %.*s",
		 (int)strlen(secret) - 1, secret);
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer x%s", secret + 1);
	snprintf(values[n++], sizeof values[0], "Authorization: Bearer %s,%s", secret, secret);

	for (i = 0; i < n; i++) {
		const char *header = headers[0] = values[i];

		r = vt_call("GET", "/api/v1/me", NULL, headers, NULL);
		cr_expect_eq(r->status, 401, "%s: %ld %s", header, r->status, r->body);
		cr_expect_str_eq(or_none(vt_json_str(r, "error.code")), "bad_token", "%s: %s",
				 header, r->body);
		/* a good cookie alongside does not make up for it */
		r = vt_call("GET", "/api/v1/me", &cso, headers, NULL);
		cr_expect_eq(r->status, 401, "%s with a cookie: %ld %s", header, r->status, r->body);
	}
	/* the good token and the session still work */
	cr_assert_eq(me(&(struct vt_who){ .bearer = secret })->status, 200);
	cr_assert_eq(me(&cso)->status, 200);
}

/* --- the audit trail ----------------------------------------------------- */

/* Some activity of every kind for the audit trail. */
static void make_some_history(void)
{
	struct vt_who cso, auditor;

	cso = vt_sign_in("northbridge-cso", PW, NULL);
	auditor = vt_sign_in("northbridge-auditor", PW, NULL);
	vt_sign_in_as("northbridge-cso", "wrong");
	vt_sign_in_as("somebody-else", PW);
	cr_assert_eq(vt_call("GET", "/api/v1/audit", &cso, NULL, NULL)->status, 403);
	cr_assert_eq(vt_call("GET", "/api/v1/audit", &auditor, NULL, NULL)->status, 200);
	cr_assert_eq(vt_call("DELETE", "/api/v1/session", &cso, NULL, NULL)->status, 200);
	create_token("acme", "auditor", "history");
	vt_sign_in("acme-cso", PW, NULL);
}

/* Write a configuration for vetctl on another database file (in the
 * stack's directory); returns its path. */
static const char *config_for(const char *db)
{
	char name[64], text[256];

	snprintf(name, sizeof name, "%s.conf", db);
	snprintf(text, sizeof text, "listen = { socket = \"unused.sock\" }\ndatabase = \"%s\"\n", db);
	vt_write_file(name, text);
	return vt_path(name);
}

/* A copy of vetd's database (taken the safe way, while vetd runs) with
 * the SQL changes applied to it; returns the configuration that points at
 * it. */
static const char *tampered_copy(const char *db, const char *changes)
{
	char query[256], *out = NULL;
	int rc;

	snprintf(query, sizeof query, ".backup '%s'", vt_path(db));
	rc = sqlite(vt.db, &out, query);
	cr_assert_eq(rc, 0, "backup to %s: %s", db, out);
	rc = sqlite(vt_path(db), &out, changes);
	cr_assert_eq(rc, 0, "tampering with %s: %s\n%s", db, out, changes);
	return config_for(db);
}

/* vetctl audit verify with config conf and more arguments; returns its
 * exit status and output. */
static int audit_verify(const char *conf, const char *args, char **out)
{
	return vt_run(out, "'%s' -f '%s' audit verify %s", vt.vetctl_bin, conf, args);
}

/* The number of events "audit trail intact: N events" reports. */
static long long intact_count(const char *out)
{
	const char *p = strstr(out, "audit trail intact: ");

	cr_assert_not_null(p, "not intact: %s", out);
	return strtoll(p + strlen("audit trail intact: "), NULL, 10);
}

/* The ways of tampering with event k, and the event verify must name. */
enum tamper { EDIT_ACTOR, EDIT_DETAIL, DELETE_ROW, SWAP_ROWS, NTAMPER };

static const char *tamper_name(enum tamper t)
{
	static const char *const names[NTAMPER] = {
		"an edited actor", "an edited detail", "a deleted row", "two rows swapped",
	};

	return names[t];
}

/* The SQL that tampers with event k in the way t; returns the event that
 * verify must name as the first broken one. */
static long long tamper_sql(enum tamper t, long long k, char *out, size_t size)
{
	switch (t) {
	case EDIT_ACTOR:
		snprintf(out, size, "DROP TRIGGER audit_no_update;\n"
			 "UPDATE audit_events SET actor = 'user:someone-else' WHERE id = %lld;", k);
		return k;
	case EDIT_DETAIL:
		snprintf(out, size, "DROP TRIGGER audit_no_update;\n"
			 "UPDATE audit_events SET detail = '{}' WHERE id = %lld;", k);
		return k;
	case DELETE_ROW:
		/* the gap shows at the event after it */
		snprintf(out, size, "DROP TRIGGER audit_no_delete;\n"
			 "DELETE FROM audit_events WHERE id = %lld;", k);
		return k + 1;
	case SWAP_ROWS:
	default:
		snprintf(out, size, "DROP TRIGGER audit_no_update;\n"
			 "UPDATE audit_events SET id = -1 WHERE id = %lld;\n"
			 "UPDATE audit_events SET id = %lld WHERE id = %lld;\n"
			 "UPDATE audit_events SET id = %lld WHERE id = -1;", k, k, k + 1, k + 1);
		return k;
	}
}

Test(identity, audit_verify_finds_edits_deletions_and_reordering)
{
	char *out = NULL, db[32], text[512], want[64];
	enum tamper t;
	long long n, k;
	int rc;

	start_with_directory();
	make_some_history();
	rc = audit_verify(vt.conf, "", &out);
	cr_assert_eq(rc, 0, "audit verify: exit %d: %s", rc, out);
	n = intact_count(out);
	cr_assert_eq(n, sql_number("SELECT count(*) FROM audit_events"), "%s", out);
	cr_assert_geq(n, 10, "too little history: %s", out);
	k = n / 2;

	for (t = 0; t < NTAMPER; t++) {
		snprintf(db, sizeof db, "tampered-%d.db", (int)t);
		snprintf(want, sizeof want, "audit trail BROKEN at event %lld:",
			 tamper_sql(t, k, text, sizeof text));
		rc = audit_verify(tampered_copy(db, text), "", &out);
		cr_expect_eq(rc, 1, "%s: exit %d: %s", tamper_name(t), rc, out);
		cr_expect_not_null(strstr(out, want), "%s: wanted \"%s\", got %s",
				   tamper_name(t), want, out);
	}
	/* the original is still whole */
	cr_assert_eq(audit_verify(vt.conf, "", &out), 0, "%s", out);
}

Test(identity, audit_checkpoint_detects_a_cut_off_end)
{
	char *out = NULL, text[256];
	const char *conf;
	long long at_checkpoint;
	int rc;

	start_with_directory();
	make_some_history();
	rc = vt_vetctl(&out, "audit checkpoint --key audit.key --out checkpoint.json");
	cr_assert_eq(rc, 0, "audit checkpoint: exit %d: %s", rc, out);
	at_checkpoint = sql_number("SELECT max(id) FROM audit_events");
	/* more events after the checkpoint are fine */
	vt_sign_in("northbridge-admin", PW, NULL);
	cr_assert_gt(sql_number("SELECT max(id) FROM audit_events"), at_checkpoint);
	rc = vt_vetctl(&out, "audit verify --checkpoint checkpoint.json");
	cr_assert_eq(rc, 0, "verify against the checkpoint: exit %d: %s", rc, out);

	/* cut the end off, into what the checkpoint saw */
	snprintf(text, sizeof text, "DROP TRIGGER audit_no_delete;\n"
		 "DELETE FROM audit_events WHERE id > %lld;", at_checkpoint - 2);
	conf = tampered_copy("truncated.db", text);
	rc = audit_verify(conf, "", &out);
	cr_assert_eq(rc, 0, "a cut-off trail still chains: exit %d: %s", rc, out);
	cr_assert_eq(intact_count(out), at_checkpoint - 2);
	rc = audit_verify(conf, "--checkpoint checkpoint.json", &out);
	cr_assert_eq(rc, 1, "verify --checkpoint missed the cut: exit %d: %s", rc, out);
	cr_assert_not_null(strstr(out, "audit trail BROKEN at event"), "%s", out);
}

Test(identity, audit_rows_cannot_be_changed_in_place)
{
	char *out = NULL;
	int rc;

	start_with_directory();
	make_some_history();
	rc = sqlite(vt.db, &out, "UPDATE audit_events SET actor = 'user:nobody' WHERE id = 2;");
	cr_assert_neq(rc, 0, "UPDATE went through: %s", out);
	cr_assert_not_null(strstr(out, "append-only"), "%s", out);
	rc = sqlite(vt.db, &out, "DELETE FROM audit_events WHERE id = 2;");
	cr_assert_neq(rc, 0, "DELETE went through: %s", out);
	cr_assert_not_null(strstr(out, "append-only"), "%s", out);
	cr_assert_eq(audit_verify(vt.conf, "", &out), 0, "%s", out);
}

Test(identity, refusals_are_audited)
{
	struct vt_who cso, auditor;
	struct vt_response *r;
	const char *rid;
	json_t *events, *ev;
	size_t i;

	start_with_directory();
	cso = vt_sign_in("northbridge-cso", PW, NULL);
	auditor = vt_sign_in("northbridge-auditor", PW, NULL);
	r = vt_call("GET", "/api/v1/audit", &cso, NULL, NULL);
	assert_error(r, 403, "forbidden");
	rid = vt_header(r, "X-Request-Id");
	cr_assert_not_null(rid);

	events = audit_events(&auditor, "action=access.denied");
	ev = find_event(events, "request_id", rid);
	cr_assert_not_null(ev, "the refusal %s is not in the trail", rid);
	cr_assert_str_eq(or_none(json_string_value(json_object_get(ev, "actor"))),
			 "user:northbridge-cso");
	cr_assert_str_eq(or_none(json_string_value(json_object_get(ev, "action"))),
			 "access.denied");
	cr_assert_str_eq(or_none(json_string_value(json_object_get(json_object_get(ev, "detail"),
								      "route"))),
			 "/api/v1/audit");
	json_array_foreach(events, i, ev)
		cr_assert_str_eq(or_none(json_string_value(json_object_get(ev, "action"))),
				 "access.denied", "the action filter let through %s",
				 json_dumps(ev, JSON_COMPACT));
	json_decref(events);

	/* failed sign-ins, known user or not, belong to no organization */
	rid = vt_header(vt_sign_in_as("northbridge-screening", "wrong"), "X-Request-Id");
	cr_assert_str_eq(sql("SELECT action || ' ' || actor FROM audit_events WHERE request_id = '%s'",
			     rid), "session.sign_in_failed user:northbridge-screening");
	rid = vt_header(vt_sign_in_as("no-such-user", "wrong"), "X-Request-Id");
	cr_assert_str_eq(sql("SELECT action || ' ' || actor FROM audit_events WHERE request_id = '%s'",
			     rid), "session.sign_in_failed user:no-such-user");
}

Test(identity, sign_in_refused_for_its_origin_is_audited)
{
	struct vt_response *r;

	start_with_directory();
	r = vt_call("POST", "/api/v1/session", NULL, origin_header("http://evil.example"),
		    "{\"username\":\"northbridge-screening\",\"password\":\"" PW "\"}");
	assert_error(r, 403, "csrf_failed");
	cr_assert_str_eq(sql("SELECT action || ' ' || actor FROM audit_events WHERE request_id = '%s'",
			     vt_header(r, "X-Request-Id")),
			 "session.sign_in_failed user:northbridge-screening",
			 "a sign-in refused for its Origin is not in the audit trail");
}

Test(identity, audit_filters_are_checked)
{
	static const struct {
		const char *query;
		const char *field;
	} cases[] = {
		{ "limit=0", "limit" }, { "limit=501", "limit" }, { "limit=ten", "limit" },
		{ "before=0", "before" }, { "before=x", "before" },
		{ "from=yesterday", "from" }, { "to=2024-13", "to" },
		{ "from=2024-01-01%27%20OR%201=1", "from" }, { "actor=", "actor" },
		{ "from=2026-13-45", "from" }, { "to=2026-02-30", "to" },
		{ "from=2026-01-01Z", "from" }, { "to=2026-01-01T25", "to" },
	};
	struct vt_who auditor;
	struct vt_response *r;
	char path[128];
	size_t i;

	start_with_directory();
	auditor = vt_sign_in("northbridge-auditor", PW, NULL);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(path, sizeof path, "/api/v1/audit?%s", cases[i].query);
		r = vt_call("GET", path, &auditor, NULL, NULL);
		cr_expect_eq(r->status, 400, "%s: %ld %s", path, r->status, r->body);
		cr_expect_str_eq(or_none(vt_json_str(r, "error.field")), cases[i].field,
				 "%s: %s", path, r->body);
	}
	/* good filters narrow the list */
	r = vt_call("GET", "/api/v1/audit?action=session.sign_in&limit=1", &auditor, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "events")), 1, "%s", r->body);
	cr_assert(json_is_integer(vt_json_get(r, "next_before")), "%s", r->body);
	r = vt_call("GET", "/api/v1/audit?from=2000-01-01&to=2000-01-02", &auditor, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "events")), 0, "%s", r->body);
	r = vt_call("GET", "/api/v1/audit?from=2000-02-29T00:00:00Z&to=2199-12-31T23:59:59.999Z&limit=1",
		    &auditor, NULL, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_eq(json_array_size(vt_json_get(r, "events")), 1, "%s", r->body);
}

/* --- TLS to the directory ----------------------------------------------- */

#define SERVICE_DN "cn=vetd,ou=services,dc=vetd,dc=example"

/* Does this slapd take the service account's bind in plaintext? */
static bool takes_plaintext_binds(void)
{
	char *out = NULL;

	return vt_run(&out, "ldapwhoami -x -H ldap://127.0.0.1:%d -D '" SERVICE_DN
		      "' -w vetd-service", vt.ldap_port) == 0;
}

/* vetd refuses the directory over this TLS setup, although slapd would
 * take a plaintext bind: no fallback. */
static void assert_tls_refused(void)
{
	cr_assert(takes_plaintext_binds(), "the test directory should take plaintext binds");
	assert_error(vt_sign_in_as("northbridge-cso", PW), 503, "directory_unavailable");
	cr_assert_eq(sql_number("SELECT count(*) FROM sessions"), 0);
}

Test(identity, starttls_with_a_trusted_certificate)
{
	struct vt_response *r;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.transport = VT_LDAP_STARTTLS, .slapd_extra = "security tls=1" } });
	/* this slapd refuses plaintext binds, so vetd's got through TLS */
	cr_assert(!takes_plaintext_binds(), "security tls=1 is not in force");
	vt_sign_in("northbridge-cso", PW, &r);
	cr_assert_str_eq(roles_of(r), "cso");
}

Test(identity, starttls_refuses_a_certificate_for_another_host)
{
	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.transport = VT_LDAP_STARTTLS, .wrong_host_cert = true } });
	assert_tls_refused();
}

Test(identity, starttls_refuses_a_certificate_from_an_unknown_ca)
{
	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.transport = VT_LDAP_STARTTLS, .untrusted_ca = true } });
	assert_tls_refused();
}

Test(identity, ldaps_with_a_trusted_certificate)
{
	struct vt_response *r;

	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.transport = VT_LDAP_LDAPS, .slapd_extra = "security tls=1" } });
	cr_assert(!takes_plaintext_binds(), "security tls=1 is not in force");
	vt_sign_in("acme-auditor", PW, &r);
	cr_assert_str_eq(roles_of(r), "auditor");
}

Test(identity, ldaps_refuses_a_certificate_for_another_host)
{
	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.transport = VT_LDAP_LDAPS, .wrong_host_cert = true } });
	assert_tls_refused();
}

Test(identity, ldaps_refuses_a_certificate_from_an_unknown_ca)
{
	vt_start(&(struct vt_options){ .ldap = { .enabled = true,
		.transport = VT_LDAP_LDAPS, .untrusted_ca = true } });
	assert_tls_refused();
}

/* --- every route for every caller ------------------------------------- */

#define ALL(status) { status, status, status, status, status, status, status, status, status }

/*
 * Every route vetd has, as core/api.c lists them in api_routes, with the
 * status each kind of caller gets, written from the contract (for the
 * policy routes, from the roles access.c gives them). Keep it in sync with
 * api_routes: routes_are_the_ones_vetd_has fails when they differ. The
 * role columns follow vt_roles: applicant, screening, interviewer,
 * adjudicator, authority, cso, appeals, auditor, admin. Every caller is
 * tried from both organizations; no route takes an object of its own yet,
 * so the organization changes nothing here, and tenancy is checked on the
 * audit trail (audit_trail_is_per_organization).
 */
static const struct route_rule {
	const char *method;
	const char *path;
	const char *body;         /* JSON body sent, or NULL */
	int anonymous;
	int session[VT_NROLES];   /* a signed-in user with that one role */
	int token[VT_NROLES];     /* an API token with that one role */
} routes[] = {
	{ "GET", "/api/v1/health", NULL, 200, ALL(200), ALL(200) },
	/* the body is checked before anything else */
	{ "POST", "/api/v1/session", "{}", 400, ALL(400), ALL(400) },
	/* a token has no session to end */
	{ "DELETE", "/api/v1/session", NULL, 401, ALL(200), ALL(400) },
	{ "GET", "/api/v1/me", NULL, 401, ALL(200), ALL(200) },
	{ "GET", "/api/v1/audit", NULL, 401,
	  { 403, 403, 403, 403, 403, 403, 403, 200, 200 },
	  { 403, 403, 403, 403, 403, 403, 403, 200, 200 } },
	{ "GET", "/api/v1/policy", NULL, 401,
	  { 403, 403, 403, 200, 200, 200, 403, 200, 200 },
	  { 403, 403, 403, 200, 200, 200, 403, 200, 200 } },
	{ "GET", "/api/v1/guidelines", NULL, 401,
	  { 403, 403, 403, 200, 200, 200, 403, 200, 200 },
	  { 403, 403, 403, 200, 200, 200, 403, 200, 200 } },
	/* allowed callers get to the body, which names no function */
	{ "POST", "/api/v1/policy/evaluate", "{}", 401,
	  { 403, 403, 403, 400, 403, 403, 403, 403, 400 },
	  { 403, 403, 403, 400, 403, 403, 403, 403, 400 } },
	/* persons: the cso and screening record them (the empty body then
	 * fails its shape); person 1 does not exist, for anyone */
	{ "POST", "/api/v1/persons", "{}", 401,
	  { 403, 400, 403, 403, 403, 400, 403, 403, 403 },
	  { 403, 400, 403, 403, 403, 400, 403, 403, 403 } },
	{ "GET", "/api/v1/persons/{id}", NULL, 401, ALL(404), ALL(404) },
	/* cases: the cso opens them; every role that works cases lists them
	 * (scoped by need-to-know), the admin does not; an applicant's list is
	 * their own files, so a token (no person) has none */
	{ "POST", "/api/v1/cases", "{}", 401,
	  { 403, 403, 403, 403, 403, 400, 403, 403, 403 },
	  { 403, 403, 403, 403, 403, 400, 403, 403, 403 } },
	{ "GET", "/api/v1/cases", NULL, 401,
	  { 200, 200, 200, 200, 200, 200, 200, 200, 403 },
	  { 403, 200, 200, 200, 200, 200, 200, 200, 403 } },
	/* case 1 does not exist: 404 before anything else */
	{ "GET", "/api/v1/cases/{id}", NULL, 401, ALL(404), ALL(404) },
	{ "PUT", "/api/v1/cases/{id}/sections/{name}", "{}", 401, ALL(404),
	  ALL(404) },
	{ "GET", "/api/v1/cases/{id}/requirements", NULL, 401, ALL(404),
	  ALL(404) },
	{ "GET", "/api/v1/cases/{id}/transitions", NULL, 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/transitions", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/assignments", "{}", 401, ALL(404),
	  ALL(404) },
	{ "GET", "/api/v1/cases/{id}/events", NULL, 401, ALL(404), ALL(404) },
	{ "POST", "/api/v1/cases/{id}/notices", "{}", 401, ALL(404), ALL(404) },
	{ "POST", "/api/v1/cases/{id}/interviews", "{}", 401, ALL(404),
	  ALL(404) },
	{ "PUT", "/api/v1/cases/{id}/worksheet", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/recommendation", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/concerns", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/response", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/decision", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/cases/{id}/briefing", "{}", 401, ALL(404),
	  ALL(404) },
	/* the register: cso, authority, auditor, screening; a holder sees
	 * their own (a token has none) */
	{ "GET", "/api/v1/clearances", NULL, 401,
	  { 200, 200, 403, 403, 200, 200, 403, 200, 403 },
	  { 403, 200, 403, 403, 200, 200, 403, 200, 403 } },
	{ "GET", "/api/v1/clearances/{id}", NULL, 401,
	  { 404, 404, 403, 403, 404, 404, 403, 404, 403 },
	  { 403, 404, 403, 403, 404, 404, 403, 404, 403 } },
	/* timeliness figures: cso, authority, auditor, admin */
	{ "GET", "/api/v1/stats/timeliness", NULL, 401,
	  { 403, 403, 403, 403, 200, 200, 403, 200, 200 },
	  { 403, 403, 403, 403, 200, 200, 403, 200, 200 } },
	/* transfers: the cso exports (clearance 1 does not exist) and
	 * imports (an empty body names no package) */
	{ "POST", "/api/v1/clearances/{id}/transfer-package", "{}", 401,
	  ALL(404), ALL(404) },
	{ "POST", "/api/v1/transfers", "{}", 401,
	  { 403, 403, 403, 403, 403, 400, 403, 403, 403 },
	  { 403, 403, 403, 403, 403, 400, 403, 403, 403 } },
	/* appeals: lodged by the person concerned (an empty body fails its
	 * shape), seen by the appeals role, cso, auditor and the appellant,
	 * run by the appeals role (appeal 1 does not exist) */
	{ "POST", "/api/v1/appeals", "{}", 401, ALL(400), ALL(400) },
	{ "GET", "/api/v1/appeals", NULL, 401,
	  { 200, 403, 403, 403, 403, 200, 200, 200, 403 },
	  { 403, 403, 403, 403, 403, 200, 200, 200, 403 } },
	{ "GET", "/api/v1/appeals/{id}", NULL, 401,
	  { 404, 403, 403, 403, 403, 404, 404, 404, 403 },
	  { 403, 403, 403, 403, 403, 404, 404, 404, 403 } },
	{ "POST", "/api/v1/appeals/{id}/panel", "{}", 401,
	  { 403, 403, 403, 403, 403, 403, 404, 403, 403 },
	  { 403, 403, 403, 403, 403, 403, 404, 403, 403 } },
	{ "POST", "/api/v1/appeals/{id}/requests", "{}", 401,
	  { 403, 403, 403, 403, 403, 403, 404, 403, 403 },
	  { 403, 403, 403, 403, 403, 403, 404, 403, 403 } },
	{ "POST", "/api/v1/appeals/{id}/submissions", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/appeals/{id}/decision", "{}", 401,
	  { 403, 403, 403, 403, 403, 403, 404, 403, 403 },
	  { 403, 403, 403, 403, 403, 403, 404, 403, 403 } },
	/* reports to the regulator: cso, authority, auditor read them; the
	 * cso marks them sent (report 1 does not exist) */
	{ "GET", "/api/v1/reports", NULL, 401,
	  { 403, 403, 403, 403, 200, 200, 403, 200, 403 },
	  { 403, 403, 403, 403, 200, 200, 403, 200, 403 } },
	{ "GET", "/api/v1/reports/{id}", NULL, 401,
	  { 403, 403, 403, 403, 404, 404, 403, 404, 403 },
	  { 403, 403, 403, 403, 404, 404, 403, 404, 403 } },
	{ "POST", "/api/v1/reports/{id}/sent", "{}", 401,
	  { 403, 403, 403, 403, 403, 404, 403, 403, 403 },
	  { 403, 403, 403, 403, 403, 404, 403, 403, 403 } },
	/* legal holds: the cso and admin (an empty body fails its shape;
	 * hold 1 does not exist) */
	{ "GET", "/api/v1/holds", NULL, 401,
	  { 403, 403, 403, 403, 403, 200, 403, 403, 200 },
	  { 403, 403, 403, 403, 403, 200, 403, 403, 200 } },
	{ "POST", "/api/v1/holds", "{}", 401,
	  { 403, 403, 403, 403, 403, 400, 403, 403, 400 },
	  { 403, 403, 403, 403, 403, 400, 403, 403, 400 } },
	{ "POST", "/api/v1/holds/{id}/lift", "{}", 401,
	  { 403, 403, 403, 403, 403, 404, 403, 403, 404 },
	  { 403, 403, 403, 403, 403, 404, 403, 403, 404 } },
	/* after the decision: clearance 1 does not exist, for anyone */
	{ "GET", "/api/v1/clearances/{id}/events", NULL, 401, ALL(404),
	  ALL(404) },
	{ "PUT", "/api/v1/clearances/{id}/restrictions", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/clearances/{id}/suspension", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/clearances/{id}/reinstatement", "{}", 401,
	  ALL(404), ALL(404) },
	{ "POST", "/api/v1/clearances/{id}/revocation", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/clearances/{id}/termination", "{}", 401, ALL(404),
	  ALL(404) },
	/* documents: an upload's query is checked first (this one names no
	 * kind); case 1, appeal 1 and document 1 do not exist, for anyone */
	{ "POST", "/api/v1/cases/{id}/documents", "{}", 401, ALL(400),
	  ALL(400) },
	{ "GET", "/api/v1/cases/{id}/documents", NULL, 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/appeals/{id}/documents", "{}", 401, ALL(400),
	  ALL(400) },
	{ "GET", "/api/v1/appeals/{id}/documents", NULL, 401, ALL(404),
	  ALL(404) },
	{ "GET", "/api/v1/documents/{id}", NULL, 401, ALL(404), ALL(404) },
	{ "GET", "/api/v1/documents/{id}/meta", NULL, 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/documents/{id}/releases", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/documents/{id}/releases/{rid}/approval", "{}", 401,
	  ALL(404), ALL(404) },
	{ "POST", "/api/v1/documents/{id}/verification", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/documents/{id}/translation", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/documents/{id}/destruction", "{}", 401, ALL(404),
	  ALL(404) },
	/* incidents: any signed-in person files one (the empty body fails
	 * its shape), a token none; the list is scoped to what each may see;
	 * incident 1 does not exist, for anyone */
	{ "POST", "/api/v1/incidents", "{}", 401, ALL(400), ALL(403) },
	{ "GET", "/api/v1/incidents", NULL, 401, ALL(200), ALL(200) },
	{ "GET", "/api/v1/incidents/{id}", NULL, 401, ALL(404), ALL(404) },
	{ "GET", "/api/v1/incidents/{id}/transitions", NULL, 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/incidents/{id}/transitions", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/incidents/{id}/inquiry", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/incidents/{id}/measures", "{}", 401, ALL(404),
	  ALL(404) },
	{ "GET", "/api/v1/incidents/{id}/report", NULL, 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/incidents/{id}/report/sent", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/incidents/{id}/link", "{}", 401, ALL(404),
	  ALL(404) },
	{ "POST", "/api/v1/incidents/{id}/documents", "{}", 401, ALL(400),
	  ALL(400) },
	{ "GET", "/api/v1/incidents/{id}/documents", NULL, 401, ALL(404),
	  ALL(404) },
	{ "GET", "/metrics", NULL, 200, ALL(200), ALL(200) },
};

#define NROUTES (sizeof routes / sizeof routes[0])

/* A path to request for a route's pattern: each {param} segment becomes 1
 * (valid until the next call). */
static const char *concrete(const char *pattern)
{
	static char out[256];
	const char *p = pattern;
	size_t n = 0;

	while (*p != '\0' && n + 2 < sizeof out) {
		if (*p == '{' && strchr(p, '}') != NULL) {
			out[n++] = '1';
			p = strchr(p, '}') + 1;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

/* The error code that goes with a refusal in the table. */
static const char *code_for(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "not_signed_in";
	case 403: return "forbidden";
	default: return NULL;
	}
}

/* Someone in the matrix. */
struct caller {
	char label[80];
	const char *org;          /* NULL: anonymous */
	int role;                 /* index into vt_roles; -1: anonymous */
	bool token;
	struct vt_who who;
};

static int expected_status(const struct route_rule *rule, const struct caller *c)
{
	if (c->role < 0)
		return rule->anonymous;
	return c->token ? rule->token[c->role] : rule->session[c->role];
}

/* Call a route as c and check the answer against the table; returns
 * whether it matched. Signs c in again when an earlier sign-out ended
 * its session. */
static bool check_cell(const struct route_rule *rule, struct caller *c)
{
	int want = expected_status(rule, c);
	const char *code = code_for(want);
	struct vt_response *r;
	bool ok;

	if (c->role >= 0 && !c->token && c->who.cookie == NULL)
		c->who = vt_sign_in(c->who.name, PW, NULL);
	r = vt_call(rule->method, concrete(rule->path), &c->who, NULL, rule->body);
	ok = r->status == want;
	cr_expect_eq(r->status, want, "%s %s as %s: expected %d, got %ld %s", rule->method,
		     rule->path, c->label, want, r->status, r->body);
	if (ok && code != NULL) {
		ok = strcmp(or_none(vt_json_str(r, "error.code")), code) == 0;
		cr_expect(ok, "%s %s as %s: expected %s: %s", rule->method, rule->path,
			  c->label, code, r->body);
	}
	if (ok && r->status == 200 && strcmp(rule->path, "/api/v1/me") == 0) {
		ok = strcmp(or_none(vt_json_str(r, "organization")), c->org) == 0 &&
		     strcmp(roles_of(r), vt_roles[c->role]) == 0;
		cr_expect(ok, "/me as %s: %s", c->label, r->body);
	}
	if (r->status == 200 && strcmp(rule->method, "DELETE") == 0 &&
	    strcmp(rule->path, "/api/v1/session") == 0)
		c->who.cookie = NULL;
	return ok;
}

Test(identity, every_route_answers_every_caller_as_the_contract_says, .timeout = 150)
{
	struct caller callers[1 + VT_NORGS * VT_NROLES * 2];
	size_t n = 0, o, r, k, i, cells = 0, wrong = 0;
	char name[64];

	start_with_directory();
	memset(callers, 0, sizeof callers);
	snprintf(callers[0].label, sizeof callers[0].label, "anonymous");
	callers[0].role = -1;
	callers[0].who.name = "anonymous";
	n = 1;
	for (o = 0; o < VT_NORGS; o++) {
		for (r = 0; r < VT_NROLES; r++) {
			for (k = 0; k < 2; k++) {
				struct caller *c = &callers[n++];

				c->org = vt_orgs[o];
				c->role = (int)r;
				c->token = k == 1;
				snprintf(c->label, sizeof c->label, "%s %s (%s)", vt_orgs[o],
					 vt_roles[r], c->token ? "token" : "session");
				snprintf(name, sizeof name, "%s-%s", vt_orgs[o], vt_roles[r]);
				if (c->token) {
					c->who.name = c->label;
					c->who.bearer = create_token(vt_orgs[o], vt_roles[r], name);
				} else {
					c->who = vt_sign_in(name, PW, NULL);
				}
			}
		}
	}
	for (i = 0; i < n; i++) {
		for (r = 0; r < NROUTES; r++) {
			cells++;
			if (!check_cell(&routes[r], &callers[i]))
				wrong++;
		}
	}
	cr_assert_eq(wrong, 0, "%zu of %zu route/caller cells differ from the contract",
		     wrong, cells);
	cr_assert_eq(cells, NROUTES * (1 + VT_NORGS * VT_NROLES * 2));
}

/* Is method one of the table's methods for path? */
static bool table_has(const char *method, const char *path)
{
	size_t i;

	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].path, path) == 0)
			return true;
	return false;
}

static bool table_has_path(const char *path)
{
	size_t i;

	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].path, path) == 0)
			return true;
	return false;
}

/* The routes of api_routes in core/api.c, one "METHOD PATH" line each. */
static const char *routes_in_the_source(void)
{
	static char out[4096];
	char path[sizeof vt.srcdir + 16], method[16], route[128];
	const char *p, *end;
	FILE *f;
	char *text;
	long size;

	snprintf(path, sizeof path, "%s/core/api.c", vt.srcdir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	cr_assert_not_null(text);
	cr_assert_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);

	out[0] = '\0';
	p = strstr(text, "api_routes[] = {");
	cr_assert_not_null(p, "no api_routes table in %s", path);
	end = strstr(p, "\n};");
	cr_assert_not_null(end, "api_routes in %s has no end", path);
	for (p = strchr(p, '\n'); p != NULL && p < end; p = strchr(p + 1, '\n')) {
		if (sscanf(p + 1, " { \"%15[^\"]\" , \"%127[^\"]\"", method, route) == 2)
			snprintf(out + strlen(out), sizeof out - strlen(out), "%s %s\n",
				 method, route);
	}
	free(text);
	return out;
}

/* The value of label name in a Prometheus series line, or "" if absent. */
static const char *label_of(const char *line, const char *name, char *out, size_t size)
{
	char key[32];
	const char *p, *end;

	snprintf(key, sizeof key, "%s=\"", name);
	out[0] = '\0';
	if ((p = strstr(line, key)) == NULL)
		return out;
	p += strlen(key);
	end = strchr(p, '"');
	if (end != NULL)
		snprintf(out, size, "%.*s", (int)(end - p), p);
	return out;
}

Test(identity, routes_are_the_ones_vetd_has)
{
	static const char *const methods[] = {
		"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
	};
	/* paths a route could be added under; vetd must not answer them yet
	 * unless the table lists them */
	static const char *const elsewhere[] = {
		"/api/v1", "/api/v1/",
		"/api/v1/incidents", "/api/v1/appeals", "/api/v1/documents",
		"/api/v1/organizations", "/api/v1/sites", "/api/v1/policies",
		"/api/v1/reports", "/api/v1/tokens", "/api/v1/users", "/api/v1/people",
		"/api/v1/sessions", "/api/v1/session/current", "/api/v1/me/roles",
		"/api/v1/audit/verify", "/api/v1/audit/checkpoint", "/api/v1/metrics",
		"/api/v1/health/ready",
	};
	char route[128], method[16], want_allow[64];
	const char *line, *allow;
	struct vt_response *r, *m;
	size_t i, j, k, len, seen = 0;

	const char *source;
	char pair[160];

	start_with_directory();
	/* the table and api_routes list the same routes */
	source = routes_in_the_source();
	for (i = 0; i < NROUTES; i++) {
		snprintf(pair, sizeof pair, "%s %s\n", routes[i].method, routes[i].path);
		cr_expect_not_null(strstr(source, pair), "the table has %s %s, core/api.c "
				   "does not:\n%s", routes[i].method, routes[i].path, source);
	}
	for (line = source; *line != '\0'; line += len + 1) {
		len = strcspn(line, "\n");
		snprintf(pair, sizeof pair, "%.*s", (int)len, line);
		snprintf(method, sizeof method, "%.*s", (int)strcspn(pair, " "), pair);
		cr_expect(table_has(method, pair + strlen(method) + 1), "core/api.c has %s, "
			  "the table here does not", pair);
	}

	/* every route in the table is one vetd has */
	for (i = 0; i < NROUTES; i++) {
		r = vt_call(routes[i].method, concrete(routes[i].path), NULL, NULL,
			    routes[i].body);
		cr_expect(r->status != 404 && r->status != 405,
			  "the table lists %s %s, but vetd answers %ld %s", routes[i].method,
			  routes[i].path, r->status, r->body);
	}
	/* on the table's paths vetd takes exactly the table's methods */
	for (i = 0; i < NROUTES; i++) {
		want_allow[0] = '\0';
		for (k = 0; k < NROUTES; k++)
			if (strcmp(routes[k].path, routes[i].path) == 0)
				snprintf(want_allow + strlen(want_allow),
					 sizeof want_allow - strlen(want_allow), "%s%s",
					 want_allow[0] ? ", " : "", routes[k].method);
		for (j = 0; j < sizeof methods / sizeof methods[0]; j++) {
			if (table_has(methods[j], routes[i].path))
				continue;
			r = vt_call(methods[j], concrete(routes[i].path), NULL, NULL, NULL);
			allow = or_none(vt_header(r, "Allow"));
			cr_expect_eq(r->status, 405, "%s %s: vetd answers %ld, but the table has "
				     "no such route", methods[j], routes[i].path, r->status);
			cr_expect_str_eq(allow, want_allow, "%s %s: Allow is %s, the table "
					 "says %s", methods[j], routes[i].path, allow, want_allow);
		}
	}
	/* and nothing beside them */
	for (i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++) {
		if (table_has_path(elsewhere[i]))
			continue;
		cr_expect_eq(vt_get(elsewhere[i])->status, 404, "GET %s is not 404: is a "
			     "route missing from the table?", elsewhere[i]);
		cr_expect_eq(vt_call("POST", elsewhere[i], NULL, NULL, "{}")->status, 404,
			     "POST %s is not 404: is a route missing from the table?",
			     elsewhere[i]);
	}

	/* /metrics names only the table's routes */
	m = vt_get("/metrics");
	cr_assert_eq(m->status, 200);
	for (line = m->body; *line != '\0'; line += len + (line[len] == '\n')) {
		char copy[512];

		len = strcspn(line, "\n");
		if (line[0] == '#' || len >= sizeof copy || memchr(line, '{', len) == NULL)
			continue;
		snprintf(copy, sizeof copy, "%.*s", (int)len, line);
		label_of(copy, "route", route, sizeof route);
		if (route[0] == '\0' || strcmp(route, "unmatched") == 0)
			continue;
		cr_expect(table_has_path(route), "/metrics knows the route %s, the table "
			  "does not: %s", route, copy);
		if (strncmp(copy, "vetd_requests_total{", 20) == 0) {
			label_of(copy, "method", method, sizeof method);
			cr_expect(table_has(method, route), "/metrics knows %s %s, the "
				  "table does not: %s", method, route, copy);
			seen++;
		}
	}
	cr_assert_geq(seen, NROUTES, "/metrics shows %zu route series after every route "
		      "was called:\n%s", seen, m->body);
}

/* --- tenancy -------------------------------------------------------------- */

/* The ids of events, as "1,2,3". */
static const char *event_ids(json_t *events)
{
	static char out[65536];
	json_t *ev;
	size_t i, len = 0;

	out[0] = '\0';
	json_array_foreach(events, i, ev)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld", i ? "," : "",
					(long long)json_integer_value(json_object_get(ev, "id")));
	cr_assert_lt(len, sizeof out - 1, "too many events");
	return out;
}

/* Everything who reads of the trail belongs to org, and is all of org's
 * trail up to the newest event read. */
static void assert_sees_only(const struct vt_who *who, const char *org)
{
	json_t *events = audit_events(who, "");
	long long newest, own;

	cr_assert_gt(json_array_size(events), 0, "%s sees no events at all", who->name);
	newest = json_integer_value(json_object_get(json_array_get(events, 0), "id"));
	cr_assert_eq(sql_number("SELECT count(*) FROM audit_events WHERE id IN (%s) AND "
				"(org_id IS NULL OR org_id != (SELECT id FROM organizations "
				"WHERE slug = '%s'))", event_ids(events), org), 0,
		     "%s reads events of another organization", who->name);
	own = sql_number("SELECT count(*) FROM audit_events WHERE id <= %lld AND org_id = "
			 "(SELECT id FROM organizations WHERE slug = '%s')", newest, org);
	cr_assert_eq((long long)json_array_size(events), own,
		     "%s reads %zu events of %s's %lld", who->name, json_array_size(events),
		     org, own);
	json_decref(events);
}

Test(identity, audit_trail_is_per_organization)
{
	struct vt_who nb_cso, nb_auditor, acme_cso, acme_auditor, acme_token = { 0 };
	struct vt_who nb_token = { 0 };
	const char *nb_rid;
	json_t *events;

	start_with_directory();
	nb_cso = vt_sign_in("northbridge-cso", PW, NULL);
	nb_auditor = vt_sign_in("northbridge-auditor", PW, NULL);
	acme_cso = vt_sign_in("acme-cso", PW, NULL);
	acme_auditor = vt_sign_in("acme-auditor", PW, NULL);
	nb_token.name = "northbridge token";
	nb_token.bearer = create_token("northbridge", "admin", "reader");
	acme_token.name = "acme token";
	acme_token.bearer = create_token("acme", "auditor", "reader");
	nb_rid = vt_header(vt_call("GET", "/api/v1/audit", &nb_cso, NULL, NULL), "X-Request-Id");
	cr_assert_eq(vt_call("GET", "/api/v1/audit", &acme_cso, NULL, NULL)->status, 403);
	cr_assert_eq(vt_call("GET", "/api/v1/audit", &nb_token, NULL, NULL)->status, 200);
	cr_assert_gt(sql_number("SELECT count(*) FROM audit_events WHERE org_id = "
				"(SELECT id FROM organizations WHERE slug = 'northbridge')"), 5);

	assert_sees_only(&acme_auditor, "acme");
	assert_sees_only(&acme_token, "acme");
	assert_sees_only(&nb_auditor, "northbridge");

	/* asking for another organization's events by name finds nothing */
	events = audit_events(&acme_auditor, "actor=user:northbridge-cso");
	cr_assert_eq(json_array_size(events), 0, "acme reads northbridge's cso");
	json_decref(events);
	events = audit_events(&acme_auditor, "action=access.denied");
	cr_assert_null(find_event(events, "request_id", nb_rid),
		       "acme reads northbridge's refusal");
	cr_assert_not_null(find_event(events, "actor", "user:acme-cso"),
			   "acme does not read its own refusal");
	json_decref(events);
}

