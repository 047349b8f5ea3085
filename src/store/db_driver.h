/* db_driver.h: what a driver of db.h provides (private to src/store/db*.c).
 * db.c picks the driver from the URL and forwards each call through its table; each driver's
 * connection and statement structs begin with struct db and struct db_stmt below, so a pointer
 * to one is a pointer to the other. */
#ifndef AGORA_DB_DRIVER_H
#define AGORA_DB_DRIVER_H
#include "db.h"

struct db_driver {
	void (*close)(struct db *db);
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*done)(struct db_stmt *st);
	void (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_textn)(struct db_stmt *st, int idx, const char *s, size_t n);
	void (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
	void (*bind_null)(struct db_stmt *st, int idx);
	enum db_rc (*step)(struct db_stmt *st);
	int64_t (*col_int64)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *len);
	int (*col_is_null)(struct db_stmt *st, int col);
	int (*exec)(struct db *db, const char *sql, struct err *e);
	/* BEGIN (as the driver means it), COMMIT, ROLLBACK, SAVEPOINT item, RELEASE item, ROLLBACK TO */
	int (*tx)(struct db *db, int op);
	/* 1 while the transaction db_begin opened is still open (db_in_transaction) */
	int (*in_tx)(struct db *db);
	int64_t (*last_insert_id)(struct db *db);
	int (*changes)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int postgres;	/* 1: the libpq driver (db_is_postgres) */
};

enum db_tx { TX_BEGIN, TX_COMMIT, TX_ROLLBACK, TX_SAVEPOINT, TX_RELEASE, TX_ROLLBACK_TO };

struct db {
	const struct db_driver *drv;
	enum db_rc last;	/* the last step's or command's outcome (db_last_rc, db_err) */
};

struct db_stmt {
	struct db *db;
};

int db_sqlite_open(const char *path, int flags, struct db **out, struct err *e);
int db_sqlite_checkpoint_wakes(struct db *db);
int db_pg_open(const char *url, int flags, struct db **out, struct err *e);

#endif
