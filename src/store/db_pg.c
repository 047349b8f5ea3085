/* db_pg.c: the PostgreSQL driver of db.h (libpq), mirroring db_sqlite.c's behaviour.
 *
 * Statements are prepared once per connection (PQprepare, names agora_N) and cached by the SQL's
 * pointer, as in SQLite. Parameters go as text (an int64 as its decimal digits) except blobs,
 * which go in binary format (bytea's raw bytes). A statement runs at its first db_step and its
 * whole result is read then (PQexecPrepared): libpq runs one statement at a time per connection,
 * so a statement left half-read must not hold the connection; later steps walk the PGresult.
 *
 * What the driver changes in the SQL it is given, all of it (docs/POSTGRES.md keeps the list):
 *   1. An INSERT into a table that has a column named id, and that has no RETURNING of its own,
 *      gets " RETURNING id" appended, and the driver keeps the last row's id for
 *      db_last_insert_id (SQLite's rowid has no PostgreSQL equivalent; the domain calls
 *      db_last_insert_id after 16 INSERTs, and the driver doing it keeps their SQL as it is).
 *      Whether the table has an id is asked of the catalog once, when the statement is prepared.
 *      The rows this RETURNING makes are the driver's: db_step reports DB_DONE, as for any INSERT.
 * Nothing else is rewritten: $N is PostgreSQL's own syntax. What is adapted on the way out:
 * a boolean reads as 1/0 through db_col_int64, and a bytea column reads as its bytes (unescaped
 * from the text format) through db_col_blob and db_col_text. db_begin is a plain BEGIN. */
#include "db_driver.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE 128
#define BOOLOID 16	/* pg_type.oid values (server/catalog/pg_type_d.h is not in libpq-dev) */
#define BYTEAOID 17

struct pg_stmt {
	struct db_stmt base;	/* first: a struct db_stmt * is a struct pg_stmt * */
	const char *key;	/* the SQL's pointer; NULL: a free slot */
	char name[24];
	int is_insert;
	int hidden;		/* " RETURNING id" is the driver's: its rows are not shown */
	int nparams;
	char *text;		/* the SQL as prepared, to prepare it again on a new connection */
	unsigned epoch;		/* the connection it was prepared on (pg_db.epoch) */
	char **vals;
	int *lens, *fmts;
	int ran;		/* executed since the last db_done */
	enum db_rc failed;	/* what the execution said, when it failed */
	PGresult *res;		/* the rows, or NULL when the statement returned none */
	int row;
	unsigned char **bytes;	/* per column: bytea unescaped for this row, or NULL */
	size_t *nbytes;
};

struct pg_db {
	struct db base;		/* first: a struct db * is a struct pg_db * */
	PGconn *c;
	int flags;		/* db_open's: what to set up again after a reconnect */
	int in_tx;		/* between BEGIN and COMMIT/ROLLBACK: never reconnect there */
	unsigned epoch;		/* counts connections: a statement prepared on an older one is again */
	unsigned names;
	int64_t last_id;
	int changes;
	char *msg;
	struct pg_stmt cache[STMT_CACHE];
};

#define PG(db) ((struct pg_db *)(db))
#define PS(st) ((struct pg_stmt *)(st))

static const struct db_driver pg_driver;

/* SQLSTATE classes: 23 integrity constraint; serialization failure, deadlock and a lock not
 * available are "try again" like SQLite's BUSY; 53100 is disk full, 58030 an I/O error. */
