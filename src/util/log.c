/* log.c: line-oriented logging; a value can never forge a second line. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum log_level log_min = LOG_INFO;
static FILE *log_out;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(enum log_level min, FILE *out)
{
	log_min = min;
	log_out = out;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

static void
log_vwrite(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[2048], out[2048 * 4 + 64];
	struct timespec ts;
	struct tm tm;
	size_t o;
	FILE *f = log_out ? log_out : stderr;

	vsnprintf(line, sizeof(line), fmt, ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	o = strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	o += (size_t)snprintf(out + o, 32, " %s ", level_names[lvl]);
	for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(out + o, 5, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o++] = '\n';
	pthread_mutex_lock(&log_lock);
	fwrite(out, 1, o, f);
	fflush(f);
	pthread_mutex_unlock(&log_lock);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl < log_min)
		return;
	va_start(ap, fmt);
	log_vwrite(lvl, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
