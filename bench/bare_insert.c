/* bare_insert.c: the reference for durable submissions a second (issue 12). A bare C loop that
 * stores what one submission stores, with agora's SQLite settings and its writer's batching, and
 * nothing else: no HTTP, no JSON, no hashing, no log seal, no queue between threads.
 *
 *   bare_insert DB SLUG N BATCH
 *
 * DB is a copy of a data folder's agora.db (its schema and triggers, so the trigger-made rows of
 * a submission are made too: the search and campaign queues, the log's pending rows, the
 * response's number). For each of N submissions to the round SLUG, inside a transaction of
 * BATCH of them and a savepoint each, as src/store/writer.c and response_submit_fn
 * (src/domain/response_store.c) do: the round's row read, the response, its version, its answer,
 * its two moderation events, the round's count; and, as the benchmark's responses give an email,
 * the receipt mail (src/domain/notice_response.c): its outbox row of the same sizes (text,
 * HTML, the receipt JSON attached) and its opt-out token's row. The indexed keys are as random
 * as the server's (random_id, random_hex). journal_mode=WAL, synchronous=FULL, foreign keys on,
 * temporary files in memory, no count of SQLite's memory (SQLITE_CONFIG_MEMSTATUS off), and the
 * WAL checkpointed on a thread of its own at nice 19 once it holds 1,000 pages, as
 * src/store/db_sqlite.c opens the writer's database (DB_WRITER). Prints "N submissions in S s:
 * R/s". */
#define _GNU_SOURCE	/* gettid */
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static sqlite3 *db;

static void
die(const char *what)
{
	fprintf(stderr, "bare_insert: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void
run(sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		die(what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

/* The checkpointer: woken by the WAL hook once the WAL holds 1,000 pages or more, and then once
 * per 1,000 pages it grows by (as src/store/db_sqlite.c's wal_hook). */
static const char *path;
static pthread_mutex_t ck_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ck_cond = PTHREAD_COND_INITIALIZER;
static int ck_due, ck_stop, woken_at;

static int
wal_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	if (pages < woken_at)
		woken_at = 0;
	if (pages >= 1000 && pages - woken_at >= 1000) {
		woken_at = pages;
		pthread_mutex_lock(&ck_lock);
		ck_due = 1;
		pthread_cond_signal(&ck_cond);
		pthread_mutex_unlock(&ck_lock);
	}
	return SQLITE_OK;
}

static void *
checkpointer(void *arg)
{
	sqlite3 *h;

	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);	/* as thread_background */
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bare_insert: checkpointer: %s\n", sqlite3_errmsg(h));
		exit(1);
	}
	pthread_mutex_lock(&ck_lock);
	for (;;) {
		while (!ck_due && !ck_stop)
			pthread_cond_wait(&ck_cond, &ck_lock);
		if (ck_stop)
			break;
		ck_due = 0;
		pthread_mutex_unlock(&ck_lock);
		sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&ck_lock);
	}
	pthread_mutex_unlock(&ck_lock);
	sqlite3_close(h);
	return NULL;
}

