/*
 * ldapbind: the in-process reference for the sign-in benchmark. It makes N
 * simple binds to an LDAP server, each on a fresh connection (connect,
 * bind, unbind), and prints the median time of one in milliseconds. Unlike
 * a command such as ldapwhoami it pays no process start-up, so it is the
 * floor a sign-in (search, bind, session write) can be held against.
 *
 *   ldapbind URL DN PASSWORD [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldap.h>

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	struct berval	 cred;
	LDAP		*ld;
	double		*t, t0;
	int		 i, n = 200, v3 = LDAP_VERSION3, rc;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: ldapbind URL DN PASSWORD [N]\n");
		return 2;
	}
	if (argc == 5 && (n = atoi(argv[4])) < 1)
		n = 1;
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL)
		return 1;
	cred.bv_val = argv[3];
	cred.bv_len = strlen(argv[3]);
	for (i = 0; i < n; i++) {
		t0 = now_ms();
		if (ldap_initialize(&ld, argv[1]) != LDAP_SUCCESS)
			return 1;
		ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
		rc = ldap_sasl_bind_s(ld, argv[2], LDAP_SASL_SIMPLE, &cred, NULL,
		    NULL, NULL);
		ldap_unbind_ext_s(ld, NULL, NULL);
		if (rc != LDAP_SUCCESS) {
			fprintf(stderr, "ldapbind: %s\n", ldap_err2string(rc));
			return 1;
		}
		t[i] = now_ms() - t0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%.3f\n", n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2);
	free(t);
	return 0;
}
