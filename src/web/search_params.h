/* search_params.h: the parameters of /search and /api/v1/search, read the same way for both. */
#ifndef AGORA_SEARCH_PARAMS_H
#define AGORA_SEARCH_PARAMS_H
#include "../search/search.h"
#include "request.h"

/* A query-string parameter of r, or NULL. The search routes read theirs here rather than
 * through the route table: they take more than ROUTE_MAX_PARAMS, and a bad one is answered
 * 422 with the field named (by search_run), like a form, not 400. */
const char *search_param(struct request *r, const char *name);

/* Fills q from r's parameters (q, kind, consultation, stakeholder_type, country, region,
 * language, from, to, order, page, per_page); access is left to the caller. A number or date
 * that cannot be read is stored out of range, so that search_run names its field. Returns 0, or
 * -1 with e set (ERR_INVALID, field "order") for an order other than relevance or newest. */
int search_params_read(struct request *r, struct search_query *q, struct err *e);

/* Text with SEARCH_MARK_ON/OFF as <mark>...</mark>: the text escaped, the marks balanced
 * whatever the text holds. */
void search_put_marked(struct buf *b, const char *s);

#endif
