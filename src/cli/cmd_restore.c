/* cmd_restore.c: `agora restore`: a backup (cmd_backup.c) unpacked into a new folder beside
 * the target, every member checked against the MANIFEST, the database and the public log
 * checked, then renamed into place, so a refused restore leaves nothing (docs/BACKUP.md). A
 * backup of a PostgreSQL store goes into an empty database (--db) with pg_restore (backup_pg.c). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/backup.h"
#include "backup_cli.h"
#include "cli.h"
#include "log_cmds.h"

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
	long long responses, tree_size, blobs;
	char tree_root[65];
	char tmp[DIR_LEN];	/* the folder being filled, beside the target */
	char msg[MSG_LEN];
	int usage;		/* the failure is the caller's (exit 2), not the backup's */
	int pg;			/* the MANIFEST says "store: postgresql": the database is agora.pgdump */
	int db_filled;		/* pg_restore committed into the target database */
};

/* A name read from the archive, fit for a message on a terminal: at most 200 bytes, anything
 * but printable ASCII shown as '?' (a damaged or hostile archive must not write escapes). */
static const char *
shown(const char *s, char out[201])
{
	size_t i;

	for (i = 0; s != NULL && s[i] && i < 200; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	return s == NULL ? "(unnamed)" : out;
}

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->path, ((const struct member *)b)->path);
}

/* A member's path is one of the forms a backup writes, and nothing else: agora.db,
 * keys/NAME, blobs/ab/abcdef... (the SHA-256 of its content). */
static int
path_allowed(const char *p, const char *hex, int pg)
{
	size_t n = strlen(p);

	if (strcmp(p, pg ? PG_DUMP_MEMBER : "agora.db") == 0)
		return 1;
	if (strncmp(p, "keys/", 5) == 0) {
		if (n == 5 || n > 200 || p[5] == '.')
			return 0;
		for (const char *s = p + 5; *s; s++)
			if (*s == '/' || *s <= ' ' || *s == 0x7f)
				return 0;
		return 1;
	}
	return !pg && n == 6 + 3 + 64 && strncmp(p, "blobs/", 6) == 0 && p[8] == '/' &&
	       strncmp(p + 6, p + 9, 2) == 0 && strcmp(p + 9, hex) == 0;
}

static int
manifest_parse(struct restore *rs)
{
	char *line = rs->text, *next, *sep, name[201];
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
				 sscanf(line, "log_tree_size: %lld", &rs->tree_size) == 1 ||
				 sscanf(line, "blobs: %lld", &rs->blobs) == 1)
				;
			else if (strcmp(line, MANIFEST_STORE_PG) == 0)
				rs->pg = 1;
			else if (strncmp(line, "log_tree_root: ", 15) == 0)
				snprintf(rs->tree_root, sizeof(rs->tree_root), "%s",
					 strcmp(line + 15, "-") == 0 ? "" : line + 15);
			continue;
		}
		if ((sep = strstr(line, "  ")) == NULL || !backup_hex_valid(line, (size_t)(sep - line)))
			return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST has a malformed line: %s",
					shown(line, name)), -1;
		*sep = '\0';
		if (!path_allowed(sep + 2, line, rs->pg))
			return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST names a member no backup has: %s",
					shown(sep + 2, name)), -1;
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
	if (rs->n == 0 || bsearch(&(struct member){ .path = rs->pg ? PG_DUMP_MEMBER : "agora.db" }, rs->m,
				  rs->n, sizeof(*rs->m), member_cmp) == NULL)
		return snprintf(rs->msg, sizeof(rs->msg), "its MANIFEST has no %s",
				rs->pg ? PG_DUMP_MEMBER : "agora.db"), -1;
	return 0;
}

