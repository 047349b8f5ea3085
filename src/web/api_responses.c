/* api_responses.c: responses through the API: submit, list, one, receipt, revise, withdraw. */
#include <stdlib.h>
#include <string.h>


#include "../domain/file_text.h"
#include "../domain/response.h"
#include "../domain/summary.h"
#include "../domain/notice_response.h"	/* issue 13 */
#include "../ledger/log.h"
#include "../util/log.h"
#include "../util/str.h"
#include "cursor.h"
#include "handlers.h"
#include "reply.h"
#include "submit.h"

struct submit_ctx {
	json_t *keep;
	struct response_submit s;
	struct response_manage m;
};

/* Reads, validates, sniffs and stores the attachments of a response for consultation c.
 * Returns 0 with in filled, or answers (HANDLER_DONE) and returns -1. */
static int
take_input(struct request *r, const struct consultation *c, struct submit_ctx *x,
	   struct response_input *in)
{
	struct field_errors fe;
	int status = 0;
	const char *why = NULL;

	memset(&fe, 0, sizeof(fe));
	int rc = submit_read(r, in, &fe, &x->keep, &status, &why);

	r->json_body = x->keep;	/* in points into it */
	if (rc != 0) {
		reply_problem(r, status, NULL, why, NULL);
		return -1;
	}
	if (response_validate(in, c, &fe) > 0 || fe.n > 0) {
		reply_problem(r, 422, NULL, fe.e[0].msg, field_errors_json(&fe));
		return -1;
	}
	if (submit_attachments(r, in, &status, &why) != 0) {
		reply_problem(r, status, NULL, why, reply_field_error("attachments", why));
		return -1;
	}
	return 0;
}

/* The public log's fields (ledger/receipt.h) merged into receipt: the proof of this version's
 * entry against the latest checkpoint; with_secret adds the salt and content hash. A version
 * that is not in the log (it always is, once committed) is logged and answered without. */
static void
receipt_add_log(struct request *r, json_t *receipt, const char *id, int version, int with_secret)
{
	struct err e;
	json_t *log = ledger_receipt_json(r->db, id, version, with_secret, &e);

	if (log == NULL) {
		log_error("msg=\"receipt without the log\" response=%s version=%d error=\"%s\"", id,
			  version, e.msg);
		return;
	}
	if (receipt != NULL)
		json_object_update(receipt, log);
	json_decref(log);
}

static int
receipt_answer(struct request *r, int status, const char *id, const char *slug, int version,
	       int64_t at, const char *sha, const char *manage_token)
{
	json_t *receipt = response_receipt_json(id, slug, version, at, sha), *o;

	receipt_add_log(r, receipt, id, version, 1);
	o = json_pack("{s:s, s:o}", "id", id, "receipt", receipt);
	if (o != NULL) {
		json_object_set_new(o, "url", json_sprintf("/responses/%s", id));
		if (manage_token != NULL)
			json_object_set_new(o, "manage_url",
					    json_sprintf("/responses/%s/manage?token=%s", id, manage_token));
	}
	if (status == 201)
		request_header(r, "Location", arena_printf(r->arena, "/api/v1/responses/%s", id));
	return reply_json(r, status, o);
}

/* The answer to a submission whose receipt the writer composed for the mail (notice_seal): that
 * text as the "receipt" member, byte for byte the attachment, between the members jansson
 * writes; "id" first, as in every other answer of this route. */
