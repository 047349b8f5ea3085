/* blobs.c: the content-addressed file store: hash while streaming, rename into place, sweep.
 * On PostgreSQL the database holds every blob (blobs_pg.c) and the folder is this server's
 * cache of it: a blob is in the database before blob_finish returns, and blob_path fetches
 * one the folder lacks. */
#include "blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "../util/thread.h"
#include "blobs_pg.h"

/* Connections to PostgreSQL at most, shared by the threads that store or fetch a blob at once
 * (each uses one at a time); more wait. */
#define POOL_MAX 8
/* PostgreSQL: the cache trim's first pass this long after blobs_open (a command that opens the
 * store briefly never runs one), then at this interval. */
#define TRIM_FIRST_S 60
#define TRIM_EVERY_S (6 * 3600)
#define GRACE_S 3600	/* as the sweep's: a cached file this recent is never trimmed */

struct blobs {
	char dir[PATH_MAX];
	char tmp[PATH_MAX];
	/* PostgreSQL only (db_url[0] != '\0'): idle connections, and how many are open */
	char db_url[1024];
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct db *idle[POOL_MAX];
	int nidle, nopen;
	/* the cache trim's thread: stopping, under lock, ends it */
	pthread_t trim;
	pthread_cond_t wake;
	int trim_started, stopping;
};

static void *trim_main(void *arg);

struct blob_writer {
	struct blobs *b;
	int fd;
	int64_t size;
	crypto_hash_sha256_state hash;
	char path[PATH_MAX];
};

static const char SQL_REFS[] = "SELECT sha256 FROM blob_refs";

/* Disk full and quota errors become ERR_FULL (503); anything else is ERR_INTERNAL. */
static int
errno_set(struct err *e, int errnum, const char *what, const char *path)
{
	enum err_kind kind = (errnum == ENOSPC || errnum == EDQUOT) ? ERR_FULL : ERR_INTERNAL;

	return err_set(e, kind, "%s %s: %s", what, path, strerror(errnum));
}

/* Creates path with mode 0700 unless it exists. *created says whether it did. */
static int
mkdir_once(const char *path, int *created, struct err *e)
{
	struct stat st;

	*created = 0;
	if (mkdir(path, 0700) == 0) {
		*created = 1;
		return 0;
	}
	if (errno != EEXIST)
		return errno_set(e, errno, "cannot create the folder", path);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_INTERNAL, "%s exists and is not a folder", path);
	return 0;
}

/* fsyncs a directory so a rename or a new entry in it survives a crash. */
static int
fsync_dir(const char *path, struct err *e)
{
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno_set(e, errno, "cannot open the folder", path);
	if (fsync(fd) != 0)
		rc = errno_set(e, errno, "cannot sync the folder", path);
	close(fd);
	return rc;
}

static int
hex_valid(const char *hex)
{
	size_t i;

	if (hex == NULL)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	return hex[64] == '\0';
}

/* A connection for one blob operation: an idle one, a new one, or (POOL_MAX open) the next
 * one freed. NULL with e set if it cannot connect. */
