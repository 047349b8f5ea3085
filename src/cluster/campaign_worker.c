/* campaign_worker.c: the background worker of incremental clustering: it reads the campaign
 * queue on its own read connection, signs each batch at low priority, and clusters it inside one
 * writer closure (campaign.c); on PostgreSQL with several servers, the queue's position is taken
 * under a lock and read only up to a horizon of final ids. */
#include "campaign.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/db.h"
#include "../store/writer.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/thread.h"
#include "campaign_int.h"
#include "minhash.h"

/* The worker's closure: one batch of queue rows. */
struct batch {
	struct cluster_ctx *c;
	int64_t from, ids[BATCH], responses[BATCH];
	int n;
};

static const char SQL_POSITION[] = "SELECT position FROM campaign_params WHERE id = 1";
static const char SQL_POSITION_SET[] = "UPDATE campaign_params SET position = $1 WHERE id = 1";
static const char SQL_PRUNE[] =
    "DELETE FROM campaign_queue WHERE id <= $1 AND id <= COALESCE((SELECT floor FROM campaign_params "
    "WHERE id = 1), $1)";
static const char SQL_QUEUE[] = "SELECT id, response_id FROM campaign_queue WHERE id > $1 ORDER BY id LIMIT $2";
/* PostgreSQL, several servers (docs/LEDGER.md, "Several servers on one PostgreSQL database").
 * The position is read locked in the writer's closure, so two servers never cluster the same
 * rows: the second waits for the first's commit and then finds the position moved. And the
 * queue is read only up to a horizon below which every id is final: an identity value is drawn
 * at INSERT, not at COMMIT, so a row committed later may have a smaller id than one already read,
 * and moving the position past it would skip it for good. */
static const char SQL_POSITION_LOCK[] =
    "SELECT position FROM campaign_params WHERE id = 1 FOR UPDATE";
static const char SQL_QUEUE_PG[] =
    "SELECT id, response_id FROM campaign_queue WHERE id > $1 AND id <= $3 ORDER BY id LIMIT $2";
static const char SQL_SEQ_LAST[] =
    "SELECT COALESCE(pg_sequence_last_value(CAST(pg_get_serial_sequence('campaign_queue', 'id') "
    "AS regclass)), 0)";
static const char SQL_SNAPSHOT[] =
    "SELECT CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT), "
    "CAST(pg_snapshot_xmax(pg_current_snapshot()) AS TEXT)";

/* The queue position, or -1 when nothing was ever built; with lock (PostgreSQL, in a write) the
 * row stays locked to the commit. */
static int64_t
position_read(struct db *db, int lock, struct err *e)
{
	struct db_stmt *st = db_prepare(db, lock ? SQL_POSITION_LOCK : SQL_POSITION);
	int64_t pos = -1;
	int rc;

	if (st == NULL)
		return db_err(db, e, "campaigns"), -2;
	rc = db_step(st);
	if (rc == DB_ROW)
		pos = db_col_int64(st, 0);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? pos : (db_err(db, e, "campaigns"), -2);
}

static int64_t
position_get(struct db *db, struct err *e)
{
	return position_read(db, 0, e);
}

/* A first int64 column of a one-row SELECT (and the second in *two), -1 on failure. */
static int64_t
select_int(struct db *db, const char *sql, int64_t *two, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t v = -1;

	if (st == NULL)
		return db_err(db, e, "campaigns"), -1;
	if (db_step(st) == DB_ROW) {
		v = db_col_int64(st, 0);
		if (two != NULL)
			*two = db_col_int64(st, 1);
	} else {
		db_err(db, e, "campaigns");
	}
	db_done(st);
	return v;
}

/* The horizon on PostgreSQL: ids up to h->final are final. A candidate is the queue sequence's
 * last value L, then the snapshot's xmax (every transaction that had drawn an id up to L then
 * had an xid below xmax: the queue's rows are written by triggers, after their transaction's
 * first write); once a later snapshot's xmin has passed that xmax, all of them have committed
 * or rolled back, and L is final. */
struct horizon {
	int64_t final, cand_last, cand_xmax;
	int have_cand;
};

