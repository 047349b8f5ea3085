/* subscription_digest.c: daily and weekly digests. A notice for a daily or weekly subscription
 * waits in the subscription's open digest, due at the next 00:00 UTC (daily) or the next Monday
 * 00:00 UTC (weekly); the scheduler's "digest" source mails each due digest once, as one mail
 * grouping its notices in the subscription's language. */
#include "subscription.h"

#include <stdio.h>

#include "../util/buf.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "subscription_int.h"

static const char SQL_WAITING[] =
    "SELECT id FROM subscription_digests WHERE subscription_id = $1 AND sent_at IS NULL";
static const char SQL_DIGEST_NEW[] =
    "INSERT INTO subscription_digests (subscription_id, due_at, created_at) VALUES ($1, $2, $3)";

int64_t
notice_digest_due(const char *frequency, int64_t t)
{
	int64_t day = t / 86400 + 1;

	if (str_eq(frequency, "weekly"))
		while ((day - 4) % 7 != 0)	/* 1970-01-05, day 4, was a Monday */
			day++;
	return day * 86400;
}

int
notice_waiting_digest(struct db *db, int64_t sub, const char *frequency, int64_t now, int64_t *id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_WAITING);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "digest");
	db_bind_int64(st, 1, sub);
	if ((rc = db_step(st)) == DB_ROW)
		*id = db_col_int64(st, 0);
	db_done(st);
	if (rc == DB_ROW)
		return 0;
	if (rc != DB_DONE || (st = db_prepare(db, SQL_DIGEST_NEW)) == NULL)
		return db_err(db, e, "digest");
	db_bind_int64(st, 1, sub);
	db_bind_int64(st, 2, notice_digest_due(frequency, now));
	db_bind_int64(st, 3, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "digest");
	*id = db_last_insert_id(db);
	return 0;
}

const char notice_digest_due_sql[] =
    "SELECT id, due_at FROM subscription_digests WHERE sent_at IS NULL AND due_at <= $1 ORDER BY due_at, id";

static const char SQL_DIGEST[] =
    "SELECT s.id, s.email, s.language, s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL "
    "FROM subscription_digests d JOIN subscriptions s ON s.id = d.subscription_id "
    "WHERE d.id = $1 AND d.sent_at IS NULL";
static const char SQL_DIGEST_NOTICES[] =
    "SELECT title, detail, url FROM subscription_notices WHERE digest_id = $1 ORDER BY id";
static const char SQL_DIGEST_DONE[] = "UPDATE subscription_digests SET sent_at = $2, outcome = $3 WHERE id = $1";
static const char SQL_NOTICES_MAILED[] = "UPDATE subscription_notices SET mailed_at = $2 WHERE digest_id = $1";
static const char SQL_LAST_DIGEST[] = "UPDATE subscriptions SET last_digest_at = $2 WHERE id = $1";

static int
run_id_time(struct db *db, const char *sql, int64_t id, int64_t t, const char *text, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "digest");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, t);
	if (text != NULL)
		db_bind_text(st, 3, text);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "digest");
}

/* Mails digest id: every notice it holds, grouped in one mail in the subscription's language.
 * A subscription that ended meanwhile gets nothing (the digest is closed as 'ended'). */
static int
digest_mail(struct db *db, struct arena *a, int64_t id, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_DIGEST);
	const char *email = NULL, *lang = "en", *subject;
	struct buf t;
	int64_t sub = 0, live = 0;
	enum db_rc rc;
	locale_t old;
	int n = 0;

	if (st == NULL)
		return db_err(db, e, "digest");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW) {
		sub = db_col_int64(st, 0);
		email = arena_strdup(a, db_col_text(st, 1));
		lang = arena_strdup(a, db_col_text(st, 2));
		live = db_col_int64(st, 3);
	}
	db_done(st);
	if (rc == DB_DONE)
		return 0;	/* sent already */
	if (rc != DB_ROW)
		return db_err(db, e, "digest");
	if (!live)
		return run_id_time(db, SQL_DIGEST_DONE, id, now, "ended", e);
	if ((st = db_prepare(db, SQL_DIGEST_NOTICES)) == NULL)
		return db_err(db, e, "digest");
	buf_init(&t);
	old = notice_lang_begin(lang);
	buf_printf(&t, "%s\n\n", _("Your digest of notices from Agora:"));
	notice_lang_end(old);
	db_bind_int64(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		buf_printf(&t, "* %s\n  %s\n%s\n\n", db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
		n++;
	}
	db_done(st);
	old = notice_lang_begin(lang);
	subject = arena_printf(a, P_("%d notice from Agora", "%d notices from Agora", n), n);
	notice_lang_end(old);
	if (rc != DB_DONE || t.failed) {
		buf_free(&t);
		return rc != DB_DONE ? db_err(db, e, "digest") : err_set(e, ERR_BUSY, "out of memory");
	}
	rc = n > 0 ? notice_queue_mail(db, a, sub, email, lang, "digest", subject, t.data, e) : 0;
	buf_free(&t);
	if (rc != 0 || run_id_time(db, SQL_NOTICES_MAILED, id, now, NULL, e) != 0 ||
	    run_id_time(db, SQL_DIGEST_DONE, id, now, "sent", e) != 0)
		return -1;
	return run_id_time(db, SQL_LAST_DIGEST, sub, now, NULL, e);
}

int
notice_apply_digest(struct db *db, int64_t id, int64_t now, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = digest_mail(db, a, id, now, e);
	arena_free(a);
	return rc;
}
