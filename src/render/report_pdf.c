/* report_pdf.c: the Chair's report as an A4 PDF, laid out with pango and drawn with cairo, in
 * `agora worker render-pdf` only (report_worker.c starts it). The fonts are named (Noto Sans,
 * Noto Sans CJK SC, Noto Naskh Arabic: STACK-NOTES.md), every block carries its language
 * (Chinese as zh-CN, or it is drawn with Japanese glyphs), and paragraphs take their direction
 * from their text (pango_layout_set_auto_dir). Lines flow from page to page; every page has the
 * document symbol in its header and "Page N of M" in its footer, so the layout runs twice: once
 * to count the pages, once to draw them. */
#include "render.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>

#define PAGE_W 595.276	/* A4 in points */
#define PAGE_H 841.890
#define MARGIN 62.0
#define TOP (MARGIN + 18.0)	/* below the header */
#define BOTTOM (PAGE_H - MARGIN - 18.0)	/* above the footer */
#define FONTS "Noto Sans, Noto Sans CJK SC, Noto Naskh Arabic"

struct pdf {
	cairo_t *cr;
	PangoContext *ctx;
	const struct report *rp;
	int draw;	/* 0: the counting pass */
	int page, pages;
	double y;	/* where the next block starts */
	int rtl;
	struct err *e;
};

/* What cairo writes goes to the fd (or nowhere in the counting pass). */
static cairo_status_t
write_fd(void *closure, const unsigned char *data, unsigned int len)
{
	int fd = *(int *)closure;

	while (fd >= 0 && len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return CAIRO_STATUS_WRITE_ERROR;
		data += n;
		len -= (unsigned)n;
	}
	return CAIRO_STATUS_SUCCESS;
}

static PangoLayout *
layout_new(struct pdf *p, const char *markup, double size, double width)
{
	PangoLayout *l = pango_layout_new(p->ctx);
	PangoFontDescription *fd = pango_font_description_from_string(FONTS);

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_auto_dir(l, TRUE);
	/* with a right-to-left base, ALIGN_RIGHT is the start; a left-to-right line flips it */
	pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_spacing(l, (int)(size * 0.25 * PANGO_SCALE));
	pango_layout_set_markup(l, markup, -1);
	return l;
}

