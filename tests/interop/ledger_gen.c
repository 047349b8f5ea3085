/* ledger_gen.c: writes a ledger for the Go interoperability test (tests/blackbox/t340): a tree of
 * N leaves as tlog-tiles files under DIR/tile/, DIR/checkpoint (signed), DIR/vkey, and
 * DIR/proofs.txt with inclusion and consistency proofs in hex. Leaf i is the entry "entry-<i>".
 * Usage: ledger_gen DIR N */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tile.h"

static const char *dir;

/* mkdir -p of the folders of path. */
static int
mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return 0;
}

static void
file_path(char *out, size_t cap, int level, uint64_t index, int width)
{
	char rel[LEDGER_TILE_PATH_MAX];

	ledger_tile_path(rel, level, index, width);
	snprintf(out, cap, "%s/%s", dir, rel);
}

/* A file store: each version of a tile is its own file, as a static mirror serves them. */
static int
file_read(void *ctx, int level, uint64_t index, int width, unsigned char *out)
{
	char path[4096];
	FILE *f;
	size_t n = (size_t)width * LEDGER_HASH_BYTES;
	int ok;

	file_path(path, sizeof(path), level, index, width);
	/* a wider version holds the narrower one as its beginning */
	while ((f = fopen(path, "rb")) == NULL) {
		if (++width > LEDGER_TILE_WIDTH)
			return -1;
		file_path(path, sizeof(path), level, index, width);
	}
	ok = fread(out, 1, n, f) == n;
	fclose(f);
	return ok ? 0 : -1;
}

static int
file_write(void *ctx, int level, uint64_t index, int width, const unsigned char *data)
{
	char path[4096];
	FILE *f;
	size_t n = (size_t)width * LEDGER_HASH_BYTES;
	int ok;

	file_path(path, sizeof(path), level, index, width);
	if (mkdirs(path) != 0 || (f = fopen(path, "wb")) == NULL)
		return -1;
	ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void
put_proof(FILE *out, const struct ledger_proof *p)
{
	char hex[65];

	for (int i = 0; i < p->n; i++) {
		ledger_hex(p->hash[i], hex);
		fprintf(out, " %s", hex);
	}
	fputc('\n', out);
}

int
main(int argc, char **argv)
{
	struct ledger_tile_store st = { file_read, file_write, NULL };
	static struct ledger_tiles_reader tr;
	struct ledger_hash_reader r = { ledger_tiles_node, &tr };
	unsigned char (*leaves)[LEDGER_HASH_BYTES];
	struct ledger_checkpoint c = { .origin = "agora.test/log" };
	char path[4096], key[LEDGER_KEY_TEXT_MAX], hex[65], *note;
	struct ledger_signer s;
	struct ledger_verifier v;
	struct ledger_proof p;
	uint64_t n, done = 0, batch = 1;
	struct err e;
	FILE *f;

	if (argc != 3 || (n = strtoull(argv[2], NULL, 10)) < 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: ledger_gen DIR N (N >= 2)\n");
		return 2;
	}
	dir = argv[1];
	if ((leaves = malloc(n * LEDGER_HASH_BYTES)) == NULL)
		return 1;
	for (uint64_t i = 0; i < n; i++) {
		char entry[32];

		snprintf(entry, sizeof(entry), "entry-%llu", (unsigned long long)i);
		ledger_hash_leaf(entry, strlen(entry), leaves[i]);
	}
	/* batches of growing sizes, so partial tiles are written and then superseded */
	while (done < n) {
		uint64_t k = batch < n - done ? batch : n - done;

		if (ledger_tiles_append(&st, done, (const unsigned char (*)[32])leaves + done, k, &e)
		    != 0) {
			fprintf(stderr, "ledger_gen: %s\n", e.msg);
			return 1;
		}
		done += k;
		batch = batch * 3 + 1;
	}
	ledger_tiles_reader_init(&tr, &st, n);
	if (ledger_tree_root(&r, n, c.root, &e) != 0 ||
	    ledger_key_generate("agora.test/log", &s, &e) != 0) {
		fprintf(stderr, "ledger_gen: %s\n", e.msg);
		return 1;
	}
	c.size = n;
	if ((note = ledger_checkpoint_sign(&s, &c, &e)) == NULL) {
		fprintf(stderr, "ledger_gen: %s\n", e.msg);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/checkpoint", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fputs(note, f);
	fclose(f);
	free(note);
	ledger_signer_verifier(&s, &v);
	ledger_verifier_text(&v, key);
	snprintf(path, sizeof(path), "%s/vkey", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "%s\n", key);
	fclose(f);

	/* "inclusion INDEX SIZE ROOT HASH..." and "consistency FROM TO FROM_ROOT TO_ROOT HASH..." */
	snprintf(path, sizeof(path), "%s/proofs.txt", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	for (uint64_t size = 1; size <= n; size = size < 300 ? size + 1 : size * 5 / 4 + 1) {
		uint64_t sz = size;
		unsigned char root[32], from_root[32];

		ledger_tiles_reader_init(&tr, &st, sz);
		if (ledger_tree_root(&r, sz, root, &e) != 0)
			goto fail;
		for (uint64_t i = 0; i < sz; i = i < 20 ? i + 1 : i * 3 + 7) {
			if (ledger_proof_inclusion(&r, i, sz, &p, &e) != 0)
				goto fail;
			ledger_hex(root, hex);
			fprintf(f, "inclusion %llu %llu %s", (unsigned long long)i,
			    (unsigned long long)sz, hex);
			put_proof(f, &p);
		}
		for (uint64_t from = 1; from <= sz; from = from < 20 ? from + 1 : from * 3 + 7) {
			char from_hex[65];

			if (ledger_tree_root(&r, from, from_root, &e) != 0 ||
			    ledger_proof_consistency(&r, from, sz, &p, &e) != 0)
				goto fail;
			ledger_hex(from_root, from_hex);
			ledger_hex(root, hex);
			fprintf(f, "consistency %llu %llu %s %s", (unsigned long long)from,
			    (unsigned long long)sz, from_hex, hex);
			put_proof(f, &p);
		}
	}
	fclose(f);
	sodium_memzero(&s, sizeof(s));
	free(leaves);
	return 0;
fail:
	fprintf(stderr, "ledger_gen: %s\n", e.msg);
	return 1;
}
