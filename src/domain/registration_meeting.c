/* registration_meeting.c: registration for open consultation meetings (0014_registrations.sql). */
#include "registration_meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "account.h"
#include "audit.h"
#include "country.h"
#include "notice.h"
#include "response.h"

static const char SQL_MEETING[] =
    "SELECT m.id, m.number, m.kind, m.starts_on, m.ends_on, r.meeting_id IS NOT NULL, "
    "COALESCE(r.capacity_in_person, 0), COALESCE(r.capacity_remote, 0), COALESCE(r.closes_at, 0), "
    "COALESCE(r.starts_min, -1), COALESCE(r.ends_min, -1), "
    "(SELECT count(*) FROM registrations g WHERE g.meeting_id = m.id AND g.status = 'registered' "
    "AND g.attendance = 'in_person'), "
    "(SELECT count(*) FROM registrations g WHERE g.meeting_id = m.id AND g.status = 'registered' "
    "AND g.attendance = 'remote'), m.original_language "
    "FROM meetings m LEFT JOIN meeting_registration r ON r.meeting_id = m.id WHERE m.number = $1";
static const char SQL_SETTINGS[] =
    "INSERT INTO meeting_registration (meeting_id, capacity_in_person, capacity_remote, closes_at, starts_min, "
    "ends_min, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (meeting_id) DO UPDATE SET "
    "capacity_in_person = excluded.capacity_in_person, capacity_remote = excluded.capacity_remote, "
    "closes_at = excluded.closes_at, starts_min = excluded.starts_min, ends_min = excluded.ends_min, "
    "updated_at = excluded.updated_at";
static const char SQL_RESPONSE[] = "SELECT id, status FROM responses WHERE public_id = $1";
static const char SQL_INSERT[] =
    "INSERT INTO registrations (meeting_id, name, organization, country, stakeholder_type, email, language, "
    "attendance, wish_to_speak, publish_as, response_id, token_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
static const char SQL_TOKEN[] =
    "SELECT g.status FROM registrations g JOIN meetings m ON m.id = g.meeting_id "
    "WHERE g.id = $1 AND m.number = $2 AND g.token_hash = $3";
static const char SQL_CANCEL[] =
    "UPDATE registrations SET status = 'cancelled', cancelled_at = $2 WHERE id = $1 AND status = 'registered'";
static const char SQL_UNSPEAK[] = "DELETE FROM speakers WHERE registration_id = $1";
static const char SQL_LIST[] =
    "SELECT g.id, g.name, g.organization, g.country, g.stakeholder_type, g.email, g.language, g.attendance, "
    "g.publish_as, g.status, COALESCE(p.public_id, ''), g.wish_to_speak, COALESCE(s.position, 0), g.created_at, "
    "COALESCE(g.cancelled_at, 0) FROM registrations g LEFT JOIN responses p ON p.id = g.response_id "
    "LEFT JOIN speakers s ON s.registration_id = g.id WHERE g.meeting_id = $1 ORDER BY g.id";
static const char SQL_SPEAKERS[] =
    "SELECT s.position, g.name, g.organization, g.publish_as, COALESCE(p.public_id, '') FROM speakers s "
    "JOIN registrations g ON g.id = s.registration_id LEFT JOIN responses p ON p.id = g.response_id "
    "AND p.status = 'published' WHERE s.meeting_id = $1 AND g.status = 'registered' ORDER BY s.position";
static const char SQL_IS_REGISTERED[] =
    "SELECT 1 FROM registrations WHERE id = $1 AND meeting_id = $2 AND status = 'registered'";
static const char SQL_CLEAR_SPEAKERS[] = "DELETE FROM speakers WHERE meeting_id = $1";
static const char SQL_SPEAKER[] = "INSERT INTO speakers (meeting_id, registration_id, position) VALUES ($1, $2, $3)";

