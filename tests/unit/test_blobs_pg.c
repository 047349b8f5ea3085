/* test_blobs_pg.c: the blob store on PostgreSQL (blobs.c + blobs_pg.c) against a live server:
 * chunks, the cache filled from the database, the empty blob, the same content stored by many
 * threads at once, damage never served, content that is not its name refused, the sweep. Needs
 * AGORA_PG_URL (`make test-pg` starts a cluster); without it every test fails, never skips. */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/blobs.h"
#include "store/blobs_pg.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/clock.h"

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fixture {
	char dir[32];
	char blobdir[64];
	const char *url;
	struct blobs *b;
	struct db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL)
		return -1;
	if ((f->url = getenv("AGORA_PG_URL")) == NULL) {
		print_error("AGORA_PG_URL is not set: run `make test-pg` (tests/pg.sh starts a cluster)\n");
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-blobs-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->blobdir, sizeof(f->blobdir), "%s/blobs", f->dir);
	if (db_open(f->url, 0, &f->db, &e) != 0 ||
	    db_exec(f->db, "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
		    &e) != 0 ||
	    migrate_up(f->db, &e) < 1) {
		print_error("schema: %s\n", e.msg);
		return -1;
	}
	if (blobs_open(f->blobdir, f->url, &f->b, &e) != 0) {
		print_error("blobs_open: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	blobs_close(f->b);
	db_close(f->db);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

/* n bytes of a pattern that differs per seed and per position. Caller frees. */
static unsigned char *
pattern(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 2654435761u + seed * 97u) >> 13);
	return p;
}

static int
store(struct blobs *b, const void *p, size_t n, char hex[BLOB_HEX_LEN])
{
	struct blob_writer *w;
	struct err e;
	int64_t size;

	if (blob_begin(b, &w, &e) != 0)
		return -1;
	/* in pieces that do not line up with chunks */
	for (size_t off = 0; off < n; off += 300000)
		if (blob_write(w, (const char *)p + off, n - off < 300000 ? n - off : 300000, &e) != 0) {
			blob_abort(w);
			return -1;
		}
	if (blob_finish(w, hex, &size, &e) != 0) {
		print_error("blob_finish: %s\n", e.msg);
		return -1;
	}
	return size == (int64_t)n ? 0 : -1;
}

static int64_t
num(struct db *db, const char *sql, const char *hex)
{
	struct db_stmt *st = db_prepare(db, sql);
	int64_t v = -1;

	assert_non_null(st);
	db_bind_text(st, 1, hex);
	if (db_step(st) == DB_ROW)
		v = db_col_int64(st, 0);
	db_done(st);
	return v;
}

static const char SQL_CHUNKS[] = "SELECT COUNT(*) FROM blob_chunks WHERE sha256 = $1";
static const char SQL_ROWS[] = "SELECT COUNT(*) FROM blobs WHERE sha256 = $1";
static const char SQL_SIZE[] = "SELECT size FROM blobs WHERE sha256 = $1";

/* The file at path holds exactly n bytes equal to p. */
static int
file_is(const char *path, const unsigned char *p, size_t n)
{
	unsigned char *got = malloc(n + 1);
	int fd = open(path, O_RDONLY), same;
	ssize_t k = 0, r;

	assert_non_null(got);
	if (fd < 0) {
		free(got);
		return 0;
	}
	while ((r = read(fd, got + k, n + 1 - (size_t)k)) > 0)
		k += r;
	close(fd);
	same = k == (ssize_t)n && memcmp(got, p, n) == 0;
	free(got);
	return same;
}

