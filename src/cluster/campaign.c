/* campaign.c: incremental clustering of responses into campaigns, and the background worker.
 *
 * Triggers queue a response whenever one of its versions is stored or its status changes, in
 * the same transaction as the change. The worker reads the queue on its own read connection
 * and clusters each batch inside one writer closure: the response leaves its campaign (if
 * any), then, when it is published, its signature's band buckets name the candidates (each
 * resolved to its campaign's representative, or the single response itself); the best
 * campaign whose representative is at least `threshold` similar takes it, else the best such
 * single response forms a new campaign with it, else it stays single. Nothing joins on a
 * bucket alone: the similarity estimated from the two signatures decides. */
#include "campaign.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/db.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/thread.h"
#include "campaign_int.h"
#include "minhash.h"

#define BATCH 32		/* queue rows per writer closure */
#define MAX_CANDIDATES 64	/* distinct campaigns and singles compared per response */

#define CACHE_SLOTS 4096	/* signatures kept: representatives are compared again and again */

/* A signature of a response's version, kept so that the writer's transaction does not tokenize
 * the same representative's text for every newcomer. */
struct cached_sig {
	int64_t id, version;
	struct minhash_sig sig;
};

/* What clustering inside a transaction needs. */
struct cluster_ctx {
	struct minhash *mh;
	struct minhash_bands bands;
	int pct;
	int64_t now;
	struct cached_sig *cache;	/* CACHE_SLOTS, by id; NULL: none */
	/* Campaigns joined or left in this batch: their updated_at is set once, at its end (one
	 * row updated again and again in one transaction grows a chain of versions every later
	 * statement walks: on PostgreSQL that cost a submission more than its own statements). */
	int64_t touched[BATCH];
	int ntouched;
};

static const char SQL_TEXT[] = "SELECT " CAMPAIGN_TEXT_COLUMNS "WHERE r.id = $1";
static const char SQL_TEXT_PG[] = "SELECT " CAMPAIGN_TEXT_COLUMNS_PG "WHERE r.id = $1";
static const char SQL_STATE[] = "SELECT status, consultation_id, current_version FROM responses WHERE id = $1";
static const char SQL_MEMBER_OF[] =
    "SELECT m.campaign_id, c.representative FROM campaign_members m JOIN campaigns c ON c.id = "
    "m.campaign_id WHERE m.response_id = $1";
static const char SQL_CAMPAIGN[] = "SELECT representative FROM campaigns WHERE id = $1 AND consultation_id = $2";
static const char SQL_MEMBER_DEL[] = "DELETE FROM campaign_members WHERE response_id = $1";
static const char SQL_MEMBERS[] = "SELECT response_id FROM campaign_members WHERE campaign_id = $1 ORDER BY response_id";
static const char SQL_DISSOLVE_M[] = "DELETE FROM campaign_members WHERE campaign_id = $1";
static const char SQL_DISSOLVE_C[] = "DELETE FROM campaigns WHERE id = $1";
static const char SQL_SET_REP[] = "UPDATE campaigns SET representative = $2, updated_at = $3 WHERE id = $1";
static const char SQL_TOUCH[] = "UPDATE campaigns SET updated_at = $2 WHERE id = $1";
static const char SQL_SET_SIM[] = "UPDATE campaign_members SET similarity = $2 / 128.0 WHERE response_id = $1";
static const char SQL_MEMBER_INS[] =
    "INSERT INTO campaign_members (response_id, campaign_id, similarity) VALUES ($1, $2, $3 / 128.0)";
static const char SQL_CAMPAIGN_INS[] =
    "INSERT INTO campaigns (consultation_id, representative, updated_at) VALUES ($1, $2, $3)";
static const char SQL_BUCKET_INS[] = "INSERT INTO campaign_buckets (key, anchor) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_BUCKET[] = "SELECT anchor FROM campaign_buckets WHERE key = $1 ORDER BY anchor LIMIT 256";
/* PostgreSQL: every band in one statement each way, a round trip instead of one per band and
 * anchor (a response's 16 bands cost 64 round trips before: most of a submission's time on
 * PostgreSQL). The rows and their order are those of the loops below: band by band, a band's
 * anchors in order, at most 256 each; the anchor resolved as SQL_CAMPAIGN (column 1, 2: NULL
 * when that campaign is gone or of another round) and SQL_MEMBER_OF (column 3, 4) would. The
 * LIMITs keep PostgreSQL from flattening the lookups into hash joins over whole tables (9 ms a
 * call with 10,000 members): each stays an index lookup per anchor. */
