/* cmd_report.c: `agora report --from YYYY-MM --to YYYY-MM --lang LANG --format html|pdf|docx
 * [-o FILE]`: the Chair's report for the months from..to (docs/REPORTS.md), to FILE or stdout.
 * The PDF is drawn by `agora worker render-pdf` under limits, as the server does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../domain/report.h"
#include "../render/render.h"
#include "../store/migrate.h"
#include "../util/i18n.h"
#include "cli.h"

/* The message catalogs: --locale-dir, or locale/ beside the program (as agora serve). */
static void
report_locale_dir(const struct config *c, char *out, size_t n)
{
	char exe[512], *slash;
	ssize_t len;

	if (c->locale_dir[0]) {
		snprintf(out, n, "%s", c->locale_dir);
		return;
	}
	if ((len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0) {
		snprintf(out, n, "locale");
		return;
	}
	exe[len] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		*slash = '\0';
	snprintf(out, n, "%s/locale", exe);
}

/* Copies the file at fd (offset 0) to stdout. 0 or -1. */
static int
copy_out(int fd)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n)
			return -1;
	return n == 0 && fflush(stdout) == 0 ? 0 : -1;
}

int
cmd_report(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--from", "--to", "--lang", "--format", "-o", NULL };
	const char *v[5] = { NULL, NULL, NULL, NULL, NULL };
	int64_t from, to;
	enum lang lang;
	enum report_format fmt;
	struct report rp;
	struct arena *a = NULL;
	struct db *db = NULL;
	struct err e;
	char url[600], dir[600];
	int rc = cli_parse(argc, argv, c, "report", NULL, NULL, opts, v, NULL, 0), fd = -1, meetings = 0;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (v[0] == NULL || v[1] == NULL || v[2] == NULL || v[3] == NULL) {
		fprintf(stderr, "agora report: say --from YYYY-MM --to YYYY-MM --lang LANG --format html|pdf|docx\n");
		return EXIT_USAGE;
	}
	if (report_month_parse(v[0], &from) != 0 || report_month_parse(v[1], &to) != 0) {
		fprintf(stderr, "agora report: --%s '%s' is not a month: write YYYY-MM, such as 2019-02\n",
			report_month_parse(v[0], &from) != 0 ? "from" : "to",
			report_month_parse(v[0], &from) != 0 ? v[0] : v[1]);
		return EXIT_USAGE;
	}
	if (from > to) {
		fprintf(stderr, "agora report: --from %s comes after --to %s\n", v[0], v[1]);
		return EXIT_USAGE;
	}
	if (lang_from_code(v[2], &lang) != 0) {
		fprintf(stderr, "agora report: unknown language '%s': one of ar, zh, en, fr, ru, es\n", v[2]);
		return EXIT_USAGE;
	}
	if (report_format_parse(v[3], &fmt) != 0) {
		fprintf(stderr, "agora report: unknown format '%s': one of html, pdf, docx\n", v[3]);
		return EXIT_USAGE;
	}
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora report: %s is not a data folder\n", c->data);
		return 1;
	}
	report_locale_dir(c, dir, sizeof(dir));
	i18n_init(dir);
	i18n_use(lang);
	config_db_url(c, url, sizeof(url));
	rc = 1;
	if ((a = arena_new()) == NULL) {
		fprintf(stderr, "agora report: out of memory\n");
		goto out;
	}
	if (db_open(url, 0, &db, &e) != 0 || migrate_up(db, &e) < 0 ||
	    report_build(db, a, from, to, lang, &rp, &meetings, &e) != 0) {
		fprintf(stderr, "agora report: %s\n", e.msg);
		goto out;
	}
	/* a file to write into: -o, or an unnamed temporary one copied to stdout */
	if (v[4] != NULL)
		fd = open(v[4], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	else
		fd = fileno(tmpfile());
	if (fd < 0) {
		fprintf(stderr, "agora report: cannot write %s: %s\n", v[4] ? v[4] : "a temporary file", strerror(errno));
		goto out;
	}
	if (report_render("/proc/self/exe", &rp, fmt, fd, &e) != 0) {
		fprintf(stderr, "agora report: %s\n", e.msg);
		goto out;
	}
	if (v[4] == NULL && (lseek(fd, 0, SEEK_SET) != 0 || copy_out(fd) != 0)) {
		fprintf(stderr, "agora report: cannot write to stdout\n");
		goto out;
	}
	if (v[4] != NULL)
		fprintf(stderr, "agora report: %s written (%d meeting(s) in the period)\n", v[4], meetings);
	rc = 0;
out:
	if (fd >= 0 && v[4] != NULL)
		close(fd);
	db_close(db);
	arena_free(a);
	return rc;
}
