/* server_jobs.c: the background jobs a server runs (text extraction, held uploads' expiry, the
 * blob sweep, retention) and the scheduler's periodic tick that queues the daily ones. */
#include "../domain/held.h"
#include "../domain/retention.h"
#include "../search/extract_job.h"
#include "../search/index.h"
#include "../store/blobs.h"
#include "../store/jobs.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "server.h"
#include "server_int.h"

/* The background jobs this server runs. */
static int
job_blob_sweep(void *ctx, const char *payload, struct err *e)
{
	struct server *s = ctx;
	struct db *db;
	int removed = 0, rc;

	if (db_open(s->db_url, DB_READONLY, &db, e) != 0)
		return -1;
	rc = blobs_sweep(s->blobs, db, clock_now(), 3600, &removed, e);
	db_close(db);
	if (rc == 0)
		log_info("msg=\"blob sweep done\" removed=%d", removed);
	return rc;
}

/* Removes the personal data due under --retention-days (src/domain/retention.c). */
static int
job_retention(void *ctx, const char *payload, struct err *e)
{
	struct server *s = ctx;
	struct retention_report rep;

	if (retention_run(s->writer, clock_now(), s->cfg->retention_days, RETENTION_BATCH, &rep, e) != 0)
		return -1;
	log_info("msg=\"retention done\" consultations=%d responses=%lld", rep.consultations,
		 (long long)rep.responses);
	return 0;
}

/* Forgets the files of forms never sent again within HELD_KEEP_S (src/domain/held.c). */
static int
job_held_expire(void *ctx, const char *payload, struct err *e)
{
	struct server *s = ctx;
	struct held_expire x = { clock_now() - HELD_KEEP_S, 0 };

	if (writer_run(s->writer, held_expire_fn, &x, e) != 0)
		return -1;
	log_info("msg=\"held uploads expired\" removed=%lld", (long long)x.removed);
	return 0;
}

/* The text of one stored file, for search (src/search/extract_job.c). */
static int
job_extract(void *ctx, const char *payload, struct err *e)
{
	struct server *s = ctx;
	struct db *db;
	int rc;

	if (db_open(s->db_url, DB_READONLY, &db, e) != 0)
		return -1;
	rc = extract_job_run(s->writer, db, s->blobs, "/proc/self/exe", payload, e);
	db_close(db);
	if (rc == 0)
		search_indexer_kick(s->indexer);
	return rc;
}

const struct job_kind server_job_kinds[] = {
	{ "extract", job_extract },
	{ "held_expire", job_held_expire },
	{ "blob_sweep", job_blob_sweep },
	{ "retention", job_retention },
};
const int server_njob_kinds = sizeof(server_job_kinds) / sizeof(server_job_kinds[0]);

static const char SQL_KIND_PENDING[] =
    "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state IN ('pending', 'running')";

/* Queues the job kind arg (a server_job_kinds name) unless one is already waiting or running. */
static int
jobs_enqueue_daily_fn(struct db *db, void *arg, struct err *e)
{
	const char *kind = arg;
	struct db_stmt *st = db_prepare(db, SQL_KIND_PENDING);
	int64_t n = 0;

	if (st == NULL)
		return db_err(db, e, "jobs");
	db_bind_text(st, 1, kind);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n > 0 ? 0 : jobs_enqueue(db, kind, "", clock_now(), e);
}

/* Periodic work the scheduler thread asks for: held uploads' expiry, the blob sweep and the
 * retention job once a
 * day (on the project clock: a test clock moved by a day or more runs them again). */
void
server_scheduler_tick(void *ctx)
{
	static const char *const daily[] = { "held_expire", "blob_sweep", "retention" };
	static int64_t last_run[3];
	struct server *s = ctx;
	int64_t now = clock_now();

	for (int i = 0; i < 3; i++) {
		struct err e;
		if (now - last_run[i] < 86400)
			continue;
		last_run[i] = now;
		if (writer_run(s->writer, jobs_enqueue_daily_fn, (void *)daily[i], &e) != 0)
			log_warn("msg=\"cannot queue a daily job\" kind=%s error=\"%s\"", daily[i], e.msg);
		else
			jobs_kick(s->jobs);
	}
}
