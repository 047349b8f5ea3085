/* retention.h: removing unpublished personal data some days after a consultation closes: the
 * email of every version and, for anonymous responses, the name and job title. What is
 * published (organization, country, stakeholder type, summary, answers, attachments, and the
 * name of a response published under it) is never touched. The same days after an open
 * consultation meeting ended (the end of its last day): its registrants' emails and cancel
 * token hashes; the registrations themselves (names, organizations, the speakers list) stay. */
#ifndef AGORA_RETENTION_H
#define AGORA_RETENTION_H
#include <stdint.h>

#include "../store/writer.h"

#define RETENTION_BATCH 200	/* responses per write */

/* The latest closing time whose personal data is due for removal at now: a consultation that
 * closed at or before it was closed more than days days ago. */
int64_t retention_cutoff(int64_t now, int64_t days);
/* Is the personal data of a consultation that closes at closes_at due at now? 1 yes, 0 no. */
int retention_due(int64_t closes_at, int64_t now, int64_t days);

struct retention_report {
	int consultations;	/* consultations where something was removed */
	int64_t responses;	/* responses whose personal data was removed */
	int meetings;		/* meetings where registrants' emails were removed */
	int64_t registrations;	/* registrations whose email and cancel token were removed */
};

/* Removes the personal data due at now, in writes of at most batch responses (or
 * registrations), and appends one audit_log row (action "retention", object
 * "consultation/SLUG", or "meeting/NUMBER" for registrations) per consultation or meeting where
 * something was removed. Idempotent: a second run finds nothing and writes nothing.
 * Returns 0, or -1 with e set (what was written stays written; a later run goes on). */
int retention_run(struct writer *w, int64_t now, int64_t days, int batch,
		  struct retention_report *out, struct err *e);

#endif
