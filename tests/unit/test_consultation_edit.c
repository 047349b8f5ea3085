/* test_consultation_edit.c: the secretariat's edits of a consultation over a real store: the
 * questions reordered, removed and added with their translations, the numbering frozen once
 * open, one language's texts and status (a draft translation is not public), and an audit row
 * for every change: by a person (once, even when the scheduler's pass fires the event), by the
 * scheduler on its own, none for a save that changes nothing. */
#include "unit.h"

#include <stdlib.h>

#include "domain/consultation.h"
#include "domain/events.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

#define NOW 1800000000LL	/* 2027-01-15 */

struct fixture {
	char dir[40];
	char url[80];
	struct writer *w;
	struct db *rd;
	struct arena *a;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct consultation_spec s;
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	clock_freeze_ms(NOW * 1000);
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-cedit-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if (db_exec(db, "INSERT INTO accounts (id, email, name, role, password_hash, created_at) VALUES "
			"(1, 'a@example.org', 'A', 'secretariat', 'x', 0), (7, 'b@example.org', 'B', 'secretariat', 'x', 0)",
		    &e) != 0)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0 || (f->a = arena_new()) == NULL)
		return -1;
	memset(&s, 0, sizeof(s));
	s.slug = "round";
	s.original = LANG_EN;
	s.moderation = "post";
	s.opens_at = NOW + 3600;
	s.closes_at = NOW + 86400;
	s.publish = 1;
	s.title[LANG_EN] = "Title";
	s.title[LANG_FR] = "Titre";
	s.nquestions = 3;
	s.question[0][LANG_EN] = "One?";
	s.question[1][LANG_EN] = "Two?";
	s.question[2][LANG_EN] = "Three?";
	s.question[0][LANG_FR] = "Un ?";
	s.question[2][LANG_FR] = "Trois ?";
	s.account_id = 0;	/* the command line */
	if (writer_run(f->w, consultation_create_fn, &s, &e) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	writer_free(f->w);
	db_close(f->rd);
	arena_free(f->a);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static const char *
one(struct fixture *f, const char *sql)
{
	struct db_stmt *st = db_prepare(f->rd, sql);
	const char *v = NULL;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		v = arena_strdup(f->a, db_col_text(st, 0));
	db_done(st);
	return v ? v : "(none)";
}

static struct consultation
load(struct fixture *f)
{
	struct consultation c;
	struct err e;

	assert_int_equal(consultation_get_admin(f->rd, f->a, "round", &c, &e), 0);
	return c;
}

static struct consultation_edit
general(const struct consultation *c)
{
	struct consultation_edit ed;

	memset(&ed, 0, sizeof(ed));
	ed.slug = "round";
	ed.part = EDIT_GENERAL;
	ed.opens_at = c->opens_at;
	ed.closes_at = c->closes_at;
	ed.original = c->original;
	ed.moderation = c->moderation;
	ed.account_id = 1;
	ed.address = "192.0.2.1";
	return ed;
}

static void
test_created_and_audited(void **state)
{
	struct fixture *f = *state;
	struct consultation c = load(f);

	assert_int_equal(c.nquestions, 3);
	assert_string_equal(c.text_status[LANG_FR], "official");
	assert_int_equal(consultation_translation(&c, LANG_EN), TRANSLATION_COMPLETE);
	assert_int_equal(consultation_translation(&c, LANG_FR), TRANSLATION_PARTIAL);
	assert_int_equal(consultation_translation(&c, LANG_ZH), TRANSLATION_NONE);
	assert_string_equal(one(f, "SELECT COALESCE(account_id, '-') || ' ' || address || ' ' || object || ' ' || detail "
				   "FROM audit_log WHERE action = 'consultation_create'"),
			    "- cli consultation/round scheduled; languages en fr; 3 questions");
}

static void
test_reorder_remove_add(void **state)
{
	struct fixture *f = *state;
	struct consultation c = load(f);
	struct consultation_edit ed = general(&c);
	struct err e;

	ed.nquestions = 2;	/* the 3rd first, then the 1st; the 2nd removed; one added */
	ed.from[0] = 3;
	ed.from[1] = 1;
	ed.new_question = "Four?";
	if (writer_run(f->w, consultation_edit_fn, &ed, &e) != 0)
		fail_msg("%s: %s", e.field, e.msg);
	c = load(f);
	assert_int_equal(c.nquestions, 3);
	assert_string_equal(c.question[0].body[LANG_EN], "Three?");
	assert_string_equal(c.question[0].body[LANG_FR], "Trois ?");	/* translations follow */
	assert_string_equal(c.question[1].body[LANG_EN], "One?");
	assert_string_equal(c.question[1].body[LANG_FR], "Un ?");
	assert_string_equal(c.question[2].body[LANG_EN], "Four?");
	assert_null(c.question[2].body[LANG_FR]);
	assert_string_equal(one(f, "SELECT COUNT(*) FROM questions"), "3");
	assert_string_equal(one(f, "SELECT COUNT(*) FROM texts WHERE field NOT LIKE 'question:%' AND field NOT IN ('title')"), "0");
	assert_string_equal(one(f, "SELECT account_id || ' ' || address || ' ' || detail FROM audit_log "
				   "WHERE action = 'consultation_edit'"),
			    "1 192.0.2.1 questions 3,1 of 3, question 3 added");

	/* a question named twice, or none left: refused, nothing changed */
	ed = general(&c);
	ed.nquestions = 2;
	ed.from[0] = ed.from[1] = 1;
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), -1);
	assert_string_equal(e.field, "questions");
	ed.nquestions = 0;
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), -1);
	assert_string_equal(one(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'consultation_edit'"), "1");
}

static void
test_open_freezes_numbering(void **state)
{
	struct fixture *f = *state;
	struct consultation_change ch = { "round", 0, 7, "198.51.100.7" };
	struct consultation c;
	struct consultation_edit ed;
	struct err e;

	if (writer_run(f->w, consultation_open_fn, &ch, &e) != 0)
		fail_msg("%s: %s", e.field, e.msg);
	/* the person's row only: the event fired in the same closure is theirs */
	assert_string_equal(one(f, "SELECT COUNT(*) || ' ' || MAX(address) FROM audit_log WHERE action = 'consultation_open'"),
			    "1 198.51.100.7");
	c = load(f);
	assert_string_equal(c.state, "open");
	ed = general(&c);
	ed.nquestions = 3;
	ed.from[0] = 2, ed.from[1] = 1, ed.from[2] = 3;
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	/* texts may still change */
	memset(&ed, 0, sizeof(ed));
	ed.slug = "round";
	ed.part = EDIT_LANGUAGE;
	ed.lang = LANG_EN;
	ed.title = "Title";
	ed.question[0] = "One, reworded?";
	ed.question[1] = "Two?";
	ed.question[2] = "Three?";
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), 0);
	assert_string_equal(ed.changed, "en: question 1");
	/* the same again changes nothing: no audit row */
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), 0);
	assert_string_equal(ed.changed, "");
	assert_string_equal(one(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'consultation_edit'"), "1");
	/* the original's questions cannot be emptied */
	ed.question[1] = "";
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), -1);
	assert_string_equal(e.field, "q2");
}

