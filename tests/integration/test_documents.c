/*
 * The encrypted document vault (issue 7), through nginx to vetd with a real
 * directory: uploads and downloads byte for byte (a text, an empty file, a
 * 200 MB PDF), no plaintext on disk at any time, the size limit, uploads
 * cut short and the type checks (nothing stored when refused), filenames
 * that try to escape the directory or the Content-Disposition header, the
 * marking ceilings and need-to-know of every role with every read in the
 * audit trail, the two-person release of a Top Secret document (one
 * download per release, even when four race for it), verification records
 * and translations in the requirements, key rotation and retirement while
 * someone downloads, crypto-shredding (the wrapped key leaves the database
 * files, a saved ciphertext is useless), tampered ciphertext, and bad
 * input. The plaintext of a test is kept in memory and never written into
 * the stack's directory, so that finding it there means vetd (or nginx)
 * put it there.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "harness.h"
#include "text.h"

#define PW VT_DEMO_PASSWORD
#define MIB (1024 * 1024)

/* --- memory and text ---------------------------------------------------- */

static void documents_fini(void)
{
	text_release();
	vt_stop();
}

TestSuite(documents, .fini = documents_fini, .timeout = 60);

/* s percent-encoded for a query string (every byte but the unreserved). */
static const char *pct(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = keep(malloc(strlen(s) * 3 + 1)), *w = out;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return out;
}

static void sodium(void)
{
	cr_assert_geq(sodium_init(), 0, "libsodium does not start");
}

/* The SHA-256 of data, in lower-case hex. */
static const char *sha256_hex(const void *data, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *out = keep(malloc(sizeof h * 2 + 1));

	sodium();
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, sizeof h * 2 + 1, h, sizeof h);
	return out;
}

/* A unique marker, e.g. "VTMARK-3f9c...": something no file holds unless
 * the test's plaintext went there. */
static const char *marker(void)
{
	unsigned char raw[12];
	char hex[sizeof raw * 2 + 1];

	sodium();
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	return str("VTMARK-%s", hex);
}

/* A text document of about size bytes, every line carrying mark (kept). */
static char *text_with(const char *mark, size_t size, size_t *len)
{
	char *buf = keep(malloc(size + 256));
	size_t n = 0;
	int line = 0;

	while (n < size)
		n += (size_t)sprintf(buf + n, "Confidential line %d of the file: %s\n",
				     ++line, mark);
	*len = n;
	return buf;
}

/* A PDF-looking file of exactly size bytes: the PDF header, then bytes of
 * a xorshift generator (nothing compresses, nothing repeats). Not kept:
 * the caller frees it. */
