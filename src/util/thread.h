/* thread.h: per-thread clean-up, run when a thread ends (libmicrohttpd's and the workers'),
 * so thread-local caches (formatters, libmagic, cached pages) are freed with their thread. */
#ifndef AGORA_THREAD_H
#define AGORA_THREAD_H

/* Runs fn when the calling thread exits (each fn once per thread; the last added runs first). */
void thread_atexit(void (*fn)(void));

/* Makes the calling thread yield the CPU to every other (Linux's per-thread nice 19): for the
 * threads whose work may wait (indexing, clustering), so that under a surge the cores go to
 * answering and committing, and the waiting work catches up when the surge is over
 * (docs/PERFORMANCE.md, "Profile"). Failure only logs nothing: the thread runs as before. */
void thread_background(void);
/* Names the calling thread (at most 15 bytes), as top -H, perf and /proc/PID/task/N/comm show it. */
void thread_name(const char *name);

#endif
