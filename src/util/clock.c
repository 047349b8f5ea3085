/* clock.c: real time plus a test offset, or a frozen time. */
#include "clock.h"
#include "timefmt.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static _Atomic int64_t frozen_ms;
static _Atomic int64_t offset_ms;

int64_t
clock_now_ms(void)
{
	struct timespec ts;
	int64_t f = atomic_load(&frozen_ms);

	if (f != 0)
		return f;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&offset_ms);
}

int64_t
clock_now(void)
{
	int64_t ms = clock_now_ms();

	return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

void
clock_freeze_ms(int64_t ms)
{
	atomic_store(&frozen_ms, ms);
}

void
clock_set_offset_ms(int64_t ms)
{
	atomic_store(&offset_ms, ms);
}

void
clock_advance_ms(int64_t delta_ms)
{
	if (atomic_load(&frozen_ms) != 0)
		atomic_fetch_add(&frozen_ms, delta_ms);
	else
		atomic_fetch_add(&offset_ms, delta_ms);
}

int
clock_load_file(const char *path)
{
	static struct timespec last_mtime;
	static off_t last_size = -1;
	struct stat st;
	char text[64];
	FILE *f;
	size_t n;
	int64_t t;
	char *end;

	if (stat(path, &st) != 0)
		return -1;
	if (st.st_mtim.tv_sec == last_mtime.tv_sec && st.st_mtim.tv_nsec == last_mtime.tv_nsec &&
	    st.st_size == last_size)
		return 0;
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	text[strcspn(text, "\r\n")] = '\0';
	last_mtime = st.st_mtim;
	last_size = st.st_size;
	if (time_parse_rfc3339(text, &t) == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		clock_set_offset_ms(t * 1000 - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000));
		return 0;
	}
	t = strtoll(text, &end, 10);
	if (end == text || *end != '\0') {
		last_size = -1;	/* read it again next time: it may be half-written */
		return -1;
	}
	clock_set_offset_ms(t * 1000);
	return 0;
}