static unsigned char *pdf_of(size_t size)
{
	static const char head[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
	unsigned char *buf = malloc(size);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	cr_assert_not_null(buf, "out of memory for %zu bytes", size);
	for (i = 0; i + 8 <= size; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	for (; i < size; i++)
		buf[i] = (unsigned char)i;
	memcpy(buf, head, sizeof head - 1);
	return buf;
}

/* A 1x1 PNG. */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
	0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* "hello\n", gzipped. */
static const unsigned char gzipped[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48,
	0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00, 0x20, 0x30, 0x3a, 0x36, 0x06, 0x00,
	0x00, 0x00,
};

/* --- files on disk -------------------------------------------------------- */

/* The whole of a file (kept), or NULL when it cannot be read. */
static char *read_all(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t got;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	buf = keep(malloc((size_t)st.st_size + 1));
	while (n < (size_t)st.st_size &&
	       (got = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void write_all(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	cr_assert_geq(fd, 0, "cannot write %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len, "cannot write %s", path);
	close(fd);
}

/* Does the file at path hold needle? Read in pieces that overlap by the
 * needle's length, so that big (or sparse) files cost no memory. */
static bool file_holds(const char *path, const void *needle, size_t nlen)
{
	enum { PIECE = 4 * MIB };
	char *buf = malloc(PIECE + nlen);
	size_t have = 0;
	ssize_t got;
	bool found = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	cr_assert_not_null(buf);
	if (fd < 0) {
		free(buf);
		return false;
	}
	while (!found && (got = read(fd, buf + have, PIECE)) > 0) {
		have += (size_t)got;
		found = memmem(buf, have, needle, nlen) != NULL;
		if (have >= nlen) {
			memmove(buf, buf + have - (nlen - 1), nlen - 1);
			have = nlen - 1;
		}
	}
	close(fd);
	free(buf);
	return found;
}

/* The first regular file under dir (recursively) that holds needle, or
 * NULL. Symbolic links are not followed. */
static const char *find_bytes(const char *dir, const void *needle, size_t nlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	const char *path, *hit = NULL;

	if (d == NULL)
		return NULL;
	while (hit == NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = str("%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			hit = find_bytes(path, needle, nlen);
		else if (S_ISREG(st.st_mode) && file_holds(path, needle, nlen))
			hit = path;
	}
	closedir(d);
	return hit;
}

static const char *find_text(const char *dir, const char *needle)
{
	return find_bytes(dir, needle, strlen(needle));
}

/* The ciphertext directory (documents.dir's default: "<database>.docs"). */
static const char *docs_dir(void)
{
	return str("%s.docs", vt.db);
}

/* The names in the ciphertext directory, sorted, comma-joined ("" when
 * it is empty or not there yet). */
static const char *docs_files(void)
{
	struct dirent **list;
	const char *out = "";
	int n, i;

	n = scandir(docs_dir(), &list, NULL, alphasort);
	if (n < 0)
		return "";
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 && strcmp(list[i]->d_name, "..") != 0)
			out = str("%s%s%s", out, *out ? "," : "", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return out;
}

static size_t count_items(const char *list)
{
	size_t n = *list ? 1 : 0;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

/* The one name in after that is not in before (a comma-joined list). */
static const char *new_file(const char *before, const char *after)
{
	const char *p = after, *found = NULL;
	size_t n;

	while (*p) {
		n = strcspn(p, ",");
		if (strstr(str(",%s,", before), str(",%.*s,", (int)n, p)) == NULL) {
			cr_assert_null(found, "more than one new file: [%s] -> [%s]",
				       before, after);
			found = str("%.*s", (int)n, p);
		}
		p += n + (p[n] == ',');
	}
	cr_assert_not_null(found, "no new ciphertext file: [%s] -> [%s]", before, after);
	return found;
}

/* --- the database --------------------------------------------------------- */

/* Run the query on vetd's database with the sqlite3 shell; returns the
 * output without its last newline. */
__attribute__((format(printf, 1, 2)))
static const char *sql(const char *fmt, ...)
{
	char *query, *out = NULL;
	va_list ap;
	size_t n;
	int rc;

	va_start(ap, fmt);
	query = keep(vformat(fmt, ap));
	va_end(ap);
	rc = vt_run(&out, "sqlite3 -batch '%s' <<'SQL'\n.timeout 5000\n%s\nSQL", vt.db, query);
	cr_assert_eq(rc, 0, "sqlite3 failed (exit %d) on %s: %s", rc, query, out);
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return out;
}

__attribute__((format(printf, 1, 2)))
static long long sql_number(const char *fmt, ...)
{
	const char *out;
	char *query, *end;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	query = keep(vformat(fmt, ap));
	va_end(ap);
	out = sql("%s", query);
	v = strtoll(out, &end, 10);
	cr_assert(end != out && *end == '\0', "%s gave %s, not a number", query, out);
	return v;
}

/* --- the people ----------------------------------------------------------- */

struct office {
	const char *org;
	struct vt_who cso, screening, interviewer, authority, applicant, applicant2,
		auditor, admin;
};

static struct vt_who sign_in(const char *org, const char *who)
{
	return vt_sign_in(str("%s-%s", org, who), PW, NULL);
}

static void staff(struct office *o, const char *org)
{
	o->org = org;
	o->cso = sign_in(org, "cso");
	o->screening = sign_in(org, "screening");
	o->interviewer = sign_in(org, "interviewer");
	o->authority = sign_in(org, "authority");
	o->applicant = sign_in(org, "applicant");
	o->applicant2 = sign_in(org, "applicant2");
	o->auditor = sign_in(org, "auditor");
	o->admin = sign_in(org, "admin");
}

/* A stack with the demo directory, the repository's policies and extra
 * lines of vetd.conf (NULL: none). */
static void start(const char *extra_config)
{
	struct vt_options o = {
		.ldap = { .enabled = true }, .policies = "policies",
		.extra_config = extra_config,
	};

	vt_start(&o);
}

/* --- requests --------------------------------------------------------- */

/* The checks below name the line of the scenario that called them and the
 * last request made, in their failure messages. */
static char last[512];

static struct vt_response *call(const struct vt_who *who, const char *method,
				const char *path, const char *body)
{
	snprintf(last, sizeof last, "%s %s as %s%s%.200s", method, path,
		 who != NULL ? who->name : "nobody", body ? " with " : "", body ? body : "");
	return vt_call(method, path, who, NULL, body);
}

#define expect(r, status) expect_at(__LINE__, (r), (status))
static struct vt_response *expect_at(int line, struct vt_response *r, long status)
{
	cr_assert_eq(r->status, status, "line %d: %s: expected %ld, got %ld: %.800s", line,
		     last, status, r->status, r->body);
	return r;
}

/* r is an error with the status and code, and a message. */
#define expect_error(r, status, code) expect_error_at(__LINE__, (r), (status), (code))
static struct vt_response *expect_error_at(int line, struct vt_response *r, long status,
					   const char *code)
{
	expect_at(line, r, status);
	cr_assert_str_eq(or_none(vt_json_str(r, "error.code")), code, "line %d: %s: %.800s",
			 line, last, r->body);
	cr_assert(vt_json_str(r, "error.message") != NULL, "line %d: %s: no message: %s",
		  line, last, r->body);
	return r;
}

/* r is a 400 that names the field. */
#define expect_bad(r, field) expect_bad_at(__LINE__, (r), (field))
static void expect_bad_at(int line, struct vt_response *r, const char *field)
{
	expect_error_at(line, r, 400, "bad_request");
	cr_assert_str_eq(or_none(vt_json_str(r, "error.field")), field,
			 "line %d: %s: %s", line, last, r->body);
}

static long long number(struct vt_response *r, const char *path)
{
	json_t *v = vt_json_get(r, path);

	cr_assert(json_is_integer(v), "%s: no number at %s: %.500s", last, path, r->body);
	return json_integer_value(v);
}

static const char *text(struct vt_response *r, const char *path)
{
	return or_none(vt_json_str(r, path));
}

/* A "by" field names who: as the username or as vetd's actor. */
static bool names(const char *by, const struct vt_who *who)
{
	return by != NULL && (strcmp(by, who->name) == 0 ||
			      strcmp(by, str("user:%s", who->name)) == 0);
}

/* --- a case file ---------------------------------------------------------- */

struct file {
	struct office *o;
	long long id;             /* the case */
	long long person;         /* its applicant's person record */
	const char *path;         /* /api/v1/cases/<id> */
};

/* The cso records the applicant as a person and opens a new case. */
static struct file open_case(struct office *o, const struct vt_who *applicant,
			     const char *name)
{
	struct file f = { .o = o };
	struct vt_response *r;

	r = expect(call(&o->cso, "POST", "/api/v1/persons",
			json("{'name': '%s', 'date_of_birth': '1984-03-02', 'username': '%s'}",
			     name, applicant->name)), 201);
	f.person = number(r, "id");
	r = expect(call(&o->cso, "POST", "/api/v1/cases",
			json("{'person_id': %lld, 'kind': 'new', 'level': 'SECRET'}",
			     f.person)), 201);
	f.id = number(r, "case.id");
	f.path = str("/api/v1/cases/%lld", f.id);
	return f;
}

static void assign(struct file *f, const char *role, const struct vt_who *who)
{
	expect(call(&f->o->cso, "POST", str("%s/assignments", f->path),
		    json("{'role': '%s', 'username': '%s'}", role, who->name)), 200);
}

/* --- documents ------------------------------------------------------------ */

/* POST <owner>/documents?<query> with the raw body, claimed type ctype
 * (NULL: no Content-Type), as who; chunked: without a Content-Length. */
static struct vt_response *upload_raw(const struct vt_who *who, const char *owner,
				      const char *query, const char *ctype,
				      const void *body, size_t len, bool chunked)
{
	const char *headers[5];
	size_t n = 0;
	struct vt_request req = {
		.method = "POST", .path = str("%s/documents?%s", owner, query),
		.headers = headers, .body = body, .len = len, .chunked = chunked,
	};

	headers[n++] = str("Cookie: %s", who->cookie);
	headers[n++] = str("X-CSRF-Token: %s", who->csrf);
	if (ctype != NULL)
		headers[n++] = str("Content-Type: %s", ctype);
	headers[n] = NULL;
	snprintf(last, sizeof last, "POST %s as %s (%s, %zu bytes)", req.path, who->name,
		 or_none(ctype), len);
	return vt_request_ex(&req);
}

/* The query of an upload; language may be NULL. */
static const char *doc_query(const char *kind, const char *marking, const char *filename,
			     const char *language)
{
	return str("kind=%s&classification=%s&filename=%s%s%s", pct(kind), pct(marking),
		   pct(filename), language ? "&language=" : "", language ? pct(language) : "");
}

static struct vt_response *upload(const struct vt_who *who, struct file *f,
				  const char *kind, const char *marking,
				  const char *filename, const char *language,
				  const char *ctype, const void *body, size_t len)
{
	return upload_raw(who, f->path, doc_query(kind, marking, filename, language),
			  ctype, body, len, false);
}

/* Upload a text document that must be accepted; returns its id. */
#define put_text(who, f, kind, marking, filename, content) \
	put_text_at(__LINE__, (who), (f), (kind), (marking), (filename), (content))
static long long put_text_at(int line, const struct vt_who *who, struct file *f,
			     const char *kind, const char *marking, const char *filename,
			     const char *content)
{
	struct vt_response *r = upload(who, f, kind, marking, filename, NULL,
				       "text/plain", content, strlen(content));

	expect_at(line, r, 201);
	return number(r, "document.id");
}

static struct vt_response *get_doc(const struct vt_who *who, long long id,
				   const char *release)
{
	return call(who, "GET", release ? str("/api/v1/documents/%lld?release=%s", id,
					      release)
				: str("/api/v1/documents/%lld", id), NULL);
}

static struct vt_response *meta(const struct vt_who *who, long long id)
{
	return call(who, "GET", str("/api/v1/documents/%lld/meta", id), NULL);
}

static struct vt_response *doc_post(const struct vt_who *who, long long id,
				    const char *sub, const char *body)
{
	return call(who, "POST", str("/api/v1/documents/%lld%s", id, sub), body);
}

/* who downloads document id and gets exactly content (len bytes). */
#define reads(who, id, content, len) reads_at(__LINE__, (who), (id), (content), (len))
static struct vt_response *reads_at(int line, const struct vt_who *who, long long id,
				    const void *content, size_t len)
{
	struct vt_response *r = expect_at(line, get_doc(who, id, NULL), 200);

	cr_assert_eq(r->len, len, "line %d: %s: %zu bytes, expected %zu", line, last,
		     r->len, len);
	cr_assert(memcmp(r->body, content, len) == 0, "line %d: %s: other bytes", line,
		  last);
	return r;
}

/* The ids of a document list (GET .../documents), comma-joined, sorted as
 * vetd sorts them. */
static const char *listed_ids(const struct vt_who *who, struct file *f)
{
	struct vt_response *r = expect(call(who, "GET", str("%s/documents", f->path), NULL),
				       200);
	json_t *d;
	size_t i;
	const char *out = "";

	cr_assert(json_is_array(vt_json_get(r, "documents")), "%s: %s", last, r->body);
	json_array_foreach(vt_json_get(r, "documents"), i, d)
		out = str("%s%s%lld", out, i ? "," : "",
			  (long long)json_integer_value(json_object_get(d, "id")));
	return out;
}

/* The MIME type of a Content-Type header, without its parameters. */
static const char *mime_of(const char *ctype)
{
	if (ctype == NULL)
		return "(none)";
	return str("%.*s", (int)strcspn(ctype, "; "), ctype);
}

/* s percent-decoded (NULL when it is not well-formed). */
static const char *unpct(const char *s, size_t n)
{
	char *out = keep(malloc(n + 1)), *w = out;
	unsigned int byte;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			*w++ = s[i];
			continue;
		}
		if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]) ||
		    sscanf(s + i + 1, "%2x", &byte) != 1)
			return NULL;
		*w++ = (char)byte;
		i += 2;
	}
	*w = '\0';
	return out;
}

/*
 * The download's Content-Disposition is one header of the form
 *     attachment; filename="<ascii>"; filename*=UTF-8''<pct-encoded>
 * where <ascii> is printable ASCII without quote or backslash and the
 * encoded name uses only RFC 8187's attr-chars and decodes to the stored
 * filename. Returns the ASCII name.
 */
#define safe_disposition(r, filename) safe_disposition_at(__LINE__, (r), (filename))
static const char *safe_disposition_at(int line, struct vt_response *r,
				       const char *filename)
{
	static const char attr_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789!#$&+-.^_`|~%";
	static const char start[] = "attachment; filename=\"";
	static const char ext[] = "\"; filename*=UTF-8''";
	const char *cd = vt_header(r, "Content-Disposition"), *p, *q, *decoded;

	cr_assert_eq(vt_header_count(r, "Content-Disposition"), 1,
		     "line %d: %s: %zu Content-Disposition headers", line, last,
		     vt_header_count(r, "Content-Disposition"));
	cr_assert_eq(strncmp(cd, start, sizeof start - 1), 0,
		     "line %d: %s: Content-Disposition: %s", line, last, cd);
	p = cd + sizeof start - 1;
	for (q = p; *q != '\0' && *q != '"'; q++)
		cr_assert(*q >= 0x20 && *q < 0x7f && *q != '\\',
			  "line %d: %s: byte 0x%02x in the quoted filename: %s", line, last,
			  (unsigned char)*q, cd);
	cr_assert_eq(strncmp(q, ext, sizeof ext - 1), 0,
		     "line %d: %s: Content-Disposition: %s", line, last, cd);
	q += sizeof ext - 1;
	cr_assert_eq(strspn(q, attr_chars), strlen(q),
		     "line %d: %s: filename* has other characters: %s", line, last, cd);
	decoded = unpct(q, strlen(q));
	cr_assert_not_null(decoded, "line %d: %s: bad escapes in %s", line, last, cd);
	cr_assert_str_eq(decoded, filename, "line %d: %s: filename* of %s", line, last, cd);
	return str("%.*s", (int)(strchr(p, '"') - p), p);
}

/* The stored filename is safe: no path separator, no control character,
 * no quote or semicolon, no leading dot, 1..255 bytes. */
static void safe_name(const char *name)
{
	const unsigned char *p;

	cr_assert(*name != '\0' && strlen(name) <= 255, "filename \"%s\"", name);
	cr_assert(strpbrk(name, "/\\\";") == NULL && name[0] != '.',
		  "unsafe filename \"%s\"", name);
	for (p = (const unsigned char *)name; *p; p++) {
		cr_assert(*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in \"%s\"", *p, name);
		/* U+0080..U+009F, the C1 controls (NEL, CSI...) */
		cr_assert(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f),
			  "control character U+00%02X in the filename (at byte %zu of %zu)",
			  p[1], (size_t)(p - (const unsigned char *)name), strlen(name));
	}
}

/* The document's META (at path, e.g. "document") has everything the spec
 * names, with these values. */
static void check_meta(struct vt_response *r, const char *at, struct file *f,
		       const char *kind, const char *marking, const char *filename,
		       size_t size, const char *type, const char *sha256,
		       const struct vt_who *uploader)
{
	json_t *m = vt_json_get(r, at);

	cr_assert(json_is_object(m), "%s: no %s: %.500s", last, at, r->body);
	cr_assert(json_is_integer(json_object_get(m, "id")), "%s: %s", last, r->body);
	cr_assert_str_eq(text(r, str("%s.owner.kind", at)), "case", "%s", r->body);
	cr_assert_eq(number(r, str("%s.owner.id", at)), f->id, "%s", r->body);
	cr_assert_str_eq(text(r, str("%s.kind", at)), kind, "%s", r->body);
	cr_assert_str_eq(text(r, str("%s.classification", at)), marking, "%s", r->body);
	cr_assert_str_eq(text(r, str("%s.filename", at)), filename, "%s", r->body);
	cr_assert_eq(number(r, str("%s.size", at)), (long long)size, "%s", r->body);
	cr_assert_str_eq(text(r, str("%s.content_type", at)), type, "%s", r->body);
	cr_assert_str_eq(text(r, str("%s.sha256", at)), sha256, "%s", r->body);
	cr_assert_str_eq(text(r, str("%s.uploaded_by", at)), uploader->name, "%s", r->body);
	cr_assert(vt_json_str(r, str("%s.uploaded_at", at)) != NULL, "%s", r->body);
	cr_assert(json_is_boolean(vt_json_get(r, str("%s.two_person", at))), "%s", r->body);
	cr_assert_geq(number(r, str("%s.key_version", at)), 1, "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, str("%s.translation_id", at))), "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, str("%s.verification", at))), "%s", r->body);
	cr_assert(json_is_null(vt_json_get(r, str("%s.shredded", at))), "%s", r->body);
}

