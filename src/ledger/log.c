/* log.c: the public log in the database: keys, tiles in rows, and sealing each writer batch
 * (log.h). Reading it back is in log_read.c. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/writer.h"
#include "../util/clock.h"
#include "../util/log.h"

static const char SQL_KEY_LAST[] = "SELECT vkey FROM log_keys ORDER BY id DESC LIMIT 1";
static const char SQL_KEY_ADD[] = "INSERT INTO log_keys (vkey, from_size, added_at) VALUES ($1, $2, $3)";
static const char SQL_PENDING[] = "SELECT id, kind, ref, ref2, payload FROM log_pending ORDER BY id";
static const char SQL_PENDING_DONE[] = "DELETE FROM log_pending WHERE id <= $1";
/* PostgreSQL: the queue is taken by deleting it, so exactly the rows read are the rows removed.
 * "id <= last" would not do there: an identity value is drawn at INSERT, not at COMMIT, so a
 * transaction still running may hold a smaller id than a row already committed, and its row,
 * committed after this seal, would be deleted by the next one without ever being logged. Rows
 * of transactions still running are invisible to the DELETE and stay for their own seal. */
static const char SQL_PENDING_TAKE[] =
    "DELETE FROM log_pending RETURNING id, kind, ref, ref2, payload";
static const char SQL_PENDING_ANY[] = "SELECT 1 FROM log_pending LIMIT 1";
/* The log's lock on PostgreSQL: a transaction-level advisory lock, held to the batch's commit or
 * rollback, so the seals of several servers append one after another (LEDGER.md, "Several
 * servers"). The writer took it already at the batch's start (writer.h): taking it again is
 * free, and keeps the seal right whoever runs it. */
static const char SQL_LOG_LOCK[] = "SELECT pg_advisory_xact_lock(CAST($1 AS BIGINT))";
static const char SQL_NEXT_IDX[] = "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries";
static const char SQL_ENTRY_ADD[] =
    "INSERT INTO log_entries (idx, kind, ref, ref2, entry, salt, leaf_hash, logged_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_HEAD[] =
    "SELECT size, root, vkey FROM log_checkpoints ORDER BY id DESC LIMIT 1";
static const char SQL_CP_ADD[] =
    "INSERT INTO log_checkpoints (size, root, vkey, note, signed_at) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_TILE_GET[] = "SELECT width, data FROM log_tiles WHERE level = $1 AND idx = $2";
static const char SQL_TILE_PUT[] =
    "INSERT INTO log_tiles (level, idx, width, data) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, data = excluded.data";

/* The rows an entry describes, by rowid (log.h): the seal reads them to make the entry,
 * `agora log verify` to check it. */
const char ledger_sql_version_of[] =
    "SELECT c.slug, r.public_id, v.content_sha256, r.status, v.publish_as, v.name, v.job_title "
    "FROM response_versions v JOIN responses r ON r.id = v.response_id "
    "JOIN consultations c ON c.id = r.consultation_id WHERE v.response_id = $1 AND v.version = $2";
const char ledger_sql_moderation_of[] =
    "SELECT c.slug, r.public_id, m.version, m.kind, m.reason FROM moderation_events m "
    "JOIN responses r ON r.id = m.response_id JOIN consultations c ON c.id = r.consultation_id "
    "WHERE m.id = $1";
const char ledger_sql_consultation_of[] = "SELECT slug FROM consultations WHERE id = $1";
const char ledger_sql_revision_of[] =
    "SELECT d.symbol, r.number, r.sha256 FROM document_revisions r "
    "JOIN documents d ON d.id = r.document_id WHERE r.id = $1";
const char ledger_sql_outcome_of[] =
    "SELECT m.number, o.letter, o.kind, o.addressee FROM outcomes o "
    "JOIN meetings m ON m.id = o.meeting_id WHERE o.id = $1";
