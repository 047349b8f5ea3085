/* cmd_mail.c: `agora mail list [--to EMAIL] [--status S] [--limit N]`: the outbox, newest first,
 * each mail with its sending status, so an operator can read the links of confirmation and
 * invitation mails and see what the relay said; `agora mail retry ID`: a failed or suppressed
 * mail queued again (docs/MAIL.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/outbox.h"
#include "../util/clock.h"
#include "../util/timefmt.h"
#include "cli.h"

#define MAIL_LIMIT_DEFAULT 50
#define MAIL_LIMIT_MAX 10000

static const char USAGE[] = "agora mail: say 'agora mail list [--to EMAIL] [--status queued|sent|failed|suppressed] "
			    "[--limit N]' or 'agora mail retry ID'\n";

/* One line saying where the mail stands. */
static void
print_status(const struct outbox_row *m)
{
	char t[TIME_RFC3339_LEN];

	if (strcmp(m->status, "sent") == 0) {
		time_format_rfc3339(m->sent_at, t);
		printf("Status: sent %s (attempts: %lld)\n", t, (long long)m->attempts);
	} else if (strcmp(m->status, "queued") == 0 && m->attempts > 0) {
		time_format_rfc3339(m->next_attempt_at, t);
		printf("Status: queued, next attempt %s (attempts: %lld; last: %s)\n", t, (long long)m->attempts,
		       m->last_error[0] ? m->last_error : "in progress, or interrupted");
	} else if (strcmp(m->status, "queued") == 0) {
		printf("Status: queued, not tried yet\n");
	} else {
		printf("Status: %s (attempts: %lld): %s\n", m->status, (long long)m->attempts, m->last_error);
	}
}

static int
list(struct db *db, const char *to, const char *status, long limit)
{
	struct outbox_row *m = NULL;
	struct arena *a = arena_new();
	struct err e;
	char at[TIME_RFC3339_LEN];
	int n;

	if (a == NULL) {
		fprintf(stderr, "agora mail: out of memory\n");
		return 1;
	}
	if ((n = outbox_list_status(db, a, to, status, 0, (int)limit, &m, &e)) < 0)
		fprintf(stderr, "agora mail: %s\n", e.msg);
	for (int i = 0; i < n; i++) {
		time_format_rfc3339(m[i].created_at, at);
		printf("Mail %lld  %s  %s  (%s)\nTo: %s\nLanguage: %s\nMessage-ID: %s\n", (long long)m[i].id, at,
		       m[i].kind, m[i].status, m[i].to, m[i].lang, m[i].message_id);
		print_status(&m[i]);
		printf("Subject: %s\n\n%s\n-----\n", m[i].subject, m[i].body);
	}
	arena_free(a);
	return n < 0 ? 1 : 0;
}

static int
retry(struct config *c, const char *idstr)
{
	struct outbox_retry r = { .now = 0 };
	struct cli_store s;
	struct err e;
	char *end;
	long long id;

	errno = 0;
	id = strtoll(idstr, &end, 10);
	if (errno != 0 || end == idstr || *end != '\0' || id < 1) {
		fprintf(stderr, "agora mail retry: '%s' is not a mail number (agora mail list shows them)\n", idstr);
		return EXIT_USAGE;
	}
	if (cli_store_open(c, &s) != 0)
		return 1;
	r.mail_id = id;
	r.now = clock_now();
	if (writer_run(s.writer, outbox_retry_fn, &r, &e) != 0) {
		fprintf(stderr, "agora mail retry: %s\n", e.msg);
		cli_store_close(&s);
		return 1;
	}
	printf("Mail %lld was %s; it is queued again and goes at the mail worker's next pass.\n", id, r.status);
	cli_store_close(&s);
	return 0;
}

int
cmd_mail(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--to", "--limit", "--status", NULL };
	const char *vals[3] = { NULL, NULL, NULL }, *pos[2] = { NULL, NULL };
	struct cli_store s;
	struct db *db;
	struct err e;
	long limit = MAIL_LIMIT_DEFAULT;
	char *end;
	int rc = cli_parse(argc, argv, c, "mail", NULL, NULL, opts, vals, pos, 2);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL || (strcmp(pos[0], "list") != 0 && strcmp(pos[0], "retry") != 0) ||
	    (strcmp(pos[0], "retry") == 0) != (pos[1] != NULL)) {
		fputs(USAGE, stderr);
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
	if (vals[2] != NULL && strcmp(vals[2], "queued") != 0 && strcmp(vals[2], "sent") != 0 &&
	    strcmp(vals[2], "failed") != 0 && strcmp(vals[2], "suppressed") != 0) {
		fprintf(stderr, "agora mail: --status must be queued, sent, failed or suppressed\n");
		return EXIT_USAGE;
	}
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora mail: %s is not a data folder (agora init makes one)\n", c->data);
		return 1;
	}
	if (c->test_clock_file[0])
		clock_load_file(c->test_clock_file);
	if (strcmp(pos[0], "retry") == 0)
		return retry(c, pos[1]);
	if (cli_store_open(c, &s) != 0)	/* migrates an older data folder first */
		return 1;
	if (db_open(s.db_url, DB_READONLY, &db, &e) != 0) {
		fprintf(stderr, "agora mail: cannot read the database\n");
		cli_store_close(&s);
		return 1;
	}
	rc = list(db, vals[0], vals[2], limit);
	db_close(db);
	cli_store_close(&s);
	return rc;
}
