/* proposal.h: consultation topics proposed to the Member States and decided by consensus.
 * A delegate, a focal point, the chair or the secretariat proposes a topic (title, topic, draft
 * questions, in one or more languages); each Member State's focal point records its state's
 * position (support, no objection, objection with a statement, abstain), which it may change
 * until the deadline, every change kept. A silence procedure ends at its deadline by the
 * scheduler's event "silence_ended": consensus unless an objection stands. At a meeting the
 * chair or the secretariat records consensus, no consensus, or defers. From a proposal that
 * reached consensus the secretariat creates the (draft) consultation, linked to it. */
#ifndef AGORA_PROPOSAL_H
#define AGORA_PROPOSAL_H
#include <jansson.h>
#include <stdint.h>

#include "../store/db.h"
#include "../store/scheduler.h"
#include "../util/arena.h"
#include "text.h"

#define PROPOSAL_MAX_QUESTIONS 10
#define PROPOSAL_MAX_TITLE_CHARS 300
#define PROPOSAL_MAX_TOPIC_CHARS 4000
#define PROPOSAL_MAX_QUESTION_CHARS 4000
#define PROPOSAL_MAX_STATEMENT_CHARS 4000
#define PROPOSAL_MAX_NOTE_CHARS 2000

/* The four positions, in the order pages list them. */
enum position_kind { POS_SUPPORT, POS_NO_OBJECTION, POS_OBJECTION, POS_ABSTAIN, POS_COUNT };
extern const char *const proposal_position_names[POS_COUNT];	/* "support", ... */

struct proposal {
	int64_t id;
	int64_t proposed_by;		/* 0: the demo loader */
	const char *proposer;		/* the account's name, or "" */
	const char *proposed_state;	/* "" for the chair and the secretariat */
	int meeting_number;		/* 0: none */
	const char *procedure;		/* "meeting", "silence" */
	int64_t silence_deadline;	/* 0 unless a silence procedure */
	const char *status;		/* "open", "consensus", "no_consensus", "deferred", "withdrawn" */
	enum lang original;
	int64_t decided_at, decided_by;	/* 0: not decided; decided_by 0: the scheduler */
	int decided_meeting;		/* 0: not at a meeting */
	const char *decision_note;
	const char *consultation_slug;	/* "" until the consultation is created */
	int64_t created_at;
	struct mtext title, topic;
	int nquestions;
	struct mtext question[PROPOSAL_MAX_QUESTIONS];
	int count[POS_COUNT];		/* current positions by kind */
};

struct proposal_position {
	const char *state_code, *position, *statement;
	const char *who;		/* the recording account's name, or "" */
	int64_t at;
};

/* ---- the pure rules (unit-tested) ---- */

/* The position's index, or -1 when it is none of the four. */
int proposal_position_index(const char *position);
/* What a silence procedure ends in, from the current position of each state (n of them):
 * "no_consensus" when any is an objection, otherwise "consensus" (silence is consent). */
const char *proposal_silence_result(const char *const *current, int n);
/* 1 for the roles that are members of the working group: delegates, focal points, the chair and
 * the secretariat (who see positions and may propose). */
int proposal_is_member(const char *role);
/* Whether a position may be recorded now: POSITION_OK; POSITION_NOT_FOCAL unless role is a focal
 * point with a state (the secretariat and the chair record none: a state speaks through its
 * focal point); POSITION_CLOSED when the proposal is decided (not open) or its silence deadline
 * (0: none) has come. */
enum position_check { POSITION_OK, POSITION_NOT_FOCAL, POSITION_CLOSED };
enum position_check proposal_position_allowed(const char *role, const char *state_code, const char *status,
			      int64_t deadline, int64_t now);
/* 1 when role may record a decision at a meeting (the chair, the secretariat). */
int proposal_may_decide(const char *role);
/* 1 when an account (role, its state) may add or edit a proposal's texts in another language:
 * the chair and the secretariat, and the delegates and focal point of the proposing state
 * (proposed_state, "" for a proposal of the chair or the secretariat). */
int proposal_may_translate(const char *role, const char *state_code, const char *proposed_state);
/* 1 while a proposal in status takes texts in other languages: open or deferred. */
int proposal_texts_open(const char *status);
/* 0 when a proposal in status may be decided to: consensus, no_consensus or deferred, from
 * open or deferred; -1 otherwise. */
int proposal_decision_check(const char *from, const char *to);

/* ---- reading ---- */

/* Every proposal, newest first (at most n), with texts and counts of current positions. */
int proposal_list(struct db *db, struct arena *a, int n, struct proposal **out, struct err *e);
/* One, with texts and counts. 0, or -1 with ERR_NOTFOUND. */
int proposal_get(struct db *db, struct arena *a, int64_t id, struct proposal *p, struct err *e);
/* The current position of each state (its latest row), by state code. Returns the count. */
int proposal_positions(struct db *db, struct arena *a, int64_t id, struct proposal_position **out,
		       struct err *e);
