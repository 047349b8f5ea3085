/* page_admin_mail.c: the outbox for the secretariat (/admin/mail): every mail, newest first, with
 * its status (queued, sent, failed, suppressed), attempts and the relay's last answer, filtered
 * by status (?status=) and paged (?before=); and whether a relay is set at all. Access
 * (ROLE_SECRETARIAT) is checked centrally. docs/MAIL.md. */
#include <stdlib.h>
#include <string.h>

#include "../domain/outbox.h"
#include "../util/i18n.h"
#include "../util/str.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "view.h"

#define MAIL_PAGE 50

/* Parameter indexes in the route: lang, status, before. */
enum { P_STATUS = 1, P_BEFORE = 2 };

static const char *const statuses[4] = { "queued", "sent", "failed", "suppressed" };

static const char *
status_label(const char *s)
{
	if (str_eq(s, "queued"))
		return C_("mail", "Queued");
	if (str_eq(s, "sent"))
		return C_("mail", "Sent");
	if (str_eq(s, "failed"))
		return C_("mail", "Failed");
	return C_("mail", "Suppressed");
}

/* The counts, each a link to its filter; the current one marked. */
static void
status_nav(struct request *r, const int64_t counts[4], const char *current)
{
	struct buf *b = &r->out;

	H(b, "<ul class=\"mail-status\">\n<li><a href=\"/admin/mail\"");
	if (current == NULL)
		H(b, " aria-current=\"page\"");
	H(b, ">");
	html_text(b, C_("mail", "All"));
	H(b, "</a></li>\n");
	for (int i = 0; i < 4; i++) {
		H(b, "<li><a href=\"/admin/mail?status=");
		html_url(b, statuses[i]);
		H(b, "\"");
		if (current != NULL && str_eq(current, statuses[i]))
			H(b, " aria-current=\"page\"");
		H(b, ">");
		html_text(b, status_label(statuses[i]));
		H(b, " (");
		html_int(b, counts[i]);
		H(b, ")</a></li>\n");
	}
	H(b, "</ul>\n");
}

static void
mail_table(struct request *r, const struct outbox_row *m, int n)
{
	struct buf *b = &r->out;

	H(b, "<table class=\"mail\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Mail"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, C_("mail", "Queued on"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, C_("mail", "To"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, C_("mail", "Subject"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Status"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Attempts"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Sent or next attempt"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Last error"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr class=\"");
		html_attr(b, m[i].status);
		H(b, "\"><td>");
		html_int(b, m[i].id);
		H(b, "</td><td>");
		view_time(r, m[i].created_at);
		H(b, "</td><td>");
		html_text(b, m[i].to);
		H(b, "</td><td dir=\"auto\" lang=\"");
		html_attr(b, m[i].lang);
		H(b, "\">");
		html_text(b, m[i].subject);
		H(b, "</td><td>");
		html_text(b, status_label(m[i].status));
		H(b, "</td><td>");
		html_int(b, m[i].attempts);
		H(b, "</td><td>");
		if (str_eq(m[i].status, "sent"))
			view_time(r, m[i].sent_at);
		else if (str_eq(m[i].status, "queued"))
			view_time(r, m[i].next_attempt_at > m[i].created_at ? m[i].next_attempt_at : m[i].created_at);
		H(b, "</td><td>");
		html_text(b, m[i].last_error);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
}

int
page_admin_mail(struct request *r)
{
	struct buf *b = &r->out;
	struct outbox_row *m = NULL;
	const char *status = r->param[P_STATUS];
	int64_t before = r->param[P_BEFORE] ? strtoll(r->param[P_BEFORE], NULL, 10) : 0, counts[4];
	struct err e;
	int n, known = status == NULL;

	for (int i = 0; i < 4 && !known; i++)
		known = str_eq(status, statuses[i]);
	if (!known)
		return reply_error(r, 400, _("The status must be queued, sent, failed or suppressed."));
	if (outbox_count(r->db, counts, &e) != 0 ||
	    (n = outbox_list_status(r->db, r->arena, NULL, status, before, MAIL_PAGE, &m, &e)) < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Mail"));
	H(b, "<h1>");
	html_text(b, _("Mail"));
	H(b, "</h1>\n<p>");
	if (r->srv->cfg->smtp_url[0] == '\0')
		html_text(b, _("No mail relay is set (--smtp-url): nothing is sent, and mail stays queued here "
			       "until one is."));
	else
		html_text(b, _("Mail is sent through the relay. A mail the relay did not take is tried again "
			       "after 1 minute, then at doubling intervals up to 6 hours, for 3 days. An address "
			       "the relay refused is suppressed: no mail is sent to it again."));
	H(b, "</p>\n");
	status_nav(r, counts, status);
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No mail."));
		H(b, "</p>\n");
	} else
		mail_table(r, m, n);
	if (n == MAIL_PAGE) {
		H(b, "<p><a rel=\"next\" href=\"/admin/mail?before=");
		html_int(b, m[n - 1].id);
		if (status) {
			H(b, "&amp;status=");
			html_url(b, status);
		}
		H(b, "\">");
		html_text(b, _("Older mail"));
		H(b, "</a></p>\n");
	}
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}
