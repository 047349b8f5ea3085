/* export_zip.c: the open-data archive of a round (docs/EXPORTS.md): its public responses, their
 * attachments, every log entry about its responses with an inclusion proof to the signed
 * checkpoint, and a SHA-256 manifest, written as a stream through libarchive's ZIP writer. What
 * is not public (withheld, pending, withdrawn, erased, earlier versions) is there only as its
 * entry: a salted commitment, without the salt. `agora log verify --archive` checks it all. */
#include "export.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../ledger/log.h"
#include "../util/clock.h"
#include "../util/str.h"

#define ENTRIES_PATH "entries/entries.jsonl"

/* The round's entries: its responses' versions and moderation decisions and its own openings
 * and closings, in log order. One pass over the log in index order (NOT INDEXED), each entry
 * looked up: with the index on kind, SQLite would gather every matching rowid and then sort
 * the rows, in memory growing with the log; and EXISTS, not IN (SELECT ...), which would hold
 * every id of the round. public: the current version of a published response,
 * whose salt and content hash are public (as in its public receipt). PostgreSQL has no
 * NOT INDEXED (its planner streams the primary key's order without being told). */
#define SQL_ENTRIES_OF(HINT)                                                                        \
    "SELECT e.idx, e.kind, e.entry, e.salt, e.leaf_hash, "                                          \
    "(e.kind = 'response_version' AND r.status = 'published' AND r.current_version = e.ref2), "     \
    "v.content_sha256 FROM log_entries e " HINT " "                                                 \
    "LEFT JOIN responses r ON e.kind = 'response_version' AND r.id = e.ref "                        \
    "LEFT JOIN response_versions v ON e.kind = 'response_version' AND v.response_id = e.ref AND v.version = e.ref2 " \
    "WHERE e.idx < $2 AND ((e.kind = 'response_version' AND r.consultation_id = $1) "               \
    "OR (e.kind = 'moderation' AND EXISTS (SELECT 1 FROM moderation_events m JOIN responses x ON x.id = m.response_id " \
    "WHERE m.id = e.ref AND x.consultation_id = $1)) "                                              \
    "OR (e.kind = 'consultation' AND e.ref = $1)) ORDER BY e.idx"
static const char SQL_ENTRIES[] = SQL_ENTRIES_OF("NOT INDEXED");
static const char SQL_ENTRIES_PG[] = SQL_ENTRIES_OF("");
static const char SQL_ATTACHMENTS[] =
    "SELECT DISTINCT a.sha256, a.filename FROM response_attachments a "
    "JOIN responses r ON r.id = a.response_id AND a.version = r.current_version "
    "WHERE r.consultation_id = $1 AND r.status = 'published' ORDER BY a.sha256, a.filename";

/* Proofs of many entries in log order share most of their nodes, and each needs the tiles of
 * its leaf and of the tree's right edge: more than the tile reader's four. So every node read
 * is remembered in a fixed table (direct-mapped; about 1 MiB), which turns 2.5 ms a proof into
 * a few microseconds. */
#define PROOF_MEMO 16384
struct proofs {
	struct ledger_tile_store st;
	struct ledger_tiles_reader tr;
	struct ledger_hash_reader hr;
	struct {
		uint64_t index;
		int level_1;	/* level + 1: 0 is an empty slot */
		unsigned char h[LEDGER_HASH_BYTES];
	} slot[PROOF_MEMO];
};

static int
memo_node(void *ctx, int level, uint64_t index, unsigned char out[LEDGER_HASH_BYTES], struct err *e)
{
	struct proofs *p = ctx;
	size_t k = (size_t)((index * 0x9E3779B97F4A7C15ULL ^ (uint64_t)level * 0xBF58476D1CE4E5B9ULL) >> 20) % PROOF_MEMO;

	if (p->slot[k].level_1 == level + 1 && p->slot[k].index == index) {
		memcpy(out, p->slot[k].h, LEDGER_HASH_BYTES);
		return 0;
	}
	if (ledger_tiles_node(&p->tr, level, index, out, e) != 0)
		return -1;
	p->slot[k].level_1 = level + 1;
	p->slot[k].index = index;
	memcpy(p->slot[k].h, out, LEDGER_HASH_BYTES);
	return 0;
}

