/* page_meetings.c: the meetings of the working group (newest first) and one meeting: its
 * dates, place, mode, agenda, lettered outcomes with their status and the rounds they concern,
 * and the open items carried forward from earlier meetings. Whoever may change an outcome's
 * status (the secretariat any; the chair those addressed to the chair) gets a form under it. */
#include <stdlib.h>
#include <string.h>

#include "../domain/meeting.h"
#include "../domain/outcome.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"
#include "view_document.h"
#include "view_meeting.h"
#include "view_registration_meeting.h"

#define MEETINGS_SHOWN 500
#define HISTORY_SHOWN 50

/* What a refused status form left: shown again with the error next to its field. */
struct refused {
	char letter;		/* the outcome whose form it was */
	const char *field;	/* "status" or "note"; "document" for the document form */
	const char *message;
	const char *status, *note;	/* as posted */
	const char *document;		/* as posted to the document form */
};

int
page_meeting_list(struct request *r)
{
	struct buf *b = &r->out;
	struct meeting *m = NULL;
	struct err e;
	int n = meeting_list(r->db, r->arena, MEETINGS_SHOWN, &m, &e);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Meetings"));
	H(b, "<h1>");
	html_text(b, _("Meetings"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("The meetings of the working group, newest first, with their outcomes and the "
		       "items still open."));
	H(b, "</p>\n<p><a href=\"/meetings.ics\" type=\"text/calendar\">");
	html_text(b, _("All meetings in your calendar (iCalendar)"));
	H(b, "</a></p>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("There are no meetings yet."));
		H(b, "</p>\n");
		layout_end(r);
		return HANDLER_DONE;
	}
	H(b, "<table class=\"meetings\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Meeting"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Dates"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Kind"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Mode"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Outcomes"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Open items"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr id=\"m-");
		html_int(b, m[i].number);
		H(b, "\"><td><a href=\"/meetings/");
		html_int(b, m[i].number);
		H(b, "\">");
		if (mtext_pick(&m[i].title, r->lang, NULL) != NULL)
			view_mtext(r, &m[i].title);
		else
			html_int(b, m[i].number);
		H(b, "</a></td><td>");
		view_meeting_dates(r, &m[i]);
		H(b, "</td><td>");
		html_text(b, view_meeting_kind(m[i].kind));
		H(b, "</td><td>");
		html_text(b, view_meeting_mode(m[i].mode));
		H(b, "</td><td class=\"count\">");
		view_number(r, m[i].noutcomes);
		H(b, "</td><td class=\"count\">");
		view_number(r, m[i].nopen);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
	layout_end(r);
	return HANDLER_DONE;
}

/* The documents of an outcome the reader may see (outcome_document_visible: the documents'
 * own rule), as list items; the others are not mentioned at all. */
static void
outcome_document_items(struct request *r, const struct outcome *o)
{
	struct buf *b = &r->out;

	for (int i = 0; i < o->ndocs; i++) {
		const struct document *d = &o->docs[i];
		if (!outcome_document_visible(d, r->role, r->state_code))
			continue;
		H(b, "<li class=\"outcome-document\">");
		html_text(b, _("Concerns the document:"));
		H(b, " <a href=\"/documents/");
		html_url(b, d->url);
		H(b, "\">");
		html_text(b, d->symbol);
		H(b, "</a>");
		if (mtext_pick(&d->title, r->lang, NULL) != NULL) {
			H(b, " ");
			view_mtext(r, &d->title);
		}
		H(b, " (");
		html_text(b, view_document_kind(d->kind));
		H(b, ")</li>\n");
	}
}

/* How many of the outcome's documents the reader may see. */
static int
visible_documents(struct request *r, const struct outcome *o)
{
	int n = 0;

	for (int i = 0; i < o->ndocs; i++)
		n += outcome_document_visible(&o->docs[i], r->role, r->state_code);
	return n;
}

/* The rounds an outcome launched or concerns, and the documents it concerns, as links. */
static void
outcome_links(struct request *r, const struct outcome *o)
{
	struct buf *b = &r->out;

	if (o->nlinks == 0 && visible_documents(r, o) == 0)
		return;
	H(b, "<ul class=\"outcome-links\">\n");
	for (int i = 0; i < o->nlinks; i++) {
		H(b, "<li>");
		html_text(b, o->links[i].launched ? _("Launched the consultation:") : _("Concerns the consultation:"));
		H(b, " <a href=\"/consultations/");
		html_url(b, o->links[i].slug);
		H(b, "\">");
		if (mtext_pick(&o->links[i].title, r->lang, NULL) != NULL)
			view_mtext(r, &o->links[i].title);
		else
			html_text(b, o->links[i].slug);
		H(b, "</a></li>\n");
	}
	outcome_document_items(r, o);
	H(b, "</ul>\n");
}

/* Kind, addressee and status on one line. */
static void
outcome_meta(struct request *r, const struct outcome *o)
{
	struct buf *b = &r->out;

	H(b, "<p class=\"meta\"><span class=\"outcome-kind\">");
	html_text(b, view_outcome_kind(o->kind));
	H(b, "</span> <span class=\"addressee\">");
	html_text(b, arena_printf(r->arena, _("Addressed to: %s"), view_outcome_addressee(o->addressee)));
	H(b, "</span> ");
	view_outcome_badge(r, o->status);
	H(b, "</p>\n");
}

/* The status history; names only for those who may change statuses (the public sees what
 * changed and why, the audit log keeps who). */
static void
outcome_history_view(struct request *r, const struct outcome *o, int show_who)
{
	struct buf *b = &r->out;
	struct outcome_event *ev = NULL;
	struct err e;
	int n = outcome_history(r->db, r->arena, o->id, HISTORY_SHOWN, &ev, &e);

	if (n <= 0)
		return;
	H(b, "<details class=\"outcome-history\"><summary>");
	html_text(b, _("History"));
	H(b, "</summary>\n<ol>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<li>");
		view_date(r, ev[i].at);
		H(b, ": ");
		if (ev[i].from_status[0]) {
			html_text(b, view_outcome_status(ev[i].from_status));
			H(b, " → ");
		}
		html_text(b, view_outcome_status(ev[i].to_status));
		if (show_who && ev[i].who[0]) {
			H(b, " (");
			html_text(b, ev[i].who);
			H(b, ")");
		}
		if (ev[i].note[0]) {
			H(b, " <span class=\"note\">");
			html_text(b, ev[i].note);
			H(b, "</span>");
		}
		H(b, "</li>\n");
	}
	H(b, "</ol></details>\n");
}

