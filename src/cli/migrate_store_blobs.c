/* migrate_store_blobs.c: agora migrate-store's blobs: the files of the SQLite data folder
 * stored in PostgreSQL (docs/POSTGRES.md, "Moving a repository from SQLite"). */
#include "migrate_store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/blobs_pg.h"
#include "../util/clock.h"

static const char SQL_SRC_REFS[] = "SELECT DISTINCT sha256 FROM blob_refs ORDER BY sha256";

static int
hex_name(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* Stores one blob file of the source's folder in the target (inside the transaction), checking
 * that its content hashes to its name. 0 or -1 (printed). */
static int
copy_blob_file(struct migration *m, const char *path, const char *hex, int64_t now)
{
	struct stat st;
	struct err e;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "agora migrate-store: cannot read %s: %s\n", path,
			fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r = blobs_pg_insert(m->dst, fd, hex, (int64_t)st.st_size, now, &e);
	close(fd);
	if (r < 0) {
		fprintf(stderr, "%sagora migrate-store: %s: %s\n", m->tty ? "\n" : "", path, e.msg);
		return -1;
	}
	m->blobs++;
	m->blob_bytes += (int64_t)st.st_size;
	if (m->tty && m->blobs % 20 == 0)
		fprintf(stderr, "\r  blobs: %lld (%.1f MB)   ", (long long)m->blobs, (double)m->blob_bytes / 1e6);
	return 0;
}

int
migrate_store_copy_blobs(struct migration *m)
{
	char sub[PATH_MAX + 16], path[PATH_MAX + 16 + 260];
	struct dirent *de, *fe;
	struct db_stmt *st;
	DIR *d, *f;
	int64_t now = clock_now();
	int rc = 0;

	if ((d = opendir(m->blobdir)) == NULL && errno != ENOENT) {
		fprintf(stderr, "agora migrate-store: cannot read %s: %s\n", m->blobdir, strerror(errno));
		return -1;
	}
	while (d != NULL && rc == 0 && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 2 || strspn(de->d_name, "0123456789abcdef") != 2)
			continue;
		snprintf(sub, sizeof(sub), "%s/%.2s", m->blobdir, de->d_name);
		if ((f = opendir(sub)) == NULL) {
			fprintf(stderr, "agora migrate-store: cannot read %s: %s\n", sub, strerror(errno));
			rc = -1;
			break;
		}
		while (rc == 0 && (fe = readdir(f)) != NULL) {
			if (!hex_name(fe->d_name) || strncmp(fe->d_name, de->d_name, 2) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%.64s", sub, fe->d_name);
			rc = copy_blob_file(m, path, fe->d_name, now);
		}
		closedir(f);
	}
	if (d != NULL)
		closedir(d);
	if (m->tty)
		fprintf(stderr, "\r");
	if (rc != 0)
		return -1;
	printf("  %-22s %lld files, %.1f MB\n", "blobs", (long long)m->blobs, (double)m->blob_bytes / 1e6);
	if ((st = db_prepare(m->src, SQL_SRC_REFS)) == NULL)
		return -1;
	while (rc == 0 && db_step(st) == DB_ROW) {
		struct err e;
		int r = blobs_pg_exists(m->dst, db_col_text(st, 0), &e);
		if (r != 1) {
			fprintf(stderr, "agora migrate-store: the blob %s, named by the database, is %s\n",
				db_col_text(st, 0), r == 0 ? "missing from the data folder's blobs" : e.msg);
			rc = -1;
		}
	}
	db_done(st);
	return rc;
}
