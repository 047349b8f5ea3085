/* backup.h: a consistent copy of a live database (SQLite's online backup API), what the copy
 * says about itself (schema version, the log's latest checkpoint, the blobs it names), and the
 * checks a restored copy gets. `agora backup` / `agora restore` (src/cli/cmd_backup.c) build
 * the archive around these; docs/BACKUP.md. */
#ifndef AGORA_BACKUP_H
#define AGORA_BACKUP_H
#include <stdint.h>

#include "../util/err.h"

/* What a database file says about itself, read from a snapshot or a restored copy. */
struct backup_info {
	int schema_version;		/* newest migration applied */
	int64_t tree_size;		/* the public log's latest checkpoint: 0 and no root for none */
	char tree_root[65];		/* its root, 64 lowercase hex digits ("" for none) */
	int64_t responses;
	int64_t blobs;			/* distinct blobs named by blob_refs */
};

/* Progress of a copy: pages copied so far out of the source's total. */
typedef void (*backup_progress_fn)(int64_t done, int64_t total, void *ctx);

/* Copies the database of db_url ("sqlite:PATH") into the new file dest, pages_per_step pages
 * at a time, with progress (fn may be NULL). One read transaction is held on the source from
 * the first page to the last, so the copy is the database as of one moment and is never
 * restarted by the writes going on meanwhile; in WAL mode readers do not block the writer, so
 * a serving server goes on committing (its checkpoints cannot pass the snapshot until the copy
 * ends: the WAL grows meanwhile). The copy is left in rollback-journal mode, fsynced. dest must
 * not exist. Returns 0, or -1 (dest removed). */
int backup_snapshot(const char *db_url, const char *dest, int pages_per_step,
		    backup_progress_fn fn, void *ctx, struct err *e);

/* Reads schema version, the latest checkpoint and the counts from the database file at path
 * (opened read-only). Returns 0 or -1. */
int backup_describe(const char *path, struct backup_info *out, struct err *e);

/* Calls fn with every distinct blob hash the rows of the database at path name (blob_refs), in
 * ascending order; stops at fn's first non-zero return, which it returns. -1 on a database
 * error (e filled). */
int backup_blobs_each(const char *path, int (*fn)(const char *hex, void *ctx, struct err *e),
		      void *ctx, struct err *e);

/* PRAGMA integrity_check on the database at path: 0 when it answers "ok", else -1 with its
 * first complaint in e. */
int backup_integrity_check(const char *path, struct err *e);

#endif
