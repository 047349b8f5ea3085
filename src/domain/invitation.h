/* invitation.h: invitations to take a role. The secretariat invites focal points (one per
 * Member State), delegates, the chair and other members of the secretariat; a focal point
 * invites delegates of its own state only. The mail (outbox) carries a link whose token is
 * stored only as SHA-256; accepting it before it expires makes the account with the invited
 * email, role and state, confirmed (the link proved the address). */
#ifndef AGORA_INVITATION_H
#define AGORA_INVITATION_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "account.h"
#include "outbox.h"

/* May an account of inviter_role invite someone to role? (secretariat: secretariat, chair,
 * focal_point, delegate; focal_point: delegate; nobody else anything.) 1 or 0. */
int invitation_may_invite(const char *inviter_role, const char *role);

struct invitation_new {
	const char *email, *role, *state_code;
	int64_t invited_by;
	const char *inviter_role;	/* checked again here with invitation_may_invite */
	const char *inviter_state;	/* a focal point's own state: must equal state_code */
	const char *token;		/* the link's token (session_token_new()) */
	int64_t link_s;			/* invite-link-s */
	const char *address;
	struct mail mail;		/* composed by the caller; mail.to is set here to email */
	int64_t id;			/* out */
};
/* Writer closure: checks who may invite whom, the role's state rule, that no account has the
 * email and that a focal point's state has none yet (ERR_INVALID / ERR_CONFLICT with the field);
 * inserts the invitation and its mail, audited "invite". */
int invitation_create_fn(struct db *db, void *arg, struct err *e);

struct invitation {
	int64_t id, invited_by, created_at, expires_at, used_at;	/* used_at 0: not used */
	const char *email, *role, *state_code;	/* state_code "" when none */
	const char *inviter_name;
};
/* The invitation of a token. Returns 0, or -1 (ERR_NOTFOUND for a token no invitation has). */
int invitation_by_token(struct db *db, struct arena *a, const char *token, struct invitation *out,
			struct err *e);
enum link_state invitation_state(const struct invitation *i, int64_t now);
/* Invitations neither used nor expired at now, newest first (at most n): all when state_code is
 * NULL, else that state's. Returns the count, or -1 with e. */
int invitation_pending(struct db *db, struct arena *a, const char *state_code, int64_t now, int n,
		       struct invitation **out, struct err *e);

struct invitation_accept {
	const char *token, *name;
	const char *password_hash;	/* hashed on a worker */
	const char *address;
	enum link_state state;		/* out: LINK_OK when accepted */
	int64_t account_id;		/* out: the new account */
};
/* Writer closure: makes the account and marks the invitation used, audited
 * "invitation_accept"; an unknown, used or expired link changes nothing (state says which).
 * ERR_CONFLICT when the email has an account by now, or the state a focal point. */
int invitation_accept_fn(struct db *db, void *arg, struct err *e);

#endif
