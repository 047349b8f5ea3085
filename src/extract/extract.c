/* extract.c: the worker's dispatch by media type, its capped output, plain text, and extract_run,
 * which runs the worker under resource limits and reads its text. */
#define _GNU_SOURCE	/* pipe2 */
#include "extract_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/str.h"

#define MEDIA_PDF "application/pdf"
#define MEDIA_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MEDIA_ODT "application/vnd.oasis.opendocument.text"

#define STDERR_KEEP 1024	/* bytes of the worker's stderr kept for the log */
#define WORKER_NOFILE 32	/* the file, the pipes, and what GLib opens for itself */

static const struct extract_limits default_limits = {
	.timeout_ms = 60000,
	.cpu_seconds = 30,
	.memory_bytes = 1LL << 30,
};
static struct extract_limits limits = {
	.timeout_ms = 60000,
	.cpu_seconds = 30,
	.memory_bytes = 1LL << 30,
};

void
extract_set_limits(const struct extract_limits *l)
{
	limits = l != NULL ? *l : default_limits;
}

/* The length of the longest prefix of s[0..len) that does not end inside a UTF-8 sequence. */
static size_t
utf8_boundary(const char *s, size_t len)
{
	size_t i = len, back = 0;

	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return len;
	/* s[i - 1] leads a sequence: keep it only when all its continuation bytes are there. */
	{
		unsigned char c = (unsigned char)s[i - 1];
		size_t need = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
		return back >= need ? len : i - 1;
	}
}

void
xout_init(struct xout *o, int fd)
{
	o->fd = fd;
	o->full = o->failed = 0;
	o->total = o->used = 0;
}

int
xout_flush(struct xout *o)
{
	size_t off = 0;
	ssize_t n;

	while (off < o->used && !o->failed) {
		n = write(o->fd, o->buf + off, o->used - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->failed = 1;
		else
			off += (size_t)n;
	}
	o->used = 0;
	return o->failed ? -1 : 0;
}

int
xout_write(struct xout *o, const char *s, size_t len)
{
	size_t take, room;
	const char *nul;

	while (len > 0) {
		if (o->full || o->failed)
			return -1;
		/* A NUL ends the parent's C string: drop it. */
		if ((nul = memchr(s, '\0', len)) != NULL && nul == s) {
			s++;
			len--;
			continue;
		}
		take = nul != NULL ? (size_t)(nul - s) : len;
		room = EXTRACT_MAX_TEXT - o->total;
		if (take >= room) {
			take = utf8_boundary(s, room);
			o->full = 1;
		}
		if (o->used + take > sizeof(o->buf) && xout_flush(o) != 0)
			return -1;
		if (take > sizeof(o->buf)) {	/* too big to buffer: written through in pieces */
			for (size_t off = 0; off < take;) {
				size_t part = take - off > sizeof(o->buf) ? sizeof(o->buf) : take - off;

				memcpy(o->buf, s + off, part);
				o->used = part;
				if (xout_flush(o) != 0)
					return -1;
				off += part;
			}
		} else {
			memcpy(o->buf + o->used, s, take);
			o->used += take;
		}
		o->total += take;
		s += take;
		len -= take;
	}
	return o->full || o->failed ? -1 : 0;
}

int
xout_puts(struct xout *o, const char *s)
{
	return xout_write(o, s, strlen(s));
}

/* The length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* Plain text: the first EXTRACT_MAX_TEXT bytes, each byte that is not part of well-formed UTF-8
 * replaced by U+FFFD (sniffing already refused files that are not UTF-8; this is for a file
 * that changed since, or a caller that did not sniff). */
static enum extract_status
text_extract(const char *path, struct xout *o, struct err *e)
{
	static const char replacement[] = "\xef\xbf\xbd";
	unsigned char *buf;
	size_t len = 0, i, n;
	ssize_t got;
	int fd;

	struct stat st;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0) {
		err_set(e, ERR_NOTFOUND, "cannot open the file: %s", strerror(errno));
		return EXTRACT_FAILED;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {	/* a FIFO would never end */
		close(fd);
		err_set(e, ERR_INVALID, "not a regular file");
		return EXTRACT_FAILED;
	}
	if ((buf = malloc(EXTRACT_MAX_TEXT)) == NULL) {
		close(fd);
		err_set(e, ERR_INTERNAL, "out of memory");
		return EXTRACT_FAILED;
	}
	while (len < EXTRACT_MAX_TEXT) {
		got = read(fd, buf + len, EXTRACT_MAX_TEXT - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	/* A file cut at the cap may end inside a sequence: that tail is dropped, not replaced. */
	if (len == EXTRACT_MAX_TEXT)
		len = utf8_boundary((const char *)buf, len);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_seq(buf + i, len - i)) == 0) {
			n = 1;
			if (xout_write(o, replacement, 3) != 0)
				break;
		} else if (xout_write(o, (const char *)buf + i, n) != 0) {
			break;
		}
	}
	free(buf);
	return EXTRACT_OK;
}

