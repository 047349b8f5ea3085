/* pg_int.h: the search index in the PostgreSQL store (docs/SEARCH.md, "On PostgreSQL"). Inside
 * src/search only: the rest of the program calls index.h and search.h, which dispatch here when
 * the store is PostgreSQL.
 *
 *   pg_query.c   the user's query, split by query.c, to phrases of our tokenizer's tokens and to
 *                a tsquery written as quoted lexemes (never PostgreSQL's text parser)
 *   highlight.c  snippets and highlighted titles made in C with the tokenizer, by FTS5's rules
 *   pg_index.c   a thing's row (a tsvector with positions and weights), the full build, the
 *                catch-up with the queue under an advisory lock, agora reindex
 *   pg_search.c  search_run on PostgreSQL: filters, facets, order, pages, snippets */
#ifndef AGORA_SEARCH_PG_INT_H
#define AGORA_SEARCH_PG_INT_H
#include <stdint.h>

#include "../util/arena.h"
#include "../util/err.h"
#include "index.h"
#include "search.h"
#include "tokenize.h"

struct db;

/* One position of a phrase: the tokens that may stand there (a word's stems in English, French
 * and Spanish; one CJK bigram). */
struct search_slot {
	int nalt;
	const char **alt;
	int *len;
};

/* A word or "phrase" of the query as the tokenizer sees it: consecutive positions. */
struct search_phrase {
	int nslots;
	struct search_slot *slot;
	int prefix;		/* the last slot's tokens are prefixes */
};

/* The query on PostgreSQL. */
struct search_plan {
	const char *tsquery;		/* NULL: nothing can match (a term with no token) */
	int nphrases;			/* the words and phrases to find, for highlighting */
	struct search_phrase *phrases;
};

/* The plan of q (which search_parse accepted), in a. Returns 0, or -1 with e set. */
int search_plan_of(struct arena *a, struct search_tokenizer *tok, const char *q, struct search_plan *p,
		   struct err *e);

/* highlight.c. text with every match of the plan's phrases between SEARCH_MARK_ON and _OFF (as
 * FTS5's highlight()); or the best window of ntokens tokens around the matches (FTS5's
 * snippet(), with '…' where it is cut). NULL when out of memory. */
const char *search_highlight(struct arena *a, struct search_tokenizer *tok, const struct search_plan *p,
			     const char *text);
const char *search_snippet(struct arena *a, struct search_tokenizer *tok, const struct search_plan *p,
			   const char *text, int ntokens);

/* pg_index.c */
/* The advisory lock that makes one indexer (or agora reindex) at a time write the index. */
#define SEARCH_PG_LOCK 0x61676f72612d7378LL	/* "agora-sx" */

/* search_index_catch_up on PostgreSQL: one transaction under the lock (or nothing when another
 * server holds it); builds whole when never built or built by another version. */
int search_pg_catch_up(struct db *db, int max, int *applied, struct err *e);
/* search_reindex on PostgreSQL: the whole index again in one transaction; the readers see the
 * old one until it commits. */
int search_pg_reindex(const char *db_url, search_progress_fn progress, void *ctx, struct err *e);
/* The SEARCH_SCHEMA_VERSION the store's index was built with (0: never built; -1: error). */
int64_t search_pg_version(struct db *db);

/* pg_search.c */
int search_pg_run(struct db *db, struct arena *a, const struct search_query *q, struct search_result *r,
		  struct err *e);

#endif
