/* ext.c: the entry point of build/agora_fts.so, a loadable SQLite extension that registers the
 * "agora" tokenizer so the sqlite3 shell can open our FTS5 indexes (`.load build/agora_fts`).
 * The Makefile compiles every src/ C file into libagora.a as well; there AGORA_FTS_EXTENSION is
 * not defined and this file compiles to nothing. */
#ifdef AGORA_FTS_EXTENSION
#include "tokenize.h"

SQLITE_EXTENSION_INIT1

int sqlite3_extension_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api);

int
sqlite3_extension_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
	int rc;

	SQLITE_EXTENSION_INIT2(api);
	if ((rc = search_tokenizer_register(db)) != SQLITE_OK)
		*errmsg = sqlite3_mprintf("agora_fts: cannot register the tokenizer (%s)",
		    sqlite3_errstr(rc));
	return rc;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int search_ext_unused;
#endif
