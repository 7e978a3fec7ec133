/*
 * auth: LDAP sign-on with libldap. See auth.h.
 *
 * The service connection is opened on first use, bound as the service
 * account, and reused; if the directory drops it, it is reopened once per
 * call. Each user bind uses its own short-lived connection so the service
 * connection's identity never changes.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LDAP_DEPRECATED 0
#include <sodium.h>

#include <lber.h>
#include <ldap.h>

#include "auth.h"
#include "log.h"
#include "util.h"

#define MAX_GROUPS	512

struct auth {
	const struct config	*cfg;
	LDAP			*svc;
};

struct auth *
auth_new(const struct config *cfg)
{
	struct auth	*a = xcalloc(1, sizeof(*a));

	a->cfg = cfg;
	return a;
}

static void
ld_close(LDAP **ld)
{
	if (*ld != NULL)
		ldap_unbind_ext_s(*ld, NULL, NULL);
	*ld = NULL;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	ld_close(&a->svc);
	free(a);
}

/* Is rc a failure to reach or talk to the directory (rather than an
 * answer from it)? */
static int
ld_unreachable(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	    rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY ||
	    rc == LDAP_LOCAL_ERROR || rc == LDAP_NO_MEMORY ||
	    rc == LDAP_DECODING_ERROR || rc == LDAP_ENCODING_ERROR;
}

/*
 * Open a connection with every limit set: protocol 3, no referrals,
 * network and operation timeouts, a cap on incoming messages, TLS with a
 * verified certificate (and StartTLS when configured, which must succeed).
 * Returns an LDAP rc; *out is set only on LDAP_SUCCESS.
 */
static int
ld_open(const struct config_directory *d, LDAP **out)
{
	LDAP		*ld = NULL;
	struct timeval	 ntv = { d->network_timeout, 0 };
	struct timeval	 otv = { d->timeout, 0 };
	Sockbuf		*sb = NULL;
	ber_len_t	 maxin = (ber_len_t)d->max_message;
	int		 v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND;
	int		 tlsmin = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2, zero = 0, rc;

	if ((rc = ldap_initialize(&ld, d->url)) != LDAP_SUCCESS)
		return rc;
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &ntv) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &otv) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) != 0 ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tlsmin) != 0 ||
	    (d->ca_file != NULL && ldap_set_option(ld,
	    LDAP_OPT_X_TLS_CACERTFILE, d->ca_file) != 0) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != 0) {
		rc = LDAP_LOCAL_ERROR;
		goto fail;
	}
	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) == 0 && sb != NULL)
		ber_sockbuf_ctrl(sb, LBER_SB_OPT_SET_MAX_INCOMING, &maxin);
	if (d->starttls) {
		if ((rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
			/* Never go on in plaintext. */
			if (!ld_unreachable(rc))
				rc = LDAP_CONNECT_ERROR;
			goto fail;
		}
	}
	*out = ld;
	return LDAP_SUCCESS;
fail:
	ld_close(&ld);
	return rc;
}

static int
ld_bind(LDAP *ld, const char *dn, const char *pw, size_t pwlen)
{
	struct berval	cred;

	cred.bv_val = (char *)pw;
	cred.bv_len = pwlen;
	return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL);
}

/* The service connection, opened and bound if need be. LDAP rc. */
static int
svc_get(struct auth *a)
{
	const struct config_directory	*d = &a->cfg->dir;
	int				 rc;

	if (a->svc != NULL)
		return LDAP_SUCCESS;
	if ((rc = ld_open(d, &a->svc)) != LDAP_SUCCESS) {
		log_warn("event=directory_unreachable op=connect error=%s",
		    log_quote_tmp(ldap_err2string(rc)));
		return rc;
	}
	rc = ld_bind(a->svc, d->bind_dn, d->bind_password,
	    strlen(d->bind_password));
	if (rc != LDAP_SUCCESS) {
		log_error("event=directory_service_bind_failed error=%s",
		    log_quote_tmp(ldap_err2string(rc)));
		ld_close(&a->svc);
		/* A refused service account is a configuration fault, which
		 * users see as the directory being unavailable. */
		return ld_unreachable(rc) ? rc : LDAP_UNAVAILABLE;
	}
	return LDAP_SUCCESS;
}

