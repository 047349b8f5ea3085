/* pg_index.c: the search index in the PostgreSQL store (sql/postgres/0021_schema.sql, section
 * "search index"; docs/SEARCH.md, "On PostgreSQL"). index.c decides what a thing's row holds, on
 * both backends; here is how the row is stored on PostgreSQL, the full build, the catch-up with
 * the queue, and agora reindex.
 *
 * The words: our tokenizer (tokenize.c, as for FTS5) tokenizes the title and the text; each
 * token becomes a lexeme with its positions, the title's with weight A (the relevance order
 * counts them more), and the tsvector is written in its input syntax ('lexeme':1A,7 ...) and
 * cast. array_to_tsvector would take the lexemes as they are too, but it keeps no positions, and
 * phrases need them. The cast reads that syntax only: no parser, no dictionary is involved.
 *
 * One indexer at a time: every server's indexer, and agora reindex, write the index only while
 * holding the advisory lock SEARCH_PG_LOCK for their transaction, and store the queue position
 * in the same transaction as the rows. */
#include <stdlib.h>
#include <string.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "../util/log.h"
#include "../util/str.h"
#include "index_int.h"
#include "pg_int.h"

#define POS_MAX 16383			/* PostgreSQL keeps positions 1..16383 (larger: 16383) */
#define POS_PER_LEXEME 256		/* and at most 256 positions of one lexeme */
/* A tsvector holds under 1 MB (1048575 bytes) of lexemes and positions, counted as PostgreSQL
 * does: each lexeme rounded up to 2 bytes, then 2 bytes for its count of positions and 2 for
 * each position. Past this, a new word or a further position of a word is left out: a huge
 * text's rarest words, or their places deep in it, are not findable (docs/SEARCH.md). */
#define TSVECTOR_BYTES_MAX 1000000
#define BUILD_BATCH 1000		/* things between two progress reports (one arena) */

/* A lexeme of one document and where it stands. */
struct lexeme {
	const char *s;
	int len, npos, cap;
	uint16_t *pos;			/* ascending; the title's have weight A */
};

struct words {
	struct arena *a;
	struct lexeme *slot;		/* open addressing */
	unsigned cap, n;
	size_t bytes;			/* of all lexemes */
	int pos;			/* of the last non-colocated token */
	int title_end;			/* positions up to this one are the title's */
	int failed;
};

