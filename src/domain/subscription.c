/* subscription.c: subscribing, confirming and unsubscribing (0025_subscriptions.sql). */
#include "subscription.h"

#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "audit.h"

const char *const subscription_kinds[SUBSCRIPTION_KINDS] = { "round_opened", "round_closing",
							     "summary_published", "report_published",
							     "outcomes_published" };

static const char SQL_INSERT[] =
    "INSERT INTO subscriptions (email, account_id, language, kinds, frequency, confirm_hash, "
    "confirm_expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/* Subscribing again before confirming: the newest link counts, older ones end now. */
static const char SQL_END_LINKS[] =
    "UPDATE subscriptions SET confirm_expires_at = $2 WHERE lower(email) = lower($1) AND "
    "confirmed_at IS NULL AND confirm_expires_at > $2";
static const char SQL_LINK[] =
    "SELECT id, confirm_expires_at, COALESCE(confirmed_at, 0), language, email FROM subscriptions "
    "WHERE confirm_hash = $1";
static const char SQL_REPLACE[] =
    "UPDATE subscriptions SET unsubscribed_at = $2, ended = 'replaced' WHERE lower(email) = lower($1) "
    "AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL";
static const char SQL_CONFIRM[] =
    "UPDATE subscriptions SET confirmed_at = $2 WHERE id = $1 AND confirmed_at IS NULL";
static const char SQL_UNSUB_LINK[] =
    "SELECT s.language, COALESCE(s.unsubscribed_at, 0) FROM subscription_tokens t "
    "JOIN subscriptions s ON s.id = t.subscription_id WHERE t.token_hash = $1 AND t.subscription_id = $2";
static const char SQL_UNSUB[] =
    "UPDATE subscriptions SET unsubscribed_at = $2, ended = 'unsubscribed' WHERE id = $1 AND "
    "unsubscribed_at IS NULL";

int
subscription_kind_valid(const char *k)
{
	for (int i = 0; i < SUBSCRIPTION_KINDS; i++)
		if (str_eq(k, subscription_kinds[i]))
			return 1;
	return 0;
}

int
subscription_frequency_valid(const char *f)
{
	return str_eq(f, "immediate") || str_eq(f, "daily") || str_eq(f, "weekly");
}

int
subscription_kinds_join(const char *const *given, int n, char out[128], const char **bad)
{
	int want[SUBSCRIPTION_KINDS] = { 0 }, any = 0;
	size_t len = 0;

	*bad = NULL;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int k;
		for (k = 0; k < SUBSCRIPTION_KINDS && !str_eq(given[i], subscription_kinds[k]); k++)
			;
		if (k == SUBSCRIPTION_KINDS) {
			*bad = given[i] ? given[i] : "";
			return -1;
		}
		want[k] = any = 1;
	}
	if (!any)
		return -1;
	for (int k = 0; k < SUBSCRIPTION_KINDS; k++)
		if (want[k])
			len += (size_t)snprintf(out + len, 128 - len, "%s%s", len ? "," : "", subscription_kinds[k]);
	return 0;
}

/* A language code as a literal (the stored one is checked by the table). */
static const char *
lang_literal(const char *code)
{
	enum lang l;

	return lang_from_code(code, &l) == 0 ? lang_code(l) : "en";
}

int
subscription_new_fn(struct db *db, void *arg, struct err *e)
{
	struct subscription_new *n = arg;
	struct arena *a = arena_new();
	struct db_stmt *st;
	struct mail m;
	int64_t now = clock_now();
	char hex[65];
	int rc = -1;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if ((st = db_prepare(db, SQL_END_LINKS)) == NULL) {
		db_err(db, e, "subscription");
		goto out;
	}
	db_bind_text(st, 1, n->email);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "subscription");
		goto out;
	}
	if ((st = db_prepare(db, SQL_INSERT)) == NULL) {
		db_err(db, e, "subscription");
		goto out;
	}
	session_token_hash(n->token, hex);
	db_bind_text(st, 1, n->email);
	if (n->account_id > 0)
		db_bind_int64(st, 2, n->account_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, n->lang);
	db_bind_text(st, 4, n->kinds);
	db_bind_text(st, 5, n->frequency);
	db_bind_text(st, 6, hex);
	db_bind_int64(st, 7, now + n->link_s);
	db_bind_int64(st, 8, now);
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "subscription");
		goto out;
	}
	n->id = db_last_insert_id(db);
	m = subscription_confirm_mail(a, n->email, n->lang, n->confirm_url, now + n->link_s);
	if (m.body == NULL) {
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	if (outbox_queue(db, &m, e) != 0)
		goto out;
	rc = audit_append(db,
			  &(struct audit_entry){ .address = n->address, .action = "subscribe",
						 .object = arena_printf(a, "subscription/%lld", (long long)n->id),
						 .detail = arena_printf(a, "%s; %s; %s; to be confirmed", n->lang,
									n->frequency, n->kinds) },
			  e);
out:
	arena_free(a);
	return rc;
}

