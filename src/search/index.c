/* index.c: filling the search index from the repository. One thing at a time: its current
 * state is read from the repository and replaces what the index had (same rowid), or removes
 * it when the thing is gone or erased. What changed comes from the repository's search_queue,
 * which triggers fill in the same transaction as each change (sql/sqlite/0016_search.sql). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/response.h"
#include "../extract/extract.h"
#include "../store/db.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/str.h"
#include "index_int.h"

#define BUILD_TXN 5000		/* things per transaction in a full build */
#define TITLE_MAX 200		/* bytes of an outcome's text used as its title */


static const char SQL_FIND[] = "SELECT id FROM docs WHERE kind = ?1 AND thing_id = ?2";
static const char SQL_INS_DOC[] =
    "INSERT INTO docs (kind, thing_id, consultation, stakeholder_type, country, region, language, at, "
    "access, url, title, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_UPD_DOC[] =
    "UPDATE docs SET consultation = ?3, stakeholder_type = ?4, country = ?5, region = ?6, "
    "language = ?7, at = ?8, access = ?9, url = ?10, title = ?11, flags = ?12 "
    "WHERE kind = ?1 AND thing_id = ?2";
static const char SQL_DEL_DOC[] = "DELETE FROM docs WHERE id = ?1";
static const char SQL_INS_FTS[] = "INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)";
static const char SQL_DEL_FTS[] = "DELETE FROM fts WHERE rowid = ?1";

static int
ix_err(struct ix *x, struct err *e, const char *what)
{
	return err_set(e, ERR_INTERNAL, "search index: %s: %s", what, sqlite3_errmsg(x->idx));
}

static int
ix_prepare(struct ix *x, struct err *e)
{
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} all[] = { { &x->find, SQL_FIND }, { &x->ins_doc, SQL_INS_DOC }, { &x->upd_doc, SQL_UPD_DOC },
		    { &x->del_doc, SQL_DEL_DOC }, { &x->ins_fts, SQL_INS_FTS }, { &x->del_fts, SQL_DEL_FTS } };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (sqlite3_prepare_v3(x->idx, all[i].sql, -1, SQLITE_PREPARE_PERSISTENT, all[i].st, NULL) !=
		    SQLITE_OK)
			return ix_err(x, e, "prepare");
	return 0;
}

static void
ix_finish(struct ix *x)
{
	sqlite3_finalize(x->find);
	sqlite3_finalize(x->ins_doc);
	sqlite3_finalize(x->upd_doc);
	sqlite3_finalize(x->del_doc);
	sqlite3_finalize(x->ins_fts);
	sqlite3_finalize(x->del_fts);
}

/* Appends s to the body with a blank line before it, without the two bytes the search uses to
 * mark matches in snippets (SEARCH_MARK_ON/OFF in search.h): stored text never has them. */
static void
body_add(struct buf *b, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return;
	if (b->len > 0)
		buf_puts(b, "\n\n");
	while (*s) {
		size_t n = strcspn(s, "\x02\x03");
		buf_add(b, s, n);
		s += n;
		if (*s)
			s++;
	}
}

