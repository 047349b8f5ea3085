/* test_retention.c: unit tests for the retention job: the cutoff, what is emptied and what is
 * kept, rounds not yet due, batches, the audit row, a second run that changes nothing, and the
 * mark of a round gone through (retention_clean), cleared by a new version. */
#include "unit.h"

#include <stdlib.h>

#include "domain/response.h"
#include "domain/retention.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "util/clock.h"

#define DAY 86400
#define NOW 1800000000LL	/* 2027-01-15 */

struct fixture {
	char dir[40];
	char url[80];
	struct writer *w;
	struct db *rd;
};

static void
test_cutoff(void **state)
{
	assert_int_equal(retention_cutoff(NOW, 1), NOW - DAY);
	assert_int_equal(retention_cutoff(NOW, 365), NOW - 365 * DAY);
	assert_true(retention_due(NOW - DAY, NOW, 1));		/* exactly a day ago */
	assert_false(retention_due(NOW - DAY + 1, NOW, 1));	/* a second short of a day */
	assert_true(retention_due(NOW - 400 * DAY, NOW, 365));
	assert_false(retention_due(NOW - 300 * DAY, NOW, 365));
	assert_false(retention_due(NOW + DAY, NOW, 1));	/* not closed yet */
}

/* Consultation `id` closed at closes_at with n responses; response k is anonymous when k % 3 == 0,
 * published as name otherwise, and has two versions when k % 4 == 0. */
static void
seed(struct db *db, int id, const char *slug, int64_t closes_at, int n)
{
	char sql[1024];
	struct err e;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO consultations (id, slug, original_language, opens_at, closes_at, state, "
		 "moderation, created_at, updated_at) VALUES (%d, '%s', 'en', %lld, %lld, '%s', 'post', 0, 0)",
		 id, slug, (long long)closes_at - 30 * DAY, (long long)closes_at,
		 closes_at <= NOW ? "closed" : "open");
	assert_int_equal(db_exec(db, sql, &e), 0);
	for (int k = 1; k <= n; k++) {
		int rid = id * 1000 + k;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO responses (id, public_id, consultation_id, manage_token_hash, status, "
			 "created_at, updated_at) VALUES (%d, 'r%d', %d, 'h%d', '%s', 0, 0)",
			 rid, rid, id, rid,	/* several statuses: the job reads one after the other */
			 k % 5 == 0 ? "pending" : k % 7 == 0 ? "withheld" : k % 11 == 0 ? "erased" : "published");
		assert_int_equal(db_exec(db, sql, &e), 0);
		for (int v = 1; v <= (k % 4 == 0 ? 2 : 1); v++) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO response_versions (response_id, version, name, organization, "
				 "job_title, country, stakeholder_type, email, publish_as, language, summary, "
				 "content_sha256, created_at) VALUES (%d, %d, 'Name %d', 'Org %d', 'Title %d', "
				 "'FR', 'academia', 'e%d@example.net', '%s', 'en', 'Summary %d.%d', 'sha%d', 0)",
				 rid, v, rid, rid, rid, rid, k % 3 == 0 ? "anonymous" : "name", rid, v, rid);
			assert_int_equal(db_exec(db, sql, &e), 0);
		}
	}
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *db;
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-retention-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &db, &e) != 0 || migrate_up(db, &e) < 1)
		return -1;
	seed(db, 1, "long-closed", NOW - 10 * DAY, 25);	/* due (retention 5 days) */
	seed(db, 2, "just-closed", NOW - 2 * DAY, 4);	/* closed, not yet due */
	seed(db, 3, "still-open", NOW + 10 * DAY, 3);
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

static const char SQL_KEPT[] =
    "SELECT group_concat(response_id || version || organization || country || stakeholder_type || "
    "publish_as || language || summary || content_sha256 || "
    "CASE WHEN publish_as = 'anonymous' THEN '' ELSE name || job_title END, ',') "
    "FROM (SELECT * FROM response_versions ORDER BY response_id, version)";

