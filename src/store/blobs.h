/* blobs.h: the content-addressed blob store (attachments, document revisions).
 * A blob streams to a temporary file while being hashed (SHA-256), then
 * temp -> fsync -> rename into DIR/ab/abcdef... -> fsync(dir), before any row names it.
 * On PostgreSQL (application servers share no disk) the database holds the blobs, in chunks
 * (blobs_pg.h): blob_finish stores the blob there, committed, before it returns, and DIR is this
 * server's cache, which blob_path fills from the database on demand; callers see files as on
 * SQLite. Rows that name a blob add a blob_refs row in the same transaction; the sweep removes
 * blobs that no blob_refs row names and that are older than a grace period. Thread-safe. */
#ifndef AGORA_BLOBS_H
#define AGORA_BLOBS_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define BLOB_HEX_LEN 65	/* 64 hex digits + NUL */

struct blobs;
struct blob_writer;

/* Opens (creating DIR, DIR/tmp with 0700 if needed) the store in DIR. db_url is the store's
 * database: NULL or sqlite:... keeps the blobs in DIR only; postgres://... keeps them in that
 * database (connected to now, so a bad URL fails here) with DIR as the cache. */
int blobs_open(const char *dir, const char *db_url, struct blobs **out, struct err *e);
void blobs_close(struct blobs *b);	/* NULL is fine */
int blobs_in_database(const struct blobs *b);	/* 1 on PostgreSQL */

int blob_begin(struct blobs *b, struct blob_writer **out, struct err *e);
int blob_write(struct blob_writer *w, const void *p, size_t n, struct err *e);
/* Makes the blob durable under its hash (on PostgreSQL: committed in the database); frees w.
 * hex gets the SHA-256, size_out the length. */
int blob_finish(struct blob_writer *w, char hex[BLOB_HEX_LEN], int64_t *size_out, struct err *e);
void blob_abort(struct blob_writer *w);	/* removes the temporary file; frees w; NULL is fine */

/* The temporary file being written (to sniff its type before finishing), and its size so far. */
const char *blob_temp_path(const struct blob_writer *w);
int64_t blob_written_bytes(const struct blob_writer *w);

/* Path of a stored blob's file (hex must be 64 lowercase hex digits). On PostgreSQL a blob the
 * cache lacks is fetched from the database first (its SHA-256 checked). Returns 0 (the path
 * names no file if the store has no such blob), or -1 if hex is malformed or the fetch failed
 * (logged). */
int blob_path(struct blobs *b, const char *hex, char *out, size_t outlen);
/* blob_path, saying why it failed in e: ERR_INVALID for a malformed hex, ERR_BUSY when the
 * database cannot be reached (try again), ERR_FULL when the cache's disk is full, ERR_INTERNAL for
 * a stored blob that is damaged (its bytes do not hash to its name: never served). */
int blob_path_e(struct blobs *b, const char *hex, char *out, size_t outlen, struct err *e);
/* 1 if the store holds the blob (on PostgreSQL: the database does), 0 if not, -1 on error. */
int blob_exists(struct blobs *b, const char *hex);

/* Mark (blob_refs, read through db) and sweep: removes, with a log line each, blobs no row names
 * older than grace_s (on PostgreSQL: from the database, by the time they were last stored, and
 * their files here; then this server's cache files as on SQLite), and temporary files older
 * than grace_s. *removed counts them. */
int blobs_sweep(struct blobs *b, struct db *db, int64_t now, int64_t grace_s, int *removed,
		struct err *e);

/* PostgreSQL: removes this server's cached files, last touched more than an hour before now,
 * whose blob the database no longer has (a sweep through another server removed it), with a
 * log line each; *removed counts them. A thread of the store runs it a minute after
 * blobs_open and every 6 hours; 0 at once on SQLite. 0 or -1. */
int blobs_cache_trim(struct blobs *b, int64_t now, int *removed, struct err *e);

#endif
