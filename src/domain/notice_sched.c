/* notice_sched.c: the notices the scheduler fires from stored times (notice_sched.h), each once:
 * the events table's UNIQUE (kind, thing, thing_id) records it in the same transaction as the
 * mails. Only what is due and not yet past fires, so a data folder with years of meetings does
 * not mail about them when it first starts. */
#include "notice_sched.h"

#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "../util/str.h"
#include "meeting.h"
#include "meeting_ics.h"
#include "notice.h"
#include "outcome.h"
#include "registration_meeting.h"

/* Outcomes addressed to the secretariat, of a meeting that ended at most 30 days ago or later. */
const char notice_outcome_due_sql[] =
    "SELECT o.id, o.created_at FROM outcomes o JOIN meetings m ON m.id = o.meeting_id "
    "WHERE o.addressee = 'secretariat' AND o.created_at <= $1 AND m.ends_on >= $1 - 2592000 "
    "AND NOT EXISTS (SELECT 1 FROM events v WHERE v.kind = 'outcome_notice' AND v.thing = 'outcome' "
    "AND v.thing_id = o.id) ORDER BY o.id";
/* A working-group meeting a week before it starts: the items carried onto it. */
const char notice_overdue_due_sql[] =
    "SELECT m.id, m.starts_on - 604800 FROM meetings m WHERE m.kind = 'working_group' "
    "AND m.starts_on - 604800 <= $1 AND m.starts_on > $1 "
    "AND NOT EXISTS (SELECT 1 FROM events v WHERE v.kind = 'overdue_notice' AND v.thing = 'meeting' "
    "AND v.thing_id = m.id) ORDER BY m.starts_on, m.id";
/* An open consultation meeting a day before it starts (its time of day when known). */
const char notice_reminder_due_sql[] =
    "SELECT m.id, m.starts_on + COALESCE(r.starts_min, 0) * 60 - 86400 FROM meetings m "
    "JOIN meeting_registration r ON r.meeting_id = m.id WHERE m.kind = 'open_consultation' "
    "AND m.starts_on + COALESCE(r.starts_min, 0) * 60 - 86400 <= $1 AND m.starts_on + COALESCE(r.starts_min, 0) * 60 > $1 "
    "AND NOT EXISTS (SELECT 1 FROM events v WHERE v.kind = 'meeting_reminder' AND v.thing = 'meeting' "
    "AND v.thing_id = m.id) ORDER BY m.starts_on, m.id";

static const char SQL_SECRETARIAT[] =
    "SELECT id, email FROM accounts WHERE role = 'secretariat' AND confirmed_at IS NOT NULL ORDER BY id";
static const char SQL_OUTCOME[] =
    "SELECT m.number, o.letter FROM outcomes o JOIN meetings m ON m.id = o.meeting_id WHERE o.id = $1";
static const char SQL_MEETING_NUMBER[] = "SELECT number FROM meetings WHERE id = $1";

static enum lang
lang_of(const char *code)
{
	enum lang l;

	return lang_from_code(code, &l) == 0 ? l : LANG_EN;
}

static const char *
status_name(const char *status)
{
	return str_eq(status, "in_progress") ? _("in progress") : _("open");
}

static int
compose_outcome(struct arena *a, const char *lang, void *arg, struct notice *n)
{
	struct outcome *o = arg;
	const char *text = mtext_pick(&o->text, lang_of(lang), NULL);

	n->subject = arena_printf(a, _("Outcome %d(%s) is addressed to the secretariat"), o->meeting_number,
				  o->letter);
	n->text = arena_printf(a, _("Meeting %d adopted outcome %d(%s), addressed to the secretariat:\n\n%s"),
			       o->meeting_number, o->meeting_number, o->letter, text ? text : "");
	n->link = arena_printf(a, "%s/meetings/%d", notice_base_url(), o->meeting_number);
	return n->subject && n->text && n->link ? 0 : -1;
}

int
notice_outcome_apply(struct db *db, int64_t id, int64_t now, struct err *e)
{
	struct arena *a = arena_new();
	struct db_stmt *st;
	struct outcome o;
	int number = 0, rc = -1;
	char letter = 0;

	(void)now;
	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if ((st = db_prepare(db, SQL_OUTCOME)) == NULL) {
		db_err(db, e, "outcome");
		goto out;
	}
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW) {
		number = (int)db_col_int64(st, 0);
		letter = db_col_text(st, 1)[0];
	}
	db_done(st);
	if (number == 0 || outcome_get(db, a, number, letter, &o, e) != 0)
		goto out;
	rc = notice_to_accounts(db, SQL_SECRETARIAT, NULL, 0, "outcome", compose_outcome, &o, e);
