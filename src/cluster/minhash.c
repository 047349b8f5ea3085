/* minhash.c: MinHash signatures over word shingles, and LSH banding.
 *
 * Words are split here, without ICU's word-break iterator (whose dictionary segmentation of
 * Chinese and Japanese cost most of the clustering's time): a word is a run of letters and
 * digits, case folded, compatibility-decomposed and with its marks dropped, and in scripts
 * written without spaces each letter is a word (see split()). Two texts that differ only in
 * case, accents or punctuation give the same words. Arabic and Cyrillic words are folded as
 * the search tokenizer folds them (article, letter forms, the breve of й kept). Each word is
 * hashed once (64 bits); a shingle is MINHASH_SHINGLE consecutive words, its hash mixed from
 * theirs. A text with fewer words than that is one shingle of all of them.
 *
 * The signature is one permutation hashing (Li, Owen, Zhang 2012): the top 7 bits of a
 * shingle's hash choose one of the MINHASH_K bins and the low 32 bits are the value kept when
 * it is the least in its bin. That costs one hash per shingle instead of K. A short text
 * leaves bins empty; "optimal densification" (Shrivastava 2017) fills each from a non-empty
 * bin chosen by a fixed probe sequence of the empty bin's number, which keeps
 * P(v_a[i] == v_b[i]) equal to the Jaccard similarity for every bin. */
#include "minhash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#define BIN_BITS 7	/* 2^7 = MINHASH_K bins */
_Static_assert((1 << BIN_BITS) == MINHASH_K, "MINHASH_K bins");

/* What a non-ASCII code point does to the word being read, remembered (split() asks ICU once
 * per code point; text repeats its letters): appends n bytes (0: a mark, dropped), or ends the
 * word. A code point that does anything else (a letter of an unspaced script, a decomposition
 * with a separator inside) is not remembered. */
#define CP_CACHE 4096
enum { CP_APPEND = 1, CP_SEPARATOR };
struct cp_entry {
	int32_t cp;		/* -1: empty */
	uint8_t kind, n;
	char b[14];
};

struct minhash {
	const UNormalizer2 *nfkd;	/* compatibility decomposition: folds widths, ligatures, accents */
	struct cp_entry cache[CP_CACHE];
};

/* The state of one signing: the last words' hashes and the bins. */
struct signing {
	uint64_t w[MINHASH_SHINGLE];
	uint32_t nwords;
	uint32_t breaks;	/* word_end calls, for the code point cache */
	struct minhash_sig *sig;
	uint8_t filled[MINHASH_K];
};

/* splitmix64's finalizer: a good 64-bit mix. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/* A 64-bit hash of n bytes, eight at a time (words are short; this is not for adversaries:
 * a collision only makes two words one). */
static uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)n;

	while (n >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		h = (h ^ x) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t x = 0;
		memcpy(&x, p, n);
		h = (h ^ x) * UINT64_C(0xc4ceb9fe1a85ec53);
	}
	return mix64(h);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Puts one shingle's hash in its bin. */
static void
shingle_add(struct signing *s, uint64_t h)
{
	unsigned bin = (unsigned)(h >> (64 - BIN_BITS));
	uint32_t v = (uint32_t)h;

	if (!s->filled[bin] || v < s->sig->v[bin]) {
		s->sig->v[bin] = v;
		s->filled[bin] = 1;
	}
	s->sig->nshingles++;
}

/* The hash of the shingle of the last n words (order matters: each is rotated by its place). */
static uint64_t
shingle_hash(const struct signing *s, uint32_t n)
{
	uint64_t h = 0;

	for (uint32_t i = 0; i < n; i++)
		h ^= rotl(s->w[(s->nwords - n + i) % MINHASH_SHINGLE], (int)(i * 21 + 1));
	return mix64(h + n);
}

/* One word of n bytes. */
static void
word_add(struct signing *s, const char *w, size_t n)
{
	s->w[s->nwords % MINHASH_SHINGLE] = hash_bytes(w, n);
	s->nwords++;
	if (s->nwords >= MINHASH_SHINGLE)
		shingle_add(s, shingle_hash(s, MINHASH_SHINGLE));
}

