/* page_login.c: logging in (email and password) and out. The password is checked on a worker
 * (slow.c), never on a connection thread; failures are throttled per email and per client
 * address on the project clock; every login, failure, refusal and logout is in the audit log.
 * A login always makes a new session token (a token sent before it is never reused). */
#include <sodium.h>
#include <string.h>

#include "../domain/account.h"
#include "../domain/audit.h"
#include "../domain/session.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "cookie.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "slow.h"
#include "upload.h"

#define EMAIL_MAX 254
#define PASSWORD_MAX 1024

enum outcome { LOGIN_OK, LOGIN_FAILED, LOGIN_THROTTLED, LOGIN_UNCONFIRMED };

struct login {
	struct account acct;
	int found;		/* acct is the account of the email */
	const char *email;	/* as typed */
	char *password;		/* a copy, wiped once checked */
	int ok;			/* the worker's answer */
	enum outcome outcome;
	int64_t retry_s;
	char token[SESSION_TOKEN_LEN];
	struct session_login sl;
	struct audit_entry audit;
};

/* The form, with an error when there is one. */
static int
show(struct request *r, const char *email, const char *error, int status)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, _("Log in"));
	H(b, "<h1>");
	html_text(b, _("Log in"));
	H(b, "</h1>\n");
	if (r->session_id != 0) {
		H(b, "<p class=\"notice\">");
		html_text(b, _("You are logged in. Logging in again ends this session."));
		H(b, " <a href=\"/account\">");
		html_text(b, _("Your account"));
		H(b, "</a></p>\n");
	}
	if (error != NULL) {
		H(b, "<p class=\"error\" id=\"err-login\" role=\"alert\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
	H(b, "<form class=\"login\" method=\"post\" action=\"/login\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n<label for=\"f-email\">");
	html_text(b, _("Email"));
	H(b, "</label>\n<input id=\"f-email\" name=\"email\" type=\"email\" required maxlength=\"254\" "
	     "autocomplete=\"username\" value=\"");
	html_attr(b, email ? email : "");
	H(b, "\"");
	if (error != NULL)
		H(b, " aria-describedby=\"err-login\"");
	H(b, ">\n</div>\n<div class=\"field\">\n<label for=\"f-password\">");
	html_text(b, _("Password"));
	H(b, "</label>\n<input id=\"f-password\" name=\"password\" type=\"password\" required "
	     "maxlength=\"1024\" autocomplete=\"current-password\"");
	if (error != NULL)
		H(b, " aria-describedby=\"err-login\"");
	H(b, ">\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Log in"));
	H(b, "</button></p>\n</form>\n<p>");
	html_text(b, _("No account yet?"));
	H(b, " <a href=\"/register\">");
	html_text(b, _("Register"));
	H(b, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_login(struct request *r)
{
	return show(r, NULL, NULL, 200);
}

/* On a worker: the argon2id check (an unknown email is checked against a stand-in hash, so
 * both take as long). */
static void
check_password(void *arg)
{
	struct login *x = arg;

	x->ok = account_password_verify(x->found ? x->acct.password_hash : NULL, x->password);
	sodium_memzero(x->password, strlen(x->password));
}

static int
audit(struct request *r, struct login *x, enum outcome o, const char *action, const char *detail)
{
	x->outcome = o;
	x->audit = (struct audit_entry){ clock_now(), x->found ? x->acct.id : 0, r->client, action,
					 x->email, detail };
	return request_write(r, audit_append_fn, &x->audit);
}

/* Called again when the check is done. */
static int
checked(struct request *r, struct login *x)
{
	if (!x->ok)
		return audit(r, x, LOGIN_FAILED, "login_failed", x->found ? "wrong password" : "no such account");
	/* Said only after the right password, so it tells nothing about an address to others. */
	if (x->acct.confirmed_at == 0)
		return audit(r, x, LOGIN_UNCONFIRMED, "login_unconfirmed", "email not confirmed");
	x->outcome = LOGIN_OK;
	session_token_new(x->token);
	x->sl = (struct session_login){ x->token, x->acct.id, r->session_id, r->srv->cfg->session_max_s,
					r->client, x->email, 0 };
	return request_write(r, session_login_fn, &x->sl);
}

/* Called again when the write is done. */
static int
written(struct request *r, struct login *x)
{
	const char *minutes, *cookie;

	if (r->write_rc != 0)
		return reply_err(r, &r->write_err);
	switch (x->outcome) {
	case LOGIN_OK:
		if ((cookie = arena_strdup(r->arena, x->token)) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		log_info("msg=\"logged in\" account=%lld session=%lld addr=%s id=%s", (long long)x->acct.id,
			 (long long)x->sl.id, r->client, r->id);
		cookie_set(r, COOKIE_SESSION, cookie);
		sodium_memzero(x->token, sizeof(x->token));
		return reply_redirect(r, 303, "/account");
	case LOGIN_THROTTLED:
		request_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)x->retry_s));
		minutes = arena_printf(r->arena, P_("Too many failed logins: try again in %lld minute.",
						    "Too many failed logins: try again in %lld minutes.",
						    (unsigned long)((x->retry_s + 59) / 60)),
				       (long long)((x->retry_s + 59) / 60));
		return show(r, x->email, minutes, 429);
	case LOGIN_UNCONFIRMED:
		return show(r, x->email, _("Confirm your email address first: open the link in the mail we sent "
					   "when you registered. Registering again sends a new link."), 403);
	case LOGIN_FAILED:
		break;
	}
	return show(r, x->email, _("The email address or the password is not right."), 422);
}

int
page_login_post(struct request *r)
{
	struct login *x = r->state;
	const char *email, *password, *why = NULL;
	struct err e;

	if (r->write_queued)
		return written(r, x);
	if (r->slow_queued)
		return checked(r, x);
	if ((x = r->state = arena_alloc(r->arena, sizeof(*x))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	email = upload_field(r, "email");
	password = upload_field(r, "password");
	if (email == NULL || password == NULL || email[0] == '\0' || password[0] == '\0')
		return show(r, email, _("Enter your email address and your password."), 422);
	if (strlen(email) > EMAIL_MAX || !utf8_valid(email, strlen(email)) || strlen(password) > PASSWORD_MAX)
		return show(r, NULL, _("The email address or the password is not right."), 422);
	x->email = email;
	if (account_by_email(r->db, r->arena, email, &x->acct, &e) == 0)
		x->found = 1;
	else if (e.kind != ERR_NOTFOUND)
		return reply_err(r, &e);
	switch (login_throttled(r->db, email, r->client, clock_now(), &x->retry_s, &why, &e)) {
	case -1:
		return reply_err(r, &e);
	case 1:
		log_warn("msg=\"login throttled\" by=%s addr=%s id=%s", why, r->client, r->id);
		return audit(r, x, LOGIN_THROTTLED, "login_throttled",
			     arena_printf(r->arena, "too many failures for this %s", why));
	}
	if ((x->password = arena_strdup(r->arena, password)) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_slow(r, check_password, x);
}

int
page_logout(struct request *r)
{
	struct session_logout *l = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"logged out\" account=%lld session=%lld addr=%s id=%s", (long long)l->account_id,
			 (long long)l->id, r->client, r->id);
	} else if (r->session_id != 0) {
		if ((l = r->state = arena_alloc(r->arena, sizeof(*l))) == NULL)
			return reply_error(r, 503, _("The service is busy; try again."));
		*l = (struct session_logout){ r->session_id, r->account_id, r->client };
		return request_write(r, session_logout_fn, l);
	}
	cookie_clear(r, COOKIE_SESSION);
	return reply_redirect(r, 303, "/");
}
