/* form_response.c: the response form, accessible (labels, aria-describedby, an error summary). */
#include "form_response.h"

#include <stdio.h>
#include <string.h>

#include "../domain/country.h"
#include "../util/str.h"
#include "csrf.h"
#include "html.h"
#include "view.h"

const char *
form_error(const struct field_errors *fe, const char *form_name)
{
	char api[48];
	int q;

	if (fe == NULL)
		return NULL;
	if (sscanf(form_name, "answer_%d", &q) == 1)
		snprintf(api, sizeof(api), "answers.%d", q);
	else if (str_eq(form_name, "publish_as") || str_eq(form_name, "summary") ||
		 str_eq(form_name, "language") || str_eq(form_name, "attachments") ||
		 str_eq(form_name, "consent") || str_eq(form_name, "channel") ||
		 str_eq(form_name, "received_on"))
		snprintf(api, sizeof(api), "%s", form_name);
	else
		snprintf(api, sizeof(api), "respondent.%s", form_name);
	return field_error_for(fe, api);
}

static void
error_for(struct request *r, const struct form_view *v, const char *name)
{
	const char *msg = form_error(v->fe, name);

	if (msg == NULL)
		return;
	H(&r->out, "<p class=\"error\" id=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\">");
	html_text(&r->out, msg);
	H(&r->out, "</p>\n");
}

static void
described(struct request *r, const struct form_view *v, const char *name)
{
	if (form_error(v->fe, name) != NULL) {
		H(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
		html_attr(&r->out, name);
		H(&r->out, "\"");
	}
}

static void
input(struct request *r, const struct form_view *v, const char *name, const char *label,
      const char *type, const char *value, const char *autocomplete)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	error_for(r, v, name);
	H(b, "<input id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" type=\"");
	html_attr(b, type);
	H(b, "\" required maxlength=\"254\" autocomplete=\"");
	html_attr(b, autocomplete);
	H(b, "\" value=\"");
	html_attr(b, value ? value : "");
	H(b, "\"");
	described(r, v, name);
	H(b, ">\n</div>\n");
}

static void
option(struct request *r, const char *value, const char *label, const char *current)
{
	H(&r->out, "<option value=\"");
	html_attr(&r->out, value);
	H(&r->out, "\"");
	if (str_eq(value, current))
		H(&r->out, " selected");
	H(&r->out, ">");
	html_text(&r->out, label);
	H(&r->out, "</option>");
}

static void
textarea(struct request *r, const struct form_view *v, const char *name, const char *value,
	 int rows, int required)
{
	struct buf *b = &r->out;

	error_for(r, v, name);
	H(b, "<textarea id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" rows=\"");
	html_int(b, rows);
	H(b, "\"");
	if (required)
		H(b, " required");
	described(r, v, name);
	H(b, ">");
	html_text(b, value ? value : "");
	H(b, "</textarea>\n");
}

/* What is published, what is kept, for how long, and who to ask; then the consent checkbox. */
static void
privacy(struct request *r, const struct form_view *v)
{
	struct buf *b = &r->out;

	H(b, "<fieldset class=\"privacy\">\n<legend>");
	html_text(b, _("Your personal data"));
	H(b, "</legend>\n<div class=\"privacy-notice\" id=\"privacy-notice\">\n<p><strong>");
	html_text(b, _("What is published:"));
	H(b, "</strong> ");
	html_text(b, _("as you choose above, your name and organization, your organization only, "
		       "or nothing that identifies you; and your country, stakeholder type, summary, "
		       "answers and attachments."));
	H(b, "</p>\n<p><strong>");
	html_text(b, _("What is kept privately:"));
	H(b, "</strong> ");
	html_text(b, _("your email address and, if you respond anonymously, your name and job "
		       "title. They are never published."));
	H(b, "</p>\n<p><strong>");
	html_text(b, _("For how long:"));
	H(b, "</strong> ");
	html_text(b, arena_printf(r->arena, P_("your email address and the other personal data that "
					       "is not published are removed %d day after the "
					       "consultation closes.",
					       "your email address and the other personal data that "
					       "is not published are removed %d days after the "
					       "consultation closes.", (unsigned long)v->privacy),
				  v->privacy));
	H(b, "</p>\n<p><strong>");
	html_text(b, _("Who to ask:"));
	H(b, "</strong> ");
	html_text(b, _("the secretariat. To correct or erase your response, write to it with the "
		       "private manage link you receive after sending this form."));
	H(b, "</p>\n</div>\n<div class=\"field consent\">\n");
	error_for(r, v, "consent");
	H(b, "<label><input id=\"f-consent\" name=\"consent\" type=\"checkbox\" value=\"1\" required "
	     "aria-describedby=\"");
	if (form_error(v->fe, "consent") != NULL)
		H(b, "err-consent ");
	H(b, "privacy-notice\"");
	if (form_error(v->fe, "consent") != NULL)
		H(b, " aria-invalid=\"true\"");
	if (v->consent)
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("I agree that my response is published as I chose above."));
	H(b, "</label>\n</div>\n</fieldset>\n");
}

