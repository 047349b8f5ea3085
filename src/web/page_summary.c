/* page_summary.c: the summary of a round, /consultations/{slug}/summary (docs/SUMMARIES.md):
 * the written summary (published, in each language), the figures as charts each with its data
 * table, the distinguishing terms per question, the campaigns. The secretariat and the chair see
 * on the same address the drafts, the responses whose attachments could not be read, and the
 * form that saves a summary; so the page is never cached. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../domain/country.h"
#include "../domain/itu_region.h"
#include "../domain/response.h"
#include "../domain/summary.h"
#include "../render/svg.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "form_consultation.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "slow.h"
#include "upload.h"
#include "view.h"

/* What a refused save sent, shown again with the error next to its field. */
struct refused {
	struct field_errors fe;
	const char *language, *body, *status;
};

static int
is_staff(const struct request *r)
{
	return str_eq(r->role, "secretariat") || str_eq(r->role, "chair");
}

/* The secretariat publishes; the chair writes drafts (DESIGN.md: the chair drafts summaries). */
static int
may_publish(const struct request *r)
{
	return str_eq(r->role, "secretariat");
}

static const char *
language_label(const char *code)
{
	enum lang l;

	if (lang_from_code(code, &l) == 0)
		return lang_native_name(l);
	return str_eq(code, "und") ? _("Not determined") : code;
}

static const char *
region_label(const char *letter)
{
	const char *name = itu_region_name(letter);

	return name ? name : _("No ITU region");
}

static const char *
country_label(const char *code)
{
	const char *name = country_name_local(code);

	return name ? name : code;
}

