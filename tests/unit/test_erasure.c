/* test_erasure.c: unit tests for correction and erasure at the respondent's request and for
 * entry on the respondent's behalf: the pure rules (the received day, a new request), and, on a
 * real store, an erasure (every version emptied in one write, the stub, its event and audit row,
 * the retention job finding nothing left to do), a correction (a new version, the old one kept)
 * and the refusals that leave everything as it was. */
#include "unit.h"

#include <stdlib.h>

#include "domain/country.h"
#include "domain/erasure.h"
#include "domain/moderation.h"
#include "domain/response.h"
#include "domain/retention.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

#define DAY 86400
#define NOW 1800000000LL	/* 2027-01-15T08:00:00Z */
#define MIDNIGHT (NOW - NOW % DAY)

static void
test_entry_rule(void **state)
{
	struct err e;
	int64_t opens = MIDNIGHT - 10 * DAY + 12 * 3600, closes = MIDNIGHT - 2 * DAY + 12 * 3600;

	/* open: any day from the opening day to today */
	assert_int_equal(response_entry_in_time(MIDNIGHT, NOW, opens, MIDNIGHT + 5 * DAY, "open", &e), 0);
	assert_int_equal(response_entry_in_time(MIDNIGHT - 10 * DAY, NOW, opens, MIDNIGHT + 5 * DAY, "open", &e), 0);
	/* a day in the future */
	assert_int_equal(response_entry_in_time(MIDNIGHT + DAY, NOW, opens, MIDNIGHT + 5 * DAY, "open", &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.field, "received_on");
	/* the day before the opening day */
	assert_int_equal(response_entry_in_time(MIDNIGHT - 11 * DAY, NOW, opens, MIDNIGHT + 5 * DAY, "open", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	/* closed: the closing day is in time (a letter of that day), the day after is not */
	assert_int_equal(response_entry_in_time(MIDNIGHT - 2 * DAY, NOW, opens, closes, "closed", &e), 0);
	assert_int_equal(response_entry_in_time(MIDNIGHT - DAY, NOW, opens, closes, "closed", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "closed at"));
	/* not open yet: nothing can have been received for it */
	assert_int_equal(response_entry_in_time(MIDNIGHT, NOW, NOW + 3600, NOW + 9 * DAY, "scheduled", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	/* a draft is not there */
	assert_int_equal(response_entry_in_time(MIDNIGHT, NOW, opens, closes, "draft", &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	assert_true(response_channel_valid("post") && response_channel_valid("email") && response_channel_valid("other"));
	assert_false(response_channel_valid("online") || response_channel_valid("Post") || response_channel_valid(NULL));
}

static void
test_request_rule(void **state)
{
	struct err e;
	char long_msg[REQUEST_MESSAGE_MAX + 2];

	assert_int_equal(request_check("published", 0, "correction", "My name is wrong.", &e), 0);
	assert_int_equal(request_check("withdrawn", 0, "erasure", NULL, &e), 0);	/* no message needed */
	assert_int_equal(request_check("withdrawn", 0, "correction", "x", &e), -1);	/* nothing public to correct */
	assert_string_equal(e.field, "kind");
	assert_int_equal(request_check("published", 0, "correction", NULL, &e), -1);
	assert_string_equal(e.field, "message");
	assert_int_equal(request_check("published", 0, "correction", " \n\t", &e), -1);
	assert_string_equal(e.field, "message");
	assert_int_equal(request_check("published", 0, "rename", "x", &e), -1);
	assert_string_equal(e.field, "kind");
	assert_int_equal(request_check("published", 0, NULL, "x", &e), -1);
	assert_int_equal(request_check("published", 0, "erasure", "\xff\xfe", &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	memset(long_msg, 'a', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	assert_int_equal(request_check("published", 0, "erasure", long_msg, &e), -1);
	long_msg[REQUEST_MESSAGE_MAX] = '\0';
	assert_int_equal(request_check("published", 0, "erasure", long_msg, &e), 0);
	/* one open request at a time; nothing to ask of an erased response */
	assert_int_equal(request_check("published", 1, "erasure", NULL, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(request_check("erased", 0, "correction", "x", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
}

/* What was never public stays so: a pending response, or one erased while pending. */
static void
test_never_public(void **state)
{
	struct response r = { .status = "pending", .erased_from = "" };

	assert_true(response_never_public(&r));
	r.status = "published";
	assert_false(response_never_public(&r));
	r.status = "erased";
	r.erased_from = "pending";
	assert_true(response_never_public(&r));
	r.erased_from = "published";
	assert_false(response_never_public(&r));
	r.erased_from = "withdrawn";
	assert_false(response_never_public(&r));	/* its page said it was withdrawn: now erased */
}

struct fixture {
	char dir[40];
	char url[80];
	struct writer *w;
	struct db *rd;
};

static void
exec(struct db *db, const char *sql)
{
	struct err e;

	if (db_exec(db, sql, &e) != 0)
		fail_msg("%s: %s", sql, e.msg);
}

/* Round 1 (closed 10 days before NOW, 2 questions): response 11 ("r11", two versions, two
 * answers, an attachment, blob refs) and response 12 ("r12", one version), both published;
 * request 1 asks to erase r11, request 2 to correct r12, request 3 (declined) was about r12. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-erasure-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	exec(db, "INSERT INTO accounts (id, email, name, role, password_hash, created_at) "
		 "VALUES (7, 'sec@example.org', 'Sec', 'secretariat', 'x', 0)");
	exec(db, "INSERT INTO consultations (id, slug, original_language, opens_at, closes_at, state, moderation, "
		 "created_at, updated_at, published_responses) VALUES (1, 'round', 'en', 1790000000, 1799136000, "
		 "'closed', 'post', 0, 0, 2)");
	exec(db, "INSERT INTO questions (consultation_id, number) VALUES (1, 1), (1, 2)");
	exec(db, "INSERT INTO responses (id, public_id, consultation_id, manage_token_hash, current_version, status, "
		 "created_at, updated_at) VALUES (11, 'r11', 1, 'h11', 2, 'published', 1, 2), "
		 "(12, 'r12', 1, 'h12', 1, 'published', 1, 1)");
	exec(db, "INSERT INTO response_versions (response_id, version, name, organization, job_title, country, "
		 "stakeholder_type, email, publish_as, language, summary, content_sha256, created_at) VALUES "
		 "(11, 1, 'Eve First', 'Eve Org', 'Chief', 'FR', 'academia', 'eve@example.net', 'name', 'en', "
		 "'Eve summary one', 'sha11a', 1), "
		 "(11, 2, 'Eve Second', 'Eve Org', 'Chief', 'FR', 'academia', 'eve2@example.net', 'name', 'en', "
		 "'Eve summary two', 'sha11b', 2), "
		 "(12, 1, 'Ada Mistake', 'Ada Org', 'Analyst', 'BE', 'civil_society', 'ada@example.net', 'name', "
		 "'en', 'Ada summary', 'sha12', 1)");
	exec(db, "INSERT INTO response_answers (response_id, version, question, body) VALUES "
		 "(11, 1, 1, 'Eve answer one'), (11, 2, 1, 'Eve answer two'), (11, 2, 2, 'Eve answer 2.2'), "
		 "(12, 1, 1, 'Ada original answer')");
	exec(db, "INSERT INTO response_attachments (response_id, version, position, sha256, filename, media_type, "
		 "size_bytes) VALUES (11, 1, 1, 'aaaa', 'eve.pdf', 'application/pdf', 10), "
		 "(11, 2, 1, 'aaaa', 'eve.pdf', 'application/pdf', 10)");
	exec(db, "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ('aaaa', 'response', 11), "
		 "('aaaa', 'response', 12), ('bbbb', 'held', 11)");
	exec(db, "INSERT INTO moderation_events (response_id, kind, version, reason, at) VALUES "
		 "(11, 'submitted', 1, '', 1), (11, 'published', 1, '', 1), (11, 'revised', 2, '', 2), "
		 "(12, 'submitted', 1, '', 1), (12, 'published', 1, '', 1)");
	exec(db, "INSERT INTO response_requests (id, response_id, kind, message, state, created_at) VALUES "
		 "(1, 11, 'erasure', 'Erase me, Eve First', 'open', 5), "
		 "(2, 12, 'correction', 'My name is Ada Corrected', 'open', 6), "
		 "(3, 12, 'erasure', 'x', 'declined', 4)");
	if ((f->w = writer_new(db, 64, 64, 0)) == NULL || writer_start(f->w, &e) != 0)
		return -1;
	if (db_open(f->url, 0, &f->rd, &e) != 0)
		return -1;
	clock_freeze_ms(NOW * 1000);
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

static int64_t
count(struct fixture *f, const char *sql)
{
	struct db_stmt *st = db_prepare(f->rd, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

static const char *
text(struct fixture *f, const char *sql, char *out, size_t outlen)
{
	struct db_stmt *st = db_prepare(f->rd, sql);

	assert_non_null(st);
	out[0] = '\0';
	if (db_step(st) == DB_ROW)
		snprintf(out, outlen, "%s", db_col_text(st, 0));
	db_done(st);
	return out;
}

static const char SQL_R12[] =
    "SELECT group_concat(v.version || v.name || v.email || v.summary || v.corrected, ',') || '|' || "
    "(SELECT group_concat(version || question || body, ',') FROM response_answers WHERE response_id = 12) "
    "|| '|' || (SELECT current_version || status FROM responses WHERE id = 12) "
    "FROM response_versions v WHERE v.response_id = 12";

static void
test_erase(void **state)
{
	struct fixture *f = *state;
	struct request_decision d = { .request_id = 1, .account_id = 7, .address = "192.0.2.1",
				      .action = REQ_ERASE };
	struct retention_report rep;
	char r12[1024], r12_after[1024], buf[256];
	struct err e;

	text(f, SQL_R12, r12, sizeof(r12));
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), 0);
	assert_string_equal(d.public_id, "r11");
	/* the stub: state erased, every version emptied, answers and attachments gone */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM responses WHERE id = 11 AND status = 'erased' "
				  "AND erased_from = 'published' AND updated_at = 1800000000"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id = 11"), 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id = 11 AND (name <> '' "
				  "OR organization <> '' OR job_title <> '' OR email <> '' OR country <> '' OR "
				  "summary <> '')"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_answers WHERE response_id = 11"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_attachments WHERE response_id = 11"), 0);
	/* its blob reference gone (the sweep may reclaim the file), the others' kept */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM blob_refs WHERE thing = 'response' AND thing_id = 11"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM blob_refs"), 2);
	/* the hashes stay, so receipts still verify */
	assert_string_equal(text(f, "SELECT group_concat(content_sha256) FROM response_versions WHERE "
				    "response_id = 11", buf, sizeof(buf)), "sha11a,sha11b");
	/* the request's message named the person: emptied; the request is done, by whom and when */
	assert_string_equal(text(f, "SELECT message || '|' || state || '|' || decided_by || '|' || decided_at "
				    "FROM response_requests WHERE id = 1", buf, sizeof(buf)),
			    "|done|7|1800000000");
	/* the event, the audit row, the count */
	assert_string_equal(text(f, "SELECT kind || version || at FROM moderation_events WHERE response_id = 11 "
				    "ORDER BY id DESC LIMIT 1", buf, sizeof(buf)), "erased21800000000");
	assert_string_equal(text(f, "SELECT object || '|' || detail || '|' || account_id || '|' || address FROM "
				    "audit_log WHERE action = 'erasure'", buf, sizeof(buf)),
			    "response/r11|request 1: content and personal data erased|7|192.0.2.1");
	assert_int_equal(count(f, "SELECT published_responses FROM consultations WHERE id = 1"), 1);
	/* the other response untouched */
	assert_string_equal(text(f, SQL_R12, r12_after, sizeof(r12_after)), r12);
	/* a second time: the request is done, nothing more happens */
	d.action = REQ_ERASE;
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'erasure'"), 1);
	/* retention, long after the close: the erased response has nothing left to remove; the
	 * other loses its email only */
	assert_int_equal(retention_run(f->w, NOW + 400 * DAY, 1, 0, &rep, &e), 0);
	assert_int_equal(rep.responses, 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE email <> ''"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM responses WHERE id = 11 AND status = 'erased'"), 1);
	assert_string_equal(text(f, "SELECT name FROM response_versions WHERE response_id = 12", buf, sizeof(buf)),
			    "Ada Mistake");
}

static void
test_refusals(void **state)
{
	struct fixture *f = *state;
	struct request_decision d = { .request_id = 1, .account_id = 7, .address = "cli", .action = REQ_CORRECT };
	char before[4096], after[4096];
	struct err e;

	text(f, "SELECT (SELECT group_concat(name || email || summary) FROM response_versions) || "
		"(SELECT group_concat(state) FROM response_requests) || (SELECT COUNT(*) FROM audit_log)",
	     before, sizeof(before));
	/* a correction of an erasure request, an erasure of a correction request */
	d.k.name = "New Name";
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	d.request_id = 2;
	d.action = REQ_ERASE;
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	/* a decline without a reason; a request declined already; one that does not exist */
	d.action = REQ_DECLINE;
	d.reason = "  ";
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	d.request_id = 3;
	d.reason = "again";
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	d.request_id = 99;
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	/* a correction that changes nothing */
	memset(&d, 0, sizeof(d));
	d.request_id = 2;
	d.action = REQ_CORRECT;
	d.k.name = "Ada Mistake";
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	/* the secretariat's own moderation cannot erase or correct without a request */
	{
		struct moderation m = { .public_id = "r11", .action = MOD_ERASE, .account_id = 7 };
		assert_int_equal(writer_run(f->w, moderation_fn, &m, &e), -1);
		assert_int_equal(e.kind, ERR_INVALID);
	}
	assert_string_equal(text(f, "SELECT (SELECT group_concat(name || email || summary) FROM response_versions) || "
				    "(SELECT group_concat(state) FROM response_requests) || (SELECT COUNT(*) FROM audit_log)",
				 after, sizeof(after)), before);
}

static void
test_correct_and_decline(void **state)
{
	struct fixture *f = *state;
	struct request_decision d = { .request_id = 2, .account_id = 7, .address = "192.0.2.9", .action = REQ_CORRECT };
	char buf[512];
	struct err e;

	if (country_load(COUNTRY_JSON, &e) != 0)
		skip();
	d.k.name = "Ada Corrected";
	d.k.answer[1] = "Corrected answer";
	d.k.answer[2] = "A new answer to question 2";
	d.k.email = "not an email";
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), -1);	/* checked as a submission */
	assert_int_equal(e.kind, ERR_INVALID);
	assert_string_equal(e.field, "respondent.email");
	d.k.email = NULL;
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), 0);
	assert_int_equal(d.version, 2);
	assert_string_equal(text(f, SQL_R12, buf, sizeof(buf)),
			    "1Ada Mistakeada@example.netAda summary0,2Ada Correctedada@example.netAda summary1|"
			    "11Ada original answer,21Corrected answer,22A new answer to question 2|2published");
	assert_string_equal(text(f, "SELECT kind || version || reason FROM moderation_events WHERE response_id = 12 "
				    "ORDER BY id DESC LIMIT 1", buf, sizeof(buf)),
			    "corrected2at the respondent's request (request 2)");
	assert_string_equal(text(f, "SELECT detail FROM audit_log WHERE action = 'correction' AND object = "
				    "'response/r12'", buf, sizeof(buf)),
			    "request 2: version 2 changes name answer 1 answer 2");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_requests WHERE id = 2 AND state = 'done'"), 1);
	/* a declined request: its reason kept for the respondent, audited, the response untouched */
	{
		struct db *db;
		assert_int_equal(db_open(f->url, 0, &db, &e), 0);
		assert_int_equal(db_exec(db, "INSERT INTO response_requests (id, response_id, kind, message, state, "
					 "created_at) VALUES (4, 12, 'erasure', '', 'open', 7)", &e), 0);
		db_close(db);
	}
	memset(&d, 0, sizeof(d));
	d.request_id = 4;
	d.account_id = 7;
	d.action = REQ_DECLINE;
	d.reason = "We need a signed letter.";
	assert_int_equal(writer_run(f->w, request_decide_fn, &d, &e), 0);
	assert_string_equal(text(f, "SELECT state || '|' || decline_reason FROM response_requests WHERE id = 4", buf,
				 sizeof(buf)), "declined|We need a signed letter.");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'request_decline' AND "
				  "object = 'response/r12'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM responses WHERE id = 12 AND status = 'published' AND "
				  "current_version = 2"), 1);
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The public ids response_submit_prepare draws: 12 characters of the 31 of the alphabet (no 0,
 * 1, i, l, o), every one of them used over 2,000 ids, no two ids alike. */
static void
test_public_ids(void **state)
{
	static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
	enum { N = 2000 };
	char (*ids)[RESPONSE_ID_LEN] = calloc(N, RESPONSE_ID_LEN);
	int seen[256] = { 0 };
	struct err e;

	(void)state;
	assert_non_null(ids);
	for (int k = 0; k < N; k++) {
		struct response_submit s = { .slug = "x", .in = { .name = "n", .organization = "o", .job_title = "j",
								   .country = "FR", .stakeholder_type = "academia",
								   .email = "", .publish_as = "name", .language = "en",
								   .summary = "s" } };
		assert_int_equal(response_submit_prepare(&s, &e), 0);
		assert_int_equal(strlen(s.public_id), RESPONSE_ID_LEN - 1);
		for (const char *c = s.public_id; *c; c++) {
			assert_non_null(strchr(alphabet, *c));
			seen[(unsigned char)*c]++;
		}
		memcpy(ids[k], s.public_id, RESPONSE_ID_LEN);
	}
	for (const char *c = alphabet; *c; c++)
		assert_true(seen[(unsigned char)*c] > 0);
	qsort(ids, N, RESPONSE_ID_LEN, by_id);
	for (int k = 1; k < N; k++)
		assert_string_not_equal(ids[k - 1], ids[k]);
	free(ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_rule),
		cmocka_unit_test(test_request_rule),
		cmocka_unit_test(test_never_public),
		cmocka_unit_test(test_public_ids),
		cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correct_and_decline, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