/*
 * Expand tmpl, replacing every %<key> with value escaped for a filter by
 * libldap. Returns a new string (caller frees) or NULL when too long.
 */
static char *
filter_expand(const char *tmpl, char key, const char *value, size_t vlen)
{
	struct berval	 in, out = { 0, NULL };
	struct buf	 b;
	const char	*p;
	char		*r = NULL;

	in.bv_val = (char *)value;
	in.bv_len = vlen;
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	util_buf_init(&b);
	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == key) {
			util_buf_add(&b, out.bv_val, out.bv_len);
			p++;
		} else
			util_buf_add(&b, p, 1);
	}
	ber_memfree(out.bv_val);
	if (b.len <= 4096)
		r = xstrdup(b.data);
	util_buf_free(&b);
	return r;
}

/* Normalized form of a DN for comparison, or NULL. Caller ldap_memfree()s. */
static char *
dn_norm(const char *dn)
{
	char	*out = NULL;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &out,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	return out;
}

struct groups {
	char	*dn[MAX_GROUPS];	/* normalized */
	size_t	 n;
};

static void
groups_add(struct groups *g, const char *dn)
{
	char	*n;

	if (g->n == MAX_GROUPS || (n = dn_norm(dn)) == NULL)
		return;
	g->dn[g->n++] = n;
}

static void
groups_free(struct groups *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		ldap_memfree(g->dn[i]);
	g->n = 0;
}

static int
groups_has(const struct groups *g, const char *dn)
{
	char	*n;
	size_t	 i;
	int	 found = 0;

	if ((n = dn_norm(dn)) == NULL)
		return 0;
	for (i = 0; i < g->n && !found; i++)
		found = strcasecmp(g->dn[i], n) == 0;
	ldap_memfree(n);
	return found;
}

/* Is dn inside the subtree ou (case-insensitive, normalized)? */
static int
dn_under(const char *dn, const char *ou)
{
	char	*nd, *no;
	size_t	 ld, lo;
	int	 r = 0;

	nd = dn_norm(dn);
	no = dn_norm(ou);
	if (nd != NULL && no != NULL) {
		ld = strlen(nd);
		lo = strlen(no);
		r = ld > lo + 1 && nd[ld - lo - 1] == ',' &&
		    strcasecmp(nd + ld - lo, no) == 0;
	}
	ldap_memfree(nd);
	ldap_memfree(no);
	return r;
}

/* Search base with filter and add every entry's DN to g. LDAP rc. */
static int
groups_search(LDAP *ld, const struct config_directory *d, const char *tmpl,
    const char *userdn, struct groups *g)
{
	char		*filter, *dn;
	char		*attrs[] = { (char *)LDAP_NO_ATTRS, NULL };
	struct timeval	 tv = { d->timeout, 0 };
	LDAPMessage	*res = NULL, *e;
	int		 rc;

	if ((filter = filter_expand(tmpl, 'd', userdn, strlen(userdn))) == NULL)
		return LDAP_FILTER_ERROR;
	rc = ldap_search_ext_s(ld, d->group_base, LDAP_SCOPE_SUBTREE, filter,
	    attrs, 0, NULL, NULL, &tv, MAX_GROUPS, &res);
	free(filter);
	if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) {
		for (e = ldap_first_entry(ld, res); e != NULL;
		    e = ldap_next_entry(ld, e)) {
			if ((dn = ldap_get_dn(ld, e)) != NULL) {
				groups_add(g, dn);
				ldap_memfree(dn);
			}
		}
		rc = LDAP_SUCCESS;
	}
	ldap_msgfree(res);
	return rc;
}

