/* request.h: one HTTP request as handlers see it. Everything it allocates lives in its arena
 * (or its output buffer), freed when libmicrohttpd says the request is complete. */
#ifndef AGORA_REQUEST_H
#define AGORA_REQUEST_H
#include <pthread.h>
#include <stdint.h>

#include "../store/db.h"
#include "../store/writer.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/i18n.h"

#define ROUTE_MAX_PARAMS 8
#define REQUEST_MAX_HEADERS 8

struct server;
struct route;
struct MHD_Connection;

enum handler_rc { HANDLER_DONE = 0, HANDLER_SUSPENDED = 1 };
enum { REPLICA_ANSWERED = 1, REPLICA_MISSED = 2 };	/* request.db_replica */

struct request {
	struct server *srv;
	struct MHD_Connection *conn;
	struct arena *arena;
	const struct route *route;
	int route_index;
	const char *allow;	/* for 405: the methods the path takes */
	const char *method, *path;
	char id[17];		/* request id: 16 hex digits */
	char client[64];	/* client address (trusted-proxy rule applied) */
	enum lang lang;
	int lang_chosen;	/* ?lang= given: set the cookie */
	int64_t started_ms;
	struct db *db;		/* this thread's read connection: the primary's, or the replica's */
	/* --db-read (server.c): 0, the primary answered; REPLICA_ANSWERED, the replica (db is its
	 * connection); REPLICA_MISSED, the replica found nothing (404) and the primary answered. */
	int db_replica;
	const char *param[ROUTE_MAX_PARAMS];	/* declared parameters, by index; NULL if absent */
	int64_t account_id;	/* who is authenticated (0: nobody) */
	/* The session of the cookie, when alive (auth_session_load, before the central checks). */
	int64_t session_id;	/* 0: none */
	const char *session_token;	/* the cookie's value: the CSRF token is made from it */
	char role[16];		/* the session's account's role ("" when none) */
	char state_code[3];	/* its Member State, for a delegate or focal point ("" when none) */
	int via_proxy;		/* the connection came from a trusted proxy */
	const char *csrf;	/* the CSRF token of this request's forms, once made (csrf.c) */

	struct buf body_in;	/* request body, up to the route's limit */
	struct upload *upload;	/* a form or multipart body, parsed as it arrives */
	int body_too_large;
	int out_of_memory;	/* an allocation before the handler failed: dispatch answers 503 */
	uint64_t body_bytes;

	int status;
	const char *content_type;
	struct buf out;
	int file_fd;		/* > 0: the answer is this file (a download), streamed */
	int64_t file_size;
	const char *header[REQUEST_MAX_HEADERS][2];
	int nheaders;
	/* The entity tag of out ("" until known) and its gzip encoding (NULL until made, in the
	 * arena): the page cache fills them so a cached page is neither hashed nor compressed
	 * again (compress.c, page_cache.c). */
	char etag[48];
	const char *gz;
	size_t gz_len;

	void *state;		/* the handler's own, kept across a suspended write */
	void *json_body;	/* a parsed body (json_t *) others point into: released at the end */

	/* A queued write: the writer fills these, then resumes the connection. */
	pthread_mutex_t wlock;
	write_fn write_fn;
	void *write_arg;
	int write_queued, write_finished, suspended;
	int write_rc;
	struct err write_err;

	/* Slow work on a worker (slow.c): the same suspend and resume, under wlock. */
	void (*slow_fn)(void *arg);
	void *slow_arg;
	int slow_queued, slow_finished;
};

/* Adds a response header (name and value must live as long as the request). */
void request_header(struct request *r, const char *name, const char *value);
/* Queues fn on the writer and suspends the connection until it has committed; the handler is
 * then called again with r->write_finished set. Returns HANDLER_SUSPENDED, or HANDLER_DONE
 * with a 503 answer already written when the writer's queue is full. */
int request_write(struct request *r, write_fn fn, void *arg);
/* The two halves of waiting for another thread (the writer, the slow pool): suspend the
 * connection unless *finished is already set; on the other thread, set *finished and resume
 * the connection if it was suspended (after which r may already be freed). */
void request_suspend_until(struct request *r, int *finished);
void request_wake(struct request *r, int *finished);
/* A header of the request, or NULL. */
const char *request_get_header(struct request *r, const char *name);

#endif
