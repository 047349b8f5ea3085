/* test_svg.c: the SVG bar charts of the summaries (render/svg.c): labels and titles escaped
 * (well-formed XML whatever the text), invalid UTF-8 and control characters replaced, numbers in
 * ASCII digits whatever the locale, bar lengths, the cut of long labels and of many bars, the
 * chart's id; with them the two small parsers of the summaries: the ITU regions of countries and
 * the [R-N] citations. */
#include "unit.h"

#include <locale.h>
#include <string.h>

#include <libxml/parser.h>

#include "domain/itu_region.h"
#include "domain/summary.h"
#include "render/svg.h"

static const char *
text_of(struct buf *b, const char *in)
{
	buf_init(b);
	svg_text(b, in);
	return b->data ? b->data : "";
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* 1 when s parses as XML without an error. */
static int
well_formed(const char *s)
{
	xmlDocPtr d = xmlReadMemory(s, (int)strlen(s), "chart.svg", "UTF-8",
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (d == NULL)
		return 0;
	xmlFreeDoc(d);
	return 1;
}

static void
test_text_escapes(void **state)
{
	struct buf b;

	assert_string_equal(text_of(&b, "<script>alert('x')</script> & \"q\""),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	buf_free(&b);
	assert_string_equal(text_of(&b, NULL), "");
	buf_free(&b);
	/* UTF-8 kept as it is: Arabic, Chinese, Cyrillic */
	assert_string_equal(text_of(&b, "الدول 中文 Россия"), "الدول 中文 Россия");
	buf_free(&b);
}

static void
test_text_replaces_what_xml_cannot_hold(void **state)
{
	struct buf b;

	/* a lone continuation byte, a truncated sequence, an overlong '/', a control character */
	assert_string_equal(text_of(&b, "a\x80" "b"), "a\xef\xbf\xbd" "b");
	buf_free(&b);
	assert_string_equal(text_of(&b, "c\xe4\xb8"), "c\xef\xbf\xbd\xef\xbf\xbd");
	buf_free(&b);
	assert_string_equal(text_of(&b, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");
	buf_free(&b);
	assert_string_equal(text_of(&b, "x\x01y\tz"), "x\xef\xbf\xbdy\tz");
	buf_free(&b);
}

static void
test_chart_escapes_labels_and_title(void **state)
{
	struct svg_bar bars[] = {
		{ "<b onload=\"x\">Gov & Co</b>", 3 },
		{ "l'\x01\xff", 1 },
		{ NULL, 2 },
	};
	struct buf b;

	buf_init(&b);
	svg_bar_chart(&b, "by-type", "Responses </title><script>", bars, 3);
	assert_non_null(b.data);
	assert_null(strstr(b.data, "<b "));
	assert_null(strstr(b.data, "<script>"));
	assert_non_null(strstr(b.data, "&lt;b onload=&quot;x&quot;&gt;Gov &amp; Co&lt;/b&gt;"));
	assert_non_null(strstr(b.data, "<title id=\"by-type-title\">Responses &lt;/title&gt;&lt;script&gt;</title>"));
	assert_non_null(strstr(b.data, "role=\"img\" direction=\"ltr\" aria-labelledby=\"by-type-title\""));
	assert_null(strstr(b.data, "style="));	/* the CSP forbids inline style */
	assert_true(well_formed(b.data));
	buf_free(&b);
}

static void
test_chart_numbers_and_bars(void **state)
{
	struct svg_bar bars[] = {
		{ "big", 1234567890123LL },
		{ "half", 617283945061LL },
		{ "tiny", 1 },
		{ "zero", 0 },
		{ "negative", -5 },
	};
	struct buf b;
	/* A locale that writes numbers with separators, when the system has one: no effect. */
	const char *old = setlocale(LC_ALL, NULL);
	char *keep = old ? strdup(old) : NULL;

	if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL)
		setlocale(LC_ALL, "fr_FR.UTF-8");
	buf_init(&b);
	svg_bar_chart(&b, "n", "Numbers", bars, 5);
	setlocale(LC_ALL, keep ? keep : "C");
	free(keep);
	assert_non_null(b.data);
	assert_non_null(strstr(b.data, ">1234567890123</text>"));
	assert_non_null(strstr(b.data, ">617283945061</text>"));
	/* the largest bar is 340 wide, half of it 169 (integer division), 1 still shows */
	assert_non_null(strstr(b.data, "width=\"340\" height=\"18\""));
	assert_non_null(strstr(b.data, "width=\"169\" height=\"18\""));
	assert_non_null(strstr(b.data, "width=\"1\" height=\"18\""));
	/* 0 and a negative value: no bar, and 0 written */
	assert_int_equal(count(b.data, "width=\"0\" height=\"18\""), 2);
	assert_int_equal(count(b.data, ">0</text>"), 2);
	assert_null(strstr(b.data, "-5"));
	assert_null(strstr(b.data, "1.234"));
	assert_null(strstr(b.data, "1,234"));
	assert_true(well_formed(b.data));
	buf_free(&b);
}

static void
test_chart_cuts_labels_and_bars(void **state)
{
	struct svg_bar bars[SVG_MAX_BARS + 5];
	struct buf b;

	for (int i = 0; i < SVG_MAX_BARS + 5; i++) {
		bars[i].label = "Международная организация электросвязи, очень длинно";
		bars[i].value = i;
	}
	buf_init(&b);
	svg_bar_chart(&b, "many", "Many", bars, SVG_MAX_BARS + 5);
	assert_int_equal(count(b.data, "<rect "), SVG_MAX_BARS);
	/* 28 characters, then an ellipsis; never a cut inside a character */
	assert_non_null(strstr(b.data, ">Международная организация эл\xe2\x80\xa6</text>"));
	assert_true(well_formed(b.data));
	buf_free(&b);
	buf_init(&b);
	svg_bar_chart(&b, "none", "Empty", bars, 0);
	assert_int_equal(count(b.data, "<rect "), 0);
	assert_true(well_formed(b.data));
	buf_free(&b);
}

static void
test_chart_id_checked(void **state)
{
	struct svg_bar bar = { "a", 1 };
	struct buf b;

	buf_init(&b);
	svg_bar_chart(&b, "x\" onload=\"alert(1)", "T", &bar, 1);
	assert_null(strstr(b.data, "onload"));
	assert_non_null(strstr(b.data, "aria-labelledby=\"chart-title\""));
	buf_free(&b);
}

static void
test_itu_regions(void **state)
{
	static const struct {
		const char *country, *region;
	} cases[] = {
		{ "US", "A" }, { "BR", "A" }, { "FR", "B" }, { "TR", "B" }, { "IL", "B" }, { "RU", "C" },
		{ "KZ", "C" }, { "PL", "C" }, { "EG", "D" }, { "ZA", "D" }, { "JP", "E" }, { "SA", "E" },
		{ "AU", "E" }, { "IN", "E" }, { "GL", "A" }, { "RE", "D" }, { "ZW", "D" }, { "AD", "B" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(itu_region_of(cases[i].country), cases[i].region);
	assert_null(itu_region_of("AQ"));
	assert_null(itu_region_of("fr"));
	assert_null(itu_region_of("FRA"));
	assert_null(itu_region_of(""));
	assert_null(itu_region_of(NULL));
	assert_null(itu_region_of("D"));	/* a letter of the list is no code */
	assert_non_null(itu_region_name("C"));
	assert_null(itu_region_name("F"));
	assert_null(itu_region_name(""));
}

static void
test_citations_parse(void **state)
{
	struct arena *a = arena_new();
	int64_t *n;
	int k = summary_citations_parse(a, "[R-1] and [R-22][R-0] [R-] [R-12a] [R-1234567890] [r-3] "
					   "[R-05] [R-999999999] [R-7]", &n);

	assert_int_equal(k, 4);
	assert_int_equal(n[0], 1);
	assert_int_equal(n[1], 22);
	assert_int_equal(n[2], 999999999);
	assert_int_equal(n[3], 7);
	assert_int_equal(summary_citations_parse(a, "", &n), 0);
	assert_int_equal(summary_citations_parse(a, NULL, &n), 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_text_replaces_what_xml_cannot_hold),
		cmocka_unit_test(test_chart_escapes_labels_and_title),
		cmocka_unit_test(test_chart_numbers_and_bars),
		cmocka_unit_test(test_chart_cuts_labels_and_bars),
		cmocka_unit_test(test_chart_id_checked),
		cmocka_unit_test(test_itu_regions),
		cmocka_unit_test(test_citations_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
