/* notice_response.h: the respondent's notices (notice_response.c) and the seal that queues
 * receipts once the public log has their proof. */
#ifndef AGORA_NOTICE_RESPONSE_H
#define AGORA_NOTICE_RESPONSE_H
#include "../store/db.h"

/* Writer closure (arg: struct response_submit *): response_submit_fn, then, when the respondent
 * gave an email and the response was not imported, notes the receipt mail for notice_seal. */
int notice_response_submit_fn(struct db *db, void *arg, struct err *e);
/* The writer's seal (arg: struct ledger_log *): ledger_seal, then the receipts noted in this
 * batch, each queued with the receipt JSON attached and the manage link in the body only. */
int notice_seal(struct db *db, void *log, struct err *e);
/* Writer closure (arg: struct moderation *): moderation_fn, then the decision to the
 * respondent (when an email was given) in the response's language. */
int notice_moderation_fn(struct db *db, void *arg, struct err *e);

#endif
