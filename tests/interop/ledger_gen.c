/* ledger_gen.c: writes a ledger for the Go interoperability test (tests/blackbox/t340): a tree of
 * N leaves as tlog-tiles files under DIR/tile/, DIR/checkpoint (signed), DIR/vkey, and
 * DIR/proofs.txt with inclusion and consistency proofs in hex. Leaf i is the entry "entry-<i>".
 * Usage: ledger_gen DIR N
 *
 * Two more modes for the log tools' test (tests/blackbox/t360_log_tools.sh, served by
 * tests/interop/fake_log.py):
 *   ledger_gen log DIR N KEYFILE [fork=K] [bad=K]
 *     a log of N real entries (ledger_entry_encode: a consultation opened, then response
 *     versions 1 and 2 and a moderation of each response) signed with the key in KEYFILE (made
 *     when missing), so a later call with a bigger N extends the same log: DIR/tile/... with entry
 *     bundles, DIR/checkpoint, DIR/vkey, DIR/entries.json (what /api/v1/log/entries serves),
 *     DIR/consistency/<from>.json (proofs from every smaller size to N) and DIR/receipt-1.json,
 *     DIR/receipt-4.json. fork=K changes the entries from index K on (another history of the same
 *     key); bad=K makes entry K bytes no decoder accepts (with hashes that match them);
 *     orphan=K makes entry K a moderation of a response never logged; back=K moves entry K's
 *     time a minute back.
 *   ledger_gen cosig-verify NOTEFILE WITNESS_VKEY
 *     exits 0 when the note carries a valid cosignature/v1 by the witness key, printing its time. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ledger/cosig.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tile.h"
#include "util/buf.h"

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

static char *
slurp(const char *path)
{
	static char text[1 << 16];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

static int
write_text(const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdirs(path) != 0 || (f = fopen(path, "wb")) == NULL)
		return -1;
	ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static json_t *
hex_list(const struct ledger_proof *p)
{
	json_t *a = json_array();
	char hex[65];

	for (int i = 0; i < p->n; i++) {
		ledger_hex(p->hash[i], hex);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

/* Entry i of the fake log, and the salt and content of a response version. */
static uint64_t orphan_at = UINT64_MAX, back_at = UINT64_MAX;

static void
fake_entry(uint64_t i, uint64_t fork_at, struct ledger_entry *en, unsigned char salt[32],
    unsigned char content[32])
{
	char seed[64];
	const char *pre = i >= fork_at ? "f" : "r";

	memset(en, 0, sizeof(*en));
	en->time = 1700000000 + (int64_t)i;
	snprintf(en->a, sizeof(en->a), "c1");
	snprintf(seed, sizeof(seed), "salt-%s-%llu", pre, (unsigned long long)i);
	crypto_hash_sha256(salt, (unsigned char *)seed, strlen(seed));
	snprintf(seed, sizeof(seed), "content-%s-%llu", pre, (unsigned long long)i);
	crypto_hash_sha256(content, (unsigned char *)seed, strlen(seed));
	if (i == 0) {
		en->kind = LEDGER_CONSULTATION;
		en->small = 1;
		return;
	}
	en->kind = i % 3 == 0 ? LEDGER_MODERATION : LEDGER_RESPONSE_VERSION;
	/* i % 3 == 1: version 1 of response i; 2: its version 2; 0: its publication */
	snprintf(en->b, sizeof(en->b), "%s%llu", pre,
	    (unsigned long long)(i - (i % 3 == 1 ? 0 : i % 3 == 2 ? 1 : 2)));
	en->number = i % 3 == 1 ? 1 : 2;
	en->small = en->kind == LEDGER_MODERATION ? LEDGER_PUBLISHED : 0;
	ledger_commitment(salt, content, 32, en->hash);
	if (i == orphan_at) {	/* a moderation of a response the log never had */
		en->kind = LEDGER_MODERATION;
		en->small = LEDGER_WITHHELD;
		en->number = 1;
		snprintf(en->b, sizeof(en->b), "ghost");
	}
	if (i == back_at)	/* a time a minute before its predecessor's */
		en->time -= 60;
}