static void
test_draft_translation_not_public(void **state)
{
	struct fixture *f = *state;
	struct consultation_edit ed;
	struct consultation c;
	struct err e;

	memset(&ed, 0, sizeof(ed));
	ed.slug = "round";
	ed.part = EDIT_LANGUAGE;
	ed.lang = LANG_ZH;
	ed.status = "draft";
	ed.title = "标题";
	ed.question[0] = "一？";
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), 0);
	assert_string_equal(ed.changed, "zh: title, question 1, status draft");
	c = load(f);
	assert_int_equal(consultation_translation(&c, LANG_ZH), TRANSLATION_DRAFT);
	assert_int_equal(consultation_get(f->rd, f->a, "round", &c, &e), 0);	/* the public's */
	assert_null(c.title.body[LANG_ZH]);
	assert_null(c.question[0].body[LANG_ZH]);
	/* a translation with texts needs a title; a bad status is refused */
	ed.title = NULL;
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), -1);
	assert_string_equal(e.field, "title");
	ed.title = "标题";
	ed.status = "original";
	assert_int_equal(writer_run(f->w, consultation_edit_fn, &ed, &e), -1);
	assert_string_equal(e.field, "status");
}

static void
test_scheduler_audits_its_own(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int fired = 0;

	clock_freeze_ms((NOW + 3600) * 1000);
	assert_int_equal(scheduler_run_due(f->w, domain_events, domain_nevents, &fired, &e), 0);
	assert_int_equal(fired, 1);
	assert_string_equal(one(f, "SELECT COALESCE(account_id, '-') || ' ' || address || ' ' || detail FROM audit_log "
				   "WHERE action = 'consultation_open'"),
			    "- scheduler opened on time (due 2027-01-15T09:00:00Z)");
	clock_freeze_ms((NOW + 86400) * 1000);
	assert_int_equal(scheduler_run_due(f->w, domain_events, domain_nevents, &fired, &e), 0);
	assert_string_equal(one(f, "SELECT COUNT(*) || ' ' || MAX(address) FROM audit_log WHERE action = 'consultation_close'"),
			    "1 scheduler");
	clock_freeze_ms(NOW * 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_created_and_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reorder_remove_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_freezes_numbering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft_translation_not_public, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scheduler_audits_its_own, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
