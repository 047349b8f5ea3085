/* log_web.h: what the public log's pages and API share (api_log.c, page_log.c,
 * page_receipts.c). */
#ifndef AGORA_LOG_WEB_H
#define AGORA_LOG_WEB_H
#include <stdint.h>

#include "../ledger/cosig.h"
#include "request.h"

#define LOG_ENTRIES_MAX 1000	/* entries per call of /api/v1/log/entries */
#define LOG_WITNESSES_MAX 16

/* A query parameter as a whole number 0 .. 2^63-1 (decimal digits only, no sign, no leading
 * zero). Returns 1 and sets *out when given, 0 when absent (or empty), -1 when it is not such a
 * number (*why says what it must be). */
int log_query_u64(struct request *r, const char *name, uint64_t *out, const char **why);

/* The witnesses of --log-witnesses, parsed (a key that does not parse is logged and left out).
 * Returns how many, into w (LOG_WITNESSES_MAX of them). */
int log_witnesses(struct request *r, struct ledger_verifier w[LOG_WITNESSES_MAX]);

#endif
