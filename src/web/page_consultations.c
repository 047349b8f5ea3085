/* page_consultations.c: the archive of every round and the page of one consultation. */
#include <stdio.h>
#include <string.h>

#include "../domain/response.h"
#include "../util/clock.h"
#include "../util/str.h"

#include "cursor.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "view.h"
#include "view_meeting.h"

#define ARCHIVE_PAGE 50
#define RESPONSES_PAGE 50

int
page_consultation_list(struct request *r)
{
	struct consultation_page pg;
	struct err e;
	struct buf *b = &r->out;
	int64_t t, id;

	if (cursor_parse(r->param[1], &t, &id) != 0)
		return reply_error(r, 400, _("This page link is not valid."));
	if (consultation_list(r->db, r->arena, NULL, t, id, ARCHIVE_PAGE, &pg, &e) != 0)
		return reply_err(r, &e);
	layout_begin(r, _("All consultations"));
	H(b, "<h1>");
	html_text(b, _("All consultations"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("Every round of open consultation, newest first, with its topic, questions "
		       "and period."));
	H(b, "</p>\n<p><a href=\"/consultations.atom?lang=");	/* feeds (issue 9) */
	html_raw_trusted(b, lang_code(r->lang));
	H(b, "\" type=\"application/atom+xml\">");
	html_text(b, _("Follow new, opening and closing consultations in a feed reader (Atom)"));
	H(b, "</a></p>\n");
	if (pg.n == 0) {
		H(b, "<p>");
		html_text(b, _("There are no consultations yet."));
		H(b, "</p>\n");
	} else {
		view_consultations_by_meeting(r, pg.items, pg.n);	/* grouped by launching meeting */
	}
	if (pg.more) {
		H(b, "<p><a rel=\"next\" href=\"/consultations?cursor=");
		html_url(b, cursor_make(r->arena, pg.next_opens_at, pg.next_id));
		H(b, "\">");
		html_text(b, _("Older consultations"));
		H(b, "</a></p>\n");
	}
	layout_end(r);
	return HANDLER_DONE;
}

/* The published responses, 50 a page, "SURNAME, Given - Organization". */
static int
responses_section(struct request *r, const struct consultation *c)
{
	struct buf *b = &r->out;
	struct response *items;
	struct err e;
	int64_t after = 0;
	int n, more;

	if (cursor_parse_id(r->param[2], &after) != 0) {
		reply_error(r, 400, _("This page link is not valid."));
		return -1;
	}
	if (response_list(r->db, r->arena, c->id, after, RESPONSES_PAGE, &items, &n, &more, &e) != 0) {
		reply_err(r, &e);
		return -1;
	}
	H(b, "<section class=\"responses\" id=\"responses\">\n<h2>");
	html_text(b, _("Responses"));
	H(b, " (");
	view_number(r, c->responses);
	H(b, ")</h2>\n");
	if (n == 0 && after == 0) {
		H(b, "<p>");
		html_text(b, _("No response is published yet."));
		H(b, "</p>\n");
	} else {
		H(b, "<ol class=\"response-list\">\n");
		for (int i = 0; i < n; i++) {
			H(b, "<li><a href=\"/responses/");
			html_url(b, items[i].public_id);
			H(b, "\">");
			html_text(b, response_display_name(r->arena, &items[i]));
			H(b, "</a> <span class=\"meta\">");
			view_date(r, items[i].created_at);
			H(b, "</span></li>\n");
		}
		H(b, "</ol>\n");
	}
	if (more) {
		H(b, "<p><a rel=\"next\" href=\"/consultations/");
		html_url(b, c->slug);
		H(b, "?after=");
		html_int(b, items[n - 1].id);
		H(b, "#responses\">");
		html_text(b, _("More responses"));
		H(b, "</a></p>\n");
	}
	H(b, "</section>\n");
	return 0;
}

int
page_consultation(struct request *r)
{
	struct consultation c;
	struct err e;
	struct buf *b = &r->out;
	enum lang got;
	const char *title;

	/* The secretariat also reads draft translations here (marked as such); never cached. */
	if ((str_eq(r->role, "secretariat") ? consultation_get_admin : consultation_get)(
		r->db, r->arena, r->param[1], &c, &e) != 0)
		return e.kind == ERR_NOTFOUND
			   ? reply_error(r, 404, _("There is no consultation at this address."))
			   : reply_err(r, &e);
	if (strcmp(c.state, "draft") == 0)
		return reply_error(r, 404, _("There is no consultation at this address."));
	title = mtext_pick(&c.title, r->lang, &got);
	layout_begin(r, title ? title : c.slug);
	H(b, "<article class=\"consultation-page\">\n<p class=\"meta\">");
	view_state(r, &c);
	H(b, " ");
	view_time_left(r, &c);
	if (c.meeting[0]) {
		H(b, " <span class=\"meeting\">");
		layout_text_in(r, c.meeting, c.original);	/* entered once, in the round's language */
		H(b, "</span>");
	}
	H(b, "</p>\n<h1>");
	view_mtext(r, &c.title);
	H(b, "</h1>\n");
	view_text_versions(r, &c.title);	/* languages (issue 9) */
	H(b, "<dl class=\"period\">\n<dt>");
	html_text(b, _("Opens"));
	H(b, "</dt><dd>");
	view_time(r, c.opens_at);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Closes"));
	H(b, "</dt><dd>");
	view_time(r, c.closes_at);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Responses"));
	H(b, "</dt><dd>");
	view_number(r, c.responses);
	H(b, "</dd>\n</dl>\n");
	if (mtext_pick(&c.topic, r->lang, NULL)) {
		H(b, "<h2>");
		html_text(b, _("Topic"));
		H(b, "</h2>\n<p class=\"topic\">");
		view_mtext(r, &c.topic);
		H(b, "</p>\n");
	}
	if (mtext_pick(&c.description, r->lang, &got)) {
		H(b, "<div class=\"description\" lang=\"");
		html_attr(b, lang_code(got));
		H(b, "\">\n");
		html_markdown(b, mtext_pick(&c.description, r->lang, NULL));
		H(b, "</div>\n");
	}
	H(b, "<h2>");
	html_text(b, _("Questions"));
	H(b, "</h2>\n");
	if (c.illustrative) {
		H(b, "<p class=\"notice\">");
		html_text(b, _("These questions are illustrative, written for this demonstration; they "
			       "are not the official text."));
		H(b, "</p>\n");
	}
	H(b, "<ol class=\"questions\">\n");
	for (int i = 0; i < c.nquestions; i++) {
		H(b, "<li id=\"q");
		html_int(b, i + 1);
		H(b, "\">");
		view_mtext(r, &c.question[i]);
		H(b, "</li>\n");
	}
	H(b, "</ol>\n");
	if (str_eq(c.state, "open") || str_eq(c.state, "scheduled")) {
		struct err te;
		if (response_in_time(clock_now(), c.opens_at, c.closes_at, c.state, &te) == 0) {
			H(b, "<p><a class=\"button\" href=\"/consultations/");
			html_url(b, c.slug);
			H(b, "/respond\">");
			html_text(b, _("Respond to this consultation"));
			H(b, "</a></p>\n");
		}
	}
	/* summaries (issue 8): the round's summary page */
	H(b, "<p class=\"summary-link\"><a href=\"/consultations/");
	html_url(b, c.slug);
	H(b, "/summary\">");
	html_text(b, _("Summary of the responses: figures, terms, campaigns"));
	H(b, "</a></p>\n");
	/* end summaries */
	if (responses_section(r, &c) != 0)
		return HANDLER_DONE;
	H(b, "</article>\n");
	layout_end(r);
	return HANDLER_DONE;
}
