/* outbox.h: mail waiting to be sent. Mail is only queued here, inside the write that makes it
 * needed (a registration, an invitation, a notice), so a mail exists exactly when its reason
 * committed; the mail worker (src/mail/) sends it, records each attempt and sets its status
 * (docs/MAIL.md). Subjects and bodies are composed by the caller, in the recipient's language:
 * plain text, and optionally simple HTML beside it. */
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

/* Queues one mail inside the caller's write, with a new stable Message-ID. A mail to an address
 * on the suppression list (refused for good by a relay) is stored with status 'suppressed' and
 * never sent: visible, not dropped. Returns 0, or -1 with e. */
int outbox_queue(struct db *db, const struct mail *m, struct err *e);

struct outbox_row {
	int64_t id, created_at, sent_at;	/* sent_at 0: not sent */
	const char *to, *lang, *kind, *subject, *body;
	const char *status;		/* queued, sent, failed, suppressed */
	int64_t attempts, next_attempt_at;
	const char *last_error;		/* "" for none */
	const char *message_id;
};
/* The newest n mails, newest first; only those to `to` (ASCII case aside) unless NULL.
 * Returns the count, or -1 with e. */
int outbox_list(struct db *db, struct arena *a, const char *to, int n, struct outbox_row **out,
		struct err *e);
/* The same, only those with status `status` unless NULL, and older than id `before` unless 0
 * (the next page). */
int outbox_list_status(struct db *db, struct arena *a, const char *to, const char *status,
		       int64_t before, int n, struct outbox_row **out, struct err *e);
/* How many mails have each status: counts[0..3] for queued, sent, failed, suppressed. */
int outbox_count(struct db *db, int64_t counts[4], struct err *e);

/* Sending (src/domain/outbox_send.c; the worker is src/mail/mail_worker.c). */

/* A claimed attempt keeps the mail from other workers this long; a server killed mid-send
 * leaves its mail to be sent again (same Message-ID) once it has passed. */
#define OUTBOX_LEASE_S 300
/* Retries: 1 minute after the first failure, doubling, at most 6 hours apart; a mail still not
 * accepted 3 days after it was queued, or after OUTBOX_MAX_ATTEMPTS, has failed. */
#define OUTBOX_RETRY_FIRST_S 60
#define OUTBOX_RETRY_MAX_S 21600
#define OUTBOX_GIVE_UP_S 259200
#define OUTBOX_MAX_ATTEMPTS 30

/* Everything one mail's message is made of. */
struct outbox_mail {
	int64_t id, created_at, attempts;
	const char *to, *lang, *kind, *subject, *body, *message_id;
	const char *html, *unsubscribe_url;		/* NULL: none */
	const char *attach_name, *attach_type;		/* NULL: no attachment */
	const void *attach_data;
	size_t attach_len;
};

/* The ids of at most n mails due at now (queued, next_attempt_at <= now), oldest first.
 * Returns the count, or -1 with e. */
int outbox_due(struct db *db, int64_t now, int64_t *ids, int n, struct err *e);
/* Loads mail id into m (strings in a). Returns 0, or -1 with e (ERR_NOTFOUND). */
int outbox_load(struct db *db, struct arena *a, int64_t id, struct outbox_mail *m, struct err *e);

/* One attempt, as a writer closure's argument: claim it, then finish it. */
struct outbox_attempt {
	int64_t mail_id, now;
	int claimed;		/* out of outbox_claim_fn: 1 when this worker may send it */
	int64_t attempt_id;	/* out of outbox_claim_fn */
	enum outbox_result { OUTBOX_SENT, OUTBOX_RETRY, OUTBOX_REFUSED } result;
	int smtp_code;		/* 0: no reply (no connection) */
	const char *reply;	/* the relay's reply, or what went wrong */
};
/* write_fn: claims a due mail for one attempt (attempts + 1, next_attempt_at moved past the
 * lease, an attempt row 'sending'; one left 'sending' by a dead server becomes 'interrupted').
 * Sets claimed 0 when the mail is no longer due (another worker has it). */
int outbox_claim_fn(struct db *db, void *arg, struct err *e);
/* write_fn: records how the claimed attempt ended: sent (sent_at), retry (backoff or failed
 * when given up), refused (failed, and its address suppressed with every mail still queued to
 * it). */
int outbox_finish_fn(struct db *db, void *arg, struct err *e);
/* The wait after the n-th failed attempt (n >= 1). */
int64_t outbox_backoff_s(int64_t n);

/* write_fn for `agora mail retry`: arg is struct outbox_retry. Queues a failed or suppressed
 * mail again, due now, and lifts the suppression of its address. */
struct outbox_retry {
	int64_t mail_id, now;
	char status[16];	/* out: the status it had */
};
int outbox_retry_fn(struct db *db, void *arg, struct err *e);

#endif
