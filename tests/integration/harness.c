/*
 * The integration test harness (see harness.h): one private vetd + nginx
 * stack per test (with a slapd when the test asks for a directory), HTTP
 * over libcurl, and process utilities. It is written for Criterion, which
 * runs every test in a process of its own, so the state is simply global.
 * Teardown happens twice over: vt_stop() from the suite's .fini, and a
 * watchdog process that notices through a pipe when the test process is
 * gone (crash, timeout) and then kills the servers' process groups and
 * removes the directory.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

#define NGINX_DEFAULT "/usr/sbin/nginx"
#define SLAPD_DEFAULT "/usr/sbin/slapd"
#define READY_TIMEOUT_MS 30000	/* a loaded CI machine starts slowly */
#define STOP_TIMEOUT_MS 5000

/* The demo directory (examples/directory). */
#define LDAP_SUFFIX "dc=vetd,dc=example"
#define LDAP_ADMIN_DN "cn=admin," LDAP_SUFFIX
#define LDAP_ADMIN_PASSWORD "directory-admin"
#define LDAP_SERVICE_DN "cn=vetd,ou=services," LDAP_SUFFIX
#define LDAP_SERVICE_PASSWORD "vetd-service"
#define LDAP_USER_FILTER "(&(objectClass=inetOrgPerson)(uid=%s))"

struct vt_stack vt;

const char *const vt_roles[VT_NROLES] = {
	"applicant", "screening", "interviewer", "adjudicator", "authority",
	"cso", "appeals", "auditor", "admin",
};

const char *const vt_orgs[VT_NORGS] = { "northbridge", "acme" };

/* How each demo organization is found in the directory, and its name. */
static const struct {
	const char *name;
	const char *member;   /* the Lua line of its config entry */
} org_setup[VT_NORGS] = {
	{ "Northbridge Nuclear", "ou = \"ou=northbridge,ou=people," LDAP_SUFFIX "\"" },
	{ "Acme Defence", "group = \"cn=acme-staff,ou=groups," LDAP_SUFFIX "\"" },
};

static bool prepared;
static bool quiet;       /* no transport errors on stderr while polling */
static const char *nginx_extra;  /* from the options vt_prepare() got */
static struct vt_options options; /* as vt_prepare() got them */
static pid_t vetd_pgid, nginx_pgid, slapd_pgid;
static int ldif_files;   /* LDIF files written so far, for their names */
static pid_t watchdog_pid;
static int watchdog_fd = -1;
static void **allocs;    /* what vt_stop() frees */
static size_t nallocs, allocs_cap;
static void **docs;      /* parsed bodies (json_t), released by vt_stop() */
static size_t ndocs, docs_cap;

/* --- small utilities -------------------------------------------------- */

long long vt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vt_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Make room for one more pointer in the array *v of *cap. */
static void grow(void ***v, size_t n, size_t *cap)
{
	void **grown;

	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 256;
	grown = realloc(*v, *cap * sizeof *grown);
	if (grown == NULL)
		cr_assert_fail("out of memory");
	*v = grown;
}

/* Remember p so that vt_stop() frees it; returns p. */
static void *track(void *p)
{
	if (p == NULL)
		cr_assert_fail("out of memory");
	grow(&allocs, nallocs, &allocs_cap);
	allocs[nallocs++] = p;
	return p;
}

static char *xstrdup(const char *s)
{
	return track(strdup(s));
}

/* A formatted string owned by the harness. */
__attribute__((format(printf, 1, 2)))
static char *format(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		cr_assert_fail("bad format string %s", fmt);
	s = track(malloc((size_t)n + 1));
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The whole file at path, NUL-terminated (untracked, caller frees), or
 * NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *grown;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			grown = realloc(buf, cap + 1);
			if (grown == NULL) {
				free(buf);
				buf = NULL;
				goto out;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	buf[len] = '\0';
	if (len_out != NULL)
		*len_out = len;
out:
	fclose(f);
	return buf;
}

/* The last lines of a file, for failure messages. */
static const char *tail(const char *path, int lines)
{
	char *all = slurp(path, NULL);
	const char *p;
	int seen = 0;

	if (all == NULL)
		return format("(cannot read %s: %s)", path, strerror(errno));
	track(all);
	p = all + strlen(all);
	while (p > all) {
		p--;
		if (*p == '\n' && p[1] != '\0' && ++seen == lines) {
			p++;
			break;
		}
	}
	return p;
}

static void write_file_at(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		cr_assert_fail("cannot write %s: %s", path, strerror(errno));
	fputs(content, f);
	if (fclose(f) != 0)
		cr_assert_fail("cannot write %s: %s", path, strerror(errno));
}

/* s with every occurrence of token replaced by value (tracked). */
static char *replace_all(const char *s, const char *token, const char *value)
{
	size_t tlen = strlen(token), vlen = strlen(value), count = 0, len;
	const char *p, *hit;
	char *out, *w;

	for (p = s; (hit = strstr(p, token)) != NULL; p = hit + tlen)
		count++;
	len = strlen(s) - count * tlen + count * vlen;
	out = track(malloc(len + 1));
	w = out;
	for (p = s; (hit = strstr(p, token)) != NULL; p = hit + tlen) {
		memcpy(w, p, (size_t)(hit - p));
		w += hit - p;
		memcpy(w, value, vlen);
		w += vlen;
	}
	memcpy(w, p, strlen(p) + 1);
	return out;
}

const char *vt_path(const char *name)
{
	return format("%s/%s", vt.dir, name);
}

const char *vt_write_file(const char *name, const char *content)
{
	const char *path = vt_path(name);

	write_file_at(path, content);
	return path;
}

int vt_free_port(void)
{
	struct sockaddr_in sa;
	socklen_t slen = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd < 0)
		cr_assert_fail("socket: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &slen) != 0)
		goto out;
	port = ntohs(sa.sin_port);
out:
	close(fd);
	if (port < 0)
		cr_assert_fail("cannot find a free loopback port: %s", strerror(errno));
	return port;
}

/* --- the watchdog ----------------------------------------------------- */

/* VETD_TEST_KEEP=1 keeps the directories (logs, configs) for a post-mortem. */
static bool keep_dir(void)
{
	const char *keep = getenv("VETD_TEST_KEEP");

	return keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0;
}

/* Close every descriptor above stderr except keep (-1: none), so that a
 * child holds nothing of the test runner's. */
static void close_other_fds(int keep)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* Runs in its own process: collects the process groups the test process
 * announces, and when the pipe closes (the test process is gone, or
 * vt_stop() is done) kills them and removes the directory. */
static void watchdog(int fd, const char *dir)
{
	pid_t groups[16], pg;
	size_t n = 0, i;
	ssize_t r;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	setpgid(0, 0);
	close_other_fds(fd);
	while ((r = read(fd, &pg, sizeof pg)) != 0) {
		if (r == (ssize_t)sizeof pg && n < 16)
			groups[n++] = pg;
		else if (r < 0 && errno != EINTR)
			break;
	}
	for (i = 0; i < n; i++)
		kill(-groups[i], SIGKILL);
	if (keep_dir())
		_exit(0);
	execl("/bin/rm", "rm", "-rf", dir, (char *)NULL);
	_exit(127);
}

static void start_watchdog(void)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0)
		cr_assert_fail("pipe: %s", strerror(errno));
	watchdog_pid = fork();
	if (watchdog_pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (watchdog_pid == 0) {
		close(fds[1]);
		watchdog(fds[0], vt.dir);
	}
	close(fds[0]);
	watchdog_fd = fds[1];
}

