/* view_meeting.c: shared meeting and outcome views. */
#include "view_meeting.h"

#include <string.h>

#include "../util/str.h"
#include "html.h"
#include "layout.h"
#include "view.h"

const char *
view_ordinal(struct request *r, int n)
{
	return meeting_ordinal(r->arena, n, r->lang);
}

const char *
view_meeting_kind(const char *kind)
{
	if (str_eq(kind, "working_group"))
		return _("Working-group meeting");
	if (str_eq(kind, "open_consultation"))
		return _("Open consultation meeting");
	return kind;
}

const char *
view_meeting_mode(const char *mode)
{
	if (str_eq(mode, "in_person"))
		return _("In person");
	if (str_eq(mode, "virtual"))
		return _("Virtual");
	if (str_eq(mode, "hybrid"))
		return _("Hybrid");
	return mode;
}

const char *
view_outcome_kind(const char *kind)
{
	if (str_eq(kind, "decision"))
		return _("Decision");
	if (str_eq(kind, "request"))
		return _("Request");
	if (str_eq(kind, "invitation"))
		return _("Invitation");
	return kind;
}

const char *
view_outcome_addressee(const char *addressee)
{
	if (str_eq(addressee, "secretariat"))
		return _("Secretariat");
	if (str_eq(addressee, "bureau_directors"))
		return _("Bureau Directors");
	if (str_eq(addressee, "member_states"))
		return _("Member States");
	if (str_eq(addressee, "chair"))
		return _("Chair");
	return addressee;
}

const char *
view_outcome_status(const char *status)
{
	if (str_eq(status, "open"))
		return _("Open");
	if (str_eq(status, "in_progress"))
		return _("In progress");
	if (str_eq(status, "done"))
		return _("Done");
	if (str_eq(status, "superseded"))
		return _("Superseded");
	return status;
}

void
view_outcome_badge(struct request *r, const char *status)
{
	H(&r->out, "<span class=\"outcome-status status-");
	html_attr(&r->out, status);
	H(&r->out, "\">");
	html_text(&r->out, view_outcome_status(status));
	H(&r->out, "</span>");
}

const char *
view_outcome_ref(struct request *r, int number, const char *letter)
{
	return arena_printf(r->arena, "%d(%s)", number, letter);
}

void
view_meeting_dates(struct request *r, const struct meeting *m)
{
	view_date(r, m->starts_on);
	if (m->ends_on != m->starts_on) {
		H(&r->out, " – ");
		view_date(r, m->ends_on);
	}
}

/* The group key of a round: its launching meeting's number, or -1 (then its meeting text). */
static int
launched_by(const struct outcome_launch *l, int nl, int64_t consultation_id)
{
	for (int i = 0; i < nl; i++)
		if (l[i].consultation_id == consultation_id)
			return l[i].meeting_number;
	return -1;
}

static void
group_heading(struct request *r, int number, const char *meeting_text, enum lang text_lang)
{
	struct buf *b = &r->out;

	H(b, "<h2 class=\"launched-by\">");
	if (number > 0) {
		H(b, "<a href=\"/meetings/");
		html_int(b, number);
		H(b, "\">");
		/* TRANSLATORS: %s is an ordinal number: "the 15th meeting" */
		html_text(b, arena_printf(r->arena, _("Launched by the %s meeting"), view_ordinal(r, number)));
		H(b, "</a>");
	} else if (meeting_text != NULL && meeting_text[0]) {
		layout_text_in(r, meeting_text, text_lang);	/* entered once, in the round's language */
	} else {
		html_text(b, _("Other rounds"));
	}
	H(b, "</h2>\n");
}

void
view_consultations_by_meeting(struct request *r, const struct consultation *items, int n)
{
	struct buf *b = &r->out;
	struct outcome_launch *l = NULL;
	struct err e;
	int nl = outcome_launches(r->db, r->arena, &l, &e);
	int prev = 0;
	const char *prev_text = NULL;

	if (nl < 0)
		nl = 0;	/* the rounds matter more than their grouping: list them all the same */
	for (int i = 0; i < n; i++) {
		int by = launched_by(l, nl, items[i].id);
		if (i == 0 || by != prev || (by < 0 && !str_eq(items[i].meeting, prev_text))) {
			if (i > 0)
				H(b, "</ul>\n");
			group_heading(r, by, items[i].meeting, items[i].original);
			H(b, "<ul class=\"consultations\">\n");
		}
		prev = by;
		prev_text = items[i].meeting;
		view_consultation_item(r, &items[i]);
	}
	if (n > 0)
		H(b, "</ul>\n");
}
