/* err.c: error out-parameters. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void
err_vset(struct err *e, enum err_kind kind, const char *field, const char *fmt, va_list ap)
{
	e->kind = kind;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	err_vset(e, kind, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_set_field(struct err *e, enum err_kind kind, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	err_vset(e, kind, field, fmt, ap);
	va_end(ap);
	return -1;
}

void
err_clear(struct err *e)
{
	if (e != NULL)
		memset(e, 0, sizeof(*e));
}
