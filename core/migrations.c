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

	{ 4, "persons, cases, sections, assignments, events, clearances",
	/* A person: the identity of an applicant or holder (never gender,
	 * sexual orientation, ethnicity, physical disability or marital
	 * status: there is no field for them). */
	"CREATE TABLE persons ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  data TEXT NOT NULL,"
	"  username TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  UNIQUE (org_id, username)"
	") STRICT;"
	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  person_id INTEGER NOT NULL REFERENCES persons(id),"
	"  site_id INTEGER REFERENCES sites(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('new', 'renewal', 'upgrade',"
	"    'transfer_in', 'review_for_cause')),"
	"  level TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  on_hold INTEGER NOT NULL DEFAULT 0,"
	"  hold_reason TEXT,"
	"  response_due TEXT,"
	"  opened_at TEXT NOT NULL,"
	"  submitted_at TEXT,"
	"  decided_at TEXT,"
	"  created_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX cases_org_state ON cases(org_id, state, id);"
	"CREATE INDEX cases_org_person ON cases(org_id, person_id);"
	/* Sections: validated JSON with a version for optimistic
	 * concurrency (a stale write is refused). */
	"CREATE TABLE case_sections ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  name TEXT NOT NULL,"
	"  data TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  updated_by TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, name)"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE case_assignments ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  role TEXT NOT NULL,"
	"  username TEXT NOT NULL,"
	"  assigned_at TEXT NOT NULL,"
	"  assigned_by TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, role, username)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX assignments_user ON case_assignments(username, role,"
	"  case_id);"
	"CREATE TABLE case_events ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  detail TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX case_events_case ON case_events(case_id, id);"
	/* The register of clearances. */
	"CREATE TABLE clearances ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  person_id INTEGER NOT NULL REFERENCES persons(id),"
	"  case_id INTEGER REFERENCES cases(id),"
	"  site_id INTEGER REFERENCES sites(id),"
	"  level TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('active', 'restricted',"
	"    'alternative_work', 'suspended', 'revoked', 'expired',"
	"    'terminated', 'transferred')),"
	"  granted_on TEXT NOT NULL,"
	"  expires_on TEXT NOT NULL,"
	"  restrictions TEXT NOT NULL DEFAULT '[]',"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX clearances_org_expiry ON clearances(org_id, expires_on);"
	"CREATE INDEX clearances_org_status ON clearances(org_id, status,"
	"  expires_on);"
	"CREATE INDEX clearances_org_person ON clearances(org_id, person_id);" },

	{ 5, "audit spools; one index fewer on the audit trail",
	/* How far each worker's spool of read records (auditspool.c) has
	 * been committed to the trail, so that a spool left by a crash is
	 * replayed from there and nothing twice. */
	"CREATE TABLE audit_spools ("
	"  name TEXT PRIMARY KEY,"
	"  seq INTEGER NOT NULL"
	") STRICT, WITHOUT ROWID;"
	/* Every change writes an audit row, and each index costs the commit
	 * a page. Searches by action alone are rare and bounded by the
	 * page size of the answer; they scan the trail newest first. */
	"DROP INDEX audit_org_action;" },

	{ 6, "renewals opened, restriction reviews flagged, the outbox",
	/* A renewal case opened for a clearance (REGDOC 7.0): at most one
	 * each, whoever opens it. */
	"CREATE TABLE renewals ("
	"  clearance_id INTEGER PRIMARY KEY REFERENCES clearances(id),"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  opened_at TEXT NOT NULL"
	") STRICT;"
	/* A restriction whose review date passed (REGDOC 5.4.2), flagged
	 * once for the CSO. */
	"CREATE TABLE restriction_reviews ("
	"  clearance_id INTEGER NOT NULL REFERENCES clearances(id),"
	"  review_date TEXT NOT NULL,"
	"  flagged_at TEXT NOT NULL,"
	"  done_at TEXT,"
	"  PRIMARY KEY (clearance_id, review_date)"
	") STRICT, WITHOUT ROWID;"
	/* Notifications waiting to be sent, and sent: never deleted by
	 * delivery; a failure is retried later. dedup names the event, so
	 * that each is notified once. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('renewal_due', 'review_due',"
	"    'decision', 'hold', 'window_closed', 'notice')),"
	"  recipient TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  dedup TEXT NOT NULL UNIQUE,"
	"  created_at TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at TEXT NOT NULL,"
	"  last_error TEXT,"
	"  sent_at TEXT"
	") STRICT;"
	"CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);" },

	{ 7, "the history of each clearance",
	/* What happened to a clearance after the decision (REGDOC 5.4-10):
	 * restrictions changed, alternative work or suspension (with the
	 * review_for_cause case it opened), reinstatement, revocation,
	 * termination with its debriefing. */
	"CREATE TABLE clearance_events ("
	"  id INTEGER PRIMARY KEY,"
	"  clearance_id INTEGER NOT NULL REFERENCES clearances(id),"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  detail TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX clearance_events_clearance ON clearance_events("
	"  clearance_id, id);" },

	{ 8, "record retention: legal holds, purges, the permanent listing",
	/* A legal hold on a person or a case stops any purge until lifted
	 * (REGDOC 9.0). */
	"CREATE TABLE legal_holds ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('person', 'case')),"
	"  target_id INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  placed_by TEXT NOT NULL,"
	"  placed_at TEXT NOT NULL,"
	"  lifted_by TEXT,"
	"  lifted_at TEXT,"
	"  lift_reason TEXT"
	") STRICT;"
	"CREATE INDEX legal_holds_target ON legal_holds(kind, target_id);"
	/* Files purged when their retention ran out. */
	"CREATE TABLE purges ("
	"  case_id INTEGER PRIMARY KEY REFERENCES cases(id),"
	"  purged_at TEXT NOT NULL"
	") STRICT;"
	/* What stays for good: who was granted, denied or revoked, at which
	 * level, when (REGDOC 9.0; NSR 37). */
	"CREATE TABLE register_listing ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  case_id INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  level TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  granted_on TEXT,"
	"  ended_on TEXT,"
	"  listed_at TEXT NOT NULL"
	") STRICT;" },

	{ 9, "reports to the regulator",
	/* Drafted when a grant is made despite concerns, and when a
	 * clearance is denied or revoked (REGDOC 6.1, 6.2); the cso marks
	 * each sent. */
	"CREATE TABLE regulator_reports ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('grant_with_concerns',"
	"    'denial', 'revocation')),"
	"  case_id INTEGER REFERENCES cases(id),"
	"  clearance_id INTEGER REFERENCES clearances(id),"
	"  data TEXT NOT NULL,"
	"  drafted_at TEXT NOT NULL,"
	"  drafted_by TEXT NOT NULL,"
	"  sent_on TEXT,"
	"  sent_how TEXT,"
	"  sent_by TEXT"
	") STRICT;"
	"CREATE INDEX regulator_reports_org ON regulator_reports(org_id, id);" },

	{ 10, "the public keys of the organizations a clearance may come from",
	/* REGDOC 8.0: a transfer package is signed by the sending licensee;
	 * the receiving one trusts the keys it registered. */
	"CREATE TABLE peer_keys ("
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  peer TEXT NOT NULL,"
	"  public_key TEXT NOT NULL CHECK (length(public_key) = 64),"
	"  added_at TEXT NOT NULL,"
	"  added_by TEXT NOT NULL,"
	"  PRIMARY KEY (org_id, peer)"
	") STRICT, WITHOUT ROWID;" },

	{ 11, "appeals",
	/* An appeal against a denial (a case) or a revocation (a
	 * clearance), run by the appeals role (REGDOC 11.0). */
	"CREATE TABLE appeals ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  case_id INTEGER REFERENCES cases(id),"
	"  clearance_id INTEGER REFERENCES clearances(id),"
	"  appellant TEXT NOT NULL,"
	"  grounds TEXT NOT NULL,"
	"  lodged_on TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('lodged', 'under_review',"
	"    'decided')),"
	"  panel TEXT NOT NULL DEFAULT '[]',"
	"  due_on TEXT,"
	"  outcome TEXT CHECK (outcome IN ('upheld', 'overturned')),"
	"  reasons TEXT,"
	"  decided_on TEXT,"
	"  decided_by TEXT,"
	"  CHECK ((case_id IS NULL) <> (clearance_id IS NULL))"
	") STRICT;"
	"CREATE INDEX appeals_org ON appeals(org_id, id);"
	/* What happened in it: the panel named, requests for information,
	 * the appellant's submissions, the decision. */
	"CREATE TABLE appeal_events ("
	"  id INTEGER PRIMARY KEY,"
	"  appeal_id INTEGER NOT NULL REFERENCES appeals(id),"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  detail TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX appeal_events_appeal ON appeal_events(appeal_id, id);" },

	{ 12, "documents: the encrypted vault's metadata and wrapped keys",
	/* A supporting document of a case, an incident or an appeal. Its
	 * content is a ciphertext file named by vault_id; its key, wrapped
	 * by master key key_version, is here until the document is shredded
	 * (then wrapped_key is NULL and shredded_at set). */
	"CREATE TABLE documents ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('case', 'incident',"
	"    'appeal')),"
	"  owner_id INTEGER NOT NULL,"
	"  vault_id TEXT NOT NULL UNIQUE CHECK (length(vault_id) = 32),"
	"  kind TEXT NOT NULL CHECK (kind IN ('passport', 'birth_certificate',"
	"    'crnc', 'translation', 'credit_report', 'interview_record',"
	"    'other')),"
	"  filename TEXT NOT NULL,"
	"  size INTEGER NOT NULL CHECK (size >= 0),"
	"  content_type TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	"  classification TEXT NOT NULL,"
	"  language TEXT,"
	"  translation_id INTEGER REFERENCES documents(id),"
	"  uploaded_by TEXT NOT NULL,"
	"  uploaded_at TEXT NOT NULL,"
	"  key_version INTEGER,"
	"  wrapped_key BLOB,"
	"  verified_by TEXT,"
	"  verified_at TEXT,"
	"  verification_method TEXT CHECK (verification_method IN"
	"    ('original_seen', 'trusted_third_party', 'notarised')),"
	"  verification_note TEXT,"
	"  shredded_at TEXT,"
	"  shredded_by TEXT,"
	"  shred_reason TEXT,"
	"  shred_order TEXT,"
	"  CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))"
	") STRICT;"
	"CREATE INDEX documents_owner ON documents(owner_kind, owner_id, id);"
	"CREATE INDEX documents_key_version ON documents(key_version)"
	"  WHERE wrapped_key IS NOT NULL;"
	/* Releases of a document under the two-person rule (REGDOC
	 * appendix D): one asks, a second authorised person approves, the
	 * first downloads once. */
	"CREATE TABLE document_releases ("
	"  id INTEGER PRIMARY KEY,"
	"  document_id INTEGER NOT NULL REFERENCES documents(id),"
	"  requested_by TEXT NOT NULL,"
	"  requested_at TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  approved_by TEXT,"
	"  approved_at TEXT,"
	"  expires_at TEXT,"
	"  used_at TEXT,"
	"  CHECK (approved_by IS NULL OR approved_by <> requested_by)"
	") STRICT;"
	"CREATE INDEX document_releases_document ON document_releases("
	"  document_id, id);" },

	{ 13, "incidents and self-reports",
	/* A security incident, breach or contact, or a change in a screened
	 * person's circumstances or behaviour (reference 000; REGDOC 5.4.3,
	 * 6.1). The reporter of a confidential third-party report is seen
	 * by the cso only; the people named in a report never see it. */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES organizations(id),"
	"  type TEXT NOT NULL CHECK (type IN ('security_incident',"
	"    'security_breach', 'security_contact', 'change_of_circumstances',"
	"    'change_of_behaviour')),"
	"  state TEXT NOT NULL,"
	"  urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN"
	"    ('normal', 'urgent')),"
	"  due_at TEXT,"
	"  occurred_on TEXT NOT NULL,"
	"  location TEXT,"
	"  description TEXT NOT NULL,"
	"  involved TEXT,"
	"  reporter TEXT NOT NULL,"
	"  confidential INTEGER NOT NULL DEFAULT 0,"
	"  subject TEXT,"
	"  clearance_id INTEGER REFERENCES clearances(id),"
	"  named TEXT NOT NULL DEFAULT '[]',"
	"  sensitive_material INTEGER NOT NULL,"
	"  sensitive_arranged INTEGER NOT NULL DEFAULT 0,"
	"  circumstance TEXT,"
	"  holder_factors TEXT,"
	"  review_case_id INTEGER REFERENCES cases(id),"
	"  cause TEXT,"
	"  cause_by TEXT,"
	"  cause_at TEXT,"
	"  report_sent_on TEXT,"
	"  report_how TEXT,"
	"  report_reference TEXT,"
	"  report_by TEXT,"
	"  reported_at TEXT NOT NULL,"
	"  closed_at TEXT,"
	"  updated_at TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX incidents_org ON incidents(org_id, id);"
	/* Its history: filed, each step, the policy's actions. */
	"CREATE TABLE incident_events ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  detail TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX incident_events_incident ON incident_events("
	"  incident_id, id);"
	/* The cso's written record of the preliminary inquiry: entries are
	 * never changed; after a final one, only corrections are added. */
	"CREATE TABLE incident_inquiry ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	"  ts TEXT NOT NULL,"
	"  author TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  spoken_to TEXT,"
	"  findings TEXT,"
	"  final INTEGER NOT NULL DEFAULT 0,"
	"  corrects INTEGER REFERENCES incident_inquiry(id)"
	") STRICT;"
	"CREATE INDEX incident_inquiry_incident ON incident_inquiry("
	"  incident_id, id);"
	"CREATE TRIGGER incident_inquiry_immutable BEFORE UPDATE ON"
	"  incident_inquiry BEGIN SELECT RAISE(ABORT, 'inquiry entries are"
	"  never changed'); END;"
	"CREATE TRIGGER incident_inquiry_kept BEFORE DELETE ON"
	"  incident_inquiry BEGIN SELECT RAISE(ABORT, 'inquiry entries are"
	"  never deleted'); END;"
	/* A breach's corrective measures, each done or waived with a
	 * reason before the incident closes. */
	"CREATE TABLE incident_measures ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	"  description TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  due_on TEXT NOT NULL,"
	"  done_on TEXT,"
	"  waived TEXT,"
	"  created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  CHECK (done_on IS NULL OR waived IS NULL)"
	") STRICT;"
	"CREATE INDEX incident_measures_incident ON incident_measures("
	"  incident_id, id);" },
};

const int store_nmigrations =
    (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
