/* test_db.c: unit tests for the SQLite driver of db.h and for migrate_up. */
#include "unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"

struct fixture {
	char dir[32];
	char url[64];
	struct db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-db-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &f->db, &e) != 0) {
		print_error("db_open: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	db_close(f->db);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static const char SQL_COUNT_TABLES[] =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('jobs', 'events', "
    "'blob_refs', 'consultations')";

static void
test_migrate(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st;
	struct err e;
	int applied;

	assert_int_equal(migrate_version(f->db), 0);
	applied = migrate_up(f->db, &e);
	assert_true(applied >= 1);
	assert_true(migrate_version(f->db) >= 1);
	st = db_prepare(f->db, SQL_COUNT_TABLES);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 4);
	db_done(st);
	/* idempotent: nothing left to apply, the version stays */
	applied = migrate_version(f->db);
	assert_int_equal(migrate_up(f->db, &e), 0);
	assert_int_equal(migrate_version(f->db), applied);

	/* a second connection to the same file sees the schema and applies nothing */
	{
		struct db *db2;
		assert_int_equal(db_open(f->url, 0, &db2, &e), 0);
		assert_int_equal(migrate_up(db2, &e), 0);
		db_close(db2);
	}
}

/* A migration that fails says why (SQLite's reason), applies nothing and records nothing. */
static void
test_migrate_failure(void **state)
{
	struct fixture *f = *state;
	struct err e;

	assert_int_equal(db_exec(f->db, "CREATE TABLE accounts (x INTEGER)", &e), 0);
	err_clear(&e);
	assert_int_equal(migrate_up(f->db, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
	assert_non_null(strstr(e.msg, "migration 0001_foundation.sql failed: "));
	assert_non_null(strstr(e.msg, "already exists"));
	assert_int_equal(migrate_version(f->db), 0);
	assert_int_equal(db_exec(f->db, "SELECT 1 FROM consultations", &e), -1);	/* rolled back */
}

static const char SQL_PARAMS[] = "SELECT $2, $1, $2 + 1";
static const char SQL_QUOTED[] = "SELECT '$1', $1, \"$1\" FROM (SELECT 7 AS \"$1\")";

static void
test_params_out_of_order(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = db_prepare(f->db, SQL_PARAMS);

	assert_non_null(st);
	assert_ptr_equal(db_prepare(f->db, SQL_PARAMS), st);	/* cached by pointer */
	db_bind_text(st, 1, "first");
	db_bind_int64(st, 2, 42);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 42);
	assert_string_equal(db_col_text(st, 1), "first");
	assert_int_equal(db_col_int64(st, 2), 43);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	/* bindings are cleared by db_done: NULL comes back as "" */
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_is_null(st, 0));
	assert_string_equal(db_col_text(st, 1), "");
	db_done(st);

	/* $1 inside quotes is text or a name, not a parameter */
	st = db_prepare(f->db, SQL_QUOTED);
	assert_non_null(st);
	db_bind_int64(st, 1, 5);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "$1");
	assert_int_equal(db_col_int64(st, 1), 5);
	assert_int_equal(db_col_int64(st, 2), 7);
	db_done(st);
}

static const char SQL_ACCOUNT[] =
    "INSERT INTO accounts (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, '', 0)";
static const char SQL_ACCOUNTS[] = "SELECT COUNT(*) FROM accounts";

static int64_t
count_accounts(struct db *db)
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNTS);
	int64_t n = -1;

	if (db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	db_done(st);
	return n;
}

static enum db_rc
add_account(struct db *db, const char *email, const char *role)
{
	struct db_stmt *st = db_prepare(db, SQL_ACCOUNT);

	assert_non_null(st);
	db_bind_text(st, 1, email);
	db_bind_text(st, 2, "A Person");
	db_bind_text(st, 3, role);
	return db_run(st);
}

static void
test_constraint(void **state)
{
	struct fixture *f = *state;
	struct err e;

	assert_true(migrate_up(f->db, &e) >= 1);
	assert_int_equal(add_account(f->db, "a@example.org", "chair"), DB_DONE);
	assert_int_equal(db_changes(f->db), 1);
	assert_true(db_last_insert_id(f->db) > 0);
	/* UNIQUE email */
	assert_int_equal(add_account(f->db, "a@example.org", "chair"), DB_CONSTRAINT);
	assert_int_equal(db_last_rc(f->db), DB_CONSTRAINT);
	err_clear(&e);
	assert_int_equal(db_err(f->db, &e, "add account"), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "add account"));
	/* CHECK on role */
	assert_int_equal(add_account(f->db, "b@example.org", "emperor"), DB_CONSTRAINT);
	assert_int_equal(count_accounts(f->db), 1);
}

