/* page_proposals.c: consultation topics proposed to the Member States (docs/PROPOSALS.md).
 * The list and each proposal's texts and status are public; the positions of the states (and
 * their counts) are shown to members only: delegates, focal points, the chair, the secretariat.
 * A focal point gets a form for its own state's position (the state comes from its session,
 * never from the form); the chair and the secretariat a decision form; the secretariat, once
 * consensus is reached, the button that makes the consultation. What those forms post is
 * handled in page_proposal_post.c. */
#include <stdlib.h>
#include <string.h>

#include "../domain/meeting.h"
#include "../domain/outcome.h"
#include "../domain/proposal.h"
#include "../domain/state.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "form_consultation.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"
#include "page_proposals_int.h"
#include "view_meeting.h"

#define PROPOSALS_SHOWN 500
#define HISTORY_SHOWN 500


static int
member(struct request *r)
{
	return r->session_id != 0 && proposal_is_member(r->role);
}

static const char *
status_label(const char *s)
{
	if (str_eq(s, "open"))
		return C_("proposal", "Open");
	if (str_eq(s, "consensus"))
		return _("Consensus");
	if (str_eq(s, "no_consensus"))
		return _("No consensus");
	if (str_eq(s, "deferred"))
		return _("Deferred");
	if (str_eq(s, "withdrawn"))
		return C_("proposal", "Withdrawn");
	return s;
}

static const char *
position_label(const char *p)
{
	if (str_eq(p, "support"))
		return _("Support");
	if (str_eq(p, "no_objection"))
		return _("No objection");
	if (str_eq(p, "objection"))
		return _("Objection");
	if (str_eq(p, "abstain"))
		return _("Abstain");
	return p;
}

static void
badge(struct request *r, const char *status)
{
	H(&r->out, "<span class=\"proposal-status status-");
	html_attr(&r->out, status);
	H(&r->out, "\">");
	html_text(&r->out, status_label(status));
	H(&r->out, "</span>");
}

/* "Silence procedure until DATE" or "At a meeting". */
static void
procedure_text(struct request *r, const struct proposal *p)
{
	if (str_eq(p->procedure, "silence")) {
		html_text(&r->out, _("Silence procedure until"));
		H(&r->out, " ");
		view_time(r, p->silence_deadline);
	} else {
		html_text(&r->out, _("Decided at a meeting"));
	}
}

static const char *
title_of(struct request *r, const struct proposal *p)
{
	const char *t = mtext_pick(&p->title, r->lang, NULL);
	return t ? t : arena_printf(r->arena, _("Proposal %lld"), (long long)p->id);
}

int
page_proposal_list(struct request *r)
{
	struct buf *b = &r->out;
	struct proposal *p = NULL;
	struct err e;
	int n = proposal_list(r->db, r->arena, PROPOSALS_SHOWN, &p, &e), m = member(r);

	if (n < 0)
		return reply_err(r, &e);
	layout_begin(r, _("Topic proposals"));
	H(b, "<h1>");
	html_text(b, _("Topic proposals"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("Consultation topics proposed to the Member States. A topic needs the consensus of "
		       "the Member States; without it the topic is deferred."));
	H(b, "</p>\n");
	if (m) {
		H(b, "<p><a class=\"button\" href=\"/proposals/new\">");
		html_text(b, _("Propose a topic"));
		H(b, "</a></p>\n");
	}
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("There are no proposals yet."));
		H(b, "</p>\n");
	} else {
		H(b, "<table class=\"proposals\">\n<thead><tr><th scope=\"col\">");
		html_text(b, _("Topic"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Status"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Procedure"));
		H(b, "</th>");
		if (m)
			for (int k = 0; k < POS_COUNT; k++) {
				H(b, "<th scope=\"col\" class=\"count\">");
				html_text(b, position_label(proposal_position_names[k]));
				H(b, "</th>");
			}
		H(b, "</tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++) {
			H(b, "<tr id=\"p-");
			html_int(b, p[i].id);
			H(b, "\"><td><a href=\"/proposals/");
			html_int(b, p[i].id);
			H(b, "\">");
			if (mtext_pick(&p[i].title, r->lang, NULL) != NULL)
				view_mtext(r, &p[i].title);
			else
				html_text(b, title_of(r, &p[i]));
			H(b, "</a></td><td>");
			badge(r, p[i].status);
			H(b, "</td><td>");
			procedure_text(r, &p[i]);
			H(b, "</td>");
			if (m)
				for (int k = 0; k < POS_COUNT; k++) {
					H(b, "<td class=\"count\">");
					view_number(r, p[i].count[k]);
					H(b, "</td>");
				}
			H(b, "</tr>\n");
		}
		H(b, "</tbody>\n</table>\n");
	}
	layout_end(r);
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

