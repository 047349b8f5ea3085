/* erasure.c: correction and erasure at the respondent's request: the requests filed with the
 * manage link, and the secretariat's decisions on them (writer closures), with their reads. */
#include "erasure.h"

#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"
#include "moderation.h"

static const char SQL_RESPONSE[] =
    "SELECT id, status FROM responses WHERE public_id = $1";
static const char SQL_OPEN_COUNT[] =
    "SELECT COUNT(*) FROM response_requests WHERE response_id = $1 AND state = 'open'";
static const char SQL_INSERT[] =
    "INSERT INTO response_requests (response_id, kind, message, state, created_at) "
    "VALUES ($1, $2, $3, 'open', $4)";
#define REQUEST_COLUMNS                                                                          \
	"q.id, q.response_id, r.public_id, c.slug, q.kind, q.message, q.state, q.decline_reason, " \
	"q.created_at, COALESCE(q.decided_at, 0) FROM response_requests q "                       \
	"JOIN responses r ON r.id = q.response_id JOIN consultations c ON c.id = r.consultation_id "
static const char SQL_FOR[] =
    "SELECT " REQUEST_COLUMNS "WHERE q.response_id = $1 ORDER BY q.id DESC LIMIT $2";
static const char SQL_LIST[] =
    "SELECT " REQUEST_COLUMNS "ORDER BY q.state = 'open' DESC, "
    "CASE WHEN q.state = 'open' THEN q.id ELSE -q.id END LIMIT $1";
static const char SQL_GET[] = "SELECT " REQUEST_COLUMNS "WHERE q.id = $1";
static const char SQL_DECIDED[] =
    "UPDATE response_requests SET state = $2, decided_at = $3, decided_by = $4, decline_reason = $5 "
    "WHERE id = $1 AND state = 'open'";
static const char SQL_CONSULTATION_ID[] = "SELECT consultation_id FROM responses WHERE id = $1";
static const char SQL_CORRECTED[] =
    "UPDATE response_versions SET corrected = 1 WHERE response_id = $1 AND version = $2";
static const char SQL_CURRENT[] = "UPDATE responses SET current_version = $2, updated_at = $3 WHERE id = $1";
/* Erasure: what every version held of the respondent and of the content. The stakeholder type,
 * publication choice, language and the SHA-256 stay: they identify no one, and the hash keeps
 * the receipt and the public log verifiable. */
static const char *const SQL_ERASE[] = {
	"DELETE FROM response_answers WHERE response_id = $1",
	"DELETE FROM response_attachments WHERE response_id = $1",
	"DELETE FROM blob_refs WHERE thing = 'response' AND thing_id = $1",	/* the sweep reclaims them */
	("UPDATE response_versions SET name = '', organization = '', job_title = '', email = '', "
	 "country = '', summary = '' WHERE response_id = $1"),
	"UPDATE response_requests SET message = '' WHERE response_id = $1",	/* may name the person */
};
/* And the mail about this response (issue 13): its receipt and the moderation decisions sent to
 * the respondent keep their rows (what was sent, and when) but no longer the address, the texts
 * or the attachment; one still waiting is not sent. The relay's replies about them may name the
 * address. $1: the public id, $2: the address. */
#define ERASE_MAIL_OF "lower(to_addr) = lower($2) AND (attach_name = 'receipt-' || $1 || '.json' OR " \
		      "subject LIKE '%' || $1 || '%')"
