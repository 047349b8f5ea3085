/* response.h: a stakeholder's response to a consultation: immutable versions, answers,
 * attachments, and moderation events from which the public status is derived. */
#ifndef AGORA_RESPONSE_H
#define AGORA_RESPONSE_H
#include <jansson.h>
#include <stdint.h>

#include "../store/blobs.h"
#include "../store/db.h"
#include "../util/arena.h"
#include "consultation.h"

#define RESPONSE_MAX_ATTACHMENTS 10
#define RESPONSE_ID_LEN 13		/* 12 characters + NUL */
#define MANAGE_TOKEN_LEN 51		/* "manage_" + 43 base64url + NUL */
#define RESPONSE_RECEIPT_MAX 4096	/* a receipt with its proof: 1.4 KB at a million entries */
#define RESPONSE_MAX_ERRORS 40

struct attachment {
	char sha256[BLOB_HEX_LEN];
	const char *filename;
	const char *media_type;
	int64_t size;
};

struct answer {
	int question;
	const char *text;
};

struct response_input {
	const char *name, *organization, *job_title, *country, *stakeholder_type, *email;
	const char *publish_as, *language, *summary;
	int nanswers;
	struct answer answers[CONSULTATION_MAX_QUESTIONS];
	int nattachments;
	struct attachment att[RESPONSE_MAX_ATTACHMENTS];
};

