/* search.h: queries over the search index (index.h): the user's query syntax, filters, facet
 * counts, snippets, relevance or date order, pages, and a time limit. */
#ifndef AGORA_SEARCH_SEARCH_H
#define AGORA_SEARCH_SEARCH_H
#include <stdint.h>
#include <sqlite3.h>

#include "../util/arena.h"
#include "../util/err.h"
#include "index.h"

#define SEARCH_FACET_CAP 10000	/* counts are exact up to this many matches */
#define SEARCH_PER_PAGE 20
#define SEARCH_MAX_PAGE 50

enum search_order { SEARCH_RELEVANCE = 0, SEARCH_NEWEST = 1 };

struct search_query {
	const char *q;			/* the user's words: words, "phrases", -word, OR, prefix* */
	/* filters; NULL or "" = any */
	const char *consultation, *kind, *stakeholder_type, *country, *region, *language;
	int64_t from, to;		/* docs.at range, inclusive; 0 = open */
	enum search_order order;
	int page;			/* 1.. SEARCH_MAX_PAGE */
	int per_page;			/* 1.. 100; 0 = SEARCH_PER_PAGE */
	enum search_access access;	/* the most the reader may see */
	int time_limit_ms;		/* 0 = the default (2,000) */
};

struct search_hit {
	const char *kind, *url, *title, *consultation, *language, *country, *stakeholder_type;
	int64_t at;
	int flags;
	/* plain text; the matching words between SEARCH_MARK_ON and SEARCH_MARK_OFF bytes, which
	 * the text itself never contains: escape the text, then turn the marks into <mark>. */
	const char *snippet;
	const char *title_marked;	/* the title, its matching words between the same marks */
};
#define SEARCH_MARK_ON '\x02'
#define SEARCH_MARK_OFF '\x03'

struct search_facet_value {
	const char *value;
	int64_t count;			/* exact unless the result is capped: then a lower bound */
};
struct search_facet {
	const char *name;		/* "kind", "consultation", "stakeholder_type", "country", "region", "language" */
	int nvalues;
	struct search_facet_value *values;	/* largest count first */
};

struct search_result {
	int64_t total;			/* exact when !capped, else SEARCH_FACET_CAP */
	int capped;			/* more than SEARCH_FACET_CAP matches */
	int fell_back;			/* asked for relevance, too many matches: newest first instead */
	int ranked_again;		/* SQLite: the walk stopped ranking, judging from the newest
					 * matches that the cap would be reached; it was not, and a
					 * second walk ranked the rest (search.c) */
	int nhits;
	struct search_hit *hits;
	int nfacets;
	struct search_facet *facets;
};

/* Runs q on the index ix (index.h: the SQLite file from search_index_open, or the PostgreSQL
 * store). Everything is allocated in a.
 * Returns 0; or -1 with e set: ERR_INVALID for a query with a syntax error or a bad filter
 * (e->field names the parameter, e->msg says what is wrong and how to write it instead, in
 * the current thread's interface language), ERR_BUSY when the time limit passed (or, on
 * PostgreSQL, when the index was never built). */
int search_run(const struct search_index *ix, struct arena *a, const struct search_query *q,
	       struct search_result *r, struct err *e);

/* The most a reader of this role (account.c's roles; "" for nobody) may see. */
enum search_access search_access_for_role(const char *role);

/* The FTS5 expression for the user's query, or NULL with e set (ERR_INVALID). Exposed for tests. */
const char *search_parse(struct arena *a, const char *q, struct err *e);

#endif