/* How and when a response entered by the secretariat was received. */
static void
received(struct request *r, const struct form_view *v, const char *channel, const char *received_on)
{
	static const char *const values[] = { "post", "email", "other" };
	const char *labels[] = { _("post"), _("email"), _("other") };
	struct buf *b = &r->out;

	H(b, "<fieldset>\n<legend>");
	html_text(b, _("How it was received"));
	H(b, "</legend>\n<div class=\"field\">\n<label for=\"f-channel\">");
	html_text(b, _("Received by"));
	H(b, "</label>\n");
	error_for(r, v, "channel");
	H(b, "<select id=\"f-channel\" name=\"channel\" required");
	described(r, v, "channel");
	H(b, "><option value=\"\"></option>");
	for (int i = 0; i < 3; i++)
		option(r, values[i], labels[i], channel);
	H(b, "</select>\n</div>\n");
	input(r, v, "received_on", _("Received on (the date on which the letter or the email came)"), "date",
	      received_on, "off");
	H(b, "</fieldset>\n");
}

/* The id of the field an API field name stands for ("respondent.name" -> "f-name", "answers.2" ->
 * "f-answer_2") and its label (the same words as above), so each error in the summary is a link
 * that takes the reader, by keyboard too, to its field (WCAG 3.3.1). NULL label: message alone. */
static const char *
field_anchor(struct request *r, const char *api, const char **label)
{
	static const struct {
		const char *name, *label;
	} labels[] = {
		{ "name", N_("Name (given name, then surname)") }, { "organization", N_("Organization") },
		{ "job_title", N_("Job title") }, { "country", N_("Country") },
		{ "stakeholder_type", N_("Stakeholder type") }, { "email", N_("Email (never published)") },
		{ "publish_as", N_("Publish my response under") },
		{ "language", N_("Language of your response") },
		{ "summary", N_("Summary of your views (two or three paragraphs)") },
		{ "attachments", N_("Attachments (up to 10: PDF, DOCX, ODT, text, PNG or JPEG)") },
		{ "consent", N_("Your personal data") }, { "channel", N_("Received by") },
		{ "received_on", N_("Received on (the date on which the letter or the email came)") },
	};
	int q;

	*label = NULL;
	if (sscanf(api, "answers.%d", &q) == 1) {
		*label = arena_printf(r->arena, _("Question %d"), q);
		return arena_printf(r->arena, "f-answer_%d", q);
	}
	if (str_has_prefix(api, "respondent."))
		api += strlen("respondent.");
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (str_eq(api, labels[i].name))
			*label = _(labels[i].label);
	return arena_printf(r->arena, "f-%s", api);
}

