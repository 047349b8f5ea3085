/* page_cache.h: the page micro-cache: each HTTP thread keeps the public pages it built for
 * page-cache-ms, keyed by route, parameters and language (routes marked ROUTE_CACHE only). */
#ifndef AGORA_PAGE_CACHE_H
#define AGORA_PAGE_CACHE_H
#include "request.h"

/* The key of r's page; -1 when it does not fit. */
int cache_key(struct request *r, char *key, size_t n);
/* Copies a fresh cached page into r->out; 0 on a hit, -1 on a miss. */
int cache_get(struct request *r, const char *key);
/* Keeps r's answer (a 200) for ttl_ms. */
void cache_put(struct request *r, const char *key, int64_t ttl_ms);

#endif
