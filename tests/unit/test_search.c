/* test_search.c: the query syntax (src/search/query.c) and search_run (src/search/search.c) on a
 * real index file: filters, what each reader may see, facets and the cap, the fallback to newest
 * first, pages, snippets, Chinese and Arabic through the whole path, and the time limit. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <time.h>

#include "search/df_cache.h"
#include "search/df_table.h"
#include "search/search.h"
#include "util/arena.h"

static char dir[] = "/tmp/agora-test-search-XXXXXX";

/* search_run on the SQLite index file (test_search_pg.c runs the same on PostgreSQL). */
static int
run_lite(sqlite3 *idx, struct arena *a, const struct search_query *q, struct search_result *r, struct err *e)
{
	struct search_index ix = { idx, NULL };

	return search_run(&ix, a, q, r, e);
}

static sqlite3 *
index_new(void)
{
	char path[600];
	struct err e;
	sqlite3 *idx;

	unit_rm_rf(dir);
	strcpy(dir, "/tmp/agora-test-search-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/search.db", dir);
	idx = search_index_open(path, SEARCH_OPEN_CREATE, &e);
	assert_non_null(idx);
	return idx;
}

static void
index_done(sqlite3 *idx)
{
	sqlite3_close(idx);
	unit_rm_rf(dir);
}

struct doc {
	int64_t id;
	const char *kind, *consultation, *stakeholder_type, *country, *region, *language;
	int64_t at;
	int access;
	const char *title, *body;
};

static void
add(sqlite3 *idx, const struct doc *d)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(idx,
	    "INSERT INTO docs (id, kind, thing_id, consultation, stakeholder_type, country, region, "
	    "language, at, access, url, title) VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "'/x/' || ?1, ?10)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->kind ? d->kind : "response", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->consultation ? d->consultation : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->stakeholder_type ? d->stakeholder_type : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->country ? d->country : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->region ? d->region : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->language ? d->language : "en", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->at ? d->at : 1700000000 + d->id);
	sqlite3_bind_int(st, 9, d->access);
	sqlite3_bind_text(st, 10, d->title, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->body, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Runs q (as the reader `access`) and returns the hits' ids as "3,1" ("" for none; "ERR:field"
 * for an error). */
static const char *
ids(sqlite3 *idx, struct search_query *q, struct search_result *r)
{
	static char out[2000];
	struct arena *a = arena_new();
	struct err e;
	size_t n = 0;

	out[0] = '\0';
	if (run_lite(idx, a, q, r, &e) != 0) {
		snprintf(out, sizeof(out), "ERR%d:%s", e.kind, e.field);
		arena_free(a);
		return out;
	}
	for (int i = 0; i < r->nhits && n + 24 < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "", r->hits[i].url + 3);
	arena_free(a);	/* r's strings are gone: callers use only counts and out */
	return out;
}

static const char *
find(sqlite3 *idx, const char *words, enum search_access access)
{
	struct search_query q = { .q = words, .access = access, .order = SEARCH_NEWEST };
	struct search_result r;

	return ids(idx, &q, &r);
}

/* search_parse's output, or "ERR:<message>" */
static const char *
parse(const char *q)
{
	static char out[4000];
	struct arena *a = arena_new();
	struct err e;
	const char *s = search_parse(a, q, &e);

	if (s == NULL)
		snprintf(out, sizeof(out), "ERR:%s:%s", e.field, e.msg);
	else
		snprintf(out, sizeof(out), "%s", s);
	arena_free(a);
	return out;
}

static void
test_parse_forms(void **state)
{
	assert_string_equal(parse("internet"), "\"internet\"");
	assert_string_equal(parse("  internet   access "), "\"internet\" AND \"access\"");
	assert_string_equal(parse("\"internet access\" rural"), "\"internet access\" AND \"rural\"");
	assert_string_equal(parse("a b OR c d"), "\"a\" AND (\"b\" OR \"c\") AND \"d\"");
	assert_string_equal(parse("a OR b OR c"), "(\"a\" OR \"b\" OR \"c\")");
	assert_string_equal(parse("connect*"), "\"connect\" *");
	assert_string_equal(parse("\"digital div\"*"), "\"digital div\" *");
	assert_string_equal(parse("internet -draft"), "(\"internet\") NOT (\"draft\")");
	assert_string_equal(parse("internet -draft -\"old text\" -x*"),
	    "(\"internet\") NOT (\"draft\" OR \"old text\" OR \"x\" *)");
	assert_string_equal(parse("a OR b -c"), "((\"a\" OR \"b\")) NOT (\"c\")");
	/* a quote inside a word starts a phrase */
	assert_string_equal(parse("ab\"cd ef\""), "\"ab\" AND \"cd ef\"");
	/* lower-case or and a quoted OR are words */
	assert_string_equal(parse("a or b"), "\"a\" AND \"or\" AND \"b\"");
	assert_string_equal(parse("a \"OR\" b"), "\"a\" AND \"OR\" AND \"b\"");
	/* punctuation-only words are dropped (FTS5 would read an empty phrase) */
	assert_string_equal(parse("internet , ^ ."), "\"internet\"");
	assert_string_equal(parse("مؤتمر الاتصالات"), "\"مؤتمر\" AND \"الاتصالات\"");
	assert_string_equal(parse("互联网"), "\"互联网\"");
}

/* A word with stems that differ in English, French and Spanish is the OR of its stems, each a
 * token as it is (the tokenizer's verbatim mark, 0x1a): FTS5 walks plain terms much faster
 * than one term with colocated alternatives. A term repeated on its own is written once. */
