/* proposal.c: topics proposed to the Member States, their positions (append-only), the silence
 * procedure's end (a scheduler event), decisions at meetings and the consultation made from a
 * proposal that reached consensus. */
#include "proposal.h"

#include <stdio.h>
#include <string.h>

#include "../util/clock.h"
#include "../util/str.h"
#include "audit.h"
#include "consultation.h"
#include "outcome.h"

const char *const proposal_position_names[POS_COUNT] = { "support", "no_objection", "objection", "abstain" };

#define COLS                                                                                           \
	"SELECT p.id, COALESCE(p.proposed_by, 0), COALESCE(a.name, ''), p.proposed_state, "            \
	"COALESCE(p.meeting_number, 0), p.procedure, COALESCE(p.silence_deadline, 0), p.status, "    \
	"p.original_language, COALESCE(p.decided_at, 0), COALESCE(p.decided_by, 0), "                 \
	"COALESCE(p.decided_meeting, 0), p.decision_note, COALESCE(p.consultation_slug, ''), "        \
	"p.created_at, p.nquestions FROM proposals p LEFT JOIN accounts a ON a.id = p.proposed_by "
static const char SQL_LIST[] = COLS "ORDER BY p.id DESC LIMIT $1";
static const char SQL_GET[] = COLS "WHERE p.id = $1";
/* A state's current position is its latest row. */
#define CURRENT "pp.id = (SELECT MAX(x.id) FROM proposal_positions x WHERE x.proposal_id = pp.proposal_id " \
		"AND x.state_code = pp.state_code)"
static const char SQL_COUNTS[] =
    "SELECT pp.position, COUNT(*) FROM proposal_positions pp WHERE pp.proposal_id = $1 AND " CURRENT
    " GROUP BY pp.position";
static const char SQL_CURRENT[] =
    "SELECT pp.state_code, pp.position, pp.statement, COALESCE(a.name, ''), pp.at FROM proposal_positions pp "
    "LEFT JOIN accounts a ON a.id = pp.recorded_by WHERE pp.proposal_id = $1 AND " CURRENT
    " ORDER BY pp.state_code LIMIT $2";
static const char SQL_HISTORY[] =
    "SELECT pp.state_code, pp.position, pp.statement, COALESCE(a.name, ''), pp.at FROM proposal_positions pp "
    "LEFT JOIN accounts a ON a.id = pp.recorded_by WHERE pp.proposal_id = $1 ORDER BY pp.id LIMIT $2";
static const char SQL_INSERT[] =
    "INSERT INTO proposals (proposed_by, proposed_state, meeting_number, procedure, silence_deadline, "
    "original_language, nquestions, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_POSITION[] =
    "INSERT INTO proposal_positions (proposal_id, state_code, position, statement, recorded_by, address, at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_DECIDE[] =
    "UPDATE proposals SET status = $2, decided_at = $3, decided_by = $4, decided_meeting = $5, "
    "decision_note = $6 WHERE id = $1";
static const char SQL_SILENCE_END[] =
    "UPDATE proposals SET status = $2, decided_at = $3 WHERE id = $1 AND status = 'open'";
static const char SQL_LINK[] =
    "UPDATE proposals SET consultation_slug = $2 WHERE id = $1 AND consultation_slug IS NULL";
static const char SQL_LAUNCHED_BY[] = "UPDATE consultations SET launched_by_outcome = $1 WHERE slug = $2";
static const char SQL_OUTCOME_LINK[] =
    "INSERT INTO outcome_links (outcome_id, consultation_id, created_at) "
    "SELECT CAST($1 AS BIGINT), id, CAST($3 AS BIGINT) FROM consultations WHERE slug = $2 ON CONFLICT DO NOTHING";
static const char SQL_MEETING[] = "SELECT 1 FROM meetings WHERE number = $1";
static const char SQL_STATE[] = "SELECT 1 FROM member_states WHERE code = $1";

#define POSITIONS_MAX 400	/* every Member State, with room */

/* ---- the pure rules ----------------------------------------------------------------------- */

int
proposal_position_index(const char *position)
{
	for (int i = 0; i < POS_COUNT; i++)
		if (str_eq(position, proposal_position_names[i]))
			return i;
	return -1;
}

const char *
proposal_silence_result(const char *const *current, int n)
{
	for (int i = 0; i < n; i++)
		if (str_eq(current[i], "objection"))
			return "no_consensus";
	return "consensus";
}