static const char *
clean(struct arena *a, const char *s)
{
	struct buf b = { 0 };
	const char *out;

	body_add(&b, s);
	out = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

/* Removes (kind, id) from the index. */
static int
ix_remove(struct ix *x, const char *kind, int64_t id, struct err *e)
{
	int64_t rowid = 0;

	if (x->idx == NULL)
		return search_pg_remove(x, kind, id, e);

	sqlite3_bind_text(x->find, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(x->find, 2, id);
	if (sqlite3_step(x->find) == SQLITE_ROW)
		rowid = sqlite3_column_int64(x->find, 0);
	sqlite3_reset(x->find);
	if (rowid == 0)
		return 0;
	sqlite3_bind_int64(x->del_fts, 1, rowid);
	sqlite3_bind_int64(x->del_doc, 1, rowid);
	if (sqlite3_step(x->del_fts) != SQLITE_DONE || sqlite3_step(x->del_doc) != SQLITE_DONE) {
		sqlite3_reset(x->del_fts);
		sqlite3_reset(x->del_doc);
		return ix_err(x, e, "remove");
	}
	sqlite3_reset(x->del_fts);
	sqlite3_reset(x->del_doc);
	return 0;
}

static void
bind_doc(sqlite3_stmt *st, const char *kind, int64_t id, const struct search_doc *d)
{
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, d->consultation ? d->consultation : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->stakeholder_type ? d->stakeholder_type : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->country ? d->country : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->region ? d->region : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->language ? d->language : "und", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->at);
	sqlite3_bind_int(st, 9, d->access);
	sqlite3_bind_text(st, 10, d->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, d->title ? d->title : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 12, d->flags);
}

/* Stores d as (kind, id): the same rowid when it was there, else a new (highest) one. */
static int
ix_put(struct ix *x, const char *kind, int64_t id, const struct search_doc *d, struct err *e)
{
	int64_t rowid = 0;
	sqlite3_stmt *st;
	int rc;

	if (x->idx == NULL)
		return search_pg_put(x, kind, id, d, e);

	sqlite3_bind_text(x->find, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(x->find, 2, id);
	if (sqlite3_step(x->find) == SQLITE_ROW)
		rowid = sqlite3_column_int64(x->find, 0);
	sqlite3_reset(x->find);
	if (rowid != 0) {
		sqlite3_bind_int64(x->del_fts, 1, rowid);
		rc = sqlite3_step(x->del_fts);
		sqlite3_reset(x->del_fts);
		if (rc != SQLITE_DONE)
			return ix_err(x, e, "replace");
	}
	st = rowid != 0 ? x->upd_doc : x->ins_doc;
	bind_doc(st, kind, id, d);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return ix_err(x, e, "store");
	if (rowid == 0)
		rowid = sqlite3_last_insert_rowid(x->idx);
	sqlite3_bind_int64(x->ins_fts, 1, rowid);
	sqlite3_bind_text(x->ins_fts, 2, d->title ? d->title : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(x->ins_fts, 3, d->body.data ? d->body.data : "", (int)d->body.len, SQLITE_STATIC);
	rc = sqlite3_step(x->ins_fts);
	sqlite3_reset(x->ins_fts);
	sqlite3_clear_bindings(x->ins_fts);
	return rc == SQLITE_DONE ? 0 : ix_err(x, e, "index text");
}

/* Texts of (thing, id) the public may read, every language, into the body; the title field
 * in lang (else any language) into *title. */
static const char SQL_TEXTS[] =
    "SELECT field, language, body FROM texts WHERE thing = $1 AND thing_id = $2 AND status <> 'draft' "
    "ORDER BY language, field";

static int
load_texts(struct ix *x, const char *thing, int64_t id, const char *title_field, const char *lang,
	   struct search_doc *d, const char **title, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_TEXTS);
	enum db_rc rc;

	if (st == NULL)
		return db_err(x->db, e, "search texts");
	db_bind_text(st, 1, thing);
	db_bind_int64(st, 2, id);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *field = db_col_text(st, 0), *l = db_col_text(st, 1), *body = db_col_text(st, 2);

		if (title_field != NULL && str_eq(field, title_field) &&
		    (*title == NULL || str_eq(l, lang)))
			*title = clean(x->a, body);
		body_add(&d->body, body);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(x->db, e, "search texts");
}

static const char SQL_CONSULTATION[] =
    "SELECT slug, original_language, opens_at, state FROM consultations WHERE id = $1";

static int
index_consultation(struct ix *x, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_CONSULTATION);
	struct search_doc d = { 0 };
	const char *title = NULL;
	int rc = -1;

	if (st == NULL)
		return db_err(x->db, e, "search consultation");
	db_bind_int64(st, 1, id);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return ix_remove(x, SEARCH_KIND_CONSULTATION, id, e);
	}
	d.consultation = arena_strdup(x->a, db_col_text(st, 0));
	d.language = arena_strdup(x->a, db_col_text(st, 1));
	d.at = db_col_int64(st, 2);
	d.access = str_eq(db_col_text(st, 3), "draft") ? ACCESS_SECRETARIAT : ACCESS_PUBLIC;
	db_done(st);
	d.url = arena_printf(x->a, "/consultations/%s", d.consultation);
	if (load_texts(x, "consultation", id, "title", d.language, &d, &title, e) == 0) {
		d.title = title ? title : d.consultation;
		rc = ix_put(x, SEARCH_KIND_CONSULTATION, id, &d, e);
	}
	buf_free(&d.body);
	return rc;
}

