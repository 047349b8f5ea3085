/* account.c: accounts and API tokens (libsodium: argon2id, SHA-256, random bytes). */
#include "account.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"
#include "password.h"
#include "scope.h"
#include "state.h"

static const char SQL_ACCOUNT[] =
    "INSERT INTO accounts (email, name, role, password_hash, created_at, state_code, confirmed_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_EMAIL_TAKEN[] = "SELECT 1 FROM accounts WHERE lower(email) = lower($1)";
static const char SQL_FOCAL_OF[] =
    "SELECT id FROM accounts WHERE role = 'focal_point' AND state_code = $1 AND id <> $2";
static const char SQL_ROLE_OF[] = "SELECT role, COALESCE(state_code, '') FROM accounts WHERE id = $1";
static const char SQL_ROLE_SET[] = "UPDATE accounts SET role = $2, state_code = $3 WHERE id = $1";
#define ACCOUNT_COLS "id, email, name, role, password_hash, COALESCE(state_code, ''), created_at, " \
		     "COALESCE(confirmed_at, 0)"
static const char SQL_ACCOUNT_LIST[] =
    "SELECT " ACCOUNT_COLS " FROM accounts WHERE (CAST($1 AS TEXT) IS NULL OR state_code = $1) AND (CAST($2 AS TEXT) IS NULL OR role = $2) "
    "AND ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $3";
static const char SQL_TOKEN[] =
    "INSERT INTO api_tokens (account_id, token_hash, label, created_at, scopes) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_ACCOUNT_ROLE[] = "SELECT id, role FROM accounts WHERE id = $1 OR ($1 = 0 AND email = $2)";
static const char SQL_ACCOUNT_LOGIN[] =
    "SELECT " ACCOUNT_COLS " FROM accounts WHERE lower(email) = lower($1) ORDER BY id LIMIT 1";
static const char SQL_ACCOUNT_GET[] = "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = $1";
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL";
static const char SQL_TOKEN_OWNED[] = "SELECT 1 FROM api_tokens WHERE id = $1 AND account_id = $2";
static const char SQL_TOKEN_LIST[] =
    "SELECT id, label, created_at, COALESCE(revoked_at, 0), scopes, COALESCE(last_used_at, 0) "
    "FROM api_tokens WHERE account_id = $1 "
    "ORDER BY id DESC LIMIT $2";
static const char SQL_TOKEN_LOOKUP[] =
    "SELECT a.id, a.role, t.id, t.scopes, COALESCE(t.last_used_at, 0) FROM api_tokens t "
    "JOIN accounts a ON a.id = t.account_id "
    "WHERE t.token_hash = $1 AND t.revoked_at IS NULL";
static const char SQL_TOKEN_TOUCH[] =
    "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND COALESCE(last_used_at, 0) < $2";

static const char *const roles[] = { "secretariat", "chair", "focal_point", "delegate", "stakeholder", NULL };

int
account_role_valid(const char *role)
{
	for (int i = 0; roles[i]; i++)
		if (str_eq(role, roles[i]))
			return 1;
	return 0;
}

int
account_role_has_state(const char *role)
{
	return str_eq(role, "delegate") || str_eq(role, "focal_point");
}

int
account_email_valid(const char *s)
{
	const char *at, *dot;
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > ACCOUNT_EMAIL_MAX || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || strchr("<>()[],;:\\\"", s[i]))
			return 0;
	at = strchr(s, '@');
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || (size_t)(at - s) > 64)
		return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

