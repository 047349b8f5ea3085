/* timefmt.c: time formats. ICU formatters are cached per thread (they are not thread-safe). */
#include "timefmt.h"
#include "thread.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

void
time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN])
{
	struct tm tm;
	time_t tt = (time_t)(t < 0 ? 0 : t > TIME_MAX ? TIME_MAX : t);

	gmtime_r(&tt, &tm);
	if (strftime(out, TIME_RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, TIME_RFC3339_LEN, "1970-01-01T00:00:00Z");	/* cannot happen in range */
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

json_t *
time_json(int64_t t)
{
	char iso[TIME_RFC3339_LEN];

	if (t == 0)
		return json_null();
	time_format_rfc3339(t, iso);
	return json_string(iso);
}

int
time_parse_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 1;
	const char *p;
	struct tm tm;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	p = s + 10;
	if (*p != '\0') {
		if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &h) || p[3] != ':' ||
		    digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &se))
			return -1;
		p += 9;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
				return -1;
			p += 6;
		} else {
			return -1;
		}
		if (*p != '\0')
			return -1;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || se > 60 || oh > 23 || om > 59)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se > 59 ? 59 : se;
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return *out >= 0 && *out <= TIME_MAX ? 0 : -1;
}

#define FMT_LANGS 8
static __thread struct {
	char lang[8];
	UDateFormat *fmt[2][2];	/* [zone][with_time] */
} fmt_cache[FMT_LANGS];

/* Closes this thread's formatters (at thread exit). */
static void
formatters_free(void)
{
	for (int i = 0; i < FMT_LANGS; i++) {
		for (int z = 0; z < 2; z++)
			for (int t = 0; t < 2; t++)
				if (fmt_cache[i].fmt[z][t] != NULL)
					udat_close(fmt_cache[i].fmt[z][t]);
		memset(&fmt_cache[i], 0, sizeof(fmt_cache[i]));
	}
}

static UDateFormat *
formatter(const char *lang, enum time_zone zone, int with_time)
{
	UErrorCode status = U_ZERO_ERROR;
	UChar tz[32];
	int i;

	for (i = 0; i < FMT_LANGS && fmt_cache[i].lang[0]; i++)
		if (strcmp(fmt_cache[i].lang, lang) == 0)
			break;
	if (i == FMT_LANGS)
		return NULL;
	if (!fmt_cache[i].lang[0])
		snprintf(fmt_cache[i].lang, sizeof(fmt_cache[i].lang), "%s", lang);
	if (fmt_cache[i].fmt[zone][with_time] == NULL) {
		thread_atexit(formatters_free);
		u_uastrcpy(tz, zone == TZ_UTC ? "UTC" : "Europe/Zurich");
		/* Arabic with Western digits, as its counts are (numfmt.h) and UN documents do */
		fmt_cache[i].fmt[zone][with_time] =
		    udat_open(with_time ? UDAT_SHORT : UDAT_NONE, UDAT_LONG,
			      strcmp(lang, "ar") == 0 ? "ar@numbers=latn" : lang, tz, -1, NULL, 0, &status);
		if (U_FAILURE(status))
			fmt_cache[i].fmt[zone][with_time] = NULL;
	}
	return fmt_cache[i].fmt[zone][with_time];
}

int
time_format_human(int64_t t, const char *lang, enum time_zone zone, int with_time, char *out,
		  size_t outlen)
{
	UDateFormat *f = formatter(lang, zone, with_time);
	UErrorCode status = U_ZERO_ERROR;
	UChar u[128];
	int32_t n;
	char iso[TIME_RFC3339_LEN];

	if (f != NULL) {
		n = udat_format(f, (UDate)t * 1000.0, u, 128, NULL, &status);
		if (U_SUCCESS(status) && n < 128) {
			u_strToUTF8(out, (int32_t)outlen, NULL, u, n, &status);
			if (U_SUCCESS(status) && status != U_STRING_NOT_TERMINATED_WARNING)
				return 0;
		}
	}
	time_format_rfc3339(t, iso);
	snprintf(out, outlen, "%s", iso);
	return -1;
}
