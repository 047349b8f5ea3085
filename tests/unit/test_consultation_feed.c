/* test_consultation_feed.c: the events of the consultations feed over a real store: announced
 * at publication (creation, or a draft's later publication), opening once the scheduler opened
 * the round, closing soon exactly a week before closing and not for a short round or one closed
 * early, none for a draft, none before due, newest first within the limit, public texts only. */
#include "unit.h"

#include <stdlib.h>

#include "domain/consultation.h"
#include "domain/consultation_feed.h"
#include "domain/events.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

#define NOW 1800000000LL	/* 2027-01-15 */
#define HOUR 3600
#define DAY 86400

struct fixture {
	char dir[40];
	char url[80];
	struct writer *w;
	struct db *rd;
	struct arena *a;
};

/* Creates a round in English (and French) through the same closure as the CLI and the API. */
static void
create(struct fixture *f, const char *slug, int64_t opens_at, int64_t closes_at, int publish)
{
	struct consultation_spec s;
	struct err e;

	memset(&s, 0, sizeof(s));
	s.slug = slug;
	s.original = LANG_EN;
	s.moderation = "post";
	s.opens_at = opens_at;
	s.closes_at = closes_at;
	s.publish = publish;
	s.title[LANG_EN] = "Title";
	s.title[LANG_FR] = "Titre";
	s.topic[LANG_EN] = "Topic";
	s.nquestions = 1;
	s.question[0][LANG_EN] = "One?";
	assert_int_equal(writer_run(f->w, consultation_create_fn, &s, &e), 0);
}

static void
at(struct fixture *f, int64_t t)
{
	struct err e;
	int fired;

	clock_freeze_ms(t * 1000);
	assert_int_equal(scheduler_run_due(f->w, domain_events, domain_nevents, &fired, &e), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	clock_freeze_ms(NOW * 1000);
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-cfeed-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0 || (f->a = arena_new()) == NULL)
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
	clock_freeze_ms(0);
	return 0;
}

/* The events due at now into ev; returns their count. */
static int
events(struct fixture *f, int64_t now, int limit, struct feed_event **ev)
{
	struct err e;
	int n = feed_events(f->rd, f->a, now, limit, ev, &e);

	assert_true(n >= 0);
	return n;
}

/* Is (slug, kind) among ev, and at what time (-1: absent)? */
static int64_t
when(const struct feed_event *ev, int n, const char *slug, enum feed_event_kind k)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ev[i].slug, slug) == 0 && ev[i].kind == k)
			return ev[i].at;
	return -1;
}

static void
test_announced_then_opening(void **state)
{
	struct fixture *f = *state;
	struct feed_event *ev;
	int n;

	create(f, "round", NOW + DAY, NOW + 30 * DAY, 1);
	n = events(f, NOW, 50, &ev);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, FEED_ANNOUNCED);
	assert_int_equal(ev[0].at, NOW);
	assert_int_equal(ev[0].created_at, NOW);
	assert_string_equal(ev[0].title.body[LANG_FR], "Titre");
	assert_string_equal(ev[0].topic.body[LANG_EN], "Topic");
	assert_int_equal(ev[0].title.original, LANG_EN);
	/* the opening time passed but the scheduler has not opened it yet: not news yet */
	n = events(f, NOW + DAY + 1, 50, &ev);
	assert_int_equal(when(ev, n, "round", FEED_OPENING), -1);
	at(f, NOW + DAY + 1);
	n = events(f, NOW + DAY + 1, 50, &ev);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0].kind, FEED_OPENING);	/* newest first */
	assert_int_equal(ev[0].at, NOW + DAY);
	assert_int_equal(ev[1].kind, FEED_ANNOUNCED);
	assert_string_equal(ev[0].title.body[LANG_EN], "Title");	/* the texts, shared by both */
}

