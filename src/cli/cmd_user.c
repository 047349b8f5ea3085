/* cmd_user.c: `agora user create`: an account, with a random password shown once. A delegate
 * or a focal point names its Member State (--state CODE); no other role takes one. --mail-lang CODE
 * is the language of the account's notices by mail (issue 13, docs/MAIL-NOTICES.md). */
#include <sodium.h>
#include <string.h>

#include "../domain/account.h"
#include "../domain/notice.h"
#include "../domain/state.h"
#include "../util/str.h"
#include "cli.h"

/* The account and the language of its notices, in one write. */
struct user_new {
	struct account_new a;
	const char *mail_lang;	/* NULL: the default (docs/MAIL-NOTICES.md) */
};

static int
user_create_fn(struct db *db, void *arg, struct err *e)
{
	struct user_new *u = arg;

	if (account_create_fn(db, &u->a, e) != 0)
		return -1;
	return u->mail_lang ? notice_account_lang_set(db, u->a.email, u->mail_lang, e) : 0;
}

int
cmd_user(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--email", "--name", "--role", "--state", "--mail-lang", NULL };
	const char *vals[5] = { NULL, NULL, NULL, NULL, NULL }, *pos[1] = { NULL };
	struct cli_store s;
	struct user_new u;
	struct account_new *a = &u.a;
	struct err e;
	char password[21];
	int rc = cli_parse(argc, argv, c, "user", NULL, NULL, opts, vals, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL || strcmp(pos[0], "create") != 0 || vals[0] == NULL || vals[1] == NULL ||
	    vals[2] == NULL) {
		fprintf(stderr, "agora user: say 'agora user create --email EMAIL --name NAME --role ROLE "
				"[--state CODE] [--mail-lang ar|zh|en|fr|ru|es]'\n");
		return EXIT_USAGE;
	}
	if (!account_role_valid(vals[2])) {
		fprintf(stderr, "agora user: --role must be secretariat, chair, focal_point, delegate or "
				"stakeholder\n");
		return EXIT_USAGE;
	}
	if (account_role_has_state(vals[2]) && vals[3] == NULL) {
		fprintf(stderr, "agora user: a %s belongs to a Member State: add --state CODE (such as CH)\n",
			vals[2]);
		return EXIT_USAGE;
	}
	if (!account_role_has_state(vals[2]) && vals[3] != NULL) {
		fprintf(stderr, "agora user: only a delegate or a focal_point has a --state\n");
		return EXIT_USAGE;
	}
	if (vals[3] != NULL && !state_code_form(vals[3])) {
		fprintf(stderr, "agora user: --state must be a two-letter code in capitals (ISO 3166-1, such as CH)\n");
		return EXIT_USAGE;
	}
	if (vals[4] != NULL && !str_eq(notice_lang_code(vals[4]), vals[4])) {
		fprintf(stderr, "agora user: --mail-lang must be one of ar, zh, en, fr, ru, es\n");
		return EXIT_USAGE;
	}
	if (!account_email_valid(vals[0])) {
		fprintf(stderr, "agora user: --email must be one email address\n");
		return EXIT_USAGE;
	}
	if (!utf8_valid(vals[1], strlen(vals[1])) || vals[1][0] == '\0') {
		fprintf(stderr, "agora user: --name must be some UTF-8 text\n");
		return EXIT_USAGE;
	}
	if (sodium_init() < 0 || cli_store_open(c, &s) != 0)
		return 1;
	account_random_password(password, 20);
	memset(&u, 0, sizeof(u));
	a->email = vals[0];
	a->name = vals[1];
	a->role = vals[2];
	a->state_code = vals[3];
	a->password = password;
	u.mail_lang = vals[4];
	rc = writer_run(s.writer, user_create_fn, &u, &e);
	cli_store_close(&s);
	if (rc != 0) {
		fprintf(stderr, "agora user: %s\n", e.msg);
		sodium_memzero(password, sizeof(password));
		return 1;
	}
	printf("Created the account %s (%s%s%s)\nPassword: %s\n(shown once; keep it safe)\n", a->email, a->role,
	       vals[3] ? " of " : "", vals[3] ? vals[3] : "", password);
	sodium_memzero(password, sizeof(password));
	return 0;
}
