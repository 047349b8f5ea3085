/* test_report.c: the Chair's report's pure parts: months, the texts' checks, the model's JSON
 * round trip (what the PDF worker reads) and its refusals, Markdown as styled paragraphs, and
 * the HTML and DOCX writers' escaping and language marks. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "domain/report.h"
#include "render/render.h"

static void
test_months(void **state)
{
	int64_t t;

	assert_int_equal(report_month_parse("2019-02", &t), 0);
	assert_int_equal(t, 1548979200);	/* 2019-02-01T00:00:00Z */
	assert_int_equal(report_month_next(t), 1551398400);	/* 2019-03-01 */
	assert_int_equal(report_month_parse("2021-12", &t), 0);
	assert_int_equal(report_month_next(t), 1640995200);	/* 2022-01-01: the year carries */
	assert_int_equal(report_month_parse("2019-13", &t), -1);
	assert_int_equal(report_month_parse("2019-00", &t), -1);
	assert_int_equal(report_month_parse("2019-2", &t), -1);
	assert_int_equal(report_month_parse("2019-02-01", &t), -1);
	assert_int_equal(report_month_parse("1969-12", &t), -1);
	assert_int_equal(report_month_parse("20a9-02", &t), -1);
	assert_int_equal(report_month_parse("", &t), -1);
	assert_int_equal(report_month_parse(NULL, &t), -1);
}

static void
test_text_checks(void **state)
{
	struct err e;
	char *big = malloc(REPORT_TEXT_MAX_CHARS + 2);

	assert_non_null(big);
	assert_int_equal(report_text_check(REPORT_SYMBOL, "C22/xx", &e), 0);
	assert_int_equal(report_text_check(REPORT_SYMBOL, "C22\nxx", &e), -1);
	assert_string_equal(e.field, "symbol");
	assert_int_equal(report_text_check(REPORT_MANDATE, "line\nline", &e), 0);
	assert_int_equal(report_text_check(REPORT_TITLE, "\xff\xfe", &e), -1);
	memset(big, 'x', REPORT_TEXT_MAX_CHARS);
	big[REPORT_TEXT_MAX_CHARS] = '\0';
	assert_int_equal(report_text_check(REPORT_SUMMARY, big, &e), 0);
	big[REPORT_TEXT_MAX_CHARS] = 'x';
	big[REPORT_TEXT_MAX_CHARS + 1] = '\0';
	assert_int_equal(report_text_check(REPORT_SUMMARY, big, &e), -1);
	assert_string_equal(e.field, "summary");
	free(big);
}

/* A small model by hand: a title, a meeting heading, a sentence, two outcomes (one in English
 * in an Arabic report), Markdown. */
static void
model(struct report *rp, struct arena *a)
{
	static struct report_block blocks[] = {
		{ RB_TITLE, "تقرير <الرئيس>", NULL, LANG_AR },
		{ RB_H2, "الاجتماع الثاني عشر", NULL, LANG_AR },
		{ RB_PARA, "The main outcomes & more", NULL, LANG_AR },
		{ RB_ITEM, "Member States \"are\" invited <b>", "a)", LANG_EN },
		{ RB_ITEM, "نص", "b)", LANG_AR },
		{ RB_MARKDOWN, "Some **bold** <script>x</script>", NULL, LANG_EN },
	};
	(void)a;
	memset(rp, 0, sizeof(*rp));
	rp->lang = LANG_AR;
	rp->symbol = "C22/<xx>";
	rp->title = "تقرير";
	rp->page_label = "Page {page} of {pages}";
	rp->blocks = blocks;
	rp->nblocks = rp->cap = (int)(sizeof(blocks) / sizeof(blocks[0]));
}

