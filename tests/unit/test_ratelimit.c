/* test_ratelimit.c: the submission rate limit's token buckets: the burst, refilling on the
 * project clock, Retry-After, no limit at 0, keys apart, memory bounded with 100,000 addresses,
 * and exact counts under threads. */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "web/ratelimit.h"

#define T0 1700000000000LL	/* a fixed "now" in ms */

static int
take(struct ratelimit *rl, const char *key, int64_t *retry_s)
{
	return ratelimit_take(rl, key, clock_now_ms(), retry_s);
}

static void
test_burst_then_refused(void **state)
{
	struct ratelimit *rl = ratelimit_new(5, 0);
	int64_t retry = -1;

	assert_non_null(rl);
	clock_freeze_ms(T0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(take(rl, "192.0.2.1", &retry), 1);
		assert_int_equal(retry, 0);
	}
	assert_int_equal(take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 12);	/* 60 s / 5 */
	assert_int_equal(take(rl, "192.0.2.1", NULL), 0);	/* refused again, nothing taken */
	assert_int_equal(ratelimit_count(rl), 1);
	clock_freeze_ms(0);
	ratelimit_free(rl);
}

static void
test_refill_after_moving_time(void **state)
{
	struct ratelimit *rl = ratelimit_new(5, 0);
	int64_t retry;

	clock_freeze_ms(T0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(take(rl, "192.0.2.1", NULL), 0);
	clock_advance_ms(11999);	/* a token takes 12 s */
	assert_int_equal(take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 1);
	clock_advance_ms(1);
	assert_int_equal(take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(take(rl, "192.0.2.1", NULL), 0);
	/* A minute refills the bucket, but only up to the burst. */
	clock_advance_ms(10 * 60 * 1000);
	for (int i = 0; i < 5; i++)
		assert_int_equal(take(rl, "192.0.2.1", NULL), 1);
	assert_int_equal(take(rl, "192.0.2.1", NULL), 0);
	/* The clock moving back refills nothing, and refills go on from there. */
	clock_advance_ms(-3600 * 1000);
	assert_int_equal(take(rl, "192.0.2.1", &retry), 0);
	assert_int_equal(retry, 12);
	clock_advance_ms(12000);
	assert_int_equal(take(rl, "192.0.2.1", NULL), 1);
	clock_freeze_ms(0);
	ratelimit_free(rl);
}

static void
test_retry_after(void **state)
{
	static const struct {
		int64_t rate, waited_ms, retry_s;
	} cases[] = {
		{ 30, 0, 2 },		/* a token every 2 s */
		{ 30, 500, 2 },		/* 1.5 s left: rounds up */
		{ 30, 1001, 1 },	/* 0.999 s left */
		{ 7, 0, 9 },		/* 8.57 s */
		{ 1, 0, 60 },
		{ 1, 59001, 1 },
		{ 120, 0, 1 },		/* 0.5 s: never less than 1 */
	};
	int64_t retry;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct ratelimit *rl = ratelimit_new(cases[c].rate, 64);
		for (int64_t i = 0; i < cases[c].rate; i++)
			assert_int_equal(ratelimit_take(rl, "k", T0, NULL), 1);
		assert_int_equal(ratelimit_take(rl, "k", T0 + cases[c].waited_ms, &retry), 0);
		assert_int_equal(retry, cases[c].retry_s);
		/* Waiting that long is enough (and the refusal took nothing). */
		assert_int_equal(ratelimit_take(rl, "k", T0 + cases[c].waited_ms + retry * 1000, NULL), 1);
		ratelimit_free(rl);
	}
}

static void
test_rate_zero_is_unlimited(void **state)
{
	struct ratelimit *rl = ratelimit_new(0, 0);
	int64_t retry = -1;

	assert_non_null(rl);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(ratelimit_take(rl, "192.0.2.1", T0, &retry), 1);
	assert_int_equal(retry, 0);
	assert_int_equal(ratelimit_count(rl), 0);	/* holds nothing */
	ratelimit_free(rl);
	assert_int_equal(ratelimit_take(NULL, "192.0.2.1", T0, &retry), 1);
	assert_null(ratelimit_new(-1, 0));
}

static void
test_keys_are_independent(void **state)
{
	struct ratelimit *rl = ratelimit_new(2, 0);
	char a[100], b[100];

	assert_int_equal(ratelimit_take(rl, "192.0.2.1", T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", T0, NULL), 0);
	assert_int_equal(ratelimit_take(rl, "192.0.2.10", T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "2001:db8::1", T0, NULL), 0);
	assert_int_equal(ratelimit_take(rl, "192.0.2.10", T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "192.0.2.1", T0, NULL), 0);
	assert_int_equal(ratelimit_count(rl), 3);
	/* Keys are cut at RATELIMIT_KEY_MAX - 1 bytes: longer ones sharing those are one key. */
	memset(a, 'a', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[80] = 'b';
	assert_int_equal(ratelimit_take(rl, a, T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, b, T0, NULL), 1);
	assert_int_equal(ratelimit_take(rl, a, T0, NULL), 0);
	ratelimit_free(rl);
}

/* 100,000 addresses through a table of 4,096: memory stays bounded, and what is forgotten is a
 * full or fuller bucket, never one that is throttling its address. */
static void
test_eviction_keeps_memory_bounded(void **state)
{
	struct ratelimit *rl = ratelimit_new(5, RATELIMIT_SLOTS);
	char key[64];
	int64_t now = T0;

	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "198.51.100.7", now, NULL), 1);
	assert_int_equal(ratelimit_take(rl, "198.51.100.7", now, NULL), 0);
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		assert_int_equal(ratelimit_take(rl, key, now, NULL), 1);	/* new: a full bucket */
		if (i % 10000 == 0)
			assert_true(ratelimit_count(rl) <= RATELIMIT_SLOTS);
		now += (i % 10 == 0);	/* 10 s in all: less than a token (12 s) for the drained one */
	}
	assert_true(ratelimit_count(rl) <= RATELIMIT_SLOTS);
	assert_true(ratelimit_count(rl) > RATELIMIT_SLOTS / 2);	/* and the table is used */
	assert_int_equal(ratelimit_take(rl, "198.51.100.7", now, NULL), 0);	/* still throttled */
	/* The last address is still remembered: 4 tokens left, then refused. */
	for (int t = 0; t < 4; t++)
		assert_int_equal(ratelimit_take(rl, key, now, NULL), 1);
	assert_int_equal(ratelimit_take(rl, key, now, NULL), 0);
	ratelimit_free(rl);
}

struct hammer {
	struct ratelimit *rl;
	int allowed;
};

static void *
hammer_run(void *arg)
{
	struct hammer *h = arg;
	char key[32];

	for (int i = 0; i < 20000; i++) {
		h->allowed += ratelimit_take(h->rl, "192.0.2.1", T0, NULL);
		snprintf(key, sizeof(key), "10.0.0.%d", i & 255);	/* other sets, other locks */
		ratelimit_take(h->rl, key, T0, NULL);
	}
	return NULL;
}

/* Four threads on one address at one instant: exactly the burst is allowed, no more. */
static void
test_threads_take_exactly_the_burst(void **state)
{
	struct hammer h[4];
	pthread_t t[4];
	int total = 0;

	for (int i = 0; i < 4; i++) {
		h[i].rl = i == 0 ? ratelimit_new(1000, RATELIMIT_SLOTS) : h[0].rl;
		h[i].allowed = 0;
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer_run, &h[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += h[i].allowed;
	}
	assert_int_equal(total, 1000);
	assert_true(ratelimit_count(h[0].rl) <= 257);
	ratelimit_free(h[0].rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused),
		cmocka_unit_test(test_refill_after_moving_time),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_rate_zero_is_unlimited),
		cmocka_unit_test(test_keys_are_independent),
		cmocka_unit_test(test_eviction_keeps_memory_bounded),
		cmocka_unit_test(test_threads_take_exactly_the_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
