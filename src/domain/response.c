/* response.c: response input, validation, display names and JSON. The store side is in
 * response_store.c. */
#include "response.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ustring.h>

#include "../util/str.h"
#include "../util/timefmt.h"
#include "country.h"

#define MAX_NAME_CHARS 200
#define MAX_SUMMARY_CHARS 5000
#define MAX_ANSWER_CHARS 20000
#define MAX_EMAIL_BYTES 254

const char *const stakeholder_types[] = { "government", "private_sector", "civil_society",
					  "academia", "technical_community",
					  "international_organization", "individual", NULL };

const char *
stakeholder_label(const char *type)
{
	if (str_eq(type, "government")) return _("Government");
	if (str_eq(type, "private_sector")) return _("Private sector");
	if (str_eq(type, "civil_society")) return _("Civil society");
	if (str_eq(type, "academia")) return _("Academia");
	if (str_eq(type, "technical_community")) return _("Technical community");
	if (str_eq(type, "international_organization")) return _("International organization");
	if (str_eq(type, "individual")) return _("Individual");
	return type;
}

void
field_error_add(struct field_errors *fe, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (fe->n == RESPONSE_MAX_ERRORS || field_error_for(fe, field) != NULL)
		return;	/* one message per field is enough */
	snprintf(fe->e[fe->n].field, sizeof(fe->e[fe->n].field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(fe->e[fe->n].msg, sizeof(fe->e[fe->n].msg), fmt, ap);
	va_end(ap);
	fe->n++;
}

const char *
field_error_for(const struct field_errors *fe, const char *field)
{
	for (int i = 0; i < fe->n; i++)
		if (strcmp(fe->e[i].field, field) == 0)
			return fe->e[i].msg;
	return NULL;
}

json_t *
field_errors_json(const struct field_errors *fe)
{
	json_t *a = json_array();

	for (int i = 0; i < fe->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "field", fe->e[i].field, "message",
						   fe->e[i].msg));
	return a;
}

static const char *
str_field(json_t *obj, const char *key, const char *field, struct field_errors *fe)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		field_error_add(fe, field, "must be a string");
		return NULL;
	}
	if (!utf8_valid(json_string_value(v), json_string_length(v))) {
		field_error_add(fe, field, "must be UTF-8 text without NUL characters");
		return NULL;
	}
	return json_string_value(v);
}

void
response_input_from_json(json_t *j, struct response_input *in, struct field_errors *fe)
{
	json_t *resp, *answers, *a;
	size_t i;

	memset(in, 0, sizeof(*in));
	if (!json_is_object(j)) {
		field_error_add(fe, "body", "must be a JSON object");
		return;
	}
	resp = json_object_get(j, "respondent");
	if (!json_is_object(resp)) {
		field_error_add(fe, "respondent", "is required: an object with name, organization, "
						  "job_title, country, stakeholder_type and email");
	} else {
		in->name = str_field(resp, "name", "respondent.name", fe);
		in->organization = str_field(resp, "organization", "respondent.organization", fe);
		in->job_title = str_field(resp, "job_title", "respondent.job_title", fe);
		in->country = str_field(resp, "country", "respondent.country", fe);
		in->stakeholder_type = str_field(resp, "stakeholder_type", "respondent.stakeholder_type", fe);
		in->email = str_field(resp, "email", "respondent.email", fe);
	}
	in->publish_as = str_field(j, "publish_as", "publish_as", fe);
	in->language = str_field(j, "language", "language", fe);
	in->summary = str_field(j, "summary", "summary", fe);
	answers = json_object_get(j, "answers");
	if (answers != NULL && !json_is_array(answers)) {
		field_error_add(fe, "answers", "must be a list of {\"question\": N, \"text\": \"...\"}");
		return;
	}
	json_array_foreach(answers, i, a) {
		char field[48];
		json_t *q = json_object_get(a, "question");
		snprintf(field, sizeof(field), "answers[%zu]", i);
		if (in->nanswers == CONSULTATION_MAX_QUESTIONS) {
			field_error_add(fe, "answers", "has more answers than questions");
			return;
		}
		if (!json_is_integer(q)) {
			field_error_add(fe, field, "needs a question number");
			continue;
		}
		in->answers[in->nanswers].question = json_integer_value(q) > 1000 ? 1000 :
						     json_integer_value(q) < 0 ? 0 : (int)json_integer_value(q);
		snprintf(field, sizeof(field), "answers[%zu].text", i);
		in->answers[in->nanswers].text = str_field(a, "text", field, fe);
		if (in->answers[in->nanswers].text == NULL)
			field_error_add(fe, field, "is required");
		in->nanswers++;
	}
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static void
text_rule(struct field_errors *fe, const char *field, const char *s, size_t max, int required)
{
	if (blank(s)) {
		if (required)
			field_error_add(fe, field, "%s", _("This field is required."));
		return;
	}
	if (!utf8_valid(s, strlen(s)))
		field_error_add(fe, field, "%s", _("This text is not valid UTF-8."));
	else if (utf8_chars(s, strlen(s)) > max)
		field_error_add(fe, field, _("This text is longer than %zu characters."), max);
}

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && strchr(at + 1, '.') != NULL && strchr(at + 1, '@') == NULL &&
	       strlen(s) <= MAX_EMAIL_BYTES && strcspn(s, " \t\r\n<>\",;") == strlen(s);
}

