/* mail_mime.c: a queued mail as a MIME message. libcurl's curl_mime writes the parts, their
 * boundaries and transfer encodings; only the header values are ours (RFC 2047 encoded-words for
 * what is not plain ASCII, the RFC 5322 date, the sender). */
#include "mail.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The longest header value written as it is; longer ones are encoded and folded. */
#define PLAIN_MAX 70
/* Input bytes per encoded-word: "=?UTF-8?B?" + base64 of 45 bytes (60) + "?=" is 72 <= 75. */
#define WORD_BYTES 45

static int
plain_ascii(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || (s[0] == '=' && s[1] == '?'))
			return 0;
	return n <= PLAIN_MAX;
}

void
mail_header_text(struct buf *b, const char *s)
{
	size_t len = strlen(s), at = 0;

	if (plain_ascii(s)) {
		buf_puts(b, s);
		return;
	}
	while (at < len) {
		unsigned char raw[WORD_BYTES];
		char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
		size_t n = len - at < WORD_BYTES ? len - at : WORD_BYTES;

		/* never end a word inside a character: back up over continuation bytes */
		if (at + n < len)
			while (n > 1 && ((unsigned char)s[at + n] & 0xc0) == 0x80)
				n--;
		for (size_t i = 0; i < n; i++)	/* line breaks and other controls become spaces */
			raw[i] = (unsigned char)s[at + i] < 0x20 || s[at + i] == 0x7f ? ' ' : (unsigned char)s[at + i];
		sodium_bin2base64(b64, sizeof(b64), raw, n, sodium_base64_VARIANT_ORIGINAL);
		if (at > 0)
			buf_puts(b, "\r\n ");
		buf_printf(b, "=?UTF-8?B?%s?=", b64);
		at += n;
	}
}

void
mail_date(int64_t t, char *out)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* An address we put in a header or an SMTP command: local@domain, printable ASCII, no blanks,
 * no brackets, no quotes. */
static int
plain_addr(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);

	if (n == 0 || n >= 320 || at == NULL || at == s || at == s + n - 1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || strchr("<>\"(),;:\\[]", s[i]))
			if (!(s[i] == '@' && s + i == at))
				return 0;
	return 1;
}

int
mail_from_parse(const char *s, struct mail_from *f, struct err *e)
{
	const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	struct buf b;
	size_t nlen;

	memset(f, 0, sizeof(*f));
	if (lt == NULL) {
		if (!plain_addr(s, strlen(s)))
			return err_set(e, ERR_INVALID, "--smtp-from '%s' is not an address (agora@example.org, or "
				       "\"Agora <agora@example.org>\")", s);
		snprintf(f->addr, sizeof(f->addr), "%s", s);
		snprintf(f->header, sizeof(f->header), "%s", s);
		return 0;
	}
	if (gt == NULL || gt[1] != '\0' || !plain_addr(lt + 1, (size_t)(gt - lt - 1)))
		return err_set(e, ERR_INVALID, "--smtp-from '%s': write it as \"Name <address@example.org>\"", s);
	snprintf(f->addr, sizeof(f->addr), "%.*s", (int)(gt - lt - 1), lt + 1);
	for (nlen = (size_t)(lt - s); nlen > 0 && isspace((unsigned char)s[nlen - 1]); nlen--)
		;
	if (nlen == 0) {
		snprintf(f->header, sizeof(f->header), "%s", f->addr);
		return 0;
	}
	buf_init(&b);
	{
		char name[300];
		int quoted = 1;

		snprintf(name, sizeof(name), "%.*s", (int)nlen, s);
		for (const char *p = name; *p; p++)
			quoted &= (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && *p != '"' && *p != '\\';
		if (quoted)
			buf_printf(&b, "\"%s\"", name);
		else
			mail_header_text(&b, name);
	}
	if (b.failed || b.len + strlen(f->addr) + 4 > sizeof(f->header)) {
		buf_free(&b);
		return err_set(e, ERR_INVALID, "--smtp-from: the name is too long");
	}
	snprintf(f->header, sizeof(f->header), "%s <%s>", b.data, f->addr);
	buf_free(&b);
	return 0;
}

/* text with every line ending CRLF (what the quoted-printable encoder and mail want). Heap. */
static char *
crlf(const char *text, size_t *len)
{
	struct buf b;

	buf_init(&b);
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			buf_putc(&b, '\r');
		buf_putc(&b, *p);
	}
	if (b.len == 0)
		buf_puts(&b, "\r\n");
	return buf_detach(&b, len);
}

