/* response_read.c: the reads behind the public pages and the API. */
#include "response.h"

#include <string.h>

static const char SQL_GET[] =
    "SELECT r.id, r.public_id, r.status, c.slug, r.current_version, r.created_at, r.updated_at, "
    "v.name, v.organization, v.job_title, v.country, v.stakeholder_type, v.publish_as, v.language, "
    "v.summary, v.content_sha256, v.email, r.channel, COALESCE(r.received_at, 0), v.corrected, r.erased_from FROM responses r "
    "JOIN consultations c ON c.id = r.consultation_id "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "WHERE r.public_id = $1";
static const char SQL_LIST[] =
    "SELECT r.id, r.public_id, r.status, c.slug, r.current_version, r.created_at, r.updated_at, "
    "v.name, v.organization, v.job_title, v.country, v.stakeholder_type, v.publish_as, v.language, "
    "v.summary, v.content_sha256, v.email, r.channel, COALESCE(r.received_at, 0), v.corrected, r.erased_from FROM responses r "
    "JOIN consultations c ON c.id = r.consultation_id "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "WHERE r.consultation_id = $1 AND (r.status = 'published' OR (r.status = 'erased' AND r.erased_from = 'published')) "
    "AND r.id > $2 ORDER BY r.id LIMIT $3";
static const char SQL_ANSWERS[] =
    "SELECT question, body FROM response_answers WHERE response_id = $1 AND version = $2 ORDER BY question";
static const char SQL_ATTACHMENTS[] =
    "SELECT sha256, filename, media_type, size_bytes FROM response_attachments "
    "WHERE response_id = $1 AND version = $2 ORDER BY position";
static const char SQL_STATUS_EVENT[] =
    "SELECT at, reason FROM moderation_events WHERE response_id = $1 AND kind IN ('withheld', 'withdrawn', 'erased') "
    "ORDER BY id DESC LIMIT 1";
static const char SQL_COUNT[] = "SELECT published_responses FROM consultations WHERE id = $1";

static int
from_row(struct db_stmt *st, struct arena *a, struct response *r)
{
	const char **s[] = { &r->public_id, &r->status, &r->consultation_slug };
	const char **v[] = { &r->name, &r->organization, &r->job_title, &r->country,
			     &r->stakeholder_type, &r->publish_as, &r->language, &r->summary,
			     &r->sha256, &r->email };

	memset(r, 0, sizeof(*r));
	r->id = db_col_int64(st, 0);
	for (int i = 0; i < 3; i++)
		if ((*s[i] = arena_strdup(a, db_col_text(st, 1 + i))) == NULL)
			return -1;
	r->version = (int)db_col_int64(st, 4);
	r->created_at = db_col_int64(st, 5);
	r->updated_at = db_col_int64(st, 6);
	for (int i = 0; i < 10; i++)
		if ((*v[i] = arena_strdup(a, db_col_text(st, 7 + i))) == NULL)
			return -1;
	if ((r->channel = arena_strdup(a, db_col_text(st, 17))) == NULL)
		return -1;
	r->received_on = db_col_int64(st, 18);
	r->corrected = (int)db_col_int64(st, 19);
	if ((r->erased_from = arena_strdup(a, db_col_text(st, 20))) == NULL)
		return -1;
	return 0;
}

static int
load_details(struct db *db, struct arena *a, struct response *r, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ANSWERS);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "answers");
	db_bind_int64(st, 1, r->id);
	db_bind_int64(st, 2, r->version);
	while ((rc = db_step(st)) == DB_ROW && r->nanswers < CONSULTATION_MAX_QUESTIONS) {
		r->answers[r->nanswers].question = (int)db_col_int64(st, 0);
		r->answers[r->nanswers].text = arena_strdup(a, db_col_text(st, 1));
		r->nanswers++;
	}
	db_done(st);
	if ((st = db_prepare(db, SQL_ATTACHMENTS)) == NULL)
		return db_err(db, e, "attachments");
	db_bind_int64(st, 1, r->id);
	db_bind_int64(st, 2, r->version);
	while ((rc = db_step(st)) == DB_ROW && r->nattachments < RESPONSE_MAX_ATTACHMENTS) {
		struct attachment *t = &r->att[r->nattachments++];
		snprintf(t->sha256, sizeof(t->sha256), "%s", db_col_text(st, 0));
		t->filename = arena_strdup(a, db_col_text(st, 1));
		t->media_type = arena_strdup(a, db_col_text(st, 2));
		t->size = db_col_int64(st, 3);
	}
	db_done(st);
	if ((st = db_prepare(db, SQL_STATUS_EVENT)) == NULL)
		return db_err(db, e, "moderation");
	db_bind_int64(st, 1, r->id);
	if (db_step(st) == DB_ROW) {
		r->status_at = db_col_int64(st, 0);
		r->status_reason = arena_strdup(a, db_col_text(st, 1));
	}
	db_done(st);
	return 0;
}

int
response_get(struct db *db, struct arena *a, const char *public_id, struct response *r,
	     struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	enum db_rc rc;
	int bad = 0;

	if (st == NULL)
		return db_err(db, e, "response");
	db_bind_text(st, 1, public_id);
	if ((rc = db_step(st)) == DB_ROW)
		bad = from_row(st, a, r);
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no response '%s'", public_id);
	if (rc != DB_ROW)
		return db_err(db, e, "response");
	if (bad)
		return err_set(e, ERR_BUSY, "out of memory");
	return load_details(db, a, r, e);
}

int
response_list(struct db *db, struct arena *a, int64_t consultation_id, int64_t after_id, int limit,
	      struct response **items, int *n, int *more, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	enum db_rc rc;

	*n = *more = 0;
	if (st == NULL)
		return db_err(db, e, "responses");
	if ((*items = arena_alloc(a, sizeof(**items) * (size_t)limit)) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	db_bind_int64(st, 1, consultation_id);
	db_bind_int64(st, 2, after_id);
	db_bind_int64(st, 3, limit + 1);
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == limit) {
			*more = 1;
			continue;
		}
		if (from_row(st, a, &(*items)[*n]) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		(*n)++;
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "responses");
}

int64_t
response_count_published(struct db *db, int64_t consultation_id)
{
	struct db_stmt *st = db_prepare(db, SQL_COUNT);
	int64_t n = 0;

	if (st == NULL)
		return 0;
	db_bind_int64(st, 1, consultation_id);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

int
response_never_public(const struct response *r)
{
	return strcmp(r->status, "pending") == 0 ||
	       (strcmp(r->status, "erased") == 0 && strcmp(r->erased_from ? r->erased_from : "", "pending") == 0);
}