int
proposal_is_member(const char *role)
{
	return str_eq(role, "delegate") || str_eq(role, "focal_point") || str_eq(role, "chair") ||
	       str_eq(role, "secretariat");
}

enum position_check
proposal_position_allowed(const char *role, const char *state_code, const char *status, int64_t deadline,
			  int64_t now)
{
	if (!str_eq(role, "focal_point") || state_code == NULL || state_code[0] == '\0')
		return POSITION_NOT_FOCAL;
	if (!str_eq(status, "open") || (deadline != 0 && now >= deadline))
		return POSITION_CLOSED;
	return POSITION_OK;
}

int
proposal_may_decide(const char *role)
{
	return str_eq(role, "chair") || str_eq(role, "secretariat");
}

int
proposal_may_translate(const char *role, const char *state_code, const char *proposed_state)
{
	if (str_eq(role, "chair") || str_eq(role, "secretariat"))
		return 1;
	return (str_eq(role, "delegate") || str_eq(role, "focal_point")) && state_code != NULL &&
	       state_code[0] != '\0' && str_eq(state_code, proposed_state);
}

int
proposal_texts_open(const char *status)
{
	return str_eq(status, "open") || str_eq(status, "deferred");
}

int
proposal_decision_check(const char *from, const char *to)
{
	if (!str_eq(to, "consensus") && !str_eq(to, "no_consensus") && !str_eq(to, "deferred"))
		return -1;
	if (!str_eq(from, "open") && !str_eq(from, "deferred"))
		return -1;
	return str_eq(from, to) ? -1 : 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

static void
text_found(const char *field, enum lang l, const char *body, void *ctx)
{
	struct proposal *p = ctx;
	int q;

	if (strcmp(field, "title") == 0)
		p->title.body[l] = body;
	else if (strcmp(field, "topic") == 0)
		p->topic.body[l] = body;
	else if (sscanf(field, "question:%d", &q) == 1 && q >= 1 && q <= PROPOSAL_MAX_QUESTIONS)
		p->question[q - 1].body[l] = body;
}

static int
from_row(struct db_stmt *st, struct arena *a, struct proposal *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int64(st, 0);
	p->proposed_by = db_col_int64(st, 1);
	p->proposer = arena_strdup(a, db_col_text(st, 2));
	p->proposed_state = arena_strdup(a, db_col_text(st, 3));
	p->meeting_number = (int)db_col_int64(st, 4);
	p->procedure = arena_strdup(a, db_col_text(st, 5));
	p->silence_deadline = db_col_int64(st, 6);
	p->status = arena_strdup(a, db_col_text(st, 7));
	if (lang_from_code(db_col_text(st, 8), &p->original) != 0)
		p->original = LANG_EN;
	p->decided_at = db_col_int64(st, 9);
	p->decided_by = db_col_int64(st, 10);
	p->decided_meeting = (int)db_col_int64(st, 11);
	p->decision_note = arena_strdup(a, db_col_text(st, 12));
	p->consultation_slug = arena_strdup(a, db_col_text(st, 13));
	p->created_at = db_col_int64(st, 14);
	p->nquestions = (int)db_col_int64(st, 15);
	if (p->nquestions > PROPOSAL_MAX_QUESTIONS)
		p->nquestions = PROPOSAL_MAX_QUESTIONS;
	p->title.original = p->topic.original = p->original;
	for (int i = 0; i < PROPOSAL_MAX_QUESTIONS; i++)
		p->question[i].original = p->original;
	return p->proposer && p->proposed_state && p->procedure && p->status && p->decision_note &&
			       p->consultation_slug
		   ? 0
		   : -1;
}

/* Texts and the counts of current positions of p. */
static int
load_details(struct db *db, struct arena *a, struct proposal *p, struct err *e)
{
	struct db_stmt *st;
	enum db_rc rc;

	if (text_load(db, a, "proposal", p->id, text_found, p, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_COUNTS)) == NULL)
		return db_err(db, e, "positions");
	db_bind_int64(st, 1, p->id);
	while ((rc = db_step(st)) == DB_ROW) {
		int k = proposal_position_index(db_col_text(st, 0));
		if (k >= 0)
			p->count[k] = (int)db_col_int64(st, 1);
	}
	db_done(st);
	return rc == DB_DONE ? 0 : db_err(db, e, "positions");
}

