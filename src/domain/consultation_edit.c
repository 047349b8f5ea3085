/* consultation_edit.c: the secretariat's edits of a consultation: its general part (times,
 * original language, moderation, the order of its questions) before it opens, and the texts of
 * one language at a time in any state. One closure, one transaction, one audit row. */
#include "consultation.h"
#include "events.h"

#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"

static const char SQL_GENERAL[] =
    "UPDATE consultations SET opens_at = $2, closes_at = $3, original_language = $4, moderation = $5, "
    "updated_at = $6 WHERE id = $1";
static const char SQL_RENAME[] =
    "UPDATE texts SET field = $3 WHERE thing = 'consultation' AND thing_id = $1 AND field = $2";
static const char SQL_DROP_QUESTION_TEXTS[] =
    "DELETE FROM texts WHERE thing = 'consultation' AND thing_id = $1 AND field LIKE 'question:%'";
static const char SQL_DROP_QUESTIONS[] = "DELETE FROM questions WHERE consultation_id = $1 AND number > $2";
static const char SQL_ADD_QUESTION[] =
    "INSERT INTO questions (consultation_id, number) VALUES ($1, $2) ON CONFLICT DO NOTHING";

int
consultation_text_check(const char *value, size_t max_chars, int required, const char *field,
			struct err *e)
{
	if (value == NULL || value[strspn(value, " \t\r\n")] == '\0')
		return required ? err_set_field(e, ERR_INVALID, field, "is required") : 0;
	if (!utf8_valid(value, strlen(value)))
		return err_set_field(e, ERR_INVALID, field, "must be UTF-8 text without NUL");
	if (utf8_chars(value, strlen(value)) > max_chars)
		return err_set_field(e, ERR_INVALID, field, "is longer than %zu characters", max_chars);
	return 0;
}

enum translation
consultation_translation(const struct consultation *c, enum lang l)
{
	int questions = 0;

	if (c->title.body[l] == NULL)
		return TRANSLATION_NONE;
	if (str_eq(c->text_status[l], "draft"))
		return TRANSLATION_DRAFT;
	for (int i = 0; i < c->nquestions; i++)
		questions += c->question[i].body[l] != NULL;
	return questions == c->nquestions ? TRANSLATION_COMPLETE : TRANSLATION_PARTIAL;
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* Appends ", what" (or "what" first) to the changed list, cut at its size. */
static void
note(char changed[512], const char *what)
{
	size_t n = strlen(changed);

	snprintf(changed + n, 512 - n, "%s%s", n ? ", " : "", what);
}

static int
run(struct db *db, const char *sql, int64_t id, const char *a, const char *b, int64_t n,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_int64(st, 1, id);
	if (a != NULL) {
		db_bind_text(st, 2, a);
		db_bind_text(st, 3, b);
	} else if (n >= 0) {
		db_bind_int64(st, 2, n);
	}
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "consultation");
}

/* Renumbers the questions: the kept ones (ed->from, in their new order) become 1..n, the others
 * go, with their texts in every language (statuses kept); then the new one, if any. */
static int
renumber(struct db *db, const struct consultation *c, const struct consultation_edit *ed, int total,
	 struct err *e)
{
	char from[24], tmp[24], to[24];

	for (int k = 0; k < ed->nquestions; k++) {
		snprintf(from, sizeof(from), "question:%d", ed->from[k]);
		snprintf(tmp, sizeof(tmp), "renumber:%d", k + 1);
		if (run(db, SQL_RENAME, c->id, from, tmp, -1, e) != 0)
			return -1;
	}
	if (run(db, SQL_DROP_QUESTION_TEXTS, c->id, NULL, NULL, -1, e) != 0)
		return -1;
	for (int k = 0; k < ed->nquestions; k++) {
		snprintf(tmp, sizeof(tmp), "renumber:%d", k + 1);
		snprintf(to, sizeof(to), "question:%d", k + 1);
		if (run(db, SQL_RENAME, c->id, tmp, to, -1, e) != 0)
			return -1;
	}
	if (run(db, SQL_DROP_QUESTIONS, c->id, NULL, NULL, total, e) != 0)
		return -1;
	for (int k = 1; k <= total; k++)
		if (run(db, SQL_ADD_QUESTION, c->id, NULL, NULL, k, e) != 0)
			return -1;
	if (ed->new_question != NULL) {
		snprintf(to, sizeof(to), "question:%d", total);
		if (text_put(db, "consultation", c->id, to, ed->original, ed->new_question, "original", e) != 0)
			return -1;
	}
	return 0;
}

