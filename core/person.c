/*
 * person: persons in the store. See person.h.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "person.h"

enum person_status
person_create(struct store *st, long long org_id, json_t *data,
    const char *username, long long *id)
{
	static const char sql[] = "INSERT INTO persons (org_id, data, username,"
	    " created_at, updated_at) VALUES (?, ?, ?,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
	    " strftime('%Y-%m-%dT%H:%M:%SZ','now'))";
	sqlite3_stmt	*s;
	char		*text;
	int		 rc;

	if ((text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return PERSON_ERROR;
	if ((s = store_prepare(st, sql)) == NULL) {
		free(text);
		return PERSON_ERROR;
	}
	sqlite3_bind_int64(s, 1, org_id);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	if (username != NULL)
		sqlite3_bind_text(s, 3, username, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_done(s);
	free(text);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return PERSON_EXISTS;
	if (rc != SQLITE_DONE)
		return PERSON_ERROR;
	*id = sqlite3_last_insert_rowid(store_db(st));
	return PERSON_OK;
}

json_t *
person_get(struct store *st, long long org_id, long long id)
{
	static const char sql[] = "SELECT data, username, created_at FROM"
	    " persons WHERE id = ? AND org_id = ?";
	sqlite3_stmt	*s;
	json_t		*j = NULL;

	if ((s = store_prepare(st, sql)) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org_id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (j = json_loads((const char *)sqlite3_column_text(s, 0), 0,
	    NULL)) != NULL) {
		json_object_set_new(j, "id", json_integer(id));
		json_object_set_new(j, "username",
		    sqlite3_column_type(s, 1) == SQLITE_NULL ? json_null() :
		    json_string((const char *)sqlite3_column_text(s, 1)));
		json_object_set_new(j, "created_at",
		    json_string((const char *)sqlite3_column_text(s, 2)));
	}
	store_done(s);
	return j;
}

enum person_status
person_username(struct store *st, long long org_id, long long id, char *buf,
    size_t len)
{
	static const char sql[] = "SELECT coalesce(username, '') FROM persons"
	    " WHERE id = ? AND org_id = ?";
	sqlite3_stmt		*s;
	enum person_status	 r = PERSON_NOT_FOUND;
	int			 rc;

	if ((s = store_prepare(st, sql)) == NULL)
		return PERSON_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, org_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(buf, len, "%s", sqlite3_column_text(s, 0));
		r = PERSON_OK;
	} else if (rc != SQLITE_DONE)
		r = PERSON_ERROR;
	store_done(s);
	return r;
}

json_t *
person_data_of(struct store *st, long long org_id, long long id)
{
	json_t	*j = person_get(st, org_id, id);

	if (j != NULL) {
		json_object_del(j, "id");
		json_object_del(j, "username");
		json_object_del(j, "created_at");
	}
	return j;
}