int
proposal_list(struct db *db, struct arena *a, int n, struct proposal **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_LIST);
	struct proposal *items;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "proposals");
	if ((items = arena_alloc(a, sizeof(*items) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, n);
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		if (from_row(st, a, &items[got]) != 0) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		got++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "proposals");
	for (int i = 0; i < got; i++)
		if (load_details(db, a, &items[i], e) != 0)
			return -1;
	*out = items;
	return got;
}

int
proposal_get(struct db *db, struct arena *a, int64_t id, struct proposal *p, struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "proposal");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW && from_row(st, a, p) != 0) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no proposal %lld", (long long)id);
	if (rc != DB_ROW)
		return db_err(db, e, "proposal");
	return load_details(db, a, p, e);
}

static int
positions_query(struct db *db, struct arena *a, const char *sql, int64_t id, int n,
		struct proposal_position **out, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	struct proposal_position *v;
	enum db_rc rc;
	int got = 0;

	if (st == NULL)
		return db_err(db, e, "positions");
	if ((v = arena_alloc(a, sizeof(*v) * (size_t)(n > 0 ? n : 1))) == NULL) {
		db_done(st);
		return err_set(e, ERR_BUSY, "out of memory");
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, n);
	while ((rc = db_step(st)) == DB_ROW && got < n) {
		v[got].state_code = arena_strdup(a, db_col_text(st, 0));
		v[got].position = arena_strdup(a, db_col_text(st, 1));
		v[got].statement = arena_strdup(a, db_col_text(st, 2));
		v[got].who = arena_strdup(a, db_col_text(st, 3));
		v[got].at = db_col_int64(st, 4);
		if (!v[got].state_code || !v[got].position || !v[got].statement || !v[got].who) {
			db_done(st);
			return err_set(e, ERR_BUSY, "out of memory");
		}
		got++;
	}
	db_done(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return db_err(db, e, "positions");
	*out = v;
	return got;
}

int
proposal_positions(struct db *db, struct arena *a, int64_t id, struct proposal_position **out, struct err *e)
{
	return positions_query(db, a, SQL_CURRENT, id, POSITIONS_MAX, out, e);
}

int
proposal_history(struct db *db, struct arena *a, int64_t id, int n, struct proposal_position **out,
		 struct err *e)
{
	return positions_query(db, a, SQL_HISTORY, id, n, out, e);
}

/* ---- writing ------------------------------------------------------------------------------ */

static int
audit(struct db *db, int64_t at, int64_t account_id, const char *address, const char *action, int64_t id,
      const char *detail, struct err *e)
{
	char object[40];
	struct audit_entry au = { at, account_id, address ? address : "cli", action, object, detail };

	snprintf(object, sizeof(object), "proposal/%lld", (long long)id);
	return audit_append(db, &au, e);
}

static void
bind_account(struct db_stmt *st, int idx, int64_t account_id)
{
	if (account_id != 0)
		db_bind_int64(st, idx, account_id);
	else
		db_bind_null(st, idx);
}

/* A text within its limit: 0, or -1 with the error under field. NULL or blank passes unless
 * required. */
static int
text_check(const char *v, size_t max, int required, const char *field, struct err *e)
{
	if (v == NULL || v[strspn(v, " \t\r\n")] == '\0')
		return required ? err_set_field(e, ERR_INVALID, field, "required") : 0;
	if (!utf8_valid(v, strlen(v)) || utf8_chars(v, strlen(v)) > max)
		return err_set_field(e, ERR_INVALID, field, "at most %zu characters of text", max);
	return 0;
}

static int
exists(struct db *db, const char *sql, const char *text, int64_t number, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "lookup");
	if (text != NULL)
		db_bind_text(st, 1, text);
	else
		db_bind_int64(st, 1, number);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_err(db, e, "lookup");
	return rc == DB_ROW;
}

