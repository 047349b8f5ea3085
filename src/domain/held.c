/* held.c: held uploads; each row names its blob in blob_refs so the sweep keeps it. */
#include "held.h"

#include <sodium.h>
#include <string.h>

#include "../util/clock.h"

static const char SQL_PUT[] =
    "INSERT INTO held_uploads (token_hash, sha256, filename, media_type, size_bytes, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_REF[] =
    "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ($1, 'held', $2) ON CONFLICT DO NOTHING";
static const char SQL_GET[] =
    "SELECT sha256, filename, media_type, size_bytes FROM held_uploads WHERE token_hash = $1 ORDER BY id";

/* Unsubmitted forms' files: their blob references go first, so the next sweep reclaims them. */
static const char SQL_EXPIRE_REFS[] =
    "DELETE FROM blob_refs WHERE thing = 'held' AND thing_id IN "
    "(SELECT id FROM held_uploads WHERE created_at < $1)";
static const char SQL_EXPIRE[] = "DELETE FROM held_uploads WHERE created_at < $1";

static void
token_hash(const char *token, char hex[BLOB_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, BLOB_HEX_LEN, h, sizeof(h));
}

int
held_put_fn(struct db *db, void *arg, struct err *e)
{
	struct held_put *h = arg;
	char hash[BLOB_HEX_LEN];
	struct db_stmt *st;

	if (h->token[0] == '\0') {
		unsigned char raw[32];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(h->token, HELD_TOKEN_LEN, raw, sizeof(raw),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	token_hash(h->token, hash);
	for (int i = 0; i < h->n; i++) {
		if ((st = db_prepare(db, SQL_PUT)) == NULL)
			return db_err(db, e, "held upload");
		db_bind_text(st, 1, hash);
		db_bind_text(st, 2, h->att[i].sha256);
		db_bind_text(st, 3, h->att[i].filename);
		db_bind_text(st, 4, h->att[i].media_type);
		db_bind_int64(st, 5, h->att[i].size);
		db_bind_int64(st, 6, clock_now());
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "held upload");
		if ((st = db_prepare(db, SQL_REF)) == NULL)
			return db_err(db, e, "held upload");
		db_bind_text(st, 1, h->att[i].sha256);
		db_bind_int64(st, 2, db_last_insert_id(db));
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "held upload");
	}
	return 0;
}

int
held_get(struct db *db, struct arena *a, const char *token, struct attachment *att, int max)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	char hash[BLOB_HEX_LEN];
	int n = 0;

	if (st == NULL)
		return -1;
	token_hash(token, hash);
	db_bind_text(st, 1, hash);
	while (n < max && db_step(st) == DB_ROW) {
		snprintf(att[n].sha256, sizeof(att[n].sha256), "%s", db_col_text(st, 0));
		att[n].filename = arena_strdup(a, db_col_text(st, 1));
		att[n].media_type = arena_strdup(a, db_col_text(st, 2));
		att[n].size = db_col_int64(st, 3);
		n++;
	}
	db_done(st);
	return n;
}

int
held_expire_fn(struct db *db, void *arg, struct err *e)
{
	struct held_expire *x = arg;
	struct db_stmt *st;

	if ((st = db_prepare(db, SQL_EXPIRE_REFS)) == NULL)
		return db_err(db, e, "held");
	db_bind_int64(st, 1, x->before);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "held");
	if ((st = db_prepare(db, SQL_EXPIRE)) == NULL)
		return db_err(db, e, "held");
	db_bind_int64(st, 1, x->before);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "held");
	x->removed = db_changes(db);
	return 0;
}
