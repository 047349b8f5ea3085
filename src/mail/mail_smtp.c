/* mail_smtp.c: one mail through the relay with libcurl (STARTTLS whenever the relay offers it),
 * and what the relay's answer means for the mail: accepted, try again later (no connection, a
 * timeout, a 4xx), or refused for good (a 5xx to the recipient or to the message itself). */
#include "mail.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_S 20L

/* What the transfer saw: the relay's last reply and the last command we sent. */
struct seen {
	char reply[512];
	size_t len;
	int reply_done;		/* the last line of a reply came ("250 ok", not "250-...") */
	int quitting;		/* QUIT sent (curl says goodbye after a failure): its 221 is no news */
	char stage[16];		/* MAIL, RCPT, DATA, message (its content was sent), ... */
	const struct mail_cancel *cancel;
};

/* Server replies reach the header callback one line at a time; a reply may be several lines. */
static size_t
on_reply(char *p, size_t size, size_t n, void *ctx)
{
	struct seen *s = ctx;
	size_t len = size * n, keep = len;

	if (s->quitting)
		return len;
	while (keep > 0 && (p[keep - 1] == '\r' || p[keep - 1] == '\n'))
		keep--;
	if (s->reply_done) {
		s->len = 0;
		s->reply[0] = '\0';
		s->reply_done = 0;
	}
	if (s->len > 0 && s->len + 1 < sizeof(s->reply))
		s->reply[s->len++] = ' ';
	if (keep > sizeof(s->reply) - 1 - s->len)
		keep = sizeof(s->reply) - 1 - s->len;
	memcpy(s->reply + s->len, p, keep);
	s->len += keep;
	s->reply[s->len] = '\0';
	s->reply_done = len < 4 || p[3] != '-';
	return len;
}

/* The debug callback, only to know which command the relay answered: never logged (AUTH). */
static int
on_debug(CURL *c, curl_infotype type, char *data, size_t n, void *ctx)
{
	struct seen *s = ctx;
	size_t w = 0;

	(void)c;
	if (type == CURLINFO_DATA_OUT) {
		snprintf(s->stage, sizeof(s->stage), "message");
		return 0;
	}
	if (type != CURLINFO_HEADER_OUT)
		return 0;
	while (w < n && w < sizeof(s->stage) - 1 && data[w] >= 'A' && data[w] <= 'Z')
		w++;
	if (w == 4 && memcmp(data, "QUIT", 4) == 0)
		s->quitting = 1;
	else if (w > 0)
		snprintf(s->stage, sizeof(s->stage), "%.*s", (int)w, data);
	return 0;
}

static int
on_progress(void *ctx, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct seen *s = ctx;

	(void)dt, (void)dn, (void)ut, (void)un;
	return s->cancel != NULL && s->cancel->stop(s->cancel->arg);
}

/* The connection's socket is ours to open and close, so that its number is known to the
 * thread that may have to shut it down. */
static curl_socket_t
on_open(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct seen *s = ctx;
	int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);

	(void)purpose;
	if (fd >= 0 && s->cancel != NULL && s->cancel->socket(s->cancel->arg, fd) != 0) {
		close(fd);
		return CURL_SOCKET_BAD;
	}
	return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

static int
on_close(void *ctx, curl_socket_t fd)
{
	struct seen *s = ctx;

	if (s->cancel != NULL)
		s->cancel->socket(s->cancel->arg, -1);
	return close(fd);
}

void
mail_smtp_send(const struct mail_relay *r, const struct outbox_mail *m, const struct mail_cancel *cancel,
	       struct mail_sent *out)
{
	struct seen s = { .cancel = cancel };
	struct curl_slist *rcpt = NULL, *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", from[340], to[340];
	curl_mime *mime = NULL;
	struct err e;
	long code = 0;
	CURLcode rc;
	CURL *c;

	memset(out, 0, sizeof(*out));
	out->result = OUTBOX_RETRY;
	if ((c = curl_easy_init()) == NULL) {
		snprintf(out->reply, sizeof(out->reply), "libcurl could not start (out of memory?)");
		return;
	}
	if (mail_mime_set(c, m, &r->from, &mime, &headers, &e) != 0) {
		/* an address no relay could take is refused for good; the rest is ours, try again */
		out->result = e.kind == ERR_INVALID ? OUTBOX_REFUSED : OUTBOX_RETRY;
		snprintf(out->reply, sizeof(out->reply), "%s", e.msg);
		goto out;
	}
	snprintf(from, sizeof(from), "<%s>", r->from.addr);
	snprintf(to, sizeof(to), "<%s>", m->to);
	if ((rcpt = curl_slist_append(NULL, to)) == NULL) {
		snprintf(out->reply, sizeof(out->reply), "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	if (r->user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, r->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, r->password);
	}
	curl_easy_setopt(c, CURLOPT_TIMEOUT, r->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->timeout_s < CONNECT_TIMEOUT_S ? r->timeout_s : CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_reply);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &s);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &s);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, on_close);
	curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, &s);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	out->smtp_code = (int)code;
	if (rc == CURLE_OK) {
		out->result = OUTBOX_SENT;
		snprintf(out->reply, sizeof(out->reply), "%s", s.reply);
	} else if (code >= 500 && code < 600 && (strcmp(s.stage, "RCPT") == 0 || strcmp(s.stage, "DATA") == 0 ||
						 strcmp(s.stage, "message") == 0)) {
		out->result = OUTBOX_REFUSED;
		snprintf(out->reply, sizeof(out->reply), "%s", s.reply);
	} else if (rc == CURLE_ABORTED_BY_CALLBACK || (cancel != NULL && cancel->stop(cancel->arg))) {
		snprintf(out->reply, sizeof(out->reply), "the server stopped during the attempt");
	} else if (code > 0 && s.reply[0]) {
		snprintf(out->reply, sizeof(out->reply), "%.480s (after %s)", s.reply, s.stage[0] ? s.stage : "connecting");
	} else {
		snprintf(out->reply, sizeof(out->reply), "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);	/* before the MIME parts and headers it points to */
	curl_mime_free(mime);
	curl_slist_free_all(headers);
}