int
proposal_create_fn(struct db *db, void *arg, struct err *e)
{
	struct proposal_new *n = arg;
	struct db_stmt *st;
	char field[24], detail[160];
	int64_t now = n->created_at ? n->created_at : clock_now();
	int found;

	if (text_check(n->title, PROPOSAL_MAX_TITLE_CHARS, 1, "title", e) != 0 ||
	    text_check(n->topic, PROPOSAL_MAX_TOPIC_CHARS, 1, "topic", e) != 0)
		return -1;
	if (n->nquestions < 1 || n->nquestions > PROPOSAL_MAX_QUESTIONS)
		return err_set_field(e, ERR_INVALID, "q1", "give 1 to %d draft questions", PROPOSAL_MAX_QUESTIONS);
	for (int i = 0; i < n->nquestions; i++) {
		snprintf(field, sizeof(field), "q%d", i + 1);
		if (text_check(n->question[i], PROPOSAL_MAX_QUESTION_CHARS, 1, field, e) != 0)
			return -1;
	}
	if (n->meeting_number != 0) {
		if ((found = exists(db, SQL_MEETING, NULL, n->meeting_number, e)) < 0)
			return -1;
		if (!found)
			return err_set_field(e, ERR_INVALID, "meeting", "there is no meeting %d", n->meeting_number);
	}
	if (n->silence_deadline != 0 && n->silence_deadline <= now)
		return err_set_field(e, ERR_INVALID, "deadline", "a silence deadline must lie ahead");
	if ((st = db_prepare(db, SQL_INSERT)) == NULL)
		return db_err(db, e, "proposal");
	bind_account(st, 1, n->account_id);
	db_bind_text(st, 2, n->state_code ? n->state_code : "");
	if (n->meeting_number != 0)
		db_bind_int64(st, 3, n->meeting_number);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, n->silence_deadline ? "silence" : "meeting");
	if (n->silence_deadline != 0)
		db_bind_int64(st, 5, n->silence_deadline);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, lang_code(n->lang));
	db_bind_int64(st, 7, n->nquestions);
	db_bind_int64(st, 8, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "proposal");
	n->id = db_last_insert_id(db);
	for (int l = 0; l < LANG_COUNT; l++) {
		int orig = l == (int)n->lang;
		const char *status = orig ? "original" : "official";
		const char *t = orig ? n->title : n->more_title[l], *tp = orig ? n->topic : n->more_topic[l];
		if ((t && text_put(db, "proposal", n->id, "title", l, t, status, e)) ||
		    (tp && text_put(db, "proposal", n->id, "topic", l, tp, status, e)))
			return -1;
		for (int q = 0; q < n->nquestions; q++) {
			const char *qt = orig ? n->question[q] : n->more_question[q][l];
			snprintf(field, sizeof(field), "question:%d", q + 1);
			if (qt && text_put(db, "proposal", n->id, field, l, qt, status, e))
				return -1;
		}
	}
	snprintf(detail, sizeof(detail), "%s; %s; %d draft questions%s%s", n->silence_deadline ? "silence" : "meeting",
		 lang_code(n->lang), n->nquestions, n->state_code && n->state_code[0] ? "; by " : "",
		 n->state_code ? n->state_code : "");
	return audit(db, now, n->account_id, n->address, "proposal_create", n->id, detail, e);
}

/* The proposal's status and deadline, inside a write. */
static int
load_brief(struct db *db, int64_t id, char status[16], int64_t *deadline, char slug[80], struct err *e)
{
	struct db_stmt *st = db_prepare(db, SQL_GET);
	enum db_rc rc;

	if (st == NULL)
		return db_err(db, e, "proposal");
	db_bind_int64(st, 1, id);
	if ((rc = db_step(st)) == DB_ROW) {
		snprintf(status, 16, "%s", db_col_text(st, 7));
		*deadline = db_col_int64(st, 6);
		if (slug != NULL)
			snprintf(slug, 80, "%s", db_col_text(st, 13));
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no proposal %lld", (long long)id);
	return rc == DB_ROW ? 0 : db_err(db, e, "proposal");
}

int
proposal_position_fn(struct db *db, void *arg, struct err *e)
{
	const struct proposal_position_new *n = arg;
	struct db_stmt *st;
	char status[16], detail[80];
	int64_t deadline, now = n->at ? n->at : clock_now();
	const char *statement = n->statement ? n->statement : "";
	int found;

	if (load_brief(db, n->proposal_id, status, &deadline, NULL, e) != 0)
		return -1;
	/* The role was checked by the caller; the status and the deadline are checked here, in the
	 * transaction, so a position cannot slip in after the scheduler has decided. */
	if (proposal_position_allowed("focal_point", n->state_code, status, deadline, now) != POSITION_OK)
		return err_set_field(e, ERR_CONFLICT, "position",
				     str_eq(status, "open") ? "the deadline has passed" : "the proposal is decided");
	if ((found = exists(db, SQL_STATE, n->state_code, 0, e)) < 0)
		return -1;
	if (!found)
		return err_set_field(e, ERR_INVALID, "position", "no Member State %s", n->state_code);
	if (proposal_position_index(n->position) < 0)
		return err_set_field(e, ERR_INVALID, "position", "support, no_objection, objection or abstain");
	if (text_check(statement, PROPOSAL_MAX_STATEMENT_CHARS, str_eq(n->position, "objection"), "statement", e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_POSITION)) == NULL)
		return db_err(db, e, "position");
	db_bind_int64(st, 1, n->proposal_id);
	db_bind_text(st, 2, n->state_code);
	db_bind_text(st, 3, n->position);
	db_bind_text(st, 4, statement[strspn(statement, " \t\r\n")] ? statement : "");
	bind_account(st, 5, n->account_id);
	db_bind_text(st, 6, n->address ? n->address : "cli");
	db_bind_int64(st, 7, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "position");
	snprintf(detail, sizeof(detail), "%s: %s", n->state_code, n->position);
	return audit(db, now, n->account_id, n->address, "proposal_position", n->proposal_id, detail, e);
}

