/* document.c: documents with symbols per meeting, their revisions, the access rule and the
 * writes (create, revise, submit, publish), each one transaction with its audit row. */
#include "document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"
#include "subscription.h"

/* Statements are cached by their address: each is one static string. */
#define SQL_COLUMNS \
    "SELECT d.id, d.symbol, d.url_name, m.number, d.seq, d.kind, coalesce(d.author_state, ''), d.status, " \
    "d.public, d.original_language, d.created_at, coalesce(d.created_by, 0), " \
    "(SELECT max(number) FROM document_revisions WHERE document_id = d.id), " \
    "(SELECT max(uploaded_at) FROM document_revisions WHERE document_id = d.id) " \
    "FROM documents d JOIN meetings m ON m.id = d.meeting_id "
static const char SQL_LIST[] = SQL_COLUMNS "WHERE ($1 = 0 OR m.number = $1) ORDER BY m.number DESC, d.seq DESC";
static const char SQL_GET[] = SQL_COLUMNS "WHERE d.url_name = $1";
static const char SQL_REVISIONS[] =
    "SELECT r.number, r.sha256, r.filename, r.media_type, r.size, r.uploaded_at, coalesce(a.name, '') "
    "FROM document_revisions r LEFT JOIN accounts a ON a.id = r.uploaded_by "
    "WHERE r.document_id = $1 ORDER BY r.number";
static const char SQL_MEETING[] = "SELECT id FROM meetings WHERE number = $1";
static const char SQL_NEXT_SEQ[] = "SELECT coalesce(max(seq), 0) + 1 FROM documents WHERE meeting_id = $1";
static const char SQL_SEQ_TAKEN[] = "SELECT 1 FROM documents WHERE meeting_id = $1 AND seq = $2";
static const char SQL_INSERT[] =
    "INSERT INTO documents (symbol, url_name, meeting_id, seq, kind, author_state, status, public, "
    "original_language, created_at, created_by, submitted_at, published_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
static const char SQL_REVISION_INSERT[] =
    "INSERT INTO document_revisions (document_id, number, sha256, filename, media_type, size, uploaded_at, "
    "uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_BLOB_REF[] = "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ($1, 'document_revision', $2)";
static const char SQL_SUBMIT[] = "UPDATE documents SET status = 'submitted', submitted_at = $2 WHERE id = $1";
static const char SQL_PUBLISH[] = "UPDATE documents SET public = 1, published_at = $2 WHERE id = $1";

static const char *const kinds[] = { "contribution", "secretariat_report", "chair_report",
				     "consultation_summary", "other", NULL };

/* ---- the rules --------------------------------------------------------------------------- */

static int
is_member_role(const char *role)
{
	return str_eq(role, "delegate") || str_eq(role, "focal_point");
}

int
document_visible(const char *status, int is_public, const char *author_state, const char *role,
		 const char *state)
{
	if (is_public)
		return 1;
	if (str_eq(role, "secretariat"))
		return 1;
	if (str_eq(status, "submitted"))
		return is_member_role(role) || str_eq(role, "chair");
	if (!str_eq(status, "draft"))
		return 0;	/* a status this rule does not know: nobody but the secretariat */
	/* A draft: only its own state's members; the secretariat's drafts stay with it. */
	return is_member_role(role) && author_state != NULL && author_state[0] != '\0' && state != NULL &&
	       str_eq(author_state, state);
}

int
document_may_write(const char *author_state, const char *role, const char *state)
{
	if (str_eq(role, "secretariat"))
		return 1;
	return is_member_role(role) && author_state != NULL && author_state[0] != '\0' && state != NULL &&
	       str_eq(author_state, state);
}

int
document_may_create(const char *role)
{
	return str_eq(role, "secretariat") || is_member_role(role);
}

int
document_kind_valid(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (str_eq(kind, kinds[i]))
			return 1;
	return 0;
}

/* ---- symbols ----------------------------------------------------------------------------- */

void
document_symbol(int meeting, int seq, char *out, size_t n)
{
	snprintf(out, n, DOCUMENT_SYMBOL_PREFIX " %d/%d", meeting, seq);
}

void
document_symbol_url(int meeting, int seq, char *out, size_t n)
{
	snprintf(out, n, DOCUMENT_URL_PREFIX "%d-%d", meeting, seq);
}

/* A number 1-9999 without a leading zero, ending at *end ('-' or NUL). */
static int
number_at(const char *p, char stop, int *out, const char **end)
{
	int v = 0, len = 0;

	if (*p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9' && len < 5) {
		v = v * 10 + (*p - '0');
		p++;
		len++;
	}
	if (len > 4 || *p != stop)
		return -1;
	*out = v;
	*end = p;
	return 0;
}

