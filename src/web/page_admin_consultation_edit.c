/* page_admin_consultation_edit.c: the edit page of one consultation: its times, original
 * language, moderation and the order of its questions (add, remove, reorder) before it opens,
 * and the texts of each language with their status, one form per language, in any state (the
 * numbering of the questions stays once it has opened); with the open, extend and close forms.
 * Each save is one closure of consultation_edit.c, which audits what changed. */
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "form_consultation.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "route.h"
#include "reply.h"
#include "upload.h"
#include "view.h"
#include "view_translations.h"

int
admin_consultation_load(struct request *r, struct cform *f, const char *slug)
{
	struct err e;

	if (consultation_get_admin(r->db, r->arena, slug, &f->c, &e) == 0)
		return 0;
	if (e.kind == ERR_NOTFOUND)
		reply_error(r, 404, _("There is no consultation at this address."));
	else
		reply_err(r, &e);
	return -1;
}

static int
opened(const struct consultation *c)
{
	return str_eq(c->state, "open") || str_eq(c->state, "closed");
}

/* Times, original language, moderation and the questions' order: before it opens only. */
static void
general_form(struct request *r, struct cform *f)
{
	const struct consultation *c = &f->c;
	const int mine = str_eq(f->part, "general");
	const struct field_errors *fe = mine ? &f->fe : NULL;
	struct buf *b = &r->out;
	char key[32], name[32];

	H(b, "<h2 id=\"general\">");
	html_text(b, _("Times, language and questions"));
	H(b, "</h2>\n");
	if (opened(c)) {
		H(b, "<p class=\"notice\">");
		html_text(b, _("It has opened: the numbering of its questions is frozen, so questions can no "
			       "longer be added, removed or reordered. Their texts and translations can still "
			       "be edited below; its closing time changes with Extend or Close."));
		H(b, "</p>\n");
		return;
	}
	H(b, "<form class=\"consultation-edit\" method=\"post\" action=\"/admin/consultations/");
	html_url(b, c->slug);
	H(b, "/edit\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"part\" value=\"general\">\n");
	cform_input(r, fe, "opens_at", "opens_at", _("Opens at"), mine ? f->opens_at : cform_time_value(r, c->opens_at),
	      40, -1, TIME_HINT);
	cform_input(r, fe, "closes_at", "closes_at", _("Closes at"),
	      mine ? f->closes_at : cform_time_value(r, c->closes_at), 40, -1, TIME_HINT);
	cform_select_language(r, fe, mine ? f->original : lang_code(c->original));
	cform_select_moderation(r, fe, mine ? f->moderation : c->moderation);
	H(b, "<fieldset id=\"f-questions\">\n<legend>");
	html_text(b, _("Questions"));
	H(b, "</legend>\n");
	if (fe != NULL && cform_error_of(fe, "questions") != NULL) {
		H(b, "<p class=\"error\" role=\"alert\" id=\"err-questions\">");
		html_text(b, cform_error_of(fe, "questions"));
		H(b, "</p>\n");
	}
	cform_hint(r, _("Until it opens, questions can be reordered (give each its new position), removed, "
		  "or added at the end (in the original language; translate it below after saving)."));
	H(b, "<ol class=\"questions-order\">\n");
	for (int i = 0; i < c->nquestions; i++) {
		const char *text = mtext_pick(&c->question[i], c->original, NULL);
		snprintf(key, sizeof(key), "pos%d", i + 1);
		H(b, "<li><p>");
		html_text(b, text ? text : "");
		H(b, "</p><label for=\"f-");
		html_attr(b, key);
		H(b, "\">");
		html_text(b, _("Position"));
		H(b, "</label>\n");
		if (cform_error_of(fe, key) != NULL) {
			H(b, "<p class=\"error\" role=\"alert\" id=\"err-");
			html_attr(b, key);
			H(b, "\">");
			html_text(b, cform_error_of(fe, key));
			H(b, "</p>\n");
		}
		H(b, "<input type=\"number\" min=\"1\" max=\"99\" class=\"position\"");
		cform_ident(r, fe, key, key);
		H(b, " value=\"");
		if (mine && f->pos[i] != NULL)
			html_attr(b, f->pos[i]);
		else
			html_int(b, i + 1);
		H(b, "\"> <label><input type=\"checkbox\" value=\"1\"");
		snprintf(name, sizeof(name), "remove%d", i + 1);
		H(b, " name=\"");
		html_attr(b, name);
		H(b, "\"");
		if (mine && f->removed[i])
			H(b, " checked");
		H(b, "> ");
		html_text(b, _("Remove"));
		H(b, "</label></li>\n");
	}
	H(b, "</ol>\n");
	if (c->nquestions < CONSULTATION_MAX_QUESTIONS)
		cform_textarea(r, fe, "new_question", "new_question", _("Add a question (original language)"),
			 mine ? f->new_question : NULL, 2, c->original, NULL);
	H(b, "</fieldset>\n<p><button type=\"submit\">");
	html_text(b, _("Save"));
	H(b, "</button></p>\n</form>\n");
}