static const char SQL_BUCKETS_PG[] =
    "SELECT b.anchor, c.id, c.representative, mc.campaign_id, mc.representative "
    "FROM unnest(CAST($1 AS BIGINT[])) WITH ORDINALITY AS k(key, ord) "
    "CROSS JOIN LATERAL (SELECT anchor FROM campaign_buckets WHERE key = k.key ORDER BY anchor LIMIT 256) AS b "
    "LEFT JOIN LATERAL (SELECT id, representative FROM campaigns "
    "WHERE b.anchor < 0 AND id = -b.anchor AND consultation_id = CAST($2 AS BIGINT) LIMIT 1) AS c ON true "
    "LEFT JOIN LATERAL (SELECT m.campaign_id, x.representative FROM campaign_members m "
    "JOIN campaigns x ON x.id = m.campaign_id WHERE b.anchor > 0 AND m.response_id = b.anchor LIMIT 1) AS mc ON true "
    "ORDER BY k.ord, b.anchor";
static const char SQL_BUCKETS_INS_PG[] =
    "INSERT INTO campaign_buckets (key, anchor) SELECT k, CAST($2 AS BIGINT) "
    "FROM unnest(CAST($1 AS BIGINT[])) AS k ON CONFLICT DO NOTHING";

/* A similarity as the count of equal values it is (db.h binds integers; the SQL divides). */
_Static_assert(MINHASH_K == 128, "the SQL below divides by 128.0");
static int64_t
in_kths(double sim)
{
	return (int64_t)(sim * MINHASH_K + 0.5);
}

/* Reads and signs response id (from the cache when its current version was signed before).
 * *published: 1 when its status is 'published'; *round its consultation. Returns 0 (also when
 * there is no such response: *published 0), or -1. */
static int
sign_response(struct db *db, struct cluster_ctx *c, int64_t id, int *published, int64_t *round,
	      struct minhash_sig *sig, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_STATE);
	struct cached_sig *slot = c->cache ? &c->cache[(uint64_t)id % CACHE_SLOTS] : NULL;
	const char *text;
	int64_t version;
	int rc;

	*published = 0;
	*round = 0;
	sig->nshingles = 0;
	if (st == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 0 : db_err(db, e, "campaigns");
	}
	*published = strcmp(db_col_text(st, 0), "published") == 0;
	*round = db_col_int64(st, 1);
	version = db_col_int64(st, 2);
	db_done(st);
	if (!*published)
		return 0;
	if (slot != NULL && slot->id == id && slot->version == version) {
		*sig = slot->sig;
		return 0;
	}
	if ((st = db_prepare(db, db_is_postgres(db) ? SQL_TEXT_PG : SQL_TEXT)) == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? 0 : db_err(db, e, "campaigns");
	}
	text = db_col_text(st, 3);
	rc = minhash_sign(c->mh, text, strlen(text), sig);
	db_done(st);
	if (rc != 0)
		return err_set(e, ERR_INTERNAL, "campaigns: the tokenizer failed");
	if (slot != NULL) {
		slot->id = id;
		slot->version = version;
		slot->sig = *sig;
	}
	return 0;
}

static int
run1(struct db *db, const char *sql, int64_t a, int64_t b, int nb, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, a);
	if (nb > 1)
		db_bind_int64(st, 2, b);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "campaigns");
}

/* The band keys of sig as a PostgreSQL array literal, "{k1,k2,...}", into out. */
static void
band_keys_array(struct cluster_ctx *c, const struct minhash_sig *sig, int64_t round, char *out, size_t cap)
{
	size_t n = 0;

	out[n++] = '{';
	for (int b = 0; b < c->bands.bands && n + 22 < cap; b++)
		n += (size_t)snprintf(out + n, cap - n, "%s%lld", b > 0 ? "," : "",
				      (long long)minhash_band_key(sig, &c->bands, b, round));
	out[n++] = '}';
	out[n] = '\0';
}