static int
receipt_answer_made(struct request *r, const struct response_submit *s)
{
	json_t *id = json_pack("{s:s}", "id", s->public_id), *rest = json_object();
	char *head = NULL, *tail = NULL;

	if (rest != NULL) {
		json_object_set_new(rest, "url", json_sprintf("/responses/%s", s->public_id));
		json_object_set_new(rest, "manage_url", json_sprintf("/responses/%s/manage?token=%s",
								     s->public_id, s->manage_token));
	}
	if (id != NULL && rest != NULL) {
		head = json_dumps(id, JSON_COMPACT);	/* {"id":"..."} */
		tail = json_dumps(rest, JSON_COMPACT);	/* {"url":...,"manage_url":...} */
	}
	json_decref(id);
	json_decref(rest);
	if (head == NULL || tail == NULL) {
		free(head);
		free(tail);
		return reply_json(r, 503, NULL);
	}
	buf_reset(&r->out);
	buf_add(&r->out, head, strlen(head) - 1);	/* without its "}" */
	buf_puts(&r->out, ",\"receipt\":");
	buf_add(&r->out, s->receipt, s->receipt_len);
	buf_putc(&r->out, ',');
	buf_puts(&r->out, tail + 1);	/* without its "{" */
	buf_putc(&r->out, '\n');
	free(head);
	free(tail);
	r->status = 201;
	r->content_type = "application/json";
	request_header(r, "Location", arena_printf(r->arena, "/api/v1/responses/%s", s->public_id));
	return HANDLER_DONE;
}

int
api_response_submit(struct request *r)
{
	struct submit_ctx *x = r->state;
	struct consultation c;
	struct err e;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (x->s.receipt_len > 0)
			return receipt_answer_made(r, &x->s);
		return receipt_answer(r, 201, x->s.public_id, x->s.slug, x->s.version, x->s.received_at,
				      x->s.sha256, x->s.manage_token);
	}
	if (consultation_get_brief(r->db, r->arena, r->param[0], &c, &e) != 0)
		return reply_err(r, &e);
	if (str_eq(c.state, "draft"))
		return reply_problem(r, 404, NULL, arena_printf(r->arena, "no consultation '%s'", c.slug), NULL);
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	x->s.slug = c.slug;
	x->s.started_at = r->started_ms / 1000;
	if (response_in_time(x->s.started_at, c.opens_at, c.closes_at, c.state, &e) != 0)
		return reply_err(r, &e);	/* 409 before anything is stored */
	if (take_input(r, &c, x, &x->s.in) != 0) {
		return HANDLER_DONE;
	}
	if (response_submit_prepare(&x->s, &e) != 0)
		return reply_err(r, &e);
	return request_write(r, notice_response_submit_fn, &x->s);
}

int
api_response_list(struct request *r)
{
	struct consultation c;
	struct response *items;
	struct err e;
	int n, more, limit = r->param[2] ? atoi(r->param[2]) : 50;
	int64_t after = 0;
	json_t *arr, *o;

	if (cursor_parse_id(r->param[1], &after) != 0)
		return reply_problem(r, 400, NULL, "cursor is not a cursor this server gave",
				     reply_field_error("cursor", "is not a cursor this server gave"));
	if (consultation_get(r->db, r->arena, r->param[0], &c, &e) != 0)
		return reply_err(r, &e);
	if (str_eq(c.state, "draft"))
		return reply_problem(r, 404, NULL, arena_printf(r->arena, "no consultation '%s'", c.slug), NULL);
	if (response_list(r->db, r->arena, c.id, after, limit, &items, &n, &more, &e) != 0)
		return reply_err(r, &e);
	arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j = response_to_json(&items[i], 0);
		if (j != NULL)
			json_object_set_new(j, "display_name", json_string(response_display_name(r->arena, &items[i])));
		json_array_append_new(arr, j);
	}
	o = json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)c.responses);
	if (o != NULL)
		json_object_set_new(o, "next_cursor", more ? json_sprintf("%lld", (long long)items[n - 1].id)
							   : json_null());
	return reply_json(r, 200, o);
}

/* summaries (issue 8): "number" (R-N within its round) and "cited_in", a list of
 * {consultation, language, url} for the published summaries that cite the response. */
static void
cited_json(struct request *r, json_t *j, int64_t response_id)
{
	json_object_set_new(j, "number", json_integer(summary_response_number(r->db, response_id)));
	json_object_set_new(j, "cited_in", summary_cited_json(r->db, r->arena, response_id));
}
/* end summaries */

