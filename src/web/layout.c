/* layout.c: the page frame, in the request's language and direction. */
#include "layout.h"

#include <string.h>

#include "assets.h"
#include "csrf.h"
#include "html.h"
#include "route.h"
#include "../util/str.h"

static void
path_attr(struct buf *b, const char *path)
{
	for (const char *p = path; *p; p++) {
		if (*p == '/') {
			buf_putc(b, '/');
		} else {
			char one[2] = { *p, 0 };
			html_url(b, one);
		}
	}
}

/* The page's other query parameters (a cursor), so switching language keeps the place. */
static void
keep_query(struct request *r)
{
	if (r->route == NULL)
		return;
	for (int i = 0; i < ROUTE_MAX_PARAMS && r->route->params[i].name; i++) {
		const struct param *p = &r->route->params[i];
		if (p->where != IN_QUERY || r->param[i] == NULL || strcmp(p->name, "lang") == 0)
			continue;
		H(&r->out, "&amp;");
		html_url(&r->out, p->name);
		H(&r->out, "=");
		html_url(&r->out, r->param[i]);
	}
}

static void
nav_link(struct request *r, const char *href, const char *label, int current)
{
	struct buf *b = &r->out;

	H(b, "<li><a href=\"");
	html_attr(b, href);
	H(b, "\"");
	if (current)
		H(b, " aria-current=\"page\"");
	H(b, ">");
	html_text(b, label);
	H(b, "</a></li>");
}

/* The secretariat's sections, on every page under /admin. */
static void
admin_nav(struct request *r, const char *path)
{
	static const struct {
		const char *href, *label;
	} sections[] = {
		{ "/admin/consultations", N_("Consultations") },
		{ "/admin/moderation", N_("Moderation") },
		{ "/admin/requests", N_("Requests from respondents") },
		{ "/admin/accounts", N_("Accounts") },
		{ "/admin/mail", N_("Mail") },
		{ "/admin/audit", N_("Audit log") },
	};
	struct buf *b = &r->out;

	H(b, "<nav class=\"admin-nav\" aria-label=\"");
	html_attr(b, _("Administration"));
	H(b, "\"><ul>");
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		nav_link(r, sections[i].href, _(sections[i].label), str_has_prefix(path, sections[i].href) ||
			 (i == 1 && str_has_prefix(path, "/admin/responses")));
	H(b, "</ul></nav>\n");
}

