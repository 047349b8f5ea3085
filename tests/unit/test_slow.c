/* test_slow.c: the slow-work pool: jobs run on its workers (never the caller's thread), at most
 * `threads` at once, every queued job runs (stop drains the queue), a full queue refuses at once,
 * and a stopped pool takes nothing. */
#include "unit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "web/slow.h"

static atomic_int running, most, done_count;
static pthread_t caller;
static atomic_int on_caller;

static void
nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
job(void *arg)
{
	int now = atomic_fetch_add(&running, 1) + 1, m;

	if (pthread_equal(pthread_self(), caller))
		atomic_fetch_add(&on_caller, 1);
	while ((m = atomic_load(&most)) < now && !atomic_compare_exchange_weak(&most, &m, now))
		;
	nap_ms(*(int *)arg);
	atomic_fetch_sub(&running, 1);
}

static void
done(void *arg)
{
	atomic_fetch_add(&done_count, 1);
}

static void
reset(void)
{
	atomic_store(&running, 0);
	atomic_store(&most, 0);
	atomic_store(&done_count, 0);
	atomic_store(&on_caller, 0);
	caller = pthread_self();
}

static void
test_bounded_and_off_the_caller(void **state)
{
	struct slow *s = slow_new(2, 16);
	static int ms = 30;
	struct err e;

	reset();
	assert_non_null(s);
	assert_int_equal(slow_start(s, &e), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(slow_submit(s, job, done, &ms), 0);
	slow_stop(s);	/* runs all eight first */
	assert_int_equal(atomic_load(&done_count), 8);
	assert_int_equal(atomic_load(&most), 2);	/* never more than two at once */
	assert_int_equal(atomic_load(&on_caller), 0);
	assert_int_equal(slow_submit(s, job, done, &ms), -1);	/* stopped: refused */
	slow_free(s);
}

static void
test_full_queue_refuses_at_once(void **state)
{
	struct slow *s = slow_new(1, 2);
	static int ms = 200;
	size_t queued, run;
	struct err e;
	int refused = 0;

	reset();
	assert_int_equal(slow_start(s, &e), 0);
	assert_int_equal(slow_submit(s, job, NULL, &ms), 0);
	while (atomic_load(&running) == 0)	/* the worker has taken the first */
		nap_ms(1);
	assert_int_equal(slow_submit(s, job, NULL, &ms), 0);
	assert_int_equal(slow_submit(s, job, NULL, &ms), 0);
	slow_counts(s, &queued, &run);
	assert_int_equal(queued, 2);
	assert_int_equal(run, 1);
	refused = slow_submit(s, job, NULL, &ms) == -1;
	assert_true(refused);
	slow_stop(s);
	slow_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded_and_off_the_caller),
		cmocka_unit_test(test_full_queue_refuses_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
