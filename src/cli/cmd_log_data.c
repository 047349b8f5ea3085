/* cmd_log_data.c: `agora log verify --data`, `agora log keygen`, `agora log rotate-key`: the
 * log checked against the stored rows, and its signing keys (docs/LEDGER.md). */
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../domain/response.h"
#include "../ledger/log.h"
#include "../util/clock.h"
#include "cli.h"
#include "log_cmds.h"

#define MAX_KEYS 64
#define SHOW_PROBLEMS 20

static const char SQL_ENTRIES[] =
    "SELECT idx, kind, ref, ref2, entry, salt, leaf_hash FROM log_entries ORDER BY idx";
static const char SQL_KEYS[] = "SELECT vkey FROM log_keys ORDER BY id";
static const char SQL_CHECKPOINTS[] = "SELECT id, size, root, vkey, note FROM log_checkpoints ORDER BY id";
static const char SQL_TILE[] = "SELECT width, data FROM log_tiles WHERE level = $1 AND idx = $2";
static const char SQL_TILE_COUNT[] = "SELECT COUNT(*) FROM log_tiles";
static const char SQL_PENDING_COUNT[] = "SELECT COUNT(*) FROM log_pending";
/* What happened but is in neither the log nor its queue: dropped. */
static const char SQL_UNLOGGED_VERSIONS[] =
    "SELECT r.public_id, v.version FROM response_versions v JOIN responses r ON r.id = v.response_id "
    "WHERE NOT EXISTS (SELECT 1 FROM log_entries e WHERE e.kind = 'response_version' "
    "AND e.ref = v.response_id AND e.ref2 = v.version) "
    "AND NOT EXISTS (SELECT 1 FROM log_pending p WHERE p.kind = 'response_version' "
    "AND p.ref = v.response_id AND p.ref2 = v.version) ORDER BY v.response_id, v.version";
static const char SQL_UNLOGGED_EVENTS[] =
    "SELECT r.public_id, m.kind, m.version FROM moderation_events m JOIN responses r ON r.id = m.response_id "
    "WHERE m.kind IN ('published', 'withheld', 'redacted', 'corrected', 'erased', 'withdrawn') "
    "AND NOT EXISTS (SELECT 1 FROM log_entries e WHERE e.kind = 'moderation' AND e.ref = m.id) "
    "AND NOT EXISTS (SELECT 1 FROM log_pending p WHERE p.kind = 'moderation' AND p.ref = m.id) "
    "ORDER BY m.id";

struct verify {
	struct db *db;
	int tty;
	long problems;
	struct ledger_hashes leaves;	/* every entry's leaf hash, in order */
	char keys[MAX_KEYS][LEDGER_KEY_TEXT_MAX];
	int nkeys;
	uint64_t rotation[MAX_KEYS];	/* the index of each rotation entry, in order */
	int nrot;
	long count[8], erased, retained;
};

static void __attribute__((format(printf, 2, 3)))
problem(struct verify *v, const char *fmt, ...)
{
	va_list ap;

	if (++v->problems > SHOW_PROBLEMS)
		return;
	if (v->tty)
		fputc('\n', stdout);
	fputs("MISMATCH: ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void
progress(struct verify *v, const char *what, uint64_t done, uint64_t total)
{
	if (v->tty && (done % 5000 == 0 || done == total))
		fprintf(stderr, "\r%s: %llu/%llu   ", what, (unsigned long long)done,
			(unsigned long long)total);
}

static struct db_stmt *
lookup(struct db *db, const char *sql, int64_t a, int64_t b, int nb)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return NULL;
	db_bind_int64(st, 1, a);
	if (nb > 1)
		db_bind_int64(st, 2, b);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return NULL;
	}
	return st;
}