int
proposal_decision_fn(struct db *db, void *arg, struct err *e)
{
	const struct proposal_decision *d = arg;
	struct db_stmt *st;
	char status[16], detail[200];
	int64_t deadline, now = d->at ? d->at : clock_now();
	const char *note = d->note ? d->note : "";
	int found;

	if (!str_eq(d->decision, "consensus") && !str_eq(d->decision, "no_consensus") &&
	    !str_eq(d->decision, "deferred"))
		return err_set_field(e, ERR_INVALID, "decision", "consensus, no_consensus or deferred");
	if (d->meeting_number < 1 || d->meeting_number > 9999)
		return err_set_field(e, ERR_INVALID, "meeting", "give the meeting's number");
	if ((found = exists(db, SQL_MEETING, NULL, d->meeting_number, e)) < 0)
		return -1;
	if (!found)
		return err_set_field(e, ERR_INVALID, "meeting", "there is no meeting %d", d->meeting_number);
	if (text_check(note, PROPOSAL_MAX_NOTE_CHARS, 0, "note", e) != 0)
		return -1;
	if (load_brief(db, d->proposal_id, status, &deadline, NULL, e) != 0)
		return -1;
	if (proposal_decision_check(status, d->decision) != 0)
		return err_set_field(e, ERR_CONFLICT, "decision", "a proposal %s cannot become %s", status, d->decision);
	if ((st = db_prepare(db, SQL_DECIDE)) == NULL)
		return db_err(db, e, "decision");
	db_bind_int64(st, 1, d->proposal_id);
	db_bind_text(st, 2, d->decision);
	db_bind_int64(st, 3, now);
	bind_account(st, 4, d->account_id);
	db_bind_int64(st, 5, d->meeting_number);
	db_bind_text(st, 6, note);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "decision");
	snprintf(detail, sizeof(detail), "%s -> %s at meeting %d", status, d->decision, d->meeting_number);
	return audit(db, now, d->account_id, d->address, "proposal_decision", d->proposal_id, detail, e);
}

