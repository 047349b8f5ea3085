/* cosig_verify.c: witness keys and cosignature/v1 lines, checked (cosig_verify.h). */
#include "cosig_verify.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG_PREFIX "\xe2\x80\x94 "	/* an em dash and a space */
#define SIG_PREFIX_LEN 4

/* Key names as note.h allows them: printable ASCII without spaces or '+'. */
static int
name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= LEDGER_KEY_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '+')
			return 0;
	return 1;
}

static uint32_t
witness_key_id(const char *name, size_t n, const unsigned char pub[32])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES], alg = LEDGER_COSIG_V1;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, n);
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, &alg, 1);
	crypto_hash_sha256_update(&st, pub, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* Standard padded base64 of n bytes of s into out (at most max): 0, or -1 when it is not that
 * or not canonical (one encoding per value, as note.c insists). */
static int
b64(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	char again[160];
	const char *end;

	if (n == 0 || n % 4 != 0 || n >= sizeof(again) ||
	    sodium_base642bin(out, max, s, n, NULL, outlen, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + n)
		return -1;
	sodium_bin2base64(again, sizeof(again), out, *outlen, sodium_base64_VARIANT_ORIGINAL);
	return strlen(again) == n && memcmp(again, s, n) == 0 ? 0 : -1;
}

int
ledger_witness_key_parse(const char *text, size_t len, struct ledger_witness_key *k,
    struct err *e)
{
	const char *p1 = memchr(text, '+', len), *p2, *end = text + len;
	unsigned char raw[40];
	size_t n = 0;
	char hex[9];
	char *stop;

	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium could not start");
	memset(k, 0, sizeof(*k));
	if (p1 == NULL || (p2 = memchr(p1 + 1, '+', (size_t)(end - p1 - 1))) == NULL)
		return err_set(e, ERR_INVALID, "a witness key is name+id+key");
	if (!name_ok(text, (size_t)(p1 - text)))
		return err_set(e, ERR_INVALID, "the witness key's name is not valid");
	if (p2 - p1 - 1 != 8 || strspn(p1 + 1, "0123456789abcdef") < 8)
		return err_set(e, ERR_INVALID, "the witness key id is not 8 lowercase hex digits");
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	if (b64(p2 + 1, (size_t)(end - p2 - 1), raw, sizeof(raw), &n) != 0 || n != 33)
		return err_set(e, ERR_INVALID, "the witness key is not valid base64 of 33 bytes");
	if (raw[0] != LEDGER_COSIG_V1)
		return err_set(e, ERR_INVALID, "the witness key is not a cosignature/v1 key");
	memcpy(k->name, text, (size_t)(p1 - text));
	memcpy(k->pub, raw + 1, 32);
	k->key_id = (uint32_t)strtoul(hex, &stop, 16);
	if (k->key_id != witness_key_id(k->name, strlen(k->name), k->pub))
		return err_set(e, ERR_INVALID, "the witness key id does not match the key");
	return 0;
}

int
ledger_witness_check_line(const struct ledger_witness_key *k, const char *body, size_t body_len,
    const char *line, size_t len, uint64_t *time, struct err *e)
{
	const char *sp, *end = line + len;
	unsigned char sig[4 + 8 + crypto_sign_BYTES + 8];
	char head[64];
	size_t n = 0, hlen;
	unsigned char *msg;
	uint64_t t = 0;
	int ok;

	if (len < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return 0;
	line += SIG_PREFIX_LEN;
	if ((sp = memchr(line, ' ', (size_t)(end - line))) == NULL ||
	    (size_t)(sp - line) != strlen(k->name) || memcmp(line, k->name, (size_t)(sp - line)) != 0)
		return 0;
	if (b64(sp + 1, (size_t)(end - sp - 1), sig, sizeof(sig), &n) != 0 || n < 4)
		return err_set(e, ERR_INVALID, "the line by %s is not base64", k->name);
	if (((uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3]) != k->key_id)
		return 0;	/* another key of that name */
	if (n != 4 + 8 + crypto_sign_BYTES)
		return err_set(e, ERR_INVALID, "the line by %s is not a cosignature/v1", k->name);
	for (int i = 0; i < 8; i++)
		t = t << 8 | sig[4 + i];
	hlen = (size_t)snprintf(head, sizeof(head), "cosignature/v1\ntime %llu\n", (unsigned long long)t);
	if ((msg = malloc(hlen + body_len)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	memcpy(msg, head, hlen);
	memcpy(msg + hlen, body, body_len);
	ok = crypto_sign_verify_detached(sig + 12, msg, hlen + body_len, k->pub) == 0;
	free(msg);
	if (!ok)
		return err_set(e, ERR_INVALID, "the cosignature by %s does not verify", k->name);
	*time = t;
	return 1;
}
