/* meeting.h: the working group's meetings (numbered: the 15th is 15), working-group meetings or
 * open consultation meetings, with multilingual titles and agendas (Markdown), and the JSON
 * format that creates one with its outcomes (demo/meetings.json, docs/MEETINGS.md). */
#ifndef AGORA_MEETING_H
#define AGORA_MEETING_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "text.h"

#define MEETING_NUMBER_MAX 9999
#define MEETING_MAX_OUTCOMES 26	/* a to z */
#define MEETING_MAX_LINKS 8	/* consultations one outcome launches or concerns */
#define MEETING_MAX_TITLE_CHARS 300
#define MEETING_MAX_AGENDA_CHARS 50000
#define OUTCOME_MAX_TEXT_CHARS 4000
#define OUTCOME_NOTE_MAX_CHARS 2000

struct meeting {
	int64_t id;
	int number;
	const char *kind;	/* "working_group", "open_consultation" */
	const char *mode;	/* "in_person", "virtual", "hybrid" */
	const char *place;
	int64_t starts_on, ends_on;	/* 00:00 UTC of the first and the last day */
	int64_t created_at;
	enum lang original;
	struct mtext title, agenda;
	int noutcomes;		/* its outcomes */
	int nopen;		/* of which open or in progress */
};

/* Every meeting, newest first (at most n), with texts and counts. Returns the count, or -1. */
int meeting_list(struct db *db, struct arena *a, int n, struct meeting **out, struct err *e);
/* One by number, with texts and counts. Returns 0, or -1 with ERR_NOTFOUND. */
int meeting_get(struct db *db, struct arena *a, int number, struct meeting *m, struct err *e);

/* What creates a meeting with its outcomes (strings point into the JSON: keep it alive). */
struct outcome_spec {
	char letter;
	const char *kind, *addressee, *status, *note;
	const char *text[LANG_COUNT];
	int nlaunches, nconcerns;
	const char *launches[MEETING_MAX_LINKS];	/* slugs of the rounds it launched */
	const char *concerns[MEETING_MAX_LINKS];	/* slugs of rounds it otherwise concerns */
};
struct meeting_spec {
	int number;
	const char *kind, *mode, *place;
	int64_t starts_on, ends_on;
	enum lang original;
	const char *title[LANG_COUNT], *agenda[LANG_COUNT];
	int noutcomes;
	struct outcome_spec outcome[MEETING_MAX_OUTCOMES];
	/* out (meeting_create_fn): the meeting existed already, so nothing was written */
	int existed;
};
/* Validates j into spec. Outcomes are lettered a, b, c... in order. Returns 0, or -1 with the
 * offending field in e->field ("meetings[2].outcomes[1].kind"-like, from prefix). */
int meeting_spec_parse(json_t *j, struct meeting_spec *spec, const char *prefix, struct err *e);
/* Writer closure (arg: struct meeting_spec *): the meeting, its outcomes with their texts, a
 * first history event each, launch and concern links (each named round must exist), and one
 * audit row; nothing when a meeting with its number exists (existed set). */
int meeting_create_fn(struct db *db, void *arg, struct err *e);

/* A meeting's ordinal in lang ("12th", "1re", "15.ª"), in a. */
const char *meeting_ordinal(struct arena *a, int n, enum lang lang);

#endif
