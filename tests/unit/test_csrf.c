/* test_csrf.c: CSRF tokens: made and verified under a key, bound to their secret and context,
 * refused when tampered with, cut short or made under another key; the origin comparison; the
 * key file made once (mode 0600) and read back the same. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "web/csrf.h"

static unsigned char key[CSRF_KEY_BYTES], other_key[CSRF_KEY_BYTES];
static const char SESSION[] = "f2oRLCtI13LEqD4d2qOdIzYTYDAyKLODA96P4RR9Trc";

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(other_key, sizeof(other_key));
	return 0;
}

static void
test_made_token_verifies(void **state)
{
	char t[CSRF_TOKEN_LEN];

	csrf_make(key, "session", SESSION, t);
	assert_int_equal(strlen(t), CSRF_TOKEN_LEN - 1);
	assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_int_equal(csrf_verify(key, "session", SESSION, t), 1);
}

static void
test_bound_to_secret_context_and_key(void **state)
{
	char t[CSRF_TOKEN_LEN], again[CSRF_TOKEN_LEN];
	char other_session[sizeof(SESSION)];

	csrf_make(key, "session", SESSION, t);
	csrf_make(key, "session", SESSION, again);
	assert_string_equal(t, again);	/* the same for the whole session */
	memcpy(other_session, SESSION, sizeof(SESSION));
	other_session[0] = 'g';
	assert_int_equal(csrf_verify(key, "session", other_session, t), 0);	/* another session's */
	assert_int_equal(csrf_verify(key, "browser", SESSION, t), 0);	/* the cookie's is not a session's */
	assert_int_equal(csrf_verify(other_key, "session", SESSION, t), 0);	/* another server's key */
}

static void
test_tampered_short_long_or_missing_refused(void **state)
{
	char t[CSRF_TOKEN_LEN], bad[CSRF_TOKEN_LEN + 2];

	csrf_make(key, "browser", SESSION, t);
	for (size_t i = 0; i < CSRF_TOKEN_LEN - 1; i += 7) {
		memcpy(bad, t, CSRF_TOKEN_LEN);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_equal(csrf_verify(key, "browser", SESSION, bad), 0);
	}
	memcpy(bad, t, CSRF_TOKEN_LEN);
	bad[CSRF_TOKEN_LEN - 2] = '\0';
	assert_int_equal(csrf_verify(key, "browser", SESSION, bad), 0);	/* cut short */
	snprintf(bad, sizeof(bad), "%sA", t);
	assert_int_equal(csrf_verify(key, "browser", SESSION, bad), 0);	/* one more */
	assert_int_equal(csrf_verify(key, "browser", SESSION, NULL), 0);
	assert_int_equal(csrf_verify(key, "browser", SESSION, ""), 0);
	assert_int_equal(csrf_verify(key, "browser", NULL, t), 0);
}

static void
test_same_origin(void **state)
{
	assert_int_equal(csrf_same_origin("http://127.0.0.1:8080", "http", "127.0.0.1:8080"), 1);
	assert_int_equal(csrf_same_origin("HTTP://Agora.Example", "http", "agora.example"), 1);
	assert_int_equal(csrf_same_origin("https://agora.example", "https", "agora.example:443"), 1);
	assert_int_equal(csrf_same_origin("http://agora.example:80", "http", "agora.example"), 1);
	assert_int_equal(csrf_same_origin("https://evil.example", "http", "127.0.0.1:8080"), 0);
	assert_int_equal(csrf_same_origin("http://127.0.0.1:8081", "http", "127.0.0.1:8080"), 0);
	assert_int_equal(csrf_same_origin("http://127.0.0.1:8080", "https", "127.0.0.1:8080"), 0);
	assert_int_equal(csrf_same_origin("https://agora.example", "http", "agora.example"), 0);
	assert_int_equal(csrf_same_origin("http://agora.example.evil.example", "http", "agora.example"), 0);
	assert_int_equal(csrf_same_origin("null", "http", "agora.example"), 0);
	assert_int_equal(csrf_same_origin("http://", "http", ""), 0);
	assert_int_equal(csrf_same_origin("http://agora.example", "http", NULL), 0);
}

static void
test_key_file_made_once(void **state)
{
	char dir[] = "/tmp/agora-csrf-XXXXXX", path[128];
	unsigned char k1[CSRF_KEY_BYTES], k2[CSRF_KEY_BYTES];
	struct stat st;
	struct err e;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(csrf_key_load(dir, k1, &e), 0);	/* makes keys/ and the key */
	snprintf(path, sizeof(path), "%s/keys/csrf.key", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, CSRF_KEY_BYTES);
	assert_int_equal(csrf_key_load(dir, k2, &e), 0);	/* reads the same one back */
	assert_memory_equal(k1, k2, CSRF_KEY_BYTES);
	assert_non_null(f = fopen(path, "ab"));	/* a key of the wrong size is refused */
	fputc('x', f);
	fclose(f);
	assert_int_equal(csrf_key_load(dir, k2, &e), -1);
	unit_rm_rf(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_token_verifies),
		cmocka_unit_test(test_bound_to_secret_context_and_key),
		cmocka_unit_test(test_tampered_short_long_or_missing_refused),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test(test_key_file_made_once),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
