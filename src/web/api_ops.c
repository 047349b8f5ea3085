/* api_ops.c: operations: /healthz, /metrics (Prometheus text), /api/v1/openapi.json. */
#include "../ledger/log.h"
#include "../store/jobs.h"
#include "../util/clock.h"
#include "assets.h"
#include "handlers.h"
#include "metrics.h"
#include "reply.h"
#include "server.h"
#include "slow.h"

#ifndef AGORA_VERSION
#define AGORA_VERSION "0.1.0"
#endif

static const char SQL_PING[] = "SELECT 1";

int
api_openapi(struct request *r)
{
	const struct embedded *a = asset_find("openapi.json");

	if (a == NULL)
		return reply_problem(r, 500, NULL, "the OpenAPI document is missing from this build", NULL);
	r->content_type = "application/json";
	request_header(r, "Cache-Control", "public, max-age=300");
	buf_add(&r->out, a->data, a->len);
	return HANDLER_DONE;
}

int
api_healthz(struct request *r)
{
	struct db_stmt *st = db_prepare(r->db, SQL_PING);
	struct writer_stats ws;
	int ok = st != NULL && db_step(st) == DB_ROW;

	db_done(st);
	writer_get_stats(r->srv->writer, &ws);
	if (!ok) {
		request_header(r, "Retry-After", "5");
		return reply_problem(r, 503, NULL, "the database does not answer", NULL);
	}
	return reply_json(r, 200,
			  json_pack("{s:s, s:s, s:I, s:I}", "status", "ok", "version", AGORA_VERSION,
				    "uptime_s", (json_int_t)(clock_now() - r->srv->started_at),
				    "writer_queue", (json_int_t)ws.depth));
}

int
api_metrics(struct request *r)
{
	struct writer_stats ws;
	size_t slow_queued = 0, slow_running = 0;
	struct buf *b = &r->out;
	static const char *const le[] = { "1", "4", "16", "64", "256", "1024", "4096", "+Inf" };
	uint64_t cum = 0;

	writer_get_stats(r->srv->writer, &ws);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_write_requests(b);
	buf_printf(b, "# HELP agora_writer_queue_depth Writes waiting for the writer.\n"
		      "# TYPE agora_writer_queue_depth gauge\nagora_writer_queue_depth %zu\n", ws.depth);
	buf_printf(b, "# HELP agora_writer_items_total Writes run by the writer.\n"
		      "# TYPE agora_writer_items_total counter\nagora_writer_items_total %llu\n",
		   (unsigned long long)ws.items);
	buf_printf(b, "# HELP agora_writer_failed_commits_total Batches whose commit failed.\n"
		      "# TYPE agora_writer_failed_commits_total counter\n"
		      "agora_writer_failed_commits_total %llu\n", (unsigned long long)ws.failed_commits);
	buf_puts(b, "# HELP agora_writer_batch_size Writes committed together (group commit).\n"
		    "# TYPE agora_writer_batch_size histogram\n");
	for (int i = 0; i < 8; i++) {
		cum += ws.batch_hist[i];
		buf_printf(b, "agora_writer_batch_size_bucket{le=\"%s\"} %llu\n", le[i], (unsigned long long)cum);
	}
	buf_printf(b, "agora_writer_batch_size_sum %llu\nagora_writer_batch_size_count %llu\n",
		   (unsigned long long)ws.items, (unsigned long long)ws.batches);
	slow_counts(r->srv->slow, &slow_queued, &slow_running);
	buf_printf(b, "# HELP agora_slow_jobs Password checks (argon2id) waiting for or running on the "
		      "slow pool.\n# TYPE agora_slow_jobs gauge\nagora_slow_jobs{state=\"queued\"} %zu\n"
		      "agora_slow_jobs{state=\"running\"} %zu\n", slow_queued, slow_running);
	buf_printf(b, "# HELP agora_jobs_pending Background jobs not yet done.\n"
		      "# TYPE agora_jobs_pending gauge\nagora_jobs_pending %lld\n",
		   (long long)jobs_pending_count(r->db));
	{	/* the public log: how big, and what the last failed seal cost (failed commits above) */
		unsigned char root[32];
		uint64_t size = 0;
		struct err e;
		ledger_head(r->db, &size, root, &e);
		buf_printf(b, "# HELP agora_log_entries Entries in the public log's latest signed checkpoint.\n"
			      "# TYPE agora_log_entries gauge\nagora_log_entries %llu\n", (unsigned long long)size);
	}
	return HANDLER_DONE;
}
