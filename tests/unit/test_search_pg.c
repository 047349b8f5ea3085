/* test_search_pg.c: search on PostgreSQL (src/search/pg_*.c, highlight.c) against a live server,
 * next to the SQLite index: the same things indexed into both, the same queries (words, phrases,
 * prefixes, OR, exclusions, Chinese, Arabic, French, Russian, filters, pages) must give the same
 * totals, facets, hits, snippets and marked titles; the stored tsvector (our tokens, positions,
 * the title's weight); the queue read behind the oldest running transaction and under the
 * advisory lock; the count cache of a round not queued; the cap, the fallback, the time limit;
 * an index never built. Needs AGORA_PG_URL (`make test-pg`); without it every test fails. */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/index_int.h"
#include "search/pg_int.h"
#include "search/search.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/arena.h"

struct fixture {
	struct db *db;
	struct db *other;	/* a second connection (queue and lock tests) */
	sqlite3 *lite;
	char dir[64];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *url = getenv("AGORA_PG_URL");
	char path[128];
	struct err e;

	if (f == NULL)
		return -1;
	if (url == NULL) {
		print_error("AGORA_PG_URL is not set: run `make test-pg` (tests/pg.sh starts a cluster)\n");
		free(f);
		return -1;
	}
	if (db_open(url, 0, &f->db, &e) != 0 ||
	    db_exec(f->db, "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
		    &e) != 0 ||
	    migrate_up(f->db, &e) < 0 || db_open(url, 0, &f->other, &e) != 0) {
		print_error("setup: %s\n", e.msg);
		db_close(f->db);
		free(f);
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-test-search-pg-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/search.db", f->dir);
	if ((f->lite = search_index_open(path, SEARCH_OPEN_CREATE, &e)) == NULL) {
		print_error("index: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sqlite3_close(f->lite);
	unit_rm_rf(f->dir);
	db_close(f->other);
	db_close(f->db);
	free(f);
	return 0;
}

struct tdoc {
	int64_t id;
	const char *kind, *consultation, *stakeholder_type, *country, *region, *language;
	int64_t at;
	int access;
	const char *title, *body;
};

/* Indexes d into both: the SQLite index's tables as test_search.c does, and the PostgreSQL
 * index through pg_index.c (thing_id = d->id, so the url /x/ID names it on both). */
static void
add(struct fixture *f, const struct tdoc *d)
{
	struct ix x = { 0 };
	struct search_doc sd = { 0 };
	sqlite3_stmt *st;
	struct err e;

	assert_int_equal(sqlite3_prepare_v2(f->lite,
	    "INSERT INTO docs (id, kind, thing_id, consultation, stakeholder_type, country, region, "
	    "language, at, access, url, title) VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "'/x/' || ?1, ?10)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->consultation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->stakeholder_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->country, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->language, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->at);
	sqlite3_bind_int(st, 9, d->access);
	sqlite3_bind_text(st, 10, d->title, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(f->lite, "INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->body, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);

	x.db = f->db;
	x.a = arena_new();
	x.tok = search_thread_tokenizer();
	assert_non_null(x.tok);
	sd.consultation = d->consultation;
	sd.stakeholder_type = d->stakeholder_type;
	sd.country = d->country;
	sd.region = d->region;
	sd.language = d->language;
	sd.at = d->at;
	sd.access = d->access;
	sd.url = arena_printf(x.a, "/x/%lld", (long long)d->id);
	sd.title = d->title;
	buf_puts(&sd.body, d->body);
	if (search_pg_put(&x, d->kind, d->id, &sd, &e) != 0)
		fail_msg("search_pg_put: %s", e.msg);
	buf_free(&sd.body);
	arena_free(x.a);
}

/* The index counts as built (search_run on PostgreSQL refuses one never built). */
static void
mark_built(struct fixture *f)
{
	struct err e;
	char sql[160];

	snprintf(sql, sizeof(sql), "INSERT INTO search_meta (key, value) VALUES ('version', %d), "
		 "('queue_xact', 1), ('queue_id', 0)", SEARCH_SCHEMA_VERSION);
	assert_int_equal(db_exec(f->db, sql, &e), 0);
}

static const struct tdoc docs[] = {
	{ 1, "consultation", "broadband", "", "", "", "en", 1000, 0, "Broadband for all",
	  "A consultation on rural broadband access." },
	{ 2, "response", "broadband", "government", "FR", "europe", "fr", 2000, 0, "Réponse de la France",
	  "L'accès au haut débit rural est une priorité. Broadband matters." },
	{ 3, "response", "broadband", "civil_society", "EG", "arab_states", "ar", 3000, 0, "رد مصر",
	  "الاتصالات في المناطق الريفية broadband" },
	{ 4, "response", "broadband", "private_sector", "CN", "asia_pacific", "zh", 4000, 2, "Withheld response",
	  "secret broadband plan 互联网接入" },
	{ 5, "document", "", "", "KE", "africa", "en", 5000, 1, "Contribution from Kenya",
	  "members broadband paper, draft" },
	{ 6, "outcome", "", "", "", "", "en", 6000, 0, "Outcome on spectrum",
	  "Spectrum <script>alert(1)</script> \x02sneaky\x03 text" },
	{ 7, "response", "spectrum", "academia", "CN", "asia_pacific", "zh", 7000, 0, "中国的答复",
	  "发展中国家的互联网接入" },
	{ 8, "response", "spectrum", "individual", "RU", "cis", "ru", 8000, 0, "Ответ",
	  "Мы поддерживаем развитие подключения сельских районов. Подключение важно." },
	{ 9, "response", "spectrum", "academia", "US", "americas", "en", 9000, 0, "A long answer",
	  "Universal connectivity requires affordable devices. The first sentence says little. Then "
	  "we talk at length about many things that are not the subject at all, one after the other, "
	  "for a while. Rural broadband: community networks need spectrum and affordable backhaul. "
	  "More words follow here, and more again, until the text ends with connectivity." },
	{ 10, "response", "spectrum", "government", "ES", "europe", "es", 10000, 0, "Respuesta",
	  "Las conexiones de banda ancha deben ser asequibles; la conexión rural también." },
};

static void
index_both(struct fixture *f)
{
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		add(f, &docs[i]);
	mark_built(f);
}

/* A result as text: total, capped, fell back, then each hit's url, snippet and marked title,
 * then the facets. sorted: the hits' lines sorted (relevance orders may differ: bm25 is not
 * ts_rank). */
static char *
describe(const struct search_result *r, int sorted)
{
	struct buf b, *lines = calloc((size_t)r->nhits + 1, sizeof(*lines));
	char *out;

	buf_init(&b);
	buf_printf(&b, "total=%lld capped=%d fell_back=%d\n", (long long)r->total, r->capped, r->fell_back);
	for (int i = 0; i < r->nhits; i++) {
		buf_init(&lines[i]);
		buf_printf(&lines[i], "%s | %s | %s\n", r->hits[i].url, r->hits[i].snippet, r->hits[i].title_marked);
	}
	if (sorted)	/* a few lines: insertion sort */
		for (int i = 1; i < r->nhits; i++)
			for (int j = i; j > 0 && strcmp(lines[j - 1].data, lines[j].data) > 0; j--) {
				struct buf t = lines[j];
				lines[j] = lines[j - 1];
				lines[j - 1] = t;
			}
	for (int i = 0; i < r->nhits; i++) {
		buf_puts(&b, lines[i].data);
		buf_free(&lines[i]);
	}
	free(lines);
	for (int i = 0; i < r->nfacets; i++) {
		buf_printf(&b, "%s:", r->facets[i].name);
		for (int j = 0; j < r->facets[i].nvalues; j++)
			buf_printf(&b, " %s=%lld", r->facets[i].values[j].value, (long long)r->facets[i].values[j].count);
		buf_putc(&b, '\n');
	}
	out = strdup(b.data ? b.data : "");
	buf_free(&b);
	for (char *c = out; *c; c++)	/* the marks, visible in a failure's message */
		if (*c == SEARCH_MARK_ON || *c == SEARCH_MARK_OFF)
			*c = *c == SEARCH_MARK_ON ? '[' : ']';
	return out;
}

/* Runs q on one backend; "ERR<kind>:<field>" for an error. */
static char *
run_on(struct fixture *f, int pg, const struct search_query *q, int sorted)
{
	struct search_index ix = { pg ? NULL : f->lite, pg ? f->db : NULL };
	struct arena *a = arena_new();
	struct search_result r;
	struct err e;
	char *out;

	if (search_run(&ix, a, q, &r, &e) != 0) {
		char s[80];
		snprintf(s, sizeof(s), "ERR%d:%s", e.kind, e.field);
		out = strdup(s);
	} else {
		out = describe(&r, sorted);
	}
	arena_free(a);
	return out;
}

static void
same(struct fixture *f, const struct search_query *q)
{
	int sorted = q->order == SEARCH_RELEVANCE;
	char *lite = run_on(f, 0, q, sorted), *pg = run_on(f, 1, q, sorted);

	if (strcmp(lite, pg) != 0)
		fail_msg("query '%s' (access %d): SQLite and PostgreSQL differ\n--- SQLite\n%s--- PostgreSQL\n%s",
			 q->q, q->access, lite, pg);
	free(lite);
	free(pg);
}

static void
test_same_results(void **state)
{
	struct fixture *f = *state;
	static const char *queries[] = {
		"broadband", "Broadband", "spectrum", "rural", "rural broadband", "\"rural broadband\"",
		"\"broadband rural\"", "prior*", "conn*", "afford*", "\"affordable dev\"*", "connect",
		"connectivity -universal", "broadband -draft -\"haut débit\"", "spectrum OR اتصالات",
		"a b OR spectrum", "broadband OR spectrum rural", "网", "互联网接入", "续发", "电视",
		"\"互联网 接入\"", "اتصالات", "والاتصالات", "الاتِّصالاتُ", "\"المناطق الريفية\"", "\"haut debit\"",
		"telecommunications", "accès", "l'accès", "подключение", "районы", "conexión", "sneaky",
		"script", "Kenya", "members", "secret", "title:x", "NEAR(a b)", "a AND b", "^x", "a\"\"b\"",
		"x* -y*", "'quoted'", "\\\"", "互 联", "*a", "a*b", "。", "broadband 。", "broadband OR 。",
		"broadband -。", "words", "text", "the", "community networks", "backhaul", "says", "connectivity",
		"\"rural broadband\" OR universal", NULL,
	};
	struct search_query q = { 0 };

	index_both(f);
	for (int i = 0; queries[i]; i++)
		for (int access = ACCESS_PUBLIC; access <= ACCESS_SECRETARIAT; access++) {
			q = (struct search_query){ .q = queries[i], .access = access, .order = SEARCH_NEWEST };
			same(f, &q);
			q.order = SEARCH_RELEVANCE;
			same(f, &q);
		}
	/* filters, dates, pages */
	q = (struct search_query){ .q = "broadband", .access = ACCESS_SECRETARIAT, .order = SEARCH_NEWEST };
	struct search_query k[6];
	for (int i = 0; i < 6; i++)
		k[i] = q;
	k[0].kind = "response";
	k[1].country = "FR";
	k[2].region = "arab_states";
	k[3].language = "ar";
	k[4].stakeholder_type = "government";
	k[5].consultation = "broadband";
	for (int i = 0; i < 6; i++)
		same(f, &k[i]);
	q.from = 2000, q.to = 4000;
	same(f, &q);
	q.from = 0, q.to = 0, q.per_page = 2;
	for (q.page = 1; q.page <= 4; q.page++)
		same(f, &q);
	/* mistakes are the same mistakes */
	q = (struct search_query){ .q = "\"open", .access = ACCESS_PUBLIC };
	same(f, &q);
	q = (struct search_query){ .q = "broadband", .kind = "meeting" };
	same(f, &q);
}

/* The results themselves (the SQLite pass asserts the same in test_search.c). */
static void
test_snippets(void **state)
{
	struct fixture *f = *state;
	struct search_index ix = { NULL, f->db };
	struct arena *a = arena_new();
	struct search_query q = { .q = "spectrum", .access = ACCESS_PUBLIC, .kind = "outcome" };
	struct search_result r;
	struct err e;

	index_both(f);
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_int_equal(r.nhits, 1);
	/* the text's own mark bytes are dropped: every mark is one the search put there */
	assert_string_equal(r.hits[0].snippet, "\x02Spectrum\x03 <script>alert(1)</script> sneaky text");
	assert_string_equal(r.hits[0].title_marked, "Outcome on \x02spectrum\x03");
	q = (struct search_query){ .q = "网", .access = ACCESS_PUBLIC };
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].snippet, "发展中国家的互联\x02网\x03接入");
	/* a window of 16 tokens from the start of the match's sentence (after ':'), cut with … */
	q = (struct search_query){ .q = "backhaul", .access = ACCESS_PUBLIC };
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].snippet, "…community networks need spectrum and affordable \x02" "backhaul\x03. "
			    "More words follow here, and more again, until the…");
	/* two words next to each other: marked apart, as FTS5 (3.40) does */
	q = (struct search_query){ .q = "互 联", .access = ACCESS_PUBLIC };
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].snippet, "发展中国家的\x02互\x03\x02联\x03网接入");
	/* relevance: the title's word first (weight A) */
	q = (struct search_query){ .q = "broadband", .access = ACCESS_PUBLIC };
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].url, "/x/1");
	arena_free(a);
}

