/* outbox.c: the outbox table (0007_accounts.sql). */
#include "outbox.h"

#include <stdio.h>
#include <sodium.h>

#include "../util/clock.h"

/* A Message-ID that no other mail has: 16 random bytes, and the time for the reader. */
static void
message_id(char *out, size_t n)
{
	unsigned char r[16];
	char hex[sizeof(r) * 2 + 1];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	snprintf(out, n, "<%lld.%s@agora>", (long long)clock_now(), hex);
}

static const char SQL_QUEUE[] =
    "INSERT INTO outbox (created_at, to_addr, lang, kind, subject, body_text, message_id, body_html, "
    "unsubscribe_url, attach_name, attach_type, attach_data) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
static const char SQL_LIST[] =
    "SELECT id, created_at, COALESCE(sent_at, 0), to_addr, lang, kind, subject, body_text FROM outbox "
    "WHERE CAST($1 AS TEXT) IS NULL OR lower(to_addr) = lower($1) ORDER BY id DESC LIMIT $2";

int
outbox_queue(struct db *db, const struct mail *m, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_QUEUE);
	char mid[80];

	if (st == NULL)
		return db_err(db, e, "outbox");
	message_id(mid, sizeof(mid));
	db_bind_int64(st, 1, clock_now());
	db_bind_text(st, 2, m->to);
	db_bind_text(st, 3, m->lang);
	db_bind_text(st, 4, m->kind);
	db_bind_text(st, 5, m->subject);
	db_bind_text(st, 6, m->body);
	db_bind_text(st, 7, mid);
	db_bind_text(st, 8, m->html);
	db_bind_text(st, 9, m->unsubscribe_url);
	db_bind_text(st, 10, m->attach_name);
	db_bind_text(st, 11, m->attach_type);
	if (m->attach_data != NULL)
		db_bind_blob(st, 12, m->attach_data, m->attach_len);
	else
		db_bind_null(st, 12);
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
