/* note.c: C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys in the text forms of
 * Go's golang.org/x/mod/sumdb/note, and tlog checkpoints (https://c2sp.org/tlog-checkpoint). */
#include "note.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/str.h"

#define SIG_PREFIX "\xe2\x80\x94 "	/* an em dash U+2014 and a space */
#define SIG_PREFIX_LEN 4
#define SIG_MAX 100	/* Go's note.Open refuses notes with more signature lines */

int
ledger_key_name_valid(const char *s, size_t n)
{
	if (n == 0 || n >= LEDGER_KEY_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '+')
			return 0;
	return 1;
}

uint32_t
ledger_key_id(const char *name, unsigned char alg, const unsigned char pub[32])
{
	crypto_hash_sha256_state st;
	unsigned char h[32], sep[2] = { '\n', alg };

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, 2);
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int
ledger_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	char again[256];
	const char *end;

	if (n == 0 || n % 4 != 0 || n >= sizeof(again) ||
	    sodium_base642bin(out, max, s, n, NULL, outlen, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || end != s + n)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, *outlen, sodium_base64_VARIANT_ORIGINAL);
	return strlen(again) == n && memcmp(again, s, n) == 0 ? 0 : -1;
}

static void
b64_encode(char *out, size_t cap, const unsigned char *p, size_t n)
{
	sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
}

/* Parses 8 lowercase hex digits. */
static int
hex32(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n != 8)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = v << 4 | (uint32_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			v = v << 4 | (uint32_t)(s[i] - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
signer_from_seed(struct ledger_signer *s, unsigned char alg)
{
	crypto_sign_seed_keypair(s->pub, s->sec, s->seed);
	s->key_id = ledger_key_id(s->name, alg, s->pub);
}

int
ledger_key_generate_alg(const char *name, unsigned char alg, struct ledger_signer *s,
    struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium could not start");
	if (!ledger_key_name_valid(name, strlen(name)))
		return err_set(e, ERR_INVALID, "a key name is printable ASCII without spaces or '+'");
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, strlen(name));
	randombytes_buf(s->seed, sizeof(s->seed));
	signer_from_seed(s, alg);
	return 0;
}

int
ledger_key_generate(const char *name, struct ledger_signer *s, struct err *e)
{
	return ledger_key_generate_alg(name, LEDGER_ED25519, s, e);
}

void
ledger_signer_verifier(const struct ledger_signer *s, struct ledger_verifier *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->name, s->name, sizeof(v->name));
	v->key_id = s->key_id;
	memcpy(v->pub, s->pub, sizeof(v->pub));
}

void
ledger_key_text(char out[LEDGER_KEY_TEXT_MAX], const char *prefix, const char *name, uint32_t id,
    unsigned char alg, const unsigned char key[32])
{
	unsigned char alg_key[33];
	char b64[64];

	alg_key[0] = alg;
	memcpy(alg_key + 1, key, 32);
	b64_encode(b64, sizeof(b64), alg_key, sizeof(alg_key));
	snprintf(out, LEDGER_KEY_TEXT_MAX, "%s%s+%08x+%s", prefix, name, (unsigned)id, b64);
	sodium_memzero(alg_key, sizeof(alg_key));
	sodium_memzero(b64, sizeof(b64));
}

void
ledger_signer_text(const struct ledger_signer *s, char out[LEDGER_KEY_TEXT_MAX])
{
	ledger_key_text(out, "PRIVATE+KEY+", s->name, s->key_id, LEDGER_ED25519, s->seed);
}

void
ledger_verifier_text(const struct ledger_verifier *v, char out[LEDGER_KEY_TEXT_MAX])
{
	ledger_key_text(out, "", v->name, v->key_id, LEDGER_ED25519, v->pub);
}

int
ledger_key_parse(const char *text, unsigned char alg, char name[LEDGER_KEY_NAME_MAX], uint32_t *id,
    unsigned char key[32], struct err *e)
{
	const char *p1 = strchr(text, '+'), *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	unsigned char alg_key[64];
	size_t len = 0;
	int rc = -1;

	/* the base64 part may hold '+' itself: only the first two separate */
	if (p1 == NULL || p2 == NULL)
		return err_set(e, ERR_INVALID, "a key is name+id+key");
	if (!ledger_key_name_valid(text, (size_t)(p1 - text)))
		return err_set(e, ERR_INVALID, "the key's name is not valid");
	if (hex32(p1 + 1, (size_t)(p2 - p1 - 1), id) != 0)
		return err_set(e, ERR_INVALID, "the key id is not 8 lowercase hex digits");
	if (ledger_b64_decode(p2 + 1, strlen(p2 + 1), alg_key, sizeof(alg_key), &len) != 0)
		return err_set(e, ERR_INVALID, "the key is not valid base64");
	if (len != 33 || alg_key[0] != alg) {
		if (len == 33 && alg_key[0] == LEDGER_ED25519)
			err_set(e, ERR_INVALID, "this is a log key (algorithm 0x01), not a witness key "
			    "(cosignature/v1, 0x04)");
		else if (len == 33 && alg_key[0] == 0x04)
			err_set(e, ERR_INVALID, "this is a witness key (cosignature/v1, 0x04), not a log key "
			    "(algorithm 0x01)");
		else
			err_set(e, ERR_INVALID, "the key is not an Ed25519 key");
		goto out;
	}
	memcpy(name, text, (size_t)(p1 - text));
	name[p1 - text] = '\0';
	memcpy(key, alg_key + 1, 32);
	rc = 0;
out:
	sodium_memzero(alg_key, sizeof(alg_key));
	return rc;
}

