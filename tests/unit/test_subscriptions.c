/* test_subscriptions.c: subscriptions' pure rules (the kinds' stored list, the digests' due
 * times), then over a store: a meeting's outcomes, a summary and a report announced to the live
 * subscriptions that asked for them (not to an ended one, nor for a contribution or a meeting
 * without outcomes), once only however often the hook runs, an immediate notice mailed with its
 * own unsubscribe URL, a weekly one kept for its digest, and the digest mailed once. */
#include "unit.h"

#include <stdlib.h>

#include "domain/meeting.h"
#include "domain/notice.h"
#include "domain/subscription.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

static void
test_pure(void **state)
{
	const char *both[] = { "round_closing", "round_opened" }, *odd[] = { "round_opened", "weather" };
	const char *bad;
	char out[128];

	assert_int_equal(subscription_kinds_join(both, 2, out, &bad), 0);
	assert_string_equal(out, "round_opened,round_closing");	/* the table's order */
	assert_int_equal(subscription_kinds_join(odd, 2, out, &bad), -1);
	assert_string_equal(bad, "weather");
	assert_int_equal(subscription_kinds_join(NULL, 0, out, &bad), -1);
	assert_null(bad);
	assert_true(subscription_frequency_valid("weekly"));
	assert_false(subscription_frequency_valid("hourly"));
	assert_false(subscription_kind_valid("round"));
	/* 2026-11-29 is a Sunday: the daily and the weekly digest both at Monday 00:00 UTC */
	assert_int_equal(notice_digest_due("daily", 1795996800 - 3600), 1795996800);
	assert_int_equal(notice_digest_due("weekly", 1795996800 - 3600), 1795996800);
	/* on the Monday itself: the next day, and the next Monday */
	assert_int_equal(notice_digest_due("daily", 1795996800), 1795996800 + 86400);
	assert_int_equal(notice_digest_due("weekly", 1795996800 + 36000), 1795996800 + 7 * 86400);
}

struct fixture {
	char dir[64], url[80];
	struct writer *w;
	struct db *rd;
};

static int
exec_fn(struct db *db, void *arg, struct err *e)
{
	return db_exec(db, arg, e);
}

struct call {
	int (*fn)(struct db *, int64_t, struct err *);
	int64_t id;
};

static int
call_fn(struct db *db, void *arg, struct err *e)
{
	struct call *c = arg;
	return c->fn(db, c->id, e);
}

static int
digest_fn(struct db *db, void *arg, struct err *e)
{
	return notice_apply_digest(db, *(int64_t *)arg, clock_now(), e);
}

