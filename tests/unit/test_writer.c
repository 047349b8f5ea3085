/* test_writer.c: unit tests for the batching writer (group commit, failures, back-pressure). */
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
#include "store/writer.h"

struct fixture {
	char dir[32];
	char url[64];
	struct writer *w;
	struct db *rd;		/* a second connection, to see what committed */
};

/* One write: inserts v, then fails when asked to (after the insert, to show the rollback). */
struct item {
	int v, fail;
	int done, rc;
	enum err_kind kind;
};

static pthread_mutex_t items_lock = PTHREAD_MUTEX_INITIALIZER;

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-wr-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	*state = f;
	return 0;
}

/* Runs after a failed test too: stops the writer (draining it) before anything is freed. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	writer_free(f->w);
	db_close(f->rd);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

/* Creates table t in a fresh database and a writer on it (not started). */
static struct fixture *
fixture_open(void **state, size_t cap, size_t batch, int64_t delay_ms)
{
	struct fixture *f = *state;
	struct db *db;
	struct err e;

	assert_int_equal(db_open(f->url, DB_CREATE, &db, &e), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE t (v INTEGER PRIMARY KEY)", &e), 0);
	f->w = writer_new(db, cap, batch, delay_ms);
	assert_non_null(f->w);
	assert_int_equal(db_open(f->url, 0, &f->rd, &e), 0);
	return f;
}

static const char SQL_INSERT[] = "INSERT INTO t (v) VALUES ($1)";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM t";
static const char SQL_HAS[] = "SELECT COUNT(*) FROM t WHERE v = $1";

static int
insert_fn(struct db *db, void *arg, struct err *e)
{
	struct item *it = arg;
	struct db_stmt *st = db_prepare(db, SQL_INSERT);

	if (st == NULL)
		return db_err(db, e, "insert");
	db_bind_int64(st, 1, it->v);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "insert");
	if (it->fail == 2) {	/* as SQLite does after a disk I/O error: the whole transaction */
		db_exec(db, "ROLLBACK", e);
		return err_set(e, ERR_BUSY, "item %d lost the transaction", it->v);
	}
	if (it->fail)
		return err_set(e, ERR_INVALID, "item %d says no", it->v);
	return 0;
}

static void
insert_done(void *arg, int rc, const struct err *e)
{
	struct item *it = arg;

	pthread_mutex_lock(&items_lock);
	it->done++;
	it->rc = rc;
	it->kind = e ? e->kind : ERR_NONE;
	pthread_mutex_unlock(&items_lock);
}

