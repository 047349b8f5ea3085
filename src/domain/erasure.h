/* erasure.h: what a respondent asks of the secretariat with the manage link (a correction or an
 * erasure of their response), and the secretariat carrying it out or declining it. A correction
 * is a new version flagged corrected (the one before stays, private); an erasure removes the
 * content and the personal data of every version and leaves a public stub. Each is one write:
 * the change, its moderation event, the request's new state and an audit row. */
#ifndef AGORA_ERASURE_H
#define AGORA_ERASURE_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "response.h"

#define REQUEST_MESSAGE_MAX 5000	/* characters */
#define REQUEST_REASON_MAX 1000		/* characters of a decline's reason */

struct response_request {
	int64_t id, response_id;
	const char *public_id, *consultation_slug;
	const char *kind;		/* "correction", "erasure" */
	const char *message;
	const char *state;		/* "open", "done", "declined" */
	const char *decline_reason;
	int64_t created_at, decided_at;
};

/* "correction" or "erasure" -> 1; anything else 0. */
int request_kind_valid(const char *kind);
/* The pure rule of a new request: 0 when a response in status may take a request of kind with
 * message (required for a correction, at most REQUEST_MESSAGE_MAX characters of UTF-8), with
 * open requests already open; else -1 with e set: ERR_INVALID naming the field ("kind",
 * "message"; a correction of a withdrawn response), ERR_CONFLICT (erased already, or a request
 * still open). */
int request_check(const char *status, int open, const char *kind, const char *message, struct err *e);

/* Writer closure: files a request for the response public_id whose manage token is token. */
struct request_file {
	const char *public_id, *token, *kind, *message, *address;
	int64_t id;	/* out */
};
int request_file_fn(struct db *db, void *arg, struct err *e);

/* The requests of one response, newest first (at most n). Returns the count, or -1. */
int request_list_for(struct db *db, struct arena *a, int64_t response_id, int n,
		     struct response_request **out, struct err *e);
/* The secretariat's list: open requests oldest first, then the others newest first (at most
 * n). Returns the count, or -1. */
int request_list(struct db *db, struct arena *a, int n, struct response_request **out, struct err *e);
/* One request. Returns 0, or -1 (ERR_NOTFOUND). */
int request_get(struct db *db, struct arena *a, int64_t id, struct response_request *out, struct err *e);

enum request_action { REQ_CORRECT, REQ_ERASE, REQ_DECLINE };

/* A correction: the new values, NULL keeping the current one. */
struct correction {
	const char *name, *organization, *email, *country;
	const char *answer[CONSULTATION_MAX_QUESTIONS + 1];	/* by question number */
};
/* Builds in the current version cur with the correction put in; *changed says whether anything
 * differs. Checks the changed fields as a submission's are checked (fe gets their errors; the
 * fields left as they are may have been emptied by retention and are not judged). Answers to
 * questions cur does not have are added (q must exist in c). Returns fe's new error count. */
int correction_build(const struct correction *k, const struct response *cur, const struct consultation *c,
		     struct response_input *in, int *changed, struct field_errors *fe);

/* Writer closure: carries out (REQ_CORRECT for a correction, REQ_ERASE for an erasure) or
 * declines (a reason required) the open request request_id. ERR_NOTFOUND: no such request;
 * ERR_CONFLICT: not open any more, the action does not fit its kind, or the response's state
 * forbids it; ERR_INVALID: no reason, or a correction that changes nothing or is invalid. */
struct request_decision {
	int64_t request_id, account_id;
	const char *address;
	enum request_action action;
	const char *reason;
	struct correction k;
	/* out */
	char public_id[RESPONSE_ID_LEN];
	int version;
};
int request_decide_fn(struct db *db, void *arg, struct err *e);

#endif
