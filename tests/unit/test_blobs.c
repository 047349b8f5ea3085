/* test_blobs.c: unit tests for the content-addressed blob store and its sweep. */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/blobs.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/clock.h"

#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fixture {
	char dir[32];
	char blobdir[64];
	struct blobs *b;
	struct db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char url[96];
	struct err e;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-blobs-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->blobdir, sizeof(f->blobdir), "%s/blobs", f->dir);
	snprintf(url, sizeof(url), "sqlite:%s/agora.db", f->dir);
	if (db_open(url, DB_CREATE, &f->db, &e) != 0 || migrate_up(f->db, &e) < 1)
		return -1;
	if (blobs_open(f->blobdir, NULL, &f->b, &e) != 0) {
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

/* Stores len bytes of s in pieces of at most piece bytes; returns the hash in hex. */
static void
put(struct blobs *b, const char *s, size_t len, size_t piece, char hex[BLOB_HEX_LEN])
{
	struct blob_writer *w;
	struct err e;
	int64_t size = -1;

	assert_int_equal(blob_begin(b, &w, &e), 0);
	for (size_t off = 0; off < len; off += piece)
		assert_int_equal(blob_write(w, s + off, len - off < piece ? len - off : piece, &e), 0);
	assert_int_equal(blob_finish(w, hex, &size, &e), 0);
	assert_int_equal(size, (int64_t)len);
}

static int
count_entries(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_put_abc(void **state)
{
	struct fixture *f = *state;
	char hex[BLOB_HEX_LEN], hex2[BLOB_HEX_LEN], path[256], tmp[96], want[256], data[8];
	struct stat st;
	FILE *in;
	size_t n;

	put(f->b, "abc", 3, 1, hex);	/* one byte at a time: the hash streams */
	assert_string_equal(hex, ABC_SHA256);
	assert_int_equal(blob_path(f->b, hex, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/ba/%s", f->blobdir, ABC_SHA256);
	assert_string_equal(path, want);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 3);
	assert_non_null(in = fopen(path, "rb"));
	n = fread(data, 1, sizeof(data), in);
	fclose(in);
	assert_int_equal(n, 3);
	assert_memory_equal(data, "abc", 3);
	assert_true(blob_exists(f->b, hex));
	snprintf(want, sizeof(want), "%s/ba", f->blobdir);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* the same content again: the same name, one file, no temporary left behind */
	put(f->b, "abc", 3, 3, hex2);
	assert_string_equal(hex2, ABC_SHA256);
	snprintf(want, sizeof(want), "%s/ba", f->blobdir);
	assert_int_equal(count_entries(want), 1);
	snprintf(tmp, sizeof(tmp), "%s/tmp", f->blobdir);
	assert_int_equal(count_entries(tmp), 0);

	/* the empty blob is a blob too */
	put(f->b, "", 0, 1, hex);
	assert_string_equal(hex, EMPTY_SHA256);
	assert_true(blob_exists(f->b, EMPTY_SHA256));
}

static void
test_abort_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct blob_writer *w;
	char tmp[96];
	struct err e;

	snprintf(tmp, sizeof(tmp), "%s/tmp", f->blobdir);
	assert_int_equal(blob_begin(f->b, &w, &e), 0);
	assert_int_equal(count_entries(tmp), 1);	/* streaming into a temporary file */
	assert_int_equal(blob_write(w, "abc", 3, &e), 0);
	blob_abort(w);
	assert_int_equal(count_entries(tmp), 0);
	assert_int_equal(count_entries(f->blobdir), 1);	/* only tmp/ */
	assert_false(blob_exists(f->b, ABC_SHA256));
	blob_abort(NULL);
}

static void
test_blob_path_rejects(void **state)
{
	struct fixture *f = *state;
	char path[256], s[80];

	assert_int_equal(blob_path(f->b, ABC_SHA256, path, sizeof(path)), 0);
	assert_int_equal(blob_path(f->b, NULL, path, sizeof(path)), -1);
	assert_int_equal(blob_path(f->b, "", path, sizeof(path)), -1);
	assert_int_equal(blob_path(f->b, "../../etc/passwd", path, sizeof(path)), -1);
	/* upper case */
	assert_int_equal(blob_path(f->b, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
				   path, sizeof(path)), -1);
	/* 63 and 65 digits */
	snprintf(s, sizeof(s), "%.63s", ABC_SHA256);
	assert_int_equal(blob_path(f->b, s, path, sizeof(path)), -1);
	snprintf(s, sizeof(s), "%sa", ABC_SHA256);
	assert_int_equal(blob_path(f->b, s, path, sizeof(path)), -1);
	/* one bad digit, anywhere */
	snprintf(s, sizeof(s), "%s", ABC_SHA256);
	s[40] = 'g';
	assert_int_equal(blob_path(f->b, s, path, sizeof(path)), -1);
	s[40] = '/';
	assert_int_equal(blob_path(f->b, s, path, sizeof(path)), -1);
	/* too small an output buffer */
	assert_int_equal(blob_path(f->b, ABC_SHA256, path, 20), -1);
	assert_false(blob_exists(f->b, "../x"));
}

/* Sets a file's mtime to t (seconds since the epoch). */
static void
set_mtime(const char *path, int64_t t)
{
	struct timespec ts[2] = { { (time_t)t, 0 }, { (time_t)t, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static const char SQL_REF[] =
    "INSERT INTO blob_refs (sha256, thing, thing_id) VALUES ($1, 'attachment', 1)";

static void
test_sweep(void **state)
{
	struct fixture *f = *state;
	char kept[BLOB_HEX_LEN], old[BLOB_HEX_LEN], fresh[BLOB_HEX_LEN];
	char path[256], tmp_old[128], tmp_fresh[128], stray[128];
	int64_t now = clock_now();
	struct db_stmt *st;
	struct err e;
	int removed = -1, fd;

	put(f->b, "referenced", 10, 4, kept);
	put(f->b, "unreferenced and old", 20, 7, old);
	put(f->b, "unreferenced but new", 20, 20, fresh);
	st = db_prepare(f->db, SQL_REF);
	db_bind_text(st, 1, kept);
	assert_int_equal(db_run(st), DB_DONE);
	assert_int_equal(blob_path(f->b, kept, path, sizeof(path)), 0);
	set_mtime(path, now - 7200);
	assert_int_equal(blob_path(f->b, old, path, sizeof(path)), 0);
	set_mtime(path, now - 7200);
	/* an upload abandoned by a crash, and one still being written */
	snprintf(tmp_old, sizeof(tmp_old), "%s/tmp/upload-crashed", f->blobdir);
	snprintf(tmp_fresh, sizeof(tmp_fresh), "%s/tmp/upload-current", f->blobdir);
	assert_true((fd = open(tmp_old, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	set_mtime(tmp_old, now - 7200);
	assert_true((fd = open(tmp_fresh, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	/* a file that is not a blob is not the sweep's business */
	snprintf(stray, sizeof(stray), "%s/README", f->blobdir);
	assert_true((fd = open(stray, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	set_mtime(stray, now - 7200);

	assert_int_equal(blobs_sweep(f->b, f->db, now, 3600, &removed, &e), 0);
	assert_int_equal(removed, 2);
	assert_true(blob_exists(f->b, kept));	/* referenced, however old */
	assert_false(blob_exists(f->b, old));	/* unreferenced and past the grace period */
	assert_true(blob_exists(f->b, fresh));	/* unreferenced but within the grace period */
	assert_int_equal(access(tmp_old, F_OK), -1);
	assert_int_equal(access(tmp_fresh, F_OK), 0);
	assert_int_equal(access(stray, F_OK), 0);

	assert_int_equal(blobs_sweep(f->b, f->db, now, 3600, &removed, &e), 0);
	assert_int_equal(removed, 0);

	/* once the grace period has passed for it too, the new one goes */
	assert_int_equal(blobs_sweep(f->b, f->db, now + 7200, 3600, &removed, &e), 0);
	assert_int_equal(removed, 2);	/* the new blob and the new temporary file */
	assert_false(blob_exists(f->b, fresh));
	assert_true(blob_exists(f->b, kept));
}

static void
test_open_creates_private_dirs(void **state)
{
	struct fixture *f = *state;
	struct blobs *b2;
	char path[96];
	struct stat st;
	struct err e;

	assert_int_equal(stat(f->blobdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/tmp", f->blobdir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* opening an existing store is fine */
	assert_int_equal(blobs_open(f->blobdir, NULL, &b2, &e), 0);
	blobs_close(b2);
	/* a store whose parent is missing is an error, not a crash */
	snprintf(path, sizeof(path), "%s/no/such/place", f->dir);
	err_clear(&e);
	assert_int_equal(blobs_open(path, NULL, &b2, &e), -1);
	assert_null(b2);
	assert_int_equal(e.kind, ERR_INTERNAL);
}

/* The store URL decides where blobs live: sqlite: keeps them in the folder (no connection is
 * made); anything else must be a database the driver takes, or blobs_open fails. */
static void
test_open_by_url(void **state)
{
	struct fixture *f = *state;
	struct blobs *b2 = NULL;
	char url[128];
	struct err e;

	snprintf(url, sizeof(url), "sqlite:%s/agora.db", f->dir);
	assert_int_equal(blobs_open(f->blobdir, url, &b2, &e), 0);
	assert_int_equal(blobs_in_database(b2), 0);
	blobs_close(b2);
	assert_int_equal(blobs_in_database(f->b), 0);
	err_clear(&e);
	assert_int_equal(blobs_open(f->blobdir, "mysql://db.example/agora", &b2, &e), -1);
	assert_null(b2);
	assert_non_null(strstr(e.msg, "unsupported database URL"));
	blobs_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_abc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_path_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_creates_private_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_by_url, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
