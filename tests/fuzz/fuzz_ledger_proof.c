/* fuzz_ledger_proof.c: Merkle proofs as a log's readers take them from outside (RFC 9162): the
 * JSON list of hashes `agora log verify`, the witness and the monitor read (lt_proof_from_json),
 * and ledger_verify_inclusion / ledger_verify_consistency on proofs the input bends. Against a
 * real tree of N leaves: the genuine proof of every (index, size) and (from, to) verifies, and a
 * proof that is not byte for byte the genuine one, or sizes outside the tree, never does.
 *
 * Input: byte 0 the operation, bytes 1-2 the two sizes (taken modulo the tree's size + 2, so
 * some are out of range), the rest what the operation uses (hashes, a position, 64-bit sizes).
 * A JSON input is also read as a proof; what lt_proof_from_json accepts writes back as its hex. */
#include <strings.h>
#include <jansson.h>
#include <sodium.h>

#include "cli/logtool.h"
#include "fuzz.h"
#include "ledger/merkle.h"
#include "util/err.h"

#define N 70	/* leaves in the tree: several levels, and sizes that are not powers of two */

static struct ledger_flat *flat;
static struct ledger_hash_reader reader;
static unsigned char leaf[N][LEDGER_HASH_BYTES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		abort();
	for (uint64_t i = 0; i < N; i++)
		ledger_hash_leaf(&i, sizeof(i), leaf[i]);
	if ((flat = ledger_flat_new((const unsigned char(*)[LEDGER_HASH_BYTES])leaf, N)) == NULL)
		abort();
	reader.node = ledger_flat_node;
	reader.ctx = flat;
	return 0;
}

static void
root_of(uint64_t size, unsigned char out[LEDGER_HASH_BYTES])
{
	struct err e;

	if (ledger_tree_root(&reader, size, out, &e) != 0)
		abort();
}

static int
same_proof(const struct ledger_proof *a, const struct ledger_proof *b)
{
	return a->n == b->n && memcmp(a->hash, b->hash, (size_t)a->n * LEDGER_HASH_BYTES) == 0;
}

/* Bends proof p by op using rest (len bytes). Returns 1 when it may have changed. */
static int
bend(struct ledger_proof *p, int op, const uint8_t *rest, size_t len)
{
	size_t k;

	switch (op % 7) {
	case 0:
		return 0;
	case 1:	/* drop the last hash */
		if (p->n > 0)
			p->n--;
		return 1;
	case 2:	/* drop the first */
		if (p->n > 0) {
			memmove(p->hash[0], p->hash[1], (size_t)(p->n - 1) * LEDGER_HASH_BYTES);
			p->n--;
		}
		return 1;
	case 3:	/* append a hash made of the rest */
		if (p->n < LEDGER_PROOF_MAX) {
			memset(p->hash[p->n], 0, LEDGER_HASH_BYTES);
			memcpy(p->hash[p->n], rest, len < LEDGER_HASH_BYTES ? len : LEDGER_HASH_BYTES);
			p->n++;
		}
		return 1;
	case 4:	/* flip one bit */
		if (p->n > 0 && len >= 2) {
			k = ((size_t)rest[0] << 8 | rest[1]) % ((size_t)p->n * LEDGER_HASH_BYTES * 8);
			p->hash[k / 256][k / 8 % 32] ^= (unsigned char)(1u << (k % 8));
		}
		return 1;
	case 5:	/* the rest as the proof */
		for (p->n = 0; len >= LEDGER_HASH_BYTES && p->n < LEDGER_PROOF_MAX; p->n++) {
			memcpy(p->hash[p->n], rest, LEDGER_HASH_BYTES);
			rest += LEDGER_HASH_BYTES;
			len -= LEDGER_HASH_BYTES;
		}
		return 1;
	default:	/* swap the first two */
		if (p->n >= 2) {
			unsigned char t[LEDGER_HASH_BYTES];
			memcpy(t, p->hash[0], sizeof(t));
			memcpy(p->hash[0], p->hash[1], sizeof(t));
			memcpy(p->hash[1], t, sizeof(t));
		}
		return 1;
	}
}