static void
test_parse_stems(void **state)
{
	assert_string_equal(parse("les"), "(\"\x1a" "les\" OR \"\x1a" "le\")");
	assert_string_equal(parse("\"les\""), "(\"\x1a" "les\" OR \"\x1a" "le\")");
	assert_string_equal(parse("connectivité"), "(\"\x1a" "connectivit\" OR \"\x1a" "connect\")");
	assert_string_equal(parse("les -connectivité"),
	    "((\"\x1a" "les\" OR \"\x1a" "le\")) NOT ((\"\x1a" "connectivit\" OR \"\x1a" "connect\"))");
	/* one stem, a prefix, a phrase, a word the tokenizer splits: as typed */
	assert_string_equal(parse("internet"), "\"internet\"");
	assert_string_equal(parse("les*"), "\"les\" *");
	assert_string_equal(parse("\"les réseaux\""), "\"les réseaux\"");
	assert_string_equal(parse("l'accès"), "\"l'accès\"");
	/* repeated words */
	assert_string_equal(parse("des des and"), "(\"\x1a" "des\" OR \"\x1a" "de\") AND \"and\"");
	assert_string_equal(parse("a b a \"a\""), "\"a\" AND \"b\" AND \"a\"");
	assert_string_equal(parse("a OR b a"), "(\"a\" OR \"b\") AND \"a\"");
}

static void
test_parse_injection(void **state)
{
	/* FTS5 syntax typed by a user is text, inside one double-quoted string each */
	assert_string_equal(parse("title:x"), "\"title:x\"");
	assert_string_equal(parse("NEAR(a b)"), "\"NEAR(a\" AND \"b)\"");
	assert_string_equal(parse("a AND b"), "\"a\" AND \"AND\" AND \"b\"");
	assert_string_equal(parse("a NOT b"), "\"a\" AND \"NOT\" AND \"b\"");
	assert_string_equal(parse("^x"), "\"^x\"");
	assert_string_equal(parse("{title body}: x"), "\"{title\" AND (\"\x1a" "bodi\" OR \"\x1a" "body\") AND \"x\"");
	/* the byte that marks a stem query.c made is never taken from the user */
	assert_string_equal(parse("\x1ainternet"), "\"internet\"");
	assert_string_equal(parse("\"inter\x1anet\""), "\"internet\"");
	assert_string_equal(parse("+x (y)"), "\"+x\" AND \"(y)\"");
}

