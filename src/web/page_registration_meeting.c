/* page_registration_meeting.c: registration for open consultation meetings (docs/MEETINGS.md,
 * "Open consultation meetings"). The public registers (in person or remote), gets a cancel link
 * once on the confirmation page and by mail; the meeting's page shows a Register link while
 * registration is open, the ordered speakers list and the record once written (the secretariat's
 * side is page_admin_registrants.c). Capacity and closing are checked again inside the write, so a registration
 * refused there (409) has stored nothing. */
#include <stdlib.h>
#include <string.h>

#include "../domain/country.h"
#include "../domain/meeting.h"
#include "../domain/registration_meeting.h"
#include "../domain/response.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "form_account.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "upload.h"
#include "view.h"
#include "view_meeting.h"
#include "view_registration_meeting.h"
#include "form_registration.h"

#define BUSY _("The service is busy; try again.")

/* ---- pieces of forms: the label, the error next to the field, aria ---- */

void
reg_field_begin(struct request *r, const char *name, const char *label, const char *error)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	if (error != NULL) {
		H(b, "<p class=\"error\" id=\"err-");
		html_attr(b, name);
		H(b, "\" role=\"alert\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
}

void
reg_described(struct request *r, const char *name, const char *error)
{
	if (error == NULL)
		return;
	H(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\"");
}

void
reg_option(struct request *r, const char *value, const char *label, const char *selected)
{
	struct buf *b = &r->out;

	H(b, "<option value=\"");
	html_attr(b, value);
	H(b, "\"");
	if (str_eq(value, selected))
		H(b, " selected");
	H(b, ">");
	html_text(b, label);
	H(b, "</option>\n");
}

/* A group of radio buttons in a fieldset, the error under its legend. */
static void
radios(struct request *r, const char *name, const char *legend, const char *const *values,
       const char *const *labels, const char *checked, const char *error)
{
	struct buf *b = &r->out;

	H(b, "<fieldset class=\"field\" id=\"f-");
	html_attr(b, name);
	H(b, "\"");
	reg_described(r, name, error);
	H(b, ">\n<legend>");
	html_text(b, legend);
	H(b, "</legend>\n");
	if (error != NULL) {
		H(b, "<p class=\"error\" id=\"err-");
		html_attr(b, name);
		H(b, "\" role=\"alert\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
	for (int i = 0; values[i] != NULL; i++) {
		H(b, "<label class=\"choice\"><input type=\"radio\" required name=\"");
		html_attr(b, name);
		H(b, "\" value=\"");
		html_attr(b, values[i]);
		H(b, "\"");
		if (str_eq(values[i], checked))
			H(b, " checked");
		H(b, "> ");
		html_text(b, labels[i]);
		H(b, "</label>\n");
	}
	H(b, "</fieldset>\n");
}

/* The title of meeting m ("Meeting 9001" when it has none). */
const char *
reg_meeting_title(struct request *r, const struct meeting *m)
{
	const char *t = mtext_pick(&m->title, r->lang, NULL);

	return t != NULL ? t : arena_printf(r->arena, _("Meeting %d"), m->number);
}

int
reg_not_found(struct request *r, const struct err *e)
{
	return e->kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no meeting with this number."))
				       : reply_err(r, e);
}

/* ---- on the meeting's page ---- */

void
view_meeting_registration(struct request *r, const struct meeting *m)
{
	struct buf *b = &r->out;
	struct mreg_meeting g;
	struct mreg_speaker *s = NULL;
	struct mtext record;
	struct err e;
	const char *body;
	enum lang got;
	int n;

	if (!str_eq(m->kind, "open_consultation") || mreg_meeting_get(r->db, r->arena, m->number, &g, &e) != 0)
		return;
	if (g.has_registration) {
		H(b, "<section id=\"registration\" class=\"meeting-registration\">\n<h2>");
		html_text(b, _("Registration"));
		H(b, "</h2>\n<p>");
		if (mreg_open(&g, clock_now())) {
			html_text(b, _("Registration is open until"));
			H(b, " ");
			view_time(r, g.closes_at);
			H(b, ".</p>\n<p><a class=\"button\" href=\"/meetings/");
			html_int(b, m->number);
			H(b, "/register\">");
			html_text(b, _("Register"));
			H(b, "</a>");
		} else {
			html_text(b, clock_now() >= g.closes_at ? _("Registration is closed.")
								: _("Registration is full."));
		}
		H(b, "</p>\n");
		if (str_eq(r->role, "secretariat")) {
			H(b, "<p><a href=\"/admin/meetings/");
			html_int(b, m->number);
			H(b, "/registrants\">");
			html_text(b, _("Registrants, speakers and record"));
			H(b, "</a></p>\n");
		}
		H(b, "</section>\n");
	} else if (str_eq(r->role, "secretariat")) {
		H(b, "<p><a href=\"/admin/meetings/");
		html_int(b, m->number);
		H(b, "/registrants\">");
		html_text(b, _("Open registration for this meeting"));
		H(b, "</a></p>\n");
	}
	if ((n = mreg_speakers(r->db, r->arena, m->id, &s, &e)) > 0) {
		H(b, "<section id=\"speakers\">\n<h2>");
		html_text(b, _("Speakers"));
		H(b, "</h2>\n<ol class=\"speakers\">\n");
		for (int i = 0; i < n; i++) {
			H(b, "<li>");
			html_text(b, s[i].display);
			if (s[i].response[0] != '\0') {
				H(b, " (<a href=\"/responses/");
				html_url(b, s[i].response);
				H(b, "\">");
				html_text(b, _("response"));
				H(b, "</a>)");
			}
			H(b, "</li>\n");
		}
		H(b, "</ol>\n</section>\n");
	}
	if (mreg_record_get(r->db, r->arena, m->id, m->original, &record, &e) == 0 &&
	    (body = mtext_pick(&record, r->lang, &got)) != NULL) {
		H(b, "<section id=\"record\">\n<h2>");
		html_text(b, _("Record of the meeting"));
		H(b, "</h2>\n<div class=\"record\" lang=\"");
		html_attr(b, lang_code(got));
		H(b, "\">\n");
		html_markdown(b, body);
		H(b, "</div>\n</section>\n");
	}
}

/* ---- registering ---- */

struct register_form {
	struct mreg_new n;
	struct mreg_errors x;
	const char *summary;	/* the refusal above the form (closed), or NULL */
	const char *attendance_error;	/* full, or not offered */
};

static const char *
verdict_message(enum mreg_verdict v)
{
	switch (v) {
	case MREG_CLOSED:
		return _("Registration for this meeting is closed.");
	case MREG_FULL:
		return _("There are no places left for this kind of attendance.");
	case MREG_NOT_OFFERED:
		return _("This meeting has no places in person; register to attend remotely.");
	case MREG_NO_REGISTRATION:
		return _("This meeting takes no registrations.");
	case MREG_OK:
		break;
	}
	return "";
}

void
reg_places(struct request *r, const struct mreg_meeting *g)
{
	struct buf *b = &r->out;

	H(b, "<ul class=\"places\">\n<li>");
	if (g->capacity_in_person > 0)
		html_text(b, arena_printf(r->arena, _("In person: %s of %s places left"),
					  view_num(r, g->capacity_in_person - g->n_in_person > 0
							      ? g->capacity_in_person - g->n_in_person
							      : 0),
					  view_num(r, g->capacity_in_person)));
	else
		html_text(b, _("In person: no places (remote participation only)"));
	H(b, "</li>\n<li>");
	if (g->capacity_remote > 0)
		html_text(b, arena_printf(r->arena, _("Remote: %s of %s places left"),
					  view_num(r, g->capacity_remote - g->n_remote > 0 ? g->capacity_remote - g->n_remote : 0),
					  view_num(r, g->capacity_remote)));
	else
		html_text(b, _("Remote: open to all"));
	H(b, "</li>\n</ul>\n");
}

/* What the registration publishes, what it keeps privately and for how long (the retention
 * job removes the emails --retention-days after the meeting ends: src/domain/retention.c). */
static void
privacy_notice(struct request *r)
{
	struct buf *b = &r->out;
	unsigned long days = (unsigned long)r->srv->cfg->retention_days;

	H(b, "<div class=\"privacy-notice\" id=\"privacy-notice\">\n<h2>");
	html_text(b, _("Your personal data"));
	H(b, "</h2>\n<p><strong>");
	html_text(b, _("What is published:"));
	H(b, "</strong> ");
	html_text(b, _("if you wish to speak and the secretariat puts you on the speakers list, the list "
		       "shows your name and organization, or your organization only, as you choose below. "
		       "Nothing else about you is published."));
	H(b, "</p>\n<p><strong>");
	html_text(b, _("What is kept privately:"));
	H(b, "</strong> ");
	html_text(b, _("your email address, seen only by the secretariat, and the private link to cancel "
		       "your registration."));
	H(b, "</p>\n<p><strong>");
	html_text(b, _("For how long:"));
	H(b, "</strong> ");
	html_text(b, arena_printf(r->arena, P_("your email address and the cancel link are removed %lu day "
					       "after the meeting ends.",
					       "your email address and the cancel link are removed %lu days "
					       "after the meeting ends.", days),
				  days));
	H(b, "</p>\n</div>\n");
}

static int
show_form(struct request *r, int number, const struct register_form *f, int status)
{
	static const char *const attendance[] = { "in_person", "remote", NULL };
	static const char *const publish[] = { "name", "organization", NULL };
	const char *attendance_labels[] = { _("In person"), _("Remote"), NULL };
	const char *publish_labels[] = { _("My name and organization (SURNAME, Given - Organization)"),
					 _("My organization only"), NULL };
	struct buf *b = &r->out;
	struct meeting m;
	struct mreg_meeting g;
	struct err e;
	const struct mreg_new *n = f ? &f->n : NULL;
	int open;

	if (meeting_get(r->db, r->arena, number, &m, &e) != 0 || mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return reg_not_found(r, &e);
	if (!g.has_registration || !str_eq(g.kind, "open_consultation"))
		return reply_error(r, 404, verdict_message(MREG_NO_REGISTRATION));
	open = g.closes_at > clock_now();
	buf_reset(b);
	layout_begin(r, _("Register for the meeting"));
	H(b, "<p class=\"meta\"><a href=\"/meetings/");
	html_int(b, number);
	H(b, "\">");
	html_text(b, reg_meeting_title(r, &m));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Register for the meeting"));
	H(b, "</h1>\n<dl class=\"meeting-facts\">\n<dt>");
	html_text(b, _("Dates"));
	H(b, "</dt><dd>");
	view_meeting_dates(r, &m);
	H(b, "</dd>\n");
	view_row(r, 0, _("Place"), m.place);
	view_row(r, 0, _("Mode"), view_meeting_mode(m.mode));
	H(b, "<dt>");
	html_text(b, _("Registration closes"));
	H(b, "</dt><dd>");
	view_time(r, g.closes_at);
	H(b, "</dd>\n</dl>\n");
	reg_places(r, &g);
	if (f != NULL && (f->summary != NULL || f->attendance_error != NULL)) {
		H(b, "<div class=\"error-summary\" role=\"alert\"><h2>");
		html_text(b, _("You are not registered"));
		H(b, "</h2>\n<p>");
		html_text(b, f->summary ? f->summary : f->attendance_error);
		H(b, "</p></div>\n");
	}
	if (!open) {
		H(b, "<p>");
		html_text(b, verdict_message(MREG_CLOSED));
		H(b, "</p>\n");
		layout_end(r);
		request_header(r, "Cache-Control", "no-store");
		r->status = status;
		return HANDLER_DONE;
	}
	privacy_notice(r);
	H(b, "<form class=\"registration\" method=\"post\" action=\"/meetings/");
	html_int(b, number);
	H(b, "/register\">\n");
	csrf_input(r);
	form_account_input(r, "name", _("Your name"), "text", n ? n->name : NULL, "name", MREG_NAME_MAX,
			   f ? f->x.name : NULL);
	form_account_input(r, "organization", _("Organization (or \"Individual\")"), "text",
			   n ? n->organization : NULL, "organization", MREG_ORG_MAX, f ? f->x.organization : NULL);
	reg_field_begin(r, "country", _("Country"), f ? f->x.country : NULL);
	H(b, "<select id=\"f-country\" name=\"country\" required");
	reg_described(r, "country", f ? f->x.country : NULL);
	H(b, ">\n<option value=\"\"></option>\n");
	for (int i = 0; i < country_count(); i++)
		reg_option(r, country_code_at(i), country_name_local(country_code_at(i)), n ? n->country : NULL);
	H(b, "</select>\n</div>\n");
	reg_field_begin(r, "stakeholder_type", _("Stakeholder type"), f ? f->x.stakeholder_type : NULL);
	H(b, "<select id=\"f-stakeholder_type\" name=\"stakeholder_type\" required");
	reg_described(r, "stakeholder_type", f ? f->x.stakeholder_type : NULL);
	H(b, ">\n<option value=\"\"></option>\n");
	for (int i = 0; stakeholder_types[i] != NULL; i++)
		reg_option(r, stakeholder_types[i], stakeholder_label(stakeholder_types[i]), n ? n->stakeholder_type : NULL);
	H(b, "</select>\n</div>\n");
	form_account_input(r, "email", _("Email (private)"), "email", n ? n->email : NULL, "email", 254,
			   f ? f->x.email : NULL);
	radios(r, "attendance", _("I will attend"), attendance, attendance_labels, n ? n->attendance : NULL,
	       f ? (f->x.attendance ? f->x.attendance : f->attendance_error) : NULL);
	H(b, "<div class=\"field consent\"><label><input type=\"checkbox\" name=\"wish_to_speak\" value=\"1\"");
	if (n != NULL && n->wish_to_speak)
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("I wish to speak at the meeting"));
	H(b, "</label></div>\n");
	radios(r, "publish_as", _("On the speakers list, show"), publish, publish_labels,
	       n && n->publish_as ? n->publish_as : "name", f ? f->x.publish_as : NULL);
	reg_field_begin(r, "response", _("The response you will present (optional: its number, as in /responses/...)"),
		    f ? f->x.response : NULL);
	H(b, "<input id=\"f-response\" name=\"response\" type=\"text\" maxlength=\"12\" autocomplete=\"off\"");
	if (n != NULL && n->response != NULL) {
		H(b, " value=\"");
		html_attr(b, n->response);
		H(b, "\"");
	}
	reg_described(r, "response", f ? f->x.response : NULL);
	H(b, ">\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Register"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_meeting_register(struct request *r)
{
	return show_form(r, atoi(r->param[1]), NULL, 200);
}

/* The confirmation: the cancel link, shown this once (and sent by mail). */
static int
registered(struct request *r, const struct register_form *f, const char *cancel)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, _("You are registered"));
	H(b, "<h1>");
	html_text(b, _("You are registered"));
	H(b, "</h1>\n<p>");
	html_text(b, str_eq(f->n.attendance, "in_person") ? _("You are registered to attend in person.")
							   : _("You are registered to attend remotely."));
	H(b, " ");
	html_text(b, _("A mail with these details is on its way to you."));
	H(b, "</p>\n<div class=\"notice\">\n<p>");
	html_text(b, _("Keep this link: it cancels your registration, and it is shown only this once."));
	H(b, "</p>\n<p><a class=\"secret-link\" href=\"");
	html_attr(b, cancel);
	H(b, "\">");
	html_text(b, cancel);
	H(b, "</a></p>\n</div>\n<p><a href=\"/meetings/");
	html_int(b, f->n.number);
	H(b, "\">");
	html_text(b, _("Back to the meeting"));
	H(b, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = 201;
	return HANDLER_DONE;
}

/* The mail, in the registrant's (the page's) language, around the cancel link. */
static int
compose(struct request *r, struct register_form *f)
{
	struct meeting m;
	struct err e;
	const char *title;

	if (meeting_get(r->db, r->arena, f->n.number, &m, &e) != 0)
		return -1;
	title = reg_meeting_title(r, &m);
	f->n.mail_subject = arena_printf(r->arena, _("Your registration: %s"), title);
	f->n.mail_head = arena_printf(r->arena,
				      _("Hello %s,\n\nYou are registered for \"%s\" (%s).\n\nTo cancel your "
					"registration, open this link:\n"),
				      f->n.name, title,
				      str_eq(f->n.attendance, "in_person") ? _("in person") : _("remote"));
	f->n.link_base = form_account_link(r, arena_printf(r->arena, "/meetings/%d/registrations/", f->n.number));
	f->n.link_tail = "/cancel?token=";
	f->n.mail_foot = _("\n\nIf you did not register, open the link and cancel.\n");
	return f->n.mail_subject && f->n.mail_head && f->n.link_base ? 0 : -1;
}

int
page_meeting_register_post(struct request *r)
{
	struct register_form *f = r->state;
	int number = atoi(r->param[1]);

	if (r->write_queued) {
		if (r->write_rc == 0) {
			const char *cancel = form_account_link(
			    r, arena_printf(r->arena, "/meetings/%d/registrations/%lld/cancel?token=%s", number,
					    (long long)f->n.id, f->n.token));
			log_info("msg=\"meeting registration\" meeting=%d registration=%lld id=%s", number,
				 (long long)f->n.id, r->id);
			if (cancel == NULL)
				return reply_error(r, 503, BUSY);
			return registered(r, f, cancel);
		}
		if (r->write_err.kind == ERR_CONFLICT) {
			if (f->n.verdict == MREG_CLOSED || f->n.verdict == MREG_NO_REGISTRATION)
				f->summary = verdict_message(f->n.verdict);
			else
				f->attendance_error = verdict_message(f->n.verdict);
			return show_form(r, number, f, 409);
		}
		if (r->write_err.kind == ERR_INVALID && str_eq(r->write_err.field, "response")) {
			f->x.response = _("No published response has this number.");
			return show_form(r, number, f, 422);
		}
		if (r->write_err.kind == ERR_NOTFOUND)
			return reg_not_found(r, &r->write_err);
		return reply_err(r, &r->write_err);
	}
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, BUSY);
	f->n.number = number;
	f->n.name = form_account_value(r, "name");
	f->n.organization = form_account_value(r, "organization");
	f->n.country = form_account_value(r, "country");
	f->n.stakeholder_type = form_account_value(r, "stakeholder_type");
	f->n.email = form_account_value(r, "email");
	f->n.attendance = form_account_value(r, "attendance");
	f->n.publish_as = form_account_value(r, "publish_as");
	f->n.response = form_account_value(r, "response");
	f->n.wish_to_speak = str_eq(upload_field(r, "wish_to_speak"), "1");
	f->n.lang = lang_code(r->lang);
	f->n.address = r->client;
	if (f->n.name == NULL || f->n.organization == NULL || f->n.country == NULL || f->n.stakeholder_type == NULL ||
	    f->n.email == NULL || f->n.attendance == NULL || f->n.publish_as == NULL || f->n.response == NULL)
		return reply_error(r, 503, BUSY);
	if (mreg_check(&f->n, &f->x) > 0) {
		/* what is shown again must be valid text */
		if (!utf8_valid(f->n.name, strlen(f->n.name)))
			f->n.name = NULL;
		if (!utf8_valid(f->n.organization, strlen(f->n.organization)))
			f->n.organization = NULL;
		if (!utf8_valid(f->n.email, strlen(f->n.email)))
			f->n.email = NULL;
		if (!utf8_valid(f->n.response, strlen(f->n.response)))
			f->n.response = NULL;
		return show_form(r, number, f, 422);
	}
	session_token_new(f->n.token);
	if (compose(r, f) != 0)
		return reply_error(r, 503, BUSY);
	return request_write(r, mreg_register_fn, &f->n);
}

/* ---- cancelling ---- */

/* A short page with the way back to the meeting. */
static int
message(struct request *r, int status, const char *title, const char *text, int number)
{
	return layout_message(r, status, title, text, arena_printf(r->arena, "/meetings/%d", number),
			      _("Back to the meeting"));
}

static int
wrong_token(struct request *r)
{
	return reply_error(r, 403, _("This cancel link is not valid for this registration."));
}

/* GET: a button only (mail scanners follow links by GET). */
int
page_registration_cancel(struct request *r)
{
	struct buf *b = &r->out;
	int number = atoi(r->param[1]);
	int64_t id = strtoll(r->param[2], NULL, 10);
	const char *token = r->param[3];
	int ok = token ? mreg_token_ok(r->db, number, id, token) : 0;

	if (ok < 0)
		return reply_error(r, 503, BUSY);
	if (ok == 0)
		return wrong_token(r);
	buf_reset(b);
	layout_begin(r, _("Cancel your registration"));
	H(b, "<h1>");
	html_text(b, _("Cancel your registration"));
	H(b, "</h1>\n<form class=\"login\" method=\"post\" action=\"/meetings/");
	html_int(b, number);
	H(b, "/registrations/");
	html_int(b, id);
	H(b, "/cancel\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"token\" value=\"");
	html_attr(b, token);
	H(b, "\">\n<p><button type=\"submit\">");
	html_text(b, _("Cancel my registration"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

int
page_registration_cancel_post(struct request *r)
{
	struct mreg_cancel *c = r->state;
	int number = atoi(r->param[1]);

	if (r->write_queued) {
		if (r->write_rc != 0)
			return str_eq(r->write_err.field, "forbidden") ? wrong_token(r) : reply_err(r, &r->write_err);
		log_info("msg=\"meeting registration cancelled\" meeting=%d registration=%lld id=%s", number,
			 (long long)c->id, r->id);
		return message(r, 200, _("Your registration is cancelled"),
			       c->was_cancelled ? _("This registration was cancelled already.")
						: _("Your registration is cancelled and your place is free for others."),
			       number);
	}
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, BUSY);
	c->number = number;
	c->id = strtoll(r->param[2], NULL, 10);
	c->token = upload_field(r, "token");
	c->address = r->client;
	if (!session_token_valid(c->token))
		return wrong_token(r);
	return request_write(r, mreg_cancel_fn, c);
}
