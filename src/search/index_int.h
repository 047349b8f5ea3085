/* index_int.h: what index.c (a thing of the repository -> its index row) shares with pg_index.c,
 * which stores the same rows in the PostgreSQL store. Inside src/search only. */
#ifndef AGORA_SEARCH_INDEX_INT_H
#define AGORA_SEARCH_INDEX_INT_H
#include <stdint.h>
#include <sqlite3.h>

#include "../util/buf.h"
#include "../util/err.h"
#include "index.h"

struct arena;
struct db;
struct search_tokenizer;

/* One thing, as the index stores it. */
struct search_doc {
	const char *consultation, *stakeholder_type, *country, *region, *language, *url, *title;
	int64_t at;
	int access, flags;
	struct buf body;
};

/* Where index.c's rows go: the SQLite index file (idx and its statements), or, with idx NULL,
 * the PostgreSQL store db itself (pg_index.c, with tok). db is the repository either way. */
struct ix {
	sqlite3 *idx;
	struct db *db;
	struct arena *a;
	sqlite3_stmt *find, *ins_doc, *upd_doc, *del_doc, *ins_fts, *del_fts;
	struct search_tokenizer *tok;
};

/* Indexes (kind, id) again from its current state in the repository, or removes it. */
int search_ix_thing(struct ix *x, const char *kind, int64_t id, struct err *e);

/* pg_index.c: stores d as (kind, id), or removes (kind, id). */
int search_pg_put(struct ix *x, const char *kind, int64_t id, const struct search_doc *d, struct err *e);
int search_pg_remove(struct ix *x, const char *kind, int64_t id, struct err *e);

/* Every searchable thing of the repository, oldest first (a newer thing gets a higher id in
 * the index, which the fallback order uses). *items is malloc'd: the caller frees it. */
struct search_item {
	int64_t at, id;
	const char *kind;
};
int search_items_collect(struct db *db, struct search_item **items, int *n, struct err *e);

#endif
