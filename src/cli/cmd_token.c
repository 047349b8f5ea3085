/* cmd_token.c: `agora token create --email EMAIL [--label TEXT] [--scope LIST]`: a bearer token
 * for the API, shown once. */
#include <string.h>

#include "../domain/account.h"
#include "../domain/scope.h"
#include "cli.h"

int
cmd_token(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--email", "--label", "--scope", NULL };
	const char *vals[3] = { NULL, NULL, NULL }, *pos[1] = { NULL }, *bad;
	struct cli_store s;
	struct token_new t;
	struct err e;
	int rc = cli_parse(argc, argv, c, "token", NULL, NULL, opts, vals, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL || strcmp(pos[0], "create") != 0 || vals[0] == NULL) {
		fprintf(stderr, "agora token: say 'agora token create --email EMAIL'\n");
		return EXIT_USAGE;
	}
	memset(&t, 0, sizeof(t));
	t.scopes = SCOPE_ROLE_DEFAULT;
	if (vals[2] != NULL && scope_parse(vals[2], &t.scopes, &bad) != 0) {
		fprintf(stderr, "agora token: --scope: '%s' is not a scope (consultations, moderation)\n",
			bad ? bad : "");
		return EXIT_USAGE;
	}
	if (cli_store_open(c, &s) != 0)
		return 1;
	t.email = vals[0];
	t.label = vals[1];
	rc = writer_run(s.writer, token_create_fn, &t, &e);
	cli_store_close(&s);
	if (rc != 0) {
		fprintf(stderr, "agora token: %s\n", e.msg);
		return 1;
	}
	printf("%s\n", t.token);
	return 0;
}