static void
test_savepoint_rollback(void **state)
{
	struct fixture *f = *state;
	struct err e;

	assert_true(migrate_up(f->db, &e) >= 1);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(add_account(f->db, "kept@example.org", "chair"), DB_DONE);
	assert_int_equal(db_savepoint(f->db), 0);
	assert_int_equal(add_account(f->db, "undone@example.org", "chair"), DB_DONE);
	assert_int_equal(count_accounts(f->db), 2);
	assert_int_equal(db_savepoint_rollback(f->db), 0);
	assert_int_equal(count_accounts(f->db), 1);
	assert_int_equal(db_savepoint(f->db), 0);
	assert_int_equal(add_account(f->db, "released@example.org", "chair"), DB_DONE);
	assert_int_equal(db_savepoint_release(f->db), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(count_accounts(f->db), 2);

	/* a rolled-back transaction leaves nothing */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(add_account(f->db, "gone@example.org", "chair"), DB_DONE);
	assert_int_equal(db_rollback(f->db), 0);
	assert_int_equal(count_accounts(f->db), 2);
}

static void
test_open_errors(void **state)
{
	struct db *db = (struct db *)1;
	struct err e;

	err_clear(&e);
	assert_int_equal(db_open("mysql://nowhere", 0, &db, &e), -1);
	assert_null(db);
	assert_int_equal(e.kind, ERR_INVALID);
	/* without DB_CREATE a missing file is an error */
	assert_int_equal(db_open("sqlite:/tmp/agora-no-such-dir/x.db", 0, &db, &e), -1);
	assert_null(db);
}

/* How many threads of this process bear the name (/proc/self/task/N/comm). */
static int
threads_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[300], comm[32] = "";
		FILE *fp;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		if (fgets(comm, sizeof(comm), fp) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
		n += strcmp(comm, name) == 0;
	}
	closedir(d);
	return n;
}

/* The nice value of the first thread of this process that bears the name, or -100 if none. */
static int
thread_nice(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int nice = -100;

	assert_non_null(d);
	while (nice == -100 && (de = readdir(d)) != NULL) {
		char path[300], line[1024] = "", *p;
		FILE *fp;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		if (fgets(line, sizeof(line), fp) != NULL && (p = strrchr(line, ')')) != NULL &&
		    strncmp(strchr(line, '(') + 1, name, strlen(name)) == 0 && strchr(line, '(') + 1 + strlen(name) == p) {
			/* after "(comm)": state is field 3, nice field 19 */
			for (int f = 3; f <= 19 && p != NULL; f++)
				p = strchr(p + 1, ' ');
			if (p != NULL)
				nice = atoi(p + 1);
		}
		fclose(fp);
	}
	closedir(d);
	return nice;
}

static long long
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* DB_WRITER (db.h): the WAL goes back into the database file on a thread of its own while the
 * connection keeps writing, and nothing written is lost when it closes. */
/* 40 commits of 100 rows of a page each into t: about 4,000 pages through the WAL */
static void
add_pages(struct db *w)
{
	static const char SQL_ADD[] = "INSERT INTO t (b) VALUES (zeroblob(4000))";
	struct db_stmt *st;

	for (int c = 0; c < 40; c++) {
		assert_int_equal(db_begin(w), 0);
		for (int i = 0; i < 100; i++) {
			assert_non_null(st = db_prepare(w, SQL_ADD));
			assert_int_equal(db_run(st), DB_DONE);
		}
		assert_int_equal(db_commit(w), 0);
	}
}

static void
test_writer_checkpoints(void **state)
{
	struct fixture *f = *state;
	char path[64];
	struct db *w, *r;
	struct db_stmt *st;
	struct err e;
	long long main_size = 0;

	snprintf(path, sizeof(path), "%s/agora.db", f->dir);
	assert_int_equal(threads_named("agora-checkpt"), 0);	/* the fixture's plain connection */
	assert_int_equal(db_open(f->url, DB_WRITER, &w, &e), 0);
	assert_int_equal(threads_named("agora-checkpt"), 1);
	/* it yields the CPU to the writer (nice 19), set as it starts */
	for (int i = 0; i < 100 && thread_nice("agora-checkpt") != 19; i++)
		usleep(10000);
	assert_int_equal(thread_nice("agora-checkpt"), 19);
	assert_int_equal(db_exec(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)", &e), 0);
	add_pages(w);
	/* the rows reach the database file itself while the writer is still open */
	for (int i = 0; i < 100 && main_size < 8000000; i++) {
		main_size = file_size(path);
		if (main_size < 8000000)
			usleep(50000);
	}
	assert_true(main_size >= 8000000);
	db_close(w);
	assert_int_equal(threads_named("agora-checkpt"), 0);
	assert_int_equal(db_open(f->url, DB_READONLY, &r, &e), 0);
	assert_non_null(st = db_prepare(r, "SELECT COUNT(*), SUM(length(b)) FROM t"));
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 4000);
	assert_int_equal(db_col_int64(st, 1), 4000 * 4000);
	db_done(st);
	db_close(r);
}

