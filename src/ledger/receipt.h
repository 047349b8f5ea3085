/* receipt.h: checking a response's receipt from its own contents, against a pinned key.
 *
 * A receipt (JSON, what POST /api/v1/consultations/{slug}/responses answers under "receipt", and
 * GET /api/v1/responses/{id}/receipt) carries, besides the response's id and SHA-256:
 *   "leaf_index"      the entry's index in the log
 *   "leaf_hash"       SHA-256(0x00 || entry), hex
 *   "entry"           the entry's inputs (ledger_entry_json): kind, time, consultation, response,
 *                     version, commitment
 *   "content_sha256"  the version's content hash, hex, and "salt", hex: commitment =
 *                     SHA-256(salt || content_sha256 bytes) (both left out of a receipt anyone may
 *                     fetch for a response that is not public)
 *   "inclusion_proof" hex hashes, nearest the leaf first
 *   "checkpoint"      the signed checkpoint (note text) the proof leads to
 * ledger_receipt_check verifies all of it without asking anyone: entry -> leaf hash -> proof ->
 * root -> signature. What it cannot know alone is whether the log still holds that checkpoint's
 * tree: the caller then asks the log for a consistency proof to its current checkpoint. */
#ifndef AGORA_LEDGER_RECEIPT_H
#define AGORA_LEDGER_RECEIPT_H
#include <jansson.h>

#include "entry.h"
#include "note.h"

struct ledger_receipt {
	uint64_t leaf_index;
	unsigned char leaf_hash[LEDGER_HASH_BYTES];
	struct ledger_entry entry;
	int has_content;	/* content_sha256 and salt were there and match the commitment */
	struct ledger_checkpoint cp;	/* cp.ext points into the receipt's JSON */
	const char *checkpoint;		/* the note, inside the JSON */
};

/* Checks receipt r (the receipt object itself) against verifier v. On success fills out and
 * returns 0; otherwise -1 with e saying which step failed ("the checkpoint's signature does not
 * verify with key ...", "the inclusion proof does not lead to the checkpoint's root"...). */
int ledger_receipt_check(const json_t *r, const struct ledger_verifier *v,
    struct ledger_receipt *out, struct err *e);

#endif
