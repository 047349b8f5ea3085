/* fuzz_time.c: time_parse_rfc3339 against an independent reading of the same fields, and the
 * round trip through time_format_rfc3339. */
#include "fuzz.h"
#include "util/timefmt.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(s[i] >= '0' && s[i] <= '9', "accepted a non-digit in \"%s\"", s);
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
month_days(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* What s means, read by the grammar of timefmt.h; aborts where s does not follow it. */
static int64_t
expected_value(const char *s)
{
	size_t len = strlen(s);
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 1;
	const char *p;

	FUZZ_CHECK(len >= 10 && s[4] == '-' && s[7] == '-', "accepted \"%s\"", s);
	y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2);
	FUZZ_CHECK(mo >= 1 && mo <= 12 && d >= 1 && d <= month_days(y, mo),
		   "accepted a day that does not exist: \"%s\"", s);
	if (len > 10) {
		FUZZ_CHECK(len >= 20 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
			       s[13] == ':' && s[16] == ':',
			   "accepted \"%s\"", s);
		h = num(s + 11, 2), mi = num(s + 14, 2), se = num(s + 17, 2);
		FUZZ_CHECK(h <= 23 && mi <= 59 && se <= 60, "accepted a time of day out of range: \"%s\"", s);
		p = s + 19;
		if (*p == '.') {
			FUZZ_CHECK(p[1] >= '0' && p[1] <= '9', "accepted an empty fraction: \"%s\"", s);
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		}
		if (*p == 'Z' || *p == 'z') {
			FUZZ_CHECK(p[1] == '\0', "accepted trailing bytes: \"%s\"", s);
		} else {
			FUZZ_CHECK((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':',
				   "accepted a bad zone: \"%s\"", s);
			sign = *p == '-' ? -1 : 1;
			oh = num(p + 1, 2), om = num(p + 4, 2);
			FUZZ_CHECK(oh <= 23 && om <= 59, "accepted a zone out of range: \"%s\"", s);
		}
	}
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (se > 59 ? 59 : se) -
	       sign * (oh * 3600 + om * 60);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char out[TIME_RFC3339_LEN];
	int64_t t = 0, back = 0;

	if (time_parse_rfc3339(s, &t) == 0) {
		int64_t want = expected_value(s);
		FUZZ_CHECK(t == want, "\"%s\" parsed as %lld, not %lld", s, (long long)t,
			   (long long)want);
		memset(out, 'X', sizeof(out));	/* so a missing NUL is seen every time */
		time_format_rfc3339(t, out);
		FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL,
			   "time_format_rfc3339(%lld) (from \"%s\") wrote no NUL", (long long)t, s);
		FUZZ_CHECK(strlen(out) == TIME_RFC3339_LEN - 1, "\"%s\" formats as \"%s\"", s, out);
		FUZZ_CHECK(time_parse_rfc3339(out, &back) == 0 && back == t,
			   "\"%s\" = %lld formats as \"%s\", which does not parse back to it", s,
			   (long long)t, out);
	}
	free(s);
	return 0;
}