static const char *
status_label(const char *status)
{
	if (str_eq(status, "original"))
		return _("Original");
	if (str_eq(status, "official"))
		return _("Official translation");
	if (str_eq(status, "draft"))
		return _("Draft translation (not shown to the public)");
	return _("Not translated");
}

/* The texts of one language, with their status. */
static void
language_form(struct request *r, struct cform *f, enum lang l)
{
	const struct consultation *c = &f->c;
	const char *code = lang_code(l);
	const int mine = str_eq(f->part, code), original = l == c->original;
	const struct field_errors *fe = mine ? &f->fe : NULL;
	struct buf *b = &r->out;
	char key[32], name[24];

	H(b, "<section class=\"language\" id=\"lang-");
	html_attr(b, code);
	H(b, "\">\n<h2>");
	html_text(b, lang_native_name(l));
	H(b, " <span class=\"text-status\">(");
	html_text(b, status_label(original ? "original" : c->text_status[l]));
	H(b, ")</span></h2>\n<form class=\"consultation-edit\" method=\"post\" action=\"/admin/consultations/");
	html_url(b, c->slug);
	H(b, "/edit#lang-");
	html_url(b, code);
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"part\" value=\"");
	html_attr(b, code);
	H(b, "\">\n");
	if (!original) {
		const char *cur = mine ? f->status : c->text_status[l];
		snprintf(key, sizeof(key), "%s-status", code);
		H(b, "<div class=\"field\">\n");
		cform_label(r, fe, key, _("Status"));
		H(b, "<select");
		cform_ident(r, fe, key, "status");
		H(b, ">");
		cform_option(r, "official", _("Official translation"), cur ? cur : "official");
		cform_option(r, "draft", _("Draft translation (not shown to the public)"), cur ? cur : "official");
		H(b, "</select>\n</div>\n");
	}
	snprintf(key, sizeof(key), "%s-title", code);
	cform_input(r, fe, key, "title", _("Title"), mine ? f->title : c->title.body[l], CONSULTATION_MAX_TITLE_CHARS,
	      l, original ? NULL : _("Leave every field empty to remove this language."));
	snprintf(key, sizeof(key), "%s-topic", code);
	cform_textarea(r, fe, key, "topic", _("Topic (one or two sentences)"), mine ? f->topic : c->topic.body[l], 2,
		 l, NULL);
	snprintf(key, sizeof(key), "%s-description", code);
	cform_textarea(r, fe, key, "description", _("Description (Markdown)"),
		 mine ? f->description : c->description.body[l], 8, l, NULL);
	for (int i = 0; i < c->nquestions; i++) {
		snprintf(key, sizeof(key), "%s-q%d", code, i + 1);
		snprintf(name, sizeof(name), "q%d", i + 1);
		cform_textarea(r, fe, key, name, arena_printf(r->arena, _("Question %d"), i + 1),
			 mine ? f->q[i] : c->question[i].body[l], 3, l, NULL);
	}
	H(b, "<p><button type=\"submit\">");
	html_text(b, arena_printf(r->arena, _("Save the texts in %s"), lang_native_name(l)));
	H(b, "</button></p>\n</form>\n</section>\n");
}

/* Beside the open form, and once it has opened: the languages still lacking some text.
 * Opening is never blocked by it; the secretariat decides. */
