/* page_admin_requests.c: the secretariat's side of correction and erasure at the respondent's
 * request: the requests (/admin/requests, open ones first), one request with the response as it
 * stands (/admin/requests/{n}) and the decisions posted from it: carry out the correction (a new
 * version marked corrected), carry out the erasure (a public stub stays), or decline with a
 * reason the respondent is shown. Access (ROLE_SECRETARIAT) and CSRF are checked centrally. */
#include <stdlib.h>
#include <string.h>

#include "../domain/country.h"
#include "../domain/erasure.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "form_response.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

#define REQUESTS_LISTED 200

static const char *
kind_label(const char *kind)
{
	return str_eq(kind, "erasure") ? _("Erasure") : _("Correction");
}

static const char *
state_label(const char *state)
{
	if (str_eq(state, "open"))
		return _("Open");
	if (str_eq(state, "done"))
		return _("Carried out");
	return _("Declined");
}

int
page_admin_requests(struct request *r)
{
	struct buf *b = &r->out;
	struct response_request *q = NULL;
	struct err e;
	int n = request_list(r->db, r->arena, REQUESTS_LISTED, &q, &e);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Requests from respondents"));
	H(b, "<h1>");
	html_text(b, _("Requests from respondents"));
	H(b, "</h1>\n<p>");
	html_text(b, _("Corrections and erasures respondents asked for with their manage link. Open requests "
		       "come first."));
	H(b, "</p>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No respondent has asked for a correction or an erasure."));
		H(b, "</p>\n");
		layout_end(r);
		request_header(r, "Cache-Control", "no-store");
		return HANDLER_DONE;
	}
	H(b, "<table class=\"requests\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Request"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Asked on"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Kind"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Response"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Consultation"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("State"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr class=\"");
		html_attr(b, q[i].state);
		H(b, "\"><td><a href=\"/admin/requests/");
		html_int(b, q[i].id);
		H(b, "\">");
		html_int(b, q[i].id);
		H(b, "</a></td><td>");
		view_date(r, q[i].created_at);
		H(b, "</td><td>");
		html_text(b, kind_label(q[i].kind));
		H(b, "</td><td><a href=\"/admin/responses/");
		html_url(b, q[i].public_id);
		H(b, "\">");
		html_text(b, q[i].public_id);
		H(b, "</a></td><td>");
		html_text(b, q[i].consultation_slug);
		H(b, "</td><td>");
		html_text(b, state_label(q[i].state));
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

/* One request, the response as it stands, and the decisions; fe/why: the errors of a post. */
struct one {
	struct response_request q;
	struct response resp;
	struct consultation c;
	struct field_errors fe;
	struct request_decision d;
};

/* The error of a form field: under its own name, or under the name a submission's check gives
 * it (respondent.name, answers.3). */
static const char *
error_of(const struct one *x, const char *name)
{
	const char *msg = field_error_for(&x->fe, name);

	return msg ? msg : form_error(&x->fe, name);
}

static void
error_p(struct request *r, const struct one *x, const char *name)
{
	const char *msg = error_of(x, name);

	if (msg == NULL)
		return;
	H(&r->out, "<p class=\"error\" id=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\">");
	html_text(&r->out, msg);
	H(&r->out, "</p>\n");
}

static void
invalid_attrs(struct request *r, const struct one *x, const char *name)
{
	if (error_of(x, name) == NULL)
		return;
	H(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\"");
}

/* A text input or area named name (errors under the same name), prefilled with value. */
static void
field(struct request *r, const struct one *x, const char *name, const char *label, const char *value, int area)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	error_p(r, x, name);
	if (area)
		H(b, "<textarea rows=\"6\" id=\"f-");
	else
		H(b, "<input type=\"text\" id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\"");
	invalid_attrs(r, x, name);
	if (area) {
		H(b, ">");
		html_text(b, value);
		H(b, "</textarea>\n</div>\n");
	} else {
		H(b, " value=\"");
		html_attr(b, value);
		H(b, "\">\n</div>\n");
	}
}