/* A WAL that cannot start again (a reader holds an old snapshot, as readers do all along under
 * a surge) asks for a checkpoint once per 1,000 pages it grows by, not at every commit past
 * 1,000 pages: that copied the same pages into the database file and synced it at each commit. */
static void
test_checkpoint_wakes(void **state)
{
	struct fixture *f = *state;
	struct db *w, *r;
	struct db_stmt *st;
	struct err e;

	assert_int_equal(db_open(f->url, DB_WRITER, &w, &e), 0);
	assert_int_equal(db_exec(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)", &e), 0);
	assert_int_equal(db_open(f->url, DB_READONLY, &r, &e), 0);
	assert_int_equal(db_exec(r, "BEGIN", &e), 0);
	assert_non_null(st = db_prepare(r, "SELECT COUNT(*) FROM t"));
	assert_int_equal(db_step(st), DB_ROW);
	db_done(st);
	/* the WAL grows past 4,000 pages */
	add_pages(w);
	/* at 1,000, 2,000, 3,000 and 4,000 pages; a wake at each commit past 1,000 made 31 */
	assert_in_range(db_checkpoint_wakes(w), 3, 5);
	assert_int_equal(db_checkpoint_wakes(r), 0);	/* not a writer's connection */
	assert_int_equal(db_exec(r, "COMMIT", &e), 0);
	db_close(r);
	db_close(w);
}

/* Migration 0027: no CHECK constraint nor trigger condition tests a column against a literal IN
 * list (SQLite builds a temporary b-tree for one each time a statement runs it); the checks
 * still refuse what they refused, and a submission's inserts open no temporary b-tree. */
static int
opens_temp_btree(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	int n = 0;

	assert_non_null(st);
	while (db_step(st) == DB_ROW)
		n += strcmp(db_col_text(st, 1), "OpenEphemeral") == 0;
	db_done(st);
	return n;
}

static void
test_check_lists(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st;
	struct err e;

	assert_true(migrate_up(f->db, &e) >= 1);
	st = db_prepare(f->db, "SELECT type || ' ' || name FROM sqlite_master WHERE sql LIKE '% IN (''%' "
			       "OR sql GLOB '* IN ([0-9]*' OR sql GLOB '* IN ([\n\t ]*' LIMIT 1");
	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		fail_msg("an IN list is left in %s", db_col_text(st, 0));
	db_done(st);
	/* the same tests: a value of the list passes, another does not */
	assert_int_equal(db_exec(f->db, "INSERT INTO search_queue (thing, thing_id) VALUES ('outcome', 1)", &e), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO search_queue (thing, thing_id) VALUES ('outcomes', 1)", &e), -1);
	assert_non_null(strstr(e.msg, "CHECK"));
	assert_int_equal(db_exec(f->db, "INSERT INTO outbox (created_at, to_addr, lang, kind, subject, body_text, "
					"message_id) VALUES (0, 'a@example.org', 'de', 'receipt', 's', 't', '<m@x>')",
				 &e),
			 -1);
	assert_non_null(strstr(e.msg, "CHECK"));
	/* and no temporary b-tree: the version of a response, the log's queue */
	assert_int_equal(opens_temp_btree(f->db, "EXPLAIN INSERT INTO response_versions (response_id, version, "
						 "name, organization, job_title, country, stakeholder_type, email, "
						 "publish_as, language, summary, content_sha256, created_at) VALUES "
						 "(1, 1, 'n', 'o', 'j', 'FR', 'academia', '', 'name', 'en', 's', "
						 "'h', 0)"),
			 0);
	assert_int_equal(opens_temp_btree(f->db, "EXPLAIN INSERT INTO log_pending (kind, ref) VALUES "
						 "('moderation', 1)"),
			 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_savepoint_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_lists, setup, teardown),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test_setup_teardown(test_writer_checkpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_wakes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
