/* test_jobs.c: unit tests for durable jobs: run, retry with backoff, give up, recover, threads. */
#include "unit.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/jobs.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

#define T0_MS 1800000000000LL	/* a frozen "now": 2027-01-15 */
#define T0 (T0_MS / 1000)

/* What the job kinds saw; the threaded test reads it while a worker writes it. */
struct seen {
	pthread_mutex_t lock;
	int ok_runs, fail_runs;
	char payload[64];
};

struct fixture {
	char dir[32];
	char url[64];
	struct writer *w;
	struct db *rd;		/* a second connection, to read the jobs table */
	struct jobs *j;		/* freed by teardown, threads first */
	struct seen seen;
};

/* A job row as the tests check it. */
struct row {
	char state[16], last_error[256];
	int64_t attempts, run_at;
};

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int
ok_run(void *ctx, const char *payload, struct err *e)
{
	struct seen *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->ok_runs++;
	snprintf(s->payload, sizeof(s->payload), "%s", payload);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int
fail_run(void *ctx, const char *payload, struct err *e)
{
	struct seen *s = ctx;

	pthread_mutex_lock(&s->lock);
	s->fail_runs++;
	pthread_mutex_unlock(&s->lock);
	return err_set(e, ERR_INTERNAL, "boom %s", payload);
}

static const struct job_kind kinds[] = {
	{ "ok", ok_run },
	{ "fail", fail_run },
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-jobs-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0)
		return -1;
	pthread_mutex_init(&f->seen.lock, NULL);
	clock_freeze_ms(T0_MS);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	jobs_free(f->j);	/* its threads use the writer */
	writer_free(f->w);
	pthread_mutex_destroy(&f->seen.lock);
	db_close(f->rd);
	unit_rm_rf(f->dir);
	free(f);
	clock_freeze_ms(0);
	clock_set_offset_ms(0);
	return 0;
}

struct enqueue {
	const char *kind, *payload;
	int64_t run_at;
};

static int
enqueue_fn(struct db *db, void *arg, struct err *e)
{
	struct enqueue *q = arg;

	return jobs_enqueue(db, q->kind, q->payload, q->run_at, e);
}

/* Adds a job through the writer; returns its id. */
static int64_t
enqueue(struct fixture *f, const char *kind, const char *payload, int64_t run_at)
{
	static const char sql[] = "SELECT MAX(id) FROM jobs";
	struct enqueue q = { kind, payload, run_at };
	struct db_stmt *st;
	struct err e;
	int64_t id = -1;

	assert_int_equal(writer_run(f->w, enqueue_fn, &q, &e), 0);
	st = db_prepare(f->rd, sql);
	assert_int_equal(db_step(st), DB_ROW);
	id = db_col_int64(st, 0);
	db_done(st);
	return id;
}

static void
row_get(struct fixture *f, int64_t id, struct row *r)
{
	static const char sql[] =
	    "SELECT state, last_error, attempts, run_at FROM jobs WHERE id = $1";
	struct db_stmt *st = db_prepare(f->rd, sql);

	assert_non_null(st);
	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(r->state, sizeof(r->state), "%s", db_col_text(st, 0));
	snprintf(r->last_error, sizeof(r->last_error), "%s", db_col_text(st, 1));
	r->attempts = db_col_int64(st, 2);
	r->run_at = db_col_int64(st, 3);
	db_done(st);
}

static void
test_run_and_done(void **state)
{
	struct fixture *f = *state;
	struct seen *s = &f->seen;
	struct jobs *j = f->j = jobs_new(f->w, kinds, 2, 0, s);
	struct row r;
	struct err e;
	int64_t id, later;

	assert_non_null(j);
	id = enqueue(f, "ok", "hello", T0);
	later = enqueue(f, "ok", "later", T0 + 60);
	assert_int_equal(jobs_pending_count(f->rd), 2);
	assert_int_equal(jobs_run_due(j, &e), 1);	/* only the due one */
	assert_int_equal(s->ok_runs, 1);
	assert_string_equal(s->payload, "hello");
	row_get(f, id, &r);
	assert_string_equal(r.state, "done");
	assert_int_equal(r.attempts, 0);
	row_get(f, later, &r);
	assert_string_equal(r.state, "pending");
	assert_int_equal(jobs_pending_count(f->rd), 1);
	assert_int_equal(jobs_run_due(j, &e), 0);	/* done jobs do not run again */
	assert_int_equal(s->ok_runs, 1);

	clock_advance_ms(60 * 1000);
	assert_int_equal(jobs_run_due(j, &e), 1);
	assert_string_equal(s->payload, "later");
	row_get(f, later, &r);
	assert_string_equal(r.state, "done");
	assert_int_equal(jobs_pending_count(f->rd), 0);
}

