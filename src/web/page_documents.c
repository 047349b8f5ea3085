/* page_documents.c: the documents a visitor may see (by meeting, newest first), one document with
 * its revisions and the forms of those who may change it, the downloads, submit and publish.
 * A document the visitor may not see is answered 404, as if it did not exist. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../domain/document.h"
#include "../domain/notice_members.h"	/* issue 13 */
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "page_documents.h"
#include "reply.h"
#include "server.h"
#include "view.h"
#include "view_document.h"

static int
not_found(struct request *r)
{
	return reply_error(r, 404, _("There is no document at this address."));
}

/* The document of the path's {symbol} when the visitor may see it; else an answer is written
 * (404 for one it may not see, so that its existence is not revealed). */
static int
load_visible(struct request *r, const char *url, struct document *d)
{
	struct err e;

	if (document_get(r->db, r->arena, url, d, &e) != 0) {
		if (e.kind == ERR_NOTFOUND)
			not_found(r);
		else
			reply_err(r, &e);
		return -1;
	}
	if (!document_visible(d->status, d->is_public, d->author_state, r->role, r->state_code)) {
		not_found(r);
		return -1;
	}
	return 0;
}

int
page_document_list(struct request *r)
{
	struct buf *b = &r->out;
	struct document *d = NULL;
	struct err e;
	int meeting = r->param[1] ? atoi(r->param[1]) : 0;
	int n = document_list(r->db, r->arena, r->role, r->state_code, meeting, DOCUMENTS_SHOWN, &d, &e);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Documents"));
	H(b, "<h1>");
	html_text(b, _("Documents"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("The documents of the working group's meetings: Member States' contributions, the "
		       "secretariat's and the chair's reports. Contributions are for the members of the "
		       "group unless the secretariat makes them public."));
	H(b, "</p>\n");
	if (document_may_create(r->role)) {
		H(b, "<p><a class=\"button\" href=\"/documents/new\">");
		html_text(b, _("Upload a document"));
		H(b, "</a></p>\n");
	}
	if (meeting > 0) {
		H(b, "<p class=\"meta\"><a href=\"/documents\">");
		html_text(b, _("All meetings"));
		H(b, "</a></p>\n");
	}
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("There are no documents you may see."));
		H(b, "</p>\n");
	}
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && d[j].meeting == d[i].meeting)
			j++;
		H(b, "<section class=\"documents-of-meeting\" id=\"m-");
		html_int(b, d[i].meeting);
		H(b, "\">\n<h2><a href=\"/meetings/");
		html_int(b, d[i].meeting);
		H(b, "\">");
		html_text(b, arena_printf(r->arena, _("Meeting %d"), d[i].meeting));
		H(b, "</a></h2>\n");
		view_document_table(r, &d[i], j - i);
		H(b, "</section>\n");
		i = j;
	}
	layout_end(r);
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

void
page_meeting_documents(struct request *r, int number)
{
	struct buf *b = &r->out;
	struct document *d = NULL;
	struct err e;
	int n = document_list(r->db, r->arena, r->role, r->state_code, number, DOCUMENTS_SHOWN, &d, &e);

	if (n <= 0)
		return;	/* none the visitor may see (or the list failed: the meeting page stands) */
	H(b, "<section id=\"documents\">\n<h2>");
	html_text(b, _("Documents"));
	H(b, "</h2>\n");
	view_document_table(r, d, n);
	H(b, "</section>\n");
}

/* A form with only the CSRF token and one button, posting to /documents/URL/what. */
static void
button_form(struct request *r, const struct document *d, const char *what, const char *label,
	    const char *explain)
{
	struct buf *b = &r->out;

	H(b, "<form class=\"document-action\" method=\"post\" action=\"/documents/");
	html_url(b, d->url);
	H(b, "/");
	html_url(b, what);
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<p>");
	html_text(b, explain);
	H(b, "</p>\n<p><button type=\"submit\">");
	html_text(b, label);
	H(b, "</button></p>\n</form>\n");
}

static void
revision_form(struct request *r, const struct document *d, const char *error)
{
	struct buf *b = &r->out;

	H(b, "<form class=\"document-revise\" method=\"post\" enctype=\"multipart/form-data\" "
	     "action=\"/documents/");
	html_url(b, d->url);
	H(b, "/revisions\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n<label for=\"f-file\">");
	html_text(b, arena_printf(r->arena, _("Upload %s"), view_document_revision(r, d->latest + 1)));
	H(b, "</label>\n<p class=\"hint\" id=\"hint-file\">");
	html_text(b, _("PDF, DOCX, ODT or plain text (UTF-8). The earlier revisions are kept."));
	H(b, "</p>\n");
	if (error != NULL) {
		H(b, "<p class=\"error\" id=\"err-file\" role=\"alert\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
	H(b, "<input id=\"f-file\" name=\"file\" type=\"file\" required "
	     "accept=\".pdf,.docx,.odt,.txt,application/pdf,text/plain\"");
	if (error != NULL)
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-file hint-file\"");
	else
		H(b, " aria-describedby=\"hint-file\"");
	H(b, ">\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Upload the revision"));
	H(b, "</button></p>\n</form>\n");
}

