/* cmd_reindex.c: `agora reindex`: rebuilds the search index from the repository, with progress
 * on a terminal. Safe while a server runs: it keeps answering from the old index, then opens
 * the new one (src/search/indexer.c); on PostgreSQL the index's tables are rebuilt in one
 * transaction, which the servers see whole when it commits (src/search/pg_index.c). */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../search/extract_job.h"
#include "../search/index.h"
#include "cli.h"

struct progress {
	int tty;
	struct timespec start;
	const char *last_phase;
	int64_t last_tenth;
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* On a terminal one line rewritten in place; otherwise a line per phase and per tenth. */
static void
show(const char *phase, int64_t done, int64_t total, void *ctx)
{
	struct progress *p = ctx;
	double s = elapsed(&p->start);

	if (strcmp(phase, "indexing") == 0 && total > 0) {
		int64_t tenth = done * 10 / total;
		if (p->tty)
			fprintf(stderr, "\rIndexing: %lld/%lld (%d%%), %.0f/s   ", (long long)done,
				(long long)total, (int)(done * 100 / total), s > 0 ? (double)done / s : 0.0);
		else if (tenth != p->last_tenth || done == total)
			fprintf(stderr, "Indexing: %lld/%lld (%d%%)\n", (long long)done, (long long)total,
				(int)(done * 100 / total));
		p->last_tenth = tenth;
	} else if (p->last_phase == NULL || strcmp(phase, p->last_phase) != 0) {
		fprintf(stderr, "%s%s...%s", p->tty && p->last_phase ? "\n" : "",
			strcmp(phase, "collecting") == 0 ? "Reading the repository"
			: strcmp(phase, "counting") == 0 ? "Counting the rows of each word"
							  : "Optimizing the index",
			p->tty ? "" : "\n");
	}
	p->last_phase = phase;
}

int
cmd_reindex(int argc, char **argv, struct config *c)
{
	const char *pos[1] = { NULL };
	struct progress p = { isatty(2), { 0, 0 }, NULL, -1 };
	struct cli_store s;
	struct err e;
	char path[700];
	int64_t queued = 0;
	int rc = cli_parse(argc, argv, c, "reindex", NULL, NULL, NULL, NULL, pos, 1);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] != NULL) {
		fprintf(stderr, "agora reindex: unexpected '%s'\n", pos[0]);
		return EXIT_USAGE;
	}
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora reindex: %s is not a data folder (agora init makes one)\n", c->data);
		return 1;
	}
	if (cli_store_open(c, &s) != 0)	/* migrates an older data folder first */
		return 1;
	snprintf(path, sizeof(path), "%s/%s", c->data, SEARCH_INDEX_FILE);
	/* Files whose text was never read: their jobs run in the server (now, or at its start). */
	if (writer_run(s.writer, extract_job_requeue_fn, &queued, &e) != 0) {
		fprintf(stderr, "agora reindex: %s\n", e.msg);
		cli_store_close(&s);
		return 1;
	}
	if (queued > 0)
		fprintf(stderr, "Files whose text is still to be read: %lld (the server reads them)\n",
			(long long)queued);
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	rc = search_reindex(s.db_url, path, show, &p, &e);
	if (p.tty && p.last_phase)
		fputc('\n', stderr);
	cli_store_close(&s);
	if (rc != 0) {
		fprintf(stderr, "agora reindex: %s\n", e.msg);
		return 1;
	}
	if (search_url_is_postgres(s.db_url))
		printf("Search index rebuilt in %.1f s: in the PostgreSQL store\n", elapsed(&p.start));
	else
		printf("Search index rebuilt in %.1f s: %s\n", elapsed(&p.start), path);
	return 0;
}
