/* api_moderation.c: POST /api/v1/responses/{id}/moderation: the secretariat publishes,
 * withholds (with a reason) or redacts a response, as the moderation pages do. */
#include <string.h>

#include "../domain/moderation.h"
#include "../domain/notice_response.h"	/* issue 13 */
#include "../util/log.h"
#include "../util/str.h"
#include "handlers.h"
#include "reply.h"

/* A string member, or NULL; *bad when it is there but not a string. */
static const char *
member(json_t *o, const char *name, int *bad)
{
	json_t *v = json_object_get(o, name);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

int
api_response_moderate(struct request *r)
{
	struct moderation *m = r->state;
	json_error_t je;
	json_t *body, *answers, *it;
	const char *action;
	size_t i;
	int bad = 0;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"response moderated\" action=%s response=%s account=%lld id=%s",
			 moderation_action_name(m->action), m->public_id, (long long)r->account_id, r->id);
		return reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:i}", "response", m->public_id, "action",
						    moderation_action_name(m->action), "status", m->status,
						    "version", m->version));
	}
	if (r->body_in.len == 0)
		return reply_problem(r, 400, NULL, "the request needs a JSON body", NULL);
	if ((body = json_loadb(r->body_in.data, r->body_in.len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return reply_problem(r, 400, NULL,
				     arena_printf(r->arena, "malformed JSON at line %d, column %d: %s", je.line,
						  je.column, je.text), NULL);
	r->json_body = body;	/* the strings below point into it */
	if (!json_is_object(body))
		return reply_problem(r, 422, NULL, "the body must be a JSON object",
				     reply_field_error("body", "must be an object"));
	if ((m = r->state = arena_alloc(r->arena, sizeof(*m))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	action = member(body, "action", &bad);
	if (moderation_action_parse(action, &m->action) != 0)
		return reply_problem(r, 422, NULL, "action must be publish, withhold or redact",
				     reply_field_error("action", "must be publish, withhold or redact"));
	m->public_id = r->param[0];
	m->account_id = r->account_id;
	m->address = r->client;
	m->reason = member(body, "reason", &bad);
	if (m->action == MOD_WITHHOLD && (m->reason == NULL || m->reason[strspn(m->reason, " \t\r\n")] == '\0'))
		return reply_problem(r, 422, NULL, "give the reason for withholding: the public sees it",
				     reply_field_error("reason", "is required to withhold"));
	if (m->reason != NULL && utf8_chars(m->reason, strlen(m->reason)) > MODERATION_REASON_MAX)
		return reply_problem(r, 422, NULL, "the reason is too long",
				     reply_field_error("reason", "has at most 1000 characters"));
	if (m->action == MOD_REDACT) {
		m->name = member(body, "name", &bad);
		m->organization = member(body, "organization", &bad);
		m->job_title = member(body, "job_title", &bad);
		m->summary = member(body, "summary", &bad);
		answers = json_object_get(body, "answers");
		if (answers != NULL && !json_is_array(answers))
			bad = 1;
		json_array_foreach(answers, i, it) {
			json_t *q = json_object_get(it, "question"), *t = json_object_get(it, "text");
			if (!json_is_integer(q) || !json_is_string(t) || json_integer_value(q) < 1 ||
			    json_integer_value(q) > CONSULTATION_MAX_QUESTIONS) {
				bad = 1;
				break;
			}
			m->answer[json_integer_value(q)] = json_string_value(t);
		}
	}
	if (bad)
		return reply_problem(r, 422, NULL, "a member has the wrong type",
				     reply_field_error("body", "reason, name, organization, job_title and summary "
						       "are strings; answers is a list of {question, text}"));
	return request_write(r, notice_moderation_fn, m);
}