static void
status_option(struct request *r, const char *value, const char *current, const char *chosen)
{
	struct buf *b = &r->out;

	if (str_eq(value, current))
		return;
	H(b, "<option value=\"");
	html_attr(b, value);
	H(b, "\"");
	if (str_eq(value, chosen))
		H(b, " selected");
	H(b, ">");
	html_text(b, view_outcome_status(value));
	H(b, "</option>");
}

/* An error paragraph for field of letter's form, when the refusal was there. */
static int
field_error(struct request *r, const struct refused *x, const char *letter, const char *field)
{
	struct buf *b = &r->out;

	if (x == NULL || x->letter != letter[0] || !str_eq(x->field, field))
		return 0;
	H(b, "<p class=\"error\" id=\"err-");
	html_attr(b, field);
	H(b, "-");
	html_attr(b, letter);
	H(b, "\" role=\"alert\">");
	html_text(b, x->message);
	H(b, "</p>\n");
	return 1;
}

static void
status_form(struct request *r, int number, const struct outcome *o, const struct refused *x)
{
	struct buf *b = &r->out;
	int mine = x != NULL && x->letter == o->letter[0] && !str_eq(x->field, "document");
	int bad;

	H(b, "<form class=\"outcome-status-form\" method=\"post\" action=\"/meetings/");
	html_int(b, number);
	H(b, "/outcomes/");
	html_url(b, o->letter);
	H(b, "/status\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n<label for=\"status-");
	html_attr(b, o->letter);
	H(b, "\">");
	html_text(b, _("New status"));
	H(b, "</label>\n");
	bad = field_error(r, x, o->letter, "status");
	H(b, "<select id=\"status-");
	html_attr(b, o->letter);
	H(b, "\" name=\"status\"");
	if (bad) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-status-");
		html_attr(b, o->letter);
		H(b, "\"");
	}
	H(b, ">");
	status_option(r, "in_progress", o->status, mine ? x->status : NULL);
	status_option(r, "done", o->status, mine ? x->status : "done");
	status_option(r, "superseded", o->status, mine ? x->status : NULL);
	H(b, "</select>\n</div>\n<div class=\"field\">\n<label for=\"note-");
	html_attr(b, o->letter);
	H(b, "\">");
	html_text(b, _("Note (what was done, or why)"));
	H(b, "</label>\n");
	bad = field_error(r, x, o->letter, "note");
	H(b, "<textarea id=\"note-");
	html_attr(b, o->letter);
	H(b, "\" name=\"note\" rows=\"3\" maxlength=\"2000\" required");
	if (bad) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-note-");
		html_attr(b, o->letter);
		H(b, "\"");
	}
	H(b, ">");
	if (mine)
		html_text(b, x->note);
	H(b, "</textarea>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Change the status"));
	H(b, "</button></p>\n</form>\n");
}