static const char SQL_OUTCOME_TEXTS[] =
    "SELECT language, body FROM texts WHERE thing = 'outcome' AND thing_id = $1 AND field = 'text' "
    "ORDER BY language";

/* --- keys ------------------------------------------------------------------------------ */

int
ledger_key_file_read(const char *path, struct ledger_signer *s, struct err *e)
{
	char text[LEDGER_KEY_TEXT_MAX + 2];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return err_set(e, ERR_INTERNAL, "cannot read the log key %s: %s", path, strerror(errno));
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	if (ledger_signer_parse(text, s, e) != 0) {
		sodium_memzero(text, sizeof(text));
		return err_set(e, ERR_INVALID, "%s is not a log signing key (PRIVATE+KEY+name+id+key): %s",
		    path, e ? e->msg : "");
	}
	sodium_memzero(text, sizeof(text));
	return 0;
}

int
ledger_key_file_write(const char *path, const struct ledger_signer *s, struct err *e)
{
	char text[LEDGER_KEY_TEXT_MAX + 1];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600), ok;
	size_t n;

	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "cannot create %s: %s", path, strerror(errno));
	ledger_signer_text(s, text);
	n = strlen(text);
	text[n++] = '\n';
	ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
	sodium_memzero(text, sizeof(text));
	if (close(fd) != 0 || !ok)
		return err_set(e, ERR_INTERNAL, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* "<host>/log" from the public URL: scheme and path dropped. */
static void
default_name(const struct config *c, char out[LEDGER_KEY_NAME_MAX])
{
	const char *h = strstr(c->public_url, "://");
	size_t n;

	h = h ? h + 3 : c->public_url;
	n = strcspn(h, "/?# +");
	if (n == 0 || n > LEDGER_KEY_NAME_MAX - 8) {
		snprintf(out, LEDGER_KEY_NAME_MAX, "agora.localhost/log");
		return;
	}
	snprintf(out, LEDGER_KEY_NAME_MAX, "%.*s/log", (int)n, h);
}

int
ledger_log_load(const struct config *c, struct ledger_log *lg, struct err *e)
{
	memset(lg, 0, sizeof(*lg));
	if (c->log_key[0]) {
		snprintf(lg->path, sizeof(lg->path), "%s", c->log_key);
	} else {
		char dir[600], name[LEDGER_KEY_NAME_MAX];
		struct ledger_signer s;

		snprintf(dir, sizeof(dir), "%s/keys", c->data);
		snprintf(lg->path, sizeof(lg->path), "%s/keys/log.key", c->data);
		if (access(lg->path, F_OK) != 0) {
			default_name(c, name);
			if ((mkdir(dir, 0700) != 0 && errno != EEXIST) ||
			    ledger_key_generate(name, &s, e) != 0)
				return err_set(e, ERR_INTERNAL, "cannot make the log key in %s", dir);
			if (ledger_key_file_write(lg->path, &s, e) != 0 && errno != EEXIST) {
				sodium_memzero(&s, sizeof(s));
				return -1;
			}
			sodium_memzero(&s, sizeof(s));
			log_info("msg=\"made the public log's signing key\" path=\"%s\" name=\"%s\"", lg->path, name);
		}
	}
	if (ledger_key_file_read(lg->path, &lg->signer, e) != 0)
		return -1;
	ledger_signer_verifier(&lg->signer, &lg->verifier);
	ledger_verifier_text(&lg->verifier, lg->vkey);
	return 0;
}

void
ledger_log_wipe(struct ledger_log *lg)
{
	sodium_memzero(lg, sizeof(*lg));
}

/* --- tiles in the database --------------------------------------------------------------- */

static int
db_tile_read(void *ctx, int level, uint64_t index, int width, unsigned char *out)
{
	struct db_stmt *st = db_prepare(ctx, SQL_TILE_GET);
	size_t len = 0;
	const void *p;
	int rc = -1;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, level);
	db_bind_int64(st, 2, (int64_t)index);
	if (db_step(st) == DB_ROW && db_col_int64(st, 0) >= width &&
	    (p = db_col_blob(st, 1, &len)) != NULL && len >= (size_t)width * LEDGER_HASH_BYTES) {
		memcpy(out, p, (size_t)width * LEDGER_HASH_BYTES);
		rc = 0;
	}
	db_done(st);
	return rc;
}

