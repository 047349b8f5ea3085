/* text.c: the multilingual text table. */
#include "text.h"

#include <string.h>

static const char SQL_PUT[] =
    "INSERT INTO texts (thing, thing_id, field, language, body, status) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (thing, thing_id, field, language) DO UPDATE SET body = excluded.body, status = excluded.status";
/* Draft translations are the secretariat's work in progress: the public reads the others. */
static const char SQL_LOAD[] =
    "SELECT field, language, body, status FROM texts WHERE thing = $1 AND thing_id = $2 "
    "AND ($3 = 1 OR status <> 'draft')";
static const char SQL_DELETE[] =
    "DELETE FROM texts WHERE thing = $1 AND thing_id = $2 AND field = $3 AND ($4 = '' OR language = $4)";
static const char SQL_STATUS[] =
    "UPDATE texts SET status = $4 WHERE thing = $1 AND thing_id = $2 AND language = $3";

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

/* Both loads: drafts included or not; found_s gets the status, found does not. */
static int
load(struct db *db, struct arena *a, const char *thing, int64_t id, int with_drafts,
     void (*found)(const char *, enum lang, const char *, void *),
     void (*found_s)(const char *, enum lang, const char *, const char *, void *), void *ctx,
     struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LOAD);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "texts");
	db_bind_text(st, 1, thing);
	db_bind_int64(st, 2, id);
	db_bind_int64(st, 3, with_drafts);
	while ((rc = db_step(st)) == DB_ROW) {
		enum lang l;
		char *body, *status = NULL;
		if (lang_from_code(db_col_text(st, 1), &l) != 0)
			continue;
		if ((body = arena_strdup(a, db_col_text(st, 2))) == NULL ||
		    (found_s != NULL && (status = arena_strdup(a, db_col_text(st, 3))) == NULL)) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		if (found_s != NULL)
			found_s(db_col_text(st, 0), l, body, status, ctx);
		else
			found(db_col_text(st, 0), l, body, ctx);
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "texts");
	return 0;
}

int
text_load(struct db *db, struct arena *a, const char *thing, int64_t id,
	  void (*found)(const char *field, enum lang l, const char *body, void *ctx), void *ctx,
	  struct err *e)
{
	return load(db, a, thing, id, 0, found, NULL, ctx, e);
}

int
text_load_all(struct db *db, struct arena *a, const char *thing, int64_t id,
	      void (*found)(const char *field, enum lang l, const char *body, const char *status,
			    void *ctx),
	      void *ctx, struct err *e)
{
	return load(db, a, thing, id, 1, NULL, found, ctx, e);
}

int
text_delete(struct db *db, const char *thing, int64_t id, const char *field, enum lang l,
	    struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_DELETE);

	if (st == NULL)
		return db_err(db, e, "text");
	db_bind_text(st, 1, thing);
	db_bind_int64(st, 2, id);
	db_bind_text(st, 3, field);
	db_bind_text(st, 4, l == LANG_COUNT ? "" : lang_code(l));
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "text");
}

int
text_set_status(struct db *db, const char *thing, int64_t id, enum lang l, const char *status,
		struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_STATUS);

	if (st == NULL)
		return db_err(db, e, "text");
	db_bind_text(st, 1, thing);
	db_bind_int64(st, 2, id);
	db_bind_text(st, 3, lang_code(l));
	db_bind_text(st, 4, status);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "text");
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

enum text_status
text_status_parse(const char *s)
{
	if (s == NULL)
		return TEXT_NONE;
	if (strcmp(s, "original") == 0)
		return TEXT_ORIGINAL;
	if (strcmp(s, "official") == 0)
		return TEXT_OFFICIAL;
	if (strcmp(s, "draft") == 0)
		return TEXT_DRAFT;
	return TEXT_NONE;
}

const char *
text_status_code(enum text_status s)
{
	switch (s) {
	case TEXT_ORIGINAL:
		return "original";
	case TEXT_OFFICIAL:
		return "official";
	case TEXT_DRAFT:
		return "draft";
	default:
		return "missing";
	}
}

enum text_status
mtext_status(const struct mtext *t, enum lang l)
{
	if ((unsigned)l >= LANG_COUNT || t->body[l] == NULL)
		return TEXT_NONE;
	if (t->status[l] != TEXT_NONE)
		return t->status[l];
	return l == t->original ? TEXT_ORIGINAL : TEXT_OFFICIAL;
}

void
mtext_set(struct mtext *t, enum lang l, const char *body, const char *status)
{
	if ((unsigned)l >= LANG_COUNT)
		return;
	t->body[l] = body;
	t->status[l] = text_status_parse(status);
}

json_t *
mtext_json(const struct mtext *t)
{
	json_t *o = json_object();

	for (int l = 0; l < LANG_COUNT; l++)
		if (t->body[l] != NULL)
			json_object_set_new(o, lang_code((enum lang)l), json_string(t->body[l]));
	return o;
}
