/* cosign_gen: a witness for tests (tests/blackbox/t350_log_api.sh), written straight from C2SP
 * tlog-cosignature with libsodium alone, so it shares no code with the server's checker.
 *   cosign_gen key NAME SEED_HEX              prints the witness's verifier key
 *                                             "NAME+<key id>+base64(0x04 || public key)"
 *   cosign_gen sign NAME SEED_HEX TIME        reads a signed checkpoint on stdin and prints it with
 *                                             NAME's cosignature/v1 line at TIME added */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
keys(const char *seed_hex, unsigned char pk[32], unsigned char sk[64])
{
	unsigned char seed[32];
	size_t n = 0;

	if (sodium_hex2bin(seed, sizeof(seed), seed_hex, strlen(seed_hex), NULL, &n, NULL) != 0 || n != 32)
		return -1;
	return crypto_sign_seed_keypair(pk, sk, seed);
}

static void
key_id(const char *name, const unsigned char pk[32], unsigned char id[4])
{
	unsigned char h[32], *m;
	size_t n = strlen(name);

	m = malloc(n + 34);
	memcpy(m, name, n);
	m[n] = '\n';
	m[n + 1] = 0x04;
	memcpy(m + n + 2, pk, 32);
	crypto_hash_sha256(h, m, n + 34);
	free(m);
	memcpy(id, h, 4);
}

int
main(int argc, char **argv)
{
	unsigned char pk[32], sk[64], id[4], raw[33], sig[76];
	char b64[128], *text = NULL, *body_end;
	size_t len = 0, cap = 0, k, body;
	unsigned long long t;

	if (sodium_init() < 0 || argc < 4 || keys(argv[3], pk, sk) != 0) {
		fprintf(stderr, "usage: cosign_gen key NAME SEED_HEX | sign NAME SEED_HEX TIME < note\n");
		return 2;
	}
	key_id(argv[2], pk, id);
	if (strcmp(argv[1], "key") == 0) {
		raw[0] = 0x04;
		memcpy(raw + 1, pk, 32);
		sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
		printf("%s+%02x%02x%02x%02x+%s\n", argv[2], id[0], id[1], id[2], id[3], b64);
		return 0;
	}
	if (strcmp(argv[1], "sign") != 0 || argc != 5)
		return 2;
	t = strtoull(argv[4], NULL, 10);
	do {	/* the note from stdin */
		if (len + 4096 > cap && (text = realloc(text, cap = cap * 2 + 8192)) == NULL)
			return 1;
		k = fread(text + len, 1, cap - len - 1, stdin);
		len += k;
	} while (k > 0);
	text[len] = '\0';
	if ((body_end = strstr(text, "\n\n")) == NULL)
		return 1;
	body = (size_t)(body_end - text) + 1;
	{
		char head[64];
		int hl = snprintf(head, sizeof(head), "cosignature/v1\ntime %llu\n", t);
		unsigned char *msg = malloc((size_t)hl + body);
		memcpy(msg, head, (size_t)hl);
		memcpy(msg + hl, text, body);
		memcpy(sig, id, 4);
		for (int i = 0; i < 8; i++)
			sig[4 + i] = (unsigned char)(t >> (56 - 8 * i));
		crypto_sign_detached(sig + 12, NULL, msg, (size_t)hl + body, sk);
		free(msg);
	}
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	fwrite(text, 1, len, stdout);
	printf("\xe2\x80\x94 %s %s\n", argv[2], b64);
	free(text);
	return 0;
}