static int
db_tile_write(void *ctx, int level, uint64_t index, int width, const unsigned char *data)
{
	struct db_stmt *st = db_prepare(ctx, SQL_TILE_PUT);

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, level);
	db_bind_int64(st, 2, (int64_t)index);
	db_bind_int64(st, 3, width);
	db_bind_blob(st, 4, data, (size_t)width * LEDGER_HASH_BYTES);
	return db_run(st) == DB_DONE ? 0 : -1;
}

void
ledger_db_tile_store(struct db *db, struct ledger_tile_store *st)
{
	st->read = db_tile_read;
	st->write = db_tile_write;
	st->ctx = db;
}

/* The root of the tree of size leaves, from the tiles. */
static int
tiles_root(struct db *db, uint64_t size, unsigned char root[LEDGER_HASH_BYTES], struct err *e)
{
	struct ledger_tile_store st;
	struct ledger_tiles_reader *tr = malloc(sizeof(*tr));
	struct ledger_hash_reader hr;
	int rc;

	if (tr == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	ledger_db_tile_store(db, &st);
	ledger_tiles_reader_init(tr, &st, size);
	hr.node = ledger_tiles_node;
	hr.ctx = tr;
	rc = ledger_tree_root(&hr, size, root, e);
	free(tr);
	return rc;
}

/* --- sealing ------------------------------------------------------------------------------ */

static int
text_col(struct db_stmt *st, int col, char out[LEDGER_STR_MAX], struct err *e)
{
	const char *s = db_col_text(st, col);

	if (strlen(s) >= LEDGER_STR_MAX)
		return err_set(e, ERR_INTERNAL, "a logged name is longer than %d bytes", LEDGER_STR_MAX - 1);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

/* Steps a one-row lookup; -1 with e set when the row is missing. */
static int
one_row(struct db *db, struct db_stmt *st, const char *what, int64_t ref, struct err *e)
{
	if (st == NULL)
		return db_err(db, e, what);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return err_set(e, ERR_INTERNAL, "the log cannot find %s %lld", what, (long long)ref);
	}
	return 0;
}

int
ledger_outcome_commitment(struct db *db, int64_t id, const char *kind, const char *addressee,
    const unsigned char salt[LEDGER_SALT_BYTES], unsigned char out[LEDGER_HASH_BYTES], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_OUTCOME_TEXTS);
	json_t *o, *texts = json_object();
	char *s;

	if (st == NULL) {
		json_decref(texts);
		return db_err(db, e, "outcome texts");
	}
	db_bind_int64(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_object_set_new(texts, db_col_text(st, 0), json_string(db_col_text(st, 1)));
	db_done(st);
	o = json_pack("{s:s, s:s, s:o}", "addressee", addressee, "kind", kind, "text", texts);
	s = o ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(o);
	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	ledger_commitment(salt, s, strlen(s), out);
	free(s);
	return 0;
}

/* Fills en from the rows pending row (kind, ref, ref2) names, with salt for its commitment
 * (*salted 0 when the kind has none). */
static int
build_entry(struct db *db, const char *kind, int64_t ref, int64_t ref2, struct ledger_entry *en,
    unsigned char salt[LEDGER_SALT_BYTES], int *salted, struct err *e)
{
	struct db_stmt *st;
	unsigned char content[LEDGER_HASH_BYTES];
	int rc = 0;

	memset(en, 0, sizeof(*en));
	en->time = clock_now();
	en->kind = ledger_kind_from_name(kind);
	randombytes_buf(salt, LEDGER_SALT_BYTES);
	*salted = 1;
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
		st = db_prepare(db, ledger_sql_version_of);
		if (st != NULL) {
			db_bind_int64(st, 1, ref);
			db_bind_int64(st, 2, ref2);
		}
		if (one_row(db, st, "response", ref, e) != 0)
			return -1;
		en->number = (uint32_t)ref2;
		if (text_col(st, 0, en->a, e) != 0 || text_col(st, 1, en->b, e) != 0 ||
		    ledger_unhex(db_col_text(st, 2), content) != 0)
			rc = err_set(e, ERR_INTERNAL, "response %lld has no content hash", (long long)ref);
		else
			ledger_commitment(salt, content, sizeof(content), en->hash);
		db_done(st);
		return rc;
	case LEDGER_MODERATION:
		st = db_prepare(db, ledger_sql_moderation_of);
		if (st != NULL)
			db_bind_int64(st, 1, ref);
		if (one_row(db, st, "moderation event", ref, e) != 0)
			return -1;
		en->number = (uint32_t)db_col_int64(st, 2);
		en->small = ledger_action_from_name(db_col_text(st, 3));
		if (text_col(st, 0, en->a, e) != 0 || text_col(st, 1, en->b, e) != 0)
			rc = -1;
		else
			ledger_commitment(salt, db_col_text(st, 4), strlen(db_col_text(st, 4)), en->hash);
		db_done(st);
		return rc;
	case LEDGER_CONSULTATION:
		st = db_prepare(db, ledger_sql_consultation_of);
		if (st != NULL)
			db_bind_int64(st, 1, ref);
		if (one_row(db, st, "consultation", ref, e) != 0)
			return -1;
		en->small = (int)ref2;
		rc = text_col(st, 0, en->a, e);
		db_done(st);
		*salted = 0;
		return rc;
	case LEDGER_DOCUMENT_REVISION:
		st = db_prepare(db, ledger_sql_revision_of);
		if (st != NULL)
			db_bind_int64(st, 1, ref);
		if (one_row(db, st, "document revision", ref, e) != 0)
			return -1;
		en->number = (uint32_t)db_col_int64(st, 1);
		if (text_col(st, 0, en->a, e) != 0 || ledger_unhex(db_col_text(st, 2), en->hash) != 0)
			rc = err_set(e, ERR_INTERNAL, "document revision %lld has no file hash", (long long)ref);
		db_done(st);
		*salted = 0;
		return rc;
	case LEDGER_OUTCOME: {
		char kind_s[32], addressee[32];
		st = db_prepare(db, ledger_sql_outcome_of);
		if (st != NULL)
			db_bind_int64(st, 1, ref);
		if (one_row(db, st, "outcome", ref, e) != 0)
			return -1;
		en->number = (uint32_t)db_col_int64(st, 0);
		rc = text_col(st, 1, en->b, e);
		snprintf(kind_s, sizeof(kind_s), "%s", db_col_text(st, 2));
		snprintf(addressee, sizeof(addressee), "%s", db_col_text(st, 3));
		db_done(st);
		if (rc != 0)
			return -1;
		return ledger_outcome_commitment(db, ref, kind_s, addressee, salt, en->hash, e);
	}
	}
	return err_set(e, ERR_INTERNAL, "unknown pending log kind '%s'", kind);
}