/* What is stored: our tokens (stems, folded, Arabic without its article), with positions, the
 * title's with weight A, and the body after a gap so that no phrase spans the two. */
static void
test_stored_words(void **state)
{
	struct fixture *f = *state;
	struct tdoc d = { 1, "response", "", "", "", "", "en", 1, 0, "Rural Networks",
			  "Télécommunications والاتصالات networks" };
	struct db_stmt *st;
	const char *w;

	add(f, &d);
	st = db_prepare(f->db, "SELECT CAST(words AS TEXT) FROM search_docs WHERE thing_id = 1");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	w = db_col_text(st, 0);
	assert_non_null(strstr(w, "'rural':1A"));
	assert_non_null(strstr(w, "'network':2A,6"));	/* title 1-2, gap 3, body from 4 */
	assert_non_null(strstr(w, "'telecommun':4"));
	assert_non_null(strstr(w, "'اتصالات':5"));
	db_done(st);
	/* a phrase across the title and the text is not one */
	mark_built(f);
	struct search_index ix = { NULL, f->db };
	struct arena *a = arena_new();
	struct search_query q = { .q = "\"networks telecommunications\"", .access = ACCESS_PUBLIC };
	struct search_result r;
	struct err e;
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 0);
	q.q = "\"rural networks\"";
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 1);
	arena_free(a);
}