int
api_response_get(struct request *r)
{
	struct response resp;
	struct err e;
	json_t *j;

	if (response_get(r->db, r->arena, r->param[0], &resp, &e) != 0)
		return reply_err(r, &e);
	if (response_never_public(&resp))	/* not public until the secretariat publishes it */
		return reply_problem(r, 404, NULL, arena_printf(r->arena, "no response '%s'", r->param[0]), NULL);
	j = response_to_json(&resp, 1);
	if (j != NULL && str_eq(resp.status, "published"))
		json_object_set_new(j, "display_name", json_string(response_display_name(r->arena, &resp)));
	if (j != NULL)	/* summaries (issue 8): R-N and the published summaries citing it */
		cited_json(r, j, resp.id);
	return reply_json(r, 200, j);
}

int
api_response_receipt(struct request *r)
{
	struct response resp;
	struct err e;

	json_t *o, *unread;

	if (response_get(r->db, r->arena, r->param[0], &resp, &e) != 0)
		return reply_err(r, &e);
	o = response_receipt_json(resp.public_id, resp.consultation_slug, resp.version, resp.updated_at,
				  resp.sha256);
	/* Anyone may fetch this: the salt only for content the public can read anyway. */
	receipt_add_log(r, o, resp.public_id, resp.version, str_eq(resp.status, "published"));
	/* Attachments whose text could not be read: search cannot find what they say. */
	unread = json_array();
	for (int i = 0; i < resp.nattachments; i++) {
		const char *st = file_text_status(r->db, resp.att[i].sha256);
		if (str_eq(st, "no_text") || str_eq(st, "failed"))
			json_array_append_new(unread, json_pack("{s:s, s:s}", "filename", resp.att[i].filename,
								"reason", st));
	}
	if (o != NULL)
		json_object_set_new(o, "not_searchable", unread);
	else
		json_decref(unread);
	return reply_json(r, 200, o);
}

static int
manage(struct request *r, int withdraw)
{
	struct submit_ctx *x = r->state;
	struct response resp;
	struct consultation c;
	struct err e;
	const char *token;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (withdraw)
			return reply_json(r, 200, json_pack("{s:s, s:s}", "id", x->m.public_id, "status", "withdrawn"));
		return receipt_answer(r, 200, x->m.public_id, x->s.slug, x->m.version,
				      x->m.received_at, x->m.sha256, NULL);
	}
	token = request_get_header(r, "X-Manage-Token");
	if (token == NULL)
		token = r->param[1];
	if (response_get(r->db, r->arena, r->param[0], &resp, &e) != 0 ||
	    consultation_get_brief(r->db, r->arena, resp.consultation_slug, &c, &e) != 0)
		return reply_err(r, &e);
	/* Refused before anything is stored (the write checks again). */
	if (str_eq(resp.status, "withdrawn"))
		return reply_problem(r, 409, NULL, "this response was withdrawn", NULL);
	if (str_eq(resp.status, "erased"))	/* gone for good */
		return reply_problem(r, 410, "Gone", "this response was erased at the respondent's request: it "
				     "cannot be revised or withdrawn", NULL);
	if (response_in_time(r->started_ms / 1000, c.opens_at, c.closes_at, c.state, &e) != 0)
		return reply_err(r, &e);
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	x->s.slug = c.slug;
	x->m.public_id = resp.public_id;
	x->m.token = arena_strdup(r->arena, token);
	x->m.started_at = r->started_ms / 1000;
	x->m.withdraw = withdraw;
	if (!withdraw && take_input(r, &c, x, &x->m.in) != 0) {
		return HANDLER_DONE;
	}
	return request_write(r, response_manage_fn, &x->m);
}

int
api_response_revise(struct request *r)
{
	return manage(r, 0);
}

int
api_response_withdraw(struct request *r)
{
	return manage(r, 1);
}
