/* campaign_rebuild.c: campaigns recomputed from scratch, fast: `agora campaigns --rebuild`,
 * the server's first start on a data folder, and a new threshold.
 *
 * One read transaction streams the published responses round by round in id order (so each
 * campaign's representative is its earliest member, as in the incremental path). Texts are
 * signed in chunks on `threads` threads while the next chunk is read; the chunk is then
 * clustered on this thread against in-memory buckets, whose entries name clusters (a single
 * response is a cluster of one), so a thousand copies of one text make one entry per band.
 * Everything is written at the end by one writer closure: one transaction. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/db.h"
#include "../util/clock.h"
#include "campaign.h"
#include "campaign_int.h"
#include "minhash.h"

#define CHUNK 2048		/* responses signed together */
#define MAX_THREADS 8
#define MAX_CAND 64

struct item {
	int64_t id;
	size_t off, len;
	struct minhash_sig sig;
};

struct chunk {
	struct item *items;
	size_t n;
	char *text;
	size_t tlen, tcap;
	int64_t round_of_last;
	int64_t *rounds;	/* per item */
};

/* What a rebuild writes. A bucket's anchor is a response id (> 0) or -(index + 1) of out.c. */
struct out_campaign {
	int64_t round, rep;
};
struct out_member {
	int64_t id;
	uint32_t campaign;	/* index into campaigns */
	uint32_t same;		/* equal values with the representative, of MINHASH_K */
};
struct out_bucket {
	int64_t key, anchor;
};
struct out {
	struct out_campaign *c;
	struct out_member *m;
	struct out_bucket *b;
	size_t nc, nm, nb, cc, cm, cb;
	int64_t round;		/* 0: all rounds */
	int64_t floor;
	int pct;
	uint32_t min_same;	/* the fewest equal values that reach pct */
	struct minhash_bands bands;
	double seconds;
};

