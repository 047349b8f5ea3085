/* csrf.h: cross-site request forgery defences, checked centrally for every state-changing
 * request (POST, PUT, PATCH, DELETE):
 * - an Origin header that is not this site's origin, or Sec-Fetch-Site: cross-site: 403;
 * - a form of a page, or any request with a live session, carries a CSRF token (the hidden
 *   input "csrf", or the X-CSRF-Token header): an HMAC (crypto_auth) under a server key over
 *   the session token when logged in, else over the random agora_csrf cookie of the browser
 *   (double submit, signed); for a session that ended after the form was shown, its cookie
 *   still vouches for its forms on routes that need no login. Missing or wrong: 403, and
 *   nothing is changed.
 * API calls with a bearer token or X-Manage-Token and no session cookie need no token. */
#ifndef AGORA_CSRF_H
#define AGORA_CSRF_H
#include "../util/err.h"
#include "request.h"

#define CSRF_KEY_BYTES 32
#define CSRF_TOKEN_LEN 44	/* 43 base64url characters + NUL */

/* Reads DATA/keys/csrf.key, creating it (32 random bytes, mode 0600) when missing. */
int csrf_key_load(const char *data_dir, unsigned char key[CSRF_KEY_BYTES], struct err *e);
/* The token for a secret ("session" or "browser" context, so one is never taken for the other). */
void csrf_make(const unsigned char key[CSRF_KEY_BYTES], const char *context, const char *secret,
	       char out[CSRF_TOKEN_LEN]);
/* 1 when token is the token for secret in context (compared in constant time), else 0. */
int csrf_verify(const unsigned char key[CSRF_KEY_BYTES], const char *context, const char *secret,
		const char *token);
/* 1 when origin ("http://host:port") is scheme://host (default ports ignored), else 0. */
int csrf_same_origin(const char *origin, const char *scheme, const char *host);

/* The token for r's forms: from the session, else from the browser's agora_csrf cookie, which
 * is set when the browser has none. Made once per request; NULL when out of memory. */
const char *csrf_token(struct request *r);
/* <input type="hidden" name="csrf" value="...">, for every form a page writes. */
void csrf_input(struct request *r);
/* The central check. Returns 0, or -1 with a 403 written. */
int csrf_check(struct request *r);

#endif