static unsigned
lexeme_hash(const char *s, int n)
{
	unsigned h = 2166136261u;

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct lexeme *
lexeme_find(struct lexeme *slot, unsigned cap, const char *s, int n)
{
	unsigned i = lexeme_hash(s, n) & (cap - 1);

	while (slot[i].s != NULL && !(slot[i].len == n && memcmp(slot[i].s, s, (size_t)n) == 0))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static int
words_grow(struct words *w)
{
	unsigned cap = w->cap ? w->cap * 2 : 256;
	struct lexeme *slot = arena_alloc(w->a, sizeof(*slot) * cap);

	if (slot == NULL)
		return -1;
	for (unsigned i = 0; i < w->cap; i++)
		if (w->slot[i].s != NULL)
			*lexeme_find(slot, cap, w->slot[i].s, w->slot[i].len) = w->slot[i];
	w->slot = slot;
	w->cap = cap;
	return 0;
}

static int
words_token(void *arg, int colocated, const char *tok, int len, int start, int end)
{
	struct words *w = arg;
	struct lexeme *l;
	int pos;

	(void)start;
	(void)end;
	if (!colocated || w->pos == 0)
		w->pos++;
	pos = w->pos < POS_MAX ? w->pos : POS_MAX;
	if (len <= 0)
		return 0;
	if ((w->n + 1) * 2 > w->cap && words_grow(w) != 0)
		return w->failed = -1;
	l = lexeme_find(w->slot, w->cap, tok, len);
	if (l->s == NULL) {
		size_t cost = (((size_t)len + 1) & ~(size_t)1) + 2;	/* the word, its count */

		if (w->bytes + cost + 2 > TSVECTOR_BYTES_MAX)
			return 0;	/* a huge text: its rarest words are not findable */
		if ((l->s = arena_strndup(w->a, tok, (size_t)len)) == NULL)
			return w->failed = -1;
		l->len = len;
		w->bytes += cost;
		w->n++;
	}
	if (l->npos >= POS_PER_LEXEME || (l->npos > 0 && l->pos[l->npos - 1] >= pos) ||
	    w->bytes + 2 > TSVECTOR_BYTES_MAX)
		return 0;
	if (l->npos == l->cap) {
		uint16_t *grown = arena_grow(w->a, l->pos, l->npos, &l->cap, sizeof(*grown));
		if (grown == NULL)
			return w->failed = -1;
		l->pos = grown;
	}
	l->pos[l->npos++] = (uint16_t)pos;
	w->bytes += 2;
	return 0;
}

/* The tsvector of a title and a text, in the type's input syntax. A gap of one position between
 * them, so that no phrase spans the two (FTS5 has them in two columns). NULL: out of memory. */
static const char *
tsvector_text(struct arena *a, struct search_tokenizer *tok, const char *title, const struct buf *body)
{
	struct words w = { 0 };
	struct buf b;
	const char *out;
	int first = 1;

	w.a = a;
	if (search_tokenize(tok, 0, title, strlen(title), words_token, &w) != 0 || w.failed)
		return NULL;
	w.title_end = w.pos;
	w.pos++;
	if (body->len > 0 &&
	    (search_tokenize(tok, 0, body->data, body->len, words_token, &w) != 0 || w.failed))
		return NULL;
	buf_init(&b);
	for (unsigned i = 0; i < w.cap; i++) {
		const struct lexeme *l = &w.slot[i];

		if (l->s == NULL)
			continue;
		if (!first)
			buf_putc(&b, ' ');
		first = 0;
		buf_putc(&b, '\'');
		for (int k = 0; k < l->len; k++) {
			if (l->s[k] == '\'' || l->s[k] == '\\')
				buf_putc(&b, l->s[k] == '\'' ? '\'' : '\\');
			buf_putc(&b, l->s[k]);
		}
		buf_putc(&b, '\'');
		for (int k = 0; k < l->npos; k++)
			buf_printf(&b, "%c%u%s", k ? ',' : ':', (unsigned)l->pos[k],
				   l->pos[k] <= w.title_end ? "A" : "");
	}
	out = b.failed ? NULL : arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

static const char SQL_PUT[] =
    "INSERT INTO search_docs (kind, thing_id, consultation, stakeholder_type, country, region, language, "
    "at, access, url, title, flags, words) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CAST($13 AS tsvector)) "
    "ON CONFLICT (kind, thing_id) DO UPDATE SET consultation = EXCLUDED.consultation, "
    "stakeholder_type = EXCLUDED.stakeholder_type, country = EXCLUDED.country, region = EXCLUDED.region, "
    "language = EXCLUDED.language, at = EXCLUDED.at, access = EXCLUDED.access, url = EXCLUDED.url, "
    "title = EXCLUDED.title, flags = EXCLUDED.flags, words = EXCLUDED.words RETURNING id";
static const char SQL_PUT_BODY[] =
    "INSERT INTO search_bodies (doc_id, body) VALUES ($1, $2) "
    "ON CONFLICT (doc_id) DO UPDATE SET body = EXCLUDED.body";
static const char SQL_REMOVE[] = "DELETE FROM search_docs WHERE kind = $1 AND thing_id = $2";

int
search_pg_put(struct ix *x, const char *kind, int64_t id, const struct search_doc *d, struct err *e)
{
	const char *title = d->title ? d->title : "", *words;
	struct db_stmt *st;
	int64_t doc_id;

	if ((words = tsvector_text(x->a, x->tok, title, &d->body)) == NULL)
		return err_set(e, ERR_INTERNAL, "search index: out of memory");
	if ((st = db_prepare(x->db, SQL_PUT)) == NULL)
		return db_err(x->db, e, "search index");
	db_bind_text(st, 1, kind);
	db_bind_int64(st, 2, id);
	db_bind_text(st, 3, d->consultation ? d->consultation : "");
	db_bind_text(st, 4, d->stakeholder_type ? d->stakeholder_type : "");
	db_bind_text(st, 5, d->country ? d->country : "");
	db_bind_text(st, 6, d->region ? d->region : "");
	db_bind_text(st, 7, d->language ? d->language : "und");
	db_bind_int64(st, 8, d->at);
	db_bind_int64(st, 9, d->access);
	db_bind_text(st, 10, d->url);
	db_bind_text(st, 11, title);
	db_bind_int64(st, 12, d->flags);
	db_bind_text(st, 13, words);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return db_err(x->db, e, "search index");
	}
	doc_id = db_col_int64(st, 0);
	db_done(st);
	if ((st = db_prepare(x->db, SQL_PUT_BODY)) == NULL)
		return db_err(x->db, e, "search index");
	db_bind_int64(st, 1, doc_id);
	db_bind_textn(st, 2, d->body.data ? d->body.data : "", d->body.len);
	return db_run(st) == DB_DONE ? 0 : db_err(x->db, e, "search index");
}

int
search_pg_remove(struct ix *x, const char *kind, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_REMOVE);

	if (st == NULL)
		return db_err(x->db, e, "search index");
	db_bind_text(st, 1, kind);
	db_bind_int64(st, 2, id);
	return db_run(st) == DB_DONE ? 0 : db_err(x->db, e, "search index");
}

/* The position: the queue rows up to (xact, id) are in the index. */
struct position {
	int64_t version, xact, id;
	int has;
};

static const char SQL_META[] = "SELECT key, value FROM search_meta";
static const char SQL_META_SET[] =
    "INSERT INTO search_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value";

static int
position_read(struct db *db, struct position *p, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_META);
	enum db_rc rc;

	memset(p, 0, sizeof(*p));
	if (st == NULL)
		return db_err(db, e, "search index");
	while ((rc = db_step(st)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		if (str_eq(k, "version"))
			p->version = db_col_int64(st, 1);
		else if (str_eq(k, "queue_xact"))
			p->xact = db_col_int64(st, 1), p->has = 1;
		else if (str_eq(k, "queue_id"))
			p->id = db_col_int64(st, 1);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "search index");
}

static int
meta_set(struct db *db, const char *key, int64_t value, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_META_SET);

	if (st == NULL)
		return db_err(db, e, "search index");
	db_bind_text(st, 1, key);
	db_bind_int64(st, 2, value);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "search index");
}

