/* slow.h: slow work (argon2id password checks) off the connection threads. A small pool of
 * worker threads with a bounded queue: at most `threads` jobs run at once (each hash takes
 * 64 MiB), and a full queue is refused at once (the request gets 503 with Retry-After). */
#ifndef AGORA_SLOW_H
#define AGORA_SLOW_H
#include <stddef.h>

#include "../util/err.h"
#include "request.h"

#define SLOW_THREADS 2
#define SLOW_QUEUE 64

struct slow;

/* Runs on a worker. done (may be NULL) runs right after it, on the same worker. */
typedef void (*slow_fn)(void *arg);

struct slow *slow_new(int threads, size_t queue_cap);
int slow_start(struct slow *s, struct err *e);
/* Queues fn. Returns 0, or -1 when the queue is full or the pool is stopping. */
int slow_submit(struct slow *s, slow_fn fn, slow_fn done, void *arg);
/* Stops taking jobs, runs every job already queued, joins the workers. */
void slow_stop(struct slow *s);
void slow_free(struct slow *s);	/* after slow_stop; NULL is fine */
/* Jobs waiting and running now. */
void slow_counts(struct slow *s, size_t *queued, size_t *running);

/* Runs fn(arg) on a worker of the server's pool and suspends the connection until it is done;
 * libmicrohttpd then calls the handler again with r->slow_finished set (r->slow_queued tells a
 * handler it is that second call). Returns HANDLER_SUSPENDED, or HANDLER_DONE with a 503 (and
 * Retry-After) already written when the queue is full. fn must not touch r. */
int request_slow(struct request *r, slow_fn fn, void *arg);

#endif
