/* extract.h: the text of an attachment or document file, for the search index.
 *
 * Untrusted files are parsed only in a child process, `agora worker extract`, under resource
 * limits (address space, CPU time, output size, no new files): a hostile file can only kill its
 * own worker. extract_file() is what that child runs; extract_run() is what the server calls. */
#ifndef AGORA_EXTRACT_H
#define AGORA_EXTRACT_H
#include <stddef.h>

#include "../util/arena.h"
#include "../util/err.h"

enum extract_status {
	EXTRACT_OK = 0,			/* text found */
	EXTRACT_NO_TEXT = 1,		/* a PDF with no text layer (scanned): "not searchable" */
	EXTRACT_UNSUPPORTED = 2,	/* a type with no text (PNG, JPEG) */
	EXTRACT_FAILED = 3		/* damaged, too big, or the worker died or ran out of time */
};

#define EXTRACT_MAX_TEXT (8u << 20)	/* at most this much text is kept from one file */

/* The worker's exit status for each outcome: 0 for EXTRACT_OK, 10 + the status otherwise, so that
 * a usage error (2) or a crash is never mistaken for an outcome; anything else is EXTRACT_FAILED. */
#define EXTRACT_EXIT(status) ((status) == EXTRACT_OK ? 0 : 10 + (int)(status))

/* The worker's limits. extract_run kills a worker still running after timeout_ms (wall clock). */
struct extract_limits {
	int timeout_ms;		/* default 60000 */
	int cpu_seconds;	/* RLIMIT_CPU, default 30 */
	long long memory_bytes;	/* RLIMIT_AS, default 1 GiB (not set in AddressSanitizer builds) */
};
/* Replaces the limits for the extract_run calls that follow (tests shorten the timeout); NULL
 * restores the defaults. Not to be called while extract_run runs in another thread. */
void extract_set_limits(const struct extract_limits *l);

/* In the calling process: writes the UTF-8 text of the file at path (of the sniffed media_type)
 * to fd. Used by `agora worker extract` only. */
enum extract_status extract_file(const char *path, const char *media_type, int fd, struct err *e);

/* Runs `exe worker extract --type media_type path` under limits and returns its text (NUL
 * terminated, valid UTF-8, at most EXTRACT_MAX_TEXT bytes) in *text, allocated in a. exe is the
 * agora binary (/proc/self/exe in the server). */
enum extract_status extract_run(const char *exe, const char *path, const char *media_type,
				struct arena *a, char **text, size_t *len, struct err *e);

/* The language of a text: "ar", "zh", "en", "fr", "ru", "es", or "und" when it is none of the
 * six or too short to tell (libexttextcat). Thread-safe. */
const char *langid_detect(const char *text, size_t len);
/* Loads the fingerprints now (the server's indexer does, when it starts; langid_detect would on
 * first use). */
void langid_init(void);

#endif
