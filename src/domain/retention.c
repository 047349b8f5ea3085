/* retention.c: the retention job: unpublished personal data removed after retention-days: that
 * of the responses of closed consultations, and the emails and cancel tokens of the
 * registrations of open consultation meetings that have ended. */
#include "retention.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"

#define MAX_DUE 64	/* consultations looked at per pass */

/* A response needs the job while a version keeps an email, or, published anonymously, a name
 * or a job title. */
#define NEEDS "(v.email <> '' OR (v.publish_as = 'anonymous' AND (v.name <> '' OR v.job_title <> '')))"

/* The closed rounds not yet gone through since their last new version (retention_clean,
 * migration 0028): a round the job has finished is not read again. (This once looked in every
 * response of every closed round for one that still needed the job: about 1 s of the writer a
 * day at 1,000,000 responses; docs/PERFORMANCE.md.) */
static const char SQL_DUE[] =
    "SELECT c.id, c.slug FROM consultations c WHERE c.state <> 'draft' AND c.closes_at <= $1 "
    "AND c.retention_clean = 0 ORDER BY c.id LIMIT $2";
/* In the write that finds nothing left in the round. */
static const char SQL_CLEAN[] = "UPDATE consultations SET retention_clean = 1 WHERE id = $1";
/* One status at a time, after the last response done ($3), so that each write reads only the
 * rows it needs from the index (consultation_id, status, id): the job's cost is linear in the
 * round's size. (It once started every batch at the round's first response and sorted: at
 * 166,000 responses a round, a write read the whole round each time and held the writer for
 * minutes in all; docs/PERFORMANCE.md.) */
static const char SQL_BATCH[] =
    "SELECT r.id FROM responses r WHERE r.consultation_id = $1 AND r.status = $4 AND r.id > $3 "
    "AND EXISTS (SELECT 1 FROM response_versions v WHERE v.response_id = r.id AND " NEEDS ") "
    "ORDER BY r.id LIMIT $2";
/* Every status a response can have: the CHECK on responses.status (migration 0001 and later). */
static const char *const STATUSES[] = { "erased", "pending", "published", "withdrawn", "withheld", NULL };
static const char SQL_ERASE[] =
    "UPDATE response_versions SET email = '', "
    "name = CASE WHEN publish_as = 'anonymous' THEN '' ELSE name END, "
    "job_title = CASE WHEN publish_as = 'anonymous' THEN '' ELSE job_title END "
    "WHERE response_id = $1";

/* A registration needs the job while it keeps an email or its cancel token's hash (erased
 * hashes are "removed:ID": never a SHA-256 in hex, unique as the column wants). */
#define REG_NEEDS "(g.email <> '' OR g.token_hash NOT LIKE 'removed:%')"

/* Meetings end at the end of their last day (ends_on is its 00:00 UTC). */
static const char SQL_MEETINGS_DUE[] =
    "SELECT m.id, CAST(m.number AS TEXT) FROM meetings m WHERE m.ends_on + 86400 <= $1 "
    "AND EXISTS (SELECT 1 FROM registrations g WHERE g.meeting_id = m.id AND " REG_NEEDS ") "
    "ORDER BY m.id LIMIT $2";
static const char SQL_REG_BATCH[] =
    "SELECT g.id FROM registrations g WHERE g.meeting_id = $1 AND g.id > $3 AND " REG_NEEDS
    " ORDER BY g.id LIMIT $2";
static const char SQL_REG_ERASE[] =
    "UPDATE registrations SET email = '', token_hash = 'removed:' || id WHERE id = $1";

/* What one kind of personal data needs: which things are due, the rows of one thing, how a row
 * is erased, and the audit row's words. */
struct kind {
	const char *due_sql, *batch_sql, *erase_sql;
	const char *clean_sql;	/* marks the thing done ($1: its id); NULL: none */
	const char *const *statuses;	/* batch_sql's $4, one after the other; NULL: none */
	const char *object;	/* "consultation/%s" */
	const char *what;	/* "responses" */
};
static const struct kind RESPONSES = { SQL_DUE, SQL_BATCH, SQL_ERASE, SQL_CLEAN, STATUSES, "consultation/%s",
				       "responses" };
static const struct kind REGISTRATIONS = { SQL_MEETINGS_DUE, SQL_REG_BATCH, SQL_REG_ERASE, NULL, NULL,
					   "meeting/%s", "registrations" };

int64_t
retention_cutoff(int64_t now, int64_t days)
{
	return now - days * 86400;
}

int
retention_due(int64_t closes_at, int64_t now, int64_t days)
{
	return closes_at <= retention_cutoff(now, days);
}

struct due {
	const struct kind *k;
	int64_t cutoff;
	int n;
	struct {
		int64_t id;
		char slug[128];
	} c[MAX_DUE];
};