static int64_t
count_rows(struct db *db, int64_t v)
{
	struct db_stmt *st = db_prepare(db, v < 0 ? SQL_COUNT : SQL_HAS);
	int64_t n = -1;

	assert_non_null(st);
	if (v >= 0)
		db_bind_int64(st, 1, v);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

/* Waits (bounded) until the writer has taken everything off its queue. */
static void
wait_queue_empty(struct writer *w)
{
	struct writer_stats s;

	for (int i = 0; i < 1000; i++) {
		writer_get_stats(w, &s);
		if (s.depth == 0)
			return;
		sleep_ms(5);
	}
	fail_msg("the writer never took its queue");
}

static void
test_commit_visible(void **state)
{
	struct fixture *f = fixture_open(state, 16, 16, 0);
	static struct item a, b, c;
	struct writer_stats s;
	struct err e;

	a = (struct item){ .v = 1 };
	b = (struct item){ .v = 2, .fail = 1 };
	c = (struct item){ .v = 1 };	/* the same key as a */
	assert_int_equal(writer_start(f->w, &e), 0);
	assert_int_equal(writer_run(f->w, insert_fn, &a, &e), 0);
	assert_int_equal(count_rows(f->rd, 1), 1);	/* visible to another connection at once */
	/* a failing write reports its own error and leaves no row */
	err_clear(&e);
	assert_int_equal(writer_run(f->w, insert_fn, &b, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.msg, "item 2 says no");
	assert_int_equal(count_rows(f->rd, 2), 0);
	/* a constraint failure is a conflict */
	assert_int_equal(writer_run(f->w, insert_fn, &c, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(count_rows(f->rd, -1), 1);
	writer_get_stats(f->w, &s);
	assert_int_equal(s.items, 3);
	assert_int_equal(s.failed_items, 2);
	assert_int_equal(s.failed_commits, 0);
}

static void
test_failure_is_alone(void **state)
{
	struct fixture *f = fixture_open(state, 64, 64, 200);
	static struct item items[10];
	struct writer_stats s;
	struct err e;

	memset(items, 0, sizeof(items));
	for (int i = 0; i < 10; i++) {
		items[i].v = 100 + i;
		items[i].fail = i == 5;
	}
	assert_int_equal(writer_start(f->w, &e), 0);
	/* the first item keeps the writer busy for 200 ms; the rest queue up behind it */
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &items[0], &e), 0);
	wait_queue_empty(f->w);
	for (int i = 1; i < 10; i++)
		assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &items[i], &e), 0);
	writer_stop(f->w);
	writer_get_stats(f->w, &s);
	assert_int_equal(s.items, 10);
	assert_true(s.batches < s.items);
	assert_int_equal(s.batches, 2);
	assert_int_equal(s.last_batch, 9);
	assert_int_equal(s.failed_items, 1);
	assert_int_equal(s.failed_commits, 0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(items[i].done, 1);
		assert_int_equal(items[i].rc, i == 5 ? -1 : 0);
		assert_int_equal(count_rows(f->rd, items[i].v), i == 5 ? 0 : 1);
	}
	assert_int_equal(items[5].kind, ERR_INVALID);
	assert_int_equal(count_rows(f->rd, -1), 9);
}

/* The database ends the transaction itself in the middle of a batch (SQLite after a disk I/O
 * error or a full disk): every item fails, those before it too, and none of the batch's rows is
 * stored: the items after it must not run on their own in autocommit, nor a SAVEPOINT open a
 * transaction of its own that its RELEASE commits. */
static void
test_lost_transaction_fails_batch(void **state)
{
	struct fixture *f = fixture_open(state, 64, 64, 200);
	static struct item first, items[6], after;
	struct writer_stats s;
	struct err e;
	int done = 0;

	first = (struct item){ .v = 200 };
	memset(items, 0, sizeof(items));
	for (int i = 0; i < 6; i++) {
		items[i].v = 300 + i;
		items[i].fail = i == 2 ? 2 : 0;
	}
	assert_int_equal(writer_start(f->w, &e), 0);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &first, &e), 0);
	wait_queue_empty(f->w);	/* the next six make one batch */
	for (int i = 0; i < 6; i++)
		assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &items[i], &e), 0);
	for (int i = 0; i < 1000 && !done; i++) {
		sleep_ms(5);
		pthread_mutex_lock(&items_lock);
		done = items[5].done;
		pthread_mutex_unlock(&items_lock);
	}
	writer_get_stats(f->w, &s);
	assert_int_equal(s.batches, 2);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(items[i].done, 1);
		assert_int_equal(items[i].rc, -1);
		assert_int_equal(items[i].kind, ERR_BUSY);
		assert_int_equal(count_rows(f->rd, items[i].v), 0);
	}
	assert_int_equal(count_rows(f->rd, -1), 1);
	/* and the next batch works */
	after = (struct item){ .v = 400 };
	assert_int_equal(writer_run(f->w, insert_fn, &after, &e), 0);
	assert_int_equal(count_rows(f->rd, -1), 2);
}

