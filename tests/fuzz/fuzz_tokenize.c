/* fuzz_tokenize.c: the "agora" FTS5 tokenizer (ICU word breaks, folding, CJK bigrams, stemming)
 * on any bytes, through FTS5's own tokenizer interface as the index calls it. The first byte
 * picks the instance (no argument, en, fr, es, ru, none) and whether the rest is a document or a
 * query term. Every token is non-empty, valid UTF-8, at most a folded long word in size (a pair
 * of words: two such, each behind the mark), and points at bytes inside the text; the first is
 * not colocated; the call returns SQLITE_OK. */
#include <sqlite3.h>
#include <string.h>

#include "fuzz.h"
#include "search/tokenize.h"
#include "util/str.h"

#define NINSTANCES 6
/* TOKEN_MAX_UNITS (256) UTF-16 units, each at most 3 bytes of UTF-8 */
#define TOKEN_MAX_BYTES (256 * 3)
#define PAIR_MARK '\x1b'	/* a pair of words (tokenize_pairs.c): mark, a token, mark, a token */

static fts5_tokenizer tk;
static Fts5Tokenizer *inst[NINSTANCES];
static sqlite3 *db;	/* kept open: the tokenizers belong to its FTS5 module */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *args[NINSTANCES] = { NULL, "en", "fr", "es", "ru", "none" };
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	void *ud;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK || search_tokenizer_register(db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xFindTokenizer(api, "agora", &ud, &tk) != SQLITE_OK)
		abort();
	for (int i = 0; i < NINSTANCES; i++)
		if (tk.xCreate(ud, args[i] ? &args[i] : NULL, args[i] ? 1 : 0, &inst[i]) != SQLITE_OK)
			abort();
	return 0;
}

struct seen {
	int n;		/* bytes of text */
	int ntokens;
};

static int
on_token(void *ctx, int tflags, const char *tok, int len, int start, int end)
{
	struct seen *s = ctx;

	FUZZ_CHECK(tflags == 0 || tflags == FTS5_TOKEN_COLOCATED, "flags %d", tflags);
	FUZZ_CHECK(s->ntokens > 0 || tflags == 0, "the first token is colocated");
	if (len > 0 && tok[0] == PAIR_MARK) {
		const char *mid = memchr(tok + 1, PAIR_MARK, (size_t)len - 1);
		FUZZ_CHECK(mid != NULL && mid > tok + 1 && mid < tok + len - 1, "a pair without its two words");
		FUZZ_CHECK(mid - tok - 1 <= TOKEN_MAX_BYTES && tok + len - mid - 1 <= TOKEN_MAX_BYTES,
			   "a pair of %d bytes", len);
		FUZZ_CHECK(memchr(mid + 1, PAIR_MARK, (size_t)(tok + len - mid - 1)) == NULL, "a pair of three");
	} else {
		FUZZ_CHECK(len > 0 && len <= TOKEN_MAX_BYTES, "a token of %d bytes", len);
	}
	FUZZ_CHECK(utf8_valid(tok, (size_t)len), "a token is not valid UTF-8: %.*s", len, tok);
	FUZZ_CHECK(0 <= start && start < end && end <= s->n, "token %.*s at [%d, %d) of %d bytes",
		   len, tok, start, end, s->n);
	s->ntokens++;
	return SQLITE_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0 };
	int which, flags, rc;
	char *text;

	if (size < 1)
		return 0;
	which = (data[0] & 0x7f) % NINSTANCES;
	flags = data[0] & 0x80 ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT;
	/* a copy of exactly the text's bytes, so ASan sees a read past its end */
	if ((text = malloc(size - 1 ? size - 1 : 1)) == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	s.n = (int)(size - 1);
	rc = tk.xTokenize(inst[which], &s, flags, text, s.n, on_token);
	FUZZ_CHECK(rc == SQLITE_OK, "xTokenize returned %d", rc);
	free(text);
	return 0;
}
