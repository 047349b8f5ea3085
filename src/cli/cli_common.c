/* cli_common.c: argument parsing and the store that commands share. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../domain/consultation.h"
#include "../domain/events.h"
#include "../domain/subscription.h"
#include "../store/migrate.h"
#include "../store/scheduler.h"
#include "../util/i18n.h"
#include "../util/log.h"
#include "../util/str.h"
#include "cli.h"
#include "../domain/notice.h"	/* issue 13 */
#include "../domain/notice_response.h"

int
cli_parse(int argc, char **argv, struct config *c, const char *cmd, const char *const *bool_flags,
	  int *bools, const char *const *value_opts, const char **values, const char **pos, int npos)
{
	char err[256];
	int np = 0;
	enum log_level lvl;

	for (int i = 1; i < argc;) {
		const char *a = argv[i];
		int matched = 0;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli_usage(stdout, cmd);
			return 1;
		}
		switch (config_take_flag(c, argc, argv, &i, err, sizeof(err))) {
		case CONFIG_TAKEN:
			continue;
		case CONFIG_BAD:
			fprintf(stderr, "agora %s: %s\n", cmd, err);
			return EXIT_USAGE;
		case CONFIG_NOT_MINE:
			break;
		}
		for (int k = 0; bool_flags && bool_flags[k]; k++)
			if (strcmp(a, bool_flags[k]) == 0) {
				bools[k] = 1;
				matched = 1;
			}
		for (int k = 0; !matched && value_opts && value_opts[k]; k++)
			if (strcmp(a, value_opts[k]) == 0) {
				if (i + 1 >= argc) {
					fprintf(stderr, "agora %s: %s needs a value\n", cmd, a);
					return EXIT_USAGE;
				}
				values[k] = argv[++i];
				matched = 1;
			}
		if (!matched && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "agora %s: unknown option '%s' (see agora %s --help)\n", cmd, a, cmd);
			return EXIT_USAGE;
		}
		if (!matched) {
			if (np == npos) {
				fprintf(stderr, "agora %s: unexpected argument '%s'\n", cmd, a);
				return EXIT_USAGE;
			}
			pos[np++] = a;
		}
		i++;
	}
	/* Commands other than serve say only what matters, unless asked for more. */
	if (strcmp(cmd, "serve") != 0 && str_eq(config_source(c, "log-level"), "default"))
		snprintf(c->log_level, sizeof(c->log_level), "warn");
	if (log_level_parse(c->log_level, &lvl) != 0) {
		fprintf(stderr, "agora %s: --log-level must be debug, info, warn or error\n", cmd);
		return EXIT_USAGE;
	}
	log_init(lvl, stderr);
	return 0;
}

int
cli_is_data_folder(const char *dir)
{
	char path[600];

	/* agora.db: a SQLite store; keys/: init made it, whatever the store (on PostgreSQL
	 * the folder holds the keys and the blob cache, and no agora.db) */
	snprintf(path, sizeof(path), "%s/agora.db", dir);
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(path, sizeof(path), "%s/keys", dir);
	return access(path, F_OK) == 0;
}

/* A command's writes may mail subscribers (a round opened from the command line): the
 * links' address, and the catalogs (--locale-dir, else locale/ beside the program) so each
 * notice is in its subscriber's language. */
static void
notice_init(const struct config *c)
{
	char exe[512], dir[600], *slash;
	ssize_t len;

	notice_set_base_url(c->public_url, 0);
	if (c->locale_dir[0]) {
		snprintf(dir, sizeof(dir), "%s", c->locale_dir);
	} else if ((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s/locale", exe);
	} else {
		snprintf(dir, sizeof(dir), "locale");
	}
	i18n_init(dir);
}

int
cli_store_open(struct config *c, struct cli_store *s)
{
	struct db *db;
	struct err e;
	int64_t pending;

	memset(s, 0, sizeof(*s));
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora: %s is not a data folder (run 'agora init --data %s' first)\n",
			c->data, c->data);
		return 1;
	}
	config_db_url(c, s->db_url, sizeof(s->db_url));
	snprintf(s->data, sizeof(s->data), "%s", c->data);
	notice_init(c);
	if (db_open(s->db_url, 0, &db, &e) != 0 || migrate_up(db, &e) < 0) {
		fprintf(stderr, "agora: %s\n", e.msg);
		return 1;
	}
	pending = ledger_pending_count(db);
	if ((s->writer = writer_new(db, 1024, 512, 0)) == NULL) {
		fprintf(stderr, "agora: cannot start the writer\n");
		return 1;
	}
	if (ledger_log_load(c, &s->log, &e) != 0) {
		fprintf(stderr, "agora: %s\n", e.msg);
		return 1;
	}
	writer_set_seal(s->writer, notice_seal, &s->log);	/* issue 13: the log, then receipts by mail */
	notice_set_base_url(c->public_url, 0);
	if (writer_start(s->writer, &e) != 0) {
		fprintf(stderr, "agora: cannot start the writer\n");
		return 1;
	}
	/* Once, after an upgrade: everything the folder held becomes entries (docs/LEDGER.md). */
	if (pending >= 10000)
		fprintf(stderr, "agora: logging the %lld events this data folder held before the public "
			"log (once; about a minute per million)...\n", (long long)pending);
	if (writer_run(s->writer, ledger_touch, NULL, &e) != 0) {
		fprintf(stderr, "agora: the public log: %s\n", e.msg);
		return 1;
	}
	if (pending >= 10000)
		fprintf(stderr, "agora: the public log has its entries\n");
	return 0;
}

void
cli_store_settle(struct cli_store *s)
{
	struct err e;
	int fired = 0;

	if (scheduler_run_due(s->writer, domain_events, domain_nevents, &fired, &e) != 0)
		fprintf(stderr, "agora: scheduler: %s\n", e.msg);
}

void
cli_store_close(struct cli_store *s)
{
	writer_free(s->writer);
	s->writer = NULL;
	ledger_log_wipe(&s->log);
}
