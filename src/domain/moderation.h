/* moderation.h: the secretariat's decisions on responses: publish, withhold (with a reason) and
 * redact (a new version flagged redacted that the public sees; the one before stays, private);
 * and, carried out on the respondent's request (erasure.h), correct (a new version flagged
 * corrected) and erase. Each decision is a moderation event and an audit row, in one write. */
#ifndef AGORA_MODERATION_H
#define AGORA_MODERATION_H
#include <stdint.h>

#include "../store/db.h"
#include "../util/arena.h"
#include "response.h"

/* The first three are the secretariat's own decisions (moderation_fn, the moderation API); the
 * last two only carry out a respondent's request (erasure.h). */
enum moderation_action { MOD_PUBLISH, MOD_WITHHOLD, MOD_REDACT, MOD_CORRECT, MOD_ERASE };

#define MODERATION_REASON_MAX 1000	/* characters */

/* "publish", "withhold", "redact" -> the action. Returns 0, or -1 for anything else (correct
 * and erase are not decisions the secretariat takes alone). */
int moderation_action_parse(const char *s, enum moderation_action *out);
const char *moderation_action_name(enum moderation_action a);
/* The pure rule: the status a response in status has after action, or NULL when the action is
 * impossible from it (publish a published or withdrawn one, withhold a withheld or withdrawn
 * one, redact or correct a withdrawn one, anything but erase a second time an erased one).
 * Redaction and correction keep the status; erasure leaves "erased", whatever came before
 * (a withdrawn response too: the respondent may want its data gone). */
const char *moderation_next_status(const char *status, enum moderation_action a);

/* Writer closure. */
struct moderation {
	const char *public_id;
	enum moderation_action action;
	const char *reason;		/* required for withhold; "" or NULL otherwise */
	int64_t account_id;		/* who decides */
	const char *address;		/* from where */
	/* redact: the new values; NULL keeps the current one */
	const char *name, *organization, *job_title, *summary;
	const char *answer[CONSULTATION_MAX_QUESTIONS + 1];	/* by question number */
	/* out */
	char status[16];
	int version;
};
/* ERR_NOTFOUND: no such response; ERR_CONFLICT: impossible from its status; ERR_INVALID: a
 * withhold without a reason, a redaction that changes nothing, or correct or erase. */
int moderation_fn(struct db *db, void *arg, struct err *e);
/* Inside a write: appends the event kind ("published", "corrected", "erased", ...) of version
 * of response_id at at. Returns 0, or -1 with e set. */
int moderation_event_add(struct db *db, int64_t response_id, const char *kind, int version,
			 const char *reason, int64_t at, struct err *e);

/* The queue: pending responses (oldest first), then published ones (newest first), at most n.
 * Each item has public_id, status, consultation_slug, created_at, name, organization, job_title
 * and publish_as. Returns the count, or -1 with e set. */
int moderation_queue(struct db *db, struct arena *a, int n, struct response **out, struct err *e);

struct moderation_event {
	const char *kind, *reason;
	int version;
	int64_t at;
};
/* The events of a response, oldest first (at most n). Returns the count, or -1. */
int moderation_events(struct db *db, struct arena *a, int64_t response_id, int n,
		      struct moderation_event **out, struct err *e);
/* 1 when version of response_id is a redaction, 0 when not, -1 on error. */
int moderation_version_redacted(struct db *db, int64_t response_id, int version);

#endif