/* Room for MINHASH_K one-row bands: 19 digits and a comma each, and the braces. */
#define BAND_ARRAY_CAP (MINHASH_K * 21 + 3)

/* Notes that campaign changed: touches_apply sets its updated_at. A batch clusters at most BATCH
 * responses, each touching one campaign; should the list be full, the campaign is touched now. */
static int
touch_later(struct db *db, struct cluster_ctx *c, int64_t campaign, struct err *e)
{
	for (int i = 0; i < c->ntouched; i++)
		if (c->touched[i] == campaign)
			return 0;
	if (c->ntouched == BATCH)
		return run1(db, SQL_TOUCH, campaign, c->now, 2, e);
	c->touched[c->ntouched++] = campaign;
	return 0;
}

static int
touches_apply(struct db *db, struct cluster_ctx *c, struct err *e)
{
	for (int i = 0; i < c->ntouched; i++)
		if (run1(db, SQL_TOUCH, c->touched[i], c->now, 2, e) != 0)
			return -1;
	c->ntouched = 0;
	return 0;
}

/* Inserts the band keys of sig with anchor. */
static int
buckets_add(struct db *db, struct cluster_ctx *c, const struct minhash_sig *sig, int64_t round,
	    int64_t anchor, struct err *e)
{
	if (db_is_postgres(db)) {
		char keys[BAND_ARRAY_CAP];
		struct db_stmt *st = db_prepare(db, SQL_BUCKETS_INS_PG);
		if (st == NULL)
			return db_err(db, e, "campaigns");
		band_keys_array(c, sig, round, keys, sizeof(keys));
		db_bind_text(st, 1, keys);
		db_bind_int64(st, 2, anchor);
		return db_run(st) == DB_DONE ? 0 : db_err(db, e, "campaigns");
	}
	for (int b = 0; b < c->bands.bands; b++)
		if (run1(db, SQL_BUCKET_INS, minhash_band_key(sig, &c->bands, b, round), anchor, 2, e) != 0)
			return -1;
	return 0;
}

/* Which campaign response id is in: 0 when none. */
static int
member_of(struct db *db, int64_t id, int64_t *campaign, int64_t *rep, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_MEMBER_OF);
	int rc;

	*campaign = *rep = 0;
	if (st == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		*campaign = db_col_int64(st, 0);
		*rep = db_col_int64(st, 1);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : db_err(db, e, "campaigns");
}

/* The ids of campaign's members, in order, malloc'd into *out (the caller frees). */
static int
members_list(struct db *db, int64_t campaign, int64_t **out, size_t *n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_MEMBERS);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, campaign);
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			int64_t *p = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(**out));
			if (p == NULL) {
				db_done(st);
				return err_set(e, ERR_INTERNAL, "out of memory");
			}
			*out = p;
		}
		(*out)[(*n)++] = db_col_int64(st, 0);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "campaigns");
}

