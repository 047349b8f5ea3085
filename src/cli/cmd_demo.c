/* cmd_demo.c: `agora demo`: the working group's real rounds and one open demo round. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "../domain/account.h"
#include "../domain/consultation.h"
#include "../domain/meeting.h"
#include "../domain/registration_meeting.h"
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

int
cli_demo_load(struct cli_store *s)
{
	int total = 0, added = 0, tty = isatty(2);
	int64_t now = clock_now();
	const struct embedded *meetings = NULL, *consult = NULL;

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
		if (strcmp(f->path, "consultation_meetings.json") == 0) {	/* after the meetings */
			consult = f;
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
	       total - added - (meetings != NULL) - (consult != NULL));
	if (meetings != NULL && demo_meetings(s, meetings) != 0)
		return 1;
	return consult != NULL ? demo_consultation_meetings(s, consult) : 0;
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