int
ledger_signer_parse_alg(const char *text, unsigned char alg, struct ledger_signer *s,
    struct err *e)
{
	uint32_t id;

	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium could not start");
	memset(s, 0, sizeof(*s));
	if (strncmp(text, "PRIVATE+KEY+", 12) != 0)
		return err_set(e, ERR_INVALID, "a signing key starts with PRIVATE+KEY+");
	if (ledger_key_parse(text + 12, alg, s->name, &id, s->seed, e) != 0)
		return -1;
	signer_from_seed(s, alg);
	if (s->key_id != id) {
		sodium_memzero(s, sizeof(*s));
		return err_set(e, ERR_INVALID, "the key id does not match the key");
	}
	return 0;
}

int
ledger_signer_parse(const char *text, struct ledger_signer *s, struct err *e)
{
	return ledger_signer_parse_alg(text, LEDGER_ED25519, s, e);
}

int
ledger_verifier_parse_alg(const char *text, unsigned char alg, struct ledger_verifier *v,
    struct err *e)
{
	memset(v, 0, sizeof(*v));
	if (ledger_key_parse(text, alg, v->name, &v->key_id, v->pub, e) != 0)
		return -1;
	if (ledger_key_id(v->name, alg, v->pub) != v->key_id)
		return err_set(e, ERR_INVALID, "the key id does not match the key");
	return 0;
}

int
ledger_verifier_parse(const char *text, struct ledger_verifier *v, struct err *e)
{
	return ledger_verifier_parse_alg(text, LEDGER_ED25519, v, e);
}

/* 1 when text is UTF-8 with no control character but newlines (Go's note.Open rule). */
static int
text_valid(const char *text, size_t len)
{
	if (!utf8_valid(text, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			return 0;
	return 1;
}

/* 1 when two newlines follow each other. */
static int
has_blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '\n' && s[i + 1] == '\n')
			return 1;
	return 0;
}

