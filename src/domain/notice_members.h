/* notice_members.h: notices to delegates (notice_members.c): a contribution submitted or
 * revised, a topic proposal waiting for their state's position, a silence procedure's result.
 * Each is a writer closure wrapping the domain's own, so the notice is in the same write. */
#ifndef AGORA_NOTICE_MEMBERS_H
#define AGORA_NOTICE_MEMBERS_H
#include <stdint.h>

#include "../store/db.h"

/* arg: struct document_new * / struct document_change * (document.h) */
int notice_document_create_fn(struct db *db, void *arg, struct err *e);
int notice_document_submit_fn(struct db *db, void *arg, struct err *e);
int notice_document_revise_fn(struct db *db, void *arg, struct err *e);
/* arg: struct proposal_new * (proposal.h) */
int notice_proposal_create_fn(struct db *db, void *arg, struct err *e);
/* The scheduler's silence_ended event: proposal_apply_silence, then the result to delegates. */
int notice_silence_apply(struct db *db, int64_t id, int64_t now, struct err *e);

#endif
