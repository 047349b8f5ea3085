/* view_document.c: shared document views and the upload of a document's file. */
#include "view_document.h"

#include <string.h>

#include "../domain/country.h"
#include "../extract/sniff.h"
#include "../store/blobs.h"
#include "../util/str.h"
#include "html.h"
#include "upload.h"
#include "view.h"

const char *
view_document_kind(const char *kind)
{
	if (str_eq(kind, "contribution"))
		return _("Contribution");
	if (str_eq(kind, "secretariat_report"))
		return _("Secretariat report");
	if (str_eq(kind, "chair_report"))
		return _("Chair's report");
	if (str_eq(kind, "consultation_summary"))
		return _("Consultation summary");
	if (str_eq(kind, "other"))
		return _("Other document");
	return kind ? kind : "";
}

const char *
view_document_author(const char *author_state)
{
	const char *name;

	if (author_state == NULL || author_state[0] == '\0')
		return _("Secretariat");
	name = country_name_local(author_state);
	return name ? name : author_state;
}

const char *
view_document_revision(struct request *r, int number)
{
	if (number == 0)
		return _("Original");
	/* TRANSLATORS: a document's revision: Rev.1, Rev.2... */
	return arena_printf(r->arena, _("Rev.%d"), number);
}

void
view_document_badges(struct request *r, const struct document *d)
{
	struct buf *b = &r->out;

	if (d->is_public) {
		H(b, "<span class=\"doc-badge doc-public\">");
		html_text(b, _("Public"));
	} else {
		H(b, "<span class=\"doc-badge doc-members\">");
		html_text(b, _("Members only"));
	}
	H(b, "</span>");
	if (str_eq(d->status, "draft")) {
		H(b, " <span class=\"doc-badge doc-draft\">");
		html_text(b, _("Draft"));
		H(b, "</span>");
	}
}

void
view_document_table(struct request *r, const struct document *d, int n)
{
	struct buf *b = &r->out;

	H(b, "<table class=\"documents\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Symbol"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Title"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Kind"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Author"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Latest revision"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Access"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><td class=\"symbol\"><a href=\"/documents/");
		html_url(b, d[i].url);
		H(b, "\">");
		html_text(b, d[i].symbol);
		H(b, "</a></td><td>");
		view_mtext(r, &d[i].title);
		H(b, "</td><td>");
		html_text(b, view_document_kind(d[i].kind));
		H(b, "</td><td>");
		html_text(b, view_document_author(d[i].author_state));
		H(b, "</td><td>");
		html_text(b, view_document_revision(r, d[i].latest));
		H(b, ", ");
		view_date(r, d[i].latest_at);
		H(b, "</td><td>");
		view_document_badges(r, &d[i]);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
}

/* A file name fit to keep and to send back in Content-Disposition. */
static const char *
clean_filename(struct request *r, const char *name, enum sniff_type t)
{
	if (name == NULL || !utf8_valid(name, strlen(name)) || strlen(name) > DOCUMENT_FILENAME_MAX_BYTES ||
	    strpbrk(name, "/\\\"\r\n\t") != NULL || name[0] == '\0' || name[0] == '.')
		return arena_printf(r->arena, "document.%s", sniff_extension(t));
	return name;
}

int
view_document_take_file(struct request *r, struct document_file *f, int *status, const char **why)
{
	struct upload *u = r->upload;
	struct upload_file *file = NULL;
	enum sniff_type t;
	char hex[BLOB_HEX_LEN];
	int64_t size;
	struct err e;

	for (int i = 0; u != NULL && i < u->nfiles; i++) {
		if (file != NULL || !str_eq(u->file[i].field, "file") || u->file[i].w == NULL) {
			*status = 422;
			*why = _("Send one file, in the field for it.");
			return -1;
		}
		file = &u->file[i];
	}
	if (file == NULL) {
		*status = 422;
		*why = _("Choose the file to upload.");
		return -1;
	}
	t = sniff_file(blob_temp_path(file->w), NULL, 0);
	if (t != SNIFF_PDF && t != SNIFF_DOCX && t != SNIFF_ODT && t != SNIFF_TXT) {
		*status = 415;
		*why = _("This file is not a PDF, DOCX, ODT or plain-text (UTF-8) document, judged by its "
			 "content; nothing was stored.");
		return -1;
	}
	if (blob_finish(file->w, hex, &size, &e) != 0) {
		file->w = NULL;
		*status = 503;
		*why = _("The file cannot be stored now; try again.");
		return -1;
	}
	file->w = NULL;
	f->sha256 = arena_strdup(r->arena, hex);
	f->filename = clean_filename(r, file->filename, t);
	f->media_type = sniff_media_type(t);
	f->size = size;
	if (f->sha256 == NULL) {
		*status = 503;
		*why = _("The service is busy; try again.");
		return -1;
	}
	return 0;
}
