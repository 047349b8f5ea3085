/* fuzz_consultation_spec.c: consultation_spec_parse on any JSON document; what it accepts keeps
 * every rule of docs/CONSULTATIONS.md, and what it refuses comes with a message. */
#include "fuzz.h"
#include "domain/consultation.h"
#include "util/err.h"
#include "util/str.h"
#include "util/timefmt.h"

static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* An optional text: NULL, or valid UTF-8 of at most max_chars code points. */
static void
check_text(const char *what, const char *s, size_t max_chars)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(utf8_valid(s, strlen(s)), "%s is not valid UTF-8", what);
	FUZZ_CHECK(utf8_chars(s, strlen(s)) <= max_chars, "%s has %zu characters (at most %zu)",
		   what, utf8_chars(s, strlen(s)), max_chars);
}

static void
check_time(json_t *j, const char *key, int64_t got)
{
	int64_t want;

	FUZZ_CHECK(json_is_string(json_object_get(j, key)), "accepted without %s", key);
	FUZZ_CHECK(time_parse_rfc3339(json_string_value(json_object_get(j, key)), &want) == 0 &&
		       want == got,
		   "%s is %lld, not the time given", key, (long long)got);
}

static void
check_spec(json_t *j, const struct consultation_spec *s)
{
	json_t *mod = json_object_get(j, "moderation"), *qs = json_object_get(j, "questions");
	enum lang l;

	FUZZ_CHECK(slug_valid(s->slug), "accepted the slug \"%s\"", s->slug ? s->slug : "(null)");
	FUZZ_CHECK(str_eq(s->slug, json_string_value(json_object_get(j, "slug"))),
		   "the slug is not the one given");
	FUZZ_CHECK((int)s->original >= 0 && (int)s->original < LANG_COUNT, "original language %d",
		   (int)s->original);
	FUZZ_CHECK(lang_from_code(json_string_value(json_object_get(j, "original_language")), &l) == 0 &&
		       l == s->original,
		   "the original language is not the one given");
	check_time(j, "opens_at", s->opens_at);
	check_time(j, "closes_at", s->closes_at);
	FUZZ_CHECK(s->closes_at > s->opens_at, "closes_at %lld is not after opens_at %lld",
		   (long long)s->closes_at, (long long)s->opens_at);
	FUZZ_CHECK(str_eq(s->moderation, "post") || str_eq(s->moderation, "pre"),
		   "moderation \"%s\"", s->moderation ? s->moderation : "(null)");
	FUZZ_CHECK(mod == NULL || json_is_null(mod) || str_eq(s->moderation, json_string_value(mod)),
		   "moderation is not the one given");
	FUZZ_CHECK(s->illustrative == json_is_true(json_object_get(j, "illustrative_questions")),
		   "illustrative is not the one given");
	check_text("meeting", s->meeting, 200);
	FUZZ_CHECK(s->title[s->original] != NULL && !blank(s->title[s->original]),
		   "no title in the original language");
	for (int k = 0; k < LANG_COUNT; k++) {
		check_text("a title", s->title[k], 300);
		check_text("a topic", s->topic[k], 2000);
		check_text("a description", s->description[k], 50000);
		FUZZ_CHECK(s->title[k] != NULL || (s->topic[k] == NULL && s->description[k] == NULL),
			   "a topic or description in a language without a title");
	}
	FUZZ_CHECK(s->nquestions >= 1 && s->nquestions <= CONSULTATION_MAX_QUESTIONS,
		   "%d questions", s->nquestions);
	FUZZ_CHECK(json_is_array(qs) && json_array_size(qs) == (size_t)s->nquestions,
		   "%d questions, %zu given", s->nquestions, json_array_size(qs));
	for (int i = 0; i < CONSULTATION_MAX_QUESTIONS; i++) {
		if (i < s->nquestions)
			FUZZ_CHECK(s->question[i][s->original] != NULL &&
				       !blank(s->question[i][s->original]),
				   "question %d has no text in the original language", i + 1);
		for (int k = 0; k < LANG_COUNT; k++) {
			FUZZ_CHECK(i < s->nquestions || s->question[i][k] == NULL,
				   "a text for question %d of %d", i + 1, s->nquestions);
			check_text("a question", s->question[i][k], 4000);
			FUZZ_CHECK(s->question[i][k] == NULL || !blank(s->question[i][k]),
				   "question %d has a blank text", i + 1);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	struct consultation_spec spec;
	struct err e;

	if (j == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	if (consultation_spec_parse(j, &spec, &e) == 0) {
		check_spec(j, &spec);
	} else {
		FUZZ_CHECK(e.kind == ERR_INVALID, "refused with kind %d", (int)e.kind);
		FUZZ_CHECK(e.msg[0] != '\0', "refused without a message");
	}
	json_decref(j);
	return 0;
}
