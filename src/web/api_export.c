/* api_export.c: GET /api/v1/consultations/{slug}/export.{csv,xlsx,json,zip}: a round's public
 * responses (docs/EXPORTS.md). The export runs on a worker of the slow pool, on its own
 * read-only connection and transaction (one snapshot, and the thread's read connection stays
 * free for other requests), into an unlinked file in DATA/tmp that is then streamed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../domain/consultation.h"
#include "../domain/export.h"
#include "../util/str.h"
#include "handlers.h"
#include "reply.h"
#include "server.h"
#include "slow.h"

struct export_req {
	struct export_job job;
	struct err e;
	int rc;
	char tmpdir[600];
};

/* On the slow pool's worker: must not touch the request. */
static void
export_work(void *arg)
{
	struct export_req *x = arg;

	i18n_use(x->job.lang);	/* "Anonymous respondent" in the asker's language */
	x->rc = export_run(&x->job, &x->e);
}

static int
export_answer(struct request *r, enum export_format f)
{
	struct export_req *x = r->state;
	struct consultation c;
	struct err e;

	if (r->slow_queued) {	/* the export is done */
		if (x->rc != 0)
			return reply_err(r, &x->e);
		r->file_fd = x->job.result_fd;
		r->file_size = x->job.result_size;
		r->content_type = export_media_type(f);
		request_header(r, "Content-Disposition",
			       arena_printf(r->arena, "attachment; filename=\"%s-responses.%s\"", x->job.slug,
					    export_format_name(f)));
		request_header(r, "X-Agora-Responses", arena_printf(r->arena, "%lld", (long long)x->job.rows));
		return HANDLER_DONE;
	}
	/* An unknown or draft round is answered at once, without a worker. */
	if (consultation_get_brief(r->db, r->arena, r->param[1], &c, &e) != 0 || str_eq(c.state, "draft"))
		return reply_problem(r, 404, NULL, arena_printf(r->arena, "no consultation '%s'", r->param[1]), NULL);
	if ((x = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	snprintf(x->tmpdir, sizeof(x->tmpdir), "%s/tmp", r->srv->cfg->data);
	x->job.db_url = r->srv->db_url;
	x->job.blobs = r->srv->blobs;
	x->job.tmpdir = x->tmpdir;
	x->job.slug = r->param[1];
	x->job.format = f;
	x->job.lang = r->lang;
	x->job.out_fd = -1;
	x->job.result_fd = -1;
	r->state = x;
	return request_slow(r, export_work, x);
}

int
api_export_csv(struct request *r)
{
	return export_answer(r, EXPORT_CSV);
}

int
api_export_xlsx(struct request *r)
{
	return export_answer(r, EXPORT_XLSX);
}

int
api_export_json(struct request *r)
{
	return export_answer(r, EXPORT_JSON);
}

int
api_export_zip(struct request *r)
{
	return export_answer(r, EXPORT_ZIP);
}