static void
test_parse_errors(void **state)
{
	char big[600];

	assert_string_equal(parse(""), "ERR:q:Type a word to search for.");
	assert_string_equal(parse("   "), "ERR:q:Type a word to search for.");
	assert_string_equal(parse(", ."), "ERR:q:Type a word to search for.");
	assert_non_null(strstr(parse("\"internet access"), "quotation mark is not closed"));
	assert_non_null(strstr(parse("\""), "quotation mark is not closed"));
	assert_non_null(strstr(parse("OR internet"), "OR must stand between"));
	assert_non_null(strstr(parse("internet OR"), "OR must stand between"));
	assert_non_null(strstr(parse("a OR OR b"), "OR must stand between"));
	assert_non_null(strstr(parse("OR"), "OR must stand between"));
	assert_non_null(strstr(parse("a OR -b"), "OR must stand between"));
	assert_non_null(strstr(parse("-a OR b"), "OR must stand between"));
	assert_non_null(strstr(parse("-draft"), "cannot only leave words out"));
	assert_non_null(strstr(parse("-draft -\"x y\""), "cannot only leave words out"));
	assert_non_null(strstr(parse("*"), "A * must end"));
	assert_non_null(strstr(parse("a ***"), "A * must end"));
	assert_non_null(strstr(parse("\"\"*"), "A * must end"));
	assert_non_null(strstr(parse("a -"), "A - must be followed"));
	assert_non_null(strstr(parse("- a"), "A - must be followed"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_non_null(strstr(parse(big), "too long"));
	{	/* characters, not bytes: 300 Chinese characters (900 bytes) are fine, 513 are not */
		static char han[513 * 3 + 1];
		for (int i = 0; i < 300; i++)
			memcpy(han + i * 3, "\xe7\xbd\x91", 3);	/* 网 */
		han[300 * 3] = '\0';
		assert_null(strstr(parse(han), "too long"));
		for (int i = 300; i < 513; i++)
			memcpy(han + i * 3, "\xe7\xbd\x91", 3);
		han[513 * 3] = '\0';
		assert_non_null(strstr(parse(han), "too long"));
	}
	assert_non_null(strstr(parse("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg"),
	    "too many words"));
	assert_string_equal(parse("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff"),
	    "\"a\" AND \"b\" AND \"c\" AND \"d\" AND \"e\" AND \"f\" AND \"g\" AND \"h\" AND \"i\" AND "
	    "\"j\" AND \"k\" AND \"l\" AND \"m\" AND \"n\" AND \"o\" AND \"p\" AND \"q\" AND \"r\" AND "
	    "\"s\" AND \"t\" AND \"u\" AND \"v\" AND \"w\" AND \"x\" AND \"y\" AND \"z\" AND \"aa\" AND "
	    "\"bb\" AND \"cc\" AND \"dd\" AND \"ee\" AND \"ff\"");
	assert_non_null(strstr(parse("caf\xc3"), "not valid text"));
}

/* Every parsed query is valid FTS5: run odd inputs against a real table. */
static void
test_parse_runs(void **state)
{
	static const char *odd[] = { "title:x", "NEAR(a b)", "a AND b", "^x", "a\"\"b\"", "x* -y*",
				     "\"a \"\"b\"", "a OR b OR c -d", "col:*", "(", ")", "a:b:c", "'quoted'",
				     "\\\"", "互 联", "*a", "a*b", NULL };
	sqlite3 *idx = index_new();
	struct search_query q = { 0 };
	struct search_result r;
	struct doc d = { .id = 1, .title = "title x", .body = "a b c NEAR x" };

	add(idx, &d);
	for (int i = 0; odd[i]; i++) {
		q.q = odd[i];
		const char *s = ids(idx, &q, &r);
		assert_true(strncmp(s, "ERR", 3) != 0 || strncmp(s, "ERR1:q", 6) == 0);
	}
	/* the user's title:x is the words title and x, not a column filter: it finds row 1 */
	assert_string_equal(find(idx, "title:x", ACCESS_PUBLIC), "1");
	assert_string_equal(find(idx, "NEAR", ACCESS_PUBLIC), "1");
	index_done(idx);
}

static sqlite3 *
small_index(void)
{
	sqlite3 *idx = index_new();
	struct doc docs[] = {
		{ 1, "consultation", "broadband", "", "", "", "en", 1000, 0, "Broadband for all",
		  "A consultation on rural broadband access." },
		{ 2, "response", "broadband", "government", "FR", "europe", "fr", 2000, 0, "Réponse de la France",
		  "L'accès au haut débit rural est une priorité. Broadband matters." },
		{ 3, "response", "broadband", "civil_society", "EG", "arab_states", "ar", 3000, 0, "رد مصر",
		  "الاتصالات في المناطق الريفية broadband" },
		{ 4, "response", "broadband", "private_sector", "CN", "asia_pacific", "zh", 4000, 2,
		  "Withheld response", "secret broadband plan 互联网接入" },
		{ 5, "document", "", "", "KE", "africa", "en", 5000, 1, "Contribution from Kenya",
		  "members broadband paper, draft" },
		{ 6, "outcome", "", "", "", "", "en", 6000, 0, "Outcome on spectrum",
		  "Spectrum <script>alert(1)</script> \x02sneaky\x03 text" },
		{ 7, "response", "spectrum", "academia", "CN", "asia_pacific", "zh", 7000, 0, "中国的答复",
		  "发展中国家的互联网接入" },
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		add(idx, &docs[i]);
	return idx;
}

static void
test_access(void **state)
{
	sqlite3 *idx = small_index();
	struct search_query q = { .q = "broadband" };
	struct search_result r;

	assert_string_equal(find(idx, "broadband", ACCESS_PUBLIC), "3,2,1");
	assert_string_equal(find(idx, "broadband", ACCESS_MEMBERS), "5,3,2,1");
	assert_string_equal(find(idx, "broadband", ACCESS_SECRETARIAT), "5,4,3,2,1");
	/* relevance: bm25 puts the title match first */
	assert_string_equal(ids(idx, &q, &r), "1,3,2");
	assert_string_equal(find(idx, "secret", ACCESS_PUBLIC), "");
	assert_string_equal(find(idx, "secret", ACCESS_MEMBERS), "");
	assert_string_equal(find(idx, "secret", ACCESS_SECRETARIAT), "4");
	assert_string_equal(find(idx, "members", ACCESS_PUBLIC), "");
	assert_string_equal(find(idx, "members", ACCESS_MEMBERS), "5");
	/* counts and facets count only what the reader may see */
	q.access = ACCESS_PUBLIC;
	ids(idx, &q, &r);
	assert_int_equal(r.total, 3);
	struct arena *a = arena_new();
	struct err e;
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	for (int i = 0; i < r.nfacets; i++)
		for (int j = 0; j < r.facets[i].nvalues; j++) {
			assert_string_not_equal(r.facets[i].values[j].value, "CN");
			assert_string_not_equal(r.facets[i].values[j].value, "document");
			assert_string_not_equal(r.facets[i].values[j].value, "private_sector");
		}
	arena_free(a);
	q.access = ACCESS_SECRETARIAT;
	ids(idx, &q, &r);
	assert_int_equal(r.total, 5);
	assert_string_equal(search_access_for_role("secretariat") == ACCESS_SECRETARIAT ? "y" : "n", "y");
	assert_int_equal(search_access_for_role("delegate"), ACCESS_MEMBERS);
	assert_int_equal(search_access_for_role("chair"), ACCESS_MEMBERS);
	assert_int_equal(search_access_for_role("focal_point"), ACCESS_MEMBERS);
	assert_int_equal(search_access_for_role("stakeholder"), ACCESS_PUBLIC);
	assert_int_equal(search_access_for_role(""), ACCESS_PUBLIC);
	index_done(idx);
}

static int64_t
facet_count(const struct search_result *r, const char *name, const char *value)
{
	for (int i = 0; i < r->nfacets; i++)
		if (strcmp(r->facets[i].name, name) == 0)
			for (int j = 0; j < r->facets[i].nvalues; j++)
				if (strcmp(r->facets[i].values[j].value, value) == 0)
					return r->facets[i].values[j].count;
	return 0;
}

static void
test_filters_facets(void **state)
{
	sqlite3 *idx = small_index();
	struct search_query q = { .q = "broadband", .access = ACCESS_SECRETARIAT, .order = SEARCH_NEWEST };
	struct search_result r;
	struct arena *a = arena_new();
	struct err e;

	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_false(r.capped);
	assert_int_equal(facet_count(&r, "kind", "response"), 3);
	assert_int_equal(facet_count(&r, "kind", "consultation"), 1);
	assert_int_equal(facet_count(&r, "kind", "document"), 1);
	assert_int_equal(facet_count(&r, "language", "en"), 2);
	assert_int_equal(facet_count(&r, "region", "europe"), 1);
	assert_int_equal(facet_count(&r, "consultation", "broadband"), 4);
	assert_int_equal(facet_count(&r, "country", ""), 0);	/* no value is no facet value */
	/* largest first */
	assert_string_equal(r.facets[0].name, "kind");
	assert_string_equal(r.facets[0].values[0].value, "response");
	arena_free(a);

	q.kind = "response";
	assert_string_equal(ids(idx, &q, &r), "4,3,2");
	q.kind = NULL, q.country = "FR";
	assert_string_equal(ids(idx, &q, &r), "2");
	q.country = NULL, q.region = "arab_states";
	assert_string_equal(ids(idx, &q, &r), "3");
	q.region = NULL, q.language = "ar";
	assert_string_equal(ids(idx, &q, &r), "3");
	q.language = NULL, q.stakeholder_type = "government";
	assert_string_equal(ids(idx, &q, &r), "2");
	q.stakeholder_type = NULL, q.consultation = "broadband";
	assert_string_equal(ids(idx, &q, &r), "4,3,2,1");
	q.consultation = "spectrum";
	assert_string_equal(ids(idx, &q, &r), "");
	q.consultation = NULL, q.from = 2000, q.to = 4000;
	assert_string_equal(ids(idx, &q, &r), "4,3,2");
	q.from = 0, q.to = 0;

	/* bad filters name their field */
	struct search_query bad = q;
	bad.kind = "meeting";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:kind");
	bad = q, bad.language = "de";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:language");
	bad = q, bad.region = "oceania";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:region");
	bad = q, bad.country = "fr";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:country");
	bad = q, bad.country = "FRA";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:country");
	bad = q, bad.stakeholder_type = "lobbyist";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:stakeholder_type");
	bad = q, bad.consultation = "Bad Slug";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:consultation");
	bad = q, bad.from = 5000, bad.to = 4000;
	assert_string_equal(ids(idx, &bad, &r), "ERR1:to");
	bad = q, bad.page = SEARCH_MAX_PAGE + 1;
	assert_string_equal(ids(idx, &bad, &r), "ERR1:page");
	bad = q, bad.per_page = 101;
	assert_string_equal(ids(idx, &bad, &r), "ERR1:per_page");
	bad = q, bad.q = "\"open";
	assert_string_equal(ids(idx, &bad, &r), "ERR1:q");
	index_done(idx);
}

static void
test_order_pages_snippets(void **state)
{
	sqlite3 *idx = small_index();
	struct search_query q = { .q = "broadband", .access = ACCESS_SECRETARIAT, .order = SEARCH_NEWEST };
	struct search_result r;
	struct arena *a;
	struct err e;

	assert_string_equal(ids(idx, &q, &r), "5,4,3,2,1");
	assert_false(r.fell_back);
	q.per_page = 2;
	assert_string_equal(ids(idx, &q, &r), "5,4");
	assert_int_equal(r.total, 5);
	q.page = 2;
	assert_string_equal(ids(idx, &q, &r), "3,2");
	q.page = 3;
	assert_string_equal(ids(idx, &q, &r), "1");
	q.page = 4;
	assert_string_equal(ids(idx, &q, &r), "");
	assert_int_equal(r.total, 5);

	/* the snippet marks the matching words; text already holding mark bytes loses them */
	a = arena_new();
	q = (struct search_query){ .q = "spectrum", .access = ACCESS_PUBLIC };
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_int_equal(r.nhits, 1);
	assert_string_equal(r.hits[0].snippet, "\x02Spectrum\x03 <script>alert(1)</script> sneaky text");
	assert_string_equal(r.hits[0].title_marked, "Outcome on \x02spectrum\x03");
	assert_string_equal(r.hits[0].title, "Outcome on spectrum");
	q.q = "sneaky";
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].snippet, "Spectrum <script>alert(1)</script> \x02sneaky\x03 text");
	/* the hits 1 and 3 of a page, row 2 matching between them but on the next page: each hit
	 * has its own snippet, row 2's is nowhere */
	q = (struct search_query){ .q = "broadband", .access = ACCESS_PUBLIC, .per_page = 2 };
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_int_equal(r.nhits, 2);
	assert_string_equal(r.hits[0].url, "/x/1");
	assert_string_equal(r.hits[0].snippet, "A consultation on rural \x02" "broadband\x03 access.");
	assert_string_equal(r.hits[1].url, "/x/3");
	assert_string_equal(r.hits[1].snippet, "الاتصالات في المناطق الريفية \x02" "broadband\x03");
	/* a prefix query's snippets */
	q = (struct search_query){ .q = "prior*", .access = ACCESS_PUBLIC };
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_non_null(strstr(r.hits[0].snippet, "\x02priorité\x03"));
	/* a title-only match: the body's start, no marks; the title marked */
	q.q = "Kenya";
	q.access = ACCESS_MEMBERS;
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_null(strchr(r.hits[0].snippet, SEARCH_MARK_ON));
	assert_string_equal(r.hits[0].title_marked, "Contribution from \x02Kenya\x03");
	arena_free(a);
	index_done(idx);
}

static void
test_languages(void **state)
{
	sqlite3 *idx = small_index();
	struct search_query q = { .access = ACCESS_PUBLIC };
	struct search_result r;
	struct arena *a = arena_new();
	struct err e;

	/* one Chinese character inside a sentence, and a word across ICU's boundaries */
	assert_string_equal(find(idx, "网", ACCESS_PUBLIC), "7");
	assert_string_equal(find(idx, "网", ACCESS_SECRETARIAT), "7,4");
	assert_string_equal(find(idx, "互联网接入", ACCESS_PUBLIC), "7");
	/* Arabic with and without the article */
	assert_string_equal(find(idx, "اتصالات", ACCESS_PUBLIC), "3");
	assert_string_equal(find(idx, "والاتصالات", ACCESS_PUBLIC), "3");
	assert_string_equal(find(idx, "\"المناطق الريفية\"", ACCESS_PUBLIC), "3");
	/* French accents and stems; prefix */
	assert_string_equal(find(idx, "\"haut debit\"", ACCESS_PUBLIC), "2");
	assert_string_equal(find(idx, "prior*", ACCESS_PUBLIC), "2");
	assert_string_equal(find(idx, "rural -débit", ACCESS_PUBLIC), "1");
	assert_string_equal(find(idx, "spectrum OR اتصالات", ACCESS_PUBLIC), "6,3");
	q.q = "网";
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].snippet, "发展中国家的互联\x02网\x03接入");
	arena_free(a);
	index_done(idx);
}

