/* page_registration_meeting.c: registration for open consultation meetings (docs/MEETINGS.md,
 * "Open consultation meetings"). The public registers (in person or remote), gets a cancel link
 * once on the confirmation page and by mail; the meeting's page shows a Register link while
 * registration is open, the ordered speakers list and the record once written; the secretariat
 * sees the registrants with their emails, sets capacities and closing, orders the speakers and
 * writes the record. Capacity and closing are checked again inside the write, so a registration
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

#define BUSY _("The service is busy; try again.")

/* ---- pieces of forms: the label, the error next to the field, aria ---- */

static void
field_begin(struct request *r, const char *name, const char *label, const char *error)
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

static void
described(struct request *r, const char *name, const char *error)
{
	if (error == NULL)
		return;
	H(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\"");
}

static void
option(struct request *r, const char *value, const char *label, const char *selected)
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
	described(r, name, error);
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
static const char *
meeting_title(struct request *r, const struct meeting *m)
{
	const char *t = mtext_pick(&m->title, r->lang, NULL);

	return t != NULL ? t : arena_printf(r->arena, _("Meeting %d"), m->number);
}

static int
not_found(struct request *r, const struct err *e)
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

static void
places(struct request *r, const struct mreg_meeting *g)
{
	struct buf *b = &r->out;

	H(b, "<ul class=\"places\">\n<li>");
	if (g->capacity_in_person > 0)
		html_text(b, arena_printf(r->arena, _("In person: %d of %d places left"),
					  g->capacity_in_person - g->n_in_person > 0
						  ? g->capacity_in_person - g->n_in_person
						  : 0,
					  g->capacity_in_person));
	else
		html_text(b, _("In person: no places (remote participation only)"));
	H(b, "</li>\n<li>");
	if (g->capacity_remote > 0)
		html_text(b, arena_printf(r->arena, _("Remote: %d of %d places left"),
					  g->capacity_remote - g->n_remote > 0 ? g->capacity_remote - g->n_remote : 0,
					  g->capacity_remote));
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
		return not_found(r, &e);
	if (!g.has_registration || !str_eq(g.kind, "open_consultation"))
		return reply_error(r, 404, verdict_message(MREG_NO_REGISTRATION));
	open = g.closes_at > clock_now();
	buf_reset(b);
	layout_begin(r, _("Register for the meeting"));
	H(b, "<p class=\"meta\"><a href=\"/meetings/");
	html_int(b, number);
	H(b, "\">");
	html_text(b, meeting_title(r, &m));
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
	places(r, &g);
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
	field_begin(r, "country", _("Country"), f ? f->x.country : NULL);
	H(b, "<select id=\"f-country\" name=\"country\" required");
	described(r, "country", f ? f->x.country : NULL);
	H(b, ">\n<option value=\"\"></option>\n");
	for (int i = 0; i < country_count(); i++)
		option(r, country_code_at(i), country_name_local(country_code_at(i)), n ? n->country : NULL);
	H(b, "</select>\n</div>\n");
	field_begin(r, "stakeholder_type", _("Stakeholder type"), f ? f->x.stakeholder_type : NULL);
	H(b, "<select id=\"f-stakeholder_type\" name=\"stakeholder_type\" required");
	described(r, "stakeholder_type", f ? f->x.stakeholder_type : NULL);
	H(b, ">\n<option value=\"\"></option>\n");
	for (int i = 0; stakeholder_types[i] != NULL; i++)
		option(r, stakeholder_types[i], stakeholder_label(stakeholder_types[i]), n ? n->stakeholder_type : NULL);
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
	field_begin(r, "response", _("The response you will present (optional: its number, as in /responses/...)"),
		    f ? f->x.response : NULL);
	H(b, "<input id=\"f-response\" name=\"response\" type=\"text\" maxlength=\"12\" autocomplete=\"off\"");
	if (n != NULL && n->response != NULL) {
		H(b, " value=\"");
		html_attr(b, n->response);
		H(b, "\"");
	}
	described(r, "response", f ? f->x.response : NULL);
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
	title = meeting_title(r, &m);
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
			return not_found(r, &r->write_err);
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

static int
message(struct request *r, int status, const char *title, const char *text, int number)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, title);
	H(b, "<h1>");
	html_text(b, title);
	H(b, "</h1>\n<p>");
	html_text(b, text);
	H(b, "</p>\n<p><a href=\"/meetings/");
	html_int(b, number);
	H(b, "\">");
	html_text(b, _("Back to the meeting"));
	H(b, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
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

/* ---- the secretariat ---- */

/* What a refused secretariat form left, shown again next to its field. */
struct admin_refused {
	const char *field, *message;
	const char *cap_in, *cap_remote, *closes, *starts, *ends;
	const char *record, *record_lang;
};

static void
admin_input(struct request *r, const char *name, const char *label, const char *value, const char *hint,
	    const struct admin_refused *x)
{
	struct buf *b = &r->out;
	const char *error = x && str_eq(x->field, name) ? x->message : NULL;

	field_begin(r, name, label, error);
	H(b, "<input id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" type=\"text\" maxlength=\"40\" placeholder=\"");
	html_attr(b, hint);
	H(b, "\" value=\"");
	html_attr(b, value);
	H(b, "\"");
	described(r, name, error);
	H(b, ">\n</div>\n");
}

static const char *
hhmm(struct request *r, int min)
{
	return min < 0 ? "" : arena_printf(r->arena, "%02d:%02d", min / 60, min % 60);
}

static void
settings_form(struct request *r, const struct mreg_meeting *g, const struct admin_refused *x)
{
	struct buf *b = &r->out;
	char closes[TIME_RFC3339_LEN] = "";

	if (g->has_registration)
		time_format_rfc3339(g->closes_at, closes);
	H(b, "<h2>");
	html_text(b, _("Registration settings"));
	H(b, "</h2>\n<form class=\"registration-settings\" method=\"post\" action=\"/admin/meetings/");
	html_int(b, g->number);
	H(b, "/registration\">\n");
	csrf_input(r);
	admin_input(r, "capacity_in_person", _("Places in person (0: none)"),
		    x && x->cap_in ? x->cap_in : arena_printf(r->arena, "%d", g->capacity_in_person), "40", x);
	admin_input(r, "capacity_remote", _("Remote places (0: unlimited)"),
		    x && x->cap_remote ? x->cap_remote : arena_printf(r->arena, "%d", g->capacity_remote), "0", x);
	admin_input(r, "closes_at", _("Registration closes at (UTC)"), x && x->closes ? x->closes : closes,
		    "2026-03-01T12:00:00Z", x);
	admin_input(r, "starts_time", _("Start time on the first day (HH:MM UTC, optional)"),
		    x && x->starts ? x->starts : hhmm(r, g->starts_min), "09:30", x);
	admin_input(r, "ends_time", _("End time on the last day (HH:MM UTC, optional)"),
		    x && x->ends ? x->ends : hhmm(r, g->ends_min), "17:30", x);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Save the settings"));
	H(b, "</button></p>\n</form>\n");
}

static void
registrant_row(struct request *r, const struct mreg_registrant *g)
{
	struct buf *b = &r->out;

	H(b, "<tr");
	if (str_eq(g->status, "cancelled"))
		H(b, " class=\"cancelled\"");
	H(b, "><td>");
	html_int(b, g->id);
	H(b, "</td><td>");
	html_text(b, g->name);
	H(b, "</td><td>");
	html_text(b, g->organization);
	H(b, "</td><td>");
	html_text(b, country_name_local(g->country) ? country_name_local(g->country) : g->country);
	H(b, "</td><td>");
	html_text(b, stakeholder_label(g->stakeholder_type));
	H(b, "</td><td><a href=\"mailto:");
	html_attr(b, g->email);
	H(b, "\">");
	html_text(b, g->email);
	H(b, "</a></td><td>");
	html_text(b, str_eq(g->attendance, "in_person") ? _("In person") : _("Remote"));
	H(b, "</td><td>");
	html_text(b, g->wish_to_speak ? _("Yes") : _("No"));
	H(b, "</td><td>");
	if (g->response[0] != '\0') {
		H(b, "<a href=\"/responses/");
		html_url(b, g->response);
		H(b, "\">");
		html_text(b, g->response);
		H(b, "</a>");
	}
	H(b, "</td><td>");
	html_text(b, str_eq(g->status, "cancelled") ? C_("registration", "Cancelled") : C_("registration", "Registered"));
	H(b, "</td><td>");
	if (str_eq(g->status, "registered")) {
		H(b, "<input class=\"position\" type=\"text\" inputmode=\"numeric\" maxlength=\"3\" form=\"speakers\" "
		     "aria-label=\"");
		html_attr(b, arena_printf(r->arena, _("Speaking position of %s"), g->name));
		H(b, "\" name=\"pos_");
		html_int(b, g->id);
		H(b, "\" value=\"");
		if (g->position > 0)
			html_int(b, g->position);
		H(b, "\">");
	}
	H(b, "</td></tr>\n");
}

static int
admin_show(struct request *r, int number, const struct admin_refused *x, int status)
{
	struct buf *b = &r->out;
	struct meeting m;
	struct mreg_meeting g;
	struct mreg_registrant *list = NULL;
	struct mtext record;
	struct err e;
	const char *rec_lang, *rec_body, *order_error;
	enum lang rl;
	int n;

	if (meeting_get(r->db, r->arena, number, &m, &e) != 0 || mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return not_found(r, &e);
	if (!str_eq(m.kind, "open_consultation"))
		return reply_error(r, 404, _("Only open consultation meetings take registrations."));
	if ((n = mreg_list(r->db, r->arena, m.id, &list, &e)) < 0 ||
	    mreg_record_get(r->db, r->arena, m.id, m.original, &record, &e) != 0)
		return reply_err(r, &e);
	buf_reset(b);
	layout_begin(r, _("Registrants"));
	H(b, "<p class=\"meta\"><a href=\"/meetings/");
	html_int(b, number);
	H(b, "\">");
	html_text(b, meeting_title(r, &m));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Registrants"));
	H(b, "</h1>\n");
	if (x != NULL) {
		H(b, "<div class=\"error-summary\" role=\"alert\"><h2>");
		html_text(b, _("Nothing was changed"));
		H(b, "</h2>\n<p><a href=\"#f-");
		html_attr(b, x->field);
		H(b, "\">");
		html_text(b, x->message);
		H(b, "</a></p></div>\n");
	}
	H(b, "<p class=\"lead\">");
	html_text(b, arena_printf(r->arena, _("Registered: %d in person, %d remote."), g.n_in_person, g.n_remote));
	H(b, "</p>\n");
	if (g.has_registration)
		places(r, &g);
	settings_form(r, &g, x);
	H(b, "<h2>");
	html_text(b, _("Registrants and the speakers list"));
	H(b, "</h2>\n<p><a href=\"/admin/meetings/");
	html_int(b, number);
	H(b, "/registrants.csv\">");
	html_text(b, _("Download the list (CSV)"));
	H(b, "</a></p>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No one has registered yet."));
		H(b, "</p>\n");
	} else {
		order_error = x && str_eq(x->field, "order") ? x->message : NULL;
		H(b, "<form id=\"speakers\" method=\"post\" action=\"/admin/meetings/");
		html_int(b, number);
		H(b, "/speakers\">\n");
		csrf_input(r);
		H(b, "<p id=\"f-order\">");
		html_text(b, _("Give each speaker a position (1, 2, 3...) in the last column; leave it empty for "
			       "those who do not speak."));
		H(b, "</p>\n");
		if (order_error != NULL) {
			H(b, "<p class=\"error\" id=\"err-order\" role=\"alert\">");
			html_text(b, order_error);
			H(b, "</p>\n");
		}
		H(b, "</form>\n<table class=\"registrants\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">");
		html_text(b, _("Name"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Organization"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Country"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Stakeholder type"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Email"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Attendance"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Wishes to speak"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Response"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Status"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Speaking position"));
		H(b, "</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++)
			registrant_row(r, &list[i]);
		H(b, "</tbody>\n</table>\n<p><button type=\"submit\" form=\"speakers\">");
		html_text(b, _("Save the speakers list"));
		H(b, "</button></p>\n");
	}
	rec_lang = x && x->record_lang ? x->record_lang : lang_code(r->lang);
	if (x && x->record)
		rec_body = x->record;
	else
		rec_body = lang_from_code(rec_lang, &rl) == 0 ? record.body[rl] : NULL;
	H(b, "<h2>");
	html_text(b, _("Record of the meeting"));
	H(b, "</h2>\n<form class=\"record-form\" method=\"post\" action=\"/admin/meetings/");
	html_int(b, number);
	H(b, "/record\">\n");
	csrf_input(r);
	field_begin(r, "record_lang", _("Language"), NULL);
	H(b, "<select id=\"f-record_lang\" name=\"record_lang\">\n");
	for (int l = 0; l < LANG_COUNT; l++)
		option(r, lang_code((enum lang)l), lang_native_name((enum lang)l), rec_lang);
	H(b, "</select>\n</div>\n");
	field_begin(r, "record", _("Record (Markdown; empty removes it in this language)"),
		    x && str_eq(x->field, "record") ? x->message : NULL);
	H(b, "<textarea id=\"f-record\" name=\"record\" rows=\"14\"");
	described(r, "record", x && str_eq(x->field, "record") ? x->message : NULL);
	H(b, ">");
	html_text(b, rec_body);
	H(b, "</textarea>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Save the record"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_admin_registrants(struct request *r)
{
	return admin_show(r, atoi(r->param[1]), NULL, 200);
}

/* One CSV cell: quoted, quotes doubled, and a leading = + - @ made inert for spreadsheets. */
static void
csv_cell(struct buf *b, const char *s, int last)
{
	buf_putc(b, '"');
	if (s != NULL && strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		buf_putc(b, '\'');
	for (; s != NULL && *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ",");
}

int
page_admin_registrants_csv(struct request *r)
{
	struct buf *b = &r->out;
	struct mreg_meeting g;
	struct mreg_registrant *list = NULL;
	struct err e;
	int number = atoi(r->param[1]), n;
	char when[TIME_RFC3339_LEN];

	if (mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return not_found(r, &e);
	if ((n = mreg_list(r->db, r->arena, g.id, &list, &e)) < 0)
		return reply_err(r, &e);
	buf_reset(b);
	buf_puts(b, "id,name,organization,country,stakeholder_type,email,language,attendance,wish_to_speak,"
		    "publish_as,response,status,speaking_position,registered_at\r\n");
	for (int i = 0; i < n; i++) {
		const struct mreg_registrant *x = &list[i];
		buf_printf(b, "%lld,", (long long)x->id);
		csv_cell(b, x->name, 0);
		csv_cell(b, x->organization, 0);
		csv_cell(b, x->country, 0);
		csv_cell(b, x->stakeholder_type, 0);
		csv_cell(b, x->email, 0);
		csv_cell(b, x->language, 0);
		csv_cell(b, x->attendance, 0);
		csv_cell(b, x->wish_to_speak ? "yes" : "no", 0);
		csv_cell(b, x->publish_as, 0);
		csv_cell(b, x->response, 0);
		csv_cell(b, x->status, 0);
		buf_printf(b, "%d,", x->position);
		time_format_rfc3339(x->created_at, when);
		csv_cell(b, when, 1);
	}
	r->content_type = "text/csv; charset=utf-8";
	request_header(r, "Content-Disposition",
		       arena_printf(r->arena, "attachment; filename=\"meeting-%d-registrants.csv\"", number));
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

static struct admin_refused *
refused(struct request *r, const char *field, const char *message)
{
	struct admin_refused *x = arena_alloc(r->arena, sizeof(*x));

	if (x != NULL) {
		x->field = field;
		x->message = message;
	}
	return x;
}

/* A whole number in 0..max, else -1. */
static int
small_int(const char *s, int max)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 && v <= max ? (int)v : -1;
}

/* "HH:MM" to minutes; "" is -1 (not known); -2 when malformed. */
static int
parse_hhmm(const char *s)
{
	if (s == NULL || *s == '\0')
		return -1;
	if (strlen(s) != 5 || s[2] != ':' || small_int((char[]){ s[0], s[1], 0 }, 23) < 0 ||
	    small_int((char[]){ s[3], s[4], 0 }, 59) < 0)
		return -2;
	return atoi(s) * 60 + atoi(s + 3);
}

static int
admin_after_write(struct request *r, int number, struct admin_refused *x, const char *anchor)
{
	if (r->write_rc == 0)
		return reply_redirect(r, 303, arena_printf(r->arena, "/admin/meetings/%d/registrants#%s", number, anchor));
	if (r->write_err.kind == ERR_NOTFOUND)
		return not_found(r, &r->write_err);
	if (r->write_err.kind == ERR_INVALID && x != NULL)
		return admin_show(r, number, x, 422);
	if (r->write_err.kind == ERR_CONFLICT)
		return reply_error(r, 409, _("Only open consultation meetings take registrations."));
	return reply_err(r, &r->write_err);
}

int
page_admin_registration_settings(struct request *r)
{
	struct mreg_settings *s = r->state;
	struct admin_refused *x;
	int number = atoi(r->param[1]);
	const char *closes;

	if (r->write_queued)
		return admin_after_write(r, number, NULL, "f-capacity_in_person");
	if ((x = refused(r, NULL, NULL)) == NULL || (s = r->state = arena_alloc(r->arena, sizeof(*s))) == NULL)
		return reply_error(r, 503, BUSY);
	x->cap_in = form_account_value(r, "capacity_in_person");
	x->cap_remote = form_account_value(r, "capacity_remote");
	x->closes = closes = form_account_value(r, "closes_at");
	x->starts = form_account_value(r, "starts_time");
	x->ends = form_account_value(r, "ends_time");
	if (!x->cap_in || !x->cap_remote || !x->closes || !x->starts || !x->ends)
		return reply_error(r, 503, BUSY);
	s->number = number;
	s->account_id = r->account_id;
	s->address = r->client;
	s->capacity_in_person = small_int(x->cap_in, MREG_CAPACITY_MAX);
	s->capacity_remote = small_int(x->cap_remote, MREG_CAPACITY_MAX);
	s->starts_min = parse_hhmm(x->starts);
	s->ends_min = parse_hhmm(x->ends);
	if (s->capacity_in_person < 0)
		x->field = "capacity_in_person", x->message = _("Give a whole number of places from 0 to 100000.");
	else if (s->capacity_remote < 0)
		x->field = "capacity_remote", x->message = _("Give a whole number of places from 0 to 100000.");
	else if (time_parse_rfc3339(closes, &s->closes_at) != 0)
		x->field = "closes_at", x->message = _("Give a date and time such as 2026-03-01T12:00:00Z.");
	else if (s->starts_min == -2)
		x->field = "starts_time", x->message = _("Give a time such as 09:30, or leave it empty.");
	else if (s->ends_min == -2)
		x->field = "ends_time", x->message = _("Give a time such as 09:30, or leave it empty.");
	if (x->field != NULL) {
		for (const char **v = (const char *[]){ x->cap_in, x->cap_remote, x->closes, x->starts, x->ends, NULL };
		     *v; v++)
			if (!utf8_valid(*v, strlen(*v)))
				return reply_error(r, 400, _("The form is not valid UTF-8 text."));
		return admin_show(r, number, x, 422);
	}
	return request_write(r, mreg_settings_fn, s);
}

/* Sorts (position, id) pairs by position. */
struct slot {
	int position;
	int64_t id;
};
static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->position - y->position;
}

int
page_admin_speakers(struct request *r)
{
	struct mreg_order *o = r->state;
	struct mreg_registrant *list = NULL;
	struct mreg_meeting g;
	struct slot *slots;
	struct err e;
	int number = atoi(r->param[1]), n, k = 0;

	if (r->write_queued)
		return admin_after_write(r, number,
					 refused(r, "order", _("The list names someone who is no longer registered; "
							       "reload the page.")),
					 "speakers");
	if (mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return not_found(r, &e);
	if ((n = mreg_list(r->db, r->arena, g.id, &list, &e)) < 0)
		return reply_err(r, &e);
	if ((o = r->state = arena_alloc(r->arena, sizeof(*o))) == NULL ||
	    (slots = arena_alloc(r->arena, sizeof(*slots) * (size_t)(n + 1))) == NULL)
		return reply_error(r, 503, BUSY);
	for (int i = 0; i < n; i++) {
		const char *v;
		int pos;
		if (!str_eq(list[i].status, "registered"))
			continue;
		v = form_account_value(r, arena_printf(r->arena, "pos_%lld", (long long)list[i].id));
		if (v == NULL || *v == '\0')
			continue;
		if ((pos = small_int(v, 999)) < 1)
			return admin_show(r, number, refused(r, "order", _("Give each position as a whole number from 1 "
									   "to 999.")),
					  422);
		for (int j = 0; j < k; j++)
			if (slots[j].position == pos)
				return admin_show(r, number,
						  refused(r, "order", _("Two speakers have the same position.")), 422);
		if (k == MREG_SPEAKERS_MAX)
			return admin_show(r, number, refused(r, "order", _("The speakers list is too long.")), 422);
		slots[k++] = (struct slot){ pos, list[i].id };
	}
	qsort(slots, (size_t)k, sizeof(*slots), slot_cmp);
	o->number = number;
	o->n = k;
	for (int i = 0; i < k; i++)
		o->ids[i] = slots[i].id;
	o->account_id = r->account_id;
	o->address = r->client;
	return request_write(r, mreg_order_fn, o);
}

int
page_admin_record(struct request *r)
{
	struct mreg_record *c = r->state;
	struct admin_refused *x;
	int number = atoi(r->param[1]);
	const char *lang, *body;

	if (r->write_queued) {
		x = refused(r, "record", _("Give a record of at most 100000 characters."));
		if (x != NULL) {
			x->record = c->body;
			x->record_lang = lang_code(c->lang);
		}
		return admin_after_write(r, number, x, "f-record");
	}
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, BUSY);
	lang = upload_field(r, "record_lang");
	body = upload_field(r, "record");
	if (body == NULL)
		body = "";
	if (lang == NULL || lang_from_code(lang, &c->lang) != 0)
		return reply_error(r, 400, _("Choose the record's language."));
	if (!utf8_valid(body, strlen(body)))
		return reply_error(r, 400, _("The form is not valid UTF-8 text."));
	if (utf8_chars(body, strlen(body)) > MREG_RECORD_MAX_CHARS) {
		if ((x = refused(r, "record", _("Give a record of at most 100000 characters."))) == NULL)
			return reply_error(r, 503, BUSY);
		x->record = body;
		x->record_lang = lang;
		return admin_show(r, number, x, 422);
	}
	c->number = number;
	c->body = body;
	c->account_id = r->account_id;
	c->address = r->client;
	return request_write(r, mreg_record_fn, c);
}