/* The clusters of the round being read. */
struct slot {
	int64_t key;
	uint32_t cluster;
	uint32_t used;
};
struct round_state {
	int64_t round;
	struct minhash_sig *sig;	/* per cluster: its representative's */
	int64_t *rep;
	uint32_t *size;
	size_t n, cap;
	struct { int64_t id; uint32_t cluster, same; } *as;
	size_t nas, ascap;
	struct slot *tab;
	size_t tcap, tn;
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if ((q = realloc(*p, c * size)) == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static size_t
slot_of(int64_t key, size_t cap)
{
	return (size_t)((uint64_t)key * UINT64_C(0x9e3779b97f4a7c15) >> 20) & (cap - 1);
}

static int
tab_grow(struct round_state *r)
{
	struct slot *old = r->tab;
	size_t ocap = r->tcap;

	r->tcap = ocap ? ocap * 2 : 1 << 12;
	if ((r->tab = calloc(r->tcap, sizeof(*r->tab))) == NULL) {
		r->tab = old;
		r->tcap = ocap;
		return -1;
	}
	for (size_t i = 0; i < ocap; i++)
		if (old[i].used) {
			size_t j = slot_of(old[i].key, r->tcap);
			while (r->tab[j].used)
				j = (j + 1) & (r->tcap - 1);
			r->tab[j] = old[i];
		}
	free(old);
	return 0;
}

/* Adds (key, cluster) unless there. */
static int
tab_add(struct round_state *r, int64_t key, uint32_t cluster)
{
	size_t j;

	if ((r->tn + 1) * 4 > r->tcap * 3 && tab_grow(r) != 0)
		return -1;
	for (j = slot_of(key, r->tcap); r->tab[j].used; j = (j + 1) & (r->tcap - 1))
		if (r->tab[j].key == key && r->tab[j].cluster == cluster)
			return 0;
	r->tab[j].key = key;
	r->tab[j].cluster = cluster;
	r->tab[j].used = 1;
	r->tn++;
	return 0;
}

/* Clusters one signed response of round r (see campaign.c for the rule). */
static int
cluster_item(struct round_state *r, const struct out *o, const struct item *it)
{
	uint32_t cand[MAX_CAND], best = UINT32_MAX, best_same = 0;
	int64_t keys[MINHASH_K];
	int nc = 0;

	if (it->sig.nshingles == 0)
		return 0;
	/* The table and the candidates' signatures are far larger than the caches: ask for all
	 * the lines first, so that their misses overlap instead of coming one after another. */
	for (int b = 0; b < o->bands.bands; b++) {
		keys[b] = minhash_band_key(&it->sig, &o->bands, b, r->round);
		if (r->tcap > 0)
			__builtin_prefetch(&r->tab[slot_of(keys[b], r->tcap)]);
	}
	/* The first MAX_CAND distinct clusters met, band by band; once there are that many, the
	 * rest would be ignored anyway, so the search stops (a bucket of a common passage can
	 * hold thousands of clusters). */
	for (int b = 0; b < o->bands.bands && nc < MAX_CAND; b++) {
		if (r->tcap == 0)
			continue;
		for (size_t j = slot_of(keys[b], r->tcap); r->tab[j].used && nc < MAX_CAND;
		     j = (j + 1) & (r->tcap - 1)) {
			int k = 0;
			if (r->tab[j].key != keys[b])
				continue;
			while (k < nc && cand[k] != r->tab[j].cluster)
				k++;
			if (k == nc)
				cand[nc++] = r->tab[j].cluster;
		}
	}
	for (int k = 0; k < nc; k++)
		__builtin_prefetch(&r->sig[cand[k]]);
	for (int k = 0; k < nc; k++) {
		uint32_t c = cand[k], same = 0, differ = 0;
		/* Most candidates are chance ones: stop at the first value that puts them below the
		 * threshold (16 values at a time), without reading the rest of their signature. */
		for (int i = 0; i < MINHASH_K && differ <= MINHASH_K - o->min_same; i += 16) {
			for (int j = i; j < i + 16; j++)
				same += it->sig.v[j] == r->sig[c].v[j];
			differ = (uint32_t)(i + 16) - same;
		}
		if (same < o->min_same || !campaign_reaches((double)same / MINHASH_K, o->pct))
			continue;
		if (best == UINT32_MAX || (r->size[c] >= 2) > (r->size[best] >= 2) ||
		    ((r->size[c] >= 2) == (r->size[best] >= 2) &&
		     (same > best_same || (same == best_same && r->rep[c] < r->rep[best])))) {
			best = c;
			best_same = same;
		}
	}
	if (best == UINT32_MAX) {
		if (grow((void **)&r->sig, &r->cap, r->n + 1, sizeof(*r->sig)) != 0 ||
		    (r->rep = realloc(r->rep, r->cap * sizeof(*r->rep))) == NULL ||
		    (r->size = realloc(r->size, r->cap * sizeof(*r->size))) == NULL)
			return -1;
		best = (uint32_t)r->n++;
		r->sig[best] = it->sig;
		r->rep[best] = it->id;
		r->size[best] = 0;
		best_same = MINHASH_K;
	}
	r->size[best]++;
	if (grow((void **)&r->as, &r->ascap, r->nas + 1, sizeof(*r->as)) != 0)
		return -1;
	r->as[r->nas].id = it->id;
	r->as[r->nas].cluster = best;
	r->as[r->nas++].same = best_same;
	for (int b = 0; b < o->bands.bands; b++)
		if (tab_add(r, keys[b], best) != 0)
			return -1;
	return 0;
}

/* Moves the finished round's campaigns, members and buckets to o, and empties r. */
static int
round_flush(struct round_state *r, struct out *o)
{
	uint32_t *index = NULL;
	int rc = -1;

	if (r->n > 0 && (index = malloc(r->n * sizeof(*index))) == NULL)
		goto out;
	for (size_t c = 0; c < r->n; c++) {
		if (r->size[c] < 2)
			continue;
		if (grow((void **)&o->c, &o->cc, o->nc + 1, sizeof(*o->c)) != 0)
			goto out;
		index[c] = (uint32_t)o->nc;
		o->c[o->nc].round = r->round;
		o->c[o->nc++].rep = r->rep[c];
	}
	for (size_t i = 0; i < r->nas; i++) {
		if (r->size[r->as[i].cluster] < 2)
			continue;
		if (grow((void **)&o->m, &o->cm, o->nm + 1, sizeof(*o->m)) != 0)
			goto out;
		o->m[o->nm].id = r->as[i].id;
		o->m[o->nm].campaign = index[r->as[i].cluster];
		o->m[o->nm++].same = r->as[i].same;
	}
	if (grow((void **)&o->b, &o->cb, o->nb + r->tn, sizeof(*o->b)) != 0)
		goto out;
	for (size_t j = 0; j < r->tcap; j++) {
		uint32_t c;
		if (!r->tab[j].used)
			continue;
		c = r->tab[j].cluster;
		o->b[o->nb].key = r->tab[j].key;
		o->b[o->nb++].anchor = r->size[c] >= 2 ? -(int64_t)index[c] - 1 : r->rep[c];
	}
	rc = 0;
out:
	free(index);
	free(r->sig);
	free(r->rep);
	free(r->size);
	free(r->as);
	free(r->tab);
	memset(r, 0, sizeof(*r));
	return rc;
}

/* Signing threads: each signs items [from, to) of a chunk with its own signer. */
struct signer {
	struct minhash *mh;
	struct chunk *ch;
	size_t from, to;
	int failed;
	pthread_t t;
};

static void *
sign_part(void *arg)
{
	struct signer *s = arg;

	for (size_t i = s->from; i < s->to; i++)
		if (minhash_sign(s->mh, s->ch->text + s->ch->items[i].off, s->ch->items[i].len, &s->ch->items[i].sig) != 0)
			s->failed = 1;
	return NULL;
}

static const char SQL_ALL[] =
    "SELECT " CAMPAIGN_TEXT_COLUMNS "WHERE r.status = 'published' ORDER BY r.consultation_id, r.id";
static const char SQL_ROUND[] =
    "SELECT " CAMPAIGN_TEXT_COLUMNS "WHERE r.status = 'published' AND r.consultation_id = $1 ORDER BY r.id";
static const char SQL_ALL_PG[] =
    "SELECT " CAMPAIGN_TEXT_COLUMNS_PG "WHERE r.status = 'published' ORDER BY r.consultation_id, r.id";
static const char SQL_ROUND_PG[] =
    "SELECT " CAMPAIGN_TEXT_COLUMNS_PG "WHERE r.status = 'published' AND r.consultation_id = $1 ORDER BY r.id";
static const char SQL_COUNT_ALL[] = "SELECT COUNT(*) FROM responses WHERE status = 'published'";
static const char SQL_COUNT_ROUND[] =
    "SELECT COUNT(*) FROM responses WHERE status = 'published' AND consultation_id = $1";

/* Reads up to CHUNK rows of st into ch. Returns the rows read, or -1 (db error / memory). */
static long
chunk_read(struct db *db, struct db_stmt *st, struct chunk *ch, int *end)
{
	ch->n = 0;
	ch->tlen = 0;
	while (ch->n < CHUNK && !*end) {
		int rc = db_step(st);
		const char *t;
		size_t len;
		if (rc == DB_DONE) {
			*end = 1;
			break;
		}
		if (rc != DB_ROW)
			return -1;
		t = db_col_text(st, 3);
		len = strlen(t);
		if (grow((void **)&ch->text, &ch->tcap, ch->tlen + len + 1, 1) != 0)
			return -1;
		memcpy(ch->text + ch->tlen, t, len);
		ch->items[ch->n].id = db_col_int64(st, 0);
		ch->rounds[ch->n] = db_col_int64(st, 2);
		ch->items[ch->n].off = ch->tlen;
		ch->items[ch->n].len = len;
		ch->tlen += len;
		ch->n++;
	}
	(void)db;
	return (long)ch->n;
}

/* Clusters a signed chunk, in order, flushing each round when the next begins. */
static int
cluster_chunk(struct round_state *r, struct out *o, const struct chunk *c, struct campaign_rebuild_stats *stats)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->rounds[i] != r->round) {
			if (r->round != 0 && round_flush(r, o) != 0)
				return -1;
			r->round = c->rounds[i];
			stats->rounds++;
		}
		if (cluster_item(r, o, &c->items[i]) != 0)
			return -1;
	}
	return 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads, signs and clusters everything of o->round (or all), filling o. */
