/* cmd_log.c: `agora log SUBCOMMAND`: the public log from the command line (docs/LEDGER.md). */
#include <string.h>

#include "cli.h"
#include "log_cmds.h"

/* cmd_log_archive.c: checks a round's export archive (docs/EXPORTS.md). */
int log_verify_archive(int argc, char **argv, struct config *c);

int
cmd_log(int argc, char **argv, struct config *c)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "verify") == 0) {
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--url") == 0 || strncmp(argv[i], "--url=", 6) == 0)
				return log_verify_url(argc - 1, argv + 1, c);
			if (strcmp(argv[i], "--archive") == 0)
				return log_verify_archive(argc - 1, argv + 1, c);
		}
		return log_verify_data(argc - 1, argv + 1, c);
	}
	if (strcmp(sub, "witness") == 0)
		return log_witness(argc - 1, argv + 1, c);
	if (strcmp(sub, "witness-keygen") == 0)
		return log_witness_keygen(argc - 1, argv + 1, c);
	if (strcmp(sub, "monitor") == 0)
		return log_monitor(argc - 1, argv + 1, c);
	if (strcmp(sub, "keygen") == 0)
		return log_keygen(argc - 1, argv + 1, c);
	if (strcmp(sub, "rotate-key") == 0)
		return log_rotate_key(argc - 1, argv + 1, c);
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		cli_usage(stdout, "log");
		return 0;
	}
	fprintf(stderr, "agora log: unknown subcommand '%s'\n", sub);
	cli_usage(stderr, "log");
	return EXIT_USAGE;
}