static struct db *
pool_get(struct blobs *b, struct err *e)
{
	struct db *db = NULL;

	pthread_mutex_lock(&b->lock);
	while (b->nidle == 0 && b->nopen >= POOL_MAX)
		pthread_cond_wait(&b->freed, &b->lock);
	if (b->nidle > 0) {
		db = b->idle[--b->nidle];
		pthread_mutex_unlock(&b->lock);
		return db;
	}
	b->nopen++;
	pthread_mutex_unlock(&b->lock);
	if (db_open(b->db_url, 0, &db, e) == 0)
		return db;
	pthread_mutex_lock(&b->lock);
	b->nopen--;
	pthread_cond_signal(&b->freed);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* Gives db back; one that failed is closed (a lost connection fails every call after it, and
 * one left inside a transaction must not serve the next caller). */
static void
pool_put(struct blobs *b, struct db *db, int failed)
{
	pthread_mutex_lock(&b->lock);
	if (failed) {
		db_close(db);
		b->nopen--;
	} else {
		b->idle[b->nidle++] = db;
	}
	pthread_cond_signal(&b->freed);
	pthread_mutex_unlock(&b->lock);
}

int
blobs_open(const char *dir, const char *db_url, struct blobs **out, struct err *e)
{
	struct blobs *b = NULL;
	struct db *db = NULL;
	int created, rc = -1;

	*out = NULL;
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium failed to start");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->freed, NULL);
	pthread_cond_init(&b->wake, NULL);
	if ((size_t)snprintf(b->dir, sizeof(b->dir), "%s", dir) >= sizeof(b->dir) ||
	    (size_t)snprintf(b->tmp, sizeof(b->tmp), "%s/tmp", dir) >= sizeof(b->tmp)) {
		err_set(e, ERR_INVALID, "the blob folder name is too long");
		goto out;
	}
	if (mkdir_once(b->dir, &created, e) != 0 || mkdir_once(b->tmp, &created, e) != 0)
		goto out;
	if (db_url != NULL && strncmp(db_url, "sqlite:", 7) != 0) {
		/* the database holds the blobs: connect now, so a wrong URL fails at start-up */
		if (strlen(db_url) >= sizeof(b->db_url)) {
			err_set(e, ERR_INVALID, "the database URL is too long");
			goto out;
		}
		if (db_open(db_url, 0, &db, e) != 0)
			goto out;
		if (!db_is_postgres(db)) {
			db_close(db);
			err_set(e, ERR_INVALID, "the blob store takes sqlite: or postgres:// URLs");
			goto out;
		}
		memcpy(b->db_url, db_url, strlen(db_url) + 1);
		b->idle[b->nidle++] = db;
		b->nopen = 1;
		if (pthread_create(&b->trim, NULL, trim_main, b) != 0) {
			err_set(e, ERR_INTERNAL, "cannot start the blob cache's trim thread");
			goto out;
		}
		b->trim_started = 1;
	}
	*out = b;
	b = NULL;
	rc = 0;
out:
	blobs_close(b);
	return rc;
}

void
blobs_close(struct blobs *b)
{
	if (b == NULL)
		return;
	if (b->trim_started) {	/* first: it may hold a connection */
		pthread_mutex_lock(&b->lock);
		b->stopping = 1;
		pthread_cond_signal(&b->wake);
		pthread_mutex_unlock(&b->lock);
		pthread_join(b->trim, NULL);
	}
	while (b->nidle > 0)
		db_close(b->idle[--b->nidle]);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->freed);
	pthread_cond_destroy(&b->wake);
	free(b);
}

int
blobs_in_database(const struct blobs *b)
{
	return b->db_url[0] != '\0';
}

int
blob_begin(struct blobs *b, struct blob_writer **out, struct err *e)
{
	struct blob_writer *w;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	w->b = b;
	if ((size_t)snprintf(w->path, sizeof(w->path), "%s/upload-XXXXXX", b->tmp) >=
	    sizeof(w->path)) {
		free(w);
		return err_set(e, ERR_INTERNAL, "the blob folder name is too long");
	}
	if ((w->fd = mkstemp(w->path)) < 0) {
		errno_set(e, errno, "cannot create a temporary file in", b->tmp);
		free(w);
		return -1;
	}
	fchmod(w->fd, 0600);
	crypto_hash_sha256_init(&w->hash);
	*out = w;
	return 0;
}

/* Appends n bytes. On -1 the blob is unusable: the caller still calls blob_abort. */
int
blob_write(struct blob_writer *w, const void *p, size_t n, struct err *e)
{
	const unsigned char *c = p;
	size_t left = n;

	while (left > 0) {
		ssize_t k = write(w->fd, c, left);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return errno_set(e, errno, "cannot write", w->path);
		}
		c += k;
		left -= (size_t)k;
	}
	crypto_hash_sha256_update(&w->hash, p, n);
	w->size += (int64_t)n;
	return 0;
}

static int cache_path(const struct blobs *b, const char *hex, char *out, size_t outlen);

/* Moves the synced file at from to DIR/ab/<hex> (or, when that content is there already,
 * leaves it and refreshes the stored file's mtime so a sweep's grace period covers the row
 * about to name it), syncing the folders. *moved says whether from was renamed. 0 or -1. */
static int
place(struct blobs *b, const char *from, const char *hex, int *moved, struct err *e)
{
	char sub[PATH_MAX], target[PATH_MAX];
	struct stat st;
	int created;

	*moved = 0;
	if ((size_t)snprintf(sub, sizeof(sub), "%s/%.2s", b->dir, hex) >= sizeof(sub) ||
	    cache_path(b, hex, target, sizeof(target)) != 0)
		return err_set(e, ERR_INTERNAL, "the blob folder name is too long");
	if (mkdir_once(sub, &created, e) != 0)
		return -1;
	if (created && fsync_dir(b->dir, e) != 0)
		return -1;
	if (stat(target, &st) == 0) {
		utimensat(AT_FDCWD, target, NULL, 0);
		return 0;
	}
	if (rename(from, target) != 0)
		return errno_set(e, errno, "cannot store the blob as", target);
	*moved = 1;
	return fsync_dir(sub, e);
}