/* Makes rep the campaign's representative and measures every member against it. */
static int
set_representative(struct db *db, struct cluster_ctx *c, int64_t campaign, int64_t rep, struct err *e)
{
	struct minhash_sig rs, ms;
	int64_t *ids = NULL, round;
	size_t n;
	int pub, rc = -1;
	struct db_stmt *st;

	if ((st = db_prepare(db, SQL_SET_REP)) == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, campaign);
	db_bind_int64(st, 2, rep);
	db_bind_int64(st, 3, c->now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "campaigns");
	if (sign_response(db, c, rep, &pub, &round, &rs, e) != 0 || members_list(db, campaign, &ids, &n, e) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		double sim = 1.0;
		if (ids[i] != rep) {
			if (sign_response(db, c, ids[i], &pub, &round, &ms, e) != 0)
				goto out;
			sim = minhash_similarity(&rs, &ms);
		}
		if ((st = db_prepare(db, SQL_SET_SIM)) == NULL) {
			db_err(db, e, "campaigns");
			goto out;
		}
		db_bind_int64(st, 1, ids[i]);
		db_bind_int64(st, 2, in_kths(sim));
		if (db_run(st) != DB_DONE) {
			db_err(db, e, "campaigns");
			goto out;
		}
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

/* Takes response id out of its campaign. A campaign left with one member is dissolved (that
 * member is single again, and gets buckets of its own); one that lost its representative
 * takes its earliest remaining member. */
static int
campaign_leave(struct db *db, struct cluster_ctx *c, int64_t id, struct err *e)
{
	int64_t campaign, rep, *ids = NULL, round;
	size_t n;
	struct minhash_sig sig;
	int pub, rc = -1;

	if (member_of(db, id, &campaign, &rep, e) != 0)
		return -1;
	if (campaign == 0)
		return 0;
	if (run1(db, SQL_MEMBER_DEL, id, 0, 1, e) != 0 || members_list(db, campaign, &ids, &n, e) != 0)
		goto out;
	if (n <= 1) {
		if (run1(db, SQL_DISSOLVE_M, campaign, 0, 1, e) != 0 || run1(db, SQL_DISSOLVE_C, campaign, 0, 1, e) != 0)
			goto out;
		if (n == 1) {
			if (sign_response(db, c, ids[0], &pub, &round, &sig, e) != 0)
				goto out;
			if (pub && sig.nshingles > 0 && buckets_add(db, c, &sig, round, ids[0], e) != 0)
				goto out;
		}
	} else if (rep == id) {
		if (set_representative(db, c, campaign, ids[0], e) != 0)
			goto out;
	} else if (touch_later(db, c, campaign, e) != 0) {
		goto out;
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

/* A candidate: a campaign (campaign > 0, whose representative is rep) or a single response
 * (campaign 0, rep is the response). */
struct candidate {
	int64_t campaign, rep;
	double sim;
};

static int
candidate_add(struct candidate *cs, int *n, int64_t campaign, int64_t rep)
{
	for (int i = 0; i < *n; i++)
		if (cs[i].campaign == campaign && cs[i].rep == rep)
			return 0;
	if (*n >= MAX_CANDIDATES)
		return 0;
	cs[*n].campaign = campaign;
	cs[*n].rep = rep;
	cs[*n].sim = 0;
	(*n)++;
	return 0;
}

/* candidates_find on PostgreSQL: SQL_BUCKETS_PG resolves every band's anchors at once. */
static int
candidates_find_pg(struct db *db, struct cluster_ctx *c, int64_t id, int64_t round, const struct minhash_sig *sig,
		   struct candidate *cs, int *n, struct err *e)
{
	char keys[BAND_ARRAY_CAP];
	struct db_stmt *st = db_prepare(db, SQL_BUCKETS_PG);
	int rc;

	if (st == NULL)
		return db_err(db, e, "campaigns");
	band_keys_array(c, sig, round, keys, sizeof(keys));
	db_bind_text(st, 1, keys);
	db_bind_int64(st, 2, round);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t anchor = db_col_int64(st, 0), campaign = 0, rep = 0;
		if (anchor < 0) {
			if (db_col_is_null(st, 1))
				continue;	/* a campaign since dissolved */
			campaign = db_col_int64(st, 1);
			rep = db_col_int64(st, 2);
		} else if (anchor == id) {
			continue;
		} else if (!db_col_is_null(st, 3)) {
			campaign = db_col_int64(st, 3);
			rep = db_col_int64(st, 4);
		} else {
			rep = anchor;
		}
		if (rep != id)
			candidate_add(cs, n, campaign, rep);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "campaigns");
}

/* The candidates of the response id of round (signature sig): what its buckets name. */
static int
candidates_find(struct db *db, struct cluster_ctx *c, int64_t id, int64_t round, const struct minhash_sig *sig,
		struct candidate *cs, int *n, struct err *e)
{
	int64_t anchors[256];
	int na = 0, rc;

	*n = 0;
	if (db_is_postgres(db))
		return candidates_find_pg(db, c, id, round, sig, cs, n, e);
	for (int b = 0; b < c->bands.bands; b++) {
		struct db_stmt *st = db_prepare(db, SQL_BUCKET);
		if (st == NULL)
			return db_err(db, e, "campaigns");
		db_bind_int64(st, 1, minhash_band_key(sig, &c->bands, b, round));
		na = 0;
		while ((rc = db_step(st)) == DB_ROW)
			if (na < 256)
				anchors[na++] = db_col_int64(st, 0);
		db_done(st);
		if (rc != DB_DONE)
			return db_err(db, e, "campaigns");
		for (int i = 0; i < na; i++) {
			int64_t campaign = 0, rep = 0;
			if (anchors[i] < 0) {
				struct db_stmt *q = db_prepare(db, SQL_CAMPAIGN);
				if (q == NULL)
					return db_err(db, e, "campaigns");
				db_bind_int64(q, 1, -anchors[i]);
				db_bind_int64(q, 2, round);
				if ((rc = db_step(q)) == DB_ROW) {
					campaign = -anchors[i];
					rep = db_col_int64(q, 0);
				}
				db_done(q);
				if (rc != DB_ROW && rc != DB_DONE)
					return db_err(db, e, "campaigns");
				if (campaign == 0)
					continue;	/* a campaign since dissolved */
			} else if (anchors[i] == id) {
				continue;
			} else {
				if (member_of(db, anchors[i], &campaign, &rep, e) != 0)
					return -1;
				if (campaign == 0)
					rep = anchors[i];
			}
			if (rep != id)
				candidate_add(cs, n, campaign, rep);
		}
	}
	return 0;
}

/* Clusters response id afresh (see the top of the file). */
static int
cluster_one(struct db *db, struct cluster_ctx *c, int64_t id, struct err *e)
{
	struct minhash_sig sig, other;
	struct candidate cs[MAX_CANDIDATES];
	int n, pub, best = -1;
	int64_t round, r2, campaign;
	struct db_stmt *st;

	if (campaign_leave(db, c, id, e) != 0 || sign_response(db, c, id, &pub, &round, &sig, e) != 0)
		return -1;
	if (!pub || sig.nshingles == 0)
		return 0;
	if (candidates_find(db, c, id, round, &sig, cs, &n, e) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (sign_response(db, c, cs[i].rep, &pub, &r2, &other, e) != 0)
			return -1;
		cs[i].sim = pub && r2 == round ? minhash_similarity(&sig, &other) : 0.0;
		if (!campaign_reaches(cs[i].sim, c->pct))
			continue;
		/* An existing campaign before a single response; then the most similar; then the
		 * earliest. */
		if (best < 0 || (cs[i].campaign != 0) > (cs[best].campaign != 0) ||
		    ((cs[i].campaign != 0) == (cs[best].campaign != 0) &&
		     (cs[i].sim > cs[best].sim || (cs[i].sim == cs[best].sim && cs[i].rep < cs[best].rep))))
			best = i;
	}
	if (best < 0)
		return buckets_add(db, c, &sig, round, id, e);	/* single */
	if ((campaign = cs[best].campaign) == 0) {
		/* A new campaign of two: the earlier is its representative. */
		int64_t rep = cs[best].rep < id ? cs[best].rep : id, other_id = rep == id ? cs[best].rep : id;
		if ((st = db_prepare(db, SQL_CAMPAIGN_INS)) == NULL)
			return db_err(db, e, "campaigns");
		db_bind_int64(st, 1, round);
		db_bind_int64(st, 2, rep);
		db_bind_int64(st, 3, c->now);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "campaigns");
		campaign = db_last_insert_id(db);
		for (int k = 0; k < 2; k++) {
			if ((st = db_prepare(db, SQL_MEMBER_INS)) == NULL)
				return db_err(db, e, "campaigns");
			db_bind_int64(st, 1, k == 0 ? rep : other_id);
			db_bind_int64(st, 2, campaign);
			db_bind_int64(st, 3, in_kths(k == 0 ? 1.0 : cs[best].sim));
			if (db_run(st) != DB_DONE)
				return db_err(db, e, "campaigns");
		}
	} else {
		if ((st = db_prepare(db, SQL_MEMBER_INS)) == NULL)
			return db_err(db, e, "campaigns");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, campaign);
		db_bind_int64(st, 3, in_kths(cs[best].sim));
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "campaigns");
		/* A revised older response can be earlier than the representative. */
		if (id < cs[best].rep ? set_representative(db, c, campaign, id, e) != 0
				      : touch_later(db, c, campaign, e) != 0)
			return -1;
	}
	return buckets_add(db, c, &sig, round, -campaign, e);
}

