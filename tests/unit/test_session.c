/* test_session.c: session tokens (random, base64url, stored as SHA-256) and the expiry rule:
 * idle after session-idle-s without a request, expired at expires_at or created_at +
 * session-max-s, ended at logout; each exactly at its boundary. */
#include "unit.h"

#include <sodium.h>

#include "domain/session.h"

#define T0 1800000000LL

static int
setup(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

static void
test_tokens_are_random_and_valid(void **state)
{
	char a[SESSION_TOKEN_LEN], b[SESSION_TOKEN_LEN];

	session_token_new(a);
	session_token_new(b);
	assert_int_equal(strlen(a), 43);
	assert_true(session_token_valid(a));
	assert_string_not_equal(a, b);
	assert_false(session_token_valid(NULL));
	assert_false(session_token_valid(""));
	assert_false(session_token_valid("short"));
	b[10] = '=';
	assert_false(session_token_valid(b));	/* not base64url */
	a[42] = '\0';
	assert_false(session_token_valid(a));	/* 42 characters */
}

static void
test_hash_is_sha256_hex(void **state)
{
	char hex[65];

	session_token_hash("abc", hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static struct session
fresh(void)
{
	struct session s = { 1, 1, T0, T0, T0 + 43200, 0, "secretariat" };

	return s;
}

static void
test_alive_until_idle(void **state)
{
	struct session s = fresh();

	assert_int_equal(session_state_at(&s, T0, 1800, 43200), SESSION_ALIVE);
	assert_int_equal(session_state_at(&s, T0 + 1799, 1800, 43200), SESSION_ALIVE);
	assert_int_equal(session_state_at(&s, T0 + 1800, 1800, 43200), SESSION_IDLE);
	s.last_seen_at = T0 + 1700;	/* a request noted on the way keeps it */
	assert_int_equal(session_state_at(&s, T0 + 3499, 1800, 43200), SESSION_ALIVE);
	assert_int_equal(session_state_at(&s, T0 + 3500, 1800, 43200), SESSION_IDLE);
}

static void
test_absolute_expiry_even_in_use(void **state)
{
	struct session s = fresh();

	s.last_seen_at = T0 + 43199;
	assert_int_equal(session_state_at(&s, T0 + 43199, 1800, 43200), SESSION_ALIVE);
	assert_int_equal(session_state_at(&s, T0 + 43200, 1800, 43200), SESSION_EXPIRED);
	/* A lowered session-max-s counts for sessions made before. */
	s.last_seen_at = T0 + 3600;
	assert_int_equal(session_state_at(&s, T0 + 3600, 1800, 3600), SESSION_EXPIRED);
	assert_int_equal(session_state_at(&s, T0 + 3599, 1800, 3600), SESSION_ALIVE);
	/* A raised one does not lengthen it past its expires_at. */
	assert_int_equal(session_state_at(&s, T0 + 43200, 100000, 86400), SESSION_EXPIRED);
}

static void
test_ended_is_ended(void **state)
{
	struct session s = fresh();

	s.ended_at = T0 + 5;
	assert_int_equal(session_state_at(&s, T0 + 6, 1800, 43200), SESSION_ENDED);
	assert_int_equal(session_state_at(&s, T0, 1800, 43200), SESSION_ENDED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_are_random_and_valid),
		cmocka_unit_test(test_hash_is_sha256_hex),
		cmocka_unit_test(test_alive_until_idle),
		cmocka_unit_test(test_absolute_expiry_even_in_use),
		cmocka_unit_test(test_ended_is_ended),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