static enum db_rc
map_state(const char *s)
{
	if (s == NULL)
		return DB_ERROR;	/* no SQLSTATE: the connection itself failed */
	if (strncmp(s, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strcmp(s, "55P03") == 0)
		return DB_BUSY;
	if (strcmp(s, "53100") == 0)
		return DB_FULL;
	if (strcmp(s, "58030") == 0)
		return DB_IOERR;
	return DB_ERROR;
}

/* Keeps res's error (or the connection's) for db_errmsg and returns its db_rc. */
static enum db_rc
set_error(struct pg_db *db, const PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : "";
	size_t n;

	if (*m == '\0')
		m = PQerrorMessage(db->c);
	free(db->msg);
	if ((db->msg = strdup(m)) != NULL)
		for (n = strlen(db->msg); n > 0 && (db->msg[n - 1] == '\n' || db->msg[n - 1] == ' '); n--)
			db->msg[n - 1] = '\0';	/* libpq's messages end in a newline */
	/* a lost connection is "try later" (503): the next statement outside a transaction
	 * connects again (alive) */
	if (PQstatus(db->c) == CONNECTION_BAD)
		return db->base.last = DB_BUSY;
	return db->base.last = map_state(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

/* Runs one command without parameters; 0 when it succeeded. */
static int
command(struct pg_db *db, const char *sql)
{
	PGresult *res = PQexec(db->c, sql);
	ExecStatusType s = PQresultStatus(res);
	int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;

	if (ok)
		db->base.last = DB_OK;
	else
		set_error(db, res);
	PQclear(res);
	return ok ? 0 : -1;
}

/* The value of a server setting ("" when it cannot be read), copied into buf. */
static const char *
setting(struct pg_db *db, const char *show, char *buf, size_t size)
{
	PGresult *res = PQexec(db->c, show);

	buf[0] = '\0';
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return buf;
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;	/* NOTICEs (CREATE ... IF NOT EXISTS) are not the log's business */
}

/* Opens a libpq connection URI. Agora acknowledges only what is durable, so a server whose
 * commits may be lost (synchronous_commit off or local-only, fsync off) is refused here rather
 * than trusted. DB_CREATE is not needed: the database must exist (CREATE DATABASE is the DBA's). */
/* What every connection needs, the first and each one after a reconnect. */
static int
session_setup(struct pg_db *db)
{
	if (PQsetClientEncoding(db->c, "UTF8") != 0)
		return -1;
	if ((db->flags & DB_READONLY) && command(db, "SET default_transaction_read_only = on") != 0)
		return -1;
	return 0;
}

/* A connection the server dropped (a restart, a failover, an idle timeout) is made again when it
 * is safe: outside a transaction, before a statement. Statements prepared on the old one are
 * prepared again at their next run (execute). 0 when the connection is usable. */
static int
alive(struct pg_db *db)
{
	if (PQstatus(db->c) == CONNECTION_OK)
		return 0;
	if (db->in_tx)
		return -1;	/* the transaction is lost: its ROLLBACK clears in_tx */
	PQreset(db->c);
	if (PQstatus(db->c) != CONNECTION_OK || session_setup(db) != 0) {
		set_error(db, NULL);
		return -1;
	}
	db->epoch++;
	return 0;
}

int
db_pg_open(const char *url, int flags, struct db **out, struct err *e)
{
	struct pg_db *db;
	char sync[32], fsync[32];

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	db->base.drv = &pg_driver;
	db->c = PQconnectdb(url);
	if (db->c == NULL || PQstatus(db->c) != CONNECTION_OK) {
		/* never the URL itself: it may hold a password */
		err_set(e, ERR_INTERNAL, "cannot connect to PostgreSQL: %s",
			db->c ? PQerrorMessage(db->c) : "out of memory");
		goto fail;
	}
	db->flags = flags;
	PQsetNoticeProcessor(db->c, quiet, NULL);
	if (session_setup(db) != 0) {
		err_set(e, ERR_INTERNAL, "cannot set up PostgreSQL: %s", db->msg ? db->msg : PQerrorMessage(db->c));
		goto fail;
	}
	setting(db, "SHOW synchronous_commit", sync, sizeof(sync));
	if (strcmp(sync, "on") != 0 && strcmp(sync, "remote_apply") != 0) {
		err_set(e, ERR_INVALID,
			"PostgreSQL's synchronous_commit is '%s': Agora acknowledges only what is durable; "
			"set synchronous_commit = on (or remote_apply) for this database or role", sync);
		goto fail;
	}
	setting(db, "SHOW fsync", fsync, sizeof(fsync));
	if (strcmp(fsync, "on") != 0) {
		err_set(e, ERR_INVALID,
			"PostgreSQL's fsync is '%s': a commit could be lost; set fsync = on", fsync);
		goto fail;
	}
	*out = &db->base;
	return 0;
fail:
	PQfinish(db->c);
	free(db->msg);
	free(db);
	return -1;
}

static void
clear_bytes(struct pg_stmt *ps)
{
	if (ps->bytes == NULL)
		return;
	for (int i = 0; ps->res && i < PQnfields(ps->res); i++) {
		free(ps->bytes[i]);
		ps->bytes[i] = NULL;
	}
}

static void
clear_params(struct pg_stmt *ps)
{
	for (int i = 0; i < ps->nparams; i++) {
		free(ps->vals[i]);
		ps->vals[i] = NULL;
	}
}

static void
pg_done(struct db_stmt *st)
{
	struct pg_stmt *ps = PS(st);

	clear_bytes(ps);
	free(ps->bytes);
	free(ps->nbytes);
	ps->bytes = NULL;
	ps->nbytes = NULL;
	PQclear(ps->res);
	ps->res = NULL;
	ps->ran = 0;
	ps->row = -1;
	clear_params(ps);
}

/* Frees a cache slot and, when the connection still has it, its prepared statement. */
static void
evict(struct pg_db *db, struct pg_stmt *ps)
{
	char sql[48];

	pg_done(&ps->base);
	if (ps->key != NULL && ps->epoch == db->epoch && PQstatus(db->c) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", ps->name);
		PQclear(PQexec(db->c, sql));
	}
	free(ps->text);
	free(ps->vals);
	free(ps->lens);
	free(ps->fmts);
	memset(ps, 0, sizeof(*ps));
}

static void
pg_close(struct db *base)
{
	struct pg_db *db = PG(base);

	for (int i = 0; i < STMT_CACHE; i++) {
		db->cache[i].key = NULL;	/* PQfinish drops them all: no DEALLOCATE each */
		evict(db, &db->cache[i]);
	}
	PQfinish(db->c);
	free(db->msg);
	free(db);
}

static int
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       (unsigned char)c >= 0x80;
}

/* Where keyword word first stands in sql as a whole word outside quotes, or NULL. */
static const char *
find_word(const char *sql, const char *word)
{
	size_t n = strlen(word);
	char quote = 0;

	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if ((p == sql || !ident_char(p[-1])) && strncasecmp(p, word, n) == 0 &&
			   !ident_char(p[n])) {
			return p;
		}
	}
	return NULL;
}

static int
starts_with_word(const char *sql, const char *word)
{
	size_t n = strlen(word);

	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
		sql++;
	return strncasecmp(sql, word, n) == 0 && !ident_char(sql[n]);
}

/* Whether the INSERT's target table has a column named id (asked of the catalog; to_regclass
 * reads the name as written, schema and quotes included, and is NULL for no such table). */
static int
table_has_id(struct pg_db *db, const char *sql)
{
	const char *into = find_word(sql, "INTO"), *end;
	char table[160];
	const char *param[1] = {table};
	PGresult *res;
	int yes;

	if (into == NULL)
		return 0;
	for (into += 4; *into == ' ' || *into == '\t' || *into == '\n'; into++)
		;
	for (end = into; *end && *end != ' ' && *end != '\t' && *end != '\n' && *end != '('; end++)
		;
	if (end == into || (size_t)(end - into) >= sizeof(table))
		return 0;
	memcpy(table, into, (size_t)(end - into));
	table[end - into] = '\0';
	res = PQexecParams(db->c,
			   "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'id' "
			   "AND attnum > 0 AND NOT attisdropped",
			   1, NULL, param, NULL, NULL, 0);
	yes = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	PQclear(res);
	return yes;
}

/* sql with " RETURNING id" appended (rewrite 1 above), trailing blanks and ';' dropped. */
static char *
with_returning(const char *sql)
{
	size_t n = strlen(sql);
	char *out;

	while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n' ||
			 sql[n - 1] == '\t' || sql[n - 1] == '\r'))
		n--;
	if ((out = malloc(n + sizeof(" RETURNING id"))) == NULL)
		return NULL;
	memcpy(out, sql, n);
	memcpy(out + n, " RETURNING id", sizeof(" RETURNING id"));
	return out;
}