int
document_url_parse(const char *url, int *meeting, int *seq)
{
	const char *p;

	if (url == NULL || !str_has_prefix(url, DOCUMENT_URL_PREFIX))
		return -1;
	p = url + strlen(DOCUMENT_URL_PREFIX);
	if (number_at(p, '-', meeting, &p) != 0 || number_at(p + 1, '\0', seq, &p) != 0)
		return -1;
	return 0;
}

/* ---- reading ----------------------------------------------------------------------------- */

static void
text_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct document *d = ctx;

	if (strcmp(field, "title") == 0)
		d->title.body[l] = body;
}

static int
from_row(struct db_stmt *st, struct arena *a, struct document *d)
{
	memset(d, 0, sizeof(*d));
	d->id = db_col_int64(st, 0);
	d->symbol = arena_strdup(a, db_col_text(st, 1));
	d->url = arena_strdup(a, db_col_text(st, 2));
	d->meeting = (int)db_col_int64(st, 3);
	d->seq = (int)db_col_int64(st, 4);
	d->kind = arena_strdup(a, db_col_text(st, 5));
	d->author_state = arena_strdup(a, db_col_text(st, 6));
	d->status = arena_strdup(a, db_col_text(st, 7));
	d->is_public = db_col_int64(st, 8) != 0;
	if (lang_from_code(db_col_text(st, 9), &d->original) != 0)
		d->original = LANG_EN;
	d->title.original = d->original;
	d->created_at = db_col_int64(st, 10);
	d->created_by = db_col_int64(st, 11);
	d->latest = (int)db_col_int64(st, 12);
	d->latest_at = db_col_int64(st, 13);
	return d->symbol && d->url && d->kind && d->author_state && d->status ? 0 : -1;
}

int
document_list(struct db *db, struct arena *a, const char *role, const char *state, int meeting, int n,
	      struct document **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	struct document *items, d;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "documents");
	if ((items = arena_alloc(a, sizeof(*items) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, meeting);
	while (got < n && (rc = db_step(st)) == DB_ROW) {
		if (from_row(st, a, &d) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		if (document_visible(d.status, d.is_public, d.author_state, role, state))
			items[got++] = d;
	}
	if (got < n && rc != DB_DONE) {
		db_done(st);
		return db_err(db, e, "documents");
	}
	db_done(st);
	for (int i = 0; i < got; i++)
		if (text_load(db, a, "document", items[i].id, text_found, &items[i], e) != 0)
			return -1;
	*out = items;
	return got;
}

int
document_get(struct db *db, struct arena *a, const char *url, struct document *d, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "document");
	db_bind_text(st, 1, url);
	rc = db_step(st);
	if (rc == DB_ROW && from_row(st, a, d) != 0) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no such document");
	if (rc != DB_ROW)
		return db_err(db, e, "document");
	return text_load(db, a, "document", d->id, text_found, d, e);
}

int
document_revisions(struct db *db, struct arena *a, int64_t document_id, struct document_revision **out,
		   struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_REVISIONS);
	struct document_revision *rv;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "revisions");
	if ((rv = arena_alloc(a, sizeof(*rv) * (DOCUMENT_MAX_REVISIONS + 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, document_id);
	while (got <= DOCUMENT_MAX_REVISIONS && (rc = db_step(st)) == DB_ROW) {
		struct document_revision *v = &rv[got++];
		v->number = (int)db_col_int64(st, 0);
		v->sha256 = arena_strdup(a, db_col_text(st, 1));
		v->filename = arena_strdup(a, db_col_text(st, 2));
		v->media_type = arena_strdup(a, db_col_text(st, 3));
		v->size = db_col_int64(st, 4);
		v->uploaded_at = db_col_int64(st, 5);
		v->uploaded_by = arena_strdup(a, db_col_text(st, 6));
		if (!v->sha256 || !v->filename || !v->media_type || !v->uploaded_by) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	if (got <= DOCUMENT_MAX_REVISIONS && rc != DB_DONE)
		return db_err(db, e, "revisions");
	*out = rv;
	return got;
}

/* ---- writing ----------------------------------------------------------------------------- */

static int
add_revision(struct db *db, int64_t document_id, int number, const struct document_file *f, int64_t account_id,
	     int64_t now, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_REVISION_INSERT);
	int64_t rev_id;

	if (st == NULL)
		return db_err(db, e, "revision");
	db_bind_int64(st, 1, document_id);
	db_bind_int64(st, 2, number);
	db_bind_text(st, 3, f->sha256);
	db_bind_text(st, 4, f->filename);
	db_bind_text(st, 5, f->media_type);
	db_bind_int64(st, 6, f->size);
	db_bind_int64(st, 7, now);
	if (account_id > 0)
		db_bind_int64(st, 8, account_id);
	else
		db_bind_null(st, 8);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "revision");
	rev_id = db_last_insert_id(db);
	if ((st = db_prepare(db, SQL_BLOB_REF)) == NULL)
		return db_err(db, e, "revision");
	db_bind_text(st, 1, f->sha256);
	db_bind_int64(st, 2, rev_id);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "revision");
	return 0;
}

