/* consultation_state.c: open, close, extend, the scheduler's events, and the API shape. */
#include "consultation.h"
#include "events.h"

#include <string.h>

#include "../util/clock.h"
#include "../util/timefmt.h"
#include "audit.h"

static const char SQL_STATE[] =
    "SELECT id, state, opens_at, closes_at FROM consultations WHERE slug = $1";
static const char SQL_SET_OPENS[] =
    "UPDATE consultations SET opens_at = $2, state = 'scheduled', updated_at = $3 WHERE id = $1";
static const char SQL_SET_CLOSES[] =
    "UPDATE consultations SET closes_at = $2, updated_at = $3 WHERE id = $1";

/* The change a person is making in this thread's current closure (its consultation and the
 * event it fires on purpose), so the scheduler's pass that closure runs audits only the events
 * nobody asked for: the person's own row already says who opened or closed it. The writer
 * runs one closure at a time on its thread. */
static _Thread_local int64_t acting_id;
static _Thread_local const char *acting_kind;

static const char SQL_SLUG[] = "SELECT slug, opens_at, closes_at FROM consultations WHERE id = $1";

struct row {
	int64_t id, opens_at, closes_at;
	char state[16];
};

static int
load_state(struct db *db, const char *slug, struct row *r, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_STATE);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_text(st, 1, slug);
	if ((rc = db_step(st)) == DB_ROW) {
		r->id = db_col_int64(st, 0);
		snprintf(r->state, sizeof(r->state), "%s", db_col_text(st, 1));
		r->opens_at = db_col_int64(st, 2);
		r->closes_at = db_col_int64(st, 3);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no consultation '%s'", slug);
	return rc == DB_ROW ? 0 : db_err(db, e, "consultation");
}

/* Sets a time, then fires whatever that made due, in the same transaction: "open now"
 * answers with an open consultation. */
static int
set_time(struct db *db, const char *sql, int64_t id, int64_t t, const char *kind, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	int fired, rc;

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, t);
	db_bind_int64(st, 3, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "consultation");
	acting_id = id;
	acting_kind = kind;
	rc = scheduler_fire_due(db, domain_events, domain_nevents, &fired, e);
	acting_id = 0;
	acting_kind = NULL;
	return rc;
}

/* Opens now (at 0) or schedules the opening for ch->at. The scheduler fires "opened". */
int
consultation_open_fn(struct db *db, void *arg, struct err *e)
{
	const struct consultation_change *ch = arg;
	int64_t now = clock_now(), at = ch->at ? ch->at : now;
	struct row r;
	char when[TIME_RFC3339_LEN], detail[96];

	if (load_state(db, ch->slug, &r, e) != 0)
		return -1;
	if (strcmp(r.state, "open") == 0 || strcmp(r.state, "closed") == 0)
		return err_set(e, ERR_CONFLICT, "'%s' is already %s", ch->slug, r.state);
	if (at < now)
		return err_set_field(e, ERR_INVALID, "at", "the opening time is in the past");
	if (at >= r.closes_at) {
		time_format_rfc3339(r.closes_at, when);
		return err_set_field(e, ERR_CONFLICT, "at",
				     "it closes at %s, before that opening time: extend it first", when);
	}
	if (set_time(db, SQL_SET_OPENS, r.id, at, "opened", e) != 0)
		return -1;
	time_format_rfc3339(at, when);
	snprintf(detail, sizeof(detail), "%s %s (was %s)", at > now ? "opens at" : "opened now at", when,
		 r.state);
	return consultation_audit(db, ch->account_id, ch->address, "consultation_open", ch->slug, detail, e);
}

/* Closes an open consultation now; the scheduler fires "closed". */
int
consultation_close_fn(struct db *db, void *arg, struct err *e)
{
	const struct consultation_change *ch = arg;
	struct row r;
	int64_t at;
	char when[TIME_RFC3339_LEN], was[TIME_RFC3339_LEN], detail[96];

	if (load_state(db, ch->slug, &r, e) != 0)
		return -1;
	if (strcmp(r.state, "open") != 0)
		return err_set(e, ERR_CONFLICT, "'%s' is %s, not open", ch->slug, r.state);
	/* a round opened this very second closes at its opening time, not before it */
	at = clock_now() > r.opens_at ? clock_now() : r.opens_at;
	if (set_time(db, SQL_SET_CLOSES, r.id, at, "closed", e) != 0)
		return -1;
	time_format_rfc3339(r.closes_at, was);
	time_format_rfc3339(at, when);
	snprintf(detail, sizeof(detail), "closed early at %s (was to close at %s)", when, was);
	return consultation_audit(db, ch->account_id, ch->address, "consultation_close", ch->slug, detail, e);
}