static void
revisions_table(struct request *r, const struct document *d)
{
	struct buf *b = &r->out;
	struct document_revision *rv = NULL;
	struct err e;
	int n = document_revisions(r->db, r->arena, d->id, &rv, &e);

	H(b, "<h2>");
	html_text(b, _("Revisions"));
	H(b, "</h2>\n");
	if (n <= 0) {
		H(b, "<p>");
		html_text(b, _("No revision can be shown."));
		H(b, "</p>\n");
		return;
	}
	H(b, "<table class=\"revisions\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Revision"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("File"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Size"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Uploaded"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = n - 1; i >= 0; i--) {
		H(b, "<tr><td>");
		html_text(b, view_document_revision(r, rv[i].number));
		H(b, "</td><td><a href=\"/documents/");
		html_url(b, d->url);
		H(b, "/revisions/");
		html_int(b, rv[i].number);
		H(b, "\" download>");
		html_text(b, rv[i].filename);
		H(b, "</a></td><td class=\"count\">");
		html_text(b, arena_printf(r->arena, _("%s bytes"), view_num(r, rv[i].size)));
		H(b, "</td><td>");
		view_time(r, rv[i].uploaded_at);
		if (rv[i].uploaded_by[0] && (str_eq(r->role, "secretariat") ||
					     document_may_write(d->author_state, r->role, r->state_code))) {
			H(b, " (");
			html_text(b, rv[i].uploaded_by);
			H(b, ")");
		}
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
}

int
page_document_show(struct request *r, const struct document *d, const char *revise_error, int status)
{
	struct buf *b = &r->out;
	const char *title = mtext_pick(&d->title, r->lang, NULL);
	int may_write = r->session_id != 0 && document_may_write(d->author_state, r->role, r->state_code);

	buf_reset(b);
	layout_begin(r, arena_printf(r->arena, "%s: %s", d->symbol, title ? title : ""));
	H(b, "<article class=\"document-page\">\n<p class=\"meta\"><a href=\"/documents\">");
	html_text(b, _("Documents"));
	H(b, "</a></p>\n<p class=\"symbol\">");
	html_text(b, d->symbol);
	H(b, "</p>\n<h1>");
	view_mtext(r, &d->title);
	H(b, "</h1>\n<p class=\"meta\">");
	view_document_badges(r, d);
	H(b, "</p>\n");
	view_text_versions(r, &d->title);	/* languages (issue 9) */
	if (revise_error != NULL) {
		H(b, "<div class=\"error-summary\" role=\"alert\"><h2>");
		html_text(b, _("The revision was not stored"));
		H(b, "</h2>\n<p><a href=\"#f-file\">");
		html_text(b, revise_error);
		H(b, "</a></p></div>\n");
	}
	H(b, "<dl class=\"document-facts\">\n<dt>");
	html_text(b, _("Meeting"));
	H(b, "</dt><dd><a href=\"/meetings/");
	html_int(b, d->meeting);
	H(b, "\">");
	html_text(b, arena_printf(r->arena, _("Meeting %d"), d->meeting));
	H(b, "</a></dd>\n");
	view_row(r, 0, _("Kind"), view_document_kind(d->kind));
	view_row(r, 0, _("Author"), view_document_author(d->author_state));
	view_row(r, 0, _("Status"), str_eq(d->status, "draft") ? _("Draft (not submitted)") : C_("document", "Submitted"));
	view_row(r, 0, _("Access"), d->is_public ? _("Public") : _("Members of the working group only"));
	H(b, "</dl>\n");
	revisions_table(r, d);
	if (may_write)
		revision_form(r, d, revise_error);
	if (may_write && str_eq(d->status, "draft"))
		button_form(r, d, "submit", _("Submit the document"),
			    _("A draft is seen only by your state's delegates and the secretariat. Once "
			      "submitted, every member of the working group can read it."));
	if (str_eq(r->role, "secretariat") && str_eq(d->status, "submitted") && !d->is_public)
		button_form(r, d, "publish", _("Make it public"),
			    _("Everyone, without an account, will be able to read this document and "
			      "all its revisions. This cannot be undone here."));
	H(b, "</article>\n");
	layout_end(r);
	if (r->session_id != 0 || !d->is_public)
		request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_document(struct request *r)
{
	struct document d;

	if (load_visible(r, r->param[1], &d) != 0)
		return HANDLER_DONE;
	return page_document_show(r, &d, NULL, 200);
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266). */
static const char *
disposition(struct request *r, const char *filename)
{
	struct buf b;
	char *out;

	buf_init(&b);
	buf_puts(&b, "attachment; filename=\"");
	for (const char *p = filename; *p; p++)
		buf_putc(&b, (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '_');
	buf_puts(&b, "\"; filename*=UTF-8''");
	html_url(&b, filename);
	out = b.failed ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return out ? out : "attachment";
}

int
page_document_download(struct request *r)
{
	struct document d;
	struct document_revision *rv = NULL;
	struct err e;
	const char *n = r->param[1];
	char path[600];
	struct stat st;
	int number, count, fd;

	/* digits only, no leading zero but "0" itself (the original) */
	if (n == NULL || strlen(n) > 3 || strspn(n, "0123456789") != strlen(n) || (n[0] == '0' && n[1] != '\0'))
		return reply_problem(r, 404, NULL, "there is no revision at this address", NULL);
	number = atoi(n);
	if (document_get(r->db, r->arena, r->param[0], &d, &e) != 0 ||
	    !document_visible(d.status, d.is_public, d.author_state, r->role, r->state_code))
		return reply_problem(r, 404, NULL, "there is no revision at this address", NULL);
	if ((count = document_revisions(r->db, r->arena, d.id, &rv, &e)) < 0)
		return reply_err(r, &e);
	if (number >= count || rv[number].number != number)
		return reply_problem(r, 404, NULL, "there is no revision at this address", NULL);
	if (blob_path_e(r->srv->blobs, rv[number].sha256, path, sizeof(path), &e) != 0)
		return reply_err(r, &e);	/* the database unreachable (503) or the blob damaged (500) */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_warn("msg=\"document revision missing from the store\" document=%s revision=%d id=%s", d.url,
			 number, r->id);
		return reply_problem(r, 404, NULL, "this revision is missing from the store", NULL);
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return reply_problem(r, 503, NULL, "cannot read the revision", NULL);
	}
	r->file_fd = fd;
	r->file_size = st.st_size;
	r->content_type = rv[number].media_type;
	request_header(r, "Content-Disposition", disposition(r, rv[number].filename));
	/* members-only files must not sit in shared caches */
	request_header(r, "Cache-Control", d.is_public ? "public, max-age=3600" : "private, no-store");
	return HANDLER_DONE;
}

/* Submit and publish: one document, one change, then back to its page. */
static int
change(struct request *r, write_fn fn, const char *what)
{
	struct document_change *c = r->state;
	struct document d;

	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"document %s\" document=%s account=%lld id=%s", what, c->url,
				 (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/documents/%s", c->url));
		}
		if (r->write_err.kind == ERR_NOTFOUND)
			return not_found(r);
		if (r->write_err.kind == ERR_INVALID)
			return reply_error(r, 403, _("You may not change this document."));
		if (r->write_err.kind == ERR_CONFLICT)
			return reply_error(r, 409, str_eq(what, "submit")
						       ? _("This document is submitted already.")
						       : _("Only a submitted document that is not public yet can be "
							   "made public."));
		return reply_err(r, &r->write_err);
	}
	if (load_visible(r, r->param[1], &d) != 0)
		return HANDLER_DONE;
	if (!document_may_write(d.author_state, r->role, r->state_code) ||
	    (str_eq(what, "publish") && !str_eq(r->role, "secretariat")))
		return reply_error(r, 403, _("You may not change this document."));
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	c->who = (struct document_actor){ r->account_id, r->role, r->state_code, r->client };
	c->url = d.url;
	return request_write(r, fn, c);
}

int
page_document_submit(struct request *r)
{
	return change(r, notice_document_submit_fn, "submit");
}

int
page_document_publish(struct request *r)
{
	return change(r, document_publish_fn, "publish");
}

/* POST /documents/{symbol}/revisions: a new revision from the form on the document's page; a
 * refused file shows that page again with the error next to the file field. */
int
page_document_revise(struct request *r)
{
	struct document_change *c = r->state;
	struct document d;
	const char *why = NULL;
	int status = 0;

	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"document revised\" document=%s revision=%d account=%lld id=%s", c->url,
				 c->number, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/documents/%s", c->url));
		}
		if (r->write_err.kind == ERR_NOTFOUND)
			return not_found(r);
		if (r->write_err.kind == ERR_INVALID)
			return reply_error(r, 403, _("You may not change this document."));
		return reply_err(r, &r->write_err);
	}
	if (load_visible(r, r->param[1], &d) != 0)
		return HANDLER_DONE;
	if (!document_may_write(d.author_state, r->role, r->state_code))
		return reply_error(r, 403, _("You may not change this document."));
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (view_document_take_file(r, &c->file, &status, &why) != 0)
		return page_document_show(r, &d, why, status);
	c->who = (struct document_actor){ r->account_id, r->role, r->state_code, r->client };
	c->url = d.url;
	return request_write(r, notice_document_revise_fn, c);
}
