/* cmd_consultation.c: `agora consultation create|list|show|open|close|extend`. */
#include <string.h>

#include "../domain/consultation.h"
#include "../util/timefmt.h"
#include "cli.h"

static int
create(struct cli_store *s, const char *file, int draft)
{
	json_error_t je;
	json_t *j = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	struct consultation_spec spec;
	struct err e;
	int rc;

	if (j == NULL) {
		fprintf(stderr, "agora consultation create: %s: %s (line %d, column %d)\n", file, je.text,
			je.line, je.column);
		return 1;
	}
	if (consultation_spec_parse(j, &spec, &e) != 0) {
		fprintf(stderr, "agora consultation create: %s: %s%s%s\n", file, e.field,
			e.field[0] ? ": " : "", e.msg);
		json_decref(j);
		return 1;
	}
	spec.publish = !draft;
	rc = writer_run(s->writer, consultation_create_fn, &spec, &e);
	if (rc != 0)
		fprintf(stderr, "agora consultation create: %s\n", e.msg);
	else
		printf("Created %s (%s)\n", spec.slug, draft ? "draft" : "scheduled for its opening time");
	json_decref(j);
	return rc != 0;
}

static int
list(struct cli_store *s)
{
	struct db *db;
	struct arena *a = arena_new();
	struct consultation_page pg;
	struct err e;
	int64_t t = 0, id = 0;
	char opens[TIME_RFC3339_LEN], closes[TIME_RFC3339_LEN];

	if (a == NULL || db_open(s->db_url, DB_READONLY, &db, &e) != 0) {
		arena_free(a);
		return 1;
	}
	printf("%-40s %-10s %-21s %-21s %s\n", "slug", "state", "opens_at", "closes_at", "title");
	do {
		if (consultation_list(db, a, NULL, t, id, 100, &pg, &e) != 0) {
			fprintf(stderr, "agora consultation list: %s\n", e.msg);
			break;
		}
		for (int i = 0; i < pg.n; i++) {
			const struct consultation *c = &pg.items[i];
			const char *title = mtext_pick(&c->title, LANG_EN, NULL);
			time_format_rfc3339(c->opens_at, opens);
			time_format_rfc3339(c->closes_at, closes);
			printf("%-40s %-10s %-21s %-21s %s\n", c->slug, c->state, opens, closes, title ? title : "");
		}
		t = pg.next_opens_at;
		id = pg.next_id;
	} while (pg.more);
	db_close(db);
	arena_free(a);
	return 0;
}

static int
show(struct cli_store *s, const char *slug)
{
	struct db *db;
	struct arena *a = arena_new();
	struct consultation c;
	struct err e;
	json_t *j;
	int rc = 1;

	if (a == NULL || db_open(s->db_url, DB_READONLY, &db, &e) != 0) {
		arena_free(a);
		return 1;
	}
	if (consultation_get(db, a, slug, &c, &e) != 0) {
		fprintf(stderr, "agora consultation show: %s\n", e.msg);
	} else if ((j = consultation_to_json(&c, c.original, 1)) != NULL) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
		rc = 0;
	}
	db_close(db);
	arena_free(a);
	return rc;
}

static int
change(struct cli_store *s, write_fn fn, const char *verb, const char *slug, const char *when)
{
	struct consultation_change ch = { slug, 0, 0, NULL };	/* the command line: audited as "cli" */
	struct err e;

	if (when != NULL && time_parse_rfc3339(when, &ch.at) != 0) {
		fprintf(stderr, "agora consultation %s: '%s' is not an RFC 3339 time\n", verb, when);
		return EXIT_USAGE;
	}
	if (writer_run(s->writer, fn, &ch, &e) != 0) {
		fprintf(stderr, "agora consultation %s: %s\n", verb, e.msg);
		return 1;
	}
	cli_store_settle(s);
	return show(s, slug);
}

int
cmd_consultation(int argc, char **argv, struct config *c)
{
	static const char *const flags[] = { "--draft", NULL };
	static const char *const opts[] = { "--at", "--until", NULL };
	const char *vals[2] = { NULL, NULL }, *pos[2] = { NULL, NULL }, *verb;
	int draft = 0, rc = cli_parse(argc, argv, c, "consultation", flags, &draft, opts, vals, pos, 2);
	struct cli_store s;

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	verb = pos[0] ? pos[0] : "";
	if (strcmp(verb, "list") != 0 && pos[1] == NULL) {
		fprintf(stderr, "agora consultation: say create FILE, list, show SLUG, open SLUG, "
				"close SLUG or extend SLUG --until TIME\n");
		return EXIT_USAGE;
	}
	if (strcmp(verb, "extend") == 0 && vals[1] == NULL) {
		fprintf(stderr, "agora consultation extend: --until TIME is required\n");
		return EXIT_USAGE;
	}
	if (strcmp(verb, "create") && strcmp(verb, "list") && strcmp(verb, "show") &&
	    strcmp(verb, "open") && strcmp(verb, "close") && strcmp(verb, "extend")) {
		fprintf(stderr, "agora consultation: unknown action '%s'\n", verb);
		return EXIT_USAGE;
	}
	if (cli_store_open(c, &s) != 0)
		return 1;
	cli_store_settle(&s);
	if (strcmp(verb, "create") == 0)
		rc = create(&s, pos[1], draft);
	else if (strcmp(verb, "list") == 0)
		rc = list(&s);
	else if (strcmp(verb, "show") == 0)
		rc = show(&s, pos[1]);
	else if (strcmp(verb, "open") == 0)
		rc = change(&s, consultation_open_fn, verb, pos[1], vals[0]);
	else if (strcmp(verb, "close") == 0)
		rc = change(&s, consultation_close_fn, verb, pos[1], NULL);
	else
		rc = change(&s, consultation_extend_fn, verb, pos[1], vals[1]);
	cli_store_close(&s);
	return rc;
}