/* The header (the symbol, at the line's end) and the footer ("Page N of M", centred). */
static void
page_furniture(struct pdf *p)
{
	const char *label = p->rp->page_label, *at;
	GString *footer = g_string_new(NULL);
	PangoLayout *l;
	char *esc;

	if (!p->draw) {
		g_string_free(footer, TRUE);
		return;
	}
	if (p->rp->symbol[0] != '\0') {
		esc = g_markup_escape_text(p->rp->symbol, -1);
		l = layout_new(p, esc, 9.0, PAGE_W - 2 * MARGIN);
		g_free(esc);
		pango_layout_set_auto_dir(l, FALSE);
		pango_layout_set_alignment(l, p->rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
		cairo_move_to(p->cr, MARGIN, MARGIN - 6.0);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
	}
	/* "{page}" and "{pages}" replaced; the rest is the translated label, escaped */
	while ((at = strchr(label, '{')) != NULL) {
		g_string_append_len(footer, label, at - label);
		if (strncmp(at, "{page}", 6) == 0) {
			g_string_append_printf(footer, "%d", p->page);
			label = at + 6;
		} else if (strncmp(at, "{pages}", 7) == 0) {
			g_string_append_printf(footer, "%d", p->pages);
			label = at + 7;
		} else {
			g_string_append_c(footer, '{');
			label = at + 1;
		}
	}
	g_string_append(footer, label);
	esc = g_markup_escape_text(footer->str, -1);
	g_string_free(footer, TRUE);
	l = layout_new(p, esc, 9.0, PAGE_W - 2 * MARGIN);
	g_free(esc);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	cairo_move_to(p->cr, MARGIN, PAGE_H - MARGIN);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
}

static void
page_new(struct pdf *p)
{
	if (p->page > 0 && p->draw)
		cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
	page_furniture(p);
}

/* Lays out markup (size points, indent from the start edge) and flows its lines onto the
 * pages, starting a new page where a line would cross the bottom. keep: the room (points) that
 * must follow it on the same page (a heading is not left alone at a page's foot). */
static void
flow(struct pdf *p, const char *markup, double size, double indent, double before, double after, double keep)
{
	double width = PAGE_W - 2 * MARGIN - indent, base;
	PangoLayout *l = layout_new(p, markup, size, width);
	PangoLayoutIter *it;
	PangoRectangle ink, logical;
	int first = 1;

	pango_layout_get_extents(l, &ink, &logical);
	if (p->y > TOP)
		p->y += before;
	if (keep > 0 && p->y + logical.height / (double)PANGO_SCALE + keep > BOTTOM && p->y > TOP)
		page_new(p);
	base = p->y;	/* the page position of the layout's top */
	it = pango_layout_get_iter(l);
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		double top, height, x;

		pango_layout_iter_get_line_extents(it, NULL, &logical);
		top = logical.y / (double)PANGO_SCALE;
		height = logical.height / (double)PANGO_SCALE;
		if (base + top + height > BOTTOM && !(first && p->y <= TOP)) {
			page_new(p);
			base = TOP - top;
		}
		first = 0;
		if (p->draw) {
			x = MARGIN + (p->rtl ? 0 : indent) + logical.x / (double)PANGO_SCALE;
			cairo_move_to(p->cr, x, base + pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE);
			pango_cairo_show_layout_line(p->cr, line);
		}
		p->y = base + top + height;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	p->y += after;
}

/* text escaped, in a span that names its language. */
static char *
span(enum lang l, const char *open, const char *text, const char *close)
{
	char *esc = g_markup_escape_text(text, -1);
	char *m = g_strdup_printf("<span lang=\"%s\">%s%s%s</span>", l == LANG_ZH ? "zh-CN" : lang_code(l), open,
				  esc, close);
	g_free(esc);
	return m;
}

static void
plain(struct pdf *p, const struct report_block *k, const char *open, const char *close, double size, double indent,
      double before, double after, double keep)
{
	char *m = span(k->lang, open, k->text, close);

	flow(p, m, size, indent, before, after, keep);
	g_free(m);
}

static int
markdown(struct pdf *p, const struct report_block *k)
{
	struct arena *a = arena_new();
	struct md_par *pars = NULL;
	int n;

	if (a == NULL || (n = md_flatten(a, k->text, &pars)) < 0) {
		arena_free(a);
		return err_set(p->e, ERR_BUSY, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		const struct md_par *mp = &pars[i];
		GString *m = g_string_new(NULL);

		g_string_append_printf(m, "<span lang=\"%s\">", k->lang == LANG_ZH ? "zh-CN" : lang_code(k->lang));
		if (mp->prefix != NULL)
			g_string_append_printf(m, "%s\t", mp->prefix);	/* "•" or "3.": no markup in it */
		if (mp->kind == MD_HEADING)
			g_string_append(m, "<b>");
		for (int r = 0; r < mp->nruns; r++) {
			unsigned s = mp->runs[r].style;
			char *esc = g_markup_escape_text(mp->runs[r].text, -1);

			g_string_append_printf(m, "%s%s%s%s%s%s%s", s & MD_BOLD ? "<b>" : "", s & MD_ITALIC ? "<i>" : "",
					       s & MD_CODE ? "<tt>" : "", esc, s & MD_CODE ? "</tt>" : "",
					       s & MD_ITALIC ? "</i>" : "", s & MD_BOLD ? "</b>" : "");
			g_free(esc);
		}
		if (mp->kind == MD_HEADING)
			g_string_append(m, "</b>");
		g_string_append(m, "</span>");
		flow(p, m->str, mp->kind == MD_HEADING ? 11.5 : 10.5, mp->indent * 16.0, 2.0, 5.0,
		     mp->kind == MD_HEADING ? 30.0 : 0);
		g_string_free(m, TRUE);
	}
	arena_free(a);
	return 0;
}

/* One pass over the blocks. */
static int
pass(struct pdf *p)
{
	p->page = 0;
	page_new(p);
	for (int i = 0; i < p->rp->nblocks; i++) {
		const struct report_block *k = &p->rp->blocks[i];
		char *m;

		switch (k->kind) {
		case RB_TITLE:
			plain(p, k, "<b>", "</b>", 18.0, 0, 0, 6.0, 40.0);
			break;
		case RB_SUBTITLE:
			plain(p, k, "", "", 11.0, 0, 0, 12.0, 0);
			break;
		case RB_H1:
			plain(p, k, "<b>", "</b>", 14.0, 0, 14.0, 6.0, 40.0);
			break;
		case RB_H2:
			plain(p, k, "<b>", "</b>", 12.5, 0, 10.0, 5.0, 40.0);
			break;
		case RB_H3:
			plain(p, k, "<b><i>", "</i></b>", 11.0, 0, 8.0, 4.0, 30.0);
			break;
		case RB_PARA:
			plain(p, k, "", "", 10.5, 0, 2.0, 5.0, 0);
			break;
		case RB_NOTE:
			plain(p, k, "<i>", "</i>", 10.5, 0, 2.0, 5.0, 0);
			break;
		case RB_ITEM:
			/* the label is escaped too: it comes from the model like everything else */
			m = span(k->lang, "", k->label ? k->label : "", "");
			{
				char *t = span(k->lang, "", k->text, "");
				char *both = g_strdup_printf("%s\t%s", m, t);

				flow(p, both, 10.5, 18.0, 2.0, 4.0, 0);
				g_free(t);
				g_free(both);
			}
			g_free(m);
			break;
		case RB_MARKDOWN:
			if (markdown(p, k) != 0)
				return -1;
			break;
		}
	}
	if (p->draw)
		cairo_show_page(p->cr);
	return 0;
}

/* One pass on a new PDF surface writing to fd (-1: nowhere). */
static int
run_pass(const struct report *rp, int fd, int draw, int pages, int *counted, struct err *e)
{
	int closure = fd;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_fd, &closure, PAGE_W, PAGE_H);
	struct pdf p = { .rp = rp, .draw = draw, .pages = pages, .rtl = lang_is_rtl(rp->lang), .e = e };
	cairo_status_t cs;
	int rc;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, rp->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Agora");
	p.cr = cairo_create(s);
	p.ctx = pango_cairo_create_context(p.cr);
	pango_context_set_language(p.ctx, pango_language_from_string(rp->lang == LANG_ZH ? "zh-CN" : lang_code(rp->lang)));
	pango_context_set_base_dir(p.ctx, p.rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	rc = pass(&p);
	*counted = p.page;
	g_object_unref(p.ctx);
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	cs = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (rc == 0 && cs != CAIRO_STATUS_SUCCESS)
		return err_set(e, ERR_INTERNAL, "cannot write the PDF: %s", cairo_status_to_string(cs));
	return rc;
}

int
report_render_pdf(const struct report *rp, int fd, struct err *e)
{
	int pages = 0, drawn = 0;

	if (run_pass(rp, -1, 0, 0, &pages, e) != 0 || run_pass(rp, fd, 1, pages, &drawn, e) != 0)
		return -1;
	return 0;
}
