/* highlight.c: snippets and highlighted titles for the PostgreSQL index, made in C with our
 * tokenizer (PostgreSQL's ts_headline would use its own parser). They follow the rules of FTS5's
 * snippet() and highlight() (SQLite's ext/fts5/fts5_aux.c), so a result reads the same on both
 * backends:
 *
 *   - an instance is a place where every position of a phrase of the query has one of its
 *     tokens (the last as a prefix for conn*); overlapping instances are marked as one;
 *   - highlight() marks every instance in the whole text;
 *   - snippet() keeps a window of n tokens: for each instance, the window centred on the
 *     instances it holds (1,000 points for each phrase seen first, 1 for a phrase seen again),
 *     or the window from the start of the instance's sentence (a token after '.' or ':' and a
 *     space) with 100 points more (120 for the text's start); the best wins, the first of equals.
 *     '…' stands where the text is cut.
 *
 * The text is tokenized once, to find the instances and the sentences, and the byte range of
 * each of its first SPAN_KEEP positions is kept: the marks are put from those. FTS5 tokenizes
 * twice, and so did this file: for the long texts of some matches (responses with attachments,
 * 15 KB) the second pass was a third of a search's time. A window past what was kept (a text
 * of more than SPAN_KEEP words whose best window is far in) is found by tokenizing again, up to
 * the window's end. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "pg_int.h"
#include "search_int.h"

#define ELLIPSIS "\xe2\x80\xa6"	/* … */

struct match {
	int pos, phrase, slot;
};

struct inst {
	int start, end;		/* first and last position */
	int phrase;
};

#define SPAN_KEEP 8192	/* positions whose byte ranges the first pass keeps (64 KB) */
#define MARK_STOP 1000	/* mark_token's "stop", unlike any SQLite code */

/* The bytes of one position's token in the text. */
struct span {
	int start, end;
};

/* The first pass: matches and the sentences' first positions. */
struct scan {
	struct arena *a;
	const struct search_plan *p;
	const char *text;
	int pos;			/* of the last non-colocated token; -1 before the first */
	struct match *m;
	int nm, mcap;
	int *first;			/* positions that start a sentence */
	int nfirst, fcap;
	struct span *span;		/* the first SPAN_KEEP positions' bytes */
	int nspan, scap;
	int failed;
};

static int
token_matches(const struct search_slot *s, int prefix, const char *tok, int len)
{
	for (int i = 0; i < s->nalt; i++)
		if (prefix ? len >= s->len[i] && memcmp(tok, s->alt[i], (size_t)s->len[i]) == 0
			   : len == s->len[i] && memcmp(tok, s->alt[i], (size_t)len) == 0)
			return 1;
	return 0;
}

static int
scan_token(void *arg, int colocated, const char *tok, int len, int start, int end)
{
	struct scan *s = arg;

	(void)end;
	if (!colocated) {
		s->pos++;
		/* The sentence finder of FTS5: the first token, or one after '.' or ':' and white
		 * space. */
		int i = start - 1;
		char c = 0;
		while (i >= 0 && ((c = s->text[i]) == ' ' || c == '\t' || c == '\n' || c == '\r'))
			i--;
		if (s->pos == 0 || (i != start - 1 && i >= 0 && (c == '.' || c == ':'))) {
			int *grown = arena_grow(s->a, s->first, s->nfirst, &s->fcap, sizeof(*grown));
			if (grown == NULL)
				return s->failed = -1;
			s->first = grown;
			s->first[s->nfirst++] = s->pos;
		}
		if (s->pos < SPAN_KEEP) {
			struct span *grown = arena_grow(s->a, s->span, s->nspan, &s->scap, sizeof(*grown));
			if (grown == NULL)
				return s->failed = -1;
			s->span = grown;
			s->span[s->nspan++] = (struct span){ start, end };
		}
	}
	if (s->pos < 0)
		return 0;
	for (int ph = 0; ph < s->p->nphrases; ph++) {
		const struct search_phrase *p = &s->p->phrases[ph];
		for (int k = 0; k < p->nslots; k++) {
			struct match *grown;
			if (!token_matches(&p->slot[k], p->prefix && k == p->nslots - 1, tok, len))
				continue;
			if (s->nm > 0 && s->m[s->nm - 1].pos == s->pos && s->m[s->nm - 1].phrase == ph &&
			    s->m[s->nm - 1].slot == k)
				continue;	/* two stems of one word */
			if ((grown = arena_grow(s->a, s->m, s->nm, &s->mcap, sizeof(*grown))) == NULL)
				return s->failed = -1;
			s->m = grown;
			s->m[s->nm++] = (struct match){ s->pos, ph, k };
		}
	}
	return 0;
}