enum mreg_verdict
mreg_judge(const struct mreg_meeting *m, const char *attendance, int64_t now)
{
	if (!m->has_registration || !str_eq(m->kind, "open_consultation"))
		return MREG_NO_REGISTRATION;
	if (now >= m->closes_at)
		return MREG_CLOSED;
	if (str_eq(attendance, "in_person")) {
		if (m->capacity_in_person <= 0)
			return MREG_NOT_OFFERED;
		return m->n_in_person >= m->capacity_in_person ? MREG_FULL : MREG_OK;
	}
	/* remote: 0 is unlimited */
	return m->capacity_remote > 0 && m->n_remote >= m->capacity_remote ? MREG_FULL : MREG_OK;
}

int
mreg_open(const struct mreg_meeting *m, int64_t now)
{
	return mreg_judge(m, "in_person", now) == MREG_OK || mreg_judge(m, "remote", now) == MREG_OK;
}

int
mreg_meeting_get(struct db *db, struct arena *a, int number, struct mreg_meeting *m, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_MEETING);
	enum db_rc rc;

	memset(m, 0, sizeof(*m));
	if (st == NULL)
		return db_err(db, e, "meeting");
	db_bind_int64(st, 1, number);
	if ((rc = db_step(st)) == DB_ROW) {
		m->id = db_col_int64(st, 0);
		m->number = (int)db_col_int64(st, 1);
		m->kind = arena_strdup(a, db_col_text(st, 2));
		m->starts_on = db_col_int64(st, 3);
		m->ends_on = db_col_int64(st, 4);
		m->has_registration = (int)db_col_int64(st, 5);
		m->capacity_in_person = (int)db_col_int64(st, 6);
		m->capacity_remote = (int)db_col_int64(st, 7);
		m->closes_at = db_col_int64(st, 8);
		m->starts_min = (int)db_col_int64(st, 9);
		m->ends_min = (int)db_col_int64(st, 10);
		m->n_in_person = (int)db_col_int64(st, 11);
		m->n_remote = (int)db_col_int64(st, 12);
		m->original_language = arena_strdup(a, db_col_text(st, 13));
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no meeting %d", number);
	if (rc != DB_ROW)
		return db_err(db, e, "meeting");
	return m->kind != NULL && m->original_language != NULL ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

/* The writer has no request arena: a small one for the closure's reads. */
static int
meeting_in_write(struct db *db, int number, struct mreg_meeting *m, struct arena **a, struct err *e)
{
	if ((*a = arena_new()) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	return mreg_meeting_get(db, *a, number, m, e);
}

static void
bind_min(struct db_stmt *st, int idx, int min)
{
	if (min < 0)
		db_bind_null(st, idx);
	else
		db_bind_int64(st, idx, min);
}

int
mreg_settings_fn(struct db *db, void *arg, struct err *e)
{
	struct mreg_settings *s = arg;
	struct mreg_meeting m;
	struct arena *a;
	struct db_stmt *st;
	char object[32], detail[160];
	int rc = -1;

	if (meeting_in_write(db, s->number, &m, &a, e) != 0)
		goto out;
	if (!str_eq(m.kind, "open_consultation")) {
		err_set(e, ERR_CONFLICT, "only open consultation meetings take registrations");
		goto out;
	}
	if (s->capacity_in_person < 0 || s->capacity_in_person > MREG_CAPACITY_MAX || s->capacity_remote < 0 ||
	    s->capacity_remote > MREG_CAPACITY_MAX || s->starts_min > 1439 || s->ends_min > 1439) {
		err_set(e, ERR_INVALID, "capacity or time out of range");
		goto out;
	}
	if ((st = db_prepare(db, SQL_SETTINGS)) == NULL) {
		db_err(db, e, "registration settings");
		goto out;
	}
	db_bind_int64(st, 1, m.id);
	db_bind_int64(st, 2, s->capacity_in_person);
	db_bind_int64(st, 3, s->capacity_remote);
	db_bind_int64(st, 4, s->closes_at);
	bind_min(st, 5, s->starts_min);
	bind_min(st, 6, s->ends_min);
	db_bind_int64(st, 7, clock_now());
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "registration settings");
		goto out;
	}
	snprintf(object, sizeof(object), "meeting/%d", s->number);
	snprintf(detail, sizeof(detail), "in person %d, remote %d (0: unlimited), closes at %lld",
		 s->capacity_in_person, s->capacity_remote, (long long)s->closes_at);
	rc = audit_append(db,
			  &(struct audit_entry){ 0, s->account_id, s->address ? s->address : "cli",
						 "meeting_registration_settings", object, detail },
			  e);
out:
	arena_free(a);
	return rc;
}