int
account_name_valid(const char *s)
{
	size_t n, chars;

	if (s == NULL || (n = strlen(s)) == 0 || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	chars = utf8_chars(s, n);
	return chars <= ACCOUNT_NAME_MAX && strspn(s, " ") < n;
}

/* The role's state rule, the state a Member State, and no second focal point (other than
 * account `self`). Returns 0, or -1 with e on the field at fault. */
static int
role_state_check(struct db *db, const char *role, const char *state, int64_t self, struct err *e)
{
	struct db_stmt *st;
	int ok;
	enum db_rc rc;

	if (!account_role_valid(role))
		return err_set_field(e, ERR_INVALID, "role", "is not one of the roles");
	if (!account_role_has_state(role))
		return state == NULL || state[0] == '\0'
			       ? 0 : err_set_field(e, ERR_INVALID, "state", "only a delegate or a focal point has a state");
	if (state == NULL || state[0] == '\0')
		return err_set_field(e, ERR_INVALID, "state", "a delegate or a focal point needs a Member State");
	if ((ok = state_valid(db, state, e)) < 0)
		return -1;
	if (!ok)
		return err_set_field(e, ERR_INVALID, "state", "'%s' is not a Member State", state);
	if (!str_eq(role, "focal_point"))
		return 0;
	if ((st = db_prepare(db, SQL_FOCAL_OF)) == NULL)
		return db_err(db, e, "account");
	db_bind_text(st, 1, state);
	db_bind_int64(st, 2, self);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return err_set_field(e, ERR_CONFLICT, "state", "this Member State already has a focal point");
	return rc == DB_DONE ? 0 : db_err(db, e, "account");
}

int
account_create_fn(struct db *db, void *arg, struct err *e)
{
	struct account_new *a = arg;
	char hash[PASSWORD_HASH_LEN];
	struct db_stmt *st;
	enum db_rc rc;
	int64_t now = clock_now();

	if (!account_email_valid(a->email))
		return err_set_field(e, ERR_INVALID, "email", "is not an email address");
	if (role_state_check(db, a->role, a->state_code, 0, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_EMAIL_TAKEN)) == NULL)
		return db_err(db, e, "account");
	db_bind_text(st, 1, a->email);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return err_set_field(e, ERR_CONFLICT, "email", "an account with this email exists");
	if (rc != DB_DONE)
		return db_err(db, e, "account");
	if (a->password_hash == NULL && password_hash(a->password, hash) != 0)
		return err_set(e, ERR_BUSY, "out of memory while hashing the password");
	if ((st = db_prepare(db, SQL_ACCOUNT)) == NULL)
		return db_err(db, e, "account");
	db_bind_text(st, 1, a->email);
	db_bind_text(st, 2, a->name);
	db_bind_text(st, 3, a->role);
	db_bind_text(st, 4, a->password_hash ? a->password_hash : hash);
	db_bind_int64(st, 5, now);
	db_bind_text(st, 6, account_role_has_state(a->role) ? a->state_code : NULL);
	if (a->unconfirmed)
		db_bind_null(st, 7);
	else
		db_bind_int64(st, 7, now);
	if ((rc = db_run(st)) == DB_CONSTRAINT)
		return err_set_field(e, ERR_CONFLICT, "email", "an account with this email exists");
	if (rc != DB_DONE)
		return db_err(db, e, "account");
	a->id = db_last_insert_id(db);
	return 0;
}

