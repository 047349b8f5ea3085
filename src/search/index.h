/* index.h: the search index, its own SQLite file (DATA/search.db), rebuildable from the
 * repository at any time. One row of docs per searchable thing, and its text in the FTS5
 * table fts under the same rowid. docs/SEARCH.md describes what is indexed and how. On
 * PostgreSQL the same rows are tables of the store (search_docs, search_bodies, search_meta;
 * pg_index.c), and these entry points dispatch there when given a postgres:// URL.
 *
 * Who may see a row: access 0 everyone, 1 members (delegates, focal points, chair and
 * secretariat), 2 the secretariat only (responses not published: pending, withheld,
 * withdrawn; consultations still in draft). Erased responses are not in the index at all. */
#ifndef AGORA_SEARCH_INDEX_H
#define AGORA_SEARCH_INDEX_H
#include <stdint.h>
#include <sqlite3.h>

#include "../util/err.h"

struct db;

enum search_access { ACCESS_PUBLIC = 0, ACCESS_MEMBERS = 1, ACCESS_SECRETARIAT = 2 };

/* docs.kind */
#define SEARCH_KIND_CONSULTATION "consultation"
#define SEARCH_KIND_RESPONSE "response"
#define SEARCH_KIND_OUTCOME "outcome"
#define SEARCH_KIND_DOCUMENT "document"

/* docs.flags */
#define SEARCH_FLAG_UNSEARCHABLE 1	/* an attachment has no text layer (a scanned PDF) */

/* What the index holds and how it is tokenized, on both backends: bump it with any change to
 * either, and servers
 * rebuild their index at start (an index of another version is rebuilt as if never built).
 * 2: words are split at apostrophes. 3: pairs of consecutive words are tokens too (tokenize.c). */
#define SEARCH_SCHEMA_VERSION 3
#define SEARCH_SCHEMA \
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n" \
	"CREATE TABLE IF NOT EXISTS docs (\n" \
	"  id INTEGER PRIMARY KEY,\n"		/* the fts rowid; kept when a thing is re-indexed */ \
	"  kind TEXT NOT NULL,\n"		/* SEARCH_KIND_* */ \
	"  thing_id INTEGER NOT NULL,\n"	/* its id in the repository */ \
	"  consultation TEXT NOT NULL DEFAULT '',\n"	/* slug, for a consultation or a response */ \
	"  stakeholder_type TEXT NOT NULL DEFAULT '',\n"	/* a response's */ \
	"  country TEXT NOT NULL DEFAULT '',\n"	/* ISO 3166 alpha-2: respondent, or author state */ \
	"  region TEXT NOT NULL DEFAULT '',\n"	/* ITU-D region of country (member_states.region) */ \
	"  language TEXT NOT NULL DEFAULT '',\n"	/* ar zh en fr ru es, declared or detected; und */ \
	"  at INTEGER NOT NULL,\n"		/* its date, seconds since the epoch */ \
	"  access INTEGER NOT NULL,\n"		/* enum search_access */ \
	"  url TEXT NOT NULL,\n"		/* its page, e.g. /responses/7Q2M... */ \
	"  title TEXT NOT NULL,\n"		/* what a result shows as its title (plain text) */ \
	"  flags INTEGER NOT NULL DEFAULT 0,\n"	/* SEARCH_FLAG_* */ \
	"  UNIQUE (kind, thing_id));\n" \
	"CREATE INDEX IF NOT EXISTS docs_by_at ON docs (at);\n" \
	"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, tokenize = 'agora');\n"

/* What a search's walk reads of each match, from docs, kept by these triggers in a table of
 * integers, each facet's text a code of facet_values (facet: 0 kind, 1 consultation,
 * 2 stakeholder_type, 3 country, 4 region, 5 language, as search_facet_names): at a million
 * responses docs is 172 MB and facets 26 MB, and the walk's lookups of up to 10,001 rows read
 * six times fewer pages (docs/PERFORMANCE.md, "Phrases through pairs"). Codes are never
 * reused; a value no row holds any more keeps its code. */
#define SEARCH_FACETS_SCHEMA \
	"CREATE TABLE IF NOT EXISTS facet_values (\n" \
	"  code INTEGER PRIMARY KEY, facet INTEGER NOT NULL, value TEXT NOT NULL, UNIQUE (facet, value));\n" \
	"CREATE TABLE IF NOT EXISTS facets (\n" \
	"  id INTEGER PRIMARY KEY, access INTEGER NOT NULL, at INTEGER NOT NULL, kind INTEGER NOT NULL,\n" \
	"  consultation INTEGER NOT NULL, stakeholder_type INTEGER NOT NULL, country INTEGER NOT NULL,\n" \
	"  region INTEGER NOT NULL, language INTEGER NOT NULL);\n" \
	SEARCH_FACETS_TRIGGER("insert", "INSERT") \
	SEARCH_FACETS_TRIGGER("update", "UPDATE") \
	"CREATE TRIGGER IF NOT EXISTS docs_facets_delete AFTER DELETE ON docs BEGIN\n" \
	"  DELETE FROM facets WHERE id = old.id;\n" \
	"END;\n"
