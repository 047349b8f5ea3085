/* blobs.h: the content-addressed file store (attachments, document revisions).
 * A blob streams to a temporary file while being hashed (SHA-256), then
 * temp -> fsync -> rename into DIR/ab/abcdef... -> fsync(dir), before any row names it.
 * Rows that name a blob add a blob_refs row in the same transaction; the sweep removes
 * blobs that no blob_refs row names and that are older than a grace period. */
#ifndef AGORA_BLOBS_H
#define AGORA_BLOBS_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define BLOB_HEX_LEN 65	/* 64 hex digits + NUL */

struct blobs;
struct blob_writer;

/* Opens (creating DIR, DIR/tmp with 0700 if needed) the store in DIR. */
int blobs_open(const char *dir, struct blobs **out, struct err *e);
void blobs_close(struct blobs *b);

int blob_begin(struct blobs *b, struct blob_writer **out, struct err *e);
int blob_write(struct blob_writer *w, const void *p, size_t n, struct err *e);
/* Makes the blob durable under its hash; frees w. hex gets the SHA-256, size_out the length. */
int blob_finish(struct blob_writer *w, char hex[BLOB_HEX_LEN], int64_t *size_out, struct err *e);
void blob_abort(struct blob_writer *w);	/* removes the temporary file; frees w; NULL is fine */

/* The temporary file being written (to sniff its type before finishing), and its size so far. */
const char *blob_temp_path(const struct blob_writer *w);
int64_t blob_written_bytes(const struct blob_writer *w);

/* Path of a stored blob (hex must be 64 lowercase hex digits). Returns 0, or -1 if malformed. */
int blob_path(struct blobs *b, const char *hex, char *out, size_t outlen);
int blob_exists(struct blobs *b, const char *hex);

/* Mark (blob_refs) and sweep: removes, with a log line each, blobs no row names whose file is
 * older than grace_s, and temporary files older than grace_s. *removed counts them. */
int blobs_sweep(struct blobs *b, struct db *db, int64_t now, int64_t grace_s, int *removed,
		struct err *e);

#endif
