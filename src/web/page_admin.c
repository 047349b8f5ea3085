/* page_admin.c: the secretariat's moderation pages: the queue (pending responses first, then
 * recent published ones), one response in full (email and private fields included) with its
 * history, and the decisions posted from them: publish, withhold with a reason, redact.
 * Access (ROLE_SECRETARIAT) and CSRF are checked centrally; every form carries the token. */
#include <stdlib.h>
#include <string.h>

#include "../domain/country.h"
#include "../domain/moderation.h"
#include "../domain/notice_response.h"	/* issue 13 */
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

/* Responses the moderation page lists: the waiting ones first (oldest first), then the latest
 * decisions. Twenty keep the page within its weight (docs/WEB.md); deciding one brings the next. */
#define QUEUE_SHOWN 20
#define EVENTS_SHOWN 100

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

static const char *
status_label(const char *status)
{
	if (str_eq(status, "pending"))
		return _("Pending");
	if (str_eq(status, "published"))
		return _("Published");
	if (str_eq(status, "withheld"))
		return _("Withheld");
	if (str_eq(status, "withdrawn"))
		return _("Withdrawn");
	if (str_eq(status, "erased"))
		return _("Erased");
	return status;
}

static const char *
event_label(const char *kind)
{
	if (str_eq(kind, "submitted"))
		return _("Submitted");
	if (str_eq(kind, "published"))
		return _("Published");
	if (str_eq(kind, "revised"))
		return _("Revised");
	if (str_eq(kind, "withheld"))
		return _("Withheld");
	if (str_eq(kind, "redacted"))
		return _("Redacted");
	if (str_eq(kind, "corrected"))
		return _("Corrected");
	if (str_eq(kind, "erased"))
		return _("Erased");
	if (str_eq(kind, "withdrawn"))
		return _("Withdrawn");
	return kind;
}

/* A form posting to /admin/responses/{id}/{what}, with a reason field when asked. */
static void
decision_form(struct request *r, const char *public_id, const char *what, const char *button, int with_reason)
{
	struct buf *b = &r->out;

	H(b, "<form class=\"decision\" method=\"post\" action=\"/admin/responses/");
	html_url(b, public_id);
	H(b, "/");
	html_url(b, what);
	H(b, "\">\n");
	csrf_input(r);
	if (with_reason) {
		H(b, "<label for=\"reason-");
		html_attr(b, public_id);
		H(b, "\">");
		html_text(b, _("Reason (shown to the public)"));
		H(b, "</label>\n<input id=\"reason-");
		html_attr(b, public_id);
		H(b, "\" name=\"reason\" type=\"text\" maxlength=\"1000\" required>\n");
	}
	H(b, "<button type=\"submit\">");
	html_text(b, button);
	H(b, "</button></form>\n");
}

