/* df_table.c: the row counts of an index's common tokens, kept in the index file.
 *
 * agora_rank weighs each phrase of a query by how many rows hold it. Counting is a walk of the
 * phrase's whole doclist: for a word in most of a million rows, as long as the rest of the
 * search (docs/PERFORMANCE.md, "Counts kept in the index"). The process's cache (df_cache.c)
 * spares the second search of a word; this table spares the first. fts5vocab gives every
 * token's row count in one pass over the index, which the indexer makes when the index has
 * grown (or shrunk) by half a percent since, ten minutes apart at most, and `agora reindex`
 * after a build. A count from the table is used as one from the cache: while the index's row
 * count stays within 1% of the one it was made at (rank.c's still_good). */
#include "df_table.h"

#include <stdlib.h>
#include <string.h>

#include "df_cache.h"

#define DRIFT 200	/* due when the row count moved by more than 1/DRIFT since the count */

static int
fail(sqlite3 *idx, struct err *e)
{
	return err_set(e, ERR_INTERNAL, "search index: counting the words' rows: %s", sqlite3_errmsg(idx));
}

int
df_table_refresh(sqlite3 *idx, struct err *e)
{
	static const char sql[] =
		"CREATE TABLE IF NOT EXISTS df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
		"CREATE VIRTUAL TABLE IF NOT EXISTS temp.df_vocab USING fts5vocab(main, fts, row);"
		"BEGIN IMMEDIATE;"
		"DELETE FROM df;";
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_exec(idx, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto failed;
	/* not the pairs of words (tokenize.c): a query names them only inside a phrase */
	if (sqlite3_prepare_v2(idx, "INSERT INTO df (term, n) SELECT term, doc FROM temp.df_vocab WHERE doc >= ?1 "
			       "AND substr(term, 1, 1) <> char(27)", -1, &st, NULL) != SQLITE_OK)
		goto failed;
	sqlite3_bind_int(st, 1, DF_TABLE_KEEP);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE ||
	    sqlite3_exec(idx, "INSERT OR REPLACE INTO meta (key, value) VALUES ('df_rows', (SELECT COUNT(*) FROM "
			 "fts_docsize)); COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		goto failed;
	return 0;
failed:
	rc = fail(idx, e);
	if (!sqlite3_get_autocommit(idx))
		sqlite3_exec(idx, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
df_table_due(sqlite3 *idx)
{
	sqlite3_stmt *st;
	sqlite3_int64 rows = 0, then = -1, d;

	if (sqlite3_prepare_v2(idx, "SELECT (SELECT COUNT(*) FROM fts_docsize), (SELECT value FROM meta WHERE "
			       "key = 'df_rows')", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		rows = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			then = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rows < DF_TABLE_MIN_ROWS)
		return 0;
	d = then > rows ? then - rows : rows - then;
	return then < 0 || d * DRIFT > rows;
}

/* The phrase p (n bytes, quotes included, as df_cache_phrases gives it) as text: its quotes
 * taken off and each "" made one. 0, or -1 when it is a prefix or does not fit. */
static int
phrase_text(const char *p, size_t n, char *out, size_t cap, size_t *len)
{
	size_t k = 0;

	if (n < 2 || p[n - 1] != '"')
		return -1;	/* "..." *: a prefix */
	for (size_t i = 1; i + 1 < n; i++) {
		if (p[i] == '"')
			i++;	/* the first of a "" */
		if (k + 1 >= cap)
			return -1;
		out[k++] = p[i];
	}
	out[k] = '\0';
	*len = k;
	return 0;
}

struct one {
	char tok[SEARCH_STEM_MAX];
	int len, n;
};

static int
one_token(void *ctx, int colocated, const char *token, int len, int start, int end)
{
	struct one *o = ctx;

	(void)colocated;
	(void)start;
	(void)end;
	if (o->n++ > 0 || len <= 0 || len >= SEARCH_STEM_MAX)
		return 1;	/* more than one token: not looked up */
	memcpy(o->tok, token, (size_t)len);
	o->len = len;
	return 0;
}

/* The token phrase text t (n bytes) stands for, in o: a stem query.c wrote (the verbatim mark
 * and the token), or text the tokenizer makes one token of. 0, or -1 when not one token. */
static int
token_of(const char *t, size_t n, struct one *o)
{
	struct search_tokenizer *tok;

	o->n = 0;
	if (n > 0 && t[0] == SEARCH_TOKEN_VERBATIM) {
		if (n - 1 >= sizeof(o->tok) || n == 1)
			return -1;
		memcpy(o->tok, t + 1, n - 1);
		o->len = (int)(n - 1);
		return 0;
	}
	if ((tok = search_thread_tokenizer()) == NULL || search_tokenize(tok, 1, t, n, one_token, o) != 0 ||
	    o->n != 1)
		return -1;
	return 0;
}

void
df_table_hints(sqlite3 *idx, const char *match, struct search_rank_hints *h)
{
	const char *p[SEARCH_RANK_MAX_PHRASES];
	size_t len[SEARCH_RANK_MAX_PHRASES];
	unsigned char same_word[SEARCH_RANK_MAX_PHRASES];
	char text[SEARCH_STEM_MAX + 1];
	sqlite3_stmt *st = NULL;
	int n = df_cache_phrases(match, p, len, same_word, SEARCH_RANK_MAX_PHRASES);

	if (n != h->n)
		return;
	for (int i = 0; i < n; i++) {
		struct one o;
		size_t tl;

		if (h->df[i] >= 0 || phrase_text(p[i], len[i], text, sizeof(text), &tl) != 0 ||
		    token_of(text, tl, &o) != 0)
			continue;
		/* prepared for the first phrase that needs it; no table (an index from before it,
		 * or too small to keep one): nothing to fill */
		if (st == NULL && sqlite3_prepare_v2(idx, "SELECT df.n, meta.value FROM df, meta WHERE df.term = ?1 "
						     "AND meta.key = 'df_rows'", -1, &st, NULL) != SQLITE_OK)
			return;
		sqlite3_bind_text(st, 1, o.tok, o.len, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			h->df[i] = sqlite3_column_int64(st, 0);
			h->at_rows[i] = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}