int
proposal_texts_fn(struct db *db, void *arg, struct err *e)
{
	const struct proposal_texts *t = arg;
	struct db_stmt *st;
	enum db_rc rc;
	enum lang original = LANG_EN;
	char field[24], status[16], detail[80];
	int64_t now = t->at ? t->at : clock_now();
	int nq = 0;
	const char *tstatus = t->status ? t->status : "official";

	if ((st = db_prepare(db, SQL_GET)) == NULL)
		return db_err(db, e, "proposal");
	db_bind_int64(st, 1, t->proposal_id);
	if ((rc = db_step(st)) == DB_ROW) {
		snprintf(status, sizeof(status), "%s", db_col_text(st, 7));
		if (lang_from_code(db_col_text(st, 8), &original) != 0)
			original = LANG_EN;
		nq = (int)db_col_int64(st, 15);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "no proposal %lld", (long long)t->proposal_id);
	if (rc != DB_ROW)
		return db_err(db, e, "proposal");
	/* checked here, in the transaction, so texts cannot slip in after a decision */
	if (!proposal_texts_open(status))
		return err_set_field(e, ERR_CONFLICT, "lang", "the proposal is %s", status);
	if ((int)t->lang < 0 || t->lang >= LANG_COUNT || t->lang == original)
		return err_set_field(e, ERR_INVALID, "lang", "a language other than the original");
	if (!str_eq(tstatus, "official") && !str_eq(tstatus, "draft"))
		return err_set_field(e, ERR_INVALID, "status", "official or draft");
	if (text_check(t->title, PROPOSAL_MAX_TITLE_CHARS, 1, "title", e) != 0 ||
	    text_check(t->topic, PROPOSAL_MAX_TOPIC_CHARS, 1, "topic", e) != 0)
		return -1;
	if (t->nquestions != nq)
		return err_set_field(e, ERR_INVALID, "q1", "give all %d draft questions", nq);
	for (int i = 0; i < nq; i++) {
		snprintf(field, sizeof(field), "q%d", i + 1);
		if (text_check(t->question[i], PROPOSAL_MAX_QUESTION_CHARS, 1, field, e) != 0)
			return -1;
	}
	if (text_put(db, "proposal", t->proposal_id, "title", t->lang, t->title, tstatus, e) != 0 ||
	    text_put(db, "proposal", t->proposal_id, "topic", t->lang, t->topic, tstatus, e) != 0)
		return -1;
	for (int i = 0; i < nq; i++) {
		snprintf(field, sizeof(field), "question:%d", i + 1);
		if (text_put(db, "proposal", t->proposal_id, field, t->lang, t->question[i], tstatus, e) != 0)
			return -1;
	}
	snprintf(detail, sizeof(detail), "%s (%s): title, topic, %d draft questions", lang_code(t->lang), tstatus, nq);
	return audit(db, now, t->account_id, t->address, "proposal_texts", t->proposal_id, detail, e);
}

/* The consultation's spec from the proposal's texts, all languages. */
static void
spec_found(const char *field, enum lang l, const char *body, const char *status, void *ctx)
{
	struct consultation_spec *s = ctx;
	int q;

	if (str_eq(status, "draft"))
		return;
	if (strcmp(field, "title") == 0)
		s->title[l] = body;
	else if (strcmp(field, "topic") == 0)
		s->topic[l] = s->description[l] = body;
	else if (sscanf(field, "question:%d", &q) == 1 && q >= 1 && q <= s->nquestions)
		s->question[q - 1][l] = body;
}

/* The new round slug was launched by outcome_id: the launching outcome, and the link the
 * outcome's "concerns" list keeps (the meeting page shows the launch once). */
static int
launched_by(struct db *db, int64_t outcome_id, const char *slug, int64_t now, struct err *e)
{
	struct db_stmt *st;

	if ((st = db_prepare(db, SQL_LAUNCHED_BY)) == NULL)
		return db_err(db, e, "launching outcome");
	db_bind_int64(st, 1, outcome_id);
	db_bind_text(st, 2, slug);
	if (db_run(st) != DB_DONE || db_changes(db) != 1)
		return db_err(db, e, "launching outcome");
	if ((st = db_prepare(db, SQL_OUTCOME_LINK)) == NULL)
		return db_err(db, e, "outcome link");
	db_bind_int64(st, 1, outcome_id);
	db_bind_text(st, 2, slug);
	db_bind_int64(st, 3, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "outcome link");
	return 0;
}

