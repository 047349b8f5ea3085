/* consultation.c: consultations over the store; no HTTP, no HTML. */
#include "consultation.h"

#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "audit.h"
#include "response.h"

#define MAX_TITLE_CHARS CONSULTATION_MAX_TITLE_CHARS
#define MAX_TOPIC_CHARS CONSULTATION_MAX_TOPIC_CHARS
#define MAX_DESCRIPTION_CHARS CONSULTATION_MAX_DESCRIPTION_CHARS
#define MAX_QUESTION_CHARS CONSULTATION_MAX_QUESTION_CHARS

static const char SQL_INSERT[] =
    "INSERT INTO consultations (slug, original_language, opens_at, closes_at, state, moderation, "
    "meeting, illustrative_questions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)";
static const char SQL_QUESTION[] =
    "INSERT INTO questions (consultation_id, number) VALUES ($1, $2)";
static const char SQL_BY_SLUG[] =
    "SELECT id, slug, original_language, opens_at, closes_at, state, moderation, meeting, "
    "illustrative_questions, created_at, updated_at FROM consultations WHERE slug = $1";
static const char SQL_LIST[] =
    "SELECT id, slug, original_language, opens_at, closes_at, state, moderation, meeting, "
    "illustrative_questions, created_at, updated_at FROM consultations "
    "WHERE state <> 'draft' AND ($1 = '' OR state = $1) "
    "AND ($2 = 0 OR opens_at < $2 OR (opens_at = $2 AND id < $3)) "
    "ORDER BY opens_at DESC, id DESC LIMIT $4";
static const char SQL_LIST_ALL[] =
    "SELECT id, slug, original_language, opens_at, closes_at, state, moderation, meeting, "
    "illustrative_questions, created_at, updated_at FROM consultations "
    "ORDER BY opens_at DESC, id DESC LIMIT $1";
static const char SQL_PENDING[] =
    "SELECT COUNT(*) FROM responses WHERE consultation_id = $1 AND status = 'pending'";
static const char SQL_NQUESTIONS[] =
    "SELECT COALESCE(MAX(number), 0) FROM questions WHERE consultation_id = $1";

/* Strings from JSON: present, UTF-8 (jansson checks), within a length in characters. */
static int
get_text(json_t *obj, const char *key, size_t max_chars, int required, const char **out,
	 const char *field, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_set_field(e, ERR_INVALID, field, "is required");
		return 0;
	}
	if (!json_is_string(v))
		return err_set_field(e, ERR_INVALID, field, "must be a string");
	s = json_string_value(v);
	if (!utf8_valid(s, json_string_length(v)))
		return err_set_field(e, ERR_INVALID, field, "must be UTF-8 text without NUL");
	if (required && s[strspn(s, " \t\r\n")] == '\0')
		return err_set_field(e, ERR_INVALID, field, "must not be empty");
	if (utf8_chars(s, strlen(s)) > max_chars)
		return err_set_field(e, ERR_INVALID, field, "is longer than %zu characters", max_chars);
	*out = s;
	return 0;
}

static int
get_time(json_t *obj, const char *key, int64_t *out, struct err *e)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return err_set_field(e, ERR_INVALID, key, "is required, as an RFC 3339 time");
	if (time_parse_rfc3339(json_string_value(v), out) != 0)
		return err_set_field(e, ERR_INVALID, key, "'%s' is not an RFC 3339 time",
				     json_string_value(v));
	return 0;
}

