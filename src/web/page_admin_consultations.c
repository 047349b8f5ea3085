/* page_admin_consultations.c: the secretariat's consultation pages: the list of every
 * consultation whatever its state (dates, responses, which languages its texts have), the
 * form that creates one (in its original language); the edit page is in
 * page_admin_consultation_edit.c. Access (ROLE_SECRETARIAT) and CSRF are checked
 * centrally; every form carries the token. Writes are the domain's closures, which audit. */
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "form_consultation.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

#define LIST_SHOWN 200

/* ---- the list ----------------------------------------------------------------------------- */

static void
translations(struct request *r, const struct consultation *c)
{
	struct buf *b = &r->out;

	H(b, "<ul class=\"translations\">");
	for (int l = 0; l < LANG_COUNT; l++) {
		enum translation t = consultation_translation(c, l);
		const char *cls = t == TRANSLATION_COMPLETE ? "t-complete"
				  : t == TRANSLATION_DRAFT  ? "t-draft"
				  : t == TRANSLATION_PARTIAL ? "t-partial" : "t-missing";
		const char *what = t == TRANSLATION_COMPLETE ? _("complete")
				   : t == TRANSLATION_DRAFT  ? _("draft")
				   : t == TRANSLATION_PARTIAL ? _("questions missing") : _("missing");
		H(b, "<li class=\"");
		html_attr(b, cls);
		H(b, "\">");
		html_text(b, lang_code(l));
		if (l == (int)c->original) {
			H(b, " <span class=\"original\">");
			html_text(b, _("original"));
			H(b, "</span>");
		} else if (t != TRANSLATION_COMPLETE) {
			H(b, " <span>");
			html_text(b, what);
			H(b, "</span>");
		}
		H(b, "</li>");
	}
	H(b, "</ul>");
}