/* The worker's closure: one batch of queue rows. */
struct batch {
	struct cluster_ctx *c;
	int64_t from, ids[BATCH], responses[BATCH];
	int n;
};

static const char SQL_POSITION[] = "SELECT position FROM campaign_params WHERE id = 1";
static const char SQL_POSITION_SET[] = "UPDATE campaign_params SET position = $1 WHERE id = 1";
static const char SQL_PRUNE[] =
    "DELETE FROM campaign_queue WHERE id <= $1 AND id <= COALESCE((SELECT floor FROM campaign_params "
    "WHERE id = 1), $1)";
static const char SQL_QUEUE[] = "SELECT id, response_id FROM campaign_queue WHERE id > $1 ORDER BY id LIMIT $2";
/* PostgreSQL, several servers (docs/LEDGER.md, "Several servers on one PostgreSQL database").
 * The position is read locked in the writer's closure, so two servers never cluster the same
 * rows: the second waits for the first's commit and then finds the position moved. And the
 * queue is read only up to a horizon below which every id is final: an identity value is drawn
 * at INSERT, not at COMMIT, so a row committed later may have a smaller id than one already read,
 * and moving the position past it would skip it for good. */
static const char SQL_POSITION_LOCK[] =
    "SELECT position FROM campaign_params WHERE id = 1 FOR UPDATE";
