/* test_view.c: the time left on an open round (src/web/view.c), rounded up, so that a page does
 * not change the second after a round of whole days opens (the flake t440 met: "30 days left"
 * when built, "29 days left" one second later). */
#include "unit.h"

#include "web/view.h"

static void
test_time_left_rounds_up(void **state)
{
	static const struct {
		int64_t left;
		enum time_unit unit;
		long n;
	} cases[] = {
		{ 30 * 86400, TIME_DAYS, 30 },
		{ 30 * 86400 - 1, TIME_DAYS, 30 },	/* one second after a 30-day round opened */
		{ 29 * 86400 + 1, TIME_DAYS, 30 },
		{ 29 * 86400, TIME_DAYS, 29 },
		{ 2 * 86400 + 1, TIME_DAYS, 3 },
		{ 2 * 86400, TIME_HOURS, 48 },
		{ 47 * 3600 + 1, TIME_HOURS, 48 },
		{ 3600 + 1, TIME_HOURS, 2 },
		{ 3600, TIME_MINUTES, 60 },
		{ 61, TIME_MINUTES, 2 },
		{ 60, TIME_MINUTES, 1 },
		{ 1, TIME_MINUTES, 1 },	/* never "0 minutes left" */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum time_unit u = -1;
		long n = view_time_left_count(cases[i].left, &u);

		if (n != cases[i].n || u != cases[i].unit)
			fail_msg("left %lld s: got %ld of unit %d, wanted %ld of unit %d",
				 (long long)cases[i].left, n, (int)u, cases[i].n, (int)cases[i].unit);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_left_rounds_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
