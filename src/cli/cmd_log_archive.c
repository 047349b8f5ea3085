/* cmd_log_archive.c: `agora log verify --archive FILE.zip [--key VKEY]`: checks a round's export
 * archive (docs/EXPORTS.md) from its contents alone: the manifest, every entry's leaf hash and
 * inclusion proof, the checkpoint's signature, and that each published response is what its
 * entry commits to. Exit 0 when everything verifies, 1 when a check fails. */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/response.h"
#include "../ledger/entry.h"
#include "../ledger/merkle.h"
#include "../ledger/note.h"
#include "../util/buf.h"
#include "cli.h"

#define MAX_SMALL (1 << 20)	/* checkpoint, key and manifest: read whole, at most 1 MiB */
#define MAX_LINE (64 << 20)	/* one response or entry a line */
#define SHOW_MAX 20

struct file_hash {
	char *path;
	char hex[65];
	int in_manifest;
};

struct committed {	/* a public version's entry: what responses.json must match */
	char id[32];	/* public ids have 12 characters */
	uint32_t version;
	char sha[65];
	uint64_t index;
	int seen;
};

struct av {
	const char *path;
	struct file_hash *files;
	size_t nfiles, cap;
	struct buf manifest, checkpoint, vkey;
	struct ledger_checkpoint cp;
	char slug[LEDGER_STR_MAX];
	struct committed *pub;
	size_t npub, pubcap;
	long mismatches;
	int64_t entries, responses, recomputed, not_recomputable;
	uint64_t last_index;
};

static void
mismatch(struct av *v, const char *fmt, ...)
{
	va_list ap;

	if (++v->mismatches <= SHOW_MAX) {
		fputs("MISMATCH: ", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		fputc('\n', stdout);
	}
}

/* Calls fn(v, name, archive) for every file of the archive, in order. -1 when the archive
 * cannot be read (printed). */
static int
each_file(struct av *v, int (*fn)(struct av *, const char *, struct archive *))
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	int rc = 0, r;

	if (a == NULL)
		return -1;
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, v->path, 64 * 1024) != ARCHIVE_OK) {
		fprintf(stderr, "agora log verify: cannot read %s: %s\n", v->path, archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while (rc == 0 && (r = archive_read_next_header(a, &en)) == ARCHIVE_OK)
		if (archive_entry_filetype(en) == AE_IFREG)
			rc = fn(v, archive_entry_pathname(en), a);
	if (rc == 0 && r != ARCHIVE_EOF) {
		fprintf(stderr, "agora log verify: %s is not a readable ZIP archive: %s\n", v->path,
			archive_error_string(a));
		rc = -1;
	}
	archive_read_free(a);
	return rc;
}

/* ---- pass 1: every file's hash; the small files kept -------------------------------- */

static int
hash_file(struct av *v, const char *name, struct archive *a)
{
	crypto_hash_sha256_state st;
	unsigned char h[32], block[64 * 1024];
	struct buf *keep = strcmp(name, "MANIFEST.sha256") == 0 ? &v->manifest
			 : strcmp(name, "checkpoint") == 0 ? &v->checkpoint
			 : strcmp(name, "log.vkey") == 0 ? &v->vkey : NULL;
	la_ssize_t n;
	struct file_hash *f;

	crypto_hash_sha256_init(&st);
	while ((n = archive_read_data(a, block, sizeof(block))) > 0) {
		crypto_hash_sha256_update(&st, block, (unsigned long long)n);
		if (keep != NULL && keep->len + (size_t)n <= MAX_SMALL)
			buf_add(keep, block, (size_t)n);
	}
	if (n < 0) {
		fprintf(stderr, "agora log verify: cannot read %s in the archive: %s\n", name, archive_error_string(a));
		return -1;
	}
	crypto_hash_sha256_final(&st, h);
	if (v->nfiles == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *p = realloc(v->files, cap * sizeof(*v->files));
		if (p == NULL)
			return -1;
		v->files = p;
		v->cap = cap;
	}
	f = &v->files[v->nfiles++];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(name)) == NULL)
		return -1;
	sodium_bin2hex(f->hex, sizeof(f->hex), h, sizeof(h));
	/* an attachment is named by its own SHA-256 */
	if (strncmp(name, "attachments/", 12) == 0 && strncmp(name + 12, f->hex, 64) != 0)
		mismatch(v, "%s: its content does not have the SHA-256 its name gives (it is %s)", name, f->hex);
	return 0;
}

