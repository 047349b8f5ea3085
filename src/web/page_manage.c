/* page_manage.c: the respondent's private page (reached with the manage link): revise the
 * response (a new version) or withdraw it, until the consultation closes; and, at any time, ask
 * the secretariat to correct or erase it, and see what became of the request. */
#include <string.h>

#include "../domain/erasure.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "form_response.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "submit.h"
#include "upload.h"
#include "view.h"

struct manage {
	struct consultation c;
	struct response resp;
	struct response_input in;
	struct field_errors fe;
	json_t *keep;
	struct response_manage m;
	/* a request to the secretariat: the values sent, and the error of its form */
	struct request_file rf;
	const char *req_field, *req_error;
	int filing;
};

#define REQUESTS_SHOWN 20

/* The current version as form values (attachments are kept unless new ones are sent). */
static void
as_input(const struct response *p, struct response_input *in)
{
	memset(in, 0, sizeof(*in));
	in->name = p->name;
	in->organization = p->organization;
	in->job_title = p->job_title;
	in->country = p->country;
	in->stakeholder_type = p->stakeholder_type;
	in->email = p->email;
	in->publish_as = p->publish_as;
	in->language = str_eq(p->language, "und") ? NULL : p->language;
	in->summary = p->summary;
	in->nanswers = p->nanswers;
	memcpy(in->answers, p->answers, sizeof(in->answers));
	in->nattachments = p->nattachments;
	memcpy(in->att, p->att, sizeof(in->att));
}

static int
load(struct request *r, struct manage *x)
{
	struct err e;

	if (response_get(r->db, r->arena, r->param[1], &x->resp, &e) != 0 ||
	    consultation_get(r->db, r->arena, x->resp.consultation_slug, &x->c, &e) != 0) {
		reply_error(r, 404, _("There is no response at this address."));
		return -1;
	}
	return 0;
}

/* The token: from the manage link (?token=), else the X-Manage-Token header. */
static const char *
token_of(struct request *r)
{
	return r->param[2] ? r->param[2] : request_get_header(r, "X-Manage-Token");
}

static const char *
request_state_text(struct request *r, const struct response_request *q)
{
	if (str_eq(q->state, "open"))
		return _("Waiting for the secretariat.");
	if (str_eq(q->state, "done"))
		return str_eq(q->kind, "erasure") ? _("Carried out: your response is erased.")
						  : _("Carried out: your response is corrected.");
	return arena_printf(r->arena, _("Declined by the secretariat: %s"), q->decline_reason);
}

/* The requests made so far; then, when none is open and the response is not erased, the form
 * for a new one (form) or a link to the page that has it. */
static void
requests_section(struct request *r, struct manage *x, const char *token, int form)
{
	struct buf *b = &r->out;
	struct response_request *q = NULL;
	struct err e;
	int n = request_list_for(r->db, r->arena, x->resp.id, REQUESTS_SHOWN, &q, &e), open = 0;
	const char *kind = x->rf.kind ? x->rf.kind : "correction";

	H(b, "<section class=\"requests\" id=\"requests\">\n<h2>");
	html_text(b, _("Ask the secretariat to correct or erase this response"));
	H(b, "</h2>\n");
	if (n > 0) {
		H(b, "<ul class=\"requests\">\n");
		for (int i = 0; i < n; i++) {
			open |= str_eq(q[i].state, "open");
			H(b, "<li class=\"request-");
			html_attr(b, q[i].state);
			H(b, "\"><strong>");
			html_text(b, str_eq(q[i].kind, "erasure") ? _("Erasure") : _("Correction"));
			H(b, "</strong>, ");
			html_text(b, _("asked on"));
			H(b, " ");
			view_date(r, q[i].created_at);
			H(b, ": ");
			html_text(b, request_state_text(r, &q[i]));
			if (q[i].decided_at > 0) {
				H(b, " (");
				view_date(r, q[i].decided_at);
				H(b, ")");
			}
			H(b, "</li>\n");
		}
		H(b, "</ul>\n");
	}
	if (str_eq(x->resp.status, "erased") || open) {
		H(b, "</section>\n");
		return;
	}
	if (!form) {
		H(b, "<p><a href=\"");
		html_attr(b, arena_printf(r->arena, "/responses/%s/requests?token=%s", x->resp.public_id, token));
		H(b, "\">");
		html_text(b, _("Ask for a correction or an erasure"));
		H(b, "</a></p>\n</section>\n");
		return;
	}
	H(b, "<p>");
	html_text(b, _("The secretariat carries out a correction of your personal details or of an answer "
		       "as a new version marked as corrected at your request; an erasure removes the content "
		       "and your personal data and leaves only a note that the response was erased, and when."));
	H(b, "</p>\n<form class=\"request\" method=\"post\" action=\"");
	html_attr(b, arena_printf(r->arena, "/responses/%s/requests?token=%s", x->resp.public_id, token));
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<fieldset class=\"choice\">\n<legend>");
	html_text(b, _("What do you ask?"));
	H(b, "</legend>\n");
	if (str_eq(x->req_field, "kind")) {
		H(b, "<p class=\"error\" id=\"err-kind\" role=\"alert\">");
		html_text(b, x->req_error);
		H(b, "</p>\n");
	}
	{
		static const char *const kinds[] = { "correction", "erasure" };
		const char *labels[] = { _("A correction"), _("An erasure") };
		for (int i = 0; i < 2; i++) {
			H(b, "<label><input type=\"radio\" name=\"kind\" value=\"");
			html_attr(b, kinds[i]);
			H(b, "\"");
			if (str_eq(kind, kinds[i]))
				H(b, " checked");
			if (str_eq(x->req_field, "kind"))
				H(b, " aria-describedby=\"err-kind\"");
			H(b, "> ");
			html_text(b, labels[i]);
			H(b, "</label>\n");
		}
	}
	H(b, "</fieldset>\n<div class=\"field\">\n<label for=\"f-message\">");
	html_text(b, _("Message (required for a correction: what should be corrected, and how)"));
	H(b, "</label>\n");
	if (str_eq(x->req_field, "message")) {
		H(b, "<p class=\"error\" id=\"err-message\" role=\"alert\">");
		html_text(b, x->req_error);
		H(b, "</p>\n");
	}
	H(b, "<textarea id=\"f-message\" name=\"message\" rows=\"5\" maxlength=\"5000\"");
	if (str_eq(x->req_field, "message"))
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-message\"");
	H(b, ">");
	html_text(b, x->rf.message);
	H(b, "</textarea>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Send the request"));
	H(b, "</button></p>\n</form>\n</section>\n");
}

