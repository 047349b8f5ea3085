/* server_db.c: the connections a request reads from. One read connection to the store per
 * libmicrohttpd thread, opened on first use; the read replica's (--db-read) for an anonymous
 * visitor's public reads, unless that visitor wrote lately (the agora_rw cookie); one read
 * connection to the search index per thread, reopened when agora reindex replaced the file.
 * All are closed by server_dbs_close at stop. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../search/index.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "cookie.h"
#include "route.h"
#include "server.h"
#include "server_int.h"

/* Read connections: one per libmicrohttpd thread, opened on first use, closed at stop. */
static __thread struct db *thread_db;
static pthread_mutex_t dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *dbs[512];
static int ndbs;

/* Keeps db in the list server_stop closes. */
static void
dbs_remember(struct db *db)
{
	pthread_mutex_lock(&dbs_lock);
	if (ndbs < (int)(sizeof(dbs) / sizeof(dbs[0])))
		dbs[ndbs++] = db;
	pthread_mutex_unlock(&dbs_lock);
}

/* Takes db out of that list (it is being closed now). */
static void
dbs_forget(struct db *db)
{
	pthread_mutex_lock(&dbs_lock);
	for (int i = 0; i < ndbs; i++)
		if (dbs[i] == db) {
			dbs[i] = dbs[--ndbs];
			break;
		}
	pthread_mutex_unlock(&dbs_lock);
}

struct db *
server_read_db(struct server *s)
{
	struct err e;

	if (thread_db != NULL)
		return thread_db;
	if (db_open(s->db_url, DB_READONLY, &thread_db, &e) != 0) {
		log_error("msg=\"cannot open a read connection\" error=\"%s\"", e.msg);
		return NULL;
	}
	dbs_remember(thread_db);
	return thread_db;
}

/* The read replica (--db-read; docs/DEPLOY.md). Public reads of an anonymous visitor
 * (ROUTE_REPLICA) come from it; everything else from the primary. A visitor who wrote
 * something (a submission, a revision, a registration...) gets the cookie agora_rw=DEADLINE
 * and reads from the primary until then, so the pages right after a write never miss it; a
 * 404 from the replica, or a failure, is asked again of the primary (dispatch). */
#define OWN_WRITE_S 10		/* longer than any replay lag we accept (docs/DEPLOY.md) */
#define COOKIE_OWN_WRITE "agora_rw"
#define REPLICA_RETRY_MS 1000	/* after a failure, this thread reads from the primary this long */

static __thread struct db *thread_db_read;
static __thread int64_t thread_db_read_retry_ms;	/* no replica on this thread before then */

/* This thread's replica connection, opened on first use; NULL (logged) when it cannot be
 * opened now: the request then reads from the primary. */
struct db *
server_replica_db(struct server *s)
{
	int64_t now = clock_now_ms();
	struct err e;

	if (thread_db_read != NULL)
		return thread_db_read;
	if (now < thread_db_read_retry_ms)
		return NULL;
	if (db_open(s->db_read_url, DB_READONLY, &thread_db_read, &e) != 0) {
		thread_db_read_retry_ms = now + REPLICA_RETRY_MS;
		log_warn("msg=\"cannot reach the read replica: reading from the primary\" error=\"%s\" retry_ms=%d",
			 e.msg, REPLICA_RETRY_MS);
		return NULL;
	}
	dbs_remember(thread_db_read);
	return thread_db_read;
}

/* Closes this thread's replica connection after a failure; the thread reads from the primary
 * for REPLICA_RETRY_MS, then opens a new one. */
void
server_replica_drop(void)
{
	if (thread_db_read == NULL)
		return;
	dbs_forget(thread_db_read);
	db_close(thread_db_read);
	thread_db_read = NULL;
	thread_db_read_retry_ms = clock_now_ms() + REPLICA_RETRY_MS;
}

/* Did r's visitor write something in the last OWN_WRITE_S seconds (the cookie's deadline is
 * still ahead)? A forged cookie only sends its sender's reads to the primary, which any
 * signed-in visitor's are anyway. */
int
server_own_write_recent(struct request *r)
{
	const char *v = cookie_get(r, COOKIE_OWN_WRITE);
	char *end;
	long long deadline;

	if (v == NULL)
		return 0;
	errno = 0;
	deadline = strtoll(v, &end, 10);
	return errno == 0 && end != v && *end == '\0' && deadline > (long long)clock_now();
}

