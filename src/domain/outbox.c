/* outbox.c: the outbox table (0007_accounts.sql, 0023_mail.sql, 0024_mail_send.sql): queueing
 * and listing; sending is outbox_send.c. */
#include "outbox.h"

#include <stdio.h>
#include <string.h>
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
    "unsubscribe_url, attach_name, attach_type, attach_data, status, next_attempt_at, last_error) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $1, $14)";
static const char SQL_SUPPRESSED[] =
    "SELECT reason FROM mail_suppressed WHERE addr = lower($1) AND lifted_at IS NULL";
#define LIST_COLS \
    "SELECT id, created_at, COALESCE(sent_at, 0), to_addr, lang, kind, subject, body_text, status, " \
    "attempts, next_attempt_at, COALESCE(last_error, ''), COALESCE(message_id, '') FROM outbox "
static const char SQL_LIST[] = LIST_COLS
    "WHERE (CAST($1 AS TEXT) IS NULL OR lower(to_addr) = lower($1)) AND (CAST($2 AS TEXT) IS NULL OR "
    "status = $2) AND (CAST($3 AS BIGINT) = 0 OR id < $3) ORDER BY id DESC LIMIT $4";
static const char SQL_COUNT[] = "SELECT status, COUNT(*) FROM outbox GROUP BY status";

/* The reason `to` is suppressed, into why (n bytes): 1; 0 when it is not; -1 with e. */
static int
suppressed(struct db *db, const char *to, char *why, size_t n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SUPPRESSED);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_text(st, 1, to);
	if ((rc = db_step(st)) == DB_ROW)
		snprintf(why, n, "%s", db_col_text(st, 0));
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "outbox");
	return rc == DB_ROW;
}

int
outbox_queue(struct db *db, const struct mail *m, struct err *e)
{
	struct db_stmt *st;
	char mid[80];

	char why[300], error[400];
	int sup;

	if ((sup = suppressed(db, m->to, why, sizeof(why), e)) < 0)
		return -1;
	if ((st = db_prepare(db, SQL_QUEUE)) == NULL)
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
	db_bind_text(st, 13, sup ? "suppressed" : "queued");
	if (sup) {
		snprintf(error, sizeof(error), "not sent: the address is suppressed (%s)", why);
		db_bind_text(st, 14, error);
	} else
		db_bind_null(st, 14);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
}

int
outbox_list(struct db *db, struct arena *a, const char *to, int n, struct outbox_row **out, struct err *e)
{
	return outbox_list_status(db, a, to, NULL, 0, n, out, e);
}

static const char *
col(struct arena *a, struct db_stmt *st, int c, int *oom)
{
	char *s = arena_strdup(a, db_col_text(st, c));

	*oom |= s == NULL;
	return s;
}

int
outbox_list_status(struct db *db, struct arena *a, const char *to, const char *status, int64_t before, int n,
		   struct outbox_row **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	struct outbox_row *list;
	enum db_rc rc = DB_DONE;
	int got = 0, oom = 0;

	if (st == NULL)
		return db_err(db, e, "outbox");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_text(st, 1, to);
	db_bind_text(st, 2, status);
	db_bind_int64(st, 3, before);
	db_bind_int64(st, 4, n);
	while (got < n && !oom && (rc = db_step(st)) == DB_ROW) {
		struct outbox_row *m = &list[got++];
		m->id = db_col_int64(st, 0);
		m->created_at = db_col_int64(st, 1);
		m->sent_at = db_col_int64(st, 2);
		m->to = col(a, st, 3, &oom);
		m->lang = col(a, st, 4, &oom);
		m->kind = col(a, st, 5, &oom);
		m->subject = col(a, st, 6, &oom);
		m->body = col(a, st, 7, &oom);
		m->status = col(a, st, 8, &oom);
		m->attempts = db_col_int64(st, 9);
		m->next_attempt_at = db_col_int64(st, 10);
		m->last_error = col(a, st, 11, &oom);
		m->message_id = col(a, st, 12, &oom);
	}
	db_done(st);
	if (oom)
		return err_set(e, ERR_BUSY, "out of memory");
	if (got < n && rc != DB_DONE)
		return db_err(db, e, "outbox");
	*out = list;
	return got;
}

int
outbox_count(struct db *db, int64_t counts[4], struct err *e)
{
	static const char *const names[4] = { "queued", "sent", "failed", "suppressed" };
	struct db_stmt *st = db_prepare(db, SQL_COUNT);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "outbox");
	for (int i = 0; i < 4; i++)
		counts[i] = 0;
	while ((rc = db_step(st)) == DB_ROW)
		for (int i = 0; i < 4; i++)
			if (strcmp(db_col_text(st, 0), names[i]) == 0)
				counts[i] = db_col_int64(st, 1);
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "outbox");
}
