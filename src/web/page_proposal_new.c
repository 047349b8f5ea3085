/* page_proposal_new.c: proposing a consultation topic (docs/PROPOSALS.md): the form for members
 * (delegates, focal points, the chair, the secretariat) in the original language, and its post.
 * The proposal's own page and its other forms are in page_proposals.c. */
#include <stdlib.h>
#include <string.h>

#include "../domain/proposal.h"
#include "../domain/notice_members.h"	/* issue 13 */
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

#define NEW_QUESTIONS 5		/* question fields on the form (the domain takes up to 10) */

struct new_form {
	struct field_errors fe;
	const char *lang, *title, *topic, *q[NEW_QUESTIONS], *procedure, *deadline, *meeting;
	struct proposal_new n;
};

static int
new_page(struct request *r, const struct new_form *f, int http)
{
	struct buf *b = &r->out;
	const struct field_errors *fe = f ? &f->fe : NULL;
	const char *proc = f && f->procedure ? f->procedure : "silence";

	buf_reset(b);
	layout_begin(r, _("Propose a topic"));
	H(b, "<p class=\"meta\"><a href=\"/proposals\">");
	html_text(b, _("Topic proposals"));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Propose a topic"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("A consultation topic for the Member States to decide by consensus: its title, what "
		       "it is about and its draft questions. Its texts in other languages can be added on its page "
		       "once it is made."));
	H(b, "</p>\n");
	cform_errors(r, fe);
	H(b, "<form class=\"proposal-new\" method=\"post\" action=\"/proposals/new\">\n");
	csrf_input(r);
	cform_select_language(r, fe, f && f->lang ? f->lang : lang_code(r->lang));
	cform_input(r, fe, "title", "title", _("Title"), f ? f->title : NULL, PROPOSAL_MAX_TITLE_CHARS, -1, NULL);
	cform_textarea(r, fe, "topic", "topic", _("The topic: what the consultation would ask about, and why"),
		       f ? f->topic : NULL, 6, -1, NULL);
	H(b, "<fieldset><legend>");
	html_text(b, _("Draft questions (at least one)"));
	H(b, "</legend>\n");
	for (int i = 0; i < NEW_QUESTIONS; i++) {
		const char *key = arena_printf(r->arena, "q%d", i + 1);
		cform_textarea(r, fe, key, key, arena_printf(r->arena, _("Question %d"), i + 1), f ? f->q[i] : NULL, 2,
			       -1, NULL);
	}
	H(b, "</fieldset>\n<fieldset><legend>");
	html_text(b, _("How the Member States decide"));
	H(b, "</legend>\n<label class=\"choice\"><input type=\"radio\" name=\"procedure\" value=\"silence\"");
	if (str_eq(proc, "silence"))
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("Silence procedure: consensus at the deadline unless a Member State objects"));
	H(b, "</label>\n<label class=\"choice\"><input type=\"radio\" name=\"procedure\" value=\"meeting\"");
	if (str_eq(proc, "meeting"))
		H(b, " checked");
	H(b, "> ");
	html_text(b, _("At a meeting: the chair records the decision"));
	H(b, "</label>\n</fieldset>\n");
	cform_input(r, fe, "deadline", "deadline", _("Deadline of the silence procedure"), f ? f->deadline : NULL, 40, -1,
		    TIME_HINT);
	cform_input(r, fe, "meeting", "meeting", _("Meeting number (optional)"), f ? f->meeting : NULL, 4, -1, NULL);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Propose"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = http;
	return HANDLER_DONE;
}

int
page_proposal_new(struct request *r)
{
	if (!proposal_is_member(r->role))
		return reply_error(r, 403, _("Only the members of the working group propose topics."));
	return new_page(r, NULL, 200);
}

static const char *
domain_message(const struct err *e)
{
	if (str_eq(e->field, "meeting"))
		return _("There is no meeting with this number.");
	if (str_eq(e->field, "deadline"))
		return _("The deadline must lie ahead.");
	return _("This is required.");
}

int
page_proposal_new_post(struct request *r)
{
	struct new_form *f = r->state;
	enum lang l;
	char *end;

	if (r->write_queued) {
		if (r->write_rc == 0) {
			log_info("msg=\"proposal\" proposal=%lld account=%lld id=%s", (long long)f->n.id,
				 (long long)r->account_id, r->id);
			return reply_redirect(r, 303, arena_printf(r->arena, "/proposals/%lld", (long long)f->n.id));
		}
		if (r->write_err.kind != ERR_INVALID)
			return reply_err(r, &r->write_err);
		field_error_add(&f->fe, r->write_err.field, "%s", domain_message(&r->write_err));
		return new_page(r, f, 422);
	}
	if (!proposal_is_member(r->role))
		return reply_error(r, 403, _("Only the members of the working group propose topics."));
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	f->lang = upload_field(r, "original_language");
	if (f->lang == NULL || lang_from_code(f->lang, &l) != 0) {
		field_error_add(&f->fe, "original_language", "%s", _("Choose a language."));
		f->lang = NULL;
		l = r->lang;
	}
	f->title = cform_text_field(r, &f->fe, "title", "title", PROPOSAL_MAX_TITLE_CHARS, 1);
	f->topic = cform_text_field(r, &f->fe, "topic", "topic", PROPOSAL_MAX_TOPIC_CHARS, 1);
	for (int i = 0; i < NEW_QUESTIONS; i++) {
		const char *key = arena_printf(r->arena, "q%d", i + 1);
		f->q[i] = cform_text_field(r, &f->fe, key, key, PROPOSAL_MAX_QUESTION_CHARS, 0);
		if (f->q[i] != NULL && field_error_for(&f->fe, key) == NULL)
			f->n.question[f->n.nquestions++] = f->q[i];
	}
	if (f->n.nquestions == 0 && field_error_for(&f->fe, "q1") == NULL)
		field_error_add(&f->fe, "q1", "%s", _("Give at least one draft question."));
	f->procedure = upload_field(r, "procedure");
	f->deadline = upload_field(r, "deadline");
	f->meeting = upload_field(r, "meeting");
	if (f->deadline && !utf8_valid(f->deadline, strlen(f->deadline)))
		f->deadline = NULL;
	if (f->meeting && !utf8_valid(f->meeting, strlen(f->meeting)))
		f->meeting = NULL;
	if (str_eq(f->procedure, "silence")) {
		const char *raw;
		if (cform_time_field(r, &f->fe, "deadline", &raw, &f->n.silence_deadline) == 0 &&
		    f->n.silence_deadline <= clock_now())
			field_error_add(&f->fe, "deadline", "%s", _("The deadline must lie ahead."));
	} else if (!str_eq(f->procedure, "meeting")) {
		field_error_add(&f->fe, "procedure", "%s", _("Choose how the Member States decide."));
		f->procedure = NULL;
	}
	if (f->meeting != NULL && f->meeting[0] != '\0') {
		long num = strtol(f->meeting, &end, 10);
		if (*end != '\0' || num < 1 || num > 9999)
			field_error_add(&f->fe, "meeting", "%s", _("Give a meeting's number, or nothing."));
		else
			f->n.meeting_number = (int)num;
	}
	if (f->fe.n > 0)
		return new_page(r, f, 422);
	f->n.account_id = r->account_id;
	f->n.address = r->client;
	f->n.state_code = r->state_code;
	f->n.lang = l;
	f->n.title = f->title;
	f->n.topic = f->topic;
	return request_write(r, notice_proposal_create_fn, &f->n);
}
