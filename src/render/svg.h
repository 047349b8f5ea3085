/* svg.h: small bar charts drawn on the server as inline SVG (docs/SUMMARIES.md). Horizontal
 * bars, each with its label and its value; role="img" with a <title>. No style attribute (the
 * pages' Content-Security-Policy allows no inline style): classes styled by static/agora.css,
 * with presentation attributes as the fallback. Numbers are written with "%lld" and coordinates
 * are integers, so no locale changes a digit. Every label is escaped. */
#ifndef AGORA_SVG_H
#define AGORA_SVG_H
#include <stdint.h>

#include "../util/buf.h"

#define SVG_MAX_BARS 30		/* bars drawn; the data table beside the chart has them all */
#define SVG_LABEL_CHARS 28	/* a longer label is cut with an ellipsis (the table has it whole) */

struct svg_bar {
	const char *label;	/* UTF-8 text (NULL: empty) */
	int64_t value;		/* 0 or more; a negative value is drawn as 0 */
};

/* Writes one chart of n bars (the first SVG_MAX_BARS) to b. id names the chart for its
 * <title id="ID-title"> and must be unique in the page: [a-z0-9-] only, else "chart" is used.
 * title is the chart's accessible name. */
void svg_bar_chart(struct buf *b, const char *id, const char *title, const struct svg_bar *bars, int n);
/* The same with the value shown beside each bar written as value_labels[i] ("1 234" in the
 * page's language); value_labels NULL, or an entry NULL: plain digits. The geometry always
 * comes from the numbers. */
void svg_bar_chart_labelled(struct buf *b, const char *id, const char *title, const struct svg_bar *bars,
			    const char *const *value_labels, int n);
/* Text for SVG content or a double-quoted attribute: & < > " ' escaped; invalid UTF-8 bytes and
 * control characters other than tab and newline (not allowed in XML) become U+FFFD. */
void svg_text(struct buf *b, const char *s);

#endif
