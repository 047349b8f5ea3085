/* tokenize.c: the "agora" FTS5 tokenizer.
 *
 * The input (UTF-8, possibly malformed) is decoded to UTF-16 with a map from every UTF-16 unit
 * back to its byte offset in the input, so every token reports the bytes of the ORIGINAL text
 * (snippet() and highlight() cut the original). ICU's word break iterator finds the words
 * (dictionaries for Chinese, Japanese, Thai); each word is folded (NFKC casefold, marks of Latin,
 * Greek, Cyrillic and Arabic removed except the breve of Cyrillic й, Arabic letter forms unified,
 * the Arabic article stripped) and stemmed with Snowball for Latin and Cyrillic words. Runs of
 * Han and kana become characters and overlapping bigrams, independent of ICU's segmentation.
 * In FTS5's index each pair of consecutive words is a token too (tokenize_pairs.c), so a
 * phrase is found by its pairs. docs/SEARCH.md gives the rules and the reasons. */
#include "tokenize.h"
#include "tokenize_int.h"

#ifdef AGORA_FTS_EXTENSION
SQLITE_EXTENSION_INIT3
#endif

#include <stdint.h>
#include <string.h>

#include <libstemmer.h>
#include <unicode/uchar.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* search_tokenize's flag: no pairs (they are FTS5's alone) */
#define TOKENIZE_PLAIN 0x100

enum lang { LANG_AUTO, LANG_NONE, LANG_EN, LANG_FR, LANG_ES, LANG_RU, LANG_COUNT };

static const char *const stemmer_name[LANG_COUNT] = {
	[LANG_EN] = "english", [LANG_FR] = "french", [LANG_ES] = "spanish", [LANG_RU] = "russian",
};

/* One per FTS5 table and connection. Snowball stemmers and break iterators are not thread-safe;
 * SQLite never runs one connection on two threads at once, so one instance is never used
 * concurrently. `busy` catches re-entry (a tokenize call made while one is in progress). */
struct agora_tok {
	enum lang lang;
	struct sb_stemmer *stem[LANG_COUNT];
	UBreakIterator *brk;
	int busy;
	const UNormalizer2 *nfkc_cf, *nfd, *nfc;
};


static int
u16_reserve(struct u16 *b, int32_t cap)
{
	UChar *p;

	if (cap <= b->cap)
		return SQLITE_OK;
	if ((p = sqlite3_realloc64(b->p, (sqlite3_uint64)cap * sizeof(UChar))) == NULL)
		return SQLITE_NOMEM;
	b->p = p;
	b->cap = cap;
	return SQLITE_OK;
}

/* Decodes UTF-8 into UTF-16 with the byte offset of each unit. A byte that does not start a
 * valid sequence (overlong, surrogate, above U+10FFFF, truncated) becomes one U+FFFD, which ICU
 * does not count as a word: malformed input yields fewer tokens, never a bad offset. */
static int
decode_utf8(const char *s, int n, UChar **out, int **map, int32_t *n16)
{
	const unsigned char *u = (const unsigned char *)s;
	UChar *o;
	int *m;
	int32_t k = 0;
	int i = 0;

	/* Each byte yields at most one unit (a 4-byte sequence yields 2). */
	o = sqlite3_malloc64(((sqlite3_uint64)n + 1) * sizeof(UChar));
	m = sqlite3_malloc64(((sqlite3_uint64)n + 1) * sizeof(int));
	if (o == NULL || m == NULL) {
		sqlite3_free(o);
		sqlite3_free(m);
		return SQLITE_NOMEM;
	}
	while (i < n) {
		uint32_t c = u[i], min;
		int len, j;

		if (c < 0x80) {
			len = 1;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, c &= 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, c &= 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, c &= 0x07, min = 0x10000;
		} else {
			len = 0, min = 0;
		}
		if (len > 1) {
			if (i + len > n) {
				len = 0;
			} else {
				for (j = 1; j < len; j++) {
					if ((u[i + j] & 0xC0) != 0x80)
						break;
					c = (c << 6) | (u[i + j] & 0x3F);
				}
				if (j < len || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
					len = 0;
			}
		}
		if (len == 0) {
			m[k] = i;
			o[k++] = 0xFFFD;
			i++;
			continue;
		}
		if (c >= 0x10000) {
			m[k] = i;
			o[k++] = U16_LEAD(c);
			m[k] = i;
			o[k++] = U16_TRAIL(c);
		} else {
			m[k] = i;
			o[k++] = (UChar)c;
		}
		i += len;
	}
	m[k] = n;
	o[k] = 0;
	*out = o;
	*map = m;
	*n16 = k;
	return SQLITE_OK;
}

/* dst = normalizer(src); dst must not alias src. */
static int
normalize(const UNormalizer2 *nz, const UChar *src, int32_t len, struct u16 *dst)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t need;

	if (u16_reserve(dst, len + 16) != SQLITE_OK)
		return SQLITE_NOMEM;
	need = unorm2_normalize(nz, src, len, dst->p, dst->cap, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR) {
		if (u16_reserve(dst, need + 1) != SQLITE_OK)
			return SQLITE_NOMEM;
		err = U_ZERO_ERROR;
		need = unorm2_normalize(nz, src, len, dst->p, dst->cap, &err);
	}
	if (U_FAILURE(err))
		return SQLITE_ERROR;
	dst->len = need;
	return SQLITE_OK;
}