static int
read_manifest(struct restore *rs, struct archive *ar)
{
	struct archive_entry *en;
	int64_t size;
	la_ssize_t n;
	char name[201];

	if (archive_read_next_header(ar, &en) != ARCHIVE_OK)
		return snprintf(rs->msg, sizeof(rs->msg), "not a tar archive: %s", archive_error_string(ar)), -1;
	if (archive_entry_pathname(en) == NULL || strcmp(archive_entry_pathname(en), "MANIFEST") != 0)
		return snprintf(rs->msg, sizeof(rs->msg), "not an Agora backup: its first member is %s, not "
				"MANIFEST", shown(archive_entry_pathname(en), name)), -1;
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
	char path[PATH_LEN], got[65], shown_name[201];
	la_ssize_t n;
	int fd, rc = -1;
	mode_t mode;

	if (name == NULL || (m = bsearch(&key, rs->m, rs->n, sizeof(*rs->m), member_cmp)) == NULL)
		return snprintf(rs->msg, sizeof(rs->msg), "the member %s is not in its MANIFEST",
				shown(name, shown_name)), -1;
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
	backup_hex(d, got);
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
 * MANIFEST says, has every blob it names, and agrees with its log (agora log verify --data).
 * On PostgreSQL (pg_url not NULL) the dump is first loaded into that database, which then
 * holds the blobs; the dump's file is removed from the folder once loaded. */
static int
check_restored(struct restore *rs, struct config *c, const char *pg_url, const struct pg_tool *tool,
	       struct progress *p, struct backup_info *info)
{
	struct config vc = *c;
	char db[PATH_LEN];
	struct err e;
	int r;

	if (pg_url != NULL) {
		snprintf(db, sizeof(db), "%s/" PG_DUMP_MEMBER, rs->tmp);
		printf("Loading %s into the database with %s\n", PG_DUMP_MEMBER, tool->version);
		fflush(stdout);
		/* pg_restore runs in one transaction: its failure leaves the database empty (-1),
		 * a check failing after it committed does not (-2) */
		if ((r = backup_pg_restore(pg_url, db, tool, p, info, rs->msg, sizeof(rs->msg))) != 0) {
			rs->db_filled = r == -2;
			return -1;
		}
		rs->db_filled = 1;
		if (unlink(db) != 0)
			return snprintf(rs->msg, sizeof(rs->msg), "cannot remove %s: %s", db, strerror(errno)), -1;
	} else {
		snprintf(db, sizeof(db), "%s/agora.db", rs->tmp);
		if (backup_integrity_check(db, &e) != 0 || backup_describe(db, info, &e) != 0 ||
		    backup_blobs_each(db, blob_present, rs, &e) != 0)
			return snprintf(rs->msg, sizeof(rs->msg), "%s", e.msg), -1;
	}
	if (info->schema_version != rs->schema_version || info->tree_size != rs->tree_size ||
	    strcmp(info->tree_root, rs->tree_root) != 0 || info->responses != rs->responses ||
	    info->blobs != rs->blobs)
		return snprintf(rs->msg, sizeof(rs->msg), "the restored database (schema %d, %lld responses, "
				"%lld blobs, tree size %lld, root %s) is not what the MANIFEST says (schema %d, %lld "
				"responses, %lld blobs, tree size %lld, root %s)", info->schema_version,
				(long long)info->responses, (long long)info->blobs, (long long)info->tree_size,
				info->tree_root, rs->schema_version, rs->responses, rs->blobs, rs->tree_size,
				rs->tree_root), -1;
	if (snprintf(vc.data, sizeof(vc.data), "%s", rs->tmp) >= (int)sizeof(vc.data))
		return snprintf(rs->msg, sizeof(rs->msg), "the path %s is too long", rs->tmp), -1;
	snprintf(vc.db, sizeof(vc.db), "%s", pg_url != NULL ? pg_url : "");
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
	struct progress p = { isatty(2), 0, { 0, 0 }, 0, 0, -1 };
	struct restore rs;
	struct backup_info info;
	struct archive *ar = NULL;
	struct archive_entry *en;
	struct pg_tool tool;
	char *chunk = NULL, target[DIR_LEN / 2], *slash;
	const char *pg_url = NULL;
	int rc = cli_parse(argc, argv, c, "restore", NULL, NULL, NULL, NULL, pos, 1), r;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[0] == NULL) {
		fprintf(stderr, "agora restore: name the backup: agora restore --data DIR FILE.tar (- for "
			"standard input)\n");
		return EXIT_USAGE;
	}
	if (strncmp(c->db, "postgres://", 11) == 0 || strncmp(c->db, "postgresql://", 13) == 0)
		pg_url = c->db;
	else if (c->db[0] && strncmp(c->db, "sqlite:", 7) != 0) {
		fprintf(stderr, "agora restore: --db takes an empty PostgreSQL database (postgresql://...); "
			"without it a backup of a SQLite folder is restored into DIR\n");
		return EXIT_USAGE;
	}
	memset(&rs, 0, sizeof(rs));
	memset(&tool, 0, sizeof(tool));
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	rc = 1;
	if (target_ok(&rs, c->data) != 0)
		goto out;
	/* The database must be empty (exit 2, as for a folder) and have a pg_restore fit for it. */
	if (pg_url != NULL && (r = backup_pg_target(pg_url, &tool, rs.msg, sizeof(rs.msg))) != 0) {
		rs.usage = r == 1;
		goto out;
	}
	rs.usage = 0;
	/* The new folder is made beside the target, so the final rename stays on one file system. */
	snprintf(target, sizeof(target), "%s", c->data);	/* without its trailing slashes */
	while ((slash = strrchr(target, '/')) != NULL && slash[1] == '\0' && slash != target)
		*slash = '\0';
	slash = strrchr(target, '/');
	snprintf(rs.tmp, sizeof(rs.tmp), "%.*s.%s.restore-%ld", slash ? (int)(slash - target + 1) : 0,
		 target, slash ? slash + 1 : target, (long)getpid());
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
	if (rs.pg != (pg_url != NULL)) {
		snprintf(rs.msg, sizeof(rs.msg), rs.pg ? "this is a backup of a PostgreSQL store: name the empty "
			 "database to restore it into, --db postgresql://... (or AGORA_DB)" : "this is a backup of a "
			 "SQLite data folder: restore it without --db and with AGORA_DB unset (then agora "
			 "migrate-store moves it to PostgreSQL)");
		rs.usage = 1;
		goto out;
	}
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
	if (sync_tree(&rs) != 0)
		goto out;
	printf("Unpacked %zu members, each as the MANIFEST says, in %.1f s\n", rs.n, backup_elapsed(&p.start));
	if (check_restored(&rs, c, pg_url, &tool, &p, &info) != 0)
		goto out;
	/* Into place in one step: rename(2) replaces an empty folder. */
	if (rename(rs.tmp, target) != 0) {
		snprintf(rs.msg, sizeof(rs.msg), "cannot move %s to %s: %s", rs.tmp, c->data, strerror(errno));
		goto out;
	}
	rs.tmp[0] = '\0';
	backup_sync_parent(target);
	printf("Restored %s%s in %.1f s: schema %d, %lld responses, %lld blobs\n", c->data,
	       pg_url ? " and its PostgreSQL database" : "", backup_elapsed(&p.start), info.schema_version,
	       (long long)info.responses, (long long)info.blobs);
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
		if (rs.db_filled)
			fprintf(stderr, "agora restore: the database holds what pg_restore loaded: drop it and "
				"create it empty again before another restore\n");
		else if (pg_url != NULL && !rs.usage)
			fprintf(stderr, "agora restore: nothing was put in the database\n");
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
