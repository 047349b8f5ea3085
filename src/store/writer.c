/* writer.c: one writer thread, group commit with a savepoint per item. */
#include "writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/log.h"
#include "../util/thread.h"

struct item {
	write_fn fn;
	write_done_fn done;
	void *arg;
	int rc;
	struct err err;
};

struct writer {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t nonempty, room;
	struct item *ring;	/* queue_cap slots */
	size_t cap, head, count, batch_max;
	struct item *batch;	/* batch_max slots, writer thread only */
	int64_t delay_ms;
	int stopping, started;
	write_fn seal;
	void *seal_arg;
	struct writer_stats stats;
};

struct writer *
writer_new(struct db *db, size_t queue_cap, size_t batch_max, int64_t delay_ms)
{
	struct writer *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->ring = calloc(queue_cap, sizeof(*w->ring));
	w->batch = calloc(batch_max, sizeof(*w->batch));
	if (w->ring == NULL || w->batch == NULL) {
		free(w->ring);
		free(w->batch);
		free(w);
		return NULL;
	}
	w->db = db;
	w->cap = queue_cap;
	w->batch_max = batch_max;
	w->delay_ms = delay_ms;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->nonempty, NULL);
	pthread_cond_init(&w->room, NULL);
	return w;
}

static int
hist_bucket(size_t n)
{
	static const size_t limits[] = { 1, 4, 16, 64, 256, 1024, 4096 };

	for (int i = 0; i < 7; i++)
		if (n <= limits[i])
			return i;
	return 7;
}

/* PostgreSQL: the batch's lock (WRITER_PG_LOCK_KEY), taken before its first item. Taken later
 * (at the seal only, as the log alone would need), the items of two servers' batches lock rows
 * in no common order — a round's row for its count of responses, the campaign position — and
 * PostgreSQL breaks the deadlocks by failing an item: measured, 3 submissions in 200 answered
 * 503. One lock, first, cannot deadlock: a batch that waits for it holds nothing. */
static const char SQL_BATCH_LOCK[] = "SELECT pg_advisory_xact_lock(CAST($1 AS BIGINT))";

static int
lock_batch(struct db *db)
{
	struct db_stmt *st = db_prepare(db, SQL_BATCH_LOCK);

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, WRITER_PG_LOCK_KEY);
	return db_run(st) == DB_DONE ? 0 : -1;
}

/* PostgreSQL: one more on the change counter when a statement of this batch wrote a table
 * the public pages are made of (the triggers of sql/postgres/0021_schema.sql mark the
 * transaction). Last before the commit, so the counter's row is locked for the commit only;
 * other servers' page caches see the new value with the data (page_cache.c). */
static const char SQL_CHANGES_BUMP[] =
    "UPDATE changes SET n = n + 1 WHERE id = 1 AND current_setting('agora.changed', true) = '1'";

static int
bump_changes(struct db *db)
{
	struct db_stmt *st = db_prepare(db, SQL_CHANGES_BUMP);

	return st != NULL && db_run(st) == DB_DONE ? 0 : -1;
}

/* PostgreSQL: the batch's changes to the counts of published responses, summed per round and
 * applied to its row once (sql/postgres/0022_published_deltas.sql), before the change counter.
 * Two statements, the UPDATE only when there is a change: a statement on consultations marks the
 * transaction changed even when it updates no row, and every page cache would start again. */
static const char SQL_COUNTS_TAKE[] =
    "WITH d AS (DELETE FROM published_deltas RETURNING consultation_id, n) "
    "SELECT consultation_id, SUM(n) FROM d GROUP BY consultation_id HAVING SUM(n) <> 0 ORDER BY consultation_id";
static const char SQL_COUNTS_ADD[] =
    "UPDATE consultations SET published_responses = published_responses + $2 WHERE id = $1";

static int
apply_counts(struct db *db)
{
	struct db_stmt *st = db_prepare(db, SQL_COUNTS_TAKE);
	int64_t (*d)[2] = NULL, (*grown)[2];
	size_t n = 0, cap = 0;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			if ((grown = realloc(d, cap * sizeof(*d))) == NULL) {
				db_done(st);
				free(d);
				return -1;
			}
			d = grown;
		}
		d[n][0] = db_col_int64(st, 0);
		d[n][1] = db_col_int64(st, 1);
		n++;
	}
	db_done(st);
	for (size_t i = 0; rc == DB_DONE && i < n; i++) {
		if ((st = db_prepare(db, SQL_COUNTS_ADD)) == NULL) {
			rc = DB_ERROR;
			break;
		}
		db_bind_int64(st, 1, d[i][0]);
		db_bind_int64(st, 2, d[i][1]);
		if (db_run(st) != DB_DONE)
			rc = DB_ERROR;
	}
	free(d);
	return rc == DB_DONE ? 0 : -1;
}

