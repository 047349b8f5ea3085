/* page_respond.c: the respond form (works without JavaScript) and what it answers: the form
 * again with every error next to its field, or the receipt with the private manage link. */
#include <string.h>

#include "../domain/held.h"
#include "../domain/notice_response.h"	/* issue 13 */
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "form_response.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "submit.h"
#include "upload.h"
#include "view.h"

struct respond {
	struct consultation c;
	struct response_input in;
	struct field_errors fe;
	json_t *keep;
	struct response_submit s;
	struct held_put hold;
	struct attachment held[RESPONSE_MAX_ATTACHMENTS];
	int nheld;
	int holding;	/* the write is keeping uploads for a form shown again */
	int consent;	/* the consent checkbox was ticked */
	int status;
};

static void
heading(struct request *r, const struct consultation *c, const char *what)
{
	struct buf *b = &r->out;
	enum lang got;
	const char *title = mtext_pick(&c->title, r->lang, &got);

	layout_begin(r, what);
	H(b, "<p class=\"meta\"><a href=\"/consultations/");
	html_url(b, c->slug);
	H(b, "\">");
	layout_text_in(r, title ? title : c->slug, got);
	H(b, "</a></p>\n<h1>");
	html_text(b, what);
	H(b, "</h1>\n");
	view_text_versions(r, &c->title);	/* languages (issue 9) */
}

static int
show_form(struct request *r, struct respond *x, int status)
{
	struct form_view v = { &x->c, &x->in, &x->fe,
			       arena_printf(r->arena, "/consultations/%s/respond", x->c.slug),
			       x->hold.token[0] ? x->hold.token : NULL, x->held, x->nheld,
			       _("Send my response"), 1, (int)r->srv->cfg->retention_days,
			       x->consent };

	buf_reset(&r->out);
	heading(r, &x->c, _("Respond to this consultation"));
	H(&r->out, "<p class=\"lead\">");
	view_time_left(r, &x->c);
	H(&r->out, " ");
	html_text(&r->out, _("Your response is published as you choose below; your email address "
			     "is never published."));
	H(&r->out, "</p>\n");
	form_response(r, &v);
	layout_end(r);
	r->status = status;
	return HANDLER_DONE;
}

/* The consultation, open at the time the request started; else an answer is written. */
static int
load_open(struct request *r, struct consultation *c)
{
	struct err e;

	if (consultation_get(r->db, r->arena, r->param[1], c, &e) != 0 || str_eq(c->state, "draft")) {
		reply_error(r, 404, _("There is no consultation at this address."));
		return -1;
	}
	if (response_in_time(r->started_ms / 1000, c->opens_at, c->closes_at, c->state, &e) != 0) {
		buf_reset(&r->out);
		heading(r, c, c->opens_at > r->started_ms / 1000 ? _("Not open yet")
								   : _("This consultation is closed"));
		H(&r->out, "<p>");
		html_text(&r->out, c->opens_at > r->started_ms / 1000 ? _("It opens on") : _("It closed on"));
		H(&r->out, " ");
		view_time(r, c->opens_at > r->started_ms / 1000 ? c->opens_at : c->closes_at);
		H(&r->out, ".</p>\n");
		layout_end(r);
		r->status = 409;
		return -1;
	}
	return 0;
}

int
page_respond(struct request *r)
{
	struct respond *x = arena_alloc(r->arena, sizeof(*x));

	if (x == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load_open(r, &x->c) != 0)
		return HANDLER_DONE;
	return show_form(r, x, 200);
}

