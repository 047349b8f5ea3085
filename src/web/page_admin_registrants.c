/* page_admin_registrants.c: the secretariat's side of an open consultation meeting's
 * registration (docs/MEETINGS.md): the registrants with their emails (and as CSV), the places and
 * the closing time, the order of the speakers and the record. The public side is in
 * page_registration_meeting.c. */
#include <stdlib.h>
#include <string.h>
#include "../domain/country.h"
#include "../domain/meeting.h"
#include "../domain/registration_meeting.h"
#include "../domain/response.h"
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
#include "upload.h"
#include "view.h"
#include "view_meeting.h"
#include "form_registration.h"
#define BUSY _("The service is busy; try again.")

#define BUSY _("The service is busy; try again.")


/* What a refused secretariat form left, shown again next to its field. */
struct admin_refused {
	const char *field, *message;
	const char *cap_in, *cap_remote, *closes, *starts, *ends;
	const char *record, *record_lang;
};

static void
admin_input(struct request *r, const char *name, const char *label, const char *value, const char *hint,
	    const struct admin_refused *x)
{
	struct buf *b = &r->out;
	const char *error = x && str_eq(x->field, name) ? x->message : NULL;

	reg_field_begin(r, name, label, error);
	H(b, "<input id=\"f-");
	html_attr(b, name);
	H(b, "\" name=\"");
	html_attr(b, name);
	H(b, "\" type=\"text\" maxlength=\"40\" placeholder=\"");
	html_attr(b, hint);
	H(b, "\" value=\"");
	html_attr(b, value);
	H(b, "\"");
	reg_described(r, name, error);
	H(b, ">\n</div>\n");
}

static const char *
hhmm(struct request *r, int min)
{
	return min < 0 ? "" : arena_printf(r->arena, "%02d:%02d", min / 60, min % 60);
}

static void
settings_form(struct request *r, const struct mreg_meeting *g, const struct admin_refused *x)
{
	struct buf *b = &r->out;
	char closes[TIME_RFC3339_LEN] = "";

	if (g->has_registration)
		time_format_rfc3339(g->closes_at, closes);
	H(b, "<h2>");
	html_text(b, _("Registration settings"));
	H(b, "</h2>\n<form class=\"registration-settings\" method=\"post\" action=\"/admin/meetings/");
	html_int(b, g->number);
	H(b, "/registration\">\n");
	csrf_input(r);
	admin_input(r, "capacity_in_person", _("Places in person (0: none)"),
		    x && x->cap_in ? x->cap_in : arena_printf(r->arena, "%d", g->capacity_in_person), "40", x);
	admin_input(r, "capacity_remote", _("Remote places (0: unlimited)"),
		    x && x->cap_remote ? x->cap_remote : arena_printf(r->arena, "%d", g->capacity_remote), "0", x);
	admin_input(r, "closes_at", _("Registration closes at (UTC)"), x && x->closes ? x->closes : closes,
		    "2026-03-01T12:00:00Z", x);
	admin_input(r, "starts_time", _("Start time on the first day (HH:MM UTC, optional)"),
		    x && x->starts ? x->starts : hhmm(r, g->starts_min), "09:30", x);
	admin_input(r, "ends_time", _("End time on the last day (HH:MM UTC, optional)"),
		    x && x->ends ? x->ends : hhmm(r, g->ends_min), "17:30", x);
	H(b, "<p><button type=\"submit\">");
	html_text(b, _("Save the settings"));
	H(b, "</button></p>\n</form>\n");
}

