/* cmd_demo.c: `agora demo`: the working group's real rounds and one open demo round. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../domain/account.h"
#include "../domain/consultation.h"
#include "../domain/document.h"
#include "../domain/meeting.h"
#include "../extract/sniff.h"
#include "../store/blobs.h"
#include "../util/clock.h"
#include "cli.h"

struct embedded {
	const char *path, *data;
	size_t len;
};
extern const struct embedded demo_files[];

static const char SQL_EXISTS[] = "SELECT 1 FROM consultations WHERE slug = $1";

struct demo_item {
	struct consultation_spec spec;
	int existed;
};

/* Creates the round unless a round with its slug exists (so demo can run twice). */
static int
demo_create_fn(struct db *db, void *arg, struct err *e)
{
	struct demo_item *d = arg;
	struct db_stmt *st = db_prepare(db, SQL_EXISTS);

	if (st == NULL)
		return db_err(db, e, "demo");
	db_bind_text(st, 1, d->spec.slug);
	d->existed = db_step(st) == DB_ROW;
	db_done(st);
	return d->existed ? 0 : consultation_create_fn(db, &d->spec, e);
}

/* The meetings of demo/meetings.json with their outcomes, after the rounds they link to; a
 * meeting whose number exists is left as it is (so demo can run twice). 0 or 1. */
static int
demo_meetings(struct cli_store *s, const struct embedded *f)
{
	struct meeting_spec spec;
	json_error_t je;
	json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je), *list, *v;
	int added = 0, total = 0;
	struct err e;
	size_t i;

	if (j == NULL) {
		fprintf(stderr, "agora demo: %s: %s (line %d)\n", f->path, je.text, je.line);
		return 1;
	}
	list = json_object_get(j, "meetings");
	json_array_foreach(list, i, v) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "meetings[%zu]", i);
		if (meeting_spec_parse(v, &spec, prefix, &e) != 0 || writer_run(s->writer, meeting_create_fn, &spec, &e) != 0) {
			fprintf(stderr, "agora demo: %s: %s %s\n", f->path, e.field, e.msg);
			json_decref(j);
			return 1;
		}
		added += !spec.existed;
		total++;
	}
	json_decref(j);
	printf("Demo data: %d meeting(s) added, %d already present\n", added, total - added);
	return 0;
}

#define DEMO_DOC_REVISIONS 8

/* One demo document with its revisions, written in one transaction; nothing when its symbol
 * exists (so demo can run twice). */
struct demo_document {
	struct document_new x;
	struct document_file rev[DEMO_DOC_REVISIONS];
	int nrev;
};

static int
demo_document_fn(struct db *db, void *arg, struct err *e)
{
	struct demo_document *d = arg;

	if (document_create_fn(db, &d->x, e) != 0)
		return -1;
	if (d->x.existed)
		return 0;
	for (int i = 1; i < d->nrev; i++) {
		struct document_change c = { { 0, NULL, NULL, "cli" }, d->x.url, d->rev[i], 0, { 0 } };
		if (document_revise_fn(db, &c, e) != 0)
			return -1;
	}
	return 0;
}

/* Stores text as a blob; its hash into hex. */
static int
demo_blob(struct blobs *b, const char *text, char hex[BLOB_HEX_LEN], int64_t *size, struct err *e)
{
	struct blob_writer *w = NULL;

	if (blob_begin(b, &w, e) != 0)
		return -1;
	if (blob_write(w, text, strlen(text), e) != 0) {
		blob_abort(w);
		return -1;
	}
	return blob_finish(w, hex, size, e);
}

