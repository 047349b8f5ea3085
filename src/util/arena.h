/* arena.h: a per-request bump allocator; everything is freed at once by arena_free. */
#ifndef AGORA_ARENA_H
#define AGORA_ARENA_H
#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);		/* NULL when out of memory */
void arena_free(struct arena *a);	/* NULL is fine */
void *arena_alloc(struct arena *a, size_t n);	/* zeroed; NULL when out of memory */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
size_t arena_used_bytes(const struct arena *a);
/* Makes room for one more element in an array of n elements of size bytes with capacity *cap
 * (doubling from 16; the old block stays in the arena). Returns the array, moved if need be, or
 * NULL when out of memory (then *cap and the old array are unchanged). */
void *arena_grow(struct arena *a, void *items, int n, int *cap, size_t size);

#endif
