/* pg_search.c: search_run on the PostgreSQL store's index (pg_index.c). The same passes as
 * search.c on SQLite: the matches (filters applied, what the reader may see) counted up to
 * SEARCH_FACET_CAP + 1 for the total and the facets; one page in the order asked (ts_rank with a
 * title word weighing five times a text word, or newest first, or past the cap newest first by
 * index id); then the snippets and marked titles, cut by our code (highlight.c) from the texts of
 * the page's hits. The tsquery comes from pg_query.c: quoted lexemes of our tokenizer's tokens.
 *
 * The SQL is fixed (db.h caches statements by their text's address): a filter not chosen is
 * bound as '' (or 0 for a date) and the condition is then true. The time limit is PostgreSQL's
 * statement_timeout, set for the search's own transaction only. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../store/db.h"
#include "../util/buf.h"
#include "../util/i18n.h"
#include "pg_int.h"
#include "search_int.h"

#define SNIPPET_TOKENS 16

#define MATCHES \
	" FROM search_docs d WHERE d.words @@ CAST($1 AS tsquery) AND d.access <= CAST($2 AS INTEGER)" \
	" AND (CAST($3 AS TEXT) = '' OR d.kind = $3) AND (CAST($4 AS TEXT) = '' OR d.consultation = $4)" \
	" AND (CAST($5 AS TEXT) = '' OR d.stakeholder_type = $5) AND (CAST($6 AS TEXT) = '' OR d.country = $6)" \
	" AND (CAST($7 AS TEXT) = '' OR d.region = $7) AND (CAST($8 AS TEXT) = '' OR d.language = $8)" \
	" AND d.at >= CAST($9 AS BIGINT) AND (CAST($10 AS BIGINT) = 0 OR d.at <= CAST($10 AS BIGINT))"
#define HIT_COLS "SELECT d.id, d.kind, d.url, d.title, d.consultation, d.language, d.country, d.stakeholder_type, d.at, d.flags"

static const char SQL_COUNT[] =
    "SELECT d.kind, d.consultation, d.stakeholder_type, d.country, d.region, d.language" MATCHES " LIMIT $11";
static const char SQL_PAGE_RELEVANCE[] = HIT_COLS MATCHES
    " ORDER BY ts_rank(CAST('{0.2,0.2,0.2,1.0}' AS REAL[]), d.words, CAST($1 AS tsquery), 1) DESC, d.id DESC"
    " LIMIT $11 OFFSET $12";
static const char SQL_PAGE_NEWEST[] = HIT_COLS MATCHES " ORDER BY d.at DESC, d.id DESC LIMIT $11 OFFSET $12";
/* Past the cap: the index's ids follow the dates (oldest first at a build), and no rank is
 * computed for every match. */
static const char SQL_PAGE_FALLBACK[] = HIT_COLS MATCHES " ORDER BY d.id DESC LIMIT $11 OFFSET $12";
static const char SQL_BODIES[] = "SELECT doc_id, body FROM search_bodies WHERE doc_id = ANY(CAST($1 AS BIGINT[]))";
/* The time limit for this transaction, and whether the index was ever built. And no sequential
 * scan of search_docs: the planner does not count what `words @@ query` costs a row (the
 * tsvector read from TOAST and decompressed), and with a LIMIT and a common word it would scan
 * the table (270 ms at 20,000 responses) rather than read the GIN index (20 ms), which needs no
 * tsvector for a query without phrases. For this transaction only. */
static const char SQL_START[] =
    "SELECT set_config('statement_timeout', $1, true), set_config('enable_seqscan', 'off', true), "
    "COALESCE((SELECT value FROM search_meta WHERE key = 'version'), 0)";

struct run {
	struct db *db;
	struct arena *a;
	const struct search_query *q;
	const char *tsquery;
	struct timespec end;
};