/* The secretariat's form that links a document to the outcome (by its symbol). */
static void
document_form(struct request *r, int number, const struct outcome *o, const struct refused *x)
{
	struct buf *b = &r->out;
	int mine = x != NULL && x->letter == o->letter[0] && str_eq(x->field, "document");
	int bad;

	H(b, "<form class=\"outcome-document-form\" method=\"post\" action=\"/meetings/");
	html_int(b, number);
	H(b, "/outcomes/");
	html_url(b, o->letter);
	H(b, "/documents\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n<label for=\"document-");
	html_attr(b, o->letter);
	H(b, "\">");
	html_text(b, _("Link a document (its symbol, e.g. CWG-Internet 17/3)"));
	H(b, "</label>\n");
	bad = field_error(r, x, o->letter, "document");
	H(b, "<input type=\"text\" id=\"document-");
	html_attr(b, o->letter);
	H(b, "\" name=\"document\" maxlength=\"31\" required");
	if (bad) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-document-");
		html_attr(b, o->letter);
		H(b, "\"");
	}
	if (mine && x->document != NULL) {
		H(b, " value=\"");
		html_attr(b, x->document);
		H(b, "\"");
	}
	H(b, ">\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Link the document"));
	H(b, "</button></p>\n</form>\n");
}

/* One outcome of the meeting: "c) text", its meta, links, closure note, history and form. */
static void
outcome_item(struct request *r, int number, const struct outcome *o, const struct refused *x)
{
	struct buf *b = &r->out;
	int may = r->session_id != 0 && outcome_may_change(r->role, o->addressee);

	H(b, "<li id=\"o-");
	html_attr(b, o->letter);
	H(b, "\" class=\"outcome\">\n<p class=\"outcome-text\"><span class=\"letter\">");
	html_text(b, o->letter);
	H(b, ")</span> ");
	view_mtext(r, &o->text);
	H(b, "</p>\n");
	outcome_meta(r, o);
	outcome_links(r, o);
	if (o->done_note[0]) {
		H(b, "<p class=\"done-note\">");
		html_text(b, o->done_note);
		H(b, "</p>\n");
	}
	outcome_history_view(r, o, may);
	if (may && !str_eq(o->status, "superseded"))
		status_form(r, number, o, x);
	if (r->session_id != 0 && str_eq(r->role, "secretariat"))
		document_form(r, number, o, x);
	H(b, "</li>\n");
}

static void
carried_section(struct request *r, const struct outcome *c, int n)
{
	struct buf *b = &r->out;

	H(b, "<section class=\"carried\" id=\"carried\">\n<h2>");
	html_text(b, _("Carried forward"));
	H(b, "</h2>\n<p>");
	html_text(b, _("Items of earlier meetings still open or in progress."));
	H(b, "</p>\n<ul class=\"outcomes carried-items\">\n");
	for (int i = 0; i < n; i++) {
		const char *ref = view_outcome_ref(r, c[i].meeting_number, c[i].letter);
		H(b, "<li class=\"outcome\">\n<p class=\"carried-from\"><a href=\"/meetings/");
		html_int(b, c[i].meeting_number);
		H(b, "#o-");
		html_url(b, c[i].letter);
		H(b, "\">");
		/* TRANSLATORS: %s is an outcome's reference, e.g. 15(c): meeting 15, outcome c */
		html_text(b, arena_printf(r->arena, _("carried from %s"), ref));
		H(b, "</a></p>\n<p class=\"outcome-text\">");
		view_mtext(r, &c[i].text);
		H(b, "</p>\n");
		outcome_meta(r, &c[i]);
		outcome_links(r, &c[i]);
		H(b, "</li>\n");
	}
	H(b, "</ul>\n</section>\n");
}

