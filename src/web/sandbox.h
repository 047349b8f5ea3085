/* sandbox.h: what `agora serve` gives up once it has bound its port: root, and every system
 * call it does not need (docs/DEPLOY.md, "Privileges and the system call filter"). */
#ifndef AGORA_SANDBOX_H
#define AGORA_SANDBOX_H
#include <netinet/in.h>

#include "../util/config.h"
#include "../util/err.h"

/* A TCP socket bound to sa (non-blocking, close-on-exec), made before root is given up so a
 * port below 1024 works; the caller calls listen() when it is ready to accept (until then a
 * client is refused, as before). Returns the descriptor, or -1 with e set. */
int sandbox_bind(const struct sockaddr_in *sa, struct err *e);

/* When running as root: switches to --user (default "agora") for good: supplementary groups,
 * then the group, then the user; checks that root cannot be taken back and that the user can
 * use the data folder. --user root keeps root (a warning). Not root: does nothing.
 * Call before any thread starts. Returns 0, or -1 with a message in e. */
int sandbox_drop_root(const struct config *c, struct err *e);

/* Installs the system call allow-list on every thread of the process (TSYNC), unless
 * --seccomp off. A refused call fails with EPERM and is logged ("seccomp refused"); in a worker
 * child (exec'd, no handler) it kills the child with SIGSYS. Returns 0, or -1 with e set. */
int sandbox_seccomp(const struct config *c, struct err *e);

/* --seccomp check: after sandbox_seccomp, tries system calls the filter refuses (and that would
 * succeed without it) and calls the server needs; prints one line each. 0 when all behave. */
int sandbox_seccomp_check(FILE *out);

#endif
