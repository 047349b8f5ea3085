/* pg_query.c: the user's query (split by query.c) to what PostgreSQL matches: each word or phrase
 * tokenized by our tokenizer in query mode, exactly as FTS5 does with the SQLite index, then
 * written as a tsquery of single-quoted lexemes:
 *
 *   word            'stem'  or  ('stem_en' | 'stem_fr')    (a word's stems are alternatives)
 *   "a phrase"      ('a' <-> 'phrase')                     (consecutive positions)
 *   conn*           'conn':*                               (the last position as a prefix)
 *   a b OR c        'a' & ('b' | 'c')
 *   -word           & !'word'
 *
 * PostgreSQL reads that text with the tsquery type's input function, which takes each quoted
 * lexeme as it is: no dictionary, no parser, no stop words (to_tsquery and plainto_tsquery are
 * never used). Every ' in a lexeme is doubled and every \ escaped, so no lexeme can end early. */
#include <string.h>

#include "../util/buf.h"
#include "pg_int.h"
#include "search_int.h"

/* Collects the tokens of one term into positions. */
struct collect {
	struct arena *a;
	struct search_phrase *p;
	int cap, failed;
};

static int
collect_token(void *arg, int colocated, const char *token, int len, int start, int end)
{
	struct collect *c = arg;
	struct search_slot *s;
	const char **alt;
	int *lens;

	(void)start;
	(void)end;
	if (!colocated || c->p->nslots == 0) {
		struct search_slot *grown = arena_grow(c->a, c->p->slot, c->p->nslots, &c->cap, sizeof(*grown));
		if (grown == NULL)
			return c->failed = -1;
		c->p->slot = grown;
		memset(&grown[c->p->nslots++], 0, sizeof(*grown));
	}
	s = &c->p->slot[c->p->nslots - 1];
	/* at most 3 stems, or a CJK character or bigram: a few alternatives */
	alt = arena_alloc(c->a, sizeof(*alt) * (size_t)(s->nalt + 1));
	lens = arena_alloc(c->a, sizeof(*lens) * (size_t)(s->nalt + 1));
	if (alt == NULL || lens == NULL)
		return c->failed = -1;
	if (s->nalt > 0) {
		memcpy(alt, s->alt, sizeof(*alt) * (size_t)s->nalt);
		memcpy(lens, s->len, sizeof(*lens) * (size_t)s->nalt);
	}
	if ((alt[s->nalt] = arena_strndup(c->a, token, (size_t)len)) == NULL)
		return c->failed = -1;
	lens[s->nalt++] = len;
	s->alt = alt;
	s->len = lens;
	return 0;
}

/* A lexeme between single quotes, for the tsquery (and tsvector) input syntax. */
static void
put_lexeme(struct buf *b, const char *s, int n)
{
	buf_putc(b, '\'');
	for (int i = 0; i < n; i++) {
		if (s[i] == '\'' || s[i] == '\\')
			buf_putc(b, s[i] == '\'' ? '\'' : '\\');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '\'');
}

static void
put_slot(struct buf *b, const struct search_slot *s, int prefix)
{
	if (s->nalt > 1)
		buf_putc(b, '(');
	for (int i = 0; i < s->nalt; i++) {
		if (i > 0)
			buf_puts(b, " | ");
		put_lexeme(b, s->alt[i], s->len[i]);
		if (prefix)
			buf_puts(b, ":*");
	}
	if (s->nalt > 1)
		buf_putc(b, ')');
}

/* The phrase as a tsquery operand (parenthesized when it has operators). */
static void
put_phrase(struct buf *b, const struct search_phrase *p)
{
	if (p->nslots > 1)
		buf_putc(b, '(');
	for (int i = 0; i < p->nslots; i++) {
		if (i > 0)
			buf_puts(b, " <-> ");
		put_slot(b, &p->slot[i], p->prefix && i == p->nslots - 1);
	}
	if (p->nslots > 1)
		buf_putc(b, ')');
}

int
search_plan_of(struct arena *a, struct search_tokenizer *tok, const char *q, struct search_plan *plan,
	       struct err *e)
{
	struct search_term t[QUERY_MAX_TERMS];
	struct search_phrase ph[QUERY_MAX_TERMS];
	struct buf b;
	int n, empty_group = 0, first = 1, rc = -1;

	memset(plan, 0, sizeof(*plan));
	memset(ph, 0, sizeof(ph));
	if ((n = search_split(q, t, e)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct collect c = { a, &ph[i], 0, 0 };

		if (t[i].is_or)
			continue;
		ph[i].prefix = t[i].prefix;
		if (search_tokenize(tok, 1, t[i].text, t[i].len, collect_token, &c) != 0 || c.failed)
			return err_set(e, ERR_BUSY, "out of memory");
	}
	if ((plan->phrases = arena_alloc(a, sizeof(*plan->phrases) * (size_t)(n + 1))) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	buf_init(&b);
	/* The positive terms: groups joined by OR (query.c checked where OR stands), ANDed. As in
	 * FTS5, a term without a token (only marks the tokenizer drops) matches nothing: an OR group
	 * of only such terms makes the whole query match nothing. */
	for (int i = 0; i < n; i++) {
		int any = 0;

		if (t[i].is_or || t[i].exclude || (i > 0 && t[i - 1].is_or))
			continue;
		for (int j = i; j < n; j += 2) {
			if (ph[j].nslots > 0) {
				buf_puts(&b, any ? " | " : first ? "(" : " & (");
				put_phrase(&b, &ph[j]);
				plan->phrases[plan->nphrases++] = ph[j];
				any = 1;
				first = 0;
			}
			if (j + 1 >= n || !t[j + 1].is_or)
				break;
		}
		if (any)
			buf_putc(&b, ')');
		else
			empty_group = 1;
	}
	for (int i = 0; i < n; i++)
		if (t[i].exclude && ph[i].nslots > 0) {	/* leaving out nothing leaves out nothing */
			buf_puts(&b, " & !");
			put_phrase(&b, &ph[i]);
		}
	if (b.failed) {
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	if (!empty_group && !first && (plan->tsquery = arena_strdup(a, b.data)) == NULL) {
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}
