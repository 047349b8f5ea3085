/* page_subscribe.c: subscribing to notices (docs/MAIL-SUBSCRIPTIONS.md). /subscribe takes an
 * address, the mails' language, the kinds of notice and how often, and answers the same whether
 * or not the address is subscribed already; the confirmation link's GET shows a button whose
 * POST confirms (mail scanners fetch links); the unsubscribe link's GET shows a button, and its
 * POST (RFC 8058 one-click, no login: the token is the authority) unsubscribes. A link unknown,
 * used or expired, or a token of another subscription: a page that says so, nothing changed. */
#include <stdlib.h>
#include <string.h>

#include "../domain/subscription.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/str.h"
#include "csrf.h"
#include "form_account.h"
#include "handlers_subscriptions.h"
#include "html.h"
#include "layout.h"
#include "reply.h"
#include "server.h"
#include "upload.h"

struct subscribe_form {
	const char *email, *lang, *frequency;
	char kinds[128];
	const char *given_kinds[SUBSCRIPTION_KINDS + 1];	/* as posted, for the form again */
	int ngiven;
	const char *err_email, *err_lang, *err_kinds, *err_frequency;
	struct subscription_new n;
};

static const char *
kind_label(int k)
{
	switch (k) {
	case 0: return _("A consultation opens");
	case 1: return _("A consultation closes in 7 days, and in 24 hours");
	case 2: return _("The summary of a consultation is published");
	case 3: return _("A report is published");
	default: return _("A meeting's outcomes are published");
	}
}

static const char *
frequency_label(int i)
{
	return i == 0 ? _("Each notice at once") : i == 1 ? _("One daily digest") : _("One weekly digest");
}

static void
error_p(struct buf *b, const char *id, const char *error)
{
	if (error == NULL)
		return;
	H(b, "<p class=\"error\" id=\"err-");
	html_attr(b, id);
	H(b, "\" role=\"alert\">");
	html_text(b, error);
	H(b, "</p>\n");
}

static int
given(const struct subscribe_form *f, const char *kind)
{
	if (f == NULL)
		return 1;	/* a new form: everything ticked */
	for (int i = 0; i < f->ngiven; i++)
		if (str_eq(f->given_kinds[i], kind))
			return 1;
	return 0;
}