static void watch_group(pid_t pg)
{
	if (watchdog_fd >= 0 &&
	    write(watchdog_fd, &pg, sizeof pg) != (ssize_t)sizeof pg)
		cr_assert_fail("cannot reach the watchdog: %s", strerror(errno));
}

/* --- configuration ---------------------------------------------------- */

/* s as a Lua string literal (tracked). */
static const char *lua_quote(const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *w;

	for (p = s; *p != '\0'; p++)
		n += *p == '\\' || *p == '"' || *p == '\n' ? 2 : 1;
	out = track(malloc(n + 3));
	w = out;
	*w++ = '"';
	for (p = s; *p != '\0'; p++) {
		if (*p == '\\' || *p == '"' || *p == '\n')
			*w++ = '\\';
		*w++ = *p == '\n' ? 'n' : *p;
	}
	*w++ = '"';
	*w = '\0';
	return out;
}

static bool ldap_tls(const struct vt_ldap_options *l)
{
	return l->tls || l->transport != VT_LDAP_PLAIN;
}

/* The directory section of vetd.conf for the test directory. */
static const char *directory_config(const struct vt_ldap_options *l)
{
	const char *url, *ca = "", *groups;

	if (l->transport == VT_LDAP_LDAPS)
		url = format("ldaps://127.0.0.1:%d", vt.ldaps_port);
	else
		url = format("ldap://127.0.0.1:%d", vt.ldap_port);
	if (ldap_tls(l))
		ca = format("  ca_file = \"%s\",\n",
			    l->untrusted_ca ? "other-ca.pem" : "ca.pem");
	if (l->group_search)
		groups = "  group_mode = \"search\",\n"
			 "  group_base = \"ou=groups," LDAP_SUFFIX "\",\n"
			 "  group_filter = \"(member=%d)\",\n";
	else
		groups = "  group_mode = \"memberof\",\n";
	return format(
		"directory = {\n"
		"  url = \"%s\",\n"
		"  starttls = %s,\n"
		"%s"
		"  bind_dn = \"" LDAP_SERVICE_DN "\",\n"
		"  bind_password_file = \"ldap.secret\",\n"
		"  base_dn = \"ou=people," LDAP_SUFFIX "\",\n"
		"  user_filter = %s,\n"
		"  name_attr = \"cn\",\n"
		"%s"
		"  network_timeout = %d,\n"
		"  timeout = %d,\n"
		"  refresh = %d,\n"
		"}\n",
		url, l->transport == VT_LDAP_STARTTLS ? "true" : "false", ca,
		lua_quote(l->user_filter ? l->user_filter : LDAP_USER_FILTER),
		groups, l->network_timeout ? l->network_timeout : 2,
		l->timeout ? l->timeout : 5, l->refresh ? l->refresh : 600);
}

/* The organizations section: every role of <org> is the group <org>-<role>;
 * an organization's own policy directory and extra fields as opt says. */
static const char *organizations_config(const struct vt_options *opt)
{
	const char *text = "organizations = {\n";
	const char *dir;
	size_t o, r;

	for (o = 0; o < VT_NORGS; o++) {
		text = format("%s  %s = {\n    %s,\n", text, vt_orgs[o],
			      org_setup[o].member);
		if ((dir = opt->org_policies[o]) != NULL)
			text = format("%s    policies = %s,\n", text, lua_quote(
				      dir[0] == '/' ? dir : format("%s/%s", vt.srcdir, dir)));
		if (opt->org_extra[o] != NULL)
			text = format("%s    %s,\n", text, opt->org_extra[o]);
		text = format("%s    roles = {\n", text);
		for (r = 0; r < VT_NROLES; r++)
			text = format("%s      %s = \"%s\",\n", text, vt_roles[r],
				      vt_group_dn(format("%s-%s", vt_orgs[o],
							 vt_roles[r])));
		text = format("%s    },\n  },\n", text);
	}
	return format("%s}\n", text);
}

/* The policies directory for vetd.conf: dir (absolute, or relative to the
 * source root), or when NULL one written here with a stand-in default
 * policy that defines what vetd calls and nothing more. */
