/* cmd_log_monitor.c: `agora log monitor --url URL --key VKEY --state DIR [--interval S] [--once]`:
 * follows the public log from outside. Each round it fetches the checkpoint (pinned key), proves
 * it consistent with the last one it kept, fetches every new entry twice (the API's
 * /api/v1/log/entries and the tlog-tiles entry bundles) with the level-0 tiles, checks that the
 * entry bytes hash to the leaf hashes, decodes every entry and checks the accounting rules, then
 * rebuilds the root from all the leaves it has and compares it with the checkpoint's. Every
 * problem is printed on stdout with the entry's index (docs/LEDGER-TOOLS.md).
 *
 * State, in DIR: "leaves" (the leaf hashes, 32 bytes each, append-only; only the first
 * checkpoint-size of them count) and "state" (replaced atomically: the last entry's time, the
 * latest version seen of each response, and the checkpoint, which is the commit point). The
 * state only moves forward after a round without problems. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ledger/entry.h"
#include "../ledger/tile.h"
#include "../util/buf.h"
#include "cli.h"
#include "log_cmds.h"
#include "logtool.h"

#define CHUNK 1000		/* entries per API call, the API's own limit */
#define TIME_BACK_S 5		/* how far an entry's time may go back (batches, clock steps) */
#define TIME_AHEAD_S 300	/* how far ahead of this machine's clock an entry may be */
#define STATE_MAGIC "agora-log-monitor 1\n"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The latest version seen of each response: an open-addressing table keyed by
 * SHA-256(consultation || 0x00 || response). */
struct seen {
	unsigned char key[32];
	uint32_t version;	/* 0: free slot */
};
struct table {
	struct seen *slot;
	size_t cap, n;
};

static struct seen *
table_find(struct table *t, const unsigned char key[32])
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	memcpy(&i, key, sizeof(i));
	for (i %= t->cap; t->slot[i].version != 0; i = (i + 1) % t->cap)
		if (memcmp(t->slot[i].key, key, 32) == 0)
			return &t->slot[i];
	return &t->slot[i];	/* the free slot where it would go */
}

static int
table_set(struct table *t, const unsigned char key[32], uint32_t version)
{
	struct seen *s;

	if ((t->n + 1) * 2 > t->cap) {
		struct table bigger = { calloc(t->cap ? t->cap * 2 : 1024, sizeof(struct seen)),
			t->cap ? t->cap * 2 : 1024, 0 };

		if (bigger.slot == NULL)
			return -1;
		for (size_t i = 0; i < t->cap; i++)
			if (t->slot[i].version != 0) {
				*table_find(&bigger, t->slot[i].key) = t->slot[i];
				bigger.n++;
			}
		free(t->slot);
		*t = bigger;
	}
	s = table_find(t, key);
	if (s->version == 0) {
		memcpy(s->key, key, 32);
		t->n++;
	}
	s->version = version;
	return 0;
}

static void
response_key(const struct ledger_entry *en, unsigned char key[32])
{
	crypto_hash_sha256_state st;
	unsigned char zero = 0;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)en->a, strlen(en->a));
	crypto_hash_sha256_update(&st, &zero, 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)en->b, strlen(en->b));
	crypto_hash_sha256_final(&st, key);
}

struct monitor {
	const char *url, *dir;
	struct ledger_verifier key;
	/* what the state holds, then what this round adds */
	struct lt_checkpoint last;
	int have_last;
	unsigned char (*leaves)[LEDGER_HASH_BYTES];
	uint64_t nleaves;
	int64_t last_time;
	struct table seen;
	long problems;
	int tty;
};

