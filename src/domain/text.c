/* text.c: the multilingual text table. */
#include "text.h"

static const char SQL_PUT[] =
    "INSERT INTO texts (thing, thing_id, field, language, body, status) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (thing, thing_id, field, language) DO UPDATE SET body = excluded.body, status = excluded.status";
static const char SQL_LOAD[] =
    "SELECT field, language, body FROM texts WHERE thing = $1 AND thing_id = $2";

int
text_put(struct db *db, const char *thing, int64_t id, const char *field, enum lang l,
	 const char *body, const char *status, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_PUT);

	if (st == NULL)
		return db_err(db, e, "text");
	db_bind_text(st, 1, thing);
	db_bind_int64(st, 2, id);
	db_bind_text(st, 3, field);
	db_bind_text(st, 4, lang_code(l));
	db_bind_text(st, 5, body);
	db_bind_text(st, 6, status);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "text");
	return 0;
}

int
text_load(struct db *db, struct arena *a, const char *thing, int64_t id,
	  void (*found)(const char *field, enum lang l, const char *body, void *ctx), void *ctx,
	  struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LOAD);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "texts");
	db_bind_text(st, 1, thing);
	db_bind_int64(st, 2, id);
	while ((rc = db_step(st)) == DB_ROW) {
		enum lang l;
		char *body;
		if (lang_from_code(db_col_text(st, 1), &l) != 0)
			continue;
		if ((body = arena_strdup(a, db_col_text(st, 2))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		found(db_col_text(st, 0), l, body, ctx);
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "texts");
	return 0;
}

const char *
mtext_pick(const struct mtext *t, enum lang want, enum lang *got)
{
	enum lang l = want;

	if (t->body[l] == NULL)
		l = t->original;
	for (int i = 0; t->body[l] == NULL && i < LANG_COUNT; i++)
		l = (enum lang)i;
	if (got != NULL)
		*got = l;
	return t->body[l];
}