static int
compute(const char *db_url, struct out *o, int threads, campaign_progress_fn progress, void *ctx,
	struct campaign_rebuild_stats *stats, struct err *e)
{
	struct db *db = NULL;
	struct db_stmt *st;
	struct chunk ch[2];
	struct signer sg[MAX_THREADS];
	struct round_state r;
	struct chunk *signed_ch = NULL;	/* signed, to cluster */
	int64_t total = 0, done = 0;
	int end = 0, cur = 0, rc = -1, started = 0;

	memset(ch, 0, sizeof(ch));
	memset(sg, 0, sizeof(sg));
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 2; i++)
		if ((ch[i].items = malloc(CHUNK * sizeof(struct item))) == NULL ||
		    (ch[i].rounds = malloc(CHUNK * sizeof(int64_t))) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	for (int i = 0; i < threads; i++)
		if ((sg[i].mh = minhash_new(e)) == NULL)
			goto out;
	if (db_open(db_url, DB_READONLY, &db, e) != 0) {
		db = NULL;
		goto out;
	}
	if (db_exec(db, "BEGIN", e) != 0)	/* one snapshot for the count and the rows */
		goto out;
	if ((st = db_prepare(db, o->round ? SQL_COUNT_ROUND : SQL_COUNT_ALL)) == NULL) {
		db_err(db, e, "campaigns");
		goto out;
	}
	if (o->round)
		db_bind_int64(st, 1, o->round);
	if (db_step(st) == DB_ROW)
		total = db_col_int64(st, 0);
	db_done(st);
	if ((st = db_prepare(db, db_is_postgres(db) ? (o->round ? SQL_ROUND_PG : SQL_ALL_PG)
					       : (o->round ? SQL_ROUND : SQL_ALL))) == NULL) {
		db_err(db, e, "campaigns");
		goto out;
	}
	if (o->round)
		db_bind_int64(st, 1, o->round);
	if (chunk_read(db, st, &ch[cur], &end) < 0)
		goto read_fail;
	/* A pipeline of two chunks: the threads sign one while this thread clusters the one
	 * signed before and then reads the next into its place, so both cores stay busy. */
	while (ch[cur].n > 0) {
		struct chunk *c = &ch[cur];
		size_t per = (c->n + (size_t)threads - 1) / (size_t)threads;
		for (int i = 0; i < threads; i++) {
			sg[i].ch = c;
			sg[i].from = (size_t)i * per < c->n ? (size_t)i * per : c->n;
			sg[i].to = sg[i].from + per < c->n ? sg[i].from + per : c->n;
			sg[i].failed = 0;
			if (pthread_create(&sg[i].t, NULL, sign_part, &sg[i]) != 0) {
				for (int k = 0; k < i; k++)
					pthread_join(sg[k].t, NULL);
				err_set(e, ERR_INTERNAL, "cannot start a thread");
				goto out_stmt;
			}
		}
		started = threads;
		if (signed_ch != NULL && cluster_chunk(&r, o, signed_ch, stats) != 0) {
			for (int i = 0; i < started; i++)
				pthread_join(sg[i].t, NULL);
			goto oom;
		}
		if (signed_ch != NULL) {
			done += (int64_t)signed_ch->n;
			if (progress)
				progress("reading", done, total, ctx);
		}
		if (chunk_read(db, st, &ch[1 - cur], &end) < 0) {
			for (int i = 0; i < started; i++)
				pthread_join(sg[i].t, NULL);
			goto read_fail;
		}
		for (int i = 0; i < started; i++) {
			pthread_join(sg[i].t, NULL);
			if (sg[i].failed) {
				err_set(e, ERR_INTERNAL, "campaigns: the tokenizer failed");
				goto out_stmt;
			}
		}
		signed_ch = c;
		cur = 1 - cur;
	}
	if (signed_ch != NULL) {
		if (cluster_chunk(&r, o, signed_ch, stats) != 0)
			goto oom;
		done += (int64_t)signed_ch->n;
		if (progress)
			progress("reading", done, total, ctx);
	}
	if (r.round != 0 && round_flush(&r, o) != 0)
		goto oom;
	stats->responses = done;
	rc = 0;
	goto out_stmt;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
	goto out_stmt;
read_fail:
	db_err(db, e, "campaigns");
out_stmt:
	db_done(st);
	db_exec(db, "COMMIT", NULL);
out:
	round_flush(&r, o);	/* frees what is left (after an error) */
	for (int i = 0; i < 2; i++) {
		free(ch[i].items);
		free(ch[i].rounds);
		free(ch[i].text);
	}
	for (int i = 0; i < threads; i++)
		minhash_free(sg[i].mh);
	db_close(db);
	return rc;
}

