/* test_ledger_entry.c: the log's canonical entries (src/ledger/entry.c) and receipts checked from
 * their own contents (src/ledger/receipt.c). */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/entry.h"
#include "ledger/receipt.h"
#include "util/buf.h"

static void
encode(const struct ledger_entry *en, struct buf *b)
{
	struct err e;

	buf_reset(b);
	assert_int_equal(ledger_entry_encode(en, b, &e), 0);
}

static struct ledger_entry
sample(int kind)
{
	struct ledger_entry en;

	memset(&en, 0, sizeof(en));
	en.kind = kind;
	en.time = 1795916446;
	snprintf(en.a, sizeof(en.a), "%s", kind == LEDGER_KEY_ROTATION ? "a/log+01020304+AQ" : "multilingual-internet");
	snprintf(en.b, sizeof(en.b), "%s", kind == LEDGER_OUTCOME ? "c" : "6f2wtypjvhkt");
	en.number = kind == LEDGER_OUTCOME ? 17 : 2;
	en.small = kind == LEDGER_CONSULTATION ? 2 : kind == LEDGER_MODERATION ? LEDGER_WITHHELD : 0;
	for (int i = 0; i < LEDGER_HASH_BYTES; i++)
		en.hash[i] = (unsigned char)(i * 7 + kind);
	for (int i = 0; i < 64; i++)
		en.sig[0][i] = (unsigned char)i, en.sig[1][i] = (unsigned char)(255 - i);
	return en;
}

/* The layout of entry.h, byte for byte, for a response version. */
static void
test_layout(void **state)
{
	struct ledger_entry en = sample(LEDGER_RESPONSE_VERSION);
	struct buf b;
	const unsigned char *p;

	(void)state;
	buf_init(&b);
	encode(&en, &b);
	p = (const unsigned char *)b.data;
	assert_int_equal(b.len, 2 + 8 + 2 + 21 + 2 + 12 + 4 + 32);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], LEDGER_RESPONSE_VERSION);
	assert_memory_equal(p + 2, "\x00\x00\x00\x00\x6b\x0b\x82\x9e", 8);	/* 1795916446 */
	assert_memory_equal(p + 10, "\x00\x15multilingual-internet", 23);
	assert_memory_equal(p + 33, "\x00\x0c" "6f2wtypjvhkt", 14);
	assert_memory_equal(p + 47, "\x00\x00\x00\x02", 4);
	assert_memory_equal(p + 51, en.hash, 32);
	buf_free(&b);
}

/* Every kind decodes back to itself and re-encodes to the same bytes; its JSON too. */
static void
test_round_trip(void **state)
{
	struct buf b, again;
	struct err e;

	(void)state;
	buf_init(&b);
	buf_init(&again);
	for (int kind = 1; kind <= 6; kind++) {
		struct ledger_entry en = sample(kind), back, fromj;
		json_t *j;

		encode(&en, &b);
		assert_int_equal(ledger_entry_decode((unsigned char *)b.data, b.len, &back, &e), 0);
		encode(&back, &again);
		assert_int_equal(again.len, b.len);
		assert_memory_equal(again.data, b.data, b.len);
		j = ledger_entry_json(&back);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "kind")), ledger_kind_name(kind));
		assert_int_equal(ledger_entry_from_json(j, &fromj, &e), 0);
		encode(&fromj, &again);
		assert_memory_equal(again.data, b.data, b.len);
		json_decref(j);
	}
	buf_free(&b);
	buf_free(&again);
}

/* Anything but the one encoding is refused: cut short, a byte more, another format, an unknown
 * kind, action or state, a string longer than it says. */
static void
test_decode_refuses(void **state)
{
	struct ledger_entry en = sample(LEDGER_MODERATION), out;
	struct buf b;
	struct err e;
	unsigned char *p;

	(void)state;
	buf_init(&b);
	encode(&en, &b);
	p = (unsigned char *)b.data;
	for (size_t n = 0; n < b.len; n++)
		assert_int_equal(ledger_entry_decode(p, n, &out, &e), -1);
	buf_putc(&b, 0);
	p = (unsigned char *)b.data;
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	assert_non_null(strstr(e.msg, "too many"));
	b.len--;
	p[0] = 2;
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	p[0] = 1;
	p[1] = 9;
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	p[1] = LEDGER_MODERATION;
	p[b.len - 33] = 7;	/* the action */
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	p[b.len - 33] = LEDGER_WITHHELD;
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), 0);
	p[12] = (unsigned char)'\xc9';	/* a lone UTF-8 lead byte in the first string (found by fuzzing) */
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	p[12] = 'm';
	p[2] = 0x80;	/* a time past 2^63 - 1 */
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	p[2] = 0;
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), 0);
	p[11] = 0xff;	/* the first string's length */
	assert_int_equal(ledger_entry_decode(p, b.len, &out, &e), -1);
	en = sample(LEDGER_RESPONSE_VERSION);
	snprintf(en.b, sizeof(en.b), "\xff\xfe");
	buf_reset(&b);
	assert_int_equal(ledger_entry_encode(&en, &b, &e), -1);	/* not UTF-8 */
	en = sample(LEDGER_RESPONSE_VERSION);
	en.time = -1;
	buf_reset(&b);
	assert_int_equal(ledger_entry_encode(&en, &b, &e), -1);
	en = sample(LEDGER_CONSULTATION);
	en.small = 3;
	buf_reset(&b);
	assert_int_equal(ledger_entry_encode(&en, &b, &e), -1);
	en = sample(LEDGER_RESPONSE_VERSION);
	memset(en.a, 'x', LEDGER_STR_MAX - 1);
	en.a[LEDGER_STR_MAX - 1] = '\0';
	buf_reset(&b);
	assert_int_equal(ledger_entry_encode(&en, &b, &e), 0);	/* 255 bytes: the longest */
	buf_free(&b);
}

