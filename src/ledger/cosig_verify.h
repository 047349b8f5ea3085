/* cosig_verify.h: checking a witness's cosignature of a checkpoint (C2SP tlog-cosignature,
 * "cosignature/v1"), as the server does when a witness posts one. Signing is the witness tool's
 * business (cosig.h); the server only needs to verify, so it does not depend on it.
 *
 * A witness's verifier key: "<name>+<key id as 8 hex digits>+<base64(0x04 || Ed25519 public key)>",
 * key id = the first 4 bytes of SHA-256(name || "\n" || 0x04 || public key), big-endian.
 * A cosignature line: "— <name> <base64(key id(4) || timestamp(8, big-endian) || signature(64))>",
 * the signature over "cosignature/v1\ntime <timestamp in decimal>\n" followed by the checkpoint
 * body (the note text before the blank line). */
#ifndef AGORA_LEDGER_COSIG_VERIFY_H
#define AGORA_LEDGER_COSIG_VERIFY_H
#include <stddef.h>
#include <stdint.h>

#include "note.h"

#define LEDGER_COSIG_V1 0x04	/* the signed-note algorithm byte of cosignature/v1 */

struct ledger_witness_key {
	char name[LEDGER_KEY_NAME_MAX];
	uint32_t key_id;
	unsigned char pub[32];
};

/* Parses a witness verifier key of len bytes (no surrounding whitespace). A bad name, an id
 * that does not match, another algorithm or bad base64: -1 with e set. */
int ledger_witness_key_parse(const char *text, size_t len, struct ledger_witness_key *k,
    struct err *e);

/* Checks one signature line (len bytes, without its newline) against witness k over the
 * checkpoint body: 1 when the line is k's (its name and key id) and its cosignature verifies
 * (*time gets the timestamp), 0 when the line is another key's, -1 (e set) when it names k but
 * is malformed or does not verify. */
int ledger_witness_check_line(const struct ledger_witness_key *k, const char *body, size_t body_len,
    const char *line, size_t len, uint64_t *time, struct err *e);

#endif