static void
missing_notice(struct request *r, const struct consultation *c)
{
	const char *missing = view_translations_missing(r, c);
	struct buf *b = &r->out;

	if (missing == NULL || str_eq(c->state, "closed"))
		return;
	H(b, "<p class=\"notice\" role=\"status\">");
	/* TRANSLATORS: %s lists languages by their own names ("中文, Русский") */
	html_text(b, arena_printf(r->arena, str_eq(c->state, "open")
		? _("It is open while these languages still lack some of its texts: %s.")
		: _("These languages still lack some of its texts: %s. Opening is not blocked: the "
		    "round opens with the texts it has, and the public reads the original where a "
		    "language is missing."), missing));
	H(b, " <a href=\"#translations\">");
	html_text(b, _("See the translations"));
	H(b, "</a></p>\n");
}

/* Open, extend, close: what the state allows. */
static void
state_forms(struct request *r, struct cform *f)
{
	const struct consultation *c = &f->c;
	struct buf *b = &r->out;
	const struct field_errors *fe;

	H(b, "<h2 id=\"state\">");
	html_text(b, _("Opening and closing"));
	H(b, "</h2>\n");
	if (str_eq(c->state, "draft") || str_eq(c->state, "scheduled")) {
		fe = str_eq(f->part, "open") ? &f->fe : NULL;
		H(b, "<form class=\"consultation-state\" method=\"post\" action=\"/admin/consultations/");
		html_url(b, c->slug);
		H(b, "/open\">\n");
		csrf_input(r);
		cform_input(r, fe, "at", "at", _("Open at (empty: now)"), fe ? f->at : NULL, 40, -1, TIME_HINT);
		H(b, "<p><button type=\"submit\">");
		html_text(b, str_eq(c->state, "draft") ? _("Publish or open") : _("Open"));
		H(b, "</button></p>\n</form>\n");
	}
	missing_notice(r, c);
	if (!str_eq(c->state, "closed")) {
		fe = str_eq(f->part, "extend") ? &f->fe : NULL;
		H(b, "<form class=\"consultation-state\" method=\"post\" action=\"/admin/consultations/");
		html_url(b, c->slug);
		H(b, "/extend\">\n");
		csrf_input(r);
		cform_input(r, fe, "until", "until", _("New closing time"), fe ? f->until : NULL, 40, -1, TIME_HINT);
		H(b, "<p><button type=\"submit\">");
		html_text(b, _("Extend"));
		H(b, "</button></p>\n</form>\n");
	} else {
		H(b, "<p>");
		html_text(b, _("It is closed. Closing is final."));
		H(b, "</p>\n");
	}
	if (str_eq(c->state, "open"))
		cform_action(r, c->slug, "close", _("Close it now…"));
}

/* One language's texts at a time, so the page keeps within its weight (docs/WEB.md) whatever
 * the length of six descriptions: the one a refused form was in, else ?text=, else the
 * original; links lead to the others, each with its status. */
static enum lang
text_shown(struct request *r, struct cform *f)
{
	const struct consultation *c = &f->c;
	const char *asked = str_eq(r->route->name, "admin_consultation_edit") ? r->param[2] : NULL;
	enum lang shown = c->original;
	struct buf *b = &r->out;

	if (f->part == NULL || lang_from_code(f->part, &shown) != 0)
		if (asked == NULL || lang_from_code(asked, &shown) != 0)
			shown = c->original;
	H(b, "<nav class=\"pages\" aria-label=\"");
	html_attr(b, _("Texts in each language"));
	H(b, "\"><p>");
	for (int l = 0; l < LANG_COUNT; l++) {
		H(b, "<a href=\"/admin/consultations/");
		html_url(b, c->slug);
		H(b, "/edit?text=");
		html_raw_trusted(b, lang_code(l));
		H(b, "#lang-");
		html_raw_trusted(b, lang_code(l));
		H(b, "\"");
		if ((enum lang)l == shown)
			H(b, " aria-current=\"page\"");
		H(b, " lang=\"");
		html_raw_trusted(b, lang_code(l));
		H(b, "\">");
		html_text(b, lang_native_name(l));
		H(b, "</a> <span class=\"text-status\">(");
		html_text(b, status_label(l == (int)c->original ? "original" : c->text_status[l]));
		H(b, ")</span>");
	}
	H(b, "</p></nav>\n");
	return shown;
}