static int64_t
count(struct fixture *f, const char *sql)
{
	struct db_stmt *st = db_prepare(f->rd, sql);
	int64_t n = -1;

	if (st != NULL && db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

static void
run_sql(struct fixture *f, const char *sql)
{
	struct err e;
	assert_int_equal(writer_run(f->w, exec_fn, (void *)sql, &e), 0);
}

static void
meeting(struct fixture *f, int number, int with_outcome)
{
	char js[600];
	struct meeting_spec spec;
	json_error_t je;
	struct err e;
	json_t *j;

	snprintf(js, sizeof(js),
		 "{\"number\":%d,\"kind\":\"working_group\",\"starts_on\":\"2030-01-01\",\"ends_on\":\"2030-01-01\","
		 "\"mode\":\"hybrid\",\"texts\":{\"en\":{\"title\":\"Meeting %d\"}},\"outcomes\":[%s]}",
		 number, number,
		 with_outcome ? "{\"letter\":\"a\",\"kind\":\"request\",\"addressee\":\"secretariat\","
				"\"status\":\"open\",\"texts\":{\"en\":\"Report back.\"}}" : "");
	assert_non_null(j = json_loads(js, 0, &je));
	assert_int_equal(meeting_spec_parse(j, &spec, "m", &e), 0);
	assert_int_equal(writer_run(f->w, meeting_create_fn, &spec, &e), 0);
	json_decref(j);
}

static void
test_over_store(void **state)
{
	struct fixture *f = *state;
	struct call c;
	struct err e;
	int64_t digest;

	notice_set_base_url("https://agora.example/", 0);
	run_sql(f, "INSERT INTO subscriptions (id, email, language, kinds, frequency, confirm_hash, confirm_expires_at, "
		   "confirmed_at, created_at) VALUES "
		   "(1, 'now@example.org', 'es', 'summary_published,report_published,outcomes_published', 'immediate', "
		   "'h1', 0, 1, 1), "
		   "(2, 'week@example.org', 'ru', 'outcomes_published', 'weekly', 'h2', 0, 1, 1), "
		   "(3, 'ended@example.org', 'en', 'outcomes_published', 'immediate', 'h3', 0, 1, 1), "
		   "(4, 'pending@example.org', 'en', 'outcomes_published', 'immediate', 'h4', 9999999999, NULL, 1)");
	run_sql(f, "UPDATE subscriptions SET unsubscribed_at = 2, ended = 'unsubscribed' WHERE id = 3");

	/* a meeting with an outcome: the immediate one mailed, the weekly one waits, no one else */
	meeting(f, 20, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE to_addr = 'now@example.org' AND kind = 'notice' "
				  "AND lang = 'es' AND unsubscribe_url LIKE 'https://agora.example/subscriptions/1/unsubscribe/%' "
				  "AND body_text LIKE '%https://agora.example/meetings/20%' AND body_html LIKE '<!DOCTYPE html>%'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE to_addr <> 'now@example.org'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM subscription_notices WHERE subscription_id = 2 AND mailed_at IS NULL"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM subscription_tokens WHERE subscription_id = 1"), 1);
	/* a meeting without outcomes announces nothing */
	meeting(f, 21, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM announcements"), 1);

	/* a summary: once, however often it is saved as published */
	run_sql(f, "INSERT INTO consultations (id, slug, original_language, opens_at, closes_at, state, moderation, "
		   "created_at, updated_at) VALUES (7, 'r7', 'en', 1, 2, 'closed', 'post', 1, 1)");
	run_sql(f, "INSERT INTO texts (thing, thing_id, field, language, body, status) VALUES "
		   "('consultation', 7, 'title', 'en', 'Round <7>', 'original')");
	c = (struct call){ notice_summary_published, 7 };
	assert_int_equal(writer_run(f->w, call_fn, &c, &e), 0);
	assert_int_equal(writer_run(f->w, call_fn, &c, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'notice' AND subject LIKE '%Round <7>'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE body_html LIKE '%Round &lt;7&gt;%'"), 1);

	/* a public contribution is no report; a chair's report is */
	run_sql(f, "INSERT INTO documents (id, symbol, url_name, meeting_id, seq, kind, status, public, created_at) VALUES "
		   "(1, 'CWG-Internet 20/1', 'cwg-internet-20-1', (SELECT id FROM meetings WHERE number = 20), 1, "
		   "'contribution', 'submitted', 1, 1), "
		   "(2, 'CWG-Internet 20/2', 'cwg-internet-20-2', (SELECT id FROM meetings WHERE number = 20), 2, "
		   "'chair_report', 'submitted', 1, 1)");
	c = (struct call){ notice_document_published, 1 };
	assert_int_equal(writer_run(f->w, call_fn, &c, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM announcements"), 2);
	c.id = 2;
	assert_int_equal(writer_run(f->w, call_fn, &c, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE to_addr = 'now@example.org' AND kind = 'notice' "
				  "AND body_text LIKE '%CWG-Internet 20/2%' AND body_text LIKE '%/documents/cwg-internet-20-2%'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE to_addr = 'now@example.org'"), 3);

	/* the weekly digest: one mail with the waiting notice, once */
	digest = count(f, "SELECT id FROM subscription_digests WHERE subscription_id = 2 AND sent_at IS NULL");
	assert_true(digest > 0);
	assert_true(count(f, "SELECT due_at FROM subscription_digests WHERE subscription_id = 2") % (7 * 86400) ==
		    4 * 86400);	/* a Monday, 00:00 UTC */
	assert_int_equal(writer_run(f->w, digest_fn, &digest, &e), 0);
	assert_int_equal(writer_run(f->w, digest_fn, &digest, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE to_addr = 'week@example.org' AND kind = 'digest' "
				  "AND lang = 'ru' AND body_text LIKE '%https://agora.example/meetings/20%'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM subscription_notices WHERE subscription_id = 2 AND mailed_at IS NULL"), 0);
	assert_true(count(f, "SELECT last_digest_at FROM subscriptions WHERE id = 2") > 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-subs-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0)
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
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pure),
		cmocka_unit_test_setup_teardown(test_over_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