static void
form_open(struct request *r, const struct one *x, const char *what)
{
	struct buf *b = &r->out;

	H(b, "<form class=\"request-decision\" method=\"post\" action=\"/admin/requests/");
	html_int(b, x->q.id);
	H(b, "/");
	html_url(b, what);
	H(b, "\">\n");
	csrf_input(r);
}

static void
correction_form(struct request *r, const struct one *x, const struct correction *k)
{
	struct buf *b = &r->out;
	const char *country = k->country ? k->country : x->resp.country;

	H(b, "<h2 id=\"correct\">");
	html_text(b, _("Carry out the correction"));
	H(b, "</h2>\n<p>");
	html_text(b, _("Change what the respondent asked for. The public sees a new version marked as corrected "
		       "at the respondent's request; the version before is kept, visible only to the secretariat."));
	H(b, "</p>\n");
	form_open(r, x, "correct");
	field(r, x, "name", _("Name"), k->name ? k->name : x->resp.name, 0);
	field(r, x, "organization", _("Organization"), k->organization ? k->organization : x->resp.organization, 0);
	field(r, x, "email", _("Email (never published)"), k->email ? k->email : x->resp.email, 0);
	H(b, "<div class=\"field\">\n<label for=\"f-country\">");
	html_text(b, _("Country"));
	H(b, "</label>\n");
	error_p(r, x, "country");
	H(b, "<select id=\"f-country\" name=\"country\"");
	invalid_attrs(r, x, "country");
	H(b, ">");
	for (int i = 0; i < country_count(); i++) {
		H(b, "<option value=\"");
		html_attr(b, country_code_at(i));
		H(b, "\"");
		if (str_eq(country_code_at(i), country))
			H(b, " selected");
		H(b, ">");
		html_text(b, country_name_local(country_code_at(i)));
		H(b, "</option>");
	}
	H(b, "</select>\n</div>\n");
	for (int q = 1; q <= x->c.nquestions; q++) {
		const char *value = k->answer[q];
		const char *name = arena_printf(r->arena, "answer_%d", q);
		for (int i = 0; value == NULL && i < x->resp.nanswers; i++)
			if (x->resp.answers[i].question == q)
				value = x->resp.answers[i].text;
		if (name != NULL)
			field(r, x, name, arena_printf(r->arena, _("Answer to question %d"), q), value ? value : "", 1);
	}
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Carry out the correction"));
	H(b, "</button></p>\n</form>\n");
}

static void
erasure_form(struct request *r, const struct one *x)
{
	struct buf *b = &r->out;

	H(b, "<h2 id=\"erase\">");
	html_text(b, _("Carry out the erasure"));
	H(b, "</h2>\n<p>");
	html_text(b, _("The answers, the summary, the attachments and the name, organization, job title, email "
		       "and country of every version are removed for good. The response's page, the lists and the "
		       "API keep a stub saying it was erased at the respondent's request, and when."));
	H(b, "</p>\n");
	form_open(r, x, "erase");
	H(b, "<div class=\"field consent\">\n");
	error_p(r, x, "confirm");
	H(b, "<label><input id=\"f-confirm\" name=\"confirm\" type=\"checkbox\" value=\"1\" required");
	invalid_attrs(r, x, "confirm");
	H(b, "> ");
	html_text(b, _("I confirm: erase this response's content and personal data."));
	H(b, "</label>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Erase the response"));
	H(b, "</button></p>\n</form>\n");
}

