/* page_admin_consultation_state.c: the secretariat opens (now, or schedules the opening),
 * extends and closes a consultation from its pages. Closing early is final, so the close form
 * first shows a confirmation page; only a post with confirm=yes closes. The writes are
 * consultation_state.c's closures, which audit who did it and from where. */
#include <string.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "form_consultation.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

/* Back to the consultation's page once the change has committed. */
static int
done(struct request *r, struct cform *f)
{
	if (r->write_rc != 0)
		return admin_consultation_refused(r, f, &r->write_err);
	return reply_redirect(r, 303, arena_printf(r->arena, "/admin/consultations/%s/edit#state", f->ch.slug));
}

/* The consultation of the path, loaded into a new form state; NULL with a page written. */
static struct cform *
start(struct request *r, const char *part)
{
	struct cform *f = r->state = arena_alloc(r->arena, sizeof(*f));

	if (f == NULL) {
		reply_error(r, 503, _("The service is busy; try again."));
		return NULL;
	}
	if (admin_consultation_load(r, f, r->param[1]) != 0)
		return NULL;
	f->part = part;
	f->ch.slug = f->c.slug;
	f->ch.account_id = r->account_id;	/* audited in the closure */
	f->ch.address = r->client;
	return f;
}

/* A time field that may be empty (open: now). Returns 0, or -1 with the error under key. */
static int
optional_time(struct request *r, struct cform *f, const char *key, const char **raw, int64_t *t,
	      int required)
{
	*raw = upload_field(r, key);
	*t = 0;
	if (*raw == NULL || (*raw)[strspn(*raw, " ")] == '\0') {
		if (!required)
			return 0;
		field_error_add(&f->fe, key, "%s", _("Give the new closing time."));
		return -1;
	}
	if (time_parse_rfc3339(*raw, t) != 0) {
		field_error_add(&f->fe, key, "%s", _("Write the time as 2027-01-31T12:00:00Z (UTC) or with an "
						     "offset such as +01:00."));
		return -1;
	}
	return 0;
}

int
page_admin_consultation_open(struct request *r)
{
	struct cform *f = r->state;

	if (r->write_queued)
		return done(r, f);
	if ((f = start(r, "open")) == NULL)
		return HANDLER_DONE;
	if (optional_time(r, f, "at", &f->at, &f->ch.at, 0) != 0)
		return admin_consultation_page(r, f, 422);
	if (str_eq(f->c.state, "open") || str_eq(f->c.state, "closed")) {
		field_error_add(&f->fe, "", "%s", _("It has opened already."));
		return admin_consultation_page(r, f, 409);
	}
	return request_write(r, consultation_open_fn, &f->ch);
}

int
page_admin_consultation_extend(struct request *r)
{
	struct cform *f = r->state;

	if (r->write_queued)
		return done(r, f);
	if ((f = start(r, "extend")) == NULL)
		return HANDLER_DONE;
	if (optional_time(r, f, "until", &f->until, &f->ch.at, 1) != 0)
		return admin_consultation_page(r, f, 422);
	return request_write(r, consultation_extend_fn, &f->ch);
}

/* "Close it now?": what closing means, and the form that does it. */
static int
confirm_page(struct request *r, const struct consultation *c)
{
	const char *title = mtext_pick(&c->title, r->lang, NULL);
	struct buf *b = &r->out;

	layout_begin(r, _("Close the consultation?"));
	H(b, "<p class=\"meta\"><a href=\"/admin/consultations\">");
	html_text(b, _("Consultations"));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Close the consultation?"));
	H(b, "</h1>\n<p><strong>");
	html_text(b, title ? title : c->slug);
	H(b, "</strong></p>\n<dl class=\"respondent\"><dt>");
	html_text(b, _("Due to close"));
	H(b, "</dt><dd>");
	view_time(r, c->closes_at);
	H(b, "</dd></dl>\n<p class=\"notice\">");
	html_text(b, _("Closing is final: once closed, no one can respond, revise or withdraw a response, "
		       "and it cannot be opened again."));
	H(b, "</p>\n<form class=\"decision\" method=\"post\" action=\"/admin/consultations/");
	html_url(b, c->slug);
	H(b, "/close\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n<button type=\"submit\">");
	html_text(b, _("Close it now"));
	H(b, "</button>\n</form>\n<p><a href=\"/admin/consultations/");
	html_url(b, c->slug);
	H(b, "/edit\">");
	html_text(b, _("Cancel: keep it open"));
	H(b, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

int
page_admin_consultation_close(struct request *r)
{
	struct cform *f = r->state;

	if (r->write_queued)
		return done(r, f);
	if ((f = start(r, "close")) == NULL)
		return HANDLER_DONE;
	if (!str_eq(f->c.state, "open")) {
		field_error_add(&f->fe, "", "%s", _("Only an open consultation can be closed."));
		return admin_consultation_page(r, f, 409);
	}
	if (!str_eq(upload_field(r, "confirm"), "yes"))
		return confirm_page(r, &f->c);
	return request_write(r, consultation_close_fn, &f->ch);
}
