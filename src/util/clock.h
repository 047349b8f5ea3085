/* clock.h: the one clock every "now" comes from; tests can set or move it. */
#ifndef AGORA_CLOCK_H
#define AGORA_CLOCK_H
#include <stdint.h>

int64_t clock_now_ms(void);	/* UTC milliseconds since the epoch */
int64_t clock_now(void);	/* UTC seconds since the epoch */

/* Tests: freeze the clock at ms (0 unfreezes), or move it by an offset. */
void clock_freeze_ms(int64_t ms);
void clock_set_offset_ms(int64_t offset_ms);
void clock_advance_ms(int64_t delta_ms);

/* The test-clock file holds an offset in seconds ("+3600", "-60") or an
 * absolute RFC 3339 time; clock_load_file re-reads it when it changed.
 * Returns 0, or -1 when the file is missing or unreadable (offset kept). */
int clock_load_file(const char *path);

#endif