/* ---- one proposal ------------------------------------------------------------------------- */

static const char *
state_label(struct request *r, const char *code)
{
	const char *name = state_name(code);
	return name ? arena_printf(r->arena, "%s (%s)", name, code) : code;
}

static void
positions_section(struct request *r, const struct proposal *p)
{
	struct buf *b = &r->out;
	struct proposal_position *cur = NULL, *hist = NULL;
	struct err e;
	int n = proposal_positions(r->db, r->arena, p->id, &cur, &e);
	int nh = n < 0 ? -1 : proposal_history(r->db, r->arena, p->id, HISTORY_SHOWN, &hist, &e);

	H(b, "<section id=\"positions\" class=\"positions\">\n<h2>");
	html_text(b, _("Positions of the Member States"));
	H(b, "</h2>\n<p class=\"hint\">");
	html_text(b, _("Shown to the members of the working group only."));
	H(b, "</p>\n");
	if (n < 0 || nh < 0) {
		H(b, "<p class=\"error\">");
		html_text(b, _("The positions cannot be shown just now."));
		H(b, "</p>\n</section>\n");
		return;
	}
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No Member State has recorded a position yet."));
		H(b, "</p>\n</section>\n");
		return;
	}
	H(b, "<table class=\"positions\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Member State"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Position"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Statement"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Recorded"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr id=\"pos-");
		html_attr(b, cur[i].state_code);
		H(b, "\"><td>");
		html_text(b, state_label(r, cur[i].state_code));
		H(b, "</td><td class=\"position position-");
		html_attr(b, cur[i].position);
		H(b, "\">");
		html_text(b, position_label(cur[i].position));
		H(b, "</td><td>");
		html_text(b, cur[i].statement);
		H(b, "</td><td>");
		view_time(r, cur[i].at);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n<details class=\"position-history\"><summary>");
	html_text(b, _("Every change of position"));
	H(b, "</summary>\n<ol>\n");
	for (int i = 0; i < nh; i++) {
		H(b, "<li>");
		view_time(r, hist[i].at);
		H(b, ": ");
		html_text(b, state_label(r, hist[i].state_code));
		H(b, " — ");
		html_text(b, position_label(hist[i].position));
		if (hist[i].who[0]) {
			H(b, " (");
			html_text(b, hist[i].who);
			H(b, ")");
		}
		if (hist[i].statement[0]) {
			H(b, " <span class=\"note\">");
			html_text(b, hist[i].statement);
			H(b, "</span>");
		}
		H(b, "</li>\n");
	}
	H(b, "</ol></details>\n</section>\n");
}

static const struct field_errors *
errors_of(const struct refused *x, const char *form)
{
	return x != NULL && str_eq(x->form, form) ? &x->fe : NULL;
}

/* The current position of the session's state on p, or NULL when it has none. */
static const char *
own_position(struct request *r, const struct proposal *p)
{
	struct proposal_position *cur = NULL;
	struct err e;
	int n = proposal_positions(r->db, r->arena, p->id, &cur, &e);

	for (int i = 0; i < n; i++)
		if (str_eq(cur[i].state_code, r->state_code))
			return cur[i].position;
	return NULL;
}

