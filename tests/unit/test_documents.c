/* test_documents.c: the one access rule of documents (document_visible), who may write them
 * (document_may_write, document_may_create), the symbol and its URL form both ways, and the
 * route parameter kind that takes the URL form. */
#include "unit.h"

#include <string.h>

#include "domain/document.h"
#include "web/route.h"

static const char *const roles[] = { "", "stakeholder", "delegate", "focal_point", "chair", "secretariat" };
#define NROLES 6

/* The state each role's visitor belongs to ("" for those without one). */
static const char *
state_of(const char *role, const char *member_state)
{
	return strcmp(role, "delegate") == 0 || strcmp(role, "focal_point") == 0 ? member_state : "";
}

static void
test_public_is_for_everyone(void **state)
{
	for (int i = 0; i < NROLES; i++) {
		assert_int_equal(document_visible("submitted", 1, "KE", roles[i], state_of(roles[i], "CH")), 1);
		assert_int_equal(document_visible("submitted", 1, "", roles[i], state_of(roles[i], "CH")), 1);
	}
}

static void
test_submitted_is_for_members(void **state)
{
	/* anonymous, stakeholder: no; delegate, focal point (of any state), chair, secretariat: yes */
	static const int want[NROLES] = { 0, 0, 1, 1, 1, 1 };

	for (int i = 0; i < NROLES; i++) {
		assert_int_equal(document_visible("submitted", 0, "KE", roles[i], state_of(roles[i], "CH")), want[i]);
		assert_int_equal(document_visible("submitted", 0, "KE", roles[i], state_of(roles[i], "KE")), want[i]);
		assert_int_equal(document_visible("submitted", 0, NULL, roles[i], state_of(roles[i], "KE")), want[i]);
	}
	assert_int_equal(document_visible("submitted", 0, "KE", NULL, NULL), 0);	/* no session at all */
}

static void
test_draft_is_for_its_state(void **state)
{
	/* KE's draft: KE's delegate and focal point, and the secretariat */
	assert_int_equal(document_visible("draft", 0, "KE", "delegate", "KE"), 1);
	assert_int_equal(document_visible("draft", 0, "KE", "focal_point", "KE"), 1);
	assert_int_equal(document_visible("draft", 0, "KE", "secretariat", ""), 1);
	assert_int_equal(document_visible("draft", 0, "KE", "delegate", "CH"), 0);
	assert_int_equal(document_visible("draft", 0, "KE", "focal_point", "CH"), 0);
	assert_int_equal(document_visible("draft", 0, "KE", "chair", ""), 0);
	assert_int_equal(document_visible("draft", 0, "KE", "stakeholder", ""), 0);
	assert_int_equal(document_visible("draft", 0, "KE", "", ""), 0);
	/* a state-less member (it cannot exist, but must not match an empty author) */
	assert_int_equal(document_visible("draft", 0, "", "delegate", ""), 0);
	assert_int_equal(document_visible("draft", 0, NULL, "delegate", NULL), 0);
	/* the secretariat's draft: the secretariat only */
	assert_int_equal(document_visible("draft", 0, "", "secretariat", ""), 1);
	assert_int_equal(document_visible("draft", 0, "", "chair", ""), 0);
	/* a status the rule does not know: nobody but the secretariat */
	assert_int_equal(document_visible("withdrawn", 0, "KE", "delegate", "KE"), 0);
	assert_int_equal(document_visible("withdrawn", 0, "KE", "secretariat", ""), 1);
	/* a role the rule does not know sees only public documents */
	assert_int_equal(document_visible("submitted", 0, "KE", "admin", "KE"), 0);
}

static void
test_who_writes(void **state)
{
	assert_int_equal(document_may_write("KE", "delegate", "KE"), 1);
	assert_int_equal(document_may_write("KE", "focal_point", "KE"), 1);
	assert_int_equal(document_may_write("KE", "secretariat", ""), 1);
	assert_int_equal(document_may_write("", "secretariat", ""), 1);
	assert_int_equal(document_may_write("KE", "delegate", "CH"), 0);
	assert_int_equal(document_may_write("KE", "chair", ""), 0);
	assert_int_equal(document_may_write("KE", "stakeholder", ""), 0);
	assert_int_equal(document_may_write("", "delegate", ""), 0);
	assert_int_equal(document_may_write(NULL, "delegate", NULL), 0);
	assert_int_equal(document_may_create("delegate"), 1);
	assert_int_equal(document_may_create("focal_point"), 1);
	assert_int_equal(document_may_create("secretariat"), 1);
	assert_int_equal(document_may_create("chair"), 0);
	assert_int_equal(document_may_create("stakeholder"), 0);
	assert_int_equal(document_may_create(""), 0);
	assert_int_equal(document_kind_valid("chair_report"), 1);
	assert_int_equal(document_kind_valid("report"), 0);
	assert_int_equal(document_kind_valid(NULL), 0);
}

static void
test_symbols(void **state)
{
	char s[DOCUMENT_SYMBOL_MAX];
	int m = 0, n = 0;

	document_symbol(17, 3, s, sizeof(s));
	assert_string_equal(s, "CWG-Internet 17/3");
	document_symbol_url(17, 3, s, sizeof(s));
	assert_string_equal(s, "cwg-internet-17-3");
	assert_int_equal(document_url_parse(s, &m, &n), 0);
	assert_int_equal(m, 17);
	assert_int_equal(n, 3);
	document_symbol(9999, 9999, s, sizeof(s));
	assert_string_equal(s, "CWG-Internet 9999/9999");
	document_symbol_url(9999, 9999, s, sizeof(s));
	assert_int_equal(document_url_parse(s, &m, &n), 0);
	assert_int_equal(m, 9999);
	assert_int_equal(n, 9999);
	static const char *const bad[] = { "", "cwg-internet-", "cwg-internet-17", "cwg-internet-17-",
					   "cwg-internet-17-0", "cwg-internet-0-3", "cwg-internet-017-3",
					   "cwg-internet-17-03", "cwg-internet-10000-1", "cwg-internet-1-10000",
					   "CWG-Internet-17-3", "cwg-internet-17-3-", "cwg-internet-17-3x",
					   "cwg-internet-17/3", "cwg-internet--17-3", "cwg-internet-17-3\n",
					   "xcwg-internet-17-3", "cwg-internet-+1-3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(document_url_parse(bad[i], &m, &n), -1);
	assert_int_equal(document_url_parse(NULL, &m, &n), -1);
}

static void
test_route_param(void **state)
{
	struct param p = { "symbol", P_SYMBOL, IN_PATH };
	const char *why = NULL;

	assert_int_equal(route_param_check(&p, "cwg-internet-17-3", &why), 0);
	assert_int_equal(route_param_check(&p, "cwg-internet-17-03", &why), -1);
	assert_non_null(why);
	assert_int_equal(route_param_check(&p, "new", &why), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_is_for_everyone),
		cmocka_unit_test(test_submitted_is_for_members),
		cmocka_unit_test(test_draft_is_for_its_state),
		cmocka_unit_test(test_who_writes),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_route_param),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
