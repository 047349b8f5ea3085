/* rank.c: agora_rank(fts, w0, w1, ... [, hints]), the relevance of a match: FTS5's bm25()
 * (SQLite's ext/fts5/fts5_aux.c: k1 = 1.2, b = 0.75, a weight per column, the document's length
 * against the average), with two differences.
 *
 * - bm25() weighs each phrase of the query by its inverse document frequency, and to know it
 *   counts the rows holding the phrase: a walk of the phrase's whole doclist, position lists
 *   included, before the first row is scored. When the query has a single phrase that weight
 *   multiplies every score alike and cannot change the order: here it is then 1 and the walk
 *   is not made (at 1,000,000 responses the walk of a phrase of three common words took 35 to
 *   50 ms; docs/PERFORMANCE.md, "Search"). With several phrases the caller may give the counts
 *   it already knows (struct search_rank_hints; search.c keeps those of recent phrases).
 * - query.c writes a word with several stems as "(stem OR stem)", which FTS5 sees as several
 *   phrases; the hints say which, and such a group is scored as one phrase, as bm25() scores a
 *   word whose stems are colocated alternatives of one phrase: a position counts once, and the
 *   group's count of rows is its largest stem's.
 *
 * Lower is better, as with bm25(). */
#include "tokenize.h"

#ifdef AGORA_FTS_EXTENSION
SQLITE_EXTENSION_INIT3
#endif

#include <math.h>
#include <string.h>

#define K1 1.2
#define B 0.75

/* What is the same for every row of one query. */
struct rank_data {
	int nphrase, ngroup;
	double avgdl;
	int *group;		/* nphrase: each phrase's group */
	double *idf;		/* ngroup */
	double *freq;		/* ngroup: the current row's weighted hits */
	int *last_col, *last_off;	/* ngroup: the position last counted, in the current row */
};

static int
count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *arg)
{
	(void)api;
	(void)fts;
	(*(sqlite3_int64 *)arg)++;
	return SQLITE_OK;
}

/* Whether a count made at rows then still stands at rows now (within 1%). */
static int
still_good(sqlite3_int64 then, sqlite3_int64 now)
{
	sqlite3_int64 d = then > now ? then - now : now - then;

	return then > 0 && d * 100 <= now;
}

/* The number of rows holding phrase i: from the hints, or counted (and told to the hints). */
static int
phrase_rows(const Fts5ExtensionApi *api, Fts5Context *fts, struct search_rank_hints *h, int i,
	    sqlite3_int64 nrow, sqlite3_int64 *nhit)
{
	int rc;

	*nhit = 0;
	if (h != NULL && h->df[i] >= 0 && still_good(h->at_rows[i], nrow)) {
		*nhit = h->df[i];
		return SQLITE_OK;
	}
	if ((rc = api->xQueryPhrase(fts, i, nhit, count_row)) != SQLITE_OK)
		return rc;
	if (h != NULL) {
		h->df[i] = *nhit;
		h->at_rows[i] = nrow;
		h->fresh[i] = 1;
	}
	return SQLITE_OK;
}

static int
rank_data_make(const Fts5ExtensionApi *api, Fts5Context *fts, struct search_rank_hints *h,
	       struct rank_data **out)
{
	struct rank_data *d;
	sqlite3_int64 nrow = 0, ntok = 0, *most;
	int n = api->xPhraseCount(fts), m = n > 0 ? n : 1, rc;

	if ((rc = api->xRowCount(fts, &nrow)) != SQLITE_OK ||
	    (rc = api->xColumnTotalSize(fts, -1, &ntok)) != SQLITE_OK)
		return rc;
	if (h != NULL && (h->n != n || n > SEARCH_RANK_MAX_PHRASES))
		h = NULL;	/* not this query's phrases */
	if ((d = sqlite3_malloc64(sizeof(*d) + (size_t)m * (2 * sizeof(double) + sizeof(sqlite3_int64) +
							 3 * sizeof(int)))) == NULL)
		return SQLITE_NOMEM;
	memset(d, 0, sizeof(*d));
	d->idf = (double *)(d + 1);
	d->freq = d->idf + m;
	most = (sqlite3_int64 *)(d->freq + m);	/* each group's largest count, while made */
	d->group = (int *)(most + m);
	d->last_col = d->group + m;
	d->last_off = d->last_col + m;
	d->nphrase = n;
	d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
	for (int i = 0; i < n; i++) {
		if (i > 0 && h != NULL && h->same_word[i])
			d->group[i] = d->group[i - 1];
		else
			d->group[i] = d->ngroup++;
	}
	for (int g = 0; g < d->ngroup; g++) {
		d->idf[g] = 1.0;
		most[g] = 0;
	}
	if (d->ngroup > 1) {	/* one group: its weight orders nothing, and is not counted */
		for (int i = 0; i < n; i++) {
			sqlite3_int64 nhit;

			if ((rc = phrase_rows(api, fts, h, i, nrow, &nhit)) != SQLITE_OK) {
				sqlite3_free(d);
				return rc;
			}
			if (nhit > most[d->group[i]])
				most[d->group[i]] = nhit;
		}
		for (int g = 0; g < d->ngroup; g++) {
			double idf = log(((double)nrow - (double)most[g] + 0.5) / ((double)most[g] + 0.5));
			d->idf[g] = idf > 0.0 ? idf : 1e-6;	/* as bm25(): a phrase in most rows still counts */
		}
	}
	*out = d;
	return SQLITE_OK;
}

static void
rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	struct rank_data *d = api->xGetAuxdata(fts, 0);
	struct search_rank_hints *h = NULL;
	int ninst = 0, rc = SQLITE_OK, ntok = 0;
	double score = 0.0, dl;

	if (nval > 0 && (h = sqlite3_value_pointer(val[nval - 1], SEARCH_RANK_HINTS)) != NULL)
		nval--;	/* the rest are the columns' weights */
	if (h != NULL && h->skip) {
		sqlite3_result_double(ctx, 0.0);
		return;
	}
	if (d == NULL) {
		if ((rc = rank_data_make(api, fts, h, &d)) == SQLITE_OK &&
		    (rc = api->xSetAuxdata(fts, d, sqlite3_free)) != SQLITE_OK)
			d = NULL;	/* xSetAuxdata freed it */
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}
	for (int g = 0; g < d->ngroup; g++) {
		d->freq[g] = 0.0;
		d->last_col[g] = d->last_off[g] = -1;
	}
	if ((rc = api->xInstCount(fts, &ninst)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	/* Instances come in the order of their positions: a word's stems at one position are next
	 * to each other, and counted once. */
	for (int i = 0; i < ninst; i++) {
		int phrase, col, off, g;
		double w = 1.0;

		if ((rc = api->xInst(fts, i, &phrase, &col, &off)) != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
		g = d->group[phrase];
		if (d->last_col[g] == col && d->last_off[g] == off)
			continue;
		d->last_col[g] = col;
		d->last_off[g] = off;
		if (col < nval)
			w = sqlite3_value_double(val[col]);
		d->freq[g] += w;
	}
	if ((rc = api->xColumnSize(fts, -1, &ntok)) != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	dl = (double)ntok;
	for (int g = 0; g < d->ngroup; g++)
		score += d->idf[g] * (d->freq[g] * (K1 + 1.0)) / (d->freq[g] + K1 * (1.0 - B + B * dl / d->avgdl));
	sqlite3_result_double(ctx, -1.0 * score);
}

int
search_rank_register(fts5_api *api)
{
	return api->xCreateFunction(api, "agora_rank", NULL, rank, NULL);
}