static const char SQL_RESPONSE[] =
    "SELECT r.public_id, r.status, r.created_at, c.slug, v.name, v.organization, v.country, "
    "v.stakeholder_type, v.publish_as, v.language, v.summary, COALESCE(m.region, ''), r.current_version "
    "FROM responses r JOIN consultations c ON c.id = r.consultation_id "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "LEFT JOIN member_states m ON m.code = v.country WHERE r.id = $1";
static const char SQL_ANSWERS[] =
    "SELECT body FROM response_answers WHERE response_id = $1 AND version = $2 ORDER BY question";
static const char SQL_ATTACHMENTS[] =
    "SELECT a.filename, COALESCE(f.status, ''), COALESCE(f.body, '') FROM response_attachments a "
    "LEFT JOIN file_texts f ON f.sha256 = a.sha256 WHERE a.response_id = $1 AND a.version = $2 "
    "ORDER BY a.position";

/* A response's answers and the text of its attachments, into the body. */
static int
response_parts(struct ix *x, int64_t id, int version, struct search_doc *d, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_ANSWERS);
	enum db_rc rc;

	if (st == NULL)
		return db_err(x->db, e, "search answers");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, version);
	while ((rc = db_step(st)) == DB_ROW)
		body_add(&d->body, db_col_text(st, 0));
	db_done(st);
	if (rc != DB_DONE || (st = db_prepare(x->db, SQL_ATTACHMENTS)) == NULL)
		return db_err(x->db, e, "search answers");
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, version);
	while ((rc = db_step(st)) == DB_ROW) {
		body_add(&d->body, db_col_text(st, 0));	/* the file's name */
		if (str_eq(db_col_text(st, 1), "no_text"))
			d->flags |= SEARCH_FLAG_UNSEARCHABLE;
		body_add(&d->body, db_col_text(st, 2));
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(x->db, e, "search attachments");
}

/* The published name, as response_display_name() puts it ("SURNAME, Given - Organization" or
 * the organization), except that an anonymous response has no name and no organization in the
 * index: its title is "", which the search page shows in the reader's language. */
static const char *
published_name(struct arena *a, const char *name, const char *org, const char *publish_as)
{
	struct response r = { 0 };

	if (str_eq(publish_as, "anonymous"))
		return "";
	r.status = "published";
	r.name = name;
	r.organization = org;
	r.publish_as = publish_as;
	return clean(a, response_display_name(a, &r));
}

static int
index_response(struct ix *x, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_RESPONSE);
	struct search_doc d = { 0 };
	const char *status, *lang, *text;
	int version, rc;

	if (st == NULL)
		return db_err(x->db, e, "search response");
	db_bind_int64(st, 1, id);
	if (db_step(st) != DB_ROW || str_eq(db_col_text(st, 1), "erased")) {
		db_done(st);	/* erased: nothing of it may be found */
		return ix_remove(x, SEARCH_KIND_RESPONSE, id, e);
	}
	status = db_col_text(st, 1);
	d.access = str_eq(status, "published") ? ACCESS_PUBLIC : ACCESS_SECRETARIAT;
	d.url = arena_printf(x->a, "/responses/%s", db_col_text(st, 0));
	d.at = db_col_int64(st, 2);
	d.consultation = arena_strdup(x->a, db_col_text(st, 3));
	d.title = published_name(x->a, db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 8));
	d.country = arena_strdup(x->a, db_col_text(st, 6));
	d.stakeholder_type = arena_strdup(x->a, db_col_text(st, 7));
	lang = arena_strdup(x->a, db_col_text(st, 9));
	body_add(&d.body, db_col_text(st, 10));
	d.region = arena_strdup(x->a, db_col_text(st, 11));
	version = (int)db_col_int64(st, 12);
	db_done(st);
	if (lang == NULL || d.url == NULL || d.consultation == NULL || d.title == NULL) {
		buf_free(&d.body);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	/* The language of what the respondent wrote, before the attachments are added. */
	text = d.body.data ? d.body.data : "";
	d.language = str_eq(lang, "und") || lang[0] == '\0' ? langid_detect(text, d.body.len) : lang;
	rc = response_parts(x, id, version, &d, e);
	if (rc == 0)
		rc = ix_put(x, SEARCH_KIND_RESPONSE, id, &d, e);
	buf_free(&d.body);
	return rc;
}