static void
problem(struct monitor *m, uint64_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct monitor *m, uint64_t index, const char *fmt, ...)
{
	va_list ap;

	if (m->tty)
		fprintf(stderr, "\r%60s\r", "");
	printf("PROBLEM entry %llu: ", (unsigned long long)index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	m->problems++;
}

static void
path_in(char out[4096], const char *dir, const char *name)
{
	snprintf(out, 4096, "%s/%s", dir, name);
}

/* Loads DIR/state and the leaves it covers; no state is a first run. 0, or -1 (printed). */
static int
state_load(struct monitor *m)
{
	char path[4096], *text = NULL, *p, *cp;
	unsigned char root[32];
	struct ledger_flat *flat;
	struct ledger_hash_reader r;
	long long t;
	size_t len, k;
	struct err e;
	FILE *f;

	path_in(path, m->dir, "state");
	if (access(path, F_OK) != 0)
		return 0;
	if (lt_read_file(path, 1L << 30, &text, &len, &e) != 0) {
		printf("FAILED  state: %s\n", e.msg);
		return -1;
	}
	if (strncmp(text, STATE_MAGIC, strlen(STATE_MAGIC)) != 0 ||
	    sscanf(text + strlen(STATE_MAGIC), "time %lld\nresponses %zu\n", &t, &k) != 2)
		goto bad;
	m->last_time = t;
	p = strstr(text, "\nresponses ");
	p = strchr(p + 1, '\n') + 1;
	for (size_t i = 0; i < k; i++) {
		unsigned char key[32];
		char hex[65];
		unsigned v;

		if (sscanf(p, "%64s %u\n", hex, &v) != 2 || ledger_unhex(hex, key) != 0 || v == 0 ||
		    table_set(&m->seen, key, v) != 0)
			goto bad;
		p = strchr(p, '\n');
		if (p == NULL)
			goto bad;
		p++;
	}
	if (strncmp(p, "checkpoint\n", 11) != 0)
		goto bad;
	p += 11;
	if ((cp = strdup(p)) == NULL)
		goto bad;
	if (lt_open_checkpoint(cp, strlen(cp), &m->key, NULL, &m->last, &e) != 0) {
		printf("FAILED  state: the checkpoint in %s does not verify with the pinned key: %s\n",
		    path, e.msg);
		lt_checkpoint_free(&m->last);
		free(text);
		return -1;
	}
	free(text);
	text = NULL;
	m->have_last = 1;
	/* the leaves, checked against the kept checkpoint so a damaged state is caught here */
	m->nleaves = m->last.c.size;
	path_in(path, m->dir, "leaves");
	if ((m->leaves = malloc((m->nleaves ? m->nleaves : 1) * LEDGER_HASH_BYTES)) == NULL ||
	    (f = fopen(path, "rb")) == NULL) {
		printf("FAILED  state: cannot read %s\n", path);
		return -1;
	}
	len = fread(m->leaves, LEDGER_HASH_BYTES, m->nleaves, f);
	fclose(f);
	if (len != m->nleaves) {
		printf("FAILED  state: %s holds %zu leaf hashes, the kept checkpoint %llu\n", path, len,
		    (unsigned long long)m->nleaves);
		return -1;
	}
	if ((flat = ledger_flat_new((const unsigned char (*)[32])m->leaves, m->nleaves)) == NULL)
		return -1;
	r = (struct ledger_hash_reader){ ledger_flat_node, flat };
	if (m->nleaves == 0)
		ledger_hash_empty(root);
	else if (ledger_tree_root(&r, m->nleaves, root, &e) != 0)
		memset(root, 0, sizeof(root));
	ledger_flat_free(flat);
	if (memcmp(root, m->last.c.root, 32) != 0) {
		printf("FAILED  state: the leaves in %s do not give the kept checkpoint's root: the "
		    "state is damaged\n", path);
		return -1;
	}
	return 0;
bad:
	free(text);
	printf("FAILED  state: %s is not a monitor state file\n", path);
	return -1;
}

/* Appends the new leaves, then replaces the state (the commit point). 0 or -1 (printed). */
static int
state_save(struct monitor *m, const struct lt_checkpoint *now, uint64_t from)
{
	char path[4096];
	struct buf b;
	struct err e;
	int fd, ok;

	path_in(path, m->dir, "leaves");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		printf("FAILED  state: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* anything past the kept checkpoint is from a round that did not finish */
	ok = ftruncate(fd, (off_t)(from * LEDGER_HASH_BYTES)) == 0 &&
	    lseek(fd, 0, SEEK_END) == (off_t)(from * LEDGER_HASH_BYTES);
	for (uint64_t i = from; ok && i < now->c.size; ) {
		size_t want = (size_t)(now->c.size - i) * LEDGER_HASH_BYTES;
		ssize_t n = write(fd, m->leaves[i], want > (1 << 20) ? (1 << 20) : want);

		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && n % LEDGER_HASH_BYTES == 0;
		if (ok)
			i += (uint64_t)n / LEDGER_HASH_BYTES;
	}
	ok = ok && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		printf("FAILED  state: cannot write %s\n", path);
		return -1;
	}
	buf_init(&b);
	buf_printf(&b, STATE_MAGIC "time %lld\nresponses %zu\n", (long long)m->last_time,
	    m->seen.n);
	for (size_t i = 0; i < m->seen.cap; i++)
		if (m->seen.slot[i].version != 0) {
			char hex[65];

			ledger_hex(m->seen.slot[i].key, hex);
			buf_printf(&b, "%s %u\n", hex, (unsigned)m->seen.slot[i].version);
		}
	buf_puts(&b, "checkpoint\n");
	buf_add(&b, now->note, now->len);
	path_in(path, m->dir, "state");
	ok = !b.failed && lt_write_atomic(path, b.data, b.len, &e) == 0;
	if (!ok)
		printf("FAILED  state: %s\n", b.failed ? "out of memory" : e.msg);
	buf_free(&b);
	return ok ? 0 : -1;
}

/* The accounting rules (docs/LEDGER-TOOLS.md) for entry i, decoded. */
static void
account(struct monitor *m, uint64_t i, const struct ledger_entry *en)
{
	unsigned char key[32];
	struct seen *s;
	uint32_t have;

	if (en->time < m->last_time - TIME_BACK_S)
		problem(m, i, "its time %lld is %lld s before the previous entry's", (long long)en->time,
		    (long long)(m->last_time - en->time));
	if (en->time > lt_now() + TIME_AHEAD_S)
		problem(m, i, "its time %lld is in the future", (long long)en->time);
	if (en->time > m->last_time)
		m->last_time = en->time;
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
		response_key(en, key);
		s = table_find(&m->seen, key);
		have = s ? s->version : 0;
		if (en->number == 0)
			problem(m, i, "response %s has version 0", en->b);
		else if (en->number <= have)
			problem(m, i, "version %u of response %s was already logged", en->number, en->b);
		else if (en->number != have + 1)
			problem(m, i, "version %u of response %s, but version %u was never logged",
			    en->number, en->b, en->number - 1);
		else if (table_set(&m->seen, key, en->number) != 0)
			problem(m, i, "out of memory");
		break;
	case LEDGER_MODERATION:
		response_key(en, key);
		s = table_find(&m->seen, key);
		have = s ? s->version : 0;
		if (en->number == 0 || en->number > have)
			problem(m, i, "a moderation (%s) of version %u of response %s, which was never "
			    "logged", ledger_action_name(en->small) ? ledger_action_name(en->small) : "?",
			    en->number, en->b);
		break;
	case LEDGER_KEY_ROTATION: {
		struct ledger_verifier o, n;
		char *msg = ledger_rotation_message(en->a, en->b);
		int ok = msg && ledger_verifier_parse(en->a, &o, NULL) == 0 &&
		    ledger_verifier_parse(en->b, &n, NULL) == 0 &&
		    crypto_sign_verify_detached(en->sig[0], (unsigned char *)msg, strlen(msg), o.pub) == 0 &&
		    crypto_sign_verify_detached(en->sig[1], (unsigned char *)msg, strlen(msg), n.pub) == 0;

		free(msg);
		if (!ok)
			problem(m, i, "a key rotation whose signatures do not verify");
		else if (memcmp(o.pub, m->key.pub, 32) != 0)
			problem(m, i, "a key rotation from %s, which is not the pinned key", en->a);
		else
			printf("note    entry %llu: the log's key rotates to %s; check it with its operator "
			    "and pin it with --key\n", (unsigned long long)i, en->b);
		break;
	}
	default:	/* consultations, documents, outcomes: decoding them is the check */
		break;
	}
}

