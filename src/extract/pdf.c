/* pdf.c: the text of a PDF with poppler-glib, right-to-left lines put back in logical order.
 *
 * poppler's text (poppler_page_get_text, and get_text_for_area and get_selected_text, which share
 * its layout) is in VISUAL order for right-to-left script, wrapped in bidi embedding marks, and
 * producers differ in what one mark-wrapped piece holds (docs/EXTRACTION.md has the evidence):
 *   - cairo (pango, Firefox, Inkscape...) draws one glyph at a time: each piece is one glyph
 *     (one letter, or the two letters of a lam-alef ligature), and the pieces are in visual order,
 *     so is the text inside a ligature piece;
 *   - Skia (Chromium's "Save as PDF") gives a whole word per piece, the letters inside it already
 *     in logical order, the words in visual order.
 * So each line is first made wholly visual (the letters of a word piece reversed, a glyph piece
 * kept), then ICU's inverse bidi algorithm turns the visual line into logical order, and the marks
 * are dropped. A line with no right-to-left letter is kept as poppler gives it. */
#include "extract_int.h"

#include <glib.h>
#include <poppler.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubidi.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#define RLE 0x202b
#define PDF_MARK 0x202c

/* The bidi formatting characters poppler adds; none belongs in the index. */
static int
is_bidi_mark(UChar32 c)
{
	return (c >= 0x202a && c <= 0x202e) || c == 0x200e || c == 0x200f || (c >= 0x2066 && c <= 0x2069);
}

static int
is_rtl(UChar32 c)
{
	UCharDirection d = u_charDirection(c);

	return d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC;
}

static int
is_alef(UChar c)
{
	return c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0627;
}

/* Skia's lam-alef: the ligature is one glyph whose text (lam, alef) poppler reverses with the rest
 * of the right-to-left run, so it comes out alef, lam. Where that cannot be real Arabic it is put
 * back: a piece that is only alef, lam (the word "la"), and alef, lam after another alef (the
 * article before a word that starts with alef: al-ittisalat, al-a'da'). Elsewhere alef, lam is
 * also correct Arabic (salem / salam), so it is left as it is (docs/EXTRACTION.md). */
static void
fix_skia_lam_alef(UChar *u, int32_t from, int32_t to)
{
	UChar t;

	if (to - from == 2 && is_alef(u[from]) && u[from + 1] == 0x0644) {
		u[from + 1] = u[from];
		u[from] = 0x0644;
		return;
	}
	for (int32_t j = from + 1; j + 1 < to; j++)
		if (is_alef(u[j - 1]) && is_alef(u[j]) && u[j + 1] == 0x0644) {
			t = u[j];
			u[j] = u[j + 1];
			u[j + 1] = t;
			j++;
		}
}

/* Reverses the code points of u[from..to) in place (a surrogate pair stays a pair). */
static void
reverse_code_points(UChar *u, int32_t from, int32_t to)
{
	int32_t i, j;
	UChar t;

	for (i = from, j = to - 1; i < j; i++, j--) {
		t = u[i];
		u[i] = u[j];
		u[j] = t;
	}
	/* Reversing units turned each pair into low, high: swap them back. */
	for (i = from; i + 1 < to; i++)
		if (U16_IS_TRAIL(u[i]) && U16_IS_LEAD(u[i + 1])) {
			t = u[i];
			u[i] = u[i + 1];
			u[i + 1] = t;
			i++;
		}
}