/* The keys of a submission as random as the server's: its public id (12 characters of
 * src/domain/response_store.c's alphabet), the hashes of its manage token and of its opt-out
 * token, its content hash (SHA-256, so uniform) and its mail's Message-ID. Sequential keys
 * would add each row at the right edge of the UNIQUE indexes on them, where the server's land
 * anywhere: fewer pages written a commit than a submission really costs. xorshift64*: the
 * values' spread is what counts here, not their secrecy. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void
random_id(char out[13])
{
	static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";

	for (int i = 0; i < 12; i++)
		out[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
	out[12] = '\0';
}

static void
random_hex(char *out, int len)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < len; i++)
		out[i] = digits[rng() & 15];
	out[len] = '\0';
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static const char summary[] = "A benchmark response of about one kilobyte, sent again and again. ";
	sqlite3_stmt *round, *resp, *ver, *ans, *ev, *count, *sp, *rel, *mail, *optout;
	char text[1024], body[821], html[1164], att[1650], id[13], token[65], sha[65], optout_token[65],
	    mid_hex[33], mid[80];
	long n, batch, done = 0;
	int64_t cid, t = (int64_t)time(NULL);
	double t0, secs;
	pthread_t ck;

	rng_state = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15ULL;
	if (argc != 5 || (n = atol(argv[3])) < 1 || (batch = atol(argv[4])) < 1) {
		fprintf(stderr, "usage: bare_insert DB SLUG N BATCH\n");
		return 2;
	}
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);	/* as src/store/db_sqlite.c */
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("open");
	exec("PRAGMA journal_mode=WAL; PRAGMA temp_store=MEMORY");
	exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
	path = argv[1];
	if (pthread_create(&ck, NULL, checkpointer, NULL) != 0) {
		fprintf(stderr, "bare_insert: no thread\n");
		return 1;
	}
	sqlite3_wal_hook(db, wal_hook, NULL);
	for (size_t i = 0; i + 1 < sizeof(text); i++)
		text[i] = summary[i % (sizeof(summary) - 1)];
	text[sizeof(text) - 1] = '\0';
	memset(body, 'b', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	memset(html, 'h', sizeof(html) - 1);
	html[sizeof(html) - 1] = '\0';
	memset(att, 'a', sizeof(att) - 1);
	att[sizeof(att) - 1] = '\0';
	round = prep("SELECT id, state, opens_at, closes_at, moderation FROM consultations WHERE slug = ?1");
	resp = prep("INSERT INTO responses (public_id, consultation_id, manage_token_hash, current_version, status, "
		    "created_at, updated_at, channel, received_at, entered_by) "
		    "VALUES (?1, ?2, ?3, 1, 'published', ?4, ?4, 'online', NULL, NULL)");
	ver = prep("INSERT INTO response_versions (response_id, version, name, organization, job_title, country, "
		   "stakeholder_type, email, publish_as, language, summary, content_sha256, created_at) "
		   "VALUES (?1, 1, 'Bench Respondent', 'Bench Org', 'Tester', 'FR', 'academia', "
		   "'bench@example.org', 'name', 'und', ?2, ?3, ?4)");
	ans = prep("INSERT INTO response_answers (response_id, version, question, body) VALUES (?1, 1, 1, "
		   "'Registries, registrars and software should accept every domain name and email address, "
		   "in every script.')");
	ev = prep("INSERT INTO moderation_events (response_id, kind, version, reason, at) VALUES (?1, ?2, 1, '', ?3)");
	count = prep("UPDATE consultations SET published_responses = published_responses + 1 WHERE id = ?1");
	mail = prep("INSERT INTO outbox (created_at, to_addr, lang, kind, subject, body_text, message_id, body_html, "
		    "unsubscribe_url, attach_name, attach_type, attach_data) VALUES (?1, 'bench@example.org', 'en', "
		    "'receipt', 'Your response to the consultation: receipt', ?2, ?3, ?4, "
		    "'http://agora.test/mail/unsubscribe/token', 'receipt.json', 'application/json', ?5)");
	optout = prep("INSERT INTO mail_optouts (address, kind, token_hash, created_at) VALUES ('bench@example.org', "
		      "'moderation', ?1, ?2)");
	sp = prep("SAVEPOINT item");
	rel = prep("RELEASE item");
	sqlite3_bind_text(round, 1, argv[2], -1, SQLITE_STATIC);
	if (sqlite3_step(round) != SQLITE_ROW)
		die("no such round");
	cid = sqlite3_column_int64(round, 0);
	sqlite3_reset(round);
	t0 = now_s();
	while (done < n) {
		exec("BEGIN IMMEDIATE");
		for (long k = 0; k < batch && done < n; k++, done++) {
			int64_t rid;
			run(sp, "savepoint");
			sqlite3_bind_text(round, 1, argv[2], -1, SQLITE_STATIC);
			run(round, "round");
			random_id(id);
			random_hex(token, 64);
			random_hex(sha, 64);
			random_hex(optout_token, 64);
			random_hex(mid_hex, 32);
			sqlite3_bind_text(resp, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(resp, 2, cid);
			sqlite3_bind_text(resp, 3, token, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(resp, 4, t);
			run(resp, "response");
			rid = sqlite3_last_insert_rowid(db);
			sqlite3_bind_int64(ver, 1, rid);
			sqlite3_bind_text(ver, 2, text, -1, SQLITE_STATIC);
			sqlite3_bind_text(ver, 3, sha, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ver, 4, t);
			run(ver, "version");
			sqlite3_bind_int64(ans, 1, rid);
			run(ans, "answer");
			for (int e = 0; e < 2; e++) {
				sqlite3_bind_int64(ev, 1, rid);
				sqlite3_bind_text(ev, 2, e == 0 ? "submitted" : "published", -1, SQLITE_STATIC);
				sqlite3_bind_int64(ev, 3, t);
				run(ev, "event");
			}
			sqlite3_bind_int64(count, 1, cid);
			run(count, "count");
			snprintf(mid, sizeof(mid), "<%lld.%s@agora>", (long long)t, mid_hex);
			sqlite3_bind_int64(mail, 1, t);
			sqlite3_bind_text(mail, 2, body, -1, SQLITE_STATIC);
			sqlite3_bind_text(mail, 3, mid, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(mail, 4, html, -1, SQLITE_STATIC);
			sqlite3_bind_blob(mail, 5, att, (int)sizeof(att) - 1, SQLITE_STATIC);
			run(mail, "outbox");
			sqlite3_bind_text(optout, 1, optout_token, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(optout, 2, t);
			run(optout, "opt-out");
			run(rel, "release");
		}
		exec("COMMIT");
	}
	secs = now_s() - t0;
	pthread_mutex_lock(&ck_lock);
	ck_stop = 1;
	pthread_cond_signal(&ck_cond);
	pthread_mutex_unlock(&ck_lock);
	pthread_join(ck, NULL);
	printf("%ld submissions in %.3f s: %.0f/s (batches of %ld)\n", n, secs, (double)n / secs, batch);
	sqlite3_close_v2(db);
	return 0;
}
