/* page_admin_consultations.h: what the two files of the secretariat's consultation pages share
 * (page_admin_consultations.c: list, new, edit; page_admin_consultation_state.c: open, close,
 * extend). Not a handler list: the handlers are in handlers.h. */
#ifndef AGORA_PAGE_ADMIN_CONSULTATIONS_H
#define AGORA_PAGE_ADMIN_CONSULTATIONS_H
#include "../domain/consultation.h"
#include "../domain/response.h"
#include "request.h"

/* The edit page's state: the consultation as stored, and what a failed post sent, shown again
 * with each error next to its field. Error keys are the fields' ids without "f-": "opens_at",
 * "fr-title", "fr-q2", "until", "at"; "" for an error of no field (the summary only). */
struct cform {
	struct consultation c;
	const char *part;	/* the form posted: "general", a language code, "open", "extend" */
	struct field_errors fe;
	/* general */
	const char *opens_at, *closes_at, *original, *moderation, *new_question;
	const char *pos[CONSULTATION_MAX_QUESTIONS];
	int removed[CONSULTATION_MAX_QUESTIONS];
	/* one language */
	const char *status, *title, *topic, *description;
	const char *q[CONSULTATION_MAX_QUESTIONS];
	/* open, extend */
	const char *at, *until;
	/* the writes */
	struct consultation_edit ed;
	struct consultation_change ch;
};

/* Loads f->c for slug (drafts too). Returns 0, or -1 with an error page written (404, 503). */
int admin_consultation_load(struct request *r, struct cform *f, const char *slug);
/* Writes the edit page of f->c with f's errors and values; answers with status. */
int admin_consultation_page(struct request *r, struct cform *f, int status);
/* Puts a domain refusal (e->field, e->msg) under the form key for part ("fr" + "title" ->
 * "fr-title") and answers with the edit page: 409 for a conflict, 422 for bad input. */
int admin_consultation_refused(struct request *r, struct cform *f, const struct err *e);

#endif