static struct proofs *
proofs_new(struct db *db, uint64_t size)
{
	struct proofs *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	ledger_db_tile_store(db, &p->st);
	ledger_tiles_reader_init(&p->tr, &p->st, size);
	p->hr.node = memo_node;
	p->hr.ctx = p;
	return p;
}

struct zip {
	struct archive *ar;
	FILE *manifest;		/* "<sha256>  <path>" lines, in a work file (one per attachment) */
	int64_t now;
	crypto_hash_sha256_state sha;	/* of the file being written */
	struct err *e;
	int64_t entries, public_entries, attachments;
};

static int
ar_fail(struct zip *z, const char *what)
{
	return err_set(z->e, ERR_INTERNAL, "cannot write the archive (%s): %s", what,
		       archive_error_string(z->ar) ? archive_error_string(z->ar) : "unknown error");
}

/* Starts a file in the archive; size < 0: not known yet (written with a data descriptor). */
static int
file_begin(struct zip *z, const char *path, int64_t size)
{
	struct archive_entry *en = archive_entry_new();
	int rc;

	if (en == NULL)
		return err_set(z->e, ERR_BUSY, "out of memory");
	archive_entry_set_pathname(en, path);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_mtime(en, z->now, 0);
	if (size >= 0)
		archive_entry_set_size(en, size);
	rc = archive_write_header(z->ar, en);
	archive_entry_free(en);
	crypto_hash_sha256_init(&z->sha);
	return rc == ARCHIVE_OK ? 0 : ar_fail(z, path);
}

static int
file_data(void *ctx, const void *p, size_t n)
{
	struct zip *z = ctx;

	crypto_hash_sha256_update(&z->sha, p, n);
	return archive_write_data(z->ar, p, n) == (la_ssize_t)n ? 0 : -1;
}

/* Ends the file: its line in the manifest. */
static int
file_end(struct zip *z, const char *path)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256_final(&z->sha, h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if (archive_write_finish_entry(z->ar) != ARCHIVE_OK)
		return ar_fail(z, path);
	if (fprintf(z->manifest, "%s  %s\n", hex, path) < 0)
		return err_set(z->e, ERR_FULL, "cannot write the manifest: %s", strerror(errno));
	return 0;
}

static int
file_whole(struct zip *z, const char *path, const void *p, size_t n)
{
	if (file_begin(z, path, (int64_t)n) != 0)
		return -1;
	if (file_data(z, p, n) != 0)
		return ar_fail(z, path);
	return file_end(z, path);
}

int export_json_to(struct export_ctx *x, struct export_out *o, struct err *e);

static int
add_responses(struct export_ctx *x, struct zip *z)
{
	struct export_out o;
	int rc;

	if (file_begin(z, "responses.json", -1) != 0)
		return -1;
	export_out_init(&o, file_data, z);
	rc = export_json_to(x, &o, z->e);
	if (export_out_finish(&o) != 0 && rc == 0)
		rc = ar_fail(z, "responses.json");
	return rc == 0 ? file_end(z, "responses.json") : -1;
}

static void
hex_put(struct export_out *o, const unsigned char *p, size_t n)
{
	char hex[2 * 64 + 1];

	sodium_bin2hex(hex, sizeof(hex), p, n);
	export_out_puts(o, hex);
}

/* One line of entries.jsonl. */
static int
entry_line(struct export_ctx *x, struct export_out *o, struct db_stmt *st, uint64_t size,
	   struct ledger_proof *p, struct proofs *pr, struct zip *z)
{
	size_t elen = 0, slen = 0, llen = 0;
	uint64_t idx = (uint64_t)db_col_int64(st, 0);
	const unsigned char *entry = db_col_blob(st, 2, &elen), *salt = db_col_blob(st, 3, &slen),
			    *leaf = db_col_blob(st, 4, &llen);
	int public = db_col_int64(st, 5) != 0 && slen == LEDGER_SALT_BYTES;
	char *b64, line[96];
	size_t b64len = sodium_base64_ENCODED_LEN(elen, sodium_base64_VARIANT_ORIGINAL);