/* Prepares sql into the free slot ps; 0 when done. */
static int
prepare_slot(struct pg_db *db, struct pg_stmt *ps, const char *sql)
{
	char *text = NULL;
	PGresult *res;
	int n;

	ps->is_insert = starts_with_word(sql, "INSERT");
	if (ps->is_insert && find_word(sql, "RETURNING") == NULL && table_has_id(db, sql)) {
		if ((text = with_returning(sql)) == NULL)
			return -1;
		ps->hidden = 1;
	}
	if (text == NULL && (text = strdup(sql)) == NULL)
		return -1;
	ps->text = text;	/* freed by evict */
	ps->epoch = db->epoch;
	snprintf(ps->name, sizeof(ps->name), "agora_%u", ++db->names);
	res = PQprepare(db->c, ps->name, text, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_error(db, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	/* how many $N the server found: PQexecPrepared must send exactly that many */
	res = PQdescribePrepared(db->c, ps->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_error(db, res);
		PQclear(res);
		return -1;
	}
	n = PQnparams(res);
	PQclear(res);
	ps->nparams = n;
	ps->vals = calloc((size_t)n + 1, sizeof(*ps->vals));
	ps->lens = calloc((size_t)n + 1, sizeof(*ps->lens));
	ps->fmts = calloc((size_t)n + 1, sizeof(*ps->fmts));
	if (ps->vals == NULL || ps->lens == NULL || ps->fmts == NULL)
		return -1;
	ps->row = -1;
	return 0;
}

static struct db_stmt *
pg_prepare(struct db *base, const char *sql)
{
	struct pg_db *db = PG(base);
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	struct pg_stmt *slot = NULL;

	if (alive(db) != 0)
		return NULL;
	for (size_t i = 0; i < STMT_CACHE; i++) {
		struct pg_stmt *c = &db->cache[(h + i) % STMT_CACHE];
		if (c->key == sql)
			return &c->base;
		if (c->key == NULL) {
			slot = c;
			break;
		}
	}
	if (slot == NULL) {	/* full: evict the home slot */
		slot = &db->cache[h];
		evict(db, slot);
	}
	if (prepare_slot(db, slot, sql) != 0) {
		/* key stays NULL, so no DEALLOCATE: in a transaction a failing one would abort it */
		evict(db, slot);	/* frees what prepare_slot allocated */
		return NULL;
	}
	slot->base.db = base;
	slot->key = sql;
	return &slot->base;
}

/* Stores a copy of n bytes as parameter idx (1-based; out of range is ignored, as SQLite does). */
static void
bind(struct pg_stmt *ps, int idx, const void *p, size_t n, int binary)
{
	char *copy;

	if (idx < 1 || idx > ps->nparams)
		return;
	free(ps->vals[idx - 1]);
	ps->vals[idx - 1] = NULL;
	if (p == NULL || n > INT32_MAX || (copy = malloc(n + 1)) == NULL)
		return;	/* NULL; a value libpq cannot send fails as NULL, never as garbage */
	memcpy(copy, p, n);
	copy[n] = '\0';	/* text format is read up to the NUL */
	ps->vals[idx - 1] = copy;
	ps->lens[idx - 1] = (int)n;
	ps->fmts[idx - 1] = binary;
}

static void
pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	char s[24];
	int n = snprintf(s, sizeof(s), "%" PRId64, v);

	bind(PS(st), idx, s, (size_t)n, 0);
}

/* A NULL pointer binds NULL, as sqlite3_bind_text64 and sqlite3_bind_blob64 do. */
static void
pg_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n)
{
	bind(PS(st), idx, s, n, 0);
}