static void
test_retry_backoff_then_failed(void **state)
{
	struct fixture *f = *state;
	struct seen *s = &f->seen;
	struct jobs *j = f->j = jobs_new(f->w, kinds, 2, 0, s);
	struct row r;
	struct err e;
	int64_t id, now;

	assert_non_null(j);
	id = enqueue(f, "fail", "x1", T0);
	assert_int_equal(jobs_run_due(j, &e), 1);
	row_get(f, id, &r);
	assert_string_equal(r.state, "pending");
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.run_at, T0 + 2);	/* 2^1 s */
	assert_string_equal(r.last_error, "boom x1");
	/* not due again until the backoff has passed */
	assert_int_equal(jobs_run_due(j, &e), 0);
	clock_advance_ms(1000);
	assert_int_equal(jobs_run_due(j, &e), 0);
	clock_advance_ms(1000);
	assert_int_equal(jobs_run_due(j, &e), 1);
	assert_int_equal(s->fail_runs, 2);
	row_get(f, id, &r);
	assert_int_equal(r.attempts, 2);
	now = clock_now();
	assert_int_equal(r.run_at, now + 4);	/* 2^2 s */
	assert_string_equal(r.state, "pending");

	/* attempts 3 and 4 back off 8 s and 16 s; the 5th (max_attempts) gives up */
	for (int k = 3; k <= 5; k++) {
		clock_advance_ms((r.run_at - clock_now()) * 1000);
		assert_int_equal(jobs_run_due(j, &e), 1);
		row_get(f, id, &r);
		assert_int_equal(r.attempts, k);
		if (k < 5) {
			assert_string_equal(r.state, "pending");
			assert_int_equal(r.run_at, clock_now() + (1 << k));
		}
	}
	assert_string_equal(r.state, "failed");	/* kept, not deleted */
	assert_string_equal(r.last_error, "boom x1");
	assert_int_equal(s->fail_runs, 5);
	assert_int_equal(jobs_pending_count(f->rd), 0);
	clock_advance_ms(7200 * 1000);
	assert_int_equal(jobs_run_due(j, &e), 0);
	assert_int_equal(s->fail_runs, 5);
}

static void
test_unknown_kind_fails(void **state)
{
	struct fixture *f = *state;
	struct seen *s = &f->seen;
	struct jobs *j = f->j = jobs_new(f->w, kinds, 2, 0, s);
	struct row r;
	struct err e;
	int64_t id;

	assert_non_null(j);
	id = enqueue(f, "no-such-kind", "", T0);
	assert_int_equal(jobs_run_due(j, &e), 1);
	row_get(f, id, &r);
	assert_string_equal(r.state, "failed");
	assert_non_null(strstr(r.last_error, "unknown job kind 'no-such-kind'"));
	assert_int_equal(s->ok_runs + s->fail_runs, 0);
}

static const char SQL_SET_RUNNING[] = "UPDATE jobs SET state = 'running' WHERE id = $1";

static int
set_running_fn(struct db *db, void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SET_RUNNING);

	db_bind_int64(st, 1, *(int64_t *)arg);
	return db_run(st) == DB_DONE && db_changes(db) == 1 ? 0 : db_err(db, e, "set running");
}

static void
test_crash_recovery(void **state)
{
	struct fixture *f = *state;
	struct seen *s = &f->seen;
	struct jobs *j;
	struct row r;
	struct err e;
	int64_t id;

	id = enqueue(f, "ok", "orphan", T0);
	assert_int_equal(writer_run(f->w, set_running_fn, &id, &e), 0);	/* as a crash left it */
	j = f->j = jobs_new(f->w, kinds, 2, 0, s);
	assert_non_null(j);
	assert_int_equal(jobs_run_due(j, &e), 0);	/* 'running' is not claimable */
	assert_int_equal(jobs_pending_count(f->rd), 1);	/* but it still counts */
	assert_int_equal(jobs_start(j, &e), 0);	/* no threads: recovery only */
	row_get(f, id, &r);
	assert_string_equal(r.state, "pending");
	assert_int_equal(jobs_run_due(j, &e), 1);
	assert_string_equal(s->payload, "orphan");
	row_get(f, id, &r);
	assert_string_equal(r.state, "done");
}

static void
test_threads_run_jobs(void **state)
{
	struct fixture *f = *state;
	struct seen *s = &f->seen;
	struct jobs *j = f->j = jobs_new(f->w, kinds, 2, 3, s);
	struct row r;
	struct err e;
	int64_t ids[5];
	int runs = 0;

	assert_non_null(j);
	clock_freeze_ms(0);	/* real time: the workers poll */
	assert_int_equal(jobs_start(j, &e), 0);
	for (int i = 0; i < 5; i++)
		ids[i] = enqueue(f, "ok", "threaded", clock_now());
	jobs_kick(j);
	for (int i = 0; i < 1000 && runs < 5; i++) {	/* at most ~10 s */
		pthread_mutex_lock(&s->lock);
		runs = s->ok_runs;
		pthread_mutex_unlock(&s->lock);
		if (runs < 5)
			sleep_ms(10);
	}
	jobs_stop(j);
	assert_int_equal(s->ok_runs, 5);	/* each exactly once */
	for (int i = 0; i < 5; i++) {
		row_get(f, ids[i], &r);
		assert_string_equal(r.state, "done");
	}
	assert_int_equal(jobs_pending_count(f->rd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_and_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_backoff_then_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_kind_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_run_jobs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
