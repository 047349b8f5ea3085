/* page_cache.c: the page micro-cache (per thread, so no lock on the hot path). On PostgreSQL a
 * page is also kept only while the database's change counter is what it was when the page was
 * built, so a change made through any server is seen through every other at once
 * (docs/PERFORMANCE.md, "Caches with several servers"). */
#include "page_cache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/db.h"
#include "../util/clock.h"
#include "../util/str.h"
#include "compress.h"
#include "../util/thread.h"
#include "route.h"

#define PAGE_CACHE_SLOTS 64
struct cached_page {
	char key[256];
	int64_t until_ms;
	char *body;
	size_t len;
	char etag[COMPRESS_ETAG_MAX];	/* of body: pages are hashed once per put */
	char *gz;	/* body gzipped (NULL when too small to be worth it), once per put */
	size_t gz_len;
	int64_t changes;	/* PostgreSQL: the change counter the page was built under */
};
static __thread struct cached_page page_cache[PAGE_CACHE_SLOTS];
/* The counter cache_get read for this thread's request, for cache_put to stamp its page with:
 * read before the page is built, so a change committed while it is built makes it stale at
 * once rather than never. -1: unknown, keep nothing. */
static __thread int64_t request_changes = -1;

static const char SQL_CHANGES[] = "SELECT n FROM changes WHERE id = 1";

/* The change counter on r's connection; 0 on SQLite (one process: pages live page-cache-ms),
 * -1 when it cannot be read. */
static int64_t
changes_now(struct request *r)
{
	struct db_stmt *st;
	int64_t n = -1;

	if (r->db == NULL)
		return -1;
	if (!db_is_postgres(r->db))
		return 0;
	if ((st = db_prepare(r->db, SQL_CHANGES)) == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

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
	return &page_cache[str_hash(key) % PAGE_CACHE_SLOTS];
}

/* Hands r the page's tag and gzip bytes (a copy in its arena: the slot may be reused). */
static void
representation(struct request *r, const struct cached_page *c)
{
	char *gz;

	memcpy(r->etag, c->etag, sizeof(c->etag));
	if (c->gz != NULL && (gz = arena_alloc(r->arena, c->gz_len)) != NULL) {
		memcpy(gz, c->gz, c->gz_len);
		r->gz = gz;
		r->gz_len = c->gz_len;
	}
}

int
cache_get(struct request *r, const char *key)
{
	struct cached_page *c = cache_slot(key);

	if ((request_changes = changes_now(r)) < 0 || c->body == NULL || strcmp(c->key, key) != 0 ||
	    c->until_ms <= clock_now_ms() || c->changes != request_changes)
		return -1;
	buf_add(&r->out, c->body, c->len);
	r->content_type = "text/html; charset=utf-8";
	r->status = 200;
	representation(r, c);
	return r->out.failed ? -1 : 0;
}

/* Frees this thread's pages (at thread exit). */
static void
cache_free(void)
{
	for (int i = 0; i < PAGE_CACHE_SLOTS; i++) {
		free(page_cache[i].body);
		free(page_cache[i].gz);
		page_cache[i].body = NULL;
		page_cache[i].gz = NULL;
	}
}

void
cache_put(struct request *r, const char *key, int64_t ttl_ms)
{
	struct cached_page *c = cache_slot(key);
	struct buf gz;
	char *copy;

	if ((r->status != 0 && r->status != 200) || r->out.failed || request_changes < 0 ||
	    (copy = malloc(r->out.len)) == NULL)
		return;
	memcpy(copy, r->out.data, r->out.len);
	thread_atexit(cache_free);
	free(c->body);
	free(c->gz);
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->body = copy;
	c->len = r->out.len;
	c->until_ms = clock_now_ms() + ttl_ms;
	c->changes = request_changes;
	request_changes = -1;
	/* Most browsers ask for gzip: compress now, once, rather than at every hit. */
	compress_etag(c->body, c->len, 0, c->etag);
	c->gz = NULL;
	c->gz_len = 0;
	buf_init(&gz);
	if (c->len >= COMPRESS_MIN_BYTES && compress_type_ok(r->content_type) &&
	    compress_gzip(c->body, c->len, &gz) == 0)
		c->gz = buf_detach(&gz, &c->gz_len);
	buf_free(&gz);
	representation(r, c);
}

