/* file_text.c: the extraction status of a file. */
#include <string.h>

#include "file_text.h"

static const char SQL_STATUS[] = "SELECT status FROM file_texts WHERE sha256 = $1";

const char *
file_text_status(struct db *db, const char *sha256)
{
	static const char *const known[] = { "ok", "no_text", "unsupported", "failed" };
	struct db_stmt *st = db_prepare(db, SQL_STATUS);
	const char *out = "";

	if (st == NULL)
		return "";
	db_bind_text(st, 1, sha256);
	if (db_step(st) == DB_ROW)
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(db_col_text(st, 0), known[i]) == 0)
				out = known[i];	/* a literal: outlives the statement */
	db_done(st);
	return out;
}
