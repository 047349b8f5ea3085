/* page_reports.c: the Chair's report, for the secretariat and the chair: a form that downloads
 * the report for a period in a language and format (GET /reports/download, drawn off the
 * connection thread, the PDF by the worker process), and a form that edits the report's texts
 * in one language (POST /reports/texts, one write with its audit row). Nobody else sees these
 * pages: the route takes any account and the handlers refuse every other role with 403. */
#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../domain/report.h"
#include "../render/render.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "slow.h"
#include "upload.h"

#define DEFAULT_FROM "2019-02"
#define DEFAULT_TO "2022-01"

/* What the forms showed and the error to show again by its field. */
struct reports_form {
	const char *from, *to, *format;
	enum lang language;
	const char *field, *error;	/* the download form's */
	enum lang texts_lang;
	const char *text[REPORT_FIELDS];	/* the texts form's values (NULL: as stored) */
	const char *text_field, *text_error;
	int saved;
};

static int
may_use(const struct request *r)
{
	return str_eq(r->role, "secretariat") || str_eq(r->role, "chair");
}

static int
refuse(struct request *r)
{
	return reply_error(r, 403, _("The Chair's report is for the secretariat and the chair."));
}

/* An error paragraph for field name, when it is the one at fault. */
static void
field_error(struct request *r, const char *field, const char *name, const char *error)
{
	if (error == NULL || !str_eq(field, name))
		return;
	H(&r->out, "<p class=\"error\" id=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\" role=\"alert\">");
	html_text(&r->out, error);
	H(&r->out, "</p>\n");
}

static void
invalid_attrs(struct request *r, const char *field, const char *name, const char *error)
{
	if (error == NULL || !str_eq(field, name))
		return;
	H(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\"");
}

static void
month_input(struct request *r, const struct reports_form *f, const char *name, const char *label,
	    const char *value)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	field_error(r, f->field, name, f->error);
	H(b, "<input type=\"month\" id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" placeholder=\"YYYY-MM\" pattern=\"[0-9]{4}-[0-9]{2}\" required value=\"");
	html_attr(b, value);
	H(b, "\"");
	invalid_attrs(r, f->field, name, f->error);
	H(b, ">\n</div>\n");
}

static void
download_form(struct request *r, const struct reports_form *f)
{
	static const char *const formats[][2] = { { "pdf", N_("PDF") }, { "docx", N_("DOCX (to edit)") },
						  { "html", N_("HTML") } };
	struct buf *b = &r->out;

	H(b, "<h2>");
	html_text(b, _("Download the report"));
	H(b, "</h2>\n<form class=\"report\" method=\"get\" action=\"/reports/download\">\n");
	month_input(r, f, "from", _("From (month, YYYY-MM)"), f->from);
	month_input(r, f, "to", _("To (month, YYYY-MM, included)"), f->to);
	H(b, "<div class=\"field\">\n<label for=\"f-language\">");
	html_text(b, _("Language"));
	H(b, "</label>\n<select id=\"f-language\" name=\"language\">\n");
	for (int l = 0; l < LANG_COUNT; l++) {
		H(b, "<option value=\"");
		html_attr(b, lang_code((enum lang)l));
		buf_puts(b, l == (int)f->language ? "\" selected>" : "\">");
		html_text(b, lang_native_name((enum lang)l));
		H(b, "</option>\n");
	}
	H(b, "</select>\n</div>\n<div class=\"field\">\n<label for=\"f-format\">");
	html_text(b, _("Format"));
	H(b, "</label>\n");
	field_error(r, f->field, "format", f->error);
	H(b, "<select id=\"f-format\" name=\"format\"");
	invalid_attrs(r, f->field, "format", f->error);
	H(b, ">\n");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		H(b, "<option value=\"");
		html_attr(b, formats[i][0]);
		buf_puts(b, str_eq(f->format, formats[i][0]) ? "\" selected>" : "\">");
		html_text(b, _(formats[i][1]));
		H(b, "</option>\n");
	}
	H(b, "</select>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Download"));
	H(b, "</button></p>\n</form>\n");
}

