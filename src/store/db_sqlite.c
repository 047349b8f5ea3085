/* db_sqlite.c: the SQLite driver of db.h (WAL, synchronous=FULL, cached statements). */
#define _GNU_SOURCE	/* pthread_setname_np */
#include "db_driver.h"
#include "../util/log.h"
#include "../util/thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128
/* The WAL's size, in pages, past which the checkpointer copies it back (SQLite's own default),
 * and past which the writer does it itself: under a long surge the thread's checkpoints never
 * catch the writer's last commit, so the WAL is never started again from its beginning and
 * would grow without end (every read looks pages up in it). */
#define CHECKPOINT_PAGES 1000
#define CHECKPOINT_PAGES_INLINE 16000

struct sq_stmt {
	struct db_stmt base;	/* first: a struct db_stmt * is a struct sq_stmt * */
	sqlite3_stmt *s;
	const char *key;
};

struct sq_db {
	struct db base;		/* first: a struct db * is a struct sq_db * */
	sqlite3 *h;
	int in_tx;		/* between a BEGIN that worked and COMMIT/ROLLBACK */
	enum db_rc lost;	/* what ended the transaction when SQLite rolled it back itself */
	struct sq_stmt cache[STMT_CACHE];
	sqlite3_stmt *tx[TX_ROLLBACK_TO + 1];	/* sq_tx's statements, prepared at their first use */
	struct checkpointer *ck;	/* DB_WRITER: the thread that checkpoints the WAL, or NULL */
};

/* A DB_WRITER connection's checkpoints (db.h). A commit that leaves CHECKPOINT_PAGES or more in
 * the WAL wakes the thread (the WAL hook, on the writer's thread: a lock and a signal), which runs
 * a PASSIVE checkpoint on its own connection: it copies what no reader still needs and waits
 * for nobody, while the writer goes on to its next batch. Measured: the checkpoints took 10-13%
 * of the writer's time under a surge of submissions (docs/PERFORMANCE.md, "Profile"). */
struct checkpointer {
	sqlite3 *h;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int due, stop;
	int woken_at;		/* the WAL's size in pages at the last wake (the writer's thread only) */
	atomic_int wakes;	/* db_checkpoint_wakes */
};

#define SQ(db) ((struct sq_db *)(db))
#define ST(st) (((struct sq_stmt *)(st))->s)

static const struct db_driver sqlite_driver;

static enum db_rc
map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_IOERR:
		return DB_IOERR;
	default:
		return DB_ERROR;
	}
}

/* The system error of this thread's last failed disk call in SQLite, as SQLite's error log
 * reports it ("os_unix.c:LINE: (ERRNO) fsync(PATH) - ..."): sqlite3_system_errno reads errno
 * later, after the rollback's own calls. 0 before each of our calls into SQLite. */
static _Thread_local int os_errno;

static void
sqlite_log(void *unused, int code, const char *msg)
{
	int e;

	switch (code & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CORRUPT:
	case SQLITE_CANTOPEN:
		if (sscanf(msg, "os_unix.c:%*d: (%d)", &e) == 1)
			os_errno = e;
		log_warn("msg=\"sqlite\" code=%d detail=\"%s\"", code, msg);
		break;
	case SQLITE_NOTICE:	/* a WAL recovered after a crash, say */
		log_info("msg=\"sqlite\" code=%d detail=\"%s\"", code, msg);
		break;
	}
}

static void
sqlite_setup(void)
{
	/* before SQLite's first use; refused (and then without) if something used it already */
	sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
	/* No count of SQLite's memory (nothing here reads sqlite3_memory_used): with it, every
	 * allocation of every connection takes one global mutex, a tenth of the writer's time under
	 * a surge of submissions (docs/PERFORMANCE.md, "Profile"). */
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		log_warn("msg=\"sqlite: settings refused (SQLite was used before the first db_open)\"");
}

/* rc as db.h's: a disk I/O error whose system error is ENOSPC or EDQUOT (an fsync, say: SQLite
 * itself says SQLITE_FULL for a short write only) is the disk being full. */
static enum db_rc
sq_rc(struct sq_db *db, int rc)
{
	enum db_rc r = map_rc(rc);
	int e = os_errno ? os_errno : sqlite3_system_errno(db->h);

	if (r == DB_IOERR && (e == ENOSPC || e == EDQUOT))
		r = DB_FULL;
	return r;
}

