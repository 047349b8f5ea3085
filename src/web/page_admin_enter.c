/* page_admin_enter.c: a response received by email or post, entered by the secretariat on the
 * respondent's behalf (/admin/consultations/{slug}/responses/new): the respond form plus how
 * and when it was received. It is checked as a public response is and stored by the same
 * closure (response_submit_fn), marked with the channel, the day and who entered it; the
 * manage link is shown once, for the secretariat to forward to the respondent. */
#include <string.h>

#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "form_response.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "submit.h"
#include "upload.h"
#include "view.h"
#include "../domain/notice_response.h"	/* issue 13 */

struct enter {
	struct consultation c;
	struct response_input in;
	struct field_errors fe;
	json_t *keep;
	struct response_submit s;
	const char *channel, *received_on;
};

/* The channel a response came by, in the reader's language. */
static const char *
channel_label(const char *channel)
{
	if (str_eq(channel, "post"))
		return _("post");
	if (str_eq(channel, "email"))
		return _("email");
	if (str_eq(channel, "other"))
		return _("other");
	return channel;
}

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
}

static int
show_form(struct request *r, struct enter *x, int status)
{
	struct form_view v = { &x->c, &x->in, &x->fe,
			       arena_printf(r->arena, "/admin/consultations/%s/responses/new", x->c.slug),
			       NULL, NULL, 0, _("Enter the response"), 0, 0, 0 };

	buf_reset(&r->out);
	heading(r, &x->c, _("Enter a response received by email or post"));
	H(&r->out, "<p class=\"lead\">");
	html_text(&r->out, _("The response is published as received from the respondent, marked as entered "
			     "by the secretariat with how and when it was received. While the consultation is "
			     "open any date up to today may be given; after the close, only a response "
			     "received by the closing date may be entered."));
	H(&r->out, "</p>\n");
	form_response_entered(r, &v, x->channel, x->received_on);
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

/* The consultation of the path; a draft is not there for this purpose. */
static int
load(struct request *r, struct consultation *c)
{
	struct err e;

	if (consultation_get(r->db, r->arena, r->param[1], c, &e) != 0 || str_eq(c->state, "draft")) {
		reply_error(r, 404, _("There is no consultation at this address."));
		return -1;
	}
	return 0;
}

int
page_admin_enter(struct request *r)
{
	struct enter *x = arena_alloc(r->arena, sizeof(*x));

	if (x == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, &x->c) != 0)
		return HANDLER_DONE;
	return show_form(r, x, 200);
}

/* After the write: what was stored, and the manage link, once. */
static int
entered(struct request *r, struct enter *x)
{
	struct buf *b = &r->out;

	heading(r, &x->c, _("The response is entered"));
	H(b, "<dl class=\"receipt\">\n");
	view_receipt_id_row(r, x->s.public_id);
	view_row(r, 0, _("Received by"), channel_label(x->channel));
	H(b, "<dt>");
	html_text(b, _("Received on"));
	H(b, "</dt><dd>");
	view_date(r, x->s.received_on);
	H(b, "</dd>\n");
	view_receipt_hash_row(r, x->s.sha256);
	H(b, "</dl>\n");
	view_manage_link(r, x->s.public_id, x->s.manage_token,
			 _("The respondent's private manage link, shown only once:"),
			 _("Forward it to the respondent: with it they can revise or withdraw the response until "
			   "the consultation closes, and ask for its correction or erasure. It is not kept."));
	H(b, "<p><a href=\"");
	html_attr(b, arena_printf(r->arena, "/admin/consultations/%s/responses/new", x->c.slug));
	H(b, "\">");
	html_text(b, _("Enter another response"));
	H(b, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = 201;
	return HANDLER_DONE;
}

/* The day of "YYYY-MM-DD" at midnight UTC. Returns 0, or -1 when it is not such a date. */
static int
parse_day(const char *s, int64_t *out)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10)
		return -1;
	return time_parse_rfc3339(s, out);
}

