/* log_read.c: the public log read back: checkpoints, proofs, tiles, entries, receipts
 * (log.h). Sealing is in log.c. */
#include "log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_CP_LATEST[] = "SELECT id, size, note FROM log_checkpoints ORDER BY id DESC LIMIT 1";
static const char SQL_CP_SIZE[] =
    "SELECT id, size, note FROM log_checkpoints WHERE size = $1 ORDER BY id DESC LIMIT 1";
static const char SQL_COSIGS[] = "SELECT line FROM log_cosignatures WHERE checkpoint_id = $1 ORDER BY witness";
static const char SQL_ENTRY_GET[] = "SELECT entry, salt, leaf_hash FROM log_entries WHERE idx = $1";
static const char SQL_BUNDLE[] = "SELECT entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx";
static const char SQL_RECEIPT[] =
    "SELECT e.idx, e.entry, e.salt, e.leaf_hash, v.content_sha256 FROM log_entries e "
    "JOIN response_versions v ON v.response_id = e.ref AND v.version = e.ref2 "
    "WHERE e.kind = 'response_version' AND e.ref = (SELECT id FROM responses WHERE public_id = $1) "
    "AND e.ref2 = $2";

/* Tile (level, index) at width from the store over db. */
static int
tile_read(struct db *db, int level, uint64_t index, int width, unsigned char *out)
{
	struct ledger_tile_store st;

	ledger_db_tile_store(db, &st);
	return st.read(st.ctx, level, index, width, out);
}

int
ledger_checkpoint_text(struct db *db, int64_t size, struct buf *out, uint64_t *size_out,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, size < 0 ? SQL_CP_LATEST : SQL_CP_SIZE);
	int64_t id;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "checkpoint");
	if (size >= 0)
		db_bind_int64(st, 1, size);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "the log has no checkpoint of that size")
				     : db_err(db, e, "checkpoint");
	}
	id = db_col_int64(st, 0);
	if (size_out != NULL)
		*size_out = (uint64_t)db_col_int64(st, 1);
	buf_puts(out, db_col_text(st, 2));
	db_done(st);
	if ((st = db_prepare(db, SQL_COSIGS)) == NULL)
		return db_err(db, e, "cosignatures");
	db_bind_int64(st, 1, id);
	while (db_step(st) == DB_ROW) {
		buf_puts(out, db_col_text(st, 0));
		buf_putc(out, '\n');
	}
	db_done(st);
	return out->failed ? err_set(e, ERR_INTERNAL, "out of memory") : 0;
}

/* Each thread keeps one tile reader across requests. A tile of a given width never changes once
 * committed, so the inner levels of the tiles it caches (about 255 hashes each) serve every
 * later proof of a tree in which the tile has that width: the receipts of one batch all share
 * its partial level-0 tile. Only for connections that see committed rows (readers): a tile
 * written in a transaction that then rolled back must never be cached. */
struct thread_tiles {
	struct db *db;
	struct ledger_tile_store st;
	struct ledger_tiles_reader tr;
};
static pthread_key_t tiles_key;
static pthread_once_t tiles_once = PTHREAD_ONCE_INIT;

static void
tiles_key_make(void)
{
	pthread_key_create(&tiles_key, free);
}

static struct ledger_tiles_reader *
thread_reader(struct db *db, uint64_t size)
{
	struct thread_tiles *t;

	pthread_once(&tiles_once, tiles_key_make);
	if ((t = pthread_getspecific(tiles_key)) == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL || pthread_setspecific(tiles_key, t) != 0) {
			free(t);
			return NULL;
		}
	}
	if (t->db != db) {	/* another connection: start afresh */
		t->db = db;
		ledger_db_tile_store(db, &t->st);
		ledger_tiles_reader_init(&t->tr, &t->st, size);
	}
	t->tr.size = size;
	return &t->tr;
}

static int
prove(struct db *db, int consistency, uint64_t a, uint64_t size, struct ledger_proof *p,
    struct err *e)
{
	struct ledger_tiles_reader *tr = thread_reader(db, size);
	struct ledger_hash_reader hr;

	if (tr == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	hr.node = ledger_tiles_node;
	hr.ctx = tr;
	return consistency ? ledger_proof_consistency(&hr, a, size, p, e)
			   : ledger_proof_inclusion(&hr, a, size, p, e);
}

static int
check_size(struct db *db, uint64_t size, struct err *e)
{
	unsigned char root[LEDGER_HASH_BYTES];
	uint64_t head;

	if (ledger_head(db, &head, root, e) != 0)
		return -1;
	if (size > head)
		return err_set(e, ERR_INVALID, "the log has %llu entries, not %llu",
		    (unsigned long long)head, (unsigned long long)size);
	return 0;
}

int
ledger_inclusion(struct db *db, uint64_t index, uint64_t size, struct ledger_proof *p,
    struct err *e)
{
	if (check_size(db, size, e) != 0)
		return -1;
	if (index >= size)
		return err_set(e, ERR_INVALID, "leaf %llu is not in a tree of %llu",
		    (unsigned long long)index, (unsigned long long)size);
	return prove(db, 0, index, size, p, e);
}

int
ledger_consistency(struct db *db, uint64_t from, uint64_t to, struct ledger_proof *p,
    struct err *e)
{
	if (check_size(db, to, e) != 0)
		return -1;
	if (from > to)
		return err_set(e, ERR_INVALID, "from (%llu) is larger than to (%llu)",
		    (unsigned long long)from, (unsigned long long)to);
	return prove(db, 1, from, to, p, e);
}

int
ledger_tile_get(struct db *db, int level, uint64_t index, int width, struct buf *out,
    struct err *e)
{
	unsigned char root[LEDGER_HASH_BYTES];
	uint64_t head;

