/* tokenize_int.h: what tokenize.c and tokenize_pairs.c share: the state of one tokenize call
 * and the pair layer every token goes through. Inside src/search only. */
#ifndef AGORA_SEARCH_TOKENIZE_INT_H
#define AGORA_SEARCH_TOKENIZE_INT_H

#include <stdint.h>

#include <unicode/utypes.h>

/* A word longer than this (in UTF-16 units, after folding) is indexed by its first part only:
 * nobody searches for a 1 MB base64 blob, and the index should not hold it. */
#define TOKEN_MAX_UNITS 256
#define STEM_MAX (TOKEN_MAX_UNITS * 3 + 1)	/* bytes of a token, its NUL included */
#ifndef AGORA_FTS_EXTENSION
_Static_assert(STEM_MAX == SEARCH_STEM_MAX, "query.c collects stems of STEM_MAX bytes");
#endif

struct agora_tok;

struct u16 {
	UChar *p;
	int32_t len, cap;
};

#define POS_TOKENS 3	/* a position holds at most 3 tokens: a word's stems, or one */
enum { PAIRS_OFF, PAIRS_DOCUMENT, PAIRS_QUERY };

/* The tokens of one position. */
struct pos {
	char tok[POS_TOKENS][STEM_MAX];
	int len[POS_TOKENS];
	int n, word, start, end;
};

/* The state of one xTokenize call. */
struct tokrun {
	struct agora_tok *t;
	void *ctx;
	int query;
	int (*xToken)(void *, int, const char *, int, int, int);
	const UChar *text;
	const int *map;			/* UTF-16 index -> byte offset in the input; map[n16] = nText */
	int32_t cjk_a, cjk_b;		/* pending run of Han/kana, cjk_a < 0 when none */
	struct u16 w1, w2, w3;		/* scratch for folding */
	char *out;			/* scratch for UTF-8 output */
	int32_t outcap;
	int rc;
	int pairs;			/* PAIRS_*: what pairs_token() does with the tokens */
	int in_word;			/* word() is sending one word's tokens */
	struct pos *prev;		/* PAIRS_DOCUMENT: the last word, while the next may pair with it */
	struct pos *cur;		/* the word being sent */
	struct pos *q;			/* PAIRS_QUERY: every position so far */
	int nq, qcap;
	char *pair;			/* scratch for a pair token */
};

/* tokenize_pairs.c. Every token tokenize.c makes goes through pairs_token(); word() calls pairs_word_done()
 * once a word's tokens are sent, and a query's end calls pairs_query_done(). SQLite result codes. */
int pairs_token(struct tokrun *r, int tflags, const char *tok, int len, int start, int end);
int pairs_word_done(struct tokrun *r);
int pairs_query_done(struct tokrun *r);

#endif
