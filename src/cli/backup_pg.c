/* backup_pg.c: the PostgreSQL side of `agora backup` / `agora restore`: Debian's pg_dump run in
 * a snapshot this process exports and holds (so the MANIFEST describes exactly what the dump
 * holds), pg_restore into an empty database, and what a database says about itself. The
 * connection goes to the tools through their environment, never their command line
 * (docs/BACKUP.md, "On PostgreSQL"). Speaks libpq directly: one REPEATABLE READ transaction
 * and PQconninfoParse have no place in db.h's statement interface. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../store/backup.h"
#include "backup_cli.h"

volatile pid_t backup_child;

static const char SQL_SNAPSHOT[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
static const char SQL_EXPORT[] = "SELECT pg_export_snapshot()";
static const char SQL_VERSION[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char SQL_CHECKPOINT[] =
    "SELECT size, encode(root, 'hex') FROM log_checkpoints ORDER BY id DESC LIMIT 1";
static const char SQL_RESPONSES[] = "SELECT COUNT(*) FROM responses";
static const char SQL_BLOB_COUNT[] = "SELECT COUNT(DISTINCT sha256) FROM blob_refs";
static const char SQL_BLOB_MISSING[] =
    "SELECT r.sha256 FROM blob_refs r WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = r.sha256) "
    "LIMIT 1";
static const char SQL_BLOB_SHORT[] =
    "SELECT b.sha256 FROM blobs b WHERE b.size <> (SELECT COALESCE(SUM(length(c.data)), 0) "
    "FROM blob_chunks c WHERE c.sha256 = b.sha256) LIMIT 1";
/* Anything a restore could collide with: relations in schemas that are not the system's. */
static const char SQL_RELATIONS[] =
    "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
    "AND n.nspname NOT LIKE 'pg_temp%'";

/* ---- connections ---------------------------------------------------------------------- */

/* Connects to url. NULL, with a message that never repeats the URL (it may hold a password). */
static PGconn *
connect_url(const char *url, char *msg, size_t msglen)
{
	PGconn *pg = PQconnectdb(url);
	char *nl;

	if (pg != NULL && PQstatus(pg) == CONNECTION_OK)
		return pg;
	snprintf(msg, msglen, "cannot connect to the database: %s",
		 pg != NULL ? PQerrorMessage(pg) : "out of memory");
	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	PQfinish(pg);
	return NULL;
}

/* Runs sql, wanting tuples (or a command's success when want_rows is 0). The result, or NULL
 * with msg filled. */
static PGresult *
run(PGconn *pg, const char *sql, int want_rows, char *msg, size_t msglen)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType s = PQresultStatus(r);
	char *nl;

	if ((want_rows && s == PGRES_TUPLES_OK) || (!want_rows && s == PGRES_COMMAND_OK))
		return r;
	snprintf(msg, msglen, "the database: %s", PQerrorMessage(pg));
	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	PQclear(r);
	return NULL;
}

/* The first column of the first row as a number (0 for no row). 0 or -1. */
static int
run_int(PGconn *pg, const char *sql, long long *out, char *msg, size_t msglen)
{
	PGresult *r = run(pg, sql, 1, msg, msglen);

	if (r == NULL)
		return -1;
	*out = PQntuples(r) > 0 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return 0;
}

/* What the database says about itself, as backup_describe does for a SQLite file, plus the
 * check that every blob a row names is stored, in chunks that add up to its size. */
