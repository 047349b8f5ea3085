/* campaign_int.h: what the incremental clustering (campaign.c) and the rebuild
 * (campaign_rebuild.c) share. */
#ifndef AGORA_CAMPAIGN_INT_H
#define AGORA_CAMPAIGN_INT_H
#include "../store/db.h"
#include "minhash.h"

/* A response's text for clustering: its current version's summary and answers, in question
 * order, one per line. $1: the response's id. Columns: status, consultation_id, text. */
#define CAMPAIGN_TEXT_COLUMNS                                                                     \
	"r.id, r.status, r.consultation_id, v.summary || char(10) || COALESCE((SELECT "           \
	"group_concat(body, char(10)) FROM (SELECT a.body FROM response_answers a WHERE "         \
	"a.response_id = r.id AND a.version = r.current_version ORDER BY a.question)), '') "     \
	"FROM responses r JOIN response_versions v ON v.response_id = r.id AND v.version = "      \
	"r.current_version "
/* The same on PostgreSQL: no group_concat nor char() there. */
#define CAMPAIGN_TEXT_COLUMNS_PG                                                                  \
	"r.id, r.status, r.consultation_id, v.summary || chr(10) || COALESCE((SELECT "            \
	"string_agg(a.body, chr(10) ORDER BY a.question) FROM response_answers a WHERE "          \
	"a.response_id = r.id AND a.version = r.current_version), '') "                           \
	"FROM responses r JOIN response_versions v ON v.response_id = r.id AND v.version = "      \
	"r.current_version "

/* Does a similarity reach the threshold (in percent)? Exact on the K-ths a signature gives. */
static inline int
campaign_reaches(double similarity, int threshold_pct)
{
	return similarity * 100.0 + 1e-9 >= (double)threshold_pct;
}

#endif