static const char *policies_dir(const char *dir)
{
	static const char stand_in[] =
		"-- A stand-in policy for the integration tests: it defines the\n"
		"-- functions vetd calls, so that the policy routes answer.\n"
		"return {\n"
		"  requirements = function(case, ctx) return {} end,\n"
		"  interview_triggers = function(case, ctx)\n"
		"    return { needed = false, two_interviewers = false, reasons = {} }\n"
		"  end,\n"
		"  adjudicate = function(case, worksheet, ctx)\n"
		"    return { recommendation = \"refer\", restrictions = {},\n"
		"             reasons = { { text = \"a stand-in refers everything\", cites = { \"A1\" } } },\n"
		"             would_change = {} }\n"
		"  end,\n"
		"  on_event = function(event, case, ctx) return {} end,\n"
		"}\n";

	if (dir != NULL)
		return dir[0] == '/' ? dir : format("%s/%s", vt.srcdir, dir);
	/* out of the way of tests that write a policies/ of their own */
	if ((mkdir(vt_path("stand-in-policies"), 0755) != 0 && errno != EEXIST) ||
	    (mkdir(vt_path("stand-in-policies/default"), 0755) != 0 && errno != EEXIST))
		cr_assert_fail("mkdir stand-in-policies/default: %s", strerror(errno));
	vt_write_file("stand-in-policies/default/policy.lua", stand_in);
	return vt_path("stand-in-policies");
}

void vt_write_config(const struct vt_options *opt)
{
	struct vt_options o = { 0 };
	const char *group = geteuid() == 0 ? ", group = \"nogroup\"" : "";
	const char *max_body = "", *identity = "", *session = "";

	if (opt != NULL)
		o = *opt;
	if (o.workers == 0)
		o.workers = 2;
	if (o.drain_timeout == 0)
		o.drain_timeout = 5;
	if (o.log_level == NULL)
		o.log_level = "info";
	if (o.max_body != 0)
		max_body = format("max_body = %ld\n", o.max_body);
	if (o.ldap.enabled || o.idle_timeout != 0 || o.absolute_timeout != 0)
		session = format("session = { insecure_cookie = true, "
				 "idle_timeout = %d, absolute_timeout = %d }\n",
				 o.idle_timeout ? o.idle_timeout : 1800,
				 o.absolute_timeout ? o.absolute_timeout : 43200);
	if (o.ldap.enabled) {
		const char *secret = vt_write_file("ldap.secret",
						   LDAP_SERVICE_PASSWORD "\n");

		if (chmod(secret, 0600) != 0)
			cr_assert_fail("chmod %s: %s", secret, strerror(errno));
		identity = format("%s%s"
				  "policies = { dir = %s, scripts = %s }\n",
				  directory_config(&o.ldap), organizations_config(&o),
				  lua_quote(policies_dir(o.policies)),
				  lua_quote(format("%s/scripts", vt.srcdir)));
	}

	write_file_at(vt.conf, format(
		"-- vetd configuration written by the integration tests\n"
		"listen = { socket = \"vetd.sock\", mode = \"0660\"%s }\n"
		"workers = %d\n"
		"database = \"vetd.db\"\n"
		"drain_timeout = %d\n"
		"log_level = \"%s\"\n"
		"%s%s%s%s\n",
		group, o.workers, o.drain_timeout, o.log_level, max_body,
		session, identity, o.extra_config ? o.extra_config : ""));
}

static void write_nginx_config(void)
{
	const char *template = format("%s/conf/nginx-standalone.conf.in", vt.srcdir);
	char *text = slurp(template, NULL);

	if (text == NULL)
		cr_assert_fail("cannot read %s: %s", template, strerror(errno));
	track(text);
	text = replace_all(text, "@PREFIX@", vt.dir);
	text = replace_all(text, "@PORT@", format("%d", vt.port));
	text = replace_all(text, "@VETD_SOCKET@", vt.socket);
	/* nginx's workers (nobody, when run as root) may not read a clone in
	 * a private directory: serve a readable copy of web/. */
	if (vt_run(NULL, "cp -R '%s/web' web && chmod -R a+rX web", vt.srcdir) != 0)
		cr_assert_fail("cannot copy %s/web into the test directory", vt.srcdir);
	text = replace_all(text, "@WEBROOT@", vt_path("web"));
	text = replace_all(text, "@CONFDIR@", format("%s/conf", vt.srcdir));
	text = replace_all(text, "@USER_DIRECTIVE@",
			   geteuid() == 0 ? "user nobody nogroup;" : "");
	text = replace_all(text, "@EXTRA@", nginx_extra ? nginx_extra : "");
	write_file_at(vt_path("nginx.conf"), text);
	snprintf(vt.origin, sizeof vt.origin, "http://127.0.0.1:%d", vt.port);
}

/* Make the TLS material for the test directory with the openssl command:
 * a CA, a certificate for 127.0.0.1 and localhost signed by it, one for
 * another host name signed by it too, and a second, unrelated CA. */