static int
show(struct request *r, struct manage *x, const char *notice, int status)
{
	struct buf *b = &r->out;
	struct err e;
	const char *action = arena_printf(r->arena, "/responses/%s/manage?token=%s", x->resp.public_id,
					  token_of(r));
	int open = response_in_time(r->started_ms / 1000, x->c.opens_at, x->c.closes_at, x->c.state, &e) == 0 &&
		   !str_eq(x->resp.status, "withdrawn") && !str_eq(x->resp.status, "erased");
	struct form_view v = { &x->c, &x->in, &x->fe, action, NULL, NULL, 0, _("Save a new version"), 0,
			       0, 0 };	/* a revision: the consent was given with the first version */

	buf_reset(b);
	layout_begin(r, _("Manage your response"));
	H(b, "<h1>");
	html_text(b, _("Manage your response"));
	H(b, "</h1>\n");
	if (notice != NULL) {
		H(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		H(b, "</p>\n");
	}
	H(b, "<p>");
	html_text(b, arena_printf(r->arena, _("Response %s, version %d."), x->resp.public_id, x->resp.version));
	H(b, " <a href=\"/responses/");
	html_url(b, x->resp.public_id);
	H(b, "\">");
	html_text(b, _("See it as the public does"));
	H(b, "</a></p>\n");
	if (!open) {
		H(b, "<p class=\"notice\">");
		if (str_eq(x->resp.status, "erased")) {
			html_text(b, _("This response was erased at your request on"));
			H(b, " ");
			view_date(r, x->resp.status_at);
			H(b, ". ");
			html_text(b, _("It can no longer be changed."));
		} else {
			html_text(b, str_eq(x->resp.status, "withdrawn")
					 ? _("This response is withdrawn.")
					 : _("The consultation is closed: the response can no longer be changed."));
		}
		H(b, "</p>\n");
		requests_section(r, x, token_of(r), 0);
		layout_end(r);
		r->status = status;
		return HANDLER_DONE;
	}
	H(b, "<p>");
	view_time_left(r, &x->c);
	H(b, "</p>\n");
	form_response(r, &v);
	H(b, "<form class=\"withdraw\" method=\"post\" enctype=\"multipart/form-data\" action=\"");
	html_attr(b, action);
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"action\" value=\"withdraw\">\n<p><button type=\"submit\">");
	html_text(b, _("Withdraw my response"));
	H(b, "</button></p>\n</form>\n");
	requests_section(r, x, token_of(r), 0);
	layout_end(r);
	r->status = status;
	return HANDLER_DONE;
}

int
page_manage(struct request *r)
{
	struct manage *x = arena_alloc(r->arena, sizeof(*x));

	if (x == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, x) != 0)
		return HANDLER_DONE;
	as_input(&x->resp, &x->in);
	return show(r, x, NULL, 200);
}