void
layout_begin(struct request *r, const char *title)
{
	struct buf *b = &r->out;
	const char *path = r->path;

	r->content_type = "text/html; charset=utf-8";
	H(b, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(b, lang_code(r->lang));
	H(b, "\" dir=\"");
	html_raw_trusted(b, lang_is_rtl(r->lang) ? "rtl" : "ltr");
	H(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(b, title);
	H(b, " · ");
	html_text(b, _("Agora"));
	H(b, "</title>\n<link rel=\"stylesheet\" href=\"");
	html_attr(b, static_css_href());	/* http (issue 9): the address changes with the sheet */
	H(b, "\">\n");
	/* feeds: the alternates every page announces (issue 9) */
	/* so browsers and feed readers find them from any page: the consultations' Atom feed in
	 * this page's language, and the meetings' calendar (docs/FEEDS.md) */
	H(b, "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/consultations.atom?lang=");
	html_raw_trusted(b, lang_code(r->lang));
	H(b, "\" title=\"");
	html_attr(b, _("Consultations (Atom feed)"));
	H(b, "\">\n<link rel=\"alternate\" type=\"text/calendar\" href=\"/meetings.ics\" title=\"");
	html_attr(b, _("Meetings (iCalendar)"));
	H(b, "\">\n");
	/* end feeds */
	H(b, "</head>\n<body>\n"
	     "<a class=\"skip\" href=\"#main\">");
	html_text(b, _("Skip to content"));
	H(b, "</a>\n<header class=\"banner\">\n<div class=\"wrap\">\n<p class=\"body-name\"><a href=\"/\">");
	html_text(b, _("Council Working Group on International Internet-related Public Policy Issues"));
	H(b, "</a></p>\n<nav class=\"langs\" aria-label=\"");
	html_attr(b, _("Language"));
	H(b, "\"><ul>");
	for (int l = 0; l < LANG_COUNT; l++) {
		H(b, "<li><a href=\"");
		path_attr(b, path);
		H(b, "?lang=");
		html_raw_trusted(b, lang_code(l));
		keep_query(r);
		H(b, "\" lang=\"");
		html_raw_trusted(b, lang_code(l));
		H(b, "\" hreflang=\"");
		html_raw_trusted(b, lang_code(l));
		H(b, "\"");
		if ((enum lang)l == r->lang)
			H(b, " aria-current=\"true\"");
		H(b, ">");
		html_text(b, lang_native_name(l));
		H(b, "</a></li>");
	}
	H(b, "</ul></nav>\n<nav class=\"main-nav\" aria-label=\"");
	html_attr(b, _("Main"));
	H(b, "\"><ul>");
	nav_link(r, "/", _("Home"), path[0] == '/' && path[1] == '\0');
	nav_link(r, "/consultations", _("Consultations"), str_has_prefix(path, "/consultations"));
	nav_link(r, "/meetings", _("Meetings"), str_has_prefix(path, "/meetings"));
	nav_link(r, "/proposals", _("Proposals"), str_has_prefix(path, "/proposals"));
	nav_link(r, "/documents", _("Documents"), str_has_prefix(path, "/documents"));
	nav_link(r, "/search", _("Search"), str_eq(path, "/search"));
	nav_link(r, "/api/v1/openapi.json", _("API"), 0);
	if (r->session_id != 0) {	/* never on a cached page: dispatch skips the cache then */
		nav_link(r, "/account", _("Account"), str_eq(path, "/account"));
		if (str_eq(r->role, "focal_point"))
			nav_link(r, "/account/delegates", _("Delegates"), str_has_prefix(path, "/account/delegates"));
		if (str_eq(r->role, "secretariat") || str_eq(r->role, "chair"))
			nav_link(r, "/reports", _("Reports"), str_has_prefix(path, "/reports"));
		if (str_eq(r->role, "secretariat"))
			nav_link(r, "/admin/consultations", _("Administration"), str_has_prefix(path, "/admin"));
		H(b, "<li><form class=\"logout\" method=\"post\" action=\"/logout\">\n");
		csrf_input(r);
		H(b, "<button type=\"submit\">");
		html_text(b, _("Log out"));
		H(b, "</button></form></li>");
	} else {
		nav_link(r, "/login", _("Log in"), str_eq(path, "/login"));
		nav_link(r, "/register", _("Register"), str_has_prefix(path, "/register"));
	}
	H(b, "</ul></nav>\n</div>\n</header>\n<main id=\"main\" class=\"wrap\">\n");
	if (r->session_id != 0 && str_eq(r->role, "secretariat") && str_has_prefix(path, "/admin"))
		admin_nav(r, path);
}

void
layout_end(struct request *r)
{
	struct buf *b = &r->out;

	H(b, "\n</main>\n<footer class=\"wrap\"><p>");
	html_text(b, _("Agora: open consultations of the working group with all stakeholders. "
		       "Times are shown in UTC and Geneva time."));
	H(b, "</p>\n<p class=\"footer-links\"><a href=\"/log\">");
	html_text(b, _("Public log"));
	H(b, "</a> <a href=\"/receipts\">");
	html_text(b, _("Check a receipt"));
	H(b, "</a> <a href=\"/subscribe\">");
	html_text(b, _("Subscribe to notices"));
	H(b, "</a></p></footer>\n</body>\n</html>\n");
}

void
layout_text_in(struct request *r, const char *text, enum lang text_lang)
{
	struct buf *b = &r->out;

	if (text_lang == r->lang) {
		html_text(b, text);
		return;
	}
	H(b, "<span lang=\"");
	html_raw_trusted(b, lang_code(text_lang));
	H(b, "\" dir=\"");
	html_raw_trusted(b, lang_is_rtl(text_lang) ? "rtl" : "ltr");
	H(b, "\">");
	html_text(b, text);
	H(b, "</span>");
}

void
layout_message_begin(struct request *r, const char *title, const char *text)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, title);
	H(b, "<h1>");
	html_text(b, title);
	H(b, "</h1>\n<p>");
	html_text(b, text);
	H(b, "</p>\n");
}

int
layout_message_end(struct request *r, int status)
{
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
layout_message(struct request *r, int status, const char *title, const char *text, const char *href,
	       const char *link)
{
	struct buf *b = &r->out;

	layout_message_begin(r, title, text);
	if (href != NULL) {
		H(b, "<p><a href=\"");
		html_attr(b, href);
		H(b, "\">");
		html_text(b, link);
		H(b, "</a></p>\n");
	}
	return layout_message_end(r, status);
}
