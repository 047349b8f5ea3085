/* search_int.h: what search.c (the SQLite index) and pg_search.c (the PostgreSQL one) share:
 * the query split into terms, the checks of filters and pages, facet counting, the time-limit
 * message. Inside src/search only. */
#ifndef AGORA_SEARCH_INT_H
#define AGORA_SEARCH_INT_H
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/err.h"
#include "search.h"

#define QUERY_MAX_TERMS 32
#define SEARCH_DEFAULT_TIME_LIMIT_MS 2000

/* One word or phrase of the user's query (query.c). */
struct search_term {
	const char *text;	/* without quotes or the '*'; points into the query */
	size_t len;
	int quoted, prefix, exclude, is_or;
};

/* Splits q into at most QUERY_MAX_TERMS terms, dropping those without a word. Returns the count,
 * or -1 with e set. Call it on a query search_parse accepted: it alone checks the whole syntax
 * (OR placement, only exclusions, length, UTF-8). */
int search_split(const char *q, struct search_term *t, struct err *e);

/* The filters, in the order of search_facet names: kind, consultation, stakeholder_type,
 * country, region, language. */
#define SEARCH_NFACETS 6
extern const char *const search_facet_names[SEARCH_NFACETS];
const char *search_filter_value(const struct search_query *q, int i);	/* NULL: any */

/* Checks the filters and the page: 0, or -1 with e set (ERR_INVALID, the field named). */
int search_validate(const struct search_query *q, struct err *e);

/* Counting the values of one facet (an open-addressing hash table in the arena). */
struct search_tally {
	struct search_facet_value *slot;
	unsigned cap, n;
};
int search_tally_add(struct arena *a, struct search_tally *t, const char *v);	/* 0 or -1 (memory) */
int search_tally_add_count(struct arena *a, struct search_tally *t, const char *v, int64_t count);
/* r->facets from the tallies, each largest first. 0, or -1 with e set (memory). */
int search_facets_make(struct arena *a, struct search_tally *t, struct search_result *r, struct err *e);

/* e = ERR_BUSY with the message that asks to narrow a search that took too long. Returns -1. */
int search_too_long(struct err *e);

#endif