/* Days from 1970-01-01 of "YYYY-MM-DD" (the proleptic Gregorian calendar), or -1. */
static long
day_number(const char *ymd)
{
	int y, m, d;

	if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The days of a long round grouped into weeks from Monday (UTC): a round of months would
 * otherwise make the page's table as long as the round (docs/WEB.md: the weight of a page).
 * The API and the exports keep every day. Returns 0, or -1 when out of memory. */
static int
by_week(struct request *r, const struct summary_figure *days, struct summary_figure *weeks)
{
	weeks->n = 0;
	weeks->items = arena_alloc(r->arena, (size_t)(days->n + 1) * sizeof(*weeks->items));
	if (weeks->items == NULL)
		return -1;
	for (int i = 0; i < days->n; i++) {
		long dn = day_number(days->items[i].key);
		if (dn < 0)
			continue;
		long monday = dn - (dn + 3) % 7;	/* 1970-01-01 was a Thursday */
		time_t t = (time_t)monday * 86400;
		struct tm tm;
		char key[16];
		gmtime_r(&t, &tm);
		strftime(key, sizeof(key), "%Y-%m-%d", &tm);
		if (weeks->n > 0 && strcmp(weeks->items[weeks->n - 1].key, key) == 0) {
			weeks->items[weeks->n - 1].n += days->items[i].n;
			continue;
		}
		if ((weeks->items[weeks->n].key = arena_strdup(r->arena, key)) == NULL)
			return -1;
		weeks->items[weeks->n++].n = days->items[i].n;
	}
	return 0;
}

/* One figure: a heading, the chart, and the table of the same numbers beside it. The table has
 * the rows the chart draws; beyond them, one row sums the others (the API and the exports keep
 * every row), so a round with answers from every country still fits the page's weight. */
static void
figure(struct request *r, const char *id, const char *title, const char *key_head,
       const struct summary_figure *f, const char *(*label)(const char *))
{
	struct buf *b = &r->out;
	struct svg_bar *bars = arena_alloc(r->arena, (size_t)(f->n + 1) * sizeof(*bars));
	const char **shown = arena_alloc(r->arena, (size_t)(f->n + 1) * sizeof(*shown));
	int rows = f->n > SVG_MAX_BARS ? SVG_MAX_BARS : f->n;
	int64_t others = 0;

	if (bars == NULL || shown == NULL) {
		b->failed = 1;
		return;
	}
	for (int i = 0; i < f->n; i++) {
		bars[i].label = label ? label(f->items[i].key) : f->items[i].key;
		bars[i].value = f->items[i].n;
		shown[i] = view_num(r, f->items[i].n);	/* the labels only: geometry from the numbers */
	}
	H(b, "<section class=\"figure\" aria-labelledby=\"");
	html_attr(b, id);
	H(b, "-h\">\n<h3 id=\"");
	html_attr(b, id);
	H(b, "-h\">");
	html_text(b, title);
	H(b, "</h3>\n");
	if (f->n == 0) {
		H(b, "<p>");
		html_text(b, _("No public responses yet."));
		H(b, "</p>\n</section>\n");
		return;
	}
	H(b, "<div class=\"figure-body\">\n<div class=\"figure-chart\">\n");
	svg_bar_chart_labelled(b, id, title, bars, shown, f->n);
	if (f->n > SVG_MAX_BARS) {
		H(b, "<p class=\"hint\">");
		html_text(b, arena_printf(r->arena, _("The chart and the table show the first %s; the last row "
						      "adds up the others. Every row is in the summary's API and in "
						      "the exports."), view_num(r, SVG_MAX_BARS)));
		H(b, "</p>\n");
	}
	H(b, "</div>\n<table class=\"figure-data\">\n<caption>");
	html_text(b, title);
	H(b, "</caption>\n<thead><tr><th scope=\"col\">");
	html_text(b, key_head);
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Responses"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < rows; i++) {
		H(b, "<tr><th scope=\"row\">");
		html_text(b, bars[i].label);
		H(b, "</th><td>");
		view_number(r, bars[i].value);
		H(b, "</td></tr>\n");
	}
	for (int i = rows; i < f->n; i++)
		others += bars[i].value;
	if (rows < f->n) {
		H(b, "<tr class=\"others\"><th scope=\"row\">");
		html_text(b, arena_printf(r->arena, P_("%s other", "%s others", (unsigned long)(f->n - rows)),
					  view_num(r, f->n - rows)));
		H(b, "</th><td>");
		view_number(r, others);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

static void
figures(struct request *r, const struct summary_figures *f)
{
	struct buf *b = &r->out;

	H(b, "<section class=\"figures\">\n<h2 id=\"figures\">");
	html_text(b, _("Figures"));
	H(b, "</h2>\n<p>");
	html_text(b, arena_printf(r->arena, P_("%s public response", "%s public responses", f->total),
				  view_num(r, f->total)));
	H(b, "</p>\n");
	figure(r, "by-type", _("Responses by stakeholder type"), _("Stakeholder type"), &f->by_type,
	       stakeholder_label);
	figure(r, "by-region", _("Responses by ITU region"), _("ITU region"), &f->by_region, region_label);
	figure(r, "by-country", _("Responses by country"), _("Country"), &f->by_country, country_label);
	figure(r, "by-language", _("Responses by language"), _("Language"), &f->by_language, language_label);
	if (f->by_day.n > 31) {
		struct summary_figure weeks;
		if (by_week(r, &f->by_day, &weeks) != 0) {
			b->failed = 1;
			return;
		}
		figure(r, "by-day", _("Responses by week received"), _("Week from Monday (UTC)"), &weeks, NULL);
	} else {
		figure(r, "by-day", _("Responses by day received"), _("Day (UTC)"), &f->by_day, NULL);
	}
	H(b, "</section>\n");
}

static void
terms(struct request *r, const struct consultation *c, const struct summary_question_terms *t)
{
	struct buf *b = &r->out;

	H(b, "<section class=\"terms\">\n<h2 id=\"terms\">");
	html_text(b, _("Distinguishing terms"));
	H(b, "</h2>\n<p class=\"hint\">");
	html_text(b, _("For each question, the words its answers use far more than the other answers in "
		       "the repository (TF-IDF), most distinguishing first."));
	H(b, "</p>\n");
	for (int q = 0; q < c->nquestions; q++) {
		H(b, "<h3>");
		html_text(b, arena_printf(r->arena, _("Question %d"), q + 1));
		H(b, "</h3>\n<p class=\"question\">");
		view_mtext(r, &c->question[q]);
		H(b, "</p>\n");
		if (t[q].n == 0) {
			H(b, "<p>");
			html_text(b, _("No public answers yet."));
			H(b, "</p>\n");
			continue;
		}
		H(b, "<ol class=\"terms\" id=\"terms-q");
		html_int(b, q + 1);
		H(b, "\">\n");
		for (int i = 0; i < t[q].n; i++) {
			H(b, "<li><span class=\"term\">");
			html_text(b, t[q].terms[i].word);
			H(b, "</span> <span class=\"size\">(");
			view_number(r, t[q].terms[i].count);
			H(b, ")</span></li>\n");
		}
		H(b, "</ol>\n");
	}
	H(b, "</section>\n");
}

static void
response_link(struct request *r, const char *public_id, int64_t number)
{
	struct buf *b = &r->out;

	H(b, "<a href=\"/responses/");
	html_url(b, public_id);
	H(b, "\">");
	if (number > 0)
		html_text(b, arena_printf(r->arena, "R-%lld", (long long)number));
	else
		html_text(b, public_id);
	H(b, "</a>");
}

static void
campaigns(struct request *r, const struct summary_campaign *cs, int n)
{
	struct buf *b = &r->out;

	H(b, "<section class=\"campaigns\">\n<h2 id=\"campaigns\">");
	html_text(b, _("Campaigns"));
	H(b, "</h2>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No near-identical responses were found."));
		H(b, "</p>\n</section>\n");
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct summary_campaign *c = &cs[i];
		H(b, "<div class=\"campaign\">\n<h3>");
		/* "N near-identical responses from K countries": two plurals, one sentence */
		html_text(b, arena_printf(r->arena, P_("%s near-identical response", "%s near-identical responses",
						       c->size), view_num(r, c->size)));
		H(b, " ");
		html_text(b, arena_printf(r->arena, P_("from %s country", "from %s countries", c->countries),
					  view_num(r, c->countries)));
		H(b, "</h3>\n<p class=\"meta\">");
		html_text(b, _("Representative text:"));
		H(b, " ");
		response_link(r, c->rep_id, c->rep_number);
		H(b, "</p>\n<blockquote class=\"summary\">");
		html_text(b, c->rep_text);
		H(b, "</blockquote>\n<details><summary>");
		html_text(b, _("Members"));
		H(b, "</summary>\n<ul class=\"campaign-members\">\n");
		for (int64_t m = 0; m < c->size; m++) {
			H(b, "<li>");
			response_link(r, c->members[m], 0);
			H(b, "</li>\n");
		}
		H(b, "</ul>\n</details>\n</div>\n");
	}
	H(b, "</section>\n");
}

