/* form_account.h: what the account pages share (registration, invitations, the secretariat's
 * accounts, a focal point's delegates): fields with their error next to them, the role and
 * Member State choosers, links for mail, and the invitation form and its POST. */
#ifndef AGORA_FORM_ACCOUNT_H
#define AGORA_FORM_ACCOUNT_H
#include "../domain/invitation.h"
#include "../domain/session.h"
#include "request.h"

/* An input in a div.field: label, the error (p.error#err-NAME, role=alert) when there is one,
 * then the input tied to it with aria-describedby and aria-invalid. value may be NULL. */
void form_account_input(struct request *r, const char *name, const char *label, const char *type,
			const char *value, const char *autocomplete, int maxlength, const char *error);
/* A <select> of roles (NULL-terminated) with the selected one, in a div.field. */
void form_account_roles(struct request *r, const char *name, const char *label, const char *const *roles,
			const char *selected, const char *error);
/* A <select> of the Member States by name in the page's language, "" first when allow_none. */
void form_account_states(struct request *r, const char *name, const char *label, const char *selected,
			 int allow_none, const char *error);
/* "Secretariat", "Focal point"... in the page's language. */
const char *form_account_role_label(const char *role);
/* The absolute address of path for a mail: public-url, else the request's scheme and Host. */
const char *form_account_link(struct request *r, const char *path);
/* A form value trimmed of surrounding ASCII spaces ("" when absent). NULL when out of memory. */
const char *form_account_value(struct request *r, const char *name);

/* The invitation form and what it posted. */
struct invite_form {
	const char *email, *role, *state;	/* as typed (shown again) */
	const char *err_email, *err_role, *err_state;
	const char *sent_to;			/* after a success: the notice names the address */
	struct invitation_new v;
	char token[SESSION_TOKEN_LEN];
};
/* Writes the form posting to action: the email always; a role chooser when roles is not NULL
 * (else the role is fixed, named in fixed_role); a state chooser when choose_state. */
void form_invite(struct request *r, const struct invite_form *f, const char *action,
		 const char *const *roles, const char *fixed_role, int choose_state);
/* Shows the page again: with the errors, or with the notice after a success. */
typedef int (*invite_show_fn)(struct request *r, struct invite_form *f, int status);
/* The POST: the role is forced_role unless NULL (then the form's), the state is forced_state
 * unless NULL (then the form's): a focal point's own state is never taken from the form. Checks,
 * composes the mail in the page's language, writes; then show(). */
int form_invite_post(struct request *r, const char *forced_role, const char *forced_state, invite_show_fn show);

#endif
