/* cursor.h: opaque pagination cursors for lists ordered by (time DESC, id DESC). */
#ifndef AGORA_CURSOR_H
#define AGORA_CURSOR_H
#include <stdint.h>

#include "../util/arena.h"

/* "1600000000-42"; NULL when out of memory. */
char *cursor_make(struct arena *a, int64_t t, int64_t id);
/* Returns 0 (NULL or "" gives 0, 0), or -1 for a cursor this server did not make. */
int cursor_parse(const char *s, int64_t *t, int64_t *id);

/* A cursor that is one id ("1234", from a list ordered by id). 0, or -1. */
int cursor_parse_id(const char *s, int64_t *id);

#endif
