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
#include "../domain/outcome.h"
#include "../domain/proposal.h"
#include "../domain/registration_meeting.h"
#include "../util/timefmt.h"
#include "../extract/sniff.h"
#include "../store/blobs.h"
#include "../util/clock.h"
#include "../domain/report.h"	/* issue 8: report */
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

/* One proposal of demo/proposals.json: its texts, positions and decision, in one write; skipped
 * when a proposal has its title already (so demo can run twice). */
#define DEMO_MAX_POSITIONS 8
struct demo_proposal {
	struct proposal_new n;
	int npos;
	struct proposal_position_new pos[DEMO_MAX_POSITIONS];
	struct proposal_decision d;	/* d.decision NULL: none */
	int existed;
};

static const char SQL_PROPOSAL_EXISTS[] =
    "SELECT 1 FROM texts WHERE thing = 'proposal' AND field = 'title' AND status = 'original' AND body = $1";
static const char SQL_FOCAL_OF[] = "SELECT id FROM accounts WHERE role = 'focal_point' AND state_code = $1";

static int
demo_proposal_fn(struct db *db, void *arg, struct err *e)
{
	struct demo_proposal *d = arg;
	struct db_stmt *st = db_prepare(db, SQL_PROPOSAL_EXISTS);

	if (st == NULL)
		return db_err(db, e, "demo proposal");
	db_bind_text(st, 1, d->n.title);
	d->existed = db_step(st) == DB_ROW;
	db_done(st);
	if (d->existed)
		return 0;
	if (proposal_create_fn(db, &d->n, e) != 0)
		return -1;
	for (int i = 0; i < d->npos; i++) {
		/* recorded by the state's demo focal point when its account exists already */
		if ((st = db_prepare(db, SQL_FOCAL_OF)) == NULL)
			return db_err(db, e, "demo proposal");
		db_bind_text(st, 1, d->pos[i].state_code);
		d->pos[i].account_id = db_step(st) == DB_ROW ? db_col_int64(st, 0) : 0;
		db_done(st);
		d->pos[i].proposal_id = d->n.id;
		if (proposal_position_fn(db, &d->pos[i], e) != 0)
			return -1;
	}
	if (d->d.decision == NULL)
		return 0;
	d->d.proposal_id = d->n.id;
	return proposal_decision_fn(db, &d->d, e);
}

static int
demo_time(json_t *v, int64_t *t)
{
	return json_is_string(v) && time_parse_rfc3339(json_string_value(v), t) == 0 ? 0 : -1;
}

/* Fills d from item (strings point into it). 0, or -1 with a message in e. */
static int
demo_proposal_parse(json_t *item, int64_t now, struct demo_proposal *d, struct err *e)
{
	json_t *qs = json_object_get(item, "questions"), *pos = json_object_get(item, "positions");
	json_t *dec = json_object_get(item, "decision"), *v;
	const char *lc = json_string_value(json_object_get(item, "original_language"));
	size_t i;

	memset(d, 0, sizeof(*d));
	if (lc == NULL || lang_from_code(lc, &d->n.lang) != 0)
		return err_set(e, ERR_INVALID, "original_language");
	d->n.title = json_string_value(json_object_get(json_object_get(item, "title"), lc));
	d->n.topic = json_string_value(json_object_get(json_object_get(item, "topic"), lc));
	if (!json_is_array(qs) || json_array_size(qs) > PROPOSAL_MAX_QUESTIONS)
		return err_set(e, ERR_INVALID, "questions");
	json_array_foreach(qs, i, v)
		d->n.question[d->n.nquestions++] = json_string_value(json_object_get(v, lc));
	d->n.meeting_number = (int)json_integer_value(json_object_get(item, "meeting"));
	d->n.created_at = now - 5 * 86400;
	if (json_object_get(item, "created_at") != NULL && demo_time(json_object_get(item, "created_at"), &d->n.created_at) != 0)
		return err_set(e, ERR_INVALID, "created_at");
	if (json_is_integer(json_object_get(item, "silence_days")))
		d->n.silence_deadline = now + json_integer_value(json_object_get(item, "silence_days")) * 86400;
	if (json_array_size(pos) > DEMO_MAX_POSITIONS)
		return err_set(e, ERR_INVALID, "positions");
	json_array_foreach(pos, i, v) {
		struct proposal_position_new *p = &d->pos[d->npos++];
		p->state_code = json_string_value(json_object_get(v, "state"));
		p->position = json_string_value(json_object_get(v, "position"));
		p->statement = json_string_value(json_object_get(v, "statement"));
		p->at = now - json_integer_value(json_object_get(v, "days_ago")) * 86400;
		p->address = "demo";
		if (p->state_code == NULL || p->position == NULL)
			return err_set(e, ERR_INVALID, "positions[%zu]", i);
	}
	if (dec != NULL) {
		d->d.decision = json_string_value(json_object_get(dec, "decision"));
		d->d.meeting_number = (int)json_integer_value(json_object_get(dec, "meeting"));
		d->d.note = json_string_value(json_object_get(dec, "note"));
		d->d.address = "demo";
		if (d->d.decision == NULL || demo_time(json_object_get(dec, "at"), &d->d.at) != 0)
			return err_set(e, ERR_INVALID, "decision");
	}
	d->n.address = "demo";
	return 0;
}