static void
check_version(struct verify *v, uint64_t idx, const struct ledger_entry *en, int64_t ref,
	      int64_t ref2, const unsigned char *salt, size_t salt_len)
{
	struct db_stmt *st = lookup(v->db, ledger_sql_version_of, ref, ref2, 2);
	unsigned char content[LEDGER_HASH_BYTES], commit[LEDGER_HASH_BYTES];
	char stored[BLOB_HEX_LEN], again[BLOB_HEX_LEN];
	int erased, retained;
	struct arena *a;
	struct err e;

	if (st == NULL) {
		problem(v, "entry %llu: response %s version %u is missing from the database",
			(unsigned long long)idx, en->b, en->number);
		return;
	}
	if (strcmp(db_col_text(st, 1), en->b) != 0 || strcmp(db_col_text(st, 0), en->a) != 0 ||
	    (int64_t)en->number != ref2)
		problem(v, "entry %llu: logged as response %s version %u of %s, stored as %s version %lld of %s",
			(unsigned long long)idx, en->b, en->number, en->a, db_col_text(st, 1),
			(long long)ref2, db_col_text(st, 0));
	snprintf(stored, sizeof(stored), "%s", db_col_text(st, 2));
	erased = strcmp(db_col_text(st, 3), "erased") == 0;
	retained = strcmp(db_col_text(st, 4), "anonymous") == 0 && db_col_text(st, 5)[0] == '\0' &&
		   db_col_text(st, 6)[0] == '\0';
	db_done(st);
	if (salt_len != LEDGER_SALT_BYTES || ledger_unhex(stored, content) != 0) {
		problem(v, "entry %llu: response %s version %u has no salt or content hash",
			(unsigned long long)idx, en->b, en->number);
		return;
	}
	ledger_commitment(salt, content, sizeof(content), commit);
	if (memcmp(commit, en->hash, LEDGER_HASH_BYTES) != 0) {
		problem(v, "entry %llu: response %s version %u: the stored content hash is not the one "
			"logged", (unsigned long long)idx, en->b, en->number);
		return;
	}
	if (erased) {	/* content removed at the respondent's request: the entry stays */
		v->erased++;
		return;
	}
	if ((a = arena_new()) == NULL || response_content_hash_stored(v->db, a, ref, (int)ref2, again, &e) != 0) {
		problem(v, "entry %llu: response %s version %u cannot be read again", (unsigned long long)idx,
			en->b, en->number);
	} else if (strcmp(again, stored) != 0) {
		if (retained)	/* the retention rule removed an anonymous respondent's name */
			v->retained++;
		else
			problem(v, "entry %llu: response %s version %u (consultation %s): the stored content "
				"differs from what was logged", (unsigned long long)idx, en->b, en->number, en->a);
	}
	arena_free(a);
}

static void
check_moderation(struct verify *v, uint64_t idx, const struct ledger_entry *en, int64_t ref,
		 const unsigned char *salt, size_t salt_len)
{
	struct db_stmt *st = lookup(v->db, ledger_sql_moderation_of, ref, 0, 1);
	unsigned char commit[LEDGER_HASH_BYTES];

	if (st == NULL) {
		problem(v, "entry %llu: the %s of response %s is missing from the database",
			(unsigned long long)idx, ledger_action_name(en->small), en->b);
		return;
	}
	if (strcmp(db_col_text(st, 1), en->b) != 0 || strcmp(db_col_text(st, 0), en->a) != 0 ||
	    db_col_int64(st, 2) != en->number || ledger_action_from_name(db_col_text(st, 3)) != en->small)
		problem(v, "entry %llu: logged as %s of response %s version %u, stored as %s of %s version %lld",
			(unsigned long long)idx, ledger_action_name(en->small), en->b, en->number,
			db_col_text(st, 3), db_col_text(st, 1), (long long)db_col_int64(st, 2));
	if (salt_len == LEDGER_SALT_BYTES) {
		ledger_commitment(salt, db_col_text(st, 4), strlen(db_col_text(st, 4)), commit);
		if (memcmp(commit, en->hash, LEDGER_HASH_BYTES) != 0)
			problem(v, "entry %llu: the reason stored for the %s of response %s differs from the "
				"one logged", (unsigned long long)idx, ledger_action_name(en->small), en->b);
	} else {
		problem(v, "entry %llu: a moderation entry without its salt", (unsigned long long)idx);
	}
	db_done(st);
}

