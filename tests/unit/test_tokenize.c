/* test_tokenize.c: the "agora" FTS5 tokenizer (src/search/tokenize.c) through real FTS5 tables:
 * what MATCH finds in each language, where highlight()/snippet() put their markers, and that
 * malformed UTF-8 yields only in-range offsets. */
#include "unit.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "search/tokenize.h"

/* An in-memory db with the tokenizer and t(body) using it with tokenizer argument `arg`. */
static sqlite3 *
open_index(const char *arg)
{
	char sql[200];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(search_tokenizer_register(db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='%s')", arg);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void
add(sqlite3 *db, const char *body)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?1)", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The rowids matching `q`, as "1,3" ("" when none). */
static const char *
match(sqlite3 *db, const char *q)
{
	static char out[200];
	sqlite3_stmt *st;
	size_t n = 0;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && n + 24 < sizeof(out))
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%lld", n ? "," : "",
		    (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* highlight() with [ ] markers of the first row matching `q`. */
static const char *
hl(sqlite3 *db, const char *fn, const char *q)
{
	static char out[1000];
	char sql[200];
	sqlite3_stmt *st;

	out[0] = '\0';
	snprintf(sql, sizeof(sql), "SELECT %s FROM t WHERE t MATCH ?1 ORDER BY rowid LIMIT 1", fn);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void
test_chinese(void **state)
{
	sqlite3 *db = open_index("agora");

	add(db, "发展中国家的互联网接入");		/* 1 */
	add(db, "可持续发展目标");			/* 2 */
	add(db, "互联互通");				/* 3 */
	assert_string_equal(match(db, "互联网"), "1");
	assert_string_equal(match(db, "互联"), "1,3");
	/* One character, and a query crossing ICU's word boundary (可 / 持续 / 发展). */
	assert_string_equal(match(db, "网"), "1");
	assert_string_equal(match(db, "发"), "1,2");
	assert_string_equal(match(db, "续发"), "2");
	/* Bigrams must be adjacent: 互网 is not in any row. */
	assert_string_equal(match(db, "互网"), "");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "互联网"),
	    "发展中国家的[互联网]接入");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "国"), "发展中[国]家的互联网接入");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "续发"), "可持[续发]展目标");
	sqlite3_close(db);
}

/* ICU keeps words with an apostrophe whole; the tokenizer splits them. */
static void
test_apostrophe(void **state)
{
	sqlite3 *db = open_index("agora");

	add(db, "L'accès universel et l\u2019inclusion numérique");	/* 1 */
	add(db, "ITU's activities");					/* 2 */
	assert_string_equal(match(db, "acces"), "1");
	assert_string_equal(match(db, "accès"), "1");
	assert_string_equal(match(db, "inclusion"), "1");	/* after a typographic apostrophe */
	assert_string_equal(match(db, "\"l'accès universel\""), "1");
	assert_string_equal(match(db, "itu"), "2");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "acces"),
	    "L'[accès] universel et l\u2019inclusion numérique");
	sqlite3_close(db);
}

static void
test_japanese(void **state)
{
	sqlite3 *db = open_index("agora");

	add(db, "インターネットへの接続を改善する");
	assert_string_equal(match(db, "インターネット"), "1");
	assert_string_equal(match(db, "接続"), "1");
	assert_string_equal(match(db, "続"), "1");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "接続"),
	    "インターネットへの[接続]を改善する");
	sqlite3_close(db);
}

/* Thai has no spaces: ICU's dictionary finds the words; เชือก shares consonants, not the word. */
static void
test_thai(void **state)
{
	sqlite3 *db = open_index("agora");

	add(db, "การเชื่อมต่ออินเทอร์เน็ตในโรงเรียน");
	add(db, "เชือก");
	assert_string_equal(match(db, "อินเทอร์เน็ต"), "1");
	assert_string_equal(match(db, "โรงเรียน"), "1");
	assert_string_equal(match(db, "เชื่อม"), "1");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "อินเทอร์เน็ต"),
	    "การเชื่อมต่อ[อินเทอร์เน็ต]ในโรงเรียน");
	sqlite3_close(db);
}

