/* sniff.h: the type of an attachment, from its content (libmagic), never from its name. */
#ifndef AGORA_SNIFF_H
#define AGORA_SNIFF_H
#include <stddef.h>

enum sniff_type {
	SNIFF_OTHER = 0,
	SNIFF_PDF,
	SNIFF_DOCX,
	SNIFF_ODT,
	SNIFF_TXT,
	SNIFF_PNG,
	SNIFF_JPEG
};

#define SNIFF_TEXT_MAX_BYTES (10 * 1024 * 1024)	/* larger text/plain files are SNIFF_OTHER */

/*
 * Returns the allowed type of the file at path, or SNIFF_OTHER for anything else: an empty file,
 * a symlink, a folder, a file that cannot be read, or a type libmagic does not name exactly
 * (a DOCX or ODT that libmagic only calls application/zip or application/octet-stream is OTHER).
 * SNIFF_TXT needs libmagic's text/plain and the whole file, at most SNIFF_TEXT_MAX_BYTES, to be
 * valid UTF-8 without NUL. Opens libmagic once per thread (MAGIC_MIME_TYPE | MAGIC_ERROR) and keeps
 * it for that thread; call sniff_thread_end before the thread exits.
 * When mime is not NULL and n > 0, it gets the MIME type libmagic reported, truncated to n - 1
 * bytes, or "" when libmagic failed (the failure is logged).
 */
enum sniff_type sniff_file(const char *path, char *mime, size_t n);

/*
 * The canonical media type we serve for an allowed type ("application/pdf", ...,
 * "text/plain; charset=utf-8"), NULL for SNIFF_OTHER. A static string.
 */
const char *sniff_media_type(enum sniff_type t);

/* The usual file extension without the dot ("pdf", "docx", ..., "jpg"), NULL for SNIFF_OTHER. */
const char *sniff_extension(enum sniff_type t);

void sniff_thread_end(void);	/* closes this thread's libmagic handle; safe to call twice */

#endif
