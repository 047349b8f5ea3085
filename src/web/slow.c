/* slow.c: the worker pool for slow work, and suspending a request around it (as
 * request_write does around a write: STACK-NOTES.md, libmicrohttpd suspend/resume). */
#include <netinet/in.h>

#include "slow.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>

#include "reply.h"
#include "server.h"

struct job {
	slow_fn fn, done;
	void *arg;
};

struct slow {
	pthread_t *threads;
	int nthreads, started;
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	struct job *ring;
	size_t cap, head, count, running;
	int stopping;
};

struct slow *
slow_new(int threads, size_t queue_cap)
{
	struct slow *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->threads = calloc((size_t)threads, sizeof(*s->threads));
	s->ring = calloc(queue_cap, sizeof(*s->ring));
	if (s->threads == NULL || s->ring == NULL) {
		free(s->threads);
		free(s->ring);
		free(s);
		return NULL;
	}
	s->nthreads = threads;
	s->cap = queue_cap;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->nonempty, NULL);
	return s;
}

static void *
worker(void *arg)
{
	struct slow *s = arg;
	struct job j;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (s->count == 0 && !s->stopping)
			pthread_cond_wait(&s->nonempty, &s->lock);
		if (s->count == 0) {	/* stopping, and nothing left */
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		j = s->ring[s->head];
		s->head = (s->head + 1) % s->cap;
		s->count--;
		s->running++;
		pthread_mutex_unlock(&s->lock);
		j.fn(j.arg);
		pthread_mutex_lock(&s->lock);
		s->running--;
		pthread_mutex_unlock(&s->lock);
		if (j.done != NULL)
			j.done(j.arg);
	}
}

int
slow_start(struct slow *s, struct err *e)
{
	for (int i = 0; i < s->nthreads; i++) {
		if (pthread_create(&s->threads[i], NULL, worker, s) != 0) {
			slow_stop(s);
			return err_set(e, ERR_INTERNAL, "cannot start the slow-work threads");
		}
		s->started++;
	}
	return 0;
}

int
slow_submit(struct slow *s, slow_fn fn, slow_fn done, void *arg)
{
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	if (!s->stopping && s->started > 0 && s->count < s->cap) {
		s->ring[(s->head + s->count) % s->cap] = (struct job){ fn, done, arg };
		s->count++;
		pthread_cond_signal(&s->nonempty);
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void
slow_stop(struct slow *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->nonempty);
	pthread_mutex_unlock(&s->lock);
	for (int i = 0; i < s->started; i++)
		pthread_join(s->threads[i], NULL);
	s->started = 0;
}

void
slow_free(struct slow *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->nonempty);
	free(s->threads);
	free(s->ring);
	free(s);
}

void
slow_counts(struct slow *s, size_t *queued, size_t *running)
{
	pthread_mutex_lock(&s->lock);
	*queued = s->count;
	*running = s->running;
	pthread_mutex_unlock(&s->lock);
}

/* On the worker, after the job. */
static void
slow_done(void *arg)
{
	struct request *r = arg;

	request_wake(r, &r->slow_finished);
}

static void
slow_trampoline(void *arg)
{
	struct request *r = arg;

	r->slow_fn(r->slow_arg);
}

int
request_slow(struct request *r, slow_fn fn, void *arg)
{
	r->slow_fn = fn;
	r->slow_arg = arg;
	r->slow_finished = 0;
	if (r->srv->slow == NULL || slow_submit(r->srv->slow, slow_trampoline, slow_done, r) != 0) {
		return reply_error(r, 503, _("The service is busy; try again."));	/* Retry-After */
	}
	r->slow_queued = 1;
	request_suspend_until(r, &r->slow_finished);
	return HANDLER_SUSPENDED;
}
