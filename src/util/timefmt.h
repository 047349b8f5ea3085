/* timefmt.h: RFC 3339 in and out, and dates for people (ICU) in UTC or Geneva time. */
#ifndef AGORA_TIMEFMT_H
#define AGORA_TIMEFMT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_RFC3339_LEN 21	/* "2026-11-28T17:52:58Z" + NUL: years 1970-9999 */
#define TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z, the last time these formats hold */

/* Times outside 0..TIME_MAX are written as the nearest end of that range. */
void time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
/* t in RFC 3339 as a JSON string, or null when t is 0 (not set): a new reference. */
json_t *time_json(int64_t t);
/* Accepts "YYYY-MM-DDTHH:MM:SS(.frac)?(Z|+HH:MM|-HH:MM)" and "YYYY-MM-DD" (midnight UTC) whose
 * instant lies in 1970-01-01T00:00:00Z..TIME_MAX (so it formats back). Returns 0, or -1. */
int time_parse_rfc3339(const char *s, int64_t *out);

enum time_zone { TZ_UTC, TZ_GENEVA };

/* Writes t as a date and time for people in language lang (a BCP 47 code such as "fr"),
 * e.g. "1 December 2026, 12:00". Returns 0, or -1 when ICU failed (out holds RFC 3339). */
int time_format_human(int64_t t, const char *lang, enum time_zone zone, int with_time,
		      char *out, size_t outlen);

#endif