static void
test_arabic(void **state)
{
	sqlite3 *db = open_index("agora");

	add(db, "تطوير الاتصالات في البلدان النامية");		/* 1 */
	add(db, "وزارة والاتصالات");				/* 2 */
	add(db, "خدمات بالاتصالات وللاتصالات");			/* 3 */
	add(db, "الإتِّصَالَاتُ الدولية");				/* 4: diacritics, hamza alef */
	add(db, "مكتبة المدرسة");				/* 5: teh marbuta */
	add(db, "الـــاتصالات");				/* 6: tatweel */
	assert_string_equal(match(db, "اتصالات"), "1,2,3,4,6");
	assert_string_equal(match(db, "الاتصالات"), "1,2,3,4,6");
	assert_string_equal(match(db, "والاتصالات"), "1,2,3,4,6");
	assert_string_equal(match(db, "الاتّصالات"), "1,2,3,4,6");
	assert_string_equal(match(db, "مكتبه"), "5");
	assert_string_equal(match(db, "مدرسة"), "5");
	/* A word of two letters keeps its ال: "ال" + 1 letter would leave too little. */
	assert_string_equal(match(db, "النامية"), "1");
	assert_string_equal(match(db, "اتصال"), "");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "اتصالات"),
	    "تطوير [الاتصالات] في البلدان النامية");
	assert_string_equal(hl(db, "highlight(t, 0, '<', '>')", "الدولية"),
	    "الإتِّصَالَاتُ <الدولية>");
	sqlite3_close(db);
}

static void
test_russian(void **state)
{
	sqlite3 *db = open_index("agora");

	add(db, "Подключение школ к сети");		/* 1 */
	add(db, "для подключения сельских районов");	/* 2 */
	add(db, "благодаря подключению");		/* 3 */
	add(db, "Зелёная ёлка");			/* 4 */
	add(db, "мой дом");				/* 5 */
	assert_string_equal(match(db, "подключение"), "1,2,3");
	assert_string_equal(match(db, "ПОДКЛЮЧЕНИЯМ"), "1,2,3");
	/* ё folds to е; й stays apart from и. */
	assert_string_equal(match(db, "елка"), "4");
	assert_string_equal(match(db, "зеленая"), "4");
	assert_string_equal(match(db, "мой"), "5");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "подключение"),
	    "[Подключение] школ к сети");
	sqlite3_close(db);

	/* The stemmer conflates мой and мои (both "мо"); without it й and и stay distinct. */
	db = open_index("agora none");
	add(db, "мой дом");
	add(db, "мои дома");
	assert_string_equal(match(db, "мой"), "1");
	assert_string_equal(match(db, "мои"), "2");
	assert_string_equal(match(db, "дом"), "1");
	sqlite3_close(db);
}

static void
test_latin(void **state)
{
	sqlite3 *db = open_index("agora");
	sqlite3 *fr;

	add(db, "Télécommunications in developing countries");	/* 1 */
	add(db, "improving connectivity");			/* 2 */
	add(db, "schools were connected last year");		/* 3 */
	add(db, "Acceso a Internet en América Latina");	/* 4 */
	add(db, "ﬁnancement");					/* 5: NFKC ligature */
	add(db, "la connectivité des réseaux");			/* 6: French */
	add(db, "conexiones rurales");				/* 7: Spanish */
	assert_string_equal(match(db, "telecommunications"), "1");
	assert_string_equal(match(db, "TÉLÉCOMMUNICATION"), "1");
	/* Without a language argument English, French and Spanish stems are all indexed. */
	assert_string_equal(match(db, "connect"), "2,3,6");
	assert_string_equal(match(db, "connecting"), "2,3,6");
	assert_string_equal(match(db, "réseau"), "6");
	assert_string_equal(match(db, "reseau"), "6");
	assert_string_equal(match(db, "conexión"), "7");
	assert_string_equal(match(db, "rural"), "7");
	assert_string_equal(match(db, "america"), "4");
	assert_string_equal(match(db, "financement"), "5");
	assert_string_equal(match(db, "country"), "1");
	assert_string_equal(hl(db, "highlight(t, 0, '[', ']')", "telecommunication"),
	    "[Télécommunications] in developing countries");
	assert_string_equal(hl(db, "snippet(t, 0, '[', ']', '...', 3)", "years"),
	    "...connected last [year]");
	sqlite3_close(db);

	/* With 'agora fr' Latin words get the French stemmer. */
	fr = open_index("agora fr");
	add(fr, "les réseaux nationaux");
	assert_string_equal(match(fr, "réseau"), "1");
	assert_string_equal(match(fr, "national"), "1");
	sqlite3_close(fr);
}

