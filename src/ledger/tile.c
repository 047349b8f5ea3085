/* tile.c: the Merkle tree as C2SP tlog-tiles (https://c2sp.org/tlog-tiles), height 8. */
#include "tile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"

/* Offset of row r (0..7) in a cached tile's hashes: 0, 256, 384, ... */
#define ROW(r) (2 * LEDGER_TILE_WIDTH - ((2 * LEDGER_TILE_WIDTH) >> (r)))

int
ledger_tile_width(int level, uint64_t index, uint64_t size)
{
	uint64_t count;

	if (level < -1 || level > 7)
		return 0;
	count = level <= 0 ? size : size >> (LEDGER_TILE_HEIGHT * level);
	if (index >= (count + LEDGER_TILE_WIDTH - 1) / LEDGER_TILE_WIDTH)
		return 0;
	count -= index * LEDGER_TILE_WIDTH;
	return count >= LEDGER_TILE_WIDTH ? LEDGER_TILE_WIDTH : (int)count;
}

/* Writes the index as 3-digit path elements, every one but the last prefixed with 'x':
 * 1234067 is "x001/x234/067". */
static void
index_path(char *out, size_t cap, uint64_t n)
{
	unsigned group[7];	/* 2^64 has 20 digits: at most 7 groups */
	int ng = 0;
	size_t len = 0;

	do {
		group[ng++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n > 0);
	out[0] = '\0';
	while (ng-- > 0 && len < cap)
		len += (size_t)snprintf(out + len, cap - len, ng > 0 ? "x%03u/" : "%03u", group[ng]);
}

void
ledger_tile_path(char out[LEDGER_TILE_PATH_MAX], int level, uint64_t index, int width)
{
	char num[40];
	int len;

	index_path(num, sizeof(num), index);
	if (level < 0)
		len = snprintf(out, LEDGER_TILE_PATH_MAX, "tile/entries/%s", num);
	else
		len = snprintf(out, LEDGER_TILE_PATH_MAX, "tile/%d/%s", level, num);
	if (width < LEDGER_TILE_WIDTH && len > 0 && len < LEDGER_TILE_PATH_MAX)
		snprintf(out + len, (size_t)(LEDGER_TILE_PATH_MAX - len), ".p/%d", width);
}

/* The hash of a full tile's 256 hashes: the node 8 levels above them. */
static void
tile_root(unsigned char (*row)[LEDGER_HASH_BYTES], unsigned char out[LEDGER_HASH_BYTES])
{
	unsigned char h[LEDGER_TILE_WIDTH / 2][LEDGER_HASH_BYTES];
	int w = LEDGER_TILE_WIDTH / 2;

	for (int i = 0; i < w; i++)
		ledger_hash_node(row[2 * i], row[2 * i + 1], h[i]);
	for (w /= 2; w >= 1; w /= 2)
		for (int i = 0; i < w; i++)
			ledger_hash_node(h[2 * i], h[2 * i + 1], h[i]);
	memcpy(out, h[0], LEDGER_HASH_BYTES);
}

int
ledger_tiles_append(const struct ledger_tile_store *st, uint64_t old_size,
    const unsigned char (*leaves)[LEDGER_HASH_BYTES], uint64_t count, struct err *e)
{
	const unsigned char (*cur)[LEDGER_HASH_BYTES] = leaves;
	unsigned char (*next)[LEDGER_HASH_BYTES] = NULL, (*owned)[LEDGER_HASH_BYTES] = NULL;
	unsigned char (*tile)[LEDGER_HASH_BYTES] = NULL;
	uint64_t new_size = old_size + count;
	int rc = -1;

	if (new_size < old_size)
		return err_set(e, ERR_INVALID, "ledger: the tree would overflow");
	if ((tile = malloc(LEDGER_TILE_WIDTH * LEDGER_HASH_BYTES)) == NULL)
		return err_set(e, ERR_INTERNAL, "ledger: out of memory");
	for (int t = 0; t < 8; t++) {
		uint64_t old_c = old_size >> (LEDGER_TILE_HEIGHT * t);
		uint64_t new_c = new_size >> (LEDGER_TILE_HEIGHT * t);
		uint64_t first = old_c / LEDGER_TILE_WIDTH, nnext;

		if (new_c == old_c)
			break;
		/* each tile of this level completed now gives one hash of the level above */
		nnext = new_c / LEDGER_TILE_WIDTH - first;
		if (nnext > 0 && (next = malloc(nnext * LEDGER_HASH_BYTES)) == NULL) {
			err_set(e, ERR_INTERNAL, "ledger: out of memory");
			goto out;
		}
		for (uint64_t idx = first; idx <= (new_c - 1) / LEDGER_TILE_WIDTH; idx++) {
			int have = ledger_tile_width(t, idx, old_size);
			int w = ledger_tile_width(t, idx, new_size);
			uint64_t base = idx * LEDGER_TILE_WIDTH;

			if (have > 0 && st->read(st->ctx, t, idx, have, (unsigned char *)tile) != 0) {
				err_set(e, ERR_INTERNAL, "ledger: tile %d/%llu (width %d) is missing",
				    t, (unsigned long long)idx, have);
				goto out;
			}
			for (int j = have; j < w; j++)
				memcpy(tile[j], cur[base + (uint64_t)j - old_c], LEDGER_HASH_BYTES);
			if (st->write(st->ctx, t, idx, w, (const unsigned char *)tile) != 0) {
				err_set(e, ERR_INTERNAL, "ledger: tile %d/%llu could not be written", t,
				    (unsigned long long)idx);
				goto out;
			}
			if (w == LEDGER_TILE_WIDTH)
				tile_root(tile, next[idx - first]);
		}
		free(owned);
		owned = next;
		cur = (const unsigned char (*)[LEDGER_HASH_BYTES])next;
		next = NULL;
	}
	rc = 0;
out:
	free(next);
	free(owned);
	free(tile);
	return rc;
}

void
ledger_tiles_reader_init(struct ledger_tiles_reader *tr, const struct ledger_tile_store *st,
    uint64_t size)
{
	tr->st = st;
	tr->size = size;
	tr->next = 0;
	for (size_t i = 0; i < sizeof(tr->cache) / sizeof(tr->cache[0]); i++)
		tr->cache[i].valid = 0;
}

/* The cached tile (level, index), read and its inner rows computed when not cached. */
static struct ledger_tile_cached *
tile_get(struct ledger_tiles_reader *tr, int level, uint64_t index, struct err *e)
{
	const int ncache = (int)(sizeof(tr->cache) / sizeof(tr->cache[0]));
	int w = ledger_tile_width(level, index, tr->size);
	struct ledger_tile_cached *c;

	for (int i = 0; i < ncache; i++) {
		c = &tr->cache[i];
		if (c->valid && c->level == level && c->index == index && c->width == w)
			return c;
	}
	if (w == 0) {
		err_set(e, ERR_NOTFOUND, "ledger: no tile %d/%llu in a tree of %llu leaves", level,
		    (unsigned long long)index, (unsigned long long)tr->size);
		return NULL;
	}
	c = &tr->cache[tr->next];
	tr->next = (tr->next + 1) % ncache;
	c->valid = 0;
	if (tr->st->read(tr->st->ctx, level, index, w, (unsigned char *)c->hash) != 0) {
		err_set(e, ERR_INTERNAL, "ledger: tile %d/%llu (width %d) is missing", level,
		    (unsigned long long)index, w);
		return NULL;
	}
	for (int r = 1; r < LEDGER_TILE_HEIGHT; r++)
		for (int i = 0; i < (w >> r); i++)
			ledger_hash_node(c->hash[ROW(r - 1) + 2 * i], c->hash[ROW(r - 1) + 2 * i + 1],
			    c->hash[ROW(r) + i]);
	c->level = level;
	c->index = index;
	c->width = w;
	c->valid = 1;
	return c;
}

int
ledger_tiles_node(void *tiles_reader, int level, uint64_t index,
    unsigned char out[LEDGER_HASH_BYTES], struct err *e)
{
	struct ledger_tiles_reader *tr = tiles_reader;
	int t = level / LEDGER_TILE_HEIGHT, r = level % LEDGER_TILE_HEIGHT;
	uint64_t idx, in;
	struct ledger_tile_cached *c;

	if (level < 0 || level >= 64 || index >= (tr->size >> level))
		return err_set(e, ERR_NOTFOUND, "ledger: no node %d/%llu in a tree of %llu leaves",
		    level, (unsigned long long)index, (unsigned long long)tr->size);
	idx = (index << r) / LEDGER_TILE_WIDTH;
	in = index - (idx << (LEDGER_TILE_HEIGHT - r));
	if ((c = tile_get(tr, t, idx, e)) == NULL)
		return -1;
	if (in >= (uint64_t)(c->width >> r))
		return err_set(e, ERR_INTERNAL, "ledger: tile %d/%llu is too narrow", t,
		    (unsigned long long)idx);
	memcpy(out, c->hash[ROW(r) + in], LEDGER_HASH_BYTES);
	return 0;
}

int
ledger_bundle_add(struct buf *b, const void *entry, size_t len)
{
	unsigned char n[2];

	if (len > 0xffff)
		return -1;
	n[0] = (unsigned char)(len >> 8);
	n[1] = (unsigned char)len;
	buf_add(b, n, 2);
	buf_add(b, entry, len);
	return b->failed ? -1 : 0;
}

int
ledger_bundle_next(const unsigned char *bundle, size_t len, size_t *off,
    const unsigned char **entry, size_t *entry_len)
{
	size_t n;

	if (*off >= len)
		return 0;
	if (len - *off < 2)
		return -1;
	n = (size_t)bundle[*off] << 8 | bundle[*off + 1];
	if (len - *off - 2 < n)
		return -1;
	*entry = bundle + *off + 2;
	*entry_len = n;
	*off += 2 + n;
	return 1;
}

/* The memory store: per level (entries, then 0..7), an array of tiles by index. */
struct mem_tile {
	int width;
	unsigned char data[LEDGER_TILE_WIDTH][LEDGER_HASH_BYTES];
};
struct ledger_mem {
	struct mem_tile **tiles[9];
	uint64_t cap[9];
	long writes;
};

struct ledger_mem *
ledger_mem_new(void)
{
	return calloc(1, sizeof(struct ledger_mem));
}

void
ledger_mem_free(struct ledger_mem *m)
{
	if (m == NULL)
		return;
	for (int l = 0; l < 9; l++) {
		for (uint64_t i = 0; i < m->cap[l]; i++)
			free(m->tiles[l][i]);
		free(m->tiles[l]);
	}
	free(m);
}

static struct mem_tile *
mem_find(const struct ledger_mem *m, int level, uint64_t index)
{
	if (level < -1 || level > 7 || index >= m->cap[level + 1])
		return NULL;
	return m->tiles[level + 1][index];
}

int
ledger_mem_read(void *mem, int level, uint64_t index, int width, unsigned char *out)
{
	struct mem_tile *t = mem_find(mem, level, index);

	if (t == NULL || width < 1 || t->width < width)
		return -1;
	memcpy(out, t->data, (size_t)width * LEDGER_HASH_BYTES);
	return 0;
}

int
ledger_mem_write(void *mem, int level, uint64_t index, int width, const unsigned char *data)
{
	struct ledger_mem *m = mem;
	struct mem_tile *t;
	int l = level + 1;

	if (level < -1 || level > 7 || width < 1 || width > LEDGER_TILE_WIDTH)
		return -1;
	if (index >= m->cap[l]) {
		uint64_t cap = m->cap[l] ? m->cap[l] : 16;
		struct mem_tile **grown;

		while (cap <= index)
			cap *= 2;
		if ((grown = realloc(m->tiles[l], cap * sizeof(*grown))) == NULL)
			return -1;
		memset(grown + m->cap[l], 0, (cap - m->cap[l]) * sizeof(*grown));
		m->tiles[l] = grown;
		m->cap[l] = cap;
	}
	if ((t = m->tiles[l][index]) == NULL && (t = m->tiles[l][index] = calloc(1, sizeof(*t))) == NULL)
		return -1;
	memcpy(t->data, data, (size_t)width * LEDGER_HASH_BYTES);
	t->width = width;
	m->writes++;
	return 0;
}

long
ledger_mem_writes(const struct ledger_mem *m)
{
	return m->writes;
}

int
ledger_mem_width(const struct ledger_mem *m, int level, uint64_t index)
{
	struct mem_tile *t = mem_find(m, level, index);

	return t ? t->width : 0;
}
