/* extract_job.c: reading one file's text for the search index. */
#include <string.h>

#include "../extract/extract.h"
#include "../store/db.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "extract_job.h"

static const char SQL_MEDIA[] =
    "SELECT media_type FROM response_attachments WHERE sha256 = $1 "
    "UNION ALL SELECT media_type FROM document_revisions WHERE sha256 = $1 LIMIT 1";
static const char SQL_DONE[] = "SELECT 1 FROM file_texts WHERE sha256 = $1";
static const char SQL_STORE[] =
    "INSERT INTO file_texts (sha256, status, body, error, extracted_at) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (sha256) DO NOTHING";

struct store {
	const char *sha256, *status, *body, *error;
	size_t len;
	int64_t at;
};

static int
store_fn(struct db *db, void *arg, struct err *e)
{
	struct store *s = arg;
	struct db_stmt *st = db_prepare(db, SQL_STORE);

	if (st == NULL)
		return db_err(db, e, "file text");
	db_bind_text(st, 1, s->sha256);
	db_bind_text(st, 2, s->status);
	db_bind_textn(st, 3, s->body, s->len);
	db_bind_text(st, 4, s->error);
	db_bind_int64(st, 5, s->at);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "file text");
}

static const char *const STATUS[] = { "ok", "no_text", "unsupported", "failed" };

int
extract_job_run(struct writer *w, struct db *db, struct blobs *blobs, const char *exe, const char *sha256,
		struct err *e)
{
	struct db_stmt *st;
	struct arena *a;
	struct store s = { sha256, NULL, "", "", 0, 0 };
	enum extract_status x;
	struct err xe;
	char path[600], *media, *text = NULL;
	int rc;

	if ((st = db_prepare(db, SQL_DONE)) == NULL)
		return db_err(db, e, "file text");
	db_bind_text(st, 1, sha256);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return 0;	/* another job read the same file first */
	if ((st = db_prepare(db, SQL_MEDIA)) == NULL)
		return db_err(db, e, "file text");
	db_bind_text(st, 1, sha256);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		log_warn("msg=\"extract: no row names this file\" sha256=%s", sha256);
		return 0;
	}
	if ((a = arena_new()) == NULL || (media = arena_strdup(a, db_col_text(st, 0))) == NULL) {
		db_done(st);
		arena_free(a);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	db_done(st);
	if (blob_path(blobs, sha256, path, sizeof(path)) != 0) {
		arena_free(a);
		return err_set(e, ERR_INTERNAL, "no blob path for %s", sha256);
	}
	err_clear(&xe);
	x = extract_run(exe, path, media, a, &text, &s.len, &xe);
	s.status = STATUS[x <= EXTRACT_FAILED ? x : EXTRACT_FAILED];
	if (x == EXTRACT_OK && text != NULL)
		s.body = text;
	else
		s.len = 0;
	s.error = x == EXTRACT_FAILED ? xe.msg : "";
	s.at = clock_now();
	rc = writer_run(w, store_fn, &s, e);
	if (rc == 0)
		log_info("msg=\"file text extracted\" sha256=%s type=%s status=%s bytes=%zu%s%s%s", sha256, media,
			 s.status, s.len, x == EXTRACT_FAILED ? " error=\"" : "", x == EXTRACT_FAILED ? xe.msg : "",
			 x == EXTRACT_FAILED ? "\"" : "");
	arena_free(a);
	return rc;
}

static const char SQL_REQUEUE[] =
    "INSERT INTO jobs (kind, payload, run_at, created_at, updated_at) "
    "SELECT 'extract', sha256, 0, $1, $1 FROM "
    "(SELECT sha256 FROM response_attachments UNION SELECT sha256 FROM document_revisions) AS f "
    "WHERE NOT EXISTS (SELECT 1 FROM file_texts t WHERE t.sha256 = f.sha256) "
    "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'extract' AND j.payload = f.sha256 "
    "AND j.state IN ('pending', 'running'))";

int
extract_job_requeue_fn(struct db *db, void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_REQUEUE);

	if (st == NULL)
		return db_err(db, e, "extract jobs");
	db_bind_int64(st, 1, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "extract jobs");
	*(int64_t *)arg = db_changes(db);
	return 0;
}
