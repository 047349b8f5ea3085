/* test_meetings.c: the carried-forward rule (pure, then over a store with five meetings), the
 * status transitions and who may make them, the status closure's refusals and history, and the
 * JSON format of a meeting with its outcomes. */
#include "unit.h"

#include <stdlib.h>

#include "domain/meeting.h"
#include "domain/outcome.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"

#define D2020 1577836800LL	/* 2020-01-01 */
#define DAY 86400

static void
test_carried_rule(void **state)
{
	/* open and in progress items of an earlier meeting are carried onto a later one */
	assert_true(outcome_is_carried("open", 15, D2020, 16, D2020 + 200 * DAY, "working_group"));
	assert_true(outcome_is_carried("in_progress", 15, D2020, 17, D2020 + 400 * DAY, "working_group"));
	/* until done or superseded */
	assert_false(outcome_is_carried("done", 15, D2020, 16, D2020 + 200 * DAY, "working_group"));
	assert_false(outcome_is_carried("superseded", 15, D2020, 16, D2020 + 200 * DAY, "working_group"));
	/* never onto its own meeting or an earlier one */
	assert_false(outcome_is_carried("open", 15, D2020, 15, D2020, "working_group"));
	assert_false(outcome_is_carried("open", 16, D2020 + 200 * DAY, 15, D2020, "working_group"));
	/* the same day: the lower number came first */
	assert_true(outcome_is_carried("open", 3, D2020, 4, D2020, "working_group"));
	assert_false(outcome_is_carried("open", 4, D2020, 3, D2020, "working_group"));
	/* open consultation meetings decide nothing: nothing is carried onto them */
	assert_false(outcome_is_carried("open", 15, D2020, 16, D2020 + 200 * DAY, "open_consultation"));
	/* an unknown status is not carried */
	assert_false(outcome_is_carried("OPEN", 15, D2020, 16, D2020 + 200 * DAY, "working_group"));
	assert_false(outcome_is_carried(NULL, 15, D2020, 16, D2020 + 200 * DAY, "working_group"));
}

static void
test_transitions(void **state)
{
	const char *why = NULL;

	assert_int_equal(outcome_transition_check("open", "in_progress", &why), 0);
	assert_int_equal(outcome_transition_check("open", "done", &why), 0);
	assert_int_equal(outcome_transition_check("open", "superseded", &why), 0);
	assert_int_equal(outcome_transition_check("in_progress", "done", &why), 0);
	assert_int_equal(outcome_transition_check("done", "in_progress", &why), 0);	/* reopened */
	assert_int_equal(outcome_transition_check("done", "superseded", &why), 0);
	assert_int_equal(outcome_transition_check("done", "done", &why), -1);
	assert_non_null(why);
	assert_int_equal(outcome_transition_check("superseded", "done", &why), -1);
	assert_int_equal(outcome_transition_check("superseded", "in_progress", &why), -1);
	assert_int_equal(outcome_transition_check("open", "open", &why), -1);	/* not a target */
	assert_int_equal(outcome_transition_check("in_progress", "closed", &why), -1);
	assert_int_equal(outcome_transition_check("bogus", "done", &why), -1);
	assert_true(outcome_status_valid("in_progress"));
	assert_false(outcome_status_valid("In_progress"));
}

static void
test_who_may_change(void **state)
{
	assert_true(outcome_may_change("secretariat", "secretariat"));
	assert_true(outcome_may_change("secretariat", "chair"));
	assert_true(outcome_may_change("secretariat", "member_states"));
	assert_true(outcome_may_change("chair", "chair"));
	assert_false(outcome_may_change("chair", "secretariat"));
	assert_false(outcome_may_change("chair", "bureau_directors"));
	assert_false(outcome_may_change("delegate", "member_states"));
	assert_false(outcome_may_change("focal_point", "member_states"));
	assert_false(outcome_may_change("stakeholder", "chair"));
	assert_false(outcome_may_change("", "chair"));
}

