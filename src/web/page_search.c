/* page_search.c: GET /search, the search page: the box and its syntax, the filters, the facet
 * counts as links that add a filter, one page of results with their snippets, and the pages.
 * A reader sees only what its role may see (search_access_for_role). */
#include <stdlib.h>
#include <string.h>

#include "../domain/country.h"
#include "../domain/response.h"
#include "../domain/state.h"
#include "../search/search.h"
#include "../util/str.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "search_params.h"
#include "server.h"
#include "view.h"

/* The parameters a link of this page carries, in this order. */
static const char *const carried[] = { "q", "kind", "consultation", "stakeholder_type", "country", "region",
				       "language", "from", "to", "order", "per_page", NULL };
/* The controls of the filters; an error on another field is shown at the search box. */
static const char *const controls[] = { "kind", "consultation", "stakeholder_type", "country", "region",
					"language", "from", "to", "order", NULL };

/* /search?... with the current parameters, name set to value (NULL or "" removes it), and
 * page (when above 1). The result is a URL: write it with html_attr. */
static const char *
search_url(struct request *r, const char *name, const char *value, int page)
{
	struct buf b;
	const char *out;
	char sep = '?';

	buf_init(&b);
	buf_puts(&b, "/search");
	for (int i = 0; carried[i] != NULL; i++) {
		const char *v = str_eq(carried[i], name) ? value : search_param(r, carried[i]);
		if (v == NULL || v[0] == '\0')
			continue;
		buf_putc(&b, sep);
		buf_puts(&b, carried[i]);
		buf_putc(&b, '=');
		html_url(&b, v);
		sep = '&';
	}
	if (page > 1)
		buf_printf(&b, "%cpage=%d", sep, page);
	out = b.failed || b.data == NULL ? "/search" : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return out ? out : "/search";
}

static const char *
kind_label(const char *kind, int plural)
{
	if (str_eq(kind, SEARCH_KIND_CONSULTATION))
		return plural ? _("Consultations") : _("Consultation");
	if (str_eq(kind, SEARCH_KIND_RESPONSE))
		return plural ? _("Responses") : _("Response");
	if (str_eq(kind, SEARCH_KIND_OUTCOME))
		return plural ? _("Outcomes") : _("Outcome");
	if (str_eq(kind, SEARCH_KIND_DOCUMENT))
		return plural ? _("Documents") : _("Document");
	return kind;
}

static const char *
language_label(const char *code)
{
	enum lang l;

	if (lang_from_code(code, &l) == 0 && strlen(code) == 2)
		return lang_native_name(l);
	if (str_eq(code, "und"))
		return _("Language not known");
	return code;
}

/* A consultation by its title in the reader's language (else its original), or its slug. */
static const char *
consultation_label(struct request *r, const char *slug)
{
	struct consultation c;
	struct err e;
	const char *title;
	enum lang got;

	if (consultation_get(r->db, r->arena, slug, &c, &e) != 0 ||
	    (title = mtext_pick(&c.title, r->lang, &got)) == NULL)
		return slug;
	return title;
}

/* How a facet's value is shown. */
static const char *
value_label(struct request *r, const char *facet, const char *value)
{
	if (str_eq(facet, "consultation"))
		return consultation_label(r, value);
	if (str_eq(facet, "kind"))
		return kind_label(value, 1);
	if (str_eq(facet, "stakeholder_type"))
		return stakeholder_label(value);
	if (str_eq(facet, "country"))
		return state_name(value);
	if (str_eq(facet, "region"))
		return state_region_label(value);
	if (str_eq(facet, "language"))
		return language_label(value);
	return value;
}

static const char *
facet_title(const char *facet)
{
	if (str_eq(facet, "kind"))
		return _("Kind");
	if (str_eq(facet, "consultation"))
		return _("Consultation");
	if (str_eq(facet, "stakeholder_type"))
		return _("Stakeholder type");
	if (str_eq(facet, "country"))
		return _("Country");
	if (str_eq(facet, "region"))
		return _("Region");
	return _("Language");
}

/* The error paragraph for field, when e names it. */
static void
field_error(struct request *r, const struct err *e, const char *field)
{
	if (e == NULL || !str_eq(e->field, field))
		return;
	H(&r->out, "<p class=\"error\" id=\"err-");
	html_attr(&r->out, field);
	H(&r->out, "\" role=\"alert\">");
	html_text(&r->out, e->msg);
	H(&r->out, "</p>\n");
}