/* Fills the empty bins: bin i takes the value of the first non-empty bin of its own probe
 * sequence. */
static void
densify(struct signing *s)
{
	uint32_t filled = 0;

	for (int i = 0; i < MINHASH_K; i++)
		filled += s->filled[i];
	if (filled == 0 || filled == MINHASH_K)
		return;
	for (int i = 0; i < MINHASH_K; i++) {
		if (s->filled[i])
			continue;
		for (uint64_t attempt = 1;; attempt++) {
			unsigned j = (unsigned)(mix64(((uint64_t)i << 32) | attempt) >> (64 - BIN_BITS));
			if (s->filled[j]) {
				s->sig->v[i] = s->sig->v[j];
				break;
			}
		}
	}
}

struct minhash *
minhash_new(struct err *e)
{
	struct minhash *m = calloc(1, sizeof(*m));
	UErrorCode uerr = U_ZERO_ERROR;

	if (m == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	for (int i = 0; i < CP_CACHE; i++)
		m->cache[i].cp = -1;
	m->nfkd = unorm2_getNFKDInstance(&uerr);
	if (U_FAILURE(uerr) || m->nfkd == NULL) {
		err_set(e, ERR_INTERNAL, "cannot load ICU's normalization data for campaigns: %s", u_errorName(uerr));
		free(m);
		return NULL;
	}
	return m;
}

void
minhash_free(struct minhash *m)
{
	free(m);
}

/* Scripts written without spaces between words: each of their letters is a word by itself,
 * so a shingle there is three characters. Ranges, not ICU's script property: cheaper, and
 * fixed (the signatures must not change with the ICU version). */
static int
unspaced(UChar32 c)
{
	return (c >= 0x0E00 && c <= 0x0EFF) ||		/* Thai, Lao */
	       (c >= 0x1000 && c <= 0x109F) ||		/* Myanmar */
	       (c >= 0x1780 && c <= 0x17FF) ||		/* Khmer */
	       (c >= 0x3040 && c <= 0x30FF) ||		/* Hiragana, Katakana */
	       (c >= 0x31F0 && c <= 0x31FF) ||		/* Katakana extensions */
	       (c >= 0x3400 && c <= 0x4DBF) ||		/* CJK extension A */
	       (c >= 0x4E00 && c <= 0x9FFF) ||		/* CJK unified ideographs */
	       (c >= 0xF900 && c <= 0xFAFF) ||		/* CJK compatibility ideographs */
	       (c >= 0x20000 && c <= 0x3FFFF);		/* CJK extensions B and after */
}

/* The word being read: its bytes (folded), at most WORD_MAX kept (a longer "word" is no
 * word; the rest of it is dropped). */
#define WORD_MAX 256
/* A code point is appended when the word is at most this long before it: the same rule for
 * every path (ASCII, cached, ICU), so that the cut never depends on the cache's state. */
#define WORD_LIMIT (WORD_MAX - U8_MAX_LENGTH)
struct word {
	char b[WORD_MAX];
	size_t n;
};

/* The Arabic definite article with its proclitics (UTF-8), stripped from a word's start when at
 * least 2 letters remain, as the search tokenizer does (src/search/tokenize.c), so الاتصالات,
 * والاتصالات and بالاتصالات are one word. */
static const char *const ARTICLES[] = {
	"\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644",
	"\u0644\u0644", "\u0627\u0644",
};

static size_t
article_len(const struct word *w)
{
	if ((unsigned char)w->b[0] != 0xD8 && (unsigned char)w->b[0] != 0xD9)
		return 0;	/* not Arabic: the common case */
	for (size_t k = 0; k < sizeof(ARTICLES) / sizeof(ARTICLES[0]); k++) {
		size_t n = strlen(ARTICLES[k]), letters = 0;
		if (w->n <= n || memcmp(w->b, ARTICLES[k], n) != 0)
			continue;
		for (size_t i = n; i < w->n; i++)
			letters += ((unsigned char)w->b[i] & 0xC0) != 0x80;
		return letters >= 2 ? n : 0;
	}
	return 0;
}

static void
word_end(struct signing *s, struct word *w)
{
	s->breaks++;
	if (w->n > 0) {
		size_t a = article_len(w);
		word_add(s, w->b + a, w->n - a);
	}
	w->n = 0;
}

static void
word_put(struct word *w, UChar32 c)
{
	if (w->n <= WORD_LIMIT) {
		UBool bad = 0;
		U8_APPEND((uint8_t *)w->b, w->n, WORD_MAX, c, bad);
		(void)bad;
	}
}

/* One code point (already decomposed) of a non-ASCII character. */
static void
code_point(struct signing *s, struct word *w, UChar32 c)
{
	int8_t t = u_charType(c);

	switch (t) {
	case U_NON_SPACING_MARK:
	case U_ENCLOSING_MARK:
	case U_COMBINING_SPACING_MARK:
		return;		/* accents and vowel signs: folded away, the word goes on */
	case U_UPPERCASE_LETTER:
	case U_LOWERCASE_LETTER:
	case U_TITLECASE_LETTER:
	case U_MODIFIER_LETTER:
	case U_OTHER_LETTER:
	case U_DECIMAL_DIGIT_NUMBER:
	case U_LETTER_NUMBER:
	case U_OTHER_NUMBER:
		break;
	default:
		word_end(s, w);	/* punctuation, symbols, spaces */
		return;
	}
	switch (c) {	/* Arabic letter forms unified, as the search tokenizer does */
	case 0x0640:
		return;	/* tatweel */
	case 0x0671:
		c = 0x0627;
		break;
	case 0x0629:
		c = 0x0647;
		break;
	case 0x0649:
		c = 0x064A;
		break;
	}
	if (unspaced(c)) {
		word_end(s, w);
		word_put(w, c);
		word_end(s, w);
		return;
	}
	word_put(w, u_foldCase(c, U_FOLD_CASE_DEFAULT));
}

/* One non-ASCII code point c: its compatibility decomposition's code points, or c itself. */
static void
non_ascii(struct minhash *m, struct signing *s, struct word *w, UChar32 c)
{
	if (!unspaced(c) && !(c >= 0xAC00 && c <= 0xD7A3)) {	/* not Hangul syllables either */
		UChar d[32];
		UErrorCode uerr = U_ZERO_ERROR;
		int32_t n = unorm2_getDecomposition(m->nfkd, c, d, 32, &uerr);
		/* The Cyrillic breve is no accent: й stays distinct from и (and ў from у). */
		int breve = c >= 0x0400 && c <= 0x04FF && n == 2 && d[1] == 0x0306;
		if (n > 0 && U_SUCCESS(uerr) && !breve) {
			for (int32_t k = 0; k < n;) {
				UChar32 dc;
				U16_NEXT(d, k, n, dc);
				code_point(s, w, dc);
			}
			return;
		}
	}
	code_point(s, w, c);
}

/* Fills c's cache entry, by running non_ascii() on an empty word: what it did is what it will
 * always do. */
static void
remember(struct minhash *m, UChar32 c)
{
	struct cp_entry *ce = &m->cache[c & (CP_CACHE - 1)];
	struct minhash_sig scratch;
	struct signing probe;
	struct word w;

	memset(&probe, 0, sizeof(probe));
	probe.sig = &scratch;
	w.n = 0;
	non_ascii(m, &probe, &w, c);
	if (probe.breaks == 0 && w.n <= sizeof(ce->b)) {
		ce->kind = CP_APPEND;
		ce->n = (uint8_t)w.n;
		memcpy(ce->b, w.b, w.n);
	} else if (probe.breaks > 0 && probe.nwords == 0 && w.n == 0) {
		ce->kind = CP_SEPARATOR;
		ce->n = 0;
	} else {
		ce->cp = -1;
		return;
	}
	ce->cp = c;
}

/* Splits the text into words, fast: a word is a run of letters and digits (Unicode general
 * categories L and N), case folded, its compatibility decomposition taken (full-width forms,
 * ligatures) and its marks dropped (accents, Arabic vowel marks), so texts that differ only in
 * case, accents or punctuation give the same words; in scripts written without spaces (Han,
 * kana, Thai...) each letter is a word. Malformed UTF-8 ends a word. No word-break rules, no
 * dictionary: the same text always gives the same words, whatever the ICU version's
 * dictionaries. */
static void
split(struct minhash *m, struct signing *s, const char *text, size_t len)
{
	struct word w;
	size_t i = 0;

	w.n = 0;
	while (i < len) {
		unsigned char b = (unsigned char)text[i];
		UChar32 c;
		if (b < 0x80) {		/* ASCII: the common case */
			i++;
			if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
				if (w.n <= WORD_LIMIT)
					w.b[w.n++] = (char)b;
			} else if (b >= 'A' && b <= 'Z') {
				if (w.n <= WORD_LIMIT)
					w.b[w.n++] = (char)(b + 32);
			} else {
				word_end(s, &w);
			}
			continue;
		}
		U8_NEXT((const uint8_t *)text, i, len, c);
		if (c < 0) {
			word_end(s, &w);
			continue;
		}
		if (c < 0x80000 && m->cache[c & (CP_CACHE - 1)].cp == c) {
			const struct cp_entry *ce = &m->cache[c & (CP_CACHE - 1)];
			if (ce->kind == CP_SEPARATOR) {
				word_end(s, &w);
			} else if (w.n + ce->n <= WORD_LIMIT) {
				memcpy(w.b + w.n, ce->b, ce->n);
				w.n += ce->n;
			} else {	/* near the cut: code point by code point, as word_put */
				for (size_t k = 0; k < ce->n;) {
					size_t l = (size_t)U8_COUNT_TRAIL_BYTES((uint8_t)ce->b[k]) + 1;
					if (w.n <= WORD_LIMIT) {
						memcpy(w.b + w.n, ce->b + k, l);
						w.n += l;
					}
					k += l;
				}
			}
			continue;
		}
		if (c < 0x80000)
			remember(m, c);
		non_ascii(m, s, &w, c);
	}
	word_end(s, &w);
}

