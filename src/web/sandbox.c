/* sandbox.c: the serving process gives up root after binding, then every system call it does
 * not need (an allow-list, libseccomp). docs/DEPLOY.md, "Privileges and the system call filter". */
#define _GNU_SOURCE	/* REG_RAX, setgroups, nftw */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include "../util/log.h"

int
sandbox_bind(const struct sockaddr_in *sa, struct err *e)
{
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot make a socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0) {
		err_set(e, ERR_INTERNAL, "cannot listen on port %u: %s", ntohs(sa->sin_port), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The data folder walk: every folder must be writable, every file readable, the databases
 * writable, by the user now running. First failure in bad_path. */
static char bad_path[600];

static int
usable(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;
	int need = R_OK;

	(void)st;
	if (type == FTW_D)
		need = R_OK | W_OK | X_OK;
	else if (type == FTW_DNR || type == FTW_NS)
		need = -1;
	else if (type == FTW_F && strstr(base, ".db") != NULL)	/* agora.db, search.db, -wal, -shm */
		need = R_OK | W_OK;
	if (need < 0 || (type != FTW_SL && access(path, need) != 0)) {
		snprintf(bad_path, sizeof(bad_path), "%s", path);
		return 1;
	}
	return 0;
}

int
sandbox_drop_root(const struct config *c, struct err *e)
{
	const char *src = config_source(c, "user");
	struct passwd *pw;
	gid_t gid;
	uid_t uid;
	int rc;

	if (geteuid() != 0)
		return 0;
	if (strcmp(c->user, "root") == 0) {
		log_warn("msg=\"serving as root: --user root keeps every privilege (docs/DEPLOY.md)\"");
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(c->user)) == NULL) {
		if (src == NULL || strcmp(src, "default") == 0)
			return err_set(e, ERR_INVALID,
				       "started as root, and there is no user '%s' to switch to: create it "
				       "(useradd --system --home-dir /var/lib/agora agora), name another with "
				       "--user NAME, or give --user root to keep root (not recommended)", c->user);
		return err_set(e, ERR_INVALID, "--user %s: no such user", c->user);
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0)
		return err_set(e, ERR_INVALID, "--user %s is root; name an unprivileged user", c->user);
	/* Groups first, then the group, then the user: after setuid nothing else may be changed. */
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		return err_set(e, ERR_INTERNAL, "cannot switch to user %s: %s", c->user, strerror(errno));
	if (setuid(0) == 0 || setgid(0) == 0 || geteuid() != uid || getuid() != uid || getegid() != gid ||
	    getgid() != gid)
		return err_set(e, ERR_INTERNAL, "switched to user %s, but root could be taken back", c->user);
	bad_path[0] = '\0';
	rc = nftw(c->data, usable, 16, FTW_PHYS);
	if (rc < 0)
		return err_set(e, ERR_INVALID, "user %s cannot reach the data folder %s: %s (check the folders "
			       "above it)", c->user, c->data, strerror(errno));
	if (rc != 0)
		return err_set(e, ERR_INVALID,
			       "user %s cannot use %s (made by root?): chown -R %s: %s, or start as %s",
			       c->user, bad_path[0] ? bad_path : c->data, c->user, c->data, c->user);
	log_info("msg=\"switched to an unprivileged user\" user=%s uid=%u gid=%u", c->user, (unsigned)uid,
		 (unsigned)gid);
	return 0;
}

/* What the server, its libraries (SQLite, libpq, libcurl, libmicrohttpd, glibc's resolver) and
 * the worker children it execs (poppler, pango, fontconfig, the dynamic loader) call. */
static const char *const allowed[] = {
	/* files */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2",
	"pwritev2", "open", "openat", "close", "close_range", "stat", "fstat", "lstat", "newfstatat",
	"statx", "statfs", "fstatfs", "access", "faccessat", "faccessat2", "lseek", "getdents",
	"getdents64", "fcntl", "flock", "fsync", "fdatasync", "sync_file_range", "ftruncate",
	"truncate", "rename", "renameat", "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat",
	"rmdir", "link", "linkat", "symlink", "symlinkat", "readlink", "readlinkat", "chmod", "fchmod",
	"fchmodat", "fchown", "utimensat", "getcwd", "chdir", "fchdir", "umask", "dup", "dup2", "dup3",
	"pipe", "pipe2", "sendfile", "copy_file_range", "fadvise64", "fallocate", "memfd_create",
	"inotify_init1", "inotify_add_watch", "inotify_rm_watch", "getxattr", "lgetxattr", "fgetxattr",
	/* network (socket: see the address families below) */
	"connect", "accept", "accept4", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	"recvmmsg", "shutdown", "getsockname", "getpeername", "setsockopt", "getsockopt", "socketpair",
	/* waiting */
	"poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "timerfd_create",
	"timerfd_settime", "timerfd_gettime",
	/* memory */
	"mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "msync", "mincore",
	/* threads, processes (clone: see the flags below) */
	"fork", "vfork", "execve", "wait4", "waitid", "exit", "exit_group", "futex", "set_robust_list",
	"get_robust_list", "set_tid_address", "rseq", "sched_yield", "sched_getaffinity",
	"sched_getparam", "sched_getscheduler", "getpriority", "setpriority", "arch_prctl", "prctl", "membarrier",
	"kill", "tgkill", "tkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait",
	"rt_sigpending", "rt_sigsuspend", "sigaltstack", "restart_syscall",
	/* who and when */
	"gettid", "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
	"getresuid", "getresgid", "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
	"gettimeofday", "time", "getrandom", "getrlimit", "setrlimit", "prlimit64", "getrusage", "times",
	"uname", "sysinfo",
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer's leak check stops the other threads with ptrace at exit */
	"ptrace", "process_vm_readv",
#endif
};

/* Refused calls are counted; the check mode compares the count before and after a call. */
static atomic_int refused_count;

#if defined(__x86_64__) || defined(__aarch64__)
#define SANDBOX_TRAP 1
/* SIGSYS from the filter: log the call's number, make it return -EPERM. Async-signal-safe. */
static void
on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char line[96] = "level=error msg=\"seccomp refused a system call\" syscall=";
	char num[16];
	int n = si->si_syscall, len = 0, i = (int)strlen(line);
	ucontext_t *uc = ctx;

	(void)sig;
	atomic_fetch_add(&refused_count, 1);
	do
		num[len++] = (char)('0' + n % 10);
	while ((n /= 10) > 0 && len < (int)sizeof(num));
	while (len > 0)
		line[i++] = num[--len];
	line[i++] = '\n';
	(void)!write(2, line, (size_t)i);
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
	uc->uc_mcontext.regs[0] = (unsigned long long)-EPERM;
#endif
}
#endif