static int64_t count(struct db *db, const char *sql);

/* A text bigger than a tsvector holds (its words and places past 1 MB, as PostgreSQL counts
 * them): indexed all the same, its first words findable, the rest left out (it failed the whole
 * indexing batch, again and again, before). */
static void
test_huge_text(void **state)
{
	struct fixture *f = *state;
	enum { WORDS = 150000 };	/* about 10 bytes each in a tsvector: 1.5 MB */
	char *body = malloc((size_t)WORDS * 7 + 1), *p = body;
	struct tdoc d = { 1, "response", "", "", "", "", "en", 1, 0, "Huge", NULL };

	assert_non_null(body);
	for (int i = 0; i < WORDS; i++) {	/* zaaaaa, zaaaab, ...: all different */
		int n = i;
		*p++ = 'z';
		for (int k = 4; k >= 0; k--) {
			p[k] = (char)('a' + n % 26);
			n /= 26;
		}
		p += 5;
		*p++ = ' ';
	}
	*p = '\0';
	d.body = body;
	add(f, &d);	/* fails the test if PostgreSQL refuses the tsvector */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM search_docs WHERE thing_id = 1"), 1);
	mark_built(f);
	struct search_index ix = { NULL, f->db };
	struct arena *a = arena_new();
	struct search_query q = { .q = "zaaaab", .access = ACCESS_PUBLIC };
	struct search_result r;
	struct err e;
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 1);	/* an early word is there */
	arena_free(a);
	free(body);
}