static int
horizon_advance(struct db *db, struct horizon *h, struct err *e)
{
	int64_t last, xmin, xmax = -1;

	if ((last = select_int(db, SQL_SEQ_LAST, NULL, e)) < 0 ||
	    (xmin = select_int(db, SQL_SNAPSHOT, &xmax, e)) < 0)
		return -1;
	if (h->have_cand && xmin >= h->cand_xmax) {
		h->final = h->cand_last;
		h->have_cand = 0;
	}
	if (!h->have_cand) {
		h->cand_last = last;
		h->cand_xmax = xmax;
		h->have_cand = 1;
	}
	return 0;
}

static int
batch_fn(struct db *db, void *arg, struct err *e)
{
	struct batch *b = arg;
	int64_t pos = position_read(db, db_is_postgres(db), e);

	/* A rebuild (or another server) moved the position since the batch was read: read it again. */
	if (pos < -1)
		return -1;
	if (pos != b->from) {
		b->n = 0;
		return 0;
	}
	b->c->now = clock_now();
	b->c->ntouched = 0;
	for (int i = 0; i < b->n; i++) {
		int seen = 0;
		for (int k = i + 1; k < b->n; k++)
			seen |= b->responses[k] == b->responses[i];	/* once, at its last row */
		if (!seen && campaign_cluster_one(db, b->c, b->responses[i], e) != 0)
			return -1;
	}
	return campaign_touches_apply(db, b->c, e) == 0 && campaign_run1(db, SQL_POSITION_SET, b->ids[b->n - 1], 0, 1, e) == 0 &&
	    campaign_run1(db, SQL_PRUNE, b->ids[b->n - 1], 0, 1, e) == 0 ? 0 : -1;
}

static const char SQL_PARAMS[] = "SELECT threshold, rows, bands FROM campaign_params WHERE id = 1";

/* Are the buckets built, and for this threshold's banding? */
static int
params_current(struct db *db, const struct cluster_ctx *c)
{
	struct db_stmt *st = db_prepare(db, SQL_PARAMS);
	int ok = 0;

	if (st != NULL && db_step(st) == DB_ROW)
		ok = db_col_int64(st, 0) == c->pct && db_col_int64(st, 1) == c->bands.rows &&
		     db_col_int64(st, 2) == c->bands.bands;
	if (st != NULL)
		db_done(st);
	return ok;
}

struct campaign_worker {
	char db_url[600];
	struct writer *w;
	struct cluster_ctx c;
	int interval_ms;
	struct horizon horizon;	/* PostgreSQL */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, kicked;
};

static int
stopping(struct campaign_worker *cw)
{
	int s;

	pthread_mutex_lock(&cw->lock);
	s = cw->stop;
	pthread_mutex_unlock(&cw->lock);
	return s;
}