/* The proposals of demo/proposals.json, after the meetings they name. 0 or 1. */
static int
demo_proposals(struct cli_store *s, const struct embedded *f)
{
	struct demo_proposal d;
	json_error_t je;
	json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je), *v;
	int64_t now = clock_now();
	int added = 0, total = 0;
	struct err e;
	size_t i;

	if (j == NULL) {
		fprintf(stderr, "agora demo: %s: %s (line %d)\n", f->path, je.text, je.line);
		return 1;
	}
	json_array_foreach(json_object_get(j, "proposals"), i, v) {
		if (demo_proposal_parse(v, now, &d, &e) != 0 || writer_run(s->writer, demo_proposal_fn, &d, &e) != 0) {
			fprintf(stderr, "agora demo: %s: proposals[%zu]: %s %s\n", f->path, i, e.field, e.msg);
			json_decref(j);
			return 1;
		}
		added += !d.existed;
		total++;
	}
	json_decref(j);
	printf("Demo data: %d proposal(s) added, %d already present\n", added, total - added);
	return 0;
}

#define DEMO_DOC_REVISIONS 8

#define DEMO_DOC_OUTCOMES 4

/* One demo document with its revisions and the outcomes it concerns ("outcomes": ["16(b)"]),
 * written in one transaction; nothing when its symbol exists and its links are there already
 * (so demo can run twice). */
struct demo_document {
	struct document_new x;
	struct document_file rev[DEMO_DOC_REVISIONS];
	int nrev;
	struct outcome_document_link link[DEMO_DOC_OUTCOMES];
	int nlinks;
};

