/* mail_worker.c: the thread that sends the outbox. Each pass takes the mails due now (the
 * project clock), and for each one: claims it in a write of its own (the attempt is recorded
 * before a byte goes out), sends it, then records the outcome in another write. The mail is
 * marked sent only after the relay accepted it, so a server killed in between sends it again
 * later with the same Message-ID: at least once, never silently lost. */
#include "mail.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/log.h"

#define DUE_BATCH 32

struct mail_worker {
	char db_url[600];
	struct writer *w;
	struct mail_relay relay;
	int interval_ms;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop;
	int sock;	/* the relay connection in use, -1 none: shut down to stop at once */
};

/* mail_cancel's socket: keeps the connection's number, or refuses a new one when stopping. */
static int
track_socket(void *arg, int fd)
{
	struct mail_worker *mw = arg;
	int rc = 0;

	pthread_mutex_lock(&mw->lock);
	if (fd >= 0 && mw->stop)
		rc = -1;
	else
		mw->sock = fd;
	pthread_mutex_unlock(&mw->lock);
	return rc;
}

static int
stopping(void *arg)
{
	struct mail_worker *mw = arg;
	int s;

	pthread_mutex_lock(&mw->lock);
	s = mw->stop;
	pthread_mutex_unlock(&mw->lock);
	return s;
}

static const char *const result_names[] = { "sent", "retry", "refused" };

/* One mail: claim, send, record. 1 when it was tried and the outcome recorded, else 0. */
static int
send_one(struct mail_worker *mw, struct db *db, int64_t id)
{
	struct outbox_attempt t = { .mail_id = id, .now = clock_now() };
	struct outbox_mail m;
	struct mail_sent sent;
	struct arena *a = NULL;
	struct err e;

	if (writer_run(mw->w, outbox_claim_fn, &t, &e) != 0) {
		log_warn("msg=\"mail: cannot claim\" mail=%lld error=\"%s\"", (long long)id, e.msg);
		return 0;
	}
	if (!t.claimed)
		return 0;	/* another server's worker has it */
	if ((a = arena_new()) == NULL || outbox_load(db, a, id, &m, &e) != 0) {
		/* left claimed: tried again once the lease has passed */
		log_warn("msg=\"mail: cannot read\" mail=%lld error=\"%s\"", (long long)id, a ? e.msg : "out of memory");
		arena_free(a);
		return 0;
	}
	mail_smtp_send(&mw->relay, &m, &(struct mail_cancel){ .stop = stopping, .socket = track_socket, .arg = mw },
		       &sent);
	t.now = clock_now();
	t.result = sent.result;
	t.smtp_code = sent.smtp_code;
	t.reply = sent.reply;
	if (writer_run(mw->w, outbox_finish_fn, &t, &e) != 0) {
		/* the relay may have it: the lease passes and it goes again, same Message-ID */
		arena_free(a);
		log_error("msg=\"mail: cannot record the attempt\" mail=%lld result=%s error=\"%s\"", (long long)id,
			  result_names[sent.result], e.msg);
		return 0;
	}
	if (sent.result == OUTBOX_SENT)
		log_info("msg=\"mail sent\" mail=%lld kind=%s attempt=%lld", (long long)id, m.kind,
			 (long long)m.attempts);
	else
		log_warn("msg=\"mail not sent\" mail=%lld result=%s code=%d reply=\"%s\"", (long long)id,
			 result_names[sent.result], sent.smtp_code, sent.reply);
	arena_free(a);
	return 1;
}

