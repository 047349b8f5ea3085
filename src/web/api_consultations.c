/* api_consultations.c: GET /api/v1/consultations and /api/v1/consultations/{slug}. */
#include <stdlib.h>
#include <string.h>

#include "../domain/consultation.h"
#include "cursor.h"
#include "handlers.h"
#include "reply.h"

/* The language "title" is given in: ?lang=, else the original. */
static enum lang
title_lang(struct request *r, const char *param, const struct consultation *c)
{
	enum lang l;

	return param != NULL && lang_from_code(param, &l) == 0 ? l : c->original;
}

int
api_consultation_list(struct request *r)
{
	struct consultation_page pg;
	struct err e;
	int64_t t, id;
	int limit = r->param[2] ? atoi(r->param[2]) : 50;
	json_t *items, *j;

	if (cursor_parse(r->param[1], &t, &id) != 0)
		return reply_problem(r, 400, NULL, "cursor is not a cursor this server gave",
				     reply_field_error("cursor", "is not a cursor this server gave"));
	if (consultation_list(r->db, r->arena, r->param[0], t, id, limit, &pg, &e) != 0)
		return reply_err(r, &e);
	items = json_array();
	for (int i = 0; i < pg.n; i++)
		json_array_append_new(items, consultation_to_json(&pg.items[i], title_lang(r, r->param[3], &pg.items[i]), 0));
	j = json_pack("{s:o}", "items", items);
	if (j != NULL)
		json_object_set_new(j, "next_cursor",
				    pg.more ? json_string(cursor_make(r->arena, pg.next_opens_at, pg.next_id))
					    : json_null());
	return reply_json(r, 200, j);
}

int
api_consultation_get(struct request *r)
{
	struct consultation c;
	struct err e;

	if (consultation_get(r->db, r->arena, r->param[0], &c, &e) != 0)
		return reply_err(r, &e);
	if (strcmp(c.state, "draft") == 0)	/* the same answer as for a slug that does not exist */
		return reply_problem(r, 404, NULL,
				     arena_printf(r->arena, "no consultation '%s'", r->param[0]), NULL);
	return reply_json(r, 200, consultation_to_json(&c, title_lang(r, r->param[1], &c), 1));
}

int
api_consultation_answer(struct request *r, const char *slug, int status)
{
	struct consultation c;
	struct err e;

	if (consultation_get(r->db, r->arena, slug, &c, &e) != 0)
		return reply_err(r, &e);
	return reply_json(r, status, consultation_to_json(&c, c.original, 1));
}
