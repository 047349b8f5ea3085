/* page_mail_unsubscribe.c: /mail/unsubscribe/{token}, the link in every personal notice
 * (docs/MAIL-NOTICES.md). GET shows a button (mail scanners fetch links by GET, so a GET changes
 * nothing); POST is RFC 8058's one-click (body List-Unsubscribe=One-Click, from the mail
 * provider, without login and without a CSRF token: the token in the path is the authority) and
 * what the button sends. An unknown token is a clear 404 and nothing changes. */
#include <string.h>

#include "../domain/notice.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"

static int
page(struct request *r, int status, const char *title, const char *text, const char *token)
{
	struct buf *b = &r->out;

	layout_message_begin(r, title, text);
	if (token != NULL) {
		H(b, "<form class=\"login\" method=\"post\" action=\"/mail/unsubscribe/");
		html_attr(b, token);
		H(b, "\">\n");
		csrf_input(r);	/* only checked when the visitor has a session */
		H(b, "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n<p><button type=\"submit\">");
		html_text(b, _("Stop these mails"));
		H(b, "</button></p>\n</form>\n");
	}
	request_header(r, "Referrer-Policy", "no-referrer");
	return layout_message_end(r, status);
}

static int
not_found(struct request *r)
{
	return page(r, 404, _("This link is not valid"),
		    _("This unsubscribe link is not one we sent, or it was mistyped. Nothing was changed."), NULL);
}

int
page_mail_unsubscribe(struct request *r)
{
	struct notice_optout o;
	struct err e;

	if (notice_optout_get(r->db, r->arena, r->param[1], &o, &e) != 0)
		return e.kind == ERR_NOTFOUND ? not_found(r) : reply_err(r, &e);
	if (o.opted_out_at != 0)
		return page(r, 200, _("You are unsubscribed"),
			    arena_printf(r->arena, _("This address receives no more mails about %s."), notice_kind_name(o.kind)),
			    NULL);
	return page(r, 200, _("Unsubscribe"),
		    arena_printf(r->arena, _("Stop the mails about %s to this address?"), notice_kind_name(o.kind)),
		    r->param[1]);
}

int
page_mail_unsubscribe_post(struct request *r)
{
	struct notice_unsubscribe *u = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return r->write_err.kind == ERR_NOTFOUND ? not_found(r) : reply_err(r, &r->write_err);
		log_info("msg=\"mail opt-out\" kind=%s again=%d id=%s", u->kind, u->was_out, r->id);
		return page(r, 200, _("You are unsubscribed"),
			    arena_printf(r->arena, _("This address receives no more mails about %s."),
					 notice_kind_name(u->kind)),
			    NULL);
	}
	if ((u = r->state = arena_alloc(r->arena, sizeof(*u))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	memset(u, 0, sizeof(*u));
	u->token = r->param[1];
	return request_write(r, notice_unsubscribe_fn, u);
}
