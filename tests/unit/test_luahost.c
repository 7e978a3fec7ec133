/*
 * Unit tests of luahost, each on a throwaway policy tree (scripts/,
 * policies/default/, policies/acme/, policies/acme/sites/plant-a/) written
 * from the strings below into a temporary directory: the sandbox (what a
 * script can and cannot reach: no io, os, debug, package, dofile, loadfile,
 * print, collectgarbage, rawset, coroutine, no string.dump by any road,
 * load of text only, require of allowed names from the set's directories
 * and scripts/ only, read-only libraries, modules and globals, and no way
 * to a writable copy of them), the limits (instruction budget, memory cap,
 * errors of Lua and of C functions, each naming file and line, the state
 * living on after each), data crossing in both directions (types, UTF-8,
 * integers and reals, null, and the answers that may not cross), the
 * merging of a set's directories (functions by name, settings key by key,
 * workflow whole) and the version of a set (a hash over exactly its files).
 */
#include "autoconf.h"

#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "luahost.h"
#include "util.h"

#define BUDGET	2000000LL
#define MEMORY	(8LL * 1024 * 1024)

static char root[64];
static char d_scripts[PATH_MAX], d_def[PATH_MAX], d_org[PATH_MAX];
static char d_site[PATH_MAX];
static char err[2048];
static struct policy_source src;
static struct policy *pol;

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/vetd-unit-luahost-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp");
	snprintf(d_scripts, sizeof(d_scripts), "%s/scripts", root);
	snprintf(d_def, sizeof(d_def), "%s/policies/default", root);
	snprintf(d_org, sizeof(d_org), "%s/policies/acme", root);
	snprintf(d_site, sizeof(d_site), "%s/policies/acme/sites/plant-a", root);
	pol = NULL;
}

