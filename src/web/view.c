/* view.c: shared consultation views. */
#include "view.h"
#include "../domain/file_text.h"
#include "../domain/response.h"
#include "../util/str.h"

#include <string.h>

#include "../util/clock.h"
#include "../util/numfmt.h"
#include "../util/timefmt.h"
#include "html.h"
#include "layout.h"

void
view_time(struct request *r, int64_t t)
{
	char utc[128], gva[128], iso[TIME_RFC3339_LEN];
	struct buf *b = &r->out;

	time_format_rfc3339(t, iso);
	time_format_human(t, lang_code(r->lang), TZ_UTC, 1, utc, sizeof(utc));
	time_format_human(t, lang_code(r->lang), TZ_GENEVA, 1, gva, sizeof(gva));
	H(b, "<time datetime=\"");
	html_attr(b, iso);
	H(b, "\">");
	html_text(b, utc);
	H(b, " UTC</time> <span class=\"geneva\">(");
	/* TRANSLATORS: %s is a date and time in Geneva */
	html_text(b, arena_printf(r->arena, _("%s Geneva time"), gva));
	H(b, ")</span>");
}

void
view_date(struct request *r, int64_t t)
{
	char day[128], iso[TIME_RFC3339_LEN];

	time_format_rfc3339(t, iso);
	time_format_human(t, lang_code(r->lang), TZ_UTC, 0, day, sizeof(day));
	H(&r->out, "<time datetime=\"");
	html_attr(&r->out, iso);
	H(&r->out, "\">");
	html_text(&r->out, day);
	H(&r->out, "</time>");
}

const char *
view_num(struct request *r, int64_t n)
{
	char s[NUMFMT_LEN];
	const char *d;

	numfmt_int(n, r->lang, s);
	d = arena_strdup(r->arena, s);
	return d != NULL ? d : "";
}

void
view_number(struct request *r, int64_t n)
{
	char s[NUMFMT_LEN];

	numfmt_int(n, r->lang, s);
	html_text(&r->out, s);
}

void
view_row(struct request *r, int show_empty, const char *label, const char *value)
{
	struct buf *b = &r->out;

	if (!show_empty && (value == NULL || value[0] == '\0'))
		return;
	H(b, "<dt>");
	html_text(b, label);
	H(b, "</dt><dd>");
	html_text(b, value);
	H(b, "</dd>\n");
}

void
view_state(struct request *r, const struct consultation *c)
{
	struct buf *b = &r->out;
	const char *label = _("Closed");

	if (strcmp(c->state, "open") == 0)
		label = _("Open");
	else if (strcmp(c->state, "scheduled") == 0)
		label = _("Upcoming");
	else if (strcmp(c->state, "draft") == 0)
		label = _("Draft");
	H(b, "<span class=\"state state-");
	html_attr(b, c->state);
	H(b, "\">");
	html_text(b, label);
	H(b, "</span>");
}

/* How much of a period is left, as a count of the largest fitting unit, rounded up: a round
 * that closes in 30 days says "30 days left" for the whole of its first day, and one a few
 * seconds from closing says "1 minute left", never "0". More than two days: days; more than
 * an hour: hours; else minutes. left must be > 0. */
long
view_time_left_count(int64_t left, enum time_unit *unit)
{
	if (left > 2 * 86400) {
		*unit = TIME_DAYS;
		return (long)((left + 86399) / 86400);
	}
	if (left > 3600) {
		*unit = TIME_HOURS;
		return (long)((left + 3599) / 3600);
	}
	*unit = TIME_MINUTES;
	return (long)((left + 59) / 60);
}

void
view_time_left(struct request *r, const struct consultation *c)
{
	int64_t left = c->closes_at - clock_now();
	enum time_unit u;
	const char *s;
	long n;

	if (strcmp(c->state, "open") != 0 || left <= 0)
		return;
	n = view_time_left_count(left, &u);
	if (u == TIME_DAYS)
		s = arena_printf(r->arena, P_("%ld day left", "%ld days left", (unsigned long)n), n);
	else if (u == TIME_HOURS)
		s = arena_printf(r->arena, P_("%ld hour left", "%ld hours left", (unsigned long)n), n);
	else
		s = arena_printf(r->arena, P_("%ld minute left", "%ld minutes left", (unsigned long)n), n);
	H(&r->out, "<span class=\"time-left\">");
	html_text(&r->out, s);
	H(&r->out, "</span>");
}

void
view_mtext(struct request *r, const struct mtext *t)
{
	enum lang got;
	const char *s = mtext_pick(t, r->lang, &got);

	if (s != NULL)
		layout_text_in(r, s, got);
}

const char *
view_text_status_label(enum text_status s)
{
	switch (s) {
	case TEXT_ORIGINAL:
		return _("Original");
	case TEXT_OFFICIAL:
		return _("Official translation");
	case TEXT_DRAFT:
		return _("Draft translation");
	default:
		return _("Missing");
	}
}

