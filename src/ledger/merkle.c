/* merkle.c: RFC 9162 Merkle tree hashing, roots, proofs and their verification. */
#include "merkle.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void
ledger_hash_leaf(const void *entry, size_t len, unsigned char out[LEDGER_HASH_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char prefix = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, entry, len);
	crypto_hash_sha256_final(&st, out);
}

void
ledger_hash_node(const unsigned char left[LEDGER_HASH_BYTES],
    const unsigned char right[LEDGER_HASH_BYTES], unsigned char out[LEDGER_HASH_BYTES])
{
	unsigned char in[1 + 2 * LEDGER_HASH_BYTES];

	in[0] = 0x01;
	memcpy(in + 1, left, LEDGER_HASH_BYTES);
	memcpy(in + 1 + LEDGER_HASH_BYTES, right, LEDGER_HASH_BYTES);
	crypto_hash_sha256(out, in, sizeof(in));
}

void
ledger_hash_empty(unsigned char out[LEDGER_HASH_BYTES])
{
	crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

/* The largest power of two smaller than n (n > 1). */
static uint64_t
split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[lo:hi]), hi > lo: a complete subtree is read, anything else is split as RFC 9162 2.1.1
 * does. The proofs only ask for ranges whose start is aligned to the size of their left part. */
static int
range_hash(const struct ledger_hash_reader *r, uint64_t lo, uint64_t hi,
    unsigned char out[LEDGER_HASH_BYTES], struct err *e)
{
	unsigned char right[LEDGER_HASH_BYTES];
	uint64_t n = hi - lo, k;
	int level = 0;

	if ((n & (n - 1)) == 0) {
		while ((UINT64_C(1) << level) < n)
			level++;
		if (lo & (n - 1))
			return err_set(e, ERR_INTERNAL, "ledger: unaligned subtree %llu+%llu",
			    (unsigned long long)lo, (unsigned long long)n);
		return r->node(r->ctx, level, lo >> level, out, e);
	}
	k = split_point(n);
	if (range_hash(r, lo, lo + k, out, e) != 0 || range_hash(r, lo + k, hi, right, e) != 0)
		return -1;
	ledger_hash_node(out, right, out);
	return 0;
}

int
ledger_tree_root(const struct ledger_hash_reader *r, uint64_t size,
    unsigned char out[LEDGER_HASH_BYTES], struct err *e)
{
	if (size == 0) {
		ledger_hash_empty(out);
		return 0;
	}
	return range_hash(r, 0, size, out, e);
}

static int
proof_add(struct ledger_proof *p, const struct ledger_hash_reader *r, uint64_t lo, uint64_t hi,
    struct err *e)
{
	if (p->n >= LEDGER_PROOF_MAX)
		return err_set(e, ERR_INTERNAL, "ledger: proof too long");
	if (range_hash(r, lo, hi, p->hash[p->n], e) != 0)
		return -1;
	p->n++;
	return 0;
}

/* PATH(m, D[lo:hi]) of RFC 9162 2.1.3.1, appended to p deepest first. */
static int
path(const struct ledger_hash_reader *r, uint64_t m, uint64_t lo, uint64_t hi,
    struct ledger_proof *p, struct err *e)
{
	uint64_t k;

	if (hi - lo <= 1)
		return 0;
	k = split_point(hi - lo);
	if (m < k)
		return path(r, m, lo, lo + k, p, e) == 0 ? proof_add(p, r, lo + k, hi, e) : -1;
	return path(r, m - k, lo + k, hi, p, e) == 0 ? proof_add(p, r, lo, lo + k, e) : -1;
}

int
ledger_proof_inclusion(const struct ledger_hash_reader *r, uint64_t index, uint64_t size,
    struct ledger_proof *p, struct err *e)
{
	p->n = 0;
	if (index >= size)
		return err_set(e, ERR_INVALID, "leaf %llu is not in a tree of %llu leaves",
		    (unsigned long long)index, (unsigned long long)size);
	return path(r, index, 0, size, p, e);
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 2.1.4.1. */
static int
subproof(const struct ledger_hash_reader *r, uint64_t m, uint64_t lo, uint64_t hi, int b,
    struct ledger_proof *p, struct err *e)
{
	uint64_t k;

