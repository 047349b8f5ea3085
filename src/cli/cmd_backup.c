/* cmd_backup.c: `agora backup` and `agora restore`: the whole repository (database snapshot,
 * every blob it names, the keys) as one pax tar with a MANIFEST of SHA-256s, taken while a
 * server serves; and its restore into an empty folder, checked before it is put in place
 * (docs/BACKUP.md). */
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
#include "cli.h"
#include "log_cmds.h"

#define PAGES_PER_STEP 64		/* 256 KiB of 4 KiB pages between two looks at the clock */
#define CHUNK (256 * 1024)
#define KEY_MAX_BYTES (64 * 1024)	/* a file in keys/ is a key, not a data set */
#define MANIFEST_MAX_BYTES (512L * 1024 * 1024)
#define MANIFEST_MAGIC "Agora backup 1\n"
#define PATH_LEN 4200		/* a file's path */
#define DIR_LEN 1200		/* a folder's: --data is at most 512 bytes */
#define MSG_LEN (2 * PATH_LEN + 600)

struct progress {
	int tty;
	struct timespec start;
	int64_t done, total;	/* bytes written to the archive / members restored */
	int last_pct;
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
show_pages(int64_t done, int64_t total, void *ctx)
{
	struct progress *p = ctx;
	int pct = total > 0 ? (int)(done * 100 / total) : 100;

	if (p->tty && pct != p->last_pct)
		fprintf(stderr, "\rCopying the database: %d%% of %lld pages   ", pct, (long long)total);
	p->last_pct = pct;
}

static void
show_bytes(struct progress *p, const char *what)
{
	int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 100;

	if (p->tty && pct != p->last_pct)
		fprintf(stderr, "\r%s: %d%% of %.1f MB   ", what, pct, (double)p->total / 1e6);
	p->last_pct = pct;
}

static void
hex_of(const unsigned char h[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

static int
hex64_valid(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
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
	hex_of(d, hex);
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
		if ((k = realloc(bk->keys, (size_t)(bk->nkeys + 1) * sizeof(*k))) == NULL)
			break;
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
	hex_of(d, got);
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
	    put_file(bk, "agora.db", snapshot, NULL) != 0)
		return -1;
	for (int i = 0; i < bk->nkeys; i++) {
		struct key_file *k = &bk->keys[i];

		snprintf(name, sizeof(name), "keys/%s", k->name);
		if (put_header(bk, name, (int64_t)k->len, k->mode, k->mtime) != 0 ||
		    put_bytes(bk, name, k->data, k->len) != 0)
			return -1;
	}
	if (backup_blobs_each(snapshot, put_blob, bk, &e) != 0)
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
	buf_printf(&bk->manifest, MANIFEST_MAGIC "created: %s\nschema_version: %d\nresponses: %lld\n"
		   "log_tree_size: %lld\nlog_tree_root: %s\nblobs: %lld\n\n", when, info->schema_version,
		   (long long)info->responses, (long long)info->tree_size,
		   info->tree_root[0] ? info->tree_root : "-", (long long)info->blobs);
	if (hash_file(snapshot, hex, &size, bk->msg, sizeof(bk->msg)) != 0)
		return -1;
	bk->p.total += size;
	buf_printf(&bk->manifest, "%s  agora.db\n", hex);
	for (int i = 0; i < bk->nkeys; i++) {
		crypto_hash_sha256(d, bk->keys[i].data, bk->keys[i].len);
		hex_of(d, hex);
		buf_printf(&bk->manifest, "%s  keys/%s\n", hex, bk->keys[i].name);
		bk->p.total += (int64_t)bk->keys[i].len;
	}
	if (backup_blobs_each(snapshot, add_blob, bk, &e) != 0)
		return snprintf(bk->msg, sizeof(bk->msg), "%s", e.msg), -1;
	bk->p.total += bk->blob_bytes;
	if (bk->manifest.failed)
		return snprintf(bk->msg, sizeof(bk->msg), "out of memory for the MANIFEST"), -1;
	return 0;
}

static int
sync_parent(const char *path)
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
	if (!c->db[0] && !cli_is_data_folder(c->data)) {
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
	/* The snapshot and the unfinished archive sit beside the output (or in TMPDIR). */
	snprintf(pathbuf, sizeof(pathbuf), "%s", to_stdout ? (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") : out);
	if (snprintf(tmp_snapshot, sizeof(tmp_snapshot), to_stdout ? "%s/agora-backup.%ld.db" : "%s.%ld.db",
		     pathbuf, (long)getpid()) >= (int)sizeof(tmp_snapshot) ||
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
	config_db_url(c, url, sizeof(url));
	if (backup_snapshot(url, tmp_snapshot, PAGES_PER_STEP, show_pages, &bk.p, &e) != 0) {
		snprintf(bk.msg, sizeof(bk.msg), "%s", e.msg);
		goto out;
	}
	if (bk.p.tty)
		fprintf(stderr, "\rCopying the database: done in %.1f s            \n", elapsed(&bk.p.start));
	if (backup_describe(tmp_snapshot, &info, &e) != 0) {
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
			   sync_parent(out) != 0)) {
		snprintf(bk.msg, sizeof(bk.msg), "cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	tmp_archive[0] = '\0';
	if (bk.p.tty)
		fputc('\n', stderr);
	fprintf(say, "Backup of %s written to %s in %.1f s: %.1f MB, the database (schema %d, %lld "
		"responses), %d key file%s, %ld blob%s\n", c->data, to_stdout ? "standard output" : out,
		elapsed(&bk.p.start), (double)bk.p.total / 1e6, info.schema_version,
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
		if (to_stdout)
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

/* ---- agora restore ------------------------------------------------------------------------ */

struct member {
	char *path;		/* points into the MANIFEST's text */
	char hex[65];
	int seen;
};

struct restore {
	char *text;		/* the MANIFEST */
	struct member *m;
	size_t n;
	int schema_version;
	long long responses, tree_size;
	char tree_root[65];
	char tmp[DIR_LEN];	/* the folder being filled, beside the target */
	char msg[MSG_LEN];
	int usage;		/* the failure is the caller's (exit 2), not the backup's */
};

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->path, ((const struct member *)b)->path);
}

/* A member's path is one of the forms a backup writes, and nothing else: agora.db,
 * keys/NAME, blobs/ab/abcdef... (the SHA-256 of its content). */
static int
path_allowed(const char *p, const char *hex)
{
	size_t n = strlen(p);

	if (strcmp(p, "agora.db") == 0)
		return 1;
	if (strncmp(p, "keys/", 5) == 0) {
		if (n == 5 || n > 200 || p[5] == '.')
			return 0;
		for (const char *s = p + 5; *s; s++)
			if (*s == '/' || *s <= ' ' || *s == 0x7f)
				return 0;
		return 1;
	}
	return n == 6 + 3 + 64 && strncmp(p, "blobs/", 6) == 0 && p[8] == '/' &&
	       strncmp(p + 6, p + 9, 2) == 0 && strcmp(p + 9, hex) == 0;
}

static int
manifest_parse(struct restore *rs)
{
	char *line = rs->text, *next, *sep;
	int body = 0;
	size_t cap = 0;

	if (strncmp(line, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC)) != 0)
		return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST does not start with \"Agora backup 1\""), -1;
	rs->tree_root[0] = '\0';
	for (; *line; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST does not end with a new line"), -1;
		*next++ = '\0';
		if (!body) {
			if (line[0] == '\0')
				body = 1;
			else if (sscanf(line, "schema_version: %d", &rs->schema_version) == 1 ||
				 sscanf(line, "responses: %lld", &rs->responses) == 1 ||
				 sscanf(line, "log_tree_size: %lld", &rs->tree_size) == 1)
				;
			else if (strncmp(line, "log_tree_root: ", 15) == 0)
				snprintf(rs->tree_root, sizeof(rs->tree_root), "%s",
					 strcmp(line + 15, "-") == 0 ? "" : line + 15);
			continue;
		}
		if ((sep = strstr(line, "  ")) == NULL || !hex64_valid(line, (size_t)(sep - line)))
			return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST has a malformed line: %.100s", line), -1;
		*sep = '\0';
		if (!path_allowed(sep + 2, line))
			return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST names a member no backup has: %.100s",
					sep + 2), -1;
		if (rs->n == cap) {
			struct member *m = realloc(rs->m, (cap = cap ? cap * 2 : 256) * sizeof(*m));
			if (m == NULL)
				return snprintf(rs->msg, sizeof(rs->msg), "out of memory"), -1;
			rs->m = m;
		}
		rs->m[rs->n].path = sep + 2;
		memcpy(rs->m[rs->n].hex, line, 65);
		rs->m[rs->n++].seen = 0;
	}
	if (!body || rs->schema_version <= 0)
		return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST has no schema version"), -1;
	qsort(rs->m, rs->n, sizeof(*rs->m), member_cmp);
	for (size_t i = 1; i < rs->n; i++)
		if (strcmp(rs->m[i - 1].path, rs->m[i].path) == 0)
			return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST names %s twice", rs->m[i].path), -1;
	if (rs->n == 0 || bsearch(&(struct member){ .path = "agora.db" }, rs->m, rs->n, sizeof(*rs->m),
				  member_cmp) == NULL)
		return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST has no agora.db"), -1;
	return 0;
}

static int
read_manifest(struct restore *rs, struct archive *ar)
{
	struct archive_entry *en;
	int64_t size;
	la_ssize_t n;

	if (archive_read_next_header(ar, &en) != ARCHIVE_OK)
		return snprintf(rs->msg, sizeof(rs->msg), "not a tar archive: %s", archive_error_string(ar)), -1;
	if (strcmp(archive_entry_pathname(en), "MANIFEST") != 0)
		return snprintf(rs->msg, sizeof(rs->msg), "not an Agora backup: its first member is %.100s, not "
				"MANIFEST", archive_entry_pathname(en)), -1;
	if ((size = archive_entry_size(en)) <= 0 || size > MANIFEST_MAX_BYTES ||
	    (rs->text = malloc((size_t)size + 1)) == NULL)
		return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST is empty or too large"), -1;
	if ((n = archive_read_data(ar, rs->text, (size_t)size)) != size)
		return snprintf(rs->msg, sizeof(rs->msg), "cannot read its MANIFEST: %s",
				n < 0 ? archive_error_string(ar) : "cut short"), -1;
	rs->text[size] = '\0';
	if (strlen(rs->text) != (size_t)size)
		return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST holds a NUL byte"), -1;
	return manifest_parse(rs);
}

/* mkdir -p of the folders above rel inside rs->tmp (0700). */
static int
make_parents(struct restore *rs, const char *rel)
{
	char path[PATH_LEN];
	size_t base = strlen(rs->tmp) + 1;

	snprintf(path, sizeof(path), "%s/%s", rs->tmp, rel);
	for (char *s = path + base; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return snprintf(rs->msg, sizeof(rs->msg), "cannot create %s: %s", path, strerror(errno)), -1;
		*s = '/';
	}
	return 0;
}

/* Writes one member into rs->tmp while hashing it; its hash must be the MANIFEST's. */
static int
extract_member(struct restore *rs, struct archive *ar, struct archive_entry *en, char *chunk)
{
	const char *name = archive_entry_pathname(en);
	struct member key = { .path = (char *)name }, *m;
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char path[PATH_LEN], got[65];
	la_ssize_t n;
	int fd, rc = -1;
	mode_t mode;

	if (name == NULL || (m = bsearch(&key, rs->m, rs->n, sizeof(*rs->m), member_cmp)) == NULL)
		return snprintf(rs->msg, sizeof(rs->msg), "the member %.200s is not in its MANIFEST",
				name ? name : "(unnamed)"), -1;
	if (m->seen)
		return snprintf(rs->msg, sizeof(rs->msg), "the member %s appears twice", m->path), -1;
	if (archive_entry_filetype(en) != AE_IFREG)
		return snprintf(rs->msg, sizeof(rs->msg), "the member %s is not a regular file", m->path), -1;
	m->seen = 1;
	/* Keys keep their mode, never more open than the owner's; the rest is 0600. */
	mode = strncmp(m->path, "keys/", 5) == 0 ? (archive_entry_perm(en) & 0700) | 0400 : 0600;
	snprintf(path, sizeof(path), "%s/%s", rs->tmp, m->path);
	if (make_parents(rs, m->path) != 0)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0)
		return snprintf(rs->msg, sizeof(rs->msg), "cannot create %s: %s", path, strerror(errno)), -1;
	crypto_hash_sha256_init(&h);
	while ((n = archive_read_data(ar, chunk, CHUNK)) > 0) {
		crypto_hash_sha256_update(&h, (unsigned char *)chunk, (unsigned long long)n);
		if (write(fd, chunk, (size_t)n) != n) {
			snprintf(rs->msg, sizeof(rs->msg), "cannot write %s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (n < 0) {
		snprintf(rs->msg, sizeof(rs->msg), "the member %s cannot be read: %s", m->path,
			 archive_error_string(ar));
		goto out;
	}
	crypto_hash_sha256_final(&h, d);
	hex_of(d, got);
	if (strcmp(got, m->hex) != 0) {
		snprintf(rs->msg, sizeof(rs->msg), "the member %s is damaged: its SHA-256 is %s, the MANIFEST "
			 "says %s", m->path, got, m->hex);
		goto out;
	}
	if (fsync(fd) != 0) {
		snprintf(rs->msg, sizeof(rs->msg), "cannot sync %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static int
sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The folders the restore made, synced (blobs/ab/ first, then their parents); blobs/tmp and
 * keys/ are made if the backup had nothing in them. */
static int
sync_tree(struct restore *rs)
{
	char path[PATH_LEN];
	struct dirent *d;
	DIR *dh;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/blobs/tmp", rs->tmp);
	if (make_parents(rs, "blobs/tmp/x") != 0 || make_parents(rs, "keys/x") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/blobs", rs->tmp);
	if ((dh = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dh)) != NULL)
		if (d->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/blobs/%s", rs->tmp, d->d_name);
			rc |= sync_dir(path);
		}
	closedir(dh);
	snprintf(path, sizeof(path), "%s/blobs", rs->tmp);
	rc |= sync_dir(path);
	snprintf(path, sizeof(path), "%s/keys", rs->tmp);
	rc |= sync_dir(path);
	rc |= sync_dir(rs->tmp);
	if (rc != 0)
		snprintf(rs->msg, sizeof(rs->msg), "cannot sync the folders of %s: %s", rs->tmp, strerror(errno));
	return rc ? -1 : 0;
}

static int
blob_present(const char *hex, void *ctx, struct err *e)
{
	struct restore *rs = ctx;
	char path[PATH_LEN];

	snprintf(path, sizeof(path), "%s/blobs/%.2s/%s", rs->tmp, hex, hex);
	if (access(path, F_OK) != 0)
		return err_set(e, ERR_NOTFOUND, "the database names the blob %s, which the backup lacks", hex);
	return 0;
}

/* The restored folder, before it is put in place: the database is whole, says what the
 * MANIFEST says, has every blob it names, and agrees with its log (agora log verify --data). */
static int
check_restored(struct restore *rs, struct config *c, struct backup_info *info)
{
	struct config vc = *c;
	char db[PATH_LEN];
	struct err e;

	snprintf(db, sizeof(db), "%s/agora.db", rs->tmp);
	if (backup_integrity_check(db, &e) != 0 || backup_describe(db, info, &e) != 0 ||
	    backup_blobs_each(db, blob_present, rs, &e) != 0)
		return snprintf(rs->msg, sizeof(rs->msg), "%s", e.msg), -1;
	if (info->schema_version != rs->schema_version || info->tree_size != rs->tree_size ||
	    strcmp(info->tree_root, rs->tree_root) != 0 || info->responses != rs->responses)
		return snprintf(rs->msg, sizeof(rs->msg), "the restored database (schema %d, %lld responses, "
				"tree size %lld, root %s) is not what the MANIFEST says (schema %d, %lld responses, "
				"tree size %lld, root %s)", info->schema_version, (long long)info->responses,
				(long long)info->tree_size, info->tree_root, rs->schema_version, rs->responses,
				rs->tree_size, rs->tree_root), -1;
	if (snprintf(vc.data, sizeof(vc.data), "%s", rs->tmp) >= (int)sizeof(vc.data))
		return snprintf(rs->msg, sizeof(rs->msg), "the path %s is too long", rs->tmp), -1;
	vc.db[0] = '\0';
	printf("Checking the public log against the restored rows (agora log verify --data):\n");
	fflush(stdout);
	if (log_verify_folder(&vc) != 0)
		return snprintf(rs->msg, sizeof(rs->msg), "the restored log does not agree with the restored "
				"rows (above)"), -1;
	return 0;
}

/* Removes the unfinished folder (three levels at most: blobs/ab/file), never following links. */
static void
rm_tree(const char *path, int depth)
{
	char sub[PATH_LEN];
	struct dirent *d;
	struct stat st;
	DIR *dh;

	if (depth < 4 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (dh = opendir(path)) != NULL) {
		while ((d = readdir(dh)) != NULL)
			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0) {
				snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
				rm_tree(sub, depth + 1);
			}
		closedir(dh);
	}
	remove(path);
}

/* The target must be new or an empty folder. 0, or -1 with rs->usage set. */
static int
target_ok(struct restore *rs, const char *dir)
{
	struct stat st;
	struct dirent *d;
	DIR *dh;
	int empty = 1;

	rs->usage = 1;
	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return snprintf(rs->msg, sizeof(rs->msg), "cannot look at %s: %s", dir, strerror(errno)), -1;
	}
	if (!S_ISDIR(st.st_mode))
		return snprintf(rs->msg, sizeof(rs->msg), "%s exists and is not a folder: agora restore fills "
				"only an empty or new folder", dir), -1;
	if ((dh = opendir(dir)) == NULL)
		return snprintf(rs->msg, sizeof(rs->msg), "cannot read %s: %s", dir, strerror(errno)), -1;
	while (empty && (d = readdir(dh)) != NULL)
		empty = strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0;
	closedir(dh);
	if (!empty)
		return snprintf(rs->msg, sizeof(rs->msg), "%s is not empty: agora restore fills only an empty or "
				"new folder, and changes nothing in this one", dir), -1;
	return 0;
}

int
cmd_restore(int argc, char **argv, struct config *c)
{
	const char *pos[1] = { NULL };
	struct progress p = { isatty(2), { 0, 0 }, 0, 0, -1 };
	struct restore rs;
	struct backup_info info;
	struct archive *ar = NULL;
	struct archive_entry *en;
	char *chunk = NULL, parent[DIR_LEN / 2], *slash;
	int rc = cli_parse(argc, argv, c, "restore", NULL, NULL, NULL, NULL, pos, 1), r;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL) {
		fprintf(stderr, "agora restore: name the backup: agora restore --data DIR FILE.tar (- for "
			"standard input)\n");
		return EXIT_USAGE;
	}
	memset(&rs, 0, sizeof(rs));
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	rc = 1;
	if (target_ok(&rs, c->data) != 0)
		goto out;
	rs.usage = 0;
	/* The new folder is made beside the target, so the final rename stays on one file system. */
	snprintf(parent, sizeof(parent), "%s", c->data);
	while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0' && slash != parent)
		*slash = '\0';
	slash = strrchr(parent, '/');
	snprintf(rs.tmp, sizeof(rs.tmp), "%.*s.%s.restore-%ld", slash ? (int)(slash - parent + 1) : 0,
		 parent, slash ? slash + 1 : parent, (long)getpid());
	if (mkdir(rs.tmp, 0700) != 0) {
		snprintf(rs.msg, sizeof(rs.msg), "cannot create %s: %s", rs.tmp, strerror(errno));
		rs.tmp[0] = '\0';
		goto out;
	}
	if ((chunk = malloc(CHUNK)) == NULL || (ar = archive_read_new()) == NULL ||
	    archive_read_support_format_tar(ar) != ARCHIVE_OK || archive_read_support_filter_all(ar) != ARCHIVE_OK ||
	    archive_read_open_filename(ar, strcmp(pos[0], "-") == 0 ? NULL : pos[0], CHUNK) != ARCHIVE_OK) {
		snprintf(rs.msg, sizeof(rs.msg), "cannot read %s: %s", pos[0],
			 ar ? archive_error_string(ar) : "out of memory");
		goto out;
	}
	if (read_manifest(&rs, ar) != 0)
		goto out;
	p.total = (int64_t)rs.n;
	while ((r = archive_read_next_header(ar, &en)) == ARCHIVE_OK) {
		if (extract_member(&rs, ar, en, chunk) != 0)
			goto out;
		p.done++;
		if (p.tty && (p.done % 500 == 0 || p.done == p.total))
			fprintf(stderr, "\rRestoring: %lld/%lld members   ", (long long)p.done, (long long)p.total);
	}
	if (p.tty && p.done)
		fputc('\n', stderr);
	if (r != ARCHIVE_EOF) {
		snprintf(rs.msg, sizeof(rs.msg), "the archive is damaged or cut short after %lld members: %s",
			 (long long)p.done, archive_error_string(ar));
		goto out;
	}
	for (size_t i = 0; i < rs.n; i++)
		if (!rs.m[i].seen) {
			snprintf(rs.msg, sizeof(rs.msg), "the member %s named by the MANIFEST is missing", rs.m[i].path);
			goto out;
		}
	if (sync_tree(&rs) != 0 || check_restored(&rs, c, &info) != 0)
		goto out;
	/* Into place in one step: rename(2) replaces an empty folder. */
	if (rename(rs.tmp, c->data) != 0) {
		snprintf(rs.msg, sizeof(rs.msg), "cannot move %s to %s: %s", rs.tmp, c->data, strerror(errno));
		goto out;
	}
	rs.tmp[0] = '\0';
	sync_parent(c->data);
	printf("Restored %s in %.1f s: schema %d, %lld responses, %lld blobs\n", c->data, elapsed(&p.start),
	       info.schema_version, (long long)info.responses, (long long)info.blobs);
	printf("The public log: tree size %lld, root %s (as in the MANIFEST)\n", (long long)info.tree_size,
	       info.tree_root[0] ? info.tree_root : "(none)");
	rc = 0;
out:
	if (rc != 0) {
		if (p.tty && p.done)
			fputc('\n', stderr);
		fprintf(stderr, "agora restore: %s%s\n", rs.usage ? "" : "refused: ", rs.msg);
		if (rs.usage)
			rc = EXIT_USAGE;
		else
			fprintf(stderr, "agora restore: nothing was put in %s\n", c->data);
	}
	if (rs.tmp[0])
		rm_tree(rs.tmp, 0);
	if (ar)
		archive_read_free(ar);
	free(chunk);
	free(rs.m);
	free(rs.text);
	return rc;
}