/* The length of "name+keyid" at the start of a verifier key's text. */
static int
key_id_len(const char *vkey)
{
	const char *plus = strrchr(vkey, '+');

	return plus ? (int)(plus - vkey) : (int)strlen(vkey);
}

/* The key check: the first key is taken as the log's; a later one must have been announced. */
static int
check_key(struct db *db, const struct ledger_log *lg, uint64_t size, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_KEY_LAST);
	enum db_rc rc;
	int same = 0;

	if (st == NULL)
		return db_err(db, e, "log keys");
	if ((rc = db_step(st)) == DB_ROW)
		same = strcmp(db_col_text(st, 0), lg->vkey) == 0;
	if (rc == DB_ROW && !same)
		err_set(e, ERR_INTERNAL, "the log key in %s (%.*s) is not the log's announced key "
		    "(%.*s): see 'agora log rotate-key'", lg->path, key_id_len(lg->vkey), lg->vkey,
		    key_id_len(db_col_text(st, 0)), db_col_text(st, 0));
	db_done(st);
	if (rc == DB_ROW)
		return same ? 0 : -1;
	if (rc != DB_DONE)
		return db_err(db, e, "log keys");
	if ((st = db_prepare(db, SQL_KEY_ADD)) == NULL)
		return db_err(db, e, "log keys");
	db_bind_text(st, 1, lg->vkey);
	db_bind_int64(st, 2, (int64_t)size);
	db_bind_int64(st, 3, clock_now());
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "log keys");
}