static void
invalid_attrs(struct request *r, const struct err *e, const char *field, const char *hint)
{
	struct buf *b = &r->out;

	if (e != NULL && str_eq(e->field, field)) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-");
		html_attr(b, field);
		if (hint != NULL) {
			H(b, " ");
			html_attr(b, hint);
		}
		H(b, "\"");
	} else if (hint != NULL) {
		H(b, " aria-describedby=\"");
		html_attr(b, hint);
		H(b, "\"");
	}
}

static void
option(struct buf *b, const char *value, const char *label, const char *current)
{
	H(b, "<option value=\"");
	html_attr(b, value);
	H(b, "\"");
	if (str_eq(value, current ? current : ""))
		H(b, " selected");
	H(b, ">");
	html_text(b, label);
	H(b, "\n");	/* </option> is implied (HTML): 250 countries, 2 KB less (docs/WEB.md) */
}

/* A <select> of values (NULL-terminated), shown by value_label(facet, ...), with "any" first. */
static void
select_field(struct request *r, const struct err *e, const char *name, const char *label, const char *any,
	     const char *const *values, const char *facet)
{
	struct buf *b = &r->out;
	const char *current = search_param(r, name);

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	field_error(r, e, name);
	H(b, "<select id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\"");
	invalid_attrs(r, e, name, NULL);
	H(b, ">\n");
	option(b, "", any, current);
	for (int i = 0; values != NULL && values[i] != NULL; i++)
		option(b, values[i], facet ? value_label(r, facet, values[i]) : values[i], current);
	H(b, "</select>\n</div>\n");
}

static void
input_field(struct request *r, const struct err *e, const char *name, const char *type, const char *label,
	    const char *hint)
{
	struct buf *b = &r->out;
	const char *v = search_param(r, name);

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	if (hint != NULL) {
		H(b, "<p class=\"hint\" id=\"hint-");
		html_attr(b, name);
		H(b, "\">");
		html_text(b, hint);
		H(b, "</p>\n");
	}
	field_error(r, e, name);
	H(b, "<input id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" type=\"");
	html_attr(b, type);
	H(b, "\" value=\"");
	html_attr(b, v ? v : "");
	H(b, "\"");
	invalid_attrs(r, e, name, hint ? arena_printf(r->arena, "hint-%s", name) : NULL);
	H(b, ">\n</div>\n");
}

static int
is_control(const char *field)
{
	for (int i = 0; controls[i] != NULL; i++)
		if (str_eq(controls[i], field))
			return 1;
	return 0;
}

/* Is a filter chosen? (then the filters are shown open) */
static int
any_filter(struct request *r)
{
	for (int i = 0; controls[i] != NULL; i++) {
		const char *v = search_param(r, controls[i]);
		if (v != NULL && v[0] != '\0')
			return 1;
	}
	return 0;
}

/* The search box, the syntax, and the filters. e: the error to show (NULL: none). */
/* The public consultations' short names, newest first (and the one asked for, when it is not
 * among them: a draft the secretariat searches), NULL-terminated. */
static const char **
consultation_slugs(struct request *r)
{
	struct consultation_page page = { 0 };
	const char *asked = search_param(r, "consultation");
	const char **out;
	struct err e;
	int n = 0, found = 0;

	if (consultation_list(r->db, r->arena, NULL, 0, 0, 100, &page, &e) != 0)
		page.n = 0;
	if ((out = arena_alloc(r->arena, sizeof(*out) * (size_t)(page.n + 2))) == NULL)
		return NULL;
	for (int i = 0; i < page.n; i++) {
		out[n++] = page.items[i].slug;
		found |= str_eq(page.items[i].slug, asked);
	}
	if (!found && asked != NULL && asked[0] != '\0')
		out[n++] = asked;
	out[n] = NULL;
	return out;
}

/* Whether the country filter offers code: with results, only the countries they come from (and
 * the one chosen), since any other finds nothing and 249 names weigh 10 KB in Russian
 * (docs/WEB.md); without results (the empty form), every country. */
static int
country_offered(const struct search_result *res, const char *code, const char *chosen)
{
	if (res == NULL || str_eq(code, chosen))
		return 1;
	for (int f = 0; f < res->nfacets; f++) {
		if (!str_eq(res->facets[f].name, "country"))
			continue;
		for (int v = 0; v < res->facets[f].nvalues; v++)
			if (str_eq(res->facets[f].values[v].value, code))
				return 1;
		return 0;
	}
	return 1;	/* no country facet: offer them all */
}

