/* jobs.c: durable background jobs: claim through the writer, run on a worker, retry with backoff. */
#include "jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "../util/thread.h"

#define JOBS_IDLE_MS 500
#define JOBS_BACKOFF_MAX_S 3600

struct jobs {
	struct writer *w;
	const struct job_kind *kinds;
	int nkinds, nthreads, nstarted;
	void *ctx;
	pthread_t *threads;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* CLOCK_MONOTONIC */
	unsigned long kicks;	/* bumped by jobs_kick, so no wake-up is lost */
	int stopping;
	int recoverer;	/* a worker looks for the jobs of stopped servers (PostgreSQL) */
	char read_url[600];	/* workers look here before asking the writer */
};

/* A claimed job; kind and payload are malloc'd copies. */
struct claim {
	int found;
	int64_t id, attempts, now;
	char *kind, *payload;
};

/* How a run ended, for the closure that records it. */
struct outcome {
	const struct claim *c;
	int ok, permanent;
	const char *error;
	int64_t now;
};

static const char SQL_ENQUEUE[] =
    "INSERT INTO jobs (kind, payload, run_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)";
static const char SQL_PENDING[] =
    "SELECT COUNT(*) FROM jobs WHERE state IN ('pending', 'running')";
static const char SQL_RECOVER[] =
    "UPDATE jobs SET state = 'pending', updated_at = $1 WHERE state = 'running'";
static const char SQL_DUE[] =
    "SELECT id, kind, payload, attempts FROM jobs WHERE state = 'pending' AND run_at <= $1 "
    "ORDER BY run_at, id LIMIT 1";
static const char SQL_CLAIM[] =
    "UPDATE jobs SET state = 'running', updated_at = $2 WHERE id = $1 AND state = 'pending'";
/* PostgreSQL, where several servers claim from one table (docs/LEDGER.md, "Several servers on
 * one PostgreSQL database").
 * A claim skips the jobs another server's batch has locked and is claiming now, instead of
 * waiting for that batch and then finding the job taken; it names the claiming connection, and
 * only jobs whose connection is gone (its server stopped or crashed) are put back. */
static const char SQL_RECOVER_PG[] =
    "UPDATE jobs SET state = 'pending', updated_at = $1 WHERE state = 'running' "
    "AND NOT agora_backend_alive(claimed_by)";
static const char SQL_DUE_PG[] =
    "SELECT id, kind, payload, attempts FROM jobs WHERE state = 'pending' AND run_at <= $1 "
    "ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
static const char SQL_CLAIM_PG[] =
    "UPDATE jobs SET state = 'running', updated_at = $2, claimed_by = agora_backend_tag() "
    "WHERE id = $1 AND state = 'pending'";
/* How often a PostgreSQL server looks for the jobs of a server that is gone. */
#define JOBS_RECOVER_MS 60000
static const char SQL_DONE[] =
    "UPDATE jobs SET state = 'done', last_error = '', updated_at = $2 WHERE id = $1";
static const char SQL_RETRY[] =
    "UPDATE jobs SET attempts = attempts + 1, last_error = $2, run_at = $3, updated_at = $4, "
    "state = CASE WHEN attempts + 1 >= max_attempts OR $5 = 1 THEN 'failed' ELSE 'pending' END "
    "WHERE id = $1";

int
jobs_enqueue(struct db *db, const char *kind, const char *payload, int64_t run_at, struct err *e)
{
	struct db_stmt *st;

	if ((st = db_prepare(db, SQL_ENQUEUE)) == NULL)
		return db_err(db, e, "enqueue job");
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, payload ? payload : "");
	db_bind_int64(st, 3, run_at);
	db_bind_int64(st, 4, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "enqueue job");
	return 0;
}

