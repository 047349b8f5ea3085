/* page_admin_consultations.c: the secretariat's consultation pages: the list of every
 * consultation whatever its state (dates, responses, which languages its texts have), the
 * form that creates one (in its original language), and the edit page (times, original
 * language, moderation and the questions' order before it opens; the texts of each language,
 * one form per language, in any state). Access (ROLE_SECRETARIAT) and CSRF are checked
 * centrally; every form carries the token. Writes are the domain's closures, which audit. */
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "page_admin_consultations.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

#define LIST_SHOWN 200

/* ---- form pieces: a label, the error next to the field, the field ------------------------- */

static const char *
error_of(const struct field_errors *fe, const char *key)
{
	return fe != NULL ? field_error_for(fe, key) : NULL;
}

/* <label>, then the error (role=alert) when there is one. */
static void
label(struct request *r, const struct field_errors *fe, const char *key, const char *text)
{
	struct buf *b = &r->out;
	const char *msg = error_of(fe, key);

	H(b, "<label for=\"f-");
	html_attr(b, key);
	H(b, "\">");
	html_text(b, text);
	H(b, "</label>\n");
	if (msg != NULL) {
		H(b, "<p class=\"error\" role=\"alert\" id=\"err-");
		html_attr(b, key);
		H(b, "\">");
		html_text(b, msg);
		H(b, "</p>\n");
	}
}

/* id, name and, when in error, aria-invalid and aria-describedby. */
static void
ident(struct request *r, const struct field_errors *fe, const char *key, const char *name)
{
	struct buf *b = &r->out;

	H(b, " id=\"f-");
	html_attr(b, key);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\"");
	if (error_of(fe, key) != NULL) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-");
		html_attr(b, key);
		H(b, "\"");
	}
}

/* The lang and dir of a text in language l. */
static void
lang_attrs(struct request *r, enum lang l)
{
	H(&r->out, " lang=\"");
	html_attr(&r->out, lang_code(l));
	H(&r->out, "\" dir=\"");
	html_attr(&r->out, lang_is_rtl(l) ? "rtl" : "ltr");
	H(&r->out, "\"");
}

static void
hint(struct request *r, const char *text)
{
	if (text == NULL)
		return;
	H(&r->out, "<p class=\"hint\">");
	html_text(&r->out, text);
	H(&r->out, "</p>\n");
}

static void
input(struct request *r, const struct field_errors *fe, const char *key, const char *name,
      const char *text, const char *value, int maxlength, int l, const char *help)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	label(r, fe, key, text);
	hint(r, help);
	H(b, "<input type=\"text\"");
	ident(r, fe, key, name);
	if (l >= 0)
		lang_attrs(r, (enum lang)l);
	H(b, " maxlength=\"");
	html_int(b, maxlength);
	H(b, "\" value=\"");
	html_attr(b, value ? value : "");
	H(b, "\">\n</div>\n");
}

static void
textarea(struct request *r, const struct field_errors *fe, const char *key, const char *name,
	 const char *text, const char *value, int rows, int l, const char *help)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	label(r, fe, key, text);
	hint(r, help);
	H(b, "<textarea");
	ident(r, fe, key, name);
	if (l >= 0)
		lang_attrs(r, (enum lang)l);
	H(b, " rows=\"");
	html_int(b, rows);
	H(b, "\">");
	html_text(b, value ? value : "");
	H(b, "</textarea>\n</div>\n");
}

static void
option(struct request *r, const char *value, const char *text, const char *current)
{
	H(&r->out, "<option value=\"");
	html_attr(&r->out, value);
	H(&r->out, "\"");
	if (str_eq(value, current))
		H(&r->out, " selected");
	H(&r->out, ">");
	html_text(&r->out, text);
	H(&r->out, "</option>");
}

