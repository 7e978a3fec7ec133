/*
 * audit: the hash-chained audit trail and its checkpoints. See audit.h.
 *
 * Canonical form of an event, hashed after the previous event's 32-byte
 * hash: the line "vetd-audit-v1", then each field as "<length>:<bytes>\n"
 * in this order: id, ts, actor, org_id ("" when none), action, target,
 * client_addr, request_id, detail (compact JSON with sorted keys). Length
 * prefixes make the encoding unambiguous whatever the fields contain.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "auditspool.h"
#include "log.h"
#include "util.h"

#define CHECKPOINT_FORMAT	"vetd-audit-checkpoint-1"

static void
canon_field(crypto_hash_sha256_state *h, const char *s, size_t n)
{
	char	len[24];
	int	m;

	m = snprintf(len, sizeof(len), "%zu:", n);
	crypto_hash_sha256_update(h, (const unsigned char *)len, (size_t)m);
	crypto_hash_sha256_update(h, (const unsigned char *)s, n);
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

static void
canon_str(crypto_hash_sha256_state *h, const char *s)
{
	canon_field(h, s ? s : "", s ? strlen(s) : 0);
}

static void
canon_ll(crypto_hash_sha256_state *h, long long v, int none)
{
	char	num[24];

	if (none)
		num[0] = '\0';
	else
		snprintf(num, sizeof(num), "%lld", v);
	canon_str(h, num);
}

/* The fields of one stored row, as hashed. */
struct row {
	long long	 id;
	const char	*ts;
	const char	*actor;
	long long	 org_id;
	int		 org_none;
	const char	*action;
	const char	*target;
	const char	*addr;
	const char	*rid;
	const char	*detail;
};

static void
row_hash(const unsigned char prev[32], const struct row *r,
    unsigned char out[32])
{
	crypto_hash_sha256_state	h;

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, prev, 32);
	crypto_hash_sha256_update(&h, (const unsigned char *)"vetd-audit-v1\n",
	    14);
	canon_ll(&h, r->id, 0);
	canon_str(&h, r->ts);
	canon_str(&h, r->actor);
	canon_ll(&h, r->org_id, r->org_none);
	canon_str(&h, r->action);
	canon_str(&h, r->target);
	canon_str(&h, r->addr);
	canon_str(&h, r->rid);
	canon_str(&h, r->detail);
	crypto_hash_sha256_final(&h, out);
}

int
audit_append(struct store *st, const struct audit_event *ev)
{
	return audit_append_at(st, ev, NULL, NULL, NULL);
}

int
audit_append_at(struct store *st, const struct audit_event *ev,
    const char *when, const char *detail_text, struct audit_head *head)
{
	static const char head_sql[] =
	    "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1";
	static const char ins_sql[] = "INSERT INTO audit_events (id, ts,"
	    " actor, org_id, action, target, client_addr, request_id, detail,"
	    " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt	*s;
	unsigned char	 prev[32] = { 0 }, hash[32];
	char		 ts[40], *detail = NULL;
	struct row	 r;
	int		 rc = -1;

	r.id = 1;
	if (head != NULL && head->known) {
		r.id = head->id + 1;
		memcpy(prev, head->hash, 32);
	} else {
		if ((s = store_prepare(st, head_sql)) == NULL)
			return -1;
		switch (sqlite3_step(s)) {
		case SQLITE_ROW:
			r.id = sqlite3_column_int64(s, 0) + 1;
			if (sqlite3_column_bytes(s, 1) == 32)
				memcpy(prev, sqlite3_column_blob(s, 1), 32);
			break;
		case SQLITE_DONE:
			break;
		default:
			store_done(s);
			return -1;
		}
		store_done(s);
	}

	if (when != NULL)
		snprintf(ts, sizeof(ts), "%s", when);
	else
		util_now_iso(ts, sizeof(ts));
	if (detail_text != NULL)
		detail = xstrdup(detail_text);
	else if ((detail = audit_detail_text(ev->detail)) == NULL)
		return -1;
	r.ts = ts;
	r.actor = ev->actor ? ev->actor : "system";
	r.org_id = ev->org_id;
	r.org_none = ev->org_id == 0;
	r.action = ev->action;
	r.target = ev->target ? ev->target : "";
	r.addr = ev->client_addr ? ev->client_addr : "";
	r.rid = ev->request_id ? ev->request_id : "";
	r.detail = detail;
	row_hash(prev, &r, hash);

	if ((s = store_prepare(st, ins_sql)) == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, r.id);
	sqlite3_bind_text(s, 2, r.ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r.actor, -1, SQLITE_STATIC);
	if (r.org_none)
		sqlite3_bind_null(s, 4);
	else
		sqlite3_bind_int64(s, 4, r.org_id);
	sqlite3_bind_text(s, 5, r.action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, r.target, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, r.addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, r.rid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, r.detail, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 10, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 11, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_error("event=audit_append_failed error=%s",
		    log_quote_tmp(sqlite3_errmsg(store_db(st))));
	else if (head != NULL) {
		head->known = 1;
		head->id = r.id;
		memcpy(head->hash, hash, 32);
	}
	store_done(s);
out:
	free(detail);
	return rc;
}

char *
audit_detail_text(json_t *detail)
{
	return detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_ENSURE_ASCII) : xstrdup("{}");
}