/* The audit trail, as the auditor reads it: events of action (newest
 * first, up to 500). */
static struct vt_response *audit(const struct vt_who *auditor, const char *action)
{
	return expect(call(auditor, "GET", str("/api/v1/audit?action=%s&limit=500", action),
			   NULL), 200);
}

/* Events about document id in an audit answer (its target, or the id in
 * its detail), by who (NULL: anyone). */
static long long events_on(struct vt_response *r, long long id, const struct vt_who *who)
{
	json_t *ev, *did;
	size_t i;
	long long n = 0;
	const char *target, *actor;

	json_array_foreach(vt_json_get(r, "events"), i, ev) {
		target = or_none(json_string_value(json_object_get(ev, "target")));
		actor = json_string_value(json_object_get(ev, "actor"));
		did = json_object_get(json_object_get(ev, "detail"), "document");
		if ((strcmp(target, str("document:%lld", id)) == 0 ||
		     (json_is_integer(did) && json_integer_value(did) == id)) &&
		    (who == NULL || names(actor, who)))
			n++;
	}
	return n;
}

/* The detail of the first event on document id:
 * "document=<id> marking=<m>". */
static const char *read_detail(struct vt_response *r, long long id)
{
	json_t *ev, *detail;
	size_t i;

	json_array_foreach(vt_json_get(r, "events"), i, ev) {
		if (strcmp(or_none(json_string_value(json_object_get(ev, "target"))),
			   str("document:%lld", id)) != 0)
			continue;
		detail = json_object_get(ev, "detail");
		return str("document=%lld marking=%s",
			   (long long)json_integer_value(json_object_get(detail,
									  "document")),
			   or_none(json_string_value(json_object_get(detail, "marking"))));
	}
	return "(no event)";
}

/* --- 1. round trip ------------------------------------------------------------ */

/*
 * A text, an empty file and a 200 MB PDF go up through nginx and come back
 * byte for byte, with the type libmagic sees, the size, the SHA-256 of the
 * plaintext and a download that the browser saves rather than shows. What
 * lies in the documents directory is not the plaintext.
 */
