/* form_account.c: fields, choosers, mail links and the invitation form shared by the account
 * pages. Everything is escaped; every form carries the CSRF token (checked centrally). */
#include "form_account.h"

#include <string.h>

#include "../domain/account.h"
#include "../domain/state.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "cookie.h"
#include "csrf.h"
#include "html.h"
#include "reply.h"
#include "server.h"
#include "upload.h"

static void
error_p(struct request *r, const char *name, const char *error)
{
	if (error == NULL)
		return;
	H(&r->out, "<p class=\"error\" id=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\" role=\"alert\">");
	html_text(&r->out, error);
	H(&r->out, "</p>\n");
}

static void
described(struct request *r, const char *name, const char *error)
{
	if (error == NULL)
		return;
	H(&r->out, " aria-invalid=\"true\" aria-describedby=\"err-");
	html_attr(&r->out, name);
	H(&r->out, "\"");
}

static void
label_for(struct request *r, const char *name, const char *label)
{
	H(&r->out, "<div class=\"field\">\n<label for=\"f-");
	html_attr(&r->out, name);
	H(&r->out, "\">");
	html_text(&r->out, label);
	H(&r->out, "</label>\n");
}

void
form_account_input(struct request *r, const char *name, const char *label, const char *type,
		   const char *value, const char *autocomplete, int maxlength, const char *error)
{
	struct buf *b = &r->out;

	label_for(r, name, label);
	error_p(r, name, error);
	H(b, "<input id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" type=\"");
	html_attr(b, type);
	H(b, "\" required maxlength=\"");
	html_int(b, maxlength);
	H(b, "\" autocomplete=\"");
	html_attr(b, autocomplete);
	H(b, "\"");
	if (value != NULL && strcmp(type, "password") != 0) {	/* a password is never sent back */
		H(b, " value=\"");
		html_attr(b, value);
		H(b, "\"");
	}
	described(r, name, error);
	H(b, ">\n</div>\n");
}

const char *
form_account_role_label(const char *role)
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
	return role ? role : "";
}

void
form_account_roles(struct request *r, const char *name, const char *label, const char *const *roles,
		   const char *selected, const char *error)
{
	struct buf *b = &r->out;

	label_for(r, name, label);
	error_p(r, name, error);
	H(b, "<select id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\"");
	described(r, name, error);
	H(b, ">\n");
	for (int i = 0; roles[i]; i++) {
		H(b, "<option value=\"");
		html_attr(b, roles[i]);
		H(b, "\"");
		if (str_eq(roles[i], selected))
			H(b, " selected");
		H(b, ">");
		html_text(b, form_account_role_label(roles[i]));
		H(b, "</option>\n");
	}
	H(b, "</select>\n</div>\n");
}

void
form_account_states(struct request *r, const char *name, const char *label, const char *selected,
		    int allow_none, const char *error)
{
	struct buf *b = &r->out;
	struct member_state *s = NULL;
	struct err e;
	int n = state_list(r->db, r->arena, &s, &e);

	label_for(r, name, label);
	error_p(r, name, error);
	if (allow_none) {
		H(b, "<p class=\"hint\" id=\"hint-");
		html_attr(b, name);
		H(b, "\">");
		html_text(b, _("(none: only delegates and focal points have one)"));
		H(b, "</p>\n");
	}
	/* A code typed or picked by name from the list, not a <select>: the accounts page's role
	 * forms share the same list, and two lists of 193 names would be 8 KB of a 40 KB page
	 * (docs/WEB.md). The domain checks the code. */
	H(b, "<input id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" type=\"text\" list=\"member-states\" maxlength=\"2\" size=\"4\" autocomplete=\"off\" value=\"");
	html_attr(b, selected ? selected : "");
	H(b, "\"");
	if (error != NULL)
		described(r, name, error);
	else if (allow_none) {
		H(b, " aria-describedby=\"hint-");
		html_attr(b, name);
		H(b, "\"");
	}
	H(b, ">\n</div>\n<datalist id=\"member-states\">\n");
	for (int i = 0; i < n; i++) {
		H(b, "<option value=\"");
		html_attr(b, s[i].code);
		H(b, "\">");	/* the text is the label; </option> is implied: 4 KB less */
		html_text(b, s[i].name);
		H(b, "\n");
	}
	H(b, "</datalist>\n");
}

/* A Host header fit for a link: letters, digits, '.', '-', ':', '[' and ']' only. */
static int
host_ok(const char *h)
{
	size_t n = h ? strlen(h) : 0;

	return n > 0 && n < 256 &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == n;
}

const char *
form_account_link(struct request *r, const char *path)
{
	const char *base = r->srv->cfg->public_url, *host = request_get_header(r, "Host");
	size_t n = strlen(base);

	if (n > 0)
		return arena_printf(r->arena, "%.*s%s", (int)(base[n - 1] == '/' ? n - 1 : n), base, path);
	return arena_printf(r->arena, "%s://%s%s", request_is_https(r) ? "https" : "http",
			    host_ok(host) ? host : "localhost", path);
}

const char *
form_account_value(struct request *r, const char *name)
{
	const char *v = upload_field(r, name);
	size_t n;

	if (v == NULL)
		return "";
	v += strspn(v, " \t");
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return arena_strndup(r->arena, v, n);
}

