/* test_util.c: unit tests for src/util: buf, arena, str, timefmt, clock, config, i18n. */
#include "unit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/i18n.h"
#include "util/str.h"
#include "util/thread.h"
#include "util/timefmt.h"

static void
test_buf_growth(void **state)
{
	struct buf b;
	char chunk[100];

	buf_init(&b);
	for (int i = 0; i < 100; i++)
		chunk[i] = (char)('a' + i % 26);
	for (int i = 0; i < 100; i++)
		buf_add(&b, chunk, sizeof(chunk));
	assert_false(b.failed);
	assert_int_equal(b.len, 10000);
	assert_true(b.cap >= 10001);
	assert_int_equal(b.data[10000], '\0');
	for (size_t i = 0; i < b.len; i++)
		assert_int_equal(b.data[i], 'a' + (i % 100) % 26);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_puts(&b, "x");
	buf_putc(&b, 'y');
	assert_string_equal(b.data, "xy");
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_buf_printf(void **state)
{
	struct buf b;
	char big[1000];

	buf_init(&b);
	buf_printf(&b, "%d-%s", 42, "abc");
	buf_printf(&b, "|%05.1f", 2.5);
	assert_string_equal(b.data, "42-abc|002.5");
	/* a formatted piece bigger than the first allocation */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_printf(&b, "[%s]", big);
	assert_false(b.failed);
	assert_int_equal(b.len, 12 + 2 + 999);
	assert_int_equal(b.data[12], '[');
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(b.data[b.len], '\0');
	buf_free(&b);
}

static void
test_buf_detach(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b);
	buf_puts(&b, "hello");
	p = buf_detach(&b, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(p);
	/* an empty buffer still detaches to a string the caller frees */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
}

/* arena_grow keeps every element through each doubling and moves only when full. */
static void
test_arena_grow(void **state)
{
	struct arena *a = arena_new();
	int *items = NULL, n = 0, cap = 0, *before;

	assert_non_null(a);
	for (int i = 0; i < 1000; i++) {
		before = items;
		items = arena_grow(a, items, n, &cap, sizeof(*items));
		assert_non_null(items);
		if (i > 0 && n < 16)
			assert_ptr_equal(items, before);	/* room left: not moved */
		items[n++] = i * 7;
		assert_true(cap >= n);
	}
	assert_int_equal(cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(items[i], i * 7);
	arena_free(a);
}

static void
test_arena(void **state)
{
	struct arena *a = arena_new();
	unsigned char *ptrs[5000];
	unsigned char *big;
	char *s;

	assert_non_null(a);
	for (int i = 0; i < 5000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		ptrs[i] = arena_alloc(a, n);
		assert_non_null(ptrs[i]);
		assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(ptrs[i][k], 0);	/* zeroed */
		memset(ptrs[i], i & 0xff, n);
	}
	big = arena_alloc(a, 1 << 20);
	assert_non_null(big);
	for (size_t k = 0; k < (1 << 20); k += 4096)
		assert_int_equal(big[k], 0);
	memset(big, 0xee, 1 << 20);
	/* nothing overlapped: every small block still holds its own pattern */
	for (int i = 0; i < 5000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		for (size_t k = 0; k < n; k++)
			assert_int_equal(ptrs[i][k], i & 0xff);
	}
	assert_true(arena_used_bytes(a) >= (1 << 20));
	s = arena_strdup(a, "bonjour");
	assert_string_equal(s, "bonjour");
	assert_null(arena_strdup(a, NULL));
	s = arena_strndup(a, "abcdef", 3);
	assert_string_equal(s, "abc");
	s = arena_printf(a, "%s=%d", "n", 12345);
	assert_string_equal(s, "n=12345");
	arena_free(a);
	arena_free(NULL);
}

static int
valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void
test_utf8_valid(void **state)
{
	assert_true(valid(""));
	assert_true(valid("plain ascii"));
	assert_true(valid("h\xc3\xa9llo"));		/* é */
	assert_true(valid("\xe2\x82\xac"));		/* € */
	assert_true(valid("\xf0\x9d\x84\x9e"));		/* U+1D11E */
	assert_true(valid("\xf4\x8f\xbf\xbf"));		/* U+10FFFF, the last */
	assert_true(valid("\xed\x9f\xbf"));		/* U+D7FF, just below surrogates */
	/* overlong forms */
	assert_false(valid("\xc0\xaf"));
	assert_false(valid("\xc1\xbf"));
	assert_false(valid("\xe0\x80\xaf"));
	assert_false(valid("\xe0\x9f\xbf"));
	assert_false(valid("\xf0\x80\x80\xaf"));
	assert_false(valid("\xf0\x8f\xbf\xbf"));
	/* surrogates */
	assert_false(valid("\xed\xa0\x80"));
	assert_false(valid("\xed\xbf\xbf"));
	/* beyond U+10FFFF */
	assert_false(valid("\xf4\x90\x80\x80"));
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xff"));
	/* truncated sequences and stray continuations */
	assert_false(valid("\xe2\x82"));
	assert_false(valid("a\xf0\x9d\x84"));
	assert_false(valid("\xc3"));
	assert_false(valid("\x80"));
	assert_false(valid("\xe2\x82x"));
	/* the length is honoured: a valid prefix of a longer buffer */
	assert_true(utf8_valid("\xe2\x82\xac\xff", 3));
	assert_false(utf8_valid("\xe2\x82\xac", 2));
	/* NUL is refused */
	assert_false(utf8_valid("a\0b", 3));
	assert_int_equal(utf8_chars("h\xc3\xa9\xe2\x82\xac", 6), 3);
}

static void
test_slug_valid(void **state)
{
	char s[80];

	assert_true(slug_valid("abc"));
	assert_true(slug_valid("wsis-20-review"));
	assert_true(slug_valid("a"));
	assert_true(slug_valid("2026"));
	assert_false(slug_valid(""));
	assert_false(slug_valid(NULL));
	assert_false(slug_valid("-abc"));
	assert_false(slug_valid("abc-"));
	assert_false(slug_valid("Abc"));
	assert_false(slug_valid("a_b"));
	assert_false(slug_valid("a b"));
	assert_false(slug_valid("caf\xc3\xa9"));
	memset(s, 'a', 64);
	s[64] = '\0';
	assert_true(slug_valid(s));
	s[64] = 'a';
	s[65] = '\0';
	assert_false(slug_valid(s));
	assert_true(str_eq(NULL, NULL));
	assert_false(str_eq("a", NULL));
	assert_true(str_eq("a", "a"));
	assert_true(str_has_prefix("agora", "ago"));
	assert_false(str_has_prefix("ag", "ago"));
}

static void
test_time_rfc3339(void **state)
{
	static const char *const round[] = {
		"1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "2026-11-28T17:52:58Z",
		"2038-01-19T03:14:08Z", "2099-12-31T23:59:59Z",
	};
	char out[TIME_RFC3339_LEN];
	int64_t t, u;

	for (size_t i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		assert_int_equal(time_parse_rfc3339(round[i], &t), 0);
		time_format_rfc3339(t, out);
		assert_string_equal(out, round[i]);
	}
	assert_int_equal(time_parse_rfc3339("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(time_parse_rfc3339("2000-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 946684800);
	/* offsets: the same instant written three ways */
	assert_int_equal(time_parse_rfc3339("2026-11-28T17:52:58Z", &u), 0);
	assert_int_equal(time_parse_rfc3339("2026-11-28T19:52:58+02:00", &t), 0);
	assert_int_equal(t, u);
	assert_int_equal(time_parse_rfc3339("2026-11-28T12:22:58-05:30", &t), 0);
	assert_int_equal(t, u);
	assert_int_equal(time_parse_rfc3339("2026-11-28t17:52:58.250z", &t), 0);
	assert_int_equal(t, u);
	/* a date alone is midnight UTC */
	assert_int_equal(time_parse_rfc3339("2026-11-28", &t), 0);
	time_format_rfc3339(t, out);
	assert_string_equal(out, "2026-11-28T00:00:00Z");
	/* leap days */
	assert_int_equal(time_parse_rfc3339("2024-02-29T00:00:00Z", &t), 0);
	assert_int_equal(time_parse_rfc3339("2000-02-29", &t), 0);
	assert_int_equal(time_parse_rfc3339("2023-02-29", &t), -1);
	assert_int_equal(time_parse_rfc3339("2023-02-29T00:00:00Z", &t), -1);
	assert_int_equal(time_parse_rfc3339("2100-02-29", &t), -1);
	/* garbage */
	t = 12345;
	assert_int_equal(time_parse_rfc3339("", &t), -1);
	assert_int_equal(time_parse_rfc3339("yesterday", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-13-01", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-04-31", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-00", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-28T24:00:00Z", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-28T17:60:00Z", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-28T17:52:58", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-28T17:52:58Zjunk", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-28T17:52:58+0200", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-28T17:52:58.Z", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026/11/28", &t), -1);
	assert_int_equal(time_parse_rfc3339("1969-12-31T23:59:59Z", &t), -1);
	assert_int_equal(t, 12345);	/* untouched on failure */
}

/* Writes text to path (replacing it). */
static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_clock(void **state)
{
	char dir[] = "/tmp/agora-util-XXXXXX", path[64];
	int64_t real;

	clock_freeze_ms(1800000000123LL);
	assert_int_equal(clock_now_ms(), 1800000000123LL);
	assert_int_equal(clock_now(), 1800000000LL);
	clock_advance_ms(1500);
	assert_int_equal(clock_now_ms(), 1800000001623LL);
	assert_int_equal(clock_now(), 1800000001LL);
	clock_freeze_ms(0);
	clock_set_offset_ms(0);
	real = (int64_t)time(NULL);
	assert_true(clock_now() >= real - 1 && clock_now() <= real + 1);
	clock_advance_ms(-86400000LL);
	assert_true(clock_now() >= real - 86401 && clock_now() <= real - 86399);
	clock_set_offset_ms(0);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/clock", dir);
	assert_int_equal(clock_load_file(path), -1);	/* missing */
	write_file(path, "+3600\n");
	assert_int_equal(clock_load_file(path), 0);
	real = (int64_t)time(NULL);
	assert_true(clock_now() >= real + 3599 && clock_now() <= real + 3601);
	assert_int_equal(clock_load_file(path), 0);	/* unchanged: still an hour on */
	assert_true(clock_now() >= real + 3599 && clock_now() <= real + 3601);
	write_file(path, "2030-01-01T00:00:00Z\n");	/* a different size: re-read */
	assert_int_equal(clock_load_file(path), 0);
	assert_true(clock_now() >= 1893456000LL - 1 && clock_now() <= 1893456000LL + 1);
	write_file(path, "-60");
	assert_int_equal(clock_load_file(path), 0);
	real = (int64_t)time(NULL);
	assert_true(clock_now() >= real - 61 && clock_now() <= real - 59);
	write_file(path, "soon please");
	assert_int_equal(clock_load_file(path), -1);
	assert_true(clock_now() >= real - 61 && clock_now() <= real - 59);	/* kept */
	unlink(path);
	assert_int_equal(clock_load_file(path), -1);
	rmdir(dir);
	clock_set_offset_ms(0);
}

static void
test_config(void **state)
{
	struct config c;
	char err[256] = "";
	char url[600];
	char *argv[] = { "agora", "--threads", "4", "--workers=3", "serve", NULL };
	int argc = 5, i;

	unsetenv("AGORA_THREADS");
	unsetenv("AGORA_DATA");
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	assert_int_equal(c.threads, 2);
	assert_int_equal(c.scheduler_tick_ms, 1000);
	assert_string_equal(c.data, "var");
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(config_db_url(&c, url, sizeof(url)), "sqlite:var/agora.db");

	setenv("AGORA_THREADS", "8", 1);
	setenv("AGORA_DATA", "/srv/agora", 1);
	assert_int_equal(config_load(&c, err, sizeof(err)), 0);
	assert_int_equal(c.threads, 8);
	assert_string_equal(c.data, "/srv/agora");
	assert_string_equal(config_db_url(&c, url, sizeof(url)), "sqlite:/srv/agora/agora.db");

	i = 1;
	assert_int_equal(config_take_flag(&c, argc, argv, &i, err, sizeof(err)), CONFIG_TAKEN);
	assert_int_equal(i, 3);
	assert_int_equal(c.threads, 4);	/* the flag beats the environment */
	assert_int_equal(config_take_flag(&c, argc, argv, &i, err, sizeof(err)), CONFIG_TAKEN);
	assert_int_equal(i, 4);
	assert_int_equal(c.workers, 3);
	assert_int_equal(config_take_flag(&c, argc, argv, &i, err, sizeof(err)), CONFIG_NOT_MINE);
	assert_int_equal(i, 4);

	{
		char *bad[][2] = { { "--threads=0", NULL }, { "--threads=257", NULL },
				   { "--threads=4x", NULL }, { "--threads=", NULL } };
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			i = 0;
			err[0] = '\0';
			assert_int_equal(config_take_flag(&c, 1, bad[k], &i, err, sizeof(err)),
					 CONFIG_BAD);
			assert_int_equal(i, 0);
			assert_true(strlen(err) > 0);
		}
		assert_int_equal(c.threads, 4);	/* a refused value changes nothing */
	}
	{
		char *last[] = { "--threads", NULL };
		char *other[] = { "--no-such-setting=1", NULL };
		char *plain[] = { "serve", NULL };
		i = 0;
		assert_int_equal(config_take_flag(&c, 1, last, &i, err, sizeof(err)), CONFIG_BAD);
		i = 0;
		assert_int_equal(config_take_flag(&c, 1, other, &i, err, sizeof(err)), CONFIG_NOT_MINE);
		assert_int_equal(config_take_flag(&c, 1, plain, &i, err, sizeof(err)), CONFIG_NOT_MINE);
	}

	setenv("AGORA_THREADS", "1000", 1);
	err[0] = '\0';
	assert_int_equal(config_load(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "threads"));
	setenv("AGORA_THREADS", "two", 1);
	assert_int_equal(config_load(&c, err, sizeof(err)), -1);
	unsetenv("AGORA_THREADS");
	unsetenv("AGORA_DATA");
}

static void
test_lang_negotiate(void **state)
{
	assert_int_equal(lang_negotiate("fr-CH, en;q=0.8"), LANG_FR);
	assert_int_equal(lang_negotiate("de"), LANG_EN);
	assert_int_equal(lang_negotiate("zh-CN;q=0.5, ar;q=0.9"), LANG_AR);
	assert_int_equal(lang_negotiate("de-DE, es;q=0.7, ru;q=0.6"), LANG_ES);
	assert_int_equal(lang_negotiate("ZH-hans"), LANG_ZH);
	assert_int_equal(lang_negotiate(""), LANG_EN);
	assert_int_equal(lang_negotiate(NULL), LANG_EN);
	assert_int_equal(lang_negotiate("ru;q=0"), LANG_EN);
	assert_string_equal(lang_code(LANG_AR), "ar");
	assert_true(lang_is_rtl(LANG_AR));
	assert_false(lang_is_rtl(LANG_FR));
}

static void *
background_nice(void *arg)
{
	int *nice = arg;

	thread_background();
	errno = 0;
	*nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	return NULL;
}

/* thread_background lowers the calling thread only: the others keep their priority. */
static void
test_thread_background(void **state)
{
	pthread_t t;
	int nice = -100, mine;

	(void)state;
	mine = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	assert_int_equal(pthread_create(&t, NULL, background_nice, &nice), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(nice, 19);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid)), mine);
	assert_true(mine < 19);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_growth),
		cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_arena_grow),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_slug_valid),
		cmocka_unit_test(test_time_rfc3339),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_lang_negotiate),
		cmocka_unit_test(test_thread_background),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