static const char SQL_QUEUE_PG[] =
    "SELECT id, response_id FROM campaign_queue WHERE id > $1 AND id <= $3 ORDER BY id LIMIT $2";
static const char SQL_SEQ_LAST[] =
    "SELECT COALESCE(pg_sequence_last_value(CAST(pg_get_serial_sequence('campaign_queue', 'id') "
    "AS regclass)), 0)";
static const char SQL_SNAPSHOT[] =
    "SELECT CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT), "
    "CAST(pg_snapshot_xmax(pg_current_snapshot()) AS TEXT)";

/* The queue position, or -1 when nothing was ever built; with lock (PostgreSQL, in a write) the
 * row stays locked to the commit. */
static int64_t
position_read(struct db *db, int lock, struct err *e)
{
	struct db_stmt *st = db_prepare(db, lock ? SQL_POSITION_LOCK : SQL_POSITION);
	int64_t pos = -1;
	int rc;

	if (st == NULL)
		return db_err(db, e, "campaigns"), -2;
	rc = db_step(st);
	if (rc == DB_ROW)
		pos = db_col_int64(st, 0);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? pos : (db_err(db, e, "campaigns"), -2);
}

static int64_t
position_get(struct db *db, struct err *e)
{
	return position_read(db, 0, e);
}

/* A first int64 column of a one-row SELECT (and the second in *two), -1 on failure. */
static int64_t
select_int(struct db *db, const char *sql, int64_t *two, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t v = -1;

	if (st == NULL)
		return db_err(db, e, "campaigns"), -1;
	if (db_step(st) == DB_ROW) {
		v = db_col_int64(st, 0);
		if (two != NULL)
			*two = db_col_int64(st, 1);
	} else {
		db_err(db, e, "campaigns");
	}
	db_done(st);
	return v;
}

/* The horizon on PostgreSQL: ids up to h->final are final. A candidate is the queue sequence's
 * last value L, then the snapshot's xmax (every transaction that had drawn an id up to L then
 * had an xid below xmax: the queue's rows are written by triggers, after their transaction's
 * first write); once a later snapshot's xmin has passed that xmax, all of them have committed
 * or rolled back, and L is final. */
struct horizon {
	int64_t final, cand_last, cand_xmax;
	int have_cand;
};

static int
horizon_advance(struct db *db, struct horizon *h, struct err *e)
{
	int64_t last, xmin, xmax = -1;

	if ((last = select_int(db, SQL_SEQ_LAST, NULL, e)) < 0 ||
	    (xmin = select_int(db, SQL_SNAPSHOT, &xmax, e)) < 0)
		return -1;
	if (h->have_cand && xmin >= h->cand_xmax) {
		h->final = h->cand_last;
		h->have_cand = 0;
	}
	if (!h->have_cand) {
		h->cand_last = last;
		h->cand_xmax = xmax;
		h->have_cand = 1;
	}
	return 0;
}