static int
audit(struct db *db, const struct document_actor *who, int64_t now, const char *action, const char *symbol,
      const char *detail, struct err *e)
{
	struct audit_entry au = { now, who->account_id, who->address ? who->address : "cli", action,
				  NULL, detail };
	char object[64];

	snprintf(object, sizeof(object), "document/%s", symbol);
	au.object = object;
	return audit_append(db, &au, e);
}

/* A number from one row of sql with one integer parameter; -1 when no row. */
static int64_t
one_int(struct db *db, const char *sql, int64_t p1, int64_t p2, int nparams, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum db_rc rc;
	int64_t v = -1;

	if (st == NULL) {
		db_err(db, e, "document");
		return -2;
	}
	db_bind_int64(st, 1, p1);
	if (nparams > 1)
		db_bind_int64(st, 2, p2);
	if ((rc = db_step(st)) == DB_ROW)
		v = db_col_int64(st, 0);
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		db_err(db, e, "document");
		return -2;
	}
	return v;
}

int
document_create_fn(struct db *db, void *arg, struct err *e)
{
	struct document_new *x = arg;
	struct db_stmt *st;
	int64_t meeting_id, id, now = clock_now(), seq;
	const char *author = x->author_state && x->author_state[0] ? x->author_state : NULL;
	char detail[96];

	x->existed = 0;
	if (x->who.account_id > 0 &&
	    (!document_may_create(x->who.role) || (!str_eq(x->who.role, "secretariat") &&
						   !document_may_write(author, x->who.role, x->who.state))))
		return err_set_field(e, ERR_INVALID, "permission", "not allowed to write for this author");
	if (!document_kind_valid(x->kind))
		return err_set_field(e, ERR_INVALID, "kind", "not a kind of document");
	if ((meeting_id = one_int(db, SQL_MEETING, x->meeting, 0, 1, e)) == -2)
		return -1;
	if (meeting_id < 0)
		return err_set_field(e, ERR_INVALID, "meeting", "no meeting %d", x->meeting);
	seq = x->seq;
	if (seq > 0) {
		int64_t taken = one_int(db, SQL_SEQ_TAKEN, meeting_id, seq, 2, e);
		if (taken == -2)
			return -1;
		document_symbol(x->meeting, (int)seq, x->symbol, sizeof(x->symbol));
		document_symbol_url(x->meeting, (int)seq, x->url, sizeof(x->url));
		if (taken > 0) {
			x->existed = 1;
			return x->exists_ok ? 0 : err_set(e, ERR_CONFLICT, "%s exists", x->symbol);
		}
	} else if ((seq = one_int(db, SQL_NEXT_SEQ, meeting_id, 0, 1, e)) < 0) {
		return -1;
	}
	if (seq > 9999)
		return err_set_field(e, ERR_CONFLICT, "meeting", "meeting %d has 9999 documents", x->meeting);
	document_symbol(x->meeting, (int)seq, x->symbol, sizeof(x->symbol));
	document_symbol_url(x->meeting, (int)seq, x->url, sizeof(x->url));
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "document");
	db_bind_text(st, 1, x->symbol);
	db_bind_text(st, 2, x->url);
	db_bind_int64(st, 3, meeting_id);
	db_bind_int64(st, 4, seq);
	db_bind_text(st, 5, x->kind);
	db_bind_text(st, 6, author);
	db_bind_text(st, 7, x->submitted ? "submitted" : "draft");
	db_bind_int64(st, 8, x->is_public ? 1 : 0);
	db_bind_text(st, 9, lang_code(x->original));
	db_bind_int64(st, 10, now);
	if (x->who.account_id > 0)
		db_bind_int64(st, 11, x->who.account_id);
	else
		db_bind_null(st, 11);
	if (x->submitted)
		db_bind_int64(st, 12, now);
	else
		db_bind_null(st, 12);
	if (x->is_public)
		db_bind_int64(st, 13, now);
	else
		db_bind_null(st, 13);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "document");
	id = db_last_insert_id(db);
	if (text_put(db, "document", id, "title", x->original, x->title, "original", e) != 0 ||
	    add_revision(db, id, 0, &x->file, x->who.account_id, now, e) != 0)
		return -1;
	snprintf(detail, sizeof(detail), "%s by %s; %s", x->kind, author ? author : "the secretariat",
		 x->submitted ? (x->is_public ? "submitted, public" : "submitted") : "draft");
	return audit(db, &x->who, now, "document_create", x->symbol, detail, e);
}

