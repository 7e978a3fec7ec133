/*
 * Unit tests of config: configuration files are written into a temporary
 * directory. A full valid file (socket and tcp variants), the defaults of
 * a minimal one, relative paths resolved against the file's directory;
 * then every kind of bad file, each of which must fail with a message that
 * names the key (unknown keys at the top and in listen, out-of-range and
 * non-whole numbers, wrong types, bad octal modes, non-loopback or
 * malformed tcp, socket and tcp together or neither, no database), a
 * syntax error with its line number, a runaway loop and memory bombs that
 * must be stopped, the absence of every library, an empty file and a
 * missing one.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "access.h"
#include "config.h"
#include "util.h"

static char tmpdir[] = "/tmp/vetd-unit-config-XXXXXX";
static char err[512];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp");
}

static void teardown(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	char path[512];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

TestSuite(config, .init = setup, .fini = teardown, .timeout = 30);

/* Write text to tmpdir/name; returns the path (static). */
static const char *write_file(const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "fopen %s", path);
	cr_assert_eq(fwrite(text, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
	return path;
}

static const char *write_conf(const char *text)
{
	return write_file("vetd.conf", text, strlen(text));
}

/* Load text, which must succeed. */
static struct config *load_ok(const char *text)
{
	struct config *c = NULL;
	const char *path = write_conf(text);

	err[0] = '\0';
	cr_assert_eq(config_load(path, &c, err, sizeof(err)), 0,
		     "config refused: %s\n--- config:\n%s", err, text);
	cr_assert_not_null(c);
	return c;
}

/* Load text, which must fail with an error that contains want. */
static void load_fails(const char *text, const char *want)
{
	struct config *c = NULL;
	const char *path = write_conf(text);

	err[0] = '\0';
	cr_assert_eq(config_load(path, &c, err, sizeof(err)), -1,
		     "config accepted\n--- config:\n%s", text);
	cr_assert_null(c, "out was set on failure");
	cr_assert_not_null(strstr(err, want),
			   "error \"%s\" does not contain \"%s\"\n--- config:\n%s",
			   err, want, text);
}

#define LISTEN_OK	"listen = { socket = \"/run/vetd/vetd.sock\" }\n"
#define DB_OK		"database = \"/var/lib/vetd/vetd.db\"\n"

/* --- valid files -------------------------------------------------------- */

Test(config, full_socket_config)
{
	struct config *c = load_ok(
	    "-- a comment\n"
	    "listen = {\n"
	    "  socket = \"/run/vetd/vetd.sock\",\n"
	    "  mode = \"0640\",\n"
	    "  group = \"www-data\",\n"
	    "  backlog = 64,\n"
	    "}\n"
	    "workers = 8\n"
	    "database = \"/var/lib/vetd/vetd.db\"\n"
	    "max_body = 2048\n"
	    "drain_timeout = 10\n"
	    "busy_timeout = 100\n"
	    "log_level = \"debug\"\n");
	char dir[600];

	cr_assert_str_eq(c->socket_path, "/run/vetd/vetd.sock");
	cr_assert_eq(c->socket_mode, 0640);
	cr_assert_str_eq(c->socket_group, "www-data");
	cr_assert_eq(c->backlog, 64);
	cr_assert_null(c->tcp_host);
	cr_assert_eq(c->workers, 8);
	cr_assert_str_eq(c->database, "/var/lib/vetd/vetd.db");
	cr_assert_eq(c->max_body, 2048);
	cr_assert_eq(c->drain_timeout, 10);
	cr_assert_eq(c->busy_timeout, 100);
	cr_assert_eq(c->log_level, LOG_LVL_DEBUG);
	snprintf(dir, sizeof(dir), "%s/vetd.conf", tmpdir);
	cr_assert_str_eq(c->path, dir);
	cr_assert_str_eq(c->confdir, tmpdir);
	config_free(c);
}

Test(config, full_tcp_config)
{
	struct config *c = load_ok(
	    "listen = { tcp = \"127.0.0.1:9000\", backlog = 1 }\n"
	    "workers = 64\n"
	    DB_OK
	    "max_body = 1073741824\n"
	    "drain_timeout = 3600\n"
	    "busy_timeout = 0\n"
	    "log_level = \"error\"\n");

	cr_assert_null(c->socket_path);
	cr_assert_str_eq(c->tcp_host, "127.0.0.1");
	cr_assert_eq(c->tcp_port, 9000);
	cr_assert_eq(c->backlog, 1);
	cr_assert_eq(c->workers, 64);
	cr_assert_eq(c->max_body, 1073741824LL);
	cr_assert_eq(c->drain_timeout, 3600);
	cr_assert_eq(c->busy_timeout, 0);
	cr_assert_eq(c->log_level, LOG_LVL_ERROR);
	config_free(c);
}

Test(config, tcp_other_loopback_and_port_bounds)
{
	struct config *c;

	c = load_ok("listen = { tcp = \"127.1.2.3:1\" }\n" DB_OK);
	cr_assert_str_eq(c->tcp_host, "127.1.2.3");
	cr_assert_eq(c->tcp_port, 1);
	config_free(c);
	c = load_ok("listen = { tcp = \"127.0.0.1:65535\" }\n" DB_OK);
	cr_assert_eq(c->tcp_port, 65535);
	config_free(c);
}

Test(config, defaults_applied)
{
	struct config *c = load_ok(LISTEN_OK DB_OK);

	cr_assert_eq(c->socket_mode, 0660);
	cr_assert_null(c->socket_group);
	cr_assert_eq(c->backlog, 128);
	cr_assert_eq(c->workers, 4);
	cr_assert_eq(c->max_body, 1024 * 1024);
	cr_assert_eq(c->drain_timeout, 30);
	cr_assert_eq(c->busy_timeout, 5000);
	cr_assert_eq(c->log_level, LOG_LVL_INFO);
	cr_assert_null(c->tcp_host);
	config_free(c);
}

Test(config, relative_paths_resolved_against_the_file)
{
	struct config *c = load_ok(
	    "listen = { socket = \"run/vetd.sock\" }\n"
	    "database = \"data/vetd.db\"\n");
	char want[600];

	snprintf(want, sizeof(want), "%s/run/vetd.sock", tmpdir);
	cr_assert_str_eq(c->socket_path, want);
	snprintf(want, sizeof(want), "%s/data/vetd.db", tmpdir);
	cr_assert_str_eq(c->database, want);
	config_free(c);
}

Test(config, relative_file_name_resolves_to_cwd)
{
	struct config *c = NULL;

	write_conf("listen = { socket = \"s.sock\" }\ndatabase = \"d.db\"\n");
	cr_assert_eq(chdir(tmpdir), 0);
	cr_assert_eq(config_load("vetd.conf", &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(c->confdir, ".");
	cr_assert_str_eq(c->socket_path, "./s.sock");
	cr_assert_str_eq(c->database, "./d.db");
	config_free(c);
}

Test(config, octal_modes)
{
	struct config *c;

	c = load_ok("listen = { socket = \"/s\", mode = \"0\" }\n" DB_OK);
	cr_assert_eq(c->socket_mode, 0);
	config_free(c);
	c = load_ok("listen = { socket = \"/s\", mode = \"777\" }\n" DB_OK);
	cr_assert_eq(c->socket_mode, 0777);
	config_free(c);
	c = load_ok("listen = { socket = \"/s\", mode = \"0600\" }\n" DB_OK);
	cr_assert_eq(c->socket_mode, 0600);
	config_free(c);
}

Test(config, data_only_lua_is_evaluated)
{
	struct config *c = load_ok(
	    "local n = 2\n"
	    "listen = { socket = \"/run/\" .. \"v.sock\" }\n"
	    "workers = n * 3\n"
	    DB_OK);

	cr_assert_str_eq(c->socket_path, "/run/v.sock");
	cr_assert_eq(c->workers, 6);
	config_free(c);
}

/* --- bad keys and values ------------------------------------------------ */

Test(config, unknown_top_level_key)
{
	load_fails(LISTEN_OK DB_OK "colour = \"blue\"\n", "colour: unknown key");
}

Test(config, unknown_nested_key)
{
	load_fails("listen = { socket = \"/s\", foo = 1 }\n" DB_OK,
		   "listen.foo: unknown key");
}

Test(config, misspelt_key_is_not_ignored)
{
	load_fails(LISTEN_OK DB_OK "worker = 4\n", "worker: unknown key");
}

Test(config, non_name_keys)
{
	load_fails(LISTEN_OK DB_OK "_ENV[1] = 2\n", "key: must be a name");
	load_fails("listen = { \"/s\" }\n" DB_OK, "listen.key: must be a name");
}

Test(config, workers_range)
{
	load_fails(LISTEN_OK DB_OK "workers = 0\n",
		   "workers: must be between 1 and 64");
	load_fails(LISTEN_OK DB_OK "workers = 65\n",
		   "workers: must be between 1 and 64");
	load_fails(LISTEN_OK DB_OK "workers = -1\n", "workers: must be between");
}

Test(config, workers_not_whole)
{
	load_fails(LISTEN_OK DB_OK "workers = 1.5\n",
		   "workers: must be a whole number");
	load_fails(LISTEN_OK DB_OK "workers = 0/0\n",
		   "workers: must be a whole number");
	load_fails(LISTEN_OK DB_OK "workers = 1e300\n",
		   "workers: must be a whole number");
}

Test(config, wrong_types)
{
	load_fails(LISTEN_OK DB_OK "workers = \"4\"\n",
		   "workers: must be a whole number");
	load_fails(LISTEN_OK DB_OK "workers = true\n",
		   "workers: must be a whole number");
	load_fails(LISTEN_OK DB_OK "workers = {}\n",
		   "workers: must be a whole number");
	load_fails(LISTEN_OK "database = 5\n", "database: must be a string");
	load_fails(LISTEN_OK "database = { \"x\" }\n",
		   "database: must be a string");
	load_fails("listen = \"/run/vetd.sock\"\n" DB_OK,
		   "listen: must be a table");
	load_fails("listen = { socket = \"/s\", backlog = \"9\" }\n" DB_OK,
		   "listen.backlog: must be a whole number");
	load_fails(LISTEN_OK DB_OK "log_level = 1\n", "log_level: must be a string");
	load_fails(LISTEN_OK DB_OK "log_level = \"loud\"\n",
		   "log_level: must be one of");
	load_fails(LISTEN_OK DB_OK "max_body = function() end\n",
		   "max_body: must be a whole number");
}

Test(config, other_ranges)
{
	load_fails(LISTEN_OK DB_OK "max_body = 1023\n", "max_body: must be between");
	load_fails(LISTEN_OK DB_OK "max_body = 1073741825\n",
		   "max_body: must be between");
	load_fails(LISTEN_OK DB_OK "drain_timeout = 0\n", "drain_timeout:");
	load_fails(LISTEN_OK DB_OK "busy_timeout = 60001\n", "busy_timeout:");
	load_fails("listen = { socket = \"/s\", backlog = 0 }\n" DB_OK,
		   "listen.backlog: must be between");
	load_fails("listen = { socket = \"/s\", backlog = 65536 }\n" DB_OK,
		   "listen.backlog: must be between");
}

Test(config, string_lengths_and_nul)
{
	load_fails(LISTEN_OK "database = \"\"\n",
		   "database: length must be between 1 and 4096");
	load_fails("listen = { socket = \"/s\", group = \"\" }\n" DB_OK,
		   "listen.group: length must be between");
	load_fails(LISTEN_OK "database = \"/a\\0b\"\n",
		   "database: must not contain NUL");
	load_fails("listen = { socket = \"/" "0123456789012345678901234567890123456789"
		   "0123456789012345678901234567890123456789"
		   "012345678901234567890123456\" }\n" DB_OK,
		   "listen.socket: length must be between 1 and 107");
}

Test(config, socket_too_long_once_resolved)
{
	load_fails("listen = { socket = \""
		   "0123456789012345678901234567890123456789"
		   "0123456789012345678901234567890123456789"
		   "0123456789012345678\" }\n" DB_OK,
		   "listen.socket: path too long once resolved");
}

Test(config, bad_octal_modes)
{
	static const char *const bad[] = { "0800", "9", "abc", "", "01000",
	    "-1", "0660x", "0x1ff", "6 6" };
	char text[256];
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		snprintf(text, sizeof(text),
			 "listen = { socket = \"/s\", mode = \"%s\" }\n" DB_OK,
			 bad[i]);
		load_fails(text, "listen.mode: must be an octal mode");
	}
	load_fails("listen = { socket = \"/s\", mode = 0660 }\n" DB_OK,
		   "listen.mode: must be a string");
}

/*
 * strtoll skips leading white space and takes a '+', so these slip past the
 * explicit check for '-'.
 */
Test(config, octal_mode_rejects_sign_and_space)
{
	static const char *const bad[] = { "+0660", " 0660", "\\t0660" };
	struct config *c = NULL;
	char text[256];
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		snprintf(text, sizeof(text),
			 "listen = { socket = \"/s\", mode = \"%s\" }\n" DB_OK,
			 bad[i]);
		c = NULL;
		cr_expect_eq(config_load(write_conf(text), &c, err, sizeof(err)),
			     -1, "mode \"%s\" accepted", bad[i]);
		config_free(c);
	}
}

Test(config, tcp_not_loopback)
{
	static const char *const bad[] = { "10.0.0.1:80", "0.0.0.0:80",
	    "192.168.1.1:9000", "128.0.0.1:80", "localhost:80", "[::1]:80",
	    "::1:80", "127.0.0:80", "127.0.0.1.5:80" };
	char text[256];
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		snprintf(text, sizeof(text), "listen = { tcp = \"%s\" }\n" DB_OK,
			 bad[i]);
		load_fails(text, "listen.tcp: only a loopback IPv4 address");
	}
}

