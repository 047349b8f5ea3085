/* summary_terms.c: the terms that distinguish each question's answers in a round (summary.h).
 *
 * TF-IDF over the search tokenizer's tokens (src/search/tokenize.c: folded and stemmed, so
 * "Spectrum" and "spectrums" are one term). A document is the public answers to one question of
 * one round; the round's question is scored against every such document of the repository:
 * tf = occurrences / tokens of the question's answers, idf = ln((1 + N) / (1 + df)) + 1 (the
 * smoothed form: a term every question uses still ranks by its frequency, below the rarer ones).
 * Stop words of the six languages (data/stopwords/, embedded) go through the same tokenizer, so
 * they are dropped however they are written. A term is shown as the shortest way it is written in
 * the round, in lower case.
 *
 * Tokenizing the whole repository for every page would take seconds, so each round's counts
 * (term -> occurrences per question) are kept in memory, computed when first needed and again
 * only when the round's public responses changed (their number, ids or last change). A summary
 * then reads the other rounds' counts from memory: only the round that received responses is
 * tokenized again. One lock serializes the work (it also guards the tokenizers, which are not
 * thread-safe); they run on a private in-memory SQLite connection (FTS5's API is the only way
 * to them), opened once. */
#include "summary.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <unicode/ustring.h>

#include "../search/tokenize.h"
#include "../util/str.h"

struct embedded {
	const char *path, *data;
	size_t len;
};
extern const struct embedded stopword_files[];	/* build/gen/stopwords.c */

#define BUCKETS (1 << 14)
#define MAX_TOKEN_BYTES 200
#define MAX_TERMS 500000	/* distinct terms of one round; beyond it new terms are not counted */
#define NQ CONSULTATION_MAX_QUESTIONS

struct term {
	struct term *next;
	char *stem;
	char *word;		/* shortest surface form, lower case */
	int64_t tf[NQ];		/* occurrences in the answers to question q + 1 */
};

/* A table of terms: a round's counts, or the stop words. */
struct table {
	struct arena *a;
	struct term **bucket;
	int64_t nterms;
};

/* One round's counts, and what they were computed from. */
struct round {
	struct round *next;
	int64_t consultation_id;
	int64_t fp_count, fp_updated, fp_idsum;	/* its public responses: number, last change, ids */
	struct table t;
	int64_t total[NQ];	/* tokens per question */
};

/* Tokenizers: one per stemming language, and "auto" for the rest (Arabic, Chinese, unknown). */
enum tk { TK_EN, TK_FR, TK_ES, TK_RU, TK_AUTO, TK_COUNT };
static const char *const tk_arg[TK_COUNT] = { "en", "fr", "es", "ru", "auto" };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 *conn;
static fts5_tokenizer api;
static Fts5Tokenizer *tokenizer[TK_COUNT];
static struct table stop;	/* stems of the stop words */
static struct round *rounds;

/* The text being tokenized and where its tokens go. */
struct run {
	struct table *into;	/* &stop, or a round's table */
	int64_t *total;		/* a round's tokens per question (NULL for stop words) */
	const char *text;
	int question;		/* 1..NQ */
	int oom;
};

static uint32_t
hash(const char *s, int n)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct term *
lookup(struct table *t, const char *s, int n, int create, int *oom)
{
	uint32_t h = hash(s, n) & (BUCKETS - 1);
	struct term *x;

	for (x = t->bucket[h]; x; x = x->next)
		if (strncmp(x->stem, s, (size_t)n) == 0 && x->stem[n] == '\0')
			return x;
	if (!create || t->nterms >= MAX_TERMS)
		return NULL;
	if ((x = arena_alloc(t->a, sizeof(*x))) == NULL || (x->stem = arena_strndup(t->a, s, (size_t)n)) == NULL) {
		*oom = 1;
		return NULL;
	}
	x->next = t->bucket[h];
	t->bucket[h] = x;
	t->nterms++;
	return x;
}

static int
table_init(struct table *t)
{
	if ((t->a = arena_new()) == NULL || (t->bucket = arena_alloc(t->a, BUCKETS * sizeof(*t->bucket))) == NULL) {
		arena_free(t->a);
		t->a = NULL;
		return -1;
	}
	t->nterms = 0;
	return 0;
}

