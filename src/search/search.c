/* search.c: running a query on the index: filters, what the reader may see, facet counts, the
 * order (bm25 relevance, or newest first), one page of hits with snippets, and a time limit.
 * search_run sends a query on the PostgreSQL store to pg_search.c, which does the same there;
 * the checks and the facet counting below are shared with it (search_int.h).
 *
 * One walk of the index: the matches (filters applied), newest first, up to SEARCH_FACET_CAP + 1
 * rows, each filter's values counted in C (exact counts below the cap, and whether there are
 * more), each match's id, date and rank (agora_rank, rank.c: bm25) kept; the page is sorted from
 * them in C and read from docs by id, its snippets made in C (highlight.c). Past the cap the
 * page is newest first (fts rowid order: the indexer numbers docs in date order), and the
 * result says it fell back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../domain/response.h"
#include "../util/buf.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "../store/db.h"
#include "pg_int.h"
#include "search_int.h"
#include "df_cache.h"
#include "df_table.h"

#define SNIPPET_TOKENS 16	/* as pg_search.c */

enum search_access
search_access_for_role(const char *role)
{
	if (str_eq(role, "secretariat"))
		return ACCESS_SECRETARIAT;
	if (str_eq(role, "chair") || str_eq(role, "focal_point") || str_eq(role, "delegate"))
		return ACCESS_MEMBERS;
	return ACCESS_PUBLIC;
}

/* The filters on the facets table's columns (index.h, SEARCH_FACETS_SCHEMA: a value as its
 * code; a value no row ever had has none, and matches nothing): the parameter's name, and the
 * fixed SQL that tests it. */
const char *const search_facet_names[SEARCH_NFACETS] = { "kind", "consultation", "stakeholder_type", "country",
							 "region", "language" };
#define NFACETS SEARCH_NFACETS
#define facet_names search_facet_names
static const char *const filter_sql[NFACETS] = {
	" AND facets.kind = (SELECT code FROM facet_values WHERE facet = 0 AND value = :kind)",
	" AND facets.consultation = (SELECT code FROM facet_values WHERE facet = 1 AND value = :consultation)",
	" AND facets.stakeholder_type = (SELECT code FROM facet_values WHERE facet = 2 AND value = :stakeholder_type)",
	" AND facets.country = (SELECT code FROM facet_values WHERE facet = 3 AND value = :country)",
	" AND facets.region = (SELECT code FROM facet_values WHERE facet = 4 AND value = :region)",
	" AND facets.language = (SELECT code FROM facet_values WHERE facet = 5 AND value = :language)",
};

const char *
search_filter_value(const struct search_query *q, int i)
{
	const char *v[NFACETS] = { q->kind, q->consultation, q->stakeholder_type, q->country, q->region,
				   q->language };
	return v[i] != NULL && v[i][0] != '\0' ? v[i] : NULL;
}

static int
one_of(const char *v, const char *const *list)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

static const char *const kinds[] = { SEARCH_KIND_CONSULTATION, SEARCH_KIND_RESPONSE, SEARCH_KIND_OUTCOME,
				     SEARCH_KIND_DOCUMENT, NULL };
static const char *const languages[] = { "ar", "zh", "en", "fr", "ru", "es", "und", NULL };
static const char *const regions[] = { "africa", "americas", "arab_states", "asia_pacific", "cis", "europe",
				       NULL };