/* After a failed item: when the database ended the whole transaction (SQLite does, after a disk
 * I/O error or a full disk), every item of the batch fails with that item's error, those that
 * had worked too: their writes are gone with it. Returns 1 then, 0 when the batch goes on. */
static int
batch_lost(struct writer *w, size_t n, const struct err *e)
{
	struct err why;

	if (db_in_transaction(w->db))
		return 0;
	why = *e;	/* e may be one of the items' */
	log_error("msg=\"the transaction was rolled back by the database, batch failed\" items=%zu error=\"%s\"",
		  n, why.msg);
	db_rollback(w->db);
	for (size_t i = 0; i < n; i++) {
		w->batch[i].rc = -1;
		w->batch[i].err = why;
	}
	return 1;
}

static void
run_batch(struct writer *w, size_t n)
{
	int commit_ok = 0;
	size_t failed = 0;

	if (db_begin(w->db) != 0 || (db_is_postgres(w->db) && lock_batch(w->db) != 0)) {
		struct err be;
		db_err(w->db, &be, "begin");
		if (db_is_postgres(w->db))
			db_rollback(w->db);
		for (size_t i = 0; i < n; i++) {
			w->batch[i].rc = -1;
			w->batch[i].err = be;
		}
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		struct item *it = &w->batch[i];
		err_clear(&it->err);
		if (db_savepoint(w->db) != 0) {
			it->rc = db_err(w->db, &it->err, "savepoint");
			failed++;
			if (batch_lost(w, n, &it->err)) {
				failed = n;
				goto done;
			}
			continue;
		}
		it->rc = it->fn(w->db, it->arg, &it->err);
		if (it->rc != 0) {
			if (it->err.kind == ERR_NONE)
				err_set(&it->err, ERR_INTERNAL, "the write failed");
			failed++;
			if (batch_lost(w, n, &it->err)) {
				failed = n;
				goto done;
			}
			db_savepoint_rollback(w->db);
		} else if (db_savepoint_release(w->db) != 0) {
			/* A statement failed and the closure went on as if not: PostgreSQL has aborted
			 * the transaction, and only going back to the savepoint saves the others. */
			it->rc = db_err(w->db, &it->err, "release");
			log_error("msg=\"a write failed without saying so\" error=\"%s\"", it->err.msg);
			failed++;
			if (batch_lost(w, n, &it->err)) {
				failed = n;
				goto done;
			}
			db_savepoint_rollback(w->db);
		}
	}
	if (w->seal != NULL && failed < n) {
		struct err se;
		err_clear(&se);
		if (w->seal(w->db, w->seal_arg, &se) != 0) {
			if (se.kind == ERR_NONE)
				err_set(&se, ERR_INTERNAL, "the public log could not be sealed");
			log_error("msg=\"log seal failed, batch rolled back\" items=%zu error=\"%s\"", n, se.msg);
			db_rollback(w->db);
			for (size_t i = 0; i < n; i++)
				if (w->batch[i].rc == 0) {
					w->batch[i].rc = -1;
					w->batch[i].err = se;
				}
			goto done;
		}
	}
	if (db_is_postgres(w->db) && failed < n && (apply_counts(w->db) != 0 || bump_changes(w->db) != 0)) {
		struct err be;
		db_err(w->db, &be, "counts");
		log_error("msg=\"counts or change counter failed, batch rolled back\" items=%zu error=\"%s\"", n, be.msg);
		db_rollback(w->db);
		for (size_t i = 0; i < n; i++)
			if (w->batch[i].rc == 0) {
				w->batch[i].rc = -1;
				w->batch[i].err = be;
			}
		goto done;
	}
	if (w->delay_ms > 0) {
		struct timespec ts = { w->delay_ms / 1000, (w->delay_ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
	commit_ok = db_commit(w->db) == 0;
	if (!commit_ok) {
		struct err ce;
		db_err(w->db, &ce, "commit");
		log_error("msg=\"commit failed\" items=%zu error=\"%s\"", n, ce.msg);
		db_rollback(w->db);
		for (size_t i = 0; i < n; i++)
			if (w->batch[i].rc == 0) {
				w->batch[i].rc = -1;
				w->batch[i].err = ce;
			}
	}
done:
	pthread_mutex_lock(&w->lock);
	w->stats.items += n;
	w->stats.batches++;
	w->stats.failed_items += failed;
	w->stats.failed_commits += !commit_ok;
	w->stats.last_batch = n;
	w->stats.batch_hist[hist_bucket(n)]++;
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < n; i++)
		if (w->batch[i].done != NULL)
			w->batch[i].done(w->batch[i].arg, w->batch[i].rc, &w->batch[i].err);
}

static void *
writer_main(void *p)
{
	struct writer *w = p;

	thread_name("agora-writer");

	for (;;) {
		size_t n = 0;

		pthread_mutex_lock(&w->lock);
		while (w->count == 0 && !w->stopping)
			pthread_cond_wait(&w->nonempty, &w->lock);
		if (w->count == 0 && w->stopping) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		while (w->count > 0 && n < w->batch_max) {
			w->batch[n++] = w->ring[w->head];
			w->head = (w->head + 1) % w->cap;
			w->count--;
		}
		pthread_cond_broadcast(&w->room);
		pthread_mutex_unlock(&w->lock);
		run_batch(w, n);
	}
	return NULL;
}

int
writer_start(struct writer *w, struct err *e)
{
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0)
		return err_set(e, ERR_INTERNAL, "cannot start the writer thread");
	w->started = 1;
	return 0;
}

static int
enqueue_locked(struct writer *w, write_fn fn, write_done_fn done, void *arg)
{
	struct item *it = &w->ring[(w->head + w->count) % w->cap];

	memset(it, 0, sizeof(*it));
	it->fn = fn;
	it->done = done;
	it->arg = arg;
	w->count++;
	pthread_cond_signal(&w->nonempty);
	return 0;
}

int
writer_submit(struct writer *w, write_fn fn, write_done_fn done, void *arg, struct err *e)
{
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	if (w->stopping)
		rc = err_set(e, ERR_BUSY, "the server is shutting down");
	else if (w->count == w->cap)
		rc = err_set(e, ERR_BUSY, "too many writes are waiting; try again shortly");
	else
		enqueue_locked(w, fn, done, arg);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int
writer_submit_spare(struct writer *w, write_fn fn, write_done_fn done, void *arg, struct err *e)
{
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	if (w->stopping || w->count >= w->cap / 2)
		rc = err_set(e, ERR_BUSY, "no room to spare in the writer's queue");
	else
		enqueue_locked(w, fn, done, arg);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int finished, rc;
	struct err err;
	write_fn fn;
	void *arg;
};

static int
waiter_fn(struct db *db, void *p, struct err *e)
{
	struct waiter *wt = p;

	return wt->fn(db, wt->arg, e);
}

static void
waiter_done(void *p, int rc, const struct err *e)
{
	struct waiter *wt = p;

	pthread_mutex_lock(&wt->lock);
	wt->finished = 1;
	wt->rc = rc;
	if (e != NULL)
		wt->err = *e;
	pthread_cond_signal(&wt->cond);
	pthread_mutex_unlock(&wt->lock);
}

int
writer_run(struct writer *w, write_fn fn, void *arg, struct err *e)
{
	struct waiter wt;

	memset(&wt, 0, sizeof(wt));
	pthread_mutex_init(&wt.lock, NULL);
	pthread_cond_init(&wt.cond, NULL);
	wt.fn = fn;
	wt.arg = arg;
	pthread_mutex_lock(&w->lock);
	while (w->count == w->cap && !w->stopping)
		pthread_cond_wait(&w->room, &w->lock);
	if (w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return err_set(e, ERR_BUSY, "the server is shutting down");
	}
	enqueue_locked(w, waiter_fn, waiter_done, &wt);
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_lock(&wt.lock);
	while (!wt.finished)
		pthread_cond_wait(&wt.cond, &wt.lock);
	pthread_mutex_unlock(&wt.lock);
	pthread_mutex_destroy(&wt.lock);
	pthread_cond_destroy(&wt.cond);
	if (wt.rc != 0 && e != NULL)
		*e = wt.err;
	return wt.rc;
}

void
writer_stop(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_broadcast(&w->nonempty);
	pthread_cond_broadcast(&w->room);
	pthread_mutex_unlock(&w->lock);
	if (w->started) {
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	writer_stop(w);
	db_close(w->db);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->nonempty);
	pthread_cond_destroy(&w->room);
	free(w->ring);
	free(w->batch);
	free(w);
}

void
writer_set_seal(struct writer *w, write_fn seal, void *arg)
{
	w->seal = seal;
	w->seal_arg = arg;
}

void
writer_get_stats(struct writer *w, struct writer_stats *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->stats;
	out->depth = w->count;
	pthread_mutex_unlock(&w->lock);
}

int
writer_busy(struct writer *w)
{
	int busy;

	pthread_mutex_lock(&w->lock);
	busy = w->count > 0 || w->stats.last_batch > 1;
	pthread_mutex_unlock(&w->lock);
	return busy;
}