int
consultation_spec_parse(json_t *j, struct consultation_spec *s, struct err *e)
{
	json_t *texts, *qs, *v;
	const char *key, *lc;
	char field[96];
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(j))
		return err_set(e, ERR_INVALID, "a consultation is a JSON object");
	if (get_text(j, "slug", 64, 1, &s->slug, "slug", e) != 0)
		return -1;
	if (!slug_valid(s->slug))
		return err_set_field(e, ERR_INVALID, "slug", "use 1-64 of a-z, 0-9 and '-', not starting or ending with '-'");
	if (get_text(j, "original_language", 2, 1, &lc, "original_language", e) != 0)
		return -1;
	if (lang_from_code(lc, &s->original) != 0)
		return err_set_field(e, ERR_INVALID, "original_language", "must be one of ar, zh, en, fr, ru, es");
	if (get_text(j, "meeting", 200, 0, &s->meeting, "meeting", e) != 0)
		return -1;
	if (get_text(j, "moderation", 4, 0, &s->moderation, "moderation", e) != 0)
		return -1;
	if (s->moderation == NULL)
		s->moderation = "post";
	if (strcmp(s->moderation, "post") != 0 && strcmp(s->moderation, "pre") != 0)
		return err_set_field(e, ERR_INVALID, "moderation", "must be \"post\" or \"pre\"");
	if (get_time(j, "opens_at", &s->opens_at, e) != 0 || get_time(j, "closes_at", &s->closes_at, e) != 0)
		return -1;
	if (s->closes_at <= s->opens_at)
		return err_set_field(e, ERR_INVALID, "closes_at", "must be after opens_at");
	v = json_object_get(j, "illustrative_questions");
	if (v != NULL && !json_is_boolean(v))
		return err_set_field(e, ERR_INVALID, "illustrative_questions", "must be true or false");
	s->illustrative = json_is_true(v);

	texts = json_object_get(j, "texts");
	if (!json_is_object(texts) || json_object_size(texts) == 0)
		return err_set_field(e, ERR_INVALID, "texts", "is required: an object of languages");
	json_object_foreach(texts, key, v) {
		enum lang l;
		if (lang_from_code(key, &l) != 0)
			return err_set_field(e, ERR_INVALID, "texts", "has a language other than ar, zh, en, fr, ru, es");
		if (!json_is_object(v))
			return err_set_field(e, ERR_INVALID, "texts", "texts.%s must be an object", key);
		snprintf(field, sizeof(field), "texts.%s.title", key);
		if (get_text(v, "title", MAX_TITLE_CHARS, 1, &s->title[l], field, e) != 0)
			return -1;
		snprintf(field, sizeof(field), "texts.%s.topic", key);
		if (get_text(v, "topic", MAX_TOPIC_CHARS, 0, &s->topic[l], field, e) != 0)
			return -1;
		snprintf(field, sizeof(field), "texts.%s.description", key);
		if (get_text(v, "description", MAX_DESCRIPTION_CHARS, 0, &s->description[l], field, e) != 0)
			return -1;
	}
	if (s->title[s->original] == NULL)
		return err_set_field(e, ERR_INVALID, "texts", "needs a title in the original language (%s)",
				     lang_code(s->original));

	qs = json_object_get(j, "questions");
	if (!json_is_array(qs) || json_array_size(qs) < 1 || json_array_size(qs) > CONSULTATION_MAX_QUESTIONS)
		return err_set_field(e, ERR_INVALID, "questions", "needs 1 to %d questions", CONSULTATION_MAX_QUESTIONS);
	s->nquestions = (int)json_array_size(qs);
	json_array_foreach(qs, i, v) {
		json_t *num = json_object_get(v, "number"), *qt = json_object_get(v, "text");
		json_t *tv;
		snprintf(field, sizeof(field), "questions[%zu]", i);
		if (!json_is_integer(num) || json_integer_value(num) != (json_int_t)i + 1)
			return err_set_field(e, ERR_INVALID, field, "questions are numbered 1, 2, 3... in order");
		if (!json_is_object(qt))
			return err_set_field(e, ERR_INVALID, field, "text must be an object of languages");
		json_object_foreach(qt, key, tv) {
			enum lang l;
			char qfield[128];
			if (lang_from_code(key, &l) != 0)
				return err_set_field(e, ERR_INVALID, field, "has a language other than ar, zh, en, fr, ru, es");
			snprintf(qfield, sizeof(qfield), "questions[%zu].text.%s", i, key);
			if (get_text(qt, key, MAX_QUESTION_CHARS, 1, &s->question[i][l], qfield, e) != 0)
				return -1;
		}
		if (s->question[i][s->original] == NULL)
			return err_set_field(e, ERR_INVALID, field, "needs a text in the original language (%s)",
					     lang_code(s->original));
	}
	return 0;
}

int
consultation_audit(struct db *db, int64_t account_id, const char *address, const char *action,
		   const char *slug, const char *detail, struct err *e)
{
	char object[96];
	struct audit_entry a = { 0, account_id, address ? address : "cli", action, object, detail };

	snprintf(object, sizeof(object), "consultation/%s", slug);
	return audit_append(db, &a, e);
}

