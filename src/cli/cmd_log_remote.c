/* cmd_log_remote.c: placeholder until the remote log tools land (issue 7, in progress). */
#include <stdio.h>

#include "log_cmds.h"

int
log_verify_url(int argc, char **argv, struct config *c)
{
	(void)argc; (void)argv; (void)c;
	fprintf(stderr, "agora log: not built yet\n");
	return 1;
}
