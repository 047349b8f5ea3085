/* outcome.c: meeting outcomes over the store: reads, the carried-forward rule, status changes
 * with their history and audit rows, and the rounds each outcome launched or concerns. */
#include "outcome.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"

static const char SQL_OF_MEETING[] =
    "SELECT o.id, m.number, o.letter, o.kind, o.addressee, o.status, o.done_note, "
    "COALESCE(o.done_at, 0), COALESCE(o.done_by, 0), o.updated_at, m.starts_on, m.original_language "
    "FROM outcomes o JOIN meetings m ON m.id = o.meeting_id WHERE m.id = $1 ORDER BY o.letter";
/* The candidates for carrying: open or in progress anywhere but m (the rule decides the rest). */
static const char SQL_OPEN[] =
    "SELECT o.id, m.number, o.letter, o.kind, o.addressee, o.status, o.done_note, "
    "COALESCE(o.done_at, 0), COALESCE(o.done_by, 0), o.updated_at, m.starts_on, m.original_language "
    "FROM outcomes o JOIN meetings m ON m.id = o.meeting_id "
    "WHERE o.status IN ('open', 'in_progress') AND m.id <> $1 ORDER BY m.starts_on, m.number, o.letter";
static const char SQL_ONE[] =
    "SELECT o.id, m.number, o.letter, o.kind, o.addressee, o.status, o.done_note, "
    "COALESCE(o.done_at, 0), COALESCE(o.done_by, 0), o.updated_at, m.starts_on, m.original_language "
    "FROM outcomes o JOIN meetings m ON m.id = o.meeting_id WHERE m.number = $1 AND o.letter = $2";
/* A round this outcome launched is listed once, as launched, though outcome_links may name it too
 * (a consultation made from a proposal keeps both). */
static const char SQL_LINKS[] =
    "SELECT c.id, c.slug, 1, c.original_language FROM consultations c "
    "WHERE c.launched_by_outcome = $1 AND c.state <> 'draft' "
    "UNION ALL SELECT c.id, c.slug, 0, c.original_language FROM outcome_links l JOIN consultations c ON c.id = l.consultation_id "
    "WHERE l.outcome_id = $1 AND c.state <> 'draft' AND COALESCE(c.launched_by_outcome, 0) <> $1 ORDER BY 3 DESC, 1";
static const char SQL_DOCUMENTS[] =
    "SELECT d.url_name FROM outcome_documents od JOIN documents d ON d.id = od.document_id "
    "JOIN meetings m ON m.id = d.meeting_id WHERE od.outcome_id = $1 ORDER BY m.number, d.seq LIMIT $2";
static const char SQL_DOCUMENT_ID[] = "SELECT id FROM documents WHERE url_name = $1";
static const char SQL_LINK_DOCUMENT[] =
    "INSERT INTO outcome_documents (outcome_id, document_id, created_at, created_by) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
static const char SQL_HISTORY[] =
    "SELECT e.from_status, e.to_status, e.note, COALESCE(a.name, ''), e.at FROM outcome_events e "
    "LEFT JOIN accounts a ON a.id = e.account_id WHERE e.outcome_id = $1 ORDER BY e.id LIMIT $2";
static const char SQL_SET[] =
    "UPDATE outcomes SET status = $2, updated_at = $3, done_note = $4, done_at = $5, done_by = $6 WHERE id = $1";
static const char SQL_EVENT[] =
    "INSERT INTO outcome_events (outcome_id, from_status, to_status, note, account_id, address, at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_LAUNCHES[] =
    "SELECT c.id, m.number, o.letter FROM consultations c JOIN outcomes o ON o.id = c.launched_by_outcome "
    "JOIN meetings m ON m.id = o.meeting_id";

/* ---- the rules ---------------------------------------------------------------------------- */

int
outcome_status_valid(const char *s)
{
	return str_eq(s, "open") || str_eq(s, "in_progress") || str_eq(s, "done") || str_eq(s, "superseded");
}

int
outcome_is_carried(const char *status, int from_number, int64_t from_start, int onto_number,
		   int64_t onto_start, const char *onto_kind)
{
	if (!str_eq(status, "open") && !str_eq(status, "in_progress"))
		return 0;
	if (!str_eq(onto_kind, "working_group"))
		return 0;
	/* Earlier: started before; on the same day (never for numbered sessions), the lower number. */
	return from_start < onto_start || (from_start == onto_start && from_number < onto_number);
}

