/* audit.c: the audit log table (0005_sessions.sql). */
#include "audit.h"

#include <string.h>

#include "../util/clock.h"

static const char SQL_AUDIT[] =
    "INSERT INTO audit_log (at, account_id, address, action, object, detail) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
int
audit_append(struct db *db, const struct audit_entry *a, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_AUDIT);

	if (st == NULL)
		return db_err(db, e, "audit");
	db_bind_int64(st, 1, a->at ? a->at : clock_now());
	if (a->account_id > 0)
		db_bind_int64(st, 2, a->account_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, a->address ? a->address : "");
	db_bind_text(st, 4, a->action);
	db_bind_text(st, 5, a->object ? a->object : "");
	db_bind_text(st, 6, a->detail ? a->detail : "");
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "audit");
}

int
audit_append_fn(struct db *db, void *arg, struct err *e)
{
	return audit_append(db, arg, e);
}

static const char SQL_AUDIT_PAGE[] =
    "SELECT id, at, COALESCE(account_id, 0), address, action, object, detail FROM audit_log "
    "WHERE ($1 = '' OR action = $1) AND ($2 = 0 OR account_id = $2) AND ($3 = 0 OR id < $3) "
    "ORDER BY id DESC LIMIT $4";

int
audit_list(struct db *db, struct arena *a, const char *action, int64_t account_id, int64_t before_id,
	   int n, struct audit_entry **out, int64_t *next_before, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_AUDIT_PAGE);
	struct audit_entry *list;
	enum db_rc rc;
	int64_t last_id = 0;
	int got = 0;

	*next_before = 0;
	if (st == NULL)
		return db_err(db, e, "audit");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_text(st, 1, action ? action : "");
	db_bind_int64(st, 2, account_id);
	db_bind_int64(st, 3, before_id);
	db_bind_int64(st, 4, n + 1);
	while ((rc = db_step(st)) == DB_ROW) {
		struct audit_entry *x;
		if (got == n) {
			*next_before = last_id;
			continue;
		}
		x = &list[got++];
		last_id = db_col_int64(st, 0);
		x->at = db_col_int64(st, 1);
		x->account_id = db_col_int64(st, 2);
		x->address = arena_strdup(a, db_col_text(st, 3));
		x->action = arena_strdup(a, db_col_text(st, 4));
		x->object = arena_strdup(a, db_col_text(st, 5));
		x->detail = arena_strdup(a, db_col_text(st, 6));
		if (x->address == NULL || x->action == NULL || x->object == NULL || x->detail == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "audit");
	*out = list;
	return got;
}
