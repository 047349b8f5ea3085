/* cmd_campaigns.c: `agora campaigns`: lists the campaigns (near-identical responses) of a round
 * or of all rounds; --rebuild recomputes them from scratch first, with progress on a terminal.
 * docs/CAMPAIGNS.md. */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cluster/campaign.h"
#include "../store/db.h"
#include "cli.h"

#define FIRST_WORDS 12		/* of the representative's summary */
#define FIRST_BYTES 100

struct progress {
	int tty;
	int64_t last_tenth;
};

static void
show(const char *phase, int64_t done, int64_t total, void *ctx)
{
	struct progress *p = ctx;

	if (strcmp(phase, "reading") == 0 && total > 0) {
		int64_t tenth = done * 10 / total;
		if (p->tty)
			fprintf(stderr, "\rClustering: %lld/%lld responses (%d%%)   ", (long long)done,
				(long long)total, (int)(done * 100 / total));
		else if (tenth != p->last_tenth || done == total)
			fprintf(stderr, "Clustering: %lld/%lld responses (%d%%)\n", (long long)done,
				(long long)total, (int)(done * 100 / total));
		p->last_tenth = tenth;
	} else if (strcmp(phase, "writing") == 0) {
		fprintf(stderr, "%sWriting the campaigns...\n", p->tty && p->last_tenth >= 0 ? "\n" : "");
	}
}

/* Prints the first FIRST_WORDS words of s (at most about FIRST_BYTES bytes, cut between
 * UTF-8 characters), quoted, with "..." when cut. */
static void
print_first_words(const char *s)
{
	size_t i = 0, words = 0, end;
	int in_word = 0;

	while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')
		i++;
	s += i;
	for (i = 0; s[i] && i < FIRST_BYTES; i++) {
		int space = s[i] == ' ' || s[i] == '\n' || s[i] == '\t';
		if (space && in_word && ++words == FIRST_WORDS)
			break;
		in_word = !space;
	}
	end = i;
	while (end > 0 && s[end] != '\0' && ((unsigned char)s[end] & 0xC0) == 0x80)
		end--;	/* not inside a character */
	printf("\"");
	for (size_t k = 0; k < end; k++)
		putchar(s[k] == '\n' || s[k] == '\t' ? ' ' : s[k]);
	printf("%s\"", s[end] ? "..." : "");
}

static const char SQL_ROUND_ID[] = "SELECT id FROM consultations WHERE slug = $1";
static const char SQL_LIST[] =
    "SELECT c.id, co.slug, rp.public_id, COALESCE(n.number, 0), "
    "(SELECT COUNT(*) FROM campaign_members m WHERE m.campaign_id = c.id), "
    "(SELECT COUNT(DISTINCT v.country) FROM campaign_members m JOIN responses r ON r.id = m.response_id "
    "JOIN response_versions v ON v.response_id = r.id AND v.version = r.current_version "
    "WHERE m.campaign_id = c.id), rv.summary "
    "FROM campaigns c JOIN consultations co ON co.id = c.consultation_id "
    "JOIN responses rp ON rp.id = c.representative "
    "JOIN response_versions rv ON rv.response_id = rp.id AND rv.version = rp.current_version "
    "LEFT JOIN response_numbers n ON n.response_id = rp.id "
    "WHERE $1 = 0 OR c.consultation_id = $1 ORDER BY co.id, 5 DESC, c.id";
static const char SQL_MEMBERS[] =
    "SELECT r.public_id, COALESCE(n.number, 0), CAST(round(m.similarity * 100) AS INTEGER) "
    "FROM campaign_members m JOIN responses r ON r.id = m.response_id "
    "LEFT JOIN response_numbers n ON n.response_id = r.id WHERE m.campaign_id = $1 ORDER BY r.id";
static const char SQL_STATE[] =
    "SELECT (SELECT threshold FROM campaign_params WHERE id = 1), "
    "(SELECT COUNT(*) FROM campaign_queue WHERE id > COALESCE((SELECT position FROM campaign_params "
    "WHERE id = 1), 0))";

