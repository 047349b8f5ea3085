/* outbox_send.c: the outbox's sending state (0024_mail_send.sql): which mails are due, one
 * attempt claimed and finished in writes of their own, backoff, suppression, retry by hand. The
 * SMTP side is src/mail/. */
#include "outbox.h"

#include <stdio.h>
#include <string.h>

static const char SQL_DUE[] =
    "SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id "
    "LIMIT $2";
static const char SQL_LOAD[] =
    "SELECT id, created_at, attempts, to_addr, lang, kind, subject, body_text, COALESCE(message_id, ''), "
    "body_html, unsubscribe_url, attach_name, attach_type, attach_data FROM outbox WHERE id = $1";
static const char SQL_CLAIM[] =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = $1 AND status = 'queued' "
    "AND next_attempt_at <= $3";
static const char SQL_INTERRUPTED[] =
    "UPDATE outbox_attempts SET result = 'interrupted', reply = 'the server stopped during this attempt' "
    "WHERE outbox_id = $1 AND result = 'sending'";
static const char SQL_ATTEMPT[] =
    "INSERT INTO outbox_attempts (outbox_id, started_at, result) VALUES ($1, $2, 'sending')";
static const char SQL_ATTEMPT_END[] =
    "UPDATE outbox_attempts SET result = $2, smtp_code = $3, reply = $4 WHERE id = $1";
static const char SQL_MAIL_OF[] = "SELECT created_at, attempts, to_addr FROM outbox WHERE id = $1";
static const char SQL_SENT[] =
    "UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1";
static const char SQL_AGAIN[] = "UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1";
static const char SQL_FAILED[] = "UPDATE outbox SET status = 'failed', last_error = $2 WHERE id = $1";
static const char SQL_SUPPRESS[] =
    "INSERT INTO mail_suppressed (addr, reason, outbox_id, suppressed_at) SELECT lower($1), CAST($2 AS TEXT), CAST($3 AS BIGINT), CAST($4 AS BIGINT) "
    "WHERE NOT EXISTS (SELECT 1 FROM mail_suppressed WHERE addr = lower($1) AND lifted_at IS NULL)";
static const char SQL_SUPPRESS_QUEUED[] =
    "UPDATE outbox SET status = 'suppressed', last_error = $2 WHERE lower(to_addr) = lower($1) "
    "AND status = 'queued'";
static const char SQL_STATUS_OF[] = "SELECT status, to_addr FROM outbox WHERE id = $1";
static const char SQL_REQUEUE[] =
    "UPDATE outbox SET status = 'queued', next_attempt_at = $2 WHERE id = $1";
static const char SQL_LIFT[] =
    "UPDATE mail_suppressed SET lifted_at = $2 WHERE addr = lower($1) AND lifted_at IS NULL";

int64_t
outbox_backoff_s(int64_t n)
{
	int64_t s = OUTBOX_RETRY_FIRST_S;

	while (--n > 0 && s < OUTBOX_RETRY_MAX_S)
		s *= 2;
	return s < OUTBOX_RETRY_MAX_S ? s : OUTBOX_RETRY_MAX_S;
}

int
outbox_due(struct db *db, int64_t now, int64_t *ids, int n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_DUE);
	enum db_rc rc = DB_DONE;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, n);
	while (got < n && (rc = db_step(st)) == DB_ROW)
		ids[got++] = db_col_int64(st, 0);
	db_done(st);
	if (got < n && rc != DB_DONE)
		return db_err(db, e, "outbox");
	return got;
}

/* Column c as an arena string, or NULL when the column is NULL. */
static const char *
opt(struct arena *a, struct db_stmt *st, int c, int *oom)
{
	char *s;

	if (db_col_is_null(st, c))
		return NULL;
	s = arena_strdup(a, db_col_text(st, c));
	*oom |= s == NULL;
	return s;
}

int
outbox_load(struct db *db, struct arena *a, int64_t id, struct outbox_mail *m, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LOAD);
	enum db_rc rc;
	int oom = 0;

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "no mail %lld", (long long)id) : db_err(db, e, "outbox");
	}
	*m = (struct outbox_mail){
		.id = db_col_int64(st, 0),
		.created_at = db_col_int64(st, 1),
		.attempts = db_col_int64(st, 2),
		.to = opt(a, st, 3, &oom),
		.lang = opt(a, st, 4, &oom),
		.kind = opt(a, st, 5, &oom),
		.subject = opt(a, st, 6, &oom),
		.body = opt(a, st, 7, &oom),
		.message_id = opt(a, st, 8, &oom),
		.html = opt(a, st, 9, &oom),
		.unsubscribe_url = opt(a, st, 10, &oom),
		.attach_name = opt(a, st, 11, &oom),
		.attach_type = opt(a, st, 12, &oom),
	};
	if (!db_col_is_null(st, 13)) {
		size_t len = 0;
		const void *p = db_col_blob(st, 13, &len);
		void *copy = arena_alloc(a, len ? len : 1);

		if (copy == NULL)
			oom = 1;
		else if (len)
			memcpy(copy, p, len);
		m->attach_data = copy;
		m->attach_len = len;
	}
	db_done(st);
	return oom ? err_set(e, ERR_BUSY, "out of memory") : 0;
}

