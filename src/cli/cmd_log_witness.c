/* cmd_log_witness.c: `agora log witness`, a witness run by another organisation: it checks each
 * new checkpoint of the log against the last one it saw (pinned key, consistency proof), cosigns
 * it (C2SP tlog-cosignature, src/ledger/cosig.h) and hands the cosignature to the platform; and
 * `agora log witness-keygen`, which makes its key (docs/LEDGER-TOOLS.md). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ledger/cosig.h"
#include "../util/buf.h"
#include "cli.h"
#include "log_cmds.h"
#include "logtool.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct witness {
	const char *url, *state;
	struct ledger_verifier log;
	struct ledger_signer w;
};

/* The note to hand in: the body, the blank line, the log's signature lines as served (without
 * any earlier line of this witness), and the new cosignature line. */
static char *
cosigned(const struct lt_checkpoint *cp, const char *name, const char *line)
{
	const char *p = cp->note + cp->body_len + 1, *end = cp->note + cp->len;
	size_t nlen = strlen(name);
	struct buf b;

	buf_init(&b);
	buf_add(&b, cp->note, cp->body_len + 1);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		/* "— " is 4 bytes; then the name and a space */
		if (!(n > 4 + nlen && memcmp(p + 4, name, nlen) == 0 && p[4 + nlen] == ' '))
			buf_add(&b, p, n);
		p += n;
	}
	buf_puts(&b, line);
	return b.failed ? (buf_free(&b), NULL) : buf_detach(&b, NULL);
}

/* One round: 0 cosigned and handed in, 1 refused or failed (printed). */
static int
round_once(struct witness *w)
{
	struct lt_checkpoint now, last;
	char *text = NULL, *line = NULL, *note = NULL, url[LT_URL_MAX];
	int have_last = 0, fork = 0, rc = 1;
	struct http_resp r = { 0 };
	struct err e;
	size_t len;
	json_t *j;

	memset(&last, 0, sizeof(last));
	if (access(w->state, F_OK) == 0) {
		if (lt_read_file(w->state, LT_NOTE_MAX, &text, &len, &e) != 0) {
			printf("FAILED  state: %s\n", e.msg);
			return 1;
		}
		if (lt_open_checkpoint(text, len, &w->log, NULL, &last, &e) != 0) {
			printf("FAILED  state: %s does not hold a checkpoint signed by the pinned key: %s\n",
			    w->state, e.msg);
			lt_checkpoint_free(&last);
			return 1;
		}
		have_last = 1;
	}
	if (lt_fetch_checkpoint(w->url, &w->log, have_last ? last.c.origin : NULL, &now, &e) != 0) {
		printf("%s  checkpoint: %s\n", e.kind == ERR_CONFLICT ? "REFUSED" : "FAILED ", e.msg);
		goto out_last;
	}
	if (have_last) {
		if (lt_check_consistency(w->url, &last.c, &now.c, &fork, &e) != 0) {
			printf("%s  consistency: %s%s\n", fork ? "REFUSED" : "FAILED ", e.msg,
			    fork ? "; not cosigned, the state is kept" : "");
			goto out;
		}
		printf("ok      checkpoint of %llu leaves, consistent with the last one seen (%llu)\n",
		    (unsigned long long)now.c.size, (unsigned long long)last.c.size);
	} else {
		printf("ok      checkpoint of %llu leaves (first run: nothing to compare it with)\n",
		    (unsigned long long)now.c.size);
	}
	if ((line = cosig_line(&w->w, now.note, now.body_len, (uint64_t)lt_now(), &e)) == NULL ||
	    (note = cosigned(&now, w->w.name, line)) == NULL) {
		printf("FAILED  cosign: %s\n", line ? "out of memory" : e.msg);
		goto out;
	}
	/* The checkpoint is verified and consistent: it is the newest tree this witness has seen,
	 * whatever the platform says to the cosignature, so it is kept before handing it in. */
	if (lt_write_atomic(w->state, now.note, now.len, &e) != 0) {
		printf("FAILED  state: %s\n", e.msg);
		goto out;
	}
	if (lt_url(url, w->url, "/api/v1/log/cosignatures") != 0 ||
	    http_post_text(url, note, strlen(note), LT_NOTE_MAX, LT_TIMEOUT_S, &r, &e) < 0) {
		printf("FAILED  hand in: %s\n", e.msg);
		goto out;
	}
	if (r.status != 201) {
		http_status_error(url, &r, &e);
		printf("FAILED  hand in: %s\n", e.msg);
		goto out;
	}
	j = json_loadb(r.body, r.len, 0, NULL);
	printf("ok      cosigned %llu leaves as %s; the log accepted it%s\n",
	    (unsigned long long)now.c.size, w->w.name,
	    json_is_integer(json_object_get(j, "size")) ? "" : " (its answer had no size)");
	json_decref(j);
	rc = 0;
out:
	http_free(&r);
	free(line);
	free(note);
	lt_checkpoint_free(&now);
out_last:
	lt_checkpoint_free(&last);
	fflush(stdout);
	return rc;
}