static void
registrant_row(struct request *r, const struct mreg_registrant *g)
{
	struct buf *b = &r->out;

	H(b, "<tr");
	if (str_eq(g->status, "cancelled"))
		H(b, " class=\"cancelled\"");
	H(b, "><td>");
	html_int(b, g->id);
	H(b, "</td><td>");
	html_text(b, g->name);
	H(b, "</td><td>");
	html_text(b, g->organization);
	H(b, "</td><td>");
	html_text(b, country_name_local(g->country) ? country_name_local(g->country) : g->country);
	H(b, "</td><td>");
	html_text(b, stakeholder_label(g->stakeholder_type));
	H(b, "</td><td><a href=\"mailto:");
	html_attr(b, g->email);
	H(b, "\">");
	html_text(b, g->email);
	H(b, "</a></td><td>");
	html_text(b, str_eq(g->attendance, "in_person") ? _("In person") : _("Remote"));
	H(b, "</td><td>");
	html_text(b, g->wish_to_speak ? _("Yes") : _("No"));
	H(b, "</td><td>");
	if (g->response[0] != '\0') {
		H(b, "<a href=\"/responses/");
		html_url(b, g->response);
		H(b, "\">");
		html_text(b, g->response);
		H(b, "</a>");
	}
	H(b, "</td><td>");
	html_text(b, str_eq(g->status, "cancelled") ? C_("registration", "Cancelled") : C_("registration", "Registered"));
	H(b, "</td><td>");
	if (str_eq(g->status, "registered")) {
		H(b, "<input class=\"position\" type=\"text\" inputmode=\"numeric\" maxlength=\"3\" form=\"speakers\" "
		     "aria-label=\"");
		html_attr(b, arena_printf(r->arena, _("Speaking position of %s"), g->name));
		H(b, "\" name=\"pos_");
		html_int(b, g->id);
		H(b, "\" value=\"");
		if (g->position > 0)
			html_int(b, g->position);
		H(b, "\">");
	}
	H(b, "</td></tr>\n");
}

