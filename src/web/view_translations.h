/* view_translations.h: which texts of a round exist in which of the six languages, with their
 * status: the secretariat's table on the edit page, the missing languages beside the open
 * form, and the same as JSON for GET /api/v1/consultations/{slug}/translations. */
#ifndef AGORA_VIEW_TRANSLATIONS_H
#define AGORA_VIEW_TRANSLATIONS_H
#include <jansson.h>

#include "../domain/consultation.h"
#include "request.h"

/* The table (title, topic, description, each question x six languages, each cell Original,
 * Official, Draft or Missing in words) and the line "Missing before opening: ...". c must be
 * loaded by consultation_get_admin (drafts and statuses). */
void view_translations_matrix(struct request *r, const struct consultation *c);
/* The languages that lack some text of c, by their own names, joined by ", " (in the request's
 * arena); NULL when none does. */
const char *view_translations_missing(struct request *r, const struct consultation *c);
/* The matrix as a JSON object the caller decrefs; NULL when out of memory. */
json_t *translations_json(const struct consultation *c);

#endif
