/* meeting.c: meetings over the store (reads, and the creation the demo loader uses). */
#include "meeting.h"

#include <stdio.h>
#include <string.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "audit.h"
#include "subscription.h"

/* The two reads take the same columns in the same order (from_row). */
static const char SQL_LIST[] =
    "SELECT m.id, m.number, m.kind, m.mode, m.place, m.starts_on, m.ends_on, m.created_at, "
    "m.original_language, "
    "(SELECT COUNT(*) FROM outcomes o WHERE o.meeting_id = m.id), "
    "(SELECT COUNT(*) FROM outcomes o WHERE o.meeting_id = m.id AND o.status IN ('open', 'in_progress')) "
    "FROM meetings m ORDER BY m.starts_on DESC, m.number DESC LIMIT $1";
static const char SQL_BY_NUMBER[] =
    "SELECT m.id, m.number, m.kind, m.mode, m.place, m.starts_on, m.ends_on, m.created_at, "
    "m.original_language, "
    "(SELECT COUNT(*) FROM outcomes o WHERE o.meeting_id = m.id), "
    "(SELECT COUNT(*) FROM outcomes o WHERE o.meeting_id = m.id AND o.status IN ('open', 'in_progress')) "
    "FROM meetings m WHERE m.number = $1";
static const char SQL_EXISTS[] = "SELECT 1 FROM meetings WHERE number = $1";
static const char SQL_INSERT[] =
    "INSERT INTO meetings (number, kind, starts_on, ends_on, place, mode, original_language, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_OUTCOME[] =
    "INSERT INTO outcomes (meeting_id, letter, kind, addressee, status, done_note, done_at, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
static const char SQL_EVENT[] =
    "INSERT INTO outcome_events (outcome_id, from_status, to_status, note, address, at) "
    "VALUES ($1, '', $2, $3, 'cli', $4)";
static const char SQL_ROUND[] = "SELECT id, launched_by_outcome FROM consultations WHERE slug = $1";
static const char SQL_LAUNCH[] = "UPDATE consultations SET launched_by_outcome = $2 WHERE id = $1";
static const char SQL_LINK[] =
    "INSERT INTO outcome_links (outcome_id, consultation_id, created_at) VALUES ($1, $2, $3)";

/* ---- reading ----------------------------------------------------------------------------- */

static void
text_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct meeting *m = ctx;

	if (strcmp(field, "title") == 0)
		m->title.body[l] = body;
	else if (strcmp(field, "agenda") == 0)
		m->agenda.body[l] = body;
}

static int
from_row(struct db_stmt *st, struct arena *a, struct meeting *m)
{
	memset(m, 0, sizeof(*m));
	m->id = db_col_int64(st, 0);
	m->number = (int)db_col_int64(st, 1);
	m->kind = arena_strdup(a, db_col_text(st, 2));
	m->mode = arena_strdup(a, db_col_text(st, 3));
	m->place = arena_strdup(a, db_col_text(st, 4));
	m->starts_on = db_col_int64(st, 5);
	m->ends_on = db_col_int64(st, 6);
	m->created_at = db_col_int64(st, 7);
	if (lang_from_code(db_col_text(st, 8), &m->original) != 0)
		m->original = LANG_EN;
	m->noutcomes = (int)db_col_int64(st, 9);
	m->nopen = (int)db_col_int64(st, 10);
	m->title.original = m->agenda.original = m->original;
	return m->kind && m->mode && m->place ? 0 : -1;
}

int
meeting_list(struct db *db, struct arena *a, int n, struct meeting **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	struct meeting *items;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "meetings");
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
		return db_err(db, e, "meetings");
	for (int i = 0; i < got; i++)
		if (text_load(db, a, "meeting", items[i].id, text_found, &items[i], e) != 0)
			return -1;
	*out = items;
	return got;
}

int
meeting_get(struct db *db, struct arena *a, int number, struct meeting *m, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_BY_NUMBER);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "meeting");
	db_bind_int64(st, 1, number);
	rc = db_step(st);
	if (rc == DB_ROW && from_row(st, a, m) != 0) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no meeting %d", number);
	if (rc != DB_ROW)
		return db_err(db, e, "meeting");
	return text_load(db, a, "meeting", m->id, text_found, m, e);
}

/* ---- the JSON format -------------------------------------------------------------------- */

static int
one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (str_eq(v, *allowed))
			return 1;
	return 0;
}