static int
texts_form(struct request *r, const struct reports_form *f)
{
	struct buf *b = &r->out;
	const char *stored[REPORT_FIELDS];
	struct err e;

	if (report_texts_get(r->db, r->arena, f->texts_lang, stored, &e) != 0)
		return -1;
	H(b, "<h2 id=\"texts\">");
	html_text(b, _("The report's texts"));
	H(b, "</h2>\n<p>");
	html_text(b, _("Section II is made from the meetings, their outcomes and the rounds' published "
		       "summaries. The other texts are written here, in each language; a language without a "
		       "text shows the English one. Markdown is accepted except in the symbol and the title."));
	H(b, "</p>\n<p class=\"languages\">");
	html_text(b, _("Edit the texts in:"));
	for (int l = 0; l < LANG_COUNT; l++) {
		H(b, " ");
		if (l == (int)f->texts_lang) {
			H(b, "<strong>");
			html_text(b, lang_native_name((enum lang)l));
			H(b, "</strong>");
			continue;
		}
		H(b, "<a href=\"/reports?texts=");
		html_attr(b, lang_code((enum lang)l));
		H(b, "#texts\" hreflang=\"");
		html_attr(b, lang_code((enum lang)l));
		H(b, "\">");
		html_text(b, lang_native_name((enum lang)l));
		H(b, "</a>");
	}
	H(b, "</p>\n");
	if (f->saved) {
		H(b, "<div class=\"notice\" role=\"status\"><p>");
		html_text(b, _("The texts are saved."));
		H(b, "</p></div>\n");
	}
	H(b, "<form class=\"report-texts\" method=\"post\" action=\"/reports/texts\" lang=\"");
	html_attr(b, lang_code(f->texts_lang));
	buf_puts(b, lang_is_rtl(f->texts_lang) ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"language\" value=\"");
	html_attr(b, lang_code(f->texts_lang));
	H(b, "\">\n");
	for (int k = 0; k < REPORT_FIELDS; k++) {
		const char *name = report_field_name((enum report_field)k);
		const char *value = f->text[k] != NULL ? f->text[k] : stored[k] != NULL ? stored[k] : "";

		H(b, "<div class=\"field\">\n<label for=\"f-");
		html_attr(b, name);
		H(b, "\">");
		html_text(b, report_field_label((enum report_field)k));
		H(b, "</label>\n");
		field_error(r, f->text_field, name, f->text_error);
		if (report_field_is_line((enum report_field)k)) {
			H(b, "<input type=\"text\" id=\"f-");
			html_attr(b, name);
			H(b, "\" name=\"");
			html_attr(b, name);
			H(b, "\" maxlength=\"300\" value=\"");
			html_attr(b, value);
			H(b, "\"");
			invalid_attrs(r, f->text_field, name, f->text_error);
			H(b, ">\n</div>\n");
		} else {
			H(b, "<textarea id=\"f-");
			html_attr(b, name);
			H(b, "\" name=\"");
			html_attr(b, name);
			H(b, "\" rows=\"6\"");
			invalid_attrs(r, f->text_field, name, f->text_error);
			H(b, ">");
			html_text(b, value);
			H(b, "</textarea>\n</div>\n");
		}
	}
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Save the texts"));
	H(b, "</button></p>\n</form>\n");
	return 0;
}

