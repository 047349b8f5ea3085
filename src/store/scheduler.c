/* scheduler.c: fires due events exactly once (events' UNIQUE key) and a thread that ticks. */
#include "scheduler.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "../util/thread.h"

static const char SQL_FIRE[] =
    "INSERT INTO events (kind, thing, thing_id, due_at, fired_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT DO NOTHING";

struct due {
	int64_t id, due_at;
	const struct sched_source *src;	/* for the log after commit */
};

struct pass {
	const struct sched_source *src;
	int nsrc;
	int64_t now;
	struct due *due;	/* the current source's due things */
	size_t ndue, cap;
	struct due *fired;
	size_t nfired, fired_cap;
};

static int
push(struct due **v, size_t *n, size_t *cap, struct due d)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct due *p = realloc(*v, c * sizeof(*p));
		if (p == NULL)
			return -1;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = d;
	return 0;
}

/* Reads source i's due things into p->due. The SELECT is finished before anything else runs:
 * cached statements must not be stepped while another is half-way. */
static int
collect_due(struct db *db, struct pass *p, const struct sched_source *s, struct err *e)
{
	struct db_stmt *st;
	enum db_rc rc;

	p->ndue = 0;
	if ((st = db_prepare(db, s->due_sql)) == NULL)
		return db_err(db, e, s->kind);
	db_bind_int64(st, 1, p->now);
	while ((rc = db_step(st)) == DB_ROW) {
		struct due d = { db_col_int64(st, 0), db_col_int64(st, 1), s };
		if (push(&p->due, &p->ndue, &p->cap, d) != 0) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, s->kind);
	return 0;
}

/* The writer closure: for each source in order, records each due thing's event and, the
 * first time only, applies it. Any failure rolls back the whole pass. */
static int
pass_fn(struct db *db, void *arg, struct err *e)
{
	struct pass *p = arg;
	struct db_stmt *st;

	p->now = clock_now();
	p->nfired = 0;
	for (int i = 0; i < p->nsrc; i++) {
		const struct sched_source *s = &p->src[i];

		if (collect_due(db, p, s, e) != 0)
			return -1;
		for (size_t k = 0; k < p->ndue; k++) {
			struct due *d = &p->due[k];

			if ((st = db_prepare(db, SQL_FIRE)) == NULL)
				return db_err(db, e, "fire event");
			db_bind_text(st, 1, s->kind);
			db_bind_text(st, 2, s->thing);
			db_bind_int64(st, 3, d->id);
			db_bind_int64(st, 4, d->due_at);
			db_bind_int64(st, 5, p->now);
			if (db_run(st) != DB_DONE)
				return db_err(db, e, "fire event");
			if (db_changes(db) != 1)
				continue;	/* fired before */
			if (s->apply(db, d->id, p->now, e) != 0) {
				if (e != NULL && e->kind == ERR_NONE)
					err_set(e, ERR_INTERNAL, "applying %s to %s %lld failed",
						s->kind, s->thing, (long long)d->id);
				return -1;
			}
			if (push(&p->fired, &p->nfired, &p->fired_cap, *d) != 0)
				return err_set(e, ERR_INTERNAL, "out of memory");
		}
	}
	return 0;
}

int
scheduler_run_due(struct writer *w, const struct sched_source *src, int nsrc, int *fired,
		  struct err *e)
{
	struct pass p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.src = src;
	p.nsrc = nsrc;
	*fired = 0;
	if ((rc = writer_run(w, pass_fn, &p, e)) == 0) {
		for (size_t k = 0; k < p.nfired; k++) {
			const struct due *d = &p.fired[k];
			log_info("msg=\"event fired\" kind=%s thing=%s id=%lld due_at=%lld now=%lld",
				 d->src->kind, d->src->thing, (long long)d->id,
				 (long long)d->due_at, (long long)p.now);
		}
		*fired = (int)p.nfired;
	}
	free(p.due);
	free(p.fired);
	return rc;
}

struct scheduler {
	struct writer *w;
	const struct sched_source *src;
	int nsrc;
	int64_t tick_ms;
	char *clock_file;	/* NULL when none */
	void (*tick)(void *);
	void *tick_ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* CLOCK_MONOTONIC */
	int stopping;
};

static void *
scheduler_main(void *arg)
{
	struct scheduler *s = arg;
	struct timespec deadline;
	struct err e;
	int fired;

	thread_name("agora-schedule");

	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		pthread_mutex_unlock(&s->lock);
		if (s->clock_file != NULL && clock_load_file(s->clock_file) != 0)
			log_debug("msg=\"test clock file unreadable\" path=%s", s->clock_file);
		err_clear(&e);
		if (scheduler_run_due(s->w, s->src, s->nsrc, &fired, &e) != 0)
			log_warn("msg=\"scheduler pass failed\" error=\"%s\"", e.msg);
		if (s->tick != NULL)
			s->tick(s->tick_ctx);
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += s->tick_ms / 1000;
		deadline.tv_nsec += (long)(s->tick_ms % 1000) * 1000000L;
		deadline.tv_sec += deadline.tv_nsec / 1000000000L;
		deadline.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&s->lock);
		while (!s->stopping &&
		       pthread_cond_timedwait(&s->wake, &s->lock, &deadline) == 0)
			;	/* woken early but not stopping: wait out the tick */
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Returns the running scheduler, or NULL (logged) when it cannot start. The sources, the
 * writer and tick_ctx must outlive it; clock_file is copied. */
struct scheduler *
scheduler_start(struct writer *w, const struct sched_source *src, int nsrc, int64_t tick_ms,
		const char *clock_file, void (*tick)(void *), void *tick_ctx)
{
	struct scheduler *s;
	pthread_condattr_t ca;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto fail;
	s->w = w;
	s->src = src;
	s->nsrc = nsrc;
	s->tick_ms = tick_ms > 0 ? tick_ms : 1000;
	s->tick = tick;
	s->tick_ctx = tick_ctx;
	if (clock_file != NULL && clock_file[0] != '\0' &&
	    (s->clock_file = strdup(clock_file)) == NULL)
		goto fail;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&s->thread, NULL, scheduler_main, s) != 0) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		goto fail;
	}
	return s;
fail:
	log_error("msg=\"cannot start the scheduler\"");
	if (s != NULL)
		free(s->clock_file);
	free(s);
	return NULL;
}

/* Stops the thread (waking it mid-tick), joins it and frees s. NULL is fine. */
void
scheduler_stop(struct scheduler *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s->clock_file);
	free(s);
}

int
scheduler_fire_due(struct db *db, const struct sched_source *src, int nsrc, int *fired,
		   struct err *e)
{
	struct pass p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.src = src;
	p.nsrc = nsrc;
	rc = pass_fn(db, &p, e);
	*fired = rc == 0 ? (int)p.nfired : 0;
	free(p.due);
	free(p.fired);
	return rc;
}
