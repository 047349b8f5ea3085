/* page_document_new.c: the form that uploads a new document (GET /documents/new) and what it
 * answers (POST): the form again with each error next to its field, or the new document's page.
 * A delegate or focal point writes for its own state, taken from the session, never from the
 * form; the secretariat chooses the author (itself or a Member State). */
#include <stdlib.h>
#include <string.h>

#include "../domain/document.h"
#include "../domain/meeting.h"
#include "../domain/state.h"
#include "../domain/notice_members.h"	/* issue 13 */
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view_document.h"

#define MEETINGS_OFFERED 500

static const char *const kinds[] = { "contribution", "secretariat_report", "chair_report",
				     "consultation_summary", "other", NULL };

/* What was posted, and what was wrong with it, field by field. */
struct new_form {
	const char *meeting, *kind, *author, *title, *language;
	const char *err_meeting, *err_kind, *err_author, *err_title, *err_language, *err_file;
	struct document_new x;
};

static void
error_p(struct request *r, const char *name, const char *error)
{
	if (error == NULL)
		return;
	H(&r->out, "<p class=\"error\" id=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\" role=\"alert\">");
	html_text(&r->out, error);
	H(&r->out, "</p>\n");
}

/* label, error, and the opening of the control with its id, name and ARIA. */
static void
field_open(struct request *r, const char *tag, const char *name, const char *label, const char *error)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	error_p(r, name, error);
	buf_puts(b, str_eq(tag, "select") ? "<select" : "<input");
	H(b, " id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\"");
	if (error != NULL) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-");
		html_attr(b, name);
		H(b, "\"");
	}
}

static void
option(struct request *r, const char *value, const char *label, const char *selected)
{
	struct buf *b = &r->out;

	H(b, "<option value=\"");
	html_attr(b, value);
	H(b, "\"");
	if (str_eq(value, selected))
		H(b, " selected");
	H(b, ">");
	html_text(b, label);
	H(b, "</option>\n");
}

static void
meeting_field(struct request *r, const struct new_form *f)
{
	struct meeting *m = NULL;
	struct err e;
	int n = meeting_list(r->db, r->arena, MEETINGS_OFFERED, &m, &e);

	field_open(r, "select", "meeting", _("Meeting"), f->err_meeting);
	H(&r->out, " required>\n");
	for (int i = 0; i < n; i++) {
		const char *title = mtext_pick(&m[i].title, r->lang, NULL);
		option(r, arena_printf(r->arena, "%d", m[i].number),
		       title ? title : arena_printf(r->arena, _("Meeting %d"), m[i].number), f->meeting);
	}
	H(&r->out, "</select>\n</div>\n");
}

static void
author_field(struct request *r, const struct new_form *f)
{
	struct member_state *s = NULL;
	struct err e;
	int n = state_list(r->db, r->arena, &s, &e);

	field_open(r, "select", "author", _("Author"), f->err_author);
	H(&r->out, ">\n");
	option(r, "", _("Secretariat"), f->author);
	for (int i = 0; i < n; i++)
		option(r, s[i].code, s[i].name, f->author);
	H(&r->out, "</select>\n</div>\n");
}