static void
test_chunks_and_cache(void **state)
{
	struct fixture *f = *state;
	size_t n = 2 * BLOBS_PG_CHUNK + 12345;
	unsigned char *p = pattern(n, 1);
	char hex[BLOB_HEX_LEN], path[256], missing[BLOB_HEX_LEN];

	assert_int_equal(store(f->b, p, n, hex), 0);
	assert_true(blobs_in_database(f->b));
	assert_int_equal(num(f->db, SQL_CHUNKS, hex), 3);
	assert_int_equal(num(f->db, SQL_SIZE, hex), (int64_t)n);
	assert_int_equal(blob_exists(f->b, hex), 1);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), 0);
	assert_true(file_is(path, p, n));	/* the uploading server's cache */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), 0);
	assert_true(file_is(path, p, n));	/* fetched back from the database */
	memset(missing, 'a', 64);
	missing[64] = '\0';
	assert_int_equal(blob_exists(f->b, missing), 0);
	assert_int_equal(blob_path(f->b, missing, path, sizeof(path)), 0);
	assert_int_equal(access(path, F_OK), -1);	/* a path naming no file, as on SQLite */
	assert_int_equal(blob_path(f->b, "../../etc/passwd", path, sizeof(path)), -1);
	free(p);
}

static void
test_empty(void **state)
{
	struct fixture *f = *state;
	char hex[BLOB_HEX_LEN], path[256];
	struct stat st;

	assert_int_equal(store(f->b, "", 0, hex), 0);
	assert_string_equal(hex, EMPTY_SHA256);
	assert_int_equal(num(f->db, SQL_ROWS, hex), 1);
	assert_int_equal(num(f->db, SQL_CHUNKS, hex), 0);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
}

struct racer {
	struct blobs *b;
	const unsigned char *p;
	size_t n;
	char hex[BLOB_HEX_LEN];
	int rc;
};

static void *
race(void *arg)
{
	struct racer *r = arg;

	r->rc = store(r->b, r->p, r->n, r->hex);
	return NULL;
}

/* 12 threads (more than the pool's 8 connections): 6 store one content, 6 their own. */
static void
test_concurrent(void **state)
{
	struct fixture *f = *state;
	size_t n = BLOBS_PG_CHUNK + 1;
	unsigned char *shared = pattern(n, 7), *own[6];
	struct racer r[12];
	pthread_t t[12];

	for (int i = 0; i < 12; i++) {
		r[i] = (struct racer){ f->b, shared, n, "", -1 };
		if (i >= 6) {
			own[i - 6] = pattern(n, 100 + (unsigned)i);
			r[i].p = own[i - 6];
		}
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 12; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 12; i++) {
		assert_int_equal(r[i].rc, 0);
		assert_int_equal(num(f->db, SQL_ROWS, r[i].hex), 1);
		assert_int_equal(num(f->db, SQL_CHUNKS, r[i].hex), 2);
		if (i > 0 && i < 6)
			assert_string_equal(r[i].hex, r[0].hex);
	}
	assert_int_equal(num(f->db, "SELECT COUNT(*) FROM blobs WHERE sha256 <> $1", ""), 7);
	free(shared);
	for (int i = 0; i < 6; i++)
		free(own[i]);
}

static int
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_damage_never_served(void **state)
{
	struct fixture *f = *state;
	size_t n = BLOBS_PG_CHUNK + 99;
	unsigned char *p = pattern(n, 3);
	char hex[BLOB_HEX_LEN], path[256], tmp[128];
	struct db_stmt *st;

	assert_int_equal(store(f->b, p, n, hex), 0);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), 0);
	assert_int_equal(unlink(path), 0);
	st = db_prepare(f->db, "UPDATE blob_chunks SET data = overlay(data placing '\\x00'::bytea from 7 for 1) "
			       "WHERE sha256 = $1 AND seq = 1");
	assert_non_null(st);
	db_bind_text(st, 1, hex);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), -1);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(tmp, sizeof(tmp), "%s/tmp", f->blobdir);
	assert_int_equal(files_in(tmp), 0);	/* the partial fetch removed */
	free(p);
}

/* blobs_pg_insert refuses content that does not hash to the name given (migrate-store's check),
 * inside a transaction the caller then rolls back. */
