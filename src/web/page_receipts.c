/* page_receipts.c: /receipts, checking a receipt by hand (docs/LEDGER-WEB.md). The visitor
 * pastes a receipt's JSON or uploads its file; the page checks it from its own contents against
 * the log's key, step by step, then asks the log's tiles whether today's tree still contains the
 * tree the receipt's checkpoint names. It never looks the response up: a receipt the log did not
 * make fails whatever the database holds. No JavaScript; the form carries the CSRF token of
 * every public form. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ledger/log.h"
#include "../ledger/receipt.h"
#include "../util/str.h"
#include "csrf.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "server.h"
#include "upload.h"

#define RECEIPT_MAX_BYTES (256 * 1024)
#define SIG_PREFIX "\xe2\x80\x94 "	/* a signature line's em dash and space */

static const char SQL_KEYS[] = "SELECT vkey FROM log_keys ORDER BY id DESC";

enum step_state { STEP_NOT_RUN, STEP_PASSED, STEP_FAILED, STEP_SKIPPED };

struct step {
	const char *title;	/* what is checked */
	const char *explain;	/* what it means, in plain words */
	enum step_state state;
	const char *detail;	/* the checker's own words when it failed (technical, English) */
};

enum { S_ENTRY, S_DETAILS, S_CONTENT, S_SIGNATURE, S_INCLUSION, S_CONSISTENCY, S_COUNT };

/* The form, with an error on the receipt field when there is one. */
static void
form(struct request *r, const char *text, const char *error)
{
	struct buf *b = &r->out;

	if (error != NULL) {
		H(b, "<p class=\"error\" id=\"err-receipt\" role=\"alert\">");
		html_text(b, error);
		H(b, "</p>\n");
	}
	H(b, "<form class=\"respond\" method=\"post\" action=\"/receipts\" enctype=\"multipart/form-data\">\n");
	csrf_input(r);
	H(b, "<div class=\"field\">\n<label for=\"f-receipt\">");
	html_text(b, _("Receipt (JSON)"));
	H(b, "</label>\n<p class=\"hint\" id=\"hint-receipt\">");
	html_text(b, _("Paste the receipt you were given when you sent your response, or the JSON of "
		       "/api/v1/responses/{id}/receipt."));
	H(b, "</p>\n<textarea id=\"f-receipt\" name=\"receipt\" rows=\"10\" aria-describedby=\"hint-receipt");
	if (error != NULL)
		H(b, " err-receipt");
	H(b, "\">");
	html_text(b, text ? text : "");
	H(b, "</textarea>\n</div>\n<div class=\"field\">\n<label for=\"f-file\">");
	html_text(b, _("Or choose the receipt's file"));
	H(b, "</label>\n<input id=\"f-file\" name=\"file\" type=\"file\" accept=\"application/json,.json\"");
	if (error != NULL)
		H(b, " aria-describedby=\"err-receipt\"");
	H(b, ">\n</div>\n<p><button type=\"submit\">");
	html_text(b, _("Check the receipt"));
	H(b, "</button></p>\n</form>\n");
}

static void
intro(struct request *r)
{
	struct buf *b = &r->out;

	H(b, "<h1>");
	html_text(b, _("Check a receipt"));
	H(b, "</h1>\n<p class=\"lead\">");
	html_text(b, _("A receipt proves that a response was written in the public log, and that the log "
		       "has not removed or changed it since. This page checks one from its own contents and "
		       "this log's signing key; it does not look the response up."));
	H(b, "</p>\n");
}

static int
show_form(struct request *r, const char *text, const char *error, int status)
{
	buf_reset(&r->out);
	layout_begin(r, _("Check a receipt"));
	intro(r);
	form(r, text, error);
	H(&r->out, "<p><a href=\"/log\">");
	html_text(&r->out, _("About the public log"));
	H(&r->out, "</a></p>\n");
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	r->status = status;
	return HANDLER_DONE;
}

int
page_receipts(struct request *r)
{
	return show_form(r, NULL, NULL, 200);
}

/* The uploaded file's bytes (NULL when none was chosen, or it is too large: *too_large). */
static char *
uploaded(struct request *r, size_t *len, int *too_large)
{
	struct upload *u = r->upload;
	char *p;
	int fd;

	*too_large = 0;
	for (int i = 0; u != NULL && i < u->nfiles; i++) {
		struct upload_file *f = &u->file[i];
		ssize_t n;
		if (strcmp(f->field, "file") != 0 || f->w == NULL || f->size == 0)
			continue;
		if (f->size > RECEIPT_MAX_BYTES) {
			*too_large = 1;
			return NULL;
		}
		if ((p = arena_alloc(r->arena, (size_t)f->size + 1)) == NULL ||
		    (fd = open(blob_temp_path(f->w), O_RDONLY | O_CLOEXEC)) < 0)
			return NULL;
		n = read(fd, p, (size_t)f->size);
		close(fd);
		if (n != f->size)
			return NULL;
		p[n] = '\0';
		*len = (size_t)n;
		return p;
	}
	return NULL;
}

