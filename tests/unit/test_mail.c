/* test_mail.c: the header values of a mail (RFC 2047 encoded-words: plain ASCII kept, UTF-8 never
 * split inside a character, each word at most 75 characters, line breaks unable to add a header),
 * the sender setting, the RFC 5322 date, the retry schedule, and the outbox's sending states on a
 * migrated store: a claim taken once, a retry with backoff, giving up after 3 days, a refusal that
 * suppresses the address and the mail still queued to it, a mail queued to a suppressed address
 * stored 'suppressed', and a retry by hand lifting the suppression. */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>

#include "domain/outbox.h"
#include "mail/mail.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/clock.h"

/* Decodes a header value made of encoded-words back to its text (out: n bytes). */
static void
decode_words(const char *v, char *out, size_t n)
{
	size_t len = 0;

	while ((v = strstr(v, "=?UTF-8?B?")) != NULL) {
		const char *end = strstr(v + 10, "?=");
		unsigned char bin[128];
		size_t got = 0;

		assert_non_null(end);
		assert_true(end + 2 - v <= 75);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), v + 10, (size_t)(end - v - 10), NULL, &got, NULL,
						   sodium_base64_VARIANT_ORIGINAL), 0);
		/* each word is valid UTF-8 on its own: its first byte is no continuation byte */
		assert_true(got == 0 || (bin[0] & 0xc0) != 0x80);
		assert_true(len + got < n);
		memcpy(out + len, bin, got);
		len += got;
		v = end + 2;
	}
	out[len] = '\0';
}

static void
header_text(void **state)
{
	struct buf b;
	char back[512];
	const char *arabic = "تم فتح المشاورة العامة بشأن السياسات المتعلقة بالإنترنت للجميع";

	(void)state;
	buf_init(&b);
	mail_header_text(&b, "Confirm your email address for Agora");
	assert_string_equal(b.data, "Confirm your email address for Agora");
	buf_reset(&b);
	mail_header_text(&b, arabic);
	assert_non_null(strstr(b.data, "\r\n =?UTF-8?B?"));	/* long: folded over several words */
	decode_words(b.data, back, sizeof(back));
	assert_string_equal(back, arabic);
	buf_reset(&b);
	/* a line break cannot start a header of its own */
	mail_header_text(&b, "Hello\r\nBcc: victim@example.org");
	assert_null(strstr(b.data, "\r\nBcc"));
	decode_words(b.data, back, sizeof(back));
	assert_string_equal(back, "Hello  Bcc: victim@example.org");
	buf_reset(&b);
	mail_header_text(&b, "=?UTF-8?B?AAAA?= looks encoded");	/* encoded, so it decodes as written */
	decode_words(b.data, back, sizeof(back));
	assert_string_equal(back, "=?UTF-8?B?AAAA?= looks encoded");
	buf_free(&b);
}

static void
from_and_date(void **state)
{
	struct mail_from f;
	struct err e;
	char d[40];

	(void)state;
	assert_int_equal(mail_from_parse("agora@example.org", &f, &e), 0);
	assert_string_equal(f.addr, "agora@example.org");
	assert_string_equal(f.header, "agora@example.org");
	assert_int_equal(mail_from_parse("Agora <agora@example.org>", &f, &e), 0);
	assert_string_equal(f.header, "\"Agora\" <agora@example.org>");
	assert_int_equal(mail_from_parse("Secrétariat <s@example.org>", &f, &e), 0);
	assert_string_equal(f.addr, "s@example.org");
	assert_non_null(strstr(f.header, "=?UTF-8?B?"));
	assert_int_equal(mail_from_parse("not an address", &f, &e), -1);
	assert_int_equal(mail_from_parse("A <a@example.org", &f, &e), -1);
	assert_int_equal(mail_from_parse("A <a b@example.org>", &f, &e), -1);
	assert_int_equal(mail_from_parse("a@example.org\r\nBcc: x@example.org", &f, &e), -1);
	mail_date(0, d);
	assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	mail_date(1795967927, d);
	assert_string_equal(d, "Sun, 29 Nov 2026 15:58:47 +0000");
}

static void
backoff(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff_s(1), 60);
	assert_int_equal(outbox_backoff_s(2), 120);
	assert_int_equal(outbox_backoff_s(9), 60 * 256);
	assert_int_equal(outbox_backoff_s(10), 21600);	/* 512 minutes capped at 6 hours */
	assert_int_equal(outbox_backoff_s(40), 21600);
}

struct fixture {
	char dir[32], url[64];
	struct db *db;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/agora-mail-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->url, sizeof(f->url), "sqlite:%s/agora.db", f->dir);
	if (db_open(f->url, DB_CREATE, &f->db, &e) != 0 || migrate_up(f->db, &e) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	db_close(f->db);
	unit_rm_rf(f->dir);
	free(f);
	return 0;
}

