/* backup_cli.h: what `agora backup` (cmd_backup.c) and `agora restore` (cmd_restore.c) share:
 * the MANIFEST's first line, sizes, progress and small helpers (defined in cmd_backup.c), and
 * the PostgreSQL side of both (backup_pg.c). */
#ifndef AGORA_BACKUP_CLI_H
#define AGORA_BACKUP_CLI_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CHUNK (256 * 1024)
#define MANIFEST_MAX_BYTES (512L * 1024 * 1024)
#define MANIFEST_MAGIC "Agora backup 1\n"
#define MANIFEST_STORE_PG "store: postgresql"	/* a header line; absent: a SQLite folder */
#define PG_DUMP_MEMBER "agora.pgdump"		/* pg_dump's custom format; agora.db on SQLite */
#define PATH_LEN 4200		/* a file's path */
#define DIR_LEN 1200		/* a folder's: --data is at most 512 bytes */
#define MSG_LEN (2 * PATH_LEN + 600)

struct progress {
	int tty;
	long pause_ms;		/* tests only: after each step of the copy (AGORA_TEST_BACKUP_STEP_MS) */
	struct timespec start;
	int64_t done, total;	/* bytes written to the archive / members restored */
	int last_pct;
};

struct backup_info;

/* The pg_dump or pg_restore running, 0 for none: a signal to agora is passed on to it. */
#include <sys/types.h>
extern volatile pid_t backup_child;

/* A PostgreSQL program found for a server (backup_pg_tool). */
struct pg_tool {
	char path[PATH_LEN];
	char version[200];	/* its --version line, "pg_dump (PostgreSQL) 15.18 ..." */
	int major;
	int newest_found;	/* -1: none found at all */
};

/* Finds the program name ("pg_dump", "pg_restore") for a server of version server_major: in
 * $AGORA_PG_BIN alone when that is set, else in /usr/lib/postgresql/N/bin and on PATH; each
 * candidate's major version is read from its --version, and the smallest that is at least the
 * server's wins (the matching one, else the nearest newer). 0, or -1 with msg saying what to
 * install. */
int backup_pg_tool(const char *name, int server_major, struct pg_tool *out, char *msg, size_t msglen);
/* Dumps the database of url into the new file dest with pg_dump --format=custom, in a snapshot
 * this process exports and holds; info is read in that snapshot. tool says which pg_dump ran.
 * 0, or -1 with msg (pg_dump's own message went to standard error). */
int backup_pg_dump(const char *url, const char *dest, struct progress *p, struct backup_info *info,
		   struct pg_tool *tool, char *msg, size_t msglen);
/* Is the database of url a target for a restore? 0 yes (and tool is its pg_restore); 1 not
 * empty; -1 cannot connect or ask; -2 no pg_restore fit for it. msg says why. */
int backup_pg_target(const char *url, struct pg_tool *tool, char *msg, size_t msglen);
/* pg_restore of the custom-format file dump into the database of url, in one transaction, then
 * info read back from the database (with every blob a row names stored whole). 0; -1 nothing
 * was loaded (pg_restore failed: its message went to standard error); -2 loaded, but reading it
 * back failed. msg says why. */
int backup_pg_restore(const char *url, const char *dump, const struct pg_tool *tool, struct progress *p,
		      struct backup_info *info, char *msg, size_t msglen);

/* Seconds since t0 (CLOCK_MONOTONIC). */
double backup_elapsed(const struct timespec *t0);
/* The 64 lowercase hex digits of a SHA-256. */
void backup_hex(const unsigned char h[32], char out[65]);
/* Are the n bytes at s 64 lowercase hex digits? */
int backup_hex_valid(const char *s, size_t n);
/* fsync of the folder that holds path. 0 or -1 (errno). */
int backup_sync_parent(const char *path);

#endif