int
page_admin_moderation(struct request *r)
{
	struct buf *b = &r->out;
	struct response *q = NULL;
	struct err e;
	int n = moderation_queue(r->db, r->arena, QUEUE_SHOWN, &q, &e);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Moderation"));
	H(b, "<h1>");
	html_text(b, _("Moderation"));
	H(b, "</h1>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No response waits for a decision."));
		H(b, "</p>\n");
	} else {
		if (n == QUEUE_SHOWN) {
			H(b, "<p class=\"hint\">");
			html_text(b, _("The first responses only: those waiting for a decision, oldest first, then the "
				       "latest decisions. Decide these and the next appear; every response's own page "
				       "offers the same decisions."));
			H(b, "</p>\n");
		}
		H(b, "<table class=\"moderation\">\n<thead><tr><th scope=\"col\">");
		html_text(b, _("Consultation"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Respondent"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Received"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("State"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Decision"));
		H(b, "</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++) {
			H(b, "<tr id=\"r-");
			html_attr(b, q[i].public_id);
			H(b, "\" class=\"");
			html_attr(b, q[i].status);
			H(b, "\"><td><a href=\"/consultations/");
			html_url(b, q[i].consultation_slug);
			H(b, "\">");
			html_text(b, q[i].consultation_slug);
			H(b, "</a></td><td><a href=\"/admin/responses/");
			html_url(b, q[i].public_id);
			H(b, "\">");
			html_text(b, response_display_name(r->arena, &q[i]));
			H(b, "</a></td><td>");
			view_time(r, q[i].created_at);
			H(b, "</td><td>");
			html_text(b, status_label(q[i].status));
			H(b, "</td><td>");
			if (moderation_next_status(q[i].status, MOD_PUBLISH))
				decision_form(r, q[i].public_id, "publish", _("Publish"), 0);
			if (moderation_next_status(q[i].status, MOD_WITHHOLD))
				decision_form(r, q[i].public_id, "withhold", _("Withhold"), 1);
			H(b, "<a href=\"/admin/responses/");
			html_url(b, q[i].public_id);
			H(b, "#redact\">");
			html_text(b, _("Redact"));
			H(b, "</a></td></tr>\n");
		}
		H(b, "</tbody>\n</table>\n");
	}
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

static void
text_field(struct request *r, const char *name, const char *label, const char *value, int area)
{
	struct buf *b = &r->out;

	H(b, "<div class=\"field\">\n<label for=\"f-");
	html_attr(b, name);
	H(b, "\">");
	html_text(b, label);
	H(b, "</label>\n");
	if (area) {
		H(b, "<textarea id=\"f-");
		html_attr(b, name);
		H(b, "\" name=\"");
		html_attr(b, name);
		H(b, "\" rows=\"6\">");
		html_text(b, value);
		H(b, "</textarea>\n</div>\n");
	} else {
		H(b, "<input id=\"f-");
		html_attr(b, name);
		H(b, "\" name=\"");
		html_attr(b, name);
		H(b, "\" type=\"text\" value=\"");
		html_attr(b, value);
		H(b, "\">\n</div>\n");
	}
}

static void
redact_form(struct request *r, const struct response *resp)
{
	struct buf *b = &r->out;

	H(b, "<h2 id=\"redact\">");
	html_text(b, _("Redact"));
	H(b, "</h2>\n<p>");
	html_text(b, _("Replace personal data or text. The public sees the new version; the original "
		       "is kept, visible only to the secretariat."));
	H(b, "</p>\n<form class=\"redact\" method=\"post\" action=\"/admin/responses/");
	html_url(b, resp->public_id);
	H(b, "/redact\">\n");
	csrf_input(r);
	text_field(r, "name", _("Name"), resp->name, 0);
	text_field(r, "organization", _("Organization"), resp->organization, 0);
	text_field(r, "job_title", _("Job title"), resp->job_title, 0);
	text_field(r, "summary", _("Summary"), resp->summary, 1);
	for (int i = 0; i < resp->nanswers; i++) {
		const char *name = arena_printf(r->arena, "answer_%d", resp->answers[i].question);
		const char *label = arena_printf(r->arena, _("Answer to question %d"), resp->answers[i].question);
		if (name && label)
			text_field(r, name, label, resp->answers[i].text, 1);
	}
	text_field(r, "reason", _("Reason (kept in the history)"), "", 0);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Redact"));
	H(b, "</button></p>\n</form>\n");
}

static void
history(struct request *r, const struct response *resp)
{
	struct buf *b = &r->out;
	struct moderation_event *ev = NULL;
	struct err e;
	int n = moderation_events(r->db, r->arena, resp->id, EVENTS_SHOWN, &ev, &e);

	if (n <= 0)
		return;
	H(b, "<h2>");
	html_text(b, _("History"));
	H(b, "</h2>\n<table class=\"history\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("When"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("What"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Version"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Reason"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><td>");
		view_time(r, ev[i].at);
		H(b, "</td><td class=\"event-");
		html_attr(b, ev[i].kind);
		H(b, "\">");
		html_text(b, event_label(ev[i].kind));
		H(b, "</td><td>");
		html_int(b, ev[i].version);
		H(b, "</td><td>");
		html_text(b, ev[i].reason);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
}

int
page_admin_response(struct request *r)
{
	struct buf *b = &r->out;
	struct response resp;
	struct err e;

	if (response_get(r->db, r->arena, r->param[1], &resp, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no response at this address."))
					      : reply_err(r, &e);
	layout_begin(r, resp.public_id);
	H(b, "<p class=\"meta\"><a href=\"/admin/moderation\">");
	html_text(b, _("Moderation"));
	H(b, "</a></p>\n<h1>");
	html_text(b, response_display_name(r->arena, &resp));
	H(b, "</h1>\n<dl class=\"respondent\">\n");
	view_row(r, 1, _("Response"), resp.public_id);
	view_row(r, 1, _("Consultation"), resp.consultation_slug);
	view_row(r, 1, _("State"), status_label(resp.status));
	if (resp.status_reason && resp.status_reason[0] && !str_eq(resp.status, "published"))
		view_row(r, 1, _("Reason"), resp.status_reason);
	view_row(r, 1, _("Version"), moderation_version_redacted(r->db, resp.id, resp.version) == 1
				     ? arena_printf(r->arena, _("%d (redacted)"), resp.version)
				     : arena_printf(r->arena, "%d", resp.version));
	view_row(r, 1, _("Email"), resp.email);
	view_row(r, 1, _("Name"), resp.name);
	view_row(r, 1, _("Job title"), resp.job_title);
	view_row(r, 1, _("Organization"), resp.organization);
	view_row(r, 1, _("Country"), country_name_local(resp.country));
	view_row(r, 1, _("Stakeholder type"), stakeholder_label(resp.stakeholder_type));
	view_row(r, 1, _("Published as"), resp.publish_as);
	H(b, "<dt>");
	html_text(b, _("Received"));
	H(b, "</dt><dd>");
	view_time(r, resp.created_at);
	H(b, "</dd>\n");
	if (resp.received_on > 0) {	/* entered by the secretariat */
		view_row(r, 1, _("Received by"), channel_label(resp.channel));
		H(b, "<dt>");
		html_text(b, _("Received on"));
		H(b, "</dt><dd>");
		view_date(r, resp.received_on);
		H(b, "</dd>\n");
	}
	if (resp.corrected)
		view_row(r, 1, _("Corrected"), _("at the respondent's request"));
	H(b, "</dl>\n<h2>");
	html_text(b, _("Summary"));
	H(b, "</h2>\n<div class=\"summary\">");
	html_text(b, resp.summary);
	H(b, "</div>\n");
	for (int i = 0; i < resp.nanswers; i++) {
		H(b, "<h3>");
		html_text(b, arena_printf(r->arena, _("Answer to question %d"), resp.answers[i].question));
		H(b, "</h3>\n<div class=\"answer\">");
		html_text(b, resp.answers[i].text);
		H(b, "</div>\n");
	}
	if (resp.nattachments > 0) {
		H(b, "<h2>");
		html_text(b, _("Attachments"));
		H(b, "</h2>\n<ul>\n");
		for (int i = 0; i < resp.nattachments; i++) {
			H(b, "<li>");
			html_text(b, resp.att[i].filename);
			H(b, "</li>\n");
		}
		H(b, "</ul>\n");
		view_unsearchable(r, &resp);
	}
	H(b, "<h2>");
	html_text(b, _("Decision"));
	H(b, "</h2>\n");
	if (moderation_next_status(resp.status, MOD_PUBLISH))
		decision_form(r, resp.public_id, "publish", _("Publish"), 0);
	if (moderation_next_status(resp.status, MOD_WITHHOLD))
		decision_form(r, resp.public_id, "withhold", _("Withhold"), 1);
	if (moderation_next_status(resp.status, MOD_REDACT))
		redact_form(r, &resp);
	history(r, &resp);
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

/* A form value: NULL when absent; "" stays "". Sets *bad when it is not text or too long. */
static const char *
field(struct request *r, const char *name, size_t max_chars, int *bad)
{
	const char *v = upload_field(r, name);

	if (v != NULL && (!utf8_valid(v, strlen(v)) || utf8_chars(v, strlen(v)) > max_chars))
		*bad = 1;
	return v;
}

/* The three decisions: checked, then one write; back to the response's page. */
static int
decide(struct request *r, enum moderation_action action)
{
	struct moderation *m = r->state;
	int bad = 0;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"response moderated\" action=%s response=%s account=%lld id=%s",
			 moderation_action_name(action), m->public_id, (long long)r->account_id, r->id);
		return reply_redirect(r, 303, arena_printf(r->arena, "/admin/responses/%s", m->public_id));
	}
	if ((m = r->state = arena_alloc(r->arena, sizeof(*m))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	m->public_id = r->param[1];
	m->action = action;
	m->account_id = r->account_id;
	m->address = r->client;
	m->reason = field(r, "reason", MODERATION_REASON_MAX, &bad);
	if (action == MOD_WITHHOLD && (m->reason == NULL || m->reason[strspn(m->reason, " \t\r\n")] == '\0'))
		return reply_error(r, 422, _("Give the reason for withholding: the public sees it."));
	if (action == MOD_REDACT) {
		m->name = field(r, "name", 200, &bad);
		m->organization = field(r, "organization", 200, &bad);
		m->job_title = field(r, "job_title", 200, &bad);
		m->summary = field(r, "summary", 20000, &bad);
		for (int q = 1; q <= CONSULTATION_MAX_QUESTIONS; q++) {
			const char *name = arena_printf(r->arena, "answer_%d", q);
			if (name == NULL)
				return reply_error(r, 503, _("The service is busy; try again."));
			m->answer[q] = field(r, name, 50000, &bad);
		}
	}
	if (bad)
		return reply_error(r, 422, _("A value is too long or is not text."));
	return request_write(r, notice_moderation_fn, m);
}

int
page_admin_publish(struct request *r)
{
	return decide(r, MOD_PUBLISH);
}

int
page_admin_withhold(struct request *r)
{
	return decide(r, MOD_WITHHOLD);
}

int
page_admin_redact(struct request *r)
{
	return decide(r, MOD_REDACT);
}
