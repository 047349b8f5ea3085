/* tile.h: the Merkle tree stored as C2SP tlog-tiles: appending leaves, reading nodes, tile paths. */
#ifndef AGORA_LEDGER_TILE_H
#define AGORA_LEDGER_TILE_H
#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

/* A tile is 8 levels of the tree: tile (level L, index N) holds, as its data, the hashes of tree
 * level 8L with indices N*256 .. N*256+W-1 (W hashes of 32 bytes). W is 256 for a full tile; a
 * partial tile (W < 256) exists only at the right edge of a tree and is superseded by every wider
 * version of itself, which only appends hashes to it. */
#define LEDGER_TILE_HEIGHT 8
#define LEDGER_TILE_WIDTH 256
/* The longest tile path: "tile/entries/" + 7 groups "x000/" + "000.p/256" and the NUL. */
#define LEDGER_TILE_PATH_MAX 64

/* Where the tiles live. read copies the first width hashes of tile (level, index) into out
 * (width * 32 bytes); a store may answer from any stored version of that tile at least width
 * wide. It returns 0, or -1 when no such tile is stored. write stores width hashes as tile
 * (level, index), superseding narrower versions (a store may keep them: a file tree keeps every
 * .p/W a client might still ask for). Both return 0 or -1; the lead backs them with SQLite rows in
 * the writer's transaction or with files. */
struct ledger_tile_store {
	int (*read)(void *ctx, int level, uint64_t index, int width, unsigned char *out);
	int (*write)(void *ctx, int level, uint64_t index, int width, const unsigned char *data);
	void *ctx;
};

/* Appends count leaf hashes to the tree of old_size leaves kept in st: writes every tile that
 * changes (the level-0 tiles holding the new leaves, and above them each tile that gains a hash),
 * each exactly once, in increasing level order. Returns 0, or -1 (e set) when a tile could not be
 * read or written or memory ran out; the tiles written before a failure are then not a tree, so
 * the caller's transaction must roll back. */
int ledger_tiles_append(const struct ledger_tile_store *st, uint64_t old_size,
    const unsigned char (*leaves)[LEDGER_HASH_BYTES], uint64_t count, struct err *e);

/* A hash reader over the tiles of the tree of size leaves: { ledger_tiles_node, &reader } serves
 * ledger_tree_root and the proofs. It reads each tile at the width it has in a tree of that size
 * and keeps the last few tiles (with their inner levels) in itself, so a proof costs a handful of
 * tile reads. Set it up with ledger_tiles_reader_init; it owns no memory. */
struct ledger_tile_cached {
	int level, width;
	uint64_t index;
	int valid;
	/* the tile's rows: row 0 is its data, row r its width >> r hashes of level 8L + r */
	unsigned char hash[2 * LEDGER_TILE_WIDTH][LEDGER_HASH_BYTES];
};
struct ledger_tiles_reader {
	const struct ledger_tile_store *st;
	uint64_t size;
	int next;
	struct ledger_tile_cached cache[4];
};
void ledger_tiles_reader_init(struct ledger_tiles_reader *tr, const struct ledger_tile_store *st,
    uint64_t size);
int ledger_tiles_node(void *tiles_reader, int level, uint64_t index,
    unsigned char out[LEDGER_HASH_BYTES], struct err *e);

/* The width of tile (level, index) in a tree of size leaves: 256 for a full tile, 1..255 for a
 * partial one, 0 when the tree has no such tile yet. level -1 is the entry bundle. */
int ledger_tile_width(int level, uint64_t index, uint64_t size);
/* The tlog-tiles path of tile (level, index) of width hashes: "tile/0/x001/234" for a full tile,
 * "tile/0/x001/234.p/7" for a partial one, "tile/entries/..." for level -1 (an entry bundle). */
void ledger_tile_path(char out[LEDGER_TILE_PATH_MAX], int level, uint64_t index, int width);

/* Entry bundles (tile/entries/...): the entries of leaves N*256 .. N*256+W-1, each as a big-endian
 * 16-bit length and that many bytes. ledger_bundle_add appends one entry to b (-1 when it is
 * longer than 65,535 bytes or memory ran out); ledger_bundle_next reads the entry at *off of a
 * bundle of len bytes, sets *entry and *entry_len, moves *off past it, and returns 1, or 0 at the
 * end, or -1 when the bundle is cut short. */
struct buf;
int ledger_bundle_add(struct buf *b, const void *entry, size_t len);
int ledger_bundle_next(const unsigned char *bundle, size_t len, size_t *off,
    const unsigned char **entry, size_t *entry_len);

/* A tile store in memory (tests, and a model for the real ones): keeps the last written version
 * of each tile (appends only ever widen a tile) and counts the writes. Use { ledger_mem_read, ledger_mem_write, mem }. */
struct ledger_mem;
struct ledger_mem *ledger_mem_new(void);
void ledger_mem_free(struct ledger_mem *m);
int ledger_mem_read(void *mem, int level, uint64_t index, int width, unsigned char *out);
int ledger_mem_write(void *mem, int level, uint64_t index, int width, const unsigned char *data);
/* How many writes, and the widest width stored for tile (level, index) (0 when none). */
long ledger_mem_writes(const struct ledger_mem *m);
int ledger_mem_width(const struct ledger_mem *m, int level, uint64_t index);

#endif
