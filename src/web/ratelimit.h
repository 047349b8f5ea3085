/* ratelimit.h: token buckets per client address for a rate class (RATE_SUBMIT): a fixed-size
 * table, safe from any thread, that forgets full or idle buckets when it runs out of room. */
#ifndef AGORA_RATELIMIT_H
#define AGORA_RATELIMIT_H
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 4096	/* buckets kept at most, by default */
#define RATELIMIT_KEY_MAX 64	/* longer keys are cut to 63 bytes */

struct ratelimit;
struct request;

/* A table allowing per_minute takes per key per minute: each bucket holds up to per_minute
 * tokens (the burst) and refills continuously at per_minute/60 a second. per_minute 0 means no
 * limit. slots is rounded up to a multiple of 8 (0: RATELIMIT_SLOTS). NULL when out of memory.
 * Free with ratelimit_free. */
struct ratelimit *ratelimit_new(int64_t per_minute, size_t slots);
void ratelimit_free(struct ratelimit *rl);

/* Takes one token from key's bucket at now_ms (the project clock). Returns 1 when allowed;
 * 0 when the bucket is empty, with *retry_after_s (may be NULL) the whole seconds until it
 * holds a token again, at least 1. A key not in the table starts with a full bucket; when its
 * set of slots is full the fullest (then the longest idle) bucket there is forgotten. */
int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms, int64_t *retry_after_s);

/* Buckets held now: never more than the slots asked for (rounded). */
size_t ratelimit_count(struct ratelimit *rl);

/* The central check for a RATE_SUBMIT route: takes a token for r->client. Returns 0 to go on
 * (also when rl is NULL: no limit); -1 when throttled, with the 429 answer written (Retry-After,
 * problem+json for an API route, an error page otherwise) and a warning logged. */
int ratelimit_request(struct ratelimit *rl, struct request *r);

#endif