static void make_certificates(void)
{
	static const char x509[] =
		"[req]\n"
		"distinguished_name = dn\n"
		"[dn]\n"
		"[ca]\n"
		"basicConstraints = critical, CA:TRUE\n"
		"keyUsage = critical, keyCertSign, cRLSign\n"
		"subjectKeyIdentifier = hash\n"
		"[server]\n"
		"basicConstraints = critical, CA:FALSE\n"
		"keyUsage = critical, digitalSignature\n"
		"extendedKeyUsage = serverAuth\n"
		"subjectAltName = IP:127.0.0.1, DNS:localhost\n"
		"[wrong-host]\n"
		"basicConstraints = critical, CA:FALSE\n"
		"keyUsage = critical, digitalSignature\n"
		"extendedKeyUsage = serverAuth\n"
		"subjectAltName = DNS:wrong-host.example\n";
	char *out = NULL;
	int rc;

	vt_write_file("x509.cnf", x509);
	rc = vt_run(&out,
		"set -e\n"
		"new='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
		"for ca in ca other-ca; do\n"
		"  openssl req -x509 $new -keyout $ca.key -out $ca.pem -days 2 \\\n"
		"    -subj \"/CN=vetd test $ca\" -config x509.cnf -extensions ca\n"
		"done\n"
		"for cert in server wrong-host; do\n"
		"  openssl req -new $new -keyout $cert.key -out $cert.csr \\\n"
		"    -subj \"/CN=$cert\" -config x509.cnf\n"
		"  openssl x509 -req -in $cert.csr -CA ca.pem -CAkey ca.key \\\n"
		"    -CAcreateserial -days 2 -extfile x509.cnf -extensions $cert \\\n"
		"    -out $cert.pem\n"
		"done\n"
		"chmod 0600 *.key");
	if (rc != 0)
		cr_assert_fail("cannot make the test certificates (exit %d):\n%s", rc, out);
}

/* Write slapd.conf from examples/directory/slapd.conf.in and make its
 * database directory. */
static void write_slapd_config(void)
{
	const struct vt_ldap_options *l = &options.ldap;
	const char *template = format("%s/examples/directory/slapd.conf.in", vt.srcdir);
	const char *cert = l->wrong_host_cert ? "wrong-host" : "server";
	const char *extra = l->slapd_extra ? l->slapd_extra : "";
	char *text = slurp(template, NULL);

	if (text == NULL)
		cr_assert_fail("cannot read %s: %s", template, strerror(errno));
	track(text);
	if (ldap_tls(l))
		extra = format("%s\n"
			       "TLSCACertificateFile %s/ca.pem\n"
			       "TLSCertificateFile %s/%s.pem\n"
			       "TLSCertificateKeyFile %s/%s.key\n",
			       extra, vt.dir, vt.dir, cert, vt.dir, cert);
	text = replace_all(text, "@DIR@", vt.dir);
	text = replace_all(text, "@EXTRA@", extra);
	write_file_at(vt_path("slapd.conf"), text);
	if (mkdir(vt_path("ldap-data"), 0700) != 0 && errno != EEXIST)
		cr_assert_fail("mkdir ldap-data: %s", strerror(errno));
}

/* Free loopback ports for slapd (two with TLS). */
static void pick_ldap_ports(void)
{
	vt.ldap_port = vt_free_port();
	vt.ldaps_port = 0;
	if (ldap_tls(&options.ldap))
		while ((vt.ldaps_port = vt_free_port()) == vt.ldap_port)
			;
}

/* The absolute form of the path in environment variable name. */
static void env_path(const char *name, char *out, size_t size)
{
	const char *value = getenv(name);
	char resolved[PATH_MAX];

	if (value == NULL || *value == '\0')
		cr_assert_fail("%s is not set (make check sets it)", name);
	if (realpath(value, resolved) == NULL)
		cr_assert_fail("%s=%s: %s", name, value, strerror(errno));
	if ((size_t)snprintf(out, size, "%s", resolved) >= size)
		cr_assert_fail("%s is too long", name);
}

void vt_prepare(const struct vt_options *opt)
{
	if (prepared)
		cr_assert_fail("vt_prepare called twice");
	env_path("VETD_BIN", vt.vetd_bin, sizeof vt.vetd_bin);
	env_path("VETD_SRCDIR", vt.srcdir, sizeof vt.srcdir);
	if (getenv("VETCTL_BIN") != NULL)
		env_path("VETCTL_BIN", vt.vetctl_bin, sizeof vt.vetctl_bin);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	snprintf(vt.dir, sizeof vt.dir, "/tmp/vetd-test.XXXXXX");
	if (mkdtemp(vt.dir) == NULL)
		cr_assert_fail("mkdtemp: %s", strerror(errno));
	prepared = true;
	start_watchdog();
	/* nginx's workers (nobody) must reach the socket inside. */
	if (chmod(vt.dir, 0755) != 0)
		cr_assert_fail("chmod %s: %s", vt.dir, strerror(errno));

	snprintf(vt.conf, sizeof vt.conf, "%s/vetd.conf", vt.dir);
	snprintf(vt.socket, sizeof vt.socket, "%s/vetd.sock", vt.dir);
	snprintf(vt.db, sizeof vt.db, "%s/vetd.db", vt.dir);
	snprintf(vt.log, sizeof vt.log, "%s/vetd.log", vt.dir);
	vt.port = vt_free_port();
	nginx_extra = opt != NULL ? opt->nginx_extra : NULL;
	if (opt != NULL)
		options = *opt;
	if (options.ldap.enabled) {
		pick_ldap_ports();
		if (ldap_tls(&options.ldap))
			make_certificates();
		write_slapd_config();
	}
	vt_write_config(opt);
	write_nginx_config();
}

/* --- processes -------------------------------------------------------- */

/* Start argv in a process group of its own with stdout and stderr appended
 * to log; it gets SIGKILL if the test process dies. */
