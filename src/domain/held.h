/* held.h: attachments of a form that came back with errors, kept for the retry under a random
 * token (so a respondent does not upload them again). */
#ifndef AGORA_HELD_H
#define AGORA_HELD_H
#include "../util/arena.h"
#include "response.h"

#define HELD_TOKEN_LEN 44	/* 43 base64url + NUL */

struct held_put {
	char token[HELD_TOKEN_LEN];	/* in: an existing token to add to, or "" for a new one */
	int n;
	const struct attachment *att;
};
/* Writer closure: records att[0..n) under the token (making one when empty). */
int held_put_fn(struct db *db, void *arg, struct err *e);
/* Loads the held attachments of token into att (at most max). Returns how many, or -1. */
int held_get(struct db *db, struct arena *a, const char *token, struct attachment *att, int max);

#define HELD_KEEP_S 86400	/* a form's files wait this long for its retry */
struct held_expire {
	int64_t before;		/* rows made before this time go */
	int64_t removed;	/* out */
};
/* Writer closure: forgets the held uploads made before x->before, and their blob references
 * (the blob sweep then reclaims files nothing else names). */
int held_expire_fn(struct db *db, void *arg, struct err *e);

#endif
