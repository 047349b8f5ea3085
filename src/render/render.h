/* render.h: the Chair's report (domain/report.h) written out as a standalone HTML document, a
 * DOCX (WordprocessingML, for translators and editors) or a PDF (pango and cairo). The PDF is
 * drawn only in `agora worker render-pdf`, a child process under resource limits, so neither the
 * server nor the command links a layout engine into its own work beyond starting that child.
 * Also the Markdown of the report's texts flattened to styled paragraphs (render_md.c), which
 * the PDF and the DOCX writers share. */
#ifndef AGORA_RENDER_H
#define AGORA_RENDER_H
#include <stddef.h>

#include "../domain/report.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/err.h"

enum report_format { REPORT_HTML, REPORT_PDF, REPORT_DOCX, REPORT_FORMATS };
/* "html", "pdf", "docx" -> the format. 0, or -1 for anything else. */
int report_format_parse(const char *s, enum report_format *out);
const char *report_format_media_type(enum report_format f);
const char *report_format_ext(enum report_format f);

/* A standalone HTML document (UTF-8, escaped, lang and dir set) appended to out. 0, or -1
 * when out ran out of memory. */
int report_render_html(const struct report *rp, struct buf *out);
/* A DOCX file (a ZIP) appended to out. 0, or -1 with e set. */
int report_render_docx(const struct report *rp, struct buf *out, struct err *e);
/* In the calling process: the PDF written to fd. For `agora worker render-pdf` only. 0 or -1. */
int report_render_pdf(const struct report *rp, int fd, struct err *e);
/* Starts `exe worker render-pdf` under resource limits with the model as JSON on its stdin and
 * out_fd (a regular file, at offset 0) as its stdout, and waits for it (at most timeout_ms,
 * 0: the default of 120 s). 0 when it wrote the PDF, or -1 with e set. exe is the agora binary
 * (/proc/self/exe). */
int report_pdf_run(const char *exe, const struct report *rp, int out_fd, int timeout_ms, struct err *e);
/* Any of the three into fd (a regular file at offset 0): what the page and the command call. */
int report_render(const char *exe, const struct report *rp, enum report_format f, int fd, struct err *e);

/* ---- Markdown as styled paragraphs (render_md.c) ---------------------------------------- */
enum md_style { MD_BOLD = 1, MD_ITALIC = 2, MD_CODE = 4 };
struct md_run {
	const char *text;
	unsigned style;
};
enum md_par_kind { MD_PARA, MD_HEADING, MD_CODE_BLOCK };
struct md_par {
	enum md_par_kind kind;
	int level;		/* MD_HEADING: 1..6 */
	int indent;		/* list and quote depth */
	const char *prefix;	/* "•", "1." for the first paragraph of a list item; NULL otherwise */
	int nruns, cap;
	struct md_run *runs;
};
/* md (CommonMark; raw HTML dropped) as paragraphs in a. Returns their count, or -1. */
int md_flatten(struct arena *a, const char *md, struct md_par **out);

#endif
