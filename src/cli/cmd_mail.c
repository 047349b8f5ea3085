/* cmd_mail.c: `agora mail list [--to EMAIL] [--limit N]`: the outbox, newest first, so an
 * operator can read the links of confirmation and invitation mails before mail is sent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/outbox.h"
#include "../util/timefmt.h"
#include "cli.h"

#define MAIL_LIMIT_DEFAULT 50
#define MAIL_LIMIT_MAX 10000

int
cmd_mail(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--to", "--limit", NULL };
	const char *vals[2] = { NULL, NULL }, *pos[1] = { NULL };
	struct cli_store s;
	struct outbox_row *m = NULL;
	struct arena *a;
	struct db *db;
	struct err e;
	char at[TIME_RFC3339_LEN], sent[TIME_RFC3339_LEN];
	long limit = MAIL_LIMIT_DEFAULT;
	char *end;
	int n, rc = cli_parse(argc, argv, c, "mail", NULL, NULL, opts, vals, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL || strcmp(pos[0], "list") != 0) {
		fprintf(stderr, "agora mail: say 'agora mail list [--to EMAIL] [--limit N]'\n");
		return EXIT_USAGE;
	}
	if (vals[1] != NULL) {
		errno = 0;
		limit = strtol(vals[1], &end, 10);
		if (errno != 0 || end == vals[1] || *end != '\0' || limit < 1 || limit > MAIL_LIMIT_MAX) {
			fprintf(stderr, "agora mail: --limit must be a number from 1 to %d\n", MAIL_LIMIT_MAX);
			return EXIT_USAGE;
		}
	}
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora mail: %s is not a data folder (agora init makes one)\n", c->data);
		return 1;
	}
	if (cli_store_open(c, &s) != 0)	/* migrates an older data folder first */
		return 1;
	if ((a = arena_new()) == NULL || db_open(s.db_url, DB_READONLY, &db, &e) != 0) {
		fprintf(stderr, "agora mail: cannot read the database\n");
		arena_free(a);
		cli_store_close(&s);
		return 1;
	}
	if ((n = outbox_list(db, a, vals[0], (int)limit, &m, &e)) < 0)
		fprintf(stderr, "agora mail: %s\n", e.msg);
	for (int i = 0; i < n; i++) {
		time_format_rfc3339(m[i].created_at, at);
		if (m[i].sent_at != 0)
			time_format_rfc3339(m[i].sent_at, sent);
		printf("Mail %lld  %s  %s  (%s)\nTo: %s\nLanguage: %s\nSent: %s\nSubject: %s\n\n%s\n", (long long)m[i].id,
		       at, m[i].kind, m[i].sent_at ? "sent" : "waiting", m[i].to, m[i].lang,
		       m[i].sent_at ? sent : "not yet", m[i].subject, m[i].body);
		printf("-----\n");
	}
	db_close(db);
	arena_free(a);
	cli_store_close(&s);
	return n < 0 ? 1 : 0;
}