static int
bucket_cmp(const void *a, const void *b)
{
	const struct out_bucket *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->anchor < y->anchor ? -1 : x->anchor > y->anchor;
}

static const char SQL_PARAMS_GET[] = "SELECT threshold, rows, bands FROM campaign_params WHERE id = 1";
static const char SQL_FLOOR_NEW[] =
    "INSERT INTO campaign_params (id, threshold, rows, bands, position, floor, built_at) "
    "VALUES (1, 0, 0, 0, 0, (SELECT COALESCE(MAX(id), 0) FROM campaign_queue), $1) "
    "ON CONFLICT (id) DO UPDATE SET floor = excluded.floor";
static const char SQL_FLOOR_GET[] = "SELECT floor FROM campaign_params WHERE id = 1";
static const char SQL_FLOOR_CLEAR[] = "UPDATE campaign_params SET floor = NULL WHERE id = 1";

/* First closure: keeps the queue rows from now on for after the rebuild (o->floor), and
 * makes a one-round rebuild a full one when the buckets were made with another banding. */
static int
floor_fn(struct db *db, void *arg, struct err *e)
{
	struct out *o = arg;
	struct db_stmt *st = db_prepare(db, SQL_PARAMS_GET);
	int current = 0;

	if (st == NULL)
		return db_err(db, e, "campaigns");
	if (db_step(st) == DB_ROW)
		current = db_col_int64(st, 0) == o->pct && db_col_int64(st, 1) == o->bands.rows &&
			  db_col_int64(st, 2) == o->bands.bands;
	db_done(st);
	if (!current)
		o->round = 0;
	if ((st = db_prepare(db, SQL_FLOOR_NEW)) == NULL)
		return db_err(db, e, "campaigns");
	db_bind_int64(st, 1, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "campaigns");
	if ((st = db_prepare(db, SQL_FLOOR_GET)) == NULL || db_step(st) != DB_ROW) {
		if (st)
			db_done(st);
		return db_err(db, e, "campaigns");
	}
	o->floor = db_col_int64(st, 0);
	db_done(st);
	return 0;
}