static const char *
blank_or(const char *s)
{
	return s == NULL ? "" : s;
}

static int
is_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static int
text_ok(const char *s, size_t max)
{
	return !is_blank(s) && utf8_valid(s, strlen(s)) && utf8_chars(s, strlen(s)) <= max &&
	       strpbrk(s, "\r\n") == NULL;
}

int
mreg_check(const struct mreg_new *n, struct mreg_errors *x)
{
	int k, bad = 0;

	memset(x, 0, sizeof(*x));
	if (!text_ok(n->name, MREG_NAME_MAX))
		bad++, x->name = _("Enter your name (at most 200 characters).");
	if (!text_ok(n->organization, MREG_ORG_MAX))
		bad++, x->organization = _("Enter your organization, or \"Individual\" (at most 200 characters).");
	if (!country_valid(blank_or(n->country)))
		bad++, x->country = _("Choose a country from the list.");
	for (k = 0; stakeholder_types[k] && !str_eq(stakeholder_types[k], n->stakeholder_type); k++)
		;
	if (stakeholder_types[k] == NULL)
		bad++, x->stakeholder_type = _("Choose a stakeholder type from the list.");
	if (!account_email_valid(blank_or(n->email)))
		bad++, x->email = _("Enter one email address, such as name@example.org.");
	if (!str_eq(n->attendance, "in_person") && !str_eq(n->attendance, "remote"))
		bad++, x->attendance = _("Choose in person or remote.");
	if (!str_eq(n->publish_as, "name") && !str_eq(n->publish_as, "organization"))
		bad++, x->publish_as = _("Choose how the speakers list names you.");
	if (!is_blank(n->response)) {
		size_t len = strlen(n->response);
		if (len != 12 || strspn(n->response, "23456789abcdefghjkmnpqrstuvwxyz") != len)
			bad++, x->response = _("Give the number of a published response (12 letters and digits), or "
					       "leave this empty.");
	}
	return bad;
}

/* The mail, now that the id is known: a heap string, freed by the caller. */
static char *
mail_body(const struct mreg_new *n)
{
	const char *fmt = "%s%s%lld%s%s%s";
	int len = snprintf(NULL, 0, fmt, n->mail_head, n->link_base, (long long)n->id, n->link_tail, n->token,
			   n->mail_foot);
	char *s;

	if (len < 0 || (s = malloc((size_t)len + 1)) == NULL)
		return NULL;
	snprintf(s, (size_t)len + 1, fmt, n->mail_head, n->link_base, (long long)n->id, n->link_tail, n->token,
		 n->mail_foot);
	return s;
}

/* The response they will present: it must exist and be published. *id 0 when none given. */
static int
response_ref(struct db *db, const char *public_id, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	enum db_rc rc;
	int published = 0;

	*id = 0;
	if (is_blank(public_id))
		return 0;
	if ((st = db_prepare(db, SQL_RESPONSE)) == NULL)
		return db_err(db, e, "registration");
	db_bind_text(st, 1, public_id);
	if ((rc = db_step(st)) == DB_ROW) {
		*id = db_col_int64(st, 0);
		published = str_eq(db_col_text(st, 1), "published");
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "registration");
	if (!published)
		return err_set_field(e, ERR_INVALID, "response", "no published response has this number");
	return 0;
}

