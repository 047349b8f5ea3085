/* html.h: the escape-by-default HTML writer. The short names escape; the one that writes raw
 * markup is long and rare (html_raw_trusted) so every use can be found with grep. */
#ifndef AGORA_HTML_H
#define AGORA_HTML_H
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

/* Text in element content: escapes & < > " ' (NULL writes nothing). */
void html_text(struct buf *b, const char *s);
void html_textn(struct buf *b, const char *s, size_t n);
/* A value inside a double-quoted attribute: same escaping. */
void html_attr(struct buf *b, const char *s);
/* One URL path segment or query value: percent-encodes all but [A-Za-z0-9-._~]. */
void html_url(struct buf *b, const char *s);
void html_int(struct buf *b, int64_t v);
/* Markdown rendered by cmark in its safe mode (raw HTML and javascript: links removed). */
void html_markdown(struct buf *b, const char *md);
/* Literal markup the code itself wrote, never data. */
void html_raw_trusted(struct buf *b, const char *markup);

/* Markup literals: H(b, "<p>") */
#define H(b, lit) buf_add((b), "" lit, sizeof(lit) - 1)	/* "" lit: literals only */

#endif
