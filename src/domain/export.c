/* export.c: the snapshot a round's export reads, the rows and columns every format shares, and
 * the CSV and JSON formats (XLSX in export_xlsx.c, the archive in export_zip.c). */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "summary.h"

#define OUT_BLOCK (64 * 1024)
#define ROWS_PER_ARENA 256	/* a row's strings live in an arena freed every so many rows */
#define PROGRESS_EVERY 5000

static const char *const format_names[] = { "csv", "xlsx", "json", "zip" };

int
export_format_parse(const char *s, enum export_format *f)
{
	for (int i = 0; i < 4; i++)
		if (s != NULL && strcmp(s, format_names[i]) == 0) {
			*f = (enum export_format)i;
			return 0;
		}
	return -1;
}

const char *
export_format_name(enum export_format f)
{
	return format_names[f];
}

const char *
export_media_type(enum export_format f)
{
	switch (f) {
	case EXPORT_CSV:
		return "text/csv; charset=utf-8; header=present";
	case EXPORT_XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	case EXPORT_JSON:
		return "application/json";
	case EXPORT_ZIP:
		return "application/zip";
	}
	return "application/octet-stream";
}

/* ---- the byte sink ------------------------------------------------------------------- */

void
export_out_init(struct export_out *o, int (*flush)(void *, const void *, size_t), void *ctx)
{
	memset(o, 0, sizeof(*o));
	buf_init(&o->b);
	o->flush = flush;
	o->ctx = ctx;
}

static void
out_flush(struct export_out *o)
{
	if (!o->failed && o->b.len > 0 && o->flush(o->ctx, o->b.data, o->b.len) != 0)
		o->failed = 1;
	o->b.len = 0;
}

void
export_out_add(struct export_out *o, const void *p, size_t n)
{
	if (o->failed)
		return;
	buf_add(&o->b, p, n);
	if (o->b.failed)
		o->failed = 1;
	o->bytes += n;
	if (o->b.len >= OUT_BLOCK)
		out_flush(o);
}

void
export_out_puts(struct export_out *o, const char *s)
{
	export_out_add(o, s, strlen(s));
}

int
export_out_finish(struct export_out *o)
{
	out_flush(o);
	buf_free(&o->b);
	return o->failed ? -1 : 0;
}