	if (llen != LEDGER_HASH_BYTES)
		return err_set(z->e, ERR_INTERNAL, "log entry %llu has no leaf hash", (unsigned long long)idx);
	if (idx >= size || ledger_proof_inclusion(&pr->hr, idx, size, p, z->e) != 0)
		return z->e->kind ? -1 : err_set(z->e, ERR_INTERNAL, "log entry %llu is not in the checkpoint",
						 (unsigned long long)idx);
	if ((b64 = malloc(b64len)) == NULL)
		return err_set(z->e, ERR_BUSY, "out of memory");
	sodium_bin2base64(b64, b64len, entry, elen, sodium_base64_VARIANT_ORIGINAL);
	snprintf(line, sizeof(line), "{\"index\":%llu,\"kind\":\"", (unsigned long long)idx);
	export_out_puts(o, line);
	export_out_puts(o, db_col_text(st, 1));	/* a kind name: plain ASCII */
	export_out_puts(o, "\",\"entry\":\"");
	export_out_puts(o, b64);
	free(b64);
	export_out_puts(o, "\",\"leaf_hash\":\"");
	hex_put(o, leaf, llen);
	export_out_puts(o, "\",\"inclusion_proof\":[");
	for (int i = 0; i < p->n; i++) {
		export_out_puts(o, i ? ",\"" : "\"");
		hex_put(o, p->hash[i], LEDGER_HASH_BYTES);
		export_out_puts(o, "\"");
	}
	export_out_puts(o, "]");
	if (public) {
		export_out_puts(o, ",\"salt\":\"");
		hex_put(o, salt, slen);
		export_out_puts(o, "\",\"content_sha256\":\"");
		export_out_puts(o, db_col_text(st, 6));	/* 64 hex digits, as stored */
		export_out_puts(o, "\"");
		z->public_entries++;
	}
	export_out_puts(o, "}\n");
	z->entries++;
	if (z->entries % 20000 == 0 && x->job->progress != NULL)
		x->job->progress(x->job->progress_ctx, "log entries", z->entries, -1);
	return o->failed ? ar_fail(z, ENTRIES_PATH) : 0;
}

static int
add_entries(struct export_ctx *x, struct zip *z, uint64_t size)
{
	struct db_stmt *st = db_prepare(x->db, db_is_postgres(x->db) ? SQL_ENTRIES_PG : SQL_ENTRIES);
	struct ledger_proof *p = malloc(sizeof(*p));
	struct proofs *pr = proofs_new(x->db, size);
	struct export_out o;
	enum db_rc rc;
	int ret = 0;

	if (st == NULL || p == NULL || pr == NULL) {
		if (st != NULL)
			db_done(st);
		free(p);
		free(pr);
		return st == NULL ? db_err(x->db, z->e, "log entries") : err_set(z->e, ERR_BUSY, "out of memory");
	}
	if (file_begin(z, ENTRIES_PATH, -1) != 0) {
		db_done(st);
		free(p);
		free(pr);
		return -1;
	}
	export_out_init(&o, file_data, z);
	db_bind_int64(st, 1, x->c.id);
	db_bind_int64(st, 2, (int64_t)size);
	while ((rc = db_step(st)) == DB_ROW)
		if ((ret = entry_line(x, &o, st, size, p, pr, z)) != 0)
			break;
	db_done(st);
	free(p);
	free(pr);
	if (ret == 0 && rc != DB_DONE)
		ret = db_err(x->db, z->e, "log entries");
	if (export_out_finish(&o) != 0 && ret == 0)
		ret = ar_fail(z, ENTRIES_PATH);
	return ret == 0 ? file_end(z, ENTRIES_PATH) : -1;
}

/* "attachments/<sha256>-<name>": the name without what a path could make of it (slashes,
 * backslashes, control characters, a leading dot), at most 200 bytes. */
