/* db_sqlite.c: the SQLite driver of db.h (WAL, synchronous=FULL, cached statements). */
#include "db.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128

struct db_stmt {
	sqlite3_stmt *s;
	struct db *db;
	const char *key;
};

struct db {
	sqlite3 *h;
	enum db_rc last;
	struct db_stmt cache[STMT_CACHE];
};

static enum db_rc
map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	default:
		return DB_ERROR;
	}
}

int
db_open(const char *url, int flags, struct db **out, struct err *e)
{
	struct db *db;
	int oflags = SQLITE_OPEN_NOMUTEX;
	const char *path;

	*out = NULL;
	if (strncmp(url, "sqlite:", 7) != 0)
		return err_set(e, ERR_INVALID, "unsupported database URL '%s' (expected sqlite:PATH)", url);
	path = url + 7;
	oflags |= (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "cannot open %s: %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		sqlite3_close(db->h);
		free(db);
		return -1;
	}
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_extended_result_codes(db->h, 0);
	if (!(flags & DB_READONLY) &&
	    sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db->h, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL,
			 NULL) != SQLITE_OK)
		goto fail;
	*out = db;
	return 0;
fail:
	err_set(e, ERR_INTERNAL, "cannot set up %s: %s", path, sqlite3_errmsg(db->h));
	sqlite3_close(db->h);
	free(db);
	return -1;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].s);
	sqlite3_close(db->h);
	free(db);
}

/* Rewrites $N to ?N outside quotes: SQLite numbers $N by first appearance. */
static char *
rewrite(const char *sql)
{
	char *out = strdup(sql), quote = 0;

	if (out == NULL)
		return NULL;
	for (char *p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			*p = '?';
		}
	}
	return out;
}

struct db_stmt *
db_prepare(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	struct db_stmt *slot = NULL;
	char *text;
	int rc;

	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct db_stmt *c = &db->cache[(h + i) % STMT_CACHE];
		if (c->key == sql)
			return c;
		if (c->key == NULL) {
			slot = c;
			break;
		}
	}
	if (slot == NULL) {	/* full: evict the home slot */
		slot = &db->cache[h];
		sqlite3_finalize(slot->s);
		slot->key = NULL;
	}
	if ((text = rewrite(sql)) == NULL)
		return NULL;
	rc = sqlite3_prepare_v3(db->h, text, -1, SQLITE_PREPARE_PERSISTENT, &slot->s, NULL);
	free(text);
	if (rc != SQLITE_OK) {
		db->last = map_rc(rc);
		slot->s = NULL;
		return NULL;
	}
	slot->db = db;
	slot->key = sql;
	return slot;
}

void
db_done(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

void
db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->s, idx, v);
}

void
db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st->s, idx);
	else
		sqlite3_bind_text(st->s, idx, s, -1, SQLITE_TRANSIENT);
}

void
db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n)
{
	sqlite3_bind_text64(st->s, idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

void
db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(st->s, idx, p, n, SQLITE_TRANSIENT);
}

void
db_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(st->s, idx);
}

enum db_rc
db_step(struct db_stmt *st)
{
	return st->db->last = map_rc(sqlite3_step(st->s));
}

int64_t
db_col_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->s, col);
}

const char *
db_col_text(struct db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->s, col);

	return t ? (const char *)t : "";
}

const void *
db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st->s, col);

	*len = (size_t)sqlite3_column_bytes(st->s, col);
	return p;
}

int
db_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

enum db_rc
db_run(struct db_stmt *st)
{
	enum db_rc rc;

	while ((rc = db_step(st)) == DB_ROW)
		;
	db_done(st);
	return rc;
}

int
db_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		db->last = map_rc(rc);
		err_set(e, db->last == DB_FULL ? ERR_FULL : ERR_INTERNAL, "%s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
simple(struct db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	db->last = map_rc(rc);
	return rc == SQLITE_OK ? 0 : -1;
}

int db_begin(struct db *db) { return simple(db, "BEGIN IMMEDIATE"); }
int db_commit(struct db *db) { return simple(db, "COMMIT"); }
int db_rollback(struct db *db) { return simple(db, "ROLLBACK"); }
int db_savepoint(struct db *db) { return simple(db, "SAVEPOINT item"); }
int db_savepoint_release(struct db *db) { return simple(db, "RELEASE item"); }
int db_savepoint_rollback(struct db *db)
{
	return simple(db, "ROLLBACK TO item") == 0 ? simple(db, "RELEASE item") : -1;
}

int64_t
db_last_insert_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int
db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

const char *
db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

enum db_rc
db_last_rc(struct db *db)
{
	return db->last;
}

int
db_err(struct db *db, struct err *e, const char *what)
{
	switch (db->last) {
	case DB_BUSY:
		return err_set(e, ERR_BUSY, "%s: the database is busy, try again", what);
	case DB_FULL:
		return err_set(e, ERR_FULL, "%s: the disk is full", what);
	case DB_CONSTRAINT:
		return err_set(e, ERR_CONFLICT, "%s: %s", what, sqlite3_errmsg(db->h));
	default:
		return err_set(e, ERR_INTERNAL, "%s: %s", what, sqlite3_errmsg(db->h));
	}
}