static struct file_hash *
file_find(struct av *v, const char *path)
{
	for (size_t i = 0; i < v->nfiles; i++)
		if (strcmp(v->files[i].path, path) == 0)
			return &v->files[i];
	return NULL;
}

static void
check_manifest(struct av *v)
{
	char *line, *save = NULL;

	buf_putc(&v->manifest, '\0');
	if (v->manifest.data == NULL || v->manifest.data[0] == '\0') {
		mismatch(v, "MANIFEST.sha256 is missing or empty");
		return;
	}
	for (line = strtok_r(v->manifest.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct file_hash *f;
		if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ') {
			mismatch(v, "MANIFEST.sha256: a line is not \"<sha256>  <file>\": %.80s", line);
			continue;
		}
		if ((f = file_find(v, line + 66)) == NULL) {
			mismatch(v, "MANIFEST.sha256 names %s, which is not in the archive", line + 66);
			continue;
		}
		f->in_manifest = 1;
		if (strncmp(f->hex, line, 64) != 0)
			mismatch(v, "%s: its SHA-256 is not the one in MANIFEST.sha256 (the file was changed)", f->path);
	}
	for (size_t i = 0; i < v->nfiles; i++)
		if (!v->files[i].in_manifest && strcmp(v->files[i].path, "MANIFEST.sha256") != 0)
			mismatch(v, "%s is not in MANIFEST.sha256", v->files[i].path);
	v->manifest.len = 0;
}

static int
check_checkpoint(struct av *v, const char *key)
{
	struct ledger_verifier lv;
	struct err e;
	char text[LEDGER_KEY_TEXT_MAX + 1];

	if (key == NULL) {
		size_t n = v->vkey.len;
		while (n > 0 && (v->vkey.data[n - 1] == '\n' || v->vkey.data[n - 1] == '\r'))
			n--;
		snprintf(text, sizeof(text), "%.*s", (int)n, v->vkey.data ? v->vkey.data : "");
		fprintf(stderr, "agora log verify: warning: no --key given; the key is the archive's own "
			"(log.vkey), which proves nothing about who signed: pin the log's key with --key\n");
		key = text;
	}
	if (ledger_verifier_parse(key, &lv, &e) != 0) {
		fprintf(stderr, "agora log verify: the key is not a verifier key: %s\n", e.msg);
		return -2;
	}
	if (ledger_checkpoint_open(v->checkpoint.data ? v->checkpoint.data : "", v->checkpoint.len, &lv, NULL,
				   &v->cp, &e) != 0) {
		mismatch(v, "checkpoint: %s", e.msg);
		return -1;
	}
	return 0;
}

/* ---- lines of the two streamed files ------------------------------------------------- */

/* Calls fn(v, line) for each line of the current file. */
static int
each_line(struct av *v, struct archive *a, const char *name, int (*fn)(struct av *, char *))
{
	struct buf line;
	char block[64 * 1024];
	la_ssize_t n;
	int rc = 0;

	buf_init(&line);
	while (rc == 0 && (n = archive_read_data(a, block, sizeof(block))) > 0) {
		for (la_ssize_t i = 0; rc == 0 && i < n; i++) {
			if (block[i] != '\n') {
				buf_putc(&line, block[i]);
				if (line.len > MAX_LINE || line.failed) {
					mismatch(v, "%s: a line is too long", name);
					rc = -1;
				}
				continue;
			}
			buf_putc(&line, '\0');
			rc = fn(v, line.data);
			line.len = 0;
		}
	}
	if (rc == 0 && line.len > 0) {
		buf_putc(&line, '\0');
		rc = fn(v, line.data);
	}
	buf_free(&line);
	return rc;
}

static int
hex32(const json_t *j, unsigned char out[32])
{
	const char *s = json_string_value(j);

	return s != NULL && strlen(s) == 64 && ledger_unhex(s, out) == 0 ? 0 : -1;
}

/* ---- pass 2: entries ----------------------------------------------------------------- */

