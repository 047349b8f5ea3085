/* buf.h: a growable byte buffer on the heap; a failed growth sticks in ->failed. */
#ifndef AGORA_BUF_H
#define AGORA_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* NUL-terminated when len > 0 */
	size_t len, cap;
	int failed;	/* an allocation failed: the content is incomplete */
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_reserve(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Gives up ownership of the data (free() it); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
