/* merkle.h: RFC 9162 Merkle tree hashing, tree roots, inclusion and consistency proofs. */
#ifndef AGORA_LEDGER_MERKLE_H
#define AGORA_LEDGER_MERKLE_H
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define LEDGER_HASH_BYTES 32
/* An inclusion proof has at most 63 hashes and a consistency proof at most 2 * 63 + 1 for a tree
 * of fewer than 2^63 leaves; the bound leaves room for both. */
#define LEDGER_PROOF_MAX 130

/* A proof: hash[0] is the hash nearest the leaves, as RFC 9162 lists them. */
struct ledger_proof {
	int n;
	unsigned char hash[LEDGER_PROOF_MAX][LEDGER_HASH_BYTES];
};

/* Where the proofs and roots get the hashes of complete subtrees from: node() fills out with the
 * hash of the complete subtree at (level, index), which covers the leaves
 * [index << level, (index + 1) << level); level 0 is the leaf hashes. Returns 0, or -1 (and sets e)
 * when the hash cannot be read. A tree backed by tiles is one (tile.h); a flat array another. */
struct ledger_hash_reader {
	int (*node)(void *ctx, int level, uint64_t index, unsigned char out[LEDGER_HASH_BYTES],
	    struct err *e);
	void *ctx;
};

/* out = SHA-256(0x00 || entry): the hash of a leaf (RFC 9162 section 2.1.1). */
void ledger_hash_leaf(const void *entry, size_t len, unsigned char out[LEDGER_HASH_BYTES]);
/* out = SHA-256(0x01 || left || right); out may be left or right. */
void ledger_hash_node(const unsigned char left[LEDGER_HASH_BYTES],
    const unsigned char right[LEDGER_HASH_BYTES], unsigned char out[LEDGER_HASH_BYTES]);
/* out = SHA-256 of nothing: the root of the empty tree. */
void ledger_hash_empty(unsigned char out[LEDGER_HASH_BYTES]);

/* The root of the tree of the first size leaves. Returns 0 or -1 (e set). */
int ledger_tree_root(const struct ledger_hash_reader *r, uint64_t size,
    unsigned char out[LEDGER_HASH_BYTES], struct err *e);
/* The inclusion proof of leaf index in the tree of size leaves (RFC 9162 2.1.3.1; index < size). */
int ledger_proof_inclusion(const struct ledger_hash_reader *r, uint64_t index, uint64_t size,
    struct ledger_proof *p, struct err *e);
/* The consistency proof from the tree of from leaves to the tree of to leaves (RFC 9162 2.1.4.1;
 * 0 < from <= to; from == to gives an empty proof). */
int ledger_proof_consistency(const struct ledger_hash_reader *r, uint64_t from, uint64_t to,
    struct ledger_proof *p, struct err *e);

/* Checks that leaf_hash is leaf index of the tree of size leaves whose root is root
 * (RFC 9162 2.1.3.2). Returns 0 when it is, -1 when it is not (e says why). */
int ledger_verify_inclusion(const unsigned char leaf_hash[LEDGER_HASH_BYTES], uint64_t index,
    uint64_t size, const struct ledger_proof *p, const unsigned char root[LEDGER_HASH_BYTES],
    struct err *e);
/* Checks that the tree of from leaves with root from_root is a prefix of the tree of to leaves
 * with root to_root (RFC 9162 2.1.4.2). Returns 0 when it is, -1 when it is not (e says why). */
int ledger_verify_consistency(uint64_t from, uint64_t to, const struct ledger_proof *p,
    const unsigned char from_root[LEDGER_HASH_BYTES],
    const unsigned char to_root[LEDGER_HASH_BYTES], struct err *e);

/* A reader over all the leaf hashes in memory: ledger_flat_new copies the n leaves and computes
 * every complete subtree once (2n hashes), so node() is a lookup. For `log verify` rebuilding a
 * tree, for tests, and as the reference the tiles are checked against. NULL when out of memory;
 * free with ledger_flat_free (NULL is fine). The reader: { ledger_flat_node, flat }. */
struct ledger_flat;
struct ledger_flat *ledger_flat_new(const unsigned char (*leaves)[LEDGER_HASH_BYTES], uint64_t n);
void ledger_flat_free(struct ledger_flat *f);
int ledger_flat_node(void *flat, int level, uint64_t index, unsigned char out[LEDGER_HASH_BYTES],
    struct err *e);

/* Lowercase hex of a hash into out (65 bytes with the NUL); parses 64 hex digits (0 or -1). */
void ledger_hex(const unsigned char h[LEDGER_HASH_BYTES], char out[2 * LEDGER_HASH_BYTES + 1]);
int ledger_unhex(const char *s, unsigned char out[LEDGER_HASH_BYTES]);

/* A growing list of hashes (leaves being appended, a tree being rebuilt): h[0..n-1]. Start it
 * zeroed; free h when done. ledger_hashes_add returns 0, or -1 when memory ran out. */
struct ledger_hashes {
	unsigned char (*h)[LEDGER_HASH_BYTES];
	uint64_t n, cap;
};
int ledger_hashes_add(struct ledger_hashes *l, const unsigned char h[LEDGER_HASH_BYTES]);

#endif
