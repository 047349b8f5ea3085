/* db.h: one small database API with two drivers, SQLite (db_sqlite.c) and PostgreSQL (db_pg.c,
 * docs/POSTGRES.md). SQL is written once with $1-style parameters; the driver adapts it. */
#ifndef AGORA_DB_H
#define AGORA_DB_H
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

struct db;
struct db_stmt;

enum db_rc {
	DB_OK = 0,
	DB_ROW,		/* db_step: a row is ready */
	DB_DONE,	/* db_step: no more rows */
	DB_ERROR,	/* anything else: a bug or a broken database */
	DB_BUSY,	/* locked: try later (503) */
	DB_FULL,	/* disk full (503) */
	DB_CONSTRAINT,	/* a UNIQUE, CHECK or foreign key said no */
	DB_IOERR	/* the disk failed a read, write or sync (503) */
};

/* DB_WRITER: the connection every write of agora serve goes through (the writer's). On SQLite
 * its temporary files (statement journals) are in memory, and the WAL is copied back into the
 * database file by a thread of its own, on its own connection, instead of by whichever commit
 * fills it; PostgreSQL ignores it. */
enum db_open_flags { DB_READONLY = 1, DB_CREATE = 2, DB_WRITER = 4 };

/* Opens "sqlite:PATH" (WAL, synchronous=FULL, foreign keys) or a libpq URI "postgres://..." /
 * "postgresql://..." (refused unless synchronous_commit and fsync make a commit durable). */
int db_open(const char *url, int flags, struct db **out, struct err *e);
void db_close(struct db *db);

/* Prepares sql, which must be a string that lives as long as the connection (a literal):
 * statements are cached by that pointer. db_done resets the statement for reuse. */
struct db_stmt *db_prepare(struct db *db, const char *sql);
void db_done(struct db_stmt *st);

void db_bind_int64(struct db_stmt *st, int idx, int64_t v);	/* idx: 1 for $1 */
void db_bind_text(struct db_stmt *st, int idx, const char *s);	/* NULL binds NULL; copied */
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n);
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int idx);

enum db_rc db_step(struct db_stmt *st);
int64_t db_col_int64(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);	/* "" for NULL; valid until next step */
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);
int db_col_is_null(struct db_stmt *st, int col);

/* Runs a statement to completion (no rows wanted); returns its final rc (DB_DONE on success). */
enum db_rc db_run(struct db_stmt *st);
/* Runs several ;-separated statements without parameters (migrations). */
int db_exec(struct db *db, const char *sql, struct err *e);

int db_begin(struct db *db);		/* SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN */
int db_commit(struct db *db);
int db_rollback(struct db *db);
int db_savepoint(struct db *db);	/* one level, named "item" */
int db_savepoint_release(struct db *db);
int db_savepoint_rollback(struct db *db);
/* 1 while the transaction db_begin opened is still open. SQLite rolls a whole transaction back
 * by itself after some errors (disk I/O, disk full, out of memory): then 0, and whatever the
 * transaction had written is gone, however many savepoints were released in it. */
int db_in_transaction(struct db *db);

/* SQLite's rowid; on PostgreSQL the id the driver's RETURNING id gave (docs/POSTGRES.md). */
int64_t db_last_insert_id(struct db *db);
/* 1 on PostgreSQL: for the few places where the two differ (migrations, blobs, search, locks). */
int db_is_postgres(const struct db *db);
/* How many times a DB_WRITER connection's commits asked for a WAL checkpoint (once per 1,000
 * pages the WAL grew by, however many commits that took); 0 for any other connection and on
 * PostgreSQL. */
int db_checkpoint_wakes(struct db *db);
int db_changes(struct db *db);
const char *db_errmsg(struct db *db);
enum db_rc db_last_rc(struct db *db);
/* Maps the last failure to an err kind (busy/full -> ERR_BUSY/ERR_FULL). Returns -1. */
int db_err(struct db *db, struct err *e, const char *what);

#endif