Test(documents, text_empty_and_200_mb_come_back_byte_for_byte)
{
	static const char note[] = "Notes of the records check.\nNothing found.\n";
	const size_t big = 200 * (size_t)MIB;
	struct office nb;
	struct file f;
	struct vt_response *r;
	unsigned char *pdf;
	const char *files, *bigsum;
	long long tid, eid, pid;
	size_t len;
	char *cipher;
	struct stat st;

	start(NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Alex Martin");

	/* a text, its type claimed with a charset (parameters are ignored) */
	r = expect(upload(&nb.cso, &f, "other", "Protected B", "notes.txt", NULL,
			  "text/plain; charset=utf-8", note, strlen(note)), 201);
	check_meta(r, "document", &f, "other", "Protected B", "notes.txt", strlen(note),
		   "text/plain", sha256_hex(note, strlen(note)), &nb.cso);
	cr_assert(json_is_null(vt_json_get(r, "document.language")), "%s", r->body);
	cr_assert(json_is_false(vt_json_get(r, "document.two_person")), "%s", r->body);
	tid = number(r, "document.id");
	r = expect(meta(&nb.cso, tid), 200);
	check_meta(r, "document", &f, "other", "Protected B", "notes.txt", strlen(note),
		   "text/plain", sha256_hex(note, strlen(note)), &nb.cso);
	r = reads(&nb.cso, tid, note, strlen(note));
	cr_assert_str_eq(mime_of(vt_header(r, "Content-Type")), "text/plain");
	cr_assert_str_eq(or_none(vt_header(r, "Content-Length")), str("%zu", strlen(note)));
	cr_assert_str_eq(safe_disposition(r, "notes.txt"), "notes.txt");
	cr_assert_str_eq(or_none(vt_header(r, "Content-Disposition")),
			 "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt");
	cr_assert_not_null(strstr(or_none(vt_header(r, "Cache-Control")), "no-store"),
			   "Cache-Control: %s", or_none(vt_header(r, "Cache-Control")));
	cr_assert_str_eq(or_none(vt_header(r, "X-Content-Type-Options")), "nosniff");

	/* an empty file is text/plain */
	r = expect(upload(&nb.cso, &f, "other", "Unclassified", "empty.txt", NULL,
			  "text/plain", "", 0), 201);
	check_meta(r, "document", &f, "other", "Unclassified", "empty.txt", 0, "text/plain",
		   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		   &nb.cso);
	eid = number(r, "document.id");
	r = reads(&nb.cso, eid, "", 0);
	cr_assert_str_eq(or_none(vt_header(r, "Content-Length")), "0");
	cr_assert_str_eq(mime_of(vt_header(r, "Content-Type")), "text/plain");
	safe_disposition(r, "empty.txt");

	/* 200 MB that libmagic takes for a PDF */
	pdf = pdf_of(big);
	bigsum = sha256_hex(pdf, big);
	files = docs_files();
	r = expect(upload(&nb.cso, &f, "credit_report", "Protected B", "scan.pdf", NULL,
			  "application/pdf", pdf, big), 201);
	check_meta(r, "document", &f, "credit_report", "Protected B", "scan.pdf", big,
		   "application/pdf", bigsum, &nb.cso);
	pid = number(r, "document.id");
	cr_assert_neq(pid, tid);
	cr_assert_neq(pid, eid);
	/* its ciphertext: one new file, as long as the plaintext at least,
	 * not starting like it and not holding its first megabyte */
	cipher = read_all(str("%s/%s", docs_dir(), new_file(files, docs_files())), &len);
	cr_assert_not_null(cipher);
	cr_assert_geq(len, big, "the ciphertext has %zu bytes", len);
	cr_assert_neq(memcmp(cipher, pdf, 64), 0, "the file starts like the plaintext");
	cr_assert_null(memmem(cipher, len, pdf + MIB, 4096),
		       "the ciphertext holds plaintext bytes");
	r = get_doc(&nb.cso, pid, NULL);
	cr_assert_eq(r->status, 200, "%s: %ld %.300s", last, r->status, r->body);
	cr_assert_eq(r->len, big, "%zu bytes came back", r->len);
	cr_assert(memcmp(r->body, pdf, big) == 0, "other bytes came back");
	cr_assert_str_eq(mime_of(vt_header(r, "Content-Type")), "application/pdf");
	cr_assert_str_eq(or_none(vt_header(r, "Content-Length")), str("%zu", big));
	cr_assert_str_eq(safe_disposition(r, "scan.pdf"), "scan.pdf");
	free(pdf);

	/* three documents, three files, all listed; only vetd may look */
	cr_assert_eq(count_items(docs_files()), 3, "[%s]", docs_files());
	cr_assert_eq(stat(docs_dir(), &st), 0);
	cr_assert_eq(st.st_mode & 077, 0, "the documents directory is mode %o",
		     st.st_mode & 0777);
	cr_assert_eq(stat(str("%s/%s", docs_dir(), new_file(files, docs_files())), &st), 0);
	cr_assert_eq(st.st_mode & 077, 0, "a ciphertext file is mode %o", st.st_mode & 0777);
	cr_assert_str_eq(listed_ids(&nb.cso, &f), str("%lld,%lld,%lld", tid, eid, pid));
}

/* --- 2. no plaintext on disk -------------------------------------------------- */

struct watch {
	const char *mark;
	size_t half;
	bool looked;
	const char *found;  /* a file holding the mark mid-upload */
};

/* Halfway through the upload, look through the whole stack's directory. */
static void look_midway(size_t sent, void *arg)
{
	struct watch *w = arg;

	if (w->looked || sent < w->half)
		return;
	w->looked = true;
	w->found = find_text(vt.dir, w->mark);
}

/*
 * A file with a unique marker is uploaded slowly and downloaded again; at
 * no time does any file under the stack's directory (database, WAL,
 * documents, nginx's temporary files, logs) hold the marker. The same
 * search does find what the database does hold in clear (a person's name),
 * so the search itself works.
 */
Test(documents, no_plaintext_reaches_the_disk)
{
	struct office nb = { .org = "northbridge" };
	struct file f;
	struct vt_response *r;
	const char *mark = marker(), *hit;
	struct watch w = { .mark = mark };
	size_t len;
	char *doc = text_with(mark, 600 * 1024, &len);
	long long id;
	struct vt_request req;
	const char *headers[4];

	start(NULL);
	nb.cso = sign_in("northbridge", "cso");
	nb.applicant = sign_in("northbridge", "applicant");
	f = open_case(&nb, &nb.applicant, "Quentin Needle");
	cr_assert_not_null(find_text(vt.dir, "Quentin Needle"),
			   "the search does not find what the database holds");

	/* 600 kB in 64 kB pieces, 30 ms apart; looked through at half-way */
	headers[0] = str("Cookie: %s", nb.cso.cookie);
	headers[1] = str("X-CSRF-Token: %s", nb.cso.csrf);
	headers[2] = "Content-Type: text/plain";
	headers[3] = NULL;
	w.half = len / 2;
	req = (struct vt_request){
		.method = "POST",
		.path = str("%s/documents?%s", f.path,
			    doc_query("other", "Secret", "statement.txt", NULL)),
		.headers = headers, .body = doc, .len = len,
		.chunk = 64 * 1024, .pause_ms = 30, .on_progress = look_midway, .arg = &w,
	};
	snprintf(last, sizeof last, "POST %s (trickled)", req.path);
	r = expect(vt_request_ex(&req), 201);
	id = number(r, "document.id");
	cr_assert(w.looked, "the upload never got half-way");
	cr_assert_null(w.found, "half-way through the upload, %s holds the plaintext",
		       w.found);
	cr_assert_null(hit = find_text(vt.dir, mark), "after the upload, %s holds the plaintext",
		       hit);

	/* downloaded twice (the second from whatever cache there is) */
	reads(&nb.cso, id, doc, len);
	reads(&nb.cso, id, doc, len);
	cr_assert_null(hit = find_text(vt.dir, mark),
		       "after the download, %s holds the plaintext", hit);
	/* the database and its WAL, by name */
	cr_assert_eq(count_items(docs_files()), 1, "[%s]", docs_files());
	cr_assert(!file_holds(vt.db, mark, strlen(mark)));
	cr_assert(!file_holds(str("%s-wal", vt.db), mark, strlen(mark)));
}

/* --- 3. size limit -------------------------------------------------------------- */

/* POST len bytes of body to path as who over a plain socket, sending only
 * the first sent; once vetd has begun a file in the documents directory,
 * hang up. The directory must then empty within five seconds. */
static void hang_up_midway(const struct vt_who *who, const char *path, const char *body,
			   size_t len, size_t sent)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *head = str("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
			       "X-CSRF-Token: %s\r\nContent-Type: text/plain\r\n"
			       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			       path, who->cookie, who->csrf, len);
	long long deadline;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	sa.sin_port = htons((uint16_t)vt.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0, "%s", strerror(errno));
	cr_assert_eq(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	cr_assert_eq(write(fd, body, sent), (ssize_t)sent);
	deadline = vt_now_ms() + 5000;
	while (*docs_files() == '\0' && vt_now_ms() < deadline)
		vt_sleep_ms(10);
	cr_assert_neq(*docs_files(), '\0', "no file was begun for the upload");
	close(fd);
	deadline = vt_now_ms() + 5000;
	while (*docs_files() != '\0' && vt_now_ms() < deadline)
		vt_sleep_ms(20);
	cr_assert_str_eq(docs_files(), "", "an upload cut short left %s behind", docs_files());
}

/*
 * documents.max_size is 128 KiB: one byte more is 413 body_too_large,
 * nothing is left in the documents directory, no document is listed;
 * exactly the limit is taken. A chunked upload (no Content-Length), which nginx would
 * buffer to its disk, is refused by nginx with 411 and reaches nobody; an
 * upload whose client hangs up half-way leaves nothing behind.
 */
Test(documents, oversize_upload_is_413_and_leaves_nothing)
{
	struct office nb = { .org = "northbridge" };
	struct file f;
	struct vt_response *r, *over, *way_over;
	size_t len;
	char *doc = text_with("x", 300 * 1024, &len);

	start("documents = { max_size = 131072 }\n");
	nb.cso = sign_in("northbridge", "cso");
	nb.applicant = sign_in("northbridge", "applicant");
	f = open_case(&nb, &nb.applicant, "Olga Oversize");

	over = expect(upload(&nb.cso, &f, "other", "Protected A", "big.txt", NULL,
			     "text/plain", doc, 131073), 413);
	way_over = expect(upload(&nb.cso, &f, "other", "Protected A", "big.txt", NULL,
				 "text/plain", doc, 300 * 1024), 413);
	r = upload_raw(&nb.cso, f.path, doc_query("other", "Protected A", "big.txt", NULL),
		       "text/plain", doc, 300 * 1024, true);
	expect_error(r, 411, "length_required");
	r = upload_raw(&nb.cso, f.path, doc_query("other", "Protected A", "small.txt", NULL),
		       "text/plain", doc, 1000, true);
	expect_error(r, 411, "length_required");
	cr_assert_str_eq(docs_files(), "", "left in the documents directory: %s",
			 docs_files());

	/* an upload whose client goes away half-way */
	hang_up_midway(&nb.cso, str("%s/documents?%s", f.path,
				    doc_query("other", "Protected A", "cut.txt", NULL)),
		       doc, 120000, 90000);
	cr_assert_str_eq(listed_ids(&nb.cso, &f), "");
	cr_assert_eq(sql_number("SELECT count(*) FROM documents"), 0);

	/* the limit itself is allowed */
	r = expect(upload(&nb.cso, &f, "other", "Protected A", "fits.txt", NULL,
			  "text/plain", doc, 131072), 201);
	cr_assert_eq(number(r, "document.size"), 131072);
	reads(&nb.cso, number(r, "document.id"), doc, 131072);
	cr_assert_eq(count_items(docs_files()), 1, "[%s]", docs_files());
	cr_assert_str_eq(listed_ids(&nb.cso, &f), str("%lld", number(r, "document.id")));

	/* the refusals said why, with the code nginx gives over its own
	 * limit (README, HTTP API) */
	cr_assert_str_eq(text(over, "error.code"), "body_too_large", "%s", over->body);
	cr_assert_str_eq(text(way_over, "error.code"), "body_too_large", "%s", way_over->body);
}

/* --- 4. types ------------------------------------------------------------------ */

/*
 * The type is what the bytes are: text claimed as a PNG is 415
 * type_mismatch, a PDF claimed as text too; a gzip, an ELF program or an
 * HTML page (which a browser would run) is 415 unsupported_type whatever
 * is claimed; none of them is stored. A real PNG
 * claimed as one is taken.
 */
Test(documents, types_are_checked_against_the_bytes)
{
	static const char plain[] = "This is plain text, not an image.\n";
	static const char html[] = "<!DOCTYPE html>\n<html><head><title>x</title></head>"
				   "<body><script>alert(document.cookie)</script></body></html>\n";
	struct office nb = { .org = "northbridge" };
	struct file f;
	struct vt_response *r;
	unsigned char *pdf = keep(pdf_of(4096));
	size_t elf_len;
	char *elf = read_all("/bin/true", &elf_len);
	long long id;

	cr_assert_not_null(elf, "cannot read /bin/true");
	start(NULL);
	nb.cso = sign_in("northbridge", "cso");
	nb.applicant = sign_in("northbridge", "applicant");
	f = open_case(&nb, &nb.applicant, "Tina Types");

	expect_error(upload(&nb.cso, &f, "passport", "Protected A", "photo.png", NULL,
			    "image/png", plain, strlen(plain)), 415, "type_mismatch");
	expect_error(upload(&nb.cso, &f, "other", "Protected A", "notes.txt", NULL,
			    "text/plain", pdf, 4096), 415, "type_mismatch");
	expect_error(upload(&nb.cso, &f, "other", "Protected A", "report.pdf", NULL,
			    "application/pdf", png, sizeof png), 415, "type_mismatch");
	expect_error(upload(&nb.cso, &f, "other", "Protected A", "archive.gz", NULL,
			    "application/gzip", gzipped, sizeof gzipped), 415,
		     "unsupported_type");
	expect_error(upload(&nb.cso, &f, "other", "Protected A", "tool", NULL,
			    "application/x-pie-executable", elf, elf_len), 415,
		     "unsupported_type");
	expect_error(upload(&nb.cso, &f, "other", "Protected A", "tool.pdf", NULL,
			    "application/pdf", elf, elf_len), 415, "unsupported_type");
	expect_error(upload(&nb.cso, &f, "other", "Protected A", "page.txt", NULL,
			    "text/plain", html, strlen(html)), 415, "unsupported_type");
	cr_assert_str_eq(docs_files(), "", "left in the documents directory: %s",
			 docs_files());
	cr_assert_str_eq(listed_ids(&nb.cso, &f), "");
	cr_assert_eq(sql_number("SELECT count(*) FROM documents"), 0);

	/* the real thing */
	r = expect(upload(&nb.cso, &f, "passport", "Protected A", "photo.png", NULL,
			  "image/png", png, sizeof png), 201);
	cr_assert_str_eq(text(r, "document.content_type"), "image/png");
	id = number(r, "document.id");
	r = reads(&nb.cso, id, png, sizeof png);
	cr_assert_str_eq(mime_of(vt_header(r, "Content-Type")), "image/png");
	r = expect(upload(&nb.cso, &f, "other", "Protected A", "report.pdf", NULL,
			  "application/pdf", pdf, 4096), 201);
	cr_assert_str_eq(text(r, "document.content_type"), "application/pdf");
	cr_assert_eq(count_items(docs_files()), 2, "[%s]", docs_files());
}

/* --- 5. filenames ------------------------------------------------------------- */

/* Upload note under the raw (already encoded) filename: a 400 naming the
 * field, or a 201 whose stored name is safe and is expected (when not
 * NULL); a download then carries one safe Content-Disposition. Returns
 * whether it was stored. */
#define name_case(who, f, raw, expected) \
	name_case_at(__LINE__, (who), (f), (raw), (expected))
static bool name_case_at(int line, const struct vt_who *who, struct file *f,
			 const char *raw, const char *expected)
{
	static const char note[] = "A note.\n";
	struct vt_response *r = upload_raw(who, f->path,
					   str("kind=other&classification=Protected%%20A"
					       "&filename=%s", raw),
					   "text/plain", note, strlen(note), false);
	const char *name;

	if (r->status == 400) {
		expect_bad_at(line, r, "filename");
		return false;
	}
	expect_at(line, r, 201);
	name = text(r, "document.filename");
	safe_name(name);
	if (expected != NULL)
		cr_assert_str_eq(name, expected, "line %d: %s: %s", line, last, r->body);
	r = reads_at(line, who, number(r, "document.id"), note, strlen(note));
	safe_disposition_at(line, r, name);
	cr_assert_eq(vt_header_count(r, "X-Injected"), 0, "line %d: %s: a header was injected",
		     line, last);
	return true;
}

/*
 * Filenames that climb directories, carry NUL, CR/LF, tabs, C1 controls,
 * quotes or semicolons, start with dots, are empty or too long: either refused (400
 * filename) or stored as the spec sanitises them, and the download's
 * Content-Disposition is always one header that cannot be broken out of.
 * Nothing named by the client appears in the documents directory.
 */
Test(documents, filenames_are_sanitised_or_refused)
{
	struct office nb = { .org = "northbridge" };
	struct file f;
	const char *before;
	size_t stored = 0;
	char longest[300];

	start(NULL);
	nb.cso = sign_in("northbridge", "cso");
	nb.applicant = sign_in("northbridge", "applicant");
	f = open_case(&nb, &nb.applicant, "Nadia Names");

	stored += name_case(&nb.cso, &f, "..%2F..%2F..%2Fetc%2Fpasswd", "passwd");
	stored += name_case(&nb.cso, &f, "../../etc/shadow", "shadow");
	stored += name_case(&nb.cso, &f, "..%5C..%5Cboot.ini", "boot.ini");
	stored += name_case(&nb.cso, &f, "evil%0D%0AX-Injected:%20yes.txt",
			    "evil__X-Injected: yes.txt");
	stored += name_case(&nb.cso, &f, "line%0Abreak.txt", "line_break.txt");
	stored += name_case(&nb.cso, &f, "tab%09bed.txt", "tab_bed.txt");
	stored += name_case(&nb.cso, &f, "say%20%22hi%22%3B%20x%3D1.txt",
			    "say _hi__ x=1.txt");
	stored += name_case(&nb.cso, &f, "...hidden", "hidden");
	stored += name_case(&nb.cso, &f, "r%C3%A9sum%C3%A9.txt", "r\xc3\xa9sum\xc3\xa9.txt");
	stored += name_case(&nb.cso, &f, "a%25b%20c.txt", "a%b c.txt");
	memset(longest, 'n', 255);
	longest[255] = '\0';
	stored += name_case(&nb.cso, &f, longest, longest);
	cr_assert_eq(stored, 11, "a valid (sanitisable) filename was refused");

	/* refused: NUL, nothing left after sanitising, too long, missing */
	before = docs_files();
	expect(upload_raw(&nb.cso, f.path, "kind=other&classification=Protected%20A"
			  "&filename=a%00b.txt", "text/plain", "A note.\n", 8, false), 400);
	cr_assert(!name_case(&nb.cso, &f, "", NULL), "an empty filename was taken");
	cr_assert(!name_case(&nb.cso, &f, "...", NULL), "\"...\" was taken");
	cr_assert(!name_case(&nb.cso, &f, "dir%2F", NULL), "\"dir/\" was taken");
	longest[255] = 'n';
	longest[256] = '\0';
	cr_assert(!name_case(&nb.cso, &f, longest, NULL), "256 bytes were taken");
	cr_assert_str_eq(docs_files(), before);

	/* the directory holds only vault ids: nothing the client named */
	cr_assert_eq(count_items(docs_files()), stored, "[%s]", docs_files());
	cr_assert_null(strstr(docs_files(), "passwd"));
	cr_assert_null(strstr(docs_files(), ".txt"));
	cr_assert_eq(access(str("%s/etc/passwd", vt.dir), F_OK), -1);
	cr_assert_eq(access(str("%s/../etc/shadow", docs_dir()), F_OK), -1);

	/* C1 controls are control characters too: NEL (a line break to
	 * some), CSI (a terminal escape) */
	name_case(&nb.cso, &f, "nel%C2%85csi%C2%9B31m.txt", NULL);
}

/* --- 6. marking and need-to-know ------------------------------------------- */

/*
 * Default ceilings: a Secret document on a case is read by the cso and the
 * assigned screening officer; not by screening unassigned (403), the
 * applicant whose case it is (403, Unclassified ceiling), another
 * applicant (404), another organization (404) or the auditor (403,
 * Protected B ceiling). The auditor reads a Protected B document; the
 * applicant reads what they uploaded. Lists show only what the caller may
 * read. Every read is in the audit trail, every refusal too.
 */
Test(documents, markings_and_need_to_know_per_role)
{
	static const char secret[] = "Secret: the agency's brief.\n";
	static const char protb[] = "Protected B: the credit report.\n";
	static const char mine[] = "The applicant's own statement.\n";
	struct office nb, acme;
	struct file f;
	struct vt_response *r;
	long long s, p, u;
	const char *detail, *want;

	start(NULL);
	staff(&nb, "northbridge");
	acme.org = "acme";
	acme.cso = sign_in("acme", "cso");
	acme.applicant = sign_in("acme", "applicant");
	f = open_case(&nb, &nb.applicant, "Mira Matrix");
	s = put_text(&nb.cso, &f, "other", "Secret", "brief.txt", secret);
	p = put_text(&nb.cso, &f, "credit_report", "Protected B", "credit.txt", protb);
	u = put_text(&nb.applicant, &f, "other", "Unclassified", "statement.txt", mine);

	/* the Secret document */
	reads(&nb.cso, s, secret, strlen(secret));
	expect_error(get_doc(&nb.screening, s, NULL), 403, "forbidden");
	expect_error(meta(&nb.screening, s), 403, "forbidden");
	expect_error(get_doc(&nb.interviewer, s, NULL), 403, "forbidden");
	assign(&f, "screening", &nb.screening);
	reads(&nb.screening, s, secret, strlen(secret));
	expect_error(get_doc(&nb.applicant, s, NULL), 403, "forbidden");
	expect_error(meta(&nb.applicant, s), 403, "forbidden");
	expect_error(get_doc(&nb.applicant2, s, NULL), 404, "not_found");
	expect_error(get_doc(&acme.cso, s, NULL), 404, "not_found");
	expect_error(meta(&acme.cso, s), 404, "not_found");
	expect_error(get_doc(&acme.applicant, s, NULL), 404, "not_found");
	expect_error(get_doc(&nb.auditor, s, NULL), 403, "forbidden");
	reads(&nb.authority, s, secret, strlen(secret));

	/* the Protected B document: the auditor's ceiling */
	reads(&nb.auditor, p, protb, strlen(protb));
	expect(meta(&nb.auditor, p), 200);
	expect_error(get_doc(&nb.applicant, p, NULL), 403, "forbidden");

	/* the applicant's own upload */
	reads(&nb.applicant, u, mine, strlen(mine));
	reads(&nb.screening, u, mine, strlen(mine));
	expect_error(get_doc(&nb.applicant2, u, NULL), 404, "not_found");
	expect_error(get_doc(&acme.cso, u, NULL), 404, "not_found");

	/* the lists */
	cr_assert_str_eq(listed_ids(&nb.cso, &f), str("%lld,%lld,%lld", s, p, u));
	cr_assert_str_eq(listed_ids(&nb.screening, &f), str("%lld,%lld,%lld", s, p, u));
	cr_assert_str_eq(listed_ids(&nb.auditor, &f), str("%lld,%lld", p, u));
	cr_assert_str_eq(listed_ids(&nb.applicant, &f), str("%lld", u));
	expect_error(call(&nb.applicant2, "GET", str("%s/documents", f.path), NULL), 404,
		     "not_found");
	expect_error(call(&acme.cso, "GET", str("%s/documents", f.path), NULL), 404,
		     "not_found");

	/* every read answered, by whom; refusals as access.denied */
	r = audit(&nb.auditor, "document.read");
	cr_assert_eq(events_on(r, s, NULL), 3, "reads of %lld: %s", s, r->body);
	cr_assert_eq(events_on(r, s, &nb.cso), 1);
	cr_assert_eq(events_on(r, s, &nb.screening), 1);
	cr_assert_eq(events_on(r, s, &nb.authority), 1);
	cr_assert_eq(events_on(r, p, NULL), 1, "reads of %lld: %s", p, r->body);
	cr_assert_eq(events_on(r, p, &nb.auditor), 1);
	cr_assert_eq(events_on(r, u, NULL), 2, "reads of %lld: %s", u, r->body);
	cr_assert_eq(events_on(r, u, &nb.applicant), 1);
	cr_assert_eq(events_on(r, u, &nb.screening), 1);
	r = audit(&nb.auditor, "access.denied");
	cr_assert_geq(events_on(r, s, &nb.auditor), 1, "%s", r->body);
	cr_assert_geq(events_on(r, s, &nb.applicant), 1, "%s", r->body);
	r = audit(&nb.auditor, "document.upload");
	cr_assert_eq(events_on(r, s, &nb.cso), 1, "%s", r->body);
	cr_assert_eq(events_on(r, u, &nb.applicant), 1, "%s", r->body);
	r = audit(&nb.auditor, "document.meta");
	cr_assert_eq(events_on(r, p, &nb.auditor), 1, "%s", r->body);

	/* a read's detail names the document and its marking */
	r = audit(&nb.auditor, "document.read");
	detail = read_detail(r, p);
	want = str("document=%lld marking=Protected B", p);
	cr_assert_str_eq(detail, want, "the detail of a document.read has %s, not %s",
			 detail, want);
}

/* --- 7. two-person release ----------------------------------------------------- */

/* Four processes download document id with release rid at the same
 * moment; "<n> x 200, <m> x 403" (and what else came back). */
static const char *at_once(const struct vt_who *who, long long id, const char *rid,
			   const char *content, size_t len)
{
	enum { N = 4 };
	int go[2], out[2], i, status, ok = 0, refused = 0;
	long answer;
	const char *other = "";
	pid_t kids[N];

	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(out), 0);
	for (i = 0; i < N; i++) {
		kids[i] = fork();
		cr_assert_neq(kids[i], -1);
		if (kids[i] == 0) {
			struct vt_response *r;
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			r = get_doc(who, id, rid);
			answer = r->status;
			if (r->status == 200 && (r->len != len ||
						 memcmp(r->body, content, len) != 0))
				answer = -200;
			if (r->status == 403 && strcmp(or_none(vt_json_str(r, "error.code")),
						       "two_person_required") != 0)
				answer = -403;
			_exit(write(out[1], &answer, sizeof answer) == sizeof answer ? 0 : 1);
		}
	}
	close(go[0]);
	close(out[1]);
	close(go[1]);  /* the start: every child's read returns 0 */
	for (i = 0; i < N; i++) {
		cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		cr_assert_eq(read(out[0], &answer, sizeof answer), (ssize_t)sizeof answer);
		if (answer == 200)
			ok++;
		else if (answer == 403)
			refused++;
		else
			other = str("%s, %ld", other, answer);
	}
	close(out[0]);
	return str("%d x 200, %d x 403%s", ok, refused, other);
}