/* A string member: present when required, UTF-8, at most max_chars; *out NULL when absent. */
static int
get_text(json_t *obj, const char *key, size_t max_chars, int required, const char **out,
	 const char *field, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? err_set_field(e, ERR_INVALID, field, "is required") : 0;
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
get_choice(json_t *obj, const char *key, const char *const *allowed, const char *dflt,
	   const char **out, const char *field, struct err *e)
{
	if (get_text(obj, key, 32, dflt == NULL, out, field, e) != 0)
		return -1;
	if (*out == NULL)
		*out = dflt;
	if (!one_of(*out, allowed))
		return err_set_field(e, ERR_INVALID, field, "'%s' is not one of the allowed values", *out);
	return 0;
}

static int
get_slugs(json_t *obj, const char *key, const char **out, int *n, const char *field, struct err *e)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t i;

	*n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > MEETING_MAX_LINKS)
		return err_set_field(e, ERR_INVALID, field, "must be a list of at most %d slugs", MEETING_MAX_LINKS);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !slug_valid(json_string_value(v)))
			return err_set_field(e, ERR_INVALID, field, "must be a list of consultation slugs");
		out[(*n)++] = json_string_value(v);
	}
	return 0;
}

static const char *const KINDS[] = { "working_group", "open_consultation", NULL };
static const char *const MODES[] = { "in_person", "virtual", "hybrid", NULL };
static const char *const OUTCOME_KINDS[] = { "decision", "request", "invitation", NULL };
static const char *const ADDRESSEES[] = { "secretariat", "bureau_directors", "member_states", "chair", NULL };
static const char *const STATUSES[] = { "open", "in_progress", "done", "superseded", NULL };

static int
outcome_parse(json_t *j, struct outcome_spec *o, char letter, const char *prefix, enum lang original,
	      struct err *e)
{
	char field[160];
	json_t *texts, *v;
	const char *key;

