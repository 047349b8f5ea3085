/* page_register.c: stakeholders register themselves. The form makes an unconfirmed stakeholder
 * account (the password hashed on a worker) and queues a confirmation mail in the visitor's
 * language; the link's GET only shows a button, whose POST confirms (mail scanners fetch links
 * by GET). An email that has an account gets the same answer and a reminder mail instead, so
 * the form does not tell which addresses have accounts. A link unknown: 404; used or expired:
 * 410, each with a page that says what to do. */
#include <sodium.h>
#include <string.h>

#include "../domain/password.h"
#include "../domain/registration.h"
#include "../domain/session.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "csrf.h"
#include "form_account.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "slow.h"
#include "upload.h"

struct register_form {
	const char *name, *email;
	char *password;		/* a copy, wiped once hashed */
	const char *err_name, *err_email, *err_password;
	char hash[PASSWORD_HASH_LEN];
	int hashed;
	char token[SESSION_TOKEN_LEN];
	struct registration g;
};

static int
show(struct request *r, const struct register_form *f, int status)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, _("Register"));
	H(b, "<h1>");
	html_text(b, _("Register"));
	H(b, "</h1>\n<p>");
	html_text(b, _("Anyone may respond to an open consultation without an account. An account lets "
		       "you find your responses in one place. We send a link to your email address to "
		       "confirm it."));
	H(b, "</p>\n<form class=\"login\" method=\"post\" action=\"/register\">\n");
	csrf_input(r);
	form_account_input(r, "name", _("Your name"), "text", f ? f->name : NULL, "name", 200,
			   f ? f->err_name : NULL);
	form_account_input(r, "email", _("Email"), "email", f ? f->email : NULL, "email", 254,
			   f ? f->err_email : NULL);
	form_account_input(r, "password", _("Password (12 to 128 characters)"), "password", NULL,
			   "new-password", 1024, f ? f->err_password : NULL);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Register"));
	H(b, "</button></p>\n</form>\n<p>");
	html_text(b, _("Already registered?"));
	H(b, " <a href=\"/login\">");
	html_text(b, _("Log in"));
	H(b, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_register(struct request *r)
{
	return show(r, NULL, 200);
}

static void
hash_password(void *arg)
{
	struct register_form *f = arg;

	f->hashed = password_hash(f->password, f->hash) == 0;
	sodium_memzero(f->password, strlen(f->password));
}

/* Both mails, in the visitor's language: which one goes is decided inside the write. */
static int
compose(struct request *r, struct register_form *f)
{
	char until[64];
	int64_t expires = clock_now() + r->srv->cfg->confirm_link_s;
	const char *lang = lang_code(r->lang), *link, *login;

	if (time_format_human(expires, lang, TZ_UTC, 1, until, sizeof(until)) != 0)
		time_format_rfc3339(expires, until);
	session_token_new(f->token);
	link = form_account_link(r, arena_printf(r->arena, "/register/confirm?token=%s", f->token));
	login = form_account_link(r, "/login");
	f->g.confirm = (struct mail){ .to = f->email, .lang = lang, .kind = "confirm",
				      .subject = _("Confirm your email address for Agora") };
	f->g.confirm.body = arena_printf(r->arena,
					 _("Hello %s,\n\nTo confirm your email address and open your Agora account, "
					   "open this link and press the button on the page:\n%s\n\nThe link works "
					   "until %s (UTC). If you did not register, ignore this mail: the account "
					   "stays closed.\n"),
					 f->name, link, until);
	f->g.exists = (struct mail){ .to = f->email, .lang = lang, .kind = "already_registered",
				     .subject = _("You already have an Agora account") };
	f->g.exists.body = arena_printf(r->arena,
					_("Hello,\n\nSomeone, perhaps you, tried to register on Agora with this "
					  "email address. It has an account already, and nothing was changed.\n\n"
					  "Log in here:\n%s\n\nIf it was not you, ignore this mail.\n"),
					login);
	return link && login && f->g.confirm.body && f->g.exists.body ? 0 : -1;
}

int
page_register_post(struct request *r)
{
	struct register_form *f = r->state;
	const char *password;
	enum password_verdict v;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind == ERR_INVALID)
			return show(r, f, 422);
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		sodium_memzero(f->token, sizeof(f->token));
		log_info("msg=\"registration\" existed=%d account=%lld id=%s", f->g.existed,
			 (long long)f->g.account_id, r->id);
		/* The same answer whether the email had an account or not. */
		return layout_message(r, 200, _("Check your mail"),
			       _("If this address can be registered, a mail with a link to confirm it is on "
				 "its way. Open the link to finish: until then the account cannot log in."),
			       NULL, NULL);
	}
	if (r->slow_queued) {
		if (!f->hashed)
			return reply_error(r, 503, _("The service is busy; try again."));
		if (compose(r, f) != 0)
			return reply_error(r, 503, _("The service is busy; try again."));
		f->g = (struct registration){ f->email, f->name, f->hash, f->token, r->srv->cfg->confirm_link_s,
					      r->client, f->g.confirm, f->g.exists, 0, 0 };
		return request_write(r, registration_fn, &f->g);
	}
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	f->name = form_account_value(r, "name");
	f->email = form_account_value(r, "email");
	password = upload_field(r, "password");
	if (f->name == NULL || f->email == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (!account_name_valid(f->name))
		f->err_name = _("Enter your name (at most 200 characters).");
	if (!account_email_valid(f->email))
		f->err_email = _("Enter one email address, such as name@example.org.");
	if ((v = password_check(password, f->email, f->name)) != PASSWORD_OK)
		f->err_password = password_verdict_message(v);
	if (f->err_name || f->err_email || f->err_password) {
		if (!account_name_valid(f->name))
			f->name = utf8_valid(f->name, strlen(f->name)) ? f->name : NULL;
		return show(r, f, 422);
	}
	if ((f->password = arena_strdup(r->arena, password)) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_slow(r, hash_password, f);
}

/* The token of the link: ?token= on the GET, the hidden field on the POST. */
static int
link_page(struct request *r, enum link_state s)
{
	switch (s) {
	case LINK_OK:
		break;
	case LINK_USED:
		return layout_message(r, 410, _("This link was used already"),
			       _("This email address is confirmed: you can log in."), "/login", _("Log in"));
	case LINK_EXPIRED:
		return layout_message(r, 410, _("This link has expired"),
			       _("Confirmation links work for a limited time. Register again with the same "
				 "email address to get a new link."), "/register", _("Register"));
	case LINK_UNKNOWN:
		return layout_message(r, 404, _("This link is not valid"),
			       _("Check that the whole link from the mail was opened, or register again."),
			       "/register", _("Register"));
	}
	return -1;
}

int
page_register_confirm(struct request *r)
{
	struct buf *b = &r->out;
	const char *token = r->param[1];
	enum link_state s = LINK_UNKNOWN;
	struct err e;

	if (token != NULL && confirmation_state(r->db, token, clock_now(), &s, &e) != 0)
		return reply_err(r, &e);
	if (s != LINK_OK)
		return link_page(r, s);
	buf_reset(b);
	layout_begin(r, _("Confirm your email address"));
	H(b, "<h1>");
	html_text(b, _("Confirm your email address"));
	H(b, "</h1>\n<form class=\"login\" method=\"post\" action=\"/register/confirm\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"token\" value=\"");
	html_attr(b, token);
	H(b, "\">\n<p><button type=\"submit\">");
	html_text(b, _("Confirm my email address"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

int
page_register_confirm_post(struct request *r)
{
	struct confirmation *c = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (c->state != LINK_OK)
			return link_page(r, c->state);
		log_info("msg=\"email confirmed\" account=%lld id=%s", (long long)c->account_id, r->id);
		return layout_message(r, 200, _("Your email address is confirmed"),
			       _("Your account is open: you can log in now."), "/login", _("Log in"));
	}
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	c->token = upload_field(r, "token");
	c->address = r->client;
	if (!session_token_valid(c->token))
		return link_page(r, LINK_UNKNOWN);
	return request_write(r, confirmation_fn, c);
}