/* One text part: mostly ASCII travels quoted-printable (readable as it is), the rest base64
 * (Arabic, Chinese, Russian: a third of the size of quoted-printable). */
static int
text_part(curl_mimepart *part, const char *text, const char *type)
{
	size_t len = 0, high = 0;
	char *data = crlf(text, &len);
	int bad;

	if (data == NULL)
		return -1;
	for (size_t i = 0; i < len; i++)
		high += (unsigned char)data[i] >= 0x80;
	bad = curl_mime_data(part, data, len) != CURLE_OK || curl_mime_type(part, type) != CURLE_OK ||
	      curl_mime_encoder(part, high * 4 > len ? "base64" : "quoted-printable") != CURLE_OK;
	free(data);
	return bad ? -1 : 0;
}

/* Adds "Name: value" to *h, the value as mail_header_text makes it when encode. 0 or -1. */
static int
header(struct curl_slist **h, const char *name, const char *value, int encode)
{
	struct curl_slist *n;
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s: ", name);
	if (encode)
		mail_header_text(&b, value);
	else
		for (const char *p = value; *p; p++)	/* our own values; still no line breaks */
			buf_putc(&b, *p == '\r' || *p == '\n' ? ' ' : *p);
	n = b.failed ? NULL : curl_slist_append(*h, b.data);
	buf_free(&b);
	if (n == NULL)
		return -1;
	*h = n;
	return 0;
}

int
mail_mime_set(CURL *c, const struct outbox_mail *m, const struct mail_from *from, curl_mime **mime,
	      struct curl_slist **headers, struct err *e)
{
	curl_mime *top, *alt = NULL;
	curl_mimepart *part;
	char date[40], unsub[600];
	int bad = 0, attach = m->attach_name != NULL && m->attach_data != NULL;

	*mime = NULL;
	*headers = NULL;
	if (!plain_addr(m->to, strlen(m->to)))
		return err_set(e, ERR_INVALID, "'%s' is not an address mail can be sent to", m->to);
	if ((top = curl_mime_init(c)) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	*mime = top;
	/* The text, and the HTML beside it: in the top level, or in an alternative part of a mixed
	 * top level when an attachment follows. */
	if (m->html != NULL && attach) {
		if ((alt = curl_mime_init(c)) == NULL || (part = curl_mime_addpart(top)) == NULL ||
		    curl_mime_subparts(part, alt) != CURLE_OK) {
			curl_mime_free(alt);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		bad |= curl_mime_type(part, "multipart/alternative") != CURLE_OK;
	}
	part = curl_mime_addpart(alt ? alt : top);
	bad |= part == NULL || text_part(part, m->body, "text/plain; charset=utf-8") != 0;
	if (m->html != NULL) {
		part = curl_mime_addpart(alt ? alt : top);
		bad |= part == NULL || text_part(part, m->html, "text/html; charset=utf-8") != 0;
	}
	if (attach) {
		part = curl_mime_addpart(top);
		bad |= part == NULL || curl_mime_data(part, m->attach_data, m->attach_len) != CURLE_OK ||
		       curl_mime_type(part, m->attach_type ? m->attach_type : "application/octet-stream") != CURLE_OK ||
		       curl_mime_filename(part, m->attach_name) != CURLE_OK ||
		       curl_mime_encoder(part, "base64") != CURLE_OK;
	}
	mail_date(m->created_at, date);
	bad |= header(headers, "From", from->header, 0) || header(headers, "To", m->to, 0) ||
	       header(headers, "Subject", m->subject, 1) || header(headers, "Date", date, 0) ||
	       header(headers, "Message-ID", m->message_id, 0) || header(headers, "MIME-Version", "1.0", 0) ||
	       header(headers, "Content-Language", m->lang, 0) ||
	       header(headers, "Auto-Submitted", "auto-generated", 0);
	/* The top level's type: curl makes it multipart/mixed unless a header names another. */
	if (m->html != NULL && !attach)
		bad |= header(headers, "Content-Type", "multipart/alternative", 0);
	if (m->unsubscribe_url != NULL && m->unsubscribe_url[0]) {
		snprintf(unsub, sizeof(unsub), "<%s>", m->unsubscribe_url);
		bad |= header(headers, "List-Unsubscribe", unsub, 0) ||
		       header(headers, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click", 0);
	}
	if (bad)
		return err_set(e, ERR_BUSY, "out of memory composing the message");
	if (curl_easy_setopt(c, CURLOPT_MIMEPOST, top) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers) != CURLE_OK)
		return err_set(e, ERR_INTERNAL, "libcurl cannot send this message");
	return 0;
}