/* Stores one entry as leaf idx. */
static int
entry_add(struct db *db, uint64_t idx, const char *kind, int64_t ref, int64_t ref2,
    const unsigned char *bytes, size_t len, const unsigned char *salt, size_t salt_len,
    const unsigned char leaf[LEDGER_HASH_BYTES], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ENTRY_ADD);

	if (st == NULL)
		return db_err(db, e, "log entry");
	db_bind_int64(st, 1, (int64_t)idx);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, ref);
	db_bind_int64(st, 4, ref2);
	db_bind_blob(st, 5, bytes, len);
	db_bind_blob(st, 6, salt, salt_len);
	db_bind_blob(st, 7, leaf, LEDGER_HASH_BYTES);
	db_bind_int64(st, 8, clock_now());
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "log entry");
}

/* A rotation entry names the key that signs from the next checkpoint on. */
static int
rotation_key_add(struct db *db, const unsigned char *bytes, size_t len, uint64_t from,
    struct err *e)
{
	struct ledger_entry en;
	struct db_stmt *st;

	if (ledger_entry_decode(bytes, len, &en, e) != 0 || en.kind != LEDGER_KEY_ROTATION)
		return err_set(e, ERR_INTERNAL, "a pending key rotation is not a rotation entry");
	if ((st = db_prepare(db, SQL_KEY_ADD)) == NULL)
		return db_err(db, e, "log keys");
	db_bind_text(st, 1, en.b);
	db_bind_int64(st, 2, (int64_t)from);
	db_bind_int64(st, 3, clock_now());
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "log keys (was the new key used before?)");
}

/* A queued row, copied out of the result. */
struct pend {
	int64_t id, ref, ref2;
	char kind[24];
	unsigned char *payload;
	size_t plen;
};

