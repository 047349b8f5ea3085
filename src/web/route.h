/* route.h: the one static route table. Each route has a method, a pattern, a handler, flags
 * checked centrally before the handler runs (deny by default), and the parameters it takes. */
#ifndef AGORA_ROUTE_H
#define AGORA_ROUTE_H
#include "request.h"

enum route_flag {
	ROLE_PUBLIC = 1 << 0,		/* anyone */
	ROLE_SECRETARIAT = 1 << 1,	/* a secretariat bearer token or session */
	ROLE_RESPONDENT = 1 << 2,	/* the manage token of the response in the path */
	ROLE_ACCOUNT = 1 << 3,		/* any logged-in account (a session) */
	ROLE_FOCAL = 1 << 4,		/* a focal point's session (the secretariat's passes too) */
	ROUTE_API = 1 << 8,		/* errors as application/problem+json */
	ROUTE_BODY_JSON = 1 << 9,	/* takes an application/json body */
	ROUTE_PAGE = 1 << 10,		/* an HTML page: takes ?lang= and the layout */
	ROUTE_CACHE = 1 << 11,		/* the same for everyone: reused for page-cache-ms */
	ROUTE_UPLOAD = 1 << 12,		/* takes forms and multipart with attachments */
	ROUTE_FORM = 1 << 13,		/* takes a form (urlencoded or multipart) without files */
	/* A public read that may come from the read replica (--db-read; docs/DEPLOY.md): only
	 * for an anonymous visitor with no write of their own in the last few seconds. GET and
	 * ROLE_PUBLIC only; the receipt, the log and downloads never take it. */
	ROUTE_REPLICA = 1 << 14,
	RATE_SUBMIT = 1 << 16,		/* an anonymous submission: --submit-rate per client address */
	/* The scope a bearer token needs (scope.h), on every secretariat route of the API. */
	SCOPE_CONSULTATIONS = 1 << 20,
	SCOPE_MODERATION = 1 << 21,
};
#define ROUTE_SCOPES (SCOPE_CONSULTATIONS | SCOPE_MODERATION)
#define ROUTE_SCOPE_SHIFT 20	/* flags >> ROUTE_SCOPE_SHIFT are scope.h bits */
#define ROUTE_ROLES (ROLE_PUBLIC | ROLE_SECRETARIAT | ROLE_RESPONDENT | ROLE_ACCOUNT | ROLE_FOCAL)

enum param_kind {
	P_SLUG,		/* [a-z0-9-]{1,64} */
	P_LANG,		/* ar zh en fr ru es */
	P_CURSOR,	/* [A-Za-z0-9_-]{1,64} */
	P_LIMIT,	/* 1..200 */
	P_STATE,	/* scheduled, open, closed */
	P_NAME,		/* [a-z0-9_.-]{1,64} */
	P_RESPONSE_ID,	/* 12 of [2-9a-z] without i, l, o */
	P_INDEX,	/* 1..99 */
	P_TOKEN,	/* a manage token: manage_ + 43 base64url */
	P_ID,		/* a row number: 1..999999999999 */
	P_NUMBER,	/* a meeting's number: 1..9999 */
	P_LETTER,	/* an outcome's letter: one of a-z */
	P_SYMBOL,	/* a document symbol's URL form: cwg-internet-17-3 */
};
enum param_where { IN_PATH, IN_QUERY };

struct param {
	const char *name;
	enum param_kind kind;
	enum param_where where;
};

typedef int (*handler_fn)(struct request *r);

struct route {
	const char *method;
	const char *pattern;	/* "/consultations/{slug}": {name} matches one segment; a final "*"
				 * matches the rest of the path (not empty; the handler reads r->path) */
	handler_fn handler;
	unsigned flags;
	const char *name;	/* for metrics and logs */
	struct param params[ROUTE_MAX_PARAMS];
};

#define ROUTES_MAX 256	/* the metrics keep a slot per route */
extern const struct route routes[];
extern const int nroutes;

/* Finds the route for method and path, filling path parameters into r->param.
 * Returns its index; -1 when no pattern matches (404); -2 when a pattern matches but not the
 * method (405, *allow gets the methods). */
int route_match(struct request *r, const char *method, const char *path, const char **allow);
/* Checks a parameter value against its kind. Returns 0, or -1 with a message. */
int route_param_check(const struct param *p, const char *value, const char **why);
/* Start-up check of the table: every route has exactly one role, every secretariat route of
 * the API exactly one scope (no other route any), and ROUTE_REPLICA only on public GETs; fatal
 * otherwise. */
void route_table_check(void);

#endif
