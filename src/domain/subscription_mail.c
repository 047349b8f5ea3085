/* subscription_mail.c: what every subscription mail shares: the site's address for links, the
 * recipient's language on the writer's thread, the simple HTML made from the text, the
 * confirmation mail, and each mail's own unsubscribe link and footer. */
#include "subscription.h"

#include <stdio.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/timefmt.h"
#include "notice.h"
#include "subscription_int.h"

const char *
notice_url(struct arena *a, const char *path)
{
	return arena_printf(a, "%s%s", notice_base_url(), path);
}

/* The simple HTML beside a plain text mail, made from the text: paragraphs at blank lines,
 * lines joined by <br>, a line that is one link made a link, the "-- " line a rule. Everything
 * escaped. In a; NULL when out of memory. */
static const char *
text_html(struct arena *a, const char *lang, const char *text)
{
	struct buf h;
	const char *p = text, *out;
	enum lang l = LANG_EN;
	int in_para = 0;

	buf_init(&h);
	lang_from_code(lang, &l);
	buf_puts(&h, "<!DOCTYPE html>\n<html lang=\"");
	buf_puts(&h, lang_code(l));
	buf_puts(&h, lang_is_rtl(l) ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
	buf_puts(&h, "<head><meta charset=\"utf-8\"></head>\n<body>\n");
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (n == 0 || (n == 3 && strncmp(p, "-- ", 3) == 0)) {
			if (in_para)
				buf_puts(&h, "</p>\n");
			in_para = 0;
			if (n == 3)
				buf_puts(&h, "<hr>\n");
		} else {
			buf_puts(&h, in_para ? "<br>\n" : "<p>");
			in_para = 1;
			if ((strncmp(p, "https://", 8) == 0 || strncmp(p, "http://", 7) == 0) &&
			    memchr(p, ' ', n) == NULL) {
				buf_puts(&h, "<a href=\"");
				notice_html_esc(&h, p, n);
				buf_puts(&h, "\">");
				notice_html_esc(&h, p, n);
				buf_puts(&h, "</a>");
			} else {
				notice_html_esc(&h, p, n);
			}
		}
		p += n + (eol ? 1 : 0);
	}
	buf_puts(&h, in_para ? "</p>\n</body>\n</html>\n" : "</body>\n</html>\n");
	out = h.failed ? NULL : arena_strdup(a, h.data);
	buf_free(&h);
	return out;
}

struct mail
subscription_confirm_mail(struct arena *a, const char *to, const char *lang, const char *link, int64_t expires)
{
	locale_t old = notice_lang_begin(lang);
	struct mail m = { .to = to, .kind = "subscription_confirm" };
	enum lang l = LANG_EN;
	char until[64];

	lang_from_code(lang, &l);
	m.lang = lang_code(l);
	if (time_format_human(expires, m.lang, TZ_UTC, 1, until, sizeof(until)) != 0)
		time_format_rfc3339(expires, until);
	m.subject = arena_strdup(a, _("Confirm your subscription to notices from Agora"));
	m.body = arena_printf(a,
			      _("Hello,\n\nSomeone, perhaps you, asked for notices from Agora to be sent to this "
				"address. To confirm, open this link and press the button on the page:\n%s\n\n"
				"The link works until %s (UTC). If you did not ask for this, ignore this mail: "
				"nothing will be sent.\n"),
			      link, until);
	notice_lang_end(old);
	if (m.body != NULL)
		m.html = text_html(a, m.lang, m.body);
	if (m.subject == NULL || m.html == NULL)
		m.body = NULL;
	return m;
}

static const char SQL_TOKEN[] =
    "INSERT INTO subscription_tokens (token_hash, subscription_id, created_at) VALUES ($1, $2, $3)";

const char *
notice_unsubscribe_url(struct db *db, struct arena *a, int64_t id, const char *lang, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TOKEN);
	char token[SESSION_TOKEN_LEN], hex[65];
	const char *url;

	if (st == NULL) {
		db_err(db, e, "subscription");
		return NULL;
	}
	session_token_new(token);
	session_token_hash(token, hex);
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, clock_now());
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "subscription");
		return NULL;
	}
	url = arena_printf(a, "%s/subscriptions/%lld/unsubscribe/%s?lang=%s", notice_base_url(), (long long)id, token, lang);
	if (url == NULL)
		err_set(e, ERR_BUSY, "out of memory");
	return url;
}

int
notice_queue_mail(struct db *db, struct arena *a, int64_t sub, const char *to, const char *lang, const char *kind,
		  const char *subject, const char *text, struct err *e)
{
	const char *unsub = notice_unsubscribe_url(db, a, sub, lang, e), *body;
	struct mail m = { .to = to, .lang = lang, .kind = kind, .subject = subject, .unsubscribe_url = unsub };
	locale_t old;

	if (unsub == NULL)
		return -1;
	old = notice_lang_begin(lang);
	body = arena_printf(a, "%s\n-- \n%s\n%s\n%s\n%s\n%s/subscribe?lang=%s\n", text,
			    _("You get this mail because you subscribed to notices from Agora."),
			    _("To stop these mails, open this link:"), unsub,
			    _("To change what you receive, subscribe again:"), notice_base_url(), lang);
	notice_lang_end(old);
	m.body = body;
	m.html = body ? text_html(a, lang, body) : NULL;
	if (m.body == NULL || m.html == NULL || subject == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	return outbox_queue(db, &m, e);
}