static int
show(struct request *r, const struct reports_form *f, int status)
{
	struct buf *b = &r->out;
	struct err e;

	buf_reset(b);
	layout_begin(r, _("The Chair's report"));
	H(b, "<h1>");
	html_text(b, _("The Chair's report"));
	H(b, "</h1>\n<p>");
	html_text(b, _("The report of the Chair to the Council for a period: its texts, one section per "
		       "meeting held in the period with its lettered outcomes, and the consultations opened in "
		       "it with their published summaries."));
	H(b, "</p>\n");
	download_form(r, f);
	if (texts_form(r, f) != 0) {
		err_set(&e, ERR_BUSY, "cannot read the report's texts");
		return reply_err(r, &e);
	}
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

static void
form_defaults(struct request *r, struct reports_form *f)
{
	memset(f, 0, sizeof(*f));
	f->from = DEFAULT_FROM;
	f->to = DEFAULT_TO;
	f->format = "pdf";
	f->language = f->texts_lang = r->lang;
}

int
page_reports(struct request *r)
{
	struct reports_form f;

	if (!may_use(r))
		return refuse(r);
	form_defaults(r, &f);
	if (r->param[1] != NULL)
		lang_from_code(r->param[1], &f.texts_lang);
	f.saved = r->param[2] != NULL;
	return show(r, &f, 200);
}

int
page_reports_texts(struct request *r)
{
	struct report_texts_save *s = r->state;
	struct reports_form f;
	struct err e;
	const char *code;

	if (!may_use(r))
		return refuse(r);
	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind != ERR_INVALID)
			return reply_err(r, &r->write_err);
		if (r->write_rc == 0) {
			log_info("msg=\"report texts saved\" language=%s fields=%d account=%lld id=%s", lang_code(s->lang),
				 s->written, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/reports?texts=%s&saved=1#texts",
								    lang_code(s->lang)));
		}
		e = r->write_err;
		goto invalid;
	}
	if ((s = r->state = arena_alloc(r->arena, sizeof(*s))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	code = upload_field(r, "language");
	if (code == NULL || lang_from_code(code, &s->lang) != 0)
		return reply_error(r, 422, _("Choose one of the six languages."));
	for (int k = 0; k < REPORT_FIELDS; k++) {
		const char *v = upload_field(r, report_field_name((enum report_field)k));

		s->text[k] = v != NULL ? v : "";
		if (report_text_check((enum report_field)k, s->text[k], &e) != 0)
			goto invalid;
	}
	s->account_id = r->account_id;
	s->address = r->client;
	return request_write(r, report_texts_save_fn, s);
invalid:
	form_defaults(r, &f);
	f.texts_lang = s->lang;
	for (int k = 0; k < REPORT_FIELDS; k++)
		f.text[k] = s->text[k] != NULL && utf8_valid(s->text[k], strlen(s->text[k])) ? s->text[k] : "";
	f.text_field = arena_strdup(r->arena, e.field);
	f.text_error = arena_strdup(r->arena, e.msg);
	return show(r, &f, 422);
}

/* ---- the download --------------------------------------------------------------------- */

struct render_job {
	struct report rp;
	enum report_format format;
	int fd;
	int rc;
	struct err e;
};

/* On a worker of the slow pool: touches the model and the file, never the request. */
static void
render(void *arg)
{
	struct render_job *j = arg;

	j->rc = report_render("/proc/self/exe", &j->rp, j->format, j->fd, &j->e);
}

/* An unnamed temporary file the answer is streamed from. -1 when none can be made. */
static int
temp_fd(void)
{
	char path[] = "/tmp/agora-report-XXXXXX";
	int fd = mkostemp(path, O_CLOEXEC);

	if (fd >= 0)
		unlink(path);
	return fd;
}

static int
download_invalid(struct request *r, const char *field, const char *error)
{
	struct reports_form f;

	form_defaults(r, &f);
	f.from = r->param[1] ? r->param[1] : "";
	f.to = r->param[2] ? r->param[2] : "";
	f.format = r->param[4] ? r->param[4] : "pdf";
	if (r->param[3] != NULL)
		lang_from_code(r->param[3], &f.language);
	f.field = field;
	f.error = error;
	return show(r, &f, 422);
}

int
page_reports_download(struct request *r)
{
	struct render_job *j = r->state;
	int64_t from, to;
	enum lang lang = r->lang;
	struct stat st;
	const char *name;

	if (!may_use(r))
		return refuse(r);
	if (r->slow_queued) {
		if (j->rc != 0) {
			close(j->fd);
			log_warn("msg=\"report rendering failed\" detail=\"%s\" id=%s", j->e.msg, r->id);
			return reply_err(r, &j->e);
		}
		if (fstat(j->fd, &st) != 0) {
			close(j->fd);
			return reply_error(r, 503, _("The service is busy; try again."));
		}
		name = arena_printf(r->arena, "chair-report-%s-%s-%s.%s", r->param[1], r->param[2],
				    lang_code(j->rp.lang), report_format_ext(j->format));
		r->file_fd = j->fd;
		r->file_size = st.st_size;
		r->content_type = report_format_media_type(j->format);
		request_header(r, "Content-Disposition",
			       name ? arena_printf(r->arena, "attachment; filename=\"%s\"", name) : "attachment");
		request_header(r, "Cache-Control", "private, no-store");
		return HANDLER_DONE;
	}
	if (r->param[1] == NULL || report_month_parse(r->param[1], &from) != 0)
		return download_invalid(r, "from", _("Write a month as YYYY-MM, such as 2019-02."));
	if (r->param[2] == NULL || report_month_parse(r->param[2], &to) != 0)
		return download_invalid(r, "to", _("Write a month as YYYY-MM, such as 2022-01."));
	if (from > to)
		return download_invalid(r, "to", _("The last month comes before the first."));
	if (r->param[3] != NULL)
		lang_from_code(r->param[3], &lang);
	if ((j = r->state = arena_alloc(r->arena, sizeof(*j))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (r->param[4] == NULL || report_format_parse(r->param[4], &j->format) != 0)
		return download_invalid(r, "format", _("Choose PDF, DOCX or HTML."));
	/* the model in the report's language, then back to the page's */
	i18n_use(lang);
	j->rc = report_build(r->db, r->arena, from, to, lang, &j->rp, NULL, &j->e);
	i18n_use(r->lang);
	if (j->rc != 0)
		return reply_err(r, &j->e);
	if ((j->fd = temp_fd()) < 0) {
		log_warn("msg=\"no temporary file for a report\" error=\"%s\" id=%s", strerror(errno), r->id);
		return reply_error(r, 503, _("The service is busy; try again."));
	}
	if (request_slow(r, render, j) == HANDLER_SUSPENDED)
		return HANDLER_SUSPENDED;
	close(j->fd);	/* the pool is full: the 503 is written */
	return HANDLER_DONE;
}