/* The key that signed the checkpoint: the log key (current or earlier, from log_keys) whose name
 * and key id a signature line carries; the server's own key when none does (the check then says
 * the signature is not the log's). */
static void
signing_key(struct request *r, const char *note, struct ledger_verifier *v)
{
	struct db_stmt *st = db_prepare(r->db, SQL_KEYS);
	const char *sigs = strstr(note, "\n\n");

	*v = r->srv->log.verifier;
	if (st == NULL || sigs == NULL) {
		if (st != NULL)
			db_done(st);
		return;
	}
	while (db_step(st) == DB_ROW) {
		struct ledger_verifier k;
		struct err e;
		if (ledger_verifier_parse(db_col_text(st, 0), &k, &e) != 0)
			continue;
		for (const char *l = sigs + 2; *l != '\0'; ) {
			const char *nl = strchr(l, '\n'), *name = l + strlen(SIG_PREFIX), *sp;
			unsigned char raw[80];
			size_t n = 0, len = nl ? (size_t)(nl - l) : strlen(l);
			if (len > strlen(SIG_PREFIX) && strncmp(l, SIG_PREFIX, strlen(SIG_PREFIX)) == 0 &&
			    (sp = memchr(name, ' ', len - strlen(SIG_PREFIX))) != NULL &&
			    (size_t)(sp - name) == strlen(k.name) && memcmp(name, k.name, strlen(k.name)) == 0 &&
			    sodium_base642bin(raw, sizeof(raw), sp + 1, (size_t)(l + len - sp - 1), NULL, &n, NULL,
					      sodium_base64_VARIANT_ORIGINAL) == 0 && n >= 4 &&
			    ((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3]) ==
				k.key_id) {
				*v = k;
				db_done(st);
				return;
			}
			l = nl ? nl + 1 : l + len;
		}
	}
	db_done(st);
}

static void
fail(struct step *s, const char *detail)
{
	s->state = STEP_FAILED;
	s->detail = detail;
}

/* The steps, in the order receipt.c takes them; the first failure stops the rest. Returns 0 when
 * every step that ran passed. */
