/* moderation.c: the secretariat's moderation decisions (writer closure) and the reads behind
 * the moderation pages. */
#include "moderation.h"

#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"

static const char SQL_CONSULTATION[] = "SELECT consultation_id FROM responses WHERE id = $1";
static const char SQL_STATUS[] = "UPDATE responses SET status = $2, updated_at = $3 WHERE id = $1";
static const char SQL_CURRENT[] = "UPDATE responses SET current_version = $2, updated_at = $3 WHERE id = $1";
static const char SQL_REDACTED[] = "UPDATE response_versions SET redacted = 1 WHERE response_id = $1 AND version = $2";
static const char SQL_EVENT[] =
    "INSERT INTO moderation_events (response_id, kind, version, reason, at) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_QUEUE[] =
    "SELECT r.public_id, r.status, c.slug, r.created_at, v.name, v.organization, v.job_title, v.publish_as "
    "FROM responses r JOIN consultations c ON c.id = r.consultation_id "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "WHERE r.status IN ('pending', 'published') "
    "ORDER BY r.status = 'pending' DESC, CASE WHEN r.status = 'pending' THEN r.id ELSE -r.id END LIMIT $1";
static const char SQL_EVENTS[] =
    "SELECT kind, reason, version, at FROM moderation_events WHERE response_id = $1 ORDER BY id LIMIT $2";
static const char SQL_IS_REDACTED[] =
    "SELECT redacted FROM response_versions WHERE response_id = $1 AND version = $2";

static const char *const action_names[] = { "publish", "withhold", "redact", "correct", "erase" };

int
moderation_action_parse(const char *s, enum moderation_action *out)
{
	for (int i = 0; i < 3; i++)
		if (s != NULL && str_eq(s, action_names[i])) {
			*out = (enum moderation_action)i;
			return 0;
		}
	return -1;
}

const char *
moderation_action_name(enum moderation_action a)
{
	return (unsigned)a < 5 ? action_names[a] : "?";
}

const char *
moderation_next_status(const char *status, enum moderation_action a)
{
	if (a == MOD_ERASE)	/* known states only, and once */
		return str_eq(status, "pending") || str_eq(status, "published") || str_eq(status, "withheld") ||
			       str_eq(status, "withdrawn") ? "erased" : NULL;
	if (status == NULL || str_eq(status, "withdrawn"))
		return NULL;
	switch (a) {
	case MOD_PUBLISH:
		return str_eq(status, "pending") || str_eq(status, "withheld") ? "published" : NULL;
	case MOD_WITHHOLD:
		return str_eq(status, "pending") || str_eq(status, "published") ? "withheld" : NULL;
	case MOD_REDACT:
	case MOD_CORRECT:
		return str_eq(status, "pending") || str_eq(status, "published") || str_eq(status, "withheld")
			   ? status : NULL;
	case MOD_ERASE:
		break;
	}
	return NULL;
}

static int
run2(struct db *db, const char *sql, int64_t a, int64_t b, const char *text, int64_t c, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);

	if (st == NULL)
		return db_err(db, e, "moderation");
	db_bind_int64(st, 1, a);
	if (text != NULL) {
		db_bind_text(st, 2, text);
		db_bind_int64(st, 3, c);
	} else {
		db_bind_int64(st, 2, b);
		if (c >= 0)
			db_bind_int64(st, 3, c);
	}
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "moderation");
}

int
moderation_event_add(struct db *db, int64_t id, const char *kind, int v, const char *reason, int64_t now,
		     struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_EVENT);

	if (st == NULL)
		return db_err(db, e, "event");
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, v);
	db_bind_text(st, 4, reason ? reason : "");
	db_bind_int64(st, 5, now);
	return db_run(st) == DB_DONE ? 0 : db_err(db, e, "event");
}

/* The new version of a redaction: the current one with the given values put in. */
static int
redact(struct db *db, struct moderation *m, const struct response *cur, int64_t now, struct err *e)
{
	struct response_input in;
	char sha[BLOB_HEX_LEN];
	int changed = 0;

	memset(&in, 0, sizeof(in));
	in.name = m->name ? m->name : cur->name;
	in.organization = m->organization ? m->organization : cur->organization;
	in.job_title = m->job_title ? m->job_title : cur->job_title;
	in.summary = m->summary ? m->summary : cur->summary;
	changed = !str_eq(in.name, cur->name) || !str_eq(in.organization, cur->organization) ||
		  !str_eq(in.job_title, cur->job_title) || !str_eq(in.summary, cur->summary);
	in.country = cur->country;
	in.stakeholder_type = cur->stakeholder_type;
	in.email = cur->email;
	in.publish_as = cur->publish_as;
	in.language = cur->language;
	in.nanswers = cur->nanswers;
	for (int i = 0; i < cur->nanswers; i++) {
		int q = cur->answers[i].question;
		const char *given = q >= 1 && q <= CONSULTATION_MAX_QUESTIONS ? m->answer[q] : NULL;
		in.answers[i].question = q;
		in.answers[i].text = given ? given : cur->answers[i].text;
		changed |= !str_eq(in.answers[i].text, cur->answers[i].text);
	}
	in.nattachments = cur->nattachments;
	memcpy(in.att, cur->att, sizeof(in.att));
	if (!changed)
		return err_set(e, ERR_INVALID, "this redaction changes nothing");
	m->version = cur->version + 1;
	if (response_version_store(db, cur->id, cur->public_id, cur->consultation_slug, m->version, &in, now,
				   sha, e) != 0 ||
	    run2(db, SQL_REDACTED, cur->id, m->version, NULL, -1, e) != 0 ||
	    run2(db, SQL_CURRENT, cur->id, m->version, NULL, now, e) != 0)
		return -1;
	return 0;
}

