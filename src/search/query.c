/* query.c: the user's search syntax to an FTS5 expression.
 *
 *   words           all of them (implicit AND)
 *   "a phrase"      these words next to each other
 *   -word -"a b"    none of these
 *   a OR b          either (OR in capitals only; binds tighter than the implicit AND:
 *                   a b OR c d = a AND (b OR c) AND d)
 *   conn*           words starting with conn (also "a phrase"*)
 *
 * Every word and phrase reaches FTS5 as a double-quoted string, so nothing a user types is read
 * by FTS5 as syntax: AND, NOT, NEAR, column filters (title:x), ^, + and parentheses are text. */
#include <string.h>

#include "../util/buf.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "search_int.h"
#include "tokenize.h"

#define QUERY_MAX_CHARS 512	/* characters, as the box's maxlength counts them */

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A term with only ASCII punctuation ("," or "^") has no word for the tokenizer: FTS5 would take
 * it as an empty phrase, which matches nothing. Such terms are dropped. */
static int
has_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return 1;
	}
	return 0;
}

static int
syntax_error(struct err *e, const char *msg)
{
	return err_set_field(e, ERR_INVALID, "q", "%s", msg);
}

int
search_split(const char *q, struct search_term *t, struct err *e)
{
	const char *p = q;
	int n = 0;

	while (*p) {
		struct search_term cur = { 0 };
		if (is_space(*p)) {
			p++;
			continue;
		}
		if (*p == '-') {
			cur.exclude = 1;
			p++;
			if (*p == '\0' || is_space(*p))
				return syntax_error(e, _("A - must be followed by the word to leave out, with no "
							 "space between them, as in: -draft."));
		}
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			if (end == NULL)
				return syntax_error(e, _("A quotation mark is not closed: add the closing \" "
							 "after the phrase."));
			cur.quoted = 1;
			cur.text = p + 1;
			cur.len = (size_t)(end - p - 1);
			p = end + 1;
		} else {
			cur.text = p;
			while (*p && !is_space(*p) && *p != '"')
				p++;	/* a '"' inside a word starts a phrase */
			cur.len = (size_t)(p - cur.text);
		}
		/* trailing stars: a prefix query */
		if (!cur.quoted) {	/* a word: its own trailing stars */
			while (cur.len > 0 && cur.text[cur.len - 1] == '*') {
				cur.len--;
				cur.prefix = 1;
			}
		} else {	/* a phrase: stars right after the closing quote */
			while (*p == '*') {
				p++;
				cur.prefix = 1;
			}
		}
		if (cur.prefix && cur.len == 0)
			return syntax_error(e, _("A * must end the beginning of a word, as in: connect*."));
		if (!cur.exclude && cur.len == 2 && strncmp(cur.text, "OR", 2) == 0 && !cur.quoted) {
			cur.is_or = 1;
		} else if (!has_word(cur.text, cur.len)) {
			continue;
		}
		if (n >= QUERY_MAX_TERMS)
			return err_set_field(e, ERR_INVALID, "q",
					     _("The query has too many words: use at most %d."), QUERY_MAX_TERMS);
		t[n++] = cur;
	}
	return n;
}

/* s (n bytes) as an FTS5 string: "s" with each " doubled and any SEARCH_TOKEN_VERBATIM byte left
 * out (only query.c writes it); verbatim puts that byte first. */
static void
put_string(struct buf *b, const char *s, size_t n, int verbatim)
{
	buf_putc(b, '"');
	if (verbatim)
		buf_putc(b, SEARCH_TOKEN_VERBATIM);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == SEARCH_TOKEN_VERBATIM)
			continue;
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

#define STEMS_STOP 1000	/* collect_stem's "stop", unlike any SQLite code */

/* The tokens of a term that is one word: its stems, all at one position. */
struct stems {
	char tok[SEARCH_MAX_STEMS][SEARCH_STEM_MAX];
	int len[SEARCH_MAX_STEMS];
	int n, one_position;
};

static int
collect_stem(void *ctx, int colocated, const char *token, int len, int start, int end)
{
	struct stems *s = ctx;

	(void)start;
	(void)end;
	if ((s->n > 0 && !colocated) || s->n == SEARCH_MAX_STEMS || len <= 0 || len >= SEARCH_STEM_MAX) {
		s->one_position = 0;
		return STEMS_STOP;	/* not a single word's stems */
	}
	memcpy(s->tok[s->n], token, (size_t)len);
	s->len[s->n++] = len;
	return 0;
}

/* The term as FTS5 text. A word with several stems (English, French and Spanish ones that
 * differ: "les" is "les" and "le") becomes the OR of its stems, each a one-token string: FTS5
 * walks plain terms many times faster than one term with colocated alternatives (whose
 * position lists it merges at every row; docs/PERFORMANCE.md, "Search"), and matches the same
 * documents. Anything else (a phrase, a prefix, CJK, a word the tokenizer splits): "text" as
 * typed, then " *" for a prefix. */
