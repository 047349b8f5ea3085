/* response_store.c: responses in the store: submit, revise, withdraw (writer closures), and
 * the reads behind the public pages. */
#include "response.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "audit.h"

static const char SQL_ROUND[] =
    "SELECT id, state, opens_at, closes_at, moderation FROM consultations WHERE slug = $1";
static const char SQL_INSERT[] =
    "INSERT INTO responses (public_id, consultation_id, manage_token_hash, current_version, status, "
    "created_at, updated_at, channel, received_at, entered_by) VALUES ($1, $2, $3, 1, $4, $5, $5, $6, $7, $8)";
static const char SQL_VERSION[] =
    "INSERT INTO response_versions (response_id, version, name, organization, job_title, country, "
    "stakeholder_type, email, publish_as, language, summary, content_sha256, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
static const char SQL_ANSWER[] =
    "INSERT INTO response_answers (response_id, version, question, body) VALUES ($1, $2, $3, $4)";
static const char SQL_ATTACHMENT[] =
    "INSERT INTO response_attachments (response_id, version, position, sha256, filename, media_type, "
    "size_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_BLOB_REF[] =
    "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ($1, 'response', $2) ON CONFLICT DO NOTHING";
static const char SQL_EVENT[] =
    "INSERT INTO moderation_events (response_id, kind, version, reason, at) VALUES ($1, $2, $3, '', $4)";
static const char SQL_BY_TOKEN[] =
    "SELECT r.id, r.current_version, r.status, c.slug, c.opens_at, c.closes_at, c.moderation, c.id "
    "FROM responses r JOIN consultations c ON c.id = r.consultation_id "
    "WHERE r.public_id = $1 AND r.manage_token_hash = $2";
static const char SQL_COUNT_ADD[] =
    "UPDATE consultations SET published_responses = published_responses + $2 WHERE id = $1";
/* PostgreSQL: the change waits in published_deltas for the end of the writer's batch
 * (writer.c; sql/postgres/0022_published_deltas.sql says why). */
static const char SQL_COUNT_ADD_PG[] = "INSERT INTO published_deltas (consultation_id, n) VALUES ($1, $2)";
static const char SQL_SET_VERSION[] =
    "UPDATE responses SET current_version = $2, status = $3, updated_at = $4 WHERE id = $1";

static int count_published(struct db *db, int64_t consultation_id, const char *before,
			   const char *after, struct err *e);

static void
sha256_hex(const void *p, size_t n, char hex[BLOB_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(hex, BLOB_HEX_LEN, h, sizeof(h));
}

/* Random public id: 12 characters that cannot be mistaken for each other. */
static void
make_public_id(char out[RESPONSE_ID_LEN])
{
	static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
	const unsigned n = sizeof(alphabet) - 1, below = 256 - 256 % n;	/* 248 maps evenly */
	unsigned char raw[32];
	size_t used = sizeof(raw);
	int i = 0;

	/* One draw of random bytes for the id (randombytes_uniform per character was a system call
	 * each: 5% of an HTTP thread's time under a surge); a byte is kept when it is below the
	 * largest multiple of 31, so every character is equally likely. */
	while (i < RESPONSE_ID_LEN - 1) {
		if (used == sizeof(raw)) {
			randombytes_buf(raw, sizeof(raw));
			used = 0;
		}
		if (raw[used] < below)
			out[i++] = alphabet[raw[used] % n];
		used++;
	}
	out[RESPONSE_ID_LEN - 1] = '\0';
}

static void
make_manage_token(char out[MANAGE_TOKEN_LEN], char hash[BLOB_HEX_LEN])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, "manage_", 7);
	sodium_bin2base64(out + 7, MANAGE_TOKEN_LEN - 7, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sha256_hex(out, strlen(out), hash);
}

/* The stored language: one of the six codes in lower case, or "und" (undetermined). */
static const char *
language_code(const char *given)
{
	enum lang l;

	return given != NULL && lang_from_code(given, &l) == 0 ? lang_code(l) : "und";
}

int
response_content_digest(json_t *o, char hex[BLOB_HEX_LEN])
{
	char *s = o != NULL ? json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

	json_decref(o);
	if (s == NULL)
		return -1;
	sha256_hex(s, strlen(s), hex);
	free(s);
	return 0;
}

/* The SHA-256 of a version's canonical bytes: its public content as JSON with sorted keys and
 * no spaces (the email is not part of it). The answers are those stored (empty ones are not),
 * by question number; the attachments in their order. So the hash can be computed again from
 * the stored rows alone (response_content_hash_stored), as `agora log verify` does. */