static pid_t spawn(char *const argv[], const char *log)
{
	pid_t parent = getpid(), pid;
	sigset_t none;
	int fd, sig;

	pid = fork();
	if (pid < 0)
		cr_assert_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		close_other_fds(-1);
		execv(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	watch_group(pid);
	return pid;
}

static void start_vetd(void)
{
	char *argv[] = { vt.vetd_bin, (char *)"-f", vt.conf, NULL };

	vt.vetd_pid = vetd_pgid = spawn(argv, vt.log);
}

static void start_nginx(void)
{
	const char *bin = getenv("NGINX_BIN");
	char *argv[] = {
		xstrdup(bin != NULL && *bin != '\0' ? bin : NGINX_DEFAULT),
		(char *)"-p", format("%s/", vt.dir),
		(char *)"-c", format("%s/nginx.conf", vt.dir),
		(char *)"-e", format("%s/nginx-error.log", vt.dir),
		NULL,
	};

	vt.nginx_pid = nginx_pgid = spawn(argv, vt_path("nginx.log"));
}

/* If our child pid has exited, reap it, store its status and return true. */
static bool reaped(pid_t pid, int *status)
{
	int st;

	if (pid <= 0 || waitpid(pid, &st, WNOHANG) != pid)
		return false;
	if (status != NULL)
		*status = st;
	if (pid == vt.vetd_pid)
		vt.vetd_pid = 0;
	if (pid == vt.nginx_pid)
		vt.nginx_pid = 0;
	if (pid == vt.slapd_pid)
		vt.slapd_pid = 0;
	return true;
}

static const char *describe_status(int st)
{
	if (WIFEXITED(st))
		return format("exited with status %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return format("was killed by signal %d", WTERMSIG(st));
	return "stopped";
}

/* Does something take TCP connections on 127.0.0.1:port? */
static bool port_answers(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool up;

	if (fd < 0)
		cr_assert_fail("socket: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	up = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return up;
}

static const char *slapd_bin(void)
{
	const char *bin = getenv("SLAPD_BIN");

	return bin != NULL && *bin != '\0' ? bin : SLAPD_DEFAULT;
}

/* slapd in the foreground (-d 0), so that it stays our child and in the
 * process group the watchdog knows. */
static void spawn_slapd(void)
{
	const char *urls = vt.ldaps_port == 0 ?
		format("ldap://127.0.0.1:%d/", vt.ldap_port) :
		format("ldap://127.0.0.1:%d/ ldaps://127.0.0.1:%d/", vt.ldap_port,
		       vt.ldaps_port);
	char *argv[] = {
		xstrdup(slapd_bin()), (char *)"-d", (char *)"0",
		(char *)"-f", (char *)vt_path("slapd.conf"),
		(char *)"-h", (char *)urls, NULL,
	};

	vt.slapd_pid = slapd_pgid = spawn(argv, vt_path("slapd.log"));
}

/* What slapd has to say about its configuration, for failure messages. */
static const char *slapd_diagnosis(void)
{
	char *out = NULL;

	vt_run(&out, "'%s' -Tt -f slapd.conf", slapd_bin());
	return format("slapd -Tt says:\n%s\nslapd.log:\n%s", out,
		      tail(vt_path("slapd.log"), 20));
}

/* Start slapd and wait until it takes connections on all its ports. On
 * the first start (may_move) a port someone else took meanwhile is
 * replaced; a restart keeps its ports, which vetd is configured with. */
static void run_slapd(bool may_move)
{
	long long deadline = vt_now_ms() + READY_TIMEOUT_MS;
	int st, retries = 0;

	spawn_slapd();
	for (;;) {
		if (reaped(vt.slapd_pid, &st)) {
			if (may_move && retries++ < 3 &&
			    (port_answers(vt.ldap_port) ||
			     (vt.ldaps_port != 0 && port_answers(vt.ldaps_port)))) {
				pick_ldap_ports();
				vt_write_config(&options);
				spawn_slapd();
				continue;
			}
			cr_assert_fail("slapd %s during start-up; %s",
				       describe_status(st), slapd_diagnosis());
		}
		if (port_answers(vt.ldap_port) &&
		    (vt.ldaps_port == 0 || port_answers(vt.ldaps_port)))
			return;
		if (vt_now_ms() >= deadline)
			cr_assert_fail("slapd took no connections on port %d within %d s; %s",
				       vt.ldap_port, READY_TIMEOUT_MS / 1000,
				       slapd_diagnosis());
		vt_sleep_ms(10);
	}
}

/* The start of an OpenLDAP tool's command line, bound as the directory's
 * administrator; with TLS it uses StartTLS without checking the
 * certificate (the tools are the test's, not what is under test). */
static const char *ldap_tool(const char *tool)
{
	bool tls = vt.ldaps_port != 0;

	return format("%s%s -x -H ldap://127.0.0.1:%d -D '%s' -w '%s'%s",
		      tls ? "LDAPTLS_REQCERT=never " : "", tool, vt.ldap_port,
		      LDAP_ADMIN_DN, LDAP_ADMIN_PASSWORD, tls ? " -ZZ" : "");
}

/* Load the demo directory through the running server (the memberOf
 * overlay only sees live changes). */
static void seed_directory(void)
{
	char *out = NULL;
	int rc;

	rc = vt_run(&out, "%s -f '%s/examples/directory/directory.ldif' >/dev/null",
		    ldap_tool("ldapadd"), vt.srcdir);
	if (rc != 0)
		cr_assert_fail("seeding the directory failed (exit %d):\n%s", rc, out);
}

/* Create the schema and the demo organizations, as an operator would. */
static void add_organizations(void)
{
	char *out = NULL;
	size_t i;
	int rc;

	if ((rc = vt_vetctl(&out, "db migrate")) != 0)
		cr_assert_fail("vetctl db migrate: exit %d: %s", rc, out);
	for (i = 0; i < VT_NORGS; i++) {
		rc = vt_vetctl(&out, "org add %s '%s'", vt_orgs[i], org_setup[i].name);
		if (rc != 0)
			cr_assert_fail("vetctl org add %s: exit %d: %s", vt_orgs[i], rc, out);
	}
}

static bool nginx_port_taken(void)
{
	char *log = slurp(vt_path("nginx-error.log"), NULL);
	bool taken = log != NULL && strstr(log, "Address already in use") != NULL;

	free(log);
	return taken;
}

void vt_start(const struct vt_options *opt)
{
	long long deadline;
	struct vt_response *r = NULL;
	int st, retries = 0;

	if (!prepared)
		vt_prepare(opt);
	else if (opt != NULL)
		vt_write_config(opt);
	if (options.ldap.enabled) {
		run_slapd(true);
		seed_directory();
		add_organizations();
	}
	start_vetd();
	start_nginx();

	deadline = vt_now_ms() + READY_TIMEOUT_MS;
	while (vt_now_ms() < deadline) {
		if (reaped(vt.vetd_pid, &st))
			cr_assert_fail("vetd %s during start-up; last lines of vetd.log:\n%s",
				       describe_status(st), tail(vt.log, 30));
		if (reaped(vt.nginx_pid, &st)) {
			if (nginx_port_taken() && retries++ < 3) {
				unlink(vt_path("nginx-error.log"));
				vt.port = vt_free_port();
				write_nginx_config();
				start_nginx();
				continue;
			}
			cr_assert_fail("nginx %s during start-up:\n%s",
				       describe_status(st),
				       tail(vt_path("nginx-error.log"), 20));
		}
		quiet = true;
		r = vt_get("/api/v1/health");
		quiet = false;
		if (r->status == 200)
			return;
		vt_sleep_ms(50);
	}
	cr_assert_fail("the stack did not answer GET /api/v1/health with 200 within %d s "
		       "(last answer: %ld %s); last lines of vetd.log:\n%s",
		       READY_TIMEOUT_MS / 1000, r ? r->status : 0L,
		       r ? r->body : "", tail(vt.log, 30));
}

/* SIGTERM the master, give it timeout_ms, then SIGKILL its whole group. */
static void stop_group(pid_t *pid, pid_t pgid, int timeout_ms)
{
	long long deadline = vt_now_ms() + timeout_ms;

	if (*pid > 0) {
		kill(*pid, SIGTERM);
		while (*pid > 0 && !reaped(*pid, NULL) && vt_now_ms() < deadline)
			vt_sleep_ms(10);
	}
	if (pgid > 0)
		kill(-pgid, SIGKILL);
	if (*pid > 0) {
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void vt_stop(void)
{
	size_t i;

	stop_group(&vt.nginx_pid, nginx_pgid, STOP_TIMEOUT_MS);
	stop_group(&vt.vetd_pid, vetd_pgid, STOP_TIMEOUT_MS);
	/* the directory is thrown away: no need to wait for its shutdown */
	stop_group(&vt.slapd_pid, slapd_pgid, 0);
	nginx_pgid = vetd_pgid = slapd_pgid = 0;
	if (prepared && vt.dir[0] != '\0') {
		if (keep_dir())
			fprintf(stderr, "kept %s\n", vt.dir);
		else
			nftw(vt.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	if (watchdog_pid > 0) {
		kill(watchdog_pid, SIGKILL);
		waitpid(watchdog_pid, NULL, 0);
		watchdog_pid = 0;
	}
	if (watchdog_fd >= 0) {
		close(watchdog_fd);
		watchdog_fd = -1;
	}
	for (i = 0; i < ndocs; i++)
		json_decref((json_t *)docs[i]);
	free(docs);
	docs = NULL;
	ndocs = docs_cap = 0;
	for (i = 0; i < nallocs; i++)
		free(allocs[i]);
	free(allocs);
	allocs = NULL;
	nallocs = allocs_cap = 0;
	prepared = false;
	memset(&options, 0, sizeof options);
	ldif_files = 0;
	memset(&vt, 0, sizeof vt);
}

pid_t vt_master(void)
{
	if (vt.vetd_pid <= 0)
		cr_assert_fail("vetd is not running");
	return vt.vetd_pid;
}

size_t vt_workers(pid_t *out, size_t max)
{
	pid_t master = vt_master();
	const char *path = format("/proc/%d/task/%d/children", (int)master, (int)master);
	char *text = slurp(path, NULL), *p, *end;
	size_t n = 0;
	long v;

	if (text == NULL)
		cr_assert_fail("cannot read %s: %s", path, strerror(errno));
	track(text);
	for (p = text; n < max; p = end) {
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		out[n++] = (pid_t)v;
	}
	return n;
}

void vt_signal(pid_t pid, int sig)
{
	if (pid <= 0 || kill(pid, sig) != 0)
		cr_assert_fail("cannot send signal %d to pid %d: %s", sig, (int)pid,
			       strerror(errno));
}

/* True if pid no longer runs (gone, or a zombie nobody reaped yet). */
static bool gone(pid_t pid)
{
	char path[64], *stat, *paren;
	bool dead;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	stat = slurp(path, NULL);
	if (stat == NULL)
		return true;
	paren = strrchr(stat, ')');
	dead = paren != NULL && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
	free(stat);
	return dead;
}

bool vt_wait_exit(pid_t pid, int timeout_ms, int *status)
{
	long long deadline = vt_now_ms() + timeout_ms;
	bool own = pid == vt.vetd_pid || pid == vt.nginx_pid || pid == vt.slapd_pid;

	for (;;) {
		if (own ? reaped(pid, status) : gone(pid))
			return true;
		if (vt_now_ms() >= deadline)
			return false;
		vt_sleep_ms(10);
	}
}

const char *vt_log(void)
{
	char *text = slurp(vt.log, NULL);

	return text ? track(text) : "";
}

int vt_run(char **out, const char *fmt, ...)
{
	va_list ap;
	int n, st;
	char *cmd, *full, buf[4096];
	char *text = NULL, *grown;
	size_t len = 0, got;
	FILE *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		cr_assert_fail("bad command format %s", fmt);
	cmd = track(malloc((size_t)n + 1));
	va_start(ap, fmt);
	vsnprintf(cmd, (size_t)n + 1, fmt, ap);
	va_end(ap);

	full = format("cd '%s' && { %s\n} 2>&1", vt.dir, cmd);
	fflush(NULL);
	p = popen(full, "r");
	if (p == NULL)
		cr_assert_fail("cannot run %s: %s", cmd, strerror(errno));
	while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
		grown = realloc(text, len + got + 1);
		if (grown == NULL) {
			free(text);
			text = NULL;
			break;
		}
		text = grown;
		memcpy(text + len, buf, got);
		len += got;
	}
	st = pclose(p);
	if (text == NULL)
		text = calloc(1, len + 1);
	track(text);
	text[len] = '\0';
	if (out != NULL)
		*out = text;
	if (st == -1)
		cr_assert_fail("cannot wait for %s: %s", cmd, strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int vt_vetctl(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *args;

	if (vt.vetctl_bin[0] == '\0')
		cr_assert_fail("VETCTL_BIN is not set (make check sets it)");
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		cr_assert_fail("bad vetctl format %s", fmt);
	args = track(malloc((size_t)n + 1));
	va_start(ap, fmt);
	vsnprintf(args, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return vt_run(out, "'%s' -f '%s' %s", vt.vetctl_bin, vt.conf, args);
}

/* --- the directory ---------------------------------------------------- */

void vt_slapd_stop(void)
{
	if (vt.slapd_pid <= 0)
		cr_assert_fail("slapd is not running");
	/* a frozen (SIGSTOP) slapd would not see the SIGTERM */
	kill(vt.slapd_pid, SIGCONT);
	stop_group(&vt.slapd_pid, slapd_pgid, STOP_TIMEOUT_MS);
	slapd_pgid = 0;
}

void vt_slapd_start(void)
{
	if (!options.ldap.enabled)
		cr_assert_fail("this stack has no directory");
	if (vt.slapd_pid > 0)
		cr_assert_fail("slapd is already running");
	run_slapd(false);
}

void vt_ldap_modify(const char *ldif)
{
	const char *name = format("change-%d.ldif", ++ldif_files);
	char *out = NULL;
	int rc;

	vt_write_file(name, ldif);
	rc = vt_run(&out, "%s -f '%s'", ldap_tool("ldapmodify"), name);
	if (rc != 0)
		cr_assert_fail("ldapmodify refused %s (exit %d):\n%s\n%s", name, rc,
			       ldif, out);
}

const char *vt_user_dn(const char *uid)
{
	size_t org = strcspn(uid, "-");

	return format("uid=%s,ou=%.*s,ou=people," LDAP_SUFFIX, uid, (int)org, uid);
}

const char *vt_group_dn(const char *cn)
{
	return format("cn=%s,ou=groups," LDAP_SUFFIX, cn);
}

/* --- HTTP ------------------------------------------------------------- */

struct upload {
	const struct vt_request *req;
	size_t off;
};

struct download {
	struct vt_response *r;
	size_t cap;
	size_t hcap;
};

static size_t read_body(char *dst, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	const struct vt_request *req = u->req;
	size_t n = size * nitems, left = req->len - u->off;

	if (left == 0)
		return 0;
	if (req->chunk > 0) {
		if (u->off > 0 && req->pause_ms > 0)
			vt_sleep_ms(req->pause_ms);
		if (n > req->chunk)
			n = req->chunk;
	}
	if (n > left)
		n = left;
	memcpy(dst, (const char *)req->body + u->off, n);
	u->off += n;
	if (req->on_progress != NULL)
		req->on_progress(u->off, req->arg);
	return n;
}

static size_t write_body(char *src, size_t size, size_t nitems, void *arg)
{
	struct download *d = arg;
	struct vt_response *r = d->r;
	size_t n = size * nitems;
	char *grown;

	if (r->len + n + 1 > d->cap) {
		d->cap = (r->len + n + 1) * 2;
		grown = realloc(r->body, d->cap);
		if (grown == NULL)
			return 0;
		r->body = grown;
	}
	memcpy(r->body + r->len, src, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

static size_t write_header(char *src, size_t size, size_t nitems, void *arg)
{
	struct download *d = arg;
	struct vt_response *r = d->r;
	size_t n = size * nitems, len = n, i;
	char **grown;

	while (len > 0 && (src[len - 1] == '\r' || src[len - 1] == '\n'))
		len--;
	if (len >= 5 && strncmp(src, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue): start over */
		for (i = 0; i < r->nheaders; i++)
			free(r->headers[i]);
		r->nheaders = 0;
		return n;
	}
	if (len == 0 || memchr(src, ':', len) == NULL)
		return n;
	if (r->nheaders + 1 >= d->hcap) {
		d->hcap = d->hcap ? d->hcap * 2 : 16;
		grown = realloc(r->headers, d->hcap * sizeof *grown);
		if (grown == NULL)
			return 0;
		r->headers = grown;
	}
	r->headers[r->nheaders] = strndup(src, len);
	if (r->headers[r->nheaders] == NULL)
		return 0;
	r->nheaders++;
	return n;
}

struct vt_response *vt_request_ex(const struct vt_request *req)
{
	struct vt_response *r = track(calloc(1, sizeof *r));
	struct download d = { r, 0, 0 };
	struct upload u = { req, 0 };
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	bool has_body = req->body != NULL || req->len > 0;
	bool has_expect = false;
	const char *const *h;
	CURL *c;
	CURLcode rc;
	size_t i;

	if (!prepared)
		cr_assert_fail("vt_request before vt_start");
	c = curl_easy_init();
	if (c == NULL)
		cr_assert_fail("curl_easy_init failed");
	curl_easy_setopt(c, CURLOPT_URL,
			 format("http://127.0.0.1:%d%s", vt.port, req->path));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &d);

	for (h = req->headers; h != NULL && *h != NULL; h++) {
		if (strncasecmp(*h, "Expect:", 7) == 0)
			has_expect = true;
		hdrs = curl_slist_append(hdrs, *h);
	}
	/* no 100-continue round trip unless the test asks for one */
	if (!has_expect)
		hdrs = curl_slist_append(hdrs, "Expect:");
	if (req->chunked)
		hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

	if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (has_body || strcmp(req->method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
		curl_easy_setopt(c, CURLOPT_READDATA, &u);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 req->chunked ? (curl_off_t)-1 : (curl_off_t)req->len);
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	} else if (strcmp(req->method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	}

	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	} else {
		/* status 0 lets the test's own assertion say what was expected */
		r->status = 0;
		if (!quiet)
			fprintf(stderr, "%s %s: %s\n", req->method, req->path,
				errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);

	/* hand the buffers over to the harness */
	if (r->body == NULL)
		r->body = calloc(1, 1);
	track(r->body);
	for (i = 0; i < r->nheaders; i++)
		track(r->headers[i]);
	if (r->headers != NULL)
		track(r->headers);
	return r;
}

struct vt_response *vt_request(const char *method, const char *path,
			       const char *const *headers,
			       const void *body, size_t len)
{
	struct vt_request req = {
		.method = method, .path = path, .headers = headers,
		.body = body, .len = len,
	};

	return vt_request_ex(&req);
}

struct vt_response *vt_get(const char *path)
{
	return vt_request("GET", path, NULL, NULL, 0);
}

struct vt_response *vt_post_json(const char *path, const char *body)
{
	static const char *const json[] = { "Content-Type: application/json", NULL };

	return vt_request("POST", path, json, body, strlen(body));
}

const char *vt_header(const struct vt_response *r, const char *name)
{
	size_t i, n = strlen(name);
	const char *v;

	for (i = 0; i < r->nheaders; i++) {
		if (strncasecmp(r->headers[i], name, n) != 0 || r->headers[i][n] != ':')
			continue;
		for (v = r->headers[i] + n + 1; *v == ' ' || *v == '\t'; v++)
			;
		return v;
	}
	return NULL;
}

size_t vt_header_count(const struct vt_response *r, const char *name)
{
	size_t i, n = strlen(name), count = 0;

	for (i = 0; i < r->nheaders; i++)
		if (strncasecmp(r->headers[i], name, n) == 0 && r->headers[i][n] == ':')
			count++;
	return count;
}

json_t *vt_json(struct vt_response *r)
{
	json_error_t err;

	if (r->json != NULL)
		return r->json;
	r->json = json_loadb(r->body, r->len, 0, &err);
	if (r->json == NULL)
		cr_assert_fail("the response (status %ld) is not JSON: %s; body: %.300s",
			       r->status, err.text, r->body);
	/* the response lives until vt_stop(); so does its document */
	grow(&docs, ndocs, &docs_cap);
	docs[ndocs++] = r->json;
	return r->json;
}

json_t *vt_json_get(struct vt_response *r, const char *path)
{
	json_t *v = vt_json(r);
	char key[128];
	const char *p = path, *dot;
	size_t n;

	while (v != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
		p += n + (dot != NULL);
	}
	return v;
}

const char *vt_json_str(struct vt_response *r, const char *path)
{
	return json_string_value(vt_json_get(r, path));
}

double vt_metric(const struct vt_response *metrics, const char *series)
{
	size_t n = strlen(series);
	const char *line = metrics->body, *next;

	for (; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			next++;
		if (strncmp(line, series, n) == 0 && line[n] == ' ')
			return strtod(line + n + 1, NULL);
	}
	return -1;
}

/* --- signed-in requests ----------------------------------------------- */

const char *vt_set_cookie(const struct vt_response *r, const char *name)
{
	size_t i, n = strlen(name);
	const char *v;

	for (i = 0; i < r->nheaders; i++) {
		if (strncasecmp(r->headers[i], "Set-Cookie:", 11) != 0)
			continue;
		for (v = r->headers[i] + 11; *v == ' ' || *v == '\t'; v++)
			;
		if (strncmp(v, name, n) == 0 && v[n] == '=')
			return v;
	}
	return NULL;
}

struct vt_response *vt_sign_in_as(const char *user, const char *password)
{
	json_t *body = json_pack("{s:s, s:s}", "username", user, "password", password);
	char *text;

	if (body == NULL)
		cr_assert_fail("cannot make a sign-in body (not UTF-8?)");
	text = track(json_dumps(body, JSON_COMPACT));
	json_decref(body);
	return vt_post_json("/api/v1/session", text);
}

struct vt_who vt_sign_in(const char *user, const char *password,
			 struct vt_response **resp)
{
	struct vt_response *r = vt_sign_in_as(user, password);
	struct vt_who who = { 0 };
	const char *set;

	if (resp != NULL)
		*resp = r;
	if (r->status != 200)
		cr_assert_fail("signing in as %s: %ld %s", user, r->status, r->body);
	if ((set = vt_set_cookie(r, VT_COOKIE)) == NULL)
		cr_assert_fail("signing in as %s set no %s cookie", user, VT_COOKIE);
	who.name = xstrdup(user);
	who.cookie = format("%.*s", (int)strcspn(set, ";"), set);
	if ((who.csrf = vt_json_str(r, "csrf_token")) == NULL)
		cr_assert_fail("signing in as %s gave no csrf_token: %s", user, r->body);
	return who;
}

struct vt_response *vt_call(const char *method, const char *path,
			    const struct vt_who *who,
			    const char *const *headers, const char *body)
{
	const char *all[32];
	size_t n = 0;

	if (who != NULL && who->cookie != NULL)
		all[n++] = format("Cookie: %s", who->cookie);
	if (who != NULL && who->bearer != NULL)
		all[n++] = format("Authorization: Bearer %s", who->bearer);
	if (who != NULL && who->csrf != NULL)
		all[n++] = format("X-CSRF-Token: %s", who->csrf);
	if (body != NULL)
		all[n++] = "Content-Type: application/json";
	for (; headers != NULL && *headers != NULL; headers++) {
		if (n + 1 >= sizeof all / sizeof all[0])
			cr_assert_fail("too many headers for %s %s", method, path);
		all[n++] = *headers;
	}
	all[n] = NULL;
	return vt_request(method, path, all, body, body != NULL ? strlen(body) : 0);
}
