/* session.c: sessions (0005_sessions.sql), their expiry rule, and login throttling. */
#include "session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "audit.h"

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static const char SQL_LOOKUP[] =
    "SELECT s.id, s.account_id, s.created_at, s.last_seen_at, s.expires_at, COALESCE(s.ended_at, 0), "
    "a.role, COALESCE(a.state_code, '') FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1";
static const char SQL_INSERT[] =
    "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, address) "
    "VALUES ($1, $2, $3, $3, $4, $5)";
static const char SQL_END[] = "UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL";
static const char SQL_TOUCH[] =
    "UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2 AND ended_at IS NULL";
/* The email as typed is the key, whether an account has it or not: throttling must not tell. */
static const char SQL_LAST_LOGIN[] =
    "SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE action = 'login' AND lower(object) = lower($1)";
static const char SQL_NTH_FAILURE_EMAIL[] =
    "SELECT at FROM audit_log WHERE action = 'login_failed' AND lower(object) = lower($1) AND at > $2 "
    "AND id > $3 ORDER BY at DESC LIMIT 1 OFFSET $4";
static const char SQL_NTH_FAILURE_ADDRESS[] =
    "SELECT at FROM audit_log WHERE address = $1 AND action = 'login_failed' AND at > $2 "
    "ORDER BY at DESC LIMIT 1 OFFSET $3";

void
session_token_new(char out[SESSION_TOKEN_LEN])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_LEN, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

int
session_token_valid(const char *s)
{
	return s != NULL && strlen(s) == SESSION_TOKEN_LEN - 1 && strspn(s, B64URL) == SESSION_TOKEN_LEN - 1;
}

void
session_token_hash(const char *token, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

enum session_state
session_state_at(const struct session *s, int64_t now, int64_t idle_s, int64_t max_s)
{
	if (s->ended_at != 0)
		return SESSION_ENDED;
	if (now >= s->expires_at || now >= s->created_at + max_s)
		return SESSION_EXPIRED;
	if (now - s->last_seen_at >= idle_s)
		return SESSION_IDLE;
	return SESSION_ALIVE;
}

int
session_lookup(struct db *db, const char *token, struct session *out, char state_code[3], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LOOKUP);
	char hex[65];
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "session");
	session_token_hash(token, hex);
	db_bind_text(st, 1, hex);
	if ((rc = db_step(st)) == DB_ROW) {
		out->id = db_col_int64(st, 0);
		out->account_id = db_col_int64(st, 1);
		out->created_at = db_col_int64(st, 2);
		out->last_seen_at = db_col_int64(st, 3);
		out->expires_at = db_col_int64(st, 4);
		out->ended_at = db_col_int64(st, 5);
		snprintf(out->role, sizeof(out->role), "%s", db_col_text(st, 6));
		if (state_code != NULL)
			snprintf(state_code, 3, "%s", db_col_text(st, 7));
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no such session");
	return rc == DB_ROW ? 0 : db_err(db, e, "session");
}

static int
end_session(struct db *db, int64_t id, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_END);

	if (st == NULL)
		return db_err(db, e, "session");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "session");
}

int
session_login_fn(struct db *db, void *arg, struct err *e)
{
	struct session_login *l = arg;
	struct audit_entry a = { 0, l->account_id, l->address, "login", l->email, NULL };
	int64_t now = clock_now();
	struct db_stmt *st;
	char hex[65];

	if (l->replaces > 0 && end_session(db, l->replaces, now, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "session");
	session_token_hash(l->token, hex);
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, l->account_id);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, now + l->max_s);
	db_bind_text(st, 5, l->address);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "session");
	l->id = db_last_insert_id(db);
	a.at = now;
	a.detail = l->replaces > 0 ? "replaced an earlier session" : NULL;
	return audit_append(db, &a, e);
}

int
session_logout_fn(struct db *db, void *arg, struct err *e)
{
	struct session_logout *l = arg;
	struct audit_entry a = { 0, l->account_id, l->address, "logout", NULL, NULL };
	int64_t now = clock_now();

	if (end_session(db, l->id, now, e) != 0)
		return -1;
	a.at = now;
	return audit_append(db, &a, e);
}

int
session_touch_fn(struct db *db, void *arg, struct err *e)
{
	struct session_touch *t = arg;
	struct db_stmt *st = db_prepare(db, SQL_TOUCH);

	if (st == NULL)
		return db_err(db, e, "session");
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, t->at);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "session");
}

/* The time of the nth newest failure still in the window, or 0 when there are fewer. */
static int
nth_failure(struct db_stmt *st, int64_t *at)
{
	enum db_rc rc = db_step(st);

	*at = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

int
login_throttled(struct db *db, const char *email, const char *address, int64_t now, int64_t *retry_s,
		const char **why, struct err *e)
{
	struct db_stmt *st;
	int64_t since_id = 0, at = 0;
	int throttled = 0;

	*retry_s = 0;
	*why = NULL;
	if (email != NULL && email[0] != '\0') {
		if ((st = db_prepare(db, SQL_LAST_LOGIN)) == NULL)
			return db_err(db, e, "login");
		db_bind_text(st, 1, email);
		if (db_step(st) == DB_ROW)
			since_id = db_col_int64(st, 0);
		db_done(st);
		if ((st = db_prepare(db, SQL_NTH_FAILURE_EMAIL)) == NULL)
			return db_err(db, e, "login");
		db_bind_text(st, 1, email);
		db_bind_int64(st, 2, now - LOGIN_WINDOW_S);
		db_bind_int64(st, 3, since_id);
		db_bind_int64(st, 4, LOGIN_MAX_FAILURES_ACCOUNT - 1);
		if (nth_failure(st, &at) != 0)
			return db_err(db, e, "login");
		if (at > 0) {
			throttled = 1;
			*why = "email";
			*retry_s = at + LOGIN_WINDOW_S - now;
		}
	}
	if ((st = db_prepare(db, SQL_NTH_FAILURE_ADDRESS)) == NULL)
		return db_err(db, e, "login");
	db_bind_text(st, 1, address);
	db_bind_int64(st, 2, now - LOGIN_WINDOW_S);
	db_bind_int64(st, 3, LOGIN_MAX_FAILURES_ADDRESS - 1);
	if (nth_failure(st, &at) != 0)
		return db_err(db, e, "login");
	if (at > 0 && (!throttled || at + LOGIN_WINDOW_S - now > *retry_s)) {
		throttled = 1;
		*why = "address";
		*retry_s = at + LOGIN_WINDOW_S - now;
	}
	if (throttled && *retry_s < 1)
		*retry_s = 1;
	return throttled;
}