static int
content_hash(const char *public_id, const char *slug, int version, const struct response_input *in,
	     char hex[BLOB_HEX_LEN])
{
	json_t *o = json_object(), *ans = json_array(), *att = json_array();
	int order[CONSULTATION_MAX_QUESTIONS], n = 0;

	for (int i = 0; i < in->nanswers; i++) {
		int k = n++;
		if (in->answers[i].text == NULL || in->answers[i].text[0] == '\0') {
			n--;
			continue;
		}
		while (k > 0 && in->answers[order[k - 1]].question > in->answers[i].question) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	json_object_set_new(o, "response", json_string(public_id));
	json_object_set_new(o, "consultation", json_string(slug));
	json_object_set_new(o, "version", json_integer(version));
	json_object_set_new(o, "respondent",
			    json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", in->name, "organization",
				      in->organization, "job_title", in->job_title, "country", in->country,
				      "stakeholder_type", in->stakeholder_type));
	json_object_set_new(o, "publish_as", json_string(in->publish_as));
	json_object_set_new(o, "language", json_string(language_code(in->language)));
	json_object_set_new(o, "summary", json_string(in->summary));
	for (int i = 0; i < n; i++)
		json_array_append_new(ans, json_pack("{s:i, s:s}", "question", in->answers[order[i]].question,
						     "text", in->answers[order[i]].text));
	for (int i = 0; i < in->nattachments; i++)
		json_array_append_new(att, json_pack("{s:s, s:s, s:s, s:I}", "sha256", in->att[i].sha256,
						     "filename", in->att[i].filename, "media_type",
						     in->att[i].media_type, "size_bytes",
						     (json_int_t)in->att[i].size));
	json_object_set_new(o, "answers", ans);
	json_object_set_new(o, "attachments", att);
	return response_content_digest(o, hex);
}

static const char SQL_STORED_VERSION[] =
    "SELECT r.public_id, c.slug, v.name, v.organization, v.job_title, v.country, v.stakeholder_type, "
    "v.publish_as, v.language, v.summary FROM response_versions v JOIN responses r ON r.id = v.response_id "
    "JOIN consultations c ON c.id = r.consultation_id WHERE v.response_id = $1 AND v.version = $2";
static const char SQL_STORED_ANSWERS[] =
    "SELECT question, body FROM response_answers WHERE response_id = $1 AND version = $2 ORDER BY question";
static const char SQL_STORED_ATTACHMENTS[] =
    "SELECT sha256, filename, media_type, size_bytes FROM response_attachments "
    "WHERE response_id = $1 AND version = $2 ORDER BY position";

