/* submit.h: what the respond form and the API share to take a response from a request. */
#ifndef AGORA_SUBMIT_H
#define AGORA_SUBMIT_H
#include <jansson.h>

#include "../domain/response.h"
#include "request.h"

/* Reads the response from r: a JSON body, a multipart part named "response" holding the JSON,
 * or flat form fields (name, organization, job_title, country, stakeholder_type, email,
 * publish_as, language, summary, answer_1..answer_10). *keep (decref it when done) owns the
 * strings of a JSON body. Returns 0, or -1 with *status 400 and *why for a malformed body. */
int submit_read(struct request *r, struct response_input *in, struct field_errors *fe,
		json_t **keep, int *status, const char **why);
/* Sniffs every uploaded file (libmagic) and, when all are allowed, finishes them into the blob
 * store and fills in->att. Returns 0, or -1 with *status 415 (a type not allowed; nothing
 * stored) or 503. */
int submit_attachments(struct request *r, struct response_input *in, int *status,
		       const char **why);

#endif
