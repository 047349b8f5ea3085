/* blobs_pg.c: blobs in the database, cut into chunks (PostgreSQL; see blobs_pg.h). */
#include "blobs_pg.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char SQL_TOUCH[] =
    "UPDATE blobs SET touched_at = GREATEST(touched_at, CAST($2 AS BIGINT)) WHERE sha256 = $1";
static const char SQL_INSERT[] =
    "INSERT INTO blobs (sha256, size, touched_at) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING";
static const char SQL_CHUNK_PUT[] = "INSERT INTO blob_chunks (sha256, seq, data) VALUES ($1, $2, $3)";
static const char SQL_SIZE[] = "SELECT size FROM blobs WHERE sha256 = $1";
static const char SQL_CHUNK_GET[] = "SELECT data FROM blob_chunks WHERE sha256 = $1 AND seq = $2";
/* The conditions are said twice: the inner SELECT picks a batch, the outer WHERE is checked
 * again on the row as it is when deleted (READ COMMITTED re-checks the outer WHERE against a
 * row another transaction just touched; it does not re-run the subquery). The chunks go with
 * their row (ON DELETE CASCADE). */
static const char SQL_SWEEP[] =
    "DELETE FROM blobs WHERE sha256 IN (SELECT b.sha256 FROM blobs b WHERE b.touched_at < $1 AND "
    "NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = b.sha256) LIMIT 100) "
    "AND touched_at < $1 AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.sha256 = blobs.sha256) "
    "RETURNING sha256";
#define SWEEP_BATCH 100

int
blobs_pg_touch(struct db *db, const char *hex, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TOUCH);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "storing a blob");
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, now);
	rc = db_run(st);
	if (rc != DB_DONE)
		return db_err(db, e, "storing a blob");
	return db_changes(db) > 0;
}

/* Inserts one chunk. 0 or -1. */
static int
chunk_put(struct db *db, const char *hex, int64_t seq, const void *p, size_t n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_CHUNK_PUT);

	if (st == NULL)
		return db_err(db, e, "storing a blob");
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, seq);
	db_bind_blob(st, 3, p, n);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "storing a blob");
	return 0;
}

