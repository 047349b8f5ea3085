/* test_proposals.c: the consensus rule of a silence procedure (silence is consent; any standing
 * objection breaks it, whatever came before), who may record a position and until when, the
 * decisions possible from each status; then over a store: positions append-only with the latest
 * row current, an objection without a statement refused with nothing stored, and the scheduler
 * ending two silence procedures exactly once at their deadline. */
#include "unit.h"

#include <stdlib.h>

#include "domain/events.h"
#include "domain/proposal.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/scheduler.h"
#include "store/writer.h"
#include "util/clock.h"

#define T0 1893456000LL	/* 2030-01-01 */
#define HOUR 3600

static void
test_consensus_rule(void **state)
{
	const char *none[1] = { NULL };
	const char *agree[] = { "support", "no_objection", "abstain", "support" };
	const char *broken[] = { "support", "objection", "no_objection" };
	const char *last[] = { "support", "no_objection", "objection" };

	/* silence is consent: no position at all is consensus */
	assert_string_equal(proposal_silence_result(none, 0), "consensus");
	/* support, no objection and abstention do not break it */
	assert_string_equal(proposal_silence_result(agree, 4), "consensus");
	/* one objection anywhere breaks it */
	assert_string_equal(proposal_silence_result(broken, 3), "no_consensus");
	assert_string_equal(proposal_silence_result(last, 3), "no_consensus");
	/* only the first n count: an objection beyond them is not a current position */
	assert_string_equal(proposal_silence_result(last, 2), "consensus");
}

static void
test_who_and_when(void **state)
{
	assert_int_equal(proposal_position_index("support"), POS_SUPPORT);
	assert_int_equal(proposal_position_index("objection"), POS_OBJECTION);
	assert_int_equal(proposal_position_index("Objection"), -1);
	assert_int_equal(proposal_position_index(NULL), -1);
	/* a focal point with its state, before the deadline, on an open proposal */
	assert_int_equal(proposal_position_allowed("focal_point", "IN", "open", T0, T0 - 1), POSITION_OK);
	assert_int_equal(proposal_position_allowed("focal_point", "IN", "open", 0, T0), POSITION_OK);
	/* nobody else, the secretariat and the chair included */
	assert_int_equal(proposal_position_allowed("delegate", "IN", "open", T0, T0 - 1), POSITION_NOT_FOCAL);
	assert_int_equal(proposal_position_allowed("secretariat", "", "open", T0, T0 - 1), POSITION_NOT_FOCAL);
	assert_int_equal(proposal_position_allowed("chair", "", "open", T0, T0 - 1), POSITION_NOT_FOCAL);
	assert_int_equal(proposal_position_allowed("focal_point", "", "open", T0, T0 - 1), POSITION_NOT_FOCAL);
	assert_int_equal(proposal_position_allowed("", "", "open", T0, T0 - 1), POSITION_NOT_FOCAL);
	/* at the deadline it is over, and once decided */
	assert_int_equal(proposal_position_allowed("focal_point", "IN", "open", T0, T0), POSITION_CLOSED);
	assert_int_equal(proposal_position_allowed("focal_point", "IN", "deferred", 0, T0), POSITION_CLOSED);
	assert_int_equal(proposal_position_allowed("focal_point", "IN", "consensus", T0, T0 - 1), POSITION_CLOSED);
	/* members and deciders */
	assert_true(proposal_is_member("delegate") && proposal_is_member("focal_point") &&
		    proposal_is_member("chair") && proposal_is_member("secretariat"));
	assert_false(proposal_is_member("stakeholder") || proposal_is_member("") || proposal_is_member(NULL));
	assert_true(proposal_may_decide("chair") && proposal_may_decide("secretariat"));
	assert_false(proposal_may_decide("focal_point") || proposal_may_decide("delegate"));
	/* decisions: from open or deferred, to something else */
	assert_int_equal(proposal_decision_check("open", "consensus"), 0);
	assert_int_equal(proposal_decision_check("open", "deferred"), 0);
	assert_int_equal(proposal_decision_check("deferred", "no_consensus"), 0);
	assert_int_equal(proposal_decision_check("deferred", "deferred"), -1);
	assert_int_equal(proposal_decision_check("consensus", "no_consensus"), -1);
	assert_int_equal(proposal_decision_check("open", "withdrawn"), -1);
	assert_int_equal(proposal_decision_check("open", "open"), -1);
}