static int
pend_cmp(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Appends what is pending and takes it off the queue; *size is the tree size before, then
 * after. */
static int
append_pending(struct db *db, uint64_t *size, struct ledger_hashes *added, struct err *e)
{
	int pg = db_is_postgres(db);
	struct db_stmt *st = db_prepare(db, pg ? SQL_PENDING_TAKE : SQL_PENDING);
	int64_t last = 0;
	struct buf b;
	int rc = 0;
	enum db_rc step;

	if (st == NULL)
		return db_err(db, e, "log queue");
	buf_init(&b);
	/* The queue is read whole first: building an entry runs other statements. */
	struct pend *p = NULL;
	size_t np = 0, cap = 0;
	while ((step = db_step(st)) == DB_ROW) {
		size_t len = 0;
		const void *pl = db_col_blob(st, 4, &len);
		if (np == cap) {
			void *q = realloc(p, (cap = cap ? cap * 2 : 64) * sizeof(*p));
			if (q == NULL) {
				rc = err_set(e, ERR_INTERNAL, "out of memory");
				break;
			}
			p = q;
		}
		memset(&p[np], 0, sizeof(p[np]));
		p[np].id = db_col_int64(st, 0);
		snprintf(p[np].kind, sizeof(p[np].kind), "%s", db_col_text(st, 1));
		p[np].ref = db_col_int64(st, 2);
		p[np].ref2 = db_col_int64(st, 3);
		if (pl != NULL && len > 0 && (p[np].payload = malloc(len)) != NULL) {
			memcpy(p[np].payload, pl, len);
			p[np].plen = len;
		}
		np++;
	}
	db_done(st);
	if (rc == 0 && step != DB_DONE)
		rc = db_err(db, e, "log queue");
	/* DELETE ... RETURNING gives its rows in no set order: the log keeps the queue's. */
	if (pg && np > 1)
		qsort(p, np, sizeof(*p), pend_cmp);
	for (size_t i = 0; rc == 0 && i < np; i++) {
		unsigned char salt[LEDGER_SALT_BYTES], leaf[LEDGER_HASH_BYTES];
		struct ledger_entry en;
		int salted = 0;

		buf_reset(&b);
		if (strcmp(p[i].kind, "key_rotation") == 0) {
			if (p[i].payload == NULL) {
				rc = err_set(e, ERR_INTERNAL, "a pending key rotation has no entry");
				break;
			}
			buf_add(&b, p[i].payload, p[i].plen);
		} else if (build_entry(db, p[i].kind, p[i].ref, p[i].ref2, &en, salt, &salted, e) != 0 ||
		    ledger_entry_encode(&en, &b, e) != 0) {
			rc = -1;
			break;
		}
		ledger_hash_leaf(b.data, b.len, leaf);
		if (b.failed || ledger_hashes_add(added, leaf) != 0) {
			rc = err_set(e, ERR_INTERNAL, "out of memory");
			break;
		}
		rc = entry_add(db, *size, p[i].kind, p[i].ref, p[i].ref2, (unsigned char *)b.data, b.len,
		    salt, salted ? LEDGER_SALT_BYTES : 0, leaf, e);
		/* A long queue is a data folder from before the log: say how far it has come. */
		if (np >= 10000 && (i + 1) % (np / 10) == 0)
			log_info("msg=\"logging what the data folder held before the public log\" done=%zu "
			    "of=%zu", i + 1, np);
		(*size)++;
		if (rc == 0 && strcmp(p[i].kind, "key_rotation") == 0)
			rc = rotation_key_add(db, (unsigned char *)b.data, b.len, *size, e);
		last = p[i].id;
	}
	for (size_t i = 0; i < np; i++)
		free(p[i].payload);
	free(p);
	buf_free(&b);
	if (rc == 0 && last > 0 && !pg) {	/* SQLite: one writer at a time, ids in commit order */
		if ((st = db_prepare(db, SQL_PENDING_DONE)) == NULL)
			return db_err(db, e, "log queue");
		db_bind_int64(st, 1, last);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "log queue");
	}
	return rc;
}

int
ledger_head(struct db *db, uint64_t *size, unsigned char root[LEDGER_HASH_BYTES], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_HEAD);
	size_t len = 0;
	const void *p;
	enum db_rc rc;

	*size = 0;
	ledger_hash_empty(root);
	if (st == NULL)
		return db_err(db, e, "log head");
	if ((rc = db_step(st)) == DB_ROW) {
		*size = (uint64_t)db_col_int64(st, 0);
		if ((p = db_col_blob(st, 1, &len)) != NULL && len == LEDGER_HASH_BYTES)
			memcpy(root, p, LEDGER_HASH_BYTES);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : db_err(db, e, "log head");
}

int
ledger_current_vkey(struct db *db, char out[LEDGER_KEY_TEXT_MAX], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_HEAD);
	enum db_rc rc;

	out[0] = '\0';
	if (st == NULL)
		return db_err(db, e, "log head");
	if ((rc = db_step(st)) == DB_ROW)
		snprintf(out, LEDGER_KEY_TEXT_MAX, "%s", db_col_text(st, 2));
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : db_err(db, e, "log head");
}

