/* thread.h: per-thread clean-up, run when a thread ends (libmicrohttpd's and the workers'),
 * so thread-local caches (formatters, libmagic, cached pages) are freed with their thread. */
#ifndef AGORA_THREAD_H
#define AGORA_THREAD_H

/* Runs fn when the calling thread exits (each fn once per thread; the last added runs first). */
void thread_atexit(void (*fn)(void));

#endif
