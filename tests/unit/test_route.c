/* test_route.c: which routes may read from the read replica (--db-read, docs/DEPLOY.md):
 * ROUTE_REPLICA only on public GETs; never on the receipt, the manage pages, the public log,
 * downloads, exports or the health check (they must see what was just committed); and on the
 * public repository's pages, API, search and feeds. */
#include "unit.h"

#include <string.h>

#include "web/route.h"

static const struct route *
by_name(const char *name)
{
	for (int i = 0; i < nroutes; i++)
		if (strcmp(routes[i].name, name) == 0)
			return &routes[i];
	fail_msg("no route named %s", name);
	return NULL;
}

static void
test_replica_only_public_gets(void **state)
{
	int n = 0;

	for (int i = 0; i < nroutes; i++) {
		if (!(routes[i].flags & ROUTE_REPLICA))
			continue;
		n++;
		assert_string_equal(routes[i].method, "GET");
		assert_true(routes[i].flags & ROLE_PUBLIC);
	}
	assert_true(n >= 20);
}

static void
test_primary_routes(void **state)
{
	static const char *const primary[] = {
		"receipt", "api_receipt", "manage", "manage_requests", "respond", "log", "log_checkpoint",
		"log_tile", "api_log_checkpoint", "api_log_entries", "api_log_inclusion", "api_log_consistency",
		"attachment", "document_download", "api_export_csv", "api_export_zip", "healthz", "login",
		"register_confirm", "invitation",
	};

	for (size_t i = 0; i < sizeof(primary) / sizeof(primary[0]); i++)
		if (by_name(primary[i])->flags & ROUTE_REPLICA)
			fail_msg("%s must read the primary", primary[i]);
}

static void
test_replica_routes(void **state)
{
	static const char *const replica[] = {
		"home", "consultations", "consultation", "response", "api_consultations", "api_consultation",
		"api_responses", "api_response", "search", "api_search", "consultations_atom", "meetings",
		"documents", "proposals", "summary",
	};

	for (size_t i = 0; i < sizeof(replica) / sizeof(replica[0]); i++)
		if (!(by_name(replica[i])->flags & ROUTE_REPLICA))
			fail_msg("%s should read the replica", replica[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replica_only_public_gets),
		cmocka_unit_test(test_primary_routes),
		cmocka_unit_test(test_replica_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
