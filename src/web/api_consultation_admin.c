/* api_consultation_admin.c: the secretariat creates, opens, closes and extends consultations
 * (POST, JSON bodies, through the writer). */
#include <string.h>

#include "../domain/consultation.h"
#include "../util/timefmt.h"
#include "handlers.h"
#include "reply.h"

/* Parses the JSON body; on failure answers 400 and returns NULL. */
static json_t *
body_json(struct request *r)
{
	json_error_t je;
	json_t *j;

	if (r->body_in.len == 0) {
		reply_problem(r, 400, NULL, "the request needs a JSON body", NULL);
		return NULL;
	}
	j = json_loadb(r->body_in.data, r->body_in.len, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL)
		reply_problem(r, 400, NULL,
			      arena_printf(r->arena, "malformed JSON at line %d, column %d: %s", je.line,
					   je.column, je.text),
			      NULL);
	return j;
}

/* Keeps the parsed body alive until the request ends (the spec points into it). */
struct create_ctx {
	json_t *body;
	struct consultation_spec spec;
};

int
api_consultation_create(struct request *r)
{
	struct create_ctx *c;
	struct err e;
	json_t *v;
	const char *slug;

	if (r->write_queued) {
		c = r->state;
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		request_header(r, "Location", arena_printf(r->arena, "/api/v1/consultations/%s", c->spec.slug));
		slug = arena_strdup(r->arena, c->spec.slug);
		return api_consultation_answer(r, slug, 201);
	}
	if ((c = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	if ((c->body = body_json(r)) == NULL)
		return HANDLER_DONE;
	r->json_body = c->body;	/* the spec points into it */
	if (consultation_spec_parse(c->body, &c->spec, &e) != 0) {
		return reply_problem(r, 422, NULL, e.msg, reply_field_error(e.field[0] ? e.field : "body", e.msg));
	}
	v = json_object_get(c->body, "publish");
	if (v != NULL && !json_is_boolean(v)) {
		return reply_problem(r, 422, NULL, "publish must be true or false",
				     reply_field_error("publish", "must be true or false"));
	}
	c->spec.publish = v == NULL || json_is_true(v);
	c->spec.account_id = r->account_id;	/* audited in the closure */
	c->spec.address = r->client;
	r->state = c;
	return request_write(r, consultation_create_fn, &c->spec);
}

/* open {"at": time?}, close {}, extend {"until": time} */
static int
change(struct request *r, write_fn fn, const char *time_key, int required)
{
	struct consultation_change *ch;
	json_t *j, *v;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		return api_consultation_answer(r, r->param[0], 200);
	}
	if ((ch = arena_alloc(r->arena, sizeof(*ch))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	ch->slug = r->param[0];
	ch->account_id = r->account_id;	/* audited in the closure */
	ch->address = r->client;
	if (r->body_in.len > 0 || required) {
		if ((j = body_json(r)) == NULL)
			return HANDLER_DONE;
		v = time_key ? json_object_get(j, time_key) : NULL;
		if (v != NULL || required) {
			if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), &ch->at) != 0) {
				json_decref(j);
				return reply_problem(r, 422, NULL, "not an RFC 3339 time",
						     reply_field_error(time_key, "must be an RFC 3339 time"));
			}
		}
		json_decref(j);
	}
	return request_write(r, fn, ch);
}

int
api_consultation_open(struct request *r)
{
	return change(r, consultation_open_fn, "at", 0);
}

int
api_consultation_close(struct request *r)
{
	return change(r, consultation_close_fn, NULL, 0);
}

int
api_consultation_extend(struct request *r)
{
	return change(r, consultation_extend_fn, "until", 1);
}
