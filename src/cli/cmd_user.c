/* cmd_user.c: `agora user create`: an account, with a random password shown once. */
#include <sodium.h>
#include <string.h>

#include "../domain/account.h"
#include "../util/str.h"
#include "cli.h"

static const char *const roles[] = { "secretariat", "chair", "focal_point", "delegate", "stakeholder", NULL };

int
cmd_user(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--email", "--name", "--role", NULL };
	const char *vals[3] = { NULL, NULL, NULL }, *pos[1] = { NULL };
	struct cli_store s;
	struct account_new a;
	struct err e;
	char password[21];
	int known = 0, rc = cli_parse(argc, argv, c, "user", NULL, NULL, opts, vals, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL || strcmp(pos[0], "create") != 0 || vals[0] == NULL || vals[1] == NULL ||
	    vals[2] == NULL) {
		fprintf(stderr, "agora user: say 'agora user create --email EMAIL --name NAME --role ROLE'\n");
		return EXIT_USAGE;
	}
	for (int i = 0; roles[i]; i++)
		known |= strcmp(roles[i], vals[2]) == 0;
	if (!known) {
		fprintf(stderr, "agora user: --role must be secretariat, chair, focal_point, delegate or "
				"stakeholder\n");
		return EXIT_USAGE;
	}
	if (!utf8_valid(vals[1], strlen(vals[1])) || vals[1][0] == '\0') {
		fprintf(stderr, "agora user: --name must be some UTF-8 text\n");
		return EXIT_USAGE;
	}
	if (sodium_init() < 0 || cli_store_open(c, &s) != 0)
		return 1;
	account_random_password(password, 20);
	memset(&a, 0, sizeof(a));
	a.email = vals[0];
	a.name = vals[1];
	a.role = vals[2];
	a.password = password;
	rc = writer_run(s.writer, account_create_fn, &a, &e);
	cli_store_close(&s);
	if (rc != 0) {
		fprintf(stderr, "agora user: %s\n", e.msg);
		sodium_memzero(password, sizeof(password));
		return 1;
	}
	printf("Created the account %s (%s)\nPassword: %s\n(shown once; keep it safe)\n", a.email, a.role,
	       password);
	sodium_memzero(password, sizeof(password));
	return 0;
}