	if (ledger_head(db, &head, root, e) != 0)
		return -1;
	if (width < 1 || width > LEDGER_TILE_WIDTH || ledger_tile_width(level, index, head) < width)
		return err_set(e, ERR_NOTFOUND, "the log has no such tile");
	if (level < 0) {
		struct db_stmt *st = db_prepare(db, SQL_BUNDLE);
		int n = 0;

		if (st == NULL)
			return db_err(db, e, "entries");
		db_bind_int64(st, 1, (int64_t)(index * LEDGER_TILE_WIDTH));
		db_bind_int64(st, 2, (int64_t)(index * LEDGER_TILE_WIDTH + (uint64_t)width));
		while (db_step(st) == DB_ROW) {
			size_t len = 0;
			const void *p = db_col_blob(st, 0, &len);
			if (ledger_bundle_add(out, p, len) != 0)
				break;
			n++;
		}
		db_done(st);
		return n == width ? 0 : err_set(e, ERR_INTERNAL, "entries are missing from the log");
	}
	if (buf_reserve(out, (size_t)width * LEDGER_HASH_BYTES) != 0 ||
	    tile_read(db, level, index, width, (unsigned char *)out->data + out->len) != 0)
		return err_set(e, ERR_INTERNAL, "tile %d/%llu is missing from the log", level,
		    (unsigned long long)index);
	out->len += (size_t)width * LEDGER_HASH_BYTES;
	return 0;
}

int
ledger_entry_get(struct db *db, uint64_t index, struct buf *out,
    unsigned char salt[LEDGER_SALT_BYTES], int *has_salt, unsigned char leaf[LEDGER_HASH_BYTES],
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ENTRY_GET);
	size_t len = 0;
	const void *p;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "entry");
	db_bind_int64(st, 1, (int64_t)index);
	if ((rc = db_step(st)) == DB_ROW) {
		p = db_col_blob(st, 0, &len);
		buf_add(out, p, len);
		p = db_col_blob(st, 1, &len);
		*has_salt = len == LEDGER_SALT_BYTES;
		if (*has_salt)
			memcpy(salt, p, LEDGER_SALT_BYTES);
		p = db_col_blob(st, 2, &len);
		if (len == LEDGER_HASH_BYTES)
			memcpy(leaf, p, LEDGER_HASH_BYTES);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "the log has no entry %llu", (unsigned long long)index);
	return rc == DB_ROW ? 0 : db_err(db, e, "entry");
}

static json_t *
hex_json(const unsigned char *p)
{
	char hex[2 * LEDGER_HASH_BYTES + 1];

	ledger_hex(p, hex);
	return json_string(hex);
}

json_t *
ledger_receipt_json(struct db *db, const char *public_id, int version, int with_secret,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_RECEIPT);
	unsigned char leaf[LEDGER_HASH_BYTES], salt[LEDGER_SALT_BYTES];
	struct ledger_entry en;
	struct ledger_proof *p;
	char content[2 * LEDGER_HASH_BYTES + 1];
	struct buf cp;
	uint64_t idx, size = 0;
	int has_salt;
	json_t *o, *arr;

	if (st == NULL) {
		db_err(db, e, "receipt");
		return NULL;
	}
	db_bind_text(st, 1, public_id);
	db_bind_int64(st, 2, version);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		err_set(e, ERR_NOTFOUND, "this version is not in the public log yet");
		return NULL;
	}
	{
		size_t len = 0, slen = 0, llen = 0;
		const void *b = db_col_blob(st, 1, &len), *s = db_col_blob(st, 2, &slen),
			   *l = db_col_blob(st, 3, &llen);
		idx = (uint64_t)db_col_int64(st, 0);
		if (ledger_entry_decode(b, len, &en, e) != 0 || llen != LEDGER_HASH_BYTES) {
			db_done(st);
			return NULL;
		}
		memcpy(leaf, l, LEDGER_HASH_BYTES);
		has_salt = slen == LEDGER_SALT_BYTES;
		if (has_salt)
			memcpy(salt, s, LEDGER_SALT_BYTES);
		snprintf(content, sizeof(content), "%s", db_col_text(st, 4));
	}
	db_done(st);
	buf_init(&cp);
	if ((p = malloc(sizeof(*p))) == NULL || ledger_checkpoint_text(db, -1, &cp, &size, e) != 0 ||
	    ledger_inclusion(db, idx, size, p, e) != 0) {
		free(p);
		buf_free(&cp);
		return NULL;
	}
	arr = json_array();
	for (int i = 0; i < p->n; i++)
		json_array_append_new(arr, hex_json(p->hash[i]));
	free(p);
	o = json_pack("{s:I, s:o, s:o, s:o, s:I, s:s}", "leaf_index", (json_int_t)idx, "leaf_hash",
	    hex_json(leaf), "entry", ledger_entry_json(&en), "inclusion_proof", arr, "tree_size",
	    (json_int_t)size, "checkpoint", cp.data ? cp.data : "");
	buf_free(&cp);
	if (o != NULL && with_secret && has_salt) {
		json_object_set_new(o, "content_sha256", json_string(content));
		json_object_set_new(o, "salt", hex_json(salt));
	}
	return o;
}
