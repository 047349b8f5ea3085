/* password.h: the password policy, for every place a person chooses a password (registration,
 * accepting an invitation): 12 to 128 characters, and not a common or trivially guessable one
 * (a list shipped in password.c, a single repeated run, a keyboard or alphabet run, the email
 * or the name). Hashing is argon2id (libsodium): slow, so never on a connection thread. */
#ifndef AGORA_PASSWORD_H
#define AGORA_PASSWORD_H
#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_HASH_LEN 128	/* crypto_pwhash_STRBYTES */

enum password_verdict {
	PASSWORD_OK,
	PASSWORD_EMPTY,
	PASSWORD_NOT_TEXT,	/* not UTF-8, or holds control characters */
	PASSWORD_TOO_SHORT,
	PASSWORD_TOO_LONG,
	PASSWORD_COMMON,	/* on the list, or a repeated run or a keyboard sequence */
	PASSWORD_PERSONAL,	/* the email, its local part or the name */
};

/* Judges a password a person chose. email and name may be NULL. Characters are Unicode code
 * points, so a passphrase in any script counts as it reads. */
enum password_verdict password_check(const char *password, const char *email, const char *name);
/* The message for a verdict, in the calling thread's language (NULL for PASSWORD_OK). */
const char *password_verdict_message(enum password_verdict v);
/* 1 when the password is on the shipped list of common passwords (ASCII case aside). */
int password_is_listed(const char *password);
/* argon2id (INTERACTIVE limits) in libsodium's string form. Returns 0, or -1 when out of
 * memory. Takes ~0.1 s and 64 MiB: call it on a worker. */
int password_hash(const char *password, char out[PASSWORD_HASH_LEN]);

#endif