/* A query string starting with SEARCH_TOKEN_VERBATIM is one token as it is (query.c writes a
 * word's stems so); in a document the byte is nothing special. */
static void
test_verbatim(void **state)
{
	sqlite3 *db = open_index("agora");
	char q[64];

	(void)state;
	add(db, "la connectivité");	/* 1: stems connectivit (en), connect (fr) */
	add(db, "connecting");		/* 2: stem connect */
	snprintf(q, sizeof(q), "\"%cconnectivit\"", SEARCH_TOKEN_VERBATIM);
	assert_string_equal(match(db, q), "1");
	snprintf(q, sizeof(q), "\"%cconnect\"", SEARCH_TOKEN_VERBATIM);
	assert_string_equal(match(db, q), "1,2");
	/* not stemmed again: the token "connecting" (2 has it, French and Spanish keep the word)
	 * does not become "connect", which 1 has too */
	snprintf(q, sizeof(q), "\"%cconnecting\"", SEARCH_TOKEN_VERBATIM);
	assert_string_equal(match(db, q), "2");
	assert_string_equal(match(db, "connecting"), "1,2");
	sqlite3_close(db);
}

/* The rowids matching q in the order of the rank function fn ("1,3"), or their scores. */
static const char *
ranked(sqlite3 *db, const char *fn, const char *q, int scores)
{
	static char out[400];
	char sql[200];
	sqlite3_stmt *st;
	size_t n = 0;

	out[0] = '\0';
	snprintf(sql, sizeof(sql), "SELECT rowid, %s(t) FROM t WHERE t MATCH ?1 ORDER BY %s(t), rowid", fn, fn);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && n + 40 < sizeof(out)) {
		if (scores)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%.9f", n ? "," : "",
			    sqlite3_column_double(st, 1));
		else
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%lld", n ? "," : "",
			    (long long)sqlite3_column_int64(st, 0));
	}
	sqlite3_finalize(st);
	return out;
}

/* agora_rank (rank.c) orders as bm25() does; with several phrases its scores are bm25()'s. */
static void
test_rank(void **state)
{
	sqlite3 *db = open_index("agora");
	static const char *const one[] = { "internet", "\"rural internet\"", "les", NULL };
	static const char *const many[] = { "internet access", "internet OR rural", "internet NOT rural", NULL };

	(void)state;
	add(db, "internet access for rural schools");			/* 1 */
	add(db, "internet internet internet and the rural internet");	/* 2 */
	add(db, "access to the internet in rural areas, and rural internet access");	/* 3 */
	add(db, "a long text about many things where the internet comes once, near the end of a "
		"very long sentence that goes on and on");			/* 4 */
	add(db, "les réseaux et le internet");				/* 5 */
	for (int i = 0; one[i]; i++) {
		char want[400];

		snprintf(want, sizeof(want), "%s", ranked(db, "bm25", one[i], 0));
		assert_true(want[0] != '\0');
		assert_string_equal(ranked(db, "agora_rank", one[i], 0), want);
	}
	for (int i = 0; many[i]; i++) {
		char want[400];

		snprintf(want, sizeof(want), "%s", ranked(db, "bm25", many[i], 1));
		assert_true(want[0] != '\0');
		assert_string_equal(ranked(db, "agora_rank", many[i], 1), want);
	}
	sqlite3_close(db);
}