/* PostgreSQL: is there anything for this seal to do? 1 yes, 0 no, -1 error. Read without the
 * lock: no pending row this transaction can see, and the last checkpoint signed with this
 * server's key, means nothing to append and nothing to sign; rows other servers are writing
 * now are theirs to seal, and a key changes only by an entry in the queue. A batch that logs
 * nothing (a job claimed, a session touched) so never waits for the lock. */
static int
pg_anything_to_seal(struct db *db, const struct ledger_log *lg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_PENDING_ANY);
	char vkey[LEDGER_KEY_TEXT_MAX];
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "log queue");
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return 1;
	if (rc != DB_DONE)
		return db_err(db, e, "log queue");
	if (ledger_current_vkey(db, vkey, e) != 0)
		return -1;
	return strcmp(vkey, lg->vkey) != 0;
}

int
ledger_seal(struct db *db, void *arg, struct err *e)
{
	struct ledger_log *lg = arg;
	struct ledger_hashes added = { NULL, 0, 0 };
	struct ledger_checkpoint cp;
	struct ledger_tile_store ts;
	unsigned char root[LEDGER_HASH_BYTES];
	char vkey[LEDGER_KEY_TEXT_MAX], *note;
	uint64_t head, size;
	struct db_stmt *st;
	int rc;

	if (db_is_postgres(db)) {
		int any = pg_anything_to_seal(db, lg, e);
		if (any <= 0)
			return any;
		if ((st = db_prepare(db, SQL_LOG_LOCK)) == NULL)
			return db_err(db, e, "the log's lock");
		db_bind_int64(st, 1, WRITER_PG_LOCK_KEY);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "the log's lock");
		/* From here every statement sees what the lock's last holder committed. */
	}
	if (ledger_head(db, &head, root, e) != 0 || ledger_current_vkey(db, vkey, e) != 0 ||
	    (st = db_prepare(db, SQL_NEXT_IDX)) == NULL)
		return -1;
	size = db_step(st) == DB_ROW ? (uint64_t)db_col_int64(st, 0) : 0;
	db_done(st);
	if (size != head)
		return err_set(e, ERR_INTERNAL, "the log has %llu entries but its last checkpoint %llu",
		    (unsigned long long)size, (unsigned long long)head);
	if (check_key(db, lg, size, e) != 0)
		return -1;
	if (append_pending(db, &size, &added, e) != 0) {
		free(added.h);
		return -1;
	}
	if (added.n == 0 && strcmp(vkey, lg->vkey) == 0)	/* nothing new, and already signed */
		return 0;
	ledger_db_tile_store(db, &ts);
	rc = added.n ? ledger_tiles_append(&ts, head, (const unsigned char (*)[LEDGER_HASH_BYTES])added.h,
	    added.n, e) : 0;
	free(added.h);
	if (rc != 0 || tiles_root(db, size, root, e) != 0)
		return -1;
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", lg->signer.name);
	cp.size = size;
	memcpy(cp.root, root, sizeof(root));
	if ((note = ledger_checkpoint_sign(&lg->signer, &cp, e)) == NULL)
		return -1;
	if ((st = db_prepare(db, SQL_CP_ADD)) == NULL) {
		free(note);
		return db_err(db, e, "checkpoint");
	}
	db_bind_int64(st, 1, (int64_t)size);
	db_bind_blob(st, 2, root, sizeof(root));
	db_bind_text(st, 3, lg->vkey);
	db_bind_text(st, 4, note);
	db_bind_int64(st, 5, clock_now());
	free(note);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "checkpoint");
}

int64_t
ledger_pending_count(struct db *db)
{
	static const char sql[] = "SELECT COUNT(*) FROM log_pending";
	struct db_stmt *st = db_prepare(db, sql);
	int64_t n = 0;

	if (st != NULL && db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	if (st != NULL)
		db_done(st);
	return n;
}

int
ledger_touch(struct db *db, void *arg, struct err *e)
{
	(void)db;
	(void)arg;
	(void)e;
	return 0;
}