static int
admin_show(struct request *r, int number, const struct admin_refused *x, int status)
{
	struct buf *b = &r->out;
	struct meeting m;
	struct mreg_meeting g;
	struct mreg_registrant *list = NULL;
	struct mtext record;
	struct err e;
	const char *rec_lang, *rec_body, *order_error;
	enum lang rl;
	int n;

	if (meeting_get(r->db, r->arena, number, &m, &e) != 0 || mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return reg_not_found(r, &e);
	if (!str_eq(m.kind, "open_consultation"))
		return reply_error(r, 404, _("Only open consultation meetings take registrations."));
	if ((n = mreg_list(r->db, r->arena, m.id, &list, &e)) < 0 ||
	    mreg_record_get(r->db, r->arena, m.id, m.original, &record, &e) != 0)
		return reply_err(r, &e);
	buf_reset(b);
	layout_begin(r, _("Registrants"));
	H(b, "<p class=\"meta\"><a href=\"/meetings/");
	html_int(b, number);
	H(b, "\">");
	html_text(b, reg_meeting_title(r, &m));
	H(b, "</a></p>\n<h1>");
	html_text(b, _("Registrants"));
	H(b, "</h1>\n");
	if (x != NULL) {
		H(b, "<div class=\"error-summary\" role=\"alert\"><h2>");
		html_text(b, _("Nothing was changed"));
		H(b, "</h2>\n<p><a href=\"#f-");
		html_attr(b, x->field);
		H(b, "\">");
		html_text(b, x->message);
		H(b, "</a></p></div>\n");
	}
	H(b, "<p class=\"lead\">");
	html_text(b, arena_printf(r->arena, _("Registered: %s in person, %s remote."), view_num(r, g.n_in_person),
				  view_num(r, g.n_remote)));
	H(b, "</p>\n");
	if (g.has_registration)
		reg_places(r, &g);
	settings_form(r, &g, x);
	H(b, "<h2>");
	html_text(b, _("Registrants and the speakers list"));
	H(b, "</h2>\n<p><a href=\"/admin/meetings/");
	html_int(b, number);
	H(b, "/registrants.csv\">");
	html_text(b, _("Download the list (CSV)"));
	H(b, "</a></p>\n");
	if (n == 0) {
		H(b, "<p>");
		html_text(b, _("No one has registered yet."));
		H(b, "</p>\n");
	} else {
		order_error = x && str_eq(x->field, "order") ? x->message : NULL;
		H(b, "<form id=\"speakers\" method=\"post\" action=\"/admin/meetings/");
		html_int(b, number);
		H(b, "/speakers\">\n");
		csrf_input(r);
		H(b, "<p id=\"f-order\">");
		html_text(b, _("Give each speaker a position (1, 2, 3...) in the last column; leave it empty for "
			       "those who do not speak."));
		H(b, "</p>\n");
		if (order_error != NULL) {
			H(b, "<p class=\"error\" id=\"err-order\" role=\"alert\">");
			html_text(b, order_error);
			H(b, "</p>\n");
		}
		H(b, "</form>\n<table class=\"registrants\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">");
		html_text(b, _("Name"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Organization"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Country"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Stakeholder type"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Email"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Attendance"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Wishes to speak"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Response"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Status"));
		H(b, "</th><th scope=\"col\">");
		html_text(b, _("Speaking position"));
		H(b, "</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++)
			registrant_row(r, &list[i]);
		H(b, "</tbody>\n</table>\n<p><button type=\"submit\" form=\"speakers\">");
		html_text(b, _("Save the speakers list"));
		H(b, "</button></p>\n");
	}
	rec_lang = x && x->record_lang ? x->record_lang : lang_code(r->lang);
	if (x && x->record)
		rec_body = x->record;
	else
		rec_body = lang_from_code(rec_lang, &rl) == 0 ? record.body[rl] : NULL;
	H(b, "<h2>");
	html_text(b, _("Record of the meeting"));
	H(b, "</h2>\n<form class=\"record-form\" method=\"post\" action=\"/admin/meetings/");
	html_int(b, number);
	H(b, "/record\">\n");
	csrf_input(r);
	reg_field_begin(r, "record_lang", _("Language"), NULL);
	H(b, "<select id=\"f-record_lang\" name=\"record_lang\">\n");
	for (int l = 0; l < LANG_COUNT; l++)
		reg_option(r, lang_code((enum lang)l), lang_native_name((enum lang)l), rec_lang);
	H(b, "</select>\n</div>\n");
	reg_field_begin(r, "record", _("Record (Markdown; empty removes it in this language)"),
		    x && str_eq(x->field, "record") ? x->message : NULL);
	H(b, "<textarea id=\"f-record\" name=\"record\" rows=\"14\"");
	reg_described(r, "record", x && str_eq(x->field, "record") ? x->message : NULL);
	H(b, ">");
	html_text(b, rec_body);
	H(b, "</textarea>\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Save the record"));
	H(b, "</button></p>\n</form>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_admin_registrants(struct request *r)
{
	return admin_show(r, atoi(r->param[1]), NULL, 200);
}

/* One CSV cell: quoted, quotes doubled, and a leading = + - @ made inert for spreadsheets. */
static void
csv_cell(struct buf *b, const char *s, int last)
{
	buf_putc(b, '"');
	if (s != NULL && strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		buf_putc(b, '\'');
	for (; s != NULL && *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ",");
}

int
page_admin_registrants_csv(struct request *r)
{
	struct buf *b = &r->out;
	struct mreg_meeting g;
	struct mreg_registrant *list = NULL;
	struct err e;
	int number = atoi(r->param[1]), n;
	char when[TIME_RFC3339_LEN];

	if (mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return reg_not_found(r, &e);
	if ((n = mreg_list(r->db, r->arena, g.id, &list, &e)) < 0)
		return reply_err(r, &e);
	buf_reset(b);
	buf_puts(b, "id,name,organization,country,stakeholder_type,email,language,attendance,wish_to_speak,"
		    "publish_as,response,status,speaking_position,registered_at\r\n");
	for (int i = 0; i < n; i++) {
		const struct mreg_registrant *x = &list[i];
		buf_printf(b, "%lld,", (long long)x->id);
		csv_cell(b, x->name, 0);
		csv_cell(b, x->organization, 0);
		csv_cell(b, x->country, 0);
		csv_cell(b, x->stakeholder_type, 0);
		csv_cell(b, x->email, 0);
		csv_cell(b, x->language, 0);
		csv_cell(b, x->attendance, 0);
		csv_cell(b, x->wish_to_speak ? "yes" : "no", 0);
		csv_cell(b, x->publish_as, 0);
		csv_cell(b, x->response, 0);
		csv_cell(b, x->status, 0);
		buf_printf(b, "%d,", x->position);
		time_format_rfc3339(x->created_at, when);
		csv_cell(b, when, 1);
	}
	r->content_type = "text/csv; charset=utf-8";
	request_header(r, "Content-Disposition",
		       arena_printf(r->arena, "attachment; filename=\"meeting-%d-registrants.csv\"", number));
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}

static struct admin_refused *
refused(struct request *r, const char *field, const char *message)
{
	struct admin_refused *x = arena_alloc(r->arena, sizeof(*x));

	if (x != NULL) {
		x->field = field;
		x->message = message;
	}
	return x;
}

/* A whole number in 0..max, else -1. */
static int
small_int(const char *s, int max)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 0 && v <= max ? (int)v : -1;
}

/* "HH:MM" to minutes; "" is -1 (not known); -2 when malformed. */
static int
parse_hhmm(const char *s)
{
	if (s == NULL || *s == '\0')
		return -1;
	if (strlen(s) != 5 || s[2] != ':' || small_int((char[]){ s[0], s[1], 0 }, 23) < 0 ||
	    small_int((char[]){ s[3], s[4], 0 }, 59) < 0)
		return -2;
	return atoi(s) * 60 + atoi(s + 3);
}

static int
admin_after_write(struct request *r, int number, struct admin_refused *x, const char *anchor)
{
	if (r->write_rc == 0)
		return reply_redirect(r, 303, arena_printf(r->arena, "/admin/meetings/%d/registrants#%s", number, anchor));
	if (r->write_err.kind == ERR_NOTFOUND)
		return reg_not_found(r, &r->write_err);
	if (r->write_err.kind == ERR_INVALID && x != NULL)
		return admin_show(r, number, x, 422);
	if (r->write_err.kind == ERR_CONFLICT)
		return reply_error(r, 409, _("Only open consultation meetings take registrations."));
	return reply_err(r, &r->write_err);
}

int
page_admin_registration_settings(struct request *r)
{
	struct mreg_settings *s = r->state;
	struct admin_refused *x;
	int number = atoi(r->param[1]);
	const char *closes;

	if (r->write_queued)
		return admin_after_write(r, number, NULL, "f-capacity_in_person");
	if ((x = refused(r, NULL, NULL)) == NULL || (s = r->state = arena_alloc(r->arena, sizeof(*s))) == NULL)
		return reply_error(r, 503, BUSY);
	x->cap_in = form_account_value(r, "capacity_in_person");
	x->cap_remote = form_account_value(r, "capacity_remote");
	x->closes = closes = form_account_value(r, "closes_at");
	x->starts = form_account_value(r, "starts_time");
	x->ends = form_account_value(r, "ends_time");
	if (!x->cap_in || !x->cap_remote || !x->closes || !x->starts || !x->ends)
		return reply_error(r, 503, BUSY);
	s->number = number;
	s->account_id = r->account_id;
	s->address = r->client;
	s->capacity_in_person = small_int(x->cap_in, MREG_CAPACITY_MAX);
	s->capacity_remote = small_int(x->cap_remote, MREG_CAPACITY_MAX);
	s->starts_min = parse_hhmm(x->starts);
	s->ends_min = parse_hhmm(x->ends);
	if (s->capacity_in_person < 0)
		x->field = "capacity_in_person", x->message = _("Give a whole number of places from 0 to 100000.");
	else if (s->capacity_remote < 0)
		x->field = "capacity_remote", x->message = _("Give a whole number of places from 0 to 100000.");
	else if (time_parse_rfc3339(closes, &s->closes_at) != 0)
		x->field = "closes_at", x->message = _("Give a date and time such as 2026-03-01T12:00:00Z.");
	else if (s->starts_min == -2)
		x->field = "starts_time", x->message = _("Give a time such as 09:30, or leave it empty.");
	else if (s->ends_min == -2)
		x->field = "ends_time", x->message = _("Give a time such as 09:30, or leave it empty.");
	if (x->field != NULL) {
		for (const char **v = (const char *[]){ x->cap_in, x->cap_remote, x->closes, x->starts, x->ends, NULL };
		     *v; v++)
			if (!utf8_valid(*v, strlen(*v)))
				return reply_error(r, 400, _("The form is not valid UTF-8 text."));
		return admin_show(r, number, x, 422);
	}
	return request_write(r, mreg_settings_fn, s);
}

/* Sorts (position, id) pairs by position. */
struct slot {
	int position;
	int64_t id;
};
static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->position - y->position;
}

int
page_admin_speakers(struct request *r)
{
	struct mreg_order *o = r->state;
	struct mreg_registrant *list = NULL;
	struct mreg_meeting g;
	struct slot *slots;
	struct err e;
	int number = atoi(r->param[1]), n, k = 0;

	if (r->write_queued)
		return admin_after_write(r, number,
					 refused(r, "order", _("The list names someone who is no longer registered; "
							       "reload the page.")),
					 "speakers");
	if (mreg_meeting_get(r->db, r->arena, number, &g, &e) != 0)
		return reg_not_found(r, &e);
	if ((n = mreg_list(r->db, r->arena, g.id, &list, &e)) < 0)
		return reply_err(r, &e);
	if ((o = r->state = arena_alloc(r->arena, sizeof(*o))) == NULL ||
	    (slots = arena_alloc(r->arena, sizeof(*slots) * (size_t)(n + 1))) == NULL)
		return reply_error(r, 503, BUSY);
	for (int i = 0; i < n; i++) {
		const char *v;
		int pos;
		if (!str_eq(list[i].status, "registered"))
			continue;
		v = form_account_value(r, arena_printf(r->arena, "pos_%lld", (long long)list[i].id));
		if (v == NULL || *v == '\0')
			continue;
		if ((pos = small_int(v, 999)) < 1)
			return admin_show(r, number, refused(r, "order", _("Give each position as a whole number from 1 "
									   "to 999.")),
					  422);
		for (int j = 0; j < k; j++)
			if (slots[j].position == pos)
				return admin_show(r, number,
						  refused(r, "order", _("Two speakers have the same position.")), 422);
		if (k == MREG_SPEAKERS_MAX)
			return admin_show(r, number, refused(r, "order", _("The speakers list is too long.")), 422);
		slots[k++] = (struct slot){ pos, list[i].id };
	}
	qsort(slots, (size_t)k, sizeof(*slots), slot_cmp);
	o->number = number;
	o->n = k;
	for (int i = 0; i < k; i++)
		o->ids[i] = slots[i].id;
	o->account_id = r->account_id;
	o->address = r->client;
	return request_write(r, mreg_order_fn, o);
}

int
page_admin_record(struct request *r)
{
	struct mreg_record *c = r->state;
	struct admin_refused *x;
	int number = atoi(r->param[1]);
	const char *lang, *body;

	if (r->write_queued) {
		x = refused(r, "record", _("Give a record of at most 100000 characters."));
		if (x != NULL) {
			x->record = c->body;
			x->record_lang = lang_code(c->lang);
		}
		return admin_after_write(r, number, x, "f-record");
	}
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_error(r, 503, BUSY);
	lang = upload_field(r, "record_lang");
	body = upload_field(r, "record");
	if (body == NULL)
		body = "";
	if (lang == NULL || lang_from_code(lang, &c->lang) != 0)
		return reply_error(r, 400, _("Choose the record's language."));
	if (!utf8_valid(body, strlen(body)))
		return reply_error(r, 400, _("The form is not valid UTF-8 text."));
	if (utf8_chars(body, strlen(body)) > MREG_RECORD_MAX_CHARS) {
		if ((x = refused(r, "record", _("Give a record of at most 100000 characters."))) == NULL)
			return reply_error(r, 503, BUSY);
		x->record = body;
		x->record_lang = lang;
		return admin_show(r, number, x, 422);
	}
	c->number = number;
	c->body = body;
	c->account_id = r->account_id;
	c->address = r->client;
	return request_write(r, mreg_record_fn, c);
}
