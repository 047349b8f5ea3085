/* cmd_search.c: `agora search [options] QUERY...`: searches DATA/search.db (on PostgreSQL: the
 * index in the store --db names) as the web page does, as the public unless --as says otherwise,
 * and prints the results or (--json) the API's JSON. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../search/search.h"
#include "../store/db.h"
#include "../util/config.h"
#include "../util/timefmt.h"
#include "../web/search_params.h"
#include "cli.h"

#define SEARCH_MAX_WORDS 64

/* The text with the marks shown as bold on a terminal, else as [ ]. */
static void
print_marked(const char *s, int tty)
{
	for (; *s; s++) {
		if (*s == SEARCH_MARK_ON)
			fputs(tty ? "\033[1m" : "[", stdout);
		else if (*s == SEARCH_MARK_OFF)
			fputs(tty ? "\033[0m" : "]", stdout);
		else if ((unsigned char)*s < 0x20 && *s != '\t')
			putchar(' ');	/* no control byte of the text reaches the terminal */
		else
			putchar(*s);
	}
}

static void
print_text(const struct search_result *res, const struct search_query *q)
{
	int tty = isatty(STDOUT_FILENO);
	int per_page = q->per_page > 0 ? q->per_page : SEARCH_PER_PAGE;
	char day[TIME_RFC3339_LEN];

	for (int i = 0; i < res->nhits; i++) {
		const struct search_hit *h = &res->hits[i];
		time_format_rfc3339(h->at, day);
		day[10] = '\0';
		printf("%d. ", (q->page > 0 ? q->page - 1 : 0) * per_page + i + 1);
		print_marked(h->title_marked ? h->title_marked : h->title, tty);
		printf("\n   %s  %s  %s  %s%s\n   ", h->kind, day, h->language, h->url,
		       (h->flags & SEARCH_FLAG_UNSEARCHABLE) ? "  (an attachment has no text layer)" : "");
		print_marked(h->snippet ? h->snippet : "", tty);
		printf("\n");
	}
	if (res->capped)
		printf("more than %d results%s\n", SEARCH_FACET_CAP,
		       res->fell_back ? " (too many to rank: newest first)" : "");
	else
		printf("%lld result%s\n", (long long)res->total, res->total == 1 ? "" : "s");
}

static void
print_json(const struct search_result *res, const struct search_query *q)
{
	json_t *hits = json_array(), *facets = json_object(), *j;
	char iso[TIME_RFC3339_LEN];

	for (int i = 0; i < res->nhits; i++) {
		const struct search_hit *h = &res->hits[i];
		struct buf b;
		buf_init(&b);
		search_put_marked(&b, h->snippet);
		time_format_rfc3339(h->at, iso);
		json_array_append_new(hits, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "kind",
						      h->kind, "url", h->url, "title", h->title, "snippet",
						      b.data ? b.data : "", "date", iso, "language", h->language,
						      "consultation", h->consultation, "country", h->country,
						      "stakeholder_type", h->stakeholder_type, "not_searchable",
						      (h->flags & SEARCH_FLAG_UNSEARCHABLE) != 0));
		buf_free(&b);
	}
	for (int i = 0; i < res->nfacets; i++) {
		json_t *a = json_array();
		for (int k = 0; k < res->facets[i].nvalues; k++)
			json_array_append_new(a, json_pack("{s:s, s:I}", "value", res->facets[i].values[k].value,
							   "count", (json_int_t)res->facets[i].values[k].count));
		json_object_set_new(facets, res->facets[i].name, a);
	}
	j = json_pack("{s:I, s:b, s:b, s:i, s:i, s:o, s:o}", "total", (json_int_t)res->total, "total_capped",
		      res->capped, "fell_back", res->fell_back, "page", q->page > 0 ? q->page : 1, "per_page",
		      q->per_page > 0 ? q->per_page : SEARCH_PER_PAGE, "results", hits, "facets", facets);
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	printf("\n");
	json_decref(j);
}