int
search_validate(const struct search_query *q, struct err *e)
{
	const char *v;

	if ((v = search_filter_value(q, 0)) && !one_of(v, kinds))
		return err_set_field(e, ERR_INVALID, "kind", "%s",
				     _("Choose what to search: consultations, responses, outcomes or documents."));
	if ((v = search_filter_value(q, 1)) && !slug_valid(v))
		return err_set_field(e, ERR_INVALID, "consultation", "%s",
				     _("A consultation is named by its short name in its address: letters a-z, "
				       "digits and hyphens."));
	if ((v = search_filter_value(q, 2)) && !one_of(v, stakeholder_types))
		return err_set_field(e, ERR_INVALID, "stakeholder_type", "%s",
				     _("Choose a stakeholder type from the list."));
	if ((v = search_filter_value(q, 3)) &&
	    !(strlen(v) == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z'))
		return err_set_field(e, ERR_INVALID, "country", "%s",
				     _("A country is its two-letter code in capitals (ISO 3166), such as FR."));
	if ((v = search_filter_value(q, 4)) && !one_of(v, regions))
		return err_set_field(e, ERR_INVALID, "region", "%s", _("Choose a region from the list."));
	if ((v = search_filter_value(q, 5)) && !one_of(v, languages))
		return err_set_field(e, ERR_INVALID, "language", "%s", _("Choose a language from the list."));
	if (q->from < 0)
		return err_set_field(e, ERR_INVALID, "from", "%s", _("Write the date as YYYY-MM-DD."));
	if (q->to < 0)
		return err_set_field(e, ERR_INVALID, "to", "%s", _("Write the date as YYYY-MM-DD."));
	if (q->from > 0 && q->to > 0 && q->to < q->from)
		return err_set_field(e, ERR_INVALID, "to", "%s",
				     _("The end date is before the start date: swap them."));
	if (q->page < 0 || q->page > SEARCH_MAX_PAGE)	/* 0: the first */
		return err_set_field(e, ERR_INVALID, "page", _("Choose a page from 1 to %d: to see further, "
							       "narrow the search."),
				     SEARCH_MAX_PAGE);
	if (q->per_page < 0 || q->per_page > 100)
		return err_set_field(e, ERR_INVALID, "per_page", "%s", _("Show from 1 to 100 results per page."));
	return 0;
}

/* The time limit: SQLite calls progress() every few hundred VM instructions. */
struct deadline {
	struct timespec end;
	int passed;
};

static int
progress(void *arg)
{
	struct deadline *d = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > d->end.tv_sec || (now.tv_sec == d->end.tv_sec && now.tv_nsec >= d->end.tv_nsec))
		d->passed = 1;
	return d->passed;
}

int
search_too_long(struct err *e)
{
	return err_set(e, ERR_BUSY, "%s",
		       _("The search took too long. Narrow it: add words, search for a \"phrase\", "
			 "or choose a kind, a consultation or dates."));
}

static int
sql_failed(sqlite3 *idx, int rc, const struct deadline *d, struct err *e)
{
	if (d->passed || rc == SQLITE_INTERRUPT)
		return search_too_long(e);
	if (rc == SQLITE_NOMEM)
		return err_set(e, ERR_BUSY, "out of memory");
	return err_set(e, ERR_INTERNAL, "search failed: %s", sqlite3_errmsg(idx));
}

/* SELECT cols FROM the matches the reader may see, filters applied, then tail. Fixed fragments
 * only; every value is bound by bind(). */
static char *
build_sql(struct arena *a, const struct search_query *q, const char *cols, const char *tail)
{
	struct buf b;
	char *s;

	buf_init(&b);
	buf_puts(&b, "SELECT ");
	buf_puts(&b, cols);
	buf_puts(&b, " FROM fts CROSS JOIN facets ON facets.id = fts.rowid WHERE fts MATCH :q"
		     " AND facets.access <= :access");
	for (int i = 0; i < NFACETS; i++)
		if (search_filter_value(q, i))
			buf_puts(&b, filter_sql[i]);
	if (q->from > 0)
		buf_puts(&b, " AND facets.at >= :from");
	if (q->to > 0)
		buf_puts(&b, " AND facets.at <= :to");
	buf_puts(&b, tail);
	s = b.failed || b.data == NULL ? NULL : arena_strdup(a, b.data);
	buf_free(&b);
	return s;
}

static void
bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void
bind_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

static void
bind(sqlite3_stmt *st, const struct search_query *q, const char *match)
{
	char name[32];

	bind_text(st, ":q", match);
	bind_int(st, ":access", (int64_t)q->access);
	for (int i = 0; i < NFACETS; i++)
		if (search_filter_value(q, i)) {
			snprintf(name, sizeof(name), ":%s", facet_names[i]);
			bind_text(st, name, search_filter_value(q, i));
		}
	bind_int(st, ":from", q->from);
	bind_int(st, ":to", q->to);
}

/* Counting the values of one facet: an open-addressing hash table in the arena. */

static unsigned
hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct search_facet_value *
tally_find(struct search_tally *t, const char *v)
{
	unsigned i = hash(v) & (t->cap - 1);

	while (t->slot[i].value != NULL && strcmp(t->slot[i].value, v) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

int
search_tally_add(struct arena *a, struct search_tally *t, const char *v)
{
	return search_tally_add_count(a, t, v, 1);
}

int
search_tally_add_count(struct arena *a, struct search_tally *t, const char *v, int64_t count)
{
	struct search_facet_value *s;

	if (v == NULL || v[0] == '\0')
		return 0;	/* no value (a consultation has no country): not a facet value */
	if ((t->n + 1) * 2 > t->cap) {
		struct search_tally bigger = { arena_alloc(a, sizeof(*t->slot) * (t->cap ? t->cap * 2 : 16)),
					t->cap ? t->cap * 2 : 16, t->n };
		if (bigger.slot == NULL)
			return -1;
		for (unsigned i = 0; i < t->cap; i++)
			if (t->slot[i].value != NULL)
				*tally_find(&bigger, t->slot[i].value) = t->slot[i];
		*t = bigger;
	}
	s = tally_find(t, v);
	if (s->value == NULL) {
		if ((s->value = arena_strdup(a, v)) == NULL)
			return -1;
		t->n++;
	}
	s->count += count;
	return 0;
}

static int
by_count(const void *x, const void *y)
{
	const struct search_facet_value *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->value, b->value);
}

int
search_facets_make(struct arena *a, struct search_tally *t, struct search_result *r, struct err *e)
{
	if ((r->facets = arena_alloc(a, sizeof(*r->facets) * NFACETS)) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	r->nfacets = NFACETS;
	for (int i = 0; i < NFACETS; i++) {
		struct search_facet *f = &r->facets[i];
		f->name = facet_names[i];
		f->values = arena_alloc(a, sizeof(*f->values) * (t[i].n + 1));
		if (f->values == NULL)
			return err_set(e, ERR_BUSY, "out of memory");
		for (unsigned j = 0; j < t[i].cap; j++)
			if (t[i].slot[j].value != NULL)
				f->values[f->nvalues++] = t[i].slot[j];
		qsort(f->values, (size_t)f->nvalues, sizeof(*f->values), by_count);
	}
	return 0;
}

static const char *
col_dup(struct arena *a, sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return arena_strdup(a, v ? v : "");
}

/* One match seen by the first pass. */
struct seen {
	int64_t id, at;
	double rank;
};

/* What the first pass saw: every match up to the cap, newest (highest rowid) first; from
 * unranked on (n when all were), their ranks were not computed. */
struct first {
	struct seen *m;
	int64_t n, unranked;
};

/* Ranking stops once this many matches, among the newest rows, say the walk will reach the cap
 * twice over: at this density the rest of the index holds at least 2 * SEARCH_FACET_CAP, and one
 * past the cap answers newest first, so the ranks would not be used. At a million responses
 * two queries in three are past the cap, and ranking the 10,001 rows was a fifth of their time
 * (docs/PERFORMANCE.md, "Search"). A guess that proves wrong (the matches thin out) costs a
 * second walk below the last ranked row (rank_rest). */
#define RANK_SAMPLE 1000

/* Whether n matches among the rows with ids above id (of top, the highest) say the walk will
 * find more than twice the cap: n / covered * top, in integers. */
static int
will_cap(int64_t n, int64_t id, int64_t top)
{
	int64_t covered = top - id + 1;

	return n >= RANK_SAMPLE && covered > 0 && n * top >= 2 * (int64_t)SEARCH_FACET_CAP * covered;
}

/* The highest docs id, or 0. */
static int64_t
top_id(sqlite3 *idx)
{
	sqlite3_stmt *st;
	int64_t top = 0;

	if (sqlite3_prepare_v2(idx, "SELECT MAX(id) FROM docs", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		top = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return top;
}

/* The row counts of match's phrases known from earlier searches of idx, or kept in it for its
 * common tokens, in h, for agora_rank. */
static void
hints_get(sqlite3 *idx, const char *match, struct search_rank_hints *h)
{
	const char *file = sqlite3_db_filename(idx, "main");

	df_cache_hints(file ? file : "", match, h);
	df_table_hints(idx, match, h);
}

static void
hints_keep(sqlite3 *idx, const char *match, const struct search_rank_hints *h)
{
	const char *file = sqlite3_db_filename(idx, "main");

	df_cache_keep(file ? file : "", match, h);
}

/* The ranks the first pass did not compute (it judged the cap would be reached, and it was
 * not): a walk of the rows below the last one ranked, each rank given to its row (both walks go
 * down the ids; a row gone from the index in between keeps rank 0). */
static int
rank_rest(sqlite3 *idx, struct arena *a, const struct search_query *q, const char *match,
	  struct search_rank_hints *h, struct first *f, const struct deadline *d, struct err *e)
{
	const char *sql = build_sql(a, q, "fts.rowid, agora_rank(fts, 5.0, 1.0, :hints)",
				    " AND fts.rowid < :below ORDER BY fts.rowid DESC");
	sqlite3_stmt *st = NULL;
	int64_t i = f->unranked;
	int rc = SQLITE_DONE;

	if (sql == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (sqlite3_prepare_v2(idx, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_failed(idx, SQLITE_ERROR, d, e);
	bind(st, q, match);
	bind_int(st, ":below", f->m[f->unranked - 1].id);
	sqlite3_bind_pointer(st, sqlite3_bind_parameter_index(st, ":hints"), h, SEARCH_RANK_HINTS, NULL);
	while (i < f->n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		while (i < f->n && f->m[i].id > id)
			f->m[i++].rank = 0.0;
		if (i < f->n && f->m[i].id == id)
			f->m[i++].rank = sqlite3_column_double(st, 1);
	}
	if (i >= f->n)
		rc = SQLITE_DONE;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_failed(idx, rc, d, e);
	f->unranked = f->n;
	return 0;
}

/* How many matches hold each facet value, by its code (facet_values: small integers, one per
 * value of every facet, so one array counts all six facets). */
struct codes {
	int64_t *n;
	int64_t cap;
};

static int
code_count(struct arena *a, struct codes *c, int64_t code)
{
	if (code <= 0)
		return 0;	/* not a code (they start at 1, and are dense: the array stays small) */
	if (code >= c->cap) {
		int64_t cap = c->cap ? c->cap : 256;
		int64_t *n;

		while (cap <= code)
			cap *= 2;
		if ((n = arena_alloc(a, sizeof(*n) * (size_t)cap)) == NULL)
			return -1;
		memset(n, 0, sizeof(*n) * (size_t)cap);
		if (c->cap > 0)
			memcpy(n, c->n, sizeof(*n) * (size_t)c->cap);
		c->n = n;
		c->cap = cap;
	}
	c->n[code]++;
	return 0;
}

/* r->facets from the counts by code: each counted code's facet and value. */
static int
facets_of_codes(sqlite3 *idx, struct arena *a, const struct codes *c, const struct deadline *d,
		struct search_result *r, struct err *e)
{
	struct search_tally t[NFACETS] = { { 0 } };
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(idx, "SELECT code, facet, value FROM facet_values", -1, &st, NULL) != SQLITE_OK)
		return sql_failed(idx, SQLITE_ERROR, d, e);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t code = sqlite3_column_int64(st, 0);
		int facet = sqlite3_column_int(st, 1);

		if (code < 0 || code >= c->cap || c->n[code] == 0 || facet < 0 || facet >= NFACETS)
			continue;
		if (search_tally_add_count(a, &t[facet], (const char *)sqlite3_column_text(st, 2), c->n[code]) != 0) {
			sqlite3_finalize(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_failed(idx, rc, d, e);
	return search_facets_make(a, t, r, e);
}

/* The first pass, the only walk of the index: the matches (filters applied) newest first, up
 * to SEARCH_FACET_CAP + 1: the total, whether capped, the facets counted in C by code, and each match's
 * id, date and, for relevance, its rank (agora_rank: about a microsecond a row, where walking
 * the index again for a page in relevance order cost as much as the first walk: for common
 * words most of a search's time; docs/PERFORMANCE.md, "Search"). */
static int
first_pass(sqlite3 *idx, struct arena *a, const struct search_query *q, const char *match,
	   const struct deadline *d, struct first *f, struct search_result *r, struct err *e)
{
	struct codes c = { NULL, 0 };
	struct search_rank_hints h;
	int ranked = q->order == SEARCH_RELEVANCE;
	int64_t top = 0;
	sqlite3_stmt *st = NULL;
	const char *sql = build_sql(a, q,
				    ranked ? "facets.kind, facets.consultation, facets.stakeholder_type, "
					     "facets.country, facets.region, facets.language, facets.id, facets.at, "
					     "agora_rank(fts, 5.0, 1.0, :hints)"	/* a title match weighs 5 */
					   : "facets.kind, facets.consultation, facets.stakeholder_type, "
					     "facets.country, facets.region, facets.language, facets.id, facets.at, 0",
				    " ORDER BY fts.rowid DESC LIMIT :cap");
	int rc;

	memset(f, 0, sizeof(*f));
	if (sql == NULL || (f->m = arena_alloc(a, sizeof(*f->m) * (SEARCH_FACET_CAP + 1))) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (sqlite3_prepare_v2(idx, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_failed(idx, SQLITE_ERROR, d, e);
	bind(st, q, match);
	bind_int(st, ":cap", SEARCH_FACET_CAP + 1);
	if (ranked) {
		hints_get(idx, match, &h);
		h.skip = 0;
		top = top_id(idx);
		sqlite3_bind_pointer(st, sqlite3_bind_parameter_index(st, ":hints"), &h, SEARCH_RANK_HINTS, NULL);
	}
	f->unranked = -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct seen *m = &f->m[f->n];

		m->id = sqlite3_column_int64(st, 6);
		m->at = sqlite3_column_int64(st, 7);
		m->rank = sqlite3_column_double(st, 8);
		if (++f->n > SEARCH_FACET_CAP)
			break;	/* the one past the cap says only that there are more */
		if (ranked && !h.skip && will_cap(f->n, m->id, top)) {
			h.skip = 1;	/* the next rows are not ranked */
			f->unranked = f->n;
		}
		for (int i = 0; i < NFACETS; i++)
			if (code_count(a, &c, sqlite3_column_int64(st, i)) != 0) {
				sqlite3_finalize(st);
				return err_set(e, ERR_BUSY, "out of memory");
			}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_failed(idx, rc, d, e);
	if (f->unranked < 0)
		f->unranked = f->n;
	if (ranked) {
		h.skip = 0;
		hints_keep(idx, match, &h);
	}
	r->capped = f->n > SEARCH_FACET_CAP;
	r->total = r->capped ? SEARCH_FACET_CAP : f->n;
	if (ranked && !r->capped && f->unranked < f->n) {
		if (rank_rest(idx, a, q, match, &h, f, d, e) != 0)
			return -1;
		r->ranked_again = 1;
	}
	return facets_of_codes(idx, a, &c, d, r, e);
}

/* The snippet of the body and the marked title of each hit, made in C (highlight.c, by the
 * rules of FTS5's snippet() and highlight(), as on PostgreSQL) from the hit's text read by its
 * rowid. FTS5's own functions would need the query run again over the hits' rowid range, and a
 * page in relevance order spans nearly the whole index: at 1,000,000 responses that walk was
 * the slowest part of a search for common words (docs/PERFORMANCE.md, "Search"). */
static int
add_snippets(sqlite3 *idx, struct arena *a, const char *q, const int64_t *ids, const struct deadline *d,
	     struct search_result *r, struct err *e)
{
	struct search_tokenizer *tok;
	struct search_plan plan;
	sqlite3_stmt *st = NULL;
	int ret = -1;

	if (r->nhits == 0)
		return 0;
	if ((tok = search_thread_tokenizer()) == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the search tokenizer (ICU)");
	if (search_plan_of(a, tok, q, &plan, e) != 0)
		return -1;
	if (sqlite3_prepare_v2(idx, "SELECT title, body FROM fts WHERE rowid = ?1", -1, &st, NULL) != SQLITE_OK)
		return sql_failed(idx, SQLITE_ERROR, d, e);
	for (int i = 0; i < r->nhits; i++) {
		const char *title, *body;
		int rc;

		r->hits[i].snippet = "";
		r->hits[i].title_marked = r->hits[i].title;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE)
			continue;	/* not in the index: shown without a snippet */
		if (rc != SQLITE_ROW) {
			sql_failed(idx, rc, d, e);
			goto out;
		}
		title = (const char *)sqlite3_column_text(st, 0);
		body = (const char *)sqlite3_column_text(st, 1);
		r->hits[i].title_marked = search_highlight(a, tok, &plan, title ? title : "");
		r->hits[i].snippet = search_snippet(a, tok, &plan, body ? body : "", SNIPPET_TOKENS);
		if (r->hits[i].title_marked == NULL || r->hits[i].snippet == NULL) {
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static int
by_newest(const void *x, const void *y)
{
	const struct seen *a = x, *b = y;

	if (a->at != b->at)
		return a->at > b->at ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

static int
by_rank(const void *x, const void *y)
{
	const struct seen *a = x, *b = y;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;
}

/* The hit of docs row id (the page's columns), into h. 0, 1 when the row is gone, or -1. */
static int
read_hit(sqlite3_stmt *st, struct arena *a, int64_t id, struct search_hit *h)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? 1 : -1;
	h->kind = col_dup(a, st, 0);
	h->url = col_dup(a, st, 1);
	h->title = col_dup(a, st, 2);
	h->consultation = col_dup(a, st, 3);
	h->language = col_dup(a, st, 4);
	h->country = col_dup(a, st, 5);
	h->stakeholder_type = col_dup(a, st, 6);
	h->at = sqlite3_column_int64(st, 7);
	h->flags = sqlite3_column_int(st, 8);
	return h->kind && h->url && h->title && h->consultation && h->language && h->country &&
			   h->stakeholder_type
		       ? 0
		       : -2;
}

/* The page from what the first pass saw, sorted as asked. */
static int
page_from_first(sqlite3 *idx, struct arena *a, const struct search_query *q, struct first *f,
		const struct deadline *d, struct search_result *r, int64_t *ids, struct err *e)
{
	int per_page = q->per_page > 0 ? q->per_page : SEARCH_PER_PAGE;
	int64_t from = (int64_t)((q->page > 0 ? q->page : 1) - 1) * per_page;
	sqlite3_stmt *st = NULL;
	int64_t n = r->capped ? SEARCH_FACET_CAP : f->n;

	if (r->capped) {
		r->fell_back = q->order == SEARCH_RELEVANCE;	/* newest (rowid) first, as read */
	} else if (q->order == SEARCH_NEWEST) {
		qsort(f->m, (size_t)f->n, sizeof(*f->m), by_newest);
	} else {
		qsort(f->m, (size_t)f->n, sizeof(*f->m), by_rank);
	}
	if (sqlite3_prepare_v2(idx,
			       "SELECT kind, url, title, consultation, language, country, stakeholder_type, at, "
			       "flags FROM docs WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_failed(idx, SQLITE_ERROR, d, e);
	for (int64_t i = from; i < n && r->nhits < per_page; i++) {
		int rc = read_hit(st, a, f->m[i].id, &r->hits[r->nhits]);

		if (rc == 1)
			continue;
		if (rc != 0) {
			sqlite3_finalize(st);
			return rc == -2 ? err_set(e, ERR_BUSY, "out of memory")
					: sql_failed(idx, sqlite3_errcode(idx), d, e);
		}
		ids[r->nhits++] = f->m[i].id;
	}
	sqlite3_finalize(st);
	return 0;
}

/* The page, from what the first pass saw; then its snippets. */
static int
read_page(sqlite3 *idx, struct arena *a, const struct search_query *q, struct first *f,
	  const struct deadline *d, struct search_result *r, struct err *e)
{
	int per_page = q->per_page > 0 ? q->per_page : SEARCH_PER_PAGE;
	int64_t *ids;

	r->hits = arena_alloc(a, sizeof(*r->hits) * (size_t)per_page);
	ids = arena_alloc(a, sizeof(*ids) * (size_t)per_page);
	if (r->hits == NULL || ids == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (page_from_first(idx, a, q, f, d, r, ids, e) != 0)
		return -1;
	return add_snippets(idx, a, q->q, ids, d, r, e);
}

static int
lite_run(sqlite3 *idx, struct arena *a, const struct search_query *q, struct search_result *r,
	 struct err *e)
{
	struct deadline d = { { 0, 0 }, 0 };
	struct first f;
	int limit_ms = q->time_limit_ms > 0 ? q->time_limit_ms : SEARCH_DEFAULT_TIME_LIMIT_MS;
	const char *match;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	err_clear(e);
	if ((match = search_parse(a, q->q, e)) == NULL || search_validate(q, e) != 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &d.end);
	d.end.tv_sec += limit_ms / 1000;
	d.end.tv_nsec += (long)(limit_ms % 1000) * 1000000L;
	if (d.end.tv_nsec >= 1000000000L) {
		d.end.tv_sec++;
		d.end.tv_nsec -= 1000000000L;
	}
	sqlite3_progress_handler(idx, 200, progress, &d);
	if (first_pass(idx, a, q, match, &d, &f, r, e) == 0 && read_page(idx, a, q, &f, &d, r, e) == 0)
		ret = 0;
	sqlite3_progress_handler(idx, 0, NULL, NULL);
	return ret;
}

int
search_run(const struct search_index *ix, struct arena *a, const struct search_query *q,
	   struct search_result *r, struct err *e)
{
	if (ix->pg != NULL && db_is_postgres(ix->pg))
		return search_pg_run(ix->pg, a, q, r, e);
	if (ix->lite == NULL) {
		memset(r, 0, sizeof(*r));
		return err_set(e, ERR_INTERNAL, "search: no index");
	}
	return lite_run(ix->lite, a, q, r, e);
}