static int
floor_clear_fn(struct db *db, void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_FLOOR_CLEAR);

	(void)arg;
	if (st == NULL)
		return db_err(db, e, "campaigns");
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "campaigns");
}

static const char *const SQL_CLEAR_ALL[] = {
	"DELETE FROM campaign_members", "DELETE FROM campaigns", "DELETE FROM campaign_buckets", NULL
};
static const char *const SQL_CLEAR_ROUND[] = {
	"DELETE FROM campaign_buckets WHERE anchor IN (SELECT id FROM responses WHERE consultation_id = $1) "
	"OR anchor IN (SELECT -id FROM campaigns WHERE consultation_id = $1)",
	"DELETE FROM campaign_members WHERE campaign_id IN (SELECT id FROM campaigns WHERE consultation_id = $1)",
	"DELETE FROM campaigns WHERE consultation_id = $1", NULL
};
static const char SQL_C_INS[] =
    "INSERT INTO campaigns (consultation_id, representative, updated_at) VALUES ($1, $2, $3)";
static const char SQL_M_INS[] =
    "INSERT INTO campaign_members (response_id, campaign_id, similarity) VALUES ($1, $2, $3 / 128.0)";
static const char SQL_B_INS[] = "INSERT INTO campaign_buckets (key, anchor) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_PARAMS_SET[] =
    "UPDATE campaign_params SET threshold = $1, rows = $2, bands = $3, position = CASE WHEN position < $4 THEN position ELSE $4 END, "
    "floor = NULL, built_at = $5 WHERE id = 1";
static const char SQL_POSITION_ALL[] = "UPDATE campaign_params SET position = $1 WHERE id = 1";

