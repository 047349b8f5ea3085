/* mail.h: sending the outbox through an SMTP relay (docs/MAIL.md). mail_mime.c composes a
 * queued mail as a MIME message (libcurl's curl_mime), mail_smtp.c sends it with libcurl and sorts
 * the relay's answer into sent / try again / refused, mail_worker.c is the thread that picks due
 * mail and records every attempt through the writer. */
#ifndef AGORA_MAIL_H
#define AGORA_MAIL_H
#include <curl/curl.h>
#include <stdint.h>

#include "../domain/outbox.h"
#include "../store/writer.h"
#include "../util/buf.h"
#include "../util/config.h"
#include "../util/err.h"

/* The sender, from --smtp-from: "agora@example.org" or "Agora <agora@example.org>". */
struct mail_from {
	char addr[320];		/* the envelope sender (MAIL FROM) */
	char header[700];	/* the From: header's value, the name RFC 2047-encoded if need be */
};
/* Parses s into f. Returns 0, or -1 with e saying what is wrong with it. */
int mail_from_parse(const char *s, struct mail_from *f, struct err *e);

/* Appends s as a header value: as it is when it is short printable ASCII, else as RFC 2047
 * UTF-8 encoded-words (base64, at most 75 characters each, never splitting a character), folded.
 * Line breaks in s become spaces either way: a header cannot be injected. */
void mail_header_text(struct buf *b, const char *s);
/* t as an RFC 5322 date ("Sun, 29 Nov 2026 15:53:04 +0000"); out holds 40 bytes. */
void mail_date(int64_t t, char *out);

/* Composes m on the handle c: its MIME parts (text, and HTML beside it as
 * multipart/alternative; the attachment with both as multipart/mixed) and its headers (From,
 * To, Subject, Date, Message-ID, Content-Language, Auto-Submitted, List-Unsubscribe and
 * List-Unsubscribe-Post when m has an unsubscribe URL). *mime and *headers are the caller's to
 * free (curl_mime_free, curl_slist_free_all) after the transfer, also on failure. Returns 0 or -1
 * with e. */
int mail_mime_set(CURL *c, const struct outbox_mail *m, const struct mail_from *from, curl_mime **mime,
		  struct curl_slist **headers, struct err *e);

/* The relay: --smtp-url, --smtp-from, and the login from AGORA_SMTP_USER / AGORA_SMTP_PASSWORD. */
struct mail_relay {
	char url[512];
	struct mail_from from;
	char user[256], password[256];	/* "" for none */
	long timeout_s;			/* the whole transfer */
};

/* The relay of the settings: 0 with r->url "" when --smtp-url is not set (nothing is sent);
 * -1 with e when it is set wrongly (not smtp:// or smtps://, no --smtp-from, a bad sender). */
int mail_relay_from_config(const struct config *c, struct mail_relay *r, struct err *e);

/* How one attempt ended. */
struct mail_sent {
	enum outbox_result result;
	int smtp_code;		/* the relay's last reply code, 0: none */
	char reply[512];	/* its last reply, or what failed before one ("could not connect ...") */
};
/* What can stop a transfer in progress (the server stopping): stop(arg) is asked now and then,
 * and socket(arg, fd) is told the relay connection's socket when it opens (fd) and closes (-1),
 * so that the stopping thread can shut it down: a relay holding back its answer cannot hold
 * the server's stop for minutes. */
struct mail_cancel {
	int (*stop)(void *arg);
	int (*socket)(void *arg, int fd);	/* returns 0, or -1 to refuse a new connection (stopping) */
	void *arg;
};
/* Sends m through the relay (cancel may be NULL). Fills *out; never fails otherwise. */
void mail_smtp_send(const struct mail_relay *r, const struct outbox_mail *m, const struct mail_cancel *cancel,
		    struct mail_sent *out);

struct mail_worker;
/* Starts the thread that sends due mail every interval_ms (and when kicked). Returns NULL with e. */
struct mail_worker *mail_worker_start(const char *db_url, struct writer *w, const struct mail_relay *r,
				      int interval_ms, struct err *e);
/* Stops it: abandons a transfer in progress (recorded as a retry), joins the thread. NULL: nothing. */
void mail_worker_stop(struct mail_worker *mw);

#endif