int
page_admin_consultations(struct request *r)
{
	struct buf *b = &r->out;
	struct consultation *c = NULL;
	struct err e;
	int n = consultation_list_all(r->db, r->arena, LIST_SHOWN, &c, &e);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Consultations"));
	H(b, "<h1>");
	html_text(b, _("Consultations"));
	H(b, "</h1>\n<p><a class=\"button\" href=\"/admin/consultations/new\">");
	html_text(b, _("New consultation"));
	H(b, "</a> <a href=\"/admin/audit?action=consultation_edit\">");
	html_text(b, _("Recent edits in the audit log"));
	H(b, "</a></p>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("There is no consultation yet."));
		H(b, "</p>\n");
		goto end;
	}
	H(b, "<table class=\"consultations-admin\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Consultation"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("State"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Opens"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Closes"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Responses"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Translations"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Actions"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const char *title = mtext_pick(&c[i].title, r->lang, NULL);
		H(b, "<tr id=\"c-");
		html_attr(b, c[i].slug);
		H(b, "\"><td><a href=\"/admin/consultations/");
		html_url(b, c[i].slug);
		H(b, "/edit\">");
		html_text(b, title ? title : c[i].slug);
		H(b, "</a><br><code>");
		html_text(b, c[i].slug);
		H(b, "</code></td><td>");
		view_state(r, &c[i]);
		H(b, "</td><td>");
		view_date(r, c[i].opens_at);
		H(b, "</td><td>");
		view_date(r, c[i].closes_at);
		H(b, "</td><td>");
		html_text(b, arena_printf(r->arena, P_("%s published", "%s published",
						       (unsigned long)c[i].responses), view_num(r, c[i].responses)));
		H(b, "<br>");
		html_text(b, arena_printf(r->arena, P_("%s awaiting moderation", "%s awaiting moderation",
						       (unsigned long)c[i].pending), view_num(r, c[i].pending)));
		H(b, "</td><td>");
		translations(r, &c[i]);
		H(b, "</td><td><a href=\"/admin/consultations/");
		html_url(b, c[i].slug);
		H(b, "/edit\">");
		html_text(b, _("Edit"));
		H(b, "</a>\n");
		if (str_eq(c[i].state, "draft") || str_eq(c[i].state, "scheduled"))
			cform_action(r, c[i].slug, "open", _("Open now"));
		if (!str_eq(c[i].state, "closed")) {
			H(b, "<a href=\"/admin/consultations/");
			html_url(b, c[i].slug);
			H(b, "/edit#state\">");
			html_text(b, _("Extend"));
			H(b, "</a>\n");
		}
		if (str_eq(c[i].state, "open") || str_eq(c[i].state, "closed")) {
			/* responses that came by email or post (page_admin_enter.c decides if in time) */
			H(b, "<a href=\"/admin/consultations/");
			html_url(b, c[i].slug);
			H(b, "/responses/new\">");
			html_text(b, _("Enter a response"));
			H(b, "</a>\n");
		}
		if (str_eq(c[i].state, "open"))
			cform_action(r, c[i].slug, "close", _("Close…"));
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
end:
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

/* ---- new ---------------------------------------------------------------------------------- */

struct create {
	struct consultation_spec spec;
	struct field_errors fe;
	const char *slug, *opens_at, *closes_at, *original, *moderation, *title, *topic, *description;
	const char *q[CONSULTATION_MAX_QUESTIONS];
	int publish;
};

static int
new_form(struct request *r, const struct create *x, int status)
{
	static const struct create empty;
	const struct field_errors *fe = x ? &x->fe : NULL;
	struct buf *b = &r->out;
	char key[24];

	if (x == NULL)
		x = &empty;
	layout_begin(r, _("New consultation"));
	H(b, "<p class=\"meta\"><a href=\"/admin/consultations\">");
	html_text(b, _("Consultations"));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("New consultation"));
	H(b, "</h1>\n");
	cform_errors(r, fe);
	H(b, "<p>");
	html_text(b, _("Write it in its original language. Translations into the other languages are "
		       "added on its page once it is created."));
	H(b, "</p>\n<form class=\"consultation-edit\" method=\"post\" action=\"/admin/consultations/new\">\n");
	csrf_input(r);
	H(b, "<fieldset>\n<legend>");
	html_text(b, _("The consultation"));
	H(b, "</legend>\n");
	cform_input(r, fe, "slug", "slug", _("Address (slug)"), x->slug, 64, -1,
	      _("1 to 64 of a-z, 0-9 and -, not starting or ending with -. It cannot change later."));
	cform_input(r, fe, "opens_at", "opens_at", _("Opens at"), x->opens_at, 40, -1, TIME_HINT);
	cform_input(r, fe, "closes_at", "closes_at", _("Closes at"), x->closes_at, 40, -1, TIME_HINT);
	cform_select_language(r, fe, x->original ? x->original : lang_code(r->lang));
	cform_select_moderation(r, fe, x->moderation);
	H(b, "<div class=\"field\"><label><input type=\"checkbox\" name=\"publish\" value=\"1\"");
	if (x->publish)
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("Publish it now: it is shown as upcoming and opens at its opening time. "
		       "Otherwise it stays a draft, seen only by the secretariat."));
	H(b, "</label></div>\n</fieldset>\n<fieldset>\n<legend>");
	html_text(b, _("Texts in the original language"));
	H(b, "</legend>\n");
	cform_input(r, fe, "title", "title", _("Title"), x->title, CONSULTATION_MAX_TITLE_CHARS, -1, NULL);
	cform_textarea(r, fe, "topic", "topic", _("Topic (one or two sentences)"), x->topic, 3, -1, NULL);
	cform_textarea(r, fe, "description", "description", _("Description (Markdown)"), x->description, 10, -1,
		 NULL);
	cform_hint(r, _("Questions: 1 to 10. Empty ones are left out; the others are numbered in order."));
	for (int i = 0; i < CONSULTATION_MAX_QUESTIONS; i++) {
		snprintf(key, sizeof(key), "q%d", i + 1);
		cform_textarea(r, fe, key, key, arena_printf(r->arena, _("Question %d"), i + 1), x->q[i], 2, -1, NULL);
	}
	H(b, "</fieldset>\n<p><button type=\"submit\">");
	html_text(b, _("Create"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_admin_consultation_new(struct request *r)
{
	return new_form(r, NULL, 200);
}

int
page_admin_consultation_create(struct request *r)
{
	struct create *x = r->state;
	struct consultation existing;
	struct err e;
	enum lang l = LANG_EN;
	int ok_times = 1;
	char key[24];

	if (r->write_queued) {
		if (r->write_rc == 0)
			return reply_redirect(r, 303, arena_printf(r->arena, "/admin/consultations/%s/edit",
								   x->spec.slug));
		if (r->write_err.kind == ERR_CONFLICT && str_eq(r->write_err.field, "slug")) {
			field_error_add(&x->fe, "slug", "%s", _("A consultation has this address already."));
			return new_form(r, x, 409);
		}
		return reply_err(r, &r->write_err);
	}
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	x->slug = upload_field(r, "slug");
	if (x->slug == NULL || !slug_valid(x->slug))
		field_error_add(&x->fe, "slug", "%s", _("Use 1 to 64 of a-z, 0-9 and -, not starting or ending with -."));
	else if (consultation_get_brief(r->db, r->arena, x->slug, &existing, &e) == 0)
		field_error_add(&x->fe, "slug", "%s", _("A consultation has this address already."));
	ok_times &= cform_time_field(r, &x->fe, "opens_at", &x->opens_at, &x->spec.opens_at) == 0;
	ok_times &= cform_time_field(r, &x->fe, "closes_at", &x->closes_at, &x->spec.closes_at) == 0;
	if (ok_times && x->spec.closes_at <= x->spec.opens_at)
		field_error_add(&x->fe, "closes_at", "%s", _("It must close after it opens."));
	x->original = upload_field(r, "original_language");
	if (x->original == NULL || lang_from_code(x->original, &l) != 0)
		field_error_add(&x->fe, "original_language", "%s", _("Choose one of the six languages."));
	x->moderation = upload_field(r, "moderation");
	if (!str_eq(x->moderation, "post") && !str_eq(x->moderation, "pre"))
		field_error_add(&x->fe, "moderation", "%s", _("Choose how responses are published."));
	x->publish = upload_field(r, "publish") != NULL;
	x->title = cform_text_field(r, &x->fe, "title", "title", CONSULTATION_MAX_TITLE_CHARS, 1);
	x->topic = cform_text_field(r, &x->fe, "topic", "topic", CONSULTATION_MAX_TOPIC_CHARS, 0);
	x->description = cform_text_field(r, &x->fe, "description", "description", CONSULTATION_MAX_DESCRIPTION_CHARS, 0);
	for (int i = 0; i < CONSULTATION_MAX_QUESTIONS; i++) {
		snprintf(key, sizeof(key), "q%d", i + 1);
		if ((x->q[i] = cform_text_field(r, &x->fe, key, key, CONSULTATION_MAX_QUESTION_CHARS, 0)) != NULL &&
		    field_error_for(&x->fe, key) == NULL)
			x->spec.question[x->spec.nquestions++][l] = x->q[i];
	}
	if (x->spec.nquestions == 0 && field_error_for(&x->fe, "q1") == NULL)
		field_error_add(&x->fe, "q1", "%s", _("Give at least one question."));
	if (x->fe.n > 0)
		return new_form(r, x, 422);
	x->spec.slug = x->slug;
	x->spec.original = l;
	x->spec.moderation = x->moderation;
	x->spec.meeting = "";
	x->spec.publish = x->publish;
	x->spec.title[l] = x->title;
	x->spec.topic[l] = x->topic;
	x->spec.description[l] = x->description;
	x->spec.account_id = r->account_id;	/* audited in the closure */
	x->spec.address = r->client;
	return request_write(r, consultation_create_fn, &x->spec);
}