static int
receipt(struct request *r, struct respond *x)
{
	struct buf *b = &r->out;

	heading(r, &x->c, _("Thank you: your response is received"));
	H(b, "<dl class=\"receipt\">\n");
	view_receipt_id_row(r, x->s.public_id);
	H(b, "<dt>");
	html_text(b, _("Received"));
	H(b, "</dt><dd>");
	view_time(r, x->s.received_at);
	H(b, "</dd>\n");
	view_receipt_hash_row(r, x->s.sha256);
	H(b, "</dl>\n");
	if (str_eq(x->s.status, "pending")) {
		H(b, "<p class=\"notice\">");
		html_text(b, _("The secretariat publishes responses to this consultation after review."));
		H(b, "</p>\n");
	}
	H(b, "<p><a href=\"/receipts/");
	html_url(b, x->s.public_id);
	H(b, "\">");
	html_text(b, _("Your receipt (safe to share)"));
	H(b, "</a></p>\n");
	view_manage_link(r, x->s.public_id, x->s.manage_token, _("Your private manage link, shown only once:"),
			 _("Keep it: with it you can revise or withdraw your response until the "
			   "consultation closes. Do not share it."));
	layout_end(r);
	r->status = 201;
	return HANDLER_DONE;
}

int
page_respond_post(struct request *r)
{
	struct respond *x = r->state;
	int status = 0;
	const char *why = NULL, *held, *website, *consent;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind == ERR_CONFLICT)
			return load_open(r, &x->c), HANDLER_DONE;	/* it closed meanwhile */
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (x->holding) {
			for (int i = 0; i < x->hold.n && x->nheld < RESPONSE_MAX_ATTACHMENTS; i++)
				x->held[x->nheld++] = x->hold.att[i];
			return show_form(r, x, x->status);
		}
		return receipt(r, x);
	}
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load_open(r, &x->c) != 0)
		return HANDLER_DONE;
	if ((website = upload_field(r, "website")) != NULL && website[0] != '\0') {
		log_warn("msg=\"honeypot filled in: refused\" addr=%s slug=%s id=%s", r->client,
			 x->c.slug, r->id);
		return reply_error(r, 400, _("The form was not filled in by a person."));
	}
	if (r->upload == NULL || submit_read(r, &x->in, &x->fe, &x->keep, &status, &why) != 0)
		return reply_error(r, 400, _("Send the form as it is on the page."));
	r->json_body = x->keep;	/* x->in points into it */
	/* Attachments kept from an earlier try come first. */
	held = upload_field(r, "held");
	if (held != NULL && strlen(held) == HELD_TOKEN_LEN - 1) {
		x->nheld = held_get(r->db, r->arena, held, x->held, RESPONSE_MAX_ATTACHMENTS);
		if (x->nheld < 0)
			x->nheld = 0;
		snprintf(x->hold.token, sizeof(x->hold.token), "%s", held);
	}
	for (int i = 0; i < x->nheld; i++)
		x->in.att[x->in.nattachments++] = x->held[i];
	if (r->upload->nfiles + x->nheld > RESPONSE_MAX_ATTACHMENTS)
		field_error_add(&x->fe, "attachments", _("At most %d attachments."), RESPONSE_MAX_ATTACHMENTS);
	else if (submit_attachments(r, &x->in, &status, &why) != 0)
		field_error_add(&x->fe, "attachments", "%s", why);
	response_validate(&x->in, &x->c, &x->fe);
	/* Publication needs the respondent's consent to the notice (the API takes the submission
	 * itself as that consent: docs/RESPONSES.md). */
	consent = upload_field(r, "consent");
	x->consent = consent != NULL && consent[0] != '\0';
	if (!x->consent)
		field_error_add(&x->fe, "consent", "%s",
				_("Tick this box to agree that your response is published as you "
				  "chose, or the response cannot be received."));
	if (x->fe.n > 0) {
		x->status = status == 415 ? 415 : 422;
		if (x->in.nattachments > x->nheld) {	/* keep the new ones for the retry */
			x->holding = 1;
			x->hold.n = x->in.nattachments - x->nheld;
			x->hold.att = &x->in.att[x->nheld];
			return request_write(r, held_put_fn, &x->hold);
		}
		return show_form(r, x, x->status);
	}
	x->s.slug = x->c.slug;
	x->s.started_at = r->started_ms / 1000;
	x->s.in = x->in;
	if (response_submit_prepare(&x->s, &(struct err){ 0 }) != 0)	/* out of memory */
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_write(r, notice_response_submit_fn, &x->s);
}