static const char *const SQL_ERASE_MAIL[] = {
	"UPDATE outbox_attempts SET reply = '' WHERE outbox_id IN (SELECT id FROM outbox WHERE " ERASE_MAIL_OF ")",
	("UPDATE outbox SET status = CASE status WHEN 'queued' THEN 'failed' ELSE status END, last_error = CASE "
	 "status WHEN 'queued' THEN 'erased with its response before it was sent' ELSE last_error END "
	 "WHERE " ERASE_MAIL_OF),
	("UPDATE outbox SET to_addr = '', body_text = '', body_html = NULL, unsubscribe_url = NULL, "
	 "attach_data = NULL WHERE " ERASE_MAIL_OF),
	/* the opt-out links those mails carried, when no other response has the address */
	("UPDATE mail_optouts SET address = '' WHERE lower(address) = lower($2) AND $1 <> '' AND NOT EXISTS "
	 "(SELECT 1 FROM responses r JOIN response_versions v ON v.response_id = r.id AND v.version = "
	 "r.current_version WHERE lower(v.email) = lower($2) AND r.status <> 'erased')"),
};
static const char SQL_ERASED[] =
    "UPDATE responses SET status = 'erased', erased_from = status, updated_at = $2 WHERE id = $1";

int
request_kind_valid(const char *kind)
{
	return str_eq(kind, "correction") || str_eq(kind, "erasure");
}

int
request_check(const char *status, int open, const char *kind, const char *message, struct err *e)
{
	size_t n = message ? strlen(message) : 0;

	if (!request_kind_valid(kind))
		return err_set_field(e, ERR_INVALID, "kind", "choose a correction or an erasure");
	if (message != NULL && !utf8_valid(message, n))
		return err_set_field(e, ERR_INVALID, "message", "the message is not valid UTF-8");
	if (message != NULL && utf8_chars(message, n) > REQUEST_MESSAGE_MAX)
		return err_set_field(e, ERR_INVALID, "message", "the message is longer than %d characters",
				     REQUEST_MESSAGE_MAX);
	if (str_eq(kind, "correction") && (message == NULL || message[strspn(message, " \t\r\n")] == '\0'))
		return err_set_field(e, ERR_INVALID, "message", "say what should be corrected");
	if (status == NULL || str_eq(status, "erased"))
		return err_set(e, ERR_CONFLICT, "this response is erased already");
	if (str_eq(kind, "correction") && str_eq(status, "withdrawn"))	/* only an erasure is left to do */
		return err_set_field(e, ERR_INVALID, "kind", "a withdrawn response cannot be corrected: ask for its erasure");
	if (open > 0)
		return err_set(e, ERR_CONFLICT, "a request for this response is already waiting for the secretariat");
	return 0;
}

static int64_t
count_open(struct db *db, int64_t response_id)
{
	struct db_stmt *st = db_prepare(db, SQL_OPEN_COUNT);
	int64_t n = -1;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, response_id);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

