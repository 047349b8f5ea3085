/* test_registration_meeting.c: the capacity and closing rule of open consultation meetings
 * (pure), then over a store: registering until each attendance is full (the refusal stores
 * nothing and queues no mail), cancelling frees the seat, a wrong token cancels nothing, the
 * speakers order takes only registered registrants, and settings only for open consultation
 * meetings. */
#include "unit.h"

#include <stdlib.h>

#include "domain/country.h"
#include "domain/meeting.h"
#include "domain/registration_meeting.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

static struct mreg_meeting
meeting(int cap_in, int cap_remote, int n_in, int n_remote, int64_t closes)
{
	struct mreg_meeting m;

	memset(&m, 0, sizeof(m));
	m.kind = "open_consultation";
	m.has_registration = 1;
	m.capacity_in_person = cap_in;
	m.capacity_remote = cap_remote;
	m.n_in_person = n_in;
	m.n_remote = n_remote;
	m.closes_at = closes;
	return m;
}

static void
test_rule(void **state)
{
	struct mreg_meeting m = meeting(2, 1, 0, 0, 1000);

	assert_int_equal(mreg_judge(&m, "in_person", 0), MREG_OK);
	assert_int_equal(mreg_judge(&m, "remote", 0), MREG_OK);
	/* the last seat is free, then none */
	m.n_in_person = 1;
	assert_int_equal(mreg_judge(&m, "in_person", 0), MREG_OK);
	m.n_in_person = 2;
	assert_int_equal(mreg_judge(&m, "in_person", 0), MREG_FULL);
	/* more registered than seats (seats lowered later): still full */
	m.n_in_person = 5;
	assert_int_equal(mreg_judge(&m, "in_person", 0), MREG_FULL);
	/* each attendance counts on its own */
	assert_int_equal(mreg_judge(&m, "remote", 0), MREG_OK);
	m.n_remote = 1;
	assert_int_equal(mreg_judge(&m, "remote", 0), MREG_FULL);
	assert_false(mreg_open(&m, 0));
	/* remote 0: unlimited */
	m = meeting(2, 0, 0, 100000, 1000);
	assert_int_equal(mreg_judge(&m, "remote", 0), MREG_OK);
	/* in person 0: no seats at all */
	m = meeting(0, 0, 0, 0, 1000);
	assert_int_equal(mreg_judge(&m, "in_person", 0), MREG_NOT_OFFERED);
	assert_true(mreg_open(&m, 0));
	/* closing: refused from closes_at on, whatever the seats */
	m = meeting(2, 0, 0, 0, 1000);
	assert_int_equal(mreg_judge(&m, "in_person", 999), MREG_OK);
	assert_int_equal(mreg_judge(&m, "in_person", 1000), MREG_CLOSED);
	assert_int_equal(mreg_judge(&m, "remote", 5000), MREG_CLOSED);
	assert_false(mreg_open(&m, 1000));
	/* no settings, or a working-group meeting */
	m.has_registration = 0;
	assert_int_equal(mreg_judge(&m, "remote", 0), MREG_NO_REGISTRATION);
	m = meeting(2, 0, 0, 0, 1000);
	m.kind = "working_group";
	assert_int_equal(mreg_judge(&m, "remote", 0), MREG_NO_REGISTRATION);
}

static void
test_check(void **state)
{
	struct mreg_new n = { .name = "Ada Lovelace", .organization = "Org", .country = "FR",
			      .stakeholder_type = "academia", .email = "ada@example.org", .attendance = "remote",
			      .publish_as = "name", .response = "" };
	struct mreg_errors x;
	struct err e;

	assert_int_equal(country_load(COUNTRY_JSON, &e), 0);
	assert_int_equal(mreg_check(&n, &x), 0);
	n.country = "XX";
	n.name = "  ";
	n.attendance = "both";
	n.response = "abc";
	assert_int_equal(mreg_check(&n, &x), 4);
	assert_non_null(x.country);
	assert_non_null(x.name);
	assert_non_null(x.attendance);
	assert_non_null(x.response);
	assert_null(x.email);
	n = (struct mreg_new){ .name = "A\nB", .organization = "Org", .country = "FR", .stakeholder_type = "nope",
			       .email = "x", .attendance = "in_person", .publish_as = "anonymous" };
	assert_int_equal(mreg_check(&n, &x), 4);	/* name with a newline, type, email, publish_as */
}

struct fixture {
	char dir[64];
	char url[80];
	struct writer *w;
	struct db *rd;
	struct arena *a;
};

static void
add_meeting(struct fixture *f, int number, const char *kind)
{
	char js[512];
	struct meeting_spec spec;
	json_error_t je;
	struct err e;
	json_t *j;

	snprintf(js, sizeof(js),
		 "{\"number\":%d,\"kind\":\"%s\",\"starts_on\":\"2030-01-01\",\"ends_on\":\"2030-01-01\","
		 "\"mode\":\"hybrid\",\"texts\":{\"en\":{\"title\":\"Meeting %d\"}},\"outcomes\":[]}",
		 number, kind, number);
	assert_non_null(j = json_loads(js, 0, &je));
	assert_int_equal(meeting_spec_parse(j, &spec, "m", &e), 0);
	assert_int_equal(writer_run(f->w, meeting_create_fn, &spec, &e), 0);
	json_decref(j);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL || country_load(COUNTRY_JSON, &e) != 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-mreg-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0 || (f->a = arena_new()) == NULL)
		return -1;
	add_meeting(f, 1, "working_group");
	add_meeting(f, 9001, "open_consultation");
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

