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
};

const int store_nmigrations =
    (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
