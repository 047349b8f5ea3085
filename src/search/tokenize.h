/* tokenize.h: the "agora" FTS5 tokenizer (ICU word breaks, NFKC casefold, CJK bigrams, Arabic
 * normalization, accent folding, Snowball stemming). docs/SEARCH.md describes the rules. */
#ifndef AGORA_SEARCH_TOKENIZE_H
#define AGORA_SEARCH_TOKENIZE_H

#ifdef AGORA_FTS_EXTENSION
#include <sqlite3ext.h>
#else
#include <sqlite3.h>
#endif

/* Registers the tokenizer as "agora" (and agora_rank) on db; it must be done on every connection
 * that opens an FTS5 table declared with tokenize='agora'. Returns an SQLite result code. */
int search_tokenizer_register(sqlite3 *db);
/* rank.c: registers agora_rank(fts, weight of column 0, of column 1, ... [, hints]), bm25()
 * without the walk of a lone phrase's doclist (search_tokenizer_register calls it). */
int search_rank_register(fts5_api *api);

/* What a caller may tell agora_rank of the query's phrases, bound as its last argument with
 * sqlite3_bind_pointer(..., SEARCH_RANK_HINTS, NULL): the number of rows holding each phrase
 * (in the order FTS5 numbers them: as written) when known, with the index's row count it was
 * counted at; -1 when not. agora_rank uses a count made at a row count within 1% of the
 * index's, counts the others (the walk bm25() makes) and writes them back, fresh set; and
 * which phrases are the stems of one word. */
#define SEARCH_RANK_HINTS "agora_rank_hints"
#define SEARCH_RANK_MAX_PHRASES 128
struct search_rank_hints {
	int n;
	long long df[SEARCH_RANK_MAX_PHRASES];
	long long at_rows[SEARCH_RANK_MAX_PHRASES];
	unsigned char fresh[SEARCH_RANK_MAX_PHRASES];
	/* 1: phrase i is another stem of the word of phrase i - 1 (query.c's "(stem OR stem)"):
	 * they are scored as one phrase, as FTS5 scores a word's colocated stems */
	unsigned char same_word[SEARCH_RANK_MAX_PHRASES];
	/* 1: agora_rank answers 0 without ranking (search.c sets it during a walk whose ranks will
	 * not be used: one past the cap is answered newest first) */
	unsigned char skip;
};

/* A query string that starts with this byte is one token already made, sent to FTS5 as it is
 * (query.c writes a word's stems as alternatives of such strings; docs/SEARCH.md). */
#define SEARCH_TOKEN_VERBATIM '\x1a'

#ifndef AGORA_FTS_EXTENSION
#include <stddef.h>

/* The same tokenizer outside FTS5 (the PostgreSQL index, snippets made in C), with no language
 * argument (as tokenize = 'agora'). Not thread-safe: one per thread. NULL when ICU fails. */
struct search_tokenizer;
struct search_tokenizer *search_tokenizer_new(void);
void search_tokenizer_free(struct search_tokenizer *t);
/* This thread's tokenizer (made on first use, freed when the thread ends; highlight.c); NULL
 * when ICU fails. */
struct search_tokenizer *search_thread_tokenizer(void);
/* A word has at most this many stems (English, French, Spanish), each at most this many bytes. */
#define SEARCH_MAX_STEMS 3
#define SEARCH_STEM_MAX (256 * 3 + 1)

/* Called for each token: colocated is 1 for a token at the same position as the one before it
 * (a stem in another language, a CJK bigram); [start, end) are the bytes of text it came from.
 * Returns 0 to go on; anything else stops the tokenizer, which returns it. */
typedef int (*search_token_fn)(void *ctx, int colocated, const char *token, int len, int start, int end);

/* Tokenizes text (n bytes, UTF-8, possibly malformed) as a document, or as a query term (query:
 * CJK runs become the phrase of their bigrams). Returns 0, what fn returned to stop, or an
 * SQLite error code (SQLITE_NOMEM, SQLITE_ERROR) from ICU. Texts over 2 GB are cut there. */
int search_tokenize(struct search_tokenizer *t, int query, const char *text, size_t n, search_token_fn fn,
		    void *ctx);
#endif

#endif