static void
decline_form(struct request *r, const struct one *x)
{
	struct buf *b = &r->out;

	H(b, "<h2 id=\"decline\">");
	html_text(b, _("Decline the request"));
	H(b, "</h2>\n");
	form_open(r, x, "decline");
	H(b, "<div class=\"field\">\n<label for=\"f-reason\">");
	html_text(b, _("Reason (shown to the respondent on their manage page)"));
	H(b, "</label>\n");
	error_p(r, x, "reason");
	H(b, "<input id=\"f-reason\" name=\"reason\" type=\"text\" maxlength=\"1000\" required");
	invalid_attrs(r, x, "reason");
	H(b, ">\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Decline"));
	H(b, "</button></p>\n</form>\n");
}

/* Loads request n, its response and consultation into x; else answers 404. */
static int
load(struct request *r, struct one *x)
{
	struct err e;
	int64_t id = strtoll(r->param[1], NULL, 10);

	if (request_get(r->db, r->arena, id, &x->q, &e) != 0 ||
	    response_get(r->db, r->arena, x->q.public_id, &x->resp, &e) != 0 ||
	    consultation_get(r->db, r->arena, x->resp.consultation_slug, &x->c, &e) != 0) {
		reply_error(r, 404, _("There is no request at this address."));
		return -1;
	}
	return 0;
}

static int
show(struct request *r, struct one *x, int status)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, arena_printf(r->arena, _("Request %lld"), (long long)x->q.id));
	H(b, "<p class=\"meta\"><a href=\"/admin/requests\">");
	html_text(b, _("Requests from respondents"));
	H(b, "</a></p>\n<h1>");
	html_text(b, arena_printf(r->arena, _("Request %lld: %s"), (long long)x->q.id, kind_label(x->q.kind)));
	H(b, "</h1>\n");
	if (x->fe.n > 0) {
		H(b, "<div class=\"error-summary\" role=\"alert\">\n<h2>");
		html_text(b, _("Please correct the following:"));
		H(b, "</h2>\n<ul>\n");
		for (int i = 0; i < x->fe.n; i++) {
			H(b, "<li>");
			html_text(b, x->fe.e[i].msg);
			H(b, "</li>\n");
		}
		H(b, "</ul>\n</div>\n");
	}
	H(b, "<dl class=\"respondent\">\n");
	view_row(r, 1, _("State"), state_label(x->q.state));
	if (str_eq(x->q.state, "declined"))
		view_row(r, 1, _("Reason"), x->q.decline_reason);
	H(b, "<dt>");
	html_text(b, _("Asked on"));
	H(b, "</dt><dd>");
	view_time(r, x->q.created_at);
	H(b, "</dd>\n");
	view_row(r, 1, _("Message"), x->q.message);
	H(b, "<dt>");
	html_text(b, _("Response"));
	H(b, "</dt><dd><a href=\"/admin/responses/");
	html_url(b, x->resp.public_id);
	H(b, "\">");
	html_text(b, x->resp.public_id);
	H(b, "</a></dd>\n");
	view_row(r, 1, _("Consultation"), x->resp.consultation_slug);
	view_row(r, 1, _("Name"), x->resp.name);
	view_row(r, 1, _("Organization"), x->resp.organization);
	view_row(r, 1, _("Email"), x->resp.email);
	view_row(r, 1, _("Country"), country_name_local(x->resp.country));
	H(b, "</dl>\n");
	if (str_eq(x->q.state, "open")) {
		if (str_eq(x->q.kind, "correction") && !str_eq(x->resp.status, "erased") &&
		    !str_eq(x->resp.status, "withdrawn"))
			correction_form(r, x, &x->d.k);
		else if (str_eq(x->q.kind, "erasure") && !str_eq(x->resp.status, "erased"))
			erasure_form(r, x);
		decline_form(r, x);
	}
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_admin_request(struct request *r)
{
	struct one *x = arena_alloc(r->arena, sizeof(*x));

	if (x == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, x) != 0)
		return HANDLER_DONE;
	return show(r, x, 200);
}