static void teardown(void)
{
	luahost_free(pol);
	pol = NULL;
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(luahost, .init = setup, .fini = teardown, .timeout = 30);

/* Write text to root/rel, making the directories on the way. */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *fp;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "fopen %s", path);
	cr_assert_eq(fwrite(text, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

/* The source of the set of org (NULL: default alone) and site. */
static const struct policy_source *source(const char *org, const char *site)
{
	size_t n = 0;

	memset(&src, 0, sizeof(src));
	if (org != NULL) {
		cr_assert_str_eq(org, "acme");
		if (site != NULL) {
			cr_assert_str_eq(site, "plant-a");
			src.dirs[n] = d_site;
			src.labels[n++] = "acme/sites/plant-a/";
		}
		src.dirs[n] = d_org;
		src.labels[n++] = "acme/";
	}
	src.dirs[n] = d_def;
	src.labels[n] = "default/";
	src.scripts_dir = d_scripts;
	src.budget = BUDGET;
	src.memory = MEMORY;
	return &src;
}

static struct policy *load_ok(const char *org, const char *site)
{
	struct policy *p;

	err[0] = '\0';
	p = luahost_load(source(org, site), err, sizeof(err));
	cr_assert_not_null(p, "luahost_load: %s", err);
	return p;
}

/* Load the default set with policy text, which must load. */
static struct policy *load_policy(const char *text)
{
	put("policies/default/policy.lua", text);
	pol = load_ok(NULL, NULL);
	return pol;
}

/* Loading must fail with an error containing want. */
static void load_fails(const char *org, const char *site, const char *want)
{
	struct policy *p;

	err[0] = '\0';
	p = luahost_load(source(org, site), err, sizeof(err));
	cr_assert_null(p, "the set loaded, expected \"%s\"", want);
	cr_assert_not_null(strstr(err, want),
			   "error \"%s\" does not contain \"%s\"", err, want);
}

/* The line of text (1-based) holding mark. */
static int line_of(const char *text, const char *mark)
{
	const char *at = strstr(text, mark), *s;
	int line = 1;

	cr_assert_not_null(at, "no mark %s", mark);
	for (s = text; s < at; s++)
		if (*s == '\n')
			line++;
	return line;
}

/*
 * Call fn with the elements of the JSON array args_json. Returns the rc of
 * luahost_call; *out (may be NULL) gets the answer, err the error.
 */
static int call(struct policy *p, const char *fn, const char *args_json,
		json_t **out)
{
	json_error_t jerr;
	json_t *a = json_loads(args_json, JSON_DECODE_ANY, &jerr);
	json_t *args[8], *r = NULL;
	size_t i, n;
	int rc;

	cr_assert(json_is_array(a), "bad test args %s: %s", args_json, jerr.text);
	n = json_array_size(a);
	cr_assert_leq(n, 8);
	for (i = 0; i < n; i++)
		args[i] = json_array_get(a, i);
	err[0] = '\0';
	rc = luahost_call(p, fn, args, n, &r, err, sizeof(err));
	json_decref(a);
	if (rc != 0)
		cr_assert_null(r, "an answer with rc %d", rc);
	if (out != NULL)
		*out = r;
	else
		json_decref(r);
	return rc;
}

/* Call fn, which must succeed; returns the answer. */
static json_t *call_ok(struct policy *p, const char *fn, const char *args)
{
	json_t *r = NULL;

	cr_assert_eq(call(p, fn, args, &r), 0, "%s(%s): %s", fn, args, err);
	cr_assert_not_null(r);
	return r;
}

/* Call fn, which must fail with an error containing each of want[]. */
static void call_fails(struct policy *p, const char *fn, const char *args,
		       const char *want1, const char *want2)
{
	json_t *r = NULL;
	int rc = call(p, fn, args, &r);

	cr_assert_eq(rc, -1, "%s(%s) gave rc %d: %s", fn, args, rc,
		     r ? json_dumps(r, JSON_COMPACT) : "");
	cr_assert_not_null(strstr(err, want1), "%s: error \"%s\" lacks \"%s\"",
			   fn, err, want1);
	if (want2 != NULL)
		cr_assert_not_null(strstr(err, want2),
				   "%s: error \"%s\" lacks \"%s\"", fn, err,
				   want2);
}

/* The answer serialized, for comparisons. */
static void assert_json(json_t *j, const char *want)
{
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
	char *got;

	cr_assert_not_null(w, "bad expected JSON %s", want);
	got = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	cr_assert(json_equal(j, w), "got %s, expected %s", got, want);
	free(got);
	json_decref(w);
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}

/* "file:line:" for mark in text. */
static const char *at(const char *file, const char *text, const char *mark)
{
	static char buf[300];

	snprintf(buf, sizeof(buf), "%s:%d:", file, line_of(text, mark));
	return buf;
}

/* --- the sandbox ------------------------------------------------------------ */

Test(luahost, unsafe_globals_are_absent)
{
	static const char *const absent[] = {
		"io", "os", "debug", "package", "dofile", "loadfile", "print",
		"collectgarbage", "rawset", "coroutine", "_G", "require_",
		"loadstring", "setfenv", "module", NULL
	};
	static const char *const present[] = {
		"assert", "error", "ipairs", "next", "pairs", "pcall",
		"rawequal", "rawget", "rawlen", "select", "tonumber",
		"tostring", "type", "xpcall", "setmetatable", "getmetatable",
		"require", "load", NULL
	};
	const char *const *n;
	json_t *r;

	load_policy("return {\n"
		    "  types = function(names)\n"
		    "    local t = {}\n"
		    "    for _, n in ipairs(names) do t[n] = type(_ENV[n]) end\n"
		    "    return t\n"
		    "  end,\n"
		    "}\n");
	r = call_ok(pol, "types", "[[\"io\",\"os\",\"debug\",\"package\","
		    "\"dofile\",\"loadfile\",\"print\",\"collectgarbage\","
		    "\"rawset\",\"coroutine\",\"_G\",\"require_\",\"loadstring\","
		    "\"setfenv\",\"module\",\"assert\",\"error\",\"ipairs\","
		    "\"next\",\"pairs\",\"pcall\",\"rawequal\",\"rawget\","
		    "\"rawlen\",\"select\",\"tonumber\",\"tostring\",\"type\","
		    "\"xpcall\",\"setmetatable\",\"getmetatable\",\"require\","
		    "\"load\",\"string\",\"table\",\"math\",\"utf8\",\"null\"]]");
	for (n = absent; *n != NULL; n++)
		cr_assert_str_eq(str_of(r, *n), "nil", "%s is reachable", *n);
	for (n = present; *n != NULL; n++)
		cr_assert_str_eq(str_of(r, *n), "function", "%s is missing", *n);
	cr_assert_str_eq(str_of(r, "string"), "table");
	cr_assert_str_eq(str_of(r, "table"), "table");
	cr_assert_str_eq(str_of(r, "math"), "table");
	cr_assert_str_eq(str_of(r, "utf8"), "table");
	cr_assert_str_eq(str_of(r, "null"), "userdata");
	json_decref(r);
}

Test(luahost, unsafe_globals_absent_at_module_top_level)
{
	json_t *r;

	put("scripts/probe.lua",
	    "return { io = type(io), os = type(os), debug = type(debug),\n"
	    "  package = type(package), rawset = type(rawset),\n"
	    "  dump = type(string.dump) }\n");
	load_policy("local probe = require(\"probe\")\n"
		    "return { probe = function()\n"
		    "  return { io = probe.io, os = probe.os, debug = probe.debug,\n"
		    "    package = probe.package, rawset = probe.rawset,\n"
		    "    dump = probe.dump }\n"
		    "end }\n");
	r = call_ok(pol, "probe", "[]");
	assert_json(r, "{\"io\":\"nil\",\"os\":\"nil\",\"debug\":\"nil\","
		    "\"package\":\"nil\",\"rawset\":\"nil\",\"dump\":\"nil\"}");
	json_decref(r);
}

Test(luahost, string_dump_unreachable)
{
	json_t *r;

	load_policy("return { dump = function()\n"
		    "  local mt = getmetatable(\"\")\n"
		    "  local ok, d = pcall(function()\n"
		    "    return getmetatable(\"\").__index.dump end)\n"
		    "  local ok2, d2 = pcall(function()\n"
		    "    return getmetatable(\"\").__index end)\n"
		    "  return { lib = type(string.dump), method = type((\"\").dump),\n"
		    "    via_mt = type(d), mt = mt, index = type(d2),\n"
		    "    same = rawequal(mt, getmetatable(\"x\")) }\n"
		    "end }\n");
	r = call_ok(pol, "dump", "[]");
	cr_assert_str_eq(str_of(r, "lib"), "nil");
	cr_assert_str_eq(str_of(r, "method"), "nil");
	cr_assert_str_neq(str_of(r, "via_mt"), "function");
	cr_assert_str_eq(str_of(r, "mt"), "read-only",
			 "getmetatable(\"\") gave the real metatable");
	cr_assert_str_neq(str_of(r, "index"), "table",
			  "the string metatable's __index is reachable");
	json_decref(r);
}

Test(luahost, string_metatable_cannot_be_replaced)
{
	load_policy("return { f = function()\n"
		    "  setmetatable(\"\", {}) -- @set\n"
		    "  return true\n"
		    "end }\n");
	cr_assert_eq(call(pol, "f", "[]", NULL), -1,
		     "setmetatable on a string worked");
}

Test(luahost, load_reads_text_only)
{
	static const char text[] =
	    "return {\n"
	    "  text = function()\n"
	    "    local f, e = load(\"return 1 + 1\")\n"
	    "    assert(f, e)\n"
	    "    local g = load(\"return type(os), type(string), type(io), \"\n"
	    "      .. \"type(string.upper), null\")\n"
	    "    local a, b, c, d, e2 = g()\n"
	    "    return { v = f(), os = a, string = b, io = c, upper = d,\n"
	    "             null_same = e2 == null }\n"
	    "  end,\n"
	    "  binary = function()\n"
	    "    local f, e = load(\"\\27LuaT\\0\\25\\147\\r\\n\\26\\n\\4\\8\\8x\")\n"
	    "    return { f = type(f), e = e }\n"
	    "  end,\n"
	    "  mode = function(m)\n"
	    "    local f = load(\"return 1\", \"chunk\", m) -- @mode\n"
	    "    return type(f)\n"
	    "  end,\n"
	    "  chunk_global = function()\n"
	    "    local f = assert(load(\"x = 1 return x\"))\n"
	    "    return f()\n"
	    "  end,\n"
	    "}\n";
	json_t *r;

	load_policy(text);
	r = call_ok(pol, "text", "[]");
	assert_json(r, "{\"v\":2,\"os\":\"nil\",\"string\":\"table\","
		    "\"io\":\"nil\",\"upper\":\"function\",\"null_same\":true}");
	json_decref(r);

	r = call_ok(pol, "binary", "[]");
	cr_assert_str_eq(str_of(r, "f"), "nil", "a binary chunk was loaded");
	cr_assert_not_null(strstr(str_of(r, "e"), "binary"), "message: %s",
			   str_of(r, "e"));
	json_decref(r);

	r = call_ok(pol, "mode", "[\"t\"]");
	assert_json(r, "\"function\"");
	json_decref(r);
	call_fails(pol, "mode", "[\"b\"]", "text", at("default/policy.lua",
		   text, "@mode"));
	call_fails(pol, "mode", "[\"bt\"]", "text", NULL);
	call_fails(pol, "chunk_global", "[]", "read-only", NULL);
}

Test(luahost, require_refuses_bad_names)
{
	static const char *const bad[] = {
		"\"../x\"", "\"a..b\"", "\"/etc/passwd\"", "\"A\"", "\".x\"",
		"\"x.\"", "\"a/b\"", "\"\"", "\"a b\"", "\"a-b\"",
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
		NULL
	};
	const char *const *b;
	char args[200];

	put("scripts/A.lua", "return {}\n");
	put("scripts/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.lua",
	    "return {}\n");
	load_policy("return { req = function(n) return type(require(n)) end }\n");
	for (b = bad; *b != NULL; b++) {
		snprintf(args, sizeof(args), "[%s]", *b);
		call_fails(pol, "req", args, "not allowed", "default/policy.lua:1:");
	}
}

Test(luahost, require_refuses_modules_outside_the_set)
{
	put("policies/other/secret.lua", "return { s = 1 }\n");
	put("policies/acme/only_acme.lua", "return { s = 2 }\n");
	put("elsewhere.lua", "return { s = 3 }\n");
	load_policy("return { req = function(n) return require(n) end }\n");
	call_fails(pol, "req", "[\"secret\"]", "not found", NULL);
	call_fails(pol, "req", "[\"other.secret\"]", "not found", NULL);
	call_fails(pol, "req", "[\"only_acme\"]", "not found", NULL);
	call_fails(pol, "req", "[\"elsewhere\"]", "not found", NULL);
	call_fails(pol, "req", "[\"nosuch\"]", "not found", NULL);
}

Test(luahost, require_loads_scripts_and_dotted_names)
{
	json_t *r;

	put("scripts/x.lua", "return { v = \"x\" }\n");
	put("scripts/a/b.lua", "return { v = \"a.b\" }\n");
	put("scripts/a/c/d.lua", "return { v = \"a.c.d\" }\n");
	put("scripts/plain.lua", "local n = ... return { name = n }\n");
	load_policy("return { req = function()\n"
		    "  local x = require(\"x\")\n"
		    "  return { x = x.v, ab = require(\"a.b\").v,\n"
		    "    acd = require(\"a.c.d\").v,\n"
		    "    same = rawequal(x, require(\"x\")),\n"
		    "    arg = require(\"plain\").name }\n"
		    "end }\n");
	r = call_ok(pol, "req", "[]");
	assert_json(r, "{\"x\":\"x\",\"ab\":\"a.b\",\"acd\":\"a.c.d\","
		    "\"same\":true,\"arg\":\"plain\"}");
	json_decref(r);
	/* the cache lives on: the same module on the next call */
	r = call_ok(pol, "req", "[]");
	cr_assert(json_is_true(json_object_get(r, "same")));
	json_decref(r);
}

Test(luahost, require_loads_from_the_set_dirs)
{
	json_t *r;

	put("policies/default/helper.lua", "return { v = \"default\" }\n");
	put("policies/acme/orghelper.lua", "return { v = \"acme\" }\n");
	put("policies/acme/policy.lua",
	    "return { req = function(n) return require(n).v end }\n");
	pol = load_ok("acme", NULL);
	r = call_ok(pol, "req", "[\"helper\"]");
	assert_json(r, "\"default\"");
	json_decref(r);
	r = call_ok(pol, "req", "[\"orghelper\"]");
	assert_json(r, "\"acme\"");
	json_decref(r);
}

/* "a.b" -> a/b.lua also in the set's directories, as in scripts/. */
Test(luahost, require_dotted_name_from_the_org_dir)
{
	json_t *r;

	put("policies/acme/lib/rules.lua", "return { v = \"acme lib\" }\n");
	put("policies/acme/policy.lua",
	    "return { req = function() return require(\"lib.rules\").v end }\n");
	pol = load_ok("acme", NULL);
	r = NULL;
	cr_assert_eq(call(pol, "req", "[]", &r), 0,
		     "require(\"lib.rules\") of acme/lib/rules.lua: %s", err);
	assert_json(r, "\"acme lib\"");
	json_decref(r);
}

Test(luahost, libraries_and_modules_are_read_only)
{
	static const char text[] =
	    "local m = require(\"mod\")\n"
	    "return {\n"
	    "  poke = function(which)\n"
	    "    if which == \"string\" then string.upper = nil -- @string\n"
	    "    elseif which == \"string_new\" then string.evil = 1\n"
	    "    elseif which == \"math\" then math.pi = 3 -- @math\n"
	    "    elseif which == \"table\" then table.insert = nil\n"
	    "    elseif which == \"utf8\" then utf8.x = 1\n"
	    "    elseif which == \"module\" then m.x = 1 -- @module\n"
	    "    elseif which == \"module_old\" then m.v = 2\n"
	    "    elseif which == \"nested\" then m.inner.y = 2 -- @nested\n"
	    "    elseif which == \"deeper\" then m.inner.list[1] = 9\n"
	    "    elseif which == \"insert\" then table.insert(m.inner.list, 4)\n"
	    "    elseif which == \"required_again\" then require(\"mod\").z = 1\n"
	    "    end\n"
	    "    return true\n"
	    "  end,\n"
	    "  look = function()\n"
	    "    return { upper = type(string.upper), pi = math.pi > 3.14,\n"
	    "      x = m.x, v = m.v, y = m.inner.y, first = m.inner.list[1],\n"
	    "      n = #m.inner.list, evil = string.evil }\n"
	    "  end,\n"
	    "}\n";
	static const char *const which[] = {
		"string", "string_new", "math", "table", "utf8", "module",
		"module_old", "nested", "deeper", "insert", "required_again",
		NULL
	};
	const char *const *w;
	char args[64];
	json_t *r;

	put("scripts/mod.lua", "return { v = 1, inner = { list = { 1, 2, 3 } } }\n");
	load_policy(text);
	for (w = which; *w != NULL; w++) {
		snprintf(args, sizeof(args), "[\"%s\"]", *w);
		call_fails(pol, "poke", args, "read-only", "default/policy.lua:");
	}
	call_fails(pol, "poke", "[\"string\"]", "read-only",
		   at("default/policy.lua", text, "@string"));
	call_fails(pol, "poke", "[\"math\"]", "read-only",
		   at("default/policy.lua", text, "@math"));
	call_fails(pol, "poke", "[\"module\"]", "read-only",
		   at("default/policy.lua", text, "@module"));
	call_fails(pol, "poke", "[\"nested\"]", "read-only",
		   at("default/policy.lua", text, "@nested"));
	/* nothing changed */
	r = call_ok(pol, "look", "[]");
	assert_json(r, "{\"upper\":\"function\",\"pi\":true,\"v\":1,"
		    "\"first\":1,\"n\":3}");
	json_decref(r);
}

/*
 * pairs() on a read-only table must not hand out a writable table: what a
 * script could write through it would outlive the call (and reach the next
 * case's evaluation).
 */
Test(luahost, pairs_gives_no_writable_table)
{
	static const char text[] =
	    "local m = require(\"mod\")\n"
	    "return {\n"
	    "  via_pairs = function(which)\n"
	    "    local t\n"
	    "    if which == \"module\" then t = select(2, pairs(m))\n"
	    "    elseif which == \"nested\" then t = select(2, pairs(m.inner))\n"
	    "    elseif which == \"string\" then t = select(2, pairs(string))\n"
	    "    elseif which == \"env\" then t = select(2, pairs(_ENV))\n"
	    "    end\n"
	    "    t.injected = \"yes\" -- @write\n"
	    "    if which == \"string\" then t.upper = t.lower end\n"
	    "    return true\n"
	    "  end,\n"
	    "  look = function()\n"
	    "    return { m = m.injected, inner = m.inner.injected,\n"
	    "      string = string.injected, env = injected,\n"
	    "      upper = (\"a\"):upper() }\n"
	    "  end,\n"
	    "}\n";
	static const char *const which[] = {
		"module", "nested", "string", "env", NULL
	};
	const char *const *w;
	char args[64];
	json_t *r, *look;
	int rc;

	put("scripts/mod.lua", "return { v = 1, inner = { 1, 2 } }\n");
	load_policy(text);
	for (w = which; *w != NULL; w++) {
		snprintf(args, sizeof(args), "[\"%s\"]", *w);
		r = NULL;
		rc = call(pol, "via_pairs", args, &r);
		json_decref(r);
		look = call_ok(pol, "look", "[]");
		cr_expect_eq(rc, -1, "pairs(%s) gave a writable table", *w);
		cr_expect(json_object_size(look) == 1 &&
			  strcmp(str_of(look, "upper"), "A") == 0,
			  "after pairs(%s), a write outlived the call: %s", *w,
			  json_dumps(look, JSON_COMPACT | JSON_SORT_KEYS));
		json_decref(look);
	}
}

Test(luahost, globals_cannot_be_assigned)
{
	static const char text[] =
	    "return {\n"
	    "  set = function()\n"
	    "    x = 1 -- @set\n"
	    "    return x\n"
	    "  end,\n"
	    "  bad = function() return require(\"bad\") end,\n"
	    "  env = function() _ENV.y = 1 return true end,\n"
	    "  shadow = function() string = {} return true end,\n"
	    "}\n";
	static const char bad[] = "local ok = 1\nz = 2 -- @top\nreturn {}\n";

	put("scripts/bad.lua", bad);
	load_policy(text);
	call_fails(pol, "set", "[]", "read-only",
		   at("default/policy.lua", text, "@set"));
	call_fails(pol, "bad", "[]", "read-only",
		   at("scripts/bad.lua", bad, "@top"));
	call_fails(pol, "env", "[]", "read-only", NULL);
	call_fails(pol, "shadow", "[]", "read-only", NULL);
	/* a failed require is not cached as a success */
	call_fails(pol, "bad", "[]", "read-only", NULL);
	luahost_free(pol);
	pol = NULL;

	/* at the top level of policy.lua itself, loading fails */
	put("policies/default/policy.lua", "helper = 1 -- @top\nreturn {}\n");
	load_fails(NULL, NULL, "read-only");
	cr_assert_not_null(strstr(err, "default/policy.lua:1:"), "%s", err);
}

Test(luahost, pairs_ipairs_and_length_on_required_tables)
{
	json_t *r;

	put("scripts/data.lua",
	    "return { list = { 10, 20, 30, 40 }, map = { a = 1, b = 2, c = 3 },\n"
	    "  nested = { { id = \"x\" }, { id = \"y\" } } }\n");
	load_policy("local d = require(\"data\")\n"
		    "return { walk = function()\n"
		    "  local sum, n, keys, ids = 0, 0, {}, {}\n"
		    "  for i, v in ipairs(d.list) do sum = sum + v; n = i end\n"
		    "  for k, v in pairs(d.map) do keys[#keys + 1] = k .. v end\n"
		    "  table.sort(keys)\n"
		    "  for _, e in ipairs(d.nested) do ids[#ids + 1] = e.id end\n"
		    "  local top = 0\n"
		    "  for _ in pairs(d) do top = top + 1 end\n"
		    "  return { sum = sum, n = n, len = #d.list, keys = keys,\n"
		    "    ids = ids, top = top, concat = table.concat(d.list, \",\"),\n"
		    "    unpacked = select(\"#\", table.unpack(d.list)) }\n"
		    "end }\n");
	r = call_ok(pol, "walk", "[]");
	assert_json(r, "{\"sum\":100,\"n\":4,\"len\":4,\"keys\":[\"a1\",\"b2\","
		    "\"c3\"],\"ids\":[\"x\",\"y\"],\"top\":3,"
		    "\"concat\":\"10,20,30,40\",\"unpacked\":4}");
	json_decref(r);
}

Test(luahost, null_sentinel_crosses_both_ways)
{
	json_t *r;

	load_policy("return {\n"
		    "  see = function(v)\n"
		    "    return { a_null = v.a == null, a_nil = v.a == nil,\n"
		    "      list_n = #v.list, second = v.list[2] == null,\n"
		    "      top = type(null) }\n"
		    "  end,\n"
		    "  give = function() return { x = null, list = { 1, null, 3 } } end,\n"
		    "  give_nil = function() return nil end,\n"
		    "  give_null = function() return null end,\n"
		    "  echo = function(v) return v end,\n"
		    "}\n");
	r = call_ok(pol, "see", "[{\"a\":null,\"list\":[1,null,3]}]");
	assert_json(r, "{\"a_null\":true,\"a_nil\":false,\"list_n\":3,"
		    "\"second\":true,\"top\":\"userdata\"}");
	json_decref(r);
	r = call_ok(pol, "give", "[]");
	assert_json(r, "{\"x\":null,\"list\":[1,null,3]}");
	cr_assert(json_is_null(json_object_get(r, "x")));
	json_decref(r);
	r = call_ok(pol, "give_nil", "[]");
	cr_assert(json_is_null(r));
	json_decref(r);
	r = call_ok(pol, "give_null", "[]");
	cr_assert(json_is_null(r));
	json_decref(r);
	r = call_ok(pol, "echo", "[null]");
	cr_assert(json_is_null(r));
	json_decref(r);
}

Test(luahost, missing_function_is_rc_1)
{
	json_t *r = NULL;

	load_policy("return { f = function() return 1 end, g = 5 }\n");
	cr_assert_eq(call(pol, "nope", "[]", &r), 1, "%s", err);
	cr_assert_null(r);
	cr_assert_not_null(strstr(err, "nope"), "%s", err);
	cr_assert_eq(call(pol, "g", "[]", &r), 1, "a number is not a function");
	r = call_ok(pol, "f", "[]");
	assert_json(r, "1");
	json_decref(r);
}

Test(luahost, policy_must_return_a_table)
{
	put("policies/default/policy.lua", "return 5\n");
	load_fails(NULL, NULL, "policy.lua");
	cr_assert_not_null(strstr(err, "table"), "%s", err);
}

/* --- limits ------------------------------------------------------------------ */

static const char limits_text[] =
    "return {\n"
    "  spin = function()\n"
    "    while true do end -- @spin\n"
    "  end,\n"
    "  spin_deep = function()\n"
    "    local function inner() local i = 0 while true do i = i + 1 end end\n"
    "    return inner() -- @deep\n"
    "  end,\n"
    "  spin_inner = function()\n"
    "    local function inner()\n"
    "      local i = 0\n"
    "      while true do i = i + 1 end -- @inner\n"
    "    end\n"
    "    inner() -- @caller\n"
    "    return 1\n"
    "  end,\n"
    "  hog = function()\n"
    "    local t = {}\n"
    "    for i = 1, 1e9 do t[i] = { i, i } end -- @hog\n"
    "  end,\n"
    "  hog_fast = function()\n"
    "    local s = \"xxxxxxxxxxxxxxxx\"\n"
    "    while true do s = s .. s end -- @fast\n"
    "  end,\n"
    "  fail = function() error(\"x\") end, -- @fail\n"
    "  fail_table = function() error({ code = 1 }) end,\n"
    "  rep = function() return string.rep(\"xx\", math.maxinteger) end, -- @rep\n"
    "  callnil = function()\n"
    "    local f\n"
    "    return f() -- @callnil\n"
    "  end,\n"
    "  concat = function(v) return \"a\" .. v.missing end, -- @concat\n"
    "  mod = function() return require(\"boom\") end,\n"
    "  ok = function(v) return { got = v, n = 42 } end,\n"
    "}\n";

static const char boom_text[] = "local x = 1\nerror(\"boom\") -- @boom\n";

/* After a failure the same object answers the next call. */
static void assert_lives(struct policy *p)
{
	json_t *r = call_ok(p, "ok", "[\"again\"]");

	assert_json(r, "{\"got\":\"again\",\"n\":42}");
	json_decref(r);
}

Test(luahost, instruction_budget)
{
	load_policy(limits_text);
	call_fails(pol, "spin", "[]", "instruction budget exceeded",
		   at("default/policy.lua", limits_text, "@spin"));
	assert_lives(pol);
	call_fails(pol, "spin_deep", "[]", "instruction budget exceeded",
		   "default/policy.lua:");
	assert_lives(pol);
	/* the budget is per call: many calls of a cheap function pass */
	for (int i = 0; i < 50; i++)
		assert_lives(pol);
	call_fails(pol, "spin", "[]", "instruction budget exceeded", NULL);
	assert_lives(pol);
}

/* The line named is the one running when the budget ran out, not the line
 * of its caller. */
Test(luahost, instruction_budget_names_the_running_line)
{
	load_policy(limits_text);
	call_fails(pol, "spin_inner", "[]", "instruction budget exceeded",
		   at("default/policy.lua", limits_text, "@inner"));
	assert_lives(pol);
}

/*
 * A script cannot outrun the budget by catching its error with pcall.
 * (A short timeout: a sandbox that lets it through never returns.)
 */
Test(luahost, instruction_budget_not_escaped_by_pcall, .timeout = 2)
{
	load_policy("return { spin = function()\n"
		    "  while true do pcall(function() while true do end end) end\n"
		    "end, ok = function(v) return { got = v, n = 42 } end }\n");
	call_fails(pol, "spin", "[]", "instruction budget exceeded", NULL);
	assert_lives(pol);
}

Test(luahost, memory_cap)
{
	load_policy(limits_text);
	call_fails(pol, "hog", "[]", "memory cap exceeded",
		   at("default/policy.lua", limits_text, "@hog"));
	assert_lives(pol);
	call_fails(pol, "hog", "[]", "memory cap exceeded", NULL);
	assert_lives(pol);
}

/* A bomb that needs few instructions is named by file and line too. */
Test(luahost, memory_cap_fast_bomb_names_the_line)
{
	load_policy(limits_text);
	call_fails(pol, "hog_fast", "[]", "memory cap exceeded",
		   at("default/policy.lua", limits_text, "@fast"));
	assert_lives(pol);
}

Test(luahost, memory_cap_at_load)
{
	put("policies/default/policy.lua",
	    "local t = {}\nfor i = 1, 1e9 do t[i] = { i } end\nreturn {}\n");
	load_fails(NULL, NULL, "memory cap exceeded");
	put("policies/default/policy.lua", "while true do end\nreturn {}\n");
	load_fails(NULL, NULL, "instruction budget exceeded");
	cr_assert_not_null(strstr(err, "default/policy.lua:1:"), "%s", err);
}

Test(luahost, errors_name_file_and_line)
{
	char want[300];

	put("scripts/boom.lua", boom_text);
	load_policy(limits_text);
	snprintf(want, sizeof(want), "%s x", at("default/policy.lua",
		 limits_text, "@fail"));
	call_fails(pol, "fail", "[]", want, NULL);
	assert_lives(pol);
	call_fails(pol, "fail_table", "[]", "default/policy.lua:", NULL);
	assert_lives(pol);
	call_fails(pol, "rep", "[]", at("default/policy.lua", limits_text,
		   "@rep"), "too large");
	assert_lives(pol);
	call_fails(pol, "callnil", "[]", at("default/policy.lua", limits_text,
		   "@callnil"), "call");
	assert_lives(pol);
	call_fails(pol, "concat", "[{}]", at("default/policy.lua", limits_text,
		   "@concat"), "concatenate");
	assert_lives(pol);
	snprintf(want, sizeof(want), "%s boom", at("scripts/boom.lua",
		 boom_text, "@boom"));
	call_fails(pol, "mod", "[]", want, NULL);
	assert_lives(pol);
}

Test(luahost, syntax_error_at_load_names_file_and_line)
{
	put("policies/default/policy.lua", "return {\n  f = function()\n"
	    "    return 1 +\n  end,\n}\n");
	load_fails(NULL, NULL, "default/policy.lua:4:");
	put("policies/default/policy.lua", "return { f = 1 }\n");
	put("policies/acme/policy.lua", "local x = = 2\nreturn {}\n");
	load_fails("acme", NULL, "acme/policy.lua:1:");
	put("policies/acme/policy.lua", "return {}\n");
	put("policies/acme/settings.lua", "return { a = }\n");
	load_fails("acme", NULL, "acme/settings.lua:1:");
	put("policies/acme/settings.lua", "return 1\n");
	load_fails("acme", NULL, "settings.lua");
}

/* --- data crossing -------------------------------------------------------- */

Test(luahost, json_arrives_as_lua_values)
{
	json_t *r;

	load_policy("return { see = function(v, second)\n"
		    "  return { s = v.s, s_bytes = #v.s, s_chars = utf8.len(v.s),\n"
		    "    i = math.type(v.i), i_plus = v.i + 1,\n"
		    "    r = math.type(v.r), r1 = math.type(v.r1),\n"
		    "    neg = v.neg, big = v.big, big_type = math.type(v.big),\n"
		    "    t = v.t == true, f = v.f == false, ftype = type(v.f),\n"
		    "    n = v.n == null, absent = v.absent == nil,\n"
		    "    a_len = #v.a, a2 = v.a[2], a_type = type(v.a),\n"
		    "    o = v.o.k, o_deep = v.o.deep.deeper[1],\n"
		    "    empty_o = next(v.eo) == nil, empty_a = #v.ea,\n"
		    "    second = second }\n"
		    "end }\n");
	r = call_ok(pol, "see", "[{\"s\":\"h\\u00e9llo \\u2713 \\ud83d\\ude00\","
		    "\"i\":42,\"r\":1.5,\"r1\":1.0,\"neg\":-7,"
		    "\"big\":9007199254740993,\"t\":true,\"f\":false,\"n\":null,"
		    "\"a\":[1,\"two\",3],\"o\":{\"k\":\"v\",\"deep\":{\"deeper\":"
		    "[\"d\"]}},\"eo\":{},\"ea\":[]}, \"2nd\"]");
	assert_json(r, "{\"s\":\"h\\u00e9llo \\u2713 \\ud83d\\ude00\","
		    "\"s_bytes\":15,\"s_chars\":9,\"i\":\"integer\",\"i_plus\":43,"
		    "\"r\":\"float\",\"r1\":\"float\",\"neg\":-7,"
		    "\"big\":9007199254740993,\"big_type\":\"integer\","
		    "\"t\":true,\"f\":true,\"ftype\":\"boolean\",\"n\":true,"
		    "\"absent\":true,\"a_len\":3,\"a2\":\"two\","
		    "\"a_type\":\"table\",\"o\":\"v\",\"o_deep\":\"d\","
		    "\"empty_o\":true,\"empty_a\":0,\"second\":\"2nd\"}");
	json_decref(r);
}

Test(luahost, answers_keep_their_shape)
{
	json_t *r, *v;

	load_policy("return { give = function()\n"
		    "  return { list = { 1, \"b\", true }, obj = { a = 1 },\n"
		    "    empty = {}, int = 3, real = 1.5, whole_real = 2.0,\n"
		    "    big = math.maxinteger, neg = -1, str = \"\\u{e9}\\u{1F600}\",\n"
		    "    no = false, nested = { { x = { {} } } },\n"
		    "    sparse_obj = { a = 1, b = { c = { d = \"e\" } } } }\n"
		    "end, scalar = function(x) return x end }\n");
	r = call_ok(pol, "give", "[]");
	assert_json(r, "{\"list\":[1,\"b\",true],\"obj\":{\"a\":1},\"empty\":[],"
		    "\"int\":3,\"real\":1.5,\"whole_real\":2.0,"
		    "\"big\":9223372036854775807,\"neg\":-1,"
		    "\"str\":\"\\u00e9\\ud83d\\ude00\",\"no\":false,"
		    "\"nested\":[{\"x\":[[]]}],"
		    "\"sparse_obj\":{\"a\":1,\"b\":{\"c\":{\"d\":\"e\"}}}}");
	cr_assert(json_is_array(json_object_get(r, "empty")));
	cr_assert(json_is_integer(json_object_get(r, "int")));
	cr_assert(json_is_real(json_object_get(r, "real")));
	v = json_object_get(r, "whole_real");
	cr_assert(json_is_real(v), "2.0 crossed as an integer");
	cr_assert_float_eq(json_real_value(v), 2.0, 1e-12);
	json_decref(r);
	r = call_ok(pol, "scalar", "[\"s\"]");
	assert_json(r, "\"s\"");
	json_decref(r);
	r = call_ok(pol, "scalar", "[7]");
	cr_assert(json_is_integer(r));
	json_decref(r);
}

static const char bad_answers_text[] =
    "local function nest(n)\n"
    "  local t = { leaf = 1 }\n"
    "  for i = 1, n do t = { t } end\n"
    "  return t\n"
    "end\n"
    "return {\n"
    "  give = function(which) -- @give\n"
    "    if which == \"deep\" then return nest(40)\n"
    "    elseif which == \"deep_ok\" then return nest(20)\n"
    "    elseif which == \"cycle\" then local t = {} t.self = t return t\n"
    "    elseif which == \"cycle_list\" then local t = {} t[1] = t return { t }\n"
    "    elseif which == \"function\" then return print or function() end\n"
    "    elseif which == \"function_in\" then return { f = function() end }\n"
    "    elseif which == \"function_list\" then return { 1, tostring }\n"
    "    elseif which == \"utf8\" then return { s = \"caf\\xe9\" }\n"
    "    elseif which == \"utf8_top\" then return \"\\xff\\xfe\"\n"
    "    elseif which == \"utf8_key\" then return { [\"k\\xff\"] = 1 }\n"
    "    elseif which == \"nan\" then return { n = 0/0 }\n"
    "    elseif which == \"inf\" then return { n = math.huge }\n"
    "    elseif which == \"ninf\" then return { -math.huge }\n"
    "    elseif which == \"mixed\" then return { 1, 2, x = 3 }\n"
    "    elseif which == \"numkey\" then return { [2] = \"a\", [5] = \"b\" }\n"
    "    elseif which == \"floatkey\" then return { [1.5] = \"a\" }\n"
    "    elseif which == \"boolkey\" then return { [true] = \"a\" }\n"
    "    elseif which == \"tablekey\" then return { [{}] = \"a\" }\n"
    "    end\n"
    "    return true\n"
    "  end,\n"
    "  ok = function(v) return { got = v, n = 42 } end,\n"
    "}\n";

Test(luahost, answers_that_may_not_cross)
{
	static const struct {
		const char *which, *why;
	} bad[] = {
		{ "deep", "nested too deep" },
		{ "cycle", "cycle" },
		{ "cycle_list", "cycle" },
		{ "function", "function" },
		{ "function_in", "function" },
		{ "function_list", "function" },
		{ "utf8", "UTF-8" },
		{ "utf8_top", "UTF-8" },
		{ "nan", "finite" },
		{ "inf", "finite" },
		{ "ninf", "finite" },
		{ "mixed", "mixing" },
		{ "numkey", "" },
		{ "floatkey", "" },
		{ "boolkey", "" },
		{ "tablekey", "" },
	};
	char args[64];
	size_t i;
	json_t *r;

	load_policy(bad_answers_text);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "[\"%s\"]", bad[i].which);
		call_fails(pol, "give", args, "malformed answer", bad[i].why);
		cr_assert_not_null(strstr(err, at("default/policy.lua",
				   bad_answers_text, "@give")),
				   "%s: %s does not name the function",
				   bad[i].which, err);
		assert_lives(pol);
	}
	r = call_ok(pol, "give", "[\"deep_ok\"]");
	json_decref(r);
}