static void
test_json_round_trip(void **state)
{
	struct arena *a = arena_new();
	struct report rp, back;
	struct err e;
	json_t *j;

	model(&rp, a);
	j = report_to_json(&rp);
	assert_non_null(j);
	assert_int_equal(report_from_json(j, a, &back, &e), 0);
	assert_int_equal(back.lang, LANG_AR);
	assert_string_equal(back.symbol, "C22/<xx>");
	assert_int_equal(back.nblocks, rp.nblocks);
	for (int i = 0; i < rp.nblocks; i++) {
		assert_int_equal(back.blocks[i].kind, rp.blocks[i].kind);
		assert_string_equal(back.blocks[i].text, rp.blocks[i].text);
		assert_int_equal(back.blocks[i].lang, rp.blocks[i].lang);
	}
	assert_string_equal(back.blocks[3].label, "a)");
	json_decref(j);
	/* refusals: not an object, an unknown language, a block kind out of range */
	j = json_loads("[1]", 0, NULL);
	assert_int_equal(report_from_json(j, a, &back, &e), -1);
	json_decref(j);
	j = json_loads("{\"lang\":\"de\",\"blocks\":[]}", 0, NULL);
	assert_int_equal(report_from_json(j, a, &back, &e), -1);
	json_decref(j);
	j = json_loads("{\"lang\":\"en\",\"blocks\":[{\"k\":99,\"t\":\"x\",\"l\":\"en\"}]}", 0, NULL);
	assert_int_equal(report_from_json(j, a, &back, &e), -1);
	json_decref(j);
	arena_free(a);
}

static void
test_markdown_paragraphs(void **state)
{
	struct arena *a = arena_new();
	struct md_par *p = NULL;
	int n = md_flatten(a, "# Head\n\nA *b* **c** `d`\n\n- one\n- two\n\n3. three\n\n<div>raw</div>\n", &p);

	assert_int_equal(n, 5);
	assert_int_equal(p[0].kind, MD_HEADING);
	assert_int_equal(p[0].level, 1);
	assert_string_equal(p[0].runs[0].text, "Head");
	assert_int_equal(p[1].nruns, 6);	/* "A ", "b", " ", "c", " ", "d" */
	assert_int_equal(p[1].runs[1].style, MD_ITALIC);
	assert_int_equal(p[1].runs[3].style, MD_BOLD);
	assert_int_equal(p[1].runs[5].style, MD_CODE);
	assert_string_equal(p[2].prefix, "\xe2\x80\xa2");
	assert_int_equal(p[2].indent, 1);
	assert_string_equal(p[4].prefix, "3.");
	arena_free(a);
}

static void
test_html_escapes_and_marks_languages(void **state)
{
	struct arena *a = arena_new();
	struct report rp;
	struct buf b;

	model(&rp, a);
	buf_init(&b);
	assert_int_equal(report_render_html(&rp, &b), 0);
	assert_non_null(strstr(b.data, "<html lang=\"ar\" dir=\"rtl\">"));
	assert_non_null(strstr(b.data, "C22/&lt;xx&gt;"));
	assert_non_null(strstr(b.data, "تقرير &lt;الرئيس&gt;"));
	assert_non_null(strstr(b.data, "<span lang=\"en\" dir=\"ltr\">Member States &quot;are&quot; invited &lt;b&gt;"));
	assert_non_null(strstr(b.data, "<strong>bold</strong>"));
	assert_null(strstr(b.data, "<script>"));
	assert_null(strstr(b.data, "<b>"));
	buf_free(&b);
	arena_free(a);
}

static void
test_docx_parts(void **state)
{
	struct arena *a = arena_new();
	struct report rp;
	struct buf b;
	struct err e;
	zip_source_t *src;
	zip_t *z;
	zip_file_t *f;
	char doc[16384];
	zip_int64_t got;

	model(&rp, a);
	buf_init(&b);
	assert_int_equal(report_render_docx(&rp, &b, &e), 0);
	src = zip_source_buffer_create(b.data, b.len, 0, NULL);
	assert_non_null(src);
	z = zip_open_from_source(src, ZIP_RDONLY, NULL);
	assert_non_null(z);
	assert_true(zip_name_locate(z, "[Content_Types].xml", 0) >= 0);
	assert_true(zip_name_locate(z, "word/styles.xml", 0) >= 0);
	assert_non_null(f = zip_fopen(z, "word/document.xml", 0));
	got = zip_fread(f, doc, sizeof(doc) - 1);
	assert_true(got > 0);
	doc[got] = '\0';
	zip_fclose(f);
	assert_non_null(strstr(doc, "<w:pStyle w:val=\"Heading2\"/><w:bidi/>"));
	assert_non_null(strstr(doc, "<w:rtl/>"));
	assert_non_null(strstr(doc, "Member States &quot;are&quot; invited &lt;b&gt;"));
	assert_non_null(strstr(doc, "w:val=\"en-GB\""));
	assert_null(strstr(doc, "<script>"));
	zip_close(z);
	buf_free(&b);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_text_checks),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_markdown_paragraphs),
		cmocka_unit_test(test_html_escapes_and_marks_languages),
		cmocka_unit_test(test_docx_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