/* 1 when the transaction BEGIN opened is gone although nobody ended it: after a disk I/O error,
 * a full disk or no memory SQLite rolls the whole transaction back by itself. Then nothing may
 * run until COMMIT or ROLLBACK ends it on our side too: a statement would commit on its own
 * (autocommit) and a SAVEPOINT would open a new transaction that its RELEASE commits, each
 * a piece of a batch the writer is about to fail. db->base.last says why. */
static int
sq_lost(struct sq_db *db)
{
	if (!db->in_tx || !sqlite3_get_autocommit(db->h))
		return 0;
	if (db->lost == DB_OK)
		db->lost = db->base.last != DB_OK && db->base.last != DB_ROW && db->base.last != DB_DONE
				   ? db->base.last : DB_IOERR;
	db->base.last = db->lost;
	return 1;
}

static int
wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	struct checkpointer *ck = arg;

	/* Once per CHECKPOINT_PAGES new pages, not after every commit past that size: while readers
	 * come and go, a checkpoint seldom reaches the WAL's end, the WAL does not start again, and
	 * its size stays over the mark. A wake at each commit then copied the pages every batch
	 * changes (the ends of the indexes, the round's count, the log's tiles) into the database
	 * file at each commit, and synced the file each time. */
	if (pages < ck->woken_at)	/* the WAL started again from its beginning */
		ck->woken_at = 0;
	if (pages < CHECKPOINT_PAGES || pages - ck->woken_at < CHECKPOINT_PAGES)
		return SQLITE_OK;
	ck->woken_at = pages;
	atomic_fetch_add(&ck->wakes, 1);
	if (pages >= CHECKPOINT_PAGES_INLINE) {
		(void)sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else {
		pthread_mutex_lock(&ck->lock);
		ck->due = 1;
		pthread_cond_signal(&ck->cond);
		pthread_mutex_unlock(&ck->lock);
	}
	return SQLITE_OK;
}

static void *
checkpoint_main(void *arg)
{
	struct checkpointer *ck = arg;

	/* At nice 19: its copies may wait, the writer's commits may not. Under a surge of
	 * submissions at nice 0 it took the writer's core a tenth of the time (the writer waited
	 * in the run queue 0.7 s of 8; 0.34 s at nice 19, and 11% more submissions a second:
	 * docs/PERFORMANCE.md, "The fourth profile"). Past CHECKPOINT_PAGES_INLINE the writer
	 * checkpoints itself, so a starved thread cannot let the WAL grow without end. */
	thread_background();
	pthread_mutex_lock(&ck->lock);
	for (;;) {
		while (!ck->due && !ck->stop)
			pthread_cond_wait(&ck->cond, &ck->lock);
		if (ck->stop)
			break;
		ck->due = 0;
		pthread_mutex_unlock(&ck->lock);
		int rc = sqlite3_wal_checkpoint_v2(ck->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)	/* busy: a backup's own, say */
			log_warn("msg=\"WAL checkpoint failed\" error=\"%s\"", sqlite3_errmsg(ck->h));
		pthread_mutex_lock(&ck->lock);
	}
	pthread_mutex_unlock(&ck->lock);
	return NULL;
}