/* On the answer to a write: the cookie that sends this visitor's next reads to the primary. */
void
server_own_write_mark(struct request *r)
{
	int https = request_is_https(r);
	const char *h = arena_printf(r->arena, "%s%s=%lld; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
				     https ? "__Host-" : "", COOKIE_OWN_WRITE, (long long)(clock_now() + OWN_WRITE_S),
				     OWN_WRITE_S, https ? "; Secure" : "");

	if (h != NULL)
		request_header(r, "Set-Cookie", h);
}

/* May r read from the replica? Only a public GET route marked for it (route.c), for a visitor
 * who is nobody (no session, no bearer token: members and the secretariat see the primary)
 * and wrote nothing lately. */
int
server_replica_suits(struct server *s, struct request *r)
{
	if (s->db_read_url[0] == '\0' || !(r->route->flags & ROUTE_REPLICA))
		return 0;
	if (r->session_id != 0 || r->account_id != 0 || request_get_header(r, "Authorization") != NULL)
		return 0;
	return !server_own_write_recent(r);
}

/* Did the request that read from the replica fail because of it (an error, a statement
 * cancelled by recovery, a lost connection)? Then it is answered again from the primary. */
int
server_replica_failed(struct request *r)
{
	enum db_rc last = db_last_rc(r->db);

	return r->status == 500 || last == DB_ERROR || last == DB_BUSY;
}

/* search index connections (issue 6) */
/* Read-only connections to DATA/search.db: one per libmicrohttpd thread, as server_read_db(), opened
 * on first use and closed at stop. `agora reindex` renames a new generation over the file: a
 * connection to a file whose inode is no longer the path's is closed and the new one opened. */
static __thread sqlite3 *thread_search_idx;
static __thread ino_t thread_search_ino;
static __thread int thread_search_slot = -1;
static sqlite3 *search_idxs[512];
static int nsearch_idxs;

static __thread struct search_index thread_search;

const struct search_index *
server_search_index(struct request *r)
{
	struct server *s = r->srv;
	struct stat sb;
	struct err e;
	sqlite3 *idx;

	/* On PostgreSQL the index is in the store (issue 10): the request's read connection, the
	 * replica for an anonymous visitor's search (ROUTE_REPLICA), else the primary. */
	if (search_url_is_postgres(s->db_url)) {
		thread_search.pg = r->db != NULL ? r->db : server_read_db(s);
		return thread_search.pg != NULL ? &thread_search : NULL;
	}
	if (stat(s->index_path, &sb) != 0)
		return NULL;	/* not built yet: search answers 503 */
	thread_search.lite = thread_search_idx;
	if (thread_search_idx != NULL && sb.st_ino == thread_search_ino)
		return &thread_search;
	if ((idx = search_index_open(s->index_path, SEARCH_OPEN_READONLY, &e)) == NULL) {
		log_error("msg=\"cannot open the search index\" error=\"%s\"", e.msg);
		return NULL;
	}
	pthread_mutex_lock(&dbs_lock);
	if (thread_search_slot >= 0 && search_idxs[thread_search_slot] == thread_search_idx) {
		sqlite3_close(thread_search_idx);	/* the old generation */
		search_idxs[thread_search_slot] = idx;
	} else if (nsearch_idxs < (int)(sizeof(search_idxs) / sizeof(search_idxs[0]))) {
		thread_search_slot = nsearch_idxs;
		search_idxs[nsearch_idxs++] = idx;
	}
	pthread_mutex_unlock(&dbs_lock);
	thread_search_idx = idx;
	thread_search_ino = sb.st_ino;
	thread_search.lite = idx;
	return &thread_search;
}

static void
server_search_indexes_close(void)
{
	pthread_mutex_lock(&dbs_lock);
	for (int i = 0; i < nsearch_idxs; i++)
		sqlite3_close(search_idxs[i]);
	nsearch_idxs = 0;
	pthread_mutex_unlock(&dbs_lock);
}
/* end search index */

void
server_dbs_close(void)
{
	pthread_mutex_lock(&dbs_lock);
	for (int i = 0; i < ndbs; i++)
		db_close(dbs[i]);
	ndbs = 0;
	pthread_mutex_unlock(&dbs_lock);
	server_search_indexes_close();
}

struct db *
server_thread_db(void)
{
	return thread_db_read != NULL ? thread_db_read : thread_db;
}
