/* outbox.c: the outbox table (0007_accounts.sql). */
#include "outbox.h"

#include "../util/clock.h"

static const char SQL_QUEUE[] =
    "INSERT INTO outbox (created_at, to_addr, lang, kind, subject, body_text) VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_LIST[] =
    "SELECT id, created_at, COALESCE(sent_at, 0), to_addr, lang, kind, subject, body_text FROM outbox "
    "WHERE CAST($1 AS TEXT) IS NULL OR lower(to_addr) = lower($1) ORDER BY id DESC LIMIT $2";

int
outbox_queue(struct db *db, const struct mail *m, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_QUEUE);

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, clock_now());
	db_bind_text(st, 2, m->to);
	db_bind_text(st, 3, m->lang);
	db_bind_text(st, 4, m->kind);
	db_bind_text(st, 5, m->subject);
	db_bind_text(st, 6, m->body);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
}

int
outbox_list(struct db *db, struct arena *a, const char *to, int n, struct outbox_row **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	struct outbox_row *list;
	enum db_rc rc = DB_DONE;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "outbox");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_text(st, 1, to);
	db_bind_int64(st, 2, n);
	while (got < n && (rc = db_step(st)) == DB_ROW) {
		struct outbox_row *m = &list[got++];
		m->id = db_col_int64(st, 0);
		m->created_at = db_col_int64(st, 1);
		m->sent_at = db_col_int64(st, 2);
		m->to = arena_strdup(a, db_col_text(st, 3));
		m->lang = arena_strdup(a, db_col_text(st, 4));
		m->kind = arena_strdup(a, db_col_text(st, 5));
		m->subject = arena_strdup(a, db_col_text(st, 6));
		m->body = arena_strdup(a, db_col_text(st, 7));
		if (m->to == NULL || m->lang == NULL || m->kind == NULL || m->subject == NULL || m->body == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	if (got < n && rc != DB_DONE)
		return db_err(db, e, "outbox");
	*out = list;
	return got;
}