static int
demo_document_fn(struct db *db, void *arg, struct err *e)
{
	struct demo_document *d = arg;

	if (document_create_fn(db, &d->x, e) != 0)
		return -1;
	for (int i = 1; i < d->nrev && !d->x.existed; i++) {
		struct document_change c = { { 0, NULL, NULL, "cli" }, d->x.url, d->rev[i], 0, { 0 } };
		if (document_revise_fn(db, &c, e) != 0)
			return -1;
	}
	for (int i = 0; i < d->nlinks; i++) {
		d->link[i].document = d->x.url;
		if (outcome_document_link_fn(db, &d->link[i], e) != 0)
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
	json_t *revs = json_object_get(j, "revisions"), *outs = json_object_get(j, "outcomes"), *v;
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
	if (outs != NULL && (!json_is_array(outs) || json_array_size(outs) > DEMO_DOC_OUTCOMES))
		return err_set(e, ERR_INVALID, "outcomes: at most %d references like \"16(b)\"", DEMO_DOC_OUTCOMES);
	json_array_foreach(outs, i, v) {	/* "16(b)" */
		const char *ref = json_string_value(v);
		struct outcome_document_link *k = &d->link[d->nlinks];
		char letter = 0, close = 0;
		if (ref == NULL || sscanf(ref, "%d(%c%c", &k->number, &letter, &close) != 3 || close != ')' ||
		    letter < 'a' || letter > 'z')
			return err_set(e, ERR_INVALID, "outcomes: a reference like \"16(b)\"");
		k->letter = letter;
		k->address = "cli";
		d->nlinks++;
	}
	return 0;
}

/* The documents of demo/documents.json, after the meetings they belong to. Their files go into
 * the store's blobs: the data folder's blob folder, and on PostgreSQL the database. 0 or 1. */
static int
demo_documents(struct cli_store *s, const struct embedded *f)
{
	struct demo_document d;
	char hexes[DEMO_DOC_REVISIONS][BLOB_HEX_LEN], dir[640];
	json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, NULL), *v;
	struct blobs *b = NULL;
	int added = 0, total = 0, rc = 1;
	struct err e;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/blobs", s->data);
	if (j == NULL || blobs_open(dir, s->db_url, &b, &e) != 0) {
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

/* An open consultation meeting of demo/consultation_meetings.json: its day comes from the
 * round's closing date as stored (read inside the write), so it lands about 30 days after the
 * demo round's close whenever the demo is loaded; registration opens with it. */
struct demo_consult {
	struct meeting_spec spec;
	const char *round;
	int days_after_close, closes_days_before, starts_min, ends_min;
	int capacity_in_person, capacity_remote;
};

static const char SQL_ROUND_CLOSES[] = "SELECT closes_at FROM consultations WHERE slug = $1";

static int
demo_consult_fn(struct db *db, void *arg, struct err *e)
{
	struct demo_consult *d = arg;
	struct db_stmt *st = db_prepare(db, SQL_ROUND_CLOSES);
	struct mreg_settings g;
	int64_t closes = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "demo");
	db_bind_text(st, 1, d->round);
	if ((rc = db_step(st)) == DB_ROW)
		closes = db_col_int64(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? err_set(e, ERR_NOTFOUND, "no round %s", d->round) : db_err(db, e, "demo");
	d->spec.starts_on = d->spec.ends_on = (closes / 86400 + d->days_after_close) * 86400;
	if (meeting_create_fn(db, &d->spec, e) != 0)
		return -1;
	if (d->spec.existed)
		return 0;
	g = (struct mreg_settings){ d->spec.number, d->capacity_in_person, d->capacity_remote,
				    d->spec.starts_on - d->closes_days_before * 86400LL, d->starts_min, d->ends_min, 0,
				    "cli" };
	return mreg_settings_fn(db, &g, e);
}

static int
hhmm_value(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	return atoi(s) * 60 + atoi(s + 3);
}

static int
demo_consultation_meetings(struct cli_store *s, const struct embedded *f)
{
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
		struct demo_consult *d = calloc(1, sizeof(*d));
		json_t *demo = json_object_get(v, "demo"), *reg = json_object_get(demo, "registration");
		char prefix[48];
		int rc;

		if (d == NULL)
			break;
		snprintf(prefix, sizeof(prefix), "meetings[%zu]", i);
		d->round = json_string_value(json_object_get(demo, "round"));
		d->days_after_close = (int)json_integer_value(json_object_get(demo, "days_after_close"));
		d->closes_days_before = (int)json_integer_value(json_object_get(reg, "closes_days_before"));
		d->capacity_in_person = (int)json_integer_value(json_object_get(reg, "capacity_in_person"));
		d->capacity_remote = (int)json_integer_value(json_object_get(reg, "capacity_remote"));
		d->starts_min = hhmm_value(reg, "starts_time");
		d->ends_min = hhmm_value(reg, "ends_time");
		rc = d->round == NULL ? err_set(&e, ERR_INVALID, "demo.round is required")
				      : meeting_spec_parse(v, &d->spec, prefix, &e);
		if (rc == 0)
			rc = writer_run(s->writer, demo_consult_fn, d, &e);
		if (rc != 0) {
			fprintf(stderr, "agora demo: %s: %s %s\n", f->path, e.field, e.msg);
			free(d);
			json_decref(j);
			return 1;
		}
		added += !d->spec.existed;
		total++;
		free(d);
	}
	json_decref(j);
	printf("Demo data: %d open consultation meeting(s) added, %d already present\n", added, total - added);
	return 0;
}

/* issue 8: report */
/* The Chair's report's texts of demo/report.json, per language; a language that has texts
 * already is left as it is (so demo can run twice, and edits survive). 0 or 1. */
static int
demo_report(struct cli_store *s, const struct embedded *f)
{
	json_error_t je;
	json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je), *texts, *v;
	const char *code;
	int added = 0;
	struct err e;

	if (j == NULL) {
		fprintf(stderr, "agora demo: %s: %s (line %d)\n", f->path, je.text, je.line);
		return 1;
	}
	texts = json_object_get(j, "texts");
	json_object_foreach(texts, code, v) {
		struct report_texts_save r = { .only_if_empty = 1 };

		if (lang_from_code(code, &r.lang) != 0) {
			fprintf(stderr, "agora demo: %s: texts.%s: not a language\n", f->path, code);
			json_decref(j);
			return 1;
		}
		for (int k = 0; k < REPORT_FIELDS; k++)
			r.text[k] = json_string_value(json_object_get(v, report_field_name((enum report_field)k)));
		if (writer_run(s->writer, report_texts_save_fn, &r, &e) != 0) {
			fprintf(stderr, "agora demo: %s: texts.%s: %s %s\n", f->path, code, e.field, e.msg);
			json_decref(j);
			return 1;
		}
		added += r.written > 0;
	}
	json_decref(j);
	printf("Demo data: the Chair's report's texts in %d language(s)\n", added);
	return 0;
}
/* end report */

