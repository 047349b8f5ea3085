/* metrics.h: request counters by route and status, and latency histograms, for /metrics. */
#ifndef AGORA_METRICS_H
#define AGORA_METRICS_H
#include <stdint.h>

#include "../util/buf.h"

/* route: index in the route table, or -1 for requests that matched none. */
void metrics_observe(int route, int status, int64_t micros);
void metrics_page_cache(int hit);
/* Appends the request metrics in Prometheus text format. */
void metrics_write_requests(struct buf *b);

#endif