int
export_fd_flush(void *fd_ptr, const void *p, size_t n)
{
	int fd = *(int *)fd_ptr;
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
export_tmpfile(const char *dir, struct err *e)
{
	char path[1024];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/export-XXXXXX", dir) >= sizeof(path))
		return err_set(e, ERR_INTERNAL, "the temporary folder's name is too long");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(e, ERR_INTERNAL, "cannot create the folder %s: %s", dir, strerror(errno));
	if ((fd = mkstemp(path)) < 0)
		return err_set(e, errno == ENOSPC ? ERR_FULL : ERR_INTERNAL,
			       "cannot create a temporary file in %s: %s", dir, strerror(errno));
	unlink(path);	/* gone with the last descriptor, even after a crash */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* ---- rows and columns ---------------------------------------------------------------- */

static const char SQL_PUBLISHED[] =
    "SELECT r.public_id, n.number FROM responses r JOIN response_numbers n ON n.response_id = r.id "
    "WHERE r.consultation_id = $1 AND r.status = 'published' ORDER BY r.id";

static void
progress(struct export_ctx *x, const char *what, int64_t done)
{
	if (x->job->progress != NULL)
		x->job->progress(x->job->progress_ctx, what, done, x->total);
}

int
export_each(struct export_ctx *x, export_row_fn fn, void *arg, struct err *e)
{
	struct db_stmt *st = db_prepare(x->db, SQL_PUBLISHED);
	struct arena *a = NULL;
	int64_t done = 0;
	enum db_rc rc;
	int ret = 0;

	if (st == NULL)
		return db_err(x->db, e, "responses");
	db_bind_int64(st, 1, x->c.id);
	while ((rc = db_step(st)) == DB_ROW) {
		struct response r;
		char id[RESPONSE_ID_LEN + 1];
		int64_t number = db_col_int64(st, 1);
		const char *name;

		snprintf(id, sizeof(id), "%s", db_col_text(st, 0));
		if (done % ROWS_PER_ARENA == 0) {
			arena_free(a);
			if ((a = arena_new()) == NULL) {
				ret = err_set(e, ERR_BUSY, "out of memory");
				break;
			}
		}
		if (response_get(x->db, a, id, &r, e) != 0) {
			ret = -1;
			break;
		}
		if ((name = response_display_name(a, &r)) == NULL) {
			ret = err_set(e, ERR_BUSY, "out of memory");
			break;
		}
		if (fn(x, &r, number, name, arg) != 0) {
			ret = e->kind != ERR_NONE ? -1 : err_set(e, ERR_INTERNAL, "cannot write the export");
			break;
		}
		if (++done % PROGRESS_EVERY == 0)
			progress(x, "responses", done);
	}
	db_done(st);
	arena_free(a);
	if (ret == 0 && rc != DB_DONE)
		return db_err(x->db, e, "responses");
	if (ret == 0) {
		x->job->rows = done;
		progress(x, "responses", done);
	}
	return ret;
}

json_t *
export_response_json(struct db *db, struct arena *a, const struct response *r, int64_t number)
{
	json_t *j = response_to_json(r, 1);

	if (j == NULL)
		return NULL;
	json_object_set_new(j, "display_name", json_string(response_display_name(a, r)));
	json_object_set_new(j, "number", json_integer(number));
	/* as GET /api/v1/responses/{id} answers: where the round's summaries cite it */
	json_object_set_new(j, "cited_in", summary_cited_json(db, a, r->id));
	return j;
}

int
export_columns(struct export_ctx *x, const char **cols, int max)
{
	static const char *const fixed[] = { "id", "number", "date", "name", "organization", "country",
					     "stakeholder_type", "language", "summary" };
	int n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && n < max; i++)
		cols[n++] = fixed[i];
	for (int q = 0; q < x->c.nquestions && n < max; q++) {
		enum lang got;
		const char *text = mtext_pick(&x->c.question[q], x->job->lang, &got);
		cols[n++] = arena_printf(x->a, "Q%d %s", q + 1, text ? text : "");
		if (cols[n - 1] == NULL)
			return -1;
	}
	return n;
}

int
export_cells(struct arena *a, const struct export_ctx *x, const struct response *r, int64_t number,
	     const char *name, const char **cells, int max)
{
	char when[TIME_RFC3339_LEN];
	int n = 0;

	if (max < EXPORT_MAX_COLUMNS)
		return -1;
	/* the day it was received: for a response entered on the respondent's behalf, the day the
	 * letter or mail came, as the API says */
	time_format_rfc3339(r->received_on > 0 ? r->received_on : r->created_at, when);
	cells[n++] = r->public_id;
	cells[n++] = arena_printf(a, "R-%lld", (long long)number);
	cells[n++] = arena_strdup(a, when);
	cells[n++] = name;
	cells[n++] = str_eq(r->publish_as, "anonymous") ? "" : r->organization;
	cells[n++] = r->country;
	cells[n++] = r->stakeholder_type;
	cells[n++] = r->language;
	cells[n++] = r->summary;
	for (int q = 1; q <= x->c.nquestions; q++) {
		const char *text = "";
		for (int i = 0; i < r->nanswers; i++)
			if (r->answers[i].question == q)
				text = r->answers[i].text;
		cells[n++] = text;
	}
	for (int i = 0; i < n; i++)
		if (cells[i] == NULL)
			return -1;
	return n;
}

/* ---- CSV (RFC 4180) ------------------------------------------------------------------ */

/* One field: quoted when it holds a comma, a quote or a line break (quotes doubled). A value
 * that a spreadsheet would take for a formula (it starts with = + - @, a tab or a carriage
 * return) gets a leading apostrophe, so opening the file never runs a respondent's formula. */
static void
csv_cell(struct export_out *o, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;

	if (quote)
		export_out_add(o, "\"", 1);
	if (guard)
		export_out_add(o, "'", 1);
	for (const char *p = s; *p; p++) {
		const char *q = strchr(p, '"');
		if (q == NULL) {
			export_out_puts(o, p);
			break;
		}
		export_out_add(o, p, (size_t)(q - p));
		export_out_add(o, "\"\"", 2);
		p = q;
	}
	if (quote)
		export_out_add(o, "\"", 1);
}

static void
csv_row(struct export_out *o, const char **cells, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			export_out_add(o, ",", 1);
		csv_cell(o, cells[i]);
	}
	export_out_add(o, "\r\n", 2);
}

static int
csv_one(struct export_ctx *x, const struct response *r, int64_t number, const char *name, void *arg)
{
	struct export_out *o = arg;
	const char *cells[EXPORT_MAX_COLUMNS];
	struct arena *a = arena_new();
	int n = a ? export_cells(a, x, r, number, name, cells, EXPORT_MAX_COLUMNS) : -1;

	if (n > 0)
		csv_row(o, cells, n);
	arena_free(a);
	return n < 0 || o->failed ? -1 : 0;
}

