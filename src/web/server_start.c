/* server_start.c: agora serve's start and stop: the listening socket bound and root given up,
 * the store opened and migrated, the writer, the public log, the background workers (search
 * index, campaigns, jobs, mail, scheduler), then the HTTP threads (server.c); and the stop,
 * in the order that loses nothing. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "server.h"

#include <errno.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cluster/campaign.h"
#include "../domain/country.h"
#include "../domain/events.h"
#include "../domain/notice.h"
#include "../domain/notice_response.h"
#include "../search/index.h"
#include "../store/migrate.h"
#include "../mail/mail.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "csrf.h"
#include "ratelimit.h"
#include "route.h"
#include "sandbox.h"
#include "server_int.h"
#include "slow.h"

#define MAIL_POLL_MS 1000	/* how often the mail worker looks for due mail */
#define REPLICA_SCHEMA_WAIT_MS 10000	/* at start-up, for the replica to replay a migration */

static void
parse_proxies(struct server *s)
{
	char list[512], *tok, *save = NULL;

	snprintf(list, sizeof(list), "%s", s->cfg->trusted_proxies);
	for (tok = strtok_r(list, ", ", &save); tok && s->nproxies < SERVER_MAX_PROXIES;
	     tok = strtok_r(NULL, ", ", &save))
		snprintf(s->proxies[s->nproxies++], 64, "%s", tok);
}

static int
listen_address(const char *listen, struct sockaddr_in *sa, struct err *e)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	long port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		return err_set(e, ERR_INVALID, "--listen wants ADDRESS:PORT, not '%s'", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, NULL, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_set(e, ERR_INVALID, "--listen: '%s' is not an IPv4 address and port", listen);
	return 0;
}

static int
is_postgres_url(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* --db-read: refuses a replica that is not PostgreSQL or cannot be opened, and one that has
 * not the primary's schema within REPLICA_SCHEMA_WAIT_MS (a replica of another database, or
 * one far behind): better not to start than to answer every public page with an error.
 * Messages never repeat the URL (it may hold a password). */
static int
replica_check(struct server *s, const struct config *cfg, struct db *primary, struct err *e)
{
	struct timespec ts = { 0, 100 * 1000000 };
	struct db *rdb = NULL;
	struct err oe;
	int want, have, waited_ms = 0;

	if (cfg->db_read[0] == '\0')
		return 0;
	if (!db_is_postgres(primary))
		return err_set(e, ERR_INVALID, "--db-read names a replica of a PostgreSQL --db; "
				  "SQLite (--db sqlite:...) has none: leave --db-read unset");
	if (!is_postgres_url(cfg->db_read))
		return err_set(e, ERR_INVALID, "--db-read wants the postgres://... URL of a streaming replica of --db");
	snprintf(s->db_read_url, sizeof(s->db_read_url), "%s", cfg->db_read);
	if (db_open(s->db_read_url, DB_READONLY, &rdb, &oe) != 0)
		return err_set(e, oe.kind, "cannot open the read replica (--db-read): %s", oe.msg);
	want = migrate_version(primary);
	while ((have = migrate_version(rdb)) < want && waited_ms < REPLICA_SCHEMA_WAIT_MS) {
		nanosleep(&ts, NULL);
		waited_ms += 100;
	}
	db_close(rdb);
	if (have < want)
		return err_set(e, ERR_INVALID, "the read replica (--db-read) has schema version %d and the primary %d, "
				  "still after %d s: is it a streaming replica of the --db database?",
			       have, want, REPLICA_SCHEMA_WAIT_MS / 1000);
	log_info("msg=\"public reads from the read replica (--db-read)\" schema=%d", have);
	return 0;
}

/* The mail worker, when a relay is configured; without one, mail stays queued (docs/MAIL.md). */
static int
start_mail(struct server *s, const struct config *cfg, struct err *e)
{
	struct mail_relay relay;
	int rc;

	if (mail_relay_from_config(cfg, &relay, e) != 0)
		return -1;
	if (relay.url[0] == '\0') {
		log_info("msg=\"no mail relay (--smtp-url): mail stays in the outbox, unsent\"");
		return 0;
	}
	s->mail = mail_worker_start(s->db_url, s->writer, &relay, MAIL_POLL_MS, e);
	rc = s->mail != NULL ? 0 : -1;
	if (rc == 0) {
		const char *host = strstr(relay.url, "://") + 3, *at = strchr(host, '@');

		log_info("msg=\"sending mail\" relay=%s from=%s login=%s", at ? at + 1 : host, relay.from.addr,
			 relay.user[0] || at ? "yes" : "no");	/* never the login itself */
	}
	sodium_memzero(&relay, sizeof(relay));
	return rc;
}

