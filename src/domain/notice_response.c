/* notice_response.c: a respondent's notices (docs/MAIL-NOTICES.md): the receipt with its private
 * manage link, and the moderation decision. The receipt holds the public log's proof, which only
 * exists once the writer's batch is sealed: the submit closure notes the receipt to send in a
 * temporary table of the writer's connection, and notice_seal (the batch's seal, after the log's)
 * composes and queues it in the same transaction, then forgets the note. The manage token is in
 * no committed table but the mail's own outbox row. The note also holds the submission's address
 * in this process (the writer's batch waits for its commit, so it is alive until then): the
 * receipt composed for the mail is copied there, and the API answers it without composing the
 * proof a second time (docs/PERFORMANCE.md, "The third profile"). */
#include "notice_response.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ledger/log.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "moderation.h"
#include "notice.h"
#include "response.h"

static const char SQL_TEMP[] =
    "CREATE TEMP TABLE IF NOT EXISTS notice_receipts_due (public_id TEXT NOT NULL, version INTEGER NOT NULL, "
    "slug TEXT NOT NULL, received_at BIGINT NOT NULL, sha256 TEXT NOT NULL, email TEXT NOT NULL, "
    "lang TEXT NOT NULL, manage_token TEXT NOT NULL, status TEXT NOT NULL, handle BIGINT NOT NULL)";
static const char SQL_NOTE[] =
    "INSERT INTO notice_receipts_due (public_id, version, slug, received_at, sha256, email, lang, manage_token, "
    "status, handle) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
static const char SQL_DUE[] =
    "SELECT public_id, version, slug, received_at, sha256, email, lang, manage_token, status, handle "
    "FROM notice_receipts_due";
static const char SQL_FORGET[] = "DELETE FROM notice_receipts_due";
static const char SQL_RESPONDENT[] =
    "SELECT v.email, v.language, r.status, c.slug FROM responses r JOIN consultations c ON c.id = r.consultation_id "
    "JOIN response_versions v ON v.response_id = r.id WHERE r.public_id = $1 AND v.email <> '' "
    "ORDER BY v.version DESC LIMIT 1";

/* Runs one of the statements above that return no row, prepared once per connection (as
 * db_exec it would be parsed again at every submission). */
static int
run_plain(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL || db_run(st) != DB_DONE)
		return db_err(db, e, "receipt mail");
	return 0;
}

/* Whether the temporary table exists on this connection: made once, in a transaction that
 * committed (a rolled-back savepoint takes it away, so it is made again when that happens). */
static int
temp_table(struct db *db, struct err *e)
{
	return run_plain(db, SQL_TEMP, e);
}

int
notice_response_submit_fn(struct db *db, void *arg, struct err *e)
{
	struct response_submit *s = arg;
	struct db_stmt *st;

	if (response_submit_fn(db, s, e) != 0)
		return -1;
	/* imported (the demo) sends nothing; online and entered on one's behalf do */
	if (s->imported_at > 0 || s->in.email == NULL || s->in.email[0] == '\0')
		return 0;
	if (temp_table(db, e) != 0 || (st = db_prepare(db, SQL_NOTE)) == NULL)
		return -1;
	db_bind_text(st, 1, s->public_id);
	db_bind_int64(st, 2, s->version);
	db_bind_text(st, 3, s->slug);
	db_bind_int64(st, 4, s->received_at);
	db_bind_text(st, 5, s->sha256);
	db_bind_text(st, 6, s->in.email);
	db_bind_text(st, 7, notice_lang_code(s->in.language));
	db_bind_text(st, 8, s->manage_token);
	db_bind_text(st, 9, s->status);
	db_bind_int64(st, 10, (int64_t)(intptr_t)s);
	s->receipt_len = 0;
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "receipt mail");
}

struct due {
	const char *public_id, *slug, *sha256, *email, *lang, *token, *status;
	int version;
	int64_t received_at;
	struct response_submit *to;	/* the submission waiting for this batch */
};