static void
test_bad_argument(void **state)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(search_tokenizer_register(db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db,
	    "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='agora klingon')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}

/* Tokenizes directly and checks every token's offsets. */
struct offcheck {
	int n, bad, count;
};

static int
check_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
	struct offcheck *c = ctx;

	c->count++;
	if (start < 0 || end > c->n || start > end || len <= 0)
		c->bad++;
	return SQLITE_OK;
}

static void
test_malformed_utf8(void **state)
{
	static const char *const samples[] = {
		"caf\xC3",				/* truncated */
		"\xC0\xAF etc \xE0\x80\x80",		/* overlong */
		"\xED\xA0\x80 surrogate",		/* UTF-16 surrogate */
		"\xF4\x90\x80\x80 big",			/* above U+10FFFF */
		"\xFF\xFE互联\x80网 الاتصالات\xE4\xBA",	/* stray bytes inside words */
	};
	fts5_api *api = NULL;
	fts5_tokenizer tk;
	Fts5Tokenizer *inst;
	sqlite3_stmt *st;
	sqlite3 *db = open_index("agora");
	void *ud;
	char buf[64];

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	assert_non_null(api);
	assert_int_equal(api->xFindTokenizer(api, "agora", &ud, &tk), SQLITE_OK);
	assert_int_equal(tk.xCreate(ud, NULL, 0, &inst), SQLITE_OK);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct offcheck c = {.n = (int)strlen(samples[i])};

		assert_int_equal(tk.xTokenize(inst, &c, FTS5_TOKENIZE_DOCUMENT, samples[i], c.n,
		    check_token), SQLITE_OK);
		assert_int_equal(c.bad, 0);
		assert_true(c.count > 0);
		add(db, samples[i]);
	}
	/* Random bytes, fixed seed: no crash, every offset in range. */
	srand(6);
	for (int round = 0; round < 2000; round++) {
		struct offcheck c = {.n = 1 + rand() % (int)sizeof(buf)};

		for (int k = 0; k < c.n; k++)
			buf[k] = (char)(rand() % 3 == 0 ? 0x80 + rand() % 0x80 : rand() % 256);
		assert_int_equal(tk.xTokenize(inst, &c, FTS5_TOKENIZE_DOCUMENT, buf, c.n,
		    check_token), SQLITE_OK);
		assert_int_equal(c.bad, 0);
	}
	/* A word far longer than a token may be: indexed by its start, offsets still whole. */
	{
		size_t n = 100000;
		char *big = malloc(n + 1);
		struct offcheck c = {.n = (int)n};

		assert_non_null(big);
		memset(big, 'a', n);
		big[n] = '\0';
		assert_int_equal(tk.xTokenize(inst, &c, FTS5_TOKENIZE_DOCUMENT, big, c.n,
		    check_token), SQLITE_OK);
		assert_int_equal(c.bad, 0);
		assert_int_equal(c.count, 1);
		free(big);
	}
	tk.xDelete(inst);
	assert_string_equal(match(db, "网"), "5");
	assert_string_equal(match(db, "etc"), "2");
	sqlite3_close(db);
}

/* The positions of a text as search_tokenize makes them (no pairs): each a set of tokens. */
#define PMAX 64
struct positions {
	char tok[PMAX][3][64];
	int ntok[PMAX];
	int n, paired;
};

static int
collect_position(void *ctx, int colocated, const char *tok, int len, int start, int end)
{
	struct positions *p = ctx;

	(void)start;
	(void)end;
	if (len > 0 && tok[0] == '\x1b')
		p->paired++;
	if (!colocated)
		p->n++;
	if (p->n > PMAX || p->ntok[p->n - 1] == 3 || len >= 64)
		return 1;
	memcpy(p->tok[p->n - 1][p->ntok[p->n - 1]], tok, (size_t)len);
	p->tok[p->n - 1][p->ntok[p->n - 1]++][len] = '\0';
	return 0;
}

static void
positions_of(struct search_tokenizer *tk, int query, const char *text, struct positions *p)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(search_tokenize(tk, query, text, strlen(text), collect_position, p), 0);
	assert_int_equal(p->paired, 0);	/* pairs are FTS5's alone */
}

static int
share_token(struct positions *a, int i, struct positions *b, int j)
{
	for (int x = 0; x < a->ntok[i]; x++)
		for (int y = 0; y < b->ntok[j]; y++)
			if (strcmp(a->tok[i][x], b->tok[j][y]) == 0)
				return 1;
	return 0;
}

/* What a phrase means: its words' tokens at consecutive positions, any of a position's stems
 * matching any of the word's. */
static int
phrase_in(struct positions *d, struct positions *q)
{
	for (int i = 0; i + q->n <= d->n; i++) {
		int k = 0;
		while (k < q->n && share_token(d, i + k, q, k))
			k++;
		if (k == q->n)
			return 1;
	}
	return 0;
}

