/* server.h: the HTTP server (libmicrohttpd thread pool + epoll) and what it owns. */
#ifndef AGORA_SERVER_H
#define AGORA_SERVER_H
#include <stdatomic.h>
#include <stdint.h>

#include "../ledger/log.h"
#include "../store/blobs.h"
#include "../store/jobs.h"
#include "../store/scheduler.h"
#include "../store/writer.h"
#include "../util/config.h"

#define SERVER_MAX_PROXIES 16

struct MHD_Daemon;
struct ratelimit;
struct slow;

struct server {
	struct ledger_log log;		/* the public log's signing key (issue 7) */
	const struct config *cfg;
	char db_url[600];
	char db_read_url[600];	/* --db-read: the replica public reads use; "" for none */
	struct writer *writer;
	struct jobs *jobs;
	struct scheduler *sched;
	struct search_indexer *indexer;	/* keeps DATA/search.db current */
	/* campaigns (issue 8) */
	struct campaign_worker *campaigns;	/* clusters near-identical responses (src/cluster) */
	/* end campaigns */
	struct mail_worker *mail;	/* sends the outbox (src/mail); NULL without --smtp-url */
	char index_path[700];
	struct blobs *blobs;
	struct ratelimit *submit_limit;	/* RATE_SUBMIT buckets; NULL: --submit-rate 0 */
	struct slow *slow;		/* password checks, off the connection threads */
	unsigned char csrf_key[32];	/* DATA/keys/csrf.key (csrf.c) */
	struct MHD_Daemon *mhd;
	uint16_t port;
	int64_t started_at;
	atomic_int suspended;	/* connections waiting for the writer */
	atomic_int inflight;	/* requests between first call and completion */
	atomic_int stopping;
	char proxies[SERVER_MAX_PROXIES][64];
	int nproxies;
};

/* search index connections (issue 6) */
/* The index r searches: this thread's read-only connection to DATA/search.db, opened on first
 * use (NULL when the index is not there, not built yet, or cannot be opened); on PostgreSQL the
 * request's read connection to the store (the replica or the primary), which holds the index. */
struct search_index;
struct request;
const struct search_index *server_search_index(struct request *r);
/* end search index */

/* Opens the store (migrating it), starts the writer, jobs, scheduler and the daemon. */
int server_start(struct server *s, const struct config *cfg, struct err *e);
/* Clean shutdown: stop accepting, drain the writer, resume every suspended connection,
 * wait for zero, then stop the daemon, jobs and scheduler. */
void server_stop(struct server *s);

#endif