/* Reads, on the writer, the consultations (or meetings) that have personal data due. */
static int
due_fn(struct db *db, void *arg, struct err *e)
{
	struct due *d = arg;
	struct db_stmt *st = db_prepare(db, d->k->due_sql);
	enum db_rc rc;

	d->n = 0;
	if (st == NULL)
		return db_err(db, e, "retention");
	db_bind_int64(st, 1, d->cutoff);
	db_bind_int64(st, 2, MAX_DUE);
	while ((rc = db_step(st)) == DB_ROW && d->n < MAX_DUE) {
		d->c[d->n].id = db_col_int64(st, 0);
		snprintf(d->c[d->n].slug, sizeof(d->c[d->n].slug), "%s", db_col_text(st, 1));
		d->n++;
	}
	db_done(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : db_err(db, e, "retention");
}

struct batch {
	const struct kind *k;
	int64_t consultation_id, now;	/* or the meeting's id */
	const char *slug;
	int limit;
	int64_t total;	/* responses done in this consultation so far */
	int status;	/* the index in k->statuses being read */
	int64_t after;	/* the last id done in it */
	int done;	/* out: responses done in this write */
	int finished;	/* out: nothing is left after this write */
};

/* Up to want ids of the batch's thing after b->after, in its current status (or, when that has
 * no more, the next ones). Returns how many, or -1. */
static int
next_ids(struct db *db, struct batch *b, int64_t *ids, int want, struct err *e)
{
	int n = 0;

	while (n < want) {
		struct db_stmt *st = db_prepare(db, b->k->batch_sql);
		enum db_rc rc;

		if (st == NULL)
			return db_err(db, e, "retention");
		db_bind_int64(st, 1, b->consultation_id);
		db_bind_int64(st, 2, want - n);
		db_bind_int64(st, 3, b->after);
		if (b->k->statuses)
			db_bind_text(st, 4, b->k->statuses[b->status]);
		while ((rc = db_step(st)) == DB_ROW && n < want) {
			ids[n++] = b->after = db_col_int64(st, 0);
		}
		db_done(st);
		if (rc != DB_DONE && rc != DB_ROW)
			return db_err(db, e, "retention");
		if (n == want)
			break;
		/* this status has no more: the next one, from its start */
		if (b->k->statuses == NULL || b->k->statuses[b->status + 1] == NULL) {
			b->finished = 1;
			break;
		}
		b->status++;
		b->after = 0;
	}
	return n;
}

/* One write: up to limit responses of one consultation; the last write (nothing left after it)
 * also appends the audit row. */
static int
batch_fn(struct db *db, void *arg, struct err *e)
{
	struct batch *b = arg;
	struct batch keep = *b;	/* a write that fails is tried again from where it began */
	struct db_stmt *up;
	int64_t ids[RETENTION_BATCH];
	int n;

	b->done = 0;
	b->finished = 0;
	if ((n = next_ids(db, b, ids, b->limit, e)) < 0) {
		*b = keep;
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if ((up = db_prepare(db, b->k->erase_sql)) == NULL) {
			*b = keep;
			return db_err(db, e, "retention");
		}
		db_bind_int64(up, 1, ids[i]);
		if (db_run(up) != DB_DONE) {
			*b = keep;
			return db_err(db, e, "retention");
		}
	}
	b->done = n;
	if (b->finished && b->k->clean_sql != NULL) {
		if ((up = db_prepare(db, b->k->clean_sql)) == NULL) {
			*b = keep;
			return db_err(db, e, "retention");
		}
		db_bind_int64(up, 1, b->consultation_id);
		if (db_run(up) != DB_DONE) {
			*b = keep;
			return db_err(db, e, "retention");
		}
	}
	if (b->finished && b->total + n > 0) {
		char object[160], detail[96];
		struct audit_entry a = { b->now, 0, "job", "retention", object, detail };
		snprintf(object, sizeof(object), b->k->object, b->slug);
		snprintf(detail, sizeof(detail), "retention: %lld %s, emails removed", (long long)(b->total + n),
			 b->k->what);
		if (audit_append(db, &a, e) != 0) {
			*b = keep;
			return -1;
		}
	}
	return 0;
}

/* Every pass of one kind: the things due, each in batches; *things and *rows count what was done. */
static int
run_kind(struct writer *w, const struct kind *k, int64_t now, int64_t days, int batch, int *things,
	 int64_t *rows, struct err *e)
{
	struct due d;

	memset(&d, 0, sizeof(d));
	d.k = k;
	d.cutoff = retention_cutoff(now, days);
	do {	/* a thing done no longer has anything due: each pass finds new ones */
		if (writer_run(w, due_fn, &d, e) != 0)
			return -1;
		for (int i = 0; i < d.n; i++) {
			struct batch b = { k, d.c[i].id, now, d.c[i].slug, batch, 0, 0, 0, 0, 0 };
			do {
				if (writer_run(w, batch_fn, &b, e) != 0)
					return -1;
				b.total += b.done;
			} while (!b.finished);
			if (b.total > 0) {
				(*things)++;
				*rows += b.total;
			}
		}
	} while (d.n == MAX_DUE);
	return 0;
}

int
retention_run(struct writer *w, int64_t now, int64_t days, int batch, struct retention_report *out,
	      struct err *e)
{
	struct retention_report rep;
	int rc;

	memset(&rep, 0, sizeof(rep));
	if (batch < 1 || batch > RETENTION_BATCH)
		batch = RETENTION_BATCH;
	rc = run_kind(w, &RESPONSES, now, days, batch, &rep.consultations, &rep.responses, e);
	if (rc == 0)
		rc = run_kind(w, &REGISTRATIONS, now, days, batch, &rep.meetings, &rep.registrations, e);
	if (out != NULL)
		*out = rep;
	return rc;
}
