/* fuzz_ledger_entry.c: what the log's readers take from outside, on any bytes: an entry's
 * canonical bytes (the monitor reads them from a log it does not trust) and a receipt's JSON (the
 * /receipts page and `agora log verify --url` read what anyone pastes). A decoded entry encodes
 * back to exactly its bytes; a receipt is refused with a message, never a crash. */
#include "fuzz.h"
#include "ledger/entry.h"
#include "ledger/receipt.h"
#include "util/buf.h"
#include "util/err.h"

#include <jansson.h>
#include <sodium.h>

static struct ledger_verifier key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ledger_signer s;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0 || ledger_key_generate("fuzz.test/log", &s, NULL) != 0)
		abort();
	ledger_signer_verifier(&s, &key);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger_entry en, back;
	struct ledger_receipt r;
	struct buf b;
	struct err e;
	json_t *j;

	buf_init(&b);
	if (ledger_entry_decode(data, size, &en, &e) == 0) {
		FUZZ_CHECK(ledger_entry_encode(&en, &b, &e) == 0 && b.len == size &&
		    memcmp(b.data, data, size) == 0, "a decoded entry does not encode back to its bytes");
		j = ledger_entry_json(&en);
		FUZZ_CHECK(j != NULL && ledger_entry_from_json(j, &back, &e) == 0,
		    "a decoded entry's JSON does not read back");
		json_decref(j);
	}
	buf_free(&b);
	if ((j = json_loadb((const char *)data, size, 0, NULL)) != NULL) {
		FUZZ_CHECK(ledger_receipt_check(j, &key, &r, &e) != 0 && e.msg[0] != '\0',
		    "a receipt no one signed was accepted, or refused without a message");
		if (json_is_object(j))
			(void)ledger_entry_from_json(json_object_get(j, "entry"), &back, &e);
		json_decref(j);
	}
	return 0;
}
