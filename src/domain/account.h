/* account.h: accounts (the secretariat first) and their API bearer tokens. */
#ifndef AGORA_ACCOUNT_H
#define AGORA_ACCOUNT_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"

#define TOKEN_LEN 50	/* "agora_" + 43 base64url characters + NUL */

struct account_new {
	const char *email, *name, *role, *password;
	int64_t id;	/* out */
};
/* Writer closure: hashes the password with argon2id and inserts the account.
 * Run it off connection threads (hashing takes ~0.1 s and 64 MiB). */
int account_create_fn(struct db *db, void *arg, struct err *e);

/* An account as login and the account page see it (strings in the arena). */
struct account {
	int64_t id;
	const char *email, *name, *role;
	const char *password_hash;	/* argon2id, libsodium's string form */
};
/* The account with this email, compared without regard to ASCII case. Returns 0, or -1
 * (ERR_NOTFOUND when there is none). */
int account_by_email(struct db *db, struct arena *a, const char *email, struct account *out, struct err *e);
int account_get(struct db *db, struct arena *a, int64_t id, struct account *out, struct err *e);
/* Checks a password against an argon2id hash: 1 when it matches, 0 when not. With hash NULL
 * (no such account) it checks against a hash made once, so both take the same time. Slow
 * (~0.1 s, 64 MiB): call it on a worker, never on a connection thread. */
int account_password_verify(const char *hash, const char *password);

struct token_new {
	const char *email, *label;
	unsigned scopes;	/* scope.h bits, or SCOPE_ROLE_DEFAULT */
	int64_t account_id;	/* instead of email when > 0 */
	const char *address;	/* for the audit log; NULL: "cli" */
	int64_t id;		/* out */
	char token[TOKEN_LEN];	/* out: shown once, stored only hashed */
};
/* Writer closure: a new token for the account (by account_id, else by email), audited as
 * "token_create". ERR_INVALID (field "scope") when the account's role may not hold a scope. */
int token_create_fn(struct db *db, void *arg, struct err *e);

struct token_revoke {
	int64_t account_id, token_id;
	const char *address;
	int revoked;	/* out: 1 when this call revoked it, 0 when it already was */
};
/* Writer closure: revokes one of the account's own tokens (ERR_NOTFOUND for any other id),
 * audited as "token_revoke". */
int token_revoke_fn(struct db *db, void *arg, struct err *e);

struct token_row {
	int64_t id, created_at, revoked_at;	/* revoked_at 0: in use */
	int64_t last_used_at;			/* 0: never */
	const char *label, *scopes;		/* scopes: names separated by spaces */
};
/* The account's tokens, newest first (at most n). Returns the count, or -1. */
int token_list(struct db *db, struct arena *a, int64_t account_id, int n, struct token_row **out,
	       struct err *e);

/* What a bearer token stands for. */
struct token_use {
	int64_t account_id, token_id, last_used_at;
	char role[16];
	unsigned scopes;	/* scope.h bits */
};
/* Looks a bearer token up. Returns 0, or -1 (ERR_NOTFOUND when it is unknown or revoked). */
int token_lookup(struct db *db, const char *token, struct token_use *out, struct err *e);

#define TOKEN_TOUCH_S 60	/* last_used_at is written at most this often */
struct token_touch {
	int64_t id, at;
};
/* Writer closure: notes that a token was used at t->at. */
int token_touch_fn(struct db *db, void *arg, struct err *e);

/* Makes a random password of n characters (n < outlen) from an unambiguous alphabet. */
void account_random_password(char *out, size_t n);

#endif