static int
run_steps(struct request *r, const json_t *rc, struct step st[S_COUNT], struct ledger_verifier *key)
{
	const json_t *idx = json_object_get(rc, "leaf_index"), *proof = json_object_get(rc, "inclusion_proof");
	unsigned char leaf[LEDGER_HASH_BYTES], given[LEDGER_HASH_BYTES], salt[LEDGER_SALT_BYTES],
	    content[LEDGER_HASH_BYTES], commit[LEDGER_HASH_BYTES], root[LEDGER_HASH_BYTES];
	struct ledger_receipt out;
	struct ledger_checkpoint cp;
	struct ledger_entry en;
	struct ledger_proof *p = arena_alloc(r->arena, sizeof(*p));
	const char *note, *s;
	uint64_t index, current;
	struct buf b;
	struct err e;
	size_t i;
	json_t *h;
	int enc;

	if (p == NULL) {
		fail(&st[S_ENTRY], "out of memory");
		return -1;
	}
	/* 1. the entry's inputs give the leaf hash */
	if (!json_is_integer(idx) || json_integer_value(idx) < 0) {
		fail(&st[S_ENTRY], "the receipt has no \"leaf_index\": it was made before the public log, or is not a receipt");
		return -1;
	}
	index = (uint64_t)json_integer_value(idx);
	s = json_string_value(json_object_get(rc, "leaf_hash"));
	if (s == NULL || ledger_unhex(s, given) != 0) {
		fail(&st[S_ENTRY], "the receipt's \"leaf_hash\" is not 64 hex digits");
		return -1;
	}
	if (ledger_entry_from_json(json_object_get(rc, "entry"), &en, &e) != 0) {
		fail(&st[S_ENTRY], arena_strdup(r->arena, e.msg));
		return -1;
	}
	buf_init(&b);
	enc = ledger_entry_encode(&en, &b, &e);
	if (enc == 0)
		ledger_hash_leaf(b.data, b.len, leaf);
	buf_free(&b);
	if (enc != 0 || memcmp(leaf, given, LEDGER_HASH_BYTES) != 0) {
		fail(&st[S_ENTRY], "the entry's inputs do not hash to the receipt's leaf_hash");
		return -1;
	}
	st[S_ENTRY].state = STEP_PASSED;
	/* 2. what the receipt says in words is what its entry says */
	st[S_DETAILS].state = STEP_PASSED;
	if (en.kind == LEDGER_RESPONSE_VERSION) {
		const char *resp = json_string_value(json_object_get(rc, "response")),
			   *cons = json_string_value(json_object_get(rc, "consultation"));
		json_t *ver = json_object_get(rc, "version");
		if ((resp != NULL && !str_eq(resp, en.b)) || (cons != NULL && !str_eq(cons, en.a)) ||
		    (ver != NULL && (!json_is_integer(ver) || json_integer_value(ver) != (json_int_t)en.number))) {
			fail(&st[S_DETAILS], "the receipt's response, consultation or version differ from its entry's");
			return -1;
		}
	}
	/* 3. the salt and the content hash open the entry's commitment */
	if (json_object_get(rc, "salt") == NULL && json_object_get(rc, "content_sha256") == NULL) {
		st[S_CONTENT].state = STEP_SKIPPED;
	} else {
		const char *sa = json_string_value(json_object_get(rc, "salt")),
			   *co = json_string_value(json_object_get(rc, "content_sha256"));
		if (sa == NULL || co == NULL || ledger_unhex(sa, salt) != 0 || ledger_unhex(co, content) != 0) {
			fail(&st[S_CONTENT], "the receipt's \"salt\" or \"content_sha256\" is not 64 hex digits");
			return -1;
		}
		ledger_commitment(salt, content, sizeof(content), commit);
		if (en.kind != LEDGER_RESPONSE_VERSION || memcmp(commit, en.hash, LEDGER_HASH_BYTES) != 0) {
			fail(&st[S_CONTENT], "the salt and content SHA-256 do not give the entry's commitment");
			return -1;
		}
		st[S_CONTENT].state = STEP_PASSED;
	}
	/* 4. the checkpoint is signed by this log */
	if ((note = json_string_value(json_object_get(rc, "checkpoint"))) == NULL) {
		fail(&st[S_SIGNATURE], "the receipt has no \"checkpoint\"");
		return -1;
	}
	signing_key(r, note, key);
	if (ledger_checkpoint_open(note, strlen(note), key, NULL, &cp, &e) != 0) {
		fail(&st[S_SIGNATURE], arena_strdup(r->arena, e.msg));
		return -1;
	}
	st[S_SIGNATURE].state = STEP_PASSED;
	/* 5. the inclusion proof leads from the leaf to the checkpoint's root */
	if (!json_is_array(proof) || json_array_size(proof) > LEDGER_PROOF_MAX) {
		fail(&st[S_INCLUSION], "the receipt's \"inclusion_proof\" is not a list of hashes");
		return -1;
	}
	p->n = (int)json_array_size(proof);
	json_array_foreach(proof, i, h)
		if (json_string_value(h) == NULL || ledger_unhex(json_string_value(h), p->hash[i]) != 0) {
			fail(&st[S_INCLUSION], arena_printf(r->arena, "hash %zu of the inclusion proof is not 64 hex "
						 "digits", i + 1));
			return -1;
		}
	if (index >= cp.size || ledger_verify_inclusion(given, index, cp.size, p, cp.root, NULL) != 0) {
		fail(&st[S_INCLUSION], "the inclusion proof does not lead from the leaf to the checkpoint's root");
		return -1;
	}
	/* the library's verdict over the whole receipt, with the same key: it must agree */
	if (ledger_receipt_check(rc, key, &out, &e) != 0) {
		fail(&st[S_INCLUSION], arena_strdup(r->arena, e.msg));
		return -1;
	}
	st[S_INCLUSION].state = STEP_PASSED;
	/* 6. today's tree contains the checkpoint's tree (a consistency proof from the tiles) */
	if (ledger_head(r->db, &current, root, &e) != 0) {
		fail(&st[S_CONSISTENCY], "the log cannot be read now; try again");
		return -1;
	}
	if (cp.size > current) {
		fail(&st[S_CONSISTENCY], arena_printf(r->arena, "the receipt's tree has %llu entries, the log only %llu",
						       (unsigned long long)cp.size, (unsigned long long)current));
		return -1;
	}
	p->n = 0;
	if (cp.size < current && ledger_consistency(r->db, cp.size, current, p, &e) != 0) {
		fail(&st[S_CONSISTENCY], arena_strdup(r->arena, e.msg));
		return -1;
	}
	if (ledger_verify_consistency(cp.size, current, p, cp.root, root, &e) != 0) {
		fail(&st[S_CONSISTENCY], "the log's current tree does not contain the receipt's tree");
		return -1;
	}
	st[S_CONSISTENCY].state = STEP_PASSED;
	st[S_CONSISTENCY].detail = arena_printf(r->arena, "%llu -> %llu", (unsigned long long)cp.size,
						(unsigned long long)current);
	return 0;
}