static void
inclusion(int op, uint64_t index, uint64_t size, const uint8_t *rest, size_t len)
{
	struct ledger_proof real = { 0 }, p = { 0 };
	unsigned char root[LEDGER_HASH_BYTES], h[LEDGER_HASH_BYTES];
	const unsigned char *lh;
	int valid = index < size && size <= N, ok;
	struct err e;

	if (valid) {
		root_of(size, root);
		FUZZ_CHECK(ledger_proof_inclusion(&reader, index, size, &real, &e) == 0,
			   "no inclusion proof of %llu in %llu: %s", (unsigned long long)index,
			   (unsigned long long)size, e.msg);
		lh = leaf[index];
	} else {	/* any root and leaf: nothing may verify */
		memset(root, 0x5a, sizeof(root));
		ledger_hash_leaf(rest, len, h);
		lh = h;
	}
	p = real;
	bend(&p, op, rest, len);
	ok = ledger_verify_inclusion(lh, index, size, &p, root, &e) == 0;
	FUZZ_CHECK(ok == (valid && same_proof(&p, &real)),
		   "inclusion of %llu in %llu with %d hashes (the genuine proof has %d): %s",
		   (unsigned long long)index, (unsigned long long)size, p.n, real.n,
		   ok ? "accepted" : e.msg);
	if (!ok)
		FUZZ_CHECK(e.msg[0] != '\0', "a refused inclusion proof has no message");
}

static void
consistency(int op, uint64_t from, uint64_t to, const uint8_t *rest, size_t len)
{
	struct ledger_proof real = { 0 }, p = { 0 };
	unsigned char r1[LEDGER_HASH_BYTES], r2[LEDGER_HASH_BYTES];
	int valid = from > 0 && from <= to && to <= N, ok;
	struct err e;

	if (valid) {
		root_of(from, r1);
		root_of(to, r2);
		FUZZ_CHECK(ledger_proof_consistency(&reader, from, to, &real, &e) == 0,
			   "no consistency proof from %llu to %llu: %s", (unsigned long long)from,
			   (unsigned long long)to, e.msg);
	} else {
		memset(r1, 0x5a, sizeof(r1));
		memset(r2, 0xa5, sizeof(r2));
	}
	p = real;
	bend(&p, op, rest, len);
	ok = ledger_verify_consistency(from, to, &p, r1, r2, &e) == 0;
	FUZZ_CHECK(ok == (valid && same_proof(&p, &real)),
		   "consistency from %llu to %llu with %d hashes (the genuine proof has %d): %s",
		   (unsigned long long)from, (unsigned long long)to, p.n, real.n,
		   ok ? "accepted" : e.msg);
	if (!ok)
		FUZZ_CHECK(e.msg[0] != '\0', "a refused consistency proof has no message");
}

static uint64_t
u64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* A JSON document: its "proof" member, or itself, as a proof. */
static void
json_proof(const uint8_t *data, size_t size)
{
	struct ledger_proof p;
	char hex[2 * LEDGER_HASH_BYTES + 1];
	json_t *j, *list;
	struct err e;

	if ((j = json_loadb((const char *)data, size, 0, NULL)) == NULL)
		return;
	list = json_is_object(j) ? json_object_get(j, "proof") : j;
	if (lt_proof_from_json(list, &p, &e) == 0) {
		FUZZ_CHECK(p.n >= 0 && p.n <= LEDGER_PROOF_MAX && (size_t)p.n == json_array_size(list),
			   "a proof of %d hashes from a list of %zu", p.n, json_array_size(list));
		for (int i = 0; i < p.n; i++) {
			const char *s = json_string_value(json_array_get(list, (size_t)i));
			ledger_hex(p.hash[i], hex);
			FUZZ_CHECK(strlen(s) == 64 && strncasecmp(s, hex, 64) == 0,
				   "hash %d \"%s\" was read as %s", i, s, hex);
		}
	} else {
		FUZZ_CHECK(e.msg[0] != '\0', "a refused proof has no message");
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *rest = data + 3;
	size_t len = size - 3;
	int op;

	json_proof(data, size);
	if (size < 3)
		return 0;
	op = data[0];
	if (op & 0x80 && len >= 16) {	/* any 64-bit sizes */
		inclusion(op >> 1, u64(rest), u64(rest + 8), rest + 16, len - 16);
		consistency(op >> 1, u64(rest), u64(rest + 8), rest + 16, len - 16);
	} else if (op & 1) {
		consistency(op >> 1, data[1] % (N + 2), data[2] % (N + 2), rest, len);
	} else {
		inclusion(op >> 1, data[1] % (N + 2), data[2] % (N + 2), rest, len);
	}
	return 0;
}