/* The last closure: replaces the derived rows with o's. */
static int
replace_fn(struct db *db, void *arg, struct err *e)
{
	struct out *o = arg;
	const char *const *clear = o->round ? SQL_CLEAR_ROUND : SQL_CLEAR_ALL;
	int64_t now = clock_now(), *ids = NULL;
	struct db_stmt *st;
	int rc = -1;

	for (int i = 0; clear[i]; i++) {
		if ((st = db_prepare(db, clear[i])) == NULL)
			return db_err(db, e, "campaigns");
		if (o->round)
			db_bind_int64(st, 1, o->round);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "campaigns");
	}
	if (o->nc > 0 && (ids = malloc(o->nc * sizeof(*ids))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (size_t i = 0; i < o->nc; i++) {
		if ((st = db_prepare(db, SQL_C_INS)) == NULL)
			goto db_fail;
		db_bind_int64(st, 1, o->c[i].round);
		db_bind_int64(st, 2, o->c[i].rep);
		db_bind_int64(st, 3, now);
		if (db_run(st) != DB_DONE)
			goto db_fail;
		ids[i] = db_last_insert_id(db);
	}
	for (size_t i = 0; i < o->nm; i++) {
		if ((st = db_prepare(db, SQL_M_INS)) == NULL)
			goto db_fail;
		db_bind_int64(st, 1, o->m[i].id);
		db_bind_int64(st, 2, ids[o->m[i].campaign]);
		db_bind_int64(st, 3, o->m[i].same);
		if (db_run(st) != DB_DONE)
			goto db_fail;
	}
	for (size_t i = 0; i < o->nb; i++) {
		int64_t a = o->b[i].anchor;
		if ((st = db_prepare(db, SQL_B_INS)) == NULL)
			goto db_fail;
		db_bind_int64(st, 1, o->b[i].key);
		db_bind_int64(st, 2, a < 0 ? -ids[-a - 1] : a);
		if (db_run(st) != DB_DONE)
			goto db_fail;
	}
	if ((st = db_prepare(db, SQL_PARAMS_SET)) == NULL)
		goto db_fail;
	db_bind_int64(st, 1, o->pct);
	db_bind_int64(st, 2, o->bands.rows);
	db_bind_int64(st, 3, o->bands.bands);
	db_bind_int64(st, 4, o->floor);
	db_bind_int64(st, 5, now);
	if (db_run(st) != DB_DONE)
		goto db_fail;
	if (o->round == 0) {	/* everything is rebuilt: the queue up to the floor is done */
		if ((st = db_prepare(db, SQL_POSITION_ALL)) == NULL)
			goto db_fail;
		db_bind_int64(st, 1, o->floor);
		if (db_run(st) != DB_DONE)
			goto db_fail;
	}
	rc = 0;
	goto out;
db_fail:
	db_err(db, e, "campaigns");
out:
	free(ids);
	return rc;
}

int
campaign_rebuild(const char *db_url, struct writer *w, int threshold_pct, int64_t round, int threads,
		 campaign_progress_fn progress, void *ctx, struct campaign_rebuild_stats *stats, struct err *e)
{
	struct out o;
	struct timespec t0;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	memset(stats, 0, sizeof(*stats));
	err_clear(e);
	o.round = round;
	o.pct = threshold_pct;
	minhash_bands_for(threshold_pct / 100.0, &o.bands);
	while (o.min_same < MINHASH_K && !campaign_reaches((double)o.min_same / MINHASH_K, o.pct))
		o.min_same++;
	stats->rows = o.bands.rows;
	stats->bands = o.bands.bands;
	threads = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (writer_run(w, floor_fn, &o, e) != 0)
		return -1;
	if (compute(db_url, &o, threads, progress, ctx, stats, e) != 0)
		goto out;
	stats->seconds_reading = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (progress)
		progress("writing", 0, 0, ctx);
	/* In key order, the bucket rows go into their b-tree at its end: much faster. */
	if (o.nb > 0)	/* o.b is NULL when there is none, and qsort's array must not be */
		qsort(o.b, o.nb, sizeof(*o.b), bucket_cmp);
	if (writer_run(w, replace_fn, &o, e) != 0)
		goto out;
	stats->seconds_writing = seconds_since(&t0);
	stats->campaigns = (int64_t)o.nc;
	stats->members = (int64_t)o.nm;
	stats->buckets = (int64_t)o.nb;
	rc = 0;
out:
	if (rc != 0) {
		struct err e2;
		writer_run(w, floor_clear_fn, NULL, &e2);	/* let the queue be pruned again */
	}
	free(o.c);
	free(o.m);
	free(o.b);
	return rc;
}
