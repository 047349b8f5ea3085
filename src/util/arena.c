/* arena.c: chunked bump allocator for request lifetimes. */
#include "arena.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK_BYTES 8192
#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t cap, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t total;
};

/* Fault injection (docs/DURABILITY.md): the failure point "agora/arena/alloc" makes an
 * allocation fail as if memory had run out. It is libfiu's, found at load time in a process that
 * fiu-run started (libfiu is then loaded; enable it with fiu-ctrl or fiu-run -c); otherwise the
 * pointer stays NULL, nothing links libfiu, and an allocation pays one predictable branch. */
static int (*fault_fail)(const char *name);

__attribute__((constructor)) static void
arena_faults_find(void)
{
	void *self = dlopen(NULL, RTLD_LAZY);

	if (self != NULL) {
		*(void **)&fault_fail = dlsym(self, "fiu_fail");
		dlclose(self);
	}
}

struct arena *
arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	if (fault_fail != NULL && fault_fail("agora/arena/alloc"))
		return NULL;
	if (need == 0)
		need = ARENA_ALIGN;
	if (c == NULL || c->cap - c->used < need) {
		size_t cap = need > ARENA_CHUNK_BYTES ? need : ARENA_CHUNK_BYTES;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->cap = cap;
		c->used = 0;
		/* A big one-off chunk goes behind the current one, so the
		 * current one's free space is not wasted. */
		if (a->head != NULL && need > ARENA_CHUNK_BYTES) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		a->total += cap;
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used_bytes(const struct arena *a)
{
	return a->total;
}

void *
arena_grow(struct arena *a, void *items, int n, int *cap, size_t size)
{
	int more;
	void *grown;

	if (n < *cap)
		return items;
	more = *cap ? *cap * 2 : 16;
	if ((grown = arena_alloc(a, size * (size_t)more)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(grown, items, size * (size_t)n);
	*cap = more;
	return grown;
}
