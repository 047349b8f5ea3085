/* subscription_notice.c: notices to subscribers. An event (a round opens, closes in 7 days or
 * in 1 day, a summary, a report or a meeting's outcomes are published) is announced once (an
 * announcements row); inside the same write each live subscription that asked for its kind gets
 * a notice composed in its language, mailed at once (immediate) or kept for its digest
 * (subscription_digest.c). The closing reminders are scheduler sources. */
#include "subscription.h"

#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "consultation.h"
#include "meeting.h"
#include "subscription_int.h"
#include "text.h"

/* ---- what is announced ------------------------------------------------------------------ */

enum about_kind { AB_OPENED, AB_CLOSING_7D, AB_CLOSING_1D, AB_SUMMARY, AB_REPORT, AB_OUTCOMES };

struct about {
	enum about_kind which;
	const char *kind;	/* the subscription kind */
	const char *key;	/* announcements.about */
	const char *path;	/* the page, "/consultations/SLUG" */
	struct mtext title;	/* the thing's title in its languages */
	const char *label;	/* a document's symbol */
	int64_t when;		/* a round's closing time */
	int number;		/* a meeting's number */
};

static void
title_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct about *ab = ctx;

	if (strcmp(field, "title") == 0)
		ab->title.body[l] = body;
}

/* The notice's title and detail in lang, in a. */
static int
compose(const struct about *ab, struct arena *a, const char *lang, const char **title, const char **detail)
{
	locale_t old = notice_lang_begin(lang);
	enum lang l = LANG_EN, got;
	const char *name;
	char when[64];

	lang_from_code(lang, &l);
	name = mtext_pick(&ab->title, l, &got);
	if (name == NULL)
		name = ab->which == AB_OUTCOMES ? meeting_ordinal(a, ab->number, l) : "";
	if (ab->which == AB_REPORT)
		name = arena_printf(a, "%s %s", ab->label, name ? name : "");
	if (time_format_human(ab->when, lang_code(l), TZ_UTC, 1, when, sizeof(when)) != 0)
		time_format_rfc3339(ab->when, when);
	switch (ab->which) {
	case AB_OPENED:
		*title = arena_printf(a, _("Open for responses: %s"), name);
		break;
	case AB_CLOSING_7D:
		*title = arena_printf(a, _("Closes in 7 days: %s"), name);
		break;
	case AB_CLOSING_1D:
		*title = arena_printf(a, _("Closes in 24 hours: %s"), name);
		break;
	case AB_SUMMARY:
		*title = arena_printf(a, _("Summary published: %s"), name);
		*detail = arena_strdup(a, _("The summary of the responses to this consultation is published."));
		break;
	case AB_REPORT:
		*title = arena_printf(a, _("Report published: %s"), name);
		*detail = arena_strdup(a, _("A report of the working group is now public."));
		break;
	case AB_OUTCOMES:
		*title = arena_printf(a, _("Outcomes published: %s"), name);
		*detail = arena_strdup(a, _("The outcomes of this meeting are published."));
		break;
	}
	if (ab->which <= AB_CLOSING_1D)
		*detail = arena_printf(a, _("Responses are accepted until %s (UTC)."), when);
	notice_lang_end(old);
	return *title != NULL && *detail != NULL ? 0 : -1;
}

static const char SQL_ANNOUNCE[] =
    "INSERT INTO announcements (kind, about, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
static const char SQL_SUBSCRIBERS[] =
    "SELECT id, email, language, frequency FROM subscriptions WHERE confirmed_at IS NOT NULL AND "
    "unsubscribed_at IS NULL AND (',' || kinds || ',') LIKE $1 ORDER BY id";
static const char SQL_NOTICE[] =
    "INSERT INTO subscription_notices (subscription_id, announcement_id, title, detail, url, created_at, "
    "digest_id, mailed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
struct subscriber {
	int64_t id;
	const char *email, *lang, *frequency;
};

/* Reads every live subscription that asked for kind into *out (the rows are read to the end
 * before anything else runs). Returns the count, or -1. */