static int
is_cjk(UChar32 c)
{
	UErrorCode err = U_ZERO_ERROR;
	UScriptCode sc;

	/* The prolonged sound mark and the iteration mark are script Common but live inside words. */
	if (c == 0x30FC || c == 0xFF70 || c == 0x3005)
		return 1;
	sc = uscript_getScript(c, &err);
	return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA;
}

static int
folds_marks(UScriptCode sc)
{
	return sc == USCRIPT_LATIN || sc == USCRIPT_GREEK || sc == USCRIPT_CYRILLIC ||
	    sc == USCRIPT_ARABIC;
}

/* The script of a folded word: that of its first character with a script of its own. */
static UScriptCode
word_script(const UChar *p, int32_t len)
{
	int32_t i = 0;
	UChar32 c;

	while (i < len) {
		UErrorCode err = U_ZERO_ERROR;
		UScriptCode sc;

		U16_NEXT(p, i, len, c);
		sc = uscript_getScript(c, &err);
		if (U_SUCCESS(err) && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED)
			return sc;
	}
	return USCRIPT_COMMON;
}

/* Removes, from an NFD string, the combining marks (Mn) that follow a Latin, Greek, Cyrillic or
 * Arabic letter (accents, Arabic harakat, hamza above and below alef, superscript alef) except the
 * Cyrillic breve, so й stays distinct from и; drops tatweel; maps ٱ to ا, ة to ه, ى to ي. */
static void
strip_marks(struct u16 *b)
{
	UScriptCode base = USCRIPT_COMMON;
	int32_t i = 0, o = 0;
	UChar32 c;

	while (i < b->len) {
		int keep = 1;

		U16_NEXT(b->p, i, b->len, c);
		if (u_charType(c) == U_NON_SPACING_MARK) {
			if (folds_marks(base) && !(base == USCRIPT_CYRILLIC && c == 0x0306))
				keep = 0;
		} else {
			UErrorCode err = U_ZERO_ERROR;

			base = uscript_getScript(c, &err);
			if (c == 0x0640)
				keep = 0;
			else if (c == 0x0671)
				c = 0x0627;
			else if (c == 0x0629)
				c = 0x0647;
			else if (c == 0x0649)
				c = 0x064A;
		}
		if (keep)
			U16_APPEND_UNSAFE(b->p, o, c);
	}
	b->len = o;
}

/* Strips the Arabic definite article with its proclitics when at least 2 letters remain, so
 * الاتصالات, والاتصالات, بالاتصالات and للاتصالات all index as اتصالات. */
static void
strip_article(struct u16 *b)
{
	static const UChar pre[][3] = {
		{0x0648, 0x0627, 0x0644}, {0x0628, 0x0627, 0x0644}, {0x0643, 0x0627, 0x0644},
		{0x0641, 0x0627, 0x0644}, {0x0644, 0x0644, 0}, {0x0627, 0x0644, 0},
	};

	for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
		int32_t n = pre[k][2] ? 3 : 2;

		if (b->len - n >= 2 && memcmp(b->p, pre[k], (size_t)n * sizeof(UChar)) == 0) {
			memmove(b->p, b->p + n, (size_t)(b->len - n) * sizeof(UChar));
			b->len -= n;
			return;
		}
	}
}

