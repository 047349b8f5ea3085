/* registration.c: self-registration and email confirmation (0007_accounts.sql). */
#include "registration.h"

#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "audit.h"
#include "session.h"

static const char SQL_EXISTING[] =
    "SELECT id, COALESCE(confirmed_at, 0) FROM accounts WHERE lower(email) = lower($1) ORDER BY id LIMIT 1";
/* Registering again before confirming: the newest name and password count, older links end. */
static const char SQL_RENEW[] = "UPDATE accounts SET name = $2, password_hash = $3 WHERE id = $1";
static const char SQL_END_LINKS[] =
    "UPDATE email_confirmations SET expires_at = $2 WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2";
static const char SQL_CONFIRMATION[] =
    "INSERT INTO email_confirmations (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
static const char SQL_LINK[] =
    "SELECT id, account_id, expires_at, COALESCE(used_at, 0) FROM email_confirmations WHERE token_hash = $1";
static const char SQL_USE[] = "UPDATE email_confirmations SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
static const char SQL_CONFIRM[] =
    "UPDATE accounts SET confirmed_at = $2 WHERE id = $1 AND confirmed_at IS NULL";

/* A new confirmation link for the account and its mail. */
static int
new_link(struct db *db, struct registration *g, int64_t account, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_CONFIRMATION);
	char hex[65];

	if (st == NULL)
		return db_err(db, e, "registration");
	session_token_hash(g->token, hex);
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, account);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, now + g->link_s);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "registration");
	return outbox_queue(db, &g->confirm, e);
}

/* The account registered before and never confirmed: the new name and password, a new link. */
static int
renew(struct db *db, struct registration *g, int64_t account, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_RENEW);

	if (st == NULL)
		return db_err(db, e, "registration");
	db_bind_int64(st, 1, account);
	db_bind_text(st, 2, g->name);
	db_bind_text(st, 3, g->password_hash);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "registration");
	if ((st = db_prepare(db, SQL_END_LINKS)) == NULL)
		return db_err(db, e, "registration");
	db_bind_int64(st, 1, account);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "registration");
	return new_link(db, g, account, now, e);
}

int
registration_fn(struct db *db, void *arg, struct err *e)
{
	struct registration *g = arg;
	struct audit_entry a = { 0, 0, g->address, "register", g->email, NULL };
	struct account_new n = { g->email, g->name, "stakeholder", NULL, g->password_hash, NULL, 1, 0 };
	struct db_stmt *st;
	int64_t now = clock_now(), confirmed = 0;
	enum db_rc rc;

	if ((st = db_prepare(db, SQL_EXISTING)) == NULL)
		return db_err(db, e, "registration");
	db_bind_text(st, 1, g->email);
	if ((rc = db_step(st)) == DB_ROW) {
		a.account_id = db_col_int64(st, 0);
		confirmed = db_col_int64(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "registration");
	if (rc == DB_ROW && confirmed != 0) {
		g->existed = 1;
		a.detail = "the email has an account: nothing made, a reminder queued";
		return outbox_queue(db, &g->exists, e) == 0 ? audit_append(db, &a, e) : -1;
	}
	if (rc == DB_ROW) {
		g->existed = 1;
		a.detail = "registered again before confirming: a new link";
		return renew(db, g, a.account_id, now, e) == 0 ? audit_append(db, &a, e) : -1;
	}
	if (account_create_fn(db, &n, e) != 0)
		return -1;
	g->account_id = a.account_id = n.id;
	if (new_link(db, g, n.id, now, e) != 0)
		return -1;
	a.detail = "a stakeholder account, to be confirmed";
	return audit_append(db, &a, e);
}

/* The link's row: *id 0 when the token is unknown. */
static int
link_row(struct db *db, const char *token, int64_t *id, int64_t *account, int64_t *expires, int64_t *used,
	 struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LINK);
	char hex[65];
	enum db_rc rc;

	*id = *account = *expires = *used = 0;
	if (st == NULL)
		return db_err(db, e, "confirmation");
	session_token_hash(token, hex);
	db_bind_text(st, 1, hex);
	if ((rc = db_step(st)) == DB_ROW) {
		*id = db_col_int64(st, 0);
		*account = db_col_int64(st, 1);
		*expires = db_col_int64(st, 2);
		*used = db_col_int64(st, 3);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : db_err(db, e, "confirmation");
}

static enum link_state
judge(int64_t id, int64_t expires, int64_t used, int64_t now)
{
	if (id == 0)
		return LINK_UNKNOWN;
	if (used != 0)
		return LINK_USED;
	return now >= expires ? LINK_EXPIRED : LINK_OK;
}

int
confirmation_state(struct db *db, const char *token, int64_t now, enum link_state *out, struct err *e)
{
	int64_t id, account, expires, used;

	if (!session_token_valid(token)) {
		*out = LINK_UNKNOWN;
		return 0;
	}
	if (link_row(db, token, &id, &account, &expires, &used, e) != 0)
		return -1;
	*out = judge(id, expires, used, now);
	return 0;
}

int
confirmation_fn(struct db *db, void *arg, struct err *e)
{
	struct confirmation *c = arg;
	struct audit_entry a = { 0, 0, c->address, "confirm", NULL, NULL };
	int64_t id, expires, used, now = clock_now();
	struct db_stmt *st;
	char object[48];

	c->state = LINK_UNKNOWN;
	if (!session_token_valid(c->token))
		return 0;
	if (link_row(db, c->token, &id, &c->account_id, &expires, &used, e) != 0)
		return -1;
	if ((c->state = judge(id, expires, used, now)) != LINK_OK)
		return 0;
	if ((st = db_prepare(db, SQL_USE)) == NULL)
		return db_err(db, e, "confirmation");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "confirmation");
	if ((st = db_prepare(db, SQL_CONFIRM)) == NULL)
		return db_err(db, e, "confirmation");
	db_bind_int64(st, 1, c->account_id);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "confirmation");
	snprintf(object, sizeof(object), "account/%lld", (long long)c->account_id);
	a.account_id = c->account_id;
	a.object = object;
	return audit_append(db, &a, e);
}
