/* notice.c: queuing a personal notice (notice.h): opt-outs, unsubscribe tokens, the plain text
 * and HTML bodies, the recipient's language. */
#include "notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "outbox.h"
#include "session.h"

static const char SQL_OPTED[] =
    "SELECT 1 FROM mail_optouts WHERE address = $1 AND kind = $2 AND opted_out_at IS NOT NULL LIMIT 1";
static const char SQL_TOKEN_ADD[] =
    "INSERT INTO mail_optouts (address, kind, token_hash, created_at) VALUES ($1, $2, $3, $4)";
static const char SQL_TOKEN_GET[] =
    "SELECT address, kind, COALESCE(opted_out_at, 0) FROM mail_optouts WHERE token_hash = $1";
static const char SQL_OPT_OUT[] =
    "UPDATE mail_optouts SET opted_out_at = $3 WHERE address = $1 AND kind = $2 AND opted_out_at IS NULL";
static const char SQL_ACCOUNT_LANG[] =
    "SELECT COALESCE(a.mail_lang, (SELECT o.lang FROM outbox o WHERE lower(o.to_addr) = lower(a.email) "
    "AND o.kind IN ('confirm', 'invitation') ORDER BY o.id DESC LIMIT 1), 'en') "
    "FROM accounts a WHERE lower(a.email) = lower($1)";

static const char SQL_ACCOUNT_LANG_SET[] = "UPDATE accounts SET mail_lang = $2 WHERE lower(email) = lower($1)";

static char base_url[300] = "http://localhost";

void
notice_set_base_url(const char *public_url, int port)
{
	size_t n = public_url ? strlen(public_url) : 0;

	if (n > 0 && n < sizeof(base_url))
		snprintf(base_url, sizeof(base_url), "%.*s", (int)(public_url[n - 1] == '/' ? n - 1 : n), public_url);
	else if (port > 0)
		snprintf(base_url, sizeof(base_url), "http://localhost:%d", port);
	else
		snprintf(base_url, sizeof(base_url), "http://localhost");
}

const char *
notice_base_url(void)
{
	return base_url;
}

const char *
notice_lang_code(const char *code)
{
	enum lang l;

	return code != NULL && lang_from_code(code, &l) == 0 ? lang_code(l) : "en";
}

locale_t
notice_lang_begin(const char *code)
{
	locale_t old = uselocale((locale_t)0);
	enum lang l;

	i18n_use(lang_from_code(notice_lang_code(code), &l) == 0 ? l : LANG_EN);
	return old;
}

void
notice_lang_end(locale_t old)
{
	uselocale(old);
}

const char *
notice_time(struct arena *a, int64_t t, const char *lang, int with_time)
{
	char out[96];

	time_format_human(t, notice_lang_code(lang), TZ_UTC, with_time, out, sizeof(out));
	return with_time ? arena_printf(a, "%s (UTC)", out) : arena_strdup(a, out);
}

/* What a kind of notice is, for the reader. */
const char *
notice_kind_name(const char *kind)
{
	if (str_eq(kind, "moderation"))
		return _("the secretariat's decisions about your response");
	if (str_eq(kind, "contribution"))
		return _("new documents and revisions for meetings");
	if (str_eq(kind, "proposal"))
		return _("topic proposals and the results of silence procedures");
	if (str_eq(kind, "outcome"))
		return _("outcomes addressed to the secretariat");
	if (str_eq(kind, "overdue"))
		return _("outcomes still open before a meeting");
	if (str_eq(kind, "meeting_reminder"))
		return _("reminders of meetings you registered for");
	return kind;
}

int
notice_opted_out(struct db *db, const char *address, const char *kind)
{
	struct db_stmt *st = db_prepare(db, SQL_OPTED);
	char *lower = NULL;
	enum db_rc rc;

	if (st == NULL || (lower = strdup(address)) == NULL) {
		if (st != NULL)
			db_done(st);
		return -1;
	}
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	db_bind_text(st, 1, lower);
	db_bind_text(st, 2, kind);
	rc = db_step(st);
	db_done(st);
	free(lower);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

void
notice_html_esc(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, s[i]);
		}
}

static void
escape(struct buf *b, const char *s)
{
	if (s != NULL)
		notice_html_esc(b, s, strlen(s));
}