	if (m == hi - lo)
		return b ? 0 : proof_add(p, r, lo, hi, e);
	k = split_point(hi - lo);
	if (m <= k)
		return subproof(r, m, lo, lo + k, b, p, e) == 0 ?
		    proof_add(p, r, lo + k, hi, e) : -1;
	return subproof(r, m - k, lo + k, hi, 0, p, e) == 0 ? proof_add(p, r, lo, lo + k, e) : -1;
}

int
ledger_proof_consistency(const struct ledger_hash_reader *r, uint64_t from, uint64_t to,
    struct ledger_proof *p, struct err *e)
{
	p->n = 0;
	if (from == 0 || from > to)
		return err_set(e, ERR_INVALID, "no consistency proof from %llu to %llu leaves",
		    (unsigned long long)from, (unsigned long long)to);
	return subproof(r, from, 0, to, 1, p, e);
}

int
ledger_verify_inclusion(const unsigned char leaf_hash[LEDGER_HASH_BYTES], uint64_t index,
    uint64_t size, const struct ledger_proof *p, const unsigned char root[LEDGER_HASH_BYTES],
    struct err *e)
{
	unsigned char h[LEDGER_HASH_BYTES];
	uint64_t fn = index, sn;

	if (index >= size)
		return err_set(e, ERR_INVALID, "leaf %llu is not in a tree of %llu leaves",
		    (unsigned long long)index, (unsigned long long)size);
	if (p->n < 0 || p->n > LEDGER_PROOF_MAX)
		return err_set(e, ERR_INVALID, "the inclusion proof has a wrong length");
	sn = size - 1;
	memcpy(h, leaf_hash, LEDGER_HASH_BYTES);
	for (int i = 0; i < p->n; i++) {
		if (sn == 0)
			return err_set(e, ERR_INVALID, "the inclusion proof is too long");
		if ((fn & 1) || fn == sn) {
			ledger_hash_node(p->hash[i], h, h);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			ledger_hash_node(h, p->hash[i], h);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return err_set(e, ERR_INVALID, "the inclusion proof is too short");
	if (sodium_memcmp(h, root, LEDGER_HASH_BYTES) != 0)
		return err_set(e, ERR_INVALID, "the inclusion proof does not lead to the root");
	return 0;
}

int
ledger_verify_consistency(uint64_t from, uint64_t to, const struct ledger_proof *p,
    const unsigned char from_root[LEDGER_HASH_BYTES],
    const unsigned char to_root[LEDGER_HASH_BYTES], struct err *e)
{
	unsigned char fr[LEDGER_HASH_BYTES], sr[LEDGER_HASH_BYTES];
	uint64_t fn, sn;
	int i = 0;

	if (from == 0 || from > to)
		return err_set(e, ERR_INVALID, "no consistency proof from %llu to %llu leaves",
		    (unsigned long long)from, (unsigned long long)to);
	if (p->n < 0 || p->n > LEDGER_PROOF_MAX)
		return err_set(e, ERR_INVALID, "the consistency proof has a wrong length");
	if (from == to) {
		if (p->n != 0)
			return err_set(e, ERR_INVALID, "the consistency proof is too long");
		if (sodium_memcmp(from_root, to_root, LEDGER_HASH_BYTES) != 0)
			return err_set(e, ERR_INVALID, "the two roots of one size differ");
		return 0;
	}
	if (p->n == 0)
		return err_set(e, ERR_INVALID, "the consistency proof is empty");
	/* When from is a power of two, the old root is itself a node of the new tree: it is the
	 * proof's implicit first hash. */
	if ((from & (from - 1)) == 0) {
		memcpy(fr, from_root, LEDGER_HASH_BYTES);
	} else {
		memcpy(fr, p->hash[0], LEDGER_HASH_BYTES);
		i = 1;
	}
	memcpy(sr, fr, LEDGER_HASH_BYTES);
	fn = from - 1;
	sn = to - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < p->n; i++) {
		if (sn == 0)
			return err_set(e, ERR_INVALID, "the consistency proof is too long");
		if ((fn & 1) || fn == sn) {
			ledger_hash_node(p->hash[i], fr, fr);
			ledger_hash_node(p->hash[i], sr, sr);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			ledger_hash_node(sr, p->hash[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return err_set(e, ERR_INVALID, "the consistency proof is too short");
	if (sodium_memcmp(fr, from_root, LEDGER_HASH_BYTES) != 0)
		return err_set(e, ERR_INVALID, "the consistency proof does not lead to the old root");
	if (sodium_memcmp(sr, to_root, LEDGER_HASH_BYTES) != 0)
		return err_set(e, ERR_INVALID, "the consistency proof does not lead to the new root");
	return 0;
}

/* Every complete subtree of n leaves, level by level: level[l] holds n >> l hashes. */
struct ledger_flat {
	uint64_t n;
	int levels;
	unsigned char (*level[64])[LEDGER_HASH_BYTES];
};

struct ledger_flat *
ledger_flat_new(const unsigned char (*leaves)[LEDGER_HASH_BYTES], uint64_t n)
{
	struct ledger_flat *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->n = n;
	for (int l = 0; l < 64 && (n >> l) > 0; l++) {
		uint64_t w = n >> l;

		if ((f->level[l] = malloc(w * LEDGER_HASH_BYTES)) == NULL) {
			ledger_flat_free(f);
			return NULL;
		}
		f->levels = l + 1;
		for (uint64_t i = 0; i < w; i++) {
			if (l == 0)
				memcpy(f->level[0][i], leaves[i], LEDGER_HASH_BYTES);
			else
				ledger_hash_node(f->level[l - 1][2 * i], f->level[l - 1][2 * i + 1],
				    f->level[l][i]);
		}
	}
	return f;
}

void
ledger_flat_free(struct ledger_flat *f)
{
	if (f == NULL)
		return;
	for (int l = 0; l < f->levels; l++)
		free(f->level[l]);
	free(f);
}

int
ledger_flat_node(void *flat, int level, uint64_t index, unsigned char out[LEDGER_HASH_BYTES],
    struct err *e)
{
	struct ledger_flat *f = flat;

	if (level < 0 || level >= f->levels || index >= (f->n >> level))
		return err_set(e, ERR_NOTFOUND, "ledger: no node %d/%llu in a tree of %llu leaves",
		    level, (unsigned long long)index, (unsigned long long)f->n);
	memcpy(out, f->level[level][index], LEDGER_HASH_BYTES);
	return 0;
}

void
ledger_hex(const unsigned char h[LEDGER_HASH_BYTES], char out[2 * LEDGER_HASH_BYTES + 1])
{
	sodium_bin2hex(out, 2 * LEDGER_HASH_BYTES + 1, h, LEDGER_HASH_BYTES);
}

int
ledger_unhex(const char *s, unsigned char out[LEDGER_HASH_BYTES])
{
	size_t len;

	if (strlen(s) != 2 * LEDGER_HASH_BYTES ||
	    sodium_hex2bin(out, LEDGER_HASH_BYTES, s, strlen(s), NULL, &len, NULL) != 0 ||
	    len != LEDGER_HASH_BYTES)
		return -1;
	return 0;
}

int
ledger_hashes_add(struct ledger_hashes *l, const unsigned char h[LEDGER_HASH_BYTES])
{
	if (l->n == l->cap) {
		uint64_t cap = l->cap ? l->cap * 2 : 64;
		void *p = realloc(l->h, cap * LEDGER_HASH_BYTES);

		if (p == NULL)
			return -1;
		l->h = p;
		l->cap = cap;
	}
	memcpy(l->h[l->n++], h, LEDGER_HASH_BYTES);
	return 0;
}