int
outcome_transition_check(const char *from, const char *to, const char **why)
{
	if (!str_eq(to, "in_progress") && !str_eq(to, "done") && !str_eq(to, "superseded")) {
		*why = "the new status must be in_progress, done or superseded";
		return -1;
	}
	if (!outcome_status_valid(from)) {
		*why = "the outcome's status is not known";
		return -1;
	}
	if (str_eq(from, "superseded")) {
		*why = "a superseded outcome stays superseded";
		return -1;
	}
	if (str_eq(from, to)) {
		*why = "the outcome has this status already";
		return -1;
	}
	return 0;
}

int
outcome_document_visible(const struct document *d, const char *role, const char *state)
{
	return document_visible(d->status, d->is_public, d->author_state, role ? role : "", state ? state : "");
}

int
outcome_document_url(const char *typed, char *out, size_t n)
{
	size_t len, j = 0;

	if (typed == NULL || n == 0)
		return -1;
	typed += strspn(typed, " \t\r\n");
	len = strlen(typed);
	while (len > 0 && strchr(" \t\r\n", typed[len - 1]) != NULL)
		len--;
	if (len == 0 || len >= n)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)typed[i];
		out[j++] = c == ' ' || c == '/' ? '-' : (char)tolower(c);
	}
	out[j] = '\0';
	return 0;
}

int
outcome_may_change(const char *role, const char *addressee)
{
	if (str_eq(role, "secretariat"))
		return 1;
	return str_eq(role, "chair") && str_eq(addressee, "chair");
}

/* ---- reading ----------------------------------------------------------------------------- */

/* A row of the three outcome reads, without texts and links; *start gets its meeting's start. */
static int
from_row(struct db_stmt *st, struct arena *a, struct outcome *o, int64_t *start)
{
	enum lang l = LANG_EN;

	memset(o, 0, sizeof(*o));
	o->id = db_col_int64(st, 0);
	o->meeting_number = (int)db_col_int64(st, 1);
	snprintf(o->letter, sizeof(o->letter), "%s", db_col_text(st, 2));
	o->kind = arena_strdup(a, db_col_text(st, 3));
	o->addressee = arena_strdup(a, db_col_text(st, 4));
	o->status = arena_strdup(a, db_col_text(st, 5));
	o->done_note = arena_strdup(a, db_col_text(st, 6));
	o->done_at = db_col_int64(st, 7);
	o->done_by = db_col_int64(st, 8);
	o->updated_at = db_col_int64(st, 9);
	*start = db_col_int64(st, 10);
	lang_from_code(db_col_text(st, 11), &l);
	o->text.original = l;
	return o->kind && o->addressee && o->status && o->done_note ? 0 : -1;
}

static void
text_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct outcome *o = ctx;

	if (strcmp(field, "text") == 0)
		o->text.body[l] = body;
}

static void
title_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct outcome_link *k = ctx;

	if (strcmp(field, "title") == 0)
		k->title.body[l] = body;
}