/* The written summaries: published ones for everyone, drafts marked for the staff. */
static void
written(struct request *r, const struct consultation *c, const struct summary_text *t, int n)
{
	struct buf *b = &r->out;

	H(b, "<section class=\"written-summary\">\n<h2 id=\"written\">");
	html_text(b, _("Summary by the secretariat"));
	H(b, "</h2>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("The summary of this consultation has not been published yet."));
		H(b, "</p>\n");
	}
	for (int i = 0; i < n; i++) {
		enum lang l = LANG_EN;
		const char *md = summary_link_citations(r->db, r->arena, c->id, t[i].body);
		lang_from_code(t[i].language, &l);
		H(b, "<article class=\"summary-text\" id=\"summary-");
		html_attr(b, t[i].language);
		H(b, "\" lang=\"");
		html_attr(b, t[i].language);
		H(b, "\" dir=\"");
		html_attr(b, lang_is_rtl(l) ? "rtl" : "ltr");
		H(b, "\">\n<h3>");
		html_text(b, lang_native_name(l));
		if (str_eq(t[i].status, "draft")) {
			H(b, " <span class=\"state state-draft\">");
			html_text(b, _("Draft"));
			H(b, "</span>");
		}
		H(b, "</h3>\n<div class=\"description\">\n");
		html_markdown(b, md ? md : t[i].body);
		H(b, "</div>\n</article>\n");
	}
	H(b, "</section>\n");
}

