/* campaign.h: campaigns, near-identical responses of a round (docs/CAMPAIGNS.md).
 *
 * Derived data, kept in the tables of sql/sqlite/0020_campaigns.sql: `campaigns` and
 * `campaign_members` (what the summary page and the API read), the LSH band buckets that find
 * the candidates, a queue filled by triggers in the writer's own transactions, and the
 * parameters the buckets were built with. Only published responses are clustered. */
#ifndef AGORA_CAMPAIGN_H
#define AGORA_CAMPAIGN_H
#include <stdint.h>

#include "../store/writer.h"

struct campaign_worker;

/* Starts the background worker: every interval_ms (or when kicked) it clusters what the queue
 * holds, in batches, each batch one writer closure. On its first round it rebuilds everything
 * when the buckets were built for another threshold (or never). threshold_pct: 1 to 100.
 * Returns NULL with e set when the thread cannot start. */
struct campaign_worker *campaign_worker_start(const char *db_url, struct writer *w, int threshold_pct,
					      int interval_ms, struct err *e);
void campaign_worker_kick(struct campaign_worker *cw);
/* Stops and frees the worker (what it was doing is finished or left in the queue). NULL: no-op. */
void campaign_worker_stop(struct campaign_worker *cw);

/* Progress of a rebuild: phase "reading" (done of total responses) and "writing". */
typedef void (*campaign_progress_fn)(const char *phase, int64_t done, int64_t total, void *ctx);

struct campaign_rebuild_stats {
	int64_t responses;	/* published responses read */
	int64_t campaigns, members, buckets;
	int rounds, rows, bands;
	double seconds_reading, seconds_writing;
};

/* Recomputes campaigns from scratch, of one round (round > 0; the consultation's id) or of all
 * (round 0): signatures and buckets in memory, signing on `threads` threads (1 to 8), then one
 * writer closure that replaces the round's (or all) derived rows. A rebuild of one round
 * whose buckets were made for another threshold rebuilds all rounds. Changes that arrive
 * while it runs stay queued and are clustered after it. Returns 0, or -1 with e set. */
int campaign_rebuild(const char *db_url, struct writer *w, int threshold_pct, int64_t round, int threads,
		     campaign_progress_fn progress, void *ctx, struct campaign_rebuild_stats *out,
		     struct err *e);

#endif