static int
show(struct request *r, const struct subscribe_form *f, int status)
{
	static const char *const freqs[] = { "immediate", "daily", "weekly" };
	struct buf *b = &r->out;
	const char *lang = f && f->lang ? f->lang : lang_code(r->lang);
	const char *freq = f && f->frequency ? f->frequency : "immediate";

	buf_reset(b);
	layout_begin(r, _("Subscribe to notices"));
	H(b, "<h1>");
	html_text(b, _("Subscribe to notices"));
	H(b, "</h1>\n<p>");
	html_text(b, _("Get a mail when a consultation opens or is about to close, and when summaries, reports "
		       "and meeting outcomes are published. No account is needed. We first send a link to your "
		       "address to confirm it."));
	H(b, "</p>\n<form class=\"login\" method=\"post\" action=\"/subscribe\">\n");
	csrf_input(r);
	form_account_input(r, "email", _("Email"), "email", f ? f->email : NULL, "email", 254, f ? f->err_email : NULL);
	H(b, "<div class=\"field\">\n<label for=\"f-language\">");
	html_text(b, _("Language of the mails"));
	H(b, "</label>\n");
	error_p(b, "language", f ? f->err_lang : NULL);
	H(b, "<select id=\"f-language\" name=\"language\"");
	if (f && f->err_lang)
		H(b, " aria-invalid=\"true\" aria-describedby=\"err-language\"");
	H(b, ">\n");
	for (int l = 0; l < LANG_COUNT; l++) {
		H(b, "<option value=\"");
		html_attr(b, lang_code(l));
		H(b, "\"");
		if (str_eq(lang, lang_code(l)))
			H(b, " selected");
		H(b, ">");
		html_text(b, lang_native_name(l));
		H(b, "</option>\n");
	}
	H(b, "</select>\n</div>\n<fieldset>\n<legend>");
	html_text(b, _("What to receive"));
	H(b, "</legend>\n");
	error_p(b, "kinds", f ? f->err_kinds : NULL);
	for (int k = 0; k < SUBSCRIPTION_KINDS; k++) {
		H(b, "<div class=\"field\"><label><input type=\"checkbox\" name=\"kinds\" value=\"");
		html_attr(b, subscription_kinds[k]);
		H(b, "\"");
		if (given(f, subscription_kinds[k]))
			H(b, " checked");
		H(b, "> ");
		html_text(b, kind_label(k));
		H(b, "</label></div>\n");
	}
	H(b, "</fieldset>\n<fieldset>\n<legend>");
	html_text(b, _("How often"));
	H(b, "</legend>\n");
	error_p(b, "frequency", f ? f->err_frequency : NULL);
	for (int i = 0; i < 3; i++) {
		H(b, "<div class=\"field\"><label><input type=\"radio\" name=\"frequency\" value=\"");
		html_attr(b, freqs[i]);
		H(b, "\"");
		if (str_eq(freq, freqs[i]))
			H(b, " checked");
		H(b, "> ");
		html_text(b, frequency_label(i));
		H(b, "</label></div>\n");
	}
	H(b, "</fieldset>\n<p><button type=\"submit\">");
	html_text(b, _("Subscribe"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_subscribe(struct request *r)
{
	return show(r, NULL, 200);
}

int
page_subscribe_post(struct request *r)
{
	struct subscribe_form *f = r->state;
	struct upload *u = r->upload;
	const char *bad;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"subscription\" id=%s subscription=%lld", r->id, (long long)f->n.id);
		/* the same answer whether the address was subscribed or not */
		return layout_message(r, 200, _("Check your mail"),
			       _("If this address can be subscribed, a mail with a link to confirm it is on its way. "
				 "Nothing is sent until the link is opened."),
			       NULL, NULL);
	}
	if ((f = r->state = arena_alloc(r->arena, sizeof(*f))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	f->email = form_account_value(r, "email");
	f->lang = upload_field(r, "language");
	f->frequency = upload_field(r, "frequency");
	if (f->email == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	for (int i = 0; u != NULL && i < u->nfields; i++)
		if (strcmp(u->field[i].name, "kinds") == 0) {
			if (f->ngiven == SUBSCRIPTION_KINDS + 1) {
				f->err_kinds = _("Choose kinds of notice from the list only.");
				break;
			}
			f->given_kinds[f->ngiven++] = u->field[i].value.data ? u->field[i].value.data : "";
		}
	if (!account_email_valid(f->email))
		f->err_email = _("Enter one email address, such as name@example.org.");
	if (f->lang == NULL || !(str_eq(f->lang, "ar") || str_eq(f->lang, "zh") || str_eq(f->lang, "en") ||
				 str_eq(f->lang, "fr") || str_eq(f->lang, "ru") || str_eq(f->lang, "es"))) {
		f->err_lang = _("Choose one of the six languages.");
		f->lang = NULL;
	}
	if (f->err_kinds == NULL && subscription_kinds_join(f->given_kinds, f->ngiven, f->kinds, &bad) != 0)
		f->err_kinds = bad ? _("Choose kinds of notice from the list only.")
				   : _("Choose at least one kind of notice.");
	if (!subscription_frequency_valid(f->frequency)) {
		f->err_frequency = _("Choose at once, daily or weekly.");
		f->frequency = NULL;
	}
	if (f->err_email || f->err_lang || f->err_kinds || f->err_frequency) {
		if (!utf8_valid(f->email, strlen(f->email)))
			f->email = NULL;
		return show(r, f, 422);
	}
	f->n = (struct subscription_new){ .email = f->email, .lang = f->lang, .kinds = f->kinds,
					  .frequency = f->frequency, .account_id = r->account_id,
					  .address = r->client, .link_s = r->srv->cfg->confirm_link_s };
	session_token_new(f->n.token);
	f->n.confirm_url = form_account_link(r, arena_printf(r->arena, "/subscriptions/confirm/%s?lang=%s",
							     f->n.token, f->lang));
	if (f->n.confirm_url == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	return request_write(r, subscription_new_fn, &f->n);
}

/* The confirmation link's answer when it is not usable. */
static int
confirm_refused(struct request *r, enum link_state s)
{
	if (s == LINK_USED)
		return layout_message(r, 410, _("This link was used already"), _("This subscription is confirmed already."),
			       "/subscribe", _("Subscribe to notices"));
	if (s == LINK_EXPIRED)
		return layout_message(r, 410, _("This link has expired"),
			       _("Confirmation links work for a limited time. Subscribe again to get a new link."),
			       "/subscribe", _("Subscribe to notices"));
	return layout_message(r, 404, _("This link is not valid"),
		       _("Check that the whole link from the mail was opened, or subscribe again."), "/subscribe",
		       _("Subscribe to notices"));
}

int
page_subscription_confirm(struct request *r)
{
	struct buf *b = &r->out;
	const char *token = r->param[1];
	enum link_state s;
	struct err e;

	if (subscription_confirm_state(r->db, token, clock_now(), &s, NULL, &e) != 0)
		return reply_err(r, &e);
	if (s != LINK_OK)
		return confirm_refused(r, s);
	buf_reset(b);
	layout_begin(r, _("Confirm your subscription"));
	H(b, "<h1>");
	html_text(b, _("Confirm your subscription"));
	H(b, "</h1>\n<form class=\"login\" method=\"post\" action=\"/subscriptions/confirm/");
	html_url(b, token);
	H(b, "?lang=");
	html_url(b, lang_code(r->lang));
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Confirm my subscription"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

int
page_subscription_confirm_post(struct request *r)
{
	struct subscription_confirm *c = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (c->state != LINK_OK)
			return confirm_refused(r, c->state);
		log_info("msg=\"subscription confirmed\" subscription=%lld id=%s", (long long)c->id, r->id);
		return layout_message(r, 200, _("Your subscription is confirmed"),
			       _("Notices will come to your address as you chose. Each mail has a link to unsubscribe."),
			       "/consultations", _("See all consultations"));
	}
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	c->token = r->param[1];
	c->address = r->client;
	if (!session_token_valid(c->token))
		return confirm_refused(r, LINK_UNKNOWN);
	return request_write(r, subscription_confirm_fn, c);
}

/* The unsubscribe link's answer when it is not usable. */
static int
unsub_refused(struct request *r, enum unsub_state s)
{
	if (s == UNSUB_DONE)
		return layout_message(r, 410, _("You are unsubscribed already"),
			       _("This subscription has ended: nothing more is sent to it."), "/subscribe",
			       _("Subscribe to notices"));
	return layout_message(r, 403, _("This link is not valid"),
		       _("This unsubscribe link does not belong to this subscription. Use the link from the mail "
			 "as it is."),
		       NULL, NULL);
}

static int64_t
path_id(struct request *r)
{
	return r->param[1] != NULL ? strtoll(r->param[1], NULL, 10) : 0;
}

int
page_unsubscribe(struct request *r)
{
	struct buf *b = &r->out;
	enum unsub_state s;
	struct err e;

	if (subscription_unsub_state(r->db, path_id(r), r->param[2], &s, NULL, &e) != 0)
		return reply_err(r, &e);
	if (s != UNSUB_OK)
		return unsub_refused(r, s);
	buf_reset(b);
	layout_begin(r, _("Unsubscribe"));
	H(b, "<h1>");
	html_text(b, _("Unsubscribe"));
	H(b, "</h1>\n<p>");
	html_text(b, _("Stop every notice sent to this address?"));
	H(b, "</p>\n<form class=\"login\" method=\"post\" action=\"/subscriptions/");
	html_url(b, r->param[1]);
	H(b, "/unsubscribe/");
	html_url(b, r->param[2]);
	H(b, "?lang=");
	html_url(b, lang_code(r->lang));
	H(b, "\">\n");
	csrf_input(r);
	H(b, "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n<p><button type=\"submit\">");
	html_text(b, _("Unsubscribe"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

/* RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" to the link, without a session or a
 * CSRF token (the route is not ROUTE_PAGE, so only a session's own POSTs need the token). */
int
page_unsubscribe_post(struct request *r)
{
	struct subscription_unsub *u = r->state;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		if (u->state != UNSUB_OK)
			return unsub_refused(r, u->state);
		log_info("msg=\"unsubscribed\" subscription=%lld id=%s", (long long)u->id, r->id);
		return layout_message(r, 200, _("You are unsubscribed"),
			       _("No more notices will be sent to this address. You can subscribe again at any time."),
			       "/subscribe", _("Subscribe to notices"));
	}
	if ((u = r->state = arena_alloc(r->arena, sizeof(*u))) == NULL)
		return reply_error(r, 503, _("The service is busy; try again."));
	u->id = path_id(r);
	u->token = r->param[2];
	u->address = r->client;
	if (!session_token_valid(u->token))
		return unsub_refused(r, UNSUB_UNKNOWN);
	return request_write(r, subscription_unsub_fn, u);
}