static void
position_form(struct request *r, const struct proposal *p, const struct refused *x)
{
	struct buf *b = &r->out;
	const struct field_errors *fe = errors_of(x, "position");
	const char *chosen = fe ? x->position : own_position(r, p), *msg = cform_error_of(fe, "position");

	H(b, "<section id=\"your-position\" class=\"position-form\">\n<h2>");
	html_text(b, arena_printf(r->arena, _("The position of %s"), state_label(r, r->state_code)));
	H(b, "</h2>\n<form method=\"post\" action=\"/proposals/");
	html_int(b, p->id);
	H(b, "/position\">\n");
	csrf_input(r);
	H(b, "<fieldset id=\"f-position\"");
	if (msg != NULL)
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-position\"");
	H(b, "><legend>");
	html_text(b, _("Position"));
	H(b, "</legend>\n");
	if (msg != NULL) {
		H(b, "<p class=\"error\" role=\"alert\" id=\"err-position\">");
		html_text(b, msg);
		H(b, "</p>\n");
	}
	for (int k = 0; k < POS_COUNT; k++) {
		const char *v = proposal_position_names[k];
		H(b, "<label class=\"choice\"><input type=\"radio\" name=\"position\" value=\"");
		html_attr(b, v);
		H(b, "\"");
		if (str_eq(v, chosen))
			H(b, " checked");
		H(b, "> ");
		html_text(b, position_label(v));
		H(b, "</label>\n");
	}
	H(b, "</fieldset>\n");
	cform_textarea(r, fe, "statement", "statement", _("Statement (required with an objection)"),
		       fe ? x->statement : NULL, 4, -1, NULL);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Record the position"));
	H(b, "</button></p>\n</form>\n</section>\n");
}

static void
decision_form(struct request *r, const struct proposal *p, const struct refused *x)
{
	struct buf *b = &r->out;
	const struct field_errors *fe = errors_of(x, "decision");
	const char *chosen = fe ? x->decision : NULL;

	H(b, "<section id=\"decision\" class=\"decision-form\">\n<h2>");
	html_text(b, _("Record the decision of a meeting"));
	H(b, "</h2>\n<form method=\"post\" action=\"/proposals/");
	html_int(b, p->id);
	H(b, "/decision\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, "decision", _("Decision"));
	H(b, "<select");
	cform_ident(r, fe, "decision", "decision");
	H(b, ">");
	cform_option(r, "consensus", _("Consensus"), chosen);
	cform_option(r, "no_consensus", _("No consensus"), chosen);
	cform_option(r, "deferred", _("Deferred to a later meeting"), chosen);
	H(b, "</select>\n</div>\n");
	cform_input(r, fe, "meeting", "meeting", _("Meeting number"), fe ? x->meeting : NULL, 4, -1, NULL);
	cform_textarea(r, fe, "note", "note", _("Note (optional)"), fe ? x->note : NULL, 3, -1, NULL);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Record the decision"));
	H(b, "</button></p>\n</form>\n</section>\n");
}

#define OUTCOME_LABEL_CHARS 90	/* of an outcome's text in the select */

/* The first OUTCOME_LABEL_CHARS characters of s (valid UTF-8), with "…" when cut. */
static const char *
shortened(struct request *r, const char *s)
{
	size_t i = 0;
	int chars = 0;

	while (s[i] != '\0' && chars < OUTCOME_LABEL_CHARS) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return s[i] == '\0' ? s : arena_printf(r->arena, "%.*s…", (int)i, s);
}

/* The outcomes of meeting m as one <optgroup>: "16(b) To include the summary...". */
static void
outcome_options(struct request *r, const struct meeting *m, const char *chosen)
{
	struct buf *b = &r->out;
	struct outcome *o = NULL;
	struct err e;
	int n = outcome_list(r->db, r->arena, m, &o, &e);
	const char *title = mtext_pick(&m->title, r->lang, NULL);

	if (n <= 0)
		return;
	H(b, "<optgroup label=\"");
	html_attr(b, title ? title : arena_printf(r->arena, _("Meeting %d"), m->number));
	H(b, "\">");
	for (int i = 0; i < n; i++) {
		const char *ref = view_outcome_ref(r, o[i].meeting_number, o[i].letter);
		const char *text = mtext_pick(&o[i].text, r->lang, NULL);
		cform_option(r, ref, text ? arena_printf(r->arena, "%s %s", ref, shortened(r, text)) : ref, chosen);
	}
	H(b, "</optgroup>\n");
}

/* The select of the launching outcome: none, then the outcomes of the meeting that decided the
 * proposal (or that it was put to), then those of every other meeting, newest first. */
static void
outcome_select(struct request *r, const struct proposal *p, const struct field_errors *fe, const char *chosen)
{
	struct buf *b = &r->out;
	struct meeting *m = NULL;
	struct err e;
	int first = p->decided_meeting ? p->decided_meeting : p->meeting_number;
	int n = meeting_list(r->db, r->arena, 500, &m, &e);

	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, "outcome", _("Launched by the outcome"));
	cform_hint(r, _("The meeting outcome that decided this consultation: the archive of consultations "
			"lists the round under that meeting."));
	H(b, "<select");
	cform_ident(r, fe, "outcome", "outcome");
	H(b, ">");
	cform_option(r, "", C_("outcome", "None"), chosen ? chosen : "");
	for (int i = 0; i < n; i++)
		if (m[i].number == first)
			outcome_options(r, &m[i], chosen);
	for (int i = 0; i < n; i++)
		if (m[i].number != first)
			outcome_options(r, &m[i], chosen);
	H(b, "</select>\n</div>\n");
}