/* A key that is not UTF-8 is refused like a value, not dropped. */
Test(luahost, non_utf8_key_is_refused)
{
	json_t *r = NULL;
	int rc;

	load_policy(bad_answers_text);
	rc = call(pol, "give", "[\"utf8_key\"]", &r);
	cr_assert_eq(rc, -1, "answer accepted as %s",
		     r ? json_dumps(r, JSON_COMPACT) : "(null)");
	cr_assert_not_null(strstr(err, "malformed answer"), "%s", err);
}

Test(luahost, input_nested_too_deep_is_an_error)
{
	char args[400];
	size_t i, n = 0;

	load_policy(limits_text);
	n += (size_t)snprintf(args + n, sizeof(args) - n, "[");
	for (i = 0; i < 60; i++)
		n += (size_t)snprintf(args + n, sizeof(args) - n, "[");
	for (i = 0; i < 60; i++)
		n += (size_t)snprintf(args + n, sizeof(args) - n, "]");
	snprintf(args + n, sizeof(args) - n, "]");
	call_fails(pol, "ok", args, "too deep", NULL);
	assert_lives(pol);
}

/* --- merging a set's directories ------------------------------------------ */

static void write_layers(void)
{
	put("policies/default/policy.lua",
	    "return {\n"
	    "  requirements = function() return \"default\" end,\n"
	    "  interview_triggers = function() return \"default\" end,\n"
	    "  adjudicate = function() return \"default\" end,\n"
	    "  on_event = function() return \"default\" end,\n"
	    "}\n");
	put("policies/default/settings.lua",
	    "return { a = \"default\", b = \"default\", c = \"default\",\n"
	    "  levels = { \"L1\", \"L2\" }, nested = { x = 1, y = 1 } }\n");
	put("policies/default/workflow.lua",
	    "return { initial = \"draft\", states = { \"draft\", \"done\" },\n"
	    "  only_default = true }\n");
	put("policies/acme/policy.lua",
	    "return { adjudicate = function() return \"acme\" end }\n");
	put("policies/acme/settings.lua",
	    "return { b = \"acme\", c = \"acme\", nested = { x = 2 } }\n");
	put("policies/acme/workflow.lua",
	    "return { initial = \"open\", states = { \"open\" } }\n");
	put("policies/acme/sites/plant-a/policy.lua",
	    "return { on_event = function() return \"plant-a\" end }\n");
	put("policies/acme/sites/plant-a/settings.lua",
	    "return { c = \"plant-a\", levels = { \"L3\" } }\n");
}