int
response_validate(const struct response_input *in, const struct consultation *c,
		  struct field_errors *fe)
{
	int before = fe->n, k;
	enum lang l;

	text_rule(fe, "respondent.name", in->name, MAX_NAME_CHARS, 1);
	text_rule(fe, "respondent.organization", in->organization, MAX_NAME_CHARS, 1);
	text_rule(fe, "respondent.job_title", in->job_title, MAX_NAME_CHARS, 1);
	if (blank(in->country))
		field_error_add(fe, "respondent.country", "%s", _("This field is required."));
	else if (!country_valid(in->country))
		field_error_add(fe, "respondent.country", "%s",
				_("Use a country code of ISO 3166-1, such as FR or CN."));
	if (blank(in->stakeholder_type)) {
		field_error_add(fe, "respondent.stakeholder_type", "%s", _("This field is required."));
	} else {
		for (k = 0; stakeholder_types[k] && strcmp(stakeholder_types[k], in->stakeholder_type); k++)
			;
		if (stakeholder_types[k] == NULL)
			field_error_add(fe, "respondent.stakeholder_type", "%s",
					_("Choose one of the stakeholder types listed."));
	}
	if (blank(in->email))
		field_error_add(fe, "respondent.email", "%s", _("This field is required."));
	else if (!email_ok(in->email))
		field_error_add(fe, "respondent.email", "%s", _("This is not an email address."));
	if (blank(in->publish_as))
		field_error_add(fe, "publish_as", "%s", _("This field is required."));
	else if (!str_eq(in->publish_as, "name") && !str_eq(in->publish_as, "organization") &&
		 !str_eq(in->publish_as, "anonymous"))
		field_error_add(fe, "publish_as", "%s", _("Choose name, organization or anonymous."));
	if (!blank(in->language) && lang_from_code(in->language, &l) != 0)
		field_error_add(fe, "language", "%s", _("Use one of ar, zh, en, fr, ru, es."));
	text_rule(fe, "summary", in->summary, MAX_SUMMARY_CHARS, 1);
	for (int i = 0; i < in->nanswers; i++) {
		char field[32];
		int q = in->answers[i].question;
		snprintf(field, sizeof(field), "answers.%d", q);
		if (q < 1 || q > c->nquestions) {
			field_error_add(fe, field, _("There is no question %d in this consultation."), q);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (in->answers[j].question == q)
				field_error_add(fe, field, _("Question %d is answered twice."), q);
		text_rule(fe, field, in->answers[i].text, MAX_ANSWER_CHARS, 0);
	}
	if (in->nattachments > RESPONSE_MAX_ATTACHMENTS)
		field_error_add(fe, "attachments", _("At most %d attachments."), RESPONSE_MAX_ATTACHMENTS);
	return fe->n - before;
}

/* s in capitals, for every script that has them (ICU); NULL when out of memory. */
static char *
upper(struct arena *a, const char *s)
{
	UChar in[256], out[512];
	UErrorCode status = U_ZERO_ERROR;
	int32_t n, m;
	char *res;

	u_strFromUTF8(in, 256, &n, s, -1, &status);
	if (U_FAILURE(status) || n >= 256)
		return arena_strdup(a, s);
	m = u_strToUpper(out, 512, in, n, "", &status);
	if (U_FAILURE(status) || m >= 512 || (res = arena_alloc(a, (size_t)m * 3 + 1)) == NULL)
		return arena_strdup(a, s);
	u_strToUTF8(res, m * 3 + 1, NULL, out, m, &status);
	return U_SUCCESS(status) ? res : arena_strdup(a, s);
}

const char *
response_display_name(struct arena *a, const struct response *r)
{
	const char *sp, *name = r->name;
	char *surname;

	if (str_eq(r->status, "erased")) {	/* nothing of the respondent is left to name */
		char day[TIME_RFC3339_LEN];
		time_format_rfc3339(r->updated_at, day);
		return arena_printf(a, _("Erased at the respondent's request, %.10s"), day);
	}
	if (str_eq(r->publish_as, "anonymous"))
		return _("Anonymous respondent");
	if (str_eq(r->publish_as, "organization"))
		return r->organization;
	/* "Given Surname" -> "SURNAME, Given": the last word is the surname. */
	sp = strrchr(name, ' ');
	if (sp == NULL || sp[1] == '\0')
		return arena_printf(a, "%s - %s", name, r->organization);
	if ((surname = upper(a, sp + 1)) == NULL)
		return name;
	return arena_printf(a, "%s, %.*s - %s", surname, (int)(sp - name), name, r->organization);
}

json_t *
response_receipt_json(const char *public_id, const char *slug, int version, int64_t received_at,
		      const char *sha256)
{
	char when[TIME_RFC3339_LEN];
	json_t *o;

	time_format_rfc3339(received_at, when);
	o = json_pack("{s:s, s:s, s:i, s:s, s:s}", "response", public_id, "consultation",
			      slug, "version", version, "received_at", when, "sha256", sha256);

	if (o != NULL) {
		json_object_set_new(o, "url", json_sprintf("/responses/%s", public_id));
		json_object_set_new(o, "receipt_url", json_sprintf("/receipts/%s", public_id));
	}
	return o;
}

json_t *
response_to_json(const struct response *r, int full)
{
	char created[TIME_RFC3339_LEN], updated[TIME_RFC3339_LEN];
	int published = str_eq(r->status, "published");
	json_t *o, *resp;

	time_format_rfc3339(r->created_at, created);
	time_format_rfc3339(r->updated_at, updated);
	o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "id", r->public_id, "consultation",
		      r->consultation_slug, "status", r->status, "version", r->version, "received_at",
		      created, "updated_at", updated);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "url", json_sprintf("/responses/%s", r->public_id));
	json_object_set_new(o, "channel", json_string(r->channel && r->channel[0] ? r->channel : "online"));
	if (r->received_on > 0) {	/* entered on behalf: the day the letter or mail came */
		char day[TIME_RFC3339_LEN];
		time_format_rfc3339(r->received_on, day);
		json_object_set_new(o, "received_at", json_string(day));
		json_object_set_new(o, "entered_at", json_string(created));
	}
	if (str_eq(r->status, "erased")) {
		json_object_set_new(o, "erased_at", json_string(updated));
		return o;	/* a stub: nothing of the content or the respondent is left */
	}
	if (!published)
		return o;	/* withheld, withdrawn, pending: no content */
	json_object_set_new(o, "corrected", json_boolean(r->corrected));
	resp = json_object();
	json_object_set_new(resp, "publish_as", json_string(r->publish_as));
	if (!str_eq(r->publish_as, "anonymous")) {
		if (str_eq(r->publish_as, "name")) {
			json_object_set_new(resp, "name", json_string(r->name));
			json_object_set_new(resp, "job_title", json_string(r->job_title));
		}
		json_object_set_new(resp, "organization", json_string(r->organization));
	}
	json_object_set_new(resp, "country", json_string(r->country));
	json_object_set_new(resp, "stakeholder_type", json_string(r->stakeholder_type));
	json_object_set_new(o, "respondent", resp);
	json_object_set_new(o, "language", json_string(r->language));
	if (full) {
		json_t *ans = json_array(), *att = json_array();
		json_object_set_new(o, "summary", json_string(r->summary));
		for (int i = 0; i < r->nanswers; i++)
			json_array_append_new(ans, json_pack("{s:i, s:s}", "question", r->answers[i].question,
							     "text", r->answers[i].text));
		for (int i = 0; i < r->nattachments; i++) {
			json_t *x = json_pack("{s:s, s:s, s:s, s:I}", "filename", r->att[i].filename,
					      "media_type", r->att[i].media_type, "sha256", r->att[i].sha256,
					      "size_bytes", (json_int_t)r->att[i].size);
			if (x != NULL)
				json_object_set_new(x, "url", json_sprintf("/responses/%s/attachments/%d",
									   r->public_id, i + 1));
			json_array_append_new(att, x);
		}
		json_object_set_new(o, "answers", ans);
		json_object_set_new(o, "attachments", att);
		json_object_set_new(o, "sha256", json_string(r->sha256));
	}
	return o;
}
