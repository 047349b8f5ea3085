/* test_moderation.c: the pure rules of moderation: which decision is possible from which status
 * and what status it leaves (correction and erasure at the respondent's request included), and
 * the action names. */
#include "unit.h"

#include "domain/moderation.h"

static void
test_publish(void **state)
{
	assert_string_equal(moderation_next_status("pending", MOD_PUBLISH), "published");
	assert_string_equal(moderation_next_status("withheld", MOD_PUBLISH), "published");
	assert_null(moderation_next_status("published", MOD_PUBLISH));
	assert_null(moderation_next_status("withdrawn", MOD_PUBLISH));
}

static void
test_withhold(void **state)
{
	assert_string_equal(moderation_next_status("pending", MOD_WITHHOLD), "withheld");
	assert_string_equal(moderation_next_status("published", MOD_WITHHOLD), "withheld");
	assert_null(moderation_next_status("withheld", MOD_WITHHOLD));
	assert_null(moderation_next_status("withdrawn", MOD_WITHHOLD));
}

static void
test_redact_keeps_status(void **state)
{
	assert_string_equal(moderation_next_status("pending", MOD_REDACT), "pending");
	assert_string_equal(moderation_next_status("published", MOD_REDACT), "published");
	assert_string_equal(moderation_next_status("withheld", MOD_REDACT), "withheld");
	assert_null(moderation_next_status("withdrawn", MOD_REDACT));
}

static void
test_unknown_status_refused(void **state)
{
	assert_null(moderation_next_status(NULL, MOD_PUBLISH));
	assert_null(moderation_next_status("", MOD_PUBLISH));
	assert_null(moderation_next_status("erased", MOD_WITHHOLD));
	assert_null(moderation_next_status("PENDING", MOD_REDACT));
}

static void
test_correct_keeps_status(void **state)
{
	assert_string_equal(moderation_next_status("pending", MOD_CORRECT), "pending");
	assert_string_equal(moderation_next_status("published", MOD_CORRECT), "published");
	assert_string_equal(moderation_next_status("withheld", MOD_CORRECT), "withheld");
	assert_null(moderation_next_status("withdrawn", MOD_CORRECT));
	assert_null(moderation_next_status("erased", MOD_CORRECT));
}

static void
test_erase_once_from_any_state(void **state)
{
	assert_string_equal(moderation_next_status("pending", MOD_ERASE), "erased");
	assert_string_equal(moderation_next_status("published", MOD_ERASE), "erased");
	assert_string_equal(moderation_next_status("withheld", MOD_ERASE), "erased");
	assert_string_equal(moderation_next_status("withdrawn", MOD_ERASE), "erased");
	assert_null(moderation_next_status("erased", MOD_ERASE));
	assert_null(moderation_next_status(NULL, MOD_ERASE));
	assert_null(moderation_next_status("", MOD_ERASE));
	/* an erased response takes no other decision either */
	assert_null(moderation_next_status("erased", MOD_PUBLISH));
	assert_null(moderation_next_status("erased", MOD_REDACT));
}

static void
test_action_names(void **state)
{
	enum moderation_action a;

	assert_int_equal(moderation_action_parse("publish", &a), 0);
	assert_int_equal(a, MOD_PUBLISH);
	assert_int_equal(moderation_action_parse("withhold", &a), 0);
	assert_int_equal(a, MOD_WITHHOLD);
	assert_int_equal(moderation_action_parse("redact", &a), 0);
	assert_int_equal(a, MOD_REDACT);
	assert_int_equal(moderation_action_parse("erase", &a), -1);
	assert_int_equal(moderation_action_parse("Publish", &a), -1);
	assert_int_equal(moderation_action_parse(NULL, &a), -1);
	assert_string_equal(moderation_action_name(MOD_WITHHOLD), "withhold");
	/* correct and erase are named, but not decisions the secretariat takes alone */
	assert_string_equal(moderation_action_name(MOD_ERASE), "erase");
	assert_string_equal(moderation_action_name(MOD_CORRECT), "correct");
	assert_int_equal(moderation_action_parse("correct", &a), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_withhold),
		cmocka_unit_test(test_redact_keeps_status),
		cmocka_unit_test(test_unknown_status_refused),
		cmocka_unit_test(test_correct_keeps_status),
		cmocka_unit_test(test_erase_once_from_any_state),
		cmocka_unit_test(test_action_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