/* More than SEARCH_FACET_CAP matches: counts capped, relevance falls back to newest first. */
static void
test_cap_fallback_time_limit(void **state)
{
	sqlite3 *idx = index_new();
	struct search_query q = { .q = "common", .access = ACCESS_SECRETARIAT };
	struct search_result r;
	struct arena *a = arena_new();
	struct err e;
	sqlite3_stmt *d, *f;
	int n = SEARCH_FACET_CAP + 500;

	assert_int_equal(sqlite3_exec(idx, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO docs (id, kind, thing_id, language, at, access, url, "
	    "title) VALUES (?1, ?2, ?1, 'en', ?1, ?3, '/x/' || ?1, 'doc')", -1, &d, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO fts (rowid, title, body) VALUES (?1, 'doc', ?2)",
	    -1, &f, NULL), SQLITE_OK);
	for (int i = 1; i <= n; i++) {
		sqlite3_bind_int(d, 1, i);
		sqlite3_bind_text(d, 2, i % 2 ? "response" : "document", -1, SQLITE_STATIC);
		sqlite3_bind_int(d, 3, i > n - 10 ? 2 : 0);	/* the newest ten: secretariat only */
		assert_int_equal(sqlite3_step(d), SQLITE_DONE);
		sqlite3_reset(d);
		sqlite3_bind_int(f, 1, i);
		sqlite3_bind_text(f, 2, i % 1000 == 0 ? "common rare words" : "common words", -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(f), SQLITE_DONE);
		sqlite3_reset(f);
	}
	sqlite3_finalize(d);
	sqlite3_finalize(f);
	assert_int_equal(sqlite3_exec(idx, "COMMIT", NULL, NULL, NULL), SQLITE_OK);

	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_true(r.capped);
	assert_true(r.fell_back);
	assert_int_equal(r.total, SEARCH_FACET_CAP);
	assert_int_equal(r.nhits, SEARCH_PER_PAGE);
	assert_string_equal(r.hits[0].url, arena_printf(a, "/x/%d", n));	/* newest first */
	assert_string_equal(r.hits[1].url, arena_printf(a, "/x/%d", n - 1));
	/* capped facets: lower bounds summing to the cap */
	assert_int_equal(facet_count(&r, "kind", "response") + facet_count(&r, "kind", "document"),
	    SEARCH_FACET_CAP);
	/* the public sees no secretariat row, first or anywhere */
	q.access = ACCESS_PUBLIC;
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].url, arena_printf(a, "/x/%d", n - 10));
	/* newest asked: no fallback said */
	q.order = SEARCH_NEWEST;
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_false(r.fell_back);
	assert_true(r.capped);
	/* below the cap (a filter): exact, relevance kept */
	q.order = SEARCH_RELEVANCE;
	q.q = "rare";
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_false(r.capped);
	assert_false(r.fell_back);
	assert_int_equal(r.total, n / 1000);
	assert_int_equal(facet_count(&r, "kind", "document"), n / 1000);
	/* the time limit */
	q.q = "common";
	q.time_limit_ms = 1;
	assert_int_equal(run_lite(idx, a, &q, &r, &e), -1);
	assert_int_equal(e.kind, ERR_BUSY);
	assert_non_null(strstr(e.msg, "too long"));
	/* and the connection is usable again without a limit */
	q.time_limit_ms = 0;
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	arena_free(a);
	index_done(idx);
}