static void
select_language(struct request *r, const struct field_errors *fe, const char *current)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	label(r, fe, "original_language", _("Original language"));
	H(b, "<select");
	ident(r, fe, "original_language", "original_language");
	H(b, ">");
	for (int l = 0; l < LANG_COUNT; l++)
		option(r, lang_code(l), lang_native_name(l), current);
	H(b, "</select>\n</div>\n");
}

static void
select_moderation(struct request *r, const struct field_errors *fe, const char *current)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	label(r, fe, "moderation", _("Moderation"));
	H(b, "<select");
	ident(r, fe, "moderation", "moderation");
	H(b, ">");
	option(r, "post", _("Published at once (may be withheld later)"), current);
	option(r, "pre", _("Published when the secretariat decides"), current);
	H(b, "</select>\n</div>\n");
}

static const char *
time_value(struct request *r, int64_t t)
{
	char *s = arena_alloc(r->arena, TIME_RFC3339_LEN);

	if (s != NULL)
		time_format_rfc3339(t, s);
	return s;
}

#define TIME_HINT _("In UTC, as 2027-01-31T12:00:00Z, or with an offset: 2027-01-31T13:00:00+01:00 " \
		    "is noon in Geneva in winter.")

static void
error_summary(struct request *r, const struct field_errors *fe)
{
	struct buf *b = &r->out;

	if (fe == NULL || fe->n == 0)
		return;
	H(b, "<div class=\"error-summary\" role=\"alert\">\n<h2>");
	html_text(b, _("Please correct the following:"));
	H(b, "</h2>\n<ul>\n");
	for (int i = 0; i < fe->n; i++) {
		H(b, "<li>");
		if (fe->e[i].field[0]) {
			H(b, "<a href=\"#f-");
			html_attr(b, fe->e[i].field);
			H(b, "\">");
			html_text(b, fe->e[i].msg);
			H(b, "</a>");
		} else {
			html_text(b, fe->e[i].msg);
		}
		H(b, "</li>\n");
	}
	H(b, "</ul>\n</div>\n");
}