Test(config, tcp_bad_port)
{
	static const char *const bad[] = { "127.0.0.1:0", "127.0.0.1:65536",
	    "127.0.0.1:", "127.0.0.1", "127.0.0.1:80x", "127.0.0.1:-80",
	    "127.0.0.1:+80", "127.0.0.1: 80", "127.0.0.1:99999999999999999999" };
	char text[256];
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		snprintf(text, sizeof(text), "listen = { tcp = \"%s\" }\n" DB_OK,
			 bad[i]);
		load_fails(text, "listen.tcp: must be \"127.0.0.1:PORT\"");
	}
	load_fails("listen = { tcp = 8080 }\n" DB_OK, "listen.tcp: must be a string");
}

Test(config, socket_and_tcp_both)
{
	load_fails("listen = { socket = \"/s\", tcp = \"127.0.0.1:9000\" }\n" DB_OK,
		   "listen: socket and tcp are exclusive");
}

Test(config, neither_socket_nor_tcp)
{
	load_fails("listen = { backlog = 10 }\n" DB_OK,
		   "listen: needs socket or tcp");
	load_fails("listen = {}\n" DB_OK, "listen: needs socket or tcp");
}

Test(config, missing_database)
{
	load_fails(LISTEN_OK "workers = 2\n", "database: required");
}

