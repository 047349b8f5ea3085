/* api_log.c: the public log over HTTP (docs/LEDGER-WEB.md): the signed checkpoint with its
 * witnesses' cosignatures, the log's key, entries, proofs, the tiles of C2SP tlog-tiles, and
 * witnesses posting cosignatures. Everything here is public and reads only what the log has
 * published; the one write stores cosignatures that verify against a configured witness key. */
#include <microhttpd.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../domain/audit.h"
#include "../ledger/cosig.h"
#include "../ledger/log.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "handlers.h"
#include "log_web.h"
#include "reply.h"
#include "server.h"

#define COSIG_BODY_MAX 16384	/* a checkpoint with a few dozen signature lines */
#define INT64_DIGITS 19

static const char SQL_CP_OF_SIZE[] =
    "SELECT id, note FROM log_checkpoints WHERE size = $1 ORDER BY id DESC";
static const char SQL_COSIG_ADD[] =
    "INSERT INTO log_cosignatures (checkpoint_id, witness, line, received_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (checkpoint_id, witness) DO NOTHING";

int
log_query_u64(struct request *r, const char *name, uint64_t *out, const char **why)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	size_t n;

	*why = "must be a whole number from 0 to 9223372036854775807";
	if (v == NULL || v[0] == '\0')
		return 0;
	n = strlen(v);
	if (n > INT64_DIGITS || strspn(v, "0123456789") != n || (v[0] == '0' && n > 1))
		return -1;
	/* 19 digits may still pass 2^63-1: compare as text, same length */
	if (n == INT64_DIGITS && strcmp(v, "9223372036854775807") > 0)
		return -1;
	*out = strtoull(v, NULL, 10);
	return 1;
}

static atomic_int witness_key_warned;