int
server_start(struct server *s, const struct config *cfg, struct err *e)
{
	struct sockaddr_in sa, bound;
	socklen_t blen = sizeof(bound);
	int lfd;
	struct db *wdb = NULL;
	char path[600];

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->started_at = clock_now();
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium failed to start");
	route_table_check();
	parse_proxies(s);
	/* sandbox: bind (a low port needs root), then give root up before any thread or file */
	if (listen_address(cfg->listen, &sa, e) != 0 || (lfd = sandbox_bind(&sa, e)) < 0)
		return -1;
	if (getsockname(lfd, (struct sockaddr *)&bound, &blen) == 0)
		s->port = ntohs(bound.sin_port);
	notice_set_base_url(cfg->public_url, s->port);	/* issue 13: links in mail */
	if (sandbox_drop_root(cfg, e) != 0) {
		close(lfd);
		return -1;
	}
	/* end sandbox */
	if (cfg->submit_rate > 0 && (s->submit_limit = ratelimit_new(cfg->submit_rate, RATELIMIT_SLOTS)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory for the submission rate limit");
	if (country_load(COUNTRY_JSON, e) != 0)
		return -1;
	if (csrf_key_load(cfg->data, s->csrf_key, e) != 0)
		return -1;
	if ((s->slow = slow_new(SLOW_THREADS, SLOW_QUEUE)) == NULL || slow_start(s->slow, e) != 0)
		return err_set(e, ERR_INTERNAL, "cannot start the slow-work threads");
	config_db_url(cfg, s->db_url, sizeof(s->db_url));
	if (db_open(s->db_url, DB_WRITER, &wdb, e) != 0)
		return -1;
	if (migrate_up(wdb, e) < 0 || replica_check(s, cfg, wdb, e) != 0) {
		db_close(wdb);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/blobs", cfg->data);
	if (blobs_open(path, s->db_url, &s->blobs, e) != 0) {
		db_close(wdb);
		return -1;
	}
	s->writer = writer_new(wdb, (size_t)cfg->writer_queue, (size_t)cfg->writer_batch,
			       cfg->test_writer_delay_ms);
	if (s->writer == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the writer");
	if (ledger_log_load(cfg, &s->log, e) != 0)
		return -1;
	writer_set_seal(s->writer, notice_seal, &s->log);	/* issue 13: the log, then receipts by mail */
	if (writer_start(s->writer, e) != 0)
		return err_set(e, ERR_INTERNAL, "cannot start the writer");
	if (ledger_pending_count(wdb) >= 10000)	/* before the writer's first batch: no race */
		log_info("msg=\"logging the events this data folder held before the public log (once)\"");
	if (writer_run(s->writer, ledger_touch, NULL, e) != 0)	/* seals what a migration queued */
		return -1;
	snprintf(s->index_path, sizeof(s->index_path), "%s/%s", cfg->data, SEARCH_INDEX_FILE);
	if ((s->indexer = search_indexer_start(s->db_url, s->index_path, s->writer, 250, e)) == NULL)
		return -1;
	/* campaigns (issue 8) */
	if ((s->campaigns = campaign_worker_start(s->db_url, s->writer, (int)cfg->campaign_threshold, 250, e)) == NULL)
		return -1;
	/* end campaigns */
	s->jobs = jobs_new(s->writer, server_job_kinds, server_njob_kinds, (int)cfg->workers, s);
	if (s->jobs != NULL)
		jobs_set_read_url(s->jobs, s->db_url);
	if (s->jobs == NULL || jobs_start(s->jobs, e) != 0)
		return -1;
	if (start_mail(s, cfg, e) != 0)
		return -1;
	s->sched = scheduler_start(s->writer, domain_events, domain_nevents,
				   cfg->scheduler_tick_ms, cfg->test_clock_file, server_scheduler_tick, s);
	if (s->sched == NULL)
		return err_set(e, ERR_INTERNAL, "cannot start the scheduler");
	if (listen(lfd, 1024) != 0) {	/* sandbox: bound before root was given up */
		close(lfd);
		return err_set(e, ERR_INTERNAL, "cannot listen on %s: %s", cfg->listen, strerror(errno));
	}
	return server_http_start(s, lfd, e);
}

void
server_stop(struct server *s)
{
	int waited_ms = 0;
	struct timespec ts = { 0, 10 * 1000000 };

	atomic_store(&s->stopping, 1);	/* on_accept refuses new connections from here */
	if (s->sched != NULL)
		scheduler_stop(s->sched);
	if (s->jobs != NULL)
		jobs_stop(s->jobs);
	mail_worker_stop(s->mail);	/* before the writer: it records the attempt it abandons */
	s->mail = NULL;
	search_indexer_stop(s->indexer);	/* before the writer: it may be deleting queue rows */
	s->indexer = NULL;
	/* campaigns (issue 8): before the writer, which its batches wait for */
	campaign_worker_stop(s->campaigns);
	s->campaigns = NULL;
	/* end campaigns */
	slow_stop(s->slow);	/* runs what is queued; each resumes its connection */
	if (s->writer != NULL)
		writer_stop(s->writer);	/* commits the queue; each done() resumes its connection */
	while ((atomic_load(&s->suspended) > 0 || atomic_load(&s->inflight) > 0) && waited_ms < 5000) {
		nanosleep(&ts, NULL);
		waited_ms += 10;
	}
	if (atomic_load(&s->suspended) > 0)
		log_error("msg=\"connections still suspended at stop\" n=%d", atomic_load(&s->suspended));
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	s->mhd = NULL;
	ratelimit_free(s->submit_limit);
	s->submit_limit = NULL;
	slow_free(s->slow);
	s->slow = NULL;
	jobs_free(s->jobs);
	writer_free(s->writer);
	ledger_log_wipe(&s->log);
	blobs_close(s->blobs);
	server_dbs_close();
}