/* Writes the UTF-16 text u[0..n) to o as UTF-8. */
static int
write_utf16(struct xout *o, const UChar *u, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t need = 0;
	char *s;
	int rc;

	u_strToUTF8WithSub(NULL, 0, &need, u, n, 0xfffd, NULL, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return -1;
	if ((s = malloc((size_t)need + 1)) == NULL)
		return -1;
	st = U_ZERO_ERROR;
	u_strToUTF8WithSub(s, need + 1, NULL, u, n, 0xfffd, NULL, &st);
	rc = U_FAILURE(st) ? -1 : xout_write(o, s, (size_t)need);
	free(s);
	return rc;
}

int
pdf_logical_line(const char *line, size_t len, struct xout *o)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0, i, k, seg_start = -1, pieces = 0, one_letter = 0, rtl = 0, ltr = 0, outn;
	UChar *u = NULL, *vis = NULL, *logical = NULL;
	UBiDi *bidi = NULL;
	int glyph_pieces, rc = -1;
	UChar32 c;

	if (len > INT32_MAX / 2)
		return -1;
	u_strFromUTF8WithSub(NULL, 0, &n, line, (int32_t)len, 0xfffd, NULL, &st);
	if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
		return -1;
	if ((u = malloc(((size_t)n + 1) * sizeof(UChar))) == NULL ||
	    (vis = malloc(((size_t)n + 1) * sizeof(UChar))) == NULL)
		goto out;
	st = U_ZERO_ERROR;
	u_strFromUTF8WithSub(u, n + 1, NULL, line, (int32_t)len, 0xfffd, NULL, &st);
	if (U_FAILURE(st))
		goto out;
	/* Count the letters of each direction, and the mark-wrapped pieces of one code point. */
	for (i = 0; i < n;) {
		U16_NEXT(u, i, n, c);
		if (c == RLE) {
			seg_start = i;
		} else if (c == PDF_MARK && seg_start >= 0) {
			k = seg_start;
			U16_FWD_1(u, k, n);
			pieces++;
			one_letter += k == i - 1;	/* one code point before the closing mark */
			seg_start = -1;
		} else if (is_rtl(c)) {
			rtl++;
		} else if (u_charDirection(c) == U_LEFT_TO_RIGHT) {
			ltr++;
		}
	}
	if (rtl == 0) {	/* nothing to reorder: poppler's text as it is, without marks */
		for (i = 0, k = 0; i < n;) {
			int32_t at = i;
			U16_NEXT(u, i, n, c);
			if (!is_bidi_mark(c))
				while (at < i)
					vis[k++] = u[at++];
		}
		rc = write_utf16(o, vis, k);
		goto out;
	}
	/* Glyph pieces (cairo) are already visual; word pieces (Skia) are logical inside. */
	glyph_pieces = one_letter * 2 >= pieces;
	seg_start = -1;
	for (i = 0; i < n;) {
		U16_NEXT(u, i, n, c);
		if (c == RLE)
			seg_start = i;
		else if (c == PDF_MARK && seg_start >= 0) {
			if (!glyph_pieces) {
				fix_skia_lam_alef(u, seg_start, i - 1);
				reverse_code_points(u, seg_start, i - 1);
			}
			seg_start = -1;
		}
	}
	for (i = 0, k = 0; i < n;) {
		int32_t at = i;
		U16_NEXT(u, i, n, c);
		if (!is_bidi_mark(c))
			while (at < i)
				vis[k++] = u[at++];
	}
	/* The visual line back to logical order, its base direction that of most of its letters. */
	st = U_ZERO_ERROR;
	if ((bidi = ubidi_openSized(k, 0, &st)) == NULL || U_FAILURE(st))
		goto out;
	ubidi_setReorderingMode(bidi, UBIDI_REORDER_INVERSE_LIKE_DIRECT);
	ubidi_setPara(bidi, vis, k, rtl > ltr ? UBIDI_RTL : UBIDI_LTR, NULL, &st);
	if (U_FAILURE(st))
		goto out;
	if ((logical = malloc(((size_t)k * 2 + 1) * sizeof(UChar))) == NULL)
		goto out;
	outn = ubidi_writeReordered(bidi, logical, k * 2 + 1, UBIDI_REMOVE_BIDI_CONTROLS, &st);
	if (U_FAILURE(st))
		goto out;
	rc = write_utf16(o, logical, outn);
out:
	if (bidi != NULL)
		ubidi_close(bidi);
	free(logical);
	free(vis);
	free(u);
	return rc;
}

/* --- pages poppler reads as right-to-left --- */

#define LRE 0x202a
#define GAP_SPACE 0.06	/* a gap wider than this times the line's height is a space */

/* A code point of a line with where poppler put it. */
struct pchar {
	UChar32 c;
	int dir;	/* 0 outside any piece, 1 in a right-to-left piece, 2 in a left-to-right one */
	int piece;	/* the piece's number, or -1 outside */
	int rect;	/* its rectangle in the page's layout, or -1 */
};

static int
is_poppler_mark(UChar32 c)
{
	return c >= 0x202a && c <= 0x202e;
}

/* Appends c to o as UTF-8. */
static int
put_cp(struct xout *o, UChar32 c)
{
	uint8_t b[4];
	int32_t k = 0;
	UBool err = 0;

	U8_APPEND(b, k, 4, c, err);
	return err ? 0 : xout_write(o, (const char *)b, (size_t)k);
}

static int
is_alef32(UChar32 c)
{
	return c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0627;
}

/* fix_skia_lam_alef on code points. */
static void
fix_lam_alef32(UChar32 *u, int n)
{
	UChar32 t;

	if (n == 2 && is_alef32(u[0]) && u[1] == 0x0644) {
		u[1] = u[0];
		u[0] = 0x0644;
		return;
	}
	for (int j = 1; j + 1 < n; j++)
		if (is_alef32(u[j - 1]) && is_alef32(u[j]) && u[j + 1] == 0x0644) {
			t = u[j];
			u[j] = u[j + 1];
			u[j + 1] = t;
			j++;
		}
}

