/* test_html.c: the escape-by-default writer: every dangerous character, in text and
 * attribute context, and URL components; Markdown through cmark's safe mode. */
#include "unit.h"

#include <string.h>

#include "web/html.h"

static char *
run(void (*fn)(struct buf *, const char *), const char *in, struct buf *b)
{
	buf_init(b);
	fn(b, in);
	return b->data ? b->data : "";
}

static void
test_text_escapes_every_dangerous_character(void **state)
{
	struct buf b;

	assert_string_equal(run(html_text, "<a href=\"x\" onclick='y'>&amp;</a>", &b),
			    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
	buf_free(&b);
	assert_string_equal(run(html_text, "plain text, no change", &b), "plain text, no change");
	buf_free(&b);
	assert_string_equal(run(html_text, "&&&", &b), "&amp;&amp;&amp;");
	buf_free(&b);
}

static void
test_text_keeps_utf8(void **state)
{
	struct buf b;

	assert_string_equal(run(html_text, "可持续发展 <b> الإنترنت", &b), "可持续发展 &lt;b&gt; الإنترنت");
	buf_free(&b);
}

static void
test_attr_cannot_break_out(void **state)
{
	struct buf b;
	const char *out = run(html_attr, "\" onmouseover=\"alert(1)\" x='", &b);

	assert_null(strchr(out, '"'));
	assert_null(strchr(out, '\''));
	assert_null(strchr(out, '<'));
	assert_string_equal(out, "&quot; onmouseover=&quot;alert(1)&quot; x=&#39;");
	buf_free(&b);
}

static void
test_textn_stops_at_length(void **state)
{
	struct buf b;

	buf_init(&b);
	html_textn(&b, "<ab>cd", 3);
	assert_string_equal(b.data, "&lt;ab");
	buf_free(&b);
}

static void
test_null_writes_nothing(void **state)
{
	struct buf b;

	buf_init(&b);
	html_text(&b, NULL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_url_percent_encodes(void **state)
{
	struct buf b;

	assert_string_equal(run(html_url, "a b/\"<>?&=#é-._~", &b), "a%20b%2F%22%3C%3E%3F%26%3D%23%C3%A9-._~");
	buf_free(&b);
	assert_string_equal(run(html_url, "javascript:alert(1)", &b), "javascript%3Aalert%281%29");
	buf_free(&b);
}

static void
test_markdown_is_safe(void **state)
{
	struct buf b;
	const char *out = run(html_markdown,
			      "*hi* <script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=y>",
			      &b);

	assert_non_null(strstr(out, "<em>hi</em>"));
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "javascript:"));
	assert_null(strstr(out, "onerror"));
	buf_free(&b);
}

static void
test_markup_macro(void **state)
{
	struct buf b;

	buf_init(&b);
	H(&b, "<p>");
	html_int(&b, -42);
	H(&b, "</p>");
	assert_string_equal(b.data, "<p>-42</p>");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_every_dangerous_character),
		cmocka_unit_test(test_text_keeps_utf8),
		cmocka_unit_test(test_attr_cannot_break_out),
		cmocka_unit_test(test_textn_stops_at_length),
		cmocka_unit_test(test_null_writes_nothing),
		cmocka_unit_test(test_url_percent_encodes),
		cmocka_unit_test(test_markdown_is_safe),
		cmocka_unit_test(test_markup_macro),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
