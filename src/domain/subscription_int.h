/* subscription_int.h: what the subscription files share (subscription_mail.c,
 * subscription_notice.c, subscription_digest.c); not for other modules. */
#ifndef AGORA_SUBSCRIPTION_INT_H
#define AGORA_SUBSCRIPTION_INT_H
#include <locale.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"

/* Mails are composed in the recipient's language on whatever thread runs the write:
 * notice_lang_begin and notice_lang_end (notice.h). */
#include "notice.h"

/* Queues one mail to a subscription: text + the footer (why it came, its own new unsubscribe
 * link, where to change it), the HTML made from that, and the unsubscribe URL. 0, or -1. */
int notice_queue_mail(struct db *db, struct arena *a, int64_t sub, const char *to, const char *lang,
		      const char *kind, const char *subject, const char *text, struct err *e);

/* The subscription's open digest, made (due by frequency) when there is none. 0, or -1. */
int notice_waiting_digest(struct db *db, int64_t sub, const char *frequency, int64_t now, int64_t *id,
			  struct err *e);

#endif