/* The receipt exactly as the API answers it on submission: response_receipt_json and the log's
 * proof with the salt, compact (one text for the mail and the answer). A heap string, or NULL. */
static char *
receipt_text(struct db *db, const struct due *d, struct err *e)
{
	json_t *r = response_receipt_json(d->public_id, d->slug, d->version, d->received_at, d->sha256);
	json_t *log = ledger_receipt_json(db, d->public_id, d->version, 1, e);
	char *s = NULL;

	if (r != NULL && log != NULL)
		json_object_update(r, log);
	if (r != NULL && log != NULL)
		s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(r);
	json_decref(log);
	return s;
}

static int
send_receipt(struct db *db, struct arena *a, const struct due *d, struct err *e)
{
	struct notice n = { .to = d->email, .lang = d->lang, .kind = "receipt", .stops = "moderation", .always = 1,
			    .attach_type = "application/json" };
	char *json = receipt_text(db, d, e);
	locale_t old;
	int queued, rc;

	if (json == NULL)
		return -1;
	n.attach_len = strlen(json);
	if (d->to != NULL && n.attach_len < sizeof(d->to->receipt)) {
		memcpy(d->to->receipt, json, n.attach_len + 1);
		d->to->receipt_len = n.attach_len;
	}
	old = notice_lang_begin(d->lang);
	n.subject = arena_printf(a, _("Your response %s: receipt and private link"), d->public_id);
	n.text = arena_printf(
	    a, "%s\n\n%s\n\n%s",
	    arena_printf(a, _("Thank you. Your response %s to the consultation \"%s\" was received on %s. Its receipt "
			      "is attached: it proves that your response is in the public log, and anyone can check it "
			      "at %s/receipts. Keep it."),
			 d->public_id, d->slug, notice_time(a, d->received_at, d->lang, 1), notice_base_url()),
	    str_eq(d->status, "pending") ? _("The secretariat reviews responses before they are published; we will "
					    "write to you when it has decided.")
					 : arena_printf(a, _("Your response is published: %s"),
							arena_printf(a, "%s/responses/%s", notice_base_url(),
								     d->public_id)),
	    _("Your private link to revise or withdraw your response until the consultation closes is below. Do not "
	      "share it: whoever has it can change your response. It is not in the receipt."));
	n.link = arena_printf(a, "%s/responses/%s/manage?token=%s", notice_base_url(), d->public_id, d->token);
	n.attach_name = arena_printf(a, "receipt-%s.json", d->public_id);
	notice_lang_end(old);
	n.attach_data = json;
	rc = n.subject && n.text && n.link && n.attach_name ? notice_send(db, &n, &queued, e)
							    : err_set(e, ERR_BUSY, "out of memory");
	free(json);
	return rc;
}

