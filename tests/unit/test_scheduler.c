/* test_scheduler.c: unit tests for the scheduler: events fire once, in order, atomically. */
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
#include "store/migrate.h"
#include "store/scheduler.h"
#include "store/writer.h"
#include "util/clock.h"

#define T0 1800000000LL	/* a frozen "now", seconds */

struct fixture {
	char dir[32];
	char url[64];
	struct writer *w;
	struct db *rd;		/* a second connection: inserts things, reads results */
	struct scheduler *sched;	/* stopped by teardown if a test failed with it running */
};

/* What the apply functions did, in order ("opened:1"). Written on the writer thread. */
static pthread_mutex_t applied_lock = PTHREAD_MUTEX_INITIALIZER;
static char applied[16][32];
static int napplied;
static int refuse_apply;

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static const char SQL_SET_STATE[] =
    "UPDATE consultations SET state = $2, updated_at = $3 WHERE id = $1";

static int
set_state(struct db *db, int64_t id, const char *state, const char *kind, int64_t now,
	  struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SET_STATE);

	if (refuse_apply)
		return err_set(e, ERR_CONFLICT, "%s refused for %lld", kind, (long long)id);
	if (st == NULL)
		return db_err(db, e, kind);
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, state);
	db_bind_int64(st, 3, now);
	if (db_run(st) != DB_DONE || db_changes(db) != 1)
		return db_err(db, e, kind);
	pthread_mutex_lock(&applied_lock);
	if (napplied < 16)
		snprintf(applied[napplied++], sizeof(applied[0]), "%s:%lld", kind, (long long)id);
	pthread_mutex_unlock(&applied_lock);
	return 0;
}

static int
open_apply(struct db *db, int64_t id, int64_t now, struct err *e)
{
	return set_state(db, id, "open", "opened", now, e);
}

static int
close_apply(struct db *db, int64_t id, int64_t now, struct err *e)
{
	return set_state(db, id, "closed", "closed", now, e);
}

/* "opened" ignores the state on purpose, so only the events table stops a second firing;
 * "closed" needs the consultation open, so it fires after "opened" or not at all. */
static const struct sched_source sources[] = {
	{ "opened", "consultation",
	  "SELECT id, opens_at FROM consultations WHERE opens_at <= $1 ORDER BY opens_at, id",
	  open_apply },
	{ "closed", "consultation",
	  "SELECT id, closes_at FROM consultations WHERE state = 'open' AND closes_at <= $1 "
	  "ORDER BY closes_at, id",
	  close_apply },
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-sched-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0)
		return -1;
	napplied = 0;
	refuse_apply = 0;
	clock_freeze_ms(T0 * 1000);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	scheduler_stop(f->sched);
	writer_free(f->w);
	db_close(f->rd);
	unit_rm_rf(f->dir);
	free(f);
	clock_freeze_ms(0);
	clock_set_offset_ms(0);
	return 0;
}

static const char SQL_ADD[] =
    "INSERT INTO consultations (slug, original_language, opens_at, closes_at, state, moderation, "
    "created_at, updated_at) VALUES ($1, 'en', $2, $3, 'scheduled', 'post', 0, 0)";

static int64_t
add_consultation(struct fixture *f, const char *slug, int64_t opens_at, int64_t closes_at)
{
	struct db_stmt *st = db_prepare(f->rd, SQL_ADD);

	assert_non_null(st);
	db_bind_text(st, 1, slug);
	db_bind_int64(st, 2, opens_at);
	db_bind_int64(st, 3, closes_at);
	assert_int_equal(db_run(st), DB_DONE);
	return db_last_insert_id(f->rd);
}

static const char SQL_STATE[] = "SELECT state FROM consultations WHERE id = $1";

static void
assert_state(struct fixture *f, int64_t id, const char *want)
{
	struct db_stmt *st = db_prepare(f->rd, SQL_STATE);

	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), want);
	db_done(st);
}

static const char SQL_EVENTS[] = "SELECT COUNT(*) FROM events";

