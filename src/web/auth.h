/* auth.h: the central access check every route passes before its handler. */
#ifndef AGORA_AUTH_H
#define AGORA_AUTH_H
#include "request.h"

/* Loads the session of r's session cookie when it is alive: sets r->session_id, session_token,
 * account_id and role (otherwise r stays anonymous). Notes its last use through the writer at
 * most once a minute (SESSION_TOUCH_S), without waiting. */
void auth_session_load(struct request *r);
/* Returns 0 when the route's role allows the request; otherwise writes 401 or 403 and
 * returns -1. A route whose role this function does not know is denied. */
int auth_check(struct request *r);

#endif
