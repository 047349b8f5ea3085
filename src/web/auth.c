/* auth.c: deny by default; ROLE_SECRETARIAT needs a secretariat bearer token. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "../domain/account.h"
#include "reply.h"
#include "route.h"

int
auth_check(struct request *r)
{
	const char *h;
	char role[16];
	struct err e;

	if (r->route->flags & ROLE_PUBLIC)
		return 0;
	if (!(r->route->flags & ROLE_SECRETARIAT)) {
		reply_problem(r, 403, NULL, "this address is not open to anyone", NULL);
		return -1;
	}
	h = request_get_header(r, "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) >= 128) {
		request_header(r, "WWW-Authenticate", "Bearer realm=\"agora\"");
		reply_problem(r, 401, NULL, "send a secretariat API token: Authorization: Bearer TOKEN", NULL);
		return -1;
	}
	if (token_lookup(r->db, h + 7, &r->account_id, role, &e) != 0) {
		if (e.kind != ERR_NOTFOUND) {
			reply_err(r, &e);
			return -1;
		}
		request_header(r, "WWW-Authenticate", "Bearer realm=\"agora\", error=\"invalid_token\"");
		reply_problem(r, 401, NULL, "this token is unknown or revoked", NULL);
		return -1;
	}
	if (strcmp(role, "secretariat") != 0) {
		reply_problem(r, 403, NULL, "only the secretariat may do this", NULL);
		return -1;
	}
	return 0;
}
