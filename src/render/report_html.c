/* report_html.c: the Chair's report as one standalone HTML document (its own small style sheet,
 * no outside resources), every text escaped, Markdown through cmark's safe writer, lang and dir
 * on the document and on any block whose language differs (a text shown in its original). */
#include "render.h"

#include <string.h>

#include "../web/html.h"

static const char STYLE[] =
    "body{font-family:\"Noto Sans\",\"Noto Sans CJK SC\",\"Noto Naskh Arabic\",sans-serif;max-width:44em;"
    "margin:2em auto;padding:0 1em;line-height:1.5;color:#111}"
    "header.symbol{text-align:end;font-weight:bold;color:#444}"
    "h1{font-size:1.6em}h2{font-size:1.3em;margin-top:1.6em}h3{font-size:1.1em}h4{font-size:1em}"
    "p.period{color:#444}p.note{font-style:italic}"
    "ol.outcomes{list-style:none;padding-inline-start:1.5em}"
    "ol.outcomes li{margin:.4em 0}ol.outcomes .label{display:inline-block;min-width:1.8em}"
    "footer{margin-top:3em;color:#666;font-size:.9em}";

/* lang (and dir when it differs from the document's) for a block in l. */
static void
lang_attrs(struct buf *b, const struct report *rp, enum lang l)
{
	if (l == rp->lang)
		return;
	buf_puts(b, " lang=\"");
	html_attr(b, lang_code(l));
	buf_puts(b, "\"");
	if (lang_is_rtl(l) != lang_is_rtl(rp->lang))
		buf_puts(b, lang_is_rtl(l) ? " dir=\"rtl\"" : " dir=\"ltr\"");
}

static void
element(struct buf *b, const struct report *rp, const struct report_block *k, const char *tag,
	const char *cls)
{
	buf_printf(b, "<%s", tag);
	if (cls != NULL)
		buf_printf(b, " class=\"%s\"", cls);
	lang_attrs(b, rp, k->lang);
	buf_puts(b, ">");
	html_text(b, k->text);
	buf_printf(b, "</%s>\n", tag);
}

int
report_render_html(const struct report *rp, struct buf *b)
{
	int in_list = 0;

	buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(b, lang_code(rp->lang));
	buf_puts(b, lang_is_rtl(rp->lang) ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	buf_puts(b, "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		    "content=\"width=device-width, initial-scale=1\">\n<title>");
	if (rp->symbol[0] != '\0') {
		html_text(b, rp->symbol);
		buf_puts(b, " \xe2\x80\x94 ");	/* em dash */
	}
	html_text(b, rp->title);
	buf_puts(b, "</title>\n<style>");
	buf_puts(b, STYLE);
	buf_puts(b, "</style>\n</head>\n<body>\n");
	if (rp->symbol[0] != '\0') {
		buf_puts(b, "<header class=\"symbol\" dir=\"ltr\">");
		html_text(b, rp->symbol);
		buf_puts(b, "</header>\n");
	}
	buf_puts(b, "<main>\n");
	for (int i = 0; i < rp->nblocks; i++) {
		const struct report_block *k = &rp->blocks[i];

		if (in_list && k->kind != RB_ITEM) {
			buf_puts(b, "</ol>\n");
			in_list = 0;
		}
		switch (k->kind) {
		case RB_TITLE:
			element(b, rp, k, "h1", NULL);
			break;
		case RB_SUBTITLE:
			element(b, rp, k, "p", "period");
			break;
		case RB_H1:
			element(b, rp, k, "h2", NULL);
			break;
		case RB_H2:
			element(b, rp, k, "h3", NULL);
			break;
		case RB_H3:
			element(b, rp, k, "h4", NULL);
			break;
		case RB_PARA:
			element(b, rp, k, "p", NULL);
			break;
		case RB_NOTE:
			element(b, rp, k, "p", "note");
			break;
		case RB_MARKDOWN:
			buf_puts(b, "<div class=\"text\"");
			lang_attrs(b, rp, k->lang);
			buf_puts(b, ">\n");
			html_markdown(b, k->text);
			buf_puts(b, "</div>\n");
			break;
		case RB_ITEM:
			if (!in_list) {
				buf_puts(b, "<ol class=\"outcomes\">\n");
				in_list = 1;
			}
			buf_puts(b, "<li><span class=\"label\">");
			html_text(b, k->label ? k->label : "");
			buf_puts(b, "</span> <span");
			lang_attrs(b, rp, k->lang);
			buf_puts(b, ">");
			html_text(b, k->text);
			buf_puts(b, "</span></li>\n");
			break;
		}
	}
	if (in_list)
		buf_puts(b, "</ol>\n");
	buf_puts(b, "</main>\n</body>\n</html>\n");
	return b->failed ? -1 : 0;
}
