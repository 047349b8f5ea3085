/* consultation.h: consultations, their multilingual texts and numbered questions,
 * the states kept by the scheduler's events (draft, scheduled, open, closed). */
#ifndef AGORA_CONSULTATION_H
#define AGORA_CONSULTATION_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../store/scheduler.h"
#include "../util/arena.h"
#include "text.h"

#define CONSULTATION_MAX_QUESTIONS 10

struct consultation {
	int64_t id;
	const char *slug;
	enum lang original;
	int64_t opens_at, closes_at, created_at, updated_at;
	const char *state;	/* "draft", "scheduled", "open", "closed" */
	const char *moderation;	/* "post", "pre" */
	const char *meeting;
	int illustrative;
	struct mtext title, topic, description;
	int nquestions;
	struct mtext question[CONSULTATION_MAX_QUESTIONS];
	int64_t responses;	/* published responses */
	/* Loaded by the administration's reads only (consultation_get_admin, _list_all): */
	int64_t pending;	/* responses awaiting moderation */
	const char *text_status[LANG_COUNT];	/* the title's status per language, NULL: none */
};

/* What `create` takes, parsed and validated from the JSON format in docs/CONSULTATIONS.md. */
struct consultation_spec {
	const char *slug, *meeting, *moderation;
	enum lang original;
	int64_t opens_at, closes_at;
	int illustrative, publish;
	const char *title[LANG_COUNT], *topic[LANG_COUNT], *description[LANG_COUNT];
	int nquestions;
	const char *question[CONSULTATION_MAX_QUESTIONS][LANG_COUNT];
	/* who creates it, for the audit log: account 0 and address NULL mean the command line */
	int64_t account_id;
	const char *address;
};

/* Validates j into spec (strings point into j: keep j alive). Returns 0, or -1 with the
 * offending field in e->field. */
int consultation_spec_parse(json_t *j, struct consultation_spec *spec, struct err *e);
/* Writer closure: inserts the consultation (arg: struct consultation_spec *). */
int consultation_create_fn(struct db *db, void *arg, struct err *e);

/* Loads one by slug. Returns 0, or -1 with ERR_NOTFOUND. Drafts are found too: callers that
 * serve the public check c->state. */
int consultation_get(struct db *db, struct arena *a, const char *slug, struct consultation *c,
		     struct err *e);

/* The same without the texts (times, state, number of questions, counts): for writes. */
int consultation_get_brief(struct db *db, struct arena *a, const char *slug,
			   struct consultation *c, struct err *e);

struct consultation_page {
	struct consultation *items;
	int n;
	int more;		/* there is a next page */
	int64_t next_opens_at, next_id;	/* the cursor of the next page */
};
/* Public ones (not drafts), newest opening first, after the cursor (0, 0 = from the start);
 * state_filter NULL or one state. Texts and questions are loaded. */
int consultation_list(struct db *db, struct arena *a, const char *state_filter,
		      int64_t after_opens_at, int64_t after_id, int limit,
		      struct consultation_page *out, struct err *e);

/* State changes, for writer closures (arg: struct consultation_change *). */
struct consultation_change {
	const char *slug;
	int64_t at;	/* open --at, extend --until; 0 = now */
	/* who, for the audit log: account 0 and address NULL mean the command line */
	int64_t account_id;
	const char *address;
};
int consultation_open_fn(struct db *db, void *arg, struct err *e);
int consultation_close_fn(struct db *db, void *arg, struct err *e);
int consultation_extend_fn(struct db *db, void *arg, struct err *e);

/* The scheduler sources: "opened" and "closed" for consultations. */
/* The scheduler's "opened" and "closed" sources (events.c). */
extern const char consultation_opened_due_sql[], consultation_closed_due_sql[];
int consultation_apply_opened(struct db *db, int64_t id, int64_t now, struct err *e);
int consultation_apply_closed(struct db *db, int64_t id, int64_t now, struct err *e);

/* JSON for the API (texts in every language, questions, state, counts); "title" is in want, or
 * else in the original language. A jansson object the caller decrefs. */
json_t *consultation_to_json(const struct consultation *c, enum lang want, int full);

/* ---- Administration: the secretariat's reads and edits (consultation_edit.c) ------------- */

#define CONSULTATION_MAX_TITLE_CHARS 300
#define CONSULTATION_MAX_TOPIC_CHARS 2000
#define CONSULTATION_MAX_DESCRIPTION_CHARS 50000
#define CONSULTATION_MAX_QUESTION_CHARS 4000

/* One by slug with every text, draft translations included, their statuses and the count of
 * responses awaiting moderation. Returns 0, or -1 with ERR_NOTFOUND. */
int consultation_get_admin(struct db *db, struct arena *a, const char *slug, struct consultation *c,
			   struct err *e);
/* Every consultation whatever its state (drafts too), newest opening first, at most n, loaded as
 * consultation_get_admin does. Returns the count, or -1 with e set. */
int consultation_list_all(struct db *db, struct arena *a, int n, struct consultation **out,
			  struct err *e);

/* How far a language's texts go: none, some (a title, not every question), all; draft when
 * its texts are a draft translation (not shown to the public). */
enum translation { TRANSLATION_NONE, TRANSLATION_PARTIAL, TRANSLATION_DRAFT, TRANSLATION_COMPLETE };
enum translation consultation_translation(const struct consultation *c, enum lang l);

/* An edit, as one writer closure (one transaction, with its audit row). Either the general part
 * (times, original language, moderation, the questions' order, removal and one new question:
 * only before the consultation opens), or the texts of one language (title, topic,
 * description, each question's text and their status: in any state; the numbering of the
 * questions stays as it is). Refusals set e->field to the form's field at fault. */
enum consultation_edit_part { EDIT_GENERAL, EDIT_LANGUAGE };
struct consultation_edit {
	const char *slug;
	enum consultation_edit_part part;
	int64_t account_id;	/* who, for the audit log (0 and NULL address: the command line) */
	const char *address;
	/* EDIT_GENERAL */
	int64_t opens_at, closes_at;
	enum lang original;
	const char *moderation;		/* "post" or "pre" */
	int nquestions;			/* questions kept, in their new order ... */
	int from[CONSULTATION_MAX_QUESTIONS];	/* ... each the number it had (1-based) */
	const char *new_question;	/* appended in the original language, or NULL */
	/* EDIT_LANGUAGE: NULL or "" removes that text (the original's title and questions must stay) */
	enum lang lang;
	const char *status;		/* "official" or "draft" ("original" for the original language) */
	const char *title, *topic, *description;
	const char *question[CONSULTATION_MAX_QUESTIONS];	/* by number - 1 */
	/* out: what changed, for the log and the page ("" when nothing) */
	char changed[512];
};
int consultation_edit_fn(struct db *db, void *arg, struct err *e);

/* Appends the audit row of a change to consultation slug ("consultation/SLUG"), inside the
 * caller's write. address NULL: "cli". Every closure of this module calls it. */
int consultation_audit(struct db *db, int64_t account_id, const char *address, const char *action,
		       const char *slug, const char *detail, struct err *e);

/* Checks one text against its limit. Returns 0, or -1 with e set (field = field). */
int consultation_text_check(const char *value, size_t max_chars, int required, const char *field,
			    struct err *e);

#endif
