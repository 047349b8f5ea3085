/* page_home.c: the home page: open rounds with time left, upcoming and recent rounds. */
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "view.h"

static int
section(struct request *r, const char *heading, const char *state, int limit, const char *empty)
{
	struct consultation_page pg;
	struct err e;
	struct buf *b = &r->out;

	if (consultation_list(r->db, r->arena, state, 0, 0, limit, &pg, &e) != 0)
		return reply_err(r, &e), -1;
	if (pg.n == 0 && empty == NULL)
		return 0;
	H(b, "<section>\n<h2>");
	html_text(b, heading);
	H(b, "</h2>\n");
	if (pg.n == 0) {
		H(b, "<p>");
		html_text(b, empty);
		H(b, "</p>\n");
	} else {
		H(b, "<ul class=\"consultations\">\n");
		for (int i = 0; i < pg.n; i++)
			view_consultation_item(r, &pg.items[i]);
		H(b, "</ul>\n");
	}
	H(b, "</section>\n");
	return 0;
}

int
page_home(struct request *r)
{
	struct buf *b = &r->out;

	layout_begin(r, _("Open consultations"));
	H(b, "<h1>");
	html_text(b, _("Open consultations with all stakeholders"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("The working group, open to Member States, consults all stakeholders on "
		       "international Internet-related public policy issues. Anyone may read every "
		       "consultation and every published response here."));
	H(b, "</p>\n");
	if (section(r, _("Open now"), "open", 20, _("No consultation is open at the moment.")) != 0 ||
	    section(r, _("Coming up"), "scheduled", 10, NULL) != 0 ||
	    section(r, _("Recent consultations"), "closed", 5, NULL) != 0)
		return HANDLER_DONE;
	H(b, "<p><a class=\"more\" href=\"/consultations\">");
	html_text(b, _("All consultations, newest first"));
	H(b, "</a></p>\n");
	layout_end(r);
	return HANDLER_DONE;
}
