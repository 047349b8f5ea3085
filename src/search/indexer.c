/* indexer.c: the server's background indexer, and `agora reindex`'s rebuild into a new file.
 *
 * The indexer is one thread with a read connection to the repository and the only write
 * connection to the index. Every interval (or when kicked) it catches up with the queue in
 * batches; indexing never holds up the writer, so it never delays an acknowledgement. When
 * the index file was replaced (a reindex renamed a new one over it), it opens the new one. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../extract/extract.h"
#include "../store/db.h"
#include "../store/writer.h"
#include "../util/log.h"
#include "../util/thread.h"
#include "df_table.h"
#include "index.h"
#include "pg_int.h"

#define IX_PATH 1024	/* the index's file names */
#define PRUNE_EVERY 10000	/* queue rows behind the index before they are deleted */
#define BUSY_ROUND_MS 1000	/* while writes wait for the writer: one batch this often at most, */
#define SURGE_BATCH 100		/* of this many things (else SEARCH_BATCH) */
#define DF_LOOK_MS 60000	/* whether the words' row counts are due: looked at this often, */
#define DF_AGAIN_MS 600000	/* and counted again this long after a count at most */

struct search_indexer {
	char db_url[600], path[IX_PATH];
	struct writer *w;
	int interval_ms;
	int pg;			/* the store is PostgreSQL: the index is in it (pg_index.c) */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, kicked;
};

/* The inode of path (0 when there is none): a rename over it changes it. */
static ino_t
inode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_ino : 0;
}

static const char SQL_PRUNE[] = "DELETE FROM search_queue WHERE id <= $1";

static int
prune_fn(struct db *db, void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_PRUNE);

	if (st == NULL)
		return db_err(db, e, "search queue");
	db_bind_int64(st, 1, *(int64_t *)arg);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "search queue");
}

int
search_url_is_postgres(const char *db_url)
{
	return strncmp(db_url, "postgres://", 11) == 0 || strncmp(db_url, "postgresql://", 13) == 0;
}

/* After its first batch (the index built whole when it never was, at the priority of the rest:
 * search answers 503 until then), the indexer yields the CPU to every other thread
 * (thread_background): under a surge of submissions, indexing waits and catches up after. Not
 * after the first round that empties the queue: under a surge that started with the server the
 * queue never empties, and the indexer took a core from the writer all along. Once: an
 * unprivileged thread cannot take its priority back. */
static void
background_after_first(int *lowered)
{
	if (!*lowered) {
		thread_background();
		*lowered = 1;
	}
}

/* One round on PostgreSQL: catch up in batches while there is something to do and no stop. A
 * failed connection is closed, to be opened again next round. */