/* For the secretariat and the chair: attachments whose text could not be read. */
static void
unreadable(struct request *r, const struct summary_unreadable *u, int n)
{
	struct buf *b = &r->out;

	H(b, "<section class=\"unreadable\">\n<h2 id=\"unreadable\">");
	html_text(b, _("Attachments that could not be read"));
	H(b, "</h2>\n<p class=\"hint\">");
	html_text(b, _("Shown to the secretariat and the chair only. Their text is in none of the figures "
		       "or terms above, and search cannot find it: read them before writing the summary."));
	H(b, "</p>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("Every attachment could be read."));
		H(b, "</p>\n</section>\n");
		return;
	}
	H(b, "<table class=\"moderation\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Response"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Attachment"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Why"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><td>");
		if (str_eq(u[i].response_status, "pending")) {
			H(b, "<a href=\"/admin/responses/");
			html_url(b, u[i].public_id);
			H(b, "\">");
			html_text(b, arena_printf(r->arena, "R-%lld", (long long)u[i].number));
			H(b, "</a> ");
			html_text(b, _("(awaiting moderation)"));
		} else {
			response_link(r, u[i].public_id, u[i].number);
		}
		H(b, "</td><td>");
		html_text(b, u[i].filename);
		H(b, "</td><td>");
		html_text(b, str_eq(u[i].text_status, "no_text")       ? _("A PDF without a text layer (scanned)")
			     : str_eq(u[i].text_status, "unsupported") ? _("An image or a format without text")
								       : _("Damaged, too big or too slow to read"));
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n</section>\n");
}

/* The form that saves the summary in one language. */
static void
edit_form(struct request *r, const struct consultation *c, const struct summary_text *t, int n,
	  const struct refused *x)
{
	struct buf *b = &r->out;
	const char *language = x ? x->language : r->param[2] ? r->param[2] : lang_code(r->lang);
	const char *body = x ? x->body : NULL, *status = x ? x->status : "draft";
	const struct field_errors *fe = x ? &x->fe : NULL;
	enum lang l = r->lang;

	for (int i = 0; x == NULL && i < n; i++)
		if (str_eq(t[i].language, language)) {
			body = t[i].body;
			status = t[i].status;
		}
	if (!may_publish(r))
		status = "draft";	/* the only choice the chair has */
	lang_from_code(language, &l);
	H(b, "<section class=\"summary-edit\">\n<h2 id=\"edit\">");
	html_text(b, _("Write the summary"));
	H(b, "</h2>\n<p class=\"hint\">");
	html_text(b, _("Markdown. Cite a response as [R-12]: its number is on its page. Each language is "
		       "saved on its own; saving as draft takes the published text in that language off the "
		       "public page until it is published again."));
	H(b, "</p>\n<p>");
	html_text(b, _("Edit in:"));
	for (int k = 0; k < LANG_COUNT; k++) {
		H(b, " <a href=\"/consultations/");
		html_url(b, c->slug);
		H(b, "/summary?edit=");
		html_url(b, lang_code(k));
		H(b, "#edit\" lang=\"");
		html_attr(b, lang_code(k));
		H(b, "\">");
		html_text(b, lang_native_name(k));
		H(b, "</a>");
	}
	H(b, "</p>\n");
	cform_errors(r, fe);
	H(b, "<form method=\"post\" class=\"respond\" action=\"/consultations/");
	html_url(b, c->slug);
	H(b, "/summary\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, "language", _("Language"));
	H(b, "<select");
	cform_ident(r, fe, "language", "language");
	H(b, ">");
	for (int k = 0; k < LANG_COUNT; k++)
		cform_option(r, lang_code(k), lang_native_name(k), language);
	H(b, "</select>\n</div>\n");
	cform_textarea(r, fe, "body", "body", _("Summary (Markdown)"), body, 16, (int)l, NULL);
	H(b, "<fieldset class=\"choice\" id=\"f-status\"");
	if (cform_error_of(fe, "status") != NULL)
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-status\"");
	H(b, "><legend>");
	html_text(b, _("Status"));
	H(b, "</legend>\n");
	if (cform_error_of(fe, "status") != NULL) {
		H(b, "<p class=\"error\" role=\"alert\" id=\"err-status\">");
		html_text(b, cform_error_of(fe, "status"));
		H(b, "</p>\n");
	}
	H(b, "<label><input type=\"radio\" name=\"status\" value=\"draft\"");
	if (!str_eq(status, "published"))
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("Draft: seen by the secretariat and the chair only"));
	H(b, "</label>\n");
	if (may_publish(r)) {
		H(b, "<label><input type=\"radio\" name=\"status\" value=\"published\"");
		if (str_eq(status, "published"))
			H(b, " checked");
		H(b, "> ");
		html_text(b, _("Published: on the public page, the API and the Chair's report"));
		H(b, "</label>\n");
	} else {
		H(b, "<p class=\"hint\">");
		html_text(b, _("The secretariat publishes the summary; the chair saves drafts."));
		H(b, "</p>\n");
	}
	H(b, "</fieldset>\n<p><button type=\"submit\">");
	html_text(b, _("Save the summary"));
	H(b, "</button></p>\n</form>\n</section>\n");
}

