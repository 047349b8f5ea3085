/* page_manage.c: the respondent's private page (reached with the manage link): revise the
 * response (a new version) or withdraw it, until the consultation closes. */
#include <string.h>

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
};

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

static int
show(struct request *r, struct manage *x, const char *notice, int status)
{
	struct buf *b = &r->out;
	struct err e;
	const char *action = arena_printf(r->arena, "/responses/%s/manage?token=%s", x->resp.public_id,
					  token_of(r));
	int open = response_in_time(r->started_ms / 1000, x->c.opens_at, x->c.closes_at, x->c.state, &e) == 0 &&
		   !str_eq(x->resp.status, "withdrawn");
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
		html_text(b, str_eq(x->resp.status, "withdrawn")
				 ? _("This response is withdrawn.")
				 : _("The consultation is closed: the response can no longer be changed."));
		H(b, "</p>\n");
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
