/* outcome.h: a meeting's lettered outcomes (decisions, requests, invitations), whom each
 * addresses, how far it has come (open, in progress, done, superseded) with every change kept,
 * the consultations it launched or concerns, and the open items carried forward: an outcome of
 * an earlier meeting still open or in progress shows on each later working-group meeting. */
#ifndef AGORA_OUTCOME_H
#define AGORA_OUTCOME_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "document.h"
#include "meeting.h"

#define OUTCOME_MAX_DOCUMENTS 16	/* documents one outcome concerns */

struct outcome_link {
	const char *slug;
	int launched;		/* 1: the outcome launched this round; 0: it concerns it */
	struct mtext title;
};

struct outcome {
	int64_t id;
	int meeting_number;
	char letter[2];
	const char *kind;	/* "decision", "request", "invitation" */
	const char *addressee;	/* "secretariat", "bureau_directors", "member_states", "chair" */
	const char *status;	/* "open", "in_progress", "done", "superseded" */
	const char *done_note;	/* the last closure's note ("" while open) */
	int64_t done_at, done_by, updated_at;
	struct mtext text;
	int nlinks;
	struct outcome_link *links;
	/* The documents it concerns, by symbol, whatever their visibility: whoever shows them asks
	 * outcome_document_visible (the documents' one rule) for each, and mentions no other. */
	int ndocs;
	struct document *docs;
};

/* 1 when the visitor (role, state as for document_visible) may see linked document d. */
int outcome_document_visible(const struct document *d, const char *role, const char *state);

/* The pure rules (unit-tested).
 * 1 when an outcome in status, of the meeting numbered from_number that started on from_start,
 * is carried onto the meeting onto (number, start, kind): it is open or in progress, its meeting
 * came before, and onto is a working-group meeting (open consultation meetings decide nothing). */
int outcome_is_carried(const char *status, int from_number, int64_t from_start, int onto_number,
		       int64_t onto_start, const char *onto_kind);
/* 1 when status is one of the four. */
int outcome_status_valid(const char *status);
/* 0 when an outcome in from may be marked to (in progress, done or superseded; not what it is
 * already; nothing follows superseded); -1 with why (English, for the log and the API). */
int outcome_transition_check(const char *from, const char *to, const char **why);
/* 1 when an account of role may change the status of an outcome addressed to addressee: the
 * secretariat any, the chair those addressed to the chair. */
int outcome_may_change(const char *role, const char *addressee);

/* The outcomes of a meeting in letter order, with texts and links. Returns the count, or -1. */
int outcome_list(struct db *db, struct arena *a, const struct meeting *m, struct outcome **out,
		 struct err *e);
/* The outcomes carried onto m (outcome_is_carried), oldest meeting first, in letter order,
 * with texts and links. Returns the count, or -1. */
int outcome_carried(struct db *db, struct arena *a, const struct meeting *m, struct outcome **out,
		    struct err *e);
/* One outcome by meeting number and letter, with text and links. 0, or -1 with ERR_NOTFOUND. */
int outcome_get(struct db *db, struct arena *a, int number, char letter, struct outcome *o,
		struct err *e);

struct outcome_event {
	const char *from_status, *to_status, *note, *who;	/* who: the account's name, or "" */
	int64_t at;
};
/* The status history of an outcome, oldest first (at most n). Returns the count, or -1. */
int outcome_history(struct db *db, struct arena *a, int64_t outcome_id, int n,
		    struct outcome_event **out, struct err *e);

/* Writer closure (arg: struct outcome_change *): checks the transition, stores the status (and
 * for done or superseded the note, time and account as its closure), one history event and one
 * audit row (action outcome_status, object "outcome/15c"). ERR_NOTFOUND: no such outcome;
 * ERR_CONFLICT: not allowed from its status; ERR_INVALID (field "note"): no note, or too long. */
struct outcome_change {
	int number;
	char letter;
	const char *to, *note;
	int64_t account_id;	/* 0: the command line */
	const char *address;	/* NULL: "cli" */
	/* out */
	char from[16];
};
int outcome_status_fn(struct db *db, void *arg, struct err *e);

/* Writer closure (arg: struct outcome_document_link *): links a document (by its URL form,
 * "cwg-internet-16-1"; the written symbol "CWG-Internet 16/1" is taken too) to an outcome, with
 * one audit row (action outcome_document, object "outcome/16b", detail the symbol). A link that
 * exists already writes nothing (existed set). ERR_NOTFOUND: no such outcome; ERR_INVALID
 * (field "document"): no such document. Who may link is the caller's check (the secretariat). */
struct outcome_document_link {
	int number;
	char letter;
	const char *document;	/* URL form or symbol */
	int64_t account_id;	/* 0: the command line or the demo loader */
	const char *address;	/* NULL: "cli" */
	/* out */
	char symbol[DOCUMENT_SYMBOL_MAX];
	int existed;
};
int outcome_document_link_fn(struct db *db, void *arg, struct err *e);
/* The URL form of what someone typed for a document ("CWG-Internet 16/1", " cwg-internet-16-1 ")
 * into out (n bytes): lower case, spaces and slashes as hyphens, trimmed. 0, or -1 when it
 * cannot be one (empty, too long). */
int outcome_document_url(const char *typed, char *out, size_t n);

/* Which meeting launched each round that has a launching outcome. */
struct outcome_launch {
	int64_t consultation_id;
	int meeting_number;
	char letter;
};
/* Every launch link (a handful: one per round at most). Returns the count, or -1. */
int outcome_launches(struct db *db, struct arena *a, struct outcome_launch **out, struct err *e);

#endif