int
outbox_claim_fn(struct db *db, void *arg, struct err *e)
{
	struct outbox_attempt *t = arg;
	struct db_stmt *st;

	t->claimed = 0;
	if ((st = db_prepare(db, SQL_CLAIM)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, t->mail_id);
	db_bind_int64(st, 2, t->now + OUTBOX_LEASE_S);
	db_bind_int64(st, 3, t->now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outbox");
	if (db_changes(db) != 1)
		return 0;
	if ((st = db_prepare(db, SQL_INTERRUPTED)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, t->mail_id);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outbox");
	if ((st = db_prepare(db, SQL_ATTEMPT)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, t->mail_id);
	db_bind_int64(st, 2, t->now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outbox");
	t->attempt_id = db_last_insert_id(db);
	t->claimed = 1;
	return 0;
}

/* Runs sql with $1 = id, $2 = text. */
static int
run_id_text(struct db *db, const char *sql, int64_t id, const char *text, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, text);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
}

/* Puts the address on the suppression list and every mail still queued to it out of the queue. */
static int
suppress(struct db *db, const struct outbox_attempt *t, const char *to, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SUPPRESS);
	char why[600];

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_text(st, 1, to);
	db_bind_text(st, 2, t->reply);
	db_bind_int64(st, 3, t->mail_id);
	db_bind_int64(st, 4, t->now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outbox");
	snprintf(why, sizeof(why), "not sent: the address is suppressed (%s)", t->reply);
	if ((st = db_prepare(db, SQL_SUPPRESS_QUEUED)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_text(st, 1, to);
	db_bind_text(st, 2, why);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
}

int
outbox_finish_fn(struct db *db, void *arg, struct err *e)
{
	struct outbox_attempt *t = arg;
	struct db_stmt *st = db_prepare(db, SQL_MAIL_OF);
	const char *result = "sent";
	int64_t created_at, attempts;
	char to[320], why[600];
	enum db_rc rc;
	int rv = 0;

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, t->mail_id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "no mail %lld", (long long)t->mail_id)
				     : db_err(db, e, "outbox");
	}
	created_at = db_col_int64(st, 0);
	attempts = db_col_int64(st, 1);
	snprintf(to, sizeof(to), "%s", db_col_text(st, 2));
	db_done(st);
	if (t->result == OUTBOX_SENT) {
		if ((st = db_prepare(db, SQL_SENT)) == NULL)
			return db_err(db, e, "outbox");
		db_bind_int64(st, 1, t->mail_id);
		db_bind_int64(st, 2, t->now);
		rv = db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
	} else if (t->result == OUTBOX_REFUSED) {
		result = "refused";
		rv = run_id_text(db, SQL_FAILED, t->mail_id, t->reply, e);
		if (rv == 0)
			rv = suppress(db, t, to, e);
	} else if (t->now - created_at >= OUTBOX_GIVE_UP_S || attempts >= OUTBOX_MAX_ATTEMPTS) {
		result = "failed";
		snprintf(why, sizeof(why), "gave up after %lld attempts: %s", (long long)attempts, t->reply);
		rv = run_id_text(db, SQL_FAILED, t->mail_id, why, e);
	} else {
		result = "retry";
		if ((st = db_prepare(db, SQL_AGAIN)) == NULL)
			return db_err(db, e, "outbox");
		db_bind_int64(st, 1, t->mail_id);
		db_bind_int64(st, 2, t->now + outbox_backoff_s(attempts));
		db_bind_text(st, 3, t->reply);
		rv = db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
	}
	if (rv != 0)
		return -1;
	if ((st = db_prepare(db, SQL_ATTEMPT_END)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, t->attempt_id);
	db_bind_text(st, 2, result);
	db_bind_int64(st, 3, t->smtp_code);
	db_bind_text(st, 4, t->reply ? t->reply : "");
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
}

int
outbox_retry_fn(struct db *db, void *arg, struct err *e)
{
	struct outbox_retry *r = arg;
	struct db_stmt *st = db_prepare(db, SQL_STATUS_OF);
	char to[320];
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, r->mail_id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "there is no mail %lld", (long long)r->mail_id)
				     : db_err(db, e, "outbox");
	}
	snprintf(r->status, sizeof(r->status), "%s", db_col_text(st, 0));
	snprintf(to, sizeof(to), "%s", db_col_text(st, 1));
	db_done(st);
	if (strcmp(r->status, "failed") != 0 && strcmp(r->status, "suppressed") != 0)
		return err_set(e, ERR_CONFLICT, "mail %lld is %s: only a failed or suppressed mail is sent again",
			       (long long)r->mail_id, r->status);
	if ((st = db_prepare(db, SQL_REQUEUE)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_int64(st, 1, r->mail_id);
	db_bind_int64(st, 2, r->now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outbox");
	if ((st = db_prepare(db, SQL_LIFT)) == NULL)
		return db_err(db, e, "outbox");
	db_bind_text(st, 1, to);
	db_bind_int64(st, 2, r->now);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "outbox");
}