static int
show(struct request *r, const struct consultation *c, const struct refused *x, int status)
{
	struct buf *b = &r->out;
	struct summary_figures f;
	struct summary_question_terms *qt;
	struct summary_campaign *cs;
	struct summary_text *texts;
	struct summary_unreadable *un = NULL;
	int staff = is_staff(r), ncs, ntexts, nun = 0;
	struct err e;

	qt = arena_alloc(r->arena, (size_t)(c->nquestions + 1) * sizeof(*qt));
	if (qt == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (summary_figures_get(r->db, r->arena, c->id, &f, &e) != 0 ||
	    summary_terms_get(r->db, r->arena, c->id, c->nquestions, qt, &e) != 0 ||
	    summary_campaigns_get(r->db, r->arena, c->id, &cs, &ncs, &e) != 0 ||
	    summary_texts_get(r->db, r->arena, c->id, staff, &texts, &ntexts, &e) != 0 ||
	    (staff && summary_unreadable_list(r->db, r->arena, c->id, &un, &nun, &e) != 0))
		return reply_err(r, &e);
	buf_reset(b);
	layout_begin(r, _("Summary of the consultation"));
	H(b, "<article class=\"summary-page\">\n<p class=\"meta\"><a href=\"/consultations/");
	html_url(b, c->slug);
	H(b, "\">");
	view_mtext(r, &c->title);
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Summary of the consultation"));
	H(b, "</h1>\n<p><a href=\"/api/v1/consultations/");
	html_url(b, c->slug);
	H(b, "/summary\">JSON</a></p>\n");
	written(r, c, texts, ntexts);
	figures(r, &f);
	terms(r, c, qt);
	campaigns(r, cs, ncs);
	if (staff) {
		unreadable(r, un, nun);
		edit_form(r, c, texts, ntexts, x);
	}
	H(b, "</article>\n");
	layout_end(r);
	r->status = status;
	return HANDLER_DONE;
}

/* The round of the path, not a draft: 0, or answers 404 and returns -1. */
static int
round_of(struct request *r, const char *slug, struct consultation *c)
{
	struct err e;

	if (consultation_get(r->db, r->arena, slug, c, &e) != 0) {
		if (e.kind == ERR_NOTFOUND)
			reply_error(r, 404, _("There is no consultation at this address."));
		else
			reply_err(r, &e);
		return -1;
	}
	if (str_eq(c->state, "draft")) {
		reply_error(r, 404, _("There is no consultation at this address."));
		return -1;
	}
	return 0;
}

/* On a worker: counts the terms of the rounds whose counts are not current. */
static void
terms_warm(void *arg)
{
	struct err e;

	if (summary_terms_warm(arg, &e) != 0)
		log_warn("msg=\"summary terms not counted\" error=\"%s\"", e.msg);
}

int
summary_terms_first(struct request *r)
{
	if (r->slow_queued || summary_terms_ready(r->db) != 0)
		return -1;	/* counted; or counted by the worker just now (or failed: counted inline) */
	return request_slow(r, terms_warm, r->srv->db_url);
}

int
page_summary(struct request *r)
{
	struct consultation c;
	int rc;

	if (round_of(r, r->param[1], &c) != 0)
		return HANDLER_DONE;
	if ((rc = summary_terms_first(r)) >= 0)
		return rc;
	return show(r, &c, NULL, 200);
}

static const char *
chair_over_published(void)
{
	return _("The summary in this language is published: only the secretariat may change it.");
}

/* Is the summary of c in language published? */
static int
published_in(struct request *r, const struct consultation *c, const char *language)
{
	struct summary_text *t;
	struct err e;
	int n;

	if (summary_texts_get(r->db, r->arena, c->id, 0, &t, &n, &e) != 0)
		return 0;	/* the writer checks again */
	for (int i = 0; i < n; i++)
		if (str_eq(t[i].language, language))
			return 1;
	return 0;
}

static const char *
bad_citation(struct request *r, int64_t number)
{
	return arena_printf(r->arena, _("[R-%lld] is not a public response of this consultation: check the "
					"number on the response's page."), (long long)number);
}

/* POST /consultations/{slug}/summary: the secretariat or the chair saves the summary in one
 * language (ROLE_ACCOUNT: the handler refuses the other accounts). */
int
page_summary_post(struct request *r)
{
	struct summary_save *s = r->state;
	struct refused *x;
	struct consultation c;
	enum lang l;
	int64_t bad = 0;

	if (!is_staff(r))
		return reply_error(r, 403, _("Only the secretariat and the chair write the summary of a consultation."));
	if (round_of(r, r->param[1], &c) != 0)
		return HANDLER_DONE;
	if ((x = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"summary saved\" consultation=%s language=%s status=%s citations=%d account=%lld id=%s",
				 c.slug, s->language, s->status, s->ncited, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/consultations/%s/summary?edit=%s#summary-%s",
								     c.slug, s->language, s->language));
		}
		if (r->write_err.kind != ERR_INVALID && r->write_err.kind != ERR_CONFLICT)
			return reply_err(r, &r->write_err);
		x->language = s->language;
		x->body = s->body;
		x->status = s->status;
		if (r->write_err.kind == ERR_CONFLICT) {	/* published meanwhile */
			field_error_add(&x->fe, "body", "%s", chair_over_published());
			return show(r, &c, x, 409);
		}
		/* a response withheld or erased between the check and the write */
		summary_citations_check(r->db, r->arena, c.id, s->body, &bad);
		field_error_add(&x->fe, "body", "%s", bad ? bad_citation(r, bad) : r->write_err.msg);
		return show(r, &c, x, 422);
	}
	x->language = upload_field(r, "language");
	x->body = upload_field(r, "body");
	x->status = upload_field(r, "status");
	if (x->language == NULL || lang_from_code(x->language, &l) != 0) {
		x->language = lang_code(r->lang);
		field_error_add(&x->fe, "language", "%s", _("Choose one of the six languages."));
	}
	if (x->body != NULL && !utf8_valid(x->body, strlen(x->body)))
		x->body = NULL;
	if (x->body == NULL || x->body[strspn(x->body, " \t\r\n")] == '\0')
		field_error_add(&x->fe, "body", "%s", _("Write the summary."));
	else if (strlen(x->body) > SUMMARY_MAX_BODY_BYTES)
		field_error_add(&x->fe, "body", "%s", _("The summary is too long: at most 200,000 bytes."));
	else if (summary_citations_check(r->db, r->arena, c.id, x->body, &bad) != 0)
		field_error_add(&x->fe, "body", "%s", bad_citation(r, bad));
	if (!str_eq(x->status, "draft") && !str_eq(x->status, "published")) {
		x->status = "draft";
		field_error_add(&x->fe, "status", "%s", _("Choose draft or published."));
	} else if (str_eq(x->status, "published") && !may_publish(r)) {
		x->status = "draft";
		field_error_add(&x->fe, "status", "%s", _("Only the secretariat publishes a summary: save it as a draft."));
	}
	if (x->fe.n == 0 && !may_publish(r) && published_in(r, &c, x->language)) {
		field_error_add(&x->fe, "body", "%s", chair_over_published());
		return show(r, &c, x, 409);
	}
	if (x->fe.n > 0)
		return show(r, &c, x, 422);
	if ((s = r->state = arena_alloc(r->arena, sizeof(*s))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	s->consultation_id = c.id;
	s->slug = c.slug;
	s->language = x->language;
	s->body = x->body;
	s->status = x->status;
	s->account_id = r->account_id;
	s->address = r->client;
	s->draft_only = !may_publish(r);
	return request_write(r, summary_save_fn, s);
}
