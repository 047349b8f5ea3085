/* index_open.c: opening the search index file. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "tokenize.h"

/* Whether db has a table of that name. */
static int
has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int has = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

sqlite3 *
search_index_open(const char *path, int flags, struct err *e)
{
	sqlite3 *db = NULL;
	int oflags = SQLITE_OPEN_NOMUTEX;
	char *msg = NULL;

	oflags |= (flags & SEARCH_OPEN_READONLY) ? SQLITE_OPEN_READONLY
						 : SQLITE_OPEN_READWRITE | ((flags & SEARCH_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "cannot open the search index %s: %s", path,
			db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	if (flags & SEARCH_OPEN_CREATE)
		chmod(path, 0600);	/* like the repository: it holds what only members may read */
	sqlite3_busy_timeout(db, 5000);
	if (search_tokenizer_register(db) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "cannot register the search tokenizer: %s", sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	if (!(flags & SEARCH_OPEN_READONLY)) {
		int had_facets = has_table(db, "facets");

		/* The index is rebuildable: NORMAL is enough (a lost batch is indexed again from the
		 * queue position stored with it). */
		if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", NULL, NULL,
				 &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "BEGIN IMMEDIATE;" SEARCH_SCHEMA SEARCH_FACETS_SCHEMA, NULL, NULL, &msg) !=
			    SQLITE_OK ||
		    (!had_facets && sqlite3_exec(db, SEARCH_FACETS_FILL, NULL, NULL, &msg) != SQLITE_OK) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			err_set(e, ERR_INTERNAL, "cannot prepare the search index %s: %s", path,
				msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_close(db);
			return NULL;
		}
	}
	return db;
}
