/* test_accounts.c: the password policy (length in characters at its boundaries, the common
 * list, runs and sequences, the email or name), Member State validation against the migrated
 * table (194 states, six regions), who may invite whom, the email and name checks, and the
 * role-state rule and one focal point per state as account_create_fn and the role change
 * enforce them. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>

#include "domain/account.h"
#include "domain/invitation.h"
#include "domain/password.h"
#include "domain/state.h"
#include "store/db.h"
#include "store/migrate.h"

struct fixture {
	char dir[32];
	char url[64];
	struct db *db;
	struct arena *a;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-acc-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &f->db, &e) != 0 || migrate_up(f->db, &e) < 0) {
		print_error("db: %s\n", e.msg);
		return -1;
	}
	if ((f->a = arena_new()) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	arena_free(f->a);
	db_close(f->db);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

/* n copies of s */
static char *
rep(const char *s, int n)
{
	size_t len = strlen(s);
	char *out = malloc(len * (size_t)n + 1);

	for (int i = 0; i < n; i++)
		memcpy(out + len * (size_t)i, s, len);
	out[len * (size_t)n] = '\0';
	return out;
}

static void
test_password_length_in_characters(void **state)
{
	char *p;

	assert_int_equal(password_check(NULL, NULL, NULL), PASSWORD_EMPTY);
	assert_int_equal(password_check("", NULL, NULL), PASSWORD_EMPTY);
	assert_int_equal(password_check("Tq7#mZ2!pL9", NULL, NULL), PASSWORD_TOO_SHORT);	/* 11 */
	assert_int_equal(password_check("Tq7#mZ2!pL9x", NULL, NULL), PASSWORD_OK);	/* 12 */
	/* 11 characters of 2 bytes each are 22 bytes, and still too short */
	p = rep("\xc3\xbc", 10);
	p = realloc(p, strlen(p) + 2);
	strcat(p, "k");
	assert_int_equal(password_check(p, NULL, NULL), PASSWORD_TOO_SHORT);
	free(p);
	/* 128 characters of 3 bytes (CJK) pass; 129 do not */
	p = rep("\xe6\xb0\xb4\xe5\xb1\xb1", 64);	/* 水山 x 64 = 128 characters */
	assert_int_equal(password_check(p, NULL, NULL), PASSWORD_OK);
	p = realloc(p, strlen(p) + 2);
	strcat(p, "z");
	assert_int_equal(password_check(p, NULL, NULL), PASSWORD_TOO_LONG);
	free(p);
}

static void
test_password_not_text(void **state)
{
	assert_int_equal(password_check("abcdefgh\xff\xfeijkl", NULL, NULL), PASSWORD_NOT_TEXT);
	assert_int_equal(password_check("quiet river\nunder bridges", NULL, NULL), PASSWORD_NOT_TEXT);
	assert_int_equal(password_check("quiet river\tunder bridges", NULL, NULL), PASSWORD_NOT_TEXT);
}

static void
test_password_common(void **state)
{
	assert_int_equal(password_check("password1234", NULL, NULL), PASSWORD_COMMON);
	assert_int_equal(password_check("PassWord1234", NULL, NULL), PASSWORD_COMMON);	/* case aside */
	assert_int_equal(password_check("qwertyuiop123", NULL, NULL), PASSWORD_COMMON);
	assert_int_equal(password_check("1q2w3e4r5t6y", NULL, NULL), PASSWORD_COMMON);
	assert_true(password_is_listed("ILOVEYOU1234"));
	assert_false(password_is_listed("iloveyou12345x"));
	/* one run repeated */
	assert_int_equal(password_check("zzzzzzzzzzzzzzzz", NULL, NULL), PASSWORD_COMMON);
	assert_int_equal(password_check("xyzwxyzwxyzw", NULL, NULL), PASSWORD_COMMON);
	assert_int_equal(password_check("ab1ab1ab1ab1ab1", NULL, NULL), PASSWORD_COMMON);
	/* sequences, up and down, digits wrapping */
	assert_int_equal(password_check("bcdefghijklmn", NULL, NULL), PASSWORD_COMMON);
	assert_int_equal(password_check("987654321098", NULL, NULL), PASSWORD_COMMON);
	assert_int_equal(password_check("345678901234", NULL, NULL), PASSWORD_COMMON);
	/* a run of 5 repeated is not one of up to 4: a passphrase with repeats is fine */
	assert_int_equal(password_check("abcdeabcdeabcde", NULL, NULL), PASSWORD_OK);
	assert_int_equal(password_check("correct horse battery", NULL, NULL), PASSWORD_OK);
	assert_int_equal(password_check("correcthorsebatterystaple", NULL, NULL), PASSWORD_COMMON);
}

