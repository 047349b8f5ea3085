/* test_scope.c: API token scopes: names parsed with commas or spaces, unknown names refused and
 * named, formatted back in a fixed order, only the secretariat allowed any; and the route table
 * gives every secretariat API route exactly one scope (route_table_check would stop the server). */
#include "unit.h"

#include <string.h>

#include "domain/scope.h"
#include "web/route.h"

static void
test_parse(void **state)
{
	unsigned s;
	const char *bad;

	assert_int_equal(scope_parse("consultations,moderation", &s, &bad), 0);
	assert_int_equal(s, SCOPE_ALL);
	assert_int_equal(scope_parse(" moderation  ", &s, &bad), 0);
	assert_int_equal(s, SCOPE_MODERATION_BIT);
	assert_int_equal(scope_parse("", &s, &bad), 0);
	assert_int_equal(s, SCOPE_NONE);
	assert_int_equal(scope_parse("moderation,publishing", &s, &bad), -1);
	assert_string_equal(bad, "publishing");
	assert_int_equal(scope_parse("moderationx", &s, &bad), -1);	/* no prefix match */
	assert_int_equal(scope_parse("consultation", &s, &bad), -1);
}

static void
test_format_and_roles(void **state)
{
	char out[SCOPES_TEXT_MAX], tiny[8];

	scope_format(SCOPE_MODERATION_BIT | SCOPE_CONSULTATIONS_BIT, out, sizeof(out));
	assert_string_equal(out, "consultations moderation");
	scope_format(SCOPE_NONE, out, sizeof(out));
	assert_string_equal(out, "");
	scope_format(SCOPE_ALL, tiny, sizeof(tiny));	/* cut short, still a string */
	assert_true(strlen(tiny) < sizeof(tiny));
	assert_int_equal(scope_allowed("secretariat"), SCOPE_ALL);
	assert_int_equal(scope_allowed("chair"), SCOPE_NONE);
	assert_int_equal(scope_allowed("stakeholder"), SCOPE_NONE);
	assert_int_equal(scope_allowed(NULL), SCOPE_NONE);
	assert_string_equal(scope_name(SCOPE_MODERATION_BIT), "moderation");
	assert_null(scope_name(SCOPE_ALL));
}

static void
test_routes_have_one_scope(void **state)
{
	int secretariat_api = 0;

	for (int i = 0; i < nroutes; i++) {
		unsigned f = routes[i].flags, s = (f & ROUTE_SCOPES) >> ROUTE_SCOPE_SHIFT;
		if ((f & ROLE_SECRETARIAT) && (f & ROUTE_API)) {
			secretariat_api++;
			assert_non_null(scope_name(s));
		} else {
			assert_int_equal(s, 0);
		}
	}
	assert_true(secretariat_api >= 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format_and_roles),
		cmocka_unit_test(test_routes_have_one_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