int
audit_record(struct store *st, const struct audit_event *ev)
{
	int	rc = 0;

	if (sqlite3_txn_state(store_db(st), NULL) == SQLITE_TXN_WRITE) {
		log_error("event=audit_record_in_transaction");
		return -1;
	}
	/* A worker's reads wait in its spool for a group commit; when there
	 * is no spool, or it cannot be written, commit here, ending a read
	 * snapshot the caller may hold (store_read_begin). */
	if (auditspool_add(ev) == 0)
		return 0;
	store_read_end(st);
	/*
	 * A record of a read or a refusal changes nothing else, so it is
	 * committed without its own fsync (store_relaxed): it survives a
	 * crash of vetd, and the next change's commit takes it to the disk.
	 * The chain cannot get a hole: the WAL is written in order.
	 */
	store_relaxed(st, 1);
	if (store_begin(st) == -1) {
		rc = -1;
		goto out;
	}
	if (audit_append(st, ev) == -1 || store_commit(st) == -1) {
		store_rollback(st);
		rc = -1;
	}
out:
	store_relaxed(st, 0);
	return rc;
}

static const char *
coltext(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

int
audit_verify(struct store *st, struct audit_verify_result *res)
{
	static const char sql[] = "SELECT id, ts, actor, org_id, action,"
	    " target, client_addr, request_id, detail, prev_hash, hash"
	    " FROM audit_events ORDER BY id";
	sqlite3_stmt	*s;
	unsigned char	 prev[32] = { 0 }, want[32];
	long long	 last_id = 0;
	struct row	 r;
	int		 rc;

	memset(res, 0, sizeof(*res));
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(s, 0);
		r.ts = coltext(s, 1);
		r.actor = coltext(s, 2);
		r.org_none = sqlite3_column_type(s, 3) == SQLITE_NULL;
		r.org_id = sqlite3_column_int64(s, 3);
		r.action = coltext(s, 4);
		r.target = coltext(s, 5);
		r.addr = coltext(s, 6);
		r.rid = coltext(s, 7);
		r.detail = coltext(s, 8);
		res->bad_id = r.id;
		if (r.id != last_id + 1) {
			snprintf(res->reason, sizeof(res->reason), "event %lld "
			    "follows event %lld: events are missing or were "
			    "inserted", r.id, last_id);
			break;
		}
		if (sqlite3_column_bytes(s, 9) != 32 ||
		    memcmp(sqlite3_column_blob(s, 9), prev, 32) != 0) {
			snprintf(res->reason, sizeof(res->reason), "event %lld "
			    "does not chain to the event before it", r.id);
			break;
		}
		row_hash(prev, &r, want);
		if (sqlite3_column_bytes(s, 10) != 32 ||
		    memcmp(sqlite3_column_blob(s, 10), want, 32) != 0) {
			snprintf(res->reason, sizeof(res->reason), "event %lld "
			    "was modified", r.id);
			break;
		}
		memcpy(prev, want, 32);
		last_id = r.id;
		res->count++;
		res->bad_id = 0;
	}
	store_done(s);
	if (res->bad_id != 0)
		return 1;
	if (rc != SQLITE_DONE)
		return -1;
	memcpy(res->head, prev, 32);
	res->head_id = last_id;
	return 0;
}

