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
	for (int i = 0; i < nroutes; i++)
		printf("%-5s %-48s %-12s %s\n", routes[i].method, routes[i].pattern, role_name(routes[i].flags),
		       routes[i].name);
	return 0;
}
