/* summary.c: the figures of a round, its unreadable attachments, its campaigns as the public sees
 * them, and the written summary with its [R-N] citations (summary.h). The terms per question are
 * in summary_terms.c. */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"
#include "itu_region.h"
#include "subscription.h"

/* The public responses of a round, current versions. */
#define PUBLIC_OF_ROUND \
	"FROM responses r JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version " \
	"WHERE r.consultation_id = $1 AND r.status = 'published' "
static const char SQL_TOTAL[] = "SELECT COUNT(*) " PUBLIC_OF_ROUND;
static const char SQL_BY_TYPE[] =
    "SELECT v.stakeholder_type, COUNT(*) " PUBLIC_OF_ROUND "GROUP BY 1 ORDER BY 2 DESC, 1";
static const char SQL_BY_COUNTRY[] =
    "SELECT v.country, COUNT(*) " PUBLIC_OF_ROUND "GROUP BY 1 ORDER BY 2 DESC, 1";
static const char SQL_BY_LANGUAGE[] =
    "SELECT v.language, COUNT(*) " PUBLIC_OF_ROUND "GROUP BY 1 ORDER BY 2 DESC, 1";
static const char SQL_BY_DAY[] =
    "SELECT strftime('%Y-%m-%d', COALESCE(r.received_at, r.created_at), 'unixepoch'), COUNT(*) "
    PUBLIC_OF_ROUND "GROUP BY 1 ORDER BY 1";
static const char SQL_BY_DAY_PG[] =	/* PostgreSQL has no strftime */
    "SELECT to_char(to_timestamp(COALESCE(r.received_at, r.created_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), "
    "COUNT(*) " PUBLIC_OF_ROUND "GROUP BY 1 ORDER BY 1";

/* A response with a public page: what a citation may name. */
#define HAS_PUBLIC_PAGE \
	"(r.status IN ('published', 'withheld', 'withdrawn') OR (r.status = 'erased' AND r.erased_from = 'published'))"
static const char SQL_CITABLE[] =
    "SELECT r.id, r.public_id FROM response_numbers n JOIN responses r ON r.id = n.response_id "
    "WHERE n.consultation_id = $1 AND n.number = $2 AND " HAS_PUBLIC_PAGE;

static const char SQL_UNREADABLE[] =
    "SELECT r.public_id, r.status, a.filename, f.status, COALESCE(n.number, 0) FROM responses r "
    "JOIN response_attachments a ON a.response_id = r.id AND a.version = r.current_version "
    "JOIN file_texts f ON f.sha256 = a.sha256 LEFT JOIN response_numbers n ON n.response_id = r.id "
    "WHERE r.consultation_id = $1 AND r.status IN ('published', 'pending') AND f.status <> 'ok' "
    "ORDER BY COALESCE(n.number, 0), r.id, a.position LIMIT 1000";

static const char SQL_CAMPAIGNS[] =
    "SELECT id, representative FROM campaigns WHERE consultation_id = $1 ORDER BY id LIMIT 10000";
static const char SQL_CAMPAIGN_MEMBERS[] =
    "SELECT r.id, r.public_id, v.country FROM campaign_members m JOIN responses r ON r.id = m.response_id "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "WHERE m.campaign_id = $1 AND r.status = 'published' ORDER BY r.id";
static const char SQL_PUBLIC_TEXT[] =
    "SELECT r.public_id, COALESCE(n.number, 0), v.summary FROM responses r "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "LEFT JOIN response_numbers n ON n.response_id = r.id WHERE r.id = $1 AND r.status = 'published'";

#define LANGUAGE_ORDER \
	"CASE language WHEN 'ar' THEN 0 WHEN 'zh' THEN 1 WHEN 'en' THEN 2 WHEN 'fr' THEN 3 WHEN 'ru' THEN 4 ELSE 5 END"
static const char SQL_TEXTS[] =
    "SELECT language, body, status, updated_at, COALESCE(published_at, 0) FROM summaries "
    "WHERE consultation_id = $1 AND (status = 'published' OR $2) ORDER BY " LANGUAGE_ORDER;
static const char SQL_SAVE[] =
    "INSERT INTO summaries (consultation_id, language, body, status, updated_at, updated_by, published_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'published' THEN CAST($5 AS BIGINT) END) "
    "ON CONFLICT (consultation_id, language) DO UPDATE SET body = excluded.body, status = excluded.status, "
    "updated_at = excluded.updated_at, updated_by = excluded.updated_by, published_at = excluded.published_at";