int64_t
search_pg_version(struct db *db)
{
	struct position p;
	struct err e;

	return position_read(db, &p, &e) == 0 ? p.version : -1;
}

/* A one-row, one-column query's value (-1 on error, with e set). */
static int64_t
scalar(struct db *db, const char *sql, int64_t arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t v;

	if (st == NULL)
		return db_err(db, e, "search index");
	db_bind_int64(st, 1, arg);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return db_err(db, e, "search index");
	}
	v = db_col_int64(st, 0);
	db_done(st);
	return v;
}

static const char SQL_TRY_LOCK[] = "SELECT pg_try_advisory_xact_lock(CAST($1 AS BIGINT))";
static const char SQL_LOCK[] = "SELECT 1 FROM pg_advisory_xact_lock(CAST($1 AS BIGINT))";
/* Every transaction older than this one has ended: its queue rows are all there. */
static const char SQL_HORIZON[] = "SELECT pg_snapshot_xmin(pg_current_snapshot())";

/* Builds the whole index inside the caller's transaction, which holds the lock. */
static int
build(struct db *db, search_progress_fn progress, void *ctx, struct err *e)
{
	struct ix x = { 0 };
	struct search_item *items = NULL;
	int64_t horizon;
	int n = 0, rc = -1;

	x.db = db;
	if ((x.tok = search_thread_tokenizer()) == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the search tokenizer (ICU)");
	/* The position first: a change not yet committed now is queued by a transaction at or
	 * after the horizon, which the catch-up reads after the build. */
	if ((horizon = scalar(db, SQL_HORIZON, 0, e)) < 0)
		return -1;
	if (progress)
		progress("collecting", 0, 0, ctx);
	if (search_items_collect(db, &items, &n, e) != 0)
		return -1;
	if (db_exec(db, "DELETE FROM search_bodies; DELETE FROM search_docs", e) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		if (x.a == NULL && (x.a = arena_new()) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		if (search_ix_thing(&x, items[i].kind, items[i].id, e) != 0)
			goto out;
		if ((i + 1) % BUILD_BATCH == 0 || i + 1 == n) {
			arena_free(x.a);
			x.a = NULL;
			if (progress)
				progress("indexing", i + 1, n, ctx);
		}
	}
	if (meta_set(db, "queue_xact", horizon, e) != 0 || meta_set(db, "queue_id", 0, e) != 0 ||
	    meta_set(db, "version", SEARCH_SCHEMA_VERSION, e) != 0)
		goto out;
	rc = 0;
out:
	arena_free(x.a);
	free(items);
	return rc;
}

/* New rows wait in the GIN index's pending list, which every search reads whole until it is
 * merged (by autovacuum, some time later): merged at the end of each batch instead. */
static const char SQL_GIN_CLEAN[] = "SELECT gin_clean_pending_list(CAST('search_docs_words' AS regclass))";

/* Merges the pending list; a store whose index this role does not own (only its owner may) is
 * left to autovacuum, without failing the batch. */
static void
gin_clean(struct db *db)
{
	struct err e;

	if (db_savepoint(db) != 0)
		return;
	if (scalar(db, SQL_GIN_CLEAN, 0, &e) < 0)
		db_savepoint_rollback(db);
	else
		db_savepoint_release(db);
}

static const char SQL_QUEUE[] =
    "SELECT id, thing, thing_id, xact FROM search_queue "
    "WHERE xact < pg_snapshot_xmin(pg_current_snapshot()) "
    "AND (xact, id) > (CAST($1 AS xid8), CAST($2 AS BIGINT)) ORDER BY xact, id LIMIT $3";
static const char SQL_PRUNE[] =
    "DELETE FROM search_queue WHERE (xact, id) <= (CAST($1 AS xid8), CAST($2 AS BIGINT))";

/* The queue rows after p, at most max, each thing once, indexed; p advanced past them. */
static int
apply_queue(struct db *db, int max, struct position *p, int *applied, struct err *e)
{
	struct ix x = { 0 };
	struct {
		int64_t id;
		char kind[16];
	} *q = NULL;
	struct db_stmt *st;
	enum db_rc r;
	int n = 0, rc = -1;

	x.db = db;
	if ((x.tok = search_thread_tokenizer()) == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the search tokenizer (ICU)");
	if ((q = calloc((size_t)max, sizeof(*q))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if ((st = db_prepare(db, SQL_QUEUE)) == NULL) {
		free(q);
		return db_err(db, e, "search queue");
	}
	db_bind_int64(st, 1, p->xact);
	db_bind_int64(st, 2, p->id);
	db_bind_int64(st, 3, max);
	while ((r = db_step(st)) == DB_ROW && *applied < max) {
		const char *kind = db_col_text(st, 1);
		int64_t id = db_col_int64(st, 2);
		int seen = 0;

		p->id = db_col_int64(st, 0);
		p->xact = db_col_int64(st, 3);
		for (int i = 0; i < n && !seen; i++)	/* one thing changed twice: indexed once */
			seen = q[i].id == id && str_eq(q[i].kind, kind);
		if (!seen && strlen(kind) < sizeof(q[n].kind)) {
			q[n].id = id;
			memcpy(q[n].kind, kind, strlen(kind) + 1);
			n++;
		}
		(*applied)++;
	}
	db_done(st);
	if (r != DB_ROW && r != DB_DONE) {
		db_err(db, e, "search queue");
		goto out;
	}
	if ((x.a = arena_new()) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (search_ix_thing(&x, q[i].kind, q[i].id, e) != 0)
			goto out;
	rc = 0;
out:
	arena_free(x.a);
	free(q);
	return rc;
}

int
search_pg_catch_up(struct db *db, int max, int *applied, struct err *e)
{
	struct position p;
	struct db_stmt *st;
	int64_t got;

	*applied = 0;
	if (db_begin(db) != 0)
		return db_err(db, e, "search index");
	/* Another server's indexer (or agora reindex) is at it: nothing to do here. */
	if ((got = scalar(db, SQL_TRY_LOCK, SEARCH_PG_LOCK, e)) <= 0) {
		db_rollback(db);
		return got < 0 ? -1 : 0;
	}
	if (position_read(db, &p, e) != 0)
		goto failed;
	if (!p.has || p.version != SEARCH_SCHEMA_VERSION) {
		/* Never built (the queue may not go back far enough), or by another version of the
		 * tokenizer or of what is indexed: built whole; searches see the old rows until the
		 * commit. */
		log_info("msg=\"search index %s: building it\"", p.has ? "of another version" : "never built");
		if (build(db, NULL, NULL, e) != 0)
			goto failed;
		*applied = 1;
	} else {
		int64_t from_xact = p.xact, from_id = p.id;
		if (apply_queue(db, max, &p, applied, e) != 0)
			goto failed;
		if (p.xact != from_xact || p.id != from_id) {
			/* The rows behind the position are of no more use: nobody else reads the
			 * queue on PostgreSQL (a rebuild takes the lock, then its own position). */
			if (meta_set(db, "queue_xact", p.xact, e) != 0 || meta_set(db, "queue_id", p.id, e) != 0 ||
			    (st = db_prepare(db, SQL_PRUNE)) == NULL)
				goto failed;
			db_bind_int64(st, 1, p.xact);
			db_bind_int64(st, 2, p.id);
			if (db_run(st) != DB_DONE) {
				db_err(db, e, "search queue");
				goto failed;
			}
		}
	}
	if (*applied > 0)
		gin_clean(db);
	if (db_commit(db) != 0) {
		db_err(db, e, "search index");
		db_rollback(db);
		*applied = 0;
		return -1;
	}
	return 0;
failed:
	db_rollback(db);
	*applied = 0;
	return -1;
}

int
search_pg_reindex(const char *db_url, search_progress_fn progress, void *ctx, struct err *e)
{
	struct db *db = NULL;
	int rc = -1;

	if (db_open(db_url, 0, &db, e) != 0)
		return -1;
	if (db_begin(db) != 0) {
		db_err(db, e, "search index");
		goto out;
	}
	/* Waits for a server's indexer to end its batch; the servers' indexers then wait for this
	 * transaction, and go on from the position it stores. */
	if (scalar(db, SQL_LOCK, SEARCH_PG_LOCK, e) < 0 || build(db, progress, ctx, e) != 0) {
		db_rollback(db);
		goto out;
	}
	if (db_commit(db) != 0) {
		db_err(db, e, "search index");
		db_rollback(db);
		goto out;
	}
	/* The old rows' space back, and fresh statistics for the planner. */
	if (progress)
		progress("optimizing", 0, 0, ctx);
	if (db_exec(db, "VACUUM (ANALYZE) search_docs, search_bodies", e) != 0)
		goto out;
	rc = 0;
out:
	db_close(db);
	return rc;
}
