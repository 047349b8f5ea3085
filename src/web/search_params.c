/* search_params.c: the search routes' parameters into a struct search_query. */
#include "search_params.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "html.h"

const char *
search_param(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* "YYYY-MM-DD" or RFC 3339; a day given as "to" ends at its last second. 0 for none, -1 for
 * one that cannot be read. */
static int64_t
date_param(const char *v, int end_of_day)
{
	int64_t t;

	if (v == NULL || v[0] == '\0')
		return 0;
	if (time_parse_rfc3339(v, &t) != 0)
		return -1;
	if (end_of_day && strlen(v) == 10)
		t += 86399;
	return t > 0 ? t : 1;	/* 0 means open: 1970-01-01 is as good as the first second */
}

/* A whole number from 1 to 999, or -1. */
static int
small_number(const char *v, int none)
{
	size_t n;

	if (v == NULL || v[0] == '\0')
		return none;
	n = strlen(v);
	if (n > 3 || strspn(v, "0123456789") != n || atoi(v) < 1)
		return -1;
	return atoi(v);
}

int
search_params_read(struct request *r, struct search_query *q, struct err *e)
{
	const char *order = search_param(r, "order");

	memset(q, 0, sizeof(*q));
	q->q = search_param(r, "q");
	q->kind = search_param(r, "kind");
	q->consultation = search_param(r, "consultation");
	q->stakeholder_type = search_param(r, "stakeholder_type");
	q->country = search_param(r, "country");
	q->region = search_param(r, "region");
	q->language = search_param(r, "language");
	q->from = date_param(search_param(r, "from"), 0);
	q->to = date_param(search_param(r, "to"), 1);
	q->page = small_number(search_param(r, "page"), 1);
	q->per_page = small_number(search_param(r, "per_page"), 0);
	if (q->per_page > 100)
		q->per_page = -1;
	if (order == NULL || order[0] == '\0' || str_eq(order, "relevance"))
		q->order = SEARCH_RELEVANCE;
	else if (str_eq(order, "newest"))
		q->order = SEARCH_NEWEST;
	else
		return err_set_field(e, ERR_INVALID, "order", "%s", _("Choose the order: relevance or newest."));
	return 0;
}

void
search_put_marked(struct buf *b, const char *s)
{
	int open = 0;

	while (s != NULL && *s) {
		size_t n = strcspn(s, "\x02\x03");
		html_textn(b, s, n);
		s += n;
		if (*s == SEARCH_MARK_ON && !open) {
			buf_puts(b, "<mark>");
			open = 1;
		} else if (*s == SEARCH_MARK_OFF && open) {
			buf_puts(b, "</mark>");
			open = 0;
		}
		if (*s)
			s++;
	}
	if (open)
		buf_puts(b, "</mark>");
}