static int
insert(struct db *db, struct mreg_new *n, int64_t meeting_id, int64_t response_id, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_INSERT);
	char hex[65];

	if (st == NULL)
		return db_err(db, e, "registration");
	session_token_hash(n->token, hex);
	db_bind_int64(st, 1, meeting_id);
	db_bind_text(st, 2, n->name);
	db_bind_text(st, 3, n->organization);
	db_bind_text(st, 4, n->country);
	db_bind_text(st, 5, n->stakeholder_type);
	db_bind_text(st, 6, n->email);
	db_bind_text(st, 7, n->lang);
	db_bind_text(st, 8, n->attendance);
	db_bind_int64(st, 9, n->wish_to_speak != 0);
	db_bind_text(st, 10, n->publish_as);
	if (response_id != 0)
		db_bind_int64(st, 11, response_id);
	else
		db_bind_null(st, 11);
	db_bind_text(st, 12, hex);
	db_bind_int64(st, 13, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "registration");
	n->id = db_last_insert_id(db);
	return 0;
}

int
mreg_register_fn(struct db *db, void *arg, struct err *e)
{
	struct mreg_new *n = arg;
	struct mreg_meeting m;
	struct arena *a;
	int64_t response_id;
	char object[48], *body = NULL;
	int rc = -1, queued;

	n->id = 0;
	n->verdict = MREG_NO_REGISTRATION;
	/* The counts are read inside this write: the writer runs one closure at a time, so the
	 * seat counted free here is still free when the row goes in. */
	if (meeting_in_write(db, n->number, &m, &a, e) != 0)
		goto out;
	if ((n->verdict = mreg_judge(&m, n->attendance, clock_now())) == MREG_NO_REGISTRATION) {
		err_set(e, ERR_CONFLICT, "registration refused");
		goto out;
	}
	/* a field the registrant can correct is said first, then whether a place is left */
	if (response_ref(db, n->response, &response_id, e) != 0)
		goto out;
	if (n->verdict != MREG_OK) {
		err_set(e, ERR_CONFLICT, "registration refused");
		goto out;
	}
	if (insert(db, n, m.id, response_id, e) != 0)
		goto out;
	if ((body = mail_body(n)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* issue 13: with HTML and the link that stops the reminders (docs/MAIL-NOTICES.md) */
	if (notice_send(db, &(struct notice){ .to = n->email, .lang = n->lang, .kind = "meeting_registration",
					      .stops = "meeting_reminder", .always = 1, .subject = n->mail_subject,
					      .text = body }, &queued, e) != 0)
		goto out;
	snprintf(object, sizeof(object), "meeting/%d/registration/%lld", n->number, (long long)n->id);
	rc = audit_append(db,
			  &(struct audit_entry){ 0, 0, n->address, "meeting_registration", object,
						 n->wish_to_speak ? (str_eq(n->attendance, "in_person")
									 ? "in person, wishes to speak"
									 : "remote, wishes to speak")
								  : (str_eq(n->attendance, "in_person") ? "in person"
													: "remote") },
			  e);
out:
	free(body);
	arena_free(a);
	return rc;
}

/* 1: the token is registration id's of meeting number; *status its status. */
static int
token_row(struct db *db, int number, int64_t id, const char *token, char status[16])
{
	struct db_stmt *st;
	char hex[65];
	enum db_rc rc;

	status[0] = '\0';
	if (!session_token_valid(token))
		return 0;
	if ((st = db_prepare(db, SQL_TOKEN)) == NULL)
		return -1;
	session_token_hash(token, hex);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, number);
	db_bind_text(st, 3, hex);
	if ((rc = db_step(st)) == DB_ROW)
		snprintf(status, 16, "%s", db_col_text(st, 0));
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int
mreg_token_ok(struct db *db, int number, int64_t id, const char *token)
{
	char status[16];

	return token_row(db, number, id, token, status);
}

int
mreg_cancel_fn(struct db *db, void *arg, struct err *e)
{
	struct mreg_cancel *c = arg;
	struct db_stmt *st;
	char status[16], object[48];
	int ok = token_row(db, c->number, c->id, c->token, status);

	c->was_cancelled = 0;
	if (ok < 0)
		return db_err(db, e, "cancel");
	if (ok == 0)
		return err_set_field(e, ERR_INVALID, "forbidden", "not this registration's cancel token");
	if (str_eq(status, "cancelled")) {
		c->was_cancelled = 1;
		return 0;
	}
	if ((st = db_prepare(db, SQL_CANCEL)) == NULL)
		return db_err(db, e, "cancel");
	db_bind_int64(st, 1, c->id);
	db_bind_int64(st, 2, clock_now());
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "cancel");
	if ((st = db_prepare(db, SQL_UNSPEAK)) == NULL)
		return db_err(db, e, "cancel");
	db_bind_int64(st, 1, c->id);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "cancel");
	snprintf(object, sizeof(object), "meeting/%d/registration/%lld", c->number, (long long)c->id);
	return audit_append(db,
			    &(struct audit_entry){ 0, 0, c->address, "meeting_registration_cancel", object,
						   "cancelled with the cancel token" },
			    e);
}