int
proposals_outcome_ref(const char *s, int *number, char *letter)
{
	int used = 0;
	char c = 0;

	if (s == NULL || sscanf(s, "%4d(%c)%n", number, &c, &used) != 2 || used == 0 || s[used] != '\0' ||
	    *number < 1 || c < 'a' || c > 'z')
		return -1;
	*letter = c;
	return 0;
}

static void
consultation_form(struct request *r, const struct proposal *p, const struct refused *x)
{
	struct buf *b = &r->out;
	const struct field_errors *fe = errors_of(x, "consultation");

	H(b, "<section id=\"consultation\" class=\"consultation-form\">\n<h2>");
	html_text(b, _("Create the consultation"));
	H(b, "</h2>\n<p>");
	html_text(b, _("A draft consultation with this proposal's texts and questions, to be completed and "
		       "scheduled on its edit page."));
	H(b, "</p>\n<form method=\"post\" action=\"/proposals/");
	html_int(b, p->id);
	H(b, "/consultation\">\n");
	csrf_input(r);
	cform_input(r, fe, "slug", "slug", _("Address (slug)"),
		    fe ? x->slug : arena_printf(r->arena, "proposal-%lld", (long long)p->id), 64, -1, NULL);
	outcome_select(r, p, fe, fe ? x->outcome : NULL);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Create the consultation"));
	H(b, "</button></p>\n</form>\n</section>\n");
}

/* The language the texts form shows: the one just posted, else ?edit=, else the reader's, else
 * the first that is not the original. */
static enum lang
texts_lang(struct request *r, const struct proposal *p, const struct field_errors *fe, const struct refused *x)
{
	enum lang l;

	if (fe != NULL && x->tlang != NULL && lang_from_code(x->tlang, &l) == 0 && l != p->original)
		return l;
	if (r->param[2] != NULL && lang_from_code(r->param[2], &l) == 0 && l != p->original)
		return l;
	if (r->lang != p->original)
		return r->lang;
	return p->original == LANG_AR ? LANG_ZH : LANG_AR;
}

/* "Add or edit the text in another language": the title, the topic and every draft question of
 * one language, prefilled from what that language has. */
