/* cosig.c: C2SP tlog-cosignature v1 (https://c2sp.org/tlog-cosignature) with Ed25519 (cosig.h).
 * The base64 and name helpers of note.c are static there, so the few lines they need are
 * repeated here with the same rules (canonical padded base64 only, names as note.c allows). */
#include "cosig.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/str.h"

#define SIG_PREFIX "\xe2\x80\x94 "	/* an em dash U+2014 and a space */
#define SIG_PREFIX_LEN 4
#define COSIG_BYTES (4 + 8 + crypto_sign_BYTES)	/* key id, timestamp, signature */
#define TIME_MAX ((uint64_t)INT64_MAX)

static int
name_valid(const char *s, size_t n)
{
	if (n == 0 || n >= LEDGER_KEY_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '+')
			return 0;
	return 1;
}

/* SHA-256(name || '\n' || 0x04 || pub)[:4], big-endian. */
static uint32_t
key_id(const char *name, size_t namelen, const unsigned char pub[32])
{
	crypto_hash_sha256_state st;
	unsigned char h[32], sep[2] = { '\n', LEDGER_COSIG_ED25519 };

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, namelen);
	crypto_hash_sha256_update(&st, sep, 2);
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* Canonical padded standard base64 only (what encoding the bytes gives back). 0 or -1. */
static int
b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
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

int
cosig_key_generate(const char *name, struct ledger_signer *s, struct err *e)
{
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium could not start");
	if (!name_valid(name, strlen(name)))
		return err_set(e, ERR_INVALID, "a key name is printable ASCII without spaces or '+'");
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, strlen(name));
	randombytes_buf(s->seed, sizeof(s->seed));
	crypto_sign_seed_keypair(s->pub, s->sec, s->seed);
	s->key_id = key_id(s->name, strlen(s->name), s->pub);
	return 0;
}

static void
key_text(char out[LEDGER_KEY_TEXT_MAX], const char *prefix, const char *name, uint32_t id,
    const unsigned char key[32])
{
	unsigned char alg_key[33];
	char b64[64];

	alg_key[0] = LEDGER_COSIG_ED25519;
	memcpy(alg_key + 1, key, 32);
	sodium_bin2base64(b64, sizeof(b64), alg_key, sizeof(alg_key), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, LEDGER_KEY_TEXT_MAX, "%s%s+%08x+%s", prefix, name, (unsigned)id, b64);
	sodium_memzero(alg_key, sizeof(alg_key));
	sodium_memzero(b64, sizeof(b64));
}

void
cosig_signer_text(const struct ledger_signer *s, char out[LEDGER_KEY_TEXT_MAX])
{
	key_text(out, "PRIVATE+KEY+", s->name, s->key_id, s->seed);
}

void
cosig_verifier_text(const struct ledger_verifier *v, char out[LEDGER_KEY_TEXT_MAX])
{
	key_text(out, "", v->name, v->key_id, v->pub);
}

/* "<name>+<8 hex>+<base64(0x04 || key)>": fills name, id and key. */
static int
key_parse(const char *text, char name[LEDGER_KEY_NAME_MAX], uint32_t *id, unsigned char key[32],
    struct err *e)
{
	const char *p1 = strchr(text, '+'), *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	unsigned char alg_key[64];
	size_t len = 0;
	uint32_t v = 0;
	int rc = -1;

	if (p1 == NULL || p2 == NULL)
		return err_set(e, ERR_INVALID, "a witness key is name+id+key");
	if (!name_valid(text, (size_t)(p1 - text)))
		return err_set(e, ERR_INVALID, "the witness key's name is not valid");
	if (p2 - p1 - 1 != 8)
		return err_set(e, ERR_INVALID, "the key id is not 8 lowercase hex digits");
	for (const char *h = p1 + 1; h < p2; h++) {
		if (*h >= '0' && *h <= '9')
			v = v << 4 | (uint32_t)(*h - '0');
		else if (*h >= 'a' && *h <= 'f')
			v = v << 4 | (uint32_t)(*h - 'a' + 10);
		else
			return err_set(e, ERR_INVALID, "the key id is not 8 lowercase hex digits");
	}
	if (b64_decode(p2 + 1, strlen(p2 + 1), alg_key, sizeof(alg_key), &len) != 0)
		return err_set(e, ERR_INVALID, "the key is not valid base64");
	if (len != 33 || alg_key[0] != LEDGER_COSIG_ED25519) {
		err_set(e, ERR_INVALID, len == 33 && alg_key[0] == LEDGER_ED25519 ?
		    "this is a log key (algorithm 0x01), not a witness key (cosignature/v1, 0x04)" :
		    "the key is not a cosignature/v1 Ed25519 key (algorithm 0x04)");
		goto out;
	}
	memcpy(name, text, (size_t)(p1 - text));
	name[p1 - text] = '\0';
	memcpy(key, alg_key + 1, 32);
	*id = v;
	rc = 0;
out:
	sodium_memzero(alg_key, sizeof(alg_key));
	return rc;
}

int
cosig_signer_parse(const char *text, struct ledger_signer *s, struct err *e)
{
	uint32_t id;

	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium could not start");
	memset(s, 0, sizeof(*s));
	if (strncmp(text, "PRIVATE+KEY+", 12) != 0)
		return err_set(e, ERR_INVALID, "a signing key starts with PRIVATE+KEY+");
	if (key_parse(text + 12, s->name, &id, s->seed, e) != 0)
		return -1;
	crypto_sign_seed_keypair(s->pub, s->sec, s->seed);
	s->key_id = key_id(s->name, strlen(s->name), s->pub);
	if (s->key_id != id) {
		sodium_memzero(s, sizeof(*s));
		return err_set(e, ERR_INVALID, "the key id does not match the key");
	}
	return 0;
}

