/*
 * transfer: signed transfer packages and their criteria. See transfer.h.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "audit.h"
#include "holder.h"
#include "org.h"
#include "person.h"
#include "transfer.h"
#include "util.h"

/* The secret key of org into sk (made when missing). 0 or -1 with err. */
static int
secret_key(const char *database, const char *org, unsigned char *sk,
    char *err, size_t errlen)
{
	char	*dir, *path;
	int	 rc;

	if (!org_slug_valid(org)) {
		snprintf(err, errlen, "bad organization");
		return -1;
	}
	dir = xasprintf("%s.keys", database);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	path = xasprintf("%s/%s.ed25519", dir, org);
	rc = audit_key_load(path, sk, err, errlen);
	free(path);
	free(dir);
	return rc;
}

int
transfer_public_key(const char *database, const char *org, char *hex,
    char *err, size_t errlen)
{
	unsigned char	sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	pk[crypto_sign_PUBLICKEYBYTES];

	if (secret_key(database, org, sk, err, errlen) == -1)
		return -1;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof(sk));
	sodium_bin2hex(hex, crypto_sign_PUBLICKEYBYTES * 2 + 1, pk, sizeof(pk));
	return 0;
}

int
transfer_trust(struct store *st, long long org_id, const char *peer,
    const char *hex, const char *actor)
{
	static const char sql[] = "INSERT INTO peer_keys (org_id, peer,"
	    " public_key, added_at, added_by) VALUES (?, ?, ?,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?) ON CONFLICT (org_id, peer)"
	    " DO UPDATE SET public_key = excluded.public_key, added_at ="
	    " excluded.added_at, added_by = excluded.added_by";
	unsigned char	 pk[crypto_sign_PUBLICKEYBYTES];
	size_t		 len;
	sqlite3_stmt	*s;
	int		 rc;

	if (!org_slug_valid(peer) || strlen(hex) != 64 ||
	    sodium_hex2bin(pk, sizeof(pk), hex, 64, NULL, &len, NULL) != 0 ||
	    len != sizeof(pk))
		return -1;
	if ((s = store_prepare(st, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, peer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	store_done(s);
	return rc;
}

/* The bytes that are signed: the package as compact JSON, keys sorted. */
static char *
canonical(json_t *package)
{
	return json_dumps(package, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_ENSURE_ASCII);
}

json_t *
transfer_export(struct store *st, const char *database, long long org_id,
    const char *org, long long id, const char *peer, const char *today,
    char *err, size_t errlen)
{
	static const char adverse_sql[] = "SELECT count(*) FROM"
	    " clearance_events WHERE clearance_id = ? AND type IN"
	    " ('suspended', 'alternative_work', 'revoked')";
	static const char cl_sql[] = "SELECT level, status, granted_on,"
	    " expires_on, restrictions FROM clearances WHERE org_id = ? AND"
	    " id = ?";
	unsigned char	 sk[crypto_sign_SECRETKEYBYTES];
	unsigned char	 sig[crypto_sign_BYTES];
	char		 hex[crypto_sign_BYTES * 2 + 1], *text;
	struct holder_row h;
	sqlite3_stmt	*s;
	json_t		*pkg = NULL, *out = NULL, *restr, *holder;
	long long	 adverse = 0;

	if (holder_get(st, org_id, id, &h) != HOLDER_OK) {
		snprintf(err, errlen, "no such clearance");
		return NULL;
	}
	if ((s = store_prepare(st, adverse_sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		adverse = sqlite3_column_int64(s, 0);
	store_done(s);
	if ((s = store_prepare(st, cl_sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_int64(s, 2, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		restr = json_loads((const char *)sqlite3_column_text(s, 4), 0,
		    NULL);
		holder = person_data_of(st, org_id, h.person_id);
		pkg = json_pack("{s:i, s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s,"
		    " s:s, s:o}, s:o, s:b}", "version", 1, "from", org, "to",
		    peer, "issued_on", today, "clearance", "id",
		    (json_int_t)id, "level", sqlite3_column_text(s, 0),
		    "status", sqlite3_column_text(s, 1), "granted_on",
		    sqlite3_column_text(s, 2), "expires_on",
		    sqlite3_column_text(s, 3), "restrictions",
		    restr ? restr : json_array(), "holder",
		    holder ? holder : json_object(), "adverse_information",
		    adverse > 0 || strcmp(h.status, "active") != 0);
	}
	store_done(s);
	if (pkg == NULL || (text = canonical(pkg)) == NULL) {
		snprintf(err, errlen, "cannot build the package");
		json_decref(pkg);
		return NULL;
	}
	if (secret_key(database, org, sk, err, errlen) == 0) {
		crypto_sign_detached(sig, NULL, (const unsigned char *)text,
		    strlen(text), sk);
		sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
		out = json_pack("{s:O, s:s}", "package", pkg, "signature", hex);
	}
	sodium_memzero(sk, sizeof(sk));
	free(text);
	json_decref(pkg);
	return out;
}

enum transfer_check
transfer_verify(struct store *st, long long org_id, json_t *received,
    json_t **package)
{
	static const char sql[] = "SELECT public_key FROM peer_keys WHERE"
	    " org_id = ? AND peer = ?";
	unsigned char		 pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char		 sig[crypto_sign_BYTES];
	const char		*from, *sighex;
	char			*text;
	size_t			 len;
	sqlite3_stmt		*s;
	json_t			*pkg = json_object_get(received, "package");
	enum transfer_check	 rc = TRANSFER_UNKNOWN_SENDER;

	*package = NULL;
	if (!json_is_object(pkg) || !json_is_string(json_object_get(pkg,
	    "from")))
		return TRANSFER_MALFORMED;
	sighex = json_string_value(json_object_get(received, "signature"));
	if (sighex == NULL || sighex[0] == '\0')
		return TRANSFER_UNSIGNED;
	if (strlen(sighex) != crypto_sign_BYTES * 2 ||
	    sodium_hex2bin(sig, sizeof(sig), sighex, strlen(sighex), NULL,
	    &len, NULL) != 0 || len != sizeof(sig))
		return TRANSFER_BAD_SIGNATURE;
	from = json_string_value(json_object_get(pkg, "from"));
	if ((s = store_prepare(st, sql)) == NULL)
		return TRANSFER_ERROR;
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sodium_hex2bin(pk, sizeof(pk), (const char *)sqlite3_column_text(s,
	    0), 64, NULL, &len, NULL) == 0 && len == sizeof(pk))
		rc = TRANSFER_OK;
	store_done(s);
	if (rc != TRANSFER_OK)
		return rc;
	if ((text = canonical(pkg)) == NULL)
		return TRANSFER_MALFORMED;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)text,
	    strlen(text), pk) != 0)
		rc = TRANSFER_BAD_SIGNATURE;
	free(text);
	if (rc == TRANSFER_OK)
		*package = pkg;
	return rc;
}

static void
criterion(json_t *list, const char *name, int met, const char *message,
    int *all)
{
	json_array_append_new(list, json_pack("{s:s, s:b, s:s}", "criterion",
	    name, "met", met, "message", message));
	if (!met)
		*all = 0;
}

json_t *
transfer_criteria(json_t *pkg, json_t *declaration, const char *today,
    long long window, int *all)
{
	json_t		*cl = json_object_get(pkg, "clearance"), *list;
	const char	*status, *expires;
	char		 horizon[11];
	int		 live;

	*all = 1;
	list = json_array();
	status = json_string_value(json_object_get(cl, "status"));
	expires = json_string_value(json_object_get(cl, "expires_on"));
	live = status != NULL && expires != NULL && (strcmp(status,
	    "active") == 0 || strcmp(status, "restricted") == 0) &&
	    strcmp(expires, today) >= 0;
	criterion(list, "valid", live, live ? "the clearance is in force" :
	    "the clearance is not in force (expired, revoked, suspended or "
	    "ended)", all);
	criterion(list, "no_adverse_information", json_is_false(
	    json_object_get(pkg, "adverse_information")),
	    json_is_false(json_object_get(pkg, "adverse_information")) ?
	    "no adverse information" : "the sender reports adverse "
	    "information", all);
	util_date_add(today, window, horizon);
	criterion(list, "not_due_for_update", expires != NULL &&
	    strcmp(expires, horizon) > 0, expires != NULL &&
	    strcmp(expires, horizon) > 0 ? "not due for update within the "
	    "transfer window" : "due for update within the transfer window: "
	    "a renewal, not a transfer", all);
	live = json_is_true(json_object_get(declaration,
	    "no_change_in_criminal_history")) &&
	    json_is_string(json_object_get(declaration, "date"));
	criterion(list, "self_declaration", live, live ? "the holder declared "
	    "in writing no change in their criminal history" : "the holder's "
	    "written declaration of no change in criminal history is missing",
	    all);
	return list;
}
