/* server_int.h: what server.c, server_start.c and server_db.c share; not for handlers. */
#ifndef AGORA_SERVER_INT_H
#define AGORA_SERVER_INT_H
#include "../store/db.h"
#include "server.h"

/* This thread's read connection to the store (opened on first use); NULL, logged, when it
 * cannot be opened. */
struct db *server_read_db(struct server *s);
/* This thread's replica connection, opened on first use; NULL (logged) when it cannot be opened
 * now: the request then reads from the primary. */
struct db *server_replica_db(struct server *s);
/* Closes this thread's replica connection after a failure; the primary is read for a while. */
void server_replica_drop(void);
/* Did r's visitor write something lately (the agora_rw cookie's deadline is ahead)? */
int server_own_write_recent(struct request *r);
/* On the answer to a write: the cookie that sends this visitor's next reads to the primary. */
void server_own_write_mark(struct request *r);
/* May r read from the replica (a public GET route marked for it, an anonymous visitor who
 * wrote nothing lately)? */
int server_replica_suits(struct server *s, struct request *r);
/* Did the request that read from the replica fail because of it? */
int server_replica_failed(struct request *r);
/* The connection this thread last read from: its replica's when it has one, else its own. */
struct db *server_thread_db(void);
/* The background jobs (server_jobs.c) and the scheduler's periodic tick (ctx: the server). */
struct job_kind;
extern const struct job_kind server_job_kinds[];
extern const int server_njob_kinds;
void server_scheduler_tick(void *ctx);
/* Starts the HTTP threads (server.c's callbacks) on lfd, bound and listening (server_start). */
int server_http_start(struct server *s, int lfd, struct err *e);
/* Closes every connection the threads opened (server_stop). */
void server_dbs_close(void);

#endif