/* Whether matches (sorted by position) hold (pos, phrase, slot). */
static int
has_match(const struct match *m, int nm, int pos, int phrase, int slot)
{
	int lo = 0, hi = nm;

	while (lo < hi) {	/* the first match at pos or after */
		int mid = lo + (hi - lo) / 2;
		if (m[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nm && m[lo].pos == pos; lo++)
		if (m[lo].phrase == phrase && m[lo].slot == slot)
			return 1;
	return 0;
}

static int
inst_cmp(const void *x, const void *y)
{
	const struct inst *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->phrase < b->phrase ? -1 : a->phrase > b->phrase;
}

/* Every instance of every phrase, by position. *n = -1 when out of memory. */
static struct inst *
instances(struct arena *a, const struct search_plan *p, const struct scan *s, int *n)
{
	struct inst *in = NULL;
	int cap = 0;

	*n = 0;
	for (int i = 0; i < s->nm; i++) {
		const struct match *m = &s->m[i];
		const struct search_phrase *ph = &p->phrases[m->phrase];
		int k;

		if (m->slot != 0)
			continue;
		for (k = 1; k < ph->nslots; k++)
			if (!has_match(s->m, s->nm, m->pos + k, m->phrase, k))
				break;
		if (k < ph->nslots)
			continue;
		struct inst *grown = arena_grow(a, in, *n, &cap, sizeof(*grown));
		if (grown == NULL) {
			*n = -1;
			return NULL;
		}
		in = grown;
		in[(*n)++] = (struct inst){ m->pos, m->pos + ph->nslots - 1, m->phrase };
	}
	if (*n > 1)
		qsort(in, (size_t)*n, sizeof(*in), inst_cmp);
	return in;
}

/* FTS5's coalesced instance iterator: overlapping instances as one range. */
struct citer {
	const struct inst *in;
	int n, i;
	int start, end;		/* -1 when done */
};

static void
citer_next(struct citer *c)
{
	c->start = c->end = -1;
	while (c->i < c->n) {
		const struct inst *x = &c->in[c->i];
		if (c->start < 0) {
			c->start = x->start;
			c->end = x->end;
		} else if (x->start <= c->end) {
			if (x->end > c->end)
				c->end = x->end;
		} else {
			break;
		}
		c->i++;
	}
}

/* The second pass: the text copied with the marks, as fts5HighlightCb of SQLite 3.40 (the
 * version the SQLite index runs on here: adjacent instances are marked apart). range_end 0:
 * the whole text. */
struct mark {
	struct buf *out;
	const char *text;
	struct citer it;
	int range_start, range_end;
	int pos, off;
};

/* Copies n bytes of text without the bytes that are the marks: every mark in the output is one
 * this file put there (index.c never stores them; this holds whatever the text). */
static void
put_clean(struct buf *b, const char *s, size_t n)
{
	while (n > 0) {
		size_t k = 0;
		while (k < n && s[k] != SEARCH_MARK_ON && s[k] != SEARCH_MARK_OFF)
			k++;
		buf_add(b, s, k);
		if (k < n)
			k++;
		s += k;
		n -= k;
	}
}

static void
put_text(struct mark *m, int to)
{
	if (to > m->off)
		put_clean(m->out, m->text + m->off, (size_t)(to - m->off));
}

static int
mark_token(void *arg, int colocated, const char *tok, int len, int start, int end)
{
	struct mark *m = arg;
	int pos;

	(void)tok;
	(void)len;
	if (colocated)
		return 0;
	pos = m->pos++;
	if (m->range_end > 0) {
		if (pos < m->range_start || pos > m->range_end)
			return 0;
		if (m->range_start && pos == m->range_start)
			m->off = start;
	}
	if (pos == m->it.start) {
		put_text(m, start);
		buf_putc(m->out, SEARCH_MARK_ON);
		m->off = start;
	}
	if (pos == m->it.end) {
		if (m->range_end > 0 && m->it.start < m->range_start)
			buf_putc(m->out, SEARCH_MARK_ON);
		put_text(m, end);
		buf_putc(m->out, SEARCH_MARK_OFF);
		m->off = end;
		citer_next(&m->it);
	}
	if (m->range_end > 0 && pos == m->range_end) {
		put_text(m, end);
		m->off = end;
		if (pos >= m->it.start && pos < m->it.end)
			buf_putc(m->out, SEARCH_MARK_OFF);
		return MARK_STOP;	/* nothing after the window is copied */
	}
	return 0;
}

/* The second pass: mark_token for each position, up to the window's end (the whole text when
 * range_end is 0), from the byte ranges the scan kept, or from the tokenizer when it did not keep
 * enough. 0, or -1 when the tokenizer failed. */
static int
mark_text(struct search_tokenizer *tok, const struct scan *s, struct mark *m)
{
	int last = s->pos;	/* the text's last position */
	int rc;

	if (m->range_end > 0 && m->range_end < last)
		last = m->range_end;
	if (last < s->nspan) {
		for (int i = 0; i <= last; i++)
			if (mark_token(m, 0, NULL, 0, s->span[i].start, s->span[i].end) != 0)
				break;
		return 0;
	}
	rc = search_tokenize(tok, 0, m->text, strlen(m->text), mark_token, m);
	return rc == 0 || rc == MARK_STOP ? 0 : -1;
}

static int
scan_text(struct arena *a, struct search_tokenizer *tok, const struct search_plan *p, const char *text,
	  struct scan *s)
{
	memset(s, 0, sizeof(*s));
	s->a = a;
	s->p = p;
	s->text = text;
	s->pos = -1;
	return search_tokenize(tok, 0, text, strlen(text), scan_token, s) != 0 || s->failed ? -1 : 0;
}

static const char *
finish(struct arena *a, struct buf *b)
{
	const char *out = b->failed ? NULL : arena_strndup(a, b->data ? b->data : "", b->len);

	buf_free(b);
	return out;
}

const char *
search_highlight(struct arena *a, struct search_tokenizer *tok, const struct search_plan *p, const char *text)
{
	struct scan s;
	struct mark m = { 0 };
	struct buf b;
	int n;

	if (text == NULL || text[0] == '\0')
		return "";
	if (scan_text(a, tok, p, text, &s) != 0)
		return NULL;
	m.it.in = instances(a, p, &s, &n);
	if (n < 0)
		return NULL;
	buf_init(&b);
	m.out = &b;
	m.text = text;
	m.it.n = n;
	citer_next(&m.it);
	if (mark_text(tok, &s, &m) != 0) {
		buf_free(&b);
		return NULL;
	}
	put_clean(&b, text + m.off, strlen(text + m.off));
	return finish(a, &b);
}

/* fts5SnippetScore: the score of the window of ntokens from pos, and where to start it so that
 * its instances are centred (*adj; NULL: not wanted). */
static int
window_score(const struct inst *in, int n, int nphrases, int ndoc, int pos, int ntokens, int *adj)
{
	unsigned char seen[QUERY_MAX_TERMS] = { 0 };
	int score = 0, first = -1, last = 0;

	for (int i = 0; i < n; i++) {
		if (in[i].start < pos || in[i].start >= pos + ntokens)
			continue;
		score += in[i].phrase < nphrases && seen[in[i].phrase] ? 1 : 1000;
		if (in[i].phrase < nphrases)
			seen[in[i].phrase] = 1;
		if (first < 0)
			first = in[i].start;
		last = in[i].end + 1;
	}
	if (adj != NULL) {
		int64_t a = (int64_t)first - (ntokens - (last - first)) / 2;
		if (a + ntokens > ndoc)
			a = ndoc - ntokens;
		*adj = a < 0 ? 0 : (int)a;
	}
	return score;
}

const char *
search_snippet(struct arena *a, struct search_tokenizer *tok, const struct search_plan *p, const char *text,
	       int ntokens)
{
	struct scan s;
	struct mark m = { 0 };
	struct buf b;
	int n, ndoc, best = 0, best_start = 0;
	struct inst *in;

	if (text == NULL || text[0] == '\0')
		return "";
	if (scan_text(a, tok, p, text, &s) != 0 || ((in = instances(a, p, &s, &n)), n < 0))
		return NULL;
	ndoc = s.pos + 1;
	for (int i = 0; i < n; i++) {
		int io = in[i].start, adj, score = window_score(in, n, p->nphrases, ndoc, io, ntokens, &adj), j;

		if (score > best) {
			best = score;
			best_start = adj;
		}
		if (s.nfirst == 0 || ndoc <= ntokens)
			continue;
		for (j = 0; j < s.nfirst - 1; j++)
			if (s.first[j + 1] > io)
				break;
		if (s.first[j] < io) {
			score = window_score(in, n, p->nphrases, ndoc, s.first[j], ntokens, NULL);
			score += s.first[j] == 0 ? 120 : 100;
			if (score > best) {
				best = score;
				best_start = s.first[j];
			}
		}
	}
	buf_init(&b);
	m.out = &b;
	m.text = text;
	m.it.in = in;
	m.it.n = n;
	m.range_start = best_start;
	m.range_end = best_start + ntokens - 1;
	if (best_start > 0)
		buf_puts(&b, ELLIPSIS);
	citer_next(&m.it);
	while (m.it.start >= 0 && m.it.start < best_start)
		citer_next(&m.it);
	if (mark_text(tok, &s, &m) != 0) {
		buf_free(&b);
		return NULL;
	}
	if (m.range_end >= ndoc - 1)
		put_clean(&b, text + m.off, strlen(text + m.off));
	else
		buf_puts(&b, ELLIPSIS);
	return finish(a, &b);
}

/* One tokenizer per thread: ICU's break iterator and the stemmers are not thread-safe, and
 * making them for each search would cost more than the search. */
static pthread_key_t tok_key;
static pthread_once_t tok_once = PTHREAD_ONCE_INIT;

static void
tok_free(void *t)
{
	search_tokenizer_free(t);
}

static void
tok_key_make(void)
{
	pthread_key_create(&tok_key, tok_free);
}

struct search_tokenizer *
search_thread_tokenizer(void)
{
	struct search_tokenizer *t;

	pthread_once(&tok_once, tok_key_make);
	if ((t = pthread_getspecific(tok_key)) == NULL && (t = search_tokenizer_new()) != NULL)
		pthread_setspecific(tok_key, t);
	return t;
}
