/* scheduler.h: turns stored times into events, exactly once. Each source names an event kind
 * and a query for due things; firing inserts into events (UNIQUE kind, thing, id) and applies
 * the change in the same transaction, so a restart or a second process never fires twice. */
#ifndef AGORA_SCHEDULER_H
#define AGORA_SCHEDULER_H
#include <stdint.h>

#include "db.h"
#include "writer.h"

struct sched_source {
	const char *kind;	/* "opened" */
	const char *thing;	/* "consultation" */
	/* SELECT id, due_at ... WHERE due_at <= $1 ORDER BY due_at: things due at now ($1) */
	const char *due_sql;
	/* Applies the event to thing id inside the transaction. Returns 0 or -1. */
	int (*apply)(struct db *db, int64_t id, int64_t now, struct err *e);
};

/* Fires every due event of every source, in order, in one write. *fired counts them. The
 * domain's sources are one table (src/domain/events.c). */
int scheduler_run_due(struct writer *w, const struct sched_source *src, int nsrc, int *fired,
		      struct err *e);

/* The same inside a transaction the caller holds (a writer closure that has just changed a
 * time, so the event fires in the same commit). */
int scheduler_fire_due(struct db *db, const struct sched_source *src, int nsrc, int *fired,
		       struct err *e);

struct scheduler;
/* A thread that calls scheduler_run_due every tick_ms; with clock_file set it first reloads
 * the test clock from it. tick() (may be NULL) runs after each pass (periodic jobs). */
struct scheduler *scheduler_start(struct writer *w, const struct sched_source *src, int nsrc,
				  int64_t tick_ms, const char *clock_file, void (*tick)(void *),
				  void *tick_ctx);
void scheduler_stop(struct scheduler *s);

#endif