/* A level-0 tile and the entry bundle of the same leaves, fetched once. */
struct tile {
	uint64_t index;
	int width, have_hashes, have_bundle;
	unsigned char hash[LEDGER_TILE_WIDTH][LEDGER_HASH_BYTES];
	const unsigned char *entry[LEDGER_TILE_WIDTH];
	size_t entry_len[LEDGER_TILE_WIDTH];
	char *bundle;
};

static void
tile_fetch(struct monitor *m, struct tile *t, uint64_t index, uint64_t size)
{
	char rel[LEDGER_TILE_PATH_MAX], url[LT_URL_MAX];
	struct http_resp r;
	struct err e;
	size_t off = 0;
	int k = 0;

	free(t->bundle);
	memset(t, 0, sizeof(*t));
	t->index = index;
	t->width = ledger_tile_width(0, index, size);
	ledger_tile_path(rel, 0, index, t->width);
	if (lt_url(url, m->url, "/log/%s", rel) == 0 &&
	    http_get_ok(url, LEDGER_TILE_WIDTH * LEDGER_HASH_BYTES, LT_TIMEOUT_S, &r, &e) == 0) {
		if (r.len == (size_t)t->width * LEDGER_HASH_BYTES) {
			memcpy(t->hash, r.body, r.len);
			t->have_hashes = 1;
		} else {
			problem(m, index * LEDGER_TILE_WIDTH, "the tile %s has %zu bytes, not %d hashes",
			    rel, r.len, t->width);
		}
		http_free(&r);
	} else {
		problem(m, index * LEDGER_TILE_WIDTH, "cannot read tile %s: %s", rel, e.msg);
	}
	ledger_tile_path(rel, -1, index, t->width);
	if (lt_url(url, m->url, "/log/%s", rel) == 0 &&
	    http_get_ok(url, (size_t)LEDGER_TILE_WIDTH * 65537, LT_TIMEOUT_S, &r, &e) == 0) {
		const unsigned char *p;
		size_t n;
		int got;

		t->bundle = r.body;
		while (k < t->width && (got = ledger_bundle_next((unsigned char *)r.body, r.len, &off,
		    &p, &n)) == 1) {
			t->entry[k] = p;
			t->entry_len[k++] = n;
		}
		if (k < t->width || off != r.len)
			problem(m, index * LEDGER_TILE_WIDTH, "the entry bundle %s holds %d entries, "
			    "not %d", rel, k, t->width);
		t->have_bundle = 1;
	} else {
		problem(m, index * LEDGER_TILE_WIDTH, "cannot read entry bundle %s: %s", rel, e.msg);
	}
}

