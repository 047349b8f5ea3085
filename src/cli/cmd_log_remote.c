/* cmd_log_remote.c: `agora log verify --url URL --key VKEY --receipt FILE`: checks a receipt from
 * outside the platform, against a pinned verifier key, never the key the server offers
 * (docs/LEDGER-TOOLS.md). Each step checked is printed; the first that fails is named. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../ledger/receipt.h"
#include "cli.h"
#include "log_cmds.h"
#include "logtool.h"

#define RECEIPT_MAX (1024 * 1024)

static int
failed(const char *step, const char *msg)
{
	printf("FAILED  %s: %s\n", step, msg);
	return 1;
}

int
log_verify_url(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--url", "--key", "--receipt", NULL };
	const char *vals[3] = { NULL, NULL, NULL };
	struct lt_checkpoint now;
	struct ledger_verifier v;
	struct ledger_receipt rc;
	const json_t *r;
	char *text = NULL, hex[65];
	json_t *doc;
	struct err e;
	size_t len;
	int rcode, fork;

	if ((rcode = cli_parse(argc, argv, c, "log", NULL, NULL, opts, vals, NULL, 0)) != 0)
		return rcode == 1 ? 0 : rcode;
	if (vals[0] == NULL || vals[1] == NULL || vals[2] == NULL) {
		fprintf(stderr, "agora log verify: --url, --key and --receipt are all needed\n");
		return EXIT_USAGE;
	}
	if (sodium_init() < 0)
		return failed("start", "libsodium could not start");
	if (lt_load_vkey(vals[1], &v, &e) != 0)
		return failed("pinned key", e.msg);
	printf("ok      pinned key %s+%08x\n", v.name, (unsigned)v.key_id);

	/* 1. the receipt, alone: entry -> leaf hash -> inclusion proof -> root -> signature */
	if (lt_read_file(vals[2], RECEIPT_MAX, &text, &len, &e) != 0)
		return failed("receipt", e.msg);
	doc = json_loadb(text, len, 0, NULL);
	free(text);
	if (doc == NULL)
		return failed("receipt", "the file is not JSON");
	/* the whole submission answer {"id", "receipt": {...}} or the receipt itself */
	r = json_is_object(json_object_get(doc, "receipt")) ? json_object_get(doc, "receipt") : doc;
	if (ledger_receipt_check(r, &v, &rc, &e) != 0) {
		json_decref(doc);
		return failed("receipt", e.msg);
	}
	ledger_hex(rc.leaf_hash, hex);
	printf("ok      receipt: the entry (%s) hashes to leaf_hash %s\n",
	    ledger_kind_name(rc.entry.kind) ? ledger_kind_name(rc.entry.kind) : "?", hex);
	if (rc.has_content)
		printf("ok      receipt: the salt and content SHA-256 give the entry's commitment\n");
	else
		printf("note    receipt: no salt and content SHA-256 to check the commitment with\n");
	printf("ok      receipt: the checkpoint of %llu leaves is signed by %s\n",
	    (unsigned long long)rc.cp.size, v.name);
	printf("ok      receipt: the inclusion proof leads from leaf %llu to that checkpoint's root\n",
	    (unsigned long long)rc.leaf_index);

	/* 2. the log today, with the pinned key: must be the same tree or an extension of it */
	if (lt_fetch_checkpoint(vals[0], &v, rc.cp.origin, &now, &e) != 0) {
		json_decref(doc);
		return failed("current checkpoint", e.msg);
	}
	printf("ok      current checkpoint: %llu leaves, signed by %s\n",
	    (unsigned long long)now.c.size, v.name);
	if (lt_check_consistency(vals[0], &rc.cp, &now.c, &fork, &e) != 0) {
		lt_checkpoint_free(&now);
		json_decref(doc);
		return failed("consistency", e.msg);
	}
	if (now.c.size == rc.cp.size)
		printf("ok      consistency: the log's current checkpoint is the receipt's\n");
	else
		printf("ok      consistency: the tree of %llu leaves is a prefix of today's %llu\n",
		    (unsigned long long)rc.cp.size, (unsigned long long)now.c.size);
	printf("verified: leaf %llu is in the log and the log has kept it\n",
	    (unsigned long long)rc.leaf_index);
	lt_checkpoint_free(&now);
	json_decref(doc);
	return 0;
}
