/* log.h: the public log kept in the database: entries sealed into the tree and a signed
 * checkpoint at the end of every writer batch, and everything read back from it (checkpoints,
 * proofs, tiles, receipts). Tables in sql/sqlite/0017_log.sql; docs/LEDGER.md. */
#ifndef AGORA_LEDGER_LOG_H
#define AGORA_LEDGER_LOG_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/buf.h"
#include "../util/config.h"
#include "entry.h"
#include "note.h"
#include "tile.h"

/* The server's signing key and what it publishes. */
struct ledger_log {
	struct ledger_signer signer;
	struct ledger_verifier verifier;
	char vkey[LEDGER_KEY_TEXT_MAX];	/* the verifier key's text */
	char path[600];			/* the key file */
};

/* Loads the signing key: the file --log-key names, or DATA/keys/log.key, which is made (mode
 * 0600) the first time with the name "<public URL's host>/log" ("agora.localhost/log" without
 * --public-url). -1 with e set when the file cannot be read or is not a signing key. */
int ledger_log_load(const struct config *c, struct ledger_log *lg, struct err *e);
/* Reads a signing key file (text form, one line). */
int ledger_key_file_read(const char *path, struct ledger_signer *s, struct err *e);
/* Writes a new key file (O_EXCL, 0600, synced). */
int ledger_key_file_write(const char *path, const struct ledger_signer *s, struct err *e);
void ledger_log_wipe(struct ledger_log *lg);

/* A write_fn for writer_set_seal (arg: struct ledger_log): turns log_pending into entries,
 * appends them to the tree and signs a checkpoint, in the batch's transaction. Refuses to sign
 * with a key the log never announced (docs/LEDGER.md, rotating the key). */
int ledger_seal(struct db *db, void *log, struct err *e);

/* An empty write (writer_run(w, ledger_touch, NULL, e)): its batch seals whatever is pending,
 * such as what a migration queued, and signs with a newly announced key. */
int ledger_touch(struct db *db, void *arg, struct err *e);

/* How many events wait to be logged (a data folder from before the log has them all). */
int64_t ledger_pending_count(struct db *db);

/* Reading, on any connection. */
/* The size and root of the latest checkpoint (0 and the empty root before the first). */
int ledger_head(struct db *db, uint64_t *size, unsigned char root[LEDGER_HASH_BYTES],
    struct err *e);
/* The latest checkpoint (size < 0), or the latest one of that size, with the cosignatures
 * received for it, as text in out. ERR_NOTFOUND when there is none. */
int ledger_checkpoint_text(struct db *db, int64_t size, struct buf *out, uint64_t *size_out,
    struct err *e);
/* The verifier key of the latest checkpoint's signer ("" before the first). */
int ledger_current_vkey(struct db *db, char out[LEDGER_KEY_TEXT_MAX], struct err *e);
/* Proofs from the tiles, for trees up to the latest checkpoint's size. On connections that see
 * only committed rows (the server's readers, a command's read-only connection): each thread
 * keeps the tiles it read, which a rolled-back write could otherwise have put there. */
int ledger_inclusion(struct db *db, uint64_t index, uint64_t size, struct ledger_proof *p,
    struct err *e);
int ledger_consistency(struct db *db, uint64_t from, uint64_t to, struct ledger_proof *p,
    struct err *e);
/* Tile (level, index) of width hashes (level -1: the entry bundle) into out; ERR_NOTFOUND
 * when the tree of the latest checkpoint has no such tile that wide. */
int ledger_tile_get(struct db *db, int level, uint64_t index, int width, struct buf *out,
    struct err *e);
/* The entry at index: its bytes (into out), salt and leaf hash. ERR_NOTFOUND when none. */
int ledger_entry_get(struct db *db, uint64_t index, struct buf *out,
    unsigned char salt[LEDGER_SALT_BYTES], int *has_salt, unsigned char leaf[LEDGER_HASH_BYTES],
    struct err *e);

/* The log's part of the receipt of version `version` of response public_id: the
 * fields receipt.h lists, proven against the latest checkpoint; with_secret adds
 * content_sha256 and salt. NULL when the version has no entry yet (e says why). */
json_t *ledger_receipt_json(struct db *db, const char *public_id, int version, int with_secret,
    struct err *e);

/* The commitment of outcome id (rowid): SHA-256(salt || {"addressee","kind","text":{lang: body}}
 * as compact JSON with sorted keys), from its texts as stored. */
int ledger_outcome_commitment(struct db *db, int64_t id, const char *kind, const char *addressee,
    const unsigned char salt[LEDGER_SALT_BYTES], unsigned char out[LEDGER_HASH_BYTES], struct err *e);

/* The rows each kind of entry describes, by rowid ($1; a version also $2): the seal reads them
 * to make entries and `agora log verify --data` to check them. Columns: version (slug, public
 * id, content hash, status, publish_as, name, job title); moderation (slug, public id, version,
 * kind, reason); consultation (slug); revision (symbol, number, file hash); outcome (meeting
 * number, letter, kind, addressee). */
extern const char ledger_sql_version_of[], ledger_sql_moderation_of[], ledger_sql_consultation_of[],
    ledger_sql_revision_of[], ledger_sql_outcome_of[];

/* A tile store over the database (log_tiles), for appending in a transaction or reading. */
void ledger_db_tile_store(struct db *db, struct ledger_tile_store *st);

#endif