static void
search_form(struct request *r, const struct err *e, const struct search_result *res)
{
	static const char *const kinds[] = { SEARCH_KIND_CONSULTATION, SEARCH_KIND_RESPONSE, SEARCH_KIND_OUTCOME,
					     SEARCH_KIND_DOCUMENT, NULL };
	static const char *const regions[] = { "africa", "americas", "arab_states", "asia_pacific", "cis",
					       "europe", NULL };
	static const char *const languages[] = { "ar", "zh", "en", "fr", "ru", "es", "und", NULL };
	struct buf *b = &r->out;
	const char *q = search_param(r, "q");
	/* an error on a field without a control of its own (q, page) is shown at the box */
	const char *box_error = e && e->field[0] && !is_control(e->field) ? e->msg : NULL;
	const char **countries = arena_alloc(r->arena, sizeof(*countries) * (size_t)(country_count() + 1));

	H(b, "<form class=\"search\" method=\"get\" action=\"/search\" role=\"search\">\n"
	     "<div class=\"field search-box\">\n<label for=\"f-q\">");
	html_text(b, _("Search for"));
	H(b, "</label>\n");
	if (box_error != NULL) {
		H(b, "<p class=\"error\" id=\"err-q\" role=\"alert\">");
		html_text(b, box_error);
		H(b, "</p>\n");
	}
	H(b, "<div class=\"search-row\"><input id=\"f-q\" name=\"q\" type=\"search\" maxlength=\"512\" value=\"");
	html_attr(b, q ? q : "");
	H(b, "\"");
	if (box_error != NULL)
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-q hint-q\"");
	else
		H(b, " aria-describedby=\"hint-q\"");
	H(b, "> <button type=\"submit\">");
	html_text(b, _("Search"));
	H(b, "</button></div>\n<ul class=\"hint search-syntax\" id=\"hint-q\">\n<li>");
	html_text(b, _("internet access: both words"));
	H(b, "</li>\n<li>");
	html_text(b, _("\"rural areas\": these words together"));
	H(b, "</li>\n<li>");
	html_text(b, _("-draft: without this word"));
	H(b, "</li>\n<li>");
	html_text(b, _("broadband OR fibre: either word (OR in capitals)"));
	H(b, "</li>\n<li>");
	html_text(b, _("connect*: words that begin with connect"));
	H(b, "</li>\n</ul>\n</div>\n<details class=\"search-filters\"");
	if ((e != NULL && is_control(e->field)) || any_filter(r))
		H(b, " open");
	H(b, ">\n<summary>");
	html_text(b, _("Narrow the search"));
	H(b, "</summary>\n<div class=\"filter-grid\">\n");
	select_field(r, e, "kind", _("Kind"), _("All kinds"), kinds, "kind");
	select_field(r, e, "consultation", _("Consultation"), _("All consultations"), consultation_slugs(r),
		     "consultation");
	select_field(r, e, "stakeholder_type", _("Stakeholder type"), _("All stakeholder types"), stakeholder_types,
		     "stakeholder_type");
	if (countries != NULL) {
		int n = country_count(), k = 0;
		for (int i = 0; i < n; i++)
			if (country_offered(res, country_code_at(i), search_param(r, "country")))
				countries[k++] = country_code_at(i);
		countries[k] = NULL;
		select_field(r, e, "country", _("Country"), _("All countries"), countries, "country");
	}
	select_field(r, e, "region", _("Region"), _("All regions"), regions, "region");
	select_field(r, e, "language", _("Language"), _("All languages"), languages, "language");
	input_field(r, e, "from", "date", _("From"), NULL);
	input_field(r, e, "to", "date", _("To"), NULL);
	H(b, "<div class=\"field\">\n<label for=\"f-order\">");
	html_text(b, _("Order"));
	H(b, "</label>\n");
	field_error(r, e, "order");
	H(b, "<select id=\"f-order\" name=\"order\"");
	invalid_attrs(r, e, "order", NULL);
	H(b, ">\n");
	option(b, "relevance", _("Most relevant first"), search_param(r, "order") ? search_param(r, "order") : "relevance");
	option(b, "newest", _("Newest first"), search_param(r, "order"));
	H(b, "</select>\n</div>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Search"));
	H(b, "</button></p>\n</details>\n</form>\n");
}

