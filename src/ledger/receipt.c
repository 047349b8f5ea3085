/* receipt.c: a receipt checked from its own contents (receipt.h). */
#include "receipt.h"

#include <string.h>

#include "../util/buf.h"

static int
hex_field(const json_t *r, const char *key, unsigned char out[LEDGER_HASH_BYTES], struct err *e)
{
	const char *s = json_string_value(json_object_get(r, key));

	if (s == NULL || ledger_unhex(s, out) != 0)
		return err_set_field(e, ERR_INVALID, key, "the receipt's \"%s\" is not 64 hex digits", key);
	return 0;
}

int
ledger_receipt_check(const json_t *r, const struct ledger_verifier *v, struct ledger_receipt *out,
    struct err *e)
{
	const json_t *idx = json_object_get(r, "leaf_index"), *proof = json_object_get(r, "inclusion_proof");
	unsigned char leaf[LEDGER_HASH_BYTES], salt[LEDGER_SALT_BYTES], content[LEDGER_HASH_BYTES],
	    commit[LEDGER_HASH_BYTES];
	struct ledger_proof p;
	struct buf b;
	size_t i;
	json_t *h;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(r))
		return err_set(e, ERR_INVALID, "the receipt is not a JSON object");
	if (!json_is_integer(idx) || json_integer_value(idx) < 0)
		return err_set_field(e, ERR_INVALID, "leaf_index",
		    "the receipt has no \"leaf_index\": it was made before the public log, or is not a receipt");
	out->leaf_index = (uint64_t)json_integer_value(idx);
	if (hex_field(r, "leaf_hash", out->leaf_hash, e) != 0 ||
	    ledger_entry_from_json(json_object_get(r, "entry"), &out->entry, e) != 0)
		return -1;
	buf_init(&b);
	if (ledger_entry_encode(&out->entry, &b, e) != 0) {
		buf_free(&b);
		return -1;
	}
	ledger_hash_leaf(b.data, b.len, leaf);
	buf_free(&b);
	if (memcmp(leaf, out->leaf_hash, LEDGER_HASH_BYTES) != 0)
		return err_set_field(e, ERR_INVALID, "leaf_hash",
		    "the entry's inputs do not hash to the receipt's leaf_hash: the receipt was altered");
	if (json_object_get(r, "salt") != NULL || json_object_get(r, "content_sha256") != NULL) {
		if (hex_field(r, "salt", salt, e) != 0 || hex_field(r, "content_sha256", content, e) != 0)
			return -1;
		ledger_commitment(salt, content, sizeof(content), commit);
		if (out->entry.kind != LEDGER_RESPONSE_VERSION ||
		    memcmp(commit, out->entry.hash, LEDGER_HASH_BYTES) != 0)
			return err_set_field(e, ERR_INVALID, "salt",
			    "the salt and content SHA-256 do not give the entry's commitment");
		out->has_content = 1;
	}
	if ((out->checkpoint = json_string_value(json_object_get(r, "checkpoint"))) == NULL)
		return err_set_field(e, ERR_INVALID, "checkpoint", "the receipt has no \"checkpoint\"");
	if (ledger_checkpoint_open(out->checkpoint, strlen(out->checkpoint), v, NULL, &out->cp, e) != 0)
		return -1;
	if (!json_is_array(proof) || json_array_size(proof) > LEDGER_PROOF_MAX)
		return err_set_field(e, ERR_INVALID, "inclusion_proof",
		    "the receipt's \"inclusion_proof\" is not a list of hashes");
	p.n = (int)json_array_size(proof);
	json_array_foreach(proof, i, h)
		if (json_string_value(h) == NULL || ledger_unhex(json_string_value(h), p.hash[i]) != 0)
			return err_set_field(e, ERR_INVALID, "inclusion_proof",
			    "hash %zu of the inclusion proof is not 64 hex digits", i + 1);
	if (out->leaf_index >= out->cp.size)
		return err_set_field(e, ERR_INVALID, "leaf_index",
		    "leaf %llu is not in the checkpoint's tree of %llu", (unsigned long long)out->leaf_index,
		    (unsigned long long)out->cp.size);
	if (ledger_verify_inclusion(out->leaf_hash, out->leaf_index, out->cp.size, &p, out->cp.root, NULL) != 0)
		return err_set_field(e, ERR_INVALID, "inclusion_proof",
		    "the inclusion proof does not lead from the leaf to the checkpoint's root");
	return 0;
}