static int
edit_general(struct db *db, const struct consultation *c, struct consultation_edit *ed, struct err *e)
{
	int total = ed->nquestions + (ed->new_question != NULL), seen[CONSULTATION_MAX_QUESTIONS + 1] = { 0 };
	int reordered = ed->nquestions != c->nquestions, fired;
	struct db_stmt *st;
	char what[160];

	if (!str_eq(c->state, "draft") && !str_eq(c->state, "scheduled"))
		return err_set_field(e, ERR_CONFLICT, "opens_at",
				     "it is %s: its times change only by Extend or Close, and the "
				     "numbering of its questions is frozen", c->state);
	if (ed->closes_at <= ed->opens_at)
		return err_set_field(e, ERR_INVALID, "closes_at", "must be after the opening time");
	if (!str_eq(ed->moderation, "post") && !str_eq(ed->moderation, "pre"))
		return err_set_field(e, ERR_INVALID, "moderation", "must be post or pre");
	if (total < 1 || total > CONSULTATION_MAX_QUESTIONS)
		return err_set_field(e, ERR_INVALID, "questions", "needs 1 to %d questions",
				     CONSULTATION_MAX_QUESTIONS);
	if (c->title.body[ed->original] == NULL)
		return err_set_field(e, ERR_INVALID, "original_language",
				     "there is no title in %s: translate it first", lang_code(ed->original));
	for (int k = 0; k < ed->nquestions; k++) {
		int q = ed->from[k];
		if (q < 1 || q > c->nquestions || seen[q]++)
			return err_set_field(e, ERR_INVALID, "questions", "the questions' order names %d twice "
					     "or a question that does not exist", q);
		reordered |= q != k + 1;
		if (c->question[q - 1].body[ed->original] == NULL)
			return err_set_field(e, ERR_INVALID, "original_language",
					     "question %d has no text in %s: translate it first", q,
					     lang_code(ed->original));
	}
	if (ed->new_question != NULL &&
	    consultation_text_check(ed->new_question, CONSULTATION_MAX_QUESTION_CHARS, 1, "new_question", e) != 0)
		return -1;

	if ((st = db_prepare(db, SQL_GENERAL)) == NULL)
		return db_err(db, e, "consultation");
	db_bind_int64(st, 1, c->id);
	db_bind_int64(st, 2, ed->opens_at);
	db_bind_int64(st, 3, ed->closes_at);
	db_bind_text(st, 4, lang_code(ed->original));
	db_bind_text(st, 5, ed->moderation);
	db_bind_int64(st, 6, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "consultation");
	if (ed->original != c->original &&
	    (text_set_status(db, "consultation", c->id, c->original, "official", e) != 0 ||
	     text_set_status(db, "consultation", c->id, ed->original, "original", e) != 0))
		return -1;
	if ((reordered || ed->new_question != NULL) && renumber(db, c, ed, total, e) != 0)
		return -1;

	if (ed->opens_at != c->opens_at)
		note(ed->changed, "opens_at");
	if (ed->closes_at != c->closes_at)
		note(ed->changed, "closes_at");
	if (ed->original != c->original) {
		snprintf(what, sizeof(what), "original_language %s -> %s", lang_code(c->original),
			 lang_code(ed->original));
		note(ed->changed, what);
	}
	if (!str_eq(ed->moderation, c->moderation))
		note(ed->changed, "moderation");
	if (reordered) {	/* at most "questions 10,9,...,1 of 10": 39 bytes */
		size_t n = (size_t)snprintf(what, sizeof(what), "questions");
		for (int k = 0; k < ed->nquestions; k++)
			n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%d", k ? "," : " ", ed->from[k]);
		snprintf(what + n, sizeof(what) - n, " of %d", c->nquestions);
		note(ed->changed, what);
	}
	if (ed->new_question != NULL) {
		snprintf(what, sizeof(what), "question %d added", total);
		note(ed->changed, what);
	}
	/* a new opening or closing time may already have passed */
	return scheduler_fire_due(db, domain_events, domain_nevents, &fired, e);
}