static void
test_full_queue_busy(void **state)
{
	struct fixture *f = fixture_open(state, 1, 1, 500);
	static struct item a, b, c;
	struct err e;

	a = (struct item){ .v = 1 };
	b = (struct item){ .v = 2 };
	c = (struct item){ .v = 3 };
	assert_int_equal(writer_start(f->w, &e), 0);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &a, &e), 0);
	wait_queue_empty(f->w);	/* a is being written, slowly */
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &b, &e), 0);
	err_clear(&e);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &c, &e), -1);
	assert_int_equal(e.kind, ERR_BUSY);
	writer_stop(f->w);
	assert_int_equal(a.done, 1);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.done, 1);
	assert_int_equal(b.rc, 0);
	assert_int_equal(c.done, 0);	/* refused, never run */
	assert_int_equal(count_rows(f->rd, 3), 0);
	assert_int_equal(count_rows(f->rd, -1), 2);
	/* a stopped writer refuses too */
	err_clear(&e);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &c, &e), -1);
	assert_int_equal(e.kind, ERR_BUSY);
	assert_int_equal(writer_run(f->w, insert_fn, &c, &e), -1);
	assert_int_equal(e.kind, ERR_BUSY);
}

/* Busy while writes wait, or while the last batch held more than one: what tells clustering to
 * leave the writer to submissions. */
static void
test_busy(void **state)
{
	struct fixture *f = fixture_open(state, 8, 8, 0);
	static struct item a, b, c;
	struct err e;

	a = (struct item){ .v = 1 };
	b = (struct item){ .v = 2 };
	c = (struct item){ .v = 3 };
	assert_int_equal(writer_busy(f->w), 0);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &a, &e), 0);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &b, &e), 0);
	assert_int_equal(writer_busy(f->w), 1);	/* two wait */
	assert_int_equal(writer_start(f->w, &e), 0);
	wait_queue_empty(f->w);
	assert_int_equal(writer_run(f->w, insert_fn, &c, &e), 0);	/* a batch of one, alone */
	assert_int_equal(writer_busy(f->w), 0);
	writer_stop(f->w);
	assert_int_equal(count_rows(f->rd, -1), 3);
}

/* Bookkeeping writes take only spare room: never the last half of the queue. */
static void
test_spare_leaves_room(void **state)
{
	struct fixture *f = fixture_open(state, 4, 1, 0);
	static struct item a, b, c, d, x;
	struct err e;

	a = (struct item){ .v = 1 };
	b = (struct item){ .v = 2 };
	c = (struct item){ .v = 3 };
	d = (struct item){ .v = 4 };
	x = (struct item){ .v = 5 };
	/* not started: the queue only fills */
	assert_int_equal(writer_submit_spare(f->w, insert_fn, insert_done, &a, &e), 0);
	assert_int_equal(writer_submit_spare(f->w, insert_fn, insert_done, &b, &e), 0);
	err_clear(&e);
	assert_int_equal(writer_submit_spare(f->w, insert_fn, insert_done, &x, &e), -1);
	assert_int_equal(e.kind, ERR_BUSY);
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &c, &e), 0);	/* room kept */
	assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &d, &e), 0);
	assert_int_equal(writer_start(f->w, &e), 0);
	writer_stop(f->w);
	assert_int_equal(count_rows(f->rd, -1), 4);
	assert_int_equal(x.done, 0);
}

static void
test_stop_drains(void **state)
{
	struct fixture *f = fixture_open(state, 64, 4, 20);
	static struct item items[30];
	struct writer_stats s;
	struct err e;

	memset(items, 0, sizeof(items));
	assert_int_equal(writer_start(f->w, &e), 0);
	for (int i = 0; i < 30; i++) {
		items[i].v = i + 1;
		assert_int_equal(writer_submit(f->w, insert_fn, insert_done, &items[i], &e), 0);
	}
	writer_stop(f->w);	/* returns only when all 30 have committed */
	for (int i = 0; i < 30; i++) {
		assert_int_equal(items[i].done, 1);
		assert_int_equal(items[i].rc, 0);
	}
	assert_int_equal(count_rows(f->rd, -1), 30);
	writer_get_stats(f->w, &s);
	assert_int_equal(s.items, 30);
	assert_int_equal(s.depth, 0);
	assert_true(s.batches >= 30 / 4);	/* batch_max 4 is honoured */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_visible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_is_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_transaction_fails_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spare_leaves_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_drains, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