int
cmd_search(int argc, char **argv, struct config *c)
{
	static const char *const flags[] = { "--json", NULL };
	static const char *const opts[] = { "--kind", "--consultation", "--language", "--order", "--page", "--as",
					    NULL };
	const char *vals[6] = { NULL }, *pos[SEARCH_MAX_WORDS] = { NULL };
	int bools[1] = { 0 }, nargs = argc, rc;
	struct search_query q = { 0 };
	struct search_result res;
	struct arena *a = NULL;
	struct buf words;
	struct search_index ix = { NULL, NULL };
	struct err e;
	char path[600], url[600];

	/* after "--", every argument is a word of the query, even one starting with '-' (-draft) */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			nargs = i;
			break;
		}
	if ((rc = cli_parse(nargs, argv, c, "search", flags, bools, opts, vals, pos, SEARCH_MAX_WORDS)) != 0)
		return rc == 1 ? 0 : rc;
	buf_init(&words);
	for (int i = 0; i < SEARCH_MAX_WORDS && pos[i]; i++) {
		if (i > 0)
			buf_putc(&words, ' ');
		buf_puts(&words, pos[i]);
	}
	for (int i = nargs + 1; i < argc; i++) {
		if (words.len > 0)
			buf_putc(&words, ' ');
		buf_puts(&words, argv[i]);
	}
	q.q = words.data ? words.data : "";
	q.kind = vals[0];
	q.consultation = vals[1];
	q.language = vals[2];
	if (vals[3] != NULL && strcmp(vals[3], "newest") == 0)
		q.order = SEARCH_NEWEST;
	else if (vals[3] != NULL && strcmp(vals[3], "relevance") != 0) {
		fprintf(stderr, "agora search: --order is relevance or newest\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (vals[4] != NULL) {
		char *end;
		long p = strtol(vals[4], &end, 10);
		q.page = (*end == '\0' && end != vals[4] && p >= 1 && p <= SEARCH_MAX_PAGE) ? (int)p : -1;
	}
	if (vals[5] == NULL || strcmp(vals[5], "public") == 0)
		q.access = ACCESS_PUBLIC;
	else if (strcmp(vals[5], "members") == 0)
		q.access = ACCESS_MEMBERS;
	else if (strcmp(vals[5], "secretariat") == 0)
		q.access = ACCESS_SECRETARIAT;
	else {
		fprintf(stderr, "agora search: --as is public, members or secretariat\n");
		rc = EXIT_USAGE;
		goto out;
	}
	config_db_url(c, url, sizeof(url));
	snprintf(path, sizeof(path), "%s/search.db", c->data);
	if (sodium_init() < 0 || (a = arena_new()) == NULL) {
		fprintf(stderr, "agora search: out of memory\n");
		rc = 1;
		goto out;
	}
	if (search_url_is_postgres(url)) {
		/* the index is in the store: search_run says when it was never built */
		if (!cli_is_data_folder(c->data)) {
			fprintf(stderr, "agora search: %s is not a data folder (agora init makes one)\n", c->data);
			rc = 1;
			goto out;
		}
		if (db_open(url, DB_READONLY, &ix.pg, &e) != 0) {
			fprintf(stderr, "agora search: %s\n", e.msg);
			rc = 1;
			goto out;
		}
	} else if (access(path, R_OK) != 0) {
		fprintf(stderr, "agora search: %s has no search index yet: run agora reindex --data %s\n", c->data,
			c->data);
		rc = 1;
		goto out;
	} else if ((ix.lite = search_index_open(path, SEARCH_OPEN_READONLY, &e)) == NULL) {
		fprintf(stderr, "agora search: cannot open the search index %s\n", path);
		rc = 1;
		goto out;
	}
	if (search_run(&ix, a, &q, &res, &e) != 0) {
		if (e.field[0] != '\0')
			fprintf(stderr, "agora search: %s%s%s\n", strcmp(e.field, "q") ? e.field : "",
				strcmp(e.field, "q") ? ": " : "", e.msg);
		else
			fprintf(stderr, "agora search: %s\n", e.msg);
		rc = e.kind == ERR_INVALID ? EXIT_USAGE : 1;
		goto out;
	}
	if (bools[0])
		print_json(&res, &q);
	else
		print_text(&res, &q);
	rc = 0;
out:
	sqlite3_close(ix.lite);
	db_close(ix.pg);
	arena_free(a);
	buf_free(&words);
	return rc;
}
