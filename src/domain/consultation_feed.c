/* consultation_feed.c: the events of the public rounds for the consultations feed. Nothing is
 * stored for the feed: each event's time follows from what is stored already, so the feed
 * always agrees with the rounds and needs no write of its own.
 *  - announced: when the round became public. The audit log says when: the create row of a
 *    round created published (its detail begins "scheduled"), or the first consultation_open
 *    row (a draft published with a date, or opened at once). The round's created_at when the
 *    log has neither. No entry when the round was made public only as it opened: the opening
 *    entry says it all.
 *  - opening: opens_at, once the scheduler has opened the round (state open or closed).
 *  - closing soon: a week before closes_at, for a round that is open or closed and lasts longer
 *    than a week; none for a round someone closed early (it never was "closing soon").
 * Only events at or before now are returned: a scheduled round's future opening is not news. */
#include "consultation_feed.h"

#include <string.h>

static const char SQL_EVENTS[] =
    "WITH pub AS ("
    " SELECT c.id, c.slug, c.original_language, c.opens_at, c.closes_at, c.created_at, c.state,"
    "  COALESCE((SELECT MIN(a.at) FROM audit_log a"
    "            WHERE a.action IN ('consultation_create', 'consultation_open')"
    "              AND lower(a.object) = lower('consultation/' || c.slug)"
    "              AND NOT (a.action = 'consultation_create' AND a.detail NOT LIKE 'scheduled%')),"
    "           c.created_at) AS announced_at,"
    "  EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'consultation_close'"
    "          AND lower(a.object) = lower('consultation/' || c.slug) AND a.address <> 'scheduler')"
    "   AS closed_early"
    " FROM consultations c WHERE c.state <> 'draft'),"
    " ev AS ("
    " SELECT pub.*, 0 AS kind, announced_at AS at FROM pub WHERE announced_at < opens_at"
    " UNION ALL SELECT pub.*, 1, opens_at FROM pub WHERE state IN ('open', 'closed')"
    " UNION ALL SELECT pub.*, 2, closes_at - $3 FROM pub"
    "  WHERE state IN ('open', 'closed') AND closes_at - $3 > opens_at AND NOT closed_early)"
    " SELECT id, slug, original_language, opens_at, closes_at, created_at, kind, at FROM ev"
    " WHERE at <= $1 ORDER BY at DESC, kind DESC, id DESC LIMIT $2";

const char *
feed_event_name(enum feed_event_kind k)
{
	switch (k) {
	case FEED_ANNOUNCED:
		return "announced";
	case FEED_OPENING:
		return "opening";
	case FEED_CLOSING_SOON:
		return "closing-soon";
	}
	return "event";
}

struct texts_of {
	struct mtext *title, *topic;
};

static void
text_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct texts_of *t = ctx;

	if (strcmp(field, "title") == 0)
		t->title->body[l] = body;
	else if (strcmp(field, "topic") == 0)
		t->topic->body[l] = body;
}

/* The title and topic of ev's round, copied from an earlier event of the same round when
 * there is one (a round has up to three events). Returns 0 or -1. */
static int
load_texts(struct db *db, struct arena *a, struct feed_event *ev, int n, struct err *e)
{
	struct texts_of t = { &ev[n].title, &ev[n].topic };

	for (int i = 0; i < n; i++)
		if (ev[i].consultation_id == ev[n].consultation_id) {
			ev[n].title = ev[i].title;
			ev[n].topic = ev[i].topic;
			return 0;
		}
	return text_load(db, a, "consultation", ev[n].consultation_id, text_found, &t, e);
}

int
feed_events(struct db *db, struct arena *a, int64_t now, int limit, struct feed_event **out,
	    struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_EVENTS);
	struct feed_event *ev;
	enum db_rc rc;
	int n = 0;

	*out = NULL;
	if (st == NULL)
		return db_err(db, e, "feed");
	if ((ev = arena_alloc(a, sizeof(*ev) * (size_t)(limit > 0 ? limit : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, limit);
	db_bind_int64(st, 3, FEED_CLOSING_SOON_S);
	while ((rc = db_step(st)) == DB_ROW && n < limit) {
		struct feed_event *v = &ev[n];
		int64_t kind = db_col_int64(st, 6);

		v->consultation_id = db_col_int64(st, 0);
		if ((v->slug = arena_strdup(a, db_col_text(st, 1))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		if (lang_from_code(db_col_text(st, 2), &v->title.original) != 0)
			v->title.original = LANG_EN;
		v->topic.original = v->title.original;
		v->opens_at = db_col_int64(st, 3);
		v->closes_at = db_col_int64(st, 4);
		v->created_at = db_col_int64(st, 5);
		v->kind = kind == 0 ? FEED_ANNOUNCED : kind == 1 ? FEED_OPENING : FEED_CLOSING_SOON;
		v->at = db_col_int64(st, 7);
		n++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "feed");
	/* the texts after the statement is done: text_load prepares its own */
	for (int i = 0; i < n; i++)
		if (load_texts(db, a, ev, i, e) != 0)
			return -1;
	*out = ev;
	return n;
}