static int64_t
count_events(struct fixture *f)
{
	struct db_stmt *st = db_prepare(f->rd, SQL_EVENTS);
	int64_t n;

	assert_int_equal(db_step(st), DB_ROW);
	n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

static const char SQL_EVENT_ROWS[] =
    "SELECT kind, thing, thing_id, due_at, fired_at FROM events ORDER BY id";

static void
test_fires_once(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st;
	struct err e;
	int64_t id;
	int fired = -1;

	id = add_consultation(f, "later", T0 + 3600, T0 + 7200);
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 0);
	assert_int_equal(napplied, 0);
	assert_int_equal(count_events(f), 0);
	assert_state(f, id, "scheduled");

	clock_advance_ms(3599 * 1000);	/* a second early */
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 0);

	clock_advance_ms(2 * 1000);	/* T0 + 3601 */
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 1);
	assert_int_equal(napplied, 1);
	assert_string_equal(applied[0], "opened:1");
	assert_state(f, id, "open");
	st = db_prepare(f->rd, SQL_EVENT_ROWS);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "opened");
	assert_string_equal(db_col_text(st, 1), "consultation");
	assert_int_equal(db_col_int64(st, 2), id);
	assert_int_equal(db_col_int64(st, 3), T0 + 3600);
	assert_int_equal(db_col_int64(st, 4), T0 + 3601);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);

	/* the source still lists it as due; the events table says it fired */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
		assert_int_equal(fired, 0);
	}
	assert_int_equal(napplied, 1);
	assert_int_equal(count_events(f), 1);

	clock_advance_ms(3600 * 1000);	/* past closes_at */
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 1);
	assert_string_equal(applied[1], "closed:1");
	assert_state(f, id, "closed");
	assert_int_equal(count_events(f), 2);
}

static void
test_both_in_order(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st;
	struct err e;
	int64_t a, b;
	int fired = -1;

	a = add_consultation(f, "past", T0 - 7200, T0 - 3600);	/* opened and closed while down */
	b = add_consultation(f, "current", T0 - 60, T0 + 60);
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 3);
	assert_int_equal(napplied, 3);
	/* each source in turn, each in due order; "closed" saw what "opened" did */
	assert_string_equal(applied[0], "opened:1");
	assert_string_equal(applied[1], "opened:2");
	assert_string_equal(applied[2], "closed:1");
	assert_state(f, a, "closed");
	assert_state(f, b, "open");
	st = db_prepare(f->rd, SQL_EVENT_ROWS);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "opened");
	assert_int_equal(db_col_int64(st, 2), a);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "opened");
	assert_int_equal(db_col_int64(st, 2), b);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "closed");
	assert_int_equal(db_col_int64(st, 2), a);
	assert_int_equal(db_col_int64(st, 3), T0 - 3600);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 0);
}

static void
test_apply_failure_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int64_t id;
	int fired = -1;

	id = add_consultation(f, "refused", T0 - 10, T0 + 10);
	refuse_apply = 1;
	err_clear(&e);
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), -1);
	assert_int_equal(fired, 0);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(count_events(f), 0);	/* the event row went with the apply */
	assert_state(f, id, "scheduled");
	refuse_apply = 0;	/* the next pass fires it */
	assert_int_equal(scheduler_run_due(f->w, sources, 2, &fired, &e), 0);
	assert_int_equal(fired, 1);
	assert_state(f, id, "open");
}

static void
count_tick(void *arg)
{
	pthread_mutex_lock(&applied_lock);
	(*(int *)arg)++;
	pthread_mutex_unlock(&applied_lock);
}

static void
test_thread_with_clock_file(void **state)
{
	struct fixture *f = *state;
	struct scheduler *s;
	char clock_file[64];
	FILE *cf;
	int64_t id;
	static int ticks;	/* static: a failed test's scheduler ticks until teardown */
	int got_ticks = 0, events = 0;

	ticks = 0;
	clock_freeze_ms(0);	/* real time, moved a day on by the clock file */
	clock_set_offset_ms(0);
	id = add_consultation(f, "tomorrow", clock_now() + 86400, clock_now() + 2 * 86400);
	snprintf(clock_file, sizeof(clock_file), "%s/clock", f->dir);
	assert_non_null(cf = fopen(clock_file, "w"));
	fputs("+90000\n", cf);
	fclose(cf);
	s = f->sched = scheduler_start(f->w, sources, 2, 20, clock_file, count_tick, &ticks);
	assert_non_null(s);
	for (int i = 0; i < 1000 && (events < 1 || got_ticks < 2); i++) {	/* at most ~10 s */
		sleep_ms(10);
		events = (int)count_events(f);
		pthread_mutex_lock(&applied_lock);
		got_ticks = ticks;
		pthread_mutex_unlock(&applied_lock);
	}
	scheduler_stop(s);
	f->sched = NULL;
	assert_int_equal(events, 1);
	assert_true(got_ticks >= 2);	/* it keeps ticking */
	assert_state(f, id, "open");
	assert_int_equal(napplied, 1);
	scheduler_stop(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fires_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_failure_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_with_clock_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