/*
 * A Top Secret document needs a release: without one 403
 * two_person_required; the cso requests one, cannot approve it, the
 * authority does; the cso downloads once with it, the second time is 403;
 * the release is the requester's only and runs out; four downloads racing
 * for one release get one document between them. Below Top Secret a release is
 * 409 not_needed.
 */
Test(documents, top_secret_needs_a_second_person_per_download)
{
	static const char ts[] = "Top Secret: the source's identity.\n";
	struct office nb;
	struct file f;
	struct vt_response *r;
	long long t, t2, p;
	const char *rid;
	char *big;
	size_t len;

	start(NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Tom Twoperson");
	assign(&f, "screening", &nb.screening);
	r = expect(upload(&nb.cso, &f, "interview_record", "Top Secret", "source.txt", NULL,
			  "text/plain", ts, strlen(ts)), 201);
	t = number(r, "document.id");
	cr_assert(json_is_true(vt_json_get(r, "document.two_person")), "%s", r->body);
	p = put_text(&nb.cso, &f, "other", "Protected B", "pb.txt", "Protected B.\n");

	/* the metadata is readable, the content is not */
	r = expect(meta(&nb.cso, t), 200);
	cr_assert(json_is_true(vt_json_get(r, "document.two_person")), "%s", r->body);
	expect_error(get_doc(&nb.cso, t, NULL), 403, "two_person_required");
	expect_error(get_doc(&nb.authority, t, NULL), 403, "two_person_required");
	expect_error(get_doc(&nb.screening, t, NULL), 403, "forbidden");
	expect_error(doc_post(&nb.cso, p, "/releases", json("{'reason': 'just because'}")),
		     409, "not_needed");
	expect_bad(doc_post(&nb.cso, t, "/releases", json("{'reason': ''}")), "reason");

	expect_error(doc_post(&nb.screening, t, "/releases", json("{'reason': 'curious'}")),
		     403, "forbidden");

	/* an API token is no person: it neither asks nor approves */
	{
		static const char body[] = "{\"reason\": \"automation\"}";
		char *out = NULL, hdr[200];
		const char *hdrs[] = { hdr, "Content-Type: application/json", NULL };
		size_t n;

		cr_assert_eq(vt_vetctl(&out, "token create --org northbridge --role cso"
				       " --name release-bot"), 0, "%s", out);
		n = strcspn(out, "\n");
		out[n] = '\0';
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", out);
		expect_error(vt_request("POST", str("/api/v1/documents/%lld/releases", t),
					hdrs, body, strlen(body)), 403,
			     "forbidden");
	}

	/* requested by the cso */
	r = expect(doc_post(&nb.cso, t, "/releases",
			    json("{'reason': 'the adjudicator asked for the source'}")), 201);
	rid = str("%lld", number(r, "release.id"));
	cr_assert_str_eq(text(r, "release.status"), "pending", "%s", r->body);
	cr_assert_eq(number(r, "release.document_id"), t);
	cr_assert(names(vt_json_str(r, "release.requested_by"), &nb.cso), "%s", r->body);
	cr_assert_str_eq(text(r, "release.reason"), "the adjudicator asked for the source");
	expect_error(get_doc(&nb.cso, t, rid), 403, "two_person_required");

	/* approved by someone else with the same access */
	expect_error(doc_post(&nb.cso, t, str("/releases/%s/approval", rid), "{}"), 403,
		     "same_person");
	expect_error(doc_post(&nb.screening, t, str("/releases/%s/approval", rid), "{}"), 403,
		     "forbidden");
	expect_error(doc_post(&nb.auditor, t, str("/releases/%s/approval", rid), "{}"), 403,
		     "forbidden");
	r = expect(doc_post(&nb.authority, t, str("/releases/%s/approval", rid), "{}"), 200);
	cr_assert_str_eq(text(r, "release.status"), "approved", "%s", r->body);
	cr_assert(names(vt_json_str(r, "release.approved_by"), &nb.authority), "%s", r->body);
	cr_assert(vt_json_str(r, "release.approved_at") != NULL, "%s", r->body);
	cr_assert(vt_json_str(r, "release.expires_at") != NULL, "%s", r->body);
	expect(doc_post(&nb.authority, t, str("/releases/%s/approval", rid), "{}"), 409);

	/* the release is the cso's, for one download */
	expect_error(get_doc(&nb.authority, t, rid), 403, "two_person_required");
	r = expect(get_doc(&nb.cso, t, rid), 200);
	cr_assert_eq(r->len, strlen(ts));
	cr_assert(memcmp(r->body, ts, r->len) == 0);
	expect_error(get_doc(&nb.cso, t, rid), 403, "two_person_required");
	expect_error(get_doc(&nb.cso, t, "999999"), 403, "two_person_required");
	expect_error(get_doc(&nb.cso, t, NULL), 403, "two_person_required");

	/* an approved release that ran out serves nothing */
	r = expect(doc_post(&nb.cso, t, "/releases", json("{'reason': 'later'}")), 201);
	rid = str("%lld", number(r, "release.id"));
	expect(doc_post(&nb.authority, t, str("/releases/%s/approval", rid), "{}"), 200);
	sql("UPDATE document_releases SET expires_at = '2001-01-01T00:00:00Z' WHERE id = %s",
	    rid);
	expect_error(get_doc(&nb.cso, t, rid), 403, "two_person_required");

	/* a release of a bigger document (each download takes a while),
	 * tried by four downloads at once: one gets it */
	big = text_with("Top Secret, at length.", 8 * MIB, &len);
	r = expect(upload(&nb.cso, &f, "interview_record", "Top Secret", "long.txt", NULL,
			  "text/plain", big, len), 201);
	t2 = number(r, "document.id");
	r = expect(doc_post(&nb.cso, t2, "/releases", json("{'reason': 'once more'}")), 201);
	rid = str("%lld", number(r, "release.id"));
	expect(doc_post(&nb.authority, t2, str("/releases/%s/approval", rid), "{}"), 200);
	cr_assert_str_eq(at_once(&nb.cso, t2, rid, big, len), "1 x 200, 3 x 403",
			 "one release served more than one download");

	/* audited */
	r = audit(&nb.auditor, "document.release.request");
	cr_assert_eq(events_on(r, t, &nb.cso), 2, "%s", r->body);
	cr_assert_eq(events_on(r, t2, &nb.cso), 1, "%s", r->body);
	r = audit(&nb.auditor, "document.release.approve");
	cr_assert_eq(events_on(r, t, &nb.authority), 2, "%s", r->body);
	r = audit(&nb.auditor, "document.read");
	cr_assert_eq(events_on(r, t, &nb.cso), 1, "%s", r->body);
	cr_assert_eq(events_on(r, t2, &nb.cso), 1, "%s", r->body);
}

/* --- 8. verification and translations ------------------------------------- */

static long long translation_items(const struct vt_who *who, struct file *f)
{
	struct vt_response *r = expect(call(who, "GET", str("%s/requirements", f->path),
					    NULL), 200);
	json_t *item;
	size_t i;
	long long n = 0;

	json_array_foreach(vt_json_get(r, "requirements"), i, item)
		n += strcmp(or_none(json_string_value(json_object_get(item, "code"))),
			    "translation_needed") == 0;
	return n;
}

/*
 * REGDOC 5.2.4 and 5.2: screening records how a copy was verified, once;
 * a birth certificate in Spanish makes the requirements ask for a
 * translation until a translation document is linked and verified; the
 * link must be a translation of the same case.
 */
Test(documents, verification_and_translation_link)
{
	static const char es[] = "Acta de nacimiento: Maria Lopez, Sevilla.\n";
	static const char en[] = "Birth certificate: Maria Lopez, Seville.\n";
	struct office nb;
	struct file f, other;
	struct vt_response *r;
	long long orig, tr, plain, foreign;

	start(NULL);
	staff(&nb, "northbridge");
	f = open_case(&nb, &nb.applicant, "Maria Lopez");
	other = open_case(&nb, &nb.applicant2, "Otto Other");
	assign(&f, "screening", &nb.screening);
	cr_assert_eq(translation_items(&nb.screening, &f), 0);

	r = expect(upload(&nb.applicant, &f, "birth_certificate", "Unclassified",
			  "acta.txt", "es", "text/plain", es, strlen(es)), 201);
	orig = number(r, "document.id");
	cr_assert_str_eq(text(r, "document.language"), "es", "%s", r->body);
	cr_assert_eq(translation_items(&nb.screening, &f), 1,
		     "a Spanish birth certificate needs a translation");
	cr_assert_eq(translation_items(&nb.applicant, &f), 1);

	/* verification: screening (assigned) or cso; once */
	expect_error(doc_post(&nb.applicant, orig, "/verification",
			      json("{'method': 'notarised'}")), 403, "forbidden");
	expect_error(doc_post(&nb.interviewer, orig, "/verification",
			      json("{'method': 'notarised'}")), 403, "forbidden");
	expect_bad(doc_post(&nb.screening, orig, "/verification",
			    json("{'method': 'looked_at_it'}")), "method");
	r = expect(doc_post(&nb.screening, orig, "/verification",
			    json("{'method': 'notarised', 'note': 'notary seal 2291'}")), 200);
	cr_assert_str_eq(text(r, "document.verification.method"), "notarised", "%s", r->body);
	cr_assert(names(vt_json_str(r, "document.verification.by"), &nb.screening), "%s",
		  r->body);
	cr_assert(vt_json_str(r, "document.verification.at") != NULL, "%s", r->body);
	cr_assert_str_eq(text(r, "document.verification.note"), "notary seal 2291");
	r = expect(meta(&nb.cso, orig), 200);
	cr_assert_str_eq(text(r, "document.verification.method"), "notarised", "%s", r->body);
	expect(doc_post(&nb.cso, orig, "/verification", json("{'method': 'original_seen'}")),
	       409);
	/* verifying the original is not translating it */
	cr_assert_eq(translation_items(&nb.screening, &f), 1);

	/* links that are not translations of this case */
	plain = put_text(&nb.applicant, &f, "other", "Unclassified", "other.txt", "Other.\n");
	foreign = put_text(&nb.applicant2, &other, "translation", "Unclassified", "tr.txt",
			   en);
	expect_bad(doc_post(&nb.screening, orig, "/translation", "{}"), "translation_id");
	expect(doc_post(&nb.screening, orig, "/translation",
			json("{'translation_id': %lld}", orig)), 422);
	expect(doc_post(&nb.screening, orig, "/translation",
			json("{'translation_id': %lld}", plain)), 422);
	expect(doc_post(&nb.screening, orig, "/translation",
			json("{'translation_id': %lld}", foreign)), 422);
	r = expect(doc_post(&nb.screening, orig, "/translation",
			    json("{'translation_id': 999999}")), 422);
	cr_assert_str_eq(text(r, "error.field"), "translation_id", "%s", r->body);
	r = expect(meta(&nb.cso, orig), 200);
	cr_assert(json_is_null(vt_json_get(r, "document.translation_id")), "%s", r->body);

	/* the translation: linked, then verified */
	r = expect(upload(&nb.applicant, &f, "translation", "Unclassified", "translation.txt",
			  "en", "text/plain", en, strlen(en)), 201);
	tr = number(r, "document.id");
	cr_assert_eq(translation_items(&nb.screening, &f), 1, "an English translation of"
		     " nothing does not itself need a translation, and the original still does");
	r = expect(doc_post(&nb.screening, orig, "/translation",
			    json("{'translation_id': %lld}", tr)), 200);
	cr_assert_eq(number(r, "document.translation_id"), tr);
	cr_assert_eq(translation_items(&nb.screening, &f), 1,
		     "a translation nobody verified does not count");
	expect(doc_post(&nb.screening, tr, "/verification",
			json("{'method': 'trusted_third_party'}")), 200);
	cr_assert_eq(translation_items(&nb.screening, &f), 0,
		     "the verified translation is linked; nothing is needed");
	cr_assert_eq(translation_items(&nb.applicant, &f), 0);
	r = expect(meta(&nb.applicant, orig), 200);
	cr_assert_eq(number(r, "document.translation_id"), tr);
	cr_assert_str_eq(text(r, "document.language"), "es");

	r = audit(&nb.auditor, "document.verify");
	cr_assert_eq(events_on(r, orig, &nb.screening), 1, "%s", r->body);
	cr_assert_eq(events_on(r, tr, &nb.screening), 1, "%s", r->body);
	r = audit(&nb.auditor, "document.translation");
	cr_assert_eq(events_on(r, orig, &nb.screening), 1, "%s", r->body);
}

/* --- 9. key rotation ----------------------------------------------------------- */

struct tally {
	long long ok, failed;
	long status;        /* of the first failure */
	char body[200];
};

/* In a child: download id as who until told to stop through stop_fd (at
 * least min times), checking every byte; the tally goes to out_fd. */
static void download_loop(const struct vt_who *who, long long id, const char *doc,
			  size_t len, int stop_fd, int out_fd, long long min)
{
	struct tally t = { 0, 0, 0, "" };
	struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };
	struct vt_response *r;
	long long i;

	for (i = 0; i < 3000; i++) {
		if (i >= min && poll(&pfd, 1, 0) > 0)
			break;
		r = vt_call("GET", str("/api/v1/documents/%lld", id), who, NULL, NULL);
		if (r->status == 200 && r->len == len && memcmp(r->body, doc, len) == 0) {
			t.ok++;
		} else {
			if (t.failed++ == 0) {
				t.status = r->status;
				snprintf(t.body, sizeof t.body, "%.*s",
					 (int)(r->len < 150 ? r->len : 150), r->body);
			}
		}
	}
	_exit(write(out_fd, &t, sizeof t) == (ssize_t)sizeof t ? 0 : 1);
}