char *
ledger_note_sign(const struct ledger_signer *s, const char *body, size_t len, struct err *e)
{
	unsigned char sig[4 + crypto_sign_BYTES];
	char b64[128];
	struct buf b;

	if (len == 0 || body[len - 1] != '\n' || !text_valid(body, len) ||
	    has_blank_line(body, len) || body[0] == '\n') {
		err_set(e, ERR_INVALID, "a note body is lines of text, each ending in a newline");
		return NULL;
	}
	sig[0] = (unsigned char)(s->key_id >> 24);
	sig[1] = (unsigned char)(s->key_id >> 16);
	sig[2] = (unsigned char)(s->key_id >> 8);
	sig[3] = (unsigned char)s->key_id;
	crypto_sign_detached(sig + 4, NULL, (const unsigned char *)body, len, s->sec);
	b64_encode(b64, sizeof(b64), sig, sizeof(sig));
	buf_init(&b);
	buf_add(&b, body, len);
	buf_printf(&b, "\n" SIG_PREFIX "%s %s\n", s->name, b64);
	if (b.failed) {
		buf_free(&b);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	return buf_detach(&b, NULL);
}

int
ledger_note_verify(const char *text, size_t len, const struct ledger_verifier *v,
    size_t *body_len, struct err *e)
{
	const char *sigs = NULL, *end = text + len, *line;
	int nsig = 0, good = 0, other_id = 0;
	size_t body;

	if (!text_valid(text, len))
		return err_set(e, ERR_INVALID, "the note is not UTF-8 text");
	/* the body ends at the last blank line; signature lines follow it */
	for (const char *p = text; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			sigs = p + 2;
	if (sigs == NULL || sigs == end || end[-1] != '\n')
		return err_set(e, ERR_INVALID, "the note has no signature lines after a blank line");
	body = (size_t)(sigs - 1 - text);
	for (line = sigs; line < end; ) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *sp;
		unsigned char sig[4 + crypto_sign_BYTES + 64];
		size_t siglen = 0, namelen;
		uint32_t id;

		if (++nsig > SIG_MAX)
			return err_set(e, ERR_INVALID, "the note has too many signatures");
		if ((size_t)(nl - line) < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
			return err_set(e, ERR_INVALID, "a signature line does not start with an em dash");
		line += SIG_PREFIX_LEN;
		if ((sp = memchr(line, ' ', (size_t)(nl - line))) == NULL)
			return err_set(e, ERR_INVALID, "a signature line has no signature");
		namelen = (size_t)(sp - line);
		if (!ledger_key_name_valid(line, namelen) ||
		    ledger_b64_decode(sp + 1, (size_t)(nl - sp - 1), sig, sizeof(sig), &siglen) != 0 ||
		    siglen < 5)
			return err_set(e, ERR_INVALID, "a signature line is malformed");
		id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
		if (namelen == strlen(v->name) && memcmp(line, v->name, namelen) == 0) {
			if (id != v->key_id) {
				other_id = 1;	/* another key of that name: not ours */
			} else if (siglen != 4 + crypto_sign_BYTES ||
			    crypto_sign_verify_detached(sig + 4, (const unsigned char *)text, body,
			    v->pub) != 0) {
				return err_set(e, ERR_INVALID, "the signature by %s does not verify",
				    v->name);
			} else {
				good = 1;
			}
		}
		line = nl + 1;
	}
	if (!good)
		return err_set(e, ERR_INVALID, other_id ?
		    "the note is signed by a key named %s with another key id" :
		    "the note carries no signature by %s", v->name);
	*body_len = body;
	return 0;
}

char *
ledger_checkpoint_body(const struct ledger_checkpoint *c, struct err *e)
{
	char b64[64];
	struct buf b;
	size_t olen = strlen(c->origin);

	if (olen == 0 || !text_valid(c->origin, olen) || memchr(c->origin, '\n', olen)) {
		err_set(e, ERR_INVALID, "a checkpoint origin is one line of text");
		return NULL;
	}
	if (c->ext_len > 0 && (c->ext[0] == '\n' || c->ext[c->ext_len - 1] != '\n' ||
	    has_blank_line(c->ext, c->ext_len))) {
		err_set(e, ERR_INVALID, "checkpoint extension lines are non-empty lines");
		return NULL;
	}
	b64_encode(b64, sizeof(b64), c->root, LEDGER_HASH_BYTES);
	buf_init(&b);
	buf_printf(&b, "%s\n%llu\n%s\n", c->origin, (unsigned long long)c->size, b64);
	if (c->ext_len > 0)
		buf_add(&b, c->ext, c->ext_len);
	if (b.failed) {
		buf_free(&b);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	return buf_detach(&b, NULL);
}

int
ledger_checkpoint_parse(const char *body, size_t len, struct ledger_checkpoint *c,
    struct err *e)
{
	const char *end = body + len, *l1, *l2, *l3;
	size_t n;

	memset(c, 0, sizeof(*c));
	if (len == 0 || end[-1] != '\n' || !text_valid(body, len))
		return err_set(e, ERR_INVALID, "a checkpoint is lines of text ending in a newline");
	l1 = memchr(body, '\n', len);
	l2 = memchr(l1 + 1, '\n', (size_t)(end - l1 - 1));
	l3 = l2 ? memchr(l2 + 1, '\n', (size_t)(end - l2 - 1)) : NULL;
	if (l2 == NULL || l3 == NULL)
		return err_set(e, ERR_INVALID, "a checkpoint has an origin, a size and a root");
	n = (size_t)(l1 - body);
	if (n == 0 || n >= sizeof(c->origin))
		return err_set(e, ERR_INVALID, "the checkpoint origin is empty or too long");
	memcpy(c->origin, body, n);
	c->origin[n] = '\0';
	/* the size: decimal, no sign, no leading zero, no overflow */
	n = (size_t)(l2 - l1 - 1);
	if (n == 0 || n > 20 || (n > 1 && l1[1] == '0'))
		return err_set(e, ERR_INVALID, "the checkpoint size is not a canonical number");
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(l1[1 + i] - '0');

		if (d > 9 || c->size > (UINT64_MAX - d) / 10)
			return err_set(e, ERR_INVALID, "the checkpoint size is not a canonical number");
		c->size = c->size * 10 + d;
	}
	{
		unsigned char root[48];

		if (ledger_b64_decode(l2 + 1, (size_t)(l3 - l2 - 1), root, sizeof(root), &n) != 0 ||
		    n != LEDGER_HASH_BYTES)
			return err_set(e, ERR_INVALID, "the checkpoint root is not 32 bytes of base64");
		memcpy(c->root, root, LEDGER_HASH_BYTES);
	}
	c->ext = l3 + 1;
	c->ext_len = (size_t)(end - c->ext);
	for (const char *p = c->ext; p < end; p++)
		if (*p == '\n' && (p == c->ext || p[-1] == '\n'))
			return err_set(e, ERR_INVALID, "a checkpoint extension line is empty");
	return 0;
}

char *
ledger_checkpoint_sign(const struct ledger_signer *s, const struct ledger_checkpoint *c,
    struct err *e)
{
	char *body, *note;

	if ((body = ledger_checkpoint_body(c, e)) == NULL)
		return NULL;
	note = ledger_note_sign(s, body, strlen(body), e);
	free(body);
	return note;
}

int
ledger_checkpoint_open(const char *text, size_t len, const struct ledger_verifier *v,
    const char *origin, struct ledger_checkpoint *c, struct err *e)
{
	size_t body;

	if (ledger_note_verify(text, len, v, &body, e) != 0 ||
	    ledger_checkpoint_parse(text, body, c, e) != 0)
		return -1;
	if (origin != NULL && strcmp(c->origin, origin) != 0)
		return err_set(e, ERR_INVALID, "the checkpoint is for %s, not %s", c->origin,
		    origin);
	return 0;
}