static void
check_other(struct verify *v, uint64_t idx, const struct ledger_entry *en, int64_t ref,
	    const unsigned char *salt, size_t salt_len)
{
	unsigned char h[LEDGER_HASH_BYTES];
	struct db_stmt *st;
	struct err e;

	switch (en->kind) {
	case LEDGER_CONSULTATION:
		if ((st = lookup(v->db, ledger_sql_consultation_of, ref, 0, 1)) == NULL) {
			problem(v, "entry %llu: consultation %s is missing from the database",
				(unsigned long long)idx, en->a);
			return;
		}
		if (strcmp(db_col_text(st, 0), en->a) != 0)
			problem(v, "entry %llu: logged as consultation %s, stored as %s", (unsigned long long)idx,
				en->a, db_col_text(st, 0));
		db_done(st);
		return;
	case LEDGER_DOCUMENT_REVISION:
		if ((st = lookup(v->db, ledger_sql_revision_of, ref, 0, 1)) == NULL) {
			problem(v, "entry %llu: document %s revision %u is missing from the database",
				(unsigned long long)idx, en->a, en->number);
			return;
		}
		if (strcmp(db_col_text(st, 0), en->a) != 0 || db_col_int64(st, 1) != en->number ||
		    ledger_unhex(db_col_text(st, 2), h) != 0 || memcmp(h, en->hash, LEDGER_HASH_BYTES) != 0)
			problem(v, "entry %llu: document %s revision %u: the stored file hash differs from the "
				"one logged", (unsigned long long)idx, en->a, en->number);
		db_done(st);
		return;
	case LEDGER_OUTCOME: {
		char kind[32], addressee[32];
		if ((st = lookup(v->db, ledger_sql_outcome_of, ref, 0, 1)) == NULL) {
			problem(v, "entry %llu: outcome %u(%s) is missing from the database",
				(unsigned long long)idx, en->number, en->b);
			return;
		}
		if (db_col_int64(st, 0) != en->number || strcmp(db_col_text(st, 1), en->b) != 0)
			problem(v, "entry %llu: logged as outcome %u(%s), stored as %lld(%s)", (unsigned long long)idx,
				en->number, en->b, (long long)db_col_int64(st, 0), db_col_text(st, 1));
		snprintf(kind, sizeof(kind), "%s", db_col_text(st, 2));
		snprintf(addressee, sizeof(addressee), "%s", db_col_text(st, 3));
		db_done(st);
		if (salt_len != LEDGER_SALT_BYTES ||
		    ledger_outcome_commitment(v->db, ref, kind, addressee, salt, h, &e) != 0 ||
		    memcmp(h, en->hash, LEDGER_HASH_BYTES) != 0)
			problem(v, "entry %llu: the text of outcome %u(%s) differs from the one logged",
				(unsigned long long)idx, en->number, en->b);
		return;
	}
	case LEDGER_KEY_ROTATION: {
		struct ledger_verifier oldk, newk;
		char *msg = ledger_rotation_message(en->a, en->b);
		int good = msg != NULL && ledger_verifier_parse(en->a, &oldk, &e) == 0 &&
			   ledger_verifier_parse(en->b, &newk, &e) == 0 &&
			   crypto_sign_verify_detached(en->sig[0], (unsigned char *)msg, strlen(msg), oldk.pub) == 0 &&
			   crypto_sign_verify_detached(en->sig[1], (unsigned char *)msg, strlen(msg), newk.pub) == 0;
		free(msg);
		if (!good)
			problem(v, "entry %llu: the key rotation's signatures do not verify", (unsigned long long)idx);
		if (v->nrot >= v->nkeys - 1 || strcmp(v->keys[v->nrot], en->a) != 0 ||
		    strcmp(v->keys[v->nrot + 1], en->b) != 0)
			problem(v, "entry %llu: the key rotation does not match the log's keys in order",
				(unsigned long long)idx);
		if (v->nrot < MAX_KEYS)
			v->rotation[v->nrot++] = idx;
		return;
	}
	}
}

