/* cosig.c: C2SP tlog-cosignature v1 (https://c2sp.org/tlog-cosignature) with Ed25519 (cosig.h).
 * The key text forms, names and base64 are note.c's, with the algorithm byte 0x04. */
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

int
cosig_key_generate(const char *name, struct ledger_signer *s, struct err *e)
{
	return ledger_key_generate_alg(name, LEDGER_COSIG_ED25519, s, e);
}

void
cosig_signer_text(const struct ledger_signer *s, char out[LEDGER_KEY_TEXT_MAX])
{
	ledger_key_text(out, "PRIVATE+KEY+", s->name, s->key_id, LEDGER_COSIG_ED25519, s->seed);
}

void
cosig_verifier_text(const struct ledger_verifier *v, char out[LEDGER_KEY_TEXT_MAX])
{
	ledger_key_text(out, "", v->name, v->key_id, LEDGER_COSIG_ED25519, v->pub);
}

int
cosig_signer_parse(const char *text, struct ledger_signer *s, struct err *e)
{
	return ledger_signer_parse_alg(text, LEDGER_COSIG_ED25519, s, e);
}

int
cosig_verifier_parse(const char *text, struct ledger_verifier *v, struct err *e)
{
	return ledger_verifier_parse_alg(text, LEDGER_COSIG_ED25519, v, e);
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
cosig_check_line(const struct ledger_verifier *v, const char *body, size_t body_len,
    const char *line, size_t len, uint64_t *t, struct err *e)
{
	const char *sp, *end = line + len;
	unsigned char sig[COSIG_BYTES + 64];
	size_t siglen = 0, vlen = strlen(v->name);
	uint32_t id;

	if (len < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return 0;
	line += SIG_PREFIX_LEN;
	sp = memchr(line, ' ', (size_t)(end - line));
	if (sp == NULL || (size_t)(sp - line) != vlen || memcmp(line, v->name, vlen) != 0)
		return 0;	/* another key's line: not ours to judge */
	if (ledger_b64_decode(sp + 1, (size_t)(end - sp - 1), sig, sizeof(sig), &siglen) != 0 ||
	    siglen < 4)
		return err_set(e, ERR_INVALID, "the line by %s is not valid base64", v->name);
	id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
	if (id != v->key_id)
		return 0;	/* another key of that name */
	if (siglen != COSIG_BYTES || check_one(sig, body, body_len, v, t) != 0)
		return err_set(e, ERR_INVALID, "the cosignature by %s does not verify over this checkpoint",
		    v->name);
	return 1;
}

int
cosig_verify(const char *text, size_t len, const struct ledger_verifier *v, uint64_t *t,
    struct err *e)
{
	const char *sigs = NULL, *end = text + len, *line;
	uint64_t newest = 0;
	size_t body;
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
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		uint64_t when = 0;
		int rc;

		if ((size_t)(nl - line) < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
			return err_set(e, ERR_INVALID, "a signature line does not start with an em dash");
		if ((rc = cosig_check_line(v, text, body, line, (size_t)(nl - line), &when, e)) < 0)
			return -1;
		if (rc == 1) {
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
