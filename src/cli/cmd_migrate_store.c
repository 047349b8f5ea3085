/* cmd_migrate_store.c: `agora migrate-store --from sqlite:PATH --to postgres://...`: moves a
 * whole repository from SQLite into an empty PostgreSQL database (docs/POSTGRES.md, "Moving a
 * repository from SQLite"): the schema, every row of every table in foreign-key order and every
 * blob of the data folder, in one transaction; the identity sequences past the highest ids;
 * then row counts compared and the public log verified on the target. */
#include "migrate_store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store/migrate.h"
#include "cli.h"
#include "log_cmds.h"

/* The catalog: both databases' tables and columns (the target's, after its migrations, say what
 * is copied and how each value is bound). */
static const char SQL_DST_TABLES[] =
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
    "AND table_type = 'BASE TABLE' ORDER BY table_name";
static const char SQL_DST_COLUMNS[] =
    "SELECT column_name, data_type, is_identity FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";
static const char SQL_DST_FKEYS[] =
    "SELECT cl.relname, cf.relname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid "
    "JOIN pg_class cf ON cf.oid = c.confrelid JOIN pg_namespace n ON n.oid = c.connamespace "
    "WHERE c.contype = 'f' AND n.nspname = current_schema()";
static const char SQL_SRC_TABLES[] =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
static const char SQL_SRC_COLUMNS[] = "SELECT name FROM pragma_table_info($1)";
static const char SQL_SRC_SEQUENCE[] = "SELECT seq FROM sqlite_sequence WHERE name = $1";
static const char SQL_SRC_HAS_SEQUENCE[] =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'";
static const char SQL_DST_ANY_TABLE[] =
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE table_name = 'schema_migrations') "
    "FROM information_schema.tables WHERE table_schema = current_schema()";

/* Tables that are not copied as rows: migrate's own bookkeeping, the blobs, which come from
 * the data folder's files, and published_deltas, empty outside a transaction (and not on SQLite). */
static int
not_copied(const char *name)
{
	return strcmp(name, "schema_migrations") == 0 || strcmp(name, "blobs") == 0 ||
	       strcmp(name, "blob_chunks") == 0 || strcmp(name, "published_deltas") == 0;
}

/* Takes b's text and keeps it alive as long as the connections (db_prepare caches statements
 * by pointer); returns it, or NULL if b failed to grow (b is emptied either way). */
static const char *
keep_sql(struct migration *m, struct buf *b)
{
	char **p, *s;

	if (b->failed) {
		buf_free(b);
		return NULL;
	}
	s = buf_detach(b, NULL);
	if (s == NULL || (p = realloc(m->sql, (size_t)(m->nsql + 1) * sizeof(*p))) == NULL) {
		free(s);
		return NULL;
	}
	m->sql = p;
	m->sql[m->nsql++] = s;
	return s;
}

/* Appends "name" quoted as an SQL identifier. The names come from the target's catalog (the
 * schema Agora's migrations made), never from input; quoting keeps even so any name whole. */