/* The error of a received date that response_entry_in_time refused, for the form. */
static const char *
day_error(struct request *r, const struct enter *x, const struct err *te)
{
	char when[TIME_RFC3339_LEN];

	if (te->kind == ERR_INVALID)
		return _("This date is in the future.");
	if (x->s.received_on > x->c.closes_at) {
		time_format_rfc3339(x->c.closes_at, when);
		return arena_printf(r->arena, _("The consultation closed on %.10s: only a response received by "
						"then may be entered."), when);
	}
	time_format_rfc3339(x->c.opens_at, when);
	return arena_printf(r->arena, _("The consultation opens (or opened) on %.10s: a response received "
					"before cannot be entered."), when);
}

int
page_admin_enter_post(struct request *r)
{
	struct enter *x = r->state;
	struct err te;
	int status = 0, day_status = 422;
	const char *why = NULL;

	if (r->write_queued) {
		if (r->write_rc != 0 && (r->write_err.kind == ERR_CONFLICT || r->write_err.kind == ERR_INVALID)) {
			/* the date checked again in the write, against the clock of the write */
			field_error_add(&x->fe, r->write_err.field[0] ? r->write_err.field : "received_on", "%s",
					str_eq(r->write_err.field, "received_on") ? day_error(r, x, &r->write_err)
										  : r->write_err.msg);
			return show_form(r, x, r->write_err.kind == ERR_CONFLICT ? 409 : 422);
		}
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"response entered on behalf\" response=%s channel=%s account=%lld id=%s",
			 x->s.public_id, x->channel, (long long)r->account_id, r->id);
		return entered(r, x);
	}
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, &x->c) != 0)
		return HANDLER_DONE;
	if (r->upload == NULL || submit_read(r, &x->in, &x->fe, &x->keep, &status, &why) != 0)
		return reply_error(r, 400, _("Send the form as it is on the page."));
	r->json_body = x->keep;	/* x->in points into it */
	x->channel = upload_field(r, "channel");
	x->received_on = upload_field(r, "received_on");
	if (!response_channel_valid(x->channel))
		field_error_add(&x->fe, "channel", "%s", _("Choose post, email or other."));
	if (x->received_on == NULL || x->received_on[0] == '\0') {
		field_error_add(&x->fe, "received_on", "%s", _("This field is required."));
	} else if (parse_day(x->received_on, &x->s.received_on) != 0) {
		field_error_add(&x->fe, "received_on", "%s", _("Give the date as YYYY-MM-DD."));
	} else if (response_entry_in_time(x->s.received_on, clock_now(), x->c.opens_at, x->c.closes_at,
					  x->c.state, &te) != 0) {
		day_status = te.kind == ERR_CONFLICT ? 409 : 422;
		field_error_add(&x->fe, "received_on", "%s", day_error(r, x, &te));
	}
	response_validate(&x->in, &x->c, &x->fe);
	if (x->fe.n > 0) {	/* nothing stored: attachments are chosen again */
		if (r->upload->nfiles > 0)
			field_error_add(&x->fe, "attachments", "%s",
					_("Choose the attachments again once the other errors are corrected."));
		return show_form(r, x, x->fe.n == 1 && field_error_for(&x->fe, "received_on") ? day_status : 422);
	}
	if (r->upload->nfiles > RESPONSE_MAX_ATTACHMENTS ||
	    submit_attachments(r, &x->in, &status, &why) != 0) {
		field_error_add(&x->fe, "attachments", "%s",
				why ? why : arena_printf(r->arena, _("At most %d attachments."), RESPONSE_MAX_ATTACHMENTS));
		return show_form(r, x, status == 415 ? 415 : 422);
	}
	x->s.slug = x->c.slug;
	x->s.started_at = r->started_ms / 1000;
	x->s.in = x->in;
	x->s.channel = x->channel;
	x->s.entered_by = r->account_id;
	x->s.address = r->client;
	if (response_submit_prepare(&x->s, &(struct err){ 0 }) != 0)	/* out of memory */
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_write(r, notice_response_submit_fn, &x->s);
}