static void
pg_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	bind(PS(st), idx, p, n, 1);
}

static void
pg_bind_null(struct db_stmt *st, int idx)
{
	bind(PS(st), idx, NULL, 0, 0);
}

/* SQLite's changes() counts only INSERT, UPDATE and DELETE (and MERGE here): a SELECT leaves it. */
static void
count_changes(struct pg_db *db, PGresult *res)
{
	const char *tag = PQcmdStatus(res);

	if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
	    strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0)
		db->changes = atoi(PQcmdTuples(res));
}

/* Runs the statement with its parameters and keeps its rows. */
static enum db_rc
execute(struct pg_db *db, struct pg_stmt *ps)
{
	PGresult *res;
	ExecStatusType s;
	int id;

	if (ps->epoch != db->epoch) {	/* prepared on a connection since lost (alive) */
		res = PQprepare(db->c, ps->name, ps->text, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			ps->ran = 1;
			ps->failed = set_error(db, res);
			PQclear(res);
			return ps->failed;
		}
		PQclear(res);
		ps->epoch = db->epoch;
	}
	res = PQexecPrepared(db->c, ps->name, ps->nparams, (const char *const *)ps->vals, ps->lens,
			     ps->fmts, 0);
	s = PQresultStatus(res);

	ps->ran = 1;
	ps->row = -1;
	if (s == PGRES_COMMAND_OK || s == PGRES_EMPTY_QUERY) {
		count_changes(db, res);
		PQclear(res);
		return ps->failed = DB_OK;
	}
	if (s != PGRES_TUPLES_OK) {
		ps->failed = set_error(db, res);
		PQclear(res);
		return ps->failed;
	}
	count_changes(db, res);
	/* the last row's id, as SQLite's rowid is the last row inserted; none (ON CONFLICT DO
	 * NOTHING) leaves the previous value, as SQLite does for an ignored row */
	if (ps->is_insert && PQntuples(res) > 0 && (id = PQfnumber(res, "id")) >= 0)
		db->last_id = strtoll(PQgetvalue(res, PQntuples(res) - 1, id), NULL, 10);
	if (ps->hidden) {
		PQclear(res);
		return ps->failed = DB_OK;
	}
	ps->res = res;
	if ((ps->bytes = calloc((size_t)PQnfields(res) + 1, sizeof(*ps->bytes))) == NULL ||
	    (ps->nbytes = calloc((size_t)PQnfields(res) + 1, sizeof(*ps->nbytes))) == NULL)
		return ps->failed = DB_ERROR;
	return ps->failed = DB_OK;
}