static void
copy_first(LDAP *ld, LDAPMessage *e, const char *attr, char *dst, size_t len)
{
	struct berval	**v;

	dst[0] = '\0';
	if ((v = ldap_get_values_len(ld, e, attr)) == NULL)
		return;
	if (v[0] != NULL && memchr(v[0]->bv_val, '\0', v[0]->bv_len) == NULL)
		snprintf(dst, len, "%.*s", (int)(v[0]->bv_len < len ?
		    v[0]->bv_len : len - 1), v[0]->bv_val);
	ldap_value_free_len(v);
}

/*
 * Find the user's entry: exactly one match for the filter. Fills id->dn,
 * display name and (memberOf mode) the groups. LDAP rc, or LDAP_NO_SUCH_OBJECT
 * when zero or several entries match.
 */
static int
find_user(struct auth *a, const char *user, size_t ulen,
    struct auth_identity *id, struct groups *g)
{
	const struct config_directory	*d = &a->cfg->dir;
	char		*filter, *dn;
	char		*attrs[] = { d->name_attr, (char *)"memberOf", NULL };
	struct timeval	 tv = { d->timeout, 0 };
	LDAPMessage	*res = NULL, *e;
	struct berval	**v;
	int		 rc, tries, i;

	if ((filter = filter_expand(d->user_filter, 's', user, ulen)) == NULL)
		return LDAP_NO_SUCH_OBJECT;
	for (tries = 0; tries < 2; tries++) {
		if ((rc = svc_get(a)) != LDAP_SUCCESS)
			break;
		rc = ldap_search_ext_s(a->svc, d->base_dn, LDAP_SCOPE_SUBTREE,
		    filter, attrs, 0, NULL, NULL, &tv, 2, &res);
		if (!ld_unreachable(rc))
			break;
		/* The directory may have dropped an idle connection. */
		ldap_msgfree(res);
		res = NULL;
		ld_close(&a->svc);
	}
	free(filter);
	if (rc == LDAP_SIZELIMIT_EXCEEDED ||
	    (rc == LDAP_SUCCESS && ldap_count_entries(a->svc, res) != 1)) {
		if (rc == LDAP_SIZELIMIT_EXCEEDED)
			log_warn("event=directory_ambiguous_user");
		rc = LDAP_NO_SUCH_OBJECT;
	}
	if (rc != LDAP_SUCCESS)
		goto out;
	e = ldap_first_entry(a->svc, res);
	if ((dn = ldap_get_dn(a->svc, e)) == NULL || strlen(dn) >= sizeof(id->dn)) {
		ldap_memfree(dn);
		rc = LDAP_NO_SUCH_OBJECT;
		goto out;
	}
	snprintf(id->dn, sizeof(id->dn), "%s", dn);
	ldap_memfree(dn);
	copy_first(a->svc, e, d->name_attr, id->display_name,
	    sizeof(id->display_name));
	if (strcmp(d->group_mode, "memberof") == 0 &&
	    (v = ldap_get_values_len(a->svc, e, "memberOf")) != NULL) {
		for (i = 0; v[i] != NULL; i++) {
			char *s = xstrndup(v[i]->bv_val, v[i]->bv_len);
			groups_add(g, s);
			free(s);
		}
		ldap_value_free_len(v);
	}
out:
	ldap_msgfree(res);
	return rc;
}

/* Groups -> organization and roles, per the configuration. */
static enum auth_status
map_roles(struct auth *a, struct auth_identity *id, const struct groups *g)
{
	const struct config	*c = a->cfg;
	const struct config_org	*o, *found = NULL;
	size_t			 i;
	int			 r;

	for (i = 0; i < c->norgs; i++) {
		o = &c->orgs[i];
		if ((o->ou != NULL && dn_under(id->dn, o->ou)) ||
		    (o->group != NULL && groups_has(g, o->group))) {
			if (found != NULL) {
				log_warn("event=directory_user_in_two_orgs");
				return AUTH_NO_ACCESS;
			}
			found = o;
		}
	}
	if (found == NULL)
		return AUTH_NO_ACCESS;
	id->org = found;
	id->roles = 0;
	for (r = 0; r < ROLE_COUNT; r++)
		if (found->roles[r] != NULL && groups_has(g, found->roles[r]))
			id->roles |= ROLE_BIT(r);
	return id->roles ? AUTH_OK : AUTH_NO_ACCESS;
}