static void
facets(struct request *r, const struct search_result *res)
{
	struct buf *b = &r->out;

	H(b, "<aside class=\"facets\" aria-label=\"");
	html_attr(b, _("Narrow the results"));
	H(b, "\">\n");
	for (int i = 0; i < res->nfacets; i++) {
		const struct search_facet *f = &res->facets[i];
		const char *current = search_param(r, f->name);
		int filtered = current != NULL && current[0] != '\0';
		if (f->nvalues == 0)
			continue;
		H(b, "<section class=\"facet\">\n<h2>");
		html_text(b, facet_title(f->name));
		H(b, "</h2>\n<ul>\n");
		for (int j = 0; j < f->nvalues && j < 12; j++) {
			H(b, "<li>");
			if (filtered && str_eq(current, f->values[j].value)) {
				H(b, "<strong>");
				html_text(b, value_label(r, f->name, f->values[j].value));
				H(b, "</strong>");
			} else {
				H(b, "<a href=\"");
				html_attr(b, search_url(r, f->name, f->values[j].value, 1));
				H(b, "\">");
				html_text(b, value_label(r, f->name, f->values[j].value));
				H(b, "</a>");
			}
			H(b, " <span class=\"count\">");
			view_number(r, f->values[j].count);
			if (res->capped)
				H(b, "+");
			H(b, "</span></li>\n");
		}
		if (filtered) {
			H(b, "<li><a href=\"");
			html_attr(b, search_url(r, f->name, NULL, 1));
			H(b, "\">");
			html_text(b, _("Remove this filter"));
			H(b, "</a></li>\n");
		}
		H(b, "</ul>\n</section>\n");
	}
	H(b, "</aside>\n");
}

/* lang and dir of text written in a result's language; dir="auto" (or nothing, when !fallback)
 * for a language not known. */
static void
lang_attrs(struct buf *b, const char *language, int fallback)
{
	enum lang l;

	if (lang_from_code(language, &l) == 0 && strlen(language) == 2) {
		H(b, " lang=\"");
		html_attr(b, language);
		H(b, "\" dir=\"");
		html_raw_trusted(b, lang_is_rtl(l) ? "rtl" : "ltr");
		H(b, "\"");
	} else if (fallback) {
		H(b, " dir=\"auto\"");
	}
}

static void
hit(struct request *r, const struct search_hit *h)
{
	struct buf *b = &r->out;

	H(b, "<li class=\"result\">\n<h3><a href=\"");
	html_attr(b, h->url);
	H(b, "\"");
	if (h->title[0] == '\0') {	/* an anonymous response: no name in the index */
		H(b, ">");
		html_text(b, _("Anonymous respondent"));	/* in the reader's language */
	} else {
		lang_attrs(b, h->language, 0);
		H(b, ">");
		search_put_marked(b, h->title_marked ? h->title_marked : h->title);
	}
	H(b, "</a></h3>\n<p class=\"meta\"><span class=\"result-kind\">");
	html_text(b, kind_label(h->kind, 0));
	H(b, "</span> ");
	view_date(r, h->at);
	H(b, " <span>");
	html_text(b, language_label(h->language));
	H(b, "</span>");
	if (h->country[0] != '\0') {
		H(b, " <span>");
		html_text(b, state_name(h->country));
		H(b, "</span>");
	}
	H(b, "</p>\n");
	if (h->snippet != NULL && h->snippet[0] != '\0') {
		H(b, "<p class=\"snippet\"");
		lang_attrs(b, h->language, 1);
		H(b, ">");
		search_put_marked(b, h->snippet);
		H(b, "</p>\n");
	}
	if (h->flags & SEARCH_FLAG_UNSEARCHABLE) {
		H(b, "<p class=\"hint\">");
		html_text(b, _("An attachment of this has no text layer (a scanned image): its words cannot be "
			       "found by searching."));
		H(b, "</p>\n");
	}
	H(b, "</li>\n");
}

