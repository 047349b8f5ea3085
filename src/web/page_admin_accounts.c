/* page_admin_accounts.c: the secretariat's accounts page: every account with its role, Member
 * State and region, confirmed or not, with a form to change its role and state (audited as
 * role_change); the invitations not yet accepted; and the form to invite focal points,
 * delegates, the chair and members of the secretariat. Access (ROLE_SECRETARIAT) and CSRF are
 * checked centrally. */
#include <stdlib.h>
#include <string.h>

#include "../domain/state.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "form_account.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

/* Accounts a page shows, newest first; "Older accounts" goes on from the last (a page of hundreds
 * of role forms would be far past a page's weight: docs/WEB.md). */
#define ACCOUNTS_SHOWN 10

static const char *const all_roles[] = { "stakeholder", "delegate", "focal_point", "chair", "secretariat", NULL };
static const char *const invite_roles[] = { "focal_point", "delegate", "chair", "secretariat", NULL };

struct role_form {
	struct account_role_change c;
	const char *error;	/* shown on the row of c.account_id */
};

static void
role_form(struct request *r, const struct account *a, const struct role_form *rf)
{
	struct buf *b = &r->out;
	const char *error = rf && rf->c.account_id == a->id ? rf->error : NULL;
	const char *id = arena_printf(r->arena, "%lld", (long long)a->id);

	H(b, "<form class=\"decision role\" method=\"post\" action=\"/admin/accounts/");
	html_int(b, a->id);
	H(b, "/role\">\n");
	csrf_input(r);
	if (error != NULL) {
		H(b, "<p class=\"error\" id=\"err-role-");
		html_attr(b, id);
		H(b, "\" role=\"alert\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
	H(b, "<label class=\"visually-hidden\" for=\"role-");
	html_attr(b, id);
	H(b, "\">");
	html_text(b, _("Role"));
	H(b, "</label>\n<select id=\"role-");
	html_attr(b, id);
	H(b, "\" name=\"role\"");
	if (error != NULL) {
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-role-");
		html_attr(b, id);
		H(b, "\"");
	}
	H(b, ">\n");
	for (int i = 0; all_roles[i]; i++) {
		H(b, "<option value=\"");
		html_attr(b, all_roles[i]);
		H(b, "\"");
		if (str_eq(all_roles[i], a->role))
			H(b, " selected");
		H(b, ">");
		html_text(b, form_account_role_label(all_roles[i]));
		H(b, "</option>\n");
	}
	H(b, "</select>\n<label class=\"visually-hidden\" for=\"state-");
	html_attr(b, id);
	H(b, "\">");
	html_text(b, _("Member State (code)"));
	H(b, "</label>\n<input id=\"state-");
	html_attr(b, id);
	H(b, "\" name=\"state\" type=\"text\" list=\"member-states\" maxlength=\"2\" size=\"3\" value=\"");
	html_attr(b, a->state_code);
	H(b, "\">\n<button type=\"submit\">");
	html_text(b, _("Change"));
	H(b, "</button></form>\n");
}

static int
show(struct request *r, struct invite_form *f, const struct role_form *rf, int64_t before, int status)
{
	struct buf *b = &r->out;
	struct account *a = NULL;
	const char *region;
	struct err e;
	int n = account_list(r->db, r->arena, NULL, NULL, before, ACCOUNTS_SHOWN + 1, &a, &e);
	int more = n > ACCOUNTS_SHOWN;

	if (n < 0)
		return reply_err(r, &e);
	if (more)
		n = ACCOUNTS_SHOWN;
	buf_reset(b);
	layout_begin(r, _("Accounts"));
	H(b, "<h1>");
	html_text(b, _("Accounts"));
	H(b, "</h1>\n<h2>");
	html_text(b, _("Invite someone"));
	H(b, "</h2>\n<p>");
	html_text(b, _("Focal points (one per Member State) invite their state's delegates themselves. "
		       "Stakeholders register on their own."));
	H(b, "</p>\n");
	form_invite(r, f, "/admin/accounts/invite", invite_roles, NULL, 1);
	page_invitations_pending(r, NULL);
	H(b, "<h2>");
	html_text(b, _("All accounts"));
	H(b, "</h2>\n");
	/* the role forms' state inputs use the invitation form's list of Member States */
	H(b, "<table class=\"audit accounts\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("Name"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Email"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Role"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Member State"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Region"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Email confirmed"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("Change the role"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		region = NULL;
		if (a[i].state_code[0] && state_region(r->db, r->arena, a[i].state_code, &region, &e) != 0)
			region = NULL;
		H(b, "<tr id=\"account-");
		html_int(b, a[i].id);
		H(b, "\"><td>");
		html_text(b, a[i].name);
		H(b, "</td><td class=\"email\">");
		html_text(b, a[i].email);
		H(b, "</td><td class=\"role\">");
		html_text(b, form_account_role_label(a[i].role));
		H(b, "</td><td>");
		html_text(b, state_name(a[i].state_code));
		H(b, "</td><td>");
		html_text(b, region ? state_region_label(region) : "");
		H(b, "</td><td>");
		if (a[i].confirmed_at != 0)
			view_date(r, a[i].confirmed_at);
		else
			html_text(b, _("Not yet"));
		H(b, "</td><td>");
		if (a[i].id != r->account_id)	/* one's own role is another member's to change */
			role_form(r, &a[i], rf);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
	if (more || before != 0) {
		H(b, "<nav class=\"pages\" aria-label=\"");
		html_attr(b, _("More accounts"));
		H(b, "\"><p>");
		if (before != 0) {
			H(b, "<a href=\"/admin/accounts\">");
			html_text(b, _("Newest accounts"));
			H(b, "</a>");
		}
		if (more) {
			H(b, "<a href=\"/admin/accounts?before=");
			html_int(b, a[n - 1].id);
			H(b, "\" rel=\"next\">");
			html_text(b, _("Older accounts"));
			H(b, "</a>");
		}
		H(b, "</p></nav>\n");
	}
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_admin_accounts(struct request *r)
{
	return show(r, NULL, NULL, r->param[1] ? strtoll(r->param[1], NULL, 10) : 0, 200);
}

static int
show_invite(struct request *r, struct invite_form *f, int status)
{
	return show(r, f, NULL, 0, status);
}

int
page_admin_invite(struct request *r)
{
	return form_invite_post(r, NULL, NULL, show_invite);
}

int
page_admin_account_role(struct request *r)
{
	struct role_form *rf = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0) {
			const struct err *e = &r->write_err;
			if (e->kind == ERR_NOTFOUND)
				return reply_error(r, 404, _("There is no account with this number."));
			if (e->kind != ERR_INVALID && e->kind != ERR_CONFLICT)
				return reply_err(r, e);
			if (str_eq(e->field, "state"))
				rf->error = e->kind == ERR_CONFLICT
						    ? _("This Member State has a focal point already.")
						    : _("A delegate or a focal point needs a Member State (a code such as "
							"CH); the other roles have none.");
			else
				rf->error = e->kind == ERR_CONFLICT ? _("You cannot change your own role.")
								    : _("Choose one of the roles.");
			/* the page that has the account first, so its form and error are there */
			return show(r, NULL, rf, rf->c.account_id + 1, e->kind == ERR_CONFLICT ? 409 : 422);
		}
		if (rf->c.changed)
			log_info("msg=\"role changed\" account=%lld role=%s by=%lld id=%s",
				 (long long)rf->c.account_id, rf->c.role, (long long)r->account_id, r->id);
		return reply_redirect(r, 303, arena_printf(r->arena, "/admin/accounts?before=%lld#account-%lld",
							   (long long)rf->c.account_id + 1, (long long)rf->c.account_id));
	}
	if ((rf = r->state = arena_alloc(r->arena, sizeof(*rf))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	rf->c.account_id = strtoll(r->param[1], NULL, 10);
	rf->c.role = form_account_value(r, "role");
	rf->c.state_code = form_account_value(r, "state");
	rf->c.by = r->account_id;
	rf->c.address = r->client;
	if (rf->c.role == NULL || rf->c.state_code == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_write(r, account_role_change_fn, rf);
}