/* The urls of the page asked, as "/x/7,/x/1500". */
static const char *
page_urls(sqlite3 *idx, struct arena *a, struct search_query *q)
{
	struct search_result r;
	struct err e;
	char *out = "";

	assert_int_equal(run_lite(idx, a, q, &r, &e), 0);
	for (int i = 0; i < r.nhits; i++)
		out = arena_printf(a, "%s%s%s", out, i ? "," : "", r.hits[i].url);
	return out;
}

/* How many docs rows the facets table mirrors exactly (index.h, SEARCH_FACETS_SCHEMA), and
 * how many rows it has. */
static void
facets_mirror(sqlite3 *idx, int want)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(idx, "SELECT (SELECT COUNT(*) FROM docs d JOIN facets f ON f.id = d.id "
	    "WHERE f.access = d.access AND f.at = d.at "
	    "AND (SELECT value FROM facet_values WHERE code = f.kind AND facet = 0) = d.kind "
	    "AND (SELECT value FROM facet_values WHERE code = f.consultation AND facet = 1) = d.consultation "
	    "AND (SELECT value FROM facet_values WHERE code = f.stakeholder_type AND facet = 2) = d.stakeholder_type "
	    "AND (SELECT value FROM facet_values WHERE code = f.country AND facet = 3) = d.country "
	    "AND (SELECT value FROM facet_values WHERE code = f.region AND facet = 4) = d.region "
	    "AND (SELECT value FROM facet_values WHERE code = f.language AND facet = 5) = d.language), "
	    "(SELECT COUNT(*) FROM facets)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), want);
	assert_int_equal(sqlite3_column_int(st, 1), want);
	sqlite3_finalize(st);
}

/* The facets table follows docs through its triggers (insert, update, delete), is filled when
 * an index made before it is opened for writing, and what searches count and filter by. */
