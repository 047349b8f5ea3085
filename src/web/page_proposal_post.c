/* page_proposal_post.c: what the forms of a proposal's page post (page_proposals.c shows them):
 * a Member State's position, the chair's or the secretariat's decision, the consultation made
 * from a proposal that reached consensus, and its texts in another language. A refusal shows the
 * proposal's page again with the form's errors next to their fields (422, or 409 when the
 * proposal moved on meanwhile). */
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


static struct refused *
refused_new(struct request *r, const char *form)
{
	struct refused *x = arena_alloc(r->arena, sizeof(*x));

	if (x != NULL)
		x->form = form;
	return x;
}

/* A domain refusal from the writer, shown with the form again: 409 or 422. */
static int
write_refused(struct request *r, struct refused *x, const char *key, const char *msg)
{
	if (r->write_err.kind != ERR_INVALID && r->write_err.kind != ERR_CONFLICT)
		return reply_err(r, &r->write_err);
	field_error_add(&x->fe, key, "%s", msg);
	return proposals_show(r, proposals_path_id(r), x, r->write_err.kind == ERR_CONFLICT ? 409 : 422);
}

/* POST /proposals/{id}/position: only the focal point of a state, for its own state. */
int
page_proposal_position(struct request *r)
{
	struct proposal_position_new *n = r->state;
	struct refused *x;
	struct proposal p;
	struct err e;
	int64_t id = proposals_path_id(r);
	const char *statement;

	if (r->write_queued) {
		x = refused_new(r, "position");
		if (x == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		if (r->write_rc == 0) {
			log_info("msg=\"proposal position\" proposal=%lld state=%s position=%s account=%lld id=%s",
				 (long long)id, n->state_code, n->position, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/proposals/%lld#positions", (long long)id));
		}
		x->position = n->position;
		x->statement = n->statement;
		if (r->write_err.kind == ERR_CONFLICT)
			return write_refused(r, x, "position", _("Positions can no longer be recorded on this proposal."));
		return write_refused(r, x, str_eq(r->write_err.field, "statement") ? "statement" : "position",
				     str_eq(r->write_err.field, "statement") ? _("An objection needs a statement of at "
										 "most 4000 characters.")
									      : _("Choose a position."));
	}
	/* Who first, then what: anyone but a focal point gets 403 whether or not the proposal exists. */
	if (proposal_position_allowed(r->role, r->state_code, "open", 0, 0) == POSITION_NOT_FOCAL)
		return reply_error(r, 403, _("Only the focal point of a Member State records its state's position."));
	if (proposal_get(r->db, r->arena, id, &p, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no proposal with this number."))
					      : reply_err(r, &e);
	switch (proposal_position_allowed(r->role, r->state_code, p.status, p.silence_deadline, clock_now())) {
	case POSITION_NOT_FOCAL:
		return reply_error(r, 403, _("Only the focal point of a Member State records its state's position."));
	case POSITION_CLOSED:
		if ((x = refused_new(r, "position")) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		field_error_add(&x->fe, "", "%s",
				str_eq(p.status, "open") ? _("The deadline has passed: positions can no longer be recorded.")
							 : _("The proposal is decided: positions can no longer be recorded."));
		return proposals_show(r, id, x, 409);
	case POSITION_OK:
		break;
	}
	if ((x = refused_new(r, "position")) == NULL || (n = r->state = arena_alloc(r->arena, sizeof(*n))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	n->proposal_id = id;
	n->account_id = r->account_id;
	n->address = r->client;
	n->state_code = r->state_code;	/* the session's state: a form cannot speak for another */
	n->position = upload_field(r, "position");
	statement = upload_field(r, "statement");
	n->statement = statement && utf8_valid(statement, strlen(statement)) ? statement : NULL;
	x->position = n->position;
	x->statement = n->statement;
	if (proposal_position_index(n->position) < 0)
		field_error_add(&x->fe, "position", "%s", _("Choose a position."));
	if (statement != NULL && !utf8_valid(statement, strlen(statement)))
		field_error_add(&x->fe, "statement", "%s", _("This is not valid text."));
	else if (statement != NULL && utf8_chars(statement, strlen(statement)) > PROPOSAL_MAX_STATEMENT_CHARS)
		field_error_add(&x->fe, "statement", "%s", _("An objection needs a statement of at most 4000 characters."));
	else if (str_eq(n->position, "objection") && (statement == NULL || statement[strspn(statement, " \t\r\n")] == '\0'))
		field_error_add(&x->fe, "statement", "%s", _("An objection needs a statement: say why."));
	if (x->fe.n > 0)
		return proposals_show(r, id, x, 422);
	return request_write(r, proposal_position_fn, n);
}

/* POST /proposals/{id}/decision: the chair or the secretariat, at a meeting. */
int
page_proposal_decision(struct request *r)
{
	struct proposal_decision *d = r->state;
	struct refused *x;
	struct proposal p;
	struct err e;
	int64_t id = proposals_path_id(r);
	const char *meeting;
	char *end;
	long num;

	if (r->write_queued) {
		if ((x = refused_new(r, "decision")) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		if (r->write_rc == 0) {
			log_info("msg=\"proposal decision\" proposal=%lld decision=%s meeting=%d account=%lld id=%s",
				 (long long)id, d->decision, d->meeting_number, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/proposals/%lld", (long long)id));
		}
		x->decision = d->decision;
		x->meeting = arena_printf(r->arena, "%d", d->meeting_number);
		x->note = d->note;
		if (r->write_err.kind == ERR_CONFLICT)
			return write_refused(r, x, "decision", _("The proposal's status has changed meanwhile; this "
								  "decision is not possible from it."));
		return write_refused(r, x, str_eq(r->write_err.field, "meeting") ? "meeting" : "note",
				     str_eq(r->write_err.field, "meeting") ? _("There is no meeting with this number.")
									   : _("Give a note of at most 2000 characters."));
	}
	if (!proposal_may_decide(r->role))
		return reply_error(r, 403, _("Only the chair or the secretariat records the decision of a meeting."));
	if (proposal_get(r->db, r->arena, id, &p, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no proposal with this number."))
					      : reply_err(r, &e);
	if ((x = refused_new(r, "decision")) == NULL || (d = r->state = arena_alloc(r->arena, sizeof(*d))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	d->proposal_id = id;
	d->account_id = r->account_id;
	d->address = r->client;
	d->decision = upload_field(r, "decision");
	meeting = upload_field(r, "meeting");
	d->note = upload_field(r, "note");
	if (d->note != NULL && !utf8_valid(d->note, strlen(d->note)))
		d->note = NULL;
	x->decision = d->decision;
	x->meeting = meeting && utf8_valid(meeting, strlen(meeting)) ? meeting : "";
	x->note = d->note;
	if (!str_eq(d->decision, "consensus") && !str_eq(d->decision, "no_consensus") && !str_eq(d->decision, "deferred"))
		field_error_add(&x->fe, "decision", "%s", _("Choose consensus, no consensus or deferred."));
	num = meeting != NULL ? strtol(meeting, &end, 10) : 0;
	if (meeting == NULL || meeting[0] == '\0' || *end != '\0' || num < 1 || num > 9999)
		field_error_add(&x->fe, "meeting", "%s", _("Give the number of the meeting that decided."));
	d->meeting_number = (int)num;
	if (d->note != NULL && utf8_chars(d->note, strlen(d->note)) > PROPOSAL_MAX_NOTE_CHARS)
		field_error_add(&x->fe, "note", "%s", _("Give a note of at most 2000 characters."));
	if (x->fe.n > 0)
		return proposals_show(r, id, x, 422);
	if (proposal_decision_check(p.status, d->decision) != 0) {
		field_error_add(&x->fe, "decision", "%s", _("The proposal's status has changed meanwhile; this "
							     "decision is not possible from it."));
		return proposals_show(r, id, x, 409);
	}
	return request_write(r, proposal_decision_fn, d);
}

/* POST /proposals/{id}/consultation: the secretariat makes the draft consultation. */
int
page_proposal_consultation(struct request *r)
{
	struct proposal_consultation *c = r->state;
	struct refused *x;
	struct proposal p;
	struct outcome o;
	struct err e;
	int64_t id = proposals_path_id(r);
	const char *outcome;
	int number = 0;
	char letter = 0;

	if (r->write_queued) {
		if ((x = refused_new(r, "consultation")) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		if (r->write_rc == 0) {
			log_info("msg=\"consultation from proposal\" proposal=%lld slug=%s account=%lld id=%s",
				 (long long)id, c->made, (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/admin/consultations/%s/edit", c->made));
		}
		x->slug = c->slug;
		x->outcome = c->outcome_meeting ? arena_printf(r->arena, "%d(%c)", c->outcome_meeting, c->outcome_letter) : "";
		if (str_eq(r->write_err.field, "outcome"))
			return write_refused(r, x, "outcome", _("There is no such outcome; choose one from the list."));
		if (str_eq(r->write_err.field, "slug"))
			return write_refused(r, x, "slug", r->write_err.kind == ERR_CONFLICT
								? _("A consultation has this address already.")
								: _("Use 1 to 64 of a-z, 0-9 and -, not starting or ending with -."));
		return write_refused(r, x, "", _("The consultation can be created only once, from a proposal that "
						 "reached consensus."));
	}
	if (proposal_get(r->db, r->arena, id, &p, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no proposal with this number."))
					      : reply_err(r, &e);
	if ((x = refused_new(r, "consultation")) == NULL || (c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	c->proposal_id = id;
	c->account_id = r->account_id;
	c->address = r->client;
	c->slug = upload_field(r, "slug");
	x->slug = c->slug && utf8_valid(c->slug, strlen(c->slug)) ? c->slug : "";
	outcome = upload_field(r, "outcome");
	x->outcome = outcome && utf8_valid(outcome, strlen(outcome)) ? outcome : "";
	if (!str_eq(p.status, "consensus") || p.consultation_slug[0]) {
		field_error_add(&x->fe, "", "%s", _("The consultation can be created only once, from a proposal that "
						   "reached consensus."));
		return proposals_show(r, id, x, 409);
	}
	if (c->slug != NULL && c->slug[0] != '\0' && !slug_valid(c->slug)) {
		field_error_add(&x->fe, "slug", "%s", _("Use 1 to 64 of a-z, 0-9 and -, not starting or ending with -."));
		return proposals_show(r, id, x, 422);
	}
	/* "" or absent: no launching outcome; otherwise "16(b)" of an outcome that exists */
	c->outcome_meeting = 0;
	c->outcome_letter = 0;
	if (x->outcome[0] != '\0') {
		int found = proposals_outcome_ref(x->outcome, &number, &letter) == 0;
		if (found && outcome_get(r->db, r->arena, number, letter, &o, &e) != 0) {
			if (e.kind != ERR_NOTFOUND)
				return reply_err(r, &e);
			found = 0;
		}
		if (!found) {
			field_error_add(&x->fe, "outcome", "%s", _("There is no such outcome; choose one from the list."));
			return proposals_show(r, id, x, 422);
		}
		c->outcome_meeting = number;
		c->outcome_letter = letter;
	}
	return request_write(r, proposal_consultation_fn, c);
}

/* ---- texts in another language ------------------------------------------------------------ */

static const char *
texts_message(const struct err *e)
{
	if (str_eq(e->field, "lang"))
		return e->kind == ERR_CONFLICT ? _("Texts can be added only while the proposal is open or deferred.")
					       : _("Choose a language other than the original.");
	if (str_eq(e->field, "title"))
		return _("Give the title, of at most 300 characters.");
	if (str_eq(e->field, "topic"))
		return _("Give the topic, of at most 4000 characters.");
	return _("Give every draft question, each of at most 4000 characters.");
}

/* POST /proposals/{id}/texts: the proposing state's delegates and focal point, the chair and the
 * secretariat give the texts in one language other than the original. */
int
page_proposal_texts(struct request *r)
{
	struct proposal_texts *t = r->state;
	struct refused *x;
	struct proposal p;
	struct err e;
	int64_t id = proposals_path_id(r);

	if (r->write_queued) {
		if ((x = refused_new(r, "texts")) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		if (r->write_rc == 0) {
			log_info("msg=\"proposal texts\" proposal=%lld lang=%s account=%lld id=%s", (long long)id,
				 lang_code(t->lang), (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/proposals/%lld?lang=%s", (long long)id,
								   lang_code(t->lang)));
		}
		x->tlang = lang_code(t->lang);
		x->ttitle = t->title;
		x->ttopic = t->topic;
		for (int i = 0; i < t->nquestions; i++)
			x->tq[i] = t->question[i];
		return write_refused(r, x,
				     str_eq(r->write_err.field, "lang") ? "text_lang"
				     : r->write_err.field[0]	       ? r->write_err.field
									       : "",
				     texts_message(&r->write_err));
	}
	/* Who, then what: 404 only to those who may write texts at all. */
	if (!proposal_may_translate(r->role, r->state_code, r->state_code))
		return reply_error(r, 403, _("Only the proposing state's delegates and focal point, the chair and the "
					     "secretariat give a proposal's texts in other languages."));
	if (proposal_get(r->db, r->arena, id, &p, &e) != 0)
		return e.kind == ERR_NOTFOUND ? reply_error(r, 404, _("There is no proposal with this number."))
					      : reply_err(r, &e);
	if (!proposal_may_translate(r->role, r->state_code, p.proposed_state))
		return reply_error(r, 403, _("Only the proposing state's delegates and focal point, the chair and the "
					     "secretariat give a proposal's texts in other languages."));
	if ((x = refused_new(r, "texts")) == NULL || (t = r->state = arena_alloc(r->arena, sizeof(*t))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (!proposal_texts_open(p.status)) {
		field_error_add(&x->fe, "", "%s", _("Texts can be added only while the proposal is open or deferred."));
		return proposals_show(r, id, x, 409);
	}
	t->proposal_id = id;
	t->account_id = r->account_id;
	t->address = r->client;
	t->status = "official";
	x->tlang = upload_field(r, "text_lang");
	if (x->tlang == NULL || lang_from_code(x->tlang, &t->lang) != 0 || t->lang == p.original) {
		field_error_add(&x->fe, "text_lang", "%s", _("Choose a language other than the original."));
		x->tlang = NULL;
	}
	t->title = x->ttitle = cform_text_field(r, &x->fe, "title", "title", PROPOSAL_MAX_TITLE_CHARS, 1);
	t->topic = x->ttopic = cform_text_field(r, &x->fe, "topic", "topic", PROPOSAL_MAX_TOPIC_CHARS, 1);
	t->nquestions = p.nquestions;
	for (int i = 0; i < p.nquestions; i++) {
		const char *key = arena_printf(r->arena, "q%d", i + 1);
		t->question[i] = x->tq[i] = cform_text_field(r, &x->fe, key, key, PROPOSAL_MAX_QUESTION_CHARS, 1);
	}
	if (x->fe.n > 0)
		return proposals_show(r, id, x, 422);
	return request_write(r, proposal_texts_fn, t);
}
