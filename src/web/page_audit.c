/* page_audit.c: the audit log for the secretariat, newest first, filtered by action and by
 * account (?action=, ?account=) and paged (?before=). Values are shown as stored: escaped. */
#include <stdlib.h>
#include <string.h>

#include "../domain/audit.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "view.h"

#define AUDIT_PAGE 50

/* Parameter indexes in the route: lang, action, account, before. */
enum { P_ACTION = 1, P_ACCOUNT = 2, P_BEFORE = 3 };

static void
filter_form(struct request *r, const char *action, const char *account)
{
	struct buf *b = &r->out;

	H(b, "<form class=\"filter\" method=\"get\" action=\"/admin/audit\">\n<label for=\"f-action\">");
	html_text(b, _("Action"));
	H(b, "</label>\n<input id=\"f-action\" name=\"action\" type=\"text\" maxlength=\"64\" value=\"");
	html_attr(b, action ? action : "");
	H(b, "\">\n<label for=\"f-account\">");
	html_text(b, _("Account number"));
	H(b, "</label>\n<input id=\"f-account\" name=\"account\" type=\"text\" inputmode=\"numeric\" value=\"");
	html_attr(b, account ? account : "");
	H(b, "\">\n<button type=\"submit\">");
	html_text(b, _("Filter"));
	H(b, "</button></form>\n");
}

int
page_admin_audit(struct request *r)
{
	struct buf *b = &r->out;
	struct audit_entry *a = NULL;
	const char *action = r->param[P_ACTION], *account = r->param[P_ACCOUNT];
	int64_t account_id = account ? strtoll(account, NULL, 10) : 0;
	int64_t before = r->param[P_BEFORE] ? strtoll(r->param[P_BEFORE], NULL, 10) : 0, next = 0;
	struct err e;
	int n = audit_list(r->db, r->arena, action, account_id, before, AUDIT_PAGE, &a, &next, &e);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Audit log"));
	H(b, "<p class=\"meta\"><a href=\"/admin/moderation\">");
	html_text(b, _("Moderation"));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Audit log"));
	H(b, "</h1>\n");
	filter_form(r, action, account);
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No entries."));
		H(b, "</p>\n");
	} else {
		H(b, "<table class=\"audit\">\n<thead><tr><th scope=\"col\">");
		html_text(b, _("When"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Account"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("From"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Action"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("About"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Detail"));
		H(b, "</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++) {
			H(b, "<tr><td>");
			view_time(r, a[i].at);
			H(b, "</td><td>");
			if (a[i].account_id > 0)
				html_int(b, a[i].account_id);
			H(b, "</td><td>");
			html_text(b, a[i].address);
			H(b, "</td><td class=\"action\">");
			html_text(b, a[i].action);
			H(b, "</td><td>");
			html_text(b, a[i].object);
			H(b, "</td><td>");
			html_text(b, a[i].detail);
			H(b, "</td></tr>\n");
		}
		H(b, "</tbody>\n</table>\n");
	}
	if (next > 0) {
		H(b, "<p><a rel=\"next\" href=\"/admin/audit?before=");
		html_int(b, next);
		if (action) {
			H(b, "&amp;action=");
			html_url(b, action);
		}
		if (account) {
			H(b, "&amp;account=");
			html_url(b, account);
		}
		H(b, "\">");
		html_text(b, _("Older entries"));
		H(b, "</a></p>\n");
	}
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}