/* ---- over a store ----------------------------------------------------------------------- */

struct fixture {
	char dir[40];
	char url[80];
	struct writer *w;
	struct db *rd;
	struct arena *a;
};

/* A meeting of kind on day with outcomes whose statuses are given ("open done ..."). */
static void
add_meeting(struct fixture *f, int number, const char *kind, const char *day, const char *statuses)
{
	char js[2048], outs[1600] = "";
	struct meeting_spec spec;
	json_error_t je;
	struct err e;
	json_t *j;
	size_t n = 0;
	char st[64], *tok, *save = NULL;

	snprintf(st, sizeof(st), "%s", statuses);
	for (tok = strtok_r(st, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		n += (size_t)snprintf(outs + n, sizeof(outs) - n,
				      "%s{\"kind\":\"request\",\"addressee\":\"secretariat\",\"status\":\"%s\","
				      "\"texts\":{\"en\":\"Item of %d\"}}", n ? "," : "", tok, number);
	snprintf(js, sizeof(js),
		 "{\"number\":%d,\"kind\":\"%s\",\"starts_on\":\"%s\",\"ends_on\":\"%s\",\"mode\":\"virtual\","
		 "\"texts\":{\"en\":{\"title\":\"Meeting %d\"}},\"outcomes\":[%s]}",
		 number, kind, day, day, number, outs);
	j = json_loads(js, 0, &je);
	assert_non_null(j);
	assert_int_equal(meeting_spec_parse(j, &spec, "m", &e), 0);
	assert_int_equal(writer_run(f->w, meeting_create_fn, &spec, &e), 0);
	assert_false(spec.existed);
	json_decref(j);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-meetings-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0 || (f->a = arena_new()) == NULL)
		return -1;
	add_meeting(f, 1, "working_group", "2020-01-01", "open done superseded");
	add_meeting(f, 2, "working_group", "2020-06-01", "in_progress");
	add_meeting(f, 3, "working_group", "2021-01-01", "open");
	add_meeting(f, 4, "open_consultation", "2021-03-01", "");
	add_meeting(f, 5, "working_group", "2021-06-01", "done");
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

/* "1a 2a": the references carried onto meeting number. */
static const char *
carried(struct fixture *f, int number)
{
	static char out[128];
	struct meeting m;
	struct outcome *o = NULL;
	struct err e;
	size_t len = 0;
	int n;

	assert_int_equal(meeting_get(f->rd, f->a, number, &m, &e), 0);
	n = outcome_carried(f->rd, f->a, &m, &o, &e);
	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%d%s", i ? " " : "", o[i].meeting_number,
					o[i].letter);
	return out;
}

static int
change(struct fixture *f, int number, char letter, const char *to, const char *note, struct err *e)
{
	struct outcome_change c = { number, letter, to, note, 0, "unit", "" };

	return writer_run(f->w, outcome_status_fn, &c, e);
}

static void
test_carried_over_store(void **state)
{
	struct fixture *f = *state;
	struct err e;

	assert_string_equal(carried(f, 1), "");
	assert_string_equal(carried(f, 2), "1a");
	assert_string_equal(carried(f, 3), "1a 2a");
	assert_string_equal(carried(f, 4), "");		/* an open consultation meeting */
	assert_string_equal(carried(f, 5), "1a 2a 3a");	/* oldest meeting first */
	assert_int_equal(change(f, 1, 'a', "done", "Finished.", &e), 0);
	assert_string_equal(carried(f, 5), "2a 3a");
	assert_string_equal(carried(f, 2), "");
	assert_int_equal(change(f, 2, 'a', "superseded", "Replaced by 3(a).", &e), 0);
	assert_string_equal(carried(f, 5), "3a");
	assert_int_equal(change(f, 1, 'a', "in_progress", "Not finished after all.", &e), 0);
	assert_string_equal(carried(f, 5), "1a 3a");	/* reopened: carried again */
}

static void
test_status_refusals_and_history(void **state)
{
	struct fixture *f = *state;
	struct outcome_event *ev = NULL;
	struct outcome o;
	struct err e;

	assert_int_equal(change(f, 1, 'a', "done", "  ", &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.field, "note");
	assert_int_equal(change(f, 1, 'b', "done", "Again.", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(change(f, 1, 'c', "done", "Undo.", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(change(f, 9, 'a', "done", "Nowhere.", &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	assert_int_equal(change(f, 1, 'z', "done", "Nowhere.", &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	assert_int_equal(change(f, 1, 'a', "in_progress", "Started.", &e), 0);
	assert_int_equal(change(f, 1, 'a', "done", "Finished.", &e), 0);
	assert_int_equal(outcome_get(f->rd, f->a, 1, 'a', &o, &e), 0);
	assert_string_equal(o.status, "done");
	assert_string_equal(o.done_note, "Finished.");
	assert_true(o.done_at > 0);
	assert_int_equal(outcome_history(f->rd, f->a, o.id, 10, &ev, &e), 3);
	assert_string_equal(ev[0].to_status, "open");
	assert_string_equal(ev[1].from_status, "open");
	assert_string_equal(ev[1].to_status, "in_progress");
	assert_string_equal(ev[2].to_status, "done");
	assert_string_equal(ev[2].note, "Finished.");
}

static void
test_spec_parse(void **state)
{
	struct meeting_spec spec;
	struct err e;
	json_error_t je;
	const char *bad[] = {
		/* letters out of order */
		"{\"number\":1,\"starts_on\":\"2020-01-01\",\"ends_on\":\"2020-01-01\",\"mode\":\"virtual\","
		"\"texts\":{\"en\":{\"title\":\"T\"}},\"outcomes\":[{\"letter\":\"b\",\"kind\":\"request\","
		"\"addressee\":\"chair\",\"texts\":{\"en\":\"x\"}}]}",
		/* an unknown addressee */
		"{\"number\":1,\"starts_on\":\"2020-01-01\",\"ends_on\":\"2020-01-01\",\"mode\":\"virtual\","
		"\"texts\":{\"en\":{\"title\":\"T\"}},\"outcomes\":[{\"kind\":\"request\","
		"\"addressee\":\"everyone\",\"texts\":{\"en\":\"x\"}}]}",
		/* ends before it starts */
		"{\"number\":1,\"starts_on\":\"2020-01-02\",\"ends_on\":\"2020-01-01\",\"mode\":\"virtual\","
		"\"texts\":{\"en\":{\"title\":\"T\"}}}",
		/* number out of range */
		"{\"number\":10000,\"starts_on\":\"2020-01-01\",\"ends_on\":\"2020-01-01\",\"mode\":\"virtual\","
		"\"texts\":{\"en\":{\"title\":\"T\"}}}",
		/* no title in the original language */
		"{\"number\":1,\"starts_on\":\"2020-01-01\",\"ends_on\":\"2020-01-01\",\"mode\":\"virtual\","
		"\"original_language\":\"fr\",\"texts\":{\"en\":{\"title\":\"T\"}}}",
		/* an unknown mode */
		"{\"number\":1,\"starts_on\":\"2020-01-01\",\"ends_on\":\"2020-01-01\",\"mode\":\"remote\","
		"\"texts\":{\"en\":{\"title\":\"T\"}}}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_loads(bad[i], 0, &je);
		assert_non_null(j);
		assert_int_equal(meeting_spec_parse(j, &spec, "m", &e), -1);
		assert_int_equal(e.kind, ERR_INVALID);
		assert_true(strncmp(e.field, "m", 1) == 0);
		json_decref(j);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carried_rule),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_who_may_change),
		cmocka_unit_test(test_spec_parse),
		cmocka_unit_test_setup_teardown(test_carried_over_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_refusals_and_history, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