static void
test_password_personal(void **state)
{
	const char *email = "marie.dupont@example.org";

	assert_int_equal(password_check("marie.dupont@example.org", email, NULL), PASSWORD_PERSONAL);
	assert_int_equal(password_check("Marie.Dupont2026", email, NULL), PASSWORD_PERSONAL);
	assert_int_equal(password_check("marie.dupont", email, "Marie"), PASSWORD_PERSONAL);
	assert_int_equal(password_check("Marie Dupont Geneva", email, "Marie Dupont Geneva"), PASSWORD_PERSONAL);
	assert_int_equal(password_check("marie dupont sings", email, "Marie Dupont"), PASSWORD_OK);
}

static void
test_password_messages(void **state)
{
	assert_null(password_verdict_message(PASSWORD_OK));
	for (int v = PASSWORD_EMPTY; v <= PASSWORD_PERSONAL; v++)
		assert_non_null(password_verdict_message((enum password_verdict)v));
	assert_string_equal(password_verdict_message(PASSWORD_TOO_LONG), "A password has at most 128 characters.");
}

static void
test_password_hash_verifies(void **state)
{
	char h[PASSWORD_HASH_LEN];

	assert_int_equal(password_hash("quiet river under seven bridges", h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(account_password_verify(h, "quiet river under seven bridges"));
	assert_false(account_password_verify(h, "quiet river under seven bridge"));
}

static void
test_state_code_form(void **state)
{
	assert_true(state_code_form("CH"));
	assert_false(state_code_form("ch"));
	assert_false(state_code_form("C"));
	assert_false(state_code_form("CHE"));
	assert_false(state_code_form(""));
	assert_false(state_code_form(NULL));
	assert_false(state_code_form("C1"));
}

static void
test_state_valid(void **state)
{
	struct fixture *f = *state;
	struct member_state *list = NULL;
	const char *region = NULL;
	struct err e;
	int n, regions[6] = { 0 };
	static const char *const names[6] = { "africa", "americas", "arab_states", "asia_pacific", "cis", "europe" };

	assert_int_equal(state_valid(f->db, "CH", &e), 1);
	assert_int_equal(state_valid(f->db, "VA", &e), 1);	/* the Holy See: ITU, not UN */
	assert_int_equal(state_valid(f->db, "PW", &e), 1);
	assert_int_equal(state_valid(f->db, "XX", &e), 0);
	assert_int_equal(state_valid(f->db, "PS", &e), 0);	/* an observer, not a Member State */
	assert_int_equal(state_valid(f->db, "TW", &e), 0);
	assert_int_equal(state_valid(f->db, "HK", &e), 0);	/* a territory */
	assert_int_equal(state_valid(f->db, "ch", &e), 0);
	assert_int_equal(state_valid(f->db, NULL, &e), 0);
	assert_int_equal(state_region(f->db, f->a, "KE", &region, &e), 0);
	assert_string_equal(region, "africa");
	assert_int_equal(state_region(f->db, f->a, "EG", &region, &e), 0);
	assert_string_equal(region, "arab_states");
	assert_int_equal(state_region(f->db, f->a, "KZ", &region, &e), 0);
	assert_string_equal(region, "cis");
	assert_int_equal(state_region(f->db, f->a, "XX", &region, &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	n = state_list(f->db, f->a, &list, &e);
	assert_int_equal(n, 194);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 6; k++)
			regions[k] += strcmp(list[i].region, names[k]) == 0;
	assert_int_equal(regions[0] + regions[1] + regions[2] + regions[3] + regions[4] + regions[5], 194);
	assert_int_equal(regions[4], 9);
	assert_string_equal(state_region_label("asia_pacific"), "Asia-Pacific");
	assert_string_equal(state_name("ZZ"), "ZZ");	/* no name known: the code */
	assert_string_equal(state_name(NULL), "");
}

static void
test_who_may_invite(void **state)
{
	assert_true(invitation_may_invite("secretariat", "focal_point"));
	assert_true(invitation_may_invite("secretariat", "delegate"));
	assert_true(invitation_may_invite("secretariat", "chair"));
	assert_true(invitation_may_invite("secretariat", "secretariat"));
	assert_false(invitation_may_invite("secretariat", "stakeholder"));
	assert_true(invitation_may_invite("focal_point", "delegate"));
	assert_false(invitation_may_invite("focal_point", "focal_point"));
	assert_false(invitation_may_invite("focal_point", "secretariat"));
	assert_false(invitation_may_invite("delegate", "delegate"));
	assert_false(invitation_may_invite("chair", "delegate"));
	assert_false(invitation_may_invite("stakeholder", "delegate"));
	assert_false(invitation_may_invite(NULL, "delegate"));
}

static void
test_email_and_name(void **state)
{
	assert_true(account_email_valid("a@example.org"));
	assert_true(account_email_valid("marie.dupont+agora@mail.example.ch"));
	assert_false(account_email_valid("a@b"));
	assert_false(account_email_valid("@example.org"));
	assert_false(account_email_valid("a@@example.org"));
	assert_false(account_email_valid("a b@example.org"));
	assert_false(account_email_valid("a@example.org\r\nBcc: x@y.z"));
	assert_false(account_email_valid("<a@example.org>"));
	assert_false(account_email_valid("a@example."));
	assert_false(account_email_valid(NULL));
	assert_true(account_name_valid("Nguyễn Thị Minh Khai"));
	assert_false(account_name_valid(""));
	assert_false(account_name_valid("   "));
	assert_false(account_name_valid("two\nlines"));
	assert_true(account_role_has_state("delegate"));
	assert_true(account_role_has_state("focal_point"));
	assert_false(account_role_has_state("chair"));
	assert_false(account_role_valid("admin"));
}

static void
test_roles_and_states_in_the_store(void **state)
{
	struct fixture *f = *state;
	const char *h = "$argon2id$v=19$m=65536,t=2,p=1$stand-in-for-the-test";
	struct account_new a = { "d@example.org", "D", "delegate", NULL, h, NULL, 0, 0 };
	struct account_role_change c;
	struct account got;
	struct err e;
	int64_t by;

	assert_int_equal(account_create_fn(f->db, &a, &e), -1);	/* a delegate needs a state */
	assert_string_equal(e.field, "state");
	a.state_code = "XX";
	assert_int_equal(account_create_fn(f->db, &a, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	a.state_code = "CH";
	assert_int_equal(account_create_fn(f->db, &a, &e), 0);
	by = a.id;	/* who changes roles below (the audit log names an account) */
	a = (struct account_new){ "c@example.org", "C", "chair", NULL, h, "CH", 0, 0 };
	assert_int_equal(account_create_fn(f->db, &a, &e), -1);	/* a chair has none */
	a = (struct account_new){ "f@example.org", "F", "focal_point", NULL, h, "CH", 0, 0 };
	assert_int_equal(account_create_fn(f->db, &a, &e), 0);
	a = (struct account_new){ "f2@example.org", "F2", "focal_point", NULL, h, "CH", 0, 0 };
	assert_int_equal(account_create_fn(f->db, &a, &e), -1);	/* one focal point per state */
	assert_int_equal(e.kind, ERR_CONFLICT);
	a = (struct account_new){ "D@EXAMPLE.ORG", "D again", "stakeholder", NULL, h, NULL, 1, 0 };
	assert_int_equal(account_create_fn(f->db, &a, &e), -1);	/* the email, ASCII case aside */
	assert_string_equal(e.field, "email");
	a = (struct account_new){ "s@example.org", "S", "stakeholder", NULL, h, NULL, 1, 0 };
	assert_int_equal(account_create_fn(f->db, &a, &e), 0);
	assert_int_equal(account_get(f->db, f->a, a.id, &got, &e), 0);
	assert_int_equal(got.confirmed_at, 0);	/* self-registered: unconfirmed */
	assert_string_equal(got.state_code, "");

	/* The stakeholder becomes the focal point of CH: refused; of KE: done and audited. */
	c = (struct account_role_change){ a.id, "focal_point", "CH", by, "test", 0 };
	assert_int_equal(account_role_change_fn(f->db, &c, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	c.state_code = "KE";
	assert_int_equal(account_role_change_fn(f->db, &c, &e), 0);
	assert_int_equal(c.changed, 1);
	assert_int_equal(account_get(f->db, f->a, a.id, &got, &e), 0);
	assert_string_equal(got.role, "focal_point");
	assert_string_equal(got.state_code, "KE");
	assert_int_equal(account_role_change_fn(f->db, &c, &e), 0);	/* the same again: no change */
	assert_int_equal(c.changed, 0);
	c = (struct account_role_change){ a.id, "chair", "KE", by, "test", 0 };
	assert_int_equal(account_role_change_fn(f->db, &c, &e), -1);	/* a chair has no state */
	c = (struct account_role_change){ a.id, "chair", "", a.id, "test", 0 };
	assert_int_equal(account_role_change_fn(f->db, &c, &e), -1);	/* not one's own */
	c = (struct account_role_change){ 424242, "chair", "", by, "test", 0 };
	assert_int_equal(account_role_change_fn(f->db, &c, &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_length_in_characters),
		cmocka_unit_test(test_password_not_text),
		cmocka_unit_test(test_password_common),
		cmocka_unit_test(test_password_personal),
		cmocka_unit_test(test_password_messages),
		cmocka_unit_test(test_password_hash_verifies),
		cmocka_unit_test(test_state_code_form),
		cmocka_unit_test(test_state_valid),
		cmocka_unit_test(test_who_may_invite),
		cmocka_unit_test(test_email_and_name),
		cmocka_unit_test(test_roles_and_states_in_the_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