static void assert_answer(struct policy *p, const char *fn, const char *want)
{
	json_t *r = call_ok(p, fn, "[]");

	cr_assert(json_is_string(r), "%s: not a string", fn);
	cr_assert_str_eq(json_string_value(r), want, "%s", fn);
	json_decref(r);
}

Test(luahost, policy_functions_merge_by_name)
{
	struct policy *def, *org, *site;

	write_layers();
	def = load_ok(NULL, NULL);
	org = load_ok("acme", NULL);
	site = load_ok("acme", "plant-a");
	assert_answer(def, "adjudicate", "default");
	assert_answer(def, "on_event", "default");
	assert_answer(org, "adjudicate", "acme");
	assert_answer(org, "requirements", "default");
	assert_answer(org, "interview_triggers", "default");
	assert_answer(org, "on_event", "default");
	assert_answer(site, "adjudicate", "acme");
	assert_answer(site, "requirements", "default");
	assert_answer(site, "on_event", "plant-a");
	luahost_free(def);
	luahost_free(org);
	luahost_free(site);
}

Test(luahost, settings_merge_key_by_key_and_workflow_whole)
{
	struct policy *def, *org, *site;
	json_t *j;

	write_layers();
	def = load_ok(NULL, NULL);
	org = load_ok("acme", NULL);
	site = load_ok("acme", "plant-a");

	j = luahost_table(def, "settings");
	assert_json(j, "{\"a\":\"default\",\"b\":\"default\",\"c\":\"default\","
		    "\"levels\":[\"L1\",\"L2\"],\"nested\":{\"x\":1,\"y\":1}}");
	json_decref(j);
	j = luahost_table(org, "settings");
	assert_json(j, "{\"a\":\"default\",\"b\":\"acme\",\"c\":\"acme\","
		    "\"levels\":[\"L1\",\"L2\"],\"nested\":{\"x\":2}}");
	json_decref(j);
	j = luahost_table(site, "settings");
	assert_json(j, "{\"a\":\"default\",\"b\":\"acme\",\"c\":\"plant-a\","
		    "\"levels\":[\"L3\"],\"nested\":{\"x\":2}}");
	json_decref(j);

	j = luahost_table(def, "workflow");
	assert_json(j, "{\"initial\":\"draft\",\"states\":[\"draft\",\"done\"],"
		    "\"only_default\":true}");
	json_decref(j);
	j = luahost_table(org, "workflow");
	assert_json(j, "{\"initial\":\"open\",\"states\":[\"open\"]}");
	json_decref(j);
	j = luahost_table(site, "workflow");
	assert_json(j, "{\"initial\":\"open\",\"states\":[\"open\"]}");
	json_decref(j);
	cr_assert_null(luahost_table(site, "policy"));
	cr_assert_null(luahost_table(site, "nonsense"));

	/* a site workflow wins whole */
	put("policies/acme/sites/plant-a/workflow.lua",
	    "return { initial = \"site\" }\n");
	luahost_free(site);
	site = load_ok("acme", "plant-a");
	j = luahost_table(site, "workflow");
	assert_json(j, "{\"initial\":\"site\"}");
	json_decref(j);
	/* the tables are the same on a second look */
	j = luahost_table(site, "settings");
	assert_json(j, "{\"a\":\"default\",\"b\":\"acme\",\"c\":\"plant-a\","
		    "\"levels\":[\"L3\"],\"nested\":{\"x\":2}}");
	json_decref(j);
	luahost_free(def);
	luahost_free(org);
	luahost_free(site);
}

