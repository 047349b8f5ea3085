/* cmd_log_data.c: placeholder, filled below by the lead (issue 7, in progress). */
#include <stdio.h>

#include "log_cmds.h"

int log_verify_data(int argc, char **argv, struct config *c) { (void)argc; (void)argv; (void)c; return 1; }
int log_keygen(int argc, char **argv, struct config *c) { (void)argc; (void)argv; (void)c; return 1; }
int log_rotate_key(int argc, char **argv, struct config *c) { (void)argc; (void)argv; (void)c; return 1; }
