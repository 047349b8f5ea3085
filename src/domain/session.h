/* session.h: browser sessions. The cookie carries 32 random bytes (base64url); the store keeps
 * only their SHA-256. A session ends at logout, after session-idle-s without a request, or
 * session-max-s after login, whichever comes first, all on the project clock. Login throttling
 * counts the failed logins of the audit log. */
#ifndef AGORA_SESSION_H
#define AGORA_SESSION_H
#include <stdint.h>

#include "../store/db.h"

#define SESSION_TOKEN_LEN 44	/* 43 base64url characters + NUL */
#define SESSION_TOUCH_S 60	/* last_seen_at is written at most this often */

#define LOGIN_WINDOW_S 900		/* failures count for 15 minutes */
#define LOGIN_MAX_FAILURES_ACCOUNT 5	/* then the email (the account) is throttled */
#define LOGIN_MAX_FAILURES_ADDRESS 20	/* then the client address is (many people share one) */

struct session {
	int64_t id, account_id;
	int64_t created_at, last_seen_at, expires_at, ended_at;	/* ended_at 0: not ended */
	char role[16];
};

enum session_state { SESSION_ALIVE, SESSION_ENDED, SESSION_IDLE, SESSION_EXPIRED };

/* A new random token. */
void session_token_new(char out[SESSION_TOKEN_LEN]);
/* 1 when s has the form of a token (43 base64url characters). */
int session_token_valid(const char *s);
/* The stored form: SHA-256 as 64 hex digits. */
void session_token_hash(const char *token, char hex[65]);

/* The expiry rule: ended at logout; expired at expires_at or created_at + max_s (a lowered
 * setting counts for old sessions too); idle when idle_s have passed since last_seen_at. */
enum session_state session_state_at(const struct session *s, int64_t now, int64_t idle_s, int64_t max_s);

/* The session a token stands for, whatever its state, and its account's Member State into
 * state_code ("" when its role has none; state_code may be NULL). Returns 0, or -1
 * (ERR_NOTFOUND). */
int session_lookup(struct db *db, const char *token, struct session *out, char state_code[3], struct err *e);

struct session_login {
	const char *token;		/* the new token (only its hash is stored) */
	int64_t account_id;
	int64_t replaces;		/* a session of the same browser to end, or 0 */
	int64_t max_s;			/* session-max-s */
	const char *address, *email;	/* for the audit log: where from, as typed */
	int64_t id;			/* out */
};
/* Writer closure: ends the replaced session, inserts the new one, audits "login". */
int session_login_fn(struct db *db, void *arg, struct err *e);

struct session_logout {
	int64_t id, account_id;
	const char *address;
};
/* Writer closure: sets ended_at (once) and audits "logout". */
int session_logout_fn(struct db *db, void *arg, struct err *e);

struct session_touch {
	int64_t id, at;
};
/* Writer closure: last_seen_at = at (never backwards). */
int session_touch_fn(struct db *db, void *arg, struct err *e);

/* Is a login throttled? Counts the failed logins within LOGIN_WINDOW_S of the email as typed
 * (ASCII case aside; since its last login), whether an account has it or not, so throttling
 * does not tell which emails exist, and of the client address. Returns 1 with *retry_s (>= 1)
 * and *why ("email" or "address"), 0 when not, -1 on a database error. */
int login_throttled(struct db *db, const char *email, const char *address, int64_t now,
		    int64_t *retry_s, const char **why, struct err *e);

#endif