int
account_role_change_fn(struct db *db, void *arg, struct err *e)
{
	struct account_role_change *c = arg;
	struct audit_entry a = { 0, c->by, c->address, "role_change", NULL, NULL };
	const char *state = account_role_has_state(c->role) ? c->state_code : NULL;
	char old_role[16], old_state[3], object[48], detail[96];
	struct db_stmt *st;
	enum db_rc rc;

	c->changed = 0;
	if (c->account_id == c->by)
		return err_set_field(e, ERR_CONFLICT, "role", "you cannot change your own role: ask another "
							      "member of the secretariat");
	if ((st = db_prepare(db, SQL_ROLE_OF)) == NULL)
		return db_err(db, e, "account");
	db_bind_int64(st, 1, c->account_id);
	if ((rc = db_step(st)) == DB_ROW) {
		snprintf(old_role, sizeof(old_role), "%s", db_col_text(st, 0));
		snprintf(old_state, sizeof(old_state), "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "there is no account with this number");
	if (rc != DB_ROW)
		return db_err(db, e, "account");
	if (role_state_check(db, c->role, c->state_code, c->account_id, e) != 0)
		return -1;
	if (str_eq(old_role, c->role) && str_eq(old_state, state ? state : ""))
		return 0;
	if ((st = db_prepare(db, SQL_ROLE_SET)) == NULL)
		return db_err(db, e, "account");
	db_bind_int64(st, 1, c->account_id);
	db_bind_text(st, 2, c->role);
	db_bind_text(st, 3, state);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "account");
	c->changed = 1;
	snprintf(object, sizeof(object), "account/%lld", (long long)c->account_id);
	snprintf(detail, sizeof(detail), "%s%s%s -> %s%s%s", old_role, old_state[0] ? " " : "", old_state,
		 c->role, state ? " " : "", state ? state : "");
	a.object = object;
	a.detail = detail;
	return audit_append(db, &a, e);
}

static void
token_hash(const char *token, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

int
token_create_fn(struct db *db, void *arg, struct err *e)
{
	struct token_new *t = arg;
	struct audit_entry a = { 0, 0, t->address ? t->address : "cli", "token_create", NULL, t->label };
	unsigned char raw[32];
	char hex[65], object[48];
	struct db_stmt *st;
	int64_t account = t->account_id;

	char role[16] = "", scopes[SCOPES_TEXT_MAX];
	unsigned allowed;

	if ((st = db_prepare(db, SQL_ACCOUNT_ROLE)) == NULL)
		return db_err(db, e, "token");
	db_bind_int64(st, 1, account > 0 ? account : 0);
	db_bind_text(st, 2, t->email ? t->email : "");
	if (db_step(st) == DB_ROW) {
		account = db_col_int64(st, 0);
		snprintf(role, sizeof(role), "%s", db_col_text(st, 1));
	} else {
		account = 0;
	}
	db_done(st);
	if (account <= 0)
		return err_set_field(e, ERR_NOTFOUND, "email", "no account '%s'", t->email ? t->email : "");
	allowed = scope_allowed(role);
	if (t->scopes == SCOPE_ROLE_DEFAULT)
		t->scopes = allowed;
	if (t->scopes & ~allowed) {
		scope_format(t->scopes & ~allowed, scopes, sizeof(scopes));
		return err_set_field(e, ERR_INVALID, "scope", "an account of the role %s cannot hold the scope %s",
				     role, scopes);
	}
	scope_format(t->scopes, scopes, sizeof(scopes));
	randombytes_buf(raw, sizeof(raw));
	memcpy(t->token, "agora_", 6);
	sodium_bin2base64(t->token + 6, TOKEN_LEN - 6, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(t->token, hex);
	if ((st = db_prepare(db, SQL_TOKEN)) == NULL)
		return db_err(db, e, "token");
	db_bind_int64(st, 1, account);
	db_bind_text(st, 2, hex);
	db_bind_text(st, 3, t->label ? t->label : "");
	db_bind_int64(st, 4, clock_now());
	db_bind_text(st, 5, scopes);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "token");
	t->id = db_last_insert_id(db);
	snprintf(object, sizeof(object), "api_token/%lld", (long long)t->id);
	a.account_id = account;
	a.object = object;
	return audit_append(db, &a, e);
}

int
token_revoke_fn(struct db *db, void *arg, struct err *e)
{
	struct token_revoke *t = arg;
	struct audit_entry a = { 0, t->account_id, t->address, "token_revoke", NULL, NULL };
	struct db_stmt *st = db_prepare(db, SQL_TOKEN_REVOKE);
	char object[48];
	int owned;

	if (st == NULL)
		return db_err(db, e, "token");
	db_bind_int64(st, 1, t->token_id);
	db_bind_int64(st, 2, t->account_id);
	db_bind_int64(st, 3, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "token");
	if (db_changes(db) == 0) {	/* not this account's, or revoked already */
		if ((st = db_prepare(db, SQL_TOKEN_OWNED)) == NULL)
			return db_err(db, e, "token");
		db_bind_int64(st, 1, t->token_id);
		db_bind_int64(st, 2, t->account_id);
		owned = db_step(st) == DB_ROW;
		db_done(st);
		t->revoked = 0;
		return owned ? 0 : err_set(e, ERR_NOTFOUND, "you have no token with this number");
	}
	t->revoked = 1;
	snprintf(object, sizeof(object), "api_token/%lld", (long long)t->token_id);
	a.object = object;
	return audit_append(db, &a, e);
}

int
token_list(struct db *db, struct arena *a, int64_t account_id, int n, struct token_row **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TOKEN_LIST);
	struct token_row *list;
	int got = 0;
	enum db_rc rc = DB_DONE;

	if (st == NULL)
		return db_err(db, e, "token");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, account_id);
	db_bind_int64(st, 2, n);
	while (got < n && (rc = db_step(st)) == DB_ROW) {
		list[got].id = db_col_int64(st, 0);
		list[got].label = arena_strdup(a, db_col_text(st, 1));
		list[got].created_at = db_col_int64(st, 2);
		list[got].revoked_at = db_col_int64(st, 3);
		list[got].scopes = arena_strdup(a, db_col_text(st, 4));
		list[got].last_used_at = db_col_int64(st, 5);
		if (list[got].scopes == NULL || list[got++].label == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	if (got < n && rc != DB_DONE)
		return db_err(db, e, "token");
	*out = list;
	return got;
}

static int
account_row(struct db *db, struct db_stmt *st, struct arena *a, struct account *out, struct err *e)
{
	enum db_rc rc = db_step(st);

	if (rc == DB_ROW) {
		out->id = db_col_int64(st, 0);
		out->email = arena_strdup(a, db_col_text(st, 1));
		out->name = arena_strdup(a, db_col_text(st, 2));
		out->role = arena_strdup(a, db_col_text(st, 3));
		out->password_hash = arena_strdup(a, db_col_text(st, 4));
		out->state_code = arena_strdup(a, db_col_text(st, 5));
		out->created_at = db_col_int64(st, 6);
		out->confirmed_at = db_col_int64(st, 7);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no such account");
	if (rc != DB_ROW)
		return db_err(db, e, "account");
	if (out->email == NULL || out->name == NULL || out->role == NULL || out->password_hash == NULL ||
	    out->state_code == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	return 0;
}

int
account_list(struct db *db, struct arena *a, const char *state_code, const char *role, int64_t before,
	     int n, struct account **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT_LIST);
	struct account *list;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "account");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_text(st, 1, state_code);
	db_bind_text(st, 2, role);
	db_bind_int64(st, 3, n);
	db_bind_int64(st, 4, before);
	/* account_row steps once and finishes the statement: step here instead. */
	for (enum db_rc rc; got < n;) {
		if ((rc = db_step(st)) == DB_DONE)
			break;
		if (rc != DB_ROW) {
			db_done(st);
			return db_err(db, e, "account");
		}
		list[got].id = db_col_int64(st, 0);
		list[got].email = arena_strdup(a, db_col_text(st, 1));
		list[got].name = arena_strdup(a, db_col_text(st, 2));
		list[got].role = arena_strdup(a, db_col_text(st, 3));
		list[got].password_hash = NULL;	/* never needed in a list */
		list[got].state_code = arena_strdup(a, db_col_text(st, 5));
		list[got].created_at = db_col_int64(st, 6);
		list[got].confirmed_at = db_col_int64(st, 7);
		if (list[got].email == NULL || list[got].name == NULL || list[got].role == NULL ||
		    list[got].state_code == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		got++;
	}
	db_done(st);
	*out = list;
	return got;
}

int
account_by_email(struct db *db, struct arena *a, const char *email, struct account *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT_LOGIN);

	if (st == NULL)
		return db_err(db, e, "account");
	db_bind_text(st, 1, email);
	return account_row(db, st, a, out, e);
}

int
account_get(struct db *db, struct arena *a, int64_t id, struct account *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT_GET);

	if (st == NULL)
		return db_err(db, e, "account");
	db_bind_int64(st, 1, id);
	return account_row(db, st, a, out, e);
}

/* The hash an unknown email is checked against, made once, on the first worker that needs it. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_make(void)
{
	char pw[21];

	account_random_password(pw, 20);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

int
account_password_verify(const char *hash, const char *password)
{
	if (hash == NULL) {
		pthread_once(&dummy_once, dummy_make);
		int same_time = dummy_hash[0] != '\0' &&
				crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0;
		(void)same_time;	/* even the stand-in's own password is no account */
		return 0;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int
token_lookup(struct db *db, const char *token, struct token_use *out, struct err *e)
{
	char hex[65];
	struct db_stmt *st = db_prepare(db, SQL_TOKEN_LOOKUP);
	enum db_rc rc;
	const char *bad;

	if (st == NULL)
		return db_err(db, e, "token");
	token_hash(token, hex);
	db_bind_text(st, 1, hex);
	if ((rc = db_step(st)) == DB_ROW) {
		out->account_id = db_col_int64(st, 0);
		snprintf(out->role, sizeof(out->role), "%s", db_col_text(st, 1));
		out->token_id = db_col_int64(st, 2);
		/* a name this version does not know grants nothing */
		if (scope_parse(db_col_text(st, 3), &out->scopes, &bad) != 0)
			out->scopes = SCOPE_NONE;
		out->last_used_at = db_col_int64(st, 4);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "unknown or revoked token");
	return rc == DB_ROW ? 0 : db_err(db, e, "token");
}

int
token_touch_fn(struct db *db, void *arg, struct err *e)
{
	struct token_touch *t = arg;
	struct db_stmt *st = db_prepare(db, SQL_TOKEN_TOUCH);

	if (st == NULL)
		return db_err(db, e, "token");
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, t->at);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "token");
}

void
account_random_password(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[n] = '\0';
}
