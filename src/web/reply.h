/* reply.h: how handlers answer: JSON, RFC 9457 problems, error pages. */
#ifndef AGORA_REPLY_H
#define AGORA_REPLY_H
#include <jansson.h>

#include "request.h"

/* Writes j (stolen) as the body with status. Returns HANDLER_DONE. */
int reply_json(struct request *r, int status, json_t *j);
/* application/problem+json; errors (stolen, may be NULL) is the field-by-field list. */
int reply_problem(struct request *r, int status, const char *title, const char *detail,
		  json_t *errors);
/* A problem for API routes, an error page for the rest. */
int reply_error(struct request *r, int status, const char *detail);
/* A redirect (302, 303) to location (a path of this site, which must outlive r). */
int reply_redirect(struct request *r, int status, const char *location);
/* Maps e->kind to a status (ERR_INVALID 422, ERR_NOTFOUND 404, ERR_CONFLICT 409,
 * ERR_BUSY/ERR_FULL 503 with Retry-After, else 500) and answers with e->msg. */
int reply_err(struct request *r, const struct err *e);
/* A list of one field error, for reply_problem. */
json_t *reply_field_error(const char *field, const char *message);

#endif
