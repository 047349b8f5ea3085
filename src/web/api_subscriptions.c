/* api_subscriptions.c: POST /api/v1/subscriptions, the subscribe form as JSON
 * ({"email", "language", "kinds": [...], "frequency"}). 202 whether or not the address is
 * subscribed already (a confirmation mail is queued either way); 400 for a body that is not such
 * an object, 422 naming every field at fault. docs/MAIL-SUBSCRIPTIONS.md. */
#include <string.h>

#include "../domain/subscription.h"
#include "../util/str.h"
#include "form_account.h"
#include "handlers_subscriptions.h"
#include "reply.h"
#include "server.h"

struct api_sub {
	json_t *body;
	char kinds[128];
	struct subscription_new n;
};

static void
field_error(json_t *errors, const char *field, const char *message)
{
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", message));
}

int
api_subscription_create(struct request *r)
{
	struct api_sub *s = r->state;
	const char *email, *lang, *freq, *given[SUBSCRIPTION_KINDS + 1], *bad;
	json_t *kinds, *v, *errors;
	json_error_t je;
	enum lang l;
	size_t i;
	int n = 0;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		return reply_json(r, 202, json_pack("{s:s, s:s}", "status", "confirmation_sent", "detail",
						    "if this address can be subscribed, a mail with a link to "
						    "confirm it is on its way; nothing is sent until it is opened"));
	}
	if ((s = r->state = arena_alloc(r->arena, sizeof(*s))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	if (r->body_in.len == 0)
		return reply_problem(r, 400, NULL, "the request needs a JSON body", NULL);
	s->body = json_loadb(r->body_in.data, r->body_in.len, JSON_REJECT_DUPLICATES, &je);
	if (s->body == NULL)
		return reply_problem(r, 400, NULL,
				     arena_printf(r->arena, "malformed JSON at line %d, column %d: %s", je.line,
						  je.column, je.text),
				     NULL);
	r->json_body = s->body;	/* released when the request ends; the strings point into it */
	kinds = json_object_get(s->body, "kinds");
	if (!json_is_object(s->body) || !json_is_string(json_object_get(s->body, "email")) ||
	    !json_is_string(json_object_get(s->body, "language")) || !json_is_array(kinds) ||
	    (json_object_get(s->body, "frequency") != NULL && !json_is_string(json_object_get(s->body, "frequency"))))
		return reply_problem(r, 400, NULL,
				     "send an object with email, language (strings), kinds (an array of strings) "
				     "and optionally frequency (a string)",
				     NULL);
	email = json_string_value(json_object_get(s->body, "email"));
	lang = json_string_value(json_object_get(s->body, "language"));
	freq = json_string_value(json_object_get(s->body, "frequency"));
	if (freq == NULL)
		freq = "immediate";
	errors = json_array();
	if (!account_email_valid(email))
		field_error(errors, "email", "not one email address, such as name@example.org");
	if (lang_from_code(lang, &l) != 0 || strlen(lang) != 2)
		field_error(errors, "language", "unknown language: one of ar, zh, en, fr, ru, es");
	else
		lang = lang_code(l);
	json_array_foreach(kinds, i, v) {
		if (!json_is_string(v) || n == SUBSCRIPTION_KINDS + 1) {
			n = -1;
			break;
		}
		given[n++] = json_string_value(v);
	}
	if (n < 0 || subscription_kinds_join(given, n, s->kinds, &bad) != 0)
		field_error(errors, "kinds",
			    n >= 0 && bad == NULL ? "choose at least one kind"
						  : "unknown kind: each one of round_opened, round_closing, "
						    "summary_published, report_published, outcomes_published");
	if (!subscription_frequency_valid(freq))
		field_error(errors, "frequency", "unknown frequency: one of immediate, daily, weekly");
	if (json_array_size(errors) > 0) {
		const char *field = json_string_value(json_object_get(json_array_get(errors, 0), "field"));
		return reply_problem(r, 422, NULL, arena_printf(r->arena, "%s is not valid", field), errors);
	}
	json_decref(errors);
	s->n = (struct subscription_new){ .email = email, .lang = lang, .kinds = s->kinds, .frequency = freq,
					  .account_id = r->account_id, .address = r->client,
					  .link_s = r->srv->cfg->confirm_link_s };
	session_token_new(s->n.token);
	s->n.confirm_url = form_account_link(r, arena_printf(r->arena, "/subscriptions/confirm/%s?lang=%s",
							     s->n.token, lang));
	if (s->n.confirm_url == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	return request_write(r, subscription_new_fn, &s->n);
}