enum extract_status
extract_file(const char *path, const char *media_type, int fd, struct err *e)
{
	enum extract_status s;
	struct xout *o;

	err_clear(e);
	if (str_eq(media_type, "image/png") || str_eq(media_type, "image/jpeg"))
		return EXTRACT_UNSUPPORTED;
	if ((o = malloc(sizeof(*o))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return EXTRACT_FAILED;
	}
	xout_init(o, fd);
	if (str_eq(media_type, MEDIA_PDF))
		s = pdf_extract(path, o, e);
	else if (str_eq(media_type, MEDIA_DOCX))
		s = docx_extract(path, o, e);
	else if (str_eq(media_type, MEDIA_ODT))
		s = odt_extract(path, o, e);
	else if (str_eq(media_type, "text/plain; charset=utf-8") || str_eq(media_type, "text/plain"))
		s = text_extract(path, o, e);
	else {
		err_set(e, ERR_INVALID, "no text is extracted from the type %s", media_type);
		s = EXTRACT_UNSUPPORTED;
	}
	if (xout_flush(o) != 0 && s == EXTRACT_OK) {
		err_set(e, ERR_INTERNAL, "cannot write the text: %s", strerror(errno));
		s = EXTRACT_FAILED;
	}
	free(o);
	return s;
}

/* --- extract_run: the parent's side --- */

static long long
now_ms(void)
{
	struct timespec ts;

	/* The monotonic clock, not clock_now(): tests move the application clock, and a frozen
	 * clock must not make a worker immortal. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child between fork and exec: async-signal-safe calls only. Never returns. */
static void
child_exec(const char *exe, char *const argv[], int out_fd, int err_fd, const struct extract_limits *l)
{
	struct rlimit r;
	sigset_t none;
	int devnull;

	/* The server ignores SIGPIPE and its threads may block signals: the worker starts clean, so
	 * that SIGXCPU and SIGXFSZ reach it. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
		_exit(127);
	if ((devnull = open("/dev/null", O_RDONLY)) < 0 || dup2(devnull, STDIN_FILENO) < 0)
		_exit(127);
	/* Nothing of the server's (database, sockets, keys) goes into the worker. */
	if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	r.rlim_cur = r.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &r);
	setrlimit(RLIMIT_FSIZE, &r);	/* no file may be written (pipes are not files) */
	r.rlim_cur = (rlim_t)l->cpu_seconds;
	r.rlim_max = (rlim_t)l->cpu_seconds + 1;	/* SIGXCPU, then SIGKILL a second later */
	setrlimit(RLIMIT_CPU, &r);
	r.rlim_cur = r.rlim_max = WORKER_NOFILE;
	setrlimit(RLIMIT_NOFILE, &r);
#ifndef __SANITIZE_ADDRESS__
	/* AddressSanitizer reserves terabytes of address space for its shadow: a limit on it would
	 * stop the sanitized worker before main. The timeout and the CPU limit still hold there. */
	r.rlim_cur = r.rlim_max = (rlim_t)l->memory_bytes;
	setrlimit(RLIMIT_AS, &r);
#endif
	execv(exe, argv);
	_exit(127);
}

/* Kills and reaps the child; returns its wait status, or -1 (not an exit) when it cannot be had. */
static int
reap(pid_t pid, int kill_it)
{
	int st = 0;
	pid_t r;

	if (kill_it)
		kill(pid, SIGKILL);
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? st : -1;
}

/* The outcome a worker's wait status says. */
static enum extract_status
status_of(int st)
{
	if (st == -1 || !WIFEXITED(st))
		return EXTRACT_FAILED;
	switch (WEXITSTATUS(st)) {
	case 0:
		return EXTRACT_OK;
	case 10 + EXTRACT_NO_TEXT:
		return EXTRACT_NO_TEXT;
	case 10 + EXTRACT_UNSUPPORTED:
		return EXTRACT_UNSUPPORTED;
	default:
		return EXTRACT_FAILED;
	}
}

/* The worker's stderr, one line, for the log, with how it ended and the limits it ran under:
 * a signal (SIGXCPU, SIGKILL, or SIGABRT after a failed allocation) says a limit stopped it. */
static void
log_stderr(const char *path, const char *errbuf, size_t n, int st, const struct extract_limits *l)
{
	char line[STDERR_KEEP + 1], ended[48];
	size_t i;

	for (i = 0; i < n && i < STDERR_KEEP; i++)
		line[i] = errbuf[i] == '\n' || errbuf[i] == '"' ? ' ' : errbuf[i];
	line[i] = '\0';
	if (st != -1 && WIFSIGNALED(st))
		snprintf(ended, sizeof(ended), "signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (st != -1 && WIFEXITED(st))
		snprintf(ended, sizeof(ended), "exit %d", WEXITSTATUS(st));
	else
		snprintf(ended, sizeof(ended), "unknown");
	log_warn("msg=\"text extraction failed\" path=\"%s\" ended=\"%s\" limits=\"cpu=%ds as=%lld\" worker=\"%s\"",
		 path, ended, l->cpu_seconds, l->memory_bytes, line);
}

enum extract_status
extract_run(const char *exe, const char *path, const char *media_type,
	    struct arena *a, char **text, size_t *len, struct err *e)
{
	struct extract_limits l = limits;
	char *argv[] = { (char *)exe, "worker", "extract", "--type", (char *)media_type, (char *)path, NULL };
	char errbuf[STDERR_KEEP], chunk[1 << 14];	/* on the job thread's stack: kept small */
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	size_t n = 0, cap = 0, nerr = 0;
	char *buf = NULL, *nb;
	int timed_out = 0, capped = 0, open_fds = 2, st;
	long long deadline;
	enum extract_status s;
	struct pollfd pfd[2];
	ssize_t got;
	pid_t pid;

	err_clear(e);
	*text = NULL;
	*len = 0;
	if (path[0] == '-') {	/* it would be read as an option */
		err_set(e, ERR_INVALID, "a file name may not start with '-'");
		goto fail_fds;
	}
	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		err_set(e, ERR_INTERNAL, "cannot make a pipe: %s", strerror(errno));
		goto fail_fds;
	}
	if ((pid = fork()) < 0) {
		err_set(e, ERR_INTERNAL, "cannot start the worker: %s", strerror(errno));
		goto fail_fds;
	}
	if (pid == 0)
		child_exec(exe, argv, outp[1], errp[1], &l);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	deadline = now_ms() + l.timeout_ms;
	pfd[0].fd = outp[0];
	pfd[1].fd = errp[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		long long left = deadline - now_ms();
		int r;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if ((r = poll(pfd, 2, (int)(left > 1000 ? 1000 : left))) < 0) {
			if (errno == EINTR)
				continue;
			timed_out = 1;	/* cannot wait for it: treat as stuck */
			break;
		}
		if (r == 0)
			continue;
		if (pfd[1].revents != 0) {
			got = read(pfd[1].fd, chunk, sizeof(chunk));
			if (got > 0 && nerr < sizeof(errbuf)) {
				size_t k = (size_t)got < sizeof(errbuf) - nerr ? (size_t)got : sizeof(errbuf) - nerr;
				memcpy(errbuf + nerr, chunk, k);
				nerr += k;
			}
			if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
				pfd[1].fd = -1;
				open_fds--;
			}
		}
		if (pfd[0].revents != 0) {
			/* One byte past the cap tells a worker that wrote too much from one that wrote exactly it. */
			size_t want = EXTRACT_MAX_TEXT + 1 - n;
			if (want > sizeof(chunk))
				want = sizeof(chunk);
			got = read(pfd[0].fd, chunk, want);
			if (got > 0) {
				if (n + (size_t)got + 1 > cap) {
					size_t ncap = cap == 0 ? sizeof(chunk) * 2 : cap * 2;
					while (ncap < n + (size_t)got + 1)
						ncap *= 2;
					if ((nb = realloc(buf, ncap)) == NULL) {
						err_set(e, ERR_INTERNAL, "out of memory");
						reap(pid, 1);
						goto fail_fds;
					}
					buf = nb;
					cap = ncap;
				}
				memcpy(buf + n, chunk, (size_t)got);
				n += (size_t)got;
				if (n > EXTRACT_MAX_TEXT) {
					capped = 1;
					break;
				}
			} else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
				pfd[0].fd = -1;
				open_fds--;
			}
		}
	}
	st = reap(pid, timed_out || capped);
	if (timed_out) {
		err_set(e, ERR_BUSY, "the worker ran out of time (%d ms)", l.timeout_ms);
		log_warn("msg=\"text extraction timed out\" path=\"%s\" timeout_ms=%d", path, l.timeout_ms);
		s = EXTRACT_FAILED;
	} else if (capped) {
		/* Too much text: keep the first EXTRACT_MAX_TEXT bytes, cut at a character. */
		n = utf8_boundary(buf, EXTRACT_MAX_TEXT);
		s = EXTRACT_OK;
	} else {
		s = status_of(st);
		if (s == EXTRACT_FAILED) {
			err_set(e, ERR_INVALID, "the file could not be read (damaged, too big, or not of its type)");
			log_stderr(path, errbuf, nerr, st, &l);
		}
	}
	if (s != EXTRACT_OK)
		n = 0;
	if (n > 0 && !utf8_valid(buf, n)) {
		err_set(e, ERR_INTERNAL, "the worker wrote text that is not UTF-8");
		log_warn("msg=\"text extraction wrote invalid UTF-8\" path=\"%s\"", path);
		n = 0;
		s = EXTRACT_FAILED;
	}
	if ((*text = arena_strndup(a, n > 0 ? buf : "", n)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		s = EXTRACT_FAILED;
		n = 0;
	}
	*len = n;
	free(buf);
	close(outp[0]);
	close(errp[0]);
	return s;
fail_fds:
	free(buf);
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	*text = arena_strdup(a, "");
	return EXTRACT_FAILED;
}