/* The line of `keys versions` for version v, or NULL. */
static const char *version_line(const char *out, int v)
{
	const char *line, *prefix = str("%d ", v);

	for (line = out; line != NULL && *line != '\0'; ) {
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			return str("%.*s", (int)strcspn(line, "\n"), line);
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return NULL;
}

/*
 * vetctl keys rotate, twice, then keys retire of the two old versions,
 * while another process downloads the document in a loop: no download
 * fails or differs; the document's key is then wrapped under version 3,
 * the only one left (the current one cannot be retired), and everything
 * still reads and writes.
 */
Test(documents, key_rotation_under_downloads_loses_nothing)
{
	struct office nb = { .org = "northbridge" };
	struct file f;
	struct vt_response *r;
	size_t len;
	char *doc = text_with(marker(), 150 * 1024, &len);
	char *out = NULL;
	int stop[2], result[2], status, rc;
	long long id, id2, v0;
	struct tally t;
	struct stat st;
	pid_t kid;

	start(NULL);
	nb.cso = sign_in("northbridge", "cso");
	nb.applicant = sign_in("northbridge", "applicant");
	f = open_case(&nb, &nb.applicant, "Kai Keys");
	r = expect(upload(&nb.cso, &f, "other", "Secret", "keys.txt", NULL, "text/plain",
			  doc, len), 201);
	id = number(r, "document.id");
	v0 = number(r, "document.key_version");
	cr_assert_eq(v0, 1, "the first master key is version 1: %s", r->body);
	cr_assert_eq(stat(str("%s.keys/master", vt.db), &st), 0, "no key file: %s",
		     strerror(errno));
	cr_assert_eq(st.st_mode & 077, 0, "the key file is mode %o", st.st_mode & 0777);
	cr_assert_neq(vt_vetctl(&out, "keys retire 1"), 0, "the current version was retired:"
		      " %s", out);

	cr_assert_eq(pipe(stop), 0);
	cr_assert_eq(pipe(result), 0);
	kid = fork();
	cr_assert_neq(kid, -1);
	if (kid == 0) {
		close(stop[1]);
		close(result[0]);
		download_loop(&nb.cso, id, doc, len, stop[0], result[1], 300);
	}
	close(stop[0]);
	close(result[1]);

	/* while the downloads run: rotate, rotate, then retire the old ones */
	vt_sleep_ms(150);
	rc = vt_vetctl(&out, "keys rotate");
	cr_assert_eq(rc, 0, "keys rotate: exit %d: %s", rc, out);
	cr_assert_not_null(strstr(out, "master key version 2: 1 document keys rewrapped"),
			   "%s", out);
	vt_sleep_ms(150);
	rc = vt_vetctl(&out, "keys rotate");
	cr_assert_eq(rc, 0, "keys rotate: exit %d: %s", rc, out);
	cr_assert_not_null(strstr(out, "master key version 3: 1 document keys rewrapped"),
			   "%s", out);
	rc = vt_vetctl(&out, "keys versions");
	cr_assert_eq(rc, 0, "keys versions: exit %d: %s", rc, out);
	cr_assert_eq(strncmp(or_none(version_line(out, 1)), "1 0", 3), 0, "%s", out);
	cr_assert_eq(strncmp(or_none(version_line(out, 2)), "2 0", 3), 0, "%s", out);
	cr_assert_eq(strncmp(or_none(version_line(out, 3)), "3 1", 3), 0, "%s", out);
	vt_sleep_ms(150);
	rc = vt_vetctl(&out, "keys retire 1");
	cr_assert_eq(rc, 0, "keys retire 1: exit %d: %s", rc, out);
	vt_sleep_ms(150);
	rc = vt_vetctl(&out, "keys retire 2");
	cr_assert_eq(rc, 0, "keys retire 2: exit %d: %s", rc, out);
	cr_assert_eq(waitpid(kid, &status, WNOHANG), 0,
		     "the downloads were over before the key changes: raise their number");
	vt_sleep_ms(150);
	cr_assert_eq(write(stop[1], "x", 1), 1);
	cr_assert_eq(waitpid(kid, &status, 0), kid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the downloader died");
	cr_assert_eq(read(result[0], &t, sizeof t), (ssize_t)sizeof t);
	close(stop[1]);
	close(result[0]);
	cr_assert_eq(t.failed, 0, "%lld of %lld downloads failed; the first: %ld %s",
		     t.failed, t.ok + t.failed, t.status, t.body);
	cr_assert_geq(t.ok, 300);

	/* the document's key is under version 3, the only one left */
	r = expect(meta(&nb.cso, id), 200);
	cr_assert_eq(number(r, "document.key_version"), 3, "%s", r->body);
	cr_assert_neq(vt_vetctl(&out, "keys retire 3"), 0, "the current version went: %s",
		      out);
	rc = vt_vetctl(&out, "keys versions");
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert_null(version_line(out, 1), "%s", out);
	cr_assert_null(version_line(out, 2), "%s", out);
	cr_assert_eq(strncmp(or_none(version_line(out, 3)), "3 1", 3), 0, "%s", out);

	/* reads and writes go on */
	reads(&nb.cso, id, doc, len);
	r = expect(upload(&nb.cso, &f, "other", "Secret", "after.txt", NULL, "text/plain",
			  "after the rotation\n", 19), 201);
	id2 = number(r, "document.id");
	cr_assert_eq(number(r, "document.key_version"), 3, "%s", r->body);
	reads(&nb.cso, id2, "after the rotation\n", 19);
}

/* --- 10. shredding -------------------------------------------------------------- */

static size_t unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;

	cr_assert_eq(sodium_hex2bin(out, max, hex, strlen(hex), NULL, &n, NULL), 0,
		     "not hex: %s", hex);
	return n;
}

/*
 * The authority destroys a document by order: it is 410 shredded from then
 * on; its ciphertext file is gone; its wrapped key is in no file of the
 * stack (database, WAL) any more; a copy of the ciphertext put back yields
 * nothing. Others may not shred; a legal hold on the case or on the
 * person stops it.
 */
Test(documents, shredding_destroys_the_key_and_the_file)
{
	struct office nb;
	struct file f;
	struct vt_response *r;
	const char *mark = marker(), *before, *name, *wrapped_hex, *hit, *shred;
	unsigned char wrapped[256];
	size_t len, wlen, clen;
	char *doc = text_with(mark, 100 * 1024, &len), *cipher;
	long long id, keep_id, hold;
	struct vt_who acme_authority;

	start(NULL);
	staff(&nb, "northbridge");
	acme_authority = sign_in("acme", "authority");
	f = open_case(&nb, &nb.applicant, "Sam Shred");
	before = docs_files();
	r = expect(upload(&nb.cso, &f, "other", "Protected B", "shred-me.txt", NULL,
			  "text/plain", doc, len), 201);
	id = number(r, "document.id");
	name = new_file(before, docs_files());
	keep_id = put_text(&nb.cso, &f, "other", "Protected B", "keep-me.txt", "Kept.\n");
	cipher = read_all(str("%s/%s", docs_dir(), name), &clen);
	cr_assert_not_null(cipher);
	wrapped_hex = sql("SELECT hex(wrapped_key) FROM documents WHERE id = %lld", id);
	wlen = unhex(wrapped_hex, wrapped, sizeof wrapped);
	cr_assert_geq(wlen, 32, "wrapped key of %zu bytes: %s", wlen, wrapped_hex);
	cr_assert_not_null(find_bytes(vt.dir, wrapped, wlen),
			   "the wrapped key is not found in the stack's files before shredding"
			   " (the search does not work)");

	/* not everyone's to shred; not while held */
	shred = json("{'reason': 'retention period over', 'order': 'ORD-2025-117'}");
	expect_error(doc_post(&nb.cso, id, "/destruction", shred), 403, "forbidden");
	expect_error(doc_post(&nb.screening, id, "/destruction", shred), 403, "forbidden");
	expect_error(doc_post(&nb.auditor, id, "/destruction", shred), 403, "forbidden");
	expect_bad(doc_post(&nb.authority, id, "/destruction",
			    json("{'reason': 'retention period over'}")), "order");
	expect_bad(doc_post(&nb.authority, id, "/destruction",
			    json("{'reason': '', 'order': 'ORD-1'}")), "reason");
	r = expect(call(&nb.cso, "POST", "/api/v1/holds",
			json("{'kind': 'case', 'id': %lld, 'reason': 'litigation'}", f.id)), 201);
	hold = number(r, "hold.id");
	expect_error(doc_post(&nb.authority, id, "/destruction", shred), 409, "held");
	reads(&nb.cso, id, doc, len);
	expect(call(&nb.cso, "POST", str("/api/v1/holds/%lld/lift", hold),
		    json("{'reason': 'settled'}")), 200);
	r = expect(call(&nb.cso, "POST", "/api/v1/holds",
			json("{'kind': 'person', 'id': %lld, 'reason': 'inquiry'}", f.person)),
		   201);
	hold = number(r, "hold.id");
	expect_error(doc_post(&nb.authority, id, "/destruction", shred), 409, "held");
	expect(call(&nb.cso, "POST", str("/api/v1/holds/%lld/lift", hold),
		    json("{'reason': 'closed'}")), 200);
	expect_error(doc_post(&acme_authority, id, "/destruction", shred), 404, "not_found");
	reads(&nb.cso, id, doc, len);

	/* shredded */
	r = expect(doc_post(&nb.authority, id, "/destruction", shred), 200);
	cr_assert_str_eq(text(r, "document.shredded.reason"), "retention period over",
			 "%s", r->body);
	cr_assert_str_eq(text(r, "document.shredded.order"), "ORD-2025-117");
	cr_assert(names(vt_json_str(r, "document.shredded.by"), &nb.authority), "%s", r->body);
	cr_assert(vt_json_str(r, "document.shredded.at") != NULL, "%s", r->body);
	expect_error(get_doc(&nb.cso, id, NULL), 410, "shredded");
	expect_error(get_doc(&nb.authority, id, NULL), 410, "shredded");
	r = expect(meta(&nb.cso, id), 200);
	cr_assert_str_eq(text(r, "document.shredded.order"), "ORD-2025-117", "%s", r->body);

	/* the file and the key are gone, from every file of the stack */
	cr_assert_eq(access(str("%s/%s", docs_dir(), name), F_OK), -1,
		     "the ciphertext %s is still there", name);
	cr_assert_null(strstr(docs_files(), name));
	cr_assert_eq(count_items(docs_files()), 1, "[%s]", docs_files());
	cr_assert(!file_holds(vt.db, wrapped, wlen), "the database file holds the wrapped key");
	cr_assert(!file_holds(str("%s-wal", vt.db), wrapped, wlen),
		  "the WAL holds the wrapped key");
	cr_assert_null(hit = find_bytes(vt.dir, wrapped, wlen), "%s holds the wrapped key",
		       hit);
	cr_assert_null(hit = find_text(vt.dir, wrapped_hex), "%s holds the wrapped key in hex",
		       hit);
	cr_assert_null(hit = find_text(vt.dir, mark), "%s holds the plaintext", hit);

	/* a saved copy of the ciphertext, put back, gives nothing */
	write_all(str("%s/%s", docs_dir(), name), cipher, clen);
	r = get_doc(&nb.cso, id, NULL);
	expect_error(r, 410, "shredded");
	cr_assert_null(memmem(r->body, r->len, mark, strlen(mark)));
	r = get_doc(&nb.authority, id, NULL);
	cr_assert_null(memmem(r->body, r->len, mark, strlen(mark)));
	cr_assert_neq(r->status, 200);

	/* the other document is untouched */
	reads(&nb.cso, keep_id, "Kept.\n", 6);
	r = audit(&nb.auditor, "document.shred");
	cr_assert_eq(events_on(r, id, &nb.authority), 1, "%s", r->body);

	/* once is enough: what is gone stays gone */
	expect_error(doc_post(&nb.authority, id, "/destruction", shred), 410,
		     "shredded");
}

/* --- 11. bad input ---------------------------------------------------------------- */

/*
 * Every malformed or unauthorised upload is refused with its status and
 * changes nothing: unknown kind or marking, no filename, a bad language,
 * another organization's case, a case that does not exist, a marking above
 * the uploader's ceiling, an uploader who does not do casework. The same
 * upload done right is then taken.
 */
Test(documents, bad_uploads_are_refused_and_store_nothing)
{
	static const char note[] = "A note.\n";
	const size_t n = sizeof note - 1;
	struct office nb, acme;
	struct file f;
	struct vt_response *r;

	start(NULL);
	staff(&nb, "northbridge");
	acme.org = "acme";
	acme.cso = sign_in("acme", "cso");
	f = open_case(&nb, &nb.applicant, "Bea Bad");

	expect_bad(upload(&nb.cso, &f, "diary", "Protected A", "a.txt", NULL, "text/plain",
			  note, n), "kind");
	expect_bad(upload(&nb.cso, &f, "", "Protected A", "a.txt", NULL, "text/plain",
			  note, n), "kind");
	expect_bad(upload(&nb.cso, &f, "other", "Cosmic", "a.txt", NULL, "text/plain",
			  note, n), "classification");
	expect_bad(upload(&nb.cso, &f, "other", "protected a", "a.txt", NULL, "text/plain",
			  note, n), "classification");
	expect_bad(upload(&nb.cso, &f, "other", "SECRET", "a.txt", NULL, "text/plain",
			  note, n), "classification");
	expect_bad(upload_raw(&nb.cso, f.path, "kind=other&classification=Secret",
			      "text/plain", note, n, false), "filename");
	expect_bad(upload_raw(&nb.cso, f.path, "filename=a.txt&classification=Secret",
			      "text/plain", note, n, false), "kind");
	expect_bad(upload_raw(&nb.cso, f.path, "kind=other&filename=a.txt",
			      "text/plain", note, n, false), "classification");
	expect_bad(upload(&nb.cso, &f, "other", "Protected A", "a.txt", "ES", "text/plain",
			  note, n), "language");
	expect_bad(upload(&nb.cso, &f, "other", "Protected A", "a.txt", "e", "text/plain",
			  note, n), "language");
	expect_bad(upload(&nb.cso, &f, "other", "Protected A", "a.txt", "english",
			  "text/plain", note, n), "language");
	expect_bad(upload(&nb.cso, &f, "other", "Protected A", "a.txt", "e1", "text/plain",
			  note, n), "language");

	/* not there, or not theirs */
	expect_error(upload(&acme.cso, &f, "other", "Protected A", "a.txt", NULL, "text/plain",
			    note, n), 404, "not_found");
	expect_error(upload_raw(&nb.cso, "/api/v1/cases/999999",
				doc_query("other", "Protected A", "a.txt", NULL), "text/plain",
				note, n, false), 404, "not_found");
	expect_error(upload_raw(&nb.cso, "/api/v1/appeals/999999",
				doc_query("other", "Protected A", "a.txt", NULL), "text/plain",
				note, n, false), 404, "not_found");
	expect_error(upload(&nb.applicant2, &f, "other", "Unclassified", "a.txt", NULL,
			    "text/plain", note, n), 404, "not_found");

	/* above the uploader's ceiling, or not the uploader's to do */
	expect_error(upload(&nb.applicant, &f, "other", "Protected A", "a.txt", NULL,
			    "text/plain", note, n), 403, "forbidden");
	expect_error(upload(&nb.applicant, &f, "other", "Secret", "a.txt", NULL,
			    "text/plain", note, n), 403, "forbidden");
	expect_error(upload(&nb.screening, &f, "other", "Protected A", "a.txt", NULL,
			    "text/plain", note, n), 403, "forbidden");
	assign(&f, "screening", &nb.screening);
	expect_error(upload(&nb.screening, &f, "other", "Top Secret", "a.txt", NULL,
			    "text/plain", note, n), 403, "forbidden");
	expect_error(upload(&nb.auditor, &f, "other", "Unclassified", "a.txt", NULL,
			    "text/plain", note, n), 403, "forbidden");
	expect_error(upload(&nb.admin, &f, "other", "Unclassified", "a.txt", NULL,
			    "text/plain", note, n), 403, "forbidden");

	/* nothing was stored */
	cr_assert_str_eq(docs_files(), "", "left in the documents directory: %s", docs_files());
	cr_assert_str_eq(listed_ids(&nb.cso, &f), "");
	cr_assert_eq(sql_number("SELECT count(*) FROM documents"), 0);

	/* done right, each is taken */
	r = expect(upload(&nb.screening, &f, "other", "Secret", "a.txt", "fr", "text/plain",
			  note, n), 201);
	cr_assert_str_eq(text(r, "document.language"), "fr");
	expect(upload(&nb.applicant, &f, "passport", "Unclassified", "passport.txt", "spa",
		      "text/plain", note, n), 201);
	cr_assert_eq(count_items(listed_ids(&nb.cso, &f)), 2);
	cr_assert_eq(count_items(docs_files()), 2, "[%s]", docs_files());
}

/* --- 12. tampering ------------------------------------------------------------ */

/*
 * A ciphertext altered by one bit, or cut short, is 500 integrity with
 * none of the document's bytes in the answer; put back whole, it reads.
 */
Test(documents, altered_or_truncated_ciphertext_is_refused)
{
	struct office nb = { .org = "northbridge" };
	struct file f;
	struct vt_response *r;
	const char *mark = marker(), *path, *before;
	size_t len, clen;
	char *doc = text_with(mark, 200 * 1024, &len), *cipher, *bad;
	long long id;

	start(NULL);
	nb.cso = sign_in("northbridge", "cso");
	nb.applicant = sign_in("northbridge", "applicant");
	f = open_case(&nb, &nb.applicant, "Ted Tamper");
	before = docs_files();
	id = number(expect(upload(&nb.cso, &f, "other", "Protected B", "t.txt", NULL,
				  "text/plain", doc, len), 201), "document.id");
	path = str("%s/%s", docs_dir(), new_file(before, docs_files()));
	cipher = read_all(path, &clen);
	cr_assert_not_null(cipher);
	bad = keep(malloc(clen));

	/* one bit in the last chunk: the first chunks would decrypt fine */
	memcpy(bad, cipher, clen);
	bad[clen - 40] ^= 0x01;
	write_all(path, bad, clen);
	r = expect_error(get_doc(&nb.cso, id, NULL), 500, "integrity");
	cr_assert_null(memmem(r->body, r->len, mark, strlen(mark)), "plaintext was sent");

	/* cut short: into the final chunk's tag, and mid-way */
	write_all(path, cipher, clen - 17);
	r = expect_error(get_doc(&nb.cso, id, NULL), 500, "integrity");
	cr_assert_null(memmem(r->body, r->len, mark, strlen(mark)), "plaintext was sent");
	write_all(path, cipher, clen / 2);
	r = expect_error(get_doc(&nb.cso, id, NULL), 500, "integrity");
	cr_assert_null(memmem(r->body, r->len, mark, strlen(mark)), "plaintext was sent");

	/* the final chunk dropped whole: the file ends where a chunk ends
	 * (the layout of core/vault.h: magic, secretstream header, chunks of
	 * VAULT_CHUNK plaintext bytes plus their tag) */
	write_all(path, cipher, 8 + crypto_secretstream_xchacha20poly1305_HEADERBYTES +
		  (len / 65536) * (65536 + crypto_secretstream_xchacha20poly1305_ABYTES));
	r = expect_error(get_doc(&nb.cso, id, NULL), 500, "integrity");
	cr_assert_null(memmem(r->body, r->len, mark, strlen(mark)), "plaintext was sent");

	/* an empty file where the ciphertext was */
	write_all(path, "", 0);
	expect_error(get_doc(&nb.cso, id, NULL), 500, "integrity");

	write_all(path, cipher, clen);
	reads(&nb.cso, id, doc, len);
}