static int
to_consultation(struct db *db, struct arena *a, struct proposal_consultation *c, struct err *e)
{
	struct consultation_spec spec;
	struct outcome o;
	struct proposal p;
	struct db_stmt *st;
	int64_t now = clock_now();
	const char *slug = c->slug && c->slug[0] ? c->slug : arena_printf(a, "proposal-%lld", (long long)c->proposal_id);

	if (slug == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	if (!slug_valid(slug))
		return err_set_field(e, ERR_INVALID, "slug", "1 to 64 of a-z, 0-9 and -");
	if (proposal_get(db, a, c->proposal_id, &p, e) != 0)
		return -1;
	if (!str_eq(p.status, "consensus"))
		return err_set_field(e, ERR_CONFLICT, "proposal", "only a proposal that reached consensus");
	if (p.consultation_slug[0])
		return err_set_field(e, ERR_CONFLICT, "proposal", "created already: %s", p.consultation_slug);
	if (c->outcome_meeting != 0 && outcome_get(db, a, c->outcome_meeting, c->outcome_letter, &o, e) != 0)
		return e->kind == ERR_NOTFOUND ? err_set_field(e, ERR_INVALID, "outcome", "no outcome %d(%c)",
							       c->outcome_meeting, c->outcome_letter)
					       : -1;
	memset(&spec, 0, sizeof(spec));
	spec.slug = slug;
	spec.original = p.original;
	spec.moderation = "post";
	/* the consultations' own label for the meeting that launched them, as in the demo rounds:
	 * the launching outcome's meeting when one is given, else the meeting that decided */
	spec.meeting = c->outcome_meeting ? arena_printf(a, "CWG-Internet %d", c->outcome_meeting)
		       : p.decided_meeting ? arena_printf(a, "CWG-Internet %d", p.decided_meeting) : "";
	spec.opens_at = now + 30 * 86400;	/* placeholders the secretariat edits before opening */
	spec.closes_at = spec.opens_at + 90 * 86400;
	spec.nquestions = p.nquestions;
	spec.account_id = c->account_id;
	spec.address = c->address;
	if (text_load_all(db, a, "proposal", p.id, spec_found, &spec, e) != 0)
		return -1;
	if (spec.title[p.original] == NULL || spec.nquestions < 1)
		return err_set_field(e, ERR_CONFLICT, "proposal", "the proposal has no title or questions");
	if (consultation_create_fn(db, &spec, e) != 0)
		return -1;
	if ((st = db_prepare(db, SQL_LINK)) == NULL)
		return db_err(db, e, "proposal link");
	db_bind_int64(st, 1, p.id);
	db_bind_text(st, 2, slug);
	if (db_run(st) != DB_DONE || db_changes(db) != 1)
		return db_err(db, e, "proposal link");
	if (c->outcome_meeting != 0 && launched_by(db, o.id, slug, now, e) != 0)
		return -1;
	snprintf(c->made, sizeof(c->made), "%s", slug);
	return audit(db, now, c->account_id, c->address, "proposal_consultation", p.id,
		     c->outcome_meeting ? arena_printf(a, "consultation/%s (draft), launched by %d(%c)", slug,
						       c->outcome_meeting, c->outcome_letter)
					: arena_printf(a, "consultation/%s (draft)", slug), e);
}

int
proposal_consultation_fn(struct db *db, void *arg, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = to_consultation(db, a, arg, e);
	arena_free(a);
	return rc;
}

/* ---- the silence procedure's end ---------------------------------------------------------- */

static int
silence_end(struct db *db, struct arena *a, int64_t id, int64_t now, struct err *e)
{
	struct proposal_position *cur = NULL;
	const char **pos, *result;
	struct db_stmt *st;
	int n = proposal_positions(db, a, id, &cur, e), objections = 0;

	if (n < 0)
		return -1;
	if ((pos = arena_alloc(a, sizeof(*pos) * (size_t)(n > 0 ? n : 1))) == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	for (int i = 0; i < n; i++) {
		pos[i] = cur[i].position;
		objections += str_eq(pos[i], "objection");
	}
	result = proposal_silence_result(pos, n);
	if ((st = db_prepare(db, SQL_SILENCE_END)) == NULL)
		return db_err(db, e, "silence");
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, result);
	db_bind_int64(st, 3, now);
	if (db_run(st) != DB_DONE)
		return db_err(db, e, "silence");
	return audit(db, now, 0, "scheduler", "proposal_decision", id,
		     arena_printf(a, "silence procedure ended: %s (%d positions, %d objections)", result, n,
				  objections),
		     e);
}

int
proposal_apply_silence(struct db *db, int64_t id, int64_t now, struct err *e)
{
	struct arena *a = arena_new();
	int rc;

	if (a == NULL)
		return err_set(e, ERR_BUSY, "out of memory");
	rc = silence_end(db, a, id, now, e);
	arena_free(a);
	return rc;
}

const char proposal_silence_due_sql[] =
    "SELECT id, silence_deadline FROM proposals WHERE status = 'open' AND procedure = 'silence' "
    "AND silence_deadline <= $1 ORDER BY silence_deadline, id";
