/* notice.h: personal notices by mail (issue 13, docs/MAIL-NOTICES.md): a respondent's receipt
 * and moderation decision, delegates' contributions, proposals and silence results, the
 * secretariat's outcomes and overdue items, registrants' reminders. Each is queued with
 * outbox_queue inside the write that causes it, composed in the recipient's language, as plain
 * text and simple escaped HTML, with a one-click unsubscribe link (0026_notices.sql). */
#ifndef AGORA_NOTICE_H
#define AGORA_NOTICE_H
#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"

/* The site's address for links in mail: the public-url setting, else http://localhost:port.
 * Set once at start-up (server, command line) before any write runs. */
void notice_set_base_url(const char *public_url, int port);
const char *notice_base_url(void);

/* Makes code ("fr"; anything else: English) the message language of the calling thread while a
 * notice is composed; notice_lang_end puts the thread's language back. */
locale_t notice_lang_begin(const char *code);
void notice_lang_end(locale_t old);
/* Appends the n bytes of s escaped for HTML text and attributes (& < > " '): the domain layer's
 * mail has no use of the web's writer (web/html.c). */
struct buf;
void notice_html_esc(struct buf *b, const char *s, size_t n);
/* The six codes only: code, or "en". */
const char *notice_lang_code(const char *code);

struct notice {
	const char *to, *lang;
	const char *kind;	/* the outbox kind and the kind an opt-out names: "moderation"... */
	const char *stops;	/* the kind the unsubscribe link stops; NULL: kind */
	int always;		/* queued even when the address opted out of kind (a receipt) */
	const char *subject;
	const char *text;	/* paragraphs separated by blank lines; escaped in the HTML */
	const char *link;	/* an absolute URL shown after the text, or NULL */
	const char *attach_name, *attach_type;
	const void *attach_data;
	size_t attach_len;
};
/* Queues n unless its address opted out of its kind (then nothing is written: *queued 0). The
 * unsubscribe link is made here: a new token whose SHA-256 is stored with the address and the
 * kind it stops. Runs inside the caller's write. Returns 0, or -1 with e. */
int notice_send(struct db *db, const struct notice *n, int *queued, struct err *e);

/* What a kind of notice is, for the reader, in the thread's language ("reminders of meetings you
 * registered for"). */
const char *notice_kind_name(const char *kind);

/* 1 when address opted out of kind, 0 when not, -1 on error. */
int notice_opted_out(struct db *db, const char *address, const char *kind);

/* The unsubscribe link's token: what it names, for the page. */
struct notice_optout {
	const char *address, *kind;
	int64_t opted_out_at;	/* 0: not yet */
};
/* The opt-out behind token. 0, or -1 with ERR_NOTFOUND (no such token, or not a token). */
int notice_optout_get(struct db *db, struct arena *a, const char *token, struct notice_optout *o,
		      struct err *e);
/* Writer closure (arg: struct notice_unsubscribe): records that the token's address wants no
 * more notices of the token's kind (every row of that address and kind). ERR_NOTFOUND: no such
 * token, nothing changed. Using a token twice is not an error (was_out set). */
struct notice_unsubscribe {
	const char *token;
	/* out */
	int was_out;
	char kind[32];
};
int notice_unsubscribe_fn(struct db *db, void *arg, struct err *e);

/* The language an account's notices are written in: accounts.mail_lang, else the language of
 * the mail that confirmed or invited it, else "en". Into out (3 bytes). */
void notice_account_lang(struct db *db, const char *email, char out[3]);
/* Sets the language of the account with email (one of the six codes). 0, or -1 with e
 * (ERR_NOTFOUND: no such account). */
int notice_account_lang_set(struct db *db, const char *email, const char *lang, struct err *e);

/* Queues a notice to every account that sql selects (a static string: "SELECT id, email FROM
 * accounts ..." with $1 bound to param when param is not NULL), except account `except`, each in
 * its own language: compose(a, lang, ctx, n) fills the notice's subject, text and link (to, lang
 * and kind are set), called with the thread in that language. Returns 0, or -1 with e. */
typedef int (*notice_compose_fn)(struct arena *a, const char *lang, void *ctx, struct notice *n);
int notice_to_accounts(struct db *db, const char *sql, const char *param, int64_t except, const char *kind,
		       notice_compose_fn compose, void *ctx, struct err *e);

/* "1 December 2026, 12:00 (UTC)" in the thread's language, in a. */
const char *notice_time(struct arena *a, int64_t t, const char *lang, int with_time);

#endif