/* Paragraphs (split at blank lines) as <p>, lines inside one joined by <br>. */
static void
html_paragraphs(struct buf *b, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *para = strndup(p, n);
		buf_puts(b, "<p>");
		for (char *line = para, *nl; line != NULL; line = nl) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl++ = '\0';
			if ((str_has_prefix(line, "https://") || str_has_prefix(line, "http://")) &&
			    strpbrk(line, " \t") == NULL) {	/* a link on its own line */
				buf_puts(b, "<a href=\"");
				escape(b, line);
				buf_puts(b, "\">");
				escape(b, line);
				buf_puts(b, "</a>");
			} else {
				escape(b, line);
			}
			if (nl != NULL)
				buf_puts(b, "<br>");
		}
		buf_puts(b, "</p>\n");
		free(para);
		p = end ? end + 2 : NULL;
	}
}

static void
html_link(struct buf *b, const char *url, const char *label)
{
	buf_puts(b, "<p><a href=\"");
	escape(b, url);
	buf_puts(b, "\">");
	escape(b, label ? label : url);
	buf_puts(b, "</a></p>\n");
}

int
notice_send(struct db *db, const struct notice *n, int *queued, struct err *e)
{
	const char *stops = n->stops ? n->stops : n->kind;
	char token[SESSION_TOKEN_LEN], hash[65], *to = NULL, unsub[sizeof(base_url) + 80];
	struct buf text, html;
	struct db_stmt *st;
	struct arena *a = NULL;
	const char *footer;
	locale_t old;
	int out, rc = -1;

	*queued = 0;
	if (n->to == NULL || n->to[0] == '\0')
		return 0;
	if ((out = notice_opted_out(db, n->to, n->kind)) < 0)
		return db_err(db, e, "mail opt-outs");
	if (out && !n->always)
		return 0;	/* they asked for none of this kind: nothing is queued (docs/MAIL-NOTICES.md) */
	if ((to = strdup(n->to)) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	for (char *p = to; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	session_token_new(token);
	session_token_hash(token, hash);
	if ((st = db_prepare(db, SQL_TOKEN_ADD)) == NULL) {
		free(to);
		return db_err(db, e, "mail opt-outs");
	}
	db_bind_text(st, 1, to);
	db_bind_text(st, 2, stops);
	db_bind_text(st, 3, hash);
	db_bind_int64(st, 4, clock_now());
	if (db_run(st) != DB_DONE) {
		free(to);
		return db_err(db, e, "mail opt-outs");
	}
	free(to);
	buf_init(&text);
	buf_init(&html);
	if ((a = arena_new()) == NULL) {
		err_set(e, ERR_BUSY, "out of memory");
		goto done;
	}
	snprintf(unsub, sizeof(unsub), "%s/mail/unsubscribe/%s", base_url, token);
	old = notice_lang_begin(n->lang);
	buf_puts(&text, n->text);
	buf_printf(&html, "<!DOCTYPE html>\n<html lang=\"%s\"%s><body>\n", notice_lang_code(n->lang),
		   str_eq(notice_lang_code(n->lang), "ar") ? " dir=\"rtl\"" : "");
	html_paragraphs(&html, n->text);
	if (n->link != NULL) {
		buf_printf(&text, "\n\n%s", n->link);
		html_link(&html, n->link, NULL);
	}
	footer = arena_printf(a, _("To receive no more mails about %s, open:"), notice_kind_name(stops));
	buf_printf(&text, "\n\n-- \n%s\n%s\n", footer, unsub);
	buf_puts(&html, "<hr>\n<p><small>");
	escape(&html, footer);
	buf_puts(&html, "</small></p>\n");
	html_link(&html, unsub, NULL);
	buf_puts(&html, "</body></html>\n");
	notice_lang_end(old);
	if (text.failed || html.failed || footer == NULL) {
		err_set(e, ERR_BUSY, "out of memory");
		goto done;
	}
	rc = outbox_queue(db,
			  &(struct mail){ .to = n->to, .lang = notice_lang_code(n->lang), .kind = n->kind,
					  .subject = n->subject, .body = text.data, .html = html.data,
					  .unsubscribe_url = unsub, .attach_name = n->attach_name,
					  .attach_type = n->attach_type, .attach_data = n->attach_data,
					  .attach_len = n->attach_len },
			  e);
	*queued = rc == 0;
done:
	arena_free(a);
	buf_free(&text);
	buf_free(&html);
	return rc;
}

int
notice_optout_get(struct db *db, struct arena *a, const char *token, struct notice_optout *o, struct err *e)
{
	struct db_stmt *st;
	char hash[65];
	enum db_rc rc;

	memset(o, 0, sizeof(*o));
	if (token == NULL || !session_token_valid(token))
		return err_set(e, ERR_NOTFOUND, "no such unsubscribe link");
	if ((st = db_prepare(db, SQL_TOKEN_GET)) == NULL)
		return db_err(db, e, "mail opt-outs");
	session_token_hash(token, hash);
	db_bind_text(st, 1, hash);
	if ((rc = db_step(st)) == DB_ROW) {
		o->address = arena_strdup(a, db_col_text(st, 0));
		o->kind = arena_strdup(a, db_col_text(st, 1));
		o->opted_out_at = db_col_int64(st, 2);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no such unsubscribe link");
	if (rc != DB_ROW)
		return db_err(db, e, "mail opt-outs");
	return o->address && o->kind ? 0 : err_set(e, ERR_BUSY, "out of memory");
}

int
notice_unsubscribe_fn(struct db *db, void *arg, struct err *e)
{
	struct notice_unsubscribe *u = arg;
	struct notice_optout o;
	struct arena *a = arena_new();
	struct db_stmt *st;
	int rc = -1;

	u->was_out = 0;
	u->kind[0] = '\0';
	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (notice_optout_get(db, a, u->token, &o, e) != 0)
		goto out;
	snprintf(u->kind, sizeof(u->kind), "%s", o.kind);
	if ((st = db_prepare(db, SQL_OPT_OUT)) == NULL) {
		db_err(db, e, "mail opt-outs");
		goto out;
	}
	db_bind_text(st, 1, o.address);
	db_bind_text(st, 2, o.kind);
	db_bind_int64(st, 3, clock_now());
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "mail opt-outs");
		goto out;
	}
	u->was_out = db_changes(db) == 0;
	rc = 0;
out:
	arena_free(a);
	return rc;
}

void
notice_account_lang(struct db *db, const char *email, char out[3])
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT_LANG);

	snprintf(out, 3, "en");
	if (st == NULL)
		return;
	db_bind_text(st, 1, email);
	if (db_step(st) == DB_ROW)
		snprintf(out, 3, "%s", notice_lang_code(db_col_text(st, 0)));
	db_done(st);
}

