/* account.h: accounts (the secretariat first) and their API bearer tokens. */
#ifndef AGORA_ACCOUNT_H
#define AGORA_ACCOUNT_H
#include <stdint.h>

#include "../store/db.h"

#define TOKEN_LEN 50	/* "agora_" + 43 base64url characters + NUL */

struct account_new {
	const char *email, *name, *role, *password;
	int64_t id;	/* out */
};
/* Writer closure: hashes the password with argon2id and inserts the account.
 * Run it off connection threads (hashing takes ~0.1 s and 64 MiB). */
int account_create_fn(struct db *db, void *arg, struct err *e);

struct token_new {
	const char *email, *label;
	char token[TOKEN_LEN];	/* out: shown once, stored only hashed */
};
int token_create_fn(struct db *db, void *arg, struct err *e);

/* The account and role a bearer token stands for. Returns 0, or -1 (ERR_NOTFOUND when
 * the token is unknown or revoked). role gets up to 15 characters. */
int token_lookup(struct db *db, const char *token, int64_t *account_id, char role[16], struct err *e);

/* Makes a random password of n characters (n < outlen) from an unambiguous alphabet. */
void account_random_password(char *out, size_t n);

#endif