int
request_file_fn(struct db *db, void *arg, struct err *e)
{
	struct request_file *f = arg;
	struct db_stmt *st;
	char status[16] = "", object[64];
	int64_t rid = 0, open, now = clock_now();
	struct audit_entry au;
	enum db_rc rc;

	/* The manage token again, inside the write: the page checked it, this makes it so. */
	if (response_token_ok(db, f->public_id, f->token) != 1)
		return err_set(e, ERR_NOTFOUND, "no response with this id and manage link");
	if ((st = db_prepare(db, SQL_RESPONSE)) == NULL)
		return db_err(db, e, "response");
	db_bind_text(st, 1, f->public_id);
	if ((rc = db_step(st)) == DB_ROW) {
		rid = db_col_int64(st, 0);
		snprintf(status, sizeof(status), "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "no such response") : db_err(db, e, "response");
	if ((open = count_open(db, rid)) < 0)
		return db_err(db, e, "requests");
	if (request_check(status, (int)open, f->kind, f->message, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "request");
	db_bind_int64(st, 1, rid);
	db_bind_text(st, 2, f->kind);
	db_bind_text(st, 3, f->message ? f->message : "");
	db_bind_int64(st, 4, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "request");
	f->id = db_last_insert_id(db);
	snprintf(object, sizeof(object), "response/%s", f->public_id);
	au = (struct audit_entry){ now, 0, f->address ? f->address : "", "request_file", object,
				   str_eq(f->kind, "erasure") ? "erasure requested with the manage link"
							      : "correction requested with the manage link" };
	return audit_append(db, &au, e);
}

static int
from_row(struct db_stmt *st, struct arena *a, struct response_request *q)
{
	const char **s[] = { &q->public_id, &q->consultation_slug, &q->kind, &q->message, &q->state,
			     &q->decline_reason };

	memset(q, 0, sizeof(*q));
	q->id = db_col_int64(st, 0);
	q->response_id = db_col_int64(st, 1);
	for (int i = 0; i < 6; i++)
		if ((*s[i] = arena_strdup(a, db_col_text(st, 2 + i))) == NULL)
			return -1;
	q->created_at = db_col_int64(st, 8);
	q->decided_at = db_col_int64(st, 9);
	return 0;
}

/* Runs st (its parameters bound but the last, the limit n) into a list. */
static int
list(struct db *db, struct db_stmt *st, struct arena *a, int n, struct response_request **out, struct err *e)
{
	struct response_request *items;
	enum db_rc rc;
	int got = 0;

	if ((items = arena_alloc(a, sizeof(*items) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		if (from_row(st, a, &items[got]) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		got++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "requests");
	*out = items;
	return got;
}

int
request_list_for(struct db *db, struct arena *a, int64_t response_id, int n, struct response_request **out,
		 struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_FOR);

	if (st == NULL)
		return db_err(db, e, "requests");
	db_bind_int64(st, 1, response_id);
	db_bind_int64(st, 2, n);
	return list(db, st, a, n, out, e);
}

int
request_list(struct db *db, struct arena *a, int n, struct response_request **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);

	if (st == NULL)
		return db_err(db, e, "requests");
	db_bind_int64(st, 1, n);
	return list(db, st, a, n, out, e);
}

int
request_get(struct db *db, struct arena *a, int64_t id, struct response_request *out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	enum db_rc rc;
	int bad = 0;

	if (st == NULL)
		return db_err(db, e, "request");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW)
		bad = from_row(st, a, out);
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no request %lld", (long long)id);
	if (rc != DB_ROW)
		return db_err(db, e, "request");
	return bad ? err_set(e, ERR_BUSY, "out of memory") : 0;
}

/* Is the error of field one of a field the correction changed? */
static int
changed_field(const char *field, const struct correction *k)
{
	int q;

	if (str_eq(field, "respondent.name"))
		return k->name != NULL;
	if (str_eq(field, "respondent.organization"))
		return k->organization != NULL;
	if (str_eq(field, "respondent.email"))
		return k->email != NULL;
	if (str_eq(field, "respondent.country"))
		return k->country != NULL;
	if (sscanf(field, "answers.%d", &q) == 1)
		return q >= 1 && q <= CONSULTATION_MAX_QUESTIONS && k->answer[q] != NULL;
	return 0;
}

int
correction_build(const struct correction *k, const struct response *cur, const struct consultation *c,
		 struct response_input *in, int *changed, struct field_errors *fe)
{
	struct field_errors all;
	int before = fe->n;

	memset(in, 0, sizeof(*in));
	memset(&all, 0, sizeof(all));
	in->name = k->name ? k->name : cur->name;
	in->organization = k->organization ? k->organization : cur->organization;
	in->email = k->email ? k->email : cur->email;
	in->country = k->country ? k->country : cur->country;
	*changed = !str_eq(in->name, cur->name) || !str_eq(in->organization, cur->organization) ||
		   !str_eq(in->email, cur->email) || !str_eq(in->country, cur->country);
	in->job_title = cur->job_title;
	in->stakeholder_type = cur->stakeholder_type;
	in->publish_as = cur->publish_as;
	in->language = cur->language;
	in->summary = cur->summary;
	for (int i = 0; i < cur->nanswers && in->nanswers < CONSULTATION_MAX_QUESTIONS; i++) {
		int q = cur->answers[i].question;
		const char *given = q >= 1 && q <= CONSULTATION_MAX_QUESTIONS ? k->answer[q] : NULL;
		in->answers[in->nanswers].question = q;
		in->answers[in->nanswers].text = given ? given : cur->answers[i].text;
		*changed |= !str_eq(in->answers[in->nanswers].text, cur->answers[i].text);
		in->nanswers++;
	}
	for (int q = 1; q <= c->nquestions && q <= CONSULTATION_MAX_QUESTIONS; q++) {	/* new answers */
		int had = 0;
		for (int i = 0; i < cur->nanswers; i++)
			had |= cur->answers[i].question == q;
		if (had || k->answer[q] == NULL || k->answer[q][0] == '\0' || in->nanswers >= CONSULTATION_MAX_QUESTIONS)
			continue;
		in->answers[in->nanswers].question = q;
		in->answers[in->nanswers].text = k->answer[q];
		in->nanswers++;
		*changed = 1;
	}
	in->nattachments = cur->nattachments;
	memcpy(in->att, cur->att, sizeof(in->att));
	response_validate(in, c, &all);
	for (int i = 0; i < all.n; i++)
		if (changed_field(all.e[i].field, k))
			field_error_add(fe, all.e[i].field, "%s", all.e[i].msg);
	return fe->n - before;
}

static int
run(struct db *db, const char *sql, int64_t a, int64_t b, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "request");
	db_bind_int64(st, 1, a);
	if (b >= 0)
		db_bind_int64(st, 2, b);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "request");
}

static int
close_request(struct db *db, const struct request_decision *d, const char *state, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_DECIDED);

	if (st == NULL)
		return db_err(db, e, "request");
	db_bind_int64(st, 1, d->request_id);
	db_bind_text(st, 2, state);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, d->account_id);
	db_bind_text(st, 5, d->action == REQ_DECLINE ? d->reason : "");
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "request");
	return db_changes(db) == 1 ? 0 : err_set(e, ERR_CONFLICT, "this request is no longer open");
}

