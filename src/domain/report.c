/* report.c: the Chair's report's model: its stored texts, section II from the meetings and the
 * rounds of the period, dates for the language (ICU), and the JSON the PDF worker reads. */
#include "report.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicode/udat.h>
#include <unicode/udateintervalformat.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

#include "../util/clock.h"
#include "../util/numfmt.h"
#include "../util/str.h"
#include "../util/timefmt.h"
#include "audit.h"
#include "meeting.h"
#include "outcome.h"

static const char SQL_TEXTS[] = "SELECT language, field, body FROM report_texts";
static const char SQL_TEXTS_OF[] = "SELECT field, body FROM report_texts WHERE language = $1";
static const char SQL_TEXT_ANY[] = "SELECT 1 FROM report_texts WHERE language = $1";
static const char SQL_TEXT_PUT[] =
    "INSERT INTO report_texts (language, field, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (language, field) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by WHERE report_texts.body <> excluded.body";
static const char SQL_TEXT_DEL[] = "DELETE FROM report_texts WHERE language = $1 AND field = $2";
/* Working-group meetings only: open consultation meetings decide nothing. */
static const char SQL_MEETINGS[] =
    "SELECT number FROM meetings WHERE kind = 'working_group' AND starts_on >= $1 AND starts_on < $2 "
    "ORDER BY starts_on, number";
static const char SQL_ROUNDS[] =
    "SELECT id, opens_at, closes_at, published_responses, original_language FROM consultations "
    "WHERE state != 'draft' AND opens_at >= $1 AND opens_at < $2 ORDER BY opens_at, id";
static const char SQL_ROUND_TITLE[] =
    "SELECT language, body FROM texts WHERE thing = 'consultation' AND thing_id = $1 AND field = 'title' "
    "AND status != 'draft'";
static const char SQL_SUMMARY[] =
    "SELECT language, body FROM summaries WHERE consultation_id = $1 AND status = 'published'";

static const char *const field_names[REPORT_FIELDS] = {
	"symbol", "title", "summary", "action", "references", "mandate", "recommendations",
};

const char *
report_field_name(enum report_field f)
{
	return (int)f >= 0 && f < REPORT_FIELDS ? field_names[f] : NULL;
}

const char *
report_field_label(enum report_field f)
{
	switch (f) {
	case REPORT_SYMBOL:
		return _("Document symbol");
	case REPORT_TITLE:
		return _("Title");
	case REPORT_SUMMARY:
		return _("Summary");
	case REPORT_ACTION:
		return _("Action required");
	case REPORT_REFERENCES:
		return _("References");
	case REPORT_MANDATE:
		return _("I Introduction");
	case REPORT_RECOMMENDATIONS:
		return _("III Recommendations");
	default:
		return "";
	}
}

int
report_field_is_line(enum report_field f)
{
	return f == REPORT_SYMBOL || f == REPORT_TITLE;
}

static int
field_from_name(const char *s, enum report_field *out)
{
	for (int f = 0; f < REPORT_FIELDS; f++)
		if (strcmp(s, field_names[f]) == 0) {
			*out = (enum report_field)f;
			return 0;
		}
	return -1;
}

/* ---- months and dates ------------------------------------------------------------------ */

int
report_month_parse(const char *s, int64_t *start)
{
	char day[16];

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	snprintf(day, sizeof(day), "%s-01", s);
	return time_parse_rfc3339(day, start);
}

int64_t
report_month_next(int64_t start)
{
	struct tm tm;
	time_t t = (time_t)start;

	gmtime_r(&t, &tm);
	tm.tm_mon++;
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm);	/* timegm carries December into January */
}

/* The ICU locale of a language: British English, as the ITU writes it. */
static const char *
icu_locale(enum lang l)
{
	return l == LANG_EN ? "en_GB" : numfmt_locale(l);	/* Arabic with Western digits */
}

/* The interval from..to (times) in lang, with skeleton ("yMMMMd": "19-20 September 2019";
 * "yMMMM": "February 2019 - January 2022"), in UTC; one date when both fall on the same day.
 * NULL when ICU fails (the caller writes RFC 3339 dates). */