/* --- session, directory, organizations --------------------------------- */

Test(config, session_defaults_and_values)
{
	struct config *c = load_ok(LISTEN_OK DB_OK);

	cr_assert_eq(c->session_idle, 1800);
	cr_assert_eq(c->session_absolute, 43200);
	cr_assert_eq(c->insecure_cookie, 0);
	cr_assert_eq(c->has_directory, 0);
	cr_assert_eq(c->norgs, 0);
	config_free(c);
	c = load_ok(LISTEN_OK DB_OK "session = { idle_timeout = 60,"
	    " absolute_timeout = 60, insecure_cookie = true }\n");
	cr_assert_eq(c->session_idle, 60);
	cr_assert_eq(c->session_absolute, 60);
	cr_assert_eq(c->insecure_cookie, 1);
	config_free(c);
}

Test(config, session_errors)
{
	load_fails(LISTEN_OK DB_OK "session = { idle_timeout = 100,"
	    " absolute_timeout = 99 }\n", "session.absolute_timeout:");
	load_fails(LISTEN_OK DB_OK "session = { idle_timeout = 86400 }\n",
		   "session.absolute_timeout:");
	load_fails(LISTEN_OK DB_OK "session = { idle_timeout = 0 }\n",
		   "session.idle_timeout: must be between");
	load_fails(LISTEN_OK DB_OK "session = { insecure_cookie = 1 }\n",
		   "session.insecure_cookie: must be true or false");
	load_fails(LISTEN_OK DB_OK "session = { idle = 1 }\n",
		   "session.idle: unknown key");
}