/* Phase 1: every entry, against its leaf hash and the stored rows. */
static int
check_entries(struct verify *v, uint64_t total)
{
	struct db_stmt *st = db_prepare(v->db, SQL_ENTRIES);
	struct buf again;

	if (st == NULL)
		return -1;
	buf_init(&again);
	while (db_step(st) == DB_ROW) {
		uint64_t idx = (uint64_t)db_col_int64(st, 0);
		size_t len = 0, salt_len = 0, leaf_len = 0;
		const unsigned char *bytes = db_col_blob(st, 4, &len);
		const unsigned char *salt = db_col_blob(st, 5, &salt_len), *leaf = db_col_blob(st, 6, &leaf_len);
		unsigned char h[LEDGER_HASH_BYTES];
		struct ledger_entry en;
		struct err e;

		progress(v, "Entries", idx + 1, total);
		if (idx != v->leaves.n) {
			problem(v, "entry %llu is missing (the next stored entry is %llu)",
				(unsigned long long)v->leaves.n, (unsigned long long)idx);
			break;
		}
		ledger_hash_leaf(bytes, len, h);
		if (leaf_len != LEDGER_HASH_BYTES || memcmp(h, leaf, LEDGER_HASH_BYTES) != 0)
			problem(v, "entry %llu: its bytes do not hash to its stored leaf hash", (unsigned long long)idx);
		if (ledger_hashes_add(&v->leaves, h) != 0) {
			db_done(st);
			buf_free(&again);
			return -1;
		}
		if (ledger_entry_decode(bytes, len, &en, &e) != 0) {
			problem(v, "entry %llu cannot be read: %s", (unsigned long long)idx, e.msg);
			continue;
		}
		buf_reset(&again);
		if (ledger_entry_encode(&en, &again, &e) != 0 || again.len != len ||
		    memcmp(again.data, bytes, len) != 0 ||
		    strcmp(ledger_kind_name(en.kind), db_col_text(st, 1)) != 0) {
			problem(v, "entry %llu is not in its canonical form or not of its stored kind",
				(unsigned long long)idx);
			continue;
		}
		v->count[en.kind]++;
		if (en.kind == LEDGER_RESPONSE_VERSION)
			check_version(v, idx, &en, db_col_int64(st, 2), db_col_int64(st, 3), salt, salt_len);
		else if (en.kind == LEDGER_MODERATION)
			check_moderation(v, idx, &en, db_col_int64(st, 2), salt, salt_len);
		else
			check_other(v, idx, &en, db_col_int64(st, 2), salt, salt_len);
	}
	db_done(st);
	buf_free(&again);
	return 0;
}

/* Phase 2: every tile of the tree, against the tree rebuilt from the entries. */
static long
check_tiles(struct verify *v, struct ledger_flat *flat)
{
	long expected = 0, stored = 0;
	struct db_stmt *st;

	for (int level = 0; v->leaves.n > 0 && (v->leaves.n >> (8 * level)) > 0; level++)
		for (uint64_t i = 0;; i++) {
			int w = ledger_tile_width(level, i, v->leaves.n);
			size_t len = 0;
			const unsigned char *data;

			if (w == 0)
				break;
			expected++;
			if ((st = lookup(v->db, SQL_TILE, level, (int64_t)i, 2)) == NULL) {
				problem(v, "tile %d/%llu is missing", level, (unsigned long long)i);
				continue;
			}
			data = db_col_blob(st, 1, &len);
			if (db_col_int64(st, 0) != w || len != (size_t)w * LEDGER_HASH_BYTES) {
				problem(v, "tile %d/%llu has width %lld, the tree wants %d", level,
					(unsigned long long)i, (long long)db_col_int64(st, 0), w);
			} else {
				for (int k = 0; k < w; k++) {
					unsigned char h[LEDGER_HASH_BYTES];
					struct err e;
					if (ledger_flat_node(flat, 8 * level, i * LEDGER_TILE_WIDTH + (uint64_t)k, h, &e) != 0 ||
					    memcmp(h, data + (size_t)k * LEDGER_HASH_BYTES, LEDGER_HASH_BYTES) != 0) {
						problem(v, "tile %d/%llu, hash %d, differs from the tree rebuilt from the "
							"entries", level, (unsigned long long)i, k);
						break;
					}
				}
			}
			db_done(st);
		}
	if ((st = db_prepare(v->db, SQL_TILE_COUNT)) != NULL) {
		if (db_step(st) == DB_ROW)
			stored = (long)db_col_int64(st, 0);
		db_done(st);
	}
	if (stored != expected)
		problem(v, "%ld tiles are stored, the tree of %llu entries has %ld", stored,
			(unsigned long long)v->leaves.n, expected);
	return expected;
}

/* Which keys may sign a checkpoint of size: the one after the last rotation before it, or the
 * one before a rotation that is its last entry (its checkpoint is the old key's last). */