/* Sends one token (UTF-16 text) for the input's UTF-16 range [s, e). */
static int
emit16(struct tokrun *r, int tflags, const UChar *p, int32_t len, int32_t s, int32_t e)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t n;

	if (len <= 0)
		return SQLITE_OK;
	if (len > TOKEN_MAX_UNITS) {
		len = TOKEN_MAX_UNITS;
		if (U16_IS_LEAD(p[len - 1]))
			len--;
	}
	/* UTF-8 needs at most 3 bytes per UTF-16 unit. */
	if (r->outcap < len * 3 + 1) {
		char *o = sqlite3_realloc64(r->out, (sqlite3_uint64)len * 3 + 1);

		if (o == NULL)
			return SQLITE_NOMEM;
		r->out = o;
		r->outcap = len * 3 + 1;
	}
	u_strToUTF8(r->out, r->outcap, &n, p, len, &err);
	if (U_FAILURE(err))
		return SQLITE_ERROR;
	return pairs_token(r, tflags, r->out, n, r->map[s], r->map[e]);
}

static struct sb_stemmer *
stemmer(struct agora_tok *t, enum lang l)
{
	if (t->stem[l] == NULL)
		t->stem[l] = sb_stemmer_new(stemmer_name[l], NULL);
	return t->stem[l];
}

/* The stemmers for a word of script sc, at most 3: Cyrillic gets Russian; Latin gets the table's
 * language, or without one English, French and Spanish (a table holds text in all six languages
 * and FTS5 has no per-row language). */
static int
stemmers_for(struct agora_tok *t, UScriptCode sc, enum lang out[3])
{
	if (t->lang == LANG_NONE)
		return 0;
	if (sc == USCRIPT_CYRILLIC) {
		out[0] = LANG_RU;
		return 1;
	}
	if (sc != USCRIPT_LATIN)
		return 0;
	if (t->lang == LANG_EN || t->lang == LANG_FR || t->lang == LANG_ES) {
		out[0] = t->lang;
		return 1;
	}
	out[0] = LANG_EN;
	out[1] = LANG_FR;
	out[2] = LANG_ES;
	return 3;
}

/* dst = UTF-8 of src (at most TOKEN_MAX_UNITS units, so STEM_MAX bytes); its length, or -1. */
static int32_t
to_utf8(char *dst, const UChar *src, int32_t len)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t n;

	u_strToUTF8(dst, STEM_MAX, &n, src, len, &err);
	return U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING ? -1 : n;
}

/* Folds marks off a UTF-8 stem in place (the French and Spanish stemmers want the accented word,
 * whose accents they use, and their stems must then be folded like everything else). */
static int
fold_stem(struct tokrun *r, char *stem, int32_t *n)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len;
	int rc;

	if (u16_reserve(&r->w3, *n + 1) != SQLITE_OK)
		return SQLITE_NOMEM;
	u_strFromUTF8(r->w3.p, r->w3.cap, &len, stem, *n, &err);
	if (U_FAILURE(err))
		return SQLITE_ERROR;
	if ((rc = normalize(r->t->nfd, r->w3.p, len, &r->w2)) != SQLITE_OK)
		return rc;
	strip_marks(&r->w2);
	if ((rc = normalize(r->t->nfc, r->w2.p, r->w2.len, &r->w3)) != SQLITE_OK)
		return rc;
	if ((*n = to_utf8(stem, r->w3.p, r->w3.len)) < 0)
		return SQLITE_ERROR;
	return SQLITE_OK;
}

/* Sends the stems of a word: the first as the token, the others (when they differ) colocated, so
 * in a query they are alternatives and in a document each one is findable. */