int
minhash_sign(struct minhash *m, const char *text, size_t len, struct minhash_sig *out)
{
	struct signing s;

	memset(&s, 0, sizeof(s));
	memset(out, 0xff, sizeof(out->v));
	out->nshingles = 0;
	s.sig = out;
	split(m, &s, text, len);
	if (s.nwords > 0 && s.nwords < MINHASH_SHINGLE)	/* a very short text: one shingle */
		shingle_add(&s, shingle_hash(&s, s.nwords));
	densify(&s);
	return 0;
}

double
minhash_similarity(const struct minhash_sig *a, const struct minhash_sig *b)
{
	int same = 0;

	if (a->nshingles == 0 || b->nshingles == 0)
		return 0.0;
	for (int i = 0; i < MINHASH_K; i++)
		same += a->v[i] == b->v[i];
	return (double)same / MINHASH_K;
}

double
minhash_candidate_probability(double s, const struct minhash_bands *b)
{
	return 1.0 - pow(1.0 - pow(s, b->rows), b->bands);
}

void
minhash_bands_for(double threshold, struct minhash_bands *out)
{
	struct minhash_bands b = { 1, MINHASH_K };

	if (threshold > 1.0)
		threshold = 1.0;
	for (int r = MINHASH_K / 4; r >= 1; r--) {
		struct minhash_bands t = { r, MINHASH_K / r };
		if (threshold > 0 && minhash_candidate_probability(threshold, &t) >= 0.99) {
			b = t;
			break;
		}
	}
	while (b.bands > 1) {
		struct minhash_bands t = { b.rows, b.bands - 1 };
		if (minhash_candidate_probability(threshold, &t) < 0.99)
			break;
		b = t;
	}
	*out = b;
}

int64_t
minhash_band_key(const struct minhash_sig *sig, const struct minhash_bands *b, int band, int64_t round)
{
	uint64_t h = mix64((uint64_t)round * UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)band + 1);

	for (int i = band * b->rows; i < (band + 1) * b->rows && i < MINHASH_K; i++)
		h = mix64(h ^ sig->v[i]);
	return (int64_t)(h >> 1);
}