int
response_content_hash_stored(struct db *db, struct arena *a, int64_t id, int version,
			     char hex[BLOB_HEX_LEN], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_STORED_VERSION);
	struct response_input in;
	char public_id[RESPONSE_ID_LEN + 1], slug[256];
	enum db_rc rc;

	memset(&in, 0, sizeof(in));
	if (st == NULL)
		return db_err(db, e, "response");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, version);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "no version %d of response %lld", version,
					       (long long)id) : db_err(db, e, "response");
	}
	snprintf(public_id, sizeof(public_id), "%s", db_col_text(st, 0));
	snprintf(slug, sizeof(slug), "%s", db_col_text(st, 1));
	in.name = arena_strdup(a, db_col_text(st, 2));
	in.organization = arena_strdup(a, db_col_text(st, 3));
	in.job_title = arena_strdup(a, db_col_text(st, 4));
	in.country = arena_strdup(a, db_col_text(st, 5));
	in.stakeholder_type = arena_strdup(a, db_col_text(st, 6));
	in.publish_as = arena_strdup(a, db_col_text(st, 7));
	in.language = arena_strdup(a, db_col_text(st, 8));
	in.summary = arena_strdup(a, db_col_text(st, 9));
	db_done(st);
	if ((st = db_prepare(db, SQL_STORED_ANSWERS)) == NULL)
		return db_err(db, e, "answers");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, version);
	while (db_step(st) == DB_ROW && in.nanswers < CONSULTATION_MAX_QUESTIONS) {
		in.answers[in.nanswers].question = (int)db_col_int64(st, 0);
		in.answers[in.nanswers++].text = arena_strdup(a, db_col_text(st, 1));
	}
	db_done(st);
	if ((st = db_prepare(db, SQL_STORED_ATTACHMENTS)) == NULL)
		return db_err(db, e, "attachments");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, version);
	while (db_step(st) == DB_ROW && in.nattachments < RESPONSE_MAX_ATTACHMENTS) {
		struct attachment *t = &in.att[in.nattachments++];
		snprintf(t->sha256, sizeof(t->sha256), "%s", db_col_text(st, 0));
		t->filename = arena_strdup(a, db_col_text(st, 1));
		t->media_type = arena_strdup(a, db_col_text(st, 2));
		t->size = db_col_int64(st, 3);
	}
	db_done(st);
	if (in.name == NULL || in.summary == NULL || in.organization == NULL || in.job_title == NULL ||
	    in.country == NULL || in.stakeholder_type == NULL || in.publish_as == NULL || in.language == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (int i = 0; i < in.nanswers; i++)
		if (in.answers[i].text == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
	for (int i = 0; i < in.nattachments; i++)
		if (in.att[i].filename == NULL || in.att[i].media_type == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
	return content_hash(public_id, slug, version, &in, hex) == 0 ? 0
		: err_set(e, ERR_INTERNAL, "out of memory");
}

/* A new version may hold personal data: its round is no longer one the retention job has gone
 * through (retention.c, migration 0028). Writes nothing while the round is open. */
static const char SQL_RETENTION_AGAIN[] =
    "UPDATE consultations SET retention_clean = 0 WHERE retention_clean = 1 "
    "AND id = (SELECT consultation_id FROM responses WHERE id = $1)";

/* Inserts version v of response id: the version row, answers, attachments and their blob refs. */
static int
insert_version(struct db *db, int64_t id, int v, const struct response_input *in, const char *sha,
	       int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_VERSION);

	if (st == NULL)
		return db_err(db, e, "response");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, v);
	db_bind_text(st, 3, in->name);
	db_bind_text(st, 4, in->organization);
	db_bind_text(st, 5, in->job_title);
	db_bind_text(st, 6, in->country);
	db_bind_text(st, 7, in->stakeholder_type);
	db_bind_text(st, 8, in->email);
	db_bind_text(st, 9, in->publish_as);
	db_bind_text(st, 10, language_code(in->language));
	db_bind_text(st, 11, in->summary);
	db_bind_text(st, 12, sha);
	db_bind_int64(st, 13, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "response");
	if ((st = db_prepare(db, SQL_RETENTION_AGAIN)) == NULL)
		return db_err(db, e, "response");
	db_bind_int64(st, 1, id);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "response");
	for (int i = 0; i < in->nanswers; i++) {
		if (in->answers[i].text == NULL || in->answers[i].text[0] == '\0')
			continue;
		if ((st = db_prepare(db, SQL_ANSWER)) == NULL)
			return db_err(db, e, "answer");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, v);
		db_bind_int64(st, 3, in->answers[i].question);
		db_bind_text(st, 4, in->answers[i].text);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "answer");
	}
	for (int i = 0; i < in->nattachments; i++) {
		if ((st = db_prepare(db, SQL_ATTACHMENT)) == NULL)
			return db_err(db, e, "attachment");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, v);
		db_bind_int64(st, 3, i + 1);
		db_bind_text(st, 4, in->att[i].sha256);
		db_bind_text(st, 5, in->att[i].filename);
		db_bind_text(st, 6, in->att[i].media_type);
		db_bind_int64(st, 7, in->att[i].size);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "attachment");
		if ((st = db_prepare(db, SQL_BLOB_REF)) == NULL)
			return db_err(db, e, "attachment");
		db_bind_text(st, 1, in->att[i].sha256);
		db_bind_int64(st, 2, id);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "attachment");
	}
	return 0;
}

int
response_version_store(struct db *db, int64_t id, const char *public_id, const char *slug, int v,
		       const struct response_input *in, int64_t now, char sha[BLOB_HEX_LEN], struct err *e)
{
	if (content_hash(public_id, slug, v, in, sha) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	return insert_version(db, id, v, in, sha, now, e);
}

int
response_published_step(struct db *db, int64_t consultation_id, const char *before, const char *after,
			struct err *e)
{
	return count_published(db, consultation_id, before, after, e);
}

/* Keeps consultations.published_responses in step when a response enters or leaves "published"
 * (on PostgreSQL once the writer's batch ends: the count read inside the batch is the old one). */
static int
count_published(struct db *db, int64_t consultation_id, const char *before, const char *after,
		struct err *e)
{
	int delta = str_eq(after, "published") - str_eq(before, "published");
	struct db_stmt *st;

	if (delta == 0)
		return 0;
	if ((st = db_prepare(db, db_is_postgres(db) ? SQL_COUNT_ADD_PG : SQL_COUNT_ADD)) == NULL)
		return db_err(db, e, "count");
	db_bind_int64(st, 1, consultation_id);
	db_bind_int64(st, 2, delta);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "count");
}