/* The link's row: *id 0 when the token is unknown. */
static int
link_row(struct db *db, const char *token, int64_t *id, int64_t *expires, int64_t *confirmed,
	 const char **lang, char *email, size_t email_len, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LINK);
	char hex[65];
	enum db_rc rc;

	*id = *expires = *confirmed = 0;
	if (st == NULL)
		return db_err(db, e, "subscription");
	session_token_hash(token, hex);
	db_bind_text(st, 1, hex);
	if ((rc = db_step(st)) == DB_ROW) {
		*id = db_col_int64(st, 0);
		*expires = db_col_int64(st, 1);
		*confirmed = db_col_int64(st, 2);
		if (lang != NULL)
			*lang = lang_literal(db_col_text(st, 3));
		if (email != NULL)
			snprintf(email, email_len, "%s", db_col_text(st, 4));
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : db_err(db, e, "subscription");
}

static enum link_state
judge(int64_t id, int64_t expires, int64_t confirmed, int64_t now)
{
	if (id == 0)
		return LINK_UNKNOWN;
	if (confirmed != 0)
		return LINK_USED;
	return now >= expires ? LINK_EXPIRED : LINK_OK;
}

int
subscription_confirm_state(struct db *db, const char *token, int64_t now, enum link_state *out,
			   const char **lang, struct err *e)
{
	int64_t id, expires, confirmed;

	*out = LINK_UNKNOWN;
	if (!session_token_valid(token))
		return 0;
	if (link_row(db, token, &id, &expires, &confirmed, lang, NULL, 0, e) != 0)
		return -1;
	*out = judge(id, expires, confirmed, now);
	return 0;
}

int
subscription_confirm_fn(struct db *db, void *arg, struct err *e)
{
	struct subscription_confirm *c = arg;
	int64_t expires, confirmed, now = clock_now();
	struct db_stmt *st;
	char email[320], object[48];

	c->state = LINK_UNKNOWN;
	if (!session_token_valid(c->token))
		return 0;
	if (link_row(db, c->token, &c->id, &expires, &confirmed, NULL, email, sizeof(email), e) != 0)
		return -1;
	if ((c->state = judge(c->id, expires, confirmed, now)) != LINK_OK)
		return 0;
	/* the address's live subscription gives way to this one */
	if ((st = db_prepare(db, SQL_REPLACE)) == NULL)
		return db_err(db, e, "subscription");
	db_bind_text(st, 1, email);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "subscription");
	if ((st = db_prepare(db, SQL_CONFIRM)) == NULL)
		return db_err(db, e, "subscription");
	db_bind_int64(st, 1, c->id);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "subscription");
	snprintf(object, sizeof(object), "subscription/%lld", (long long)c->id);
	return audit_append(db, &(struct audit_entry){ .address = c->address, .action = "subscription_confirm",
						       .object = object },
			    e);
}

int
subscription_unsub_state(struct db *db, int64_t id, const char *token, enum unsub_state *out,
			 const char **lang, struct err *e)
{
	struct db_stmt *st;
	char hex[65];
	enum db_rc rc;

	*out = UNSUB_UNKNOWN;
	if (!session_token_valid(token) || id <= 0)
		return 0;
	if ((st = db_prepare(db, SQL_UNSUB_LINK)) == NULL)
		return db_err(db, e, "subscription");
	session_token_hash(token, hex);
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, id);
	if ((rc = db_step(st)) == DB_ROW) {
		if (lang != NULL)
			*lang = lang_literal(db_col_text(st, 0));
		*out = db_col_int64(st, 1) != 0 ? UNSUB_DONE : UNSUB_OK;
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : db_err(db, e, "subscription");
}

int
subscription_unsub_fn(struct db *db, void *arg, struct err *e)
{
	struct subscription_unsub *u = arg;
	struct db_stmt *st;
	char object[48];

	if (subscription_unsub_state(db, u->id, u->token, &u->state, NULL, e) != 0)
		return -1;
	if (u->state != UNSUB_OK)
		return 0;
	if ((st = db_prepare(db, SQL_UNSUB)) == NULL)
		return db_err(db, e, "subscription");
	db_bind_int64(st, 1, u->id);
	db_bind_int64(st, 2, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "subscription");
	snprintf(object, sizeof(object), "subscription/%lld", (long long)u->id);
	return audit_append(db, &(struct audit_entry){ .address = u->address, .action = "unsubscribe",
						       .object = object },
			    e);
}
