/*
 * The integration test harness: runs the real thing for one test. vt_start()
 * makes a private temporary directory, writes a vetd configuration and an
 * nginx configuration (from conf/nginx-standalone.conf.in) into it, starts
 * vetd and nginx on a free loopback port and waits until the health route
 * answers through nginx. The vt_request() family talks HTTP to that nginx;
 * the other functions look at and poke the processes. vt_stop() (the
 * suite's .fini) always stops everything and removes the directory, and a
 * watchdog process does the same if the test process dies on its own.
 *
 * Every function that cannot do its job fails the current test with a clear
 * message, so the tests need not check return values. Memory the harness
 * hands out (responses, strings) belongs to the harness and is released by
 * vt_stop().
 *
 * A test may also ask for a directory (options.ldap.enabled): a throwaway
 * slapd started from examples/directory/slapd.conf.in on free loopback
 * ports and seeded with examples/directory/directory.ldif, optionally with
 * TLS certificates made for the test. vetd's configuration then has a
 * directory, a plain-http session cookie and the two demo organizations
 * (northbridge by its ou, acme by the group cn=acme-staff, each role mapped
 * to cn=<org>-<role>), which are also added to the database with vetctl
 * before vetd starts, and a policies section (scripts/ of the source
 * root; a stand-in default policy unless the test names a directory).
 *
 * Environment: VETD_BIN (the vetd program), VETCTL_BIN (vetctl) and
 * VETD_SRCDIR (the source root, for conf/, web/ and examples/), as set by
 * `make check`; NGINX_BIN (default /usr/sbin/nginx), SLAPD_BIN (default
 * /usr/sbin/slapd); VETD_TEST_KEEP=1 keeps the directories for a look.
 */
#ifndef VETD_TEST_HARNESS_H
#define VETD_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* The demo directory's password for every user, and vetd's cookie name
 * with session.insecure_cookie (the tests speak plain http). */
#define VT_DEMO_PASSWORD "vetd-demo"
#define VT_COOKIE "vetd_session"

/* The roles, in vetd's order, and the demo organizations. */
#define VT_NROLES 9
extern const char *const vt_roles[VT_NROLES];
#define VT_NORGS 2
extern const char *const vt_orgs[VT_NORGS];

/* How vetd talks to the test directory. */
enum vt_ldap_transport {
	VT_LDAP_PLAIN,        /* ldap:// */
	VT_LDAP_STARTTLS,     /* ldap:// with StartTLS */
	VT_LDAP_LDAPS,        /* ldaps:// */
};

/* The test directory (slapd) and vetd's view of it; zero fields take the
 * defaults noted. */
struct vt_ldap_options {
	bool enabled;         /* run slapd and configure vetd to use it */
	const char *slapd_extra;  /* global slapd directives, e.g. "allow bind_anon_dn" */
	/* Give slapd TLS: a test CA and certificates are made in the
	 * directory, slapd gets a second, ldaps:// listener. Implied by a
	 * transport other than VT_LDAP_PLAIN. */
	bool tls;
	bool wrong_host_cert; /* slapd serves a certificate for another host */
	enum vt_ldap_transport transport;
	bool untrusted_ca;    /* vetd's ca_file is an unrelated CA */
	int refresh;          /* directory.refresh seconds; default 600 */
	int network_timeout;  /* seconds; default 2 */
	int timeout;          /* seconds; default 5 */
	const char *user_filter;  /* default (&(objectClass=inetOrgPerson)(uid=%s)) */
	bool group_search;    /* group_mode "search" rather than "memberof" */
};

/* Options of one stack; zero fields take the defaults noted. */
struct vt_options {
	int workers;          /* vetd workers; default 2 */
	long max_body;        /* bytes; default: not written (vetd's default) */
	int drain_timeout;    /* seconds; default 5 */
	const char *log_level;    /* default "info" */
	const char *extra_config; /* raw lines appended to vetd.conf */
	const char *nginx_extra;  /* directives added to nginx's server block */
	struct vt_ldap_options ldap;
	int idle_timeout;     /* session.idle_timeout; default 1800 */
	int absolute_timeout; /* session.absolute_timeout; default 43200 */
	/* With a directory: policies.dir, absolute or relative to the source
	 * root (e.g. "policies"); default: a stand-in policy that defines
	 * the four functions vetd calls and nothing else. */
	const char *policies;
	/* With a directory, per demo organization in vt_orgs order (NULL:
	 * nothing): its own policy directory, organizations.<org>.policies
	 * (absolute, or relative to the source root, e.g.
	 * "examples/policies/northbridge-nuclear"), and raw Lua fields added
	 * to its entry (e.g. "relax_separation = true"). */
	const char *org_policies[VT_NORGS];
	const char *org_extra[VT_NORGS];
};

/* The running stack of the current test. Paths are absolute. */
struct vt_stack {
	char dir[256];        /* the temporary directory */
	char conf[320];       /* vetd.conf */
	char socket[320];     /* vetd's unix socket */
	char db[320];         /* the SQLite database */
	char log[320];        /* vetd's stderr */
	char vetd_bin[4096];
	char vetctl_bin[4096];    /* empty when VETCTL_BIN is not set */
	char srcdir[4096];
	int port;             /* nginx's loopback port */
	pid_t vetd_pid;       /* the vetd master, 0 when not running */
	pid_t nginx_pid;      /* the nginx master, 0 when not running */
	/* With a directory: */
	int ldap_port;        /* slapd's ldap:// port */
	int ldaps_port;       /* slapd's ldaps:// port (with TLS) */
	pid_t slapd_pid;      /* slapd, 0 when not running */
	char origin[64];      /* "http://127.0.0.1:<port>", this server's origin */
};