/* A directory section with the password file "secret" next to the config. */
#define DIRECTORY(extra)						\
	"directory = { url = \"ldap://127.0.0.1:389\","			\
	" bind_dn = \"cn=svc,dc=example,dc=org\","			\
	" bind_password_file = \"secret\","				\
	" base_dn = \"dc=example,dc=org\","				\
	" user_filter = \"(uid=%s)\"" extra " }\n"

Test(config, directory_valid)
{
	struct config *c;
	char want[600];

	write_file("secret", "s3cret pass\nsecond line\n", 24);
	c = load_ok(LISTEN_OK DB_OK DIRECTORY(""));
	cr_assert_eq(c->has_directory, 1);
	cr_assert_str_eq(c->dir.url, "ldap://127.0.0.1:389");
	cr_assert_str_eq(c->dir.bind_password, "s3cret pass",
			 "only the first line, without its newline");
	snprintf(want, sizeof(want), "%s/secret", tmpdir);
	cr_assert_str_eq(c->dir.bind_password_file, want);
	cr_assert_str_eq(c->dir.group_mode, "memberof");
	cr_assert_str_eq(c->dir.name_attr, "cn");
	cr_assert_eq(c->dir.network_timeout, 5);
	cr_assert_eq(c->dir.timeout, 10);
	config_free(c);
}