/* The surface text s[0, n) in lower case (ICU's full case mapping) into u8 (LOWER_BYTES), or
 * -1 when it does not fit or is not UTF-8. */
#define LOWER_BYTES (6 * MAX_TOKEN_BYTES + 8)
static int
lower(const char *s, int n, char u8[LOWER_BYTES])
{
	UChar in[MAX_TOKEN_BYTES + 1], out[2 * MAX_TOKEN_BYTES + 2];
	int32_t lin, lout, l8;
	UErrorCode err = U_ZERO_ERROR;

	if (n > MAX_TOKEN_BYTES)
		return -1;
	u_strFromUTF8(in, MAX_TOKEN_BYTES + 1, &lin, s, n, &err);
	if (U_FAILURE(err))
		return -1;
	lout = u_strToLower(out, 2 * MAX_TOKEN_BYTES + 2, in, lin, "", &err);
	if (U_FAILURE(err))
		return -1;
	u_strToUTF8(u8, LOWER_BYTES, &l8, out, lout, &err);
	return U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING ? -1 : l8;
}

/* A token worth a term: two code points or more, not only digits. */
static int
worth(const char *s, int n)
{
	int digits = 1;

	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = 0;
	return !digits && utf8_chars(s, (size_t)n) >= 2;
}

/* FTS5's xToken: one token of the text being read. */
static int
on_token(void *ctx, int tflags, const char *tok, int ntok, int start, int end)
{
	struct run *u = ctx;
	struct term *x;
	char w[LOWER_BYTES];
	int n;

	if ((tflags & FTS5_TOKEN_COLOCATED) || ntok <= 0 || ntok > MAX_TOKEN_BYTES)
		return SQLITE_OK;	/* the other stems of a word: its first stands for it */
	if (u->into == &stop) {
		lookup(&stop, tok, ntok, 1, &u->oom);
		return u->oom ? SQLITE_NOMEM : SQLITE_OK;
	}
	if (!worth(tok, ntok) || lookup(&stop, tok, ntok, 0, &u->oom) != NULL)
		return SQLITE_OK;
	if ((x = lookup(u->into, tok, ntok, 1, &u->oom)) == NULL)
		return u->oom ? SQLITE_NOMEM : SQLITE_OK;
	x->tf[u->question - 1]++;
	u->total[u->question - 1]++;
	/* the shortest form, the first in byte order among equals: the same every time */
	if (end > start && (n = lower(u->text + start, end - start, w)) > 0 &&
	    (x->word == NULL || (size_t)n < strlen(x->word) ||
	     ((size_t)n == strlen(x->word) && strcmp(w, x->word) < 0)) &&
	    (x->word = arena_strdup(u->into->a, w)) == NULL)
		return SQLITE_NOMEM;
	return SQLITE_OK;
}

static enum tk
tk_for(const char *language)
{
	for (int i = 0; i < TK_AUTO; i++)
		if (str_eq(language, tk_arg[i]))
			return (enum tk)i;
	return TK_AUTO;
}

static int
tokenize(struct run *u, enum tk which, const char *text)
{
	u->text = text;
	return api.xTokenize(tokenizer[which], u, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text), on_token);
}

/* Every stop list through its language's tokenizer and the automatic one. */
static int
stop_words_load(void)
{
	struct run u = { .into = &stop };

	if (table_init(&stop) != 0)
		return -1;
	for (const struct embedded *f = stopword_files; f->path != NULL; f++) {
		char lang[3] = { f->path[0], f->path[0] ? f->path[1] : 0, 0 };
		char *copy = arena_strndup(stop.a, f->data, f->len), *line, *save = NULL;
		if (copy == NULL)
			return -1;
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (line[0] == '#' || line[0] == '\0')
				continue;
			if (tokenize(&u, tk_for(lang), line) != SQLITE_OK || tokenize(&u, TK_AUTO, line) != SQLITE_OK)
				return -1;
		}
	}
	return 0;
}

