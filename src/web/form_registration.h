/* form_registration.h: pieces shared by the public registration pages of an open consultation
 * meeting (page_registration_meeting.c, where they live) and the secretariat's pages
 * (page_admin_registrants.c). */
#ifndef AGORA_FORM_REGISTRATION_H
#define AGORA_FORM_REGISTRATION_H
#include "../domain/meeting.h"
#include "../domain/registration_meeting.h"
#include "request.h"

/* A field's <div> and <label>, with its error (role=alert) when there is one. */
void reg_field_begin(struct request *r, const char *name, const char *label, const char *error);
/* aria-invalid and aria-describedby for a field with an error. */
void reg_described(struct request *r, const char *name, const char *error);
/* An <option>, selected when value equals selected. */
void reg_option(struct request *r, const char *value, const char *label, const char *selected);
/* The title of meeting m ("Meeting 9001" when it has none), in r's arena. */
const char *reg_meeting_title(struct request *r, const struct meeting *m);
/* 404 for a meeting that does not exist, else the error's own answer. */
int reg_not_found(struct request *r, const struct err *e);
/* The places left, in person and remote, as a list. */
void reg_places(struct request *r, const struct mreg_meeting *g);

#endif