static void
pg_round(struct search_indexer *x, struct db **db, int *lowered, int one_batch)
{
	struct err e;
	int applied = 0;

	if (*db == NULL && db_open(x->db_url, 0, db, &e) != 0) {
		log_error("msg=\"search indexer\" error=\"%s\"", e.msg);
		*db = NULL;
		return;
	}
	do {
		if (search_pg_catch_up(*db, one_batch ? SURGE_BATCH : SEARCH_BATCH, &applied, &e) != 0) {
			log_error("msg=\"search indexing failed\" error=\"%s\"", e.msg);
			db_close(*db);
			*db = NULL;
			return;
		}
		background_after_first(lowered);
		pthread_mutex_lock(&x->lock);
		applied = x->stop ? 0 : applied;
		pthread_mutex_unlock(&x->lock);
	} while (applied > 0 && !one_batch);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The words' row counts kept in the index (df_table.c), counted again when due, not under a
 * surge: about 4 s of the indexer's thread at a million responses, at most every DF_AGAIN_MS. */
static void
df_round(sqlite3 *idx, int one_batch, int64_t *next)
{
	struct err e;
	int64_t t = now_ms();

	if (one_batch || t < *next)
		return;
	*next = t + DF_LOOK_MS;
	if (!df_table_due(idx))
		return;
	if (df_table_refresh(idx, &e) != 0) {
		log_warn("msg=\"search: the words' row counts were not kept\" error=\"%s\"", e.msg);
		return;
	}
	*next = now_ms() + DF_AGAIN_MS;
	log_info("msg=\"search: the words' row counts kept\" ms=%lld", (long long)(now_ms() - t));
}

/* Under a surge (writes waiting for the writer, or its last batch held more than one), once the
 * first batch is done, the indexer takes one batch a second at most: it waits for the surge to
 * end, then catches up. Its low priority alone was not enough: it ran whenever the writer
 * waited for the disk or the HTTP threads for the writer, and the submissions a second rose
 * from about 3,900 to 5,200 with it stopped (docs/PERFORMANCE.md, "Profile"). 1: skip this
 * round; 0: go on, *one_batch set when it must stop after one batch. */
static int
surge_wait(struct search_indexer *x, int lowered, int64_t *last, int *one_batch)
{
	int64_t t;

	*one_batch = 0;
	if (!lowered || x->w == NULL || !writer_busy(x->w))
		return 0;
	if ((t = now_ms()) - *last < BUSY_ROUND_MS)
		return 1;
	*last = t;
	*one_batch = 1;
	return 0;
}

static void *
indexer_main(void *arg)
{
	struct search_indexer *x = arg;
	struct db *db = NULL;
	sqlite3 *idx = NULL;
	ino_t ino = 0;
	int64_t pruned = 0, last_busy = 0, df_next = 0;
	int rebuilt = 0, lowered = 0, one_batch = 0;
	struct err e;

	thread_name("agora-indexer");
	langid_init();	/* here, off the start-up's path, and before the first response */

	for (;;) {
		int applied = 0;

		pthread_mutex_lock(&x->lock);
		if (!x->stop && !x->kicked) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(x->interval_ms % 1000) * 1000000L;
			ts.tv_sec += x->interval_ms / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&x->cond, &x->lock, &ts);
		}
		x->kicked = 0;
		if (x->stop) {
			pthread_mutex_unlock(&x->lock);
			break;
		}
		pthread_mutex_unlock(&x->lock);
		if (surge_wait(x, lowered, &last_busy, &one_batch))
			continue;
		if (x->pg) {
			pg_round(x, &db, &lowered, one_batch);
			continue;
		}
		if (idx != NULL && inode_of(x->path) != ino) {
			log_info("msg=\"search index replaced: opening the new one\"");
			sqlite3_close(idx);
			idx = NULL;
		}
		if (idx == NULL) {
			if ((idx = search_index_open(x->path, SEARCH_OPEN_CREATE, &e)) == NULL) {
				log_error("msg=\"search index\" error=\"%s\"", e.msg);
				continue;
			}
			ino = inode_of(x->path);
			/* Built by another version: a new generation is built beside it, as agora
			 * reindex does, so that searches keep their answers until the switch. */
			if (!rebuilt && search_index_has_position(idx) &&
			    search_index_version(idx) != SEARCH_SCHEMA_VERSION) {
				rebuilt = 1;	/* once: should it fail, the catch-up rebuilds in place */
				log_info("msg=\"search index of another version: rebuilding it\"");
				sqlite3_close(idx);
				idx = NULL;
				if (search_reindex(x->db_url, x->path, NULL, NULL, &e) != 0)
					log_error("msg=\"search index rebuild failed\" error=\"%s\"", e.msg);
				continue;
			}
		}
		if (db == NULL && db_open(x->db_url, DB_READONLY, &db, &e) != 0) {
			log_error("msg=\"search indexer\" error=\"%s\"", e.msg);
			db = NULL;
			continue;
		}
		/* Catch up in batches, checking for stop between them. */
		do {
			if (search_index_catch_up(idx, db, one_batch ? SURGE_BATCH : SEARCH_BATCH, &applied, &e) != 0) {
				log_error("msg=\"search indexing failed\" error=\"%s\"", e.msg);
				break;
			}
			background_after_first(&lowered);
			pthread_mutex_lock(&x->lock);
			applied = x->stop ? 0 : applied;
			pthread_mutex_unlock(&x->lock);
		} while (applied > 0 && !one_batch);
		df_round(idx, one_batch, &df_next);
		if (x->w != NULL) {
			int64_t pos = search_index_position(idx), floor = search_build_floor(x->path);
			if (floor >= 0 && floor < pos)
				pos = floor;	/* a rebuild is running: keep what it will need */
			if (pos - pruned >= PRUNE_EVERY) {
				if (writer_run(x->w, prune_fn, &pos, &e) == 0)
					pruned = pos;
				else
					log_warn("msg=\"search queue not pruned\" error=\"%s\"", e.msg);
			}
		}
	}
	sqlite3_close(idx);
	db_close(db);
	return NULL;
}