/* Reads one batch on db and clusters it through the writer. Returns the rows done, or -1. */
static int
catch_up_once(struct campaign_worker *cw, struct db *db, struct err *e)
{
	struct batch b = { .c = &cw->c };
	int pg = db_is_postgres(db);
	struct db_stmt *st;
	int rc;

	if (pg && horizon_advance(db, &cw->horizon, e) != 0)
		return -1;
	if ((b.from = position_get(db, e)) < -1)
		return -1;
	if ((st = db_prepare(db, pg ? SQL_QUEUE_PG : SQL_QUEUE)) == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, b.from);
	db_bind_int64(st, 2, BATCH);
	if (pg)
		db_bind_int64(st, 3, cw->horizon.final);
	while ((rc = db_step(st)) == DB_ROW && b.n < BATCH) {
		b.ids[b.n] = db_col_int64(st, 0);
		b.responses[b.n++] = db_col_int64(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "campaigns");
	if (b.n == 0)
		return 0;
	/* Sign the batch here, on the read connection and at this thread's low priority: the
	 * closure then finds each signature in the cache (the same version) and the writer, which
	 * every submission waits for, only reads and writes rows. A response changed in between
	 * is signed again in the closure; a failure here only leaves the work to it. */
	for (int i = 0; i < b.n; i++) {
		struct minhash_sig sig;
		int64_t round;
		int pub;
		struct err ignored;
		if (cw->c.cache == NULL || campaign_sign_response(db, &cw->c, b.responses[i], &pub, &round, &sig, &ignored) != 0)
			break;
	}
	if (writer_run(cw->w, batch_fn, &b, e) != 0)
		return -1;
	return b.n;
}

static void *
worker_main(void *arg)
{
	struct campaign_worker *cw = arg;
	struct db *db = NULL;
	int built = 0;
	struct err e;

	thread_name("agora-campaign");

	for (;;) {
		pthread_mutex_lock(&cw->lock);
		if (!cw->stop && !cw->kicked) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(cw->interval_ms % 1000) * 1000000L;
			ts.tv_sec += cw->interval_ms / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&cw->cond, &cw->lock, &ts);
		}
		cw->kicked = 0;
		if (cw->stop) {
			pthread_mutex_unlock(&cw->lock);
			break;
		}
		pthread_mutex_unlock(&cw->lock);
		if (db == NULL && db_open(cw->db_url, DB_READONLY, &db, &e) != 0) {
			log_error("msg=\"campaigns\" error=\"%s\"", e.msg);
			db = NULL;
			continue;
		}
		if (!built) {
			if (!params_current(db, &cw->c)) {
				struct campaign_rebuild_stats s;
				log_info("msg=\"campaigns: building the index (first start, or a new threshold)\" threshold=%d",
					 cw->c.pct);
				if (campaign_rebuild(cw->db_url, cw->w, cw->c.pct, 0, 1, NULL, NULL, &s, &e) != 0) {
					log_error("msg=\"campaigns: rebuild failed\" error=\"%s\"", e.msg);
					continue;
				}
				log_info("msg=\"campaigns built\" responses=%lld campaigns=%lld",
					 (long long)s.responses, (long long)s.campaigns);
			}
			built = 1;
			thread_background();	/* built: from now on, clustering yields the CPU (once) */
		}
		/* Until the queue is empty; but while others write (a surge of submissions), one
		 * batch a tick: clustering waits, the writer's time goes to what people wait for. */
		for (int n = 1; n > 0 && !stopping(cw);) {
			if ((n = catch_up_once(cw, db, &e)) < 0)
				log_error("msg=\"campaigns: clustering failed\" error=\"%s\"", e.msg);
			if (n > 0 && writer_busy(cw->w))
				break;
		}
	}
	db_close(db);
	return NULL;
}

struct campaign_worker *
campaign_worker_start(const char *db_url, struct writer *w, int threshold_pct, int interval_ms, struct err *e)
{
	struct campaign_worker *cw = calloc(1, sizeof(*cw));

	if (cw == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (strlen(db_url) >= sizeof(cw->db_url)) {
		free(cw);
		err_set(e, ERR_INVALID, "the data folder's path is too long");
		return NULL;
	}
	if ((cw->c.mh = minhash_new(e)) == NULL) {
		free(cw);
		return NULL;
	}
	cw->c.cache = calloc(CACHE_SLOTS, sizeof(*cw->c.cache));	/* NULL: works without */
	memcpy(cw->db_url, db_url, strlen(db_url) + 1);
	cw->w = w;
	cw->c.pct = threshold_pct;
	minhash_bands_for(threshold_pct / 100.0, &cw->c.bands);
	cw->interval_ms = interval_ms > 0 ? interval_ms : 250;
	cw->kicked = 1;
	pthread_mutex_init(&cw->lock, NULL);
	pthread_cond_init(&cw->cond, NULL);
	if (pthread_create(&cw->thread, NULL, worker_main, cw) != 0) {
		pthread_mutex_destroy(&cw->lock);
		pthread_cond_destroy(&cw->cond);
		minhash_free(cw->c.mh);
		free(cw->c.cache);
		free(cw);
		err_set(e, ERR_INTERNAL, "cannot start the campaign worker");
		return NULL;
	}
	return cw;
}

void
campaign_worker_kick(struct campaign_worker *cw)
{
	if (cw == NULL)
		return;
	pthread_mutex_lock(&cw->lock);
	cw->kicked = 1;
	pthread_cond_signal(&cw->cond);
	pthread_mutex_unlock(&cw->lock);
}

void
campaign_worker_stop(struct campaign_worker *cw)
{
	if (cw == NULL)
		return;
	pthread_mutex_lock(&cw->lock);
	cw->stop = 1;
	pthread_cond_signal(&cw->cond);
	pthread_mutex_unlock(&cw->lock);
	pthread_join(cw->thread, NULL);
	pthread_mutex_destroy(&cw->lock);
	pthread_cond_destroy(&cw->cond);
	minhash_free(cw->c.mh);
	free(cw->c.cache);
	free(cw);
}
