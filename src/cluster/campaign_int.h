/* campaign_int.h: what the incremental clustering (campaign.c) and the rebuild
 * (campaign_rebuild.c) share. */
#ifndef AGORA_CAMPAIGN_INT_H
#define AGORA_CAMPAIGN_INT_H
#include "../store/db.h"
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

/* Does a similarity reach the threshold (in percent)? Exact on the K-ths a signature gives. */
static inline int
campaign_reaches(double similarity, int threshold_pct)
{
	return similarity * 100.0 + 1e-9 >= (double)threshold_pct;
}

#endif