/* Prints the campaigns of round (0: all). Returns 0 or 1. */
static int
list(struct db *db, int64_t round, const char *slug, int threshold)
{
	struct db_stmt *st = db_prepare(db, SQL_STATE), *m;
	char last[200] = "";
	int64_t built = 0, pending = 0, n = 0;
	int rc;

	if (st != NULL && db_step(st) == DB_ROW) {
		built = db_col_is_null(st, 0) ? -1 : db_col_int64(st, 0);
		pending = db_col_int64(st, 1);
	}
	if (st != NULL)
		db_done(st);
	if (built < 0)
		fprintf(stderr, "Campaigns have not been computed yet: 'agora campaigns --rebuild' computes them "
				"(a running server does it at its start).\n");
	else if (built != threshold)
		fprintf(stderr, "Campaigns were computed with a threshold of %lld%%, the setting is %d%%: "
				"'agora campaigns --rebuild' applies it.\n", (long long)built, threshold);
	if (pending > 0)
		fprintf(stderr, "%lld changes are not clustered yet (a running server clusters them).\n",
			(long long)pending);
	if ((st = db_prepare(db, SQL_LIST)) == NULL) {
		fprintf(stderr, "agora campaigns: %s\n", db_errmsg(db));
		return 1;
	}
	db_bind_int64(st, 1, round);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *s = db_col_text(st, 1);
		if (strcmp(s, last) != 0) {
			printf("%s%s\n", n > 0 ? "\n" : "", s);
			snprintf(last, sizeof(last), "%s", s);
		}
		printf("  %lld near-identical responses from %lld %s\n", (long long)db_col_int64(st, 4),
		       (long long)db_col_int64(st, 5), db_col_int64(st, 5) == 1 ? "country" : "countries");
		printf("    representative: R-%lld (%s) ", (long long)db_col_int64(st, 3), db_col_text(st, 2));
		print_first_words(db_col_text(st, 6));
		printf("\n    members:");
		if ((m = db_prepare(db, SQL_MEMBERS)) == NULL) {
			db_done(st);
			fprintf(stderr, "agora campaigns: %s\n", db_errmsg(db));
			return 1;
		}
		db_bind_int64(m, 1, db_col_int64(st, 0));
		while (db_step(m) == DB_ROW)
			printf(" R-%lld (%s, %lld%%)", (long long)db_col_int64(m, 1), db_col_text(m, 0),
			       (long long)db_col_int64(m, 2));
		db_done(m);
		printf("\n");
		n++;
	}
	db_done(st);
	if (rc != DB_DONE) {
		fprintf(stderr, "agora campaigns: %s\n", db_errmsg(db));
		return 1;
	}
	if (n == 0)
		printf("No campaigns%s%s (responses at least %d%% similar).\n", slug ? " in " : "", slug ? slug : "",
		       threshold);
	else
		printf("\n%lld campaign%s.\n", (long long)n, n == 1 ? "" : "s");
	return 0;
}

static int64_t
round_id(struct db *db, const char *slug)
{
	struct db_stmt *st = db_prepare(db, SQL_ROUND_ID);
	int64_t id = 0;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, slug);
	if (db_step(st) == DB_ROW)
		id = db_col_int64(st, 0);
	db_done(st);
	return id;
}

int
cmd_campaigns(int argc, char **argv, struct config *c)
{
	static const char *const flags[] = { "--rebuild", NULL };
	int bools[1] = { 0 };
	const char *pos[2] = { NULL, NULL };
	struct progress p = { isatty(2), -1 };
	struct campaign_rebuild_stats stats;
	struct cli_store s;
	struct db *db = NULL;
	struct err e;
	int64_t round = 0;
	int rc = cli_parse(argc, argv, c, "campaigns", flags, bools, NULL, NULL, pos, 2);

	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (pos[1] != NULL) {
		fprintf(stderr, "agora campaigns: unexpected '%s' (one round at most)\n", pos[1]);
		return EXIT_USAGE;
	}
	if (cli_store_open(c, &s) != 0)	/* migrates an older data folder first */
		return 1;
	if (db_open(s.db_url, DB_READONLY, &db, &e) != 0) {
		fprintf(stderr, "agora campaigns: %s\n", e.msg);
		cli_store_close(&s);
		return 1;
	}
	if (pos[0] != NULL && (round = round_id(db, pos[0])) <= 0) {
		fprintf(stderr, "agora campaigns: there is no round '%s' (agora consultation list lists them)\n",
			pos[0]);
		rc = 1;
		goto out;
	}
	if (bools[0]) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (campaign_rebuild(s.db_url, s.writer, (int)c->campaign_threshold, round, 2, show, &p, &stats,
				     &e) != 0) {
			fprintf(stderr, "%sagora campaigns: %s\n", p.tty && p.last_tenth >= 0 ? "\n" : "", e.msg);
			rc = 1;
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr,
			"Clustered %lld responses of %d round%s in %.1f s (reading and signing %.1f s, writing %.1f s): "
			"%lld campaigns, %lld members (threshold %lld%%, %d bands of %d rows)\n",
			(long long)stats.responses, stats.rounds, stats.rounds == 1 ? "" : "s",
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			stats.seconds_reading, stats.seconds_writing, (long long)stats.campaigns,
			(long long)stats.members, c->campaign_threshold, stats.bands, stats.rows);
	}
	rc = list(db, round, pos[0], (int)c->campaign_threshold);
out:
	db_close(db);
	cli_store_close(&s);
	return rc;
}