int
notice_account_lang_set(struct db *db, const char *email, const char *lang, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT_LANG_SET);

	if (st == NULL)
		return db_err(db, e, "account");
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, notice_lang_code(lang));
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "account");
	return db_changes(db) == 1 ? 0 : err_set(e, ERR_NOTFOUND, "no account %s", email);
}

struct recipient {
	int64_t id;
	const char *email;
};

int
notice_to_accounts(struct db *db, const char *sql, const char *param, int64_t except, const char *kind,
		   notice_compose_fn compose, void *ctx, struct err *e)
{
	struct arena *a = arena_new();
	struct recipient *list = NULL;
	struct db_stmt *st;
	int n = 0, cap = 0, rc = -1;
	enum db_rc step;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if ((st = db_prepare(db, sql)) == NULL) {
		db_err(db, e, "accounts");
		goto out;
	}
	if (param != NULL)
		db_bind_text(st, 1, param);
	/* read every row first: no other statement may run while this one is half-way */
	while ((step = db_step(st)) == DB_ROW) {
		if ((list = arena_grow(a, list, n, &cap, sizeof(*list))) == NULL) {
			db_done(st);
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
		list[n].id = db_col_int64(st, 0);
		if ((list[n++].email = arena_strdup(a, db_col_text(st, 1))) == NULL) {
			db_done(st);
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
	}
	db_done(st);
	if (step != DB_DONE) {
		db_err(db, e, "accounts");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct notice m = { 0 };
		char lang[3];
		locale_t old;
		int queued, c;

		if (list[i].id == except)
			continue;
		notice_account_lang(db, list[i].email, lang);
		m.to = list[i].email;
		m.lang = lang;
		m.kind = kind;
		old = notice_lang_begin(lang);
		c = compose(a, lang, ctx, &m);
		notice_lang_end(old);
		if (c != 0) {
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
		if (notice_send(db, &m, &queued, e) != 0)
			goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}
