/* render_md.c: a Markdown text as a list of paragraphs of styled runs (bold, italic, code), for
 * the writers that are not HTML: the PDF and the DOCX. Raw HTML is dropped, as the HTML writer
 * drops it; a link keeps its text. */
#include "render.h"

#include <cmark.h>
#include <string.h>

struct walk {
	struct arena *a;
	struct md_par *pars;
	int n, cap;
	unsigned style;
	int emph, strong;	/* open emphasis and strong nodes: they nest (*a *b* c*) */
	int indent;
	const char *pending_prefix;	/* a list item's marker, for its first paragraph */
	int failed;
};

static struct md_par *
par_new(struct walk *w, enum md_par_kind kind, int level)
{
	struct md_par *p;

	if (w->n == w->cap) {
		if ((p = arena_grow(w->a, w->pars, w->n, &w->cap, sizeof(*p))) == NULL) {
			w->failed = 1;
			return NULL;
		}
		w->pars = p;
	}
	p = &w->pars[w->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->level = level;
	p->indent = w->indent;
	p->prefix = w->pending_prefix;
	w->pending_prefix = NULL;
	return p;
}

static void
run_add(struct walk *w, const char *text, unsigned style)
{
	struct md_par *p;
	struct md_run *r;

	if (text == NULL || text[0] == '\0')
		return;
	if (w->n == 0 && par_new(w, MD_PARA, 0) == NULL)
		return;
	p = &w->pars[w->n - 1];
	if (p->nruns == p->cap) {
		if ((r = arena_grow(w->a, p->runs, p->nruns, &p->cap, sizeof(*r))) == NULL) {
			w->failed = 1;
			return;
		}
		p->runs = r;
	}
	if ((p->runs[p->nruns].text = arena_strdup(w->a, text)) == NULL) {
		w->failed = 1;
		return;
	}
	p->runs[p->nruns++].style = style;
}

/* The marker of item (a child of a list): "•", or its number for an ordered list. */
static const char *
item_marker(struct walk *w, cmark_node *item)
{
	cmark_node *list = cmark_node_parent(item), *c;
	int n;

	if (list == NULL || cmark_node_get_list_type(list) != CMARK_ORDERED_LIST)
		return "\xe2\x80\xa2";	/* U+2022 BULLET */
	n = cmark_node_get_list_start(list);
	for (c = cmark_node_first_child(list); c != NULL && c != item; c = cmark_node_next(c))
		n++;
	return arena_printf(w->a, "%d.", n);
}

int
md_flatten(struct arena *a, const char *md, struct md_par **out)
{
	struct walk w = { .a = a };
	cmark_node *doc = cmark_parse_document(md ? md : "", md ? strlen(md) : 0, CMARK_OPT_DEFAULT);
	cmark_iter *it;
	cmark_event_type ev;

	if (doc == NULL)
		return -1;
	if ((it = cmark_iter_new(doc)) == NULL) {
		cmark_node_free(doc);
		return -1;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !w.failed) {
		cmark_node *node = cmark_iter_get_node(it);
		int enter = ev == CMARK_EVENT_ENTER;

		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_LIST:
		case CMARK_NODE_BLOCK_QUOTE:
			w.indent += enter ? 1 : -1;
			break;
		case CMARK_NODE_ITEM:
			if (enter)
				w.pending_prefix = item_marker(&w, node);
			break;
		case CMARK_NODE_PARAGRAPH:
			if (enter)
				par_new(&w, MD_PARA, 0);
			break;
		case CMARK_NODE_HEADING:
			if (enter)
				par_new(&w, MD_HEADING, cmark_node_get_heading_level(node));
			break;
		case CMARK_NODE_CODE_BLOCK:
			if (par_new(&w, MD_CODE_BLOCK, 0) != NULL)
				run_add(&w, cmark_node_get_literal(node), MD_CODE);
			break;
		case CMARK_NODE_TEXT:
			run_add(&w, cmark_node_get_literal(node), w.style);
			break;
		case CMARK_NODE_CODE:
			run_add(&w, cmark_node_get_literal(node), w.style | MD_CODE);
			break;
		case CMARK_NODE_SOFTBREAK:
			run_add(&w, " ", w.style);
			break;
		case CMARK_NODE_LINEBREAK:
			run_add(&w, "\n", w.style);
			break;
		case CMARK_NODE_EMPH:
		case CMARK_NODE_STRONG:
			/* a count, not a flag: leaving an inner one keeps the outer one's style */
			if (cmark_node_get_type(node) == CMARK_NODE_EMPH)
				w.emph += enter ? 1 : -1;
			else
				w.strong += enter ? 1 : -1;
			w.style = (w.emph > 0 ? MD_ITALIC : 0u) | (w.strong > 0 ? MD_BOLD : 0u);
			break;
		default:	/* raw HTML, thematic breaks: dropped; links and images: their text */
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	if (w.failed)
		return -1;
	*out = w.pars;
	return w.n;
}