void
form_invite(struct request *r, const struct invite_form *f, const char *action, const char *const *roles,
	    const char *fixed_role, int choose_state)
{
	struct buf *b = &r->out;

	if (f != NULL && f->sent_to != NULL) {
		H(b, "<p class=\"notice\" role=\"status\">");
		long long days = (r->srv->cfg->invite_link_s + 86399) / 86400;
		html_text(b, arena_printf(r->arena, P_("The invitation to %s is in the outbox. Its link works for "
						       "%lld day.",
						       "The invitation to %s is in the outbox. Its link works for "
						       "%lld days.", (unsigned long)days),
					  f->sent_to, days));
		H(b, "</p>\n");
	}
	H(b, "<form class=\"invite\" method=\"post\" action=\"");
	html_attr(b, action);
	H(b, "\">\n");
	csrf_input(r);
	form_account_input(r, "email", _("Email address of the person invited"), "email",
			   f && !f->sent_to ? f->email : NULL, "off", ACCOUNT_EMAIL_MAX, f ? f->err_email : NULL);
	if (roles != NULL)
		form_account_roles(r, "role", _("Role"), roles, f ? f->role : NULL, f ? f->err_role : NULL);
	else if (fixed_role != NULL) {
		H(b, "<p>");
		html_text(b, arena_printf(r->arena, _("Role: %s"), form_account_role_label(fixed_role)));
		H(b, "</p>\n");
	}
	if (choose_state)
		form_account_states(r, "state", _("Member State (for a delegate or a focal point)"),
				    f ? f->state : NULL, roles != NULL, f ? f->err_state : NULL);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Send the invitation"));
	H(b, "</button></p>\n</form>\n");
}

/* The page's words for a refusal of the domain, by field. */
static void
domain_error(struct invite_form *f, const struct err *e)
{
	if (str_eq(e->field, "email"))
		f->err_email = e->kind == ERR_CONFLICT ? _("An account with this email address exists already.")
						       : _("Enter one email address.");
	else if (str_eq(e->field, "state"))
		f->err_state = e->kind == ERR_CONFLICT ? _("This Member State has a focal point already.")
						       : _("Choose the Member State of a delegate or a focal point.");
	else
		f->err_role = _("You may not invite someone to this role.");
}

/* The invitation mail, in the page's language. */
static int
compose(struct request *r, struct invite_form *f)
{
	struct account me;
	struct err e;
	char until[64];
	const char *as, *link;
	int64_t expires = clock_now() + r->srv->cfg->invite_link_s;

	if (account_get(r->db, r->arena, r->account_id, &me, &e) != 0)
		return -1;
	if (time_format_human(expires, lang_code(r->lang), TZ_UTC, 1, until, sizeof(until)) != 0)
		time_format_rfc3339(expires, until);
	as = form_account_role_label(f->role);
	if (account_role_has_state(f->role))
		as = arena_printf(r->arena, _("%s of %s"), as, state_name(f->state));
	session_token_new(f->token);
	link = form_account_link(r, arena_printf(r->arena, "/invitations/%s", f->token));
	f->v.mail.lang = lang_code(r->lang);
	f->v.mail.kind = "invitation";
	f->v.mail.subject = _("Your invitation to Agora");
	f->v.mail.body = arena_printf(r->arena,
				      _("Hello,\n\n%s invites you to Agora, the platform of the working group, as "
					"%s.\n\nTo accept, open this link and choose your name and a password:\n%s\n\n"
					"The link works until %s (UTC). If you did not expect this invitation, ignore "
					"this mail.\n"),
				      me.name, as, link, until);
	return as && link && f->v.mail.body ? 0 : -1;
}

int
form_invite_post(struct request *r, const char *forced_role, const char *forced_state, invite_show_fn show)
{
	struct invite_form *f = r->state;
	int bad = 0;

	if (r->write_queued) {
		if (r->write_rc != 0) {
			if (r->write_err.kind != ERR_INVALID && r->write_err.kind != ERR_CONFLICT)
				return reply_err(r, &r->write_err);
			domain_error(f, &r->write_err);
			return show(r, f, r->write_err.kind == ERR_CONFLICT ? 409 : 422);
		}
		log_info("msg=\"invitation queued\" invitation=%lld role=%s by=%lld id=%s", (long long)f->v.id,
			 f->role, (long long)r->account_id, r->id);
		f->sent_to = f->email;
		return show(r, f, 201);
	}
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	f->email = form_account_value(r, "email");
	f->role = forced_role ? forced_role : form_account_value(r, "role");
	f->state = forced_state ? forced_state : form_account_value(r, "state");
	if (f->email == NULL || f->role == NULL || f->state == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	if (!account_email_valid(f->email)) {
		f->err_email = _("Enter one email address.");
		bad = 1;
	}
	if (!invitation_may_invite(r->role, f->role)) {
		f->err_role = _("You may not invite someone to this role.");
		bad = 1;
	} else if (account_role_has_state(f->role) && !state_code_form(f->state)) {
		f->err_state = _("Choose the Member State of a delegate or a focal point.");
		bad = 1;
	}
	if (!account_role_has_state(f->role))
		f->state = NULL;
	if (bad)
		return show(r, f, 422);
	if (compose(r, f) != 0)
		return reply_error(r, 503, _("The service is busy; try again."));
	f->v.email = f->email;
	f->v.role = f->role;
	f->v.state_code = f->state;
	f->v.invited_by = r->account_id;
	f->v.inviter_role = r->role;
	f->v.inviter_state = r->state_code;
	f->v.token = f->token;
	f->v.link_s = r->srv->cfg->invite_link_s;
	f->v.address = r->client;
	return request_write(r, invitation_create_fn, &f->v);
}
