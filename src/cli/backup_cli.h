/* backup_cli.h: what `agora backup` (cmd_backup.c) and `agora restore` (cmd_restore.c) share:
 * the MANIFEST's first line, sizes, progress and small helpers (defined in cmd_backup.c). */
#ifndef AGORA_BACKUP_CLI_H
#define AGORA_BACKUP_CLI_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CHUNK (256 * 1024)
#define MANIFEST_MAX_BYTES (512L * 1024 * 1024)
#define MANIFEST_MAGIC "Agora backup 1\n"
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

/* Seconds since t0 (CLOCK_MONOTONIC). */
double backup_elapsed(const struct timespec *t0);
/* The 64 lowercase hex digits of a SHA-256. */
void backup_hex(const unsigned char h[32], char out[65]);
/* Are the n bytes at s 64 lowercase hex digits? */
int backup_hex_valid(const char *s, size_t n);
/* fsync of the folder that holds path. 0 or -1 (errno). */
int backup_sync_parent(const char *path);

#endif
