/* file_text.h: what text extraction found in a file (table file_texts, filled by the 'extract'
 * job; see docs/EXTRACTION.md), for the notices on receipts and the secretariat's pages. */
#ifndef AGORA_FILE_TEXT_H
#define AGORA_FILE_TEXT_H
#include "../store/db.h"

/* "ok", "no_text" (a PDF without a text layer: not searchable), "unsupported" (an image),
 * "failed", or "" while the file has not been read yet (or on a database error). */
const char *file_text_status(struct db *db, const char *sha256);

#endif
