/* page_cache.c: the page micro-cache (per thread, so no lock on the hot path). */
#include "page_cache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/thread.h"
#include "route.h"

#define PAGE_CACHE_SLOTS 64
struct cached_page {
	char key[256];
	int64_t until_ms;
	char *body;
	size_t len;
};
static __thread struct cached_page page_cache[PAGE_CACHE_SLOTS];

int
cache_key(struct request *r, char *key, size_t n)
{
	size_t o = (size_t)snprintf(key, n, "%d|%s", r->route_index, lang_code(r->lang));

	for (int i = 0; i < ROUTE_MAX_PARAMS && r->route->params[i].name && o < n; i++)
		o += (size_t)snprintf(key + o, n - o, "|%s", r->param[i] ? r->param[i] : "");
	return o < n ? 0 : -1;
}

static struct cached_page *
cache_slot(const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return &page_cache[h % PAGE_CACHE_SLOTS];
}

int
cache_get(struct request *r, const char *key)
{
	struct cached_page *c = cache_slot(key);

	if (c->body == NULL || strcmp(c->key, key) != 0 || c->until_ms <= clock_now_ms())
		return -1;
	buf_add(&r->out, c->body, c->len);
	r->content_type = "text/html; charset=utf-8";
	r->status = 200;
	return r->out.failed ? -1 : 0;
}

/* Frees this thread's pages (at thread exit). */
static void
cache_free(void)
{
	for (int i = 0; i < PAGE_CACHE_SLOTS; i++) {
		free(page_cache[i].body);
		page_cache[i].body = NULL;
	}
}

void
cache_put(struct request *r, const char *key, int64_t ttl_ms)
{
	struct cached_page *c = cache_slot(key);
	char *copy;

	if ((r->status != 0 && r->status != 200) || r->out.failed || (copy = malloc(r->out.len)) == NULL)
		return;
	memcpy(copy, r->out.data, r->out.len);
	thread_atexit(cache_free);
	free(c->body);
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->body = copy;
	c->len = r->out.len;
	c->until_ms = clock_now_ms() + ttl_ms;
}

