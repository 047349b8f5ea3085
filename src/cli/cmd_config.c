/* cmd_config.c: `agora config check` prints the effective settings. */
#include <string.h>

#include "cli.h"

int
cmd_config(int argc, char **argv, struct config *c)
{
	const char *pos[1] = { NULL };
	int rc = cli_parse(argc, argv, c, "config", NULL, NULL, NULL, NULL, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL || strcmp(pos[0], "check") != 0) {
		fprintf(stderr, "agora config: say 'agora config check'\n");
		return EXIT_USAGE;
	}
	printf("%-22s %-28s %-8s %s\n", "setting", "value", "source", "variable");
	config_print(c, stdout);
	return 0;
}