static int64_t
count(struct fixture *f, const char *sql)
{
	struct db_stmt *st = db_prepare(f->rd, sql);
	int64_t v = -1;

	if (st != NULL && db_step(st) == DB_ROW)
		v = db_col_int64(st, 0);
	db_done(st);
	return v;
}

/* Registers one; returns the writer's rc, the new id in *id and the verdict in *v. */
static int
reg(struct fixture *f, const char *email, const char *attendance, char token[SESSION_TOKEN_LEN], int64_t *id,
    enum mreg_verdict *v, struct err *e)
{
	struct mreg_new n = { .number = 9001, .name = "Ada Lovelace", .organization = "Org", .country = "FR",
			      .stakeholder_type = "academia", .email = email, .lang = "en", .attendance = attendance,
			      .publish_as = "name", .response = "", .address = "test", .mail_subject = "S",
			      .mail_head = "H ", .link_base = "http://x/meetings/9001/registrations/",
			      .link_tail = "/cancel?token=", .mail_foot = " F" };
	int rc;

	session_token_new(n.token);
	rc = writer_run(f->w, mreg_register_fn, &n, e);
	memcpy(token, n.token, SESSION_TOKEN_LEN);
	*id = n.id;
	*v = n.verdict;
	return rc;
}

static void
test_over_store(void **state)
{
	struct fixture *f = *state;
	struct mreg_settings s = { 9001, 2, 1, clock_now() + 86400, -1, -1, 0, "test" };
	struct mreg_order o = { .number = 9001, .address = "test" };
	char t1[SESSION_TOKEN_LEN], t2[SESSION_TOKEN_LEN], t3[SESSION_TOKEN_LEN];
	int64_t id1, id2, id3;
	enum mreg_verdict v;
	struct err e;

	/* no settings yet: refused */
	assert_int_not_equal(reg(f, "a@example.org", "remote", t1, &id1, &v, &e), 0);
	assert_int_equal(v, MREG_NO_REGISTRATION);
	/* settings only for an open consultation meeting */
	s.number = 1;
	assert_int_not_equal(writer_run(f->w, mreg_settings_fn, &s, &e), 0);
	assert_int_equal(e.kind, ERR_CONFLICT);
	s.number = 9001;
	assert_int_equal(writer_run(f->w, mreg_settings_fn, &s, &e), 0);

	assert_int_equal(reg(f, "a@example.org", "in_person", t1, &id1, &v, &e), 0);
	assert_int_equal(reg(f, "b@example.org", "in_person", t2, &id2, &v, &e), 0);
	assert_int_not_equal(reg(f, "c@example.org", "in_person", t3, &id3, &v, &e), 0);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(v, MREG_FULL);
	assert_int_equal(count(f, "SELECT count(*) FROM registrations"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'meeting_registration'"), 2);
	/* the mail carries the cancel link with the row's id and the token */
	/* then the footer with the link that stops reminders (issue 13: notice.c), and the HTML */
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE body_text LIKE 'H http://x/meetings/9001/registrations/%/cancel?token=% F%/mail/unsubscribe/%'"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE body_html LIKE '%<p>H http://x/meetings/9001/registrations/%' AND unsubscribe_url LIKE '%/mail/unsubscribe/%'"), 2);
	/* remote: one place */
	assert_int_equal(reg(f, "d@example.org", "remote", t3, &id3, &v, &e), 0);
	assert_int_not_equal(reg(f, "e@example.org", "remote", t3, &id3, &v, &e), 0);
	assert_int_equal(v, MREG_FULL);

	/* a wrong token cancels nothing; the right one frees the seat */
	struct mreg_cancel c = { 9001, id1, t2, "test", 0 };
	assert_int_not_equal(writer_run(f->w, mreg_cancel_fn, &c, &e), 0);
	assert_string_equal(e.field, "forbidden");
	c.token = t1;
	assert_int_equal(writer_run(f->w, mreg_cancel_fn, &c, &e), 0);
	assert_false(c.was_cancelled);
	assert_int_equal(writer_run(f->w, mreg_cancel_fn, &c, &e), 0);
	assert_true(c.was_cancelled);
	assert_int_equal(reg(f, "f@example.org", "in_person", t1, &id3, &v, &e), 0);

	/* the speakers order: registered registrants only */
	o.n = 2;
	o.ids[0] = id2;
	o.ids[1] = id1;	/* cancelled */
	assert_int_not_equal(writer_run(f->w, mreg_order_fn, &o, &e), 0);
	assert_string_equal(e.field, "order");
	assert_int_equal(count(f, "SELECT count(*) FROM speakers"), 0);
	o.ids[1] = id3;
	assert_int_equal(writer_run(f->w, mreg_order_fn, &o, &e), 0);
	assert_int_equal(count(f, "SELECT registration_id FROM speakers WHERE position = 1"), id2);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'speakers_order'"), 1);

	/* closing: refused from closes_at on */
	s.closes_at = clock_now();
	assert_int_equal(writer_run(f->w, mreg_settings_fn, &s, &e), 0);
	s.capacity_in_person = 100;
	assert_int_equal(writer_run(f->w, mreg_settings_fn, &s, &e), 0);
	assert_int_not_equal(reg(f, "g@example.org", "in_person", t1, &id3, &v, &e), 0);
	assert_int_equal(v, MREG_CLOSED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_check),
		cmocka_unit_test_setup_teardown(test_over_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
