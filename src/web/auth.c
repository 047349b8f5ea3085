/* auth.c: the session cookie, then deny by default: ROLE_ACCOUNT needs a session, ROLE_FOCAL
 * a focal point's or the secretariat's session, ROLE_SECRETARIAT a secretariat session, or on the
 * API a secretariat bearer token holding the route's scope. */
#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../domain/account.h"
#include "../domain/response.h"
#include "../domain/scope.h"
#include "../domain/session.h"
#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/log.h"
#include "cookie.h"
#include "reply.h"
#include "route.h"
#include "server.h"

static void
touch_done(void *arg, int rc, const struct err *e)
{
	if (rc != 0)
		log_warn("msg=\"cannot note a session's or token's last use\" error=\"%s\"", e ? e->msg : "");
	free(arg);
}

void
auth_session_load(struct request *r)
{
	const char *token = cookie_get(r, COOKIE_SESSION);
	const struct config *cfg = r->srv->cfg;
	struct session s;
	struct err e;
	char state[3] = "";
	int64_t now = clock_now();

	if (!session_token_valid(token) || r->db == NULL)
		return;
	if (session_lookup(r->db, token, &s, state, &e) != 0) {
		if (e.kind != ERR_NOTFOUND)
			log_warn("msg=\"cannot read a session\" id=%s error=\"%s\"", r->id, e.msg);
		return;
	}
	if (session_state_at(&s, now, cfg->session_idle_s, cfg->session_max_s) != SESSION_ALIVE)
		return;	/* anonymous, as if no cookie came */
	r->session_id = s.id;
	r->session_token = token;
	r->account_id = s.account_id;
	snprintf(r->role, sizeof(r->role), "%s", s.role);
	memcpy(r->state_code, state, sizeof(r->state_code));
	if (now - s.last_seen_at >= SESSION_TOUCH_S) {
		/* Not waited for: the request goes on, and a full queue only skips one bump. */
		struct session_touch *t = malloc(sizeof(*t));
		if (t != NULL) {
			t->id = s.id;
			t->at = now;
			if (writer_submit_spare(r->srv->writer, session_touch_fn, touch_done, t, &e) != 0)
				free(t);
		}
	}
}

/* ROLE_ACCOUNT: a page asks the browser to log in; anything else is refused. */
static int
account_check(struct request *r)
{
	if (r->session_id != 0)
		return 0;
	if ((r->route->flags & ROUTE_PAGE) &&
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)) {
		reply_redirect(r, 302, "/login");
		return -1;
	}
	reply_error(r, 403, _("Log in first: this needs an account."));
	return -1;
}

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

/* A secretariat route of the API with a bearer token: known, not revoked, of a secretariat
 * account, and holding the scope the route names. */
static int
bearer_check(struct request *r, const char *h)
{
	unsigned need = (r->route->flags & ROUTE_SCOPES) >> ROUTE_SCOPE_SHIFT;
	struct token_use u;
	struct err e;
	const char *scope;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) >= 128) {
		request_header(r, "WWW-Authenticate", "Bearer realm=\"agora\"");
		reply_problem(r, 401, NULL, "send a secretariat API token: Authorization: Bearer TOKEN", NULL);
		return -1;
	}
	if (token_lookup(r->db, h + 7, &u, &e) != 0) {
		if (e.kind != ERR_NOTFOUND) {
			reply_err(r, &e);
			return -1;
		}
		request_header(r, "WWW-Authenticate", "Bearer realm=\"agora\", error=\"invalid_token\"");
		reply_problem(r, 401, NULL, "this token is unknown or revoked", NULL);
		return -1;
	}
	r->account_id = u.account_id;
	if (strcmp(u.role, "secretariat") != 0) {
		reply_problem(r, 403, NULL, "only the secretariat may do this", NULL);
		return -1;
	}
	if ((u.scopes & need) == 0) {	/* need is 0 only on a route the table check refused */
		scope = scope_name(need);
		request_header(r, "WWW-Authenticate",
			       arena_printf(r->arena, "Bearer realm=\"agora\", error=\"insufficient_scope\", "
						      "scope=\"%s\"", scope ? scope : ""));
		reply_problem(r, 403, NULL,
			      arena_printf(r->arena, "this token lacks the scope '%s'; make one that has it "
						     "(docs/API.md, Tokens)", scope ? scope : "?"),
			      NULL);
		return -1;
	}
	if (clock_now() - u.last_used_at >= TOKEN_TOUCH_S) {
		/* Not waited for, as for sessions: a full queue only skips one note. */
		struct token_touch *t = malloc(sizeof(*t));
		if (t != NULL) {
			t->id = u.token_id;
			t->at = clock_now();
			if (writer_submit_spare(r->srv->writer, token_touch_fn, touch_done, t, &e) != 0)
				free(t);
		}
	}
	return 0;
}

/* ROLE_FOCAL: a session of a focal point (whose state then decides what it sees) or of the
 * secretariat; no bearer tokens. */
static int
focal_check(struct request *r)
{
	if (r->session_id == 0)
		return account_check(r);
	if (strcmp(r->role, "focal_point") == 0 || strcmp(r->role, "secretariat") == 0)
		return 0;
	reply_error(r, 403, _("Only a focal point or the secretariat may do this."));
	return -1;
}

int
auth_check(struct request *r)
{
	const char *h;

	if (r->route->flags & ROLE_PUBLIC)
		return 0;
	if (r->route->flags & ROLE_RESPONDENT)
		return respondent_check(r);
	if (r->route->flags & ROLE_ACCOUNT)
		return account_check(r);
	if (r->route->flags & ROLE_FOCAL)
		return focal_check(r);
	if (!(r->route->flags & ROLE_SECRETARIAT)) {
		reply_problem(r, 403, NULL, "this address is not open to anyone", NULL);
		return -1;
	}
	h = request_get_header(r, "Authorization");
	if (r->session_id != 0 && (h == NULL || (r->route->flags & ROUTE_PAGE))) {
		/* a session (csrf_check then wants its token) */
		if (strcmp(r->role, "secretariat") == 0)
			return 0;
		reply_error(r, 403, _("Only the secretariat may do this."));
		return -1;
	}
	if (r->route->flags & ROUTE_PAGE)	/* pages take sessions, never bearer tokens */
		return account_check(r);
	return bearer_check(r, h);
}
