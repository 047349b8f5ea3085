/* ratelimit.c: token buckets per client address, in a set-associative table of fixed size. A key
 * hashes to one set of WAYS slots with its own lock; when the set is full, the bucket that would
 * be fullest now is forgotten (a full bucket is the same as no bucket, so that loses nothing
 * unless every bucket in the set is in use). Tokens are counted in units of 1/60,000 of a token
 * so that refilling at rate/60 a second is exact integer arithmetic per millisecond. */
#include "ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "reply.h"
#include "route.h"

#define WAYS 8
#define UNITS_PER_TOKEN 60000	/* ms in a minute: a bucket gains `rate` units a millisecond */

struct slot {
	uint64_t hash;		/* 0: empty */
	int64_t units;		/* tokens * UNITS_PER_TOKEN, as of last_ms */
	int64_t last_ms;
	char key[RATELIMIT_KEY_MAX];
};

struct set {
	pthread_mutex_t lock;
	struct slot slot[WAYS];
};

struct ratelimit {
	int64_t rate;		/* tokens a minute, and the burst; 0: no limit */
	int64_t capacity;	/* rate * UNITS_PER_TOKEN */
	uint64_t seed;
	size_t nsets;
	struct set *sets;
};

struct ratelimit *
ratelimit_new(int64_t per_minute, size_t slots)
{
	struct ratelimit *rl;

	if (per_minute < 0 || (rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	rl->rate = per_minute;
	rl->capacity = per_minute * UNITS_PER_TOKEN;
	rl->nsets = ((slots ? slots : RATELIMIT_SLOTS) + WAYS - 1) / WAYS;
	if ((rl->sets = calloc(rl->nsets, sizeof(*rl->sets))) == NULL) {
		free(rl);
		return NULL;
	}
	for (size_t i = 0; i < rl->nsets; i++)
		pthread_mutex_init(&rl->sets[i].lock, NULL);
	/* A seed no client can guess, so no one can aim many keys at one set. */
	if (sodium_init() >= 0)
		randombytes_buf(&rl->seed, sizeof(rl->seed));
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (size_t i = 0; i < rl->nsets; i++)
		pthread_mutex_destroy(&rl->sets[i].lock);
	free(rl->sets);
	free(rl);
}

/* FNV-1a over the key (as stored: at most RATELIMIT_KEY_MAX - 1 bytes), seeded; never 0. */
static uint64_t
key_hash(const struct ratelimit *rl, const char *key, size_t len)
{
	uint64_t h = 14695981039346656037ULL ^ rl->seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;	/* the low bits choose the set: mix the high ones in */
	return h ? h : 1;
}

/* A bucket's units at now_ms, refilled since last_ms (a clock that went back refills nothing). */
static int64_t
level(const struct ratelimit *rl, const struct slot *s, int64_t now_ms)
{
	int64_t elapsed = now_ms - s->last_ms, units;

	if (elapsed <= 0)
		return s->units;
	if (elapsed >= UNITS_PER_TOKEN)	/* a minute refills any bucket */
		return rl->capacity;
	units = s->units + elapsed * rl->rate;
	return units > rl->capacity ? rl->capacity : units;
}

/* The slot for key in set: its own, else an empty one, else the one to forget. *found says which. */
static struct slot *
slot_for(const struct ratelimit *rl, struct set *set, uint64_t h, const char *key, int64_t now_ms,
	 int *found)
{
	struct slot *empty = NULL, *victim = NULL;
	int64_t victim_level = -1;

	*found = 0;
	for (int i = 0; i < WAYS; i++) {
		struct slot *s = &set->slot[i];
		int64_t lv;
		if (s->hash == 0) {
			if (empty == NULL)
				empty = s;
			continue;
		}
		if (s->hash == h && strcmp(s->key, key) == 0) {
			*found = 1;
			return s;
		}
		lv = level(rl, s, now_ms);
		if (lv > victim_level || (lv == victim_level && s->last_ms < victim->last_ms)) {
			victim = s;
			victim_level = lv;
		}
	}
	return empty ? empty : victim;
}

int
ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_ms, int64_t *retry_after_s)
{
	char k[RATELIMIT_KEY_MAX];
	size_t len;
	uint64_t h;
	struct set *set;
	struct slot *s;
	int found, allowed;
	int64_t units, wait_ms;

	if (retry_after_s != NULL)
		*retry_after_s = 0;
	if (rl == NULL || rl->rate == 0)
		return 1;
	len = strnlen(key, sizeof(k) - 1);
	memcpy(k, key, len);
	k[len] = '\0';
	h = key_hash(rl, k, len);
	set = &rl->sets[h % rl->nsets];

	pthread_mutex_lock(&set->lock);
	s = slot_for(rl, set, h, k, now_ms, &found);
	if (!found) {
		s->hash = h;
		memcpy(s->key, k, len + 1);
		s->units = rl->capacity;
		s->last_ms = now_ms;
	}
	units = level(rl, s, now_ms);
	s->last_ms = now_ms;	/* also when the clock went back: refills go on from there */
	allowed = units >= UNITS_PER_TOKEN;
	if (allowed)
		units -= UNITS_PER_TOKEN;
	s->units = units;
	pthread_mutex_unlock(&set->lock);

	if (!allowed && retry_after_s != NULL) {
		wait_ms = (UNITS_PER_TOKEN - units + rl->rate - 1) / rl->rate;
		*retry_after_s = (wait_ms + 999) / 1000;
		if (*retry_after_s < 1)
			*retry_after_s = 1;
	}
	return allowed;
}

size_t
ratelimit_count(struct ratelimit *rl)
{
	size_t n = 0;

	if (rl == NULL)
		return 0;
	for (size_t i = 0; i < rl->nsets; i++) {
		pthread_mutex_lock(&rl->sets[i].lock);
		for (int w = 0; w < WAYS; w++)
			n += rl->sets[i].slot[w].hash != 0;
		pthread_mutex_unlock(&rl->sets[i].lock);
	}
	return n;
}

int
ratelimit_request(struct ratelimit *rl, struct request *r)
{
	int64_t wait_s = 0;
	const char *v;

	if (ratelimit_take(rl, r->client, clock_now_ms(), &wait_s))
		return 0;
	log_warn("msg=\"submission throttled\" addr=%s route=%s id=%s retry_after=%lld", r->client,
		 r->route->name, r->id, (long long)wait_s);
	v = arena_printf(r->arena, "%lld", (long long)wait_s);
	request_header(r, "Retry-After", v ? v : "60");
	if (r->route->flags & ROUTE_API)
		reply_problem(r, 429, NULL,
			      arena_printf(r->arena, "too many submissions from this address: try again "
						     "in %lld seconds", (long long)wait_s),
			      NULL);
	else
		reply_error(r, 429, _("Too many responses have been sent from your address. Please wait "
				      "a minute, then go back and send the form again."));
	return -1;
}
