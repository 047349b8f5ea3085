/* extract_int.h: what the extractors of each format share inside the worker. */
#ifndef AGORA_EXTRACT_INT_H
#define AGORA_EXTRACT_INT_H
#include <stddef.h>

#include "extract.h"

/* The worker's output: buffered writes to fd, stopping at EXTRACT_MAX_TEXT bytes (cut at a
 * UTF-8 boundary). NUL bytes are dropped, so the text is a C string for the parent. */
struct xout {
	int fd;
	int full;		/* the cap was reached: the extractor may stop */
	int failed;		/* a write failed (the parent went away) */
	size_t total;		/* bytes accepted so far */
	size_t used;		/* bytes in buf */
	char buf[1 << 16];
};

void xout_init(struct xout *o, int fd);
/* Adds len bytes of valid UTF-8; returns -1 when the output is full or failed (stop), else 0. */
int xout_write(struct xout *o, const char *s, size_t len);
int xout_puts(struct xout *o, const char *s);
int xout_flush(struct xout *o);	/* 0 or -1 */

#define PDF_MAX_PAGES 2000		/* pages after these are not read */
#define OFFICE_MAX_XML (64u << 20)	/* the largest uncompressed XML part we inflate */
#define OFFICE_MAX_RATIO 100		/* refused: a part over 1 MiB inflating more than this */

enum extract_status pdf_extract(const char *path, struct xout *o, struct err *e);
enum extract_status docx_extract(const char *path, struct xout *o, struct err *e);
enum extract_status odt_extract(const char *path, struct xout *o, struct err *e);

/* Appends the UTF-8 line (without its newline) to o in logical order: poppler gives right-to-left
 * text in visual order (see pdf.c); exposed for the unit test. */
int pdf_logical_line(const char *line, size_t len, struct xout *o);

#endif