struct search_indexer *
search_indexer_start(const char *db_url, const char *path, struct writer *w, int interval_ms,
		     struct err *e)
{
	struct search_indexer *x = calloc(1, sizeof(*x));
	sqlite3 *idx;

	if (x == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	x->pg = search_url_is_postgres(db_url);
	/* Create the file now, so that readers can open it read-only from the first request. */
	if (!x->pg) {
		if ((idx = search_index_open(path, SEARCH_OPEN_CREATE, e)) == NULL) {
			free(x);
			return NULL;
		}
		sqlite3_close(idx);
	}
	if (strlen(db_url) >= sizeof(x->db_url) || strlen(path) >= sizeof(x->path)) {
		free(x);
		err_set(e, ERR_INVALID, "the data folder's path is too long");
		return NULL;
	}
	memcpy(x->db_url, db_url, strlen(db_url) + 1);
	memcpy(x->path, path, strlen(path) + 1);
	x->w = w;
	x->interval_ms = interval_ms > 0 ? interval_ms : 250;
	x->kicked = 1;	/* catch up at once */
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->cond, NULL);
	if (pthread_create(&x->thread, NULL, indexer_main, x) != 0) {
		pthread_mutex_destroy(&x->lock);
		pthread_cond_destroy(&x->cond);
		free(x);
		err_set(e, ERR_INTERNAL, "cannot start the search indexer");
		return NULL;
	}
	return x;
}

void
search_indexer_kick(struct search_indexer *x)
{
	if (x == NULL)
		return;
	pthread_mutex_lock(&x->lock);
	x->kicked = 1;
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

void
search_indexer_stop(struct search_indexer *x)
{
	if (x == NULL)
		return;
	pthread_mutex_lock(&x->lock);
	x->stop = 1;
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&x->lock);
	pthread_join(x->thread, NULL);
	pthread_mutex_destroy(&x->lock);
	pthread_cond_destroy(&x->cond);
	free(x);
}

/* fsync of a file or a folder by name. */
static int
sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* snprintf that says whether it all fit: 0, or -1 when the path would be cut. */
static int __attribute__((format(printf, 3, 4)))
path_fmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return k >= 0 && (size_t)k < n ? 0 : -1;
}

/* Removes a database file of the index and its -wal and -shm. */
static void
remove_db(const char *file)
{
	char p[IX_PATH];

	unlink(file);
	if (path_fmt(p, sizeof(p), "%s-wal", file) == 0)
		unlink(p);
	if (path_fmt(p, sizeof(p), "%s-shm", file) == 0)
		unlink(p);
}

/* The queue position a rebuild started from, while it runs (path.build): the server's
 * indexer must not delete queue rows after it, or the new index would miss them. */