int
notice_seal(struct db *db, void *log, struct err *e)
{
	struct arena *a;
	struct due *list = NULL;
	struct db_stmt *st;
	int n = 0, cap = 0, rc = -1;
	enum db_rc step;

	if (ledger_seal(db, log, e) != 0)
		return -1;
	if (temp_table(db, e) != 0)
		return -1;
	if ((a = arena_new()) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if ((st = db_prepare(db, SQL_DUE)) == NULL) {
		db_err(db, e, "receipt mail");
		goto out;
	}
	while ((step = db_step(st)) == DB_ROW) {
		struct due *d;
		if ((list = arena_grow(a, list, n, &cap, sizeof(*list))) == NULL) {
			db_done(st);
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
		d = &list[n++];
		d->public_id = arena_strdup(a, db_col_text(st, 0));
		d->version = (int)db_col_int64(st, 1);
		d->slug = arena_strdup(a, db_col_text(st, 2));
		d->received_at = db_col_int64(st, 3);
		d->sha256 = arena_strdup(a, db_col_text(st, 4));
		d->email = arena_strdup(a, db_col_text(st, 5));
		d->lang = arena_strdup(a, db_col_text(st, 6));
		d->token = arena_strdup(a, db_col_text(st, 7));
		d->status = arena_strdup(a, db_col_text(st, 8));
		d->to = (struct response_submit *)(intptr_t)db_col_int64(st, 9);
		if (!d->public_id || !d->slug || !d->sha256 || !d->email || !d->lang || !d->token || !d->status) {
			db_done(st);
			err_set(e, ERR_BUSY, "out of memory");
			goto out;
		}
	}
	db_done(st);
	if (step != DB_DONE) {
		db_err(db, e, "receipt mail");
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (send_receipt(db, a, &list[i], e) != 0)
			goto out;
	if (n > 0 && run_plain(db, SQL_FORGET, e) != 0)
		goto out;
	rc = 0;
out:
	arena_free(a);
	/* A receipt that cannot be composed (memory, the proof not readable) fails the batch: no
	 * response is stored without its receipt mail. Each submitter is told to try again (503),
	 * never a 500 or a 404 about the log that a retry would not see. */
	if (rc != 0 && e != NULL && e->kind != ERR_FULL && e->kind != ERR_BUSY) {
		char why[sizeof(e->msg)];
		snprintf(why, sizeof(why), "%s", e->msg);
		err_set(e, ERR_BUSY, "the receipt mail could not be queued (%s); try again", why);
	}
	return rc;
}

int
notice_moderation_fn(struct db *db, void *arg, struct err *e)
{
	struct moderation *m = arg;
	struct arena *a;
	struct db_stmt *st;
	struct notice n = { .kind = "moderation" };
	const char *email = NULL, *lang = NULL, *status = NULL, *slug = NULL;
	const char *reason = m->reason && m->reason[0] ? m->reason : NULL;
	enum db_rc step;
	locale_t old;
	int queued, rc = -1;

	if (moderation_fn(db, m, e) != 0)
		return -1;
	if ((a = arena_new()) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if ((st = db_prepare(db, SQL_RESPONDENT)) == NULL) {
		db_err(db, e, "moderation mail");
		goto out;
	}
	db_bind_text(st, 1, m->public_id);
	if ((step = db_step(st)) == DB_ROW) {
		email = arena_strdup(a, db_col_text(st, 0));
		lang = arena_strdup(a, notice_lang_code(db_col_text(st, 1)));
		status = arena_strdup(a, db_col_text(st, 2));
		slug = arena_strdup(a, db_col_text(st, 3));
	}
	db_done(st);
	if (step != DB_ROW) {	/* no email given: nobody to tell */
		rc = step == DB_DONE ? 0 : db_err(db, e, "moderation mail");
		goto out;
	}
	if (!email || !lang || !status || !slug) {
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	n.to = email;
	n.lang = lang;
	old = notice_lang_begin(lang);
	n.subject = arena_printf(a, _("Your response %s: the secretariat's decision"), m->public_id);
	if (m->action == MOD_PUBLISH) {
		n.text = arena_printf(a, _("Your response %s to the consultation \"%s\" is published."), m->public_id,
				      slug);
		n.link = arena_printf(a, "%s/responses/%s", notice_base_url(), m->public_id);
	} else if (m->action == MOD_WITHHOLD) {
		n.text = arena_printf(a, "%s\n\n%s", arena_printf(a, _("Your response %s to the consultation \"%s\" "
								      "is withheld: it is not published."),
								  m->public_id, slug),
				      arena_printf(a, _("Reason: %s"), reason ? reason : ""));
	} else {
		n.text = arena_printf(a, "%s%s%s",
				      arena_printf(a, _("The secretariat redacted part of your response %s to the "
							"consultation \"%s\"."),
						   m->public_id, slug),
				      reason ? "\n\n" : "", reason ? arena_printf(a, _("Reason: %s"), reason) : "");
		if (str_eq(status, "published"))
			n.link = arena_printf(a, "%s/responses/%s", notice_base_url(), m->public_id);
	}
	notice_lang_end(old);
	if (n.subject == NULL || n.text == NULL) {
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	rc = notice_send(db, &n, &queued, e);
out:
	arena_free(a);
	return rc;
}