/* Starts db's checkpointer; on failure db keeps SQLite's own (the commit that fills the WAL). */
static void
checkpointer_start(struct sq_db *db, const char *path)
{
	struct checkpointer *ck = calloc(1, sizeof(*ck));

	if (ck == NULL)
		return;
	/* journal_mode read once: a connection that has not opened the WAL checkpoints nothing */
	if (sqlite3_open_v2(path, &ck->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(ck->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
		log_warn("msg=\"no WAL checkpointer: the writer checkpoints\" error=\"%s\"",
			 ck->h ? sqlite3_errmsg(ck->h) : "out of memory");
		sqlite3_close(ck->h);
		free(ck);
		return;
	}
	pthread_mutex_init(&ck->lock, NULL);
	pthread_cond_init(&ck->cond, NULL);
	if (pthread_create(&ck->thread, NULL, checkpoint_main, ck) != 0) {
		log_warn("msg=\"no WAL checkpointer: the writer checkpoints\" error=\"no thread\"");
		pthread_mutex_destroy(&ck->lock);
		pthread_cond_destroy(&ck->cond);
		sqlite3_close(ck->h);
		free(ck);
		return;
	}
	pthread_setname_np(ck->thread, "agora-checkpt");	/* named before db_open returns */
	db->ck = ck;
	sqlite3_wal_hook(db->h, wal_hook, ck);	/* instead of SQLite's autocheckpoint */
}

int
db_sqlite_checkpoint_wakes(struct db *db)
{
	return SQ(db)->ck != NULL ? atomic_load(&SQ(db)->ck->wakes) : 0;
}

static void
checkpointer_stop(struct checkpointer *ck)
{
	pthread_mutex_lock(&ck->lock);
	ck->stop = 1;
	pthread_cond_signal(&ck->cond);
	pthread_mutex_unlock(&ck->lock);
	pthread_join(ck->thread, NULL);
	pthread_mutex_destroy(&ck->lock);
	pthread_cond_destroy(&ck->cond);
	sqlite3_close(ck->h);
	free(ck);
}

/* Opens PATH (db_open has taken "sqlite:" off the URL). */
int
db_sqlite_open(const char *path, int flags, struct db **out, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sq_db *db;
	int oflags = SQLITE_OPEN_NOMUTEX;

	*out = NULL;
	pthread_once(&once, sqlite_setup);
	oflags |= (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	db->base.drv = &sqlite_driver;
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "cannot open %s: %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		sqlite3_close(db->h);
		free(db);
		return -1;
	}
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_extended_result_codes(db->h, 0);
	if (!(flags & DB_READONLY) &&
	    sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db->h, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL,
			 NULL) != SQLITE_OK)
		goto fail;
	/* The writer's temporary files in memory: it runs each write in a savepoint of its batch's
	 * transaction, and SQLite keeps the original of every page a savepoint changes in a
	 * statement journal, a temporary file past 64 KB. One submission changes more than that:
	 * on a file, a fifth of the writer's time under a surge of submissions went to writing it
	 * (docs/PERFORMANCE.md, "Profile"). Commands keep SQLite's default (a rebuild's journal can
	 * be hundreds of megabytes). */
	if ((flags & DB_WRITER) && !(flags & DB_READONLY)) {
		if (sqlite3_exec(db->h, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL) != SQLITE_OK)
			goto fail;
		checkpointer_start(db, path);
	}
	*out = &db->base;
	return 0;
fail:
	err_set(e, ERR_INTERNAL, "cannot set up %s: %s", path, sqlite3_errmsg(db->h));
	sqlite3_close(db->h);
	free(db);
	return -1;
}

static void
sq_close(struct db *base)
{
	struct sq_db *db = SQ(base);

	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].s);
	for (int i = 0; i <= TX_ROLLBACK_TO; i++)
		sqlite3_finalize(db->tx[i]);
	if (db->ck != NULL) {
		sqlite3_wal_hook(db->h, NULL, NULL);
		checkpointer_stop(db->ck);	/* then the last close checkpoints the rest */
	}
	sqlite3_close(db->h);
	free(db);
}

/* Rewrites $N to ?N outside quotes: SQLite numbers $N by first appearance. */
static char *
rewrite(const char *sql)
{
	char *out = strdup(sql), quote = 0;

	if (out == NULL)
		return NULL;
	for (char *p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			*p = '?';
		}
	}
	return out;
}

static struct db_stmt *
sq_prepare(struct db *base, const char *sql)
{
	struct sq_db *db = SQ(base);
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	struct sq_stmt *slot = NULL;
	char *text;
	int rc;

	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct sq_stmt *c = &db->cache[(h + i) % STMT_CACHE];
		if (c->key == sql)
			return &c->base;
		if (c->key == NULL) {
			slot = c;
			break;
		}
	}
	if (slot == NULL) {	/* full: evict the home slot */
		slot = &db->cache[h];
		sqlite3_finalize(slot->s);
		slot->key = NULL;
	}
	if ((text = rewrite(sql)) == NULL)
		return NULL;
	rc = sqlite3_prepare_v3(db->h, text, -1, SQLITE_PREPARE_PERSISTENT, &slot->s, NULL);
	free(text);
	if (rc != SQLITE_OK) {
		db->base.last = map_rc(rc);
		slot->s = NULL;
		return NULL;
	}
	slot->base.db = base;
	slot->key = sql;
	return &slot->base;
}

static void
sq_done(struct db_stmt *st)
{
	sqlite3_reset(ST(st));
	sqlite3_clear_bindings(ST(st));
}

