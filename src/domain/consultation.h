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
};
int consultation_open_fn(struct db *db, void *arg, struct err *e);
int consultation_close_fn(struct db *db, void *arg, struct err *e);
int consultation_extend_fn(struct db *db, void *arg, struct err *e);

/* The scheduler sources: "opened" and "closed" for consultations. */
extern const struct sched_source consultation_events[];
extern const int consultation_nevents;

/* JSON for the API (texts in every language, questions, state, counts); "title" is in want, or
 * else in the original language. A jansson object the caller decrefs. */
json_t *consultation_to_json(const struct consultation *c, enum lang want, int full);

#endif