static void
test_run(void **state)
{
	struct fixture *f = *state;
	struct retention_report rep;
	char kept[65536], kept2[65536], buf[256];
	struct err e;

	text(f, SQL_KEPT, kept, sizeof(kept));
	/* batches of 7: 25 responses take 4 writes */
	assert_int_equal(retention_run(f->w, NOW, 5, 7, &rep, &e), 0);
	assert_int_equal(rep.consultations, 1);
	assert_int_equal(rep.responses, 25);
	/* every version of the due round: no email; anonymous ones: no name or job title */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id / 1000 = 1 "
				  "AND email <> ''"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id / 1000 = 1 "
				  "AND publish_as = 'anonymous' AND (name <> '' OR job_title <> '')"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id / 1000 = 1 "
				  "AND publish_as = 'anonymous'"), 8 + 2);	/* k = 3..24 step 3; 12, 24 twice */
	/* published as name: the name and job title are published, so kept */
	assert_string_equal(text(f, "SELECT name || '/' || job_title FROM response_versions WHERE "
				    "response_id = 1001", buf, sizeof(buf)), "Name 1001/Title 1001");
	/* rounds not due keep everything */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id / 1000 IN (2, 3) "
				  "AND email = ''"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id / 1000 IN (2, 3) "
				  "AND name = ''"), 0);
	/* nothing else changed */
	assert_string_equal(text(f, SQL_KEPT, kept2, sizeof(kept2)), kept);
	/* one audit row, for the due round */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention'"), 1);
	assert_string_equal(text(f, "SELECT object || '|' || detail || '|' || at || '|' || "
				    "(account_id IS NULL) FROM audit_log WHERE action = 'retention'", buf,
				 sizeof(buf)),
			    "consultation/long-closed|retention: 25 responses, emails removed|1800000000|1");

	/* a second run: nothing to do, nothing written */
	assert_int_equal(retention_run(f->w, NOW, 5, 7, &rep, &e), 0);
	assert_int_equal(rep.consultations, 0);
	assert_int_equal(rep.responses, 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention'"), 1);

	/* a day later with retention 1: the round closed 2 days ago is due, the open one is not */
	assert_int_equal(retention_run(f->w, NOW + DAY, 1, 0, &rep, &e), 0);	/* 0: default batch */
	assert_int_equal(rep.consultations, 1);
	assert_int_equal(rep.responses, 4);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE email <> ''"), 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND "
				  "object = 'consultation/just-closed' AND detail = "
				  "'retention: 4 responses, emails removed'"), 1);
	assert_string_equal(text(f, SQL_KEPT, kept2, sizeof(kept2)), kept);
}

/* A batch exactly as large as the round: the last, empty write still audits the total. */
static void
test_exact_batch(void **state)
{
	struct fixture *f = *state;
	struct retention_report rep;
	struct err e;

	assert_int_equal(retention_run(f->w, NOW, 5, 25, &rep, &e), 0);
	assert_int_equal(rep.responses, 25);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention' AND detail = "
				  "'retention: 25 responses, emails removed'"), 1);
}

/* A version added to response 1001 through the store, as an entry after the close would. */
static int
add_version_fn(struct db *db, void *arg, struct err *e)
{
	struct response_input in = { .name = "Late Name", .organization = "Org", .job_title = "Title",
				     .country = "FR", .stakeholder_type = "academia",
				     .email = "late@example.net", .publish_as = "name", .language = "en",
				     .summary = "Received by post before the close." };
	char sha[BLOB_HEX_LEN];

	(void)arg;
	return response_version_store(db, 1001, "r1001", "long-closed", 3, &in, NOW, sha, e);
}

static void
test_clean_mark(void **state)
{
	struct fixture *f = *state;
	struct retention_report rep;
	char buf[64];
	struct err e;

	assert_int_equal(count(f, "SELECT COUNT(*) FROM consultations WHERE retention_clean = 1"), 0);
	assert_int_equal(retention_run(f->w, NOW, 5, 7, &rep, &e), 0);
	assert_int_equal(rep.responses, 25);
	/* the round gone through is marked, in the write that found nothing left; the others not */
	assert_string_equal(text(f, "SELECT group_concat(id || ':' || retention_clean) FROM "
				    "(SELECT id, retention_clean FROM consultations ORDER BY id)",
				 buf, sizeof(buf)),
			    "1:1,2:0,3:0");
	/* a marked round is not read again: data put back behind the store's back stays */
	assert_int_equal(db_exec(f->rd, "UPDATE response_versions SET email = 'x@example.net' WHERE "
					 "response_id = 1002",
				 &e),
			 0);
	assert_int_equal(retention_run(f->w, NOW, 5, 7, &rep, &e), 0);
	assert_int_equal(rep.responses, 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id = 1002 AND "
				  "email <> ''"),
			 1);
	/* a new version through the store clears the mark: the next run goes through the round
	 * again (both responses), and marks it again */
	assert_int_equal(writer_run(f->w, add_version_fn, NULL, &e), 0);
	assert_int_equal(count(f, "SELECT retention_clean FROM consultations WHERE id = 1"), 0);
	assert_int_equal(count(f, "SELECT retention_clean FROM consultations WHERE id = 2"), 0);
	assert_int_equal(retention_run(f->w, NOW, 5, 7, &rep, &e), 0);
	assert_int_equal(rep.consultations, 1);
	assert_int_equal(rep.responses, 2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM response_versions WHERE response_id / 1000 = 1 AND "
				  "email <> ''"),
			 0);
	assert_int_equal(count(f, "SELECT retention_clean FROM consultations WHERE id = 1"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cutoff),
		cmocka_unit_test_setup_teardown(test_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_mark, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
