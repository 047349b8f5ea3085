/* view_document.h: what the document pages share: labels, the document table, the badge, and
 * taking the uploaded file of a document form. */
#ifndef AGORA_VIEW_DOCUMENT_H
#define AGORA_VIEW_DOCUMENT_H
#include "../domain/document.h"
#include "request.h"

#define DOCUMENTS_SHOWN 2000

const char *view_document_kind(const char *kind);	/* translated */
/* The author's name: the Member State in the page's language, or "Secretariat". */
const char *view_document_author(const char *author_state);
/* "Original", "Rev.1"... */
const char *view_document_revision(struct request *r, int number);
/* <span class="badge ...">Public</span> or "Members only" (and "Draft" for a draft). */
void view_document_badges(struct request *r, const struct document *d);
/* A table of documents: symbol (linked), title, kind, author, latest revision, badges. */
void view_document_table(struct request *r, const struct document *d, int n);
/* Takes the one file of the form's field "file": sniffed (PDF, DOCX, ODT or UTF-8 text only),
 * then finished into the blob store. Returns 0, or -1 with *status (422 no file, 415 a type not
 * allowed, 503) and *why, a message for the page; nothing is stored then (the temporary file
 * is removed when the request ends). */
int view_document_take_file(struct request *r, struct document_file *f, int *status, const char **why);

#endif
