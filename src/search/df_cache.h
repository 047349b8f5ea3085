/* df_cache.h: how many rows of a search index hold a phrase, remembered across searches, so
 * that ranking a query of several common words does not count each one's rows again
 * (rank.c, struct search_rank_hints). One cache for the process. */
#ifndef AGORA_SEARCH_DF_CACHE_H
#define AGORA_SEARCH_DF_CACHE_H

#include "tokenize.h"

/* Fills h with the phrases of the FTS5 expression match (each double-quoted string, with its
 * " *" when a prefix, in the order written) and what the cache knows of them in the index
 * named index (its file). More phrases than SEARCH_RANK_MAX_PHRASES: h->n is 0. */
void df_cache_hints(const char *index, const char *match, struct search_rank_hints *h);

/* Keeps the counts agora_rank made (those marked fresh) for the next searches. */
void df_cache_keep(const char *index, const char *match, const struct search_rank_hints *h);

#endif
