/* tokenize_pairs.c: pairs of words, the tokenizer's layer between its words and FTS5.
 *
 * Pairs. A phrase of common words ("the access", "déchets électroniques des") was FTS5's
 * slowest query: it walks every row holding all of its words, merging each word's colocated
 * stems, to find the few where they stand next to each other. So in the index every two
 * consecutive words (positions i and i + 1, both words: not Han or kana) are also tokens at
 * position i: PAIR_MARK, a stem of the first, PAIR_MARK, a stem of the second, for every two
 * stems. A query phrase of two words or more, all words, is then sent as the phrase of its
 * pairs: "a b c" as (a b)(b c) at consecutive positions, which holds exactly where a, b and c
 * do, and whose lists are short. Its last word is implied, and left out: merging its stems at
 * every row cost a third of the walk. FTS5's own highlight() (not used: highlight.c makes the
 * snippets) then marks a phrase without its last word. Anything else (one word, CJK, a prefix)
 * is sent as before.
 * search_tokenize (snippets, PostgreSQL, query.c) never sees pairs.
 */
#include "tokenize.h"

#ifdef AGORA_FTS_EXTENSION
SQLITE_EXTENSION_INIT3
#endif

#include <string.h>

#include "tokenize_int.h"

#define PAIR_MARK '\x1b'

static int
pos_add(struct pos *p, const char *tok, int len, int start, int end)
{
	if (p->n == POS_TOKENS || len <= 0 || len >= STEM_MAX)
		return SQLITE_ERROR;	/* not made by this file */
	if (p->n == 0)
		p->start = start;
	memcpy(p->tok[p->n], tok, (size_t)len);
	p->len[p->n++] = len;
	p->end = end;
	return SQLITE_OK;
}

/* Sends the tokens of a position, the first at a new position unless colocated. */
static int
pos_send(struct tokrun *r, const struct pos *p, int colocated)
{
	int rc = SQLITE_OK;

	for (int k = 0; k < p->n && rc == SQLITE_OK; k++)
		rc = r->xToken(r->ctx, k || colocated ? FTS5_TOKEN_COLOCATED : 0, p->tok[k], p->len[k], p->start,
			       p->end);
	return rc;
}

/* Sends the pairs of a and b (a's stems times b's), the first at a new position unless
 * colocated. */
static int
pairs_send(struct tokrun *r, const struct pos *a, const struct pos *b, int colocated)
{
	int rc = SQLITE_OK;

	if (r->pair == NULL && (r->pair = sqlite3_malloc64(2 * STEM_MAX + 2)) == NULL)
		return SQLITE_NOMEM;
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n && rc == SQLITE_OK; j++) {
			int n = 0;

			r->pair[n++] = PAIR_MARK;
			memcpy(r->pair + n, a->tok[i], (size_t)a->len[i]);
			n += a->len[i];
			r->pair[n++] = PAIR_MARK;
			memcpy(r->pair + n, b->tok[j], (size_t)b->len[j]);
			n += b->len[j];
			rc = r->xToken(r->ctx, i || j || colocated ? FTS5_TOKEN_COLOCATED : 0, r->pair, n, a->start,
				       b->end);
		}
	return rc;
}

/* Every token this file makes goes through here. Without pairs, straight to FTS5. In a
 * document, a word's tokens wait in cur for pairs_word_done; anything else ends the pairing. In a
 * query, every token waits for the end (pairs_query_done). */
int
pairs_token(struct tokrun *r, int tflags, const char *tok, int len, int start, int end)
{
	if (r->pairs == PAIRS_OFF)
		return r->xToken(r->ctx, tflags, tok, len, start, end);
	if (r->pairs == PAIRS_DOCUMENT) {
		if (r->in_word)
			return pos_add(r->cur, tok, len, start, end);
		r->prev->n = 0;
		return r->xToken(r->ctx, tflags, tok, len, start, end);
	}
	if (!(tflags & FTS5_TOKEN_COLOCATED) || r->nq == 0) {
		if (r->nq == r->qcap) {
			int cap = r->qcap ? 2 * r->qcap : 4;
			struct pos *q = sqlite3_realloc64(r->q, (sqlite3_uint64)cap * sizeof(*q));
			if (q == NULL)
				return SQLITE_NOMEM;
			r->q = q;
			r->qcap = cap;
		}
		r->q[r->nq].n = 0;
		r->q[r->nq++].word = r->in_word;
	}
	return pos_add(&r->q[r->nq - 1], tok, len, start, end);
}

/* A document's word is complete: its pairs with the word before (at that word's position),
 * then its own tokens; it is the word before for the next. */
int
pairs_word_done(struct tokrun *r)
{
	struct pos *t;
	int rc = SQLITE_OK;

	r->in_word = 0;
	if (r->pairs != PAIRS_DOCUMENT || r->cur->n == 0)
		return SQLITE_OK;
	if (r->prev->n > 0)
		rc = pairs_send(r, r->prev, r->cur, 1);
	if (rc == SQLITE_OK)
		rc = pos_send(r, r->cur, 0);
	t = r->prev;
	r->prev = r->cur;
	r->cur = t;
	r->cur->n = 0;
	return rc;
}

/* The end of a query string: two words or more, all words, as the phrase of their pairs;
 * anything else as it came. */
int
pairs_query_done(struct tokrun *r)
{
	int rc = SQLITE_OK, all_words = r->nq >= 2;

	for (int i = 0; i < r->nq; i++)
		all_words = all_words && r->q[i].word;
	for (int i = 0; i < r->nq && rc == SQLITE_OK; i++) {
		if (!all_words)
			rc = pos_send(r, &r->q[i], 0);
		else if (i + 1 < r->nq)
			rc = pairs_send(r, &r->q[i], &r->q[i + 1], 0);
	}
	return rc;
}
