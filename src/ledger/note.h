/* note.h: C2SP signed notes (Ed25519) and tlog checkpoints: keys, signing, verifying, parsing. */
#ifndef AGORA_LEDGER_NOTE_H
#define AGORA_LEDGER_NOTE_H
#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

/* Key names: 1..LEDGER_KEY_NAME_MAX-1 bytes of printable ASCII, no space and no '+' (checkpoint
 * origins such as "agora.example.org/log" fit). */
#define LEDGER_KEY_NAME_MAX 128
#define LEDGER_ED25519 0x01	/* the signed-note algorithm byte for Ed25519 */

/* A signing key: the name, the key id (first 4 bytes of SHA-256(name || '\n' || 0x01 || pub),
 * big-endian) and the Ed25519 seed and keys. Text form, as Go's sumdb/note writes it:
 * "PRIVATE+KEY+<name>+<id as 8 hex digits>+<base64(0x01 || seed)>". Secret: wipe it with
 * sodium_memzero when done. */
struct ledger_signer {
	char name[LEDGER_KEY_NAME_MAX];
	uint32_t key_id;
	unsigned char seed[32], pub[32], sec[64];
};
/* A verifier key, text form "<name>+<id as 8 hex digits>+<base64(0x01 || pub)>". */
struct ledger_verifier {
	char name[LEDGER_KEY_NAME_MAX];
	uint32_t key_id;
	unsigned char pub[32];
};
/* Text forms: "PRIVATE+KEY+" + name + 1 + 8 + 1 + 44 base64 bytes + NUL. */
#define LEDGER_KEY_TEXT_MAX (12 + LEDGER_KEY_NAME_MAX + 1 + 8 + 1 + 48 + 1)

/* The pieces of the key text forms, shared with witness keys (cosig.h: algorithm 0x04). */
/* 1 for a key name: 1..LEDGER_KEY_NAME_MAX-1 bytes of printable ASCII, no space or '+'. */
int ledger_key_name_valid(const char *s, size_t n);
/* The key id: the first 4 bytes of SHA-256(name || '\n' || alg || pub), big-endian. */
uint32_t ledger_key_id(const char *name, unsigned char alg, const unsigned char pub[32]);
/* Padded standard base64 in its canonical form only (what encoding the bytes gives back): n
 * bytes of s into out (at most max), *outlen set. 0, or -1. */
int ledger_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen);
/* prefix "<name>+<id as 8 hex>+<base64(alg || key)>" into out. */
void ledger_key_text(char out[LEDGER_KEY_TEXT_MAX], const char *prefix, const char *name,
    uint32_t id, unsigned char alg, const unsigned char key[32]);
/* Parses "<name>+<id>+<base64(alg || key)>" (what follows any "PRIVATE+KEY+"): the key must be
 * of algorithm alg. It does not check the id against the key. 0, or -1 with e set. */
int ledger_key_parse(const char *text, unsigned char alg, char name[LEDGER_KEY_NAME_MAX],
    uint32_t *id, unsigned char key[32], struct err *e);

/* The same for keys of another algorithm byte (witness keys: 0x04, cosig.h). */
int ledger_key_generate_alg(const char *name, unsigned char alg, struct ledger_signer *s,
    struct err *e);
int ledger_signer_parse_alg(const char *text, unsigned char alg, struct ledger_signer *s,
    struct err *e);
int ledger_verifier_parse_alg(const char *text, unsigned char alg, struct ledger_verifier *v,
    struct err *e);

/* Makes a new random signing key named name. Returns 0, or -1 (e set) for a bad name. */
int ledger_key_generate(const char *name, struct ledger_signer *s, struct err *e);
/* The text forms of a signing key and of its verifier key. */
void ledger_signer_text(const struct ledger_signer *s, char out[LEDGER_KEY_TEXT_MAX]);
void ledger_verifier_text(const struct ledger_verifier *v, char out[LEDGER_KEY_TEXT_MAX]);
/* The verifier key of a signing key. */
void ledger_signer_verifier(const struct ledger_signer *s, struct ledger_verifier *v);
/* Parse the text forms (surrounding whitespace is not allowed: trim a file's newline first).
 * A key whose id does not match its name and key, an algorithm other than Ed25519, bad base64 or
 * a bad name is refused: -1 with e set. */
int ledger_signer_parse(const char *text, struct ledger_signer *s, struct err *e);
int ledger_verifier_parse(const char *text, struct ledger_verifier *v, struct err *e);

/* Signs the note body (UTF-8 text without control characters other than newlines, ending in a
 * newline, with no blank line) and returns the note: body, a blank line, and the line
 * "— <name> <base64(key id || signature)>". malloc'd (free it); NULL with e set on bad input. */
char *ledger_note_sign(const struct ledger_signer *s, const char *body, size_t len,
    struct err *e);
/* Checks a note signed by v: the text must be well formed (as Go's note.Open checks it), must
 * carry a signature line with v's name and key id whose signature verifies over the body, and
 * no line with v's name and id may carry a bad signature; lines by other keys are skipped (a
 * witness's cosignatures). On success returns 0 and sets *body_len to the length of the body
 * (the text up to and including the newline before the blank line). -1 with e set otherwise. */
int ledger_note_verify(const char *text, size_t len, const struct ledger_verifier *v,
    size_t *body_len, struct err *e);

/* A checkpoint (https://c2sp.org/tlog-checkpoint): the origin, the tree size and root, and any
 * extension lines (ext: ext_len bytes of complete lines, each ending in a newline; may point into
 * the parsed text). */
struct ledger_checkpoint {
	char origin[LEDGER_KEY_NAME_MAX * 2];
	uint64_t size;
	unsigned char root[LEDGER_HASH_BYTES];
	const char *ext;
	size_t ext_len;
};
/* The body "<origin>\n<size>\n<base64 root>\n<ext lines>": malloc'd, NULL with e set when the
 * origin is empty or has a control character, or an extension line is empty. */
char *ledger_checkpoint_body(const struct ledger_checkpoint *c, struct err *e);
/* Parses a body in its canonical form only: a non-empty origin; the size in decimal without
 * leading zeros; the root as padded standard base64 of 32 bytes; non-empty extension lines; every
 * line ending in a newline. Returns 0 or -1 (e says which line is wrong). */
int ledger_checkpoint_parse(const char *body, size_t len, struct ledger_checkpoint *c,
    struct err *e);
/* ledger_checkpoint_body then ledger_note_sign: the signed checkpoint, malloc'd. */
char *ledger_checkpoint_sign(const struct ledger_signer *s, const struct ledger_checkpoint *c,
    struct err *e);
/* ledger_note_verify then ledger_checkpoint_parse; c->ext points into text. When origin is not
 * NULL the checkpoint's origin must be it. */
int ledger_checkpoint_open(const char *text, size_t len, const struct ledger_verifier *v,
    const char *origin, struct ledger_checkpoint *c, struct err *e);

#endif