/* Phrases through the pairs of consecutive words (tokenize.c, "Pairs"): the index holds them,
 * and every phrase of 2 to 4 words of a random corpus finds, through FTS5, exactly the rows
 * that hold its words at consecutive positions (computed here from the tokens without pairs):
 * stems of three languages, apostrophes, Arabic, Cyrillic, Chinese next to words. */
static void
test_pairs(void **state)
{
	static const char *const vocab[] = {
		"les", "des", "Déchets", "électroniques", "accès", "digital", "digitale", "access",
		"l'accès", "connectivité", "connecting", "internet", "互联网", "发展", "مؤتمر",
		"الاتصالات", "сети", "доступ", "the", "of", "de", "la", "connections", "numérique",
	};
	enum { NV = sizeof(vocab) / sizeof(vocab[0]), NDOC = 300, NQ = 400 };
	struct search_tokenizer *tk = search_tokenizer_new();
	static char docs[NDOC][400];
	static struct positions dpos[NDOC];
	sqlite3 *db = open_index("agora");
	unsigned seed = 12345;
	int found = 0, paired_queries = 0;

	(void)state;
	assert_non_null(tk);
	for (int d = 0; d < NDOC; d++) {
		int nw = 4 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 9;
		docs[d][0] = '\0';
		for (int w = 0; w < nw; w++) {
			const char *v = vocab[((seed = seed * 1103515245u + 12345u) >> 16) % NV];
			snprintf(docs[d] + strlen(docs[d]), sizeof(docs[d]) - strlen(docs[d]), "%s%s", w ? (w % 3 ? " " : ", ") : "", v);
		}
		add(db, docs[d]);
		positions_of(tk, 0, docs[d], &dpos[d]);
	}
	/* the index holds pairs: "Les déchets" at the position of "les" */
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, t, row)", NULL,
		    NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM temp.v WHERE term GLOB char(27) || '*'",
		    -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_true(sqlite3_column_int(st, 0) > 100);
		sqlite3_finalize(st);
	}
	for (int k = 0; k < NQ; k++) {
		char q[300] = "\"";
		struct positions qp;
		char want[4000] = "";
		const char *got;
		int nw = 2 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 3;

		if (k % 2) {	/* words next to each other in a document (its commas left out) */
			char words[400], *w[40], *save = NULL;
			int n = 0, from;
			snprintf(words, sizeof(words), "%s", docs[((seed = seed * 1103515245u + 12345u) >> 16) % NDOC]);
			for (char *t = strtok_r(words, " ,", &save); t && n < 40; t = strtok_r(NULL, " ,", &save))
				w[n++] = t;
			from = n > nw ? (int)((seed = seed * 1103515245u + 12345u) >> 16) % (n - nw + 1) : 0;
			for (int i = from; i < n && i < from + nw; i++)
				snprintf(q + strlen(q), sizeof(q) - strlen(q), "%s%s", i > from ? " " : "", w[i]);
		} else {	/* any words */
			for (int i = 0; i < nw; i++)
				snprintf(q + strlen(q), sizeof(q) - strlen(q), "%s%s", i ? " " : "",
				    vocab[((seed = seed * 1103515245u + 12345u) >> 16) % NV]);
		}
		strcat(q, "\"");
		positions_of(tk, 1, q, &qp);
		for (int d = 0, n = 0; d < NDOC; d++)
			if (phrase_in(&dpos[d], &qp))
				n += snprintf(want + n, sizeof(want) - (size_t)n, "%s%d", n ? "," : "", d + 1);
		got = match(db, q);
		if (strlen(want) < 190)	/* match() keeps 200 bytes */
			assert_string_equal(got, want);
		else
			assert_int_equal(strncmp(got, want, 150), 0);
		found += want[0] != '\0';
		paired_queries += qp.n >= 2;
	}
	assert_true(found > NQ / 2);	/* the phrases found something, mostly */
	assert_true(paired_queries > NQ / 2);
	sqlite3_close(db);
	search_tokenizer_free(tk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_apostrophe),
		cmocka_unit_test(test_japanese),
		cmocka_unit_test(test_thai),
		cmocka_unit_test(test_arabic),
		cmocka_unit_test(test_russian),
		cmocka_unit_test(test_latin),
		cmocka_unit_test(test_verbatim),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_bad_argument),
		cmocka_unit_test(test_malformed_utf8),
		cmocka_unit_test(test_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
