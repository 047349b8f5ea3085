/* backup.c: the database side of `agora backup` / `agora restore`: a snapshot taken with
 * SQLite's online backup API while the server writes, and what a copy says about itself. The
 * only file outside db_sqlite.c that speaks to SQLite directly: the backup API has no place in
 * db.h's small statement interface. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "db.h"
#include "migrate.h"

static const char SQL_CHECKPOINT[] = "SELECT size, root FROM log_checkpoints ORDER BY id DESC LIMIT 1";
static const char SQL_RESPONSES[] = "SELECT COUNT(*) FROM responses";
static const char SQL_BLOB_COUNT[] = "SELECT COUNT(DISTINCT sha256) FROM blob_refs";
static const char SQL_BLOBS[] = "SELECT DISTINCT sha256 FROM blob_refs ORDER BY sha256";
static const char SQL_INTEGRITY[] = "PRAGMA integrity_check";

static int
sqlite_fail(sqlite3 *h, struct err *e, const char *what, const char *path)
{
	return err_set(e, ERR_INTERNAL, "%s %s: %s", what, path,
		       h ? sqlite3_errmsg(h) : "out of memory");
}

static void
nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* Reopens the finished copy to leave it in rollback-journal mode (the copied first page still
 * says WAL) and fsyncs it. */
static int
settle_copy(const char *dest, struct err *e)
{
	sqlite3 *h = NULL;
	int fd, rc = -1;

	if (sqlite3_open_v2(dest, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_fail(h, e, "cannot finish the copy", dest);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(h);
	if (rc == 0) {
		if ((fd = open(dest, O_RDONLY)) < 0 || fsync(fd) != 0)
			rc = err_set(e, ERR_INTERNAL, "cannot sync %s: %s", dest, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

int
backup_snapshot(const char *db_url, const char *dest, int pages_per_step, backup_progress_fn fn,
		void *ctx, struct err *e)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b = NULL;
	const char *path;
	int rc = -1, step, in_txn = 0;

	if (strncmp(db_url, "sqlite:", 7) != 0)
		return err_set(e, ERR_INVALID, "the online copy is of a SQLite store (a PostgreSQL store is "
			       "dumped by src/cli/backup_pg.c)");
	path = db_url + 7;
	if (access(dest, F_OK) == 0)
		return err_set(e, ERR_CONFLICT, "%s already exists", dest);
	if (pages_per_step < 1)
		pages_per_step = 1;
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite_fail(src, e, "cannot open", path);
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_exec(dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_fail(dst, e, "cannot create", dest);
		goto out;
	}
	/* The read transaction that makes the copy one moment's database: held until the last
	 * page, so writes by the server (another connection) never restart the copy. */
	if (sqlite3_exec(src, "BEGIN; SELECT COUNT(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite_fail(src, e, "cannot read", path);
		goto out;
	}
	in_txn = 1;
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		sqlite_fail(dst, e, "cannot start copying into", dest);
		goto out;
	}
	for (;;) {
		step = sqlite3_backup_step(b, pages_per_step);
		if (fn != NULL) {
			int total = sqlite3_backup_pagecount(b);
			fn(total - sqlite3_backup_remaining(b), total, ctx);
		}
		if (step == SQLITE_DONE)
			break;
		if (step == SQLITE_BUSY || step == SQLITE_LOCKED) {
			nap_ms(10);
			continue;
		}
		if (step != SQLITE_OK) {
			err_set(e, ERR_INTERNAL, "copying %s: %s", path, sqlite3_errstr(step));
			goto out;
		}
	}
	step = sqlite3_backup_finish(b);
	b = NULL;
	if (step != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "copying %s: %s", path, sqlite3_errstr(step));
		goto out;
	}
	rc = 0;
out:
	if (b != NULL)
		sqlite3_backup_finish(b);
	if (in_txn)
		sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rc == 0)
		rc = settle_copy(dest, e);
	if (rc != 0)
		unlink(dest);
	return rc;
}

static int
open_copy(const char *path, struct db **db, struct err *e)
{
	char url[4200];

	if (snprintf(url, sizeof(url), "sqlite:%s", path) >= (int)sizeof(url))
		return err_set(e, ERR_INVALID, "the path %s is too long", path);
	return db_open(url, DB_READONLY, db, e);
}

static int64_t
count_of(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t n = -1;

	if (st != NULL && db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	if (st != NULL)
		db_done(st);
	return n;
}

static void
hex_of(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
backup_describe(const char *path, struct backup_info *out, struct err *e)
{
	struct db *db = NULL;
	struct db_stmt *st;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (open_copy(path, &db, e) != 0)
		return -1;
	out->schema_version = migrate_version(db);
	if (out->schema_version == 0) {
		err_set(e, ERR_INVALID, "%s is not an Agora database (no schema version)", path);
		goto out;
	}
	if ((st = db_prepare(db, SQL_CHECKPOINT)) != NULL) {	/* none before migration 0017 */
		if (db_step(st) == DB_ROW) {
			size_t len = 0;
			const void *root = db_col_blob(st, 1, &len);

			out->tree_size = db_col_int64(st, 0);
			if (root == NULL || len != 32) {
				db_done(st);
				err_set(e, ERR_INVALID, "%s: the latest checkpoint's root is not 32 bytes", path);
				goto out;
			}
			hex_of(root, len, out->tree_root);
		}
		db_done(st);
	}
	if ((out->responses = count_of(db, SQL_RESPONSES)) < 0 ||
	    (out->blobs = count_of(db, SQL_BLOB_COUNT)) < 0) {
		err_set(e, ERR_INVALID, "%s: cannot count its responses and blobs: %s", path, db_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}

static int
hex64_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

int
backup_blobs_each(const char *path, int (*fn)(const char *hex, void *ctx, struct err *e), void *ctx,
		  struct err *e)
{
	struct db *db = NULL;
	struct db_stmt *st;
	enum db_rc r;
	char hex[65];
	int rc = 0;

	if (open_copy(path, &db, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_BLOBS)) == NULL) {
		rc = db_err(db, e, "reading blob_refs");
		goto out;
	}
	while ((r = db_step(st)) == DB_ROW) {
		if (!hex64_valid(db_col_text(st, 0))) {
			rc = err_set(e, ERR_INVALID, "blob_refs names a malformed hash '%.80s'", db_col_text(st, 0));
			break;
		}
		snprintf(hex, sizeof(hex), "%s", db_col_text(st, 0));
		if ((rc = fn(hex, ctx, e)) != 0)
			break;
	}
	if (rc == 0 && r != DB_DONE)
		rc = db_err(db, e, "reading blob_refs");
	db_done(st);
out:
	db_close(db);
	return rc;
}

int
backup_integrity_check(const char *path, struct err *e)
{
	struct db *db = NULL;
	struct db_stmt *st;
	int rc = -1;

	if (open_copy(path, &db, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_INTEGRITY)) == NULL) {
		db_err(db, e, "integrity_check");
		goto out;
	}
	if (db_step(st) != DB_ROW)
		db_err(db, e, "integrity_check");
	else if (strcmp(db_col_text(st, 0), "ok") != 0)
		err_set(e, ERR_INVALID, "the database is damaged: %.200s", db_col_text(st, 0));
	else
		rc = 0;
	db_done(st);
out:
	db_close(db);
	return rc;
}