static const char SQL_CITATIONS_DEL[] =
    "DELETE FROM summary_citations WHERE consultation_id = $1 AND language = $2";
static const char SQL_CITATION_INS[] =
    "INSERT INTO summary_citations (response_id, consultation_id, language) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING";
static const char SQL_STATUS[] = "SELECT status FROM summaries WHERE consultation_id = $1 AND language = $2";
static const char SQL_NUMBER[] = "SELECT number FROM response_numbers WHERE response_id = $1";
static const char SQL_CITED_IN[] =
    "SELECT c.slug, s.language FROM summary_citations sc JOIN summaries s ON s.consultation_id = "
    "sc.consultation_id AND s.language = sc.language AND s.status = 'published' "
    "JOIN consultations c ON c.id = sc.consultation_id WHERE sc.response_id = $1 "
    "ORDER BY c.opens_at DESC, c.id, CASE s.language WHEN 'ar' THEN 0 WHEN 'zh' THEN 1 WHEN 'en' THEN 2 "
    "WHEN 'fr' THEN 3 WHEN 'ru' THEN 4 ELSE 5 END LIMIT 200";

/* Runs a (key, count) query of the round into f. */
static int
figure_read(struct db *db, struct arena *a, const char *sql, int64_t consultation_id,
	    struct summary_figure *f, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum db_rc rc;
	int cap = 0;

	memset(f, 0, sizeof(*f));
	if (st == NULL)
		return db_err(db, e, "summary figures");
	db_bind_int64(st, 1, consultation_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct summary_count *items = arena_grow(a, f->items, f->n, &cap, sizeof(*items));
		if (items == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		f->items = items;
		if ((items[f->n].key = arena_strdup(a, db_col_text(st, 0))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		items[f->n++].n = db_col_int64(st, 1);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "summary figures");
}

static int
by_count_then_key(const void *x, const void *y)
{
	const struct summary_count *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* The regions from the countries: at most five letters and "" (no region). */
static int
regions_from_countries(struct arena *a, const struct summary_figure *countries, struct summary_figure *out)
{
	static const char *const keys[] = { "A", "B", "C", "D", "E", "" };
	int64_t n[6] = { 0 };

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < countries->n; i++) {
		const char *l = itu_region_of(countries->items[i].key);
		n[l != NULL ? l[0] - 'A' : 5] += countries->items[i].n;
	}
	if ((out->items = arena_alloc(a, 6 * sizeof(*out->items))) == NULL)
		return -1;
	for (int i = 0; i < 6; i++)
		if (n[i] > 0) {
			out->items[out->n].key = keys[i];
			out->items[out->n++].n = n[i];
		}
	qsort(out->items, (size_t)out->n, sizeof(*out->items), by_count_then_key);
	return 0;
}

int
summary_figures_get(struct db *db, struct arena *a, int64_t consultation_id, struct summary_figures *out,
		    struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TOTAL);

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return db_err(db, e, "summary figures");
	db_bind_int64(st, 1, consultation_id);
	if (db_step(st) == DB_ROW)
		out->total = db_col_int64(st, 0);
	db_done(st);
	if (figure_read(db, a, SQL_BY_TYPE, consultation_id, &out->by_type, e) != 0 ||
	    figure_read(db, a, SQL_BY_COUNTRY, consultation_id, &out->by_country, e) != 0 ||
	    figure_read(db, a, SQL_BY_LANGUAGE, consultation_id, &out->by_language, e) != 0 ||
	    figure_read(db, a, db_is_postgres(db) ? SQL_BY_DAY_PG : SQL_BY_DAY, consultation_id, &out->by_day, e) != 0)
		return -1;
	if (regions_from_countries(a, &out->by_country, &out->by_region) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	return 0;
}

int
summary_unreadable_list(struct db *db, struct arena *a, int64_t consultation_id, struct summary_unreadable **out,
			int *n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_UNREADABLE);
	enum db_rc rc;
	int cap = 0;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return db_err(db, e, "unreadable attachments");
	db_bind_int64(st, 1, consultation_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct summary_unreadable *u = arena_grow(a, *out, *n, &cap, sizeof(*u));
		if (u == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		*out = u;
		u += (*n)++;
		u->public_id = arena_strdup(a, db_col_text(st, 0));
		u->response_status = arena_strdup(a, db_col_text(st, 1));
		u->filename = arena_strdup(a, db_col_text(st, 2));
		u->text_status = arena_strdup(a, db_col_text(st, 3));
		u->number = db_col_int64(st, 4);
		if (!u->public_id || !u->response_status || !u->filename || !u->text_status) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "unreadable attachments");
}

/* Fills the representative's id, number and text from a published response; 0 when found,
 * 1 when that response is not published, -1 on error. */
static int
campaign_text(struct db *db, struct arena *a, int64_t response_id, struct summary_campaign *c)
{
	struct db_stmt *st = db_prepare(db, SQL_PUBLIC_TEXT);
	enum db_rc rc;
	int found = 1;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, response_id);
	if ((rc = db_step(st)) == DB_ROW) {
		c->rep_id = arena_strdup(a, db_col_text(st, 0));
		c->rep_number = db_col_int64(st, 1);
		c->rep_text = arena_strdup(a, db_col_text(st, 2));
		found = c->rep_id && c->rep_text ? 0 : -1;
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? found : -1;
}

/* The published members of campaign id: their public ids, their count and their countries. The
 * first published member's row id goes to *first (0: none). */
static int
campaign_members(struct db *db, struct arena *a, int64_t id, struct summary_campaign *c, int64_t *first)
{
	struct db_stmt *st = db_prepare(db, SQL_CAMPAIGN_MEMBERS);
	const char **countries = NULL;
	enum db_rc rc;
	int cap = 0, ccap = 0;

	*first = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *country = db_col_text(st, 2);
		int seen = 0;
		const char **m = arena_grow(a, c->members, (int)c->size, &cap, sizeof(*m));
		if (m == NULL || (m[c->size] = arena_strdup(a, db_col_text(st, 1))) == NULL)
			goto fail;
		c->members = m;
		if (c->size++ == 0)
			*first = db_col_int64(st, 0);
		for (int64_t i = 0; i < c->countries && !seen; i++)
			seen = strcmp(countries[i], country) == 0;
		if (!seen) {
			const char **cs = arena_grow(a, countries, (int)c->countries, &ccap, sizeof(*cs));
			if (cs == NULL || (cs[c->countries] = arena_strdup(a, country)) == NULL)
				goto fail;
			countries = cs;
			c->countries++;
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
fail:
	db_done(st);
	return -1;
}

static int
by_size(const void *x, const void *y)
{
	const struct summary_campaign *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->rep_number < b->rep_number ? -1 : a->rep_number > b->rep_number;
}

int
summary_campaigns_get(struct db *db, struct arena *a, int64_t consultation_id, struct summary_campaign **out,
		      int *n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_CAMPAIGNS);
	int64_t *ids = NULL, *reps = NULL;
	int nids = 0, cap = 0, cap2 = 0, ccap = 0;
	enum db_rc rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return db_err(db, e, "campaigns");
	/* Read the list first: the members' statement runs for each campaign. */
	db_bind_int64(st, 1, consultation_id);
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t *i2 = arena_grow(a, ids, nids, &cap, sizeof(*i2));
		int64_t *r2 = arena_grow(a, reps, nids, &cap2, sizeof(*r2));
		if (i2 == NULL || r2 == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		ids = i2;
		reps = r2;
		ids[nids] = db_col_int64(st, 0);
		reps[nids++] = db_col_int64(st, 1);
	}
	db_done(st);
	if (rc != DB_DONE)
		return db_err(db, e, "campaigns");
	for (int i = 0; i < nids; i++) {
		struct summary_campaign c = { 0 };
		int64_t first;
		int got;
		if (campaign_members(db, a, ids[i], &c, &first) != 0)
			return db_err(db, e, "campaign members");
		if (c.size == 0)	/* nothing of it is public */
			continue;
		/* A representative the public cannot read gives way to the first published member. */
		if ((got = campaign_text(db, a, reps[i], &c)) == 1)
			got = campaign_text(db, a, first, &c);
		if (got != 0)
			return db_err(db, e, "campaign representative");
		struct summary_campaign *o = arena_grow(a, *out, *n, &ccap, sizeof(*o));
		if (o == NULL)
			return err_set(e, ERR_BUSY, "out of memory");
		*out = o;
		o[(*n)++] = c;
	}
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof(**out), by_size);
	return 0;
}

int
summary_texts_get(struct db *db, struct arena *a, int64_t consultation_id, int with_drafts,
		  struct summary_text **out, int *n, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TEXTS);
	enum db_rc rc;
	int cap = 0;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return db_err(db, e, "summaries");
	db_bind_int64(st, 1, consultation_id);
	db_bind_int64(st, 2, with_drafts != 0);
	while ((rc = db_step(st)) == DB_ROW) {
		struct summary_text *t = arena_grow(a, *out, *n, &cap, sizeof(*t));
		if (t == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		*out = t;
		t += (*n)++;
		t->language = arena_strdup(a, db_col_text(st, 0));
		t->body = arena_strdup(a, db_col_text(st, 1));
		t->status = arena_strdup(a, db_col_text(st, 2));
		t->updated_at = db_col_int64(st, 3);
		t->published_at = db_col_int64(st, 4);
		if (!t->language || !t->body || !t->status) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "summaries");
}

/* At p, "[R-N]" with N of 1 to 9 digits not starting with 0: its length, and N in *number; else 0. */
static size_t
citation_at(const char *p, int64_t *number)
{
	size_t i = 3;
	int64_t v = 0;

	if (p[0] != '[' || p[1] != 'R' || p[2] != '-' || p[3] < '1' || p[3] > '9')
		return 0;
	while (p[i] >= '0' && p[i] <= '9' && i < 12)
		v = v * 10 + (p[i++] - '0');
	if (p[i] != ']')
		return 0;
	*number = v;
	return i + 1;
}

int
summary_citations_parse(struct arena *a, const char *body, int64_t **out)
{
	int n = 0, cap = 0;
	int64_t v;

	*out = NULL;
	for (const char *p = body; p && *p; p++) {
		size_t len = citation_at(p, &v);
		if (len == 0)
			continue;
		int64_t *o = arena_grow(a, *out, n, &cap, sizeof(*o));
		if (o == NULL)
			return n;
		*out = o;
		o[n++] = v;
		p += len - 1;
	}
	return n;
}

/* The row id and public id of response N of the round when it has a public page; 0 if not. */
static int64_t
citable(struct db *db, int64_t consultation_id, int64_t number, char public_id[16])
{
	struct db_stmt *st = db_prepare(db, SQL_CITABLE);
	int64_t id = 0;

	if (st == NULL)
		return 0;
	db_bind_int64(st, 1, consultation_id);
	db_bind_int64(st, 2, number);
	if (db_step(st) == DB_ROW) {
		id = db_col_int64(st, 0);
		if (public_id != NULL)
			snprintf(public_id, 16, "%s", db_col_text(st, 1));
	}
	db_done(st);
	return id;
}

int
summary_citations_check(struct db *db, struct arena *a, int64_t consultation_id, const char *body, int64_t *bad)
{
	int64_t *numbers;
	int n = summary_citations_parse(a, body, &numbers);

	for (int i = 0; i < n; i++)
		if (citable(db, consultation_id, numbers[i], NULL) == 0) {
			*bad = numbers[i];
			return -1;
		}
	return 0;
}

char *
summary_link_citations(struct db *db, struct arena *a, int64_t consultation_id, const char *body)
{
	struct buf b;
	char *out;
	int64_t v;
	char pid[16];

	buf_init(&b);
	for (const char *p = body; p && *p;) {
		size_t len = citation_at(p, &v);
		/* Already a link ("[R-2](...)", "[R-2][ref]") or not a citation: as written. */
		if (len == 0 || p[len] == '(' || p[len] == '[' || citable(db, consultation_id, v, pid) == 0) {
			buf_add(&b, p, len ? len : 1);
			p += len ? len : 1;
			continue;
		}
		buf_printf(&b, "[R-%lld](/responses/%s)", (long long)v, pid);
		p += len;
	}
	out = b.failed ? NULL : arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

int
summary_save_fn(struct db *db, void *arg, struct err *e)
{
	struct summary_save *s = arg;
	int published = str_eq(s->status, "published");
	int64_t *numbers, *ids;
	struct arena *a = arena_new();
	struct db_stmt *st;
	int n, rc = -1;
	int64_t now = clock_now();

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	n = summary_citations_parse(a, s->body, &numbers);
	if ((ids = arena_alloc(a, (size_t)(n + 1) * sizeof(*ids))) == NULL) {
		err_set(e, ERR_BUSY, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++)
		if ((ids[i] = citable(db, s->consultation_id, numbers[i], NULL)) == 0) {
			err_set_field(e, ERR_INVALID, "body", "[R-%lld] names no public response of this round",
				      (long long)numbers[i]);
			goto out;
		}
	if (s->draft_only && published) {
		err_set_field(e, ERR_INVALID, "status", "only the secretariat publishes a summary");
		goto out;
	}
	if (s->draft_only) {	/* the chair's draft must not take a published text down */
		int was_published = 0;
		if ((st = db_prepare(db, SQL_STATUS)) == NULL) {
			db_err(db, e, "summary");
			goto out;
		}
		db_bind_int64(st, 1, s->consultation_id);
		db_bind_text(st, 2, s->language);
		if (db_step(st) == DB_ROW)
			was_published = str_eq(db_col_text(st, 0), "published");
		db_done(st);
		if (was_published) {
			err_set_field(e, ERR_CONFLICT, "body", "the summary in this language is published");
			goto out;
		}
	}
	if ((st = db_prepare(db, SQL_SAVE)) == NULL) {
		db_err(db, e, "summary");
		goto out;
	}
	db_bind_int64(st, 1, s->consultation_id);
	db_bind_text(st, 2, s->language);
	db_bind_text(st, 3, s->body);
	db_bind_text(st, 4, published ? "published" : "draft");
	db_bind_int64(st, 5, now);
	if (s->account_id > 0)
		db_bind_int64(st, 6, s->account_id);
	else
		db_bind_null(st, 6);
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "summary");
		goto out;
	}
	if ((st = db_prepare(db, SQL_CITATIONS_DEL)) == NULL) {
		db_err(db, e, "citations");
		goto out;
	}
	db_bind_int64(st, 1, s->consultation_id);
	db_bind_text(st, 2, s->language);
	if (db_run(st) != DB_DONE) {
		db_err(db, e, "citations");
		goto out;
	}
	s->ncited = 0;
	for (int i = 0; published && i < n; i++) {
		if ((st = db_prepare(db, SQL_CITATION_INS)) == NULL) {
			db_err(db, e, "citations");
			goto out;
		}
		db_bind_int64(st, 1, ids[i]);
		db_bind_int64(st, 2, s->consultation_id);
		db_bind_text(st, 3, s->language);
		if (db_run(st) != DB_DONE) {
			db_err(db, e, "citations");
			goto out;
		}
		s->ncited += db_changes(db);
	}
	struct audit_entry au = {
		.account_id = s->account_id, .address = s->address, .action = "summary_save",
		.object = arena_printf(a, "consultation/%s", s->slug),
		.detail = arena_printf(a, "language=%s status=%s citations=%d bytes=%zu", s->language,
				       published ? "published" : "draft", n, strlen(s->body)),
	};
	rc = audit_append(db, &au, e);
	if (rc == 0 && published)	/* subscribers hear of it, once a round (subscription_notice.c) */
		rc = notice_summary_published(db, s->consultation_id, e);
out:
	arena_free(a);
	return rc;
}

int64_t
summary_response_number(struct db *db, int64_t response_id)
{
	struct db_stmt *st = db_prepare(db, SQL_NUMBER);
	int64_t n = 0;

	if (st == NULL)
		return 0;
	db_bind_int64(st, 1, response_id);
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

int
summary_cited_in(struct db *db, struct arena *a, int64_t response_id, struct summary_citation **out, int *n,
		 struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_CITED_IN);
	enum db_rc rc;
	int cap = 0;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return db_err(db, e, "citations");
	db_bind_int64(st, 1, response_id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct summary_citation *c = arena_grow(a, *out, *n, &cap, sizeof(*c));
		if (c == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		*out = c;
		c += (*n)++;
		c->slug = arena_strdup(a, db_col_text(st, 0));
		c->language = arena_strdup(a, db_col_text(st, 1));
		if (c->slug == NULL || c->language == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "citations");
}

json_t *
summary_cited_json(struct db *db, struct arena *a, int64_t response_id)
{
	struct summary_citation *in;
	struct err e;
	json_t *list = json_array();
	int n = 0;

	if (summary_cited_in(db, a, response_id, &in, &n, &e) != 0)
		n = 0;
	for (int i = 0; list != NULL && i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "consultation", in[i].slug, "language",
						      in[i].language, "url",
						      json_sprintf("/consultations/%s/summary", in[i].slug)));
	return list;
}
