/*
 * config: the one configuration file, conf/vetd.conf. It is a Lua chunk run
 * as data in an empty environment (no functions, no libraries, a small
 * instruction and memory budget); the globals it sets are checked against a
 * schema. Unknown keys, wrong types and out-of-range numbers are errors
 * naming the key ("listen.mode: ..."). Relative paths are resolved against
 * the directory of the configuration file.
 */
#ifndef VETD_CONFIG_H
#define VETD_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#include "access.h"
#include "log.h"

/* A recommendation's outcome (DESIGN: the Lua contract). */
enum outcome {
	OUTCOME_GRANT,
	OUTCOME_GRANT_WITH_RESTRICTIONS,
	OUTCOME_GRANT_WITH_WARNING,
	OUTCOME_DENY,
	OUTCOME_REFER,
	OUTCOME_COUNT
};
int		 config_outcome_parse(const char *);	/* -1: not one */
const char	*config_outcome_name(int);

#define CONFIG_MAX_MARKINGS	16

/* One organization as the directory sees it. */
struct config_org {
	char		*slug;
	char		*ou;		/* members: entries under this DN */
	char		*group;		/* or: members of this group */
	char		*roles[ROLE_COUNT];	/* group DN granting each role */
	unsigned	 see_all;	/* roles that see all the org's cases */
	unsigned	 automation;	/* outcomes automation may reach alone */
	char		*policies;	/* its policy dir; NULL: <policies.dir>/<slug> */
	int		 relax_separation; /* the adjudicator may also decide */

	/* Document markings (REGDOC appendix D), lowest first; the highest
	 * marking each role may read (-1: none); from which marking a
	 * release needs a second person. */
	char		*markings[CONFIG_MAX_MARKINGS];
	int		 nmarkings;
	int		 ceiling[ROLE_COUNT];
	int		 two_person;
	char		*ceiling_name[ROLE_COUNT];	/* as written */
	char		*two_person_name;
};

/* The rank of marking on o's scale (0 lowest), or -1. */
int	config_marking_rank(const struct config_org *o, const char *marking);

/* The directory (LDAP / Active Directory) users sign in with. */
struct config_directory {
	char		*url;		/* ldap:// or ldaps:// */
	int		 starttls;
	char		*ca_file;
	char		*bind_dn;
	char		*bind_password_file;
	char		*bind_password;	/* read from the file at load */
	char		*base_dn;
	char		*user_filter;	/* %s: the escaped username */
	char		*name_attr;	/* display name attribute */
	char		*group_mode;	/* "memberof" or "search" */
	char		*group_base;
	char		*group_filter;	/* %d: the escaped user DN */
	char		*nested_filter;	/* optional, %d as above */
	long long	 network_timeout;
	long long	 timeout;
	long long	 refresh;	/* seconds between role refreshes */
	long long	 max_message;	/* bytes */
};

struct config {
	char		*path;		/* the file this came from */
	char		*confdir;	/* its directory */

	/* listen: exactly one of socket_path or tcp_host */
	char		*socket_path;
	long long	 socket_mode;
	char		*socket_group;	/* NULL: leave the group alone */
	char		*tcp_host;
	long long	 tcp_port;
	long long	 backlog;

	long long	 workers;
	char		*database;
	long long	 max_body;
	long long	 drain_timeout;
	long long	 busy_timeout;
	enum log_level	 log_level;

	int			 has_directory;
	struct config_directory	 dir;

	long long		 session_idle;
	long long		 session_absolute;
	int			 insecure_cookie;

	struct config_org	*orgs;
	size_t			 norgs;

	/* policies: the Lua rules */
	char			*policy_dir;	/* policies/<org>/... */
	char			*scripts_dir;	/* the shared Lua */
	long long		 policy_check;	/* seconds between file checks */
	long long		 policy_budget;	/* instructions per call */
	long long		 policy_memory;	/* bytes per policy state */

	/* mail: how `vetctl outbox deliver` sends notifications; no
	 * sendmail, no delivery (they wait in the outbox) */
	char			*mail_sendmail;
	char			*mail_from;
	char			*mail_domain;	/* username@domain */

	/* documents: the encrypted vault */
	char			*doc_dir;	/* ciphertexts */
	char			*doc_key_file;	/* master keys */
	long long		 doc_max_size;	/* bytes an upload */
	char			*doc_types;	/* allowed types, space-separated */
};

/* The organization configured under slug, or NULL. */
const struct config_org *config_org_find(const struct config *, const char *);

/*
 * Read and check FILE. On success returns 0 and a config the caller frees
 * with config_free(). On failure returns -1 with "key: reason" (or a load
 * error with its line) in err.
 */
int	config_load(const char *file, struct config **out, char *err, size_t errlen);
void	config_free(struct config *);

#endif