static int
subscribers(struct db *db, struct arena *a, const char *kind, struct subscriber **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SUBSCRIBERS);
	struct subscriber *v = NULL;
	int n = 0, cap = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "subscriptions");
	db_bind_text(st, 1, arena_printf(a, "%%,%s,%%", kind));
	while ((rc = db_step(st)) == DB_ROW) {
		if ((v = arena_grow(a, v, n, &cap, sizeof(*v))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		v[n] = (struct subscriber){ db_col_int64(st, 0), arena_strdup(a, db_col_text(st, 1)),
					    arena_strdup(a, db_col_text(st, 2)), arena_strdup(a, db_col_text(st, 3)) };
		if (v[n].email == NULL || v[n].lang == NULL || v[n].frequency == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		n++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "subscriptions");
	*out = v;
	return n;
}

/* Announces ab once: its row, and a notice (mailed now, or kept for a digest) for each live
 * subscription of its kind, in the subscription's language. */
static int
announce(struct db *db, struct arena *a, const struct about *ab, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ANNOUNCE);
	const char *title[LANG_COUNT] = { 0 }, *detail[LANG_COUNT] = { 0 }, *url = notice_url(a, ab->path);
	struct subscriber *subs = NULL;
	int64_t ann, now = clock_now();
	int n;

	if (st == NULL)
		return db_err(db, e, "announcement");
	db_bind_text(st, 1, ab->kind);
	db_bind_text(st, 2, ab->key);
	db_bind_int64(st, 3, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "announcement");
	if (db_changes(db) != 1)
		return 0;	/* announced before */
	ann = db_last_insert_id(db);
	if ((n = subscribers(db, a, ab->kind, &subs, e)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct subscriber *s = &subs[i];
		int immediate = str_eq(s->frequency, "immediate");
		int64_t digest = 0;
		enum lang l = LANG_EN;

		lang_from_code(s->lang, &l);
		if (title[l] == NULL && compose(ab, a, lang_code(l), &title[l], &detail[l]) != 0)
			return err_set(e, ERR_BUSY, "out of memory");
		if (!immediate && notice_waiting_digest(db, s->id, s->frequency, now, &digest, e) != 0)
			return -1;
		if ((st = db_prepare(db, SQL_NOTICE)) == NULL)
			return db_err(db, e, "notice");
		db_bind_int64(st, 1, s->id);
		db_bind_int64(st, 2, ann);
		db_bind_text(st, 3, title[l]);
		db_bind_text(st, 4, detail[l]);
		db_bind_text(st, 5, url);
		db_bind_int64(st, 6, now);
		if (immediate) {
			db_bind_null(st, 7);
			db_bind_int64(st, 8, now);
		} else {
			db_bind_int64(st, 7, digest);
			db_bind_null(st, 8);
		}
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "notice");
		if (immediate &&
		    notice_queue_mail(db, a, s->id, s->email, lang_code(l), "notice", title[l],
			       arena_printf(a, "%s\n\n%s\n%s\n", title[l], detail[l], url), e) != 0)
			return -1;
	}
	return 0;
}

/* ---- the hooks ------------------------------------------------------------------------------ */

static const char SQL_ROUND[] =
    "SELECT slug, original_language, closes_at FROM consultations WHERE id = $1";
static const char SQL_DOCUMENT[] =
    "SELECT url_name, original_language, kind, symbol FROM documents WHERE id = $1";
static const char SQL_MEETING[] =
    "SELECT number, original_language, (SELECT COUNT(*) FROM outcomes o WHERE o.meeting_id = m.id) "
    "FROM meetings m WHERE m.id = $1";

/* Loads one row of sql for id into ab: column 0 as text into *col0 and as a number (a
 * meeting's), column 1 the original language, column 2 as a number (a round's closing time, a
 * meeting's outcomes) and as text into *col1, column 3 as text into *col2; and the thing's
 * titles. 1 when found, 0 when not, -1. */
static int
load_about(struct db *db, struct arena *a, const char *sql, int64_t id, const char *thing, struct about *ab,
	   const char **col0, const char **col1, const char **col2, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum lang orig = LANG_EN;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, thing);
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW) {
		*col0 = arena_strdup(a, db_col_text(st, 0));
		lang_from_code(db_col_text(st, 1), &orig);
		if (col1 != NULL)
			*col1 = arena_strdup(a, db_col_text(st, 2));
		if (col2 != NULL)
			*col2 = arena_strdup(a, db_col_text(st, 3));
		ab->when = db_col_int64(st, 2);
		ab->number = (int)db_col_int64(st, 0);
	}
	db_done(st);
	if (rc == DB_DONE)
		return 0;
	if (rc != DB_ROW)
		return db_err(db, e, thing);
	ab->title.original = orig;
	return text_load(db, a, thing, id, title_found, ab, e) == 0 ? 1 : -1;
}