static int
send_stems(struct tokrun *r, const enum lang *langs, int nl, const struct u16 *folded,
    const struct u16 *accented, int32_t s, int32_t e)
{
	char stems[3][STEM_MAX];
	int32_t len[3];
	int ns = 0, rc;

	for (int i = 0; i < nl; i++) {
		struct sb_stemmer *st = stemmer(r->t, langs[i]);
		/* English stems the folded word (its rules know no accents); the others the accented. */
		const struct u16 *w = langs[i] == LANG_EN || langs[i] == LANG_RU ? folded : accented;
		char word8[STEM_MAX];
		const sb_symbol *out;
		int32_t n;
		int dup = 0;

		if (st == NULL)
			return SQLITE_NOMEM;
		if ((n = to_utf8(word8, w->p, w->len)) < 0)
			return SQLITE_ERROR;
		if ((out = sb_stemmer_stem(st, (const sb_symbol *)word8, n)) == NULL)
			return SQLITE_NOMEM;
		n = sb_stemmer_length(st);
		if (n <= 0 || n >= STEM_MAX)
			continue;
		memcpy(stems[ns], out, (size_t)n);
		stems[ns][n] = '\0';
		if (w == accented && (rc = fold_stem(r, stems[ns], &n)) != SQLITE_OK)
			return rc;
		if (n == 0)
			continue;	/* a stem of marks alone ("ـs" stems to a tatweel): no token */
		for (int k = 0; k < ns; k++)
			if (len[k] == n && memcmp(stems[k], stems[ns], (size_t)n) == 0)
				dup = 1;
		if (!dup)
			len[ns++] = n;
	}
	for (int k = 0; k < ns; k++) {
		rc = pairs_token(r, k ? FTS5_TOKEN_COLOCATED : 0, stems[k], len[k], r->map[s], r->map[e]);
		if (rc != SQLITE_OK)
			return rc;
	}
	return ns ? SQLITE_OK : emit16(r, 0, folded->p, folded->len, s, e);
}

/* Folds, and stems, one non-CJK word of the input's range [s, e) and sends it. */
static int
word_tokens(struct tokrun *r, int32_t s, int32_t e)
{
	struct agora_tok *t = r->t;
	enum lang langs[3];
	UScriptCode sc;
	int rc, nl;

	/* w3: casefolded with its accents; w1: folded. */
	if ((rc = normalize(t->nfkc_cf, r->text + s, e - s, &r->w3)) != SQLITE_OK ||
	    (rc = normalize(t->nfd, r->w3.p, r->w3.len, &r->w2)) != SQLITE_OK)
		return rc;
	strip_marks(&r->w2);
	if ((rc = normalize(t->nfc, r->w2.p, r->w2.len, &r->w1)) != SQLITE_OK)
		return rc;
	sc = word_script(r->w1.p, r->w1.len);
	if (sc == USCRIPT_ARABIC)
		strip_article(&r->w1);
	if (r->w1.len == 0)
		return SQLITE_OK;
	nl = r->w1.len <= TOKEN_MAX_UNITS && r->w3.len <= TOKEN_MAX_UNITS ?
	    stemmers_for(t, sc, langs) : 0;
	if (nl > 0) {
		/* fold_stem reuses w3: stem from a private copy of the accented word. */
		UChar copy[TOKEN_MAX_UNITS];
		struct u16 accented = {copy, r->w3.len, TOKEN_MAX_UNITS};

		memcpy(copy, r->w3.p, (size_t)r->w3.len * sizeof(UChar));
		return send_stems(r, langs, nl, &r->w1, &accented, s, e);
	}
	return emit16(r, 0, r->w1.p, r->w1.len, s, e);
}

static int
word(struct tokrun *r, int32_t s, int32_t e)
{
	int rc;

	r->in_word = 1;
	rc = word_tokens(r, s, e);
	return rc == SQLITE_OK ? pairs_word_done(r) : rc;
}

/* Sends the folded text of the input's range [s, e) (one or two Han/kana characters). */
static int
cjk_piece(struct tokrun *r, int tflags, int32_t s, int32_t e)
{
	int rc;

	if ((rc = normalize(r->t->nfkc_cf, r->text + s, e - s, &r->w1)) != SQLITE_OK)
		return rc;
	return emit16(r, tflags, r->w1.p, r->w1.len, s, e);
}

/* Sends the pending Han/kana run. In a document each character is a token and the bigram it
 * starts is a colocated token at the same position. A query of one character is that character;
 * a longer query is the phrase of its bigrams followed by its last character, so it matches the
 * document's bigrams at consecutive positions wherever ICU put its word boundaries, and the
 * phrase spans as many positions as characters (highlight() then marks exactly the query's
 * characters: it uses the offsets of the non-colocated tokens). */
static int
cjk_flush(struct tokrun *r)
{
	int32_t a = r->cjk_a, b = r->cjk_b, i = a, next, after;
	int rc = SQLITE_OK;

	if (a < 0)
		return SQLITE_OK;
	r->cjk_a = -1;
	while (i < b && rc == SQLITE_OK) {
		next = i;
		U16_FWD_1(r->text, next, b);
		after = next;
		if (next < b)
			U16_FWD_1(r->text, after, b);
		if (!r->query) {
			rc = cjk_piece(r, 0, i, next);
			if (rc == SQLITE_OK && next < b)
				rc = cjk_piece(r, FTS5_TOKEN_COLOCATED, i, after);
		} else if (next < b) {
			rc = cjk_piece(r, 0, i, after);
		} else {
			rc = cjk_piece(r, 0, i, next);
		}
		i = next;
	}
	return rc;
}