Test(luahost, no_settings_or_workflow)
{
	json_t *j;

	load_policy("return { f = function() return 1 end }\n");
	j = luahost_table(pol, "workflow");
	cr_assert(j == NULL || json_is_null(j), "a workflow from nowhere");
	json_decref(j);
	j = luahost_table(pol, "settings");
	cr_assert(j == NULL || json_equal(j, json_array()) ||
		  json_object_size(j) == 0, "settings from nowhere");
	json_decref(j);
}

/* --- versions --------------------------------------------------------------- */

static void write_versioned(void)
{
	put("scripts/x.lua", "return { v = 1 }\n");
	put("scripts/a/b.lua", "return { v = 2 }\n");
	put("policies/default/policy.lua",
	    "return { f = function() return require(\"x\").v end }\n");
	put("policies/default/settings.lua", "return { s = 1 }\n");
	put("policies/acme/policy.lua",
	    "return { g = function() return \"acme\" end }\n");
	put("policies/acme/sites/plant-a/policy.lua",
	    "return { h = function() return \"site\" end }\n");
}

/* The version the files of (org, site) have now. */
static const char *version_now(const char *org, const char *site)
{
	static char v[65];

	err[0] = '\0';
	cr_assert_eq(luahost_source_version(source(org, site), v, err,
		     sizeof(err)), 0, "luahost_source_version: %s", err);
	cr_assert_eq(strlen(v), 64);
	cr_assert_eq(strspn(v, "0123456789abcdef"), 64, "not hex: %s", v);
	return v;
}

