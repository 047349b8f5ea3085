/* registration.h: stakeholders register themselves. A registration makes an unconfirmed
 * stakeholder account and queues a mail with a confirmation link (its token stored only as
 * SHA-256); following the link (a POST from the page the link shows) confirms the address, and
 * only then can the account log in. Registering an email that has an account changes nothing
 * but queues a "you already have an account" mail: the answer does not tell the two apart. */
#ifndef AGORA_REGISTRATION_H
#define AGORA_REGISTRATION_H
#include <stdint.h>

#include "../store/db.h"
#include "account.h"
#include "outbox.h"

struct registration {
	const char *email, *name;
	const char *password_hash;	/* hashed on a worker (password_hash()) */
	const char *token;		/* the confirmation link's token (session_token_new()) */
	int64_t link_s;			/* confirm-link-s */
	const char *address;		/* for the audit log */
	struct mail confirm;		/* to a new account: holds the link */
	struct mail exists;		/* to an email that has an account already */
	int existed;			/* out: the email had an account (nothing made) */
	int64_t account_id;		/* out: the new account */
};
/* Writer closure: the account, its confirmation and the confirm mail, audited "register"; or,
 * when the email has an account, only the exists mail and a "register" audit saying so. */
int registration_fn(struct db *db, void *arg, struct err *e);

/* What the confirmation link of token is now (LINK_UNKNOWN for any other token). -1 with e on
 * a database error, else 0. */
int confirmation_state(struct db *db, const char *token, int64_t now, enum link_state *out, struct err *e);

struct confirmation {
	const char *token, *address;
	enum link_state state;	/* out: LINK_OK when this call confirmed it */
	int64_t account_id;	/* out */
};
/* Writer closure: marks the link used and the account confirmed, audited "confirm"; a link
 * unknown, used or expired changes nothing (state says which). */
int confirmation_fn(struct db *db, void *arg, struct err *e);

#endif