struct fixture {
	char dir[64], url[96];
	struct writer *w;
	struct db *rd;
	struct arena *a;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-proposals-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0 || (f->a = arena_new()) == NULL)
		return -1;
	clock_freeze_ms(T0 * 1000);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	clock_freeze_ms(0);
	writer_free(f->w);
	db_close(f->rd);
	arena_free(f->a);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static int64_t
propose(struct fixture *f, int64_t deadline)
{
	struct proposal_new n = { 0 };
	struct err e;

	n.state_code = "IN";
	n.lang = LANG_EN;
	n.title = "A topic";
	n.topic = "About it.";
	n.nquestions = 1;
	n.question[0] = "Why?";
	n.silence_deadline = deadline;
	assert_int_equal(writer_run(f->w, proposal_create_fn, &n, &e), 0);
	return n.id;
}

static int
position(struct fixture *f, int64_t id, const char *state, const char *pos, const char *statement, struct err *e)
{
	struct proposal_position_new p = { id, 0, "test", state, pos, statement, 0 };

	return writer_run(f->w, proposal_position_fn, &p, e);
}

static const char *
status_of(struct fixture *f, int64_t id)
{
	struct proposal p;
	struct err e;

	assert_int_equal(proposal_get(f->rd, f->a, id, &p, &e), 0);
	return p.status;
}

static void
test_silence_over_store(void **state)
{
	struct fixture *f = *state;
	struct proposal_position *cur = NULL, *hist = NULL;
	struct proposal p;
	struct err e;
	int64_t a = propose(f, T0 + HOUR), b = propose(f, T0 + HOUR);
	int fired;

	/* a change of position appends; the latest row is the current one */
	assert_int_equal(position(f, a, "KE", "objection", "No.", &e), 0);
	assert_int_equal(position(f, a, "KE", "no_objection", NULL, &e), 0);
	assert_int_equal(position(f, a, "IN", "support", NULL, &e), 0);
	assert_int_equal(proposal_positions(f->rd, f->a, a, &cur, &e), 2);
	assert_string_equal(cur[1].state_code, "KE");
	assert_string_equal(cur[1].position, "no_objection");
	assert_int_equal(proposal_history(f->rd, f->a, a, 10, &hist, &e), 3);
	assert_string_equal(hist[0].position, "objection");
	assert_int_equal(proposal_get(f->rd, f->a, a, &p, &e), 0);
	assert_int_equal(p.count[POS_SUPPORT], 1);
	assert_int_equal(p.count[POS_NO_OBJECTION], 1);
	assert_int_equal(p.count[POS_OBJECTION], 0);
	/* an objection needs a statement: refused, nothing stored */
	assert_int_equal(position(f, b, "IN", "objection", "  ", &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.field, "statement");
	assert_int_equal(proposal_history(f->rd, f->a, b, 10, &hist, &e), 0);
	/* not a Member State, not a position */
	assert_int_equal(position(f, b, "XX", "support", NULL, &e), -1);
	assert_int_equal(position(f, b, "IN", "maybe", NULL, &e), -1);
	assert_int_equal(position(f, b, "KE", "objection", "We prefer another topic.", &e), 0);

	/* before the deadline the scheduler does nothing */
	assert_int_equal(scheduler_run_due(f->w, domain_events, domain_nevents, &fired, &e), 0);
	assert_int_equal(fired, 0);
	assert_string_equal(status_of(f, a), "open");
	/* at the deadline: a in consensus, b broken by the objection; exactly once */
	clock_freeze_ms((T0 + HOUR) * 1000);
	assert_int_equal(position(f, a, "IN", "objection", "Too late.", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(scheduler_run_due(f->w, domain_events, domain_nevents, &fired, &e), 0);
	assert_int_equal(fired, 2);
	assert_string_equal(status_of(f, a), "consensus");
	assert_string_equal(status_of(f, b), "no_consensus");
	assert_int_equal(scheduler_run_due(f->w, domain_events, domain_nevents, &fired, &e), 0);
	assert_int_equal(fired, 0);
	/* decided: no more positions, no meeting decision from consensus */
	assert_int_equal(position(f, b, "IN", "support", NULL, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consensus_rule),
		cmocka_unit_test(test_who_and_when),
		cmocka_unit_test_setup_teardown(test_silence_over_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