static void
show(struct monitor *m, uint64_t done, uint64_t total, const struct timespec *t0)
{
	struct timespec t;
	double s;

	if (!m->tty || total == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	s = (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
	fprintf(stderr, "\rChecking entries: %llu/%llu (%d%%), %.0f/s   ", (unsigned long long)done,
	    (unsigned long long)total, (int)(done * 100 / total), s > 0 ? (double)done / s : 0.0);
}

/* Checks entries [from, to) of the tree of size leaves; fills m->leaves. */
static void
check_entries(struct monitor *m, uint64_t from, uint64_t size)
{
	static struct tile tile;
	struct timespec t0;
	char url[LT_URL_MAX];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	tile.index = UINT64_MAX;
	for (uint64_t start = from; start < size && !stop; start += CHUNK) {
		uint64_t end = start + CHUNK < size ? start + CHUNK : size;
		json_t *j = NULL, *list = NULL;
		struct http_resp r;
		struct err e;

		if (lt_url(url, m->url, "/api/v1/log/entries?start=%llu&end=%llu",
		    (unsigned long long)start, (unsigned long long)end) == 0 &&
		    http_get_ok(url, LT_JSON_MAX, LT_TIMEOUT_S * 4, &r, &e) == 0) {
			j = json_loadb(r.body, r.len, 0, NULL);
			http_free(&r);
			list = json_object_get(j, "entries");
			if (!json_is_array(list))
				problem(m, start, "the API's answer for entries %llu..%llu is not a list",
				    (unsigned long long)start, (unsigned long long)end - 1);
		} else {
			problem(m, start, "cannot read entries %llu..%llu: %s", (unsigned long long)start,
			    (unsigned long long)end - 1, e.msg);
		}
		for (uint64_t i = start; i < end; i++) {
			json_t *item = json_array_get(list, (size_t)(i - start));
			const char *b64 = json_string_value(json_object_get(item, "entry"));
			const char *lh = json_string_value(json_object_get(item, "leaf_hash"));
			unsigned char api_leaf[32], h[32], *api = NULL;
			const unsigned char *bytes = NULL;
			size_t api_len = 0, len = 0;
			struct ledger_entry en;
			int have_leaf = 0;

			if (tile.index != i / LEDGER_TILE_WIDTH)
				tile_fetch(m, &tile, i / LEDGER_TILE_WIDTH, size);
			if (item != NULL && json_integer_value(json_object_get(item, "index")) != (json_int_t)i)
				problem(m, i, "the API lists it at the wrong place");
			if (b64 != NULL && (api = malloc(strlen(b64) + 1)) != NULL &&
			    sodium_base642bin(api, strlen(b64) + 1, b64, strlen(b64), NULL, &api_len,
			    NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
				free(api);
				api = NULL;
			}
			if (item != NULL && (api == NULL || lh == NULL || ledger_unhex(lh, api_leaf) != 0))
				problem(m, i, "the API's entry or leaf_hash is missing or malformed");
			else if (item == NULL && list != NULL)
				problem(m, i, "the API did not serve it");
			/* the tree's leaf is the tile's; each other copy must agree with it */
			if (tile.have_hashes) {
				memcpy(m->leaves[i], tile.hash[i % LEDGER_TILE_WIDTH], 32);
				have_leaf = 1;
			} else if (api != NULL && lh != NULL) {
				memcpy(m->leaves[i], api_leaf, 32);
				have_leaf = 1;
			}
			if (tile.have_bundle && tile.entry[i % LEDGER_TILE_WIDTH] != NULL) {
				bytes = tile.entry[i % LEDGER_TILE_WIDTH];
				len = tile.entry_len[i % LEDGER_TILE_WIDTH];
				ledger_hash_leaf(bytes, len, h);
				if (have_leaf && memcmp(h, m->leaves[i], 32) != 0) {
					problem(m, i, "its bytes in the entry bundle do not hash to its leaf hash "
					    "in the tile");
					bytes = NULL;
				}
			}
			if (api != NULL && lh != NULL) {
				ledger_hash_leaf(api, api_len, h);
				if (have_leaf && memcmp(api_leaf, m->leaves[i], 32) != 0)
					problem(m, i, "the API's leaf_hash differs from the tile's");
				else if (have_leaf && memcmp(h, m->leaves[i], 32) != 0)
					problem(m, i, "the API's entry bytes do not hash to its leaf hash");
				else if (bytes == NULL) {
					bytes = api;
					len = api_len;
				}
			}
			if (!have_leaf)
				memset(m->leaves[i], 0, 32);
			if (bytes != NULL) {
				if (ledger_entry_decode(bytes, len, &en, &e) != 0) {
					problem(m, i, "cannot be accounted for: %s", e.msg);
				} else {
					json_t *mine = ledger_entry_json(&en);
					json_t *theirs = json_object_get(item, "inputs");

					if (item != NULL && theirs != NULL && !json_equal(mine, theirs))
						problem(m, i, "the API's inputs do not match the entry's bytes");
					json_decref(mine);
					account(m, i, &en);
				}
			} else if (have_leaf) {
				problem(m, i, "cannot be accounted for: no copy of its bytes hashes to its "
				    "leaf hash");
			}
			free(api);
		}
		json_decref(j);
		show(m, end - from, size - from, &t0);
	}
	free(tile.bundle);
	tile.bundle = NULL;
	if (m->tty)
		fprintf(stderr, "\n");
}

/* One round: 0 all checked (state moved forward), 1 a problem or the log unreachable. */
static int
round_once(struct monitor *m)
{
	struct lt_checkpoint now;
	struct ledger_checkpoint empty;
	struct ledger_flat *flat;
	struct ledger_hash_reader r;
	unsigned char root[32];
	uint64_t from;
	struct err e;
	int fork = 0, rc = 1;
	void *grown;

	lt_checkpoint_free(&m->last);
	free(m->leaves);
	m->leaves = NULL;
	m->nleaves = 0;
	m->have_last = 0;
	m->last_time = 0;
	m->problems = 0;
	free(m->seen.slot);
	memset(&m->seen, 0, sizeof(m->seen));
	if (state_load(m) != 0)
		return 1;
	if (lt_fetch_checkpoint(m->url, &m->key, m->have_last ? m->last.c.origin : NULL, &now, &e)
	    != 0) {
		printf("%s  checkpoint: %s\n", e.kind == ERR_CONFLICT ? "PROBLEM" : "FAILED ", e.msg);
		return 1;
	}
	memset(&empty, 0, sizeof(empty));
	ledger_hash_empty(empty.root);
	if (lt_check_consistency(m->url, m->have_last ? &m->last.c : &empty, &now.c, &fork, &e)
	    != 0) {
		printf("%s  consistency: %s%s\n", fork ? "PROBLEM" : "FAILED ", e.msg,
		    "; the state is kept");
		goto out;
	}
	from = m->nleaves;
	printf("ok      checkpoint of %llu leaves%s\n", (unsigned long long)now.c.size,
	    m->have_last ? ", consistent with the last one kept" : " (first run)");
	if (now.c.size == from) {
		printf("ok      no new entries\n");
		rc = 0;
		goto out;
	}
	if (now.c.size > SIZE_MAX / LEDGER_HASH_BYTES ||
	    (grown = realloc(m->leaves, (size_t)now.c.size * LEDGER_HASH_BYTES)) == NULL) {
		printf("FAILED  out of memory for %llu leaves\n", (unsigned long long)now.c.size);
		goto out;
	}
	m->leaves = grown;
	check_entries(m, from, now.c.size);
	if (stop) {
		printf("stopped before the end; the state is kept\n");
		goto out;
	}
	flat = ledger_flat_new((const unsigned char (*)[32])m->leaves, now.c.size);
	r = (struct ledger_hash_reader){ ledger_flat_node, flat };
	if (flat == NULL || ledger_tree_root(&r, now.c.size, root, &e) != 0)
		printf("FAILED  out of memory rebuilding the tree\n");
	else if (memcmp(root, now.c.root, 32) != 0)
		problem(m, now.c.size - 1, "the %llu leaves do not give the checkpoint's root",
		    (unsigned long long)now.c.size);
	else
		printf("ok      the %llu leaves give the checkpoint's root\n",
		    (unsigned long long)now.c.size);
	ledger_flat_free(flat);
	if (flat == NULL)
		goto out;
	if (m->problems > 0) {
		printf("%ld problem%s in entries %llu..%llu; the state is kept\n", m->problems,
		    m->problems == 1 ? "" : "s", (unsigned long long)from,
		    (unsigned long long)now.c.size - 1);
		goto out;
	}
	if (state_save(m, &now, from) != 0)
		goto out;
	printf("ok      entries %llu..%llu checked and accounted for\n", (unsigned long long)from,
	    (unsigned long long)now.c.size - 1);
	rc = 0;
out:
	lt_checkpoint_free(&now);
	fflush(stdout);
	return rc;
}

int
log_monitor(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--url", "--key", "--state", "--interval", NULL };
	static const char *const flags[] = { "--once", NULL };
	const char *vals[4] = { NULL, NULL, NULL, NULL };
	int bools[1] = { 0 }, rc;
	static struct monitor m;
	struct sigaction sa;
	struct err e;
	long interval = 60;

	if ((rc = cli_parse(argc, argv, c, "log", flags, bools, opts, vals, NULL, 0)) != 0)
		return rc == 1 ? 0 : rc;
	if (!vals[0] || !vals[1] || !vals[2]) {
		fprintf(stderr, "agora log monitor: --url, --key and --state are all needed\n");
		return EXIT_USAGE;
	}
	if (lt_interval(vals[3], "monitor", &interval) != 0)
		return EXIT_USAGE;
	if (sodium_init() < 0)
		return 1;
	m.url = vals[0];
	m.dir = vals[2];
	m.tty = isatty(2);
	if (lt_load_vkey(vals[1], &m.key, &e) != 0) {
		fprintf(stderr, "agora log monitor: --key: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (mkdir(m.dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "agora log monitor: cannot make %s: %s\n", m.dir, strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	do {
		rc = round_once(&m);
		for (long s = 0; !bools[0] && s < interval && !stop; s++)
			sleep(1);
	} while (!bools[0] && !stop);
	lt_checkpoint_free(&m.last);
	free(m.leaves);
	free(m.seen.slot);
	return bools[0] ? rc : 0;
}