Test(config, directory_errors)
{
	write_file("secret", "pw\n", 3);
	write_file("empty", "\n", 1);
	load_fails(LISTEN_OK DB_OK "directory = { url = \"ldap://x\" }\n",
		   "directory: needs url, bind_dn");
	load_fails(LISTEN_OK DB_OK "directory = {}\n", "directory: needs");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", starttls = true") "directory.url ="
	    " \"ldaps://h\"\n", "directory.starttls: not with ldaps://");
	load_fails(LISTEN_OK DB_OK DIRECTORY("") "directory.url = \"http://h.x\"\n",
		   "directory.url: must start with ldap://");
	load_fails(LISTEN_OK DB_OK DIRECTORY("")
	    "directory.user_filter = \"(uid=x)\"\n", "directory.user_filter:");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", group_mode = \"search\""),
		   "directory.group_mode: search needs");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", group_mode = \"nested\""),
		   "directory.group_mode: must be");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", group_filter = \"(member=x)\""),
		   "directory.group_filter: needs %d");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", nested_filter = \"(x=%d)\""),
		   "directory.nested_filter:");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", starttls = \"yes\""),
		   "directory.starttls: must be true or false");
	load_fails(LISTEN_OK DB_OK DIRECTORY(", port = 389"),
		   "directory.port: unknown key");
	load_fails(LISTEN_OK DB_OK DIRECTORY("") "directory.bind_password_file ="
	    " \"empty\"\n", "directory.bind_password_file: empty");
	load_fails(LISTEN_OK DB_OK DIRECTORY("") "directory.bind_password_file ="
	    " \"missing\"\n", "directory.bind_password_file: cannot open");
}

