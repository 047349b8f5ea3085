/* page_documents.h: the document page, shared with the handler that takes a revision. */
#ifndef AGORA_PAGE_DOCUMENTS_H
#define AGORA_PAGE_DOCUMENTS_H
#include "../domain/document.h"
#include "request.h"

/* Writes d's page (revise_error: a refused revision's message, shown next to the file field)
 * with status. Returns HANDLER_DONE. */
int page_document_show(struct request *r, const struct document *d, const char *revise_error, int status);

#endif
