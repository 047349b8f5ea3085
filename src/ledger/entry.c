/* entry.c: encoding and decoding the log's entries (layout in entry.h), and their JSON form. */
#include "entry.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/str.h"

static const char *const kinds[] = { NULL, "response_version", "moderation", "consultation",
	"document_revision", "outcome", "key_rotation" };
static const char *const actions[] = { NULL, "published", "withheld", "redacted", "corrected",
	"erased", "withdrawn" };
static const char *const states[] = { NULL, "opened", "closed" };
#define NKINDS 7
#define NACTIONS 7

const char *
ledger_kind_name(int kind)
{
	return kind > 0 && kind < NKINDS ? kinds[kind] : NULL;
}

int
ledger_kind_from_name(const char *name)
{
	for (int i = 1; i < NKINDS; i++)
		if (name != NULL && strcmp(name, kinds[i]) == 0)
			return i;
	return 0;
}

const char *
ledger_action_name(int action)
{
	return action > 0 && action < NACTIONS ? actions[action] : NULL;
}

int
ledger_action_from_name(const char *name)
{
	for (int i = 1; i < NACTIONS; i++)
		if (name != NULL && strcmp(name, actions[i]) == 0)
			return i;
	return 0;
}

static void
put_u32(struct buf *b, uint32_t v)
{
	unsigned char p[4] = { v >> 24, v >> 16, v >> 8, v };

	buf_add(b, p, 4);
}

static void
put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)(v >> 32));
	put_u32(b, (uint32_t)v);
}

static int
put_str(struct buf *b, const char *s, struct err *e)
{
	size_t n = strlen(s);
	unsigned char p[2] = { n >> 8, n };

	if (n >= LEDGER_STR_MAX)
		return err_set(e, ERR_INVALID, "an entry's string is longer than %d bytes",
		    LEDGER_STR_MAX - 1);
	if (!utf8_valid(s, n))
		return err_set(e, ERR_INVALID, "an entry's string is not UTF-8");
	buf_add(b, p, 2);
	buf_add(b, s, n);
	return 0;
}

int
ledger_entry_encode(const struct ledger_entry *en, struct buf *b, struct err *e)
{
	unsigned char head[2] = { LEDGER_ENTRY_FORMAT, (unsigned char)en->kind };

	if (ledger_kind_name(en->kind) == NULL)
		return err_set(e, ERR_INVALID, "unknown entry kind %d", en->kind);
	if (en->time < 0)
		return err_set(e, ERR_INVALID, "an entry's time is not before 1970");
	buf_add(b, head, 2);
	put_u64(b, (uint64_t)en->time);
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
	case LEDGER_MODERATION:
		if (put_str(b, en->a, e) != 0 || put_str(b, en->b, e) != 0)
			return -1;
		put_u32(b, en->number);
		if (en->kind == LEDGER_MODERATION) {
			if (ledger_action_name(en->small) == NULL)
				return err_set(e, ERR_INVALID, "unknown moderation action %d", en->small);
			buf_putc(b, (char)en->small);
		}
		buf_add(b, en->hash, LEDGER_HASH_BYTES);
		break;
	case LEDGER_CONSULTATION:
		if (put_str(b, en->a, e) != 0)
			return -1;
		if (en->small != 1 && en->small != 2)
			return err_set(e, ERR_INVALID, "unknown consultation state %d", en->small);
		buf_putc(b, (char)en->small);
		break;
	case LEDGER_DOCUMENT_REVISION:
		if (put_str(b, en->a, e) != 0)
			return -1;
		put_u32(b, en->number);
		buf_add(b, en->hash, LEDGER_HASH_BYTES);
		break;
	case LEDGER_OUTCOME:
		put_u32(b, en->number);
		if (put_str(b, en->b, e) != 0)
			return -1;
		buf_add(b, en->hash, LEDGER_HASH_BYTES);
		break;
	case LEDGER_KEY_ROTATION:
		if (put_str(b, en->a, e) != 0 || put_str(b, en->b, e) != 0)
			return -1;
		buf_add(b, en->sig[0], 64);
		buf_add(b, en->sig[1], 64);
		break;
	}
	return b->failed ? err_set(e, ERR_INTERNAL, "out of memory") : 0;
}

/* A reader over the bytes: every get fails once the bytes run out. */
struct rd {
	const unsigned char *p;
	size_t len, off;
	int bad;
};