/* PostgreSQL: stores the synced temporary file in the database, in its own committed
 * transaction (blobs_pg_store). 0 or -1. */
static int
store_in_database(struct blob_writer *w, const char *hex, struct err *e)
{
	struct db *db = pool_get(w->b, e);
	int rc;

	if (db == NULL)
		return -1;
	rc = blobs_pg_store(db, w->fd, hex, w->size, clock_now(), e);
	pool_put(w->b, db, rc != 0);
	return rc;
}

/* Syncs the temporary file, stores it in the database on PostgreSQL (durable there before this
 * returns), then moves it into the folder (on PostgreSQL, the cache: a failure there is logged,
 * not returned, as the blob is stored). Frees w and removes the temporary file whatever
 * happens. */
int
blob_finish(struct blob_writer *w, char hex[BLOB_HEX_LEN], int64_t *size_out, struct err *e)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	struct err cache_e;
	int moved, rc = -1;

	if (fsync(w->fd) != 0) {
		errno_set(e, errno, "cannot sync", w->path);
		goto out;
	}
	crypto_hash_sha256_final(&w->hash, digest);
	sodium_bin2hex(hex, BLOB_HEX_LEN, digest, sizeof(digest));
	if (blobs_in_database(w->b) && store_in_database(w, hex, e) != 0)
		goto out;
	if (close(w->fd) != 0) {
		w->fd = -1;
		errno_set(e, errno, "cannot close", w->path);
		goto out;
	}
	w->fd = -1;
	if (place(w->b, w->path, hex, &moved, blobs_in_database(w->b) ? &cache_e : e) != 0) {
		if (!blobs_in_database(w->b))
			goto out;
		log_warn("msg=\"blob stored, not cached\" sha256=%s error=\"%s\"", hex, cache_e.msg);
	}
	if (moved)
		w->path[0] = '\0';	/* renamed: nothing left to remove */
	if (size_out != NULL)
		*size_out = w->size;
	rc = 0;
out:
	if (rc != 0)
		hex[0] = '\0';
	blob_abort(w);
	return rc;
}

void
blob_abort(struct blob_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->path[0] != '\0')
		unlink(w->path);
	sodium_memzero(&w->hash, sizeof(w->hash));
	free(w);
}

/* DIR/ab/<hex>, whether it exists or not. 0, or -1 if hex is malformed or the path too long. */
static int
cache_path(const struct blobs *b, const char *hex, char *out, size_t outlen)
{
	int n;

	if (!hex_valid(hex))
		return -1;
	n = snprintf(out, outlen, "%s/%.2s/%s", b->dir, hex, hex);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	return 0;
}

/* PostgreSQL: copies the stored blob hex into the cache (temp -> fsync -> rename -> fsync(dir),
 * the content checked against hex on the way). 1 if it is there now, 0 if the database has no
 * such blob, -1 on error. */
static int
fetch(struct blobs *b, const char *hex, struct err *e)
{
	char tmp[PATH_MAX];
	struct db *db;
	int fd, moved = 0, rc = -1, found;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/fetch-XXXXXX", b->tmp) >= sizeof(tmp))
		return err_set(e, ERR_INTERNAL, "the blob folder name is too long");
	if ((fd = mkstemp(tmp)) < 0)
		return errno_set(e, errno, "cannot create a temporary file in", b->tmp);
	fchmod(fd, 0600);
	if ((db = pool_get(b, e)) == NULL)
		goto out;
	found = blobs_pg_read(db, hex, fd, e);
	pool_put(b, db, found < 0);
	if (found <= 0) {
		rc = found;
		goto out;
	}
	if (fsync(fd) != 0) {
		errno_set(e, errno, "cannot sync", tmp);
		goto out;
	}
	if (place(b, tmp, hex, &moved, e) != 0)
		goto out;
	log_info("msg=\"blob fetched from the database\" sha256=%s", hex);
	rc = 1;
out:
	close(fd);
	if (!moved)
		unlink(tmp);
	return rc;
}

int
blob_path_e(struct blobs *b, const char *hex, char *out, size_t outlen, struct err *e)
{
	struct stat st;

	if (cache_path(b, hex, out, outlen) != 0)
		return err_set(e, ERR_INVALID, "not a blob's name");
	if (!blobs_in_database(b) || stat(out, &st) == 0)
		return 0;
	if (fetch(b, hex, e) < 0) {
		log_warn("msg=\"cannot fetch a blob from the database\" sha256=%s error=\"%s\"", hex, e->msg);
		return -1;
	}
	return 0;	/* a blob the database lacks: the path names no file, as on SQLite */
}