static void
test_closing_soon_a_week_before(void **state)
{
	struct fixture *f = *state;
	struct feed_event *ev;
	int64_t closes = NOW + 30 * DAY;
	int n;

	create(f, "round", NOW + HOUR, closes, 1);
	at(f, NOW + 2 * HOUR);
	n = events(f, closes - 7 * DAY - 1, 50, &ev);
	assert_int_equal(when(ev, n, "round", FEED_CLOSING_SOON), -1);
	n = events(f, closes - 7 * DAY, 50, &ev);
	assert_int_equal(when(ev, n, "round", FEED_CLOSING_SOON), closes - 7 * DAY);
	assert_int_equal(ev[0].kind, FEED_CLOSING_SOON);
	assert_string_equal(feed_event_name(ev[0].kind), "closing-soon");
}

static void
test_short_round_never_closing_soon(void **state)
{
	struct fixture *f = *state;
	struct feed_event *ev;
	int n;

	create(f, "short", NOW + HOUR, NOW + 5 * DAY, 1);
	at(f, NOW + 2 * HOUR);
	n = events(f, NOW + 5 * DAY, 50, &ev);
	assert_int_equal(when(ev, n, "short", FEED_CLOSING_SOON), -1);
	assert_int_equal(when(ev, n, "short", FEED_OPENING), NOW + HOUR);
}

static void
test_closed_early_never_closing_soon(void **state)
{
	struct fixture *f = *state;
	struct consultation_change ch = { "round", 0, 0, "192.0.2.1" };
	struct feed_event *ev;
	struct err e;
	int n;

	create(f, "round", NOW + HOUR, NOW + 30 * DAY, 1);
	at(f, NOW + 10 * DAY);
	assert_int_equal(writer_run(f->w, consultation_close_fn, &ch, &e), 0);
	/* closes_at is now NOW + 10 days: a week before it lies in the past, yet nothing appears */
	n = events(f, NOW + 10 * DAY, 50, &ev);
	assert_int_equal(when(ev, n, "round", FEED_CLOSING_SOON), -1);
	assert_int_equal(when(ev, n, "round", FEED_OPENING), NOW + HOUR);
}

static void
test_draft_announced_when_published(void **state)
{
	struct fixture *f = *state;
	struct consultation_change ch = { "draft", NOW + 5 * DAY, 0, "192.0.2.1" };
	struct feed_event *ev;
	struct err e;
	int n;

	create(f, "draft", NOW + 5 * DAY, NOW + 30 * DAY, 0);
	assert_int_equal(events(f, NOW + 40 * DAY, 50, &ev), 0);	/* a draft: never */
	at(f, NOW + 2 * DAY);
	assert_int_equal(writer_run(f->w, consultation_open_fn, &ch, &e), 0);
	n = events(f, NOW + 2 * DAY, 50, &ev);
	assert_int_equal(n, 1);
	assert_int_equal(when(ev, n, "draft", FEED_ANNOUNCED), NOW + 2 * DAY);	/* not its creation */
}

static void
test_opened_at_once_not_announced(void **state)
{
	struct fixture *f = *state;
	struct consultation_change ch = { "draft", 0, 0, "192.0.2.1" };
	struct feed_event *ev;
	struct err e;
	int n;

	create(f, "draft", NOW + 5 * DAY, NOW + 30 * DAY, 0);
	assert_int_equal(writer_run(f->w, consultation_open_fn, &ch, &e), 0);
	n = events(f, NOW, 50, &ev);
	assert_int_equal(n, 1);
	assert_int_equal(when(ev, n, "draft", FEED_OPENING), NOW);
}

static void
test_limit_newest_first(void **state)
{
	struct fixture *f = *state;
	struct feed_event *ev;
	int n;

	create(f, "one", NOW + 10 * DAY, NOW + 30 * DAY, 1);
	clock_freeze_ms((NOW + 60) * 1000);
	create(f, "two", NOW + 10 * DAY, NOW + 30 * DAY, 1);
	clock_freeze_ms((NOW + 120) * 1000);
	create(f, "three", NOW + 10 * DAY, NOW + 30 * DAY, 1);
	n = events(f, NOW + 120, 2, &ev);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].slug, "three");
	assert_string_equal(ev[1].slug, "two");
	/* not yet due: the third was created after this now */
	n = events(f, NOW + 100, 50, &ev);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].slug, "two");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_announced_then_opening, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closing_soon_a_week_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_round_never_closing_soon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_early_never_closing_soon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft_announced_when_published, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opened_at_once_not_announced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_newest_first, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