/* The page of meeting number; x: a refused status form to show again (status http). */
static int
show(struct request *r, int number, const struct refused *x, int http)
{
	struct buf *b = &r->out;
	struct meeting m;
	struct outcome *o = NULL, *c = NULL;
	struct err e;
	const char *agenda, *title;
	enum lang got;
	int n, nc;

	if (meeting_get(r->db, r->arena, number, &m, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no meeting with this number."))
					      : reply_err(r, &e);
	if ((n = outcome_list(r->db, r->arena, &m, &o, &e)) < 0 ||
	    (nc = outcome_carried(r->db, r->arena, &m, &c, &e)) < 0)
		return reply_err(r, &e);
	buf_reset(b);
	title = mtext_pick(&m.title, r->lang, NULL);
	layout_begin(r, title ? title : arena_printf(r->arena, _("Meeting %d"), number));
	H(b, "<article class=\"meeting-page\">\n<p class=\"meta\"><a href=\"/meetings\">");
	html_text(b, _("Meetings"));
	H(b, "</a></p>\n<h1>");
	if (title != NULL)
		view_mtext(r, &m.title);
	else
		html_text(b, arena_printf(r->arena, _("Meeting %d"), number));
	H(b, "</h1>\n");
	view_text_versions(r, &m.title);	/* languages (issue 9) */
	if (x != NULL) {	/* the form's own error is next to its field; this says where */
		H(b, "<div class=\"error-summary\" role=\"alert\"><h2>");
		html_text(b, str_eq(x->field, "document") ? _("The document was not linked")
							 : _("The status was not changed"));
		H(b, "</h2>\n<p><a href=\"#o-");
		html_url(b, (char[]){ x->letter, 0 });
		H(b, "\">");
		html_text(b, view_outcome_ref(r, number, (char[]){ x->letter, 0 }));
		H(b, "</a>: ");
		html_text(b, x->message);
		H(b, "</p></div>\n");
	}
	H(b, "<dl class=\"meeting-facts\">\n<dt>");
	html_text(b, _("Dates"));
	H(b, "</dt><dd>");
	view_meeting_dates(r, &m);
	H(b, "</dd>\n");
	view_row(r, 0, _("Place"), m.place);
	view_row(r, 0, _("Mode"), view_meeting_mode(m.mode));
	view_row(r, 0, _("Kind"), view_meeting_kind(m.kind));
	H(b, "</dl>\n");
	if ((agenda = mtext_pick(&m.agenda, r->lang, &got)) != NULL) {
		H(b, "<h2>");
		html_text(b, _("Agenda"));
		H(b, "</h2>\n<div class=\"agenda\" lang=\"");
		html_attr(b, lang_code(got));
		H(b, "\">\n");
		html_markdown(b, agenda);
		H(b, "</div>\n");
	}
	view_meeting_registration(r, &m);	/* open consultation meetings: registration, speakers, record */
	H(b, "<section id=\"outcomes\">\n<h2>");
	html_text(b, _("Outcomes"));
	H(b, "</h2>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No outcome is recorded for this meeting."));
		H(b, "</p>\n");
	} else {
		H(b, "<ol class=\"outcomes\">\n");
		for (int i = 0; i < n; i++)
			outcome_item(r, number, &o[i], x);
		H(b, "</ol>\n");
	}
	H(b, "</section>\n");
	if (nc > 0)
		carried_section(r, c, nc);
	page_meeting_documents(r, number);
	H(b, "</article>\n");
	layout_end(r);
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	r->status = http;
	return HANDLER_DONE;
}

int
page_meeting(struct request *r)
{
	return show(r, atoi(r->param[1]), NULL, 200);
}

/* POST /meetings/{number}/outcomes/{letter}/status: the route takes any account (ROLE_ACCOUNT);
 * whether this account may change this outcome depends on the outcome's addressee, so it is
 * decided here (outcome_may_change), with 403 for the others, before anything is queued. */