static void
pages(struct request *r, const struct search_query *q, const struct search_result *res)
{
	struct buf *b = &r->out;
	int per_page = q->per_page > 0 ? q->per_page : SEARCH_PER_PAGE;
	int page = q->page > 0 ? q->page : 1;
	int has_next = (int64_t)page * per_page < res->total && page < SEARCH_MAX_PAGE;

	if (page == 1 && !has_next)
		return;
	H(b, "<nav class=\"pages\" aria-label=\"");
	html_attr(b, _("Pages of results"));
	H(b, "\">\n<p>");
	if (page > 1) {
		H(b, "<a rel=\"prev\" href=\"");
		html_attr(b, search_url(r, NULL, NULL, page - 1));
		H(b, "\">");
		html_text(b, _("Previous page"));
		H(b, "</a> ");
	}
	H(b, "<span class=\"page-number\">");
	html_text(b, arena_printf(r->arena, _("Page %s"), view_num(r, page)));
	H(b, "</span>");
	if (has_next) {
		H(b, " <a rel=\"next\" href=\"");
		html_attr(b, search_url(r, NULL, NULL, page + 1));
		H(b, "\">");
		html_text(b, _("Next page"));
		H(b, "</a>");
	}
	H(b, "</p>\n</nav>\n");
}

static void
results(struct request *r, const struct search_query *q, const struct search_result *res)
{
	struct buf *b = &r->out;
	int per_page = q->per_page > 0 ? q->per_page : SEARCH_PER_PAGE;
	int page = q->page > 0 ? q->page : 1;

	H(b, "<div class=\"search-results\">\n");
	if (res->total > 0)
		facets(r, res);
	H(b, "<section class=\"results\" aria-labelledby=\"results-count\">\n<h2 id=\"results-count\">");
	if (res->capped)
		html_text(b, arena_printf(r->arena, _("More than %s results"), view_num(r, SEARCH_FACET_CAP)));
	else
		html_text(b, arena_printf(r->arena, P_("%s result", "%s results", (unsigned long)res->total),
					  view_num(r, res->total)));
	H(b, "</h2>\n");
	if (res->fell_back) {
		H(b, "<p class=\"notice\">");
		html_text(b, _("So many things match that they are shown newest first, not by relevance. Add "
			       "words or choose filters to see the most relevant first."));
		H(b, "</p>\n");
	}
	if (res->total == 0) {
		H(b, "<p>");
		html_text(b, _("Nothing you may see matches. Check the spelling, use fewer words, or remove "
			       "filters."));
		H(b, "</p>\n");
	} else if (res->nhits == 0) {
		H(b, "<p>");
		html_text(b, _("There are no more results."));
		H(b, "</p>\n");
	}
	if (res->nhits > 0) {
		H(b, "<ol class=\"results\" start=\"");
		html_int(b, (int64_t)(page - 1) * per_page + 1);
		H(b, "\">\n");
		for (int i = 0; i < res->nhits; i++)
			hit(r, &res->hits[i]);
		H(b, "</ol>\n");
	}
	pages(r, q, res);
	H(b, "</section>\n</div>\n");
}

/* Results a page shows unless per_page says otherwise: ten keep a page within its weight on a
 * slow link (docs/WEB.md); the API's default stays SEARCH_PER_PAGE. */
#define SEARCH_PAGE_RESULTS 10

int
page_search(struct request *r)
{
	struct search_query q;
	struct search_result res;
	struct err e;
	const struct search_index *idx;
	int ran = 0, failed = 0;

	err_clear(&e);
	if (search_params_read(r, &q, &e) != 0) {
		failed = 1;
	} else if (q.q != NULL) {	/* no q: the empty form, no error */
		if ((idx = server_search_index(r)) == NULL)
			return reply_error(r, 503, _("Search is not available yet: the search index has not been "
						     "built (agora reindex builds it)."));
		q.access = search_access_for_role(r->session_id != 0 ? r->role : "");
		if (q.per_page == 0)
			q.per_page = SEARCH_PAGE_RESULTS;
		if (search_run(idx, r->arena, &q, &res, &e) != 0) {
			if (e.kind != ERR_INVALID && e.kind != ERR_BUSY)
				return reply_err(r, &e);
			failed = 1;
		} else {
			ran = 1;
		}
	}
	if (failed) {
		r->status = e.kind == ERR_INVALID ? 422 : 503;
		if (e.kind == ERR_BUSY)
			request_header(r, "Retry-After", "5");
		if (e.field[0] == '\0')
			snprintf(e.field, sizeof(e.field), "q");
	}
	layout_begin(r, q.q != NULL && q.q[0] != '\0' && !failed
				? arena_printf(r->arena, _("Search: %s"), q.q) : _("Search"));
	H(&r->out, "<h1>");
	html_text(&r->out, _("Search"));
	H(&r->out, "</h1>\n");
	search_form(r, failed ? &e : NULL, ran ? &res : NULL);
	if (ran)
		results(r, &q, &res);
	layout_end(r);
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}
