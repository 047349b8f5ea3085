/* form_consultation.h: what the secretariat's consultation pages share: the form pieces
 * (form_consultation.c) and the edit page's state, which the open / extend / close handlers
 * (page_admin_consultation_state.c) show again with their errors. */
#ifndef AGORA_FORM_CONSULTATION_H
#define AGORA_FORM_CONSULTATION_H
#include "../domain/consultation.h"
#include "../domain/response.h"
#include "request.h"

/* How to write a time, under every time field (translated). */
const char *cform_time_hint(void);
#define TIME_HINT cform_time_hint()

/* ---- form pieces. key is a field's id without "f-" ("title", "fr-q2"); its error, if any, is
 * the one fe has under key, shown next to it as <p class="error" role="alert" id="err-KEY">. */
const char *cform_error_of(const struct field_errors *fe, const char *key);	/* fe may be NULL */
/* <label for="f-KEY">, then the error. */
void cform_label(struct request *r, const struct field_errors *fe, const char *key, const char *text);
/* id="f-KEY" name="NAME", and aria-invalid / aria-describedby when in error. */
void cform_ident(struct request *r, const struct field_errors *fe, const char *key, const char *name);
void cform_lang_attrs(struct request *r, enum lang l);	/* lang="" dir="" */
void cform_hint(struct request *r, const char *text);	/* NULL: nothing */
/* A labelled text input or textarea; l >= 0: the text's language (lang, dir). */
void cform_input(struct request *r, const struct field_errors *fe, const char *key, const char *name,
		 const char *text, const char *value, int maxlength, int l, const char *help);
void cform_textarea(struct request *r, const struct field_errors *fe, const char *key, const char *name,
		    const char *text, const char *value, int rows, int l, const char *help);
void cform_option(struct request *r, const char *value, const char *text, const char *current);
void cform_select_language(struct request *r, const struct field_errors *fe, const char *current);
void cform_select_moderation(struct request *r, const struct field_errors *fe, const char *current);
const char *cform_time_value(struct request *r, int64_t t);	/* RFC 3339, in the arena */
/* The error summary (role=alert), each linking to its field. */
void cform_errors(struct request *r, const struct field_errors *fe);
/* A one-button form posting to /admin/consultations/{slug}/{what}. */
void cform_action(struct request *r, const char *slug, const char *what, const char *button);
/* The form value name checked for text and length, its error under key; NULL when blank. */
const char *cform_text_field(struct request *r, struct field_errors *fe, const char *name,
			     const char *key, size_t max, int required);
/* The form value key as an RFC 3339 time. Returns 0, or -1 with the error under key. */
int cform_time_field(struct request *r, struct field_errors *fe, const char *key, const char **raw,
		     int64_t *t);

/* ---- the edit page's state: the consultation as stored, and what a failed post sent, shown
 * again with each error next to its field ("" for an error of no field: the summary only). */
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
/* Puts a domain refusal (e->field, e->msg) under the form key for f->part ("fr" + "title" ->
 * "fr-title") and answers with the edit page: 409 for a conflict, 422 for bad input. */
int admin_consultation_refused(struct request *r, struct cform *f, const struct err *e);

#endif
