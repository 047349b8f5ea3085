/* db.c: db.h's entry points; db_open picks the driver from the URL, the rest forward to it. */
#include "db_driver.h"

#include <string.h>

int
db_open(const char *url, int flags, struct db **out, struct err *e)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		return db_sqlite_open(url + 7, flags, out, e);
	/* the two URI prefixes libpq itself accepts (a key=value string is not taken: a typo in
	 * --db must not silently connect to whatever PG* variables point at) */
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return db_pg_open(url, flags, out, e);
	/* the scheme only: a URL may carry a password */
	return err_set(e, ERR_INVALID, "unsupported database URL '%.*s...' (expected sqlite:PATH or postgres://...)",
		       (int)strcspn(url, ":/@"), url);
}

void
db_close(struct db *db)
{
	if (db != NULL)
		db->drv->close(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql) { return db->drv->prepare(db, sql); }

void
db_done(struct db_stmt *st)
{
	if (st != NULL)
		st->db->drv->done(st);
}

void
db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	st->db->drv->bind_int64(st, idx, v);
}

void
db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		st->db->drv->bind_null(st, idx);
	else
		st->db->drv->bind_textn(st, idx, s, strlen(s));
}

void
db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n)
{
	st->db->drv->bind_textn(st, idx, s, n);
}

void
db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	st->db->drv->bind_blob(st, idx, p, n);
}

void db_bind_null(struct db_stmt *st, int idx) { st->db->drv->bind_null(st, idx); }

enum db_rc db_step(struct db_stmt *st) { return st->db->last = st->db->drv->step(st); }

int64_t db_col_int64(struct db_stmt *st, int col) { return st->db->drv->col_int64(st, col); }

const char *db_col_text(struct db_stmt *st, int col) { return st->db->drv->col_text(st, col); }

const void *
db_col_blob(struct db_stmt *st, int col, size_t *len)
{
	return st->db->drv->col_blob(st, col, len);
}

int db_col_is_null(struct db_stmt *st, int col) { return st->db->drv->col_is_null(st, col); }

enum db_rc
db_run(struct db_stmt *st)
{
	enum db_rc rc;

	while ((rc = db_step(st)) == DB_ROW)
		;
	db_done(st);
	return rc;
}

int db_exec(struct db *db, const char *sql, struct err *e) { return db->drv->exec(db, sql, e); }

int db_begin(struct db *db) { return db->drv->tx(db, TX_BEGIN); }
int db_commit(struct db *db) { return db->drv->tx(db, TX_COMMIT); }
int db_rollback(struct db *db) { return db->drv->tx(db, TX_ROLLBACK); }
int db_savepoint(struct db *db) { return db->drv->tx(db, TX_SAVEPOINT); }
int db_savepoint_release(struct db *db) { return db->drv->tx(db, TX_RELEASE); }

int
db_savepoint_rollback(struct db *db)
{
	return db->drv->tx(db, TX_ROLLBACK_TO) == 0 ? db->drv->tx(db, TX_RELEASE) : -1;
}

int db_in_transaction(struct db *db) { return db->drv->in_tx(db); }

int64_t db_last_insert_id(struct db *db) { return db->drv->last_insert_id(db); }
int db_changes(struct db *db) { return db->drv->changes(db); }
const char *db_errmsg(struct db *db) { return db->drv->errmsg(db); }
enum db_rc db_last_rc(struct db *db) { return db->last; }

int
db_err(struct db *db, struct err *e, const char *what)
{
	switch (db->last) {
	case DB_BUSY:
		return err_set(e, ERR_BUSY, "%s: the database is busy, try again", what);
	case DB_FULL:
		return err_set(e, ERR_FULL, "%s: the disk is full", what);
	case DB_IOERR:
		return err_set(e, ERR_BUSY, "%s: the database could not write to the disk (I/O error); try again later", what);
	case DB_CONSTRAINT:
		return err_set(e, ERR_CONFLICT, "%s: %s", what, db_errmsg(db));
	default:
		return err_set(e, ERR_INTERNAL, "%s: %s", what, db_errmsg(db));
	}
}

int db_is_postgres(const struct db *db) { return db->drv->postgres; }
int db_checkpoint_wakes(struct db *db) { return db->drv->postgres ? 0 : db_sqlite_checkpoint_wakes(db); }
