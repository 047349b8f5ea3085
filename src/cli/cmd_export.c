/* cmd_export.c: `agora export SLUG --format F [-o FILE]`: a round's public responses as the API
 * exports them (docs/EXPORTS.md), read-only beside a running server. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../domain/export.h"
#include "cli.h"

struct progress {
	int tty;
	const char *last;
};

static void
show_progress(void *ctx, const char *what, int64_t done, int64_t total)
{
	struct progress *p = ctx;

	if (!p->tty)
		return;
	if (total >= 0)
		fprintf(stderr, "\r%s: %lld of %lld   ", what, (long long)done, (long long)total);
	else
		fprintf(stderr, "\r%s: %lld   ", what, (long long)done);
	p->last = what;
}

int
cmd_export(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--format", "-o", "--lang", NULL };
	const char *vals[3] = { NULL, NULL, NULL }, *pos[1] = { NULL };
	struct progress pr = { isatty(STDERR_FILENO), NULL };
	char url[600], blobdir[600], tmpdir[600];
	struct export_job job;
	struct blobs *blobs = NULL;
	struct err e;
	int rc = cli_parse(argc, argv, c, "export", NULL, NULL, opts, vals, pos, 1), fd, ret;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	memset(&job, 0, sizeof(job));
	job.lang = LANG_EN;
	if (pos[0] == NULL || vals[0] == NULL || export_format_parse(vals[0], &job.format) != 0) {
		fprintf(stderr, "agora export: %s\n", pos[0] == NULL ? "name the round (its slug)"
				: "--format must be csv, xlsx, json or zip");
		cli_usage(stderr, "export");
		return EXIT_USAGE;
	}
	if (vals[2] != NULL && lang_from_code(vals[2], &job.lang) != 0) {
		fprintf(stderr, "agora export: --lang must be one of ar, zh, en, fr, ru, es\n");
		return EXIT_USAGE;
	}
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora export: %s is not a data folder\n", c->data);
		return 1;
	}
	snprintf(blobdir, sizeof(blobdir), "%s/blobs", c->data);
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", c->data);
	config_db_url(c, url, sizeof(url));
	if (blobs_open(blobdir, url, &blobs, &e) != 0) {
		fprintf(stderr, "agora export: %s\n", e.msg);
		return 1;
	}
	if (vals[1] == NULL || strcmp(vals[1], "-") == 0) {
		fd = STDOUT_FILENO;
	} else if ((fd = open(vals[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "agora export: cannot write %s: %s\n", vals[1], strerror(errno));
		blobs_close(blobs);
		return 1;
	}
	job.db_url = url;
	job.blobs = blobs;
	job.tmpdir = tmpdir;
	job.slug = pos[0];
	job.out_fd = fd;
	job.progress = show_progress;
	job.progress_ctx = &pr;
	ret = export_run(&job, &e);
	if (pr.last != NULL)
		fputc('\n', stderr);
	if (ret == 0 && fd != STDOUT_FILENO && fsync(fd) != 0) {
		err_set(&e, ERR_FULL, "cannot write %s: %s", vals[1], strerror(errno));
		ret = -1;
	}
	if (fd != STDOUT_FILENO && close(fd) != 0 && ret == 0) {
		err_set(&e, ERR_FULL, "cannot write %s: %s", vals[1], strerror(errno));
		ret = -1;
	}
	blobs_close(blobs);
	if (ret != 0) {
		fprintf(stderr, "agora export: %s\n", e.msg);
		if (fd != STDOUT_FILENO)
			unlink(vals[1]);	/* no half-written export left behind */
		return 1;
	}
	if (pr.tty)
		fprintf(stderr, "agora export: %lld responses of %s\n", (long long)job.rows, job.slug);
	return 0;
}
