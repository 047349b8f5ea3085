/* thread.c: a pthread key whose destructor runs this thread's clean-up functions; background
 * priority. */
#define _GNU_SOURCE	/* gettid */
#include "thread.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#define THREAD_MAX_CLEANUPS 8

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static __thread void (*fns[THREAD_MAX_CLEANUPS])(void);
static __thread int nfns;

static void
run(void *unused)
{
	while (nfns > 0)
		fns[--nfns]();
}

static void
make_key(void)
{
	pthread_key_create(&key, run);
}

void
thread_atexit(void (*fn)(void))
{
	pthread_once(&once, make_key);
	for (int i = 0; i < nfns; i++)
		if (fns[i] == fn)
			return;
	if (nfns == THREAD_MAX_CLEANUPS)
		return;
	fns[nfns++] = fn;
	pthread_setspecific(key, (void *)1);
}

void
thread_background(void)
{
	/* On Linux a priority set on a thread id is that thread's alone (setpriority(2), BUGS). */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
}

void
thread_name(const char *name)
{
	(void)prctl(PR_SET_NAME, name, 0, 0, 0);
}
