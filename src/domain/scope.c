/* scope.c: the scopes of API tokens, by name. */
#include "scope.h"

#include <stdio.h>
#include <string.h>

#include "../util/i18n.h"

const struct scope_def scope_defs[] = {
	{ SCOPE_CONSULTATIONS_BIT, "consultations", N_("create, open, extend and close consultations") },
	{ SCOPE_MODERATION_BIT, "moderation", N_("publish, withhold and redact responses") },
	{ 0, NULL, NULL },
};

int
scope_parse(const char *list, unsigned *out, const char **bad)
{
	static _Thread_local char name[32];
	const char *p = list;

	*out = SCOPE_NONE;
	*bad = NULL;
	while (p != NULL && *p) {
		size_t n = strcspn(p, ", ");
		const struct scope_def *d;

		if (n == 0) {
			p++;
			continue;
		}
		for (d = scope_defs; d->name; d++)
			if (strlen(d->name) == n && strncmp(d->name, p, n) == 0)
				break;
		if (d->name == NULL) {
			snprintf(name, sizeof(name), "%.*s", (int)(n < 31 ? n : 31), p);
			*bad = name;
			return -1;
		}
		*out |= d->bit;
		p += n;
	}
	return 0;
}

void
scope_format(unsigned set, char *out, size_t n)
{
	size_t used = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	for (const struct scope_def *d = scope_defs; d->name; d++)
		if ((set & d->bit) && used < n) {
			int w = snprintf(out + used, n - used, "%s%s", used ? " " : "", d->name);
			used += w > 0 ? (size_t)w : 0;
		}
}

unsigned
scope_allowed(const char *role)
{
	return role != NULL && strcmp(role, "secretariat") == 0 ? SCOPE_ALL : SCOPE_NONE;
}

const char *
scope_name(unsigned bit)
{
	for (const struct scope_def *d = scope_defs; d->name; d++)
		if (d->bit == bit)
			return d->name;
	return NULL;
}