Test(config, organizations_valid)
{
	struct config *c = load_ok(LISTEN_OK DB_OK
	    "organizations = {\n"
	    "  acme = { ou = \"ou=acme,dc=example,dc=org\",\n"
	    "    roles = { cso = \"cn=cso,dc=example,dc=org\","
	    " admin = \"cn=admins,dc=example,dc=org\" },\n"
	    "    see_all = { \"screening\", \"auditor\" } },\n"
	    "  [\"beta-2\"] = { group = \"cn=beta,dc=example,dc=org\" },\n"
	    "}\n");
	const struct config_org *o;

	cr_assert_eq(c->norgs, 2);
	o = config_org_find(c, "acme");
	cr_assert_not_null(o);
	cr_assert_str_eq(o->ou, "ou=acme,dc=example,dc=org");
	cr_assert_null(o->group);
	cr_assert_str_eq(o->roles[ROLE_CSO], "cn=cso,dc=example,dc=org");
	cr_assert_str_eq(o->roles[ROLE_ADMIN], "cn=admins,dc=example,dc=org");
	cr_assert_null(o->roles[ROLE_APPLICANT]);
	cr_assert_eq(o->see_all, ROLE_BIT(ROLE_SCREENING) | ROLE_BIT(ROLE_AUDITOR));
	o = config_org_find(c, "beta-2");
	cr_assert_not_null(o);
	cr_assert_str_eq(o->group, "cn=beta,dc=example,dc=org");
	cr_assert_null(config_org_find(c, "gamma"));
	config_free(c);
}

Test(config, organizations_errors)
{
	load_fails(LISTEN_OK DB_OK "organizations = { Acme = { ou = \"o\" } }\n",
		   "organizations.Acme: not an organization slug");
	load_fails(LISTEN_OK DB_OK "organizations = { [\"1a\"] = { ou = \"o\" } }\n",
		   "organizations.1a: not an organization slug");
	load_fails(LISTEN_OK DB_OK "organizations = { { ou = \"o\" } }\n",
		   "organizations.?: not an organization slug");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = \"o\" }\n",
		   "organizations.acme: must be a table");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = {} }\n",
		   "organizations.acme: needs exactly one of ou or group");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " group = \"g\" } }\n",
		   "organizations.acme: needs exactly one of ou or group");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"\" } }\n",
		   "organizations.acme.ou: must be 1 to");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " colour = 1 } }\n", "organizations.acme.colour: unknown key");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " roles = { king = \"cn=k\" } } }\n",
		   "organizations.acme.roles.king: not a role");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " roles = { cso = 1 } } }\n",
		   "organizations.acme.roles.cso: must be a string");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " see_all = { \"king\" } } }\n",
		   "organizations.acme.see_all: must be a list of role names");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " see_all = \"cso\" } }\n",
		   "organizations.acme.see_all: must be a table");
	load_fails(LISTEN_OK DB_OK "organizations = \"acme\"\n",
		   "organizations: must be a table");
}