static const char *
interval(struct arena *a, int64_t from, int64_t to, enum lang lang, const char *skeleton)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar sk[16], tz[8], u[256];
	UDateIntervalFormat *f;
	char out[512];
	int32_t n;

	u_uastrcpy(sk, skeleton);
	u_uastrcpy(tz, "UTC");
	f = udtitvfmt_open(icu_locale(lang), sk, -1, tz, -1, &st);
	if (U_FAILURE(st))
		return NULL;
	n = udtitvfmt_format(f, (UDate)from * 1000.0, (UDate)to * 1000.0, u, 256, NULL, &st);
	udtitvfmt_close(f);
	if (U_FAILURE(st) || n >= 256)
		return NULL;
	u_strToUTF8(out, (int32_t)sizeof(out), NULL, u, n, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return NULL;
	return arena_strdup(a, out);
}

static const char *
days(struct arena *a, int64_t from, int64_t to, enum lang lang)
{
	const char *s = interval(a, from, to, lang, "yMMMMd");
	char f[TIME_RFC3339_LEN], t[TIME_RFC3339_LEN];

	if (s != NULL)
		return s;
	time_format_rfc3339(from, f);
	time_format_rfc3339(to, t);
	f[10] = t[10] = '\0';
	return from / 86400 == to / 86400 ? arena_strdup(a, f) : arena_printf(a, "%s / %s", f, t);
}

/* ---- the model ------------------------------------------------------------------------ */

static int
add(struct report *rp, struct arena *a, enum report_block_kind kind, const char *text, const char *label,
    enum lang lang)
{
	struct report_block *b;

	if (text == NULL)
		return -1;
	if (rp->nblocks >= REPORT_MAX_BLOCKS)
		return -1;
	if (rp->nblocks == rp->cap) {
		b = arena_grow(a, rp->blocks, rp->nblocks, &rp->cap, sizeof(*b));
		if (b == NULL)
			return -1;
		rp->blocks = b;
	}
	rp->blocks[rp->nblocks++] = (struct report_block){ kind, text, label, lang };
	return 0;
}

/* Every stored text, by field and language (mtext_pick then takes the one in the report's
 * language, else English, the original of every field, else any). */
static int
load_texts(struct db *db, struct arena *a, struct mtext texts[REPORT_FIELDS], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TEXTS);
	enum report_field f;
	enum lang l;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "report texts");
	memset(texts, 0, sizeof(*texts) * REPORT_FIELDS);
	for (int i = 0; i < REPORT_FIELDS; i++)
		texts[i].original = LANG_EN;
	while ((rc = db_step(st)) == DB_ROW) {
		if (lang_from_code(db_col_text(st, 0), &l) != 0 || field_from_name(db_col_text(st, 1), &f) != 0)
			continue;
		if ((texts[f].body[l] = arena_strdup(a, db_col_text(st, 2))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "report texts");
}

/* Loads (language, body) rows of st (bound already) into t. */
static int
load_mtext(struct db *db, struct db_stmt *st, struct arena *a, struct mtext *t, struct err *e)
{
	enum db_rc rc;
	enum lang l;

	while ((rc = db_step(st)) == DB_ROW)
		if (lang_from_code(db_col_text(st, 0), &l) == 0 &&
		    (t->body[l] = arena_strdup(a, db_col_text(st, 1))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "report");
}

static int
markdown_section(struct report *rp, struct arena *a, const char *heading, const struct mtext *t)
{
	enum lang got;
	const char *body = mtext_pick(t, rp->lang, &got);

	if (add(rp, a, RB_H1, heading, NULL, rp->lang) != 0)
		return -1;
	return body != NULL && body[0] != '\0' ? add(rp, a, RB_MARKDOWN, body, NULL, got) : 0;
}

/* One section per working-group meeting of the period, with its lettered outcomes. */
static int
meetings(struct db *db, struct arena *a, struct report *rp, int64_t from, int64_t end, int *count,
	 struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_MEETINGS);
	int numbers[256], n = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "meetings");
	db_bind_int64(st, 1, from);
	db_bind_int64(st, 2, end);
	while ((rc = db_step(st)) == DB_ROW && n < 256)
		numbers[n++] = (int)db_col_int64(st, 0);
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "meetings");
	*count = n;
	if (n == 0)
		return add(rp, a, RB_NOTE, _("No meeting of the working group was held in this period."), NULL,
			   rp->lang) != 0 ? err_set(e, ERR_BUSY, "out of memory") : 0;
	for (int i = 0; i < n; i++) {
		struct meeting m;
		struct outcome *o = NULL;
		enum lang got;
		const char *title;
		int no;

		if (meeting_get(db, a, numbers[i], &m, e) != 0 || (no = outcome_list(db, a, &m, &o, e)) < 0)
			return -1;
		title = mtext_pick(&m.title, rp->lang, &got);
		if (title == NULL) {
			title = arena_printf(a, _("%s meeting"), meeting_ordinal(a, m.number, rp->lang));
			got = rp->lang;
		}
		if (add(rp, a, RB_H2, title, NULL, got) != 0 ||
		    add(rp, a, RB_PARA,
			arena_printf(a, _("The main outcomes of the %s meeting, held on %s, were:"),
				     meeting_ordinal(a, m.number, rp->lang), days(a, m.starts_on, m.ends_on, rp->lang)),
			NULL, rp->lang) != 0)
			return err_set(e, ERR_BUSY, "out of memory");
		if (no == 0 && add(rp, a, RB_NOTE, _("No outcome is recorded for this meeting."), NULL, rp->lang) != 0)
			return err_set(e, ERR_BUSY, "out of memory");
		for (int k = 0; k < no; k++) {
			const char *text = mtext_pick(&o[k].text, rp->lang, &got);

			if (add(rp, a, RB_ITEM, text ? text : "", arena_printf(a, "%s)", o[k].letter), got) != 0)
				return err_set(e, ERR_BUSY, "out of memory");
		}
	}
	return 0;
}

