/* blobs_pg.h: blobs stored in the database in chunks (PostgreSQL: application servers share no
 * disk). Tables blobs (sha256, size, touched_at) and blob_chunks (sha256, seq, data), in
 * sql/postgres/0021_schema.sql. libpq returns a value whole, so a blob is cut into chunks of
 * BLOBS_PG_CHUNK bytes, and no call holds more than one chunk in memory.
 * Every function takes a connection the caller owns; none begins or ends a transaction except
 * where it says so. blobs.c calls them; so does `agora migrate-store`. */
#ifndef AGORA_BLOBS_PG_H
#define AGORA_BLOBS_PG_H
#include <stdint.h>

#include "db.h"

#define BLOBS_PG_CHUNK (1024 * 1024)

/* Marks the stored blob hex as just used (touched_at = now), so a sweep's grace period covers
 * the row about to name it. 1 if the blob is stored (complete: its row and chunks commit
 * together), 0 if not, -1 on a database error. */
int blobs_pg_touch(struct db *db, const char *hex, int64_t now, struct err *e);

/* Inserts the blob whose content is the file open on fd (read from its start) under hex, with
 * size bytes, in chunks, hashing what it sends: content that does not hash to hex, or is not
 * size bytes long, is refused (ERR_INVALID) and nothing is inserted that the caller's rollback
 * would not undo. Runs inside the caller's transaction. 1 if inserted, 0 if a row for hex
 * exists already (nothing written), -1 on error. */
int blobs_pg_insert(struct db *db, int fd, const char *hex, int64_t size, int64_t now,
		    struct err *e);

/* Stores the file on fd under hex in its own committed transaction, unless it is stored
 * already (then only touched). Safe against another server storing the same blob at once.
 * 0 once the blob is durable in the database, -1 otherwise. */
int blobs_pg_store(struct db *db, int fd, const char *hex, int64_t size, int64_t now, struct err *e);

/* Writes the stored blob hex to fd (from its current offset), checking its size and SHA-256.
 * 1 if written, 0 if the database has no such blob, -1 on error (then fd holds a part). */
int blobs_pg_read(struct db *db, const char *hex, int fd, struct err *e);

/* 1 if the database holds the blob hex, 0 if not, -1 on error. */
int blobs_pg_exists(struct db *db, const char *hex, struct err *e);

/* Deletes, in batches each in its own transaction, the blobs no blob_refs row names whose
 * touched_at is before cutoff, calling gone(hex, ctx) for each after its batch commits.
 * *removed counts them. 0 or -1. */
int blobs_pg_sweep(struct db *db, int64_t cutoff, void (*gone)(const char *hex, void *ctx), void *ctx,
		   int *removed, struct err *e);

#endif
