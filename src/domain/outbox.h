/* outbox.h: mail waiting to be sent. Mail is only queued here, inside the write that makes it
 * needed (a registration, an invitation, a notice), so a mail exists exactly when its reason
 * committed; the mail worker sends it and sets sent_at. Subjects and bodies are composed by the
 * caller, in the recipient's language: plain text, and optionally simple HTML beside it. */
#ifndef AGORA_OUTBOX_H
#define AGORA_OUTBOX_H
#include <stddef.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"

struct mail {
	const char *to;		/* one address */
	const char *lang;	/* ar zh en fr ru es */
	const char *kind;	/* confirm, already_registered, invitation, ... */
	const char *subject, *body;
	const char *html;	/* NULL: plain text only */
	const char *unsubscribe_url;	/* RFC 8058 one-click URL; NULL: not a list mail */
	const char *attach_name, *attach_type;	/* NULL: no attachment */
	const void *attach_data;
	size_t attach_len;
};

/* Queues one mail inside the caller's write, with a new stable Message-ID. Returns 0, or -1
 * with e. */
int outbox_queue(struct db *db, const struct mail *m, struct err *e);

struct outbox_row {
	int64_t id, created_at, sent_at;	/* sent_at 0: not sent */
	const char *to, *lang, *kind, *subject, *body;
};
/* The newest n mails, newest first; only those to `to` (ASCII case aside) unless NULL.
 * Returns the count, or -1 with e. */
int outbox_list(struct db *db, struct arena *a, const char *to, int n, struct outbox_row **out,
		struct err *e);

#endif