static enum db_rc
pg_step(struct db_stmt *st)
{
	struct pg_stmt *ps = PS(st);

	if (!ps->ran && execute(PG(st->db), ps) != DB_OK)
		return ps->failed;
	if (ps->failed != DB_OK)
		return ps->failed;
	if (ps->res == NULL)
		return DB_DONE;
	clear_bytes(ps);
	if (ps->row < PQntuples(ps->res))
		ps->row++;
	return ps->row < PQntuples(ps->res) ? DB_ROW : DB_DONE;
}

/* Whether col of the current row can be read. */
static int
readable(struct pg_stmt *ps, int col)
{
	return ps->res != NULL && ps->row >= 0 && ps->row < PQntuples(ps->res) && col >= 0 &&
	       col < PQnfields(ps->res);
}

static int
pg_col_is_null(struct db_stmt *st, int col)
{
	struct pg_stmt *ps = PS(st);

	return !readable(ps, col) || PQgetisnull(ps->res, ps->row, col);
}

/* A bytea value's bytes (NUL-terminated), unescaped once per row and column; freed at the next
 * step, as SQLite's column pointers are valid until then. */
static const unsigned char *
bytea(struct pg_stmt *ps, int col, size_t *len)
{
	if (ps->bytes[col] == NULL) {
		size_t n = 0;
		unsigned char *raw = PQunescapeBytea(
		    (const unsigned char *)PQgetvalue(ps->res, ps->row, col), &n);

		/* PQunescapeBytea promises no room for a NUL: copy into a buffer that has it */
		if (raw == NULL || (ps->bytes[col] = malloc(n + 1)) == NULL) {
			PQfreemem(raw);
			return NULL;
		}
		memcpy(ps->bytes[col], raw, n);
		ps->bytes[col][n] = '\0';
		ps->nbytes[col] = n;
		PQfreemem(raw);
	}
	*len = ps->nbytes[col];
	return ps->bytes[col];
}