int
sandbox_seccomp(const struct config *c, struct err *e)
{
	/* namespaces may not be made: a thread or a child, not a container */
	const scmp_datum_t ns = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
				CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
	const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	const unsigned long ioctls[] = { TCGETS, TIOCGWINSZ, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX };
	scmp_filter_ctx f = NULL;
	uint32_t deflt = SCMP_ACT_KILL_PROCESS;
	size_t i;
	int nr, rc = -1;

	if (strcmp(c->seccomp, "off") == 0) {
		log_warn("msg=\"the system call filter is off (--seccomp off)\"");
		return 0;
	}
	if (strcmp(c->seccomp, "on") != 0 && strcmp(c->seccomp, "check") != 0)
		return err_set(e, ERR_INVALID, "--seccomp %s: on, off or check", c->seccomp);
#ifdef SANDBOX_TRAP
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return err_set(e, ERR_INTERNAL, "cannot handle SIGSYS: %s", strerror(errno));
	deflt = SCMP_ACT_TRAP;
#endif
	if ((f = seccomp_init(deflt)) == NULL)
		return err_set(e, ERR_INTERNAL, "cannot make the system call filter");
	if (seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1) != 0) {
		err_set(e, ERR_INTERNAL, "this kernel cannot filter every thread at once (TSYNC)");
		goto out;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if ((nr = seccomp_syscall_resolve_name(allowed[i])) == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0) != 0) {
			err_set(e, ERR_INTERNAL, "cannot allow %s in the filter", allowed[i]);
			goto out;
		}
	}
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i])) != 0)
			goto rule;
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				     SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)ioctls[i])) != 0)
			goto rule;
	if (seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, ns, 0)) != 0)
		goto rule;
	/* clone3's flags are in memory, out of the filter's sight: ENOSYS makes glibc use clone */
	if (seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0)
		goto rule;
	if ((rc = seccomp_load(f)) != 0) {
		err_set(e, ERR_INTERNAL, "cannot install the system call filter: %s (--seccomp off to serve "
			"without it)", strerror(-rc));
		rc = -1;
		goto out;
	}
	log_info("msg=\"system call filter installed\" calls=%zu", sizeof(allowed) / sizeof(allowed[0]) + 4);
	rc = 0;
	goto out;