Test(luahost, version_is_that_of_the_files)
{
	struct policy *a, *b;
	char v[65];

	write_versioned();
	pol = load_ok("acme", "plant-a");
	snprintf(v, sizeof(v), "%s", version_now("acme", "plant-a"));
	cr_assert_str_eq(luahost_version(pol), v);
	/* loading twice gives the same version; another set another */
	a = load_ok("acme", "plant-a");
	b = load_ok("acme", NULL);
	cr_assert_str_eq(luahost_version(a), v);
	cr_assert_str_neq(luahost_version(b), v);
	cr_assert_str_eq(luahost_version(b), version_now("acme", NULL));
	luahost_free(a);
	luahost_free(b);
}

/* Change one byte of rel and back: the version changes and returns. */
static void one_byte(const char *rel, const char *before, const char *after,
		     const char *org, const char *site)
{
	char v0[65], v1[65];

	put(rel, before);
	snprintf(v0, sizeof(v0), "%s", version_now(org, site));
	put(rel, after);
	snprintf(v1, sizeof(v1), "%s", version_now(org, site));
	cr_assert_str_neq(v0, v1, "changing %s left the version", rel);
	luahost_free(pol);
	pol = load_ok(org, site);
	cr_assert_str_eq(luahost_version(pol), v1, "%s", rel);
	put(rel, before);
	cr_assert_str_eq(version_now(org, site), v0, "%s", rel);
}