/* A small form posting to /admin/consultations/{slug}/{what}. */
static void
action_form(struct request *r, const char *slug, const char *what, const char *button)
{
	struct buf *b = &r->out;

	H(b, "<form class=\"decision\" method=\"post\" action=\"/admin/consultations/");
	html_url(b, slug);
	H(b, "/");
	html_url(b, what);
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<button type=\"submit\">");
	html_text(b, button);
	H(b, "</button></form>\n");
}

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
	H(b, "<p class=\"meta\"><a href=\"/admin/moderation\">");
	html_text(b, _("Moderation"));
	H(b, "</a> · <a href=\"/admin/audit?action=consultation_edit\">");
	html_text(b, _("Audit log"));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Consultations"));
	H(b, "</h1>\n<p><a class=\"button\" href=\"/admin/consultations/new\">");
	html_text(b, _("New consultation"));
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
		html_text(b, arena_printf(r->arena, P_("%lld published", "%lld published",
						       (unsigned long)c[i].responses), (long long)c[i].responses));
		H(b, "<br>");
		html_text(b, arena_printf(r->arena, P_("%lld awaiting moderation", "%lld awaiting moderation",
						       (unsigned long)c[i].pending), (long long)c[i].pending));
		H(b, "</td><td>");
		translations(r, &c[i]);
		H(b, "</td><td><a href=\"/admin/consultations/");
		html_url(b, c[i].slug);
		H(b, "/edit\">");
		html_text(b, _("Edit"));
		H(b, "</a>\n");
		if (str_eq(c[i].state, "draft") || str_eq(c[i].state, "scheduled"))
			action_form(r, c[i].slug, "open", _("Open now"));
		if (!str_eq(c[i].state, "closed")) {
			H(b, "<a href=\"/admin/consultations/");
			html_url(b, c[i].slug);
			H(b, "/edit#state\">");
			html_text(b, _("Extend"));
			H(b, "</a>\n");
		}
		if (str_eq(c[i].state, "open"))
			action_form(r, c[i].slug, "close", _("Close…"));
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
	error_summary(r, fe);
	H(b, "<p>");
	html_text(b, _("Write it in its original language. Translations into the other languages are "
		       "added on its page once it is created."));
	H(b, "</p>\n<form class=\"consultation-edit\" method=\"post\" action=\"/admin/consultations/new\">\n");
	csrf_input(r);
	H(b, "<fieldset>\n<legend>");
	html_text(b, _("The consultation"));
	H(b, "</legend>\n");
	input(r, fe, "slug", "slug", _("Address (slug)"), x->slug, 64, -1,
	      _("1 to 64 of a-z, 0-9 and -, not starting or ending with -. It cannot change later."));
	input(r, fe, "opens_at", "opens_at", _("Opens at"), x->opens_at, 40, -1, TIME_HINT);
	input(r, fe, "closes_at", "closes_at", _("Closes at"), x->closes_at, 40, -1, TIME_HINT);
	select_language(r, fe, x->original ? x->original : lang_code(r->lang));
	select_moderation(r, fe, x->moderation);
	H(b, "<div class=\"field\"><label><input type=\"checkbox\" name=\"publish\" value=\"1\"");
	if (x->publish)
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("Publish it now: it is shown as upcoming and opens at its opening time. "
		       "Otherwise it stays a draft, seen only by the secretariat."));
	H(b, "</label></div>\n</fieldset>\n<fieldset>\n<legend>");
	html_text(b, _("Texts in the original language"));
	H(b, "</legend>\n");
	input(r, fe, "title", "title", _("Title"), x->title, CONSULTATION_MAX_TITLE_CHARS, -1, NULL);
	textarea(r, fe, "topic", "topic", _("Topic (one or two sentences)"), x->topic, 3, -1, NULL);
	textarea(r, fe, "description", "description", _("Description (Markdown)"), x->description, 10, -1,
		 NULL);
	hint(r, _("Questions: 1 to 10. Empty ones are left out; the others are numbered in order."));
	for (int i = 0; i < CONSULTATION_MAX_QUESTIONS; i++) {
		snprintf(key, sizeof(key), "q%d", i + 1);
		textarea(r, fe, key, key, arena_printf(r->arena, _("Question %d"), i + 1), x->q[i], 2, -1, NULL);
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

/* A form value checked for text and length; the error goes under key. NULL when blank. */
static const char *
text_field(struct request *r, struct field_errors *fe, const char *name, const char *key, size_t max,
	   int required)
{
	const char *v = upload_field(r, name);
	struct err e;

	if (consultation_text_check(v, max, required, key, &e) != 0) {
		if (strstr(e.msg, "required"))
			field_error_add(fe, key, "%s", _("This is required."));
		else if (strstr(e.msg, "longer"))
			field_error_add(fe, key, _("This is longer than %zu characters."), max);
		else
			field_error_add(fe, key, "%s", _("This is not valid text."));
		return v;
	}
	return v == NULL || v[strspn(v, " \t\r\n")] == '\0' ? NULL : v;
}

/* A time field: RFC 3339; the error goes under key. */
static int
time_field(struct request *r, struct field_errors *fe, const char *key, const char **raw, int64_t *t)
{
	*raw = upload_field(r, key);
	if (*raw == NULL || (*raw)[0] == '\0') {
		field_error_add(fe, key, "%s", _("Give a date and time."));
		return -1;
	}
	if (time_parse_rfc3339(*raw, t) != 0) {
		field_error_add(fe, key, "%s", _("Write the time as 2027-01-31T12:00:00Z (UTC) or with an "
						 "offset such as +01:00."));
		return -1;
	}
	return 0;
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
	ok_times &= time_field(r, &x->fe, "opens_at", &x->opens_at, &x->spec.opens_at) == 0;
	ok_times &= time_field(r, &x->fe, "closes_at", &x->closes_at, &x->spec.closes_at) == 0;
	if (ok_times && x->spec.closes_at <= x->spec.opens_at)
		field_error_add(&x->fe, "closes_at", "%s", _("It must close after it opens."));
	x->original = upload_field(r, "original_language");
	if (x->original == NULL || lang_from_code(x->original, &l) != 0)
		field_error_add(&x->fe, "original_language", "%s", _("Choose one of the six languages."));
	x->moderation = upload_field(r, "moderation");
	if (!str_eq(x->moderation, "post") && !str_eq(x->moderation, "pre"))
		field_error_add(&x->fe, "moderation", "%s", _("Choose how responses are published."));
	x->publish = upload_field(r, "publish") != NULL;
	x->title = text_field(r, &x->fe, "title", "title", CONSULTATION_MAX_TITLE_CHARS, 1);
	x->topic = text_field(r, &x->fe, "topic", "topic", CONSULTATION_MAX_TOPIC_CHARS, 0);
	x->description = text_field(r, &x->fe, "description", "description", CONSULTATION_MAX_DESCRIPTION_CHARS, 0);
	for (int i = 0; i < CONSULTATION_MAX_QUESTIONS; i++) {
		snprintf(key, sizeof(key), "q%d", i + 1);
		if ((x->q[i] = text_field(r, &x->fe, key, key, CONSULTATION_MAX_QUESTION_CHARS, 0)) != NULL &&
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

/* ---- edit --------------------------------------------------------------------------------- */

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
	input(r, fe, "opens_at", "opens_at", _("Opens at"), mine ? f->opens_at : time_value(r, c->opens_at),
	      40, -1, TIME_HINT);
	input(r, fe, "closes_at", "closes_at", _("Closes at"),
	      mine ? f->closes_at : time_value(r, c->closes_at), 40, -1, TIME_HINT);
	select_language(r, fe, mine ? f->original : lang_code(c->original));
	select_moderation(r, fe, mine ? f->moderation : c->moderation);
	H(b, "<fieldset id=\"f-questions\">\n<legend>");
	html_text(b, _("Questions"));
	H(b, "</legend>\n");
	if (fe != NULL && error_of(fe, "questions") != NULL) {
		H(b, "<p class=\"error\" role=\"alert\" id=\"err-questions\">");
		html_text(b, error_of(fe, "questions"));
		H(b, "</p>\n");
	}
	hint(r, _("Until it opens, questions can be reordered (give each its new position), removed, "
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
		if (error_of(fe, key) != NULL) {
			H(b, "<p class=\"error\" role=\"alert\" id=\"err-");
			html_attr(b, key);
			H(b, "\">");
			html_text(b, error_of(fe, key));
			H(b, "</p>\n");
		}
		H(b, "<input type=\"number\" min=\"1\" max=\"99\" class=\"position\"");
		ident(r, fe, key, key);
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
		textarea(r, fe, "new_question", "new_question", _("Add a question (original language)"),
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
	H(b, " <span class=\"meta\">(");
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
		label(r, fe, key, _("Status"));
		H(b, "<select");
		ident(r, fe, key, "status");
		H(b, ">");
		option(r, "official", _("Official translation"), cur ? cur : "official");
		option(r, "draft", _("Draft translation (not shown to the public)"), cur ? cur : "official");
		H(b, "</select>\n</div>\n");
	}
	snprintf(key, sizeof(key), "%s-title", code);
	input(r, fe, key, "title", _("Title"), mine ? f->title : c->title.body[l], CONSULTATION_MAX_TITLE_CHARS,
	      l, original ? NULL : _("Leave every field empty to remove this language."));
	snprintf(key, sizeof(key), "%s-topic", code);
	textarea(r, fe, key, "topic", _("Topic (one or two sentences)"), mine ? f->topic : c->topic.body[l], 2,
		 l, NULL);
	snprintf(key, sizeof(key), "%s-description", code);
	textarea(r, fe, key, "description", _("Description (Markdown)"),
		 mine ? f->description : c->description.body[l], 8, l, NULL);
	for (int i = 0; i < c->nquestions; i++) {
		snprintf(key, sizeof(key), "%s-q%d", code, i + 1);
		snprintf(name, sizeof(name), "q%d", i + 1);
		textarea(r, fe, key, name, arena_printf(r->arena, _("Question %d"), i + 1),
			 mine ? f->q[i] : c->question[i].body[l], 3, l, NULL);
	}
	H(b, "<p><button type=\"submit\">");
	html_text(b, arena_printf(r->arena, _("Save the texts in %s"), lang_native_name(l)));
	H(b, "</button></p>\n</form>\n</section>\n");
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
		input(r, fe, "at", "at", _("Open at (empty: now)"), fe ? f->at : NULL, 40, -1, TIME_HINT);
		H(b, "<p><button type=\"submit\">");
		html_text(b, str_eq(c->state, "draft") ? _("Publish or open") : _("Open"));
		H(b, "</button></p>\n</form>\n");
	}
	if (!str_eq(c->state, "closed")) {
		fe = str_eq(f->part, "extend") ? &f->fe : NULL;
		H(b, "<form class=\"consultation-state\" method=\"post\" action=\"/admin/consultations/");
		html_url(b, c->slug);
		H(b, "/extend\">\n");
		csrf_input(r);
		input(r, fe, "until", "until", _("New closing time"), fe ? f->until : NULL, 40, -1, TIME_HINT);
		H(b, "<p><button type=\"submit\">");
		html_text(b, _("Extend"));
		H(b, "</button></p>\n</form>\n");
	} else {
		H(b, "<p>");
		html_text(b, _("It is closed. Closing is final."));
		H(b, "</p>\n");
	}
	if (str_eq(c->state, "open"))
		action_form(r, c->slug, "close", _("Close it now…"));
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
	error_summary(r, &f->fe);
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
		 arena_printf(r->arena, _("%lld published, %lld awaiting moderation"), (long long)c->responses,
			      (long long)c->pending));
	H(b, "</dl>\n");
	if (!str_eq(c->state, "draft")) {
		H(b, "<p><a href=\"/consultations/");
		html_url(b, c->slug);
		H(b, "\">");
		html_text(b, _("Its public page"));
		H(b, "</a></p>\n");
	}
	state_forms(r, f);
	general_form(r, f);
	language_form(r, f, c->original);
	for (int l = 0; l < LANG_COUNT; l++)
		if (l != (int)c->original)
			language_form(r, f, l);
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
	time_field(r, &f->fe, "opens_at", &f->opens_at, &ed->opens_at);
	time_field(r, &f->fe, "closes_at", &f->closes_at, &ed->closes_at);
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
	f->new_question = text_field(r, &f->fe, "new_question", "new_question", CONSULTATION_MAX_QUESTION_CHARS, 0);
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
	f->title = ed->title = text_field(r, &f->fe, "title", key, CONSULTATION_MAX_TITLE_CHARS, original);
	snprintf(key, sizeof(key), "%s-topic", code);
	f->topic = ed->topic = text_field(r, &f->fe, "topic", key, CONSULTATION_MAX_TOPIC_CHARS, 0);
	snprintf(key, sizeof(key), "%s-description", code);
	f->description = ed->description =
	    text_field(r, &f->fe, "description", key, CONSULTATION_MAX_DESCRIPTION_CHARS, 0);
	for (int i = 0; i < f->c.nquestions; i++) {
		snprintf(key, sizeof(key), "%s-q%d", code, i + 1);
		snprintf(name, sizeof(name), "q%d", i + 1);
		f->q[i] = ed->question[i] = text_field(r, &f->fe, name, key, CONSULTATION_MAX_QUESTION_CHARS, original);
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
					  : arena_printf(r->arena, "/admin/consultations/%s/edit#lang-%s", f->ed.slug,
							 lang_code(f->ed.lang)));
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