int64_t
jobs_pending_count(struct db *db)
{
	struct db_stmt *st;
	int64_t n = -1;

	if ((st = db_prepare(db, SQL_PENDING)) == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

struct jobs *
jobs_new(struct writer *w, const struct job_kind *kinds, int nkinds, int nthreads, void *ctx)
{
	struct jobs *j;
	pthread_condattr_t ca;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	if (nthreads > 0 && (j->threads = calloc((size_t)nthreads, sizeof(*j->threads))) == NULL) {
		free(j);
		return NULL;
	}
	j->w = w;
	j->kinds = kinds;
	j->nkinds = nkinds;
	j->nthreads = nthreads;
	j->ctx = ctx;
	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->wake, &ca);
	pthread_condattr_destroy(&ca);
	return j;
}

/* What recover_fn is asked and answers. */
struct recovery {
	int at_start;	/* SQLite: only then, when no job of this process can be running */
	int count;
};

/* Puts back the jobs left 'running' by a server that is gone. On SQLite the data folder has
 * one server, so at its start every running job is one a crash left; on PostgreSQL only the
 * jobs whose claiming connection is gone are. */
static int
recover_fn(struct db *db, void *arg, struct err *e)
{
	struct recovery *rv = arg;
	int pg = db_is_postgres(db);
	struct db_stmt *st;

	rv->count = 0;
	if (!pg && !rv->at_start)
		return 0;
	if ((st = db_prepare(db, pg ? SQL_RECOVER_PG : SQL_RECOVER)) == NULL)
		return db_err(db, e, "recover jobs");
	db_bind_int64(st, 1, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "recover jobs");
	rv->count = db_changes(db);
	return 0;
}

/* Claims the oldest due pending job: copies it into the claim and marks it running. */
static int
claim_fn(struct db *db, void *arg, struct err *e)
{
	struct claim *c = arg;
	int pg = db_is_postgres(db);
	struct db_stmt *st;
	enum db_rc rc;

	if ((st = db_prepare(db, pg ? SQL_DUE_PG : SQL_DUE)) == NULL)
		return db_err(db, e, "claim job");
	db_bind_int64(st, 1, c->now);
	rc = db_step(st);
	if (rc == DB_ROW) {
		c->id = db_col_int64(st, 0);
		c->kind = strdup(db_col_text(st, 1));
		c->payload = strdup(db_col_text(st, 2));
		c->attempts = db_col_int64(st, 3);
	}
	db_done(st);
	if (rc == DB_DONE)
		return 0;
	if (rc != DB_ROW)
		return db_err(db, e, "claim job");
	if (c->kind == NULL || c->payload == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if ((st = db_prepare(db, pg ? SQL_CLAIM_PG : SQL_CLAIM)) == NULL)
		return db_err(db, e, "claim job");
	db_bind_int64(st, 1, c->id);
	db_bind_int64(st, 2, c->now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "claim job");
	/* Taken by nobody else: the row was locked (PostgreSQL) or the writer is alone (SQLite);
	 * the count says so rather than assuming it. */
	c->found = db_changes(db) == 1;
	return 0;
}

/* Seconds to wait before the next try of a job that has now failed `attempts` times. */
static int64_t
backoff_s(int64_t attempts)
{
	int64_t s;

	if (attempts >= 12)	/* 2^12 > an hour */
		return JOBS_BACKOFF_MAX_S;
	s = (int64_t)1 << (attempts < 0 ? 0 : attempts);
	return s < JOBS_BACKOFF_MAX_S ? s : JOBS_BACKOFF_MAX_S;
}

static int
record_fn(struct db *db, void *arg, struct err *e)
{
	struct outcome *o = arg;
	struct db_stmt *st;

	if (o->ok) {
		if ((st = db_prepare(db, SQL_DONE)) == NULL)
			return db_err(db, e, "finish job");
		db_bind_int64(st, 1, o->c->id);
		db_bind_int64(st, 2, o->now);
	} else {
		if ((st = db_prepare(db, SQL_RETRY)) == NULL)
			return db_err(db, e, "retry job");
		db_bind_int64(st, 1, o->c->id);
		db_bind_text(st, 2, o->error);
		db_bind_int64(st, 3, o->now + backoff_s(o->c->attempts + 1));
		db_bind_int64(st, 4, o->now);
		db_bind_int64(st, 5, o->permanent);
	}
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "record job result");
	return 0;
}

static const struct job_kind *
kind_find(const struct jobs *j, const char *name)
{
	for (int i = 0; i < j->nkinds; i++)
		if (strcmp(j->kinds[i].name, name) == 0)
			return &j->kinds[i];
	return NULL;
}

/* Claims one due job, runs it and records the result.
 * Returns 1 when a job ran (whether it succeeded or not), 0 when none was due, -1 on error. */
static int
run_one(struct jobs *j, struct err *e)
{
	struct claim c;
	struct outcome o;
	struct err je;
	const struct job_kind *k;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	err_clear(&je);
	c.now = clock_now();
	if (writer_run(j->w, claim_fn, &c, e) != 0)
		goto out;
	if (!c.found) {
		rc = 0;
		goto out;
	}
	o.c = &c;
	if ((k = kind_find(j, c.kind)) == NULL) {
		err_set(&je, ERR_INTERNAL, "unknown job kind '%s'", c.kind);
		o.permanent = 1;
	} else if (k->run(j->ctx, c.payload, &je) == 0) {
		o.ok = 1;
	} else if (je.kind == ERR_NONE) {
		err_set(&je, ERR_INTERNAL, "the job failed without saying why");
	}
	o.error = je.msg;
	o.now = clock_now();
	if (o.ok)
		log_debug("msg=\"job done\" id=%lld kind=%s", (long long)c.id, c.kind);
	else
		log_warn("msg=\"job failed\" id=%lld kind=%s attempt=%lld error=\"%s\"", (long long)c.id,
			 c.kind, (long long)c.attempts + 1, je.msg);
	if (writer_run(j->w, record_fn, &o, e) != 0) {
		/* The row stays 'running'; the next jobs_start puts it back. */
		log_error("msg=\"cannot record a job result\" id=%lld error=\"%s\"", (long long)c.id,
			  e ? e->msg : "");
		goto out;
	}
	rc = 1;
out:
	free(c.kind);
	free(c.payload);
	return rc;
}

int
jobs_run_due(struct jobs *j, struct err *e)
{
	int n = 0, rc;

	while ((rc = run_one(j, e)) == 1)
		n++;
	return rc < 0 ? -1 : n;
}

/* Returns whether jobs_stop was called; *kicks gets the kick count, read under the same lock. */
static int
stopping(struct jobs *j, unsigned long *kicks)
{
	int s;

	pthread_mutex_lock(&j->lock);
	s = j->stopping;
	*kicks = j->kicks;
	pthread_mutex_unlock(&j->lock);
	return s;
}

/* Waits up to JOBS_IDLE_MS unless a kick or a stop came since `seen` was read. */
static void
idle_wait(struct jobs *j, unsigned long seen)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)JOBS_IDLE_MS * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&j->lock);
	if (!j->stopping && j->kicks == seen)
		pthread_cond_timedwait(&j->wake, &j->lock, &ts);
	pthread_mutex_unlock(&j->lock);
}

