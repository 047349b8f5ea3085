/* cursor.c: pagination cursors. */
#include "cursor.h"

#include <stdio.h>

char *
cursor_make(struct arena *a, int64_t t, int64_t id)
{
	return arena_printf(a, "%lld-%lld", (long long)t, (long long)id);
}

/* A whole number as cursor_make writes it: digits, no sign, no leading zero, at most 18 digits.
 * Returns the characters read, or 0. */
static size_t
number(const char *s, int64_t *v)
{
	size_t n = 0;

	*v = 0;
	while (s[n] >= '0' && s[n] <= '9' && n < 19)
		n++;
	if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
		return 0;
	for (size_t i = 0; i < n; i++)	/* 18 digits cannot overflow */
		*v = *v * 10 + (s[i] - '0');
	return n;
}

int
cursor_parse(const char *s, int64_t *t, int64_t *id)
{
	size_t n, m;

	*t = *id = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if ((n = number(s, t)) == 0 || s[n] != '-' || (m = number(s + n + 1, id)) == 0 ||
	    s[n + 1 + m] != '\0' || *id < 1) {
		*t = *id = 0;
		return -1;
	}
	return 0;
}

int
cursor_parse_id(const char *s, int64_t *id)
{
	size_t n;

	*id = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if ((n = number(s, id)) == 0 || s[n] != '\0') {
		*id = 0;
		return -1;
	}
	return 0;
}