int
audit_key_load(const char *path, unsigned char *sk,
    char *err, size_t errlen)
{
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	char		 hex[crypto_sign_SECRETKEYBYTES * 2 + 2];
	size_t		 binlen;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		crypto_sign_keypair(pk, sk);
		sodium_bin2hex(hex, sizeof(hex), sk, crypto_sign_SECRETKEYBYTES);
		hex[crypto_sign_SECRETKEYBYTES * 2] = '\n';
		n = write(fd, hex, crypto_sign_SECRETKEYBYTES * 2 + 1);
		if (n != crypto_sign_SECRETKEYBYTES * 2 + 1 || fsync(fd) == -1)
			snprintf(err, errlen, "%s: cannot write", path);
		else
			rc = 0;
		close(fd);
		sodium_memzero(hex, sizeof(hex));
		return rc;
	}
	n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < crypto_sign_SECRETKEYBYTES * 2) {
		snprintf(err, errlen, "%s: not a signing key", path);
		goto out;
	}
	if (sodium_hex2bin(sk, crypto_sign_SECRETKEYBYTES, hex,
	    crypto_sign_SECRETKEYBYTES * 2, NULL, &binlen, NULL) != 0 ||
	    binlen != crypto_sign_SECRETKEYBYTES) {
		snprintf(err, errlen, "%s: not a signing key", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

static char *
checkpoint_message(long long count, long long head_id, const char *head_hex,
    const char *created)
{
	return xasprintf("%s\n%lld\n%lld\n%s\n%s", CHECKPOINT_FORMAT, count,
	    head_id, head_hex, created);
}

int
audit_checkpoint(struct store *st, const char *keyfile, FILE *out, char *err,
    size_t errlen)
{
	struct audit_verify_result	 r;
	unsigned char			 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char			 sig[crypto_sign_BYTES];
	char				 head[65], pkhex[65], sighex[129];
	char				 created[40], *msg, *text;
	json_t				*j;
	int				 rc;

	if ((rc = audit_verify(st, &r)) != 0) {
		snprintf(err, errlen, rc == 1 ? "the audit trail is broken at "
		    "event %lld (%s); no checkpoint written" : "database error",
		    r.bad_id, r.reason);
		return -1;
	}
	if (audit_key_load(keyfile, sk, err, errlen) == -1)
		return -1;
	sodium_bin2hex(head, sizeof(head), r.head, 32);
	sodium_bin2hex(pkhex, sizeof(pkhex), sk + crypto_sign_SEEDBYTES,
	    crypto_sign_PUBLICKEYBYTES);
	util_now_iso(created, sizeof(created));
	msg = checkpoint_message(r.count, r.head_id, head, created);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg),
	    sk);
	sodium_memzero(sk, sizeof(sk));
	free(msg);
	sodium_bin2hex(sighex, sizeof(sighex), sig, sizeof(sig));
	j = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "format",
	    CHECKPOINT_FORMAT, "count", (json_int_t)r.count, "head_id",
	    (json_int_t)r.head_id, "head_hash", head, "created_at", created,
	    "public_key", pkhex, "signature", sighex);
	text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (text == NULL || fprintf(out, "%s\n", text) < 0 || fflush(out) != 0) {
		free(text);
		snprintf(err, errlen, "cannot write the checkpoint");
		return -1;
	}
	free(text);
	return 0;
}

int
audit_verify_checkpoint(struct store *st, const char *file,
    const char *pubkey_hex, struct audit_verify_result *r, char *err,
    size_t errlen)
{
	static const char sql[] = "SELECT hash FROM audit_events WHERE id = ?";
	json_error_t	 jerr;
	json_t		*j;
	json_int_t	 count, head_id;
	const char	*fmt, *head, *created, *pk, *sig;
	unsigned char	 pkb[crypto_sign_PUBLICKEYBYTES], sigb[crypto_sign_BYTES];
	unsigned char	 headb[32];
	sqlite3_stmt	*s;
	char		*msg;
	int		 rc = -1, vr;

	if ((j = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		snprintf(err, errlen, "%s: %s", file, jerr.text);
		return -1;
	}
	if (json_unpack(j, "{s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "format", &fmt,
	    "count", &count, "head_id", &head_id, "head_hash", &head,
	    "created_at", &created, "public_key", &pk, "signature", &sig) != 0 ||
	    strcmp(fmt, CHECKPOINT_FORMAT) != 0 ||
	    sodium_hex2bin(pkb, sizeof(pkb), pk, strlen(pk), NULL, NULL, NULL) ||
	    sodium_hex2bin(sigb, sizeof(sigb), sig, strlen(sig), NULL, NULL,
	    NULL) ||
	    sodium_hex2bin(headb, sizeof(headb), head, strlen(head), NULL, NULL,
	    NULL)) {
		snprintf(err, errlen, "%s: not a vetd audit checkpoint", file);
		goto out;
	}
	if (pubkey_hex != NULL && strcasecmp(pubkey_hex, pk) != 0) {
		snprintf(err, errlen, "%s: signed by another key", file);
		goto out;
	}
	msg = checkpoint_message(count, head_id, head, created);
	vr = crypto_sign_verify_detached(sigb, (const unsigned char *)msg,
	    strlen(msg), pkb);
	free(msg);
	if (vr != 0) {
		snprintf(err, errlen, "%s: bad signature", file);
		goto out;
	}
	if ((vr = audit_verify(st, r)) != 0) {
		rc = vr;
		goto out;
	}
	rc = 1;
	if (r->count < count || r->head_id < head_id) {
		r->bad_id = r->head_id + 1;
		snprintf(r->reason, sizeof(r->reason), "the trail has %lld "
		    "events but the checkpoint of %s saw %lld: it was cut "
		    "short", r->count, created, (long long)count);
		goto out;
	}
	if (head_id == 0) {		/* checkpoint of an empty trail */
		rc = 0;
		goto out;
	}
	if ((s = store_prepare(st, sql)) == NULL) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(s, 1, head_id);
	if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_bytes(s, 0) != 32 ||
	    memcmp(sqlite3_column_blob(s, 0), headb, 32) != 0) {
		r->bad_id = head_id;
		snprintf(r->reason, sizeof(r->reason), "event %lld differs "
		    "from the checkpoint of %s: the trail was rewritten",
		    (long long)head_id, created);
	} else
		rc = 0;
	store_done(s);
out:
	json_decref(j);
	return rc;
}
