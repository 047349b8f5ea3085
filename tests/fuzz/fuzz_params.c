/* fuzz_params.c: the route parameter checks, pagination cursors and Accept-Language on any
 * string: what is accepted has the shape route.h, cursor.h and i18n.h promise. */
#include <strings.h>

#include "fuzz.h"
#include "util/arena.h"
#include "util/i18n.h"
#include "util/str.h"
#include "web/cursor.h"
#include "web/route.h"

static int
only(const char *s, const char *set, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, set) == n;
}

#define LOWER_DIGITS "abcdefghijklmnopqrstuvwxyz0123456789"
#define BASE64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

/* An accepted value of kind k has the shape route.h gives for k. */
static void
check_accepted(enum param_kind k, const char *v)
{
	enum lang l;

	switch (k) {
	case P_SLUG:
		FUZZ_CHECK(slug_valid(v), "P_SLUG accepted \"%s\"", v);
		break;
	case P_LANG:
		FUZZ_CHECK(lang_from_code(v, &l) == 0 && strcasecmp(v, lang_code(l)) == 0,
			   "P_LANG accepted \"%s\"", v);
		break;
	case P_CURSOR:
		FUZZ_CHECK(only(v, BASE64URL, 1, 64), "P_CURSOR accepted \"%s\"", v);
		break;
	case P_LIMIT:
		FUZZ_CHECK(only(v, "0123456789", 1, 3) && atoi(v) >= 1 && atoi(v) <= 200,
			   "P_LIMIT accepted \"%s\"", v);
		break;
	case P_STATE:
		FUZZ_CHECK(str_eq(v, "scheduled") || str_eq(v, "open") || str_eq(v, "closed"),
			   "P_STATE accepted \"%s\"", v);
		break;
	case P_NAME:
		FUZZ_CHECK(only(v, LOWER_DIGITS "_.-", 1, 64) && v[0] != '.',
			   "P_NAME accepted \"%s\"", v);
		break;
	case P_RESPONSE_ID:	/* openapi.json: 12 of a-z and 0-9 */
		FUZZ_CHECK(only(v, LOWER_DIGITS, 12, 12), "P_RESPONSE_ID accepted \"%s\"", v);
		break;
	case P_INDEX:
		FUZZ_CHECK(only(v, "0123456789", 1, 2) && atoi(v) >= 1 && atoi(v) <= 99,
			   "P_INDEX accepted \"%s\"", v);
		break;
	case P_TOKEN:
		FUZZ_CHECK(strncmp(v, "manage_", 7) == 0 && only(v + 7, BASE64URL, 0, 56),
			   "P_TOKEN accepted \"%s\"", v);
		break;
	case P_ID:	/* openapi.json TokenId: ^[1-9][0-9]{0,11}$ */
		FUZZ_CHECK(only(v, "0123456789", 1, 12) && v[0] != '0', "P_ID accepted \"%s\"", v);
		break;
	case P_NUMBER:	/* openapi.json MeetingNumber: 1..9999 */
		FUZZ_CHECK(only(v, "0123456789", 1, 4) && v[0] != '0', "P_NUMBER accepted \"%s\"", v);
		break;
	case P_LETTER:	/* openapi.json OutcomeLetter: ^[a-z]$ */
		FUZZ_CHECK(only(v, "abcdefghijklmnopqrstuvwxyz", 1, 1), "P_LETTER accepted \"%s\"", v);
		break;
	case P_SYMBOL:	/* cwg-internet-M-N, M and N 1..9999 without leading zeros */
		FUZZ_CHECK(strncmp(v, "cwg-internet-", 13) == 0 && only(v + 13, "0123456789-", 3, 9) &&
				   v[13] != '0' && strchr(v + 13, '-') != NULL && strchr(v + 13, '-')[1] != '0' &&
				   strchr(v + 13, '-')[1] != '\0' && strchr(strchr(v + 13, '-') + 1, '-') == NULL,
			   "P_SYMBOL accepted \"%s\"", v);
		break;
	}
}

static const enum param_kind kinds[] = { P_SLUG, P_LANG, P_CURSOR, P_LIMIT, P_STATE,
					 P_NAME, P_RESPONSE_ID, P_INDEX, P_TOKEN, P_ID, P_NUMBER, P_LETTER,
					 P_SYMBOL };

static int
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	int64_t t = -1, id = -1;
	enum lang l;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct param p = { "fuzz", kinds[i], IN_QUERY };
		const char *why = NULL;
		if (route_param_check(&p, s, &why) == 0)
			check_accepted(kinds[i], s);
		else
			FUZZ_CHECK(why != NULL && why[0] != '\0', "kind %d refused without a reason",
				   (int)kinds[i]);
	}

	if (cursor_parse(s, &t, &id) == 0) {
		if (s[0] == '\0') {
			FUZZ_CHECK(t == 0 && id == 0, "\"\" gave %lld-%lld", (long long)t, (long long)id);
		} else {
			struct arena *a = arena_new();
			const char *again;
			if (a == NULL)
				abort();
			again = cursor_make(a, t, id);
			FUZZ_CHECK(again != NULL && strcmp(again, s) == 0,
				   "cursor_parse accepted \"%s\" (%lld, %lld), which cursor_make writes as \"%s\"",
				   s, (long long)t, (long long)id, again ? again : "(null)");
			arena_free(a);
		}
	}

	l = lang_negotiate(s);
	FUZZ_CHECK((int)l >= 0 && (int)l < LANG_COUNT, "lang_negotiate gave %d", (int)l);
	FUZZ_CHECK(l == LANG_EN || contains_nocase(s, lang_code(l)),
		   "lang_negotiate chose %s, which \"%s\" does not name", lang_code(l), s);
	free(s);
	return 0;
}