out:
	arena_free(a);
	return rc;
}

static int
meeting_by_id(struct db *db, struct arena *a, int64_t id, struct meeting *m, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_MEETING_NUMBER);
	int number = 0;

	if (st == NULL)
		return db_err(db, e, "meeting");
	db_bind_int64(st, 1, id);
	if (db_step(st) == DB_ROW)
		number = (int)db_col_int64(st, 0);
	db_done(st);
	return meeting_get(db, a, number, m, e);
}

struct overdue {
	struct meeting m;
	struct outcome *items;
	int n;
};

static int
compose_overdue(struct arena *a, const char *lang, void *arg, struct notice *n)
{
	struct overdue *o = arg;
	const char *list = "";

	for (int i = 0; i < o->n; i++) {
		const char *text = mtext_pick(&o->items[i].text, lang_of(lang), NULL);
		list = arena_printf(a, "%s%s- %d(%s) [%s]: %s", list, i ? "\n\n" : "", o->items[i].meeting_number,
				    o->items[i].letter, status_name(o->items[i].status), text ? text : "");
		if (list == NULL)
			return -1;
	}
	n->subject = arena_printf(a, _("Meeting %d: earlier outcomes still open"), o->m.number);
	n->text = arena_printf(a, "%s\n\n%s",
			       arena_printf(a, _("Meeting %d starts on %s. These outcomes of earlier meetings are not "
						 "done yet and are carried onto it:"),
					    o->m.number, notice_time(a, o->m.starts_on, lang, 0)),
			       list);
	n->link = arena_printf(a, "%s/meetings/%d", notice_base_url(), o->m.number);
	return n->subject && n->text && n->link ? 0 : -1;
}

int
notice_overdue_apply(struct db *db, int64_t id, int64_t now, struct err *e)
{
	struct arena *a = arena_new();
	struct overdue o;
	int rc = -1;

	(void)now;
	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (meeting_by_id(db, a, id, &o.m, e) != 0 || (o.n = outcome_carried(db, a, &o.m, &o.items, e)) < 0)
		goto out;
	rc = o.n == 0 ? 0 : notice_to_accounts(db, SQL_SECRETARIAT, NULL, 0, "overdue", compose_overdue, &o, e);
out:
	arena_free(a);
	return rc;
}

/* One registrant's reminder with the meeting's iCalendar event in their language. */
static int
remind(struct db *db, struct arena *a, const struct meeting *m, const struct mreg_registrant *g, struct err *e)
{
	struct notice n = { .to = g->email, .lang = notice_lang_code(g->language), .kind = "meeting_reminder",
			    .attach_type = "text/calendar" };
	const char *title = mtext_pick(&m->title, lang_of(n.lang), NULL);
	char *ics = meeting_ics(db, a, m, 1, lang_of(n.lang), notice_base_url());
	locale_t old;
	int queued, rc;

	if (ics == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	old = notice_lang_begin(n.lang);
	n.subject = arena_printf(a, _("Reminder: meeting %d is tomorrow"), m->number);
	n.text = arena_printf(a, "%s\n\n%s",
			      arena_printf(a, _("You registered for \"%s\" (meeting %d), which starts on %s."),
					   title ? title : "", m->number, notice_time(a, m->starts_on, n.lang, 0)),
			      str_eq(g->attendance, "in_person")
				  ? arena_printf(a, _("You attend in person: %s."), m->place ? m->place : "")
				  : _("You attend remotely; the secretariat sends the link to join."));
	n.link = arena_printf(a, "%s/meetings/%d", notice_base_url(), m->number);
	n.attach_name = arena_printf(a, "meeting-%d.ics", m->number);
	notice_lang_end(old);
	n.attach_data = ics;
	n.attach_len = strlen(ics);
	rc = n.subject && n.text && n.link && n.attach_name ? notice_send(db, &n, &queued, e)
							    : err_set(e, ERR_BUSY, "out of memory");
	free(ics);
	return rc;
}

int
notice_reminder_apply(struct db *db, int64_t id, int64_t now, struct err *e)
{
	struct arena *a = arena_new();
	struct mreg_registrant *g = NULL;
	struct meeting m;
	int n, rc = -1;

	(void)now;
	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (meeting_by_id(db, a, id, &m, e) != 0 || (n = mreg_list(db, a, m.id, &g, e)) < 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (str_eq(g[i].status, "registered") && remind(db, a, &m, &g[i], e) != 0)
			goto out;
	rc = 0;
out:
	arena_free(a);
	return rc;
}