static void *
worker_main(void *arg)
{
	struct mail_worker *mw = arg;
	struct db *db = NULL;
	struct err e;

	for (int full = 0;;) {
		int64_t ids[DUE_BATCH];
		int n, tried = 0;

		pthread_mutex_lock(&mw->lock);
		if (!mw->stop && !full) {	/* a full batch all tried: more may be due, go on at once */
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(mw->interval_ms % 1000) * 1000000L;
			ts.tv_sec += mw->interval_ms / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&mw->cond, &mw->lock, &ts);
		}
		if (mw->stop) {
			pthread_mutex_unlock(&mw->lock);
			break;
		}
		pthread_mutex_unlock(&mw->lock);
		full = 0;
		if (db == NULL && db_open(mw->db_url, DB_READONLY, &db, &e) != 0) {
			log_error("msg=\"mail: cannot read the outbox\" error=\"%s\"", e.msg);
			db = NULL;
			continue;
		}
		if ((n = outbox_due(db, clock_now(), ids, DUE_BATCH, &e)) < 0) {
			log_error("msg=\"mail: cannot read the outbox\" error=\"%s\"", e.msg);
			db_close(db);	/* opened again on the next pass */
			db = NULL;
			continue;
		}
		for (int i = 0; i < n && !stopping(mw); i++)
			tried += send_one(mw, db, ids[i]);
		full = n == DUE_BATCH && tried == n;
	}
	db_close(db);
	return NULL;
}

#define TRANSFER_TIMEOUT_S 120L

int
mail_relay_from_config(const struct config *c, struct mail_relay *r, struct err *e)
{
	const char *user = getenv("AGORA_SMTP_USER"), *password = getenv("AGORA_SMTP_PASSWORD");

	memset(r, 0, sizeof(*r));
	if (c->smtp_url[0] == '\0')
		return 0;
	if (strncmp(c->smtp_url, "smtp://", 7) != 0 && strncmp(c->smtp_url, "smtps://", 8) != 0)
		return err_set(e, ERR_INVALID, "--smtp-url must begin with smtp:// (STARTTLS when the relay offers "
			       "it) or smtps:// (TLS from the start)");
	if (c->smtp_from[0] == '\0')
		return err_set(e, ERR_INVALID, "--smtp-url needs --smtp-from (the sender: agora@example.org)");
	if (mail_from_parse(c->smtp_from, &r->from, e) != 0)
		return -1;
	if ((user && strlen(user) >= sizeof(r->user)) || (password && strlen(password) >= sizeof(r->password)))
		return err_set(e, ERR_INVALID, "AGORA_SMTP_USER or AGORA_SMTP_PASSWORD is too long");
	snprintf(r->url, sizeof(r->url), "%s", c->smtp_url);
	snprintf(r->user, sizeof(r->user), "%s", user ? user : "");
	snprintf(r->password, sizeof(r->password), "%s", password ? password : "");
	r->timeout_s = TRANSFER_TIMEOUT_S;
	return 0;
}

struct mail_worker *
mail_worker_start(const char *db_url, struct writer *w, const struct mail_relay *r, int interval_ms,
		  struct err *e)
{
	struct mail_worker *mw;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {	/* before the sandbox: it reads files */
		err_set(e, ERR_INTERNAL, "libcurl could not start");
		return NULL;
	}
	if ((mw = calloc(1, sizeof(*mw))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	snprintf(mw->db_url, sizeof(mw->db_url), "%s", db_url);
	mw->w = w;
	mw->relay = *r;
	mw->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	mw->sock = -1;
	pthread_mutex_init(&mw->lock, NULL);
	pthread_cond_init(&mw->cond, NULL);
	if (pthread_create(&mw->thread, NULL, worker_main, mw) != 0) {
		pthread_mutex_destroy(&mw->lock);
		pthread_cond_destroy(&mw->cond);
		free(mw);
		err_set(e, ERR_INTERNAL, "cannot start the mail worker");
		return NULL;
	}
	return mw;
}

void
mail_worker_stop(struct mail_worker *mw)
{
	if (mw == NULL)
		return;
	pthread_mutex_lock(&mw->lock);
	mw->stop = 1;
	if (mw->sock >= 0)	/* a relay holding back its answer: the transfer fails now, a retry */
		shutdown(mw->sock, SHUT_RDWR);
	pthread_cond_signal(&mw->cond);
	pthread_mutex_unlock(&mw->lock);
	pthread_join(mw->thread, NULL);
	pthread_mutex_destroy(&mw->lock);
	pthread_cond_destroy(&mw->cond);
	sodium_memzero(mw->relay.password, sizeof(mw->relay.password));
	free(mw);
}