Test(luahost, any_byte_of_any_file_changes_the_version)
{
	write_versioned();
	one_byte("policies/default/policy.lua",
		 "return { f = function() return require(\"x\").v end }\n",
		 "return { f = function() return require(\"x\").v end }\t",
		 "acme", "plant-a");
	one_byte("scripts/x.lua", "return { v = 1 }\n", "return { v = 2 }\n",
		 "acme", "plant-a");
	one_byte("scripts/a/b.lua", "return { v = 2 }\n", "return { v = 3 }\n",
		 "acme", NULL);
	one_byte("policies/acme/policy.lua",
		 "return { g = function() return \"acme\" end }\n",
		 "return { g = function() return \"acmf\" end }\n", "acme", NULL);
	one_byte("policies/acme/sites/plant-a/policy.lua",
		 "return { h = function() return \"site\" end }\n",
		 "return { h = function() return \"sitf\" end }\n",
		 "acme", "plant-a");
	one_byte("policies/default/settings.lua", "return { s = 1 }\n",
		 "return { s = 2 }\n", NULL, NULL);
	/* a byte appended */
	one_byte("policies/default/settings.lua", "return { s = 1 }\n",
		 "return { s = 1 }\n\n", NULL, NULL);
}

Test(luahost, adding_or_renaming_a_file_changes_the_version)
{
	char v0[65];

	write_versioned();
	snprintf(v0, sizeof(v0), "%s", version_now("acme", NULL));
	put("scripts/new.lua", "return {}\n");
	cr_assert_str_neq(version_now("acme", NULL), v0, "scripts/new.lua");
	snprintf(v0, sizeof(v0), "%s", version_now("acme", NULL));
	put("scripts/deep/er/mod.lua", "return {}\n");
	cr_assert_str_neq(version_now("acme", NULL), v0, "scripts/deep/er");
	snprintf(v0, sizeof(v0), "%s", version_now("acme", NULL));
	put("policies/acme/extra.lua", "return {}\n");
	cr_assert_str_neq(version_now("acme", NULL), v0, "acme/extra.lua");
	snprintf(v0, sizeof(v0), "%s", version_now("acme", NULL));
	put("policies/default/extra.lua", "return {}\n");
	cr_assert_str_neq(version_now("acme", NULL), v0, "default/extra.lua");
	/* the same bytes under another name */
	snprintf(v0, sizeof(v0), "%s", version_now("acme", NULL));
	{
		char a[PATH_MAX + 16], b[PATH_MAX + 16];

		snprintf(a, sizeof(a), "%s/extra.lua", d_org);
		snprintf(b, sizeof(b), "%s/extrb.lua", d_org);
		cr_assert_eq(rename(a, b), 0);
	}
	cr_assert_str_neq(version_now("acme", NULL), v0, "renamed");
	/* files that are not Lua are not part of it */
	snprintf(v0, sizeof(v0), "%s", version_now("acme", NULL));
	put("policies/acme/README.md", "notes\n");
	cr_assert_str_eq(version_now("acme", NULL), v0, "README.md");
}

