/* http.h: a tiny HTTP client (libcurl) for the log tools: GET into memory with a size cap and a
 * timeout, POST a text body. */
#ifndef AGORA_CLI_HTTP_H
#define AGORA_CLI_HTTP_H
#include <stddef.h>

#include "../util/err.h"

/* An answer: the status and the body, NUL-terminated (len bytes before the NUL); free with
 * http_free. */
struct http_resp {
	long status;
	char *body;
	size_t len;
};

/* GETs url (the answer at most max bytes, all of it within timeout_s seconds). Returns the HTTP
 * status (any status: the caller judges), or -1 with e saying what went wrong in plain words:
 * "could not connect to URL: connection refused", "no answer from URL within 20 s", "the answer
 * from URL is larger than N bytes"... */
long http_get(const char *url, size_t max, long timeout_s, struct http_resp *r, struct err *e);
/* POSTs body (Content-Type: text/plain; charset=utf-8) to url; as http_get. */
long http_post_text(const char *url, const char *body, size_t len, size_t max, long timeout_s,
    struct http_resp *r, struct err *e);
/* GET that wants 200: any other status becomes -1 with e saying "URL answered 404" and the start
 * of the problem's "detail" or body. Returns 0 or -1. */
int http_get_ok(const char *url, size_t max, long timeout_s, struct http_resp *r, struct err *e);
void http_free(struct http_resp *r);
/* Sets e to "URL answered STATUS: detail" from a problem+json body (or its first line). -1. */
int http_status_error(const char *url, const struct http_resp *r, struct err *e);

#endif