static int
show_form(struct request *r, struct new_form *f, int status)
{
	struct buf *b = &r->out;
	int any = f->err_meeting || f->err_kind || f->err_author || f->err_title || f->err_language || f->err_file;

	buf_reset(b);
	layout_begin(r, _("Upload a document"));
	H(b, "<p class=\"meta\"><a href=\"/documents\">");
	html_text(b, _("Documents"));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Upload a document"));
	H(b, "</h1>\n");
	if (any) {
		H(b, "<div class=\"error-summary\" role=\"alert\"><h2>");
		html_text(b, _("The document was not stored"));
		H(b, "</h2>\n<p>");
		html_text(b, _("Correct the fields marked below and choose the file again."));
		H(b, "</p></div>\n");
	}
	H(b, "<p class=\"lead\">");
	if (str_eq(r->role, "secretariat"))
		html_text(b, _("The document gets the next symbol of its meeting. It starts as a draft: "
			       "submit it, then make it public if it is for everyone."));
	else
		html_text(b, arena_printf(r->arena,
					  _("The author is %s; the document gets the next symbol of its meeting. It "
					    "starts as a draft, seen only by your state's delegates and the "
					    "secretariat, until you submit it."),
					  view_document_author(r->state_code)));
	H(b, "</p>\n<form class=\"document-new\" method=\"post\" action=\"/documents/new\" "
	     "enctype=\"multipart/form-data\">\n");
	csrf_input(r);
	meeting_field(r, f);
	field_open(r, "select", "kind", _("Kind"), f->err_kind);
	H(b, " required>\n");
	for (int i = 0; kinds[i]; i++)
		option(r, kinds[i], view_document_kind(kinds[i]), f->kind ? f->kind : "contribution");
	H(b, "</select>\n</div>\n");
	if (str_eq(r->role, "secretariat"))
		author_field(r, f);
	field_open(r, "input", "title", _("Title, in the document's language"), f->err_title);
	H(b, " type=\"text\" required maxlength=\"300\"");
	if (f->title != NULL) {
		H(b, " value=\"");
		html_attr(b, f->title);
		H(b, "\"");
	}
	H(b, ">\n</div>\n");
	field_open(r, "select", "language", _("Language of the document"), f->err_language);
	H(b, ">\n");
	for (int l = 0; l < LANG_COUNT; l++)
		option(r, lang_code((enum lang)l), lang_native_name((enum lang)l),
		       f->language ? f->language : lang_code(r->lang));
	H(b, "</select>\n</div>\n");
	field_open(r, "input", "file", _("File: PDF, DOCX, ODT or plain text (UTF-8)"), f->err_file);
	H(b, " type=\"file\" required accept=\".pdf,.docx,.odt,.txt,application/pdf,text/plain\">\n</div>\n");
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Upload as a draft"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

static int
refuse_role(struct request *r)
{
	return reply_error(r, 403, _("Only delegates, focal points and the secretariat upload documents."));
}

int
page_document_new(struct request *r)
{
	struct new_form *f = arena_alloc(r->arena, sizeof(*f));

	if (f == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (!document_may_create(r->role))
		return refuse_role(r);
	f->meeting = r->param[1];
	return show_form(r, f, 200);
}

/* Checks the fields into f->x; sets f->err_* for each bad one. Returns the number of errors. */
static int
check_fields(struct request *r, struct new_form *f)
{
	struct meeting m;
	struct err e;
	int bad = 0;
	size_t n;

	f->meeting = upload_field(r, "meeting");
	f->kind = upload_field(r, "kind");
	f->author = upload_field(r, "author");
	f->title = upload_field(r, "title");
	f->language = upload_field(r, "language");
	n = f->meeting ? strlen(f->meeting) : 0;
	if (n < 1 || n > 4 || strspn(f->meeting, "0123456789") != n || f->meeting[0] == '0' ||
	    meeting_get(r->db, r->arena, atoi(f->meeting), &m, &e) != 0) {
		f->err_meeting = _("Choose the meeting the document is for.");
		bad++;
	} else {
		f->x.meeting = atoi(f->meeting);
	}
	if (!document_kind_valid(f->kind)) {
		f->err_kind = _("Choose the kind of document.");
		bad++;
	}
	f->x.kind = f->kind;
	if (str_eq(r->role, "secretariat")) {
		if (f->author != NULL && f->author[0] != '\0' && state_valid(r->db, f->author, &e) != 1) {
			f->err_author = _("Choose the secretariat or a Member State.");
			bad++;
		}
		f->x.author_state = f->author;
	} else {
		f->x.author_state = r->state_code;	/* the session's state, whatever the form said */
	}
	if (f->title != NULL && !utf8_valid(f->title, strlen(f->title)))
		f->title = NULL;
	if (f->title == NULL || f->title[strspn(f->title, " \t\r\n")] == '\0' ||
	    utf8_chars(f->title, strlen(f->title)) > DOCUMENT_TITLE_MAX_CHARS || strpbrk(f->title, "\r\n") != NULL) {
		f->err_title = _("Give the title, on one line of at most 300 characters.");
		bad++;
	}
	f->x.title = f->title;
	if (f->language == NULL || lang_from_code(f->language, &f->x.original) != 0) {
		f->err_language = _("Choose the language of the document.");
		f->language = NULL;
		bad++;
	}
	return bad;
}

/* POST /documents/new. */
int
page_document_create(struct request *r)
{
	struct new_form *f = r->state;
	int status = 0;
	const char *why = NULL;

	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"document created\" document=%s account=%lld id=%s", f->x.url,
				 (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/documents/%s", f->x.url));
		}
		if (r->write_err.kind == ERR_INVALID && str_eq(r->write_err.field, "meeting")) {
			f->err_meeting = _("Choose the meeting the document is for.");
			return show_form(r, f, 422);
		}
		if (r->write_err.kind == ERR_INVALID && str_eq(r->write_err.field, "permission"))
			return refuse_role(r);
		return reply_err(r, &r->write_err);
	}
	if (!document_may_create(r->role))
		return refuse_role(r);
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (r->upload == NULL)
		return reply_error(r, 400, _("Send the form as it is on the page."));
	if (check_fields(r, f) > 0) {
		f->err_file = _("Choose the file again.");
		return show_form(r, f, 422);
	}
	if (view_document_take_file(r, &f->x.file, &status, &why) != 0) {
		f->err_file = why;
		return show_form(r, f, status);
	}
	f->x.who = (struct document_actor){ r->account_id, r->role, r->state_code, r->client };
	return request_write(r, notice_document_create_fn, &f->x);
}
