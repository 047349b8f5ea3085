/* page_account.c: the account page of whoever is logged in: who they are, their role, their API
 * tokens (create one, shown once; revoke one of their own) and their recent activity from the
 * audit log. Every form carries the session's CSRF token (checked centrally). */
#include <stdlib.h>
#include <string.h>

#include "../domain/account.h"
#include "../domain/audit.h"
#include "../domain/scope.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "upload.h"
#include "view.h"

#define LABEL_MAX 100
#define TOKENS_SHOWN 100
#define ACTIVITY_SHOWN 10

static const char *
role_label(const char *role)
{
	if (str_eq(role, "secretariat"))
		return _("Secretariat");
	if (str_eq(role, "chair"))
		return _("Chair or vice-chair");
	if (str_eq(role, "focal_point"))
		return _("Focal point");
	if (str_eq(role, "delegate"))
		return _("Delegate");
	if (str_eq(role, "stakeholder"))
		return _("Stakeholder");
	return role;
}

static const char *
action_label(const char *action)
{
	if (str_eq(action, "login"))
		return _("Logged in");
	if (str_eq(action, "login_failed"))
		return _("Failed login");
	if (str_eq(action, "login_throttled"))
		return _("Login refused: too many failures");
	if (str_eq(action, "logout"))
		return _("Logged out");
	if (str_eq(action, "token_create"))
		return _("API token created");
	if (str_eq(action, "token_revoke"))
		return _("API token revoked");
	if (str_eq(action, "register"))
		return _("Registered");
	if (str_eq(action, "confirm"))
		return _("Email address confirmed");
	if (str_eq(action, "invite"))
		return _("Invitation sent");
	if (str_eq(action, "invitation_accept"))
		return _("Invitation accepted");
	if (str_eq(action, "role_change"))
		return _("Role changed");
	return action;
}

/* What a token may do, for people: the scopes' descriptions, or that it reads only. */
static void
scope_list(struct request *r, const char *names)
{
	struct buf *b = &r->out;
	unsigned set;
	const char *bad, *sep = "";

	if (scope_parse(names, &set, &bad) != 0 || set == SCOPE_NONE) {
		html_text(b, _("read what is public"));
		return;
	}
	for (const struct scope_def *d = scope_defs; d->name; d++)
		if (set & d->bit) {
			buf_puts(b, sep);
			html_text(b, _(d->what));
			sep = "; ";
		}
}