static int
entry_line(struct av *v, char *line)
{
	json_t *j = json_loads(line, 0, NULL);
	json_t *jp = j ? json_object_get(j, "inclusion_proof") : NULL;
	const char *b64 = j ? json_string_value(json_object_get(j, "entry")) : NULL;
	json_int_t index = j ? json_integer_value(json_object_get(j, "index")) : -1;
	unsigned char *bytes = NULL, leaf[32], want[32], salt[32], content[32], c[32];
	struct ledger_proof *proof = NULL;
	struct ledger_entry en;
	size_t blen = 0;
	struct err e;

	if (line[0] == '\0') {
		json_decref(j);
		return 0;
	}
	v->entries++;
	if (j == NULL || b64 == NULL || !json_is_array(jp) || index < 0 || hex32(json_object_get(j, "leaf_hash"), want) != 0) {
		mismatch(v, "entries: line %lld is not an entry (index, entry, leaf_hash, inclusion_proof)",
			 (long long)v->entries);
		goto out;
	}
	if ((bytes = malloc(strlen(b64))) == NULL ||
	    sodium_base642bin(bytes, strlen(b64), b64, strlen(b64), NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		mismatch(v, "entry %lld: its bytes are not base64", (long long)index);
		goto out;
	}
	if (v->entries > 1 && (uint64_t)index <= v->last_index)
		mismatch(v, "entry %lld: not after entry %llu (the entries must be in log order)", (long long)index,
			 (unsigned long long)v->last_index);
	v->last_index = (uint64_t)index;
	ledger_hash_leaf(bytes, blen, leaf);
	if (memcmp(leaf, want, 32) != 0)
		mismatch(v, "entry %lld: its bytes do not hash to its leaf hash", (long long)index);
	if (ledger_entry_decode(bytes, blen, &en, &e) != 0) {
		mismatch(v, "entry %lld: %s", (long long)index, e.msg);
		goto out;
	}
	if (en.kind == LEDGER_RESPONSE_VERSION || en.kind == LEDGER_MODERATION || en.kind == LEDGER_CONSULTATION) {
		if (v->slug[0] == '\0')
			snprintf(v->slug, sizeof(v->slug), "%s", en.a);
		if (strcmp(en.a, v->slug) != 0)
			mismatch(v, "entry %lld: it is about the round '%s', not '%s'", (long long)index, en.a, v->slug);
	} else {
		mismatch(v, "entry %lld: a %s entry has no place in a round's archive", (long long)index,
			 ledger_kind_name(en.kind));
	}
	if ((proof = calloc(1, sizeof(*proof))) == NULL)
		goto out;
	for (size_t i = 0; i < json_array_size(jp) && proof->n < LEDGER_PROOF_MAX; i++)
		if (hex32(json_array_get(jp, i), proof->hash[proof->n++]) != 0)
			proof->n = LEDGER_PROOF_MAX + 1;
	if (proof->n > LEDGER_PROOF_MAX || json_array_size(jp) > LEDGER_PROOF_MAX)
		mismatch(v, "entry %lld: its inclusion proof is not a list of hashes", (long long)index);
	else if (ledger_verify_inclusion(want, (uint64_t)index, v->cp.size, proof, v->cp.root, &e) != 0)
		mismatch(v, "entry %lld: its inclusion proof does not lead to the checkpoint's root (%s)",
			 (long long)index, e.msg);
	if (json_object_get(j, "salt") != NULL) {
		struct committed *p;
		if (en.kind != LEDGER_RESPONSE_VERSION || hex32(json_object_get(j, "salt"), salt) != 0 ||
		    hex32(json_object_get(j, "content_sha256"), content) != 0) {
			mismatch(v, "entry %lld: a salt where none belongs, or without its content_sha256", (long long)index);
			goto out;
		}
		ledger_commitment(salt, content, 32, c);
		if (memcmp(c, en.hash, 32) != 0)
			mismatch(v, "entry %lld (response %s version %u): SHA-256(salt || content_sha256) is not its commitment",
				 (long long)index, en.b, en.number);
		if (v->npub == v->pubcap) {
			size_t cap = v->pubcap ? v->pubcap * 2 : 1024;
			void *np = realloc(v->pub, cap * sizeof(*v->pub));
			if (np == NULL)
				goto out;
			v->pub = np;
			v->pubcap = cap;
		}
		p = &v->pub[v->npub++];
		memset(p, 0, sizeof(*p));
		snprintf(p->id, sizeof(p->id), "%.31s", en.b);
		p->version = en.number;
		p->index = (uint64_t)index;
		sodium_bin2hex(p->sha, sizeof(p->sha), content, 32);
	}
out:
	free(proof);
	free(bytes);
	json_decref(j);
	return 0;
}

static int
committed_cmp(const void *a, const void *b)
{
	const struct committed *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : x->version < y->version ? -1 : x->version > y->version;
}

/* ---- pass 3: responses --------------------------------------------------------------- */

/* The content hash as the store computes it (response_store.c, content_hash): the version's
 * canonical JSON, keys sorted, no spaces. Only possible when the respondent's name and job
 * title are public (publish_as "name"): they are part of it. */
static int
content_hash(json_t *r, char hex[65])
{
	json_t *resp = json_object_get(r, "respondent"), *o = json_object(), *ans = json_array(), *att = json_array();
	size_t i;
	json_t *x;

	json_object_set(o, "response", json_object_get(r, "id"));
	json_object_set(o, "consultation", json_object_get(r, "consultation"));
	json_object_set(o, "version", json_object_get(r, "version"));
	json_object_set_new(o, "respondent", json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?}", "name",
		json_object_get(resp, "name"), "organization", json_object_get(resp, "organization"), "job_title",
		json_object_get(resp, "job_title"), "country", json_object_get(resp, "country"), "stakeholder_type",
		json_object_get(resp, "stakeholder_type")));
	json_object_set(o, "publish_as", json_object_get(resp, "publish_as"));
	json_object_set(o, "language", json_object_get(r, "language"));
	json_object_set(o, "summary", json_object_get(r, "summary"));
	json_array_foreach(json_object_get(r, "answers"), i, x)
		json_array_append_new(ans, json_pack("{s:O?, s:O?}", "question", json_object_get(x, "question"),
						     "text", json_object_get(x, "text")));
	json_array_foreach(json_object_get(r, "attachments"), i, x)
		json_array_append_new(att, json_pack("{s:O?, s:O?, s:O?, s:O?}", "sha256", json_object_get(x, "sha256"),
						     "filename", json_object_get(x, "filename"), "media_type",
						     json_object_get(x, "media_type"), "size_bytes",
						     json_object_get(x, "size_bytes")));
	json_object_set_new(o, "answers", ans);
	json_object_set_new(o, "attachments", att);
	return response_content_digest(o, hex);
}