static void
attachment_path(char *out, size_t outlen, const char *sha, const char *name)
{
	size_t n = (size_t)snprintf(out, outlen, "attachments/%s-", sha), start = n;

	for (const char *p = name; *p && n + 1 < outlen && n - start < 200; p++) {
		unsigned char c = (unsigned char)*p;
		int bad = c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (n == start && c == '.');
		out[n++] = bad ? '_' : (char)c;
	}
	while (n > start && ((unsigned char)out[n - 1] & 0xC0) == 0x80 && n - start >= 200)
		n--;	/* never cut a character in two */
	out[n] = '\0';
}

static int
add_blob(struct zip *z, struct blobs *blobs, const char *sha, const char *name)
{
	char src[1024], path[512], block[64 * 1024];
	struct stat sb;
	ssize_t n;
	int fd, rc = 0;

	attachment_path(path, sizeof(path), sha, name);
	if (blob_path(blobs, sha, src, sizeof(src)) != 0 || (fd = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(z->e, ERR_INTERNAL, "the attachment %s is missing from the store", sha);
	if (fstat(fd, &sb) != 0 || file_begin(z, path, sb.st_size) != 0) {
		close(fd);
		return z->e->kind ? -1 : err_set(z->e, ERR_INTERNAL, "cannot read the attachment %s", sha);
	}
	while (rc == 0 && (n = read(fd, block, sizeof(block))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		rc = n < 0 ? err_set(z->e, ERR_INTERNAL, "cannot read the attachment %s", sha)
			   : file_data(z, block, (size_t)n) != 0 ? ar_fail(z, path) : 0;
	}
	close(fd);
	z->attachments++;
	return rc == 0 ? file_end(z, path) : -1;
}

static int
add_attachments(struct export_ctx *x, struct zip *z)
{
	struct db_stmt *st = db_prepare(x->db, SQL_ATTACHMENTS);
	enum db_rc rc;
	int ret = 0;

	if (st == NULL)
		return db_err(x->db, z->e, "attachments");
	db_bind_int64(st, 1, x->c.id);
	while ((rc = db_step(st)) == DB_ROW) {
		char sha[BLOB_HEX_LEN];
		snprintf(sha, sizeof(sha), "%s", db_col_text(st, 0));
		if ((ret = add_blob(z, x->job->blobs, sha, db_col_text(st, 1))) != 0)
			break;
	}
	db_done(st);
	return ret != 0 ? -1 : rc == DB_DONE ? 0 : db_err(x->db, z->e, "attachments");
}

static int
add_readme(struct export_ctx *x, struct zip *z, uint64_t size, const char *vkey)
{
	struct buf b;
	int rc;

	buf_init(&b);
	buf_printf(&b,
		   "Public responses to the consultation \"%s\", with the evidence that they are what the\n"
		   "platform received and published.\n\n"
		   "responses.json          the %lld published responses, one JSON object a line (as\n"
		   "                        GET /api/v1/responses/{id} answers, plus \"number\": R-n)\n"
		   "attachments/            their attachments, named <sha256>-<file name>\n"
		   "entries/entries.jsonl   the %lld entries of the public log about this round's responses\n"
		   "                        (every version and every moderation decision, public or not)\n"
		   "                        and its openings and closings: index, entry (base64),\n"
		   "                        leaf_hash, inclusion_proof to the checkpoint; for the current\n"
		   "                        version of a published response also salt and content_sha256\n"
		   "checkpoint              the log's signed checkpoint (tree of %llu entries) they are\n"
		   "                        proven against\n"
		   "log.vkey                the log's verifier key as the platform gave it\n"
		   "MANIFEST.sha256         the SHA-256 of every other file (sha256sum format)\n\n"
		   "Withheld, pending, withdrawn and erased responses, and earlier versions, are not in\n"
		   "responses.json: only their entries are here, each with a commitment SHA-256(salt ||\n"
		   "content hash) whose salt is not given, so their content cannot be guessed from it.\n\n"
		   "To check this archive:\n"
		   "  sha256sum -c MANIFEST.sha256\n"
		   "  agora log verify --archive THIS.zip --key '%s'\n"
		   "Take the key from a source you trust (the platform's /log page, its published\n"
		   "announcements), not only from this archive. The check: the manifest; every entry's leaf\n"
		   "hash SHA-256(0x00 || entry); every inclusion proof (RFC 9162) against the checkpoint's\n"
		   "root; the checkpoint's Ed25519 signature (C2SP signed note) by the key; and for every\n"
		   "published response, that its current version's entry commits to its content hash\n"
		   "(SHA-256(salt || content_sha256) is the entry's commitment) and, where the respondent\n"
		   "is published by name, that the content hash is that of the content in responses.json.\n"
		   "The formats are described in docs/LEDGER.md and docs/EXPORTS.md of Agora.\n",
		   x->c.slug, (long long)x->job->rows, (long long)z->entries, (unsigned long long)size, vkey);
	if (b.failed) {
		buf_free(&b);
		return err_set(z->e, ERR_BUSY, "out of memory");
	}
	rc = file_whole(z, "README.txt", b.data, b.len);
	buf_free(&b);
	return rc;
}

/* The manifest's work file, copied into the archive as the last file (not in itself). */
static int
add_manifest(struct zip *z)
{
	char block[64 * 1024];
	size_t n;
	long len;

	if (fflush(z->manifest) != 0 || (len = ftell(z->manifest)) < 0 || fseek(z->manifest, 0, SEEK_SET) != 0)
		return err_set(z->e, ERR_FULL, "cannot write the manifest: %s", strerror(errno));
	if (file_begin(z, "MANIFEST.sha256", len) != 0)
		return -1;
	while ((n = fread(block, 1, sizeof(block), z->manifest)) > 0)
		if (archive_write_data(z->ar, block, n) != (la_ssize_t)n)
			return ar_fail(z, "MANIFEST.sha256");
	return archive_write_finish_entry(z->ar) == ARCHIVE_OK ? 0 : ar_fail(z, "MANIFEST.sha256");
}

int
export_zip(struct export_ctx *x, int out_fd, struct err *e)
{
	struct zip z;
	struct buf cp;
	char vkey[LEDGER_KEY_TEXT_MAX + 1];
	uint64_t size = 0;
	int mfd, rc = -1;

	memset(&z, 0, sizeof(z));
	z.e = e;
	z.now = clock_now();
	buf_init(&cp);
	if (ledger_checkpoint_text(x->db, -1, &cp, &size, e) != 0 || ledger_current_vkey(x->db, vkey, e) != 0) {
		buf_free(&cp);
		return -1;
	}
	if ((mfd = export_tmpfile(x->job->tmpdir, e)) < 0 || (z.manifest = fdopen(mfd, "w+")) == NULL) {
		if (mfd >= 0)
			close(mfd);
		buf_free(&cp);
		return mfd < 0 ? -1 : err_set(e, ERR_BUSY, "out of memory");
	}
	if ((z.ar = archive_write_new()) == NULL || archive_write_set_format_zip(z.ar) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(z.ar, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(z.ar, out_fd) != ARCHIVE_OK) {
		rc = z.ar ? ar_fail(&z, "start") : err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	strcat(vkey, "\n");
	if (file_whole(&z, "checkpoint", cp.data, cp.len) != 0 || file_whole(&z, "log.vkey", vkey, strlen(vkey)) != 0 ||
	    add_responses(x, &z) != 0 || add_entries(x, &z, size) != 0 || add_attachments(x, &z) != 0)
		goto out;
	vkey[strlen(vkey) - 1] = '\0';
	if (add_readme(x, &z, size, vkey) != 0 || add_manifest(&z) != 0)
		goto out;
	if (archive_write_close(z.ar) != ARCHIVE_OK) {
		ar_fail(&z, "end");
		goto out;
	}
	rc = 0;
out:
	if (z.ar != NULL)
		archive_write_free(z.ar);
	fclose(z.manifest);
	buf_free(&cp);
	return rc;
}