/* The rounds opened in the period: the published summary (in lang, else the round's original
 * language, else any), or the round's figures when none is published. */
static int
rounds(struct db *db, struct arena *a, struct report *rp, int64_t from, int64_t end, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_ROUNDS);
	struct { int64_t id, opens, closes, responses; enum lang original; } r[256];
	int n = 0;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "consultations");
	db_bind_int64(st, 1, from);
	db_bind_int64(st, 2, end);
	while ((rc = db_step(st)) == DB_ROW && n < 256) {
		r[n].id = db_col_int64(st, 0);
		r[n].opens = db_col_int64(st, 1);
		r[n].closes = db_col_int64(st, 2);
		r[n].responses = db_col_int64(st, 3);
		if (lang_from_code(db_col_text(st, 4), &r[n].original) != 0)
			r[n].original = LANG_EN;
		n++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "consultations");
	if (add(rp, a, RB_H2, _("Open consultations"), NULL, rp->lang) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	if (n == 0)
		return add(rp, a, RB_NOTE, _("No open consultation was opened in this period."), NULL, rp->lang) != 0
			   ? err_set(e, ERR_BUSY, "out of memory") : 0;
	for (int i = 0; i < n; i++) {
		struct mtext title = { .original = r[i].original }, summary = { .original = r[i].original };
		const char *t, *s;
		enum lang tl, sl;
		char count[NUMFMT_LEN];

		if ((st = db_prepare(db, SQL_ROUND_TITLE)) == NULL)
			return db_err(db, e, "consultation");
		db_bind_int64(st, 1, r[i].id);
		if (load_mtext(db, st, a, &title, e) != 0)
			return -1;
		if ((st = db_prepare(db, SQL_SUMMARY)) == NULL)
			return db_err(db, e, "summaries");
		db_bind_int64(st, 1, r[i].id);
		if (load_mtext(db, st, a, &summary, e) != 0)
			return -1;
		t = mtext_pick(&title, rp->lang, &tl);
		s = mtext_pick(&summary, rp->lang, &sl);
		if (add(rp, a, RB_H3, t ? t : "", NULL, tl) != 0)
			return err_set(e, ERR_BUSY, "out of memory");
		if (s != NULL && s[0] != '\0') {
			if (add(rp, a, RB_MARKDOWN, s, NULL, sl) != 0)
				return err_set(e, ERR_BUSY, "out of memory");
			continue;
		}
		/* closes_at is the last second of the last day: the interval's second end */
		numfmt_int(r[i].responses, rp->lang, count);	/* "1 234" in French */
		if (add(rp, a, RB_PARA,
			arena_printf(a,
				     P_("Online consultation, %s: %s public response.",
					"Online consultation, %s: %s public responses.", (unsigned long)r[i].responses),
				     days(a, r[i].opens, r[i].closes, rp->lang), count),
			NULL, rp->lang) != 0)
			return err_set(e, ERR_BUSY, "out of memory");
	}
	return 0;
}