/* Sends the non-CJK run [s, e) as words split at apostrophes: ICU keeps "l'accès", "qu'il" and
 * "ITU's" whole, and then "accès" would not find "l'accès". Each part is a word of its own at
 * its own position, in documents and queries alike, so the phrase "l'accès" still matches. */
static int
words_apart(struct tokrun *r, int32_t s, int32_t e)
{
	int32_t a = s, i = s;
	int rc = SQLITE_OK;

	while (i < e && rc == SQLITE_OK) {
		int32_t at = i;
		UChar32 c;

		U16_NEXT(r->text, i, e, c);
		if (c != 0x27 && c != 0x2019)
			continue;
		if (at > a)
			rc = word(r, a, at);
		a = i;
	}
	if (rc == SQLITE_OK && a < e)
		rc = word(r, a, e);
	return rc;
}

/* Splits one ICU word [s, e) into runs of Han/kana (joined with an adjacent pending run) and the
 * rest (one word each). */
static int
segment(struct tokrun *r, int32_t s, int32_t e)
{
	int32_t i = s;
	int rc = SQLITE_OK;

	while (i < e && rc == SQLITE_OK) {
		int32_t j = i, k;
		UChar32 c;
		int cjk;

		U16_NEXT(r->text, j, e, c);
		cjk = is_cjk(c);
		for (k = j; k < e; j = k) {
			U16_NEXT(r->text, k, e, c);
			if (is_cjk(c) != cjk)
				break;
		}
		if (cjk) {
			if (r->cjk_a >= 0 && r->cjk_b != i && (rc = cjk_flush(r)) != SQLITE_OK)
				return rc;
			if (r->cjk_a < 0)
				r->cjk_a = i;
			r->cjk_b = j;
		} else {
			if ((rc = cjk_flush(r)) == SQLITE_OK)
				rc = words_apart(r, i, j);
		}
		i = j;
	}
	return rc;
}

static int
agora_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int ntext,
    int (*xToken)(void *, int, const char *, int, int, int))
{
	struct agora_tok *t = (struct agora_tok *)tk;
	struct tokrun r = {.t = t, .ctx = ctx, .xToken = xToken, .cjk_a = -1};
	struct pos pa, pb;
	UBreakIterator *brk = t->brk;
	UErrorCode err = U_ZERO_ERROR;
	UChar *u = NULL;
	int *map = NULL;
	int32_t n16, s, e;
	int rc, own = 0;

	if (ntext <= 0)
		return SQLITE_OK;
	r.query = (flags & FTS5_TOKENIZE_QUERY) != 0;
	if (!(flags & TOKENIZE_PLAIN) && r.query && !(flags & FTS5_TOKENIZE_PREFIX))
		r.pairs = PAIRS_QUERY;
	else if (!(flags & TOKENIZE_PLAIN) && (flags & FTS5_TOKENIZE_DOCUMENT))
		r.pairs = PAIRS_DOCUMENT;
	pa.n = pb.n = 0;
	r.prev = &pa;
	r.cur = &pb;
	/* A token query.c already made (a stem): sent as it is, tokenized again it could stem again. */
	if (r.query && text[0] == SEARCH_TOKEN_VERBATIM)
		return ntext > 1 ? xToken(ctx, 0, text + 1, ntext - 1, 0, ntext) : SQLITE_OK;
	if ((rc = decode_utf8(text, ntext, &u, &map, &n16)) != SQLITE_OK)
		return rc;
	r.text = u;
	r.map = map;
	if (t->busy) {
		brk = ubrk_open(UBRK_WORD, "", NULL, 0, &err);
		own = 1;
	}
	if (U_SUCCESS(err))
		ubrk_setText(brk, u, n16, &err);
	if (U_FAILURE(err)) {
		rc = SQLITE_ERROR;
		goto out;
	}
	t->busy++;
	for (s = ubrk_first(brk); rc == SQLITE_OK && (e = ubrk_next(brk)) != UBRK_DONE; s = e) {
		if (ubrk_getRuleStatus(brk) < UBRK_WORD_NONE_LIMIT)
			continue;
		rc = segment(&r, s, e);
	}
	if (rc == SQLITE_OK)
		rc = cjk_flush(&r);
	if (rc == SQLITE_OK && r.pairs == PAIRS_QUERY)
		rc = pairs_query_done(&r);
	t->busy--;
	/* FTS5 stops early with SQLITE_DONE from xToken; that is not an error for the caller. */
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
out:
	if (own && brk != NULL)
		ubrk_close(brk);
	sqlite3_free(r.w1.p);
	sqlite3_free(r.w2.p);
	sqlite3_free(r.w3.p);
	sqlite3_free(r.out);
	sqlite3_free(r.q);
	sqlite3_free(r.pair);
	sqlite3_free(u);
	sqlite3_free(map);
	return rc;
}