/* One entry of demo/documents.json into d (strings point into j; hashes into hexes). */
static int
demo_document_parse(json_t *j, struct blobs *b, struct demo_document *d, char (*hexes)[BLOB_HEX_LEN],
		    struct err *e)
{
	const char *author = json_string_value(json_object_get(j, "author"));
	const char *lang = json_string_value(json_object_get(j, "original_language"));
	json_t *revs = json_object_get(j, "revisions"), *v;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->x.who = (struct document_actor){ 0, NULL, NULL, "cli" };
	d->x.meeting = (int)json_integer_value(json_object_get(j, "meeting"));
	d->x.seq = (int)json_integer_value(json_object_get(j, "number"));
	d->x.kind = json_string_value(json_object_get(j, "kind"));
	d->x.author_state = author != NULL && strcmp(author, "secretariat") != 0 ? author : NULL;
	d->x.title = json_string_value(json_object_get(j, "title"));
	d->x.submitted = json_is_string(json_object_get(j, "status")) &&
			 strcmp(json_string_value(json_object_get(j, "status")), "submitted") == 0;
	d->x.is_public = json_is_true(json_object_get(j, "public"));
	d->x.exists_ok = 1;
	if (lang == NULL || lang_from_code(lang, &d->x.original) != 0 || d->x.seq < 1 || d->x.title == NULL ||
	    !json_is_array(revs) || json_array_size(revs) < 1 || json_array_size(revs) > DEMO_DOC_REVISIONS)
		return err_set(e, ERR_INVALID, "a document needs meeting, number, kind, title, "
				   "original_language and 1 to %d revisions", DEMO_DOC_REVISIONS);
	json_array_foreach(revs, i, v) {
		const char *text = json_string_value(json_object_get(v, "text"));
		struct document_file *f = &d->rev[i];
		if (text == NULL || demo_blob(b, text, hexes[i], &f->size, e) != 0)
			return text == NULL ? err_set(e, ERR_INVALID, "a revision needs its text") : -1;
		f->sha256 = hexes[i];
		f->filename = json_string_value(json_object_get(v, "filename"));
		f->media_type = sniff_media_type(SNIFF_TXT);
		if (f->filename == NULL)
			f->filename = "document.txt";
		d->nrev++;
	}
	d->x.file = d->rev[0];
	return 0;
}

/* The documents of demo/documents.json, after the meetings they belong to. Their files go into
 * the blob store of the data folder the store's URL names (sqlite:DIR/agora.db); with another
 * store the folder is not known here, so they are left out (said on stderr). 0 or 1. */
static int
demo_documents(struct cli_store *s, const struct embedded *f)
{
	struct demo_document d;
	char hexes[DEMO_DOC_REVISIONS][BLOB_HEX_LEN], dir[640];
	json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, NULL), *v;
	struct blobs *b = NULL;
	const char *url = s->db_url, *end;
	int added = 0, total = 0, rc = 1;
	struct err e;
	size_t i;

	end = strrchr(url, '/');
	if (strncmp(url, "sqlite:", 7) != 0 || end == NULL || strcmp(end, "/agora.db") != 0) {
		fprintf(stderr, "agora demo: the demo documents need the data folder's blob store: left out\n");
		json_decref(j);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%.*s/blobs", (int)(end - url - 7), url + 7);
	if (j == NULL || blobs_open(dir, &b, &e) != 0) {
		fprintf(stderr, "agora demo: %s: %s\n", f->path, j == NULL ? "not JSON" : e.msg);
		goto out;
	}
	json_array_foreach(json_object_get(j, "documents"), i, v) {
		if (demo_document_parse(v, b, &d, hexes, &e) != 0 || writer_run(s->writer, demo_document_fn, &d, &e) != 0) {
			fprintf(stderr, "agora demo: %s: documents[%zu]: %s %s\n", f->path, i, e.field, e.msg);
			goto out;
		}
		added += !d.x.existed;
		total++;
	}
	printf("Demo data: %d document(s) added, %d already present\n", added, total - added);
	rc = 0;
out:
	blobs_close(b);
	json_decref(j);
	return rc;
}