Test(config, documents_defaults_and_values)
{
	struct config *c = load_ok(LISTEN_OK DB_OK
	    "organizations = { acme = { ou = \"o\" },\n"
	    "  nuke = { ou = \"n\", markings = { \"Public\", \"Prescribed\","
	    " \"Vault\" }, ceilings = { screening = \"Prescribed\","
	    " auditor = \"Public\" }, two_person = \"Prescribed\" } }\n");
	const struct config_org *o;

	cr_assert_str_eq(c->doc_dir, "/var/lib/vetd/vetd.db.docs");
	cr_assert_str_eq(c->doc_key_file, "/var/lib/vetd/vetd.db.keys/master");
	cr_assert_eq(c->doc_max_size, 256LL * 1024 * 1024);
	cr_assert_not_null(strstr(c->doc_types, "application/pdf"));
	/* the REGDOC appendix D scale and the default ceilings */
	o = config_org_find(c, "acme");
	cr_assert_eq(o->nmarkings, 8);
	cr_assert_eq(config_marking_rank(o, "Unclassified"), 0);
	cr_assert_eq(config_marking_rank(o, "Protected B"), 3);
	cr_assert_eq(config_marking_rank(o, "Top Secret"), 7);
	cr_assert_eq(config_marking_rank(o, "top secret"), -1);
	cr_assert_eq(o->ceiling[ROLE_SCREENING], 6);
	cr_assert_eq(o->ceiling[ROLE_AUDITOR], 3);
	cr_assert_eq(o->ceiling[ROLE_APPLICANT], 0);
	cr_assert_eq(o->ceiling[ROLE_ADMIN], -1);
	cr_assert_eq(o->two_person, 7);
	/* an organization's own scale: defaults not on it read nothing */
	o = config_org_find(c, "nuke");
	cr_assert_eq(o->nmarkings, 3);
	cr_assert_eq(o->ceiling[ROLE_SCREENING], 1);
	cr_assert_eq(o->ceiling[ROLE_AUDITOR], 0);
	cr_assert_eq(o->ceiling[ROLE_CSO], -1);
	cr_assert_eq(o->two_person, 1);
	config_free(c);

	c = load_ok(LISTEN_OK DB_OK "documents = { dir = \"docs\", key_file ="
	    " \"/k/master\", max_size = 4096, types = \"application/pdf\" }\n");
	cr_assert_eq(c->doc_dir[0], '/', "resolved against the file");
	cr_assert_str_eq(c->doc_key_file, "/k/master");
	cr_assert_eq(c->doc_max_size, 4096);
	cr_assert_str_eq(c->doc_types, "application/pdf");
	config_free(c);
}

Test(config, documents_errors)
{
	load_fails(LISTEN_OK DB_OK "documents = { max_size = 10 }\n",
		   "documents.max_size: must be between");
	load_fails(LISTEN_OK DB_OK "documents = { colour = 1 }\n",
		   "documents.colour: unknown key");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " markings = {} } }\n",
		   "organizations.acme.markings: must list 1 to");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " markings = { \"A\", \"A\" } } }\n",
		   "organizations.acme.markings[2]: repeats a marking");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " markings = { \"A\", 2 } } }\n",
		   "organizations.acme.markings[2]: must be a string");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " ceilings = { cso = \"Cosmic\" } } }\n",
		   "organizations.acme.ceilings.cso: \"Cosmic\" is not one of");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " ceilings = { king = \"Secret\" } } }\n",
		   "organizations.acme.ceilings.king: not a role");
	load_fails(LISTEN_OK DB_OK "organizations = { acme = { ou = \"o\","
	    " two_person = \"Cosmic\" } }\n",
		   "organizations.acme.two_person: \"Cosmic\" is not one of");
}

Test(config, too_many_organizations)
{
	char text[8192];
	int i;

	snprintf(text, sizeof(text), LISTEN_OK DB_OK "organizations = {\n");
	for (i = 0; i < 65; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "  o%d = { ou = \"ou=o%d\" },\n", i, i);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "}\n");
	load_fails(text, "organizations: too many organizations");
}

/* --- bad files ---------------------------------------------------------- */