	o->letter = letter;
	if (!json_is_object(j))
		return err_set_field(e, ERR_INVALID, prefix, "an outcome is an object");
	v = json_object_get(j, "letter");
	if (v != NULL && (!json_is_string(v) || json_string_length(v) != 1 || json_string_value(v)[0] != letter))
		return err_set_field(e, ERR_INVALID, prefix, "outcomes are lettered a, b, c... in order ('%c' here)",
				     letter);
	snprintf(field, sizeof(field), "%s.kind", prefix);
	if (get_choice(j, "kind", OUTCOME_KINDS, NULL, &o->kind, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.addressee", prefix);
	if (get_choice(j, "addressee", ADDRESSEES, NULL, &o->addressee, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.status", prefix);
	if (get_choice(j, "status", STATUSES, "open", &o->status, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.note", prefix);
	if (get_text(j, "note", OUTCOME_NOTE_MAX_CHARS, 0, &o->note, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.texts", prefix);
	texts = json_object_get(j, "texts");
	if (!json_is_object(texts))
		return err_set_field(e, ERR_INVALID, field, "is required: an object of languages");
	json_object_foreach(texts, key, v) {
		enum lang l;
		char tfield[192];
		if (lang_from_code(key, &l) != 0)
			return err_set_field(e, ERR_INVALID, field, "has a language other than ar, zh, en, fr, ru, es");
		snprintf(tfield, sizeof(tfield), "%s.%s", field, key);
		if (get_text(texts, key, OUTCOME_MAX_TEXT_CHARS, 1, &o->text[l], tfield, e) != 0)
			return -1;
	}
	if (o->text[original] == NULL)
		return err_set_field(e, ERR_INVALID, field, "needs a text in the original language (%s)",
				     lang_code(original));
	snprintf(field, sizeof(field), "%s.launches", prefix);
	if (get_slugs(j, "launches", o->launches, &o->nlaunches, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.concerns", prefix);
	return get_slugs(j, "concerns", o->concerns, &o->nconcerns, field, e);
}

static int
get_day(json_t *j, const char *key, int64_t *out, const char *field, struct err *e)
{
	json_t *v = json_object_get(j, key);
	const char *s = json_string_value(v);

	if (s == NULL || strlen(s) != 10 || time_parse_rfc3339(s, out) != 0)
		return err_set_field(e, ERR_INVALID, field, "is required, as a day: YYYY-MM-DD");
	return 0;
}

int
meeting_spec_parse(json_t *j, struct meeting_spec *s, const char *prefix, struct err *e)
{
	char field[128];
	json_t *v, *texts, *outs;
	const char *key, *lc;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(j))
		return err_set_field(e, ERR_INVALID, prefix, "a meeting is a JSON object");
	v = json_object_get(j, "number");
	snprintf(field, sizeof(field), "%s.number", prefix);
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > MEETING_NUMBER_MAX)
		return err_set_field(e, ERR_INVALID, field, "must be a whole number from 1 to %d", MEETING_NUMBER_MAX);
	s->number = (int)json_integer_value(v);
	snprintf(field, sizeof(field), "%s.kind", prefix);
	if (get_choice(j, "kind", KINDS, "working_group", &s->kind, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.mode", prefix);
	if (get_choice(j, "mode", MODES, NULL, &s->mode, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.place", prefix);
	if (get_text(j, "place", 200, 0, &s->place, field, e) != 0)
		return -1;
	if (s->place == NULL)
		s->place = "";
	snprintf(field, sizeof(field), "%s.starts_on", prefix);
	if (get_day(j, "starts_on", &s->starts_on, field, e) != 0)
		return -1;
	snprintf(field, sizeof(field), "%s.ends_on", prefix);
	if (get_day(j, "ends_on", &s->ends_on, field, e) != 0)
		return -1;
	if (s->ends_on < s->starts_on)
		return err_set_field(e, ERR_INVALID, field, "must not be before starts_on");
	snprintf(field, sizeof(field), "%s.original_language", prefix);
	if (get_text(j, "original_language", 2, 0, &lc, field, e) != 0)
		return -1;
	s->original = LANG_EN;
	if (lc != NULL && lang_from_code(lc, &s->original) != 0)
		return err_set_field(e, ERR_INVALID, field, "must be one of ar, zh, en, fr, ru, es");
	snprintf(field, sizeof(field), "%s.texts", prefix);
	texts = json_object_get(j, "texts");
	if (!json_is_object(texts))
		return err_set_field(e, ERR_INVALID, field, "is required: an object of languages");
	json_object_foreach(texts, key, v) {
		enum lang l;
		char tfield[160];
		if (lang_from_code(key, &l) != 0 || !json_is_object(v))
			return err_set_field(e, ERR_INVALID, field, "maps ar, zh, en, fr, ru, es to objects");
		snprintf(tfield, sizeof(tfield), "%s.%s.title", field, key);
		if (get_text(v, "title", MEETING_MAX_TITLE_CHARS, 1, &s->title[l], tfield, e) != 0)
			return -1;
		snprintf(tfield, sizeof(tfield), "%s.%s.agenda", field, key);
		if (get_text(v, "agenda", MEETING_MAX_AGENDA_CHARS, 0, &s->agenda[l], tfield, e) != 0)
			return -1;
	}
	if (s->title[s->original] == NULL)
		return err_set_field(e, ERR_INVALID, field, "needs a title in the original language (%s)",
				     lang_code(s->original));
	outs = json_object_get(j, "outcomes");
	snprintf(field, sizeof(field), "%s.outcomes", prefix);
	if (outs != NULL && (!json_is_array(outs) || json_array_size(outs) > MEETING_MAX_OUTCOMES))
		return err_set_field(e, ERR_INVALID, field, "must be a list of at most %d outcomes", MEETING_MAX_OUTCOMES);
	json_array_foreach(outs, i, v) {
		snprintf(field, sizeof(field), "%s.outcomes[%zu]", prefix, i);
		if (outcome_parse(v, &s->outcome[i], (char)('a' + i), field, s->original, e) != 0)
			return -1;
		s->noutcomes++;
	}
	return 0;
}

/* ---- creating --------------------------------------------------------------------------- */

static int
put_texts(struct db *db, const char *thing, int64_t id, const char *field, const char *const *body,
	  enum lang original, struct err *e)
{
	for (int l = 0; l < LANG_COUNT; l++)
		if (body[l] != NULL &&
		    text_put(db, thing, id, field, (enum lang)l, body[l],
			     l == (int)original ? "original" : "official", e) != 0)
			return -1;
	return 0;
}

/* The round named slug, for a link: its id; a launch also checks no other outcome launched it. */
static int
link_round(struct db *db, int64_t outcome_id, const char *slug, int launched, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ROUND);
	int64_t cid = 0, by = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_text(st, 1, slug);
	if ((rc = db_step(st)) == DB_ROW) {
		cid = db_col_int64(st, 0);
		by = db_col_int64(st, 1);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no consultation '%s' to link", slug);
	if (rc != DB_ROW)
		return db_err(db, e, "consultation");
	if (launched && by != 0)
		return err_set(e, ERR_CONFLICT, "the round '%s' was launched by another outcome", slug);
	if ((st = db_prepare(db, launched ? SQL_LAUNCH : SQL_LINK)) == NULL)
		return db_err(db, e, "link");
	if (launched) {
		db_bind_int64(st, 1, cid);
		db_bind_int64(st, 2, outcome_id);
	} else {
		db_bind_int64(st, 1, outcome_id);
		db_bind_int64(st, 2, cid);
		db_bind_int64(st, 3, now);
	}
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "link");
}

static int
create_outcome(struct db *db, int64_t meeting_id, const struct outcome_spec *o, enum lang original,
	       int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_OUTCOME);
	char letter[2] = { o->letter, 0 };
	int closed = str_eq(o->status, "done") || str_eq(o->status, "superseded");
	int64_t id;

	if (st == NULL)
		return db_err(db, e, "outcome");
	db_bind_int64(st, 1, meeting_id);
	db_bind_text(st, 2, letter);
	db_bind_text(st, 3, o->kind);
	db_bind_text(st, 4, o->addressee);
	db_bind_text(st, 5, o->status);
	db_bind_text(st, 6, closed && o->note ? o->note : "");
	if (closed)
		db_bind_int64(st, 7, now);
	else
		db_bind_null(st, 7);
	db_bind_int64(st, 8, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outcome");
	id = db_last_insert_id(db);
	if (put_texts(db, "outcome", id, "text", o->text, original, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_EVENT)) == NULL)
		return db_err(db, e, "outcome event");
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, o->status);
	db_bind_text(st, 3, o->note ? o->note : "");
	db_bind_int64(st, 4, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outcome event");
	for (int i = 0; i < o->nlaunches; i++)
		if (link_round(db, id, o->launches[i], 1, now, e) != 0)
			return -1;
	for (int i = 0; i < o->nconcerns; i++)
		if (link_round(db, id, o->concerns[i], 0, now, e) != 0)
			return -1;
	return 0;
}

int
meeting_create_fn(struct db *db, void *arg, struct err *e)
{
	struct meeting_spec *s = arg;
	struct db_stmt *st = db_prepare(db, SQL_EXISTS);
	struct audit_entry au;
	char object[32], detail[64];
	int64_t id, now = clock_now();

	if (st == NULL)
		return db_err(db, e, "meeting");
	db_bind_int64(st, 1, s->number);
	s->existed = db_step(st) == DB_ROW;
	db_done(st);
	if (s->existed)
		return 0;
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "meeting");
	db_bind_int64(st, 1, s->number);
	db_bind_text(st, 2, s->kind);
	db_bind_int64(st, 3, s->starts_on);
	db_bind_int64(st, 4, s->ends_on);
	db_bind_text(st, 5, s->place);
	db_bind_text(st, 6, s->mode);
	db_bind_text(st, 7, lang_code(s->original));
	db_bind_int64(st, 8, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "meeting");
	id = db_last_insert_id(db);
	if (put_texts(db, "meeting", id, "title", s->title, s->original, e) != 0 ||
	    put_texts(db, "meeting", id, "agenda", s->agenda, s->original, e) != 0)
		return -1;
	for (int i = 0; i < s->noutcomes; i++)
		if (create_outcome(db, id, &s->outcome[i], s->original, now, e) != 0)
			return -1;
	/* its outcomes are published with it: subscribers hear of them (subscription_notice.c) */
	if (notice_outcomes_published(db, id, e) != 0)
		return -1;
	snprintf(object, sizeof(object), "meeting/%d", s->number);
	snprintf(detail, sizeof(detail), "%s; %d outcomes", s->kind, s->noutcomes);
	au = (struct audit_entry){ now, 0, "cli", "meeting_create", object, detail };
	return audit_append(db, &au, e);
}

/* "12th", "12e", "1re", "15.ª"...: ICU's ordinal rules for a meeting in lang. Réunion and
 * reunión are feminine, so French and Spanish take the feminine rule set (a rule set this
 * ICU lacks leaves the default in place). The number itself when ICU fails. */
const char *
meeting_ordinal(struct arena *a, int n, enum lang lang)
{
	static const UChar fem[] = { '%', 'd', 'i', 'g', 'i', 't', 's', '-', 'o', 'r', 'd', 'i', 'n', 'a',
				     'l', '-', 'f', 'e', 'm', 'i', 'n', 'i', 'n', 'e', 0 };
	UErrorCode st = U_ZERO_ERROR;
	UNumberFormat *f = unum_open(UNUM_ORDINAL, NULL, 0, lang == LANG_EN ? "en_GB" : lang_code(lang), NULL, &st);
	UChar u[64];
	char out[128];
	int32_t len;

	if (U_FAILURE(st) || f == NULL)
		return arena_printf(a, "%d", n);
	if (lang == LANG_FR || lang == LANG_ES) {
		UErrorCode st2 = U_ZERO_ERROR;
		unum_setTextAttribute(f, UNUM_DEFAULT_RULESET, fem, -1, &st2);
	}
	len = unum_format(f, n, u, 64, NULL, &st);
	unum_close(f);
	if (U_FAILURE(st) || len <= 0 || len >= 64)
		return arena_printf(a, "%d", n);
	u_strToUTF8(out, (int32_t)sizeof(out), NULL, u, len, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return arena_printf(a, "%d", n);
	return arena_strdup(a, out);
}
