/* cmd_demo.c: `agora demo`: the working group's real rounds and one open demo round. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../domain/account.h"
#include "../domain/consultation.h"
#include "../domain/meeting.h"
#include "../domain/proposal.h"
#include "../util/timefmt.h"
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

int
cli_demo_load(struct cli_store *s)
{
	int total = 0, added = 0, tty = isatty(2);
	int64_t now = clock_now();
	const struct embedded *meetings = NULL, *proposals = NULL;

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
		if (strcmp(f->path, "proposals.json") == 0) {	/* not a round: loaded after the meetings */
			proposals = f;
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
	       total - added - (meetings != NULL) - (proposals != NULL));
	if (meetings != NULL && demo_meetings(s, meetings) != 0)
		return 1;
	return proposals != NULL ? demo_proposals(s, proposals) : 0;
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
