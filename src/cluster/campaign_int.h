/* campaign_int.h: what the incremental clustering (campaign.c) and the rebuild
 * (campaign_rebuild.c) share. */
#ifndef AGORA_CAMPAIGN_INT_H
#define AGORA_CAMPAIGN_INT_H
#include "../store/db.h"
#include <stdint.h>

#include "minhash.h"

/* A response's text for clustering: its current version's summary and answers, in question
 * order, one per line. $1: the response's id. Columns: status, consultation_id, text.
 * SQLite joins with group_concat and char(10), PostgreSQL with string_agg and chr(10). */
#define CAMPAIGN_TEXT_COLUMNS_OF(NL, AGG)                                                         \
	"r.id, r.status, r.consultation_id, v.summary || " NL " || COALESCE((SELECT "            \
	AGG " FROM (SELECT a.body FROM response_answers a WHERE "                                 \
	"a.response_id = r.id AND a.version = r.current_version ORDER BY a.question) AS x), '') " \
	"FROM responses r JOIN response_versions v ON v.response_id = r.id AND v.version = "      \
	"r.current_version "
#define CAMPAIGN_TEXT_COLUMNS CAMPAIGN_TEXT_COLUMNS_OF("char(10)", "group_concat(body, char(10))")
#define CAMPAIGN_TEXT_COLUMNS_PG CAMPAIGN_TEXT_COLUMNS_OF("chr(10)", "string_agg(body, chr(10))")

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

/* Clustering inside a writer's transaction (campaign.c), for the worker (campaign_worker.c). */
int campaign_cluster_one(struct db *db, struct cluster_ctx *c, int64_t id, struct err *e);
/* Reads and signs response id on db (from c's cache when its current version was signed
 * before); *published, *round: its status and consultation. 0 (also when there is none), or -1. */
int campaign_sign_response(struct db *db, struct cluster_ctx *c, int64_t id, int *published, int64_t *round,
			   struct minhash_sig *sig, struct err *e);
/* Sets updated_at of the campaigns this batch touched, once each. */
int campaign_touches_apply(struct db *db, struct cluster_ctx *c, struct err *e);
/* Runs sql with $1 = a (and $2 = b when nb > 1). */
int campaign_run1(struct db *db, const char *sql, int64_t a, int64_t b, int nb, struct err *e);

/* Does a similarity reach the threshold (in percent)? Exact on the K-ths a signature gives. */
static inline int
campaign_reaches(double similarity, int threshold_pct)
{
	return similarity * 100.0 + 1e-9 >= (double)threshold_pct;
}

#endif
