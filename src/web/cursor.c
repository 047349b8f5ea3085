/* cursor.c: pagination cursors. */
#include "cursor.h"

#include <stdio.h>
#include <string.h>

char *
cursor_make(struct arena *a, int64_t t, int64_t id)
{
	return arena_printf(a, "%lld-%lld", (long long)t, (long long)id);
}

int
cursor_parse(const char *s, int64_t *t, int64_t *id)
{
	long long a, b;
	int n = 0;

	*t = *id = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (sscanf(s, "%lld-%lld%n", &a, &b, &n) != 2 || (size_t)n != strlen(s) || a < 0 || b < 1)
		return -1;
	*t = a;
	*id = b;
	return 0;
}
