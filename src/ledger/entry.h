/* entry.h: the public log's entries as canonical bytes, and the commitments they carry.
 *
 * Layout (every integer big-endian; a string is a 16-bit length and that many UTF-8 bytes):
 *
 *   u8 format (1) | u8 kind | u64 time (UTC seconds when logged) | the kind's fields:
 *
 *   1 response_version   string consultation | string response | u32 version | commitment[32]
 *   2 moderation         string consultation | string response | u32 version | u8 action |
 *                        commitment[32] (over the reason given)
 *   3 consultation       string consultation | u8 state (1 opened, 2 closed)
 *   4 document_revision  string symbol | u32 revision | sha256[32] (of the file, public)
 *   5 outcome            u32 meeting | string letter | commitment[32] (over its texts)
 *   6 key_rotation       string old verifier key | string new verifier key |
 *                        signature[64] by the old key | signature[64] by the new key, both over
 *                        "agora-log key rotation\n<old>\n<new>\n"
 *
 * A commitment is SHA-256(salt || content) with a random 32-byte salt kept by the server: the
 * entry proves that this content existed and this decision was taken without showing either.
 * For a response version the content is the 32 bytes of its content SHA-256 (the hash of the
 * version's canonical JSON, response_store.c); the salt goes to the respondent in the receipt.
 * Nothing else may follow the fields: the decoder refuses trailing bytes, so one entry has
 * exactly one encoding. */
#ifndef AGORA_LEDGER_ENTRY_H
#define AGORA_LEDGER_ENTRY_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define LEDGER_ENTRY_FORMAT 1
#define LEDGER_STR_MAX 256	/* strings of an entry: fewer bytes than this */
#define LEDGER_SALT_BYTES 32

enum ledger_kind {
	LEDGER_RESPONSE_VERSION = 1,
	LEDGER_MODERATION = 2,
	LEDGER_CONSULTATION = 3,
	LEDGER_DOCUMENT_REVISION = 4,
	LEDGER_OUTCOME = 5,
	LEDGER_KEY_ROTATION = 6
};

enum ledger_action {	/* moderation */
	LEDGER_PUBLISHED = 1, LEDGER_WITHHELD, LEDGER_REDACTED, LEDGER_CORRECTED, LEDGER_ERASED,
	LEDGER_WITHDRAWN
};

/* One entry, decoded. a and b are the kind's strings in order (consultation and response;
 * consultation; symbol; letter in b; old and new key), number its u32 (version, revision,
 * meeting), small its u8 (action, state), hash its 32 bytes, sig its two signatures. */
struct ledger_entry {
	int kind;
	int64_t time;
	char a[LEDGER_STR_MAX], b[LEDGER_STR_MAX];
	uint32_t number;
	int small;
	unsigned char hash[LEDGER_HASH_BYTES];
	unsigned char sig[2][64];
};

/* Appends the canonical bytes to b. -1 (e set) when a string is too long or has a NUL. */
struct buf;
int ledger_entry_encode(const struct ledger_entry *en, struct buf *b, struct err *e);
/* Decodes exactly len bytes. -1 (e says what is wrong) for anything not canonical. */
int ledger_entry_decode(const unsigned char *p, size_t len, struct ledger_entry *en,
    struct err *e);

/* Names: "response_version", "moderation"...; actions "published"...; states "opened",
 * "closed". NULL / 0 when unknown. */
const char *ledger_kind_name(int kind);
int ledger_kind_from_name(const char *name);
const char *ledger_action_name(int action);
int ledger_action_from_name(const char *name);

/* The entry's inputs as JSON: {"kind", "time", and the kind's fields by name, hashes in hex}.
 * ledger_entry_from_json reads that form back (a receipt); -1 with e set when it does not. */
json_t *ledger_entry_json(const struct ledger_entry *en);
int ledger_entry_from_json(const json_t *j, struct ledger_entry *en, struct err *e);

/* out = SHA-256(salt || content). */
void ledger_commitment(const unsigned char salt[LEDGER_SALT_BYTES], const void *content,
    size_t len, unsigned char out[LEDGER_HASH_BYTES]);
/* The key rotation's signed message for keys old and new (verifier key texts): malloc'd. */
char *ledger_rotation_message(const char *old, const char *new_key);

#endif