int
blob_path(struct blobs *b, const char *hex, char *out, size_t outlen)
{
	struct err e;

	return blob_path_e(b, hex, out, outlen, &e);
}

int
blob_exists(struct blobs *b, const char *hex)
{
	char path[PATH_MAX];
	struct stat st;
	struct db *db;
	struct err e;
	int r;

	if (cache_path(b, hex, path, sizeof(path)) != 0)
		return 0;
	if (!blobs_in_database(b))
		return stat(path, &st) == 0 && S_ISREG(st.st_mode);
	if ((db = pool_get(b, &e)) == NULL)
		return -1;
	r = blobs_pg_exists(db, hex, &e);
	pool_put(b, db, r < 0);
	return r;
}

struct refs {
	char (*hex)[BLOB_HEX_LEN];
	size_t n, cap;
};

static int
ref_cmp(const void *a, const void *b)
{
	return memcmp(a, b, BLOB_HEX_LEN);
}

/* Reads every hash blob_refs names into r, sorted for bsearch. */
static int
refs_load(struct db *db, struct refs *r, struct err *e)
{
	struct db_stmt *st;
	enum db_rc rc;

	if ((st = db_prepare(db, SQL_REFS)) == NULL)
		return db_err(db, e, "blob references");
	while ((rc = db_step(st)) == DB_ROW) {
		const char *h = db_col_text(st, 0);
		if (!hex_valid(h))
			continue;	/* names no file blob_path would accept */
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 64;
			void *p = realloc(r->hex, cap * sizeof(*r->hex));
			if (p == NULL) {
				db_done(st);
				return err_set(e, ERR_INTERNAL, "out of memory");
			}
			r->hex = p;
			r->cap = cap;
		}
		memcpy(r->hex[r->n++], h, BLOB_HEX_LEN);
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "blob references");
	if (r->n > 0)
		qsort(r->hex, r->n, sizeof(*r->hex), ref_cmp);
	return 0;
}

/* Unlinks path when it is a regular file last modified before cutoff. Returns 1 if it did. */
static int
remove_if_old(const char *path, int64_t cutoff)
{
	struct stat st;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || (int64_t)st.st_mtime >= cutoff)
		return 0;
	if (unlink(path) != 0) {
		log_warn("msg=\"cannot remove a swept blob\" path=%s error=\"%s\"", path,
			 strerror(errno));
		return 0;
	}
	return 1;
}