static int
load_witness_key(const char *path, struct ledger_signer *s)
{
	char *text = NULL;
	struct err e;
	size_t len;
	int rc;

	if (lt_read_file(path, 4096, &text, &len, &e) != 0) {
		fprintf(stderr, "agora log witness: %s\n", e.msg);
		return -1;
	}
	text[strcspn(text, "\r\n")] = '\0';
	rc = cosig_signer_parse(text, s, &e);
	sodium_memzero(text, len);
	free(text);
	if (rc != 0)
		fprintf(stderr, "agora log witness: %s: %s\n", path, e.msg);
	return rc;
}

int
log_witness(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--url", "--key", "--witness-key", "--state",
		"--interval", NULL };
	static const char *const flags[] = { "--once", NULL };
	const char *vals[5] = { NULL, NULL, NULL, NULL, NULL };
	int bools[1] = { 0 }, rc;
	struct witness w;
	struct sigaction sa;
	struct err e;
	long interval = 60;

	if ((rc = cli_parse(argc, argv, c, "log", flags, bools, opts, vals, NULL, 0)) != 0)
		return rc == 1 ? 0 : rc;
	if (!vals[0] || !vals[1] || !vals[2] || !vals[3]) {
		fprintf(stderr, "agora log witness: --url, --key, --witness-key and --state are all "
		    "needed\n");
		return EXIT_USAGE;
	}
	if (lt_interval(vals[4], "witness", &interval) != 0)
		return EXIT_USAGE;
	if (sodium_init() < 0)
		return 1;
	memset(&w, 0, sizeof(w));
	w.url = vals[0];
	w.state = vals[3];
	if (lt_load_vkey(vals[1], &w.log, &e) != 0) {
		fprintf(stderr, "agora log witness: --key: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (load_witness_key(vals[2], &w.w) != 0)
		return EXIT_USAGE;
	if (bools[0]) {
		rc = round_once(&w);
		sodium_memzero(&w.w, sizeof(w.w));
		return rc;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		round_once(&w);
		for (long s = 0; s < interval && !stop; s++)
			sleep(1);
	}
	sodium_memzero(&w.w, sizeof(w.w));
	return 0;
}

int
log_witness_keygen(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--name", "--out", NULL };
	const char *vals[2] = { NULL, NULL };
	char text[LEDGER_KEY_TEXT_MAX];
	struct ledger_signer s;
	struct ledger_verifier v;
	struct err e;
	FILE *f;
	int rc, fd;

	if ((rc = cli_parse(argc, argv, c, "log", NULL, NULL, opts, vals, NULL, 0)) != 0)
		return rc == 1 ? 0 : rc;
	if (!vals[0] || !vals[1]) {
		fprintf(stderr, "agora log witness-keygen: --name and --out are needed\n");
		return EXIT_USAGE;
	}
	if (cosig_key_generate(vals[0], &s, &e) != 0) {
		fprintf(stderr, "agora log witness-keygen: --name: %s\n", e.msg);
		return EXIT_USAGE;
	}
	/* the secret key: readable by its owner only, never over an existing file */
	if ((fd = open(vals[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "agora log witness-keygen: cannot create %s: %s\n", vals[1],
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		sodium_memzero(&s, sizeof(s));
		return 1;
	}
	cosig_signer_text(&s, text);
	fprintf(f, "%s\n", text);
	sodium_memzero(text, sizeof(text));
	if (fflush(f) != 0 || fsync(fd) != 0 || fclose(f) != 0) {
		fprintf(stderr, "agora log witness-keygen: cannot write %s\n", vals[1]);
		sodium_memzero(&s, sizeof(s));
		return 1;
	}
	ledger_signer_verifier(&s, &v);
	sodium_memzero(&s, sizeof(s));
	cosig_verifier_text(&v, text);
	printf("%s\n", text);
	return 0;
}
