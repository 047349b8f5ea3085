/* minhash.c: MinHash signatures over word shingles, and LSH banding.
 *
 * Words are the shared search tokenizer's tokens (ICU word breaks, NFKC casefold, marks
 * folded, CJK characters and bigrams; with the argument "none", so no stemming): two texts
 * that differ only in case, accents or punctuation give the same words. Each word is hashed
 * once (64 bits); a shingle is MINHASH_SHINGLE consecutive words, its hash mixed from theirs.
 * A text with fewer words than that is one shingle of all of them.
 *
 * The signature is one permutation hashing (Li, Owen, Zhang 2012): the top 7 bits of a
 * shingle's hash choose one of the MINHASH_K bins and the low 32 bits are the value kept when
 * it is the least in its bin. That costs one hash per shingle instead of K. A short text
 * leaves bins empty; "optimal densification" (Shrivastava 2017) fills each from a non-empty
 * bin chosen by a fixed probe sequence of the empty bin's number, which keeps
 * P(v_a[i] == v_b[i]) equal to the Jaccard similarity for every bin. */
#include "minhash.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "../search/tokenize.h"

#define BIN_BITS 7	/* 2^7 = MINHASH_K bins */
_Static_assert((1 << BIN_BITS) == MINHASH_K, "MINHASH_K bins");

struct minhash {
	sqlite3 *db;		/* only to reach FTS5's tokenizer registry */
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};

/* The state of one signing: the last words' hashes and the bins. */
struct signing {
	uint64_t w[MINHASH_SHINGLE];
	uint32_t nwords;
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

/* The tokenizer's callback: one word. Colocated tokens (other forms of the same word) are
 * skipped, so each word counts once. */
static int
on_token(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
	struct signing *s = ctx;

	(void)start;
	(void)end;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	s->w[s->nwords % MINHASH_SHINGLE] = hash_bytes(tok, (size_t)ntok);
	s->nwords++;
	if (s->nwords >= MINHASH_SHINGLE)
		shingle_add(s, shingle_hash(s, MINHASH_SHINGLE));
	return SQLITE_OK;
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
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;
	const char *argv[] = { "none" };

	if (m == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(":memory:", &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		SQLITE_OK ||
	    search_tokenizer_register(m->db) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xFindTokenizer(api, "agora", &ud, &m->api) != SQLITE_OK ||
	    m->api.xCreate(ud, argv, 1, &m->tok) != SQLITE_OK)
		goto fail;
	return m;
fail:
	err_set(e, ERR_INTERNAL, "cannot load the tokenizer for campaigns: %s",
		m->db ? sqlite3_errmsg(m->db) : "out of memory");
	minhash_free(m);
	return NULL;
}

void
minhash_free(struct minhash *m)
{
	if (m == NULL)
		return;
	if (m->tok != NULL)
		m->api.xDelete(m->tok);
	sqlite3_close(m->db);
	free(m);
}

/* Sends text [0, len) to the tokenizer, in pieces of at most 1 GB (its length is an int; a
 * word cut at a piece's edge costs a shingle or two). */
static int
tokenize(struct minhash *m, struct signing *s, const char *text, size_t len)
{
	int rc = SQLITE_OK;

	while (len > 0 && rc == SQLITE_OK) {
		int n = len > (1u << 30) ? 1 << 30 : (int)len;
		rc = m->api.xTokenize(m->tok, s, FTS5_TOKENIZE_DOCUMENT, text, n, on_token);
		text += n;
		len -= (size_t)n;
	}
	return rc;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Punctuation that ICU's word breaks never make part of a word at a word's edge. */
static int
is_edge_punct(unsigned char c)
{
	return c != '\0' && strchr(".,;:!?()[]\"'%", c) != NULL;
}

/* The fast path: is the piece [p, p + n) (no white space in it) plain ASCII letters and
 * digits, with edge punctuation only? Then the tokenizer's one token for it is those letters
 * and digits in lower case (NFKC casefold of ASCII; no marks to fold; no stemming), and *a,
 * *b are their bounds. Anything else (accents, other scripts, inner punctuation such as
 * "ITU's", "e.g.", "2.5", "well-known", a very long word) goes to the tokenizer itself. */
static int
plain_word(const char *p, size_t n, size_t *a, size_t *b)
{
	size_t i = 0, j = n;

	while (i < n && is_edge_punct((unsigned char)p[i]))
		i++;
	while (j > i && is_edge_punct((unsigned char)p[j - 1]))
		j--;
	if (j - i > 200)
		return 0;
	for (size_t k = i; k < j; k++)
		if (!is_alnum((unsigned char)p[k]))
			return 0;
	*a = i;
	*b = j;
	return 1;
}

/* Signs text, plain ASCII words through the fast path when fast (see plain_word), the rest
 * through the tokenizer in runs as long as possible. */
static int
sign(struct minhash *m, const char *text, size_t len, struct minhash_sig *out, int fast)
{
	struct signing s;
	size_t i = 0, run = 0;	/* the pending run for the tokenizer starts at run */
	int rc = SQLITE_OK, pending = 0;	/* pending: the run has more than white space */

	memset(&s, 0, sizeof(s));
	memset(out, 0xff, sizeof(out->v));
	out->nshingles = 0;
	s.sig = out;
	if (!fast)
		rc = tokenize(m, &s, text, len);
	while (fast && i < len && rc == SQLITE_OK) {
		size_t start, a, b;
		while (i < len && is_space((unsigned char)text[i]))
			i++;
		start = i;
		while (i < len && !is_space((unsigned char)text[i]))
			i++;
		if (i == start)
			break;
		if (!plain_word(text + start, i - start, &a, &b)) {
			pending = 1;	/* stays in the run */
			continue;
		}
		if (pending)
			rc = tokenize(m, &s, text + run, start - run);
		run = i;
		pending = 0;
		if (b > a && rc == SQLITE_OK) {
			char w[200];
			for (size_t k = a; k < b; k++) {
				char c = text[start + k];
				w[k - a] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
			}
			rc = on_token(&s, 0, w, (int)(b - a), 0, 0);
		}
	}
	if (fast && rc == SQLITE_OK && pending)
		rc = tokenize(m, &s, text + run, len - run);
	if (rc != SQLITE_OK)
		return -1;
	if (s.nwords > 0 && s.nwords < MINHASH_SHINGLE)	/* a very short text: one shingle */
		shingle_add(&s, shingle_hash(&s, s.nwords));
	densify(&s);
	return 0;
}

int
minhash_sign(struct minhash *m, const char *text, size_t len, struct minhash_sig *out)
{
	return sign(m, text, len, out, 1);
}

int
minhash_sign_reference(struct minhash *m, const char *text, size_t len, struct minhash_sig *out)
{
	return sign(m, text, len, out, 0);
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