static const char SQL_OUTCOME[] =
    "SELECT o.letter, m.number, m.starts_on, m.original_language FROM outcomes o "
    "JOIN meetings m ON m.id = o.meeting_id WHERE o.id = $1";

static int
index_outcome(struct ix *x, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_OUTCOME);
	struct search_doc d = { 0 };
	const char *text = NULL;
	char letter[2];
	int rc = -1;

	if (st == NULL)
		return db_err(x->db, e, "search outcome");
	db_bind_int64(st, 1, id);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return ix_remove(x, SEARCH_KIND_OUTCOME, id, e);
	}
	letter[0] = db_col_text(st, 0)[0];
	letter[1] = '\0';
	d.url = arena_printf(x->a, "/meetings/%lld#o-%s", (long long)db_col_int64(st, 1), letter);
	d.at = db_col_int64(st, 2);
	d.language = arena_strdup(x->a, db_col_text(st, 3));
	d.access = ACCESS_PUBLIC;
	db_done(st);
	if (load_texts(x, "outcome", id, "text", d.language, &d, &text, e) == 0) {
		/* "(a) The Group decided..." cut at a character boundary */
		size_t n = text ? strlen(text) : 0;
		if (n > TITLE_MAX) {
			n = TITLE_MAX;
			while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
				n--;
		}
		d.title = arena_printf(x->a, "(%s) %.*s%s", letter, (int)n, text ? text : "",
				       text && strlen(text) > n ? "…" : "");
		rc = ix_put(x, SEARCH_KIND_OUTCOME, id, &d, e);
	}
	buf_free(&d.body);
	return rc;
}

static const char SQL_DOCUMENT[] =
    "SELECT d.symbol, d.url_name, d.status, d.public, d.original_language, "
    "COALESCE(d.author_state, ''), COALESCE(m.region, ''), "
    "COALESCE(d.published_at, d.submitted_at, d.created_at), "
    "(SELECT f.status FROM document_revisions r JOIN file_texts f ON f.sha256 = r.sha256 "
    " WHERE r.document_id = d.id ORDER BY r.number DESC LIMIT 1), "
    "(SELECT f.body FROM document_revisions r JOIN file_texts f ON f.sha256 = r.sha256 "
    " WHERE r.document_id = d.id ORDER BY r.number DESC LIMIT 1) "
    "FROM documents d LEFT JOIN member_states m ON m.code = d.author_state WHERE d.id = $1";

static int
index_document(struct ix *x, int64_t id, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_DOCUMENT);
	struct search_doc d = { 0 };
	const char *symbol, *title = NULL, *file_text;
	int rc = -1;

	if (st == NULL)
		return db_err(x->db, e, "search document");
	db_bind_int64(st, 1, id);
	if (db_step(st) != DB_ROW) {
		db_done(st);
		return ix_remove(x, SEARCH_KIND_DOCUMENT, id, e);
	}
	symbol = clean(x->a, db_col_text(st, 0));
	d.url = arena_printf(x->a, "/documents/%s", db_col_text(st, 1));
	/* Who may read it: as document_visible() in src/domain/document.c, where a draft is its
	 * own state's (the index keeps drafts to the secretariat). */
	if (db_col_int64(st, 3))
		d.access = ACCESS_PUBLIC;
	else
		d.access = str_eq(db_col_text(st, 2), "submitted") ? ACCESS_MEMBERS : ACCESS_SECRETARIAT;
	d.language = arena_strdup(x->a, db_col_text(st, 4));
	d.country = arena_strdup(x->a, db_col_text(st, 5));
	d.region = arena_strdup(x->a, db_col_text(st, 6));
	d.at = db_col_int64(st, 7);
	if (str_eq(db_col_text(st, 8), "no_text"))
		d.flags |= SEARCH_FLAG_UNSEARCHABLE;
	file_text = arena_strdup(x->a, db_col_text(st, 9));
	db_done(st);
	body_add(&d.body, symbol);
	if (load_texts(x, "document", id, "title", d.language, &d, &title, e) == 0) {
		body_add(&d.body, file_text);
		d.title = title ? arena_printf(x->a, "%s: %s", symbol, title) : symbol;
		rc = ix_put(x, SEARCH_KIND_DOCUMENT, id, &d, e);
	}
	buf_free(&d.body);
	return rc;
}

