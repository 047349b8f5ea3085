/* rank.c: agora_rank(fts, w0, w1, ...), the relevance of a match: FTS5's bm25() (SQLite's
 * ext/fts5/fts5_aux.c: k1 = 1.2, b = 0.75, a weight per column, the document's length against
 * the average), with one difference. bm25() weighs each phrase of the query by its inverse
 * document frequency, and to know it counts the rows holding the phrase: a walk of the phrase's
 * whole doclist, position lists included, before the first row is scored. When the query has a
 * single phrase that weight multiplies every score alike, so it cannot change the order: here
 * it is then 1 and the walk is not made. (At 1,000,000 responses the walk of a phrase of three
 * common words took 35 to 50 ms; docs/PERFORMANCE.md, "Search".) With several phrases each is
 * weighed as bm25() does. Lower is better, as with bm25(). */
#include "tokenize.h"

#ifdef AGORA_FTS_EXTENSION
SQLITE_EXTENSION_INIT3
#endif

#include <math.h>
#include <string.h>

#define K1 1.2
#define B 0.75

/* What is the same for every row of one query: the phrases' weights and the average length. */
struct rank_data {
	int nphrase;
	double avgdl;
	double *idf;	/* nphrase */
	double *freq;	/* nphrase: the current row's weighted hit counts */
};

static int
count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)arg)++;
	return SQLITE_OK;
}

static int
rank_data_make(const Fts5ExtensionApi *api, Fts5Context *fts, struct rank_data **out)
{
	struct rank_data *d;
	sqlite3_int64 nrow = 0, ntok = 0;
	int n = api->xPhraseCount(fts), rc;

	if ((rc = api->xRowCount(fts, &nrow)) != SQLITE_OK ||
	    (rc = api->xColumnTotalSize(fts, -1, &ntok)) != SQLITE_OK)
		return rc;
	if ((d = sqlite3_malloc64(sizeof(*d) + sizeof(double) * 2 * (size_t)(n > 0 ? n : 1))) == NULL)
		return SQLITE_NOMEM;
	memset(d, 0, sizeof(*d));
	d->nphrase = n;
	d->idf = (double *)(d + 1);
	d->freq = d->idf + (n > 0 ? n : 1);
	d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
	for (int i = 0; i < n; i++) {
		sqlite3_int64 nhit = 0;
		double idf;

		d->idf[i] = 1.0;
		if (n == 1)
			break;	/* one phrase: its weight orders nothing */
		if ((rc = api->xQueryPhrase(fts, i, &nhit, count_row)) != SQLITE_OK) {
			sqlite3_free(d);
			return rc;
		}
		idf = log(((double)nrow - (double)nhit + 0.5) / ((double)nhit + 0.5));
		d->idf[i] = idf > 0.0 ? idf : 1e-6;	/* as bm25(): a phrase in most rows still counts */
	}
	*out = d;
	return SQLITE_OK;
}

static void
rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	struct rank_data *d = api->xGetAuxdata(fts, 0);
	int ninst = 0, rc = SQLITE_OK, ntok = 0;
	double score = 0.0, dl;

	if (d == NULL) {
		if ((rc = rank_data_make(api, fts, &d)) == SQLITE_OK &&
		    (rc = api->xSetAuxdata(fts, d, sqlite3_free)) != SQLITE_OK)
			d = NULL;	/* xSetAuxdata freed it */
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}
	memset(d->freq, 0, sizeof(double) * (size_t)d->nphrase);
	if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	for (int i = 0; i < ninst; i++) {
		int phrase, col, off;
		double w = 1.0;

		if ((rc = api->xInst(fts, i, &phrase, &col, &off)) != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
		if (col < nval)
			w = sqlite3_value_double(val[col]);
		d->freq[phrase] += w;
	}
	if ((rc = api->xColumnSize(fts, -1, &ntok)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	dl = (double)ntok;
	for (int i = 0; i < d->nphrase; i++)
		score += d->idf[i] * (d->freq[i] * (K1 + 1.0)) / (d->freq[i] + K1 * (1.0 - B + B * dl / d->avgdl));
	sqlite3_result_double(ctx, -1.0 * score);
}

int
search_rank_register(fts5_api *api)
{
	return api->xCreateFunction(api, "agora_rank", NULL, rank, NULL);
}
