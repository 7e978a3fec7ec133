/*
 * migrations: the database schema as numbered steps. A step is never edited
 * once released; a change to the schema is a new step at the end. The
 * version reached is kept in PRAGMA user_version.
 */
#include "autoconf.h"

#include "store.h"

const struct migration store_migrations[] = {
	{ 1, "organizations and sites",
	"CREATE TABLE organizations ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE"
	"    CHECK (length(slug) BETWEEN 1 AND 63),"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
	"  created_at TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE sites ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  slug TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 63),"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (org_id, slug)"
	") STRICT;" },

	{ 2, "sessions, api tokens, sign-in throttling, audit trail",
	/* Sessions: only the SHA-256 of the token is kept. Times are unix
	 * seconds; roles a bit set (access.h). */
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  csrf_token TEXT NOT NULL,"
	"  username TEXT NOT NULL,"
	"  user_dn TEXT NOT NULL,"
	"  display_name TEXT NOT NULL,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  roles INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  refresh_due INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX sessions_user ON sessions(org_id, username);"
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 63),"
	"  roles INTEGER NOT NULL,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  created_at TEXT NOT NULL,"
	"  revoked_at TEXT,"
	"  last_used_at TEXT,"
	"  UNIQUE (org_id, name)"
	") STRICT;"
	/* Failed sign-ins per username hash and per client address. */
	"CREATE TABLE auth_failures ("
	"  key BLOB PRIMARY KEY,"
	"  failures INTEGER NOT NULL,"
	"  last_at INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;"
	/* The audit trail: append-only, each row chained to the one before
	 * by hash = SHA-256(prev_hash || canonical row), see audit.c. */
	"CREATE TABLE audit_events ("
	"  id INTEGER PRIMARY KEY,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  org_id INTEGER,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  client_addr TEXT NOT NULL,"
	"  request_id TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev_hash BLOB NOT NULL,"
	"  hash BLOB NOT NULL"
	") STRICT;"
	"CREATE INDEX audit_org_actor ON audit_events(org_id, actor);"
	"CREATE INDEX audit_org_target ON audit_events(org_id, target);"
	"CREATE INDEX audit_org_action ON audit_events(org_id, action);"
	"CREATE INDEX audit_org_ts ON audit_events(org_id, ts);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;" },

	{ 3, "policy versions, policy status, recommendations",
	/* Every policy version that was used, with its files, so a past
	 * recommendation can be replayed after the files change. */
	"CREATE TABLE policy_versions ("
	"  version TEXT PRIMARY KEY CHECK (length(version) = 64),"
	"  files TEXT NOT NULL,"
	"  first_used_at TEXT NOT NULL"
	") STRICT;"
	/* What each organization's (and site's) policy is, as the workers
	 * last found it: the active version and the last error. */
	"CREATE TABLE policy_status ("
	"  org TEXT NOT NULL,"
	"  site TEXT NOT NULL DEFAULT '',"
	"  version TEXT,"
	"  loaded_at TEXT,"
	"  error TEXT,"
	"  error_version TEXT,"
	"  error_at TEXT,"
	"  PRIMARY KEY (org, site)"
	") STRICT;"
	/* A recommendation as the policy made it: its input, its answer (after
	 * the decision ceiling) and the version, for replay. */
	"CREATE TABLE recommendations ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  case_id INTEGER,"
	"  site TEXT,"
	"  policy_version TEXT NOT NULL REFERENCES policy_versions(version),"
	"  input TEXT NOT NULL,"
	"  result TEXT NOT NULL,"
	"  automated INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  created_by TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX recommendations_case ON recommendations(org_id, case_id);" },
};

const int store_nmigrations =
    (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