int
page_manage_post(struct request *r)
{
	struct manage *x = r->state;
	int status = 0;
	const char *why = NULL, *action;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind != ERR_CONFLICT)
			return reply_err(r, &r->write_err);
		if (load(r, x) != 0)
			return HANDLER_DONE;
		as_input(&x->resp, &x->in);
		if (r->write_rc != 0)
			return show(r, x, r->write_err.msg, 409);
		return show(r, x, x->m.withdraw ? _("Your response is withdrawn.")
						: _("Your new version is saved."), 200);
	}
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, x) != 0)
		return HANDLER_DONE;
	if (r->upload == NULL)
		return reply_error(r, 400, _("Send the form as it is on the page."));
	if (str_eq(x->resp.status, "erased")) {	/* gone for good: nothing to revise */
		as_input(&x->resp, &x->in);
		return show(r, x, _("This response was erased at your request: it cannot be revised or "
				     "withdrawn."), 410);
	}
	{
		struct err te;
		if (str_eq(x->resp.status, "withdrawn") ||
		    response_in_time(r->started_ms / 1000, x->c.opens_at, x->c.closes_at, x->c.state, &te) != 0) {
			as_input(&x->resp, &x->in);
			return show(r, x, NULL, 409);	/* says it can no longer be changed */
		}
	}
	x->m.public_id = x->resp.public_id;
	x->m.token = token_of(r);
	x->m.started_at = r->started_ms / 1000;
	action = upload_field(r, "action");
	if (str_eq(action, "withdraw")) {
		x->m.withdraw = 1;
		return request_write(r, response_manage_fn, &x->m);
	}
	if (submit_read(r, &x->in, &x->fe, &x->keep, &status, &why) != 0)
		return reply_error(r, 400, _("Send the form as it is on the page."));
	r->json_body = x->keep;	/* x->in points into it */
	if (r->upload->nfiles == 0) {	/* no new files: keep the current ones */
		x->in.nattachments = x->resp.nattachments;
		memcpy(x->in.att, x->resp.att, sizeof(x->in.att));
	} else if (submit_attachments(r, &x->in, &status, &why) != 0) {
		field_error_add(&x->fe, "attachments", "%s", why);
	}
	if (response_validate(&x->in, &x->c, &x->fe) > 0 || x->fe.n > 0) {
		return show(r, x, NULL, status == 415 ? 415 : 422);
	}
	x->m.in = x->in;
	return request_write(r, response_manage_fn, &x->m);
}

/* The page of requests: what was asked so far, and the form for a new request. */
static int
show_requests(struct request *r, struct manage *x, const char *notice, int status)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, _("Ask the secretariat to correct or erase this response"));
	H(b, "<p class=\"meta\"><a href=\"");
	html_attr(b, arena_printf(r->arena, "/responses/%s/manage?token=%s", x->resp.public_id, token_of(r)));
	H(b, "\">");
	html_text(b, _("Manage your response"));
	H(b, "</a></p>\n<h1>");
	html_text(b, arena_printf(r->arena, _("Response %s"), x->resp.public_id));
	H(b, "</h1>\n");
	if (notice != NULL) {
		H(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, notice);
		H(b, "</p>\n");
	}
	requests_section(r, x, token_of(r), 1);
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

/* GET /responses/{id}/requests (with the manage link's token, checked centrally). */
int
page_manage_requests(struct request *r)
{
	struct manage *x = arena_alloc(r->arena, sizeof(*x));

	if (x == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, x) != 0)
		return HANDLER_DONE;
	return show_requests(r, x, NULL, 200);
}

/* POST /responses/{id}/requests: a request for a correction or an erasure, filed with the manage
 * link (checked centrally, and again in the write); the page again, saying it is sent, or with
 * the error beside its field. */
int
page_manage_request(struct request *r)
{
	struct manage *x = r->state;
	const char *message;

	if (r->write_queued) {
		if (load(r, x) != 0)
			return HANDLER_DONE;
		as_input(&x->resp, &x->in);
		if (r->write_rc != 0 && r->write_err.kind == ERR_INVALID) {
			x->req_field = r->write_err.field[0] ? r->write_err.field : "message";
			x->req_error = str_eq(x->req_field, "kind")
					   ? (str_eq(x->resp.status, "withdrawn") && str_eq(x->rf.kind, "correction")
						  ? _("A withdrawn response cannot be corrected: ask for its erasure.")
						  : _("Choose a correction or an erasure."))
				       : x->rf.message != NULL
					   ? _("The message is too long (at most 5,000 characters) or is not text.")
					   : _("Say what should be corrected, and how.");
			return show_requests(r, x, NULL, 422);
		}
		if (r->write_rc != 0 && r->write_err.kind == ERR_CONFLICT)
			return show_requests(r, x, str_eq(x->resp.status, "erased")
					      ? _("This response is erased already.")
					      : _("A request for this response is already waiting for the secretariat."),
				    409);
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"request filed\" kind=%s response=%s id=%s", x->rf.kind, x->resp.public_id, r->id);
		x->rf.kind = NULL;
		x->rf.message = NULL;
		return show_requests(r, x, _("Your request is sent to the secretariat. Its answer will be shown on this page."),
			    200);
	}
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, x) != 0)
		return HANDLER_DONE;
	if (r->upload == NULL)
		return reply_error(r, 400, _("Send the form as it is on the page."));
	message = upload_field(r, "message");
	x->rf.public_id = x->resp.public_id;
	x->rf.token = token_of(r);
	x->rf.kind = upload_field(r, "kind");
	x->rf.message = message != NULL && message[strspn(message, " \t\r\n")] != '\0' ? message : NULL;
	x->rf.address = r->client;
	return request_write(r, request_file_fn, &x->rf);
}