/* A receipt for leaf 2 of a 5-leaf tree, signed; then every kind of damage. */
struct fixture {
	struct ledger_signer s;
	struct ledger_verifier v;
	json_t *r;
};

static json_t *
make_receipt(struct fixture *f)
{
	struct ledger_entry en = sample(LEDGER_RESPONSE_VERSION);
	unsigned char leaves[5][LEDGER_HASH_BYTES], salt[32], content[32], root[32];
	struct ledger_flat *flat;
	struct ledger_hash_reader hr;
	struct ledger_checkpoint cp;
	struct ledger_proof p;
	struct buf b;
	struct err e;
	char hex[129], *note;
	json_t *arr = json_array(), *o;

	memset(salt, 0x5a, sizeof(salt));
	memset(content, 0xc3, sizeof(content));
	ledger_commitment(salt, content, sizeof(content), en.hash);
	buf_init(&b);
	encode(&en, &b);
	for (int i = 0; i < 5; i++)
		if (i == 2)
			ledger_hash_leaf(b.data, b.len, leaves[i]);
		else
			ledger_hash_leaf(&i, sizeof(i), leaves[i]);
	buf_free(&b);
	flat = ledger_flat_new((const unsigned char (*)[LEDGER_HASH_BYTES])leaves, 5);
	hr.node = ledger_flat_node;
	hr.ctx = flat;
	assert_int_equal(ledger_tree_root(&hr, 5, root, &e), 0);
	assert_int_equal(ledger_proof_inclusion(&hr, 2, 5, &p, &e), 0);
	ledger_flat_free(flat);
	for (int i = 0; i < p.n; i++) {
		ledger_hex(p.hash[i], hex);
		json_array_append_new(arr, json_string(hex));
	}
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", f->s.name);
	cp.size = 5;
	memcpy(cp.root, root, 32);
	note = ledger_checkpoint_sign(&f->s, &cp, &e);
	assert_non_null(note);
	ledger_hex(leaves[2], hex);
	o = json_pack("{s:i, s:s, s:o, s:o, s:s}", "leaf_index", 2, "leaf_hash", hex, "entry",
		      ledger_entry_json(&en), "inclusion_proof", arr, "checkpoint", note);
	free(note);
	ledger_hex(salt, hex);
	json_object_set_new(o, "salt", json_string(hex));
	ledger_hex(content, hex);
	json_object_set_new(o, "content_sha256", json_string(hex));
	return o;
}

/* Flips one hex digit of the string at key (in obj). */
static void
flip(json_t *obj, const char *key, size_t at)
{
	char *s = strdup(json_string_value(json_object_get(obj, key)));

	s[at] = s[at] == '0' ? '1' : '0';
	json_object_set_new(obj, key, json_string(s));
	free(s);
}

static void
test_receipt(void **state)
{
	struct fixture f;
	struct ledger_receipt out;
	struct ledger_signer other;
	struct ledger_verifier ov;
	struct err e;
	json_t *r;

	(void)state;
	assert_int_equal(ledger_key_generate("agora.test/log", &f.s, &e), 0);
	ledger_signer_verifier(&f.s, &f.v);
	r = make_receipt(&f);
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), 0);
	assert_int_equal(out.leaf_index, 2);
	assert_int_equal(out.cp.size, 5);
	assert_true(out.has_content);
	json_decref(r);

	/* Each field altered fails at its own step. */
	r = make_receipt(&f);
	flip(json_object_get(r, "entry"), "response", 0);
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	assert_string_equal(e.field, "leaf_hash");
	json_decref(r);
	r = make_receipt(&f);
	flip(r, "salt", 5);
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	assert_string_equal(e.field, "salt");
	json_decref(r);
	r = make_receipt(&f);
	flip(r, "leaf_hash", 63);
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	assert_string_equal(e.field, "leaf_hash");
	json_decref(r);
	r = make_receipt(&f);
	{
		json_t *arr = json_object_get(r, "inclusion_proof"), *h = json_array_get(arr, 1);
		char *s = strdup(json_string_value(h));
		s[0] = s[0] == 'a' ? 'b' : 'a';
		json_array_set_new(arr, 1, json_string(s));
		free(s);
	}
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	assert_string_equal(e.field, "inclusion_proof");
	json_decref(r);
	r = make_receipt(&f);
	json_object_set_new(r, "leaf_index", json_integer(3));
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	assert_string_equal(e.field, "inclusion_proof");
	json_decref(r);
	r = make_receipt(&f);	/* the checkpoint's size changed: its signature no longer verifies */
	{
		char *s = strdup(json_string_value(json_object_get(r, "checkpoint")));
		char *p = strstr(s, "\n5\n");
		p[1] = '6';
		json_object_set_new(r, "checkpoint", json_string(s));
		free(s);
	}
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	json_decref(r);
	/* Another key of the same name (another id) is not the pinned one. */
	assert_int_equal(ledger_key_generate("agora.test/log", &other, &e), 0);
	ledger_signer_verifier(&other, &ov);
	r = make_receipt(&f);
	assert_int_equal(ledger_receipt_check(r, &ov, &out, &e), -1);
	json_decref(r);
	r = json_pack("{s:s}", "response", "x");
	assert_int_equal(ledger_receipt_check(r, &f.v, &out, &e), -1);
	assert_string_equal(e.field, "leaf_index");
	json_decref(r);
	sodium_memzero(&f.s, sizeof(f.s));
	sodium_memzero(&other, sizeof(other));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_receipt),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