int
log_witnesses(struct request *r, struct ledger_verifier w[LOG_WITNESSES_MAX])
{
	const char *p = r->srv->cfg->log_witnesses;
	int n = 0;

	while (*p != '\0' && n < LOG_WITNESSES_MAX) {
		size_t len = strcspn(p, ",");
		const char *s = p;
		size_t l = len;
		char key[LEDGER_KEY_TEXT_MAX];
		struct err e;

		err_clear(&e);
		while (l > 0 && (*s == ' ' || *s == '\t'))
			s++, l--;
		while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		if (l >= sizeof(key))
			err_set(&e, ERR_INVALID, "the key is too long");
		else
			snprintf(key, sizeof(key), "%.*s", (int)l, s);
		if (l > 0 && l < sizeof(key) && cosig_verifier_parse(key, &w[n], &e) == 0)
			n++;
		else if (l > 0 && !atomic_exchange(&witness_key_warned, 1))	/* once: the setting is fixed */
			log_error("msg=\"a --log-witnesses key is not a witness key: left out\" error=\"%s\"", e.msg);
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

/* A required number parameter: 0 with *out set, or -1 with the 400 answered. */
static int
need_u64(struct request *r, const char *name, uint64_t *out)
{
	const char *why;
	int rc = log_query_u64(r, name, out, &why);

	if (rc == 1)
		return 0;
	if (rc == 0)
		why = "is required: a whole number from 0 to 9223372036854775807";
	reply_problem(r, 400, NULL, arena_printf(r->arena, "%s %s", name, why), reply_field_error(name, why));
	return -1;
}

static int
bad_param(struct request *r, const char *name, const char *why)
{
	return reply_problem(r, 400, NULL, arena_printf(r->arena, "%s %s", name, why),
			     reply_field_error(name, why));
}

static int
head(struct request *r, uint64_t *size, unsigned char root[LEDGER_HASH_BYTES])
{
	struct err e;

	if (ledger_head(r->db, size, root, &e) != 0) {
		reply_err(r, &e);
		return -1;
	}
	return 0;
}

static json_t *
hex_json(const unsigned char h[LEDGER_HASH_BYTES])
{
	char hex[2 * LEDGER_HASH_BYTES + 1];

	ledger_hex(h, hex);
	return json_string(hex);
}

static json_t *
proof_json(const struct ledger_proof *p)
{
	json_t *a = json_array();

	for (int i = 0; i < p->n; i++)
		json_array_append_new(a, hex_json(p->hash[i]));
	return a;
}

/* The checkpoint as text: size < 0 the latest. */
static int
checkpoint_reply(struct request *r, int64_t size, int api)
{
	struct err e;

	buf_reset(&r->out);
	if (ledger_checkpoint_text(r->db, size, &r->out, NULL, &e) != 0) {
		buf_reset(&r->out);
		if (e.kind != ERR_NOTFOUND)
			return reply_err(r, &e);
		if (!api)
			return reply_error(r, 404, _("The log has not signed a checkpoint yet."));
		return reply_problem(r, 404, NULL,
				     size < 0 ? "the log has not signed a checkpoint yet"
					      : "the log never signed a checkpoint of that size", NULL);
	}
	r->content_type = "text/plain; charset=utf-8";
	/* a newer checkpoint or a witness's cosignature may come at any moment */
	request_header(r, "Cache-Control", "no-cache");
	return HANDLER_DONE;
}

int
page_log_checkpoint(struct request *r)
{
	return checkpoint_reply(r, -1, 0);
}

int
api_log_checkpoint(struct request *r)
{
	uint64_t size = 0;
	const char *why;
	int rc = log_query_u64(r, "size", &size, &why);

	if (rc < 0)
		return bad_param(r, "size", why);
	return checkpoint_reply(r, rc == 1 ? (int64_t)size : -1, 1);
}

int
api_log_key(struct request *r)
{
	char vkey[LEDGER_KEY_TEXT_MAX];
	struct err e;

	if (ledger_current_vkey(r->db, vkey, &e) != 0)
		return reply_err(r, &e);
	buf_reset(&r->out);
	buf_puts(&r->out, vkey[0] ? vkey : r->srv->log.vkey);	/* before the first checkpoint */
	buf_putc(&r->out, '\n');
	r->content_type = "text/plain; charset=utf-8";
	request_header(r, "Cache-Control", "no-cache");
	return HANDLER_DONE;
}

int
api_log_entries(struct request *r)
{
	unsigned char root[LEDGER_HASH_BYTES], salt[LEDGER_SALT_BYTES], leaf[LEDGER_HASH_BYTES];
	uint64_t start, end, size;
	json_t *list, *o;
	struct buf b;
	int has_salt;

	if (need_u64(r, "start", &start) != 0 || need_u64(r, "end", &end) != 0)
		return HANDLER_DONE;
	if (start > end)
		return bad_param(r, "start", "must not be larger than end");
	if (head(r, &size, root) != 0)
		return HANDLER_DONE;
	if (end - start > LOG_ENTRIES_MAX)
		end = start + LOG_ENTRIES_MAX;
	if (end > size)
		end = size;
	list = json_array();
	buf_init(&b);
	for (uint64_t i = start; i < end; i++) {
		struct ledger_entry en;
		struct err e;
		char *b64;
		size_t cap;

		buf_reset(&b);
		if (ledger_entry_get(r->db, i, &b, salt, &has_salt, leaf, &e) != 0) {
			buf_free(&b);
			json_decref(list);
			return reply_err(r, &e);
		}
		cap = sodium_base64_ENCODED_LEN(b.len, sodium_base64_VARIANT_ORIGINAL);
		if ((b64 = arena_alloc(r->arena, cap)) == NULL) {
			buf_free(&b);
			json_decref(list);
			return reply_problem(r, 503, NULL, "out of memory", NULL);
		}
		sodium_bin2base64(b64, cap, (const unsigned char *)(b.data ? b.data : ""), b.len,
				  sodium_base64_VARIANT_ORIGINAL);
		o = json_pack("{s:I, s:o, s:s}", "index", (json_int_t)i, "leaf_hash", hex_json(leaf), "entry", b64);
		/* the inputs, decoded, for a reader: null when the bytes do not decode (a bug) */
		json_object_set_new(o, "inputs",
				    ledger_entry_decode((const unsigned char *)b.data, b.len, &en, &e) == 0
					? ledger_entry_json(&en) : json_null());
		json_array_append_new(list, o);
	}
	buf_free(&b);
	request_header(r, "Cache-Control", "no-cache");
	return reply_json(r, 200, json_pack("{s:I, s:o}", "size", (json_int_t)size, "entries", list));
}

int
api_log_inclusion(struct request *r)
{
	unsigned char root[LEDGER_HASH_BYTES], salt[LEDGER_SALT_BYTES], leaf[LEDGER_HASH_BYTES];
	uint64_t index, size, current;
	struct ledger_proof *p;
	struct buf b;
	struct err e;
	int has_salt, rc;

	if (need_u64(r, "index", &index) != 0 || need_u64(r, "size", &size) != 0)
		return HANDLER_DONE;
	if (index >= size)
		return bad_param(r, "index", "must be smaller than size");
	if (head(r, &current, root) != 0)
		return HANDLER_DONE;
	if (size > current)
		return bad_param(r, "size", arena_printf(r->arena, "must be at most the log's size, %llu",
							 (unsigned long long)current));
	if ((p = arena_alloc(r->arena, sizeof(*p))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	buf_init(&b);
	rc = ledger_entry_get(r->db, index, &b, salt, &has_salt, leaf, &e);
	buf_free(&b);
	if (rc != 0 || ledger_inclusion(r->db, index, size, p, &e) != 0)
		return reply_err(r, &e);
	return reply_json(r, 200, json_pack("{s:I, s:I, s:o, s:o}", "index", (json_int_t)index, "size",
					    (json_int_t)size, "leaf_hash", hex_json(leaf), "proof", proof_json(p)));
}

int
api_log_consistency(struct request *r)
{
	unsigned char root[LEDGER_HASH_BYTES];
	uint64_t from, to, current;
	struct ledger_proof *p;
	struct err e;

	if (need_u64(r, "from", &from) != 0 || need_u64(r, "to", &to) != 0)
		return HANDLER_DONE;
	if (from > to)
		return bad_param(r, "from", "must not be larger than to");
	if (head(r, &current, root) != 0)
		return HANDLER_DONE;
	if (to > current)
		return bad_param(r, "to", arena_printf(r->arena, "must be at most the log's size, %llu",
						       (unsigned long long)current));
	if ((p = arena_alloc(r->arena, sizeof(*p))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	p->n = 0;	/* from the empty tree, or to the same tree: nothing to prove */
	if (from > 0 && from < to && ledger_consistency(r->db, from, to, p, &e) != 0)
		return reply_err(r, &e);
	return reply_json(r, 200, json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
					    "proof", proof_json(p)));
}

/* --- tiles -------------------------------------------------------------------------------- */

/* Digits only, at most max of them, no leading zero unless zero_ok: the value, or -1. */
static int64_t
small_number(const char *s, size_t n, size_t max, int zero_ok)
{
	int64_t v = 0;

	if (n == 0 || n > max || (s[0] == '0' && (n > 1 || !zero_ok)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parses "<L>/<N>[.p/<W>]" or "entries/<N>[.p/<W>]". Accepts only the path ledger_tile_path
 * writes for what it parsed (one spelling per tile: "x000/" padding or a ".p/256" is refused).
 * Returns 0 or -1 (not a tile path). */
static int
tile_parse(const char *rest, int *level, uint64_t *index, int *width)
{
	const char *p = rest, *slash = strchr(p, '/');
	char canon[LEDGER_TILE_PATH_MAX];
	int64_t v;

	if (slash == NULL)
		return -1;
	if ((size_t)(slash - p) == 7 && strncmp(p, "entries", 7) == 0)
		*level = -1;
	else if ((v = small_number(p, (size_t)(slash - p), 2, 1)) >= 0 && v < 64)
		*level = (int)v;
	else
		return -1;
	p = slash + 1;
	*index = 0;
	*width = LEDGER_TILE_WIDTH;
	for (;;) {	/* "x001/" groups, then the last three digits */
		int group = p[0] == 'x';
		const char *d = p + group;

		if (strspn(d, "0123456789") < 3 || *index > (UINT64_MAX - 999) / 1000)
			return -1;
		*index = *index * 1000 + (uint64_t)(d[0] - '0') * 100 + (uint64_t)(d[1] - '0') * 10 +
			 (uint64_t)(d[2] - '0');
		if (!group) {
			p = d + 3;
			break;
		}
		if (d[3] != '/')
			return -1;
		p = d + 4;
	}
	if (strncmp(p, ".p/", 3) == 0) {
		if ((v = small_number(p + 3, strlen(p + 3), 3, 0)) < 1 || v >= LEDGER_TILE_WIDTH)
			return -1;
		*width = (int)v;
	} else if (*p != '\0') {
		return -1;
	}
	ledger_tile_path(canon, *level, *index, *width);
	return strncmp(canon, "tile/", 5) == 0 && strcmp(canon + 5, rest) == 0 ? 0 : -1;
}

int
page_log_tile(struct request *r)
{
	static const char prefix[] = "/log/tile/";
	int level, width;
	uint64_t index;
	struct err e;

	if (strncmp(r->path, prefix, sizeof(prefix) - 1) != 0 ||
	    strlen(r->path) >= sizeof(prefix) + LEDGER_TILE_PATH_MAX ||
	    tile_parse(r->path + sizeof(prefix) - 1, &level, &index, &width) != 0)
		return reply_error(r, 404, _("There is nothing at this address."));
	buf_reset(&r->out);
	if (ledger_tile_get(r->db, level, index, width, &r->out, &e) != 0) {
		buf_reset(&r->out);
		if (e.kind == ERR_NOTFOUND)
			return reply_error(r, 404, _("The log has no such tile yet."));
		return reply_err(r, &e);
	}
	r->content_type = "application/octet-stream";
	/* a full tile never changes; a partial one neither, but the next checkpoint supersedes it */
	request_header(r, "Cache-Control", width == LEDGER_TILE_WIDTH ? "public, max-age=31536000, immutable"
								   : "public, max-age=3600");
	return HANDLER_DONE;
}

/* --- cosignatures ------------------------------------------------------------------------- */

struct cosig_post {
	int64_t checkpoint_id;
	uint64_t size;
	int n;
	const char *witness[LOG_WITNESSES_MAX], *line[LOG_WITNESSES_MAX];
	struct audit_entry audit;
};

/* The writer closure: every accepted line and the audit row, in one transaction. A witness that
 * already cosigned this checkpoint keeps its first line (posting again changes nothing). */
static int
cosig_store_fn(struct db *db, void *arg, struct err *e)
{
	struct cosig_post *c = arg;

	for (int i = 0; i < c->n; i++) {
		struct db_stmt *st = db_prepare(db, SQL_COSIG_ADD);
		if (st == NULL)
			return db_err(db, e, "cosignature");
		db_bind_int64(st, 1, c->checkpoint_id);
		db_bind_text(st, 2, c->witness[i]);
		db_bind_text(st, 3, c->line[i]);
		db_bind_int64(st, 4, clock_now());
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "cosignature");
	}
	return audit_append(db, &c->audit, e);
}

/* The stored checkpoint whose body is body (len bytes): its id, or 0 when the log never signed
 * it, or -1 on a database error. */
static int64_t
checkpoint_of_body(struct db *db, uint64_t size, const char *body, size_t len)
{
	struct db_stmt *st = db_prepare(db, SQL_CP_OF_SIZE);
	int64_t id = 0;
	enum db_rc rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, (int64_t)size);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *note = db_col_text(st, 1);
		/* a stored note is the body, a blank line, then its signatures */
		if (strlen(note) > len && memcmp(note, body, len) == 0 && note[len] == '\n') {
			id = db_col_int64(st, 0);
			break;
		}
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? id : -1;
}

int
api_log_cosignatures(struct request *r)
{
	struct ledger_verifier w[LOG_WITNESSES_MAX];
	struct cosig_post *c = r->state;
	const char *text = r->body_in.data, *ct, *end, *sigs = NULL, *line;
	struct ledger_checkpoint cp;
	size_t len = r->body_in.len, body;
	struct err e;
	json_t *names;
	int nw;

	if (r->write_queued) {
		if (r->write_rc != 0)
			return reply_err(r, &r->write_err);
		log_info("msg=\"cosignatures stored\" size=%llu count=%d id=%s", (unsigned long long)c->size, c->n,
			 r->id);
		names = json_array();
		for (int i = 0; i < c->n; i++)
			json_array_append_new(names, json_string(c->witness[i]));
		return reply_json(r, 201, json_pack("{s:I, s:o}", "size", (json_int_t)c->size, "witnesses", names));
	}
	ct = request_get_header(r, "Content-Type");
	if (ct != NULL && strncasecmp(ct, "text/plain", 10) != 0)
		return reply_problem(r, 415, NULL, "send the cosigned checkpoint as text/plain", NULL);
	if (len == 0 || text == NULL)
		return reply_problem(r, 400, NULL, "the request needs a body: the cosigned checkpoint",
				     reply_field_error("body", "is required"));
	if (len > COSIG_BODY_MAX || memchr(text, '\0', len) != NULL)
		return reply_problem(r, 422, NULL, "the body is not a cosigned checkpoint",
				     reply_field_error("body", "is too long or not text"));
	end = text + len;
	for (const char *p = text; p + 1 < end; p++)	/* the body ends at the last blank line */
		if (p[0] == '\n' && p[1] == '\n')
			sigs = p + 2;
	if (sigs == NULL || sigs == end || end[-1] != '\n')
		return reply_problem(r, 422, NULL, "the body is not a signed note: a checkpoint, a blank line, "
				     "signature lines", reply_field_error("body", "has no signature lines"));
	body = (size_t)(sigs - 1 - text);
	if (ledger_checkpoint_parse(text, body, &cp, &e) != 0)
		return reply_problem(r, 422, NULL, arena_printf(r->arena, "the body is not a checkpoint: %s", e.msg),
				     reply_field_error("body", e.msg));
	if ((c = r->state = arena_alloc(r->arena, sizeof(*c))) == NULL)
		return reply_problem(r, 503, NULL, "out of memory", NULL);
	memset(c, 0, sizeof(*c));
	c->size = cp.size;
	if ((c->checkpoint_id = checkpoint_of_body(r->db, cp.size, text, body)) < 0)
		return reply_problem(r, 503, NULL, "the log cannot be read; try again", NULL);
	if (c->checkpoint_id == 0)
		return reply_problem(r, 404, NULL, "the log never signed this checkpoint", NULL);
	nw = log_witnesses(r, w);
	for (line = sigs; line < end && c->n < LOG_WITNESSES_MAX; ) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t l = (size_t)(nl - line);
		uint64_t t;

		for (int i = 0; i < nw; i++) {
			int dup = 0;
			if (cosig_check_line(&w[i], text, body, line, l, &t, &e) != 1)
				continue;
			for (int j = 0; j < c->n; j++)
				dup |= strcmp(c->witness[j], w[i].name) == 0;
			if (!dup) {
				c->witness[c->n] = arena_strdup(r->arena, w[i].name);
				c->line[c->n++] = arena_strndup(r->arena, line, l);
			}
		}
		line = nl + 1;
	}
	if (c->n == 0)
		return reply_problem(r, 422, NULL, "no line is a valid cosignature by a witness this log accepts "
				     "(--log-witnesses)", reply_field_error("body", "has no valid cosignature"));
	c->audit = (struct audit_entry){ 0, r->account_id, r->client, "log_cosignature",
					 arena_printf(r->arena, "checkpoint/%lld", (long long)c->checkpoint_id),
					 arena_printf(r->arena, "size %llu, %d witness(es): %s%s", (unsigned long long)c->size,
						      c->n, c->witness[0], c->n > 1 ? ", ..." : "") };
	return request_write(r, cosig_store_fn, c);
}
