/* report_worker.c: the formats, and the PDF worker: `agora worker render-pdf` runs as a child
 * under resource limits (address space, CPU time, file size, open files, no core), with the
 * report model as JSON on its stdin and the output file as its stdout, so that a layout engine
 * that misbehaves on some text can only kill its own worker. */
#define _GNU_SOURCE	/* close_range via syscall */
#include "render.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"

#define PDF_TIMEOUT_MS 120000
#define PDF_CPU_SECONDS 60
#define PDF_MEMORY_BYTES (2LL << 30)	/* the CJK fonts are large; pango caches glyphs */
#define PDF_FILE_BYTES (256LL << 20)	/* the PDF itself, and fontconfig's cache */
#define PDF_NOFILE 256			/* fontconfig opens its cache and font files */

static const char *const format_names[REPORT_FORMATS] = { "html", "pdf", "docx" };

int
report_format_parse(const char *s, enum report_format *out)
{
	for (int f = 0; f < REPORT_FORMATS; f++)
		if (s != NULL && strcmp(s, format_names[f]) == 0) {
			*out = (enum report_format)f;
			return 0;
		}
	return -1;
}

const char *
report_format_media_type(enum report_format f)
{
	switch (f) {
	case REPORT_HTML:
		return "text/html; charset=utf-8";
	case REPORT_PDF:
		return "application/pdf";
	default:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	}
}

const char *
report_format_ext(enum report_format f)
{
	return (int)f >= 0 && f < REPORT_FORMATS ? format_names[f] : "bin";
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: stdin, stdout and stderr set, everything else closed, the limits, then exec. */
static void
child_exec(const char *exe, int in_fd, int out_fd, int err_fd)
{
	char *argv[] = { (char *)exe, "worker", "render-pdf", NULL };
	struct rlimit r;
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
		_exit(127);
	/* Nothing of the server's (database, sockets, keys) goes into the worker. */
	if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	r.rlim_cur = r.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &r);
	r.rlim_cur = r.rlim_max = (rlim_t)PDF_FILE_BYTES;
	setrlimit(RLIMIT_FSIZE, &r);
	r.rlim_cur = PDF_CPU_SECONDS;
	r.rlim_max = PDF_CPU_SECONDS + 1;
	setrlimit(RLIMIT_CPU, &r);
	r.rlim_cur = r.rlim_max = PDF_NOFILE;
	setrlimit(RLIMIT_NOFILE, &r);
#ifndef __SANITIZE_ADDRESS__
	r.rlim_cur = r.rlim_max = (rlim_t)PDF_MEMORY_BYTES;
	setrlimit(RLIMIT_AS, &r);
#endif
	execv(exe, argv);
	_exit(127);
}

/* The first line of what the worker wrote on stderr (f at its end), into msg. */
static void
worker_message(FILE *f, char *msg, size_t n)
{
	size_t got;

	rewind(f);
	got = fread(msg, 1, n - 1, f);
	msg[got] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
}

int
report_pdf_run(const char *exe, const struct report *rp, int out_fd, int timeout_ms, struct err *e)
{
	FILE *in = tmpfile(), *errf = tmpfile();
	json_t *j = NULL;
	long long deadline;
	int st = 0, rc = -1, timed_out = 0;
	pid_t pid, w;
	char msg[200];

	err_clear(e);
	if (in == NULL || errf == NULL) {
		err_set(e, ERR_INTERNAL, "cannot make a temporary file: %s", strerror(errno));
		goto out;
	}
	if ((j = report_to_json(rp)) == NULL || json_dumpf(j, in, JSON_COMPACT) != 0 || fflush(in) != 0 ||
	    fseek(in, 0, SEEK_SET) != 0) {
		err_set(e, ERR_INTERNAL, "cannot write the report for the worker");
		goto out;
	}
	if ((pid = fork()) < 0) {
		err_set(e, ERR_INTERNAL, "cannot start the worker: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child_exec(exe, fileno(in), out_fd, fileno(errf));
	deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : PDF_TIMEOUT_MS);
	while ((w = waitpid(pid, &st, WNOHANG)) == 0 || (w < 0 && errno == EINTR)) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			timed_out = 1;
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (timed_out) {
		err_set(e, ERR_BUSY, "the PDF worker ran out of time");
		log_warn("msg=\"report pdf timed out\"");
	} else if (w != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		worker_message(errf, msg, sizeof(msg));
		err_set(e, ERR_INTERNAL, "the PDF worker failed (%s%d)%s%s",
			w == pid && WIFSIGNALED(st) ? "signal " : "status ",
			w != pid ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), msg[0] ? ": " : "", msg);
		log_warn("msg=\"report pdf failed\" detail=\"%s\"", e->msg);
	} else {
		rc = 0;
	}
out:
	json_decref(j);
	if (in != NULL)
		fclose(in);
	if (errf != NULL)
		fclose(errf);
	return rc;
}

/* Writes all of data to fd. 0, or -1. */
static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
report_render(const char *exe, const struct report *rp, enum report_format f, int fd, struct err *e)
{
	struct buf b;
	int rc;

	if (f == REPORT_PDF)
		return report_pdf_run(exe, rp, fd, 0, e);
	buf_init(&b);
	if (f == REPORT_HTML)
		rc = report_render_html(rp, &b) == 0 ? 0 : err_set(e, ERR_BUSY, "out of memory");
	else
		rc = report_render_docx(rp, &b, e);
	if (rc == 0 && write_all(fd, b.data, b.len) != 0)
		rc = err_set(e, ERR_INTERNAL, "cannot write the report: %s", strerror(errno));
	buf_free(&b);
	return rc;
}