int
mreg_list(struct db *db, struct arena *a, int64_t meeting_id, struct mreg_registrant **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	struct mreg_registrant *items = NULL;
	int n = 0, cap = 0;
	enum db_rc rc;

	*out = NULL;
	if (st == NULL)
		return db_err(db, e, "registrants");
	db_bind_int64(st, 1, meeting_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct mreg_registrant *g;
		if ((items = arena_grow(a, items, n, &cap, sizeof(*items))) == NULL) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		g = &items[n++];
		g->id = db_col_int64(st, 0);
		g->name = arena_strdup(a, db_col_text(st, 1));
		g->organization = arena_strdup(a, db_col_text(st, 2));
		g->country = arena_strdup(a, db_col_text(st, 3));
		g->stakeholder_type = arena_strdup(a, db_col_text(st, 4));
		g->email = arena_strdup(a, db_col_text(st, 5));
		g->language = arena_strdup(a, db_col_text(st, 6));
		g->attendance = arena_strdup(a, db_col_text(st, 7));
		g->publish_as = arena_strdup(a, db_col_text(st, 8));
		g->status = arena_strdup(a, db_col_text(st, 9));
		g->response = arena_strdup(a, db_col_text(st, 10));
		g->wish_to_speak = (int)db_col_int64(st, 11);
		g->position = (int)db_col_int64(st, 12);
		g->created_at = db_col_int64(st, 13);
		g->cancelled_at = db_col_int64(st, 14);
		if (g->name == NULL || g->organization == NULL || g->country == NULL || g->stakeholder_type == NULL ||
		    g->email == NULL || g->language == NULL || g->attendance == NULL || g->publish_as == NULL ||
		    g->status == NULL || g->response == NULL) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "registrants");
	*out = items;
	return n;
}

const char *
mreg_display_name(struct arena *a, const char *name, const char *organization, const char *publish_as)
{
	struct response r;

	memset(&r, 0, sizeof(r));
	r.status = "published";
	r.name = name;
	r.organization = organization;
	r.publish_as = publish_as;
	return response_display_name(a, &r);
}

int
mreg_speakers(struct db *db, struct arena *a, int64_t meeting_id, struct mreg_speaker **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_SPEAKERS);
	struct mreg_speaker *items = NULL;
	int n = 0, cap = 0;
	enum db_rc rc;

	*out = NULL;
	if (st == NULL)
		return db_err(db, e, "speakers");
	db_bind_int64(st, 1, meeting_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct mreg_speaker *s;
		if ((items = arena_grow(a, items, n, &cap, sizeof(*items))) == NULL) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		s = &items[n++];
		s->position = (int)db_col_int64(st, 0);
		s->display = mreg_display_name(a, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3));
		s->response = arena_strdup(a, db_col_text(st, 4));
		if (s->display == NULL || s->response == NULL) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		/* response_display_name may return the organization itself: copy it off the row */
		if ((s->display = arena_strdup(a, s->display)) == NULL) {
			db_done(st);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "speakers");
	*out = items;
	return n;
}