static void
put_term(struct buf *b, const struct search_term *t)
{
	struct search_tokenizer *tok;
	struct stems s = { .one_position = 1 };

	if (!t->prefix && (tok = search_thread_tokenizer()) != NULL &&
	    search_tokenize(tok, 1, t->text, t->len, collect_stem, &s) == 0 && s.one_position && s.n > 1) {
		buf_putc(b, '(');
		for (int i = 0; i < s.n; i++) {
			if (i > 0)
				buf_puts(b, " OR ");
			put_string(b, s.tok[i], (size_t)s.len[i], 1);
		}
		buf_putc(b, ')');
		return;
	}
	put_string(b, t->text, t->len, 0);
	if (t->prefix)
		buf_puts(b, " *");
}

/* Whether t[i], a term on its own, is the same as an earlier term on its own. */
static int
said_before(const struct search_term *t, int i)
{
	for (int j = 0; j < i; j++)
		if (!t[j].is_or && !t[j].exclude && !(j + 1 < i && t[j + 1].is_or) && !(j > 0 && t[j - 1].is_or) &&
		    t[j].len == t[i].len && t[j].quoted == t[i].quoted && t[j].prefix == t[i].prefix &&
		    memcmp(t[j].text, t[i].text, t[i].len) == 0)
			return 1;
	return 0;
}

/* Writes the positive terms: groups joined by OR become (a OR b), groups by AND. Returns 0, or
 * -1 with e set when an OR does not stand between two positive terms. */
static int
put_positives(struct buf *b, const struct search_term *t, int n, struct err *e)
{
	const char *or_misplaced = _("OR must stand between two words to search for, as in: "
				     "internet OR broadband.");
	int first = 1;

	for (int i = 0; i < n; i++) {
		if (t[i].is_or) {
			if (i == 0 || i == n - 1 || t[i - 1].is_or || t[i + 1].is_or || t[i - 1].exclude ||
			    t[i + 1].exclude)
				return syntax_error(e, or_misplaced);
			continue;
		}
		if (t[i].exclude)
			continue;
		int group = i + 1 < n && t[i + 1].is_or;	/* this term starts or continues an OR */
		if (i > 0 && t[i - 1].is_or)
			continue;	/* written with the group it belongs to */
		if (!group && said_before(t, i))
			continue;	/* "des des and": FTS5 would walk the same lists twice */
		if (!first)
			buf_puts(b, " AND ");
		first = 0;
		if (!group) {
			put_term(b, &t[i]);
			continue;
		}
		buf_putc(b, '(');
		put_term(b, &t[i]);
		for (int j = i + 1; j + 1 < n && t[j].is_or; j += 2) {
			if (t[j + 1].exclude || t[j + 1].is_or)
				return syntax_error(e, or_misplaced);
			buf_puts(b, " OR ");
			put_term(b, &t[j + 1]);
		}
		buf_putc(b, ')');
	}
	return 0;
}

const char *
search_parse(struct arena *a, const char *q, struct err *e)
{
	struct search_term t[QUERY_MAX_TERMS];
	struct buf b;
	const char *out = NULL;
	int n, npos = 0, nneg = 0;

	buf_init(&b);
	if (q == NULL)
		q = "";
	/* Four bytes a character at most: anything longer is too long without reading it. */
	if (strlen(q) > 4 * QUERY_MAX_CHARS ||
	    (utf8_valid(q, strlen(q)) && utf8_chars(q, strlen(q)) > QUERY_MAX_CHARS)) {
		err_set_field(e, ERR_INVALID, "q", _("The query is too long: use at most %d characters."),
			      QUERY_MAX_CHARS);
		goto out;
	}
	if (!utf8_valid(q, strlen(q))) {
		syntax_error(e, _("The query is not valid text: type it again."));
		goto out;
	}
	if ((n = search_split(q, t, e)) < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		if (t[i].is_or)
			continue;
		if (t[i].exclude)
			nneg++;
		else
			npos++;
	}
	if (npos == 0) {
		if (nneg > 0)
			syntax_error(e, _("Add a word to search for: a query cannot only leave words out."));
		else if (n > 0)
			syntax_error(e, _("OR must stand between two words to search for, as in: "
					  "internet OR broadband."));
		else
			syntax_error(e, _("Type a word to search for."));
		goto out;
	}
	if (nneg > 0)
		buf_putc(&b, '(');
	if (put_positives(&b, t, n, e) != 0)
		goto out;
	if (nneg > 0) {
		int first = 1;
		buf_puts(&b, ") NOT (");
		for (int i = 0; i < n; i++) {
			if (!t[i].exclude)
				continue;
			if (!first)
				buf_puts(&b, " OR ");
			first = 0;
			put_term(&b, &t[i]);
		}
		buf_putc(&b, ')');
	}
	if (b.failed || b.data == NULL || (out = arena_strdup(a, b.data)) == NULL)
		err_set(e, ERR_BUSY, "out of memory");
out:
	buf_free(&b);
	return out;
}