static int
batch_fn(struct db *db, void *arg, struct err *e)
{
	struct batch *b = arg;
	int64_t pos = position_read(db, db_is_postgres(db), e);

	/* A rebuild (or another server) moved the position since the batch was read: read it again. */
	if (pos < -1)
		return -1;
	if (pos != b->from) {
		b->n = 0;
		return 0;
	}
	b->c->now = clock_now();
	b->c->ntouched = 0;
	for (int i = 0; i < b->n; i++) {
		int seen = 0;
		for (int k = i + 1; k < b->n; k++)
			seen |= b->responses[k] == b->responses[i];	/* once, at its last row */
		if (!seen && cluster_one(db, b->c, b->responses[i], e) != 0)
			return -1;
	}
	return touches_apply(db, b->c, e) == 0 && run1(db, SQL_POSITION_SET, b->ids[b->n - 1], 0, 1, e) == 0 &&
	    run1(db, SQL_PRUNE, b->ids[b->n - 1], 0, 1, e) == 0 ? 0 : -1;
}

static const char SQL_PARAMS[] = "SELECT threshold, rows, bands FROM campaign_params WHERE id = 1";

/* Are the buckets built, and for this threshold's banding? */
static int
params_current(struct db *db, const struct cluster_ctx *c)
{
	struct db_stmt *st = db_prepare(db, SQL_PARAMS);
	int ok = 0;

	if (st != NULL && db_step(st) == DB_ROW)
		ok = db_col_int64(st, 0) == c->pct && db_col_int64(st, 1) == c->bands.rows &&
		     db_col_int64(st, 2) == c->bands.bands;
	if (st != NULL)
		db_done(st);
	return ok;
}

struct campaign_worker {
	char db_url[600];
	struct writer *w;
	struct cluster_ctx c;
	int interval_ms;
	struct horizon horizon;	/* PostgreSQL */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, kicked;
};

static int
stopping(struct campaign_worker *cw)
{
	int s;

	pthread_mutex_lock(&cw->lock);
	s = cw->stop;
	pthread_mutex_unlock(&cw->lock);
	return s;
}

/* Reads one batch on db and clusters it through the writer. Returns the rows done, or -1. */
static int
catch_up_once(struct campaign_worker *cw, struct db *db, struct err *e)
{
	struct batch b = { .c = &cw->c };
	int pg = db_is_postgres(db);
	struct db_stmt *st;
	int rc;

	if (pg && horizon_advance(db, &cw->horizon, e) != 0)
		return -1;
	if ((b.from = position_get(db, e)) < -1)
		return -1;
	if ((st = db_prepare(db, pg ? SQL_QUEUE_PG : SQL_QUEUE)) == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, b.from);
	db_bind_int64(st, 2, BATCH);
	if (pg)
		db_bind_int64(st, 3, cw->horizon.final);
	while ((rc = db_step(st)) == DB_ROW && b.n < BATCH) {
		b.ids[b.n] = db_col_int64(st, 0);
		b.responses[b.n++] = db_col_int64(st, 1);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "campaigns");
	if (b.n == 0)
		return 0;
	/* Sign the batch here, on the read connection and at this thread's low priority: the
	 * closure then finds each signature in the cache (the same version) and the writer, which
	 * every submission waits for, only reads and writes rows. A response changed in between
	 * is signed again in the closure; a failure here only leaves the work to it. */
	for (int i = 0; i < b.n; i++) {
		struct minhash_sig sig;
		int64_t round;
		int pub;
		struct err ignored;
		if (cw->c.cache == NULL || sign_response(db, &cw->c, b.responses[i], &pub, &round, &sig, &ignored) != 0)
			break;
	}
	if (writer_run(cw->w, batch_fn, &b, e) != 0)
		return -1;
	return b.n;
}