static int
key_allowed(const struct verify *v, uint64_t size, const char *vkey)
{
	int j = 0;

	while (j < v->nrot && v->rotation[j] < size)
		j++;
	if (j < v->nkeys && strcmp(v->keys[j], vkey) == 0)
		return 1;
	return j > 0 && v->rotation[j - 1] == size - 1 && strcmp(v->keys[j - 1], vkey) == 0;
}

/* Phase 3: every checkpoint: its root, its signature, its key. */
static long
check_checkpoints(struct verify *v, struct ledger_flat *flat)
{
	struct db_stmt *st = db_prepare(v->db, SQL_CHECKPOINTS);
	struct ledger_hash_reader hr = { ledger_flat_node, flat };
	uint64_t last = 0;
	long count = 0;

	if (st == NULL)
		return -1;
	while (db_step(st) == DB_ROW) {
		uint64_t size = (uint64_t)db_col_int64(st, 1);
		const char *vkey = db_col_text(st, 3), *note = db_col_text(st, 4);
		unsigned char root[LEDGER_HASH_BYTES];
		struct ledger_checkpoint cp;
		struct ledger_verifier k;
		size_t len = 0;
		const void *stored_root = db_col_blob(st, 2, &len);
		struct err e;

		count++;
		if (size < last)
			problem(v, "checkpoint %lld: the tree shrank from %llu to %llu", (long long)db_col_int64(st, 0),
				(unsigned long long)last, (unsigned long long)size);
		last = size;
		if (size > v->leaves.n) {
			problem(v, "checkpoint of size %llu: the log has only %llu entries", (unsigned long long)size,
				(unsigned long long)v->leaves.n);
			continue;
		}
		if (ledger_tree_root(&hr, size, root, &e) != 0 || len != LEDGER_HASH_BYTES ||
		    memcmp(root, stored_root, LEDGER_HASH_BYTES) != 0) {
			problem(v, "checkpoint of size %llu: its root is not the root of the first %llu entries",
				(unsigned long long)size, (unsigned long long)size);
			continue;
		}
		if (ledger_verifier_parse(vkey, &k, &e) != 0 ||
		    ledger_checkpoint_open(note, strlen(note), &k, k.name, &cp, &e) != 0) {
			problem(v, "checkpoint of size %llu: its signature does not verify with %s: %s",
				(unsigned long long)size, vkey, e.msg);
			continue;
		}
		if (cp.size != size || memcmp(cp.root, root, LEDGER_HASH_BYTES) != 0)
			problem(v, "checkpoint of size %llu: the signed note says size %llu with another root",
				(unsigned long long)size, (unsigned long long)cp.size);
		if (!key_allowed(v, size, vkey))
			problem(v, "checkpoint of size %llu is signed by %s, not the key the log had then",
				(unsigned long long)size, vkey);
	}
	db_done(st);
	if (last != v->leaves.n)
		problem(v, "the last checkpoint covers %llu entries of %llu", (unsigned long long)last,
			(unsigned long long)v->leaves.n);
	return count;
}

/* Phase 4: what happened but was never logged. */
static void
check_unlogged(struct verify *v)
{
	struct db_stmt *st = db_prepare(v->db, SQL_UNLOGGED_VERSIONS);

	while (st != NULL && db_step(st) == DB_ROW)
		problem(v, "response %s version %lld is stored but not in the log", db_col_text(st, 0),
			(long long)db_col_int64(st, 1));
	if (st != NULL)
		db_done(st);
	st = db_prepare(v->db, SQL_UNLOGGED_EVENTS);
	while (st != NULL && db_step(st) == DB_ROW)
		problem(v, "the %s of response %s version %lld is stored but not in the log",
			db_col_text(st, 1), db_col_text(st, 0), (long long)db_col_int64(st, 2));
	if (st != NULL)
		db_done(st);
}

