/* cosig.h: witness cosignatures of checkpoints, C2SP tlog-cosignature "cosignature/v1" (Ed25519).
 *
 * A witness key is an Ed25519 key whose signed-note algorithm byte is 0x04, so its key id is the
 * first 4 bytes of SHA-256(name || '\n' || 0x04 || pub), big-endian. Text forms, as for log keys
 * (note.h) but with 0x04: the verifier key "<name>+<id>+<base64(0x04 || pub)>", the signing key
 * "PRIVATE+KEY+<name>+<id>+<base64(0x04 || seed)>".
 *
 * A cosignature is a note signature line "— <name> <base64(key id (4) || timestamp (8, big-endian)
 * || Ed25519 signature (64))>" whose signature is over the message
 *   "cosignature/v1\ntime <timestamp in decimal, no leading zeros>\n" || checkpoint body
 * (the body with its final newline, without any signature line). The timestamp is POSIX seconds
 * and at most 2^63 - 1. The structs are note.h's: only the algorithm byte (and so the key id)
 * differs. */
#ifndef AGORA_LEDGER_COSIG_H
#define AGORA_LEDGER_COSIG_H
#include <stddef.h>
#include <stdint.h>

#include "note.h"

#define LEDGER_COSIG_ED25519 0x04	/* the algorithm byte of a cosignature/v1 key */

/* A new random witness key named name (printable ASCII, no space or '+'). 0, or -1 (e set). */
int cosig_key_generate(const char *name, struct ledger_signer *s, struct err *e);
/* The text forms (out: LEDGER_KEY_TEXT_MAX bytes). ledger_signer_verifier gives the verifier. */
void cosig_signer_text(const struct ledger_signer *s, char out[LEDGER_KEY_TEXT_MAX]);
void cosig_verifier_text(const struct ledger_verifier *v, char out[LEDGER_KEY_TEXT_MAX]);
/* Parse the text forms (no surrounding whitespace). A bad name, key id that does not match,
 * algorithm byte other than 0x04 (a log key is not a witness key), or non-canonical base64 is
 * refused: -1 with e set. */
int cosig_signer_parse(const char *text, struct ledger_signer *s, struct err *e);
int cosig_verifier_parse(const char *text, struct ledger_verifier *v, struct err *e);

/* The cosignature line (em dash, name, base64, newline) of the checkpoint body (len bytes, ending
 * in a newline) at time t: malloc'd, NULL with e set for a bad body or t > 2^63 - 1. */
char *cosig_line(const struct ledger_signer *s, const char *body, size_t len, uint64_t t,
    struct err *e);
/* Checks one signature line (len bytes, without its newline) against witness v over the
 * checkpoint body: 1 when the line is v's (its name and key id) and its cosignature verifies
 * (*t gets its time), 0 when the line is another key's, -1 (e set) when it names v but is
 * malformed or does not verify. The server checks a posted note line by line with it. */
int cosig_check_line(const struct ledger_verifier *v, const char *body, size_t body_len,
    const char *line, size_t len, uint64_t *t, struct err *e);
/* Checks that the note text (body, blank line, signature lines) carries a valid cosignature by
 * witness v: at least one line with v's name and key id, and every such line a valid cosignature
 * of the body. Lines of other keys are skipped (the log's own signature). On success returns 0 and
 * sets *t (may be NULL) to the newest valid cosignature's time. -1 with e set otherwise. */
int cosig_verify(const char *text, size_t len, const struct ledger_verifier *v, uint64_t *t,
    struct err *e);

#endif
