/* fuzz_ledger_note.c: the ledger's parsers on any bytes: signed notes (against Go's example key),
 * checkpoint bodies and key texts. What they accept is canonical: a parsed checkpoint or key
 * writes back to exactly the input, and a verified note's body ends in a newline inside it. */
#include "fuzz.h"
#include "ledger/note.h"
#include "util/err.h"

#include <sodium.h>

static struct ledger_verifier go_key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0 || ledger_verifier_parse(
	    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &go_key, NULL) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ledger_checkpoint c;
	struct ledger_verifier v;
	struct ledger_signer s;
	char key[LEDGER_KEY_TEXT_MAX], *s_in = fuzz_cstr(data, size), *body;
	size_t body_len = 0;
	struct err e;

	if (ledger_note_verify(text, size, &go_key, &body_len, &e) == 0)
		FUZZ_CHECK(body_len > 0 && body_len < size && text[body_len - 1] == '\n',
		    "a verified note's body is %zu of %zu bytes", body_len, size);
	else
		FUZZ_CHECK(e.msg[0] != '\0', "a refused note has no message");
	if (ledger_checkpoint_parse(text, size, &c, &e) == 0) {
		body = ledger_checkpoint_body(&c, &e);
		FUZZ_CHECK(body != NULL && strlen(body) == size && memcmp(body, text, size) == 0,
		    "a parsed checkpoint does not write back to its input");
		free(body);
	}
	if (ledger_verifier_parse(s_in, &v, &e) == 0) {
		ledger_verifier_text(&v, key);
		FUZZ_CHECK(strcmp(key, s_in) == 0, "a parsed verifier key writes back as %s", key);
	}
	if (ledger_signer_parse(s_in, &s, &e) == 0) {
		ledger_signer_text(&s, key);
		FUZZ_CHECK(strcmp(key, s_in) == 0, "a parsed signer key writes back differently");
	}
	free(s_in);
	return 0;
}