/* on_behalf: the secretariat's form, with channel and received_on. */
static void
form_write(struct request *r, const struct form_view *v, int on_behalf, const char *channel,
	   const char *received_on)
{
	static const struct response_input empty;
	const struct response_input *in = v->in ? v->in : &empty;
	struct buf *b = &r->out;

	if (v->fe != NULL && v->fe->n > 0) {
		H(b, "<div class=\"error-summary\" role=\"alert\">\n<h2>");
		html_text(b, _("Please correct the following:"));
		H(b, "</h2>\n<ul>\n");
		for (int i = 0; i < v->fe->n; i++) {
			const char *label;
			const char *id = field_anchor(r, v->fe->e[i].field, &label);
			H(b, "<li><a href=\"#");
			html_attr(b, id);
			H(b, "\">");
			if (label != NULL) {
				html_text(b, label);
				H(b, ": ");
			}
			html_text(b, v->fe->e[i].msg);
			H(b, "</a></li>\n");
		}
		H(b, "</ul>\n</div>\n");
	}
	H(b, "<form class=\"respond\" method=\"post\" enctype=\"multipart/form-data\" action=\"");
	html_attr(b, v->action);
	H(b, "\">\n");
	csrf_input(r);
	if (on_behalf)
		received(r, v, channel, received_on);
	H(b, "<fieldset>\n<legend>");
	html_text(b, on_behalf ? _("About the respondent") : _("About you"));
	H(b, "</legend>\n");
	input(r, v, "name", _("Name (given name, then surname)"), "text", in->name, "name");
	input(r, v, "organization", _("Organization"), "text", in->organization, "organization");
	input(r, v, "job_title", _("Job title"), "text", in->job_title, "organization-title");
	H(b, "<div class=\"field\">\n<label for=\"f-country\">");
	html_text(b, _("Country"));
	H(b, "</label>\n");
	error_for(r, v, "country");
	H(b, "<select id=\"f-country\" name=\"country\" required");
	described(r, v, "country");
	H(b, "><option value=\"\"></option>");
	for (int i = 0; i < country_count(); i++)
		option(r, country_code_at(i), country_name_local(country_code_at(i)), in->country);
	H(b, "</select>\n</div>\n<div class=\"field\">\n<label for=\"f-stakeholder_type\">");
	html_text(b, _("Stakeholder type"));
	H(b, "</label>\n");
	error_for(r, v, "stakeholder_type");
	H(b, "<select id=\"f-stakeholder_type\" name=\"stakeholder_type\" required");
	described(r, v, "stakeholder_type");
	H(b, "><option value=\"\"></option>");
	for (int i = 0; stakeholder_types[i]; i++)
		option(r, stakeholder_types[i], stakeholder_label(stakeholder_types[i]), in->stakeholder_type);
	H(b, "</select>\n</div>\n");
	input(r, v, "email", _("Email (never published)"), "email", in->email, "email");
	if (v->honeypot) {
		/* Off screen (.hp), hidden from screen readers and skipped by Tab: a person never
		 * fills it in; page_respond_post refuses a form that has it filled in. */
		H(b, "<div class=\"hp\" aria-hidden=\"true\">\n<label for=\"f-website\">");
		html_text(b, _("Leave this empty"));
		H(b, "</label>\n<input id=\"f-website\" name=\"website\" type=\"text\" tabindex=\"-1\" "
		     "autocomplete=\"off\" value=\"\">\n</div>\n");
	}
	H(b, "<fieldset class=\"choice\">\n<legend>");
	html_text(b, _("Publish my response under"));
	H(b, "</legend>\n");
	error_for(r, v, "publish_as");
	{
		static const char *const values[] = { "name", "organization", "anonymous" };
		const char *labels[] = { _("my name and organization"), _("my organization only"),
					 _("no name (anonymous)") };
		for (int i = 0; i < 3; i++) {
			H(b, "<label><input ");
			if (i == 0)
				H(b, "id=\"f-publish_as\" ");
			H(b, "type=\"radio\" name=\"publish_as\" value=\"");
			html_attr(b, values[i]);
			H(b, "\"");
			if (str_eq(in->publish_as, values[i]) || (in->publish_as == NULL && i == 0))
				H(b, " checked");
			H(b, "> ");
			html_text(b, labels[i]);
			H(b, "</label>\n");
		}
	}
	H(b, "</fieldset>\n</fieldset>\n<fieldset>\n<legend>");
	html_text(b, _("Your response"));
	H(b, "</legend>\n<div class=\"field\">\n<label for=\"f-language\">");
	html_text(b, _("Language of your response"));
	H(b, "</label>\n");
	error_for(r, v, "language");
	H(b, "<select id=\"f-language\" name=\"language\"><option value=\"\">");
	html_text(b, _("Another language"));
	H(b, "</option>");
	for (int l = 0; l < LANG_COUNT; l++)
		option(r, lang_code(l), lang_native_name(l),
		       in->language ? in->language : lang_code(r->lang));
	H(b, "</select>\n</div>\n<div class=\"field\">\n<label for=\"f-summary\">");
	html_text(b, _("Summary of your views (two or three paragraphs)"));
	H(b, "</label>\n");
	textarea(r, v, "summary", in->summary, 8, 1);
	H(b, "</div>\n");
	for (int q = 1; q <= v->c->nquestions; q++) {
		char name[24];
		const char *value = NULL;
		snprintf(name, sizeof(name), "answer_%d", q);
		for (int i = 0; i < in->nanswers; i++)
			if (in->answers[i].question == q)
				value = in->answers[i].text;
		H(b, "<div class=\"field\">\n<label for=\"f-");
		html_attr(b, name);
		H(b, "\">");
		html_text(b, arena_printf(r->arena, _("Question %d"), q));
		H(b, ": ");
		view_mtext(r, &v->c->question[q - 1]);
		H(b, "</label>\n");
		textarea(r, v, name, value, 6, 0);
		H(b, "</div>\n");
	}
	H(b, "<div class=\"field\">\n<label for=\"f-attachments\">");
	html_text(b, _("Attachments (up to 10: PDF, DOCX, ODT, text, PNG or JPEG)"));
	H(b, "</label>\n");
	error_for(r, v, "attachments");
	if (v->nheld > 0) {
		H(b, "<p>");
		html_text(b, _("Already received, kept for you:"));
		H(b, "</p>\n<ul class=\"held\">");
		for (int i = 0; i < v->nheld; i++) {
			H(b, "<li>");
			html_text(b, v->held[i].filename);
			H(b, "</li>");
		}
		H(b, "</ul>\n");
	}
	if (v->held_token != NULL) {
		H(b, "<input type=\"hidden\" name=\"held\" value=\"");
		html_attr(b, v->held_token);
		H(b, "\">\n");
	}
	H(b, "<input id=\"f-attachments\" name=\"attachments\" type=\"file\" multiple "
	     "accept=\".pdf,.docx,.odt,.txt,.png,.jpg,.jpeg\"");
	described(r, v, "attachments");
	H(b, ">\n</div>\n</fieldset>\n");
	if (v->privacy > 0)
		privacy(r, v);
	H(b, "<p><button type=\"submit\">");
	html_text(b, v->submit_label);
	H(b, "</button></p>\n</form>\n");
}

void
form_response(struct request *r, const struct form_view *v)
{
	form_write(r, v, 0, NULL, NULL);
}

void
form_response_entered(struct request *r, const struct form_view *v, const char *channel,
		      const char *received_on)
{
	form_write(r, v, 1, channel, received_on);
}
