/* log_cmds.h: the subcommands of `agora log` (cmd_log.c dispatches). Each takes the argv
 * starting at the subcommand's name and returns an exit status (0, 1 failure, 2 usage). */
#ifndef AGORA_LOG_CMDS_H
#define AGORA_LOG_CMDS_H
#include "../util/config.h"

int log_verify_data(int argc, char **argv, struct config *c);	/* cmd_log_data.c */
/* The checks of `agora log verify --data` on c's data folder (or --db), report on stdout:
 * 0 all agree, 1 a mismatch or an error (printed). agora restore calls it too. */
int log_verify_folder(struct config *c);	/* cmd_log_data.c */
int log_keygen(int argc, char **argv, struct config *c);	/* cmd_log_data.c */
int log_rotate_key(int argc, char **argv, struct config *c);	/* cmd_log_data.c */
int log_verify_url(int argc, char **argv, struct config *c);	/* cmd_log_remote.c */
int log_witness(int argc, char **argv, struct config *c);	/* cmd_log_witness.c */
int log_witness_keygen(int argc, char **argv, struct config *c);	/* cmd_log_witness.c */
int log_monitor(int argc, char **argv, struct config *c);	/* cmd_log_monitor.c */

#endif
