/* writer.h: the batching writer. Writes are closures; one thread runs whatever is queued,
 * each in its own SAVEPOINT inside one transaction, commits once (group commit), and only
 * then hands each closure its result. The queue is bounded: a full queue is ERR_BUSY. */
#ifndef AGORA_WRITER_H
#define AGORA_WRITER_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct writer;

/* PostgreSQL: the key of the transaction-level advisory lock every writer batch takes first,
 * once, and holds to its commit: the batches of several servers on one database run one after
 * another, as SQLite's BEGIN IMMEDIATE makes them (docs/LEDGER.md, "Several servers on one
 * PostgreSQL database"). The public log's seal relies on it. "agoralog" in ASCII. */
#define WRITER_PG_LOCK_KEY INT64_C(0x61676f72616c6f67)

/* Runs inside the transaction. Returns 0, or -1 with e set (its savepoint is rolled back). */
typedef int (*write_fn)(struct db *db, void *arg, struct err *e);
/* Called on the writer thread after the commit (rc 0) or after the item failed (rc -1). */
typedef void (*write_done_fn)(void *arg, int rc, const struct err *e);

struct writer_stats {
	uint64_t items, batches, failed_items, failed_commits;
	size_t depth, last_batch;
	uint64_t batch_hist[8];	/* batch sizes: 1, 2-4, 5-16, 17-64, 65-256, 257-1024, 1025-4096, more */
};

/* Takes ownership of db (closed by writer_free). delay_ms > 0 only in tests. */
struct writer *writer_new(struct db *db, size_t queue_cap, size_t batch_max, int64_t delay_ms);
int writer_start(struct writer *w, struct err *e);
/* Queues fn. Returns 0, or -1 with ERR_BUSY when the queue is full or the writer stopped. */
int writer_submit(struct writer *w, write_fn fn, write_done_fn done, void *arg, struct err *e);
/* Queues fn only while less than half the queue is used, else ERR_BUSY: for bookkeeping
 * (a session's or token's last use) that must never take the room of a write someone waits for. */
int writer_submit_spare(struct writer *w, write_fn fn, write_done_fn done, void *arg, struct err *e);
/* Queues fn and waits until it has committed (or failed). Waits for room in the queue. */
int writer_run(struct writer *w, write_fn fn, void *arg, struct err *e);
/* Stops taking new items, commits what is queued, joins the thread. */
void writer_stop(struct writer *w);
void writer_free(struct writer *w);
/* Runs seal(db, arg) in every batch's transaction after its items and before the commit, when
 * at least one item succeeded: the public log turns what the batch queued into entries and signs
 * a checkpoint there. When seal fails the whole batch is rolled back and every item fails with
 * its error. Set it before writer_start. */
void writer_set_seal(struct writer *w, write_fn seal, void *arg);
void writer_get_stats(struct writer *w, struct writer_stats *out);
/* 1 when writes wait in the queue or the last batch held more than one: others are writing, and
 * background work that may wait (clustering) should leave the writer to them. */
int writer_busy(struct writer *w);

#endif