static int
decide(struct db *db, struct arena *a, struct moderation *m, struct err *e)
{
	static const char *const kinds[] = { "published", "withheld", "redacted" };
	static const char *const audit_actions[] = { "response_publish", "response_withhold", "response_redact" };
	struct response cur;
	struct audit_entry au;
	struct db_stmt *st;
	const char *next, *reason = m->reason ? m->reason : "";
	int64_t cid = 0, now = clock_now();

	if (m->action != MOD_PUBLISH && m->action != MOD_WITHHOLD && m->action != MOD_REDACT)
		return err_set(e, ERR_INVALID, "a correction or an erasure carries out a respondent's request");
	if (response_get(db, a, m->public_id, &cur, e) != 0)
		return -1;
	if ((next = moderation_next_status(cur.status, m->action)) == NULL)
		return err_set(e, ERR_CONFLICT, "a %s response cannot be %s", cur.status, kinds[m->action]);
	if (m->action == MOD_WITHHOLD && reason[0] == '\0')
		return err_set(e, ERR_INVALID, "give the reason for withholding");
	if ((st = db_prepare(db, SQL_CONSULTATION)) == NULL)
		return db_err(db, e, "response");
	db_bind_int64(st, 1, cur.id);
	if (db_step(st) == DB_ROW)
		cid = db_col_int64(st, 0);
	db_done(st);
	m->version = cur.version;
	if (m->action == MOD_REDACT) {
		if (redact(db, m, &cur, now, e) != 0)
			return -1;
	} else if (run2(db, SQL_STATUS, cur.id, 0, next, now, e) != 0 ||
		   response_published_step(db, cid, cur.status, next, e) != 0) {
		return -1;
	}
	snprintf(m->status, sizeof(m->status), "%s", next);
	if (moderation_event_add(db, cur.id, kinds[m->action], m->version, reason, now, e) != 0)
		return -1;
	au = (struct audit_entry){ now, m->account_id, m->address, audit_actions[m->action],
				   arena_printf(a, "response/%s", cur.public_id), reason };
	return audit_append(db, &au, e);
}

int
moderation_fn(struct db *db, void *arg, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = decide(db, a, arg, e);
	arena_free(a);
	return rc;
}

int
moderation_queue(struct db *db, struct arena *a, int n, struct response **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_QUEUE);
	struct response *list;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "moderation");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, n);
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		struct response *x = &list[got++];
		x->public_id = arena_strdup(a, db_col_text(st, 0));
		x->status = arena_strdup(a, db_col_text(st, 1));
		x->consultation_slug = arena_strdup(a, db_col_text(st, 2));
		x->created_at = db_col_int64(st, 3);
		x->name = arena_strdup(a, db_col_text(st, 4));
		x->organization = arena_strdup(a, db_col_text(st, 5));
		x->job_title = arena_strdup(a, db_col_text(st, 6));
		x->publish_as = arena_strdup(a, db_col_text(st, 7));
		if (x->publish_as == NULL || x->name == NULL || x->organization == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "moderation");
	*out = list;
	return got;
}

int
moderation_events(struct db *db, struct arena *a, int64_t response_id, int n, struct moderation_event **out,
		  struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_EVENTS);
	struct moderation_event *list;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "moderation");
	if ((list = arena_alloc(a, sizeof(*list) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, response_id);
	db_bind_int64(st, 2, n);
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		struct moderation_event *x = &list[got++];
		x->kind = arena_strdup(a, db_col_text(st, 0));
		x->reason = arena_strdup(a, db_col_text(st, 1));
		x->version = (int)db_col_int64(st, 2);
		x->at = db_col_int64(st, 3);
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "moderation");
	*out = list;
	return got;
}

int
moderation_version_redacted(struct db *db, int64_t response_id, int version)
{
	struct db_stmt *st = db_prepare(db, SQL_IS_REDACTED);
	enum db_rc rc;
	int v = 0;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, response_id);
	db_bind_int64(st, 2, version);
	if ((rc = db_step(st)) == DB_ROW)
		v = (int)db_col_int64(st, 0);
	db_done(st);
	return rc == DB_ROW ? v : rc == DB_DONE ? 0 : -1;
}
