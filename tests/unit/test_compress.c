/* test_compress.c: Accept-Encoding with its q-values (gzip;q=0 refuses, * stands in, malformed
 * weights count for nothing), the types worth compressing, entity tags (the gzip variant
 * distinct), If-None-Match (lists, W/, *, malformed lists) and a gzip round trip with zlib. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <zlib.h>

#include "web/compress.h"

static int
setup(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

static void
test_accept_encoding(void **state)
{
	assert_false(compress_accepts_gzip(NULL));
	assert_false(compress_accepts_gzip(""));
	assert_true(compress_accepts_gzip("gzip"));
	assert_true(compress_accepts_gzip("GZIP"));
	assert_true(compress_accepts_gzip("x-gzip"));
	assert_true(compress_accepts_gzip("gzip, deflate, br"));
	assert_true(compress_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
	assert_true(compress_accepts_gzip("deflate , gzip ; q=0.001"));
	assert_true(compress_accepts_gzip("*"));
	assert_true(compress_accepts_gzip("identity;q=1, *;q=0.5"));
	/* refusals: q=0 in every spelling, and an explicit gzip;q=0 beats a welcoming * */
	assert_false(compress_accepts_gzip("gzip;q=0"));
	assert_false(compress_accepts_gzip("gzip; q=0.0"));
	assert_false(compress_accepts_gzip("gzip;Q=0.000"));
	assert_false(compress_accepts_gzip("*;q=1, gzip;q=0"));
	assert_false(compress_accepts_gzip("gzip;q=0, *"));
	assert_false(compress_accepts_gzip("*;q=0"));
	assert_false(compress_accepts_gzip("identity"));
	assert_false(compress_accepts_gzip("deflate, br"));
	assert_false(compress_accepts_gzip("gzipx, xgzip, gzi"));
	/* malformed weights are not a yes */
	assert_false(compress_accepts_gzip("gzip;q=2"));
	assert_false(compress_accepts_gzip("gzip;q=1.5"));
	assert_false(compress_accepts_gzip("gzip;q=0.12345"));
	assert_false(compress_accepts_gzip("gzip;q="));
	assert_false(compress_accepts_gzip("gzip;q=abc"));
	assert_false(compress_accepts_gzip("gzip junk"));
	/* other parameters are ignored; odd commas and spaces are tolerated */
	assert_true(compress_accepts_gzip("gzip;level=9"));
	assert_true(compress_accepts_gzip(",, gzip ,"));
	assert_true(compress_accepts_gzip("gzip;q=1.000"));
	assert_false(compress_accepts_gzip("gzip;q=1.001"));
}

static void
test_types(void **state)
{
	assert_true(compress_type_ok("text/html; charset=utf-8"));
	assert_true(compress_type_ok("text/css; charset=utf-8"));
	assert_true(compress_type_ok("application/json"));
	assert_true(compress_type_ok("application/problem+json"));
	assert_true(compress_type_ok("application/atom+xml; charset=utf-8"));
	assert_true(compress_type_ok("text/calendar; charset=utf-8"));
	assert_true(compress_type_ok("text/plain"));
	assert_true(compress_type_ok("image/svg+xml"));
	assert_true(compress_type_ok("TEXT/HTML"));
	assert_false(compress_type_ok(NULL));
	assert_false(compress_type_ok("application/zip"));
	assert_false(compress_type_ok("application/pdf"));
	assert_false(compress_type_ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	assert_false(compress_type_ok("image/png"));
	assert_false(compress_type_ok("text/htmlx"));
	assert_false(compress_type_ok("text/htm"));
}

static void
test_etags(void **state)
{
	char a[COMPRESS_ETAG_MAX], b[COMPRESS_ETAG_MAX], agz[COMPRESS_ETAG_MAX];

	compress_etag("hello", 5, 0, a);
	compress_etag("hello", 5, 1, agz);
	compress_etag("hellO", 5, 0, b);
	assert_int_equal(strlen(a), 34);
	assert_true(a[0] == '"' && a[33] == '"');
	assert_string_not_equal(a, b);	/* one byte changes the tag */
	assert_int_equal(strlen(agz), 37);
	assert_memory_equal(a, agz, 33);	/* the same hash, */
	assert_string_equal(agz + 33, "-gz\"");	/* another representation */
	compress_etag("hello", 5, 0, b);
	assert_string_equal(a, b);	/* stable */
}

static void
test_if_none_match(void **state)
{
	const char *t = "\"0123abcd\"";

	assert_true(compress_etag_match("\"0123abcd\"", t));
	assert_true(compress_etag_match("W/\"0123abcd\"", t));	/* weak comparison for GET */
	assert_true(compress_etag_match("W/\"0123abcd\"", "W/\"0123abcd\""));
	assert_true(compress_etag_match("\"x\", \"0123abcd\"", t));
	assert_true(compress_etag_match("\"x\",W/\"y\" ,  \"0123abcd\"", t));
	assert_true(compress_etag_match("*", t));
	assert_true(compress_etag_match("  * ", t));
	assert_false(compress_etag_match(NULL, t));
	assert_false(compress_etag_match("", t));
	assert_false(compress_etag_match("\"0123abcd-gz\"", t));	/* the other representation */
	assert_false(compress_etag_match("\"0123abcd\"", "\"0123abcd-gz\""));
	assert_false(compress_etag_match("\"0123abc\"", t));
	assert_false(compress_etag_match("0123abcd", t));	/* unquoted: not a tag */
	assert_false(compress_etag_match("\"0123abcd", t));
	assert_false(compress_etag_match("*, \"0123abcd\"", t));	/* * stands alone */
	assert_false(compress_etag_match("\"x\" \"0123abcd\"", t));	/* no comma: malformed */
	assert_false(compress_etag_match("w/\"0123abcd\"", t));	/* W/ is case-sensitive */
	assert_false(compress_etag_match("\"x\", garbage, \"0123abcd\"", t));
}

static void
test_gzip_round_trip(void **state)
{
	struct buf z;
	size_t n = 100000;
	char *in = malloc(n), *back = malloc(n + 1);
	z_stream s;

	assert_non_null(in);
	assert_non_null(back);
	for (size_t i = 0; i < n; i++)
		in[i] = "<p>agora</p>\n"[i % 13] + (char)(i % 7 == 0);
	buf_init(&z);
	buf_puts(&z, "kept");	/* appends after what is there */
	assert_int_equal(compress_gzip(in, n, &z), 0);
	assert_true(z.len > 4 && z.len < n / 4);
	assert_memory_equal(z.data, "kept", 4);
	assert_int_equal((unsigned char)z.data[4], 0x1f);	/* gzip's magic */
	assert_int_equal((unsigned char)z.data[5], 0x8b);
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, MAX_WBITS + 16), Z_OK);
	s.next_in = (Bytef *)z.data + 4;
	s.avail_in = (uInt)(z.len - 4);
	s.next_out = (Bytef *)back;
	s.avail_out = (uInt)(n + 1);
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, n);
	assert_memory_equal(back, in, n);
	inflateEnd(&s);
	buf_reset(&z);
	assert_int_equal(compress_gzip("", 0, &z), 0);	/* empty is still a gzip member */
	assert_true(z.len >= 18);
	buf_free(&z);
	free(in);
	free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_encoding),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_etags),
		cmocka_unit_test(test_if_none_match),
		cmocka_unit_test(test_gzip_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