static void
texts_form(struct request *r, const struct proposal *p, const struct refused *x)
{
	struct buf *b = &r->out;
	const struct field_errors *fe = errors_of(x, "texts");
	enum lang l = texts_lang(r, p, fe, x);

	H(b, "<section id=\"texts\" class=\"texts-form\">\n<h2>");
	html_text(b, _("Add or edit the text in another language"));
	H(b, "</h2>\n<p class=\"hint\">");
	html_text(b, arena_printf(r->arena, _("The original is in %s. Give the title, the topic and every draft "
					      "question in one other language; they replace that language's texts."),
				  lang_native_name(p->original)));
	H(b, "</p>\n<p class=\"texts-languages\">");
	html_text(b, _("Edit the texts in:"));
	for (int k = 0; k < LANG_COUNT; k++) {
		if (k == (int)p->original)
			continue;
		H(b, " <a href=\"/proposals/");
		html_int(b, p->id);
		H(b, "?edit=");
		html_raw_trusted(b, lang_code((enum lang)k));
		H(b, "#texts\" lang=\"");
		html_raw_trusted(b, lang_code((enum lang)k));
		H(b, "\"");
		if (k == (int)l)
			H(b, " aria-current=\"true\"");
		H(b, ">");
		html_text(b, lang_native_name((enum lang)k));
		H(b, "</a>");
		if (p->title.body[k] != NULL) {
			H(b, " (");
			html_text(b, _("exists"));
			H(b, ")");
		}
	}
	H(b, "</p>\n<form method=\"post\" action=\"/proposals/");
	html_int(b, p->id);
	H(b, "/texts\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n");
	cform_label(r, fe, "text_lang", _("Language"));
	H(b, "<select");
	cform_ident(r, fe, "text_lang", "text_lang");
	H(b, ">");
	for (int k = 0; k < LANG_COUNT; k++)
		if (k != (int)p->original)
			cform_option(r, lang_code((enum lang)k), lang_native_name((enum lang)k), lang_code(l));
	H(b, "</select>\n</div>\n");
	cform_input(r, fe, "title", "title", _("Title"), fe ? x->ttitle : p->title.body[l], PROPOSAL_MAX_TITLE_CHARS,
		    (int)l, NULL);
	cform_textarea(r, fe, "topic", "topic", _("Topic"), fe ? x->ttopic : p->topic.body[l], 6, (int)l, NULL);
	for (int i = 0; i < p->nquestions; i++) {
		const char *key = arena_printf(r->arena, "q%d", i + 1);
		cform_textarea(r, fe, key, key, arena_printf(r->arena, _("Question %d"), i + 1),
			       fe ? x->tq[i] : p->question[i].body[l], 2, (int)l, NULL);
	}
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Save the texts"));
	H(b, "</button></p>\n</form>\n</section>\n");
}

/* Under the title, when the reader sees a translation: the original, one click away. */
static void
original_link(struct request *r, const struct proposal *p)
{
	struct buf *b = &r->out;
	enum lang got;

	if (mtext_pick(&p->title, r->lang, &got) == NULL || got == p->original)
		return;
	H(b, "<p class=\"meta translated\">");
	html_text(b, arena_printf(r->arena, _("Translated from %s."), lang_native_name(p->original)));
	H(b, " <a href=\"/proposals/");
	html_int(b, p->id);
	H(b, "?lang=");
	html_raw_trusted(b, lang_code(p->original));
	H(b, "\" hreflang=\"");
	html_raw_trusted(b, lang_code(p->original));
	H(b, "\">");
	html_text(b, _("Read the original"));
	H(b, "</a></p>\n");
}