/* Every position ever recorded, oldest first (at most n). Returns the count. */
int proposal_history(struct db *db, struct arena *a, int64_t id, int n, struct proposal_position **out,
		     struct err *e);

/* ---- writing: writer closures, each one transaction with its audit row ---- */

/* Proposing (audit proposal_create). ERR_INVALID with field: "title", "topic", "q1".., "meeting",
 * "deadline" (a silence deadline must lie ahead). */
struct proposal_new {
	int64_t account_id;
	const char *address;		/* NULL: "cli" */
	const char *state_code;		/* the proposer's state, "" for none */
	enum lang lang;			/* the texts' language (the original) */
	const char *title, *topic;
	int nquestions;
	const char *question[PROPOSAL_MAX_QUESTIONS];
	int meeting_number;		/* 0: none */
	int64_t silence_deadline;	/* 0: decided at a meeting */
	/* more languages (the demo): title/topic/questions per language, NULL where none */
	const char *more_title[LANG_COUNT], *more_topic[LANG_COUNT];
	const char *more_question[PROPOSAL_MAX_QUESTIONS][LANG_COUNT];
	int64_t created_at;		/* 0: now */
	/* out */
	int64_t id;
};
int proposal_create_fn(struct db *db, void *arg, struct err *e);

/* Recording a position (audit proposal_position). ERR_NOTFOUND; ERR_CONFLICT: decided or past
 * the deadline; ERR_INVALID field "position" or "statement" (an objection needs one). */
struct proposal_position_new {
	int64_t proposal_id, account_id;	/* account 0: the demo loader */
	const char *address;
	const char *state_code;			/* from the session, never from a form */
	const char *position, *statement;
	int64_t at;				/* 0: now */
};
int proposal_position_fn(struct db *db, void *arg, struct err *e);

/* A decision at a meeting (audit proposal_decision). ERR_NOTFOUND; ERR_CONFLICT: not from its
 * status; ERR_INVALID field "decision", "meeting" (no such meeting) or "note". */
struct proposal_decision {
	int64_t proposal_id, account_id;	/* account 0: the demo loader */
	const char *address;
	const char *decision;			/* "consensus", "no_consensus", "deferred" */
	int meeting_number;
	const char *note;
	int64_t at;				/* 0: now */
};
int proposal_decision_fn(struct db *db, void *arg, struct err *e);

/* The texts of a proposal in one language other than its original (audit proposal_texts): the
 * title, the topic and every draft question, written with status "official" (the default) or
 * "draft", replacing those of that language. The caller checks who; ERR_NOTFOUND; ERR_CONFLICT
 * field "lang": the proposal is not open or deferred; ERR_INVALID field "lang" (the original or
 * not a language), "status", "title", "topic", "q1".. (each required, and as many questions as
 * the proposal has). */
struct proposal_texts {
	int64_t proposal_id, account_id;
	const char *address;
	enum lang lang;
	const char *status;			/* "official", "draft"; NULL: "official" */
	const char *title, *topic;
	int nquestions;
	const char *question[PROPOSAL_MAX_QUESTIONS];
	int64_t at;				/* 0: now */
};
int proposal_texts_fn(struct db *db, void *arg, struct err *e);

/* The consultation from a proposal that reached consensus (audit proposal_consultation): a draft
 * with the proposal's texts and questions, opening in 30 days for 90 (the secretariat edits
 * them). With an outcome (outcome_meeting, outcome_letter: "16(b)"), that outcome is the round's
 * launching outcome (consultations.launched_by_outcome, and an outcome_links row), so the archive
 * groups the round under its meeting. ERR_CONFLICT: no consensus, or created already (field
 * "proposal"), or the slug is taken (field "slug"); ERR_INVALID field "slug", or "outcome" (no
 * such outcome). */
struct proposal_consultation {
	int64_t proposal_id, account_id;
	const char *address;
	const char *slug;
	int outcome_meeting;	/* 0: no launching outcome */
	char outcome_letter;
	/* out */
	char made[80];
};
int proposal_consultation_fn(struct db *db, void *arg, struct err *e);

/* The scheduler's "silence_ended" source (events.c): the open silence procedures whose deadline
 * has passed, and the end of one (consensus unless an objection stands), audited. */
extern const char proposal_silence_due_sql[];
int proposal_apply_silence(struct db *db, int64_t id, int64_t now, struct err *e);

/* JSON for the API; positions (current and history) only when given (n >= 0). */
json_t *proposal_to_json(const struct proposal *p, const struct proposal_position *cur, int ncur,
			 const struct proposal_position *hist, int nhist, int counts);

#endif