Test(config, syntax_error_has_line)
{
	char want[600];

	snprintf(want, sizeof(want), "%s/vetd.conf:3:", tmpdir);
	load_fails(LISTEN_OK DB_OK "workers = = 4\n", want);
}

Test(config, runtime_error_has_line)
{
	char want[600];

	snprintf(want, sizeof(want), "%s/vetd.conf:2:", tmpdir);
	load_fails(LISTEN_OK "workers = nothing.here\n" DB_OK, want);
}

Test(config, runaway_loop_stopped)
{
	load_fails(LISTEN_OK DB_OK "while true do end\n", "runs too long");
}

Test(config, runaway_recursion_stopped)
{
	struct config *c = NULL;

	cr_assert_eq(config_load(write_conf(LISTEN_OK DB_OK
	    "local function f(n) return 1 + f(n + 1) end\nworkers = f(1)\n"),
	    &c, err, sizeof(err)), -1);
	cr_assert_null(c);
	cr_assert_neq(err[0], '\0');
}

Test(config, memory_bomb_stopped)
{
	load_fails(LISTEN_OK DB_OK "x = {} for i=1,1e8 do x[i]=i end\n",
		   "not enough memory");
}

Test(config, string_memory_bomb_stopped)
{
	load_fails(LISTEN_OK DB_OK
		   "local s = \"x\" for i = 1, 40 do s = s .. s end\n",
		   "not enough memory");
}

Test(config, no_library_access)
{
	struct config *c = load_ok(LISTEN_OK DB_OK
	    "if os == nil and io == nil and string == nil and math == nil and\n"
	    "   print == nil and require == nil and load == nil and\n"
	    "   dofile == nil and setmetatable == nil and _G == nil and\n"
	    "   debug == nil and collectgarbage == nil then\n"
	    "  workers = 7\n"
	    "end\n");

	cr_assert_eq(c->workers, 7, "some library is reachable");
	config_free(c);
}

Test(config, library_calls_fail)
{
	load_fails(LISTEN_OK DB_OK "workers = os.time()\n", "'os'");
	load_fails(LISTEN_OK DB_OK "x = io.open(\"/etc/passwd\")\n", "'io'");
	load_fails(LISTEN_OK DB_OK "x = string.rep(\"x\", 10)\n", "'string'");
	/* strings have no methods either */
	load_fails(LISTEN_OK DB_OK "x = (\"x\"):rep(10)\n", "vetd.conf:3:");
}

Test(config, binary_chunk_refused)
{
	static const char chunk[] = "\x1bLua\x54\x00garbage";
	struct config *c = NULL;
	const char *path = write_file("vetd.conf", chunk, sizeof(chunk) - 1);

	cr_assert_eq(config_load(path, &c, err, sizeof(err)), -1);
	cr_assert_null(c);
	cr_assert_not_null(strstr(err, "binary"), "error: %s", err);
}

Test(config, empty_file)
{
	load_fails("", "listen: needs socket or tcp");
}

Test(config, nonexistent_file)
{
	struct config *c = NULL;
	char path[600];

	snprintf(path, sizeof(path), "%s/does-not-exist.conf", tmpdir);
	cr_assert_eq(config_load(path, &c, err, sizeof(err)), -1);
	cr_assert_null(c);
	cr_assert_not_null(strstr(err, "cannot open"), "error: %s", err);
}

Test(config, file_over_one_mib)
{
	size_t len = 1024 * 1024 + 10;
	char *big = malloc(len + 1);
	struct config *c = NULL;

	memset(big, ' ', len);
	big[len] = '\0';
	memcpy(big, LISTEN_OK DB_OK, strlen(LISTEN_OK DB_OK));
	cr_assert_eq(config_load(write_file("big.conf", big, len), &c, err,
	    sizeof(err)), -1);
	cr_assert_null(c);
	cr_assert_not_null(strstr(err, "1 MiB"), "error: %s", err);
	free(big);
}

Test(config, free_null)
{
	config_free(NULL);
}
