/* page_invite.c: the invitation link (its GET shows who invited whom to what, with a form for a
 * name and a password; its POST makes the account, the password hashed on a worker), and a
 * focal point's page of its state's delegates with the form to invite more. A focal point's
 * invitations are always for delegates of its own state: role and state come from its session,
 * never from the form. A link unknown: 404; used or expired: 410. */
#include <sodium.h>
#include <string.h>

#include "../domain/password.h"
#include "../domain/state.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "form_account.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "route.h"
#include "server.h"
#include "slow.h"
#include "upload.h"
#include "view.h"

#define DELEGATES_SHOWN 500
#define PENDING_SHOWN 200

struct accept_form {
	struct invitation inv;
	const char *name;
	char *password;
	const char *err_name, *err_password, *error;
	char hash[PASSWORD_HASH_LEN];
	int hashed;
	struct invitation_accept x;
};

static int
link_page(struct request *r, enum link_state s)
{
	if (s == LINK_USED)
		return layout_message(r, 410, _("This invitation was accepted already"),
			       _("Its account exists: log in with its email address and password."), "/login",
			       _("Log in"));
	if (s == LINK_EXPIRED)
		return layout_message(r, 410, _("This invitation has expired"),
			       _("Invitation links work for a limited time. Ask whoever invited you for a new one."),
			       NULL, NULL);
	return layout_message(r, 404, _("This invitation link is not valid"),
		       _("Check that the whole link from the mail was opened."), NULL, NULL);
}

/* "Delegate of Switzerland", "Chair or vice-chair". */
static const char *
role_as(struct request *r, const char *role, const char *state)
{
	if (state != NULL && state[0] != '\0')
		return arena_printf(r->arena, _("%s of %s"), form_account_role_label(role), state_name(state));
	return form_account_role_label(role);
}

static int
show(struct request *r, const char *token, struct accept_form *f, int status)
{
	struct buf *b = &r->out;

	buf_reset(b);
	layout_begin(r, _("Accept the invitation"));
	H(b, "<h1>");
	html_text(b, _("Accept the invitation"));
	H(b, "</h1>\n<p>");
	html_text(b, arena_printf(r->arena, _("%s invites you to Agora as %s."), f->inv.inviter_name,
				  role_as(r, f->inv.role, f->inv.state_code)));
	H(b, "</p>\n");
	if (f->error != NULL) {
		H(b, "<p class=\"error\" role=\"alert\">");
		html_text(b, f->error);
		H(b, "</p>\n");
	}
	H(b, "<dl class=\"account\">\n");
	view_row(r, 1, _("Email"), f->inv.email);
	H(b, "</dl>\n<form class=\"login\" method=\"post\" action=\"/invitations/");
	html_url(b, token);
	H(b, "\">\n");
	csrf_input(r);
	form_account_input(r, "name", _("Your name"), "text", f->name, "name", 200, f->err_name);
	form_account_input(r, "password", _("Choose a password (12 to 128 characters)"), "password", NULL,
			   "new-password", 1024, f->err_password);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Accept and create my account"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

/* The invitation of the path's token, or an answer already written (returns -1). */
static int
load(struct request *r, struct accept_form *f)
{
	struct err e;
	enum link_state s;

	if (invitation_by_token(r->db, r->arena, r->param[1], &f->inv, &e) != 0) {
		if (e.kind == ERR_NOTFOUND)
			link_page(r, LINK_UNKNOWN);
		else
			reply_err(r, &e);
		return -1;
	}
	if ((s = invitation_state(&f->inv, clock_now())) != LINK_OK) {
		link_page(r, s);
		return -1;
	}
	return 0;
}

/* The access log (written when the request completes) names r->path: once the page is
 * written, the path is the route's pattern, so the token never reaches a log line. */
static int
unlogged(struct request *r, int rc)
{
	if (rc == HANDLER_DONE)
		r->path = r->route->pattern;
	return rc;
}

static int
invitation_get(struct request *r)
{
	struct accept_form *f = arena_alloc(r->arena, sizeof(*f));

	if (f == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, f) != 0)
		return HANDLER_DONE;
	return show(r, r->param[1], f, 200);
}

static void
hash_password(void *arg)
{
	struct accept_form *f = arg;

	f->hashed = password_hash(f->password, f->hash) == 0;
	sodium_memzero(f->password, strlen(f->password));
}

int
page_invitation(struct request *r)
{
	return unlogged(r, invitation_get(r));
}