/* A form value: NULL when absent; *bad when it is not text or longer than max_chars. */
static const char *
value(struct request *r, const char *name, size_t max_chars, int *bad)
{
	const char *v = upload_field(r, name);

	if (v != NULL && (!utf8_valid(v, strlen(v)) || utf8_chars(v, strlen(v)) > max_chars))
		*bad = 1;
	return v;
}

/* The three decisions: checked here (the form again, 422, with the error beside its field),
 * then one write, which checks again; back to the request's page. */
static int
decide(struct request *r, enum request_action action)
{
	struct one *x = r->state;
	int bad = 0, changed = 0;
	struct response_input in;
	const char *confirm;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind == ERR_INVALID) {
			if (load(r, x) != 0)
				return HANDLER_DONE;
			field_error_add(&x->fe, r->write_err.field[0] ? r->write_err.field : "reason", "%s",
					r->write_err.msg);
			return show(r, x, 422);
		}
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"request decided\" request=%lld action=%d response=%s account=%lld id=%s",
			 (long long)x->d.request_id, (int)action, x->d.public_id, (long long)r->account_id, r->id);
		return reply_redirect(r, 303, arena_printf(r->arena, "/admin/requests/%lld", (long long)x->d.request_id));
	}
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, x) != 0)
		return HANDLER_DONE;
	if (!str_eq(x->q.state, "open"))
		return reply_error(r, 409, _("This request is no longer open."));
	x->d.request_id = x->q.id;
	x->d.account_id = r->account_id;
	x->d.address = r->client;
	x->d.action = action;
	switch (action) {
	case REQ_CORRECT:
		if (!str_eq(x->q.kind, "correction"))
			return reply_error(r, 409, _("This request asks for an erasure, not a correction."));
		x->d.k.name = value(r, "name", 200, &bad);
		x->d.k.organization = value(r, "organization", 200, &bad);
		x->d.k.email = value(r, "email", 254, &bad);
		x->d.k.country = value(r, "country", 2, &bad);
		for (int q = 1; q <= CONSULTATION_MAX_QUESTIONS; q++) {
			const char *name = arena_printf(r->arena, "answer_%d", q);
			if (name == NULL)
				return reply_error(r, 503, _("The service is busy; try again."));
			x->d.k.answer[q] = value(r, name, 20000, &bad);
		}
		if (bad) {
			field_error_add(&x->fe, "name", "%s", _("A value is too long or is not text."));
			return show(r, x, 422);
		}
		if (correction_build(&x->d.k, &x->resp, &x->c, &in, &changed, &x->fe) > 0)
			return show(r, x, 422);
		if (!changed) {
			field_error_add(&x->fe, "name", "%s",
					_("This correction changes nothing: change the values the respondent asked for."));
			return show(r, x, 422);
		}
		break;
	case REQ_ERASE:
		if (!str_eq(x->q.kind, "erasure"))
			return reply_error(r, 409, _("This request asks for a correction, not an erasure."));
		confirm = upload_field(r, "confirm");
		if (confirm == NULL || confirm[0] == '\0') {
			field_error_add(&x->fe, "confirm", "%s", _("Tick the box to confirm the erasure."));
			return show(r, x, 422);
		}
		break;
	case REQ_DECLINE:
		x->d.reason = value(r, "reason", REQUEST_REASON_MAX, &bad);
		if (bad || x->d.reason == NULL || x->d.reason[strspn(x->d.reason, " \t\r\n")] == '\0') {
			field_error_add(&x->fe, "reason", "%s",
					bad ? _("The reason is too long (at most 1,000 characters) or is not text.")
					    : _("Give the reason: the respondent sees it."));
			return show(r, x, 422);
		}
		break;
	}
	return request_write(r, request_decide_fn, &x->d);
}

int
page_admin_request_correct(struct request *r)
{
	return decide(r, REQ_CORRECT);
}

int
page_admin_request_erase(struct request *r)
{
	return decide(r, REQ_ERASE);
}

int
page_admin_request_decline(struct request *r)
{
	return decide(r, REQ_DECLINE);
}