static int
add_event(struct db *db, int64_t id, const char *kind, int v, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_EVENT);

	if (st == NULL)
		return db_err(db, e, "event");
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, v);
	db_bind_int64(st, 4, now);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "event");
}

/* In time when the request started inside [opens_at, closes_at). */
int
response_in_time(int64_t started, int64_t opens_at, int64_t closes_at, const char *state, struct err *e)
{
	char when[TIME_RFC3339_LEN];

	if (str_eq(state, "draft"))
		return err_set(e, ERR_NOTFOUND, "no such consultation");
	if (started < opens_at) {
		time_format_rfc3339(opens_at, when);
		return err_set(e, ERR_CONFLICT, "this consultation is not open yet: it opens at %s", when);
	}
	if (started >= closes_at) {
		time_format_rfc3339(closes_at, when);
		return err_set(e, ERR_CONFLICT, "this consultation closed at %s", when);
	}
	return 0;
}

int
response_channel_valid(const char *channel)
{
	return str_eq(channel, "email") || str_eq(channel, "post") || str_eq(channel, "other");
}

/* The day is what the secretariat knows of a letter: it counts as received by the close when
 * the day starts by then, and as received after the opening when the day ends after it. */
int
response_entry_in_time(int64_t received_on, int64_t now, int64_t opens_at, int64_t closes_at,
		       const char *state, struct err *e)
{
	char when[TIME_RFC3339_LEN];

	if (state == NULL || str_eq(state, "draft"))
		return err_set(e, ERR_NOTFOUND, "no such consultation");
	if (received_on > now)
		return err_set_field(e, ERR_INVALID, "received_on", "the date it was received is in the future");
	if (now < opens_at || received_on + 86400 <= opens_at) {
		time_format_rfc3339(opens_at, when);
		return err_set_field(e, ERR_CONFLICT, "received_on",
				     "this consultation opens (or opened) at %s: a response received before "
				     "cannot be entered", when);
	}
	if (received_on > closes_at) {
		time_format_rfc3339(closes_at, when);
		return err_set_field(e, ERR_CONFLICT, "received_on",
				     "this consultation closed at %s: only a response received by then "
				     "may be entered", when);
	}
	return 0;
}

/* The audit row of a response entered on a respondent's behalf. */
static int
audit_entry(struct db *db, const struct response_submit *s, int64_t now, struct err *e)
{
	char object[64], detail[160], day[TIME_RFC3339_LEN];
	struct audit_entry a = { now, s->entered_by, s->address ? s->address : "", "response_enter",
				 object, detail };

	time_format_rfc3339(s->received_on, day);
	snprintf(object, sizeof(object), "response/%s", s->public_id);
	snprintf(detail, sizeof(detail), "consultation %s, received by %s on %.10s", s->slug, s->channel, day);
	return audit_append(db, &a, e);
}

int
response_submit_prepare(struct response_submit *s, struct err *e)
{
	make_public_id(s->public_id);
	make_manage_token(s->manage_token, s->token_hash);
	if (content_hash(s->public_id, s->slug, 1, &s->in, s->sha256) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	s->prepared = 1;
	return 0;
}

int
response_submit_fn(struct db *db, void *arg, struct err *e)
{
	struct response_submit *s = arg;
	struct db_stmt *st = db_prepare(db, SQL_ROUND);
	char state[16], moderation[8];
	int64_t cid, opens, closes, id, now = clock_now();
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "consultation");
	db_bind_text(st, 1, s->slug);
	if ((rc = db_step(st)) == DB_ROW) {
		cid = db_col_int64(st, 0);
		snprintf(state, sizeof(state), "%s", db_col_text(st, 1));
		opens = db_col_int64(st, 2);
		closes = db_col_int64(st, 3);
		snprintf(moderation, sizeof(moderation), "%s", db_col_text(st, 4));
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no consultation '%s'", s->slug);
	if (rc != DB_ROW)
		return db_err(db, e, "consultation");
	if (s->channel != NULL) {	/* entered on behalf: the day it was received decides */
		if (!response_channel_valid(s->channel))
			return err_set_field(e, ERR_INVALID, "channel", "received by email, post or other");
		if (response_entry_in_time(s->received_on, now, opens, closes, state, e) != 0)
			return -1;
	} else if (s->imported_at > 0) {
		now = s->imported_at;
	} else if (response_in_time(s->started_at, opens, closes, state, e) != 0) {
		return -1;
	}
	if (!s->prepared && response_submit_prepare(s, e) != 0)
		return -1;
	s->version = 1;
	s->received_at = now;
	s->status = str_eq(moderation, "pre") ? "pending" : "published";
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "response");
	db_bind_text(st, 1, s->public_id);
	db_bind_int64(st, 2, cid);
	db_bind_text(st, 3, s->token_hash);
	db_bind_text(st, 4, s->status);
	db_bind_int64(st, 5, now);
	db_bind_text(st, 6, s->channel ? s->channel : "online");
	if (s->channel != NULL) {
		db_bind_int64(st, 7, s->received_on);
		db_bind_int64(st, 8, s->entered_by);
	} else {
		db_bind_null(st, 7);
		db_bind_null(st, 8);
	}
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "response");
	id = db_last_insert_id(db);
	if (insert_version(db, id, 1, &s->in, s->sha256, now, e) != 0 ||
	    add_event(db, id, "submitted", 1, now, e) != 0 ||
	    count_published(db, cid, "", s->status, e) != 0 ||
	    (str_eq(s->status, "published") && add_event(db, id, "published", 1, now, e) != 0))
		return -1;
	return s->channel != NULL ? audit_entry(db, s, now, e) : 0;
}

