/* form_response.h: the response form (respond and revise share it), shown again with the
 * values kept and each error next to its field. */
#ifndef AGORA_FORM_RESPONSE_H
#define AGORA_FORM_RESPONSE_H
#include "../domain/held.h"
#include "../domain/response.h"
#include "request.h"

struct form_view {
	const struct consultation *c;
	const struct response_input *in;	/* values to show again, or NULL */
	const struct field_errors *fe;		/* errors, or NULL */
	const char *action;			/* where the form posts */
	const char *held_token;			/* attachments kept server-side, or NULL */
	const struct attachment *held;
	int nheld;
	const char *submit_label;
	int honeypot;				/* add the "website" field only robots fill in */
	int privacy;				/* > 0: the privacy notice, naming this many
						 * retention days, and the required "consent"
						 * checkbox (a first submission, not a revision) */
	int consent;				/* the checkbox is ticked (shown again) */
};

/* Writes the form into r->out (inside a page). */
void form_response(struct request *r, const struct form_view *v);
/* The form of a response the secretariat enters on the respondent's behalf: the same, with
 * first how it was received (the field "channel": post, email, other) and when
 * ("received_on", a date), showing channel and received_on again (NULL: empty). */
void form_response_entered(struct request *r, const struct form_view *v, const char *channel,
			   const char *received_on);
/* The error summary and per-field messages use form names: respondent.name -> name,
 * answers.3 -> answer_3. */
const char *form_error(const struct field_errors *fe, const char *form_name);

#endif