/* The document of c->url as the actor may touch it: 0 with *d filled, or -1 (ERR_NOTFOUND when
 * the actor may not see it, ERR_INVALID "permission" when it may see but not write it). */
static int
load_for_change(struct db *db, struct document_change *c, struct document *d, struct arena *a, struct err *e)
{
	if (document_get(db, a, c->url, d, e) != 0)
		return -1;
	snprintf(c->symbol, sizeof(c->symbol), "%s", d->symbol);
	if (c->who.account_id <= 0)
		return 0;
	if (!document_visible(d->status, d->is_public, d->author_state, c->who.role, c->who.state))
		return err_set(e, ERR_NOTFOUND, "no such document");
	if (!document_may_write(d->author_state, c->who.role, c->who.state))
		return err_set_field(e, ERR_INVALID, "permission", "not allowed to change this document");
	return 0;
}

/* Runs fn with a scratch arena for the reads of one closure. */
static int
with_document(struct db *db, struct document_change *c, struct err *e,
	      int (*fn)(struct db *, struct document_change *, struct document *, struct err *))
{
	struct arena *a = arena_new();
	struct document d;
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = load_for_change(db, c, &d, a, e) != 0 ? -1 : fn(db, c, &d, e);
	arena_free(a);
	return rc;
}

static int
revise(struct db *db, struct document_change *c, struct document *d, struct err *e)
{
	int64_t now = clock_now();
	char detail[320];

	if (d->latest >= DOCUMENT_MAX_REVISIONS)
		return err_set(e, ERR_CONFLICT, "%s has %d revisions", d->symbol, DOCUMENT_MAX_REVISIONS);
	c->number = d->latest + 1;
	if (add_revision(db, d->id, c->number, &c->file, c->who.account_id, now, e) != 0)
		return -1;
	snprintf(detail, sizeof(detail), "Rev.%d %s (%lld bytes, sha256 %s)", c->number, c->file.filename,
		 (long long)c->file.size, c->file.sha256);
	return audit(db, &c->who, now, "document_revise", d->symbol, detail, e);
}

static int
submit(struct db *db, struct document_change *c, struct document *d, struct err *e)
{
	struct db_stmt *st;
	int64_t now = clock_now();

	if (!str_eq(d->status, "draft"))
		return err_set_field(e, ERR_CONFLICT, "status", "%s is submitted already", d->symbol);
	if ((st = db_prepare(db, SQL_SUBMIT)) == NULL)
		return db_err(db, e, "document");
	db_bind_int64(st, 1, d->id);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "document");
	return audit(db, &c->who, now, "document_submit", d->symbol, "draft -> submitted", e);
}

static int
publish(struct db *db, struct document_change *c, struct document *d, struct err *e)
{
	struct db_stmt *st;
	int64_t now = clock_now();

	if (c->who.account_id > 0 && !str_eq(c->who.role, "secretariat"))
		return err_set_field(e, ERR_INVALID, "permission", "only the secretariat makes documents public");
	if (d->is_public)
		return err_set_field(e, ERR_CONFLICT, "status", "%s is public already", d->symbol);
	if (!str_eq(d->status, "submitted"))
		return err_set_field(e, ERR_CONFLICT, "status", "%s is a draft: it is submitted first", d->symbol);
	if ((st = db_prepare(db, SQL_PUBLISH)) == NULL)
		return db_err(db, e, "document");
	db_bind_int64(st, 1, d->id);
	db_bind_int64(st, 2, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "document");
	/* a report made public: its subscribers hear of it (subscription_notice.c) */
	if (notice_document_published(db, d->id, e) != 0)
		return -1;
	return audit(db, &c->who, now, "document_publish", d->symbol, "members only -> public", e);
}

int
document_revise_fn(struct db *db, void *arg, struct err *e)
{
	return with_document(db, arg, e, revise);
}

int
document_submit_fn(struct db *db, void *arg, struct err *e)
{
	return with_document(db, arg, e, submit);
}

int
document_publish_fn(struct db *db, void *arg, struct err *e)
{
	return with_document(db, arg, e, publish);
}