extern struct vt_stack vt;

/* One HTTP response. Headers are kept as received ("Name: value"). */
struct vt_response {
	long status;
	char **headers;
	size_t nheaders;
	char *body;           /* NUL-terminated */
	size_t len;
	json_t *json;         /* parsed by vt_json(), NULL before */
};

/* A request with every knob. Only method and path are required. */
struct vt_request {
	const char *method;
	const char *path;
	const char *const *headers; /* "Name: value" strings, NULL-terminated */
	const void *body;
	size_t len;
	bool chunked;         /* send with Transfer-Encoding: chunked */
	/* Trickle the body: chunk bytes at a time, pause_ms between chunks,
	 * calling on_progress(sent so far, arg) after each chunk. */
	size_t chunk;
	int pause_ms;
	void (*on_progress)(size_t sent, void *arg);
	void *arg;
};

/* Set up the directory and write both configurations; vt_start() does this
 * itself, call it alone for tests that only need the directory. */
void vt_prepare(const struct vt_options *opt);
/* Prepare (if not yet done), start vetd and nginx, wait for health 200. */
void vt_start(const struct vt_options *opt);
/* Stop everything and remove the directory. Safe to call at any time. */
void vt_stop(void);

/* (Re)write vetd.conf from opt (NULL: defaults). */
void vt_write_config(const struct vt_options *opt);
/* Write a file name (relative to the directory) and return its path. */
const char *vt_write_file(const char *name, const char *content);
/* The absolute path of name inside the directory. */
const char *vt_path(const char *name);
/* A free loopback TCP port (bound to port 0, then released). */
int vt_free_port(void);

struct vt_response *vt_request_ex(const struct vt_request *req);
struct vt_response *vt_request(const char *method, const char *path,
			       const char *const *headers,
			       const void *body, size_t len);
struct vt_response *vt_get(const char *path);
/* POST body (a string) with Content-Type: application/json. */
struct vt_response *vt_post_json(const char *path, const char *body);

/* The value of the first header called name (any case), or NULL. */
const char *vt_header(const struct vt_response *r, const char *name);
/* The number of headers called name (any case). */
size_t vt_header_count(const struct vt_response *r, const char *name);
/* The body parsed as JSON; fails the test if it is not JSON. */
json_t *vt_json(struct vt_response *r);
/* A string member at a dotted path ("error.code"), or NULL. */
const char *vt_json_str(struct vt_response *r, const char *path);
/* The value at a dotted path, or NULL. */
json_t *vt_json_get(struct vt_response *r, const char *path);

/* The value of the Prometheus sample whose line starts with series (the
 * metric name with its labels, exactly as vetd prints them); -1 if absent. */
double vt_metric(const struct vt_response *metrics, const char *series);

/* vetd's master pid. */
pid_t vt_master(void);
/* The master's children (its workers), up to max; returns how many. */
size_t vt_workers(pid_t *out, size_t max);
/* Send sig to pid; fails the test if that is impossible. */
void vt_signal(pid_t pid, int sig);
/* Wait up to timeout_ms for pid to exit. For our own children (the vetd and
 * nginx masters) the exit status is stored in *status when not NULL. */
bool vt_wait_exit(pid_t pid, int timeout_ms, int *status);
/* vetd's log so far (a NUL-terminated copy). */
const char *vt_log(void);
/* Run a shell command in the stack's directory; returns its exit status (or
 * -1 if it died of a signal) and, if out is not NULL, its stdout and stderr. */
int vt_run(char **out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Run vetctl with the stack's configuration and the given arguments (shell
 * words, quoted by the caller); returns its exit status as vt_run() does. */
int vt_vetctl(char **out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* --- the directory ---------------------------------------------------- */

/* Stop slapd (SIGTERM, as an operator would; a frozen one is woken). */
void vt_slapd_stop(void);
/* Start slapd again on the same ports and data; waits until it answers. */
void vt_slapd_start(void);
/* Apply an LDIF change (ldapmodify) as the directory's administrator;
 * fails the test if slapd refuses it. */
void vt_ldap_modify(const char *ldif);
/* The DN of a demo user ("northbridge-cso") and of a demo group
 * ("northbridge-cso", "acme-staff"). */
const char *vt_user_dn(const char *uid);
const char *vt_group_dn(const char *cn);

/* --- signed-in requests ----------------------------------------------- */

/* Someone calling the API: a session (cookie and its CSRF token), an API
 * token, or nobody (all NULL). */
struct vt_who {
	const char *name;     /* for messages */
	const char *cookie;   /* "vetd_session=...", sent as the Cookie header */
	const char *csrf;     /* sent as X-CSRF-Token when not NULL */
	const char *bearer;   /* sent as Authorization: Bearer <token> */
};

/* POST /api/v1/session with this username and password (any answer). */
struct vt_response *vt_sign_in_as(const char *user, const char *password);
/* Sign in, failing the test unless it works; the response is stored in
 * *resp when resp is not NULL. */
struct vt_who vt_sign_in(const char *user, const char *password,
			 struct vt_response **resp);
/* A request as who, with more headers (NULL-terminated, may be NULL) and
 * a JSON body (sent with Content-Type: application/json) or NULL. */
struct vt_response *vt_call(const char *method, const char *path,
			    const struct vt_who *who,
			    const char *const *headers, const char *body);
/* The Set-Cookie header (its value) that sets the cookie name, or NULL. */
const char *vt_set_cookie(const struct vt_response *r, const char *name);

/* Monotonic milliseconds. */
long long vt_now_ms(void);
/* Sleep ms milliseconds (for polling loops). */
void vt_sleep_ms(int ms);

#endif