int
cosig_verifier_parse(const char *text, struct ledger_verifier *v, struct err *e)
{
	memset(v, 0, sizeof(*v));
	if (key_parse(text, v->name, &v->key_id, v->pub, e) != 0)
		return -1;
	if (key_id(v->name, strlen(v->name), v->pub) != v->key_id)
		return err_set(e, ERR_INVALID, "the key id does not match the key");
	return 0;
}

/* The signed message: "cosignature/v1\ntime <t>\n" || body, into b. */
static void
message(struct buf *b, const char *body, size_t len, uint64_t t)
{
	buf_printf(b, "cosignature/v1\ntime %llu\n", (unsigned long long)t);
	buf_add(b, body, len);
}

/* A checkpoint body: text, non-empty lines each ending in a newline. */
static int
body_valid(const char *body, size_t len)
{
	if (len == 0 || body[0] == '\n' || body[len - 1] != '\n' || !utf8_valid(body, len))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)body[i] < 0x20 && body[i] != '\n') ||
		    (body[i] == '\n' && i + 1 < len && body[i + 1] == '\n'))
			return 0;
	return 1;
}

char *
cosig_line(const struct ledger_signer *s, const char *body, size_t len, uint64_t t, struct err *e)
{
	unsigned char sig[COSIG_BYTES];
	char b64[160];
	struct buf m, out;

	if (!body_valid(body, len)) {
		err_set(e, ERR_INVALID, "a checkpoint body is lines of text, each ending in a newline");
		return NULL;
	}
	if (t > TIME_MAX) {
		err_set(e, ERR_INVALID, "a cosignature's time is at most 2^63 - 1");
		return NULL;
	}
	buf_init(&m);
	message(&m, body, len, t);
	if (m.failed) {
		buf_free(&m);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	for (int i = 0; i < 4; i++)
		sig[i] = (unsigned char)(s->key_id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		sig[4 + i] = (unsigned char)(t >> (56 - 8 * i));
	crypto_sign_detached(sig + 12, NULL, (const unsigned char *)m.data, m.len, s->sec);
	buf_free(&m);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	buf_init(&out);
	buf_printf(&out, SIG_PREFIX "%s %s\n", s->name, b64);
	if (out.failed) {
		buf_free(&out);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/* Checks one decoded cosignature (COSIG_BYTES) over body; sets *t. 0 or -1. */
static int
check_one(const unsigned char *sig, const char *body, size_t len, const struct ledger_verifier *v,
    uint64_t *t)
{
	struct buf m;
	int ok;

	*t = 0;
	for (int i = 0; i < 8; i++)
		*t = *t << 8 | sig[4 + i];
	if (*t > TIME_MAX)
		return -1;
	buf_init(&m);
	message(&m, body, len, *t);
	ok = !m.failed && crypto_sign_verify_detached(sig + 12, (const unsigned char *)m.data, m.len,
	    v->pub) == 0;
	buf_free(&m);
	return ok ? 0 : -1;
}

int
cosig_verify(const char *text, size_t len, const struct ledger_verifier *v, uint64_t *t,
    struct err *e)
{
	const char *sigs = NULL, *end = text + len, *line;
	size_t body, vlen = strlen(v->name);
	uint64_t newest = 0;
	int good = 0;

	if (!utf8_valid(text, len))
		return err_set(e, ERR_INVALID, "the note is not UTF-8 text");
	for (const char *p = text; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			sigs = p + 2;
	if (sigs == NULL || sigs == end || end[-1] != '\n')
		return err_set(e, ERR_INVALID, "the note has no signature lines after a blank line");
	body = (size_t)(sigs - 1 - text);
	if (!body_valid(text, body))
		return err_set(e, ERR_INVALID, "the note's body is not lines of text");
	for (line = sigs; line < end; ) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *sp;
		unsigned char sig[COSIG_BYTES + 64];
		size_t siglen = 0;
		uint32_t id;
		uint64_t when;

		if ((size_t)(nl - line) < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
			return err_set(e, ERR_INVALID, "a signature line does not start with an em dash");
		line += SIG_PREFIX_LEN;
		sp = memchr(line, ' ', (size_t)(nl - line));
		if (sp == NULL || (size_t)(sp - line) != vlen || memcmp(line, v->name, vlen) != 0) {
			line = nl + 1;	/* another key's line: not ours to judge */
			continue;
		}
		if (b64_decode(sp + 1, (size_t)(nl - sp - 1), sig, sizeof(sig), &siglen) != 0 ||
		    siglen < 4)
			return err_set(e, ERR_INVALID, "the line by %s is not valid base64", v->name);
		id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
		if (id == v->key_id) {
			if (siglen != COSIG_BYTES || check_one(sig, text, body, v, &when) != 0)
				return err_set(e, ERR_INVALID,
				    "the cosignature by %s does not verify over this checkpoint", v->name);
			good = 1;
			if (when > newest)
				newest = when;
		}
		line = nl + 1;
	}
	if (!good)
		return err_set(e, ERR_INVALID, "the note carries no cosignature by witness %s+%08x",
		    v->name, (unsigned)v->key_id);
	if (t != NULL)
		*t = newest;
	return 0;
}