int64_t
search_build_floor(const char *path)
{
	char p[IX_PATH], line[32] = "";
	FILE *f;

	if (path_fmt(p, sizeof(p), "%s.build", path) != 0 || (f = fopen(p, "re")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	return strtoll(line, NULL, 10);
}

/*
 * The index a server reads is path, a symbolic link to the current generation
 * (search-SECONDS-PID.db beside it; the first one a server made is a plain file). A rebuild makes
 * a new generation, and then swaps the link with a rename, which is atomic: a reader opens
 * either the old index or the new one, whole. SQLite follows the link to name the -wal and
 * -shm files, so each generation has its own, and an old one left open by a server cannot be
 * mistaken for the new one's. The server notices the swap (the inode behind path changes)
 * and opens the new generation; the old files are removed (a server still holding them open
 * keeps reading them until it does).
 */
int
search_reindex(const char *db_url, const char *path, search_progress_fn progress, void *ctx, struct err *e)
{
	char dir[IX_PATH], gen[64], genpath[IX_PATH], link[IX_PATH], old[IX_PATH] = "", marker[IX_PATH];
	const char *base;
	struct db *db = NULL;
	struct db_stmt *st;
	sqlite3 *idx;
	ssize_t n;
	FILE *f;
	int rc;

	if (search_url_is_postgres(db_url))
		return search_pg_reindex(db_url, progress, ctx, e);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (path_fmt(dir, sizeof(dir), "%.*s", (int)(base - path), path) != 0 ||
	    path_fmt(gen, sizeof(gen), "search-%lld-%ld.db", (long long)time(NULL), (long)getpid()) != 0 ||
	    path_fmt(genpath, sizeof(genpath), "%s%s", dir, gen) != 0 ||
	    path_fmt(link, sizeof(link), "%s.link", path) != 0 ||
	    path_fmt(marker, sizeof(marker), "%s.build", path) != 0)
		return err_set(e, ERR_INVALID, "the data folder's path is too long");
	remove_db(genpath);	/* what a crashed rebuild left */
	if (db_open(db_url, DB_READONLY, &db, e) != 0)
		return -1;
	/* The floor, before the build takes its own position (which is at least this). */
	if ((st = db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM search_queue")) == NULL ||
	    db_step(st) != DB_ROW || (f = fopen(marker, "we")) == NULL) {
		if (st)
			db_done(st);
		db_close(db);
		return err_set(e, ERR_INTERNAL, "cannot start the rebuild: %s", strerror(errno));
	}
	fprintf(f, "%lld\n", (long long)db_col_int64(st, 0));
	db_done(st);
	fclose(f);
	if ((idx = search_index_open(genpath, SEARCH_OPEN_CREATE, e)) == NULL) {
		db_close(db);
		unlink(marker);
		return -1;
	}
	/* A new file nobody reads yet: it is synced once, when complete. */
	sqlite3_exec(idx, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	rc = search_index_build(idx, db, progress, ctx, e);
	db_close(db);
	if (rc == 0) {
		if (progress)
			progress("optimizing", 0, 0, ctx);
		if (sqlite3_exec(idx, "INSERT INTO fts (fts) VALUES ('optimize')", NULL, NULL, NULL) != SQLITE_OK)
			rc = err_set(e, ERR_INTERNAL, "search index: %s", sqlite3_errmsg(idx));
	}
	if (rc == 0 && df_table_due(idx)) {
		if (progress)
			progress("counting", 0, 0, ctx);
		rc = df_table_refresh(idx, e);
	}
	if (rc == 0 && sqlite3_exec(idx, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
		rc = err_set(e, ERR_INTERNAL, "search index: %s", sqlite3_errmsg(idx));
	sqlite3_close(idx);
	if (rc == 0 && sync_path(genpath) != 0)
		rc = err_set(e, ERR_INTERNAL, "cannot write %s: %s", genpath, strerror(errno));
	if (rc != 0) {
		remove_db(genpath);
		unlink(marker);
		return -1;
	}
	/* What the link points at now (a generation), or the plain file a server made. */
	if ((n = readlink(path, old, sizeof(old) - 1)) > 0) {
		old[n] = '\0';
		if (strchr(old, '/') == NULL) {	/* relative to dir */
			char rel[IX_PATH];
			if (path_fmt(rel, sizeof(rel), "%s%s", dir, old) != 0)
				rel[0] = '\0';	/* too long to be ours: left alone */
			memcpy(old, rel, strlen(rel) + 1);
		}
	} else {
		old[0] = '\0';
	}
	unlink(link);
	if (symlink(gen, link) != 0 || rename(link, path) != 0) {
		rc = err_set(e, ERR_INTERNAL, "cannot switch %s to the new index: %s", base, strerror(errno));
		unlink(link);
		remove_db(genpath);
		unlink(marker);
		return rc;
	}
	sync_path(dir[0] ? dir : ".");
	unlink(marker);
	if (old[0] != '\0' && strcmp(old, genpath) != 0)
		remove_db(old);
	else if (old[0] == '\0') {	/* the plain file is gone; its -wal and -shm are not */
		char p[IX_PATH];
		if (path_fmt(p, sizeof(p), "%s-wal", path) == 0)
			unlink(p);
		if (path_fmt(p, sizeof(p), "%s-shm", path) == 0)
			unlink(p);
	}
	return 0;
}