/* Every field error of one submission, so a form can show each next to its field. */
struct field_errors {
	int n;
	struct {
		char field[48];
		char msg[200];
	} e[RESPONSE_MAX_ERRORS];
};
void field_error_add(struct field_errors *fe, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
json_t *field_errors_json(const struct field_errors *fe);
/* The message for field, or NULL. */
const char *field_error_for(const struct field_errors *fe, const char *field);

/* Fills in from a JSON document (API). Shape errors go to fe. Strings point into j. */
void response_input_from_json(json_t *j, struct response_input *in, struct field_errors *fe);
/* Checks every field against c (question numbers). Returns the number of errors added. */
int response_validate(const struct response_input *in, const struct consultation *c,
		      struct field_errors *fe);

extern const char *const stakeholder_types[];	/* NULL-terminated */
const char *stakeholder_label(const char *type);	/* translated */

/* Writer closures. */
struct response_submit {
	const char *slug;
	int64_t started_at;	/* when the request began: it decides whether it was in time */
	struct response_input in;
	int64_t imported_at;	/* > 0: a response received elsewhere at that time (demo, import):
				 * stored as received then, without the time check */
	/* Entered by the secretariat on the respondent's behalf (channel not NULL): "email",
	 * "post" or "other", the day it was received (midnight UTC; response_entry_in_time
	 * decides, instead of started_at), who entered it and from where (audited). */
	const char *channel;
	int64_t received_on, entered_by;
	const char *address;
	/* out (response_submit_prepare, or the closure when it was not called) */
	int prepared;
	char public_id[RESPONSE_ID_LEN];
	char manage_token[MANAGE_TOKEN_LEN];
	char token_hash[BLOB_HEX_LEN];
	char sha256[BLOB_HEX_LEN];
	int version;
	int64_t received_at;
	const char *status;	/* "published" or "pending" */
	/* out (notice_seal, when it queued the receipt mail): that receipt, compact JSON, which the
	 * API answers as it is instead of composing the log's proof again (docs/PERFORMANCE.md);
	 * receipt_len 0 when none was composed (no email) or it did not fit */
	char receipt[RESPONSE_RECEIPT_MAX];
	size_t receipt_len;
};
int response_submit_fn(struct db *db, void *arg, struct err *e);
/* Draws the public id and the manage token, and hashes the content, before the write: none of
 * it needs the database, and the writer is the one thread every submission waits for
 * (docs/PERFORMANCE.md, "Profile"). Optional: the closure does it when it was not done.
 * Returns 0, or -1 (out of memory) with e. */
int response_submit_prepare(struct response_submit *s, struct err *e);
/* 0 when a request that started at started may respond; -1 with ERR_CONFLICT saying when it
 * opens or when it closed (ERR_NOTFOUND for a draft). */
int response_in_time(int64_t started, int64_t opens_at, int64_t closes_at, const char *state,
		     struct err *e);

/* The rule for a response entered on the respondent's behalf, received on the day starting at
 * received_on (midnight UTC), entered at now: not a day in the future (ERR_INVALID), not before
 * the consultation opened, and after the close only when received by the closing time
 * (ERR_CONFLICT); a draft is ERR_NOTFOUND. Returns 0 or -1 with e set. */
int response_entry_in_time(int64_t received_on, int64_t now, int64_t opens_at, int64_t closes_at,
			   const char *state, struct err *e);
/* "email", "post", "other" -> 1; anything else 0. */
int response_channel_valid(const char *channel);

struct response_manage {
	const char *public_id, *token;
	int64_t started_at;
	int withdraw;			/* 1: withdraw; 0: revise with in */
	struct response_input in;
	/* out */
	char sha256[BLOB_HEX_LEN];
	int version;
	int64_t received_at;
};
int response_manage_fn(struct db *db, void *arg, struct err *e);
/* Inside a write: stores in as version v of response id (its content hash over public_id and
 * slug goes to sha). Moderation uses it for a redacted version. Returns 0, or -1 with e set. */
int response_version_store(struct db *db, int64_t id, const char *public_id, const char *slug, int v,
			   const struct response_input *in, int64_t now, char sha[BLOB_HEX_LEN],
			   struct err *e);
/* Inside a write: keeps consultations.published_responses in step when a response of
 * consultation_id goes from status before to after. Returns 0, or -1 with e set. */
int response_published_step(struct db *db, int64_t consultation_id, const char *before, const char *after,
			    struct err *e);
/* The content hash of version `version` of response id (rowid) computed again from the stored
 * rows, as content_sha256 was when it was stored (strings in arena a). */
struct arena;
/* The content hash of a version from its canonical object (the keys content_hash in
 * response_store.c writes): SHA-256 of the JSON with sorted keys and no spaces. Takes o. */
int response_content_digest(json_t *o, char hex[BLOB_HEX_LEN]);
int response_content_hash_stored(struct db *db, struct arena *a, int64_t id, int version,
				 char hex[BLOB_HEX_LEN], struct err *e);
/* Is token the manage token of public_id? 1 yes, 0 no, -1 error. */
int response_token_ok(struct db *db, const char *public_id, const char *token);

/* What the public sees. */
struct response {
	int64_t id;
	const char *public_id, *status, *consultation_slug;
	int version;
	int64_t created_at, updated_at;	/* first received, last changed */
	const char *name, *organization, *job_title, *country, *stakeholder_type, *publish_as;
	const char *language, *summary, *sha256, *email;
	int nanswers;
	struct answer answers[CONSULTATION_MAX_QUESTIONS];
	int nattachments;
	struct attachment att[RESPONSE_MAX_ATTACHMENTS];
	int64_t status_at;	/* when it was withheld, withdrawn or erased */
	const char *status_reason;
	const char *channel;	/* "online", or entered on behalf: "email", "post", "other" */
	int64_t received_on;	/* entered on behalf: the day it was received (else 0) */
	int corrected;		/* the current version is a correction the respondent asked for */
	const char *erased_from;	/* erased: the state it was in before ("" otherwise) */
};
/* Was r ever public? Not when it is pending, or was erased while pending. */
int response_never_public(const struct response *r);
/* Loads the current version. Returns 0, or -1 (ERR_NOTFOUND). */
int response_get(struct db *db, struct arena *a, const char *public_id, struct response *r,
		 struct err *e);
/* The public list of a consultation: published responses, and the stubs of those erased while
 * published, oldest first, after after_id (0: from the start). */
int response_list(struct db *db, struct arena *a, int64_t consultation_id, int64_t after_id,
		  int limit, struct response **items, int *n, int *more, struct err *e);
int64_t response_count_published(struct db *db, int64_t consultation_id);
/* "SURNAME, Given - Organization", "Organization" or "Anonymous", as published; for an
 * erased response, that it was erased. */
const char *response_display_name(struct arena *a, const struct response *r);
/* The public JSON (no email, ever): id, status, channel, received_at (for a response entered on
 * the respondent's behalf, the day it was received) and, when published, the content (full:
 * with summary, answers and attachments). */
json_t *response_to_json(const struct response *r, int full);
/* The receipt: safe to share. */
json_t *response_receipt_json(const char *public_id, const char *slug, int version,
			      int64_t received_at, const char *sha256);

#endif