static int
round_event(struct db *db, int64_t id, enum about_kind which, struct err *e)
{
	static const char *const suffix[] = { "opened", "closing-7d", "closing-1d", "summary" };
	struct arena *a = arena_new();
	struct about ab = { .which = which };
	const char *slug = NULL;
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	ab.kind = which == AB_OPENED ? "round_opened" : which == AB_SUMMARY ? "summary_published" : "round_closing";
	rc = load_about(db, a, SQL_ROUND, id, "consultation", &ab, &slug, NULL, NULL, e);
	if (rc == 1) {
		ab.key = arena_printf(a, "consultation/%s/%s", slug, suffix[which]);
		ab.path = arena_printf(a, which == AB_SUMMARY ? "/consultations/%s/summary" : "/consultations/%s", slug);
		rc = ab.key && ab.path ? announce(db, a, &ab, e) : err_set(e, ERR_BUSY, "out of memory");
	}
	arena_free(a);
	return rc < 0 ? -1 : 0;
}

int
notice_apply_opened(struct db *db, int64_t id, int64_t now, struct err *e)
{
	if (consultation_apply_opened(db, id, now, e) != 0)
		return -1;
	return round_event(db, id, AB_OPENED, e);
}

int
notice_apply_closing_7d(struct db *db, int64_t id, int64_t now, struct err *e)
{
	return round_event(db, id, AB_CLOSING_7D, e);
}

int
notice_apply_closing_1d(struct db *db, int64_t id, int64_t now, struct err *e)
{
	return round_event(db, id, AB_CLOSING_1D, e);
}

int
notice_summary_published(struct db *db, int64_t consultation_id, struct err *e)
{
	return round_event(db, consultation_id, AB_SUMMARY, e);
}

int
notice_document_published(struct db *db, int64_t id, struct err *e)
{
	struct arena *a = arena_new();
	struct about ab = { .which = AB_REPORT, .kind = "report_published" };
	const char *url = NULL, *symbol = NULL, *kind = NULL;
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	/* columns: url_name, original_language, kind, symbol */
	rc = load_about(db, a, SQL_DOCUMENT, id, "document", &ab, &url, &kind, &symbol, e);
	if (rc == 1 && (str_eq(kind, "chair_report") || str_eq(kind, "secretariat_report"))) {
		ab.label = symbol;
		ab.key = arena_printf(a, "document/%s", url);
		ab.path = arena_printf(a, "/documents/%s", url);
		rc = ab.key && ab.path ? announce(db, a, &ab, e) : err_set(e, ERR_BUSY, "out of memory");
	}
	arena_free(a);
	return rc < 0 ? -1 : 0;
}

int
notice_outcomes_published(struct db *db, int64_t meeting_id, struct err *e)
{
	struct arena *a = arena_new();
	struct about ab = { .which = AB_OUTCOMES, .kind = "outcomes_published" };
	const char *number = NULL;
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = load_about(db, a, SQL_MEETING, meeting_id, "meeting", &ab, &number, NULL, NULL, e);
	if (rc == 1 && ab.when > 0) {	/* when: its number of outcomes (a meeting without any: nothing) */
		ab.key = arena_printf(a, "meeting/%d/outcomes", ab.number);
		ab.path = arena_printf(a, "/meetings/%d", ab.number);
		rc = ab.key && ab.path ? announce(db, a, &ab, e) : err_set(e, ERR_BUSY, "out of memory");
	}
	arena_free(a);
	return rc < 0 ? -1 : 0;
}
/* ---- the scheduler's sources ---------------------------------------------------------------- */

/* 7 days before the close, while more than a day is left, for a round that was open then; 1 day
 * before, for a round open then. Each fires once (the events table) and announces once. */
const char notice_closing_7d_sql[] =
    "SELECT id, closes_at - 604800 FROM consultations WHERE state = 'open' AND closes_at - 604800 <= $1 "
    "AND closes_at - 86400 > $1 AND opens_at <= closes_at - 604800 ORDER BY closes_at, id";
const char notice_closing_1d_sql[] =
    "SELECT id, closes_at - 86400 FROM consultations WHERE state = 'open' AND closes_at - 86400 <= $1 "
    "AND closes_at > $1 AND opens_at <= closes_at - 86400 ORDER BY closes_at, id";