static int
gen_log(int argc, char **argv)
{
	struct ledger_tile_store st = { file_read, file_write, NULL };
	static struct ledger_tiles_reader tr;
	struct ledger_hash_reader r = { ledger_tiles_node, &tr };
	struct ledger_checkpoint c = { .origin = "agora.test/log" };
	uint64_t n = strtoull(argv[3], NULL, 10), fork_at = UINT64_MAX, bad = UINT64_MAX;
	unsigned char (*leaves)[LEDGER_HASH_BYTES];
	struct buf *entries;
	char key[LEDGER_KEY_TEXT_MAX], *note, *text, name[64];
	json_t *list = json_array();
	struct ledger_signer s;
	struct ledger_verifier v;
	struct ledger_proof p;
	struct err e;

	dir = argv[2];
	for (int i = 5; i < argc; i++) {
		if (strncmp(argv[i], "fork=", 5) == 0)
			fork_at = strtoull(argv[i] + 5, NULL, 10);
		else if (strncmp(argv[i], "bad=", 4) == 0)
			bad = strtoull(argv[i] + 4, NULL, 10);
		else if (strncmp(argv[i], "orphan=", 7) == 0)
			orphan_at = strtoull(argv[i] + 7, NULL, 10);
		else if (strncmp(argv[i], "back=", 5) == 0)
			back_at = strtoull(argv[i] + 5, NULL, 10);
	}
	if ((text = slurp(argv[4])) != NULL) {
		text[strcspn(text, "\n")] = '\0';
		if (ledger_signer_parse(text, &s, &e) != 0)
			goto fail;
	} else {
		FILE *f;

		if (ledger_key_generate("agora.test/log", &s, &e) != 0 ||
		    (f = fopen(argv[4], "w")) == NULL)
			return 1;
		ledger_signer_text(&s, key);
		fprintf(f, "%s\n", key);
		fclose(f);
	}
	if (n < 1 || (leaves = malloc(n * 32)) == NULL ||
	    (entries = calloc((n + 255) / 256, sizeof(struct buf))) == NULL)
		return 1;
	for (uint64_t i = 0; i < n; i++) {
		unsigned char salt[32], content[32], bytes[64];
		struct ledger_entry en;
		struct buf b;
		char hex[65], b64[1024];
		json_t *o;

		fake_entry(i, fork_at, &en, salt, content);
		buf_init(&b);
		if (i == bad) {
			memcpy(bytes, "\x01\x63\0\0\0\0\x65\x53\xf1\x00", 10);	/* kind 99 */
			buf_add(&b, bytes, 10);
		} else if (ledger_entry_encode(&en, &b, &e) != 0) {
			goto fail;
		}
		ledger_hash_leaf(b.data, b.len, leaves[i]);
		ledger_bundle_add(&entries[i / 256], b.data, b.len);
		ledger_hex(leaves[i], hex);
		sodium_bin2base64(b64, sizeof(b64), (unsigned char *)b.data, b.len,
		    sodium_base64_VARIANT_ORIGINAL);
		o = json_pack("{s:I, s:s, s:s, s:o}", "index", (json_int_t)i, "leaf_hash", hex,
		    "entry", b64, "inputs", i == bad ? json_object() : ledger_entry_json(&en));
		json_array_append_new(list, o);
		buf_free(&b);
	}
	if (ledger_tiles_append(&st, 0, (const unsigned char (*)[32])leaves, n, &e) != 0)
		goto fail;
	for (uint64_t t = 0; t < (n + 255) / 256; t++) {
		char rel[LEDGER_TILE_PATH_MAX];

		ledger_tile_path(rel, -1, t, ledger_tile_width(-1, t, n));
		if (write_text(rel, entries[t].data, entries[t].len) != 0)
			return 1;
		buf_free(&entries[t]);
	}
	ledger_tiles_reader_init(&tr, &st, n);
	if (ledger_tree_root(&r, n, c.root, &e) != 0)
		goto fail;
	c.size = n;
	if ((note = ledger_checkpoint_sign(&s, &c, &e)) == NULL ||
	    write_text("checkpoint", note, strlen(note)) != 0)
		goto fail;
	ledger_signer_verifier(&s, &v);
	ledger_verifier_text(&v, key);
	strcat(key, "\n");
	write_text("vkey", key, strlen(key));
	text = json_dumps(list, JSON_COMPACT);
	write_text("entries.json", text, strlen(text));
	free(text);
	for (uint64_t from = 1; from < n; from++) {
		json_t *o;

		if (ledger_proof_consistency(&r, from, n, &p, &e) != 0)
			goto fail;
		o = json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)n, "proof",
		    hex_list(&p));
		text = json_dumps(o, JSON_COMPACT);
		snprintf(name, sizeof(name), "consistency/%llu.json", (unsigned long long)from);
		write_text(name, text, strlen(text));
		free(text);
		json_decref(o);
	}
	/* receipts of response versions 1 and 4 (as the server's receipt object) */
	for (uint64_t i = 1; i <= 4 && i < n; i += 3) {
		unsigned char salt[32], content[32];
		struct ledger_entry en;
		char h1[65], h2[65], h3[65];
		json_t *o;

		fake_entry(i, fork_at, &en, salt, content);
		if (ledger_proof_inclusion(&r, i, n, &p, &e) != 0)
			goto fail;
		ledger_hex(leaves[i], h1);
		ledger_hex(salt, h2);
		ledger_hex(content, h3);
		o = json_pack("{s:s, s:I, s:s, s:o, s:s, s:s, s:o, s:s}", "id", "r1", "leaf_index",
		    (json_int_t)i, "leaf_hash", h1, "entry", ledger_entry_json(&en), "salt", h2,
		    "content_sha256", h3, "inclusion_proof", hex_list(&p), "checkpoint", note);
		text = json_dumps(o, JSON_INDENT(1));
		snprintf(name, sizeof(name), "receipt-%llu.json", (unsigned long long)i);
		write_text(name, text, strlen(text));
		free(text);
		json_decref(o);
	}
	free(note);
	json_decref(list);
	free(leaves);
	free(entries);
	sodium_memzero(&s, sizeof(s));
	return 0;
fail:
	fprintf(stderr, "ledger_gen: %s\n", e.msg);
	return 1;
}

static int
cosig_check(const char *note_path, const char *vkey)
{
	struct ledger_verifier v;
	char *note = slurp(note_path);
	uint64_t t;
	struct err e;

	if (note == NULL || cosig_verifier_parse(vkey, &v, &e) != 0 ||
	    cosig_verify(note, strlen(note), &v, &t, &e) != 0) {
		fprintf(stderr, "cosig-verify: %s\n", note ? e.msg : "cannot read the note");
		return 1;
	}
	printf("%llu\n", (unsigned long long)t);
	return 0;
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

	if (argc >= 5 && strcmp(argv[1], "log") == 0 && sodium_init() >= 0)
		return gen_log(argc, argv);
	if (argc == 4 && strcmp(argv[1], "cosig-verify") == 0 && sodium_init() >= 0)
		return cosig_check(argv[2], argv[3]);
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
