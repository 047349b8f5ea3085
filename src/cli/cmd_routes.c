/* cmd_routes.c: `agora routes` prints the route table: what the server answers, and who may ask.
 * The authorization test reads it to find routes its hand-written policy does not mention. */
#include "../web/route.h"
#include "cli.h"

static const char *
role_name(unsigned flags)
{
	if (flags & ROLE_PUBLIC)
		return "public";
	if (flags & ROLE_RESPONDENT)
		return "respondent";
	if (flags & ROLE_ACCOUNT)
		return "account";
	if (flags & ROLE_FOCAL)
		return "focal";
	if (flags & ROLE_SECRETARIAT)
		return "secretariat";
	return "other";
}

int
cmd_routes(int argc, char **argv, struct config *c)
{
	const char *pos[1] = { NULL };
	int rc = cli_parse(argc, argv, c, "routes", NULL, NULL, NULL, NULL, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] != NULL) {
		fprintf(stderr, "agora routes: takes no arguments\n");
		return EXIT_USAGE;
	}
	for (int i = 0; i < nroutes; i++) {
		const char *sep = "";

		printf("%-5s %-48s %-12s %-28s ", routes[i].method, routes[i].pattern, role_name(routes[i].flags),
		       routes[i].name);
		for (int k = 0; k < ROUTE_MAX_PARAMS && routes[i].params[k].name; k++)
			if (routes[i].params[k].where == IN_QUERY) {
				printf("%s%s", sep, routes[i].params[k].name);
				sep = ",";
			}
		printf("%s\n", *sep ? "" : "-");
	}
	return 0;
}