static void
sq_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(ST(st), idx, v);
}

static void
sq_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n)
{
	sqlite3_bind_text64(ST(st), idx, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void
sq_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(ST(st), idx, p, n, SQLITE_TRANSIENT);
}

static void
sq_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(ST(st), idx);
}

static enum db_rc
sq_step(struct db_stmt *st)
{
	struct sq_db *db = SQ(st->db);

	if (sq_lost(db))
		return db->lost;
	os_errno = 0;
	return sq_rc(db, sqlite3_step(ST(st)));
}

static int64_t
sq_col_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(ST(st), col);
}

static const char *
sq_col_text(struct db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(ST(st), col);

	return t ? (const char *)t : "";
}

static const void *
sq_col_blob(struct db_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(ST(st), col);

	*len = (size_t)sqlite3_column_bytes(ST(st), col);
	return p;
}

static int
sq_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(ST(st), col) == SQLITE_NULL;
}

static int
sq_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc;

	if (sq_lost(SQ(db)))
		return err_set(e, db->last == DB_FULL ? ERR_FULL : ERR_BUSY,
			       "the transaction was rolled back after an error: %s", sqlite3_errmsg(SQ(db)->h));
	os_errno = 0;
	rc = sqlite3_exec(SQ(db)->h, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		db->last = sq_rc(SQ(db), rc);
		err_set(e, db->last == DB_FULL ? ERR_FULL : db->last == DB_IOERR ? ERR_BUSY : ERR_INTERNAL,
			"%s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
sq_tx(struct db *db, int op)
{
	static const char *const sql[] = {
		[TX_BEGIN] = "BEGIN IMMEDIATE",	/* the write lock now, not at the first write */
		[TX_COMMIT] = "COMMIT",
		[TX_ROLLBACK] = "ROLLBACK",
		[TX_SAVEPOINT] = "SAVEPOINT item",
		[TX_RELEASE] = "RELEASE item",
		[TX_ROLLBACK_TO] = "ROLLBACK TO item",
	};
	struct sq_db *sq = SQ(db);
	int rc;

	if (op == TX_ROLLBACK && sq_lost(sq)) {	/* already done by SQLite */
		sq->in_tx = 0;
		return 0;
	}
	if (op != TX_BEGIN && sq_lost(sq)) {
		if (op == TX_COMMIT)
			sq->in_tx = 0;
		return -1;
	}
	os_errno = 0;
	/* Prepared once: a submission's SAVEPOINT and RELEASE, parsed again by sqlite3_exec at
	 * each write, were 4% of the writer's time under a surge. */
	if (sq->tx[op] == NULL)
		rc = sqlite3_prepare_v3(sq->h, sql[op], -1, SQLITE_PREPARE_PERSISTENT, &sq->tx[op], NULL);
	else
		rc = SQLITE_OK;
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(sq->tx[op]);
		sqlite3_reset(sq->tx[op]);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	db->last = sq_rc(sq, rc);
	if (op == TX_BEGIN && rc == SQLITE_OK) {
		sq->in_tx = 1;
		sq->lost = DB_OK;
	} else if (op == TX_COMMIT || op == TX_ROLLBACK) {
		/* a COMMIT that failed busy leaves the transaction open (still ours to roll back) */
		sq->in_tx = !sqlite3_get_autocommit(sq->h);
	}
	return rc == SQLITE_OK ? 0 : -1;
}

static int
sq_in_tx(struct db *db)
{
	return SQ(db)->in_tx && !sqlite3_get_autocommit(SQ(db)->h);
}

static int64_t
sq_last_insert_id(struct db *db)
{
	return sqlite3_last_insert_rowid(SQ(db)->h);
}

static int
sq_changes(struct db *db)
{
	return sqlite3_changes(SQ(db)->h);
}

static const char *
sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(SQ(db)->h);
}

static const struct db_driver sqlite_driver = {
	.close = sq_close,
	.prepare = sq_prepare,
	.done = sq_done,
	.bind_int64 = sq_bind_int64,
	.bind_textn = sq_bind_textn,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int64 = sq_col_int64,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_is_null = sq_col_is_null,
	.exec = sq_exec,
	.tx = sq_tx,
	.in_tx = sq_in_tx,
	.last_insert_id = sq_last_insert_id,
	.changes = sq_changes,
	.errmsg = sq_errmsg,
};
