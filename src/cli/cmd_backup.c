/* cmd_backup.c: `agora backup`: the whole repository (database snapshot, every blob it names,
 * the keys) as one pax tar with a MANIFEST of SHA-256s, taken while a server serves
 * (docs/BACKUP.md). On PostgreSQL the snapshot is pg_dump's (backup_pg.c) and holds the blobs.
 * `agora restore` is in cmd_restore.c. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../store/backup.h"
#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/timefmt.h"
#include "backup_cli.h"
#include "cli.h"

#define PAGES_PER_STEP 64		/* 256 KiB of 4 KiB pages between two looks at the clock */
#define KEY_MAX_BYTES (64 * 1024)	/* a file in keys/ is a key, not a data set */

static void
show_pages(int64_t done, int64_t total, void *ctx)
{
	struct progress *p = ctx;
	int pct = total > 0 ? (int)(done * 100 / total) : 100;

	if (p->tty && pct != p->last_pct)
		fprintf(stderr, "\rCopying the database: %d%% of %lld pages   ", pct, (long long)total);
	p->last_pct = pct;
	if (p->pause_ms > 0 && done < total) {
		struct timespec t = { p->pause_ms / 1000, (p->pause_ms % 1000) * 1000000L };
		nanosleep(&t, NULL);
	}
}

static void
show_bytes(struct progress *p, const char *what)
{
	int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 100;

	if (p->tty && pct != p->last_pct)
		fprintf(stderr, "\r%s: %d%% of %.1f MB   ", what, pct, (double)p->total / 1e6);
	p->last_pct = pct;
}

/* SHA-256 of a whole file, hex. 0, or -1 with errno's message in msg. */
static int
hash_file(const char *path, char hex[65], int64_t *size, char *msg, size_t msglen)
{
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char *chunk = malloc(CHUNK);
	int fd = open(path, O_RDONLY);
	ssize_t n = 0;

	*size = 0;
	if (fd < 0 || chunk == NULL) {
		snprintf(msg, msglen, "cannot read %s: %s", path, strerror(errno));
		free(chunk);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	crypto_hash_sha256_init(&h);
	while ((n = read(fd, chunk, CHUNK)) > 0) {
		crypto_hash_sha256_update(&h, (unsigned char *)chunk, (unsigned long long)n);
		*size += n;
	}
	if (n < 0)
		snprintf(msg, msglen, "cannot read %s: %s", path, strerror(errno));
	crypto_hash_sha256_final(&h, d);
	backup_hex(d, hex);
	close(fd);
	free(chunk);
	return n < 0 ? -1 : 0;
}

/* ---- agora backup ------------------------------------------------------------------------- */

struct key_file {
	char name[256];
	unsigned char *data;
	size_t len;
	mode_t mode;
	time_t mtime;
};

struct backup {
	const char *data;		/* the data folder */
	int pg;				/* the store is PostgreSQL: the dump holds the blobs */
	struct pg_tool tool;		/* on PostgreSQL, the pg_dump that ran */
	struct progress p;
	struct buf manifest;
	struct key_file *keys;
	int nkeys;
	int64_t blob_bytes;
	long nblobs;
	struct archive *ar;
	char *chunk;
	char msg[MSG_LEN];
};

/* Removed by a signal handler too, so a Ctrl-C leaves nothing behind. */
static char tmp_snapshot[DIR_LEN], tmp_archive[DIR_LEN];

static void
on_signal(int sig)
{
	if (backup_child > 0)
		kill(backup_child, SIGTERM);
	if (tmp_snapshot[0])
		unlink(tmp_snapshot);
	if (tmp_archive[0])
		unlink(tmp_archive);
	_exit(128 + sig);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key_file *)a)->name, ((const struct key_file *)b)->name);
}