static int64_t
pg_col_int64(struct db_stmt *st, int col)
{
	struct pg_stmt *ps = PS(st);
	const char *v;

	if (pg_col_is_null(st, col))
		return 0;
	v = PQgetvalue(ps->res, ps->row, col);
	if (PQftype(ps->res, col) == BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const char *
pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *ps = PS(st);
	size_t n;
	const unsigned char *b;

	if (pg_col_is_null(st, col))
		return "";
	if (PQftype(ps->res, col) == BYTEAOID)
		return (b = bytea(ps, col, &n)) ? (const char *)b : "";
	return PQgetvalue(ps->res, ps->row, col);
}

static const void *
pg_col_blob(struct db_stmt *st, int col, size_t *len)
{
	struct pg_stmt *ps = PS(st);

	*len = 0;
	if (pg_col_is_null(st, col))
		return NULL;
	if (PQftype(ps->res, col) == BYTEAOID)
		return bytea(ps, col, len);
	*len = (size_t)PQgetlength(ps->res, ps->row, col);
	return PQgetvalue(ps->res, ps->row, col);
}

/* Several ;-separated statements (migrations): PQexec runs them as one implicit transaction
 * unless a transaction is already open. */
static int
pg_exec(struct db *base, const char *sql, struct err *e)
{
	struct pg_db *db = PG(base);

	if (alive(db) != 0 || command(db, sql) != 0)
		return err_set(e, base->last == DB_FULL ? ERR_FULL : ERR_INTERNAL, "%s",
			       db->msg ? db->msg : "error");
	return 0;
}

static int
pg_tx(struct db *db, int op)
{
	/* BEGIN, not SQLite's BEGIN IMMEDIATE: PostgreSQL locks rows, not the database, so there
	 * is no write lock to take up front; what must be serialized (the ledger) takes its own
	 * lock (docs/POSTGRES.md, what is left). */
	static const char *const sql[] = {
		[TX_BEGIN] = "BEGIN",
		[TX_COMMIT] = "COMMIT",
		[TX_ROLLBACK] = "ROLLBACK",
		[TX_SAVEPOINT] = "SAVEPOINT item",
		[TX_RELEASE] = "RELEASE SAVEPOINT item",
		[TX_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT item",
	};

	struct pg_db *pg = PG(db);
	int rc;

	if (op == TX_BEGIN && alive(pg) != 0)
		return -1;
	rc = command(pg, sql[op]);
	if (op == TX_BEGIN)
		pg->in_tx = rc == 0;
	else if (op == TX_COMMIT || op == TX_ROLLBACK)
		pg->in_tx = 0;	/* a failed COMMIT ends the transaction too */
	return rc;
}

static int64_t
pg_last_insert_id(struct db *db)
{
	return PG(db)->last_id;
}

static int
pg_changes(struct db *db)
{
	return PG(db)->changes;
}

static int
pg_in_tx(struct db *db)
{
	struct pg_db *pg = PG(db);
	PGTransactionStatusType ts = PQtransactionStatus(pg->c);

	return pg->in_tx && ts != PQTRANS_IDLE && ts != PQTRANS_UNKNOWN;
}

static const char *
pg_errmsg(struct db *db)
{
	return PG(db)->msg ? PG(db)->msg : PQerrorMessage(PG(db)->c);
}

static const struct db_driver pg_driver = {
	.close = pg_close,
	.prepare = pg_prepare,
	.done = pg_done,
	.bind_int64 = pg_bind_int64,
	.bind_textn = pg_bind_textn,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int64 = pg_col_int64,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_is_null = pg_col_is_null,
	.exec = pg_exec,
	.tx = pg_tx,
	.in_tx = pg_in_tx,
	.last_insert_id = pg_last_insert_id,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.postgres = 1,
};
