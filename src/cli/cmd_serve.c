/* cmd_serve.c: `agora serve`: serves until SIGTERM or SIGINT, then stops cleanly. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/i18n.h"
#include "../util/log.h"
#include "../web/sandbox.h"
#include "../web/server.h"
#include "cli.h"

/* The catalogs: --locale-dir, else locale/ beside the program (build/locale). */
static void
locale_dir(const struct config *c, char *out, size_t n)
{
	char exe[512];
	ssize_t len;
	char *slash;

	if (c->locale_dir[0]) {
		snprintf(out, n, "%s", c->locale_dir);
		return;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0) {
		snprintf(out, n, "locale");
		return;
	}
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	snprintf(out, n, "%s/locale", exe);
}

int
cmd_serve(int argc, char **argv, struct config *c)
{
	struct server srv;
	struct err e;
	sigset_t set;
	int sig, rc = cli_parse(argc, argv, c, "serve", NULL, NULL, NULL, NULL, NULL, 0);
	char dir[600];

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora serve: %s is not a data folder (run 'agora init --data %s')\n",
			c->data, c->data);
		return 1;
	}
	locale_dir(c, dir, sizeof(dir));
	i18n_init(dir);
	/* Block the signals in every thread; this one waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (server_start(&srv, c, &e) != 0) {
		fprintf(stderr, "agora serve: %s\n", e.msg);
		server_stop(&srv);
		return 1;
	}
	/* sandbox: every thread runs now; from here on, only the calls serving needs */
	if (sandbox_seccomp(c, &e) != 0) {
		fprintf(stderr, "agora serve: %s\n", e.msg);
		server_stop(&srv);
		return 1;
	}
	if (strcmp(c->seccomp, "check") == 0) {
		rc = sandbox_seccomp_check(stdout) == 0 ? 0 : 1;
		server_stop(&srv);
		return rc;
	}
	/* end sandbox */
	log_info("msg=listening url=http://%.*s:%u threads=%lld",
		 (int)(strrchr(c->listen, ':') - c->listen), c->listen, srv.port, c->threads);
	printf("Agora is serving http://%.*s:%u/\n", (int)(strrchr(c->listen, ':') - c->listen),
	       c->listen, srv.port);
	fflush(stdout);
	sigwait(&set, &sig);
	log_info("msg=\"stopping\" signal=%s", sig == SIGTERM ? "TERM" : "INT");
	server_stop(&srv);
	log_info("msg=stopped");
	return 0;
}