int
blobs_pg_insert(struct db *db, int fd, const char *hex, int64_t size, int64_t now, struct err *e)
{
	unsigned char digest[crypto_hash_sha256_BYTES], *chunk = NULL;
	char got[65];
	crypto_hash_sha256_state h;
	struct db_stmt *st;
	int64_t off = 0, seq = 0;
	int rc = -1;

	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "storing a blob");
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, size);
	db_bind_int64(st, 3, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "storing a blob");
	if (db_changes(db) == 0)
		return 0;	/* stored already */
	if ((chunk = malloc(BLOBS_PG_CHUNK)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	crypto_hash_sha256_init(&h);
	for (;;) {
		size_t have = 0;
		while (have < BLOBS_PG_CHUNK) {	/* a whole chunk, unless the file ends */
			ssize_t k = pread(fd, chunk + have, BLOBS_PG_CHUNK - have, (off_t)(off + (int64_t)have));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				err_set(e, ERR_INTERNAL, "cannot read the blob %s: %s", hex, strerror(errno));
				goto out;
			}
			if (k == 0)
				break;
			have += (size_t)k;
		}
		if (have == 0)
			break;
		if (off + (int64_t)have > size) {
			err_set(e, ERR_INVALID, "the blob %s is longer than its %lld bytes", hex, (long long)size);
			goto out;
		}
		crypto_hash_sha256_update(&h, chunk, have);
		if (chunk_put(db, hex, seq++, chunk, have, e) != 0)
			goto out;
		off += (int64_t)have;
		if (have < BLOBS_PG_CHUNK)
			break;
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(got, sizeof(got), digest, sizeof(digest));
	if (off != size || strcmp(got, hex) != 0) {
		err_set(e, ERR_INVALID, "the content given for the blob %s is not that blob (%lld bytes, SHA-256 %s)",
			hex, (long long)off, got);
		goto out;
	}
	rc = 1;
out:
	free(chunk);
	return rc;
}

int
blobs_pg_store(struct db *db, int fd, const char *hex, int64_t size, int64_t now, struct err *e)
{
	/* Twice at most: an insert that found the row another server committed meanwhile goes back
	 * to the touch, which then finds it (a sweep deleting it at that very moment: once more). */
	for (int attempt = 0; attempt < 3; attempt++) {
		int r = blobs_pg_touch(db, hex, now, e);
		if (r != 0)
			return r < 0 ? -1 : 0;
		if (db_begin(db) != 0)
			return db_err(db, e, "storing a blob");
		if ((r = blobs_pg_insert(db, fd, hex, size, now, e)) != 1) {
			db_rollback(db);
			if (r < 0)
				return -1;
			continue;
		}
		if (db_commit(db) != 0) {
			db_err(db, e, "storing a blob");
			db_rollback(db);
			return -1;
		}
		return 0;
	}
	return err_set(e, ERR_BUSY, "the blob %s is being stored and removed at once; try again", hex);
}

/* write(2) all of n bytes. 0 or -1 with errno. */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
blobs_pg_read(struct db *db, const char *hex, int fd, struct err *e)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char got[65];
	crypto_hash_sha256_state h;
	struct db_stmt *st;
	int64_t size, total = 0;
	enum db_rc rc;

	if ((st = db_prepare(db, SQL_SIZE)) == NULL)
		return db_err(db, e, "reading a blob");
	db_bind_text(st, 1, hex);
	rc = db_step(st);
	size = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	if (rc == DB_DONE)
		return 0;
	if (rc != DB_ROW)
		return db_err(db, e, "reading a blob");
	crypto_hash_sha256_init(&h);
	for (int64_t seq = 0; total < size; seq++) {
		const void *p;
		size_t n = 0;
		if ((st = db_prepare(db, SQL_CHUNK_GET)) == NULL)
			return db_err(db, e, "reading a blob");
		db_bind_text(st, 1, hex);
		db_bind_int64(st, 2, seq);
		if ((rc = db_step(st)) != DB_ROW) {
			db_done(st);
			if (rc != DB_DONE)
				return db_err(db, e, "reading a blob");
			break;	/* fewer bytes than the row says: caught below */
		}
		p = db_col_blob(st, 0, &n);
		if (n == 0 || total + (int64_t)n > size) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "the stored blob %s is damaged: chunk %lld", hex, (long long)seq);
		}
		crypto_hash_sha256_update(&h, p, n);
		if (write_all(fd, p, n) != 0) {
			int errnum = errno;
			db_done(st);
			return err_set(e, errnum == ENOSPC || errnum == EDQUOT ? ERR_FULL : ERR_INTERNAL,
				       "cannot write the blob %s: %s", hex, strerror(errnum));
		}
		db_done(st);
		total += (int64_t)n;
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(got, sizeof(got), digest, sizeof(digest));
	if (total != size || strcmp(got, hex) != 0)
		return err_set(e, ERR_INTERNAL, "the stored blob %s is damaged: %lld of %lld bytes, SHA-256 %s", hex,
			       (long long)total, (long long)size, got);
	return 1;
}

int
blobs_pg_exists(struct db *db, const char *hex, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SIZE);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "looking for a blob");
	db_bind_text(st, 1, hex);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "looking for a blob");
	return rc == DB_ROW;
}

int
blobs_pg_sweep(struct db *db, int64_t cutoff, void (*gone)(const char *hex, void *ctx), void *ctx,
	       int *removed, struct err *e)
{
	int batch;

	*removed = 0;
	do {
		struct db_stmt *st = db_prepare(db, SQL_SWEEP);
		enum db_rc rc;

		if (st == NULL)
			return db_err(db, e, "sweeping blobs");
		db_bind_int64(st, 1, cutoff);
		batch = 0;
		/* the statement commits before its first row is seen (libpq reads the whole result) */
		while ((rc = db_step(st)) == DB_ROW) {
			if (gone != NULL)
				gone(db_col_text(st, 0), ctx);
			batch++;
		}
		db_done(st);
		if (rc != DB_DONE)
			return db_err(db, e, "sweeping blobs");
		*removed += batch;
	} while (batch == SWEEP_BATCH);
	return 0;
}