static int
export_csv(struct export_ctx *x, int fd, struct err *e)
{
	struct export_out o;
	const char *cols[EXPORT_MAX_COLUMNS];
	int n = export_columns(x, cols, EXPORT_MAX_COLUMNS), rc;

	if (n < 0)
		return err_set(e, ERR_BUSY, "out of memory");
	export_out_init(&o, export_fd_flush, &fd);
	export_out_add(&o, "\xEF\xBB\xBF", 3);	/* the BOM: Excel then reads UTF-8 */
	csv_row(&o, cols, n);
	rc = export_each(x, csv_one, &o, e);
	if (export_out_finish(&o) != 0 && rc == 0)
		return err_set(e, ERR_FULL, "cannot write the export: %s", strerror(errno));
	return rc;
}

/* ---- JSON: one array, one response a line ------------------------------------------- */

struct json_state {
	struct export_out *o;
	int64_t n;
};

static int
json_one(struct export_ctx *x, const struct response *r, int64_t number, const char *name, void *arg)
{
	struct json_state *s = arg;
	struct arena *a = arena_new();
	json_t *j = a ? export_response_json(x->db, a, r, number) : NULL;
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	(void)name;
	json_decref(j);
	arena_free(a);
	if (text == NULL)
		return -1;
	export_out_puts(s->o, s->n++ > 0 ? ",\n" : "\n");
	export_out_puts(s->o, text);
	free(text);
	return s->o->failed ? -1 : 0;
}

/* Writes the array to o: "[", one object a line, "]". Shared with the archive. */
int export_json_to(struct export_ctx *x, struct export_out *o, struct err *e);
int
export_json_to(struct export_ctx *x, struct export_out *o, struct err *e)
{
	struct json_state s = { o, 0 };
	int rc;

	export_out_puts(o, "[");
	rc = export_each(x, json_one, &s, e);
	export_out_puts(o, "\n]\n");
	return rc;
}

static int
export_json(struct export_ctx *x, int fd, struct err *e)
{
	struct export_out o;
	int rc;

	export_out_init(&o, export_fd_flush, &fd);
	rc = export_json_to(x, &o, e);
	if (export_out_finish(&o) != 0 && rc == 0)
		return err_set(e, ERR_FULL, "cannot write the export: %s", strerror(errno));
	return rc;
}

/* ---- the run ------------------------------------------------------------------------- */

static int
run_format(struct export_ctx *x, int fd, struct err *e)
{
	switch (x->job->format) {
	case EXPORT_CSV:
		return export_csv(x, fd, e);
	case EXPORT_JSON:
		return export_json(x, fd, e);
	case EXPORT_ZIP:
		return export_zip(x, fd, e);
	case EXPORT_XLSX:
		break;
	}
	return err_set(e, ERR_INTERNAL, "unknown export format");
}

int
export_run(struct export_job *j, struct err *e)
{
	struct export_ctx x;
	struct stat sb;
	int fd = j->out_fd, rc = -1, in_tx = 0;

	memset(&x, 0, sizeof(x));
	err_clear(e);
	x.job = j;
	j->result_fd = -1;
	j->rows = 0;
	if ((x.a = arena_new()) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (db_open(j->db_url, DB_READONLY, &x.db, e) != 0)
		goto out;
	/* One read transaction: every statement below sees the same committed snapshot. */
	if (db_exec(x.db, "BEGIN", e) != 0)
		goto out;
	in_tx = 1;
	if (consultation_get(x.db, x.a, j->slug, &x.c, e) != 0)
		goto out;
	if (str_eq(x.c.state, "draft")) {
		err_set(e, ERR_NOTFOUND, "no consultation '%s'", j->slug);
		goto out;
	}
	x.total = response_count_published(x.db, x.c.id);
	if (j->format == EXPORT_XLSX) {
		rc = export_xlsx(&x, j->out_fd, &j->result_fd, e);
		if (rc == 0 && j->result_fd >= 0 && fstat(j->result_fd, &sb) == 0)
			j->result_size = sb.st_size;
		goto out;
	}
	if (fd < 0 && (fd = export_tmpfile(j->tmpdir, e)) < 0)
		goto out;
	rc = run_format(&x, fd, e);
	if (rc == 0 && j->out_fd < 0) {
		if (fstat(fd, &sb) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
			rc = err_set(e, ERR_INTERNAL, "cannot read the export back: %s", strerror(errno));
		} else {
			j->result_fd = fd;
			j->result_size = sb.st_size;
			fd = -1;
		}
	}
	if (j->out_fd < 0 && fd >= 0)
		close(fd);
out:
	if (in_tx)
		db_exec(x.db, "COMMIT", NULL);
	db_close(x.db);
	arena_free(x.a);
	return rc;
}
