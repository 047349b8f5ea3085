/* campaign.c: incremental clustering of responses into campaigns (the background worker that
 * runs it is campaign_worker.c).
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/db.h"
#include "campaign_int.h"
#include "minhash.h"

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
int
campaign_sign_response(struct db *db, struct cluster_ctx *c, int64_t id, int *published, int64_t *round,
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

int
campaign_run1(struct db *db, const char *sql, int64_t a, int64_t b, int nb, struct err *e)
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
		return campaign_run1(db, SQL_TOUCH, campaign, c->now, 2, e);
	c->touched[c->ntouched++] = campaign;
	return 0;
}

int
campaign_touches_apply(struct db *db, struct cluster_ctx *c, struct err *e)
{
	for (int i = 0; i < c->ntouched; i++)
		if (campaign_run1(db, SQL_TOUCH, c->touched[i], c->now, 2, e) != 0)
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
		if (campaign_run1(db, SQL_BUCKET_INS, minhash_band_key(sig, &c->bands, b, round), anchor, 2, e) != 0)
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
	if (campaign_sign_response(db, c, rep, &pub, &round, &rs, e) != 0 || members_list(db, campaign, &ids, &n, e) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		double sim = 1.0;
		if (ids[i] != rep) {
			if (campaign_sign_response(db, c, ids[i], &pub, &round, &ms, e) != 0)
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
	if (campaign_run1(db, SQL_MEMBER_DEL, id, 0, 1, e) != 0 || members_list(db, campaign, &ids, &n, e) != 0)
		goto out;
	if (n <= 1) {
		if (campaign_run1(db, SQL_DISSOLVE_M, campaign, 0, 1, e) != 0 || campaign_run1(db, SQL_DISSOLVE_C, campaign, 0, 1, e) != 0)
			goto out;
		if (n == 1) {
			if (campaign_sign_response(db, c, ids[0], &pub, &round, &sig, e) != 0)
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
int
campaign_cluster_one(struct db *db, struct cluster_ctx *c, int64_t id, struct err *e)
{
	struct minhash_sig sig, other;
	struct candidate cs[MAX_CANDIDATES];
	int n, pub, best = -1;
	int64_t round, r2, campaign;
	struct db_stmt *st;

	if (campaign_leave(db, c, id, e) != 0 || campaign_sign_response(db, c, id, &pub, &round, &sig, e) != 0)
		return -1;
	if (!pub || sig.nshingles == 0)
		return 0;
	if (candidates_find(db, c, id, round, &sig, cs, &n, e) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (campaign_sign_response(db, c, cs[i].rep, &pub, &r2, &other, e) != 0)
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