static int
invitation_post(struct request *r)
{
	struct accept_form *f = r->state;
	const char *password;
	enum password_verdict v;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind == ERR_CONFLICT) {
			f->error = str_eq(r->write_err.field, "state")
					   ? _("This Member State has a focal point already: ask the secretariat.")
					   : _("An account with this email address exists already: log in instead.");
			return show(r, r->param[1], f, 409);
		}
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (f->x.state != LINK_OK)
			return link_page(r, f->x.state);
		log_info("msg=\"invitation accepted\" account=%lld id=%s", (long long)f->x.account_id, r->id);
		return layout_message(r, 201, _("Your account is ready"),
			       _("Log in with your email address and the password you chose."), "/login",
			       _("Log in"));
	}
	if (r->slow_queued) {
		if (!f->hashed)
			return reply_error(r, 503, _("The service is busy; try again."));
		f->x = (struct invitation_accept){ r->param[1], f->name, f->hash, r->client, LINK_UNKNOWN, 0 };
		return request_write(r, invitation_accept_fn, &f->x);
	}
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (load(r, f) != 0)
		return HANDLER_DONE;
	if ((f->name = form_account_value(r, "name")) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	password = upload_field(r, "password");
	if (!account_name_valid(f->name)) {
		f->err_name = _("Enter your name (at most 200 characters).");
		if (!utf8_valid(f->name, strlen(f->name)))
			f->name = NULL;
	}
	if ((v = password_check(password, f->inv.email, f->name)) != PASSWORD_OK)
		f->err_password = password_verdict_message(v);
	if (f->err_name || f->err_password)
		return show(r, r->param[1], f, 422);
	if ((f->password = arena_strdup(r->arena, password)) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_slow(r, hash_password, f);
}

int
page_invitation_post(struct request *r)
{
	return unlogged(r, invitation_post(r));
}

/* ---- A focal point's delegates ----------------------------------------------------------- */

static void
pending(struct request *r, const char *state)
{
	struct buf *b = &r->out;
	struct invitation *p = NULL;
	struct err e;
	int n = invitation_pending(r->db, r->arena, state, clock_now(), PENDING_SHOWN, &p, &e);

	H(b, "<h2>");
	html_text(b, _("Invitations not yet accepted"));
	H(b, "</h2>\n");
	if (n <= 0) {
		H(b, "<p>");
		html_text(b, n < 0 ? e.msg : _("None."));
		H(b, "</p>\n");
		return;
	}
	H(b, "<table class=\"audit invitations\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Email"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Role"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Invited by"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Link works until"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><td class=\"email\">");
		html_text(b, p[i].email);
		H(b, "</td><td>");
		html_text(b, role_as(r, p[i].role, p[i].state_code));
		H(b, "</td><td>");
		html_text(b, p[i].inviter_name);
		H(b, "</td><td>");
		view_time(r, p[i].expires_at);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
}

void
page_invitations_pending(struct request *r, const char *state)
{
	pending(r, state);
}

static int
delegates_show(struct request *r, struct invite_form *f, int status)
{
	struct buf *b = &r->out;
	struct account *a = NULL;
	const char *state = r->state_code, *region = NULL;
	struct err e;
	int n;

	buf_reset(b);
	layout_begin(r, _("Your state's delegates"));
	H(b, "<h1>");
	html_text(b, _("Your state's delegates"));
	H(b, "</h1>\n");
	if (state[0] == '\0') {	/* the secretariat: any state, from the form */
		H(b, "<p>");
		html_text(b, _("This is a focal point's page. The secretariat manages every account, and "
			       "invites delegates of any Member State, on the accounts page."));
		H(b, " <a href=\"/admin/accounts\">");
		html_text(b, _("Accounts"));
		H(b, "</a></p>\n<h2>");
		html_text(b, _("Invite a delegate"));
		H(b, "</h2>\n");
		form_invite(r, f, "/account/delegates/invite", NULL, "delegate", 1);
		goto out;
	}
	if (state_region(r->db, r->arena, state, &region, &e) != 0)
		return reply_err(r, &e);
	H(b, "<dl class=\"account\">\n");
	view_row(r, 1, _("Member State"), state_name(state));
	view_row(r, 1, _("Region"), state_region_label(region));
	H(b, "</dl>\n");
	if ((n = account_list(r->db, r->arena, state, NULL, 0, DELEGATES_SHOWN, &a, &e)) < 0)
		return reply_err(r, &e);
	H(b, "<table class=\"audit delegates\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Name"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Email"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Role"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Since"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><td>");
		html_text(b, a[i].name);
		H(b, "</td><td class=\"email\">");
		html_text(b, a[i].email);
		H(b, "</td><td>");
		html_text(b, form_account_role_label(a[i].role));
		H(b, "</td><td>");
		view_date(r, a[i].created_at);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
	pending(r, state);
	H(b, "<h2>");
	html_text(b, _("Invite a delegate"));
	H(b, "</h2>\n<p>");
	html_text(b, arena_printf(r->arena, _("The person invited becomes a delegate of %s."), state_name(state)));
	H(b, "</p>\n");
	form_invite(r, f, "/account/delegates/invite", NULL, NULL, 0);
out:
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_account_delegates(struct request *r)
{
	return delegates_show(r, NULL, 200);
}

int
page_account_delegates_invite(struct request *r)
{
	/* A focal point: delegates of its own state, whatever the form says. The secretariat (no
	 * state of its own): delegates of the state it chose. */
	return form_invite_post(r, "delegate", r->state_code[0] ? r->state_code : NULL, delegates_show);
}