/* Opens the tokenizers and reads the stop words, once (under the lock). Returns 0 or -1. */
static int
tokenizers_open(void)
{
	fts5_api *fts = NULL;
	sqlite3_stmt *st;
	void *ud = NULL;

	if (tokenizer[TK_AUTO] != NULL)
		return 0;
	if (conn == NULL &&
	    (sqlite3_open_v2(":memory:", &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK ||
	     search_tokenizer_register(conn) != SQLITE_OK))
		goto fail;
	if (sqlite3_prepare_v2(conn, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (fts == NULL || fts->xFindTokenizer(fts, "agora", &ud, &api) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < TK_COUNT; i++) {
		const char *arg = tk_arg[i];
		if (api.xCreate(ud, &arg, 1, &tokenizer[i]) != SQLITE_OK)
			goto fail;
	}
	if (stop_words_load() == 0)
		return 0;
fail:
	for (int i = 0; i < TK_COUNT; i++)
		if (tokenizer[i] != NULL) {
			api.xDelete(tokenizer[i]);
			tokenizer[i] = NULL;
		}
	arena_free(stop.a);
	memset(&stop, 0, sizeof(stop));
	return -1;
}

/* Each round with what its public responses are now. */
static const char SQL_ROUNDS[] =
    "SELECT c.id, COUNT(r.id), COALESCE(MAX(r.updated_at), 0), COALESCE(SUM(r.id), 0) FROM consultations c "
    "LEFT JOIN responses r ON r.consultation_id = c.id AND r.status = 'published' GROUP BY c.id ORDER BY c.id";
static const char SQL_ROUND[] =
    "SELECT a.question, a.body, v.language FROM responses r "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "JOIN response_answers a ON a.response_id = r.id AND a.version = r.current_version "
    "WHERE r.status = 'published' AND r.consultation_id = $1";

/* Counts the terms of a round's public answers into x (its table new). Returns 0 or -1. */
static int
round_count(struct db *db, struct round *x, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ROUND);
	struct run u = { .into = &x->t, .total = x->total };
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "answers");
	db_bind_int64(st, 1, x->consultation_id);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t q = db_col_int64(st, 0);
		if (q < 1 || q > NQ)
			continue;
		u.question = (int)q;
		if (tokenize(&u, tk_for(db_col_text(st, 2)), db_col_text(st, 1)) != SQLITE_OK) {
			db_done(st);
			return err_set(e, ERR_BUSY, "the answers could not be tokenized");
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "answers");
}

/* Brings every round's counts up to date (under the lock), or with check_only says whether
 * they are (1) or not (0) without counting. Returns that, or -1. */
static int
rounds_refresh(struct db *db, int check_only, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ROUNDS);
	enum db_rc rc;
	int n = 0;
	struct {
		int64_t id, count, updated, idsum;
	} *now = NULL;
	struct arena *tmp = arena_new();
	int cap = 0, out = -1;

	if (st == NULL || tmp == NULL) {
		arena_free(tmp);
		return st == NULL ? db_err(db, e, "rounds") : err_set(e, ERR_BUSY, "out of memory");
	}
	while ((rc = db_step(st)) == DB_ROW) {
		void *grown = arena_grow(tmp, now, n, &cap, sizeof(*now));
		if (grown == NULL) {
			db_done(st);
			err_set(e, ERR_BUSY, "out of memory");
			goto done;
		}
		now = grown;
		now[n].id = db_col_int64(st, 0);
		now[n].count = db_col_int64(st, 1);
		now[n].updated = db_col_int64(st, 2);
		now[n++].idsum = db_col_int64(st, 3);
	}
	db_done(st);
	if (rc != DB_DONE) {
		db_err(db, e, "rounds");
		goto done;
	}
	for (int i = 0; i < n; i++) {
		struct round *x;
		for (x = rounds; x && x->consultation_id != now[i].id; x = x->next)
			;
		if (x != NULL && x->fp_count == now[i].count && x->fp_updated == now[i].updated &&
		    x->fp_idsum == now[i].idsum)
			continue;
		if (check_only) {
			out = 0;
			goto done;
		}
		if (x == NULL) {
			if ((x = calloc(1, sizeof(*x))) == NULL) {
				err_set(e, ERR_BUSY, "out of memory");
				goto done;
			}
			x->consultation_id = now[i].id;
			x->fp_count = -1;
			x->next = rounds;
			rounds = x;
		}
		arena_free(x->t.a);
		memset(&x->t, 0, sizeof(x->t));
		memset(x->total, 0, sizeof(x->total));
		x->fp_count = -1;	/* stale until counted */
		if (table_init(&x->t) != 0) {
			err_set(e, ERR_BUSY, "out of memory");
			goto done;
		}
		if (round_count(db, x, e) != 0)
			goto done;
		x->fp_count = now[i].count;
		x->fp_updated = now[i].updated;
		x->fp_idsum = now[i].idsum;
	}
	out = check_only ? 1 : 0;
done:
	arena_free(tmp);
	return out;
}