static int
response_line(struct av *v, char *line)
{
	size_t n = strlen(line), i;
	struct committed key, *p;
	const char *id, *sha, *pub_as;
	json_t *j, *x;
	char hex[65];

	while (n > 0 && (line[n - 1] == ',' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0 || strcmp(line, "[") == 0 || strcmp(line, "]") == 0)
		return 0;
	v->responses++;
	j = json_loads(line, 0, NULL);
	id = json_string_value(json_object_get(j, "id"));
	sha = json_string_value(json_object_get(j, "sha256"));
	if (j == NULL || id == NULL || sha == NULL || !json_is_integer(json_object_get(j, "version"))) {
		mismatch(v, "responses.json: response %lld is not a response (id, version, sha256)", (long long)v->responses);
		json_decref(j);
		return 0;
	}
	memset(&key, 0, sizeof(key));
	snprintf(key.id, sizeof(key.id), "%s", id);
	key.version = (uint32_t)json_integer_value(json_object_get(j, "version"));
	p = bsearch(&key, v->pub, v->npub, sizeof(*v->pub), committed_cmp);
	if (!json_is_string(json_object_get(j, "consultation")) ||
	    strcmp(json_string_value(json_object_get(j, "consultation")), v->slug) != 0)
		mismatch(v, "response %s: it is not a response to the round '%s'", id, v->slug);
	if (p == NULL) {
		mismatch(v, "response %s (version %u): no entry with its salt in entries/ commits to it", id, key.version);
	} else {
		p->seen = 1;
		if (strcmp(p->sha, sha) != 0)
			mismatch(v, "response %s: its sha256 is not the content hash its entry %llu commits to", id,
				 (unsigned long long)p->index);
	}
	/* its attachments are in the archive */
	json_array_foreach(json_object_get(j, "attachments"), i, x) {
		const char *as = json_string_value(json_object_get(x, "sha256"));
		int found = 0;
		for (size_t k = 0; as && strlen(as) == 64 && k < v->nfiles && !found; k++)
			found = strncmp(v->files[k].path, "attachments/", 12) == 0 && strncmp(v->files[k].path + 12, as, 64) == 0;
		if (!found)
			mismatch(v, "response %s: its attachment %s is not in the archive", id, as ? as : "?");
	}
	pub_as = json_string_value(json_object_get(json_object_get(j, "respondent"), "publish_as"));
	if (pub_as != NULL && strcmp(pub_as, "name") == 0) {
		if (content_hash(j, hex) != 0 || strcmp(hex, sha) != 0)
			mismatch(v, "response %s: its content in responses.json does not hash to its sha256", id);
		v->recomputed++;
	} else {
		v->not_recomputable++;
	}
	json_decref(j);
	return 0;
}

static int
stream_pass(struct av *v, const char *name, struct archive *a)
{
	if (strcmp(name, "entries/entries.jsonl") == 0 && v->pub == NULL && v->entries == 0)
		return each_line(v, a, name, entry_line);
	return 0;
}

static int
responses_pass(struct av *v, const char *name, struct archive *a)
{
	return strcmp(name, "responses.json") == 0 ? each_line(v, a, name, response_line) : 0;
}

int log_verify_archive(int argc, char **argv, struct config *c);
int
log_verify_archive(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--archive", "--key", NULL };
	const char *vals[2] = { NULL, NULL };
	int rc = cli_parse(argc, argv, c, "log", NULL, NULL, opts, vals, NULL, 0), ret = 1;
	struct av v;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (vals[0] == NULL) {
		fprintf(stderr, "agora log verify: --archive needs a file\n");
		return EXIT_USAGE;
	}
	memset(&v, 0, sizeof(v));
	v.path = vals[0];
	buf_init(&v.manifest);
	buf_init(&v.checkpoint);
	buf_init(&v.vkey);
	if (each_file(&v, hash_file) != 0)
		goto out;
	check_manifest(&v);
	if (file_find(&v, "responses.json") == NULL || file_find(&v, "entries/entries.jsonl") == NULL ||
	    file_find(&v, "checkpoint") == NULL) {
		mismatch(&v, "the archive lacks responses.json, entries/entries.jsonl or checkpoint");
		goto report;
	}
	if ((rc = check_checkpoint(&v, vals[1])) == -2)
		goto out;	/* exit 1: nothing could be checked */
	if (rc != 0)
		goto report;
	if (each_file(&v, stream_pass) != 0)
		goto out;
	qsort(v.pub, v.npub, sizeof(*v.pub), committed_cmp);
	if (each_file(&v, responses_pass) != 0)
		goto out;
	for (size_t i = 0; i < v.npub; i++)
		if (!v.pub[i].seen)
			mismatch(&v, "entry %llu: response %s version %u is public (its salt is given) but not in "
				 "responses.json", (unsigned long long)v.pub[i].index, v.pub[i].id, v.pub[i].version);
report:
	if (v.mismatches > SHOW_MAX)
		printf("... and %ld more mismatches\n", v.mismatches - SHOW_MAX);
	printf("%s: %lld responses (%lld checked against their content, %lld whose respondent's name is "
	       "not public: checked against their entries' commitments only), %lld log entries proven to the "
	       "checkpoint of %llu entries (%s)\n",
	       v.mismatches ? "FAILED" : "OK", (long long)v.responses, (long long)v.recomputed,
	       (long long)v.not_recomputable, (long long)v.entries, (unsigned long long)v.cp.size,
	       v.cp.origin[0] ? v.cp.origin : "unsigned");
	ret = v.mismatches ? 1 : 0;
out:
	for (size_t i = 0; i < v.nfiles; i++)
		free(v.files[i].path);
	free(v.files);
	free(v.pub);
	buf_free(&v.manifest);
	buf_free(&v.checkpoint);
	buf_free(&v.vkey);
	return ret;
}
