/* form_consultation.c: the pieces of the secretariat's consultation forms: a label, the error
 * next to its field (role=alert, aria-describedby), inputs in a text's language and direction,
 * the error summary, and the checks of submitted text and times. */
#include <string.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "form_consultation.h"
#include "view.h"
#include "html.h"
#include "upload.h"

const char *
cform_time_hint(void)
{
	return _("In UTC, as 2027-01-31T12:00:00Z, or with an offset: 2027-01-31T13:00:00+01:00 is noon "
		 "in Geneva in winter.");
}

const char *
cform_error_of(const struct field_errors *fe, const char *key)
{
	return fe != NULL ? field_error_for(fe, key) : NULL;
}

/* <label>, then the error (role=alert) when there is one. */
void
cform_label(struct request *r, const struct field_errors *fe, const char *key, const char *text)
{
	struct buf *b = &r->out;
	const char *msg = cform_error_of(fe, key);

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
void
cform_ident(struct request *r, const struct field_errors *fe, const char *key, const char *name)
{
	struct buf *b = &r->out;

	H(b, " id=\"f-");
	html_attr(b, key);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\"");
	if (cform_error_of(fe, key) != NULL) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-");
		html_attr(b, key);
		H(b, "\"");
	}
}

/* The lang and dir of a text in language l. */
void
cform_lang_attrs(struct request *r, enum lang l)
{
	H(&r->out, " lang=\"");
	html_attr(&r->out, lang_code(l));
	H(&r->out, "\" dir=\"");
	html_attr(&r->out, lang_is_rtl(l) ? "rtl" : "ltr");
	H(&r->out, "\"");
}

void
cform_hint(struct request *r, const char *text)
{
	if (text == NULL)
		return;
	H(&r->out, "<p class=\"hint\">");
	html_text(&r->out, text);
	H(&r->out, "</p>\n");
}

void
cform_input(struct request *r, const struct field_errors *fe, const char *key, const char *name,
      const char *text, const char *value, int maxlength, int l, const char *help)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, key, text);
	cform_hint(r, help);
	H(b, "<input type=\"text\"");
	cform_ident(r, fe, key, name);
	if (l >= 0)
		cform_lang_attrs(r, (enum lang)l);
	H(b, " maxlength=\"");
	html_int(b, maxlength);
	H(b, "\" value=\"");
	html_attr(b, value ? value : "");
	H(b, "\">\n</div>\n");
}

void
cform_textarea(struct request *r, const struct field_errors *fe, const char *key, const char *name,
	 const char *text, const char *value, int rows, int l, const char *help)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, key, text);
	cform_hint(r, help);
	H(b, "<textarea");
	cform_ident(r, fe, key, name);
	if (l >= 0)
		cform_lang_attrs(r, (enum lang)l);
	H(b, " rows=\"");
	html_int(b, rows);
	H(b, "\">");
	html_text(b, value ? value : "");
	H(b, "</textarea>\n</div>\n");
}

void
cform_option(struct request *r, const char *value, const char *text, const char *current)
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

void
cform_select_language(struct request *r, const struct field_errors *fe, const char *current)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, "original_language", _("Original language"));
	H(b, "<select");
	cform_ident(r, fe, "original_language", "original_language");
	H(b, ">");
	for (int l = 0; l < LANG_COUNT; l++)
		cform_option(r, lang_code(l), lang_native_name(l), current);
	H(b, "</select>\n</div>\n");
}

void
cform_select_moderation(struct request *r, const struct field_errors *fe, const char *current)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, "moderation", _("Moderation"));
	H(b, "<select");
	cform_ident(r, fe, "moderation", "moderation");
	H(b, ">");
	cform_option(r, "post", _("Published at once (may be withheld later)"), current);
	cform_option(r, "pre", _("Published when the secretariat decides"), current);
	H(b, "</select>\n</div>\n");
}

const char *
cform_time_value(struct request *r, int64_t t)
{
	char *s = arena_alloc(r->arena, TIME_RFC3339_LEN);

	if (s != NULL)
		time_format_rfc3339(t, s);
	return s;
}

void
cform_errors(struct request *r, const struct field_errors *fe)
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
void
cform_action(struct request *r, const char *slug, const char *what, const char *button)
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

/* A form value checked for text and length; the error goes under key. NULL when blank. */
const char *
cform_text_field(struct request *r, struct field_errors *fe, const char *name, const char *key, size_t max,
	   int required)
{
	const char *v = upload_field(r, name);
	struct err e;

	if (consultation_text_check(v, max, required, key, &e) != 0) {
		if (strstr(e.msg, "required"))
			field_error_add(fe, key, "%s", _("This is required."));
		else if (strstr(e.msg, "longer"))
			field_error_add(fe, key, _("This is longer than %s characters."), view_num(r, (int64_t)max));
		else
			field_error_add(fe, key, "%s", _("This is not valid text."));
		return v;
	}
	return v == NULL || v[strspn(v, " \t\r\n")] == '\0' ? NULL : v;
}

/* A time field: RFC 3339; the error goes under key. */
int
cform_time_field(struct request *r, struct field_errors *fe, const char *key, const char **raw, int64_t *t)
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

