/* metrics.c: lock-free counters; the route table fixes their shape. */
#include "metrics.h"

#include <stdatomic.h>

#include "route.h"

#define MAX_ROUTES ROUTES_MAX	/* route_table_check refuses a longer table */
static const int statuses[] = { 200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405,
				409, 413, 415, 422, 429, 500, 503 };
#define NSTATUS ((int)(sizeof(statuses) / sizeof(statuses[0])) + 1)	/* + "other" */
static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define NBUCKETS ((int)(sizeof(bounds) / sizeof(bounds[0])))

static atomic_ullong counts[MAX_ROUTES + 1][NSTATUS];
static atomic_ullong hist[MAX_ROUTES + 1][NBUCKETS + 1];
static atomic_ullong sum_us[MAX_ROUTES + 1];

static atomic_ullong cache_hits, cache_misses;

void
metrics_page_cache(int hit)
{
	atomic_fetch_add_explicit(hit ? &cache_hits : &cache_misses, 1, memory_order_relaxed);
}

static int
status_index(int status)
{
	for (int i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void
metrics_observe(int route, int status, int64_t micros)
{
	int r = route < 0 || route >= MAX_ROUTES ? MAX_ROUTES : route, b;
	double s = (double)micros / 1e6;

	atomic_fetch_add_explicit(&counts[r][status_index(status)], 1, memory_order_relaxed);
	for (b = 0; b < NBUCKETS && s > bounds[b]; b++)
		;
	atomic_fetch_add_explicit(&hist[r][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us[r], (unsigned long long)(micros > 0 ? micros : 0),
				  memory_order_relaxed);
}

static const char *
route_name(int r)
{
	return r < nroutes ? routes[r].name : "none";
}

void
metrics_write_requests(struct buf *b)
{
	buf_puts(b, "# HELP agora_http_requests_total HTTP requests answered, by route and status.\n"
		    "# TYPE agora_http_requests_total counter\n");
	for (int r = 0; r <= MAX_ROUTES; r++) {
		if (r >= nroutes && r != MAX_ROUTES)
			continue;
		for (int s = 0; s < NSTATUS; s++) {
			unsigned long long n = atomic_load(&counts[r][s]);
			if (n == 0)
				continue;
			if (s == NSTATUS - 1)
				buf_printf(b, "agora_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					   route_name(r), n);
			else
				buf_printf(b, "agora_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
					   route_name(r), statuses[s], n);
		}
	}
	buf_printf(b, "# HELP agora_page_cache_total Public pages served from the page cache (hit) "
		      "or built (miss).\n# TYPE agora_page_cache_total counter\n"
		      "agora_page_cache_total{result=\"hit\"} %llu\nagora_page_cache_total{result=\"miss\"} %llu\n",
		   atomic_load(&cache_hits), atomic_load(&cache_misses));
	buf_puts(b, "# HELP agora_http_request_duration_seconds Time from the first byte of the "
		    "request to the answer.\n# TYPE agora_http_request_duration_seconds histogram\n");
	for (int r = 0; r <= MAX_ROUTES; r++) {
		unsigned long long cum = 0;
		if (r >= nroutes && r != MAX_ROUTES)
			continue;
		for (int k = 0; k <= NBUCKETS; k++)
			cum += atomic_load(&hist[r][k]);
		if (cum == 0)
			continue;
		cum = 0;
		for (int k = 0; k < NBUCKETS; k++) {
			cum += atomic_load(&hist[r][k]);
			buf_printf(b, "agora_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				   route_name(r), bounds[k], cum);
		}
		cum += atomic_load(&hist[r][NBUCKETS]);
		buf_printf(b, "agora_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
			   route_name(r), cum);
		buf_printf(b, "agora_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_name(r),
			   (double)atomic_load(&sum_us[r]) / 1e6);
		buf_printf(b, "agora_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
			   route_name(r), cum);
	}
}