/* The page of proposal id; x: a refused form to show again (answered with status http). */
int
proposals_show(struct request *r, int64_t id, const struct refused *x, int http)
{
	struct buf *b = &r->out;
	struct proposal p;
	struct err e;
	enum lang got;
	const char *topic;

	if (proposal_get(r->db, r->arena, id, &p, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no proposal with this number."))
					      : reply_err(r, &e);
	buf_reset(b);
	layout_begin(r, title_of(r, &p));
	H(b, "<article class=\"proposal-page\">\n<p class=\"meta\"><a href=\"/proposals\">");
	html_text(b, _("Topic proposals"));
	H(b, "</a></p>\n<h1>");
	if (mtext_pick(&p.title, r->lang, NULL) != NULL)
		view_mtext(r, &p.title);
	else
		html_text(b, title_of(r, &p));
	H(b, "</h1>\n");
	original_link(r, &p);
	if (x != NULL)
		cform_errors(r, &x->fe);
	H(b, "<dl class=\"proposal-facts\">\n<dt>");
	html_text(b, _("Status"));
	H(b, "</dt><dd>");
	badge(r, p.status);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Procedure"));
	H(b, "</dt><dd>");
	procedure_text(r, &p);
	H(b, "</dd>\n");
	if (p.meeting_number) {
		H(b, "<dt>");
		html_text(b, _("For the meeting"));
		H(b, "</dt><dd><a href=\"/meetings/");
		html_int(b, p.meeting_number);
		H(b, "\">");
		html_int(b, p.meeting_number);
		H(b, "</a></dd>\n");
	}
	if (p.proposed_state[0])
		view_row(r, 0, _("Proposed by"), state_label(r, p.proposed_state));
	if (p.decided_at) {
		H(b, "<dt>");
		html_text(b, _("Decided"));
		H(b, "</dt><dd>");
		view_date(r, p.decided_at);
		if (p.decided_meeting) {
			H(b, " — <a href=\"/meetings/");
			html_int(b, p.decided_meeting);
			H(b, "\">");
			html_text(b, arena_printf(r->arena, _("at meeting %d"), p.decided_meeting));
			H(b, "</a>");
		} else {
			H(b, " — ");
			html_text(b, _("at the end of the silence procedure"));
		}
		H(b, "</dd>\n");
	}
	if (p.decision_note[0])
		view_row(r, 0, _("Note"), p.decision_note);
	if (p.consultation_slug[0]) {
		H(b, "<dt>");
		html_text(b, _("Consultation"));
		H(b, "</dt><dd class=\"proposal-consultation\">");
		if (str_eq(r->role, "secretariat") && r->session_id != 0) {
			H(b, "<a href=\"/admin/consultations/");
			html_url(b, p.consultation_slug);
			H(b, "/edit\">");
			html_text(b, p.consultation_slug);
			H(b, "</a>");
		} else {
			H(b, "<a href=\"/consultations/");
			html_url(b, p.consultation_slug);
			H(b, "\">");
			html_text(b, p.consultation_slug);
			H(b, "</a>");
		}
		H(b, "</dd>\n");
	}
	H(b, "</dl>\n");
	if ((topic = mtext_pick(&p.topic, r->lang, &got)) != NULL) {
		H(b, "<h2>");
		html_text(b, _("Topic"));
		H(b, "</h2>\n<div class=\"topic\" lang=\"");
		html_attr(b, lang_code(got));
		H(b, "\">\n<p>");
		html_text(b, topic);
		H(b, "</p>\n</div>\n");
	}
	if (p.nquestions > 0) {
		H(b, "<h2>");
		html_text(b, _("Draft questions"));
		H(b, "</h2>\n<ol class=\"questions\">\n");
		for (int i = 0; i < p.nquestions; i++) {
			H(b, "<li>");
			view_mtext(r, &p.question[i]);
			H(b, "</li>\n");
		}
		H(b, "</ol>\n");
	}
	if (member(r))
		positions_section(r, &p);
	if (r->session_id != 0 &&
	    proposal_position_allowed(r->role, r->state_code, p.status, p.silence_deadline, clock_now()) == POSITION_OK)
		position_form(r, &p, x);
	if (r->session_id != 0 && proposal_may_decide(r->role) &&
	    (str_eq(p.status, "open") || str_eq(p.status, "deferred")))
		decision_form(r, &p, x);
	if (r->session_id != 0 && str_eq(r->role, "secretariat") && str_eq(p.status, "consensus") &&
	    p.consultation_slug[0] == '\0')
		consultation_form(r, &p, x);
	if (r->session_id != 0 && proposal_may_translate(r->role, r->state_code, p.proposed_state) &&
	    proposal_texts_open(p.status))
		texts_form(r, &p, x);
	H(b, "</article>\n");
	layout_end(r);
	if (r->session_id != 0)
		request_header(r, "Cache-Control", "no-store");
	r->status = http;
	return HANDLER_DONE;
}

int64_t
proposals_path_id(struct request *r)
{
	return strtoll(r->param[1], NULL, 10);
}

int
page_proposal(struct request *r)
{
	return proposals_show(r, proposals_path_id(r), NULL, 200);
}

