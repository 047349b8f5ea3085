/* index_open.c: opening the search index file. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "tokenize.h"

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
		/* The index is rebuildable: NORMAL is enough (a lost batch is indexed again from the
		 * queue position stored with it). */
		if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", NULL, NULL,
				 &msg) != SQLITE_OK ||
		    sqlite3_exec(db, SEARCH_SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
			err_set(e, ERR_INTERNAL, "cannot prepare the search index %s: %s", path,
				msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_close(db);
			return NULL;
		}
	}
	return db;
}
