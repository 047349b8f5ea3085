/* fuzz_markdown.c: the Markdown path of the reports (md_flatten, src/render/render_md.c: cmark
 * to paragraphs of styled runs for the PDF and DOCX writers) on any text. (html_markdown, the
 * path to HTML pages, is fuzz_html's.) Checked against cmark's own tree: the runs are the texts,
 * code spans, breaks and code blocks in order, each with the style its ancestors give (bold
 * inside strong, italic inside emphasis, code); headings have levels 1 to 6; indents are the
 * depth of lists and quotes; no raw HTML comes through as text. */
#include <cmark.h>

#include "fuzz.h"
#include "render/render.h"
#include "util/arena.h"

struct want {
	const char *text;
	unsigned style;
};

static unsigned
style_of(cmark_node *n)
{
	unsigned s = 0;

	for (cmark_node *p = cmark_node_parent(n); p != NULL; p = cmark_node_parent(p))
		if (cmark_node_get_type(p) == CMARK_NODE_STRONG)
			s |= MD_BOLD;
		else if (cmark_node_get_type(p) == CMARK_NODE_EMPH)
			s |= MD_ITALIC;
	return s;
}

/* The runs md_flatten should give for md, in order, into w (at most max); their count. */
static int
expected(const char *md, struct want *w, int max, cmark_node **doc_out)
{
	cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int n = 0;

	if (doc == NULL || it == NULL)
		abort();
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		const char *text = NULL;
		unsigned style = 0;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT: text = cmark_node_get_literal(node); style = style_of(node); break;
		case CMARK_NODE_CODE: text = cmark_node_get_literal(node); style = style_of(node) | MD_CODE; break;
		case CMARK_NODE_SOFTBREAK: text = " "; style = style_of(node); break;
		case CMARK_NODE_LINEBREAK: text = "\n"; style = style_of(node); break;
		case CMARK_NODE_CODE_BLOCK: text = cmark_node_get_literal(node); style = MD_CODE; break;
		default: break;
		}
		if (text != NULL && text[0] != '\0' && n < max) {
			w[n].text = text;
			w[n].style = style;
			n++;
		}
	}
	cmark_iter_free(it);
	*doc_out = doc;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct want want[4096];
	char *md = fuzz_cstr(data, size);
	struct arena *a = arena_new();
	struct md_par *pars = NULL;
	cmark_node *doc = NULL;
	int n, nwant, k = 0;

	if (a == NULL)
		abort();
	n = md_flatten(a, md, &pars);
	FUZZ_CHECK(n >= 0, "md_flatten failed on %zu bytes", size);
	nwant = expected(md, want, (int)(sizeof(want) / sizeof(want[0])), &doc);
	for (int i = 0; i < n; i++) {
		const struct md_par *p = &pars[i];
		FUZZ_CHECK(p->kind == MD_PARA || p->kind == MD_HEADING || p->kind == MD_CODE_BLOCK,
			   "paragraph %d has kind %d", i, (int)p->kind);
		FUZZ_CHECK(p->kind != MD_HEADING || (p->level >= 1 && p->level <= 6),
			   "a heading of level %d", p->level);
		FUZZ_CHECK(p->indent >= 0 && p->indent <= 1000, "paragraph %d is indented %d", i,
			   p->indent);
		for (int r = 0; r < p->nruns; r++, k++) {
			const struct md_run *run = &p->runs[r];
			FUZZ_CHECK(k < nwant, "a run \"%s\" that cmark's tree does not have", run->text);
			FUZZ_CHECK(strcmp(run->text, want[k].text) == 0, "run %d is \"%s\", not \"%s\"", k,
				   run->text, want[k].text);
			FUZZ_CHECK(run->style == want[k].style,
				   "run %d \"%s\" has style %u, its place in the tree gives %u", k,
				   run->text, run->style, want[k].style);
		}
	}
	FUZZ_CHECK(k == nwant || nwant == (int)(sizeof(want) / sizeof(want[0])),
		   "%d runs, cmark's tree has %d", k, nwant);
	cmark_node_free(doc);
	arena_free(a);
	free(md);
	return 0;
}