/* The correction's new version. */
static int
correct(struct db *db, struct arena *a, struct request_decision *d, const struct response *cur, int64_t now,
	const char **what, struct err *e)
{
	struct consultation c;
	struct response_input in;
	struct field_errors fe;
	char sha[BLOB_HEX_LEN];
	int changed = 0;

	memset(&fe, 0, sizeof(fe));
	if (consultation_get(db, a, cur->consultation_slug, &c, e) != 0)
		return -1;
	if (correction_build(&d->k, cur, &c, &in, &changed, &fe) > 0)
		return err_set_field(e, ERR_INVALID, fe.e[0].field, "%s", fe.e[0].msg);
	if (!changed)
		return err_set(e, ERR_INVALID, "this correction changes nothing");
	*what = arena_printf(a, "%s%s%s%s", !str_eq(in.name, cur->name) ? " name" : "",
			     !str_eq(in.organization, cur->organization) ? " organization" : "",
			     !str_eq(in.email, cur->email) ? " email" : "",
			     !str_eq(in.country, cur->country) ? " country" : "");
	for (int i = 0; i < in.nanswers; i++)	/* changed ones, then the new ones */
		if (i >= cur->nanswers || !str_eq(in.answers[i].text, cur->answers[i].text))
			*what = arena_printf(a, "%s answer %d", *what ? *what : "", in.answers[i].question);
	d->version = cur->version + 1;
	if (response_version_store(db, cur->id, cur->public_id, cur->consultation_slug, d->version, &in, now, sha,
				   e) != 0 ||
	    run(db, SQL_CORRECTED, cur->id, d->version, e) != 0)
		return -1;
	{
		struct db_stmt *st = db_prepare(db, SQL_CURRENT);
		if (st == NULL)
			return db_err(db, e, "response");
		db_bind_int64(st, 1, cur->id);
		db_bind_int64(st, 2, d->version);
		db_bind_int64(st, 3, now);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "response");
	}
	return moderation_event_add(db, cur->id, "corrected", d->version,
				    arena_printf(a, "at the respondent's request (request %lld)",
						 (long long)d->request_id), now, e);
}

