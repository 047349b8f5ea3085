/* cookie.h: the cookies this server sets (the session, the CSRF cookie): HttpOnly,
 * SameSite=Lax, Path=/, ending with the browser session. On HTTPS they are named __Host-NAME and
 * Secure; on plain HTTP (localhost) they cannot be Secure and still work. */
#ifndef AGORA_COOKIE_H
#define AGORA_COOKIE_H
#include "request.h"

#define COOKIE_SESSION "agora_session"
#define COOKIE_CSRF "agora_csrf"

/* Did r come over HTTPS? Agora serves plain HTTP itself, so: from a trusted proxy that says
 * X-Forwarded-Proto: https. */
int request_is_https(struct request *r);
/* The cookie called base (for r's scheme) that r sent, or NULL. */
const char *cookie_get(struct request *r, const char *base);
/* Adds a Set-Cookie header for base=value; clearing sets an empty value that expires at once. */
void cookie_set(struct request *r, const char *base, const char *value);
void cookie_clear(struct request *r, const char *base);

#endif