int
response_manage_fn(struct db *db, void *arg, struct err *e)
{
	struct response_manage *m = arg;
	struct db_stmt *st = db_prepare(db, SQL_BY_TOKEN);
	char hash[BLOB_HEX_LEN], status[16], before[16], moderation[8], slug[80];
	int64_t id, opens, closes, cid = 0, now = clock_now();
	int version;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "response");
	sha256_hex(m->token, strlen(m->token), hash);
	db_bind_text(st, 1, m->public_id);
	db_bind_text(st, 2, hash);
	if ((rc = db_step(st)) == DB_ROW) {
		id = db_col_int64(st, 0);
		version = (int)db_col_int64(st, 1);
		snprintf(status, sizeof(status), "%s", db_col_text(st, 2));
		snprintf(slug, sizeof(slug), "%s", db_col_text(st, 3));
		opens = db_col_int64(st, 4);
		closes = db_col_int64(st, 5);
		snprintf(moderation, sizeof(moderation), "%s", db_col_text(st, 6));
		cid = db_col_int64(st, 7);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no response with this id and manage link");
	if (rc != DB_ROW)
		return db_err(db, e, "response");
	if (str_eq(status, "withdrawn"))
		return err_set(e, ERR_CONFLICT, "this response was withdrawn");
	if (str_eq(status, "erased"))
		return err_set(e, ERR_CONFLICT, "this response was erased at the respondent's request");
	if (response_in_time(m->started_at, opens, closes, "open", e) != 0)
		return -1;
	m->received_at = now;
	memcpy(before, status, sizeof(before));
	if (m->withdraw) {
		m->version = version;
		if ((st = db_prepare(db, SQL_SET_VERSION)) == NULL)
			return db_err(db, e, "response");
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, version);
		db_bind_text(st, 3, "withdrawn");
		db_bind_int64(st, 4, now);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "response");
		if (count_published(db, cid, before, "withdrawn", e) != 0)
			return -1;
		return add_event(db, id, "withdrawn", version, now, e);
	}
	m->version = version + 1;
	if (content_hash(m->public_id, slug, m->version, &m->in, m->sha256) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	if (insert_version(db, id, m->version, &m->in, m->sha256, now, e) != 0)
		return -1;
	/* A withheld response stays withheld; under pre-moderation a revision waits again. */
	if (!str_eq(status, "withheld"))
		snprintf(status, sizeof(status), "%s", str_eq(moderation, "pre") ? "pending" : "published");
	if ((st = db_prepare(db, SQL_SET_VERSION)) == NULL)
		return db_err(db, e, "response");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, m->version);
	db_bind_text(st, 3, status);
	db_bind_int64(st, 4, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "response");
	if (count_published(db, cid, before, status, e) != 0)
		return -1;
	return add_event(db, id, "revised", m->version, now, e);
}

static const char SQL_TOKEN_OK[] =
    "SELECT 1 FROM responses WHERE public_id = $1 AND manage_token_hash = $2";

int
response_token_ok(struct db *db, const char *public_id, const char *token)
{
	struct db_stmt *st = db_prepare(db, SQL_TOKEN_OK);
	char hash[BLOB_HEX_LEN];
	enum db_rc rc;

	if (st == NULL)
		return -1;
	sha256_hex(token, strlen(token), hash);
	db_bind_text(st, 1, public_id);
	db_bind_text(st, 2, hash);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}
