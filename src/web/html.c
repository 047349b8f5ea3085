/* html.c: escaping by copying runs of safe bytes (STACK-NOTES.md), table-driven. */
#include "html.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

/* 0: copy as is; otherwise the index of its entity. */
static const unsigned char esc_index[256] = {
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const char *const esc_entity[] = { "", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
static const unsigned char esc_len[] = { 0, 5, 4, 4, 6, 5 };

void
html_textn(struct buf *b, const char *s, size_t n)
{
	size_t start = 0, i;

	if (s == NULL)
		return;
	for (i = 0; i < n; i++) {
		unsigned char k = esc_index[(unsigned char)s[i]];
		if (k == 0)
			continue;
		if (i > start)
			buf_add(b, s + start, i - start);
		buf_add(b, esc_entity[k], esc_len[k]);
		start = i + 1;
	}
	if (i > start)
		buf_add(b, s + start, i - start);
}

void
html_text(struct buf *b, const char *s)
{
	if (s != NULL)
		html_textn(b, s, strlen(s));
}

void
html_attr(struct buf *b, const char *s)
{
	html_text(b, s);
}

void
html_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_add(b, e, 3);
		}
	}
}

void
html_int(struct buf *b, int64_t v)
{
	buf_printf(b, "%lld", (long long)v);
}

void
html_markdown(struct buf *b, const char *md)
{
	char *out;

	if (md == NULL)
		return;
	/* CMARK_OPT_DEFAULT is safe in cmark 0.30: raw HTML and unsafe links are dropped. */
	out = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_NOBREAKS);
	if (out == NULL) {
		b->failed = 1;
		return;
	}
	html_raw_trusted(b, out);	/* cmark's own safe output */
	free(out);
}

void
html_raw_trusted(struct buf *b, const char *markup)
{
	buf_puts(b, markup);
}