static void
agora_delete(Fts5Tokenizer *tk)
{
	struct agora_tok *t = (struct agora_tok *)tk;

	if (t == NULL)
		return;
	for (int i = 0; i < LANG_COUNT; i++)
		if (t->stem[i] != NULL)
			sb_stemmer_delete(t->stem[i]);
	if (t->brk != NULL)
		ubrk_close(t->brk);
	sqlite3_free(t);
}

static int
parse_lang(const char *a, enum lang *l)
{
	static const struct {
		const char *name;
		enum lang l;
	} names[] = {
		{"en", LANG_EN}, {"english", LANG_EN}, {"fr", LANG_FR}, {"french", LANG_FR},
		{"es", LANG_ES}, {"spanish", LANG_ES}, {"ru", LANG_RU}, {"russian", LANG_RU},
		{"ar", LANG_AUTO}, {"zh", LANG_AUTO}, {"auto", LANG_AUTO}, {"none", LANG_NONE},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (sqlite3_stricmp(a, names[i].name) == 0) {
			*l = names[i].l;
			return SQLITE_OK;
		}
	return SQLITE_ERROR;
}

static int
agora_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct agora_tok *t;
	UErrorCode err = U_ZERO_ERROR;

	*out = NULL;
	if ((t = sqlite3_malloc64(sizeof(*t))) == NULL)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	if (argc > 1 || (argc == 1 && parse_lang(argv[0], &t->lang) != SQLITE_OK)) {
		sqlite3_free(t);
		return SQLITE_ERROR;
	}
	t->nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
	t->nfd = unorm2_getNFDInstance(&err);
	t->nfc = unorm2_getNFCInstance(&err);
	t->brk = ubrk_open(UBRK_WORD, "", NULL, 0, &err);
	if (U_FAILURE(err)) {
		agora_delete((Fts5Tokenizer *)t);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

int
search_tokenizer_register(sqlite3 *db)
{
	static fts5_tokenizer tok = {agora_create, agora_delete, agora_tokenize};
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL)) != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	rc = sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	if ((rc = api->xCreateTokenizer(api, "agora", NULL, &tok, NULL)) != SQLITE_OK)
		return rc;
	return search_rank_register(api);
}

#ifndef AGORA_FTS_EXTENSION
/* Outside FTS5: the tokenizer object is the FTS5 one, and a trampoline turns its xToken calls
 * into search_token_fn calls. */
struct trampoline {
	search_token_fn fn;
	void *ctx;
};

static int
trampoline_token(void *arg, int tflags, const char *tok, int len, int start, int end)
{
	struct trampoline *t = arg;

	return t->fn(t->ctx, (tflags & FTS5_TOKEN_COLOCATED) != 0, tok, len, start, end);
}

struct search_tokenizer *
search_tokenizer_new(void)
{
	Fts5Tokenizer *t = NULL;

	return agora_create(NULL, NULL, 0, &t) == SQLITE_OK ? (struct search_tokenizer *)t : NULL;
}

void
search_tokenizer_free(struct search_tokenizer *t)
{
	agora_delete((Fts5Tokenizer *)t);
}

int
search_tokenize(struct search_tokenizer *t, int query, const char *text, size_t n, search_token_fn fn,
		void *ctx)
{
	struct trampoline tr = {fn, ctx};

	if (n > 0x7fffffff)
		n = 0x7fffffff;
	return agora_tokenize((Fts5Tokenizer *)t, &tr,
	    (query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT) | TOKENIZE_PLAIN, text, (int)n,
	    trampoline_token);
}
#endif