/* The documents the outcome concerns, all of them (the reader's filter is the caller's). */
static int
load_documents(struct db *db, struct arena *a, struct outcome *o, struct err *e)
{
	struct db_stmt *st;
	const char *urls[OUTCOME_MAX_DOCUMENTS];
	enum db_rc rc = DB_DONE;
	int n = 0;

	if ((st = db_prepare(db, SQL_DOCUMENTS)) == NULL)
		return db_err(db, e, "outcome documents");
	db_bind_int64(st, 1, o->id);
	db_bind_int64(st, 2, OUTCOME_MAX_DOCUMENTS);
	while (n < OUTCOME_MAX_DOCUMENTS && (rc = db_step(st)) == DB_ROW)
		if ((urls[n++] = arena_strdup(a, db_col_text(st, 0))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	db_done(st);
	if (n < OUTCOME_MAX_DOCUMENTS && rc != DB_DONE)
		return db_err(db, e, "outcome documents");
	if (n > 0 && (o->docs = arena_alloc(a, sizeof(*o->docs) * (size_t)n)) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	for (o->ndocs = 0; o->ndocs < n; o->ndocs++)
		if (document_get(db, a, urls[o->ndocs], &o->docs[o->ndocs], e) != 0)
			return -1;
	return 0;
}

/* The outcome's text, the public rounds it launched or concerns, and its documents. */
static int
load_details(struct db *db, struct arena *a, struct outcome *o, struct err *e)
{
	struct db_stmt *st;
	int64_t ids[MEETING_MAX_LINKS * 2];
	enum db_rc rc;

	if (text_load(db, a, "outcome", o->id, text_found, o, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_LINKS)) == NULL)
		return db_err(db, e, "outcome links");
	if ((o->links = arena_alloc(a, sizeof(*o->links) * MEETING_MAX_LINKS * 2)) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, o->id);
	while ((rc = db_step(st)) == DB_ROW && o->nlinks < MEETING_MAX_LINKS * 2) {
		struct outcome_link *k = &o->links[o->nlinks];
		memset(k, 0, sizeof(*k));
		ids[o->nlinks] = db_col_int64(st, 0);
		if ((k->slug = arena_strdup(a, db_col_text(st, 1))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		k->launched = (int)db_col_int64(st, 2);
		if (lang_from_code(db_col_text(st, 3), &k->title.original) != 0)
			k->title.original = LANG_EN;
		o->nlinks++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "outcome links");
	for (int i = 0; i < o->nlinks; i++)
		if (text_load(db, a, "consultation", ids[i], title_found, &o->links[i], e) != 0)
			return -1;
	return load_documents(db, a, o, e);
}

/* Runs a read of outcomes (sql bound to one integer), keeping those keep() accepts. */
static int
read_outcomes(struct db *db, struct arena *a, const char *sql, int64_t arg, const struct meeting *onto,
	      struct outcome **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	struct outcome *items = NULL, *grown;
	int n = 0, cap = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "outcomes");
	db_bind_int64(st, 1, arg);
	while ((rc = db_step(st)) == DB_ROW) {
		struct outcome o;
		int64_t start;
		if (from_row(st, a, &o, &start) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		if (onto != NULL && !outcome_is_carried(o.status, o.meeting_number, start, onto->number,
							onto->starts_on, onto->kind))
			continue;
		if ((grown = arena_grow(a, items, n, &cap, sizeof(*items))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		items = grown;
		items[n++] = o;
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "outcomes");
	for (int i = 0; i < n; i++)
		if (load_details(db, a, &items[i], e) != 0)
			return -1;
	*out = items;
	return n;
}

int
outcome_list(struct db *db, struct arena *a, const struct meeting *m, struct outcome **out, struct err *e)
{
	return read_outcomes(db, a, SQL_OF_MEETING, m->id, NULL, out, e);
}

int
outcome_carried(struct db *db, struct arena *a, const struct meeting *m, struct outcome **out,
		struct err *e)
{
	return read_outcomes(db, a, SQL_OPEN, m->id, m, out, e);
}

int
outcome_get(struct db *db, struct arena *a, int number, char letter, struct outcome *o, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ONE);
	char l[2] = { letter, 0 };
	int64_t start;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "outcome");
	db_bind_int64(st, 1, number);
	db_bind_text(st, 2, l);
	rc = db_step(st);
	if (rc == DB_ROW && from_row(st, a, o, &start) != 0) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no outcome %d(%c)", number, letter);
	if (rc != DB_ROW)
		return db_err(db, e, "outcome");
	return load_details(db, a, o, e);
}

int
outcome_history(struct db *db, struct arena *a, int64_t outcome_id, int n, struct outcome_event **out,
		struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_HISTORY);
	struct outcome_event *ev;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "outcome history");
	if ((ev = arena_alloc(a, sizeof(*ev) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, outcome_id);
	db_bind_int64(st, 2, n);
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		ev[got].from_status = arena_strdup(a, db_col_text(st, 0));
		ev[got].to_status = arena_strdup(a, db_col_text(st, 1));
		ev[got].note = arena_strdup(a, db_col_text(st, 2));
		ev[got].who = arena_strdup(a, db_col_text(st, 3));
		ev[got].at = db_col_int64(st, 4);
		if (!ev[got].from_status || !ev[got].to_status || !ev[got].note || !ev[got].who) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		got++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "outcome history");
	*out = ev;
	return got;
}

int
outcome_launches(struct db *db, struct arena *a, struct outcome_launch **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LAUNCHES);
	struct outcome_launch *items = NULL, *grown;
	int n = 0, cap = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "launches");
	while ((rc = db_step(st)) == DB_ROW) {
		if ((grown = arena_grow(a, items, n, &cap, sizeof(*items))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		items = grown;
		items[n].consultation_id = db_col_int64(st, 0);
		items[n].meeting_number = (int)db_col_int64(st, 1);
		items[n].letter = db_col_text(st, 2)[0];
		n++;
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "launches");
	*out = items;
	return n;
}

/* ---- changing a status ------------------------------------------------------------------- */

static int
change(struct db *db, struct arena *a, struct outcome_change *c, struct err *e)
{
	struct outcome o;
	struct db_stmt *st;
	struct audit_entry au;
	const char *why, *note = c->note ? c->note : "";
	int closing = str_eq(c->to, "done") || str_eq(c->to, "superseded");
	int64_t now = clock_now();
	char object[32];

	if (note[strspn(note, " \t\r\n")] == '\0')
		return err_set_field(e, ERR_INVALID, "note", "give a note: what was done, or why");
	if (!utf8_valid(note, strlen(note)) || utf8_chars(note, strlen(note)) > OUTCOME_NOTE_MAX_CHARS)
		return err_set_field(e, ERR_INVALID, "note", "a note has at most %d characters of text",
				     OUTCOME_NOTE_MAX_CHARS);
	if (outcome_get(db, a, c->number, c->letter, &o, e) != 0)
		return -1;
	if (outcome_transition_check(o.status, c->to, &why) != 0)
		return err_set_field(e, ERR_CONFLICT, "status", "%s", why);
	snprintf(c->from, sizeof(c->from), "%s", o.status);
	if ((st = db_prepare(db, SQL_SET)) == NULL)
		return db_err(db, e, "outcome");
	db_bind_int64(st, 1, o.id);
	db_bind_text(st, 2, c->to);
	db_bind_int64(st, 3, now);
	db_bind_text(st, 4, closing ? note : "");	/* reopened: no closure stands */
	if (closing)
		db_bind_int64(st, 5, now);
	else
		db_bind_null(st, 5);
	if (closing && c->account_id != 0)
		db_bind_int64(st, 6, c->account_id);
	else
		db_bind_null(st, 6);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outcome");
	if ((st = db_prepare(db, SQL_EVENT)) == NULL)
		return db_err(db, e, "outcome event");
	db_bind_int64(st, 1, o.id);
	db_bind_text(st, 2, o.status);
	db_bind_text(st, 3, c->to);
	db_bind_text(st, 4, note);
	if (c->account_id != 0)
		db_bind_int64(st, 5, c->account_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, c->address ? c->address : "cli");
	db_bind_int64(st, 7, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outcome event");
	snprintf(object, sizeof(object), "outcome/%d%c", c->number, c->letter);
	au = (struct audit_entry){ now, c->account_id, c->address ? c->address : "cli", "outcome_status", object,
				   arena_printf(a, "%s -> %s: %s", o.status, c->to, note) };
	return audit_append(db, &au, e);
}

int
outcome_status_fn(struct db *db, void *arg, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = change(db, a, arg, e);
	arena_free(a);
	return rc;
}

/* ---- linking a document ------------------------------------------------------------------ */

static int
link_document(struct db *db, struct arena *a, struct outcome_document_link *c, struct err *e)
{
	struct outcome o;
	struct db_stmt *st;
	struct audit_entry au;
	char url[DOCUMENT_SYMBOL_MAX], object[32];
	int64_t now = clock_now(), doc_id;
	enum db_rc rc;
	int meeting, seq;

	if (outcome_document_url(c->document, url, sizeof(url)) != 0 || document_url_parse(url, &meeting, &seq) != 0)
		return err_set_field(e, ERR_INVALID, "document", "give a document symbol, like cwg-internet-17-3");
	if (outcome_get(db, a, c->number, c->letter, &o, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_DOCUMENT_ID)) == NULL)
		return db_err(db, e, "document");
	db_bind_text(st, 1, url);
	rc = db_step(st);
	doc_id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_done(st);
	if (rc == DB_DONE)
		return err_set_field(e, ERR_INVALID, "document", "there is no document %s", url);
	if (rc != DB_ROW)
		return db_err(db, e, "document");
	document_symbol(meeting, seq, c->symbol, sizeof(c->symbol));
	if ((st = db_prepare(db, SQL_LINK_DOCUMENT)) == NULL)
		return db_err(db, e, "outcome document");
	db_bind_int64(st, 1, o.id);
	db_bind_int64(st, 2, doc_id);
	db_bind_int64(st, 3, now);
	if (c->account_id != 0)
		db_bind_int64(st, 4, c->account_id);
	else
		db_bind_null(st, 4);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outcome document");
	if (db_changes(db) == 0) {	/* linked already: nothing changed, nothing to audit */
		c->existed = 1;
		return 0;
	}
	snprintf(object, sizeof(object), "outcome/%d%c", c->number, c->letter);
	au = (struct audit_entry){ now, c->account_id, c->address ? c->address : "cli", "outcome_document", object,
				   c->symbol };
	return audit_append(db, &au, e);
}

int
outcome_document_link_fn(struct db *db, void *arg, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = link_document(db, a, arg, e);
	arena_free(a);
	return rc;
}