static int
by_score(const void *x, const void *y)
{
	const struct summary_term *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->word, b->word);
}

/* The documents (round, question) that have stem: those of every round's table. */
static int64_t
doc_freq(const char *stem, int64_t *ndocs)
{
	int64_t df = 0;
	int oom = 0;

	*ndocs = 0;
	for (struct round *x = rounds; x; x = x->next) {
		struct term *t = x->t.a ? lookup(&x->t, stem, (int)strlen(stem), 0, &oom) : NULL;
		for (int q = 0; q < NQ; q++) {
			*ndocs += x->total[q] > 0;
			df += t != NULL && t->tf[q] > 0;
		}
	}
	return df;
}

/* Keeps the best SUMMARY_TERMS of question q of round x in out (words copied to a). */
static int
rank(struct arena *a, struct round *x, int q, struct summary_question_terms *out)
{
	int64_t ndocs;

	out->question = q + 1;
	out->n = 0;
	if (x == NULL || x->t.a == NULL || x->total[q] == 0)
		return 0;
	for (int b = 0; b < BUCKETS; b++)
		for (struct term *t = x->t.bucket[b]; t; t = t->next) {
			if (t->tf[q] == 0 || t->word == NULL)
				continue;
			int64_t df = doc_freq(t->stem, &ndocs);
			struct summary_term cand = {
				.word = t->word, .count = t->tf[q],
				.score = (double)t->tf[q] / (double)x->total[q] *
					 (log((1.0 + (double)ndocs) / (1.0 + (double)df)) + 1.0),
			};
			if (out->n < SUMMARY_TERMS) {
				out->terms[out->n++] = cand;
				qsort(out->terms, (size_t)out->n, sizeof(cand), by_score);
			} else if (by_score(&cand, &out->terms[SUMMARY_TERMS - 1]) < 0) {
				out->terms[SUMMARY_TERMS - 1] = cand;
				qsort(out->terms, SUMMARY_TERMS, sizeof(cand), by_score);
			}
		}
	/* the words live in the cache, which the next refresh may free: the caller gets copies */
	for (int i = 0; i < out->n; i++)
		if ((out->terms[i].word = arena_strdup(a, out->terms[i].word)) == NULL)
			return -1;
	return 0;
}

int
summary_terms_get(struct db *db, struct arena *a, int64_t consultation_id, int nquestions,
		  struct summary_question_terms *out, struct err *e)
{
	struct round *x;
	int rc = -1;

	if (nquestions <= 0)
		return 0;
	if (nquestions > NQ)
		nquestions = NQ;
	pthread_mutex_lock(&lock);
	if (tokenizers_open() != 0) {
		err_set(e, ERR_INTERNAL, "the tokenizer could not be opened");
		goto out;
	}
	if (rounds_refresh(db, 0, e) != 0)
		goto out;
	for (x = rounds; x && x->consultation_id != consultation_id; x = x->next)
		;
	for (int q = 0; q < nquestions; q++)
		if (rank(a, x, q, &out[q]) != 0) {
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
	rc = 0;
out:
	pthread_mutex_unlock(&lock);
	return rc;
}

int
summary_terms_ready(struct db *db)
{
	struct err e;
	int rc;

	if (pthread_mutex_trylock(&lock) != 0)
		return 0;
	rc = tokenizer[TK_AUTO] == NULL ? 0 : rounds_refresh(db, 1, &e);
	pthread_mutex_unlock(&lock);
	return rc;
}

int
summary_terms_warm(const char *db_url, struct err *e)
{
	struct db *db = NULL;
	int rc = -1;

	if (db_open(db_url, DB_READONLY, &db, e) != 0)
		return -1;
	pthread_mutex_lock(&lock);
	if (tokenizers_open() != 0)
		err_set(e, ERR_INTERNAL, "the tokenizer could not be opened");
	else
		rc = rounds_refresh(db, 0, e);
	pthread_mutex_unlock(&lock);
	db_close(db);
	return rc;
}