/* Everything after the password check: groups, org, roles. */
static enum auth_status
resolve(struct auth *a, struct auth_identity *id, struct groups *g)
{
	const struct config_directory	*d = &a->cfg->dir;
	int				 rc = LDAP_SUCCESS;

	if (strcmp(d->group_mode, "search") == 0)
		rc = groups_search(a->svc, d, d->group_filter, id->dn, g);
	if (rc == LDAP_SUCCESS && d->nested_filter != NULL)
		rc = groups_search(a->svc, d, d->nested_filter, id->dn, g);
	if (rc != LDAP_SUCCESS) {
		log_warn("event=directory_group_search_failed error=%s",
		    log_quote_tmp(ldap_err2string(rc)));
		if (ld_unreachable(rc))
			ld_close(&a->svc);
		return AUTH_UNAVAILABLE;
	}
	return map_roles(a, id, g);
}

static int
input_ok(const char *s, size_t len, size_t max)
{
	return len > 0 && len <= max && memchr(s, '\0', len) == NULL;
}

enum auth_status
auth_login(struct auth *a, const char *user, size_t ulen, const char *pass,
    size_t plen, struct auth_identity *id)
{
	struct groups	 g = { .n = 0 };
	LDAP		*ld = NULL;
	enum auth_status st;
	int		 rc, unknown;

	memset(id, 0, sizeof(*id));
	/* An empty password would be an unauthenticated bind, which many
	 * directories (Active Directory by default) accept as anonymous. */
	if (!input_ok(user, ulen, AUTH_USERNAME_MAX) ||
	    !input_ok(pass, plen, 1024))
		return AUTH_BAD_CREDENTIALS;
	if (!a->cfg->has_directory)
		return AUTH_UNAVAILABLE;
	memcpy(id->username, user, ulen);

	rc = find_user(a, user, ulen, id, &g);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		st = AUTH_UNAVAILABLE;
		goto out;
	}
	/*
	 * For an unknown user, bind as an entry that cannot exist, so the
	 * answer costs what a wrong password costs and the time taken does
	 * not tell which usernames exist.
	 */
	if ((unknown = rc == LDAP_NO_SUCH_OBJECT))
		snprintf(id->dn, sizeof(id->dn), "cn=vetd-no-such-user-%08x,%s",
		    randombytes_random(), a->cfg->dir.base_dn);
	if ((rc = ld_open(&a->cfg->dir, &ld)) != LDAP_SUCCESS) {
		log_warn("event=directory_unreachable op=user_connect error=%s",
		    log_quote_tmp(ldap_err2string(rc)));
		st = AUTH_UNAVAILABLE;
		goto out;
	}
	rc = ld_bind(ld, id->dn, pass, plen);
	ld_close(&ld);
	if (unknown && !ld_unreachable(rc))
		rc = LDAP_INVALID_CREDENTIALS;
	if (rc != LDAP_SUCCESS) {
		st = ld_unreachable(rc) ? AUTH_UNAVAILABLE : AUTH_BAD_CREDENTIALS;
		goto out;
	}
	st = resolve(a, id, &g);
out:
	groups_free(&g);
	return st;
}

enum auth_status
auth_lookup(struct auth *a, const char *user, struct auth_identity *id)
{
	struct groups	 g = { .n = 0 };
	enum auth_status st;
	size_t		 ulen = strlen(user);
	int		 rc;

	memset(id, 0, sizeof(*id));
	if (!input_ok(user, ulen, AUTH_USERNAME_MAX))
		return AUTH_BAD_CREDENTIALS;
	if (!a->cfg->has_directory)
		return AUTH_UNAVAILABLE;
	memcpy(id->username, user, ulen);
	rc = find_user(a, user, ulen, id, &g);
	if (rc == LDAP_NO_SUCH_OBJECT)
		st = AUTH_BAD_CREDENTIALS;
	else if (rc != LDAP_SUCCESS)
		st = AUTH_UNAVAILABLE;
	else
		st = resolve(a, id, &g);
	groups_free(&g);
	return st;
}