/* The erasure: every version emptied, answers and attachments gone, the stub left. */
static int
erase(struct db *db, struct request_decision *d, const struct response *cur, int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_CONSULTATION_ID);
	int64_t cid = 0;

	if (st == NULL)
		return db_err(db, e, "response");
	db_bind_int64(st, 1, cur->id);
	if (db_step(st) == DB_ROW)
		cid = db_col_int64(st, 0);
	db_done(st);
	for (size_t i = 0; i < sizeof(SQL_ERASE) / sizeof(SQL_ERASE[0]); i++)
		if (run(db, SQL_ERASE[i], cur->id, -1, e) != 0)
			return -1;
	for (size_t i = 0; cur->email != NULL && cur->email[0] != '\0' && i < sizeof(SQL_ERASE_MAIL) /
	     sizeof(SQL_ERASE_MAIL[0]); i++) {
		if ((st = db_prepare(db, SQL_ERASE_MAIL[i])) == NULL)
			return db_err(db, e, "outbox");
		db_bind_text(st, 1, cur->public_id);
		db_bind_text(st, 2, cur->email);
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "outbox");
	}
	d->version = cur->version;
	if (run(db, SQL_ERASED, cur->id, now, e) != 0 ||
	    response_published_step(db, cid, cur->status, "erased", e) != 0)
		return -1;
	return moderation_event_add(db, cur->id, "erased", cur->version, "", now, e);
}

static int
decide(struct db *db, struct arena *a, struct request_decision *d, struct err *e)
{
	static const char *const audit_actions[] = { "correction", "erasure", "request_decline" };
	struct response_request q;
	struct response cur;
	struct audit_entry au;
	const char *what = "", *detail;
	int64_t now = clock_now();

	if (request_get(db, a, d->request_id, &q, e) != 0)
		return -1;
	if (!str_eq(q.state, "open"))
		return err_set(e, ERR_CONFLICT, "this request is %s already", q.state);
	if (response_get(db, a, q.public_id, &cur, e) != 0)
		return -1;
	snprintf(d->public_id, sizeof(d->public_id), "%s", cur.public_id);
	d->version = cur.version;
	switch (d->action) {
	case REQ_CORRECT:
		if (!str_eq(q.kind, "correction"))
			return err_set(e, ERR_CONFLICT, "this request asks for an erasure, not a correction");
		if (moderation_next_status(cur.status, MOD_CORRECT) == NULL)
			return err_set(e, ERR_CONFLICT, "a %s response cannot be corrected", cur.status);
		if (correct(db, a, d, &cur, now, &what, e) != 0)
			return -1;
		break;
	case REQ_ERASE:
		if (!str_eq(q.kind, "erasure"))
			return err_set(e, ERR_CONFLICT, "this request asks for a correction, not an erasure");
		if (moderation_next_status(cur.status, MOD_ERASE) == NULL)
			return err_set(e, ERR_CONFLICT, "a %s response cannot be erased", cur.status);
		if (erase(db, d, &cur, now, e) != 0)
			return -1;
		break;
	case REQ_DECLINE:
		if (d->reason == NULL || d->reason[strspn(d->reason, " \t\r\n")] == '\0')
			return err_set_field(e, ERR_INVALID, "reason", "give the reason: the respondent sees it");
		break;
	default:
		return err_set(e, ERR_INVALID, "no such decision");
	}
	if (close_request(db, d, d->action == REQ_DECLINE ? "declined" : "done", now, e) != 0)
		return -1;
	/* The audit says what was done, never the personal data itself. */
	detail = d->action == REQ_CORRECT ? arena_printf(a, "request %lld: version %d changes%s", (long long)q.id,
							 d->version, what ? what : "")
		 : d->action == REQ_ERASE ? arena_printf(a, "request %lld: content and personal data erased",
							  (long long)q.id)
					  : arena_printf(a, "request %lld (%s) declined: %s", (long long)q.id, q.kind,
							 d->reason);
	au = (struct audit_entry){ now, d->account_id, d->address ? d->address : "", audit_actions[d->action],
				   arena_printf(a, "response/%s", cur.public_id), detail };
	return audit_append(db, &au, e);
}

int
request_decide_fn(struct db *db, void *arg, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = decide(db, a, arg, e);
	arena_free(a);
	return rc;
}