/* Moves closes_at later. A closed consultation stays closed: closing is final. */
int
consultation_extend_fn(struct db *db, void *arg, struct err *e)
{
	const struct consultation_change *ch = arg;
	struct row r;
	char when[TIME_RFC3339_LEN], until[TIME_RFC3339_LEN], detail[96];

	if (load_state(db, ch->slug, &r, e) != 0)
		return -1;
	time_format_rfc3339(r.closes_at, when);
	if (strcmp(r.state, "closed") == 0)
		return err_set(e, ERR_CONFLICT, "'%s' is closed; closing is final", ch->slug);
	if (ch->at <= r.closes_at) {
		return err_set_field(e, ERR_INVALID, "until", "must be later than the current closing time, %s",
				     when);
	}
	if (set_time(db, SQL_SET_CLOSES, r.id, ch->at, "extended", e) != 0)
		return -1;
	time_format_rfc3339(ch->at, until);
	snprintf(detail, sizeof(detail), "closes at %s (was %s)", until, when);
	return consultation_audit(db, ch->account_id, ch->address, "consultation_extend", ch->slug, detail,
				  e);
}

static const char SQL_OPEN_NOW[] =
    "UPDATE consultations SET state = 'open', updated_at = $2 WHERE id = $1 AND state = 'scheduled'";
static const char SQL_CLOSE_NOW[] =
    "UPDATE consultations SET state = 'closed', updated_at = $2 WHERE id = $1 AND state = 'open'";

static int
apply(struct db *db, const char *sql, int64_t id, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "event");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, now);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "event");
}

/* The scheduler's own audit row (no account, address "scheduler"), unless the event is the one
 * a person's change in this closure fires on purpose (acting_id: audited by that change). */
static int
audit_event(struct db *db, int64_t id, int opened, struct err *e)
{
	const char *kind = opened ? "opened" : "closed";
	struct db_stmt *st;
	char slug[72], when[TIME_RFC3339_LEN], detail[64];
	int64_t due;

	if (id == acting_id && acting_kind != NULL && strcmp(kind, acting_kind) == 0)
		return 0;
	if ((st = db_prepare(db, SQL_SLUG)) == NULL)
		return db_err(db, e, "event");
	db_bind_int64(st, 1, id);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return db_err(db, e, "event");
	}
	snprintf(slug, sizeof(slug), "%s", db_col_text(st, 0));
	due = db_col_int64(st, opened ? 1 : 2);
	db_done(st);
	time_format_rfc3339(due, when);
	snprintf(detail, sizeof(detail), "%s on time (due %s)", kind, when);
	return consultation_audit(db, 0, "scheduler", opened ? "consultation_open" : "consultation_close",
				  slug, detail, e);
}

int
consultation_apply_opened(struct db *db, int64_t id, int64_t now, struct err *e)
{
	return apply(db, SQL_OPEN_NOW, id, now, e) != 0 ? -1 : audit_event(db, id, 1, e);
}

int
consultation_apply_closed(struct db *db, int64_t id, int64_t now, struct err *e)
{
	return apply(db, SQL_CLOSE_NOW, id, now, e) != 0 ? -1 : audit_event(db, id, 0, e);
}

const char consultation_opened_due_sql[] =
    "SELECT id, opens_at FROM consultations WHERE state = 'scheduled' AND opens_at <= $1 "
    "ORDER BY opens_at, id";
const char consultation_closed_due_sql[] =
    "SELECT id, closes_at FROM consultations WHERE state = 'open' AND closes_at <= $1 "
    "ORDER BY closes_at, id";

static json_t *
texts_json(const struct mtext *t)
{
	json_t *o = json_object();

	for (int l = 0; l < LANG_COUNT; l++)
		if (t->body[l] != NULL)
			json_object_set_new(o, lang_code(l), json_string(t->body[l]));
	return o;
}

json_t *
consultation_to_json(const struct consultation *c, enum lang want, int full)
{
	char opens[TIME_RFC3339_LEN], closes[TIME_RFC3339_LEN];
	json_t *o, *texts, *qs;
	const char *title;
	enum lang got;

	time_format_rfc3339(c->opens_at, opens);
	time_format_rfc3339(c->closes_at, closes);
	title = mtext_pick(&c->title, want, &got);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:{s:I}}", "slug", c->slug,
		      "url", "", "state", c->state, "moderation", c->moderation, "meeting", c->meeting,
		      "opens_at", opens, "closes_at", closes, "original_language",
		      lang_code(c->original), "illustrative_questions", c->illustrative, "counts",
		      "responses", (json_int_t)c->responses);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "title", json_string(title ? title : ""));
	json_object_set_new(o, "title_language", json_string(lang_code(got)));
	json_object_set_new(o, "url", json_sprintf("/consultations/%s", c->slug));
	texts = json_object();
	for (int l = 0; l < LANG_COUNT; l++) {
		json_t *t;
		if (c->title.body[l] == NULL && c->topic.body[l] == NULL &&
		    c->description.body[l] == NULL)
			continue;
		t = json_object();
		if (c->title.body[l])
			json_object_set_new(t, "title", json_string(c->title.body[l]));
		if (c->topic.body[l])
			json_object_set_new(t, "topic", json_string(c->topic.body[l]));
		if (full && c->description.body[l])
			json_object_set_new(t, "description", json_string(c->description.body[l]));
		json_object_set_new(texts, lang_code(l), t);
	}
	json_object_set_new(o, "texts", texts);
	if (full) {
		qs = json_array();
		for (int i = 0; i < c->nquestions; i++)
			json_array_append_new(qs, json_pack("{s:i, s:o}", "number", i + 1, "texts",
							    texts_json(&c->question[i])));
		json_object_set_new(o, "questions", qs);
	}
	return o;
}
