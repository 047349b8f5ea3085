/* api_search.c: GET /api/v1/search, the search page's parameters and results as JSON. Who reads
 * decides what is found: a session as on the pages, a secretariat bearer token (any scope) the
 * secretariat's view; without either, only what is public. */
#include <string.h>
#include <strings.h>

#include "../domain/account.h"
#include "../search/search.h"
#include "../util/timefmt.h"
#include "handlers.h"
#include "html.h"
#include "reply.h"
#include "search_params.h"
#include "server.h"

/* The reader's access. Returns 0, or -1 with a 401 answered for a token that is not valid (a
 * caller who sent one expects its rights: answering with the public's would hide the mistake). */
static int
reader_access(struct request *r, enum search_access *access)
{
	const char *h = request_get_header(r, "Authorization");
	struct token_use u;
	struct err e;

	*access = search_access_for_role(r->session_id != 0 ? r->role : "");
	if (h == NULL)
		return 0;
	if (strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) >= 128 || token_lookup(r->db, h + 7, &u, &e) != 0) {
		request_header(r, "WWW-Authenticate", "Bearer realm=\"agora\", error=\"invalid_token\"");
		reply_problem(r, 401, NULL, "this token is unknown or revoked; send none to search as the public",
			      NULL);
		return -1;
	}
	if (search_access_for_role(u.role) > *access)
		*access = search_access_for_role(u.role);
	return 0;
}

/* The snippet as HTML: the text escaped, the marks as <mark>. */
static const char *
marked_html(struct request *r, const char *s)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	search_put_marked(&b, s);
	out = b.failed || b.data == NULL ? "" : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return out ? out : "";
}

static json_t *
hit_json(struct request *r, const struct search_hit *h)
{
	char iso[TIME_RFC3339_LEN];

	time_format_rfc3339(h->at, iso);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:b}", "kind", h->kind, "url", h->url,
			 "title", h->title[0] ? h->title : _("Anonymous respondent"), "snippet", marked_html(r, h->snippet), "date", iso, "language",
			 h->language, "consultation", h->consultation[0] ? h->consultation : NULL, "country",
			 h->country[0] ? h->country : NULL, "stakeholder_type",
			 h->stakeholder_type[0] ? h->stakeholder_type : NULL, "not_searchable",
			 (h->flags & SEARCH_FLAG_UNSEARCHABLE) != 0);
}

static json_t *
facets_json(const struct search_result *res)
{
	json_t *o = json_object();

	for (int i = 0; i < res->nfacets; i++) {
		json_t *a = json_array();
		for (int j = 0; j < res->facets[i].nvalues; j++)
			json_array_append_new(a, json_pack("{s:s, s:I}", "value", res->facets[i].values[j].value,
							   "count", (json_int_t)res->facets[i].values[j].count));
		json_object_set_new(o, res->facets[i].name, a);
	}
	return o;
}

int
api_search(struct request *r)
{
	struct search_query q;
	struct search_result res;
	struct err e;
	const struct search_index *idx;
	json_t *hits;

	if (reader_access(r, &q.access) != 0)
		return HANDLER_DONE;
	enum search_access access = q.access;
	if (search_params_read(r, &q, &e) != 0)
		return reply_problem(r, 422, NULL, e.msg, reply_field_error(e.field, e.msg));
	q.access = access;
	if (q.q == NULL)
		q.q = "";	/* search_run says what to write */
	if ((idx = server_search_index(r)) == NULL) {
		request_header(r, "Retry-After", "60");
		return reply_problem(r, 503, NULL, "the search index is not built yet: run agora reindex", NULL);
	}
	if (search_run(idx, r->arena, &q, &res, &e) != 0) {
		if (e.kind == ERR_INVALID)
			return reply_problem(r, 422, NULL, e.msg, reply_field_error(e.field[0] ? e.field : "q", e.msg));
		return reply_err(r, &e);
	}
	hits = json_array();
	for (int i = 0; i < res.nhits; i++)
		json_array_append_new(hits, hit_json(r, &res.hits[i]));
	request_header(r, "Cache-Control", "no-store");
	return reply_json(r, 200, json_pack("{s:I, s:b, s:b, s:i, s:i, s:o, s:o}", "total", (json_int_t)res.total,
					    "total_capped", res.capped, "fell_back", res.fell_back, "page",
					    q.page > 0 ? q.page : 1, "per_page",
					    q.per_page > 0 ? q.per_page : SEARCH_PER_PAGE, "results", hits, "facets",
					    facets_json(&res)));
}
