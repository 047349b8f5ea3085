/* fuzz_search_parse.c: search_parse never crashes, fails only with ERR_INVALID on the field q,
 * and everything it accepts is an expression FTS5 runs (no syntax error, whatever the input):
 * checked against a real FTS5 table using the agora tokenizer. */
#include "fuzz.h"
#include "search/search.h"
#include "search/tokenize.h"
#include "util/arena.h"

static sqlite3 *db;
static sqlite3_stmt *st;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || search_tokenizer_register(db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'agora');"
			     "INSERT INTO t VALUES ('internet access', 'a b c \"quoted\" NEAR title 互联网 الاتصالات');",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &st, NULL) != SQLITE_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = fuzz_cstr(data, size);
	struct arena *a = arena_new();
	struct err e;
	const char *expr;
	int rc;

	if (a == NULL)
		abort();
	expr = search_parse(a, q, &e);
	if (expr == NULL) {
		FUZZ_CHECK(e.kind == ERR_INVALID && strcmp(e.field, "q") == 0 && e.msg[0] != '\0',
			   "failed without a message for the box: kind %d field '%s'", e.kind, e.field);
	} else {
		FUZZ_CHECK(strlen(q) <= 512, "accepted %zu bytes", strlen(q));
		FUZZ_CHECK(expr[0] != '\0', "accepted \"%s\" as an empty expression", q);
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		FUZZ_CHECK(rc == SQLITE_ROW, "FTS5 refused [%s] (from [%s]): %s", expr, q, sqlite3_errmsg(db));
	}
	arena_free(a);
	free(q);
	return 0;
}