static void
show_steps(struct request *r, const struct step st[S_COUNT], int ok, const char *key)
{
	struct buf *b = &r->out;

	H(b, "<h2>");
	html_text(b, _("Result"));
	H(b, "</h2>\n<p class=\"");
	buf_puts(b, ok ? "notice" : "error");
	H(b, "\" role=\"status\">");
	html_text(b, ok ? _("This receipt is genuine: the log holds this entry and has kept it unaltered.")
			: _("This receipt does not check out: see the step that failed below."));
	H(b, "</p>\n<ol class=\"questions\">\n");
	for (int i = 0; i < S_COUNT; i++) {
		static const char *const cls[] = { "state-scheduled", "state-open", "state-closed", "state-draft" };
		const char *label = st[i].state == STEP_PASSED ? _("passed")
				  : st[i].state == STEP_FAILED ? _("failed")
				  : st[i].state == STEP_SKIPPED ? _("not checked") : _("not run");
		H(b, "<li><p><strong>");
		html_text(b, st[i].title);
		H(b, "</strong> <span class=\"state ");
		buf_puts(b, cls[st[i].state]);
		H(b, "\" data-step=\"");
		html_attr(b, st[i].state == STEP_PASSED ? "passed" : st[i].state == STEP_FAILED ? "failed" : "other");
		H(b, "\">");
		html_text(b, label);
		H(b, "</span></p>\n<p>");
		html_text(b, st[i].explain);
		H(b, "</p>\n");
		if (i == S_SIGNATURE && key != NULL) {
			H(b, "<p>");
			html_text(b, _("Key:"));
			H(b, " <code>");
			html_text(b, key);
			H(b, "</code></p>\n");
		}
		if (st[i].detail != NULL) {
			H(b, "<p><code>");
			html_text(b, st[i].detail);
			H(b, "</code></p>\n");
		}
		H(b, "</li>\n");
	}
	H(b, "</ol>\n");
}

int
page_receipts_post(struct request *r)
{
	const char *text = upload_field(r, "receipt");
	struct step st[S_COUNT] = {
		{ _("The entry"), _("The entry's details (kind, time, consultation, response, version, "
				    "commitment) hash to the receipt's leaf hash."), STEP_NOT_RUN, NULL },
		{ _("The receipt's details"), _("The response, consultation and version the receipt names are "
						"the ones in its entry."), STEP_NOT_RUN, NULL },
		{ _("Your content"), _("The salt and the content's SHA-256 open the entry's commitment: the entry "
				       "is about exactly this content. Not checked when the receipt leaves them out "
				       "(a response that is not public)."), STEP_NOT_RUN, NULL },
		{ _("The log's signature"), _("The checkpoint is signed by this log's key, so the log vouches for "
					      "the tree it names."), STEP_NOT_RUN, NULL },
		{ _("Inclusion"), _("The inclusion proof leads from the entry to the root of the signed tree: "
				    "the entry is in it."), STEP_NOT_RUN, NULL },
		{ _("Still in the log"), _("A consistency proof, computed now from the log's tiles, shows that the "
					   "log's current tree contains the receipt's tree unchanged: nothing was "
					   "dropped or altered since."), STEP_NOT_RUN, NULL },
	};
	struct ledger_verifier key;
	char vkey[LEDGER_KEY_TEXT_MAX];
	json_error_t je;
	json_t *j, *rc;
	size_t len = 0;
	char *file;
	int too_large, ok;

	file = uploaded(r, &len, &too_large);
	if (too_large)
		return show_form(r, NULL, _("The file is too large to be a receipt."), 422);
	if (file != NULL)
		text = file;
	else if (text != NULL)
		len = strlen(text);
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return show_form(r, NULL, _("Paste a receipt or choose its file."), 422);
	if ((j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return show_form(r, file ? NULL : text,
				 arena_printf(r->arena, _("This is not a receipt: it is not valid JSON (line %d, "
							  "column %d)."), je.line, je.column), 422);
	r->json_body = j;	/* released with the request */
	/* the answer of a submission wraps the receipt: {"id", "receipt": {...}} */
	rc = json_is_object(json_object_get(j, "receipt")) ? json_object_get(j, "receipt") : j;
	if (!json_is_object(rc))
		return show_form(r, file ? NULL : text, _("This is not a receipt: a receipt is a JSON object."), 422);
	memset(&key, 0, sizeof(key));
	ok = run_steps(r, rc, st, &key) == 0;
	vkey[0] = '\0';
	if (key.name[0] != '\0')
		ledger_verifier_text(&key, vkey);
	buf_reset(&r->out);
	layout_begin(r, _("Check a receipt"));
	intro(r);
	show_steps(r, st, ok, vkey[0] ? vkey : NULL);
	H(&r->out, "<h2>");
	html_text(&r->out, _("Check another receipt"));
	H(&r->out, "</h2>\n");
	form(r, NULL, NULL);
	layout_end(r);
	request_header(r, "Cache-Control", "no-store");
	return HANDLER_DONE;
}
