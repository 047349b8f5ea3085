/* account.c: accounts and API tokens (libsodium: argon2id, SHA-256, random bytes). */
#include "account.h"

#include <sodium.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"

static const char SQL_ACCOUNT[] =
    "INSERT INTO accounts (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_ACCOUNT_BY_EMAIL[] = "SELECT id FROM accounts WHERE email = $1";
static const char SQL_TOKEN[] =
    "INSERT INTO api_tokens (account_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4)";
static const char SQL_TOKEN_LOOKUP[] =
    "SELECT a.id, a.role FROM api_tokens t JOIN accounts a ON a.id = t.account_id "
    "WHERE t.token_hash = $1 AND t.revoked_at IS NULL";

int
account_create_fn(struct db *db, void *arg, struct err *e)
{
	struct account_new *a = arg;
	char hash[crypto_pwhash_STRBYTES];
	struct db_stmt *st;
	enum db_rc rc;

	if (a->email == NULL || strchr(a->email, '@') == NULL || !utf8_valid(a->email, strlen(a->email)))
		return err_set_field(e, ERR_INVALID, "email", "is not an email address");
	if (crypto_pwhash_str(hash, a->password, strlen(a->password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ERR_BUSY, "out of memory while hashing the password");
	if ((st = db_prepare(db, SQL_ACCOUNT)) == NULL)
		return db_err(db, e, "account");
	db_bind_text(st, 1, a->email);
	db_bind_text(st, 2, a->name);
	db_bind_text(st, 3, a->role);
	db_bind_text(st, 4, hash);
	db_bind_int64(st, 5, clock_now());
	if ((rc = db_run(st)) == DB_CONSTRAINT)
		return err_set_field(e, ERR_CONFLICT, "email", "an account with this email exists");
	if (rc != DB_DONE)
		return db_err(db, e, "account");
	a->id = db_last_insert_id(db);
	return 0;
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
	unsigned char raw[32];
	char hex[65];
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT_BY_EMAIL);
	int64_t account = 0;

	if (st == NULL)
		return db_err(db, e, "token");
	db_bind_text(st, 1, t->email);
	if (db_step(st) == DB_ROW)
		account = db_col_int64(st, 0);
	db_done(st);
	if (account == 0)
		return err_set_field(e, ERR_NOTFOUND, "email", "no account '%s'", t->email);
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
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "token");
}

int
token_lookup(struct db *db, const char *token, int64_t *account_id, char role[16], struct err *e)
{
	char hex[65];
	struct db_stmt *st = db_prepare(db, SQL_TOKEN_LOOKUP);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "token");
	token_hash(token, hex);
	db_bind_text(st, 1, hex);
	if ((rc = db_step(st)) == DB_ROW) {
		*account_id = db_col_int64(st, 0);
		snprintf(role, 16, "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "unknown or revoked token");
	return rc == DB_ROW ? 0 : db_err(db, e, "token");
}

void
account_random_password(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[n] = '\0';
}