int
cli_demo_load(struct cli_store *s)
{
	int total = 0, added = 0, tty = isatty(2);
	int64_t now = clock_now();
	const struct embedded *meetings = NULL, *documents = NULL;

	for (const struct embedded *f = demo_files; f->path; f++)
		total++;
	for (int i = 0; i < total; i++) {
		const struct embedded *f = &demo_files[i];
		json_error_t je;
		json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je), *rel;
		struct demo_item d;
		struct err e;

		if (strcmp(f->path, "meetings.json") == 0) {	/* not a round: loaded after them */
			meetings = f;
			json_decref(j);
			continue;
		}
		if (strcmp(f->path, "documents.json") == 0) {	/* not a round: after the meetings */
			documents = f;
			json_decref(j);
			continue;
		}
		if (j == NULL) {
			fprintf(stderr, "\nagora demo: %s: %s (line %d)\n", f->path, je.text, je.line);
			return 1;
		}
		if (consultation_spec_parse(j, &d.spec, &e) != 0) {
			fprintf(stderr, "\nagora demo: %s: %s %s\n", f->path, e.field, e.msg);
			json_decref(j);
			return 1;
		}
		rel = json_object_get(j, "demo_relative_days");
		if (json_is_array(rel) && json_array_size(rel) == 2) {
			d.spec.opens_at = now + json_integer_value(json_array_get(rel, 0)) * 86400;
			d.spec.closes_at = now + json_integer_value(json_array_get(rel, 1)) * 86400;
		}
		d.spec.publish = 1;
		d.existed = 0;
		if (writer_run(s->writer, demo_create_fn, &d, &e) != 0) {
			fprintf(stderr, "\nagora demo: %s: %s\n", f->path, e.msg);
			json_decref(j);
			return 1;
		}
		added += !d.existed;
		json_decref(j);
		if (tty)
			fprintf(stderr, "\rLoading the demo data: %d/%d consultations", i + 1, total);
	}
	if (tty)
		fprintf(stderr, "\n");
	cli_store_settle(s);
	printf("Demo data: %d consultation(s) added, %d already present\n", added,
	       total - added - (meetings != NULL) - (documents != NULL));
	if (meetings != NULL && demo_meetings(s, meetings) != 0)
		return 1;
	return documents != NULL ? demo_documents(s, documents) : 0;
}

/* The demo's people: fictional names, addresses of the demo domain. Their states (IN, KE) leave
 * CH free for the authorization matrix's own focal point (tests/blackbox/visitors.sh). */
static const struct demo_account {
	const char *email, *name, *role, *state;
} demo_accounts[] = {
	{ "chair@agora.example", "Demo Chair", "chair", NULL },
	{ "focal.in@agora.example", "Demo Focal Point (India)", "focal_point", "IN" },
	{ "delegate.in@agora.example", "Demo Delegate (India)", "delegate", "IN" },
	{ "focal.ke@agora.example", "Demo Focal Point (Kenya)", "focal_point", "KE" },
	{ "delegate.ke@agora.example", "Demo Delegate (Kenya)", "delegate", "KE" },
	{ "stakeholder@agora.example", "Demo Stakeholder", "stakeholder", NULL },
};

int
cli_demo_accounts(struct cli_store *s, FILE *out)
{
	for (size_t i = 0; i < sizeof(demo_accounts) / sizeof(demo_accounts[0]); i++) {
		const struct demo_account *d = &demo_accounts[i];
		struct account_new a = { d->email, d->name, d->role, NULL, NULL, d->state, 0, 0 };
		struct err e;
		char password[21];

		account_random_password(password, 20);
		a.password = password;
		if (writer_run(s->writer, account_create_fn, &a, &e) != 0) {
			fprintf(stderr, "agora demo: %s: %s\n", d->email, e.msg);
			sodium_memzero(password, sizeof(password));
			return 1;
		}
		fprintf(out, "%s %s %s %s\n", d->email, password, d->role, d->state ? d->state : "-");
		sodium_memzero(password, sizeof(password));
	}
	return 0;
}

int
cmd_demo(int argc, char **argv, struct config *c)
{
	static const char *const opts[] = { "--responses", NULL };
	const char *responses = NULL;
	struct cli_store s;
	long n = 0;
	char *end;
	int rc = cli_parse(argc, argv, c, "demo", NULL, NULL, opts, &responses, NULL, 0);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (responses != NULL) {
		errno = 0;
		n = strtol(responses, &end, 10);
		if (errno != 0 || end == responses || *end != '\0' || n < 0 || n > DEMO_MAX_RESPONSES) {
			fprintf(stderr, "agora demo: --responses must be a number from 0 to %d\n",
				DEMO_MAX_RESPONSES);
			return EXIT_USAGE;
		}
	}
	if (cli_store_open(c, &s) != 0)
		return 1;
	rc = cli_demo_load(&s);
	if (rc == 0 && responses != NULL)
		rc = cli_demo_responses(&s, n);
	cli_store_close(&s);
	return rc;
}
