/* cli.h: the command table and what commands share. Exit status: 0 success, 1 failure, 2 usage. */
#ifndef AGORA_CLI_H
#define AGORA_CLI_H
#include <stdio.h>

#include "../ledger/log.h"
#include "../store/writer.h"
#include "../util/config.h"

#define EXIT_USAGE 2

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct config *c);
	const char *summary;
	const char *usage;	/* the synopsis and options, for --help */
};

extern const struct command commands[];

int cmd_init(int argc, char **argv, struct config *c);
int cmd_serve(int argc, char **argv, struct config *c);
int cmd_consultation(int argc, char **argv, struct config *c);
int cmd_demo(int argc, char **argv, struct config *c);
int cmd_token(int argc, char **argv, struct config *c);
int cmd_user(int argc, char **argv, struct config *c);
int cmd_routes(int argc, char **argv, struct config *c);
int cmd_config(int argc, char **argv, struct config *c);
int cmd_mail(int argc, char **argv, struct config *c);
int cmd_reindex(int argc, char **argv, struct config *c);
int cmd_search(int argc, char **argv, struct config *c);
int cmd_worker(int argc, char **argv, struct config *c);
int cmd_log(int argc, char **argv, struct config *c);
/* summary */
int cmd_campaigns(int argc, char **argv, struct config *c);
/* end summary */
/* report */
int cmd_report(int argc, char **argv, struct config *c);
/* end report */
/* backup */
int cmd_backup(int argc, char **argv, struct config *c);	/* cmd_backup.c */
int cmd_restore(int argc, char **argv, struct config *c);	/* cmd_restore.c */
/* end backup */
/* export */
int cmd_export(int argc, char **argv, struct config *c);
/* end export */
int cmd_migrate_store(int argc, char **argv, struct config *c);	/* issue 10 */

/* Parses the settings' flags and the command's own: "--flag" options listed in bool_flags
 * set the matching entry of bools, "--opt VALUE" in value_opts fill values; positional
 * arguments go to pos (up to npos). Prints a usage error and returns EXIT_USAGE; 1 for
 * --help (printed); 0 when all is well. */
int cli_parse(int argc, char **argv, struct config *c, const char *cmd,
	      const char *const *bool_flags, int *bools,
	      const char *const *value_opts, const char **values, const char **pos, int npos);
void cli_usage(FILE *out, const char *cmd);

/* An open store for commands: the database migrated, the writer running. */
struct cli_store {
	struct writer *writer;
	struct ledger_log log;	/* signs the public log's checkpoints */
	char db_url[600];
	char data[600];		/* the data folder (--data): keys, and the blobs or their cache */
};
int cli_store_open(struct config *c, struct cli_store *s);	/* 0 or 1 (error printed) */
/* Fires due scheduler events (a round whose opening time has passed opens). */
void cli_store_settle(struct cli_store *s);
void cli_store_close(struct cli_store *s);
/* Is dir an Agora data folder (it has agora.db)? */
int cli_is_data_folder(const char *dir);
/* Is the embedded demo file a consultation round (not meetings, proposals, documents...)? */
int cli_demo_is_round(const char *path);
/* Loads the embedded demo set into an open store; progress on a terminal. 0 or 1. */
int cli_demo_load(struct cli_store *s);
/* The demo's people besides the secretariat: a chair, a focal point and a delegate of IN and of
 * KE, and a stakeholder, each with a random password, printed (one "email password role state"
 * line each) to out. 0 or 1. */
int cli_demo_accounts(struct cli_store *s, FILE *out);
/* Adds n (0..DEMO_MAX_RESPONSES) generated responses from fictional respondents to the demo
 * rounds that have opened, in batches; progress on a terminal. The same n on the same store
 * gives the same respondents and texts. 0 or 1 (error printed). */
#define DEMO_MAX_RESPONSES 1000000
int cli_demo_responses(struct cli_store *s, long n);

#endif