static int64_t
count_of(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t n = 0;

	if (st != NULL && db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	if (st != NULL)
		db_done(st);
	return n;
}

static const char SQL_COUNT_ENTRIES[] = "SELECT COUNT(*) FROM log_entries";

int
log_verify_data(int argc, char **argv, struct config *c)
{
	int rc = cli_parse(argc, argv, c, "log", NULL, NULL, NULL, NULL, NULL, 0);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	return log_verify_folder(c);
}

int
log_verify_folder(struct config *c)
{
	struct verify *v;
	struct ledger_flat *flat = NULL;
	struct db_stmt *st;
	char url[600];
	struct err e;
	long tiles, checkpoints;
	int64_t pending;
	int rc;

	/* with --db the rows are all it reads (the keys it checks against are rows too), so no data
	 * folder is needed: migrate-store verifies its target this way */
	if (!c->db[0] && !cli_is_data_folder(c->data)) {
		fprintf(stderr, "agora log verify: %s is not a data folder\n", c->data);
		return 1;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return 1;
	v->tty = isatty(2);
	config_db_url(c, url, sizeof(url));
	if (db_open(url, DB_READONLY, &v->db, &e) != 0) {
		fprintf(stderr, "agora log verify: %s\n", e.msg);
		free(v);
		return 1;
	}
	/* One snapshot for every read: against a serving server, statements each seeing the rows of
	 * their own moment found batches committed between two of them as mismatches. */
	if (db_exec(v->db, db_is_postgres(v->db) ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
						 : "BEGIN", &e) != 0) {
		fprintf(stderr, "agora log verify: %s\n", e.msg);
		db_close(v->db);
		free(v);
		return 1;
	}
	if ((st = db_prepare(v->db, SQL_KEYS)) == NULL) {
		fprintf(stderr, "agora log verify: this database has no public log (run any command that "
			"opens it, such as 'agora serve', to migrate it)\n");
		db_close(v->db);
		free(v);
		return 1;
	}
	while (db_step(st) == DB_ROW && v->nkeys < MAX_KEYS)
		snprintf(v->keys[v->nkeys++], LEDGER_KEY_TEXT_MAX, "%s", db_col_text(st, 0));
	db_done(st);
	if (check_entries(v, (uint64_t)count_of(v->db, SQL_COUNT_ENTRIES)) != 0 ||
	    (v->leaves.n > 0 && (flat = ledger_flat_new((const unsigned char (*)[LEDGER_HASH_BYTES])v->leaves.h, v->leaves.n)) == NULL)) {
		fprintf(stderr, "agora log verify: out of memory or a database error\n");
		db_close(v->db);
		free(v->leaves.h);
		free(v);
		return 1;
	}
	if (v->tty)
		fprintf(stderr, "\rChecking tiles and checkpoints...          ");
	tiles = flat ? check_tiles(v, flat) : 0;
	if (flat == NULL) {
		unsigned char empty[LEDGER_HASH_BYTES];
		flat = ledger_flat_new((const unsigned char (*)[LEDGER_HASH_BYTES])empty, 0);
	}
	checkpoints = flat ? check_checkpoints(v, flat) : -1;
	check_unlogged(v);
	pending = count_of(v->db, SQL_PENDING_COUNT);
	if (v->tty)
		fputc('\n', stderr);
	printf("%llu entries: %ld response versions, %ld moderation decisions, %ld consultation "
	       "openings and closings, %ld document revisions, %ld outcomes, %ld key rotations\n",
	       (unsigned long long)v->leaves.n, v->count[1], v->count[2], v->count[3], v->count[4], v->count[5],
	       v->count[6]);
	printf("%ld tiles and %ld checkpoints checked; signed by %d key%s\n", tiles, checkpoints,
	       v->nkeys, v->nkeys == 1 ? "" : "s");
	if (v->erased)
		printf("%ld versions erased at their respondents' request: their entries stay, their content "
		       "is gone and cannot be compared\n", v->erased);
	if (v->retained)
		printf("%ld anonymous versions whose name the retention rule removed: their content cannot be "
		       "compared\n", v->retained);
	if (pending)
		printf("%lld events wait to be logged by the next write\n", (long long)pending);
	if (v->problems > SHOW_PROBLEMS)
		printf("... and %ld more mismatches\n", v->problems - SHOW_PROBLEMS);
	printf(v->problems ? "FAILED: %ld mismatches\n" : "OK: the log and the stored rows agree\n",
	       v->problems);
	rc = v->problems ? 1 : 0;
	ledger_flat_free(flat);
	db_close(v->db);
	free(v->leaves.h);
	free(v);
	return rc;
}

/* --- keys ------------------------------------------------------------------------------ */

int
log_keygen(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--name", "--out", NULL };
	const char *vals[2] = { NULL, NULL };
	int rc = cli_parse(argc, argv, c, "log", NULL, NULL, opts, vals, NULL, 0);
	struct ledger_signer s;
	struct ledger_verifier v;
	char text[LEDGER_KEY_TEXT_MAX];
	struct err e;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (vals[0] == NULL || vals[1] == NULL) {
		fprintf(stderr, "agora log keygen: --name NAME and --out FILE are required\n");
		return EXIT_USAGE;
	}
	if (ledger_key_generate(vals[0], &s, &e) != 0 || ledger_key_file_write(vals[1], &s, &e) != 0) {
		fprintf(stderr, "agora log keygen: %s\n", e.msg);
		sodium_memzero(&s, sizeof(s));
		return 1;
	}
	ledger_signer_verifier(&s, &v);
	sodium_memzero(&s, sizeof(s));
	ledger_verifier_text(&v, text);
	printf("%s\n", text);
	return 0;
}

static int
queue_rotation(struct db *db, void *arg, struct err *e)
{
	static const char sql[] = "INSERT INTO log_pending (kind, ref, payload) VALUES ('key_rotation', 0, $1)";
	struct buf *b = arg;
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "log queue");
	db_bind_blob(st, 1, b->data, b->len);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "log queue");
}