int
search_ix_thing(struct ix *x, const char *kind, int64_t id, struct err *e)
{
	if (str_eq(kind, SEARCH_KIND_RESPONSE))
		return index_response(x, id, e);
	if (str_eq(kind, SEARCH_KIND_CONSULTATION))
		return index_consultation(x, id, e);
	if (str_eq(kind, SEARCH_KIND_OUTCOME))
		return index_outcome(x, id, e);
	if (str_eq(kind, SEARCH_KIND_DOCUMENT))
		return index_document(x, id, e);
	return 0;	/* a kind this version does not index */
}

static int
exec(sqlite3 *idx, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(idx, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	err_set(e, ERR_INTERNAL, "search index: %s", msg ? msg : sqlite3_errmsg(idx));
	sqlite3_free(msg);
	return -1;
}

int64_t
search_index_position(sqlite3 *idx)
{
	sqlite3_stmt *st;
	int64_t pos = -1;

	if (sqlite3_prepare_v2(idx, "SELECT value FROM meta WHERE key = 'queue_position'", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		pos = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		pos = 0;
		break;
	}
	sqlite3_finalize(st);
	return pos;
}

static int
set_meta(sqlite3 *idx, const char *key, int64_t value, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(idx, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", -1, &st,
			       NULL) != SQLITE_OK)
		return err_set(e, ERR_INTERNAL, "search index: %s", sqlite3_errmsg(idx));
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : err_set(e, ERR_INTERNAL, "search index: %s", sqlite3_errmsg(idx));
}

static int
set_position(sqlite3 *idx, int64_t pos, struct err *e)
{
	return set_meta(idx, "queue_position", pos, e);
}

int
search_index_has_position(sqlite3 *idx)
{
	sqlite3_stmt *st;
	int has = 0;

	if (sqlite3_prepare_v2(idx, "SELECT 1 FROM meta WHERE key = 'queue_position'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

int64_t
search_index_version(sqlite3 *idx)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(idx, "SELECT value FROM meta WHERE key = 'version'", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}


static int
item_cmp(const void *pa, const void *pb)
{
	const struct search_item *a = pa, *b = pb;

	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static const struct {
	const char *kind, *sql;
} SOURCES[] = {
	{ SEARCH_KIND_CONSULTATION, "SELECT id, opens_at FROM consultations" },
	{ SEARCH_KIND_RESPONSE, "SELECT id, created_at FROM responses WHERE status <> 'erased'" },
	{ SEARCH_KIND_OUTCOME, "SELECT o.id, m.starts_on FROM outcomes o JOIN meetings m ON m.id = o.meeting_id" },
	{ SEARCH_KIND_DOCUMENT, "SELECT id, COALESCE(published_at, submitted_at, created_at) FROM documents" },
};

static const char SQL_QUEUE_MAX[] = "SELECT COALESCE(MAX(id), 0) FROM search_queue";

int
search_items_collect(struct db *db, struct search_item **out, int *nout, struct err *e)
{
	struct search_item *items = NULL;
	int n = 0, cap = 0;
	struct db_stmt *st;

	for (size_t s = 0; s < sizeof(SOURCES) / sizeof(SOURCES[0]); s++) {
		enum db_rc r;

		if ((st = db_prepare(db, SOURCES[s].sql)) == NULL)
			goto failed;
		while ((r = db_step(st)) == DB_ROW) {
			if (n == cap) {
				struct search_item *grown;
				cap = cap ? cap * 2 : 1024;
				if ((grown = realloc(items, (size_t)cap * sizeof(*items))) == NULL) {
					db_done(st);
					free(items);
					return err_set(e, ERR_INTERNAL, "out of memory");
				}
				items = grown;
			}
			items[n].id = db_col_int64(st, 0);
			items[n].at = db_col_int64(st, 1);
			items[n++].kind = SOURCES[s].kind;
		}
		db_done(st);
		if (r != DB_DONE)
			goto failed;
	}
	if (n > 0)
		qsort(items, (size_t)n, sizeof(*items), item_cmp);
	*out = items;
	*nout = n;
	return 0;
failed:
	free(items);
	return db_err(db, e, "search build");
}

int
search_index_build(sqlite3 *idx, struct db *db, search_progress_fn progress, void *ctx, struct err *e)
{
	struct ix x = { idx, db, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	struct search_item *items = NULL;
	int n = 0, rc = -1;
	int64_t pos;
	struct db_stmt *st;

	/* The position first: whatever changes while the build reads is queued after it. */
	if ((st = db_prepare(db, SQL_QUEUE_MAX)) == NULL || db_step(st) != DB_ROW) {
		if (st)
			db_done(st);
		return db_err(db, e, "search queue");
	}
	pos = db_col_int64(st, 0);
	db_done(st);
	if (progress)
		progress("collecting", 0, 0, ctx);
	if (search_items_collect(db, &items, &n, e) != 0)
		return -1;
	if (ix_prepare(&x, e) != 0 || exec(idx, "BEGIN; DELETE FROM docs; DELETE FROM fts;", e) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		if (x.a == NULL && (x.a = arena_new()) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto rollback;
		}
		if (search_ix_thing(&x, items[i].kind, items[i].id, e) != 0)
			goto rollback;
		if ((i + 1) % BUILD_TXN == 0 || i + 1 == n) {
			arena_free(x.a);
			x.a = NULL;
			if (exec(idx, "COMMIT; BEGIN;", e) != 0)
				goto rollback;
			if (progress)
				progress("indexing", i + 1, n, ctx);
		}
	}
	if (set_position(idx, pos, e) != 0 || set_meta(idx, "version", SEARCH_SCHEMA_VERSION, e) != 0 ||
	    exec(idx, "COMMIT", e) != 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	sqlite3_exec(idx, "ROLLBACK", NULL, NULL, NULL);
out:
	arena_free(x.a);
	ix_finish(&x);
	free(items);
	return rc;
}

static const char SQL_QUEUE[] =
    "SELECT id, thing, thing_id FROM search_queue WHERE id > $1 ORDER BY id LIMIT $2";

int
search_index_catch_up(sqlite3 *idx, struct db *db, int max, int *applied, struct err *e)
{
	struct ix x = { idx, db, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	struct {
		int64_t id;
		char kind[16];
	} *q = NULL;
	int64_t pos = search_index_position(idx), last;
	struct db_stmt *st;
	enum db_rc r;
	int n = 0, rc = -1;

	*applied = 0;
	if (pos < 0)
		return err_set(e, ERR_INTERNAL, "search index: %s", sqlite3_errmsg(idx));
	/* Never built (the queue may not go back far enough), or built by another version of
	 * the tokenizer or of what is indexed: built whole. */
	if (search_index_version(idx) != SEARCH_SCHEMA_VERSION) {
		if (search_index_build(idx, db, NULL, NULL, e) != 0)
			return -1;
		*applied = 1;
		return 0;
	}
	if ((q = calloc((size_t)max, sizeof(*q))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if ((st = db_prepare(db, SQL_QUEUE)) == NULL) {
		free(q);
		return db_err(db, e, "search queue");
	}
	db_bind_int64(st, 1, pos);
	db_bind_int64(st, 2, max);
	last = pos;
	while ((r = db_step(st)) == DB_ROW && n < max) {
		const char *kind = db_col_text(st, 1);
		int64_t id = db_col_int64(st, 2);
		int seen = 0;

		last = db_col_int64(st, 0);
		for (int i = 0; i < n && !seen; i++)	/* one thing changed twice: index it once */
			seen = q[i].id == id && str_eq(q[i].kind, kind);
		if (!seen && strlen(kind) < sizeof(q[n].kind)) {
			q[n].id = id;
			memcpy(q[n].kind, kind, strlen(kind) + 1);
			n++;
		}
		(*applied)++;
	}
	db_done(st);
	if (r != DB_ROW && r != DB_DONE) {
		free(q);
		return db_err(db, e, "search queue");
	}
	if (last == pos) {
		free(q);
		return 0;
	}
	if (ix_prepare(&x, e) != 0 || (x.a = arena_new()) == NULL || exec(idx, "BEGIN", e) != 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (search_ix_thing(&x, q[i].kind, q[i].id, e) != 0) {
			sqlite3_exec(idx, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
	if (set_position(idx, last, e) != 0 || exec(idx, "COMMIT", e) != 0) {
		sqlite3_exec(idx, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	rc = 0;
out:
	arena_free(x.a);
	ix_finish(&x);
	free(q);
	return rc;
}
