/* svg.c: inline SVG bar charts (svg.h). */
#include "svg.h"

#include <string.h>

#include "../util/str.h"

#define WIDTH 640
#define LABEL_W 220	/* the labels' column; the bars start after it */
#define BAR_W 340	/* the longest bar */
#define ROW_H 26
#define BAR_H 18
#define PAD 6

/* Length of the UTF-8 sequence at s if valid (1 to 4), else 0. */
static int
utf8_seq(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (n == 0)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return utf8_valid((const char *)s, (size_t)n) ? n : 0;
}

/* Writes at most max_chars code points of s, escaped; with an ellipsis when it was cut. */
static void
text_cut(struct buf *b, const char *s, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t chars = 0;

	while (*p) {
		int n = utf8_seq(p);
		if (chars == max_chars) {
			buf_puts(b, "\xe2\x80\xa6");	/* … */
			return;
		}
		chars++;
		if (n == 0) {
			buf_puts(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default:
			if (n == 1 && *p < 0x20 && *p != '\t' && *p != '\n')
				buf_puts(b, "\xef\xbf\xbd");
			else
				buf_add(b, p, (size_t)n);
		}
		p += n;
	}
}

void
svg_text(struct buf *b, const char *s)
{
	text_cut(b, s, (size_t)-1);
}

static int
id_ok(const char *id)
{
	if (id == NULL || id[0] == '\0' || strlen(id) > 64)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

/* A bar's width in pixels: integer arithmetic, the same pixels whatever the locale; a
 * non-zero value shows. */
static long long
bar_width(int64_t value, int64_t max)
{
	int64_t v = value > 0 ? value : 0;
	long long w = max > 0 ? (long long)(v * BAR_W / max) : 0;

	return v > 0 && w < 1 ? 1 : w;
}

void
svg_bar_chart(struct buf *b, const char *id, const char *title, const struct svg_bar *bars, int n)
{
	svg_bar_chart_labelled(b, id, title, bars, NULL, n);
}

void
svg_bar_chart_labelled(struct buf *b, const char *id, const char *title, const struct svg_bar *bars,
		       const char *const *value_labels, int n)
{
	int64_t max = 0;
	int height;

	if (n < 0)
		n = 0;
	if (n > SVG_MAX_BARS)
		n = SVG_MAX_BARS;
	if (!id_ok(id))
		id = "chart";
	for (int i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	height = n * ROW_H + 2 * PAD;
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" direction=\"ltr\" "
		      "aria-labelledby=\"%s-title\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n",
		   id, WIDTH, height, WIDTH, height);
	buf_printf(b, "<title id=\"%s-title\">", id);
	svg_text(b, title);
	buf_puts(b, "</title>\n");
	/* Three groups (labels, bars, values) carry the class, colour, anchor and the labels' and
	 * bars' x once, not on every element: a page with five charts stays within its weight
	 * (docs/WEB.md). */
	buf_printf(b, "<g class=\"chart-label\" text-anchor=\"end\" fill=\"#1b2430\" transform=\"translate(%d)\">\n",
		   LABEL_W - PAD);
	for (int i = 0; i < n; i++) {
		buf_printf(b, "<text y=\"%d\">", PAD + i * ROW_H + BAR_H - 4);
		text_cut(b, bars[i].label, SVG_LABEL_CHARS);
		buf_puts(b, "</text>\n");
	}
	buf_printf(b, "</g>\n<g class=\"chart-bar\" fill=\"#1f4e79\" transform=\"translate(%d)\">\n", LABEL_W);
	for (int i = 0; i < n; i++)
		buf_printf(b, "<rect y=\"%d\" width=\"%lld\" height=\"%d\"/>\n", PAD + i * ROW_H,
			   bar_width(bars[i].value, max), BAR_H);
	buf_puts(b, "</g>\n<g class=\"chart-value\" fill=\"#1b2430\">\n");
	for (int i = 0; i < n; i++) {
		buf_printf(b, "<text x=\"%lld\" y=\"%d\">", (long long)LABEL_W + bar_width(bars[i].value, max) + PAD,
			   PAD + i * ROW_H + BAR_H - 4);
		if (value_labels != NULL && value_labels[i] != NULL)
			svg_text(b, value_labels[i]);	/* the reader's digits; geometry stays plain */
		else
			buf_printf(b, "%lld", (long long)(bars[i].value > 0 ? bars[i].value : 0));
		buf_puts(b, "</text>\n");
	}
	buf_puts(b, "</g>\n");
	buf_puts(b, "</svg>\n");
}