/* Reads every regular file of DATA/keys into memory (what is hashed is what is written). */
static int
read_keys(struct backup *bk)
{
	char dir[DIR_LEN], path[PATH_LEN];
	struct dirent *d;
	struct stat st;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s/keys", bk->data);
	if ((dh = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : (snprintf(bk->msg, sizeof(bk->msg), "cannot read %s: %s", dir,
						       strerror(errno)), -1);
	while ((d = readdir(dh)) != NULL) {
		struct key_file *k;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof(k->name) || lstat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (st.st_size > KEY_MAX_BYTES) {
			snprintf(bk->msg, sizeof(bk->msg), "%s is %lld bytes: not a key (keys/ holds keys only)",
				 path, (long long)st.st_size);
			closedir(dh);
			return -1;
		}
		if ((k = realloc(bk->keys, (size_t)(bk->nkeys + 1) * sizeof(*k))) == NULL) {
			snprintf(bk->msg, sizeof(bk->msg), "out of memory");
			closedir(dh);
			return -1;
		}
		bk->keys = k;
		k = &bk->keys[bk->nkeys];
		memset(k, 0, sizeof(*k));
		snprintf(k->name, sizeof(k->name), "%s", d->d_name);
		k->mode = st.st_mode & 07777;
		k->mtime = st.st_mtime;
		if ((k->data = malloc((size_t)st.st_size + 1)) == NULL || (fd = open(path, O_RDONLY)) < 0) {
			free(k->data);
			snprintf(bk->msg, sizeof(bk->msg), "cannot read %s: %s", path, strerror(errno));
			closedir(dh);
			return -1;
		}
		k->len = (size_t)read(fd, k->data, (size_t)st.st_size);
		close(fd);
		if (k->len != (size_t)st.st_size) {
			free(k->data);
			snprintf(bk->msg, sizeof(bk->msg), "cannot read %s whole", path);
			closedir(dh);
			return -1;
		}
		bk->nkeys++;
	}
	closedir(dh);
	qsort(bk->keys, (size_t)bk->nkeys, sizeof(*bk->keys), key_cmp);
	return 0;
}

/* The manifest's line for each blob the snapshot names; a missing blob fails here, before a
 * byte of the archive is written. */
static int
add_blob(const char *hex, void *ctx, struct err *e)
{
	struct backup *bk = ctx;
	char path[PATH_LEN];
	struct stat st;

	snprintf(path, sizeof(path), "%s/blobs/%.2s/%s", bk->data, hex, hex);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return err_set(e, ERR_NOTFOUND, "the blob %s, named by the database, is missing from %s/blobs "
			       "(%s): the data folder is damaged; nothing was written", hex, bk->data,
			       strerror(errno ? errno : ENOENT));
	buf_printf(&bk->manifest, "%s  blobs/%.2s/%s\n", hex, hex, hex);
	bk->blob_bytes += st.st_size;
	bk->nblobs++;
	return 0;
}

static int
ar_fail(struct backup *bk, const char *member)
{
	snprintf(bk->msg, sizeof(bk->msg), "writing %s: %s", member, archive_error_string(bk->ar));
	return -1;
}

static int
put_header(struct backup *bk, const char *name, int64_t size, mode_t mode, time_t mtime)
{
	struct archive_entry *en = archive_entry_new();
	int r;

	if (en == NULL)
		return snprintf(bk->msg, sizeof(bk->msg), "out of memory"), -1;
	archive_entry_set_pathname(en, name);
	archive_entry_set_size(en, size);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, mode & 0777);
	archive_entry_set_mtime(en, mtime, 0);
	r = archive_write_header(bk->ar, en);
	archive_entry_free(en);
	return r == ARCHIVE_OK ? 0 : ar_fail(bk, name);
}

static int
put_bytes(struct backup *bk, const char *name, const void *p, size_t n)
{
	if (archive_write_data(bk->ar, p, n) != (la_ssize_t)n)
		return ar_fail(bk, name);
	bk->p.done += (int64_t)n;
	show_bytes(&bk->p, "Writing the archive");
	return 0;
}

/* Streams the file at path as member name; when want is not NULL the bytes must hash to it
 * (a blob's name is its SHA-256). */
static int
put_file(struct backup *bk, const char *name, const char *path, const char *want)
{
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char got[65];
	struct stat st;
	int64_t left;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY), rc = -1;

	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(bk->msg, sizeof(bk->msg), "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (put_header(bk, name, st.st_size, 0600, st.st_mtime) != 0)
		goto out;
	crypto_hash_sha256_init(&h);
	for (left = st.st_size; left > 0; left -= n) {
		if ((n = read(fd, bk->chunk, left < CHUNK ? (size_t)left : CHUNK)) <= 0) {
			snprintf(bk->msg, sizeof(bk->msg), "%s is shorter than it was: %s", path,
				 n < 0 ? strerror(errno) : "changed while being copied");
			goto out;
		}
		crypto_hash_sha256_update(&h, (unsigned char *)bk->chunk, (unsigned long long)n);
		if (put_bytes(bk, name, bk->chunk, (size_t)n) != 0)
			goto out;
	}
	crypto_hash_sha256_final(&h, d);
	backup_hex(d, got);
	if (want != NULL && strcmp(got, want) != 0) {
		snprintf(bk->msg, sizeof(bk->msg), "the blob %s is damaged: its content's SHA-256 is %s; "
			 "the backup is not valid", path, got);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
put_blob(const char *hex, void *ctx, struct err *e)
{
	struct backup *bk = ctx;
	char name[100], path[PATH_LEN];

	snprintf(name, sizeof(name), "blobs/%.2s/%s", hex, hex);
	snprintf(path, sizeof(path), "%s/%s", bk->data, name);
	if (put_file(bk, name, path, hex) != 0)
		return err_set(e, ERR_INTERNAL, "%s", bk->msg);
	return 0;
}

/* Writes the archive: MANIFEST, agora.db, keys/..., blobs/... */
static int
write_archive(struct backup *bk, int fd, const char *snapshot)
{
	struct err e;
	char name[300];
	int64_t now = clock_now();

	if ((bk->ar = archive_write_new()) == NULL || archive_write_set_format_pax(bk->ar) != ARCHIVE_OK ||
	    archive_write_open_fd(bk->ar, fd) != ARCHIVE_OK)
		return ar_fail(bk, "the archive");
	if (put_header(bk, "MANIFEST", (int64_t)bk->manifest.len, 0600, (time_t)now) != 0 ||
	    put_bytes(bk, "MANIFEST", bk->manifest.data, bk->manifest.len) != 0 ||
	    put_file(bk, bk->pg ? PG_DUMP_MEMBER : "agora.db", snapshot, NULL) != 0)
		return -1;
	for (int i = 0; i < bk->nkeys; i++) {
		struct key_file *k = &bk->keys[i];

		snprintf(name, sizeof(name), "keys/%s", k->name);
		if (put_header(bk, name, (int64_t)k->len, k->mode, k->mtime) != 0 ||
		    put_bytes(bk, name, k->data, k->len) != 0)
			return -1;
	}
	if (!bk->pg && backup_blobs_each(snapshot, put_blob, bk, &e) != 0)
		return snprintf(bk->msg, sizeof(bk->msg), "%s", e.msg), -1;
	if (archive_write_close(bk->ar) != ARCHIVE_OK)
		return ar_fail(bk, "the end of the archive");
	return 0;
}

/* The MANIFEST: a header of "name: value" lines, a blank line, then sha256sum's format
 * ("HEX  PATH"), so `sed '1,/^$/d' MANIFEST | sha256sum -c` checks an unpacked backup. */
static int
make_manifest(struct backup *bk, const char *snapshot, const struct backup_info *info)
{
	char hex[65], when[TIME_RFC3339_LEN];
	int64_t size;
	struct err e;
	unsigned char d[32];

	time_format_rfc3339(clock_now(), when);
	buf_printf(&bk->manifest, MANIFEST_MAGIC "created: %s\n", when);
	if (bk->pg)
		buf_printf(&bk->manifest, MANIFEST_STORE_PG "\ndump: %s, custom format\n", bk->tool.version);
	buf_printf(&bk->manifest, "schema_version: %d\nresponses: %lld\n"
		   "log_tree_size: %lld\nlog_tree_root: %s\nblobs: %lld\n\n", info->schema_version,
		   (long long)info->responses, (long long)info->tree_size,
		   info->tree_root[0] ? info->tree_root : "-", (long long)info->blobs);
	if (hash_file(snapshot, hex, &size, bk->msg, sizeof(bk->msg)) != 0)
		return -1;
	bk->p.total += size;
	buf_printf(&bk->manifest, "%s  %s\n", hex, bk->pg ? PG_DUMP_MEMBER : "agora.db");
	for (int i = 0; i < bk->nkeys; i++) {
		crypto_hash_sha256(d, bk->keys[i].data, bk->keys[i].len);
		backup_hex(d, hex);
		buf_printf(&bk->manifest, "%s  keys/%s\n", hex, bk->keys[i].name);
		bk->p.total += (int64_t)bk->keys[i].len;
	}
	if (!bk->pg && backup_blobs_each(snapshot, add_blob, bk, &e) != 0)
		return snprintf(bk->msg, sizeof(bk->msg), "%s", e.msg), -1;
	bk->p.total += bk->blob_bytes;
	if (bk->manifest.failed)
		return snprintf(bk->msg, sizeof(bk->msg), "out of memory for the MANIFEST"), -1;
	return 0;
}

/* ---- shared with cmd_restore.c (backup_cli.h) ------------------------------------------ */

double
backup_elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

void
backup_hex(const unsigned char h[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

int
backup_hex_valid(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
backup_sync_parent(const char *path)
{
	char dir[PATH_LEN];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
cmd_backup(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "-o", "--output", NULL };
	const char *vals[2] = { NULL, NULL }, *out;
	struct backup bk;
	struct backup_info info;
	struct err e;
	char url[600], pathbuf[DIR_LEN];
	int rc = cli_parse(argc, argv, c, "backup", NULL, NULL, opts, vals, NULL, 0), fd = -1, to_stdout;
	FILE *say;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if ((out = vals[0] ? vals[0] : vals[1]) == NULL || !out[0]) {
		fprintf(stderr, "agora backup: say where to write it: -o FILE.tar, or -o - for standard output\n");
		return EXIT_USAGE;
	}
	if (!cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora backup: %s is not a data folder\n", c->data);
		return 1;
	}
	to_stdout = strcmp(out, "-") == 0;
	if (to_stdout && isatty(1)) {
		fprintf(stderr, "agora backup: standard output is a terminal; redirect it, or give -o FILE.tar\n");
		return EXIT_USAGE;
	}
	say = to_stdout ? stderr : stdout;
	memset(&bk, 0, sizeof(bk));
	bk.data = c->data;
	bk.p.tty = isatty(2);
	bk.p.last_pct = -1;
	buf_init(&bk.manifest);
	clock_gettime(CLOCK_MONOTONIC, &bk.p.start);
	if (c->log_key[0])
		fprintf(stderr, "agora backup: note: the log's signing key is %s (--log-key), outside the data "
			"folder: it is not in the backup; keep a copy of it\n", c->log_key);
	config_db_url(c, url, sizeof(url));
	bk.pg = strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
	/* The snapshot and the unfinished archive sit beside the output (or in TMPDIR). */
	snprintf(pathbuf, sizeof(pathbuf), "%s", to_stdout ? (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") : out);
	if (snprintf(tmp_snapshot, sizeof(tmp_snapshot), to_stdout ? "%s/agora-backup.%ld.%s" : "%s.%ld.%s",
		     pathbuf, (long)getpid(), bk.pg ? "pgdump" : "db") >= (int)sizeof(tmp_snapshot) ||
	    (!to_stdout && snprintf(tmp_archive, sizeof(tmp_archive), "%s.%ld.tmp", out, (long)getpid()) >=
				   (int)sizeof(tmp_archive))) {
		fprintf(stderr, "agora backup: the path %s is too long\n", out);
		return EXIT_USAGE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);	/* a closed pipe is a write error, reported */
	rc = 1;
	/* Tests stretch the copy over many steps to write during it (t430_backup.sh); on
	 * PostgreSQL they hold the snapshot 100 times as long before pg_dump runs (t530). */
	if (getenv("AGORA_TEST_BACKUP_STEP_MS"))
		bk.p.pause_ms = strtol(getenv("AGORA_TEST_BACKUP_STEP_MS"), NULL, 10);
	if (bk.pg) {
		if (backup_pg_dump(url, tmp_snapshot, &bk.p, &info, &bk.tool, bk.msg, sizeof(bk.msg)) != 0)
			goto out;
	} else if (backup_snapshot(url, tmp_snapshot, bk.p.pause_ms > 0 ? 1 : PAGES_PER_STEP, show_pages, &bk.p,
			    &e) != 0) {
		snprintf(bk.msg, sizeof(bk.msg), "%s", e.msg);
		goto out;
	}
	if (bk.p.tty && !bk.pg)
		fprintf(stderr, "\rCopying the database: done in %.1f s            \n", backup_elapsed(&bk.p.start));
	if (!bk.pg && backup_describe(tmp_snapshot, &info, &e) != 0) {
		snprintf(bk.msg, sizeof(bk.msg), "%s", e.msg);
		goto out;
	}
	if (read_keys(&bk) != 0 || make_manifest(&bk, tmp_snapshot, &info) != 0 ||
	    (bk.chunk = malloc(CHUNK)) == NULL)
		goto out;
	if (to_stdout)
		fd = 1;
	else if ((fd = open(tmp_archive, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		snprintf(bk.msg, sizeof(bk.msg), "cannot create %s: %s", tmp_archive, strerror(errno));
		goto out;
	}
	bk.p.last_pct = -1;
	if (write_archive(&bk, fd, tmp_snapshot) != 0)
		goto out;
	if (!to_stdout && (fsync(fd) != 0 || close(fd) != 0 || (fd = -1, rename(tmp_archive, out) != 0) ||
			   backup_sync_parent(out) != 0)) {
		snprintf(bk.msg, sizeof(bk.msg), "cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	tmp_archive[0] = '\0';
	if (bk.p.tty)
		fputc('\n', stderr);
	if (bk.pg)
		fprintf(say, "Backup of %s and its PostgreSQL database written to %s in %.1f s: %.1f MB, the "
			"database (%s, custom format; schema %d, %lld responses, %lld blobs), %d key file%s\n",
			c->data, to_stdout ? "standard output" : out, backup_elapsed(&bk.p.start),
			(double)bk.p.total / 1e6, bk.tool.version, info.schema_version, (long long)info.responses,
			(long long)info.blobs, bk.nkeys, bk.nkeys == 1 ? "" : "s");
	else
		fprintf(say, "Backup of %s written to %s in %.1f s: %.1f MB, the database (schema %d, %lld "
			"responses), %d key file%s, %ld blob%s\n", c->data, to_stdout ? "standard output" : out,
			backup_elapsed(&bk.p.start), (double)bk.p.total / 1e6, info.schema_version,
			(long long)info.responses, bk.nkeys, bk.nkeys == 1 ? "" : "s", bk.nblobs,
			bk.nblobs == 1 ? "" : "s");
	fprintf(say, "The public log at the snapshot: tree size %lld, root %s\n", (long long)info.tree_size,
		info.tree_root[0] ? info.tree_root : "(none)");
	rc = 0;
out:
	if (rc != 0) {
		if (bk.p.tty)
			fputc('\n', stderr);
		fprintf(stderr, "agora backup: %s\n", bk.msg[0] ? bk.msg : "failed");
		if (to_stdout && bk.p.done > 0)
			fprintf(stderr, "agora backup: what was written to standard output is not a valid backup\n");
	}
	if (fd > 1)
		close(fd);
	if (bk.ar)
		archive_write_free(bk.ar);
	if (tmp_archive[0])
		unlink(tmp_archive);
	unlink(tmp_snapshot);
	tmp_snapshot[0] = tmp_archive[0] = '\0';
	for (int i = 0; i < bk.nkeys; i++) {
		sodium_memzero(bk.keys[i].data, bk.keys[i].len);
		free(bk.keys[i].data);
	}
	free(bk.keys);
	free(bk.chunk);
	buf_free(&bk.manifest);
	return rc;
}