int
admin_consultation_page(struct request *r, struct cform *f, int status)
{
	const struct consultation *c = &f->c;
	const char *title = mtext_pick(&c->title, r->lang, NULL);
	struct buf *b = &r->out;

	layout_begin(r, title ? title : c->slug);
	H(b, "<p class=\"meta\"><a href=\"/admin/consultations\">");
	html_text(b, _("Consultations"));
	H(b, "</a></p>\n<h1>");
	html_text(b, title ? title : c->slug);
	H(b, "</h1>\n");
	cform_errors(r, &f->fe);
	H(b, "<dl class=\"respondent\">\n");
	view_row(r, 1, _("Address (slug)"), c->slug);
	H(b, "<dt>");
	html_text(b, _("State"));
	H(b, "</dt><dd>");
	view_state(r, c);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Opens"));
	H(b, "</dt><dd>");
	view_time(r, c->opens_at);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Closes"));
	H(b, "</dt><dd>");
	view_time(r, c->closes_at);
	H(b, "</dd>\n");
	view_row(r, 1, _("Original language"), lang_native_name(c->original));
	view_row(r, 1, _("Responses"),
		 arena_printf(r->arena, _("%s published, %s awaiting moderation"), view_num(r, c->responses),
			      view_num(r, c->pending)));
	H(b, "</dl>\n");
	if (!str_eq(c->state, "draft")) {
		H(b, "<p><a href=\"/consultations/");
		html_url(b, c->slug);
		H(b, "\">");
		html_text(b, _("Its public page"));
		H(b, "</a></p>\n");
	}
	view_translations_matrix(r, c);	/* languages (issue 9) */
	state_forms(r, f);
	general_form(r, f);
	language_form(r, f, text_shown(r, f));
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
admin_consultation_refused(struct request *r, struct cform *f, const struct err *e)
{
	const char *key = e->field;

	if (e->kind != ERR_INVALID && e->kind != ERR_CONFLICT && e->kind != ERR_NOTFOUND)
		return reply_err(r, e);
	if (e->kind == ERR_NOTFOUND)
		return reply_error(r, 404, _("There is no consultation at this address."));
	if (admin_consultation_load(r, f, f->ed.slug ? f->ed.slug : f->ch.slug) != 0)
		return HANDLER_DONE;
	if (key[0] != '\0' && f->part != NULL && lang_from_code(f->part, &(enum lang){ 0 }) == 0)
		key = arena_printf(r->arena, "%s-%s", f->part, e->field);
	field_error_add(&f->fe, key ? key : "", "%s", e->msg);
	return admin_consultation_page(r, f, e->kind == ERR_CONFLICT ? 409 : 422);
}

int
page_admin_consultation_edit(struct request *r)
{
	struct cform *f = arena_alloc(r->arena, sizeof(*f));

	if (f == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (admin_consultation_load(r, f, r->param[1]) != 0)
		return HANDLER_DONE;
	return admin_consultation_page(r, f, 200);
}

/* The general part from the form: times, language, moderation, the kept questions in their
 * new positions (ties keep the old order), one new question. */
static void
read_general(struct request *r, struct cform *f)
{
	struct consultation_edit *ed = &f->ed;
	int order[CONSULTATION_MAX_QUESTIONS], pos[CONSULTATION_MAX_QUESTIONS], n = 0;
	char key[32];

	ed->part = EDIT_GENERAL;
	cform_time_field(r, &f->fe, "opens_at", &f->opens_at, &ed->opens_at);
	cform_time_field(r, &f->fe, "closes_at", &f->closes_at, &ed->closes_at);
	f->original = upload_field(r, "original_language");
	if (f->original == NULL || lang_from_code(f->original, &ed->original) != 0)
		field_error_add(&f->fe, "original_language", "%s", _("Choose one of the six languages."));
	f->moderation = ed->moderation = upload_field(r, "moderation");
	for (int i = 0; i < f->c.nquestions; i++) {
		const char *v;
		char *end;
		long p;
		snprintf(key, sizeof(key), "remove%d", i + 1);
		f->removed[i] = upload_field(r, key) != NULL;
		snprintf(key, sizeof(key), "pos%d", i + 1);
		v = f->pos[i] = upload_field(r, key);
		p = v != NULL ? strtol(v, &end, 10) : i + 1;
		if (v != NULL && (v[0] == '\0' || *end != '\0' || p < 1 || p > 99)) {
			field_error_add(&f->fe, key, "%s", _("Give a position from 1 to 99."));
			continue;
		}
		if (f->removed[i])
			continue;
		/* insertion by position, stable */
		int k = n++;
		for (; k > 0 && pos[k - 1] > p; k--) {
			pos[k] = pos[k - 1];
			order[k] = order[k - 1];
		}
		pos[k] = (int)p;
		order[k] = i + 1;
	}
	ed->nquestions = n;
	memcpy(ed->from, order, sizeof(int) * (size_t)n);
	f->new_question = cform_text_field(r, &f->fe, "new_question", "new_question", CONSULTATION_MAX_QUESTION_CHARS, 0);
	ed->new_question = field_error_for(&f->fe, "new_question") ? NULL : f->new_question;
	if (ed->nquestions + (ed->new_question != NULL) == 0)
		field_error_add(&f->fe, "questions", "%s", _("Keep at least one question."));
}

/* One language's texts from the form. */
static void
read_language(struct request *r, struct cform *f, enum lang l)
{
	struct consultation_edit *ed = &f->ed;
	const char *code = lang_code(l);
	int original = l == f->c.original;
	char key[32], name[24];

	ed->part = EDIT_LANGUAGE;
	ed->lang = l;
	f->status = ed->status = original ? "original" : upload_field(r, "status");
	if (!original && !str_eq(ed->status, "official") && !str_eq(ed->status, "draft"))
		field_error_add(&f->fe, arena_printf(r->arena, "%s-status", code), "%s",
				_("Choose official translation or draft."));
	snprintf(key, sizeof(key), "%s-title", code);
	f->title = ed->title = cform_text_field(r, &f->fe, "title", key, CONSULTATION_MAX_TITLE_CHARS, original);
	snprintf(key, sizeof(key), "%s-topic", code);
	f->topic = ed->topic = cform_text_field(r, &f->fe, "topic", key, CONSULTATION_MAX_TOPIC_CHARS, 0);
	snprintf(key, sizeof(key), "%s-description", code);
	f->description = ed->description =
	    cform_text_field(r, &f->fe, "description", key, CONSULTATION_MAX_DESCRIPTION_CHARS, 0);
	for (int i = 0; i < f->c.nquestions; i++) {
		snprintf(key, sizeof(key), "%s-q%d", code, i + 1);
		snprintf(name, sizeof(name), "q%d", i + 1);
		f->q[i] = ed->question[i] = cform_text_field(r, &f->fe, name, key, CONSULTATION_MAX_QUESTION_CHARS, original);
	}
}

int
page_admin_consultation_save(struct request *r)
{
	struct cform *f = r->state;
	enum lang l;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return admin_consultation_refused(r, f, &r->write_err);
		return reply_redirect(r, 303,
				      f->ed.part == EDIT_GENERAL
					  ? arena_printf(r->arena, "/admin/consultations/%s/edit#general", f->ed.slug)
					  : arena_printf(r->arena, "/admin/consultations/%s/edit?text=%s#lang-%s", f->ed.slug,
							 lang_code(f->ed.lang), lang_code(f->ed.lang)));
	}
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (admin_consultation_load(r, f, r->param[1]) != 0)
		return HANDLER_DONE;
	f->part = upload_field(r, "part");
	f->ed.slug = f->c.slug;
	f->ed.account_id = r->account_id;	/* audited in the closure */
	f->ed.address = r->client;
	if (str_eq(f->part, "general")) {
		if (opened(&f->c)) {
			field_error_add(&f->fe, "", "%s", _("It has opened: its times, language and the numbering "
							    "of its questions can no longer change."));
			return admin_consultation_page(r, f, 409);
		}
		read_general(r, f);
	} else if (f->part != NULL && lang_from_code(f->part, &l) == 0) {
		read_language(r, f, l);
	} else {
		field_error_add(&f->fe, "", "%s", _("Send the form as it is on the page."));
		return admin_consultation_page(r, f, 422);
	}
	if (f->fe.n > 0)
		return admin_consultation_page(r, f, 422);
	return request_write(r, consultation_edit_fn, &f->ed);
}