void
jobs_set_read_url(struct jobs *j, const char *url)
{
	snprintf(j->read_url, sizeof(j->read_url), "%s", url);
}

/* Is a job due? A read, so idle workers never take the writer's time. 1 when unsure. */
static int
any_due(struct db *rdb)
{
	struct db_stmt *st;
	int due;

	if (rdb == NULL || (st = db_prepare(rdb, SQL_DUE)) == NULL)
		return 1;
	db_bind_int64(st, 1, clock_now());
	due = db_step(st) != DB_DONE;
	db_done(st);
	return due;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
worker_main(void *p)
{
	struct jobs *j = p;
	unsigned long seen;
	struct err e;
	struct db *rdb = NULL;
	int64_t recovered_ms = mono_ms();
	int recoverer;

	thread_name("agora-jobs");

	pthread_mutex_lock(&j->lock);
	recoverer = !j->recoverer;	/* the first worker to start */
	j->recoverer = 1;
	pthread_mutex_unlock(&j->lock);
	if (j->read_url[0] && db_open(j->read_url, DB_READONLY, &rdb, &e) != 0)
		rdb = NULL;
	while (!stopping(j, &seen)) {
		int rc;

		err_clear(&e);
		if (recoverer && mono_ms() - recovered_ms >= JOBS_RECOVER_MS) {
			struct recovery rv = { 0, 0 };
			recovered_ms = mono_ms();
			if (writer_run(j->w, recover_fn, &rv, &e) != 0)
				log_warn("msg=\"cannot look for jobs of a stopped server\" error=\"%s\"", e.msg);
			else if (rv.count > 0)
				log_info("msg=\"jobs of a stopped server put back\" count=%d", rv.count);
			err_clear(&e);
		}
		rc = any_due(rdb) ? run_one(j, &e) : 0;
		if (rc == 1)
			continue;
		if (rc < 0)
			log_warn("msg=\"job worker cannot claim\" error=\"%s\"", e.msg);
		idle_wait(j, seen);
	}
	db_close(rdb);
	return NULL;
}

int
jobs_start(struct jobs *j, struct err *e)
{
	struct recovery rv = { 1, 0 };

	if (writer_run(j->w, recover_fn, &rv, e) != 0)
		return -1;
	if (rv.count > 0)
		log_info("msg=\"jobs recovered after a crash\" count=%d", rv.count);
	pthread_mutex_lock(&j->lock);
	j->stopping = 0;
	j->recoverer = 0;
	pthread_mutex_unlock(&j->lock);
	for (; j->nstarted < j->nthreads; j->nstarted++) {
		if (pthread_create(&j->threads[j->nstarted], NULL, worker_main, j) != 0) {
			jobs_stop(j);
			return err_set(e, ERR_INTERNAL, "cannot start a job worker thread");
		}
	}
	return 0;
}

void
jobs_kick(struct jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->kicks++;
	pthread_cond_broadcast(&j->wake);
	pthread_mutex_unlock(&j->lock);
}

void
jobs_stop(struct jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->stopping = 1;
	pthread_cond_broadcast(&j->wake);
	pthread_mutex_unlock(&j->lock);
	for (int i = 0; i < j->nstarted; i++)
		pthread_join(j->threads[i], NULL);
	j->nstarted = 0;
}

void
jobs_free(struct jobs *j)
{
	if (j == NULL)
		return;
	jobs_stop(j);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j->threads);
	free(j);
}