static void
test_facets_table(void **state)
{
	sqlite3 *idx = small_index();
	struct search_query q = { .q = "broadband", .access = ACCESS_SECRETARIAT, .order = SEARCH_NEWEST };
	struct search_result r;
	struct arena *a = arena_new();
	char path[600];
	struct err e;

	(void)state;
	facets_mirror(idx, 7);
	assert_int_equal(sqlite3_exec(idx, "UPDATE docs SET country = 'BR', region = 'americas', access = 1 "
	    "WHERE id = 2; DELETE FROM docs WHERE id = 6", NULL, NULL, NULL), SQLITE_OK);
	facets_mirror(idx, 6);
	q.country = "BR";
	assert_string_equal(ids(idx, &q, &r), "2");
	q.country = "FR";	/* a value no row holds any more */
	assert_string_equal(ids(idx, &q, &r), "");
	q.country = "ZZ";	/* nor ever did */
	assert_string_equal(ids(idx, &q, &r), "");
	q.country = NULL;
	assert_string_equal(ids(idx, &q, &r), "5,4,3,2,1");
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_int_equal(facet_count(&r, "kind", "response"), 3);
	assert_int_equal(facet_count(&r, "country", "CN"), 1);
	assert_int_equal(facet_count(&r, "country", "BR"), 1);
	assert_int_equal(facet_count(&r, "region", "americas"), 1);
	assert_int_equal(facet_count(&r, "country", "FR"), 0);
	assert_int_equal(facet_count(&r, "region", "europe"), 0);

	/* an index from before the table: filled when opened for writing */
	snprintf(path, sizeof(path), "%s", sqlite3_db_filename(idx, "main"));
	assert_int_equal(sqlite3_exec(idx, "DROP TABLE facets; DROP TABLE facet_values", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(idx);
	assert_non_null(idx = search_index_open(path, SEARCH_OPEN_CREATE, &e));
	facets_mirror(idx, 6);
	assert_string_equal(ids(idx, &q, &r), "5,4,3,2,1");
	arena_free(a);
	index_done(idx);
}

/* Snippets of long texts (highlight.c keeps the byte ranges of the first 8,192 positions, and
 * tokenizes again for a window past them) are FTS5's own snippet() of the same row, for a match
 * near the start, one past the kept positions, and two far apart. */
static void
test_long_snippets(void **state)
{
	static const int at[][2] = { { 100, -1 }, { 9000, -1 }, { 50, 11500 }, { 8185, -1 } };
	enum { WORDS = 12000 };
	sqlite3 *idx = index_new();
	struct arena *a = arena_new();
	struct search_query q = { .q = "target", .access = ACCESS_PUBLIC, .order = SEARCH_NEWEST };
	struct search_result r;
	struct err e;
	char *body = malloc((size_t)WORDS * 8 + 1);

	(void)state;
	assert_non_null(body);
	for (int d = 0; d < 4; d++) {
		char *p = body;
		for (int i = 0; i < WORDS; i++) {	/* qaaaa, qaaab, ...: words of one stem each */
			int n = i;
			if (i == at[d][0] || i == at[d][1]) {
				memcpy(p, "target ", 7);
				p += 7;
				continue;
			}
			*p++ = 'q';
			for (int k = 3; k >= 0; k--) {
				p[k] = (char)('a' + n % 26);
				n /= 26;
			}
			p += 4;
			*p++ = ' ';
		}
		*p = '\0';
		add(idx, &(struct doc){ .id = d + 1, .title = "t", .body = body });
	}
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_int_equal(r.nhits, 4);
	for (int i = 0; i < 4; i++) {
		sqlite3_stmt *st;
		char want[400];
		assert_int_equal(sqlite3_prepare_v2(idx, "SELECT snippet(fts, 1, char(2), char(3), '…', 16) FROM fts "
		    "WHERE fts MATCH 'target' AND rowid = ?1", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int(st, 1, atoi(r.hits[i].url + 3));
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(want, sizeof(want), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_string_equal(r.hits[i].snippet, want);
		assert_non_null(strstr(want, "\x02target\x03"));
	}
	free(body);
	arena_free(a);
	index_done(idx);
}

/* A query whose newest matches are dense enough that the walk stops ranking (it guesses the
 * cap will be reached), but the matches thin out below and the cap is not reached: the rest are
 * ranked by a second walk, and the order is still bm25()'s. The best matches are among the
 * oldest rows, which the first walk did not rank. */
static void
test_rank_skipped(void **state)
{
	sqlite3 *idx = index_new();
	struct arena *a = arena_new();
	struct search_query q = { .q = "word", .access = ACCESS_PUBLIC, .per_page = 100 };
	struct search_result r;
	struct err e;
	sqlite3_stmt *d, *f, *st;
	char *want = "";
	int nold = 3000, nnew = 1500;

	(void)state;
	assert_int_equal(sqlite3_exec(idx, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO docs (id, kind, thing_id, language, at, access, url, "
	    "title) VALUES (?1, 'response', ?1, 'en', ?1, 0, '/x/' || ?1, 'doc')", -1, &d, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO fts (rowid, title, body) VALUES (?1, 'doc', ?2)",
	    -1, &f, NULL), SQLITE_OK);
	for (int k = 0; k < nold + nnew; k++) {
		/* ids 1..3000 (a match in ten, the best: "word" four times in few words), then
		 * 1,000,001..1,001,500 (every one a match, in longer texts) */
		int id = k < nold ? k + 1 : 1000000 + (k - nold) + 1;
		const char *body = k >= nold ? (k % 2 ? "a word among some other filler text here and there"
						      : "word and more filler text of another kind here")
			: id % 10 ? "nothing to find here" : id % 100 == 0 ? "word word word word" : "word filler";
		sqlite3_bind_int(d, 1, id);
		assert_int_equal(sqlite3_step(d), SQLITE_DONE);
		sqlite3_reset(d);
		sqlite3_bind_int(f, 1, id);
		sqlite3_bind_text(f, 2, body, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(f), SQLITE_DONE);
		sqlite3_reset(f);
	}
	sqlite3_finalize(d);
	sqlite3_finalize(f);
	assert_int_equal(sqlite3_exec(idx, "COMMIT", NULL, NULL, NULL), SQLITE_OK);

	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_int_equal(r.total, nnew + nold / 10);
	assert_false(r.capped);
	assert_int_equal(r.ranked_again, 1);	/* 1,000 matches in the newest 1,000 ids of 1,001,500 */
	assert_int_equal(sqlite3_prepare_v2(idx, "SELECT docs.url FROM fts CROSS JOIN docs ON docs.id = fts.rowid "
	    "WHERE fts MATCH 'word' ORDER BY bm25(fts, 5.0, 1.0), docs.id DESC LIMIT 100", -1, &st, NULL),
	    SQLITE_OK);
	for (int k = 0; sqlite3_step(st) == SQLITE_ROW; k++)
		want = arena_printf(a, "%s%s%s", want, k ? "," : "", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_true(strncmp(want, "/x/3000,/x/2900,", 16) == 0);	/* the old rows lead */
	assert_string_equal(page_urls(idx, a, &q), want);
	/* a smaller share of the newest rows: ranked in one walk */
	q.q = "another";
	assert_int_equal(run_lite(idx, a, &q, &r, &e), 0);
	assert_int_equal(r.total, nnew / 2);
	assert_int_equal(r.ranked_again, 0);
	arena_free(a);
	index_done(idx);
}

/* n rows of "word" (1,000 documents, then responses), dates in another order than ids; the
 * best for "word" are 7 and 1500; alpha (in 48 rows) is rarer than beta (in about 200), and 100
 * has more alphas, 200 more betas. */
static void
rank_index(sqlite3 *idx, int n)
{
	sqlite3_stmt *d, *f;

	assert_int_equal(sqlite3_exec(idx, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO docs (id, kind, thing_id, language, at, access, url, "
	    "title) VALUES (?1, ?2, ?1, 'en', ?3, 0, '/x/' || ?1, 'doc')", -1, &d, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(idx, "INSERT INTO fts (rowid, title, body) VALUES (?1, 'doc', ?2)",
	    -1, &f, NULL), SQLITE_OK);
	for (int i = 1; i <= n; i++) {
		sqlite3_bind_int(d, 1, i);
		sqlite3_bind_text(d, 2, i <= 1000 ? "document" : "response", -1, SQLITE_STATIC);
		sqlite3_bind_int(d, 3, (i * 7919) % n);	/* dates in another order than ids */
		assert_int_equal(sqlite3_step(d), SQLITE_DONE);
		sqlite3_reset(d);
		sqlite3_bind_int(f, 1, i);
		sqlite3_bind_text(f, 2, i == 7 ? "word word word word" : i == 1500 ? "word word word filler" :
		    /* two rarer words: alpha (in 48 rows) weighs more than beta (in about 200) */
		    i == 100 ? "word alpha alpha alpha beta" : i == 200 ? "word alpha beta beta beta" :
		    i % 50 == 0 ? "word alpha beta filler" : i % 11 == 0 ? "word beta filler text" :
		    i % 3 ? "a word among some other filler text here" : "word and more filler text", -1,
		    SQLITE_STATIC);
		assert_int_equal(sqlite3_step(f), SQLITE_DONE);
		sqlite3_reset(f);
	}
	sqlite3_finalize(d);
	sqlite3_finalize(f);
	assert_int_equal(sqlite3_exec(idx, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

/* Relevance from the one walk of the index is bm25()'s order (ties: the newest id first), for
 * one word and for two (weighed by how many rows hold each: counted the first time, remembered
 * after); pages follow each other; newest first is by date. */
static void
test_rank_passes(void **state)
{
	sqlite3 *idx = index_new();
	struct arena *a = arena_new();
	struct search_query q = { .q = "word", .access = ACCESS_PUBLIC, .per_page = 100 };
	const char *all, *two;
	int n = 2300;

	(void)state;
	rank_index(idx, n);

	/* 2,300 matches */
	all = page_urls(idx, a, &q);
	assert_true(strncmp(all, "/x/7,/x/1500,", 13) == 0);
	q.per_page = 20;
	q.page = 2;
	two = page_urls(idx, a, &q);
	assert_non_null(strstr(all, two));	/* page 2 is the 21st to the 40th */
	assert_true(strstr(all, two) - all > 20 * 5);
	/* 1,000 matches (the documents) */
	q.kind = "document";
	q.page = 0;
	q.per_page = 100;
	all = page_urls(idx, a, &q);
	assert_true(strncmp(all, "/x/7,", 5) == 0);
	assert_null(strstr(all, "/x/1500"));
	q.per_page = 20;
	q.page = 2;
	two = page_urls(idx, a, &q);
	assert_non_null(strstr(all, two));
	assert_true(strstr(all, two) - all > 20 * 5);
	/* both orders are FTS5's bm25() order, ties newest id first; with two words (each weighed
	 * by its row count: counted the first time, remembered after), asked twice each */
	q.page = 0;
	q.per_page = 100;
	for (int pass = 0; pass < 8; pass++) {
		sqlite3_stmt *st;
		char *want = "";
		q.kind = pass % 2 ? "document" : NULL;
		q.q = pass < 4 ? "word" : "alpha beta";
		assert_int_equal(sqlite3_prepare_v2(idx, "SELECT docs.url FROM fts CROSS JOIN docs ON docs.id = "
		    "fts.rowid WHERE fts MATCH ?2 AND (?1 IS NULL OR docs.kind = ?1) ORDER BY bm25(fts, 5.0, 1.0), "
		    "docs.id DESC LIMIT 100", -1, &st, NULL), SQLITE_OK);
		if (q.kind)
			sqlite3_bind_text(st, 1, q.kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, q.q, -1, SQLITE_STATIC);	/* FTS5's own: stems colocated */
		for (int k = 0; sqlite3_step(st) == SQLITE_ROW; k++)
			want = arena_printf(a, "%s%s%s", want, k ? "," : "", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_string_equal(page_urls(idx, a, &q), want);
		if (pass >= 4)	/* weighed by the counts of alpha and beta, not the other way */
			assert_true(strncmp(want, "/x/100,/x/200,", 14) == 0);
	}
	/* newest first, not capped: by date, the newest ("at" n - 1) first */
	q.order = SEARCH_NEWEST;
	q.q = "word";
	q.kind = NULL;
	q.per_page = 1;
	{
		sqlite3_stmt *st;
		char want[32];
		assert_int_equal(sqlite3_prepare_v2(idx, "SELECT url FROM docs ORDER BY at DESC, id DESC LIMIT 1", -1,
		    &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(want, sizeof(want), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_string_equal(page_urls(idx, a, &q), want);
	}
	arena_free(a);
	index_done(idx);
}

/* The phrases of an expression and what the cache keeps of them (df_cache.c). */
static void
test_df_cache(void **state)
{
	struct search_rank_hints h;
	const char *m = "(\"a\" OR \"b c\") AND \"say \"\"hi\"\"\" * NOT \"\x1ale\"";

	(void)state;
	df_cache_hints("/i1", m, &h);
	assert_int_equal(h.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(h.df[i], -1);
	h.df[1] = 7;
	h.at_rows[1] = 100;
	h.fresh[1] = 1;
	h.df[2] = 9;	/* not fresh: not kept */
	h.at_rows[2] = 100;
	df_cache_keep("/i1", m, &h);
	df_cache_hints("/i1", m, &h);
	assert_int_equal(h.df[0], -1);
	assert_int_equal(h.df[1], 7);
	assert_int_equal(h.at_rows[1], 100);
	assert_int_equal(h.df[2], -1);
	assert_int_equal(h.fresh[1], 0);
	/* the same phrase elsewhere in another query; another index knows nothing */
	df_cache_hints("/i1", "\"b c\"", &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.df[0], 7);
	df_cache_hints("/i2", "\"b c\"", &h);
	assert_int_equal(h.df[0], -1);
	/* the stems of one word, as query.c writes them, and nothing else */
	df_cache_hints("/i1", "(\"\x1a" "a\" OR \"\x1a" "b\") AND \"c\" AND ((\"\x1a" "d\" OR \"\x1a" "e\") OR "
	    "(\"\x1a" "f\" OR \"\x1a" "g\")) AND \"h\" OR \"i\"", &h);
	assert_int_equal(h.n, 9);
	{
		static const unsigned char want[] = { 0, 1, 0, 0, 1, 0, 1, 0, 0 };
		for (int i = 0; i < 9; i++)
			assert_int_equal(h.same_word[i], want[i]);
	}
}

/* How many rows hold a token, counted by FTS5. */
static long long
rows_of(sqlite3 *idx, const char *token)
{
	sqlite3_stmt *st;
	long long n;

	assert_int_equal(sqlite3_prepare_v2(idx, "SELECT COUNT(*) FROM fts WHERE fts MATCH ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
exec_ok(sqlite3 *idx, const char *sql)
{
	assert_int_equal(sqlite3_exec(idx, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* The common tokens' row counts kept in the index (df_table.c): what is kept, when it is due,
 * which phrases it fills, and that agora_rank weighs by them. */
static void
test_df_table(void **state)
{
	sqlite3 *idx = index_new();
	struct arena *a = arena_new();
	struct search_query q = { .q = "alpha beta", .access = ACCESS_PUBLIC, .per_page = 100 };
	struct search_rank_hints h;
	struct err e;
	sqlite3_stmt *st;
	const char *m;

	(void)state;
	rank_index(idx, 2300);
	assert_int_equal(df_table_due(idx), 0);	/* under DF_TABLE_MIN_ROWS rows */
	assert_int_equal(df_table_refresh(idx, &e), 0);
	/* every token in DF_TABLE_KEEP rows or more, with FTS5's count; none below */
	assert_int_equal(sqlite3_prepare_v2(idx, "SELECT term, n FROM df ORDER BY term", -1, &st, NULL), SQLITE_OK);
	{
		char terms[200] = "";
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);
			char quoted[64];
			snprintf(quoted, sizeof(quoted), "\"\x1a%s\"", t);
			assert_int_equal(sqlite3_column_int64(st, 1), rows_of(idx, quoted));
			assert_true(sqlite3_column_int64(st, 1) >= DF_TABLE_KEEP);
			snprintf(terms + strlen(terms), sizeof(terms) - strlen(terms), "%s ", t);
		}
		/* "a word among ..." is in 2/3 of the rows, "more" in 1/3; beta (about 200) and
		 * alpha (48) are too rare to keep */
		assert_string_equal(terms, "a among and doc fill filler her here mor more other som some text word ");
	}
	sqlite3_finalize(st);
	assert_true(rows_of(idx, "beta") < DF_TABLE_KEEP);

	/* the phrases it fills: a stem query.c wrote, a word of one token; not a phrase of two
	 * words, a prefix, a token it does not keep, or a count already known */
	m = "\"word\" AND (\"\x1a" "fill\" OR \"\x1a" "filler\") AND \"more text\" AND \"word\" * AND \"beta\" "
	    "AND \"doc\"";
	df_cache_hints("/nowhere", m, &h);
	assert_int_equal(h.n, 7);
	h.df[6] = 5;
	df_table_hints(idx, m, &h);
	{
		static const long long want[] = { 2300, -1, -1, -1, -1, -1, 5 };
		for (int i = 0; i < 7; i++) {
			long long w = want[i];
			if (i == 1)
				w = rows_of(idx, "\"\x1a" "fill\"");
			if (i == 2)
				w = rows_of(idx, "\"\x1a" "filler\"");
			assert_int_equal(h.df[i], w);
			if (i < 3)
				assert_int_equal(h.at_rows[i], 2300);
			assert_int_equal(h.fresh[i], 0);
		}
	}

	/* agora_rank weighs by the kept counts: with alpha said to be in every row, betas lead */
	exec_ok(idx, "INSERT INTO df (term, n) SELECT 'alpha', 2300 UNION ALL SELECT 'beta', COUNT(*) FROM fts "
	    "WHERE fts MATCH 'beta'");
	assert_true(strncmp(page_urls(idx, a, &q), "/x/200,/x/2300,", 15) == 0);	/* 100 has one beta */
	/* counted again: the true counts (alpha and beta are not kept), and alpha leads again */
	assert_int_equal(df_table_refresh(idx, &e), 0);
	assert_true(strncmp(page_urls(idx, a, &q), "/x/100,/x/200,", 14) == 0);
	/* due once the index has DF_TABLE_MIN_ROWS rows and has moved by more than half a percent */
	exec_ok(idx, "WITH RECURSIVE c(i) AS (SELECT 3000 UNION ALL SELECT i + 1 FROM c WHERE i < 22999) "
	    "INSERT INTO fts (rowid, title, body) SELECT i, 'x', 'y' FROM c");	/* 22,300 rows */
	assert_int_equal(df_table_due(idx), 1);
	assert_int_equal(df_table_refresh(idx, &e), 0);
	assert_int_equal(df_table_due(idx), 0);
	exec_ok(idx, "UPDATE meta SET value = 22300 + 111 WHERE key = 'df_rows'");	/* 0.498% */
	assert_int_equal(df_table_due(idx), 0);
	exec_ok(idx, "UPDATE meta SET value = 22300 - 112 WHERE key = 'df_rows'");	/* 0.502% */
	assert_int_equal(df_table_due(idx), 1);
	arena_free(a);
	index_done(idx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_stems),
		cmocka_unit_test(test_parse_injection),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_runs),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_filters_facets),
		cmocka_unit_test(test_order_pages_snippets),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_cap_fallback_time_limit),
		cmocka_unit_test(test_rank_passes),
		cmocka_unit_test(test_rank_skipped),
		cmocka_unit_test(test_df_cache),
		cmocka_unit_test(test_df_table),
		cmocka_unit_test(test_facets_table),
		cmocka_unit_test(test_long_snippets),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
