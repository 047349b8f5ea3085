/* df_cache.c: the phrases' row counts, per index file, in a direct-mapped table of DF_SLOTS
 * slots under one mutex: a phrase's slot is its hash's, and a new count takes the slot
 * whatever was in it. A count is used while the index's row count stays within 1% of the one
 * it was made at (rank.c), so it follows the index as it grows. */
#include "df_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"

#define DF_SLOTS 4096
#define KEY_MAX 512

struct slot {
	char key[KEY_MAX];	/* index '\n' phrase; "" when empty */
	long long df, at_rows;
};

static struct slot slots[DF_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int
df_cache_phrases(const char *match, const char **p, size_t *len, unsigned char *same_word, int max)
{
	int n = 0;

	for (const char *s = match; *s;) {
		const char *start;

		if (*s != '"') {
			s++;
			continue;
		}
		start = s++;
		/* query.c's "(stem OR stem)": a stem right after another, with only " OR " between */
		if (n < max)
			same_word[n] = n > 0 && start[1] == SEARCH_TOKEN_VERBATIM && p[n - 1][1] == SEARCH_TOKEN_VERBATIM &&
				       start - (p[n - 1] + len[n - 1]) == 4 && strncmp(start - 4, " OR ", 4) == 0;
		for (;;) {	/* to the closing quote; "" inside is a quote */
			if (*s == '\0')
				break;
			if (*s == '"' && s[1] == '"') {
				s += 2;
				continue;
			}
			if (*s++ == '"')
				break;
		}
		if (strncmp(s, " *", 2) == 0)
			s += 2;
		if (n == max)
			return -1;
		p[n] = start;
		len[n++] = (size_t)(s - start);
	}
	return n;
}

/* The slot key of phrase (n bytes) in index; 0, or -1 when too long to keep. */
static int
make_key(char *key, const char *index, const char *phrase, size_t n)
{
	size_t il = strlen(index);

	if (il + 1 + n + 1 > KEY_MAX)
		return -1;
	memcpy(key, index, il);
	key[il] = '\n';
	memcpy(key + il + 1, phrase, n);
	key[il + 1 + n] = '\0';
	return 0;
}

static struct slot *
slot_of(const char *key)
{
	return &slots[str_hash(key) % DF_SLOTS];
}

void
df_cache_hints(const char *index, const char *match, struct search_rank_hints *h)
{
	const char *p[SEARCH_RANK_MAX_PHRASES];
	size_t len[SEARCH_RANK_MAX_PHRASES];
	char key[KEY_MAX];
	int n;

	memset(h, 0, sizeof(*h));
	n = df_cache_phrases(match, p, len, h->same_word, SEARCH_RANK_MAX_PHRASES);
	h->n = n > 0 ? n : 0;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < h->n; i++) {
		struct slot *s;

		h->df[i] = h->at_rows[i] = -1;
		if (make_key(key, index, p[i], len[i]) != 0)
			continue;
		s = slot_of(key);
		if (strcmp(s->key, key) == 0) {
			h->df[i] = s->df;
			h->at_rows[i] = s->at_rows;
		}
	}
	pthread_mutex_unlock(&lock);
}

void
df_cache_keep(const char *index, const char *match, const struct search_rank_hints *h)
{
	const char *p[SEARCH_RANK_MAX_PHRASES];
	size_t len[SEARCH_RANK_MAX_PHRASES];
	unsigned char same_word[SEARCH_RANK_MAX_PHRASES];
	char key[KEY_MAX];
	int n = df_cache_phrases(match, p, len, same_word, SEARCH_RANK_MAX_PHRASES);

	if (n != h->n)
		return;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < n; i++) {
		struct slot *s;

		if (!h->fresh[i] || make_key(key, index, p[i], len[i]) != 0)
			continue;
		s = slot_of(key);
		memcpy(s->key, key, strlen(key) + 1);
		s->df = h->df[i];
		s->at_rows = h->at_rows[i];
	}
	pthread_mutex_unlock(&lock);
}
