/* page_meetings_ics.c: the meetings as iCalendar (RFC 5545): /meetings.ics (all) and
 * /meetings/{number}/calendar.ics (one), composed by domain/meeting_ics.c (which the registrants'
 * reminder mail uses too). */
#include <stdlib.h>
#include <string.h>

#include "../domain/meeting.h"
#include "../domain/meeting_ics.h"
#include "form_account.h"
#include "handlers.h"
#include "reply.h"

#define ICS_MEETINGS_MAX 500

/* The calendar around n meetings, into r->out. */
static int
reply_calendar(struct request *r, const struct meeting *m, int n, const char *filename)
{
	const char *base = form_account_link(r, "");
	char *text = base ? meeting_ics(r->db, r->arena, m, n, r->lang, base) : NULL;

	if (text == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	buf_reset(&r->out);
	buf_puts(&r->out, text);
	free(text);
	r->content_type = "text/calendar; charset=utf-8";
	request_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"%s\"", filename));
	return HANDLER_DONE;
}
int
page_meetings_ics(struct request *r)
{
	struct meeting *m = NULL;
	struct err e;
	int n = meeting_list(r->db, r->arena, ICS_MEETINGS_MAX, &m, &e);

	if (n < 0)
		return reply_err(r, &e);
	return reply_calendar(r, m, n, "meetings.ics");
}

int
page_meeting_ics(struct request *r)
{
	struct meeting m;
	struct err e;
	int number = atoi(r->param[1]);

	if (meeting_get(r->db, r->arena, number, &m, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no meeting with this number."))
					      : reply_err(r, &e);
	return reply_calendar(r, &m, 1, arena_printf(r->arena, "meeting-%d.ics", number));
}