static void
tokens(struct request *r)
{
	struct buf *b = &r->out;
	struct token_row *t = NULL;
	struct err e;
	int n = token_list(r->db, r->arena, r->account_id, TOKENS_SHOWN, &t, &e);

	H(b, "<h2>");
	html_text(b, _("API tokens"));
	H(b, "</h2>\n<p>");
	html_text(b, _("A token lets a program use the API in your name: send it as "
		       "“Authorization: Bearer TOKEN”. Revoke a token you no longer use."));
	H(b, "</p>\n");
	if (n <= 0) {
		H(b, "<p>");
		html_text(b, n < 0 ? e.msg : _("You have no API tokens."));
		H(b, "</p>\n");
	} else {
		H(b, "<table class=\"tokens\">\n<thead><tr><th scope=\"col\">");
		html_text(b, _("Label"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("May"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Created"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Last used"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("State"));
		H(b, "</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++) {
			H(b, "<tr id=\"token-");
			html_int(b, t[i].id);
			H(b, "\"><td>");
			html_text(b, t[i].label[0] ? t[i].label : _("(no label)"));
			H(b, "</td><td>");
			scope_list(r, t[i].scopes);
			H(b, "</td><td>");
			view_time(r, t[i].created_at);
			H(b, "</td><td>");
			if (t[i].last_used_at != 0)
				view_time(r, t[i].last_used_at);
			else
				html_text(b, _("never"));
			H(b, "</td><td>");
			if (t[i].revoked_at != 0) {
				html_text(b, _("Revoked"));
				H(b, " ");
				view_time(r, t[i].revoked_at);
			} else {
				H(b, "<form class=\"revoke\" method=\"post\" action=\"/account/tokens/");
				html_int(b, t[i].id);
				H(b, "/revoke\">\n");
				csrf_input(r);
				H(b, "<button type=\"submit\">");
				html_text(b, _("Revoke"));
				H(b, "</button></form>");
			}
			H(b, "</td></tr>\n");
		}
		H(b, "</tbody>\n</table>\n");
	}
}

/* The form; the scopes the account's role allows as checkboxes (checked: chosen). */
static void
new_token_form(struct request *r, const char *role, const char *label, unsigned chosen, const char *field,
	       const char *error)
{
	struct buf *b = &r->out;
	unsigned allowed = scope_allowed(role);

	H(b, "<h2>");
	html_text(b, _("New API token"));
	H(b, "</h2>\n<form class=\"token\" method=\"post\" action=\"/account/tokens\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n<label for=\"f-label\">");
	html_text(b, _("Label (what the token is for)"));
	H(b, "</label>\n");
	if (error != NULL && strcmp(field, "label") == 0) {
		H(b, "<p class=\"error\" id=\"err-label\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
	H(b, "<input id=\"f-label\" name=\"label\" type=\"text\" maxlength=\"100\" value=\"");
	html_attr(b, label ? label : "");
	H(b, "\"");
	if (error != NULL && strcmp(field, "label") == 0)
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-label\"");
	H(b, ">\n</div>\n");
	if (allowed != SCOPE_NONE) {
		H(b, "<fieldset class=\"field\"");
		if (error != NULL && strcmp(field, "scope") == 0)
			H(b, " aria-describedby=\"err-scope\"");
		H(b, ">\n<legend>");
		html_text(b, _("What the token may do"));
		H(b, "</legend>\n");
		if (error != NULL && strcmp(field, "scope") == 0) {
			H(b, "<p class=\"error\" id=\"err-scope\" role=\"alert\">");
			html_text(b, error);
			H(b, "</p>\n");
		}
		for (const struct scope_def *d = scope_defs; d->name; d++) {
			if (!(allowed & d->bit))
				continue;
			H(b, "<div class=\"choice\"><input type=\"checkbox\" id=\"f-scope-");
			html_attr(b, d->name);
			H(b, "\" name=\"scope_");
			html_attr(b, d->name);
			H(b, "\" value=\"1\"");
			if (chosen & d->bit)
				H(b, " checked");
			H(b, "> <label for=\"f-scope-");
			html_attr(b, d->name);
			H(b, "\">");
			html_text(b, _(d->what));
			H(b, "</label></div>\n");
		}
		H(b, "</fieldset>\n");
	} else {
		H(b, "<p class=\"hint\">");
		html_text(b, _("Tokens of your account read what is public; the API's changes are the "
			       "secretariat's."));
		H(b, "</p>\n");
	}
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Create a token"));
	H(b, "</button></p>\n</form>\n");
}

static void
activity(struct request *r)
{
	struct buf *b = &r->out;
	struct audit_entry *a = NULL;
	struct err e;
	int64_t older;
	int n = audit_list(r->db, r->arena, NULL, r->account_id, 0, ACTIVITY_SHOWN, &a, &older, &e);

	if (n <= 0)
		return;
	H(b, "<h2>");
	html_text(b, _("Recent activity"));
	H(b, "</h2>\n<table class=\"activity\">\n<thead><tr><th scope=\"col\">");
	html_text(b, _("When"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("What"));
	H(b, "</th><th scope=\"col\">");
	html_text(b, _("From"));
	H(b, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		H(b, "<tr><td>");
		view_time(r, a[i].at);
		H(b, "</td><td>");
		html_text(b, action_label(a[i].action));
		if (a[i].object[0]) {
			H(b, " <span class=\"object\">");
			html_text(b, a[i].object);	/* as given: an email typed at login */
			H(b, "</span>");
		}
		H(b, "</td><td>");
		html_text(b, a[i].address);
		H(b, "</td></tr>\n");
	}
	H(b, "</tbody>\n</table>\n");
}

/* The page; new_token (shown once) after a create; the form's values and an error on field
 * ("label" or "scope") after a refused one. */
static int
show(struct request *r, const char *new_token, const char *label, unsigned scopes, const char *field,
     const char *error, int status)
{
	struct buf *b = &r->out;
	struct account a;
	struct err e;

	if (account_get(r->db, r->arena, r->account_id, &a, &e) != 0)
		return reply_err(r, &e);
	buf_reset(b);
	layout_begin(r, _("Your account"));
	H(b, "<h1>");
	html_text(b, _("Your account"));
	H(b, "</h1>\n");
	if (new_token != NULL) {
		H(b, "<div class=\"notice\" role=\"status\"><p><strong>");
		html_text(b, _("Your new API token, shown only once:"));
		H(b, "</strong></p>\n<p><code class=\"new-token\">");
		html_text(b, new_token);
		H(b, "</code></p>\n<p>");
		html_text(b, _("Copy it now: only its hash is kept, so it cannot be shown again."));
		H(b, "</p></div>\n");
	}
	H(b, "<dl class=\"account\">\n<dt>");
	html_text(b, _("Name"));
	H(b, "</dt><dd>");
	html_text(b, a.name);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Email"));
	H(b, "</dt><dd>");
	html_text(b, a.email);
	H(b, "</dd>\n<dt>");
	html_text(b, _("Role"));
	H(b, "</dt><dd>");
	html_text(b, role_label(a.role));
	H(b, "</dd>\n</dl>\n");
	tokens(r);
	new_token_form(r, a.role, label, scopes, field ? field : "", error);
	activity(r);
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_account(struct request *r)
{
	return show(r, NULL, NULL, SCOPE_NONE, NULL, NULL, 200);
}

int
page_account_token_create(struct request *r)
{
	struct token_new *t = r->state;
	const char *label;
	unsigned chosen = SCOPE_NONE;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind == ERR_INVALID)
			return show(r, NULL, t->label, t->scopes, "scope",
				    _("Your account's role cannot hold this scope."), 422);
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"api token created\" account=%lld token=%lld id=%s", (long long)r->account_id,
			 (long long)t->id, r->id);
		return show(r, t->token, NULL, SCOPE_NONE, NULL, NULL, 201);
	}
	label = upload_field(r, "label");
	if (label == NULL)
		label = "";
	for (const struct scope_def *d = scope_defs; d->name; d++) {
		const char *v = upload_field(r, arena_printf(r->arena, "scope_%s", d->name));
		if (v != NULL && strcmp(v, "1") == 0)
			chosen |= d->bit;
	}
	if (!utf8_valid(label, strlen(label)) || utf8_chars(label, strlen(label)) > LABEL_MAX)
		return show(r, NULL, utf8_valid(label, strlen(label)) ? label : NULL, chosen, "label",
			    _("A label has at most 100 characters."), 422);
	if (scope_allowed(r->role) != SCOPE_NONE && chosen == SCOPE_NONE)
		return show(r, NULL, label, chosen, "scope", _("Choose at least one thing the token may do."), 422);
	if ((t = r->state = arena_alloc(r->arena, sizeof(*t))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	t->account_id = r->account_id;
	t->label = label;
	t->scopes = chosen;
	t->address = r->client;
	return request_write(r, token_create_fn, t);
}

int
page_account_token_revoke(struct request *r)
{
	struct token_revoke *t = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0 && r->write_err.kind == ERR_NOTFOUND)
			return reply_error(r, 404, _("You have no API token with this number."));
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (t->revoked)
			log_info("msg=\"api token revoked\" account=%lld token=%lld id=%s",
				 (long long)r->account_id, (long long)t->token_id, r->id);
		return reply_redirect(r, 303, "/account");
	}
	if ((t = r->state = arena_alloc(r->arena, sizeof(*t))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	t->account_id = r->account_id;
	t->token_id = strtoll(r->param[1], NULL, 10);
	t->address = r->client;
	return request_write(r, token_revoke_fn, t);
}