int
report_build(struct db *db, struct arena *a, int64_t from, int64_t to, enum lang lang, struct report *rp,
	     int *nmeetings, struct err *e)
{
	struct mtext texts[REPORT_FIELDS];
	int64_t end = report_month_next(to);
	const char *period = interval(a, from, end - 1, lang, "yMMMM");
	int count = 0;

	memset(rp, 0, sizeof(*rp));
	rp->lang = lang;
	if (load_texts(db, a, texts, e) != 0)
		return -1;
	rp->symbol = mtext_pick(&texts[REPORT_SYMBOL], lang, NULL);
	rp->title = mtext_pick(&texts[REPORT_TITLE], lang, NULL);
	if (rp->symbol == NULL)
		rp->symbol = "";
	if (rp->title == NULL)
		rp->title = _("Report of the Chair of the working group");
	rp->page_label = _("Page {page} of {pages}");
	if (period == NULL)
		period = "";
	if (add(rp, a, RB_TITLE, rp->title, NULL, lang) != 0 ||
	    add(rp, a, RB_SUBTITLE, arena_printf(a, _("Period covered: %s"), period), NULL, lang) != 0 ||
	    markdown_section(rp, a, _("Summary"), &texts[REPORT_SUMMARY]) != 0 ||
	    markdown_section(rp, a, _("Action required"), &texts[REPORT_ACTION]) != 0 ||
	    markdown_section(rp, a, _("References"), &texts[REPORT_REFERENCES]) != 0 ||
	    markdown_section(rp, a, _("I Introduction"), &texts[REPORT_MANDATE]) != 0 ||
	    add(rp, a, RB_H1, _("II Activities"), NULL, lang) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	if (meetings(db, a, rp, from, end, &count, e) != 0 || rounds(db, a, rp, from, end, e) != 0)
		return -1;
	if (markdown_section(rp, a, _("III Recommendations"), &texts[REPORT_RECOMMENDATIONS]) != 0)
		return err_set(e, ERR_BUSY, "out of memory");
	if (nmeetings != NULL)
		*nmeetings = count;
	return 0;
}

/* ---- the stored texts ----------------------------------------------------------------- */

int
report_texts_get(struct db *db, struct arena *a, enum lang lang, const char *out[REPORT_FIELDS], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_TEXTS_OF);
	enum report_field f;
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "report texts");
	for (int i = 0; i < REPORT_FIELDS; i++)
		out[i] = NULL;
	db_bind_text(st, 1, lang_code(lang));
	while ((rc = db_step(st)) == DB_ROW)
		if (field_from_name(db_col_text(st, 0), &f) == 0 && (out[f] = arena_strdup(a, db_col_text(st, 1))) == NULL) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "report texts");
}

int
report_text_check(enum report_field f, const char *value, struct err *e)
{
	size_t len = value ? strlen(value) : 0, max = report_field_is_line(f) ? REPORT_LINE_MAX_CHARS
									     : REPORT_TEXT_MAX_CHARS;

	if (value == NULL)
		return 0;
	if (!utf8_valid(value, len))
		return err_set_field(e, ERR_INVALID, field_names[f], "%s", _("The text is not valid UTF-8."));
	if (report_field_is_line(f) && strpbrk(value, "\r\n") != NULL)
		return err_set_field(e, ERR_INVALID, field_names[f], "%s", _("This text is one line."));
	if (utf8_chars(value, len) > max)
		return err_set_field(e, ERR_INVALID, field_names[f], _("This text has at most %zu characters."), max);
	return 0;
}