int
page_outcome_status(struct request *r)
{
	struct outcome_change *c = r->state;
	struct refused *x;
	struct outcome o;
	struct err e;
	const char *why;
	int number = atoi(r->param[1]);
	char letter = r->param[2][0];

	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"outcome status\" outcome=%d%c from=%s to=%s account=%lld id=%s", number,
				 letter, c->from, c->to, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/meetings/%d#o-%c", number, letter));
		}
		if (r->write_err.kind != ERR_INVALID && r->write_err.kind != ERR_CONFLICT)
			return reply_err(r, &r->write_err);
		if ((x = arena_alloc(r->arena, sizeof(*x))) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		*x = (struct refused){ letter, r->write_err.kind == ERR_INVALID ? "note" : "status",
				       r->write_err.kind == ERR_INVALID ? _("Give a note of at most 2000 characters.")
									: _("The outcome's status has changed meanwhile; "
									    "this change is not possible from it."),
				       c->to, c->note, NULL };
		return show(r, number, x, r->write_err.kind == ERR_INVALID ? 422 : 409);
	}
	if (outcome_get(r->db, r->arena, number, letter, &o, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no such outcome.")) : reply_err(r, &e);
	if (!outcome_may_change(r->role, o.addressee))
		return reply_error(r, 403, _("Only the secretariat, or the chair for outcomes addressed to the "
					     "chair, may change the status of this outcome."));
	if ((x = arena_alloc(r->arena, sizeof(*x))) == NULL || (c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	memset(c, 0, sizeof(*c));
	c->number = number;
	c->letter = letter;
	c->to = upload_field(r, "status");
	c->note = upload_field(r, "note");
	c->account_id = r->account_id;
	c->address = r->client;
	*x = (struct refused){ letter, NULL, NULL, c->to ? c->to : "", c->note ? c->note : "", NULL };
	if (c->note != NULL && !utf8_valid(c->note, strlen(c->note)))
		x->note = "";
	if (!str_eq(c->to, "in_progress") && !str_eq(c->to, "done") && !str_eq(c->to, "superseded")) {
		x->field = "status";
		x->message = _("Choose the new status: in progress, done or superseded.");
		return show(r, number, x, 422);
	}
	if (c->note == NULL || c->note[strspn(c->note, " \t\r\n")] == '\0' || !utf8_valid(c->note, strlen(c->note)) ||
	    utf8_chars(c->note, strlen(c->note)) > OUTCOME_NOTE_MAX_CHARS) {
		x->field = "note";
		x->message = _("Give a note of at most 2000 characters.");
		return show(r, number, x, 422);
	}
	if (outcome_transition_check(o.status, c->to, &why) != 0) {
		x->field = "status";
		x->message = str_eq(o.status, "superseded") ? _("A superseded outcome stays superseded.")
							    : _("The outcome has this status already.");
		return show(r, number, x, 409);
	}
	return request_write(r, outcome_status_fn, c);
}

/* POST /meetings/{number}/outcomes/{letter}/documents: the secretariat links a document to an
 * outcome (the route admits the secretariat only). The symbol is checked here for a clear
 * error next to the field, and again inside the write. */
int
page_outcome_document(struct request *r)
{
	struct outcome_document_link *c = r->state;
	struct refused *x;
	struct outcome o;
	struct document d;
	struct err e;
	char url[DOCUMENT_SYMBOL_MAX];
	int number = atoi(r->param[1]);
	char letter = r->param[2][0];

	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"outcome document\" outcome=%d%c document=\"%s\" existed=%d account=%lld id=%s",
				 number, letter, c->symbol, c->existed, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/meetings/%d#o-%c", number, letter));
		}
		if (r->write_err.kind == ERR_NOTFOUND)
			return reply_error(r, 404, _("There is no such outcome."));
		if (r->write_err.kind != ERR_INVALID)
			return reply_err(r, &r->write_err);
		if ((x = arena_alloc(r->arena, sizeof(*x))) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		*x = (struct refused){ letter, "document", _("There is no document with this symbol."), "", "",
				       c->document };
		return show(r, number, x, 422);
	}
	if (outcome_get(r->db, r->arena, number, letter, &o, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no such outcome.")) : reply_err(r, &e);
	if ((x = arena_alloc(r->arena, sizeof(*x))) == NULL || (c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	memset(c, 0, sizeof(*c));
	c->number = number;
	c->letter = letter;
	c->document = upload_field(r, "document");
	c->account_id = r->account_id;
	c->address = r->client;
	if (c->document == NULL || !utf8_valid(c->document, strlen(c->document)))
		c->document = "";
	*x = (struct refused){ letter, "document", NULL, "", "", c->document };
	if (outcome_document_url(c->document, url, sizeof(url)) != 0) {
		x->message = _("Give the document's symbol, e.g. CWG-Internet 17/3.");
		return show(r, number, x, 422);
	}
	if (document_get(r->db, r->arena, url, &d, &e) != 0) {
		if (e.kind != ERR_NOTFOUND)
			return reply_err(r, &e);
		x->message = _("There is no document with this symbol.");
		return show(r, number, x, 422);
	}
	return request_write(r, outcome_document_link_fn, c);
}