/* "scheduled; languages en fr; 3 questions": what a reader of the log needs, into d (at most
 * 58 bytes: six languages, ten questions). */
static const char *
create_detail(const struct consultation_spec *s, char d[96])
{
	size_t n;

	n = (size_t)snprintf(d, 96, "%s; languages", s->publish ? "scheduled" : "draft");
	for (int l = 0; l < LANG_COUNT; l++)
		if (s->title[l] != NULL)
			n += (size_t)snprintf(d + n, 96 - n, " %s", lang_code(l));
	snprintf(d + n, 96 - n, "; %d questions", s->nquestions);
	return d;
}

int
consultation_create_fn(struct db *db, void *arg, struct err *e)
{
	const struct consultation_spec *s = arg;
	struct db_stmt *st = db_prepare(db, SQL_INSERT);
	char detail[96];
	int64_t id, now = clock_now();
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_text(st, 1, s->slug);
	db_bind_text(st, 2, lang_code(s->original));
	db_bind_int64(st, 3, s->opens_at);
	db_bind_int64(st, 4, s->closes_at);
	db_bind_text(st, 5, s->publish ? "scheduled" : "draft");
	db_bind_text(st, 6, s->moderation);
	db_bind_text(st, 7, s->meeting ? s->meeting : "");
	db_bind_int64(st, 8, s->illustrative);
	db_bind_int64(st, 9, now);
	if ((rc = db_run(st)) == DB_CONSTRAINT)
		return err_set_field(e, ERR_CONFLICT, "slug", "a consultation '%s' exists already", s->slug);
	if (rc != DB_DONE)
		return db_err(db, e, "consultation");
	id = db_last_insert_id(db);
	for (int l = 0; l < LANG_COUNT; l++) {
		const char *status = l == (int)s->original ? "original" : "official";
		if ((s->title[l] && text_put(db, "consultation", id, "title", l, s->title[l], status, e)) ||
		    (s->topic[l] && text_put(db, "consultation", id, "topic", l, s->topic[l], status, e)) ||
		    (s->description[l] &&
		     text_put(db, "consultation", id, "description", l, s->description[l], status, e)))
			return -1;
	}
	for (int q = 0; q < s->nquestions; q++) {
		char field[32];
		if ((st = db_prepare(db, SQL_QUESTION)) == NULL)
			return db_err(db, e, "question");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, q + 1);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "question");
		snprintf(field, sizeof(field), "question:%d", q + 1);
		for (int l = 0; l < LANG_COUNT; l++)
			if (s->question[q][l] != NULL &&
			    text_put(db, "consultation", id, field, l, s->question[q][l],
				     l == (int)s->original ? "original" : "official", e) != 0)
				return -1;
	}
	return consultation_audit(db, s->account_id, s->address, "consultation_create", s->slug,
				  create_detail(s, detail), e);
}

/* The text of c that field names ("title", "question:2"...), or NULL. */
static struct mtext *
field_text(struct consultation *c, const char *field)
{
	int n;

	if (strcmp(field, "title") == 0)
		return &c->title;
	if (strcmp(field, "topic") == 0)
		return &c->topic;
	if (strcmp(field, "description") == 0)
		return &c->description;
	if (sscanf(field, "question:%d", &n) == 1 && n >= 1 && n <= c->nquestions)
		return &c->question[n - 1];
	return NULL;
}

static void
text_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct mtext *t = field_text(ctx, field);

	if (t != NULL)
		t->body[l] = body;
}

static void
text_found_admin(const char *field, enum lang l, const char *body, const char *status, void *ctx)
{
	struct consultation *c = ctx;
	struct mtext *t = field_text(c, field);

	if (t != NULL)
		mtext_set(t, l, body, status);
	if (strcmp(field, "title") == 0)
		c->text_status[l] = status;
}