static const unsigned char *
take(struct rd *r, size_t n)
{
	const unsigned char *p;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint64_t
get_be(struct rd *r, int n)
{
	const unsigned char *p = take(r, (size_t)n);
	uint64_t v = 0;

	for (int i = 0; p != NULL && i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
get_str(struct rd *r, char out[LEDGER_STR_MAX])
{
	size_t n = (size_t)get_be(r, 2);
	const unsigned char *p;

	out[0] = '\0';
	if (n >= LEDGER_STR_MAX) {
		r->bad = 1;
		return;
	}
	if ((p = take(r, n)) == NULL)
		return;
	if (memchr(p, '\0', n) != NULL || !utf8_valid((const char *)p, n)) {
		r->bad = 1;
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

static void
get_bytes(struct rd *r, unsigned char *out, size_t n)
{
	const unsigned char *p = take(r, n);

	if (p != NULL)
		memcpy(out, p, n);
}

int
ledger_entry_decode(const unsigned char *p, size_t len, struct ledger_entry *en, struct err *e)
{
	struct rd r = { p, len, 0, 0 };

	memset(en, 0, sizeof(*en));
	if (get_be(&r, 1) != LEDGER_ENTRY_FORMAT)
		return err_set(e, ERR_INVALID, "the entry is not of format %d", LEDGER_ENTRY_FORMAT);
	en->kind = (int)get_be(&r, 1);
	{
		uint64_t t = get_be(&r, 8);
		if (t > (uint64_t)INT64_MAX)	/* a time is a signed count of seconds */
			return err_set(e, ERR_INVALID, "the entry's time is out of range");
		en->time = (int64_t)t;
	}
	if (!r.bad && ledger_kind_name(en->kind) == NULL)
		return err_set(e, ERR_INVALID, "unknown entry kind %d", en->kind);
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
	case LEDGER_MODERATION:
		get_str(&r, en->a);
		get_str(&r, en->b);
		en->number = (uint32_t)get_be(&r, 4);
		if (en->kind == LEDGER_MODERATION) {
			en->small = (int)get_be(&r, 1);
			if (!r.bad && ledger_action_name(en->small) == NULL)
				return err_set(e, ERR_INVALID, "unknown moderation action %d", en->small);
		}
		get_bytes(&r, en->hash, LEDGER_HASH_BYTES);
		break;
	case LEDGER_CONSULTATION:
		get_str(&r, en->a);
		en->small = (int)get_be(&r, 1);
		if (!r.bad && en->small != 1 && en->small != 2)
			return err_set(e, ERR_INVALID, "unknown consultation state %d", en->small);
		break;
	case LEDGER_DOCUMENT_REVISION:
		get_str(&r, en->a);
		en->number = (uint32_t)get_be(&r, 4);
		get_bytes(&r, en->hash, LEDGER_HASH_BYTES);
		break;
	case LEDGER_OUTCOME:
		en->number = (uint32_t)get_be(&r, 4);
		get_str(&r, en->b);
		get_bytes(&r, en->hash, LEDGER_HASH_BYTES);
		break;
	case LEDGER_KEY_ROTATION:
		get_str(&r, en->a);
		get_str(&r, en->b);
		get_bytes(&r, en->sig[0], 64);
		get_bytes(&r, en->sig[1], 64);
		break;
	}
	if (r.bad)
		return err_set(e, ERR_INVALID, "the entry is cut short or has a string that is not UTF-8");
	if (r.off != len)
		return err_set(e, ERR_INVALID, "the entry has %zu bytes too many", len - r.off);
	return 0;
}

static json_t *
hex_json(const unsigned char *p, size_t n)
{
	char out[2 * 64 + 1];

	sodium_bin2hex(out, sizeof(out), p, n);
	return json_string(out);
}

json_t *
ledger_entry_json(const struct ledger_entry *en)
{
	json_t *o = json_pack("{s:s, s:I}", "kind", ledger_kind_name(en->kind), "time",
	    (json_int_t)en->time);

	if (o == NULL)
		return NULL;
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
	case LEDGER_MODERATION:
		json_object_set_new(o, "consultation", json_string(en->a));
		json_object_set_new(o, "response", json_string(en->b));
		json_object_set_new(o, "version", json_integer(en->number));
		if (en->kind == LEDGER_MODERATION)
			json_object_set_new(o, "action", json_string(ledger_action_name(en->small)));
		json_object_set_new(o, "commitment", hex_json(en->hash, LEDGER_HASH_BYTES));
		break;
	case LEDGER_CONSULTATION:
		json_object_set_new(o, "consultation", json_string(en->a));
		json_object_set_new(o, "state", json_string(states[en->small == 2 ? 2 : 1]));
		break;
	case LEDGER_DOCUMENT_REVISION:
		json_object_set_new(o, "symbol", json_string(en->a));
		json_object_set_new(o, "revision", json_integer(en->number));
		json_object_set_new(o, "sha256", hex_json(en->hash, LEDGER_HASH_BYTES));
		break;
	case LEDGER_OUTCOME:
		json_object_set_new(o, "meeting", json_integer(en->number));
		json_object_set_new(o, "letter", json_string(en->b));
		json_object_set_new(o, "commitment", hex_json(en->hash, LEDGER_HASH_BYTES));
		break;
	case LEDGER_KEY_ROTATION:
		json_object_set_new(o, "old_key", json_string(en->a));
		json_object_set_new(o, "new_key", json_string(en->b));
		json_object_set_new(o, "old_signature", hex_json(en->sig[0], 64));
		json_object_set_new(o, "new_signature", hex_json(en->sig[1], 64));
		break;
	}
	return o;
}

static int
json_str(const json_t *j, const char *key, char out[LEDGER_STR_MAX], struct err *e)
{
	const char *s = json_string_value(json_object_get(j, key));

	if (s == NULL || strlen(s) >= LEDGER_STR_MAX)
		return err_set_field(e, ERR_INVALID, key, "the entry's \"%s\" is missing or too long", key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int
json_uint(const json_t *j, const char *key, uint64_t max, uint64_t *out, struct err *e)
{
	const json_t *v = json_object_get(j, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
		return err_set_field(e, ERR_INVALID, key, "the entry's \"%s\" is not a number in range", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int
json_hex(const json_t *j, const char *key, unsigned char *out, size_t n, struct err *e)
{
	const char *s = json_string_value(json_object_get(j, key));
	size_t len;

	if (s == NULL || strlen(s) != 2 * n ||
	    sodium_hex2bin(out, n, s, 2 * n, NULL, &len, NULL) != 0 || len != n)
		return err_set_field(e, ERR_INVALID, key, "the entry's \"%s\" is not %zu bytes of hex", key, n);
	return 0;
}

int
ledger_entry_from_json(const json_t *j, struct ledger_entry *en, struct err *e)
{
	uint64_t v = 0;
	const char *s;

	memset(en, 0, sizeof(*en));
	if (!json_is_object(j))
		return err_set(e, ERR_INVALID, "the entry is not a JSON object");
	if ((en->kind = ledger_kind_from_name(json_string_value(json_object_get(j, "kind")))) == 0)
		return err_set_field(e, ERR_INVALID, "kind", "the entry's \"kind\" is missing or unknown");
	if (json_uint(j, "time", INT64_MAX, &v, e) != 0)
		return -1;
	en->time = (int64_t)v;
	switch (en->kind) {
	case LEDGER_RESPONSE_VERSION:
	case LEDGER_MODERATION:
		if (json_str(j, "consultation", en->a, e) != 0 || json_str(j, "response", en->b, e) != 0 ||
		    json_uint(j, "version", UINT32_MAX, &v, e) != 0)
			return -1;
		en->number = (uint32_t)v;
		if (en->kind == LEDGER_MODERATION &&
		    (en->small = ledger_action_from_name(json_string_value(json_object_get(j, "action")))) == 0)
			return err_set_field(e, ERR_INVALID, "action", "the entry's \"action\" is unknown");
		return json_hex(j, "commitment", en->hash, LEDGER_HASH_BYTES, e);
	case LEDGER_CONSULTATION:
		if (json_str(j, "consultation", en->a, e) != 0)
			return -1;
		s = json_string_value(json_object_get(j, "state"));
		en->small = s && strcmp(s, "opened") == 0 ? 1 : s && strcmp(s, "closed") == 0 ? 2 : 0;
		if (en->small == 0)
			return err_set_field(e, ERR_INVALID, "state", "the entry's \"state\" is unknown");
		return 0;
	case LEDGER_DOCUMENT_REVISION:
		if (json_str(j, "symbol", en->a, e) != 0 || json_uint(j, "revision", UINT32_MAX, &v, e) != 0)
			return -1;
		en->number = (uint32_t)v;
		return json_hex(j, "sha256", en->hash, LEDGER_HASH_BYTES, e);
	case LEDGER_OUTCOME:
		if (json_uint(j, "meeting", UINT32_MAX, &v, e) != 0 || json_str(j, "letter", en->b, e) != 0)
			return -1;
		en->number = (uint32_t)v;
		return json_hex(j, "commitment", en->hash, LEDGER_HASH_BYTES, e);
	case LEDGER_KEY_ROTATION:
		if (json_str(j, "old_key", en->a, e) != 0 || json_str(j, "new_key", en->b, e) != 0 ||
		    json_hex(j, "old_signature", en->sig[0], 64, e) != 0)
			return -1;
		return json_hex(j, "new_signature", en->sig[1], 64, e);
	}
	return -1;
}

void
ledger_commitment(const unsigned char salt[LEDGER_SALT_BYTES], const void *content, size_t len,
    unsigned char out[LEDGER_HASH_BYTES])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, salt, LEDGER_SALT_BYTES);
	crypto_hash_sha256_update(&st, content, len);
	crypto_hash_sha256_final(&st, out);
}

char *
ledger_rotation_message(const char *old, const char *new_key)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "agora-log key rotation\n%s\n%s\n", old, new_key);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}
