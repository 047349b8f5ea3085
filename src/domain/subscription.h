/* subscription.h: subscriptions to the working group's notices (0025_subscriptions.sql), for
 * anyone, with or without an account: an address, a language, the kinds of notice, and how
 * often (at once, a daily or a weekly digest). Double opt-in: subscribing stores a row and
 * queues a confirmation mail; only the link's POST makes the row live. Subscribing an address
 * again makes a new row that replaces the live one when it is confirmed, so the answer never
 * tells whether an address was subscribed. Every notice mail carries its own unsubscribe link
 * (RFC 8058 one-click); all tokens are stored as SHA-256 only. docs/MAIL-SUBSCRIPTIONS.md. */
#ifndef AGORA_SUBSCRIPTION_H
#define AGORA_SUBSCRIPTION_H
#include <stdint.h>

#include "../store/db.h"
#include "../store/scheduler.h"
#include "../util/arena.h"
#include "account.h"
#include "outbox.h"
#include "session.h"

#define SUBSCRIPTION_KINDS 5
/* round_opened, round_closing, summary_published, report_published, outcomes_published */
extern const char *const subscription_kinds[SUBSCRIPTION_KINDS];
/* 1 when k is one of the five kinds; f one of immediate, daily, weekly. */
int subscription_kind_valid(const char *k);
int subscription_frequency_valid(const char *f);
/* The kinds asked for (n strings) as the stored comma list, in the table's order, into out.
 * Returns 0; -1 with *bad the first unknown kind (or NULL when none was given). */
int subscription_kinds_join(const char *const *given, int n, char out[128], const char **bad);

/* Writer closure (arg: struct subscription_new *): a new, unconfirmed subscription with its
 * confirmation link (token hashed), the confirmation mail, the address's older unconfirmed
 * links ended, and one audit row. The caller has checked the fields and made the token. */
struct subscription_new {
	const char *email, *lang, *kinds, *frequency;
	int64_t account_id;		/* 0: none */
	const char *address;		/* the client, for the audit log */
	char token[SESSION_TOKEN_LEN];
	int64_t link_s;			/* how long the link works */
	const char *confirm_url;	/* the link (with the token), for the mail */
	int64_t id;			/* out */
};
int subscription_new_fn(struct db *db, void *arg, struct err *e);

/* What the confirmation link of token is now (LINK_UNKNOWN for a malformed token). *lang (may
 * be NULL) gets the subscription's language code (a literal) when the link exists. 0, or -1. */
int subscription_confirm_state(struct db *db, const char *token, int64_t now, enum link_state *out,
			       const char **lang, struct err *e);
/* Writer closure (arg: struct subscription_confirm *): confirms the subscription (ending the
 * address's live one, ended 'replaced'); a link unknown, used or expired changes nothing. */
struct subscription_confirm {
	const char *token, *address;
	enum link_state state;	/* out: LINK_OK when this call confirmed it */
	int64_t id;		/* out */
};
int subscription_confirm_fn(struct db *db, void *arg, struct err *e);

/* An unsubscribe link: the subscription's id and one of its mails' tokens. */
enum unsub_state { UNSUB_OK, UNSUB_UNKNOWN, UNSUB_DONE };
/* What the link is now: UNSUB_UNKNOWN when the token is not one of subscription id's (another
 * subscription's token included), UNSUB_DONE when that subscription has ended already. *lang as
 * above. 0, or -1. */
int subscription_unsub_state(struct db *db, int64_t id, const char *token, enum unsub_state *out,
			     const char **lang, struct err *e);
/* Writer closure (arg: struct subscription_unsub *): ends the subscription (unsubscribed_at,
 * ended 'unsubscribed'); anything but UNSUB_OK changes nothing. */
struct subscription_unsub {
	int64_t id;
	const char *token, *address;
	enum unsub_state state;	/* out */
};
int subscription_unsub_fn(struct db *db, void *arg, struct err *e);

/* ---- notices (subscription_notice.c) ------------------------------------------------------ */

/* The site's address for links is notice_base_url() (notice.h). base + path, in a ("http://host/path"). */
const char *notice_url(struct arena *a, const char *path);

/* The confirmation mail in lang (its subject and text are the caller's to queue). */
struct mail subscription_confirm_mail(struct arena *a, const char *to, const char *lang, const char *link,
				      int64_t expires);

/* A new unsubscribe token for subscription id, stored hashed: the absolute URL that carries it
 * (with ?lang=), in a. NULL with e on failure. */
const char *notice_unsubscribe_url(struct db *db, struct arena *a, int64_t id, const char *lang,
				   struct err *e);

/* Hooks: each makes the announcement once (an announcements row) and a notice for each live
 * subscription that asked for its kind, inside the caller's write. */
int notice_apply_opened(struct db *db, int64_t consultation_id, int64_t now, struct err *e);
int notice_summary_published(struct db *db, int64_t consultation_id, struct err *e);
int notice_document_published(struct db *db, int64_t document_id, struct err *e);
int notice_outcomes_published(struct db *db, int64_t meeting_id, struct err *e);

/* Scheduler sources (events.c): a round closing in 7 days and in 1 day, and digests due. */
extern const char notice_closing_7d_sql[], notice_closing_1d_sql[], notice_digest_due_sql[];
int notice_apply_closing_7d(struct db *db, int64_t id, int64_t now, struct err *e);
int notice_apply_closing_1d(struct db *db, int64_t id, int64_t now, struct err *e);
int notice_apply_digest(struct db *db, int64_t id, int64_t now, struct err *e);

/* When the digest of a notice made at t is due: the next 00:00 UTC (daily), the next Monday
 * 00:00 UTC (weekly). Pure. */
int64_t notice_digest_due(const char *frequency, int64_t t);

#endif