void
view_text_versions(struct request *r, const struct mtext *t)
{
	struct buf *b = &r->out;
	enum lang got;
	enum text_status st;
	int others = 0;

	if (mtext_pick(t, r->lang, &got) == NULL)
		return;
	st = mtext_status(t, got);
	H(b, "<div class=\"text-versions\">\n<p><span class=\"text-badge text-");
	html_raw_trusted(b, text_status_code(st));
	H(b, "\">");
	html_text(b, view_text_status_label(st));
	H(b, "</span>");
	if (got != r->lang) {
		H(b, " <span class=\"fallback-note\">");
		/* TRANSLATORS: the first %s is the reader's language, the second the text's, each by
		 * its own name (Français, English...) */
		html_text(b, arena_printf(r->arena, got == t->original
			? _("This text is not available in %s; it is shown in its original language, %s.")
			: _("This text is not available in %s; it is shown in %s."),
			lang_native_name(r->lang), lang_native_name(got)));
		H(b, "</span>");
	}
	H(b, "</p>\n");
	for (int l = 0; l < LANG_COUNT; l++) {
		if ((enum lang)l == got || t->body[l] == NULL)
			continue;
		if (!others++) {
			H(b, "<p class=\"also-in\">");
			html_text(b, _("Also in:"));
			H(b, "</p><ul class=\"also-in\">");
		}
		H(b, "<li><a href=\"");
		html_attr(b, r->path);
		H(b, "?lang=");
		html_raw_trusted(b, lang_code(l));
		H(b, "\" hreflang=\"");
		html_raw_trusted(b, lang_code(l));
		H(b, "\" lang=\"");
		html_raw_trusted(b, lang_code(l));
		H(b, "\">");
		html_text(b, lang_native_name(l));
		H(b, "</a>");
		if (mtext_status(t, (enum lang)l) == TEXT_DRAFT) {
			H(b, " <span class=\"text-badge text-draft\">");
			html_text(b, _("Draft translation"));
			H(b, "</span>");
		}
		H(b, "</li>");
	}
	if (others)
		H(b, "</ul>\n");
	H(b, "</div>\n");
}

void
view_consultation_item(struct request *r, const struct consultation *c)
{
	struct buf *b = &r->out;

	H(b, "<li class=\"consultation\">\n<h3><a href=\"/consultations/");
	html_url(b, c->slug);
	H(b, "\">");
	view_mtext(r, &c->title);
	H(b, "</a></h3>\n<p class=\"meta\">");
	view_state(r, c);
	H(b, " ");
	view_time_left(r, c);
	H(b, "</p>\n<p class=\"period\">");
	html_text(b, _("From"));
	H(b, " ");
	view_time(r, c->opens_at);
	H(b, "<br>");
	html_text(b, _("Until"));
	H(b, " ");
	view_time(r, c->closes_at);
	H(b, "</p>\n");
	if (mtext_pick(&c->topic, r->lang, NULL) != NULL) {
		H(b, "<p class=\"topic\">");
		view_mtext(r, &c->topic);
		H(b, "</p>\n");
	}
	H(b, "</li>\n");
}

void
view_receipt_id_row(struct request *r, const char *public_id)
{
	struct buf *b = &r->out;

	H(b, "<dt>");
	html_text(b, _("Response"));
	H(b, "</dt><dd><a href=\"/responses/");
	html_url(b, public_id);
	H(b, "\">");
	html_text(b, public_id);
	H(b, "</a></dd>\n");
}

void
view_receipt_hash_row(struct request *r, const char *sha256)
{
	struct buf *b = &r->out;

	H(b, "<dt>SHA-256</dt><dd><code>");
	html_text(b, sha256);
	H(b, "</code></dd>\n");
}

void
view_manage_link(struct request *r, const char *public_id, const char *token, const char *title,
		 const char *advice)
{
	struct buf *b = &r->out;
	char *manage = arena_printf(r->arena, "/responses/%s/manage?token=%s", public_id, token);

	H(b, "<div class=\"notice\"><p><strong>");
	html_text(b, title);
	H(b, "</strong></p>\n<p><a class=\"manage\" href=\"");
	html_attr(b, manage);
	H(b, "\">");
	html_text(b, manage);
	H(b, "</a></p>\n<p>");
	html_text(b, advice);
	H(b, "</p></div>\n");
}

void
view_unsearchable(struct request *r, const struct response *resp)
{
	struct buf *b = &r->out;
	int shown = 0;

	for (int i = 0; i < resp->nattachments; i++) {
		const char *st = file_text_status(r->db, resp->att[i].sha256);

		if (!str_eq(st, "no_text") && !str_eq(st, "failed"))
			continue;
		if (!shown++) {
			H(b, "<div class=\"notice\" role=\"status\"><p>");
			html_text(b, _("The text of these attachments could not be read, so search cannot find "
				       "what they say. A scanned PDF has no text layer: if you can, send a PDF "
				       "made from the original document, or paste the text into your answers."));
			H(b, "</p>\n<ul>\n");
		}
		H(b, "<li>");
		html_text(b, resp->att[i].filename);
		H(b, " (");
		html_text(b, str_eq(st, "no_text") ? _("no text layer") : _("damaged or unreadable"));
		H(b, ")</li>\n");
	}
	if (shown)
		H(b, "</ul></div>\n");
}
