/* test_cosig.c: unit tests for src/ledger/cosig.c: witness keys, cosignature/v1 lines. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>

#include "ledger/cosig.h"
#include "ledger/note.h"
#include "util/buf.h"

static const char body[] = "agora.test/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

/* A note of body signed by a fresh log key, with the witness line appended. malloc'd. */
static char *
cosigned_note(const struct ledger_signer *log, const char *line)
{
	char *note = ledger_note_sign(log, body, strlen(body), NULL);
	struct buf b;

	assert_non_null(note);
	buf_init(&b);
	buf_puts(&b, note);
	buf_puts(&b, line);
	free(note);
	return buf_detach(&b, NULL);
}

/* The line's base64 part, decoded into sig (76 bytes wanted). */
static size_t
line_bytes(const char *line, unsigned char *sig, size_t cap)
{
	const char *sp = strchr(line + 4, ' ');
	size_t n = 0;

	assert_non_null(sp);
	assert_int_equal(sodium_base642bin(sig, cap, sp + 1, strcspn(sp + 1, "\n"), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	return n;
}

/* The line for name with the bytes sig, malloc'd. */
static char *
make_line(const char *name, const unsigned char *sig, size_t n)
{
	char b64[200], *out = malloc(400);

	sodium_bin2base64(b64, sizeof(b64), sig, n, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, 400, "\xe2\x80\x94 %s %s\n", name, b64);
	return out;
}

static void
test_round_trip(void **state)
{
	struct ledger_signer w, w2, log;
	struct ledger_verifier v, v2, lv;
	char text[LEDGER_KEY_TEXT_MAX], *line, *note, msg[256];
	unsigned char sig[128], pub_alg[33];
	struct ledger_checkpoint c;
	uint64_t t = 0;
	size_t n;

	assert_int_equal(cosig_key_generate("witness.example/w1", &w, NULL), 0);
	assert_int_equal(ledger_key_generate("agora.test/log", &log, NULL), 0);
	/* text forms round trip, and the key id is SHA-256(name \n 0x04 pub)[:4] */
	cosig_signer_text(&w, text);
	assert_true(strncmp(text, "PRIVATE+KEY+witness.example/w1+", 31) == 0);
	assert_int_equal(cosig_signer_parse(text, &w2, NULL), 0);
	assert_memory_equal(w2.pub, w.pub, 32);
	assert_int_equal(w2.key_id, w.key_id);
	ledger_signer_verifier(&w, &v);
	cosig_verifier_text(&v, text);
	assert_int_equal(cosig_verifier_parse(text, &v2, NULL), 0);
	assert_memory_equal(v2.pub, w.pub, 32);
	{
		unsigned char h[32], pre[200];
		size_t nl = strlen(w.name);

		memcpy(pre, w.name, nl);
		pre[nl] = '\n';
		pre[nl + 1] = 0x04;
		memcpy(pre + nl + 2, w.pub, 32);
		crypto_hash_sha256(h, pre, nl + 34);
		assert_int_equal(w.key_id, (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
		    (uint32_t)h[2] << 8 | h[3]);
		pub_alg[0] = 0x04;
		memcpy(pub_alg + 1, w.pub, 32);
		sodium_bin2base64(msg, sizeof(msg), pub_alg, 33, sodium_base64_VARIANT_ORIGINAL);
		assert_non_null(strstr(text, msg));
	}

	line = cosig_line(&w, body, strlen(body), 1679315147, NULL);
	assert_non_null(line);
	/* the line's bytes: key id, the time big-endian, and an Ed25519 signature over exactly
	 * "cosignature/v1\ntime 1679315147\n" || body */
	n = line_bytes(line, sig, sizeof(sig));
	assert_int_equal(n, 76);
	assert_int_equal((uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 |
	    sig[3], w.key_id);
	assert_memory_equal(sig + 4, "\x00\x00\x00\x00\x64\x18\x50\xcb", 8);
	snprintf(msg, sizeof(msg), "cosignature/v1\ntime 1679315147\n%s", body);
	assert_int_equal(crypto_sign_verify_detached(sig + 12, (unsigned char *)msg, strlen(msg),
	    w.pub), 0);

	note = cosigned_note(&log, line);
	assert_int_equal(cosig_verify(note, strlen(note), &v, &t, NULL), 0);
	assert_true(t == 1679315147);
	/* the log's own signature still opens, the witness line skipped */
	ledger_signer_verifier(&log, &lv);
	assert_int_equal(ledger_checkpoint_open(note, strlen(note), &lv, NULL, &c, NULL), 0);
	free(note);
	free(line);
	sodium_memzero(&w, sizeof(w));
}

static void
test_tampering(void **state)
{
	struct ledger_signer w, other, log;
	struct ledger_verifier v, vo;
	unsigned char sig[128];
	char *line, *note, *bad;
	struct err e;
	size_t n;

	assert_int_equal(cosig_key_generate("w1", &w, NULL), 0);
	assert_int_equal(cosig_key_generate("w1", &other, NULL), 0);
	assert_int_equal(ledger_key_generate("agora.test/log", &log, NULL), 0);
	ledger_signer_verifier(&w, &v);
	ledger_signer_verifier(&other, &vo);
	line = cosig_line(&w, body, strlen(body), 1700000000, NULL);
	assert_non_null(line);
	note = cosigned_note(&log, line);
	assert_int_equal(cosig_verify(note, strlen(note), &v, NULL, NULL), 0);

	/* every bit of the body flipped (newlines aside, which break the form anyway) */
	for (size_t i = 0; i < strlen(body); i++)
		for (int bit = 0; bit < 8; bit++) {
			char *copy = strdup(note);

			copy[i] ^= (char)(1 << bit);
			assert_int_equal(cosig_verify(copy, strlen(copy), &v, NULL, NULL), -1);
			free(copy);
		}
	/* every bit of the time and of the signature flipped */
	n = line_bytes(line, sig, sizeof(sig));
	for (size_t i = 4; i < n; i++)
		for (int bit = 0; bit < 8; bit++) {
			char *l2, *n2;

			sig[i] ^= (unsigned char)(1 << bit);
			l2 = make_line("w1", sig, n);
			n2 = cosigned_note(&log, l2);
			assert_int_equal(cosig_verify(n2, strlen(n2), &v, NULL, &e), -1);
			assert_non_null(strstr(e.msg, "does not verify"));
			free(l2);
			free(n2);
			sig[i] ^= (unsigned char)(1 << bit);
		}
	/* a wrong key id: the line is not the witness's, so there is no cosignature */
	sig[0] ^= 1;
	bad = make_line("w1", sig, n);
	sig[0] ^= 1;
	free(note);
	note = cosigned_note(&log, bad);
	assert_int_equal(cosig_verify(note, strlen(note), &v, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "no cosignature"));
	free(note);
	free(bad);
	/* another key of the same name */
	note = cosigned_note(&log, line);
	assert_int_equal(cosig_verify(note, strlen(note), &vo, NULL, &e), -1);
	assert_non_null(strstr(e.msg, "no cosignature"));
	/* a truncated signature with the right id */
	bad = make_line("w1", sig, n - 1);
	free(note);
	note = cosigned_note(&log, bad);
	assert_int_equal(cosig_verify(note, strlen(note), &v, NULL, NULL), -1);
	free(note);
	free(bad);
	/* a timestamp beyond 2^63 - 1 is not made, nor accepted */
	assert_null(cosig_line(&w, body, strlen(body), (uint64_t)1 << 63, NULL));
	sig[4] = 0x80;
	bad = make_line("w1", sig, n);
	note = cosigned_note(&log, bad);
	assert_int_equal(cosig_verify(note, strlen(note), &v, NULL, NULL), -1);
	free(note);
	free(bad);
	/* a body that is not one */
	assert_null(cosig_line(&w, "a\n\nb\n", 5, 1, NULL));
	assert_null(cosig_line(&w, "a", 1, 1, NULL));
	/* no signature lines at all */
	assert_int_equal(cosig_verify(body, strlen(body), &v, NULL, NULL), -1);
	free(line);
}

static void
test_key_text_errors(void **state)
{
	struct ledger_signer w, log;
	struct ledger_verifier v;
	char text[LEDGER_KEY_TEXT_MAX], bad[LEDGER_KEY_TEXT_MAX + 8];
	struct err e;
	char *plus;

	assert_int_equal(cosig_key_generate("w.example", &w, NULL), 0);
	assert_int_equal(ledger_key_generate("w.example", &log, NULL), 0);
	assert_int_equal(cosig_key_generate("bad name", &w, NULL), -1);
	assert_int_equal(cosig_key_generate("bad+name", &w, NULL), -1);
	assert_int_equal(cosig_key_generate("", &w, NULL), -1);
	assert_int_equal(cosig_key_generate("w.example", &w, NULL), 0);
	ledger_signer_verifier(&w, &v);
	cosig_verifier_text(&v, text);

	/* a log key (0x01) is refused as a witness key, and the reverse */
	ledger_signer_verifier(&log, &v);
	ledger_verifier_text(&v, bad);
	assert_int_equal(cosig_verifier_parse(bad, &v, &e), -1);
	assert_non_null(strstr(e.msg, "log key"));
	assert_int_equal(ledger_verifier_parse(text, &v, NULL), -1);
	ledger_signer_text(&log, bad);
	assert_int_equal(cosig_signer_parse(bad, &w, NULL), -1);

	/* a changed key id */
	strcpy(bad, text);
	plus = strchr(bad, '+');
	plus[1] = plus[1] == '0' ? '1' : '0';
	assert_int_equal(cosig_verifier_parse(bad, &v, &e), -1);
	assert_non_null(strstr(e.msg, "does not match"));
	/* uppercase hex, short id */
	strcpy(bad, text);
	plus = strchr(bad, '+');
	plus[1] = 'A';
	assert_int_equal(cosig_verifier_parse(bad, &v, NULL), -1);
	assert_int_equal(cosig_verifier_parse("w+0011+BAAA", &v, NULL), -1);
	/* missing parts, bad name, non-canonical base64, trailing newline */
	assert_int_equal(cosig_verifier_parse("w.example", &v, NULL), -1);
	assert_int_equal(cosig_verifier_parse("w.example+00112233", &v, NULL), -1);
	snprintf(bad, sizeof(bad), " %s", text);
	assert_int_equal(cosig_verifier_parse(bad, &v, NULL), -1);
	snprintf(bad, sizeof(bad), "%s\n", text);
	assert_int_equal(cosig_verifier_parse(bad, &v, NULL), -1);
	strcpy(bad, text);
	bad[strlen(bad) - 1] = '!';
	assert_int_equal(cosig_verifier_parse(bad, &v, NULL), -1);
	strcpy(bad, text);
	bad[strlen(bad) - 1] = '\0';	/* padding dropped */
	assert_int_equal(cosig_verifier_parse(bad, &v, NULL), -1);
	/* a signing key needs its prefix; a verifier key is not a signing key */
	assert_int_equal(cosig_key_generate("w.example", &w, NULL), 0);
	cosig_signer_text(&w, bad);
	assert_int_equal(cosig_signer_parse(text, &log, NULL), -1);
	assert_int_equal(cosig_signer_parse(bad, &log, NULL), 0);
	assert_int_equal(cosig_signer_parse(bad + 12, &log, NULL), -1);
	assert_int_equal(cosig_verifier_parse(text, &v, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_key_text_errors),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
