/* df_table.h: how many rows hold each common token of a search index, kept in the index file
 * (table df, with the row count they were counted at in meta df_rows), so that the first
 * search of common words after a start or a rebuild does not walk their rows to count them
 * (agora_rank's weights; rank.c, df_cache.h). The indexer keeps it within half a percent of the
 * index's row count; agora_rank uses a count within 1%. */
#ifndef AGORA_SEARCH_DF_TABLE_H
#define AGORA_SEARCH_DF_TABLE_H

#include <sqlite3.h>

#include "../util/err.h"
#include "tokenize.h"

#define DF_TABLE_KEEP 256	/* a token in fewer rows is not kept: counting it is quick */
#define DF_TABLE_MIN_ROWS 20000	/* a smaller index keeps no table: every count is quick */

/* Counts again every token of idx in at least DF_TABLE_KEEP rows (FTS5's fts5vocab), in one
 * transaction with the row count. About 4 s for an index of a million responses. 0 or -1. */
int df_table_refresh(sqlite3 *idx, struct err *e);

/* 1 when idx has at least DF_TABLE_MIN_ROWS rows and its table was counted at a row count more
 * than 0.5% away from the present one (or never). */
int df_table_due(sqlite3 *idx);

/* Fills, in h (df_cache_hints'), the count of each phrase of match not known yet that is one
 * token (a stem query.c wrote, or a word the tokenizer makes one token of) kept in idx's
 * table. Those are not fresh: agora_rank uses them and df_cache_keep leaves them. */
void df_table_hints(sqlite3 *idx, const char *match, struct search_rank_hints *h);

#endif
