/* migrate.c: applies sql/sqlite/NNNN_name.sql or, on PostgreSQL, sql/postgres/NNNN_name.sql
 * files embedded at build time. */
#include "migrate.h"

#include "../util/clock.h"

#include <stdlib.h>
#include <string.h>

struct embedded {
	const char *path, *data;
	size_t len;
};
extern const struct embedded sqlite_migrations[], postgres_migrations[];

static const char SQL_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at INTEGER NOT NULL)";
static const char SQL_PG_LOCK[] = "SELECT pg_advisory_lock(4242001)";
static const char SQL_PG_UNLOCK[] = "SELECT pg_advisory_unlock(4242001)";
static const char SQL_VERSION[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_RECORD[] =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";

int
migrate_version(struct db *db)
{
	struct db_stmt *st = db_prepare(db, SQL_VERSION);
	int v = 0;

	if (st == NULL)
		return 0;	/* no table yet */
	if (db_step(st) == DB_ROW)
		v = (int)db_col_int64(st, 0);
	db_done(st);
	return v;
}

static int
apply(struct db *db, const struct embedded *set, struct err *e)
{
	struct db_stmt *st;
	int current, applied = 0;

	current = migrate_version(db);
	for (const struct embedded *m = set; m->path != NULL; m++) {
		int version = atoi(m->path);
		struct err why;
		char *sql;

		if (version <= current)
			continue;
		if ((sql = strndup(m->data, m->len)) == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
		if (db_begin(db) != 0) {
			free(sql);
			return db_err(db, e, "migration");
		}
		if (db_exec(db, sql, &why) != 0) {	/* not e: its msg cannot be formatted into itself */
			free(sql);
			db_rollback(db);
			return err_set(e, why.kind, "migration %s failed: %s", m->path, why.msg);
		}
		free(sql);
		if ((st = db_prepare(db, SQL_RECORD)) == NULL) {
			db_rollback(db);
			return db_err(db, e, "migration record");
		}
		db_bind_int64(st, 1, version);
		db_bind_text(st, 2, m->path);
		db_bind_int64(st, 3, clock_now());
		if (db_run(st) != DB_DONE || db_commit(db) != 0) {
			db_err(db, e, "migration record");
			db_rollback(db);
			return -1;
		}
		applied++;
	}
	return applied;
}

int
migrate_up(struct db *db, struct err *e)
{
	struct err ignored;
	int rc;

	if (!db_is_postgres(db)) {
		if (db_exec(db, SQL_TABLE, e) != 0)
			return -1;
		return apply(db, sqlite_migrations, e);
	}
	/* Servers starting together on one PostgreSQL database: one migrates, the others wait for
	 * it and then find nothing to do (the lock is the session's, released after). */
	if (db_exec(db, SQL_PG_LOCK, e) != 0)
		return -1;
	rc = db_exec(db, SQL_TABLE, e) != 0 ? -1 : apply(db, postgres_migrations, e);
	db_exec(db, SQL_PG_UNLOCK, &ignored);
	return rc;
}
