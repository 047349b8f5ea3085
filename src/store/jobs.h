/* jobs.h: durable background work. A job is a row (kind, payload, run_at); worker threads
 * claim due jobs through the writer, run them, and mark them done, or retry with backoff
 * (2^attempts seconds, at most an hour) until max_attempts, then mark them failed (kept). */
#ifndef AGORA_JOBS_H
#define AGORA_JOBS_H
#include <stdint.h>

#include "db.h"
#include "writer.h"

struct job_kind {
	const char *name;
	/* Runs outside any transaction on a worker thread; ctx is the one given to jobs_new.
	 * Returns 0, or -1 with e set (the job is retried). */
	int (*run)(void *ctx, const char *payload, struct err *e);
};

struct jobs;

/* Adds a job; call inside a writer closure (same transaction as what caused it). */
int jobs_enqueue(struct db *db, const char *kind, const char *payload, int64_t run_at,
		 struct err *e);
/* Jobs not yet done (pending or running), for /metrics; -1 on error. */
int64_t jobs_pending_count(struct db *db);

struct jobs *jobs_new(struct writer *w, const struct job_kind *kinds, int nkinds, int nthreads,
		      void *ctx);
/* Lets idle workers check for due jobs on a read connection of their own first. */
void jobs_set_read_url(struct jobs *j, const char *url);
/* Puts jobs left 'running' by a crash back to 'pending', then starts the threads. */
int jobs_start(struct jobs *j, struct err *e);
/* Runs due jobs on the calling thread until none is due; returns how many ran (tests, CLI). */
int jobs_run_due(struct jobs *j, struct err *e);
void jobs_kick(struct jobs *j);	/* wake the workers */
void jobs_stop(struct jobs *j);	/* finishes running jobs, joins */
void jobs_free(struct jobs *j);

#endif
