/* fuzz_response_input.c: response_input_from_json and response_validate on any JSON document,
 * against a consultation of 4 questions: every error has a field and a message, and what passes
 * is a response the store may take. */
#include "fuzz.h"
#include "domain/country.h"
#include "domain/response.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/str.h"

#define NQUESTIONS 4

static struct consultation consultation;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;

	memset(&e, 0, sizeof(e));
	if (country_load(COUNTRY_JSON, &e) != 0) {
		fprintf(stderr, "fuzz_response_input: %s\n", e.msg);
		abort();
	}
	consultation.slug = "fuzz-round";
	consultation.original = LANG_EN;
	consultation.state = "open";
	consultation.moderation = "post";
	consultation.nquestions = NQUESTIONS;
	return 0;
}

static void
check_errors(const struct field_errors *fe)
{
	FUZZ_CHECK(fe->n >= 0 && fe->n <= RESPONSE_MAX_ERRORS, "%d errors", fe->n);
	for (int i = 0; i < fe->n; i++) {
		FUZZ_CHECK(fe->e[i].field[0] != '\0', "error %d has no field", i);
		FUZZ_CHECK(fe->e[i].msg[0] != '\0', "the error for %s has no message", fe->e[i].field);
		for (int k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(fe->e[k].field, fe->e[i].field) != 0,
				   "two errors for %s", fe->e[i].field);
	}
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* Questions 1..NQUESTIONS, each at most once. */
static void
check_answers(const struct response_input *in)
{
	FUZZ_CHECK(in->nanswers >= 0 && in->nanswers <= CONSULTATION_MAX_QUESTIONS, "%d answers",
		   in->nanswers);
	for (int i = 0; i < in->nanswers; i++) {
		int q = in->answers[i].question;
		FUZZ_CHECK(q >= 1 && q <= NQUESTIONS, "accepted an answer to question %d", q);
		for (int k = 0; k < i; k++)
			FUZZ_CHECK(in->answers[k].question != q, "accepted two answers to question %d", q);
		FUZZ_CHECK(in->answers[i].text == NULL ||
			       utf8_valid(in->answers[i].text, strlen(in->answers[i].text)),
			   "accepted an answer that is not UTF-8");
	}
}

/* What the API and the form take (no error at all). */
static void
check_accepted(const struct response_input *in)
{
	const char *required[] = { in->name, in->organization, in->job_title, in->country,
				   in->stakeholder_type, in->email, in->publish_as, in->summary };
	enum lang l;
	int k;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		FUZZ_CHECK(!blank(required[i]), "accepted without required field %zu", i);
		FUZZ_CHECK(utf8_valid(required[i], strlen(required[i])), "accepted field %zu not UTF-8", i);
	}
	FUZZ_CHECK(country_valid(in->country), "accepted the country \"%s\"", in->country);
	for (k = 0; stakeholder_types[k] && strcmp(stakeholder_types[k], in->stakeholder_type); k++)
		;
	FUZZ_CHECK(stakeholder_types[k] != NULL, "accepted the stakeholder type \"%s\"",
		   in->stakeholder_type);
	FUZZ_CHECK(str_eq(in->publish_as, "name") || str_eq(in->publish_as, "organization") ||
		       str_eq(in->publish_as, "anonymous"),
		   "accepted publish_as \"%s\"", in->publish_as);
	FUZZ_CHECK(blank(in->language) || lang_from_code(in->language, &l) == 0,
		   "accepted the language \"%s\"", in->language);
	FUZZ_CHECK(strchr(in->email, '@') != NULL && strlen(in->email) <= 254,
		   "accepted the email \"%s\"", in->email);
	for (int i = 0; i < in->nanswers; i++)
		FUZZ_CHECK(in->answers[i].text != NULL, "accepted answer %d without text", i);
	check_answers(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	struct response_input in;
	struct field_errors fe, only;
	int before, added;

	if (j == NULL)
		return 0;
	memset(&fe, 0, sizeof(fe));
	response_input_from_json(j, &in, &fe);
	check_errors(&fe);
	before = fe.n;
	added = response_validate(&in, &consultation, &fe);
	check_errors(&fe);
	FUZZ_CHECK(added == fe.n - before, "response_validate says %d errors, added %d", added,
		   fe.n - before);
	if (fe.n == 0)
		check_accepted(&in);
	/* The same input checked on its own: no error added means the answers fit the round. */
	memset(&only, 0, sizeof(only));
	added = response_validate(&in, &consultation, &only);
	check_errors(&only);
	FUZZ_CHECK(added == only.n, "response_validate says %d errors, added %d", added, only.n);
	if (added == 0)
		check_answers(&in);
	json_decref(j);
	return 0;
}