#define SEARCH_FACETS_TRIGGER(name, event) \
	"CREATE TRIGGER IF NOT EXISTS docs_facets_" name " AFTER " event " ON docs BEGIN\n" \
	"  INSERT OR IGNORE INTO facet_values (facet, value) VALUES (0, new.kind), (1, new.consultation),\n" \
	"    (2, new.stakeholder_type), (3, new.country), (4, new.region), (5, new.language);\n" \
	"  INSERT OR REPLACE INTO facets VALUES (new.id, new.access, new.at,\n" \
	"    (SELECT code FROM facet_values WHERE facet = 0 AND value = new.kind),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 1 AND value = new.consultation),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 2 AND value = new.stakeholder_type),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 3 AND value = new.country),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 4 AND value = new.region),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 5 AND value = new.language));\n" \
	"END;\n"
/* The same rows for docs made before the table (an index of version 2, until it is rebuilt). */
#define SEARCH_FACETS_FILL \
	"INSERT OR IGNORE INTO facet_values (facet, value) SELECT 0, kind FROM docs UNION ALL\n" \
	"  SELECT 1, consultation FROM docs UNION ALL SELECT 2, stakeholder_type FROM docs UNION ALL\n" \
	"  SELECT 3, country FROM docs UNION ALL SELECT 4, region FROM docs UNION ALL\n" \
	"  SELECT 5, language FROM docs;\n" \
	"INSERT OR REPLACE INTO facets SELECT id, access, at,\n" \
	"    (SELECT code FROM facet_values WHERE facet = 0 AND value = docs.kind),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 1 AND value = docs.consultation),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 2 AND value = docs.stakeholder_type),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 3 AND value = docs.country),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 4 AND value = docs.region),\n" \
	"    (SELECT code FROM facet_values WHERE facet = 5 AND value = docs.language) FROM docs;\n"

/* Opens (creating when asked) the index at path with the tokenizer registered, WAL, and the
 * schema in place. flags: SEARCH_OPEN_READONLY or SEARCH_OPEN_CREATE. Returns NULL with e set. */
#define SEARCH_OPEN_READONLY 1
#define SEARCH_OPEN_CREATE 2
sqlite3 *search_index_open(const char *path, int flags, struct err *e);

/* An index to search (search.h's search_run): the SQLite index file, or a connection to the
 * PostgreSQL store, whose tables hold the index there (docs/SEARCH.md, "On PostgreSQL"). One of
 * the two is set. */
struct search_index {
	sqlite3 *lite;
	struct db *pg;
};

/* Whether a store URL is PostgreSQL's (the index is then in the store, not in a file). */
int search_url_is_postgres(const char *db_url);

/* The index file of a data folder: DIR/search.db. */
#define SEARCH_INDEX_FILE "search.db"

struct writer;

/* Called now and then during a long build: phase ("collecting", "indexing", "optimizing",
 * "counting"), how many things are done and how many there are (0: unknown). */
typedef void (*search_progress_fn)(const char *phase, int64_t done, int64_t total, void *ctx);

/* Indexes every searchable thing of the repository db into idx (an open index, emptied
 * first), oldest first so that newer things have higher rowids, in transactions of a few
 * thousand, and stores the queue position it is current with. Returns 0 or -1. */
int search_index_build(sqlite3 *idx, struct db *db, search_progress_fn progress, void *ctx,
		       struct err *e);

/* Indexes again the things queued in db's search_queue after the position stored in idx, at
 * most max queue rows, in one transaction with the new position. *applied: how many queue rows
 * were read (0: the index is current). An index that never had a build gets one first. */
int search_index_catch_up(sqlite3 *idx, struct db *db, int max, int *applied, struct err *e);

/* The SEARCH_SCHEMA_VERSION idx was built with (0: never built, or before versions were kept),
 * and whether it was ever built (it has a queue position). */
int64_t search_index_version(sqlite3 *idx);
int search_index_has_position(sqlite3 *idx);

/* The queue position idx is current with (0 when it never had a build; -1 on error). */
int64_t search_index_position(sqlite3 *idx);

/* `agora reindex`: builds a new generation of the index beside path and makes path (a
 * symbolic link) name it; a server that has the old one open notices and opens the new one.
 * indexer.c explains why a link. On PostgreSQL (db_url), path is not used: the index is built
 * again in one transaction (pg_index.c). */
int search_reindex(const char *db_url, const char *path, search_progress_fn progress, void *ctx,
		   struct err *e);

/* While `agora reindex` runs: the queue position its build started from (-1: none running). */
int64_t search_build_floor(const char *path);

/* The background indexer of a server: a thread that catches up every interval_ms (in batches
 * of at most SEARCH_BATCH queue rows) and deletes the queue rows it is past through w. On
 * PostgreSQL (db_url) it writes the index in the store, one server's indexer at a time, and
 * path is not used. */
#define SEARCH_BATCH 2000
struct search_indexer;
struct search_indexer *search_indexer_start(const char *db_url, const char *path, struct writer *w,
					    int interval_ms, struct err *e);
void search_indexer_kick(struct search_indexer *x);	/* look now */
void search_indexer_stop(struct search_indexer *x);	/* finishes the batch, joins, frees */

#endif
