/* auth.c: deny by default; ROLE_SECRETARIAT needs a secretariat bearer token. */
#include "auth.h"

#include <string.h>
#include <strings.h>

#include "../domain/account.h"
#include "../domain/response.h"
#include "../util/i18n.h"
#include "reply.h"
#include "route.h"

/* The manage token (X-Manage-Token, or ?token= from a manage link) of the response {id}. */
static int
respondent_check(struct request *r)
{
	const char *id = NULL, *token = request_get_header(r, "X-Manage-Token"), *why;
	int ok;

	for (int i = 0; i < ROUTE_MAX_PARAMS && r->route->params[i].name; i++) {
		if (strcmp(r->route->params[i].name, "id") == 0)
			id = r->param[i];
		else if (strcmp(r->route->params[i].name, "token") == 0 && token == NULL)
			token = r->param[i];
	}
	if (token != NULL && strlen(token) >= 64)
		token = NULL;
	if (token != NULL) {
		static const struct param tok = { "token", P_TOKEN, IN_QUERY };
		if (route_param_check(&tok, token, &why) != 0)
			token = NULL;
	}
	if (id == NULL || token == NULL) {
		reply_error(r, 403, _("This needs the private manage link of the response."));
		return -1;
	}
	if ((ok = response_token_ok(r->db, id, token)) < 0) {
		reply_error(r, 503, _("The service is busy; try again."));
		return -1;
	}
	if (!ok) {
		reply_error(r, 403, _("This manage link is not valid for this response."));
		return -1;
	}
	return 0;
}

int
auth_check(struct request *r)
{
	const char *h;
	char role[16];
	struct err e;

	if (r->route->flags & ROLE_PUBLIC)
		return 0;
	if (r->route->flags & ROLE_RESPONDENT)
		return respondent_check(r);
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