static void
test_insert_checks_content(void **state)
{
	struct fixture *f = *state;
	char path[128], name[BLOB_HEX_LEN];
	struct err e;
	int fd;

	snprintf(path, sizeof(path), "%s/x", f->dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	memset(name, 'b', 64);
	name[64] = '\0';
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(blobs_pg_insert(f->db, fd, name, 3, 1, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_non_null(strstr(e.msg, "is not that blob"));
	db_rollback(f->db);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(blobs_pg_insert(f->db, fd, name, 2, 1, &e), -1);	/* longer than said */
	db_rollback(f->db);
	close(fd);
	assert_int_equal(num(f->db, "SELECT COUNT(*) FROM blobs WHERE sha256 <> $1", ""), 0);
	assert_int_equal(num(f->db, "SELECT COUNT(*) FROM blob_chunks WHERE sha256 <> $1", ""), 0);
}

static void
test_sweep(void **state)
{
	struct fixture *f = *state;
	char old[BLOB_HEX_LEN], kept[BLOB_HEX_LEN], recent[BLOB_HEX_LEN], again[BLOB_HEX_LEN], path[256];
	unsigned char *p = pattern(5000, 11);
	struct db_stmt *st;
	int removed = -1;
	struct err e;

	assert_int_equal(store(f->b, "orphan", 6, old), 0);
	assert_int_equal(store(f->b, "named", 5, kept), 0);
	assert_int_equal(store(f->b, p, 5000, again), 0);
	assert_int_equal(db_exec(f->db, "UPDATE blobs SET touched_at = 1000", &e), 0);
	assert_int_equal(store(f->b, "recent", 6, recent), 0);
	assert_int_equal(store(f->b, p, 5000, again), 0);	/* stored again: touched */
	st = db_prepare(f->db, "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ($1, 'response', 1)");
	assert_non_null(st);
	db_bind_text(st, 1, kept);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(blobs_sweep(f->b, f->db, clock_now(), 3600, &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(num(f->db, SQL_ROWS, old), 0);
	assert_int_equal(num(f->db, SQL_CHUNKS, old), 0);
	assert_int_equal(blob_path(f->b, old, path, sizeof(path)), 0);
	assert_int_equal(access(path, F_OK), -1);	/* its cached file gone too */
	assert_int_equal(num(f->db, SQL_ROWS, kept), 1);
	assert_int_equal(num(f->db, SQL_ROWS, recent), 1);
	assert_int_equal(num(f->db, SQL_ROWS, again), 1);
	free(p);
}

/* Another server's sweep removed a blob from the database: this server's trim removes its
 * cached copy once older than the grace period, and keeps the rest. */
static void
test_cache_trim(void **state)
{
	struct fixture *f = *state;
	char gone[BLOB_HEX_LEN], kept[BLOB_HEX_LEN], fresh[BLOB_HEX_LEN], p1[256], p2[256], p3[256];
	struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
	struct db_stmt *st;
	struct err e;
	int removed = -1;

	assert_int_equal(store(f->b, "swept elsewhere", 15, gone), 0);
	assert_int_equal(store(f->b, "still stored", 12, kept), 0);
	assert_int_equal(store(f->b, "swept, cached just now", 22, fresh), 0);
	assert_int_equal(blob_path(f->b, gone, p1, sizeof(p1)), 0);
	assert_int_equal(blob_path(f->b, kept, p2, sizeof(p2)), 0);
	assert_int_equal(blob_path(f->b, fresh, p3, sizeof(p3)), 0);
	old[0].tv_sec = old[1].tv_sec = (time_t)(clock_now() - 7200);
	assert_int_equal(utimensat(AT_FDCWD, p1, old, 0), 0);
	assert_int_equal(utimensat(AT_FDCWD, p2, old, 0), 0);
	st = db_prepare(f->db, "DELETE FROM blobs WHERE sha256 = $1 OR sha256 = $2");
	assert_non_null(st);
	db_bind_text(st, 1, gone);
	db_bind_text(st, 2, fresh);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(blobs_cache_trim(f->b, clock_now(), &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(access(p1, F_OK), -1);
	assert_int_equal(access(p2, F_OK), 0);
	assert_int_equal(access(p3, F_OK), 0);	/* within the grace period */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chunks_and_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_never_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_checks_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_trim, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