/* When most of a page's letters are right-to-left, poppler gives its lines in LOGICAL order,
 * piece after piece, but what is inside a piece is as on an LTR page (a cairo glyph piece is
 * visual, a Skia word piece logical with its lam-alef reversed), and its spaces are wrong (Skia:
 * missing between words; cairo: one glyph off). So each piece is put in logical order and the
 * spaces are made again from the gaps between the pieces' rectangles, when poppler gave one
 * rectangle per character (rects != NULL). */
static int
rtl_page_line(const char *line, size_t len, const PopplerRectangle *rects, int first_rect, struct xout *o)
{
	struct pchar *pc;
	UChar32 *tmp;
	int32_t i = 0, n8 = (int32_t)len;
	int n = 0, depth = 0, stack[16], pid = 0, cur = -1, rc = 0, pieces = 0, one = 0, glyphs;
	int next_rect = first_rect, k, j, have_prev = 0;
	double prev_min = 0, height = 0;
	UChar32 c;

	if ((pc = malloc((len + 1) * sizeof(*pc))) == NULL)
		return -1;
	if ((tmp = malloc((len + 1) * sizeof(*tmp))) == NULL) {
		free(pc);
		return -1;
	}
	while (i < n8) {
		U8_NEXT(line, i, n8, c);
		if (c < 0)
			c = 0xfffd;
		if (c == RLE || c == LRE || c == 0x202d || c == 0x202e) {
			if (depth < 16)
				stack[depth] = c == RLE || c == 0x202e ? 1 : 2;
			depth++;
			cur = pid++;
			continue;
		}
		if (c == PDF_MARK) {
			if (depth > 0)
				depth--;
			cur = depth > 0 ? pid++ : -1;
			continue;
		}
		pc[n].c = c;
		pc[n].dir = depth > 0 ? stack[depth > 16 ? 15 : depth - 1] : 0;
		pc[n].piece = depth > 0 ? cur : -1;
		pc[n].rect = rects != NULL ? next_rect++ : -1;
		if (pc[n].rect >= 0 && rects[pc[n].rect].y2 - rects[pc[n].rect].y1 > height)
			height = rects[pc[n].rect].y2 - rects[pc[n].rect].y1;
		n++;
	}
	/* Glyph pieces (cairo) or word pieces (Skia), as in pdf_logical_line. */
	for (k = 0; k < n; k = j) {
		for (j = k + 1; j < n && pc[j].piece == pc[k].piece && pc[k].piece >= 0; j++)
			;
		if (pc[k].dir == 1) {
			pieces++;
			one += j - k == 1;
		}
	}
	glyphs = one * 2 >= pieces;
	for (k = 0; k < n && rc == 0; k = j) {
		double lo = 1e300, hi = -1e300;

		for (j = k + 1; j < n && pc[j].piece == pc[k].piece && pc[k].piece >= 0; j++)
			;
		/* Outside pieces, poppler's spaces are dropped when the rectangles can replace them. */
		if (pc[k].piece < 0 && rects != NULL && u_isspace(pc[k].c))
			continue;
		for (int m = k; m < j; m++)
			if (pc[m].rect >= 0) {
				const PopplerRectangle *r = &rects[pc[m].rect];
				lo = fmin(lo, fmin(r->x1, r->x2));
				hi = fmax(hi, fmax(r->x1, r->x2));
			}
		if (rects != NULL && have_prev && prev_min - hi > GAP_SPACE * height)
			rc = xout_write(o, " ", 1);
		if (pc[k].dir == 1) {
			for (int m = k; m < j; m++)
				tmp[m - k] = pc[m].c;
			if (glyphs) {	/* a glyph's letters are visual */
				for (int a = 0, b = j - k - 1; a < b; a++, b--) {
					UChar32 t = tmp[a];
					tmp[a] = tmp[b];
					tmp[b] = t;
				}
			} else {
				fix_lam_alef32(tmp, j - k);
			}
			for (int m = 0; m < j - k && rc == 0; m++)
				rc = put_cp(o, tmp[m]);
		} else {
			for (int m = k; m < j && rc == 0; m++)
				rc = put_cp(o, pc[m].c);
		}
		if (lo <= hi) {
			prev_min = lo;
			have_prev = 1;
		}
	}
	free(tmp);
	free(pc);
	return rc;
}