static int64_t
count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

/* Queue rows of a transaction still running when the indexer passes are not skipped: the
 * indexer stops before the oldest running transaction, whatever the ids. One indexer at a time:
 * with the lock held elsewhere it does nothing. */
static void
test_queue_horizon_lock(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int applied = 0;

	mark_built(f);
	/* the other connection queues first (a lower id) and stays open */
	assert_int_equal(db_begin(f->other), 0);
	assert_int_equal(db_exec(f->other, "INSERT INTO search_queue (thing, thing_id) VALUES ('response', 101)", &e), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO search_queue (thing, thing_id) VALUES ('response', 102)", &e), 0);
	assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	assert_int_equal(applied, 0);	/* 102's transaction is younger than 101's, still running */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM search_queue"), 1);
	assert_int_equal(db_commit(f->other), 0);
	assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	assert_int_equal(applied, 2);	/* both now, in transaction order */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM search_queue"), 0);	/* pruned behind */
	assert_int_equal(count(f->db, "SELECT value FROM search_meta WHERE key = 'queue_xact'") > 1, 1);

	/* another server's indexer holds the lock: nothing done, nothing moved */
	assert_int_equal(db_exec(f->db, "INSERT INTO search_queue (thing, thing_id) VALUES ('response', 103)", &e), 0);
	assert_int_equal(db_begin(f->other), 0);
	assert_int_equal(count(f->other, "SELECT 1 FROM pg_advisory_xact_lock(CAST(7018701081327530872 AS BIGINT))"), 1);
	assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM search_queue"), 1);
	assert_int_equal(db_rollback(f->other), 0);
	assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	assert_int_equal(applied, 1);
}

/* A never-built index is built whole by the first catch-up; a round's count of published
 * responses changing queues nothing (0018), a change to the round does. */
static void
test_build_and_count_cache(void **state)
{
	struct fixture *f = *state;
	struct search_index ix = { NULL, f->db };
	struct arena *a = arena_new();
	struct search_query q = { .q = "anything", .access = ACCESS_PUBLIC };
	struct search_result r;
	struct err e;
	int applied = 0;
	int64_t queued;

	assert_int_equal(search_run(&ix, a, &q, &r, &e), -1);	/* never built */
	assert_int_equal(e.kind, ERR_BUSY);
	assert_non_null(strstr(e.msg, "agora reindex"));
	assert_int_equal(db_exec(f->db, "INSERT INTO consultations (slug, original_language, opens_at, closes_at, "
				 "moderation, created_at, updated_at) VALUES ('round-one', 'en', 10, 20, 'post', 1, 1);"
				 "INSERT INTO texts (thing, thing_id, field, language, body, status) SELECT "
				 "'consultation', id, 'title', 'en', 'Zanzibar connectivity', 'original' FROM consultations",
				 &e), 0);
	assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	assert_int_equal(applied, 1);	/* the build */
	assert_int_equal(search_pg_version(f->db), SEARCH_SCHEMA_VERSION);
	assert_int_equal(count(f->db, "SELECT access FROM search_docs WHERE kind = 'consultation'"), ACCESS_SECRETARIAT);
	q = (struct search_query){ .q = "zanzibar", .access = ACCESS_SECRETARIAT };
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_int_equal(r.total, 1);
	assert_string_equal(r.hits[0].title_marked, "\x02Zanzibar\x03 connectivity");
	do
		assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	while (applied > 0);
	queued = count(f->db, "SELECT COUNT(*) FROM search_queue");
	assert_int_equal(db_exec(f->db, "UPDATE consultations SET published_responses = published_responses + 1", &e), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM search_queue"), queued);
	assert_int_equal(db_exec(f->db, "UPDATE consultations SET state = 'open'", &e), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM search_queue"), queued + 1);
	do
		assert_int_equal(search_pg_catch_up(f->db, SEARCH_BATCH, &applied, &e), 0);
	while (applied > 0);
	assert_int_equal(count(f->db, "SELECT access FROM search_docs WHERE kind = 'consultation'"), ACCESS_PUBLIC);
	arena_free(a);
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

/* More than SEARCH_FACET_CAP matches: counts capped, relevance falls back to newest first; the
 * time limit. */
static void
test_cap_fallback_time_limit(void **state)
{
	struct fixture *f = *state;
	struct search_index ix = { NULL, f->db };
	struct arena *a = arena_new();
	struct search_query q = { .q = "common", .access = ACCESS_SECRETARIAT };
	struct search_result r;
	struct err e;
	struct ix x = { 0 };
	int n = SEARCH_FACET_CAP + 500;

	x.db = f->db;
	x.tok = search_thread_tokenizer();
	assert_int_equal(db_begin(f->db), 0);
	for (int i = 1; i <= n; i++) {
		struct search_doc d = { 0 };
		x.a = arena_new();
		d.consultation = d.stakeholder_type = d.country = d.region = "";
		d.language = "en";
		d.at = i;
		d.access = i > n - 10 ? 2 : 0;	/* the newest ten: secretariat only */
		d.url = arena_printf(x.a, "/x/%d", i);
		d.title = "doc";
		buf_puts(&d.body, i % 1000 == 0 ? "common rare words" : "common words");
		assert_int_equal(search_pg_put(&x, i % 2 ? "response" : "document", i, &d, &e), 0);
		buf_free(&d.body);
		arena_free(x.a);
	}
	assert_int_equal(db_commit(f->db), 0);
	mark_built(f);
	assert_int_equal(db_exec(f->db, "ANALYZE search_docs", &e), 0);

	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_true(r.capped);
	assert_true(r.fell_back);
	assert_int_equal(r.total, SEARCH_FACET_CAP);
	assert_int_equal(r.nhits, SEARCH_PER_PAGE);
	assert_string_equal(r.hits[0].url, arena_printf(a, "/x/%d", n));	/* newest first */
	assert_string_equal(r.hits[1].url, arena_printf(a, "/x/%d", n - 1));
	assert_int_equal(facet_count(&r, "kind", "response") + facet_count(&r, "kind", "document"),
			 SEARCH_FACET_CAP);
	q.access = ACCESS_PUBLIC;
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_string_equal(r.hits[0].url, arena_printf(a, "/x/%d", n - 10));
	q.order = SEARCH_NEWEST;
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_false(r.fell_back);
	assert_true(r.capped);
	q.order = SEARCH_RELEVANCE;
	q.q = "rare";
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_false(r.capped);
	assert_false(r.fell_back);
	assert_int_equal(r.total, n / 1000);
	assert_int_equal(facet_count(&r, "kind", "document"), n / 1000);
	/* the time limit: PostgreSQL cancels the statement; 503, and the connection works after */
	q.q = "common";
	q.time_limit_ms = 1;
	assert_int_equal(search_run(&ix, a, &q, &r, &e), -1);
	assert_int_equal(e.kind, ERR_BUSY);
	assert_non_null(strstr(e.msg, "too long"));
	q.time_limit_ms = 0;
	assert_int_equal(search_run(&ix, a, &q, &r, &e), 0);
	assert_int_equal(r.total, SEARCH_FACET_CAP);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stored_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_horizon_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_and_count_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_fallback_time_limit, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