static int
failed(struct run *x, struct err *e)
{
	const char *msg = db_errmsg(x->db);
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (strstr(msg, "statement timeout") != NULL || now.tv_sec > x->end.tv_sec ||
	    (now.tv_sec == x->end.tv_sec && now.tv_nsec >= x->end.tv_nsec))
		return search_too_long(e);
	if (db_last_rc(x->db) == DB_BUSY)
		return err_set(e, ERR_BUSY, "search failed: %s", msg);
	return err_set(e, ERR_INTERNAL, "search failed: %s", msg);
}

static void
bind_matches(struct run *x, struct db_stmt *st)
{
	db_bind_text(st, 1, x->tsquery);
	db_bind_int64(st, 2, (int64_t)x->q->access);
	for (int i = 0; i < SEARCH_NFACETS; i++) {
		const char *v = search_filter_value(x->q, i);
		db_bind_text(st, 3 + i, v ? v : "");
	}
	db_bind_int64(st, 9, x->q->from);
	db_bind_int64(st, 10, x->q->to);
}

/* The first pass: total, capped, and the facets. */
static int
count_matches(struct run *x, struct search_result *r, struct err *e)
{
	struct search_tally t[SEARCH_NFACETS] = { { 0 } };
	struct db_stmt *st = db_prepare(x->db, SQL_COUNT);
	int64_t n = 0;
	enum db_rc rc;

	if (st == NULL)
		return failed(x, e);
	bind_matches(x, st);
	db_bind_int64(st, 11, SEARCH_FACET_CAP + 1);
	while ((rc = db_step(st)) == DB_ROW) {
		if (++n > SEARCH_FACET_CAP)
			break;	/* the one past the cap says only that there are more */
		for (int i = 0; i < SEARCH_NFACETS; i++)
			if (search_tally_add(x->a, &t[i], db_col_text(st, i)) != 0) {
				db_done(st);
				return err_set(e, ERR_BUSY, "out of memory");
			}
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return failed(x, e);
	r->capped = n > SEARCH_FACET_CAP;
	r->total = r->capped ? SEARCH_FACET_CAP : n;
	return search_facets_make(x->a, t, r, e);
}

static const char *
col_dup(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strdup(a, db_col_text(st, i));
}

/* The snippet of each hit's text and its marked title. */
static int
add_snippets(struct run *x, const struct search_plan *plan, const int64_t *ids, struct search_result *r,
	     struct err *e)
{
	struct search_tokenizer *tok = search_thread_tokenizer();
	struct db_stmt *st;
	struct buf list;
	enum db_rc rc;

	if (r->nhits == 0)
		return 0;
	if (tok == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the search tokenizer (ICU)");
	buf_init(&list);
	buf_putc(&list, '{');
	for (int i = 0; i < r->nhits; i++) {
		buf_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
		r->hits[i].snippet = "";	/* until found below */
		if ((r->hits[i].title_marked = search_highlight(x->a, tok, plan, r->hits[i].title)) == NULL) {
			buf_free(&list);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	buf_putc(&list, '}');
	if (list.failed || (st = db_prepare(x->db, SQL_BODIES)) == NULL) {
		buf_free(&list);
		return list.failed ? err_set(e, ERR_BUSY, "out of memory") : failed(x, e);
	}
	db_bind_text(st, 1, list.data);
	buf_free(&list);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		for (int i = 0; i < r->nhits; i++) {
			if (ids[i] != id)
				continue;
			r->hits[i].snippet = search_snippet(x->a, tok, plan, db_col_text(st, 1), SNIPPET_TOKENS);
			if (r->hits[i].snippet == NULL) {
				db_done(st);
				return err_set(e, ERR_BUSY, "out of memory");
			}
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : failed(x, e);
}

/* The second pass: one page of hits in the order asked (or the fallback). */
static int
read_page(struct run *x, const struct search_plan *plan, struct search_result *r, struct err *e)
{
	int per_page = x->q->per_page > 0 ? x->q->per_page : SEARCH_PER_PAGE;
	int page = x->q->page > 0 ? x->q->page : 1;
	const char *sql;
	struct db_stmt *st;
	int64_t *ids;
	enum db_rc rc = DB_DONE;

	if (r->capped) {
		sql = SQL_PAGE_FALLBACK;
		r->fell_back = x->q->order == SEARCH_RELEVANCE;
	} else {
		sql = x->q->order == SEARCH_NEWEST ? SQL_PAGE_NEWEST : SQL_PAGE_RELEVANCE;
	}
	r->hits = arena_alloc(x->a, sizeof(*r->hits) * (size_t)per_page);
	ids = arena_alloc(x->a, sizeof(*ids) * (size_t)per_page);
	if (r->hits == NULL || ids == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if ((st = db_prepare(x->db, sql)) == NULL)
		return failed(x, e);
	bind_matches(x, st);
	db_bind_int64(st, 11, per_page);
	db_bind_int64(st, 12, (int64_t)(page - 1) * per_page);
	while (r->nhits < per_page && (rc = db_step(st)) == DB_ROW) {
		struct search_hit *h = &r->hits[r->nhits];
		ids[r->nhits] = db_col_int64(st, 0);
		h->kind = col_dup(x->a, st, 1);
		h->url = col_dup(x->a, st, 2);
		h->title = col_dup(x->a, st, 3);
		h->consultation = col_dup(x->a, st, 4);
		h->language = col_dup(x->a, st, 5);
		h->country = col_dup(x->a, st, 6);
		h->stakeholder_type = col_dup(x->a, st, 7);
		h->at = db_col_int64(st, 8);
		h->flags = (int)db_col_int64(st, 9);
		if (!h->kind || !h->url || !h->title || !h->consultation || !h->language || !h->country ||
		    !h->stakeholder_type) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		r->nhits++;
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return failed(x, e);
	return add_snippets(x, plan, ids, r, e);
}

/* Starts the search's transaction with its time limit; fails (503) when the index was never
 * built. */
static int
start(struct run *x, int limit_ms, struct err *e)
{
	char ms[32];
	struct db_stmt *st;
	int64_t version;

	if (db_begin(x->db) != 0)
		return failed(x, e);
	snprintf(ms, sizeof(ms), "%d", limit_ms);
	if ((st = db_prepare(x->db, SQL_START)) == NULL)
		return failed(x, e);
	db_bind_text(st, 1, ms);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return failed(x, e);
	}
	version = db_col_int64(st, 2);
	db_done(st);
	if (version == 0)
		return err_set(e, ERR_BUSY, "%s",
			       _("Search is not available yet: the search index has not been built (agora "
				 "reindex builds it)."));
	return 0;
}

int
search_pg_run(struct db *db, struct arena *a, const struct search_query *q, struct search_result *r,
	      struct err *e)
{
	int limit_ms = q->time_limit_ms > 0 ? q->time_limit_ms : SEARCH_DEFAULT_TIME_LIMIT_MS;
	struct run x = { db, a, q, NULL, { 0, 0 } };
	struct search_tokenizer *tok;
	struct search_plan plan;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	err_clear(e);
	if (search_parse(a, q->q, e) == NULL || search_validate(q, e) != 0)
		return -1;
	if ((tok = search_thread_tokenizer()) == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the search tokenizer (ICU)");
	if (search_plan_of(a, tok, q->q, &plan, e) != 0)
		return -1;
	x.tsquery = plan.tsquery;
	clock_gettime(CLOCK_MONOTONIC, &x.end);
	x.end.tv_sec += limit_ms / 1000;
	x.end.tv_nsec += (long)(limit_ms % 1000) * 1000000L;
	if (x.end.tv_nsec >= 1000000000L) {
		x.end.tv_sec++;
		x.end.tv_nsec -= 1000000000L;
	}
	if (start(&x, limit_ms, e) != 0)
		goto out;
	if (plan.tsquery == NULL) {	/* a word with nothing to find in it: no match, as FTS5 */
		struct search_tally t[SEARCH_NFACETS] = { { 0 } };
		ret = search_facets_make(a, t, r, e);
		goto out;
	}
	if (count_matches(&x, r, e) == 0 && read_page(&x, &plan, r, e) == 0)
		ret = 0;
out:
	/* read only: a commit or a rollback ends it alike; the rollback also after an error */
	if (ret == 0)
		db_commit(db);
	else
		db_rollback(db);
	return ret;
}