/* Sweeps one DIR/ab folder. */
static void
sweep_sub(struct blobs *b, const char *prefix, const struct refs *r, int64_t cutoff, int *removed)
{
	char sub[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", b->dir, prefix) >= sizeof(sub))
		return;
	if ((d = opendir(sub)) == NULL) {
		log_warn("msg=\"cannot read a blob folder\" path=%s error=\"%s\"", sub, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!hex_valid(de->d_name) || memcmp(de->d_name, prefix, 2) != 0)
			continue;
		if (r->n > 0 && bsearch(de->d_name, r->hex, r->n, sizeof(*r->hex), ref_cmp) != NULL)
			continue;
		if (cache_path(b, de->d_name, path, sizeof(path)) != 0)
			continue;
		if (remove_if_old(path, cutoff)) {
			log_info("msg=\"blob swept\" sha256=%s", de->d_name);
			(*removed)++;
		}
	}
	closedir(d);
}

/* blobs_pg_sweep's callback: the database no longer has hex; neither does the cache. */
static void
swept_from_database(const char *hex, void *ctx)
{
	struct blobs *b = ctx;
	char path[PATH_MAX];

	log_info("msg=\"blob swept from the database\" sha256=%s", hex);
	if (cache_path(b, hex, path, sizeof(path)) == 0 && unlink(path) != 0 && errno != ENOENT)
		log_warn("msg=\"cannot remove a swept blob\" path=%s error=\"%s\"", path, strerror(errno));
}

/* PostgreSQL: sweeps the database's blobs (then their files here). 0 or -1. */
static int
sweep_database(struct blobs *b, int64_t cutoff, int *removed, struct err *e)
{
	struct db *db = pool_get(b, e);
	int rc;

	if (db == NULL)
		return -1;
	rc = blobs_pg_sweep(db, cutoff, swept_from_database, b, removed, e);
	pool_put(b, db, rc != 0);
	return rc;
}

int
blobs_sweep(struct blobs *b, struct db *db, int64_t now, int64_t grace_s, int *removed,
	    struct err *e)
{
	struct refs r = { NULL, 0, 0 };
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = NULL;
	int64_t cutoff = now - grace_s;
	int rc = -1, in_db = 0;

	*removed = 0;
	if (blobs_in_database(b) && sweep_database(b, cutoff, &in_db, e) != 0)
		goto out;
	/* the folder: on PostgreSQL the cache, whose unreferenced old files go as on SQLite (a
	 * referenced one fetched again if it ever went) */
	if (refs_load(db, &r, e) != 0)
		goto out;
	if ((d = opendir(b->dir)) == NULL) {
		errno_set(e, errno, "cannot read the blob folder", b->dir);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		if (strlen(n) != 2 || !((n[0] >= '0' && n[0] <= '9') || (n[0] >= 'a' && n[0] <= 'f')) ||
		    !((n[1] >= '0' && n[1] <= '9') || (n[1] >= 'a' && n[1] <= 'f')))
			continue;
		sweep_sub(b, n, &r, cutoff, removed);
	}
	closedir(d);
	if ((d = opendir(b->tmp)) == NULL) {
		errno_set(e, errno, "cannot read the folder", b->tmp);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", b->tmp, de->d_name) >= sizeof(path))
			continue;
		if (remove_if_old(path, cutoff)) {
			log_info("msg=\"blob temporary file swept\" name=%s", de->d_name);
			(*removed)++;
		}
	}
	rc = 0;
out:
	*removed += in_db;
	if (d != NULL)
		closedir(d);
	free(r.hex);
	return rc;
}

/* Trims one DIR/ab folder: files older than cutoff whose blob the database lacks. 0 or -1. */
static int
trim_sub(struct blobs *b, struct db *db, const char *prefix, int64_t cutoff, int *removed, struct err *e)
{
	char sub[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", b->dir, prefix) >= sizeof(sub) || (d = opendir(sub)) == NULL)
		return 0;	/* gone meanwhile, or never a folder: nothing cached there */
	while (rc == 0 && (de = readdir(d)) != NULL) {
		int r;
		if (!hex_valid(de->d_name) || memcmp(de->d_name, prefix, 2) != 0 ||
		    cache_path(b, de->d_name, path, sizeof(path)) != 0 || lstat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode) || (int64_t)st.st_mtime >= cutoff)
			continue;
		if ((r = blobs_pg_exists(db, de->d_name, e)) < 0)
			rc = -1;
		else if (r == 0 && unlink(path) == 0) {
			log_info("msg=\"cached blob removed: the database no longer has it\" sha256=%s", de->d_name);
			(*removed)++;
		}
	}
	closedir(d);
	return rc;
}

int
blobs_cache_trim(struct blobs *b, int64_t now, int *removed, struct err *e)
{
	struct dirent *de;
	struct db *db;
	DIR *d;
	int rc = 0;

	*removed = 0;
	if (!blobs_in_database(b))
		return 0;
	if ((d = opendir(b->dir)) == NULL)
		return errno_set(e, errno, "cannot read the blob folder", b->dir);
	if ((db = pool_get(b, e)) == NULL) {
		closedir(d);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL)
		if (strlen(de->d_name) == 2 && strspn(de->d_name, "0123456789abcdef") == 2)
			rc = trim_sub(b, db, de->d_name, now - GRACE_S, removed, e);
	closedir(d);
	pool_put(b, db, rc != 0);
	return rc;
}

/* The trim thread (PostgreSQL): the sweep runs on whichever server takes its job, so each
 * server also trims its own cache, TRIM_FIRST_S after start and every TRIM_EVERY_S, of blobs
 * the sweep removed (an erased respondent's attachment must not stay on any server's disk). */
static void *
trim_main(void *arg)
{
	struct blobs *b = arg;
	struct timespec at;

	thread_name("agora-blobtrim");

	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_sec += TRIM_FIRST_S;
	pthread_mutex_lock(&b->lock);
	while (!b->stopping) {
		struct err e;
		int removed, rc;
		if (pthread_cond_timedwait(&b->wake, &b->lock, &at) != ETIMEDOUT)
			continue;	/* woken early (to stop) or spuriously: look again */
		pthread_mutex_unlock(&b->lock);
		rc = blobs_cache_trim(b, clock_now(), &removed, &e);
		if (rc != 0)
			log_warn("msg=\"cannot trim the blob cache\" error=\"%s\"", e.msg);
		else if (removed > 0)
			log_info("msg=\"blob cache trimmed\" removed=%d", removed);
		pthread_mutex_lock(&b->lock);
		at.tv_sec += TRIM_EVERY_S;
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

const char *
blob_temp_path(const struct blob_writer *w)
{
	return w->path;
}

int64_t
blob_written_bytes(const struct blob_writer *w)
{
	return w->size;
}
