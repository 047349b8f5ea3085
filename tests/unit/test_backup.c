/* test_backup.c: unit tests for the store side of agora backup: a snapshot taken one page at a
 * time while another connection keeps writing is the database as of its start, finishes, and is
 * whole; what a copy says about itself; the blobs it names; a damaged copy is caught. */
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>

#include "store/backup.h"
#include "store/db.h"
#include "store/migrate.h"

struct fixture {
	char dir[32];
	char src[64], copy[64], url[80];
	struct db *db;		/* the "server's" connection, writing during the copy */
	int writes;		/* rows it added while the copy ran */
	int calls;		/* progress callbacks */
	int64_t last_done;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-backup-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->src, sizeof(f->src), "%s/agora.db", f->dir);
	snprintf(f->copy, sizeof(f->copy), "%s/copy.db", f->dir);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->src);
	if (db_open(f->url, DB_CREATE, &f->db, &e) != 0 || migrate_up(f->db, &e) < 1) {
		print_error("open: %s\n", e.msg);
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

static const char SQL_FILL[] =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
    "INSERT INTO blob_refs (sha256, thing, thing_id) SELECT printf('%064x', i), 'test', i FROM n";
static const char SQL_ADD[] = "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ($1, 'during', $2)";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM blob_refs";

static int64_t
count_in(const char *path)
{
	char url[96];
	struct db *db;
	struct db_stmt *st;
	struct err e;
	int64_t n = -1;

	snprintf(url, sizeof(url), "sqlite:%s", path);
	if (db_open(url, DB_READONLY, &db, &e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_COUNT)) != NULL && db_step(st) == DB_ROW)
		n = db_col_int64(st, 0);
	if (st)
		db_done(st);
	db_close(db);
	return n;
}

/* After every step of the copy, the other connection commits a row. */
static void
write_between_steps(int64_t done, int64_t total, void *ctx)
{
	struct fixture *f = ctx;
	struct db_stmt *st = db_prepare(f->db, SQL_ADD);
	char hex[65];

	f->calls++;
	/* Without the snapshot held, every write would restart the copy, forever. */
	if (done < f->last_done || f->calls > 2 * total + 10)
		fail_msg("the copy restarted: step %d, page %lld of %lld", f->calls, (long long)done,
			 (long long)total);
	f->last_done = done;
	assert_true(total > 0);
	snprintf(hex, sizeof(hex), "%064d", f->calls);
	db_bind_text(st, 1, hex);
	db_bind_int64(st, 2, f->calls);
	if (db_run(st) == DB_DONE)
		f->writes++;
}

static void
test_snapshot_while_writing(void **state)
{
	struct fixture *f = *state;
	struct backup_info info;
	struct err e;
	int64_t before;

	assert_int_equal(db_exec(f->db, SQL_FILL, &e), 0);
	before = count_in(f->src);
	assert_int_equal(before, 3000);
	assert_int_equal(backup_snapshot(f->url, f->copy, 1, write_between_steps, f, &e), 0);
	/* Every step let the writer commit: it was never blocked, and the copy did not restart. */
	assert_true(f->calls > 50);
	assert_int_equal(f->writes, f->calls);
	/* The copy is the database as it was when the copy began: none of the rows added during it. */
	assert_int_equal(count_in(f->copy), before);
	assert_int_equal(count_in(f->src), before + f->writes);
	assert_int_equal(backup_integrity_check(f->copy, &e), 0);
	assert_int_equal(backup_describe(f->copy, &info, &e), 0);
	assert_int_equal(info.schema_version, migrate_version(f->db));
	assert_int_equal(info.blobs, 3000);
	/* Left in rollback-journal mode: reading it makes no -wal beside it. */
	{
		char wal[80];
		snprintf(wal, sizeof(wal), "%s-wal", f->copy);
		assert_int_not_equal(access(wal, F_OK), 0);
	}
	/* A second snapshot to the same path is refused; the first stays. */
	assert_int_equal(backup_snapshot(f->url, f->copy, 64, NULL, NULL, &e), -1);
	assert_int_equal(count_in(f->copy), before);
}

