/* test_ledger.c: unit tests for src/ledger: RFC 9162 hashes and proofs, tlog-tiles, signed notes
 * and checkpoints. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tile.h"
#include "util/buf.h"

typedef unsigned char hash_t[LEDGER_HASH_BYTES];

/* Leaf i of the test trees: the leaf hash of i as 4 big-endian bytes. */
static hash_t *
make_leaves(uint64_t n)
{
	hash_t *l = malloc((n ? n : 1) * sizeof(hash_t));

	assert_non_null(l);
	for (uint64_t i = 0; i < n; i++) {
		unsigned char b[4] = { (unsigned char)(i >> 24), (unsigned char)(i >> 16),
			(unsigned char)(i >> 8), (unsigned char)i };
		ledger_hash_leaf(b, sizeof(b), l[i]);
	}
	return l;
}

static void
assert_hex(const unsigned char *h, const char *want)
{
	char hex[65];

	ledger_hex(h, hex);
	assert_string_equal(hex, want);
}

/* The RFC 6962 test vectors (the eight leaves of the certificate-transparency reference tests;
 * the roots were computed again with Python's hashlib). */
static void
test_hash_vectors(void **state)
{
	static const char *leaf[8] = { "", "00", "10", "2021", "3031", "40414243",
		"5051525354555657", "606162636465666768696a6b6c6d6e6f" };
	static const char *root[9] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" };
	hash_t leaves[8], h, a, b;
	struct ledger_proof p;

	for (int i = 0; i < 8; i++) {
		unsigned char bytes[16];
		size_t n = strlen(leaf[i]) / 2;

		for (size_t j = 0; j < n; j++)
			sscanf(leaf[i] + 2 * j, "%2hhx", &bytes[j]);
		ledger_hash_leaf(bytes, n, leaves[i]);
	}
	ledger_hash_empty(h);
	assert_hex(h, root[0]);
	for (int n = 1; n <= 8; n++) {
		struct ledger_flat *f = ledger_flat_new((const hash_t *)leaves, (uint64_t)n);
		struct ledger_hash_reader r = { ledger_flat_node, f };

		assert_int_equal(ledger_tree_root(&r, (uint64_t)n, h, NULL), 0);
		assert_hex(h, root[n]);
		if (n == 8) {
			/* RFC 6962's reference: the audit path of leaf 0 in the tree of 8 */
			assert_int_equal(ledger_proof_inclusion(&r, 0, 8, &p, NULL), 0);
			assert_int_equal(p.n, 3);
			assert_hex(p.hash[0],
			    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
			assert_hex(p.hash[1],
			    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
			assert_hex(p.hash[2],
			    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
		}
		ledger_flat_free(f);
	}
	/* the node hash is H(0x01 || l || r), the leaf hash H(0x00 || d): not interchangeable */
	ledger_hash_node(leaves[0], leaves[1], a);
	{
		unsigned char cat[64];

		memcpy(cat, leaves[0], 32);
		memcpy(cat + 32, leaves[1], 32);
		ledger_hash_leaf(cat, 64, b);
	}
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(ledger_unhex(root[8], h), 0);
	assert_hex(h, root[8]);
	assert_int_equal(ledger_unhex("zz", h), -1);
}

/* The exhaustive proof checks run in forked workers, one per processor, each taking every
 * workers-th tree size: SHA-256 is the cost (about 1 us a hash here) and cmocka's asserts cannot
 * cross a fork, so a worker reports a failure with CHECK and its exit status. */
#define CHECK(cond, ...) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "test_ledger: " __VA_ARGS__);		\
			fputc('\n', stderr);					\
			_exit(1);						\
		}								\
	} while (0)
#define FLIP(h, b) ((h)[(b) / 8] ^= (unsigned char)(1 << ((b) % 8)))

/* Each bit of each proof hash (every bit when all_bits, else one a hash) and of the root flipped
 * makes the inclusion proof fail; so does one bit of the leaf. */
static void
flip_inclusion(hash_t leaf, uint64_t i, uint64_t n, struct ledger_proof *p, hash_t root,
    int all_bits)
{
	for (int k = 0; k < p->n; k++)
		for (int bit = 0; bit < 256; bit++) {
			int b = all_bits ? bit : (int)((i * 31 + n * 7 + (uint64_t)k) % 256);

			FLIP(p->hash[k], b);
			CHECK(ledger_verify_inclusion(leaf, i, n, p, root, NULL) == -1,
			    "inclusion %llu/%llu: bit %d of hash %d flipped verifies",
			    (unsigned long long)i, (unsigned long long)n, b, k);
			FLIP(p->hash[k], b);
			if (!all_bits)
				break;
		}
	for (int bit = 0; bit < 256; bit++) {
		int b = all_bits ? bit : (int)((i + n) % 256);

		FLIP(root, b);
		CHECK(ledger_verify_inclusion(leaf, i, n, p, root, NULL) == -1,
		    "inclusion %llu/%llu: root bit %d flipped verifies", (unsigned long long)i,
		    (unsigned long long)n, b);
		FLIP(root, b);
		if (!all_bits)
			break;
	}
	FLIP(leaf, (int)(i % 256));
	CHECK(ledger_verify_inclusion(leaf, i, n, p, root, NULL) == -1,
	    "inclusion %llu/%llu: a leaf bit flipped verifies", (unsigned long long)i,
	    (unsigned long long)n);
	FLIP(leaf, (int)(i % 256));
}

static void
flip_consistency(uint64_t m, uint64_t n, struct ledger_proof *p, const hash_t root1,
    const hash_t root2, int all_bits)
{
	hash_t r1, r2;	/* copies: when m == n both roots are one */

	memcpy(r1, root1, sizeof(r1));
	memcpy(r2, root2, sizeof(r2));
	for (int k = 0; k < p->n; k++)
		for (int bit = 0; bit < 256; bit++) {
			int b = all_bits ? bit : (int)((m * 31 + n * 7 + (uint64_t)k) % 256);

			FLIP(p->hash[k], b);
			CHECK(ledger_verify_consistency(m, n, p, r1, r2, NULL) == -1,
			    "consistency %llu-%llu: bit %d of hash %d flipped verifies",
			    (unsigned long long)m, (unsigned long long)n, b, k);
			FLIP(p->hash[k], b);
			if (!all_bits)
				break;
		}
	for (int bit = 0; bit < 256; bit++) {
		int b = all_bits ? bit : (int)((m + n) % 256);

		FLIP(r1, b);
		CHECK(ledger_verify_consistency(m, n, p, r1, r2, NULL) == -1,
		    "consistency %llu-%llu: old root bit %d flipped verifies",
		    (unsigned long long)m, (unsigned long long)n, b);
		FLIP(r1, b);
		FLIP(r2, b);
		CHECK(ledger_verify_consistency(m, n, p, r1, r2, NULL) == -1,
		    "consistency %llu-%llu: new root bit %d flipped verifies",
		    (unsigned long long)m, (unsigned long long)n, b);
		FLIP(r2, b);
		if (!all_bits)
			break;
	}
}

/* One worker's share of proofs_all: the sizes n with n % workers == w; flip_size says which
 * sizes also get the bit flips and the wrong-index, wrong-size, short and long proofs. */
static void
proofs_worker(uint64_t max, int all_bits, int (*flip_size)(uint64_t), int w, int workers)
{
	hash_t *leaves = make_leaves(max), *roots = malloc((max + 1) * sizeof(hash_t));
	struct ledger_flat *f = ledger_flat_new((const hash_t *)leaves, max);
	struct ledger_hash_reader r = { ledger_flat_node, f };
	struct ledger_proof p;

	CHECK(roots != NULL && f != NULL, "out of memory");
	for (uint64_t n = 1; n <= max; n++)
		CHECK(ledger_tree_root(&r, n, roots[n], NULL) == 0, "root of %llu",
		    (unsigned long long)n);
	for (uint64_t n = 1 + (uint64_t)w; n <= max; n += (uint64_t)workers) {
		int flips = flip_size(n);

		for (uint64_t i = 0; i < n; i++) {
			CHECK(ledger_proof_inclusion(&r, i, n, &p, NULL) == 0, "proof");
			CHECK(ledger_verify_inclusion(leaves[i], i, n, &p, roots[n], NULL) == 0,
			    "inclusion %llu/%llu does not verify", (unsigned long long)i,
			    (unsigned long long)n);
			if (!flips)
				continue;
			flip_inclusion(leaves[i], i, n, &p, roots[n], all_bits);
			CHECK(n == 1 || ledger_verify_inclusion(leaves[i], (i + 1) % n, n, &p,
			    roots[n], NULL) == -1, "inclusion %llu/%llu: verifies for another index",
			    (unsigned long long)i, (unsigned long long)n);
			CHECK(n == max || ledger_verify_inclusion(leaves[i], i, n + 1, &p,
			    roots[n + 1], NULL) == -1, "inclusion: verifies for another size");
			if (p.n > 0) {
				p.n--;
				CHECK(ledger_verify_inclusion(leaves[i], i, n, &p, roots[n], NULL) == -1,
				    "inclusion: verifies with a hash dropped");
				p.n++;
			}
			memcpy(p.hash[p.n++], roots[n], 32);
			CHECK(ledger_verify_inclusion(leaves[i], i, n, &p, roots[n], NULL) == -1,
			    "inclusion: verifies with a hash added");
		}
		for (uint64_t m = 1; m <= n; m++) {
			CHECK(ledger_proof_consistency(&r, m, n, &p, NULL) == 0, "proof");
			CHECK(ledger_verify_consistency(m, n, &p, roots[m], roots[n], NULL) == 0,
			    "consistency %llu-%llu does not verify", (unsigned long long)m,
			    (unsigned long long)n);
			if (!flips)
				continue;
			flip_consistency(m, n, &p, roots[m], roots[n], all_bits);
			if (m == n)
				continue;
			CHECK(ledger_verify_consistency(m, n, &p, roots[n], roots[m], NULL) == -1,
			    "consistency: verifies with the roots swapped");
			CHECK(m == 1 || ledger_verify_consistency(m - 1, n, &p, roots[m - 1],
			    roots[n], NULL) == -1, "consistency: verifies from another size");
			p.n--;
			CHECK(ledger_verify_consistency(m, n, &p, roots[m], roots[n], NULL) == -1,
			    "consistency: verifies with a hash dropped");
		}
	}
	_exit(0);
}

/* Every inclusion and consistency proof of every tree of 1..max leaves verifies; for the sizes
 * flip_size picks, every damaged version of them fails (proofs_worker). */
static void
proofs_all(uint64_t max, int all_bits, int (*flip_size)(uint64_t))
{
	long nproc = sysconf(_SC_NPROCESSORS_ONLN);
	int workers = nproc < 1 ? 1 : nproc > 8 ? 8 : (int)nproc, failed = 0;
	pid_t pid[8];
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	fflush(NULL);
	for (int w = 0; w < workers; w++) {
		pid[w] = fork();
		assert_true(pid[w] >= 0);
		if (pid[w] == 0)
			proofs_worker(max, all_bits, flip_size, w, workers);
	}
	for (int w = 0; w < workers; w++) {
		int st;

		assert_int_equal(waitpid(pid[w], &st, 0), pid[w]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	print_message("# every proof of trees of 1..%llu leaves, %s: %.1f s on %d processes\n",
	    (unsigned long long)max, all_bits ? "every bit flipped" : "one bit of each hash flipped",
	    (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9, workers);
	assert_int_equal(failed, 0);
}

static int
every_size(uint64_t n)
{
	return 1;
}

/* The sizes of 1..1,024 whose proofs get one bit of each hash flipped: all up to 128, the edges
 * of the powers of two, and every 61st. (Flipping for all 1,024 sizes hashes for minutes on this
 * hardware; every proof of every size is still verified.) */
static int
flip_sizes_1024(uint64_t n)
{
	uint64_t up = n + 1, down = n - 1;

	return n <= 128 || (n & (n - 1)) == 0 || (up & (up - 1)) == 0 ||
	    (down & (down - 1)) == 0 || n % 61 == 0;
}

static void
test_proofs_64_every_bit(void **state)
{
	proofs_all(64, 1, every_size);
}

static void
test_proofs_1024_one_bit(void **state)
{
	proofs_all(1024, 0, flip_sizes_1024);
}

/* Bad arguments are refused, never read out of bounds. */
static void
test_proof_bounds(void **state)
{
	hash_t *leaves = make_leaves(4), root;
	struct ledger_flat *f = ledger_flat_new((const hash_t *)leaves, 4);
	struct ledger_hash_reader r = { ledger_flat_node, f };
	struct ledger_proof p;
	struct err e;

	assert_int_equal(ledger_proof_inclusion(&r, 4, 4, &p, &e), -1);
	assert_int_equal(e.kind, ERR_INVALID);
	assert_int_equal(ledger_proof_inclusion(&r, 0, 5, &p, &e), -1);	/* past the leaves */
	assert_int_equal(ledger_proof_consistency(&r, 0, 4, &p, &e), -1);
	assert_int_equal(ledger_proof_consistency(&r, 3, 2, &p, &e), -1);
	assert_int_equal(ledger_tree_root(&r, 4, root, NULL), 0);
	assert_int_equal(ledger_proof_inclusion(&r, 1, 4, &p, NULL), 0);
	assert_int_equal(ledger_verify_inclusion(leaves[1], 4, 4, &p, root, &e), -1);
	p.n = LEDGER_PROOF_MAX + 1;
	assert_int_equal(ledger_verify_inclusion(leaves[1], 1, 4, &p, root, &e), -1);
	p.n = -1;
	assert_int_equal(ledger_verify_consistency(1, 4, &p, root, root, &e), -1);
	p.n = 0;
	assert_int_equal(ledger_verify_consistency(2, 4, &p, root, root, &e), -1);
	assert_int_equal(ledger_verify_consistency(0, 4, &p, root, root, &e), -1);
	ledger_flat_free(f);
	free(leaves);
}

static void
test_tile_paths(void **state)
{
	char path[LEDGER_TILE_PATH_MAX];

	ledger_tile_path(path, 0, 0, 256);
	assert_string_equal(path, "tile/0/000");
	ledger_tile_path(path, 0, 1234067, 256);
	assert_string_equal(path, "tile/0/x001/x234/067");
	ledger_tile_path(path, 1, 5, 7);
	assert_string_equal(path, "tile/1/005.p/7");
	ledger_tile_path(path, -1, 1000, 255);
	assert_string_equal(path, "tile/entries/x001/000.p/255");
	ledger_tile_path(path, 2, 999, 1);
	assert_string_equal(path, "tile/2/999.p/1");
	ledger_tile_path(path, -1, UINT64_MAX, 255);
	assert_string_equal(path, "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255");
	assert_int_equal(ledger_tile_width(0, 0, 0), 0);
	assert_int_equal(ledger_tile_width(0, 0, 1), 1);
	assert_int_equal(ledger_tile_width(0, 0, 256), 256);
	assert_int_equal(ledger_tile_width(0, 1, 256), 0);
	assert_int_equal(ledger_tile_width(0, 1, 300), 44);
	assert_int_equal(ledger_tile_width(1, 0, 300), 1);
	assert_int_equal(ledger_tile_width(1, 0, 255), 0);
	assert_int_equal(ledger_tile_width(1, 0, 65536), 256);
	assert_int_equal(ledger_tile_width(2, 0, 65536), 1);
	assert_int_equal(ledger_tile_width(-1, 1, 513), 256);
	assert_int_equal(ledger_tile_width(-1, 2, 513), 1);
	assert_int_equal(ledger_tile_width(8, 0, UINT64_MAX), 0);
}

/* Appends n leaves in batches of the sizes given (cycled) and, after each batch, checks the tiles
 * against the flat tree: the root of the new size and of earlier sizes, the widths (a partial
 * tile is superseded by its wider version), some proofs. */
static void
tiles_check(uint64_t total, const uint64_t *batches, int nbatches)
{
	hash_t *leaves = make_leaves(total), h1, h2;
	struct ledger_flat *f = ledger_flat_new((const hash_t *)leaves, total);
	struct ledger_hash_reader flat = { ledger_flat_node, f };
	struct ledger_mem *m = ledger_mem_new();
	struct ledger_tile_store st = { ledger_mem_read, ledger_mem_write, m };
	static struct ledger_tiles_reader tr;
	struct ledger_hash_reader tiles = { ledger_tiles_node, &tr };
	struct ledger_proof p1, p2;
	uint64_t size = 0;
	int b = 0;

	assert_non_null(m);
	while (size < total) {
		uint64_t count = batches[b++ % nbatches], old = size;
		long writes = ledger_mem_writes(m), expect = 0;
		struct err e;

		if (count > total - size)
			count = total - size;
		assert_int_equal(ledger_tiles_append(&st, size, (const hash_t *)leaves + size, count,
		    &e), 0);
		size += count;
		/* one write per tile that changed, at every level */
		for (int t = 0; t < 8; t++) {
			uint64_t oc = old >> (8 * t), nc = size >> (8 * t);

			if (oc != nc)
				expect += (long)((nc - 1) / 256 - oc / 256 + 1);
		}
		assert_int_equal(ledger_mem_writes(m) - writes, expect);
		/* the rightmost tile of each level is as wide as the tree says: partial ones too */
		for (int t = 0; t < 3; t++) {
			uint64_t c = size >> (8 * t);

			if (c == 0)
				break;
			assert_int_equal(ledger_mem_width(m, t, (c - 1) / 256),
			    ledger_tile_width(t, (c - 1) / 256, size));
			if (c > 256)	/* the one before it is full: its partial versions are gone */
				assert_int_equal(ledger_mem_width(m, t, (c - 1) / 256 - 1), 256);
		}
		for (uint64_t s = size; s > 0; s = s * 3 / 4) {
			ledger_tiles_reader_init(&tr, &st, s);
			assert_int_equal(ledger_tree_root(&tiles, s, h1, NULL), 0);
			assert_int_equal(ledger_tree_root(&flat, s, h2, NULL), 0);
			assert_memory_equal(h1, h2, 32);
			if (s == size || s == old) {
				uint64_t i = (s * 7 + 3) % s, from = s / 3 + 1;

				assert_int_equal(ledger_proof_inclusion(&tiles, i, s, &p1, NULL), 0);
				assert_int_equal(ledger_proof_inclusion(&flat, i, s, &p2, NULL), 0);
				assert_int_equal(p1.n, p2.n);
				assert_memory_equal(p1.hash, p2.hash, (size_t)p1.n * 32);
				assert_int_equal(ledger_verify_inclusion(leaves[i], i, s, &p1, h2, NULL), 0);
				assert_int_equal(ledger_proof_consistency(&tiles, from, s, &p1, NULL), 0);
				assert_int_equal(ledger_proof_consistency(&flat, from, s, &p2, NULL), 0);
				assert_int_equal(p1.n, p2.n);
				assert_memory_equal(p1.hash, p2.hash, (size_t)p1.n * 32);
			}
		}
	}
	/* a tree bigger than the tiles hold cannot be read */
	ledger_tiles_reader_init(&tr, &st, total + 1);
	assert_int_equal(ledger_tree_root(&tiles, total + 1, h1, NULL), -1);
	ledger_mem_free(m);
	ledger_flat_free(f);
	free(leaves);
}

static void
test_tiles_small_batches(void **state)
{
	static const uint64_t b[] = { 1, 2, 3, 1, 5, 7, 11, 13, 100, 255, 1, 256, 257, 17 };

	tiles_check(3000, b, (int)(sizeof(b) / sizeof(b[0])));
}

/* Past 65,536 leaves: a level-2 tile, a full level-1 tile, batches across tile edges. */
static void
test_tiles_big_batches(void **state)
{
	static const uint64_t b[] = { 65535, 1, 1, 300, 1000, 4096, 5 };

	tiles_check(72000, b, (int)(sizeof(b) / sizeof(b[0])));
}

/* Every proof of trees of 1..300 leaves read from tiles equals the one from the leaves. */
static void
test_tile_proofs_all(void **state)
{
	const uint64_t max = 300;
	hash_t *leaves = make_leaves(max);
	struct ledger_flat *f = ledger_flat_new((const hash_t *)leaves, max);
	struct ledger_hash_reader flat = { ledger_flat_node, f };
	struct ledger_mem *m = ledger_mem_new();
	struct ledger_tile_store st = { ledger_mem_read, ledger_mem_write, m };
	static struct ledger_tiles_reader tr;
	struct ledger_hash_reader tiles = { ledger_tiles_node, &tr };
	struct ledger_proof p1, p2;

	for (uint64_t n = 1; n <= max; n++) {
		assert_int_equal(ledger_tiles_append(&st, n - 1, (const hash_t *)leaves + n - 1, 1,
		    NULL), 0);
		ledger_tiles_reader_init(&tr, &st, n);
		for (uint64_t i = 0; i < n; i++) {
			assert_int_equal(ledger_proof_inclusion(&tiles, i, n, &p1, NULL), 0);
			assert_int_equal(ledger_proof_inclusion(&flat, i, n, &p2, NULL), 0);
			assert_int_equal(p1.n, p2.n);
			assert_memory_equal(p1.hash, p2.hash, (size_t)p1.n * 32);
			assert_int_equal(ledger_proof_consistency(&tiles, i + 1, n, &p1, NULL), 0);
			assert_int_equal(ledger_proof_consistency(&flat, i + 1, n, &p2, NULL), 0);
			assert_int_equal(p1.n, p2.n);
			assert_memory_equal(p1.hash, p2.hash, (size_t)p1.n * 32);
		}
	}
	ledger_mem_free(m);
	ledger_flat_free(f);
	free(leaves);
}

/* Entry bundles: length-prefixed entries, read back in order; a cut bundle is an error. */
static void
test_bundles(void **state)
{
	const unsigned char *entry;
	size_t off = 0, len, i = 0;
	static char big[70000];
	struct buf b;

	buf_init(&b);
	assert_int_equal(ledger_bundle_add(&b, "one", 3), 0);
	assert_int_equal(ledger_bundle_add(&b, "", 0), 0);
	assert_int_equal(ledger_bundle_add(&b, "three", 5), 0);
	assert_int_equal(ledger_bundle_add(&b, big, 65536), -1);
	assert_int_equal(b.len, 2 + 3 + 2 + 0 + 2 + 5);
	assert_memory_equal(b.data, "\0\3one\0\0\0\5three", b.len);
	while (ledger_bundle_next((const unsigned char *)b.data, b.len, &off, &entry, &len) == 1) {
		static const char *want[] = { "one", "", "three" };

		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(entry, want[i], len);
		i++;
	}
	assert_int_equal(i, 3);
	off = 0;
	assert_int_equal(ledger_bundle_next((const unsigned char *)b.data, b.len - 1, &off, &entry,
	    &len), 1);
	assert_int_equal(ledger_bundle_next((const unsigned char *)b.data, b.len - 1, &off, &entry,
	    &len), 1);
	assert_int_equal(ledger_bundle_next((const unsigned char *)b.data, b.len - 1, &off, &entry,
	    &len), -1);
	off = 0;
	assert_int_equal(ledger_bundle_next((const unsigned char *)b.data, 1, &off, &entry, &len),
	    -1);
	buf_free(&b);
}

/* A store that fails: the append says so. */
static int
fail_write(void *ctx, int level, uint64_t index, int width, const unsigned char *data)
{
	return -1;
}

static void
test_tiles_store_errors(void **state)
{
	hash_t *leaves = make_leaves(10);
	struct ledger_mem *m = ledger_mem_new();
	struct ledger_tile_store bad = { ledger_mem_read, fail_write, m };
	struct ledger_tile_store st = { ledger_mem_read, ledger_mem_write, m };
	struct err e;

	assert_int_equal(ledger_tiles_append(&bad, 0, (const hash_t *)leaves, 10, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
	/* appending to a tree whose partial tile is missing fails, it does not invent hashes */
	assert_int_equal(ledger_tiles_append(&st, 5, (const hash_t *)leaves, 10, &e), -1);
	assert_non_null(strstr(e.msg, "missing"));
	ledger_mem_free(m);
	free(leaves);
}

/* The example key and note of Go's golang.org/x/mod/sumdb/note documentation: Ed25519 signs
 * deterministically, so our signature must be exactly Go's. */
static const char go_skey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char go_note[] = "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static void
test_note_go_vector(void **state)
{
	struct ledger_signer s;
	struct ledger_verifier v;
	char text[LEDGER_KEY_TEXT_MAX], *note;
	size_t body;

	assert_int_equal(ledger_signer_parse(go_skey, &s, NULL), 0);
	assert_int_equal(ledger_verifier_parse(go_vkey, &v, NULL), 0);
	assert_int_equal(s.key_id, 0xc74f20a3);
	ledger_signer_text(&s, text);
	assert_string_equal(text, go_skey);
	ledger_verifier_text(&v, text);
	assert_string_equal(text, go_vkey);
	{
		struct ledger_verifier v2;

		ledger_signer_verifier(&s, &v2);
		assert_memory_equal(&v, &v2, sizeof(v));
	}
	note = ledger_note_sign(&s, go_text, strlen(go_text), NULL);
	assert_non_null(note);
	assert_string_equal(note, go_note);
	free(note);
	assert_int_equal(ledger_note_verify(go_note, strlen(go_note), &v, &body, NULL), 0);
	assert_int_equal(body, strlen(go_text));
}

static void
test_note_keys(void **state)
{
	struct ledger_signer s, s2;
	struct ledger_verifier v;
	char text[LEDGER_KEY_TEXT_MAX], bad[LEDGER_KEY_TEXT_MAX];
	struct err e;

	assert_int_equal(ledger_key_generate("agora.example.org/log", &s, NULL), 0);
	ledger_signer_text(&s, text);
	assert_int_equal(ledger_signer_parse(text, &s2, NULL), 0);
	assert_memory_equal(&s, &s2, sizeof(s));
	ledger_signer_verifier(&s, &v);
	ledger_verifier_text(&v, text);
	assert_int_equal(strncmp(text, "agora.example.org/log+", 22), 0);
	assert_int_equal(ledger_verifier_parse(text, &v, NULL), 0);
	/* a key id that does not match the key */
	strcpy(bad, text);
	bad[22] = bad[22] == '0' ? '1' : '0';
	assert_int_equal(ledger_verifier_parse(bad, &v, &e), -1);
	assert_non_null(strstr(e.msg, "id"));
	/* another name with the same key: the id no longer matches */
	snprintf(bad, sizeof(bad), "other%s", text + 21);
	assert_int_equal(ledger_verifier_parse(bad, &v, &e), -1);
	/* bad base64, another algorithm, upper-case hex, names with '+' or spaces, no prefix */
	strcpy(bad, text);
	bad[strlen(bad) - 3] = '!';
	assert_int_equal(ledger_verifier_parse(bad, &v, &e), -1);
	assert_int_equal(ledger_verifier_parse("a+00000000+AhpjZHJlcw==", &v, &e), -1);
	assert_int_equal(ledger_verifier_parse("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &v, &e), -1);
	assert_int_equal(ledger_verifier_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n", &v, &e), -1);
	assert_int_equal(ledger_verifier_parse("", &v, &e), -1);
	assert_int_equal(ledger_key_generate("a b", &s2, &e), -1);
	assert_int_equal(ledger_key_generate("a+b", &s2, &e), -1);
	assert_int_equal(ledger_key_generate("", &s2, &e), -1);
	assert_int_equal(ledger_signer_parse(go_vkey, &s2, &e), -1);
	strcpy(bad, go_skey);
	bad[30] = 'a';	/* the id's last digit */
	assert_int_equal(ledger_signer_parse(bad, &s2, &e), -1);
}

static void
test_checkpoint_round_trip(void **state)
{
	struct ledger_signer s, other;
	struct ledger_verifier v, ov;
	struct ledger_checkpoint c = { .size = 1234567 }, got;
	char *note, *two;
	size_t len;
	struct err e;

	assert_int_equal(ledger_key_generate("agora.example.org/log", &s, NULL), 0);
	assert_int_equal(ledger_key_generate("agora.example.org/log", &other, NULL), 0);
	ledger_signer_verifier(&s, &v);
	ledger_signer_verifier(&other, &ov);
	strcpy(c.origin, "agora.example.org/log");
	for (int i = 0; i < 32; i++)
		c.root[i] = (unsigned char)(i * 9);
	c.ext = "ext one\next two\n";
	c.ext_len = strlen(c.ext);
	note = ledger_checkpoint_sign(&s, &c, NULL);
	assert_non_null(note);
	len = strlen(note);
	assert_int_equal(ledger_checkpoint_open(note, len, &v, "agora.example.org/log", &got, &e), 0);
	assert_string_equal(got.origin, c.origin);
	assert_true(got.size == 1234567);
	assert_memory_equal(got.root, c.root, 32);
	assert_int_equal(got.ext_len, c.ext_len);
	assert_memory_equal(got.ext, c.ext, c.ext_len);
	assert_int_equal(ledger_checkpoint_open(note, len, &v, "elsewhere", &got, &e), -1);
	/* another key of the same name (another key id) is refused */
	assert_int_equal(ledger_checkpoint_open(note, len, &ov, NULL, &got, &e), -1);
	assert_non_null(strstr(e.msg, "key id"));
	/* every single changed byte of the body is refused */
	for (size_t i = 0; note[i] != '\0' && !(note[i] == '\n' && note[i + 1] == '\n'); i++) {
		char was = note[i];

		note[i] = note[i] == '7' ? '8' : note[i] == '\n' ? ' ' : '7';
		assert_int_equal(ledger_checkpoint_open(note, len, &v, NULL, &got, &e), -1);
		note[i] = was;
	}
	/* a signature bit flipped is refused as a bad signature (same name, same id) */
	{
		char *sig = strrchr(note, ' ') + 1 + 10;
		char was = *sig;

		*sig = *sig == 'A' ? 'B' : 'A';
		assert_int_equal(ledger_checkpoint_open(note, len, &v, NULL, &got, &e), -1);
		assert_non_null(strstr(e.msg, "does not verify"));
		*sig = was;
	}
	/* bad base64 in the signature line */
	{
		char *sig = strrchr(note, ' ') + 1;
		char was = *sig;

		*sig = '*';
		assert_int_equal(ledger_checkpoint_open(note, len, &v, NULL, &got, &e), -1);
		assert_non_null(strstr(e.msg, "malformed"));
		*sig = was;
		note[len - 2] = note[len - 2] == '=' ? 'A' : '=';	/* non-canonical padding */
		assert_int_equal(ledger_checkpoint_open(note, len, &v, NULL, &got, &e), -1);
		note[len - 2] = note[len - 2] == 'A' ? '=' : note[len - 2];
	}
	assert_int_equal(ledger_checkpoint_open(note, len, &v, NULL, &got, NULL), 0);
	/* a signature line by another key is skipped (a cosignature); a note only signed by another
	 * key is refused */
	{
		char *other_note = ledger_note_sign(&other, note, strchr(strstr(note, "\n\n"), '\n') -
		    note + 1, NULL);
		size_t body_len = (size_t)(strstr(note, "\n\n") - note) + 1;

		assert_non_null(other_note);
		assert_int_equal(ledger_checkpoint_open(other_note, strlen(other_note), &v, NULL, &got,
		    &e), -1);
		assert_non_null(strstr(e.msg, "key id"));
		two = malloc(len + 200);
		memcpy(two, note, len);
		strcpy(two + len, strstr(other_note, "\n\n") + 2);
		assert_int_equal(ledger_checkpoint_open(two, strlen(two), &v, NULL, &got, &e), 0);
		assert_int_equal(ledger_checkpoint_open(two, strlen(two), &ov, NULL, &got, &e), 0);
		assert_int_equal(ledger_note_verify(two, strlen(two), &v, &len, NULL), 0);
		assert_int_equal(len, body_len);
		len = strlen(note);
		free(two);
		free(other_note);
	}
	/* malformed notes: no blank line, no final newline, no em dash, a control character */
	assert_int_equal(ledger_note_verify("a\n", 2, &v, &len, &e), -1);
	assert_int_equal(ledger_note_verify(note, strlen(note) - 1, &v, &len, &e), -1);
	{
		char *dash = strstr(note, "\n\n") + 2;

		memcpy(dash, "---", 3);
		assert_int_equal(ledger_note_verify(note, strlen(note), &v, &len, &e), -1);
		assert_non_null(strstr(e.msg, "em dash"));
		memcpy(dash, "\xe2\x80\x94", 3);
		note[3] = '\t';
		assert_int_equal(ledger_note_verify(note, strlen(note), &v, &len, &e), -1);
		note[3] = 'r';
		assert_int_equal(ledger_note_verify(note, strlen(note), &v, &len, &e), 0);
	}
	free(note);
	/* what may not be signed */
	assert_null(ledger_note_sign(&s, "no newline", 10, &e));
	assert_null(ledger_note_sign(&s, "a\n\nb\n", 5, &e));
	assert_null(ledger_note_sign(&s, "\n", 1, &e));
	c.ext = "\n";
	c.ext_len = 1;
	assert_null(ledger_checkpoint_sign(&s, &c, &e));
	c.ext_len = 0;
	c.origin[0] = '\0';
	assert_null(ledger_checkpoint_sign(&s, &c, &e));
	sodium_memzero(&s, sizeof(s));
	sodium_memzero(&other, sizeof(other));
}

/* Only the canonical body parses. */
static void
test_checkpoint_parse(void **state)
{
	static const char *bad[] = {
		"o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",	/* leading zero */
		"o\n+1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n1 \nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",	/* non-zero pad bits */
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",	/* 31 bytes */
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",	/* no padding */
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",	/* no final newline */
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",	/* empty extension */
		"\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",	/* empty origin */
		"o\n1\n",
		"",
	};
	struct ledger_checkpoint c;
	const char *good = "o\n18446744073709551615\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nx\n";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ledger_checkpoint_parse(bad[i], strlen(bad[i]), &c, NULL), -1);
	assert_int_equal(ledger_checkpoint_parse(good, strlen(good), &c, NULL), 0);
	assert_true(c.size == UINT64_MAX);
	assert_int_equal(c.ext_len, 2);
	good = "o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	assert_int_equal(ledger_checkpoint_parse(good, strlen(good), &c, NULL), 0);
	assert_true(c.size == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_proof_bounds),
		cmocka_unit_test(test_proofs_64_every_bit),
		cmocka_unit_test(test_proofs_1024_one_bit),
		cmocka_unit_test(test_tile_paths),
		cmocka_unit_test(test_tiles_small_batches),
		cmocka_unit_test(test_tiles_big_batches),
		cmocka_unit_test(test_tile_proofs_all),
		cmocka_unit_test(test_tiles_store_errors),
		cmocka_unit_test(test_bundles),
		cmocka_unit_test(test_note_go_vector),
		cmocka_unit_test(test_note_keys),
		cmocka_unit_test(test_checkpoint_round_trip),
		cmocka_unit_test(test_checkpoint_parse),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