/* Fills c from a row of SQL_BY_SLUG / SQL_LIST (strings copied into a). */
static int
from_row(struct db_stmt *st, struct arena *a, struct consultation *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int64(st, 0);
	c->slug = arena_strdup(a, db_col_text(st, 1));
	if (lang_from_code(db_col_text(st, 2), &c->original) != 0)
		c->original = LANG_EN;
	c->opens_at = db_col_int64(st, 3);
	c->closes_at = db_col_int64(st, 4);
	c->state = arena_strdup(a, db_col_text(st, 5));
	c->moderation = arena_strdup(a, db_col_text(st, 6));
	c->meeting = arena_strdup(a, db_col_text(st, 7));
	c->illustrative = (int)db_col_int64(st, 8);
	c->created_at = db_col_int64(st, 9);
	c->updated_at = db_col_int64(st, 10);
	return c->slug && c->state && c->moderation && c->meeting ? 0 : -1;
}

/* texts: 0 none, 1 what the public reads, 2 everything with statuses and the pending count */
static int
load_details(struct db *db, struct arena *a, struct consultation *c, int texts, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_NQUESTIONS);

	if (st == NULL)
		return db_err(db, e, "questions");
	db_bind_int64(st, 1, c->id);
	if (db_step(st) == DB_ROW)
		c->nquestions = (int)db_col_int64(st, 0);
	db_done(st);
	if (c->nquestions > CONSULTATION_MAX_QUESTIONS)
		c->nquestions = CONSULTATION_MAX_QUESTIONS;
	c->title.original = c->topic.original = c->description.original = c->original;
	for (int i = 0; i < c->nquestions; i++)
		c->question[i].original = c->original;
	c->responses = response_count_published(db, c->id);
	if (texts == 1)
		return text_load(db, a, "consultation", c->id, text_found, c, e);
	if (texts != 2)
		return 0;
	if ((st = db_prepare(db, SQL_PENDING)) == NULL)
		return db_err(db, e, "responses");
	db_bind_int64(st, 1, c->id);
	if (db_step(st) == DB_ROW)
		c->pending = db_col_int64(st, 0);
	db_done(st);
	return text_load_all(db, a, "consultation", c->id, text_found_admin, c, e);
}

static int
get(struct db *db, struct arena *a, const char *slug, struct consultation *c, int texts,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_BY_SLUG);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_text(st, 1, slug);
	rc = db_step(st);
	if (rc == DB_ROW && from_row(st, a, c) != 0) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no consultation '%s'", slug);
	if (rc != DB_ROW)
		return db_err(db, e, "consultation");
	return load_details(db, a, c, texts, e);
}

int
consultation_get(struct db *db, struct arena *a, const char *slug, struct consultation *c,
		 struct err *e)
{
	return get(db, a, slug, c, 1, e);
}

int
consultation_get_brief(struct db *db, struct arena *a, const char *slug, struct consultation *c,
		       struct err *e)
{
	return get(db, a, slug, c, 0, e);
}

int
consultation_get_admin(struct db *db, struct arena *a, const char *slug, struct consultation *c,
		       struct err *e)
{
	return get(db, a, slug, c, 2, e);
}

int
consultation_list_all(struct db *db, struct arena *a, int n, struct consultation **out,
		      struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST_ALL);
	struct consultation *items;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "consultations");
	if ((items = arena_alloc(a, sizeof(*items) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, n);
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		if (from_row(st, a, &items[got]) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		got++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "consultations");
	for (int i = 0; i < got; i++)
		if (load_details(db, a, &items[i], 2, e) != 0)
			return -1;
	*out = items;
	return got;
}

int
consultation_list(struct db *db, struct arena *a, const char *state_filter, int64_t after_opens_at,
		  int64_t after_id, int limit, struct consultation_page *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return db_err(db, e, "consultations");
	if ((out->items = arena_alloc(a, sizeof(*out->items) * (size_t)(limit + 1))) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	db_bind_text(st, 1, state_filter ? state_filter : "");
	db_bind_int64(st, 2, after_opens_at);
	db_bind_int64(st, 3, after_id);
	db_bind_int64(st, 4, limit + 1);
	while ((rc = db_step(st)) == DB_ROW) {
		if (out->n == limit) {
			out->more = 1;
			continue;
		}
		if (from_row(st, a, &out->items[out->n]) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		out->n++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "consultations");
	for (int i = 0; i < out->n; i++)
		if (load_details(db, a, &out->items[i], 1, e) != 0)
			return -1;
	if (out->more) {
		out->next_opens_at = out->items[out->n - 1].opens_at;
		out->next_id = out->items[out->n - 1].id;
	}
	return 0;
}