int
log_rotate_key(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--new-key", NULL };
	const char *vals[1] = { NULL };
	int rc = cli_parse(argc, argv, c, "log", NULL, NULL, opts, vals, NULL, 0);
	struct ledger_signer next;
	struct ledger_verifier nv;
	struct ledger_entry en;
	struct cli_store s;
	struct buf b;
	struct err e;
	char *msg;
	uint64_t size;
	unsigned char root[LEDGER_HASH_BYTES];

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (vals[0] == NULL) {
		fprintf(stderr, "agora log rotate-key: --new-key FILE is required (make one with 'agora log keygen')\n");
		return EXIT_USAGE;
	}
	if (ledger_key_file_read(vals[0], &next, &e) != 0) {
		fprintf(stderr, "agora log rotate-key: %s\n", e.msg);
		return 1;
	}
	if (cli_store_open(c, &s) != 0) {
		sodium_memzero(&next, sizeof(next));
		return 1;
	}
	ledger_signer_verifier(&next, &nv);
	memset(&en, 0, sizeof(en));
	en.kind = LEDGER_KEY_ROTATION;
	en.time = clock_now();
	snprintf(en.a, sizeof(en.a), "%s", s.log.vkey);
	ledger_verifier_text(&nv, en.b);
	if (strcmp(en.a, en.b) == 0) {
		fprintf(stderr, "agora log rotate-key: %s is the key the log already uses\n", vals[0]);
		sodium_memzero(&next, sizeof(next));
		cli_store_close(&s);
		return 1;
	}
	if ((msg = ledger_rotation_message(en.a, en.b)) == NULL) {
		sodium_memzero(&next, sizeof(next));
		cli_store_close(&s);
		return 1;
	}
	crypto_sign_detached(en.sig[0], NULL, (unsigned char *)msg, strlen(msg), s.log.signer.sec);
	crypto_sign_detached(en.sig[1], NULL, (unsigned char *)msg, strlen(msg), next.sec);
	free(msg);
	sodium_memzero(&next, sizeof(next));
	buf_init(&b);
	if (ledger_entry_encode(&en, &b, &e) != 0 || writer_run(s.writer, queue_rotation, &b, &e) != 0) {
		fprintf(stderr, "agora log rotate-key: %s\n", e.msg);
		buf_free(&b);
		cli_store_close(&s);
		return 1;
	}
	buf_free(&b);
	cli_store_close(&s);
	{
		struct db *db;
		char url[600];
		config_db_url(c, url, sizeof(url));
		if (db_open(url, DB_READONLY, &db, &e) == 0) {
			ledger_head(db, &size, root, &e);
			db_close(db);
			printf("Logged the rotation as entry %llu, in the checkpoint of size %llu signed by the old key.\n",
			       (unsigned long long)(size - 1), (unsigned long long)size);
		}
	}
	printf("The log now refuses the old key. On every server, set --log-key %s (or put it in\n"
	       "DATA/keys/log.key), restart, and publish the new verifier key:\n%s\n", vals[0], en.b);
	return 0;
}
