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

/* The phrases of match, as they stand in it (each from its opening quote to its closing one,
 * and its " *" when a prefix): p[i] of len[i] bytes, same_word[i] when it is another stem of the
 * word of p[i - 1]. Returns how many, or -1 when there are more than max. */
int df_cache_phrases(const char *match, const char **p, size_t *len, unsigned char *same_word, int max);

#endif