static int
collect(const char *hex, void *ctx, struct err *e)
{
	char *seen = ctx;

	(void)e;
	strcat(seen, hex + 60);	/* the last 4 digits, in the order given */
	strcat(seen, ",");
	return 0;
}

static int
stop_at_second(const char *hex, void *ctx, struct err *e)
{
	int *n = ctx;

	(void)hex;
	if (++*n == 2)
		return err_set(e, ERR_NOTFOUND, "stop");
	return 0;
}

static void
test_blobs_each(void **state)
{
	struct fixture *f = *state;
	char seen[256] = "";
	struct err e;
	int n = 0;

	/* Two rows naming one blob, given once; ascending order whatever the insert order. */
	assert_int_equal(db_exec(f->db, "INSERT INTO blob_refs VALUES "
		"('00000000000000000000000000000000000000000000000000000000000000bb', 'a', 1),"
		"('00000000000000000000000000000000000000000000000000000000000000aa', 'a', 2),"
		"('00000000000000000000000000000000000000000000000000000000000000bb', 'b', 3)", &e), 0);
	assert_int_equal(backup_blobs_each(f->src, collect, seen, &e), 0);
	assert_string_equal(seen, "00aa,00bb,");
	assert_int_equal(backup_blobs_each(f->src, stop_at_second, &n, &e), -1);
	assert_int_equal(n, 2);
	assert_string_equal(e.msg, "stop");
	/* A hash that is not 64 lowercase hex digits would become a path: refused. */
	assert_int_equal(db_exec(f->db, "INSERT INTO blob_refs VALUES ('../../etc/passwd', 'a', 4)", &e), 0);
	seen[0] = '\0';
	assert_int_equal(backup_blobs_each(f->src, collect, seen, &e), -1);
	assert_non_null(strstr(e.msg, "malformed"));
}

static void
test_describe_log(void **state)
{
	struct fixture *f = *state;
	struct backup_info info;
	struct err e;

	assert_int_equal(backup_describe(f->src, &info, &e), 0);
	assert_int_equal(info.tree_size, 0);
	assert_string_equal(info.tree_root, "");
	assert_int_equal(db_exec(f->db, "INSERT INTO log_checkpoints (size, root, vkey, note, signed_at) "
		"VALUES (7, zeroblob(32), 'k', 'n', 1), (9, x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'k', 'n', 2)", &e), 0);
	assert_int_equal(backup_describe(f->src, &info, &e), 0);
	assert_int_equal(info.tree_size, 9);
	assert_string_equal(info.tree_root, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	/* A root that is not 32 bytes is a damaged database, not a checkpoint. */
	assert_int_equal(db_exec(f->db, "INSERT INTO log_checkpoints (size, root, vkey, note, signed_at) "
		"VALUES (10, x'0011', 'k', 'n', 3)", &e), 0);
	assert_int_equal(backup_describe(f->src, &info, &e), -1);
}

static void
test_damaged_copy(void **state)
{
	struct fixture *f = *state;
	struct err e;
	char buf[4096];
	int fd;

	assert_int_equal(db_exec(f->db, SQL_FILL, &e), 0);
	assert_int_equal(backup_snapshot(f->url, f->copy, 64, NULL, NULL, &e), 0);
	assert_int_equal(backup_integrity_check(f->copy, &e), 0);
	/* Garbage over a page in the middle of the file. */
	memset(buf, 0x5a, sizeof(buf));
	assert_true((fd = open(f->copy, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 4096 * 20), (ssize_t)sizeof(buf));
	close(fd);
	assert_int_equal(backup_integrity_check(f->copy, &e), -1);
	assert_true(e.msg[0] != '\0');
	/* Not a database at all. */
	assert_int_equal(backup_snapshot("postgres://x", f->copy, 1, NULL, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "SQLite"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_while_writing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blobs_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_copy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