static void *
worker_main(void *arg)
{
	struct campaign_worker *cw = arg;
	struct db *db = NULL;
	int built = 0;
	struct err e;

	thread_name("agora-campaign");
	thread_background();

	for (;;) {
		pthread_mutex_lock(&cw->lock);
		if (!cw->stop && !cw->kicked) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(cw->interval_ms % 1000) * 1000000L;
			ts.tv_sec += cw->interval_ms / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&cw->cond, &cw->lock, &ts);
		}
		cw->kicked = 0;
		if (cw->stop) {
			pthread_mutex_unlock(&cw->lock);
			break;
		}
		pthread_mutex_unlock(&cw->lock);
		if (db == NULL && db_open(cw->db_url, DB_READONLY, &db, &e) != 0) {
			log_error("msg=\"campaigns\" error=\"%s\"", e.msg);
			db = NULL;
			continue;
		}
		if (!built) {
			if (!params_current(db, &cw->c)) {
				struct campaign_rebuild_stats s;
				log_info("msg=\"campaigns: building the index (first start, or a new threshold)\" threshold=%d",
					 cw->c.pct);
				if (campaign_rebuild(cw->db_url, cw->w, cw->c.pct, 0, 1, NULL, NULL, &s, &e) != 0) {
					log_error("msg=\"campaigns: rebuild failed\" error=\"%s\"", e.msg);
					continue;
				}
				log_info("msg=\"campaigns built\" responses=%lld campaigns=%lld",
					 (long long)s.responses, (long long)s.campaigns);
			}
			built = 1;
		}
		/* Until the queue is empty; but while others write (a surge of submissions), one
		 * batch a tick: clustering waits, the writer's time goes to what people wait for. */
		for (int n = 1; n > 0 && !stopping(cw);) {
			if ((n = catch_up_once(cw, db, &e)) < 0)
				log_error("msg=\"campaigns: clustering failed\" error=\"%s\"", e.msg);
			if (n > 0 && writer_busy(cw->w))
				break;
		}
	}
	db_close(db);
	return NULL;
}

struct campaign_worker *
campaign_worker_start(const char *db_url, struct writer *w, int threshold_pct, int interval_ms, struct err *e)
{
	struct campaign_worker *cw = calloc(1, sizeof(*cw));

	if (cw == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (strlen(db_url) >= sizeof(cw->db_url)) {
		free(cw);
		err_set(e, ERR_INVALID, "the data folder's path is too long");
		return NULL;
	}
	if ((cw->c.mh = minhash_new(e)) == NULL) {
		free(cw);
		return NULL;
	}
	cw->c.cache = calloc(CACHE_SLOTS, sizeof(*cw->c.cache));	/* NULL: works without */
	memcpy(cw->db_url, db_url, strlen(db_url) + 1);
	cw->w = w;
	cw->c.pct = threshold_pct;
	minhash_bands_for(threshold_pct / 100.0, &cw->c.bands);
	cw->interval_ms = interval_ms > 0 ? interval_ms : 250;
	cw->kicked = 1;
	pthread_mutex_init(&cw->lock, NULL);
	pthread_cond_init(&cw->cond, NULL);
	if (pthread_create(&cw->thread, NULL, worker_main, cw) != 0) {
		pthread_mutex_destroy(&cw->lock);
		pthread_cond_destroy(&cw->cond);
		minhash_free(cw->c.mh);
		free(cw->c.cache);
		free(cw);
		err_set(e, ERR_INTERNAL, "cannot start the campaign worker");
		return NULL;
	}
	return cw;
}

void
campaign_worker_kick(struct campaign_worker *cw)
{
	if (cw == NULL)
		return;
	pthread_mutex_lock(&cw->lock);
	cw->kicked = 1;
	pthread_cond_signal(&cw->cond);
	pthread_mutex_unlock(&cw->lock);
}

void
campaign_worker_stop(struct campaign_worker *cw)
{
	if (cw == NULL)
		return;
	pthread_mutex_lock(&cw->lock);
	cw->stop = 1;
	pthread_cond_signal(&cw->cond);
	pthread_mutex_unlock(&cw->lock);
	pthread_join(cw->thread, NULL);
	pthread_mutex_destroy(&cw->lock);
	pthread_cond_destroy(&cw->cond);
	minhash_free(cw->c.mh);
	free(cw->c.cache);
	free(cw);
}