rule:
	err_set(e, ERR_INTERNAL, "cannot add an argument rule to the filter");
out:
	seccomp_release(f);
	return rc;
}

/* One call the filter should refuse: it fails with EPERM and the handler saw it. */
static int
expect_refused(FILE *out, const char *what, long rc)
{
	int err = errno;
	int ok = rc == -1 && err == EPERM;

	fprintf(out, "%s %s: %s\n", ok ? "refused" : "NOT REFUSED", what, rc == -1 ? strerror(err) : "succeeded");
	return ok ? 0 : -1;
}

int
sandbox_seccomp_check(FILE *out)
{
	char line[128];
	FILE *st;
	int fd, bad = 0, seccomp_mode = -1, n0;
	long rc;

	if ((st = fopen("/proc/self/status", "r")) != NULL) {
		while (fgets(line, sizeof(line), st) != NULL)
			if (strncmp(line, "Seccomp:", 8) == 0)
				seccomp_mode = atoi(line + 8);
		fclose(st);
	}
	fprintf(out, "%s Seccomp: %d\n", seccomp_mode == 2 ? "filtered" : "NOT FILTERED", seccomp_mode);
	bad |= seccomp_mode != 2;
	/* allowed: a TCP socket, the clock */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	fprintf(out, "%s socket(AF_INET)\n", fd >= 0 ? "allowed" : "NOT ALLOWED");
	bad |= fd < 0;
	if (fd >= 0)
		close(fd);
	/* a program the server starts keeps the filter (as `agora worker` does) */
	if ((st = popen("exec grep '^Seccomp:' /proc/self/status", "r")) != NULL) {
		seccomp_mode = -1;
		while (fgets(line, sizeof(line), st) != NULL)
			if (strncmp(line, "Seccomp:", 8) == 0)
				seccomp_mode = atoi(line + 8);
		rc = pclose(st);
		fprintf(out, "%s child Seccomp: %d\n", seccomp_mode == 2 && rc == 0 ? "filtered" : "NOT FILTERED",
			seccomp_mode);
		bad |= seccomp_mode != 2 || rc != 0;
	}
	/* refused, and each would succeed for an unprivileged process without the filter */
	n0 = atomic_load(&refused_count);
	rc = socket(AF_NETLINK, SOCK_RAW, 0);
	bad |= expect_refused(out, "socket(AF_NETLINK)", rc) != 0 || atomic_load(&refused_count) != n0 + 1;
	n0 = atomic_load(&refused_count);
	rc = syscall(SYS_personality, 0xffffffffUL);
	bad |= expect_refused(out, "personality", rc) != 0 || atomic_load(&refused_count) != n0 + 1;
	n0 = atomic_load(&refused_count);
	rc = unshare(CLONE_NEWUSER);
	bad |= expect_refused(out, "unshare(CLONE_NEWUSER)", rc) != 0 || atomic_load(&refused_count) != n0 + 1;
	n0 = atomic_load(&refused_count);
	rc = syscall(SYS_setuid, 0);
	bad |= expect_refused(out, "setuid(0)", rc) != 0 || atomic_load(&refused_count) != n0 + 1;
	return bad ? -1 : 0;
}
