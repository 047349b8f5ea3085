/* extract_job.h: the 'extract' background job: the text of one stored file (an attachment or a
 * document revision, by its SHA-256), read by an `agora worker` subprocess and kept in
 * file_texts, which queues what carries the file for the search index again. */
#ifndef AGORA_SEARCH_EXTRACT_JOB_H
#define AGORA_SEARCH_EXTRACT_JOB_H
#include "../store/blobs.h"
#include "../store/writer.h"

/* Runs the job for sha256: exe is the agora binary, db a read connection. A file the worker
 * could not read is recorded as 'failed' (with why), not retried: the same bytes fail the same
 * way. Returns 0, or -1 with e set when the database could not be read or written (retried). */
int extract_job_run(struct writer *w, struct db *db, struct blobs *blobs, const char *exe,
		    const char *sha256, struct err *e);

/* Writer closure: queues an 'extract' job for every stored file whose text is not known and
 * that no job is reading (files stored before this version, or whose job failed for good on a
 * fault of the server); *(int64_t *)arg: how many. `agora reindex` runs it. */
int extract_job_requeue_fn(struct db *db, void *arg, struct err *e);

#endif