/* Is the page mostly right-to-left letters? Then poppler gives it in logical order. */
static int
page_is_rtl(const char *text)
{
	int32_t i = 0, n = (int32_t)strlen(text);
	long rtl = 0, ltr = 0;
	UChar32 c;

	while (i < n) {
		U8_NEXT(text, i, n, c);
		if (c < 0)
			continue;
		if (is_rtl(c))
			rtl++;
		else if (u_charDirection(c) == U_LEFT_TO_RIGHT)
			ltr++;
	}
	return rtl > ltr;
}

/* The number of characters poppler's layout has a rectangle for in text[0..len): all but its
 * embedding marks. */
static int
rect_chars(const char *text, size_t len)
{
	int32_t i = 0, n8 = (int32_t)len;
	int n = 0;
	UChar32 c;

	while (i < n8) {
		U8_NEXT(text, i, n8, c);
		n += !is_poppler_mark(c);
	}
	return n;
}

/* Writes the page's text, line by line in logical order. Returns the number of non-space bytes
 * written, or -1 when the output is full. */
static long
page_text(PopplerPage *page, struct xout *o)
{
	char *text = poppler_page_get_text(page), *p, *nl;
	PopplerRectangle *rects = NULL;
	guint nrects = 0;
	int rtl, rect = 0;
	long visible = 0;

	if (text == NULL)
		return 0;
	if ((rtl = page_is_rtl(text))) {
		/* poppler's text is a selection from the rectangle's first corner to its second, in
		 * reading order: from the top left, a right-to-left page loses all its lines but the
		 * last (the top left is the END of the first line). Select from the top right. */
		PopplerRectangle area;
		double w, h;

		poppler_page_get_size(page, &w, &h);
		area.x1 = w;
		area.y1 = 0;
		area.x2 = 0;
		area.y2 = h;
		g_free(text);
		if ((text = poppler_page_get_text_for_area(page, &area)) == NULL)
			return 0;
		if (!poppler_page_get_text_layout_for_area(page, &area, &rects, &nrects))
			rects = NULL;
	}
	if (rtl && rects != NULL && (guint)rect_chars(text, strlen(text)) != nrects) {
		g_free(rects);	/* not one rectangle per character: poppler's spaces are kept */
		rects = NULL;
	}
	for (p = text; *p != '\0'; p = nl + 1) {
		size_t len;
		int r;

		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		for (size_t i = 0; i < len; i++)
			visible += p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\f';
		r = rtl ? rtl_page_line(p, len, rects, rect, o) : pdf_logical_line(p, len, o);
		if (r != 0 || xout_write(o, "\n", 1) != 0)
			break;
		rect += rect_chars(p, len) + 1;	/* the newline has one too */
		if (nl == NULL)
			break;
	}
	g_free(rects);
	g_free(text);
	return o->full || o->failed ? -1 : visible;
}

enum extract_status
pdf_extract(const char *path, struct xout *o, struct err *e)
{
	PopplerDocument *doc;
	GError *gerr = NULL;
	char *abs, *uri;
	int pages, i;
	long visible = 0, v;

	/* poppler wants a URI, which wants an absolute path. */
	abs = g_canonicalize_filename(path, NULL);
	uri = g_filename_to_uri(abs, NULL, &gerr);
	g_free(abs);
	if (uri == NULL) {
		err_set(e, ERR_INVALID, "bad file name: %s", gerr != NULL ? gerr->message : "?");
		g_clear_error(&gerr);
		return EXTRACT_FAILED;
	}
	doc = poppler_document_new_from_file(uri, NULL, &gerr);
	g_free(uri);
	if (doc == NULL) {
		/* An encrypted PDF is "damaged" for us too: we hold no password. */
		err_set(e, ERR_INVALID, "not a readable PDF: %s", gerr != NULL ? gerr->message : "?");
		g_clear_error(&gerr);
		return EXTRACT_FAILED;
	}
	pages = poppler_document_get_n_pages(doc);
	if (pages > PDF_MAX_PAGES)
		pages = PDF_MAX_PAGES;
	for (i = 0; i < pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);

		if (page == NULL)
			continue;
		v = page_text(page, o);
		g_object_unref(page);
		if (v < 0)
			break;	/* the text cap: what was written is kept */
		visible += v;
		if (xout_write(o, "\n", 1) != 0)	/* a blank line between pages */
			break;
	}
	g_object_unref(doc);
	if (o->failed) {
		err_set(e, ERR_INTERNAL, "cannot write the text");
		return EXTRACT_FAILED;
	}
	/* No visible character in any page: a scan without a text layer. */
	return visible == 0 && !o->full ? EXTRACT_NO_TEXT : EXTRACT_OK;
}
