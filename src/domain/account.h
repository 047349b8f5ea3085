/* account.h: accounts (the secretariat first), their roles (a delegate and a focal point
 * belong to one Member State; one focal point per state), role changes, and API tokens. */
#ifndef AGORA_ACCOUNT_H
#define AGORA_ACCOUNT_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"

#define TOKEN_LEN 50	/* "agora_" + 43 base64url characters + NUL */

#define ACCOUNT_EMAIL_MAX 254
#define ACCOUNT_NAME_MAX 200	/* characters */

struct account_new {
	const char *email, *name, *role, *password;
	const char *password_hash;	/* already hashed (password_hash()): password is then unused */
	const char *state_code;		/* required for delegate and focal_point, NULL for the others */
	int unconfirmed;		/* a self-registration: confirmed_at stays NULL until the link */
	int64_t id;	/* out */
};
/* Writer closure: inserts the account, hashing the password with argon2id unless it comes
 * hashed. Hashing takes ~0.1 s and 64 MiB: pages hash on a worker and pass password_hash. The
 * state rule and the one focal point per state are checked (ERR_INVALID field "state",
 * ERR_CONFLICT field "email" or "state"). */
int account_create_fn(struct db *db, void *arg, struct err *e);

/* 1 when s looks like one email address: at most 254 bytes, one '@' with text on each side, a
 * dot in the domain, no spaces, control characters or <>()[],;:"\ (mail headers are made of it). */
int account_email_valid(const char *s);
/* 1 when s is a name to show: 1 to 200 characters of UTF-8 text without control characters. */
int account_name_valid(const char *s);
/* 1 for the five roles, 0 otherwise. */
int account_role_valid(const char *role);
/* 1 when the role belongs to one Member State (delegate, focal_point). */
int account_role_has_state(const char *role);

/* An account as login and the account page see it (strings in the arena). */
struct account {
	int64_t id;
	const char *email, *name, *role;
	const char *password_hash;	/* argon2id, libsodium's string form */
	const char *state_code;		/* "" when the role has no state */
	int64_t created_at, confirmed_at;	/* confirmed_at 0: email not confirmed yet */
};
/* The account with this email, compared without regard to ASCII case. Returns 0, or -1
 * (ERR_NOTFOUND when there is none). */
int account_by_email(struct db *db, struct arena *a, const char *email, struct account *out, struct err *e);
int account_get(struct db *db, struct arena *a, int64_t id, struct account *out, struct err *e);
/* Checks a password against an argon2id hash: 1 when it matches, 0 when not. With hash NULL
 * (no such account) it checks against a hash made once, so both take the same time. Slow
 * (~0.1 s, 64 MiB): call it on a worker, never on a connection thread. */
int account_password_verify(const char *hash, const char *password);

/* Accounts, newest first (at most n): all of them when state_code is NULL, else those of the
 * state with the role (NULL: any role). Returns the count, or -1 with e. */
int account_list(struct db *db, struct arena *a, const char *state_code, const char *role, int64_t before,
		 int n, struct account **out, struct err *e);

struct account_role_change {
	int64_t account_id;	/* whose role */
	const char *role, *state_code;	/* the new ones (state_code NULL or "" when the role has none) */
	int64_t by;		/* who changes it (never account_id itself) */
	const char *address;
	int changed;		/* out: 0 when role and state were already these */
};
/* Writer closure: sets the role and state, audited as "role_change" with the old and new.
 * ERR_NOTFOUND for an unknown account, ERR_INVALID (field "role" or "state"), ERR_CONFLICT
 * when the state already has a focal point or the account is the changer's own. */
int account_role_change_fn(struct db *db, void *arg, struct err *e);

/* A link sent by mail (email confirmation, invitation): what became of it. */
enum link_state { LINK_OK, LINK_UNKNOWN, LINK_USED, LINK_EXPIRED };

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