Test(luahost, tests_and_sites_do_not_change_the_org_version)
{
	char org0[65], site0[65];

	write_versioned();
	snprintf(org0, sizeof(org0), "%s", version_now("acme", NULL));
	snprintf(site0, sizeof(site0), "%s", version_now("acme", "plant-a"));
	put("policies/acme/tests/one.json", "{}\n");
	put("policies/acme/tests/helper.lua", "return {}\n");
	cr_assert_str_eq(version_now("acme", NULL), org0, "org tests/");
	cr_assert_str_eq(version_now("acme", "plant-a"), site0, "org tests/");
	put("policies/acme/sites/plant-a/policy.lua",
	    "return { h = function() return \"changed\" end }\n");
	put("policies/acme/sites/plant-b/policy.lua", "return {}\n");
	cr_assert_str_eq(version_now("acme", NULL), org0, "org sites/");
	cr_assert_str_neq(version_now("acme", "plant-a"), site0,
			  "the site's own file");
	snprintf(site0, sizeof(site0), "%s", version_now("acme", "plant-a"));
	put("policies/acme/sites/plant-a/tests/x.json", "{}\n");
	put("policies/acme/sites/plant-a/tests/x.lua", "return {}\n");
	cr_assert_str_eq(version_now("acme", "plant-a"), site0, "site tests/");
	put("policies/acme/sites/plant-a/settings.lua", "return {}\n");
	cr_assert_str_neq(version_now("acme", "plant-a"), site0,
			  "a new site file");
	cr_assert_str_eq(version_now("acme", NULL), org0, "site settings");
	/* the org's other site has no effect on plant-a */
	snprintf(site0, sizeof(site0), "%s", version_now("acme", "plant-a"));
	put("policies/acme/sites/plant-b/policy.lua", "return { x = 1 }\n");
	cr_assert_str_eq(version_now("acme", "plant-a"), site0, "plant-b");
}

Test(luahost, files_lists_exactly_the_files)
{
	static const char *const want[] = {
		"acme/policy.lua",
		"acme/sites/plant-a/policy.lua",
		"default/policy.lua",
		"default/settings.lua",
		"scripts/a/b.lua",
		"scripts/x.lua",
	};
	json_t *files, *v;
	const char *name;
	size_t i;
	char path[PATH_MAX], *data;
	FILE *fp;
	long len;

	write_versioned();
	put("policies/acme/tests/t.json", "{}\n");
	put("policies/acme/notes.txt", "x\n");
	put("policies/acme/sites/plant-b/policy.lua", "return {}\n");
	pol = load_ok("acme", "plant-a");
	files = luahost_files(pol);
	cr_assert_eq(json_object_size(files), sizeof(want) / sizeof(want[0]),
		     "files: %s", json_dumps(files, JSON_COMPACT | JSON_SORT_KEYS));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert_not_null(json_object_get(files, want[i]), "%s missing",
				   want[i]);
	json_object_foreach(files, name, v) {
		if (strncmp(name, "scripts/", 8) == 0)
			snprintf(path, sizeof(path), "%s/%s", root, name);
		else
			snprintf(path, sizeof(path), "%s/policies/%s", root, name);
		fp = fopen(path, "r");
		cr_assert_not_null(fp, "%s", path);
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		rewind(fp);
		data = xmalloc((size_t)len + 1);
		cr_assert_eq(fread(data, 1, (size_t)len, fp), (size_t)len);
		fclose(fp);
		cr_assert_eq(json_string_length(v), (size_t)len, "%s", name);
		cr_assert_eq(memcmp(json_string_value(v), data, (size_t)len), 0,
			     "%s", name);
		free(data);
	}
	json_decref(files);
}

Test(luahost, missing_directories_are_empty)
{
	json_t *files;

	put("scripts/x.lua", "return {}\n");
	put("policies/default/policy.lua",
	    "return { f = function() return 1 end }\n");
	/* acme has no directory at all: the set is default's */
	pol = load_ok("acme", "plant-a");
	files = luahost_files(pol);
	cr_assert_eq(json_object_size(files), 2);
	cr_assert_not_null(json_object_get(files, "default/policy.lua"));
	cr_assert_not_null(json_object_get(files, "scripts/x.lua"));
	json_decref(files);
}