static int
describe(PGconn *pg, struct backup_info *info, char *msg, size_t msglen)
{
	long long v;
	PGresult *r;

	memset(info, 0, sizeof(*info));
	if (run_int(pg, SQL_VERSION, &v, msg, msglen) != 0)
		return -1;
	info->schema_version = (int)v;
	if (run_int(pg, SQL_RESPONSES, &v, msg, msglen) != 0)
		return -1;
	info->responses = v;
	if (run_int(pg, SQL_BLOB_COUNT, &v, msg, msglen) != 0)
		return -1;
	info->blobs = v;
	if ((r = run(pg, SQL_CHECKPOINT, 1, msg, msglen)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		info->tree_size = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		snprintf(info->tree_root, sizeof(info->tree_root), "%s", PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	if ((r = run(pg, SQL_BLOB_MISSING, 1, msg, msglen)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		snprintf(msg, msglen, "the blob %.64s, named by the database, is missing from its blobs table: "
			 "the database is damaged", PQgetvalue(r, 0, 0));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if ((r = run(pg, SQL_BLOB_SHORT, 1, msg, msglen)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		snprintf(msg, msglen, "the chunks of the blob %.64s do not add up to its size: the database is "
			 "damaged", PQgetvalue(r, 0, 0));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/* ---- finding the tools ------------------------------------------------------------------ */

/* Runs `path --version` and reads its major version from "pg_dump (PostgreSQL) 15.18 ...".
 * The major, or -1. */
static int
tool_version(const char *path, char *line, size_t linelen)
{
	int fds[2], status, major = -1;
	pid_t pid;
	ssize_t n;
	char *p;

	line[0] = '\0';
	if (access(path, X_OK) != 0 || pipe(fds) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(path, path, "--version", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], line, linelen - 1);
	close(fds[0]);
	waitpid(pid, &status, 0);
	line[n > 0 ? n : 0] = '\0';
	if ((p = strchr(line, '\n')) != NULL)
		*p = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || (p = strstr(line, "(PostgreSQL) ")) == NULL)
		return -1;
	major = atoi(p + 13);
	return major > 0 ? major : -1;
}

/* Considers the candidate path: kept when its major is at least need and smaller than the best
 * so far (the same major as the server is best, then the nearest newer one). */
static void
consider(const char *path, int need, struct pg_tool *best)
{
	char line[200];
	int major = tool_version(path, line, sizeof(line));

	if (major < 0)
		return;
	if (major > best->newest_found)
		best->newest_found = major;
	if (major < need || (best->path[0] && major >= best->major))
		return;
	snprintf(best->path, sizeof(best->path), "%s", path);
	snprintf(best->version, sizeof(best->version), "%s", line);
	best->major = major;
}

int
backup_pg_tool(const char *name, int server_major, struct pg_tool *out, char *msg, size_t msglen)
{
	const char *only = getenv("AGORA_PG_BIN"), *path = getenv("PATH");
	char cand[PATH_LEN], dir[DIR_LEN];
	struct dirent *d;
	DIR *dh;

	memset(out, 0, sizeof(*out));
	out->newest_found = -1;
	if (only != NULL && only[0]) {
		/* one folder only: for a PostgreSQL installed elsewhere, and for the tests */
		snprintf(cand, sizeof(cand), "%s/%s", only, name);
		consider(cand, server_major, out);
	} else {
		/* Debian's versioned folders first, then PATH (on Debian, pg_wrapper) */
		if ((dh = opendir("/usr/lib/postgresql")) != NULL) {
			while ((d = readdir(dh)) != NULL)
				if (d->d_name[0] != '.') {
					snprintf(cand, sizeof(cand), "/usr/lib/postgresql/%s/bin/%s", d->d_name, name);
					consider(cand, server_major, out);
				}
			closedir(dh);
		}
		for (const char *s = path ? path : ""; *s;) {
			size_t n = strcspn(s, ":");
			if (n > 0 && n < sizeof(dir)) {
				snprintf(dir, sizeof(dir), "%.*s", (int)n, s);
				snprintf(cand, sizeof(cand), "%s/%s", dir, name);
				consider(cand, server_major, out);
			}
			s += n + (s[n] == ':');
		}
	}
	if (out->path[0])
		return 0;
	if (out->newest_found < 0)
		snprintf(msg, msglen, "%s was not found (looked in %s): install Debian's postgresql-client-%d",
			 name, only && only[0] ? only : "/usr/lib/postgresql/*/bin and PATH", server_major);
	else
		snprintf(msg, msglen, "the newest %s found is version %d, older than the server's %d: install "
			 "Debian's postgresql-client-%d", name, out->newest_found, server_major, server_major);
	return -1;
}

/* ---- running a tool --------------------------------------------------------------------- */

/* Appends " key='value'" to the conninfo string out, quoted as libpq wants (' and \ escaped);
 * what does not fit is left out whole. */
static void
conninfo_add(char *out, size_t outlen, const char *key, const char *val)
{
	size_t j = strlen(out), start = j;

	j += (size_t)snprintf(out + j, outlen - j, "%s%s='", j ? " " : "", key);
	for (const char *s = val; *s && j + 4 < outlen; s++) {
		if (*s == '\'' || *s == '\\')
			out[j++] = '\\';
		out[j++] = *s;
	}
	if (j + 2 < outlen) {
		out[j++] = '\'';
		out[j] = '\0';
	} else {
		out[start] = '\0';
	}
}

/* In the child, before exec: every parameter the URL sets goes into the libpq variable that
 * carries it (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE...), so nothing of the connection is
 * on the command line a process list shows. A parameter without a variable is appended to the
 * key=value string for -d, unless it is secret. */
static void
child_env(const char *url, char *conninfo, size_t cilen)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL), *o;

	for (o = opts; o != NULL && o->keyword != NULL; o++) {
		if (o->val == NULL || strcmp(o->keyword, "dbname") == 0)
			continue;
		if (o->envvar != NULL)
			setenv(o->envvar, o->val, 1);
		else if (strchr(o->dispchar, '*') == NULL)
			conninfo_add(conninfo, cilen, o->keyword, o->val);
	}
	PQconninfoFree(opts);
}


static void
nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* Runs tool with args (argv[0] is the tool), the connection in its environment and -d's string
 * given as argv[dslot]. While it runs, on a terminal, shows the size of watch (if not NULL)
 * every 200 ms. Its messages go to our standard error. 0 when it exits 0, else -1. */
static int
run_tool(const struct pg_tool *tool, char **argv, int dslot, const char *url, const char *dbname,
	 const char *watch, struct progress *p, const char *what, char *msg, size_t msglen)
{
	char conninfo[1200];
	struct stat st;
	int status;
	pid_t pid, w;

	conninfo[0] = '\0';
	conninfo_add(conninfo, sizeof(conninfo), "dbname", dbname);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		return snprintf(msg, msglen, "cannot start %s: %s", tool->path, strerror(errno)), -1;
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		umask(077);	/* the dump holds everything, private data included */
		child_env(url, conninfo, sizeof(conninfo));
		argv[dslot] = conninfo;
		dup2(2, 1);	/* pg_restore and pg_dump say nothing on stdout but to a file */
		execv(tool->path, argv);
		fprintf(stderr, "cannot run %s: %s\n", tool->path, strerror(errno));
		_exit(127);
	}
	backup_child = pid;
	for (;;) {
		if ((w = waitpid(pid, &status, WNOHANG)) == pid)
			break;
		if (w < 0 && errno != EINTR) {
			backup_child = 0;
			return snprintf(msg, msglen, "waiting for %s: %s", tool->path, strerror(errno)), -1;
		}
		if (p->tty && watch != NULL)
			fprintf(stderr, "\r%s: %.1f MB, %.0f s   ", what,
				stat(watch, &st) == 0 ? (double)st.st_size / 1e6 : 0.0, backup_elapsed(&p->start));
		else if (p->tty)
			fprintf(stderr, "\r%s: %.0f s   ", what, backup_elapsed(&p->start));
		nap_ms(200);
	}
	backup_child = 0;
	if (p->tty)
		fprintf(stderr, "\r%s: done in %.1f s              \n", what, backup_elapsed(&p->start));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return snprintf(msg, msglen, "%s failed (%s %d; its message is above)", tool->path,
				WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)), -1;
	return 0;
}

/* ---- agora backup ----------------------------------------------------------------------- */

int
backup_pg_dump(const char *url, const char *dest, struct progress *p, struct backup_info *info,
	       struct pg_tool *tool, char *msg, size_t msglen)
{
	PGconn *pg = connect_url(url, msg, msglen);
	PGresult *r = NULL;
	char snapshot_arg[200], dbname[300];
	char *argv[12];
	int rc = -1, i = 0;

	if (pg == NULL)
		return -1;
	if (backup_pg_tool("pg_dump", PQserverVersion(pg) / 10000, tool, msg, msglen) != 0)
		goto out;
	snprintf(dbname, sizeof(dbname), "%s", PQdb(pg));
	/* The moment of the backup: a snapshot held by this transaction until pg_dump has run in
	 * it. The MANIFEST's counts and checkpoint are read in it too, so they describe what the
	 * dump holds, whatever the servers commit meanwhile. */
	if ((r = run(pg, SQL_SNAPSHOT, 0, msg, msglen)) == NULL)
		goto out;
	PQclear(r);
	if ((r = run(pg, SQL_EXPORT, 1, msg, msglen)) == NULL)
		goto out;
	snprintf(snapshot_arg, sizeof(snapshot_arg), "--snapshot=%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	r = NULL;
	if (describe(pg, info, msg, msglen) != 0)
		goto out;
	/* Tests only: hold the snapshot a while, so that submissions are acknowledged after it and
	 * before the dump (t530_backup_pg.sh): they must not be in the backup. */
	if (p->pause_ms > 0)
		nap_ms(p->pause_ms * 100);
	argv[i++] = "pg_dump";
	argv[i++] = "--format=custom";
	argv[i++] = snapshot_arg;
	argv[i++] = "--file";
	argv[i++] = (char *)dest;
	argv[i++] = "-d";
	argv[i++] = NULL;	/* the dbname string, set in the child */
	argv[i] = NULL;
	if (run_tool(tool, argv, i - 1, url, dbname, dest, p, "Dumping the database (pg_dump)", msg,
		     msglen) != 0)
		goto out;
	rc = 0;
out:
	PQfinish(pg);	/* ends the snapshot's transaction */
	return rc;
}

/* ---- agora restore ---------------------------------------------------------------------- */

int
backup_pg_target(const char *url, struct pg_tool *tool, char *msg, size_t msglen)
{
	PGconn *pg = connect_url(url, msg, msglen);
	long long n;
	int rc = -1;

	if (pg == NULL)
		return -1;
	if (run_int(pg, SQL_RELATIONS, &n, msg, msglen) != 0)
		goto out;
	if (n > 0) {
		snprintf(msg, msglen, "the database %s is not empty (%lld tables, sequences or views): agora "
			 "restore fills only an empty database, and changes nothing in this one", PQdb(pg), n);
		rc = 1;
		goto out;
	}
	rc = backup_pg_tool("pg_restore", PQserverVersion(pg) / 10000, tool, msg, msglen) != 0 ? -2 : 0;
out:
	PQfinish(pg);
	return rc;
}

int
backup_pg_restore(const char *url, const char *dump, const struct pg_tool *tool, struct progress *p,
		  struct backup_info *info, char *msg, size_t msglen)
{
	PGconn *pg = connect_url(url, msg, msglen);
	char dbname[300], *argv[12];
	struct progress lp;
	int rc = -1, i = 0;

	if (pg == NULL)
		return -1;
	snprintf(dbname, sizeof(dbname), "%s", PQdb(pg));
	PQfinish(pg);
	pg = NULL;
	/* One transaction: a failure leaves the database as empty as it was. Owners and grants
	 * are the target's: the connecting role owns what it restores. */
	argv[i++] = "pg_restore";
	argv[i++] = "--exit-on-error";
	argv[i++] = "--single-transaction";
	argv[i++] = "--no-owner";
	argv[i++] = "--no-privileges";
	argv[i++] = (char *)dump;
	argv[i++] = "-d";
	argv[i++] = NULL;
	argv[i] = NULL;
	lp = *p;
	clock_gettime(CLOCK_MONOTONIC, &lp.start);
	if (run_tool(tool, argv, i - 1, url, dbname, NULL, &lp, "Loading the dump (pg_restore)", msg, msglen) != 0)
		return -1;
	if ((pg = connect_url(url, msg, msglen)) == NULL)
		return -2;
	rc = describe(pg, info, msg, msglen) != 0 ? -2 : 0;
	PQfinish(pg);
	return rc;
}