int
report_texts_save_fn(struct db *db, void *arg, struct err *e)
{
	struct report_texts_save *s = arg;
	struct db_stmt *st;
	struct audit_entry au;
	int64_t now = clock_now();
	char object[16], detail[128];
	size_t used = 0;

	s->written = 0;
	for (int f = 0; f < REPORT_FIELDS; f++)
		if (report_text_check((enum report_field)f, s->text[f], e) != 0)
			return -1;
	if (s->only_if_empty) {
		if ((st = db_prepare(db, SQL_TEXT_ANY)) == NULL)
			return db_err(db, e, "report texts");
		db_bind_text(st, 1, lang_code(s->lang));
		if (db_step(st) == DB_ROW) {
			db_done(st);
			return 0;
		}
		db_done(st);
	}
	detail[0] = '\0';
	for (int f = 0; f < REPORT_FIELDS; f++) {
		const char *v = s->text[f];
		int empty = v == NULL || v[0] == '\0';

		if ((st = db_prepare(db, empty ? SQL_TEXT_DEL : SQL_TEXT_PUT)) == NULL)
			return db_err(db, e, "report texts");
		db_bind_text(st, 1, lang_code(s->lang));
		db_bind_text(st, 2, field_names[f]);
		if (!empty) {
			db_bind_text(st, 3, v);
			db_bind_int64(st, 4, now);
			if (s->account_id != 0)
				db_bind_int64(st, 5, s->account_id);
			else
				db_bind_null(st, 5);
		}
		if (db_run(st) != DB_DONE)
			return db_err(db, e, "report texts");
		if (db_changes(db) > 0) {	/* the audit row names what changed */
			int k = snprintf(detail + used, sizeof(detail) - used, "%s%s", used ? " " : "", field_names[f]);
			if (k > 0 && (size_t)k < sizeof(detail) - used)
				used += (size_t)k;
			s->written++;
		}
	}
	if (s->written == 0)
		return 0;
	snprintf(object, sizeof(object), "report/%s", lang_code(s->lang));
	au = (struct audit_entry){ now, s->account_id, s->address ? s->address : "cli", "report_texts", object, detail };
	return audit_append(db, &au, e);
}

/* ---- JSON, for the worker ------------------------------------------------------------- */

json_t *
report_to_json(const struct report *rp)
{
	json_t *j = json_object(), *blocks = json_array();

	if (j == NULL || blocks == NULL) {
		json_decref(j);
		json_decref(blocks);
		return NULL;
	}
	json_object_set_new(j, "lang", json_string(lang_code(rp->lang)));
	json_object_set_new(j, "symbol", json_string(rp->symbol));
	json_object_set_new(j, "title", json_string(rp->title));
	json_object_set_new(j, "page_label", json_string(rp->page_label));
	for (int i = 0; i < rp->nblocks; i++) {
		const struct report_block *b = &rp->blocks[i];
		json_t *o = json_pack("{s:i, s:s, s:s}", "k", (int)b->kind, "t", b->text, "l", lang_code(b->lang));

		if (o != NULL && b->label != NULL)
			json_object_set_new(o, "label", json_string(b->label));
		if (o == NULL || json_array_append_new(blocks, o) != 0) {
			json_decref(j);
			json_decref(blocks);
			return NULL;
		}
	}
	json_object_set_new(j, "blocks", blocks);
	return j;
}

/* A string member, or def when absent or not a string. */
static const char *
str_of(json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : def;
}

int
report_from_json(json_t *j, struct arena *a, struct report *rp, struct err *e)
{
	json_t *blocks = json_object_get(j, "blocks"), *o;
	size_t i;

	memset(rp, 0, sizeof(*rp));
	if (!json_is_object(j) || !json_is_array(blocks) || json_array_size(blocks) > REPORT_MAX_BLOCKS ||
	    lang_from_code(str_of(j, "lang", ""), &rp->lang) != 0)
		return err_set(e, ERR_INVALID, "not a report model");
	rp->symbol = str_of(j, "symbol", "");
	rp->title = str_of(j, "title", "");
	rp->page_label = str_of(j, "page_label", "{page}");
	json_array_foreach(blocks, i, o) {
		json_int_t k = json_integer_value(json_object_get(o, "k"));
		enum lang l;

		if (k < RB_TITLE || k > RB_NOTE || lang_from_code(str_of(o, "l", ""), &l) != 0 ||
		    add(rp, a, (enum report_block_kind)k, str_of(o, "t", ""), json_string_value(json_object_get(o, "label")),
			l) != 0)
			return err_set(e, ERR_INVALID, "block %zu of the report model is not one", i);
	}
	return 0;
}