int
cli_demo_is_round(const char *path)
{
	static const char *const others[] = { "meetings.json", "consultation_meetings.json", "proposals.json",
					      "documents.json", "report.json" /* issue 8: report */, NULL };

	for (int i = 0; others[i]; i++)
		if (strcmp(path, others[i]) == 0)
			return 0;
	return 1;
}

int
cli_demo_load(struct cli_store *s)
{
	int total = 0, added = 0, tty = isatty(2);
	int64_t now = clock_now();
	const struct embedded *meetings = NULL, *consult = NULL, *proposals = NULL, *documents = NULL;
	const struct embedded *report = NULL;	/* issue 8: report */

	for (const struct embedded *f = demo_files; f->path; f++)
		total++;
	for (int i = 0; i < total; i++) {
		const struct embedded *f = &demo_files[i];
		json_error_t je;
		json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je), *rel;
		struct demo_item d;
		struct err e;

		if (!cli_demo_is_round(f->path)) {	/* loaded after the rounds, in this order */
			if (strcmp(f->path, "report.json") == 0)	/* issue 8: report */
				report = f;
			else if (strcmp(f->path, "meetings.json") == 0)
				meetings = f;
			else if (strcmp(f->path, "consultation_meetings.json") == 0)
				consult = f;
			else if (strcmp(f->path, "proposals.json") == 0)
				proposals = f;
			else
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
	       total - added - (meetings != NULL) - (consult != NULL) - (proposals != NULL) - (documents != NULL) -
	       (report != NULL));
	if (meetings != NULL && demo_meetings(s, meetings) != 0)
		return 1;
	if (consult != NULL && demo_consultation_meetings(s, consult) != 0)
		return 1;
	if (proposals != NULL && demo_proposals(s, proposals) != 0)
		return 1;
	if (documents != NULL && demo_documents(s, documents) != 0)
		return 1;
	return report != NULL ? demo_report(s, report) : 0;	/* issue 8: report */
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
