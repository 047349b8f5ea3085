/* auth.h: the central access check every route passes before its handler. */
#ifndef AGORA_AUTH_H
#define AGORA_AUTH_H
#include "request.h"

/* Returns 0 when the route's role allows the request; otherwise writes 401 or 403 and
 * returns -1. A route whose role this function does not know is denied. */
int auth_check(struct request *r);

#endif
