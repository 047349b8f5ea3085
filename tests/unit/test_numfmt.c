/* test_numfmt.c: counts for people in the six languages (src/util/numfmt.c), the text statuses
 * of struct mtext (src/domain/text.c) and the value labels of the SVG charts (src/render/svg.c). */
#include "unit.h"

#include <pthread.h>

#include "domain/text.h"
#include "render/svg.h"
#include "util/buf.h"
#include "util/numfmt.h"

/* The exact bytes ICU 72 writes: French groups with U+202F (narrow no-break space), Russian
 * with U+00A0, Spanish with '.'; Arabic keeps Western digits and the Latin separators that
 * CLDR gives Arabic with Western digits (ar@numbers=latn). */
static void
test_groups_per_language(void **state)
{
	static const struct {
		enum lang l;
		int64_t n;
		const char *want;
	} cases[] = {
		{ LANG_EN, 1234567, "1,234,567" },
		{ LANG_FR, 1234567, "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567" },
		{ LANG_RU, 1234567, "1\xc2\xa0" "234\xc2\xa0" "567" },
		{ LANG_ES, 1234567, "1.234.567" },
		{ LANG_ZH, 1234567, "1,234,567" },
		{ LANG_AR, 1234567, "1,234,567" },
		{ LANG_EN, 1234, "1,234" },
		{ LANG_FR, 1234, "1\xe2\x80\xaf" "234" },
		{ LANG_ES, 1234, "1.234" },
		{ LANG_ES, 12345, "12.345" },
		{ LANG_EN, 999, "999" },
		{ LANG_AR, 0, "0" },
		{ LANG_EN, -1500, "-1,500" },
		{ LANG_EN, INT64_MAX, "9,223,372,036,854,775,807" },
	};
	char out[NUMFMT_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(numfmt_int(cases[i].n, cases[i].l, out), 0);
		assert_string_equal(out, cases[i].want);
	}
}

/* No Arabic-Indic digit (U+0660..U+0669: bytes d9 a0..a9) in any Arabic count. */
static void
test_arabic_western_digits(void **state)
{
	char out[NUMFMT_LEN];

	assert_string_equal(numfmt_locale(LANG_AR), "ar@numbers=latn");
	assert_string_equal(numfmt_locale(LANG_FR), "fr");
	for (int64_t n = 1; n < 10000000; n = n * 7 + 3) {
		numfmt_int(n, LANG_AR, out);
		for (const char *p = out; *p; p++)
			assert_false((unsigned char)p[0] == 0xd9 && (unsigned char)p[1] >= 0xa0 &&
				     (unsigned char)p[1] <= 0xa9);
	}
}

/* A language outside the six still gives plain digits, and -1. */
static void
test_unknown_language(void **state)
{
	char out[NUMFMT_LEN];

	assert_int_equal(numfmt_int(1234567, LANG_COUNT, out), -1);
	assert_string_equal(out, "1234567");
}

/* The formats are per thread: each thread gets the same answers. */
static void *
other_thread(void *arg)
{
	char *out = arg;

	numfmt_int(1234567, LANG_ES, out);
	return NULL;
}

static void
test_threads(void **state)
{
	char a[NUMFMT_LEN], b[NUMFMT_LEN];
	pthread_t t;

	numfmt_int(1234567, LANG_FR, a);
	assert_int_equal(pthread_create(&t, NULL, other_thread, b), 0);
	pthread_join(t, NULL);
	assert_string_equal(b, "1.234.567");
	numfmt_int(1234567, LANG_ES, a);
	assert_string_equal(a, "1.234.567");
}

static void
test_mtext_status(void **state)
{
	struct mtext t = { .original = LANG_EN };

	mtext_set(&t, LANG_EN, "Title", "original");
	mtext_set(&t, LANG_FR, "Titre", "official");
	mtext_set(&t, LANG_ES, "Título", "draft");
	assert_int_equal(mtext_status(&t, LANG_EN), TEXT_ORIGINAL);
	assert_int_equal(mtext_status(&t, LANG_FR), TEXT_OFFICIAL);
	assert_int_equal(mtext_status(&t, LANG_ES), TEXT_DRAFT);
	assert_int_equal(mtext_status(&t, LANG_AR), TEXT_NONE);
	assert_int_equal(mtext_status(&t, LANG_COUNT), TEXT_NONE);
	assert_string_equal(text_status_code(TEXT_DRAFT), "draft");
	assert_string_equal(text_status_code(TEXT_NONE), "missing");
	/* a loader that reads no statuses (the public's): derived from the original language */
	struct mtext p = { .original = LANG_FR };
	p.body[LANG_FR] = "Titre";
	p.body[LANG_ZH] = "标题";
	assert_int_equal(mtext_status(&p, LANG_FR), TEXT_ORIGINAL);
	assert_int_equal(mtext_status(&p, LANG_ZH), TEXT_OFFICIAL);
	assert_int_equal(mtext_status(&p, LANG_RU), TEXT_NONE);
	assert_int_equal(text_status_parse("bogus"), TEXT_NONE);
}

/* A chart shows the formatted value but draws its bar from the number. */
static void
test_chart_value_labels(void **state)
{
	struct svg_bar bars[] = { { "a", 1234 }, { "b", 617 } };
	const char *shown[] = { "1\xe2\x80\xaf" "234", NULL };
	struct buf b;

	buf_init(&b);
	svg_bar_chart_labelled(&b, "fr", "Réponses", bars, shown, 2);
	assert_non_null(strstr(b.data, ">1\xe2\x80\xaf" "234</text>"));
	assert_non_null(strstr(b.data, ">617</text>"));
	assert_null(strstr(b.data, ">1234</text>"));
	/* the geometry keeps plain digits: the bar of 617 is half that of 1234 */
	const char *g = strstr(b.data, "class=\"chart-bar\"");
	const char *r1 = g ? strstr(g, "<rect") : NULL, *r2 = r1 ? strstr(r1 + 1, "<rect") : NULL;
	long w1 = 0, w2 = 0;
	assert_non_null(r2);
	assert_int_equal(sscanf(strstr(r1, "width=\""), "width=\"%ld\"", &w1), 1);
	assert_int_equal(sscanf(strstr(r2, "width=\""), "width=\"%ld\"", &w2), 1);
	assert_true(w1 > 0 && w2 * 2 == w1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_per_language),
		cmocka_unit_test(test_arabic_western_digits),
		cmocka_unit_test(test_unknown_language),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_mtext_status),
		cmocka_unit_test(test_chart_value_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
