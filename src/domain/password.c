/* password.c: the password policy and argon2id hashing. The list below holds passwords of 12
 * characters or more that lists of leaked passwords show again and again (shorter ones are
 * refused for their length already); it was written for this project, lower-case. */
#include "password.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "../util/i18n.h"
#include "../util/str.h"

static const char *const common[] = {
	"000000000000", "0000000000000", "00000000000000", "012345678910", "098765432109",
	"0987654321qwerty", "100200300400", "111111111111", "1111111111111", "111222333444",
	"112233445566", "11223344556677", "121212121212", "123123123123", "123321123321",
	"123412341234", "1234567890-=", "123456789000", "123456789012", "1234567890123",
	"12345678901234", "123456789123", "1234567891011", "123456789987654321", "123456789a123",
	"123456789abc", "123456789qwe", "123456qwerty", "123456qwertyu", "123abc123abc",
	"123qwe123qwe", "147258369147", "159357159357", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u",
	"1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "1qazxsw23edc", "222222222222", "444444444444",
	"555555555555", "654321654321", "666666666666", "696969696969", "777777777777",
	"789456123789", "88888888888888", "987654321987", "999999999999", "a1b2c3d4e5f6",
	"aaaaaaaaaaaa", "abc123abc123", "abc123456789", "abcd1234abcd", "abcdefghijkl",
	"abcdefgh12345", "access123456", "admin1234567", "adminadmin123", "administrator",
	"administrator1", "alexander123", "asdfasdfasdf", "asdfghjkl123", "asdfghjklqwerty",
	"azertyuiop123", "baseball1234", "basketball12", "blink182blink182", "captainamerica",
	"changeme1234", "changemenow1", "charlie12345", "chocolate123", "christopher1",
	"computer1234", "correcthorsebatterystaple", "dragon123456", "elizabeth123",
	"football1234", "football12345", "football123456", "freedom12345", "george123456",
	"hello1234567", "helloworld12", "helloworld123", "iloveyou1234", "iloveyou12345",
	"iloveyouiloveyou", "internet1234", "jennifer1234", "jesuschrist1", "jordan231234",
	"letmein12345", "letmein123456", "liverpool123", "liverpool1234", "manchester12",
	"manchesterunited", "master123456", "michael12345", "michael123456", "michelle1234",
	"monkey123456", "motdepasse12", "motdepasse123", "mustang12345", "mypassword12",
	"mypassword123", "newpassword1", "newpassword12", "newpassword123", "nopassword12",
	"p@ssw0rd1234", "p@ssword1234", "pass12345678", "passw0rd1234", "password0000",
	"password1111", "password1234", "password12345", "password123456", "password1!23",
	"password2020", "password2021", "password2022", "password2023", "password2024",
	"password2025", "password2026", "passwordpassword", "pokemon12345", "princess1234",
	"qazwsxedcrfv", "qazwsxedcrfvtgb", "qwe123qwe123", "qweasdzxc123", "qwertyqwerty",
	"qwerty123456", "qwerty1234567", "qwertyuiop12", "qwertyuiop123", "qwertyuiopasdf",
	"qwertyuiopasdfgh", "qwertyuiopasdfghjkl", "secretsecret", "samsung12345", "shadow123456",
	"starwars1234", "sunshine1234", "superman1234", "testtesttest", "thisismypassword",
	"trustno1trustno1", "welcome12345", "welcome123456", "welcomewelcome", "whatever1234",
	"zaq12wsxcde3", "zaq1zaq1zaq1", "zxcvbnm12345", "zxcvbnmasdfghjkl", "zxcvbnmasdfghjklqwertyuiop",
	"contrasena123", "contraseña123", "passwort1234", "parola123456", "senha1234567",
	"agora1234567", "agoraagora12", "secretariat1", "secretariat123", "unitednations",
	"unitednations1", "internetgovernance", "worldsummit12",
};

int
password_is_listed(const char *password)
{
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcasecmp(password, common[i]) == 0)
			return 1;
	return 0;
}

/* The whole password is one short run (up to 4 bytes) repeated: "aaaaaaaaaaaa", "abcabcabcabc". */
static int
repeated_run(const char *p, size_t n)
{
	for (size_t unit = 1; unit <= 4 && unit < n; unit++) {
		size_t i = unit;
		while (i < n && p[i] == p[i - unit])
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Each character one after or one before the last: "abcdefghijklm", "987654321098" (digits wrap). */
static int
sequence(const char *p, size_t n)
{
	int up = 1, down = 1;

	for (size_t i = 1; i < n; i++) {
		unsigned char a = (unsigned char)p[i - 1], b = (unsigned char)p[i];
		int digits = a >= '0' && a <= '9' && b >= '0' && b <= '9';
		if (!(b == a + 1 || (digits && a == '9' && b == '0')))
			up = 0;
		if (!(b + 1 == a || (digits && a == '0' && b == '9')))
			down = 0;
	}
	return up || down;
}

/* p is s, or s followed by digits only (ASCII case aside). */
static int
is_or_digits(const char *p, const char *s, size_t slen)
{
	return slen >= 4 && strncasecmp(p, s, slen) == 0 && strspn(p + slen, "0123456789") == strlen(p + slen);
}

enum password_verdict
password_check(const char *password, const char *email, const char *name)
{
	size_t n, chars;
	const char *at;

	if (password == NULL || password[0] == '\0')
		return PASSWORD_EMPTY;
	n = strlen(password);
	if (!utf8_valid(password, n))
		return PASSWORD_NOT_TEXT;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
			return PASSWORD_NOT_TEXT;
	chars = utf8_chars(password, n);
	if (chars < PASSWORD_MIN_CHARS)
		return PASSWORD_TOO_SHORT;
	if (chars > PASSWORD_MAX_CHARS)
		return PASSWORD_TOO_LONG;
	if (password_is_listed(password) || repeated_run(password, n) || sequence(password, n))
		return PASSWORD_COMMON;
	if (email != NULL && email[0] != '\0') {
		at = strchr(email, '@');
		if (is_or_digits(password, email, strlen(email)) ||
		    (at != NULL && is_or_digits(password, email, (size_t)(at - email))))
			return PASSWORD_PERSONAL;
	}
	if (name != NULL && is_or_digits(password, name, strlen(name)))
		return PASSWORD_PERSONAL;
	return PASSWORD_OK;
}

const char *
password_verdict_message(enum password_verdict v)
{
	switch (v) {
	case PASSWORD_OK:
		return NULL;
	case PASSWORD_EMPTY:
		return _("Choose a password.");
	case PASSWORD_NOT_TEXT:
		return _("A password is text without control characters.");
	case PASSWORD_TOO_SHORT:
		return _("A password has at least 12 characters: a few words make a good one.");
	case PASSWORD_TOO_LONG:
		return _("A password has at most 128 characters.");
	case PASSWORD_COMMON:
		return _("This password is too common or too easy to guess: choose another.");
	case PASSWORD_PERSONAL:
		return _("A password must not be your email address or your name.");
	}
	return _("Choose another password.");
}

int
password_hash(const char *password, char out[PASSWORD_HASH_LEN])
{
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}
