/* audit.h: the audit log: who did what, when, from where. Values are stored as given (an email
 * typed at login, a token's label) and must be escaped wherever they are shown. */
#ifndef AGORA_AUDIT_H
#define AGORA_AUDIT_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"

struct audit_entry {
	int64_t at;		/* 0: now, on the project clock */
	int64_t account_id;	/* 0: nobody known (a login with an unknown email) */
	const char *address;	/* client address, "cli" for commands */
	const char *action;	/* login, login_failed, login_throttled, logout, token_create, ... */
	const char *object;	/* what it was about (an email, "api_token/7"); NULL: "" */
	const char *detail;	/* more, for a reader (NULL: "") */
};

/* Appends one row inside the caller's write. Returns 0, or -1 with e set. */
int audit_append(struct db *db, const struct audit_entry *a, struct err *e);
/* Writer closure: arg is a struct audit_entry. */
int audit_append_fn(struct db *db, void *arg, struct err *e);

/* A page of the whole log, newest first: only action (NULL: any) and account_id (0: any), with
 * ids below before_id (0: from the newest). *next_before is the before_id of the next page, or 0
 * when no older entries remain. Returns the count, or -1 with e set. */
int audit_list(struct db *db, struct arena *a, const char *action, int64_t account_id, int64_t before_id,
	       int n, struct audit_entry **out, int64_t *next_before, struct err *e);

#endif