static int64_t
queue(struct db *db, const char *to)
{
	struct err e;

	assert_int_equal(outbox_queue(db, &(struct mail){ .to = to, .lang = "en", .kind = "test", .subject = "S",
							   .body = "B" }, &e), 0);
	return db_last_insert_id(db);
}

static const char *
status_of(struct db *db, int64_t id, int64_t *attempts)
{
	static char s[16];
	struct db_stmt *st = db_prepare(db, "SELECT status, attempts FROM outbox WHERE id = $1");

	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(s, sizeof(s), "%s", db_col_text(st, 0));
	if (attempts)
		*attempts = db_col_int64(st, 1);
	db_done(st);
	return s;
}

/* One attempt at now that ends in result. */
static void
attempt(struct db *db, int64_t id, int64_t now, enum outbox_result result, const char *reply)
{
	struct outbox_attempt t = { .mail_id = id, .now = now };
	struct err e;

	assert_int_equal(outbox_claim_fn(db, &t, &e), 0);
	assert_int_equal(t.claimed, 1);
	t.result = result;
	t.reply = reply;
	t.smtp_code = atoi(reply);
	assert_int_equal(outbox_finish_fn(db, &t, &e), 0);
}

static void
sending_states(void **state)
{
	struct fixture *f = *state;
	struct outbox_attempt t;
	struct outbox_retry r = { .now = 0 };
	int64_t now, ids[8], a = 0, m1, m2, m3;
	struct err e;

	clock_freeze_ms(clock_now_ms());	/* queued at now exactly: due at now */
	now = clock_now();

	m1 = queue(f->db, "one@example.org");
	assert_string_equal(status_of(f->db, m1, NULL), "queued");
	assert_int_equal(outbox_due(f->db, now, ids, 8, &e), 1);
	/* claimed once: a second worker finds it no longer due */
	t = (struct outbox_attempt){ .mail_id = m1, .now = now };
	assert_int_equal(outbox_claim_fn(f->db, &t, &e), 0);
	assert_int_equal(t.claimed, 1);
	t = (struct outbox_attempt){ .mail_id = m1, .now = now };
	assert_int_equal(outbox_claim_fn(f->db, &t, &e), 0);
	assert_int_equal(t.claimed, 0);
	assert_int_equal(outbox_due(f->db, now, ids, 8, &e), 0);
	/* the lease passes (the server died): claimed again, the first attempt 'interrupted' */
	attempt(f->db, m1, now + OUTBOX_LEASE_S, OUTBOX_RETRY, "451 later");
	assert_string_equal(status_of(f->db, m1, &a), "queued");
	assert_int_equal(a, 2);
	assert_int_equal(outbox_due(f->db, now + OUTBOX_LEASE_S + outbox_backoff_s(2) - 1, ids, 8, &e), 0);
	assert_int_equal(outbox_due(f->db, now + OUTBOX_LEASE_S + outbox_backoff_s(2), ids, 8, &e), 1);
	/* 3 days after it was queued, one more failure and it has failed */
	attempt(f->db, m1, now + OUTBOX_GIVE_UP_S, OUTBOX_RETRY, "451 still later");
	assert_string_equal(status_of(f->db, m1, NULL), "failed");

	/* refused: failed, the address suppressed, the mail still queued to it suppressed too */
	m2 = queue(f->db, "gone@example.org");
	m3 = queue(f->db, "Gone@Example.org");
	attempt(f->db, m2, now, OUTBOX_REFUSED, "550 no such user");
	assert_string_equal(status_of(f->db, m2, NULL), "failed");
	assert_string_equal(status_of(f->db, m3, NULL), "suppressed");
	assert_string_equal(status_of(f->db, queue(f->db, "GONE@example.org"), NULL), "suppressed");
	assert_string_equal(status_of(f->db, queue(f->db, "other@example.org"), NULL), "queued");
	/* a retry by hand: queued again, the suppression lifted, later mail goes */
	r.mail_id = m3;
	r.now = now;
	assert_int_equal(outbox_retry_fn(f->db, &r, &e), 0);
	assert_string_equal(r.status, "suppressed");
	assert_string_equal(status_of(f->db, m3, NULL), "queued");
	assert_string_equal(status_of(f->db, queue(f->db, "gone@example.org"), NULL), "queued");
	r.mail_id = m3;	/* queued now: not again */
	assert_int_equal(outbox_retry_fn(f->db, &r, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	r.mail_id = 999999;
	assert_int_equal(outbox_retry_fn(f->db, &r, &e), -1);
	assert_int_equal(e.kind, ERR_NOTFOUND);
	/* sent */
	attempt(f->db, m3, now, OUTBOX_SENT, "250 ok");
	assert_string_equal(status_of(f->db, m3, &a), "sent");
	assert_int_equal(a, 1);
	clock_freeze_ms(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_text),
		cmocka_unit_test(from_and_date),
		cmocka_unit_test(backoff),
		cmocka_unit_test_setup_teardown(sending_states, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