int
mreg_order_fn(struct db *db, void *arg, struct err *e)
{
	struct mreg_order *o = arg;
	struct mreg_meeting m;
	struct arena *a;
	struct db_stmt *st;
	struct buf detail;
	char object[32];
	int rc = -1;

	buf_init(&detail);
	if (meeting_in_write(db, o->number, &m, &a, e) != 0)
		goto out;
	if ((st = db_prepare(db, SQL_CLEAR_SPEAKERS)) == NULL) {
		db_err(db, e, "speakers");
		goto out;
	}
	db_bind_int64(st, 1, m.id);
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "speakers");
		goto out;
	}
	buf_puts(&detail, "order:");
	for (int i = 0; i < o->n; i++) {
		enum db_rc got;
		if ((st = db_prepare(db, SQL_IS_REGISTERED)) == NULL) {
			db_err(db, e, "speakers");
			goto out;
		}
		db_bind_int64(st, 1, o->ids[i]);
		db_bind_int64(st, 2, m.id);
		got = db_step(st);
		db_done(st);
		if (got == DB_DONE) {
			err_set_field(e, ERR_INVALID, "order", "registration %lld is not a registered registrant",
				      (long long)o->ids[i]);
			goto out;
		}
		if (got != DB_ROW || (st = db_prepare(db, SQL_SPEAKER)) == NULL) {
			db_err(db, e, "speakers");
			goto out;
		}
		db_bind_int64(st, 1, m.id);
		db_bind_int64(st, 2, o->ids[i]);
		db_bind_int64(st, 3, i + 1);
		if (db_run(st) != DB_DONE) {
			/* the same registration twice: UNIQUE */
			err_set_field(e, ERR_INVALID, "order", "a registrant is on the list twice");
			goto out;
		}
		buf_printf(&detail, " %lld", (long long)o->ids[i]);
	}
	if (o->n == 0)
		buf_puts(&detail, " (empty)");
	snprintf(object, sizeof(object), "meeting/%d", o->number);
	rc = audit_append(db,
			  &(struct audit_entry){ 0, o->account_id, o->address, "speakers_order", object,
						 detail.failed || detail.data == NULL ? "" : detail.data },
			  e);
out:
	buf_free(&detail);
	arena_free(a);
	return rc;
}

int
mreg_record_fn(struct db *db, void *arg, struct err *e)
{
	struct mreg_record *r = arg;
	struct mreg_meeting m;
	struct arena *a;
	char object[32], detail[64];
	int rc = -1, empty = is_blank(r->body);

	if (meeting_in_write(db, r->number, &m, &a, e) != 0)
		goto out;
	if (!empty && (!utf8_valid(r->body, strlen(r->body)) ||
		       utf8_chars(r->body, strlen(r->body)) > MREG_RECORD_MAX_CHARS)) {
		err_set_field(e, ERR_INVALID, "record", "at most %d characters of UTF-8 text", MREG_RECORD_MAX_CHARS);
		goto out;
	}
	if (empty ? text_delete(db, "meeting", m.id, "record", r->lang, e) != 0
		  : text_put(db, "meeting", m.id, "record", r->lang, r->body,
			     /* in another language than the meeting's, the record is its official version */
			     str_eq(lang_code(r->lang), m.original_language) ? "original" : "official", e) != 0)
		goto out;
	snprintf(object, sizeof(object), "meeting/%d", r->number);
	snprintf(detail, sizeof(detail), "%s: %s", lang_code(r->lang), empty ? "removed" : "written");
	rc = audit_append(db, &(struct audit_entry){ 0, r->account_id, r->address, "meeting_record", object, detail },
			  e);
out:
	arena_free(a);
	return rc;
}

static void
record_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct mtext *t = ctx;

	if (strcmp(field, "record") == 0 && l < LANG_COUNT)
		t->body[l] = body;
}

int
mreg_record_get(struct db *db, struct arena *a, int64_t meeting_id, enum lang original, struct mtext *out,
		struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->original = original;
	return text_load(db, a, "meeting", meeting_id, record_found, out, e);
}