/* Writes or removes one text of language l; notes it when it changed. */
static int
put_text(struct db *db, const struct consultation *c, struct consultation_edit *ed, const char *field,
	 const char *label, const char *old, const char *value, struct err *e)
{
	const char *status = ed->lang == c->original ? "original" : ed->status;
	int changed;

	if (blank(value)) {
		if (old == NULL)
			return 0;
		note(ed->changed, label);
		return text_delete(db, "consultation", c->id, field, ed->lang, e);
	}
	changed = !str_eq(old, value);
	if (changed)
		note(ed->changed, label);
	return text_put(db, "consultation", c->id, field, ed->lang, value, status, e);
}

static int
edit_language(struct db *db, const struct consultation *c, struct consultation_edit *ed, struct err *e)
{
	int original = ed->lang == c->original, any = 0;
	char field[24], label[32], what[64];

	if (!original && !str_eq(ed->status, "official") && !str_eq(ed->status, "draft"))
		return err_set_field(e, ERR_INVALID, "status", "must be an official translation or a draft");
	if (consultation_text_check(ed->title, CONSULTATION_MAX_TITLE_CHARS, original, "title", e) != 0 ||
	    consultation_text_check(ed->topic, CONSULTATION_MAX_TOPIC_CHARS, 0, "topic", e) != 0 ||
	    consultation_text_check(ed->description, CONSULTATION_MAX_DESCRIPTION_CHARS, 0, "description",
				    e) != 0)
		return -1;
	any = !blank(ed->topic) || !blank(ed->description);
	for (int i = 0; i < c->nquestions; i++) {
		snprintf(field, sizeof(field), "q%d", i + 1);
		if (consultation_text_check(ed->question[i], CONSULTATION_MAX_QUESTION_CHARS, original, field, e) != 0)
			return -1;
		any |= !blank(ed->question[i]);
	}
	if (any && blank(ed->title))
		return err_set_field(e, ERR_INVALID, "title", "a translation needs a title");

	snprintf(what, sizeof(what), "%s:", lang_code(ed->lang));
	note(ed->changed, what);
	if (put_text(db, c, ed, "title", "title", c->title.body[ed->lang], ed->title, e) != 0 ||
	    put_text(db, c, ed, "topic", "topic", c->topic.body[ed->lang], ed->topic, e) != 0 ||
	    put_text(db, c, ed, "description", "description", c->description.body[ed->lang],
		     ed->description, e) != 0)
		return -1;
	for (int i = 0; i < c->nquestions; i++) {
		snprintf(field, sizeof(field), "question:%d", i + 1);
		snprintf(label, sizeof(label), "question %d", i + 1);
		if (put_text(db, c, ed, field, label, c->question[i].body[ed->lang], ed->question[i], e) != 0)
			return -1;
	}
	if (!original && !blank(ed->title) && c->text_status[ed->lang] != NULL &&
	    !str_eq(c->text_status[ed->lang], ed->status)) {
		snprintf(what, sizeof(what), "status %s -> %s", c->text_status[ed->lang], ed->status);
		note(ed->changed, what);
	} else if (!original && !blank(ed->title) && c->text_status[ed->lang] == NULL) {
		snprintf(what, sizeof(what), "status %s", ed->status);
		note(ed->changed, what);
	}
	if (strlen(ed->changed) == 3)	/* "xx:" alone: nothing changed */
		ed->changed[0] = '\0';
	else if (ed->changed[3] == ',')	/* "xx:, title" -> "xx: title" */
		memmove(ed->changed + 3, ed->changed + 4, strlen(ed->changed + 4) + 1);
	return 0;
}

int
consultation_edit_fn(struct db *db, void *arg, struct err *e)
{
	struct consultation_edit *ed = arg;
	struct arena *a = arena_new();
	struct consultation c;
	int rc = -1;

	ed->changed[0] = '\0';
	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (consultation_get_admin(db, a, ed->slug, &c, e) != 0)
		goto out;
	if (ed->part == EDIT_GENERAL ? edit_general(db, &c, ed, e) : edit_language(db, &c, ed, e))
		goto out;
	/* a save that changes nothing is not a change: no audit row */
	rc = ed->changed[0] == '\0' ? 0
				     : consultation_audit(db, ed->account_id, ed->address, "consultation_edit",
							  ed->slug, ed->changed, e);
out:
	arena_free(a);
	return rc;
}