static void
put_ident(struct buf *b, const char *name)
{
	buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

static int64_t
count_rows(struct migration *m, struct db *db, const char *table)
{
	struct buf b = { NULL, 0, 0, 0 };
	const char *sql;
	struct db_stmt *st;
	int64_t n = -1;

	buf_puts(&b, "SELECT COUNT(*) FROM ");
	put_ident(&b, table);
	if ((sql = keep_sql(m, &b)) == NULL || (st = db_prepare(db, sql)) == NULL)
		return -1;
	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

static int
find_table(struct migration *m, const char *name)
{
	for (int i = 0; i < m->nt; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return i;
	return -1;
}

/* The target's tables, columns and foreign keys into m->t. 0 or -1 (printed). */
static int
read_target_catalog(struct migration *m)
{
	struct db_stmt *st;

	if ((st = db_prepare(m->dst, SQL_DST_TABLES)) == NULL)
		goto dberr;
	while (db_step(st) == DB_ROW) {
		const char *name = db_col_text(st, 0);
		if (not_copied(name))
			continue;
		if (m->nt == MAX_TABLES || strlen(name) > NAME_MAX_LEN) {
			db_done(st);
			fprintf(stderr, "agora migrate-store: too many tables, or a name too long, in the target\n");
			return -1;
		}
		snprintf(m->t[m->nt++].name, NAME_MAX_LEN + 1, "%s", name);
	}
	db_done(st);
	for (int i = 0; i < m->nt; i++) {
		struct table *t = &m->t[i];
		if ((st = db_prepare(m->dst, SQL_DST_COLUMNS)) == NULL)
			goto dberr;
		db_bind_text(st, 1, t->name);
		while (db_step(st) == DB_ROW) {
			const char *type = db_col_text(st, 1);
			if (t->ncols == MAX_COLS) {
				db_done(st);
				fprintf(stderr, "agora migrate-store: table %s has too many columns\n", t->name);
				return -1;
			}
			snprintf(t->col[t->ncols], NAME_MAX_LEN + 1, "%s", db_col_text(st, 0));
			t->type[t->ncols] = strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 ||
							strcmp(type, "smallint") == 0 ? COL_INT
					    : strcmp(type, "bytea") == 0 ? COL_BYTES
									 : COL_TEXT;	/* text, and numbers as text */
			t->identity[t->ncols] = strcmp(db_col_text(st, 2), "YES") == 0;
			t->ncols++;
		}
		db_done(st);
	}
	if ((st = db_prepare(m->dst, SQL_DST_FKEYS)) == NULL)
		goto dberr;
	while (db_step(st) == DB_ROW) {
		int from = find_table(m, db_col_text(st, 0)), to = find_table(m, db_col_text(st, 1));
		if (from >= 0 && to >= 0 && from != to && m->t[from].ndeps < MAX_TABLES)
			m->t[from].dep[m->t[from].ndeps++] = to;
	}
	db_done(st);
	return 0;
dberr:
	fprintf(stderr, "agora migrate-store: reading the target's catalog: %s\n", db_errmsg(m->dst));
	return -1;
}

/* Checks the source has every column of every table the target has, and nothing the target
 * lacks (that would be lost). Marks the tables the source has. 0 or -1 (printed). */
static int
match_source(struct migration *m)
{
	struct db_stmt *st;
	int bad = 0;

	if ((st = db_prepare(m->src, SQL_SRC_TABLES)) == NULL) {
		fprintf(stderr, "agora migrate-store: reading the source: %s\n", db_errmsg(m->src));
		return -1;
	}
	while (db_step(st) == DB_ROW) {
		const char *name = db_col_text(st, 0);
		int i = find_table(m, name);
		if (strcmp(name, "schema_migrations") == 0)
			continue;
		if (i < 0) {
			fprintf(stderr, "agora migrate-store: the SQLite store has a table '%s' the PostgreSQL "
				"schema lacks: its rows would be lost\n", name);
			bad = 1;
			continue;
		}
		m->t[i].in_source = 1;
	}
	db_done(st);
	for (int i = 0; i < m->nt && !bad; i++) {
		struct table *t = &m->t[i];
		int seen = 0, in_src[MAX_COLS] = { 0 }, n = 0;
		if (!t->in_source)
			continue;
		if ((st = db_prepare(m->src, SQL_SRC_COLUMNS)) == NULL)
			return -1;
		db_bind_text(st, 1, t->name);
		while (db_step(st) == DB_ROW) {
			const char *c = db_col_text(st, 0);
			int k;
			for (k = 0; k < t->ncols && strcmp(t->col[k], c) != 0; k++)
				;
			if (k == t->ncols) {
				fprintf(stderr, "agora migrate-store: the SQLite table %s has a column '%s' the "
					"PostgreSQL schema lacks\n", t->name, c);
				bad = 1;
			} else {
				in_src[k] = 1;
			}
			seen++;
		}
		db_done(st);
		if (bad || seen == t->ncols)
			continue;
		/* Columns only PostgreSQL has (jobs.claimed_by: which connection claimed a job) are not
		 * copied: they take their defaults, and a NOT NULL one without a default fails the
		 * copy's one transaction, naming it. */
		for (int k = 0; k < t->ncols; k++) {
			if (!in_src[k])
				continue;
			memmove(t->col[n], t->col[k], sizeof(t->col[n]));
			t->type[n] = t->type[k];
			t->identity[n] = t->identity[k];
			n++;
		}
		t->ncols = n;
	}
	return bad ? -1 : 0;
}

/* Orders m->t so that every table comes after the tables its foreign keys name. 0, or -1
 * (printed) for a cycle. */
static int
sort_tables(struct migration *m)
{
	struct table *sorted = calloc((size_t)m->nt, sizeof(*sorted));
	int done[MAX_TABLES] = { 0 }, n = 0;

	if (sorted == NULL)
		return -1;
	while (n < m->nt) {
		int progress = 0;
		for (int i = 0; i < m->nt; i++) {
			int ready = !done[i];
			for (int d = 0; ready && d < m->t[i].ndeps; d++)
				ready = done[m->t[i].dep[d]];
			if (!ready)
				continue;
			done[i] = 1;
			sorted[n++] = m->t[i];
			progress = 1;
		}
		if (!progress) {
			fprintf(stderr, "agora migrate-store: the target's foreign keys form a cycle\n");
			free(sorted);
			return -1;
		}
	}
	free(m->t);	/* dep[] now names the old order: not used after */
	m->t = sorted;
	return 0;
}

/* Runs one statement built from catalog names on the target. 0 or -1. */
static int
dst_exec(struct migration *m, struct buf *b)
{
	const char *sql;
	struct db_stmt *st;
	enum db_rc rc;

	if ((sql = keep_sql(m, b)) == NULL || (st = db_prepare(m->dst, sql)) == NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_done(st);
	return rc == DB_DONE ? 0 : -1;
}

/* ALTER TABLE ... DISABLE/ENABLE TRIGGER USER on every table: the rows copied are the triggers'
 * results already (log_pending, search_queue, response_numbers...); inside the transaction,
 * it also locks every table until the commit. */
static int
set_triggers(struct migration *m, int enable)
{
	for (int i = 0; i < m->nt; i++) {
		struct buf b = { NULL, 0, 0, 0 };
		buf_puts(&b, "ALTER TABLE ");
		put_ident(&b, m->t[i].name);
		buf_puts(&b, enable ? " ENABLE TRIGGER USER" : " DISABLE TRIGGER USER");
		if (dst_exec(m, &b) != 0)
			return -1;
	}
	return 0;
}

/* "INSERT INTO t (c1, ...) VALUES ($1, ...), ..." for rows rows: into b. */
static void
insert_sql(struct buf *b, const struct table *t, int rows)
{
	buf_puts(b, "INSERT INTO ");
	put_ident(b, t->name);
	buf_puts(b, " (");
	for (int k = 0; k < t->ncols; k++) {
		if (k > 0)
			buf_puts(b, ", ");
		put_ident(b, t->col[k]);
	}
	buf_puts(b, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		buf_puts(b, r ? ", (" : "(");
		for (int k = 0; k < t->ncols; k++)
			buf_printf(b, "%s$%d", k ? ", " : "", r * t->ncols + k + 1);
		buf_putc(b, ')');
	}
}

/* Binds the source's current row as the row-th row of the INSERT to. */
static void
bind_row(const struct table *t, struct db_stmt *from, struct db_stmt *to, int row)
{
	for (int k = 0; k < t->ncols; k++) {
		int idx = row * t->ncols + k + 1;
		const void *p;
		size_t n;
		if (db_col_is_null(from, k)) {
			db_bind_null(to, idx);
		} else if (t->type[k] == COL_INT) {
			db_bind_int64(to, idx, db_col_int64(from, k));
		} else if (t->type[k] == COL_BYTES) {
			p = db_col_blob(from, k, &n);
			db_bind_blob(to, idx, p != NULL ? p : "", n);	/* empty, not NULL */
		} else {
			db_bind_text(to, idx, db_col_text(from, k));
		}
	}
}

/* Copies every row of t from the source to the target, BATCH_ROWS rows per INSERT (one round
 * trip each) while that many are left, then one by one. 0 or -1 (printed). */
#define BATCH_ROWS 100
static int
copy_table(struct migration *m, struct table *t)
{
	struct buf sel = { NULL, 0, 0, 0 }, one = { NULL, 0, 0, 0 }, many = { NULL, 0, 0, 0 };
	const char *sel_sql, *one_sql, *many_sql;
	struct db_stmt *from, *to = NULL;
	int64_t total, done = 0;
	int has_id = 0, per = BATCH_ROWS, in_batch = 0, batch = 0;
	enum db_rc rc;

	if (per * t->ncols > 65535)	/* PostgreSQL's limit on a statement's parameters */
		per = 65535 / t->ncols;
	total = count_rows(m, m->src, t->name);
	buf_puts(&sel, "SELECT ");
	for (int k = 0; k < t->ncols; k++) {
		buf_puts(&sel, k ? ", " : "");
		put_ident(&sel, t->col[k]);
		has_id |= strcmp(t->col[k], "id") == 0;
	}
	buf_puts(&sel, " FROM ");
	put_ident(&sel, t->name);
	if (has_id)
		buf_puts(&sel, " ORDER BY \"id\"");	/* a row after the rows it may name */
	insert_sql(&one, t, 1);
	insert_sql(&many, t, per);
	if ((sel_sql = keep_sql(m, &sel)) == NULL || (one_sql = keep_sql(m, &one)) == NULL ||
	    (many_sql = keep_sql(m, &many)) == NULL) {
		buf_free(&one);
		buf_free(&many);
		fprintf(stderr, "agora migrate-store: out of memory\n");
		return -1;
	}
	if (total < 0 || (from = db_prepare(m->src, sel_sql)) == NULL) {
		fprintf(stderr, "agora migrate-store: reading %s: %s\n", t->name, db_errmsg(m->src));
		return -1;
	}
	while ((rc = db_step(from)) == DB_ROW) {
		if (to == NULL) {
			batch = total - done >= per ? per : 1;
			if ((to = db_prepare(m->dst, batch == per ? many_sql : one_sql)) == NULL) {
				rc = DB_ERROR;
				break;
			}
			in_batch = 0;
		}
		bind_row(t, from, to, in_batch++);
		if (in_batch < batch)
			continue;
		if (db_run(to) != DB_DONE) {
			rc = DB_ERROR;
			break;
		}
		to = NULL;
		done += batch;
		if (m->tty && done % 10000 < (int64_t)batch)
			fprintf(stderr, "\r  %s: %lld of %lld rows   ", t->name, (long long)done, (long long)total);
	}
	db_done(from);
	if (rc == DB_DONE && to != NULL) {	/* the count said more rows than the snapshot holds */
		db_done(to);
		rc = DB_ERROR;
	}
	if (rc != DB_DONE) {
		fprintf(stderr, "%sagora migrate-store: copying %s, rows %lld to %lld: %s\n", m->tty ? "\n" : "",
			t->name, (long long)done + 1, (long long)done + batch,
			db_errmsg(rc == DB_ERROR ? m->dst : m->src));
		return -1;
	}
	t->rows = done;
	if (m->tty)
		fprintf(stderr, "\r%*s\r", 60, "");
	printf("  %-22s %lld rows\n", t->name, (long long)done);
	fflush(stdout);
	return 0;
}

/* Sets each identity column's sequence past the highest id copied, and past SQLite's
 * AUTOINCREMENT counter where there is one (such ids are never reused, even deleted ones). */
static int
reset_sequences(struct migration *m)
{
	struct db_stmt *st;
	int has_seq = 0;

	if ((st = db_prepare(m->src, SQL_SRC_HAS_SEQUENCE)) != NULL && db_step(st) == DB_ROW)
		has_seq = db_col_int64(st, 0) > 0;
	db_done(st);
	for (int i = 0; i < m->nt; i++) {
		for (int k = 0; k < m->t[i].ncols; k++) {
			struct buf b = { NULL, 0, 0, 0 }, q = { NULL, 0, 0, 0 };
			const char *sql = NULL;
			int64_t floor = 0;
			enum db_rc rc = DB_ERROR;
			if (!m->t[i].identity[k])
				continue;
			if (has_seq && (st = db_prepare(m->src, SQL_SRC_SEQUENCE)) != NULL) {
				db_bind_text(st, 1, m->t[i].name);
				if (db_step(st) == DB_ROW)
					floor = db_col_int64(st, 0);
				db_done(st);
			}
			/* setval(seq, v, true): the next id is v + 1; (1, false): an empty table's is 1 */
			buf_puts(&b, "SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(");
			put_ident(&b, m->t[i].col[k]);
			buf_puts(&b, "), 0), CAST($3 AS BIGINT), 1), GREATEST(COALESCE(MAX(");
			put_ident(&b, m->t[i].col[k]);
			buf_puts(&b, "), 0), CAST($3 AS BIGINT)) > 0) FROM ");
			put_ident(&b, m->t[i].name);
			put_ident(&q, m->t[i].name);	/* pg_get_serial_sequence reads a quoted name */
			if (!q.failed && (sql = keep_sql(m, &b)) != NULL && (st = db_prepare(m->dst, sql)) != NULL) {
				db_bind_text(st, 1, q.data);
				db_bind_text(st, 2, m->t[i].col[k]);
				db_bind_int64(st, 3, floor);
				rc = db_step(st);
				db_done(st);
			}
			buf_free(&q);
			buf_free(&b);
			if (rc != DB_ROW) {
				fprintf(stderr, "agora migrate-store: resetting the ids of %s: %s\n", m->t[i].name,
					db_errmsg(m->dst));
				return -1;
			}
		}
	}
	return 0;
}

/* The embedded PostgreSQL migrations (scripts/embed.sh), as in migrate.c. */
struct embedded {
	const char *path, *data;
	size_t len;
};
extern const struct embedded postgres_migrations[];

/* Does a migration itself fill table name (a statement "INSERT INTO name" at the start of a
 * line: reference rows such as the Member States, not the triggers' indented bodies)? Such
 * rows are in an empty target; the source's own copy of them replaces them. */
static int
seeded_by_schema(const char *name)
{
	size_t n = strlen(name);

	for (const struct embedded *e = postgres_migrations; e->path != NULL; e++) {
		for (const char *p = e->data; p != NULL && p < e->data + e->len;) {
			if ((size_t)(e->data + e->len - p) > 12 + n && strncmp(p, "INSERT INTO ", 12) == 0 &&
			    strncmp(p + 12, name, n) == 0 && (p[12 + n] == ' ' || p[12 + n] == '('))
				return 1;
			p = memchr(p, '\n', (size_t)(e->data + e->len - p));
			if (p != NULL)
				p++;
		}
	}
	return 0;
}

/* Inside the transaction, with every table locked: refuses a target that holds anything but
 * the schema's own reference rows (which it clears). 0 or -1 (printed). */
static int
target_empty(struct migration *m)
{
	int64_t n;

	for (int i = 0; i < m->nt; i++) {
		struct buf b = { NULL, 0, 0, 0 };
		if ((n = count_rows(m, m->dst, m->t[i].name)) == 0)
			continue;
		if (n < 0 || !seeded_by_schema(m->t[i].name)) {
			fprintf(stderr, "agora migrate-store: the target database is not empty: table %s has %lld "
				"rows (migrate-store moves a repository into an empty database only)\n", m->t[i].name,
				(long long)n);
			return -1;
		}
		buf_puts(&b, "DELETE FROM ");
		put_ident(&b, m->t[i].name);
		if (dst_exec(m, &b) != 0) {
			fprintf(stderr, "agora migrate-store: clearing %s: %s\n", m->t[i].name, db_errmsg(m->dst));
			return -1;
		}
	}
	if ((n = count_rows(m, m->dst, "blobs")) != 0) {
		fprintf(stderr, "agora migrate-store: the target database is not empty: it holds %lld blobs "
			"(migrate-store moves a repository into an empty database only)\n", (long long)n);
		return -1;
	}
	return 0;
}

/* After the commit: every table's rows counted on both sides, and the blobs. 0 if they agree. */
static int
compare_counts(struct migration *m)
{
	int bad = 0;
	int64_t blobs;

	printf("Checking: rows per table, source and target\n");
	for (int i = 0; i < m->nt; i++) {
		int64_t s = m->t[i].in_source ? count_rows(m, m->src, m->t[i].name) : 0;
		int64_t d = count_rows(m, m->dst, m->t[i].name);
		if (s != d || s < 0 || d != m->t[i].rows) {
			printf("  %-22s %lld in SQLite, %lld in PostgreSQL: MISMATCH\n", m->t[i].name, (long long)s,
			       (long long)d);
			bad = 1;
		}
	}
	blobs = count_rows(m, m->dst, "blobs");
	if (blobs != m->blobs) {
		printf("  blobs: %lld files, %lld in PostgreSQL: MISMATCH\n", (long long)m->blobs, (long long)blobs);
		bad = 1;
	}
	if (!bad)
		printf("  %d tables and %lld blobs: the same counts on both sides\n", m->nt, (long long)blobs);
	return bad ? -1 : 0;
}

/* The copy itself, in one transaction on the target: everything or nothing. 0 or -1. */
static int
copy_all(struct migration *m)
{
	if (db_begin(m->dst) != 0) {
		fprintf(stderr, "agora migrate-store: %s\n", db_errmsg(m->dst));
		return -1;
	}
	if (set_triggers(m, 0) != 0) {
		fprintf(stderr, "agora migrate-store: locking the target's tables: %s\n", db_errmsg(m->dst));
		goto fail;
	}
	if (target_empty(m) != 0) {
		db_rollback(m->dst);
		return -1;
	}
	printf("Copying the rows (tables in foreign-key order):\n");
	for (int i = 0; i < m->nt; i++) {
		if (!m->t[i].in_source) {
			printf("  %-22s not in the SQLite store: left empty\n", m->t[i].name);
			continue;
		}
		if (copy_table(m, &m->t[i]) != 0)
			goto fail;
	}
	printf("Copying the blobs of %s:\n", m->blobdir);
	if (migrate_store_copy_blobs(m) != 0 || reset_sequences(m) != 0)
		goto fail;
	if (set_triggers(m, 1) != 0) {
		fprintf(stderr, "agora migrate-store: %s\n", db_errmsg(m->dst));
		goto fail;
	}
	if (db_commit(m->dst) != 0) {
		fprintf(stderr, "agora migrate-store: the commit failed: %s\n", db_errmsg(m->dst));
		goto fail;
	}
	return 0;
fail:
	db_rollback(m->dst);
	fprintf(stderr, "agora migrate-store: nothing was copied (the target holds the empty schema only)\n");
	return -1;
}

/* Opens both stores and checks they are what the command moves between. 0, 1 or EXIT_USAGE. */
static int
open_stores(struct migration *m, const char *from, const char *to)
{
	const char *path = from + 7, *slash = strrchr(path, '/');
	struct db_stmt *st;
	struct err e;
	int64_t ntables = 0, agora = 0;
	int sv, dv;

	if (access(path, R_OK) != 0) {
		fprintf(stderr, "agora migrate-store: --from %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (slash == NULL)
		snprintf(m->data, sizeof(m->data), ".");
	else if (slash == path)
		snprintf(m->data, sizeof(m->data), "/");
	else if ((size_t)snprintf(m->data, sizeof(m->data), "%.*s", (int)(slash - path), path) >= sizeof(m->data)) {
		fprintf(stderr, "agora migrate-store: --from: the path is too long\n");
		return EXIT_USAGE;
	}
	snprintf(m->blobdir, sizeof(m->blobdir), "%s/blobs", strcmp(m->data, "/") == 0 ? "" : m->data);
	if (db_open(from, DB_READONLY, &m->src, &e) != 0) {
		fprintf(stderr, "agora migrate-store: --from: %s\n", e.msg);
		return 1;
	}
	if ((sv = migrate_version(m->src)) == 0) {
		fprintf(stderr, "agora migrate-store: --from %s is not an Agora database\n", path);
		return 1;
	}
	if (db_open(to, 0, &m->dst, &e) != 0) {
		fprintf(stderr, "agora migrate-store: --to: %s\n", e.msg);
		return 1;
	}
	/* a database with tables that are not Agora's is not a target; one with Agora's schema is
	 * checked row by row, under lock, in the copy's transaction */
	if ((st = db_prepare(m->dst, SQL_DST_ANY_TABLE)) != NULL &&
	    db_step(st) == DB_ROW) {
		ntables = db_col_int64(st, 0);
		agora = db_col_int64(st, 1);
	}
	db_done(st);
	if (ntables > 0 && agora == 0) {
		fprintf(stderr, "agora migrate-store: the target database is not empty: it has %lld tables and "
			"no Agora schema (migrate-store moves a repository into an empty database only)\n",
			(long long)ntables);
		return 1;
	}
	if (migrate_up(m->dst, &e) < 0) {
		fprintf(stderr, "agora migrate-store: the PostgreSQL schema: %s\n", e.msg);
		return 1;
	}
	if ((dv = migrate_version(m->dst)) != sv) {
		fprintf(stderr, "agora migrate-store: the SQLite store is at schema version %d, this agora's "
			"PostgreSQL schema at %d: %s\n", sv, dv,
			sv < dv ? "run this version of agora on the SQLite store once (agora serve) to upgrade it"
				: "the SQLite store was made by a newer agora");
		return 1;
	}
	printf("Schema: version %d on both sides\n", dv);
	return 0;
}

int
cmd_migrate_store(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--from", "--to", NULL };
	const char *vals[2] = { NULL, NULL };
	struct migration m;
	struct config vc;
	struct err e;
	int rc = cli_parse(argc, argv, c, "migrate-store", NULL, NULL, opts, vals, NULL, 0);
	time_t t0 = time(NULL);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (vals[0] == NULL || vals[1] == NULL) {
		fprintf(stderr, "agora migrate-store: both --from sqlite:PATH and --to postgres://... are needed\n");
		cli_usage(stderr, "migrate-store");
		return EXIT_USAGE;
	}
	if (strncmp(vals[0], "sqlite:", 7) != 0 || vals[0][7] == '\0') {
		fprintf(stderr, "agora migrate-store: --from must be sqlite:PATH (the SQLite store to move)\n");
		return EXIT_USAGE;
	}
	if (strncmp(vals[1], "postgres://", 11) != 0 && strncmp(vals[1], "postgresql://", 13) != 0) {
		fprintf(stderr, "agora migrate-store: --to must be a PostgreSQL URL, postgres://... or "
			"postgresql://...\n");
		return EXIT_USAGE;
	}
	if (strlen(vals[1]) >= sizeof(vc.db)) {
		fprintf(stderr, "agora migrate-store: --to is too long\n");
		return EXIT_USAGE;
	}
	memset(&m, 0, sizeof(m));
	m.tty = isatty(STDERR_FILENO);
	if ((m.t = calloc(MAX_TABLES, sizeof(*m.t))) == NULL)
		return 1;
	rc = open_stores(&m, vals[0], vals[1]);
	if (rc == 0 && (read_target_catalog(&m) != 0 || match_source(&m) != 0 || sort_tables(&m) != 0))
		rc = 1;
	/* one read transaction on the source: the copy and the counts see one snapshot */
	if (rc == 0 && db_exec(m.src, "BEGIN", &e) != 0) {
		fprintf(stderr, "agora migrate-store: reading the source: %s\n", e.msg);
		rc = 1;
	}
	if (rc == 0 && (copy_all(&m) != 0 || compare_counts(&m) != 0))
		rc = 1;
	db_close(m.src);
	db_close(m.dst);
	for (int i = 0; i < m.nsql; i++)
		free(m.sql[i]);
	free(m.sql);
	free(m.t);
	if (rc != 0)
		return rc;
	printf("Checking the public log on PostgreSQL (as agora log verify):\n");
	fflush(stdout);
	vc = *c;
	snprintf(vc.db, sizeof(vc.db), "%s", vals[1]);
	if (log_verify_folder(&vc) != 0) {
		fprintf(stderr, "agora migrate-store: the public log does not verify on the target\n");
		return 1;
	}
	printf("Moved in %lld s. The search index was not copied: the indexer builds it on PostgreSQL.\n"
	       "Next: give every server the keys of the SQLite data folder (%s/keys: the public log's\n"
	       "signing key) and start them with --db and the target URL; keep the SQLite folder as a backup.\n",
	       (long long)(time(NULL) - t0), m.data);
	return 0;
}
